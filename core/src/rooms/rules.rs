//! The ledger's configuration: WeChat's room rules and the leases, validated.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::contract::options::check_rules;
use crate::contract::Spelling;
use crate::error::{Error, ErrorCode};

/// What an operation does when the store cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnUnavailable {
    /// Admit anyway, with `degraded = true` (the default: WeChat still enforces
    /// its own rules; a ledger outage should not lock users out).
    #[default]
    Allow,
    /// Refuse with `LEDGER_UNAVAILABLE`.
    Refuse,
}

impl OnUnavailable {
    /// `"allow"` or `"refuse"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OnUnavailable::Allow => "allow",
            OnUnavailable::Refuse => "refuse",
        }
    }
}

impl TryFrom<i64> for OnUnavailable {
    type Error = Error;

    /// The C ABI's numbering: 0 allow, 1 refuse.
    fn try_from(n: i64) -> Result<OnUnavailable, Error> {
        match n {
            0 => Ok(OnUnavailable::Allow),
            1 => Ok(OnUnavailable::Refuse),
            _ => Err(invalid(format!(
                "on_unavailable is {n}; it must be 0 (allow) or 1 (refuse)"
            ))),
        }
    }
}

impl fmt::Display for OnUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OnUnavailable {
    type Err = Error;

    fn from_str(s: &str) -> Result<OnUnavailable, Error> {
        match s {
            "allow" => Ok(OnUnavailable::Allow),
            "refuse" => Ok(OnUnavailable::Refuse),
            _ => Err(invalid(format!(
                "on_unavailable ({} bytes) is not \"allow\" or \"refuse\"",
                s.len()
            ))),
        }
    }
}

/// WeChat's most people in one room at a time.
pub const MAX_CAPACITY: i64 = 10;
/// WeChat's most rooms one mini program may open in a day.
pub const MAX_DAILY_ROOM_LIMIT: i64 = 100_000;
/// The longest lease, grace or reservation accepted (one hour).
pub const MAX_TTL_MS: i64 = 3_600_000;
/// The shortest lease or reservation accepted (one second).
pub const MIN_TTL_MS: i64 = 1_000;
/// Rooms one member may open per day unless told (`member_daily_openings`).
pub const DEFAULT_MEMBER_DAILY_OPENINGS: i64 = 100;

/// The rules a ledger enforces, as given by the caller. Numbers are signed so that
/// every language can pass what it was given and [`Rules::validate`] names what is
/// out of range (`INVALID_RULES`). `None` means "the default".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Seats per room, 1–10 (default 10).
    pub capacity: i64,
    /// Openings per appId per day, 1–100 000 (default 100 000).
    pub daily_room_limit: i64,
    /// From this many openings on, admissions report `quota_warning`;
    /// 0–`daily_room_limit`, default 90 % of the limit (rounded down).
    pub daily_room_warning: Option<i64>,
    /// Rooms one member may open per day, 0–100 000 (default 100; 0: no limit).
    pub member_daily_openings: i64,
    /// Lease of a new seat, ms (default 60 000): time for the phone to join.
    pub reserve_ttl_ms: i64,
    /// Lease after each heartbeat, ms (default 45 000).
    pub lease_ttl_ms: i64,
    /// A seat younger than this is never removed by `sync`, ms; default
    /// `reserve_ttl_ms`.
    pub sync_grace_ms: Option<i64>,
    /// The UTC offset of the calendar day that quotas count, minutes, −720–840
    /// (default +480: Beijing time).
    pub day_offset_minutes: i64,
    /// What to do when the store cannot be reached (default `allow`).
    pub on_unavailable: OnUnavailable,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            capacity: MAX_CAPACITY,
            daily_room_limit: MAX_DAILY_ROOM_LIMIT,
            daily_room_warning: None,
            member_daily_openings: DEFAULT_MEMBER_DAILY_OPENINGS,
            reserve_ttl_ms: 60_000,
            lease_ttl_ms: 45_000,
            sync_grace_ms: None,
            day_offset_minutes: 480,
            on_unavailable: OnUnavailable::Allow,
        }
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidRules, message)
}

impl Rules {
    /// Check every setting, in the order of `contract::options::OPTIONS`; the
    /// result has every default filled in. Messages spell names snake_case.
    pub fn validate(&self) -> Result<Limits, Error> {
        self.validate_as(Spelling::Snake)
    }

    /// [`Rules::validate`], naming the options as `sp` spells them.
    pub fn validate_as(&self, sp: Spelling) -> Result<Limits, Error> {
        let v = check_rules(self, sp)?;
        let get = |name: &str| v.iter().find(|(n, _)| *n == name).map_or(0, |e| e.1);
        Ok(Limits {
            capacity: get("capacity") as u32,
            daily_room_limit: get("daily_room_limit") as u64,
            daily_room_warning: get("daily_room_warning") as u64,
            member_daily_openings: get("member_daily_openings") as u64,
            reserve_ttl_ms: get("reserve_ttl_ms"),
            lease_ttl_ms: get("lease_ttl_ms"),
            sync_grace_ms: get("sync_grace_ms"),
            day_offset_ms: get("day_offset_minutes") * 60_000,
            on_unavailable: self.on_unavailable,
        })
    }
}

