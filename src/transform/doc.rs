//! The transforms' working copy of a document: an arena of nodes with parent
//! links, plus the registries docutils keeps on its `document` node (ids,
//! names, refnames, footnotes, substitutions). The parse-time registry is
//! gone after parsing, so it is rebuilt here in one walk.

use crate::doctree::{Attrs, Diagnostic, Element, Kind, Level, Node};
use std::cell::RefCell;
use std::collections::HashMap;

pub(crate) type Id = usize;

/// One node. `kind == None` is a text node holding `text`.
#[derive(Default)]
pub(crate) struct N {
    pub kind: Option<Kind>,
    pub text: String,
    pub attrs: Attrs,
    pub line: Option<u32>,
    pub parent: Option<Id>,
    /// The parent before removal: docutils' removed nodes keep theirs, and
    /// messages about them still find a line through it.
    pub last_parent: Option<Id>,
    pub children: Vec<Id>,
    /// docutils' `Resolvable.resolved` and `Targetable.referenced`.
    pub resolved: bool,
    pub referenced: bool,
    pub multiply_indirect: bool,
    /// The imported element's box, emptied (its child list keeps its
    /// capacity): the export refills it instead of allocating anew.
    shell: Option<Box<Element>>,
}

impl N {
    fn new(
        kind: Option<Kind>,
        text: String,
        attrs: Attrs,
        line: Option<u32>,
        parent: Option<Id>,
    ) -> N {
        N {
            kind,
            text,
            attrs,
            line,
            parent,
            last_parent: None,
            children: Vec::new(),
            resolved: false,
            referenced: false,
            multiply_indirect: false,
            shell: None,
        }
    }
}

/// Later entries override earlier ones (a Python dict's `update`).
#[derive(Default)]
pub(crate) struct Expects {
    pub by_name: Vec<(String, Id)>,
    pub by_id: Vec<(String, Id)>,
}

#[derive(Default)]
pub(crate) struct Doc {
    pub nodes: Vec<N>,
    pub root: Id,
    pub source: String,
    pub ids: HashMap<String, Id>,
    /// `None`: the name is a dupname (two targets of the same type).
    pub names: HashMap<String, Option<Id>>,
    pub nameids: HashMap<String, Option<String>>,
    pub refnames: HashMap<String, Vec<Id>>,
    pub refids: HashMap<String, Vec<Id>>,
    pub indirect_targets: Vec<Id>,
    pub autofootnotes: Vec<Id>,
    pub autofootnote_refs: Vec<Id>,
    pub symbol_footnotes: Vec<Id>,
    pub symbol_footnote_refs: Vec<Id>,
    pub footnotes: Vec<Id>,
    pub footnote_refs: HashMap<String, Vec<Id>>,
    pub citations: Vec<Id>,
    pub citation_refs: HashMap<String, Vec<Id>>,
    pub substitution_defs: HashMap<String, Id>,
    /// PropagateTargets' `expect_referenced_by_name/id`, by node (few
    /// nodes have them: kept out of `N`).
    pub expects: HashMap<Id, Expects>,
    pub substitution_names: HashMap<String, String>,
    pub id_counter: HashMap<String, u32>,
    pub autofootnote_start: u32,
    pub symbol_footnote_start: usize,
    /// Messages made by transforms, placed later by `Messages`.
    pub transform_messages: Vec<Id>,
    pub diagnostics: Vec<Diagnostic>,
    /// The line after the input's end (the document's `.end_line`, set by
    /// the parser): docutils reports messages about no node there.
    pub end_line: Option<u32>,
    /// Elements ever made, by kind. It never decreases, so zero means none
    /// is in the tree and a pass looking for that kind skips its walk.
    made: Vec<u32>,
    /// Elements of each kind in document order, from one walk; `None`
    /// once the tree changed shape (every child-list edit calls `touch`).
    by_kind: RefCell<Option<Vec<Vec<Id>>>>,
}

