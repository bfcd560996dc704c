//! The Rhai engine every rule runs in: stdlib registered, limits set, no file access except
//! `import` of modules that live inside the rule folders.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position, Shared};

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
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_operations: 20_000_000,
            max_call_levels: 48,
            max_string_size: 4 * 1024 * 1024,
            max_array_size: 200_000,
            max_map_size: 200_000,
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
