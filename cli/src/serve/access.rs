//! Who may read the dashboard: anyone on a loopback address; with
//! `--token-env`, only requests carrying `Authorization: Bearer <token>`
//! (compared in constant time). A non-loopback address without a token is
//! refused at start: room activity and quota figures are not for the network.

use std::net::SocketAddr;

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The shortest token accepted.
pub const MIN_TOKEN_LEN: usize = 16;

/// The access rule of one server.
pub struct Access {
    token: Option<Zeroizing<Vec<u8>>>,
}

impl Access {
    /// The rule for `addr`, the token read from the environment variable `env`.
    /// Errors name the option, never the token.
    pub fn from_env(env: Option<&str>, addr: SocketAddr) -> Result<Access, String> {
        let token = match env {
            None if addr.ip().is_loopback() => None,
            None => {
                return Err(format!(
                    "--listen {addr} is not a loopback address: anyone who can reach it would see the rooms; pass --token-env NAME (a bearer token every request must carry) or listen on 127.0.0.1"
                ))
            }
            Some(name) => {
                let value = Zeroizing::new(std::env::var(name).unwrap_or_default());
                let t = value.trim();
                if t.chars().count() < MIN_TOKEN_LEN {
                    return Err(format!(
                        "--token-env: the environment variable {name} is unset or holds fewer than {MIN_TOKEN_LEN} characters"
                    ));
                }
                Some(Zeroizing::new(t.as_bytes().to_vec()))
            }
        };
        Ok(Access { token })
    }

    /// Whether a request with `headers` may be answered.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        let Some(given) = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
        else {
            return false;
        };
        // Lengths are not secret; the bytes are compared in constant time.
        given.len() == token.len() && bool::from(given.ct_eq(token.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, v.parse().unwrap());
        h
    }

    #[test]
    fn loopback_needs_no_token_and_the_network_does() {
        let lo: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert!(Access::from_env(None, lo)
            .unwrap()
            .allows(&HeaderMap::new()));
        let any: SocketAddr = "0.0.0.0:1".parse().unwrap();
        let e = Access::from_env(None, any).err().unwrap();
        assert!(e.contains("--token-env"), "{e}");
    }

    #[test]
    fn the_token_is_compared_whole() {
        std::env::set_var("VOIPSIGN_TEST_SERVE_TOKEN", "0123456789abcdefXYZ");
        let lo: SocketAddr = "[::1]:1".parse().unwrap();
        let a = Access::from_env(Some("VOIPSIGN_TEST_SERVE_TOKEN"), lo).unwrap();
        assert!(a.allows(&headers("Bearer 0123456789abcdefXYZ")));
        assert!(!a.allows(&headers("Bearer 0123456789abcdefXY")));
        assert!(!a.allows(&headers("Bearer 0123456789abcdefXYz")));
        assert!(!a.allows(&headers("0123456789abcdefXYZ")));
        assert!(!a.allows(&HeaderMap::new()));
        std::env::set_var("VOIPSIGN_TEST_SERVE_SHORT", "short");
        let e = Access::from_env(Some("VOIPSIGN_TEST_SERVE_SHORT"), lo)
            .err()
            .unwrap();
        assert!(!e.contains("short\"") && e.contains("16"), "{e}");
    }
}
