//! The block-level state machine: a port of docutils' `states.py`
//! (`Body`, `Text`, `Line`, the list states, `QuotedLiteralBlock`, ...).
//!
//! A [`Machine`] walks a slice of lines; `pos` is the next unconsumed line.
//! Each construct consumes its lines and appends elements to the current
//! parent. docutils' nested list state machines (`BulletList`, `Explicit`,
//! ...) become loops that continue while the next line is another member.
//! Indented blocks recurse through [`Parser::nested_parse`], bounded by
//! `settings.max_depth` (a directive level counts twice: its frames are the
//! largest), so deep input gets an ERROR instead of a stack overflow.
//!
//! For directives: [`Parser::nested_parse`] parses content,
//! [`Parser::insert_input`] splices lines in after the directive (`include`),
//! [`Parser::parent_kind`] tells where the output goes, and
//! `DocState::{insert_front, decoration}` collect document-front elements.

mod explicit;
mod scan;
mod table;

use super::state::DocState;
use crate::doctree::{Element, Kind, Level, Node};
use scan::{EnumFormat, Pat, classify, is_blank, skip_chars};
use std::borrow::Cow;

pub use scan::{normalize_name, whitespace_normalize_name};

/// Parses a whole document into a `document` element.
pub fn parse_document(state: &mut DocState, text: &str) -> Element {
    let tab = state.settings.tab_width.max(1);
    let owned: Vec<Cow<str>> = split_lines(text)
        .map(|(l, ctl)| {
            if ctl {
                expand_line(l, tab)
            } else {
                Cow::Borrowed(l.trim_end())
            }
        })
        .collect();
    let lines: Vec<&str> = owned.iter().map(|l| l.as_ref()).collect();
    let mut doc = Element::new(Kind::Document).with_attr("source", state.settings.source.clone());
    let limit = state.settings.line_length_limit;
    if let Some(i) = lines.iter().position(|l| too_long(l, limit)) {
        let msg = format!("Line {} exceeds the line-length-limit.", i + 1);
        doc.push(state.system_message(Level::Error, &msg, None, Vec::new()));
        return doc;
    }
    let mut parser = Parser::new(state);
    let mut m = Machine::new(&lines, 0, true, doc, 0);
    m.is_doc = true;
    parser.run(&mut m);
    let mut doc = m.finish();
    place_document_front(parser.state, &mut doc);
    if let Some(title) = parser.state.title.take() {
        doc.set("title", title);
    }
    parser.state.apply_fixups(&mut doc);
    doc
}

/// Python's `str.splitlines()`: also `\r`, `\x1c`-`\x1e`, NEL and the
/// Unicode line and paragraph separators end lines. Each line comes with
/// whether it holds a `\t`, `\x0b` or `\x0c` (see [`expand_line`]).
fn split_lines(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let b = rest.as_bytes();
        let (end, len, ctl) = find_break(b);
        let line = rest.get(..end).unwrap_or(rest);
        let mut next = end + len;
        if b.get(end) == Some(&b'\r') && b.get(next) == Some(&b'\n') {
            next += 1;
        }
        rest = rest.get(next..).unwrap_or("");
        Some((line, ctl))
    })
}

/// The first line break in `b` (see [`split_lines`]): its byte offset and
/// length (`b.len()` and 0 if none), and whether a tab, `\x0b` or `\x0c`
/// comes before it. Eight bytes at a time while all are printable ASCII.
fn find_break(b: &[u8]) -> (usize, usize, bool) {
    const LO: u64 = u64::from_ne_bytes([0x20; 8]);
    const HI: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut ctl = false;
    let mut i = 0;
    while i < b.len() {
        if let Some(w) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
            let w = u64::from_ne_bytes(w);
            // No byte below 0x20 (no borrow) and none from 0x80: no break.
            if (w.wrapping_sub(LO) | w) & HI == 0 {
                i += 8;
                continue;
            }
        }
        // Look at the bytes of this word (or the tail) one by one.
        for k in i..b.len().min(i + 8) {
            match b[k] {
                b'\n' | b'\r' | 0x1c..=0x1e => return (k, 1, ctl),
                b'\t' | 0x0b | 0x0c => ctl = true,
                0xC2 if b.get(k + 1) == Some(&0x85) => return (k, 2, ctl),
                0xE2 if b.get(k + 1) == Some(&0x80)
                    && matches!(b.get(k + 2), Some(0xA8 | 0xA9)) =>
                {
                    return (k, 3, ctl);
                }
                _ => {}
            }
        }
        i += 8;
    }
    (b.len(), 0, ctl)
}

/// docutils' `line_length_limit` check, except that `data:` URIs (inline
/// images, legitimately huge) do not count toward the length.
fn too_long(line: &str, limit: usize) -> bool {
    if line.len() <= limit {
        return false;
    }
    let data: usize = line
        .split(' ')
        .filter(|t| t.starts_with("data:"))
        .map(|t| t.chars().count())
        .sum();
    line.chars().count() - data > limit
}

/// Places what directives inserted at the document's start (see
/// [`super::state::Front`]).
fn place_document_front(state: &mut DocState, doc: &mut Element) {
    let front = std::mem::take(&mut state.front);
    let titles = doc
        .children
        .iter()
        .take_while(|n| {
            n.as_element()
                .is_some_and(|e| matches!(e.kind, Kind::Title | Kind::Subtitle | Kind::Rubric))
        })
        .count();
    let after = front.after_titles.into_elements().map(Node::from);
    doc.children.splice(titles..titles, after);
    doc.children
        .splice(0..0, front.top.into_elements().map(Node::from));
}

/// docutils' `string2lines`: tabs expanded, trailing whitespace stripped,
/// form feeds and vertical tabs as spaces.
/// (Lines without those characters are borrowed, trimmed, instead.)
fn expand_line(line: &str, tab: usize) -> Cow<'_, str> {
    let mut out = String::with_capacity(line.len());
    let mut col = 0;
    for c in line.chars() {
        match c {
            '\t' => {
                let n = tab - col % tab;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\x0b' | '\x0c' => {
                out.push(' ');
                col += 1;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    let keep = out.trim_end().len();
    out.truncate(keep);
    Cow::Owned(out)
}

/// An `include_log` entry: the included path and its clip options.
type IncludeEntry = (String, String);

/// A running block parser; directives receive it to parse their content.
pub struct Parser<'a, 's> {
    pub state: &'a mut DocState<'s>,
    /// Current nesting of `nested_parse` calls.
    depth: usize,
    /// Sections open in the document-level machine.
    doc_sections: usize,
    /// Lines a directive inserted (`include`), parsed right after it.
    pending_input: Option<(Vec<String>, usize, Option<IncludeEntry>)>,
    /// The document-level machine's current line: docutils' reporter takes
    /// it for messages given no line, even inside nested parses.
    top_line: u32,
    /// Kind of the element a running directive's output goes into
    /// (docutils' `state_machine.node`).
    directive_parent: Kind,
    /// docutils' state-machine line while the running directive runs (the
    /// end of its block): the line of messages about its nodes.
    pub(crate) directive_line: u32,
    /// Document children already checked for `DocState::body_started`.
    doc_scanned: usize,
    /// The document-level machine is in a list-continuation loop (a nested
    /// state machine in docutils), so its reported line stays put.
    frozen: bool,
}

/// One state machine run over a block of lines.
struct Machine<'b, 't> {
    lines: &'b [&'t str],
    /// 0-based source line of `lines[0]`.
    offset: usize,
    /// Next unconsumed line.
    pos: usize,
    match_titles: bool,
    root: Element,
    /// Open sections, innermost last.
    sections: Vec<Element>,
    /// Section level of `root` (docutils' `section_level_offset`).
    base_level: usize,
    is_doc: bool,
    /// Index of the `.. end of inclusion from "..."` line docutils appends
    /// to an included file: parsed as a comment, it ends the inclusion.
    include_end: Option<usize>,
}

impl<'b, 't> Machine<'b, 't> {
    fn new(
        lines: &'b [&'t str],
        offset: usize,
        match_titles: bool,
        root: Element,
        base_level: usize,
    ) -> Self {
        Machine {
            lines,
            offset,
            pos: 0,
            match_titles,
            root,
            sections: Vec::new(),
            base_level,
            is_doc: false,
            include_end: None,
        }
    }

    fn line(&self, i: usize) -> Option<&'t str> {
        self.lines.get(i).copied()
    }

    fn parent(&mut self) -> &mut Element {
        match self.sections.last_mut() {
            Some(s) => s,
            None => &mut self.root,
        }
    }

    fn push(&mut self, node: impl Into<Node>) {
        self.parent().push(node);
    }

    fn extend(&mut self, nodes: impl IntoIterator<Item = impl Into<Node>>) {
        let p = self.parent();
        for n in nodes {
            p.push(n);
        }
    }

    /// 1-based source line of line index `i`.
    fn lineno(&self, i: usize) -> u32 {
        (self.offset + i + 1) as u32
    }

    /// docutils' `abs_line_number()` after consuming up to `pos`: the last
    /// consumed line.
    fn current_lineno(&self) -> u32 {
        (self.offset + self.pos.max(1)) as u32
    }

    fn close_sections(&mut self, keep: usize) {
        while self.sections.len() > keep {
            if let Some(s) = self.sections.pop() {
                self.parent().push(s);
            }
        }
    }

    fn finish(mut self) -> Element {
        self.close_sections(0);
        self.root
    }

    fn skip_blanks(&self, mut p: usize) -> usize {
        while self.line(p).is_some_and(is_blank) {
            p += 1;
        }
        p
    }
}

