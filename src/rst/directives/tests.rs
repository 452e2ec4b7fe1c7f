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
