//! Golden files: every post in `tests/posts/` rendered to every format and
//! compared with `golden/<format>/<stem>.<ext>`.
//!
//! Re-bless with `POSTCONV_BLESS=1 cargo test --test golden`, then review
//! the change with `git diff golden/`. A golden file whose post no longer
//! exists is an error (stale).

use postconv::write::{self, Format};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const FORMATS: [Format; 5] = [
    Format::Md,
    Format::Html,
    Format::Json,
    Format::PandocJson,
    Format::Pseudoxml,
];

fn posts() -> Vec<PathBuf> {
    let mut posts: Vec<PathBuf> = std::fs::read_dir("tests/posts")
        .expect("tests/posts exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rst"))
        .collect();
    posts.sort();
    posts
}

fn render(post: &Path, format: Format) -> String {
    let text = std::fs::read_to_string(post).expect("post is UTF-8");
    let mut opts = postconv::Options::for_input(postconv::InputKind::Post);
    opts.parse.source = post.display().to_string();
    let conv = postconv::convert(&text, Some(post), &opts).expect("post reads");
    let mut diags = Vec::new();
    match write::render(&conv, format, &write::Options::default(), &mut diags) {
        Ok(out) => String::from_utf8(out.as_bytes().to_vec()).expect("text output"),
        Err(e) => panic!("{}: {} writer failed: {e}", post.display(), format.name()),
    }
}

#[test]
fn golden_outputs() {
    let bless = std::env::var_os("POSTCONV_BLESS").is_some();
    let mut failures = Vec::new();
    for format in FORMATS {
        let dir = Path::new("golden").join(format.name());
        std::fs::create_dir_all(&dir).expect("golden dir");
        let mut expected_files = BTreeSet::new();
        for post in posts() {
            let stem = post
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            let file = dir.join(format!("{stem}.{}", format.extension()));
            expected_files.insert(file.clone());
            let actual = render(&post, format);
            assert_eq!(
                actual,
                render(&post, format),
                "{}: output is not deterministic",
                post.display()
            );
            if bless {
                std::fs::write(&file, &actual).expect("write golden");
                continue;
            }
            match std::fs::read_to_string(&file) {
                Ok(golden) if golden == actual => {}
                Ok(_) => failures.push(format!(
                    "{} differs from the output (bless and review with git diff)",
                    file.display()
                )),
                Err(_) => failures.push(format!("{} is missing", file.display())),
            }
        }
        for entry in std::fs::read_dir(&dir).expect("golden dir") {
            let path = entry.expect("entry").path();
            if !expected_files.contains(&path) {
                if bless {
                    std::fs::remove_file(&path).expect("remove stale golden");
                } else {
                    failures.push(format!("{} is stale: no post produces it", path.display()));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden failures:\n{}",
        failures.join("\n")
    );
}

/// Writers without the parser: the JSON golden (tree and metadata) fed back
/// to the Markdown and HTML writers gives their golden files byte for byte.
#[test]
fn writers_from_json_doctree_match_goldens() {
    #[derive(serde::Deserialize)]
    struct JsonDoc {
        schema_version: u32,
        meta: postconv::source::Metadata,
        document: postconv::doctree::Element,
    }
    let mut checked = 0;
    for post in posts() {
        let stem = post
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let json_file = Path::new("golden/json").join(format!("{stem}.json"));
        let Ok(text) = std::fs::read_to_string(&json_file) else {
            continue; // golden_outputs reports missing files
        };
        let doc: JsonDoc = serde_json::from_str(&text).expect("golden JSON parses");
        assert_eq!(doc.schema_version, write::json::SCHEMA_VERSION);
        let conv = postconv::Converted {
            meta: doc.meta,
            document: doc.document,
            diagnostics: Vec::new(),
            line_offset: 0,
        };
        for format in [Format::Md, Format::Html] {
            let golden = Path::new("golden")
                .join(format.name())
                .join(format!("{stem}.{}", format.extension()));
            let mut diags = Vec::new();
            let out = write::render(&conv, format, &write::Options::default(), &mut diags)
                .expect("renders");
            let expected = std::fs::read_to_string(&golden).expect("golden exists");
            assert_eq!(
                String::from_utf8_lossy(out.as_bytes()),
                expected,
                "{}",
                golden.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "too few posts checked: {checked}");
}
