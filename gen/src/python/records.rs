//! The native module's result classes (`src/records.rs`), their stubs
//! (`_records.pyi`) and the Rust doc strings of the generated declarations.

use super::*;

/// A Rust string literal of `text`.
fn rs_str(text: &str) -> String {
    format!("{text:?}")
}

/// One `macro_rules!` whose expansion is `text`, for `#[doc = name!()]`.
fn doc_macro(name: &str, what: &str, text: &str) -> String {
    format!(
        "\n/// {what}\nmacro_rules! {name} {{\n    () => {{\n        {}\n    }};\n}}\npub(crate) use {name};\n",
        rs_str(text)
    )
}

pub(super) fn rust_docs(d: &Description) -> String {
    let keywords = |redis: bool| -> String {
        d.options
            .iter()
            .filter(|o| redis || o.group == "rules")
            .map(|o| format!("{}={}", o.name, py_default(o)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let params = |group: &str| -> String {
        d.options
            .iter()
            .filter(|o| o.group == group)
            .map(|o| {
                let line = format!(":param {}: {}", o.name, rst(&option_doc(o)));
                wrap(&line, "    ", 76)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut s = banner("//");
    s.push_str(
        "//! The runtime docs of `Ledger.memory` and `Ledger.redis` (src/ledger.rs),\n\
         //! made from core's options: their text signatures (what `inspect.signature`\n\
         //! shows: each option keyword-only, with its default) and one `:param:` line\n\
         //! per option, in the order core checks them.\n",
    );
    s += &doc_macro(
        "memory_signature",
        "`Ledger.memory`'s text signature.",
        &format!("memory(*, {})\n--\n", keywords(false)),
    );
    s += &doc_macro(
        "redis_signature",
        "`Ledger.redis`'s text signature.",
        &format!("redis(url, *, {})\n--\n", keywords(true)),
    );
    s += &doc_macro(
        "rules_doc",
        "The rules, every ledger's options.",
        &params("rules"),
    );
    s += &doc_macro(
        "redis_options_doc",
        "The Redis store's options.",
        &params("redis"),
    );
    s
}

/// A Rust doc comment of `text` at `indent`, wrapped.
fn rs_doc(text: &str, indent: &str) -> String {
    let mut s = String::new();
    for para in text.split("\n\n") {
        if !s.is_empty() {
            s += &format!("{indent}///\n");
        }
        for line in wrap(para, "", 92 - indent.len()).lines() {
            s += &format!("{indent}/// {line}\n");
        }
    }
    s
}

/// A record field's Rust type in its class, and its value from core's `v`.
fn rs_field(ty: &str, name: &str) -> (String, String) {
    let (t, v) = match ty {
        "string" => ("String", format!("v.{name}.clone()")),
        "bool" | "u32" | "u64" => (ty, format!("v.{name}")),
        "i64" | "unix_ms" => ("i64", format!("v.{name}")),
        "opt:u64" => ("Option<u64>", format!("v.{name}")),
        "opt:string" => ("Option<String>", format!("v.{name}.clone()")),
        _ if ty.starts_with("enum:") => ("&'static str", format!("v.{name}.wire()")),
        _ if ty.starts_with("list:enum:") => (
            "Codes",
            format!("Codes(v.{name}.iter().map(Wire::wire).collect())"),
        ),
        _ => {
            let r = ty
                .strip_prefix("list:record:")
                .unwrap_or_else(|| panic!("the Python binding has no type for {ty}"));
            return (
                format!("Records<{r}>"),
                format!("Records(v.{name}.iter().cloned().map({r}::from).collect())"),
            );
        }
    };
    (t.to_owned(), v)
}

/// What the docs of a field of type `ty` add: the values of its enum.
fn values_doc(d: &Description, ty: &str) -> String {
    let name = ty.rsplit(':').next().unwrap_or(ty);
    match d.enum_named(name) {
        Some(e) if ty.starts_with("enum:") || ty.starts_with("list:enum:") => {
            let values: Vec<String> = e
                .values
                .iter()
                .map(|v| format!("`{}`", py_str(&v.name)))
                .collect();
            let each = if ty.starts_with("list:") {
                "Each"
            } else {
                "One"
            };
            format!(" {each} of {}.", values.join(", "))
        }
        _ => String::new(),
    }
}

/// A Rust array of string literals, as rustfmt lays it out at `indent`.
fn rs_names(names: &[String], indent: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    let one = format!("[{}]", quoted.join(", "));
    if one.len() <= 60 {
        return one;
    }
    let mut s = String::from("[\n");
    for q in &quoted {
        s += &format!("{indent}    {q},\n");
    }
    s + indent + "]"
}

pub(super) fn records(d: &Description) -> String {
    let mut s = banner("//");
    s.push_str(
        "//! The result classes, one per record of core's contract: immutable,\n\
         //! comparable and hashable by declaration (`#[pyclass(frozen, eq, hash)]`), one\n\
         //! read-only attribute per field, `to_dict()` core's serde serialisation made\n\
         //! into Python objects and `to_json()` the same as JSON text (src/classes.rs\n\
         //! holds what they are made of).\n\n\
         use pyo3::prelude::*;\n\n\
         use crate::classes::{from_core, repr_fields, Codes, Core, Records, Wire};\n\n\
         /// Adds every class to the module.\n\
         pub fn add(m: &Bound<'_, PyModule>) -> PyResult<()> {\n",
    );
    for r in &d.records {
        s += &format!("    m.add_class::<{}>()?;\n", r.name);
    }
    s.push_str("    Ok(())\n}\n");
    for r in &d.records {
        let keys: Vec<String> = r.fields.iter().map(|f| format!("\"{}\"", f.json)).collect();
        let keys = format!("``{{{}}}``", keys.join(", "));
        let doc = format!(
            "{} Immutable, comparable and hashable.\n\n``to_dict()`` gives {keys} (camelCase keys, as in every language), which ``to_json()`` returns as JSON text.",
            rst(&r.doc)
        );
        s += &format!("\n{}", rs_doc(&doc, ""));
        s += &format!(
            "#[pyclass(frozen, eq, hash, module = \"voipsign\")]\n#[derive(Clone, PartialEq, Eq, Hash)]\npub struct {} {{\n",
            r.name
        );
        let mut from = String::new();
        for f in &r.fields {
            let (ty, value) = rs_field(&f.ty, &f.name);
            let doc = format!("{}{}", rst(&f.doc), rst(&values_doc(d, &f.ty)));
            s += &rs_doc(&doc, "    ");
            s += &format!("    #[pyo3(get)]\n    {}: {ty},\n", f.name);
            from += &format!("            {}: {value},\n", f.name);
        }
        s += &format!("    core: Core<from_core::{}>,\n}}\n", r.name);
        s += &format!(
            "\nimpl From<from_core::{n}> for {n} {{\n    fn from(v: from_core::{n}) -> Self {{\n        {n} {{\n{from}            core: Core(v),\n        }}\n    }}\n}}\n",
            n = r.name
        );
        let names: Vec<String> = r.fields.iter().map(|f| f.name.clone()).collect();
        s += &format!(
            "\n#[pymethods]\nimpl {n} {{\n    /// {keys}, a new ``dict`` each time.\n    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {{\n        self.core.to_dict(py)\n    }}\n\n    /// :meth:`to_dict` as JSON text.\n    fn to_json(&self) -> String {{\n        self.core.to_json()\n    }}\n\n    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {{\n        let fields = {};\n        repr_fields(slf.as_any(), {:?}, &fields)\n    }}\n}}\n",
            rs_names(&names, "        "),
            r.name,
            n = r.name
        );
    }
    s
}

/// The stub type of a record field.
fn stub_type(ty: &str) -> String {
    match ty.strip_prefix("list:") {
        Some(inner) => format!("tuple[{}, ...]", stub_type(inner)),
        None => match ty.strip_prefix("record:") {
            Some(r) => r.to_owned(),
            None => py_type(ty),
        },
    }
}

pub(super) fn records_stub(d: &Description) -> String {
    let mut s = banner("#");
    s.push_str(
        r#""""Stubs of the native module's result classes (src/records.rs, generated
alike), re-exported by ``voipsign._native``'s stubs. The native module also
registers them as ``voipsign._records``, which stubtest checks against these."""

from typing import final

"#,
    );
    let mut names: Vec<String> = d
        .records
        .iter()
        .map(|r| format!("{}Dict", r.name))
        .collect();
    for r in &d.records {
        for f in &r.fields {
            if let Some(e) = f.ty.rsplit(':').next().filter(|_| f.ty.contains("enum:")) {
                names.push(e.to_owned());
            }
        }
    }
    names.sort();
    names.dedup();
    s += "from voipsign._contract import (\n";
    for n in &names {
        s += &format!("    {n},\n");
    }
    s += ")\n\n__all__ = [\n";
    for r in &d.records {
        s += &format!("    {},\n", py_str(&r.name));
    }
    s += "]\n";
    for r in &d.records {
        let keys: Vec<String> = r.fields.iter().map(|f| format!("\"{}\"", f.json)).collect();
        s += &format!(
            "\n@final\nclass {}:\n    \"\"\"{}\"\"\"\n\n",
            r.name,
            wrap(
                &format!("{} Immutable, comparable, hashable.", rst(&r.doc)),
                "    ",
                78
            )
        );
        for f in &r.fields {
            let doc = format!("{}{}", rst(&f.doc), rst(&values_doc(d, &f.ty)));
            s += &format!(
                "    @property\n    def {}(self) -> {}:\n        \"\"\"{}\"\"\"\n",
                f.name,
                stub_type(&f.ty),
                wrap(&doc, "        ", 74)
            );
        }
        let dict = format!("``{{{}}}``.", keys.join(", "));
        s += &format!(
            "    def to_dict(self) -> {}Dict:\n        \"\"\"{}\"\"\"\n    def to_json(self) -> str:\n        \"\"\"``to_dict()`` as JSON text.\"\"\"\n    def __eq__(self, other: object, /) -> bool: ...\n    def __hash__(self) -> int: ...\n",
            r.name,
            wrap(&dict, "        ", 74)
        );
    }
    s
}
