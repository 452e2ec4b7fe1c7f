//! docutils' `transforms/parts.py`: section numbers and tables of contents,
//! both started by `pending` nodes of the `sectnum` and `contents` directives.

use super::doc::{Doc, Id};
use super::{Settings, py_scalar};
use crate::doctree::Kind;

fn detail(doc: &Doc, pending: Id, key: &str) -> Option<String> {
    doc.get(pending, &format!(".details.{key}")).map(py_scalar)
}

/// A numeric detail; `None` (Python's None or absent) means no limit.
fn number(doc: &Doc, pending: Id, key: &str) -> Option<usize> {
    detail(doc, pending, key).and_then(|v| v.parse().ok())
}

// ---- SectNum (710) ----

struct Numbering {
    max_depth: usize,
    start: usize,
    prefix: String,
    suffix: String,
}

pub(crate) fn sectnum(doc: &mut Doc, pending: Id, settings: &Settings) {
    let numbering = Numbering {
        max_depth: number(doc, pending, "depth").unwrap_or(usize::MAX),
        start: number(doc, pending, "start").unwrap_or(1),
        prefix: detail(doc, pending, "prefix").unwrap_or_default(),
        suffix: detail(doc, pending, "suffix").unwrap_or_default(),
    };
    doc.detach(pending);
    if settings.sectnum_xform {
        let root = doc.root;
        number_sections(doc, root, &numbering, "", 0);
    }
}

fn number_sections(doc: &mut Doc, node: Id, n: &Numbering, prefix: &str, depth: usize) {
    let depth = depth + 1;
    let mut sectnum = if prefix.is_empty() { n.start } else { 1 };
    for child in doc.children(node).to_vec() {
        if !doc.is(child, Kind::Section) {
            continue;
        }
        let numbers = if prefix.is_empty() {
            sectnum.to_string()
        } else {
            format!("{prefix}.{sectnum}")
        };
        if let Some(&title) = doc.children(child).first() {
            let text = format!("{}{numbers}{}\u{a0}\u{a0}\u{a0}", n.prefix, n.suffix);
            let generated = doc.new_text_el(Kind::Generated, &text);
            doc.attrs_mut(generated).classes.push("sectnum".to_owned());
            doc.insert(title, 0, generated);
            doc.set(title, "auto", "1");
        }
        if depth < n.max_depth {
            number_sections(doc, child, n, &numbers, depth);
        }
        sectnum += 1;
    }
}

// ---- Contents (720) ----

struct Toc {
    pending: Id,
    toc_id: String,
    backlinks: Option<String>,
    depth: usize,
}

pub(crate) fn contents(doc: &mut Doc, pending: Id, settings: &Settings) {
    let Some(topic) = doc.parent(pending) else {
        return;
    };
    let toc_id = doc.set_id(topic, "");
    let local = doc.has(pending, ".details.local");
    let mut start = doc.root;
    if local {
        let mut cur = doc.parent(topic);
        while let Some(c) = cur {
            if matches!(doc.kind(c), Some(Kind::Section | Kind::Document)) {
                start = c;
                break;
            }
            cur = doc.parent(c);
        }
    }
    let backlinks = if doc.has(pending, ".details.backlinks") {
        detail(doc, pending, "backlinks").filter(|b| b != "None")
    } else {
        Some(settings.toc_backlinks.clone())
    };
    let toc = Toc {
        pending,
        toc_id,
        backlinks,
        depth: number(doc, pending, "depth").unwrap_or(usize::MAX),
    };
    match build_contents(doc, &toc, start, 0) {
        Some(list) => doc.replace_self(pending, &[list]),
        None => doc.detach(topic),
    }
}

fn build_contents(doc: &mut Doc, toc: &Toc, node: Id, level: usize) -> Option<Id> {
    let level = level + 1;
    let sections: Vec<Id> = doc
        .children(node)
        .iter()
        .copied()
        .filter(|&c| doc.is(c, Kind::Section) && c != toc.pending)
        .collect();
    let mut entries = Vec::new();
    let mut auto = false;
    for section in sections {
        let Some(&title) = doc.children(section).first() else {
            continue;
        };
        auto = doc.has(title, "auto");
        let reference = doc.new_el(Kind::Reference);
        copy_and_filter(doc, title, reference);
        let sid = match doc.attrs(section).ids.first() {
            Some(i) => i.clone(),
            None => doc.set_id(section, ""),
        };
        doc.set(reference, "refid", sid);
        let ref_id = doc.set_id(reference, "toc-entry");
        let entry = doc.new_el(Kind::Paragraph);
        doc.append(entry, reference);
        let item = doc.new_el(Kind::ListItem);
        doc.append(item, entry);
        let has_ref = doc
            .findall(title, |n| n.kind == Some(Kind::Reference))
            .into_iter()
            .any(|r| r != title);
        if !has_ref {
            match toc.backlinks.as_deref() {
                Some("entry") => doc.set(title, "refid", ref_id),
                Some("top") => doc.set(title, "refid", toc.toc_id.clone()),
                _ => {}
            }
        }
        if level < toc.depth
            && let Some(sub) = build_contents(doc, toc, section, level)
        {
            doc.append(item, sub);
        }
        entries.push(item);
    }
    if entries.is_empty() {
        return None;
    }
    let list = doc.new_el(Kind::BulletList);
    for e in entries {
        doc.append(list, e);
    }
    if auto {
        doc.attrs_mut(list).classes.push("auto-toc".to_owned());
    }
    Some(list)
}

/// Copies a title's content into `to`, without footnote and citation
/// references, with images as their alt text, and references, targets and
/// problematic nodes unwrapped (docutils' `ContentsFilter`).
fn copy_and_filter(doc: &mut Doc, from: Id, to: Id) {
    for child in doc.children(from).to_vec() {
        match doc.kind(child) {
            None => {
                let t = doc.new_text(doc.nodes[child].text.clone());
                doc.append(to, t);
            }
            Some(Kind::CitationReference | Kind::FootnoteReference) => {}
            Some(Kind::Image) => {
                if let Some(alt) = doc.get(child, "alt").map(str::to_owned) {
                    let t = doc.new_text(alt);
                    doc.append(to, t);
                }
            }
            Some(Kind::Problematic | Kind::Reference | Kind::Target) => {
                copy_and_filter(doc, child, to);
            }
            Some(kind) => {
                let copy = doc.new_el(kind);
                doc.nodes[copy].attrs = doc.attrs(child).clone();
                doc.append(to, copy);
                copy_and_filter(doc, child, copy);
            }
        }
    }
}
