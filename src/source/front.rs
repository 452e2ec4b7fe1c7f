//! YAML (`---`) and TOML (`+++`) front matter. As in Nikola, the first line
//! must be exactly the delimiter; the block ends at the next such line.

use super::header::{Fatal, Split, lines};
use super::{Entry, MetaFormat, RawValue};
use std::collections::HashMap;

/// Front matter at the top of `text`, if its first line is `---` or `+++`.
/// Without `require_close` (a `.meta` file), the end of text also closes it.
pub(super) fn front_matter(text: &str, require_close: bool) -> Result<Option<Split<'_>>, Fatal> {
    let Some(first) = lines(text).next() else {
        return Ok(None);
    };
    let (format, delim) = match first.text {
        "---" => (MetaFormat::Yaml, "---"),
        "+++" => (MetaFormat::Toml, "+++"),
        _ => return Ok(None),
    };
    let mut close = None;
    for (index, line) in lines(text).enumerate().skip(1) {
        if line.text == delim {
            close = Some((index, line.end));
            break;
        }
    }
    let (close_index, body_start) = match close {
        Some(close) => close,
        None if !require_close => (lines(text).count(), text.len()),
        None => {
            return Err(Fatal {
                line: 1,
                message: format!("front matter is not closed (no second {delim:?} line)"),
            });
        }
    };
    let block = text.get(first.end..body_start).unwrap_or("");
    // Drop the closing delimiter line from what the parser sees.
    let block = block.strip_suffix('\n').unwrap_or(block);
    let block = block.strip_suffix('\r').unwrap_or(block);
    let block = block.strip_suffix(delim).unwrap_or(block);
    let entries = match format {
        MetaFormat::Yaml => yaml_entries(block)?,
        _ => toml_entries(block)?,
    };
    Ok(Some(Split {
        entries,
        format,
        body: text.get(body_start..).unwrap_or(""),
        body_line_offset: close_index + 1,
        notes: Vec::new(),
    }))
}

/// The file line (1-based) of each top-level key in a block starting on file
/// line 2: keys at column 0, bare or double-quoted, before `assign`. Built in
/// one pass so that looking up every key stays linear.
fn key_lines(block: &str, assign: char) -> HashMap<&str, usize> {
    let mut map = HashMap::new();
    for (index, line) in lines(block).enumerate() {
        let Some((key, _)) = line.text.split_once(assign) else {
            continue;
        };
        let key = key.trim_end();
        let key = key
            .strip_prefix('"')
            .and_then(|k| k.strip_suffix('"'))
            .unwrap_or(key);
        if !key.is_empty() && !key.starts_with(char::is_whitespace) {
            map.entry(key).or_insert(index + 2);
        }
    }
    map
}

fn yaml_entries(block: &str) -> Result<Vec<Entry>, Fatal> {
    use serde_norway::Value;
    let value: Value = serde_norway::from_str(block).map_err(|e| Fatal {
        line: e.location().map_or(1, |l| l.line() + 1),
        message: format!("invalid YAML front matter: {e}"),
    })?;
    let map = match value {
        Value::Mapping(map) => map,
        Value::Null => return Ok(Vec::new()),
        _ => {
            return Err(Fatal {
                line: 2,
                message: "YAML front matter is not a mapping of keys to values".to_owned(),
            });
        }
    };
    let key_lines = key_lines(block, ':');
    let mut entries = Vec::with_capacity(map.len());
    for (key, value) in map {
        let Some(key) = yaml_scalar(&key) else {
            continue;
        };
        let value = match value {
            Value::Sequence(items) => {
                RawValue::List(items.iter().filter_map(yaml_scalar).collect())
            }
            other => match yaml_scalar(&other) {
                Some(s) => RawValue::Str(s),
                None => continue,
            },
        };
        let line = key_lines.get(key.as_str()).copied().unwrap_or(1);
        entries.push(Entry { key, value, line });
    }
    Ok(entries)
}

/// A YAML value as text: scalars as written, nested values as JSON; null is None.
fn yaml_scalar(value: &serde_norway::Value) -> Option<String> {
    use serde_norway::Value;
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Tagged(t) => yaml_scalar(&t.value),
        nested => serde_json::to_string(nested).ok(),
    }
}

