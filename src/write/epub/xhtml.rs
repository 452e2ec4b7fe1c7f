//! HTML fragments to well-formed XHTML for EPUB chapters.
//!
//! A forgiving tokenizer in one pass: tags are closed, void elements
//! self-closed, named entities replaced by their characters, attributes
//! quoted, scripts and embeds dropped (an embed with a `src` becomes a
//! link), unknown elements unwrapped. With [`Hooks`], ids, links and image
//! sources are rewritten on the way (the book's part of the job).

use std::collections::{HashMap, HashSet};

/// Something the pass changed; `dropped` when content was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub what: String,
    pub dropped: bool,
}

/// What becomes of an `<img>`.
pub enum Image {
    /// In the book, at this path.
    Embedded(String),
    /// Not in the book: a link to it, showing the alt text.
    Link(String),
    /// Not in the book: its alt text only.
    AltText,
}

/// Rewrites asked of the pass.
pub trait Hooks {
    fn id(&mut self, id: &str) -> String;
    /// The new `href`; `None` drops the link (its text stays).
    fn href(&mut self, href: &str) -> Option<String>;
    fn image(&mut self, src: &str) -> Image;
}

/// Deeper nesting is flattened: keeps closing tags linear-time to match.
const MAX_DEPTH: usize = 256;

/// More attributes on one tag are ignored (duplicates are found by scanning).
const MAX_ATTRS: usize = 64;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content goes with them: scripts, styles, embeds.
const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "noscript", "template", "frameset", "frame",
    "applet", "video", "audio", "canvas", "svg", "math", "head", "title",
];

