//! Tests of the trace readers, the analysis and the flamegraph, and the generator of the
//! example files in `examples/rca/traces/` (`APM_DOCTOR_BLESS=1 cargo test -p
//! apm-doctor-engine traces::tests::examples` rewrites them; without it the test checks that
//! the committed files are exactly what the generator makes).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::json;

use super::analysis::{analyse, template_resource, SplitEvidence};
use super::flamegraph::{fmt_ns, render_path};
use super::*;

// ---------------------------------------------------------------------------------------------
// A tiny MessagePack encoder (smallest encodings, as tracers write them).

#[derive(Default)]
struct Enc(Vec<u8>);

impl Enc {
    fn uint(&mut self, v: u64) {
        match v {
            0..=0x7f => self.0.push(v as u8),
            0x80..=0xff => self.0.extend([0xcc, v as u8]),
            0x100..=0xffff => {
                self.0.push(0xcd);
                self.0.extend((v as u16).to_be_bytes());
            }
            0x1_0000..=0xffff_ffff => {
                self.0.push(0xce);
                self.0.extend((v as u32).to_be_bytes());
            }
            _ => {
                self.0.push(0xcf);
                self.0.extend(v.to_be_bytes());
            }
        }
    }
    fn int(&mut self, v: i64) {
        if v >= 0 {
            return self.uint(v as u64);
        }
        if v >= -32 {
            self.0.push(v as i8 as u8);
        } else if v >= i8::MIN as i64 {
            self.0.extend([0xd0, v as i8 as u8]);
        } else if v >= i16::MIN as i64 {
            self.0.push(0xd1);
            self.0.extend((v as i16).to_be_bytes());
        } else if v >= i32::MIN as i64 {
            self.0.push(0xd2);
            self.0.extend((v as i32).to_be_bytes());
        } else {
            self.0.push(0xd3);
            self.0.extend(v.to_be_bytes());
        }
    }
    fn f64(&mut self, v: f64) {
        self.0.push(0xcb);
        self.0.extend(v.to_be_bytes());
    }
    fn str(&mut self, s: &str) {
        let n = s.len();
        if n < 32 {
            self.0.push(0xa0 | n as u8);
        } else if n < 256 {
            self.0.extend([0xd9, n as u8]);
        } else if n < 65536 {
            self.0.push(0xda);
            self.0.extend((n as u16).to_be_bytes());
        } else {
            self.0.push(0xdb);
            self.0.extend((n as u32).to_be_bytes());
        }
        self.0.extend(s.as_bytes());
    }
    fn arr(&mut self, n: usize) {
        if n < 16 {
            self.0.push(0x90 | n as u8);
        } else if n < 65536 {
            self.0.push(0xdc);
            self.0.extend((n as u16).to_be_bytes());
        } else {
            self.0.push(0xdd);
            self.0.extend((n as u32).to_be_bytes());
        }
    }
    fn map(&mut self, n: usize) {
        if n < 16 {
            self.0.push(0x80 | n as u8);
        } else if n < 65536 {
            self.0.push(0xde);
            self.0.extend((n as u16).to_be_bytes());
        } else {
            self.0.push(0xdf);
            self.0.extend((n as u32).to_be_bytes());
        }
    }
}

/// Metrics that are whole numbers are written as integers (as tracers do for counters).
fn metric(e: &mut Enc, v: f64) {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        e.int(v as i64);
    } else {
        e.f64(v);
    }
}

fn encode_v04(traces: &[Vec<Span>]) -> Vec<u8> {
    let mut e = Enc::default();
    e.arr(traces.len());
    for trace in traces {
        e.arr(trace.len());
        for s in trace {
            e.map(12);
            e.str("trace_id");
            e.uint(s.trace_id);
            e.str("span_id");
            e.uint(s.span_id);
            e.str("parent_id");
            e.uint(s.parent_id);
            e.str("name");
            e.str(&s.name);
            e.str("service");
            e.str(&s.service);
            e.str("resource");
            e.str(&s.resource);
            e.str("type");
            e.str(&s.span_type);
            e.str("start");
            e.int(s.start_ns);
            e.str("duration");
            e.int(s.duration_ns);
            e.str("error");
            e.int(i64::from(s.error));
            e.str("meta");
            e.map(s.meta.len());
            for (k, v) in &s.meta {
                e.str(k);
                e.str(v);
            }
            e.str("metrics");
            e.map(s.metrics.len());
            for (k, v) in &s.metrics {
                e.str(k);
                metric(&mut e, *v);
            }
        }
    }
    e.0
}

fn encode_v05(traces: &[Vec<Span>]) -> Vec<u8> {
    let mut table: Vec<String> = Vec::new();
    let mut index: BTreeMap<String, u64> = BTreeMap::new();
    let mut idx = |s: &str| -> u64 {
        if let Some(i) = index.get(s) {
            return *i;
        }
        table.push(s.to_string());
        index.insert(s.to_string(), table.len() as u64 - 1);
        table.len() as u64 - 1
    };
    let mut body = Enc::default();
    body.arr(traces.len());
    for trace in traces {
        body.arr(trace.len());
        for s in trace {
            body.arr(12);
            body.uint(idx(&s.service));
            body.uint(idx(&s.name));
            body.uint(idx(&s.resource));
            body.uint(s.trace_id);
            body.uint(s.span_id);
            body.uint(s.parent_id);
            body.int(s.start_ns);
            body.int(s.duration_ns);
            body.int(i64::from(s.error));
            body.map(s.meta.len());
            for (k, v) in &s.meta {
                body.uint(idx(k));
                body.uint(idx(v));
            }
            body.map(s.metrics.len());
            for (k, v) in &s.metrics {
                body.uint(idx(k));
                metric(&mut body, *v);
            }
            body.uint(idx(&s.span_type));
        }
    }
    let mut e = Enc::default();
    e.arr(2);
    e.arr(table.len());
    for s in &table {
        e.str(s);
    }
    e.0.extend(body.0);
    e.0
}

