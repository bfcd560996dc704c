//! `apm-doctor agent`: ask a live Datadog agent for `GET /info` and judge its version and
//! trace endpoints. Plain HTTP/1.1 over a TCP socket with connect and read timeouts, a
//! response size cap, and no redirects.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde::Serialize;

/// Minimum agent version current tracers need.
pub const MIN_AGENT_VERSION: &str = "7.28.0";
/// Largest /info answer read.
const MAX_RESPONSE: usize = 1024 * 1024;

/// The result of an agent check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentReport {
    /// URL asked.
    pub url: String,
    /// Version the agent reported.
    pub version: Option<String>,
    /// True when version >= 7.28.0.
    pub version_ok: bool,
    /// Trace intake endpoints the agent serves (`/v0.4/traces`...).
    pub trace_endpoints: Vec<String>,
    /// Every endpoint it listed.
    pub endpoints: Vec<String>,
    /// Problems, in words a person can act on.
    pub problems: Vec<String>,
}

/// Why the agent could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The URL is not `http://host[:port]`.
    #[error("invalid agent URL `{0}`: expected http://HOST[:PORT]")]
    BadUrl(String),
    /// Nothing listens there.
    #[error("connection to {0} refused: is the agent running and is APM enabled (DD_APM_ENABLED=true, port 8126)?")]
    Refused(String),
    /// No answer in time (what was being done, the timeout).
    #[error("timed out after {1:?} {0}: is the agent reachable from here?")]
    Timeout(String, Duration),
    /// The answer is larger than the cap.
    #[error("{0} answered with more than {1} bytes; a Datadog agent's /info is a few KiB, so the answer was not read further")]
    TooLarge(String, usize),
    /// The server redirects; redirects are never followed.
    #[error("{0} redirects (HTTP {1}) to {2}; redirects are not followed: point --url at the agent itself")]
    Redirect(String, u16, String),
    /// The server answered with an HTTP error.
    #[error("{0} answered GET /info with HTTP {1}{2}")]
    Status(String, u16, String),
    /// Other socket errors.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// The answer is not what an agent says.
    #[error("{0} did not answer like a Datadog agent: {1}")]
    NotAgent(String, String),
}

/// Agent URL from the environment the way tracers compute it: DD_TRACE_AGENT_URL, else
/// DD_AGENT_HOST and DD_TRACE_AGENT_PORT, else http://localhost:8126.
pub fn default_url(get: impl Fn(&str) -> Option<String>) -> String {
    if let Some(url) = get("DD_TRACE_AGENT_URL").filter(|u| !u.is_empty()) {
        return url;
    }
    let host = get("DD_AGENT_HOST")
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    let port = get("DD_TRACE_AGENT_PORT")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "8126".into());
    format!("http://{host}:{port}")
}

fn split_url(url: &str) -> Result<(String, u16), AgentError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| AgentError::BadUrl(url.into()))?;
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return Err(AgentError::BadUrl(url.into()));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (
            h.to_string(),
            p.parse::<u16>()
                .map_err(|_| AgentError::BadUrl(url.into()))?,
        ),
        _ => (authority.to_string(), 80),
    };
    Ok((host.trim_matches(['[', ']']).to_string(), port))
}

