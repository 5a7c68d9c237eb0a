//! The ledger's options as data, and the one parser every binding calls: a
//! binding passes the options as its user gave them (name → value), core refuses
//! an unknown name, applies the defaults and checks every option in the order of
//! [`OPTIONS`], wording each message in the caller's [`Spelling`].

use serde::Serialize;

use super::Spelling;
use crate::error::{Error, ErrorCode};
#[cfg(feature = "redis")]
use crate::rooms::RedisOptions;
use crate::rooms::{OnUnavailable, Rules};

/// Which ledgers take an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// The room rules: every ledger.
    Rules,
    /// The Redis store's connection settings: Redis ledgers only.
    Redis,
}

/// A default as data: a number, a word, or one computed from other options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum DefaultValue {
    /// A number.
    Int(i64),
    /// A word (an enum value, a prefix).
    Str(&'static str),
}

/// One option. `ty` is `int`, `ms` (a duration in milliseconds), `minutes`,
/// `string` or `enum:<Name>` (see [`super::types::ENUMS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OptionDesc {
    /// snake_case name; bindings with camelCase names spell it so.
    pub name: &'static str,
    /// Which ledgers take it.
    pub group: Group,
    /// Its type.
    pub ty: &'static str,
    /// The default; `None` when computed (`default_doc` says from what).
    pub default: Option<DefaultValue>,
    /// The default in words.
    pub default_doc: &'static str,
    /// The smallest value (numbers).
    pub min: Option<i64>,
    /// The largest value (numbers), unless `max_option` names the option whose
    /// value is the largest.
    pub max: Option<i64>,
    /// The option whose value is this one's largest (checked before this one).
    pub max_option: Option<&'static str>,
    /// What an out-of-range message adds after the range; `{name}` placeholders
    /// are option names, spelled as the caller spells them.
    pub note: &'static str,
    /// One line.
    pub doc: &'static str,
}

const fn int(
    name: &'static str,
    group: Group,
    ty: &'static str,
    default: i64,
    (min, max): (i64, i64),
    note: &'static str,
    doc: &'static str,
) -> OptionDesc {
    OptionDesc {
        name,
        group,
        ty,
        default: Some(DefaultValue::Int(default)),
        default_doc: "",
        min: Some(min),
        max: Some(max),
        max_option: None,
        note,
        doc,
    }
}

/// Every option, in the order core checks them (an option another one depends
/// on comes first).
pub const OPTIONS: &[OptionDesc] = &[
    int("capacity", Group::Rules, "int", 10, (1, 10),
        " (WeChat seats at most 10 people in a room)", "Seats per room."),
    int("daily_room_limit", Group::Rules, "int", 100_000, (1, 100_000),
        " (WeChat opens at most 100000 rooms a day per mini program)",
        "Openings per appId per calendar day."),
    OptionDesc {
        name: "daily_room_warning",
        group: Group::Rules,
        ty: "int",
        default: None,
        default_doc: "90% of {daily_room_limit}, rounded down",
        min: Some(0),
        max: None,
        max_option: Some("daily_room_limit"),
        note: " (at most {daily_room_limit})",
        doc: "From this many openings on, admissions report quota_warning.",
    },
    int("member_daily_openings", Group::Rules, "int", 100, (0, 100_000), " (0: no limit)",
        "Rooms one member may open per calendar day (0: no limit); joining a live room is never refused by it."),
    int("reserve_ttl_ms", Group::Rules, "ms", 60_000, (1_000, 3_600_000), "",
        "Lease of a new seat: time for the phone to join."),
    int("lease_ttl_ms", Group::Rules, "ms", 45_000, (1_000, 3_600_000), "",
        "Lease after each heartbeat or sync."),
    OptionDesc {
        name: "sync_grace_ms",
        group: Group::Rules,
        ty: "ms",
        default: None,
        default_doc: "{reserve_ttl_ms}",
        min: Some(0),
        max: Some(3_600_000),
        max_option: None,
        note: "",
        doc: "A seat younger than this is never removed by sync, and a member who left (leave) less than this ago is not adopted by it.",
    },
    int("day_offset_minutes", Group::Rules, "minutes", 480, (-720, 840),
        " (UTC-12:00 to UTC+14:00)",
        "The UTC offset of the calendar day that quotas count (480: Beijing time)."),
    OptionDesc {
        name: "on_unavailable",
        group: Group::Rules,
        ty: "enum:OnUnavailable",
        default: Some(DefaultValue::Str("allow")),
        default_doc: "",
        min: None,
        max: None,
        max_option: None,
        note: "",
        doc: "What an operation does when the store cannot be reached.",
    },
    int("connect_timeout_ms", Group::Redis, "ms", 250, (1, 60_000), " ms",
        "Opening a connection (TCP, TLS, AUTH)."),
    int("command_timeout_ms", Group::Redis, "ms", 250, (1, 60_000), " ms",
        "Each command (one script run)."),
    int("min_replica_acks", Group::Redis, "int", 0, (0, 16), " (0: no wait)",
        "Replicas that must acknowledge each write (WAIT for half the command timeout); a write not acknowledged in time is reported as on_unavailable says (docs/ROOMS.md, \"Failover\")."),
    OptionDesc {
        name: "key_prefix",
        group: Group::Redis,
        ty: "string",
        default: Some(DefaultValue::Str("voipsign")),
        default_doc: "",
        min: None,
        max: None,
        max_option: None,
        note: "",
        doc: "The first part of every key: ledgers with different prefixes on one server are independent (1-64 bytes of printable ASCII without { or }).",
    },
];

