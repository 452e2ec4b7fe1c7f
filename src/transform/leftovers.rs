//! Finishes what docutils' parser does on the document itself and our
//! directives leave as markers: the `title` directive's pending node, the
//! `header`/`footer` decoration, and `unicode`'s trim options. Runs first;
//! a tree without markers passes through untouched.

use super::doc::{Doc, Id};
use super::py_scalar;
use crate::doctree::Kind;

pub(crate) fn apply(doc: &mut Doc) {
    document_title(doc);
    metas(doc);
    decorations(doc);
    trim_markers(doc);
}

/// `.. title::` sets the document's `title` attribute.
fn document_title(doc: &mut Doc) {
    if !doc.may_have(Kind::Pending) {
        return;
    }
    let pendings = doc.findall(doc.root, |n| {
        n.kind == Some(Kind::Pending)
            && n.attrs.other.get(".transform").map(String::as_str)
                == Some("postconv.document_title")
    });
    for p in pendings {
        let title = match doc.get(p, ".title") {
            Some(t) => t.to_owned(),
            None => doc
                .get(p, ".details.title")
                .map(py_scalar)
                .unwrap_or_default(),
        };
        let root = doc.root;
        doc.set(root, "title", title);
        doc.detach(p);
    }
}

/// `meta` elements go to the document start, after any titles (docutils'
/// `meta` directive inserts them there while parsing).
fn metas(doc: &mut Doc) {
    let root = doc.root;
    let metas = doc.findall_kind(Kind::Meta);
    if metas.is_empty() {
        return;
    }
    for &m in &metas {
        doc.detach(m);
    }
    let index = doc
        .children(root)
        .iter()
        .position(|&c| {
            !matches!(
                doc.kind(c),
                Some(Kind::Title | Kind::Subtitle | Kind::Rubric)
            )
        })
        .unwrap_or(doc.children(root).len());
    for (k, m) in metas.into_iter().enumerate() {
        doc.insert(root, index + k, m);
    }
}

/// Merges marked `decoration` elements into one near the document start:
/// headers first, footers last (docutils' `get_header`/`get_footer`).
fn decorations(doc: &mut Doc) {
    if !doc.may_have(Kind::Decoration) {
        return;
    }
    let marked = doc.findall(doc.root, |n| {
        n.kind == Some(Kind::Decoration) && n.attrs.other.contains_key(".decoration")
    });
    if marked.is_empty() {
        return;
    }
    let root = doc.root;
    let existing = doc
        .children(root)
        .iter()
        .copied()
        .find(|&c| doc.is(c, Kind::Decoration) && !doc.has(c, ".decoration"));
    let deco = match existing {
        Some(d) => d,
        None => {
            let d = doc.new_el(Kind::Decoration);
            let index = doc
                .children(root)
                .iter()
                .position(|&c| {
                    !matches!(
                        doc.kind(c),
                        Some(Kind::Title | Kind::Subtitle | Kind::Rubric | Kind::Meta)
                    )
                })
                .unwrap_or(doc.children(root).len());
            doc.insert(root, index, d);
            d
        }
    };
    for m in marked {
        for part in doc.children(m).to_vec() {
            let Some(kind) = doc.kind(part) else {
                continue;
            };
            let target = part_of(doc, deco, kind);
            for c in doc.children(part).to_vec() {
                doc.append(target, c);
            }
        }
        doc.detach(m);
    }
}

/// The decoration's header or footer, created when missing.
fn part_of(doc: &mut Doc, deco: Id, kind: Kind) -> Id {
    let kids = doc.children(deco);
    let found = if kind == Kind::Header {
        kids.first().copied().filter(|&c| doc.is(c, Kind::Header))
    } else {
        kids.last().copied().filter(|&c| doc.is(c, Kind::Footer))
    };
    if let Some(f) = found {
        return f;
    }
    let part = doc.new_el(kind);
    if kind == Kind::Header {
        doc.insert(deco, 0, part);
    } else {
        doc.append(deco, part);
    }
    part
}

/// `unicode`'s `ltrim`/`rtrim`/`trim` belong on the substitution definition.
fn trim_markers(doc: &mut Doc) {
    if !doc.may_have(Kind::Inline) {
        return;
    }
    let markers = doc.findall(doc.root, |n| {
        n.kind == Some(Kind::Inline) && n.attrs.other.contains_key(".trim")
    });
    for m in markers {
        let def = doc
            .parent(m)
            .filter(|&p| doc.is(p, Kind::SubstitutionDefinition));
        if let Some(def) = def {
            let (l, r) = (doc.has(m, ".ltrim"), doc.has(m, ".rtrim"));
            if l {
                doc.set(def, "ltrim", "1");
            }
            if r {
                doc.set(def, "rtrim", "1");
            }
        }
        doc.detach(m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctree::Element;

    #[test]
    fn markers_are_resolved() {
        let el = Element::new(Kind::Document)
            .with_child(
                Element::new(Kind::Pending)
                    .with_attr(".transform", "postconv.document_title")
                    .with_attr(".title", "T"),
            )
            .with_child(Element::new(Kind::Paragraph).with_text("p"))
            .with_child(
                Element::new(Kind::Decoration)
                    .with_attr(".decoration", "1")
                    .with_child(Element::new(Kind::Footer).with_text("f")),
            )
            .with_child(
                Element::new(Kind::SubstitutionDefinition)
                    .with_child(
                        Element::new(Kind::Inline)
                            .with_attr(".trim", "1")
                            .with_attr(".ltrim", "1"),
                    )
                    .with_text("x"),
            );
        let mut doc = Doc::new(el);
        apply(&mut doc);
        let out = doc.export(doc.root).pformat();
        assert_eq!(
            out,
            "<document title=\"T\">\n    <decoration>\n        <footer>\n            f\n    <paragraph>\n        p\n    <substitution_definition ltrim=\"1\">\n        x\n"
        );
    }
}
