//! The ledger context of an explanation: what the backend knows about the
//! caller and the room when a `wx.joinVoIPChat` failure comes back. Every field
//! is optional (absent or null: not known); names are the caller's spelling
//! (`key_replaced` or `keyReplaced`); an unknown name or a value of the wrong
//! type is `INVALID_CONTEXT`, naming it.

use crate::contract::{Spelling, Value};
use crate::error::{Error, ErrorCode};

/// What the backend knows about a failed join (docs/CONTRACT.md, "explain").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExplainContext {
    /// The room the failed join was for.
    pub group_id: Option<String>,
    /// Whether a login after the ticket was signed replaced the session_key it
    /// was signed with.
    pub key_replaced: Option<bool>,
    /// Whether the ticket the backend issued for `group_id` verifies under the
    /// session_key it holds (the backend signed right; WeChat holds another key).
    pub ticket_verified: Option<bool>,
    /// Whether the ledger holds the caller's live seat in `group_id`.
    pub seated: Option<bool>,
    /// Another room where the ledger still holds the caller's live seat (or
    /// the caller's last ticket was for).
    pub seated_elsewhere: Option<String>,
    /// The live seats of `group_id` in the ledger.
    pub room_seats: Option<i64>,
    /// The ledger's room capacity.
    pub capacity: Option<i64>,
    /// The app's openings today in the ledger.
    pub openings_today: Option<i64>,
    /// The ledger's daily room limit.
    pub daily_room_limit: Option<i64>,
}

/// The context's fields, snake_case, in the order they are read.
pub(crate) const CONTEXT_FIELDS: [&str; 9] = [
    "group_id",
    "key_replaced",
    "ticket_verified",
    "seated",
    "seated_elsewhere",
    "room_seats",
    "capacity",
    "openings_today",
    "daily_room_limit",
];

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidContext, message)
}

impl ExplainContext {
    /// The context from name → value pairs as a binding received them, names in
    /// `sp`. Null values are "not known"; a name given twice keeps the last.
    pub fn parse<K: AsRef<str>>(entries: &[(K, Value)], sp: Spelling) -> Result<Self, Error> {
        let mut c = ExplainContext::default();
        for (k, v) in entries {
            let k = k.as_ref();
            let Some(field) = CONTEXT_FIELDS.iter().find(|f| sp.spell(f) == k) else {
                let shown: String = k.chars().take(64).collect();
                let known: Vec<String> =
                    CONTEXT_FIELDS.iter().map(|f| sp.spell(f).into()).collect();
                return Err(invalid(format!(
                    "the explain context has no field {shown:?} (known: {})",
                    known.join(", ")
                )));
            };
            let name = sp.spell(field);
            if *v == Value::Null {
                continue;
            }
            let text = || match v {
                Value::Str(s) if crate::params::validate_group_id(s).is_ok() => Ok(s.clone()),
                _ => Err(invalid(format!(
                    "{name} must be a groupId (as groupId is checked: see INVALID_GROUP_ID)"
                ))),
            };
            let flag = || match v {
                Value::Bool(b) => Ok(*b),
                _ => Err(invalid(format!("{name} must be a boolean"))),
            };
            let count = || match v {
                Value::Int(i) if *i >= 0 => Ok(*i),
                Value::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f < 9.0e15 => Ok(*f as i64),
                _ => Err(invalid(format!(
                    "{name} must be a whole number of 0 or more"
                ))),
            };
            match *field {
                "group_id" => c.group_id = Some(text()?),
                "key_replaced" => c.key_replaced = Some(flag()?),
                "ticket_verified" => c.ticket_verified = Some(flag()?),
                "seated" => c.seated = Some(flag()?),
                "seated_elsewhere" => c.seated_elsewhere = Some(text()?),
                "room_seats" => c.room_seats = Some(count()?),
                "capacity" => c.capacity = Some(count()?),
                "openings_today" => c.openings_today = Some(count()?),
                _ => c.daily_room_limit = Some(count()?),
            }
        }
        Ok(c)
    }

    /// The context of a JSON object (what the C ABI and bindings over it pass);
    /// not an object: `INVALID_CONTEXT`.
    pub fn from_json(text: &str, sp: Spelling) -> Result<Self, Error> {
        let entries = crate::contract::options::from_json(text)
            .map_err(|_| invalid("the explain context is not a JSON object".to_owned()))?;
        Self::parse(&entries, sp)
    }

    /// Whether the caller holds a live seat in another room than the failed one.
    pub(crate) fn elsewhere(&self) -> Option<&str> {
        let other = self.seated_elsewhere.as_deref()?;
        (self.group_id.as_deref() != Some(other)).then_some(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(entries: &[(&str, Value)], sp: Spelling) -> String {
        let e = ExplainContext::parse(entries, sp).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidContext);
        e.message().to_owned()
    }

    #[test]
    fn spellings_types_and_unknown_names() {
        let c = ExplainContext::parse(
            &[
                ("keyReplaced", Value::Bool(true)),
                ("roomSeats", Value::Float(3.0)),
                ("groupId", Value::Str("g".into())),
                ("seated", Value::Null),
            ],
            Spelling::Camel,
        )
        .unwrap();
        assert_eq!(c.key_replaced, Some(true));
        assert_eq!(c.room_seats, Some(3));
        assert_eq!(c.group_id.as_deref(), Some("g"));
        assert_eq!(c.seated, None);
        let m = err(&[("key_replaced", Value::Bool(true))], Spelling::Camel);
        assert!(
            m.contains("\"key_replaced\"") && m.contains("keyReplaced"),
            "{m}"
        );
        assert!(
            err(&[("seated", Value::Int(1))], Spelling::Snake).contains("seated must be a boolean")
        );
        assert!(
            err(&[("room_seats", Value::Int(-1))], Spelling::Snake).contains("room_seats must be")
        );
        assert!(
            err(&[("openingsToday", Value::Float(1.5))], Spelling::Camel).contains("openingsToday")
        );
        assert!(
            err(&[("group_id", Value::Str(String::new()))], Spelling::Snake).contains("group_id")
        );
        assert_eq!(
            ExplainContext::from_json("[1]", Spelling::Snake)
                .unwrap_err()
                .code(),
            ErrorCode::InvalidContext
        );
        let c = ExplainContext::from_json(
            r#"{"seated_elsewhere":"a","group_id":"a"}"#,
            Spelling::Snake,
        )
        .unwrap();
        assert_eq!(c.elsewhere(), None, "the same room is not elsewhere");
    }
}
