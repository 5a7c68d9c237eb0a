//! voipsign-gen: every binding's declaration layer, written from core's contract
//! description (`voipsign::contract`). One module per target; each returns the
//! files it owns, whole (their first line says they are generated), except the
//! docs, whose tables are spliced between markers.

pub mod c;
pub mod docs;
pub mod go;
pub mod java;
pub mod model;
pub mod names;
pub mod node;
pub mod php;
pub mod python;

use model::Description;

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Relative to the repository root.
    pub path: String,
    /// The whole content.
    pub text: String,
}

impl Generated {
    /// A generated file (its text starts with the banner).
    pub fn new(path: &str, text: String) -> Generated {
        Generated {
            path: path.to_owned(),
            text,
        }
    }

    /// A hand-written file with generated sections.
    pub fn spliced(path: &str, text: String) -> Generated {
        Generated {
            path: path.to_owned(),
            text,
        }
    }
}

/// Every file of every target. `read` gives the current text of a file that is
/// only partly generated (the docs).
pub fn generate(d: &Description, read: &dyn Fn(&str) -> String) -> Vec<Generated> {
    let mut out = c::files(d);
    out.extend(python::files(d));
    out.extend(node::files(d));
    out.extend(go::files(d));
    out.extend(php::files(d));
    out.extend(java::files(d));
    out.extend(docs::files(d, read));
    out
}
