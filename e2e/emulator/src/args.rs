//! The options of `voipsign emulator` and their checked form ([`Config`]).

use clap::Args;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

/// The options of `voipsign emulator` (docs/EMULATOR.md lists them). Its
/// `Debug` output hides the app secrets.
#[derive(Args, Clone)]
pub struct EmulatorArgs {
    /// The address to listen on (`127.0.0.1:0`: any free port, printed when ready).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: String,
    /// An app WeChat knows, as APPID:SECRET (repeat for more apps).
    #[arg(long = "app", value_name = "APPID:SECRET", required = true)]
    pub apps: Vec<String>,
    /// Members a room holds at most.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub capacity: usize,
    /// Room openings an app may make per day (UTC + --day-offset-minutes).
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub daily_room_limit: u64,
    /// The offset of the "day" of the daily limit from UTC, in minutes (480: UTC+8).
    #[arg(
        long,
        default_value_t = 480,
        value_name = "MIN",
        allow_hyphen_values = true
    )]
    pub day_offset_minutes: i64,
    /// A phone in a room that asks for no events for this long is dropped (0: never).
    #[arg(long, default_value_t = 10_000, value_name = "MS")]
    pub drop_after_ms: u64,
    /// Whether a new wx.login replaces the session_key: never, always, or a probability 0-1.
    #[arg(long, default_value = "never", value_name = "never|always|P")]
    pub rotate_session_key: String,
    /// How long a wx.login code stays valid for code2Session (a test flag).
    #[arg(long, default_value_t = 300_000, value_name = "MS")]
    pub code_ttl_ms: u64,
    /// How long /_phone/events holds a request with nothing to say (a test flag).
    #[arg(long, default_value_t = 25_000, value_name = "MS")]
    pub poll_timeout_ms: u64,
    /// Refuse a join whose timeStamp is further than this from now (0: not checked; WeChat's rule is unknown).
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub ticket_max_age_s: u64,
}

impl std::fmt::Debug for EmulatorArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let apps: Vec<String> = self.apps.iter().map(|a| redact(a)).collect();
        f.debug_struct("EmulatorArgs")
            .field("listen", &self.listen)
            .field("apps", &apps)
            .field("capacity", &self.capacity)
            .field("daily_room_limit", &self.daily_room_limit)
            .field("day_offset_minutes", &self.day_offset_minutes)
            .field("drop_after_ms", &self.drop_after_ms)
            .field("rotate_session_key", &self.rotate_session_key)
            .field("code_ttl_ms", &self.code_ttl_ms)
            .field("poll_timeout_ms", &self.poll_timeout_ms)
            .field("ticket_max_age_s", &self.ticket_max_age_s)
            .finish()
    }
}

/// Whether a new `wx.login` replaces the phone's session_key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rotation {
    /// The key stays (the first login still makes one).
    Never,
    /// Every login makes a new key.
    Always,
    /// Each login makes a new key with this probability (0–1).
    Probability(f64),
}

impl Rotation {
    /// Parse `never`, `always` or a probability in 0–1.
    pub fn parse(s: &str) -> Result<Rotation, String> {
        match s.trim() {
            "never" => Ok(Rotation::Never),
            "always" => Ok(Rotation::Always),
            p => match p.parse::<f64>() {
                Ok(p) if (0.0..=1.0).contains(&p) => Ok(Rotation::Probability(p)),
                _ => Err(format!(
                    "--rotate-session-key {s:?}: use never, always or a probability from 0 to 1"
                )),
            },
        }
    }
}

/// The checked options, as the server uses them (no `Debug`: it holds the secrets).
#[derive(Clone)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// appId → secret.
    pub apps: BTreeMap<String, String>,
    /// Room capacity.
    pub capacity: usize,
    /// Openings per app per day.
    pub daily_room_limit: u64,
    /// The day's offset from UTC, in minutes.
    pub day_offset_minutes: i64,
    /// Drop a silent phone after this (`None`: never).
    pub drop_after: Option<Duration>,
    /// The rotation policy at login.
    pub rotation: Rotation,
    /// A code's lifetime.
    pub code_ttl: Duration,
    /// The longest hold of an events request.
    pub poll_timeout: Duration,
    /// The largest accepted |now − timeStamp|, in seconds (`None`: not checked).
    pub ticket_max_age_s: Option<u64>,
}

