//! Transforms: ordered passes that resolve what parsing only recorded,
//! ported from docutils' `transforms/` package and run in its priority order.
//!
//! The tree is moved into an arena ([`doc::Doc`]) with parent links and the
//! registries docutils keeps on its document (rebuilt in one walk), the
//! passes run there, and the tree is moved back.

mod doc;
mod frontmatter;

mod leftovers;
mod misc;
mod parts;
mod references;
pub mod safe;
mod universal;

#[cfg(test)]
mod tests;

use crate::doctree::{Diagnostic, Element, Kind};
use doc::{Doc, Id};

/// Settings for the transforms (docutils names where it has them).
#[derive(Clone, Debug)]
pub struct Settings {
    /// docutils' `doctitle_xform`: promote a lone top section title.
    pub doctitle: bool,
    /// docutils' `docinfo_xform`: bibliographic field list to `docinfo`.
    pub docinfo_xform: bool,
    /// docutils' `sectsubtitle_xform`: lone subsections become subtitles.
    pub sectsubtitle_xform: bool,
    /// docutils' `sectnum_xform`: number sections here (not in the writer).
    pub sectnum_xform: bool,
    /// docutils' `legacy_ids`: the parser already gave sections ids.
    pub legacy_ids: bool,
    /// docutils' `strip_comments`.
    pub strip_comments: bool,
    /// docutils' `toc_backlinks`: `entry`, `top` or `none`.
    pub toc_backlinks: String,
    /// docutils' `trim_footnote_reference_space`.
    pub trim_footnote_reference_space: bool,
    /// docutils' `report_level`: `FilterMessages` drops messages below it.
    pub report_level: u8,
    /// docutils' `line_length_limit` (substitution expansion limit).
    pub line_length_limit: usize,
    /// docutils' `title`: overrides the document's `title` attribute.
    pub title: Option<String>,
    /// Nikola: turn `.. TEASER_END` comments into `teaser-end` comments.
    pub teaser: bool,
    /// docutils' `strip_elements_with_classes`: elements to drop.
    pub strip_elements_with_classes: Vec<String>,
    /// docutils' `strip_classes`: class values to drop.
    pub strip_classes: Vec<String>,
    /// Nikola's `HIDE_REST_DOCINFO`: drop the `docinfo` element.
    pub hide_docinfo: bool,
    /// docutils' `language_code`: bibliographic field names, generated
    /// titles (`Abstract`, admonition labels).
    pub language_code: String,
    /// Safe mode: drop links to `javascript:`, `vbscript:` and `data:` URLs.
    pub safe_urls: bool,
    /// Nodes substitution expansion may visit (at least; 8 times the
    /// document's size when larger) before references are refused.
    pub expansion_budget: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            doctitle: true,
            docinfo_xform: true,
            sectsubtitle_xform: false,
            sectnum_xform: true,
            legacy_ids: true,
            strip_comments: false,
            toc_backlinks: "entry".to_owned(),
            trim_footnote_reference_space: false,
            report_level: 2,
            line_length_limit: 10_000,
            title: None,
            teaser: true,
            language_code: "en".to_owned(),
            safe_urls: false,
            expansion_budget: 1_000_000,
            strip_elements_with_classes: Vec::new(),
            strip_classes: Vec::new(),
            hide_docinfo: false,
        }
    }
}

/// One transform, named as its docutils class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pass {
    ClassAttribute,
    Substitutions,
    SectionIds,
    PropagateTargets,
    DocTitle,
    DocInfo,
    SectionSubTitle,
    StripClassesAndElements,
    AnonymousHyperlinks,
    IndirectHyperlinks,
    TargetNotes,
    Footnotes,
    ExternalTargets,
    InternalTargets,
    SectNum,
    Contents,
    StripComments,
    Teaser,
    Decorations,
    Transitions,
    DanglingReferences,
    Messages,
    FilterMessages,
    /// Nikola's `RemoveDocinfo` (with `hide_docinfo`).
    RemoveDocinfo,
    TestMessages,
    /// writer_aux.Admonitions (for writers without specific admonitions).
    Admonitions,
}

