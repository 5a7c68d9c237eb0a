//! [`Text`]: a string argument copied out fast; the addon's only `unsafe` code
//! (four blocks: an N-API call, a napi-rs call, a slice N-API wrote, ASCII as `str`).
//!
//! Measured (bench.js, CPU-time A/B runs in one process; 2-core AMD EPYC, Node
//! 20.20, machine shared with other builds, ±15 %): with napi-rs's `String`
//! arguments `sign` was 2.9–3.4× the idiom `crypto.createHmac(...)` (target 4×),
//! its four strings 330–480 ns of 870–1350 (two N-API calls each, V8's UTF-8
//! encoder, an allocation). [`Text`] makes one N-API call into a stack buffer and
//! narrows all-ASCII text in the same pass (about 40 ns a string): `sign` is then
//! 3.9–4.5× the idiom (README.md); under callgrind the binding's overhead over the
//! old hand-written N-API code fell from about 5 000 instructions to 2 100.
//! The text is napi-rs's `String`'s: UTF-8, a lone surrogate as U+FFFD (as in Node's `crypto`).

use std::mem::MaybeUninit;

use napi::bindgen_prelude::{FromNapiValue, Result};
use napi::{check_status, sys};
use zeroize::Zeroize;

/// UTF-16 units read at once, N-API's NUL included: appId (≤ 64), nonceStr (≤ 127).
const STACK_UNITS: usize = 130;

/// ASCII up to this length is kept inline (usual fields); small, as `Text`s are moved.
const INLINE: usize = 48;

/// A JavaScript string as UTF-8: short ASCII inline, others on the heap.
pub struct Text {
    ascii: [u8; INLINE],
    len: usize,
    heap: Option<String>,
}

impl Text {
    /// The string.
    pub fn as_str(&self) -> &str {
        match &self.heap {
            Some(s) => s,
            // SAFETY: only ASCII, which is UTF-8, is stored in `ascii[..len]`
            // (`from_napi_value` and `zeroize` are the only writers).
            None => unsafe { std::str::from_utf8_unchecked(&self.ascii[..self.len]) },
        }
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Overwrites the copy with zeros (for session_keys, through `Zeroizing`).
impl Zeroize for Text {
    fn zeroize(&mut self) {
        self.ascii[..self.len].zeroize();
        self.heap.zeroize();
        self.len = 0;
    }
}

impl FromNapiValue for Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut units = [MaybeUninit::<u16>::uninit(); STACK_UNITS];
        let mut len = 0usize;
        // SAFETY: napi-rs passes the live `env` of the running callback and one of
        // its values (FromNapiValue's contract); `units` has room for STACK_UNITS
        // units, the most N-API writes (NUL included); `len` is a valid out-pointer.
        // A value that is not a string is refused with a status, nothing written.
        check_status!(unsafe {
            let buf = units.as_mut_ptr().cast::<u16>();
            sys::napi_get_value_string_utf16(env, value, buf, STACK_UNITS, &mut len)
        })?;
        let mut text = Text {
            ascii: [0; INLINE],
            len: 0,
            heap: None,
        };
        // N-API keeps a unit for the NUL: STACK_UNITS - 1 units may be a cut string.
        if len + 1 >= STACK_UNITS {
            // SAFETY: the same `env` and `value`, under the same contract.
            text.heap = Some(unsafe { String::from_napi_value(env, value) }?);
            return Ok(text);
        }
        // SAFETY: N-API initialised the first `len` units (`len < STACK_UNITS`), and
        // `units` is not used otherwise while this slice lives.
        let units = unsafe { std::slice::from_raw_parts_mut(units.as_mut_ptr().cast(), len) };
        let mut all = 0u16; // narrow to bytes, noting whether every unit was ASCII
        for (byte, &unit) in text.ascii.iter_mut().zip(units.iter()) {
            *byte = unit as u8;
            all |= unit;
        }
        if all < 0x80 && len <= INLINE {
            text.len = len;
        } else {
            text.ascii.zeroize();
            text.heap = Some(String::from_utf16_lossy(units));
        }
        units.zeroize(); // it may be a session_key
        Ok(text)
    }
}
