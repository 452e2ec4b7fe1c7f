use super::*;
use crate::rst::Settings;

fn pf(text: &str) -> String {
    let settings = Settings {
        source: "test data".into(),
        ..Settings::default()
    };
    let mut state = DocState::new(&settings);
    let (nodes, msgs) = parse(&mut state, text, 1);
    let mut p = Element::new(Kind::Paragraph);
    p.children = nodes;
    let mut out = p.pformat();
    for m in msgs {
        out.push_str(&m.pformat());
    }
    out
}

#[test]
fn emphasis() {
    assert_eq!(
        pf("*emphasis*"),
        "<paragraph>\n    <emphasis>\n        emphasis\n"
    );
}

/// Throwaway conformance runner over docutils' test cases extracted to
/// JSON (`INLINE_CASES=/path/cases.json cargo test --lib inline -- --ignored`).
#[test]
#[ignore]
fn docutils_cases() {
    let Ok(path) = std::env::var("INLINE_CASES") else {
        return;
    };
    let Ok(data) = std::fs::read_to_string(&path) else {
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_str(&data).unwrap_or_default();
    let mut per_file: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut failures = String::new();
    for c in &cases {
        let file = c["file"].as_str().unwrap_or("").to_owned();
        let input = c["input"].as_str().unwrap_or("");
        let expected = c["expected"].as_str().unwrap_or("");
        let settings = Settings {
            source: "test data".into(),
            ..Settings::default()
        };
        let got = crate::rst::parse(input, &settings).document.pformat();
        let e = per_file.entry(file.clone()).or_default();
        e.1 += 1;
        if got == expected {
            e.0 += 1;
        } else {
            failures.push_str(&format!(
                "=== {} {} {}\n--- input\n{}\n--- expected\n{}--- got\n{}\n",
                file, c["group"], c["idx"], input, expected, got
            ));
        }
    }
    let mut total = (0, 0);
    for (f, (p, t)) in &per_file {
        eprintln!("{f}: {p}/{t}");
        total.0 += p;
        total.1 += t;
    }
    eprintln!("TOTAL {}/{}", total.0, total.1);
    let _ = std::fs::write(format!("{path}.failures"), failures);
}
