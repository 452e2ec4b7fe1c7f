//! The document tree: the contract between readers, transforms and writers.
//!
//! Node kinds and attribute names follow docutils (`nodes.py`), so the tree
//! can be printed in docutils' pseudo-XML and compared with its test suite.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use thin_vec::ThinVec;

macro_rules! kinds {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// An element's kind, named as docutils names its node class.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Kind { $($variant),* }

        impl Kind {
            /// The docutils tag name (`block_quote`, `literal_block`, ...).
            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name),* }
            }

            pub fn from_name(name: &str) -> Option<Kind> {
                match name { $($name => Some(Kind::$variant),)* _ => None }
            }
        }
    };
}

kinds! {
    Abbreviation => "abbreviation", Acronym => "acronym", Address => "address",
    Admonition => "admonition", Attention => "attention", Attribution => "attribution",
    Author => "author", Authors => "authors", BlockQuote => "block_quote",
    BulletList => "bullet_list", Caption => "caption", Caution => "caution",
    Citation => "citation", CitationReference => "citation_reference",
    Classifier => "classifier", Colspec => "colspec", Comment => "comment",
    Compound => "compound", Contact => "contact", Container => "container",
    Copyright => "copyright", Danger => "danger", Date => "date",
    Decoration => "decoration", Definition => "definition",
    DefinitionList => "definition_list", DefinitionListItem => "definition_list_item",
    Description => "description", Docinfo => "docinfo", DoctestBlock => "doctest_block",
    Document => "document", Emphasis => "emphasis", Entry => "entry",
    EnumeratedList => "enumerated_list", Error => "error", Field => "field",
    FieldBody => "field_body", FieldList => "field_list", FieldName => "field_name",
    Figure => "figure", Footer => "footer", Footnote => "footnote",
    FootnoteReference => "footnote_reference", Generated => "generated",
    Header => "header", Hint => "hint", Image => "image", Important => "important",
    Inline => "inline", Label => "label", Legend => "legend", Line => "line",
    LineBlock => "line_block", ListItem => "list_item", Literal => "literal",
    LiteralBlock => "literal_block", Math => "math", MathBlock => "math_block",
    Meta => "meta", Note => "note", Option => "option",
    OptionArgument => "option_argument", OptionGroup => "option_group",
    OptionList => "option_list", OptionListItem => "option_list_item",
    OptionString => "option_string", Organization => "organization",
    Paragraph => "paragraph", Pending => "pending", Problematic => "problematic",
    Raw => "raw", Reference => "reference", Revision => "revision", Row => "row",
    Rubric => "rubric", Section => "section", Sidebar => "sidebar", Status => "status",
    Strong => "strong", Subscript => "subscript",
    SubstitutionDefinition => "substitution_definition",
    SubstitutionReference => "substitution_reference", Subtitle => "subtitle",
    Superscript => "superscript", SystemMessage => "system_message", Table => "table",
    Target => "target", Tbody => "tbody", Term => "term", Tgroup => "tgroup",
    Thead => "thead", Tip => "tip", Title => "title",
    TitleReference => "title_reference", Topic => "topic", Transition => "transition",
    Version => "version", Warning => "warning",
}

impl Kind {
    /// Elements whose text is preformatted (`xml:space="preserve"` in docutils).
    pub fn is_preformatted(self) -> bool {
        matches!(
            self,
            Kind::LiteralBlock | Kind::DoctestBlock | Kind::MathBlock | Kind::Raw | Kind::Comment
        )
    }

    /// docutils' `TextElement` classes: their children are inline.
    pub fn is_text_element(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Abbreviation
                | Acronym
                | Address
                | Attribution
                | Author
                | Caption
                | CitationReference
                | Classifier
                | Comment
                | Contact
                | Copyright
                | Date
                | DoctestBlock
                | Emphasis
                | FieldName
                | FootnoteReference
                | Generated
                | Inline
                | Label
                | Line
                | Literal
                | LiteralBlock
                | Math
                | MathBlock
                | OptionArgument
                | OptionString
                | Organization
                | Paragraph
                | Problematic
                | Raw
                | Reference
                | Revision
                | Rubric
                | Status
                | Strong
                | Subscript
                | SubstitutionDefinition
                | SubstitutionReference
                | Subtitle
                | Superscript
                | Target
                | Term
                | Title
                | TitleReference
                | Version
        )
    }

    /// The admonition kinds with a fixed title (`note`, `warning`, ...).
    pub fn is_specific_admonition(self) -> bool {
        matches!(
            self,
            Kind::Attention
                | Kind::Caution
                | Kind::Danger
                | Kind::Error
                | Kind::Hint
                | Kind::Important
                | Kind::Note
                | Kind::Tip
                | Kind::Warning
        )
    }
}

