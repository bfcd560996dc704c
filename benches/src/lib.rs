//! Benchmark support: a deterministic generator of realistic polyglot monorepos.
//!
//! [`generate`] writes `services` services cycling through the eight language families
//! apm-doctor audits (Python, Go, Java, Node.js in JavaScript and TypeScript, Ruby, C#, PHP and
//! C++). Each service gets a real manifest, an entry point with (or without) tracer
//! initialisation, one handler file per resource with a few hundred lines of routes, a data
//! access file and a Dockerfile; most are deployed by a Kubernetes manifest under
//! `deploy/k8s/<team>/`, the others by the root `docker-compose.yml` next to a Datadog agent.
//!
//! The output depends only on the service count: variation (frameworks, tracer mistakes,
//! missing tags, route counts) comes from a hand-written linear congruential generator seeded
//! from each service's index, so service `i` is byte-identical whatever the total.
//!
//! Sizes are also given in lines ([`generate_lines`], `gen-monorepo OUT --lines 100k`): the
//! smallest service count whose tree has at least that many lines (every line of every file,
//! manifests and YAML included), found by counting without writing, so a size names one tree.
//! The reference sizes [`SIZES`] are 10k, 100k and 1M lines.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

mod lang;

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GeneratedStats {
    /// Services generated.
    pub services: usize,
    /// Files written.
    pub files: usize,
    /// Lines written (newline count over all files).
    pub lines: usize,
    /// Bytes written.
    pub bytes: u64,
}

/// Write a monorepo of `services` services under `dir` (created if missing).
///
/// # Errors
/// Any I/O error creating folders or writing files.
pub fn generate(dir: &Path, services: usize) -> io::Result<GeneratedStats> {
    let mut out = Output::new(dir)?;
    write_monorepo(&mut out, services)?;
    Ok(out.stats)
}

/// What [`generate`] would write for `services` services, without writing anything.
pub fn measure(services: usize) -> GeneratedStats {
    let mut out = Output::counting();
    // Counting never touches the disk, so it cannot fail.
    write_monorepo(&mut out, services).expect("counting output does not fail");
    out.stats
}

