//! Shared machinery of the voipsign fuzz targets:
//!
//! - turning fuzz bytes into C arguments: `(pointer, length)` pairs that are
//!   sometimes NULL (with zero and non-zero lengths), output buffers of random
//!   capacity filled with a sentinel and followed by a guard zone, `voipsign_error`
//!   and `size_t` out-parameters filled with a sentinel;
//! - generators biased toward the interesting values of each field (valid ones, the
//!   length limits, one bad byte, non-UTF-8, empty, long);
//! - the checks of the C ABI's documented contract (include/voipsign.h) that every
//!   target shares;
//! - independent references (the `hmac` crate, a plain sort) for the differential
//!   checks.
//!
//! Any violated invariant panics, which libFuzzer reports as a crash. Note that
//! libfuzzer-sys installs a panic hook that aborts, so a panic inside the library is
//! reported at the panic site (before the C boundary's `catch_unwind` could turn it
//! into `VOIPSIGN_INTERNAL`); a `VOIPSIGN_INTERNAL` status is asserted against too.

use std::ffi::c_char;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub use voipsign_ffi::{VoipsignError, VoipsignStatus, VOIPSIGN_ERROR_MESSAGE_CAP};

/// The byte every caller-owned buffer is filled with before a call.
pub const SENTINEL: u8 = 0xA5;
/// Bytes after the capacity given to the library, which it must never touch (also
/// catches overflows in builds without AddressSanitizer).
pub const GUARD: usize = 32;
/// What a `size_t *out_len` holds before a call.
pub const OUT_LEN_SENTINEL: usize = 0xA5A5_5A5A_A5A5_5A5A;

// The numbers of voipsign_status (include/voipsign.h).
pub const OK: i32 = 0;
pub const INVALID_APP_ID: i32 = 1;
pub const INVALID_GROUP_ID: i32 = 2;
pub const INVALID_NONCE: i32 = 3;
pub const INVALID_TIMESTAMP: i32 = 4;
pub const INVALID_SESSION_KEY: i32 = 5;
pub const INVALID_SIGNATURE: i32 = 6;
pub const NULL_ARGUMENT: i32 = 7;
pub const INVALID_UTF8: i32 = 8;
pub const BUFFER_TOO_SMALL: i32 = 9;
pub const RNG_FAILURE: i32 = 10;
pub const INTERNAL: i32 = 11;
pub const INVALID_ROOM_TYPE: i32 = 12;

/// A status as its C number, checked to be a known value and never INTERNAL.
pub fn status(s: VoipsignStatus) -> i32 {
    let n = s as i32;
    assert!((0..=12).contains(&n), "unknown status {n}");
    assert_ne!(
        n, INTERNAL,
        "VOIPSIGN_INTERNAL: a panic was caught in the library"
    );
    n
}

/// The C number of a core error code.
pub fn code(e: &voipsign::Error) -> i32 {
    e.code().number() as i32
}

// ---------------------------------------------------------------------------
// Reading the fuzz input
// ---------------------------------------------------------------------------

/// An integer in `range`, the start when the input is exhausted.
pub fn int<T>(u: &mut Unstructured, range: std::ops::RangeInclusive<T>) -> T
where
    T: arbitrary::unstructured::Int + Copy,
{
    let start = *range.start();
    u.int_in_range(range).unwrap_or(start)
}

/// Up to `max` raw bytes (fewer when the input runs out).
pub fn raw(u: &mut Unstructured, max: usize) -> Vec<u8> {
    let n = int(u, 0..=max).min(u.len());
    u.bytes(n).map(<[u8]>::to_vec).unwrap_or_default()
}

/// `min..=max` bytes of printable ASCII (0x21-0x7E).
pub fn printable(u: &mut Unstructured, min: usize, max: usize) -> Vec<u8> {
    let n = int(u, min..=max);
    let mut v: Vec<u8> = raw_exact(u, n).iter().map(|b| 0x21 + b % 94).collect();
    v.resize(n, b'x');
    v
}

/// Up to `n` raw bytes: exactly `n` while the input lasts.
fn raw_exact(u: &mut Unstructured, n: usize) -> Vec<u8> {
    let n = n.min(u.len());
    u.bytes(n).map(<[u8]>::to_vec).unwrap_or_default()
}

/// Valid UTF-8 of at most `max` bytes, mixing ASCII and multi-byte characters.
pub fn utf8(u: &mut Unstructured, max: usize) -> String {
    let mut s = String::arbitrary(u).unwrap_or_default();
    truncate(&mut s, max);
    s
}

/// Cut `s` to at most `max` bytes at a character boundary.
pub fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let mut n = max;
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s.truncate(n);
    }
}

/// Characters that are not control characters in the groupId sense.
fn strip_controls(s: &str) -> String {
    s.chars().filter(|&c| c >= ' ' && c != '\u{7f}').collect()
}

