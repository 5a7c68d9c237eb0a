//! The go binding's declarations: bindings/go/contract_{codes,types,options}_gen.go (codes, kinds,
//! sentinels, enums, records and the ledger's options), gofmt-clean (every
//! declaration stands alone, separated by blank lines: nothing to align).

use crate::model::{Description, Opt};
use crate::names::{banner, camel, fill};
use crate::Generated;

/// The kinds, in `voipsign_kind` order (1..).
const KINDS: [(&str, &str); 4] = [
    (
        "input",
        "a bad argument: the caller's mistake, never worth a retry",
    ),
    (
        "refusal",
        "the ledger refused (a full room, the day's limit, no seat): a rule, not a fault",
    ),
    (
        "outage",
        "the ledger's store cannot be reached: retry later",
    ),
    (
        "internal",
        "a bug or a failure of the machine; also a number the linked library does not know",
    ),
];

/// One word of an identifier, with Go's initialisms.
fn word(w: &str) -> String {
    let lower = w.to_ascii_lowercase();
    match lower.as_str() {
        "id" | "utf8" | "url" | "rng" | "sha256" | "ttl" | "json" | "tls" => {
            lower.to_ascii_uppercase()
        }
        _ => {
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        }
    }
}

/// `daily_room_limit`, `NOT_SORTED`, `dailyRoomLimit` or `InvalidAppId` → `DailyRoomLimit`,
/// `NotSorted`, `DailyRoomLimit`, `InvalidAppID`.
pub fn ident(name: &str) -> String {
    let mut words = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if ch == '_' || ch == '-' {
            words.push(std::mem::take(&mut cur));
            continue;
        }
        let hump = ch.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || (chars[i - 1].is_ascii_digit() && !cur.is_empty()));
        if hump && !name.contains('_') {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(ch);
    }
    words.push(cur);
    words
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| word(w))
        .collect()
}

/// A Go string literal.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Go type of a description type.
fn go_type(ty: &str) -> String {
    if let Some(rest) = ty.strip_prefix("opt:") {
        return format!("*{}", go_type(rest));
    }
    if let Some(rest) = ty.strip_prefix("list:") {
        return format!("[]{}", go_type(rest));
    }
    if let Some(name) = ty
        .strip_prefix("enum:")
        .or_else(|| ty.strip_prefix("record:"))
    {
        return name.to_owned();
    }
    match ty {
        "string" => "string",
        "bool" => "bool",
        "i64" => "int64",
        "unix_ms" => "UnixMilli",
        "ms" => "time.Duration",
        _ => "int",
    }
    .to_owned()
}

/// The sentinel of a code: `Err` + its name, or + its class name where that would
/// be a kind sentinel (INTERNAL: ErrInternalError, ErrInternal is the kind).
fn sentinel(name: &str, class_name: &str) -> String {
    let plain = format!("Err{}", ident(name));
    if KINDS
        .iter()
        .any(|(k, _)| format!("Err{}", ident(k)) == plain)
    {
        format!("Err{}", ident(class_name))
    } else {
        plain
    }
}

/// The option's function: `WithCapacity`, `WithReserveTTL` (a Duration: no `Ms`).
fn option_fn(o: &Opt) -> String {
    let name = match o.ty.as_str() {
        "ms" => o.name.strip_suffix("_ms").unwrap_or(&o.name),
        _ => &o.name,
    };
    format!("With{}", ident(name))
}

fn option_doc(o: &Opt) -> String {
    let spell = |n: &str| camel(n);
    let mut s = format!("// {} sets {}: {}", option_fn(o), camel(&o.name), o.doc);
    let range = o.range_words(spell);
    if !range.is_empty() {
        let unit = match o.ty.as_str() {
            "ms" => " ms",
            "minutes" => " minutes",
            _ => "",
        };
        let note = fill(&o.note, spell);
        let note = if note.trim() == "ms" {
            String::new()
        } else {
            note
        };
        s += &format!(" Range {range}{unit}{note}.");
    }
    s += &format!(" Default {}.", o.default_words(spell));
    if o.group == "redis" {
        s += " Redis ledgers only (INVALID_RULES on a memory ledger).";
    }
    match o.ty.as_str() {
        "ms" => s +=
            "\n// Whole milliseconds: a fraction goes to the library as it is, which refuses it.",
        t if t.starts_with("enum:") => {
            s += "\n// Any other value goes to the library as it is, which refuses it."
        }
        _ => {}
    }
    s
}

