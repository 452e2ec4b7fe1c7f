//! Document-wide parse state: settings, id and name registry, reporter.
//! (docutils keeps these on the `document` node and its `Reporter`.)
//!
//! docutils' `set_duplicate_name` also edits the *earlier* element with a
//! clashing name. Our tree is owned, so those edits are recorded by the
//! earlier element's id and applied in one walk at the end ([`DocState::apply_fixups`]).

use super::Settings;
use crate::doctree::{Diagnostic, Element, Kind, Level, Node};
use std::collections::{HashMap, HashSet, VecDeque};

/// What the registry remembers about the element holding a name.
#[derive(Clone, Debug)]
struct NameEntry {
    /// The holder's first id (or its `.key` when it has no id, see
    /// [`KEY`]); `None` once the name became a dupname.
    holder: Option<String>,
    /// The holder's kind (for the id docutils gives it on a duplicate).
    kind: Kind,
    explicit: bool,
    refuri: Option<String>,
    refname: Option<String>,
}

pub struct DocState<'s> {
    pub settings: &'s Settings,
    pub diagnostics: Vec<Diagnostic>,
    pub ids: HashSet<String>,
    id_counter: u32,
    /// Per-prefix counters of automatic ids (`section-1`, `footnote-2`).
    auto_counters: HashMap<String, u32>,
    /// `make_id` of element kind names, made once (messages need many ids).
    kind_ids: Vec<(&'static str, String)>,
    names: HashMap<String, NameEntry>,
    /// Edits of earlier elements, keyed by the holder's id or key.
    fixups: HashMap<String, Vec<Fixup>>,
    key_counter: u32,
    /// Substitution definitions by name, with their internal key.
    substitution_defs: HashMap<String, String>,
    subdef_counter: u32,
    /// The block parser's current line while inline text is parsed
    /// (docutils' reporter falls back to it for nodes without a line).
    pub current_line: Option<u32>,
    /// What docutils inserts at the document's start while parsing (`meta`
    /// output, the `decoration`); `parse_document` places it.
    pub front: Front,
    /// The document body has a non-titular child or a section already
    /// (the block parser keeps it current for directives).
    pub body_started: bool,
    /// The `title` directive's document title.
    pub title: Option<String>,
    /// Section title styles in order of appearance (`=` or `=/=`).
    pub title_styles: Vec<String>,
    /// docutils' `include_log`: `(path, clip options)` of the files being
    /// included, innermost last.
    pub include_log: Vec<(String, String)>,
    /// Added to message lines only: docutils numbers the elements of a
    /// csv-table cell from its own line 1 but reports at the state
    /// machine's line, offset by the directive content.
    pub message_line_shift: u32,
    /// The included file whose lines are being parsed (`None`: the
    /// document's own); system messages name it as their source.
    pub source: Option<String>,
    /// Custom roles and the default role, owned by `inline`.
    pub roles: super::inline::Roles,
}

