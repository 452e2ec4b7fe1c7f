//! Front matter for Hugo (YAML or TOML) and Jekyll (YAML), written from an
//! ordered list of fields so the key order is fixed and re-runs are stable.

use super::EntryKind;
use super::report::PostReport;
use crate::source::Metadata;
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

/// What a post's front matter is made from.
pub struct PostView<'a> {
    pub meta: &'a Metadata,
    /// Title, URLs, draft, output path and language, as decided.
    pub report: &'a PostReport,
    pub slug: &'a str,
    /// Tags without Nikola's special `draft` tag.
    pub tags: &'a [String],
    pub kind: EntryKind,
    pub translation_key: Option<&'a str>,
}

fn date_fields(meta: &Metadata, jekyll: bool) -> (Option<String>, Option<String>) {
    let fmt = |d: &jiff::ZonedDateTime| {
        if jekyll {
            d.strftime("%Y-%m-%d %H:%M:%S %z").to_string()
        } else {
            d.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
        }
    };
    (meta.date.as_ref().map(fmt), meta.updated.as_ref().map(fmt))
}

fn author(meta: &Metadata) -> Option<String> {
    meta.author
        .clone()
        .or_else(|| (!meta.authors.is_empty()).then(|| meta.authors.join(", ")))
}

fn is_hugo_section(output: &str) -> bool {
    output
        .rsplit('/')
        .next()
        .is_some_and(|f| f.starts_with("_index"))
}

/// Nikola keys handled by dedicated fields.
const HANDLED: &[&str] = &["status", "pretty_url"];

pub fn hugo_fields(p: &PostView) -> Fields {
    let m = &p.meta;
    let mut f: Fields = Vec::new();
    let s = |v: &str| Fm::Str(v.to_owned());
    f.push(("title".into(), s(&p.report.title)));
    let (date, updated) = date_fields(m, false);
    if let Some(d) = date {
        f.push(("date".into(), Fm::Str(d)));
    }
    if let Some(u) = updated {
        f.push(("lastmod".into(), Fm::Str(u)));
    }
    f.push(("slug".into(), s(p.slug)));
    // A section's `_index.md` has its URL from its folder.
    if !is_hugo_section(&p.report.output) {
        f.push(("url".into(), s(&p.report.new_url)));
    }
    if p.report.old_url != p.report.new_url {
        f.push(("aliases".into(), Fm::List(vec![p.report.old_url.clone()])));
    }
    if !p.tags.is_empty() {
        f.push(("tags".into(), Fm::List(p.tags.to_vec())));
    }
    if let Some(c) = &m.category {
        f.push(("categories".into(), Fm::List(vec![c.clone()])));
    }
    if p.report.draft {
        f.push(("draft".into(), Fm::Bool(true)));
    }
    if let Some(key) = p.translation_key {
        f.push(("translationKey".into(), s(key)));
    }
    if let Some(d) = &m.description {
        f.push(("description".into(), s(d)));
    }
    if let Some(a) = author(m) {
        f.push(("author".into(), Fm::Str(a)));
    }
    let mut params: Vec<(String, String)> = m
        .other
        .iter()
        .filter(|(k, _)| !HANDLED.contains(&k.as_str()) || *k == "status" && !p.report.draft)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(l) = &m.link {
        params.push(("link".into(), l.clone()));
    }
    params.sort();
    if !params.is_empty() {
        f.push(("params".into(), Fm::Map(params)));
    }
    f
}

/// Jekyll's own front matter keys: Nikola keys with these names are renamed.
const JEKYLL_RESERVED: &[&str] = &[
    "layout",
    "permalink",
    "published",
    "date",
    "title",
    "tags",
    "categories",
    "category",
    "slug",
    "excerpt",
    "excerpt_separator",
    "lang",
    "path",
    "url",
    "id",
    "content",
    "output",
    "collection",
    "next",
    "previous",
    "render_with_liquid",
    "redirect_to",
    "redirect_from",
    "last_modified_at",
    "description",
    "author",
];

