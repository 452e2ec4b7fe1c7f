//! The reStructuredText reader: text in, doctree out. Parsing never fails;
//! problems become `system_message` elements and diagnostics.
//!
//! Layout follows docutils: `block` is the line-based state machine of
//! `states.py`, `inline` the inline-markup recogniser and roles, `tables`
//! the grid and simple table parsers, `directives` the directive registry,
//! `state` the document-wide registry (ids, names, reporter).

pub mod block;
pub mod directives;
pub mod inline;
pub mod state;
pub mod tables;

use crate::doctree::{Diagnostic, Element};
use std::path::PathBuf;

/// Parser settings, named after docutils' settings where it has them.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Shown in `source` attributes and diagnostics (`<stdin>` for stdin).
    pub source: String,
    pub tab_width: usize,
    /// Lines longer than this are refused (docutils' `line_length_limit`).
    pub line_length_limit: usize,
    /// Maximum nesting of block structure; deeper input gets a diagnostic.
    pub max_depth: usize,
    /// docutils' `file_insertion_enabled` (the `include` directive, file options).
    pub file_insertion_enabled: bool,
    /// docutils' `raw_enabled` (the `raw` directive and raw-based roles).
    pub raw_enabled: bool,
    /// Language of generated text and directive/role names (`en`).
    pub language: String,
    /// Folder that `include` paths are relative to and confined in.
    pub base_dir: Option<PathBuf>,
    /// Recognise standalone `PEP 8` / `RFC 2822` references (docutils'
    /// `pep_references`, `rfc_references`; off by default as in docutils).
    pub pep_references: bool,
    pub rfc_references: bool,
    /// docutils' `character_level_inline_markup`: markup inside words.
    pub character_level_inline_markup: bool,
    /// docutils' `legacy_ids` (default on): implicit targets such as
    /// section titles get ids at parse time.
    pub legacy_ids: bool,
    /// docutils' `auto_id_prefix`: `%` = derived from the element's
    /// names or tag (`section-1`), anything else a fixed prefix (`id1`).
    pub auto_id_prefix: String,
    /// docutils' `report_level`: above 2, the `code` directive drops
    /// lexer warnings instead of reporting them.
    pub report_level: u8,
    /// docutils' `syntax_highlight` (`long`, `short` or `none`).
    pub syntax_highlight: String,
    /// docutils' `root_prefix`: where paths starting with `/` in `include`,
    /// `raw` and `csv-table` are looked up (`None`: the filesystem root).
    pub root_prefix: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            source: "<stdin>".to_owned(),
            tab_width: 8,
            line_length_limit: 10_000,
            max_depth: 256,
            file_insertion_enabled: true,
            raw_enabled: true,
            language: "en".to_owned(),
            base_dir: None,
            pep_references: false,
            rfc_references: false,
            character_level_inline_markup: false,
            legacy_ids: true,
            auto_id_prefix: "%".to_owned(),
            report_level: 2,
            syntax_highlight: "long".to_owned(),
            root_prefix: None,
        }
    }
}

/// The parse result: the `document` element and every message reported.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub document: Element,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a whole reST document.
pub fn parse(text: &str, settings: &Settings) -> Parsed {
    let mut state = state::DocState::new(settings);
    state.roles.pep_references = settings.pep_references;
    state.roles.rfc_references = settings.rfc_references;
    state.roles.character_level_inline_markup = settings.character_level_inline_markup;
    let document = block::parse_document(&mut state, text);
    Parsed {
        document,
        diagnostics: state.diagnostics,
    }
}
