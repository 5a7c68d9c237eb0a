//! The php binding's declarations: bindings/php/src/contract_{codes,types,options}_gen.php, files
//! (loaded by Composer's `files` autoload, preload.php and the tests' bootstrap)
//! with the code enum, the exception hierarchy, the enums, the readonly records
//! and the options' value objects.

use crate::model::{Description, Field, Opt};
use crate::names::{banner, camel, fill};
use crate::Generated;

/// The kinds, in `voipsign_kind` order (1..): case, base class, its parent, doc.
const KINDS: [(&str, &str, &str, &str); 4] = [
    (
        "input",
        "InputError",
        "\\InvalidArgumentException",
        "A bad argument (PHP's bad-argument type): the caller's mistake, never worth a retry.",
    ),
    (
        "refusal",
        "RefusalError",
        "\\RuntimeException",
        "The ledger refused (a full room, the day's limit, no seat): a rule, not a bad argument.",
    ),
    (
        "outage",
        "OutageError",
        "\\RuntimeException",
        "The ledger's store cannot be reached: retry later.",
    ),
    (
        "internal",
        "UnexpectedError",
        "\\RuntimeException",
        "A bug or a failure of the machine, never expected.",
    ),
];

/// A PHP single-quoted string literal.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn kind_class(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|k| k.0 == kind)
        .map_or("UnexpectedError", |k| k.1)
}

/// The PHP type of a record field.
fn php_type(ty: &str) -> String {
    if let Some(inner) = ty.strip_prefix("opt:") {
        return format!("?{}", php_type(inner));
    }
    if ty.starts_with("list:") {
        return "array".into();
    }
    if let Some(n) = ty
        .strip_prefix("enum:")
        .or_else(|| ty.strip_prefix("record:"))
    {
        return n.into();
    }
    match ty {
        "string" => "string",
        "bool" => "bool",
        _ => "int",
    }
    .into()
}

/// The phpdoc type of a record field.
fn doc_type(ty: &str) -> String {
    match ty.strip_prefix("list:") {
        Some(inner) => format!("list<{}>", php_type(inner)),
        None => php_type(ty),
    }
}

/// The expression decoding `$a[key]` (the library's JSON, decoded as arrays).
fn decode(f: &Field) -> String {
    let v = format!("$a[{}]", quote(&f.json));
    if let Some(inner) = f.ty.strip_prefix("list:") {
        let item = match inner.split_once(':') {
            Some(("enum", n)) => format!("{n}::from($v)"),
            Some(("record", n)) => format!("{n}::fromArray($v)"),
            _ => "$v".to_owned(),
        };
        return format!("array_map(static fn ($v) => {item}, {v})");
    }
    match f.ty.split_once(':') {
        Some(("enum", n)) => format!("{n}::from({v})"),
        Some(("record", n)) => format!("{n}::fromArray({v})"),
        _ => v,
    }
}

fn option_type(o: &Opt) -> String {
    match o.ty.as_str() {
        t if t.starts_with("enum:") => format!("{}|string|null", &t[5..]),
        "string" => "?string".into(),
        _ => "?int".into(),
    }
}

fn option_doc(o: &Opt) -> String {
    let spell = |n: &str| camel(n);
    let mut s = o.doc.trim_end_matches('.').to_owned();
    let range = o.range_words(spell);
    if !range.is_empty() {
        let note = fill(&o.note, spell);
        let unit = match o.ty.as_str() {
            "ms" if note.trim() != "ms" => " ms",
            "minutes" => " minutes",
            _ => "",
        };
        s += &format!(", {range}{unit}{note}");
    }
    s += &format!(" (default {})", o.default_words(spell));
    s
}

/// The value-object class of one option group.
fn options_class(d: &Description, group: &str, name: &str, doc: &str) -> String {
    let opts: Vec<&Opt> = d.options.iter().filter(|o| o.group == group).collect();
    let mut s = format!("/**\n * {doc}\n *\n");
    for o in &opts {
        s += &format!(
            " * @param {} ${} {}\n",
            option_type(o),
            camel(&o.name),
            option_doc(o)
        );
    }
    s += &format!(" */\nfinal class {name}\n{{\n    public function __construct(\n");
    for (i, o) in opts.iter().enumerate() {
        let comma = if i + 1 < opts.len() { "," } else { "" };
        s += &format!(
            "        public readonly {} ${} = null{comma}\n",
            option_type(o),
            camel(&o.name)
        );
    }
    s += "    ) {\n    }\n\n    /**\n     * The options given (not null), by camelCase name, as voipsign_ledger_open takes them.\n     *\n     * @return array<string, mixed>\n     */\n    public function toArray(): array\n    {\n        return array_filter(get_object_vars($this), static fn ($v) => $v !== null);\n    }\n}\n";
    s
}