/// Validated rules with every default filled in: what the stores work with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Seats per room.
    pub capacity: u32,
    /// Openings per appId per day.
    pub daily_room_limit: u64,
    /// Openings from which admissions report `quota_warning`.
    pub daily_room_warning: u64,
    /// Rooms one member may open per day (0: no limit).
    pub member_daily_openings: u64,
    /// Lease of a new seat, ms.
    pub reserve_ttl_ms: i64,
    /// Lease after a heartbeat or a sync, ms.
    pub lease_ttl_ms: i64,
    /// Youngest seat `sync` may remove, ms.
    pub sync_grace_ms: i64,
    /// The day's UTC offset, ms.
    pub day_offset_ms: i64,
    /// What to do when the store cannot be reached.
    pub on_unavailable: OnUnavailable,
}

impl Limits {
    /// Every rule in force, in the options' order (`contract::options::OPTIONS`),
    /// by its snake_case name: what a binding shows as the ledger's rules.
    pub fn values(&self) -> Vec<(&'static str, crate::contract::Value)> {
        use crate::contract::options::{Group, OPTIONS};
        use crate::contract::Value;
        OPTIONS
            .iter()
            .filter(|d| d.group == Group::Rules)
            .map(|d| {
                let v = match d.name {
                    "capacity" => Value::Int(i64::from(self.capacity)),
                    "daily_room_limit" => Value::Int(self.daily_room_limit as i64),
                    "daily_room_warning" => Value::Int(self.daily_room_warning as i64),
                    "member_daily_openings" => Value::Int(self.member_daily_openings as i64),
                    "reserve_ttl_ms" => Value::Int(self.reserve_ttl_ms),
                    "lease_ttl_ms" => Value::Int(self.lease_ttl_ms),
                    "sync_grace_ms" => Value::Int(self.sync_grace_ms),
                    "day_offset_minutes" => Value::Int(self.day_offset_ms / 60_000),
                    "on_unavailable" => Value::Str(self.on_unavailable.as_str().to_owned()),
                    other => unreachable!("rule {other} has no field in Limits"),
                };
                (d.name, v)
            })
            .collect()
    }

    /// The day (days since 1970-01-01 in the configured offset) of `now_ms`.
    pub fn day(&self, now_ms: i64) -> i64 {
        (now_ms.saturating_add(self.day_offset_ms)).div_euclid(86_400_000)
    }

    /// The hour (0–23) of `now_ms` in its day ([`Limits::day`]): hour 0 starts at
    /// midnight in the configured offset.
    pub fn hour(&self, now_ms: i64) -> usize {
        ((now_ms.saturating_add(self.day_offset_ms)).rem_euclid(86_400_000) / 3_600_000) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Rules) -> &'static str {
        r.validate()
            .map(|_| "OK")
            .unwrap_or_else(|e| e.code().name())
    }

    #[test]
    fn defaults_and_ranges() {
        let l = Rules::default().validate().unwrap();
        assert_eq!(
            (l.capacity, l.daily_room_limit, l.daily_room_warning),
            (10, 100_000, 90_000)
        );
        assert_eq!(
            (l.reserve_ttl_ms, l.lease_ttl_ms, l.sync_grace_ms),
            (60_000, 45_000, 60_000)
        );
        let d = Rules::default();
        for bad in [
            Rules { capacity: 0, ..d },
            Rules { capacity: 11, ..d },
            Rules {
                daily_room_limit: 0,
                ..d
            },
            Rules {
                daily_room_limit: 100_001,
                ..d
            },
            Rules {
                daily_room_warning: Some(100_001),
                ..d
            },
            Rules {
                daily_room_warning: Some(-1),
                ..d
            },
            Rules {
                reserve_ttl_ms: 999,
                ..d
            },
            Rules {
                lease_ttl_ms: 3_600_001,
                ..d
            },
            Rules {
                sync_grace_ms: Some(-1),
                ..d
            },
            Rules {
                member_daily_openings: -1,
                ..d
            },
            Rules {
                member_daily_openings: 100_001,
                ..d
            },
            Rules {
                day_offset_minutes: -721,
                ..d
            },
            Rules {
                day_offset_minutes: 841,
                ..d
            },
        ] {
            assert_eq!(code(bad), "INVALID_RULES", "{bad:?}");
        }
        let small = Rules {
            daily_room_limit: 5,
            ..d
        }
        .validate()
        .unwrap();
        assert_eq!(small.daily_room_warning, 4);
        assert_eq!(
            "maybe".parse::<OnUnavailable>().unwrap_err().code().name(),
            "INVALID_RULES"
        );
    }

    #[test]
    fn values_name_every_rule_in_the_options_order() {
        let names: Vec<&str> = Rules::default()
            .validate()
            .unwrap()
            .values()
            .iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(
            names[..4],
            [
                "capacity",
                "daily_room_limit",
                "daily_room_warning",
                "member_daily_openings"
            ]
        );
        assert_eq!(names.len(), 9);
    }

    #[test]
    fn day_boundaries_in_beijing_time() {
        let l = Rules::default().validate().unwrap();
        // 2026-12-01 00:00:00.000 +08:00 is 2026-11-30T16:00:00Z.
        let midnight = 1_796_083_200_000 - 8 * 3_600_000;
        assert_eq!(l.day(midnight) - l.day(midnight - 1), 1);
        let utc = Limits {
            day_offset_ms: 0,
            ..l
        };
        assert_eq!((utc.day(-1), utc.day(0)), (-1, 0));
    }
}