/// An element with the attributes of arena node `n` (moved out) and room
/// for its children: the node's imported box when it has one.
fn take_shell(nodes: &mut [N], n: Id) -> Box<Element> {
    let node = &mut nodes[n];
    let kind = node.kind.unwrap_or(Kind::Inline);
    let attrs = std::mem::take(&mut node.attrs);
    let mut shell = node
        .shell
        .take()
        .unwrap_or_else(|| Box::new(Element::new(kind)));
    shell.kind = kind;
    shell.attrs = attrs;
    shell.line = node.line;
    shell.children.clear();
    shell.children.reserve_exact(node.children.len());
    shell
}

impl Doc {
    /// Moves `document` into an arena and rebuilds the registries.
    pub fn new(document: Element) -> Doc {
        let mut doc = Doc {
            autofootnote_start: 1,
            ..Doc::default()
        };
        doc.source = document.get("source").unwrap_or("").to_owned();
        doc.end_line = document.get(".end_line").and_then(|l| l.parse().ok());
        // Room for every node at once, and for the nodes passes make
        // (contents, substitutions, messages): regrowing copies them all.
        let n = count_nodes(&document);
        doc.nodes.reserve(n + n / 4 + 64);
        doc.root = doc.import(document, None);
        doc.rebuild_registry();
        // The arena holds the fresh import in document order: the kind
        // index is one scan of it, no tree walk.
        let mut index: Vec<Vec<Id>> = vec![Vec::new(); doc.made.len()];
        for (id, node) in doc.nodes.iter().enumerate() {
            if let Some(list) = node.kind.and_then(|k| index.get_mut(k as usize)) {
                list.push(id);
            }
        }
        doc.by_kind.replace(Some(index));
        doc
    }

    /// Imports an element tree (iteratively: no recursion on input depth).
    pub fn import(&mut self, el: Element, parent: Option<Id>) -> Id {
        let Element {
            kind,
            attrs,
            children,
            line,
        } = el;
        let root = self.push_element(kind, attrs, line, parent);
        self.nodes[root].children.reserve_exact(children.len());
        // Children are taken out of their list one by one (a text stand-in
        // left behind costs nothing), so the emptied list can be kept.
        let mut stack = vec![(root, children, 0)];
        while let Some((pid, kids, next)) = stack.last_mut() {
            let pid = *pid;
            let id = self.nodes.len();
            let Some(slot) = kids.get_mut(*next) else {
                if let Some((nid, mut kids, _)) = stack.pop() {
                    kids.clear();
                    if let Some(shell) = self.nodes[nid].shell.as_mut() {
                        shell.children = kids;
                    }
                }
                continue;
            };
            *next += 1;
            match std::mem::replace(slot, Node::Text(String::new())) {
                Node::Text(text) => {
                    self.nodes
                        .push(N::new(None, text, Attrs::default(), None, Some(pid)))
                }
                Node::Element(mut e) => {
                    let kids = std::mem::take(&mut e.children);
                    let attrs = std::mem::take(&mut e.attrs);
                    self.push_element(e.kind, attrs, e.line, Some(pid));
                    self.nodes[id].children.reserve_exact(kids.len());
                    self.nodes[id].shell = Some(e);
                    stack.push((id, kids, 0));
                }
            }
            self.nodes[pid].children.push(id);
        }
        self.touch();
        root
    }

    fn push_element(
        &mut self,
        kind: Kind,
        attrs: Attrs,
        line: Option<u32>,
        parent: Option<Id>,
    ) -> Id {
        self.count_made(kind);
        self.nodes
            .push(N::new(Some(kind), String::new(), attrs, line, parent));
        self.nodes.len() - 1
    }

    /// Builds the element tree back (iteratively).
    #[cfg(test)]
    pub fn export(&self, id: Id) -> Element {
        self.build(id, |doc, n| {
            let node = &doc.nodes[n];
            (node.attrs.clone(), node.text.clone())
        })
    }