/// An indented block as docutils' `get_indented` family returns it.
struct Block<'t> {
    lines: Vec<&'t str>,
    #[allow(dead_code)] // kept for parity with docutils' return value
    indent: usize,
    /// 0-based source line of `lines[0]`.
    offset: usize,
    blank_finish: bool,
}

/// docutils' `StringList.get_indented` from `start`; returns the block, its
/// indent and whether it finished with a blank line (or the end).
fn indented<'t>(
    lines: &[&'t str],
    start: usize,
    until_blank: bool,
    strip_indent: bool,
    block_indent: Option<usize>,
    first_indent: Option<usize>,
) -> (Vec<&'t str>, usize, bool) {
    let first_indent = first_indent.or(block_indent);
    let mut indent = block_indent;
    let mut end = start + usize::from(first_indent.is_some());
    let mut blank_finish = true;
    while let Some(&line) = lines.get(end) {
        let short = block_indent.is_some_and(|bi| scan::leading_ws(line) < bi && !is_blank(line));
        if !line.is_empty() && (!line.starts_with(' ') || short) {
            blank_finish = end > start && is_blank(lines[end - 1]);
            break;
        }
        if is_blank(line) {
            if until_blank {
                break;
            }
        } else if block_indent.is_none() {
            let li = scan::leading_ws(line);
            indent = Some(indent.map_or(li, |i| i.min(li)));
        }
        end += 1;
    }
    let lo = start.min(lines.len());
    let hi = end.min(lines.len());
    let mut block: Vec<&str> = lines[lo..hi].to_vec();
    if let (Some(fi), Some(first)) = (first_indent, block.first_mut()) {
        *first = skip_chars(first, fi);
    }
    let ind = indent.unwrap_or(0);
    if ind > 0 && strip_indent {
        for l in block.iter_mut().skip(usize::from(first_indent.is_some())) {
            *l = skip_chars(l, ind);
        }
    }
    (block, ind, blank_finish)
}

/// Drops leading blank lines, counting them into the offset.
fn strip_top(b: &mut Block) {
    let n = b.lines.iter().take_while(|l| is_blank(l)).count();
    b.lines.drain(..n);
    b.offset += n;
}

fn trim_trailing_blank(lines: &mut Vec<&str>) {
    while lines.last().is_some_and(|l| is_blank(l)) {
        lines.pop();
    }
}

/// A `literal_block` (or other preformatted element) holding `text`.
fn preformatted(kind: Kind, text: &str) -> Element {
    let el = Element::new(kind).with_attr("xml:space", "preserve");
    if text.is_empty() {
        el
    } else {
        el.with_text(text)
    }
}

fn literal(text: &str) -> Element {
    preformatted(Kind::LiteralBlock, text)
}

impl<'a, 's> Parser<'a, 's> {
    pub fn new(state: &'a mut DocState<'s>) -> Parser<'a, 's> {
        Parser {
            state,
            depth: 0,
            doc_sections: 0,
            pending_input: None,
            top_line: 1,
            directive_parent: Kind::Document,
            directive_line: 0,
            doc_scanned: 0,
            frozen: false,
        }
    }

    /// docutils' `state_machine.insert_input`: `lines` (0-based source line
    /// `line_offset` for `lines[0]`) are parsed right after the running
    /// directive, in the current context, so their sections join the
    /// document's hierarchy (the `include` directive).
    pub fn insert_input(&mut self, lines: Vec<String>, line_offset: usize) {
        self.pending_input = Some((lines, line_offset, None));
    }

    /// [`Parser::insert_input`] for an included file: while its lines are
    /// parsed, `(path, clip)` tops `DocState::include_log`, so messages
    /// name `path` as their source and nested includes see the chain.
    pub fn insert_file(&mut self, lines: Vec<String>, line_offset: usize, log: (String, String)) {
        self.pending_input = Some((lines, line_offset, Some(log)));
    }

    /// Parses inserted input with the current machine's parent and sections;
    /// returns whether there was any (docutils pads it with blank lines).
    fn run_pending_input(&mut self, m: &mut Machine) -> bool {
        let Some((owned, offset, log)) = self.pending_input.take() else {
            return false;
        };
        let max = self.state.settings.max_depth;
        if self.depth >= max {
            let msg = self.state.system_message(
                Level::Error,
                &format!("Maximum nesting depth ({max}) exceeded; nested content skipped."),
                Some((offset + 1) as u32),
                Vec::new(),
            );
            m.push(msg);
            return true;
        }
        let mut owned = owned;
        let source = log.as_ref().map(|(path, _)| {
            owned.push(String::new());
            owned.push(format!(".. end of inclusion from \"{path}\""));
            path.clone()
        });
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        let root = std::mem::replace(&mut m.root, Element::new(Kind::Document));
        let mut sub = Machine::new(&refs, offset, m.match_titles, root, m.base_level);
        sub.sections = std::mem::take(&mut m.sections);
        sub.is_doc = m.is_doc;
        if source.is_some() {
            sub.include_end = Some(refs.len() - 1);
        }
        // docutils pops the log entry when it parses the end marker
        self.state.include_log.extend(log);
        let outer = self.state.source.clone();
        if source.is_some() {
            self.state.source = source;
        }
        self.depth += 1;
        self.run(&mut sub);
        self.depth -= 1;
        self.state.source = outer;
        m.root = sub.root;
        m.sections = sub.sections;
        true
    }

    /// Parses `lines` (already dedented; `line_offset` is the 0-based source
    /// line of `lines[0]`) as body elements appended to `parent`.
    /// `match_titles` allows section titles (false inside directives).
    pub fn nested_parse(
        &mut self,
        lines: &[&str],
        line_offset: usize,
        parent: &mut Element,
        match_titles: bool,
    ) {
        let max = self.state.settings.max_depth;
        if self.depth >= max {
            let msg = self.state.system_message(
                Level::Error,
                &format!("Maximum nesting depth ({max}) exceeded; nested content skipped."),
                Some((line_offset + 1) as u32),
                Vec::new(),
            );
            parent.push(msg);
            return;
        }
        self.depth += 1;
        let root = std::mem::replace(parent, Element::new(parent.kind));
        let base = if match_titles {
            self.doc_sections.min(self.state.title_styles.len())
        } else {
            0
        };
        let mut m = Machine::new(lines, line_offset, match_titles, root, base);
        self.run(&mut m);
        *parent = m.finish();
        self.depth -= 1;
    }

    /// Inline-parses `text` starting on 1-based `line`.
    /// `cur` is docutils' current line (for messages about nodes without one).
    fn inline(&mut self, text: &str, line: u32, cur: u32) -> (Vec<Node>, Vec<Element>) {
        self.state.current_line = Some(cur);
        super::inline::parse(self.state, text, line)
    }

    fn msg(&mut self, level: Level, text: &str, line: u32, details: Vec<Element>) -> Element {
        self.state.system_message(level, text, Some(line), details)
    }

    /// Kind of the element the running directive's nodes go into
    /// (`document`, `section`, `block_quote`, ...): docutils' `state_machine.node`,
    /// e.g. for "may not be used within topics or body elements".
    pub fn parent_kind(&self) -> Kind {
        self.directive_parent
    }

    /// The line docutils' reporter uses for a message given no line.
    fn report_line(&self, m: &Machine) -> u32 {
        if m.is_doc && !self.frozen {
            m.current_lineno()
        } else {
            self.top_line
        }
    }

