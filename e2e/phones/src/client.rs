//! A blocking HTTP client for the phones: JSON in, status and JSON out, every
//! request counted. Never logs a header (tokens travel in Authorization).

use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The timeout of an ordinary request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The timeout of a long poll for events (the emulator holds one ≤ 25 s).
pub const POLL_TIMEOUT: Duration = Duration::from_secs(35);

/// An answer: the HTTP status and the body as JSON (`Null` when the body is
/// empty or not JSON).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body as JSON.
    pub body: Value,
    /// How long the request took.
    pub elapsed: Duration,
}

impl Answer {
    /// The backend's error code (`{"error": CODE}`), else `HTTP <status>`.
    pub fn error_code(&self) -> String {
        match self.body.get("error").and_then(Value::as_str) {
            Some(c) if !c.is_empty() => c.to_string(),
            _ => format!("HTTP_{}", self.status),
        }
    }
}

/// The client shared by every phone thread.
pub struct Client {
    agent: ureq::Agent,
    requests: AtomicU64,
    errors: AtomicU64,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    /// A client keeping many connections alive (one host, hundreds of phones).
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .max_idle_connections(2000)
            .max_idle_connections_per_host(1000)
            .user_agent("voipsign-phones")
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            requests: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        }
    }

    /// Requests sent so far (answered or not).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Requests that got no HTTP answer (refused connection, timeout, …).
    pub fn transport_errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }

    fn finish(
        &self,
        started: Instant,
        r: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        what: &str,
    ) -> Result<Answer, String> {
        match r {
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                let text = resp.body_mut().read_to_string().unwrap_or_default();
                let body = serde_json::from_str(&text).unwrap_or(Value::Null);
                Ok(Answer {
                    status,
                    body,
                    elapsed: started.elapsed(),
                })
            }
            Err(e) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                Err(format!("{what}: {e}"))
            }
        }
    }

    /// `POST url` with a JSON body, with `Authorization: Bearer` when a token is given.
    pub fn post(&self, url: &str, body: &Value, bearer: Option<&str>) -> Result<Answer, String> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut req = self.agent.post(url);
        if let Some(t) = bearer {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let started = Instant::now();
        let r = req.send_json(body);
        self.finish(started, r, &format!("POST {}", path_of(url)))
    }

    /// `GET url` (with `timeout`, e.g. [`POLL_TIMEOUT`] for a long poll).
    pub fn get(&self, url: &str, timeout: Duration) -> Result<Answer, String> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let r = self
            .agent
            .get(url)
            .config()
            .timeout_global(Some(timeout))
            .build()
            .call();
        self.finish(started, r, &format!("GET {}", path_of(url)))
    }
}

/// The path of a URL without its query (what an error message may show).
pub fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
    path.split('?').next().unwrap_or(path)
}

/// `s` percent-encoded for a query value (RFC 3986 unreserved kept).
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_escapes() {
        assert_eq!(
            path_of("http://h:1/_phone/events?appId=a&phone=b"),
            "/_phone/events"
        );
        assert_eq!(path_of("http://h:1"), "/");
        assert_eq!(query_escape("wx a&b=c"), "wx%20a%26b%3Dc");
        assert_eq!(query_escape("s1-p2"), "s1-p2");
    }

    #[test]
    fn error_codes() {
        let a = Answer {
            status: 409,
            body: serde_json::json!({"error": "ROOM_FULL"}),
            elapsed: Duration::ZERO,
        };
        assert_eq!(a.error_code(), "ROOM_FULL");
        let b = Answer {
            status: 502,
            body: Value::Null,
            elapsed: Duration::ZERO,
        };
        assert_eq!(b.error_code(), "HTTP_502");
    }

    #[test]
    fn unreachable_is_an_error() {
        let c = Client::new();
        // Port 1 on the loopback: nothing listens there.
        assert!(c
            .get("http://127.0.0.1:1/healthz", Duration::from_secs(2))
            .is_err());
        assert_eq!(c.requests(), 1);
        assert_eq!(c.transport_errors(), 1);
    }
}
