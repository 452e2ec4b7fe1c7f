//! Cross-post links: Nikola's old URLs, the index of every page and asset
//! of the site, and the rewriting of a post's links (`link://`, `:doc:`,
//! old absolute and relative URLs) to the new site's URLs.

use crate::doctree::{Element, Kind, Node};
use std::collections::{HashMap, HashSet};

/// Nikola's permalink of a post (not percent-encoded): `/ru/posts/slug/`,
/// or `/posts/slug.html` without pretty URLs (and for the `index` slug).
pub fn nikola_url(lang_prefix: &str, folder: &str, slug: &str, pretty: bool) -> String {
    let mut url = String::from("/");
    for part in [lang_prefix, folder] {
        if !part.is_empty() {
            url.push_str(part);
            url.push('/');
        }
    }
    url.push_str(slug);
    if pretty && slug != "index" {
        url.push('/');
    } else {
        url.push_str(".html");
    }
    url
}

/// One page of the site as links see it.
#[derive(Clone, Debug)]
pub struct PageRef {
    pub old_url: String,
    pub new_url: String,
    pub slug: String,
    pub title: String,
    pub lang: Option<String>,
    /// Source path relative to the site, `/`-separated (`posts/a.rst`).
    pub source: String,
    /// Not published: links to it point nowhere.
    pub draft: bool,
}

/// What a link points to once resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A page: its index in the page list, and the fragment (`#x`) if any.
    Page(usize, String),
    /// A copied file, by its URL path (`/images/a.png`).
    Asset(String),
    /// A thumbnail Nikola would have made (`a.thumbnail.png`): the
    /// original image it was made from.
    Thumbnail(String),
    /// An internal link that points nowhere.
    Broken(String),
    /// Not ours (another site, `mailto:`, an in-page anchor).
    External,
}

/// Every page and asset URL of the site.
#[derive(Debug, Default)]
pub struct LinkIndex {
    pub pages: Vec<PageRef>,
    by_url: HashMap<String, usize>,
    by_slug: HashMap<String, Vec<usize>>,
    by_source: HashMap<String, usize>,
    /// URL paths of copied files (`/images/a.png`, `/a.pdf` from `files/`).
    assets: HashSet<String>,
    /// `https://example.com/blog` (no trailing slash): old absolute URLs.
    site_prefixes: Vec<String>,
    /// `POSTS`/`PAGES` source folders -> their URL folder (`post_path`).
    folders: HashMap<String, String>,
    /// The path of SITE_URL (`/blog` for `https://x.org/blog/`), or `""`.
    base_path: String,
    /// (`tag`/`category`, slugified name) -> the new site's term page.
    terms: HashMap<(String, String), String>,
}