/// HTML5 elements kept as they are.
const ALLOWED: &[&str] = &[
    "a",
    "abbr",
    "address",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "main",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Obsolete elements and their HTML5 stand-ins.
const RENAMED: &[(&str, &str)] = &[
    ("tt", "code"),
    ("big", "span"),
    ("center", "div"),
    ("font", "span"),
    ("strike", "s"),
    ("acronym", "abbr"),
];

/// Elements that end an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// Presentational attributes HTML5 (and so epubcheck) rejects.
const OBSOLETE_ATTRS: &[&str] = &[
    "align",
    "valign",
    "bgcolor",
    "cellpadding",
    "cellspacing",
    "frameborder",
    "hspace",
    "vspace",
    "allowfullscreen",
    "language",
    "nowrap",
    "clear",
    "face",
    "color",
    "size",
    "charset",
    "wmode",
    "allowscriptaccess",
];

/// Named entities worth knowing; others become text.
const ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("shy", "\u{ad}"),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("hellip", "…"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("sbquo", "‚"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("bdquo", "„"),
    ("middot", "·"),
    ("bull", "•"),
    ("times", "×"),
    ("divide", "÷"),
    ("deg", "°"),
    ("plusmn", "±"),
    ("sect", "§"),
    ("para", "¶"),
    ("euro", "€"),
    ("pound", "£"),
    ("yen", "¥"),
    ("cent", "¢"),
    ("larr", "←"),
    ("rarr", "→"),
    ("uarr", "↑"),
    ("darr", "↓"),
    ("harr", "↔"),
    ("rArr", "⇒"),
    ("lArr", "⇐"),
    ("hArr", "⇔"),
    ("le", "≤"),
    ("ge", "≥"),
    ("ne", "≠"),
    ("asymp", "≈"),
    ("infin", "∞"),
    ("minus", "−"),
    ("prime", "′"),
    ("Prime", "″"),
    ("frac12", "½"),
    ("frac14", "¼"),
    ("frac34", "¾"),
    ("iexcl", "¡"),
    ("iquest", "¿"),
    ("thinsp", "\u{2009}"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("zwj", "\u{200d}"),
    ("zwnj", "\u{200c}"),
    ("alpha", "α"),
    ("beta", "β"),
    ("gamma", "γ"),
    ("delta", "δ"),
    ("pi", "π"),
    ("sigma", "σ"),
    ("mu", "μ"),
    ("lambda", "λ"),
    ("omega", "ω"),
    ("check", "✓"),
    ("hearts", "♥"),
];

/// Escapes text content.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    text_into(&mut out, s);
    out
}

fn text_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Escapes an attribute value (for double quotes).
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Newlines in attributes would be normalised to spaces anyway.
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// An id usable in XHTML: no blanks, nothing XML names forbid.
pub fn clean_id(id: &str) -> String {
    let ok = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut out: String = id.chars().map(|c| if ok(c) { c } else { '-' }).collect();
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// Makes `html` well-formed XHTML; `hooks` rewrite ids, links and images.
pub fn normalise(html: &str, hooks: Option<&mut dyn Hooks>, fixes: &mut Vec<Fix>) -> String {
    normalise_ids(html, hooks, fixes).0
}

/// [`normalise`], also returning the ids the result defines.
pub fn normalise_ids(
    html: &str,
    hooks: Option<&mut dyn Hooks>,
    fixes: &mut Vec<Fix>,
) -> (String, HashSet<String>) {
    let mut p = Pass {
        src: html,
        pos: 0,
        out: String::with_capacity(html.len() + html.len() / 8),
        stack: Vec::new(),
        skipped: HashMap::new(),
        noted: HashSet::new(),
        ids: HashSet::new(),
        hooks,
        fixes,
    };
    p.run();
    (p.out, p.ids)
}

/// An open element: its name in the source and the name written.
struct Open {
    source: String,
    written: &'static str,
}

struct Pass<'a, 'h, 'f> {
    src: &'a str,
    pos: usize,
    out: String,
    stack: Vec<Open>,
    /// Names of unwrapped elements whose end tags are expected.
    skipped: HashMap<String, usize>,
    /// Fixes already noted (one note per kind).
    noted: HashSet<String>,
    ids: HashSet<String>,
    hooks: Option<&'h mut dyn Hooks>,
    fixes: &'f mut Vec<Fix>,
}

/// A parsed start tag.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn get(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Pass<'_, '_, '_> {
    fn fix(&mut self, what: impl Into<String>, dropped: bool) {
        let what = what.into();
        // One note per kind of change is enough.
        if self.noted.insert(what.clone()) {
            self.fixes.push(Fix { what, dropped });
        }
    }

    fn run(&mut self) {
        while self.pos < self.src.len() {
            let rest = &self.src[self.pos..];
            let Some(lt) = rest.find('<') else {
                self.text(rest);
                self.pos = self.src.len();
                break;
            };
            self.text(&rest[..lt]);
            self.pos += lt;
            self.markup();
        }
        while let Some(open) = self.stack.pop() {
            self.fix(format!("unclosed <{}> closed", open.source), false);
            self.close_written(open.written);
        }
    }

    fn close_written(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Text with entities decoded and re-escaped.
    fn text(&mut self, s: &str) {
        let mut rest = s;
        while let Some(amp) = rest.find('&') {
            text_into(&mut self.out, &rest[..amp]);
            let after = &rest[amp + 1..];
            match entity(after) {
                Some((decoded, len)) => {
                    text_into(&mut self.out, &decoded);
                    rest = &after[len..];
                }
                None => {
                    if looks_like_entity(after) {
                        self.fix("unknown entity kept as text", false);
                    }
                    self.out.push_str("&amp;");
                    rest = after;
                }
            }
        }
        text_into(&mut self.out, rest);
    }

    /// At `<`: a comment, declaration, end tag, start tag or a bare `<`.
    fn markup(&mut self) {
        let rest = &self.src[self.pos..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").map_or(rest.len(), |i| i + 7);
            self.pos += end;
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            self.pos += end;
        } else if let Some(after) = rest.strip_prefix("</") {
            let name_len = name_len(after);
            let end = rest.find('>');
            match (name_len, end) {
                (n, Some(end)) if n > 0 => {
                    let name = after[..n].to_ascii_lowercase();
                    self.pos += end + 1;
                    self.end_tag(&name);
                }
                _ => {
                    self.out.push_str("&lt;");
                    self.pos += 1;
                }
            }
        } else {
            match parse_start_tag(rest) {
                Some((tag, self_closed, len)) => {
                    self.pos += len;
                    self.start_tag(tag, self_closed);
                }
                None => {
                    self.out.push_str("&lt;");
                    self.pos += 1;
                }
            }
        }
    }

    fn end_tag(&mut self, name: &str) {
        if VOID.contains(&name) {
            return;
        }
        let found = self.stack.iter().rposition(|o| o.source == name);
        let Some(at) = found else {
            if let Some(n) = self.skipped.get_mut(name).filter(|n| **n > 0) {
                *n -= 1;
            } else {
                self.fix(format!("stray </{name}> dropped"), false);
            }
            return;
        };
        while self.stack.len() > at + 1 {
            if let Some(open) = self.stack.pop() {
                if !auto_closes(&open.source) {
                    self.fix(format!("unclosed <{}> closed", open.source), false);
                }
                self.close_written(open.written);
            }
        }
        if let Some(open) = self.stack.pop() {
            self.close_written(open.written);
        }
    }

    /// Closes what HTML closes implicitly before `name` opens: an open
    /// `<p>` before a block, the open cell, row, item or term before a
    /// sibling.
    fn implicit_closes(&mut self, name: &str) {
        const TABLE: &[&str] = &["table"];
        let (targets, scope): (&[&str], &[&str]) = match name {
            "li" => (&["li"], &["ul", "ol"]),
            "dt" | "dd" => (&["dt", "dd"], &["dl"]),
            "td" | "th" => (&["td", "th"], &["tr", "table"]),
            "tr" => (&["tr"], &["tbody", "thead", "tfoot", "table"]),
            "tbody" | "thead" | "tfoot" => (&["tbody", "thead", "tfoot"], TABLE),
            _ => (&[], &[]),
        };
        if CLOSES_P.contains(&name) {
            self.close_through(&["p"], &["table", "td", "th", "caption", "button"]);
        }
        if !targets.is_empty() {
            self.close_through(targets, scope);
        }
    }

    /// Closes the innermost open element named in `targets` and all inside
    /// it, unless an element of `scope` comes first.
    fn close_through(&mut self, targets: &[&str], scope: &[&str]) {
        let mut found = None;
        for (i, open) in self.stack.iter().enumerate().rev() {
            let name = open.source.as_str();
            if targets.contains(&name) {
                found = Some(i);
                break;
            }
            if scope.contains(&name) {
                return;
            }
        }
        let Some(at) = found else { return };
        while self.stack.len() > at {
            if let Some(open) = self.stack.pop() {
                if self.stack.len() > at && !auto_closes(&open.source) {
                    self.fix(format!("unclosed <{}> closed", open.source), false);
                }
                self.close_written(open.written);
            }
        }
    }

    fn start_tag(&mut self, tag: Tag, self_closed: bool) {
        let name = tag.name.as_str();
        if DROP_WITH_CONTENT.contains(&name) {
            return self.drop_element(tag, self_closed);
        }
        let written: &'static str = if let Some(&(_, to)) = RENAMED.iter().find(|(f, _)| *f == name)
        {
            self.fix(format!("<{name}> written as <{to}>"), false);
            to
        } else if let Some(&known) = ALLOWED.iter().find(|a| **a == name) {
            known
        } else {
            self.fix(format!("unknown element <{name}> unwrapped"), true);
            if !self_closed && !VOID.contains(&name) {
                *self.skipped.entry(tag.name).or_default() += 1;
            }
            return;
        };
        let void = VOID.contains(&written);
        if self.stack.len() >= MAX_DEPTH && !void {
            self.fix("nesting too deep: inner tags unwrapped", true);
            if !self_closed {
                *self.skipped.entry(tag.name).or_default() += 1;
            }
            return;
        }
        self.implicit_closes(written);
        if written == "img" && self.hooks.is_some() {
            return self.image(tag);
        }
        let mut written = written;
        let mut attrs = self.attributes(&tag, written);
        if written == "a"
            && let Some(i) = attrs.iter().position(|(k, _)| k == "href")
        {
            let href = attrs[i].1.clone();
            match self.hooks.as_mut().map(|h| h.href(&href)) {
                Some(Some(new)) => attrs[i].1 = new,
                Some(None) => {
                    written = "span";
                    attrs.retain(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "href" | "target" | "rel" | "hreflang" | "type" | "download"
                        )
                    });
                }
                None => {}
            }
        }
        self.out.push('<');
        self.out.push_str(written);
        for (k, v) in &attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&attr(v));
            self.out.push('"');
        }
        if void {
            self.out.push_str(" />");
        } else if self_closed {
            // `<div/>` is an empty element in XHTML, an open tag in HTML.
            self.out.push_str("></");
            self.out.push_str(written);
            self.out.push('>');
        } else {
            self.out.push('>');
            self.stack.push(Open {
                source: tag.name,
                written,
            });
        }
    }

    /// Attributes kept, cleaned, with ids rewritten and made unique.
    fn attributes(&mut self, tag: &Tag, element: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::with_capacity(tag.attrs.len());
        for (k, v) in &tag.attrs {
            if out.iter().any(|(o, _)| o == k) {
                continue;
            }
            if k.starts_with("on") {
                self.fix(format!("event attribute {k} dropped"), true);
                continue;
            }
            let namespaced_ok = matches!(k.as_str(), "xml:lang" | "epub:type");
            if (k.contains(':') && !namespaced_ok) || k.starts_with("xmlns") {
                continue;
            }
            if OBSOLETE_ATTRS.contains(&k.as_str())
                || (k == "border" && (element != "table" || !matches!(v.as_str(), "" | "1")))
                || (matches!(k.as_str(), "width" | "height")
                    && !(matches!(element, "img" | "col" | "colgroup")
                        && !v.is_empty()
                        && v.bytes().all(|b| b.is_ascii_digit())))
            {
                self.fix(format!("obsolete attribute {k} dropped"), false);
                continue;
            }
            let (k, v) = match k.as_str() {
                // `<a name>` is gone from HTML5; an id does its job.
                "name" if element == "a" => ("id".to_owned(), v.clone()),
                _ => (k.clone(), v.clone()),
            };
            if k == "id" {
                if out.iter().any(|(o, _)| o == "id") {
                    continue;
                }
                let id = match self.hooks.as_mut() {
                    Some(h) => h.id(&v),
                    None => v,
                };
                if !self.ids.insert(id.clone()) {
                    self.fix(format!("duplicate id {id} dropped"), false);
                    continue;
                }
                out.push((k, id));
                continue;
            }
            out.push((k, v));
        }
        out
    }

    fn image(&mut self, tag: Tag) {
        let alt = tag.get("alt").unwrap_or("").to_owned();
        let Some(src) = tag.get("src").map(str::to_owned) else {
            self.fix("<img> without src dropped", true);
            return;
        };
        let Some(hooks) = self.hooks.as_mut() else {
            return;
        };
        let inside_link = self.stack.iter().any(|o| o.written == "a");
        match hooks.image(&src) {
            Image::Embedded(path) => {
                let mut attrs = self.attributes(&tag, "img");
                attrs.retain(|(k, _)| k != "src" && k != "alt");
                self.out.push_str("<img alt=\"");
                self.out.push_str(&attr(&alt));
                self.out.push_str("\" src=\"");
                self.out.push_str(&attr(&path));
                self.out.push('"');
                for (k, v) in &attrs {
                    self.out.push_str(&format!(" {k}=\"{}\"", attr(v)));
                }
                self.out.push_str(" />");
            }
            Image::Link(url) if !inside_link => {
                let shown = if alt.trim().is_empty() { &url } else { &alt };
                self.out.push_str(&format!(
                    "<a class=\"remote-image\" href=\"{}\">{}</a>",
                    attr(&url),
                    text(shown)
                ));
            }
            Image::Link(_) | Image::AltText => text_into(&mut self.out, &alt),
        }
    }

    /// Skips an element with its content; an embed with a source becomes
    /// a link to it.
    fn drop_element(&mut self, tag: Tag, self_closed: bool) {
        let name = tag.name.as_str();
        if !self_closed && !VOID.contains(&name) {
            let rest = &self.src[self.pos..];
            let end = find_end_tag(rest, name);
            self.pos += end.unwrap_or(rest.len());
        }
        let src = tag
            .get("src")
            .or_else(|| tag.get("data"))
            .map(str::to_owned);
        // Nikola's `gist` is a script that draws the gist: the page is
        // what a reader can open instead.
        let src = match src {
            Some(url) if name == "script" => gist_page(&url),
            other => other,
        };
        match src {
            Some(url)
                if matches!(
                    name,
                    "iframe" | "video" | "audio" | "embed" | "object" | "script"
                ) =>
            {
                self.fix(format!("<{name}> replaced by a link to {url}"), true);
                let inside_link = self.stack.iter().any(|o| o.written == "a");
                if inside_link {
                    return;
                }
                let href = match self.hooks.as_mut() {
                    Some(h) => h.href(&url),
                    None => Some(url.clone()),
                };
                match href {
                    Some(h) => self.out.push_str(&format!(
                        "<a class=\"embed-link\" href=\"{}\">{}</a>",
                        attr(&h),
                        text(&url)
                    )),
                    None => text_into(&mut self.out, &url),
                }
            }
            _ if matches!(name, "head" | "title") => {}
            _ => self.fix(format!("<{name}> dropped"), true),
        }
    }
}

