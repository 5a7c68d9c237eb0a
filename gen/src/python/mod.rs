//! The Python binding's declarations (bindings/python):
//!
//! - `python/voipsign/errors.py`: the root `VoipSignError`, one base per kind
//!   (`InputError` is a `ValueError`, `OutageError` an `OSError`), one class per
//!   code a binding can raise, and the tables `src/errors.rs` raises from
//!   (code → class, kind → base: a code this version does not know is raised as
//!   its kind's base);
//! - `python/voipsign/_contract.py`: the enums as `Literal` types, the records'
//!   `to_dict()` shapes as `TypedDict`s and the ledger's options as the
//!   `TypedDict`s of `Ledger.memory(**options)` / `Ledger.redis(url, **options)`;
//! - `src/contract.rs`: the runtime docs of those two constructors (their text
//!   signatures, with the defaults, and one `:param:` line per option);
//! - `src/records.rs`: the result classes, one per record (JoinTicket, Admission,
//!   ...), with their attributes, `to_dict()`, `to_json()` and `repr`, and
//!   `python/voipsign/_records.pyi` their stubs (a stub-only module, re-exported
//!   by `_native.pyi`).

use crate::model::{Description, Opt};
use crate::names::banner;
use crate::Generated;

const ROOT: &str = "bindings/python";

/// The kinds: (kind, class, Python bases, doc). `internal` is the root itself.
const KINDS: &[(&str, &str, &str, &str)] = &[
    (
        "input",
        "InputError",
        "VoipSignError, ValueError",
        "A value is refused (kind ``input``): a :class:`ValueError`, like Python's own.",
    ),
    (
        "refusal",
        "RefusalError",
        "VoipSignError",
        "The ledger refused (kind ``refusal``): *not* a :class:`ValueError`, so that an\n    ``except ValueError`` around input parsing never swallows a full room.",
    ),
    (
        "outage",
        "OutageError",
        "VoipSignError, OSError",
        "The ledger's store cannot be reached (kind ``outage``): an :class:`OSError`.",
    ),
];

mod records;
use records::{records, records_stub, rust_docs};

/// A one-line doc from the description as reStructuredText (``code``).
fn rst(doc: &str) -> String {
    doc.replace('\\', "\\\\").replace('`', "``")
}

/// `"a", "b"` as a Python string literal.
fn py_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The class of a kind.
fn kind_class(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|k| k.0 == kind)
        .map_or("VoipSignError", |k| k.1)
}