/// Insert one troublesome byte sequence into `v` at a random place.
pub fn inject(u: &mut Unstructured, mut v: Vec<u8>) -> Vec<u8> {
    const BAD: &[&[u8]] = &[
        b" ",
        b"\0",
        b"\t",
        b"\n",
        b"\x1f",
        b"\x7f",
        "é".as_bytes(),
        "€".as_bytes(),
        "😀".as_bytes(),
        "\u{80}".as_bytes(),
        "\u{2028}".as_bytes(),
        b"\xff",
        b"\xc3",
        b"\x80",
        b"\xed\xa0\x80", // an encoded surrogate: not UTF-8
        b"\"",
        b"\\",
        b"=",
        b"-",
        b"_",
    ];
    let bad = BAD[int(u, 0..=BAD.len() - 1)];
    let at = int(u, 0..=v.len());
    v.splice(at..at, bad.iter().copied());
    v
}

/// A value for appId (valid most of the time).
pub fn gen_app_id(u: &mut Unstructured) -> Vec<u8> {
    match int(u, 0u8..=7) {
        0..=2 => printable(u, 1, 64),
        3 => printable(u, 60, 70),
        4 => raw(u, 80),
        5 => {
            let v = printable(u, 1, 64);
            inject(u, v)
        }
        6 => utf8(u, 80).into_bytes(),
        _ => Vec::new(),
    }
}

/// A value for nonceStr (valid most of the time).
pub fn gen_nonce(u: &mut Unstructured) -> Vec<u8> {
    match int(u, 0u8..=7) {
        0..=2 => printable(u, 1, 127),
        3 => printable(u, 120, 135),
        4 => raw(u, 140),
        5 => {
            let v = printable(u, 1, 127);
            inject(u, v)
        }
        6 => utf8(u, 140).into_bytes(),
        _ => Vec::new(),
    }
}

/// A valid groupId: 1..=max bytes of UTF-8 without control characters.
pub fn valid_group(u: &mut Unstructured, max: usize) -> String {
    let mut s = strip_controls(&utf8(u, 4 * max));
    truncate(&mut s, max);
    if s.is_empty() {
        s.push('g');
    }
    s
}

/// A value for groupId (valid most of the time).
pub fn gen_group(u: &mut Unstructured) -> Vec<u8> {
    match int(u, 0u8..=7) {
        0 | 1 => valid_group(u, 64).into_bytes(),
        2 => valid_group(u, 1024).into_bytes(),
        3 => {
            // Around the 1024-byte limit, with multi-byte characters.
            let unit = valid_group(u, 8);
            let target = int(u, 1020usize..=1030);
            let mut s = unit.repeat(target / unit.len() + 1);
            truncate(&mut s, target);
            s.into_bytes()
        }
        4 => raw(u, 1100),
        5 => {
            let v = valid_group(u, 64).into_bytes();
            inject(u, v)
        }
        6 => printable(u, 1, 40),
        _ => Vec::new(),
    }
}

/// A timeStamp: valid seconds, milliseconds, the edges, anything.
pub fn gen_ts(u: &mut Unstructured) -> i64 {
    const EDGES: &[i64] = &[
        0,
        -1,
        1,
        9,
        10,
        999_999_999,
        1_000_000_000,
        1_559_129_714,
        9_999_999_999,
        10_000_000_000,
        999_999_999_999,
        1_000_000_000_000,
        1_559_129_714_000,
        9_999_999_999_999,
        10_000_000_000_000,
        i64::MIN,
        i64::MIN + 1,
        i64::MAX,
        i32::MAX as i64,
        u32::MAX as i64,
    ];
    match int(u, 0u8..=7) {
        0..=2 => int(u, 1i64..=9_999_999_999),
        3 => int(u, 1_000_000_000_000i64..=9_999_999_999_999),
        4 => EDGES[int(u, 0..=EDGES.len() - 1)],
        5 => i64::arbitrary(u).unwrap_or(0),
        6 => int(u, -10i64..=10),
        _ => int(u, 10_000_000_000i64..=999_999_999_999),
    }
}

/// A valid session_key: the base64 of 16 bytes from the input.
pub fn valid_key(u: &mut Unstructured) -> String {
    let mut b = raw_exact(u, 16);
    b.resize(16, 0);
    STANDARD.encode(b)
}

