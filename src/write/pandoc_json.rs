//! pandoc JSON AST writer (`pandoc -f json` reads it; API 1.23, pandoc 3).
//!
//! The mapping follows pandoc's own reST reader where it has one (sections
//! become headers with ids, footnotes notes, admonitions `Div`s with a title
//! `Div`, ...), and docutils' HTML rendering where pandoc's reader loses
//! text (field-name colons, attributions, citation labels, system
//! messages), so `pandoc -t html` shows the words our HTML writer shows.

use crate::doctree::{Diagnostic, Element, Kind, Level, Node};
use crate::source::Metadata;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The API version written (pandoc 3 reads any `1.23.*`).
pub const API_VERSION: [u32; 3] = [1, 23, 1];

type Attr = (String, Vec<String>, Vec<(String, String)>);
type Target = (String, String);

#[derive(Clone, Debug, PartialEq, Serialize)]
// Variant names are pandoc's constructors.
#[allow(clippy::enum_variant_names)]
#[serde(tag = "t", content = "c")]
enum Inline {
    Str(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    Code(Attr, String),
    Space,
    SoftBreak,
    LineBreak,
    Math(MathType, String),
    RawInline(String, String),
    Link(Attr, Vec<Inline>, Target),
    Image(Attr, Vec<Inline>, Target),
    Note(Vec<Block>),
    Span(Attr, Vec<Inline>),
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "t")]
enum MathType {
    DisplayMath,
    InlineMath,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
// Variant names are pandoc's constructors.
#[allow(clippy::enum_variant_names)]
#[serde(tag = "t", content = "c")]
enum Block {
    Plain(Vec<Inline>),
    Para(Vec<Inline>),
    LineBlock(Vec<Vec<Inline>>),
    CodeBlock(Attr, String),
    RawBlock(String, String),
    BlockQuote(Vec<Block>),
    OrderedList((i64, NumberStyle, NumberDelim), Vec<Vec<Block>>),
    BulletList(Vec<Vec<Block>>),
    DefinitionList(Vec<(Vec<Inline>, Vec<Vec<Block>>)>),
    Header(usize, Attr, Vec<Inline>),
    HorizontalRule,
    Table(Box<TableParts>),
    Figure(Attr, Caption, Vec<Block>),
    Div(Attr, Vec<Block>),
}

/// Attr, caption, column specs, head, bodies, foot.
type TableParts = (
    Attr,
    Caption,
    Vec<(Align, ColWidth)>,
    (Attr, Vec<Row>),
    Vec<TableBody>,
    (Attr, Vec<Row>),
);
/// Short caption (never written) and the caption blocks.
type Caption = (Option<Vec<Inline>>, Vec<Block>);
type Row = (Attr, Vec<Cell>);
type Cell = (Attr, Align, usize, usize, Vec<Block>);
/// Attr, row-head columns, head rows, body rows.
type TableBody = (Attr, usize, Vec<Row>, Vec<Row>);

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "t")]
enum NumberStyle {
    DefaultStyle,
    Decimal,
    LowerRoman,
    UpperRoman,
    LowerAlpha,
    UpperAlpha,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "t")]
