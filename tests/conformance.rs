//! docutils' own test suite as our conformance suite.
//!
//! The cases are extracted from docutils 0.23 by `scripts/docutils-conformance
//! extract` into `tests/conformance/*.json`. Every non-skipped case is parsed
//! in-process and its pseudo-XML compared exactly with docutils' expected
//! output. The ratchet files (`passing*.txt`) list cases that must keep
//! passing; `POSTCONV_BLESS=1` adds new passes to them.

use postconv::doctree::Element;
use postconv::{rst, transform};
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

#[derive(Deserialize)]
struct Case {
    id: String,
    input: String,
    expected: String,
    #[serde(default)]
    settings: BTreeMap<String, serde_json::Value>,
    skip: Option<String>,
    /// Transform classes the docutils test applies (transform cases only).
    #[serde(default)]
    transforms: Vec<String>,
    /// Reads files of the docutils test tree (paths relative to its root).
    #[serde(default)]
    needs_files: bool,
    /// The case names files by absolute path, written `<docutils-sdist>/`;
    /// its tables were laid out for a path of this length.
    #[serde(default)]
    sdist_path_len: Option<usize>,
}

enum Outcome {
    Pass,
    Fail(String),
    Panic(String),
}

struct Suite {
    name: &'static str,
    data: &'static str,
    ratchet: &'static str,
    failures: &'static str,
}

const PARSER: Suite = Suite {
    name: "parser",
    data: "docutils-0.23-parser.json",
    ratchet: "passing.txt",
    failures: "conformance-failures.txt",
};

const TRANSFORMS: Suite = Suite {
    name: "transforms",
    data: "docutils-0.23-transforms.json",
    ratchet: "passing-transforms.txt",
    failures: "conformance-transforms-failures.txt",
};

#[test]
fn docutils_parser_conformance() {
    run_suite(&PARSER, |case| parse(case).pformat());
}

#[test]
fn docutils_transforms_conformance() {
    run_suite(&TRANSFORMS, |case| {
        let mut doc = parse(case);
        let mut diags = Vec::new();
        // `FilterMessages@890`: the priority docutils' test gave; the pass
        // order is postconv's own.
        let names: Vec<&str> = case
            .transforms
            .iter()
            .map(|t| t.split('@').next().unwrap_or(t))
            .collect();
        transform::apply_named(&mut doc, &names, &transform_settings(case), &mut diags);
        doc.pformat()
    });
}

fn parse(case: &Case) -> Element {
    let mut settings = rst_settings(&case.settings);
    if case.needs_files {
        settings.base_dir = docutils_tree();
    }
    let mut doc = rst::parse(&case.input, &settings).document;
    if let Some(list) = case.settings.get("expose_internals") {
        expose_internals(&mut doc, list, &settings.source);
    }
    doc
}

/// docutils' `ExposeInternals` for `line` and `source`: the internal
/// attributes printed as `internal:line` / `internal:source`.
fn expose_internals(doc: &mut Element, list: &serde_json::Value, source: &str) {
    let wanted = |name: &str| {
        list.as_array()
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(name)))
    };
    let (line, src) = (wanted("line"), wanted("source"));
    let mut first = true;
    doc.walk_mut(&mut |el| {
        // the document itself has neither (docutils skips the root)
        if std::mem::take(&mut first) {
            return;
        }
        let Some(n) = el.line else { return };
        if line {
            el.set("internal:line", n.to_string());
        }
        if src {
            let s = el.get("source").unwrap_or(source).to_owned();
            el.set("internal:source", s);
        }
    });
}

/// The docutils sdist the extractor unpacked; include paths in the cases
/// are relative to its root.
fn docutils_tree() -> Option<PathBuf> {
    let dir = std::env::var_os("POSTCONV_DOCUTILS_SDIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/docutils/docutils-0.23")
        });
    dir.join("test").is_dir().then_some(dir)
}

/// Why a case is not run: the data's reason, or the missing docutils tree.
fn skip_reason(case: &Case, have_tree: bool) -> Option<&str> {
    match &case.skip {
        Some(reason) => Some(reason),
        None if case.needs_files && !have_tree => Some("docutils test tree not in .cache/"),
        None if case
            .sdist_path_len
            .is_some_and(|n| !fits_sdist_path(case, n)) =>
        {
            Some("its tables were laid out for a docutils path of another length")
        }
        None => None,
    }
}

/// Whether the case's input can take this machine's sdist path: only table
/// rows depend on its length.
fn fits_sdist_path(case: &Case, len: usize) -> bool {
    let ours = docutils_tree().map_or(0, |t| t.to_string_lossy().len());
    ours == len
        || !case.input.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with('|') || l.starts_with('+') || l.starts_with("==")
        })
}

