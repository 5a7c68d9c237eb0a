//! Shared machinery of the voipsign fuzz targets:
//!
//! - turning fuzz bytes into C arguments: `(pointer, length)` pairs that are
//!   sometimes NULL (with zero and non-zero lengths), output buffers of random
//!   capacity filled with a sentinel and followed by a guard zone, `voipsign_error`
//!   and `size_t` out-parameters filled with a sentinel;
//! - generators biased toward the interesting values of each field (valid ones, the
//!   length limits, one bad byte, non-UTF-8, empty, long);
//! - the checks of the C ABI's documented contract (include/voipsign.h) that every
//!   target shares;
//! - independent references (the `hmac` crate, a plain sort) for the differential
//!   checks.
//!
//! Any violated invariant panics, which libFuzzer reports as a crash. Note that
//! libfuzzer-sys installs a panic hook that aborts, so a panic inside the library is
//! reported at the panic site (before the C boundary's `catch_unwind` could turn it
//! into `VOIPSIGN_INTERNAL`); a `VOIPSIGN_INTERNAL` status is asserted against too.
//!
//! One module per concern, all re-exported here (the targets `use voipsign_fuzz::*`):
//! [`status`] (status numbers), [`input`] (reading the fuzz bytes), [`generators`]
//! (field values), [`c_args`] and [`out_params`] (the C arguments and
//! out-parameters), [`output_checks`], [`leak`] (the session_key never shows),
//! [`reference`] (independent references), [`expected`] (what a call may answer),
//! [`known_bugs`].
//!
//! The room ledger's target (`ffi_ledger`) has modules of its own, used by path
//! rather than re-exported: [`ledger_model`] (the shadow model and its checks),
//! [`ledger_gen`] (rules, member ids, times), [`ledger_ops`] (creating a ledger, one
//! operation, the seat operations) and [`ledger_room_ops`] (sync, room, usage).

pub mod c_args;
pub mod expected;
pub mod generators;
pub mod input;
pub mod known_bugs;
pub mod leak;
pub mod ledger_gen;
pub mod ledger_model;
pub mod ledger_ops;
pub mod ledger_room_ops;
pub mod out_params;
pub mod output_checks;
pub mod reference;
pub mod status;

pub use c_args::*;
pub use expected::*;
pub use generators::*;
pub use input::*;
pub use known_bugs::*;
pub use leak::*;
pub use out_params::*;
pub use output_checks::*;
pub use reference::*;
pub use status::*;
pub use voipsign_ffi::{VoipsignError, VoipsignStatus, VOIPSIGN_ERROR_MESSAGE_CAP};
