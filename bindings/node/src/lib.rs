//! Node.js binding of the voipsign core.
//!
//! The addon only translates: it copies the JavaScript arguments out, checks their
//! JavaScript types, calls `voipsign` (which does all validation, sorting and
//! HMAC) and turns its errors into `VoipSignError`s whose `code` is the DESIGN.md
//! name. Every entry point runs inside `catch_unwind`: a panic becomes an
//! `INTERNAL` error instead of aborting the Node.js process.
//!
//! Speed (measured in CPU time per `sign`, 2-core EPYC, Node 20; the idiom
//! `crypto.createHmac(...)` costs about 1800 ns, the core's `sign` about 350 ns):
//! - The public functions take one object (`sign({ appId, ... })`). Reading five
//!   properties through N-API measured about 380 ns a call (each call builds and
//!   internalizes the property name); JavaScript reads them through inline caches
//!   in about a nanosecond. So index.js reads them and calls these functions with
//!   positional arguments.
//! - The entry points are plain N-API callbacks registered by [`init`], not
//!   `#[napi]` functions: napi-rs's generated glue allocates a borrow-tracking
//!   scope on every call, about 90 ns of a 560 ns `sign`. napi-rs still builds
//!   the module, converts [`JoinTicket`] and generates index.d.ts: the `#[napi(object)]`
//!   interfaces below, after dts-header.d.ts (the functions of index.js and
//!   `VoipSignError`).
//! - Strings are copied out as UTF-16 into stack buffers (V8 copies those with
//!   memcpy-like loops, faster than its UTF-8 encoder) and narrowed when ASCII;
//!   `sign` allocates nothing but its result string.
//!
//! Unsafe code: every N-API call is a foreign call, so the functions that make
//! them are `unsafe fn`s whose `# Safety` section says what their caller
//! guarantees — nearly always that `env` is the live environment of the running
//! N-API callback, on its JavaScript thread, and that the `napi_value`s belong to
//! that call. `unsafe_op_in_unsafe_fn` is denied: each unsafe operation sits in an
//! `unsafe` block whose `// SAFETY:` comment says why the guarantee holds there.

#![deny(clippy::all)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

use std::ffi::{c_char, c_void, CStr, CString};
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use napi::bindgen_prelude::{Object, ToNapiValue};
use napi::sys;
use napi::{Env, JsValue};
use napi_derive::napi;
use voipsign::{Error as CoreError, ErrorCode, Params, RoomType, SessionKey};

// ---------------------------------------------------------------------------
// Types that describe the JavaScript API: napi-rs writes them into index.d.ts.
// index.js passes their fields to the entry points below one by one; nothing is
// ever converted to these structs (that would allocate, and silently truncate a
// fractional or NaN timeStamp), except JoinTicket on its way out.
// ---------------------------------------------------------------------------

/// The four values `wx.joinVoIPChat` signs, named as the front end names them.
#[napi(object)]
pub struct CanonicalParams {
    /// The mini program's appId, e.g. `"wx20afc706a711eefc"` (1–64 printable ASCII bytes).
    pub app_id: String,
    /// The room: users passing the same groupId join the same room (1–1024 bytes of UTF-8, no control characters).
    pub group_id: String,
    /// A random string of 1–127 printable ASCII characters.
    pub nonce_str: String,
    /// Unix time in **seconds** (an integer Number, or a BigInt), 1 ≤ timeStamp ≤ 9999999999.
    #[napi(ts_type = "number | bigint")]
    pub time_stamp: i64,
}

/// The arguments of {@link sign}: the four signed values and the user's session_key.
#[napi(object)]
pub struct SignParams {
    /// The mini program's appId, e.g. `"wx20afc706a711eefc"`.
    pub app_id: String,
    /// The room.
    pub group_id: String,
    /// A random string of 1–127 printable ASCII characters.
    pub nonce_str: String,
    /// Unix time in **seconds** (an integer Number, or a BigInt).
    #[napi(ts_type = "number | bigint")]
    pub time_stamp: i64,
    /// The user's session_key exactly as code2Session returned it (24 base64 characters ending in `==`).
    pub session_key: String,
}

/// The arguments of {@link verify}: those of {@link sign} and the signature to check.
#[napi(object)]
pub struct VerifyParams {
    /// The mini program's appId.
    pub app_id: String,
    /// The room.
    pub group_id: String,
    /// The nonce that was signed.
    pub nonce_str: String,
    /// The timestamp that was signed, in seconds.
    #[napi(ts_type = "number | bigint")]
    pub time_stamp: i64,
    /// The user's session_key exactly as code2Session returned it.
    pub session_key: String,
    /// The signature to check: 64 hex digits.
    pub signature: String,
}

/// The arguments of {@link signMany}: one room, many members.
#[napi(object)]
pub struct SignManyParams {
    /// The mini program's appId.
    pub app_id: String,
    /// The room.
    pub group_id: String,
    /// A random string of 1–127 printable ASCII characters, shared by every member.
    pub nonce_str: String,
    /// Unix time in seconds, shared by every member.
    #[napi(ts_type = "number | bigint")]
    pub time_stamp: i64,
    /// One session_key per member; the signatures come back in the same order.
    #[napi(ts_type = "readonly string[]")]
    pub session_keys: Vec<String>,
}

/// The arguments of {@link issue}.
#[napi(object)]
pub struct IssueParams {
    /// The mini program's appId.
    pub app_id: String,
    /// The room to join.
    pub group_id: String,
    /// The user's session_key exactly as code2Session returned it.
    pub session_key: String,
    /// `"voice"` (the default) or `"video"`.
    #[napi(ts_type = "'voice' | 'video'")]
    pub room_type: Option<String>,
}

/// A join ticket: exactly the object `wx.joinVoIPChat` takes. Send it to the mini
/// program as JSON and pass it on unchanged.
#[napi(object)]
pub struct JoinTicket {
    /// The room.
    pub group_id: String,
    /// A fresh nonce: 32 characters of `[A-Za-z0-9]` from the operating system's CSPRNG.
    pub nonce_str: String,
    /// The time of issue, Unix seconds.
    pub time_stamp: i64,
    /// The signature over appId, groupId, nonceStr and timeStamp (64 lowercase hex digits).
    pub signature: String,
    /// `"voice"` or `"video"`.
    #[napi(ts_type = "'voice' | 'video'")]
    pub room_type: String,
}

