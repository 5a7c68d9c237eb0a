//! What a call may answer: the problem the library must find with each argument
//! (NULL with a length, not UTF-8, refused by the core's validator), and the check
//! that the returned status names one of the call's problems.

use crate::c_args::{Arg, ArgList};
use crate::status::{INVALID_UTF8, NULL_ARGUMENT, OK};

/// The C number of a core error code.
pub fn code(e: &voipsign::Error) -> i32 {
    e.code().number() as i32
}

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