    /// `export` for the last time: attributes and text are moved out of
    /// the arena instead of copied (the arena is left without them).
    pub fn take_tree(&mut self, id: Id) -> Element {
        let nodes = &mut self.nodes;
        let root = take_shell(nodes, id);
        let mut stack: Vec<(Id, Box<Element>, usize)> = vec![(id, root, 0)];
        loop {
            let Some((nid, _, next)) = stack.last_mut() else {
                return Element::new(Kind::Document);
            };
            if let Some(&child) = nodes[*nid].children.get(*next) {
                *next += 1;
                if nodes[child].kind.is_none() {
                    let text = std::mem::take(&mut nodes[child].text);
                    if let Some(top) = stack.last_mut() {
                        top.1.children.push(Node::Text(text));
                    }
                } else {
                    stack.push((child, take_shell(nodes, child), 0));
                }
                continue;
            }
            let Some((_, done, _)) = stack.pop() else {
                return Element::new(Kind::Document);
            };
            match stack.last_mut() {
                Some(parent) => parent.1.children.push(Node::Element(done)),
                None => return *done,
            }
        }
    }

    /// The tree under `id`; `parts` gives a node's attributes and text.
    #[cfg(test)]
    fn build(&self, id: Id, mut parts: impl FnMut(&Doc, Id) -> (Attrs, String)) -> Element {
        let shell = |doc: &Doc, n: Id, attrs: Attrs| Element {
            kind: doc.nodes[n].kind.unwrap_or(Kind::Inline),
            attrs,
            children: Vec::with_capacity(doc.nodes[n].children.len()),
            line: doc.nodes[n].line,
        };
        let root = shell(self, id, parts(self, id).0);
        let mut stack: Vec<(Id, Element, usize)> = vec![(id, root, 0)];
        loop {
            let Some((nid, _, next)) = stack.last_mut() else {
                return Element::new(Kind::Document);
            };
            let nid = *nid;
            if let Some(&child) = self.nodes[nid].children.get(*next) {
                *next += 1;
                let (attrs, text) = parts(self, child);
                if self.nodes[child].kind.is_none() {
                    if let Some(top) = stack.last_mut() {
                        top.1.children.push(Node::Text(text));
                    }
                } else {
                    stack.push((child, shell(self, child, attrs), 0));
                }
                continue;
            }
            let Some((_, done, _)) = stack.pop() else {
                return Element::new(Kind::Document);
            };
            match stack.last_mut() {
                Some(parent) => parent.1.children.push(done.into()),
                None => return done,
            }
        }
    }

    /// Rebuilds docutils' document registries from the tree, in document order.
    fn rebuild_registry(&mut self) {
        // A fresh import is in the arena in document order (pre-order).
        debug_assert_eq!(
            self.findall(self.root, |_| true),
            (0..self.nodes.len()).collect::<Vec<_>>()
        );
        let mut dupnames: Vec<String> = Vec::new();
        for id in 0..self.nodes.len() {
            let Some(kind) = self.nodes[id].kind else {
                continue;
            };
            for i in &self.nodes[id].attrs.ids {
                self.ids.entry(i.clone()).or_insert(id);
            }
            self.register_names(id, kind, &mut dupnames);
            self.register_refs(id, kind);
        }
        // Names only left as dupnames cannot be used as references.
        for name in dupnames {
            self.names.entry(name.clone()).or_insert(None);
            self.nameids.entry(name).or_insert(None);
        }
    }

    fn register_names(&mut self, id: Id, kind: Kind, dupnames: &mut Vec<String>) {
        let n = &self.nodes[id];
        if kind == Kind::SubstitutionDefinition {
            for name in &n.attrs.names {
                self.substitution_defs.insert(name.clone(), id);
                self.substitution_names
                    .insert(fully_normalize_name(name), name.clone());
            }
            return;
        }
        if kind == Kind::Document {
            return;
        }
        let last_id = n.attrs.ids.last().cloned();
        for name in &n.attrs.names {
            self.names.insert(name.clone(), Some(id));
            if let Some(i) = &last_id {
                self.nameids.insert(name.clone(), Some(i.clone()));
            }
        }
        dupnames.extend(n.attrs.dupnames.iter().cloned());
    }

