//! The boundary of voipsign as data: every error code (name, number, kind,
//! doc), enum, record and ledger option, in one place. [`ErrorCode`] and the C
//! ABI's `voipsign_status` are made from it, and `make gen` writes every
//! binding's declarations (exception classes, code constants, enum and record
//! types, option builders) from [`description_json`]; `make gen-check` fails on
//! drift.
//!
//! [`ErrorCode`]: crate::ErrorCode

use std::borrow::Cow;

use serde::Serialize;

pub mod codes;
pub mod options;
pub mod types;

pub use codes::{CodeDesc, Kind, Scope};
pub use options::{parse as parse_options, OptionDesc, Settings, Value};
pub use types::{EnumDesc, FieldDesc, RecordDesc};

/// How the caller spells names: core's messages use the caller's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spelling {
    /// `daily_room_limit`: Rust, Python, C, the command line.
    #[default]
    Snake,
    /// `dailyRoomLimit`: Node, Go, Java, PHP.
    Camel,
}

impl Spelling {
    /// `snake` (a snake_case name) in this spelling.
    pub fn spell(self, snake: &str) -> Cow<'_, str> {
        match self {
            Spelling::Snake => Cow::Borrowed(snake),
            Spelling::Camel => Cow::Owned(camel(snake)),
        }
    }
}

/// `daily_room_limit` → `dailyRoomLimit`.
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole description.
#[derive(Debug, Clone, Serialize)]
pub struct Description {
    /// The library version.
    pub version: &'static str,
    /// Every error code, in number order.
    pub codes: Vec<CodeDesc>,
    /// Every enum.
    pub enums: &'static [EnumDesc],
    /// Every record.
    pub records: &'static [RecordDesc],
    /// Every record a caller passes in (all fields optional).
    pub inputs: &'static [RecordDesc],
    /// Every ledger option, in validation order.
    pub options: &'static [OptionDesc],
    /// Facts the bindings size things by.
    pub constants: Vec<(&'static str, i64)>,
}

/// The description of this build of core.
pub fn description() -> Description {
    Description {
        version: crate::VERSION,
        codes: crate::ErrorCode::ALL
            .iter()
            .map(|c| {
                let mut d = c.describe();
                d.doc = d.doc.trim();
                d
            })
            .collect(),
        enums: types::ENUMS,
        records: types::RECORDS,
        inputs: types::INPUTS,
        options: options::OPTIONS,
        constants: vec![
            ("max_capacity", crate::rooms::MAX_CAPACITY),
            ("max_member_id_len", crate::MAX_MEMBER_ID_LEN as i64),
            ("max_room_json_fixed", crate::rooms::ROOM_JSON_FIXED as i64),
            (
                "max_room_json_per_seat",
                crate::rooms::ROOM_JSON_PER_SEAT as i64,
            ),
        ],
    }
}

/// [`description`] as pretty JSON (what the generator reads).
pub fn description_json() -> String {
    serde_json::to_string_pretty(&description()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case() {
        assert_eq!(camel("daily_room_limit"), "dailyRoomLimit");
        assert_eq!(camel("capacity"), "capacity");
        assert_eq!(Spelling::Camel.spell("sync_grace_ms"), "syncGraceMs");
    }

    #[test]
    fn description_is_json() {
        let v: serde_json::Value = serde_json::from_str(&description_json()).unwrap();
        assert_eq!(v["codes"][12]["name"], "ROOM_FULL");
        assert_eq!(v["codes"][12]["kind"], "refusal");
        assert_eq!(v["options"][0]["name"], "capacity");
    }
}