/// The arguments of {@link diagnose}: the values of the rejected join, the user's
/// session_key, the signature WeChat rejected and, optionally, older session_keys.
#[napi(object)]
pub struct DiagnoseParams {
    /// The mini program's appId.
    pub app_id: String,
    /// The room.
    pub group_id: String,
    /// The nonce that was signed.
    pub nonce_str: String,
    /// The timestamp that was signed, in seconds; 13 digits (milliseconds) are
    /// accepted here and reported as the mistake `TIMESTAMP_MILLISECONDS`.
    #[napi(ts_type = "number | bigint")]
    pub time_stamp: i64,
    /// The user's current session_key exactly as code2Session returned it.
    pub session_key: String,
    /// The signature WeChat rejected, in whatever form it has (any string).
    pub signature: String,
    /// Older session_keys of the same user (replaced by a later `wx.login`), tried
    /// for `STALE_SESSION_KEY`; default `[]`.
    #[napi(ts_type = "readonly string[]")]
    pub other_session_keys: Option<Vec<String>>,
}

/// What {@link diagnose} found. Never contains a session_key.
#[napi(object)]
pub struct Diagnosis {
    /// `"CORRECT"` (the signature is right), `"MISTAKE_FOUND"` or `"UNKNOWN"`.
    #[napi(ts_type = "Verdict")]
    pub verdict: String,
    /// Every mistake involved, in a stable order; empty unless the verdict is `"MISTAKE_FOUND"`.
    #[napi(ts_type = "Mistake[]")]
    pub mistakes: Vec<String>,
    /// What happened and the exact fix, in words a person can act on.
    pub message: String,
    /// The right signature (with the timestamp in seconds).
    pub expected: String,
    /// The right canonical string.
    pub canonical: String,
}

/// The arguments of {@link explain}: what `wx.joinVoIPChat`'s `fail` callback received.
#[napi(object)]
pub struct ExplainParams {
    /// The failure's `errCode`, e.g. `-1000` (an integer Number).
    pub err_code: i64,
    /// The failure's `errMsg` (codes written inside it count too); default `''`.
    pub err_msg: Option<String>,
}

/// What {@link explain} says about a `wx.joinVoIPChat` failure.
#[napi(object)]
pub struct Explanation {
    /// The cause, e.g. `"INVALID_SIGNATURE"`.
    #[napi(ts_type = "Cause")]
    pub cause: String,
    /// What happened.
    pub meaning: String,
    /// What to do.
    pub action: String,
}

/// A JavaScript value as N-API hands it over.
#[derive(Clone, Copy)]
struct Raw(sys::napi_value);

// ---------------------------------------------------------------------------
// Failures and how they reach JavaScript.
// ---------------------------------------------------------------------------

enum Fail {
    /// A voipsign error: thrown as a `VoipSignError` with `.code`.
    Core(CoreError),
    /// An argument of the wrong kind: a `TypeError` with code `ERR_INVALID_ARG_TYPE`.
    ArgType(String),
    /// A number out of its range: a `RangeError` with code `ERR_OUT_OF_RANGE`.
    ArgRange(String),
    /// A JavaScript exception is already pending: let it propagate.
    Pending,
    /// An N-API call failed unexpectedly (a bug): thrown as `INTERNAL`.
    Napi(sys::napi_status),
}

impl From<CoreError> for Fail {
    fn from(e: CoreError) -> Fail {
        Fail::Core(e)
    }
}

type R<T> = std::result::Result<T, Fail>;

fn core_err(code: ErrorCode, message: impl Into<String>) -> Fail {
    Fail::Core(CoreError::new(code, message))
}

fn check(status: sys::napi_status) -> R<()> {
    match status {
        sys::Status::napi_ok => Ok(()),
        sys::Status::napi_pending_exception => Err(Fail::Pending),
        s => Err(Fail::Napi(s)),
    }
}

/// Per-environment state (one per Node.js main thread or worker thread).
struct Instance {
    /// The `VoipSignError` constructor registered by index.js.
    error_class: sys::napi_ref,
}

/// The environment's [`Instance`], once `_setErrorClass` has stored one.
///
/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread. The caller must drop the returned reference before anything
/// that can run JavaScript or call `instance` again: it is the only reference to
/// the `Instance` while it lives, and it does not really live for `'static`.
unsafe fn instance(env: sys::napi_env) -> Option<&'static mut Instance> {
    let mut data: *mut c_void = ptr::null_mut();
    // SAFETY: `env` is live (this function's contract); `data` is a valid out-pointer.
    let st = unsafe { sys::napi_get_instance_data(env, &mut data) };
    if st != sys::Status::napi_ok || data.is_null() {
        return None;
    }
    // SAFETY: the only instance data of this addon is the `Box<Instance>` that
    // `set_error_class` leaks into `napi_set_instance_data` (napi-rs leaves that slot
    // to the addon; we never call `Env::set_instance_data`), and it is freed only by
    // `finalize_instance` when the environment goes away; the caller keeps the
    // reference unique and short-lived.
    Some(unsafe { &mut *(data as *mut Instance) })
}

