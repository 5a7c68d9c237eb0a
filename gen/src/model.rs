//! The description as the generator reads it (the JSON of
//! `voipsign::contract::description_json`, or a fixture).

use serde::Deserialize;

/// The whole description.
#[derive(Debug, Clone, Deserialize)]
pub struct Description {
    /// The library version.
    pub version: String,
    /// Error codes in number order.
    pub codes: Vec<Code>,
    /// Enums.
    pub enums: Vec<Enum>,
    /// Records.
    pub records: Vec<Record>,
    /// Records a caller passes in (every field optional).
    #[serde(default)]
    pub inputs: Vec<Record>,
    /// Ledger options in validation order.
    pub options: Vec<Opt>,
    /// Named numbers.
    pub constants: Vec<(String, i64)>,
}

/// An error code.
#[derive(Debug, Clone, Deserialize)]
pub struct Code {
    /// `INVALID_NONCE`.
    pub name: String,
    /// The C status number.
    pub number: u32,
    /// `InvalidNonce`.
    pub class_name: String,
    /// `input`, `refusal`, `outage` or `internal`.
    pub kind: String,
    /// `all`, `c` or `bindings`.
    pub scope: String,
    /// One line.
    pub doc: String,
    /// A generic message.
    pub description: String,
}

/// An enum.
#[derive(Debug, Clone, Deserialize)]
pub struct Enum {
    /// Type name.
    pub name: String,
    /// One line.
    pub doc: String,
    /// Values.
    pub values: Vec<Value>,
}

/// An enum value.
#[derive(Debug, Clone, Deserialize)]
pub struct Value {
    /// Wire form.
    pub name: String,
    /// One line.
    pub doc: String,
}

/// A record.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    /// Type name.
    pub name: String,
    /// One line.
    pub doc: String,
    /// Fields.
    pub fields: Vec<Field>,
}

/// A record field.
#[derive(Debug, Clone, Deserialize)]
pub struct Field {
    /// snake_case.
    pub name: String,
    /// JSON key.
    pub json: String,
    /// Type (see `voipsign::contract::types::FieldDesc`).
    pub ty: String,
    /// One line.
    pub doc: String,
}

/// A ledger option.
#[derive(Debug, Clone, Deserialize)]
pub struct Opt {
    /// snake_case.
    pub name: String,
    /// `rules` or `redis`.
    pub group: String,
    /// `int`, `ms`, `minutes`, `string`, `enum:<Name>`.
    pub ty: String,
    /// A number, a string, or null (computed).
    pub default: serde_json::Value,
    /// The computed default in words (`{option}` placeholders).
    pub default_doc: String,
    /// Smallest.
    pub min: Option<i64>,
    /// Largest.
    pub max: Option<i64>,
    /// The option whose value is the largest.
    pub max_option: Option<String>,
    /// Range note.
    pub note: String,
    /// One line.
    pub doc: String,
}

impl Description {
    /// Core's description.
    pub fn core() -> Description {
        Description::parse(&voipsign::contract::description_json())
    }

    /// A description from JSON text; panics on a malformed one (a bug in core or
    /// the fixture).
    pub fn parse(text: &str) -> Description {
        serde_json::from_str(text).expect("a well-formed contract description")
    }

    /// The codes a binding of the kind `surface` shows (`c` or `bindings`).
    pub fn codes_for(&self, surface: &str) -> impl Iterator<Item = &Code> {
        let s = surface.to_owned();
        self.codes
            .iter()
            .filter(move |c| c.scope == "all" || c.scope == s)
    }

    /// The enum named `name`.
    pub fn enum_named(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// A constant by name (0 when absent: fixtures may omit them).
    pub fn constant(&self, name: &str) -> i64 {
        self.constants
            .iter()
            .find(|c| c.0 == name)
            .map_or(0, |c| c.1)
    }
}

impl Opt {
    /// The default in words, `{option}` spelled by `spell`.
    pub fn default_words(&self, spell: impl Fn(&str) -> String) -> String {
        match &self.default {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => format!("{s:?}"),
            _ => crate::names::fill(&self.default_doc, spell),
        }
    }

    /// The range in words (`1-10`, `0-dailyRoomLimit`), or "".
    pub fn range_words(&self, spell: impl Fn(&str) -> String) -> String {
        match (self.min, self.max, &self.max_option) {
            (Some(a), _, Some(o)) => format!("{a}-{}", spell(o)),
            (Some(a), Some(b), None) => format!("{a}-{b}"),
            _ => String::new(),
        }
    }
}