/// bindings/go/contract_{codes,types,options}_gen.go.
pub fn files(d: &Description) -> Vec<Generated> {
    // One file per concern: the codes, kinds and sentinels; the enums and records;
    // the options and constants.
    let head = |imports: &str| format!("{}\npackage voipsign\n{imports}\n", banner("//"));
    let mut s = head("");
    let codes: Vec<_> = d.codes_for("bindings").collect();

    // Codes.
    let c_names = d
        .codes
        .iter()
        .filter(|c| c.scope == "c")
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    s += &format!(
        "// Code is the stable code of a failure, the same in every language voipsign\n\
         // supports (docs/CONTRACT.md): the number of the C enum voipsign_status. The\n\
         // C ABI's own codes ({c_names}) never reach Go code.\n\
         type Code int\n\n// The codes, in number order.\nconst (\n"
    );
    for (i, c) in codes.iter().enumerate() {
        if i > 0 {
            s += "\n";
        }
        s += &format!(
            "\t// Code{} is {}: {} [{}]\n\tCode{} Code = {}\n",
            ident(&c.name),
            c.name,
            c.doc,
            c.kind,
            ident(&c.name),
            c.number
        );
    }
    s += ")\n\n";
    s += "// String returns the code's name as docs/CONTRACT.md spells it (\"ROOM_FULL\"),\n\
          // or the linked library's name of a code this package does not know\n\
          // (\"UNKNOWN\" when the library does not know it either).\n\
          func (c Code) String() string {\n\tswitch c {\n";
    for c in &codes {
        s += &format!(
            "\tcase Code{}:\n\t\treturn {}\n",
            ident(&c.name),
            quote(&c.name)
        );
    }
    s += "\t}\n\treturn libraryName(c)\n}\n\n";
    s += "// Kind returns the code's kind; the kind of a code this package does not\n\
          // know (a newer library) is the library's answer (voipsign_status_kind).\n\
          func (c Code) Kind() Kind {\n\tswitch c {\n";
    for (k, _) in KINDS {
        let of: Vec<String> = codes
            .iter()
            .filter(|c| c.kind == k)
            .map(|c| format!("Code{}", ident(&c.name)))
            .collect();
        if !of.is_empty() {
            s += &format!("\tcase {}:\n\t\treturn Kind{}\n", of.join(", "), ident(k));
        }
    }
    s += "\t}\n\treturn libraryKind(c)\n}\n\n";
    let c_only: Vec<String> = d
        .codes
        .iter()
        .filter(|c| c.scope == "c")
        .map(|c| c.number.to_string())
        .collect();
    let internal = d
        .codes
        .iter()
        .find(|c| c.kind == "internal" && c.name == "INTERNAL")
        .map_or("INTERNAL".to_owned(), |c| ident(&c.name));
    s += &format!(
        "// codeOf is the Code of a C status: the C ABI's own codes ({c_names}) would be a\n// bug of this package, reported as Code{internal}.\nfunc codeOf(status uint32) Code {{\n"
    );
    if !c_only.is_empty() {
        s += &format!(
            "\tswitch status {{\n\tcase {}:\n\t\treturn Code{internal}\n\t}}\n",
            c_only.join(", ")
        );
    }
    s += "\treturn Code(status)\n}\n\n";

    // Kinds.
    s += "// Kind is the kind of a failure (docs/CONTRACT.md, \"Error kinds\"). A Kind is an\n\
          // error itself: errors.Is(err, voipsign.ErrInput) (or ErrRefusal, ErrOutage,\n\
          // ErrInternal) is true for every *Error of that kind.\n\
          type Kind int\n\n// The kinds (the numbers of voipsign_kind).\nconst (\n";
    for (i, (k, doc)) in KINDS.iter().enumerate() {
        if i > 0 {
            s += "\n";
        }
        s += &format!(
            "\t// Kind{} is {doc}.\n\tKind{} Kind = {}\n",
            ident(k),
            ident(k),
            i + 1
        );
    }
    s += ")\n\n// String returns \"input\", \"refusal\", \"outage\" or \"internal\".\nfunc (k Kind) String() string {\n\tswitch k {\n";
    for (k, _) in KINDS {
        s += &format!("\tcase Kind{}:\n\t\treturn {}\n", ident(k), quote(k));
    }
    s += "\t}\n\treturn \"unknown\"\n}\n\n// Error returns \"voipsign: an input error\" and so on.\nfunc (k Kind) Error() string {\n\tif k == KindInput || k == KindInternal || k == KindOutage {\n\t\treturn \"voipsign: an \" + k.String() + \" error\"\n\t}\n\treturn \"voipsign: a \" + k.String() + \" error\"\n}\n\n";
    s += "// The kind sentinels, for errors.Is(err, voipsign.ErrRefusal).\nvar (\n";
    for (i, (k, doc)) in KINDS.iter().enumerate() {
        if i > 0 {
            s += "\n";
        }
        s += &format!(
            "\t// Err{} matches every error of kind {k}: {doc}.\n\tErr{} error = Kind{}\n",
            ident(k),
            ident(k),
            ident(k)
        );
    }
    s += ")\n\n";

    // Sentinels.
    s += "// The sentinels, one per code, for errors.Is (which compares codes). Their\n\
          // messages are generic; a returned error carries the specific reason.\nvar (\n";
    for (i, c) in codes.iter().enumerate() {
        if i > 0 {
            s += "\n";
        }
        let name = sentinel(&c.name, &c.class_name);
        s += &format!(
            "\t// {name} is {} ({}): {}\n\t{name} = &Error{{Code: Code{}, Message: {}}}\n",
            c.name,
            c.kind,
            c.doc,
            ident(&c.name),
            quote(&c.description)
        );
    }
    s += ")\n\n";

    let errors = std::mem::replace(&mut s, head("\nimport \"time\"\n"));
    // Enums.
    for e in &d.enums {
        s += &format!(
            "// {} is {}\ntype {} string\n\n// The values of {}.\nconst (\n",
            e.name,
            lower_first(&e.doc),
            e.name,
            e.name
        );
        for (i, v) in e.values.iter().enumerate() {
            if i > 0 {
                s += "\n";
            }
            let id = format!("{}{}", e.name, ident(&v.name));
            s += &format!(
                "\t// {id}: {}\n\t{id} {} = {}\n",
                v.doc,
                e.name,
                quote(&v.name)
            );
        }
        s += ")\n\n";
    }

    // Records.
    s += "// UnixMilli is an instant in unix milliseconds, as the library counts time.\n\
          type UnixMilli int64\n\n// Time returns t as a time.Time.\n\
          func (t UnixMilli) Time() time.Time { return time.UnixMilli(int64(t)) }\n\n";
    // Records as returned; inputs with every field a pointer (nil: not known),
    // left out of the JSON when nil.
    let records = d.records.iter().map(|r| (r, false));
    for (r, input) in records.chain(d.inputs.iter().map(|r| (r, true))) {
        let (note, ptr, omit) = match input {
            true => (
                " A nil field is not known (Ptr makes a pointer of a value).",
                "*",
                ",omitempty",
            ),
            false => ("", "", ""),
        };
        s += &format!(
            "// {} is {}{note}\ntype {} struct {{\n",
            r.name,
            lower_first(&r.doc),
            r.name
        );
        for (i, f) in r.fields.iter().enumerate() {
            if i > 0 {
                s += "\n";
            }
            s += &format!(
                "\t// {}\n\t{} {ptr}{} `json:\"{}{omit}\"`\n",
                f.doc,
                ident(&f.json),
                go_type(&f.ty),
                f.json
            );
        }
        s += "}\n\n";
    }

    let types = std::mem::replace(&mut s, head("\nimport \"time\"\n"));
    // Options.
    s += "// Option is one option of a ledger (NewMemoryLedger, NewRedisLedger), made by a\n\
          // With… function. An option not given is the library's default; a given one\n\
          // goes to the library as it is (a JSON object by camelCase name), which checks\n\
          // every option in its one order and refuses a bad one with ErrInvalidRules\n\
          // naming it. The last of repeated options wins.\n\
          type Option func(options)\n\n\
          // options are the given options by camelCase name.\ntype options map[string]any\n";
    for o in &d.options {
        let ty = match o.ty.as_str() {
            t if t.starts_with("enum:") => t[5..].to_owned(),
            "ms" => "time.Duration".to_owned(),
            "string" => "string".to_owned(),
            _ => "int".to_owned(),
        };
        let value = if o.ty == "ms" { "millis(v)" } else { "v" };
        s += &format!(
            "\n{}\nfunc {}(v {ty}) Option {{\n\treturn func(o options) {{ o[{}] = {value} }}\n}}\n",
            option_doc(o),
            option_fn(o),
            quote(&camel(&o.name))
        );
    }
    // Constants.
    s += &format!(
        "\n// maxCapacity is the largest capacity a ledger accepts (room buffers).\nconst maxCapacity = {}\n",
        d.constant("max_capacity").max(1)
    );
    vec![
        Generated::new(
            "bindings/go/contract_codes_gen.go",
            errors.trim_end().to_owned() + "\n",
        ),
        Generated::new(
            "bindings/go/contract_types_gen.go",
            types.trim_end().to_owned() + "\n",
        ),
        Generated::new("bindings/go/contract_options_gen.go", s),
    ]
}

fn lower_first(doc: &str) -> String {
    let mut c = doc.chars();
    match c.next() {
        Some(f) if !doc.starts_with("wx") => f.to_lowercase().chain(c).collect(),
        _ => doc.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idents() {
        assert_eq!(ident("INVALID_APP_ID"), "InvalidAppID");
        assert_eq!(ident("InvalidUtf8"), "InvalidUTF8");
        assert_eq!(ident("PLAIN_SHA256"), "PlainSHA256");
        assert_eq!(ident("leaseExpiresAt"), "LeaseExpiresAt");
        assert_eq!(ident("timeStamp"), "TimeStamp");
        assert_eq!(ident("memberId"), "MemberID");
        assert_eq!(ident("voice"), "Voice");
        assert_eq!(sentinel("INTERNAL", "InternalError"), "ErrInternalError");
        assert_eq!(sentinel("ROOM_FULL", "RoomFull"), "ErrRoomFull");
    }
}