/// Frees the [`Instance`] and its reference to the error class when its
/// environment is torn down.
///
/// The reference must be deleted here: Node.js does not free the references an
/// addon created (valgrind showed 40 bytes lost per environment, i.e. per worker
/// thread, before this). Node runs the instance data's finalizer before it
/// finalizes the environment's remaining references, precisely so that a finalizer
/// can delete the references it owns.
///
/// # Safety
/// Only N-API may call this, once, as the finalizer that `set_error_class` passed
/// to `napi_set_instance_data`: `env` is then the environment being torn down and
/// `data` that call's leaked `Box<Instance>`.
unsafe extern "C" fn finalize_instance(env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` came from `Box::into_raw(Box<Instance>)` and N-API runs this
    // finalizer once, after the last callback of the environment.
    let inst = unsafe { Box::from_raw(data as *mut Instance) };
    // SAFETY: `inst.error_class` was created in `env` by `set_error_class` and is
    // deleted only here (a replaced one was deleted when it was replaced); `env` is
    // still valid while its finalizers run. Nothing can be done about a failure.
    unsafe { sys::napi_delete_reference(env, inst.error_class) };
    drop(inst);
}

/// The JavaScript error for a voipsign error: `new VoipSignError(code, message)`
/// once index.js registered the class, else an `Error` with `.code`.
///
/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread.
unsafe fn js_error(env: sys::napi_env, e: &CoreError) -> R<sys::napi_value> {
    // SAFETY: `env` is live (this function's contract).
    let (code, msg) = unsafe { (latin1(env, e.code().name())?, utf8(env, e.message())?) };
    let mut err = ptr::null_mut();
    // SAFETY: `env` is live; the `Instance` reference is used only to read the
    // class's reference, before `napi_new_instance` runs any JavaScript.
    if let Some(inst) = unsafe { instance(env) } {
        let mut ctor = ptr::null_mut();
        // SAFETY: `env` is live; `inst.error_class` is a reference created in this
        // environment by `set_error_class`; `ctor` is a valid out-pointer.
        check(unsafe { sys::napi_get_reference_value(env, inst.error_class, &mut ctor) })?;
        if !ctor.is_null() {
            let args = [code, msg];
            // SAFETY: `env` is live; `ctor` is the registered class (checked to be a
            // function when registered) and `args` two values of this callback's
            // scope; `err` is a valid out-pointer.
            check(unsafe { sys::napi_new_instance(env, ctor, 2, args.as_ptr(), &mut err) })?;
            return Ok(err);
        }
    }
    // SAFETY: `env` is live; `code` and `msg` are strings of this callback's scope.
    check(unsafe { sys::napi_create_error(env, code, msg, &mut err) })?;
    Ok(err)
}

/// Throw `fail` into JavaScript (unless an exception is already pending).
///
/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread.
unsafe fn throw(env: sys::napi_env, fail: Fail) {
    let (code, msg) = match fail {
        Fail::Pending => return,
        Fail::ArgType(msg) => ("ERR_INVALID_ARG_TYPE", msg),
        Fail::ArgRange(msg) => ("ERR_OUT_OF_RANGE", msg),
        Fail::Core(e) => {
            // SAFETY: `env` is live (this function's contract).
            match unsafe { js_error(env, &e) } {
                Ok(err) => {
                    // SAFETY: `env` is live; `err` was just created in it.
                    if unsafe { sys::napi_throw(env, err) } == sys::Status::napi_ok {
                        return;
                    }
                    (e.code().name(), e.message().to_owned())
                }
                Err(Fail::Pending) => return,
                Err(_) => (e.code().name(), e.message().to_owned()),
            }
        }
        Fail::Napi(status) => (
            ErrorCode::Internal.name(),
            format!("internal error in voipsign: an N-API call failed (status {status})"),
        ),
    };
    let code = CString::new(code).unwrap_or_default();
    let msg = CString::new(msg.replace('\0', " ")).unwrap_or_default();
    // SAFETY: `env` is live; `code` and `msg` are NUL-terminated and outlive the call.
    unsafe {
        match code.as_bytes() {
            b"ERR_INVALID_ARG_TYPE" => sys::napi_throw_type_error(env, code.as_ptr(), msg.as_ptr()),
            b"ERR_OUT_OF_RANGE" => sys::napi_throw_range_error(env, code.as_ptr(), msg.as_ptr()),
            // Could not build our VoipSignError: a plain Error with `.code`.
            _ => sys::napi_throw_error(env, code.as_ptr(), msg.as_ptr()),
        };
    }
}

/// The body of every entry point: take `N` arguments (missing ones are
/// `undefined`), run `body`, throw what it returns as an error, and turn a panic
/// into an `INTERNAL` error. No panic can leave (an `extern "C"` function that
/// unwinds aborts the process).
///
/// `body` gets `env` and the arguments; both stay valid until the callback returns.
///
/// # Safety
/// For the N-API callbacks of this file only: `env` and `info` must be what N-API
/// passed to the running callback, on `env`'s JavaScript thread.
unsafe fn entry<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    body: impl FnOnce(sys::napi_env, [Raw; N]) -> R<sys::napi_value>,
) -> sys::napi_value {
    let run = || {
        let mut argc = N;
        let mut argv = [ptr::null_mut(); N];
        // SAFETY: `env` and `info` are this callback's (the contract); `argv` has room
        // for `argc` values; N-API fills the slots of missing arguments with `undefined`.
        let got = check(unsafe {
            sys::napi_get_cb_info(
                env,
                info,
                &mut argc,
                argv.as_mut_ptr(),
                ptr::null_mut(),
                ptr::null_mut(),
            )
        });
        let result = got.and_then(|()| {
            catch_unwind(AssertUnwindSafe(|| body(env, argv.map(Raw)))).unwrap_or_else(|_| {
                Err(core_err(
                    ErrorCode::Internal,
                    "internal error in voipsign (a Rust panic was caught; this is a bug, please report it)",
                ))
            })
        });
        match result {
            Ok(value) => value,
            Err(fail) => {
                // SAFETY: `env` is this callback's, on its thread (the contract).
                unsafe { throw(env, fail) };
                ptr::null_mut()
            }
        }
    };
    catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|_| {
        // A panic while throwing: last resort, nothing allocated.
        // SAFETY: `env` is this callback's; both strings are static and NUL-terminated.
        unsafe {
            sys::napi_throw_error(
                env,
                c"INTERNAL".as_ptr(),
                c"internal error in voipsign".as_ptr(),
            )
        };
        ptr::null_mut()
    })
}

/// Convert a `#[napi(object)]` struct into a JavaScript object.
///
/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread.
unsafe fn object<T: ToNapiValue>(env: sys::napi_env, value: T) -> R<sys::napi_value> {
    // SAFETY: `env` is live (this function's contract).
    unsafe { T::to_napi_value(env, value) }
        .map_err(|_| Fail::Napi(sys::Status::napi_generic_failure))
}

// ---------------------------------------------------------------------------
// Reading arguments.
// ---------------------------------------------------------------------------

/// A JavaScript string copied out as UTF-8: strings of up to `N` UTF-16 units
/// that are all ASCII stay on the stack (the common case: every field but some
/// groupIds); others are converted on the heap. Nothing is zeroed up front.
struct Str<const N: usize> {
    units: [MaybeUninit<u16>; N],
    ascii: [MaybeUninit<u8>; N],
    /// Non-ASCII (or longer than `N`) strings, converted to UTF-8.
    heap: String,
    len: usize,
    on_heap: bool,
}

impl<const N: usize> Str<N> {
    fn new() -> Self {
        Str {
            units: [MaybeUninit::uninit(); N],
            ascii: [MaybeUninit::uninit(); N],
            heap: String::new(),
            len: 0,
            on_heap: false,
        }
    }

    fn as_str(&self) -> &str {
        if self.on_heap {
            &self.heap
        } else {
            // SAFETY: `load` initialised `len` bytes, all ASCII (or `len` is 0).
            unsafe {
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                    self.ascii.as_ptr() as *const u8,
                    self.len,
                ))
            }
        }
    }

    fn bytes(&self) -> &[u8] {
        self.as_str().as_bytes()
    }

    /// Copy the string `value` in. `Err(status)` is N-API's status, e.g.
    /// `napi_string_expected` when `value` is not a string.
    ///
    /// # Safety
    /// `env` must be the live environment of the running N-API callback, on its
    /// JavaScript thread, and `value` a value of that callback's scope.
    unsafe fn load(
        &mut self,
        env: sys::napi_env,
        value: sys::napi_value,
    ) -> Result<(), sys::napi_status> {
        let mut len = 0usize;
        // SAFETY: `env` and `value` are live (this function's contract); `units` has
        // room for `N` units, NUL included, and N-API writes at most that many.
        let st = unsafe {
            sys::napi_get_value_string_utf16(
                env,
                value,
                self.units.as_mut_ptr() as *mut u16,
                N,
                &mut len,
            )
        };
        if st != sys::Status::napi_ok {
            return Err(st);
        }
        // N-API keeps one unit for a NUL: `len == N - 1` may be a cut-off string.
        if len + 1 >= N {
            let mut full = 0usize;
            // SAFETY: as above; a NULL buffer asks only for the length.
            let st = unsafe {
                sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut full)
            };
            if st != sys::Status::napi_ok {
                return Err(st);
            }
            if full > len {
                let mut units = vec![0u16; full + 1];
                // SAFETY: as above; `units` has room for `full + 1` units.
                let st = unsafe {
                    sys::napi_get_value_string_utf16(
                        env,
                        value,
                        units.as_mut_ptr(),
                        full + 1,
                        &mut len,
                    )
                };
                if st != sys::Status::napi_ok {
                    return Err(st);
                }
                self.set_heap(&units[..len]);
                return Ok(());
            }
        }
        // SAFETY: N-API initialised the first `len` units (`len < N`).
        let units = unsafe { std::slice::from_raw_parts(self.units.as_ptr() as *const u16, len) };
        // Narrow to bytes and note whether any unit was not ASCII, in one pass.
        let mut all = 0u16;
        for (b, &u) in self.ascii.iter_mut().zip(units) {
            *b = MaybeUninit::new(u as u8);
            all |= u;
        }
        if all < 0x80 {
            self.len = len;
            self.on_heap = false;
        } else {
            let units = units.to_vec();
            self.set_heap(&units);
        }
        Ok(())
    }

    /// UTF-16 to UTF-8; a lone surrogate becomes U+FFFD, as in N-API's UTF-8
    /// strings and in Node's own `crypto` (`hmac.update(string)`).
    fn set_heap(&mut self, units: &[u16]) {
        self.heap = char::decode_utf16(units.iter().copied())
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        self.len = self.heap.len();
        self.on_heap = true;
    }
}