/// The page of a gist from its embedding script's URL
/// (`https://gist.github.com/ID.js?file=x` -> `https://gist.github.com/ID`).
fn gist_page(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://gist.github.com/")
        .or_else(|| url.strip_prefix("http://gist.github.com/"))?;
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    let id = path.strip_suffix(".js")?;
    (!id.is_empty()).then(|| format!("https://gist.github.com/{id}"))
}

/// Elements HTML lets authors leave open.
fn auto_closes(name: &str) -> bool {
    matches!(
        name,
        "p" | "li" | "dt" | "dd" | "td" | "th" | "tr" | "thead" | "tbody" | "tfoot" | "colgroup"
    )
}

/// Length of a tag name at the start of `s` (ASCII letter first).
fn name_len(s: &str) -> usize {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return 0;
    }
    b.iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'-'))
        .unwrap_or(b.len())
}

/// `<name attr=value ...>` at the start of `s`: the tag, whether it ends
/// in `/>`, and its length. `None` when it is not a tag (a bare `<`).
fn parse_start_tag(s: &str) -> Option<(Tag, bool, usize)> {
    let b = s.as_bytes();
    let n = name_len(&s[1..]);
    if n == 0 {
        return None;
    }
    let name = s[1..1 + n].to_ascii_lowercase();
    let mut i = 1 + n;
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i)? {
            b'>' => return Some((Tag { name, attrs }, false, i + 1)),
            b'/' if b.get(i + 1) == Some(&b'>') => {
                return Some((Tag { name, attrs }, true, i + 2));
            }
            b'/' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        if i == start {
            // A lone `=`: skip it.
            i += 1;
            continue;
        }
        let key = s[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = None;
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i)? {
                q @ (b'"' | b'\'') => {
                    let close = s[i + 1..].find(*q as char)?;
                    value = Some(&s[i + 1..i + 1 + close]);
                    i += close + 2;
                }
                _ => {
                    let v0 = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = Some(&s[v0..i]);
                }
            }
        }
        if is_attr_name(&key) && attrs.len() < MAX_ATTRS {
            // A bare attribute means its own name (`allowfullscreen`).
            let v = value.map_or_else(|| key.clone(), decode_entities);
            attrs.push((key, v));
        }
    }
}