/// A value as a binding received it from its user.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Not given (`None`, `undefined`, `null`): the default.
    Null,
    /// A boolean (never valid: no option is one, and `True` is not 1).
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number (JavaScript's numbers): whole numbers only.
    Float(f64),
    /// A string.
    Str(String),
    /// A list or an object (no option takes one).
    Other,
}

/// The options of a ledger, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// The rules.
    pub rules: Rules,
    /// The Redis options (their defaults for a memory ledger).
    #[cfg(feature = "redis")]
    pub redis: RedisOptions,
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidRules, message)
}

/// `template` with every `{option}` replaced by the option's name in `sp`.
pub(crate) fn words(template: &str, sp: Spelling) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&sp.spell(&rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(feature = "redis")]
fn desc(name: &str) -> &'static OptionDesc {
    OPTIONS
        .iter()
        .find(|d| d.name == name)
        .expect("a described option")
}

/// Checks `v` against `d`'s range; `earlier` holds the options checked before.
fn in_range(d: &OptionDesc, v: i64, earlier: &[(&str, i64)], sp: Spelling) -> Result<i64, Error> {
    let min = d.min.unwrap_or(i64::MIN);
    let max = match d.max_option {
        Some(o) => earlier
            .iter()
            .find(|(n, _)| *n == o)
            .map_or(i64::MAX, |e| e.1),
        None => d.max.unwrap_or(i64::MAX),
    };
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(invalid(format!(
            "{} is {v}; it must be {min}-{max}{}",
            sp.spell(d.name),
            words(d.note, sp)
        )))
    }
}

/// The numbers of `rules` in [`OPTIONS`] order, defaults computed, each checked.
pub(crate) fn check_rules(r: &Rules, sp: Spelling) -> Result<Vec<(&'static str, i64)>, Error> {
    let mut done: Vec<(&'static str, i64)> = Vec::with_capacity(8);
    for d in OPTIONS
        .iter()
        .filter(|d| d.group == Group::Rules && d.ty != "enum:OnUnavailable")
    {
        let v = match d.name {
            "capacity" => r.capacity,
            "daily_room_limit" => r.daily_room_limit,
            "daily_room_warning" => r.daily_room_warning.unwrap_or(r.daily_room_limit * 9 / 10),
            "member_daily_openings" => r.member_daily_openings,
            "reserve_ttl_ms" => r.reserve_ttl_ms,
            "lease_ttl_ms" => r.lease_ttl_ms,
            "sync_grace_ms" => r.sync_grace_ms.unwrap_or(r.reserve_ttl_ms),
            "day_offset_minutes" => r.day_offset_minutes,
            other => unreachable!("rule {other} has no field"),
        };
        done.push((d.name, in_range(d, v, &done, sp)?));
    }
    Ok(done)
}

/// A connect or command timeout of the Redis options, checked.
#[cfg(feature = "redis")]
/// `v` in the range of the integer option `name` (a timeout, `min_replica_acks`).
pub(crate) fn check_timeout(name: &str, v: i64, sp: Spelling) -> Result<i64, Error> {
    in_range(desc(name), v, &[], sp)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Other => "a list or an object",
    }
}

fn whole(d: &OptionDesc, v: &Value, sp: Spelling) -> Result<Option<i64>, Error> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match *v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(i)),
        Value::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() <= EXACT => {
            Ok(Some(x as i64))
        }
        Value::Float(x) => Err(invalid(format!(
            "{} is {x}; it must be a whole number",
            sp.spell(d.name)
        ))),
        _ => Err(invalid(format!(
            "{} must be a number, not {}",
            sp.spell(d.name),
            type_name(v)
        ))),
    }
}

fn text<'v>(d: &OptionDesc, v: &'v Value, sp: Spelling) -> Result<Option<&'v str>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Str(s) => Ok(Some(s)),
        _ => Err(invalid(format!(
            "{} must be a string, not {}",
            sp.spell(d.name),
            type_name(v)
        ))),
    }
}

