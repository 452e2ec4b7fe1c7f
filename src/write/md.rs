//! Markdown writer: doctree -> `pulldown_cmark::Event`s -> CommonMark + GFM
//! text (via `pulldown-cmark-to-cmark`, which does all escaping and checks
//! each block re-parses to the same events).
//!
//! Constructs Markdown cannot express get the fallback pandoc's GFM writer
//! uses (mostly raw HTML) plus a `Diagnostic`: lossy is loud.
//! - definition lists, field lists, option lists: a bullet list whose items
//!   start with the bold term and a hard line break (pandoc turns definition
//!   lists into bullet lists for GFM the same way, without the bold).
//! - images with width/height/scale/align: a raw HTML `<img>` (pandoc does
//!   this when `raw_html` is on), or a plain image when `Options::image_html`
//!   is false.
//! - tables with spans or block content in cells: a raw HTML table.

use crate::doctree::{Diagnostic, Element, Kind, Level, Node};
use crate::source::Metadata;
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, InlineStr, LinkType,
    Tag, TagEnd,
};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

mod direct;
#[cfg(test)]
mod random_tree;

/// Writer options. New fields keep a default in `Options::default()`.
#[derive(Clone, Debug)]
pub struct Options {
    /// YAML front matter (title, slug, date, tags, ...) between `---` lines.
    pub front_matter: bool,
    /// Images with size or alignment as raw HTML `<img>` (else plain `![]()`).
    pub image_html: bool,
    /// GFM alerts (`> [!NOTE]`) for note/tip/important/warning/caution.
    pub alerts: bool,
    /// Heading level of top sections; `None`: 2 when the post has a title
    /// (it is the page's h1), else 1.
    pub first_section_level: Option<u8>,
    /// How video embeds (`raw` with `.embed`) are written.
    pub embeds: EmbedStyle,
    /// The engine the Markdown is for (see [`Flavor`]).
    pub flavor: Flavor,
}

/// The site engine the Markdown goes to.
/// - `Hugo`: youtube/vimeo embeds become Hugo's shortcodes, and text that
///   Hugo would read as a shortcode (`{{<`, `{{%`) is written in Hugo's
///   escaped form `{{</* ... */>}}`.
/// - `Jekyll`: `{{`/`{%` (Liquid, which Jekyll runs before Markdown, code
///   blocks included) are wrapped in `{% raw %}`; GFM alerts, which
///   kramdown does not know, are written as quotes with a bold title.
/// - `Plain`: neither.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flavor {
    #[default]
    Plain,
    Hugo,
    Jekyll,
}

/// Output for Nikola's youtube/vimeo embeds. Kept an enum so a Hugo
/// shortcode style can be added later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbedStyle {
    Html,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            front_matter: true,
            image_html: true,
            alerts: true,
            first_section_level: None,
            embeds: EmbedStyle::Html,
            flavor: Flavor::Plain,
        }
    }
}

/// The parser extensions the output is written for (and re-parsed with).
pub fn parser_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options as P;
    P::ENABLE_TABLES
        | P::ENABLE_FOOTNOTES
        | P::ENABLE_STRIKETHROUGH
        | P::ENABLE_MATH
        | P::ENABLE_GFM
}

/// Renders the `document` element as Markdown; ends with one newline.
pub fn write(
    doc: &Element,
    meta: &Metadata,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let doc_title = doc.child(Kind::Title);
    let title_text = doc_title.map(|t| squash(&t.astext()));
    // The `title` directive names the page without a heading.
    let page_title = doc.get("title").map(squash).filter(|t| !t.is_empty());
    let mut out = String::new();
    // The doctitle is dropped only where the front matter carries it.
    let mut title_in_fm = false;
    if opts.front_matter {
        let fm_title = meta
            .title
            .clone()
            .or_else(|| title_text.clone())
            .or_else(|| page_title.clone());
        title_in_fm = fm_title.is_some() && (meta.title.is_none() || meta.title == title_text);
        out.push_str(&front_matter(meta, fm_title.as_deref(), diags));
    }
    // A front matter title is the page's h1 too.
    let has_title =
        meta.title.is_some() || doc_title.is_some() || opts.front_matter && page_title.is_some();
    let base = opts
        .first_section_level
        .unwrap_or(if has_title { 2 } else { 1 })
        .clamp(1, 6);
    let mut w = Writer::new(opts, diags, base);
    w.collect_labels(doc);
    for child in &doc.children {
        match child {
            Node::Element(e) if e.kind == Kind::Title && Some(&**e) == doc_title => {
                if !title_in_fm {
                    w.heading(e, 1);
                }
            }
            Node::Element(e) if e.kind == Kind::Subtitle && !title_in_fm => w.heading(e, 2),
            Node::Element(e) if e.kind == Kind::Subtitle => w.bold_para(e),
            _ => w.block_node(child),
        }
    }
    let mut events = std::mem::take(&mut w.ev);
    let mut lines = std::mem::take(&mut w.block_lines);
    lines.extend(w.note_lines.iter().map(|&(i, l)| (i + events.len(), l)));
    lines.sort_by_key(|&(i, _)| i);
    events.append(&mut w.notes);
    let (body, line_flags) = render(&events, &lines, w.diags);
    let unchanged =
        w.note_refs.is_empty() && opts.flavor == Flavor::Plain && w.shortcodes.is_empty();
    let body = if w.note_refs.is_empty() {
        body
    } else {
        put_note_refs(&body, &w.note_refs)
    };
    let body = match opts.flavor {
        Flavor::Plain => body,
        Flavor::Hugo => escape_hugo_shortcodes(&body),
        Flavor::Jekyll => escape_liquid(&body),
    };
    let body = if w.shortcodes.is_empty() {
        body
    } else {
        put_shortcodes(&body, &w.shortcodes)
    };
    let body = match line_flags {
        // Untouched since serialising: the flags say which lines to change.
        Some(flags) if unchanged => tidy_known(body, &flags, true),
        // The transforms above keep lines: what the serialiser knew holds.
        Some(flags) if flags.len() == body.bytes().filter(|&b| b == b'\n').count() + 1 => {
            tidy_known(body, &flags, false)
        }
        _ => tidy(body),
    };
    out.push_str(body.trim_start_matches('\n'));
    finish(out)
}

/// Stand-in for a Hugo shortcode while serialising (an HTML comment block),
/// put back after the flavour's escaping so the shortcode stays live.
const SHORTCODE: &str = "<!--postconv-shortcode-";

fn put_shortcodes(md: &str, codes: &[String]) -> String {
    if codes.is_empty() {
        return md.to_owned();
    }
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find(SHORTCODE) {
        out.push_str(&rest[..i]);
        let tail = &rest[i + SHORTCODE.len()..];
        let Some((num, after)) = tail.split_once("-->") else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        match num.parse::<usize>().ok().and_then(|n| codes.get(n)) {
            Some(code) => out.push_str(code),
            None => out.push_str(&rest[i..rest.len() - after.len()]),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Wraps each Liquid tag or output (`{{ ... }}`, `{% ... %}`, or a lone
/// opener) in `{% raw %}...{% endraw %}` so Jekyll shows it as text.
pub fn escape_liquid(body: &str) -> String {
    if !body.contains("{{") && !body.contains("{%") {
        return body.to_owned();
    }
    let mut out = String::with_capacity(body.len() + 64);
    let mut find = Finders::new(
        body,
        &[
            "{{", "{%", "}}", "%}", "
",
        ],
    );
    let mut pos = 0;
    while let Some(i) = find.first(&[0, 1], pos) {
        out.push_str(&body[pos..i]);
        let close = if body[i..].starts_with("{{") { 2 } else { 3 };
        let line_end = find.next(4, i).unwrap_or(body.len());
        // The whole `{{ ... }}` on its line, unless it holds `endraw`.
        let end = find
            .next(close, i + 2)
            .filter(|&j| j < line_end)
            .map(|j| j + 2)
            .filter(|&end| !body[i..end].contains("endraw"))
            .unwrap_or(i + 2);
        out.push_str("{% raw %}");
        out.push_str(&body[i..end]);
        out.push_str("{% endraw %}");
        pos = end;
    }
    out.push_str(&body[pos..]);
    out
}

/// Writes text Hugo would read as a shortcode (`{{< x >}}`, `{{% x %}}`)
/// in Hugo's escaped form `{{</* x */>}}`, which renders as the text; an
/// opener without its closer on the line is broken with an entity.
pub fn escape_hugo_shortcodes(body: &str) -> String {
    if !body.contains("{{<") && !body.contains("{{%") {
        return body.to_owned();
    }
    let mut out = String::with_capacity(body.len() + 16);
    let mut find = Finders::new(
        body,
        &[
            "{{<", "{{%", ">}}", "%}}", "
",
        ],
    );
    let mut pos = 0;
    while let Some(i) = find.first(&[0, 1], pos) {
        out.push_str(&body[pos..i]);
        let (open, close, which) = if body[i..].starts_with("{{<") {
            ("{{<", ">}}", 2)
        } else {
            ("{{%", "%}}", 3)
        };
        let line_end = find.next(4, i).unwrap_or(body.len());
        match find.next(which, i + 3).filter(|&j| j < line_end) {
            Some(j) => {
                let _ = write!(out, "{open}/*{}*/{close}", &body[i + 3..j]);
                pos = j + 3;
            }
            None => {
                out.push_str("{&#123;");
                pos = i + 2;
            }
        }
    }
    out.push_str(&body[pos..]);
    out
}

/// Next-occurrence finders over one text, each remembering its last hit,
/// so scans with a growing start position stay linear in total.
struct Finders<'a> {
    text: &'a str,
    pats: Vec<&'a str>,
    /// Per pattern: (searched from, first hit at or after it).
    memo: Vec<Option<(usize, Option<usize>)>>,
}

impl<'a> Finders<'a> {
    fn new(text: &'a str, pats: &[&'a str]) -> Finders<'a> {
        Finders {
            text,
            pats: pats.to_vec(),
            memo: vec![None; pats.len()],
        }
    }

    /// First occurrence of pattern `k` at or after `from`.
    fn next(&mut self, k: usize, from: usize) -> Option<usize> {
        if let Some(Some((searched, hit))) = self.memo.get(k).copied()
            && searched <= from
            && hit.is_none_or(|h| h >= from)
        {
            return hit;
        }
        let hit = self
            .text
            .get(from..)
            .and_then(|t| t.find(self.pats.get(k).copied().unwrap_or("\0")))
            .map(|j| from + j);
        if let Some(m) = self.memo.get_mut(k) {
            *m = Some((from, hit));
        }
        hit
    }

    /// The earliest occurrence of any of the patterns `ks` at or after `from`.
    fn first(&mut self, ks: &[usize], from: usize) -> Option<usize> {
        ks.iter().filter_map(|&k| self.next(k, from)).min()
    }
}

/// Trims trailing blank lines to exactly one newline.
fn finish(mut out: String) -> String {
    let len = out.trim_end().len();
    out.truncate(len);
    out.push('\n');
    out
}

fn cmark_options() -> pulldown_cmark_to_cmark::Options<'static> {
    pulldown_cmark_to_cmark::Options {
        list_token: '-',
        code_block_token_count: 3,
        increment_ordered_list_bullets: true,
        newlines_after_htmlblock: 2,
        newlines_after_rest: 2,
        ..Default::default()
    }
}