impl LinkIndex {
    pub fn new(site_urls: &[&str], folders: HashMap<String, String>) -> LinkIndex {
        let mut prefixes = Vec::new();
        for u in site_urls.iter().map(|u| u.trim_end_matches('/')) {
            // Old posts often link the other scheme of the same site.
            let other = match u.split_once("://") {
                Some(("https", rest)) => format!("http://{rest}"),
                Some(("http", rest)) => format!("https://{rest}"),
                _ => continue,
            };
            prefixes.push(u.to_owned());
            prefixes.push(other);
        }
        let base_path = site_urls
            .first()
            .and_then(|u| u.split_once("://"))
            .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].trim_end_matches('/')))
            .unwrap_or("")
            .to_owned();
        LinkIndex {
            site_prefixes: prefixes,
            base_path,
            folders,
            ..LinkIndex::default()
        }
    }

    /// A page's URL as links must write it (with the site's base path).
    pub fn link_to(&self, page: &PageRef) -> String {
        self.with_base(&page.new_url)
    }

    /// A root-relative URL of the site as links write it: Nikola reads
    /// `/images/a.png` relative to SITE_URL, the new engines do not.
    pub fn with_base(&self, url: &str) -> String {
        format!("{}{url}", self.base_path)
    }

    pub fn add_page(&mut self, page: PageRef) {
        let i = self.pages.len();
        for key in url_keys(&page.old_url) {
            self.by_url.entry(key).or_insert(i);
        }
        for key in url_keys(&page.new_url) {
            self.by_url.entry(key).or_insert(i);
        }
        self.by_slug.entry(page.slug.clone()).or_default().push(i);
        if let Some((stem, _)) = page.source.rsplit_once('.') {
            self.by_source.entry(stem.to_owned()).or_insert(i);
        }
        self.by_source.entry(page.source.clone()).or_insert(i);
        self.pages.push(page);
    }

    /// A taxonomy page of the new site (`link://tag/NAME`).
    pub fn add_term(&mut self, kind: &str, name: &str, url: String) {
        let key = (kind.to_owned(), crate::source::slugify(name, false));
        self.terms.entry(key).or_insert(url);
    }

    pub fn add_asset(&mut self, url_path: String) {
        self.assets.insert(url_path);
    }

    pub fn is_asset(&self, url_path: &str) -> bool {
        self.assets.contains(url_path)
    }

    /// The page with `slug`, preferring the language `lang`, then the default one.
    fn by_slug(&self, slug: &str, lang: Option<&str>) -> Option<usize> {
        let found = self.by_slug.get(slug)?;
        let pick = |l: Option<&str>| {
            found
                .iter()
                .copied()
                .find(|&i| self.pages.get(i).is_some_and(|p| p.lang.as_deref() == l))
        };
        pick(lang).or_else(|| pick(None)).or(found.first().copied())
    }

    /// Resolves `url` written in a page whose old URL is `base`.
    pub fn resolve(&self, url: &str, base: &str, lang: Option<&str>) -> Resolved {
        let url = url.trim();
        if url.is_empty() || url.starts_with('#') {
            return Resolved::External;
        }
        if let Some(rest) = url.strip_prefix("link://") {
            return self.resolve_nikola(rest, lang);
        }
        let path = match self.internal_path(url) {
            Some(p) => p,
            None => return Resolved::External,
        };
        let (path, frag) = split_fragment(&path);
        let path = path.split('?').next().unwrap_or_default();
        let absolute = join_relative(base, &percent_decode(path));
        self.resolve_path(&absolute, frag)
    }

    /// The path of an internal URL (absolute on our site, root-relative or
    /// relative), `None` for other sites and schemes.
    fn internal_path(&self, url: &str) -> Option<String> {
        for prefix in &self.site_prefixes {
            if let Some(rest) = url.strip_prefix(prefix.as_str())
                && (rest.is_empty() || rest.starts_with(['/', '#', '?']))
            {
                return Some(if rest.starts_with('/') {
                    rest.to_owned()
                } else {
                    format!("/{rest}")
                });
            }
        }
        if url.starts_with("//") || has_scheme(url) {
            return None;
        }
        Some(url.to_owned())
    }

    fn resolve_path(&self, path: &str, frag: &str) -> Resolved {
        // `/blog/posts/a/` on a site at `https://x.org/blog/`.
        let path = match path.strip_prefix(self.base_path.as_str()) {
            Some(rest) if !self.base_path.is_empty() && rest.starts_with('/') => rest,
            _ => path,
        };
        if let Some(&i) = url_keys(path).iter().find_map(|k| self.by_url.get(k)) {
            return Resolved::Page(i, frag.to_owned());
        }
        if self.assets.contains(path) {
            return Resolved::Asset(path.to_owned());
        }
        if let Some((stem, ext)) = path.rsplit_once(".thumbnail.") {
            let original = format!("{stem}.{ext}");
            if self.assets.contains(&original) {
                return Resolved::Thumbnail(original);
            }
        }
        if path == "/" || path == "/index.html" {
            return Resolved::External;
        }
        if path.starts_with("/galleries/") {
            return Resolved::Broken(format!(
                "{path}: Nikola's gallery pages are not migrated (their images are copied)"
            ));
        }
        Resolved::Broken(format!("no page or file at {path}"))
    }

    /// `link://KIND/NAME` as Nikola's path handlers resolve it.
    fn resolve_nikola(&self, rest: &str, lang: Option<&str>) -> Resolved {
        let (rest, frag) = split_fragment(rest);
        let (kind, name) = rest.split_once('/').unwrap_or((rest, ""));
        let name = percent_decode(name);
        let page = match kind {
            "slug" => self.by_slug(&name, lang),
            "filename" | "post_path" => self
                .by_source
                .get(name.trim_start_matches("./").trim_start_matches('/'))
                .copied(),
            "root_path" | "index" => return Resolved::External,
            "tag" | "category" => {
                let key = (kind.to_owned(), crate::source::slugify(&name, false));
                if let Some(url) = self.terms.get(&key) {
                    return Resolved::Asset(format!("{url}{frag}"));
                }
                None
            }
            _ => None,
        };
        if let Some(i) = page {
            return Resolved::Page(i, frag.to_owned());
        }
        if kind == "post_path"
            && let Some(dest) = self.folders.get(name.trim_end_matches('/'))
        {
            return Resolved::Asset(if dest.is_empty() {
                "/".to_owned()
            } else {
                format!("/{dest}/")
            });
        }
        if kind == "gallery" {
            return Resolved::Broken(format!(
                "link://gallery/{name}: Nikola's gallery pages are not migrated (their images are copied)"
            ));
        }
        if kind == "listing" || kind == "listing_source" {
            // The source file is copied; Nikola's highlighted page is not made.
            let file = name.trim_start_matches('/');
            let file = file.strip_prefix("listings/").unwrap_or(file);
            let url = format!("/listings/{file}");
            if self.assets.contains(&url) {
                return Resolved::Asset(url);
            }
        }
        Resolved::Broken(format!("link://{kind}/{name} resolves to nothing"))
    }
}

