//! Round trip: doctree -> HTML (our HTML writer) and doctree -> Markdown ->
//! HTML (pulldown-cmark) must keep the same text and the same link targets
//! and image sources. Trees are built by hand so the test needs no parser.

use postconv::doctree::{Element, Kind, Node};
use postconv::source::Metadata;
use postconv::write::{html, md};
use pulldown_cmark::Parser;
use std::collections::BTreeSet;

fn el(kind: Kind) -> Element {
    Element::new(kind)
}

fn p(text: &str) -> Element {
    el(Kind::Paragraph).with_text(text)
}

fn kids(mut e: Element, children: Vec<Element>) -> Element {
    for c in children {
        e.push(c);
    }
    e
}

fn link(uri: &str, text: &str) -> Element {
    el(Kind::Reference).with_attr("refuri", uri).with_text(text)
}

fn section(id: &str, title: &str, body: Vec<Element>) -> Element {
    let mut s = el(Kind::Section).with_child(el(Kind::Title).with_text(title));
    s.attrs.ids.push(id.into());
    kids(s, body)
}

/// A post using the constructs both formats express without loss.
fn post() -> Element {
    let mut code = el(Kind::LiteralBlock).with_text("let x = a < b && c;\n`tick` *star*");
    code.attrs.classes = vec!["code".into(), "rust".into()].into();
    let img = el(Kind::Image)
        .with_attr("uri", "/images/cat.png")
        .with_attr("alt", "a cat");
    let linked_img = el(Kind::Reference)
        .with_attr("refuri", "https://example.org/big.png")
        .with_child(
            el(Kind::Image)
                .with_attr("uri", "/images/small.png")
                .with_attr("alt", "small"),
        );
    kids(
        el(Kind::Document),
        vec![
            p("Tricky text: *stars*, _under_, <tags>, [brackets], back\\slash, 1. two # three"),
            el(Kind::Paragraph)
                .with_text("Some ")
                .with_child(el(Kind::Emphasis).with_text("emphasis"))
                .with_text(", ")
                .with_child(el(Kind::Strong).with_text("strong"))
                .with_text(" and ")
                .with_child(el(Kind::Literal).with_text("co`de"))
                .with_text(", see\n")
                .with_child(link("https://example.org/a?b=1&c=2", "a link"))
                .with_text(" or ")
                .with_child(
                    el(Kind::Reference)
                        .with_attr("refid", "later")
                        .with_text("later"),
                )
                .with_text("."),
            section(
                "first",
                "First section",
                vec![
                    kids(
                        el(Kind::BulletList),
                        vec![
                            el(Kind::ListItem).with_child(p("one")),
                            el(Kind::ListItem).with_child(
                                el(Kind::Paragraph).with_child(link("https://x.example/", "two")),
                            ),
                        ],
                    ),
                    kids(
                        el(Kind::EnumeratedList)
                            .with_attr("enumtype", "arabic")
                            .with_attr("start", "4"),
                        vec![
                            el(Kind::ListItem).with_child(p("four")),
                            el(Kind::ListItem).with_child(p("five")),
                        ],
                    ),
                    code,
                    el(Kind::BlockQuote).with_child(p("Quoted words.")),
                    section("later", "Later", vec![p("Deep text."), img, linked_img]),
                ],
            ),
            el(Kind::Transition),
            p("The end."),
        ],
    )
}

fn md_html(doc: &Element) -> String {
    let mut diags = Vec::new();
    let opts = md::Options {
        front_matter: false,
        ..md::Options::default()
    };
    let markdown = md::write(doc, &Metadata::default(), &opts, &mut diags);
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, Parser::new_ext(&markdown, md::parser_options()));
    out
}

fn our_html(doc: &Element) -> String {
    let mut diags = Vec::new();
    html::write(
        doc,
        &Metadata::default(),
        &html::Options::default(),
        &mut diags,
    )
    .expect("HTML writer renders")
}

/// Decodes the few entities both writers emit.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
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

/// pulldown-cmark percent-encodes URLs; compare them decoded.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Visible text, whitespace-normalised.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = unescape(&text);
    // Spaces around tags are the writers' layout, not content.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Values of `attr="..."` in `<tag ...>` start tags.