#[cfg(test)]
thread_local! {
    /// Tests compare the direct serialiser with the crate's own output.
    static CRATE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn crate_only() -> bool {
    CRATE_ONLY.with(std::cell::Cell::get)
}

#[cfg(not(test))]
fn crate_only() -> bool {
    false
}

/// Serialises events; a block the serialiser rejects becomes raw HTML.
/// `lines`: (event index, source line) of blocks, sorted by index.
/// Also per output line what `tidy` needs, when known without a parse.
fn render(
    events: &[Event<'_>],
    lines: &[(usize, u32)],
    diags: &mut Vec<Diagnostic>,
) -> (String, Option<Vec<u8>>) {
    if !crate_only()
        && let Some(out) = direct::render(events)
    {
        return out;
    }
    (render_crate(events, lines, diags), None)
}

/// `render` by the crate alone.
fn render_crate(
    events: &[Event<'_>],
    lines: &[(usize, u32)],
    diags: &mut Vec<Diagnostic>,
) -> String {
    let mut out = String::new();
    if cmark(events, &mut out).is_ok() {
        return out;
    }
    // Rare: retry block by block so one bad block costs only itself.
    out.clear();
    for range in top_blocks(events) {
        let line = lines
            .get(lines.partition_point(|&(i, _)| i < range.start))
            .filter(|&&(i, _)| i < range.end)
            .map(|&(_, l)| l);
        let block = events.get(range).unwrap_or_default();
        let mut part = String::new();
        match cmark(block, &mut part) {
            Ok(_) => out.push_str(part.trim_matches('\n')),
            Err(e) => {
                diags.push(Diagnostic::new(
                    Level::Warning,
                    format!("Markdown cannot spell a block ({e}); written as HTML"),
                    line,
                ));
                let mut html = String::new();
                pulldown_cmark::html::push_html(&mut html, block.iter().cloned());
                out.push_str(no_blank_lines(&html).trim_matches('\n'));
            }
        }
        out.push_str("\n\n");
    }
    out
}

/// Appends the crate's serialisation of `events` to `out`.
///
/// The crate leaves a backslash before a newline bare and writes the
/// newline as `&#10;`, so `\&#10;` reads back as the text "&#10;". Such a
/// backslash gets a stand-in after it, written back as a second backslash
/// (the direct serialiser escapes it the same way).
fn cmark(events: &[Event<'_>], out: &mut String) -> Result<(), pulldown_cmark_to_cmark::Error> {
    let marked = mark_bare_backslashes(events);
    let start = out.len();
    pulldown_cmark_to_cmark::cmark_with_options(
        marked.as_deref().unwrap_or(events).iter(),
        &mut *out,
        parser_options(),
        cmark_options(),
    )?;
    if marked.is_some() {
        let written = out.split_off(start);
        out.push_str(&written.replace(BARE_BACKSLASH, "\\"));
    }
    Ok(())
}

/// Private-use stand-in put after a backslash that precedes a newline.
const BARE_BACKSLASH: char = '\u{F8FF}';

/// `events` with `BARE_BACKSLASH` after each text backslash followed by
/// `\n` or `\r` (adjacent texts are one text to the crate; code, HTML and
/// autolink text is written as is); `None` when there is none, or the
/// stand-in occurs in the events already.
fn mark_bare_backslashes<'a>(events: &[Event<'a>]) -> Option<Vec<Event<'a>>> {
    let newline_at =
        |i: usize| matches!(events.get(i), Some(Event::Text(t)) if t.starts_with(['\n', '\r']));
    let bare = |t: &str, i: usize| {
        let b = t.as_bytes();
        b.windows(2)
            .any(|w| w[0] == b'\\' && matches!(w[1], b'\n' | b'\r'))
            || t.ends_with('\\') && newline_at(i + 1)
    };
    let mut marked = Vec::new();
    let mut raw = 0usize;
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start(
                Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::Link {
                    link_type: LinkType::Autolink | LinkType::Email,
                    ..
                },
            ) => raw += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => raw = raw.saturating_sub(1),
            Event::End(TagEnd::Link) if raw > 0 => raw -= 1,
            Event::Text(t) if raw == 0 && bare(t, i) => marked.push(i),
            _ => {}
        }
    }
    if marked.is_empty() {
        return None;
    }
    let clash = events.iter().any(|e| match e {
        Event::Text(t)
        | Event::Code(t)
        | Event::Html(t)
        | Event::InlineHtml(t)
        | Event::InlineMath(t)
        | Event::DisplayMath(t)
        | Event::FootnoteReference(t) => t.contains(BARE_BACKSLASH),
        Event::Start(
            Tag::Link {
                dest_url, title, ..
            }
            | Tag::Image {
                dest_url, title, ..
            },
        ) => dest_url.contains(BARE_BACKSLASH) || title.contains(BARE_BACKSLASH),
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(t)) | Tag::FootnoteDefinition(t)) => {
            t.contains(BARE_BACKSLASH)
        }
        _ => false,
    });
    if clash {
        return None;
    }
    let mut out = events.to_vec();
    for i in marked {
        let Some(Event::Text(t)) = out.get_mut(i) else {
            continue;
        };
        let mut s = String::with_capacity(t.len() + 3);
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            s.push(c);
            let newline_next = match chars.peek() {
                Some(n) => matches!(n, '\n' | '\r'),
                None => newline_at(i + 1),
            };
            if c == '\\' && newline_next {
                s.push(BARE_BACKSLASH);
            }
        }
        *t = CowStr::from(s);
    }
    Some(out)
}

/// Stand-in for a footnote reference while serialising: the serialiser
/// checks each block by re-parsing it alone, where a `[^label]` whose
/// definition is elsewhere reads as text and fails the check.
const NOTE_REF: &str = "<postconv-fnref-";