/// Puts this machine's sdist path where the extractor wrote `<docutils-sdist>`.
fn localise(mut case: Case) -> Case {
    let Some(tree) = case.sdist_path_len.and(docutils_tree()) else {
        return case;
    };
    let tree = tree.to_string_lossy().into_owned();
    let put = |s: &str| s.replace("<docutils-sdist>", &tree);
    case.input = put(&case.input);
    case.expected = put(&case.expected);
    for v in case.settings.values_mut() {
        if let Some(s) = v.as_str() {
            *v = serde_json::Value::String(put(s));
        }
    }
    case
}

/// Maps the docutils settings postconv has fields for. The extractor marks
/// cases skipped when they need any other setting, so the rest are moot.
fn rst_settings(settings: &BTreeMap<String, serde_json::Value>) -> rst::Settings {
    let mut out = rst::Settings {
        source: "test data".into(),
        ..Default::default()
    };
    for (key, value) in settings {
        match key.as_str() {
            "line_length_limit" => set_usize(&mut out.line_length_limit, value),
            "tab_width" => set_usize(&mut out.tab_width, value),
            "language_code" => {
                if let Some(s) = value.as_str() {
                    out.language = s.to_owned();
                }
            }
            "file_insertion_enabled" => set_bool(&mut out.file_insertion_enabled, value),
            "raw_enabled" => set_bool(&mut out.raw_enabled, value),
            "pep_references" => set_bool(&mut out.pep_references, value),
            "rfc_references" => set_bool(&mut out.rfc_references, value),
            "character_level_inline_markup" => {
                set_bool(&mut out.character_level_inline_markup, value)
            }
            "legacy_ids" => set_bool(&mut out.legacy_ids, value),
            "auto_id_prefix" => {
                if let Some(s) = value.as_str() {
                    out.auto_id_prefix = s.to_owned();
                }
            }
            "report_level" => {
                if let Some(n) = value.as_u64().and_then(|n| u8::try_from(n).ok()) {
                    out.report_level = n;
                }
            }
            "root_prefix" => out.root_prefix = value.as_str().map(PathBuf::from),
            "syntax_highlight" => {
                if let Some(s) = value.as_str() {
                    out.syntax_highlight = s.to_owned();
                }
            }
            _ => {}
        }
    }
    out
}

/// Maps the transform settings the docutils tests change. `doctitle_xform`,
/// `docinfo_xform` and `sectsubtitle_xform` default to on there: the
/// transforms `setdefault` them and the parser's settings lack them.
fn transform_settings(case: &Case) -> transform::Settings {
    let mut out = transform::Settings {
        doctitle: true,
        docinfo_xform: true,
        sectsubtitle_xform: true,
        ..Default::default()
    };
    for (key, value) in &case.settings {
        match key.as_str() {
            "doctitle_xform" => set_bool(&mut out.doctitle, value),
            "docinfo_xform" => set_bool(&mut out.docinfo_xform, value),
            "sectsubtitle_xform" => set_bool(&mut out.sectsubtitle_xform, value),
            "sectnum_xform" => set_bool(&mut out.sectnum_xform, value),
            "legacy_ids" => set_bool(&mut out.legacy_ids, value),
            "strip_comments" => set_bool(&mut out.strip_comments, value),
            "trim_footnote_reference_space" => {
                set_bool(&mut out.trim_footnote_reference_space, value)
            }
            "line_length_limit" => set_usize(&mut out.line_length_limit, value),
            "report_level" => {
                if let Some(n) = value.as_u64().and_then(|n| u8::try_from(n).ok()) {
                    out.report_level = n;
                }
            }
            "toc_backlinks" => {
                if let Some(s) = value.as_str() {
                    out.toc_backlinks = s.to_owned();
                }
            }
            _ => {}
        }
    }
    out
}

fn set_usize(field: &mut usize, value: &serde_json::Value) {
    if let Some(n) = value.as_u64().and_then(|n| usize::try_from(n).ok()) {
        *field = n;
    }
}

fn set_bool(field: &mut bool, value: &serde_json::Value) {
    // docutils settings files also spell booleans as 0 / 1.
    if let Some(b) = value.as_bool().or_else(|| value.as_i64().map(|n| n != 0)) {
        *field = b;
    }
}

