//! EPUB 3 writer: one book of many posts, one XHTML chapter per post.
//!
//! Chapters are the HTML writer's fragments passed through [`xhtml`], which
//! makes them well-formed XHTML, prefixes ids per chapter (`c3-`) so
//! footnotes never collide across files, rewrites links between posts of
//! the book into links between chapters and embeds images. `epub-builder`
//! writes the OPF, NCX and nav; [`repack`] then rewrites its archive with
//! fixed timestamps, because the library's zip stamps the clock.

mod xhtml;

use crate::doctree::{Diagnostic, Element, Kind, Level, Node};
use crate::write::html;
use crate::{Converted, Options};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, TocElement, ZipLibrary};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Book-level options; everything has a deterministic default.
#[derive(Clone, Debug, Default)]
pub struct EpubOptions {
    /// Book title (default "Digest").
    pub title: Option<String>,
    /// Book language (default: the first post's `lang`, else `en`).
    pub lang: Option<String>,
    /// Newest post first (undated posts stay last).
    pub newest_first: bool,
    /// Levels in the table of contents: 1 lists posts, 2 adds their top
    /// sections, and so on (0 counts as 1).
    pub toc_depth: u8,
    /// Cover image file.
    pub cover: Option<PathBuf>,
    /// Stylesheet replacing the default one.
    pub css: Option<PathBuf>,
    /// Download remote images (http and https, see [`fetch`]).
    pub fetch_images: bool,
    /// Where downloads are kept (default: `postconv-images` in the temp dir).
    pub cache_dir: Option<PathBuf>,
    /// The blog's URL: links to posts outside the book point there.
    pub site_url: Option<String>,
    /// The file of each post (same order as the posts), for its images.
    pub sources: Vec<Option<PathBuf>>,
    /// Line of each post's body in its file (same order as the posts; see
    /// [`convert_post`]): tree lines are body lines.
    pub line_offsets: Vec<u32>,
    /// The site folder: `/images/x.png` is looked up in `images/` and
    /// `files/images/` there.
    pub site_root: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum EpubError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: not a PNG, JPEG, GIF or SVG image")]
    Image(PathBuf),
    #[error("epub: {0}")]
    Builder(String),
    #[error("epub: no posts to make a book of")]
    Empty,
    #[error("HTML writer: {0}")]
    Html(#[from] minijinja::Error),
    #[error("{0}")]
    Source(#[from] crate::source::SourceError),
}

impl From<epub_builder::Error> for EpubError {
    fn from(e: epub_builder::Error) -> EpubError {
        EpubError::Builder(e.to_string())
    }
}

/// The default stylesheet (`css` replaces it).
pub const DEFAULT_CSS: &str = "\
body { margin: 0 1em; line-height: 1.5; }
h1.post-title { margin-bottom: .2em; }
p.post-meta { margin-top: 0; color: #555; font-style: italic; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .5em; }
.docutils.literal, code { font-family: monospace; }
aside.admonition, aside.sidebar, aside.topic, aside.system-message { border: 1px solid #ccc; padding: 0 1em; margin: 1em 0; }
.admonition-title, .sidebar-title, .topic-title, .rubric { font-weight: bold; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: .2em .5em; vertical-align: top; }
img { max-width: 100%; height: auto; }
.align-center { display: block; margin-left: auto; margin-right: auto; text-align: center; }
.align-left { float: left; margin-right: 1em; }
.align-right { float: right; margin-left: 1em; }
.line-block .line-block { margin-left: 1.5em; }
.footnote-list .label { float: left; margin-right: .5em; }
";

/// Reads, converts and binds `paths` into one book: what `-t epub` does
/// with several inputs. Diagnostics carry the index of their input.
pub fn convert_many_to_epub(
    paths: &[PathBuf],
    opts: &Options,
    epub: &EpubOptions,
    diags: &mut Vec<(usize, Diagnostic)>,
) -> Result<Vec<u8>, EpubError> {
    let mut posts = Vec::with_capacity(paths.len());
    let mut offsets = Vec::with_capacity(paths.len());
    for (i, path) in paths.iter().enumerate() {
        let text = read_text(path).map_err(|source| EpubError::Io {
            path: path.clone(),
            source,
        })?;
        let (conv, offset) = convert_post(&text, path, opts)?;
        diags.extend(conv.diagnostics.iter().cloned().map(|d| (i, d)));
        posts.push(conv);
        offsets.push(offset);
    }
    let mut epub = epub.clone();
    epub.sources = paths.iter().cloned().map(Some).collect();
    epub.line_offsets = offsets;
    build(&posts, &epub, diags)
}

/// Converts one post file, naming it in messages; also returns the line
/// of its body in the file (the tree's lines count from there).
pub fn convert_post(
    text: &str,
    path: &Path,
    opts: &Options,
) -> Result<(Converted, u32), EpubError> {
    let mut opts = opts.clone();
    let stdin = path.as_os_str() == "-";
    opts.parse.source = if stdin {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    };
    if !stdin {
        // `a.rst` has the parent "", which no file system resolves.
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        opts.parse.base_dir = Some(parent.unwrap_or(Path::new(".")).to_path_buf());
    }
    let path = (!stdin).then_some(path);
    let conv = crate::convert(text, path, &opts)?;
    let offset = conv.line_offset;
    Ok((conv, offset))
}

/// A file, or standard input for `-`.
fn read_text(path: &Path) -> std::io::Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(text);
    }
    std::fs::read_to_string(path)
}

/// Binds `posts` into an EPUB 3 book. Same input, same bytes.
pub fn build(
    posts: &[Converted],
    opts: &EpubOptions,
    diags: &mut Vec<(usize, Diagnostic)>,
) -> Result<Vec<u8>, EpubError> {
    if posts.is_empty() {
        return Err(EpubError::Empty);
    }
    let order = reading_order(posts, opts.newest_first);
    let chapters: Vec<ChapterRef> = order
        .iter()
        .enumerate()
        .map(|(n, &i)| ChapterRef::new(n + 1, i, &posts[i], opts))
        .collect();
    let lang = book_lang(posts, &order, opts);
    let mut links = Links::new(&chapters, opts.site_url.as_deref());
    let mut assets = Assets::new(opts);
    let mut bodies = Vec::with_capacity(chapters.len());
    let mut anchors = HashMap::new();
    for ch in &chapters {
        let post = &posts[ch.index];
        let mut post_diags = Vec::new();
        let (body, mut ids) = chapter_body(post, ch, &mut links, &mut assets, &mut post_diags)?;
        ids.insert(ch.prefix.trim_end_matches('-').to_owned());
        anchors.insert(ch.file.clone(), ids);
        diags.extend(post_diags.into_iter().map(|d| (ch.index, d)));
        bodies.push(body);
    }
    let mut texts = Vec::with_capacity(chapters.len());
    for (ch, body) in chapters.iter().zip(&bodies) {
        let post = &posts[ch.index];
        let mut post_diags = Vec::new();
        let body = fix_anchors(body, ch, &anchors, &mut post_diags);
        let mut toc = section_toc(&post.document, ch, opts.toc_depth.max(1));
        toc.retain(|t| anchor_exists(&t.url, &ch.file, &anchors));
        let xhtml = chapter_xhtml(post, ch, &lang, &body);
        diags.extend(post_diags.into_iter().map(|d| (ch.index, d)));
        texts.push((xhtml, toc));
    }
    let css = match &opts.css {
        Some(p) => read_file(p)?,
        None => DEFAULT_CSS.as_bytes().to_vec(),
    };
    let cover = match &opts.cover {
        Some(p) => Some(cover_image(p)?),
        None => None,
    };
    let meta = BookMeta::new(posts, opts, lang);
    let id = book_uuid(&meta, &texts, &assets, &css, cover.as_ref());

    let mut b = EpubBuilder::new(ZipLibrary::new()?)?;
    b.epub_version(EpubVersion::V30);
    b.set_title(meta.title.as_str());
    b.set_lang(meta.lang.as_str());
    b.set_authors(meta.authors.clone());
    b.set_generator("postconv");
    b.set_toc_name("Contents");
    b.set_uuid(id);
    b.set_modified_date(meta.modified);
    if let Some(d) = meta.published {
        b.set_publication_date(d);
    }
    b.stylesheet(css.as_slice())?;
    if let Some((name, bytes, mime)) = &cover {
        b.add_cover_image(name.as_str(), bytes.as_slice(), *mime)?;
    }
    for (name, (bytes, mime)) in &assets.files {
        b.add_resource(name.as_str(), bytes.as_slice(), *mime)?;
    }
    for (ch, (xhtml, toc)) in chapters.iter().zip(&texts) {
        let mut content = EpubContent::new(ch.file.as_str(), xhtml.as_bytes()).title(&ch.title);
        if ch.number == 1 {
            content = content.reftype(ReferenceType::Text);
        }
        for entry in toc {
            content = content.child(entry.clone());
        }
        b.add_content(content)?;
    }
    let mut out = Vec::new();
    b.generate(&mut out)?;
    let urn = uuid::fmt::Urn::from_uuid(id).to_string();
    repack(&out, Some(&urn))
}

/// Input indices in book order: dated posts by date (stable), then the
/// undated ones in input order.
fn reading_order(posts: &[Converted], newest_first: bool) -> Vec<usize> {
    let mut dated: Vec<(i64, u32, usize)> = Vec::new();
    let mut undated = Vec::new();
    for (i, p) in posts.iter().enumerate() {
        match &p.meta.date {
            Some(d) => {
                let t = d.timestamp();
                dated.push((t.as_second(), t.subsec_nanosecond() as u32, i));
            }
            None => undated.push(i),
        }
    }
    dated.sort();
    if newest_first {
        // Reverse dates but keep input order among equal dates.
        dated.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)).then(a.2.cmp(&b.2)));
    }
    dated.into_iter().map(|d| d.2).chain(undated).collect()
}

