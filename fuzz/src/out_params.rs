//! The C output arguments: caller-owned buffers of random capacity filled with a
//! sentinel and followed by a guard zone, and `size_t *` / `voipsign_error *` /
//! fixed-size struct out-parameters filled with sentinels, with the checks that the
//! library wrote them only as documented.

use std::ffi::c_char;
use std::mem::MaybeUninit;

use arbitrary::Unstructured;
use voipsign_ffi::{VoipsignAdmission, VoipsignUsage};

use crate::input::int;
use crate::{VoipsignError, VoipsignStatus, VOIPSIGN_ERROR_MESSAGE_CAP};

/// The byte every caller-owned buffer is filled with before a call.
pub const SENTINEL: u8 = 0xA5;
/// Bytes after the capacity given to the library, which it must never touch (also
/// catches overflows in builds without AddressSanitizer).
pub const GUARD: usize = 32;
/// What a `size_t *out_len` holds before a call.
pub const OUT_LEN_SENTINEL: usize = 0xA5A5_5A5A_A5A5_5A5A;

/// A caller-owned output buffer: `cap` bytes given to the library plus a guard
/// zone, all filled with [`SENTINEL`]; or NULL with some capacity.
pub struct OutBuf {
    buf: Vec<u8>,
    /// Pass NULL as the buffer.
    pub null: bool,
    /// The capacity passed (`out_cap`).
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

    /// A buffer of `cap` bytes (plus the guard zone).
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

    /// NULL with the capacity `cap`.
    pub fn null(cap: usize) -> OutBuf {
        OutBuf {
            buf: Vec::new(),
            null: true,
            cap,
        }
    }

    /// The `char *out` passed.
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
    /// Present seven times in eight.
    pub fn gen(u: &mut Unstructured) -> OutLen {
        OutLen::new(int(u, 0u8..=7) != 7)
    }

    /// A `size_t` holding the sentinel, or NULL.
    pub fn new(present: bool) -> OutLen {
        OutLen(present.then(|| Box::new(OUT_LEN_SENTINEL)))
    }

    /// The `size_t *out_len` passed.
    pub fn ptr(&mut self) -> *mut usize {
        match &mut self.0 {
            Some(b) => &mut **b,
            None => std::ptr::null_mut(),
        }
    }

    /// The value after the call (`None` when NULL was passed).
    pub fn get(&self) -> Option<usize> {
        self.0.as_deref().copied()
    }
}

/// The layout of `voipsign_error` with a plain integer for the status, so that a
/// sentinel status can be stored and any value written by the library read back.
#[repr(C)]
pub struct RawError {
    /// `voipsign_error.status`, as a plain integer.
    pub status: i32,
    /// `voipsign_error.message_len`.
    pub message_len: usize,
    /// `voipsign_error.message`.
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
    /// Present nine times in ten.
    pub fn gen(u: &mut Unstructured) -> ErrBuf {
        ErrBuf::new(int(u, 0u8..=9) != 9)
    }

    /// A `voipsign_error` full of sentinels, or NULL.
    pub fn new(present: bool) -> ErrBuf {
        ErrBuf(present.then(|| {
            Box::new(RawError {
                status: ERR_STATUS_SENTINEL,
                message_len: OUT_LEN_SENTINEL,
                message: [SENTINEL; VOIPSIGN_ERROR_MESSAGE_CAP],
            })
        }))
    }

    /// The `voipsign_error *err` passed.
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

/// A fixed-size out-parameter (`int64_t *`, `bool *`, `struct voipsign_admission *`,
/// ...) filled with [`SENTINEL`] before the call (the library writes a whole value
/// on success; the bytes are compared on failure), or NULL.
pub struct Out<T> {
    v: Box<MaybeUninit<T>>,
    /// Pass NULL.
    pub null: bool,
}

impl<T: Copy> Out<T> {
    /// NULL one time in sixteen.
    pub fn gen(u: &mut Unstructured) -> Out<T> {
        Out::new(int(u, 0u8..=15) == 15)
    }

    /// A `T` full of sentinel bytes, or NULL.
    pub fn new(null: bool) -> Out<T> {
        let mut v = Box::new(MaybeUninit::<T>::uninit());
        // SAFETY: `v` is a live allocation of size_of::<T>() bytes; after this every
        // byte is initialised (to the sentinel), so reading them as u8 is sound.
        unsafe {
            v.as_mut_ptr()
                .cast::<u8>()
                .write_bytes(SENTINEL, std::mem::size_of::<T>())
        };
        Out { v, null }
    }

    /// The `T *` passed.
    pub fn ptr(&mut self) -> *mut T {
        if self.null {
            std::ptr::null_mut()
        } else {
            self.v.as_mut_ptr()
        }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: every byte was initialised by `new` (and the library writes only
        // whole values of T), the box lives as long as `self`.
        unsafe {
            std::slice::from_raw_parts(self.v.as_ptr().cast::<u8>(), std::mem::size_of::<T>())
        }
    }

    /// Panics unless every byte still holds the sentinel (`what` names it).
    pub fn check_untouched(&self, what: &str, st: i32) {
        assert!(
            self.bytes().iter().all(|&b| b == SENTINEL),
            "{what} written on status {st}"
        );
    }
}

impl Out<bool> {
    /// The bool the library wrote: 0 or 1, nothing else.
    pub fn get_bool(&self) -> bool {
        let b = self.bytes()[0];
        assert!(b <= 1, "*out_removed is {b}, not a bool");
        b == 1
    }
}

// `Out::<VoipsignAdmission>::get` checks the four bools at bytes 0..4 and reads the
// rest as integers: the layout it relies on, checked at compile time.
const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(offset_of!(VoipsignAdmission, opened) < 4);
    assert!(offset_of!(VoipsignAdmission, renewed) < 4);
    assert!(offset_of!(VoipsignAdmission, quota_warning) < 4);
    assert!(offset_of!(VoipsignAdmission, degraded) < 4);
    assert!(offset_of!(VoipsignAdmission, members) == 4);
    assert!(size_of::<VoipsignAdmission>() == 8 + 4 * 8);
    // And `AnyBits for VoipsignUsage`: sixteen 64-bit integers, no padding.
    assert!(size_of::<VoipsignUsage>() == 16 * 8);
};

impl Out<VoipsignAdmission> {
    /// The admission the library wrote, its bools checked to be 0 or 1.
    pub fn get(&self) -> VoipsignAdmission {
        let b = self.bytes();
        // The four bools (first in the struct) must be 0 or 1 before being read as bools.
        for (i, &x) in b[..4].iter().enumerate() {
            assert!(x <= 1, "admission bool field {i} is {x}");
        }
        // SAFETY: written whole by the library on success (every field: bools checked
        // above to be 0/1, integers of any bit pattern are valid).
        unsafe { self.v.assume_init_read() }
    }
}

/// Types every bit pattern of which is a valid value (no bool, no padding), so that
/// [`Out::get_plain`] may read any bytes as one.
///
/// # Safety
/// Implement only for such types.
pub unsafe trait AnyBits: Copy {}

// SAFETY: an i64 accepts every bit pattern.
unsafe impl AnyBits for i64 {}

// SAFETY: three 64-bit integers (`#[repr(C)]`, no padding): any bit pattern.
unsafe impl AnyBits for VoipsignUsage {}

impl<T: AnyBits> Out<T> {
    /// The value the library wrote (or the sentinel's bytes).
    pub fn get_plain(&self) -> T {
        // SAFETY: every byte is initialised (sentinel or the library's value) and T
        // accepts any bit pattern (`AnyBits`).
        unsafe { self.v.assume_init_read() }
    }
}
