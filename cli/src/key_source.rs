//! Where the CLI reads the session_key from: an environment variable or a file,
//! never argv.

use std::io::Read;

use clap::Args;
use voipsign::{Error, ErrorCode};
use zeroize::Zeroizing;

/// The session_key text as read, overwritten with zeros when dropped. Its rules
/// are the core's: it is validated in its turn by `voipsign::request`.
pub type KeyText = Zeroizing<String>;

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

/// Read a session_key from the environment variable `name` (not validated).
pub fn from_env(name: &str) -> Result<KeyText, Error> {
    let value = std::env::var(name).map(Zeroizing::new).map_err(|e| {
        let why = match e {
            std::env::VarError::NotPresent => "is not set",
            std::env::VarError::NotUnicode(_) => "is not valid UTF-8",
        };
        key_error(format!("environment variable {} {why}", shown(name)))
    })?;
    Ok(value)
}

/// Remove exactly one trailing `\n` or `\r\n`.
fn strip_one_newline(s: &str) -> &str {
    s.strip_suffix("\r\n")
        .or_else(|| s.strip_suffix('\n'))
        .unwrap_or(s)
}

impl KeySource {
    /// Read the session_key text (its rules are checked by the core, in turn).
    pub fn read(&self) -> Result<KeyText, Error> {
        if let Some(name) = &self.session_key_env {
            return from_env(name);
        }
        let mut text = read_file(
            self.session_key_file.as_deref().unwrap_or("-"),
            "--session-key-file",
        )?;
        let len = strip_one_newline(&text).len();
        text.truncate(len);
        Ok(text)
    }
}

/// `--session-keys-file PATH`: one session_key per line (for `sign-many`).
#[derive(Args)]
pub struct KeyListSource {
    /// Read the session_keys from PATH (- for stdin), one per line; each line's
    /// \n or \r\n is removed, nothing else.
    #[arg(long, value_name = "PATH")]
    session_keys_file: String,
}

impl KeyListSource {
    /// Read the keys, one per line (not validated: the core checks them in turn).
    pub fn read(&self) -> Result<Vec<KeyText>, Error> {
        let text = read_file(&self.session_keys_file, "--session-keys-file")?;
        Ok(text.lines().map(|l| Zeroizing::new(l.to_owned())).collect())
    }
}

/// The whole text of PATH (`-`: standard input), zeroed when dropped.
fn read_file(path: &str, flag: &str) -> Result<KeyText, Error> {
    let mut text = Zeroizing::new(String::new());
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    // The path is not repeated: a key given in its place would be echoed.
    read.map_err(|e| {
        let from = if path == "-" {
            "standard input".to_owned()
        } else {
            format!("the {flag} path")
        };
        key_error(format!(
            "cannot read the session_key from {from}: {}",
            e.kind()
        ))
    })?;
    Ok(text)
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