fn post_lang(post: &Converted) -> Option<&str> {
    post.meta
        .other
        .get("lang")
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
}

fn book_lang(posts: &[Converted], order: &[usize], opts: &EpubOptions) -> String {
    let first = order.first().and_then(|&i| post_lang(&posts[i]));
    opts.lang
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .or(first)
        .unwrap_or("en")
        .to_owned()
}

/// What the book knows of a chapter before writing it.
struct ChapterRef {
    /// 1-based place in the book.
    number: usize,
    /// Index of the post in the input.
    index: usize,
    file: String,
    /// Id prefix, unique per chapter.
    prefix: String,
    title: String,
    /// Names the post is linked by: its slug and its file stem.
    names: Vec<String>,
    line_offset: u32,
}

impl ChapterRef {
    fn new(number: usize, index: usize, post: &Converted, opts: &EpubOptions) -> ChapterRef {
        let mut names = Vec::new();
        if let Some(s) = &post.meta.slug {
            names.push(s.clone());
        }
        let stem = opts
            .sources
            .get(index)
            .and_then(|p| p.as_deref())
            .and_then(Path::file_stem)
            .map(|s| s.to_string_lossy().into_owned());
        names.extend(stem);
        ChapterRef {
            number,
            index,
            file: format!("chapter-{number:03}.xhtml"),
            prefix: format!("c{number}-"),
            title: post_title(post),
            names,
            line_offset: opts.line_offsets.get(index).copied().unwrap_or(0),
        }
    }
}