/// The message for a name no option has (with what was probably meant).
fn unknown(name: &str, redis: bool, sp: Spelling) -> Error {
    let other = match sp {
        Spelling::Snake => Spelling::Camel,
        Spelling::Camel => Spelling::Snake,
    };
    let hint = match OPTIONS
        .iter()
        .find(|d| sp.spell(d.name) == name || other.spell(d.name) == name)
    {
        Some(d) if sp.spell(d.name) != name => format!(" (did you mean {}?)", sp.spell(d.name)),
        Some(d) if d.group == Group::Redis && !redis => {
            return invalid(format!("{name} applies to a Redis ledger only"));
        }
        _ => String::new(),
    };
    let known: Vec<String> = OPTIONS
        .iter()
        .filter(|d| redis || d.group == Group::Rules)
        .map(|d| sp.spell(d.name).into_owned())
        .collect();
    invalid(format!(
        "unknown option {name}{hint}; the options are {}",
        known.join(", ")
    ))
}

/// Parse a ledger's options as its user gave them. Refuses the first unknown
/// name (in the given order; Redis options on a memory ledger included), then
/// checks every option in [`OPTIONS`] order: its type, then its range. Names
/// and messages are in `sp`. Every failure is `INVALID_RULES`.
pub fn parse<K: AsRef<str>>(
    entries: &[(K, Value)],
    redis: bool,
    sp: Spelling,
) -> Result<Settings, Error> {
    let mut given: Vec<Option<&Value>> = vec![None; OPTIONS.len()];
    for (k, v) in entries {
        let k = k.as_ref();
        let i = OPTIONS
            .iter()
            .position(|d| (redis || d.group == Group::Rules) && sp.spell(d.name) == k);
        match i {
            Some(i) => given[i] = Some(v),
            None => return Err(unknown(shown(k), redis, sp)),
        }
    }
    let mut s = Settings::default();
    let mut done: Vec<(&'static str, i64)> = Vec::new();
    for (d, v) in OPTIONS.iter().zip(given) {
        let v = v.unwrap_or(&Value::Null);
        match d.ty {
            "enum:OnUnavailable" => {
                s.rules.on_unavailable = match text(d, v, sp)? {
                    None => OnUnavailable::default(),
                    Some("allow") => OnUnavailable::Allow,
                    Some("refuse") => OnUnavailable::Refuse,
                    Some(other) => {
                        return Err(invalid(format!(
                            "{} ({} bytes) is not \"allow\" or \"refuse\"",
                            sp.spell(d.name),
                            other.len()
                        )))
                    }
                }
            }
            "string" =>
            {
                #[cfg(feature = "redis")]
                if let Some(p) = text(d, v, sp)? {
                    crate::rooms::check_key_prefix(p, sp)?;
                    s.redis.key_prefix = p.to_owned();
                }
            }
            _ => {
                let given = whole(d, v, sp)?;
                let value = match (given, d.default) {
                    (Some(x), _) => x,
                    (None, Some(DefaultValue::Int(x))) => x,
                    (None, _) => match d.name {
                        "daily_room_warning" => s.rules.daily_room_limit * 9 / 10,
                        "sync_grace_ms" => s.rules.reserve_ttl_ms,
                        other => unreachable!("{other} has no computed default"),
                    },
                };
                let value = in_range(d, value, &done, sp)?;
                done.push((d.name, value));
                set(&mut s, d.name, value, given.is_some());
            }
        }
    }
    Ok(s)
}

fn set(s: &mut Settings, name: &str, v: i64, given: bool) {
    let r = &mut s.rules;
    match name {
        "capacity" => r.capacity = v,
        "daily_room_limit" => r.daily_room_limit = v,
        "daily_room_warning" => r.daily_room_warning = given.then_some(v),
        "member_daily_openings" => r.member_daily_openings = v,
        "reserve_ttl_ms" => r.reserve_ttl_ms = v,
        "lease_ttl_ms" => r.lease_ttl_ms = v,
        "sync_grace_ms" => r.sync_grace_ms = given.then_some(v),
        "day_offset_minutes" => r.day_offset_minutes = v,
        #[cfg(feature = "redis")]
        "connect_timeout_ms" => s.redis.connect_timeout_ms = v,
        #[cfg(feature = "redis")]
        "command_timeout_ms" => s.redis.command_timeout_ms = v,
        #[cfg(feature = "redis")]
        "min_replica_acks" => s.redis.min_replica_acks = v,
        _ => {}
    }
}

/// An option name as it may appear in a message: a name is the caller's code,
/// but a long or odd one might be a value pasted in the wrong place.
fn shown(name: &str) -> &str {
    if name.len() <= 40 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        name
    } else {
        "(a name that is not an identifier)"
    }
}