/// A value for a session_key (valid half of the time).
pub fn gen_key(u: &mut Unstructured) -> Vec<u8> {
    match int(u, 0u8..=11) {
        0..=4 => valid_key(u).into_bytes(),
        5 => {
            let ws: &[&str] = &["\n", "\r\n", " ", "\t", "\r"];
            let w = ws[int(u, 0..=ws.len() - 1)];
            format!("{}{w}", valid_key(u)).into_bytes()
        }
        6 => {
            // One byte replaced by anything.
            let mut k = valid_key(u).into_bytes();
            let i = int(u, 0..=k.len() - 1);
            k[i] = int(u, 0u8..=255);
            k
        }
        7 => {
            // The base64 of another length, sometimes base64url.
            let n = int(u, 0usize..=40);
            let mut b = raw_exact(u, n);
            b.resize(n, 0xfb);
            let s = STANDARD.encode(b);
            if int(u, 0u8..=1) == 1 {
                s.replace('+', "-").replace('/', "_").into_bytes()
            } else {
                s.into_bytes()
            }
        }
        8 => raw(u, 64),
        9 => {
            // An openid: 28 characters starting with 'o'.
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut v = vec![b'o'];
            v.extend(raw_exact(u, 27).iter().map(|b| A[*b as usize % A.len()]));
            v.resize(28, b'A');
            v
        }
        10 => {
            // Not canonical: trailing bits set, or the padding moved.
            let mut k = valid_key(u).into_bytes();
            match int(u, 0u8..=2) {
                0 => k[21] = b"BCDEFGHIJKLMNOPRSTUVWXYZbcdef"[int(u, 0usize..=28)],
                1 => k[22] = int(u, 0u8..=255),
                _ => k.swap(21, 22),
            }
            k
        }
        _ => Vec::new(),
    }
}

