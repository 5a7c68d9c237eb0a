//! Java strings read as what they are, UTF-16, and turned into UTF-8 for the core.
//!
//! The jni crate reads strings through `GetStringUTFChars` (modified UTF-8, a
//! copy allocated by the JVM) and decodes a lone surrogate *lossily*; the
//! contract wants `INVALID_UTF8` instead, because a replacement character would
//! change the groupId that is signed. So the code units are copied out with
//! `GetStringRegion` (into a stack buffer for the usual short values: no
//! allocation on the JVM's side or ours) and decoded strictly here. The jni crate
//! wraps neither `GetStringLength` nor `GetStringRegion`: the two raw calls below
//! are the only `unsafe` code of the crate.
#![allow(unsafe_code)]

use std::ffi::CStr;

use jni::objects::{JObjectArray, JString};
use jni::strings::JNIStr;
use jni::sys::{jchar, jsize};
use jni::Env;
use voipsign::{Error, ErrorCode};
use zeroize::Zeroize;

use crate::errors::{Failure, Result};

/// Code units read into a stack buffer and ASCII bytes kept inline (every appId,
/// nonce, session_key and the usual groupId); longer or non-ASCII strings use the
/// heap. Small on purpose: a `Text` is moved by value.
const INLINE: usize = 64;

/// A Java string as UTF-8. Dropping the text of a session_key zeroes the bytes
/// it held ([`read_secret`]).
pub struct Text {
    inline: [u8; INLINE],
    len: usize,
    heap: Option<String>,
    secret: bool,
}

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.heap {
            Some(s) => s,
            // Only ASCII is ever written to `inline[..len]`.
            None => std::str::from_utf8(&self.inline[..self.len]).expect("ASCII by construction"),
        }
    }
}