fn encode_v04_json(traces: &[Vec<Span>]) -> String {
    let doc: Vec<Vec<serde_json::Value>> = traces
        .iter()
        .map(|t| {
            t.iter()
                .map(|s| {
                    json!({
                        "trace_id": s.trace_id,
                        "span_id": s.span_id,
                        "parent_id": s.parent_id,
                        "name": s.name,
                        "service": s.service,
                        "resource": s.resource,
                        "type": s.span_type,
                        "start": s.start_ns,
                        "duration": s.duration_ns,
                        "error": i64::from(s.error),
                        "meta": s.meta,
                        "metrics": s.metrics,
                    })
                })
                .collect()
        })
        .collect();
    serde_json::to_string_pretty(&doc).expect("serialisable") + "\n"
}

// ---------------------------------------------------------------------------------------------
// Building spans

const MS: i64 = 1_000_000;

/// Deterministic 64-bit IDs (xorshift), many above 2^53.
struct Ids(u64);

impl Ids {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[allow(clippy::too_many_arguments)]
fn span(
    trace_id: u64,
    span_id: u64,
    parent_id: u64,
    service: &str,
    name: &str,
    resource: &str,
    span_type: &str,
    start_ns: i64,
    duration_ns: i64,
) -> Span {
    Span {
        trace_id,
        span_id,
        parent_id,
        service: service.into(),
        name: name.into(),
        resource: resource.into(),
        span_type: span_type.into(),
        start_ns,
        duration_ns,
        error: false,
        meta: BTreeMap::new(),
        metrics: BTreeMap::new(),
    }
}

fn with_meta(mut s: Span, meta: &[(&str, &str)]) -> Span {
    for (k, v) in meta {
        s.meta.insert((*k).into(), (*v).into());
    }
    s
}

fn with_metrics(mut s: Span, metrics: &[(&str, f64)]) -> Span {
    for (k, v) in metrics {
        s.metrics.insert((*k).into(), *v);
    }
    s
}

/// 2025-10-09T08:53:20Z, the start of every example.
const BASE: i64 = 1_760_000_000 * 1_000_000_000;

// ---------------------------------------------------------------------------------------------
// The examples (examples/rca/traces/)

/// fraud: POST /v1/assessments with ~2 s inside `fraud.assess` that no span covers.
fn fraud_latency() -> Vec<Vec<Span>> {
    let mut ids = Ids(0x9e37_79b9_7f4a_7c15);
    let gaps = [2053, 1984, 2112, 2021];
    let inserts = [47, 52, 44, 61];
    let decisions = ["review", "review", "review", "approve"];
    let common = [
        ("env", "production"),
        ("version", "0.8.1"),
        ("language", "jvm"),
    ];
    let mut traces = Vec::new();
    for (k, (&gap, &insert)) in gaps.iter().zip(inserts.iter()).enumerate() {
        let t = BASE + k as i64 * 7_000 * MS;
        let trace_id = ids.next();
        let (root, handler, assess, query) = (ids.next(), ids.next(), ids.next(), ids.next());
        let assess_start = 13 * MS;
        let insert_start = assess_start + gap * MS;
        let assess_end = insert_start + insert * MS + 4 * MS;
        let handler_end = assess_end + 3 * MS;
        let root_end = handler_end + 6 * MS;
        let mut spans = vec![
            with_metrics(
                with_meta(
                    span(trace_id, root, 0, "fraud", "servlet.request", "POST /v1/assessments", "web", t, root_end),
                    &[
                        ("component", "tomcat-server"),
                        ("span.kind", "server"),
                        ("http.method", "POST"),
                        ("http.route", "/v1/assessments"),
                        ("http.url", "http://fraud:8080/v1/assessments"),
                        ("http.status_code", "200"),
                        ("servlet.path", "/v1/assessments"),
                    ],
                ),
                &[("_sampling_priority_v1", 1.0), ("_dd.top_level", 1.0)],
            ),
            with_meta(
                span(trace_id, handler, root, "fraud", "spring.handler", "AssessmentController.assess", "web", t + 12 * MS, handler_end - 12 * MS),
                &[("component", "spring-web-controller"), ("span.kind", "server")],
            ),
            with_metrics(
                with_meta(
                    span(trace_id, assess, handler, "fraud", "fraud.assess", "fraud.assess", "", t + assess_start, assess_end - assess_start),
                    &[("fraud.decision", decisions[k]), ("component", "opentracing")],
                ),
                &[("amount", [12_999.0, 4_500.0, 88_000.0, 1_250.0][k])],
            ),
            with_meta(
                span(
                    trace_id,
                    query,
                    assess,
                    "postgresql",
                    "postgresql.query",
                    "INSERT INTO assessments (id, customer_id, amount, decision, score, created_at) VALUES (?, ?, ?, ?, ?, now())",
                    "sql",
                    t + insert_start,
                    insert * MS,
                ),
                &[
                    ("component", "java-jdbc-prepared_statement"),
                    ("span.kind", "client"),
                    ("db.type", "postgresql"),
                    ("db.instance", "fraud"),
                    ("db.user", "fraud"),
                    ("peer.hostname", "postgres"),
                ],
            ),
        ];
        for s in &mut spans {
            for (key, value) in common {
                s.meta.insert(key.into(), value.into());
            }
        }
        traces.push(spans);
    }
    traces
}

/// shipping: POST /quotes failing at the carrier API; the 500 never reaches an error flag.
fn shipping_errors() -> Vec<Vec<Span>> {
    let mut ids = Ids(0x2545_f491_4f6c_dd1d);
    let mut traces = Vec::new();
    let common = [
        ("env", "production"),
        ("version", "1.8.4"),
        ("language", "go"),
    ];
    // (carrier status, request duration ms)
    let requests = [
        (500, 184),
        (200, 142),
        (500, 211),
        (200, 131),
        (200, 156),
        (500, 197),
    ];
    for (k, &(carrier_status, dur)) in requests.iter().enumerate() {
        let t = BASE + k as i64 * 1_500 * MS;
        let trace_id = ids.next();
        let (root, carrier, client) = (ids.next(), ids.next(), ids.next());
        let failed = carrier_status >= 500;
        let server_status = if failed { "502" } else { "200" };
        let mut server = with_meta(
            span(
                trace_id,
                root,
                0,
                "shipping",
                "http.request",
                "POST /quotes",
                "web",
                t,
                dur * MS,
            ),
            &[
                ("component", "labstack/echo.v4"),
                ("span.kind", "server"),
                ("http.method", "POST"),
                ("http.route", "/quotes"),
                ("http.url", "http://shipping:8080/quotes"),
                ("http.status_code", server_status),
            ],
        );
        if failed {
            server.error = true;
            server.meta.insert(
                "error.message".into(),
                "code=502, message=carrier API /v2/rates: 500 Internal Server Error".into(),
            );
            server
                .meta
                .insert("error.type".into(), "*echo.HTTPError".into());
        }
        let carrier_span = with_meta(
            span(
                trace_id,
                carrier,
                root,
                "shipping",
                "carrier.request",
                "/v2/rates",
                "",
                t + 4 * MS,
                (dur - 9) * MS,
            ),
            &[],
        );
        let client_span = with_meta(
            span(
                trace_id,
                client,
                carrier,
                "shipping",
                "http.request",
                "POST /v2/rates",
                "http",
                t + 5 * MS,
                (dur - 12) * MS,
            ),
            &[
                ("component", "net/http"),
                ("span.kind", "client"),
                ("http.method", "POST"),
                ("http.url", "https://api.carrier.example/v2/rates"),
                ("http.status_code", &carrier_status.to_string()),
                ("out.host", "api.carrier.example"),
            ],
        );
        let mut spans = vec![server, carrier_span, client_span];
        for s in &mut spans {
            for (key, value) in common {
                s.meta.insert(key.into(), value.into());
            }
            s.metrics.insert("_sampling_priority_v1".into(), 1.0);
        }
        traces.push(spans);
    }
    // A health check between them.
    let trace_id = ids.next();
    traces.push(vec![with_meta(
        span(
            trace_id,
            ids.next(),
            0,
            "shipping",
            "http.request",
            "GET /healthz",
            "web",
            BASE + 4_200 * MS,
            310_000,
        ),
        &[
            ("component", "labstack/echo.v4"),
            ("span.kind", "server"),
            ("http.method", "GET"),
            ("http.route", "/healthz"),
            ("http.status_code", "200"),
            ("env", "production"),
            ("version", "1.8.4"),
        ],
    )]);
    traces
}

/// shipping → inventory: no gRPC client span in shipping, inventory's grpc.server in its own
/// trace starting inside shipping's request.
fn shipping_inventory_split() -> Vec<Vec<Span>> {
    let mut ids = Ids(0x8538_ecb5_bd45_6ea3);
    let mut traces = Vec::new();
    // (grpc start ms, grpc duration ms, carrier start ms, request duration ms)
    let calls = [(9, 226, 248, 412), (7, 198, 214, 371), (11, 240, 262, 430)];
    for (k, &(grpc_start, grpc_dur, carrier_start, dur)) in calls.iter().enumerate() {
        let t = BASE + k as i64 * 2_000 * MS;
        let shipping_trace = ids.next();
        let (root, carrier, client) = (ids.next(), ids.next(), ids.next());
        let ship = [
            ("env", "production"),
            ("version", "1.8.4"),
            ("language", "go"),
        ];
        let mut spans = vec![
            with_meta(
                span(
                    shipping_trace,
                    root,
                    0,
                    "shipping",
                    "http.request",
                    "POST /labels",
                    "web",
                    t,
                    dur * MS,
                ),
                &[
                    ("component", "labstack/echo.v4"),
                    ("span.kind", "server"),
                    ("http.method", "POST"),
                    ("http.route", "/labels"),
                    ("http.url", "http://shipping:8080/labels"),
                    ("http.status_code", "201"),
                ],
            ),
            span(
                shipping_trace,
                carrier,
                root,
                "shipping",
                "carrier.request",
                "/v2/labels",
                "",
                t + carrier_start * MS,
                (dur - carrier_start - 5) * MS,
            ),
            with_meta(
                span(
                    shipping_trace,
                    client,
                    carrier,
                    "shipping",
                    "http.request",
                    "POST /v2/labels",
                    "http",
                    t + (carrier_start + 1) * MS,
                    (dur - carrier_start - 8) * MS,
                ),
                &[
                    ("component", "net/http"),
                    ("span.kind", "client"),
                    ("http.method", "POST"),
                    ("http.url", "https://api.carrier.example/v2/labels"),
                    ("http.status_code", "200"),
                    ("out.host", "api.carrier.example"),
                ],
            ),
        ];
        for s in &mut spans {
            for (key, value) in ship {
                s.meta.insert(key.into(), value.into());
            }
        }
        traces.push(spans);
        let inventory_trace = ids.next();
        traces.push(vec![with_metrics(
            with_meta(
                span(
                    inventory_trace,
                    ids.next(),
                    0,
                    "inventory",
                    "grpc.server",
                    "/inventory.v1.Warehouses/GetFulfilmentWarehouse",
                    "rpc",
                    t + grpc_start * MS,
                    grpc_dur * MS,
                ),
                &[
                    ("component", "google.golang.org/grpc"),
                    ("span.kind", "server"),
                    ("rpc.system", "grpc"),
                    ("rpc.service", "inventory.v1.Warehouses"),
                    (
                        "grpc.method.name",
                        "/inventory.v1.Warehouses/GetFulfilmentWarehouse",
                    ),
                    ("grpc.method.kind", "unary"),
                    ("grpc.code", "OK"),
                    ("env", "production"),
                    ("version", "5.2.0"),
                    ("language", "go"),
                ],
            ),
            &[("_sampling_priority_v1", 1.0), ("_dd.top_level", 1.0)],
        )]);
    }
    traces
}

/// storefront: GET /api/cart/:cartId whose manual span's resource holds the cart ID.
fn storefront_cart_ui() -> String {
    let mut ids = Ids(0x5851_f42d_4c95_7f2d);
    let trace_id = ids.next();
    let cart = "3f2b8c1e-5a7d-4e9b-a1c2-9d8e7f6a5b4c";
    let t = BASE + 3_600_000 * MS;
    let (root, fetch, client, flask, q1, q2) = (
        ids.next(),
        ids.next(),
        ids.next(),
        ids.next(),
        ids.next(),
        ids.next(),
    );
    let cart_url = format!("http://checkout:8000/carts/{cart}");
    let store_url = format!("http://storefront:3000/api/cart/{cart}");
    let cart_resource = format!("GET /carts/{cart}");
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        u64,
        u64,
        &str,
        &str,
        &str,
        &str,
        i64,
        i64,
        Vec<(&str, &str)>,
    )> = vec![
        (
            root,
            0,
            "storefront",
            "express.request",
            "GET /api/cart/:cartId",
            "web",
            0,
            86_412,
            vec![
                ("component", "express"),
                ("span.kind", "server"),
                ("http.method", "GET"),
                ("http.route", "/api/cart/:cartId"),
                ("http.url", &store_url),
                ("http.status_code", "200"),
                ("env", "local"),
                ("version", "4.2.0"),
                ("language", "javascript"),
            ],
        ),
        (
            fetch,
            root,
            "storefront",
            "cart.fetch",
            &cart_resource,
            "",
            2_950,
            79_310,
            vec![
                ("env", "local"),
                ("version", "4.2.0"),
                ("language", "javascript"),
            ],
        ),
        (
            client,
            fetch,
            "storefront",
            "undici.request",
            "GET",
            "http",
            3_870,
            76_020,
            vec![
                ("component", "undici"),
                ("span.kind", "client"),
                ("http.method", "GET"),
                ("http.url", &cart_url),
                ("http.status_code", "200"),
                ("out.host", "checkout"),
                ("env", "local"),
                ("version", "4.2.0"),
                ("language", "javascript"),
            ],
        ),
        (
            flask,
            client,
            "checkout",
            "flask.request",
            "GET /carts/<cart_id>",
            "web",
            9_140,
            64_880,
            vec![
                ("component", "flask"),
                ("span.kind", "server"),
                ("http.method", "GET"),
                ("http.route", "/carts/<cart_id>"),
                ("http.url", &cart_url),
                ("http.status_code", "200"),
                ("env", "local"),
                ("language", "python"),
            ],
        ),
        (
            q1,
            flask,
            "postgres",
            "postgres.query",
            "SELECT id, currency FROM carts WHERE id = %s",
            "sql",
            15_220,
            15_930,
            vec![
                ("component", "psycopg"),
                ("span.kind", "client"),
                ("db.system", "postgresql"),
                ("db.name", "checkout"),
                ("out.host", "postgres"),
                ("env", "local"),
            ],
        ),
        (
            q2,
            flask,
            "postgres",
            "postgres.query",
            "SELECT sku, quantity, price_cents FROM cart_items WHERE cart_id = %s",
            "sql",
            33_410,
            27_660,
            vec![
                ("component", "psycopg"),
                ("span.kind", "client"),
                ("db.system", "postgresql"),
                ("db.name", "checkout"),
                ("out.host", "postgres"),
                ("env", "local"),
            ],
        ),
    ];
    let mut spans = serde_json::Map::new();
    for (id, parent, service, name, resource, kind, start_us, dur_us, meta) in &rows {
        let children: Vec<String> = rows
            .iter()
            .filter(|r| r.1 == *id)
            .map(|r| r.0.to_string())
            .collect();
        let meta: BTreeMap<&str, &str> = meta.iter().copied().collect();
        let start = (t / 1_000 + start_us) as f64 / 1e6;
        spans.insert(
            id.to_string(),
            json!({
                "trace_id": trace_id.to_string(),
                "span_id": id.to_string(),
                "parent_id": parent.to_string(),
                "start": start,
                "end": start + *dur_us as f64 / 1e6,
                "duration": *dur_us as f64 / 1e6,
                "service": service,
                "name": name,
                "resource": resource,
                "type": kind,
                "error": 0,
                "status": "ok",
                "meta": meta,
                "metrics": {"_sampling_priority_v1": 1},
                "children_ids": children,
            }),
        );
    }
    let doc = json!({
        "trace": {"root_id": root.to_string(), "spans": spans},
        "orphaned": [],
        "is_truncated": false,
    });
    serde_json::to_string_pretty(&doc).expect("serialisable") + "\n"
}

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/rca/traces")
}

