//! The tables of docs/CONTRACT.md (codes and kinds) and docs/ROOMS.md (options),
//! written between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`.

use crate::model::Description;
use crate::names::camel;
use crate::Generated;

fn codes(d: &Description) -> String {
    let mut s = String::from("| number (C) | name | kind | where | when |\n|---:|---|---|---|---|\n| 0 | `OK` | | C | success |\n");
    for c in &d.codes {
        let scope = match c.scope.as_str() {
            "c" => "C",
            "bindings" => "bindings",
            _ => "all",
        };
        s += &format!(
            "| {} | `{}` | {} | {scope} | {} |\n",
            c.number,
            c.name,
            c.kind,
            c.doc.replace('|', "\\|")
        );
    }
    s
}

fn options(d: &Description) -> String {
    let mut s = String::from("| option (Python, C, Rust / Node, Go, Java, PHP) | type | default | range | what |\n|---|---|---|---|---|\n");
    for o in &d.options {
        let ledger = if o.group == "redis" {
            " (Redis only)"
        } else {
            ""
        };
        s += &format!(
            "| `{}` / `{}`{ledger} | {} | {} | {} | {} |\n",
            o.name,
            camel(&o.name),
            o.ty,
            o.default_words(|n| format!("`{n}`")),
            o.range_words(|n| format!("`{n}`")),
            o.doc.replace('|', "\\|")
        );
    }
    s
}

/// The section `name` of `text` replaced by `body`; `None` when the markers are absent.
pub fn splice(text: &str, name: &str, body: &str) -> Option<String> {
    let open = format!("<!-- generated:{name} (make gen) -->\n");
    let close = format!("<!-- /generated:{name} -->");
    let a = text.find(&open)? + open.len();
    let b = a + text[a..].find(&close)?;
    Some(format!("{}{body}{}", &text[..a], &text[b..]))
}

/// The two documents, with their tables regenerated (`root` holds the current text).
pub fn files(d: &Description, read: &dyn Fn(&str) -> String) -> Vec<Generated> {
    let mut out = Vec::new();
    for (path, name, body) in [
        ("docs/CONTRACT.md", "codes", codes(d)),
        ("docs/ROOMS.md", "options", options(d)),
    ] {
        let text = read(path);
        let new = splice(&text, name, &body)
            .unwrap_or_else(|| panic!("{path} lacks the markers of {name}"));
        out.push(Generated::spliced(path, new));
    }
    out
}
