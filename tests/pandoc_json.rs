//! The pandoc JSON writer against pandoc itself: for every sample post,
//! `pandoc -f json -t html` must accept our JSON, and its HTML must keep
//! the text, the link targets and the image sources of our own HTML
//! writer's output. Footnotes are compared as a set of bodies, since pandoc
//! moves notes to the end and numbers them itself.
//!
//! pandoc 3 is looked up as `pandoc` on PATH, then through `pypandoc`
//! (`pip install pypandoc_binary`). Without it the test is skipped with a
//! notice, or fails when `CI` is set.

use postconv::write::{html, pandoc_json};
use postconv::{InputKind, Options};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The first pandoc of version 3 or later found.
fn find_pandoc() -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from("pandoc")];
    let py = Command::new("python3")
        .args(["-c", "import pypandoc; print(pypandoc.get_pandoc_path())"])
        .output();
    if let Ok(out) = py
        && out.status.success()
    {
        let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !path.is_empty() {
            candidates.push(PathBuf::from(path));
        }
    }
    candidates.into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| {
                let text = String::from_utf8_lossy(&o.stdout).into_owned();
                let version = text
                    .lines()
                    .next()?
                    .strip_prefix("pandoc")?
                    .trim()
                    .to_owned();
                let major: u32 = version.split('.').next()?.parse().ok()?;
                Some(major >= 3)
            })
            .unwrap_or(false)
    })
}

fn pandoc_or_skip() -> Option<PathBuf> {
    let found = find_pandoc();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "pandoc 3 not found (install it with `pip install pypandoc_binary`)"
        );
        eprintln!("notice: pandoc 3 not found; pandoc JSON tests skipped");
    }
    found
}

fn sample_posts() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    collect_rst(&root.join("posts"), &mut files);
    collect_rst(&root.join("sites/nikola-sample"), &mut files);
    files.sort();
    files
}

fn collect_rst(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rst(&path, out);
        } else if path.extension().is_some_and(|e| e == "rst") {
            out.push(path);
        }
    }
}

/// With `PANDOC_JSON_DUMP=DIR`, keeps each post's JSON for inspection.
fn dump(path: &Path, json: &str) {
    if let Some(dir) = std::env::var_os("PANDOC_JSON_DUMP") {
        let name = path.file_stem().unwrap_or_default().to_string_lossy();
        let parent = path.parent().and_then(Path::file_name).unwrap_or_default();
        let file = Path::new(&dir).join(format!("{}-{name}.json", parent.to_string_lossy()));
        // Best effort: a dump is for inspection only.
        let _ = std::fs::write(file, json);
    }
}

/// Our HTML and our pandoc JSON for one input.
fn convert(text: &str, path: Option<&Path>, kind: InputKind) -> (String, String) {
    let opts = Options::for_input(kind);
    let conv = postconv::convert(text, path, &opts).expect("convert");
    let mut diags = Vec::new();
    let html = html::write(
        &conv.document,
        &conv.meta,
        &html::Options::default(),
        &mut diags,
    )
    .expect("html");
    let json = pandoc_json::write(&conv.document, &conv.meta, &mut diags);
    (html, json)
}

fn pandoc_html(pandoc: &Path, json: &str) -> Result<String, String> {
    let mut child = Command::new(pandoc)
        .args([
            "-f",
            "json",
            "-t",
            "html",
            "--mathjax",
            "--wrap=none",
            "--no-highlight",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(json.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What a reader sees of an HTML fragment.
#[derive(Debug, Default)]
struct Seen {
    text: String,
    footnotes: Vec<String>,
    links: BTreeSet<String>,
    images: BTreeSet<String>,
}

/// What an open element does to the text inside it.
#[derive(Clone, Copy, PartialEq)]
enum Effect {
    None,
    /// Hidden: footnote labels, back links, note references, scripts.
    Hide,
    /// A footnote body: its text goes to its own entry.
    Footnote,
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

const BLOCK: [&str; 27] = [
    "p",
    "div",
    "li",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "pre",
    "blockquote",
    "section",
    "aside",
    "figure",
    "figcaption",
    "table",
    "caption",
    "br",
    "hr",
    "ul",
    "ol",
    "dl",
];

struct Tag<'a> {
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
    raw: &'a str,
}

impl Tag<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn has_class(&self, class: &str) -> bool {
        self.get("class")
            .is_some_and(|c| c.split_whitespace().any(|x| x == class))
    }
}

fn parse_tag(raw: &str) -> Tag<'_> {
    let inner = raw.trim_start_matches('<').trim_end_matches('>');
    let closing = inner.starts_with('/');
    let inner = inner.trim_start_matches('/').trim_end_matches('/');
    let name_end = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut rest = &inner[name_end..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            let (v, tail) = match r.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &r[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = r.find(char::is_whitespace).unwrap_or(r.len());
                    (&r[..end], &r[end..])
                }
            };
            value = decode(v);
            rest = tail;
        }
        if key.is_empty() {
            // A stray character: skip it.
            rest = rest.get(1..).unwrap_or("");
            continue;
        }
        attrs.push((key, value));
    }
    Tag {
        name,
        closing,
        attrs,
        raw,
    }
}

fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{a0}',
                _ => {
                    let num = ent.strip_prefix('#')?;
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(n)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The effect of an element, on either side (docutils' markup or pandoc's).
fn effect(tag: &Tag<'_>, pandoc_notes: bool, in_footnote: bool) -> Effect {
    let role = tag.get("role").unwrap_or("");
    let note_body = role == "doc-footnote" || (pandoc_notes && !in_footnote && tag.name == "li");
    if note_body {
        return Effect::Footnote;
    }
    let hidden = role == "doc-noteref"
        || matches!(tag.name.as_str(), "script" | "style")
        || tag.has_class("footnote-back")
        || (tag.name == "span"
            && in_footnote
            && (tag.has_class("label") || tag.has_class("backrefs")));
    if hidden { Effect::Hide } else { Effect::None }
}

/// `docutils`: the markup is docutils' (whose stylesheet adds text).
fn seen(html: &str, docutils: bool) -> Seen {
    let mut s = Seen::default();
    // Open elements: name, effect.
    let mut stack: Vec<(String, Effect)> = Vec::new();
    let mut pandoc_notes = false;
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let is_tag = rest.starts_with('<')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        if !is_tag {
            // Text up to the next `<` (a stray `<` counts as text).
            let end = rest
                .char_indices()
                .skip(1)
                .find(|(_, c)| *c == '<')
                .map_or(rest.len(), |(i, _)| i);
            let text = decode(&rest[..end]);
            rest = &rest[end..];
            push_seen(&mut s, &stack, &text);
            continue;
        }
        let end = tag_end(rest);
        let tag = parse_tag(&rest[..end]);
        rest = &rest[end..];
        if BLOCK.contains(&tag.name.as_str()) {
            push_seen(&mut s, &stack, " ");
        }
        if tag.closing {
            if let Some(pos) = stack.iter().rposition(|(n, _)| *n == tag.name) {
                stack.truncate(pos);
            }
            continue;
        }
        if tag.name == "section" && tag.has_class("footnotes") {
            pandoc_notes = true;
        }
        let eff = effect(&tag, pandoc_notes, in_effect(&stack, Effect::Footnote));
        let hidden = in_effect(&stack, Effect::Hide) || eff == Effect::Hide;
        if !hidden {
            match tag.name.as_str() {
                "a" => {
                    if let Some(h) = tag.get("href") {
                        s.links.insert(h.to_owned());
                    }
                }
                "img" => {
                    if let Some(src) = tag.get("src") {
                        s.images.insert(src.to_owned());
                    }
                }
                _ => {}
            }
        }
        if tag.get("role") == Some("doc-noteref") && !in_effect(&stack, Effect::Hide) {
            // pandoc glues a note to the word before it.
            let text = current(&mut s, &stack);
            text.truncate(text.trim_end().len());
        }
        if docutils && tag.has_class("classifier") {
            // docutils' stylesheet shows " : " before a classifier.
            push_seen(&mut s, &stack, " : ");
        }
        if eff == Effect::Footnote && !hidden {
            s.footnotes.push(String::new());
        }
        if !VOID.contains(&tag.name.as_str()) && !tag.raw.ends_with("/>") {
            stack.push((tag.name.clone(), eff));
            if matches!(tag.name.as_str(), "script" | "style") {
                // Raw text up to the end tag.
                let close = format!("</{}", tag.name);
                let stop = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
                rest = &rest[stop..];
            }
        }
    }
    s
}

