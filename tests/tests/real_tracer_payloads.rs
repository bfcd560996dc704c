//! Real tracer payloads: the Python tracer (ddtrace) sends spans to a fake agent, and
//! `apm_doctor_engine::traces::parse_traces` must decode exactly what the script created, in
//! the agent intake v0.4 and v0.5 formats.
//!
//! The python comes from `APM_DOCTOR_PYTHON` (default `python3`; `tests/setup-real-tracer.sh`
//! makes a virtualenv with a pinned ddtrace and prints its python). Without ddtrace the live
//! test prints a note and passes, unless `APM_DOCTOR_REQUIRE_REAL_TRACER=1`. Payloads captured
//! from ddtrace are committed in `tests/data/traces/` and always decoded;
//! `APM_DOCTOR_SAVE_PAYLOADS=DIR` saves the live ones there.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use apm_doctor_engine::traces::{parse_traces, Span, TraceFormat};

/// What the fake agent received.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

/// A minimal agent: `PUT`/`POST /v0.4/traces` and `/v0.5/traces` answer 200 with
/// `{"rate_by_service":{}}`, `GET /info` a small JSON, anything else 404. Keep-alive,
/// Content-Length and chunked bodies.
struct FakeAgent {
    port: u16,
    received: Arc<Mutex<Vec<Request>>>,
}

impl FakeAgent {
    fn start() -> FakeAgent {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&received);
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let sink = Arc::clone(&sink);
                thread::spawn(move || {
                    let _ = serve(conn, &sink);
                });
            }
        });
        FakeAgent { port, received }
    }

    fn traces(&self) -> Vec<Request> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path.ends_with("/traces"))
            .cloned()
            .collect()
    }
}