pub fn jekyll_fields(p: &PostView) -> Fields {
    let m = &p.meta;
    let mut f: Fields = Vec::new();
    let s = |v: &str| Fm::Str(v.to_owned());
    let layout = match p.kind {
        EntryKind::Post => "post",
        EntryKind::Page => "page",
    };
    f.push(("layout".into(), s(layout)));
    f.push(("title".into(), s(&p.report.title)));
    let (date, updated) = date_fields(m, true);
    if let Some(d) = date {
        f.push(("date".into(), Fm::Str(d)));
    }
    if let Some(u) = updated {
        f.push(("last_modified_at".into(), Fm::Str(u)));
    }
    f.push(("slug".into(), s(p.slug)));
    f.push(("permalink".into(), s(&p.report.new_url)));
    if let Some(l) = &p.report.lang {
        f.push(("lang".into(), s(l)));
    }
    if !p.tags.is_empty() {
        f.push(("tags".into(), Fm::List(p.tags.to_vec())));
    }
    if let Some(c) = &m.category {
        f.push(("categories".into(), Fm::List(vec![c.clone()])));
    }
    if p.report.draft {
        f.push(("published".into(), Fm::Bool(false)));
    }
    if let Some(d) = &m.description {
        f.push(("description".into(), s(d)));
    }
    if let Some(a) = author(m) {
        f.push(("author".into(), Fm::Str(a)));
    }
    let mut rest: Vec<(String, String)> = m
        .other
        .iter()
        .filter(|(k, _)| !HANDLED.contains(&k.as_str()) || *k == "status" && !p.report.draft)
        .map(|(k, v)| {
            let key = if JEKYLL_RESERVED.contains(&k.as_str()) {
                format!("nikola_{k}")
            } else {
                k.clone()
            };
            (key, v.clone())
        })
        .collect();
    if let Some(l) = &m.link {
        rest.push(("link".into(), l.clone()));
    }
    rest.sort();
    for (k, v) in rest {
        f.push((k, Fm::Str(v)));
    }
    f
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

    fn view_fields(jekyll: bool) -> Fields {
        let mut meta = Metadata {
            title: Some("T".into()),
            date: crate::source::parse_date("2014-11-13 16:59 UTC+03:00", &jiff::tz::TimeZone::UTC),
            category: Some("c".into()),
            link: Some("https://l".into()),
            ..Metadata::default()
        };
        for (k, v) in [
            ("status", "draft"),
            ("pretty_url", "no"),
            ("layout", "x"),
            ("mine", "y"),
        ] {
            meta.other.insert(k.into(), v.into());
        }
        let mut report = PostReport::new("posts/a.rst".into(), EntryKind::Post);
        report.title = "T".into();
        report.old_url = "/posts/а/".into();
        report.new_url = "/posts/a/".into();
        report.output = "content/posts/a.md".into();
        report.draft = true;
        let tags = vec!["x".to_owned()];
        let view = PostView {
            meta: &meta,
            report: &report,
            slug: "a",
            tags: &tags,
            kind: EntryKind::Post,
            translation_key: None,
        };
        if jekyll {
            jekyll_fields(&view)
        } else {
            hugo_fields(&view)
        }
    }

    fn get<'a>(f: &'a Fields, k: &str) -> Option<&'a Fm> {
        f.iter().find(|(key, _)| key == k).map(|(_, v)| v)
    }

    #[test]
    fn hugo_and_jekyll_fields() {
        let h = view_fields(false);
        assert_eq!(
            get(&h, "date"),
            Some(&Fm::Str("2014-11-13T16:59:00+03:00".into()))
        );
        assert_eq!(get(&h, "url"), Some(&Fm::Str("/posts/a/".into())));
        assert_eq!(
            get(&h, "aliases"),
            Some(&Fm::List(vec!["/posts/а/".into()]))
        );
        assert_eq!(get(&h, "draft"), Some(&Fm::Bool(true)));
        assert_eq!(get(&h, "categories"), Some(&Fm::List(vec!["c".into()])));
        assert_eq!(
            get(&h, "params"),
            Some(&Fm::Map(vec![
                ("layout".into(), "x".into()),
                ("link".into(), "https://l".into()),
                ("mine".into(), "y".into()),
            ]))
        );
        let j = view_fields(true);
        assert_eq!(j[0], ("layout".to_owned(), Fm::Str("post".into())));
        assert_eq!(
            get(&j, "date"),
            Some(&Fm::Str("2014-11-13 16:59:00 +0300".into()))
        );
        assert_eq!(get(&j, "permalink"), Some(&Fm::Str("/posts/a/".into())));
        assert_eq!(get(&j, "published"), Some(&Fm::Bool(false)));
        assert_eq!(get(&j, "nikola_layout"), Some(&Fm::Str("x".into())));
        assert_eq!(get(&j, "mine"), Some(&Fm::Str("y".into())));
        assert!(get(&j, "pretty_url").is_none() && get(&j, "status").is_none());
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
