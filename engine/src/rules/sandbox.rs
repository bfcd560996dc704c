//! The Rhai engine every rule runs in: stdlib registered, limits set, no file access except
//! `import` of modules that live inside the rule folders.
//!
//! Besides Rhai's own limits (operations, call levels, value sizes, expression depth), every
//! hook call runs under a wall-clock limit (checked between operations, so expensive
//! operations on large values cannot run for hours within the operation budget) and on a
//! thread with a large stack: Rhai measures and drops nested arrays and maps recursively, and a
//! rule nesting thousands of levels would otherwise overflow a default 2 MiB thread stack and
//! abort the whole process.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rhai::{Dynamic, Engine, EvalAltResult, Module, ModuleResolver, Position, Shared};

/// Stack size of the threads rule hooks run on. Nesting is bounded by the array and map size
/// limits (and, much earlier, by the time limit, since each level costs a walk over the value):
/// a few hundred bytes of stack per level, well within this.
pub const RULE_STACK_SIZE: usize = 256 * 1024 * 1024;

thread_local! {
    /// When the outermost rule call on this thread started.
    static CALL_STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
    /// True on threads created with [`RULE_STACK_SIZE`].
    static BIG_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` (a rule hook call) under the wall-clock limit and on a thread with a large stack:
/// directly when this thread is one (a scan's worker), else on a scoped thread.
pub fn guarded<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let timed = || {
        let outer = CALL_STARTED.with(|c| c.get());
        if outer.is_some() {
            // A nested call (an import evaluated during a hook) shares the outer deadline.
            return f();
        }
        CALL_STARTED.with(|c| c.set(Some(Instant::now())));
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                CALL_STARTED.with(|c| c.set(None));
            }
        }
        let _reset = Reset;
        f()
    };
    if BIG_STACK.with(|b| b.get()) {
        return timed();
    }
    // The call moves to the new thread; it stays here if no thread can be made.
    let call = std::sync::Mutex::new(Some(timed));
    let take = || call.lock().ok().and_then(|mut c| c.take());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("apm-doctor-rule".into())
            .stack_size(RULE_STACK_SIZE)
            .spawn_scoped(scope, || {
                BIG_STACK.with(|b| b.set(true));
                take().map(|timed| timed())
            });
        let done = match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => None,
        };
        match done {
            Some(value) => value,
            None => take().expect("the call runs on this thread when no thread was made")(),
        }
    })
}

/// Run `f` (a scan) in a thread pool whose threads have [`RULE_STACK_SIZE`] stacks, with as
/// many threads as the current pool, so that every hook call of the scan runs without an
/// extra thread. Already on such a thread: run `f` here.
pub fn in_rule_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if BIG_STACK.with(|b| b.get()) {
        return f();
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads())
        .stack_size(RULE_STACK_SIZE)
        .thread_name(|i| format!("apm-doctor-scan-{i}"))
        .start_handler(|_| BIG_STACK.with(|b| b.set(true)))
        .build();
    match pool {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// Limits that stop a runaway rule.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Operations per call (a loop iteration, a function call... each count).
    pub max_operations: u64,
    /// Nested function calls.
    pub max_call_levels: usize,
    /// Bytes in one string.
    pub max_string_size: usize,
    /// Items in one array.
    pub max_array_size: usize,
    /// Entries in one map.
    pub max_map_size: usize,
    /// Wall-clock time of one hook call (checked between operations).
    pub max_duration: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_operations: 20_000_000,
            max_call_levels: 48,
            max_string_size: 4 * 1024 * 1024,
            max_array_size: 200_000,
            max_map_size: 200_000,
            max_duration: Duration::from_secs(5),
        }
    }
}

/// Everything needed to build identical engines on every worker thread.
#[derive(Clone)]
pub struct SandboxSpec {
    /// Limits.
    pub limits: Limits,
    /// Canonical rule folders modules may be imported from.
    pub module_roots: Arc<Vec<PathBuf>>,
    /// The compiled stdlib helper module.
    pub helpers: Shared<Module>,
}

impl SandboxSpec {
    /// Compile the stdlib helpers once; `module_roots` are the custom rule folders.
    pub fn new(limits: Limits, module_roots: Vec<PathBuf>) -> Result<SandboxSpec, String> {
        let roots = module_roots
            .into_iter()
            .filter_map(|p| p.canonicalize().ok())
            .collect();
        let bare = bare_engine(&Limits::default());
        let helpers = apm_doctor_stdlib::helper_module(&bare)?;
        Ok(SandboxSpec {
            limits,
            module_roots: Arc::new(roots),
            helpers: helpers.into(),
        })
    }

    /// A ready engine for rules.
    pub fn engine(&self) -> Engine {
        let mut engine = bare_engine(&self.limits);
        engine.register_global_module(self.helpers.clone());
        engine.set_module_resolver(ConfinedResolver {
            roots: self.module_roots.clone(),
        });
        engine
    }
}

fn bare_engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new();
    engine.set_max_operations(limits.max_operations);
    engine.set_max_call_levels(limits.max_call_levels);
    engine.set_max_expr_depths(128, 64);
    engine.set_max_string_size(limits.max_string_size);
    engine.set_max_array_size(limits.max_array_size);
    engine.set_max_map_size(limits.max_map_size);
    engine.set_max_modules(32);
    engine.set_strict_variables(true);
    engine.disable_symbol("eval");
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    let max_duration = limits.max_duration;
    engine.on_progress(move |ops| {
        if ops % 64 != 0 {
            return None;
        }
        let started = CALL_STARTED.with(|c| c.get())?;
        (started.elapsed() > max_duration).then(|| {
            Dynamic::from(format!(
                "time limit exceeded: the call ran longer than {max_duration:?}"
            ))
        })
    });
    apm_doctor_stdlib::register(&mut engine);
    engine
}

/// Resolves `import "name"` to `name.rhai` beside the importing rule, refusing anything that
/// lands outside the rule folders.
struct ConfinedResolver {
    roots: Arc<Vec<PathBuf>>,
}

impl ModuleResolver for ConfinedResolver {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        let refuse = |why: String| -> Box<EvalAltResult> {
            Box::new(EvalAltResult::ErrorInModule(
                path.to_string(),
                Box::new(EvalAltResult::ErrorRuntime(why.into(), pos)),
                pos,
            ))
        };
        let base = source
            .map(Path::new)
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .ok_or_else(|| refuse("built-in rules cannot import modules".into()))?;
        let mut candidate = base.join(path);
        if candidate.extension().is_none() {
            candidate.set_extension("rhai");
        }
        let canonical = candidate
            .canonicalize()
            .map_err(|e| refuse(format!("cannot open {}: {e}", candidate.display())))?;
        if !self.roots.iter().any(|r| canonical.starts_with(r)) {
            return Err(refuse(format!(
                "{} is outside the rule folders; modules may only be imported from them",
                canonical.display()
            )));
        }
        let text = std::fs::read_to_string(&canonical)
            .map_err(|e| refuse(format!("cannot read {}: {e}", canonical.display())))?;
        let mut ast = engine.compile(&text).map_err(|e| refuse(e.to_string()))?;
        ast.set_source(canonical.to_string_lossy().as_ref());
        let module = Module::eval_ast_as_new(rhai::Scope::new(), &ast, engine)?;
        Ok(module.into())
    }
}
