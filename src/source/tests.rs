use super::*;
use jiff::tz::Offset;
use std::sync::atomic::{AtomicUsize, Ordering};

const SEED_HEADER: &str = "\
.. title: Короткие новости о контейнерах и виртуализации
.. slug: Короткие-новости-о-контейнерах-и-виртуализации-1
.. date: 2014-11-13 16:59:00
.. tags:
.. category:
.. link:
.. description:
.. type: text
.. author: Peter Lemenkov

**Это архивная статья**
";

fn read(text: &str) -> (Post, Vec<Diagnostic>) {
    read_post(text, None, &ReadOptions::default()).unwrap()
}

/// A fresh directory under the system temp dir, unique per test.
fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("postconv-source-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn seed_post_header() {
    let (post, diags) = read(SEED_HEADER);
    let m = &post.meta;
    assert_eq!(
        m.title.as_deref(),
        Some("Короткие новости о контейнерах и виртуализации")
    );
    // Non-ASCII slugs are kept exactly.
    assert_eq!(
        m.slug.as_deref(),
        Some("Короткие-новости-о-контейнерах-и-виртуализации-1")
    );
    assert_eq!(
        m.date_rfc3339().as_deref(),
        Some("2014-11-13T16:59:00+00:00")
    );
    assert!(m.tags.is_empty());
    assert_eq!(m.category, None);
    assert_eq!(m.link, None);
    assert_eq!(m.description, None);
    assert_eq!(m.author.as_deref(), Some("Peter Lemenkov"));
    assert_eq!(m.authors, ["Peter Lemenkov"]);
    assert_eq!(m.get("type"), Some("text"));
    assert_eq!(m.other.len(), 1);
    assert_eq!(post.format, MetaFormat::Nikola);
    assert_eq!(post.body, "**Это архивная статья**\n");
    assert_eq!(post.body_line_offset, 10);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn seed_post_file_if_present() {
    let path = Path::new("/work/shared/samples/seed-post.rst");
    if !path.exists() {
        return;
    }
    let (post, _) = read_post_file(path, &ReadOptions::default()).unwrap();
    assert_eq!(post.meta.author.as_deref(), Some("Peter Lemenkov"));
    let text = std::fs::read_to_string(path).unwrap();
    let first_body_line = text.lines().nth(post.body_line_offset).unwrap();
    assert_eq!(post.body.lines().next(), Some(first_body_line));
}

#[test]
fn bom_and_leading_blank_lines() {
    let (post, _) = read("\u{feff}\n\n.. title: T\n\nBody\n");
    assert_eq!(post.meta.title.as_deref(), Some("T"));
    assert_eq!(post.body, "Body\n");
    assert_eq!(post.body_line_offset, 4);
}

#[test]
fn configured_time_zone_applies_to_naive_dates() {
    let opts = ReadOptions {
        timezone: TimeZone::fixed(Offset::from_hours(3).unwrap()),
        ..ReadOptions::default()
    };
    let text = ".. title: T\n.. date: 2014-11-13 16:59:00\n.. updated: 2017-12-15 15:40:44 UTC-05:00\n\nx\n";
    let (post, _) = read_post(text, None, &opts).unwrap();
    assert_eq!(
        post.meta.date_rfc3339().as_deref(),
        Some("2014-11-13T16:59:00+03:00")
    );
    assert_eq!(
        post.meta.updated_rfc3339().as_deref(),
        Some("2017-12-15T15:40:44-05:00")
    );
}

#[test]
fn bad_date_is_an_error_naming_file_line_and_field() {
    let text = ".. title: T\n.. date: next tuesday\n\nx\n";
    let err = read_post(
        text,
        Some(Path::new("posts/a.rst")),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "posts/a.rst:2: invalid date \"next tuesday\" in field \"date\""
    );
    let err = read_post(text, None, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().starts_with("<string>:2: "), "{err}");
}

#[test]
fn tags_split_trimmed_deduplicated() {
    let (post, _) = read(".. title: T\n.. tags: rust,  reST , ,rust, python,\n\nx\n");
    assert_eq!(post.meta.tags, ["rust", "reST", "python"]);
}

#[test]
fn authors_category_section_and_unknown_keys() {
    let text = ".. title: T\n.. author: Ann, Bob\n.. section: old\n.. status: draft\n.. x-custom: 1\n\nx\n";
    let (post, _) = read(text);
    let m = &post.meta;
    assert_eq!(m.author.as_deref(), Some("Ann, Bob"));
    assert_eq!(m.authors, ["Ann", "Bob"]);
    assert_eq!(m.category.as_deref(), Some("old"));
    assert_eq!(m.get("status"), Some("draft"));
    assert_eq!(m.get("x-custom"), Some("1"));
    assert!(!m.other.contains_key("section"));
}

#[test]
fn yaml_front_matter() {
    let text = "---\ntitle: Hello\ntags: [a, b, a]\nauthor: [Ann, Bob]\ndate: 2020-01-02T03:04:05Z\ncategory: c\n---\nBody\n";
    let (post, _) = read(text);
    let m = &post.meta;
    assert_eq!(post.format, MetaFormat::Yaml);
    assert_eq!(m.title.as_deref(), Some("Hello"));
    assert_eq!(m.tags, ["a", "b"]);
    assert_eq!(m.authors, ["Ann", "Bob"]);
    assert_eq!(m.author.as_deref(), Some("Ann, Bob"));
    assert_eq!(
        m.date_rfc3339().as_deref(),
        Some("2020-01-02T03:04:05+00:00")
    );
    assert_eq!(post.body, "Body\n");
    assert_eq!(post.body_line_offset, 7);
}

#[test]
fn yaml_bad_date_names_the_line() {
    let text = "---\ntitle: Hello\ndate: soon\n---\nBody\n";
    let err = read_post(text, Some(Path::new("p.rst")), &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.rst:3: invalid date \"soon\" in field \"date\""
    );
}

#[test]
fn empty_yaml_values_are_unset() {
    let text = "---\ntitle: \"\"\ntags: []\nslug: ~\n---\nBody\n";
    let (post, diags) = read_post(
        text,
        Some(Path::new("my-post.rst")),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(post.meta.title.as_deref(), Some("my-post"));
    assert_eq!(post.meta.slug.as_deref(), Some("my-post"));
    assert!(post.meta.tags.is_empty());
    assert_eq!(diags.len(), 1);
}

#[test]
fn toml_front_matter() {
    let text = "+++\ntitle = \"Hi\"\ntags = [\"x\", \"y\"]\ndate = 2020-01-02T03:04:05+03:00\nupdated = 2020-02-03\n+++\nBody\n";
    let (post, _) = read(text);
    let m = &post.meta;
    assert_eq!(post.format, MetaFormat::Toml);
    assert_eq!(m.tags, ["x", "y"]);
    assert_eq!(
        m.date_rfc3339().as_deref(),
        Some("2020-01-02T03:04:05+03:00")
    );
    assert_eq!(
        m.updated_rfc3339().as_deref(),
        Some("2020-02-03T00:00:00+00:00")
    );
    assert_eq!(post.body_line_offset, 6);
}

#[test]
fn broken_front_matter_is_an_error() {
    let err = read_post(
        "+++\ntitle = \n+++\n",
        Some(Path::new("p.rst")),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with("p.rst:2: invalid TOML"),
        "{err}"
    );
}

#[test]
fn missing_title_and_slug_fall_back_to_the_file_name() {
    let opts = ReadOptions::default();
    let (post, diags) = read_post(
        ".. date: 2020-01-01\n\nx\n",
        Some(Path::new("posts/Мой пост.rst")),
        &opts,
    )
    .unwrap();
    assert_eq!(post.meta.title.as_deref(), Some("Мой пост"));
    assert_eq!(post.meta.slug.as_deref(), Some("moi-post"));
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].level, Level::Warning);

    let opts = ReadOptions {
        use_slugify: false,
        ..ReadOptions::default()
    };
    let (post, _) = read_post("x\n", Some(Path::new("posts/Мой пост?.rst")), &opts).unwrap();
    assert_eq!(post.meta.slug.as_deref(), Some("Мой пост-"));
    assert_eq!(post.format, MetaFormat::None);
    assert_eq!(post.body, "x\n");
}

