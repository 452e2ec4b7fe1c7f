//! Superlinear-time guard and stack check (pulldown-cmark's dos test, for reST).
//!
//! Each pathological input is converted at 1x and 8x its size, through the
//! parser, the transforms and every writer. Linear code takes 8x as long; the
//! test fails when the 8x run takes more than `MAX_RATIO` times the 1x run.
//! Why 40: quadratic code gives 64x, n log n about 10x, and a 1 MB input
//! falling out of the caches or an allocator growing its arenas adds a few x
//! more; 40 sits between, and a ratio over it is measured again (up to
//! `ATTEMPTS` times) so a busy shared machine cannot fail the test alone.
//!
//! Work runs on a thread with a 2 MiB stack (the size of cargo's test
//! threads and Rust's default), so deep input that overflows in real use
//! overflows here too. In a release build (`cargo test --release --test
//! dos`, about 3 minutes) the 8x inputs are at least 1 MB and the counts
//! 20,000, as issue 6 asks; `cargo test` runs 1/64 of that (see `scaled`).
//!
//! Inputs that crashed or hung a fuzz target live in `tests/fuzz-regressions/`
//! and are all converted by `fuzz_regressions`.

use postconv::doctree::{Diagnostic, Level};
use postconv::write::{self, Format};
use postconv::{InputKind, Options, convert};
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const MAX_RATIO: f64 = 40.0;
const ATTEMPTS: usize = 3;
/// The 1x run counts as at least this long, so timer granularity on a tiny
/// run cannot make a ratio.
const MIN_BASE: Duration = Duration::from_millis(5);
/// One conversion taking longer than this is a hang.
const HANG: Duration = Duration::from_secs(60);
const STACK: usize = 2 << 20;
/// 1x size for inputs whose 8x must be at least 1 MB.
const UNIT: usize = scaled(128 * 1024);
/// 1x count for the "20,000 of them" inputs.
const COUNT: usize = scaled(2500);

/// Full size (8x >= 1 MB, 20,000 items) in an optimized build:
/// `cargo test --release --test dos`. A debug build is 20-50x slower (the
/// inline parser runs at about 15 KB/s there), so plain `cargo test` runs
/// 1/64 of the size to stay near a minute: a smoke test for panics, stack
/// and gross blow-ups; the release run is the superlinearity guard.
const fn scaled(full: usize) -> usize {
    let n = if cfg!(debug_assertions) {
        full / 64
    } else {
        full
    };
    if n == 0 { 1 } else { n }
}

/// Timing tests run one at a time: parallel tests would time each other.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// What one conversion produced, for the assertions.
struct Run {
    elapsed: Duration,
    diagnostics: Vec<Diagnostic>,
    html: String,
}

/// reST -> tree -> every format, on a 2 MiB thread; fails on panic or hang.
fn convert_all(name: &str, text: String) -> Run {
    convert_with(name, text, rst())
}

/// Plain reST, default settings.
fn rst() -> Options {
    Options {
        input: InputKind::Rst,
        ..Options::default()
    }
}

/// Plain reST without docutils' line-length limit, which refuses any line
/// over 10,000 characters and so would make one-line inputs trivial.
fn rst_long_lines() -> Options {
    let mut opts = rst();
    opts.parse.line_length_limit = usize::MAX;
    opts
}

/// Plain reST with the substitution expansion budget scaled like the
/// inputs, so that the small debug run meets the budget as the full-size
/// run does (below it, a chain's tree is quadratic, as in docutils).
fn rst_scaled_budget() -> Options {
    let mut opts = rst();
    opts.transform.expansion_budget = scaled(opts.transform.expansion_budget);
    opts
}

/// `convert_all` for either input kind; a post whose header does not read
/// is an error value, and nothing is written for it.
fn convert_with(name: &str, text: String, opts: Options) -> Run {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("dos-{name}"))
        .stack_size(STACK)
        .spawn(move || {
            let start = Instant::now();
            let conv = match convert(&text, None, &opts) {
                Ok(conv) => conv,
                Err(e) => {
                    assert!(
                        opts.input == InputKind::Post,
                        "plain reST failed to read: {e}"
                    );
                    let _ = tx.send(Run {
                        elapsed: start.elapsed(),
                        diagnostics: Vec::new(),
                        html: String::new(),
                    });
                    return;
                }
            };
            let mut diagnostics = conv.diagnostics.clone();
            let mut html = String::new();
            for format in Format::ALL {
                let out =
                    write::render(&conv, format, &write::Options::default(), &mut diagnostics)
                        .expect("default writer options render");
                if format == Format::Html {
                    html = String::from_utf8_lossy(out.as_bytes()).into_owned();
                }
            }
            let _ = tx.send(Run {
                elapsed: start.elapsed(),
                diagnostics,
                html,
            });
        });
    if let Err(e) = spawned {
        panic!("{name}: cannot spawn: {e}");
    }
    match rx.recv_timeout(HANG) {
        Ok(run) => run,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{name}: no result after {HANG:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{name}: conversion panicked"),
    }
}

