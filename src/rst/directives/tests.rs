//! Directive tests through the whole parser (the block parser calls `run`).

use crate::rst::{Settings, parse};

fn settings() -> Settings {
    Settings {
        source: "test data".into(),
        ..Settings::default()
    }
}

fn tree(input: &str) -> String {
    parse(input, &settings()).document.pformat()
}

#[test]
fn unknown_directive_messages() {
    let out = tree(".. foo::\n");
    assert!(out.contains(
        "No directive entry for \"foo\" in module \"docutils.parsers.rst.languages.en\".\n"
    ));
    assert!(out.contains("Unknown directive type \"foo\"."));
}

fn doc(input: &str, s: &Settings) -> crate::doctree::Element {
    parse(input, s).document
}

fn first(e: &crate::doctree::Element) -> &crate::doctree::Element {
    e.elements().next().expect("an element")
}

#[test]
fn youtube_is_raw_html_with_embed_attrs() {
    let d = doc(".. youtube:: abc123\n   :width: 640\n", &settings());
    let raw = first(&d);
    assert_eq!(raw.kind, crate::doctree::Kind::Raw);
    assert_eq!(raw.get("format"), Some("html"));
    assert_eq!(raw.get(".embed"), Some("youtube"));
    assert_eq!(raw.get(".id"), Some("abc123"));
    let html = raw.astext();
    assert!(
        html.contains(
            "src=\"https://www.youtube-nocookie.com/embed/abc123?rel=0&wmode=transparent\""
        )
    );
    assert!(html.contains("width=\"640\" height=\"315\""));
}

#[test]
fn vimeo_needs_both_sizes() {
    let d = doc(
        ".. vimeo:: 42\n   :width: 100\n   :height: 50\n",
        &settings(),
    );
    let raw = first(&d);
    assert_eq!(raw.get(".embed"), Some("vimeo"));
    assert!(raw.astext().contains("width=\"100\" height=\"50\""));
}

#[test]
fn option_errors_are_docutils_texts() {
    let out = tree(".. image:: a.png\n   :width: 3 furlongs\n");
    assert!(out.contains(
        "Error in \"image\" directive:\n            invalid option value: (option: \"width\"; value: '3 furlongs')\n            not a positive number or measure of one of the following units:\n            em, ex, ch, rem, vw, vh, vmin, vmax, cm, mm, Q, in, pt, pc, px, %."
    ), "{out}");
    let out = tree(".. note::\n");
    assert!(out.contains("Content block expected for the \"note\" directive; none found."));
}

#[test]
fn test_directive_reprs() {
    let out = tree(".. restructuredtext-test-directive:: arg\n   :option: it's\n\n   body\n");
    assert!(
        out.contains("Directive processed. Type=\"restructuredtext-test-directive\", arguments=['arg'], options={'option': \"it's\"}, content:"),
        "{out}"
    );
}

#[test]
fn include_is_confined_and_not_circular() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.rst"), "Included *text*.\n").expect("write");
    std::fs::write(dir.path().join("loop.rst"), ".. include:: loop.rst\n").expect("write");
    let s = Settings {
        base_dir: Some(dir.path().to_path_buf()),
        ..settings()
    };
    let d = doc(".. include:: a.rst\n", &s);
    assert_eq!(first(&d).kind, crate::doctree::Kind::Paragraph);
    assert!(first(&d).astext().starts_with("Included"));
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    let inner = Settings {
        base_dir: Some(sub),
        ..settings()
    };
    let out = parse(".. include:: ../a.rst\n", &inner).document.pformat();
    assert!(out.contains("outside the source folder"), "{out}");
    let out = parse(".. include:: loop.rst\n", &s).document.pformat();
    assert!(
        out.contains("circular inclusion in \"include\" directive"),
        "{out}"
    );
    let off = Settings {
        file_insertion_enabled: false,
        ..s.clone()
    };
    let out = parse(".. include:: a.rst\n", &off).document.pformat();
    assert!(out.contains("\"include\" directive disabled."));
    let lit = doc(".. include:: a.rst\n   :literal:\n", &s);
    assert_eq!(first(&lit).kind, crate::doctree::Kind::LiteralBlock);
    assert_eq!(first(&lit).get("source"), Some("a.rst"));
}