/// A session_key's copy, overwritten with zeros when dropped (best effort: the
/// key also lives in the JavaScript heap, and WeChat rotates it).
struct KeyStr(Str<64>);

impl KeyStr {
    fn new() -> Self {
        KeyStr(Str::new())
    }
}

impl Drop for KeyStr {
    fn drop(&mut self) {
        let s = &mut self.0;
        // SAFETY: plain stores into our own buffers, through valid `&mut`s; zeros are
        // valid UTF-8, so `heap` stays a `String`.
        unsafe {
            ptr::write_volatile(&mut s.units, [MaybeUninit::new(0); N_KEY]);
            ptr::write_volatile(&mut s.ascii, [MaybeUninit::new(0); N_KEY]);
            for b in s.heap.as_mut_vec().iter_mut() {
                ptr::write_volatile(b, 0);
            }
        }
    }
}

/// Session_keys (those of signMany, or diagnose's older ones), one after another in
/// a single buffer, which is overwritten with zeros when dropped.
struct KeyList {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl KeyList {
    fn with_capacity(n: usize) -> KeyList {
        KeyList {
            bytes: Vec::with_capacity(n * voipsign::SESSION_KEY_LEN),
            ends: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, key: &str) {
        self.bytes.extend_from_slice(key.as_bytes());
        self.ends.push(self.bytes.len());
    }

    fn strs(&self) -> Vec<&str> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                // SAFETY: each piece was pushed from a `&str`.
                let s = unsafe { std::str::from_utf8_unchecked(&self.bytes[start..end]) };
                start = end;
                s
            })
            .collect()
    }
}

impl Drop for KeyList {
    fn drop(&mut self) {
        for b in self.bytes.iter_mut() {
            // SAFETY: `b` is a valid `&mut u8` into our own buffer.
            unsafe { ptr::write_volatile(b, 0) };
        }
    }
}

const N_KEY: usize = 64;

/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread, and `value` a value of that callback's scope.
unsafe fn type_of(env: sys::napi_env, value: sys::napi_value) -> R<sys::napi_valuetype> {
    let mut t = 0;
    // SAFETY: `env` and `value` are live (this function's contract); `t` is a valid out-pointer.
    check(unsafe { sys::napi_typeof(env, value, &mut t) })?;
    Ok(t)
}

fn type_name(t: sys::napi_valuetype) -> &'static str {
    match t {
        sys::ValueType::napi_undefined => "undefined",
        sys::ValueType::napi_null => "null",
        sys::ValueType::napi_boolean => "boolean",
        sys::ValueType::napi_number => "number",
        sys::ValueType::napi_string => "string",
        sys::ValueType::napi_symbol => "symbol",
        sys::ValueType::napi_object => "object",
        sys::ValueType::napi_function => "function",
        sys::ValueType::napi_external => "external",
        sys::ValueType::napi_bigint => "bigint",
        _ => "unknown",
    }
}

/// The error for a value of `field` that is not a string. Never shows the value.
///
/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread, and `value` a value of that callback's scope.
unsafe fn not_a_string(
    env: sys::napi_env,
    value: sys::napi_value,
    field: &str,
    code: ErrorCode,
) -> Fail {
    // SAFETY: `env` and `value` are live (this function's contract).
    match unsafe { type_of(env, value) } {
        Ok(sys::ValueType::napi_undefined) => core_err(code, format!("{field} is missing")),
        Ok(t) => core_err(
            code,
            format!("{field} must be a string (got {})", type_name(t)),
        ),
        Err(f) => f,
    }
}

/// Copy the string `value` into `buf`; anything else is a `code` error naming `field`.
///
/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread, and `value` a value of that callback's scope.
unsafe fn string<const N: usize>(
    env: sys::napi_env,
    value: Raw,
    field: &str,
    code: ErrorCode,
    buf: &mut Str<N>,
) -> R<()> {
    // SAFETY: `env` and `value` are live (this function's contract).
    match unsafe { buf.load(env, value.0) } {
        Ok(()) => Ok(()),
        Err(sys::Status::napi_string_expected) => {
            // SAFETY: as above.
            Err(unsafe { not_a_string(env, value.0, field, code) })
        }
        Err(st) => check(st),
    }
}