/// The smallest service count whose monorepo has at least `lines` lines (at least one
/// service). Lines grow strictly with the service count (about 930 per service), so this is a
/// binary search over [`measure`]; like the tree itself, the answer never changes.
pub fn services_for_lines(lines: usize) -> usize {
    if measure(1).lines >= lines {
        return 1;
    }
    // Invariant: `lo` services fall short of `lines`, `hi` services reach it.
    let (mut lo, mut hi) = (1, 2);
    while measure(hi).lines < lines {
        lo = hi;
        hi *= 2;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if measure(mid).lines >= lines {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// Write the monorepo of [`services_for_lines`]`(lines)` services under `dir`.
///
/// # Errors
/// Any I/O error creating folders or writing files.
pub fn generate_lines(dir: &Path, lines: usize) -> io::Result<GeneratedStats> {
    generate(dir, services_for_lines(lines))
}

/// The three reference sizes of the benchmarks and the comparison script, in lines.
pub const SIZES: [(&str, usize); 3] = [("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000)];

/// Parse a line count: `10k`, `100k`, `1M`, `250000` (`k` and `M` are powers of ten, either
/// case).
pub fn parse_lines(text: &str) -> Option<usize> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last()? {
        (i, 'k' | 'K') => (&text[..i], 1_000),
        (i, 'm' | 'M') => (&text[..i], 1_000_000),
        _ => (text, 1),
    };
    let n: usize = digits.replace('_', "").parse().ok()?;
    n.checked_mul(unit).filter(|&n| n > 0)
}

/// A generated source file chosen to benchmark one grammar.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Its grammar.
    pub grammar: apm_doctor_engine::language::Grammar,
    /// Path relative to the tree's root, `/`-separated.
    pub rel: String,
    /// Its text.
    pub text: String,
}

/// Every file under `dir`, in sorted path order.
///
/// # Errors
/// Any I/O error reading a folder.
pub fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
        let mut entries = fs::read_dir(dir)?
            .map(|e| e.map(|e| e.path()))
            .collect::<io::Result<Vec<PathBuf>>>()?;
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out)?;
            } else {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    Ok(out)
}

/// The largest source file of each grammar under `root` (ties: the first in path order),
/// ordered by grammar: the inputs of the parse, query and rule benches.
///
/// # Errors
/// Any I/O error walking the tree or reading a file.
pub fn largest_source_per_grammar(root: &Path) -> io::Result<Vec<Sample>> {
    use apm_doctor_engine::language::Grammar;
    let mut best: Vec<Sample> = Vec::new();
    for path in files_under(root)? {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let Some(grammar) = Grammar::from_path(&rel) else {
            continue;
        };
        let text = fs::read_to_string(&path)?;
        match best.iter_mut().find(|s| s.grammar == grammar) {
            Some(slot) if slot.text.len() >= text.len() => {}
            Some(slot) => *slot = Sample { grammar, rel, text },
            None => best.push(Sample { grammar, rel, text }),
        }
    }
    best.sort_by_key(|s| s.grammar);
    Ok(best)
}

/// Fact rules the audit rules read (`svc.init` comes from `tracer-init`).
pub const AUDIT_FACT_RULES: [&str; 1] = ["tracer-init"];

/// The `[rules] disable` list that leaves only the audit pack: every rule of `rules` outside
/// the `audit` category except the fact rules it needs ([`AUDIT_FACT_RULES`]).
pub fn audit_only_disable(rules: &[apm_doctor_engine::rules::Rule]) -> Vec<String> {
    rules
        .iter()
        .filter(|r| r.info.category != "audit" && !AUDIT_FACT_RULES.contains(&r.info.id.as_str()))
        .map(|r| r.info.id.clone())
        .collect()
}

/// Everything [`generate`] writes, into `out`.
fn write_monorepo(out: &mut Output, services: usize) -> io::Result<()> {
    let mut compose = Vec::new();
    for index in 0..services {
        let spec = ServiceSpec::new(index);
        lang::write_service(&spec, out)?;
        match spec.deploy {
            Deploy::Kubernetes => deploy_kubernetes(&spec, out)?,
            Deploy::Compose => compose.push(spec),
        }
    }
    write_compose(&compose, out)?;
    out.file(
        "README.md",
        &format!(
            "# acme platform monorepo\n\nGenerated by `gen-monorepo` with {services} services.\n"
        ),
    )?;
    out.stats.services = services;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/// A 64-bit linear congruential generator (Knuth's MMIX constants); the high bits are used.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    const MULTIPLIER: u64 = 6_364_136_223_846_793_005;
    const INCREMENT: u64 = 1_442_695_040_888_963_407;

    /// A generator for service `index` (independent of how many services there are).
    pub(crate) fn for_service(index: usize) -> Rng {
        let mut rng =
            Rng(0x5EED_0A9D_0C70_u64 ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng.next();
        rng
    }

    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(Self::MULTIPLIER)
            .wrapping_add(Self::INCREMENT);
        (self.0 >> 33) as u32
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u64::from(self.next()) * n as u64) >> 31) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

// ---------------------------------------------------------------------------------------------
// What a service looks like

/// Source language of a service (Node.js comes in two flavours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Lang {
    Python,
    Go,
    Java,
    JavaScript,
    TypeScript,
    Ruby,
    CSharp,
    Php,
    Cpp,
}

/// Languages in the order services cycle through them.
const LANGS: [Lang; 9] = [
    Lang::Python,
    Lang::Go,
    Lang::Java,
    Lang::JavaScript,
    Lang::Ruby,
    Lang::CSharp,
    Lang::TypeScript,
    Lang::Php,
    Lang::Cpp,
];

