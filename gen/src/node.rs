//! The node binding's declaration layer: `lib/codes.js` (the code table and the
//! error classes: `VoipSignError`, one base per kind, one class per code),
//! `lib/codes.d.ts` (their declarations and the `ErrorCode` union) and
//! `lib/types.d.ts` (the enums as string-literal unions, the records, the rules
//! in force and the ledger's options). Names are camelCase, as Node spells them.

use crate::model::{Code, Description, Opt};
use crate::names::{banner, camel};
use crate::Generated;

/// Every generated file of the node binding.
pub fn files(d: &Description) -> Vec<Generated> {
    vec![
        Generated::new("bindings/node/lib/codes.js", codes_js(d)),
        Generated::new("bindings/node/lib/codes.d.ts", codes_dts(d)),
        Generated::new("bindings/node/lib/types.d.ts", types_dts(d)),
    ]
}

/// The codes a Node user can meet (C-only codes are not among them).
fn codes(d: &Description) -> Vec<&Code> {
    d.codes_for("bindings").collect()
}

/// The base class of a kind (`internal` codes derive from the root).
fn base(kind: &str) -> &'static str {
    match kind {
        "input" => "InputError",
        "refusal" => "RefusalError",
        "outage" => "OutageError",
        _ => "VoipSignError",
    }
}

/// `s` as a single-quoted JavaScript string.
fn js(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A doc line in Node's spelling: snake_case words (`quota_warning`) camelCase.
fn doc(s: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let snake = word.contains('_') && word.starts_with(|c: char| c.is_ascii_lowercase());
        out.push_str(&if snake { camel(word) } else { word.clone() });
        word.clear();
    };
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out.replace("*/", "*\\/")
}

/// The kind bases: kind, class, doc.
const BASES: [(&str, &str, &str); 3] = [
    (
        "input",
        "InputError",
        "A bad argument: the caller's to fix.",
    ),
    (
        "refusal",
        "RefusalError",
        "The ledger refused (a full room, the day's limit, no seat): not a bad argument.",
    ),
    (
        "outage",
        "OutageError",
        "The ledger's store cannot be reached.",
    ),
];

const KINDS: &str = "A bad argument (`InputError`), a refusal of the ledger (`RefusalError`), \
an unreachable store (`OutageError`) or a bug or failure of the machine (`internal`: the root class).";