/// timeStamp: an integer Number, or a BigInt that fits in 64 bits. The range
/// rules (seconds, 1..=9999999999, milliseconds spotted) are the core's.
///
/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread, and `value` a value of that callback's scope.
unsafe fn timestamp(env: sys::napi_env, value: Raw) -> R<i64> {
    let code = ErrorCode::InvalidTimestamp;
    const HINT: &str = "pass Unix time in whole seconds, e.g. Math.floor(Date.now() / 1000)";
    let mut d = 0f64;
    // SAFETY: `env` and `value` are live (this function's contract); `d` is a valid out-pointer.
    match unsafe { sys::napi_get_value_double(env, value.0, &mut d) } {
        sys::Status::napi_ok => {
            if d.is_nan() {
                return Err(core_err(code, format!("timeStamp is NaN; {HINT}")));
            }
            if d.is_infinite() {
                let s = if d > 0.0 { "Infinity" } else { "-Infinity" };
                return Err(core_err(code, format!("timeStamp is {s}; {HINT}")));
            }
            if d.fract() != 0.0 {
                return Err(core_err(
                    code,
                    format!("timeStamp {d} is not a whole number; {HINT}"),
                ));
            }
            // The bounds of i64, [-2^63, 2^63), are exact in f64.
            if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&d) {
                return Err(core_err(
                    code,
                    format!("timeStamp {d:e} is out of range; {HINT}"),
                ));
            }
            Ok(d as i64)
        }
        // SAFETY: as above.
        sys::Status::napi_number_expected => match unsafe { type_of(env, value.0) }? {
            sys::ValueType::napi_undefined => Err(core_err(code, "timeStamp is missing")),
            sys::ValueType::napi_bigint => {
                let mut i = 0i64;
                let mut lossless = false;
                // SAFETY: as above; `value` is a BigInt; `i` and `lossless` are valid out-pointers.
                check(unsafe {
                    sys::napi_get_value_bigint_int64(env, value.0, &mut i, &mut lossless)
                })?;
                if lossless {
                    Ok(i)
                } else {
                    Err(core_err(
                        code,
                        format!("timeStamp is a BigInt out of range; {HINT}"),
                    ))
                }
            }
            t => Err(core_err(
                code,
                format!("timeStamp must be a number (got {}); {HINT}", type_name(t)),
            )),
        },
        st => check(st).map(|_| 0),
    }
}

/// explain's errCode: an integer Number (WeChat's codes are small). Anything else
/// is a programming error, as in Node's own APIs: a `TypeError` for another type,
/// a `RangeError` for a fraction, NaN, an infinity or beyond ±(2^53 - 1).
///
/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread, and `value` a value of that callback's scope.
unsafe fn err_code(env: sys::napi_env, value: Raw) -> R<i64> {
    const MAX: f64 = 9_007_199_254_740_991.0; // Number.MAX_SAFE_INTEGER
    let mut d = 0f64;
    // SAFETY: `env` and `value` are live (this function's contract); `d` is a valid out-pointer.
    match unsafe { sys::napi_get_value_double(env, value.0, &mut d) } {
        sys::Status::napi_ok => {
            let range = |must: &str, got: String| {
                Fail::ArgRange(format!(
                    "The value of \"errCode\" is out of range. It must be {must}. Received {got}"
                ))
            };
            if d.is_nan() {
                Err(range("an integer", "NaN".into()))
            } else if d.is_infinite() {
                Err(range(
                    "an integer",
                    if d > 0.0 { "Infinity" } else { "-Infinity" }.into(),
                ))
            } else if d.fract() != 0.0 {
                Err(range("an integer", format!("{d}")))
            } else if !(-MAX..=MAX).contains(&d) {
                Err(range(
                    ">= -9007199254740991 && <= 9007199254740991",
                    format!("{d:e}"),
                ))
            } else {
                Ok(d as i64)
            }
        }
        sys::Status::napi_number_expected => {
            // SAFETY: as above.
            let t = unsafe { type_of(env, value.0) }?;
            Err(Fail::ArgType(format!(
                "The \"errCode\" property must be of type number. Received {}",
                type_name(t)
            )))
        }
        st => check(st).map(|_| 0),
    }
}

/// The four signed values, copied out of JavaScript.
struct Room {
    app_id: Str<128>,
    group_id: Str<1280>,
    nonce_str: Str<256>,
    time_stamp: i64,
}

impl Room {
    fn new() -> Room {
        Room {
            app_id: Str::new(),
            group_id: Str::new(),
            nonce_str: Str::new(),
            time_stamp: 0,
        }
    }

    /// Copy the four values in; a value of the wrong type is its field's error.
    ///
    /// # Safety
    /// `env` must be the live environment of the running N-API callback, on its
    /// JavaScript thread, and the four values values of that callback's scope.
    unsafe fn read(
        &mut self,
        env: sys::napi_env,
        app_id: Raw,
        group_id: Raw,
        nonce_str: Raw,
        time_stamp: Raw,
    ) -> R<()> {
        // SAFETY: `env` and the values are live (this function's contract).
        unsafe {
            string(
                env,
                app_id,
                "appId",
                ErrorCode::InvalidAppId,
                &mut self.app_id,
            )?;
            string(
                env,
                group_id,
                "groupId",
                ErrorCode::InvalidGroupId,
                &mut self.group_id,
            )?;
            string(
                env,
                nonce_str,
                "nonceStr",
                ErrorCode::InvalidNonce,
                &mut self.nonce_str,
            )?;
            self.time_stamp = timestamp(env, time_stamp)?;
        }
        Ok(())
    }

    fn params(&self) -> Params<'_> {
        Params::new(
            self.app_id.as_str(),
            self.group_id.as_str(),
            self.nonce_str.as_str(),
            self.time_stamp,
        )
    }
}

/// The session_key, validated by the core. If an earlier field is bad too, that
/// one is reported: errors follow the order of the fields.
fn session_key(key: &KeyStr, params: Option<&Params>) -> R<SessionKey> {
    SessionKey::new(key.0.as_str()).map_err(|e| match params.map(Params::validate) {
        Some(Err(first)) => Fail::Core(first),
        _ => Fail::Core(e),
    })
}

/// The checks `voipsign::diagnose` makes of the four values, made first so that
/// errors follow the order of the fields (a bad key is only reported after them).
/// As for `sign`, except that a 13-digit timeStamp is not an error: milliseconds
/// are one of the mistakes diagnose reports.
fn diagnosable(p: &Params) -> Result<(), CoreError> {
    voipsign::validate_app_id(p.app_id)?;
    voipsign::validate_group_id(p.group_id)?;
    voipsign::validate_nonce(p.nonce_str)?;
    if !(1_000_000_000_000..=9_999_999_999_999).contains(&p.timestamp) {
        voipsign::validate_timestamp(p.timestamp)?;
    }
    Ok(())
}