/// The options of a JSON object (`{"dailyRoomLimit": 5}`): what the C ABI and the
/// bindings over it pass. Not an object: `INVALID_RULES`.
pub fn from_json(text: &str) -> Result<Vec<(String, Value)>, Error> {
    let bad = || invalid("the options are not a JSON object".to_owned());
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|_| bad())?;
    Ok(map
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::Bool(b) => Value::Bool(b),
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => Value::Int(i),
                    None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
                },
                serde_json::Value::String(s) => Value::Str(s),
                _ => Value::Other,
            };
            (k, v)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(entries: &[(&str, Value)], redis: bool, sp: Spelling) -> String {
        parse(entries, redis, sp).unwrap_err().message().to_owned()
    }

    #[test]
    fn defaults_and_spellings() {
        let s = parse::<&str>(&[], false, Spelling::Snake).unwrap();
        assert_eq!(s.rules, Rules::default());
        let s = parse(
            &[("dailyRoomLimit", Value::Float(5.0))],
            false,
            Spelling::Camel,
        )
        .unwrap();
        assert_eq!(s.rules.daily_room_limit, 5);
        assert_eq!(s.rules.validate().unwrap().daily_room_warning, 4);
        assert_eq!(
            err(
                &[
                    ("dailyRoomWarning", Value::Int(6)),
                    ("dailyRoomLimit", Value::Int(5))
                ],
                false,
                Spelling::Camel
            ),
            "dailyRoomWarning is 6; it must be 0-5 (at most dailyRoomLimit)"
        );
        assert_eq!(
            err(
                &[
                    ("daily_room_warning", Value::Int(6)),
                    ("daily_room_limit", Value::Int(5))
                ],
                false,
                Spelling::Snake
            ),
            "daily_room_warning is 6; it must be 0-5 (at most daily_room_limit)"
        );
        assert!(err(
            &[("daily_room_limit", Value::Int(5))],
            false,
            Spelling::Camel
        )
        .starts_with("unknown option daily_room_limit (did you mean dailyRoomLimit?)"));
        assert_eq!(
            err(
                &[("keyPrefix", Value::Str("x".into()))],
                false,
                Spelling::Camel
            ),
            "keyPrefix applies to a Redis ledger only"
        );
        assert!(err(&[("capacty", Value::Int(5))], false, Spelling::Snake)
            .starts_with("unknown option capacty;"));
    }

    #[test]
    fn order_types_and_ranges() {
        // capacity is checked before daily_room_limit, whatever the given order.
        let e = err(
            &[
                ("daily_room_limit", Value::Int(0)),
                ("capacity", Value::Int(11)),
            ],
            false,
            Spelling::Snake,
        );
        assert!(e.starts_with("capacity is 11"), "{e}");
        assert_eq!(
            err(&[("capacity", Value::Bool(true))], false, Spelling::Snake),
            "capacity must be a number, not a boolean"
        );
        assert_eq!(
            err(&[("capacity", Value::Float(2.5))], false, Spelling::Snake),
            "capacity is 2.5; it must be a whole number"
        );
        assert_eq!(
            err(&[("onUnavailable", Value::Int(1))], false, Spelling::Camel),
            "onUnavailable must be a string, not a number"
        );
        let s = parse(
            &[("on_unavailable", Value::Str("refuse".into()))],
            false,
            Spelling::Snake,
        )
        .unwrap();
        assert_eq!(s.rules.on_unavailable, OnUnavailable::Refuse);
        let j = from_json(r#"{"capacity": 2, "onUnavailable": null}"#).unwrap();
        assert_eq!(parse(&j, false, Spelling::Camel).unwrap().rules.capacity, 2);
        assert!(from_json("[1]").is_err());
        assert_eq!(
            err(
                &[("capacity", Value::Str("2".into()))],
                false,
                Spelling::Snake
            ),
            "capacity must be a number, not a string"
        );
    }

    #[cfg(feature = "redis")]
    #[test]
    fn redis_options() {
        let s = parse(
            &[
                ("commandTimeoutMs", Value::Int(900)),
                ("keyPrefix", Value::Str("t".into())),
            ],
            true,
            Spelling::Camel,
        )
        .unwrap();
        assert_eq!(
            (s.redis.command_timeout_ms, s.redis.key_prefix.as_str()),
            (900, "t")
        );
        assert_eq!(
            err(
                &[("connectTimeoutMs", Value::Int(0))],
                true,
                Spelling::Camel
            ),
            "connectTimeoutMs is 0; it must be 1-60000 ms"
        );
        assert!(err(
            &[("key_prefix", Value::Str("a{b".into()))],
            true,
            Spelling::Snake
        )
        .starts_with("key_prefix must not"));
    }
}
