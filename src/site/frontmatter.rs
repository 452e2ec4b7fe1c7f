//! Front matter for Hugo (YAML or TOML) and Jekyll (YAML), written from an
//! ordered list of fields so the key order is fixed and re-runs are stable.

use std::fmt::Write as _;

/// A front matter value.
#[derive(Clone, Debug, PartialEq)]
pub enum Fm {
    Str(String),
    Bool(bool),
    List(Vec<String>),
    /// A nested table of strings (Hugo's `params`).
    Map(Vec<(String, String)>),
}

/// Ordered front matter fields.
pub type Fields = Vec<(String, Fm)>;

/// `---` YAML front matter.
pub fn yaml(fields: &Fields) -> Result<String, String> {
    use serde_norway::{Mapping, Value};
    let s = |v: &str| Value::String(v.to_owned());
    let mut map = Mapping::new();
    for (k, v) in fields {
        let value = match v {
            Fm::Str(x) => s(x),
            Fm::Bool(b) => Value::Bool(*b),
            Fm::List(items) => Value::Sequence(items.iter().map(|i| s(i)).collect()),
            Fm::Map(entries) => {
                let mut m = Mapping::new();
                for (k2, v2) in entries {
                    m.insert(s(k2), s(v2));
                }
                Value::Mapping(m)
            }
        };
        map.insert(s(k), value);
    }
    let text = serde_norway::to_string(&Value::Mapping(map)).map_err(|e| e.to_string())?;
    Ok(format!("---\n{text}---\n"))
}

/// `+++` TOML front matter; tables (`params`) come last, as TOML requires.
pub fn toml(fields: &Fields) -> String {
    let mut out = String::from("+++\n");
    let mut tables = Vec::new();
    for (k, v) in fields {
        let key = toml_key(k);
        match v {
            Fm::Str(x) => {
                let _ = writeln!(out, "{key} = {}", toml_str(x));
            }
            Fm::Bool(b) => {
                let _ = writeln!(out, "{key} = {b}");
            }
            Fm::List(items) => {
                let items: Vec<String> = items.iter().map(|i| toml_str(i)).collect();
                let _ = writeln!(out, "{key} = [{}]", items.join(", "));
            }
            Fm::Map(entries) => tables.push((key, entries)),
        }
    }
    for (key, entries) in tables {
        let _ = writeln!(out, "\n[{key}]");
        for (k, v) in entries {
            let _ = writeln!(out, "{} = {}", toml_key(k), toml_str(v));
        }
    }
    out.push_str("+++\n");
    out
}

/// A TOML basic string with every needed escape.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Bare keys when possible, else quoted.
fn toml_key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { k.to_owned() } else { toml_str(k) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        vec![
            ("title".into(), Fm::Str("A \"quoted\": title\\".into())),
            ("draft".into(), Fm::Bool(true)),
            ("tags".into(), Fm::List(vec!["a".into(), "б".into()])),
            (
                "params".into(),
                Fm::Map(vec![("my key".into(), "x\ny".into())]),
            ),
            ("url".into(), Fm::Str("/posts/привет/".into())),
        ]
    }

    #[test]
    fn toml_round_trips() {
        let text = toml(&fields());
        let body = text.trim_start_matches("+++\n").trim_end_matches("+++\n");
        let v: toml::Table = body.parse().unwrap();
        assert_eq!(v["title"].as_str(), Some("A \"quoted\": title\\"));
        assert_eq!(v["url"].as_str(), Some("/posts/привет/"));
        assert_eq!(v["params"]["my key"].as_str(), Some("x\ny"));
        assert_eq!(v["draft"].as_bool(), Some(true));
    }

    #[test]
    fn yaml_round_trips_in_order() {
        let text = yaml(&fields()).unwrap();
        assert!(text.starts_with("---\ntitle:"));
        let body = text.trim_start_matches("---\n").trim_end_matches("---\n");
        let v: serde_norway::Value = serde_norway::from_str(body).unwrap();
        assert_eq!(v["title"].as_str(), Some("A \"quoted\": title\\"));
        assert_eq!(v["tags"][1].as_str(), Some("б"));
        assert_eq!(v["params"]["my key"].as_str(), Some("x\ny"));
    }
}