fn example_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "fraud-latency.v04.json",
            encode_v04_json(&fraud_latency()).into_bytes(),
        ),
        (
            "shipping-errors.v05.msgpack",
            encode_v05(&shipping_errors()),
        ),
        (
            "shipping-inventory-split.v04.msgpack",
            encode_v04(&shipping_inventory_split()),
        ),
        ("storefront-cart.ui.json", storefront_cart_ui().into_bytes()),
    ]
}

#[test]
fn examples_match_the_generator() {
    let dir = examples_dir();
    let bless = std::env::var_os("APM_DOCTOR_BLESS").is_some();
    for (name, bytes) in example_files() {
        let path = dir.join(name);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with APM_DOCTOR_BLESS=1)", path.display()));
        assert!(
            committed == bytes,
            "{} differs from the generator (run with APM_DOCTOR_BLESS=1)",
            path.display()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Formats

#[test]
fn v04_msgpack_round_trips_with_every_width() {
    let mut traces = shipping_inventory_split();
    traces[0][0].span_id = u64::MAX;
    traces[0][1].parent_id = u64::MAX;
    traces[0][0].metrics.insert("ratio".into(), 0.25);
    traces[0][0].metrics.insert("neg".into(), -40_000.0);
    let bytes = encode_v04(&traces);
    let (format, got) = parse_traces(&bytes, "mem.msgpack").unwrap();
    assert_eq!(format, TraceFormat::V04Msgpack);
    assert_eq!(got.len(), traces.len());
    for (g, want) in got.iter().zip(&traces) {
        let mut want = want.clone();
        want.sort_by_key(|s| (s.start_ns, s.span_id));
        assert_eq!(g.spans, want);
    }
}

#[test]
fn v05_msgpack_round_trips() {
    let traces = shipping_errors();
    let (format, got) = parse_traces(&encode_v05(&traces), "mem").unwrap();
    assert_eq!(format, TraceFormat::V05Msgpack);
    let flat: Vec<Span> = got.into_iter().flat_map(|t| t.spans).collect();
    assert_eq!(flat.len(), traces.iter().map(Vec::len).sum::<usize>());
    assert!(flat
        .iter()
        .any(|s| s.meta.get("http.status_code").map(String::as_str) == Some("500")));
}

#[test]
fn v05_with_an_empty_string_table_and_no_spans() {
    let (format, got) = parse_traces(&[0x92, 0x90, 0x90], "mem").unwrap();
    assert_eq!(format, TraceFormat::V04Msgpack); // no spans either way
    assert!(got.is_empty());
}

#[test]
fn v05_errors_name_offsets() {
    // A string index past the table.
    let mut e = Enc::default();
    e.arr(2);
    e.arr(1);
    e.str("svc");
    e.arr(1);
    e.arr(1);
    e.arr(12);
    e.uint(7);
    for _ in 0..8 {
        e.uint(0);
    }
    e.map(0);
    e.map(0);
    e.uint(0);
    let bytes = e.0;
    let err = parse_traces(&bytes, "bad.msgpack").unwrap_err().to_string();
    assert!(err.starts_with("bad.msgpack: byte 9:"), "{err}");
    assert!(err.contains("string index 7"), "{err}");
    // A span of the wrong arity.
    let err = parse_traces(&[0x92, 0x91, 0xa1, b'x', 0x91, 0x91, 0x93, 1, 2, 3], "f")
        .unwrap_err()
        .to_string();
    assert!(err.contains("12 elements, found 3"), "{err}");
}

#[test]
fn v04_json_reads_u64_ids_above_2_pow_53_exactly() {
    let text = r#"[[{"trace_id": 18446744073709551615, "span_id": 9007199254740993,
        "parent_id": "9007199254740995", "name": "a", "service": "s", "resource": "r",
        "type": null, "start": 1, "duration": 2, "error": 1, "meta": {"k": "v", "n": 3},
        "metrics": {"m": 1.5, "i": 2}, "span_links": []}]]"#;
    let (format, traces) = parse_traces(text.as_bytes(), "t.json").unwrap();
    assert_eq!(format, TraceFormat::V04Json);
    let s = &traces[0].spans[0];
    assert_eq!(s.trace_id, u64::MAX);
    assert_eq!(s.span_id, 9_007_199_254_740_993);
    assert_eq!(s.parent_id, 9_007_199_254_740_995);
    assert!(s.error);
    assert_eq!(s.meta["n"], "3");
    assert_eq!(s.metrics["i"], 2.0);
    // A single trace (array of spans) is accepted too.
    let (_, one) = parse_traces(br#"[{"trace_id": 1, "span_id": 2}]"#, "t").unwrap();
    assert_eq!(one[0].spans[0].span_id, 2);
}