/// Times `make(n)` against `make(8 * n)` and fails on superlinear growth.
fn assert_linear(name: &str, n: usize, make: impl Fn(usize) -> String) {
    assert_linear_with(name, n, make, rst());
}

fn assert_linear_with(name: &str, n: usize, make: impl Fn(usize) -> String, opts: Options) {
    let _guard = serial();
    let small = make(n);
    let large = make(8 * n);
    let sizes = (small.len(), large.len());
    let mut ratios = Vec::new();
    for _ in 0..ATTEMPTS {
        let t1 = convert_with(name, small.clone(), opts.clone())
            .elapsed
            .max(MIN_BASE);
        let t8 = convert_with(name, large.clone(), opts.clone()).elapsed;
        let ratio = t8.as_secs_f64() / t1.as_secs_f64();
        eprintln!(
            "{name}: {} B in {t1:.2?}, {} B in {t8:.2?}: {ratio:.1}x",
            sizes.0, sizes.1
        );
        if ratio <= MAX_RATIO {
            return;
        }
        ratios.push(format!("{ratio:.1}x"));
    }
    panic!(
        "{name}: 8x input ({} B) took {} the time of 1x ({} B); linear is 8x, limit {MAX_RATIO}x",
        sizes.1,
        ratios.join(", "),
        sizes.0
    );
}

/// `pattern` repeated to about `bytes` on one line.
fn one_line(pattern: &str, bytes: usize) -> String {
    let mut s = pattern.repeat(bytes / pattern.len().max(1));
    s.push('\n');
    s
}

/// `pattern` repeated until about `bytes` long, as one paragraph of short lines.
fn paragraph(pattern: &str, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 80);
    let mut col = 0;
    while s.len() < bytes {
        s.push_str(pattern);
        col += pattern.len();
        if col >= 70 {
            // Replace the pattern's trailing space, if any, by the break.
            if s.ends_with(' ') {
                s.pop();
            }
            s.push('\n');
            col = 0;
        }
    }
    s.push('\n');
    s
}

fn has_diagnostic(run: &Run, min: Level, needle: &str) -> bool {
    run.diagnostics
        .iter()
        .any(|d| d.level >= min && d.message.to_lowercase().contains(needle))
}

// ---- one line of 1 MB ------------------------------------------------------

fn data_uri(bytes: usize) -> String {
    format!(
        "Before.\n\n.. image:: data:image/png;base64,{}\n   :alt: pixel\n\nAfter.\n",
        "iVBORw0KGgo".repeat(bytes / 11)
    )
}

#[test]
fn data_uri_image_linear() {
    assert_linear("data-uri", UNIT, data_uri);
}

/// docutils refuses lines over 10,000 characters and drops the post; a
/// `data:` image is a legitimate long line, so we convert it.
#[test]
fn data_uri_image_is_converted() {
    let _guard = serial();
    let text = data_uri(1 << 20);
    let uri_start = text.find("data:").unwrap_or(0);
    let uri_end = text[uri_start..]
        .find('\n')
        .map_or(text.len(), |e| uri_start + e);
    let uri = text[uri_start..uri_end].to_owned();
    let run = convert_all("data-uri", text);
    assert!(
        run.html.contains(&format!("src=\"{uri}\"")),
        "the 1 MB data: URI is not the image's src in the HTML"
    );
    assert!(run.html.contains("After."), "text after the image is lost");
}

#[test]
fn long_line_of_words_linear() {
    assert_linear_with(
        "long-line",
        UNIT,
        |n| one_line("word ", n),
        rst_long_lines(),
    );
}

// ---- runs of markup characters ---------------------------------------------

fn runs_case(name: &str, ch: &str) {
    assert_linear_with(
        &format!("{name}-line"),
        UNIT,
        |n| one_line(ch, n),
        rst_long_lines(),
    );
    assert_linear(&format!("{name}-para"), UNIT, |n| paragraph(ch, n));
    assert_linear(&format!("{name}-words"), UNIT, |n| {
        paragraph(&format!("{ch} "), n)
    });
}

