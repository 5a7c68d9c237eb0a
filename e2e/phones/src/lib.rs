//! `voipsign phones` (../shared/E2E.md). Placeholder: being written.

use clap::Args;

/// The options of `voipsign phones`.
#[derive(Args, Debug)]
pub struct PhonesArgs {}

/// Run until done (or SIGINT/SIGTERM); the process exit status.
pub fn run(_args: &PhonesArgs) -> Result<i32, String> {
    Err("not built yet".into())
}
