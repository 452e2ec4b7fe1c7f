//! A post: metadata split from the reST body.
//!
//! Follows Nikola 8 (`nikola/post.py`, `nikola/metadata_extractors.py`):
//! a `.meta` sidecar wins over metadata in the post; in the post, YAML `---`
//! or TOML `+++` front matter (first line exactly the delimiter), else the
//! `.. key: value` lines of the first paragraph. The reST docinfo form
//! (`USE_REST_DOCINFO_METADATA`) is not read.

mod date;
mod front;
mod header;
mod slug;

pub use date::parse_date;
pub use slug::slugify;

use crate::doctree::{Diagnostic, Level};
use jiff::ZonedDateTime as Zoned;
use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A post's metadata, from a Nikola header, front matter or a `.meta` file.
/// It round-trips through JSON (`-t json`), so writers can be fed from it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Metadata {
    pub title: Option<String>,
    pub slug: Option<String>,
    /// The date with its zone; naive dates take the configured time zone.
    /// Serialized as RFC 3339 (`2014-11-13T16:59:00+03:00`).
    #[serde(serialize_with = "ser_date", deserialize_with = "de_date")]
    pub date: Option<Zoned>,
    /// Only when the post says so (Nikola would default it to `date`).
    #[serde(serialize_with = "ser_date", deserialize_with = "de_date")]
    pub updated: Option<Zoned>,
    /// Split on commas, trimmed, empty and repeated tags dropped, in order.
    pub tags: Vec<String>,
    /// `category`, or the old `section` key when there is no category.
    pub category: Option<String>,
    /// The `author` value as written.
    pub author: Option<String>,
    /// `author` split on commas (Nikola's `Post.authors()`); YAML/TOML lists too.
    pub authors: Vec<String>,
    pub description: Option<String>,
    pub link: Option<String>,
    /// Every other key, as written (`type`, `status`, unknown keys...).
    /// Lists are joined with `", "`; nested YAML/TOML values become JSON.
    pub other: BTreeMap<String, String>,
}

impl Metadata {
    /// The date as RFC 3339 text.
    pub fn date_rfc3339(&self) -> Option<String> {
        self.date.as_ref().map(date::rfc3339)
    }

    /// The update date as RFC 3339 text.
    pub fn updated_rfc3339(&self) -> Option<String> {
        self.updated.as_ref().map(date::rfc3339)
    }

    /// Any other key (`type`, `status`, ...).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.other.get(key).map(String::as_str)
    }
}

fn ser_date<S: Serializer>(date: &Option<Zoned>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(z) => s.serialize_some(&date::rfc3339(z)),
        None => s.serialize_none(),
    }
}

fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Zoned>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(text) => date::parse_date(&text, &jiff::tz::TimeZone::UTC)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid date {text:?}"))),
        None => Ok(None),
    }
}

/// Where a post's metadata came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MetaFormat {
    /// No metadata found.
    #[default]
    None,
    /// `.. key: value` lines.
    Nikola,
    /// `---` YAML front matter.
    Yaml,
    /// `+++` TOML front matter.
    Toml,
    /// The old positional `.meta` form.
    Positional,
}

/// A post: its metadata and its reST body.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Post {
    pub meta: Metadata,
    pub body: String,
    /// Number of source lines before the body (so body line N is file line N + offset).
    pub body_line_offset: usize,
    /// How the metadata was written.
    pub format: MetaFormat,
    /// The `.meta` sidecar the metadata came from, if any.
    pub sidecar: Option<PathBuf>,
}

/// How to read posts.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The zone of naive dates (Nikola's `TIMEZONE`); default UTC.
    pub timezone: TimeZone,
    /// Nikola's `USE_SLUGIFY` (default true): how a slug is derived from the
    /// file name when the post has none. Explicit slugs are kept as written.
    pub use_slugify: bool,
    /// Look for a `.meta` sidecar beside the post (default true).
    pub sidecar: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            timezone: TimeZone::UTC,
            use_slugify: true,
            sidecar: true,
        }
    }
}

/// Why a post could not be read. Messages start with `path:line:`.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: invalid UTF-8 at byte {offset} (posts must be UTF-8)")]
    Utf8 {
        path: String,
        line: usize,
        offset: usize,
    },
    #[error("{path}:{line}: invalid date {value:?} in field {field:?}")]
    InvalidDate {
        path: String,
        line: usize,
        field: String,
        value: String,
    },
    #[error("{path}:{line}: {message}")]
    Metadata {
        path: String,
        line: usize,
        message: String,
    },
}