fn in_effect(stack: &[(String, Effect)], e: Effect) -> bool {
    stack.iter().any(|(_, x)| *x == e)
}

/// End of a tag, skipping `>` inside quoted attribute values.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

fn push_seen(s: &mut Seen, stack: &[(String, Effect)], text: &str) {
    if !in_effect(stack, Effect::Hide) {
        current(s, stack).push_str(text);
    }
}

/// The text being collected: a footnote's or the main text.
fn current<'s>(s: &'s mut Seen, stack: &[(String, Effect)]) -> &'s mut String {
    if in_effect(stack, Effect::Footnote)
        && let Some(f) = s.footnotes.last_mut()
    {
        return f;
    }
    &mut s.text
}

/// Whitespace collapsed; math delimiters of either writer removed.
fn normalise(text: &str) -> String {
    let mut t = text.to_owned();
    for delim in [
        "\\begin{equation*}",
        "\\end{equation*}",
        "\\begin{align*}",
        "\\end{align*}",
        "\\begin{aligned}",
        "\\end{aligned}",
        "\\(",
        "\\)",
        "\\[",
        "\\]",
    ] {
        t = t.replace(delim, " ");
    }
    t.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_difference(a: &str, b: &str) -> String {
    let pos = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let start = a[..pos].char_indices().rev().nth(60).map_or(0, |(i, _)| i);
    let ours: String = a[start..].chars().take(160).collect();
    let theirs: String = b.get(start..).unwrap_or("").chars().take(160).collect();
    format!("\n  html:   …{ours}\n  pandoc: …{theirs}")
}

#[test]
fn pandoc_reads_our_json_and_keeps_text_links_and_images() {
    let Some(pandoc) = pandoc_or_skip() else {
        return;
    };
    let posts = sample_posts();
    assert!(posts.len() >= 10, "sample posts not found");
    let mut failures = Vec::new();
    for path in &posts {
        let text = std::fs::read_to_string(path).expect("read post");
        let (ours, json) = convert(&text, Some(path), InputKind::Post);
        dump(path, &json);
        compare(
            &pandoc,
            &path.display().to_string(),
            &ours,
            &json,
            &mut failures,
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} posts:\n{}",
        failures.len(),
        posts.len(),
        failures.join("\n")
    );
}

/// Constructs the sample posts lack, as plain reST (docutils' doctitle,
/// docinfo, contents, numbered sections, spans, nested footnotes, errors).
const RST_CASES: &[(&str, &str)] = &[
    (
        "docinfo-contents",
        "=====\nTitle\n=====\n\n:Author: Jane\n:Authors: A; B\n:Date: 2020\n:Status: draft\n:Extra: field\n\n\
         .. contents::\n\n.. sectnum::\n\nOne\n===\n\nText.\n\nTwo\n===\n\nSub\n---\n\nMore.\n",
    ),
    (
        "footnotes",
        "A [1]_ b [1]_ c [#x]_ d [*]_ e [CIT]_ f [CIT]_.\n\n.. [1] One with [#y]_ inside.\n\
         .. [#x] Auto.\n.. [#y] Nested.\n.. [*] Symbol.\n.. [#z] Never cited.\n.. [CIT] Citation.\n",
    ),
    (
        "tables",
        ".. list-table:: Caption *here*\n   :widths: 1 3\n   :header-rows: 1\n   :stub-columns: 1\n\n\
         \x20  * - A\n     - B\n   * - C\n     - D\n\n+-----+-----+\n| a   | b   |\n+-----+     +\n| c   |     |\n\
         +-----+-----+\n| wide span |\n+===========+\n| x   | y   |\n+-----+-----+\n",
    ),
    (
        "blocks",
        "| line\n|    indented\n|        more\n| back\n\n.. epigraph::\n\n   Quote.\n\n   -- Who\n\n\
         .. compound::\n\n   One.\n\n   Two.\n\n.. container:: box\n\n   Inside.\n\n\
         .. admonition:: Custom *title*\n\n   Body.\n\n.. sidebar:: Side\n   :subtitle: Sub\n\n   Side body.\n\n\
         .. math::\n\n   a &= b \\\\\n   c &= d\n\n.. rubric:: Rubric\n\n-x, --all  Both.\n-f FILE   File.\n\n\
         (a) alpha\n(b) beta\n\nterm : one : two\n   Def.\n",
    ),
    (
        "inline-and-errors",
        ".. |img| image:: pic.png\n   :target: http://target.example/\n\n.. role:: custom\n\n\
         An |img| :custom:`span` :sup:`up` `title` :math:`x^2` _`inline target` `bad`_ `broken <>`_.\n\n\
         .. _anchor:\n\nAfter anchor, see anchor_.\n\n.. figure:: fig.png\n   :target: http://big.example/\n   :align: center\n\n\
         \x20  Caption.\n\n.. image:: a.png\n   :width: 50%\n   :scale: 50\n",
    ),
];

#[test]
fn pandoc_keeps_text_of_more_constructs() {
    let Some(pandoc) = pandoc_or_skip() else {
        return;
    };
    let mut failures = Vec::new();
    for (name, text) in RST_CASES {
        let (ours, json) = convert(text, None, InputKind::Rst);
        dump(Path::new(&format!("rst/{name}.rst")), &json);
        compare(&pandoc, name, &ours, &json, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs pandoc on our JSON and compares what a reader sees with our HTML.
fn compare(pandoc: &Path, name: &str, ours: &str, json: &str, failures: &mut Vec<String>) {
    let theirs = match pandoc_html(pandoc, json) {
        Ok(h) => h,
        Err(e) => {
            failures.push(format!("{name}: pandoc rejected the JSON: {e}"));
            return;
        }
    };
    let (a, b) = (seen(ours, true), seen(&theirs, false));
    let (ta, tb) = (normalise(&a.text), normalise(&b.text));
    if ta != tb {
        failures.push(format!(
            "{name}: text differs{}",
            first_difference(&ta, &tb)
        ));
    }
    let mut fa: Vec<String> = a.footnotes.iter().map(|f| normalise(f)).collect();
    let mut fb: Vec<String> = b.footnotes.iter().map(|f| normalise(f)).collect();
    // pandoc repeats a note at each reference; docutils lists it once.
    fa.sort();
    fa.dedup();
    fb.sort();
    fb.dedup();
    if fa != fb {
        failures.push(format!("{name}: footnotes differ: {fa:?} vs {fb:?}"));
    }
    if a.links != b.links {
        let only_a: Vec<_> = a.links.difference(&b.links).collect();
        let only_b: Vec<_> = b.links.difference(&a.links).collect();
        failures.push(format!(
            "{name}: links differ: html only {only_a:?}, pandoc only {only_b:?}"
        ));
    }
    if a.images != b.images {
        failures.push(format!(
            "{name}: images differ: {:?} vs {:?}",
            a.images, b.images
        ));
    }
}

#[test]
fn output_is_deterministic_and_one_line() {
    for path in sample_posts().iter().take(3) {
        let text = std::fs::read_to_string(path).expect("read post");
        let (_, a) = convert(&text, Some(path), InputKind::Post);
        let (_, b) = convert(&text, Some(path), InputKind::Post);
        assert_eq!(a, b);
        assert!(a.ends_with("}\n") && a.matches('\n').count() == 1);
        assert!(a.starts_with("{\"pandoc-api-version\":[1,23,1],\"meta\":"));
    }
}

#[test]
fn html_reader_sees_what_a_reader_sees() {
    let html = "<p>a <a href=\"u\" role=\"doc-noteref\">1</a> b<!-- c --><script>x</script></p>\
        <aside role=\"doc-footnote\"><span class=\"label\">[1]</span><p>note &amp; <img src=\"i\"/></p></aside>";
    let s = seen(html, true);
    assert_eq!(normalise(&s.text), "a b");
    assert_eq!(
        s.footnotes.iter().map(|f| normalise(f)).collect::<Vec<_>>(),
        ["note &"]
    );
    assert!(s.links.is_empty());
    assert_eq!(s.images.iter().collect::<Vec<_>>(), ["i"]);
}