#[test]
fn json_errors_carry_line_and_column() {
    let err = parse_traces(b"[[{\"trace_id\": 1,\n  \"span_id\": }]]", "bad.json").unwrap_err();
    match &err {
        TraceError::Json { line, column, .. } => assert_eq!((*line, *column), (2, 14)),
        other => panic!("{other}"),
    }
    assert!(err.to_string().starts_with("bad.json:2:14:"), "{err}");
    // Shape errors from the typed reader carry a position too.
    let err = parse_traces(b"[[{\"trace_id\": 1,\n \"name\": 5}]]", "shape.json")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("shape.json:2:"), "{err}");
    assert!(err.contains("expected a string"), "{err}");
    // Truncated JSON.
    let full = encode_v04_json(&fraud_latency());
    for cut in [1, 10, 100, full.len() / 2, full.len() - 3] {
        let err = parse_traces(&full.as_bytes()[..cut], "cut.json").unwrap_err();
        assert!(
            matches!(err, TraceError::Json { line, .. } if line > 0),
            "{err}"
        );
    }
}

#[test]
fn truncated_and_garbage_msgpack_are_errors_never_panics() {
    for bytes in [
        encode_v04(&shipping_inventory_split()),
        encode_v05(&shipping_errors()),
    ] {
        for cut in (0..bytes.len()).step_by(7) {
            match parse_traces(&bytes[..cut], "cut.msgpack") {
                Ok((_, traces)) => assert!(cut == 0 || !traces.is_empty() || cut < 4),
                Err(e) => assert!(e.to_string().starts_with("cut.msgpack"), "{e}"),
            }
        }
        let mut flipped = bytes.clone();
        for i in (0..flipped.len()).step_by(13) {
            flipped[i] = flipped[i].wrapping_mul(31).wrapping_add(7);
            let _ = parse_traces(&flipped, "garbage");
        }
    }
    let err = parse_traces(&[0x91, 0xdd, 0x7f, 0xff, 0xff, 0xff], "huge").unwrap_err();
    assert!(
        err.to_string().contains("declared length 2147483647"),
        "{err}"
    );
    assert!(
        matches!(err, TraceError::Msgpack { offset: 1, .. }),
        "{err}"
    );
    let err = parse_traces(b"\x00\x01binary", "blob").unwrap_err();
    assert!(matches!(err, TraceError::Unrecognised { .. }), "{err}");
    let err = parse_traces(b"   ", "blank").unwrap_err();
    assert!(err.to_string().contains("blank"), "{err}");
}