/// Bytes of 32 hex digits of both cases or a given alphabet.
pub fn hex_lower(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A signature-like value for verify / diagnose: built around `right` (the right
/// signature when it can be computed).
pub fn gen_signature(u: &mut Unstructured, right: Option<&str>) -> Vec<u8> {
    let random_hex = |u: &mut Unstructured| {
        let mut b = raw_exact(u, 32);
        b.resize(32, 0x5c);
        hex_lower(&b)
    };
    let right = match right {
        Some(r) => r.to_owned(),
        None => random_hex(u),
    };
    match int(u, 0u8..=9) {
        0 | 1 => right.into_bytes(),
        2 => right.to_ascii_uppercase().into_bytes(),
        3 => {
            let mut v = right.into_bytes();
            let i = int(u, 0usize..=63);
            v[i] = int(u, 0u8..=255);
            v
        }
        4 => random_hex(u).into_bytes(),
        5 => {
            let mut v = right.into_bytes();
            v.push(b'_');
            v.extend(raw(u, 40));
            v
        }
        6 => {
            let mut v = right.into_bytes();
            let n = int(u, 0usize..=66);
            v.resize(n, b'a');
            v
        }
        7 => raw(u, 100),
        8 => {
            let mut b = raw_exact(u, 32);
            b.resize(32, 0x11);
            STANDARD.encode(b).into_bytes()
        }
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------
// C arguments
// ---------------------------------------------------------------------------

/// A `(const char *ptr, size_t len)` argument.
#[derive(Debug, Clone)]
pub struct Arg {
    /// The bytes behind the pointer (unused when `null`).
    pub bytes: Vec<u8>,
    /// Pass NULL as the pointer.
    pub null: bool,
    /// The length passed (`bytes.len()` unless `null`).
    pub len: usize,
}

impl Arg {
    /// A non-NULL pointer to `bytes` (a dangling non-NULL one when empty).
    pub fn new(bytes: Vec<u8>) -> Arg {
        Arg {
            len: bytes.len(),
            bytes,
            null: false,
        }
    }

    /// `(NULL, 0)`.
    pub fn null_empty() -> Arg {
        Arg {
            bytes: Vec::new(),
            null: true,
            len: 0,
        }
    }

    /// `bytes`, or now and then NULL with a zero or a non-zero length.
    pub fn wrap(u: &mut Unstructured, bytes: Vec<u8>) -> Arg {
        match int(u, 0u8..=19) {
            18 => Arg {
                bytes,
                null: true,
                len: 0,
            },
            19 => {
                let len = match int(u, 0u8..=3) {
                    0 => 1,
                    1 => bytes.len().max(1),
                    2 => usize::MAX,
                    _ => int(u, 1usize..=usize::MAX),
                };
                Arg {
                    bytes,
                    null: true,
                    len,
                }
            }
            _ => Arg::new(bytes),
        }
    }

    pub fn ptr(&self) -> *const c_char {
        if self.null {
            std::ptr::null()
        } else {
            self.bytes.as_ptr().cast()
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes the library sees; `None` for NULL with a non-zero length.
    pub fn value(&self) -> Option<&[u8]> {
        match (self.null, self.len) {
            (false, _) => Some(&self.bytes),
            (true, 0) => Some(&[]),
            (true, _) => None,
        }
    }

    /// The string the library sees; `None` when it must be refused (NULL with a
    /// non-zero length, or not UTF-8).
    pub fn str(&self) -> Option<&str> {
        self.value().and_then(|b| std::str::from_utf8(b).ok())
    }
}

/// An array of `count` string arguments given as parallel pointer and length
/// arrays (`session_keys` / `session_key_lens`), either of which may be NULL.
pub struct ArgList {
    pub args: Vec<Arg>,
    ptrs: Vec<*const c_char>,
    lens: Vec<usize>,
    pub ptrs_null: bool,
    pub lens_null: bool,
    /// The count passed: `args.len()`, except with a NULL array, where it may be
    /// anything.
    pub count: usize,
}

impl ArgList {
    pub fn gen(
        u: &mut Unstructured,
        max: usize,
        mut gen: impl FnMut(&mut Unstructured) -> Vec<u8>,
    ) -> ArgList {
        let n = int(u, 0..=max);
        let args: Vec<Arg> = (0..n)
            .map(|_| {
                let b = gen(u);
                Arg::wrap(u, b)
            })
            .collect();
        let (ptrs_null, lens_null) = match int(u, 0u8..=15) {
            13 => (true, false),
            14 => (false, true),
            15 => (true, true),
            _ => (false, false),
        };
        let count = if ptrs_null || lens_null {
            match int(u, 0u8..=3) {
                0 => n,
                1 => 0,
                2 => usize::MAX,
                _ => int(u, 0usize..=usize::MAX),
            }
        } else {
            n
        };
        let ptrs = args.iter().map(Arg::ptr).collect();
        let lens = args.iter().map(Arg::len).collect();
        ArgList {
            args,
            ptrs,
            lens,
            ptrs_null,
            lens_null,
            count,
        }
    }

    /// The same list with other arguments (as many), for a twin call.
    pub fn with_args(&self, args: Vec<Arg>) -> ArgList {
        assert_eq!(args.len(), self.args.len());
        ArgList {
            ptrs: args.iter().map(Arg::ptr).collect(),
            lens: args.iter().map(Arg::len).collect(),
            args,
            ptrs_null: self.ptrs_null,
            lens_null: self.lens_null,
            count: self.count,
        }
    }

    pub fn ptrs(&self) -> *const *const c_char {
        if self.ptrs_null {
            std::ptr::null()
        } else {
            self.ptrs.as_ptr()
        }
    }

    pub fn lens(&self) -> *const usize {
        if self.lens_null {
            std::ptr::null()
        } else {
            self.lens.as_ptr()
        }
    }

    /// Whether the arrays reach the library (count > 0 and neither is NULL).
    pub fn arrays_ok(&self) -> bool {
        self.count == 0 || !(self.ptrs_null || self.lens_null)
    }

    /// The strings the library sees, when every one is acceptable.
    pub fn strs(&self) -> Option<Vec<&str>> {
        if !self.arrays_ok() {
            return None;
        }
        self.args[..self.count].iter().map(Arg::str).collect()
    }

    /// The byte values passed (for the leak checks).
    pub fn values(&self) -> Vec<&[u8]> {
        self.args.iter().filter_map(Arg::value).collect()
    }
}

/// A caller-owned output buffer: `cap` bytes given to the library plus a guard
/// zone, all filled with [`SENTINEL`]; or NULL with some capacity.
pub struct OutBuf {
    buf: Vec<u8>,
    pub null: bool,
    pub cap: usize,
}

impl OutBuf {
    /// `big` is a capacity that always suffices; `need` the usual need (for edges).
    pub fn gen(u: &mut Unstructured, need: usize, big: usize) -> OutBuf {
        let cap = match int(u, 0u8..=15) {
            0..=7 => big,
            8 | 9 => int(u, need.saturating_sub(3)..=need + 3),
            10 => int(u, 0..=need + 8),
            11 => int(u, 0usize..=16384),
            12 => 0,
            13 => return OutBuf::null(0),
            14 => return OutBuf::null(int(u, 0usize..=usize::MAX)),
            _ => need,
        };
        OutBuf::with_cap(cap)
    }

    pub fn with_cap(cap: usize) -> OutBuf {
        OutBuf {
            buf: vec![SENTINEL; cap + GUARD],
            null: false,
            cap,
        }
    }

    /// A fresh buffer like this one (NULL or not, the same capacity).
    pub fn like(&self) -> OutBuf {
        if self.null {
            OutBuf::null(self.cap)
        } else {
            OutBuf::with_cap(self.cap)
        }
    }

    pub fn null(cap: usize) -> OutBuf {
        OutBuf {
            buf: Vec::new(),
            null: true,
            cap,
        }
    }

    pub fn ptr(&mut self) -> *mut c_char {
        if self.null {
            std::ptr::null_mut()
        } else {
            self.buf.as_mut_ptr().cast()
        }
    }

    /// The `cap` bytes given to the library.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.buf.len().saturating_sub(GUARD)]
    }

    /// Panics when the library wrote past `cap`.
    pub fn check_guard(&self) {
        if !self.null {
            assert!(
                self.buf[self.cap..].iter().all(|&b| b == SENTINEL),
                "the library wrote past out_cap ({})",
                self.cap
            );
        }
    }

    /// Panics unless nothing was written.
    pub fn check_untouched(&self, st: i32) {
        self.check_guard();
        if let Some(i) = self.bytes().iter().position(|&b| b != SENTINEL) {
            panic!("status {st}: the output buffer was written (byte {i}) on failure");
        }
    }
}

/// An optional `size_t *` out-parameter, holding [`OUT_LEN_SENTINEL`] before the call.
pub struct OutLen(Option<Box<usize>>);

impl OutLen {
    pub fn gen(u: &mut Unstructured) -> OutLen {
        OutLen::new(int(u, 0u8..=7) != 7)
    }

    pub fn new(present: bool) -> OutLen {
        OutLen(present.then(|| Box::new(OUT_LEN_SENTINEL)))
    }

    pub fn ptr(&mut self) -> *mut usize {
        match &mut self.0 {
            Some(b) => &mut **b,
            None => std::ptr::null_mut(),
        }
    }

    pub fn get(&self) -> Option<usize> {
        self.0.as_deref().copied()
    }
}

/// The layout of `voipsign_error` with a plain integer for the status, so that a
/// sentinel status can be stored and any value written by the library read back.
#[repr(C)]
pub struct RawError {
    pub status: i32,
    pub message_len: usize,
    pub message: [u8; VOIPSIGN_ERROR_MESSAGE_CAP],
}

const _: () = {
    use std::mem::{align_of, offset_of, size_of};
    assert!(size_of::<RawError>() == size_of::<VoipsignError>());
    assert!(align_of::<RawError>() == align_of::<VoipsignError>());
    assert!(offset_of!(RawError, status) == offset_of!(VoipsignError, status));
    assert!(offset_of!(RawError, message_len) == offset_of!(VoipsignError, message_len));
    assert!(offset_of!(RawError, message) == offset_of!(VoipsignError, message));
    assert!(size_of::<VoipsignStatus>() == 4);
};

const ERR_STATUS_SENTINEL: i32 = 0x5A5A_A5A5;

/// An optional `voipsign_error *`, filled with sentinels before the call.
pub struct ErrBuf(Option<Box<RawError>>);

impl ErrBuf {
    pub fn gen(u: &mut Unstructured) -> ErrBuf {
        ErrBuf::new(int(u, 0u8..=9) != 9)
    }

    pub fn new(present: bool) -> ErrBuf {
        ErrBuf(present.then(|| {
            Box::new(RawError {
                status: ERR_STATUS_SENTINEL,
                message_len: OUT_LEN_SENTINEL,
                message: [SENTINEL; VOIPSIGN_ERROR_MESSAGE_CAP],
            })
        }))
    }

    pub fn ptr(&mut self) -> *mut VoipsignError {
        match &mut self.0 {
            Some(b) => (&mut **b as *mut RawError).cast(),
            None => std::ptr::null_mut(),
        }
    }

    /// After a successful call: panics unless untouched.
    pub fn check_untouched(&self) {
        if let Some(e) = &self.0 {
            assert_eq!(
                e.status, ERR_STATUS_SENTINEL,
                "err->status written on success"
            );
            assert_eq!(
                e.message_len, OUT_LEN_SENTINEL,
                "err->message_len written on success"
            );
            assert!(
                e.message.iter().all(|&b| b == SENTINEL),
                "err->message written on success"
            );
        }
    }

    /// After a failed call: checks the status and the message and returns the
    /// message (`None` when `err` was NULL).
    pub fn check_failure(&self, st: i32) -> Option<String> {
        let e = self.0.as_ref()?;
        assert_eq!(e.status, st, "err->status differs from the returned status");
        let n = e.message_len;
        assert!(
            n < VOIPSIGN_ERROR_MESSAGE_CAP,
            "err->message_len {n} does not leave room for the NUL"
        );
        assert_eq!(
            e.message[n], 0,
            "err->message is not NUL-terminated at message_len"
        );
        let msg = &e.message[..n];
        assert!(
            !msg.contains(&0),
            "err->message has a NUL before message_len: strlen != message_len"
        );
        let msg = std::str::from_utf8(msg)
            .unwrap_or_else(|e| panic!("err->message is not UTF-8: {e}"))
            .to_owned();
        assert!(!msg.is_empty(), "status {st} with an empty err->message");
        Some(msg)
    }
}

// ---------------------------------------------------------------------------
// Output checks
// ---------------------------------------------------------------------------

/// Whether `b` is only lower-case hex digits.
pub fn is_lower_hex(b: &[u8]) -> bool {
    b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// The `BUFFER_TOO_SMALL` message reports the needed size.
pub fn check_need_reported(msg: Option<&str>, need: usize) {
    if let Some(m) = msg {
        let need = need.to_string();
        assert!(
            m.split(|c: char| !c.is_ascii_digit()).any(|w| w == need),
            "BUFFER_TOO_SMALL message does not give the needed {need} bytes: {m:?}"
        );
    }
}

/// After a function that writes a 64-hex-digit signature (plus a NUL when
/// `out_cap > 64`): returns the signature on success. Checks the buffer, the guard,
/// and `err` for every outcome.
pub fn check_fixed_sig(st: i32, out: &OutBuf, err: &ErrBuf) -> Option<String> {
    out.check_guard();
    if st == OK {
        err.check_untouched();
        assert!(
            !out.null && out.cap >= 64,
            "OK with out NULL or out_cap {} < 64",
            out.cap
        );
        let b = out.bytes();
        assert!(
            is_lower_hex(&b[..64]),
            "not 64 lower-case hex digits: {:?}",
            &b[..64]
        );
        if out.cap > 64 {
            assert_eq!(
                b[64], 0,
                "no NUL after the signature with out_cap {}",
                out.cap
            );
            assert!(b[65..].iter().all(|&c| c == SENTINEL), "wrote past the NUL");
        }
        return Some(String::from_utf8(b[..64].to_vec()).unwrap());
    }
    out.check_untouched(st);
    let msg = err.check_failure(st);
    if st == BUFFER_TOO_SMALL {
        assert!(
            !out.null && out.cap < 64,
            "BUFFER_TOO_SMALL with out_cap {}",
            out.cap
        );
        check_need_reported(msg.as_deref(), 64);
    }
    None
}

/// After a function that writes NUL-terminated text and its length: returns the
/// text on success. `max` is the documented size that always suffices (NUL
/// included). On `BUFFER_TOO_SMALL` the caller may retry with the reported size.
pub fn check_text(
    st: i32,
    out: &OutBuf,
    out_len: &OutLen,
    err: &ErrBuf,
    max: usize,
) -> Option<String> {
    out.check_guard();
    if st == OK {
        err.check_untouched();
        assert!(!out.null, "OK with out NULL");
        let b = out.bytes();
        let n = b
            .iter()
            .position(|&c| c == 0)
            .unwrap_or_else(|| panic!("OK but no NUL within out_cap {}", out.cap));
        if let Some(len) = out_len.get() {
            assert_eq!(len, n, "*out_len {len} != strlen(out) {n}");
        }
        assert!(
            n < max,
            "{n} bytes + NUL: more than the {max} bytes documented to always suffice"
        );
        assert!(
            b[n + 1..].iter().all(|&c| c == SENTINEL),
            "wrote past the NUL"
        );
        let text = std::str::from_utf8(&b[..n])
            .unwrap_or_else(|e| panic!("output is not UTF-8: {e}"))
            .to_owned();
        return Some(text);
    }
    out.check_untouched(st);
    let msg = err.check_failure(st);
    if st == BUFFER_TOO_SMALL {
        assert!(!out.null, "BUFFER_TOO_SMALL with out NULL");
        if let Some(len) = out_len.get() {
            assert_ne!(len, OUT_LEN_SENTINEL, "BUFFER_TOO_SMALL without *out_len");
            assert!(
                len + 1 > out.cap,
                "BUFFER_TOO_SMALL but *out_len {len} + 1 fits in out_cap {}",
                out.cap
            );
            assert!(
                len < max,
                "needs {len} bytes + NUL: more than the {max} bytes documented to always suffice"
            );
            check_need_reported(msg.as_deref(), len + 1);
        }
    } else if let Some(len) = out_len.get() {
        assert_eq!(len, OUT_LEN_SENTINEL, "*out_len written on status {st}");
    }
    None
}

/// Parse `text` as one JSON object.
pub fn json_object(text: &str) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) => m,
        Ok(v) => panic!("not a JSON object: {v}"),
        Err(e) => panic!("not JSON ({e}): {text:?}"),
    }
}

/// The keys of a JSON object, in order, checked against `want`.
pub fn check_keys(m: &serde_json::Map<String, serde_json::Value>, want: &[&str]) {
    let mut got: Vec<&str> = m.keys().map(String::as_str).collect();
    let mut want = want.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "JSON keys");
}

// ---------------------------------------------------------------------------
// The session_key never appears in a message or an output
// ---------------------------------------------------------------------------

const WINDOW: usize = 8;

fn window(w: &[u8]) -> u64 {
    u64::from_le_bytes(w.try_into().unwrap())
}

/// Every 8-byte window of `text`, sorted (for binary search).
fn windows_of(text: &[u8]) -> Vec<u64> {
    let mut v: Vec<u64> = text.windows(WINDOW).map(window).collect();
    v.sort_unstable();
    v.dedup();
    v
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// The key with every base64 character replaced by another one whose 6-bit value
/// differs in the top two bits only (`v ^ 0b110000`): other content, the same
/// shape, and a valid key stays valid (the low bits that canonical base64 checks
/// are kept). Other bytes are kept.
pub fn twin_key(k: &[u8]) -> Vec<u8> {
    k.iter()
        .map(|&b| match B64.iter().position(|&c| c == b) {
            Some(v) => B64[v ^ 0b11_0000],
            None => b,
        })
        .collect()
}

/// Twin every key of a list argument.
pub fn twin_args(args: &[Arg]) -> Vec<Arg> {
    args.iter()
        .map(|a| Arg {
            bytes: twin_key(&a.bytes),
            ..a.clone()
        })
        .collect()
}

/// Panics when `text` contains an 8-byte window of one of `keys` that the library
/// copied from the key. A window counts when it holds at least one base64
/// character, is in no public input, and its twin (see [`twin_key`]) is in
/// `twin()`: the same call's text with every key replaced by its twin. Text that
/// merely happens to spell part of a key (a message template, a value the message
/// quotes) does not follow the key into the twin call; a copy of the key does.
pub fn check_no_leak(
    what: &str,
    text: &[u8],
    keys: &[&[u8]],
    public: &[&[u8]],
    twin: impl FnOnce() -> Vec<u8>,
) {
    if text.len() < WINDOW {
        return;
    }
    let tw = windows_of(text);
    let mut suspects: Vec<&[u8]> = keys
        .iter()
        .flat_map(|k| k.windows(WINDOW))
        .filter(|w| w.iter().any(|&b| is_base64(b)))
        .filter(|w| tw.binary_search(&window(w)).is_ok())
        .collect();
    for p in public {
        if suspects.is_empty() {
            return;
        }
        let pw = windows_of(p);
        suspects.retain(|w| pw.binary_search(&window(w)).is_err());
    }
    if suspects.is_empty() {
        return;
    }
    let twin_text = twin();
    let twin_w = windows_of(&twin_text);
    if let Some(w) = suspects
        .iter()
        .find(|w| twin_w.binary_search(&window(&twin_key(w))).is_ok())
    {
        panic!(
            "{what} contains part of a session_key ({:?}), and the twin call's text the same part of the twin key: {:?} / {:?}",
            String::from_utf8_lossy(w),
            String::from_utf8_lossy(text),
            String::from_utf8_lossy(&twin_text),
        );
    }
}

/// The timestamp as text in the forms a message may quote (seconds, ms, /1000).
pub fn ts_texts(ts: i64) -> Vec<Vec<u8>> {
    vec![
        ts.to_string().into_bytes(),
        (ts / 1000).to_string().into_bytes(),
        (ts as i128 * 1000).to_string().into_bytes(),
    ]
}

// ---------------------------------------------------------------------------
// Independent references
// ---------------------------------------------------------------------------

/// HMAC-SHA256 with the `hmac` crate, fed in one piece.
pub fn ref_hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

/// The canonical string the plain way: four `String`s sorted and concatenated.
pub fn ref_canonical(app: &str, group: &str, nonce: &str, ts: i64) -> String {
    let mut v: Vec<String> = vec![app.into(), group.into(), nonce.into(), ts.to_string()];
    v.sort();
    v.concat()
}

/// The signature the plain way.
pub fn ref_sign(app: &str, group: &str, nonce: &str, ts: i64, key: &str) -> String {
    hex_lower(&ref_hmac(
        key.as_bytes(),
        ref_canonical(app, group, nonce, ts).as_bytes(),
    ))
}

/// The core's signature for these strings, when it accepts them.
pub fn core_sign(
    app: &str,
    group: &str,
    nonce: &str,
    ts: i64,
    key: &str,
) -> Result<String, voipsign::Error> {
    let k = voipsign::SessionKey::new(key)?;
    voipsign::sign(&voipsign::Params::new(app, group, nonce, ts), &k).map(String::from)
}

// ---------------------------------------------------------------------------
// What a call may answer
// ---------------------------------------------------------------------------

/// The problem the library must find with one string argument, if any: NULL with a
/// non-zero length, not UTF-8, or refused by the core's validator.
pub fn defect(
    arg: &Arg,
    validate: impl FnOnce(&str) -> Result<(), voipsign::Error>,
) -> Option<i32> {
    match arg.value() {
        None => Some(NULL_ARGUMENT),
        Some(b) => match std::str::from_utf8(b) {
            Err(_) => Some(INVALID_UTF8),
            Ok(s) => validate(s).err().map(|e| code(&e)),
        },
    }
}

/// The problems of a key list: NULL arrays with a non-zero count, or a bad key.
pub fn list_defects(list: &ArgList) -> Vec<i32> {
    if list.count == 0 {
        return Vec::new();
    }
    if !list.arrays_ok() {
        return vec![NULL_ARGUMENT];
    }
    list.args
        .iter()
        .filter_map(|a| defect(a, |s| voipsign::validate_session_key(s.as_bytes())))
        .collect()
}

/// `st` must name one of `problems` (every problem of the call: bad inputs, a NULL
/// or short output), and a call without problems must succeed.
pub fn check_against(st: i32, problems: &[i32]) {
    if problems.is_empty() {
        assert_eq!(st, OK, "a call without any problem failed with status {st}");
    } else {
        assert!(
            problems.contains(&st),
            "status {st} is none of the call's problems {problems:?}"
        );
    }
}

/// appId, groupId, nonceStr and timeStamp as C arguments.
pub struct ParamArgs {
    pub app: Arg,
    pub group: Arg,
    pub nonce: Arg,
    pub ts: i64,
}

impl ParamArgs {
    pub fn gen(u: &mut Unstructured) -> ParamArgs {
        let app = gen_app_id(u);
        let app = Arg::wrap(u, app);
        let group = gen_group(u);
        let group = Arg::wrap(u, group);
        let nonce = gen_nonce(u);
        let nonce = Arg::wrap(u, nonce);
        ParamArgs {
            app,
            group,
            nonce,
            ts: gen_ts(u),
        }
    }

    /// The problems of appId, groupId and nonceStr.
    pub fn string_defects(&self) -> Vec<i32> {
        [
            defect(&self.app, voipsign::validate_app_id),
            defect(&self.group, voipsign::validate_group_id),
            defect(&self.nonce, voipsign::validate_nonce),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The problems of all four.
    pub fn defects(&self) -> Vec<i32> {
        let mut v = self.string_defects();
        v.extend(
            voipsign::validate_timestamp(self.ts)
                .err()
                .map(|e| code(&e)),
        );
        v
    }

    /// The three strings, when the library can read them.
    pub fn strs(&self) -> Option<(&str, &str, &str)> {
        Some((self.app.str()?, self.group.str()?, self.nonce.str()?))
    }

    /// The public inputs (for the leak check): the strings and the timestamp's texts.
    pub fn public(&self) -> Vec<Vec<u8>> {
        let mut v = vec![
            self.app.bytes.clone(),
            self.group.bytes.clone(),
            self.nonce.bytes.clone(),
        ];
        v.extend(ts_texts(self.ts));
        v
    }
}

/// `Vec<Vec<u8>>` as a list of slices.
pub fn slices(v: &[Vec<u8>]) -> Vec<&[u8]> {
    v.iter().map(Vec::as_slice).collect()
}

/// Whether the known library bug `name` is to be tolerated: listed in the
/// comma-separated environment variable `VOIPSIGN_FUZZ_KNOWN`, so that a campaign
/// can go on looking for other bugs while a reported one awaits its fix (see
/// README.md for the names). Unset, every check is on.
pub fn known(name: &str) -> bool {
    static KNOWN: OnceLock<Vec<String>> = OnceLock::new();
    KNOWN
        .get_or_init(|| {
            std::env::var("VOIPSIGN_FUZZ_KNOWN")
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .iter()
        .any(|k| k == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins_of_valid_keys_are_valid_and_differ_everywhere() {
        for seed in 0u8..=255 {
            let bytes: Vec<u8> = (0..16u8)
                .map(|i| i.wrapping_mul(seed).wrapping_add(seed))
                .collect();
            let key = STANDARD.encode(bytes);
            let twin = twin_key(key.as_bytes());
            assert!(voipsign::validate_session_key(&twin).is_ok(), "{key}");
            for (a, b) in key.bytes().zip(twin) {
                assert_eq!(a == b, a == b'=', "{key}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "contains part of a session_key")]
    fn a_copied_key_is_a_leak() {
        let key = b"gDyVgzwa0mFz9uUP7M6GQQ==";
        let text = b"sessionKey gDyVgzwa0mFz9uUP7M6GQQ== is wrong";
        check_no_leak("t", text, &[key], &[], || {
            [&b"sessionKey "[..], &twin_key(key), b" is wrong"].concat()
        });
    }

    #[test]
    fn text_that_does_not_follow_the_key_is_not_a_leak() {
        // The key spells part of a template; the twin call prints the same template.
        let key = b"sessionKey+is+empty00000";
        let text = b"sessionKey is empty; sessionKey+is+empty";
        check_no_leak("t", text, &[key], &[b"sessionKey+is+empty"], || {
            text.to_vec()
        });
        check_no_leak(
            "t",
            b"x sessionKey is 3",
            &[b"o sessionKey is 3"],
            &[],
            || b"x sessionKey is 3".to_vec(),
        );
        // A window of the key quoted from a public input.
        check_no_leak(
            "t",
            b"roomType \"AAAAAAAAAA\"",
            &[b"AAAAAAAAAAAAAAAA"],
            &[b"AAAAAAAAAA"],
            || b"roomType \"AAAAAAAAAA\"".to_vec(),
        );
    }

    #[test]
    fn references() {
        assert_eq!(
            ref_sign(
                "wx20afc706a711eefc",
                "1559129713_672975982",
                "8AP6DT9ybtniUJfb",
                1559129714,
                "gDyVgzwa0mFz9uUP7M6GQQ=="
            ),
            "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617"
        );
    }
}
