//! Where the CLI reads the session_key from: an environment variable or a file,
//! never argv.

use std::io::Read;

use clap::Args;
use voipsign::{Error, ErrorCode, SessionKey};

/// `--session-key-env NAME` or `--session-key-file PATH` (exactly one).
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct KeySource {
    /// Read the session_key from the environment variable NAME.
    #[arg(long, value_name = "NAME")]
    session_key_env: Option<String>,
    /// Read the session_key from PATH (- for stdin); exactly one trailing \n or \r\n
    /// is removed, nothing else.
    #[arg(long, value_name = "PATH")]
    session_key_file: Option<String>,
}

fn key_error(msg: String) -> Error {
    Error::new(ErrorCode::InvalidSessionKey, msg)
}

/// `name` as it may be shown in a message: only when it looks like a variable name
/// (a session_key given by mistake in its place never does: it ends with `==`).
fn shown(name: &str) -> String {
    let plausible = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if plausible {
        name.to_owned()
    } else {
        "(name not shown: it is not a variable name, and could be a secret)".to_owned()
    }
}

/// Read and validate a session_key from the environment variable `name`.
pub fn from_env(name: &str) -> Result<SessionKey, Error> {
    let value = std::env::var(name).map_err(|e| {
        let why = match e {
            std::env::VarError::NotPresent => "is not set",
            std::env::VarError::NotUnicode(_) => "is not valid UTF-8",
        };
        key_error(format!("environment variable {} {why}", shown(name)))
    })?;
    let key = SessionKey::new(&value);
    zeroize_string(value);
    key
}

/// Remove exactly one trailing `\n` or `\r\n`.
fn strip_one_newline(s: &str) -> &str {
    s.strip_suffix("\r\n")
        .or_else(|| s.strip_suffix('\n'))
        .unwrap_or(s)
}

impl KeySource {
    /// Read and validate the session_key.
    pub fn read(&self) -> Result<SessionKey, Error> {
        if let Some(name) = &self.session_key_env {
            return from_env(name);
        }
        let path = self.session_key_file.as_deref().unwrap_or("-");
        let mut text = String::new();
        let read = if path == "-" {
            std::io::stdin().read_to_string(&mut text)
        } else {
            std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text))
        };
        // The path is not repeated: a key given in its place would be echoed.
        read.map_err(|e| {
            let from = if path == "-" {
                "standard input"
            } else {
                "the --session-key-file path"
            };
            key_error(format!(
                "cannot read the session_key from {from}: {}",
                e.kind()
            ))
        })?;
        let key = SessionKey::new(strip_one_newline(&text));
        zeroize_string(text);
        key
    }
}

/// Overwrite a String's bytes before dropping it.
fn zeroize_string(s: String) {
    let mut bytes = s.into_bytes();
    bytes.iter_mut().for_each(|b| *b = 0);
    std::hint::black_box(&bytes);
}

#[cfg(test)]
mod tests {
    use super::strip_one_newline;

    #[test]
    fn strips_exactly_one_line_ending() {
        assert_eq!(strip_one_newline("k\n"), "k");
        assert_eq!(strip_one_newline("k\r\n"), "k");
        assert_eq!(strip_one_newline("k\n\n"), "k\n");
        assert_eq!(strip_one_newline("k "), "k ");
        assert_eq!(strip_one_newline("k"), "k");
    }
}
