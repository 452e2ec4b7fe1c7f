//! Splitting a post's text into metadata entries and body, as Nikola's
//! metadata extractors do (`nikola/metadata_extractors.py`).

use super::front;
use super::{Entry, MetaFormat, RawValue};

/// A recoverable oddity found while reading metadata: (1-based line, message).
pub(super) type Note = (usize, String);

/// A fatal problem in the metadata: (1-based line, message).
#[derive(Debug)]
pub(super) struct Fatal {
    pub line: usize,
    pub message: String,
}

/// A post text split into metadata entries and the body.
#[derive(Debug, Default)]
pub(super) struct Split<'a> {
    pub entries: Vec<Entry>,
    pub format: MetaFormat,
    pub body: &'a str,
    pub body_line_offset: usize,
    pub notes: Vec<Note>,
}

/// One physical line: its text without the line end, and where the next starts.
pub(super) struct Line<'a> {
    pub text: &'a str,
    pub end: usize,
}

/// The lines of `text`, `\n` or `\r\n` terminated.
pub(super) fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |raw| {
        start += raw.len();
        let text = raw.strip_suffix('\n').unwrap_or(raw);
        Line {
            text: text.strip_suffix('\r').unwrap_or(text),
            end: start,
        }
    })
}

pub(super) fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Splits a post: YAML (`---`) or TOML (`+++`) front matter when the first
/// line says so, else a Nikola `.. key: value` header.
pub(super) fn split_post(text: &str) -> Result<Split<'_>, Fatal> {
    if let Some(split) = front::front_matter(text, true)? {
        return Ok(split);
    }
    Ok(nikola_header(text))
}

/// Nikola's header: the first paragraph (after leading blank lines), whose
/// lines match `^\s*\.\. (.*?): (.*)`. If no line matches, there is no
/// header and the whole text is the body (Nikola leaves it untouched then).
/// The body starts after the blank line that ends the header.
fn nikola_header(text: &str) -> Split<'_> {
    let mut split = Split {
        body: text,
        ..Split::default()
    };
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    let mut started = false;
    let mut body_start = text.len();
    let mut line_count = 0;
    for (index, line) in lines(text).enumerate() {
        line_count = index + 1;
        if is_blank(line.text) {
            if started {
                body_start = line.end;
                break;
            }
            continue;
        }
        started = true;
        // A bare `..` opens a comment block whose indented lines may hold the fields.
        if line.text.trim() == ".." {
            continue;
        }
        match header_line(line.text) {
            Some((key, value)) => push_entry(&mut entries, &mut notes, key, value, index + 1),
            None => notes.push((
                index + 1,
                format!("line ignored in the metadata header: {:?}", line.text),
            )),
        }
    }
    if entries.is_empty() {
        return split;
    }
    split.entries = entries;
    split.notes = notes;
    split.format = MetaFormat::Nikola;
    split.body = text.get(body_start..).unwrap_or("");
    split.body_line_offset = line_count;
    split
}

/// `.. key: value` (leading blanks allowed): the key up to the first `": "`.
/// An empty value (`.. tags:` or `.. tags: `) yields an empty string.
/// Unlike Nikola, reST constructs that look alike are not metadata, so a
/// post without a header that opens with one keeps it: directives
/// (`.. image:: x`), targets (`.. _a: url`), substitutions and footnotes.
pub(super) fn header_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix(".. ")?;
    let (key, value) = match rest.split_once(": ") {
        Some(kv) => kv,
        // Nikola needs `": "`; a bare trailing colon is an empty value it drops.
        None => (rest.strip_suffix(':')?, ""),
    };
    let rest_like = key.starts_with(['_', '|', '[']) || key.ends_with(':');
    (!rest_like).then_some((key, value))
}

/// Adds a `key: value` entry; empty values are dropped as Nikola does.
pub(super) fn push_entry(
    entries: &mut Vec<Entry>,
    notes: &mut Vec<Note>,
    key: &str,
    value: &str,
    line: usize,
) {
    let key = key.trim();
    let value = value.trim();
    if key.is_empty() {
        notes.push((line, "metadata line without a key ignored".to_owned()));
        return;
    }
    if value.is_empty() {
        return;
    }
    entries.push(Entry {
        key: key.to_owned(),
        value: RawValue::Str(value.to_owned()),
        line,
    });
}