/// Attributes. The five common list attributes of docutils are fields; all
/// others are strings in a sorted map (`refuri`, `uri`, `xml:space`, ...).
/// Keys starting with `.` are internal (a `pending` node's transform and
/// details) and are not printed in the start tag.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attrs {
    #[serde(
        default,
        skip_serializing_if = "ThinVec::is_empty",
        with = "thin_strings"
    )]
    pub ids: ThinVec<String>,
    #[serde(
        default,
        skip_serializing_if = "ThinVec::is_empty",
        with = "thin_strings"
    )]
    pub names: ThinVec<String>,
    #[serde(
        default,
        skip_serializing_if = "ThinVec::is_empty",
        with = "thin_strings"
    )]
    pub classes: ThinVec<String>,
    #[serde(
        default,
        skip_serializing_if = "ThinVec::is_empty",
        with = "thin_strings"
    )]
    pub dupnames: ThinVec<String>,
    #[serde(
        default,
        skip_serializing_if = "ThinVec::is_empty",
        with = "thin_strings"
    )]
    pub backrefs: ThinVec<String>,
    #[serde(default, flatten)]
    pub other: AttrMap,
}

/// The non-list attributes: a few per element at most, so a vector sorted
/// by key (one pointer when empty) rather than a tree map, whose first
/// node alone takes half a kilobyte.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttrMap(ThinVec<(String, String)>);

