//! `contents`, `sectnum`, `header`, `footer` (docutils `parts.py`) and
//! `target-notes` (`references.py`): mostly `pending` nodes for transforms.

use super::convert::{Conv, OptVal};
use super::{DirResult, Directive, Spec, fully_normalize_name, inline_text};
use crate::doctree::{Element, Kind, Node};
use crate::rst::block::Parser;

/// A `pending` node for `transform` with the directive's options as details.
pub fn pending(transform: &str, details: &[(String, OptVal)]) -> Element {
    let mut p = Element::new(Kind::Pending).with_attr(".transform", transform);
    for (k, v) in details {
        p.set(&format!(".details.{k}"), v.repr());
    }
    p
}

pub static CONTENTS: Spec = Spec {
    required: 0,
    optional: 1,
    final_ws: true,
    options: &[
        ("depth", Conv::NonnegativeInt),
        ("local", Conv::Flag),
        ("backlinks", Conv::Backlinks),
        ("class", Conv::ClassOption),
    ],
    content: false,
    run: contents,
};

fn contents(parser: &mut Parser, d: &mut Directive) -> DirResult {
    super::body::check_pseudo_section_parent(parser, d)?;
    let local = d.has("local");
    let mut messages = Vec::new();
    let title = match d.arguments.first().cloned() {
        Some(text) => {
            let (nodes, msgs) = inline_text(parser, &text, d.lineno);
            messages = msgs;
            let mut t = Element::new(Kind::Title);
            t.children = nodes;
            Some(t)
        }
        None if local => None,
        None => Some(Element::new(Kind::Title).with_text(contents_label(parser))),
    };
    let mut topic = Element::new(Kind::Topic).with_line(d.lineno);
    topic.attrs.classes.push("contents".into());
    topic.attrs.classes.extend(d.classes());
    if local {
        topic.attrs.classes.push("local".into());
    }
    let name = match &title {
        Some(t) => t.astext(),
        None => contents_label(parser).to_owned(),
    };
    if let Some(t) = title {
        topic.push(t);
    }
    // docutils names the topic only when the name is still free
    let name = fully_normalize_name(&name);
    if !parser.state.has_name(&name) {
        topic.attrs.names.push(name);
    }
    if let Some(m) = parser.state.note_implicit_target(&mut topic) {
        messages.push(m);
    }
    topic.push(
        pending("docutils.transforms.parts.Contents", &d.options)
            .with_attr(".rawsource", d.block_text.as_str()),
    );
    let mut out: Vec<Node> = vec![topic.into()];
    out.extend(messages.into_iter().map(Node::from));
    Ok(out)
}

/// The "Contents" label in the document language (docutils' `labels`).
fn contents_label(parser: &Parser) -> &'static str {
    let tag = parser
        .state
        .settings
        .language
        .to_lowercase()
        .replace('-', "_");
    let short = tag.split('_').next().unwrap_or("");
    let pick = |t: &str| {
        super::lang::CONTENTS_LABELS
            .iter()
            .find(|(c, _)| *c == t)
            .map(|(_, l)| *l)
    };
    pick(&tag).or_else(|| pick(short)).unwrap_or("Contents")
}

pub static SECTNUM: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: &[
        ("depth", Conv::Int),
        ("start", Conv::Int),
        ("prefix", Conv::UnchangedRequired),
        ("suffix", Conv::UnchangedRequired),
    ],
    content: false,
    run: sectnum,
};

fn sectnum(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    Ok(vec![
        pending("docutils.transforms.parts.SectNum", &d.options).into(),
    ])
}

pub static DECORATION: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: &[],
    content: true,
    run: decoration,
};

/// `header` / `footer`: the content goes into the document's decoration
/// (docutils' `get_decoration().get_header()`): one header first, one
/// footer last, however many directives add to them.
fn decoration(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    let kind = if d.canonical == "footer" {
        Kind::Footer
    } else {
        Kind::Header
    };
    let mut part = Element::new(kind);
    super::nested(parser, &d.content, d.content_offset, &mut part);
    let deco = parser.state.decoration();
    let at = match kind {
        Kind::Header => deco.children.first(),
        _ => deco.children.last(),
    };
    if at
        .and_then(Node::as_element)
        .is_some_and(|e| e.kind == kind)
    {
        let i = if kind == Kind::Header {
            0
        } else {
            deco.children.len() - 1
        };
        if let Some(Node::Element(existing)) = deco.children.get_mut(i) {
            existing.children.append(&mut part.children);
        }
    } else if kind == Kind::Header {
        deco.children.insert(0, part.into());
    } else {
        deco.children.push(part.into());
    }
    Ok(Vec::new())
}

pub static TARGET_NOTES: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: &[("class", Conv::ClassOption)],
    content: false,
    run: target_notes,
};

fn target_notes(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let mut p = Element::new(Kind::Pending)
        .with_attr(".transform", "docutils.transforms.references.TargetNotes");
    d.add_name(parser, &mut p);
    for (k, v) in &d.options {
        p.set(&format!(".details.{k}"), v.repr());
    }
    Ok(vec![p.into()])
}
