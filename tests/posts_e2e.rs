//! End to end on real posts: the seed post keeps its metadata, URLs and
//! linked image in Markdown; every post of the Nikola sample site converts
//! to every format without a panic.

use postconv::write::{self, Format};
use std::path::{Path, PathBuf};

fn convert(path: &Path, format: Format) -> String {
    let text = std::fs::read_to_string(path).expect("UTF-8 post");
    let mut opts = postconv::Options::for_input(postconv::InputKind::Post);
    opts.parse.source = path.display().to_string();
    opts.parse.base_dir = path.parent().map(Path::to_path_buf);
    let conv = postconv::convert(&text, Some(path), &opts).expect("post reads");
    let mut diags = Vec::new();
    let out =
        write::render(&conv, format, &write::Options::default(), &mut diags).expect("renders");
    String::from_utf8(out.as_bytes().to_vec()).expect("text output")
}

/// Every `http(s)://` URL in a text, up to a delimiter reST would end it at.
fn urls(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices("http") {
        let rest = &text[i..];
        if !(rest.starts_with("http://") || rest.starts_with("https://")) {
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '>' | '<' | '`' | '"' | ')'))
            .unwrap_or(rest.len());
        found.push(&rest[..end]);
    }
    found
}

#[test]
fn seed_post_to_markdown_keeps_metadata_urls_and_linked_image() {
    let path = Path::new("examples/seed-post.rst");
    let source = std::fs::read_to_string(path).expect("seed post");
    let md = convert(path, Format::Md);
    let front = md
        .strip_prefix("---\n")
        .and_then(|r| r.split_once("\n---\n"))
        .expect("front matter")
        .0;
    for line in [
        "title: Короткие новости о контейнерах и виртуализации",
        "slug: Короткие-новости-о-контейнерах-и-виртуализации-1",
        "date: 2014-11-13T16:59:00+00:00",
        "author: Peter Lemenkov",
    ] {
        assert!(
            front.lines().any(|l| l == line),
            "front matter lacks {line:?}:\n{front}"
        );
    }
    let wanted = urls(&source);
    assert!(wanted.len() >= 15, "the seed post has many URLs");
    for url in wanted {
        assert!(md.contains(url), "{url} is missing from the Markdown");
    }
    // The substitution image, linked to its :target:.
    let image = "https://pbs.twimg.com/media/BfkFCKFCMAAq5mc.jpg:large";
    let target = "https://twitter.com/imalingerer/status/430380774005551105";
    let html = pulldown_cmark_html(&md);
    let link_start = html
        .find(&format!("<a href=\"{target}\">"))
        .expect("image link");
    let link_end = link_start + html[link_start..].find("</a>").expect("link end");
    assert!(
        html[link_start..link_end].contains(&format!("src=\"{image}\"")),
        "{html}"
    );
}

fn pulldown_cmark_html(md: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(md, write::md::parser_options()),
    );
    html
}

fn sample_site_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "tests/sites/nikola-sample/posts",
        "tests/sites/nikola-sample/pages",
        "tests/posts",
        "examples",
    ] {
        for entry in std::fs::read_dir(dir).expect("folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "rst") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_sample_post_converts_to_every_format() {
    let files = sample_site_files();
    assert!(files.len() >= 18);
    for path in files {
        for format in [
            Format::Md,
            Format::Gfm,
            Format::Html,
            Format::Json,
            Format::Pseudoxml,
        ] {
            let out = convert(&path, format);
            assert!(
                !out.trim().is_empty(),
                "{}: empty {} output",
                path.display(),
                format.name()
            );
        }
    }
}