/// Replaces the stand-ins with `[^label]`.
fn put_note_refs(md: &str, labels: &[String]) -> String {
    if labels.is_empty() {
        return md.to_owned();
    }
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = find_note_ref(rest) {
        out.push_str(&rest[..i]);
        let after = &rest[i + NOTE_REF.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let label = after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|n| labels.get(n));
        match (label, after[digits..].strip_prefix("/>")) {
            (Some(label), Some(tail)) => {
                out.push_str("[^");
                out.push_str(label);
                out.push(']');
                rest = tail;
            }
            _ => {
                out.push_str(NOTE_REF);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `s.find(NOTE_REF)` by a byte search for its `<` (no substring search
/// set-up per call).
fn find_note_ref(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|t| t.find('<')) {
        let at = from + i;
        if s.get(at..).is_some_and(|t| t.starts_with(NOTE_REF)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// House style on the serialiser's output, meaning unchanged: hard breaks
/// as `\` (trailing spaces get lost in editors), no trailing whitespace,
/// `> ` quote markers at column 0. Code and HTML blocks are left alone.
fn tidy(md: String) -> String {
    // Most posts need none of it: skip the re-parse (a fifth of the writer).
    if !needs_tidy(&md) {
        return md;
    }
    let md = md.as_str();
    let mut keep: Vec<std::ops::Range<usize>> = Vec::new();
    let mut breaks: Vec<usize> = Vec::new();
    for (ev, range) in pulldown_cmark::Parser::new_ext(md, parser_options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => keep.push(range),
            Event::HardBreak if md.get(range.clone()).is_some_and(|s| s.starts_with(' ')) => {
                breaks.push(range.start)
            }
            _ => {}
        }
    }
    let (mut ki, mut bi, mut pos) = (0, 0, 0);
    let mut out = String::with_capacity(md.len() + breaks.len());
    for line in md.split_inclusive('\n') {
        let (start, end) = (pos, pos + line.len());
        pos = end;
        while keep.get(ki).is_some_and(|r| r.end <= start) {
            ki += 1;
        }
        if keep.get(ki).is_some_and(|r| r.start < start) {
            out.push_str(line);
            continue;
        }
        while breaks.get(bi).is_some_and(|&b| b < start) {
            bi += 1;
        }
        tidy_line(&mut out, line, breaks.get(bi).is_some_and(|&b| b < end));
    }
    out
}

/// `tidy` with the code lines and hard breaks known from serialising
/// (`direct::LINE_KEEP`, `direct::LINE_BREAK`, one flag per line); with
/// `flagged`, also the lines it changes (`direct::LINE_TIDY`).
fn tidy_known(md: String, flags: &[u8], flagged: bool) -> String {
    let changes = |line: &str, flag: u8| {
        flag & direct::LINE_KEEP == 0
            && if flagged {
                flag & direct::LINE_TIDY != 0
            } else {
                line_needs_tidy(line)
            }
    };
    if flagged && !flags.iter().any(|&f| changes("", f)) {
        return md;
    }
    // Lines are copied as they are up to the first one `tidy` changes.
    let mut out: Option<String> = None;
    let mut pos = 0;
    for (line, &flag) in md.split_inclusive('\n').zip(flags) {
        let start = pos;
        pos += line.len();
        let out = match out.as_mut() {
            Some(out) => out,
            None if !changes(line, flag) => continue,
            None => {
                let mut s = String::with_capacity(md.len());
                s.push_str(md.get(..start).unwrap_or(""));
                out.insert(s)
            }
        };
        if flag & direct::LINE_KEEP != 0 {
            out.push_str(line);
        } else {
            tidy_line(out, line, flag & direct::LINE_BREAK != 0);
        }
    }
    out.unwrap_or(md)
}

/// One line outside code and HTML blocks, as `tidy` writes it.
fn tidy_line(out: &mut String, line: &str, hard_break: bool) {
    let mut text = line.trim_end_matches(['\n', ' ', '\t']);
    if text.starts_with(" >") {
        text = &text[1..];
    }
    // A quote's opening line left empty by the serialiser.
    if text == ">" && (out.trim_end_matches('\n').is_empty() || out.ends_with("\n\n")) {
        return;
    }
    out.push_str(text);
    if hard_break {
        out.push('\\');
    }
    if line.ends_with('\n') {
        out.push('\n');
    }
}

/// Whether `tidy` could change any line: one with trailing whitespace
/// (hard breaks included), a ` >` start, or a lone `>`. Otherwise every
/// line is copied as is, inside code and HTML blocks or not.
fn needs_tidy(md: &str) -> bool {
    md.split_inclusive('\n').any(line_needs_tidy)
}

fn line_needs_tidy(line: &str) -> bool {
    let text = line.strip_suffix('\n').unwrap_or(line);
    text.ends_with([' ', '\t', '\n']) || text.starts_with(" >") || text == ">"
}

/// Splits an event stream into its top-level blocks (index ranges).
fn top_blocks(events: &[Event<'_>]) -> Vec<std::ops::Range<usize>> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, ev) in events.iter().enumerate() {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            blocks.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < events.len() {
        blocks.push(start..events.len());
    }
    blocks
}

/// YAML front matter in the fixed key order, or nothing when empty.
fn front_matter(meta: &Metadata, title: Option<&str>, diags: &mut Vec<Diagnostic>) -> String {
    use serde_norway::{Mapping, Value};
    let mut map = Mapping::new();
    let mut put = |k: &str, v: Value| {
        map.insert(Value::String(k.to_owned()), v);
    };
    let s = |v: &str| Value::String(v.to_owned());
    if let Some(t) = title {
        put("title", s(t));
    }
    if let Some(v) = &meta.slug {
        put("slug", s(v));
    }
    if let Some(d) = meta.date_rfc3339() {
        put("date", Value::String(d));
    }
    if !meta.tags.is_empty() {
        put(
            "tags",
            Value::Sequence(meta.tags.iter().map(|t| s(t)).collect()),
        );
    }
    // A YAML/TOML author list has no `author` string; join it.
    let joined = (!meta.authors.is_empty()).then(|| meta.authors.join(", "));
    for (k, v) in [
        ("category", meta.category.as_ref()),
        ("author", meta.author.as_ref().or(joined.as_ref())),
        ("description", meta.description.as_ref()),
    ] {
        if let Some(v) = v {
            put(k, s(v));
        }
    }
    // The rest sorted by key, `updated` and `link` among them.
    let mut rest: Vec<(&str, String)> = meta
        .other
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    if let Some(u) = meta.updated_rfc3339() {
        rest.push(("updated", u));
    }
    if let Some(l) = &meta.link {
        rest.push(("link", l.clone()));
    }
    rest.sort_by(|a, b| a.0.cmp(b.0));
    for (k, v) in rest {
        put(k, Value::String(v));
    }
    if map.is_empty() {
        return String::new();
    }
    match serde_norway::to_string(&Value::Mapping(map)) {
        Ok(yaml) => format!("---\n{yaml}---\n\n"),
        Err(e) => {
            diags.push(Diagnostic::new(
                Level::Warning,
                format!("front matter not written: {e}"),
                None,
            ));
            String::new()
        }
    }
}

/// Collapses runs of whitespace (titles are one line in Markdown).
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An HTML attribute value. Newlines as `&#10;`: a tag must stay on one
/// line to start an HTML block.
fn esc_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("&#10;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A blank line would end an HTML block early; `&#10;` keeps `<pre>` text.
fn no_blank_lines(html: &str) -> String {
    let html = html.trim_end_matches('\n');
    let mut out = String::with_capacity(html.len() + 1);
    // Copy runs up to each doubled newline; its first half becomes `&#10;`.
    let mut rest = html;
    while let Some(i) = rest.find("\n\n") {
        out.push_str(&rest[..i]);
        out.push_str("&#10;");
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('\n');
    out
}

/// A GFM footnote label: letters, digits, `-` and `_` only.
fn clean_label(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        .collect()
}

fn is_inline_kind(k: Kind) -> bool {
    matches!(
        k,
        Kind::Emphasis
            | Kind::Strong
            | Kind::Literal
            | Kind::Reference
            | Kind::FootnoteReference
            | Kind::CitationReference
            | Kind::SubstitutionReference
            | Kind::TitleReference
            | Kind::Abbreviation
            | Kind::Acronym
            | Kind::Subscript
            | Kind::Superscript
            | Kind::Inline
            | Kind::Problematic
            | Kind::Generated
            | Kind::Math
            | Kind::Image
    )
}

fn alert_kind(k: Kind) -> Option<BlockQuoteKind> {
    match k {
        Kind::Note => Some(BlockQuoteKind::Note),
        Kind::Tip => Some(BlockQuoteKind::Tip),
        Kind::Important => Some(BlockQuoteKind::Important),
        Kind::Warning => Some(BlockQuoteKind::Warning),
        Kind::Caution => Some(BlockQuoteKind::Caution),
        _ => None,
    }
}

fn heading_level(n: usize) -> HeadingLevel {
    match n {
        0 | 1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Nikola's teaser marker; the teaser transform classes it (and leaves it
/// unclassed when teasers are off).
fn is_teaser(e: &Element) -> bool {
    has_class(e, "teaser-end")
}

fn has_class(e: &Element, class: &str) -> bool {
    e.attrs.classes.iter().any(|c| c == class)
}

/// `c[range]`, borrowing what `c` borrows.
fn cow_slice<'a>(c: &CowStr<'a>, range: std::ops::Range<usize>) -> CowStr<'a> {
    match c {
        CowStr::Borrowed(s) => CowStr::Borrowed(s.get(range).unwrap_or("")),
        _ => c.get(range).map_or(CowStr::Borrowed(""), owned_cow),
    }
}

/// A text event; a short text is stored inline (no allocation).
fn ev_text(s: impl Into<String> + AsRef<str>) -> Event<'static> {
    match InlineStr::try_from(s.as_ref()) {
        Ok(inline) => Event::Text(CowStr::Inlined(inline)),
        Err(_) => Event::Text(CowStr::from(s.into())),
    }
}

/// A copy of `s`, inline when short.
fn owned_cow(s: &str) -> CowStr<'static> {
    match InlineStr::try_from(s) {
        Ok(inline) => CowStr::Inlined(inline),
        Err(_) => CowStr::from(s.to_owned()),
    }
}

struct Writer<'a> {
    opts: &'a Options,
    diags: &'a mut Vec<Diagnostic>,
    ev: Vec<Event<'a>>,
    /// Footnote and citation definitions, written at the end.
    notes: Vec<Event<'a>>,
    /// Footnote/citation id -> GFM label.
    labels: HashMap<String, String>,
    /// Labels of the footnote references written, by stand-in number.
    note_refs: Vec<String>,
    /// Hugo shortcodes written, by stand-in number.
    shortcodes: Vec<String>,
    /// (index in `ev`, source line) where blocks start, for diagnostics
    /// about serialised blocks; the same for `notes` in `note_lines`.
    block_lines: Vec<(usize, u32)>,
    note_lines: Vec<(usize, u32)>,
    /// Ids that internal links point to, and those given an anchor.
    wanted: HashSet<String>,
    anchored: HashSet<String>,
    /// GitHub-style heading slugs used so far, for de-duplication.
    slugs: HashMap<String, usize>,
    base: usize,
    depth: usize,
    /// Inside a heading or table cell: line breaks become spaces.
    one_line: bool,
    in_link: bool,
    in_strong: bool,
}

impl<'a> Writer<'a> {
    fn new(opts: &'a Options, diags: &'a mut Vec<Diagnostic>, base: u8) -> Writer<'a> {
        Writer {
            opts,
            diags,
            ev: Vec::new(),
            notes: Vec::new(),
            labels: HashMap::new(),
            note_refs: Vec::new(),
            shortcodes: Vec::new(),
            block_lines: Vec::new(),
            note_lines: Vec::new(),
            wanted: HashSet::new(),
            anchored: HashSet::new(),
            slugs: HashMap::new(),
            base: base as usize,
            depth: 0,
            one_line: false,
            in_link: false,
            in_strong: false,
        }
    }

    fn diag(&mut self, level: Level, msg: impl Into<String>, e: &'a Element) {
        self.diags.push(Diagnostic::new(level, msg, e.line));
    }

    fn start(&mut self, tag: Tag<'a>) {
        self.ev.push(Event::Start(tag));
    }

    fn end(&mut self, tag: TagEnd) {
        if matches!(
            tag,
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Paragraph
        ) && matches!(self.ev.last(), Some(Event::Start(t)) if t.to_end() == tag)
        {
            // `****` has no meaning, an empty paragraph no spelling: drop them.
            self.ev.pop();
            return;
        }
        if matches!(
            tag,
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough
        ) && self.close_after_break(tag)
        {
            return;
        }
        if matches!(
            tag,
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough
        ) && let Some(Event::Text(prev)) = self.ev.last_mut()
        {
            // `*a *` is no emphasis: the space goes after the closer.
            let kept = prev.trim_end().len();
            if kept < prev.len() {
                let space = cow_slice(prev, kept..prev.len());
                *prev = cow_slice(prev, 0..kept);
                if kept == 0 {
                    self.ev.pop();
                }
                self.ev.push(Event::End(tag));
                self.ev.push(Event::Text(space));
                return;
            }
        }
        if matches!(
            tag,
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item
        ) {
            // Markdown drops whitespace at a block's end; so must the events.
            while matches!(self.ev.last(), Some(Event::SoftBreak | Event::HardBreak)) {
                self.ev.pop();
            }
            self.trim_last_text();
        }
        self.ev.push(Event::End(tag));
    }

    /// Closes emphasis before a trailing line break, which moves after it.
    fn close_after_break(&mut self, tag: TagEnd) -> bool {
        if !matches!(self.ev.last(), Some(Event::SoftBreak)) {
            return false;
        }
        let brk = self.ev.pop();
        self.trim_last_text();
        self.end(tag);
        self.ev.extend(brk);
        true
    }

    fn trim_last_text(&mut self) {
        if let Some(Event::Text(prev)) = self.ev.last_mut() {
            let kept = prev.trim_end_matches([' ', '\t']).len();
            if kept == 0 {
                self.ev.pop();
            } else if kept < prev.len() {
                *prev = cow_slice(prev, 0..kept);
            }
        }
    }

    /// At a block's or line's start, where Markdown drops leading spaces.
    fn at_line_start(&self) -> bool {
        matches!(
            self.ev.last(),
            None | Some(
                Event::SoftBreak
                    | Event::HardBreak
                    | Event::Start(
                        Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item
                    )
            )
        )
    }

    /// Labels for every footnote and citation, unique ignoring case.
    fn collect_labels(&mut self, doc: &'a Element) {
        let mut seen = HashSet::new();
        let labels = &mut self.labels;
        let wanted = &mut self.wanted;
        doc.walk(&mut |e| {
            if e.kind == Kind::Reference
                && let Some(id) = e.get("refid")
            {
                wanted.insert(id.to_owned());
            }
            if !matches!(e.kind, Kind::Footnote | Kind::Citation) {
                return;
            }
            let Some(id) = e.attrs.ids.first() else {
                return;
            };
            let label_text = e.child(Kind::Label).map(Element::astext);
            let mut label = e
                .attrs
                .names
                .first()
                .map(|n| clean_label(n))
                .filter(|l| !l.is_empty())
                .or_else(|| label_text.map(|t| clean_label(&t)))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| clean_label(id));
            if label.is_empty() || seen.contains(&label.to_lowercase()) {
                label = format!("{}-{}", clean_label(id), seen.len() + 1);
            }
            seen.insert(label.to_lowercase());
            labels.insert(id.clone(), label);
        });
    }

    // ---- blocks ----

    fn blocks(&mut self, e: &'a Element) {
        for child in &e.children {
            self.block_node(child);
        }
    }

    fn block_node(&mut self, n: &'a Node) {
        match n {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Text(t) => {
                self.start(Tag::Paragraph);
                self.text(t);
                self.end(TagEnd::Paragraph);
            }
            Node::Element(e) => self.block(e),
        }
    }

    /// `<a id>` anchors for the ids of `e` that internal links use, except
    /// the one the heading slug already gives.
    fn anchors(&mut self, e: &'a Element, slug: Option<&str>) -> Option<String> {
        let mut html = String::new();
        for id in &e.attrs.ids {
            if self.wanted.contains(id)
                && Some(id.as_str()) != slug
                && self.anchored.insert(id.clone())
            {
                let _ = write!(html, "<a id=\"{}\"></a>", esc_html(id));
            }
        }
        if html.is_empty() {
            return None;
        }
        self.diag(Level::Info, "link target written as an HTML anchor", e);
        Some(html)
    }

    fn block(&mut self, e: &'a Element) {
        let is_list = matches!(
            e.kind,
            Kind::BulletList
                | Kind::EnumeratedList
                | Kind::DefinitionList
                | Kind::FieldList
                | Kind::OptionList
        );
        if is_list && e.elements().next().is_none() {
            return; // An empty list has no Markdown spelling.
        }
        if let Some(line) = e.line {
            self.block_lines.push((self.ev.len(), line));
        }
        if !matches!(e.kind, Kind::Section | Kind::Paragraph)
            && let Some(html) = self.anchors(e, None)
        {
            self.start(Tag::Paragraph);
            self.inline_html(&html);
            self.end(TagEnd::Paragraph);
        }
        match e.kind {
            Kind::Section => self.section(e),
            Kind::Paragraph => self.para(e),
            Kind::BulletList | Kind::EnumeratedList => self.list(e),
            Kind::DefinitionList => self.definition_list(e),
            Kind::FieldList | Kind::Docinfo => self.field_list(e),
            Kind::OptionList => self.option_list(e),
            Kind::LineBlock => self.line_block(e),
            Kind::LiteralBlock if is_parsed_literal(e) => self.parsed_literal(e),
            Kind::LiteralBlock => self.code_block(e, code_language(e)),
            Kind::DoctestBlock => self.code_block(e, "pycon".into()),
            Kind::MathBlock => {
                self.start(Tag::Paragraph);
                self.ev.push(Event::DisplayMath(CowStr::from(
                    e.astext().trim().to_owned(),
                )));
                self.end(TagEnd::Paragraph);
            }
            Kind::BlockQuote => self.block_quote(e),
            Kind::Admonition => self.admonition(e),
            k if k.is_specific_admonition() => self.admonition(e),
            Kind::Comment => self.comment(e),
            Kind::Raw => self.raw_block(e),
            Kind::Figure => self.figure(e),
            Kind::Table => self.table(e),
            Kind::Topic | Kind::Sidebar => self.topic(e),
            Kind::Rubric | Kind::Title | Kind::Subtitle | Kind::Caption => self.bold_para(e),
            Kind::Transition => self.ev.push(Event::Rule),
            Kind::Footnote | Kind::Citation => self.note(e),
            Kind::Container | Kind::Compound => {
                if e.kind == Kind::Container && !e.attrs.classes.is_empty() {
                    self.diag(Level::Info, "container classes dropped in Markdown", e);
                }
                self.blocks(e);
            }
            Kind::Target
            | Kind::SubstitutionDefinition
            | Kind::Pending
            | Kind::SystemMessage
            | Kind::Label => {}
            Kind::Meta | Kind::Header | Kind::Footer | Kind::Decoration => {
                let msg = format!("{} dropped: Markdown has no place for it", e.kind.name());
                self.diag(Level::Info, msg, e);
            }
            Kind::Image => self.image_block(e),
            k if is_inline_kind(k) => {
                self.start(Tag::Paragraph);
                self.inline(e);
                self.end(TagEnd::Paragraph);
            }
            _ => self.blocks(e),
        }
    }

    fn section(&mut self, e: &'a Element) {
        self.depth += 1;
        let level = self.base + self.depth - 1;
        for child in &e.children {
            match child {
                Node::Element(t) if t.kind == Kind::Title => {
                    let slug = self.heading_slug(&t.astext());
                    let anchors = self.anchors(e, Some(&slug));
                    if level > 6 {
                        self.diag(
                            Level::Info,
                            "section nested deeper than h6 written as h6",
                            t,
                        );
                    }
                    self.heading_with(t, level, anchors);
                }
                _ => self.block_node(child),
            }
        }
        self.depth -= 1;
    }

    /// The id GitHub (and Hugo's default) gives a heading.
    fn heading_slug(&mut self, title: &str) -> String {
        let base: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let seen = self.slugs.entry(base.clone()).or_insert(0);
        *seen += 1;
        match *seen {
            1 => base,
            n => format!("{base}-{}", n - 1),
        }
    }

    fn heading(&mut self, e: &'a Element, level: usize) {
        self.heading_with(e, level, None);
    }

    fn heading_with(&mut self, e: &'a Element, level: usize, anchors: Option<String>) {
        let tag = Tag::Heading {
            level: heading_level(level),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        };
        let end = TagEnd::from(tag.clone());
        self.start(tag);
        if let Some(html) = anchors {
            self.inline_html(&html);
        }
        let was = std::mem::replace(&mut self.one_line, true);
        self.inlines(e);
        self.one_line = was;
        self.end(end);
    }

    fn para(&mut self, e: &'a Element) {
        if !e.attrs.classes.is_empty() {
            self.diag(Level::Info, "paragraph classes dropped in Markdown", e);
        }
        self.start(Tag::Paragraph);
        if let Some(html) = self.anchors(e, None) {
            self.inline_html(&html);
        }
        self.inlines(e);
        self.end(TagEnd::Paragraph);
    }

    fn bold_para(&mut self, e: &'a Element) {
        self.start(Tag::Paragraph);
        self.strong(|w| w.inlines(e));
        self.end(TagEnd::Paragraph);
    }

    fn strong(&mut self, body: impl FnOnce(&mut Self)) {
        self.start(Tag::Strong);
        let was = std::mem::replace(&mut self.in_strong, true);
        body(self);
        self.in_strong = was;
        self.end(TagEnd::Strong);
    }

    /// docutils' "compact" rule: each item one paragraph, maybe a sublist.
    fn is_tight(list: &'a Element) -> bool {
        list.elements().all(|item| {
            let mut paras = 0;
            shown(item).enumerate().all(|(i, c)| match c.kind {
                Kind::Paragraph => {
                    paras += 1;
                    i == 0 && paras == 1
                }
                Kind::BulletList | Kind::EnumeratedList => {
                    Self::is_tight(c) && (paras == 0 || can_interrupt_paragraph(c))
                }
                _ => false,
            })
        })
    }

    fn list(&mut self, e: &'a Element) {
        let start = if e.kind == Kind::EnumeratedList {
            if e.get("enumtype").is_some_and(|t| t != "arabic") {
                self.diag(
                    Level::Info,
                    "list numbering style (letters/roman) written as arabic numbers",
                    e,
                );
            }
            Some(e.get("start").and_then(|s| s.parse().ok()).unwrap_or(1))
        } else {
            None
        };
        let tight = Self::is_tight(e);
        self.start(Tag::List(start));
        for item in e.elements() {
            self.start(Tag::Item);
            for child in &item.children {
                match child {
                    Node::Element(p) if tight && p.kind == Kind::Paragraph => self.inlines(p),
                    _ => self.block_node(child),
                }
            }
            self.end(TagEnd::Item);
        }
        self.end(TagEnd::List(start.is_some()));
    }

    /// One item of the pandoc-style bullet list used for definition-like
    /// lists: bold term, hard break, the first paragraph, then the rest.
    fn term_item(&mut self, term: impl FnOnce(&mut Self), body: &[&'a Element], tight: bool) {
        self.start(Tag::Item);
        if !tight {
            self.start(Tag::Paragraph);
        }
        self.strong(term);
        let mut rest = body
            .iter()
            .flat_map(|b| b.children.iter())
            .filter(|n| !n.as_element().is_some_and(is_invisible))
            .peekable();
        if let Some(Node::Element(p)) = rest.peek()
            && p.kind == Kind::Paragraph
        {
            self.ev.push(Event::HardBreak);
            self.inlines(p);
            rest.next();
        }
        if !tight {
            self.end(TagEnd::Paragraph);
        }
        for child in rest {
            self.block_node(child);
        }
        self.end(TagEnd::Item);
    }

    /// Tight when every body is at most one paragraph.
    fn bodies_tight(bodies: &[&Element]) -> bool {
        bodies.iter().map(|b| shown(b).count()).sum::<usize>() <= 1
            && bodies
                .iter()
                .all(|b| shown(b).all(|c| c.kind == Kind::Paragraph))
    }

    fn definition_list(&mut self, e: &'a Element) {
        self.diag(
            Level::Info,
            "definition list written as a bullet list with bold terms",
            e,
        );
        let items: Vec<&Element> = e.elements().collect();
        let tight = items.iter().all(|i| {
            let defs: Vec<&Element> = i
                .elements()
                .filter(|c| c.kind == Kind::Definition)
                .collect();
            Self::bodies_tight(&defs)
        });
        self.start(Tag::List(None));
        for item in items {
            let defs: Vec<&Element> = item
                .elements()
                .filter(|c| c.kind == Kind::Definition)
                .collect();
            self.term_item(
                |w| {
                    for part in item.elements() {
                        match part.kind {
                            Kind::Term => w.inlines(part),
                            Kind::Classifier => {
                                w.ev.push(ev_text(" : "));
                                w.inlines(part);
                            }
                            _ => {}
                        }
                    }
                },
                &defs,
                tight,
            );
        }
        self.end(TagEnd::List(false));
    }

    fn field_list(&mut self, e: &'a Element) {
        let what = if e.kind == Kind::Docinfo {
            "docinfo"
        } else {
            "field list"
        };
        self.diag(
            Level::Info,
            format!("{what} written as a bullet list with bold names"),
            e,
        );
        let tight = e.elements().all(|f| {
            Self::bodies_tight(
                &f.elements()
                    .filter(|c| c.kind == Kind::FieldBody)
                    .collect::<Vec<_>>(),
            )
        });
        self.start(Tag::List(None));
        for field in e.elements() {
            if field.kind != Kind::Field {
                self.docinfo_item(field, tight);
                continue;
            }
            let bodies: Vec<&Element> = field
                .elements()
                .filter(|c| c.kind == Kind::FieldBody)
                .collect();
            let name = field.child(Kind::FieldName);
            self.term_item(
                |w| {
                    if let Some(n) = name {
                        w.inlines(n);
                    }
                },
                &bodies,
                tight,
            );
        }
        self.end(TagEnd::List(false));
    }

    /// A docinfo element (author, date, ...): its name from the kind.
    fn docinfo_item(&mut self, field: &'a Element, tight: bool) {
        self.start(Tag::Item);
        if !tight {
            self.start(Tag::Paragraph);
        }
        self.start(Tag::Strong);
        self.ev.push(ev_text(field.kind.name()));
        self.end(TagEnd::Strong);
        self.ev.push(Event::HardBreak);
        self.inlines(field);
        if !tight {
            self.end(TagEnd::Paragraph);
        }
        self.end(TagEnd::Item);
    }

    fn option_list(&mut self, e: &'a Element) {
        self.diag(
            Level::Info,
            "option list written as a bullet list with bold options",
            e,
        );
        let tight = e.elements().all(|i| {
            Self::bodies_tight(
                &i.elements()
                    .filter(|c| c.kind == Kind::Description)
                    .collect::<Vec<_>>(),
            )
        });
        self.start(Tag::List(None));
        for item in e.elements() {
            let bodies: Vec<&Element> = item
                .elements()
                .filter(|c| c.kind == Kind::Description)
                .collect();
            let options: Vec<String> = item
                .child(Kind::OptionGroup)
                .map(|g| g.elements().map(option_text).collect())
                .unwrap_or_default();
            self.term_item(
                |w| {
                    for (i, o) in options.into_iter().enumerate() {
                        if i > 0 {
                            w.ev.push(ev_text(", "));
                        }
                        w.ev.push(Event::Code(CowStr::from(o)));
                    }
                },
                &bodies,
                tight,
            );
        }
        self.end(TagEnd::List(false));
    }

    /// Lines joined by hard breaks; nesting as leading no-break spaces.
    fn line_block(&mut self, e: &'a Element) {
        let mut lines = Vec::new();
        flatten_lines(e, 0, &mut lines);
        let mut open = false;
        for (indent, line) in lines {
            if line.children.is_empty() {
                // An empty line separates stanzas.
                if open {
                    self.end(TagEnd::Paragraph);
                    open = false;
                }
                continue;
            }
            if open {
                self.ev.push(Event::HardBreak);
            } else {
                self.start(Tag::Paragraph);
                open = true;
            }
            if indent > 0 {
                self.ev.push(ev_text("\u{a0}".repeat(indent * 4)));
            }
            self.inlines(line);
        }
        if open {
            self.end(TagEnd::Paragraph);
        }
    }

    fn code_block(&mut self, e: &'a Element, lang: String) {
        if let [Node::Text(t)] = e.children.as_slice() {
            // The common case, borrowed: the newline ending the code apart
            // (adjacent texts are one text to the serialisers).
            self.start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::from(lang))));
            self.ev.push(Event::Text(CowStr::Borrowed(t)));
            if !t.ends_with('\n') {
                self.ev.push(Event::Text(CowStr::Borrowed("\n")));
            }
            self.end(TagEnd::CodeBlock);
            return;
        }
        let mut text = String::new();
        let mut numbered = false;
        for child in &e.children {
            match child {
                Node::Text(t) => text.push_str(t),
                // Line numbers are not code: a copied block must run.
                Node::Element(c) if is_line_number(c) => numbered = true,
                Node::Element(c) => text.push_str(&c.astext()),
            }
        }
        if numbered {
            self.diag(Level::Info, "code line numbers dropped in Markdown", e);
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::from(lang))));
        self.ev.push(ev_text(text));
        self.end(TagEnd::CodeBlock);
    }

    /// A parsed literal as an HTML `<pre>` (a fence would drop its markup
    /// and links); blank lines cannot end a `<pre>` HTML block.
    fn parsed_literal(&mut self, e: &'a Element) {
        self.diag(
            Level::Info,
            "parsed literal written as an HTML <pre> to keep its markup",
            e,
        );
        let outer = std::mem::take(&mut self.ev);
        for child in &e.children {
            match child {
                // Kept whole: `text()` would drop the spaces opening a line.
                Node::Text(t) => self.ev.push(Event::Text(CowStr::Borrowed(t))),
                Node::Element(c) => self.inline(c),
            }
        }
        let events = std::mem::replace(&mut self.ev, outer);
        let mut html = String::from("<pre>");
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html.push_str("</pre>\n");
        self.html_block(html);
    }

    fn block_quote(&mut self, e: &'a Element) {
        self.start(Tag::BlockQuote(None));
        for child in &e.children {
            match child {
                Node::Element(a) if a.kind == Kind::Attribution => {
                    self.start(Tag::Paragraph);
                    self.ev.push(ev_text("\u{2014} "));
                    self.inlines(a);
                    self.end(TagEnd::Paragraph);
                }
                _ => self.block_node(child),
            }
        }
        self.end(TagEnd::BlockQuote(None));
    }

    fn admonition(&mut self, e: &'a Element) {
        let alert =
            alert_kind(e.kind).filter(|_| self.opts.alerts && self.opts.flavor != Flavor::Jekyll);
        self.start(Tag::BlockQuote(alert));
        if alert.is_none() {
            self.diag(
                Level::Info,
                format!(
                    "{} written as a block quote with a bold title",
                    e.kind.name()
                ),
                e,
            );
            match e.child(Kind::Title) {
                Some(t) => self.bold_para(t),
                None => {
                    let name = e.kind.name();
                    let mut title = name.to_owned();
                    if let Some(first) = title.get_mut(..1) {
                        first.make_ascii_uppercase();
                    }
                    self.start(Tag::Paragraph);
                    self.start(Tag::Strong);
                    self.ev.push(ev_text(title));
                    self.end(TagEnd::Strong);
                    self.end(TagEnd::Paragraph);
                }
            }
        }
        for child in &e.children {
            match child {
                Node::Element(t) if t.kind == Kind::Title => {}
                _ => self.block_node(child),
            }
        }
        self.end(TagEnd::BlockQuote(alert));
    }

    fn comment(&mut self, e: &'a Element) {
        if is_teaser(e) {
            self.html_block("<!--more-->\n".into());
        }
    }

    fn html_block(&mut self, html: String) {
        self.start(Tag::HtmlBlock);
        self.ev.push(Event::Html(CowStr::from(html)));
        self.end(TagEnd::HtmlBlock);
    }

    fn raw_block(&mut self, e: &'a Element) {
        if self.opts.flavor == Flavor::Hugo
            && let Some(code) = hugo_shortcode(e)
        {
            let msg = format!(
                "{} embed written as Hugo's shortcode (size and alignment left to the theme)",
                e.get(".embed").unwrap_or("video")
            );
            self.diag(Level::Info, msg, e);
            let n = self.shortcodes.len();
            self.shortcodes.push(code);
            self.html_block(format!("{SHORTCODE}{n}-->\n"));
            return;
        }
        let embed = e.get(".embed").is_some();
        if embed && self.opts.embeds == EmbedStyle::Html || is_html_raw(e) {
            let text = e.astext();
            if !text.trim().is_empty() {
                self.html_block(raw_html_block(&text));
            }
        } else {
            let fmt = e.get("format").unwrap_or("").to_owned();
            self.diag(
                Level::Warning,
                format!("raw \"{fmt}\" content dropped: Markdown takes only HTML"),
                e,
            );
        }
    }

    fn figure(&mut self, e: &'a Element) {
        self.diag(
            Level::Info,
            "figure written as an image with the caption as a paragraph",
            e,
        );
        for child in e.elements() {
            match child.kind {
                Kind::Caption => {
                    self.start(Tag::Paragraph);
                    self.start(Tag::Emphasis);
                    self.inlines(child);
                    self.end(TagEnd::Emphasis);
                    self.end(TagEnd::Paragraph);
                }
                Kind::Legend => self.blocks(child),
                _ => self.block(child),
            }
        }
    }

    fn topic(&mut self, e: &'a Element) {
        self.diag(
            Level::Info,
            format!("{} written as a bold title and its content", e.kind.name()),
            e,
        );
        let quote = e.kind == Kind::Sidebar;
        if quote {
            self.start(Tag::BlockQuote(None));
        }
        for child in &e.children {
            match child {
                Node::Element(t) if matches!(t.kind, Kind::Title | Kind::Subtitle) => {
                    self.bold_para(t)
                }
                _ => self.block_node(child),
            }
        }
        if quote {
            self.end(TagEnd::BlockQuote(None));
        }
    }

    fn note(&mut self, e: &'a Element) {
        let Some(label) = e
            .attrs
            .ids
            .first()
            .and_then(|id| self.labels.get(id))
            .cloned()
        else {
            self.diag(Level::Info, "footnote without id written as a paragraph", e);
            self.blocks(e);
            return;
        };
        let body = std::mem::take(&mut self.ev);
        let mark = self.block_lines.len();
        self.start(Tag::FootnoteDefinition(CowStr::from(label)));
        for child in &e.children {
            match child {
                Node::Element(l) if l.kind == Kind::Label => {}
                _ => self.block_node(child),
            }
        }
        self.end(TagEnd::FootnoteDefinition);
        let note = std::mem::replace(&mut self.ev, body);
        // Lines of the note's blocks, at their place among the notes.
        let at = self.notes.len();
        let moved = self.block_lines.drain(mark.min(self.block_lines.len())..);
        self.note_lines.extend(moved.map(|(i, l)| (i + at, l)));
        self.notes.extend(note);
    }

    fn table(&mut self, e: &'a Element) {
        let groups: Vec<&Element> = e.elements().filter(|c| c.kind == Kind::Tgroup).collect();
        if let Some(title) = e.child(Kind::Title) {
            self.bold_para(title);
        }
        match groups.as_slice() {
            [g] if simple_table(g) => self.gfm_table(g),
            _ => {
                self.diag(
                    Level::Info,
                    "table with spans or block content written as HTML",
                    e,
                );
                let html = self.html_table(&groups);
                self.html_block(html);
            }
        }
    }

    fn gfm_table(&mut self, g: &'a Element) {
        let cols = g.elements().filter(|c| c.kind == Kind::Colspec).count();
        let head_rows: Vec<&Element> = g
            .child(Kind::Thead)
            .map(|h| h.elements().collect())
            .unwrap_or_default();
        let body_rows: Vec<&Element> = g
            .child(Kind::Tbody)
            .map(|b| b.elements().collect())
            .unwrap_or_default();
        self.start(Tag::Table(vec![Alignment::None; cols]));
        self.start(Tag::TableHead);
        let was = std::mem::replace(&mut self.one_line, true);
        match head_rows.first() {
            Some(row) => self.table_cells(row),
            None => {
                self.diag(
                    Level::Info,
                    "table without header: empty header row added",
                    g,
                );
                for _ in 0..cols {
                    self.start(Tag::TableCell);
                    self.end(TagEnd::TableCell);
                }
            }
        }
        self.end(TagEnd::TableHead);
        for row in body_rows {
            self.start(Tag::TableRow);
            self.table_cells(row);
            self.end(TagEnd::TableRow);
        }
        self.one_line = was;
        self.end(TagEnd::Table);
    }

    fn table_cells(&mut self, row: &'a Element) {
        for entry in row.elements() {
            self.start(Tag::TableCell);
            for p in entry.elements() {
                self.inlines(p);
            }
            self.end(TagEnd::TableCell);
        }
    }

    /// A raw HTML table whose cells are this writer's output as HTML.
    fn html_table(&mut self, groups: &[&'a Element]) -> String {
        let mut html = String::from("<table>\n");
        for g in groups {
            for part in g.elements() {
                let (tag, cell) = match part.kind {
                    Kind::Thead => ("thead", "th"),
                    Kind::Tbody => ("tbody", "td"),
                    _ => continue,
                };
                let _ = writeln!(html, "<{tag}>");
                for row in part.elements() {
                    html.push_str("<tr>");
                    for entry in row.elements() {
                        let _ = write!(html, "<{cell}{}>", span_attrs(entry));
                        html.push_str(self.html_of(entry).trim_end());
                        let _ = write!(html, "</{cell}>");
                    }
                    html.push_str("</tr>\n");
                }
                let _ = writeln!(html, "</{tag}>");
            }
        }
        html.push_str("</table>\n");
        no_blank_lines(&html)
    }

    /// Block content as HTML, through the same events.
    fn html_of(&mut self, e: &'a Element) -> String {
        let outer = std::mem::take(&mut self.ev);
        let mark = self.block_lines.len();
        let was = std::mem::replace(&mut self.one_line, false);
        self.blocks(e);
        self.one_line = was;
        // Those blocks are HTML now, not serialised.
        self.block_lines.truncate(mark);
        let events = std::mem::replace(&mut self.ev, outer);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html
    }

    // ---- inlines ----

    fn inlines(&mut self, e: &'a Element) {
        for child in &e.children {
            match child {
                Node::Text(t) => self.text(t),
                Node::Element(c) => self.inline(c),
            }
        }
    }

    /// Text from the tree: its events borrow it.
    fn text(&mut self, t: &'a str) {
        self.text_with(t, |s| Event::Text(CowStr::Borrowed(s)));
    }

    /// `text` for a string made here (copied into the events).
    fn text_copied(&mut self, t: &str) {
        self.text_with(t, |s| Event::Text(owned_cow(s)));
    }

    fn text_with<'s>(&mut self, t: &'s str, ev: impl Fn(&'s str) -> Event<'a>) {
        for (i, piece) in t.split('\n').enumerate() {
            if i > 0 {
                self.line_break();
            }
            let mut piece = if self.at_line_start() {
                piece.trim_start_matches([' ', '\t'])
            } else {
                piece
            };
            if let Some(Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) =
                self.ev.last()
            {
                // `* a*` is no emphasis: the space goes before the opener.
                let body = piece.trim_start();
                if body.len() < piece.len() {
                    let at = self.ev.len() - 1;
                    self.ev.insert(at, ev(&piece[..piece.len() - body.len()]));
                    piece = body;
                }
            }
            if !piece.is_empty() {
                self.ev.push(ev(piece));
            }
        }
    }

    /// A source line break. Spaces before it would make a hard break.
    fn line_break(&mut self) {
        self.trim_last_text();
        let brk = if self.one_line {
            ev_text(" ")
        } else {
            Event::SoftBreak
        };
        match self.ev.last() {
            // `*` then a line break opens nothing: break before the opener.
            Some(Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) => {
                let at = self.ev.len() - 1;
                self.ev.insert(at, brk);
            }
            _ => self.ev.push(brk),
        }
    }

    /// Inline HTML as the parser reads it back: one event per tag, the
    /// text between tags as text (the serialiser checks blocks that way).
    fn inline_html(&mut self, html: &str) {
        let mut rest = html;
        while !rest.is_empty() {
            let tag_len = rest
                .starts_with('<')
                .then(|| rest.find('>'))
                .flatten()
                .map(|i| i + 1);
            match tag_len {
                Some(n) => {
                    self.ev
                        .push(Event::InlineHtml(CowStr::from(rest[..n].to_owned())));
                    rest = &rest[n..];
                }
                None => {
                    let first = rest.chars().next().map_or(1, char::len_utf8);
                    let n = rest[first..].find('<').map_or(rest.len(), |i| i + first);
                    self.text_copied(&rest[..n]);
                    rest = &rest[n..];
                }
            }
        }
    }

    fn wrap(&mut self, tag: Tag<'a>, e: &'a Element) {
        let end = TagEnd::from(tag.clone());
        self.start(tag);
        self.inlines(e);
        self.end(end);
    }

    fn inline(&mut self, e: &'a Element) {
        match e.kind {
            Kind::Emphasis | Kind::TitleReference => self.wrap(Tag::Emphasis, e),
            // Strong in strong has no Markdown spelling (a bold term's markup).
            Kind::Strong if self.in_strong => self.inlines(e),
            Kind::Strong => self.strong(|w| w.inlines(e)),
            Kind::Literal => {
                let code = match e.children.as_slice() {
                    [Node::Text(t)] if !t.contains('\n') => CowStr::Borrowed(t.as_str()),
                    _ => CowStr::from(e.astext().replace('\n', " ")),
                };
                self.ev.push(Event::Code(code));
            }
            Kind::Reference => self.link(e),
            Kind::FootnoteReference | Kind::CitationReference => self.note_ref(e),
            Kind::Image => self.image(e),
            Kind::Math => self.ev.push(Event::InlineMath(CowStr::from(
                e.astext().replace('\n', " "),
            ))),
            Kind::Raw => self.raw_inline(e),
            Kind::Subscript | Kind::Superscript => {
                let tag = if e.kind == Kind::Subscript {
                    "sub"
                } else {
                    "sup"
                };
                self.diag(
                    Level::Info,
                    format!("{} written as inline HTML", e.kind.name()),
                    e,
                );
                self.ev
                    .push(Event::InlineHtml(CowStr::from(format!("<{tag}>"))));
                self.inlines(e);
                self.ev
                    .push(Event::InlineHtml(CowStr::from(format!("</{tag}>"))));
            }
            Kind::Inline if has_class(e, "strike") || has_class(e, "del") => {
                self.wrap(Tag::Strikethrough, e)
            }
            Kind::Inline if !e.attrs.classes.is_empty() => self.span(e),
            Kind::SystemMessage | Kind::Comment | Kind::Pending => {}
            Kind::Target => {
                if let Some(html) = self.anchors(e, None) {
                    self.inline_html(&html);
                }
                self.inlines(e);
            }
            k if !is_inline_kind(k) => {
                // A block inside inline content: keep its text.
                self.text_copied(&e.astext());
            }
            _ => self.inlines(e),
        }
    }

    /// A custom role's classes (often styling) on an HTML `<span>`, as
    /// pandoc writes a classed span.
    fn span(&mut self, e: &'a Element) {
        self.diag(Level::Info, "inline classes written as an HTML <span>", e);
        let classes = esc_html(&e.attrs.classes.join(" "));
        self.inline_html(&format!("<span class=\"{classes}\">"));
        self.inlines(e);
        self.inline_html("</span>");
    }

    fn link(&mut self, e: &'a Element) {
        let dest = match (e.get("refuri"), e.get("refid")) {
            (Some(uri), _) => CowStr::Borrowed(uri),
            (None, Some(id)) => CowStr::from(format!("#{id}")),
            (None, None) => {
                self.diag(Level::Info, "unresolved reference written as text", e);
                return self.inlines(e);
            }
        };
        if self.in_link {
            return self.inlines(e);
        }
        // Only a lone child can be the whole text.
        let auto = match e.children.as_slice() {
            [Node::Text(t)] => **t == *dest,
            [Node::Element(c)] => c.astext() == *dest,
            _ => false,
        };
        let auto = auto
            && dest.contains("://")
            && !dest.contains(|c: char| c.is_whitespace() || c == '<' || c == '>');
        let tag = Tag::Link {
            link_type: if auto {
                LinkType::Autolink
            } else {
                LinkType::Inline
            },
            dest_url: dest,
            title: CowStr::from(""),
            id: CowStr::from(""),
        };
        self.in_link = true;
        self.wrap(tag, e);
        self.in_link = false;
    }

    fn note_ref(&mut self, e: &'a Element) {
        match e.get("refid").and_then(|id| self.labels.get(id)).cloned() {
            Some(label) => {
                let html = format!("{NOTE_REF}{}/>", self.note_refs.len());
                self.note_refs.push(label);
                self.ev.push(Event::InlineHtml(CowStr::from(html)));
            }
            None => {
                self.diag(
                    Level::Info,
                    "unresolved footnote reference written as text",
                    e,
                );
                self.ev.push(ev_text(format!("[{}]", e.astext())));
            }
        }
    }

    fn image(&mut self, e: &'a Element) {
        if let Some(html) = self.image_html(e) {
            self.ev.push(Event::InlineHtml(CowStr::from(html)));
        } else {
            self.plain_image(e);
        }
    }

    fn plain_image(&mut self, e: &'a Element) {
        self.start(Tag::Image {
            link_type: LinkType::Inline,
            dest_url: CowStr::Borrowed(e.get("uri").unwrap_or("")),
            title: CowStr::from(""),
            id: CowStr::from(""),
        });
        if let Some(alt) = e.get("alt").filter(|a| !a.is_empty()) {
            self.ev.push(Event::Text(CowStr::Borrowed(alt)));
        }
        self.end(TagEnd::Image);
    }

    /// An image alone as a block. As HTML it is an HTML block: an `<img>`
    /// line after a blank line reads back as one, not as a paragraph.
    fn image_block(&mut self, e: &'a Element) {
        match self.image_html(e) {
            Some(mut html) => {
                html.push('\n');
                self.html_block(html);
            }
            None => {
                self.start(Tag::Paragraph);
                self.plain_image(e);
                self.end(TagEnd::Paragraph);
            }
        }
    }

    /// The `<img>` for an image with size or alignment (`None`: Markdown's
    /// image will do, size dropped with a note when HTML is off).
    fn image_html(&mut self, e: &'a Element) -> Option<String> {
        let extra: Vec<(&str, &str)> = ["width", "height", "scale", "align"]
            .into_iter()
            .filter_map(|k| e.get(k).map(|v| (k, v)))
            .collect();
        if extra.is_empty() {
            return None;
        }
        if !self.opts.image_html {
            self.diag(Level::Info, "image size/alignment dropped in Markdown", e);
            return None;
        }
        self.diag(
            Level::Info,
            "image size/alignment written as an HTML <img>",
            e,
        );
        let uri = e.get("uri").unwrap_or("");
        let alt = e.get("alt").unwrap_or("");
        let mut html = format!("<img src=\"{}\" alt=\"{}\"", esc_html(uri), esc_html(alt));
        let mut style = String::new();
        for (k, v) in extra {
            match k {
                "width" | "height" => match html_length(v) {
                    Some(n) => {
                        let _ = write!(html, " {k}=\"{n}\"");
                    }
                    None => {
                        let _ = write!(style, "{k}: {}; ", v.trim());
                    }
                },
                "scale" => {
                    let _ = write!(html, " data-scale=\"{}\"", esc_html(v));
                }
                _ => {
                    let _ = write!(html, " {k}=\"{}\"", esc_html(v));
                }
            }
        }
        if !style.is_empty() {
            let _ = write!(html, " style=\"{}\"", esc_html(style.trim_end()));
        }
        if !e.attrs.classes.is_empty() {
            let _ = write!(html, " class=\"{}\"", esc_html(&e.attrs.classes.join(" ")));
        }
        html.push_str(" />");
        Some(html)
    }

    fn raw_inline(&mut self, e: &'a Element) {
        if is_html_raw(e) {
            self.inline_html(&e.astext());
        } else {
            let fmt = e.get("format").unwrap_or("").to_owned();
            self.diag(
                Level::Warning,
                format!("raw \"{fmt}\" content dropped: Markdown takes only HTML"),
                e,
            );
        }
    }
}