fn codes_js(d: &Description) -> String {
    let cs = codes(d);
    let mut s = banner("//");
    s += "// voipsign's error codes (docs/CONTRACT.md) and their classes: every error is a\n\
          // VoipSignError with `code` (the stable name) and `kind`; each kind but internal\n\
          // has a base class; each code has its class. Declared in codes.d.ts.\n\
          'use strict'\n\n\
          /** Every code: its number (the C status), kind and one-line doc. */\n\
          const codes = Object.freeze({\n";
    for c in &cs {
        s += &format!(
            "  {}: Object.freeze({{ number: {}, kind: {}, doc: {} }}),\n",
            c.name,
            c.number,
            js(&c.kind),
            js(&doc(&c.doc))
        );
    }
    s += "})\n\n\
          /** The root of every error voipsign throws. */\n\
          class VoipSignError extends Error {\n\
          \x20 /**\n\
          \x20  * @param {string} code\n\
          \x20  * @param {string} message\n\
          \x20  * @param {string} [kind] default: the code's (`internal` for a code unknown here)\n\
          \x20  */\n\
          \x20 constructor(code, message, kind) {\n\
          \x20   super(message)\n\
          \x20   this.code = code\n\
          \x20   this.kind = kind ?? (Object.hasOwn(codes, code) ? codes[/** @type {keyof typeof codes} */ (code)].kind : 'internal')\n\
          \x20 }\n\
          }\n";
    for (kind, class, what) in BASES {
        s += &format!(
            "\n/** {what} */\nclass {class} extends VoipSignError {{\n  /**\n   * @param {{string}} code\n   * @param {{string}} message\n   */\n  constructor(code, message) {{\n    super(code, message, '{kind}')\n  }}\n}}\n"
        );
    }
    for c in &cs {
        s += &format!(
            "\n/** {}: {} */\nclass {} extends {} {{\n  constructor(message = {}) {{\n    super('{}', message)\n  }}\n}}\n",
            c.name,
            doc(&c.doc),
            c.class_name,
            base(&c.kind),
            js(&c.description),
            c.name
        );
    }
    s += "\n/** The class of each code. */\nconst classes = {\n";
    for c in &cs {
        s += &format!("  {}: {},\n", c.name, c.class_name);
    }
    s += "}\n\n/** The base class of each kind. */\n\
          const bases = { input: InputError, refusal: RefusalError, outage: OutageError }\n\n\
          for (const C of [VoipSignError, InputError, RefusalError, OutageError, ...Object.values(classes)]) {\n\
          \x20 Object.defineProperty(C.prototype, 'name', { value: C.name, writable: true, configurable: true })\n\
          }\n\n\
          /**\n\
          \x20* The error of a code: its class; a code unknown here (a newer core) its kind's\n\
          \x20* base class, or the root for an unknown kind. Never a plain Error.\n\
          \x20* @param {string} code\n\
          \x20* @param {string} kind\n\
          \x20* @param {string} message\n\
          \x20*/\n\
          function errorOf(code, kind, message) {\n\
          \x20 if (Object.hasOwn(classes, code)) return new classes[/** @type {keyof typeof classes} */ (code)](message)\n\
          \x20 if (Object.hasOwn(bases, kind)) return new bases[/** @type {keyof typeof bases} */ (kind)](code, message)\n\
          \x20 return new VoipSignError(code, message, kind)\n\
          }\n\n\
          module.exports = {\n  codes,\n  errorOf,\n  VoipSignError,\n  InputError,\n  RefusalError,\n  OutageError,\n";
    for c in &cs {
        s += &format!("  {},\n", c.class_name);
    }
    s += "}\n";
    s
}

fn codes_dts(d: &Description) -> String {
    let cs = codes(d);
    let mut s = banner("//");
    s += "// The declarations of lib/codes.js: the error codes and their classes.\n\n\
          /** The stable error codes (docs/CONTRACT.md) a voipsign function can throw. */\n\
          export type ErrorCode =\n";
    for c in &cs {
        s += &format!("  /** {} */\n  | '{}'\n", doc(&c.doc), c.name);
    }
    s += &format!(
        "\n/** {KINDS} */\nexport type ErrorKind = 'input' | 'refusal' | 'outage' | 'internal'\n\n\
         /** A code as data. */\n\
         export interface CodeInfo {{\n\
         \x20 /** Its stable number (the C ABI's `voipsign_status`). */\n\
         \x20 readonly number: number\n\
         \x20 /** Its kind. */\n\
         \x20 readonly kind: ErrorKind\n\
         \x20 /** What it means. */\n\
         \x20 readonly doc: string\n\
         }}\n\n\
         /** Every code of this version, by name. */\n\
         export declare const codes: Readonly<Record<ErrorCode, CodeInfo>>\n\n\
         /**\n\
         \x20* The root of every error voipsign throws: `code` is the stable name (branch on\n\
         \x20* it, or on the class, not on the message) and `kind` its kind; `message` names\n\
         \x20* the field and the reason and never contains a session_key or a password. A\n\
         \x20* code newer than this version is its kind's base class (`code` then outside\n\
         \x20* {{@link ErrorCode}}).\n\
         \x20*/\n\
         export declare class VoipSignError extends Error {{\n\
         \x20 constructor(code: ErrorCode, message: string, kind?: ErrorKind)\n\
         \x20 readonly code: ErrorCode\n\
         \x20 readonly kind: ErrorKind\n\
         }}\n"
    );
    for (kind, class, what) in BASES {
        s += &format!(
            "\n/** {what} */\nexport declare class {class} extends VoipSignError {{\n  constructor(code: ErrorCode, message: string)\n  readonly kind: '{kind}'\n}}\n"
        );
    }
    for c in &cs {
        s += &format!(
            "\n/** `{}`: {} */\nexport declare class {} extends {} {{\n  constructor(message?: string)\n  readonly code: '{}'\n}}\n",
            c.name,
            doc(&c.doc),
            c.class_name,
            base(&c.kind),
            c.name
        );
    }
    s += "\n/** The error of a code and kind, as voipsign throws it (a code unknown here: its kind's base class). */\n\
          export declare function errorOf(code: string, kind: string, message: string): VoipSignError\n";
    s
}