impl EmulatorArgs {
    /// Parse options as the command line would (the first item is the program name).
    pub fn parse_from<I, T>(args: I) -> Result<EmulatorArgs, String>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{FromArgMatches, Parser};
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            args: EmulatorArgs,
        }
        let m = <Cli as clap::CommandFactory>::command()
            .try_get_matches_from(args)
            .map_err(|e| e.to_string())?;
        Cli::from_arg_matches(&m)
            .map(|c| c.args)
            .map_err(|e| e.to_string())
    }

    /// Check every option; the message names the bad one.
    pub fn config(&self) -> Result<Config, String> {
        let listen: SocketAddr = self
            .listen
            .parse()
            .map_err(|_| format!("--listen {:?}: expected IP:PORT", self.listen))?;
        let mut apps = BTreeMap::new();
        for a in &self.apps {
            let (id, secret) = a
                .split_once(':')
                .ok_or_else(|| format!("--app {:?}: expected APPID:SECRET", redact(a)))?;
            voipsign::validate_app_id(id).map_err(|e| format!("--app: {}", e.message()))?;
            if secret.is_empty() {
                return Err(format!("--app {id}: the secret is empty"));
            }
            if apps.insert(id.to_string(), secret.to_string()).is_some() {
                return Err(format!("--app {id}: given twice"));
            }
        }
        if apps.is_empty() {
            return Err("--app APPID:SECRET is required".into());
        }
        if self.capacity == 0 {
            return Err("--capacity must be at least 1".into());
        }
        if self.day_offset_minutes.abs() > 24 * 60 {
            return Err("--day-offset-minutes must be within ±1440".into());
        }
        if self.code_ttl_ms == 0 || self.poll_timeout_ms == 0 {
            return Err("--code-ttl-ms and --poll-timeout-ms must be at least 1".into());
        }
        Ok(Config {
            listen,
            apps,
            capacity: self.capacity,
            daily_room_limit: self.daily_room_limit,
            day_offset_minutes: self.day_offset_minutes,
            drop_after: (self.drop_after_ms > 0).then(|| Duration::from_millis(self.drop_after_ms)),
            rotation: Rotation::parse(&self.rotate_session_key)?,
            code_ttl: Duration::from_millis(self.code_ttl_ms),
            poll_timeout: Duration::from_millis(self.poll_timeout_ms),
            ticket_max_age_s: (self.ticket_max_age_s > 0).then_some(self.ticket_max_age_s),
        })
    }
}

/// An `--app` value with anything after the first ':' hidden (a secret).
fn redact(a: &str) -> String {
    match a.split_once(':') {
        Some((id, _)) => format!("{id}:***"),
        None => a.chars().take(64).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> Result<Config, String> {
        let mut v = vec!["emulator", "--app", "wxtest:secret"];
        v.extend_from_slice(extra);
        EmulatorArgs::parse_from(v)?.config()
    }

    #[test]
    fn defaults_and_checks() {
        let c = args(&[]).unwrap();
        assert_eq!(c.capacity, 10);
        assert_eq!(c.daily_room_limit, 100_000);
        assert_eq!(c.day_offset_minutes, 480);
        assert_eq!(c.drop_after, Some(Duration::from_millis(10_000)));
        assert_eq!(c.rotation, Rotation::Never);
        assert_eq!(c.code_ttl, Duration::from_secs(300));
        assert_eq!(c.poll_timeout, Duration::from_secs(25));
        assert_eq!(c.ticket_max_age_s, None);
        assert_eq!(c.apps["wxtest"], "secret");
        assert_eq!(
            args(&["--rotate-session-key", "0.25"]).unwrap().rotation,
            Rotation::Probability(0.25)
        );
        assert!(args(&["--rotate-session-key", "2"]).is_err());
        assert!(args(&["--capacity", "0"]).is_err());
        assert!(args(&["--listen", "nope"]).is_err());
        assert!(args(&["--app", "wxtest:other"]).is_err());
        let e = args(&["--app", "wxb"]).err().unwrap();
        assert!(e.contains("APPID:SECRET"), "{e}");
        assert!(EmulatorArgs::parse_from(["emulator"]).is_err());
        assert_eq!(
            args(&["--day-offset-minutes", "-300"])
                .unwrap()
                .day_offset_minutes,
            -300
        );
    }

    #[test]
    fn secrets_are_not_repeated() {
        assert_eq!(redact("wxa:topsecret"), "wxa:***");
        let a = EmulatorArgs::parse_from(["emulator", "--app", "wxa:topsecret"]).unwrap();
        assert!(!format!("{a:?}").contains("topsecret"));
    }
}