    /// Tracks the document-level machine's position after it consumed lines.
    fn note_position(&mut self, m: &Machine) {
        if m.is_doc && !self.frozen {
            self.top_line = m.current_lineno();
        }
    }

    /// Enters a list-continuation loop; returns the state to restore.
    fn freeze(&mut self, m: &Machine) -> bool {
        let was = self.frozen;
        if m.is_doc {
            self.frozen = true;
        }
        was
    }

    /// docutils' `unindent_warning`: the problem is the line after `pos - 1`.
    fn unindent_warning(&mut self, m: &Machine, what: &str) -> Element {
        let line = (m.offset + m.pos + 1) as u32;
        self.msg(
            Level::Warning,
            &format!("{what} ends without a blank line; unexpected unindent."),
            line,
            Vec::new(),
        )
    }

    fn run(&mut self, m: &mut Machine) {
        while let Some(line) = m.line(m.pos) {
            let before = m.pos;
            if m.is_doc && !self.frozen {
                self.top_line = m.lineno(m.pos);
            }
            let (pat, end) = classify(line);
            self.body(m, pat, end);
            if m.pos <= before {
                m.pos = before + 1; // always make progress
            }
        }
    }

    /// The `Body` state's transitions.
    fn body(&mut self, m: &mut Machine, pat: Pat, end: usize) {
        match pat {
            Pat::Blank => m.pos += 1,
            Pat::Indent => self.block_quote_at(m),
            Pat::Bullet => self.bullet_list(m, end),
            Pat::Enumerator => {
                if !self.enumerated_list(m) {
                    self.text(m);
                }
            }
            Pat::FieldMarker => self.field_list(m, end),
            Pat::OptionMarker => {
                if !self.option_list(m, end) {
                    self.text(m);
                }
            }
            Pat::Doctest => self.doctest(m),
            Pat::LineBlock => self.line_block(m, end),
            Pat::GridTop => self.grid_table(m),
            Pat::SimpleTop => self.simple_table(m),
            Pat::Explicit => self.explicit_markup(m, end),
            Pat::Anonymous => self.anonymous(m, end),
            Pat::Line => self.line(m),
            Pat::Text => self.text(m),
        }
    }

    // ----- block quotes -------------------------------------------------

    /// `Body.indent`: a block quote (maybe several, split by attributions).
    fn block_quote_at(&mut self, m: &mut Machine) {
        let b = self.get_indented(m, false, true);
        let elements = self.block_quote(b.lines, b.offset);
        m.extend(elements);
        if !b.blank_finish {
            let w = self.unindent_warning(m, "Block quote");
            m.push(w);
        }
    }

