//! Command tests in pandoc's format: each ```` ``` ```` block in
//! `tests/command/*.md` holds a command line (`% postconv ...`), the
//! standard input, a `^D` line, then the expected standard output, followed
//! by `--- stderr` and `--- exit N` sections when those are not empty / 0.
//!
//! `POSTCONV_BLESS=1 cargo test --test command` rewrites the expectations in
//! place; review with `git diff tests/command/`.

use std::io::Write;
use std::process::{Command, Stdio};

struct Case {
    command: String,
    input: String,
    expected: String,
    /// Byte range of `expected` in the file, for re-blessing.
    range: std::ops::Range<usize>,
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut pos = 0;
    while let Some(start) = text[pos..].find("```\n% ") {
        let block = pos + start + 4;
        let Some(end_rel) = text[block..].find("\n```") else {
            break;
        };
        let end = block + end_rel + 1;
        let body = &text[block..end];
        let (command, rest) = body.split_once('\n').unwrap_or((body, ""));
        let (input, expected) = rest.split_once("^D\n").unwrap_or((rest, ""));
        let exp_start = end - expected.len();
        cases.push(Case {
            command: command.trim_start_matches("% ").to_owned(),
            input: input.to_owned(),
            expected: expected.to_owned(),
            range: exp_start..end,
        });
        pos = end + 3;
    }
    cases
}

fn run(case: &Case) -> String {
    let mut words = case.command.split_whitespace();
    assert_eq!(
        words.next(),
        Some("postconv"),
        "command must start with postconv"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_postconv"))
        .args(words)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("postconv starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(case.input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("postconv runs");
    let mut actual = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.stderr.is_empty() {
        actual.push_str("--- stderr\n");
        actual.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    let code = out.status.code().unwrap_or(-1);
    if code != 0 {
        actual.push_str(&format!("--- exit {code}\n"));
    }
    actual
}

#[test]
fn command_tests() {
    let bless = std::env::var_os("POSTCONV_BLESS").is_some();
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir("tests/command")
        .expect("tests/command")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let mut count = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let cases = parse_cases(&text);
        let mut blessed = text.clone();
        for case in cases.iter().rev() {
            count += 1;
            let actual = run(case);
            if bless {
                blessed.replace_range(case.range.clone(), &actual);
            } else if actual != case.expected {
                failures.push(format!(
                    "{}: `{}`\n--- expected\n{}--- actual\n{}",
                    file.display(),
                    case.command,
                    case.expected,
                    actual
                ));
            }
        }
        if bless && blessed != text {
            std::fs::write(&file, blessed).expect("bless");
        }
    }
    assert!(count > 0, "no command tests found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