impl Lang {
    /// The language family apm-doctor reports.
    #[cfg(test)]
    pub(crate) fn family(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Go => "go",
            Lang::Java => "java",
            Lang::JavaScript | Lang::TypeScript => "node",
            Lang::Ruby => "ruby",
            Lang::CSharp => "dotnet",
            Lang::Php => "php",
            Lang::Cpp => "cpp",
        }
    }

    /// Port the service listens on.
    pub(crate) fn port(self) -> u16 {
        match self {
            Lang::Python => 8000,
            Lang::JavaScript | Lang::TypeScript => 3000,
            Lang::Ruby => 4567,
            Lang::Php => 80,
            Lang::Go | Lang::Java | Lang::CSharp | Lang::Cpp => 8080,
        }
    }
}

/// How the service's tracing is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tracing {
    /// Current tracer, initialised first.
    Correct,
    /// End-of-life tracer version or library, otherwise initialised.
    Outdated,
    /// Tracer declared but never initialised.
    NotInitialized,
    /// Initialised after the framework (or, in Go, never stopped).
    LateInit,
    /// No tracer at all.
    Missing,
}

impl Tracing {
    /// A tracer library is declared.
    pub(crate) fn declared(self) -> bool {
        self != Tracing::Missing
    }

    /// The tracer is started somewhere.
    pub(crate) fn initialised(self) -> bool {
        matches!(
            self,
            Tracing::Correct | Tracing::Outdated | Tracing::LateInit
        )
    }
}

/// Where the service runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deploy {
    Kubernetes,
    Compose,
}

/// A business resource a service exposes (`orders`), with its singular.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resource {
    pub(crate) one: &'static str,
    pub(crate) many: &'static str,
}

const RESOURCES: [Resource; 20] = [
    Resource {
        one: "order",
        many: "orders",
    },
    Resource {
        one: "invoice",
        many: "invoices",
    },
    Resource {
        one: "customer",
        many: "customers",
    },
    Resource {
        one: "product",
        many: "products",
    },
    Resource {
        one: "shipment",
        many: "shipments",
    },
    Resource {
        one: "payment",
        many: "payments",
    },
    Resource {
        one: "review",
        many: "reviews",
    },
    Resource {
        one: "coupon",
        many: "coupons",
    },
    Resource {
        one: "refund",
        many: "refunds",
    },
    Resource {
        one: "ticket",
        many: "tickets",
    },
    Resource {
        one: "warehouse",
        many: "warehouses",
    },
    Resource {
        one: "supplier",
        many: "suppliers",
    },
    Resource {
        one: "subscription",
        many: "subscriptions",
    },
    Resource {
        one: "campaign",
        many: "campaigns",
    },
    Resource {
        one: "report",
        many: "reports",
    },
    Resource {
        one: "cart",
        many: "carts",
    },
    Resource {
        one: "address",
        many: "addresses",
    },
    Resource {
        one: "device",
        many: "devices",
    },
    Resource {
        one: "booking",
        many: "bookings",
    },
    Resource {
        one: "listing",
        many: "listings",
    },
];

const ROLES: [&str; 6] = ["api", "service", "gateway", "sync", "hub", "backend"];
const TEAMS: [&str; 8] = [
    "checkout",
    "fulfilment",
    "growth",
    "identity",
    "finance",
    "catalog",
    "support",
    "platform",
];

/// Shape of the SQL statement behind an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    List,
    One,
    Insert,
    Update,
    Delete,
    History,
}

/// One route of a resource.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Action {
    /// Verb used in function names (`bulk_update`).
    pub(crate) name: &'static str,
    /// HTTP method.
    pub(crate) method: &'static str,
    /// Path after `/<resource>`, with `{id}` for the item id.
    pub(crate) suffix: &'static str,
    /// Function names use the plural resource (`list_orders`, not `list_order`).
    pub(crate) plural: bool,
    /// Statement shape.
    pub(crate) shape: Shape,
    /// HTTP status of a success.
    pub(crate) status: u16,
}