/// The TypeScript type of a record field or an option.
fn ts_type(ty: &str) -> String {
    if let Some(inner) = ty.strip_prefix("opt:") {
        return format!("{} | null", ts_type(inner));
    }
    if let Some(inner) = ty.strip_prefix("list:") {
        return format!("{}[]", ts_type(inner));
    }
    if let Some(name) = ty
        .strip_prefix("enum:")
        .or_else(|| ty.strip_prefix("record:"))
    {
        return name.to_owned();
    }
    match ty {
        "string" => "string",
        "bool" => "boolean",
        _ => "number",
    }
    .to_owned()
}

/// An option's doc: what it is, its unit, range and default.
fn option_doc(o: &Opt) -> String {
    let unit = match o.ty.as_str() {
        "ms" if !o.note.contains("ms") => " ms",
        "minutes" => " minutes",
        _ => "",
    };
    let range = match (o.min, o.max, &o.max_option) {
        (Some(a), _, Some(m)) => format!(" From {a} to {}{unit}.", camel(m)),
        (Some(a), Some(b), None) => format!(
            " From {a} to {b}{unit}{}.",
            crate::names::fill(&o.note, camel).replace(" ms", "")
        ),
        _ => String::new(),
    };
    let default = o.default_words(camel).replace('"', "'");
    format!("{}{range} Default: {default}.", doc(&o.doc))
}

fn types_dts(d: &Description) -> String {
    let mut s = banner("//");
    s += "// The enums (string-literal unions), the records the functions and the ledger\n\
          // return, the rules in force and the ledger's options.\n";
    for e in &d.enums {
        s += &format!("\n/** {} */\nexport type {} =\n", doc(&e.doc), e.name);
        for v in &e.values {
            s += &format!("  /** {} */\n  | '{}'\n", doc(&v.doc), v.name);
        }
    }
    for r in &d.records {
        s += &format!("\n/** {} */\nexport interface {} {{\n", doc(&r.doc), r.name);
        for f in &r.fields {
            s += &format!(
                "  /** {} */\n  {}: {}\n",
                doc(&f.doc),
                f.json,
                ts_type(&f.ty)
            );
        }
        s += "}\n";
    }
    for r in &d.inputs {
        s += &format!(
            "\n/** {} Every field is optional (absent or `null`: not known). */\nexport interface {} {{\n",
            doc(&r.doc),
            r.name
        );
        for f in &r.fields {
            s += &format!(
                "  /** {} */\n  {}?: {} | null\n",
                doc(&f.doc),
                f.json,
                ts_type(&f.ty)
            );
        }
        s += "}\n";
    }
    s += "\n/** The rules a ledger enforces, every default filled in (`ledger.rules`). */\nexport interface Limits {\n";
    for o in d.options.iter().filter(|o| o.group == "rules") {
        s += &format!(
            "  /** {} */\n  readonly {}: {}\n",
            doc(&o.doc),
            camel(&o.name),
            ts_type(&o.ty)
        );
    }
    s += "}\n";
    for (group, head) in [
        ("rules", "\n/**\n * The options of `Ledger.memory` (the room rules), each optional: absent,\n * `undefined` or `null` is the default. Core checks them (an unknown name, a wrong\n * type, a value out of range: `INVALID_RULES` naming the option) in this order.\n */\nexport interface LedgerOptions {\n"),
        ("redis", "\n/** The options of `Ledger.redis`: the rules and the Redis store's, each optional. */\nexport interface RedisLedgerOptions extends LedgerOptions {\n"),
    ] {
        s += head;
        for o in d.options.iter().filter(|o| o.group == group) {
            s += &format!("  /** {} */\n  {}?: {}\n", option_doc(o), camel(&o.name), ts_type(&o.ty));
        }
        s += "}\n";
    }
    s
}