/// The name used for text without a path, as docutils does.
const NO_PATH: &str = "<string>";

/// A metadata value before interpretation.
#[derive(Clone, Debug, PartialEq)]
enum RawValue {
    Str(String),
    List(Vec<String>),
}

/// One `key: value` with the 1-based line it came from.
#[derive(Clone, Debug)]
struct Entry {
    key: String,
    value: RawValue,
    line: usize,
}

/// Reads a post from its text. With a `path`, a `.meta` sidecar beside it is
/// used (unless `opts.sidecar` is off), and the file stem gives the slug and
/// title fallbacks. Bad dates and broken front matter are errors: a post
/// silently moved in time or stripped of its metadata is worse than a stop.
pub fn read_post(
    text: &str,
    path: Option<&Path>,
    opts: &ReadOptions,
) -> Result<(Post, Vec<Diagnostic>), SourceError> {
    let sidecar = match path {
        Some(p) if opts.sidecar => read_sidecar(p)?,
        _ => None,
    };
    let display = path.map_or_else(|| NO_PATH.to_owned(), |p| p.display().to_string());
    build_post(text, path, &display, sidecar, opts)
}

/// Reads a post file (and its `.meta` sidecar).
pub fn read_post_file(
    path: &Path,
    opts: &ReadOptions,
) -> Result<(Post, Vec<Diagnostic>), SourceError> {
    let text = read_utf8(path)?;
    read_post(&text, Some(path), opts)
}

/// A file's text; a leading BOM is dropped (Nikola reads `utf-8-sig`).
fn read_utf8(path: &Path) -> Result<String, SourceError> {
    let bytes = std::fs::read(path).map_err(|source| SourceError::Io {
        path: path.display().to_string(),
        source,
    })?;
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let before = e.as_bytes().get(..offset).unwrap_or_default();
            Err(SourceError::Utf8 {
                path: path.display().to_string(),
                line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
                offset,
            })
        }
    }
}

/// `dir/post.rst` -> `dir/post.meta`, as Nikola's `splitext(path)[0] + '.meta'`.
pub fn sidecar_path(path: &Path) -> PathBuf {
    path.with_extension("meta")
}

/// For a translation `dir/post.LANG.rst` of an existing `dir/post.rst`, the
/// default language's `dir/post.meta`, which Nikola falls back to.
fn default_lang_sidecar(path: &Path) -> Option<PathBuf> {
    let stem = Path::new(path.file_stem()?);
    let lang = stem.extension()?.to_str()?;
    let looks_like_lang =
        (2..=5).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
    if !looks_like_lang {
        return None;
    }
    let original = path
        .with_file_name(stem.file_stem()?)
        .with_extension(path.extension()?);
    original.is_file().then(|| original.with_extension("meta"))
}

/// The sidecar's path and text, when there is one.
fn read_sidecar(path: &Path) -> Result<Option<(PathBuf, String)>, SourceError> {
    let own = sidecar_path(path);
    let candidates = [Some(own), default_lang_sidecar(path)];
    for meta in candidates.into_iter().flatten() {
        if meta != path && meta.is_file() {
            let text = read_utf8(&meta)?;
            return Ok(Some((meta, text)));
        }
    }
    Ok(None)
}

fn build_post(
    text: &str,
    path: Option<&Path>,
    display: &str,
    sidecar: Option<(PathBuf, String)>,
    opts: &ReadOptions,
) -> Result<(Post, Vec<Diagnostic>), SourceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut diags = Vec::new();
    let mut post = Post::default();

    // A sidecar with metadata wins, and the post text is then all body
    // (Nikola does not split two-file posts).
    if let Some((meta_path, meta_text)) = sidecar {
        let meta_display = meta_path.display().to_string();
        let split = header::parse_sidecar(&meta_text).map_err(|f| fatal(&meta_display, f))?;
        if !split.entries.is_empty() {
            for (line, message) in split.notes {
                let message = format!("{meta_display}:{line}: {message}");
                diags.push(Diagnostic::new(Level::Warning, message, None));
            }
            post.meta = interpret(split.entries, &meta_display, opts, &mut diags)?;
            post.format = split.format;
            post.sidecar = Some(meta_path);
            post.body = text.to_owned();
            finish(&mut post.meta, path, opts, &mut diags);
            return Ok((post, diags));
        }
    }

    let split = header::split_post(text).map_err(|f| fatal(display, f))?;
    for (line, message) in split.notes {
        diags.push(Diagnostic::new(
            Level::Warning,
            message,
            Some(line_u32(line)),
        ));
    }
    post.meta = interpret(split.entries, display, opts, &mut diags)?;
    post.format = split.format;
    post.body = split.body.to_owned();
    post.body_line_offset = split.body_line_offset;
    finish(&mut post.meta, path, opts, &mut diags);
    Ok((post, diags))
}