/// The post's title, else its `title` directive's, its document title,
/// its slug, a placeholder.
fn post_title(post: &Converted) -> String {
    let from_doc = || {
        let directive = post.document.attrs.other.get("title").cloned();
        directive
            .or_else(|| post.document.child(Kind::Title).map(Element::astext))
            .filter(|t| !t.trim().is_empty())
    };
    post.meta
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(from_doc)
        .or_else(|| post.meta.slug.clone())
        .unwrap_or_else(|| "Untitled".to_owned())
}

/// Renders a post's body as XHTML: raw HTML checked first (its warnings
/// carry lines), then the HTML writer, then the whole fragment normalised.
fn chapter_body(
    post: &Converted,
    ch: &ChapterRef,
    links: &mut Links,
    assets: &mut Assets,
    diags: &mut Vec<Diagnostic>,
) -> Result<(String, HashSet<String>), EpubError> {
    let mut doc = post.document.clone();
    fix_raw_html(&mut doc, ch.line_offset, diags);
    math_as_source(&mut doc, ch.line_offset, diags);
    let opts = html::Options {
        standalone: false,
        template: None,
        initial_header_level: 2,
    };
    let mut html_diags = Vec::new();
    let html = html::write(&doc, &post.meta, &opts, &mut html_diags)?;
    // The title is the chapter heading: the writer's note about leaving it
    // out is noise here.
    diags.extend(
        html_diags
            .into_iter()
            .filter(|d| !d.message.starts_with("html: document title")),
    );
    let source_dir = assets.source_dir(ch.index);
    let mut hooks = ChapterHooks {
        ch,
        links,
        assets,
        source_dir,
        diags,
    };
    let mut fixes = Vec::new();
    Ok(xhtml::normalise_ids(&html, Some(&mut hooks), &mut fixes))
}

/// Whether a link of chapter `file` (`#id` or `chapter-N.xhtml#id`) hits
/// an id that exists.
fn anchor_exists(url: &str, file: &str, anchors: &HashMap<String, HashSet<String>>) -> bool {
    let (target, frag) = match url.split_once('#') {
        Some(("", f)) => (file, f),
        Some((t, f)) => (t, f),
        None => return true,
    };
    anchors.get(target).is_some_and(|ids| ids.contains(frag))
}