fn toml_entries(block: &str) -> Result<Vec<Entry>, Fatal> {
    let table: toml::Table = toml::from_str(block).map_err(|e| Fatal {
        line: e.span().map_or(1, |span| {
            2 + block
                .get(..span.start)
                .map_or(0, |b| b.matches('\n').count())
        }),
        message: format!("invalid TOML front matter: {}", e.message()),
    })?;
    let key_lines = key_lines(block, '=');
    let mut entries = Vec::with_capacity(table.len());
    for (key, value) in table {
        let value = match value {
            toml::Value::Array(items) => RawValue::List(items.iter().map(toml_scalar).collect()),
            other => RawValue::Str(toml_scalar(&other)),
        };
        let line = key_lines.get(key.as_str()).copied().unwrap_or(1);
        entries.push(Entry { key, value, line });
    }
    Ok(entries)
}

/// A TOML value as text: strings unquoted, dates as written, tables as JSON.
fn toml_scalar(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        nested => serde_json::to_string(nested).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(split: &'a Split, key: &str) -> Option<&'a Entry> {
        split.entries.iter().find(|e| e.key == key)
    }

    #[test]
    fn yaml() {
        let text = "---\ntitle: \"Hello: world\"\ntags: [a, b]\ndate: 2020-01-02 03:04:05\ndraft: true\nempty:\n---\nBody\n";
        let split = front_matter(text, true).unwrap().unwrap();
        assert_eq!(split.format, MetaFormat::Yaml);
        assert_eq!(split.body, "Body\n");
        assert_eq!(split.body_line_offset, 7);
        let title = get(&split, "title").unwrap();
        assert_eq!(title.value, RawValue::Str("Hello: world".into()));
        assert_eq!(title.line, 2);
        assert_eq!(
            get(&split, "tags").unwrap().value,
            RawValue::List(vec!["a".into(), "b".into()])
        );
        assert_eq!(get(&split, "date").unwrap().line, 4);
        assert_eq!(
            get(&split, "draft").unwrap().value,
            RawValue::Str("true".into())
        );
        assert!(get(&split, "empty").is_none());
    }

    #[test]
    fn toml() {
        let text = "+++\ntitle = \"T\"\ntags = [\"a\", \"b\"]\ndate = 2020-01-02T03:04:05+03:00\n+++\n\nBody\n";
        let split = front_matter(text, true).unwrap().unwrap();
        assert_eq!(split.format, MetaFormat::Toml);
        assert_eq!(split.body, "\nBody\n");
        assert_eq!(split.body_line_offset, 5);
        let date = get(&split, "date").unwrap();
        assert_eq!(
            date.value,
            RawValue::Str("2020-01-02T03:04:05+03:00".into())
        );
        assert_eq!(date.line, 4);
    }

    #[test]
    fn errors_carry_file_lines() {
        let err = front_matter("---\ntitle: ok\nbad: [\n---\n", true).unwrap_err();
        assert!(err.line >= 3, "{err:?}");
        let err = front_matter("+++\ntitle = \"T\"\nbad = = 1\n+++\n", true).unwrap_err();
        assert_eq!(err.line, 3, "{err:?}");
        let err = front_matter("---\ntitle: T\n", true).unwrap_err();
        assert_eq!(err.line, 1);
        let err = front_matter("---\n- a\n- b\n---\n", true).unwrap_err();
        assert!(err.message.contains("mapping"));
    }

    #[test]
    fn sidecar_front_matter_may_run_to_the_end() {
        let split = front_matter("---\ntitle: T\n", false).unwrap().unwrap();
        assert_eq!(get(&split, "title").unwrap().line, 2);
        assert_eq!(split.body, "");
    }

    #[test]
    fn key_lines_skip_nested_and_quoted() {
        let text = "---\nextra:\n  date: x\n\"date\": 2020-01-01\n---\n";
        let split = front_matter(text, true).unwrap().unwrap();
        assert_eq!(get(&split, "date").unwrap().line, 4);
        assert_eq!(get(&split, "extra").unwrap().line, 2);
    }

    #[test]
    fn not_front_matter() {
        assert!(front_matter("----\nx\n----\n", true).unwrap().is_none());
        assert!(front_matter(" ---\n", true).unwrap().is_none());
        assert!(front_matter("", true).unwrap().is_none());
    }
}
