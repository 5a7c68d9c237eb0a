//! The Java binding's declarations (bindings/java/src/main/java/io/voipsign):
//! `Code` (every code a binding shows, with its number, kind and doc), `RoomType`,
//! and the `Rules` and `RedisOptions` builders (one setter per option, a
//! `java.time.Duration` overload for each `ms` option, a getter of what was set).
//!
//! The builders hold what the user set, by camelCase name; `Ledger` passes it to
//! core as a JSON object, and core fills in the defaults and checks every value
//! (`Ledger::open` with `Spelling::Camel`). Nothing here decides a default or a
//! range: they are only quoted in the docs.
//!
//! Also the records but `JoinTicket` (whose `toJson()` is the core's own JSON
//! text): one class each, with the enums only they use nested (`Diagnosis.Verdict`,
//! `Diagnosis.Mistake`, `Explanation.Cause`). Not generated: the exception classes
//! (one per kind, see `Code`'s docs), `OnUnavailable` and `JoinTicket`.
//!
//! A record's file does not change when a code, an enum value of another type or
//! an option is added: gen/tests/fixture.rs, which requires every file to change
//! with its additions, has to exempt such files (a public Java type needs a file
//! of its own).

use crate::model::{Code, Description, Field, Record};
use crate::names::{banner, screaming};
use crate::Generated;

mod input;
mod options;
use options::{redis_options, rules};

const DIR: &str = "bindings/java/src/main/java/io/voipsign";

/// Every generated file of the java binding.
pub fn files(d: &Description) -> Vec<Generated> {
    let mut out = vec![
        Generated::new(&format!("{DIR}/Code.java"), code(d)),
        Generated::new(&format!("{DIR}/RoomType.java"), room_type(d)),
        Generated::new(&format!("{DIR}/Rules.java"), rules(d)),
        Generated::new(&format!("{DIR}/RedisOptions.java"), redis_options(d)),
    ];
    // JoinTicket stays hand-written: its toJson() is the core's own JSON text.
    for r in d.records.iter().filter(|r| r.name != "JoinTicket") {
        out.push(Generated::new(
            &format!("{DIR}/{}.java", r.name),
            record(d, r),
        ));
    }
    for r in &d.inputs {
        out.push(Generated::new(
            &format!("{DIR}/{}.java", r.name),
            input::input(r),
        ));
    }
    out
}