fn run_suite(suite: &Suite, run: impl Fn(&Case) -> String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let text = std::fs::read_to_string(dir.join(suite.data)).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run scripts/docutils-conformance extract)",
            suite.data
        )
    });
    let cases: Vec<Case> = serde_json::from_str(&text).expect("conformance data is valid JSON");
    let cases: Vec<Case> = cases.into_iter().map(localise).collect();
    check_data(&cases);
    quiet_panics();

    let mut passed = BTreeSet::new();
    let mut panics = Vec::new();
    let mut report = String::new();
    let mut per_file: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut skipped = 0;
    let have_tree = docutils_tree().is_some();
    let watchdog = Watchdog::spawn();
    // POSTCONV_CONFORMANCE=<substring of ids>: run only those, print diffs.
    let filter = std::env::var("POSTCONV_CONFORMANCE").ok();
    for case in &cases {
        if filter.as_deref().is_some_and(|f| !case.id.contains(f)) {
            continue;
        }
        if skip_reason(case, have_tree).is_some() {
            skipped += 1;
            continue;
        }
        let file = case.id.split("::").next().unwrap_or("");
        let tally = per_file.entry(file).or_default();
        tally.1 += 1;
        watchdog.start(&case.id);
        let result = outcome(case, &run);
        watchdog.stop();
        match result {
            Outcome::Pass => {
                tally.0 += 1;
                passed.insert(case.id.as_str());
            }
            Outcome::Fail(actual) => {
                let _ = writeln!(
                    report,
                    "=== {}\n{}{}",
                    case.id,
                    indented_input(&case.input),
                    diff(&case.expected, &actual)
                );
            }
            Outcome::Panic(msg) => {
                let _ = writeln!(report, "=== {} PANICKED: {msg}\n", case.id);
                panics.push(case.id.as_str());
            }
        }
    }

    let run_count: usize = per_file.values().map(|t| t.1).sum();
    let mut summary = format!("docutils {} conformance per file:\n", suite.name);
    for (file, (ok, n)) in &per_file {
        let _ = writeln!(summary, "  {ok:4}/{n:<4} {file}");
    }
    let _ = writeln!(
        summary,
        "docutils conformance ({}): {}/{} passed ({:.1}%), {} panics, {} skipped of {} cases",
        suite.name,
        passed.len(),
        run_count,
        percent(passed.len(), run_count),
        panics.len(),
        skipped,
        run_count + skipped
    );
    for id in &panics {
        let _ = writeln!(summary, "  PANIC: {id}");
    }
    let failures = target_dir().join(suite.failures);
    let _ = match std::fs::write(&failures, &report) {
        Ok(()) => writeln!(summary, "failing cases with diffs: {}", failures.display()),
        Err(e) => writeln!(summary, "could not write {}: {e}", failures.display()),
    };
    print!("{summary}");

    if filter.is_some() {
        // A partial run can neither bless nor judge the ratchet.
        print!("{report}");
        return;
    }
    check_ratchet(&dir.join(suite.ratchet), &cases, &passed, have_tree);
}

/// The ratchet is keyed by id, so ids must be unique; a stale or truncated
/// data file shows up here rather than as a mysteriously low pass count.
fn check_data(cases: &[Case]) {
    assert!(cases.len() > 100, "only {} cases in the data", cases.len());
    let mut seen = BTreeSet::new();
    for case in cases {
        assert!(
            seen.insert(case.id.as_str()),
            "duplicate case id {}",
            case.id
        );
        assert!(
            case.expected.starts_with("<document"),
            "{}: expected output is not pseudo-XML",
            case.id
        );
    }
}

/// A case still running after this long is taken to hang (the parser must
/// be linear); the process exits naming it, as a test cannot be cancelled.
const HANG: Duration = Duration::from_secs(30);

#[derive(Clone)]
struct Watchdog(Arc<Mutex<Option<(String, Instant)>>>);

impl Watchdog {
    fn spawn() -> Watchdog {
        let dog = Watchdog(Arc::new(Mutex::new(None)));
        let weak = Arc::downgrade(&dog.0);
        std::thread::spawn(move || {
            while let Some(slot) = weak.upgrade() {
                let current = slot.lock().ok().and_then(|g| g.clone());
                if let Some((id, since)) = current
                    && since.elapsed() > HANG
                {
                    // Straight to stderr: the test's captured output is lost
                    // when the process exits.
                    let msg = format!("docutils conformance: {id} runs over {HANG:?}; aborting\n");
                    let _ = std::io::Write::write_all(&mut std::io::stderr(), msg.as_bytes());
                    std::process::exit(101);
                }
                drop(slot);
                std::thread::sleep(Duration::from_millis(500));
            }
        });
        dog
    }

    fn start(&self, id: &str) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some((id.to_owned(), Instant::now()));
        }
    }

    fn stop(&self) {
        if let Ok(mut g) = self.0.lock() {
            *g = None;
        }
    }
}

fn indented_input(input: &str) -> String {
    let mut out = String::from("input:\n");
    for line in input.lines() {
        let _ = writeln!(out, "  | {line}");
    }
    out
}