/// Hugo's built-in shortcode for a youtube/vimeo embed; `None` when the
/// embed has options the shortcode cannot carry (a start time).
fn hugo_shortcode(e: &Element) -> Option<String> {
    let kind = e.get(".embed")?;
    let id = e.get(".id")?.trim();
    let safe = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !safe || e.astext().contains("&start=") {
        return None;
    }
    match kind {
        "youtube" | "vimeo" => Some(format!("{{{{< {kind} {id} >}}}}")),
        _ => None,
    }
}

/// Raw HTML as one Markdown HTML block. A blank line would end the block
/// and let the rest read as Markdown (indented lines as code), so blank
/// lines become `&#10;`, except in script/style, where entities are text.
fn raw_html_block(text: &str) -> String {
    // Four spaces before the first tag would make it a code block; later
    // lines may be indented freely.
    let text = text.trim_start_matches(['\n', ' ', '\t']);
    let lower = text.to_ascii_lowercase();
    if lower.contains("<script") || lower.contains("<style") {
        let mut html = text.trim_end_matches('\n').to_owned();
        html.push('\n');
        return html;
    }
    no_blank_lines(text)
}

/// A list right after a tight item's text must interrupt its paragraph:
/// CommonMark allows that only from `1.` and with a non-empty first item.
fn can_interrupt_paragraph(list: &Element) -> bool {
    let starts_at_one =
        list.kind != Kind::EnumeratedList || list.get("start").is_none_or(|s| s.trim() == "1");
    starts_at_one
        && list
            .elements()
            .next()
            .is_some_and(|i| shown(i).next().is_some())
}