/// Text as Javadoc: HTML escaped, `code` spans as `{@code code}`.
pub(super) fn doc(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('@', "&#64;");
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("{{@code {part}}}"));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// A Javadoc comment of `lines` at `indent` (one line when it fits).
pub(super) fn javadoc(indent: &str, lines: &[String]) -> String {
    if lines.len() == 1 && indent.len() + lines[0].len() + 7 <= 110 {
        return format!("{indent}/** {} */\n", lines[0]);
    }
    let mut out = format!("{indent}/**\n");
    for l in lines {
        if l.is_empty() {
            out.push_str(&format!("{indent} *\n"));
        }
        for w in wrap(l, 100 - indent.len()) {
            out.push_str(&format!("{indent} * {w}\n"));
        }
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

/// `text` in lines of at most `width` characters (a longer word stays whole);
/// `{@…}` tags are never split.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut depth = 0usize;
    for word in text.split(' ') {
        if !line.is_empty() && depth == 0 && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        } else if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        depth += word.matches('{').count();
        depth -= word.matches('}').count().min(depth);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The Java class a code of this kind is thrown as.
fn class_of(kind: &str) -> &'static str {
    match kind {
        "input" => "InputException",
        "refusal" => "RefusalException",
        "outage" => "OutageException",
        _ => "VoipSignException",
    }
}

const KINDS: [(&str, &str); 4] = [
    (
        "input",
        "A value the caller passed is not valid: {@link InputException}, an {@link IllegalArgumentException}.",
    ),
    (
        "refusal",
        "The room ledger refused (a full room, the day's limit, no seat): {@link RefusalException}, not a bad argument.",
    ),
    (
        "outage",
        "The ledger's store cannot be reached: {@link OutageException}, an {@link java.io.UncheckedIOException}.",
    ),
    (
        "internal",
        "A bug or a failure of the machine: {@link VoipSignException} itself.",
    ),
];

fn code(d: &Description) -> String {
    let codes: Vec<&Code> = d.codes_for("bindings").collect();
    let mut s = banner("//");
    s.push_str("package io.voipsign;\n\n");
    s.push_str(&javadoc(
        "",
        &[
            "The stable error codes of voipsign: the same names in every language, the same numbers".into(),
            "as the C ABI's {@code voipsign_status}. A code's {@link Kind} is the class it is thrown as,".into(),
            "every one a {@link VoipSignError}:".into(),
            "<ul>".into(),
            kind_item(&codes, "input", "{@link InputException} (an {@link IllegalArgumentException})"),
            kind_item(&codes, "refusal", "{@link RefusalException} (a {@link VoipSignException})"),
            kind_item(&codes, "outage", "{@link OutageException} (an {@link java.io.UncheckedIOException})"),
            kind_item(&codes, "internal", "{@link VoipSignException}"),
            "</ul>".into(),
        ],
    ));
    s.push_str("public enum Code {\n");
    for (i, c) in codes.iter().enumerate() {
        s.push_str(&javadoc(
            "    ",
            &[format!(
                "{} Thrown as {{@link {}}}.",
                doc(&c.doc),
                class_of(&c.kind)
            )],
        ));
        let end = if i + 1 == codes.len() { ';' } else { ',' };
        s.push_str(&format!(
            "    {}({}, Kind.{}){end}\n",
            c.name,
            c.number,
            screaming(&c.kind)
        ));
    }
    s.push_str("\n    /** The kind of a code: which family of exceptions it is thrown as. */\n");
    s.push_str("    public enum Kind {\n");
    for (i, (k, text)) in KINDS.iter().enumerate() {
        let end = if i + 1 == KINDS.len() { "" } else { "," };
        s.push_str(&javadoc("        ", &[(*text).to_owned()]));
        s.push_str(&format!("        {}{end}\n", screaming(k)));
    }
    s.push_str("    }\n\n");
    s.push_str(
        r#"    private final int number;
    private final Kind kind;

    Code(int number, Kind kind) {
        this.number = number;
        this.kind = kind;
    }

    /**
     * The stable number of the code (C's {@code voipsign_status}; 0 is OK there).
     *
     * @return 1 for {@link #INVALID_APP_ID}, 2 for {@link #INVALID_GROUP_ID}, …
     */
    public int number() {
        return number;
    }

    /**
     * The kind: the class the code is thrown as.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The code of a name.
     *
     * @param name a code's name, e.g. {@code "ROOM_FULL"}
     * @return the code, or {@code null} for a name this version does not know
     */
    public static Code fromName(String name) {
        for (Code c : values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
"#,
    );
    s
}

fn kind_item(codes: &[&Code], kind: &str, class: &str) -> String {
    let names: Vec<String> = codes
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| format!("{{@link #{}}}", c.name))
        .collect();
    format!(
        "<li>{{@link Kind#{}}}: {class}: {}</li>",
        screaming(kind),
        names.join(", ")
    )
}

fn room_type(d: &Description) -> String {
    let e = d.enum_named("RoomType").expect("the RoomType enum");
    let mut s = banner("//");
    s.push_str("package io.voipsign;\n\n");
    s.push_str(&javadoc("", &[doc(&e.doc)]));
    s.push_str("public enum RoomType {\n");
    for (i, v) in e.values.iter().enumerate() {
        s.push_str(&javadoc(
            "    ",
            &[format!("{{@code \"{}\"}}: {}", v.name, doc(&v.doc))],
        ));
        let end = if i + 1 == e.values.len() { ';' } else { ',' };
        s.push_str(&format!(
            "    {}(\"{}\"){end}\n",
            screaming(&v.name),
            v.name
        ));
    }
    let mut names: Vec<String> = e
        .values
        .iter()
        .map(|v| format!("{{@code \"{}\"}}", v.name))
        .collect();
    let last = names.pop().unwrap_or_default();
    let names = match names.is_empty() {
        true => vec![last],
        false => vec![names.join(", "), last],
    };
    s.push_str(&format!(
        r#"
    private final String wireName;

    RoomType(String wireName) {{
        this.wireName = wireName;
    }}

    /**
     * The value {{@code wx.joinVoIPChat}} takes.
     *
     * @return {}
     */
    public String wireName() {{
        return wireName;
    }}

    /** The wire name, as {{@link #wireName()}}. */
    @Override
    public String toString() {{
        return wireName;
    }}
}}
"#,
        names.join(" or ")
    ));
    s
}

/// An enum nested in the record that uses it: its values are Java constant names
/// already (`MISTAKE_FOUND`), unlike the wire-named top-level enums (`voice`).
fn nested(d: &Description, name: &str) -> bool {
    d.enum_named(name).is_some_and(|e| {
        e.values.iter().all(|v| {
            v.name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
        })
    })
}

/// A field's Java type.
fn field_type(f: &Field) -> String {
    let one = |t: &str| -> String {
        match t {
            "string" => "String".into(),
            "bool" => "boolean".into(),
            "u32" => "int".into(),
            "i64" | "u64" | "unix_ms" => "long".into(),
            "opt:u64" => "Long".into(),
            "opt:string" => "String".into(),
            other => other
                .strip_prefix("enum:")
                .or_else(|| other.strip_prefix("record:"))
                .unwrap_or(other)
                .to_owned(),
        }
    };
    match f.ty.strip_prefix("list:") {
        Some(t) => format!("List<{}>", one(t)),
        None => one(&f.ty),
    }
}