#[test]
fn size_cap_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_INPUT_BYTES + 1).unwrap();
    let err = load_traces(&path).unwrap_err();
    assert!(matches!(err, TraceError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("big.json"), "{err}");
    let err = load_traces(&dir.path().join("missing.msgpack")).unwrap_err();
    assert!(err.to_string().contains("missing.msgpack"), "{err}");
}

#[test]
fn ui_json_trace_view_map_and_list() {
    let (format, traces) = parse_traces(storefront_cart_ui().as_bytes(), "ui.json").unwrap();
    assert_eq!(format, TraceFormat::UiJson);
    assert_eq!(traces.len(), 1);
    let t = &traces[0];
    assert_eq!(t.spans.len(), 6);
    let root = &t.spans[0];
    assert_eq!(root.name, "express.request");
    assert_eq!(root.parent_id, 0);
    assert!(
        (root.duration_ns - 86_412_000).abs() < 2_000,
        "{}",
        root.duration_ns
    );
    assert!((root.start_ns - (BASE + 3_600_000 * MS)).abs() < 2_000);
    // Every non-root span's parent is in the trace.
    for s in &t.spans[1..] {
        assert!(t.span(s.parent_id).is_some(), "{s:?}");
    }
    let list = r#"{"root_id": "5", "spans": [
        {"span_id": "5", "parent_id": "0", "trace_id": "abcdef0123456789abcdef0123456789",
         "service": "s", "name": "n", "resource": "r", "start": 1700000000.5, "end": 1700000001.0,
         "error": 1, "meta": {}, "metrics": {}},
        {"span_id": 6, "parent_id": 5, "service": "s", "name": "c", "start": 1700000000.6,
         "duration": 0.1, "status": "error"}]}"#;
    let (_, traces) = parse_traces(list.as_bytes(), "list.json").unwrap();
    let spans = &traces[0].spans;
    assert_eq!(spans[0].trace_id, 0xabcd_ef01_2345_6789);
    assert_eq!(
        spans[1].trace_id, spans[0].trace_id,
        "inherits the root's trace ID"
    );
    assert_eq!(spans[0].duration_ns, 500_000_000);
    assert!(spans[0].error && spans[1].error);
}