/// Child elements that write something (for tight/loose decisions).
fn shown(e: &Element) -> impl Iterator<Item = &Element> {
    e.elements()
        .filter(|c| !is_invisible(c) && !is_empty_block(c))
}

fn is_empty_block(e: &Element) -> bool {
    match e.kind {
        Kind::Paragraph => e
            .children
            .iter()
            .all(|n| matches!(n, Node::Text(t) if t.trim().is_empty())),
        Kind::BulletList
        | Kind::EnumeratedList
        | Kind::DefinitionList
        | Kind::FieldList
        | Kind::OptionList => e.elements().next().is_none(),
        _ => false,
    }
}

/// Elements that write nothing (resolved targets, definitions, messages).
fn is_invisible(e: &Element) -> bool {
    matches!(
        e.kind,
        Kind::Target | Kind::SubstitutionDefinition | Kind::Pending | Kind::SystemMessage
    ) || e.kind == Kind::Comment && !is_teaser(e)
}

fn is_html_raw(e: &Element) -> bool {
    e.get("format")
        .is_some_and(|f| f.split_whitespace().any(|f| f == "html"))
}

/// An HTML `width`/`height` value: a whole number of pixels (`300`,
/// `300px`); `None` for other units, which need CSS.
fn html_length(v: &str) -> Option<&str> {
    let v = v.trim();
    let n = v.strip_suffix("px").unwrap_or(v).trim_end();
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(n)
}