/// Copy the array of session_key strings `list`, the property `field`, out of
/// JavaScript. Not an array is an `INVALID_SESSION_KEY` error; so is an element that
/// is not a string, unless `earlier()` reports an earlier field first.
///
/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread, and `list` a value of that callback's scope.
unsafe fn key_array(
    env: sys::napi_env,
    list: Raw,
    field: &str,
    earlier: impl Fn() -> R<()>,
) -> R<KeyList> {
    let code = ErrorCode::InvalidSessionKey;
    let mut is_array = false;
    // SAFETY: `env` and `list` are live (this function's contract); `is_array` is a
    // valid out-pointer.
    check(unsafe { sys::napi_is_array(env, list.0, &mut is_array) })?;
    if !is_array {
        // SAFETY: as above.
        return Err(match unsafe { type_of(env, list.0) }? {
            sys::ValueType::napi_undefined => core_err(code, format!("{field} is missing")),
            t => core_err(
                code,
                format!("{field} must be an array of strings (got {})", type_name(t)),
            ),
        });
    }
    let mut n = 0u32;
    // SAFETY: as above; `list` is an array; `n` is a valid out-pointer.
    check(unsafe { sys::napi_get_array_length(env, list.0, &mut n) })?;
    let mut keys = KeyList::with_capacity(n as usize);
    let mut scratch = KeyStr::new();
    for i in 0..n {
        let mut v = ptr::null_mut();
        // SAFETY: as above; `v` is a valid out-pointer. (A getter may run JavaScript,
        // which cannot invalidate `env` or `list`.)
        check(unsafe { sys::napi_get_element(env, list.0, i, &mut v) })?;
        // SAFETY: `env` is live and `v` was just returned in this callback's scope.
        match unsafe { scratch.0.load(env, v) } {
            Ok(()) => keys.push(scratch.0.as_str()),
            Err(sys::Status::napi_string_expected) => {
                earlier()?;
                // SAFETY: as above.
                return Err(unsafe { not_a_string(env, v, &format!("{field}[{i}]"), code) });
            }
            Err(st) => check(st)?,
        }
    }
    Ok(keys)
}

/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread.
unsafe fn latin1(env: sys::napi_env, s: &str) -> R<sys::napi_value> {
    let mut out = ptr::null_mut();
    // SAFETY: `env` is live (this function's contract); `s` is `s.len()` readable
    // bytes (a `&str` is at most `isize::MAX` bytes); `out` is a valid out-pointer.
    check(unsafe {
        sys::napi_create_string_latin1(env, s.as_ptr() as *const c_char, s.len() as isize, &mut out)
    })?;
    Ok(out)
}