    fn block_quote(&mut self, mut indented: Vec<&str>, mut line_offset: usize) -> Vec<Element> {
        let mut elements = Vec::new();
        while !indented.is_empty() {
            let mut bq = Element::new(Kind::BlockQuote).with_line((line_offset + 1) as u32);
            match split_attribution(&indented) {
                Some(split) => {
                    self.nested_parse(&indented[..split.start], line_offset, &mut bq, false);
                    let a_lines: Vec<&str> = indented[split.start..split.end.min(indented.len())]
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            if i == 0 {
                                skip_chars(l, split.marker_end)
                            } else {
                                skip_chars(l, split.indent)
                            }
                        })
                        .collect();
                    let lineno = (line_offset + split.start + 1) as u32;
                    let text = a_lines.join("\n");
                    let (nodes, msgs) =
                        self.inline(text.trim_end(), lineno, (line_offset + split.end) as u32);
                    let mut attribution = Element::new(Kind::Attribution).with_line(lineno);
                    attribution.children = nodes;
                    bq.push(attribution);
                    elements.push(bq);
                    elements.extend(msgs);
                    let rest = indented.split_off(split.end.min(indented.len()));
                    line_offset += split.end;
                    indented = rest;
                }
                None => {
                    self.nested_parse(&indented, line_offset, &mut bq, false);
                    elements.push(bq);
                    indented.clear();
                }
            }
            let n = indented.iter().take_while(|l| l.is_empty()).count();
            indented.drain(..n);
            line_offset += n;
        }
        elements
    }

    // ----- indented-block helpers (docutils' StateMachineWS) -------------

    fn get_indented<'t>(
        &mut self,
        m: &mut Machine<'_, 't>,
        until_blank: bool,
        strip: bool,
    ) -> Block<'t> {
        let (lines, indent, blank_finish) =
            indented(m.lines, m.pos, until_blank, strip, None, None);
        let mut b = Block {
            indent,
            offset: m.offset + m.pos,
            blank_finish,
            lines,
        };
        m.pos += b.lines.len();
        strip_top(&mut b);
        self.note_position(m);
        b
    }

    fn get_known_indented<'t>(&mut self, m: &mut Machine<'_, 't>, indent: usize) -> Block<'t> {
        let (lines, indent, blank_finish) =
            indented(m.lines, m.pos, false, true, Some(indent), None);
        let mut b = Block {
            indent,
            offset: m.offset + m.pos,
            blank_finish,
            lines,
        };
        m.pos += b.lines.len().max(1);
        strip_top(&mut b);
        self.note_position(m);
        b
    }

    fn get_first_known_indented<'t>(
        &mut self,
        m: &mut Machine<'_, 't>,
        first: usize,
        until_blank: bool,
        strip: bool,
        top: bool,
    ) -> Block<'t> {
        let (lines, indent, blank_finish) =
            indented(m.lines, m.pos, until_blank, strip, None, Some(first));
        let mut b = Block {
            indent,
            offset: m.offset + m.pos,
            blank_finish,
            lines,
        };
        m.pos += b.lines.len().max(1);
        if top {
            strip_top(&mut b);
        }
        self.note_position(m);
        b
    }

    /// `get_text_block`: lines up to a blank one. With `flush_left`, an
    /// indented line ends the block and its line number is returned.
    fn text_block<'t>(
        &mut self,
        m: &mut Machine<'_, 't>,
        flush_left: bool,
    ) -> (Vec<&'t str>, Option<u32>) {
        let start = m.pos;
        let mut err = None;
        while let Some(line) = m.line(m.pos) {
            if is_blank(line) {
                break;
            }
            if flush_left && line.starts_with(' ') {
                err = Some(m.lineno(m.pos));
                break;
            }
            m.pos += 1;
        }
        self.note_position(m);
        (m.lines[start..m.pos].to_vec(), err)
    }

    // ----- Text state: paragraphs, titles, definition lists --------------

    /// `Body.text` then the `Text` state on the following line.
    fn text(&mut self, m: &mut Machine) {
        let t = m.pos;
        m.pos += 1;
        let Some(next) = m.line(m.pos) else {
            let ctx = m.lines[t];
            self.paragraph_then_literal(m, &[ctx], m.lineno(t));
            return;
        };
        if is_blank(next) {
            let ctx = m.lines[t];
            self.paragraph_then_literal(m, &[ctx], m.lineno(t));
        } else if next.starts_with(' ') {
            self.definition_list(m, t);
        } else if scan::is_line(next) {
            self.underline(m, t);
        } else {
            self.text_paragraph(m, t);
        }
    }

    /// `Text.blank` / `Text.eof`: a one-line paragraph; docutils has
    /// consumed the line after it, so its reporter is one line further.
    fn paragraph_then_literal(&mut self, m: &mut Machine, lines: &[&str], lineno: u32) {
        if self.paragraph(m, lines, lineno, true) {
            let nodes = self.literal_block(m);
            m.extend(nodes);
        }
    }

    /// `Text.text`: a paragraph continuing from line `t` to a blank line.
    fn text_paragraph(&mut self, m: &mut Machine, t: usize) {
        let (block, err) = self.text_block(m, true);
        let mut lines = Vec::with_capacity(block.len() + 1);
        lines.push(m.lines[t]);
        lines.extend(block);
        let literalnext = self.paragraph(m, &lines, m.lineno(t), false);
        if let Some(l) = err {
            let e = self.msg(Level::Error, "Unexpected indentation.", l, Vec::new());
            m.push(e);
        }
        if literalnext {
            let nodes = self.literal_block(m);
            m.extend(nodes);
        }
    }

    /// docutils' `paragraph`: appends the paragraph and its messages;
    /// returns whether a literal block follows (`::`).
    fn paragraph(&mut self, m: &mut Machine, lines: &[&str], lineno: u32, past: bool) -> bool {
        let joined = lines.join("\n");
        let data = joined.trim_end();
        let (text, literalnext) = match literal_marker(data) {
            None => (data, false),
            Some(_) if data.len() == 2 => return true,
            Some(before) => {
                if before.ends_with([' ', '\n']) {
                    (before.trim_end(), true)
                } else {
                    (&data[..data.len() - 1], true)
                }
            }
        };
        let mut cur = self.report_line(m);
        if past && m.is_doc && !self.frozen {
            cur += 1;
        }
        let (nodes, msgs) = self.inline(text, lineno, cur);
        let (dups, msgs) = split_dup_msgs(msgs);
        m.extend(dups);
        let mut p = Element::new(Kind::Paragraph).with_line(lineno);
        p.children = nodes;
        m.push(p);
        m.extend(msgs);
        literalnext
    }

    /// `Text.literal_block`: an indented literal block at `pos`, or a quoted one.
    fn literal_block(&mut self, m: &mut Machine) -> Vec<Node> {
        let mut b = self.get_indented(m, false, true);
        trim_trailing_blank(&mut b.lines);
        if b.lines.is_empty() {
            return self.quoted_literal_block(m);
        }
        let mut out: Vec<Node> = vec![
            literal(&b.lines.join("\n"))
                .with_line((b.offset + 1) as u32)
                .into(),
        ];
        if !b.blank_finish {
            out.push(self.unindent_warning(m, "Literal block").into());
        }
        out
    }

    /// The `QuotedLiteralBlock` state.
    fn quoted_literal_block(&mut self, m: &mut Machine) -> Vec<Node> {
        let p = m.skip_blanks(m.pos);
        let Some(first) = m.line(p) else {
            m.pos = m.lines.len();
            let line = (m.offset + m.lines.len() + 1) as u32;
            let w = self.msg(
                Level::Warning,
                "Literal block expected; none found.",
                line,
                Vec::new(),
            );
            return vec![w.into()];
        };
        let quote = first.chars().next().filter(char::is_ascii_punctuation);
        let Some(quote) = quote else {
            m.pos = p;
            let w = self.msg(
                Level::Warning,
                "Literal block expected; none found.",
                m.lineno(p),
                Vec::new(),
            );
            return vec![w.into()];
        };
        let mut q = p + 1;
        let mut messages = Vec::new();
        while let Some(line) = m.line(q) {
            if is_blank(line) {
                break;
            }
            if line.starts_with(quote) {
                q += 1;
                continue;
            }
            let text = if line.starts_with(' ') {
                "Unexpected indentation."
            } else {
                "Inconsistent literal block quoting."
            };
            messages.push(self.msg(Level::Error, text, m.lineno(q), Vec::new()));
            break;
        }
        m.pos = q;
        let text = m.lines[p..q].join("\n");
        let mut out: Vec<Node> = vec![literal(&text).with_line(m.lineno(p)).into()];
        out.extend(messages.into_iter().map(Node::from));
        out
    }

    /// `Text.underline`: a title with underline only (line `t` is the title,
    /// `pos` the underline).
    fn underline(&mut self, m: &mut Machine, t: usize) {
        let u = m.pos;
        let title = m.lines[t].trim_end();
        let underline = m.lines[u].trim_end();
        let lineno = m.lineno(u);
        let mut messages = Vec::new();
        let blocktext = format!("{}\n{}", m.lines[t], m.lines[u]);
        if scan::column_width(title) > underline.chars().count() {
            if underline.chars().count() < 4 {
                if m.match_titles {
                    let i = self.msg(
                        Level::Info,
                        "Possible title underline, too short for the title.\nTreating it as ordinary text because it's so short.",
                        lineno,
                        Vec::new(),
                    );
                    m.push(i);
                }
                self.text_paragraph(m, t);
                return;
            }
            messages.push(self.msg(
                Level::Warning,
                "Title underline too short.",
                lineno,
                vec![literal(&blocktext)],
            ));
        }
        m.pos = u + 1;
        if !m.match_titles {
            let e = self.msg(
                Level::Error,
                "Unexpected section title.",
                lineno,
                vec![literal(&blocktext)],
            );
            m.extend(messages);
            m.push(e);
            return;
        }
        let source = format!("{title}\n{underline}");
        let style: String = underline.chars().take(1).collect();
        self.section(m, title, &source, style, lineno - 1, messages);
    }

    /// `Body.line`: an overline or transition marker at `pos`.
    fn line(&mut self, m: &mut Machine) {
        let t = m.pos;
        let line = m.lines[t];
        if m.match_titles {
            return self.line_state(m, t);
        }
        let marker = line.trim();
        if marker == "::" {
            return self.text(m);
        }
        if marker.chars().count() < 4 {
            let i = self.msg(
                Level::Info,
                "Unexpected possible title overline or transition.\nTreating it as ordinary text because it's so short.",
                m.lineno(t),
                Vec::new(),
            );
            m.push(i);
            return self.text(m);
        }
        let e = self.msg(
            Level::Error,
            "Unexpected section title or transition.",
            m.lineno(t),
            vec![literal(line)],
        );
        m.push(e);
        m.pos = t + 1;
    }

    /// The `Line` state: the line after an overline at `t`.
    fn line_state(&mut self, m: &mut Machine, t: usize) {
        let overline = m.lines[t];
        let short = overline.trim_end().chars().count() < 4;
        let lineno = m.lineno(t);
        let next = m.line(t + 1);
        match next {
            None => {
                if short {
                    m.pos = t;
                    return self.text(m);
                }
                m.push(Element::new(Kind::Transition).with_line(lineno));
                m.pos = t + 1;
            }
            Some(l) if is_blank(l) => {
                if overline.trim().chars().count() < 4 {
                    m.pos = t;
                    return self.text(m);
                }
                m.push(Element::new(Kind::Transition).with_line(lineno));
                m.pos = t + 2;
            }
            Some(l) if scan::is_line(l) && !l.starts_with(' ') => {
                if short {
                    self.short_overline(m, t, lineno);
                    return;
                }
                let blocktext = format!("{overline}\n{l}");
                let e = self.msg(
                    Level::Error,
                    "Invalid section title or transition marker.",
                    lineno,
                    vec![literal(&blocktext)],
                );
                m.push(e);
                m.pos = t + 2;
            }
            Some(title) => self.over_under_title(m, t, title),
        }
    }

    fn short_overline(&mut self, m: &mut Machine, t: usize, lineno: u32) {
        let i = self.msg(
            Level::Info,
            "Possible incomplete section title.\nTreating the overline as ordinary text because it's so short.",
            lineno,
            Vec::new(),
        );
        m.push(i);
        m.pos = t;
        self.text(m);
    }

    /// `Line.text`: an over- and underlined title.
    fn over_under_title(&mut self, m: &mut Machine, t: usize, title: &str) {
        let overline_raw = m.lines[t];
        let overline = overline_raw.trim_end();
        let short = overline.chars().count() < 4;
        let lineno = m.lineno(t);
        let Some(underline_raw) = m.line(t + 2) else {
            if short {
                return self.short_overline(m, t, lineno);
            }
            let blocktext = format!("{overline_raw}\n{title}");
            let e = self.msg(
                Level::Error,
                "Incomplete section title.",
                lineno,
                vec![literal(&blocktext)],
            );
            m.push(e);
            m.pos = m.lines.len();
            return;
        };
        let source = format!("{overline_raw}\n{title}\n{underline_raw}");
        let underline = underline_raw.trim_end();
        let problem = if !scan::is_line(underline) || underline_raw.starts_with(' ') {
            Some("Missing matching underline for section title overline.")
        } else if overline != underline {
            Some("Title overline & underline mismatch.")
        } else {
            None
        };
        if let Some(p) = problem {
            if short {
                return self.short_overline(m, t, lineno);
            }
            let e = self.msg(Level::Error, p, lineno, vec![literal(&source)]);
            m.push(e);
            m.pos = t + 3;
            return;
        }
        let title = title.trim_end();
        let mut messages = Vec::new();
        if scan::column_width(title) > overline.chars().count() {
            if short {
                return self.short_overline(m, t, lineno);
            }
            messages.push(self.msg(
                Level::Warning,
                "Title overline too short.",
                lineno,
                vec![literal(&source)],
            ));
        }
        let mut style = String::new();
        style.extend(overline.chars().take(1));
        style.push('/');
        style.extend(underline.chars().take(1));
        m.pos = t + 3;
        self.section(m, title.trim_start(), &source, style, lineno + 1, messages);
    }

    /// `RSTState.section`: checks the title level, then opens the section.
    fn section(
        &mut self,
        m: &mut Machine,
        title: &str,
        source: &str,
        style: String,
        lineno: u32,
        messages: Vec<Element>,
    ) {
        let internal = m.sections.len();
        let oldlevel = internal + m.base_level;
        let styles = &self.state.title_styles;
        let newlevel = styles
            .iter()
            .position(|s| *s == style)
            .map_or(styles.len() + 1, |i| i + 1);
        let established = format!("Established title styles: {}", styles.join(" "));
        if newlevel > oldlevel + 1 {
            let e = self.msg(
                Level::Error,
                &format!("Inconsistent title style: skip from level {oldlevel} to {newlevel}."),
                lineno,
                vec![
                    literal(source),
                    Element::new(Kind::Paragraph).with_text(established),
                ],
            );
            m.push(e);
            return;
        }
        if newlevel <= oldlevel {
            let up = oldlevel - newlevel + 1;
            if up > internal {
                let details = format!(
                    "The parent of level {newlevel} sections cannot be reached. The parser is at section level {oldlevel} but the current node has only {internal} parent section(s).\nOne reason may be a high level section used in a directive that parses its content into a base node not attached to the document\n(up to Docutils 0.21, these sections were silently dropped)."
                );
                let e = self.msg(
                    Level::Error,
                    &format!("A level {newlevel} section cannot be used here."),
                    lineno,
                    vec![
                        literal(source),
                        Element::new(Kind::Paragraph).with_text(established),
                        Element::new(Kind::Paragraph).with_text(details),
                    ],
                );
                m.push(e);
                return;
            }
            m.close_sections(internal - up);
        }
        if newlevel > self.state.title_styles.len() {
            self.state.title_styles.push(style);
        }
        self.new_subsection(m, title, lineno, messages);
    }

    fn new_subsection(
        &mut self,
        m: &mut Machine,
        title: &str,
        lineno: u32,
        messages: Vec<Element>,
    ) {
        let mut section = Element::new(Kind::Section);
        let cur = self.report_line(m);
        let (nodes, title_msgs) = self.inline(title, lineno, cur);
        let mut title_el = Element::new(Kind::Title).with_line(lineno);
        title_el.children = nodes;
        section.attrs.names.push(normalize_name(&title_el.astext()));
        section.push(title_el);
        for e in messages.into_iter().chain(title_msgs) {
            section.push(e);
        }
        // docutils' `setup_child` stamps the current line (the underline)
        section.line = Some(m.current_lineno());
        if let Some(msg) = self.state.note_implicit_target(&mut section) {
            section.push(msg);
        }
        m.sections.push(section);
        if m.is_doc {
            self.doc_sections = m.sections.len();
        }
    }

    /// `Text.indent`: a definition list starting with the term at `t`.
    fn definition_list(&mut self, m: &mut Machine, t: usize) {
        let mut dl = Element::new(Kind::DefinitionList).with_line(m.lineno(t));
        let (item, mut blank_finish, dups) = self.definition_list_item(m, t);
        m.extend(dups);
        dl.push(item);
        let was = self.freeze(m);
        loop {
            let p = m.skip_blanks(m.pos);
            m.pos = p;
            let Some(line) = m.line(p) else { break };
            if classify(line).0 != Pat::Text {
                break;
            }
            match m.line(p + 1) {
                Some(next) if !is_blank(next) && next.starts_with(' ') => {
                    m.pos = p + 1;
                    let (item, bf, _dropped) = self.definition_list_item(m, p);
                    dl.push(item);
                    blank_finish = bf;
                }
                _ => break,
            }
        }
        self.frozen = was;
        m.push(dl);
        if !blank_finish {
            let w = self.unindent_warning(m, "Definition list");
            m.push(w);
        }
    }

    fn definition_list_item(&mut self, m: &mut Machine, t: usize) -> (Element, bool, Vec<Element>) {
        let dd_lineno = m.lineno(m.pos);
        let dt_lineno = dd_lineno - 1;
        let b = self.get_indented(m, false, true);
        let termline = m.lines[t];
        let mut item = Element::new(Kind::DefinitionListItem).with_line(dt_lineno);
        let (term_nodes, messages) = self.term(termline, dt_lineno, self.report_line(m));
        let (dups, messages) = split_dup_msgs(messages);
        for n in term_nodes {
            item.push(n);
        }
        let mut dd = Element::new(Kind::Definition).with_line(dd_lineno);
        for msg in messages {
            dd.push(msg);
        }
        if termline.ends_with("::") {
            let i = self.msg(
                Level::Info,
                "Blank line missing before literal block (after the \"::\")? Interpreted as a definition list item.",
                dd_lineno,
                Vec::new(),
            );
            dd.push(i);
        }
        self.nested_parse(&b.lines, b.offset, &mut dd, false);
        item.push(dd);
        (item, b.blank_finish, dups)
    }

    /// `Text.term`: the term and its classifiers (split at ` : `).
    fn term(&mut self, line: &str, lineno: u32, cur: u32) -> (Vec<Element>, Vec<Element>) {
        let (nodes, messages) = self.inline(line, lineno, cur);
        // escaped separators (`\\:`) look the same once unescaped
        let flags = escaped_separators(line);
        let mut flags = flags.iter().copied();
        let mut out = vec![Element::new(Kind::Term).with_line(lineno)];
        for node in nodes {
            let Node::Text(text) = node else {
                if let Some(last) = out.last_mut() {
                    last.push(node);
                }
                continue;
            };
            let parts = split_classifiers(&text, &mut flags);
            if parts.len() == 1 {
                if let Some(last) = out.last_mut() {
                    last.push(Node::Text(text));
                }
                continue;
            }
            if let Some(last) = out.last_mut() {
                let first = parts[0].trim_end();
                if !first.is_empty() {
                    last.push(Node::text(first));
                }
            }
            for part in &parts[1..] {
                out.push(Element::new(Kind::Classifier).with_text(*part));
            }
        }
        (out, messages)
    }

    // ----- lists -----------------------------------------------------------

    /// `Body.list_item` at `pos`; `end` is the marker's byte length.
    fn list_item(&mut self, m: &mut Machine, end: usize) -> (Element, bool) {
        let line = m.lines[m.pos];
        let lineno = m.lineno(m.pos);
        let indent = line[..end].chars().count();
        let b = if line.len() > end {
            self.get_known_indented(m, indent)
        } else {
            self.get_first_known_indented(m, indent, false, true, true)
        };
        let mut item = Element::new(Kind::ListItem).with_line(lineno);
        if !b.lines.is_empty() {
            self.nested_parse(&b.lines, b.offset, &mut item, false);
        }
        (item, b.blank_finish)
    }

    fn bullet_list(&mut self, m: &mut Machine, end: usize) {
        let line = m.lines[m.pos];
        let bullet: String = line.chars().take(1).collect();
        let mut ul = Element::new(Kind::BulletList)
            .with_line(m.lineno(m.pos))
            .with_attr("bullet", bullet.clone());
        let (item, mut blank_finish) = self.list_item(m, end);
        ul.push(item);
        let was = self.freeze(m);
        loop {
            m.pos = m.skip_blanks(m.pos);
            let Some(line) = m.line(m.pos) else { break };
            let (pat, e) = classify(line);
            if pat != Pat::Bullet || !line.starts_with(bullet.as_str()) {
                break;
            }
            let (item, bf) = self.list_item(m, e);
            ul.push(item);
            blank_finish = bf;
        }
        self.frozen = was;
        m.push(ul);
        if !blank_finish {
            let w = self.unindent_warning(m, "Bullet list");
            m.push(w);
        }
    }

    /// `Body.enumerator`; false means "not a list item, try as text".
    fn enumerated_list(&mut self, m: &mut Machine) -> bool {
        let line = m.lines[m.pos];
        let Some(em) = scan::enumerator(line) else {
            return false;
        };
        let (seq, ordinal) = parse_enumerator(em.text, None);
        if !self.is_enumerated_list_item(m, ordinal, seq, em.format) {
            return false;
        }
        let Some(ordinal) = ordinal else { return false };
        let lineno = m.lineno(m.pos);
        let enumtype = if seq == "#" { "arabic" } else { seq };
        let mut ol = Element::new(Kind::EnumeratedList)
            .with_line(lineno)
            .with_attr("enumtype", enumtype)
            .with_attr("prefix", em.format.prefix())
            .with_attr("suffix", em.format.suffix());
        let mut info = None;
        if ordinal != 1 {
            ol.set("start", ordinal.to_string());
            info = Some(self.msg(
                Level::Info,
                &format!(
                    "Enumerated list start value not ordinal-1: \"{}\" (ordinal {ordinal})",
                    em.text
                ),
                lineno,
                Vec::new(),
            ));
        }
        let format = em.format;
        let (item, mut blank_finish) = self.list_item(m, em.end);
        ol.push(item);
        let mut last = ordinal;
        let mut auto = seq == "#";
        let was = self.freeze(m);
        loop {
            m.pos = m.skip_blanks(m.pos);
            let Some(line) = m.line(m.pos) else { break };
            if classify(line).0 != Pat::Enumerator {
                break;
            }
            let Some(em) = scan::enumerator(line) else {
                break;
            };
            let (s2, o2) = parse_enumerator(em.text, Some(enumtype));
            let bad = em.format != format
                || (s2 != "#" && (s2 != enumtype || auto || o2 != last.checked_add(1)))
                || !self.is_enumerated_list_item(m, o2, s2, em.format);
            if bad {
                break;
            }
            if s2 == "#" {
                auto = true;
            }
            let (item, bf) = self.list_item(m, em.end);
            ol.push(item);
            blank_finish = bf;
            last = o2.unwrap_or(last);
        }
        self.frozen = was;
        m.push(ol);
        if let Some(i) = info {
            m.push(i);
        }
        if !blank_finish {
            let w = self.unindent_warning(m, "Enumerated list");
            m.push(w);
        }
        true
    }

    /// Valid ordinal, and the next line is blank, indented, or the next
    /// enumerator.
    fn is_enumerated_list_item(
        &self,
        m: &Machine,
        ordinal: Option<u64>,
        seq: &str,
        format: EnumFormat,
    ) -> bool {
        let Some(ordinal) = ordinal else { return false };
        let Some(next) = m.line(m.pos + 1) else {
            return true;
        };
        if next.chars().next().is_none_or(char::is_whitespace) {
            return true;
        }
        match make_enumerator(ordinal.saturating_add(1), seq, format) {
            Some((n, a)) => next.starts_with(&n) || next.starts_with(&a),
            None => false,
        }
    }

    fn field_list(&mut self, m: &mut Machine, end: usize) {
        let mut fl = Element::new(Kind::FieldList).with_line(m.lineno(m.pos));
        let (field, mut blank_finish, dups) = self.field(m, end);
        fl.push(field);
        let was = self.freeze(m);
        loop {
            m.pos = m.skip_blanks(m.pos);
            let Some(line) = m.line(m.pos) else { break };
            let (pat, e) = classify(line);
            if pat != Pat::FieldMarker {
                break;
            }
            let (field, bf, _dropped) = self.field(m, e);
            fl.push(field);
            blank_finish = bf;
        }
        self.frozen = was;
        m.push(fl);
        m.extend(dups);
        if !blank_finish {
            let w = self.unindent_warning(m, "Field list");
            m.push(w);
        }
    }

    fn field(&mut self, m: &mut Machine, end: usize) -> (Element, bool, Vec<Element>) {
        let line = m.lines[m.pos];
        let name = scan::field_name(&line[..end]).to_owned();
        let lineno = m.lineno(m.pos);
        let indent = line[..end].chars().count();
        let b = self.get_first_known_indented(m, indent, false, true, true);
        let mut field = Element::new(Kind::Field).with_line(lineno);
        let cur = self.report_line(m);
        let (name_nodes, name_msgs) = self.inline(&name, lineno, cur);
        let (dups, name_msgs) = split_dup_msgs(name_msgs);
        let mut fname = Element::new(Kind::FieldName);
        fname.children = name_nodes;
        field.push(fname);
        let mut body = Element::new(Kind::FieldBody);
        for msg in name_msgs {
            body.push(msg);
        }
        if !b.lines.is_empty() {
            self.nested_parse(&b.lines, b.offset, &mut body, false);
        }
        field.push(body);
        (field, b.blank_finish, dups)
    }

    /// `Body.option_marker`; false means "not an option list, try as text".
    fn option_list(&mut self, m: &mut Machine, end: usize) -> bool {
        let lineno = m.lineno(m.pos);
        let item = match self.option_list_item(m, end) {
            Ok(Some(item)) => item,
            Ok(None) => return false,
            Err(e) => {
                let msg = self.msg(
                    Level::Error,
                    &format!("Invalid option list marker: {e}"),
                    lineno,
                    Vec::new(),
                );
                m.push(msg);
                let indent = m.lines[m.pos][..end].chars().count();
                let b = self.get_first_known_indented(m, indent, false, true, true);
                let els = self.block_quote(b.lines, b.offset);
                m.extend(els);
                if !b.blank_finish {
                    let w = self.unindent_warning(m, "Option list");
                    m.push(w);
                }
                return true;
            }
        };
        let mut ol = Element::new(Kind::OptionList).with_line(lineno);
        ol.push(item.0);
        let mut blank_finish = item.1;
        let was = self.freeze(m);
        loop {
            m.pos = m.skip_blanks(m.pos);
            let Some(line) = m.line(m.pos) else { break };
            let (pat, e) = classify(line);
            if pat != Pat::OptionMarker {
                break;
            }
            match self.option_list_item(m, e) {
                Ok(Some((item, bf))) => {
                    ol.push(item);
                    blank_finish = bf;
                }
                _ => break,
            }
        }
        self.frozen = was;
        m.push(ol);
        if !blank_finish {
            let w = self.unindent_warning(m, "Option list");
            m.push(w);
        }
        true
    }

    #[allow(clippy::type_complexity)]
    fn option_list_item(
        &mut self,
        m: &mut Machine,
        end: usize,
    ) -> Result<Option<(Element, bool)>, String> {
        let start = m.pos;
        let line = m.lines[m.pos];
        let options = parse_option_marker(&line[..end])?;
        let indent = line[..end].chars().count();
        let b = self.get_first_known_indented(m, indent, false, true, true);
        if b.lines.is_empty() {
            m.pos = start;
            return Ok(None);
        }
        let mut group = Element::new(Kind::OptionGroup);
        for o in options {
            group.push(o);
        }
        let mut desc = Element::new(Kind::Description);
        self.nested_parse(&b.lines, b.offset, &mut desc, false);
        let item = Element::new(Kind::OptionListItem)
            .with_child(group)
            .with_child(desc);
        Ok(Some((item, b.blank_finish)))
    }

    fn doctest(&mut self, m: &mut Machine) {
        let lineno = m.lineno(m.pos);
        let (block, _) = self.text_block(m, false);
        m.push(preformatted(Kind::DoctestBlock, &block.join("\n")).with_line(lineno));
    }

    // ----- line blocks -------------------------------------------------------

    fn line_block(&mut self, m: &mut Machine, end: usize) {
        let lineno = m.lineno(m.pos);
        let mut items: Vec<(Element, Option<usize>)> = Vec::new();
        let mut messages = Vec::new();
        let (line, indent, msgs, mut blank_finish) = self.line_block_line(m, end);
        items.push((line, indent));
        let (dups, msgs) = split_dup_msgs(msgs);
        messages.extend(dups);
        messages.extend(msgs);
        let was = self.freeze(m);
        while !blank_finish {
            let Some(next) = m.line(m.pos) else { break };
            let (pat, e) = classify(next);
            if pat != Pat::LineBlock {
                break;
            }
            let (line, indent, msgs, bf) = self.line_block_line(m, e);
            items.push((line, indent));
            // the parent is the line block here: docutils drops these
            messages.extend(split_dup_msgs(msgs).1);
            blank_finish = bf;
        }
        self.frozen = was;
        let warning = (!blank_finish).then(|| {
            self.msg(
                Level::Warning,
                "Line block ends without a blank line.",
                lineno + 1,
                Vec::new(),
            )
        });
        let mut last = 0;
        let items: Vec<(Element, usize)> = items
            .into_iter()
            .map(|(e, i)| {
                last = i.unwrap_or(last);
                (e, last)
            })
            .collect();
        let max = self.state.settings.max_depth;
        let mut block = Element::new(Kind::LineBlock).with_line(lineno);
        block.children = nest_line_block(items, 0, max);
        m.push(block);
        m.extend(messages);
        if let Some(w) = warning {
            m.push(w);
        }
    }

    fn line_block_line(
        &mut self,
        m: &mut Machine,
        end: usize,
    ) -> (Element, Option<usize>, Vec<Element>, bool) {
        let raw = m.lines[m.pos];
        let lineno = m.lineno(m.pos);
        let b = self.get_first_known_indented(m, raw[..end].chars().count(), true, true, true);
        let text = b.lines.join("\n");
        let cur = self.report_line(m);
        let (nodes, msgs) = self.inline(&text, lineno, cur);
        let mut line = Element::new(Kind::Line).with_line(lineno);
        line.children = nodes;
        let indent = (raw.trim_end() != "|").then(|| end.saturating_sub(2));
        (line, indent, msgs, b.blank_finish)
    }
}