/// Links to anchors that no chapter defines (`#top`, a target of another
/// page of the site) go to the start of their chapter instead. Only our
/// own rewritten links are looked at: `#c3-...` and `chapter-...`.
fn fix_anchors(
    body: &str,
    ch: &ChapterRef,
    anchors: &HashMap<String, HashSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    const HREF: &str = "href=\"";
    let own = format!("#{}", ch.prefix);
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find(HREF) {
        let start = i + HREF.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('"').unwrap_or(rest.len());
        let url = &rest[..end];
        let ours = url.starts_with(&own) || (url.starts_with("chapter-") && url.contains('#'));
        if ours && !anchor_exists(url, &ch.file, anchors) {
            let (file, frag) = url.split_once('#').unwrap_or((url, ""));
            // docutils' `#top` (contents backlinks) means the page start:
            // exactly where it goes, so nothing is lost.
            if frag.strip_prefix(ch.prefix.as_str()) != Some("top") {
                let msg = format!("epub: link to missing anchor #{frag} goes to the post's start");
                diags.push(Diagnostic::new(Level::Warning, msg, None));
            }
            match file {
                "" => {
                    out.push('#');
                    out.push_str(ch.prefix.trim_end_matches('-'));
                }
                f => out.push_str(f),
            }
        } else {
            out.push_str(url);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Makes each `raw` HTML node well-formed XHTML; what had to be dropped is
/// reported as a warning on the node's line.
fn fix_raw_html(doc: &mut Element, line_offset: u32, diags: &mut Vec<Diagnostic>) {
    doc.walk_mut(&mut |e| {
        let is_html = e.kind == Kind::Raw
            && e.get("format")
                .is_some_and(|f| f.split_whitespace().any(|f| f == "html"));
        if !is_html {
            return;
        }
        let text = e.astext();
        let mut fixes = Vec::new();
        let fixed = xhtml::normalise(&text, None, &mut fixes);
        for fix in fixes {
            let level = if fix.dropped {
                Level::Warning
            } else {
                Level::Info
            };
            diags.push(Diagnostic::new(
                level,
                format!("epub: raw HTML {}", fix.what),
                e.line.map(|l| l.saturating_add(line_offset)),
            ));
        }
        e.children = vec![Node::Text(fixed)];
    });
}

/// EPUB readers run no MathJax: math is shown as its LaTeX source, block
/// math preformatted so that multi-line environments keep their lines.
/// One note per chapter says so.
fn math_as_source(doc: &mut Element, line_offset: u32, diags: &mut Vec<Diagnostic>) {
    let mut count = 0usize;
    let mut first_line = None;
    doc.walk_mut(&mut |e| {
        let kind = match e.kind {
            Kind::MathBlock => Kind::LiteralBlock,
            Kind::Math => Kind::Literal,
            _ => return,
        };
        count += 1;
        first_line = first_line.or(e.line);
        let source = e.astext();
        e.kind = kind;
        e.attrs.classes.insert(0, "math".to_owned());
        e.children = vec![Node::Text(source)];
    });
    if count > 0 {
        let msg = format!("epub: {count} math formula(s) shown as LaTeX source");
        let line = first_line.map(|l| l.saturating_add(line_offset));
        diags.push(Diagnostic::new(Level::Info, msg, line));
    }
}

/// The chapter's sections for the table of contents, down to `depth`.
fn section_toc(doc: &Element, ch: &ChapterRef, depth: u8) -> Vec<TocElement> {
    let mut out = Vec::new();
    if depth > 1 {
        sections_into(doc, ch, 2, depth as i32, &mut out);
    }
    out
}

fn sections_into(e: &Element, ch: &ChapterRef, level: i32, max: i32, out: &mut Vec<TocElement>) {
    for s in e.elements().filter(|c| c.kind == Kind::Section) {
        let (Some(id), Some(title)) = (s.attrs.ids.first(), s.child(Kind::Title)) else {
            continue;
        };
        let url = format!("{}#{}{}", ch.file, ch.prefix, xhtml::clean_id(id));
        out.push(TocElement::new(url, title.astext()).level(level));
        if level < max {
            sections_into(s, ch, level + 1, max, out);
        }
    }
}

/// A whole chapter file.
fn chapter_xhtml(post: &Converted, ch: &ChapterRef, book_lang: &str, body: &str) -> String {
    let lang = xhtml::attr(post_lang(post).unwrap_or(book_lang));
    let title = xhtml::text(&ch.title);
    let mut meta_line = String::new();
    if let Some(d) = &post.meta.date {
        let iso = post.meta.date_rfc3339().unwrap_or_default();
        let day = d.strftime("%Y-%m-%d").to_string();
        meta_line.push_str(&format!(
            "<time datetime=\"{}\">{day}</time>",
            xhtml::attr(&iso)
        ));
    }
    let authors = post_authors(post);
    if !authors.is_empty() {
        if !meta_line.is_empty() {
            meta_line.push_str(" · ");
        }
        meta_line.push_str(&xhtml::text(&authors.join(", ")));
    }
    let meta_p = if meta_line.is_empty() {
        String::new()
    } else {
        format!("<p class=\"post-meta\">{meta_line}</p>\n")
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n\
<head>\n<meta charset=\"utf-8\" />\n<title>{title}</title>\n\
<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\" />\n</head>\n\
<body>\n<section class=\"post\" epub:type=\"chapter\" id=\"c{n}\">\n<header>\n\
<h1 class=\"post-title\">{title}</h1>\n{meta_p}</header>\n{body}</section>\n</body>\n</html>\n",
        n = ch.number,
    )
}

/// A post's authors: the `authors` list, else `author`.
fn post_authors(post: &Converted) -> Vec<String> {
    let mut out: Vec<String> = post
        .meta
        .authors
        .iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    if out.is_empty()
        && let Some(a) = post.meta.author.as_deref().map(str::trim)
        && !a.is_empty()
    {
        out.push(a.to_owned());
    }
    out
}

/// Book metadata, all derived from the posts (never from the clock).
struct BookMeta {
    title: String,
    lang: String,
    authors: Vec<String>,
    modified: chrono::DateTime<chrono::Utc>,
    published: Option<chrono::DateTime<chrono::Utc>>,
}

impl BookMeta {
    fn new(posts: &[Converted], opts: &EpubOptions, lang: String) -> BookMeta {
        let authors: BTreeSet<String> = posts.iter().flat_map(post_authors).collect();
        let newest = posts
            .iter()
            .filter_map(|p| p.meta.date.as_ref())
            .map(|d| d.timestamp().as_second())
            .max();
        let published = newest.and_then(|s| chrono::DateTime::from_timestamp(s, 0));
        BookMeta {
            title: opts
                .title
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| "Digest".to_owned()),
            lang,
            authors: authors.into_iter().collect(),
            modified: published.unwrap_or_default(),
            published,
        }
    }
}

/// A name-based UUID (version 8, "custom") from everything in the book.
fn book_uuid(
    meta: &BookMeta,
    texts: &[(String, Vec<TocElement>)],
    assets: &Assets,
    css: &[u8],
    cover: Option<&(String, Vec<u8>, &'static str)>,
) -> uuid::Uuid {
    let mut h = Hasher128::default();
    h.field(meta.title.as_bytes());
    h.field(meta.lang.as_bytes());
    for a in &meta.authors {
        h.field(a.as_bytes());
    }
    h.field(meta.modified.to_rfc3339().as_bytes());
    for (x, _) in texts {
        h.field(x.as_bytes());
    }
    for (name, (bytes, _)) in &assets.files {
        h.field(name.as_bytes());
        h.field(bytes);
    }
    h.field(css);
    if let Some((_, bytes, _)) = cover {
        h.field(bytes);
    }
    uuid::Builder::from_custom_bytes(h.finish()).into_uuid()
}

/// Two FNV-1a lanes: enough to tell books apart, no dependency.
struct Hasher128([u64; 2]);

impl Default for Hasher128 {
    fn default() -> Self {
        Hasher128([0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142])
    }
}

impl Hasher128 {
    fn bytes(&mut self, data: &[u8]) {
        for &b in data {
            self.0[0] = (self.0[0] ^ b as u64).wrapping_mul(0x0100_0000_01b3);
            self.0[1] = (self.0[1] ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3 ^ 0x5bd1);
        }
    }

    /// Hashes a length-prefixed field, so fields cannot run together.
    fn field(&mut self, data: &[u8]) {
        self.bytes(&(data.len() as u64).to_le_bytes());
        self.bytes(data);
    }

    fn finish(&self) -> [u8; 16] {
        let mut out = [0; 16];
        out[..8].copy_from_slice(&self.0[0].to_be_bytes());
        out[8..].copy_from_slice(&self.0[1].to_be_bytes());
        out
    }

    fn hex64(data: &[u8]) -> String {
        let mut h = Hasher128::default();
        h.bytes(data);
        format!("{:016x}", h.0[0])
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, EpubError> {
    std::fs::read(path).map_err(|source| EpubError::Io {
        path: path.to_owned(),
        source,
    })
}

fn cover_image(path: &Path) -> Result<(String, Vec<u8>, &'static str), EpubError> {
    let bytes = read_file(path)?;
    let Some((ext, mime)) = image_type(&bytes, path.to_string_lossy().as_ref()) else {
        return Err(EpubError::Image(path.to_owned()));
    };
    Ok((format!("cover.{ext}"), bytes, mime))
}

/// The image type by its first bytes (SVG by its text); `None` for types
/// EPUB readers need not support.
fn image_type(bytes: &[u8], name: &str) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(("jpg", "image/jpeg"))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(("gif", "image/gif"))
    } else if name.to_ascii_lowercase().ends_with(".svg") && bytes.windows(4).any(|w| w == b"<svg")
    {
        Some(("svg", "image/svg+xml"))
    } else {
        None
    }
}

/// Images embedded in the book, by content (the same picture used twice
/// is stored once).
struct Assets {
    /// Path inside `OEBPS/` -> bytes and media type.
    files: BTreeMap<String, (Vec<u8>, &'static str)>,
    /// Source (file path or URL) -> path in the book, or why not.
    seen: HashMap<String, Result<String, String>>,
    fetch: bool,
    cache_dir: PathBuf,
    sources: Vec<Option<PathBuf>>,
    site_root: Option<PathBuf>,
}

impl Assets {
    fn new(opts: &EpubOptions) -> Assets {
        Assets {
            files: BTreeMap::new(),
            seen: HashMap::new(),
            fetch: opts.fetch_images,
            cache_dir: opts
                .cache_dir
                .clone()
                .unwrap_or_else(|| std::env::temp_dir().join("postconv-images")),
            sources: opts.sources.clone(),
            site_root: opts.site_root.clone(),
        }
    }

    fn source_dir(&self, index: usize) -> Option<PathBuf> {
        let file = self.sources.get(index)?.as_deref()?;
        // `a.rst` has the parent "", which canonicalises to nothing.
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
        Some(dir.unwrap_or(Path::new(".")).to_owned())
    }

    /// Where a local image may be: next to the post, or in the site's
    /// `images/`, `files/` or root.
    fn candidates(&self, src: &str, dir: Option<&Path>) -> Vec<PathBuf> {
        let rel = src.trim_start_matches('/');
        let mut out = Vec::new();
        if !src.starts_with('/')
            && let Some(d) = dir
        {
            out.push(d.join(rel));
        }
        let roots = self
            .site_root
            .iter()
            .cloned()
            .chain(dir.and_then(Path::parent).map(Path::to_owned));
        for root in roots {
            out.push(root.join(rel));
            out.push(root.join("files").join(rel));
            out.push(root.join("images").join(rel));
        }
        out
    }

    /// Whether `path` lies in the site or the post's folder (or its
    /// parent): `../../` must not reach the rest of the disk.
    fn inside(&self, path: &Path, dir: Option<&Path>) -> bool {
        let Ok(path) = path.canonicalize() else {
            return false;
        };
        let bases = self
            .site_root
            .iter()
            .map(PathBuf::as_path)
            .chain(dir)
            .chain(dir.and_then(Path::parent));
        bases
            .filter_map(|b| b.canonicalize().ok())
            .any(|b| path.starts_with(b))
    }

    /// Embeds a local image; `Err` says why not.
    fn local(&mut self, src: &str, dir: Option<&Path>) -> Result<String, String> {
        let decoded = percent_decode(src.split(['?', '#']).next().unwrap_or(src));
        let found = self
            .candidates(&decoded, dir)
            .into_iter()
            .find(|p| p.is_file());
        let Some(path) = found else {
            return Err("file not found".into());
        };
        if !self.inside(&path, dir) {
            return Err("outside the post's and the site's folders".into());
        }
        let key = path.to_string_lossy().into_owned();
        if let Some(r) = self.seen.get(&key) {
            return r.clone();
        }
        let r = match std::fs::read(&path) {
            Ok(bytes) => self.add(bytes, &decoded),
            Err(e) => Err(e.to_string()),
        };
        self.seen.insert(key, r.clone());
        r
    }

    /// Embeds a remote image when downloads are on.
    fn remote(&mut self, url: &str) -> Result<String, String> {
        if !self.fetch {
            return Err("remote images are not downloaded (--fetch-images)".into());
        }
        if let Some(r) = self.seen.get(url) {
            return r.clone();
        }
        let cached = self.cache_dir.join(Hasher128::hex64(url.as_bytes()));
        let bytes = match std::fs::read(&cached) {
            Ok(b) => Ok(b),
            Err(_) => fetch::get(url).inspect(|b| {
                // A cache that cannot be written only costs a download.
                let _ = std::fs::create_dir_all(&self.cache_dir);
                let _ = std::fs::write(&cached, b);
            }),
        };
        let r = bytes.and_then(|b| self.add(b, url));
        self.seen.insert(url.to_owned(), r.clone());
        r
    }

    fn add(&mut self, bytes: Vec<u8>, name: &str) -> Result<String, String> {
        let Some((ext, mime)) = image_type(&bytes, name) else {
            return Err("not a PNG, JPEG, GIF or SVG image".into());
        };
        let file = format!("images/{}.{ext}", Hasher128::hex64(&bytes));
        self.files.entry(file.clone()).or_insert((bytes, mime));
        Ok(file)
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Link targets: posts of the book by name, and the site for the rest.
struct Links {
    by_name: HashMap<String, (String, String)>,
    site_url: Option<String>,
}

/// What becomes of a link.
enum Href {
    To(String),
    /// No usable target: keep the text, drop the link.
    Drop(String),
}

impl Links {
    fn new(chapters: &[ChapterRef], site_url: Option<&str>) -> Links {
        let mut by_name = HashMap::new();
        for ch in chapters {
            for n in &ch.names {
                by_name
                    .entry(n.clone())
                    .or_insert((ch.file.clone(), ch.prefix.clone()));
            }
        }
        let site_url = site_url
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty());
        Links { by_name, site_url }
    }

    /// The chapter a site path names (`/posts/slug/`, `slug.html`, ...).
    fn chapter_for_path(&self, path: &str, fragment: Option<&str>) -> Option<String> {
        let path = path.trim_end_matches('/');
        let path = path.strip_suffix("/index.html").unwrap_or(path);
        // Tag, category and gallery pages are not posts, whatever their name.
        const NOT_POSTS: [&str; 8] = [
            "tags",
            "categories",
            "galleries",
            "listings",
            "images",
            "files",
            "assets",
            "archive",
        ];
        if path.split('/').any(|seg| NOT_POSTS.contains(&seg)) {
            return None;
        }
        let last = path.rsplit('/').next().unwrap_or(path);
        let last = last
            .strip_suffix(".html")
            .or_else(|| last.strip_suffix(".rst"))
            .unwrap_or(last);
        let name = percent_decode(last);
        let (file, prefix) = self.by_name.get(&name)?;
        Some(match fragment {
            Some(f) if !f.is_empty() => format!("{file}#{prefix}{}", xhtml::clean_id(f)),
            _ => file.clone(),
        })
    }

    fn rewrite(&self, href: &str, prefix: &str) -> Href {
        let href = href.trim();
        if let Some(frag) = href.strip_prefix('#') {
            if frag.is_empty() {
                // `#` alone: the top of the page, here of the chapter.
                return Href::To(format!("#{}", prefix.trim_end_matches('-')));
            }
            return Href::To(format!("#{prefix}{}", xhtml::clean_id(frag)));
        }
        if href.starts_with("chapter-") && !href.contains('/') {
            return Href::To(href.to_owned());
        }
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (href, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        match scheme(href) {
            Some("link") => self.nikola_link(href, fragment),
            Some("http" | "https") => {
                if let Some(site) = &self.site_url
                    && let Some(rest) = path.strip_prefix(site.as_str())
                    && let Some(to) = self.chapter_for_path(rest, fragment)
                {
                    return Href::To(to);
                }
                Href::To(href.to_owned())
            }
            Some("javascript" | "vbscript" | "data" | "file") => {
                Href::Drop(format!("link to {href} dropped"))
            }
            Some(_) => Href::To(href.to_owned()),
            None => {
                if let Some(to) = self.chapter_for_path(path, fragment) {
                    return Href::To(to);
                }
                match &self.site_url {
                    Some(site) => Href::To(url_safe(&format!("{site}/{}", site_relative(href)))),
                    None => Href::Drop(format!(
                        "link to {href} has no target in the book (--site-url)"
                    )),
                }
            }
        }
    }

    /// Nikola's `link://kind/name`: a chapter for posts of the book, else
    /// the page on the site where Nikola puts it by default.
    fn nikola_link(&self, href: &str, fragment: Option<&str>) -> Href {
        let rest = href.strip_prefix("link://").unwrap_or(href);
        let rest = rest.split('#').next().unwrap_or(rest);
        let (kind, name) = rest.split_once('/').unwrap_or((rest, ""));
        let name = name.trim_matches('/');
        if matches!(kind, "slug" | "post_path" | "filename")
            && let Some(to) = self.chapter_for_path(name, fragment)
        {
            return Href::To(to);
        }
        let Some(site) = &self.site_url else {
            return Href::Drop(format!("{href} is not a post of the book (--site-url)"));
        };
        let path = match kind {
            "slug" => format!("posts/{name}/"),
            "tag" => format!("categories/{name}/"),
            "category" => format!("categories/cat_{name}/"),
            "gallery" => format!("galleries/{name}/"),
            "listing" | "listing_source" => format!("listings/{name}.html"),
            "post_path" | "filename" => {
                let stem = name.rsplit('/').next().unwrap_or(name);
                let stem = stem.split('.').next().unwrap_or(stem);
                format!("posts/{stem}/")
            }
            _ => name.to_owned(),
        };
        Href::To(url_safe(&format!("{site}/{path}")))
    }
}

/// A URL's scheme, lower-cased by the caller's matching; `None` for paths.
fn scheme(href: &str) -> Option<&str> {
    let (s, _) = href.split_once(':')?;
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok).then_some(s)
}

/// Percent-encodes what may not appear in a URL (non-ASCII stays: IRIs).
fn url_safe(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_control() || " \"<>\\^`{|}".contains(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A relative or root-relative path, made relative to the site root.
fn site_relative(href: &str) -> &str {
    let mut h = href.trim_start_matches('/');
    while let Some(rest) = h.strip_prefix("../").or_else(|| h.strip_prefix("./")) {
        h = rest;
    }
    h
}

/// The per-chapter rewriting the XHTML pass asks for.
struct ChapterHooks<'a> {
    ch: &'a ChapterRef,
    links: &'a mut Links,
    assets: &'a mut Assets,
    source_dir: Option<PathBuf>,
    diags: &'a mut Vec<Diagnostic>,
}

impl xhtml::Hooks for ChapterHooks<'_> {
    fn id(&mut self, id: &str) -> String {
        format!("{}{}", self.ch.prefix, xhtml::clean_id(id))
    }

    fn href(&mut self, href: &str) -> Option<String> {
        match self.links.rewrite(href, &self.ch.prefix) {
            Href::To(h) => Some(h),
            Href::Drop(why) => {
                self.diags.push(Diagnostic::new(
                    Level::Warning,
                    format!("epub: {why}"),
                    None,
                ));
                None
            }
        }
    }

    fn image(&mut self, src: &str) -> xhtml::Image {
        let src = src.trim();
        let remote = matches!(scheme(src), Some("http" | "https"));
        let r = if remote {
            self.assets.remote(src)
        } else if scheme(src).is_some() {
            Err("not a file".to_owned())
        } else {
            self.assets.local(src, self.source_dir.as_deref())
        };
        match r {
            Ok(path) => xhtml::Image::Embedded(path),
            Err(why) => {
                let msg = format!("epub: image {src} not embedded: {why}");
                self.diags.push(Diagnostic::new(Level::Warning, msg, None));
                if remote {
                    xhtml::Image::Link(src.to_owned())
                } else {
                    xhtml::Image::AltText
                }
            }
        }
    }
}

/// Rewrites epub-builder's archive deterministically: entries sorted,
/// `mimetype` first and stored, one fixed timestamp (its zip writer stamps
/// the clock, and its `Zip` trait cannot be implemented outside it).
fn repack(epub: &[u8], uid: Option<&str>) -> Result<Vec<u8>, EpubError> {
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};
    let zerr = |e: zip::result::ZipError| EpubError::Builder(e.to_string());
    let ioerr = |e: std::io::Error| EpubError::Builder(e.to_string());
    let mut archive = ZipArchive::new(std::io::Cursor::new(epub)).map_err(zerr)?;
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(zerr)?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).map_err(ioerr)?;
        files.insert(f.name().to_owned(), bytes);
    }
    files.remove("mimetype");
    // epub-builder's NCX lacks the book id older readers match on.
    if let (Some(ncx), Some(uid)) = (files.get("OEBPS/toc.ncx"), uid) {
        let text = String::from_utf8_lossy(ncx);
        let meta = format!("<head>\n    <meta name=\"dtb:uid\" content=\"{uid}\" />");
        let patched = text.replacen("<head>", &meta, 1).into_bytes();
        files.insert("OEBPS/toc.ncx".to_owned(), patched);
    }
    let base = SimpleFileOptions::default()
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut w = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(
        "mimetype",
        base.compression_method(CompressionMethod::Stored),
    )
    .map_err(zerr)?;
    w.write_all(b"application/epub+zip").map_err(ioerr)?;
    let deflate = base.compression_method(CompressionMethod::Deflated);
    for (name, bytes) in &files {
        w.start_file(name.as_str(), deflate).map_err(zerr)?;
        w.write_all(bytes).map_err(ioerr)?;
    }
    Ok(w.finish().map_err(zerr)?.into_inner())
}

/// Image downloads for `fetch_images`, over http and https, with bounded
/// time and size (a hung or huge server must not stall a book).
mod fetch {
    use std::sync::OnceLock;
    use std::time::Duration;

    const LIMIT: u64 = 32 << 20;

    fn agent() -> &'static ureq::Agent {
        static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
        AGENT.get_or_init(|| {
            ureq::Agent::config_builder()
                .timeout_connect(Some(Duration::from_secs(10)))
                .timeout_global(Some(Duration::from_secs(30)))
                .max_redirects(5)
                .user_agent("postconv")
                .build()
                .new_agent()
        })
    }

    pub fn get(url: &str) -> Result<Vec<u8>, String> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err("only http:// and https:// images can be downloaded".into());
        }
        let resp = agent().get(url).call().map_err(|e| e.to_string())?;
        resp.into_body()
            .into_with_config()
            .limit(LIMIT)
            .read_to_vec()
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests;
