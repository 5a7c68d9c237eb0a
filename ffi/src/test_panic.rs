//! The test-only entry of the cargo feature `test-panic` and its Rust tests.

use crate::args::guard;
use crate::status::{VoipsignError, VoipsignStatus};

/// Test-only (cargo feature `test-panic`, never in a release build nor in
/// `voipsign.h`): panics inside the same panic boundary every entry uses, so that
/// the tests of the C ABI and of every binding can prove that a panic comes out
/// as `VOIPSIGN_INTERNAL` with a message, and that the process carries on.
///
/// # Safety
/// `err` must be NULL or a writable `voipsign_error`.
#[no_mangle]
pub unsafe extern "C" fn voipsign_test_panic(err: *mut VoipsignError) -> VoipsignStatus {
    guard(err, || {
        panic!("deliberate panic from voipsign_test_panic (the test-panic feature)")
    })
}

/// The panic boundary from Rust (`cargo test -p voipsign-ffi --features
/// test-panic`; `make test-ffi-panic`). The C, Go, PHP suites prove the same
/// through the built library.
#[cfg(all(test, feature = "test-panic"))]
mod panic_boundary {
    use std::ffi::CStr;

    use super::voipsign_test_panic;
    use crate::status::{VoipsignError, VoipsignStatus};
    use crate::voipsign_status_name;

    fn blank() -> VoipsignError {
        VoipsignError {
            status: VoipsignStatus::VoipsignOk,
            message_len: 0,
            message: [0; crate::VOIPSIGN_ERROR_MESSAGE_CAP],
        }
    }

    #[test]
    fn a_panic_is_internal_with_a_message() {
        let mut err = blank();
        // SAFETY: `err` is a writable voipsign_error.
        let st = unsafe { voipsign_test_panic(&mut err) };
        assert_eq!(st, VoipsignStatus::VoipsignInternal);
        assert_eq!(err.status, VoipsignStatus::VoipsignInternal);
        // SAFETY: the library NUL-terminates the message within its capacity.
        let msg = unsafe { CStr::from_ptr(err.message.as_ptr()) };
        let msg = msg.to_str().unwrap();
        assert_eq!(msg.len(), err.message_len);
        assert!(msg.contains("panic"), "{msg}");
        // SAFETY: voipsign_status_name returns a static NUL-terminated string.
        let name = unsafe { CStr::from_ptr(voipsign_status_name(st as i32)) };
        assert_eq!(name.to_str().unwrap(), "INTERNAL");
        // SAFETY: `err` may be NULL.
        let st = unsafe { voipsign_test_panic(std::ptr::null_mut()) };
        assert_eq!(st, VoipsignStatus::VoipsignInternal);
    }

    #[test]
    fn panics_from_many_threads() {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    for _ in 0..25 {
                        let mut err = blank();
                        // SAFETY: `err` is a writable voipsign_error.
                        let st = unsafe { voipsign_test_panic(&mut err) };
                        assert_eq!(st, VoipsignStatus::VoipsignInternal);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
}