const fn action(
    name: &'static str,
    method: &'static str,
    suffix: &'static str,
    plural: bool,
    shape: Shape,
    status: u16,
) -> Action {
    Action {
        name,
        method,
        suffix,
        plural,
        shape,
        status,
    }
}

/// Every action a resource may have; a service takes a prefix of this list.
const ACTIONS: [Action; 14] = [
    action("list", "GET", "", true, Shape::List, 200),
    action("get", "GET", "/{id}", false, Shape::One, 200),
    action("create", "POST", "", false, Shape::Insert, 201),
    action("update", "PUT", "/{id}", false, Shape::Update, 200),
    action("delete", "DELETE", "/{id}", false, Shape::Delete, 204),
    action("search", "GET", "/search", true, Shape::List, 200),
    action("export", "GET", "/export", true, Shape::List, 200),
    action(
        "archive",
        "POST",
        "/{id}/archive",
        false,
        Shape::Update,
        200,
    ),
    action(
        "restore",
        "POST",
        "/{id}/restore",
        false,
        Shape::Update,
        200,
    ),
    action(
        "history",
        "GET",
        "/{id}/history",
        false,
        Shape::History,
        200,
    ),
    action(
        "duplicate",
        "POST",
        "/{id}/duplicate",
        false,
        Shape::Insert,
        201,
    ),
    action("summarize", "GET", "/stats", true, Shape::List, 200),
    action("bulk_update", "PATCH", "/bulk", true, Shape::Update, 200),
    action("purge", "DELETE", "/{id}/purge", false, Shape::Delete, 204),
];

impl Action {
    /// `get_order`, `list_orders`.
    pub(crate) fn func(&self, res: &Resource) -> String {
        format!(
            "{}_{}",
            self.name,
            if self.plural { res.many } else { res.one }
        )
    }

    /// Whether the path names an item.
    pub(crate) fn has_id(&self) -> bool {
        self.suffix.contains("{id}")
    }

    /// Whether the request carries a JSON body.
    pub(crate) fn has_body(&self) -> bool {
        matches!(self.method, "POST" | "PUT" | "PATCH")
    }

    /// The path suffix with `{id}` written as `id_syntax`.
    pub(crate) fn path_with(&self, id_syntax: &str) -> String {
        self.suffix.replace("{id}", id_syntax)
    }

    /// Lower-case method (`get`, `post`).
    pub(crate) fn method_lower(&self) -> String {
        self.method.to_ascii_lowercase()
    }

    /// `Get`, `Post` (cpp-httplib, ASP.NET `MapGet`).
    pub(crate) fn method_title(&self) -> String {
        let lower = self.method_lower();
        let mut chars = lower.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    }

    /// The parameters its statement binds, in order of appearance.
    pub(crate) fn binds(&self) -> &'static [Param] {
        match self.shape {
            Shape::List => &[Param::Limit],
            Shape::One | Shape::Delete => &[Param::Id],
            Shape::Insert => &[Param::Data],
            Shape::Update => &[Param::Data, Param::Id],
            Shape::History => &[Param::Id, Param::Limit],
        }
    }

    /// The SQL statement with placeholders written by `placeholder(param, position)`
    /// (position is 1-based, in order of appearance).
    pub(crate) fn sql(&self, table: &str, placeholder: impl Fn(Param, usize) -> String) -> String {
        let binds = self.binds();
        let p = |param: Param| {
            let pos = binds.iter().position(|b| *b == param).unwrap_or(0) + 1;
            placeholder(param, pos)
        };
        match self.shape {
            Shape::List => format!(
                "SELECT id, data, status, created_at FROM {table} WHERE status <> 'deleted' ORDER BY created_at DESC LIMIT {}",
                p(Param::Limit)
            ),
            Shape::One => format!(
                "SELECT id, data, status, created_at, updated_at FROM {table} WHERE id = {}",
                p(Param::Id)
            ),
            Shape::Insert => format!(
                "INSERT INTO {table} (data, status) VALUES ({}, 'active') RETURNING id, data, status, created_at",
                p(Param::Data)
            ),
            Shape::Update => format!(
                "UPDATE {table} SET data = data || {}, updated_at = now() WHERE id = {} RETURNING id, data, status, updated_at",
                p(Param::Data),
                p(Param::Id)
            ),
            Shape::Delete => format!(
                "UPDATE {table} SET status = 'deleted', updated_at = now() WHERE id = {} RETURNING id",
                p(Param::Id)
            ),
            Shape::History => format!(
                "SELECT changed_at, change FROM {table}_history WHERE {table}_id = {} ORDER BY changed_at DESC LIMIT {}",
                p(Param::Id),
                p(Param::Limit)
            ),
        }
    }
}

