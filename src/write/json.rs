//! JSON writer: the doctree and the metadata, serialised with serde.

use crate::doctree::{Diagnostic, Element};
use crate::source::Metadata;
use serde::Serialize;

/// Bumped whenever the JSON shape changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonDoc<'a> {
    schema_version: u32,
    meta: &'a Metadata,
    document: &'a Element,
    diagnostics: &'a [Diagnostic],
}

pub fn write(doc: &Element, meta: &Metadata, diagnostics: &[Diagnostic]) -> String {
    let json = JsonDoc {
        schema_version: SCHEMA_VERSION,
        meta,
        document: doc,
        diagnostics,
    };
    // Serialising owned, string-keyed data cannot fail.
    let mut out = serde_json::to_string_pretty(&json).unwrap_or_default();
    out.push('\n');
    out
}