#[test]
fn raw_respects_settings() {
    let s = Settings {
        raw_enabled: false,
        ..settings()
    };
    let out = parse(".. raw:: html\n\n   <b>x</b>\n", &s)
        .document
        .pformat();
    assert!(out.contains("\"raw\" directive disabled."));
    let d = doc(".. raw:: HTML\n\n   <b>x</b>\n", &settings());
    assert_eq!(first(&d).get("format"), Some("html"));
    assert_eq!(first(&d).astext(), "<b>x</b>");
}

#[test]
fn csv_and_list_tables() {
    let out = tree(".. csv-table::\n   :header-rows: 1\n\n   a, \"b, c\"\n   1, 2\n");
    assert!(out.contains("<thead>") && out.contains("b, c"), "{out}");
    let out = tree(".. list-table::\n\n   * - a\n     - b\n   * - c\n");
    assert!(out.contains(
        "uniform two-level bullet list expected, but row 2 does not contain the same number of items as row 1 (1 vs 2)."
    ), "{out}");
}

#[test]
fn odd_inputs_do_not_panic() {
    let cases = [
        ".. image::\n",
        ".. image:: x\n   :width:\n",
        ".. figure:: x\n\n   - a list\n",
        ".. csv-table::\n   :delim: tab\n   :quote: xx\n\n   a\n",
        ".. csv-table::\n\n   \"open\n",
        ".. unicode:: 0x110000\n",
        ".. |x| unicode:: 99999999999999999999\n",
        ".. role:: (x)\n",
        ".. code:: python\n   :number-lines: -5\n\n   a\n   b\n",
        ".. line-block::\n\n   a\n     b\n       c\n   d\n",
        ".. meta::\n   :: x\n",
        ".. include:: <isonum.txt>\n",
        ".. contents::\n   :depth: 99999999999999999999999\n",
        ".. :: x\n",
        ".. math::\n\n   a\n\n\n   b\n",
    ];
    for c in cases {
        let _ = tree(c);
    }
}

/// Random directive blocks from fragments: parsing must never panic.
#[test]
fn random_directive_blocks_do_not_panic() {
    const NAMES: [&str; 24] = [
        "image",
        "figure",
        "csv-table",
        "list-table",
        "table",
        "code",
        "include",
        "raw",
        "unicode",
        "replace",
        "class",
        "role",
        "default-role",
        "meta",
        "contents",
        "sectnum",
        "topic",
        "sidebar",
        "line-block",
        "math",
        "youtube",
        "thumbnail",
        "listing",
        "admonition",
    ];
    const PARTS: [&str; 22] = [
        "",
        " x",
        " a b",
        "\n   :width: 10",
        "\n   :align: left",
        "\n   :header-rows: 1",
        "\n   :file: x",
        "\n   :literal:",
        "\n   :start-line: -1",
        "\n\n   * - a\n     - b",
        "\n\n   1, \"2",
        "\n\n   +--+\n   |a|\n   +--+",
        "\n   :widths: 1 2",
        "\n   :name: n",
        "\n\n   text",
        "\n   :class: 9",
        "\n   :delim: space",
        "\n\n   - x",
        "\t\u{3000}é",
        "\n   :: x",
        "\n   :number-lines:",
        "\n   :target: a_",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..1500 {
        let mut text = format!(".. {}::", NAMES[next(NAMES.len())]);
        for _ in 0..next(4) {
            text.push_str(PARTS[next(PARTS.len())]);
        }
        if next(4) == 0 {
            text = format!(".. |s| {}", &text[3..]);
        }
        text.push('\n');
        let _ = tree(&text);
    }
}

#[test]
fn included_sections_join_the_hierarchy_and_name_their_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inc = "Sub\n---\n\n*unclosed\n";
    std::fs::write(dir.path().join("inc.rst"), inc).expect("write");
    // a look-alike of the end marker must not end the inclusion early
    let fake = ".. end of inclusion from \"fake.rst\"\n\n.. include:: fake.rst\n";
    std::fs::write(dir.path().join("fake.rst"), fake).expect("write");
    let s = Settings {
        base_dir: Some(dir.path().to_path_buf()),
        ..settings()
    };
    let out = tree_with("Top\n===\n\n.. include:: inc.rst\n\nAfter.\n", &s);
    // "After." follows the included subsection, inside it
    assert!(
        out.contains("        <section ids=\"sub\" names=\"sub\">"),
        "{out}"
    );
    assert!(
        out.contains("            <paragraph>\n                After."),
        "{out}"
    );
    assert!(out.contains("line=\"4\" source=\"inc.rst\""), "{out}");
    let out = tree_with(".. include:: fake.rst\n", &s);
    assert!(out.contains("circular inclusion"), "{out}");
    assert!(!out.contains("Maximum nesting depth"), "{out}");
}