    fn register_refs(&mut self, id: Id, kind: Kind) {
        if !matches!(
            kind,
            Kind::Reference
                | Kind::FootnoteReference
                | Kind::CitationReference
                | Kind::Target
                | Kind::Footnote
                | Kind::Citation
        ) {
            return;
        }
        let n = &self.nodes[id];
        let refname = n.attrs.other.get("refname").cloned();
        let refid = n.attrs.other.get("refid").cloned();
        let auto = n.attrs.other.get("auto").map(String::as_str);
        let referential = matches!(
            kind,
            Kind::Reference | Kind::FootnoteReference | Kind::CitationReference
        );
        if let Some(r) = &refname
            && (referential || (kind == Kind::Target && !n.attrs.names.is_empty()))
        {
            self.refnames.entry(r.clone()).or_default().push(id);
        }
        if let Some(r) = refid
            && (referential || kind == Kind::Target)
        {
            self.refids.entry(r).or_default().push(id);
        }
        match kind {
            Kind::Target if refname.is_some() => self.indirect_targets.push(id),
            Kind::Footnote => match auto {
                Some("*") => self.symbol_footnotes.push(id),
                Some(_) => self.autofootnotes.push(id),
                None => self.footnotes.push(id),
            },
            Kind::FootnoteReference => {
                match auto {
                    Some("*") => self.symbol_footnote_refs.push(id),
                    Some(_) => self.autofootnote_refs.push(id),
                    None => {}
                }
                if let Some(r) = refname {
                    self.footnote_refs.entry(r).or_default().push(id);
                }
            }
            Kind::Citation => self.citations.push(id),
            Kind::CitationReference => {
                if let Some(r) = refname {
                    self.citation_refs.entry(r).or_default().push(id);
                }
            }
            _ => {}
        }
    }

    // ---- node access ----

    pub fn kind(&self, id: Id) -> Option<Kind> {
        self.nodes.get(id).and_then(|n| n.kind)
    }

    pub fn is(&self, id: Id, kind: Kind) -> bool {
        self.kind(id) == Some(kind)
    }

    pub fn get(&self, id: Id, key: &str) -> Option<&str> {
        self.nodes[id].attrs.other.get(key).map(String::as_str)
    }

    pub fn has(&self, id: Id, key: &str) -> bool {
        self.nodes[id].attrs.other.contains_key(key)
    }

    pub fn set(&mut self, id: Id, key: &str, value: impl Into<String>) {
        self.nodes[id]
            .attrs
            .other
            .insert(key.to_owned(), value.into());
    }

    pub fn del(&mut self, id: Id, key: &str) -> Option<String> {
        self.nodes[id].attrs.other.remove(key)
    }

    pub fn attrs(&self, id: Id) -> &Attrs {
        &self.nodes[id].attrs
    }

    pub fn attrs_mut(&mut self, id: Id) -> &mut Attrs {
        &mut self.nodes[id].attrs
    }

    pub fn children(&self, id: Id) -> &[Id] {
        &self.nodes[id].children
    }

    pub fn parent(&self, id: Id) -> Option<Id> {
        self.nodes[id].parent
    }

    pub fn new_el(&mut self, kind: Kind) -> Id {
        self.push_element(kind, Attrs::default(), None, None)
    }

    pub fn new_text(&mut self, text: impl Into<String>) -> Id {
        self.nodes
            .push(N::new(None, text.into(), Attrs::default(), None, None));
        self.nodes.len() - 1
    }

    /// An element holding one text child (docutils' `TextElement(raw, text)`).
    pub fn new_text_el(&mut self, kind: Kind, text: &str) -> Id {
        let el = self.new_el(kind);
        if !text.is_empty() {
            let t = self.new_text(text);
            self.append(el, t);
        }
        el
    }

    pub fn append(&mut self, parent: Id, child: Id) {
        self.touch_under(parent);
        self.detach(child);
        self.nodes[child].parent = Some(parent);
        self.nodes[parent].children.push(child);
    }

    pub fn insert(&mut self, parent: Id, index: usize, child: Id) {
        self.touch_under(parent);
        self.detach(child);
        self.nodes[child].parent = Some(parent);
        let kids = &mut self.nodes[parent].children;
        let at = index.min(kids.len());
        kids.insert(at, child);
    }

    pub fn index(&self, parent: Id, child: Id) -> Option<usize> {
        self.nodes[parent].children.iter().position(|&c| c == child)
    }

