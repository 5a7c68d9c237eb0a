//! `voipsign`: sign, verify and issue wx.joinVoIPChat signatures from the shell.
//!
//! The session_key is never taken from argv (visible to every user of the machine
//! through `ps` and /proc): it comes from an environment variable or a file.

mod key_source;
mod rooms_cmd;
mod serve;
mod simulate;
mod store_args;

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use voipsign::{request, Error};

use key_source::{KeyListSource, KeySource};

const KEY_HELP: &str =
    "The session_key is read from --session-key-env NAME or --session-key-file PATH \
(- for stdin). There is deliberately no flag that takes the key itself: command-line \
arguments are visible to every user of the machine (ps, /proc).";

/// Signatures for WeChat wx.joinVoIPChat.
#[derive(Parser)]
#[command(name = "voipsign", version, about, after_help = KEY_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the signature (64 lowercase hex digits) for the four values.
    #[command(after_help = KEY_HELP)]
    Sign {
        #[command(flatten)]
        params: ParamArgs,
        #[command(flatten)]
        key: KeySource,
    },
    /// Check a signature: prints `valid` (exit 0) or `invalid` (exit 1).
    #[command(after_help = KEY_HELP)]
    Verify {
        #[command(flatten)]
        params: ParamArgs,
        /// The signature to check (64 hex digits).
        #[arg(long)]
        signature: String,
        #[command(flatten)]
        key: KeySource,
    },
    /// Print one signature per line for one room and many members: the session_keys
    /// come one per line from --session-keys-file (a matchmaker seating a room).
    #[command(name = "sign-many")]
    SignMany {
        #[command(flatten)]
        params: ParamArgs,
        #[command(flatten)]
        keys: KeyListSource,
    },
    /// Print the canonical string: the four values sorted and joined (no secret).
    Canonical {
        #[command(flatten)]
        params: ParamArgs,
    },
    /// Print a join ticket (fresh nonce, current time, signature) as the JSON object
    /// wx.joinVoIPChat takes.
    #[command(after_help = KEY_HELP)]
    Issue {
        /// The mini program's appId.
        #[arg(long)]
        app_id: String,
        /// The room's groupId.
        #[arg(long)]
        group_id: String,
        /// voice or video.
        #[arg(long, default_value = "voice")]
        room_type: String,
        #[command(flatten)]
        key: KeySource,
    },
    /// Find which known mistake reproduces a signature WeChat rejected (exit 0
    /// whatever the verdict).
    #[command(after_help = KEY_HELP)]
    Diagnose {
        #[command(flatten)]
        params: ParamArgs,
        /// The signature WeChat rejected.
        #[arg(long)]
        signature: String,
        #[command(flatten)]
        key: KeySource,
        /// An environment variable holding an older session_key of the same user
        /// (repeatable), tried for STALE_SESSION_KEY.
        #[arg(long, value_name = "NAME")]
        other_session_key_env: Vec<String>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Explain a wx.joinVoIPChat failure from its errCode and errMsg.
    Explain {
        /// The errCode of the failure, e.g. -1000.
        #[arg(long, allow_hyphen_values = true)]
        err_code: i64,
        /// The errMsg of the failure (codes inside it count too).
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        err_msg: String,
        /// What the backend knows, as a JSON object of the explain context
        /// (docs/CONTRACT.md): group_id, key_replaced, ticket_verified, seated,
        /// seated_elsewhere, room_seats, capacity, openings_today, daily_room_limit.
        #[arg(long, value_name = "JSON")]
        context: Option<String>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The room ledger (WeChat's room rules): `rooms simulate|status|usage|list|serve`.
    #[command(subcommand)]
    Rooms(RoomsCommand),
    /// A local WeChat for tests: code2Session and the room service as a phone meets
    /// it, in memory, real clock (docs/EMULATOR.md).
    Emulator(voipsign_emulator::EmulatorArgs),
    /// Many simulated phones through login, ticket, join, heartbeats, members
    /// changed and exit, against a backend and the emulator (docs/BACKEND.md).
    Phones(voipsign_phones::PhonesArgs),
    /// Print the user login state signature: HMAC-SHA256 of the body keyed by the
    /// session_key (empty body: the signature GET /wxa/checksession takes).
    #[command(name = "session-signature", after_help = KEY_HELP)]
    SessionSignature {
        /// The request body to sign (default: empty).
        #[arg(long, default_value = "")]
        body: String,
        #[command(flatten)]
        key: KeySource,
    },
}

/// `voipsign rooms ...`.
#[derive(Subcommand)]
enum RoomsCommand {
    /// Run many simulated phones (join, heartbeat, leave, vanish) against a memory
    /// ledger with a fast clock and print what happened.
    Simulate(simulate::SimulateArgs),
    /// Show one room of a shared (Redis) ledger: live seats, generation.
    Status(rooms_cmd::StatusArgs),
    /// Show the day counters of an appId in a shared (Redis) ledger: openings,
    /// admissions, refusals, leaves, expiries, the peak, the live rooms and seats.
    Usage(rooms_cmd::UsageArgs),
    /// List the live rooms of an appId in a shared (Redis) ledger, a page at a time.
    List(rooms_cmd::ListArgs),
    /// Serve a read-only dashboard, JSON API and Prometheus metrics of a ledger
    /// (Redis, or the embedded simulation) until SIGINT/SIGTERM; docs/DASHBOARD.md.
    Serve(serve::ServeArgs),
}

/// The four signed values.
#[derive(Args)]
struct ParamArgs {
    /// The mini program's appId, e.g. wx20afc706a711eefc.
    #[arg(long)]
    app_id: String,
    /// The room's groupId.
    #[arg(long)]
    group_id: String,
    /// nonceStr: 1-127 printable ASCII characters.
    #[arg(long)]
    nonce: String,
    /// timeStamp in seconds.
    #[arg(long, allow_hyphen_values = true)]
    timestamp: String,
}

impl ParamArgs {
    /// The four values as given; the core checks them (and parses the timestamp
    /// text) in the contract's order.
    fn values(&self) -> (&str, &str, &str, &str) {
        (&self.app_id, &self.group_id, &self.nonce, &self.timestamp)
    }
}

/// What a command prints on stdout and how it exits.
enum Outcome {
    Print(String),
    Invalid,
}

fn run(cli: Cli) -> Result<Outcome, Error> {
    Ok(match cli.command {
        Command::Rooms(RoomsCommand::Serve(_)) | Command::Emulator(_) | Command::Phones(_) => {
            unreachable!("run by main")
        }
        Command::Sign { params, key } => {
            let (app, group, nonce, ts) = params.values();
            let key = key.read()?;
            Outcome::Print(request::sign(app, group, nonce, ts, &key)?.to_string())
        }
        Command::Verify {
            params,
            signature,
            key,
        } => {
            let (app, group, nonce, ts) = params.values();
            let key = key.read()?;
            if request::verify(app, group, nonce, ts, &key, &signature)? {
                Outcome::Print("valid".into())
            } else {
                Outcome::Invalid
            }
        }
        Command::SignMany { params, keys } => {
            let (app, group, nonce, ts) = params.values();
            let keys = keys.read()?;
            let sigs = request::sign_many(app, group, nonce, ts, &keys)?;
            Outcome::Print(
                sigs.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        }
        Command::Canonical { params } => {
            let (app, group, nonce, ts) = params.values();
            Outcome::Print(request::canonical(app, group, nonce, ts)?)
        }
        Command::Issue {
            app_id,
            group_id,
            room_type,
            key,
        } => {
            let key = key.read()?;
            let ticket = request::issue(&app_id, &group_id, &key, Some(&room_type))?;
            Outcome::Print(ticket.to_json())
        }
        Command::Diagnose {
            params,
            signature,
            key,
            other_session_key_env,
            json,
        } => {
            let key = key.read()?;
            let others = other_session_key_env
                .iter()
                .map(|name| key_source::from_env(name))
                .collect::<Result<Vec<key_source::KeyText>, Error>>()?;
            let (app, group, nonce, ts) = params.values();
            let d = request::diagnose(app, group, nonce, ts, &key, &signature, &others)?;
            Outcome::Print(if json {
                d.to_json()
            } else {
                let mistakes = d
                    .mistakes
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "verdict:   {}\nmistakes:  {}\nexpected:  {}\ncanonical: {}\n\n{}",
                    d.verdict.name(),
                    if mistakes.is_empty() { "-" } else { &mistakes },
                    d.expected,
                    d.canonical,
                    d.message
                )
            })
        }
        Command::Explain {
            err_code,
            err_msg,
            context,
            json,
        } => {
            let ctx = match context {
                Some(text) => {
                    voipsign::ExplainContext::from_json(&text, voipsign::Spelling::Snake)?
                }
                None => voipsign::ExplainContext::default(),
            };
            let e = voipsign::explain_with(err_code, &err_msg, &ctx);
            Outcome::Print(if json {
                e.to_json()
            } else {
                format!(
                    "cause:   {}\nmeaning: {}\naction:  {}",
                    e.cause.name(),
                    e.meaning,
                    e.action
                )
            })
        }
        Command::Rooms(RoomsCommand::Simulate(args)) => {
            let start = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            Outcome::Print(simulate::run(&args, start)?.trim_end().to_owned())
        }
        Command::Rooms(RoomsCommand::Status(args)) => {
            Outcome::Print(rooms_cmd::status(&args)?.trim_end().to_owned())
        }
        Command::Rooms(RoomsCommand::Usage(args)) => Outcome::Print(rooms_cmd::usage(&args)?),
        Command::Rooms(RoomsCommand::List(args)) => Outcome::Print(rooms_cmd::list(&args)?),
        Command::SessionSignature { body, key } => {
            let key = key.read()?;
            Outcome::Print(request::session_signature(&key, body.as_bytes())?.to_string())
        }
    })
}

/// Parse argv; on a usage error print clap's message with every value from argv
/// that is not a flag replaced, so that a session_key put on the command line by
/// mistake is not echoed to the terminal or a log.
fn parse_args() -> Result<Cli, ExitCode> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        Err(e) if !e.use_stderr() => {
            let _ = e.print(); // --help, --version
            Err(ExitCode::SUCCESS)
        }
        Err(e) => {
            let mut text = e.render().to_string();
            let mut values: Vec<String> = std::env::args()
                .skip(1)
                .filter(|a| {
                    !(a.starts_with('-')
                        && a.len() <= 40
                        && a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                })
                .flat_map(|a| {
                    // `--flag=value`: hide the value part.
                    let v = a
                        .split_once('=')
                        .map(|(_, v)| v.to_owned())
                        .unwrap_or(a.clone());
                    [a, v]
                })
                .filter(|v| v.len() >= 8)
                .collect();
            values.sort_by_key(|v| std::cmp::Reverse(v.len()));
            for v in values {
                text = text.replace(&v, "<value hidden>");
            }
            eprint!("{text}");
            Err(ExitCode::from(2))
        }
    }
}

fn main() -> ExitCode {
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    if let Command::Rooms(RoomsCommand::Serve(args)) = &cli.command {
        return match serve::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(serve::Failure::Ledger(e)) => {
                eprintln!("error[{}]: {}", e.code().name(), e.message());
                ExitCode::from(2)
            }
            Err(serve::Failure::Usage(m)) => {
                eprintln!("error: {m}");
                ExitCode::from(2)
            }
        };
    }
    let long_running = match &cli.command {
        Command::Emulator(args) => Some(voipsign_emulator::run(args)),
        Command::Phones(args) => Some(voipsign_phones::run(args)),
        _ => None,
    };
    if let Some(result) = long_running {
        return match result {
            Ok(status) => ExitCode::from(status.clamp(0, 255) as u8),
            Err(m) => {
                eprintln!("error: {m}");
                ExitCode::from(2)
            }
        };
    }
    match run(cli) {
        Ok(Outcome::Print(s)) => {
            let mut out = std::io::stdout().lock();
            if writeln!(out, "{s}").is_err() {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Ok(Outcome::Invalid) => {
            println!("invalid");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error[{}]: {}", e.code().name(), e.message());
            ExitCode::from(2)
        }
    }
}
