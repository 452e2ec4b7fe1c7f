//! Every standard docutils directive and role, and Nikola's, through the
//! whole pipeline into every writer (issue 3): one small document per
//! construct, whose words must reach Markdown (also after pulldown-cmark
//! parses it again), HTML, JSON and an EPUB chapter, with no system
//! message, plus the markup each writer should use. HTML class names are
//! those of `docutils --writer=html5` (0.23).
//!
//! Markdown expectations for gaps found this way are the tests at the end.

use postconv::doctree::{Diagnostic, Level};
use postconv::write::{self, Format, Output};
use postconv::{Converted, InputKind, Options};
use std::io::Read;
use std::path::Path;

/// One construct: its document, the words every output keeps and the
/// markup expected in HTML and Markdown.
struct Case {
    name: &'static str,
    rst: &'static str,
    text: &'static [&'static str],
    html: &'static [&'static str],
    md: &'static [&'static str],
}

const fn case(
    name: &'static str,
    rst: &'static str,
    text: &'static [&'static str],
    html: &'static [&'static str],
    md: &'static [&'static str],
) -> Case {
    Case {
        name,
        rst,
        text,
        html,
        md,
    }
}

const CASES: &[Case] = &[
    // Admonitions: GFM has alerts for five of them; the rest keep their
    // title in a quote.
    case(
        "note",
        ".. note:: Note body text.\n",
        &["Note body text."],
        &[
            "<aside class=\"admonition note\">",
            "<p class=\"admonition-title\">Note</p>",
        ],
        &["> [!NOTE]\n> Note body text."],
    ),
    case(
        "tip",
        ".. tip:: Tip body text.\n",
        &["Tip body text."],
        &["<aside class=\"admonition tip\">"],
        &["> [!TIP]\n"],
    ),
    case(
        "important",
        ".. important:: Important body text.\n",
        &["Important body text."],
        &["<aside class=\"admonition important\">"],
        &["> [!IMPORTANT]\n"],
    ),
    case(
        "warning",
        ".. warning:: Warning body text.\n",
        &["Warning body text."],
        &["<aside class=\"admonition warning\">"],
        &["> [!WARNING]\n"],
    ),
    case(
        "caution",
        ".. caution:: Caution body text.\n",
        &["Caution body text."],
        &["<aside class=\"admonition caution\">"],
        &["> [!CAUTION]\n"],
    ),
    case(
        "attention",
        ".. attention:: Attention body text.\n",
        &["Attention", "Attention body text."],
        &["<aside class=\"admonition attention\">"],
        &["> **Attention**"],
    ),
    case(
        "danger",
        ".. danger:: Danger body text.\n",
        &["Danger", "Danger body text."],
        &["<aside class=\"admonition danger\">"],
        &["> **Danger**"],
    ),
    case(
        "error",
        ".. error:: Error body text.\n",
        &["Error body text."],
        &["<aside class=\"admonition error\">"],
        &["> **Error**"],
    ),
    case(
        "hint",
        ".. hint:: Hint body text.\n",
        &["Hint body text."],
        &["<aside class=\"admonition hint\">"],
        &["> **Hint**"],
    ),
    case(
        "admonition",
        ".. admonition:: Custom Title\n\n   Generic body text.\n",
        &["Custom Title", "Generic body text."],
        &[
            "<aside class=\"admonition admonition-custom-title\">",
            "<p class=\"admonition-title\">Custom Title</p>",
        ],
        &["> **Custom Title**\n>\n> Generic body text."],
    ),
    case(
        "note-blocks",
        ".. note::\n\n   Intro para.\n\n   - item one\n   - item two\n\n   .. code:: python\n\n      x = 1\n",
        &["Intro para.", "item one", "item two", "x = 1"],
        &[
            "<aside class=\"admonition note\">",
            "<li><p>item one</p></li>",
        ],
        &["> [!NOTE]\n> Intro para.\n>\n> - item one"],
    ),
    case(
        "note-in-list",
        "- Item text.\n\n  .. warning:: Careful words.\n\n- Next item.\n",
        &["Item text.", "Careful words.", "Next item."],
        &["<li><p>Item text.</p>\n<aside class=\"admonition warning\">"],
        &["[!WARNING]"],
    ),
    // Images and figures.
    case(
        "image",
        ".. image:: pic.png\n   :alt: Alt words\n   :width: 200px\n",
        &["Alt words"],
        &["<img alt=\"Alt words\" src=\"pic.png\" style=\"width: 200px;\" />"],
        // HTML's width is a whole number of pixels.
        &["src=\"pic.png\"", "width=\"200\""],
    ),
    case(
        "image-percent",
        ".. image:: pic.png\n   :alt: Pct alt\n   :width: 50%\n   :height: 3em\n",
        &["Pct alt"],
        &["style=\"width: 50%; height: 3em;\""],
        &["style=\"width: 50%; height: 3em;\""],
    ),
    case(
        "image-target",
        ".. image:: pic.png\n   :alt: Linked alt\n   :target: https://example.org/big\n",
        &["Linked alt"],
        &["<a class=\"reference external image-reference\" href=\"https://example.org/big\">"],
        &["[![Linked alt](pic.png)](https://example.org/big)"],
    ),
    case(
        "figure",
        ".. figure:: pic.png\n   :alt: Fig alt\n\n   Caption words.\n\n   Legend words.\n",
        &["Caption words.", "Legend words."],
        &[
            "<figure>",
            "<figcaption>\n<p>Caption words.</p>",
            "<div class=\"legend\">",
        ],
        &["![Fig alt](pic.png)", "*Caption words.*"],
    ),
    // Body elements.
    case(
        "topic",
        ".. topic:: Topic Title\n\n   Topic body text.\n",
        &["Topic Title", "Topic body text."],
        &[
            "<aside class=\"topic\">",
            "<p class=\"topic-title\">Topic Title</p>",
        ],
        &["**Topic Title**"],
    ),
    case(
        "sidebar",
        ".. sidebar:: Sidebar Title\n   :subtitle: Sub words\n\n   Sidebar body text.\n",
        &["Sidebar Title", "Sub words", "Sidebar body text."],
        &[
            "<aside class=\"sidebar\">",
            "<p class=\"sidebar-title\">Sidebar Title</p>",
            "<p class=\"sidebar-subtitle\">Sub words</p>",
        ],
        &["> **Sidebar Title**"],
    ),
    case(
        "line-block",
        ".. line-block::\n\n   First line words\n     Indented line words\n",
        &["First line words", "Indented line words"],
        &[
            "<div class=\"line-block\">\n<div class=\"line\">First line words</div>\n<div class=\"line-block\">",
        ],
        &["First line words\\\n"],
    ),
    case(
        "parsed-literal",
        ".. parsed-literal::\n\n   parsed *emph words* here\n",
        &["parsed", "emph words", "here"],
        &["<pre class=\"literal-block\">parsed <em>emph words</em> here</pre>"],
        &[],
    ),
    case(
        "code",
        ".. code:: python\n\n   def spam(): return 42\n",
        &["def spam(): return 42"],
        &["<pre class=\"code python literal-block\"><code>"],
        &["```python\ndef spam(): return 42\n```"],
    ),
    case(
        "code-number-lines",
        ".. code:: python\n   :number-lines:\n\n   x = 1\n   y = 2\n",
        &["x = 1", "y = 2"],
        &["<pre class=\"code python literal-block\">"],
        &["```python\n"],
    ),
    case(
        "math",
        ".. math::\n\n   E = mc^2\n",
        &["E = mc^2"],
        &["<div class=\"math\">\n\\begin{equation*}\nE = mc^2\n\\end{equation*}\n</div>"],
        &["$$E = mc^2$$"],
    ),
    case(
        "rubric",
        ".. rubric:: Rubric words\n",
        &["Rubric words"],
        &["<p class=\"rubric\">Rubric words</p>"],
        &["**Rubric words**"],
    ),
    case(
        "epigraph",
        ".. epigraph::\n\n   Epigraph words.\n\n   -- Attribution Name\n",
        &["Epigraph words.", "Attribution Name"],
        &[
            "<blockquote class=\"epigraph\">",
            "<p class=\"attribution\">—Attribution Name</p>",
        ],
        &["> Epigraph words.", "> — Attribution Name"],
    ),
    case(
        "highlights",
        ".. highlights::\n\n   Highlight words.\n",
        &["Highlight words."],
        &["<blockquote class=\"highlights\">"],
        &["> Highlight words."],
    ),
    case(
        "pull-quote",
        ".. pull-quote::\n\n   Pull quote words.\n",
        &["Pull quote words."],
        &["<blockquote class=\"pull-quote\">"],
        &["> Pull quote words."],
    ),
    case(
        "compound",
        ".. compound::\n\n   Compound first para.\n\n   Compound second para.\n",
        &["Compound first para.", "Compound second para."],
        &["<div class=\"compound\">\n<p>Compound first para.</p>"],
        &[],
    ),
    case(
        "container",
        ".. container:: custom-box\n\n   Container body text.\n",
        &["Container body text."],
        &["<div class=\"custom-box docutils container\">"],
        &[],
    ),
    // Tables: Markdown gets a GFM table.
    case(
        "table",
        ".. table:: Table Caption\n\n   =====  =====\n   Head1  Head2\n   =====  =====\n   cellA  cellB\n   =====  =====\n",
        &["Table Caption", "Head1", "Head2", "cellA", "cellB"],
        &[
            "<caption>Table Caption</caption>",
            "<th class=\"head\"><p>Head1</p></th>",
        ],
        &["|Head1|Head2|", "|cellA|cellB|"],
    ),
    case(
        "csv-table",
        ".. csv-table:: CSV Caption\n   :header: \"Name\", \"Value\"\n\n   \"alpha\", 1\n   \"beta, gamma\", 2\n",
        &["CSV Caption", "Name", "Value", "alpha", "beta, gamma"],
        &[
            "<caption>CSV Caption</caption>",
            "<td><p>beta, gamma</p></td>",
        ],
        &["|Name|Value|", "|beta, gamma|2|"],
    ),
    case(
        "list-table",
        ".. list-table:: List Caption\n   :header-rows: 1\n\n   * - HeadX\n     - HeadY\n   * - cellX\n     - cellY\n",
        &["List Caption", "HeadX", "HeadY", "cellX", "cellY"],
        &[
            "<caption>List Caption</caption>",
            "<th class=\"head\"><p>HeadX</p></th>",
        ],
        &["|HeadX|HeadY|", "|cellX|cellY|"],
    ),
    case(
        "list-table-blocks",
        ".. list-table::\n   :header-rows: 1\n\n   * - H1\n     - H2\n   * - Para one.\n\n       Para two.\n     - - nested a\n       - nested b\n",
        &["H1", "Para one.", "Para two.", "nested a", "nested b"],
        &["<td><p>Para one.</p>\n<p>Para two.</p>\n</td>"],
        // GFM cells hold one line: such a table stays HTML.
        &["<table>", "<td><p>Para one.</p>"],
    ),
    // Document parts.
    case(
        "contents",
        "Doc Title\n=========\n\n.. contents:: Contents Title\n\nSection One\n-----------\n\nPara one.\n\nSection Two\n-----------\n\nPara two.\n",
        &["Contents Title", "Section One", "Section Two", "Para two."],
        &[
            "<nav class=\"contents\" id=\"contents-title\" role=\"doc-toc\">",
            "<a class=\"reference internal\" href=\"#section-one\" id=\"toc-entry-1\">Section One</a>",
        ],
        &["- [Section One](#section-one)", "## Section One"],
    ),
    case(
        "sectnum",
        "Doc Title\n=========\n\n.. sectnum::\n\nSection One\n-----------\n\nPara one.\n\nSection Two\n-----------\n\nPara two.\n",
        &["Section One", "Para one.", "Section Two"],
        &["<h2><span class=\"sectnum\">1 </span>Section One</h2>"],
        &[
            "## 1\u{a0}\u{a0}\u{a0}Section One",
            "## 2\u{a0}\u{a0}\u{a0}Section Two",
        ],
    ),
    case(
        "target-notes",
        "See Python_.\n\n.. _Python: https://www.python.org/\n\n.. target-notes::\n",
        &["Python", "https://www.python.org/"],
        &[
            "<a class=\"brackets\" href=\"#footnote-1\" id=\"footnote-reference-1\" role=\"doc-noteref\">",
            "<aside class=\"footnote brackets\" id=\"footnote-1\" role=\"doc-footnote\">",
        ],
        &["[Python](https://www.python.org/)", "[^"],
    ),
    // Substitutions.
    case(
        "replace",
        "I like |name| a lot.\n\n.. |name| replace:: Replaced *words*\n",
        &["I like Replaced", "words", "a lot."],
        &["I like Replaced <em>words</em> a lot."],
        &["I like Replaced *words* a lot."],
    ),
    case(
        "unicode",
        "Copyright |copy| holder.\n\n.. |copy| unicode:: 0xA9\n",
        &["Copyright © holder."],
        &[],
        &[],
    ),
    case(
        "date",
        "Stamp |stamp| ok.\n\n.. |stamp| date:: Year\n",
        &["Stamp Year ok."],
        &[],
        &[],
    ),
    // Raw, classes, roles.
    case(
        "raw",
        ".. raw:: html\n\n   <span class=\"rawspan\">Raw words</span>\n",
        &["Raw words"],
        &["<span class=\"rawspan\">Raw words</span>"],
        &["<span class=\"rawspan\">Raw words</span>"],
    ),
    case(
        "class",
        ".. class:: special\n\nClassed para words.\n",
        &["Classed para words."],
        &["<p class=\"special\">Classed para words.</p>"],
        &[],
    ),
    case(
        "role",
        ".. role:: custom\n\nSome :custom:`custom role words` here.\n",
        &["custom role words"],
        &["<span class=\"custom\">custom role words</span>"],
        &[],
    ),
    case(
        "role-raw",
        ".. role:: raw-html(raw)\n   :format: html\n\nSome :raw-html:`<b>bold raw</b>` here.\n",
        &["bold raw"],
        &["Some <span class=\"raw-html\"><b>bold raw</b></span> here."],
        &["Some <b>bold raw</b> here."],
    ),
    case(
        "default-role",
        ".. default-role:: emphasis\n\nSome `default words` here.\n",
        &["default words"],
        &["Some <em>default words</em> here."],
        &["Some *default words* here."],
    ),
    case(
        "r-emphasis",
        "Some :emphasis:`emph words` here.\n",
        &["emph words"],
        &["<em>emph words</em>"],
        &["*emph words*"],
    ),
    case(
        "r-strong",
        "Some :strong:`strong words` here.\n",
        &["strong words"],
        &["<strong>strong words</strong>"],
        &["**strong words**"],
    ),
    case(
        "r-literal",
        "Some :literal:`lit words` here.\n",
        &["lit words"],
        &["<span class=\"docutils literal\">lit words</span>"],
        &["`lit words`"],
    ),
    case(
        "r-code",
        ".. role:: py(code)\n   :language: python\n\nSome :code:`code words` and :py:`print(1)` here.\n",
        &["code words", "print(1)"],
        &[
            "<code>code words</code>",
            "<code class=\"py python\">print(1)</code>",
        ],
        &["`code words`", "`print(1)`"],
    ),
    case(
        "r-math",
        "Some :math:`a^2 + b^2` here.\n",
        &["a^2 + b^2"],
        &["<span class=\"math\">\\(a^2 + b^2\\)</span>"],
        &["$a^2 + b^2$"],
    ),
    case(
        "r-pep",
        "See :PEP:`8` here.\n",
        &["PEP 8"],
        &["<a class=\"reference external\" href=\"https://peps.python.org/pep-0008\">PEP 8</a>"],
        &["[PEP 8](https://peps.python.org/pep-0008)"],
    ),
    case(
        "r-rfc",
        "See :RFC:`2822` here.\n",
        &["RFC 2822"],
        &[
            "<a class=\"reference external\" href=\"https://tools.ietf.org/html/rfc2822.html\">RFC 2822</a>",
        ],
        &["[RFC 2822](https://tools.ietf.org/html/rfc2822.html)"],
    ),
    case(
        "r-sub",
        "H\\ :sub:`2`\\ O here.\n",
        &["H", "2", "O here."],
        &["H<sub>2</sub>O here."],
        &["H<sub>2</sub>O here."],
    ),
    case(
        "r-sup",
        "E = mc\\ :sup:`2` here.\n",
        &["E = mc", "here."],
        &["E = mc<sup>2</sup> here."],
        &["E = mc<sup>2</sup> here."],
    ),
    case(
        "r-title",
        "Read :title-reference:`Book Title` here.\n",
        &["Book Title"],
        &["<cite>Book Title</cite>"],
        &["*Book Title*"],
    ),
    // Nikola's directives and role.
    case(
        "youtube",
        ".. youtube:: dQw4w9WgXcQ\n",
        &["youtube-nocookie.com/embed/dQw4w9WgXcQ"],
        &["<div class=\"youtube-video\">\n<iframe"],
        &["<iframe"],
    ),
    case(
        "vimeo",
        ".. vimeo:: 20241459\n",
        &["player.vimeo.com/video/20241459"],
        &["<div class=\"vimeo-video\">\n<iframe"],
        &["<iframe"],
    ),
    case(
        "media",
        ".. media:: https://www.youtube.com/watch?v=dQw4w9WgXcQ\n",
        &["youtube.com/embed/dQw4w9WgXcQ"],
        &["<iframe"],
        &["<iframe"],
    ),
    case(
        "gist",
        ".. gist:: 2395294\n",
        &["gist.github.com/2395294"],
        &["<script src=\"https://gist.github.com/2395294.js\"></script>"],
        &[],
    ),
    case(
        "thumbnail",
        ".. thumbnail:: /images/pic.jpg\n   :alt: Thumb alt\n\n   Thumb caption words.\n",
        &["Thumb caption words."],
        &["<img alt=\"Thumb alt\" src=\"/images/pic.thumbnail.jpg\" />"],
        &["[![Thumb alt](/images/pic.thumbnail.jpg)](/images/pic.jpg)"],
    ),
    case(
        "doc",
        "See :doc:`other-post` and :doc:`Named link <other-post>` here.\n",
        &["other-post", "Named link"],
        &["<a class=\"reference external\" href=\"link://slug/other-post\">Named link</a>"],
        &["[Named link](link://slug/other-post)"],
    ),
];

