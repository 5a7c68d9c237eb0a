//! The Java classes of the records a caller passes in (`ExplainContext`):
//! immutable, made with a builder of one setter per field; a field not set is
//! "not known" and left out of the JSON object core receives (camelCase names,
//! checked by core).

use super::{doc, javadoc};
use crate::model::Record;
use crate::names::{banner, pascal};

/// (getter type, setter parameter type, getter body) of a field type.
fn java_type(ty: &str, name: &str) -> (&'static str, &'static str, String) {
    match ty {
        "string" => ("String", "String", format!("Options.text(values, \"{name}\")")),
        "bool" => (
            "Boolean",
            "boolean",
            format!("values.get(\"{name}\") instanceof Boolean ? (Boolean) values.get(\"{name}\") : null"),
        ),
        _ => ("Long", "long", format!("Options.number(values, \"{name}\")")),
    }
}

/// The class of one input record.
pub(super) fn input(r: &Record) -> String {
    let class = &r.name;
    let mut s = banner("//");
    s.push_str(
        "package io.voipsign;\n\nimport java.util.LinkedHashMap;\nimport java.util.Map;\n\n",
    );
    let example = r
        .fields
        .iter()
        .take(2)
        .map(|f| match f.ty.as_str() {
            "string" => format!(".{}(\"room-1\")", f.json),
            "bool" => format!(".{}(true)", f.json),
            _ => format!(".{}(3)", f.json),
        })
        .collect::<String>();
    s.push_str(&javadoc(
        "",
        &[
            format!(
                "{} Every field is optional: one not set is not known. Immutable; made with \
                 {{@link #builder()}}.",
                doc(&r.doc)
            ),
            String::new(),
            "<pre>{@code".into(),
            format!("{class} context = {class}.builder(){example}.build();"),
            "}</pre>".into(),
        ],
    ));
    s.push_str(&format!(
        r#"public final class {class} {{
    private final Map<String, Object> values;

    private {class}(Map<String, Object> values) {{
        this.values = Options.frozen(values);
    }}

    /**
     * A builder with nothing set: nothing known.
     *
     * @return a new builder
     */
    public static Builder builder() {{
        return new Builder();
    }}
"#
    ));
    for f in &r.fields {
        let (get, _, body) = java_type(&f.ty, &f.json);
        s.push('\n');
        s.push_str(&javadoc(
            "    ",
            &[
                doc(&f.doc),
                String::new(),
                "@return the value set, or {@code null}: not known".into(),
            ],
        ));
        s.push_str(&format!(
            "    public {get} get{}() {{\n        return {body};\n    }}\n",
            pascal(&f.name)
        ));
    }
    s.push_str(&super::value_tail(class, "by camelCase name"));
    for f in &r.fields {
        let (_, param, _) = java_type(&f.ty, &f.json);
        let value = if param == "String" {
            format!("Args.notNull(value, \"{}\")", f.json)
        } else {
            "value".to_owned()
        };
        s.push('\n');
        s.push_str(&javadoc(
            "        ",
            &[
                doc(&f.doc),
                String::new(),
                "@param value the value".into(),
                "@return this builder".into(),
            ],
        ));
        s.push_str(&format!(
            "        public Builder {}({param} value) {{\n            Options.put(values, \"{}\", {value});\n            return this;\n        }}\n",
            f.json, f.json
        ));
    }
    s.push_str(&format!(
        r#"
        /**
         * The {class} of what was set.
         *
         * @return a new, immutable {class}
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