#[test]
fn runs_of_asterisks() {
    runs_case("asterisks", "*");
}

#[test]
fn runs_of_backquotes() {
    runs_case("backquotes", "`");
}

#[test]
fn runs_of_underscores() {
    runs_case("underscores", "_");
}

#[test]
fn runs_of_bars() {
    runs_case("bars", "|");
}

#[test]
fn runs_of_brackets() {
    runs_case("brackets", "[");
}

#[test]
fn runs_of_mixed_markup_characters() {
    runs_case("mixed", "*`_|[]<>:");
}

// ---- unclosed inline markup, every kind ---------------------------------------

/// Start-strings that never close: a scanner that looks for the end-string
/// from every start rescans the rest of the paragraph each time.
const UNCLOSED: &[(&str, &str)] = &[
    ("emphasis", "*a "),
    ("strong", "**a "),
    ("interpreted", "`a "),
    ("literal", "``a "),
    ("target", "_`a "),
    ("substitution", "|a "),
    ("footnote-ref", "[#a "),
    ("citation-ref", "[a "),
    ("role-prefix", ":r:`a "),
    ("role-suffix", "`a`:r "),
    ("embedded-uri", "`a <b "),
    ("phrase-ref", "`a "),
    ("anonymous-ref", "`a`__x "),
    ("uri-angle", "<http://a "),
    ("end-strings", "a* a** a` a`` a| a]_ "),
    ("all-starts", "*a **a `a ``a _`a |a [#a :r:`a "),
];

#[test]
fn unclosed_inline_markup() {
    for (name, pattern) in UNCLOSED {
        assert_linear(&format!("unclosed-{name}"), UNIT, |n| paragraph(pattern, n));
    }
}

/// One start-string at the paragraph's head, then plain words.
#[test]
fn unclosed_markup_at_paragraph_start() {
    for (name, pattern) in UNCLOSED {
        assert_linear(&format!("head-{name}"), UNIT, |n| {
            let mut s = pattern.to_string();
            s.push_str(&paragraph("word ", n));
            s
        });
    }
}

#[test]
fn many_closed_inline_markup() {
    let all = "*a* **b** ``c`` `d` :sub:`e` |f| [#]_ g_ `h <http://h>`__ http://i.org ";
    assert_linear("closed-inline", UNIT, |n| {
        let mut s = paragraph(all, n);
        s.push_str("\n.. |f| replace:: F\n.. _g: http://g\n");
        s
    });
}

// ---- nesting --------------------------------------------------------------

const DEEP: usize = 3000;

/// Nested block quotes, each level one space deeper (4.5 MB at 3,000).
fn nested_quotes(depth: usize) -> String {
    let mut s = String::with_capacity(depth * depth / 2 + depth * 8);
    for i in 0..depth {
        s.extend(std::iter::repeat_n(' ', i));
        let _ = writeln!(s, "level {i}\n");
    }
    s
}

/// `marker` nested `depth` times on one line, plus a sibling item each level.
fn nested_list(marker: &str, depth: usize) -> String {
    let mut s = marker.repeat(depth);
    s.push_str("deep\n");
    s
}

fn assert_depth_limited(name: &str, text: String) {
    let _guard = serial();
    let run = convert_all(name, text);
    assert!(
        has_diagnostic(&run, Level::Warning, "depth"),
        "{name}: {DEEP} levels give no nesting-depth diagnostic"
    );
}

#[test]
fn deep_block_quotes_have_a_limit() {
    assert_depth_limited("quotes", nested_quotes(DEEP));
}

#[test]
fn deep_bullet_lists_have_a_limit() {
    assert_depth_limited("bullets", nested_list("- ", DEEP));
}

#[test]
fn deep_enumerated_lists_have_a_limit() {
    assert_depth_limited("enumerated", nested_list("#. ", DEEP));
}

#[test]
fn deep_mixed_lists_have_a_limit() {
    assert_depth_limited("mixed-lists", nested_list("- 1. * (a) ", DEEP / 4));
}

/// Indented lists: each item's body is the next list (docutils' usual form).
#[test]
fn deep_indented_lists_have_a_limit() {
    let mut s = String::new();
    for i in 0..DEEP {
        s.extend(std::iter::repeat_n(' ', 2 * i));
        let _ = writeln!(s, "- item {i}\n");
    }
    assert_depth_limited("indented-lists", s);
}