fn attr_values(html: &str, tag: &str, attr: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let open = format!("<{tag} ");
    let key = format!(" {attr}=\"");
    for (i, _) in html.match_indices(&open) {
        let Some(end) = html[i..].find('>') else {
            continue;
        };
        let start_tag = &html[i..i + end];
        if let Some(k) = start_tag.find(&key) {
            let value = &start_tag[k + key.len()..];
            if let Some(q) = value.find('"') {
                found.insert(unescape(&value[..q]));
            }
        }
    }
    found
}

#[test]
fn markdown_keeps_text_links_and_images() {
    let doc = post();
    let ours = our_html(&doc);
    let via_md = md_html(&doc);
    assert_eq!(
        text_of(&via_md),
        text_of(&ours),
        "\nours: {ours}\nvia md: {via_md}"
    );
    assert_eq!(
        attr_values(&via_md, "a", "href"),
        attr_values(&ours, "a", "href")
    );
    assert_eq!(
        attr_values(&via_md, "img", "src"),
        attr_values(&ours, "img", "src")
    );
    assert_eq!(attr_values(&via_md, "a", "href").len(), 4, "{via_md}");
}

#[test]
fn helpers_see_text_and_attributes() {
    let html = "<p>a &amp; <a href=\"x?a=1&amp;b\">b</a>\n  c<img src=\"i.png\" alt=\"\"></p>";
    assert_eq!(text_of(html), "a & b c");
    assert_eq!(
        attr_values(html, "a", "href")
            .into_iter()
            .collect::<Vec<_>>(),
        vec!["x?a=1&b".to_string()]
    );
    assert_eq!(attr_values(html, "img", "src").len(), 1);
    assert_eq!(percent_decode("/%D1%8F?a=%2x%"), "/я?a=%2x%");
}

#[test]
fn markdown_reparses_to_same_text_for_every_paragraph() {
    // Each paragraph alone: the Markdown parser sees exactly the source text.
    for text in [
        "*a* _b_ **c** `d` <e> [f](g) ![h](i) \\ j | k ~~l~~ $m$",
        "# heading?",
        "12. list?",
        "> quote?",
        "---",
        "<!-- comment? -->",
        "&amp; entity?",
    ] {
        let doc = el(Kind::Document)
            .with_child(Node::Text(String::new()))
            .with_child(p(text));
        let via_md = md_html(&doc);
        assert_eq!(text_of(&via_md), text, "{via_md}");
    }
}

