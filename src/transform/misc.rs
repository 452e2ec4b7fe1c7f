//! docutils' `transforms/misc.py` (ClassAttribute, Transitions) and Nikola's
//! teaser marker.

use super::doc::{Doc, Id};
use super::references::is_invisible;
use super::{Settings, py_list, py_scalar};
use crate::doctree::{Kind, Level};

// ---- ClassAttribute (210, from a pending node) ----

pub(crate) fn class_attribute(doc: &mut Doc, pending: Id) {
    let classes = doc
        .get(pending, ".details.class")
        .map(py_list)
        .unwrap_or_default();
    let mut cur = pending;
    // Following siblings, then the parent's following siblings, and so on.
    while let Some(parent) = doc.parent(cur) {
        let start = doc.index(parent, cur).map_or(0, |i| i + 1);
        let found = doc.children(parent)[start..].iter().copied().find(|&s| {
            doc.kind(s)
                .is_some_and(|k| !is_invisible(k) && k != Kind::SystemMessage)
        });
        if let Some(el) = found {
            doc.attrs_mut(el).classes.extend(classes);
            doc.detach(pending);
            return;
        }
        cur = parent;
    }
    let directive = doc
        .get(pending, ".details.directive")
        .map(py_scalar)
        .unwrap_or_else(|| "class".to_owned());
    let raw = doc.get(pending, ".rawsource").unwrap_or("").to_owned();
    let lit = doc.literal(&raw);
    let line = doc.nodes[pending].line;
    let text = format!("No suitable element following \"{directive}\" directive");
    let msg = doc.message(Level::Error, &text, &[lit], None, line);
    doc.replace_self(pending, &[msg]);
}

// ---- Transitions (830) ----

/// Siblings that do not count when placing a transition.
fn ignored_sibling(kind: Option<Kind>) -> bool {
    matches!(
        kind,
        Some(
            Kind::Decoration
                | Kind::Meta
                | Kind::Pending
                | Kind::SubstitutionDefinition
                | Kind::Subtitle
                | Kind::Target
                | Kind::Title
        )
    )
}

pub(crate) fn transitions(doc: &mut Doc) {
    for t in doc.findall_kind(Kind::Transition) {
        let Some(parent) = doc.parent(t) else {
            continue;
        };
        if !matches!(doc.kind(parent), Some(Kind::Document | Kind::Section)) {
            warn(
                doc,
                "Transition only valid as child of <document> or <section>.",
                t,
            );
            continue;
        }
        let kids = doc.children(parent);
        let i = doc.index(parent, t).unwrap_or(0);
        let follows = i > 0 && doc.is(kids[i - 1], Kind::Transition);
        let begins = kids[..i].iter().all(|&s| ignored_sibling(doc.kind(s)));
        let ends = kids[i + 1..].iter().all(|&s| ignored_sibling(doc.kind(s)));
        if ends {
            move_up(doc, t);
        }
        if begins {
            let tag = doc
                .parent(t)
                .and_then(|p| doc.kind(p))
                .map_or("", Kind::name);
            warn(doc, &format!("Transition at the start of the {tag}."), t);
        } else if follows {
            warn(
                doc,
                "At least one body element should separate transitions.",
                t,
            );
        }
    }
}

/// Moves a transition ending a section after the nearest ancestor that has
/// a following sibling.
fn move_up(doc: &mut Doc, t: Id) {
    let Some(mut sibling) = doc.parent(t) else {
        return;
    };
    while let Some(parent) = doc.parent(sibling) {
        let index = doc.index(parent, sibling).unwrap_or(0);
        if index + 1 < doc.children(parent).len() {
            doc.insert(parent, index + 1, t);
            return;
        }
        sibling = parent;
    }
    warn(doc, "Transition at the end of the document.", t);
}

fn warn(doc: &mut Doc, text: &str, node: Id) {
    let msg = doc.message(Level::Warning, text, &[], Some(node), None);
    if let Some(parent) = doc.parent(node) {
        let i = doc.index(parent, node).map_or(0, |i| i + 1);
        doc.insert(parent, i, msg);
    }
}

// ---- writer_aux.Admonitions (920) ----

/// Specific admonitions (`note`, ...) become generic ones with a title.
pub(crate) fn admonitions(doc: &mut Doc, settings: &Settings) {
    let lang = crate::lang::get(&settings.language_code);
    let found = doc.findall(doc.root, |n| {
        n.kind
            .is_some_and(|k| k == Kind::Admonition || k.is_specific_admonition())
    });
    for a in found {
        let Some(kind) = doc.kind(a) else {
            continue;
        };
        doc.attrs_mut(a).classes.push(kind.name().to_owned());
        if kind == Kind::Admonition {
            continue;
        }
        doc.set_kind(a, Kind::Admonition);
        let title = doc.new_text_el(Kind::Title, lang.label(kind.name()));
        doc.insert(a, 0, title);
    }
}

// ---- Nikola's teaser ----

/// `.. TEASER_END` (or `END_TEASER`, optionally `: more text`) comments
/// get the class `teaser-end`; writers turn them into `<!--more-->`.
pub(crate) fn teaser(doc: &mut Doc, settings: &Settings) {
    if !settings.teaser {
        return;
    }
    for c in doc.findall_kind(Kind::Comment) {
        if is_teaser(&doc.astext(c)) && !doc.attrs(c).classes.iter().any(|x| x == "teaser-end") {
            doc.attrs_mut(c).classes.push("teaser-end".to_owned());
        }
    }
}

fn is_teaser(text: &str) -> bool {
    let t = text.trim();
    ["TEASER_END", "END_TEASER"].iter().any(|m| {
        t.strip_prefix(m)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teaser_markers() {
        assert!(is_teaser("TEASER_END"));
        assert!(is_teaser(" TEASER_END: Read more "));
        assert!(is_teaser("END_TEASER"));
        assert!(!is_teaser("TEASER_ENDING"));
        assert!(!is_teaser("a TEASER_END"));
    }
}
