//! Python binding of voipsign (`import voipsign`), built by maturin into one abi3
//! wheel for every CPython from 3.10 on.
//!
//! The binding only translates: Python arguments into the core's inputs
//! ([`args`]), one call to `voipsign::request` per function ([`functions`]) or
//! to the room ledger per method ([`ledger`]), the results into Python objects
//! ([`records`], generated, made of [`classes`]) and a [`voipsign::Error`] into the
//! exception of its code ([`errors`]; the classes live in `voipsign/errors.py`,
//! generated from core's contract description by `make gen`, as are the
//! options' docs of [`contract`]).
//! Which value is valid, and which error wins when several are bad, is decided
//! by the core alone (docs/CONTRACT.md). A wrong Python *type* is a `TypeError`
//! raised as the argument is read.
//!
//! Every call into the core runs inside `catch_unwind`: a panic (a bug) becomes
//! `voipsign.InternalError`, never `pyo3_runtime.PanicException`.

mod args;
mod classes;
mod contract;
mod errors;
mod functions;
mod ledger;
mod records;

use pyo3::prelude::*;
use voipsign::ErrorCode;

/// The native part of voipsign; import ``voipsign`` instead.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // Every code name of the core (tests/test_api.py checks each has a class).
    m.add(
        "_ERROR_CODES",
        ErrorCode::ALL.iter().map(|c| c.name()).collect::<Vec<_>>(),
    )?;
    records::add(m)?;
    // The same classes as `voipsign._records` too, the module their generated
    // stubs (_records.pyi) describe, so that stubtest checks them there.
    let py = m.py();
    let stubbed = PyModule::new(py, "voipsign._records")?;
    records::add(&stubbed)?;
    let modules = py.import("sys")?.getattr("modules")?;
    modules.set_item("voipsign._records", stubbed)?;
    m.add_class::<ledger::Ledger>()?;
    m.add_function(wrap_pyfunction!(functions::sign, m)?)?;
    m.add_function(wrap_pyfunction!(functions::verify, m)?)?;
    m.add_function(wrap_pyfunction!(functions::canonical, m)?)?;
    m.add_function(wrap_pyfunction!(functions::sign_many, m)?)?;
    m.add_function(wrap_pyfunction!(functions::session_signature, m)?)?;
    m.add_function(wrap_pyfunction!(functions::issue, m)?)?;
    m.add_function(wrap_pyfunction!(functions::diagnose, m)?)?;
    m.add_function(wrap_pyfunction!(functions::explain, m)?)?;
    // Test-only, and kept out of `__all__` (add_function would list it there), so
    // that the stubs describe the release module exactly.
    #[cfg(feature = "test-panic")]
    m.setattr(
        "_panic_for_tests",
        wrap_pyfunction!(errors::_panic_for_tests, m)?,
    )?;
    #[cfg(feature = "test-panic")]
    m.setattr(
        "_error_for_tests",
        wrap_pyfunction!(errors::_error_for_tests, m)?,
    )?;
    Ok(())
}