/// Lossy constructs: Markdown may lose labels and titles, but it must not
/// invent text, and links and images must survive.
#[test]
fn lossy_constructs_keep_links_and_invent_nothing() {
    let mut note = el(Kind::Footnote)
        .with_child(el(Kind::Label).with_text("1"))
        .with_child(el(Kind::Paragraph).with_child(link("https://n.example/", "noted")));
    note.attrs.ids.push("footnote-1".into());
    note.attrs.names.push("1".into());
    let entry = |t: &str| el(Kind::Entry).with_child(p(t));
    // Markdown has no parsed literal, classed span or aligned image.
    let parsed = el(Kind::LiteralBlock)
        .with_text("parsed  words\n\n  ")
        .with_child(link("https://p.example/", "pre link"));
    let mut red = el(Kind::Inline).with_text("red words");
    red.attrs.classes.push("red".into());
    let aligned = el(Kind::Image)
        .with_attr("uri", "https://i.example/a.png")
        .with_attr("align", "right")
        .with_attr("width", "40em");
    let item = kids(
        el(Kind::ListItem),
        vec![
            el(Kind::Paragraph)
                .with_child(el(Kind::Emphasis).with_text("item"))
                .with_child(red),
            aligned,
        ],
    );
    let row = |cells: Vec<Element>| kids(el(Kind::Row), cells);
    let tgroup = kids(
        el(Kind::Tgroup).with_attr("cols", "2"),
        vec![
            el(Kind::Colspec),
            el(Kind::Colspec),
            el(Kind::Thead).with_child(row(vec![entry("h1"), entry("h2|pipe")])),
            el(Kind::Tbody).with_child(row(vec![entry("c1"), entry("c2")])),
        ],
    );
    let doc = kids(
        el(Kind::Document),
        vec![
            el(Kind::Paragraph).with_text("Text").with_child(
                el(Kind::FootnoteReference)
                    .with_attr("refid", "footnote-1")
                    .with_text("1"),
            ),
            el(Kind::Table).with_child(tgroup),
            el(Kind::Note).with_child(p("mind the gap")),
            kids(
                el(Kind::DefinitionList),
                vec![kids(
                    el(Kind::DefinitionListItem),
                    vec![
                        el(Kind::Term).with_text("term"),
                        el(Kind::Definition).with_child(p("definition")),
                    ],
                )],
            ),
            kids(
                el(Kind::LineBlock),
                vec![
                    el(Kind::Line).with_text("line one"),
                    el(Kind::Line).with_text("line two"),
                ],
            ),
            parsed,
            kids(el(Kind::BulletList), vec![item]),
            note,
        ],
    );
    let ours = our_html(&doc);
    let via_md = md_html(&doc);
    let ours_text = text_of(&ours);
    for word in text_of(&via_md).split_whitespace() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        assert!(ours_text.contains(word), "{word:?} not in {ours_text:?}");
    }
    for needed in [
        "h2|pipe",
        "mind the gap",
        "definition",
        "line two",
        "noted",
        "parsed words",
        "red words",
    ] {
        assert!(text_of(&via_md).contains(needed), "{needed} lost: {via_md}");
    }
    let hrefs = |h: &str| {
        attr_values(h, "a", "href")
            .into_iter()
            .filter(|u| !u.starts_with('#'))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(hrefs(&via_md), hrefs(&ours));
    let srcs = |h: &str| attr_values(h, "img", "src");
    assert_eq!(srcs(&via_md), srcs(&ours));
    // The `<pre>` keeps the literal's spaces and blank line.
    let pre = "<pre>parsed  words\n\n  <a href=\"https://p.example/\">";
    assert!(via_md.contains(pre), "{via_md}");
    assert!(via_md.contains("<li>\n<p><em>item</em>"), "{via_md}");
}

/// Every post in the repository's test material, through the real parser.
fn sample_posts() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rst") {
                out.push(path);
            }
        }
    }
    let mut posts = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    walk(&root.join("posts"), &mut posts);
    walk(&root.join("sites"), &mut posts);
    posts.sort();
    posts
}

#[test]
fn real_posts_keep_links_and_images_in_markdown() {
    let posts = sample_posts();
    assert!(posts.len() >= 3, "test material missing: {posts:?}");
    let external = |h: &str| {
        attr_values(h, "a", "href")
            .into_iter()
            .filter(|u| !u.starts_with('#'))
            .map(|u| percent_decode(&u))
            .collect::<BTreeSet<_>>()
    };
    let images = |h: &str| {
        attr_values(h, "img", "src")
            .into_iter()
            .map(|u| percent_decode(&u))
            .collect::<BTreeSet<_>>()
    };
    for path in posts {
        let text = std::fs::read_to_string(&path).expect("readable post");
        let conv = postconv::convert(&text, Some(&path), &postconv::Options::default())
            .expect("post converts");
        let mut diags = Vec::new();
        let markdown = md::write(
            &conv.document,
            &conv.meta,
            &md::Options::default(),
            &mut diags,
        );
        let fallbacks: Vec<_> = diags
            .iter()
            .filter(|d| d.level > postconv::doctree::Level::Info)
            .collect();
        assert!(fallbacks.is_empty(), "{}: {fallbacks:?}", path.display());
        let mut via_md = String::new();
        let opts =
            md::parser_options() | pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
        pulldown_cmark::html::push_html(&mut via_md, Parser::new_ext(&markdown, opts));
        let ours = our_html(&conv.document);
        let p = path.display();
        assert_eq!(external(&via_md), external(&ours), "{p}");
        assert_eq!(images(&via_md), images(&ours), "{p}");
    }
}
