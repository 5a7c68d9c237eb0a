//! `rediss://`: the Redis store over TLS (rustls), against a private redis-server
//! with a certificate from a throwaway CA made here with the openssl command. The
//! CA is trusted through `SSL_CERT_FILE` (read by rustls-native-certs), set before
//! the first connection; this file holds the only test of its binary for that
//! reason.
#![cfg(feature = "redis")]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use voipsign::rooms::{Ledger, OnUnavailable, RedisOptions, Rules};

fn run(dir: &Path, args: &[&str]) {
    let ok = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl")
        .success();
    assert!(ok, "openssl {args:?}");
}

#[test]
fn tls_with_a_trusted_ca_works_and_an_untrusted_one_is_refused() {
    let dir = std::env::temp_dir().join(format!("voipsign-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    run(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=voipsign-test-ca",
        ],
    );
    run(
        &dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "srv.key",
            "-out",
            "srv.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    run(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "srv.crt",
            "-days",
            "2",
            "-extfile",
            "ext",
        ],
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let mut server = Command::new("redis-server")
        .args(["--port", "0", "--tls-port", &port, "--bind", "127.0.0.1"])
        .args([
            "--tls-cert-file",
            "srv.crt",
            "--tls-key-file",
            "srv.key",
            "--tls-ca-cert-file",
            "ca.crt",
        ])
        .args([
            "--tls-auth-clients",
            "no",
            "--save",
            "",
            "--appendonly",
            "no",
            "--requirepass",
            "tls-pw-77",
        ])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server");
    let t = Instant::now();
    while std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "TLS redis-server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let refuse = Rules {
        on_unavailable: OnUnavailable::Refuse,
        ..Rules::default()
    };
    let opts = RedisOptions {
        connect_timeout_ms: 1_000,
        command_timeout_ms: 1_000,
        ..RedisOptions::default()
    };

    // Before the CA is trusted: the handshake fails, named, without the password.
    let url = format!("rediss://:tls-pw-77@localhost:{port}");
    let l = Ledger::redis(&url, refuse, opts.clone()).unwrap();
    let e = l.admit("wx1", "g", "m", None).unwrap_err();
    assert_eq!(e.code().name(), "LEDGER_UNAVAILABLE");
    assert!(!e.message().contains("tls-pw-77"), "{}", e.message());
    eprintln!("untrusted CA: {}", e.message());
    // A plain redis:// URL against the TLS port: unavailable within the timeout.
    let plain = Ledger::redis(&format!("redis://localhost:{port}"), refuse, opts.clone()).unwrap();
    let t = Instant::now();
    assert_eq!(
        plain.room("wx1", "g", None).unwrap_err().code().name(),
        "LEDGER_UNAVAILABLE"
    );
    assert!(
        t.elapsed() < Duration::from_millis(2_500),
        "{:?}",
        t.elapsed()
    );

    // Trust the test CA (read once, when the first TLS connection is made by a new
    // client: a new ledger).
    std::env::set_var("SSL_CERT_FILE", dir.join("ca.crt"));
    let l = Ledger::redis(&url, refuse, opts).unwrap();
    let a = l.admit("wx1", "g", "m", None).unwrap();
    assert!(a.opened && !a.degraded);
    assert_eq!(l.room("wx1", "g", None).unwrap().members.len(), 1);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