/// Files the `include` and `listing` cases read.
fn source_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let inc = "Included para words.\n\nSecond included.\n\nThird START here.\n\nMiddle words.\n\nEND marker.\n";
    std::fs::write(dir.path().join("inc.txt"), inc).expect("inc.txt");
    std::fs::write(dir.path().join("data.csv"), "Fname,Fvalue\nfile-alpha,1\n").expect("csv");
    std::fs::write(
        dir.path().join("snippet.html"),
        "<p class=\"snip\">Snippet words</p>\n",
    )
    .expect("html");
    std::fs::create_dir_all(dir.path().join("listings")).expect("listings");
    std::fs::write(
        dir.path().join("listings/hello.py"),
        "print(\"listing words\")\n",
    )
    .expect("hello.py");
    dir
}

/// Everything one document becomes.
struct Outputs {
    conv: Converted,
    md: String,
    /// The Markdown as pulldown-cmark renders it (GFM extensions on).
    md_html: String,
    html: String,
    json: String,
    epub: String,
    /// Writer diagnostics (the reader's are in `conv`).
    diags: Vec<Diagnostic>,
}

fn run(rst: &str, dir: Option<&Path>) -> Outputs {
    let mut opts = Options::for_input(InputKind::Rst);
    opts.parse.base_dir = dir.map(Path::to_path_buf);
    let conv = postconv::convert(rst, None, &opts).expect("reST input never fails");
    let mut diags = Vec::new();
    let wopts = write::Options::default();
    let text = |f: Format, diags: &mut Vec<Diagnostic>| match write::render(&conv, f, &wopts, diags)
        .expect("writer")
    {
        Output::Text(s) => s,
        Output::Bytes(_) => panic!("{f:?} is a text format"),
    };
    let md = text(Format::Md, &mut diags);
    let html = text(Format::Html, &mut diags);
    let json = text(Format::Json, &mut diags);
    let epub = epub_chapter(&conv);
    Outputs {
        md_html: reparse(&md),
        conv,
        md,
        html,
        json,
        epub,
        diags,
    }
}