/// `nest_line_block_segment`, depth-bounded: lines indented more than the
/// least indent of their run become nested `line_block`s.
fn nest_line_block(items: Vec<(Element, usize)>, depth: usize, max: usize) -> Vec<Node> {
    let least = items.iter().map(|(_, i)| *i).min().unwrap_or(0);
    if depth >= max {
        return items.into_iter().map(|(e, _)| e.into()).collect();
    }
    let mut out: Vec<Node> = Vec::new();
    let mut run: Vec<(Element, usize)> = Vec::new();
    for (e, i) in items {
        if i > least {
            run.push((e, i));
        } else {
            if !run.is_empty() {
                let mut nested = Element::new(Kind::LineBlock);
                nested.children = nest_line_block(std::mem::take(&mut run), depth + 1, max);
                out.push(nested.into());
            }
            out.push(e.into());
        }
    }
    if !run.is_empty() {
        let mut nested = Element::new(Kind::LineBlock);
        nested.children = nest_line_block(run, depth + 1, max);
        out.push(nested.into());
    }
    out
}

/// Splits off duplicate-name messages that inline targets produced:
/// docutils appends those to the parent at once (before the element being
/// built), or drops them where the parent cannot hold body elements.
fn split_dup_msgs(msgs: Vec<Element>) -> (Vec<Element>, Vec<Element>) {
    msgs.into_iter().partition(is_dup_msg)
}