    /// Removes `id` from its parent (the node stays in the arena).
    pub fn detach(&mut self, id: Id) {
        self.touch_under(id);
        if let Some(p) = self.nodes[id].parent.take() {
            self.nodes[id].last_parent = Some(p);
            if let Some(i) = self.index(p, id) {
                self.nodes[p].children.remove(i);
            }
        }
    }

    /// docutils' `replace_self`: put `new` where `id` is.
    pub fn replace_self(&mut self, id: Id, new: &[Id]) {
        self.touch_under(id);
        for &n in new {
            self.touch_under(n);
        }
        let Some(p) = self.nodes[id].parent else {
            return;
        };
        let Some(i) = self.index(p, id) else {
            return;
        };
        // The first new element inherits ids, names and classes
        // (docutils' `update_basic_atts`).
        if let Some(&first) = new.first() {
            self.inherit_basic_attrs(id, first);
        }
        self.nodes[id].parent = None;
        self.nodes[id].last_parent = Some(p);
        for &n in new {
            if let Some(op) = self.nodes[n].parent.take()
                && let Some(j) = self.index(op, n)
            {
                self.nodes[op].children.remove(j);
            }
            self.nodes[n].parent = Some(p);
        }
        self.nodes[p].children.splice(i..i + 1, new.iter().copied());
    }