fn errors(d: &Description) -> String {
    let codes: Vec<_> = d.codes_for("bindings").collect();
    let mut s = banner("#");
    s.push_str(
        r#""""The exceptions of voipsign: one class per error code of docs/CONTRACT.md.

Every error is a :class:`VoipSignError`: ``code`` is the code name shared by
every language (``"INVALID_NONCE"``, ...), ``kind`` says what kind of failure it
is, and each kind has its base class:

- ``input``: :class:`InputError`, a :class:`ValueError` (a value is refused);
- ``refusal``: :class:`RefusalError`, *not* a :class:`ValueError` (the ledger
  refused: a full room, the day's limit);
- ``outage``: :class:`OutageError`, an :class:`OSError` (the ledger's store
  cannot be reached);
- ``internal``: :class:`VoipSignError` itself (a bug, the OS's random numbers).

A code this version does not know (a newer core) is raised as its kind's base,
with its ``code``. When several values are bad, the first in the contract's
order is reported: core decides, as in every language. A bad *type* (``bytes``
where a ``str`` is expected, a ``float`` timestamp) is a :class:`TypeError`,
raised as the argument is read. Messages name the field and the reason; they
never contain the session_key or any part of it.
"""

from typing import Dict, Optional, Type

__all__ = [
    "VoipSignError",
"#,
    );
    for k in KINDS {
        s += &format!("    {},\n", py_str(k.1));
    }
    for c in &codes {
        s += &format!("    {},\n", py_str(&c.class_name));
    }
    s.push_str(
        r#"]


class VoipSignError(Exception):
    """The base of every voipsign error (kind ``internal`` when raised as itself).

    ``code`` is the code name of docs/CONTRACT.md, ``kind`` one of ``"input"``,
    ``"refusal"``, ``"outage"`` and ``"internal"``.
    """

    code: str = "VOIPSIGN_ERROR"
    kind: str = "internal"

    def __init__(self, message: str, code: Optional[str] = None) -> None:
        super().__init__(message)
        if code is not None and code != type(self).code:
            # A code without a class of its own (a newer core's).
            self.code = code

    @property
    def message(self) -> str:
        """The message: which field and why (never the session_key)."""
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"
"#,
    );
    for (kind, class, bases, doc) in KINDS {
        s += &format!(
            "\n\nclass {class}({bases}):\n    \"\"\"{doc}\"\"\"\n\n    kind: str = {}\n",
            py_str(kind)
        );
    }
    for c in &codes {
        s += &format!(
            "\n\nclass {}({}):\n    \"\"\"{}\"\"\"\n\n    code: str = {}\n",
            c.class_name,
            kind_class(&c.kind),
            wrap(&rst(&c.doc), "    ", 78),
            py_str(&c.name)
        );
    }
    s.push_str("\n\n#: The class raised for each code name.\nERROR_CLASSES: Dict[str, Type[VoipSignError]] = {\n");
    for c in &codes {
        s += &format!("    {}: {},\n", py_str(&c.name), c.class_name);
    }
    s.push_str("}\n\n#: The base raised for a code without a class of its own, by kind.\nKIND_BASES: Dict[str, Type[VoipSignError]] = {\n");
    for k in KINDS {
        s += &format!("    {}: {},\n", py_str(k.0), k.1);
    }
    s.push_str("    \"internal\": VoipSignError,\n}\n");
    s
}

/// The Python type of a record field or an option.
fn py_type(ty: &str) -> String {
    if let Some(inner) = ty.strip_prefix("opt:") {
        return format!("{} | None", py_type(inner));
    }
    if let Some(inner) = ty.strip_prefix("list:") {
        return format!("list[{}]", py_type(inner));
    }
    if let Some(e) = ty.strip_prefix("enum:") {
        return e.to_owned();
    }
    if let Some(r) = ty.strip_prefix("record:") {
        return format!("{r}Dict");
    }
    match ty {
        "string" => "str",
        "bool" => "bool",
        _ => "int", // i64, u32, u64, unix_ms, ms, minutes
    }
    .to_owned()
}

/// A `Literal[...]` alias, on one line when it fits.
fn literal(name: &str, values: &[String]) -> String {
    let one = format!("{name} = Literal[{}]\n", values.join(", "));
    if one.len() <= 88 {
        return one;
    }
    let mut s = format!("{name} = Literal[\n");
    for v in values {
        s += &format!("    {v},\n");
    }
    s + "]\n"
}

/// The default of an option as Python source.
fn py_default(o: &Opt) -> String {
    match &o.default {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(v) => format!("'{v}'"),
        _ => "None".to_owned(),
    }
}

/// What the docs say about an option: its doc, default and range.
fn option_doc(o: &Opt) -> String {
    let spell = |n: &str| n.to_owned();
    let mut s = o.doc.clone();
    if o.default.is_null() {
        s += &format!(" Default: {}.", crate::names::fill(&o.default_doc, spell));
    } else {
        s += &format!(" Default: `{}`.", py_default(o));
    }
    let top = o.max_option.clone().or(o.max.map(|m| m.to_string()));
    if let (Some(min), Some(max)) = (o.min, top) {
        let note = match o.max_option {
            Some(_) => String::new(),
            None => crate::names::fill(&o.note, spell),
        };
        s += &format!(" From {min} to {max}{note}.");
    }
    s
}

/// `text` broken into lines of at most `width` characters, every line after the
/// first starting with `indent`.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out += &line;
            out.push('\n');
            line = indent.to_owned();
        } else if !line.is_empty() && line != indent {
            line.push(' ');
        }
        line += word;
    }
    out + &line
}

fn contract(d: &Description) -> String {
    let mut s = banner("#");
    s.push_str(
        r#""""The contract of voipsign as Python types (docs/CONTRACT.md): the enums as
``Literal`` types, the shapes of ``to_dict()`` as ``TypedDict`` s, and the
ledger's options, the keyword arguments of ``Ledger.memory(**options)`` and
``Ledger.redis(url, **options)``. Re-exported by :mod:`voipsign`."""

from typing import Literal, TypedDict

__all__ = [
"#,
    );
    let mut names: Vec<String> = d.enums.iter().map(|e| e.name.clone()).collect();
    names.extend(d.records.iter().map(|r| format!("{}Dict", r.name)));
    names.extend(d.inputs.iter().map(|r| r.name.clone()));
    names.extend(["LedgerOptions".to_owned(), "RedisLedgerOptions".to_owned()]);
    for n in &names {
        s += &format!("    {},\n", py_str(n));
    }
    s.push_str("]\n");
    for e in &d.enums {
        s += &format!("\n#: {}\n#:\n", rst(&e.doc));
        for v in &e.values {
            let item = format!("#: - ``{}``: {}", py_str(&v.name), rst(&v.doc));
            s += &wrap(&item, "#:   ", 88);
            s.push('\n');
        }
        let values: Vec<String> = e.values.iter().map(|v| py_str(&v.name)).collect();
        s += &literal(&e.name, &values);
    }
    for r in &d.records {
        let doc = format!("``{}.to_dict()``: {}", r.name, rst(&r.doc));
        s += &format!(
            "\n\nclass {}Dict(TypedDict):\n    \"\"\"{}\"\"\"\n",
            r.name,
            wrap(&doc, "    ", 78)
        );
        for f in &r.fields {
            s += &format!(
                "\n    {}: {}\n    \"\"\"{}\"\"\"\n",
                f.json,
                py_type(&f.ty),
                wrap(&rst(&f.doc), "    ", 78)
            );
        }
    }
    s += &inputs(d);
    for (class, base, group, doc) in [
        ("LedgerOptions", "TypedDict, total=False", "rules", "The options of every ledger (``Ledger.memory(**options)``): the room rules,\n    checked by core in this order. A missing key or ``None`` is the default; an\n    unknown name, a wrong type or a value out of range is :class:`InvalidRules`."),
        ("RedisLedgerOptions", "LedgerOptions, total=False", "redis", "The options of ``Ledger.redis(url, **options)``: the rules, then the Redis\n    store's, checked in this order."),
    ] {
        s += &format!("\n\nclass {class}({base}):\n    \"\"\"{doc}\"\"\"\n");
        for o in d.options.iter().filter(|o| o.group == group) {
            let ty = py_type(&o.ty);
            let ty = if o.default.is_null() {
                format!("{ty} | None")
            } else {
                ty
            };
            s += &format!(
                "\n    {}: {ty}\n    \"\"\"{}\"\"\"\n",
                o.name,
                wrap(&rst(&option_doc(o)), "    ", 78)
            );
        }
    }
    s
}

/// Every generated file of the python binding.
pub fn files(d: &Description) -> Vec<Generated> {
    vec![
        Generated::new(&format!("{ROOT}/python/voipsign/errors.py"), errors(d)),
        Generated::new(&format!("{ROOT}/python/voipsign/_contract.py"), contract(d)),
        Generated::new(&format!("{ROOT}/src/contract.rs"), rust_docs(d)),
        Generated::new(&format!("{ROOT}/src/records.rs"), records(d)),
        Generated::new(
            &format!("{ROOT}/python/voipsign/_records.pyi"),
            records_stub(d),
        ),
    ]
}

/// The records a caller passes in, as `TypedDict`s of optional keys (snake_case,
/// Python's spelling; `None`: not known).
fn inputs(d: &Description) -> String {
    let mut s = String::new();
    for r in &d.inputs {
        let doc = format!(
            "{} Every key is optional (missing or ``None``: not known).",
            rst(&r.doc)
        );
        s += &format!(
            "\n\nclass {}(TypedDict, total=False):\n    \"\"\"{}\"\"\"\n",
            r.name,
            wrap(&doc, "    ", 78)
        );
        for f in &r.fields {
            let doc = wrap(&rst(&f.doc), "    ", 78);
            s += &format!(
                "\n    {}: {} | None\n    \"\"\"{doc}\"\"\"\n",
                f.name,
                py_type(&f.ty)
            );
        }
    }
    s
}