fn tree_with(input: &str, s: &Settings) -> String {
    parse(input, s).document.pformat()
}

#[test]
fn id_settings_as_docutils() {
    let input = "Title\n=====\n\n.. _title: x\n";
    let out = tree(input);
    assert!(
        out.contains("<section dupnames=\"title\" ids=\"title\">"),
        "{out}"
    );
    let no_legacy = Settings {
        legacy_ids: false,
        ..settings()
    };
    let out = tree_with(input, &no_legacy);
    // the section has no id at parse time; the target takes the name's id
    assert!(out.contains("<section dupnames=\"title\">"), "{out}");
    assert!(
        out.contains("<target ids=\"title\" names=\"title\""),
        "{out}"
    );
    let fixed = Settings {
        auto_id_prefix: "id".into(),
        ..settings()
    };
    let out = tree_with("[#]_\n\n.. [#] x\n", &fixed);
    assert!(out.contains("<footnote auto=\"1\" ids=\"id2\">"), "{out}");
}

#[test]
fn parse_stage_document_front() {
    let out = tree("Para.\n\n.. meta::\n   :k: v\n\n.. footer:: f\n.. header:: h\n.. title:: T\n");
    assert_eq!(
        out,
        "<document source=\"test data\" title=\"T\">\n    <meta content=\"v\" name=\"k\">\n    <decoration>\n        <header>\n            <paragraph>\n                h\n        <footer>\n            <paragraph>\n                f\n    <paragraph>\n        Para.\n"
    );
}

#[test]
fn contents_name_only_when_free() {
    let out = tree("Contents\n========\n\n.. contents::\n");
    assert!(
        out.contains("<topic classes=\"contents\" ids=\"topic-1\">"),
        "{out}"
    );
    let out = tree("* .. contents::\n");
    assert!(
        out.contains("may not be used within topics or body elements"),
        "{out}"
    );
}

#[test]
fn csv_cell_messages_at_the_state_machine_line() {
    // docutils: the cell's line 1 plus the content offset (3), not the
    // source line 5
    let out = tree("x\n\n.. csv-table::\n\n   a, \"--\n   b\"\n");
    assert!(
        out.contains("<system_message level=\"1\" line=\"4\""),
        "{out}"
    );
}

#[test]
fn metas_are_inserted_where_docutils_inserts_them() {
    // at 0 while the document holds only metas: two opening metas reverse
    let out = tree(".. meta::\n   :a: 1\n\n.. meta::\n   :b: 2\n\npara\n\n.. meta::\n   :c: 3\n");
    let order: Vec<&str> = out.lines().filter(|l| l.contains("<meta")).collect();
    assert_eq!(
        order,
        [
            "    <meta content=\"2\" name=\"b\">",
            "    <meta content=\"1\" name=\"a\">",
            "    <meta content=\"3\" name=\"c\">"
        ]
    );
    // before the first child that is neither titular nor a meta: after a
    // leading rubric, before an earlier meta's error
    let out = tree(".. rubric:: R\n\npara\n\n.. meta::\n   :a: 1\n   bad\n\n.. meta::\n   :b: 2\n");
    let kinds: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("    <"))
        .map(|l| l.split([' ', '>']).nth(4).unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        ["<rubric", "<meta", "<meta", "<system_message", "<paragraph"],
        "{out}"
    );
}