#[test]
fn ui_json_trace_and_spans_apis() {
    let api = r#"{"data": {"type": "trace", "attributes": {"is_truncated": false, "spans": [
        {"traceID": 12, "traceIDFull": "", "spanID": 13, "parentID": 0, "service": "s",
         "name": "web.request", "resource": "GET /x", "type": "web", "startTime": 1000,
         "endTime": 5000, "duration": 4000, "error": 1, "meta": {"a": "b"}, "metrics": {"m": 1}}
    ]}}}"#;
    let (format, traces) = parse_traces(api.as_bytes(), "api.json").unwrap();
    assert_eq!(format, TraceFormat::UiJson);
    let s = &traces[0].spans[0];
    assert_eq!(
        (s.trace_id, s.span_id, s.start_ns, s.duration_ns),
        (12, 13, 1000, 4000)
    );
    assert!(s.error);

    let search = r#"{"data": [{"id": "x", "type": "spans", "attributes": {
        "trace_id": "77", "span_id": "78", "parent_id": "0", "service": "shipping",
        "resource_name": "POST /quotes", "type": "web", "operation_name": "http.request",
        "start_timestamp": "2025-10-09T08:53:20.250Z", "end_timestamp": "2025-10-09T08:53:20.750+00:00",
        "attributes": {"http": {"status_code": "500", "method": "POST"}},
        "custom": {"duration": 500000000, "env": "production"}, "tags": ["env:production"]}}]}"#;
    let (_, traces) = parse_traces(search.as_bytes(), "spans.json").unwrap();
    let s = &traces[0].spans[0];
    assert_eq!(s.start_ns, BASE + 250 * MS);
    assert_eq!(s.duration_ns, 500 * MS);
    assert_eq!(s.name, "http.request");
    assert_eq!(s.resource, "POST /quotes");
    assert_eq!(s.meta["http.status_code"], "500");
    assert!(!s.error);

    let err = parse_traces(br#"{"data": 3}"#, "x.json")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("x.json"), "{err}");
    let err = parse_traces(br#"{"other": 3}"#, "y.json").unwrap_err();
    assert!(matches!(err, TraceError::Unrecognised { .. }), "{err}");
}

#[test]
fn rfc3339() {
    use super::ui::parse_rfc3339;
    assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_rfc3339("2025-10-09T08:53:20Z"), Some(BASE));
    assert_eq!(
        parse_rfc3339("2025-10-09T10:53:20.000000001+02:00"),
        Some(BASE + 1)
    );
    assert_eq!(parse_rfc3339("2025-10-09"), None);
    assert_eq!(parse_rfc3339("2025-13-09T08:53:20Z"), None);
}

#[test]
fn ids_from_strings() {
    assert_eq!(parse_id_str("123"), Some(123));
    assert_eq!(parse_id_str("0x10"), Some(16));
    assert_eq!(parse_id_str("ff"), Some(255));
    assert_eq!(parse_id_str("zz"), None);
    assert_eq!(
        parse_id_str("340282366920938463463374607431768211455"),
        Some(u64::MAX)
    );
}

// ---------------------------------------------------------------------------------------------
// Analysis

fn trace_of(spans: Vec<Span>) -> Trace {
    Trace {
        trace_id: spans[0].trace_id,
        spans,
    }
}