fn fatal(display: &str, f: header::Fatal) -> SourceError {
    SourceError::Metadata {
        path: display.to_owned(),
        line: f.line,
        message: f.message,
    }
}

fn line_u32(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// Turns raw entries into typed metadata; later keys override earlier ones.
fn interpret(
    entries: Vec<Entry>,
    display: &str,
    opts: &ReadOptions,
    diags: &mut Vec<Diagnostic>,
) -> Result<Metadata, SourceError> {
    let mut meta = Metadata::default();
    let mut section = None;
    for Entry { key, value, line } in entries {
        // Empty values mean "not set", as in Nikola.
        if is_empty(&value) {
            continue;
        }
        match key.as_str() {
            "title" => meta.title = Some(joined(value)),
            "slug" => meta.slug = Some(joined(value)),
            "date" | "updated" => {
                let raw = joined(value);
                let Some(z) = parse_date(&raw, &opts.timezone) else {
                    return Err(SourceError::InvalidDate {
                        path: display.to_owned(),
                        line,
                        field: key,
                        value: raw,
                    });
                };
                if key == "date" {
                    meta.date = Some(z);
                } else {
                    meta.updated = Some(z);
                }
            }
            "tags" => meta.tags = comma_list(value),
            "category" => meta.category = Some(joined(value)),
            "section" => section = Some((joined(value), line)),
            "author" => {
                meta.authors = comma_list(value.clone());
                meta.author = Some(joined(value));
            }
            "description" => meta.description = Some(joined(value)),
            "link" => meta.link = Some(joined(value)),
            _ => {
                meta.other.insert(key, joined(value));
            }
        }
    }
    if let Some((section, line)) = section {
        if meta.category.is_none() {
            meta.category = Some(section);
        } else {
            let message = "both \"category\" and \"section\" given; \"section\" ignored";
            diags.push(Diagnostic::new(Level::Info, message, Some(line_u32(line))));
        }
    }
    Ok(meta)
}

fn is_empty(value: &RawValue) -> bool {
    match value {
        RawValue::Str(s) => s.trim().is_empty(),
        RawValue::List(items) => items.iter().all(|s| s.trim().is_empty()),
    }
}

/// A value as one string; lists joined with `", "`.
fn joined(value: RawValue) -> String {
    match value {
        RawValue::Str(s) => s,
        RawValue::List(items) => items.join(", "),
    }
}

/// Comma-separated (or listed) items, trimmed, empty and repeated ones dropped.
fn comma_list(value: RawValue) -> Vec<String> {
    let items: Vec<String> = match value {
        RawValue::Str(s) => s.split(',').map(str::to_owned).collect(),
        RawValue::List(items) => items,
    };
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in &items {
        let item = item.trim();
        if !item.is_empty() && seen.insert(item) {
            out.push(item.to_owned());
        }
    }
    out
}

/// Nikola's fallbacks: slug from the file stem, title from the file stem.
fn finish(
    meta: &mut Metadata,
    path: Option<&Path>,
    opts: &ReadOptions,
    diags: &mut Vec<Diagnostic>,
) {
    let stem = path
        .and_then(Path::file_stem)
        .map(|s| s.to_string_lossy().into_owned());
    if meta.slug.is_none() {
        meta.slug = stem.as_deref().map(|s| {
            if opts.use_slugify {
                slugify(s, true)
            } else {
                slug::disarmed_slug(s)
            }
        });
    }
    if meta.title.is_none() {
        let message = match &stem {
            Some(s) => format!("post has no title; using the file name {s:?}"),
            None => "post has no title".to_owned(),
        };
        diags.push(Diagnostic::new(Level::Warning, message, None));
        meta.title = stem;
    }
}

#[cfg(test)]
mod tests;
