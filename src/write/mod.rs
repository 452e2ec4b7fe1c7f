//! Writers: one module per output format, all reading the doctree.
//! The table of formats is [`Format`]; text and binary outputs are distinct.

pub mod epub;
pub mod html;
pub mod json;
pub mod md;
pub mod pandoc_json;

use crate::Converted;
use crate::doctree::Diagnostic;

/// Every output format, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Markdown (CommonMark + GFM) with YAML front matter.
    Md,
    /// Markdown (CommonMark + GFM), body only.
    Gfm,
    Html,
    Json,
    /// pandoc's JSON AST, for `pandoc -f json` to take anywhere.
    PandocJson,
    Pseudoxml,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Md,
        Format::Gfm,
        Format::Html,
        Format::Json,
        Format::PandocJson,
        Format::Pseudoxml,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Gfm => "gfm",
            Format::Html => "html",
            Format::Json => "json",
            Format::PandocJson => "pandoc-json",
            Format::Pseudoxml => "pseudoxml",
        }
    }

    /// File extension for batch output.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md | Format::Gfm => "md",
            Format::Html => "html",
            Format::Json | Format::PandocJson => "json",
            Format::Pseudoxml => "xml",
        }
    }
}

/// Writer options, by writer.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub html: html::Options,
    pub md: md::Options,
}

/// A writer's output: text, or bytes for binary formats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    Text(String),
    Bytes(Vec<u8>),
}

impl Output {
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Output::Text(s) => s.as_bytes(),
            Output::Bytes(b) => b,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("template error: {0}")]
    Template(#[from] minijinja::Error),
}

/// Renders a converted post; lossy conversions append to `diags`.
pub fn render(
    conv: &Converted,
    format: Format,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) -> Result<Output, WriteError> {
    let doc = &conv.document;
    let meta = &conv.meta;
    Ok(Output::Text(match format {
        Format::Md => md::write(doc, meta, &opts.md, diags),
        Format::Gfm => {
            let md_opts = md::Options {
                front_matter: false,
                ..opts.md.clone()
            };
            md::write(doc, meta, &md_opts, diags)
        }
        Format::Html => html::write(doc, meta, &opts.html, diags)?,
        Format::Json => json::write(doc, meta, &conv.diagnostics),
        Format::PandocJson => pandoc_json::write(doc, meta, diags),
        Format::Pseudoxml => doc.pformat(),
    }))
}

/// Whether a formula holds a line break (`\\`) outside any
/// `\begin..\end` environment, so it needs an aligned environment
/// (docutils' `pick_math_environment`).
pub(crate) fn needs_aligned(code: &str) -> bool {
    let mut depth = 0usize;
    let mut rest = code;
    while let Some(pos) = rest.find('\\') {
        let after = &rest[pos + 1..];
        if after.starts_with("begin{") {
            depth += 1;
        } else if after.starts_with("end{") {
            depth = depth.saturating_sub(1);
        } else if let Some(tail) = after.strip_prefix('\\') {
            if depth == 0 {
                return true;
            }
            rest = tail;
            continue;
        }
        rest = after;
    }
    false
}