/// A statement parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Param {
    Id,
    Data,
    Limit,
}

impl Param {
    /// Its name (`id`, `data`, `limit`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Param::Id => "id",
            Param::Data => "data",
            Param::Limit => "limit",
        }
    }
}

/// A resource together with the actions the service implements for it.
#[derive(Debug, Clone)]
pub(crate) struct ResourceSpec {
    pub(crate) res: Resource,
    pub(crate) actions: Vec<Action>,
}

/// Everything that varies between services.
#[derive(Debug, Clone)]
pub(crate) struct ServiceSpec {
    pub(crate) index: usize,
    /// `orders-api-007`.
    pub(crate) name: String,
    /// `services/checkout/orders-api-007`.
    pub(crate) dir: String,
    pub(crate) team: &'static str,
    pub(crate) lang: Lang,
    /// Framework or style variant (meaning depends on the language).
    pub(crate) variant: usize,
    pub(crate) tracing: Tracing,
    pub(crate) deploy: Deploy,
    /// `1.4.12`.
    pub(crate) version: String,
    pub(crate) resources: Vec<ResourceSpec>,
    /// Handler files add custom spans through the tracer's API.
    pub(crate) custom_spans: bool,
    /// The launch command loads the tracer (`ddtrace-run`, `node --require dd-trace/init`)
    /// instead of the code, when the language has such a launcher.
    pub(crate) launcher_init: bool,
    /// Deployment sets DD_VERSION.
    pub(crate) sets_version: bool,
    /// Deployment sets DD_AGENT_HOST.
    pub(crate) sets_agent_host: bool,
    /// Deployment turns tracer debug logging on.
    pub(crate) debug: bool,
}

impl ServiceSpec {
    /// The spec of service `index`.
    pub(crate) fn new(index: usize) -> ServiceSpec {
        let mut rng = Rng::for_service(index);
        let lang = LANGS[index % LANGS.len()];
        let tracing = match rng.below(100) {
            0..=69 => Tracing::Correct,
            70..=77 => Tracing::Outdated,
            78..=84 => Tracing::NotInitialized,
            85..=91 => Tracing::LateInit,
            _ => Tracing::Missing,
        };
        let count = rng.range(2, 4);
        let mut resources: Vec<ResourceSpec> = Vec::with_capacity(count);
        while resources.len() < count {
            let res = RESOURCES[rng.below(RESOURCES.len())];
            if resources.iter().any(|r| r.res.many == res.many) {
                continue;
            }
            let actions = ACTIONS[..rng.range(7, ACTIONS.len())].to_vec();
            resources.push(ResourceSpec { res, actions });
        }
        let name = format!(
            "{}-{}-{index:03}",
            resources[0].res.many,
            ROLES[rng.below(ROLES.len())]
        );
        let team = TEAMS[rng.below(TEAMS.len())];
        ServiceSpec {
            index,
            dir: format!("services/{team}/{name}"),
            name,
            team,
            lang,
            variant: rng.below(2),
            tracing,
            deploy: if rng.chance(20) {
                Deploy::Compose
            } else {
                Deploy::Kubernetes
            },
            version: format!("{}.{}.{}", rng.range(0, 4), rng.below(30), rng.below(20)),
            resources,
            custom_spans: tracing.declared() && rng.chance(50),
            launcher_init: rng.chance(50),
            sets_version: rng.chance(90),
            sets_agent_host: rng.chance(92),
            debug: rng.chance(5),
        }
    }

