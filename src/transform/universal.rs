//! docutils' `transforms/universal.py`: comments and loose messages.

use super::Settings;
use super::doc::Doc;
use crate::doctree::Kind;
use std::collections::HashSet;

pub(crate) fn strip_comments(doc: &mut Doc, settings: &Settings) {
    if !settings.strip_comments {
        return;
    }
    for c in doc.findall_kind(Kind::Comment) {
        doc.detach(c);
    }
}

/// Drops elements having a class of `strip_elements_with_classes`, then
/// the class values of `strip_classes`.
pub(crate) fn strip_classes_and_elements(doc: &mut Doc, settings: &Settings) {
    let strip = &settings.strip_elements_with_classes;
    if !strip.is_empty() {
        let doomed = doc.findall(doc.root, |n| {
            n.attrs.classes.iter().any(|c| strip.contains(c))
        });
        for d in doomed {
            doc.detach(d);
        }
    }
    if settings.strip_classes.is_empty() {
        return;
    }
    for e in doc.findall(doc.root, |n| n.kind.is_some()) {
        doc.attrs_mut(e)
            .classes
            .retain(|c| !settings.strip_classes.contains(c));
    }
}

/// Puts messages not yet in the tree into a "Docutils System Messages"
/// section at the end.
pub(crate) fn messages(doc: &mut Doc) {
    let loose: Vec<_> = doc
        .transform_messages
        .iter()
        .copied()
        .filter(|&m| never_placed(doc, m))
        .collect();
    if loose.is_empty() {
        return;
    }
    let section = doc.new_el(Kind::Section);
    doc.attrs_mut(section)
        .classes
        .push("system-messages".to_owned());
    let title = doc.new_text_el(Kind::Title, "Docutils System Messages");
    doc.append(section, title);
    for m in loose {
        doc.append(section, m);
    }
    doc.transform_messages.clear();
    let root = doc.root;
    doc.append(root, section);
}

/// Removes messages below `report_level`; their problematic nodes become text.
pub(crate) fn filter_messages(doc: &mut Doc, settings: &Settings) {
    let mut removed: HashSet<String> = HashSet::new();
    for m in doc.findall_kind(Kind::SystemMessage) {
        let level: u8 = doc
            .get(m, "level")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        if level < settings.report_level {
            doc.detach(m);
            for id in doc.attrs(m).ids.clone() {
                doc.ids.remove(&id);
                removed.insert(id);
            }
        }
    }
    for p in doc.findall_kind(Kind::Problematic) {
        if doc.get(p, "refid").is_some_and(|r| removed.contains(r)) {
            let text = doc.astext(p);
            let t = doc.new_text(text);
            doc.replace_self(p, &[t]);
        }
    }
    for s in doc.findall_kind(Kind::Section) {
        let is_msgs = doc.attrs(s).classes.iter().any(|c| c == "system-messages");
        if is_msgs && doc.children(s).len() == 1 {
            doc.detach(s);
        }
    }
}

/// Nikola's `HIDE_REST_DOCINFO`: the bibliographic fields stay metadata.
pub(crate) fn remove_docinfo(doc: &mut Doc, settings: &Settings) {
    if !settings.hide_docinfo {
        return;
    }
    for d in doc.findall_kind(Kind::Docinfo) {
        doc.detach(d);
    }
}

/// Appends loose transform messages to the document (docutils' tests).
pub(crate) fn test_messages(doc: &mut Doc) {
    let root = doc.root;
    for m in doc.transform_messages.clone() {
        if never_placed(doc, m) {
            doc.append(root, m);
        }
    }
}

/// docutils' removed nodes keep their parent, so a message that was in the
/// tree once is not "loose".
fn never_placed(doc: &Doc, m: super::doc::Id) -> bool {
    doc.parent(m).is_none() && doc.nodes[m].last_parent.is_none()
}