impl AttrMap {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.find(key)
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key`; returns the value it replaced.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.find(&key) {
            Ok(i) => self
                .0
                .get_mut(i)
                .map(|slot| std::mem::replace(&mut slot.1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut String) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<'a> IntoIterator for &'a AttrMap {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for AttrMap {
    type Item = (String, String);
    type IntoIter = thin_vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<(String, String)> for AttrMap {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> AttrMap {
        let mut map = AttrMap::default();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl Serialize for AttrMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for AttrMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AttrMap, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(|m| m.into_iter().collect())
    }
}

/// Serde for the list attributes: a plain JSON array of strings.
mod thin_strings {
    use serde::{Deserialize, Deserializer, Serializer};
    use thin_vec::ThinVec;

    pub fn serialize<S: Serializer>(v: &ThinVec<String>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ThinVec<String>, D::Error> {
        Vec::<String>::deserialize(d).map(ThinVec::from)
    }
}

impl Attrs {
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
            && self.names.is_empty()
            && self.classes.is_empty()
            && self.dupnames.is_empty()
            && self.backrefs.is_empty()
            && self.other.is_empty()
    }
}

/// A node: an element or a run of text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Node {
    Text(String),
    /// Boxed so that a node (and a child list) stays as small as a string.
    Element(Box<Element>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Element {
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Attrs::is_empty")]
    pub attrs: Attrs,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// 1-based source line where the element starts, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Element {
    pub fn new(kind: Kind) -> Element {
        Element {
            kind,
            attrs: Attrs::default(),
            children: Vec::new(),
            line: None,
        }
    }

    pub fn with_line(mut self, line: u32) -> Element {
        self.line = Some(line);
        self
    }

    /// Builder: set a non-list attribute.
    pub fn with_attr(mut self, key: &str, value: impl Into<String>) -> Element {
        self.set(key, value);
        self
    }

    pub fn with_child(mut self, child: impl Into<Node>) -> Element {
        self.children.push(child.into());
        self
    }

    pub fn with_text(self, text: impl Into<String>) -> Element {
        self.with_child(Node::Text(text.into()))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.attrs.other.get(key).map(String::as_str)
    }

    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.attrs.other.insert(key.to_owned(), value.into());
    }

    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.attrs.other.remove(key)
    }

    pub fn push(&mut self, child: impl Into<Node>) {
        self.children.push(child.into());
    }

    /// Text content, as docutils' `astext()` for ordinary elements.
    pub fn astext(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }

    /// Child elements (skipping text).
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(Node::as_element)
    }

    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(Node::as_element_mut)
    }

    /// First child element of a kind.
    pub fn child(&self, kind: Kind) -> Option<&Element> {
        self.elements().find(|e| e.kind == kind)
    }

    /// Visits every element in document order, parents before children.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Element)) {
        f(self);
        for child in self.elements() {
            child.walk(f);
        }
    }

    /// Mutable pre-order walk.
    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Element)) {
        f(self);
        for child in self.elements_mut() {
            child.walk_mut(f);
        }
    }

    /// docutils' pseudo-XML (`pformat`), exactly.
    pub fn pformat(&self) -> String {
        let mut out = String::new();
        self.pformat_into(&mut out, 0);
        out
    }

    pub fn pformat_into(&self, out: &mut String, level: usize) {
        push_indent(out, level);
        out.push('<');
        out.push_str(self.kind.name());
        self.starttag_attrs(out);
        out.push_str(">\n");
        for child in &self.children {
            match child {
                Node::Text(t) => {
                    for line in t.lines() {
                        push_indent(out, level + 1);
                        out.push_str(line);
                        out.push('\n');
                    }
                }
                Node::Element(e) => e.pformat_into(out, level + 1),
            }
        }
        if self.kind == Kind::Pending {
            self.pending_internals(out, level);
        }
    }

    fn starttag_attrs(&self, out: &mut String) {
        let a = &self.attrs;
        let lists: [(&str, &ThinVec<String>); 5] = [
            ("backrefs", &a.backrefs),
            ("classes", &a.classes),
            ("dupnames", &a.dupnames),
            ("ids", &a.ids),
            ("names", &a.names),
        ];
        let mut attrs: Vec<(&str, String)> = lists
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| {
                (
                    *k,
                    v.iter()
                        .map(|s| serial_escape(s))
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            })
            .collect();
        attrs.extend(
            a.other
                .iter()
                .filter(|(k, _)| !k.starts_with('.'))
                .map(|(k, v)| (k.as_str(), v.clone())),
        );
        attrs.sort_by(|x, y| x.0.cmp(y.0));
        for (k, v) in attrs {
            let _ = write!(out, " {k}=\"{v}\"");
        }
    }

    fn pending_internals(&self, out: &mut String, level: usize) {
        let pad = "    ".repeat(level);
        let mut line = |s: &str| {
            let _ = writeln!(out, "    {pad}{s}");
        };
        line(".. internal attributes:");
        line(&format!(
            "     .transform: {}",
            self.get(".transform").unwrap_or("")
        ));
        line("     .details:");
        for (k, v) in &self.attrs.other {
            if let Some(key) = k.strip_prefix(".details.") {
                line(&format!("       {key}: {v}"));
            }
        }
    }
}

fn push_indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

fn serial_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace(' ', "\\ ")
}

impl Node {
    pub fn text(s: impl Into<String>) -> Node {
        Node::Text(s.into())
    }

    pub fn as_element(&self) -> Option<&Element> {
        match self {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        }
    }

    pub fn as_element_mut(&mut self) -> Option<&mut Element> {
        match self {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        }
    }

    pub fn astext(&self) -> String {
        match self {
            Node::Text(t) => t.clone(),
            Node::Element(e) => e.astext(),
        }
    }
}

impl From<Box<Element>> for Node {
    fn from(e: Box<Element>) -> Node {
        Node::Element(e)
    }
}

impl From<Element> for Node {
    fn from(e: Element) -> Node {
        Node::Element(Box::new(e))
    }
}

/// docutils' reporting levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Severe = 4,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
            Level::Severe => "SEVERE",
        }
    }

    pub fn from_number(n: u8) -> Level {
        match n {
            0 => Level::Debug,
            1 => Level::Info,
            2 => Level::Warning,
            3 => Level::Error,
            _ => Level::Severe,
        }
    }
}

/// A problem found while reading, transforming or writing, with its place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Diagnostic {
    pub fn new(level: Level, message: impl Into<String>, line: Option<u32>) -> Diagnostic {
        Diagnostic {
            level,
            message: message.into(),
            line,
        }
    }

    /// `path:line: (WARNING/2) message`, as docutils prints it.
    pub fn render(&self, path: &str) -> String {
        let place = match self.line {
            Some(l) => format!("{path}:{l}"),
            None => path.to_owned(),
        };
        format!(
            "{place}: ({}/{}) {}",
            self.level.name(),
            self.level as u8,
            self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pformat_matches_docutils_layout() {
        let mut doc = Element::new(Kind::Document).with_attr("source", "test data");
        let mut target = Element::new(Kind::Target).with_attr("refuri", "http://a");
        target.attrs.ids.push("a-b".into());
        target.attrs.names.push("a b".into());
        doc.push(target);
        doc.push(
            Element::new(Kind::Paragraph)
                .with_text("two\nlines ")
                .with_child(Element::new(Kind::Emphasis).with_text("em")),
        );
        assert_eq!(
            doc.pformat(),
            "<document source=\"test data\">\n    <target ids=\"a-b\" names=\"a\\ b\" refuri=\"http://a\">\n    <paragraph>\n        two\n        lines \n        <emphasis>\n            em\n"
        );
    }

    #[test]
    fn json_round_trip() {
        let doc = Element::new(Kind::Paragraph).with_text("x").with_line(3);
        let json = serde_json::to_string(&doc).unwrap();
        let back: Element = serde_json::from_str(&json).unwrap();
        assert_eq!(doc, back);
    }

    #[test]
    fn attr_map_is_a_sorted_map() {
        let mut m = AttrMap::default();
        assert_eq!(m.insert("refuri".into(), "a".into()), None);
        assert_eq!(m.insert("anonymous".into(), "1".into()), None);
        assert_eq!(m.insert("refuri".into(), "b".into()), Some("a".into()));
        let keys: Vec<&String> = m.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["anonymous", "refuri"]);
        assert_eq!(m.get("refuri").map(String::as_str), Some("b"));
        assert!(!m.contains_key("refid"));
        assert_eq!(m.remove("anonymous"), Some("1".into()));
        assert_eq!(m.len(), 1);
        // Serialised as the flattened map it replaces: keys in order.
        let mut e = Element::new(Kind::Reference)
            .with_attr("z", "1")
            .with_attr("b", "2");
        e.attrs.ids.push("x".into());
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""ids":["x"],"b":"2","z":"1""#), "{json}");
        let back: Element = serde_json::from_str(&json).unwrap();
        assert_eq!(e, back);
    }
}