    /// The service name as an identifier (`orders_api_007`).
    pub(crate) fn snake(&self) -> String {
        self.name.replace('-', "_")
    }

    /// The service name in PascalCase (`OrdersApi007`).
    pub(crate) fn pascal(&self) -> String {
        pascal(&self.snake())
    }

    /// Database name.
    pub(crate) fn db(&self) -> String {
        self.snake()
    }
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/// Replace every `@@key@@` of `template` with its value.
pub(crate) fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (key, value) in vars {
        out = out.replace(&format!("@@{key}@@"), value);
    }
    debug_assert!(!out.contains("@@"), "unfilled placeholder in:\n{out}");
    out
}

/// `bulk_update_orders` → `BulkUpdateOrders`.
pub(crate) fn pascal(snake: &str) -> String {
    snake
        .split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `bulk_update_orders` → `bulkUpdateOrders`.
pub(crate) fn camel(snake: &str) -> String {
    let p = pascal(snake);
    let mut chars = p.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Output

/// Writes files under the root and counts them (or only counts them, without a root).
pub(crate) struct Output {
    root: Option<PathBuf>,
    stats: GeneratedStats,
}

impl Output {
    fn new(root: &Path) -> io::Result<Output> {
        fs::create_dir_all(root)?;
        Ok(Output {
            root: Some(root.to_path_buf()),
            stats: GeneratedStats::default(),
        })
    }

    /// An output that counts what would be written and writes nothing.
    fn counting() -> Output {
        Output {
            root: None,
            stats: GeneratedStats::default(),
        }
    }

    /// Write `text` to `rel` (a `/`-separated path under the root).
    pub(crate) fn file(&mut self, rel: &str, text: &str) -> io::Result<()> {
        if let Some(root) = &self.root {
            let path = root.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, text)?;
        }
        self.stats.files += 1;
        self.stats.lines += text.bytes().filter(|&b| b == b'\n').count();
        self.stats.bytes += text.len() as u64;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Deployment manifests

const K8S_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: @@svc@@
  namespace: @@team@@
  labels:
    app: @@svc@@
    team: @@team@@
spec:
  replicas: @@replicas@@
  selector:
    matchLabels:
      app: @@svc@@
  template:
    metadata:
      labels:
        app: @@svc@@
        team: @@team@@
    spec:
      containers:
        - name: @@svc@@
          image: registry.acme.internal/@@team@@/@@svc@@:@@version@@
          ports:
            - containerPort: @@port@@
          env:
@@env@@          readinessProbe:
            httpGet:
              path: /healthz
              port: @@port@@
            periodSeconds: 10
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              memory: 512Mi
---
apiVersion: v1
kind: Service
metadata:
  name: @@svc@@
  namespace: @@team@@
spec:
  selector:
    app: @@svc@@
  ports:
    - port: 80
      targetPort: @@port@@
"#;

fn k8s_env(spec: &ServiceSpec) -> String {
    let mut env = String::new();
    let mut push = |name: &str, value: &str| {
        let _ = writeln!(
            env,
            "            - name: {name}\n              value: \"{value}\""
        );
    };
    push("DD_SERVICE", &spec.name);
    push("DD_ENV", "production");
    if spec.sets_version {
        push("DD_VERSION", &spec.version);
    }
    if spec.debug {
        push("DD_TRACE_DEBUG", "true");
    }
    push("LOG_LEVEL", "info");
    if spec.sets_agent_host {
        env.push_str(
            "            - name: DD_AGENT_HOST\n              valueFrom:\n                fieldRef:\n                  fieldPath: status.hostIP\n",
        );
    }
    let _ = writeln!(
        env,
        "            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: {}-db\n                  key: url",
        spec.name
    );
    env
}

fn deploy_kubernetes(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let replicas = (2 + spec.index % 3).to_string();
    let port = spec.lang.port().to_string();
    let env = k8s_env(spec);
    let text = fill(
        K8S_DEPLOYMENT,
        &[
            ("svc", &spec.name),
            ("team", spec.team),
            ("replicas", &replicas),
            ("version", &spec.version),
            ("port", &port),
            ("env", &env),
        ],
    );
    out.file(
        &format!("deploy/k8s/{}/{}.yaml", spec.team, spec.name),
        &text,
    )
}

fn write_compose(services: &[ServiceSpec], out: &mut Output) -> io::Result<()> {
    let mut text = String::from(
        "# Local development stack. DD_API_KEY comes from your shell.\nname: acme-platform\n\nx-datadog: &datadog\n  DD_AGENT_HOST: datadog-agent\n  DD_ENV: local\n  DD_LOGS_INJECTION: \"true\"\n\nservices:\n",
    );
    for spec in services {
        let _ = write!(
            text,
            "  {name}:\n    build: ./{dir}\n    environment:\n      <<: *datadog\n      DD_SERVICE: {name}\n",
            name = spec.name,
            dir = spec.dir
        );
        if spec.sets_version {
            let _ = writeln!(text, "      DD_VERSION: {}", spec.version);
        }
        if spec.debug {
            text.push_str("      DD_TRACE_DEBUG: \"true\"\n");
        }
        let _ = write!(
            text,
            "      DATABASE_URL: postgres://app:app@postgres/{db}\n    depends_on:\n      - postgres\n      - datadog-agent\n\n",
            db = spec.db()
        );
    }
    text.push_str(
        "  postgres:\n    image: postgres:16-alpine\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: app\n\n  datadog-agent:\n    image: gcr.io/datadoghq/agent:7.59.0\n    environment:\n      - DD_API_KEY=${DD_API_KEY}\n      - DD_APM_ENABLED=true\n      - DD_APM_NON_LOCAL_TRAFFIC=true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n",
    );
    out.file("docker-compose.yml", &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Every file under `dir` with its contents, by relative path.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(base, &path, out);
                } else {
                    let rel = path
                        .strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.insert(rel, fs::read(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    #[test]
    fn generation_is_deterministic() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let sa = generate(a.path(), 27).unwrap();
        let sb = generate(b.path(), 27).unwrap();
        assert_eq!(sa, sb);
        let (snap_a, snap_b) = (snapshot(a.path()), snapshot(b.path()));
        assert_eq!(snap_a.len(), sa.files);
        assert_eq!(snap_a, snap_b);
        let lines: usize = snap_a
            .values()
            .map(|t| t.iter().filter(|&&c| c == b'\n').count())
            .sum();
        assert_eq!(lines, sa.lines);
    }

    #[test]
    fn measure_counts_what_generate_writes() {
        let dir = tempfile::tempdir().unwrap();
        let written = generate(dir.path(), 11).unwrap();
        assert_eq!(measure(11), written);
        assert!(snapshot(dir.path()).len() == written.files);
    }

    #[test]
    fn sizes_in_lines() {
        assert_eq!(parse_lines("10k"), Some(10_000));
        assert_eq!(parse_lines("100K"), Some(100_000));
        assert_eq!(parse_lines("1M"), Some(1_000_000));
        assert_eq!(parse_lines("250000"), Some(250_000));
        assert_eq!(parse_lines("1_500"), Some(1_500));
        for bad in ["", "k", "0", "-3k", "1.5M", "10x"] {
            assert_eq!(parse_lines(bad), None, "{bad}");
        }
        for (_, lines) in SIZES.into_iter().take(2) {
            let n = services_for_lines(lines);
            assert!(measure(n).lines >= lines);
            assert!(measure(n - 1).lines < lines);
            // Within one service of the target.
            assert!(measure(n).lines < lines + 2_000, "{}", measure(n).lines);
        }
        assert_eq!(services_for_lines(1), 1);
        let dir = tempfile::tempdir().unwrap();
        let stats = generate_lines(dir.path(), 10_000).unwrap();
        assert_eq!(stats.services, services_for_lines(10_000));
    }

    #[test]
    fn a_service_does_not_depend_on_the_total() {
        let small = tempfile::tempdir().unwrap();
        let large = tempfile::tempdir().unwrap();
        generate(small.path(), 5).unwrap();
        generate(large.path(), 12).unwrap();
        let (s, l) = (snapshot(small.path()), snapshot(large.path()));
        for (path, text) in &s {
            if path.starts_with("services/") || path.starts_with("deploy/") {
                assert_eq!(Some(text), l.get(path), "{path}");
            }
        }
    }

    #[test]
    fn covers_all_eight_languages_as_services() {
        let dir = tempfile::tempdir().unwrap();
        let stats = generate(dir.path(), 18).unwrap();
        assert_eq!(stats.services, 18);
        let report = apm_doctor_engine::scan(&apm_doctor_engine::ScanOptions {
            root: dir.path().to_path_buf(),
            no_config: true,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            report.services.len(),
            18,
            "every service is discovered once"
        );
        for i in 0..18 {
            let spec = ServiceSpec::new(i);
            let found = report
                .services
                .iter()
                .find(|s| s.root == spec.dir)
                .unwrap_or_else(|| panic!("{} not discovered", spec.dir));
            assert_eq!(
                found.language.as_deref(),
                Some(spec.lang.family()),
                "{}",
                spec.dir
            );
        }
        let mut families: Vec<&str> = report
            .services
            .iter()
            .filter_map(|s| s.language.as_deref())
            .collect();
        families.sort_unstable();
        families.dedup();
        assert_eq!(
            families,
            ["cpp", "dotnet", "go", "java", "node", "php", "python", "ruby"]
        );
        // Generated code and manifests must parse: no syntax or parse errors.
        let parse_errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.kind == "parse-error")
            .collect();
        assert!(parse_errors.is_empty(), "{parse_errors:#?}");
    }

    #[test]
    fn every_source_file_parses_without_errors() {
        use apm_doctor_engine::language::Grammar;
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), 18).unwrap();
        let mut grammars = std::collections::BTreeSet::new();
        for (path, text) in snapshot(dir.path()) {
            let Some(grammar) = Grammar::from_path(&path) else {
                continue;
            };
            grammars.insert(grammar);
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&grammar.language()).unwrap();
            let tree = parser.parse(&text, None).unwrap();
            assert!(
                !tree.root_node().has_error(),
                "{path} does not parse as {grammar}:\n{}",
                String::from_utf8_lossy(&text)
            );
        }
        assert_eq!(grammars.len(), 9, "{grammars:?}");
    }

    #[test]
    fn mixes_correct_and_broken_tracing() {
        let specs: Vec<ServiceSpec> = (0..400).map(ServiceSpec::new).collect();
        for t in [
            Tracing::Correct,
            Tracing::Outdated,
            Tracing::NotInitialized,
            Tracing::LateInit,
            Tracing::Missing,
        ] {
            assert!(specs.iter().any(|s| s.tracing == t), "{t:?}");
        }
        let correct = specs
            .iter()
            .filter(|s| s.tracing == Tracing::Correct)
            .count();
        assert!((240..=320).contains(&correct), "{correct}");
        assert!(specs.iter().any(|s| s.deploy == Deploy::Compose));
        let mut names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 400, "service names are unique");
    }

    #[test]
    fn helpers() {
        assert_eq!(pascal("bulk_update_orders"), "BulkUpdateOrders");
        assert_eq!(camel("bulk_update_orders"), "bulkUpdateOrders");
        assert_eq!(fill("a @@x@@ b", &[("x", "1")]), "a 1 b");
        let mut rng = Rng::for_service(3);
        for _ in 0..1000 {
            assert!(rng.below(7) < 7);
            let r = rng.range(2, 4);
            assert!((2..=4).contains(&r));
        }
    }
}
