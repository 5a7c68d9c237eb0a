//! The options of `voipsign phones` and their checks.

use clap::Args;
use std::str::FromStr;
use std::time::Duration;

/// A range of milliseconds written `MIN:MAX` (or a single `N` for `N:N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MsRange {
    /// The smallest value, in milliseconds.
    pub min: u64,
    /// The largest value, in milliseconds (≥ `min`).
    pub max: u64,
}

impl MsRange {
    /// A value drawn uniformly from the range.
    pub fn draw(&self, rng: &mut fastrand::Rng) -> Duration {
        Duration::from_millis(rng.u64(self.min..=self.max))
    }
}

impl FromStr for MsRange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let num = |t: &str| {
            t.trim()
                .parse::<u64>()
                .map_err(|_| format!("{s:?}: expected MIN:MAX in milliseconds, e.g. 2000:8000"))
        };
        let (min, max) = match s.split_once(':') {
            Some((a, b)) => (num(a)?, num(b)?),
            None => {
                let v = num(s)?;
                (v, v)
            }
        };
        if min > max {
            return Err(format!("{s:?}: MIN is above MAX"));
        }
        Ok(MsRange { min, max })
    }
}

/// The options of `voipsign phones` (shared/E2E.md §3; docs/PHONES.md).
#[derive(Args, Debug, Clone)]
pub struct PhonesArgs {
    /// The backend's base URL (the API of E2E.md §2), e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    pub backend: String,
    /// The emulator's base URL (`voipsign emulator`), e.g. http://127.0.0.1:9000.
    #[arg(long, value_name = "URL")]
    pub wechat: String,
    /// The appId the phones use (one the emulator and the backend both know).
    #[arg(long, value_name = "APPID")]
    pub app: String,
    /// How many phones (one thread each, plus one while in a room), 1–1000.
    #[arg(long, value_name = "N")]
    pub phones: usize,
    /// How many rooms: the groupIds room-1 … room-M, the same in every run.
    #[arg(long, value_name = "M")]
    pub rooms: usize,
    /// How long the run lasts, in seconds; then phones still in rooms exit.
    #[arg(long, value_name = "S")]
    pub seconds: f64,
    /// The probability that a stay ends in vanishing (no exit, no leave, no
    /// polling: a dead battery) instead of exiting, 0–1.
    #[arg(long, value_name = "F", default_value_t = 0.0)]
    pub vanish_rate: f64,
    /// Milliseconds between heartbeats to the backend while in a room.
    #[arg(long, value_name = "H", default_value_t = 15_000)]
    pub heartbeat_ms: u64,
    /// Names the phones `s<seed>-p<i>` (default: from the clock, printed).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Where to write the report as JSON.
    #[arg(long, value_name = "PATH")]
    pub json: Option<std::path::PathBuf>,
    /// The room capacity the invariants are checked against.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub capacity: usize,
    /// How long a phone stays in a room, drawn per stay.
    #[arg(long, value_name = "MIN:MAX", default_value = "2000:8000")]
    pub stay_ms: MsRange,
    /// The pause of a refused phone before it asks again.
    #[arg(long, value_name = "MIN:MAX", default_value = "200:1000")]
    pub retry_ms: MsRange,
    /// The pause of a phone between leaving a room and asking for the next one.
    #[arg(long, value_name = "MIN:MAX", default_value = "200:2000")]
    pub pause_ms: MsRange,
    /// Phones start spread over this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub ramp_ms: u64,
    /// Replace the session_key of the first K phones at the emulator, behind the
    /// backend's back (POST /_emulator/faults), at --rotate-at-ms.
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub rotate_phones: usize,
    /// When to replace those keys, in milliseconds from the start (default:
    /// the middle of the run).
    #[arg(long, value_name = "MS")]
    pub rotate_at_ms: Option<u64>,
    /// The roomType asked for at /voip/join.
    #[arg(long, value_name = "TYPE", default_value = "voice")]
    pub room_type: String,
    /// Quiet: no table on standard output (the JSON file is still written).
    #[arg(long)]
    pub quiet: bool,
}

/// The options once checked: everything a run reads.
#[derive(Debug, Clone)]
pub struct Config {
    /// The backend's base URL, without a trailing slash.
    pub backend: String,
    /// The emulator's base URL, without a trailing slash.
    pub wechat: String,
    /// The appId.
    pub app: String,
    /// The number of phones.
    pub phones: usize,
    /// The number of rooms.
    pub rooms: usize,
    /// The run's length.
    pub duration: Duration,
    /// The vanish probability.
    pub vanish_rate: f64,
    /// The heartbeat period.
    pub heartbeat: Duration,
    /// The seed.
    pub seed: u64,
    /// The JSON report's path.
    pub json: Option<std::path::PathBuf>,
    /// The capacity the invariants use.
    pub capacity: usize,
    /// The stay range.
    pub stay: MsRange,
    /// The refusal pause range.
    pub retry: MsRange,
    /// The pause between stays.
    pub pause: MsRange,
    /// The ramp.
    pub ramp: Duration,
    /// How many phones get their key replaced.
    pub rotate_phones: usize,
    /// When.
    pub rotate_at: Duration,
    /// The roomType.
    pub room_type: String,
    /// No table on stdout.
    pub quiet: bool,
}

impl Config {
    /// Phone `i`'s name, `s<seed>-p<i>`.
    pub fn phone_name(&self, i: usize) -> String {
        format!("s{}-p{}", self.seed, i)
    }

    /// Room `k`'s groupId (`k` from 0): `room-<k+1>`.
    pub fn group_id(&self, k: usize) -> String {
        format!("room-{}", k + 1)
    }