enum NumberDelim {
    DefaultDelim,
    Period,
    OneParen,
    TwoParens,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
// Variant names are pandoc's constructors.
#[allow(clippy::enum_variant_names)]
#[serde(tag = "t")]
enum Align {
    AlignLeft,
    AlignRight,
    AlignCenter,
    AlignDefault,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
// Variant names are pandoc's constructors.
#[allow(clippy::enum_variant_names)]
#[serde(tag = "t", content = "c")]
enum ColWidth {
    ColWidth(f64),
    ColWidthDefault,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
// Variant names are pandoc's constructors.
#[allow(clippy::enum_variant_names)]
#[serde(tag = "t", content = "c")]
enum MetaValue {
    MetaList(Vec<MetaValue>),
    MetaString(String),
    MetaInlines(Vec<Inline>),
}

#[derive(Serialize)]
struct Pandoc {
    #[serde(rename = "pandoc-api-version")]
    api: [u32; 3],
    meta: BTreeMap<String, MetaValue>,
    blocks: Vec<Block>,
}

/// Renders `doc` (a `document` element) and the post's metadata as
/// pandoc's JSON AST, one line, ending with a newline.
pub fn write(doc: &Element, meta: &Metadata, diags: &mut Vec<Diagnostic>) -> String {
    let mut w = Writer::new(doc, diags);
    let mut blocks = Vec::new();
    w.document(doc, &mut blocks);
    w.leftover_footnotes(&mut blocks);
    tidy_blocks(&mut blocks);
    let mut map = post_meta(meta);
    for (k, v) in std::mem::take(&mut w.meta) {
        map.entry(k).or_insert(v);
    }
    let pandoc = Pandoc {
        api: API_VERSION,
        meta: map,
        blocks,
    };
    // Serialising plain data to a String cannot fail.
    let mut out = serde_json::to_string(&pandoc).unwrap_or_default();
    out.push('\n');
    out
}

/// The post's metadata as pandoc metadata: text meant to be read as
/// inlines, identifiers and dates as strings, lists as lists.
fn post_meta(meta: &Metadata) -> BTreeMap<String, MetaValue> {
    let mut map = BTreeMap::new();
    let inlines = |s: &str| MetaValue::MetaInlines(tokens(s));
    let string = |s: &str| MetaValue::MetaString(s.to_owned());
    for (key, value) in &meta.other {
        map.insert(key.clone(), string(value));
    }
    if let Some(t) = &meta.title {
        map.insert("title".into(), inlines(t));
    }
    if let Some(d) = &meta.description {
        map.insert("description".into(), inlines(d));
    }
    let authors: Vec<&String> = if meta.authors.is_empty() {
        meta.author.iter().collect()
    } else {
        meta.authors.iter().collect()
    };
    if !authors.is_empty() {
        let list = authors.iter().map(|a| inlines(a)).collect();
        map.insert("author".into(), MetaValue::MetaList(list));
    }
    let strings = [
        ("slug", meta.slug.clone()),
        ("date", meta.date_rfc3339()),
        ("updated", meta.updated_rfc3339()),
        ("category", meta.category.clone()),
        ("link", meta.link.clone()),
    ];
    for (key, value) in strings {
        if let Some(v) = value {
            map.insert(key.into(), MetaValue::MetaString(v));
        }
    }
    if !meta.tags.is_empty() {
        let list = meta.tags.iter().map(|t| string(t)).collect();
        map.insert("tags".into(), MetaValue::MetaList(list));
    }
    map
}

/// Text as pandoc tokens: words are `Str`, blank runs `Space`, or
/// `SoftBreak` when they hold a newline. No-break spaces stay in words.
fn tokens(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    push_text(&mut out, text);
    trim(&mut out);
    out
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}')
}

/// Appends text, merging with a preceding `Str` or blank token.
fn push_text(out: &mut Vec<Inline>, text: &str) {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let blank = is_blank(c);
        let end = rest
            .find(|c: char| is_blank(c) != blank)
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        if blank {
            let newline = run.contains('\n');
            match out.last_mut() {
                Some(last @ Inline::Space) if newline => *last = Inline::SoftBreak,
                Some(Inline::Space | Inline::SoftBreak) => {}
                _ => out.push(if newline {
                    Inline::SoftBreak
                } else {
                    Inline::Space
                }),
            }
        } else if let Some(Inline::Str(s)) = out.last_mut() {
            s.push_str(run);
        } else {
            out.push(Inline::Str(run.to_owned()));
        }
    }
}

/// pandoc's normal form, after the tree is built: adjacent words merged,
/// one blank between words, no blank before a note.
fn tidy_inlines(v: &mut Vec<Inline>) {
    let old = std::mem::take(v);
    for mut i in old {
        tidy_inline(&mut i);
        match (v.last_mut(), i) {
            (_, Inline::Str(s)) if s.is_empty() => {}
            (Some(Inline::Str(prev)), Inline::Str(s)) => prev.push_str(&s),
            (Some(prev @ Inline::Space), Inline::SoftBreak) => *prev = Inline::SoftBreak,
            (Some(Inline::Space | Inline::SoftBreak), Inline::Space | Inline::SoftBreak) => {}
            (Some(Inline::Space | Inline::SoftBreak), note @ Inline::Note(_)) => {
                v.pop();
                v.push(note);
            }
            (_, i) => v.push(i),
        }
    }
}

fn tidy_inline(i: &mut Inline) {
    match i {
        Inline::Emph(v)
        | Inline::Strong(v)
        | Inline::Superscript(v)
        | Inline::Subscript(v)
        | Inline::Link(_, v, _)
        | Inline::Image(_, v, _)
        | Inline::Span(_, v) => tidy_inlines(v),
        Inline::Note(b) => tidy_blocks(b),
        _ => {}
    }
}

fn tidy_blocks(v: &mut [Block]) {
    for b in v {
        tidy_block(b);
    }
}

fn tidy_block(b: &mut Block) {
    match b {
        Block::Plain(v) | Block::Para(v) | Block::Header(_, _, v) => tidy_inlines(v),
        Block::LineBlock(lines) => lines.iter_mut().for_each(tidy_inlines),
        Block::BlockQuote(v) | Block::Div(_, v) => tidy_blocks(v),
        Block::OrderedList(_, items) | Block::BulletList(items) => {
            items.iter_mut().for_each(|i| tidy_blocks(i));
        }
        Block::DefinitionList(items) => {
            for (term, defs) in items {
                tidy_inlines(term);
                defs.iter_mut().for_each(|d| tidy_blocks(d));
            }
        }
        Block::Table(t) => {
            let (_, caption, _, head, bodies, foot) = &mut **t;
            tidy_blocks(&mut caption.1);
            let rows = head
                .1
                .iter_mut()
                .chain(
                    bodies
                        .iter_mut()
                        .flat_map(|b| b.2.iter_mut().chain(b.3.iter_mut())),
                )
                .chain(foot.1.iter_mut());
            for row in rows {
                row.1.iter_mut().for_each(|c| tidy_blocks(&mut c.4));
            }
        }
        Block::Figure(_, caption, v) => {
            tidy_blocks(&mut caption.1);
            tidy_blocks(v);
        }
        Block::CodeBlock(..) | Block::RawBlock(..) | Block::HorizontalRule => {}
    }
}

/// Drops blank tokens at both ends (pandoc's readers never keep them).
fn trim(v: &mut Vec<Inline>) {
    while matches!(v.last(), Some(Inline::Space | Inline::SoftBreak)) {
        v.pop();
    }
    let lead = v
        .iter()
        .take_while(|i| matches!(i, Inline::Space | Inline::SoftBreak))
        .count();
    v.drain(..lead);
}

fn no_attr() -> Attr {
    (String::new(), Vec::new(), Vec::new())
}

fn class_attr(classes: &[&str]) -> Attr {
    (
        String::new(),
        classes.iter().map(|c| (*c).to_owned()).collect(),
        Vec::new(),
    )
}

/// The element's first id and its classes.
fn attr(e: &Element) -> Attr {
    (
        e.attrs.ids.first().cloned().unwrap_or_default(),
        e.attrs.classes.to_vec(),
        Vec::new(),
    )
}

/// `attr` with extra classes before the element's own.
fn attr_with(e: &Element, pre: &[&str]) -> Attr {
    let mut a = attr(e);
    let mut classes: Vec<String> = pre.iter().map(|c| (*c).to_owned()).collect();
    classes.extend(a.1.into_iter().filter(|c| !pre.contains(&c.as_str())));
    a.1 = classes;
    a
}

fn has_attr(e: &Element) -> bool {
    !e.attrs.ids.is_empty() || !e.attrs.classes.is_empty()
}

fn has_class(e: &Element, class: &str) -> bool {
    e.attrs.classes.iter().any(|c| c == class)
}

/// Ids after the first: pandoc has one id per element, so the others
/// become empty anchors (as docutils' HTML writer makes them).
fn extra_ids(e: &Element) -> impl Iterator<Item = &String> {
    e.attrs.ids.iter().skip(1)
}

fn anchor(id: &str) -> Inline {
    Inline::Span((id.to_owned(), Vec::new(), Vec::new()), Vec::new())
}

fn link(attr: Attr, content: Vec<Inline>, url: String) -> Inline {
    Inline::Link(attr, content, (url, String::new()))
}

fn backlink(content: Vec<Inline>, id: &str) -> Inline {
    let attr = (
        String::new(),
        Vec::new(),
        vec![("role".to_owned(), "doc-backlink".to_owned())],
    );
    link(attr, content, format!("#{id}"))
}

fn span_or_plain(e: &Element, mut content: Vec<Inline>) -> Vec<Inline> {
    if has_attr(e) {
        content = vec![Inline::Span(attr(e), content)];
    }
    content
}

/// A single paragraph in a compact place (list item, cell) is `Plain`.
fn compact(mut blocks: Vec<Block>) -> Vec<Block> {
    if let [only] = blocks.as_mut_slice() {
        para_to_plain(only);
    }
    blocks
}

fn para_to_plain(b: &mut Block) {
    if let Block::Para(inl) = b {
        *b = Block::Plain(std::mem::take(inl));
    }
}

fn div(attr: Attr, blocks: Vec<Block>) -> Block {
    Block::Div(attr, blocks)
}

/// Wraps a block in a `Div` carrying the element's ids and classes when
/// the block itself has no place for them.
fn with_div(e: &Element, block: Block) -> Block {
    if has_attr(e) {
        div(attr(e), vec![block])
    } else {
        block
    }
}

/// docutils' English labels for admonitions and docinfo fields.
fn label(name: &str) -> &str {
    match crate::lang::get("en").label(name) {
        "" => name,
        text => text,
    }
}

fn span_count(e: &Element, key: &str) -> usize {
    e.get(key)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .saturating_add(1)
}

/// docutils element kinds whose children are inline.
fn is_text_element(k: Kind) -> bool {
    use Kind::*;
    matches!(
        k,
        Paragraph
            | Title
            | Subtitle
            | Rubric
            | Caption
            | Attribution
            | Term
            | Classifier
            | FieldName
            | Label
            | Line
            | Author
            | Organization
            | Contact
            | Version
            | Revision
            | Status
            | Date
            | Copyright
            | Address
    )
}

fn is_inline_kind(k: Kind) -> bool {
    use Kind::*;
    matches!(
        k,
        Emphasis
            | Strong
            | Literal
            | Subscript
            | Superscript
            | TitleReference
            | Abbreviation
            | Acronym
            | Inline
            | Math
            | Reference
            | FootnoteReference
            | CitationReference
            | SubstitutionReference
            | Problematic
            | Generated
            | Image
            | Raw
            | Target
    )
}

struct Writer<'a, 'd> {
    diags: &'d mut Vec<Diagnostic>,
    /// Footnotes by id, found before writing (references come first).
    footnotes: HashMap<&'a str, (&'a Element, usize)>,
    /// Footnotes written as a note (at their first reference).
    noted: HashSet<&'a str>,
    /// Footnote bodies in the order met, for the ones never noted.
    footnote_order: Vec<&'a Element>,
    /// Inside a note: pandoc has no nested notes.
    in_note: bool,
    /// Text budget for repeating a footnote at each of its references, so
    /// many references to a long footnote stay linear.
    repeat_budget: usize,
    section_level: usize,
    /// Metadata found in the document (title, docinfo, `meta` directive).
    meta: BTreeMap<String, MetaValue>,
}

impl<'a, 'd> Writer<'a, 'd> {
    fn new(doc: &'a Element, diags: &'d mut Vec<Diagnostic>) -> Writer<'a, 'd> {
        let mut footnotes = HashMap::new();
        let mut footnote_order = Vec::new();
        doc.walk(&mut |e| {
            if e.kind == Kind::Footnote {
                footnote_order.push(e);
                let size = text_len(e);
                for id in &e.attrs.ids {
                    footnotes.insert(id.as_str(), (e, size));
                }
            }
        });
        let size = text_len(doc);
        Writer {
            diags,
            footnotes,
            noted: HashSet::new(),
            footnote_order,
            in_note: false,
            repeat_budget: size.saturating_mul(2).max(1 << 16),
            section_level: 0,
            meta: BTreeMap::new(),
        }
    }

