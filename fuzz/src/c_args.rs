//! The C input arguments: `(const char *ptr, size_t len)` pairs that are sometimes
//! NULL (with zero and non-zero lengths), key lists as parallel pointer and length
//! arrays, and the four request values of every signing call.

use std::ffi::c_char;

use arbitrary::Unstructured;

use crate::expected::{code, defect};
use crate::generators::{gen_app_id, gen_group, gen_nonce, gen_ts};
use crate::input::int;
use crate::leak::ts_texts;

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

    /// The pointer passed: NULL when `null`, else the start of `bytes`.
    pub fn ptr(&self) -> *const c_char {
        if self.null {
            std::ptr::null()
        } else {
            self.bytes.as_ptr().cast()
        }
    }

    /// The length passed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the length passed is 0.
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
    /// The strings (at least `count` of them unless an array is NULL).
    pub args: Vec<Arg>,
    ptrs: Vec<*const c_char>,
    lens: Vec<usize>,
    /// Pass NULL as the pointer array.
    pub ptrs_null: bool,
    /// Pass NULL as the length array.
    pub lens_null: bool,
    /// The count passed: `args.len()`, except with a NULL array, where it may be
    /// anything.
    pub count: usize,
}

impl ArgList {
    /// Up to `max` strings made by `gen` (each now and then NULL), the arrays now
    /// and then NULL with any count.
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

    /// The `const char *const *` array passed (NULL when `ptrs_null`).
    pub fn ptrs(&self) -> *const *const c_char {
        if self.ptrs_null {
            std::ptr::null()
        } else {
            self.ptrs.as_ptr()
        }
    }

    /// The `const size_t *` array passed (NULL when `lens_null`).
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

/// appId, groupId, nonceStr and timeStamp as C arguments.
pub struct ParamArgs {
    /// appId.
    pub app: Arg,
    /// groupId.
    pub group: Arg,
    /// nonceStr.
    pub nonce: Arg,
    /// timeStamp.
    pub ts: i64,
}

impl ParamArgs {
    /// Four generated values, the strings now and then NULL.
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
