//! postconv: reStructuredText blog posts to Markdown, HTML, EPUB and JSON.
//!
//! The pipeline: [`source`] splits metadata from the body, [`rst`] parses
//! the body into a [`doctree`], [`transform`] resolves references, and a
//! writer from [`write`] renders the result.
#![forbid(unsafe_code)]

pub mod doctree;
pub mod rst;
pub mod source;
pub mod transform;
pub mod write;

use doctree::{Diagnostic, Element};
use source::Metadata;

/// What the input is: a post (metadata header, then reST) or plain reST.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputKind {
    #[default]
    Post,
    Rst,
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
}

/// A converted post: its metadata, its tree and everything reported.
#[derive(Clone, Debug)]
pub struct Converted {
    pub meta: Metadata,
    pub document: Element,
    /// Diagnostics with line numbers of the input file.
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs the reading half of the pipeline on one input text.
pub fn convert(text: &str, opts: &Options) -> Converted {
    let (meta, body, line_offset) = match opts.input {
        InputKind::Post => split_post(text),
        InputKind::Rst => (Metadata::default(), text, 0),
    };
    let parsed = rst::parse(body, &opts.parse);
    let mut document = parsed.document;
    let mut diagnostics = parsed.diagnostics;
    if opts.stage == Stage::Transform {
        transform::apply(&mut document, &opts.transform, &mut diagnostics);
    }
    for d in &mut diagnostics {
        if let Some(l) = d.line.as_mut() {
            *l += line_offset as u32;
        }
    }
    Converted {
        meta,
        document,
        diagnostics,
    }
}

/// Interim header split until the post reader lands: Nikola `.. key: value`
/// lines up to the first blank line.
fn split_post(text: &str) -> (Metadata, &str, usize) {
    let mut meta = Metadata::default();
    let mut offset = 0;
    let mut lines = 0;
    for line in text.split_inclusive('\n') {
        let Some(rest) = line.trim_end().strip_prefix(".. ") else {
            break;
        };
        let Some((key, value)) = rest.split_once(':') else {
            break;
        };
        if key.contains(' ') {
            break;
        }
        let value = value.trim();
        if !value.is_empty() {
            match key {
                "title" => meta.title = Some(value.to_owned()),
                "slug" => meta.slug = Some(value.to_owned()),
                "author" => meta.author = Some(value.to_owned()),
                _ => {
                    meta.other.insert(key.to_owned(), value.to_owned());
                }
            }
        }
        offset += line.len();
        lines += 1;
    }
    (meta, &text[offset..], lines)
}