impl Pass {
    /// docutils' `default_priority` (the teaser runs with the comments).
    pub fn priority(self) -> u32 {
        match self {
            Pass::ClassAttribute => 210,
            Pass::Substitutions => 220,
            Pass::SectionIds => 240,
            Pass::PropagateTargets => 260,
            Pass::DocTitle => 320,
            Pass::DocInfo => 340,
            Pass::SectionSubTitle => 350,
            Pass::StripClassesAndElements => 420,
            Pass::AnonymousHyperlinks => 440,
            Pass::IndirectHyperlinks => 460,
            Pass::TargetNotes => 540,
            Pass::Footnotes => 620,
            Pass::ExternalTargets => 640,
            Pass::InternalTargets => 660,
            Pass::SectNum => 710,
            Pass::Contents => 720,
            Pass::StripComments => 740,
            Pass::Teaser => 745,
            Pass::Decorations => 820,
            Pass::Transitions => 830,
            Pass::DanglingReferences => 850,
            Pass::Messages => 860,
            Pass::FilterMessages => 870,
            Pass::RemoveDocinfo => 871,
            Pass::TestMessages => 880,
            Pass::Admonitions => 920,
        }
    }

    /// The pass for a docutils transform class name (`Footnotes`, ...).
    pub fn from_name(name: &str) -> Option<Pass> {
        let last = name.rsplit('.').next().unwrap_or(name);
        Some(match last {
            "ClassAttribute" => Pass::ClassAttribute,
            "Substitutions" => Pass::Substitutions,
            "SectionIDs" => Pass::SectionIds,
            "PropagateTargets" => Pass::PropagateTargets,
            "DocTitle" => Pass::DocTitle,
            "DocInfo" => Pass::DocInfo,
            "SectionSubTitle" => Pass::SectionSubTitle,
            "StripClassesAndElements" => Pass::StripClassesAndElements,
            "AnonymousHyperlinks" => Pass::AnonymousHyperlinks,
            "IndirectHyperlinks" => Pass::IndirectHyperlinks,
            "TargetNotes" => Pass::TargetNotes,
            "Footnotes" => Pass::Footnotes,
            "ExternalTargets" => Pass::ExternalTargets,
            "InternalTargets" => Pass::InternalTargets,
            "SectNum" => Pass::SectNum,
            "Contents" => Pass::Contents,
            "StripComments" => Pass::StripComments,
            "Teaser" => Pass::Teaser,
            "Decorations" => Pass::Decorations,
            "Transitions" => Pass::Transitions,
            "DanglingReferences" => Pass::DanglingReferences,
            "Messages" => Pass::Messages,
            "FilterMessages" => Pass::FilterMessages,
            "RemoveDocinfo" => Pass::RemoveDocinfo,
            "TestMessages" => Pass::TestMessages,
            "Admonitions" => Pass::Admonitions,
            _ => return None,
        })
    }

    /// Passes started by a `pending` node rather than by the reader.
    fn is_pending(self) -> bool {
        matches!(
            self,
            Pass::ClassAttribute | Pass::TargetNotes | Pass::SectNum | Pass::Contents
        )
    }
}

/// The passes a reST post gets (reader, parser and writer defaults),
/// pending-node passes aside: they run whenever their node is present.
pub const DEFAULT_PASSES: &[Pass] = &[
    Pass::Substitutions,
    Pass::SectionIds,
    Pass::PropagateTargets,
    Pass::DocTitle,
    Pass::DocInfo,
    Pass::SectionSubTitle,
    Pass::StripClassesAndElements,
    Pass::AnonymousHyperlinks,
    Pass::IndirectHyperlinks,
    Pass::Footnotes,
    Pass::ExternalTargets,
    Pass::InternalTargets,
    Pass::StripComments,
    Pass::Teaser,
    Pass::Decorations,
    Pass::Transitions,
    Pass::DanglingReferences,
    Pass::Messages,
    Pass::FilterMessages,
    Pass::RemoveDocinfo,
];

/// Runs every transform, in docutils' priority order.
pub fn apply(document: &mut Element, settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
    apply_passes(document, DEFAULT_PASSES, settings, diagnostics);
    if settings.safe_urls {
        safe::apply(document, diagnostics);
    }
}

/// Runs the transforms named as docutils classes (as listed by a docutils
/// test case), plus those of `pending` nodes; unknown names are ignored.
pub fn apply_named(
    document: &mut Element,
    names: &[&str],
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let passes: Vec<Pass> = names.iter().filter_map(|n| Pass::from_name(n)).collect();
    apply_passes(document, &passes, settings, diagnostics);
}