impl<'s> DocState<'s> {
    pub fn new(settings: &'s Settings) -> DocState<'s> {
        DocState {
            settings,
            diagnostics: Vec::new(),
            ids: HashSet::new(),
            id_counter: 0,
            auto_counters: HashMap::new(),
            kind_ids: Vec::new(),
            names: HashMap::new(),
            fixups: HashMap::new(),
            key_counter: 0,
            substitution_defs: HashMap::new(),
            subdef_counter: 0,
            current_line: None,
            front: Front::default(),
            body_started: false,
            title: None,
            title_styles: Vec::new(),
            roles: Default::default(),
            include_log: Vec::new(),
            source: None,
            message_line_shift: 0,
        }
    }

    /// A fresh automatic id (`id1`, `id2`, ...).
    pub fn new_id(&mut self) -> String {
        loop {
            self.id_counter += 1;
            let id = format!("id{}", self.id_counter);
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// Gives `el` an id as docutils' `document.set_id` (with 0.23's
    /// `auto_id_prefix='%'`) and returns it.
    pub fn set_id(&mut self, el: &mut Element) -> String {
        if el.attrs.ids.is_empty() {
            let id = self.create_id(el);
            el.attrs.ids.push(id);
        }
        for id in &el.attrs.ids {
            self.ids.insert(id.clone());
        }
        el.attrs.ids.last().cloned().unwrap_or_default()
    }

    /// `make_id(name)` for an element kind's name, cached.
    fn kind_id(&mut self, name: &'static str) -> &str {
        let i = match self.kind_ids.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                self.kind_ids.push((name, make_id(name)));
                self.kind_ids.len() - 1
            }
        };
        self.kind_ids.get(i).map_or("", |(_, id)| id.as_str())
    }

    /// docutils' `document.create_id` (`id_prefix` empty).
    fn create_id(&mut self, el: &Element) -> String {
        let auto = self.settings.auto_id_prefix.as_str();
        let pct = auto.ends_with('%');
        let mut base = String::new();
        for name in &el.attrs.names {
            base = make_id(name);
            if !base.is_empty() && !self.ids.contains(&base) {
                return base;
            }
        }
        let dup = el
            .attrs
            .dupnames
            .first()
            .map(|d| make_id(d))
            .filter(|d| !d.is_empty());
        let prefix = match (pct, dup) {
            (true, _) if !base.is_empty() => format!("{base}-"),
            (true, Some(d)) => format!("{d}-"),
            (true, None) => {
                let kind = self.kind_id(el.kind.name());
                format!("{}{kind}-", &auto[..auto.len() - 1])
            }
            (false, _) => auto.to_owned(),
        };
        if !self.auto_counters.contains_key(&prefix) {
            self.auto_counters.insert(prefix.clone(), 0);
        }
        let Some(counter) = self.auto_counters.get_mut(&prefix) else {
            return prefix;
        };
        loop {
            *counter += 1;
            let id = format!("{prefix}{counter}");
            if !self.ids.contains(&id) {
                return id;
            }
        }
    }

    /// Inserts `nodes` as docutils' `meta` directive does: at the first
    /// document child that is not titular or a meta, or at 0 when there
    /// is none (so two metas opening a document come out reversed).
    pub fn insert_front(&mut self, nodes: Vec<Element>) {
        let f = &mut self.front;
        if !f.top.rest.is_empty() {
            f.top.insert(nodes);
        } else if !f.after_titles.rest.is_empty() || self.body_started {
            f.after_titles.insert(nodes);
        } else {
            f.top.insert_first(nodes);
        }
    }

    /// docutils' `document.get_decoration()`: created at the first child
    /// that is not titular or a meta (appended when there is none).
    pub fn decoration(&mut self) -> &mut Element {
        let f = &mut self.front;
        if f.decoration.is_none() {
            let in_top = !f.top.rest.is_empty();
            let part = if in_top {
                &mut f.top
            } else {
                &mut f.after_titles
            };
            // nothing is ever appended after it: count from the back
            f.decoration = Some((in_top, part.rest.len()));
            part.rest.push_front(Element::new(Kind::Decoration));
        }
        let (in_top, from_back) = f.decoration.unwrap_or((false, 0));
        let rest = if in_top {
            &mut f.top.rest
        } else {
            &mut f.after_titles.rest
        };
        if rest.is_empty() {
            // unreachable: the decoration was pushed above
            rest.push_back(Element::new(Kind::Decoration));
        }
        let i = rest.len().saturating_sub(from_back + 1);
        &mut rest[i]
    }

    /// docutils' `document.has_name`: the name was ever registered (also
    /// when it became a dupname since).
    pub fn has_name(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Registers an explicit target (`.. _name:`, `` `x <url>`_ ``, footnotes,
    /// citations) as docutils' `note_explicit_target`. Returns the system
    /// message docutils appends to its `msgnode` on a duplicate name.
    pub fn note_explicit_target(&mut self, target: &mut Element) -> Option<Element> {
        let msg = self.note_names(target, true);
        self.set_id(target);
        self.register_holder(target);
        msg
    }

    /// Registers an implicit target (section titles) as `note_implicit_target`.
    /// Without `legacy_ids` the target gets no id here.
    pub fn note_implicit_target(&mut self, target: &mut Element) -> Option<Element> {
        let msg = self.note_names(target, false);
        if self.settings.legacy_ids {
            self.set_id(target);
        }
        self.register_holder(target);
        msg
    }

    /// Points names that `target` now holds at its (first) id, or at an
    /// internal key when it has none (fixups must still find it).
    fn register_holder(&mut self, target: &mut Element) {
        let id = match target.attrs.ids.first() {
            Some(id) => id.clone(),
            None if target.attrs.names.is_empty() => return,
            None => {
                self.key_counter += 1;
                let key = format!("#{}", self.key_counter);
                target.set(KEY, key.clone());
                key
            }
        };
        for name in &target.attrs.names {
            if let Some(e) = self.names.get_mut(name)
                && e.holder.as_deref() == Some("")
            {
                e.holder = Some(id.clone());
                e.kind = target.kind;
            }
        }
    }

    /// docutils' `note_names` + `set_duplicate_name`.
    fn note_names(&mut self, node: &mut Element, explicit: bool) -> Option<Element> {
        let mut msg = None;
        for name in node.attrs.names.clone() {
            match self.names.get(&name).cloned() {
                Some(old) => {
                    if let Some(m) = self.set_duplicate_name(node, &name, old, explicit) {
                        msg = Some(m);
                    }
                }
                None => {
                    let entry = self.entry_for(node, explicit);
                    self.names.insert(name, entry);
                }
            }
        }
        msg
    }

    fn entry_for(&self, node: &Element, explicit: bool) -> NameEntry {
        NameEntry {
            // "" = this node, id not assigned yet (filled by register_holder)
            holder: Some(node.attrs.ids.first().cloned().unwrap_or_default()),
            kind: node.kind,
            explicit,
            refuri: node.get("refuri").map(str::to_owned),
            refname: node.get("refname").map(str::to_owned),
        }
    }

    fn set_duplicate_name(
        &mut self,
        node: &mut Element,
        name: &str,
        old: NameEntry,
        explicit: bool,
    ) -> Option<Element> {
        let old_exists = old.holder.is_some();
        let mut level = None;
        let mut text = String::new();
        if let Some(e) = self.names.get_mut(name) {
            e.explicit = old.explicit || explicit;
        }
        let same_ref = old_exists
            && ((node.get("refname").is_some() && node.get("refname") == old.refname.as_deref())
                || (node.get("refuri").is_some() && node.get("refuri") == old.refuri.as_deref()));
        if same_ref {
            level = Some(Level::Info);
            let r = node.get("refuri").or(node.get("refname")).unwrap_or("");
            text = format!("Duplicate name \"{name}\" for external target \"{r}\".");
            dupname(node, name);
        } else if explicit {
            if old.explicit {
                level = Some(Level::Warning);
                text = format!("Duplicate explicit target name: \"{name}\".");
                dupname(node, name);
                if let Some(h) = &old.holder {
                    self.fixup(h, Fixup::Dupname(name.to_owned()));
                    if let Some(e) = self.names.get_mut(name) {
                        e.holder = None;
                    }
                }
            } else {
                let entry = self.entry_for(node, true);
                self.names.insert(name.to_owned(), entry);
                if let Some(h) = &old.holder {
                    level = Some(Level::Info);
                    text = format!("Target name overrides implicit target name \"{name}\".");
                    self.fixup(h, Fixup::Dupname(name.to_owned()));
                }
            }
        } else {
            level = Some(Level::Info);
            text = format!("Duplicate implicit target name: \"{name}\".");
            dupname(node, name);
            if let Some(h) = &old.holder
                && !old.explicit
            {
                self.fixup(h, Fixup::Dupname(name.to_owned()));
                if let Some(e) = self.names.get_mut(name) {
                    e.holder = None;
                }
                // docutils sets the old node's id now, "to get running
                // numbers right" (a no-op when it has one)
                if h.starts_with('#') {
                    let mut old_node = Element::new(old.kind);
                    old_node.attrs.dupnames.push(name.to_owned());
                    let id = self.create_id(&old_node);
                    self.ids.insert(id.clone());
                    self.fixup(h, Fixup::Id(id));
                }
            }
        }
        let level = level?;
        // no backref for empty targets (they are not shown in output)
        let backrefs = if node.kind == Kind::Target && node.children.is_empty() {
            Vec::new()
        } else {
            vec![self.set_id(node)]
        };
        let line = node.line.or(self.current_line);
        let mut msg = self.system_message(level, &text, line, Vec::new());
        msg.attrs.backrefs = backrefs.into();
        Some(msg)
    }

    /// Registers a substitution definition (`note_substitution_def`);
    /// returns the duplicate-name error for the parent.
    pub fn note_substitution_def(&mut self, def: &mut Element, name: &str) -> Option<Element> {
        let name = super::block::whitespace_normalize_name(name);
        self.subdef_counter += 1;
        let key = format!(".subdef{}", self.subdef_counter);
        def.set(".subdef", key.clone());
        let msg = if let Some(old) = self.substitution_defs.get(&name).cloned() {
            self.fixup(&old, Fixup::Dupname(name.clone()));
            Some(self.system_message(
                Level::Error,
                &format!("Duplicate substitution definition name: \"{name}\"."),
                def.line,
                Vec::new(),
            ))
        } else {
            None
        };
        self.substitution_defs.insert(name, key);
        msg
    }

    fn fixup(&mut self, key: &str, f: Fixup) {
        self.fixups.entry(key.to_owned()).or_default().push(f);
    }

    /// Applies the recorded edits to earlier elements, in one walk.
    pub fn apply_fixups(&mut self, doc: &mut Element) {
        if self.fixups.is_empty() {
            // Without a key or substitution mark there is nothing to strip.
            if self.key_counter > 0 || self.subdef_counter > 0 {
                strip_internal(doc);
            }
            return;
        }
        let fixups = std::mem::take(&mut self.fixups);
        doc.walk_mut(&mut |el| {
            let key = el
                .get(".subdef")
                .or_else(|| el.get(KEY))
                .map(str::to_owned)
                .or_else(|| el.attrs.ids.first().cloned());
            if let Some(edits) = key.and_then(|k| fixups.get(&k)) {
                for f in edits {
                    match f {
                        Fixup::Dupname(n) => {
                            if el.kind == Kind::SubstitutionDefinition || el.attrs.names.contains(n)
                            {
                                dupname(el, n);
                            }
                        }
                        Fixup::Id(id) => el.attrs.ids.push(id.clone()),
                    }
                }
            }
            el.remove(".subdef");
            el.remove(KEY);
        });
    }

    /// The source being parsed: the innermost included file, or the document.
    pub fn current_source(&self) -> String {
        match &self.source {
            Some(path) => path.clone(),
            None => self.settings.source.clone(),
        }
    }

    /// Builds a `system_message` element and records the diagnostic.
    /// `details` are extra children after the message paragraph (usually a
    /// literal block with the offending text).
    pub fn system_message(
        &mut self,
        level: Level,
        message: &str,
        line: Option<u32>,
        details: Vec<Element>,
    ) -> Element {
        let line = line.map(|l| l + self.message_line_shift);
        self.diagnostics.push(Diagnostic::new(level, message, line));
        let mut msg = Element::new(Kind::SystemMessage)
            .with_attr("level", (level as u8).to_string())
            .with_attr("source", self.current_source())
            .with_attr("type", level.name())
            .with_child(Element::new(Kind::Paragraph).with_text(message));
        if let Some(l) = line {
            msg.set("line", l.to_string());
            msg.line = Some(l);
        }
        for d in details {
            msg.push(d);
        }
        msg
    }
}

fn strip_internal(doc: &mut Element) {
    doc.walk_mut(&mut |el| {
        el.remove(".subdef");
        el.remove(KEY);
    });
}

/// Elements docutils puts before the document body while parsing: `top`
/// precedes everything, `after_titles` follows the body's leading titular
/// elements (rubrics). Inserting is linear in the inserted elements.
#[derive(Clone, Debug, Default)]
pub struct Front {
    pub top: FrontPart,
    pub after_titles: FrontPart,
    /// Where the decoration is: in `top` or not, elements after it.
    decoration: Option<(bool, usize)>,
}

/// A run of titular/meta elements (`lead`), then the rest, which starts
/// with another kind: docutils inserts between the two.
#[derive(Clone, Debug, Default)]
pub struct FrontPart {
    pub lead: VecDeque<Element>,
    pub rest: VecDeque<Element>,
}

impl FrontPart {
    /// Inserts at the first element that is not titular or a meta.
    fn insert(&mut self, nodes: Vec<Element>) {
        let j = first_not_front(&nodes).unwrap_or(nodes.len());
        let mut nodes = nodes;
        let tail = nodes.split_off(j);
        self.lead.extend(nodes);
        for e in tail.into_iter().rev() {
            self.rest.push_front(e);
        }
    }

    /// Inserts before everything (the part holds only titular/metas).
    fn insert_first(&mut self, nodes: Vec<Element>) {
        match first_not_front(&nodes) {
            None => {
                for e in nodes.into_iter().rev() {
                    self.lead.push_front(e);
                }
            }
            Some(j) => {
                let mut nodes = nodes;
                let tail = nodes.split_off(j);
                let old = std::mem::replace(&mut self.lead, nodes.into());
                self.rest = tail.into_iter().chain(old).collect();
            }
        }
    }

    pub fn into_elements(self) -> impl Iterator<Item = Element> {
        self.lead.into_iter().chain(self.rest)
    }
}

/// Titular elements and metas: docutils' `(Titular, meta)`.
pub fn is_front_kind(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Title | Kind::Subtitle | Kind::Rubric | Kind::Meta
    )
}

fn first_not_front(v: &[Element]) -> Option<usize> {
    v.iter().position(|e| !is_front_kind(e.kind))
}

/// Internal attribute naming an id-less name holder (`legacy_ids` off).
const KEY: &str = ".key";

/// An edit of an earlier element, applied by [`DocState::apply_fixups`].
#[derive(Clone, Debug)]
enum Fixup {
    Dupname(String),
    Id(String),
}

/// Whether docutils' content model of `kind` holds body elements: only
/// such elements receive a duplicate-name message (`set_duplicate_name`
/// drops it otherwise, e.g. for a `rubric` or `line_block`).
pub fn accepts_body(kind: Kind) -> bool {
    kind.is_specific_admonition()
        || matches!(
            kind,
            Kind::Document
                | Kind::Section
                | Kind::Topic
                | Kind::Sidebar
                | Kind::BlockQuote
                | Kind::ListItem
                | Kind::Definition
                | Kind::FieldBody
                | Kind::Description
                | Kind::Footnote
                | Kind::Citation
                | Kind::Admonition
                | Kind::Entry
                | Kind::Container
                | Kind::Compound
                | Kind::Legend
                | Kind::SystemMessage
        )
}

/// docutils' `dupname`: move `name` from names to dupnames.
fn dupname(el: &mut Element, name: &str) {
    el.attrs.dupnames.push(name.to_owned());
    if let Some(i) = el.attrs.names.iter().position(|n| n == name) {
        el.attrs.names.remove(i);
    }
}

/// docutils' `nodes.make_id`.
pub fn make_id(s: &str) -> String {
    let mut ascii = String::with_capacity(s.len());
    for c in s.to_lowercase().chars() {
        match c {
            'ß' => ascii.push_str("sz"),
            'æ' => ascii.push_str("ae"),
            'œ' => ascii.push_str("oe"),
            'ø' => ascii.push('o'),
            'đ' => ascii.push('d'),
            'ħ' => ascii.push('h'),
            'ı' => ascii.push('i'),
            'ł' => ascii.push('l'),
            'ŧ' => ascii.push('t'),
            c if c.is_ascii() => ascii.push(c),
            // NFKD + drop non-ASCII keeps only the base of accented Latin letters
            c if is_latin(c) => ascii.push_str(
                &deunicode::deunicode_char(c)
                    .map(fold_ascii)
                    .unwrap_or_default(),
            ),
            _ => {}
        }
    }
    // runs of non-[a-z0-9] become one hyphen
    let mut id = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if pending_dash && !id.is_empty() {
                id.push('-');
            }
            pending_dash = false;
            id.push(c);
        } else {
            pending_dash = true;
        }
    }
    // strip leading digits and hyphens
    let start = id
        .find(|c: char| c.is_ascii_lowercase())
        .unwrap_or(id.len());
    id[start..].to_owned()
}