fn is_dup_msg(e: &Element) -> bool {
    const TEXTS: [&str; 4] = [
        "Duplicate explicit target name: ",
        "Duplicate implicit target name: ",
        "Target name overrides implicit target name ",
        "Duplicate name \"",
    ];
    e.kind == Kind::SystemMessage
        && e.child(Kind::Paragraph)
            .is_some_and(|p| TEXTS.iter().any(|t| p.astext().starts_with(t)))
}

/// If `data` ends with an unescaped `::`, the text before it.
fn literal_marker(data: &str) -> Option<&str> {
    let before = data.strip_suffix("::")?;
    let backslashes = before.len() - before.trim_end_matches('\\').len();
    (backslashes % 2 == 0).then_some(before)
}

/// For each ` +: +` separator in a raw term line, whether its colon is
/// backslash-escaped; empty when none is (then every separator splits).
fn escaped_separators(raw: &str) -> Vec<bool> {
    let b = raw.as_bytes();
    let mut flags = Vec::new();
    let mut any = false;
    for (i, &c) in b.iter().enumerate() {
        if c != b':' || b.get(i + 1) != Some(&b' ') {
            continue;
        }
        let escaped = i >= 2 && b[i - 1] == b'\\' && b[i - 2] == b' ';
        if escaped || (i >= 1 && b[i - 1] == b' ') {
            any |= escaped;
            flags.push(escaped);
        }
    }
    if any { flags } else { Vec::new() }
}