/// bindings/php/src/contract_{codes,types,options}_gen.php.
pub fn files(d: &Description) -> Vec<Generated> {
    // One file per concern: kinds, codes and exceptions; enums and records; options.
    let head = || {
        format!(
            "<?php {}\ndeclare(strict_types=1);\n\nnamespace VoipSign;\n\n",
            banner("//")
        )
    };
    let mut s = head();
    let codes: Vec<_> = d.codes_for("bindings").collect();

    // Kinds.
    s += "/** The kind of a failure (docs/CONTRACT.md, \"Error kinds\"): each has one base exception class. */\nenum ErrorKind: string\n{\n";
    for (k, class, _, doc) in KINDS {
        s += &format!(
            "    /** {doc} ({class}) */\n    case {} = {};\n",
            k.to_uppercase(),
            quote(k)
        );
    }
    s += "\n    /** The kind of a voipsign_kind number (what the library says of any status); unknown: INTERNAL. */\n    public static function fromNumber(int $kind): self\n    {\n        return match ($kind) {\n";
    for (i, (k, ..)) in KINDS.iter().enumerate().take(3) {
        s += &format!("            {} => self::{},\n", i + 1, k.to_uppercase());
    }
    s += "            default => self::INTERNAL,\n        };\n    }\n\n    /**\n     * The base exception class of the kind.\n     *\n     * @return class-string<VoipSignException>\n     */\n    public function exceptionClass(): string\n    {\n        return match ($this) {\n";
    for (k, class, ..) in KINDS {
        s += &format!(
            "            self::{} => {class}::class,\n",
            k.to_uppercase()
        );
    }
    s += "        };\n    }\n}\n\n";

    // Codes.
    s += "/** The error codes of docs/CONTRACT.md, by name (the C ABI's own codes are not among them). */\nenum ErrorCode: string\n{\n";
    for c in &codes {
        s += &format!(
            "    /** {} [{}] */\n    case {} = {};\n",
            c.doc,
            c.kind,
            c.name,
            quote(&c.name)
        );
    }
    s += "\n    /** The C status number (voipsign_status). */\n    public function number(): int\n    {\n        return match ($this) {\n";
    for c in &codes {
        s += &format!("            self::{} => {},\n", c.name, c.number);
    }
    s += "        };\n    }\n\n    /** The kind: input, refusal, outage or internal. */\n    public function kind(): ErrorKind\n    {\n        return match ($this) {\n";
    for (k, ..) in KINDS {
        let of: Vec<String> = codes
            .iter()
            .filter(|c| c.kind == k)
            .map(|c| format!("self::{}", c.name))
            .collect();
        if !of.is_empty() {
            s += &format!(
                "            {} => ErrorKind::{},\n",
                of.join(", "),
                k.to_uppercase()
            );
        }
    }
    s += "        };\n    }\n\n    /**\n     * The exception class of the code.\n     *\n     * @return class-string<VoipSignException>\n     */\n    public function exceptionClass(): string\n    {\n        return match ($this) {\n";
    for c in &codes {
        s += &format!("            self::{} => {}::class,\n", c.name, c.class_name);
    }
    s += "        };\n    }\n\n    /** The code of a C status number; null for 0, the C ABI's own codes and numbers of a newer library. */\n    public static function fromNumber(int $status): ?self\n    {\n        return match ($status) {\n";
    for c in &codes {
        s += &format!("            {} => self::{},\n", c.number, c.name);
    }
    s += "            default => null,\n        };\n    }\n}\n\n";

    // The C ABI's numbers a binding needs.
    s += "/** @internal numbers of the C ABI (include/voipsign.h) */\nfinal class Native\n{\n";
    for c in d.codes.iter().filter(|c| c.scope == "c") {
        s += &format!("    public const {} = {};\n", c.name, c.number);
    }
    s += &format!(
        "    /** The largest capacity (room buffers: voipsign_room_json_bound). */\n    public const MAX_CAPACITY = {};\n}}\n\n",
        d.constant("max_capacity").max(1)
    );

    // Exceptions.
    s += "/**\n * Implemented by every exception of a voipsign call: catch it for all of them, or a\n * kind's base (InputError, RefusalError, OutageError, UnexpectedError), or a code's class.\n */\ninterface VoipSignException extends \\Throwable\n{\n    /** The code name of docs/CONTRACT.md ('ROOM_FULL'), also for a code this binding does not know. */\n    public function getErrorName(): string;\n\n    /** The code; null for a code of a newer library (its class is then its kind's base). */\n    public function getErrorCode(): ?ErrorCode;\n\n    /** The kind. */\n    public function getKind(): ErrorKind;\n}\n\n";
    s += "/** @internal what every exception class of voipsign shares */\ntrait Failure\n{\n    /**\n     * @param string $message the library's reason (never the session_key)\n     * @param int    $status  the C status value (getCode())\n     * @param string $name    the code name (voipsign_status_name)\n     */\n    public function __construct(string $message, int $status, private string $name, ?\\Throwable $previous = null)\n    {\n        parent::__construct($message, $status, $previous);\n    }\n\n    public function getErrorName(): string\n    {\n        return $this->name;\n    }\n\n    public function getErrorCode(): ?ErrorCode\n    {\n        return ErrorCode::fromNumber($this->getCode());\n    }\n\n    public function getKind(): ErrorKind\n    {\n        return $this->getErrorCode()?->kind() ?? self::KIND;\n    }\n}\n\n";
    for (k, class, parent, doc) in KINDS {
        s += &format!(
            "/** {doc} The base of every {k} code, and of any {k} code this binding does not know. */\nclass {class} extends {parent} implements VoipSignException\n{{\n    use Failure;\n\n    /** @internal */\n    protected const KIND = ErrorKind::{};\n}}\n\n",
            k.to_uppercase()
        );
    }
    for c in &codes {
        s += &format!(
            "/** {} ({}) */\nclass {} extends {}\n{{\n}}\n\n",
            c.doc,
            c.name,
            c.class_name,
            kind_class(&c.kind)
        );
    }

    let errors = std::mem::replace(&mut s, head());
    // Enums.
    for e in &d.enums {
        s += &format!("/** {} */\nenum {}: string\n{{\n", e.doc, e.name);
        for v in &e.values {
            s += &format!(
                "    /** {} */\n    case {} = {};\n",
                v.doc,
                v.name.to_uppercase(),
                quote(&v.name)
            );
        }
        s += "}\n\n";
    }

    // Records.
    for r in &d.records {
        s += &format!(
            "/**\n * {} json_encode() gives the library's camelCase object.\n *\n",
            r.doc
        );
        for f in &r.fields {
            s += &format!(" * @param {} ${} {}\n", doc_type(&f.ty), f.json, f.doc);
        }
        s += &format!(" */\nfinal class {} implements \\JsonSerializable\n{{\n    public function __construct(\n", r.name);
        for (i, f) in r.fields.iter().enumerate() {
            let comma = if i + 1 < r.fields.len() { "," } else { "" };
            s += &format!(
                "        public readonly {} ${}{comma}\n",
                php_type(&f.ty),
                f.json
            );
        }
        s += "    ) {\n    }\n\n    /**\n     * The record from the library's JSON object, decoded as an array.\n     *\n     * @param array<string, mixed> $a\n     *\n     * @internal\n     */\n    public static function fromArray(array $a): self\n    {\n        return new self(\n";
        for (i, f) in r.fields.iter().enumerate() {
            let comma = if i + 1 < r.fields.len() { "," } else { "" };
            s += &format!("            {}{comma}\n", decode(f));
        }
        s += "        );\n    }\n";
        if r.fields.iter().all(|f| !f.ty.contains(':')) {
            s += "\n    /**\n     * The record from a C ABI struct with its snake_case fields.\n     *\n     * @internal\n     */\n    public static function fromStruct(object $c): self\n    {\n        return new self(\n";
            for (i, f) in r.fields.iter().enumerate() {
                let comma = if i + 1 < r.fields.len() { "," } else { "" };
                s += &format!("            $c->{}{comma}\n", f.name);
            }
            s += "        );\n    }\n";
        }
        s += "\n    /** @return array<string, mixed> */\n    public function jsonSerialize(): array\n    {\n        return get_object_vars($this);\n    }\n}\n\n";
    }

    // Inputs: value objects of nullable fields (null: not known), named arguments.
    for r in &d.inputs {
        s += &format!(
            "/**\n * {} Every argument is optional (null: not known); json_encode() gives\n * the library's camelCase object without the nulls.\n *\n",
            r.doc
        );
        for f in &r.fields {
            s += &format!(
                " * @param {} ${} {}\n",
                php_type(&format!("opt:{}", f.ty)),
                f.json,
                f.doc
            );
        }
        s += &format!(" */\nfinal class {} implements \\JsonSerializable\n{{\n    public function __construct(\n", r.name);
        for (i, f) in r.fields.iter().enumerate() {
            let comma = if i + 1 < r.fields.len() { "," } else { "" };
            s += &format!(
                "        public readonly {} ${} = null{comma}\n",
                php_type(&format!("opt:{}", f.ty)),
                f.json
            );
        }
        s += "    ) {\n    }\n\n    /** @return array<string, mixed> */\n    public function jsonSerialize(): array\n    {\n        return array_filter(get_object_vars($this), static fn (mixed $v): bool => $v !== null);\n    }\n}\n\n";
    }

    let types = std::mem::replace(&mut s, head());
    // Options.
    s += &options_class(
        d,
        "rules",
        "Rules",
        "The rules of a ledger, for Ledger::memory(new Rules(...)) or Ledger::redis($url, new Rules(...)):\n * the same names as Ledger's named arguments. A null option is the library's default; the\n * library checks every given one (INVALID_RULES, InputError, naming it).",
    );
    s += "\n";
    s += &options_class(
        d,
        "redis",
        "RedisOptions",
        "How a Redis ledger connects, for Ledger::redis($url, new RedisOptions(...)): the same names\n * as Ledger::redis()'s named arguments. A null option is the library's default.",
    );
    vec![
        Generated::new(
            "bindings/php/src/contract_codes_gen.php",
            errors.trim_end().to_owned() + "\n",
        ),
        Generated::new(
            "bindings/php/src/contract_types_gen.php",
            types.trim_end().to_owned() + "\n",
        ),
        Generated::new("bindings/php/src/contract_options_gen.php", s),
    ]
}