fn is_attr_name(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

/// Offset just past `</name>` (any case) in `s`.
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let n = name.len();
    let mut from = 0;
    while let Some(i) = s[from..].find("</") {
        let at = from + i + 2;
        let matches = b
            .get(at..at + n)
            .is_some_and(|w| w.eq_ignore_ascii_case(name.as_bytes()));
        if matches {
            return Some(s[at..].find('>').map_or(s.len(), |j| at + j + 1));
        }
        from = at;
    }
    None
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match entity(after) {
            Some((d, len)) => {
                out.push_str(&d);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn looks_like_entity(after: &str) -> bool {
    let n = after
        .bytes()
        .take(32)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    n > 0 && after.as_bytes().get(n) == Some(&b';')
}

/// The entity after a `&`: its text and length including the `;`.
fn entity(after: &str) -> Option<(String, usize)> {
    let semi = after.bytes().take(34).position(|b| b == b';')?;
    let body = &after[..semi];
    let decoded = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        let c = char::from_u32(code).filter(|c| is_xml_char(*c) && *c != '\0');
        c.unwrap_or('\u{fffd}').to_string()
    } else {
        let &(_, v) = ENTITIES.iter().find(|(k, _)| *k == body)?;
        v.to_owned()
    };
    Some((decoded, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(html: &str) -> (String, Vec<Fix>) {
        let mut fixes = Vec::new();
        let out = normalise(html, None, &mut fixes);
        (out, fixes)
    }

    #[test]
    fn writer_output_passes_unchanged() {
        let html = "<p class=\"x\">a <em>b</em><br />c &amp; &lt;d&gt;</p>\n<img alt=\"a\" src=\"p.png\" />\n";
        let (out, fixes) = fixed(html);
        assert_eq!(out, html);
        assert!(fixes.is_empty(), "{fixes:?}");
    }

    #[test]
    fn void_elements_self_closed_and_attributes_quoted() {
        let (out, _) = fixed("<p>a<br>b<img src=x.png alt=pic></p>");
        assert_eq!(out, "<p>a<br />b<img src=\"x.png\" alt=\"pic\" /></p>");
    }

    #[test]
    fn named_entities_become_characters() {
        let (out, fixes) = fixed("a&nbsp;b &mdash; &hellip; &bogus; & &#169; &#x263A;");
        assert_eq!(out, "a\u{a0}b — … &amp;bogus; &amp; © ☺");
        assert_eq!(fixes.len(), 1);
    }

    #[test]
    fn unclosed_and_stray_tags_fixed() {
        let (out, fixes) = fixed("<div><p>one<p>two</span></div><ul><li>a<li>b</ul><em>x");
        assert_eq!(
            out,
            "<div><p>one</p><p>two</p></div><ul><li>a</li><li>b</li></ul><em>x</em>"
        );
        assert!(fixes.iter().any(|f| f.what.contains("stray </span>")));
        assert!(fixes.iter().any(|f| f.what.contains("unclosed <em>")));
    }

    #[test]
    fn gist_script_becomes_a_link_to_the_gist() {
        let html = "<script src=\"https://gist.github.com/2395294.js?file=a.py\"></script><script src=\"https://example.com/x.js\"></script>";
        let out = normalise(html, None, &mut Vec::new());
        assert_eq!(
            out,
            "<a class=\"embed-link\" href=\"https://gist.github.com/2395294\">https://gist.github.com/2395294</a>"
        );
    }

    #[test]
    fn iframe_becomes_a_link_scripts_dropped() {
        let html = "<div class=\"youtube-video\">\n<iframe width=\"560\" src=\"https://www.youtube-nocookie.com/embed/X?rel=0&wmode=transparent\" allowfullscreen\n></iframe>\n</div><script>alert('<p>')</script>";
        let (out, fixes) = fixed(html);
        assert_eq!(
            out,
            "<div class=\"youtube-video\">\n<a class=\"embed-link\" href=\"https://www.youtube-nocookie.com/embed/X?rel=0&amp;wmode=transparent\">https://www.youtube-nocookie.com/embed/X?rel=0&amp;wmode=transparent</a>\n</div>"
        );
        assert!(fixes.iter().all(|f| f.dropped));
        assert_eq!(fixes.len(), 2);
    }

    #[test]
    fn unknown_and_obsolete_elements() {
        let (out, fixes) = fixed("<center><blink>x</blink> <font color=red>y</font></center>");
        assert_eq!(out, "<div>x <span>y</span></div>");
        assert!(fixes.iter().any(|f| f.dropped && f.what.contains("blink")));
    }

    #[test]
    fn comments_and_doctype_dropped_bare_lt_escaped() {
        let (out, _) = fixed("<!DOCTYPE html><!-- c -- d -->a < b <3 </ >");
        assert_eq!(out, "a &lt; b &lt;3 &lt;/ &gt;");
    }

    #[test]
    fn duplicate_attributes_and_ids() {
        let (out, _) = fixed("<p id=a id=b class=x class=y>1</p><p id=a>2</p><a name=n>3</a>");
        assert_eq!(
            out,
            "<p id=\"a\" class=\"x\">1</p><p>2</p><a id=\"n\">3</a>"
        );
    }

    #[test]
    fn deep_nesting_is_bounded_and_linear() {
        let html = "<div>".repeat(20_000) + &"</span>".repeat(20_000);
        let (out, _) = fixed(&html);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
    }

    #[test]
    fn cells_rows_and_paragraphs_close_as_in_html() {
        let (out, _) = fixed("<table border=2><tr><td><p>a<td>b<tr><td><span><p>c</table>");
        assert_eq!(
            out,
            "<table><tr><td><p>a</p></td><td>b</td></tr><tr><td><span><p>c</p></span></td></tr></table>"
        );
        let (out, _) = fixed("<ul><li>a<ul><li>b</ul><li>c</ul>");
        assert_eq!(out, "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>");
    }

    #[test]
    fn many_distinct_unknown_elements() {
        let mut html = String::new();
        for i in 0..20_000 {
            html.push_str(&format!("<x{i} a=1 a=2>t"));
        }
        for i in 0..20_000 {
            html.push_str(&format!("</x{i}>"));
        }
        let (out, fixes) = fixed(&html);
        assert_eq!(out, "t".repeat(20_000));
        assert_eq!(fixes.len(), 20_000);
    }

    #[test]
    fn random_markup_never_panics_and_balances() {
        const PIECES: &[&str] = &[
            "<",
            ">",
            "</",
            "/>",
            "<p>",
            "</p>",
            "<td>",
            "<tr>",
            "<table>",
            "<li>",
            "<a href=#x>",
            "</a>",
            "<img src=x>",
            "<iframe src=y>",
            "</iframe>",
            "<script>",
            "<!--",
            "-->",
            "&",
            "&amp;",
            "&#x",
            ";",
            "\"",
            "'",
            "=",
            " ",
            "é",
            "жж",
            "<x-y",
            "<br",
            "<!",
            "<?",
            "\n",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2_000 {
            let mut html = String::new();
            for _ in 0..24 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                html.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            let (out, _) = fixed(&html);
            let opens = out.matches("<p>").count() + out.matches("<p ").count();
            assert_eq!(opens, out.matches("</p>").count(), "{html:?} -> {out:?}");
        }
    }

    #[test]
    fn truncated_input_does_not_panic() {
        for s in [
            "<",
            "<a",
            "<a href=",
            "<a href=\"x",
            "</",
            "&",
            "&#",
            "&#x;",
            "<p a='>",
            "é<ü",
        ] {
            let _ = fixed(s);
        }
    }
}