/// The lookup keys of a page URL: as is, and without `index.html` or the
/// trailing slash (servers answer `/posts/a` with `/posts/a/`).
fn url_keys(url: &str) -> Vec<String> {
    let url = url.strip_suffix("index.html").unwrap_or(url);
    let mut keys = vec![url.to_owned()];
    if url.len() > 1
        && let Some(bare) = url.strip_suffix('/')
    {
        keys.push(bare.to_owned());
    }
    keys
}

fn split_fragment(s: &str) -> (&str, &str) {
    match s.find('#') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// `rel` resolved against the page URL `base` (`/posts/a/` or
/// `/posts/a.html`), with `.` and `..` segments removed.
pub fn join_relative(base: &str, rel: &str) -> String {
    let joined = if rel.starts_with('/') {
        rel.to_owned()
    } else {
        let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{rel}")
    };
    let mut parts: Vec<&str> = Vec::new();
    let trailing = joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..");
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out.len() > 1 {
        out.push('/');
    }
    out
}

/// `%XX` escapes decoded (invalid UTF-8 kept lossy; bad escapes as written).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = b.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(std::str::from_utf8(h).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What rewriting one post's links found.
#[derive(Debug, Default)]
pub struct LinkFindings {
    /// (line, url, why) for every internal link that points nowhere.
    pub broken: Vec<(Option<u32>, String, String)>,
    /// Asset URL paths the post uses (`/images/a.png`).
    pub assets: Vec<String>,
    /// (line, what was done) for links changed in a lossy way.
    pub compromises: Vec<(Option<u32>, String)>,
    /// Ids of system messages about the `:doc:` role, now resolved.
    pub resolved_messages: Vec<String>,
}

/// The post being rewritten.
pub struct Current<'a> {
    pub old_url: &'a str,
    pub lang: Option<&'a str>,
}

