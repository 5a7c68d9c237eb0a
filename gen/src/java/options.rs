//! The Java `Rules` and `RedisOptions` builders: one setter per option (a
//! `java.time.Duration` overload for each `ms` option), a getter of what was set,
//! `set(name, value)`; what was set goes to core as JSON, which decides defaults
//! and ranges (quoted here in the docs only).

use super::{doc, javadoc};
use crate::model::{Description, Opt};
use crate::names::{banner, camel};

/// The Java type of an option's getter and setter.
fn java_type(o: &Opt) -> (&'static str, &'static str) {
    match o.ty.as_str() {
        "string" => ("String", "String"),
        t if t.starts_with("enum:") => ("OnUnavailable", "OnUnavailable"),
        _ => ("Long", "long"),
    }
}

/// "Seats per room. Default 10; 1-10 (WeChat seats …)."
fn option_doc(d: &Description, o: &Opt) -> String {
    let mut s = doc(&o.doc);
    s.push_str(&format!(" Default {}", doc(&o.default_words(camel))));
    let range = o.range_words(camel);
    let note = crate::names::fill(&o.note, camel);
    if let Some(e) = o.ty.strip_prefix("enum:").and_then(|n| d.enum_named(n)) {
        let names: Vec<String> = e.values.iter().map(|v| format!("\"{}\"", v.name)).collect();
        s.push_str(&format!("; one of {}", doc(&names.join(", "))));
    } else if !range.is_empty() {
        s.push_str(&format!("; {}{}", doc(&range), doc(&note)));
    }
    s.push('.');
    s
}

pub(super) fn rules(d: &Description) -> String {
    let names: Vec<String> = d
        .options
        .iter()
        .filter(|o| o.group == "rules")
        .map(|o| format!("{{@code {}}}", camel(&o.name)))
        .collect();
    builder(
        d,
        "Rules",
        "rules",
        &[
            "The rules a {@link Ledger} enforces (docs/ROOMS.md): the options set, by camelCase name.".into(),
            "Immutable; made with {@link #builder()}. The core fills in every default and checks every".into(),
            "value when a ledger is made with them, in one order ({@code INVALID_RULES} naming the".into(),
            "option); {@link Ledger#getRules()} has the rules in force. The options:".into(),
            format!("{}.", names.join(", ")),
            String::new(),
            "<pre>{@code".into(),
            "Rules rules = Rules.builder().capacity(4).leaseTtlMs(Duration.ofSeconds(30)).build();".into(),
            "}</pre>".into(),
        ],
    )
}

pub(super) fn redis_options(d: &Description) -> String {
    let names: Vec<String> = d
        .options
        .iter()
        .map(|o| format!("{{@code {}}}", camel(&o.name)))
        .collect();
    builder(
        d,
        "RedisOptions",
        "redis",
        &[
            "Connection settings of a {@link Ledger#redis(String, Rules, RedisOptions) Redis ledger}: the".into(),
            "options set, by camelCase name. Immutable; made with {@link #builder()}. The core fills in".into(),
            "the defaults and checks a Redis ledger's rules and options in one order".into(),
            format!("({}),", names.join(", ")),
            "refusing the first bad one with {@code INVALID_RULES}; a memory ledger takes none of these.".into(),
        ],
    )
}

/// `Rules` or `RedisOptions`: the options of `group`.
fn builder(d: &Description, class: &str, group: &str, head: &[String]) -> String {
    let opts: Vec<&Opt> = d.options.iter().filter(|o| o.group == group).collect();
    let all: Vec<String> = opts.iter().map(|o| camel(&o.name)).collect();
    let mut s = banner("//");
    s.push_str("package io.voipsign;\n\n");
    if opts.iter().any(|o| o.ty == "ms") {
        s.push_str("import java.time.Duration;\n");
    }
    s.push_str("import java.util.LinkedHashMap;\nimport java.util.Map;\n\n");
    s.push_str(&javadoc("", head));
    s.push_str(&format!(
        r#"public final class {class} {{
    private final Map<String, Object> values;

    private {class}(Map<String, Object> values) {{
        this.values = Options.frozen(values);
    }}

    /**
     * A builder with nothing set: every option at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {{
        return new Builder();
    }}

    /**
     * Nothing set: every option at its default.
     *
     * @return the defaults
     */
    public static {class} defaults() {{
        return new Builder().build();
    }}
"#
    ));
    for o in &opts {
        let name = camel(&o.name);
        let (get, _) = java_type(o);
        let body = match get {
            "String" => format!("Options.text(values, \"{name}\")"),
            "OnUnavailable" => format!("OnUnavailable.of(values.get(\"{name}\"))"),
            _ => format!("Options.number(values, \"{name}\")"),
        };
        s.push('\n');
        s.push_str(&javadoc(
            "    ",
            &[
                option_doc(d, o),
                String::new(),
                "@return the value set, or {@code null}: the default".into(),
            ],
        ));
        let getter = crate::names::pascal(&o.name);
        s.push_str(&format!(
            "    public {get} get{getter}() {{\n        return {body};\n    }}\n"
        ));
    }
    s.push_str(&super::value_tail(class, "by name"));
    for o in &opts {
        let name = camel(&o.name);
        let (_, param) = java_type(o);
        let value = if param == "long" {
            "value".to_owned()
        } else {
            format!("Args.notNull(value, \"{name}\")")
        };
        setter(&mut s, &option_doc(d, o), &name, param, &value);
        if o.ty == "ms" {
            setter(
                &mut s,
                &format!("{{@link #{name}(long)}} as a duration (whole milliseconds)."),
                &name,
                "Duration",
                &format!("Args.notNull(value, \"{name}\").toMillis()"),
            );
        }
    }
    s.push('\n');
    s.push_str(&javadoc(
        "        ",
        &[
            format!(
                "An option by its camelCase name, as a configuration file has it: {}. The core \
                 refuses an unknown name, a wrong type or a value out of range when a ledger is \
                 made ({{@code INVALID_RULES}} naming it).",
                all.join(", ")
            ),
            String::new(),
            "@param name the option's name".into(),
            "@param value its value ({@code null}: the default)".into(),
            "@return this builder".into(),
        ],
    ));
    s.push_str(&format!(
        r#"        public Builder set(String name, Object value) {{
            Options.put(values, Args.notNull(name, "name"), value);
            return this;
        }}

        /**
         * The options set (checked by the core when a ledger is made with them).
         *
         * @return the {class}
         */
        public {class} build() {{
            return new {class}(values);
        }}
    }}
}}
"#
    ));
    s
}

fn setter(s: &mut String, text: &str, name: &str, param: &str, value: &str) {
    s.push('\n');
    s.push_str(&javadoc(
        "        ",
        &[
            text.to_owned(),
            String::new(),
            "@param value the value".into(),
            "@return this builder".into(),
        ],
    ));
    s.push_str(&format!(
        "        public Builder {name}({param} value) {{\n            return set(\"{name}\", {value});\n        }}\n"
    ));
}