/// Nested directive bodies, 300 levels: a directive level counts two
/// units of `max_depth` (256), so the limit is reached at 128. The text
/// grows with the square of the depth (3 more spaces a level). A debug
/// build needs about 1.1 MiB of stack here (some 7.7 KB a level).
#[test]
fn deep_directives_have_a_limit() {
    let mut s = String::new();
    for i in 0..300 {
        s.extend(std::iter::repeat_n(' ', 3 * i));
        s.push_str(".. note::\n\n");
    }
    assert_depth_limited("directives", s);
}

#[test]
fn deep_nesting_repeated_linear() {
    assert_linear("nested-lists-repeated", scaled(8), |n| {
        let one = nested_list("- ", DEEP);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(&one);
            s.push('\n');
        }
        s
    });
}

// ---- tables -----------------------------------------------------------------

fn grid_table(rows: usize) -> String {
    let rule = "+--------------------+-----------------------+\n";
    let mut s = String::from(rule);
    for i in 0..rows {
        let _ = writeln!(s, "| row {i:<14} | *cell* text {i:<9} |");
        s.push_str(rule);
    }
    s
}

#[test]
fn grid_table_20000_rows() {
    assert_linear("grid-table", COUNT, grid_table);
}

#[test]
fn simple_table_20000_rows() {
    assert_linear("simple-table", COUNT, |rows| {
        let rule = "==================  ======================\n";
        let mut s = String::from(rule);
        for i in 0..rows {
            let _ = writeln!(s, "row {i:<14}  *cell* text {i:<10}");
        }
        s.push_str(rule);
        s
    });
}

// ---- footnotes, citations, references ------------------------------------

fn notes(n: usize, reference: impl Fn(usize) -> String, label: impl Fn(usize) -> String) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "Text with a note {}.\n", reference(i));
    }
    for i in 0..n {
        let _ = writeln!(s, ".. {} The note number {i} and its words.\n", label(i));
    }
    s
}

#[test]
fn footnotes_numbered_20000() {
    assert_linear("footnotes-numbered", COUNT, |n| {
        notes(n, |i| format!("[{}]_", i + 1), |i| format!("[{}]", i + 1))
    });
}

#[test]
fn footnotes_auto_20000() {
    assert_linear("footnotes-auto", COUNT, |n| {
        notes(n, |_| "[#]_".to_owned(), |_| "[#]".to_owned())
    });
}

#[test]
fn footnotes_auto_labelled_20000() {
    assert_linear("footnotes-labelled", COUNT, |n| {
        notes(n, |i| format!("[#n{i}]_"), |i| format!("[#n{i}]"))
    });
}

#[test]
fn citations_20000() {
    assert_linear("citations", COUNT, |n| {
        notes(n, |i| format!("[C{i}]_"), |i| format!("[C{i}]"))
    });
}

#[test]
fn hyperlinks_20000() {
    assert_linear("hyperlinks", COUNT, |n| {
        notes(
            n,
            |i| format!("`link {i}`_ and `anon`__"),
            |i| format!("_`link {i}`: http://example.org/{i}\n.. __: http://a.org/{i}\n.."),
        )
    });
}

#[test]
fn duplicate_targets_20000() {
    assert_linear("duplicate-targets", COUNT, |n| {
        notes(
            n,
            |_| "dup_".to_owned(),
            |i| format!("_dup: http://example.org/{i}\n.."),
        )
    });
}

// ---- substitutions ----------------------------------------------------------

/// Once took memory quadratic in the chain (2,000 links 2.2 GB; 20,000
/// exhausted the machine); bounded since e52bf24 by the expansion budget.
/// Below the budget the tree itself is quadratic, as in docutils: each
/// definition holds the expansion of the rest of the chain (312 links:
/// 11 KB in, 1.4 MB of pseudo-XML out, 57 times the 39-link output): with
/// the full budget, the small debug run took about 30x. Each node is visited once (copying
/// and measuring are one walk); with the budget the 8x run is bounded
/// (about 2x).
#[test]
fn substitutions_chained_20000() {
    let opts = rst_scaled_budget();
    assert_linear_with(
        "substitutions-chain",
        COUNT,
        |n| {
            let mut s = String::from("Start |s0| end.\n\n");
            for i in 0..n {
                let _ = writeln!(s, ".. |s{i}| replace:: link |s{}| text", i + 1);
            }
            let _ = writeln!(s, ".. |s{n}| replace:: the end");
            s
        },
        opts,
    );
}