    fn diag(&mut self, level: Level, msg: String, e: &Element) {
        self.diags.push(Diagnostic::new(level, msg, e.line));
    }

    fn lossy(&mut self, e: &Element, why: &str) {
        let msg = format!("pandoc-json: {} {why}", e.kind.name());
        self.diag(Level::Info, msg, e);
    }

    // ----- blocks -----

    fn document(&mut self, doc: &'a Element, out: &mut Vec<Block>) {
        for child in &doc.children {
            match child {
                Node::Element(e) if e.kind == Kind::Title => {
                    let t = self.inlines(e);
                    self.meta.insert("title".into(), MetaValue::MetaInlines(t));
                }
                Node::Element(e) if e.kind == Kind::Subtitle => {
                    let t = self.inlines(e);
                    self.meta
                        .insert("subtitle".into(), MetaValue::MetaInlines(t));
                }
                _ => self.node_block(child, out),
            }
        }
    }

    fn blocks(&mut self, e: &'a Element) -> Vec<Block> {
        let mut out = Vec::new();
        self.children_blocks(e, &mut out);
        out
    }

    fn children_blocks(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        for child in &e.children {
            self.node_block(child, out);
        }
    }

    fn node_block(&mut self, n: &'a Node, out: &mut Vec<Block>) {
        match n {
            Node::Text(t) => {
                let inl = tokens(t);
                if !inl.is_empty() {
                    out.push(Block::Plain(inl));
                }
            }
            Node::Element(e) => self.block(e, out),
        }
    }

    /// Dispatch only: every arm is a call, so this frame stays small on
    /// the recursion path (deeply nested input must fit a 2 MiB stack).
    fn block(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        use Kind::{
            Admonition, Attention, Attribution, Authors, BlockQuote, BulletList, Caution, Citation,
            Colspec, Comment, Compound, Container, Danger, Decoration, Definition, DefinitionList,
            DefinitionListItem, Description, Docinfo, DoctestBlock, Document, Entry,
            EnumeratedList, Error, Field, FieldBody, FieldList, Figure, Footer, Footnote, Header,
            Hint, Image, Important, Legend, LineBlock, ListItem, LiteralBlock, MathBlock, Meta,
            Note, OptionList, OptionListItem, Paragraph, Pending, Raw, Row, Rubric, Section,
            Sidebar, SubstitutionDefinition, Subtitle, SystemMessage, Table, Target, Tbody, Tgroup,
            Thead, Tip, Title, Topic, Transition, Warning,
        };
        if !matches!(e.kind, Section | Target) && e.attrs.ids.len() > 1 {
            self.extra_anchors(e, out);
        }
        match e.kind {
            Section => self.section(e, out),
            Paragraph | Title | Subtitle | Rubric | Attribution | LiteralBlock | DoctestBlock
            | MathBlock | Transition | Image => self.leaf_block(e, out),
            BlockQuote => self.block_quote(e, out),
            BulletList | EnumeratedList | DefinitionList | FieldList | Docinfo | OptionList
            | LineBlock => self.list(e, out),
            Admonition | Attention | Caution | Danger | Error | Hint | Important | Note | Tip
            | Warning => self.admonition(e, out),
            Topic | Sidebar => self.topic(e, out),
            Compound | Container | Legend => self.div_block(e, out),
            Figure => self.figure(e, out),
            Table => self.table(e, out),
            // Written where referenced, as a note; the rest at the end.
            Footnote => {}
            Citation => self.labelled(e, "citation", "doc-biblioentry", out),
            Raw => self.raw_block(e, out),
            Comment => self.comment(e, out),
            Target => self.block_target(e, out),
            SubstitutionDefinition | Colspec => {}
            Meta => self.meta_directive(e),
            SystemMessage => self.system_message(e, out),
            Pending => self.lossy(e, "left by an unapplied transform; dropped"),
            Decoration | Header | Footer => self.lossy(e, "(page decoration) dropped"),
            Document => {
                self.lossy(e, "nested; written as its body");
                self.children_blocks(e, out);
            }
            ListItem | Definition | FieldBody | Description | Entry | OptionListItem
            | DefinitionListItem | Field | Row | Tbody | Thead | Tgroup | Authors => {
                self.children_blocks(e, out);
            }
            k if is_text_element(k) || is_inline_kind(k) => self.stray_inline(e, out),
            _ => self.children_blocks(e, out),
        }
    }

    fn extra_anchors(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        out.extend(extra_ids(e).map(|id| Block::Plain(vec![anchor(id)])));
    }

    /// Blocks holding text only (no nested blocks).
    fn leaf_block(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let block = match e.kind {
            Kind::Paragraph => Block::Para(self.inlines(e)),
            Kind::Title | Kind::Rubric => Block::Para(vec![Inline::Strong(self.inlines(e))]),
            Kind::Subtitle => Block::Para(vec![Inline::Emph(self.inlines(e))]),
            Kind::Attribution => {
                let mut inl = vec![Inline::Str("\u{2014}".into())];
                inl.extend(self.inlines(e));
                Block::Para(inl)
            }
            Kind::LiteralBlock => return out.push(self.literal_block(e)),
            Kind::DoctestBlock => {
                let a = attr_with(e, &["python", "doctest"]);
                return out.push(Block::CodeBlock(a, e.astext()));
            }
            Kind::MathBlock => Block::Para(vec![self.math_block(e)]),
            Kind::Image => return out.push(Block::Para(vec![self.image(e)])),
            _ => return out.push(Block::HorizontalRule),
        };
        out.push(with_div(e, block));
    }

    fn list(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let list = match e.kind {
            Kind::BulletList => Block::BulletList(self.list_items(e)),
            Kind::EnumeratedList => Block::OrderedList(list_attributes(e), self.list_items(e)),
            Kind::DefinitionList => Block::DefinitionList(self.definition_items(e)),
            Kind::FieldList => Block::DefinitionList(self.field_items(e)),
            Kind::Docinfo => {
                self.docinfo_meta(e);
                let list = Block::DefinitionList(self.field_items(e));
                return out.push(div(attr_with(e, &["docinfo"]), vec![list]));
            }
            Kind::OptionList => Block::DefinitionList(self.option_items(e)),
            _ => {
                let mut lines = Vec::new();
                self.line_block(e, 0, &mut lines);
                Block::LineBlock(lines)
            }
        };
        out.push(with_div(e, list));
    }

    fn div_block(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let class = e.kind.name();
        let blocks = self.blocks(e);
        out.push(div(attr_with(e, &[class]), blocks));
    }

    /// Inline markup where a block belongs (a linked image, a stray
    /// label): a paragraph of it, as pandoc's reader makes images.
    fn stray_inline(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let mut inl = Vec::new();
        self.inline_element(e, &mut inl);
        trim(&mut inl);
        if !inl.is_empty() {
            out.push(Block::Para(inl));
        }
    }

    fn section(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        self.section_level += 1;
        let mut a = attr(e);
        let mut title = Vec::new();
        title.extend(extra_ids(e).map(|id| anchor(id)));
        let mut rest = e.children.iter();
        if let Some(Node::Element(t)) = e.children.first()
            && t.kind == Kind::Title
        {
            rest.next();
            a.1.extend(t.attrs.classes.iter().cloned());
            let inl = self.inlines(t);
            match t.get("refid") {
                Some(id) => {
                    let attr = (
                        String::new(),
                        vec!["toc-backref".to_owned()],
                        vec![("role".to_owned(), "doc-backlink".to_owned())],
                    );
                    title.push(link(attr, inl, format!("#{id}")));
                }
                None => title.extend(inl),
            }
        }
        out.push(Block::Header(self.section_level, a, title));
        for child in rest {
            self.node_block(child, out);
        }
        self.section_level -= 1;
    }

    fn block_quote(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let q = Block::BlockQuote(self.blocks(e));
        out.push(with_div(e, q));
    }

    /// Items of a list; items of a compact ("simple") list are `Plain`.
    fn list_items(&mut self, e: &'a Element) -> Vec<Vec<Block>> {
        let simple = e
            .elements()
            .filter(|c| c.kind == Kind::ListItem)
            .all(is_simple_item);
        let mut items = Vec::new();
        for item in e.elements() {
            let mut blocks = Vec::new();
            if item.kind == Kind::ListItem {
                self.children_blocks(item, &mut blocks);
                if simple && let Some(first) = blocks.first_mut() {
                    para_to_plain(first);
                }
                if has_attr(item) {
                    blocks = vec![div(attr(item), blocks)];
                }
            } else {
                self.block(item, &mut blocks);
                if blocks.is_empty() {
                    continue;
                }
            }
            items.push(blocks);
        }
        items
    }

