//! The C ABI's `voipsign_status` (ffi/src/status_codes.rs; cbindgen puts it in
//! include/voipsign.h).

use crate::model::Description;
use crate::names::{banner, pascal};
use crate::Generated;

/// ffi/src/status_codes.rs.
pub fn files(d: &Description) -> Vec<Generated> {
    let mut s = banner("//");
    s.push_str(
        "//! `voipsign_status`: one value per error code of core's contract (docs/CONTRACT.md).\n\n\
         use voipsign::ErrorCode;\n\n\
         /// The result of every fallible `voipsign_*` function. `VOIPSIGN_OK` is 0; every\n\
         /// other value names one error code of docs/CONTRACT.md. Values are stable forever:\n\
         /// new codes are only appended.\n\
         #[repr(C)]\n#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum VoipsignStatus {\n    /// Success.\n    VoipsignOk = 0,\n",
    );
    for c in &d.codes {
        let scope = match c.scope.as_str() {
            "bindings" => " Never returned by the C ABI (its bindings report it).",
            _ => "",
        };
        s += &format!(
            "    /// {} [{}]{scope}\n    Voipsign{} = {},\n",
            c.doc,
            c.kind,
            pascal(&c.name),
            c.number
        );
    }
    s.push_str("}\n\nimpl From<ErrorCode> for VoipsignStatus {\n    fn from(code: ErrorCode) -> Self {\n        match code {\n");
    for c in &d.codes {
        let p = pascal(&c.name);
        s += &format!("            ErrorCode::{p} => VoipsignStatus::Voipsign{p},\n");
    }
    s.push_str("            #[allow(unreachable_patterns)]\n            _ => VoipsignStatus::VoipsignInternal,\n        }\n    }\n}\n");
    vec![Generated::new("ffi/src/status_codes.rs", s)]
}