fn record(d: &Description, r: &Record) -> String {
    let fields: Vec<(String, String, &Field)> = r
        .fields
        .iter()
        .map(|f| (f.json.clone(), field_type(f), f))
        .collect();
    let list = fields.iter().any(|(_, t, _)| t.starts_with("List<"));
    let mut s = banner("//");
    s.push_str("package io.voipsign;\n\n");
    if list {
        s.push_str(
            "import java.util.ArrayList;\nimport java.util.Collections;\nimport java.util.List;\n",
        );
    }
    s.push_str("import java.util.Objects;\n\n");
    s.push_str(&javadoc(
        "",
        &[format!(
            "{} Immutable; equal when every field is. The getters are named after the JSON fields \
             of the other languages, so Jackson serialises it to the same object.",
            doc(&r.doc)
        )],
    ));
    s.push_str(&format!("public final class {} {{\n", r.name));
    let mut done: Vec<String> = Vec::new();
    for f in &r.fields {
        let name = f.ty.trim_start_matches("list:").trim_start_matches("enum:");
        if !f.ty.contains("enum:") || !nested(d, name) || done.iter().any(|n| n == name) {
            continue;
        }
        done.push(name.to_owned());
        let e = d.enum_named(name).expect("a described enum");
        s.push_str(&javadoc("    ", &[doc(&e.doc)]));
        s.push_str(&format!("    public enum {name} {{\n"));
        for (i, v) in e.values.iter().enumerate() {
            s.push_str(&javadoc("        ", &[doc(&v.doc)]));
            let end = if i + 1 == e.values.len() { "" } else { "," };
            s.push_str(&format!("        {}{end}\n", v.name));
        }
        s.push_str("    }\n\n");
    }
    for (n, t, _) in &fields {
        s.push_str(&format!("    private final {t} {n};\n"));
    }
    let params: Vec<String> = fields.iter().map(|(n, t, _)| format!("{t} {n}")).collect();
    let mut params = params.join(", ");
    if params.len() + r.name.len() > 96 {
        params = format!("\n            {}", params.replace(", ", ",\n            "));
    }
    s.push_str(&format!(
        "\n    /** From the native library, in the description's field order. */\n    {}({params}) {{\n",
        r.name,
    ));
    for (n, t, _) in &fields {
        if t.starts_with("List<") {
            s.push_str(&format!(
                "        this.{n} = Collections.unmodifiableList(new ArrayList<>({n}));\n"
            ));
        } else {
            s.push_str(&format!("        this.{n} = {n};\n"));
        }
    }
    s.push_str("    }\n");
    for (n, t, f) in &fields {
        let prefix = if t == "boolean" { "is" } else { "get" };
        let ret = if t.starts_with("List<") {
            format!("{{@code {n}}}, an unmodifiable list")
        } else {
            format!("{{@code {n}}}")
        };
        s.push('\n');
        s.push_str(&javadoc(
            "    ",
            &[doc(&f.doc), String::new(), format!("@return {ret}")],
        ));
        let upper = crate::names::pascal(&crate::names::screaming(n));
        s.push_str(&format!(
            "    public {t} {prefix}{upper}() {{\n        return {n};\n    }}\n"
        ));
    }
    let same: Vec<String> = fields
        .iter()
        .map(|(n, t, _)| match t.as_str() {
            "boolean" | "int" | "long" => format!("{n} == o.{n}"),
            _ if d.enum_named(t).is_some() => format!("{n} == o.{n}"),
            _ => format!("Objects.equals({n}, o.{n})"),
        })
        .collect();
    let names: Vec<&str> = fields.iter().map(|(n, _, _)| n.as_str()).collect();
    let shown: Vec<String> = names.iter().map(|n| format!("{n}=\" + {n}")).collect();
    s.push_str(&format!(
        r#"
    @Override
    public boolean equals(Object other) {{
        if (!(other instanceof {c})) {{
            return false;
        }}
        {c} o = ({c}) other;
        return {same};
    }}

    @Override
    public int hashCode() {{
        return Objects.hash({names});
    }}

    @Override
    public String toString() {{
        return "{c}{{{shown} + "}}";
    }}
}}
"#,
        c = r.name,
        same = same.join("\n                && "),
        names = names.join(", "),
        shown = shown.join(" + \", "),
    ));
    s
}

/// The end of a value class of `Rules`, `RedisOptions` and the inputs: `toMap()`
/// (what was set, `by` how it is named), `equals`, `hashCode`, `toString`, and the
/// head of its `Builder`.
pub(super) fn value_tail(class: &str, by: &str) -> String {
    format!(
        r#"
    /**
     * What was set, {by}, as the core receives it.
     *
     * @return an unmodifiable map, in the order set
     */
    public Map<String, Object> toMap() {{
        return values;
    }}

    @Override
    public boolean equals(Object o) {{
        return o instanceof {class} && (({class}) o).values.equals(values);
    }}

    @Override
    public int hashCode() {{
        return values.hashCode();
    }}

    /** {{@code {class}{{name=value, …}}}}: what was set. */
    @Override
    public String toString() {{
        return "{class}" + values;
    }}

    /** Builds {{@link {class}}}: holds what is set, nothing else. Not thread-safe. */
    public static final class Builder {{
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder() {{}}
"#
    )
}