    fn definition_items(&mut self, e: &'a Element) -> Vec<(Vec<Inline>, Vec<Vec<Block>>)> {
        let mut items = Vec::new();
        for item in e.elements() {
            if item.kind != Kind::DefinitionListItem {
                continue;
            }
            let mut term = Vec::new();
            let mut defs = Vec::new();
            for part in item.elements() {
                match part.kind {
                    Kind::Term => {
                        if !term.is_empty() {
                            term.push(Inline::LineBreak);
                        }
                        term.extend(extra_ids(part).map(|id| anchor(id)));
                        let inl = self.inlines(part);
                        term.extend(span_or_plain(part, inl));
                    }
                    Kind::Classifier => {
                        term.push(Inline::Space);
                        term.push(Inline::Str(":".into()));
                        term.push(Inline::Space);
                        let inl = self.inlines(part);
                        term.push(Inline::Span(attr_with(part, &["classifier"]), inl));
                    }
                    Kind::Definition => defs.push(self.blocks(part)),
                    _ => {
                        let mut blocks = Vec::new();
                        self.block(part, &mut blocks);
                        if !blocks.is_empty() {
                            defs.push(blocks);
                        }
                    }
                }
            }
            items.push((term, defs));
        }
        items
    }

    /// Field lists and docinfo: names end with a colon, as docutils shows them.
    fn field_items(&mut self, e: &'a Element) -> Vec<(Vec<Inline>, Vec<Vec<Block>>)> {
        let mut items = Vec::new();
        for field in e.elements() {
            let mut name = Vec::new();
            let mut body = Vec::new();
            match field.kind {
                Kind::Field => {
                    for part in field.elements() {
                        match part.kind {
                            Kind::FieldName => name = self.inlines(part),
                            _ => self.children_blocks(part, &mut body),
                        }
                    }
                }
                Kind::Authors => {
                    name = vec![Inline::Str(label("authors").into())];
                    for a in field.elements() {
                        body.push(Block::Para(self.inlines(a)));
                    }
                }
                k if is_text_element(k) => {
                    name = vec![Inline::Str(label(k.name()).into())];
                    let inl = self.inlines(field);
                    body.push(if k == Kind::Address {
                        Block::CodeBlock(class_attr(&["address"]), field.astext())
                    } else {
                        Block::Para(inl)
                    });
                }
                _ => continue,
            }
            name.push(Inline::Str(":".into()));
            let body = if is_simple_field(field) {
                compact(body)
            } else {
                body
            };
            items.push((name, vec![body]));
        }
        items
    }

    /// Docinfo fields pandoc knows (author, date, ...) go to the metadata
    /// too, unless the post says otherwise.
    fn docinfo_meta(&mut self, e: &'a Element) {
        let mut authors = Vec::new();
        for item in e.elements() {
            let value = match item.kind {
                Kind::Author => {
                    authors.push(MetaValue::MetaInlines(self.inlines(item)));
                    continue;
                }
                Kind::Authors => {
                    for a in item.elements() {
                        authors.push(MetaValue::MetaInlines(self.inlines(a)));
                    }
                    continue;
                }
                Kind::Date | Kind::Copyright | Kind::Version | Kind::Organization => {
                    MetaValue::MetaInlines(self.inlines(item))
                }
                _ => continue,
            };
            self.meta.entry(item.kind.name().into()).or_insert(value);
        }
        if !authors.is_empty() {
            self.meta
                .entry("author".into())
                .or_insert(MetaValue::MetaList(authors));
        }
    }

    fn option_items(&mut self, e: &'a Element) -> Vec<(Vec<Inline>, Vec<Vec<Block>>)> {
        let mut items = Vec::new();
        for item in e.elements() {
            let mut term = Vec::new();
            let mut defs = Vec::new();
            for part in item.elements() {
                match part.kind {
                    Kind::OptionGroup => {
                        let mut text = String::new();
                        for (i, opt) in part.elements().enumerate() {
                            if i > 0 {
                                text.push_str(", ");
                            }
                            option_text(opt, &mut text);
                        }
                        term.push(Inline::Code(class_attr(&["option"]), text));
                    }
                    _ => defs.push(self.blocks(part)),
                }
            }
            items.push((term, defs));
        }
        items
    }

    fn line_block(&mut self, e: &'a Element, depth: usize, lines: &mut Vec<Vec<Inline>>) {
        for child in e.elements() {
            match child.kind {
                Kind::LineBlock => self.line_block(child, depth + 1, lines),
                _ => {
                    let mut line = Vec::new();
                    if depth > 0 {
                        line.push(Inline::Str("\u{a0}".repeat(depth * 4)));
                    }
                    let inl = self.inlines(child);
                    match (line.last_mut(), inl.first()) {
                        (Some(Inline::Str(pad)), Some(Inline::Str(_))) => {
                            let mut it = inl.into_iter();
                            if let Some(Inline::Str(w)) = it.next() {
                                pad.push_str(&w);
                            }
                            line.extend(it);
                        }
                        _ => line.extend(inl),
                    }
                    lines.push(line);
                }
            }
        }
    }

    fn literal_block(&mut self, e: &'a Element) -> Block {
        let code = has_class(e, "code");
        let mut text = String::new();
        let mut first_line: Option<String> = None;
        for child in &e.children {
            match child {
                Node::Text(t) => text.push_str(t),
                // Line numbers are not part of the code.
                Node::Element(c) if code && c.kind == Kind::Inline && c.attrs.classes == ["ln"] => {
                    if first_line.is_none() {
                        first_line = Some(c.astext().trim().to_owned());
                    }
                }
                Node::Element(c) => text.push_str(&c.astext()),
            }
        }
        let mut a = attr(e);
        a.1.retain(|c| c != "code");
        if let Some(start) = first_line {
            a.1.push("numberLines".into());
            if start != "1" && !start.is_empty() {
                a.2.push(("startFrom".into(), start));
            }
        }
        Block::CodeBlock(a, text)
    }

    fn math_block(&mut self, e: &'a Element) -> Inline {
        let code = e.astext();
        let code = if super::needs_aligned(&code) {
            format!("\\begin{{aligned}}\n{code}\n\\end{{aligned}}")
        } else {
            code
        };
        Inline::Math(MathType::DisplayMath, code)
    }

    fn admonition(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let mut blocks = Vec::new();
        let mut rest = e.children.iter();
        let a = if e.kind == Kind::Admonition {
            if let Some(Node::Element(t)) = e.children.first()
                && t.kind == Kind::Title
            {
                rest.next();
                let title = self.inlines(t);
                blocks.push(div(class_attr(&["title"]), vec![Block::Para(title)]));
            }
            attr_with(e, &["admonition"])
        } else {
            let name = e.kind.name();
            let title = vec![Inline::Str(label(name).into())];
            blocks.push(div(class_attr(&["title"]), vec![Block::Para(title)]));
            attr_with(e, &[name])
        };
        for child in rest {
            self.node_block(child, &mut blocks);
        }
        out.push(div(a, blocks));
    }

    fn topic(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let class = e.kind.name();
        let mut blocks = Vec::new();
        for child in &e.children {
            match child {
                Node::Element(t) if t.kind == Kind::Title => {
                    let mut inl = self.inlines(t);
                    if has_class(e, "contents") {
                        inl = vec![link(no_attr(), inl, "#top".into())];
                    }
                    let title = Block::Para(vec![Inline::Strong(inl)]);
                    blocks.push(with_div(t, title));
                }
                _ => self.node_block(child, &mut blocks),
            }
        }
        out.push(div(attr_with(e, &[class]), blocks));
    }