fn serve(conn: TcpStream, sink: &Mutex<Vec<Request>>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut writer = conn.try_clone()?;
    let mut reader = BufReader::new(conn);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        let mut headers = BTreeMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        if headers
            .get("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
        {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let mut body = Vec::new();
        if headers
            .get("transfer-encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
        {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size)?;
                let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                    .unwrap_or(0);
                if size == 0 {
                    // Trailers, up to the empty line.
                    loop {
                        let mut t = String::new();
                        if reader.read_line(&mut t)? == 0 || t.trim_end().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let mut chunk = vec![0; size];
                reader.read_exact(&mut chunk)?;
                body.extend(chunk);
                let mut crlf = [0u8; 2];
                reader.read_exact(&mut crlf)?;
            }
        } else if let Some(len) = headers.get("content-length") {
            let len: usize = len.parse().unwrap_or(0);
            body = vec![0; len];
            reader.read_exact(&mut body)?;
        }
        let (status, answer): (&str, &str) = match (method.as_str(), path.as_str()) {
            ("PUT" | "POST", "/v0.4/traces" | "/v0.5/traces") => {
                ("200 OK", r#"{"rate_by_service":{}}"#)
            }
            ("GET", "/info") => (
                "200 OK",
                r#"{"version":"7.60.0","endpoints":["/v0.4/traces","/v0.5/traces"],"client_drop_p0s":false}"#,
            ),
            _ => ("404 Not Found", "404 page not found"),
        };
        let close = headers
            .get("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        sink.lock().unwrap().push(Request {
            method,
            path,
            headers,
            body,
        });
        write!(
            writer,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        )?;
        writer.flush()?;
        if close {
            return Ok(());
        }
    }
}

/// The script: nested spans with meta, a metric, an HTTP status and an error, then a flush.
const SCRIPT: &str = r#"
import sys
try:
    from ddtrace.trace import tracer
except ImportError:
    from ddtrace import tracer

with tracer.trace("probe.request", service="apm-doctor-probe", resource="GET /probe", span_type="web") as root:
    root.set_tag("http.status_code", "500")
    root.set_tag("probe.kind", "real")
    with tracer.trace("probe.child", resource="child-op") as child:
        child.set_tag("component", "probe")
        with tracer.trace("probe.grandchild") as grandchild:
            grandchild.set_metric("probe.count", 3)
    try:
        with tracer.trace("probe.failing", resource="failing-op"):
            raise ValueError("boom")
    except ValueError:
        pass

tracer.flush()
tracer.shutdown()
print("flushed", file=sys.stderr)
"#;

fn python() -> String {
    std::env::var("APM_DOCTOR_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn require() -> bool {
    std::env::var("APM_DOCTOR_REQUIRE_REAL_TRACER").is_ok_and(|v| v == "1")
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/traces")
}

/// Checks the spans the script made, whatever else the payload holds.
fn check_probe_spans(spans: &[Span], what: &str) {
    let by_name = |name: &str| -> &Span {
        spans
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{what}: no {name} span in {spans:#?}"))
    };
    let root = by_name("probe.request");
    let child = by_name("probe.child");
    let grandchild = by_name("probe.grandchild");
    let failing = by_name("probe.failing");
    assert_eq!(root.parent_id, 0, "{what}");
    assert_eq!(root.service, "apm-doctor-probe", "{what}");
    assert_eq!(root.resource, "GET /probe", "{what}");
    assert_eq!(root.span_type, "web", "{what}");
    assert_eq!(
        root.meta.get("http.status_code").map(String::as_str),
        Some("500"),
        "{what}"
    );
    assert_eq!(
        root.meta.get("probe.kind").map(String::as_str),
        Some("real"),
        "{what}"
    );
    assert!(!root.error, "{what}: the 500 is not flagged by the script");
    assert_eq!(child.parent_id, root.span_id, "{what}");
    assert_eq!(child.resource, "child-op", "{what}");
    assert_eq!(
        child.meta.get("component").map(String::as_str),
        Some("probe"),
        "{what}"
    );
    assert_eq!(grandchild.parent_id, child.span_id, "{what}");
    assert_eq!(grandchild.metrics.get("probe.count"), Some(&3.0), "{what}");
    assert_eq!(failing.parent_id, root.span_id, "{what}");
    assert!(failing.error, "{what}");
    assert_eq!(
        failing.meta.get("error.message").map(String::as_str),
        Some("boom"),
        "{what}"
    );
    for s in [root, child, grandchild, failing] {
        assert_eq!(s.trace_id, root.trace_id, "{what}");
        assert!(
            s.duration_ns > 0 && s.start_ns > 1_600_000_000_000_000_000,
            "{what}"
        );
    }
    assert!(
        child.start_ns >= root.start_ns && child.end_ns() <= root.end_ns(),
        "{what}"
    );
}

fn run_script(version: &str, dir: &Path) -> Option<Vec<Request>> {
    let agent = FakeAgent::start();
    let script = dir.join("probe.py");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = Command::new(python())
        .arg(&script)
        .env(
            "DD_TRACE_AGENT_URL",
            format!("http://127.0.0.1:{}", agent.port),
        )
        .env("DD_TRACE_API_VERSION", version)
        .env("DD_TRACE_STARTUP_LOGS", "false")
        .env("DD_INSTRUMENTATION_TELEMETRY_ENABLED", "false")
        .env("DD_REMOTE_CONFIGURATION_ENABLED", "false")
        .env("DD_TRACE_STATS_COMPUTATION_ENABLED", "false")
        .env("DD_SERVICE", "apm-doctor-probe")
        .env_remove("DD_AGENT_HOST")
        .env_remove("DD_TRACE_AGENT_PORT")
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "ddtrace script ({version}) failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The flush is synchronous, but give a straggling writer thread a moment.
    for _ in 0..50 {
        if !agent.traces().is_empty() {
            break;
        }
        thread::sleep(Duration::from_millis(100));
    }
    let traces = agent.traces();
    if traces.is_empty() {
        eprintln!(
            "no trace payload received ({version}); ddtrace stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    Some(traces)
}

#[test]
fn ddtrace_python_payloads_decode_to_the_spans_it_created() {
    let probe = Command::new(python())
        .args(["-c", "import ddtrace; print(ddtrace.__version__)"])
        .output();
    let version = match probe {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        other => {
            let why = match other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_string(),
                Err(e) => e.to_string(),
            };
            assert!(
                !require(),
                "APM_DOCTOR_REQUIRE_REAL_TRACER=1 but `{} -c 'import ddtrace'` failed: {why}",
                python()
            );
            eprintln!(
                "skipped: no ddtrace for `{}` (run tests/setup-real-tracer.sh and set \
                 APM_DOCTOR_PYTHON): {why}",
                python()
            );
            return;
        }
    };
    eprintln!("ddtrace {version}");
    let dir = tempfile::tempdir().unwrap();
    for (api, endpoint, format) in [
        ("v0.4", "/v0.4/traces", TraceFormat::V04Msgpack),
        ("v0.5", "/v0.5/traces", TraceFormat::V05Msgpack),
    ] {
        let requests = run_script(api, dir.path())
            .unwrap_or_else(|| panic!("ddtrace {version} sent no {api} payload"));
        let mut spans = Vec::new();
        for (i, req) in requests.iter().enumerate() {
            assert_eq!(req.path, endpoint, "{api}: {req:?}");
            assert!(matches!(req.method.as_str(), "PUT" | "POST"), "{api}");
            let origin = format!("ddtrace {version} {api} payload {i}");
            let (got, traces) = parse_traces(&req.body, &origin)
                .unwrap_or_else(|e| panic!("{e} (headers {:?})", req.headers));
            assert_eq!(got, format, "{origin}");
            spans.extend(traces.into_iter().flat_map(|t| t.spans));
            if let Some(save) = std::env::var_os("APM_DOCTOR_SAVE_PAYLOADS") {
                let name = format!("ddtrace-py-{}.msgpack", api.replace('.', ""));
                std::fs::write(PathBuf::from(save).join(name), &req.body).unwrap();
            }
        }
        check_probe_spans(&spans, &format!("ddtrace {version} {api}"));
    }
}

#[test]
fn committed_ddtrace_payloads_decode() {
    for (file, format) in [
        ("ddtrace-py-v04.msgpack", TraceFormat::V04Msgpack),
        ("ddtrace-py-v05.msgpack", TraceFormat::V05Msgpack),
    ] {
        let path = data_dir().join(file);
        let (got, traces) =
            apm_doctor_engine::traces::load_traces(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, format, "{file}");
        let spans: Vec<Span> = traces.into_iter().flat_map(|t| t.spans).collect();
        check_probe_spans(&spans, file);
    }
}