#[test]
fn gap_with_overlapping_children_clipped_to_the_parent() {
    // Parent 0..1000ms; children 100..300, 200..400 (overlap), 900..1100 (clipped to 1000).
    let t = trace_of(vec![
        span(1, 10, 0, "svc", "parent", "P", "web", 0, 1000 * MS),
        span(1, 11, 10, "svc", "a", "A", "", 100 * MS, 200 * MS),
        span(1, 12, 10, "svc", "b", "B", "", 200 * MS, 200 * MS),
        span(1, 13, 10, "svc", "c", "C", "", 900 * MS, 200 * MS),
    ]);
    let ev = analyse(std::slice::from_ref(&t));
    assert_eq!(ev.gaps.len(), 1);
    let g = &ev.gaps[0];
    assert_eq!(g.span.span_id, 10);
    // Uncovered: 0..100 and 400..900.
    assert_eq!(g.uncovered_ns, 600 * MS);
    assert_eq!(g.intervals.len(), 2);
    assert_eq!(g.intervals[0].offset_ns, 400 * MS);
    assert_eq!(g.intervals[0].duration_ns, 500 * MS);
    assert_eq!(g.intervals[0].after.as_deref(), Some("b"));
    assert_eq!(g.intervals[0].before.as_deref(), Some("c"));
    assert_eq!(g.intervals[1].duration_ns, 100 * MS);
    assert_eq!(g.intervals[1].after, None);
    // Self time in `slowest`.
    let parent = ev.slowest.iter().find(|s| s.span.span_id == 10).unwrap();
    assert_eq!(parent.self_ns, 600 * MS);
    assert_eq!(ev.slowest[0].span.span_id, 10);
}

#[test]
fn small_gaps_are_ignored() {
    // 0.5 ms gap (under 1 ms) and a 5% gap.
    let mut t = trace_of(vec![
        span(1, 10, 0, "svc", "p", "P", "", 0, 1000 * MS),
        span(1, 11, 10, "svc", "a", "A", "", 0, 950 * MS),
        span(2, 20, 0, "svc", "p", "P", "", 0, 2 * MS),
        span(2, 21, 20, "svc", "a", "A", "", 500_000, 1_500_000),
    ]);
    let t2 = Trace {
        trace_id: 2,
        spans: t.spans.split_off(2),
    };
    let ev = analyse(&[t, t2]);
    assert!(ev.gaps.is_empty(), "{:?}", ev.gaps);
}

#[test]
fn orphans_statuses_and_dynamic_resources() {
    let t = trace_of(vec![
        with_meta(
            span(1, 10, 0, "web", "r", "GET /users/123", "web", 0, 10 * MS),
            &[("http.status_code", "503")],
        ),
        with_meta(
            span(
                1,
                11,
                99,
                "web",
                "o",
                "GET /users/4d6f7a2b-1c3e-4f5a-8b9c-0d1e2f3a4b5c/orders",
                "",
                MS,
                MS,
            ),
            &[],
        ),
        {
            let mut s = with_meta(
                span(
                    1,
                    12,
                    10,
                    "web",
                    "x",
                    "GET /mail/ann@example.com?x=1",
                    "",
                    MS,
                    MS,
                ),
                &[("http.status_code", "404")],
            );
            s.error = true;
            s
        },
        with_metrics(
            span(1, 13, 10, "web", "y", "SELECT 1", "sql", MS, MS),
            &[("http.status_code", 500.0)],
        ),
    ]);
    let ev = analyse(&[t]);
    assert_eq!(ev.orphans.len(), 1);
    assert_eq!(ev.orphans[0].parent_id, 99);
    let codes: Vec<u16> = ev.status_errors.iter().map(|s| s.status_code).collect();
    assert_eq!(codes, vec![503, 500]);
    assert_eq!(ev.client_errors_flagged.len(), 1);
    assert_eq!(ev.client_errors_flagged[0].status_code, 404);
    let templates: Vec<&str> = ev
        .dynamic_resources
        .iter()
        .map(|d| d.template.as_str())
        .collect();
    assert_eq!(
        templates,
        vec!["GET /users/?/orders", "GET /users/?", "GET /mail/?"]
    );
    assert_eq!(template_resource("GET /users/me"), None);
    assert_eq!(
        template_resource("GET /blob/0123456789abcdef0123"),
        Some("GET /blob/?".into())
    );
    let web = &ev.services[0];
    assert_eq!((web.spans, web.errors, web.entry_spans), (4, 1, 2));
}

#[test]
fn split_trace_by_client_span_and_by_enclosing_span() {
    // A: shipping with a gRPC client span naming inventory; B: inventory's root in another trace.
    let client = with_meta(
        span(
            1,
            11,
            10,
            "shipping",
            "grpc.client",
            "/inventory.v1.Warehouses/Get",
            "grpc",
            10 * MS,
            100 * MS,
        ),
        &[
            ("span.kind", "client"),
            ("rpc.service", "inventory.v1.Warehouses"),
        ],
    );
    let a = trace_of(vec![
        span(
            1,
            10,
            0,
            "shipping",
            "http.request",
            "POST /labels",
            "web",
            0,
            200 * MS,
        ),
        client,
    ]);
    let b = trace_of(vec![with_meta(
        span(
            2,
            20,
            0,
            "inventory",
            "grpc.server",
            "/inventory.v1.Warehouses/Get",
            "rpc",
            12 * MS,
            90 * MS,
        ),
        &[("span.kind", "server")],
    )]);
    let ev = analyse(&[a, b]);
    assert_eq!(ev.split_traces.len(), 1, "{:?}", ev.split_traces);
    let s = &ev.split_traces[0];
    assert_eq!(s.evidence, SplitEvidence::ClientSpanNamesCallee);
    assert_eq!((s.caller_trace_id, s.callee_trace_id), (1, 2));
    assert_eq!(s.caller_span.span_id, 11);
    assert_eq!(s.callee_start_offset_ns, 2 * MS);

    // The example: no client span at all.
    let (_, traces) = parse_traces(&encode_v04(&shipping_inventory_split()), "split").unwrap();
    let ev = analyse(&traces);
    assert_eq!(ev.split_traces.len(), 3, "{:?}", ev.split_traces);
    for s in &ev.split_traces {
        assert_eq!(s.evidence, SplitEvidence::EnclosingSpan);
        assert_eq!(
            (s.caller_service.as_str(), s.callee_service.as_str()),
            ("shipping", "inventory")
        );
        assert_eq!(s.caller_span.resource, "POST /labels");
        assert_eq!(
            s.callee_root.resource,
            "/inventory.v1.Warehouses/GetFulfilmentWarehouse"
        );
    }

    // An orphan whose parent is in the other trace.
    let a = trace_of(vec![span(1, 10, 0, "a", "req", "R", "web", 0, 100 * MS)]);
    let b = trace_of(vec![span(2, 20, 10, "b", "req", "R", "web", 500 * MS, MS)]);
    let ev = analyse(&[a, b]);
    assert_eq!(
        ev.split_traces[0].evidence,
        SplitEvidence::ParentInOtherTrace
    );
}