    /// Pre-order list of the nodes under `root` (itself included) matching `f`.
    pub fn findall(&self, root: Id, f: impl Fn(&N) -> bool) -> Vec<Id> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            if f(&self.nodes[id]) {
                out.push(id);
            }
            stack.extend(self.nodes[id].children.iter().rev());
        }
        out
    }

    pub fn findall_kind(&self, kind: Kind) -> Vec<Id> {
        if !self.may_have(kind) {
            return Vec::new();
        }
        let mut cache = self.by_kind.borrow_mut();
        let index = cache.get_or_insert_with(|| self.index_kinds());
        index.get(kind as usize).cloned().unwrap_or_default()
    }

    /// Every element under the root by kind, in document order (one walk).
    fn index_kinds(&self) -> Vec<Vec<Id>> {
        let mut index: Vec<Vec<Id>> = vec![Vec::new(); self.made.len()];
        let mut stack = vec![self.root];
        while let Some(id) = stack.pop() {
            let node = &self.nodes[id];
            if let Some(list) = node.kind.and_then(|k| index.get_mut(k as usize)) {
                list.push(id);
            }
            // Text nodes have no kind and no children: not worth a visit.
            let elements = node.children.iter().rev();
            stack.extend(elements.filter(|&&c| self.nodes[c].kind.is_some()));
        }
        index
    }

    /// Forgets the kind index: call after editing a child list directly.
    pub fn touch(&self) {
        self.by_kind.replace(None);
    }

    /// `touch` if `id` is in the document: nodes being built elsewhere
    /// (messages, copies) leave the index alone.
    fn touch_under(&self, id: Id) {
        if self.by_kind.borrow().is_none() {
            return;
        }
        let mut cur = id;
        // Parent links lead up to the root; the bound guards against cycles.
        for _ in 0..=self.nodes.len() {
            if cur == self.root {
                self.touch();
                return;
            }
            match self.nodes.get(cur).and_then(|n| n.parent) {
                Some(p) => cur = p,
                None => return,
            }
        }
    }

    /// Whether an element of `kind` may be in the tree (false: surely not).
    pub fn may_have(&self, kind: Kind) -> bool {
        self.made.get(kind as usize).is_some_and(|&n| n > 0)
    }

    fn count_made(&mut self, kind: Kind) {
        let i = kind as usize;
        if self.made.len() <= i {
            self.made.resize(i + 1, 0);
        }
        if let Some(n) = self.made.get_mut(i) {
            *n = n.saturating_add(1);
        }
    }

    /// Changes an element's kind (keeping `may_have` true for the new one).
    pub fn set_kind(&mut self, id: Id, kind: Kind) {
        self.touch();
        self.count_made(kind);
        self.nodes[id].kind = Some(kind);
    }

    /// The node following `id` in document order, skipping its subtree when
    /// `descend` is false (docutils' `next_node(ascend=True)`).
    pub fn next_node(&self, id: Id, descend: bool) -> Option<Id> {
        if descend && let Some(&c) = self.nodes[id].children.first() {
            return Some(c);
        }
        let mut cur = id;
        while let Some(p) = self.nodes[cur].parent {
            let kids = &self.nodes[p].children;
            if let Some(i) = kids.iter().position(|&c| c == cur)
                && let Some(&next) = kids.get(i + 1)
            {
                return Some(next);
            }
            cur = p;
        }
        None
    }

    /// docutils' `astext()`.
    pub fn astext(&self, id: Id) -> String {
        let mut out = String::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            let node = &self.nodes[n];
            if node.kind.is_none() {
                out.push_str(&node.text);
            }
            stack.extend(node.children.iter().rev());
        }
        out
    }

    /// Source line: the node's or its nearest ancestor's (`get_source_line`).
    pub fn source_line(&self, id: Id) -> Option<u32> {
        let mut cur = Some(id);
        while let Some(c) = cur {
            if let Some(l) = self.nodes[c].line {
                return Some(l);
            }
            cur = self.nodes[c].parent.or(self.nodes[c].last_parent);
        }
        None
    }

    /// The raw source of a reference-like node, as the parser recorded it in
    /// `.rawsource`; rebuilt from the node when absent.
    pub fn rawsource(&self, id: Id) -> String {
        if let Some(r) = self.get(id, ".rawsource") {
            return r.to_owned();
        }
        let text = self.astext(id);
        match self.kind(id) {
            Some(Kind::FootnoteReference | Kind::CitationReference) => {
                let label = match self.get(id, "auto") {
                    Some("*") => "*".to_owned(),
                    Some(_) => format!("#{}", self.get(id, "refname").unwrap_or("")),
                    // The label as written (the refname is normalised).
                    None if !text.is_empty() => text,
                    None => self.get(id, "refname").unwrap_or("").to_owned(),
                };
                format!("[{label}]_")
            }
            // An image reference or a target has no source text of its own.
            _ if text.is_empty() => text,
            Some(Kind::Reference) => {
                let tail = if self.get(id, "anonymous").is_some() {
                    "__"
                } else {
                    "_"
                };
                // An embedded alias: the reference name is not the text.
                let refname = self.get(id, "refname").unwrap_or("");
                if !refname.is_empty() && refname != fully_normalize_name(&text) {
                    return format!("`{text} <{refname}_>`{tail}");
                }
                if text
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_.".contains(c))
                {
                    format!("{text}{tail}")
                } else {
                    format!("`{text}`{tail}")
                }
            }
            Some(Kind::SubstitutionReference) => format!("|{text}|"),
            _ => text,
        }
    }

    // ---- ids ----

    /// docutils' `document.set_id`: give `id` an identifier if it has none,
    /// register it, map its names; returns the last identifier.
    pub fn set_id(&mut self, node: Id, suggested_prefix: &str) -> String {
        if self.nodes[node].attrs.ids.is_empty() {
            let new = self.create_id(node, suggested_prefix);
            self.nodes[node].attrs.ids.push(new);
        }
        let ids = self.nodes[node].attrs.ids.clone();
        for i in &ids {
            self.ids.entry(i.clone()).or_insert(node);
        }
        let last = ids.last().cloned().unwrap_or_default();
        for name in self.nodes[node].attrs.names.clone() {
            self.nameids.insert(name, Some(last.clone()));
        }
        last
    }

    fn create_id(&mut self, node: Id, suggested_prefix: &str) -> String {
        let mut base_id = String::new();
        for name in &self.nodes[node].attrs.names {
            base_id = make_id(name);
            if !base_id.is_empty() && !self.ids.contains_key(&base_id) {
                return base_id;
            }
        }
        let prefix = if !base_id.is_empty() {
            format!("{base_id}-")
        } else if let Some(d) = self.nodes[node]
            .attrs
            .dupnames
            .first()
            .map(|d| make_id(d))
            .filter(|d| !d.is_empty())
        {
            format!("{d}-")
        } else if !suggested_prefix.is_empty() {
            format!("{suggested_prefix}-")
        } else {
            let tag = self.nodes[node].kind.map_or("", Kind::name);
            format!("{}-", make_id(tag))
        };
        let counter = self.id_counter.entry(prefix.clone()).or_insert(0);
        loop {
            *counter += 1;
            let id = format!("{prefix}{counter}");
            if !self.ids.contains_key(&id) {
                return id;
            }
        }
    }

    pub fn note_refid(&mut self, node: Id) {
        if let Some(r) = self.get(node, "refid") {
            let r = r.to_owned();
            self.refids.entry(r).or_default().push(node);
        }
    }

    pub fn note_refname(&mut self, node: Id) {
        if let Some(r) = self.get(node, "refname") {
            let r = r.to_owned();
            self.refnames.entry(r).or_default().push(node);
        }
    }

    /// Registers names of a new explicit target (no duplicate handling:
    /// transforms only add fresh names).
    pub fn note_explicit_target(&mut self, node: Id) {
        for name in self.nodes[node].attrs.names.clone() {
            self.names.insert(name, Some(node));
        }
        self.set_id(node, "");
    }

    /// docutils' `note_referenced_by`.
    pub fn note_referenced_by(&mut self, node: Id, name: Option<&str>, id: Option<&str>) {
        self.nodes[node].referenced = true;
        let expects = self.expects.get(&node);
        let by_name = name
            .zip(expects)
            .and_then(|(nm, e)| e.by_name.iter().rfind(|(k, _)| k == nm).map(|x| x.1));
        let by_id = id
            .zip(expects)
            .and_then(|(i, e)| e.by_id.iter().rfind(|(k, _)| k == i).map(|x| x.1));
        for t in [by_name, by_id].into_iter().flatten() {
            self.nodes[t].referenced = true;
        }
    }

    // ---- messages ----

    /// A `system_message` from a transform (docutils' reporter), not yet
    /// placed in the tree. `line` overrides the base node's line.
    pub fn message(
        &mut self,
        level: Level,
        text: &str,
        details: &[Id],
        base: Option<Id>,
        line: Option<u32>,
    ) -> Id {
        let line = match base {
            Some(b) => line.or_else(|| self.source_line(b)),
            None => line.or(self.end_line),
        };
        let msg = self.new_el(Kind::SystemMessage);
        self.set(msg, "level", (level as u8).to_string());
        self.set(msg, "source", self.source.clone());
        self.set(msg, "type", level.name());
        if let Some(l) = line {
            self.set(msg, "line", l.to_string());
            self.nodes[msg].line = Some(l);
        }
        let p = self.new_text_el(Kind::Paragraph, text);
        self.append(msg, p);
        for &d in details {
            self.append(msg, d);
        }
        self.diagnostics.push(Diagnostic::new(level, text, line));
        self.transform_messages.push(msg);
        msg
    }

    /// Replaces a reference by a `problematic` node linked to `msg`
    /// (and back-linked from it). With `reuse_ids`, the back-link is the
    /// reference's own id when it has one (as `DanglingReferences` does).
    pub fn problematic(&mut self, node: Id, msg: Id, reuse_ids: bool) {
        let prb = self.make_problematic(node, msg, reuse_ids);
        self.replace_self(node, &[prb]);
    }

    /// The `problematic` node for `node`, back-linked from `msg`, not yet
    /// in the tree.
    pub fn make_problematic(&mut self, node: Id, msg: Id, reuse_ids: bool) -> Id {
        let msgid = self.set_id(msg, "");
        let raw = self.rawsource(node);
        let prb = self.new_text_el(Kind::Problematic, &raw);
        self.set(prb, "refid", msgid);
        let own = self.nodes[node].attrs.ids.first().cloned();
        let prbid = match own.filter(|_| reuse_ids) {
            Some(id) => id,
            None => self.set_id(prb, ""),
        };
        self.nodes[msg].attrs.backrefs.push(prbid);
        prb
    }

    /// What `replace_self` does to the first replacing element: it takes
    /// over ids, names, classes and dupnames.
    pub fn inherit_basic_attrs(&mut self, from: Id, to: Id) {
        if self.nodes[to].kind.is_none() || from == to {
            return;
        }
        // Only the four lists are copied (not the whole attribute map).
        let old = &self.nodes[from].attrs;
        let lists = [&old.ids, &old.names, &old.classes, &old.dupnames];
        if lists.iter().all(|l| l.is_empty()) {
            return;
        }
        let [ids, names, classes, dupnames] = lists.map(|l| l.clone());
        let a = &mut self.nodes[to].attrs;
        extend_unique(&mut a.ids, &ids);
        extend_unique(&mut a.names, &names);
        extend_unique(&mut a.classes, &classes);
        extend_unique(&mut a.dupnames, &dupnames);
    }

    /// A literal block holding `text` (error details).
    pub fn literal(&mut self, text: &str) -> Id {
        let lit = self.new_text_el(Kind::LiteralBlock, text);
        self.set(lit, "xml:space", "preserve");
        lit
    }
}