impl Drop for Text {
    fn drop(&mut self) {
        if self.secret {
            self.inline[..self.len].zeroize();
            if let Some(s) = &mut self.heap {
                s.zeroize();
            }
        }
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// What can go wrong reading one string, before it is named.
enum Unreadable {
    Null,
    LoneSurrogate,
    Jni(jni::errors::Error),
}

impl Unreadable {
    /// The error naming the parameter as the core's messages do (`groupId`,
    /// `sessionKeys[2]`); the value is never repeated (it may be a session_key).
    fn named(self, field: impl FnOnce() -> String) -> Failure {
        match self {
            Unreadable::Null => null_argument(&field()),
            Unreadable::LoneSurrogate => Failure::Core(Error::new(
                ErrorCode::InvalidUtf8,
                format!(
                    "{} contains a lone surrogate, which has no UTF-8 form",
                    field()
                ),
            )),
            Unreadable::Jni(e) => Failure::Jni(e),
        }
    }
}

/// `NULL_ARGUMENT` (the Java API refuses nulls with a NullPointerException
/// before calling; this guards the native methods themselves).
pub fn null_argument(field: &str) -> Failure {
    Failure::Core(Error::new(
        ErrorCode::NullArgument,
        format!("{field} is null"),
    ))
}

/// The string `s` as UTF-8; a lone surrogate is `INVALID_UTF8` naming `field`.
pub fn read(env: &Env<'_>, s: &JString<'_>, field: &str) -> Result<Text> {
    read_unnamed(env, s, false).map_err(|e| e.named(|| field.to_owned()))
}

/// [`read`] for a session_key: every copy made (the code units, the UTF-8) is
/// zeroed when no longer needed.
pub fn read_secret(env: &Env<'_>, s: &JString<'_>, field: &str) -> Result<Text> {
    read_unnamed(env, s, true).map_err(|e| e.named(|| field.to_owned()))
}

fn read_unnamed(
    env: &Env<'_>,
    s: &JString<'_>,
    secret: bool,
) -> std::result::Result<Text, Unreadable> {
    if s.is_null() {
        return Err(Unreadable::Null);
    }
    if env.exception_check() {
        return Err(Unreadable::Jni(jni::errors::Error::JavaException));
    }
    let raw_env = env.get_raw();
    // SAFETY: `raw_env` is the JNIEnv of this thread (from the `Env` of the
    // running native method), no exception is pending (checked above), and
    // `s` is a live, non-null local reference to a java.lang.String (the JVM
    // passed it for a `String` parameter, or it came from a `String[]`).
    // GetStringLength exists in every JNI version.
    let len = unsafe { ((**raw_env).v1_1.GetStringLength)(raw_env, s.as_raw()) };
    let len = usize::try_from(len).unwrap_or(0);
    let mut stack = [0 as jchar; INLINE];
    let mut heap = Vec::new();
    let units: &mut [jchar] = if len <= INLINE {
        &mut stack[..len]
    } else {
        heap.resize(len, 0);
        &mut heap[..]
    };
    // SAFETY: as above; the region [0, len) lies inside the string (len is its
    // length, and Java strings are immutable), so GetStringRegion throws
    // nothing and writes exactly `len` code units into `units`, which has room
    // for them. GetStringRegion is JNI 1.2, below the 1.4 the jni crate requires.
    unsafe {
        ((**raw_env).v1_2.GetStringRegion)(
            raw_env,
            s.as_raw(),
            0,
            len as jsize,
            units.as_mut_ptr(),
        );
    }
    let decoded = decode(units, secret);
    if secret {
        units.zeroize();
    }
    decoded
}

/// UTF-16 code units to UTF-8, strictly.
fn decode(units: &[jchar], secret: bool) -> std::result::Result<Text, Unreadable> {
    let mut text = Text {
        inline: [0; INLINE],
        len: 0,
        heap: None,
        secret,
    };
    if units.len() <= INLINE && units.iter().all(|&u| u < 0x80) {
        for (b, &u) in text.inline.iter_mut().zip(units) {
            *b = u as u8;
        }
        text.len = units.len();
        return Ok(text);
    }
    // A secret gets room for its longest UTF-8 form at once: no reallocation
    // leaves an unzeroed copy behind.
    let capacity = match secret {
        true => units.len().saturating_mul(3),
        false => units.len() + units.len() / 2,
    };
    let mut s = String::with_capacity(capacity);
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => s.push(c),
            Err(_) => {
                s.zeroize();
                return Err(Unreadable::LoneSurrogate);
            }
        }
    }
    text.heap = Some(s);
    Ok(text)
}

/// A new Java string of `s`. Short ASCII (the signatures) goes to `NewStringUTF`
/// from a stack buffer; anything else through the jni crate's encoder.
pub fn new_string<'local>(env: &mut Env<'local>, s: &str) -> Result<JString<'local>> {
    const SHORT: usize = 127;
    if s.len() <= SHORT && s.bytes().all(|b| b.is_ascii() && b != 0) {
        let mut buf = [0_u8; SHORT + 1];
        buf[..s.len()].copy_from_slice(s.as_bytes());
        // ASCII without NUL is modified UTF-8 as it is: no encoding, no allocation.
        let c = CStr::from_bytes_until_nul(&buf).ok();
        if let Some(j) = c.and_then(JNIStr::from_cstr) {
            return Ok(JString::from_jni_str(env, j)?);
        }
    }
    Ok(env.new_string(s)?)
}

/// Every element of a `String[]`, each read as [`read`] (or, `secret`,
/// [`read_secret`]) does and named `{list}[i]` in errors (an element that is
/// null is `NULL_ARGUMENT`).
pub fn read_all(
    env: &mut Env<'_>,
    array: &JObjectArray<'_, JString<'_>>,
    list: &str,
    secret: bool,
) -> Result<Vec<Text>> {
    if array.is_null() {
        return Err(null_argument(list));
    }
    let n = array.len(env)?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let element = array.get_element(env, i)?;
        let text = read_unnamed(env, &element, secret);
        // Free the local reference now: a long list must not fill the frame.
        env.delete_local_ref(element);
        out.push(text.map_err(|e| e.named(|| format!("{list}[{i}]")))?);
    }
    Ok(out)
}