#[test]
fn the_examples_show_what_they_are_for() {
    let dir = examples_dir();
    let (format, fraud) = load_traces(&dir.join("fraud-latency.v04.json")).unwrap();
    assert_eq!(format, TraceFormat::V04Json);
    let ev = analyse(&fraud);
    assert_eq!(ev.gaps.len(), 4);
    assert!(ev.gaps.iter().all(|g| g.span.name == "fraud.assess"));
    let largest: Vec<i64> = ev.gaps.iter().map(|g| g.largest_ns() / MS).collect();
    assert_eq!(largest, vec![2112, 2053, 2021, 1984]);
    assert!(fraud.iter().all(|t| t.trace_id > 1 << 53));

    let (format, shipping) = load_traces(&dir.join("shipping-errors.v05.msgpack")).unwrap();
    assert_eq!(format, TraceFormat::V05Msgpack);
    let ev = analyse(&shipping);
    assert_eq!(ev.status_errors.len(), 3);
    assert!(ev
        .status_errors
        .iter()
        .all(|s| s.status_code == 500 && s.span.resource == "POST /v2/rates"));

    let (format, _) = load_traces(&dir.join("shipping-inventory-split.v04.msgpack")).unwrap();
    assert_eq!(format, TraceFormat::V04Msgpack);

    let (format, cart) = load_traces(&dir.join("storefront-cart.ui.json")).unwrap();
    assert_eq!(format, TraceFormat::UiJson);
    let ev = analyse(&cart);
    assert_eq!(ev.dynamic_resources.len(), 1);
    assert_eq!(ev.dynamic_resources[0].template, "GET /carts/?");
    assert_eq!(ev.dynamic_resources[0].name, "cart.fetch");
}

// ---------------------------------------------------------------------------------------------
// Flamegraph

#[test]
fn flamegraph_snapshot() {
    let traces: Vec<Trace> = fraud_latency()
        .into_iter()
        .map(|spans| Trace {
            trace_id: spans[0].trace_id,
            spans,
        })
        .collect();
    let ev = analyse(&traces[..1]);
    let focus = ev.gaps[0].span.span_id;
    let text = render_path(&traces[0], focus, &ev.gaps);
    let want = format!(
        "trace {} · 4 spans · 2.13s · focus: fraud fraud.assess fraud.assess
████████████████████████████████  +0ms      2.13s     fraud  servlet.request  POST /v1/assessments
████████████████████████████████    +12ms     2.11s     fraud  spring.handler  AssessmentController.assess
████████████████████████████████      +13ms     2.10s     fraud  fraud.assess  fraud.assess
▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒        +13ms     2.05s     [gap: 2.05s uninstrumented]
░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░█        +2.07s    47ms      postgresql  postgresql.query  INSERT INTO assessments (id, customer_id, amount, decision, score, created_at) VALUES (?, ?, ?, ?, ?, now())
",
        traces[0].trace_id
    );
    assert_eq!(text, want, "\n{text}");
    assert!(render_path(&traces[0], 42, &[]).contains("span 42 is not in trace"));
}

#[test]
fn extreme_times_are_clamped_and_never_overflow() {
    let text = format!(
        r#"[[{{"trace_id": 1, "span_id": 1, "start": {min}, "duration": {max}}},
            {{"trace_id": 1, "span_id": 2, "parent_id": 1, "start": {max}, "duration": {max}}},
            {{"trace_id": 1, "span_id": 3, "parent_id": 1, "start": 5, "duration": {min}}}],
           [{{"trace_id": 2, "span_id": 9, "parent_id": 1, "service": "b", "start": {max}, "duration": {max}}}]]"#,
        min = i64::MIN,
        max = i64::MAX
    );
    let (_, traces) = parse_traces(text.as_bytes(), "extreme.json").unwrap();
    let spans = &traces[0].spans;
    assert_eq!(spans[0].start_ns, 0);
    assert_eq!(spans[0].duration_ns, MAX_DURATION_NS);
    assert!(spans
        .iter()
        .all(|s| s.duration_ns >= 0 && s.start_ns <= MAX_START_NS));
    let ev = analyse(&traces);
    let text = render_path(&traces[0], 1, &ev.gaps);
    assert!(text.contains("[gap:"), "{text}");
    let _ = serde_json::to_string(&ev).unwrap();
}

#[test]
fn durations_for_people() {
    assert_eq!(fmt_ns(0), "0ms");
    assert_eq!(fmt_ns(999), "999ns");
    assert_eq!(fmt_ns(420_000), "420µs");
    assert_eq!(fmt_ns(3_500_000), "3.5ms");
    assert_eq!(fmt_ns(312_400_000), "312ms");
    assert_eq!(fmt_ns(2_053_000_000), "2.05s");
    assert_eq!(fmt_ns(-2_000), "-2µs");
}
