//! docutils' `transforms/references.py`: substitutions, hyperlink targets,
//! footnotes, dangling references and target notes.

use super::Settings;
use super::doc::{Doc, Id, fully_normalize_name};
use crate::doctree::{Kind, Level};
use std::collections::{HashMap, HashSet};
use thin_vec::ThinVec;

/// Chains of indirect targets deeper than this are reported as circular
/// (docutils recurses without bound; we keep the stack bounded).
const MAX_INDIRECTION: usize = 256;

pub(crate) fn is_invisible(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Comment | Kind::Pending | Kind::SubstitutionDefinition | Kind::Target
    )
}

fn is_referential(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Reference | Kind::FootnoteReference | Kind::CitationReference
    )
}

fn truthy(doc: &Doc, id: Id, key: &str) -> bool {
    doc.get(id, key).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Targets the parser marked as referenced: embedded URIs
/// (`` `x <uri>`_ ``) and targets whose name became a dupname.
pub(crate) fn mark_referenced_targets(doc: &mut Doc) {
    for t in doc.findall(doc.root, |n| n.kind.is_some()) {
        let inline = doc
            .parent(t)
            .and_then(|p| doc.kind(p))
            .is_some_and(Kind::is_text_element);
        let embedded = doc.is(t, Kind::Target) && inline && doc.has(t, "refuri");
        if embedded || !doc.attrs(t).dupnames.is_empty() {
            doc.nodes[t].referenced = true;
        }
    }
}

// ---- Substitutions (220) ----

/// A map keyed by node id: a lookup per visited node is an index, not a
/// hash (expansion looks up every node it copies).
struct IdMap<T> {
    slots: Vec<Option<T>>,
    len: usize,
}

impl<T> IdMap<T> {
    fn new() -> Self {
        IdMap {
            slots: Vec::new(),
            len: 0,
        }
    }

    fn get(&self, id: Id) -> Option<&T> {
        self.slots.get(id).and_then(Option::as_ref)
    }

    fn insert(&mut self, id: Id, value: T) {
        if id >= self.slots.len() {
            self.slots.resize_with(id + 1, || None);
        }
        if let Some(slot) = self.slots.get_mut(id) {
            self.len += usize::from(slot.is_none());
            *slot = Some(value);
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Why a definition was not copied.
enum Refused {
    /// The expansion budget is spent.
    Spent,
    /// Its text is longer than docutils' `line_length_limit`.
    TooLong,
}

/// Replacements are recorded, not spliced in: expanding in place makes
/// every expansion cost the size of its paragraph (docutils is quadratic
/// there). The tree is rebuilt once at the end.
struct Expansion {
    /// Reference -> what replaces it (a definition copy's children or a
    /// `problematic` node).
    repl: IdMap<Vec<Id>>,
    /// Definition copy -> the reference it replaces.
    copy_of: IdMap<Id>,
    nested: HashMap<String, HashSet<String>>,
    origin: HashMap<Id, Id>,
    /// Nodes visited measuring and copying definitions, against `budget`.
    work: usize,
    budget: usize,
    /// The id of the one message for references refused once the budget
    /// is spent (a message each would flood the output).
    spent_msgid: Option<String>,
}

impl Expansion {
    /// The parent `n` has once replacements are in place.
    fn parent(&self, doc: &Doc, mut n: Id) -> Option<Id> {
        loop {
            let p = doc.parent(n)?;
            match self.copy_of.get(p) {
                Some(&r) => n = r,
                None => return Some(p),
            }
        }
    }

    /// The source line of `n` once replacements are in place.
    fn line(&self, doc: &Doc, mut n: Id) -> Option<u32> {
        loop {
            if let Some(l) = doc.nodes[n].line {
                return Some(l);
            }
            let p = doc.parent(n).or(doc.nodes[n].last_parent)?;
            n = self.copy_of.get(p).copied().unwrap_or(p);
        }
    }

    /// The node before (or after) `n` once replacements
    /// are in place.
    fn sibling(&self, doc: &Doc, mut n: Id, before: bool) -> Option<Id> {
        loop {
            let p = doc.parent(n)?;
            let kids = doc.children(p);
            let i = kids.iter().position(|&c| c == n)?;
            let next = if before {
                i.checked_sub(1).and_then(|j| kids.get(j))
            } else {
                kids.get(i + 1)
            };
            match next {
                Some(&s) => return Some(self.edge(s, before)),
                None => n = *self.copy_of.get(p)?,
            }
        }
    }

    /// The last (or first) node `n` expands to.
    fn edge(&self, mut n: Id, last: bool) -> Id {
        while let Some(r) = self.repl.get(n) {
            let next = if last { r.last() } else { r.first() };
            match next {
                Some(&x) => n = x,
                None => break,
            }
        }
        n
    }

    /// Whether the expansion work is spent.
    fn spent(&self) -> bool {
        self.work > self.budget
    }

    /// `el`'s children once replacements are in place, appended to `out`;
    /// every step counts against the budget (a replacement can stand for
    /// exponentially many nodes). `false` once the budget is spent.
    fn children_into(&mut self, doc: &Doc, el: Id, out: &mut Vec<Id>) -> bool {
        let mut pending: Vec<Id> = doc.children(el).iter().rev().copied().collect();
        while let Some(c) = pending.pop() {
            self.work += 1;
            if self.spent() {
                return false;
            }
            match self.repl.get(c) {
                Some(with) => pending.extend(with.iter().rev()),
                None => out.push(c),
            }
        }
        true
    }

    /// A deep copy of `el` with replacements in place (docutils copies
    /// definitions whose references were already expanded in place),
    /// refused once its text passes `limit` characters or the budget is
    /// spent (the partial copy is dropped). Measuring while copying
    /// walks each expansion once. The copy's substitution references go
    /// to `refs` in document order.
    fn copy(
        &mut self,
        doc: &mut Doc,
        el: Id,
        limit: usize,
        refs: &mut Vec<Id>,
    ) -> Result<Id, Refused> {
        let mark = doc.nodes.len();
        let copied = self.copy_from(doc, el, limit, refs);
        if copied.is_err() {
            // The partial copy is attached nowhere: drop it, or each of n
            // references to a too-long definition would leave `limit`
            // characters of garbage behind.
            doc.nodes.truncate(mark);
            refs.clear();
        }
        copied
    }

    fn copy_from(
        &mut self,
        doc: &mut Doc,
        el: Id,
        limit: usize,
        refs: &mut Vec<Id>,
    ) -> Result<Id, Refused> {
        let root = doc.new_el(doc.kind(el).unwrap_or(Kind::Inline));
        doc.nodes[root].attrs = doc.attrs(el).clone();
        let mut len = 0usize;
        let mut stack = vec![(el, root)];
        let mut kids = Vec::new();
        let mut elements = Vec::new();
        while let Some((src, dst)) = stack.pop() {
            if doc.kind(dst) == Some(Kind::SubstitutionReference) {
                refs.push(dst);
            }
            kids.clear();
            if !self.children_into(doc, src, &mut kids) {
                return Err(Refused::Spent);
            }
            elements.clear();
            for &c in &kids {
                let new = match doc.kind(c) {
                    None => {
                        let text = &doc.nodes[c].text;
                        len = len.saturating_add(text.chars().count());
                        if len > limit {
                            return Err(Refused::TooLong);
                        }
                        doc.new_text(text.clone())
                    }
                    Some(k) => {
                        let e = doc.new_el(k);
                        doc.nodes[e].attrs = doc.attrs(c).clone();
                        doc.nodes[e].line = doc.nodes[c].line;
                        elements.push((c, e));
                        e
                    }
                };
                doc.append(dst, new);
            }
            // Reversed: the first child is popped (and its references
            // listed) first.
            stack.extend(elements.iter().rev());
        }
        Ok(root)
    }

    fn replace(&mut self, doc: &mut Doc, r: Id, with: Vec<Id>) {
        if let Some(&first) = with.first() {
            doc.inherit_basic_attrs(r, first);
        }
        self.repl.insert(r, with);
    }
}

pub(crate) fn substitutions(doc: &mut Doc, settings: &Settings) {
    let mut subrefs = doc.findall_kind(Kind::SubstitutionReference);
    if subrefs.is_empty() {
        return;
    }
    let mut x = Expansion {
        repl: IdMap::new(),
        copy_of: IdMap::new(),
        nested: HashMap::new(),
        origin: HashMap::new(),
        work: 0,
        // Nested definitions can expand exponentially ("billion laughs");
        // docutils hangs there. Expansion work is capped instead.
        budget: doc
            .nodes
            .len()
            .saturating_mul(8)
            .max(settings.expansion_budget),
        spent_msgid: None,
    };
    let mut i = 0;
    while let Some(&r) = subrefs.get(i) {
        i += 1;
        if doc.parent(r).is_none() {
            continue;
        }
        expand_one(doc, settings, &mut x, &mut subrefs, r);
    }
    materialize(doc, &x.repl);
}

fn expand_one(doc: &mut Doc, settings: &Settings, x: &mut Expansion, subrefs: &mut Vec<Id>, r: Id) {
    let refname = doc.get(r, "refname").unwrap_or("").to_owned();
    let key = if doc.substitution_defs.contains_key(&refname) {
        Some(refname.clone())
    } else {
        doc.substitution_names
            .get(&fully_normalize_name(&refname))
            .cloned()
    };
    let found = key.and_then(|k| doc.substitution_defs.get(&k).map(|&d| (k, d)));
    let budget = x.budget;
    let over_budget =
        |key: &str| format!("Substitution \"{key}\" exceeds the expansion limit ({budget} nodes).");
    let Some((key, def)) = found else {
        let text = format!("Undefined substitution referenced: \"{refname}\".");
        refuse(doc, x, r, &text, true);
        return;
    };
    if x.spent() {
        refuse_spent(doc, x, r, &over_budget(&key));
        return;
    }
    // Copied before the trim: a copy refused as too long leaves the
    // text next to the reference as it was.
    let mut inner = Vec::new();
    let copy = match x.copy(doc, def, settings.line_length_limit, &mut inner) {
        Ok(copy) => copy,
        Err(_) if x.spent() => {
            refuse_spent(doc, x, r, &over_budget(&key));
            return;
        }
        Err(_) => {
            let text = format!("Substitution definition \"{key}\" exceeds the line-length-limit.");
            refuse(doc, x, r, &text, false);
            return;
        }
    };
    trim_around(doc, x, r, def);
    if nest(doc, &inner, r, &key, x, subrefs).is_err() {
        circular(doc, x, r, &refname);
        return;
    }
    x.copy_of.insert(copy, r);
    let kids = doc.children(copy).to_vec();
    for &k in &kids {
        if doc.kind(k).is_some_and(is_referential) && doc.has(k, "refname") {
            doc.note_refname(k);
        }
    }
    x.replace(doc, r, kids);
}

/// Replaces `r` by a `problematic` node linked to an ERROR about it (at
/// the reference's line when `at_ref`, else at the end of the document).
fn refuse(doc: &mut Doc, x: &mut Expansion, r: Id, text: &str, at_ref: bool) {
    let line = if at_ref { x.line(doc, r) } else { None };
    let msg = doc.message(Level::Error, text, &[], None, line);
    let prb = doc.make_problematic(r, msg, false);
    x.replace(doc, r, vec![prb]);
}

/// Refuses `r` once the budget is spent: the first such reference gets the
/// ERROR (at its line), later ones a `problematic` linking to it.
fn refuse_spent(doc: &mut Doc, x: &mut Expansion, r: Id, text: &str) {
    let Some(msgid) = x.spent_msgid.clone() else {
        refuse(doc, x, r, text, true);
        if let Some(&[prb]) = x.repl.get(r).map(Vec::as_slice) {
            x.spent_msgid = doc.get(prb, "refid").map(str::to_owned);
        }
        return;
    };
    let raw = doc.rawsource(r);
    let prb = doc.new_text_el(Kind::Problematic, &raw);
    doc.set(prb, "refid", msgid);
    x.replace(doc, r, vec![prb]);
}

/// `ltrim`/`rtrim`/`trim` options strip the whitespace next to the reference.
fn trim_around(doc: &mut Doc, x: &Expansion, r: Id, def: Id) {
    let trim = doc.has(def, "trim");
    if (trim || doc.has(def, "ltrim"))
        && let Some(prev) = x.sibling(doc, r, true).filter(|&p| doc.kind(p).is_none())
    {
        let t = doc.nodes[prev].text.trim_end().to_owned();
        doc.nodes[prev].text = t;
    }
    if (trim || doc.has(def, "rtrim"))
        && let Some(next) = x.sibling(doc, r, false).filter(|&n| doc.kind(n).is_none())
    {
        let t = doc.nodes[next].text.trim_start().to_owned();
        doc.nodes[next].text = t;
    }
}

/// Queues the references nested in a copied definition (`inner`, in
/// document order); `Err` on a cycle.
fn nest(
    doc: &Doc,
    inner: &[Id],
    r: Id,
    key: &str,
    x: &mut Expansion,
    subrefs: &mut Vec<Id>,
) -> Result<(), ()> {
    for &n in inner {
        let name = doc.get(n, "refname").unwrap_or("");
        let norm = fully_normalize_name(name);
        let nested_name = doc.substitution_names.get(&norm).cloned().unwrap_or(norm);
        let seen = x.nested.entry(nested_name.clone()).or_default();
        if seen.contains(&nested_name) {
            return Err(());
        }
        seen.insert(key.to_owned());
        x.origin.insert(n, r);
        subrefs.push(n);
    }
    Ok(())
}

fn circular(doc: &mut Doc, x: &mut Expansion, r: Id, refname: &str) {
    let Some(parent) = x.parent(doc, r) else {
        return;
    };
    if doc.is(parent, Kind::SubstitutionDefinition) {
        let raw = doc.rawsource(parent);
        let lit = doc.literal(&raw);
        let line = doc.nodes[parent].line;
        let msg = doc.message(
            Level::Error,
            "Circular substitution definition detected:",
            &[lit],
            Some(parent),
            line,
        );
        doc.replace_self(parent, &[msg]);
        return;
    }
    let mut first = r;
    let mut steps = 0;
    while let Some(&o) = x.origin.get(&first) {
        first = o;
        steps += 1;
        if steps > x.origin.len() {
            break;
        }
    }
    let text = format!("Circular substitution definition referenced: \"{refname}\".");
    let line = x.line(doc, first);
    let msg = doc.message(Level::Error, &text, &[], None, line);
    let prb = doc.make_problematic(r, msg, false);
    x.replace(doc, r, vec![prb]);
}

/// Rebuilds every child list with the recorded replacements, in one walk.
fn materialize(doc: &mut Doc, repl: &IdMap<Vec<Id>>) {
    if repl.is_empty() {
        return;
    }
    let mut stack = vec![doc.root];
    while let Some(el) = stack.pop() {
        let old = std::mem::take(&mut doc.nodes[el].children);
        let mut new = Vec::with_capacity(old.len());
        let mut pending: Vec<Id> = old.into_iter().rev().collect();
        while let Some(c) = pending.pop() {
            match repl.get(c) {
                Some(with) => {
                    doc.nodes[c].parent = None;
                    doc.nodes[c].last_parent = Some(el);
                    pending.extend(with.iter().rev());
                }
                None => new.push(c),
            }
        }
        for &c in &new {
            doc.nodes[c].parent = Some(el);
        }
        stack.extend(new.iter().copied().filter(|&c| doc.kind(c).is_some()));
        doc.nodes[el].children = new;
    }
    doc.touch();
}

// ---- SectionIDs (240) ----

pub(crate) fn section_ids(doc: &mut Doc, settings: &Settings) {
    if settings.legacy_ids {
        return;
    }
    for s in doc.findall_kind(Kind::Section) {
        doc.set_id(s, "");
    }
}

// ---- PropagateTargets (260) ----

/// A block-level target without reference (`.. _name:`).
fn propagatable(doc: &Doc, t: Id) -> bool {
    let Some(parent) = doc.parent(t) else {
        return false;
    };
    !doc.kind(parent).is_some_and(Kind::is_text_element)
        && !["refid", "refuri", "refname"].iter().any(|k| doc.has(t, k))
}

/// The element a target's ids and names move to, if any.
fn propagation_target(doc: &Doc, t: Id) -> Option<Id> {
    let mut next = doc.next_node(t, true);
    while let Some(n) = next.filter(|&n| doc.is(n, Kind::SystemMessage)) {
        next = doc.next_node(n, false);
    }
    let next = next?;
    let nk = doc.kind(next)?;
    let targetable = matches!(nk, Kind::Citation | Kind::Footnote);
    ((!is_invisible(nk) && !targetable) || nk == Kind::Target).then_some(next)
}

/// Moves the ids and names of empty targets to the next element. A run of
/// such targets passes them along; docutils copies the growing lists at
/// each step (quadratic), so here each target's own ids are handed over
/// once and the receiving element gets them all at the end.
pub(crate) fn propagate_targets(doc: &mut Doc) {
    // Per receiving node, the targets that moved into it, in order.
    let mut carried: HashMap<Id, Vec<Id>> = HashMap::new();
    let mut own: HashMap<Id, (ThinVec<String>, ThinVec<String>)> = HashMap::new();
    let mut receivers: Vec<Id> = Vec::new();
    for t in doc.findall_kind(Kind::Target) {
        if !propagatable(doc, t) {
            continue;
        }
        let Some(next) = propagation_target(doc, t) else {
            continue;
        };
        let Some(first) = first_carried_id(doc, t, &carried, &own) else {
            continue;
        };
        let ids = std::mem::take(&mut doc.attrs_mut(t).ids);
        let names = std::mem::take(&mut doc.attrs_mut(t).names);
        own.insert(t, (ids, names));
        let list = carried.entry(next).or_default();
        if list.is_empty() {
            receivers.push(next);
        }
        list.push(t);
        let parent = doc.parent(t);
        if parent.is_some_and(|p| doc.is(p, Kind::Figure)) && doc.is(next, Kind::Caption) {
            doc.detach(t);
            continue;
        }
        doc.set(t, "refid", first);
        doc.note_refid(t);
    }
    for r in receivers {
        // Targets that moved on themselves hand everything to their receiver.
        if own.contains_key(&r) {
            continue;
        }
        let mut ids = Vec::new();
        let mut names = Vec::new();
        let mut stack: Vec<Id> = carried
            .get(&r)
            .into_iter()
            .flatten()
            .rev()
            .copied()
            .collect();
        while let Some(t) = stack.pop() {
            if let Some((i, n)) = own.get(&t) {
                ids.extend(i.iter().map(|x| (x.clone(), t)));
                names.extend(n.iter().map(|x| (x.clone(), t)));
            }
            stack.extend(carried.get(&t).into_iter().flatten().rev());
        }
        for id in &ids {
            doc.ids.insert(id.0.clone(), r);
        }
        let expects = doc.expects.entry(r).or_default();
        expects.by_id.extend(ids.iter().cloned());
        expects.by_name.extend(names.iter().cloned());
        let a = doc.attrs_mut(r);
        a.ids.extend(ids.into_iter().map(|x| x.0));
        a.names.extend(names.into_iter().map(|x| x.0));
    }
}

/// The first id a target has once the targets before it moved in: its own,
/// else the first one carried in.
fn first_carried_id(
    doc: &Doc,
    t: Id,
    carried: &HashMap<Id, Vec<Id>>,
    own: &HashMap<Id, (ThinVec<String>, ThinVec<String>)>,
) -> Option<String> {
    let mut cur = t;
    loop {
        let ids = own.get(&cur).map_or(&doc.attrs(cur).ids, |o| &o.0);
        if let Some(i) = ids.first() {
            return Some(i.clone());
        }
        cur = *carried.get(&cur)?.first()?;
    }
}

// ---- AnonymousHyperlinks (440) ----

pub(crate) fn anonymous_hyperlinks(doc: &mut Doc) {
    let refs: Vec<Id> = doc
        .findall_kind(Kind::Reference)
        .into_iter()
        .filter(|&r| truthy(doc, r, "anonymous"))
        .collect();
    let targets: Vec<Id> = doc
        .findall_kind(Kind::Target)
        .into_iter()
        .filter(|&t| truthy(doc, t, "anonymous"))
        .collect();
    if refs.len() != targets.len() {
        let text = format!(
            "Anonymous hyperlink mismatch: {} references but {} targets.\nSee \"backrefs\" attribute for IDs.",
            refs.len(),
            targets.len()
        );
        let msg = doc.message(Level::Error, &text, &[], None, None);
        doc.set_id(msg, "");
        for r in refs {
            doc.problematic(r, msg, false);
        }
        return;
    }
    for (r, mut t) in refs.into_iter().zip(targets) {
        if doc.has(r, "refid") || doc.has(r, "refuri") {
            continue;
        }
        doc.nodes[t].referenced = true;
        for _ in 0..MAX_INDIRECTION {
            if let Some(uri) = doc.get(t, "refuri") {
                let uri = uri.to_owned();
                doc.set(r, "refuri", uri);
                doc.nodes[r].resolved = true;
                break;
            }
            if let Some(first) = doc.attrs(t).ids.first() {
                let first = first.clone();
                doc.set(r, "refid", first);
                doc.note_refid(r);
                break;
            }
            // A propagated target: follow its refid.
            match doc.get(t, "refid").and_then(|i| doc.ids.get(i)) {
                Some(&next) => t = next,
                None => break,
            }
        }
    }
}

// ---- IndirectHyperlinks (460) ----

pub(crate) fn indirect_hyperlinks(doc: &mut Doc) {
    let targets = doc.indirect_targets.clone();
    for t in targets {
        if !doc.nodes[t].resolved {
            resolve_indirect_target(doc, t, 0);
        }
        resolve_indirect_references(doc, t, 0);
    }
}

fn resolve_indirect_target(doc: &mut Doc, t: Id, depth: usize) {
    let refname = doc.get(t, "refname").map(str::to_owned);
    let mut refid = doc.get(t, "refid").map(str::to_owned);
    let reftarget = if let Some(r) = refid.as_deref().filter(|r| !r.is_empty()) {
        doc.ids.get(r).copied()
    } else {
        let name = refname.as_deref().unwrap_or("");
        let rt = doc.names.get(name).copied().flatten();
        refid = doc.nameids.get(name).cloned().flatten();
        if let (Some(rt), None) = (rt, &refid) {
            refid = Some(doc.set_id(rt, ""));
        }
        rt
    };
    let Some(rt) = reftarget else {
        nonexistent_indirect_target(doc, t);
        return;
    };
    doc.note_referenced_by(rt, None, refid.as_deref());
    if doc.is(rt, Kind::Target) && !doc.nodes[rt].resolved && doc.has(rt, "refname") {
        if doc.nodes[t].multiply_indirect || depth >= MAX_INDIRECTION {
            indirect_target_error(doc, t, "forming a circular reference");
            return;
        }
        doc.nodes[t].multiply_indirect = true;
        resolve_indirect_target(doc, rt, depth + 1);
        doc.nodes[t].multiply_indirect = false;
    }
    if let Some(uri) = doc.get(rt, "refuri").map(str::to_owned) {
        doc.set(t, "refuri", uri);
        doc.del(t, "refid");
    } else if let Some(rid) = doc.get(rt, "refid").map(str::to_owned) {
        doc.set(t, "refid", rid);
        doc.note_refid(t);
    } else if !doc.attrs(rt).ids.is_empty() {
        doc.set(t, "refid", refid.unwrap_or_default());
        doc.note_refid(t);
    } else {
        nonexistent_indirect_target(doc, t);
        return;
    }
    if refname.is_some() {
        doc.del(t, "refname");
    }
    doc.nodes[t].resolved = true;
}

fn nonexistent_indirect_target(doc: &mut Doc, t: Id) {
    let name = doc.get(t, "refname").unwrap_or("");
    if matches!(doc.names.get(name), Some(None)) {
        indirect_target_error(
            doc,
            t,
            "which is a duplicate, and cannot be used as a unique reference",
        );
    } else {
        indirect_target_error(doc, t, "which does not exist");
    }
}

fn indirect_target_error(doc: &mut Doc, t: Id, explanation: &str) {
    let a = doc.attrs(t);
    let mut naming = String::new();
    let mut reflist: Vec<Id> = Vec::new();
    if let Some(n) = a.names.first() {
        naming = format!("\"{n}\" ");
    }
    for n in &a.names {
        reflist.extend(doc.refnames.get(n).into_iter().flatten());
    }
    for i in &a.ids {
        reflist.extend(doc.refids.get(i).into_iter().flatten());
    }
    if let Some(i) = a.ids.first() {
        naming.push_str(&format!("(id=\"{i}\")"));
    }
    let refname = doc.get(t, "refname").unwrap_or("");
    let text = format!(
        "Indirect hyperlink target {naming} refers to target \"{refname}\", {explanation}."
    );
    let msg = doc.message(Level::Error, &text, &[], Some(t), None);
    doc.set_id(msg, "");
    let mut seen = HashSet::new();
    for r in reflist {
        if seen.insert(r) {
            doc.problematic(r, msg, false);
        }
    }
    doc.nodes[t].resolved = true;
}

fn resolve_indirect_references(doc: &mut Doc, t: Id, depth: usize) {
    let (attname, value) = if let Some(v) = doc.get(t, "refid") {
        ("refid", v.to_owned())
    } else if let Some(v) = doc.get(t, "refuri") {
        ("refuri", v.to_owned())
    } else {
        return;
    };
    let names = doc.attrs(t).names.clone();
    let ids = doc.attrs(t).ids.clone();
    let by_name = names.iter().map(|n| (n, true));
    let by_id = ids.iter().map(|i| (i, false));
    for (key, is_name) in by_name.chain(by_id).collect::<Vec<_>>() {
        let table = if is_name { &doc.refnames } else { &doc.refids };
        let reflist = table.get(key).cloned().unwrap_or_default();
        if !reflist.is_empty() {
            let (n, i) = if is_name {
                (Some(key.as_str()), None)
            } else {
                (None, Some(key.as_str()))
            };
            doc.note_referenced_by(t, n, i);
        }
        for r in reflist {
            if doc.nodes[r].resolved {
                continue;
            }
            doc.del(r, if is_name { "refname" } else { "refid" });
            doc.set(r, attname, value.clone());
            if attname == "refid" {
                doc.note_refid(r);
            }
            doc.nodes[r].resolved = true;
            if doc.is(r, Kind::Target) && depth < MAX_INDIRECTION {
                resolve_indirect_references(doc, r, depth + 1);
            }
        }
    }
}

// ---- ExternalTargets (640), InternalTargets (660) ----

pub(crate) fn external_targets(doc: &mut Doc) {
    for t in doc.findall_kind(Kind::Target) {
        let Some(uri) = doc.get(t, "refuri").map(str::to_owned) else {
            continue;
        };
        for name in doc.attrs(t).names.clone() {
            let reflist = doc.refnames.get(&name).cloned().unwrap_or_default();
            if !reflist.is_empty() {
                doc.note_referenced_by(t, Some(&name), None);
            }
            for r in reflist {
                if doc.nodes[r].resolved {
                    continue;
                }
                doc.del(r, "refname");
                doc.set(r, "refuri", uri.clone());
                doc.nodes[r].resolved = true;
            }
        }
    }
}

pub(crate) fn internal_targets(doc: &mut Doc) {
    for t in doc.findall_kind(Kind::Target) {
        if doc.has(t, "refuri") || doc.has(t, "refid") {
            continue;
        }
        for name in doc.attrs(t).names.clone() {
            let refid = doc.nameids.get(&name).cloned().flatten();
            let reflist = doc.refnames.get(&name).cloned().unwrap_or_default();
            if !reflist.is_empty() {
                doc.note_referenced_by(t, Some(&name), None);
            }
            for r in reflist {
                if doc.nodes[r].resolved {
                    continue;
                }
                if let Some(id) = &refid {
                    doc.del(r, "refname");
                    doc.set(r, "refid", id.clone());
                }
                doc.nodes[r].resolved = true;
            }
        }
    }
}

// ---- Footnotes (620) ----

const SYMBOLS: [&str; 10] = [
    "*", "\u{2020}", "\u{2021}", "\u{a7}", "\u{b6}", "#", "\u{2660}", "\u{2665}", "\u{2666}",
    "\u{2663}",
];

pub(crate) fn footnotes(doc: &mut Doc) {
    let start = doc.autofootnote_start;
    let (next, labels) = number_footnotes(doc, start);
    doc.autofootnote_start = next;
    number_footnote_references(doc, &labels);
    symbolize_footnotes(doc);
    resolve_footnotes_and_citations(doc);
}

fn add_label(doc: &mut Doc, note: Id, text: &str) {
    let label = doc.new_text_el(Kind::Label, text);
    doc.insert(note, 0, label);
}

fn first_id(doc: &Doc, id: Id) -> String {
    doc.attrs(id).ids.first().cloned().unwrap_or_default()
}

fn number_footnotes(doc: &mut Doc, mut startnum: u32) -> (u32, Vec<String>) {
    let mut labels = Vec::new();
    for f in doc.autofootnotes.clone() {
        let label = loop {
            let l = startnum.to_string();
            startnum += 1;
            if !doc.nameids.contains_key(&l) {
                break l;
            }
        };
        add_label(doc, f, &label);
        for name in doc.attrs(f).names.clone() {
            for r in doc.footnote_refs.get(&name).cloned().unwrap_or_default() {
                let t = doc.new_text(label.clone());
                doc.append(r, t);
                doc.del(r, "refname");
                let fid = first_id(doc, f);
                doc.set(r, "refid", fid);
                let rid = first_id(doc, r);
                doc.attrs_mut(f).backrefs.push(rid);
                doc.note_refid(r);
                doc.nodes[r].resolved = true;
            }
        }
        if doc.attrs(f).names.is_empty() && doc.attrs(f).dupnames.is_empty() {
            doc.attrs_mut(f).names.push(label.clone());
            doc.note_explicit_target(f);
            labels.push(label);
        }
    }
    (startnum, labels)
}

fn number_footnote_references(doc: &mut Doc, labels: &[String]) {
    let refs = doc.autofootnote_refs.clone();
    let mut i = 0;
    for (k, &r) in refs.iter().enumerate() {
        if doc.nodes[r].resolved || doc.has(r, "refid") {
            continue;
        }
        let Some(label) = labels.get(i) else {
            let n = labels.len();
            let s = if n > 1 { "s" } else { "" };
            let text = format!(
                "Too many autonumbered footnote references: only {n} corresponding footnote{s} available."
            );
            let msg = doc.message(Level::Error, &text, &[], Some(r), None);
            doc.set_id(msg, "");
            for &r2 in &refs[k..] {
                if doc.nodes[r2].resolved || doc.has(r2, "refname") {
                    continue;
                }
                doc.problematic(r2, msg, false);
            }
            break;
        };
        let t = doc.new_text(label.clone());
        doc.append(r, t);
        let id = doc
            .nameids
            .get(label)
            .cloned()
            .flatten()
            .unwrap_or_default();
        doc.set(r, "refid", id.clone());
        doc.note_refid(r);
        let rid = first_id(doc, r);
        if let Some(&f) = doc.ids.get(&id) {
            doc.attrs_mut(f).backrefs.push(rid);
        }
        doc.nodes[r].resolved = true;
        i += 1;
    }
}

fn symbolize_footnotes(doc: &mut Doc) {
    let mut labels = Vec::new();
    for f in doc.symbol_footnotes.clone() {
        let (reps, index) = (
            doc.symbol_footnote_start / SYMBOLS.len(),
            doc.symbol_footnote_start % SYMBOLS.len(),
        );
        let text = SYMBOLS[index].repeat(reps + 1);
        add_label(doc, f, &text);
        labels.push(text);
        doc.symbol_footnote_start += 1;
        doc.set_id(f, "");
    }
    let refs = doc.symbol_footnote_refs.clone();
    for (i, &r) in refs.iter().enumerate() {
        let Some(label) = labels.get(i) else {
            let text = format!(
                "Too many symbol footnote references: only {} corresponding footnotes available.",
                labels.len()
            );
            let msg = doc.message(Level::Error, &text, &[], Some(r), None);
            doc.set_id(msg, "");
            for &r2 in &refs[i..] {
                if doc.nodes[r2].resolved || doc.has(r2, "refid") {
                    continue;
                }
                doc.problematic(r2, msg, false);
            }
            break;
        };
        let t = doc.new_text(label.clone());
        doc.append(r, t);
        let f = doc.symbol_footnotes[i];
        let fid = first_id(doc, f);
        doc.set(r, "refid", fid);
        doc.note_refid(r);
        let rid = first_id(doc, r);
        doc.attrs_mut(f).backrefs.push(rid);
    }
}

fn resolve_footnotes_and_citations(doc: &mut Doc) {
    for f in doc.footnotes.clone() {
        for label in doc.attrs(f).names.clone() {
            if let Some(reflist) = doc.footnote_refs.get(&label).cloned() {
                resolve_references(doc, f, &reflist);
            }
        }
    }
    for c in doc.citations.clone() {
        for label in doc.attrs(c).names.clone() {
            if let Some(reflist) = doc.citation_refs.get(&label).cloned() {
                resolve_references(doc, c, &reflist);
            }
        }
    }
}

fn resolve_references(doc: &mut Doc, note: Id, reflist: &[Id]) {
    let id = first_id(doc, note);
    for &r in reflist {
        if doc.nodes[r].resolved {
            continue;
        }
        doc.del(r, "refname");
        doc.set(r, "refid", id.clone());
        let rid = first_id(doc, r);
        doc.attrs_mut(note).backrefs.push(rid);
        doc.nodes[r].resolved = true;
    }
    doc.nodes[note].resolved = true;
}

// ---- TargetNotes (540, from a pending node) ----

pub(crate) fn target_notes(doc: &mut Doc, pending: Id, settings: &Settings) {
    let classes = doc
        .get(pending, ".details.class")
        .map(super::py_list)
        .unwrap_or_default();
    let mut notes: HashMap<String, Id> = HashMap::new();
    let mut nodelist = Vec::new();
    for t in doc.findall_kind(Kind::Target) {
        let Some(uri) = doc.get(t, "refuri").map(str::to_owned) else {
            continue;
        };
        let mut refs = Vec::new();
        for name in &doc.attrs(t).names {
            refs.extend(doc.refnames.get(name).into_iter().flatten());
        }
        if refs.is_empty() {
            continue;
        }
        let f = make_target_footnote(doc, &uri, &refs, &notes, &classes, settings);
        if let std::collections::hash_map::Entry::Vacant(e) = notes.entry(uri) {
            e.insert(f);
            nodelist.push(f);
        }
    }
    for r in doc.findall_kind(Kind::Reference) {
        if !truthy(doc, r, "anonymous") {
            continue;
        }
        let Some(uri) = doc.get(r, "refuri").map(str::to_owned) else {
            continue;
        };
        let f = make_target_footnote(doc, &uri, &[r], &notes, &classes, settings);
        if let std::collections::hash_map::Entry::Vacant(e) = notes.entry(uri) {
            e.insert(f);
            nodelist.push(f);
        }
    }
    doc.replace_self(pending, &nodelist);
}

fn make_target_footnote(
    doc: &mut Doc,
    uri: &str,
    refs: &[Id],
    notes: &HashMap<String, Id>,
    classes: &[String],
    settings: &Settings,
) -> Id {
    let (footnote, name) = if let Some(&f) = notes.get(uri) {
        let name = doc.attrs(f).names.first().cloned().unwrap_or_default();
        (f, name)
    } else {
        let f = doc.new_el(Kind::Footnote);
        let fid = doc.set_id(f, "");
        let name = format!("TARGET_NOTE: {fid}");
        doc.set(f, "auto", "1");
        doc.attrs_mut(f).names = thin_vec::thin_vec![name.clone()];
        let p = doc.new_el(Kind::Paragraph);
        let link = doc.new_text_el(Kind::Reference, uri);
        doc.set(link, "refuri", uri);
        doc.append(p, link);
        doc.append(f, p);
        doc.autofootnotes.push(f);
        doc.note_explicit_target(f);
        (f, name)
    };
    for &r in refs {
        if doc.is(r, Kind::Target) {
            continue;
        }
        let Some(parent) = doc.parent(r) else {
            continue;
        };
        let refnode = doc.new_el(Kind::FootnoteReference);
        doc.set(refnode, "auto", "1");
        doc.set(refnode, "refname", name.clone());
        doc.attrs_mut(refnode)
            .classes
            .extend(classes.iter().cloned());
        doc.set_id(refnode, "");
        doc.autofootnote_refs.push(refnode);
        doc.footnote_refs
            .entry(name.clone())
            .or_default()
            .push(refnode);
        doc.note_refname(refnode);
        let index = doc.index(parent, r).map_or(0, |i| i + 1);
        doc.insert(parent, index, refnode);
        if !settings.trim_footnote_reference_space {
            let space = if classes.is_empty() {
                doc.new_text(" ")
            } else {
                let s = doc.new_text_el(Kind::Inline, " ");
                doc.attrs_mut(s).classes.extend(classes.iter().cloned());
                s
            };
            doc.insert(parent, index, space);
        }
    }
    footnote
}

// ---- DanglingReferences (850) ----

pub(crate) fn dangling_references(doc: &mut Doc) {
    let refs = doc.findall(doc.root, |n| n.kind.is_some_and(is_referential));
    for r in refs {
        if doc.nodes[r].resolved || !doc.has(r, "refname") || doc.parent(r).is_none() {
            continue;
        }
        dangling_reference(doc, r);
    }
    for t in doc.findall_kind(Kind::Target) {
        if doc.nodes[t].referenced || truthy(doc, t, "anonymous") {
            continue;
        }
        let a = doc.attrs(t);
        let naming = a
            .names
            .first()
            .or(a.ids.first())
            .cloned()
            .or_else(|| doc.get(t, "refid").map(str::to_owned))
            .unwrap_or_default();
        let text = format!("Hyperlink target \"{naming}\" is not referenced.");
        doc.message(Level::Info, &text, &[], Some(t), None);
    }
}

fn dangling_reference(doc: &mut Doc, r: Id) {
    let refname = doc.get(r, "refname").unwrap_or("").to_owned();
    let msg = match doc.nameids.get(&refname).cloned() {
        Some(Some(id)) if !id.is_empty() => {
            doc.del(r, "refname");
            doc.set(r, "refid", id.clone());
            if let Some(&t) = doc.ids.get(&id) {
                doc.note_referenced_by(t, None, Some(&id));
            }
            doc.nodes[r].resolved = true;
            return;
        }
        Some(_) => {
            let text = format!(
                "Duplicate target name, cannot be used as a unique reference: \"{refname}\"."
            );
            doc.message(Level::Error, &text, &[], Some(r), None)
        }
        None => {
            let text = format!("Unknown target name: \"{refname}\".");
            let details = match embedding_hint(&refname) {
                Some(hint) => vec![doc.new_text_el(Kind::Paragraph, &hint)],
                None => Vec::new(),
            };
            doc.message(Level::Error, &text, &details, Some(r), None)
        }
    };
    doc.problematic(r, msg, true);
}

/// The hint for a reference name that looks like a botched embedded URI.
fn embedding_hint(refname: &str) -> Option<String> {
    if !refname.contains(['<', '>']) {
        return None;
    }
    let mut hint = String::from("Did you want to embed a URI or alias?");
    if !refname.contains('<') {
        hint.push_str("\nOpening bracket missing.");
    } else if !refname.contains(" <") {
        hint.push_str("\nThe embedded reference must be preceded by whitespace.");
    }
    if !refname.contains('>') {
        hint.push_str("\nClosing bracket missing.");
    } else if !refname.ends_with('>') {
        hint.push_str("\nThe embedded reference must be the last text before the end string.");
    }
    if refname.contains("< ") || refname.contains(" >") {
        hint.push_str("\nWhitespace around the embedded reference is not allowed.");
    }
    Some(hint)
}