/// Check the agent at `url`. `timeout` bounds each phase as a whole: name resolution, the
/// connection (across every address the name resolves to), and reading the answer (a server
/// that trickles bytes is cut off as well as a silent one). Answers over 1 MiB are refused and
/// redirects are never followed.
pub fn check(url: &str, timeout: Duration) -> Result<AgentReport, AgentError> {
    let (host, port) = split_url(url)?;
    let target = format!("{host}:{port}");
    let addrs = resolve(&host, port, timeout, &target)?;
    let mut last = None;
    let mut stream = None;
    let connect_deadline = Instant::now() + timeout;
    for addr in addrs {
        let left = connect_deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            last = Some(std::io::Error::from(std::io::ErrorKind::TimedOut));
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let mut stream = match stream {
        Some(s) => s,
        None => {
            return Err(match last {
                Some(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    AgentError::Refused(target)
                }
                Some(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                    AgentError::Timeout(format!("connecting to {target}"), timeout)
                }
                Some(e) => AgentError::Io(target, e),
                None => AgentError::BadUrl(url.into()),
            })
        }
    };
    let deadline = Instant::now() + timeout;
    let io = |e: std::io::Error| {
        if matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ) {
            AgentError::Timeout(format!("waiting for {target} to answer"), timeout)
        } else {
            AgentError::Io(target.clone(), e)
        }
    };
    // Time left before the deadline, as a socket timeout (never zero, which means "none").
    let left = || {
        let left = deadline.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    };
    let timed_out = || std::io::Error::from(std::io::ErrorKind::TimedOut);
    stream.set_write_timeout(Some(timeout)).map_err(io)?;
    let request = format!(
        "GET /info HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: apm-doctor/{}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    stream.write_all(request.as_bytes()).map_err(io)?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let wait = left().ok_or_else(timed_out).map_err(io)?;
        stream.set_read_timeout(Some(wait)).map_err(io)?;
        let n = stream.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if raw.len() > MAX_RESPONSE {
            return Err(AgentError::TooLarge(url.into(), MAX_RESPONSE));
        }
    }
    interpret(url, &raw)
}

/// Resolve `host` within `timeout` (the system resolver has no timeout of its own, so it runs
/// on a helper thread that is abandoned when it does not answer in time).
fn resolve(
    host: &str,
    port: u16,
    timeout: Duration,
    target: &str,
) -> Result<Vec<SocketAddr>, AgentError> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let name = host.to_string();
    std::thread::Builder::new()
        .name("apm-doctor-resolve".into())
        .spawn(move || {
            let _ = tx.send(
                (name.as_str(), port)
                    .to_socket_addrs()
                    .map(|a| a.collect::<Vec<_>>()),
            );
        })
        .map_err(|e| AgentError::Io(target.into(), e))?;
    match rx.recv_timeout(timeout) {
        Ok(Ok(addrs)) => Ok(addrs),
        Ok(Err(e)) => Err(AgentError::Io(target.into(), e)),
        Err(_) => Err(AgentError::Timeout(format!("resolving {host}"), timeout)),
    }
}