/// A `code` block's line number (`inline` classed `ln`).
fn is_line_number(e: &Element) -> bool {
    e.kind == Kind::Inline && e.attrs.classes.iter().any(|c| c == "ln")
}

/// A literal block with inline markup (`parsed-literal`), unlike `code`,
/// whose only elements are line numbers and highlighting tokens.
fn is_parsed_literal(e: &Element) -> bool {
    !has_class(e, "code") && e.elements().next().is_some()
}

/// The language of a `code` block: the first class that is not `code`.
fn code_language(e: &Element) -> String {
    if let Some(lang) = e.get("language") {
        return lang.to_owned();
    }
    e.attrs
        .classes
        .iter()
        .find(|c| !matches!(c.as_str(), "code" | "literal-block" | "highlight"))
        .cloned()
        .unwrap_or_default()
}

/// `-f FILE, --file=FILE` parts of an option group.
fn option_text(o: &Element) -> String {
    let mut s = String::new();
    for part in o.elements() {
        match part.kind {
            Kind::OptionString => s.push_str(&part.astext()),
            Kind::OptionArgument => {
                s.push_str(part.get("delimiter").unwrap_or(" "));
                s.push_str(&part.astext());
            }
            _ => {}
        }
    }
    s
}

/// Lines of a line block with their nesting depth.
fn flatten_lines<'e>(e: &'e Element, depth: usize, out: &mut Vec<(usize, &'e Element)>) {
    for child in e.elements() {
        match child.kind {
            Kind::Line => out.push((depth, child)),
            Kind::LineBlock => flatten_lines(child, depth + 1, out),
            _ => {}
        }
    }
}

/// A GFM pipe table can hold it: no spans, at most one header row, every
/// cell at most one paragraph, rows as wide as the colspecs.
fn simple_table(g: &Element) -> bool {
    let cols = g.elements().filter(|c| c.kind == Kind::Colspec).count();
    if cols == 0 {
        return false;
    }
    let head_ok = g
        .child(Kind::Thead)
        .is_none_or(|h| h.elements().count() <= 1);
    head_ok
        && g.elements()
            .filter(|p| matches!(p.kind, Kind::Thead | Kind::Tbody))
            .flat_map(Element::elements)
            .all(|row| {
                row.elements().count() == cols
                    && row.elements().all(|entry| {
                        entry.get("morerows").is_none()
                            && entry.get("morecols").is_none()
                            && entry.elements().count() <= 1
                            && entry.elements().all(|p| p.kind == Kind::Paragraph)
                    })
            })
}