/// Rewrites every link of `doc` in place. `asset_url` maps a used asset's
/// URL path to the URL the new page must use (bundles make them relative).
pub fn rewrite(
    doc: &mut Element,
    index: &LinkIndex,
    cur: &Current,
    asset_url: &dyn Fn(&str) -> Option<String>,
) -> LinkFindings {
    let mut f = LinkFindings::default();
    rewrite_in(doc, index, cur, asset_url, doc.line, &mut f);
    if !f.resolved_messages.is_empty() {
        let ids: HashSet<String> = f.resolved_messages.iter().cloned().collect();
        drop_messages(doc, &ids);
    }
    f
}

fn rewrite_in(
    e: &mut Element,
    index: &LinkIndex,
    cur: &Current,
    asset_url: &dyn Fn(&str) -> Option<String>,
    line: Option<u32>,
    f: &mut LinkFindings,
) {
    let line = e.line.or(line);
    let key = match e.kind {
        Kind::Reference | Kind::Target => "refuri",
        Kind::Image => "uri",
        _ => "",
    };
    if !key.is_empty()
        && let Some(url) = e.get(key).map(str::to_owned)
        && let Some(new) = rewrite_url(&url, index, cur, asset_url, line, f)
    {
        e.set(key, new);
    }
    if e.kind == Kind::Raw
        && e.get("format")
            .is_some_and(|f| f.split_whitespace().any(|w| w == "html"))
    {
        for child in &mut e.children {
            if let Node::Text(t) = child
                && let Some(new) = rewrite_raw_html(t, index, cur, asset_url, line, f)
            {
                *t = new;
            }
        }
        return;
    }
    for child in &mut e.children {
        let Node::Element(c) = child else { continue };
        if c.kind == Kind::Problematic
            && let Some(r) = doc_role(c, index, cur, line.or(c.line), f)
        {
            *child = r.into();
            continue;
        }
        rewrite_in(c, index, cur, asset_url, line, f);
    }
}

fn rewrite_url(
    url: &str,
    index: &LinkIndex,
    cur: &Current,
    asset_url: &dyn Fn(&str) -> Option<String>,
    line: Option<u32>,
    f: &mut LinkFindings,
) -> Option<String> {
    match index.resolve(url, cur.old_url, cur.lang) {
        Resolved::Page(i, frag) => {
            let page = index.pages.get(i)?;
            if page.draft {
                f.broken.push((
                    line,
                    url.to_owned(),
                    format!("{} is a draft (not published)", page.source),
                ));
            }
            let new = format!("{}{frag}", index.link_to(page));
            (new != url).then_some(new)
        }
        Resolved::Asset(path) => {
            if !f.assets.contains(&path) && index.is_asset(&path) {
                f.assets.push(path.clone());
            }
            let new = asset_url(&path).unwrap_or_else(|| index.with_base(&path));
            (new != url).then_some(new)
        }
        Resolved::Thumbnail(path) => {
            if !f.assets.contains(&path) {
                f.assets.push(path.clone());
            }
            f.compromises.push((
                line,
                format!(
                    "thumbnail {url} (made by Nikola's build) written as the full image {path}"
                ),
            ));
            Some(asset_url(&path).unwrap_or_else(|| index.with_base(&path)))
        }
        Resolved::Broken(why) => {
            f.broken.push((line, url.to_owned(), why));
            None
        }
        Resolved::External => None,
    }
}

/// Rewrites the `link://` URLs of Markdown text (a Markdown post), and
/// reports those that resolve to nothing.
pub fn rewrite_text(
    text: &str,
    index: &LinkIndex,
    cur: &Current,
    asset_url: &dyn Fn(&str) -> Option<String>,
) -> (String, LinkFindings) {
    let mut f = LinkFindings::default();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut line = 1u32;
    while let Some(i) = rest.find("link://") {
        line += rest[..i].matches('\n').count() as u32;
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '>' | ']' | '<'))
            .unwrap_or(tail.len());
        let url = &tail[..end];
        match rewrite_url(url, index, cur, asset_url, Some(line), &mut f) {
            Some(new) => out.push_str(&new),
            None => out.push_str(url),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    (out, f)
}