fn interpret(url: &str, raw: &[u8]) -> Result<AgentReport, AgentError> {
    let not_agent = |why: &str| AgentError::NotAgent(url.into(), why.into());
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| not_agent("no HTTP response"))?;
    let status_line = head.lines().next().unwrap_or("");
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| not_agent("no HTTP status line"))?;
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    if (300..400).contains(&status) {
        let location = header("location").unwrap_or_else(|| "an unnamed location".into());
        return Err(AgentError::Redirect(url.into(), status, location));
    }
    if status == 404 {
        return Err(not_agent(
            "GET /info answered 404: the agent is older than 7.28 or this is not an agent",
        ));
    }
    if status != 200 {
        let reason: String = status_line
            .split_whitespace()
            .skip(2)
            .collect::<Vec<_>>()
            .join(" ");
        let reason = if reason.is_empty() {
            String::new()
        } else {
            format!(" {reason}")
        };
        return Err(AgentError::Status(url.into(), status, reason));
    }
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase().starts_with("transfer-encoding:")
            && l.to_ascii_lowercase().contains("chunked")
    });
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    let json: serde_json::Value = serde_json::from_str(body.trim())
        .map_err(|e| not_agent(&format!("body is not JSON ({e})")))?;
    if !json.is_object() {
        return Err(not_agent("the JSON is not an object like an agent's /info"));
    }
    let endpoints: Vec<String> = json
        .get("endpoints")
        .and_then(|e| e.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let version = json
        .get("version")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    if version.is_none() && endpoints.is_empty() {
        return Err(not_agent("the JSON has neither `version` nor `endpoints`"));
    }
    let trace_endpoints: Vec<String> = endpoints
        .iter()
        .filter(|e| e.ends_with("/traces"))
        .cloned()
        .collect();
    let mut problems = Vec::new();
    let version_ok = match &version {
        Some(v) => match apm_doctor_stdlib::compare_versions(v, MIN_AGENT_VERSION) {
            Some(std::cmp::Ordering::Less) => {
                problems.push(format!(
                    "agent {v} is older than {MIN_AGENT_VERSION}: upgrade the agent"
                ));
                false
            }
            Some(_) => true,
            None => {
                problems.push(format!("agent version `{v}` is not a version number"));
                false
            }
        },
        None => {
            problems.push("the agent did not report its version".into());
            false
        }
    };
    if trace_endpoints.is_empty() {
        problems.push(
            "the agent lists no trace intake endpoint (/v0.4/traces...): is APM enabled?".into(),
        );
    }
    Ok(AgentReport {
        url: url.into(),
        version,
        version_ok,
        trace_endpoints,
        endpoints,
        problems,
    })
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    fn serve_once(response: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
                let _ = s.write_all(response.as_bytes());
            }
        });
        format!("http://{addr}")
    }

    #[test]
    fn reads_a_current_agent() {
        let url = serve_once("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"version\":\"7.39.2\",\"endpoints\":[\"/v0.4/traces\",\"/v0.5/traces\",\"/v0.6/stats\"]}");
        let r = check(&url, Duration::from_secs(5)).unwrap();
        assert_eq!(r.version.as_deref(), Some("7.39.2"));
        assert!(r.version_ok);
        assert_eq!(r.trace_endpoints, vec!["/v0.4/traces", "/v0.5/traces"]);
        assert!(r.problems.is_empty());
    }

    #[test]
    fn old_agent_is_a_problem() {
        let url = serve_once(
            "HTTP/1.1 200 OK\r\n\r\n{\"version\":\"7.27.1\",\"endpoints\":[\"/v0.4/traces\"]}",
        );
        let r = check(&url, Duration::from_secs(5)).unwrap();
        assert!(!r.version_ok);
        assert!(r.problems[0].contains("older than 7.28.0"));
    }

    #[test]
    fn non_agent_and_redirects() {
        let url = serve_once("HTTP/1.1 200 OK\r\n\r\n<html>hello</html>");
        let e = check(&url, Duration::from_secs(5)).unwrap_err().to_string();
        assert!(e.contains("not JSON"), "{e}");
        let url = serve_once("HTTP/1.1 302 Found\r\nLocation: http://elsewhere/\r\n\r\n");
        let e = check(&url, Duration::from_secs(5)).unwrap_err().to_string();
        assert!(e.contains("redirect"), "{e}");
    }

    #[test]
    fn refused_and_bad_url() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let e = check(&format!("http://{addr}"), Duration::from_secs(2)).unwrap_err();
        assert!(matches!(e, AgentError::Refused(_)), "{e}");
        assert!(matches!(
            check("ftp://x", Duration::from_secs(1)),
            Err(AgentError::BadUrl(_))
        ));
    }

    #[test]
    fn silent_server_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hold = thread::spawn(move || {
            let conn = listener.accept();
            thread::sleep(Duration::from_millis(1500));
            drop(conn);
        });
        let e = check(&format!("http://{addr}"), Duration::from_millis(300)).unwrap_err();
        assert!(matches!(e, AgentError::Timeout(..)), "{e}");
        let _ = hold.join();
    }

    #[test]
    fn url_from_environment() {
        let env = |k: &str| match k {
            "DD_AGENT_HOST" => Some("10.0.0.5".to_string()),
            _ => None,
        };
        assert_eq!(default_url(env), "http://10.0.0.5:8126");
        assert_eq!(default_url(|_| None), "http://localhost:8126");
        let env = |k: &str| (k == "DD_TRACE_AGENT_URL").then(|| "http://agent:9126".to_string());
        assert_eq!(default_url(env), "http://agent:9126");
    }
}