fn span_attrs(entry: &Element) -> String {
    let mut s = String::new();
    let span = |k: &str| entry.get(k).and_then(|v| v.parse::<u32>().ok());
    if let Some(n) = span("morecols") {
        let _ = write!(s, " colspan=\"{}\"", n + 1);
    }
    if let Some(n) = span("morerows") {
        let _ = write!(s, " rowspan=\"{}\"", n + 1);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn el(kind: Kind) -> Element {
        Element::new(kind)
    }

    fn p(text: &str) -> Element {
        el(Kind::Paragraph).with_text(text)
    }

    fn doc(children: Vec<Element>) -> Element {
        let mut d = el(Kind::Document);
        for c in children {
            d.push(c);
        }
        d
    }

    fn md_with(d: &Element, meta: &Metadata, opts: &Options) -> (String, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let out = write(d, meta, opts, &mut diags);
        (out, diags)
    }

    fn md(children: Vec<Element>) -> String {
        md_with(&doc(children), &Metadata::default(), &Options::default()).0
    }

    fn html(markdown: &str) -> String {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, Parser::new_ext(markdown, parser_options()));
        out
    }

    /// The text a Markdown parser sees, events concatenated.
    fn reparsed_text(markdown: &str) -> String {
        Parser::new_ext(markdown, parser_options())
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.into_string()),
                Event::SoftBreak => Some("\n".into()),
                _ => None,
            })
            .collect()
    }

    fn item(children: Vec<Element>) -> Element {
        let mut i = el(Kind::ListItem);
        for c in children {
            i.push(c);
        }
        i
    }

    fn with_kids(mut e: Element, children: Vec<Element>) -> Element {
        for c in children {
            e.push(c);
        }
        e
    }

    fn entry(text: &str) -> Element {
        el(Kind::Entry).with_child(p(text))
    }

    fn row(cells: Vec<Element>) -> Element {
        with_kids(el(Kind::Row), cells)
    }

    fn table(head: Option<Element>, body: Vec<Element>, cols: usize) -> Element {
        let mut g = el(Kind::Tgroup).with_attr("cols", cols.to_string());
        for _ in 0..cols {
            g.push(el(Kind::Colspec));
        }
        if let Some(h) = head {
            g.push(el(Kind::Thead).with_child(h));
        }
        g.push(with_kids(el(Kind::Tbody), body));
        el(Kind::Table).with_child(g)
    }

    fn kitchen_sink() -> Element {
        let mut fn_el = el(Kind::Footnote)
            .with_child(el(Kind::Label).with_text("1"))
            .with_child(p("The note."));
        fn_el.attrs.ids.push("footnote-1".into());
        fn_el.attrs.names.push("1".into());
        let mut sec = el(Kind::Section).with_child(el(Kind::Title).with_text("Intro"));
        sec.attrs.ids.push("intro".into());
        let sec = with_kids(
            sec,
            vec![
                el(Kind::Paragraph)
                    .with_text("See ")
                    .with_child(
                        el(Kind::Reference)
                            .with_attr("refuri", "https://example.org/a_b")
                            .with_text("the site"),
                    )
                    .with_text(" and a note")
                    .with_child(
                        el(Kind::FootnoteReference)
                            .with_attr("refid", "footnote-1")
                            .with_text("1"),
                    )
                    .with_text("."),
                with_kids(
                    el(Kind::Section).with_child(el(Kind::Title).with_text("Deeper")),
                    vec![
                        el(Kind::LiteralBlock)
                            .with_text("print('hi')\n```\n")
                            .with_attr("xml:space", "preserve"),
                    ],
                ),
            ],
        );
        let mut teaser = el(Kind::Comment).with_text("TEASER_END");
        teaser.attrs.classes.push("teaser-end".into());
        let mut code = el(Kind::LiteralBlock).with_text("fn main() {}");
        code.attrs.classes = vec!["code".into(), "rust".into()].into();
        doc(vec![
            el(Kind::Title).with_text("My post"),
            p("First *para* with `ticks`."),
            teaser,
            el(Kind::Comment).with_text("TEASER_END"),
            code,
            sec,
            fn_el,
        ])
    }

    #[test]
    fn kitchen_sink_output() {
        let (out, diags) = md_with(&kitchen_sink(), &Metadata::default(), &Options::default());
        let expected = "---\ntitle: My post\n---\n\nFirst \\*para\\* with \\`ticks\\`.\n\n<!--more-->\n\n```rust\nfn main() {}\n```\n\n## Intro\n\nSee [the site](https://example.org/a_b) and a note[^1].\n\n### Deeper\n\n````\nprint('hi')\n```\n````\n\n[^1]: The note.\n";
        assert_eq!(out, expected, "\n{out}");
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn front_matter_order_and_dates() {
        let mut meta = Metadata {
            title: Some("A: title".into()),
            slug: Some("a-title".into()),
            date: "2014-11-13T16:59:00+03:00[+03:00]".parse().ok(),
            tags: vec!["rust".into(), "yaml".into()],
            category: Some("dev".into()),
            author: Some("Ann".into()),
            description: Some("d".into()),
            ..Metadata::default()
        };
        assert!(meta.date.is_some());
        meta.other.insert("zeta".into(), "z".into());
        meta.other.insert("type".into(), "text".into());
        let (out, _) = md_with(&doc(vec![p("x")]), &meta, &Options::default());
        assert_eq!(
            out,
            "---\ntitle: 'A: title'\nslug: a-title\ndate: 2014-11-13T16:59:00+03:00\ntags:\n- rust\n- yaml\ncategory: dev\nauthor: Ann\ndescription: d\ntype: text\nzeta: z\n---\n\nx\n"
        );
        // Metadata title wins; a different doctitle stays as a heading.
        let d = doc(vec![el(Kind::Title).with_text("Other"), p("x")]);
        let (out, _) = md_with(&d, &meta, &Options::default());
        assert!(out.contains("\n# Other\n"), "{out}");
        let listed = Metadata {
            authors: vec!["A".into(), "B".into()],
            ..Metadata::default()
        };
        let (out, _) = md_with(&doc(vec![p("x")]), &listed, &Options::default());
        assert_eq!(out, "---\nauthor: A, B\n---\n\nx\n");
        let no_fm = Options {
            front_matter: false,
            ..Options::default()
        };
        let (out, _) = md_with(&doc(vec![p("x")]), &Metadata::default(), &no_fm);
        assert_eq!(out, "x\n");
    }

    #[test]
    fn tricky_text_survives_reparse() {
        for text in [
            "*star* and _under_ and __dunder__",
            "# not a heading",
            "1. not a list",
            "3) nor this",
            "- nor this",
            "+ nor this",
            "> not a quote",
            "<b>not html</b> & &amp; entity",
            "[not](a link) ![nor](img)",
            "back\\slash \\* and \\",
            "a | pipe",
            "=====",
            "~~not struck~~ $not math$",
            "    indented",
            "[^1] not a footnote",
            "`not code`",
            "trailing space ",
        ] {
            let out = md(vec![p(text)]);
            let expect = text.trim();
            assert_eq!(reparsed_text(&out), expect, "{text:?} -> {out:?}");
        }
    }

    #[test]
    fn spaces_before_line_break_are_not_a_hard_break() {
        let d = el(Kind::Paragraph)
            .with_text("no  ")
            .with_text("\nhard break");
        let out = md(vec![d]);
        assert_eq!(out, "no\nhard break\n");
        assert!(!html(&out).contains("<br"));
    }

    #[test]
    fn block_edge_spaces_are_trimmed() {
        let d = el(Kind::Paragraph)
            .with_text(" lead ")
            .with_child(el(Kind::Emphasis).with_text("em"))
            .with_text(", ");
        let (out, diags) = md_with(&doc(vec![d]), &Metadata::default(), &Options::default());
        assert_eq!(out, "lead *em*,\n");
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn footnote_refs_next_to_emphasis() {
        let mut note = el(Kind::Footnote)
            .with_child(el(Kind::Label).with_text("1"))
            .with_child(p("n"));
        note.attrs.ids.push("f1".into());
        let para = el(Kind::Paragraph)
            .with_child(el(Kind::Emphasis).with_text("em"))
            .with_text(" wow!")
            .with_child(
                el(Kind::FootnoteReference)
                    .with_attr("refid", "f1")
                    .with_text("1"),
            );
        let (out, diags) = md_with(
            &doc(vec![para, note]),
            &Metadata::default(),
            &Options::default(),
        );
        assert_eq!(out, "*em* wow![^1]\n\n[^1]: n\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(html(&out).contains("<sup class=\"footnote-reference\">"));
    }

    #[test]
    fn internal_links_get_anchors_only_when_slugs_differ() {
        let mut same = el(Kind::Section).with_child(el(Kind::Title).with_text("Intro"));
        same.attrs.ids.push("intro".into());
        let mut other = el(Kind::Section).with_child(el(Kind::Title).with_text("Привет, мир"));
        other.attrs.ids.push("id1".into());
        let mut para = p("target para");
        para.attrs.ids.push("later".into());
        let links = el(Kind::Paragraph)
            .with_child(
                el(Kind::Reference)
                    .with_attr("refid", "intro")
                    .with_text("a"),
            )
            .with_child(el(Kind::Reference).with_attr("refid", "id1").with_text("b"))
            .with_child(
                el(Kind::Reference)
                    .with_attr("refid", "later")
                    .with_text("c"),
            );
        let (out, diags) = md_with(
            &doc(vec![links, same, other, para]),
            &Metadata::default(),
            &Options::default(),
        );
        assert_eq!(
            out,
            "[a](#intro)[b](#id1)[c](#later)\n\n# Intro\n\n# <a id=\"id1\"></a>Привет, мир\n\n<a id=\"later\"></a>target para\n"
        );
        assert_eq!(diags.len(), 2);
    }

    #[test]
    fn indented_raw_html_is_not_code() {
        let raw = el(Kind::Raw)
            .with_attr("format", "html")
            .with_text("    <div>\n        <a href=\"#x\">x</a>\n    </div>");
        let out = md(vec![raw]);
        assert_eq!(out, "<div>\n        <a href=\"#x\">x</a>\n    </div>\n");
        assert!(html(&out).contains("<a href=\"#x\">"), "{}", html(&out));
    }

    #[test]
    fn raw_html_with_blank_lines_stays_one_block() {
        let raw = el(Kind::Raw)
            .with_attr("format", "html")
            .with_text("<div>\n\n    <p>indented</p>\n</div>");
        let out = md(vec![raw, p("after")]);
        assert_eq!(out, "<div>&#10;\n    <p>indented</p>\n</div>\n\nafter\n");
        assert!(!html(&out).contains("<code>"), "{}", html(&out));
    }

    #[test]
    fn strong_in_bold_term_and_inline_html_next_to_emphasis() {
        let dl = el(Kind::DefinitionList).with_child(with_kids(
            el(Kind::DefinitionListItem),
            vec![
                el(Kind::Term)
                    .with_child(el(Kind::Strong).with_text("bold"))
                    .with_text(" term"),
                el(Kind::Definition).with_child(
                    el(Kind::Paragraph)
                        .with_child(el(Kind::Emphasis).with_text("em"))
                        .with_text(" ")
                        .with_child(
                            el(Kind::Raw)
                                .with_attr("format", "html")
                                .with_text("<kbd>K</kbd>Ж<i"),
                        ),
                ),
            ],
        ));
        let (out, diags) = md_with(&doc(vec![dl]), &Metadata::default(), &Options::default());
        assert_eq!(out, "- **bold term**\\\n  *em* <kbd>K</kbd>Ж\\<i\n");
        assert!(diags.iter().all(|d| d.level == Level::Info), "{diags:?}");
    }

    #[test]
    fn emphasis_edge_spaces_move_outside() {
        let d = el(Kind::Paragraph)
            .with_text("a")
            .with_child(el(Kind::Strong).with_text(" b "))
            .with_text("c")
            .with_child(el(Kind::Emphasis))
            .with_child(el(Kind::Emphasis).with_text("d"));
        let (out, diags) = md_with(&doc(vec![d]), &Metadata::default(), &Options::default());
        assert_eq!(out, "a **b** c*d*\n");
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn sublist_from_three_makes_the_list_loose() {
        let sub = el(Kind::EnumeratedList)
            .with_attr("start", "3")
            .with_child(item(vec![p("three")]));
        let list = el(Kind::EnumeratedList).with_child(item(vec![p("a"), sub]));
        let (out, diags) = md_with(&doc(vec![list]), &Metadata::default(), &Options::default());
        assert_eq!(out, "1. a\n\n   3. three\n");
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn degenerate_blocks_never_need_the_html_fallback() {
        let term = el(Kind::Term).with_child(el(Kind::Strong).with_text("t"));
        let def = el(Kind::Definition)
            .with_child(el(Kind::Target).with_attr("refuri", "u"))
            .with_child(p("first"))
            .with_child(el(Kind::Paragraph))
            .with_child(el(Kind::EnumeratedList));
        let dl = el(Kind::DefinitionList)
            .with_child(with_kids(el(Kind::DefinitionListItem), vec![term, def]));
        let (out, diags) = md_with(&doc(vec![dl]), &Metadata::default(), &Options::default());
        assert_eq!(out, "- **t**\\\n  first\n");
        assert!(diags.iter().all(|d| d.level == Level::Info), "{diags:?}");
    }

    #[test]
    fn options_alerts_and_section_levels() {
        let d = doc(vec![
            el(Kind::Tip).with_child(p("t")),
            el(Kind::Section)
                .with_child(el(Kind::Title).with_text("S"))
                .with_child(el(Kind::Section).with_child(el(Kind::Title).with_text("Sub"))),
        ]);
        let opts = Options {
            alerts: false,
            first_section_level: Some(3),
            ..Options::default()
        };
        let (out, _) = md_with(&d, &Metadata::default(), &opts);
        assert_eq!(out, "> **Tip**\n>\n> t\n\n### S\n\n#### Sub\n");
        let (out, _) = md_with(&d, &Metadata::default(), &Options::default());
        assert!(out.ends_with("# S\n\n## Sub\n"), "{out}");
    }

    /// Deterministic pseudo-random trees: any kind under any kind, tricky
    /// text. The writer must not panic and must end with one newline.
    #[test]
    fn arbitrary_trees_never_panic() {
        const KINDS: [Kind; 24] = [
            Kind::Paragraph,
            Kind::Emphasis,
            Kind::Strong,
            Kind::Literal,
            Kind::Reference,
            Kind::BulletList,
            Kind::EnumeratedList,
            Kind::ListItem,
            Kind::Section,
            Kind::Title,
            Kind::BlockQuote,
            Kind::Note,
            Kind::Table,
            Kind::Tgroup,
            Kind::Row,
            Kind::Entry,
            Kind::Image,
            Kind::Raw,
            Kind::Footnote,
            Kind::FootnoteReference,
            Kind::LineBlock,
            Kind::Line,
            Kind::DefinitionList,
            Kind::LiteralBlock,
        ];
        const TEXTS: [&str; 8] = ["a", " *b_ ", "\n", "Ж<i>", "`", "1. x\n# y", "|", "  "];
        let mut trees = random_tree::RandomTrees {
            seed: 0x2545_f491,
            step: 1,
            kinds: &KINDS,
            texts: &TEXTS,
            attrs: &[
                ("refuri", "u"),
                ("refid", "f"),
                ("uri", "i"),
                ("format", "html"),
            ],
            children: 4,
        };
        for _ in 0..400 {
            let mut d = el(Kind::Document);
            d.push(trees.tree(4));
            let (out, _) = md_with(&d, &Metadata::default(), &Options::default());
            assert!(out.ends_with('\n') && !out.ends_with("\n\n"), "{out:?}");
        }
    }

    #[test]
    fn line_breaks_at_emphasis_edges_move_outside() {
        let d = el(Kind::Paragraph)
            .with_text("a")
            .with_child(el(Kind::Emphasis).with_text("\nb\n"))
            .with_text("c");
        let (out, diags) = md_with(&doc(vec![d]), &Metadata::default(), &Options::default());
        assert_eq!(out, "a\n*b*\nc\n");
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn code_spans_fence_backticks() {
        for code in ["a`b", "``x``", "`", " a ", "a|b"] {
            let out = md(vec![
                el(Kind::Paragraph).with_child(el(Kind::Literal).with_text(code)),
            ]);
            let codes: Vec<String> = Parser::new_ext(&out, parser_options())
                .filter_map(|e| match e {
                    Event::Code(t) => Some(t.into_string()),
                    _ => None,
                })
                .collect();
            assert_eq!(codes, vec![code.to_string()], "{out}");
        }
    }

    #[test]
    fn lists_tight_loose_and_start() {
        let tight = el(Kind::EnumeratedList)
            .with_attr("start", "3")
            .with_attr("enumtype", "arabic")
            .with_child(item(vec![p("three")]))
            .with_child(item(vec![p("four")]));
        assert_eq!(md(vec![tight]), "3. three\n4. four\n");
        let loose = el(Kind::BulletList)
            .with_child(item(vec![p("a"), p("a2")]))
            .with_child(item(vec![p("b")]));
        let out = md(vec![loose]);
        assert_eq!(out, "- a\n\n  a2\n\n- b\n");
        let (_, diags) = md_with(
            &doc(vec![
                el(Kind::EnumeratedList)
                    .with_attr("enumtype", "loweralpha")
                    .with_child(item(vec![p("a")])),
            ]),
            &Metadata::default(),
            &Options::default(),
        );
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn definition_list_as_bold_bullets() {
        let dl = el(Kind::DefinitionList).with_child(with_kids(
            el(Kind::DefinitionListItem),
            vec![
                el(Kind::Term).with_text("term"),
                el(Kind::Classifier).with_text("cls"),
                el(Kind::Definition).with_child(p("meaning")),
            ],
        ));
        let (out, diags) = md_with(&doc(vec![dl]), &Metadata::default(), &Options::default());
        assert_eq!(out, "- **term : cls**\\\n  meaning\n");
        assert_eq!(diags[0].level, Level::Info);
    }

    #[test]
    fn admonitions() {
        let note = el(Kind::Note).with_child(p("careful"));
        assert_eq!(md(vec![note]), "> [!NOTE]\n> careful\n");
        let danger = el(Kind::Danger).with_child(p("boom"));
        assert_eq!(md(vec![danger]), "> **Danger**\n>\n> boom\n");
        let generic = el(Kind::Admonition)
            .with_child(el(Kind::Title).with_text("Custom"))
            .with_child(p("body"));
        assert_eq!(md(vec![generic]), "> **Custom**\n>\n> body\n");
    }

    #[test]
    fn block_quote_attribution() {
        let q = el(Kind::BlockQuote)
            .with_child(p("words"))
            .with_child(el(Kind::Attribution).with_text("Someone"));
        assert_eq!(md(vec![q]), "> words\n>\n> \u{2014} Someone\n");
    }

    #[test]
    fn raw_and_comments() {
        let html = el(Kind::Raw)
            .with_attr("format", "html")
            .with_text("<div>x</div>");
        let latex = el(Kind::Raw)
            .with_attr("format", "latex")
            .with_text("\\x")
            .with_line(7);
        let comment = el(Kind::Comment).with_text("secret");
        let mut teaser = el(Kind::Comment);
        teaser.attrs.classes.push("teaser-end".into());
        let embed = el(Kind::Raw)
            .with_attr(".embed", "youtube")
            .with_text("<iframe src=\"https://www.youtube-nocookie.com/embed/x\"></iframe>");
        let (out, diags) = md_with(
            &doc(vec![p("a"), html, latex, comment, teaser, embed]),
            &Metadata::default(),
            &Options::default(),
        );
        assert_eq!(
            out,
            "a\n\n<div>x</div>\n\n<!--more-->\n\n<iframe src=\"https://www.youtube-nocookie.com/embed/x\"></iframe>\n"
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].level, Level::Warning);
        assert_eq!(diags[0].line, Some(7));
    }

    #[test]
    fn images() {
        let img = el(Kind::Image)
            .with_attr("uri", "a b.png")
            .with_attr("alt", "Alt [x]");
        let linked = el(Kind::Reference)
            .with_attr("refuri", "https://t.example/")
            .with_child(
                el(Kind::Image)
                    .with_attr("uri", "i.png")
                    .with_attr("alt", "i"),
            );
        let sized = el(Kind::Image)
            .with_attr("uri", "s.png")
            .with_attr("width", "50%")
            .with_attr("align", "left")
            .with_line(3);
        let (out, diags) = md_with(
            &doc(vec![img, linked, sized.clone()]),
            &Metadata::default(),
            &Options::default(),
        );
        assert_eq!(
            out,
            "![Alt \\[x\\]](<a b.png>)\n\n[![i](i.png)](https://t.example/)\n\n<img src=\"s.png\" alt=\"\" align=\"left\" style=\"width: 50%;\" />\n"
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, Some(3));
        let plain = Options {
            image_html: false,
            ..Options::default()
        };
        let (out, diags) = md_with(&doc(vec![sized]), &Metadata::default(), &plain);
        assert_eq!(out, "![](s.png)\n");
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn simple_table_is_gfm() {
        let t = table(
            Some(row(vec![entry("a"), entry("b|c")])),
            vec![row(vec![entry("1"), el(Kind::Entry)])],
            2,
        );
        let out = md(vec![t]);
        assert_eq!(out, "|a|b\\|c|\n|-|---|\n|1||\n");
        let h = html(&out);
        assert!(h.contains("<th>b|c</th>"), "{h}");
    }

    #[test]
    fn complex_table_is_html() {
        let span = el(Kind::Entry)
            .with_attr("morecols", "1")
            .with_child(p("wide"));
        let t = table(
            None,
            vec![row(vec![span]), row(vec![entry("x"), entry("y *z*")])],
            2,
        );
        let (out, diags) = md_with(
            &doc(vec![t, p("after")]),
            &Metadata::default(),
            &Options::default(),
        );
        assert_eq!(
            out,
            "<table>\n<tbody>\n<tr><td colspan=\"2\"><p>wide</p></td></tr>\n<tr><td><p>x</p></td><td><p>y *z*</p></td></tr>\n</tbody>\n</table>\n\nafter\n"
        );
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn line_block_hard_breaks() {
        let lb = el(Kind::LineBlock)
            .with_child(el(Kind::Line).with_text("one"))
            .with_child(el(Kind::LineBlock).with_child(el(Kind::Line).with_text("two")))
            .with_child(el(Kind::Line))
            .with_child(el(Kind::Line).with_text("three"));
        assert_eq!(
            md(vec![lb]),
            "one\\\n\u{a0}\u{a0}\u{a0}\u{a0}two\n\nthree\n"
        );
    }

    #[test]
    fn math_and_internal_links() {
        let d = doc(vec![
            el(Kind::Paragraph)
                .with_child(el(Kind::Math).with_text("a^2"))
                .with_text(" see ")
                .with_child(
                    el(Kind::Reference)
                        .with_attr("refid", "intro")
                        .with_text("intro"),
                ),
            el(Kind::MathBlock).with_text("E = mc^2\n"),
        ]);
        let (out, _) = md_with(&d, &Metadata::default(), &Options::default());
        assert_eq!(out, "$a^2$ see [intro](#intro)\n\n$$E = mc^2$$\n");
    }

    #[test]
    fn output_ends_with_one_newline_and_is_deterministic() {
        let d = kitchen_sink();
        let a = md_with(&d, &Metadata::default(), &Options::default()).0;
        let b = md_with(&d, &Metadata::default(), &Options::default()).0;
        assert_eq!(a, b);
        assert!(a.ends_with('\n') && !a.ends_with("\n\n"));
        assert_eq!(md(vec![]), "\n");
    }

    #[test]
    fn from_json_tree() {
        let json = r#"{"kind":"document","children":[{"element":{"kind":"paragraph","children":[{"text":"Hi "},{"element":{"kind":"strong","children":[{"text":"there"}]}}]}}]}"#;
        let d: Element = serde_json::from_str(json).expect("valid test JSON");
        assert_eq!(
            md_with(&d, &Metadata::default(), &Options::default()).0,
            "Hi **there**\n"
        );
    }

    #[test]
    fn tidy_keeps_meaning() {
        for (raw, tidied) in [
            ("a  \nb\n", "a\\\nb\n"),
            ("- a\n  \n  b\n", "- a\n\n  b\n"),
            ("\n > \n > x\n > \n > y\n", "\n> x\n>\n> y\n"),
            ("```\n  code  \n\n```\n", "```\n  code  \n\n```\n"),
            ("<div>\n  x  \n</div>\n", "<div>\n  x  \n</div>\n"),
            (" > ```\n > a  \n > ```\n", "> ```\n > a  \n > ```\n"),
        ] {
            let out = tidy(raw.to_owned());
            assert_eq!(out, tidied, "{raw:?}");
            assert_eq!(html(&out), html(raw), "{raw:?}");
        }
    }

    #[test]
    fn ev_text_inlines_short_text_only() {
        let long = "x".repeat(40);
        for (text, inline) in [("a", true), ("", true), (long.as_str(), false)] {
            let Event::Text(cow) = ev_text(text) else {
                panic!("not text")
            };
            assert_eq!(&*cow, text);
            assert_eq!(matches!(cow, CowStr::Inlined(_)), inline, "{text:?}");
        }
    }

    #[test]
    fn no_blank_lines_marks_each_doubled_newline() {
        for (html, want) in [
            ("<p>a</p>\n", "<p>a</p>\n"),
            ("a\n\nb\n\n", "a&#10;\nb\n"),
            ("a\n\n\n\nb", "a&#10;&#10;&#10;\nb\n"),
            ("\n\né\n", "&#10;\né\n"),
            ("", "\n"),
        ] {
            assert_eq!(no_blank_lines(html), want, "{html:?}");
        }
    }

    #[test]
    fn tidy_skipped_only_where_nothing_changes() {
        for clean in ["a\nb\n", "> x\n> y\n", "```\ncode\n```\n", "a\\\nb"] {
            assert!(!needs_tidy(clean), "{clean:?}");
            assert_eq!(tidy(clean.to_owned()), clean);
        }
        for dirty in ["a  \nb\n", "x\t", " > q\n", "\n>\n> y\n", "a \n"] {
            assert!(needs_tidy(dirty), "{dirty:?}");
            assert_ne!(tidy(dirty.to_owned()), dirty, "{dirty:?}");
        }
    }

    /// A backslash before a newline or carriage return in text is escaped:
    /// bare, it would escape the `&` of the newline's entity. The same
    /// bytes by the direct serialiser and by the crate.
    #[test]
    fn backslash_before_newline_is_escaped() {
        let image = el(Kind::Image)
            .with_attr("uri", "p.png")
            .with_attr("alt", "x\\\ny");
        let mut two = p("a\\");
        two.push(Node::Text("\rb".into()));
        let cases = [
            (p("a\\\rb"), "a\\\\&#13;b\n", "a\\\rb"),
            (p("a\\\\\rb"), "a\\\\\\\\&#13;b\n", "a\\\\\rb"),
            (two, "a\\\\&#13;b\n", "a\\\rb"),
            (
                el(Kind::Paragraph).with_child(image),
                "![x\\\\&#10;y](p.png)\n",
                "x\\\ny",
            ),
            (
                table(None, vec![row(vec![entry("c\\\rd")])], 1),
                "||\n|-|\n|c\\\\&#13;d|\n",
                "c\\\rd",
            ),
        ];
        for crate_path in [false, true] {
            for (tree, want, text) in &cases {
                CRATE_ONLY.with(|c| c.set(crate_path));
                let out = md(vec![tree.clone()]);
                CRATE_ONLY.with(|c| c.set(false));
                assert_eq!(&out, want, "crate only: {crate_path}");
                assert_eq!(reparsed_text(&out), *text, "{out:?}");
            }
        }
    }

    /// An anchor opening a paragraph starts no HTML block: the serialiser's
    /// line flags still stand (no re-parse for `tidy`); a block tag does.
    #[test]
    fn inline_anchor_at_line_start_keeps_line_flags() {
        let para = |open: &'static str, close: &'static str| {
            vec![
                Event::Start(Tag::Paragraph),
                Event::InlineHtml(CowStr::Borrowed(open)),
                Event::InlineHtml(CowStr::Borrowed(close)),
                Event::Text(CowStr::Borrowed("Text")),
                Event::End(TagEnd::Paragraph),
            ]
        };
        let flags = |events: Vec<Event<'_>>| direct::render(&events).and_then(|(_, f)| f);
        assert!(flags(para("<a id=\"x\">", "</a>")).is_some());
        assert!(flags(para("<div>", "</div>")).is_none());
        assert!(flags(para("</a>", "<a>")).is_none());
    }

    /// HTML block lines after the first are `tidy`'s to keep, also when
    /// the serialiser's line flags are reused (untouched output, or a
    /// shortcode substituted line for line).
    #[test]
    fn html_block_lines_kept_with_line_flags() {
        let raw = || {
            el(Kind::Raw)
                .with_attr("format", "html")
                .with_text("<div>\n >x\n</div>")
        };
        let want = "a\n\n<div>\n >x\n</div>\n";
        assert_eq!(tidy(want.to_owned()), want);
        assert_eq!(md(vec![p("a"), raw()]), want);
        let (out, _) = flavored(
            vec![
                p("a"),
                raw(),
                video("youtube", "L7ScFlkJEO8", "<iframe></iframe>"),
            ],
            Flavor::Hugo,
        );
        assert_eq!(out, format!("{want}\n{{{{< youtube L7ScFlkJEO8 >}}}}\n"));
    }

    fn flavored(children: Vec<Element>, flavor: Flavor) -> (String, Vec<Diagnostic>) {
        let opts = Options {
            front_matter: false,
            flavor,
            ..Options::default()
        };
        md_with(&doc(children), &Metadata::default(), &opts)
    }

    fn video(kind: &str, id: &str, html: &str) -> Element {
        el(Kind::Raw)
            .with_attr("format", "html")
            .with_attr(".embed", kind)
            .with_attr(".id", id)
            .with_text(html)
    }

    #[test]
    fn hugo_flavor_shortcodes_and_escapes() {
        let children = || {
            vec![
                p("Text {{< like a shortcode >}} and {{% this %}} ")
                    .with_child(el(Kind::Literal).with_text("{{< x >}}")),
                video("youtube", "L7ScFlkJEO8", "<iframe src=\"y\"></iframe>"),
                video("vimeo", "123", "<iframe src=\"v\"></iframe>"),
                video("youtube", "x", "<iframe src=\"y?rel=0&start=30\"></iframe>"),
                video("youtube", "bad id\"", "<iframe></iframe>"),
            ]
        };
        let (out, diags) = flavored(children(), Flavor::Hugo);
        assert_eq!(
            out,
            "Text {{\\< like a shortcode >}} and {{%/* this */%}} `{{</* x */>}}`\n\n{{< youtube L7ScFlkJEO8 >}}\n\n\
             {{< vimeo 123 >}}\n\n<iframe src=\"y?rel=0&start=30\"></iframe>\n\n<iframe></iframe>\n"
        );
        assert_eq!(
            diags
                .iter()
                .filter(|d| d.message.contains("shortcode"))
                .count(),
            2
        );
        let (plain, _) = flavored(children(), Flavor::Plain);
        assert!(plain.contains("`{{< x >}}`") && plain.contains("<iframe src=\"v\">"));
    }

    #[test]
    fn jekyll_flavor_escapes_liquid_and_drops_alerts() {
        let (out, _) = flavored(
            vec![
                p("a {{ x }} b {% if y %} c {{ open"),
                el(Kind::LiteralBlock).with_text("{% endraw %}"),
                el(Kind::Note).with_child(p("n")),
            ],
            Flavor::Jekyll,
        );
        assert!(out.starts_with(
            "a {% raw %}{{ x }}{% endraw %} b {% raw %}{% if y %}{% endraw %} c {% raw %}{{{% endraw %} open\n"
        ));
        assert!(out.contains("{% raw %}{%{% endraw %} endraw %}"));
        assert!(!out.contains("[!NOTE]"));
    }

    #[test]
    fn escapes_of_long_runs() {
        let n = 200_000;
        let inputs = [
            "{{".repeat(n),
            format!("{}{{{{%", "{{<".repeat(n)),
            format!("{}\n}}}}", "{% x ".repeat(n)),
            format!("{}>}}}}", "{{< ".repeat(n)),
        ];
        for text in &inputs {
            assert!(escape_liquid(text).len() > text.len());
            assert!(escape_hugo_shortcodes(text).len() >= text.len());
        }
    }

    #[test]
    fn escape_edge_cases() {
        assert_eq!(escape_liquid("no braces {x}"), "no braces {x}");
        assert_eq!(
            escape_liquid("open {{ only\nnext }}"),
            "open {% raw %}{{{% endraw %} only\nnext }}"
        );
        assert_eq!(escape_hugo_shortcodes("{{< open"), "{&#123;< open");
        assert_eq!(escape_hugo_shortcodes("é{{% n %}}é"), "é{{%/* n */%}}é");
    }

    #[test]
    fn shortcode_stand_ins_without_codes_stay() {
        assert_eq!(
            put_shortcodes("<!--postconv-shortcode-9-->", &["x".into()]),
            "<!--postconv-shortcode-9-->"
        );
        assert_eq!(
            put_shortcodes("a <!--postconv-shortcode-0", &["x".into()]),
            "a <!--postconv-shortcode-0"
        );
        assert_eq!(
            put_shortcodes("<!--postconv-shortcode-0--> b", &["x".into()]),
            "x b"
        );
    }

    /// A block the serialiser rejects is written as HTML, and the warning
    /// names the line of the block's first element that has one.
    #[test]
    fn html_fallback_warning_has_the_block_line() {
        let item = [
            Event::Start(Tag::List(None)),
            Event::Start(Tag::Item),
            Event::Start(Tag::Paragraph),
            Event::Start(Tag::Emphasis),
            ev_text("x"),
            Event::End(TagEnd::Emphasis),
            Event::End(TagEnd::Paragraph),
            Event::Start(Tag::Paragraph),
            Event::InlineHtml(CowStr::from("<img src=\"p\" align=\"right\" />")),
            Event::End(TagEnd::Paragraph),
            Event::End(TagEnd::Item),
            Event::End(TagEnd::List(false)),
        ];
        let mut events = vec![
            Event::Start(Tag::Paragraph),
            ev_text("a"),
            Event::End(TagEnd::Paragraph),
        ];
        events.extend(item);
        let mut diags = Vec::new();
        let (out, _) = render(&events, &[(0, 1), (3, 3), (5, 3), (10, 4)], &mut diags);
        assert!(out.starts_with("a\n\n<ul>"), "{out}");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].line, Some(3), "{diags:?}");
    }

    #[test]
    fn numbered_code_and_parsed_literal() {
        let mut code = el(Kind::LiteralBlock).with_attr("language", "py");
        code.attrs.classes = vec!["code".into(), "py".into()].into();
        let mut ln = el(Kind::Inline).with_text("1 ");
        ln.attrs.classes = vec!["ln".into()].into();
        let code = code.with_child(ln).with_text("x = 1");
        let parsed = el(Kind::LiteralBlock)
            .with_text("  a <\n\n")
            .with_child(el(Kind::Strong).with_text("b"));
        let (out, diags) = md_with(
            &doc(vec![code, parsed]),
            &Metadata::default(),
            &Options::default(),
        );
        assert_eq!(
            out,
            "```py\nx = 1\n```\n\n<pre>  a &lt;\n\n<strong>b</strong></pre>\n"
        );
        assert_eq!(diags.len(), 2, "{diags:?}");
    }

    #[test]
    fn image_sizes_are_valid_html() {
        let img = |w: &str| {
            let d = doc(vec![
                el(Kind::Image)
                    .with_attr("uri", "p.png")
                    .with_attr("width", w),
            ]);
            md_with(&d, &Metadata::default(), &Options::default()).0
        };
        assert_eq!(
            img("300px"),
            "<img src=\"p.png\" alt=\"\" width=\"300\" />\n"
        );
        assert_eq!(
            img(" 300 "),
            "<img src=\"p.png\" alt=\"\" width=\"300\" />\n"
        );
        assert_eq!(
            img("2.5px"),
            "<img src=\"p.png\" alt=\"\" style=\"width: 2.5px;\" />\n"
        );
        assert_eq!(
            img("50%"),
            "<img src=\"p.png\" alt=\"\" style=\"width: 50%;\" />\n"
        );
        let d = doc(vec![
            el(Kind::Image)
                .with_attr("uri", "p.png")
                .with_attr("alt", "a\nb")
                .with_attr("width", "1"),
        ]);
        let (out, _) = md_with(&d, &Metadata::default(), &Options::default());
        assert_eq!(out, "<img src=\"p.png\" alt=\"a&#10;b\" width=\"1\" />\n");
        assert_eq!(
            img("px"),
            "<img src=\"p.png\" alt=\"\" style=\"width: px;\" />\n"
        );
    }

    #[test]
    fn title_attribute_and_classed_span() {
        let mut red = el(Kind::Inline).with_text("r");
        red.attrs.classes = vec!["red".into(), "big".into()].into();
        let mut d = doc(vec![el(Kind::Paragraph).with_text("a ").with_child(red)]);
        d.attrs.other.insert("title".into(), " Page  T ".into());
        let (out, diags) = md_with(&d, &Metadata::default(), &Options::default());
        assert_eq!(
            out,
            "---\ntitle: Page T\n---\n\na <span class=\"red big\">r</span>\n"
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
    }
}