    /// Whether the run has neither vanishing phones nor replaced keys.
    pub fn is_clean(&self) -> bool {
        self.vanish_rate == 0.0 && self.rotate_phones == 0
    }
}

fn base_url(name: &str, s: &str) -> Result<String, String> {
    let t = s.trim().trim_end_matches('/');
    if !t.starts_with("http://") || t.len() <= "http://".len() {
        return Err(format!(
            "--{name} {s:?}: expected an http:// URL (plain HTTP, e.g. http://127.0.0.1:8080)"
        ));
    }
    Ok(t.to_string())
}

impl PhonesArgs {
    /// Check the options; the message of the first mistake.
    pub fn check(&self) -> Result<Config, String> {
        let backend = base_url("backend", &self.backend)?;
        let wechat = base_url("wechat", &self.wechat)?;
        if self.app.trim().is_empty() {
            return Err("--app: empty appId".into());
        }
        if !(1..=1000).contains(&self.phones) {
            return Err(format!("--phones {}: expected 1–1000", self.phones));
        }
        if !(1..=10_000).contains(&self.rooms) {
            return Err(format!("--rooms {}: expected 1–10000", self.rooms));
        }
        if !(self.seconds.is_finite() && self.seconds > 0.0 && self.seconds <= 86_400.0) {
            return Err(format!(
                "--seconds {}: expected more than 0 and at most 86400",
                self.seconds
            ));
        }
        if !(0.0..=1.0).contains(&self.vanish_rate) {
            return Err(format!("--vanish-rate {}: expected 0–1", self.vanish_rate));
        }
        if self.heartbeat_ms == 0 {
            return Err("--heartbeat-ms 0: expected at least 1".into());
        }
        if self.capacity == 0 {
            return Err("--capacity 0: expected at least 1".into());
        }
        if self.rotate_phones > self.phones {
            return Err(format!(
                "--rotate-phones {}: more than --phones {}",
                self.rotate_phones, self.phones
            ));
        }
        if self.stay_ms.max == 0 {
            return Err("--stay-ms: expected a stay above 0 ms".into());
        }
        let duration = Duration::from_secs_f64(self.seconds);
        let seed = self.seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64 % 1_000_000_000)
                .unwrap_or(1)
        });
        Ok(Config {
            backend,
            wechat,
            app: self.app.trim().to_string(),
            phones: self.phones,
            rooms: self.rooms,
            duration,
            vanish_rate: self.vanish_rate,
            heartbeat: Duration::from_millis(self.heartbeat_ms),
            seed,
            json: self.json.clone(),
            capacity: self.capacity,
            stay: self.stay_ms,
            retry: self.retry_ms,
            pause: self.pause_ms,
            ramp: Duration::from_millis(self.ramp_ms),
            rotate_phones: self.rotate_phones,
            rotate_at: self
                .rotate_at_ms
                .map(Duration::from_millis)
                .unwrap_or(duration / 2),
            room_type: self.room_type.clone(),
            quiet: self.quiet,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        a: PhonesArgs,
    }

    fn parse(extra: &[&str]) -> Result<Config, String> {
        let mut v = vec![
            "t",
            "--backend",
            "http://127.0.0.1:1/",
            "--wechat",
            "http://127.0.0.1:2",
            "--app",
            "wxapp",
            "--phones",
            "5",
            "--rooms",
            "2",
            "--seconds",
            "3",
        ];
        v.extend_from_slice(extra);
        T::try_parse_from(v).map_err(|e| e.to_string())?.a.check()
    }

    #[test]
    fn ranges() {
        assert_eq!("10:20".parse::<MsRange>(), Ok(MsRange { min: 10, max: 20 }));
        assert_eq!("7".parse::<MsRange>(), Ok(MsRange { min: 7, max: 7 }));
        assert!("20:10".parse::<MsRange>().is_err());
        assert!("a:b".parse::<MsRange>().is_err());
        let mut rng = fastrand::Rng::with_seed(1);
        let r = MsRange { min: 5, max: 9 };
        for _ in 0..100 {
            let d = r.draw(&mut rng).as_millis() as u64;
            assert!((5..=9).contains(&d));
        }
    }

    #[test]
    fn defaults_and_names() {
        let c = parse(&["--seed", "42"]).unwrap();
        assert_eq!(c.backend, "http://127.0.0.1:1");
        assert_eq!(c.capacity, 10);
        assert_eq!(c.heartbeat, Duration::from_millis(15_000));
        assert_eq!(c.phone_name(3), "s42-p3");
        assert_eq!(c.group_id(0), "room-1");
        assert_eq!(c.rotate_at, Duration::from_millis(1500));
        assert!(c.is_clean());
        assert!(!parse(&["--vanish-rate", "0.1"]).unwrap().is_clean());
        assert!(!parse(&["--rotate-phones", "1"]).unwrap().is_clean());
    }

    #[test]
    fn mistakes() {
        assert!(parse(&["--vanish-rate", "1.5"])
            .unwrap_err()
            .contains("--vanish-rate"));
        assert!(parse(&["--rotate-phones", "6"])
            .unwrap_err()
            .contains("--rotate-phones"));
        assert!(parse(&["--capacity", "0"]).is_err());
        assert!(parse(&["--heartbeat-ms", "0"]).is_err());
        assert!(parse(&["--stay-ms", "9:1"]).is_err());
        let bad = T::try_parse_from([
            "t",
            "--backend",
            "https://x",
            "--wechat",
            "http://y",
            "--app",
            "a",
            "--phones",
            "1",
            "--rooms",
            "1",
            "--seconds",
            "1",
        ])
        .unwrap()
        .a
        .check();
        assert!(bad.unwrap_err().contains("--backend"));
    }
}