/// Rewrites the `href` and `src` attribute values of raw HTML; `None`
/// when nothing changed.
fn rewrite_raw_html(
    html: &str,
    index: &LinkIndex,
    cur: &Current,
    asset_url: &dyn Fn(&str) -> Option<String>,
    line: Option<u32>,
    f: &mut LinkFindings,
) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    for (start, end) in url_attributes(html) {
        let url = html[start..end].replace("&amp;", "&");
        if let Some(new) = rewrite_url(&url, index, cur, asset_url, line, f) {
            out.push_str(&html[last..start]);
            out.push_str(&new.replace('&', "&amp;").replace('"', "&quot;"));
            last = end;
        }
    }
    if last == 0 {
        return None;
    }
    out.push_str(&html[last..]);
    Some(out)
}

/// Byte ranges of quoted `href=`/`src=` values in HTML (one linear scan).
fn url_attributes(html: &str) -> Vec<(usize, usize)> {
    let b = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'=' {
            i += 1;
            continue;
        }
        let name_ok = ["href", "src"].iter().any(|name| {
            let n = name.len();
            i > n
                && b[i - n..i].eq_ignore_ascii_case(name.as_bytes())
                && b[i - n - 1].is_ascii_whitespace()
        });
        let quote = b.get(i + 1).copied();
        if name_ok && matches!(quote, Some(b'"' | b'\'')) {
            let start = i + 2;
            let q = quote.unwrap_or(b'"');
            if let Some(len) = b[start..].iter().position(|&c| c == q) {
                found.push((start, start + len));
                i = start + len + 1;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// Nikola's `:doc:` role, which our parser leaves as `problematic`
/// (unknown role): ``:doc:`slug` `` or ``:doc:`text <slug#frag>` ``.
/// Returns the reference replacing it; an unknown slug is reported broken
/// and the text is kept as a plain reference-less inline.
fn doc_role(
    p: &Element,
    index: &LinkIndex,
    cur: &Current,
    line: Option<u32>,
    f: &mut LinkFindings,
) -> Option<Element> {
    let raw = p.astext();
    let inner = raw.strip_prefix(":doc:`")?.strip_suffix('`')?;
    let (text, target) = match inner.strip_suffix('>').and_then(|s| s.rsplit_once('<')) {
        Some((t, target)) if t.ends_with(char::is_whitespace) => {
            (Some(t.trim().to_owned()), target.trim().to_owned())
        }
        _ => (None, inner.trim().to_owned()),
    };
    if let Some(id) = p.get("refid") {
        f.resolved_messages.push(id.to_owned());
    }
    let (slug, frag) = split_fragment(&target);
    let Some(i) = index.by_slug(slug, cur.lang) else {
        f.broken.push((
            line,
            format!(":doc:`{target}`"),
            format!("no post with slug {slug:?}"),
        ));
        let shown = text.unwrap_or(target.clone());
        return Some(Element::new(Kind::Inline).with_text(shown));
    };
    let page = index.pages.get(i)?;
    let shown = text.unwrap_or_else(|| page.title.clone());
    let url = format!("{}{frag}", index.link_to(page));
    Some(
        Element::new(Kind::Reference)
            .with_attr("refuri", url)
            .with_attr("name", shown.clone())
            .with_text(shown),
    )
}

/// Removes the system messages with the given ids (stack-free walk).
fn drop_messages(doc: &mut Element, ids: &HashSet<String>) {
    let mut stack = vec![doc];
    while let Some(e) = stack.pop() {
        e.children.retain(|c| match c {
            Node::Element(m) if m.kind == Kind::SystemMessage => {
                !m.attrs.ids.iter().any(|id| ids.contains(id))
            }
            _ => true,
        });
        for c in &mut e.children {
            if let Node::Element(c) = c {
                stack.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LinkIndex {
        let mut ix = LinkIndex::new(
            &["https://example.com/"],
            HashMap::from([("posts".to_owned(), "blog".to_owned())]),
        );
        for (slug, lang, new) in [
            ("a", None, "/blog/a/"),
            ("a", Some("ru"), "/ru/blog/a/"),
            ("привет", None, "/blog/privet/"),
        ] {
            let pre = lang.map_or(String::new(), |l| format!("{l}/"));
            ix.add_page(PageRef {
                old_url: format!("/{pre}blog/{slug}/"),
                new_url: new.to_owned(),
                slug: slug.to_owned(),
                title: format!("Title {slug}"),
                lang: lang.map(str::to_owned),
                source: format!("posts/{slug}.rst"),
                draft: false,
            });
        }
        ix.add_asset("/images/x.png".to_owned());
        ix
    }

    #[test]
    fn resolves_old_urls() {
        let ix = index();
        let r = |u: &str| ix.resolve(u, "/blog/a/", None);
        assert_eq!(r("link://slug/a#s"), Resolved::Page(0, "#s".into()));
        assert_eq!(
            ix.resolve("link://slug/a", "/", Some("ru")),
            Resolved::Page(1, "".into())
        );
        assert_eq!(
            r("link://filename/posts/a.rst"),
            Resolved::Page(0, "".into())
        );
        assert_eq!(r("link://post_path/posts/a"), Resolved::Page(0, "".into()));
        assert_eq!(
            r("link://post_path/posts"),
            Resolved::Asset("/blog/".into())
        );
        assert_eq!(
            r("https://example.com/blog/a/index.html"),
            Resolved::Page(0, "".into())
        );
        assert_eq!(
            r("/blog/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82"),
            Resolved::Page(2, "".into())
        );
        assert_eq!(r("../привет/"), Resolved::Page(2, "".into()));
        assert_eq!(r("/images/x.png"), Resolved::Asset("/images/x.png".into()));
        assert_eq!(
            r("/images/x.thumbnail.png"),
            Resolved::Thumbnail("/images/x.png".into())
        );
        assert!(matches!(r("/images/y.png"), Resolved::Broken(_)));
        assert!(matches!(r("link://slug/nope"), Resolved::Broken(_)));
        assert_eq!(r("https://other.org/blog/a/"), Resolved::External);
        let mut ix = ix;
        ix.add_term("tag", "Big Data", "/tags/Big-Data/".into());
        let r = |u: &str| ix.resolve(u, "/blog/a/", None);
        assert_eq!(
            r("link://tag/big-data"),
            Resolved::Asset("/tags/Big-Data/".into())
        );
        assert!(matches!(r("link://category/x"), Resolved::Broken(_)));
        assert_eq!(r("mailto:x@y"), Resolved::External);
        assert_eq!(r("#top"), Resolved::External);
    }

    #[test]
    fn raw_html_links() {
        let ix = index();
        let mut doc = Element::new(Kind::Document).with_child(
            Element::new(Kind::Raw).with_attr("format", "html").with_text(
                "<a href=\"/blog/привет/\">x</a> <img SRC='/images/x.thumbnail.png'> <a data-href=\"/blog/привет/\" href=\"/gone\">",
            ),
        );
        let cur = Current {
            old_url: "/blog/a/",
            lang: None,
        };
        let f = rewrite(&mut doc, &ix, &cur, &|_| None);
        assert_eq!(
            doc.child(Kind::Raw).unwrap().astext(),
            "<a href=\"/blog/privet/\">x</a> <img SRC='/images/x.png'> <a data-href=\"/blog/привет/\" href=\"/gone\">"
        );
        assert_eq!(f.broken.len(), 1);
        assert_eq!(f.compromises.len(), 1);
    }

    #[test]
    fn markdown_text_links() {
        let ix = index();
        let cur = Current {
            old_url: "/blog/a/",
            lang: None,
        };
        let (text, f) = rewrite_text(
            "[x](link://slug/привет)\n\n<link://slug/nope> link://",
            &ix,
            &cur,
            &|_| None,
        );
        assert_eq!(text, "[x](/blog/privet/)\n\n<link://slug/nope> link://");
        assert_eq!(f.broken.len(), 2);
        assert_eq!(f.broken[0].0, Some(3));
    }

    #[test]
    fn site_in_a_subfolder() {
        let mut ix = LinkIndex::new(&["https://x.org/blog/"], HashMap::new());
        ix.add_page(PageRef {
            old_url: "/posts/a/".into(),
            new_url: "/posts/a/".into(),
            slug: "a".into(),
            title: "A".into(),
            lang: None,
            source: "posts/a.rst".into(),
            draft: false,
        });
        for u in [
            "/blog/posts/a/",
            "http://x.org/blog/posts/a/",
            "link://slug/a",
        ] {
            assert_eq!(
                ix.resolve(u, "/posts/b/", None),
                Resolved::Page(0, "".into()),
                "{u}"
            );
        }
        let mut doc = Element::new(Kind::Document)
            .with_child(Element::new(Kind::Reference).with_attr("refuri", "link://slug/a"));
        let cur = Current {
            old_url: "/posts/b/",
            lang: None,
        };
        rewrite(&mut doc, &ix, &cur, &|_| None);
        assert_eq!(
            doc.child(Kind::Reference).unwrap().get("refuri"),
            Some("/blog/posts/a/")
        );
        ix.add_asset("/images/x.png".into());
        let mut img = Element::new(Kind::Image).with_attr("uri", "/images/x.png");
        rewrite(&mut img, &ix, &cur, &|_| None);
        assert_eq!(img.get("uri"), Some("/blog/images/x.png"));
    }

    #[test]
    fn urls_and_paths() {
        assert_eq!(nikola_url("", "posts", "a", true), "/posts/a/");
        assert_eq!(nikola_url("ru", "", "a", false), "/ru/a.html");
        assert_eq!(nikola_url("", "posts", "index", true), "/posts/index.html");
        assert_eq!(join_relative("/a/b.html", "../c/"), "/c/");
        assert_eq!(join_relative("/a/b/", "../../../x"), "/x");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }

    #[test]
    fn doc_role_and_links_rewritten() {
        let ix = index();
        let mut doc = Element::new(Kind::Document).with_child(
            Element::new(Kind::Paragraph)
                .with_line(3)
                .with_child(
                    Element::new(Kind::Problematic)
                        .with_attr("refid", "m1")
                        .with_text(":doc:`See <привет#x>`"),
                )
                .with_child(Element::new(Kind::Problematic).with_text(":doc:`gone`"))
                .with_child(
                    Element::new(Kind::Reference)
                        .with_attr("refuri", "/blog/привет/")
                        .with_text("t"),
                ),
        );
        let mut msg = Element::new(Kind::SystemMessage);
        msg.attrs.ids.push("m1".into());
        doc.push(msg);
        let cur = Current {
            old_url: "/blog/a/",
            lang: None,
        };
        let f = rewrite(&mut doc, &ix, &cur, &|_| None);
        let p = doc.child(Kind::Paragraph).unwrap();
        let refs: Vec<_> = p.elements().filter_map(|e| e.get("refuri")).collect();
        assert_eq!(refs, ["/blog/privet/#x", "/blog/privet/"]);
        assert_eq!(f.broken.len(), 1);
        assert_eq!(f.broken[0].0, Some(3));
        assert!(doc.child(Kind::SystemMessage).is_none());
    }
}