/// Reads a `.meta` sidecar: YAML / TOML front matter, the `.. key: value`
/// form (every line, not only the first paragraph), or the old positional
/// form: title, slug, date, tags, link, description, type, one per line.
pub(super) fn parse_sidecar(text: &str) -> Result<Split<'_>, Fatal> {
    if let Some(split) = front::front_matter(text, false)? {
        return Ok(split);
    }
    let mut split = Split::default();
    let new_style = lines(text).any(|l| header_line(l.text).is_some_and(|(_, v)| !v.is_empty()));
    if new_style {
        for (index, line) in lines(text).enumerate() {
            if is_blank(line.text) {
                continue;
            }
            match header_line(line.text) {
                Some((k, v)) => push_entry(&mut split.entries, &mut split.notes, k, v, index + 1),
                None => split.notes.push((
                    index + 1,
                    format!("line ignored in the metadata file: {:?}", line.text),
                )),
            }
        }
        split.format = MetaFormat::Nikola;
        return Ok(split);
    }
    const POSITIONAL: [&str; 7] = [
        "title",
        "slug",
        "date",
        "tags",
        "link",
        "description",
        "type",
    ];
    for (index, line) in lines(text).take(POSITIONAL.len()).enumerate() {
        if let Some(key) = POSITIONAL.get(index) {
            push_entry(
                &mut split.entries,
                &mut split.notes,
                key,
                line.text,
                index + 1,
            );
        }
    }
    split.format = MetaFormat::Positional;
    Ok(split)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(split: &Split) -> Vec<(String, String, usize)> {
        split
            .entries
            .iter()
            .map(|e| match &e.value {
                RawValue::Str(s) => (e.key.clone(), s.clone(), e.line),
                RawValue::List(l) => (e.key.clone(), l.join("|"), e.line),
            })
            .collect()
    }

    #[test]
    fn header_line_forms() {
        assert_eq!(header_line(".. title: A: B"), Some(("title", "A: B")));
        assert_eq!(header_line("   .. slug: x"), Some(("slug", "x")));
        assert_eq!(header_line(".. tags:"), Some(("tags", "")));
        assert_eq!(header_line(".. tags: "), Some(("tags", "")));
        assert_eq!(header_line(".. title:x"), None);
        assert_eq!(header_line("..title: x"), None);
        assert_eq!(header_line("title: x"), None);
        assert_eq!(header_line(".. image:: a.png"), None);
        assert_eq!(header_line(".. _target: http://x"), None);
        assert_eq!(header_line(".. |sub| image:: a.png"), None);
        assert_eq!(header_line(".. [1] note: x"), None);
    }

    #[test]
    fn header_stops_at_first_blank_line() {
        let text = "\n\n.. title: T\n.. slug: s\n.. tags:\n\nBody\n.. date: 2020-01-01\n";
        let split = split_post(text).unwrap();
        assert_eq!(split.format, MetaFormat::Nikola);
        assert_eq!(
            keys(&split),
            [
                ("title".into(), "T".into(), 3),
                ("slug".into(), "s".into(), 4)
            ]
        );
        assert_eq!(split.body, "Body\n.. date: 2020-01-01\n");
        assert_eq!(split.body_line_offset, 6);
    }

    #[test]
    fn crlf_and_header_without_body() {
        let split = split_post(".. title: T\r\n.. slug: s\r\n").unwrap();
        assert_eq!(keys(&split)[1], ("slug".into(), "s".into(), 2));
        assert_eq!(split.body, "");
        assert_eq!(split.body_line_offset, 2);
    }

    #[test]
    fn no_header_leaves_the_text_alone() {
        let text = "Title\n=====\n\n.. title: not metadata\n";
        let split = split_post(text).unwrap();
        assert_eq!(split.format, MetaFormat::None);
        assert!(split.entries.is_empty());
        assert_eq!(split.body, text);
        assert_eq!(split.body_line_offset, 0);
    }

    #[test]
    fn indented_fields_in_a_comment_block() {
        let split = split_post("..\n   .. title: T\n   .. slug: s\n\nBody\n").unwrap();
        assert_eq!(keys(&split)[1], ("slug".into(), "s".into(), 3));
        assert!(split.notes.is_empty(), "{:?}", split.notes);
        assert_eq!(split.body, "Body\n");
    }

    #[test]
    fn a_leading_directive_is_not_a_header() {
        let text = ".. image:: a.png\n   :alt: x\n\nText\n";
        let split = split_post(text).unwrap();
        assert_eq!(split.format, MetaFormat::None);
        assert_eq!(split.body, text);
    }

    #[test]
    fn stray_lines_in_the_header_are_noted() {
        let split = split_post(".. title: T\nnot a field\n\nBody\n").unwrap();
        assert_eq!(split.entries.len(), 1);
        assert_eq!(split.notes.len(), 1);
        assert_eq!(split.notes[0].0, 2);
    }

    #[test]
    fn sidecar_new_style_reads_every_line() {
        let split = parse_sidecar(".. title: T\n\n.. slug: s\n").unwrap();
        assert_eq!(split.format, MetaFormat::Nikola);
        assert_eq!(keys(&split)[1], ("slug".into(), "s".into(), 3));
    }

    #[test]
    fn sidecar_positional() {
        let split = parse_sidecar("My title\nmy-slug\n2012/03/30 23:00\na, b,\n\nDesc\n").unwrap();
        assert_eq!(split.format, MetaFormat::Positional);
        let got = keys(&split);
        assert_eq!(got[0], ("title".into(), "My title".into(), 1));
        assert_eq!(got[3], ("tags".into(), "a, b,".into(), 4));
        assert_eq!(got[4], ("description".into(), "Desc".into(), 6));
        assert_eq!(got.len(), 5);
    }
}
