//! Transforms: ordered passes that resolve what parsing only recorded.
//! STUB: to be replaced.

use crate::doctree::{Diagnostic, Element};

/// Settings for the transforms (docutils names where it has them).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// docutils' `doctitle_xform`: promote a lone top section title.
    pub doctitle: bool,
}

/// Runs every transform, in docutils' priority order.
pub fn apply(document: &mut Element, settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
    let _ = (document, settings, diagnostics);
}