/// Each definition uses the next one twice: 2^n characters unless the
/// expansion is bounded ("billion laughs"; docutils hangs here).
/// Once exponential (16 levels over 60 s); bounded since e52bf24.
#[test]
fn substitutions_doubling() {
    let opts = rst_scaled_budget();
    assert_linear_with(
        "substitutions-doubling",
        COUNT,
        |n| {
            let mut s = String::from("Start |d0| end.\n\n");
            for i in 0..n {
                let _ = writeln!(s, ".. |d{i}| replace:: |d{}| |d{}|", i + 1, i + 1);
            }
            let _ = writeln!(s, ".. |d{n}| replace:: x");
            s
        },
        opts,
    );
}

/// Once superlinear (16,000 repetitions 8.3 s, 1 MB over 60 s); linear
/// since e52bf24.
#[test]
fn substitutions_used_20000_times() {
    assert_linear("substitutions-uses", UNIT, |n| {
        let mut s = paragraph("|a| |b| ", n);
        s.push_str("\n.. |a| replace:: |b| and |b|\n.. |b| image:: b.png\n");
        s
    });
}

// ---- sections ------------------------------------------------------------

const ADORNMENTS: &[u8] = b"=-~^\"'`#*+<>:._!$%&(),/;?@[]{}|";

fn title(s: &mut String, text: &str, style: usize) {
    let ch = ADORNMENTS[style % ADORNMENTS.len()] as char;
    let line: String = std::iter::repeat_n(ch, text.len()).collect();
    // The second half of the styles have an overline too.
    if style / ADORNMENTS.len() % 2 == 1 {
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s, "{text}\n{line}\n\nSome text in section {text}.\n");
}

#[test]
fn sections_20000_deepening() {
    assert_linear("sections-deepening", COUNT, |n| {
        let mut s = String::new();
        for i in 0..n {
            title(&mut s, &format!("Title {i}"), i % (2 * ADORNMENTS.len()));
        }
        s
    });
}

/// Styles in pseudo-random order: most titles are inconsistent (errors).
#[test]
fn sections_20000_random_styles() {
    assert_linear("sections-random", COUNT, |n| {
        let mut s = String::new();
        let mut x: u32 = 12345;
        for i in 0..n {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            title(&mut s, &format!("Title {i}"), (x >> 16) as usize);
        }
        s
    });
}

/// The same title text everywhere: 20,000 duplicate implicit targets.
#[test]
fn sections_20000_same_title() {
    assert_linear("sections-same", COUNT, |n| {
        let mut s = String::new();
        for i in 0..n {
            title(&mut s, "Same title", i % 3);
        }
        s
    });
}

// ---- other long inputs -----------------------------------------------------

#[test]
fn literal_block_1mb() {
    assert_linear("literal-block", UNIT, |n| {
        let mut s = String::from("Code::\n\n");
        s.push_str(&paragraph("    x = *y* `z` |w| ", n).replace('\n', "\n    "));
        s
    });
}

#[test]
fn many_list_items() {
    assert_linear("list-items", UNIT, |n| paragraph("- item *x*\n", n));
}

#[test]
fn many_unknown_roles() {
    assert_linear("unknown-roles", COUNT, |n| {
        let mut s = String::new();
        for i in 0..n {
            let _ = write!(s, ":role{i}:`x` ");
        }
        s.push('\n');
        s
    });
}

#[test]
fn many_field_and_option_lists() {
    assert_linear("fields-options", UNIT, |n| {
        paragraph(":field: value\n-o, --option=X  description\n\n", n)
    });
}

#[test]
fn many_directives() {
    assert_linear("directives", COUNT, |n| {
        let mut s = String::new();
        for i in 0..n {
            let _ = writeln!(
                s,
                ".. note:: Note {i}\n\n.. image:: img{i}.png\n   :width: 10px\n\n.. code:: python\n\n   x = {i}\n"
            );
        }
        s
    });
}

// ---- fuzz regressions -------------------------------------------------------

/// Every input a fuzz target once failed on converts without panic or hang.
#[test]
fn fuzz_regressions() {
    let _guard = serial();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let entries = std::fs::read_dir(&dir).expect("tests/fuzz-regressions/ exists");
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    for path in paths.iter().filter(|p| p.is_file()) {
        let bytes = std::fs::read(path).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        // As a post too: the fuzz targets read it as one.
        convert_with(&name, text.clone(), Options::default());
        convert_all(&name, text);
    }
}
