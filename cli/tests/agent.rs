//! `apm-doctor agent` against fake agents served in-process on 127.0.0.1 (no network): every
//! bad answer gets a clear message and exit code 2, an old agent or one without trace
//! endpoints exits 1, a current one exits 0.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::thread;
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apm-doctor"));
    c.env_remove("DD_TRACE_AGENT_URL")
        .env_remove("DD_AGENT_HOST")
        .env_remove("DD_TRACE_AGENT_PORT")
        .env("NO_COLOR", "1");
    c
}

/// Serve one connection with `answer` (called with the accepted stream after the request
/// was read) and return the URL.
fn serve(answer: impl FnOnce(&mut TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            answer(&mut s);
        }
    });
    format!("http://{addr}")
}

fn serve_text(response: String) -> String {
    serve(move |s| {
        let _ = s.write_all(response.as_bytes());
    })
}

fn agent(url: &str, timeout: &str) -> (Output, Duration) {
    let started = Instant::now();
    let out = bin()
        .args(["agent", "--url", url, "--timeout", timeout])
        .output()
        .expect("runs");
    (out, started.elapsed())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn ok_json(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn current_agent_exits_0_old_or_traceless_agent_exits_1() {
    let url = serve_text(ok_json(
        r#"{"version":"7.52.0","endpoints":["/v0.4/traces","/v0.5/traces","/info"]}"#,
    ));
    let (out, _) = agent(&url, "5");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("7.52.0"), "{text}");

    let url = serve_text(ok_json(
        r#"{"version":"7.20.0","endpoints":["/v0.4/traces"]}"#,
    ));
    let (out, _) = agent(&url, "5");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("older than 7.28.0"), "{text}");

    let url = serve_text(ok_json(r#"{"version":"7.52.0","endpoints":["/info"]}"#));
    let (out, _) = agent(&url, "5");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("no trace intake endpoint"), "{text}");
}

#[test]
fn non_json_answers_exit_2() {
    for body in [
        "<html><body>It works!</body></html>",
        "",
        "\u{0}\u{1}\u{2}binary",
    ] {
        let url = serve_text(format!("HTTP/1.1 200 OK\r\n\r\n{body}"));
        let (out, _) = agent(&url, "5");
        assert_eq!(out.status.code(), Some(2), "{body:?}");
        let e = stderr(&out);
        assert!(
            e.contains("did not answer like a Datadog agent") && e.contains("not JSON"),
            "{e}"
        );
    }
    // Not HTTP at all.
    let url = serve_text("SSH-2.0-OpenSSH_9.6\r\n".into());
    let (out, _) = agent(&url, "5");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no HTTP response"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_that_is_not_an_agents_info_exits_2() {
    for (body, why) in [
        (
            r#"{"status":"ok","uptime":12}"#,
            "neither `version` nor `endpoints`",
        ),
        (
            r#"{"version":7,"endpoints":"all"}"#,
            "neither `version` nor `endpoints`",
        ),
        (r#"[{"version":"7.52.0"}]"#, "not an object"),
        ("42", "not an object"),
    ] {
        let url = serve_text(ok_json(body));
        let (out, _) = agent(&url, "5");
        assert_eq!(out.status.code(), Some(2), "{body}");
        let e = stderr(&out);
        assert!(
            e.contains("did not answer like a Datadog agent") && e.contains(why),
            "{body}: {e}"
        );
    }
}

#[test]
fn redirects_are_refused_and_never_followed() {
    // The place the redirect points at: it must never see a connection.
    let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let target = format!("http://{}/info", elsewhere.local_addr().unwrap());
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let url = serve_text(format!(
            "HTTP/1.1 {status}\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n"
        ));
        let (out, _) = agent(&url, "5");
        assert_eq!(out.status.code(), Some(2), "{status}");
        let e = stderr(&out);
        assert!(
            e.contains("redirects") && e.contains("not followed") && e.contains(&target),
            "{status}: {e}"
        );
    }
    assert!(
        elsewhere.accept().is_err(),
        "the redirect target was contacted"
    );
}

#[test]
fn http_errors_exit_2_with_the_status() {
    for (status, expect) in [
        (
            "500 Internal Server Error",
            "HTTP 500 Internal Server Error",
        ),
        ("503 Service Unavailable", "HTTP 503 Service Unavailable"),
        ("403 Forbidden", "HTTP 403 Forbidden"),
        ("404 Not Found", "older than 7.28"),
    ] {
        let url = serve_text(format!(
            "HTTP/1.1 {status}\r\nContent-Length: 2\r\n\r\n{{}}"
        ));
        let (out, _) = agent(&url, "5");
        assert_eq!(out.status.code(), Some(2), "{status}");
        assert!(stderr(&out).contains(expect), "{status}: {}", stderr(&out));
    }
}

#[test]
fn answers_over_the_size_cap_exit_2() {
    let url = serve(|s| {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"version\":\"");
        let chunk = vec![b'7'; 64 * 1024];
        // Up to 8 MiB; the client must stop reading after 1 MiB.
        for _ in 0..128 {
            if s.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let (out, _) = agent(&url, "5");
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("more than 1048576 bytes"), "{e}");
}

#[test]
fn silent_and_trickling_servers_time_out() {
    // Accepts, reads the request, never answers.
    let url = serve(|_| thread::sleep(Duration::from_secs(8)));
    let (out, took) = agent(&url, "1");
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("timed out after 1s waiting for"), "{e}");
    assert!(took < Duration::from_secs(6), "took {took:?}");

    // Answers one byte every 200 ms: each read is quick, the whole answer never ends. The
    // timeout bounds the whole read, not each read.
    let url = serve(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\n");
        for _ in 0..40 {
            thread::sleep(Duration::from_millis(200));
            if s.write_all(b"X").is_err() {
                break;
            }
        }
    });
    let (out, took) = agent(&url, "1");
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("timed out after 1s"), "{e}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
}

#[test]
fn connection_that_is_never_accepted_times_out() {
    // A listener whose accept queue is full: the kernel drops further connection attempts,
    // so connecting hangs until the connect timeout.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    let mut full = false;
    for _ in 0..900 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => held.push(s),
            Err(_) => {
                full = true;
                break;
            }
        }
    }
    if !full {
        eprintln!("skipped: the accept queue never filled (the kernel accepts more than 900 pending connections)");
        return;
    }
    let (out, took) = agent(&format!("http://{addr}"), "1");
    drop(held);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("timed out after 1s connecting to"), "{e}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
}
