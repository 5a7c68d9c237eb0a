//! `voipsign emulator` (../shared/E2E.md). Placeholder: being written.

use clap::Args;

/// The options of `voipsign emulator`.
#[derive(Args, Debug)]
pub struct EmulatorArgs {}

/// Run until done (or SIGINT/SIGTERM); the process exit status.
pub fn run(_args: &EmulatorArgs) -> Result<i32, String> {
    Err("not built yet".into())
}