/// `re.split(' +: +', text)`, skipping separators flagged as escaped.
fn split_classifiers<'x>(text: &'x str, escaped: &mut impl Iterator<Item = bool>) -> Vec<&'x str> {
    let b = text.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' {
            let run = b[i..].iter().take_while(|c| **c == b' ').count();
            let colon = i + run;
            if b.get(colon) == Some(&b':')
                && b.get(colon + 1) == Some(&b' ')
                && !escaped.next().unwrap_or(false)
            {
                let after = b[colon + 1..].iter().take_while(|c| **c == b' ').count();
                parts.push(&text[start..i]);
                start = colon + 1 + after;
                i = start;
                continue;
            }
            i = colon;
            continue;
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// Where `split_attribution` found an attribution.
struct AttributionSplit {
    start: usize,
    end: usize,
    marker_end: usize,
    indent: usize,
}

/// docutils' `split_attribution` + `check_attribution`.
fn split_attribution(indented: &[&str]) -> Option<AttributionSplit> {
    let mut blank: Option<usize> = None;
    let mut nonblank_seen = false;
    for (i, line) in indented.iter().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            blank = Some(i);
            continue;
        }
        if nonblank_seen
            && blank.is_some_and(|b| b + 1 == i)
            && let Some(marker_end) = attribution_marker(line)
            && let Some((end, indent)) = check_attribution(indented, i)
        {
            return Some(AttributionSplit {
                start: i,
                end,
                marker_end,
                indent,
            });
        }
        nonblank_seen = true;
    }
    None
}

/// `(---?(?!-)|\u2014) *(?=[^ \n])`: char count of the match.
fn attribution_marker(line: &str) -> Option<usize> {
    let dashes = line.chars().take_while(|c| *c == '-').count();
    let n = if line.starts_with('\u{2014}') {
        1
    } else if dashes == 2 || dashes == 3 {
        dashes
    } else {
        return None;
    };
    let rest = skip_chars(line, n);
    let spaces = rest.chars().take_while(|c| *c == ' ').count();
    let after = skip_chars(rest, spaces);
    (!after.is_empty() && !after.starts_with('\n')).then_some(n + spaces)
}

fn check_attribution(indented: &[&str], start: usize) -> Option<(usize, usize)> {
    let mut indent: Option<usize> = None;
    let mut i = start + 1;
    let mut broke = false;
    while i < indented.len() {
        let line = indented[i].trim_end();
        if line.is_empty() {
            broke = true;
            break;
        }
        let li = line.chars().count() - line.trim_start().chars().count();
        match indent {
            None => indent = Some(li),
            Some(x) if x != li => return None,
            _ => {}
        }
        i += 1;
    }
    // docutils' for/else quirk: an attribution on the last line ends one past it
    if !broke && start + 1 >= indented.len() {
        i = start + 2;
    }
    Some((i, indent.unwrap_or(0)))
}

/// `parse_enumerator`: the sequence name and ordinal of enumerator text.
fn parse_enumerator(text: &str, expected: Option<&str>) -> (&'static str, Option<u64>) {
    const SEQS: [&str; 5] = [
        "arabic",
        "loweralpha",
        "upperalpha",
        "lowerroman",
        "upperroman",
    ];
    let matches = |seq: &str| -> bool {
        let b = text.as_bytes();
        match seq {
            "arabic" => !b.is_empty() && b.iter().all(u8::is_ascii_digit),
            "loweralpha" => b.len() == 1 && b[0].is_ascii_lowercase(),
            "upperalpha" => b.len() == 1 && b[0].is_ascii_uppercase(),
            "lowerroman" => !b.is_empty() && b.iter().all(|c| b"ivxlcdm".contains(c)),
            "upperroman" => !b.is_empty() && b.iter().all(|c| b"IVXLCDM".contains(c)),
            _ => false,
        }
    };
    let seq: &'static str = if text == "#" {
        "#"
    } else if let Some(e) = expected
        .and_then(|e| SEQS.iter().find(|s| **s == e))
        .filter(|e| matches(e))
    {
        e
    } else if expected.is_none() && text == "i" {
        "lowerroman"
    } else if expected.is_none() && text == "I" {
        "upperroman"
    } else {
        SEQS.iter()
            .copied()
            .find(|s| matches(s))
            .unwrap_or("arabic")
    };
    let ordinal = match seq {
        "#" => Some(1),
        "arabic" => Some(text.parse::<u64>().unwrap_or(u64::MAX)),
        "loweralpha" | "upperalpha" => text
            .bytes()
            .next()
            .map(|c| u64::from(c.to_ascii_lowercase() - b'a' + 1)),
        _ => scan::roman_value(text),
    };
    (seq, ordinal)
}

/// `make_enumerator`: the next enumerator and the auto-enumerator.
fn make_enumerator(ordinal: u64, seq: &str, format: EnumFormat) -> Option<(String, String)> {
    let e = match seq {
        "#" => "#".to_owned(),
        "arabic" => ordinal.to_string(),
        "loweralpha" | "upperalpha" => {
            if ordinal > 26 {
                return None;
            }
            let c = char::from(b'a' + (ordinal as u8) - 1);
            if seq == "upperalpha" {
                c.to_ascii_uppercase().to_string()
            } else {
                c.to_string()
            }
        }
        _ => {
            let r = crate::roman::to_roman(ordinal)?;
            if seq == "lowerroman" {
                r.to_lowercase()
            } else {
                r
            }
        }
    };
    let (p, s) = (format.prefix(), format.suffix());
    Some((format!("{p}{e}{s} "), format!("{p}#{s} ")))
}