/// Runs `passes` and the pending-node passes, ordered by priority.
pub fn apply_passes(
    document: &mut Element,
    passes: &[Pass],
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let taken = std::mem::replace(document, Element::new(Kind::Document));
    let mut doc = Doc::new(taken);
    leftovers::apply(&mut doc);
    references::mark_referenced_targets(&mut doc);
    // Pending nodes in document order, each with its pass.
    let mut jobs: Vec<(u32, usize, Pass, Option<Id>)> = Vec::new();
    for id in doc.findall_kind(Kind::Pending) {
        let pass = doc.get(id, ".transform").and_then(Pass::from_name);
        if let Some(p) = pass.filter(|p| p.is_pending()) {
            jobs.push((p.priority(), jobs.len(), p, Some(id)));
        }
    }
    for &p in passes {
        if !p.is_pending() {
            jobs.push((p.priority(), jobs.len(), p, None));
        }
    }
    jobs.sort_by_key(|j| (j.0, j.1));
    for (_, _, pass, node) in jobs {
        run(&mut doc, pass, node, settings);
    }
    let root = doc.root;
    *document = doc.take_tree(root);
    diagnostics.append(&mut doc.diagnostics);
}

fn run(doc: &mut Doc, pass: Pass, pending: Option<Id>, settings: &Settings) {
    // A pending node removed by an earlier pass has nothing left to do.
    if let Some(p) = pending
        && doc.parent(p).is_none()
    {
        return;
    }
    match (pass, pending) {
        (Pass::ClassAttribute, Some(p)) => misc::class_attribute(doc, p),
        (Pass::TargetNotes, Some(p)) => references::target_notes(doc, p, settings),
        (Pass::SectNum, Some(p)) => parts::sectnum(doc, p, settings),
        (Pass::Contents, Some(p)) => parts::contents(doc, p, settings),
        (Pass::Substitutions, _) => references::substitutions(doc, settings),
        (Pass::SectionIds, _) => references::section_ids(doc, settings),
        (Pass::PropagateTargets, _) => references::propagate_targets(doc),
        (Pass::DocTitle, _) => frontmatter::doc_title(doc, settings),
        (Pass::DocInfo, _) => frontmatter::doc_info(doc, settings),
        (Pass::SectionSubTitle, _) => frontmatter::section_subtitle(doc, settings),
        (Pass::StripClassesAndElements, _) => universal::strip_classes_and_elements(doc, settings),
        (Pass::AnonymousHyperlinks, _) => references::anonymous_hyperlinks(doc),
        (Pass::IndirectHyperlinks, _) => references::indirect_hyperlinks(doc),
        (Pass::Footnotes, _) => references::footnotes(doc),
        (Pass::ExternalTargets, _) => references::external_targets(doc),
        (Pass::InternalTargets, _) => references::internal_targets(doc),
        (Pass::StripComments, _) => universal::strip_comments(doc, settings),
        (Pass::Teaser, _) => misc::teaser(doc, settings),
        (Pass::Decorations, _) => {}
        (Pass::Transitions, _) => misc::transitions(doc),
        (Pass::DanglingReferences, _) => references::dangling_references(doc),
        (Pass::Messages, _) => universal::messages(doc),
        (Pass::FilterMessages, _) => universal::filter_messages(doc, settings),
        (Pass::RemoveDocinfo, _) => universal::remove_docinfo(doc, settings),
        (Pass::TestMessages, _) => universal::test_messages(doc),
        (Pass::Admonitions, _) => misc::admonitions(doc, settings),
        _ => {}
    }
}

/// Parses the Python repr of a pending detail: a string, number, `None`,
/// bool, or a list of strings (enough for the directives' details).
pub(crate) fn py_list(repr: &str) -> Vec<String> {
    let inner = repr
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    let mut out = Vec::new();
    let mut rest = inner;
    while let Some(start) = rest.find(['\'', '"']) {
        let quote = rest[start..].chars().next().unwrap_or('\'');
        let body = &rest[start + 1..];
        let mut value = String::new();
        let mut chars = body.char_indices();
        let mut end = body.len();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                match chars.next().map(|(_, e)| e) {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some('r') => value.push('\r'),
                    Some(e) => value.push(e),
                    None => {}
                }
            } else if c == quote {
                end = i + 1;
                break;
            } else {
                value.push(c);
            }
        }
        out.push(value);
        rest = body.get(end..).unwrap_or("");
    }
    out
}

/// A scalar pending detail: the unquoted string, or the literal as is.
pub(crate) fn py_scalar(repr: &str) -> String {
    let r = repr.trim();
    if r.starts_with(['\'', '"']) {
        py_list(r).into_iter().next().unwrap_or_default()
    } else {
        r.to_owned()
    }
}