fn outcome(case: &Case, run: &impl Fn(&Case) -> String) -> Outcome {
    IN_CASE.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| run(case)));
    IN_CASE.with(|c| c.set(false));
    match result {
        Ok(actual) if actual == case.expected => Outcome::Pass,
        Ok(actual) => Outcome::Fail(actual),
        Err(payload) => {
            let at = PANIC_AT.with(|p| p.take());
            Outcome::Panic(format!("{} at {at}", panic_message(payload.as_ref())))
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}

thread_local! {
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    /// Where the last caught panic happened (`src/rst/block.rs:120:9`).
    static PANIC_AT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Panics inside a case are caught and reported by id, so the hook stays
/// silent for them; other panics (the ratchet assertion) print as usual.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_CASE.with(Cell::get) {
                let at = info.location().map(|l| l.to_string()).unwrap_or_default();
                PANIC_AT.with(|p| *p.borrow_mut() = at);
            } else {
                default(info);
            }
        }));
    });
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn target_dir() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Every case in the ratchet must still pass. Blessing adds the new passes
/// and drops only ids that no longer exist in the data.
fn check_ratchet(path: &Path, cases: &[Case], passed: &BTreeSet<&str>, have_tree: bool) {
    let listed_text = std::fs::read_to_string(path).unwrap_or_default();
    let listed: BTreeSet<&str> = listed_text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let by_id: BTreeMap<&str, &Case> = cases.iter().map(|c| (c.id.as_str(), c)).collect();

    if std::env::var_os("POSTCONV_BLESS").is_some_and(|v| v != "0") {
        let kept = listed.iter().filter(|id| by_id.contains_key(*id)).copied();
        let all: BTreeSet<&str> = kept.chain(passed.iter().copied()).collect();
        let count = all.len();
        let mut text = all.into_iter().collect::<Vec<_>>().join("\n");
        text.push('\n');
        std::fs::write(path, text).expect("ratchet file is writable");
        println!("blessed {} ({count} cases)", path.display());
    }

    let mut problems = Vec::new();
    for id in &listed {
        match by_id.get(id) {
            None => problems.push(format!("{id}: no longer in the data (bless to drop)")),
            Some(c) if skip_reason(c, have_tree).is_some() => {}
            Some(_) if !passed.contains(id) => problems.push(format!("{id}: regressed")),
            Some(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{} ratchet case(s) in {} no longer pass (diffs in target/):\n{}",
        problems.len(),
        path.display(),
        problems.join("\n")
    );
}

/// A unified diff (expected -> actual) with three lines of context.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let ops = line_ops(&a, &b);
    let mut out = String::from("--- expected\n+++ actual\n");
    let changed: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].0 != ' ').collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(3);
        let mut end = (changed[k] + 4).min(ops.len());
        while k + 1 < changed.len() && changed[k + 1] < end + 3 {
            k += 1;
            end = (changed[k] + 4).min(ops.len());
        }
        let (a0, b0) = positions(&ops[..start]);
        let (an, bn) = positions(&ops[start..end]);
        let _ = writeln!(out, "@@ -{},{an} +{},{bn} @@", a0 + 1, b0 + 1);
        for (tag, line) in &ops[start..end] {
            let _ = writeln!(out, "{tag}{line}");
        }
        k += 1;
    }
    if changed.is_empty() {
        out.push_str("(differs only in line endings or the final newline)\n");
    }
    out
}

/// Lines consumed from each side by a run of ops.
fn positions(ops: &[(char, &str)]) -> (usize, usize) {
    let a = ops.iter().filter(|o| o.0 != '+').count();
    let b = ops.iter().filter(|o| o.0 != '-').count();
    (a, b)
}

/// Edit script by longest common subsequence, after trimming the common
/// prefix and suffix; very large remainders degrade to delete-all/insert-all.
fn line_ops<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(char, &'a str)> {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut ops: Vec<(char, &str)> = a[..pre].iter().map(|l| (' ', *l)).collect();
    if am.len().saturating_mul(bm.len()) > 4_000_000 {
        ops.extend(am.iter().map(|l| ('-', *l)));
        ops.extend(bm.iter().map(|l| ('+', *l)));
    } else {
        let w = bm.len() + 1;
        let mut lcs = vec![0u32; (am.len() + 1) * w];
        for i in (0..am.len()).rev() {
            for j in (0..bm.len()).rev() {
                lcs[i * w + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < am.len() || j < bm.len() {
            if i < am.len() && j < bm.len() && am[i] == bm[j] {
                ops.push((' ', am[i]));
                i += 1;
                j += 1;
            } else if i < am.len() && (j == bm.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])
            {
                // Deletions first, as difflib and diff(1) print them.
                ops.push(('-', am[i]));
                i += 1;
            } else {
                ops.push(('+', bm[j]));
                j += 1;
            }
        }
    }
    ops.extend(a[a.len() - suf..].iter().map(|l| (' ', *l)));
    ops
}