/// `parse_option_marker`: `option` elements from an option-list marker.
fn parse_option_marker(marker: &str) -> Result<Vec<Element>, String> {
    let mut out = Vec::new();
    for optionstring in split_options(marker.trim_end()) {
        let mut tokens: Vec<String> = optionstring.split_whitespace().map(str::to_owned).collect();
        let mut delimiter = " ";
        let first = tokens.first().cloned().unwrap_or_default();
        if let Some((a, b)) = first.split_once('=') {
            tokens.splice(0..1, [a.to_owned(), b.to_owned()]);
            delimiter = "=";
        } else if first.len() > 2
            && ((first.starts_with('-') && !first.starts_with("--")) || first.starts_with('+'))
        {
            let cut = first.char_indices().nth(2).map_or(first.len(), |(i, _)| i);
            tokens.splice(0..1, [first[..cut].to_owned(), first[cut..].to_owned()]);
            delimiter = "";
        }
        if tokens.len() > 1
            && tokens[1].starts_with('<')
            && tokens.last().is_some_and(|t| t.ends_with('>'))
        {
            let joined = tokens[1..].join(" ");
            tokens.truncate(1);
            tokens.push(joined);
        }
        if tokens.is_empty() || tokens.len() > 2 {
            return Err(format!(
                "wrong number of option tokens (={}), should be 1 or 2: \"{optionstring}\"",
                tokens.len()
            ));
        }
        let mut option = Element::new(Kind::Option)
            .with_child(Element::new(Kind::OptionString).with_text(tokens[0].clone()));
        if let Some(arg) = tokens.get(1) {
            option.push(
                Element::new(Kind::OptionArgument)
                    .with_attr("delimiter", delimiter)
                    .with_text(arg.clone()),
            );
        }
        out.push(option);
    }
    Ok(out)
}

/// `re.split(r', (?![^<]*>)', s)`: split at `, ` outside `<...>`.
fn split_options(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut search = 0;
    while let Some(i) = s[search..].find(", ").map(|i| i + search) {
        let after = &s[i + 2..];
        let inside = after
            .find(['<', '>'])
            .is_some_and(|j| after.as_bytes()[j] == b'>');
        if !inside {
            parts.push(&s[start..i]);
            start = i + 2;
        }
        search = i + 2;
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rst::Settings;

    fn parse(text: &str) -> String {
        let settings = Settings::default();
        let mut st = DocState::new(&settings);
        parse_document(&mut st, text).pformat()
    }

    #[test]
    fn paragraphs_and_sections() {
        let out = parse("Title\n=====\n\npara\n");
        assert!(
            out.contains("<section ids=\"title\" names=\"title\">"),
            "{out}"
        );
        assert!(out.contains("<paragraph>\n            para"), "{out}");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&" ".repeat(i));
            text.push_str("- x\n");
        }
        let out = parse(&text);
        assert!(out.contains("Maximum nesting depth"));
    }

    #[test]
    fn inserted_input_joins_the_section_hierarchy() {
        let settings = Settings::default();
        let mut st = DocState::new(&settings);
        let lines = ["Top", "==="];
        let doc = Element::new(Kind::Document);
        let mut m = Machine::new(&lines, 0, true, doc, 0);
        let mut parser = Parser::new(&mut st);
        parser.run(&mut m);
        parser.insert_input(
            vec!["Sub".into(), "---".into(), "".into(), "text".into()],
            10,
        );
        assert!(parser.run_pending_input(&mut m));
        let out = m.finish().pformat();
        assert!(out.contains("    <section ids=\"top\" names=\"top\">\n        <title>\n            Top\n        <section ids=\"sub\""), "{out}");
    }

    #[test]
    fn targets_and_literal_blocks() {
        let out = parse(".. _a\\ b: http://x.org/a\n   b\n\nPara::\n\n> quoted\n> lines\n");
        // as docutils: the escaped space vanishes from the name
        assert!(
            out.contains("<target ids=\"ab\" names=\"ab\" refuri=\"http://x.org/ab\">"),
            "{out}"
        );
        assert!(
            out.contains(
                "<literal_block xml:space=\"preserve\">\n        > quoted\n        > lines"
            ),
            "{out}"
        );
        let out = parse("x\n\n.. |s| unknowndirective:: a\n");
        assert!(out.contains("Unknown directive type"), "{out}");
    }

    #[test]
    fn max_depth_fits_a_two_megabyte_stack() {
        // rayon's default thread stack is 2 MiB; debug frames are the largest
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&" ".repeat(i * 2));
            text.push_str(if i % 3 == 0 {
                "- x\n\n"
            } else if i % 3 == 1 {
                "1. y\n\n"
            } else {
                "> z\n\n"
            });
        }
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || parse(&text))
            .expect("thread")
            .join()
            .expect("no overflow");
        assert!(out.contains("Maximum nesting depth"));
    }

    #[test]
    fn nested_directives_fit_a_two_megabyte_stack() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&" ".repeat(3 * i));
            text.push_str(".. note::\n\n");
        }
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || parse(&text))
            .expect("thread")
            .join()
            .expect("no overflow");
        assert!(out.contains("Maximum nesting depth"), "{out}");
    }

    #[test]
    fn metas_and_decoration_go_to_the_front() {
        let settings = Settings::default();
        let mut st = DocState::new(&settings);
        st.insert_front(vec![Element::new(Kind::Meta).with_attr("name", "a")]);
        st.decoration();
        let out = parse_document(&mut st, "para\n").pformat();
        assert!(out.starts_with("<document source=\"<stdin>\">\n    <meta name=\"a\">\n    <decoration>\n    <paragraph>"), "{out}");
    }

    #[test]
    fn line_length_limit_spares_data_uris() {
        let long = "x".repeat(10_001);
        assert!(parse(&format!("a\n{long}\n")).contains("Line 2 exceeds the line-length-limit."));
        let uri = format!(".. image:: data:image/png;base64,{long}\n");
        assert!(!parse(&uri).contains("line-length-limit"));
    }

    #[test]
    fn splits_lines_like_python() {
        let v: Vec<&str> = split_lines("a\r\nb\rc\u{2028}d\n\ne\n")
            .map(|(l, _)| l)
            .collect();
        assert_eq!(v, vec!["a", "b", "c", "d", "", "e"]);
    }

    #[test]
    fn splits_long_lines_word_by_word() {
        // Breaks and tabs anywhere in an eight-byte word, and UTF-8 that
        // only looks like a break (U+2027, U+0086) or straddles two words.
        let text = "0123456\u{2029}abcdefghijklmn\u{85}x\u{2027}\u{86}é\t0123456789\x1dend\rlast";
        let v: Vec<(&str, bool)> = split_lines(text).collect();
        assert_eq!(
            v,
            vec![
                ("0123456", false),
                ("abcdefghijklmn", false),
                ("x\u{2027}\u{86}é\t0123456789", true),
                ("end", false),
                ("last", false),
            ]
        );
        for k in 1..20 {
            let s = format!("{}\u{2028}{}", "y".repeat(k), "z".repeat(k));
            let v: Vec<&str> = split_lines(&s).map(|(l, _)| l).collect();
            assert_eq!(v, vec!["y".repeat(k), "z".repeat(k)]);
        }
    }

    #[test]
    fn tabs_expand_and_other_lines_are_borrowed() {
        assert_eq!(expand_line("a\tb\x0cc  ", 8), "a       b c");
        let (line, ctl) = split_lines("plain text   \n").next().unwrap_or_default();
        assert!(!ctl);
        assert_eq!(line, "plain text   ");
    }

    #[test]
    fn classifier_split() {
        let mut none = std::iter::empty();
        assert_eq!(
            split_classifiers("a : b : c", &mut none),
            vec!["a", "b", "c"]
        );
        assert_eq!(split_classifiers("a:b", &mut none), vec!["a:b"]);
        let flags = escaped_separators("a \\: b : c");
        assert_eq!(flags, vec![true, false]);
        let parts = split_classifiers("a : b : c", &mut flags.into_iter());
        assert_eq!(parts, vec!["a : b", "c"]);
    }
}