fn reparse(md: &str) -> String {
    use pulldown_cmark::{Options as MdOptions, Parser, html};
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(md, MdOptions::all()));
    out
}

/// The chapter of a one-post book.
fn epub_chapter(conv: &Converted) -> String {
    let mut diags = Vec::new();
    let opts = postconv::write::epub::EpubOptions::default();
    let bytes =
        postconv::write::epub::build(std::slice::from_ref(conv), &opts, &mut diags).expect("book");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut file = zip.by_name("OEBPS/chapter-001.xhtml").expect("chapter");
    let mut out = String::new();
    file.read_to_string(&mut out).expect("utf-8 chapter");
    out
}

/// HTML and XML escape these; the words compared are unescaped here.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Problems of a case's outputs (empty when all is well).
fn check(case: &Case, out: &Outputs) -> Vec<String> {
    let mut bad = Vec::new();
    let serious: Vec<_> = out
        .conv
        .diagnostics
        .iter()
        .chain(&out.diags)
        .filter(|d| d.level >= Level::Warning)
        .collect();
    if !serious.is_empty() {
        bad.push(format!("diagnostics: {serious:?}"));
    }
    let tree = out.conv.document.pformat();
    if tree.contains("<system_message") {
        bad.push(format!("system_message in the tree:\n{tree}"));
    }
    let outputs = [
        ("md", out.md.clone()),
        ("md re-parsed", unescape(&out.md_html)),
        ("html", unescape(&out.html)),
        ("json", out.json.replace("\\\"", "\"").replace("\\\\", "\\")),
        ("epub", unescape(&out.epub)),
    ];
    for (name, text) in &outputs {
        if text.contains("System Message") || text.contains("system-message") {
            bad.push(format!("{name}: a system message leaks"));
        }
        for word in case.text {
            // JSON keeps a substitution's text in a node of its own.
            let found = match *name {
                "json" => word.split_whitespace().all(|w| text.contains(w)),
                _ => text.contains(word),
            };
            if !found {
                bad.push(format!("{name}: {word:?} missing"));
            }
        }
    }
    for want in case.html {
        if !out.html.contains(want) {
            bad.push(format!("html: no {want:?}"));
        }
    }
    for want in case.md {
        if !out.md.contains(want) {
            bad.push(format!("md: no {want:?}"));
        }
    }
    bad
}

