//! Outputs checked by real tools: the Nu HTML Checker for standalone HTML
//! pages, and a second CommonMark parser's agreement for Markdown.
//!
//! The checker is the npm package `vnu-jar`, installed by `.ci/run` into
//! `.cache/node` (or named by `VNU_JAR`). Without it the test fails on CI
//! (`CI` set) and is skipped with a notice elsewhere.

use postconv::write::{self, Format};
use std::path::{Path, PathBuf};
use std::process::Command;

fn vnu_jar() -> Option<PathBuf> {
    let path = std::env::var_os("VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".cache/node/node_modules/vnu-jar/build/dist/vnu.jar"));
    path.exists().then_some(path)
}

/// Pages whose own raw HTML breaks the rules (obsolete `<font>`/`<tt>`,
/// `<a name>`, skipped heading levels): the checker would judge the author's
/// markup, not ours.
const INVALID_RAW_HTML: [&str; 2] = ["quickref.rst", "bootstrap-demo.rst"];

fn test_posts() -> Vec<PathBuf> {
    let mut posts = Vec::new();
    for dir in [
        "tests/posts",
        "tests/sites/nikola-sample/posts",
        "tests/sites/nikola-sample/pages",
    ] {
        for entry in std::fs::read_dir(dir).expect("post folder") {
            let path = entry.expect("entry").path();
            let own_raw_invalid = path
                .file_name()
                .is_some_and(|n| INVALID_RAW_HTML.iter().any(|bad| n == *bad));
            if path.extension().is_some_and(|e| e == "rst") && !own_raw_invalid {
                posts.push(path);
            }
        }
    }
    posts.sort();
    posts
}

fn standalone_html(post: &Path) -> String {
    let text = std::fs::read_to_string(post).expect("UTF-8 post");
    let mut opts = postconv::Options::for_input(postconv::InputKind::Post);
    opts.parse.source = post.display().to_string();
    opts.parse.base_dir = post.parent().map(Path::to_path_buf);
    let conv = postconv::convert(&text, Some(post), &opts).expect("post reads");
    let mut wopts = write::Options::default();
    wopts.html.standalone = true;
    let mut diags = Vec::new();
    let out = write::render(&conv, Format::Html, &wopts, &mut diags).expect("html renders");
    String::from_utf8(out.as_bytes().to_vec()).expect("text")
}

#[test]
fn standalone_html_passes_the_nu_checker() {
    let Some(jar) = vnu_jar() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "vnu-jar is not installed (run .ci/run)"
        );
        eprintln!("SKIPPED: vnu.jar not found (npm install vnu-jar into .cache/node)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("postconv-vnu-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut files = Vec::new();
    for post in test_posts() {
        let name = post
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let parent = post
            .parent()
            .and_then(|p| p.file_name())
            .expect("parent")
            .to_string_lossy()
            .into_owned();
        let file = dir.join(format!("{parent}-{name}.html"));
        std::fs::write(&file, standalone_html(&post)).expect("write page");
        files.push(file);
    }
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu"])
        .args(&files)
        .output()
        .expect("java runs");
    let report = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "Nu HTML Checker errors:\n{report}");
}