fn is_latin(c: char) -> bool {
    matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF)
}

/// NFKD-then-ASCII of one char: keep only an accent-free letter base.
fn fold_ascii(s: &str) -> String {
    // deunicode transliterates widely (e.g. CJK); docutils drops those, so
    // only accept a single-letter result (accented Latin letters).
    if s.chars().count() == 1 && s.chars().all(|c| c.is_ascii_alphanumeric()) {
        s.to_lowercase()
    } else {
        String::new()
    }
}

/// Removes the internal keys used by the registry from a subtree.
pub fn clean(nodes: &mut [Node]) {
    for n in nodes {
        if let Node::Element(e) = n {
            strip_internal(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_id_like_docutils() {
        assert_eq!(make_id("Hello World!"), "hello-world");
        assert_eq!(make_id("1. Intro"), "intro");
        assert_eq!(make_id("Ünïcödé"), "unicode");
        assert_eq!(make_id("日本"), "");
    }

    #[test]
    fn duplicate_explicit_names_become_dupnames() {
        let settings = Settings::default();
        let mut st = DocState::new(&settings);
        let mut a = Element::new(Kind::Target).with_attr("refuri", "x");
        a.attrs.names.push("a".into());
        assert!(st.note_explicit_target(&mut a).is_none());
        let mut b = Element::new(Kind::Target).with_attr("refuri", "y");
        b.attrs.names.push("a".into());
        let msg = st.note_explicit_target(&mut b).expect("warning");
        assert_eq!(msg.get("type"), Some("WARNING"));
        assert_eq!(b.attrs.dupnames, vec!["a".to_string()]);
        assert_eq!(b.attrs.ids, vec!["a-1".to_string()]);
        let mut doc = Element::new(Kind::Document).with_child(a).with_child(b);
        st.apply_fixups(&mut doc);
        let first = doc.elements().next().expect("a");
        assert_eq!(first.attrs.dupnames, vec!["a".to_string()]);
        assert!(first.attrs.names.is_empty());
    }
}