#[test]
fn every_directive_and_role_renders_in_every_writer() {
    let mut failures = Vec::new();
    for case in CASES {
        let out = run(case.rst, None);
        let bad = check(case, &out);
        if !bad.is_empty() {
            failures.push(format!(
                "== {}\n{}\n-- md:\n{}\n-- html:\n{}",
                case.name,
                bad.join("\n"),
                out.md,
                out.html
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn case_names_are_unique() {
    let mut names: Vec<_> = CASES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before);
}

/// `include` with its options, `csv-table` and `raw` from files, and
/// Nikola's `listing`, read beside the document.
#[test]
fn include_and_listing_render() {
    let dir = source_dir();
    let cases = [
        case(
            "include-range",
            ".. include:: inc.txt\n   :start-after: START here.\n   :end-before: END marker.\n",
            &["Middle words."],
            &["<p>Middle words.</p>"],
            &["Middle words."],
        ),
        case(
            "include-literal",
            ".. include:: inc.txt\n   :literal:\n   :start-line: 2\n   :end-line: 3\n",
            &["Second included."],
            &["<pre class=\"literal-block\">Second included.</pre>"],
            &["```\nSecond included.\n```"],
        ),
        case(
            "include-code",
            ".. include:: listings/hello.py\n   :code: python\n",
            &["print(\"listing words\")"],
            &["<pre class=\"code python literal-block\"><code>"],
            &["```python\nprint(\"listing words\")\n```"],
        ),
        case(
            "csv-table-file",
            ".. csv-table:: From a file\n   :file: data.csv\n   :header-rows: 1\n",
            &["From a file", "Fname", "file-alpha"],
            &[
                "<caption>From a file</caption>",
                "<td><p>file-alpha</p></td>",
            ],
            &["|Fname|Fvalue|", "|file-alpha|1|"],
        ),
        case(
            "raw-file",
            ".. raw:: html\n   :file: snippet.html\n",
            &["Snippet words"],
            &["<p class=\"snip\">Snippet words</p>"],
            &["<p class=\"snip\">Snippet words</p>"],
        ),
        case(
            "listing",
            ".. listing:: hello.py python\n",
            &["print(\"listing words\")", "hello.py"],
            &["<pre class=\"code python literal-block\"><code>"],
            &["```python\nprint(\"listing words\")\n```"],
        ),
    ];
    let mut failures = Vec::new();
    for case in &cases {
        let out = run(case.rst, Some(dir.path()));
        let bad = check(case, &out);
        if !bad.is_empty() {
            failures.push(format!("== {}\n{}", case.name, bad.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A table re-parsed from the Markdown is still a table, with the cells.
#[test]
fn markdown_tables_stay_tables() {
    for name in ["table", "csv-table", "list-table"] {
        let case = CASES.iter().find(|c| c.name == name).expect("case");
        let out = run(case.rst, None);
        assert!(out.md_html.contains("<table>"), "{name}: {}", out.md_html);
        assert!(out.md_html.contains("<th>"), "{name}: {}", out.md_html);
    }
}

/// Math survives as math for a Markdown renderer with math support.
#[test]
fn markdown_math_is_math() {
    let out = run(".. math::\n\n   E = mc^2\n\nAnd :math:`a_1` too.\n", None);
    assert!(out.md_html.contains("math-display"), "{}", out.md_html);
    assert!(out.md_html.contains("math-inline"), "{}", out.md_html);
}

/// Header and footer belong to the page: written in a standalone page
/// (as docutils' `<header>`/`<footer>`), and reported where left out.
#[test]
fn header_footer_in_standalone_html() {
    let rst = ".. header:: Header words\n\n.. footer:: Footer words\n\nBody para.\n";
    let conv = postconv::convert(rst, None, &Options::for_input(InputKind::Rst)).expect("conv");
    let mut wopts = write::Options::default();
    wopts.html.standalone = true;
    let mut diags = Vec::new();
    let page = match write::render(&conv, Format::Html, &wopts, &mut diags).expect("html") {
        Output::Text(s) => s,
        Output::Bytes(_) => unreachable!("html is text"),
    };
    assert!(
        page.contains("<header>\n<p>Header words</p>\n</header>"),
        "{page}"
    );
    assert!(
        page.contains("<footer>\n<p>Footer words</p>\n</footer>"),
        "{page}"
    );
    let out = run(rst, None);
    assert!(out.html.contains("Body para."));
    assert!(!out.html.contains("Header words"), "{}", out.html);
    let said = out.diags.iter().any(|d| d.message.contains("header"));
    assert!(said, "{:?}", out.diags);
}

/// `meta` goes to the page's head.
#[test]
fn meta_in_standalone_html() {
    let rst = ".. meta::\n   :keywords: kw1, kw2\n\nBody para.\n";
    let conv = postconv::convert(rst, None, &Options::for_input(InputKind::Rst)).expect("conv");
    let page = standalone(&conv);
    assert!(
        page.contains("<meta content=\"kw1, kw2\" name=\"keywords\" />"),
        "{page}"
    );
    let out = run(rst, None);
    assert!(out.html.contains("<p>Body para.</p>"), "{}", out.html);
    assert!(!out.html.contains("kw1"), "{}", out.html);
}

fn standalone(conv: &Converted) -> String {
    let mut wopts = write::Options::default();
    wopts.html.standalone = true;
    let mut diags = Vec::new();
    match write::render(conv, Format::Html, &wopts, &mut diags).expect("html") {
        Output::Text(s) => s,
        Output::Bytes(_) => unreachable!("html is text"),
    }
}

/// `title` names the page (`<title>`) without a visible heading; an
/// untitled page is named after its source file, as docutils does (HTML
/// forbids an empty `<title>`).
#[test]
fn title_directive_and_untitled_pages() {
    let rst = ".. title:: Page Title Words\n\nBody para.\n";
    let conv = postconv::convert(rst, None, &Options::for_input(InputKind::Rst)).expect("conv");
    let page = standalone(&conv);
    assert!(page.contains("<title>Page Title Words</title>"), "{page}");
    assert!(!page.contains("<h1"), "{page}");
    let mut opts = Options::for_input(InputKind::Rst);
    opts.parse.source = "dir/post.rst".to_owned();
    let conv = postconv::convert("Body para.\n", None, &opts).expect("conv");
    let page = standalone(&conv);
    assert!(page.contains("<title>post.rst</title>"), "{page}");
    assert!(!page.contains("<h1"), "{page}");
}

/// EPUB readers run no scripts or frames: embeds become links.
#[test]
fn epub_embeds_become_links() {
    for (rst, href) in [
        (".. gist:: 2395294\n", "https://gist.github.com/2395294"),
        (
            ".. vimeo:: 20241459\n",
            "https://player.vimeo.com/video/20241459",
        ),
    ] {
        let out = run(rst, None);
        let link = format!("<a class=\"embed-link\" href=\"{href}\"");
        assert!(out.epub.contains(&link), "{}", out.epub);
        assert!(!out.epub.contains("<script"), "{}", out.epub);
        assert!(!out.epub.contains("<iframe"), "{}", out.epub);
    }
}

/// A nested line block's indentation survives CommonMark, which strips
/// leading spaces of continuation lines (no-break spaces stay).
#[test]
fn md_line_block_keeps_indentation() {
    let out = run(
        ".. line-block::\n\n   First line words\n     Indented line words\n",
        None,
    );
    let kept = out.md_html.contains("\u{a0}Indented") || out.md_html.contains("&nbsp;Indented");
    assert!(kept, "{}\n{}", out.md, out.md_html);
}

// Markdown writer gaps (src/write/md.rs), fixed.

/// A parsed literal keeps its inline markup and links (a `<pre>` with
/// `<em>` and `<a>`), its indentation and blank lines, and says so.
#[test]
fn md_parsed_literal_keeps_markup() {
    let out = run(
        ".. parsed-literal::\n\n   parsed *emph words* here\n\n     x < `a link <https://x.org/>`_\n",
        None,
    );
    let pre = "<pre>parsed <em>emph words</em> here\n\n  \
               x &lt; <a href=\"https://x.org/\">a link</a></pre>";
    assert!(out.md_html.contains(pre), "{}\n{}", out.md, out.md_html);
    let said = out.diags.iter().any(|d| d.message.contains("parsed"));
    assert!(said, "{:?}", out.diags);
}

/// A parsed literal with a blank line, inside a list item and a quote.
#[test]
fn md_parsed_literal_nested() {
    let out = run(
        "- item\n\n  .. parsed-literal::\n\n     a *b*\n\n       c\n\n  after\n\n\
         ..\n\n   .. parsed-literal::\n\n      q **r**\n\n      s\n",
        None,
    );
    let item = "<li>\n<p>item</p>\n<pre>a <em>b</em>\n\n  c</pre>\n<p>after</p>\n</li>";
    assert!(out.md_html.contains(item), "{}\n{}", out.md, out.md_html);
    let quote = "<blockquote>\n<pre>q <strong>r</strong>\n\ns</pre>\n</blockquote>";
    assert!(out.md_html.contains(quote), "{}\n{}", out.md, out.md_html);
}

/// `.. title::` is the document's title when the post has none.
#[test]
fn md_title_directive_in_front_matter() {
    let out = run(".. title:: Page Title Words\n\nBody para.\n", None);
    assert!(out.md.contains("title: Page Title Words"), "{}", out.md);
}

/// Raw content for another format is dropped by every writer, and the
/// Markdown writer says so (HTML drops it silently, as docutils).
#[test]
fn raw_latex_is_dropped_loudly_in_markdown() {
    let out = run(
        "Before para.\n\n.. raw:: latex\n\n   \\LaTeXonly\n\nAfter para.\n",
        None,
    );
    for text in [&out.md, &out.html, &out.epub] {
        assert!(text.contains("Before para.") && text.contains("After para."));
        assert!(!text.contains("LaTeXonly"), "{text}");
    }
    let said = out.diags.iter().any(|d| d.message.contains("latex"));
    assert!(said, "{:?}", out.diags);
}

/// `:number-lines:` numbers are not part of the code: a fenced block
/// copied from the page must run.
#[test]
fn md_numbered_code_has_no_numbers_in_the_fence() {
    let out = run(
        ".. code:: python\n   :number-lines:\n\n   x = 1\n   y = 2\n",
        None,
    );
    assert!(
        out.md.contains("```python\nx = 1\ny = 2\n```"),
        "{}",
        out.md
    );
}

/// An aligned image (an HTML `<img>` block) in a list item after
/// emphasis: the list stays Markdown.
#[test]
fn md_list_with_aligned_image_stays_markdown() {
    let out = run(
        "* A *x* here.\n\n  .. image:: pic.png\n     :align: right\n",
        None,
    );
    assert!(out.md.starts_with("- A *x* here."), "{}", out.md);
    assert!(out.md_html.contains("<li>"), "{}", out.md_html);
    // Only the note that the image is HTML, at its line.
    let lossy = |d: &Diagnostic| d.level == Level::Info && d.line == Some(3);
    assert!(out.diags.iter().all(lossy), "{:?}", out.diags);
}

/// A custom role's class (often styling: `:red:`) is kept as a span, or
/// its loss reported like block classes are.
#[test]
fn md_custom_role_class_kept_or_reported() {
    let out = run(".. role:: red\n\nSome :red:`red words` here.\n", None);
    let span = "Some <span class=\"red\">red words</span> here.";
    assert!(out.md.contains(span), "{}", out.md);
    assert!(out.md_html.contains(span), "{}", out.md_html);
    let said = out.diags.iter().any(|d| d.message.contains("classes"));
    assert!(said, "{:?}", out.diags);
}
