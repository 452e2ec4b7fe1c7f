//! postconv: reStructuredText blog posts to Markdown, HTML, EPUB and JSON.
//!
//! The pipeline: [`source`] splits metadata from the body, [`rst`] parses
//! the body into a [`doctree`], [`transform`] resolves references, and a
//! writer from [`write`] renders the result.
#![forbid(unsafe_code)]

pub mod doctree;
pub mod lang;
pub mod roman;
pub mod rst;
pub mod site;
pub mod source;
pub mod transform;
pub mod write;

use doctree::{Diagnostic, Element};
use source::Metadata;
use std::path::Path;

/// What the input is: a post (metadata header, then reST) or plain reST.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputKind {
    #[default]
    Post,
    Rst,
    /// postconv's own JSON (`-t json` output): metadata and doctree, as is.
    Json,
}

/// How far the pipeline runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stage {
    /// The tree as the parser made it (docutils' parse-stage tree).
    Parse,
    /// After all transforms.
    #[default]
    Transform,
}

/// Options for reading one input, by pipeline stage.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub input: InputKind,
    pub stage: Stage,
    pub parse: rst::Settings,
    pub transform: transform::Settings,
    pub read: source::ReadOptions,
}

impl Options {
    /// Defaults for an input kind: a post keeps its title in the metadata,
    /// so its first section is not promoted to the document title (as
    /// Nikola sets `doctitle_xform` off); plain reST follows docutils.
    pub fn for_input(input: InputKind) -> Options {
        let mut opts = Options {
            input,
            ..Options::default()
        };
        opts.transform.doctitle = input == InputKind::Rst;
        opts
    }
}

/// Reads `-t json` output back: the extension point for tools that change
/// the tree between postconv runs.
fn read_json(text: &str, path: Option<&Path>) -> Result<Converted, source::SourceError> {
    #[derive(serde::Deserialize)]
    struct JsonDoc {
        #[serde(default)]
        meta: Metadata,
        document: Element,
    }
    let doc: JsonDoc = serde_json::from_str(text).map_err(|e| source::SourceError::Metadata {
        path: path.map_or_else(|| "<stdin>".to_owned(), |p| p.display().to_string()),
        line: e.line(),
        message: format!("invalid postconv JSON: {e}"),
    })?;
    Ok(Converted {
        meta: doc.meta,
        document: doc.document,
        diagnostics: Vec::new(),
        line_offset: 0,
    })
}

/// A converted post: its metadata, its tree and everything reported.
#[derive(Clone, Debug)]
pub struct Converted {
    pub meta: Metadata,
    pub document: Element,
    /// Diagnostics with line numbers of the input file.
    pub diagnostics: Vec<Diagnostic>,
    /// Lines before the reST body (the metadata header): element lines in
    /// `document` are body lines; add this for file lines.
    pub line_offset: u32,
}

/// Runs the reading half of the pipeline on one input text. `path` is
/// where the text came from (for a `.meta` sidecar and the slug fallback).
pub fn convert(
    text: &str,
    path: Option<&Path>,
    opts: &Options,
) -> Result<Converted, source::SourceError> {
    let (meta, body, line_offset, mut diagnostics) = match opts.input {
        InputKind::Post => {
            let (post, diags) = source::read_post(text, path, &opts.read)?;
            (post.meta, post.body, post.body_line_offset, diags)
        }
        InputKind::Rst => (Metadata::default(), text.to_owned(), 0, Vec::new()),
        InputKind::Json => return read_json(text, path),
    };
    let parsed = rst::parse(&body, &opts.parse);
    let mut document = parsed.document;
    let mut body_diags = parsed.diagnostics;
    if opts.stage == Stage::Transform {
        transform::apply(&mut document, &opts.transform, &mut body_diags);
    }
    for d in &mut body_diags {
        if let Some(l) = d.line.as_mut() {
            *l += line_offset as u32;
        }
    }
    diagnostics.extend(body_diags);
    Ok(Converted {
        meta,
        document,
        diagnostics,
        line_offset: line_offset as u32,
    })
}