/// Nodes in `el`'s tree, itself included (iteratively).
fn count_nodes(el: &Element) -> usize {
    let mut n = 0;
    let mut stack = vec![el];
    while let Some(e) = stack.pop() {
        n += 1;
        for c in &e.children {
            match c {
                Node::Text(_) => n += 1,
                Node::Element(child) => stack.push(child),
            }
        }
    }
    n
}

fn extend_unique(to: &mut thin_vec::ThinVec<String>, from: &[String]) {
    for v in from {
        if !to.contains(v) {
            to.push(v.clone());
        }
    }
}

/// docutils' `fully_normalize_name`: lower case, whitespace collapsed.
pub(crate) fn fully_normalize_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// docutils' `make_id`: `[a-z](-?[a-z0-9]+)*`, Latin letters folded to ASCII.
pub(crate) fn make_id(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    for c in s.to_lowercase().chars() {
        match c {
            'ß' => folded.push_str("ss"),
            'æ' => folded.push_str("ae"),
            'œ' => folded.push_str("oe"),
            'ø' => folded.push('o'),
            'đ' => folded.push('d'),
            'ł' => folded.push('l'),
            c if c.is_ascii() => folded.push(c),
            // Latin with diacritics folds like NFKD + ASCII; others vanish.
            c if (c as u32) < 0x250 => {
                folded.push_str(deunicode::deunicode_char(c).unwrap_or(""));
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(folded.len());
    let mut dash = false;
    for c in folded.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            if out.is_empty() && !c.is_ascii_lowercase() {
                continue; // ids start with a letter
            }
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_id_like_docutils() {
        assert_eq!(make_id("Hello, World!"), "hello-world");
        assert_eq!(make_id("1st place"), "st-place");
        assert_eq!(make_id("Ünïcödé"), "unicode");
        assert_eq!(make_id("a_b.c"), "a-b-c");
        assert_eq!(make_id("--"), "");
    }

    #[test]
    fn kinds_made_later_are_found() {
        let mut doc =
            Doc::new(Element::new(Kind::Document).with_child(Element::new(Kind::Paragraph)));
        assert!(!doc.may_have(Kind::Comment));
        assert!(doc.findall_kind(Kind::Comment).is_empty());
        let c = doc.new_el(Kind::Comment);
        let root = doc.root;
        doc.append(root, c);
        assert_eq!(doc.findall_kind(Kind::Comment), vec![c]);
        let p = doc.children(root)[0];
        doc.set_kind(p, Kind::Admonition);
        assert_eq!(doc.findall_kind(Kind::Admonition), vec![p]);
        // The cached index follows edits of the tree.
        doc.detach(c);
        assert!(doc.findall_kind(Kind::Comment).is_empty());
        doc.insert(root, 0, c);
        assert_eq!(doc.findall_kind(Kind::Comment), vec![c]);
    }

    #[test]
    fn round_trip_keeps_the_tree() {
        let el = Element::new(Kind::Document)
            .with_attr("source", "x")
            .with_child(
                Element::new(Kind::Paragraph)
                    .with_text("a")
                    .with_child(Element::new(Kind::Emphasis).with_text("b")),
            );
        let doc = Doc::new(el.clone());
        assert_eq!(doc.export(doc.root), el);
    }
}