#[test]
fn metadata_serializes_dates_as_rfc3339() {
    let (post, _) = read(".. title: T\n.. date: 2017-12-15 15:40:44 UTC+03:00\n\nx\n");
    let json = serde_json::to_value(&post.meta).unwrap();
    assert_eq!(json["date"], "2017-12-15T15:40:44+03:00");
    assert_eq!(json["updated"], serde_json::Value::Null);
    assert_eq!(json["title"], "T");
}

#[test]
fn sidecar_meta_file() {
    let dir = temp_dir("sidecar");
    let post_path = dir.join("post.rst");
    std::fs::write(&post_path, ".. title: ignored\n\nBody\n").unwrap();
    std::fs::write(
        dir.join("post.meta"),
        ".. title: Из файла\n.. slug: из-файла\n.. date: 2012/03/30 23:00\n.. tags: a, b,\n",
    )
    .unwrap();
    let (post, _) = read_post_file(&post_path, &ReadOptions::default()).unwrap();
    assert_eq!(post.meta.title.as_deref(), Some("Из файла"));
    assert_eq!(post.meta.slug.as_deref(), Some("из-файла"));
    assert_eq!(post.meta.tags, ["a", "b"]);
    assert_eq!(
        post.meta.date_rfc3339().as_deref(),
        Some("2012-03-30T23:00:00+00:00")
    );
    assert_eq!(
        post.sidecar.as_deref(),
        Some(dir.join("post.meta").as_path())
    );
    // Two-file posts are not split: the whole text is the body.
    assert_eq!(post.body, ".. title: ignored\n\nBody\n");
    assert_eq!(post.body_line_offset, 0);

    // The sidecar can be switched off.
    let opts = ReadOptions {
        sidecar: false,
        ..ReadOptions::default()
    };
    let (post, _) = read_post_file(&post_path, &opts).unwrap();
    assert_eq!(post.meta.title.as_deref(), Some("ignored"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn translation_falls_back_to_the_default_sidecar() {
    let dir = temp_dir("translation");
    std::fs::write(dir.join("post.rst"), "Body\n").unwrap();
    std::fs::write(dir.join("post.meta"), ".. title: Default\n").unwrap();
    let en = dir.join("post.en.rst");
    std::fs::write(&en, "Body\n").unwrap();
    let (post, _) = read_post_file(&en, &ReadOptions::default()).unwrap();
    assert_eq!(post.meta.title.as_deref(), Some("Default"));
    // Its own sidecar wins.
    std::fs::write(dir.join("post.en.meta"), ".. title: English\n").unwrap();
    let (post, _) = read_post_file(&en, &ReadOptions::default()).unwrap();
    assert_eq!(post.meta.title.as_deref(), Some("English"));
    // A dotted name that is not a translation does not borrow a sidecar.
    std::fs::write(dir.join("v1.rst"), "x\n").unwrap();
    std::fs::write(dir.join("v1.meta"), ".. title: V1\n").unwrap();
    std::fs::write(dir.join("v1.2.rst"), "x\n").unwrap();
    let (post, _) = read_post_file(&dir.join("v1.2.rst"), &ReadOptions::default()).unwrap();
    assert_eq!(post.meta.title.as_deref(), Some("v1.2"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn positional_sidecar() {
    let dir = temp_dir("positional");
    let post_path = dir.join("old.rst");
    std::fs::write(
        dir.join("old.meta"),
        "Old title\nold-slug\n2012/03/30 23:00\nx, y\n\nA description\ntext\n",
    )
    .unwrap();
    let (post, _) = read_post("Body\n", Some(&post_path), &ReadOptions::default()).unwrap();
    let m = &post.meta;
    assert_eq!(post.format, MetaFormat::Positional);
    assert_eq!(m.title.as_deref(), Some("Old title"));
    assert_eq!(m.slug.as_deref(), Some("old-slug"));
    assert_eq!(m.tags, ["x", "y"]);
    assert_eq!(m.link, None);
    assert_eq!(m.description.as_deref(), Some("A description"));
    assert_eq!(m.get("type"), Some("text"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_date_in_sidecar_names_the_sidecar() {
    let dir = temp_dir("baddate");
    let post_path = dir.join("p.rst");
    std::fs::write(dir.join("p.meta"), ".. title: T\n.. date: 2012-13-01\n").unwrap();
    let err = read_post("x\n", Some(&post_path), &ReadOptions::default()).unwrap_err();
    let want = format!("{}:2: invalid date", dir.join("p.meta").display());
    assert!(err.to_string().starts_with(&want), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_utf8_names_file_line_and_offset() {
    let dir = temp_dir("utf8");
    let path = dir.join("bad.rst");
    std::fs::write(&path, b".. title: ok\n\nab\xffcd\n").unwrap();
    let err = read_post_file(&path, &ReadOptions::default()).unwrap_err();
    let want = format!("{}:3: invalid UTF-8 at byte 16", path.display());
    assert!(err.to_string().starts_with(&want), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let err = read_post_file(Path::new("/nonexistent/x.rst"), &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, SourceError::Io { .. }));
    assert!(err.to_string().starts_with("/nonexistent/x.rst: "), "{err}");
}

#[test]
fn large_header_keeps_last_value() {
    // 100k header lines with repeated tags keep the last value (growth in
    // time is guarded in tests/dos.rs, not by a clock here).
    let mut text = String::new();
    for i in 0..100_000 {
        text.push_str(&format!(".. k{}: v{i}\n", i % 100));
    }
    text.push_str(".. tags: a, b\n\nbody\n");
    let (post, _) = read(&text);
    assert_eq!(post.meta.get("k99"), Some("v99999"));
    assert_eq!(post.meta.tags, ["a", "b"]);
    assert_eq!(post.body_line_offset, 100_002);
}

#[test]
fn arbitrary_input_never_panics() {
    const PIECES: [&str; 24] = [
        ".. ",
        "title",
        ": ",
        "date",
        "2014-11-13",
        " 16:59",
        "UTC+03:00",
        "\n",
        "\r\n",
        "---",
        "+++",
        "=",
        "\"",
        "[",
        "]",
        "Ж",
        "\u{feff}",
        " ",
        ",",
        "tags",
        ":",
        "é",
        "{",
        "\t",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..(seed % 40) {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            text.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
        }
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        if let Ok((post, _)) = read_post(&text, Some(Path::new("x.rst")), &ReadOptions::default()) {
            // The body is always a suffix of the text, after the counted lines.
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            assert!(text.ends_with(post.body.as_str()), "{text:?}");
            let before = &text[..text.len() - post.body.len()];
            // An unterminated last header line counts too.
            let partial = post.body.is_empty() && !before.is_empty() && !before.ends_with('\n');
            let lines = before.matches('\n').count() + usize::from(partial);
            assert_eq!(lines, post.body_line_offset, "{text:?}");
        }
    }
}