    fn figure(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let mut body = Vec::new();
        let mut caption = Vec::new();
        for child in e.elements() {
            match child.kind {
                Kind::Caption => caption.push(Block::Plain(self.inlines(child))),
                Kind::Legend => caption.extend(self.blocks(child)),
                Kind::Image => body.push(Block::Plain(vec![self.image(child)])),
                Kind::Reference => {
                    let mut inl = Vec::new();
                    self.inline_element(child, &mut inl);
                    body.push(Block::Plain(inl));
                }
                _ => self.block(child, &mut body),
            }
        }
        let mut a = attr(e);
        if let Some(align) = e.get("align").filter(|s| !s.is_empty()) {
            a.1.push(format!("align-{align}"));
        }
        if let Some(w) = e.get("width") {
            a.2.push(("width".into(), w.to_owned()));
        }
        out.push(Block::Figure(a, (None, caption), body));
    }

    fn table(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let mut caption = Vec::new();
        let mut colspecs = Vec::new();
        let mut head = Vec::new();
        let mut bodies = Vec::new();
        let given = has_class(e, "colwidths-given");
        for child in e.elements() {
            match child.kind {
                Kind::Title => caption.push(Block::Plain(self.inlines(child))),
                Kind::Tgroup => {
                    let specs: Vec<&Element> = child
                        .elements()
                        .filter(|c| c.kind == Kind::Colspec)
                        .collect();
                    let widths: Vec<f64> = specs
                        .iter()
                        .map(|c| {
                            c.get("colwidth")
                                .and_then(|w| w.trim().parse().ok())
                                .filter(|w: &f64| w.is_finite() && *w >= 0.0)
                                .unwrap_or(1.0)
                        })
                        .collect();
                    let total: f64 = widths.iter().sum();
                    for (spec, w) in specs.iter().zip(&widths) {
                        let width = if given && total > 0.0 {
                            ColWidth::ColWidth(w / total)
                        } else {
                            ColWidth::ColWidthDefault
                        };
                        colspecs.push((col_align(spec), width));
                    }
                    let stubs = specs
                        .iter()
                        .take_while(|c| c.get("stub").is_some_and(|s| s != "0"))
                        .count();
                    for part in child.elements() {
                        match part.kind {
                            Kind::Thead => head.extend(self.rows(part)),
                            Kind::Tbody => {
                                let rows = self.rows(part);
                                bodies.push((attr(part), stubs, Vec::new(), rows));
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let mut a = attr(e);
        // docutils' own bookkeeping, now in the column specs.
        a.1.retain(|c| c != "colwidths-given" && c != "colwidths-auto");
        if let Some(align) = e.get("align") {
            a.1.push(format!("align-{align}"));
        }
        if let Some(w) = e.get("width") {
            a.2.push(("width".into(), w.to_owned()));
        }
        out.push(Block::Table(Box::new((
            a,
            (None, caption),
            colspecs,
            (no_attr(), head),
            bodies,
            (no_attr(), Vec::new()),
        ))));
    }

    fn rows(&mut self, part: &'a Element) -> Vec<Row> {
        let mut rows = Vec::new();
        for row in part.elements().filter(|r| r.kind == Kind::Row) {
            let mut cells = Vec::new();
            for entry in row.elements().filter(|c| c.kind == Kind::Entry) {
                let blocks = compact(self.blocks(entry));
                let rowspan = span_count(entry, "morerows");
                let colspan = span_count(entry, "morecols");
                cells.push((attr(entry), Align::AlignDefault, rowspan, colspan, blocks));
            }
            rows.push((attr(row), cells));
        }
        rows
    }

    /// A footnote or citation label in brackets, linking back to its
    /// reference(s) as docutils' HTML writer does.
    fn label_inlines(&mut self, e: &'a Element, label: &'a Element) -> Vec<Inline> {
        let text = self.inlines(label);
        let mut inl = vec![Inline::Str("[".into())];
        match e.attrs.backrefs.as_slice() {
            [one] => inl.push(backlink(text, one)),
            _ => inl.extend(text),
        }
        inl.push(Inline::Str("]".into()));
        let mut out = vec![Inline::Span(class_attr(&["label"]), inl)];
        if e.attrs.backrefs.len() > 1 {
            let mut refs = vec![Inline::Str("(".into())];
            for (i, r) in e.attrs.backrefs.iter().enumerate() {
                if i > 0 {
                    refs.push(Inline::Str(",".into()));
                }
                refs.push(backlink(vec![Inline::Str((i + 1).to_string())], r));
            }
            refs.push(Inline::Str(")".into()));
            out.push(Inline::Space);
            out.push(Inline::Span(class_attr(&["backrefs"]), refs));
        }
        out
    }

    /// A citation, or a footnote that no reference turned into a note.
    fn labelled(&mut self, e: &'a Element, class: &str, role: &str, out: &mut Vec<Block>) {
        let mut blocks = Vec::new();
        for child in &e.children {
            match child {
                Node::Element(l) if l.kind == Kind::Label => {
                    let inl = self.label_inlines(e, l);
                    blocks.push(Block::Plain(inl));
                }
                _ => self.node_block(child, &mut blocks),
            }
        }
        let mut a = attr_with(e, &[class]);
        a.2.push(("role".into(), role.into()));
        out.push(div(a, blocks));
    }

    fn leftover_footnotes(&mut self, out: &mut Vec<Block>) {
        let order = std::mem::take(&mut self.footnote_order);
        for f in order {
            let noted = f
                .attrs
                .ids
                .iter()
                .any(|id| self.noted.contains(id.as_str()));
            if !noted {
                self.labelled(f, "footnote", "doc-footnote", out);
            }
        }
    }

    fn raw_block(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let text = e.astext();
        for format in e.get("format").unwrap_or("").split_whitespace() {
            out.push(Block::RawBlock(format.to_owned(), text.clone()));
        }
    }

    fn comment(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        if has_class(e, "teaser-end") {
            // Nikola's teaser break, kept for HTML-based outputs.
            out.push(Block::RawBlock("html".into(), "<!-- TEASER_END -->".into()));
        } else if let Some(kind) = e.get(".embed") {
            let msg = format!("pandoc-json: {kind} directive (built by Nikola) dropped");
            self.diag(Level::Info, msg, e);
        }
    }

    fn block_target(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let resolved = ["refuri", "refid", "refname"]
            .iter()
            .any(|k| e.get(k).is_some());
        if resolved || e.attrs.ids.is_empty() {
            return;
        }
        let mut inl: Vec<Inline> = e.attrs.ids.iter().map(|id| anchor(id)).collect();
        if let Some(Inline::Span(a, _)) = inl.first_mut() {
            a.1 = e.attrs.classes.to_vec();
            a.1.insert(0, "target".into());
        }
        out.push(Block::Plain(inl));
    }

    fn meta_directive(&mut self, e: &'a Element) {
        if let (Some(name), Some(content)) = (e.get("name"), e.get("content")) {
            self.meta
                .entry(name.to_owned())
                .or_insert_with(|| MetaValue::MetaString(content.to_owned()));
        }
    }

    fn system_message(&mut self, e: &'a Element, out: &mut Vec<Block>) {
        let mut title = Vec::new();
        let ty = e.get("type").unwrap_or("ERROR");
        let level = e.get("level").unwrap_or("3");
        push_text(&mut title, &format!("System Message: {ty}/{level} ("));
        title.push(Inline::Code(
            no_attr(),
            e.get("source").unwrap_or("").into(),
        ));
        if let Some(line) = e.get("line") {
            push_text(&mut title, &format!(", line {line}"));
        }
        push_text(&mut title, ")");
        match e.attrs.backrefs.as_slice() {
            [] => {}
            [one] => {
                push_text(&mut title, "; ");
                let l = link(no_attr(), tokens("backlink"), format!("#{one}"));
                title.push(Inline::Emph(vec![l]));
            }
            many => {
                push_text(&mut title, "; ");
                let mut em = tokens("backlinks: ");
                em.push(Inline::Space);
                for (i, r) in many.iter().enumerate() {
                    if i > 0 {
                        push_text(&mut em, ", ");
                    }
                    em.push(link(
                        no_attr(),
                        tokens(&(i + 1).to_string()),
                        format!("#{r}"),
                    ));
                }
                title.push(Inline::Emph(em));
            }
        }
        let mut blocks = vec![div(class_attr(&["title"]), vec![Block::Para(title)])];
        self.children_blocks(e, &mut blocks);
        out.push(div(attr_with(e, &["system-message"]), blocks));
    }

    // ----- inlines -----

    fn inlines(&mut self, e: &'a Element) -> Vec<Inline> {
        let mut out = Vec::new();
        self.children_inlines(e, &mut out);
        trim(&mut out);
        out
    }

    fn children_inlines(&mut self, e: &'a Element, out: &mut Vec<Inline>) {
        for child in &e.children {
            match child {
                Node::Text(t) => push_text(out, t),
                Node::Element(c) => self.inline_element(c, out),
            }
        }
    }

    /// Children inlines without trimming (inside inline markup, blanks
    /// at the edges are the reader's business).
    fn inner(&mut self, e: &'a Element) -> Vec<Inline> {
        let mut out = Vec::new();
        self.children_inlines(e, &mut out);
        out
    }

    fn inline_element(&mut self, e: &'a Element, out: &mut Vec<Inline>) {
        use Kind::{
            Abbreviation, Acronym, CitationReference, Comment, Emphasis, FootnoteReference,
            Generated, Image, Literal, Math, Pending, Problematic, Raw, Reference, Strong,
            Subscript, SubstitutionDefinition, SubstitutionReference, Superscript, Target,
            TitleReference,
        };
        if !matches!(e.kind, Target) {
            out.extend(extra_ids(e).map(|id| anchor(id)));
        }
        let wrap = |e: &Element, i: Inline| -> Inline {
            if has_attr(e) {
                Inline::Span(attr(e), vec![i])
            } else {
                i
            }
        };
        match e.kind {
            Emphasis => out.push(wrap(e, Inline::Emph(self.inner(e)))),
            Strong => out.push(wrap(e, Inline::Strong(self.inner(e)))),
            Subscript => out.push(wrap(e, Inline::Subscript(self.inner(e)))),
            Superscript => out.push(wrap(e, Inline::Superscript(self.inner(e)))),
            TitleReference => out.push(Inline::Span(attr_with(e, &["title-ref"]), self.inner(e))),
            Abbreviation | Acronym => {
                let mut a = attr_with(e, &[e.kind.name()]);
                if let Some(x) = e.get("explanation") {
                    a.2.push(("title".into(), x.to_owned()));
                }
                out.push(Inline::Span(a, self.inner(e)));
            }
            Literal => {
                let mut a = attr(e);
                a.1.retain(|c| c != "code");
                out.push(Inline::Code(a, e.astext().replace('\n', " ")));
            }
            Math => out.push(wrap(e, Inline::Math(MathType::InlineMath, e.astext()))),
            Kind::Inline => out.push(Inline::Span(attr(e), self.inner(e))),
            Reference => self.reference(e, out),
            FootnoteReference => self.footnote_reference(e, out),
            CitationReference => {
                let mut a = attr_with(e, &["citation-reference"]);
                a.2.push(("role".into(), "doc-biblioref".into()));
                let mut inl = vec![Inline::Str("[".into())];
                inl.extend(self.inner(e));
                push_text(&mut inl, "]");
                let href = e
                    .get("refid")
                    .map(|id| format!("#{id}"))
                    .unwrap_or_default();
                out.push(link(a, inl, href));
            }
            Image => out.push(self.image(e)),
            Raw => {
                let text = e.astext();
                for format in e.get("format").unwrap_or("").split_whitespace() {
                    out.push(Inline::RawInline(format.to_owned(), text.clone()));
                }
            }
            Target => {
                let resolved = ["refuri", "refid", "refname"]
                    .iter()
                    .any(|k| e.get(k).is_some());
                if resolved {
                    self.children_inlines(e, out);
                } else {
                    out.extend(extra_ids(e).map(|id| anchor(id)));
                    out.push(Inline::Span(attr_with(e, &["target"]), self.inner(e)));
                }
            }
            Problematic => {
                let span = Inline::Span(attr_with(e, &["problematic"]), self.inner(e));
                match e.get("refid") {
                    Some(id) => out.push(link(no_attr(), vec![span], format!("#{id}"))),
                    None => out.push(span),
                }
            }
            Generated => {
                if has_class(e, "sectnum") {
                    let text = e.astext();
                    let mut inl = tokens(text.trim_end_matches('\u{a0}'));
                    inl.push(Inline::Space);
                    out.push(Inline::Span(class_attr(&["sectnum"]), inl));
                } else {
                    self.children_inlines(e, out);
                }
            }
            SubstitutionReference => {
                self.lossy(e, "unresolved; written as its text");
                self.children_inlines(e, out);
            }
            Comment | SubstitutionDefinition | Pending => {}
            k if is_text_element(k) => {
                let inl = self.inner(e);
                out.extend(span_or_plain(e, inl));
            }
            _ => {
                // A body element where text belongs: keep its words.
                self.lossy(e, "inside inline text; written as its text");
                push_text(out, &e.astext());
            }
        }
    }

    fn reference(&mut self, e: &'a Element, out: &mut Vec<Inline>) {
        let content = self.inner(e);
        let url = match (e.get("refuri"), e.get("refid")) {
            (Some(uri), _) => uri.to_owned(),
            (None, Some(id)) => format!("#{id}"),
            (None, None) => {
                self.diag(
                    Level::Warning,
                    "pandoc-json: reference without refuri or refid; written as its text".into(),
                    e,
                );
                out.extend(span_or_plain(e, content));
                return;
            }
        };
        out.push(link(attr(e), content, url));
    }

    fn footnote_reference(&mut self, e: &'a Element, out: &mut Vec<Inline>) {
        let footnote = e
            .get("refid")
            .and_then(|id| self.footnotes.get(id).copied());
        let Some((f, size)) = footnote else {
            self.diag(
                Level::Warning,
                "pandoc-json: footnote reference without its footnote; written as its label".into(),
                e,
            );
            let mut inl = vec![Inline::Str("[".into())];
            inl.extend(self.inner(e));
            push_text(&mut inl, "]");
            out.push(Inline::Superscript(inl));
            return;
        };
        let first = f
            .attrs
            .ids
            .iter()
            .all(|id| !self.noted.contains(id.as_str()));
        let affordable = first || size <= self.repeat_budget;
        if self.in_note || !affordable {
            // pandoc has no nested notes; link to the footnote instead.
            let attr = (
                String::new(),
                vec!["footnote-reference".to_owned()],
                vec![("role".to_owned(), "doc-noteref".to_owned())],
            );
            let label = vec![Inline::Superscript(self.inner(e))];
            let href = e
                .get("refid")
                .map(|id| format!("#{id}"))
                .unwrap_or_default();
            out.push(link(attr, label, href));
            return;
        }
        if !first {
            self.repeat_budget -= size;
        }
        for id in &f.attrs.ids {
            self.noted.insert(id.as_str());
        }
        self.in_note = true;
        let mut blocks = Vec::new();
        for child in &f.children {
            match child {
                Node::Element(l) if l.kind == Kind::Label => {}
                _ => self.node_block(child, &mut blocks),
            }
        }
        self.in_note = false;
        out.push(Inline::Note(blocks));
    }

    fn image(&mut self, e: &'a Element) -> Inline {
        let uri = e.get("uri").unwrap_or("");
        let alt = tokens(e.get("alt").unwrap_or(uri));
        let mut a = attr(e);
        if let Some(align) = e.get("align") {
            a.1.push(format!("align-{align}"));
        }
        let scale = e
            .get("scale")
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(|s| s / 100.0);
        for dim in ["width", "height"] {
            if let Some(v) = e.get(dim) {
                a.2.push((dim.to_owned(), scaled(v, scale)));
            }
        }
        if e.get("scale").is_some() && (e.get("width").is_none() || e.get("height").is_none()) {
            let msg = format!("pandoc-json: image {uri:?}: scale applies to given sizes only");
            self.diag(Level::Info, msg, e);
        }
        Inline::Image(a, alt, (uri.to_owned(), String::new()))
    }
}

/// A length times a scale (`300px` at 50% is `150px`); other text as is.
fn scaled(value: &str, scale: Option<f64>) -> String {
    let v = value.trim();
    let Some(s) = scale else {
        return v.to_owned();
    };
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    match num.parse::<f64>() {
        Ok(n) => {
            let n = n * s;
            if unit.is_empty() || unit == "px" {
                format!("{}{unit}", n.round() as i64)
            } else {
                format!("{n}{unit}")
            }
        }
        Err(_) => v.to_owned(),
    }
}

fn col_align(spec: &Element) -> Align {
    match spec.get("align") {
        Some("left") => Align::AlignLeft,
        Some("right") => Align::AlignRight,
        Some("center") => Align::AlignCenter,
        _ => Align::AlignDefault,
    }
}

fn list_attributes(e: &Element) -> (i64, NumberStyle, NumberDelim) {
    let start = e
        .get("start")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(1);
    let style = match e.get("enumtype") {
        Some("arabic") => NumberStyle::Decimal,
        Some("loweralpha") => NumberStyle::LowerAlpha,
        Some("upperalpha") => NumberStyle::UpperAlpha,
        Some("lowerroman") => NumberStyle::LowerRoman,
        Some("upperroman") => NumberStyle::UpperRoman,
        _ => NumberStyle::DefaultStyle,
    };
    let delim = match (e.get("prefix").unwrap_or(""), e.get("suffix").unwrap_or("")) {
        ("(", ")") => NumberDelim::TwoParens,
        (_, ")") => NumberDelim::OneParen,
        (_, ".") => NumberDelim::Period,
        _ => NumberDelim::DefaultDelim,
    };
    (start, style, delim)
}

/// `-o FILE`: an option's strings and arguments as written.
fn option_text(opt: &Element, out: &mut String) {
    for part in opt.elements() {
        if part.kind == Kind::OptionArgument {
            out.push_str(part.get("delimiter").unwrap_or(" "));
        }
        out.push_str(&part.astext());
    }
}

fn is_invisible(k: Kind) -> bool {
    matches!(
        k,
        Kind::Comment | Kind::Pending | Kind::SubstitutionDefinition | Kind::Target
    )
}

/// At most one paragraph, then only nested lists (docutils' compact lists).
fn is_simple_item(item: &Element) -> bool {
    let mut paragraphs = 0;
    for c in item.elements().filter(|c| !is_invisible(c.kind)) {
        match c.kind {
            Kind::Paragraph if paragraphs == 0 => paragraphs += 1,
            Kind::BulletList | Kind::EnumeratedList if paragraphs == 1 => {}
            _ => return false,
        }
    }
    true
}

fn is_simple_field(field: &Element) -> bool {
    match field.kind {
        Kind::Field => field
            .elements()
            .filter(|p| p.kind == Kind::FieldBody)
            .all(|b| b.elements().filter(|c| !is_invisible(c.kind)).count() <= 1),
        _ => true,
    }
}

/// Length of the text under an element, without building it.
fn text_len(e: &Element) -> usize {
    e.children
        .iter()
        .map(|c| match c {
            Node::Text(t) => t.len(),
            Node::Element(c) => text_len(c),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(kind: Kind) -> Element {
        Element::new(kind)
    }

    fn para(text: &str) -> Element {
        el(Kind::Paragraph).with_text(text)
    }

    fn doc(children: Vec<Element>) -> Element {
        let mut d = el(Kind::Document);
        for c in children {
            d.push(c);
        }
        d
    }

    fn render(d: &Element) -> (serde_json::Value, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let out = write(d, &Metadata::default(), &mut diags);
        (serde_json::from_str(&out).expect("valid JSON"), diags)
    }

    fn blocks(d: &Element) -> serde_json::Value {
        render(d).0["blocks"].clone()
    }

    #[test]
    fn words_spaces_and_soft_breaks() {
        let t = tokens(" a  b\nc\u{a0}d\t");
        assert_eq!(
            t,
            [
                Inline::Str("a".into()),
                Inline::Space,
                Inline::Str("b".into()),
                Inline::SoftBreak,
                Inline::Str("c\u{a0}d".into()),
            ]
        );
    }

    #[test]
    fn pandoc_json_shape() {
        let mut diags = Vec::new();
        let out = write(
            &doc(vec![para("hi there")]),
            &Metadata::default(),
            &mut diags,
        );
        assert_eq!(
            out,
            "{\"pandoc-api-version\":[1,23,1],\"meta\":{},\"blocks\":[{\"t\":\"Para\",\"c\":[{\"t\":\"Str\",\"c\":\"hi\"},{\"t\":\"Space\"},{\"t\":\"Str\",\"c\":\"there\"}]}]}\n"
        );
    }

    #[test]
    fn sections_are_headers_by_depth() {
        let mut inner = el(Kind::Section).with_child(el(Kind::Title).with_text("Inner"));
        inner.attrs.ids = vec!["inner".into(), "old-name".into()].into();
        let mut outer = el(Kind::Section)
            .with_child(el(Kind::Title).with_text("Outer"))
            .with_child(inner);
        outer.attrs.ids.push("outer".into());
        let b = blocks(&doc(vec![outer]));
        assert_eq!(b[0]["t"], "Header");
        assert_eq!(b[0]["c"][0], 1);
        assert_eq!(b[0]["c"][1][0], "outer");
        assert_eq!(b[1]["c"][0], 2);
        assert_eq!(b[1]["c"][1][0], "inner");
        // The second id survives as an empty anchor in the title.
        assert_eq!(b[1]["c"][2][0]["c"][0][0], "old-name");
    }

    fn footnote(id: &str, text: &str) -> Element {
        let mut f = el(Kind::Footnote)
            .with_child(el(Kind::Label).with_text("1"))
            .with_child(para(text));
        f.attrs.ids.push(id.into());
        f
    }

    fn footnote_ref(id: &str) -> Element {
        el(Kind::FootnoteReference)
            .with_attr("refid", id)
            .with_text("1")
    }

    #[test]
    fn footnote_reference_is_a_note_glued_to_its_word() {
        let p = el(Kind::Paragraph)
            .with_text("word ")
            .with_child(footnote_ref("f"))
            .with_text(" after");
        let b = blocks(&doc(vec![p, footnote("f", "the note")]));
        assert_eq!(b.as_array().map(Vec::len), Some(1), "{b}");
        let inl = &b[0]["c"];
        assert_eq!(inl[0]["c"], "word");
        assert_eq!(inl[1]["t"], "Note");
        assert_eq!(inl[1]["c"][0]["c"][0]["c"], "the");
        assert_eq!(inl[2]["t"], "Space");
    }

    #[test]
    fn footnote_citing_itself_does_not_recurse() {
        let mut f = footnote("f", "self ");
        f.push(el(Kind::Paragraph).with_child(footnote_ref("f")));
        let p = el(Kind::Paragraph).with_child(footnote_ref("f"));
        let b = blocks(&doc(vec![p, f]));
        let note = &b[0]["c"][0];
        assert_eq!(note["t"], "Note");
        // Inside the note the reference is a link back, not another note.
        assert_eq!(note["c"][1]["c"][0]["t"], "Link");
    }

    #[test]
    fn repeated_references_to_a_long_footnote_stay_linear() {
        let long = "word ".repeat(20_000);
        let mut p = el(Kind::Paragraph);
        for _ in 0..500 {
            p.push(footnote_ref("f"));
        }
        let d = doc(vec![p, footnote("f", &long)]);
        let mut diags = Vec::new();
        let out = write(&d, &Metadata::default(), &mut diags);
        // 500 full copies would be about 500 * 20000 Str tokens.
        assert!(out.len() < 40 * long.len(), "{} bytes", out.len());
    }

    #[test]
    fn unreferenced_footnote_is_kept_with_its_label() {
        let b = blocks(&doc(vec![footnote("lonely", "kept")]));
        assert_eq!(b[0]["t"], "Div");
        assert_eq!(b[0]["c"][0][0], "lonely");
        assert_eq!(b[0]["c"][1][0]["c"][0]["c"][1][0]["c"], "[1]");
    }

    #[test]
    fn ordered_list_attributes() {
        let list = el(Kind::EnumeratedList)
            .with_attr("enumtype", "loweralpha")
            .with_attr("prefix", "(")
            .with_attr("suffix", ")")
            .with_attr("start", "3")
            .with_child(el(Kind::ListItem).with_child(para("x")));
        let b = blocks(&doc(vec![list]));
        assert_eq!(
            b[0]["c"][0],
            serde_json::json!([3, {"t": "LowerAlpha"}, {"t": "TwoParens"}])
        );
        assert_eq!(b[0]["c"][1][0][0]["t"], "Plain");
    }

    fn table(given: bool) -> Element {
        let spec = |w: &str| el(Kind::Colspec).with_attr("colwidth", w);
        let mut cell = el(Kind::Entry).with_child(para("wide"));
        cell.set("morecols", "1");
        let row = el(Kind::Row).with_child(cell);
        let tgroup = el(Kind::Tgroup)
            .with_attr("cols", "2")
            .with_child(spec("1"))
            .with_child(spec("3"))
            .with_child(el(Kind::Tbody).with_child(row));
        let mut t = el(Kind::Table).with_child(tgroup);
        if given {
            t.attrs.classes.push("colwidths-given".into());
        }
        t
    }

    #[test]
    fn table_widths_only_when_given_and_spans() {
        let b = blocks(&doc(vec![table(false)]));
        assert_eq!(b[0]["c"][2][0][1]["t"], "ColWidthDefault");
        let cell = &b[0]["c"][4][0][3][0][1][0];
        assert_eq!(cell[2], 1);
        assert_eq!(cell[3], 2);
        assert_eq!(cell[4][0]["t"], "Plain");
        let b = blocks(&doc(vec![table(true)]));
        assert_eq!(
            b[0]["c"][2][1][1],
            serde_json::json!({"t": "ColWidth", "c": 0.75})
        );
    }

    #[test]
    fn metadata_kinds() {
        let meta = Metadata {
            title: Some("A  title".into()),
            tags: vec!["a".into(), "b".into()],
            author: Some("Jo".into()),
            slug: Some("a-title".into()),
            ..Metadata::default()
        };
        let mut diags = Vec::new();
        let out = write(&doc(vec![]), &meta, &mut diags);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        let m = &v["meta"];
        assert_eq!(m["title"]["t"], "MetaInlines");
        assert_eq!(m["title"]["c"][1]["t"], "Space");
        assert_eq!(
            m["tags"]["c"][1],
            serde_json::json!({"t": "MetaString", "c": "b"})
        );
        assert_eq!(m["author"]["c"][0]["t"], "MetaInlines");
        assert_eq!(m["slug"]["c"], "a-title");
    }

    #[test]
    fn lossy_constructs_are_reported() {
        let (_, diags) = render(&doc(vec![el(Kind::Pending)]));
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.starts_with("pandoc-json: pending"));
    }

    #[test]
    fn deepest_parse_fits_a_two_megabyte_stack() {
        // As the parser's own test: rayon threads have 2 MiB stacks.
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&" ".repeat(i * 2));
            text.push_str(match i % 4 {
                0 => "- x\n\n",
                1 => "1. y\n\n",
                2 => "> z [#]_\n\n",
                _ => ".. note:: n\n\n",
            });
        }
        text.push_str(".. [#] note\n");
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let opts = crate::Options::for_input(crate::InputKind::Rst);
                let conv = crate::convert(&text, None, &opts).expect("convert");
                let mut diags = Vec::new();
                write(&conv.document, &conv.meta, &mut diags)
            })
            .expect("thread")
            .join()
            .expect("no overflow");
        assert!(out.contains("BulletList"));
    }

    fn from_rst(text: &str) -> serde_json::Value {
        let opts = crate::Options::for_input(crate::InputKind::Rst);
        let conv = crate::convert(text, None, &opts).expect("convert");
        let mut diags = Vec::new();
        let out = write(&conv.document, &conv.meta, &mut diags);
        serde_json::from_str(&out).expect("json")
    }

    #[test]
    fn linked_images_are_links_around_images() {
        let v = from_rst(
            ".. image:: a.png\n   :target: http://x.org/\n   :width: 10px\n\n\
             See |s|.\n\n.. |s| image:: s.png\n   :target: http://s.org/\n",
        );
        let b = &v["blocks"];
        assert_eq!(b[0]["t"], "Para");
        let link = &b[0]["c"][0];
        assert_eq!(link["t"], "Link");
        assert_eq!(link["c"][2][0], "http://x.org/");
        assert_eq!(link["c"][1][0]["t"], "Image");
        assert_eq!(
            link["c"][1][0]["c"][0][2][0],
            serde_json::json!(["width", "10px"])
        );
        let sub = &b[1]["c"][2];
        assert_eq!(sub["t"], "Link");
        assert_eq!(sub["c"][1][0]["c"][2][0], "s.png");
    }

    #[test]
    fn document_title_and_docinfo_are_metadata() {
        let v = from_rst("=====\nTitle\n=====\n\n:Author: Jo\n:Date: 2020\n\nBody.\n");
        assert_eq!(v["meta"]["title"]["c"][0]["c"], "Title");
        assert_eq!(v["meta"]["author"]["c"][0]["c"][0]["c"], "Jo");
        assert_eq!(v["meta"]["date"]["t"], "MetaInlines");
        // The docinfo stays visible, as in docutils' HTML.
        assert_eq!(v["blocks"][0]["c"][0][1][0], "docinfo");
    }

    #[test]
    fn numbered_code_keeps_code_and_start() {
        let v = from_rst(".. code:: python\n   :number-lines: 5\n\n   x = 1\n   y = 2\n");
        let code = &v["blocks"][0];
        assert_eq!(code["t"], "CodeBlock");
        assert_eq!(
            code["c"][0][1],
            serde_json::json!(["python", "numberLines"])
        );
        assert_eq!(code["c"][0][2], serde_json::json!([["startFrom", "5"]]));
        assert_eq!(code["c"][1], "x = 1\ny = 2");
    }

    #[test]
    fn random_trees_do_not_panic() {
        const NAMES: &[&str] = &[
            "abbreviation",
            "admonition",
            "attribution",
            "author",
            "authors",
            "block_quote",
            "bullet_list",
            "caption",
            "citation",
            "citation_reference",
            "classifier",
            "colspec",
            "comment",
            "compound",
            "container",
            "date",
            "decoration",
            "definition",
            "definition_list",
            "definition_list_item",
            "docinfo",
            "doctest_block",
            "document",
            "emphasis",
            "entry",
            "enumerated_list",
            "field",
            "field_body",
            "field_list",
            "field_name",
            "figure",
            "footnote",
            "footnote_reference",
            "generated",
            "image",
            "inline",
            "label",
            "legend",
            "line",
            "line_block",
            "list_item",
            "literal",
            "literal_block",
            "math",
            "math_block",
            "meta",
            "note",
            "option",
            "option_argument",
            "option_group",
            "option_list",
            "option_list_item",
            "option_string",
            "paragraph",
            "pending",
            "problematic",
            "raw",
            "reference",
            "row",
            "rubric",
            "section",
            "sidebar",
            "strong",
            "substitution_reference",
            "subtitle",
            "system_message",
            "table",
            "target",
            "tbody",
            "term",
            "tgroup",
            "thead",
            "title",
            "title_reference",
            "topic",
            "transition",
            "warning",
        ];
        let mut seed = 12345u64;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % n.max(1)
        };
        fn build(next: &mut impl FnMut(usize) -> usize, depth: usize) -> Element {
            let kind = Kind::from_name(NAMES[next(NAMES.len())]).unwrap_or(Kind::Paragraph);
            let mut e = Element::new(kind);
            if next(3) == 0 {
                e.attrs.ids = vec!["a".into(), "b".into()].into();
                e.attrs.backrefs = vec!["r".into(), "s".into()].into();
            }
            for (k, v) in [
                ("refid", "a"),
                ("morecols", "x"),
                ("morerows", "99"),
                ("scale", "-1"),
            ] {
                if next(4) == 0 {
                    e.set(k, v);
                }
            }
            for _ in 0..next(4) {
                if depth < 6 && next(2) == 0 {
                    e.push(build(next, depth + 1));
                } else {
                    e.push(Node::Text(" x \n y ".into()));
                }
            }
            e
        }
        for _ in 0..300 {
            let d = doc(vec![build(&mut next, 0), build(&mut next, 0)]);
            let mut diags = Vec::new();
            let out = write(&d, &Metadata::default(), &mut diags);
            assert!(out.ends_with('\n'));
        }
    }
}