/// # Safety
/// `env` must be the live environment of the running N-API callback, on its
/// JavaScript thread.
unsafe fn utf8(env: sys::napi_env, s: &str) -> R<sys::napi_value> {
    let mut out = ptr::null_mut();
    // SAFETY: `env` is live (this function's contract); `s` is `s.len()` bytes of
    // UTF-8; `out` is a valid out-pointer.
    check(unsafe {
        sys::napi_create_string_utf8(env, s.as_ptr() as *const c_char, s.len() as isize, &mut out)
    })?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// The entry points. Each takes the fields of the public object positionally
// (index.js reads them); their TypeScript declarations are in dts-header.d.ts.
//
// They are plain N-API callbacks (registered by `init`), so each is an
// `unsafe extern "C" fn` with the same contract, stated once here:
//
// # Safety
// Only N-API may call them: `env` and `info` are then the live environment and
// callback info of this call, on `env`'s JavaScript thread. That is exactly
// `entry`'s contract, and every helper called inside gets that `env` and values of
// this call (its arguments, or values N-API created during it), which stay valid
// until the callback returns.
// ---------------------------------------------------------------------------

/// `sign(appId, groupId, nonceStr, timeStamp, sessionKey)` → 64 hex digits.
///
/// # Safety
/// An N-API callback: see "The entry points" above.
unsafe extern "C" fn sign(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the helpers get that `env` and this call's values.
    unsafe {
        entry(
            env,
            info,
            |env, [app_id, group_id, nonce_str, time_stamp, key_arg]| {
                let mut room = Room::new();
                room.read(env, app_id, group_id, nonce_str, time_stamp)?;
                let mut key = KeyStr::new();
                string(
                    env,
                    key_arg,
                    "sessionKey",
                    ErrorCode::InvalidSessionKey,
                    &mut key.0,
                )?;
                let p = room.params();
                let key = session_key(&key, Some(&p))?;
                let sig = voipsign::sign(&p, &key)?;
                latin1(env, sig.as_str())
            },
        )
    }
}

/// `verify(appId, groupId, nonceStr, timeStamp, sessionKey, signature)` → boolean.
///
/// # Safety
/// An N-API callback: see "The entry points" above.
unsafe extern "C" fn verify(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the helpers and N-API calls get that `env` and this call's values.
    unsafe {
        entry(
            env,
            info,
            |env, [app_id, group_id, nonce_str, time_stamp, key_arg, signature]| {
                let mut room = Room::new();
                room.read(env, app_id, group_id, nonce_str, time_stamp)?;
                let mut key = KeyStr::new();
                string(
                    env,
                    key_arg,
                    "sessionKey",
                    ErrorCode::InvalidSessionKey,
                    &mut key.0,
                )?;
                let mut sig = Str::<128>::new();
                string(
                    env,
                    signature,
                    "signature",
                    ErrorCode::InvalidSignature,
                    &mut sig,
                )?;
                let p = room.params();
                let key = session_key(&key, Some(&p))?;
                let ok = voipsign::verify(&p, &key, sig.as_str())?;
                let mut out = ptr::null_mut();
                check(sys::napi_get_boolean(env, ok, &mut out))?;
                Ok(out)
            },
        )
    }
}

/// `canonical(appId, groupId, nonceStr, timeStamp)` → the signed string.
///
/// # Safety
/// An N-API callback: see "The entry points" above.
unsafe extern "C" fn canonical(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the helpers get that `env` and this call's values.
    unsafe {
        entry(
            env,
            info,
            |env, [app_id, group_id, nonce_str, time_stamp]| {
                let mut room = Room::new();
                room.read(env, app_id, group_id, nonce_str, time_stamp)?;
                let s = voipsign::canonical(&room.params())?;
                utf8(env, &s)
            },
        )
    }
}

/// `issue(appId, groupId, sessionKey, roomType)` → a [`JoinTicket`] object.
///
/// # Safety
/// An N-API callback: see "The entry points" above.
unsafe extern "C" fn issue(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the helpers get that `env` and this call's values.
    unsafe {
        entry(env, info, |env, [app_id, group_id, key_arg, room_type]| {
            let mut a = Str::<128>::new();
            string(env, app_id, "appId", ErrorCode::InvalidAppId, &mut a)?;
            let mut g = Str::<1280>::new();
            string(env, group_id, "groupId", ErrorCode::InvalidGroupId, &mut g)?;
            let mut key = KeyStr::new();
            string(
                env,
                key_arg,
                "sessionKey",
                ErrorCode::InvalidSessionKey,
                &mut key.0,
            )?;
            let mut rt = Str::<64>::new();
            let default_room = type_of(env, room_type.0)? == sys::ValueType::napi_undefined;
            if !default_room {
                string(
                    env,
                    room_type,
                    "roomType",
                    ErrorCode::InvalidRoomType,
                    &mut rt,
                )?;
            }
            // Errors follow the field order: appId, groupId, sessionKey, roomType.
            voipsign::validate_app_id(a.as_str())?;
            voipsign::validate_group_id(g.as_str())?;
            let key = session_key(&key, None)?;
            let room_type = if default_room {
                RoomType::Voice
            } else {
                rt.as_str().parse::<RoomType>()?
            };
            let t = voipsign::issue(a.as_str(), g.as_str(), &key, room_type)?;
            let ticket = JoinTicket {
                group_id: t.group_id,
                nonce_str: t.nonce_str,
                time_stamp: t.timestamp,
                signature: t.signature,
                room_type: t.room_type.as_str().to_owned(),
            };
            object(env, ticket)
        })
    }
}

/// `signMany(appId, groupId, nonceStr, timeStamp, sessionKeys)` → the signatures
/// joined in one string (index.js slices it: much cheaper than building a
/// JavaScript array element by element through N-API).
///
/// # Safety
/// An N-API callback: see "The entry points" above.
unsafe extern "C" fn sign_many(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the helpers and N-API calls get that `env` and this call's values,
    // and `joined` is `joined.len()` readable bytes.
    unsafe {
        entry(
            env,
            info,
            |env, [app_id, group_id, nonce_str, time_stamp, list]| {
                let mut room = Room::new();
                room.read(env, app_id, group_id, nonce_str, time_stamp)?;
                // A bad room field is reported before a key, as the core does.
                let keys = key_array(env, list, "sessionKeys", || {
                    room.params().validate().map_err(Fail::Core)
                })?;
                let sigs = voipsign::sign_many(&room.params(), &keys.strs())?;
                let mut joined = Vec::with_capacity(sigs.len() * voipsign::SIGNATURE_LEN);
                for sig in &sigs {
                    joined.extend_from_slice(sig.as_bytes());
                }
                let mut out = ptr::null_mut();
                check(sys::napi_create_string_latin1(
                    env,
                    joined.as_ptr() as *const c_char,
                    joined.len() as isize,
                    &mut out,
                ))?;
                Ok(out)
            },
        )
    }
}

/// `sessionSignature(sessionKey, body = '')` → 64 hex digits; `body` a string
/// (signed as UTF-8) or a Uint8Array / Buffer.
///
/// # Safety
/// An N-API callback: see "The entry points" above.
unsafe extern "C" fn session_signature(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the helpers and N-API calls get that `env` and this call's values.
    unsafe {
        entry(env, info, |env, [key_arg, body]| {
            let mut key = KeyStr::new();
            string(
                env,
                key_arg,
                "sessionKey",
                ErrorCode::InvalidSessionKey,
                &mut key.0,
            )?;
            let key = session_key(&key, None)?;
            let sig = match type_of(env, body.0)? {
                sys::ValueType::napi_undefined => voipsign::session_signature(&key, b""),
                sys::ValueType::napi_string => {
                    let mut buf = Str::<1024>::new();
                    string(env, body, "body", ErrorCode::Internal, &mut buf)?;
                    voipsign::session_signature(&key, buf.bytes())
                }
                t => {
                    let mut is_typed = false;
                    check(sys::napi_is_typedarray(env, body.0, &mut is_typed))?;
                    let mut kind = 0;
                    let mut len = 0usize;
                    let mut data: *mut c_void = ptr::null_mut();
                    if is_typed {
                        check(sys::napi_get_typedarray_info(
                            env,
                            body.0,
                            &mut kind,
                            &mut len,
                            &mut data,
                            ptr::null_mut(),
                            ptr::null_mut(),
                        ))?;
                    }
                    if !is_typed || kind != sys::TypedarrayType::uint8_array {
                        return Err(Fail::ArgType(format!(
                            "The \"body\" argument must be of type string or an instance of Buffer or Uint8Array. Received {}",
                            if is_typed { "another typed array" } else { type_name(t) }
                        )));
                    }
                    let bytes: &[u8] = if len == 0 || data.is_null() {
                        &[]
                    } else {
                        // SAFETY: N-API gave the view's own `len` bytes; nothing runs
                        // JavaScript (which could detach the buffer) while they are read.
                        std::slice::from_raw_parts(data as *const u8, len)
                    };
                    voipsign::session_signature(&key, bytes)
                }
            };
            latin1(env, sig.as_str())
        })
    }
}

/// `diagnose(appId, groupId, nonceStr, timeStamp, sessionKey, signature,
/// otherSessionKeys)` → a [`Diagnosis`] object. `otherSessionKeys` may be
/// `undefined` (none). A 13-digit timeStamp and a malformed signature are findings,
/// not errors: the core reports them.
///
/// # Safety
/// An N-API callback: see "The entry points" above.
unsafe extern "C" fn diagnose(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the helpers get that `env` and this call's values.
    unsafe {
        entry(
            env,
            info,
            |env, [app_id, group_id, nonce_str, time_stamp, key_arg, signature, others]| {
                let mut room = Room::new();
                room.read(env, app_id, group_id, nonce_str, time_stamp)?;
                let mut key = KeyStr::new();
                string(
                    env,
                    key_arg,
                    "sessionKey",
                    ErrorCode::InvalidSessionKey,
                    &mut key.0,
                )?;
                let mut sig = Str::<128>::new();
                string(
                    env,
                    signature,
                    "signature",
                    ErrorCode::InvalidSignature,
                    &mut sig,
                )?;
                let p = room.params();
                // Errors follow the field order: the four values, sessionKey, then
                // otherSessionKeys.
                let current = || -> R<SessionKey> {
                    diagnosable(&p)?;
                    session_key(&key, None)
                };
                let others = if type_of(env, others.0)? == sys::ValueType::napi_undefined {
                    KeyList::with_capacity(0)
                } else {
                    key_array(env, others, "otherSessionKeys", || current().map(drop))?
                };
                let key = current()?;
                let others = others
                    .strs()
                    .into_iter()
                    .enumerate()
                    .map(|(i, k)| {
                        SessionKey::new(k).map_err(|e| {
                            core_err(e.code(), format!("otherSessionKeys[{i}]: {}", e.message()))
                        })
                    })
                    .collect::<R<Vec<SessionKey>>>()?;
                let d = voipsign::diagnose(&p, &key, sig.as_str(), &others)?;
                let diagnosis = Diagnosis {
                    verdict: d.verdict.name().to_owned(),
                    mistakes: d.mistakes.iter().map(|m| m.name().to_owned()).collect(),
                    message: d.message,
                    expected: d.expected,
                    canonical: d.canonical,
                };
                object(env, diagnosis)
            },
        )
    }
}

/// `explain(errCode, errMsg = '')` → an [`Explanation`] object.
///
/// # Safety
/// An N-API callback: see "The entry points" above.
unsafe extern "C" fn explain(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the helpers get that `env` and this call's values.
    unsafe {
        entry(env, info, |env, [code, msg]| {
            let code = err_code(env, code)?;
            let mut text = Str::<256>::new();
            match type_of(env, msg.0)? {
                sys::ValueType::napi_undefined => {}
                sys::ValueType::napi_string => {
                    string(env, msg, "errMsg", ErrorCode::Internal, &mut text)?
                }
                t => {
                    return Err(Fail::ArgType(format!(
                        "The \"errMsg\" property must be of type string. Received {}",
                        type_name(t)
                    )))
                }
            }
            let e = voipsign::explain(code, text.as_str());
            let explanation = Explanation {
                cause: e.cause.name().to_owned(),
                meaning: e.meaning,
                action: e.action,
            };
            object(env, explanation)
        })
    }
}

/// `_setErrorClass(VoipSignError)`: the class errors are built with
/// (`new VoipSignError(code, message)`). index.js calls it once per environment.
///
/// # Safety
/// An N-API callback: see "The entry points" above.
unsafe extern "C" fn set_error_class(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the N-API calls get that `env` and this call's values. No JavaScript
    // runs while `inst` is held, and the `Box<Instance>` handed to
    // `napi_set_instance_data` is freed either by `finalize_instance` (once) or
    // right here when N-API did not take it.
    unsafe {
        entry(env, info, |env, [ctor]| {
            if type_of(env, ctor.0)? != sys::ValueType::napi_function {
                return Err(Fail::ArgType("_setErrorClass expects a class".into()));
            }
            let mut r = ptr::null_mut();
            check(sys::napi_create_reference(env, ctor.0, 1, &mut r))?;
            if let Some(inst) = instance(env) {
                sys::napi_delete_reference(env, inst.error_class);
                inst.error_class = r;
            } else {
                let data = Box::into_raw(Box::new(Instance { error_class: r }));
                let st = sys::napi_set_instance_data(
                    env,
                    data as *mut c_void,
                    Some(finalize_instance),
                    ptr::null_mut(),
                );
                if st != sys::Status::napi_ok {
                    drop(Box::from_raw(data));
                    check(st)?;
                }
            }
            let mut undefined = ptr::null_mut();
            check(sys::napi_get_undefined(env, &mut undefined))?;
            Ok(undefined)
        })
    }
}

/// `_panicForTesting(sessionKey?)`: panics, so that the tests can check it becomes
/// `INTERNAL` and the process goes on. Given a session_key, it first copies and
/// validates it as `sign` does (errors as for `sign`), so that the tests can check
/// the key appears neither in the `INTERNAL` error nor in what the panic prints.
/// Only in an addon built with the cargo feature `test-panic` (off by default, so
/// never in the production addon of `npm run build`).
///
/// # Safety
/// An N-API callback: see "The entry points" above.
#[cfg(feature = "test-panic")]
unsafe extern "C" fn panic_for_testing(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API called us with this call's `env` and `info` (the entry points'
    // contract); the helpers get that `env` and this call's values.
    unsafe {
        entry(env, info, |env, [key_arg]| -> R<sys::napi_value> {
            if type_of(env, key_arg.0)? != sys::ValueType::napi_undefined {
                let mut key = KeyStr::new();
                string(
                    env,
                    key_arg,
                    "sessionKey",
                    ErrorCode::InvalidSessionKey,
                    &mut key.0,
                )?;
                let _key = session_key(&key, None)?;
                panic!("deliberate panic for testing, after a valid sessionKey")
            }
            panic!("deliberate panic for testing")
        })
    }
}

type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// The addon's exports. The names starting with `_` are internal.
const EXPORTS: &[(&CStr, Callback)] = &[
    (c"sign", sign),
    (c"verify", verify),
    (c"canonical", canonical),
    (c"issue", issue),
    (c"signMany", sign_many),
    (c"sessionSignature", session_signature),
    (c"diagnose", diagnose),
    (c"explain", explain),
    (c"_setErrorClass", set_error_class),
    #[cfg(feature = "test-panic")]
    (c"_panicForTesting", panic_for_testing),
];

/// Module initialisation (run by napi-rs for each environment: the main thread
/// and every worker): export the entry points.
#[napi(module_exports)]
pub fn init(exports: Object, env: Env) -> napi::Result<()> {
    let (env, exports) = (env.raw(), exports.value().value);
    for &(name, callback) in EXPORTS {
        let mut f = ptr::null_mut();
        let bytes = name.to_bytes();
        // SAFETY: napi-rs runs `init` during module registration with this
        // environment's live `env` and its `exports` object, on its thread; `bytes`
        // and `name` (NUL-terminated) are static; `f` is a valid out-pointer, and
        // `callback` has the contract of the entry points above.
        unsafe {
            let st = sys::napi_create_function(
                env,
                bytes.as_ptr() as *const c_char,
                bytes.len() as isize,
                Some(callback),
                ptr::null_mut(),
                &mut f,
            );
            if st == sys::Status::napi_ok
                && sys::napi_set_named_property(env, exports, name.as_ptr(), f)
                    == sys::Status::napi_ok
            {
                continue;
            }
        }
        return Err(napi::Error::from_reason(format!(
            "voipsign: could not export {name:?}"
        )));
    }
    Ok(())
}
