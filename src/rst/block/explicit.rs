//! Explicit markup (`..` constructs and `__` anonymous targets): footnotes,
//! citations, hyperlink targets, substitution definitions, directives and
//! comments (docutils `Body.explicit_construct` and friends).

use super::scan::{self, Pat, classify, escape2null, is_blank, spaces_or_end};
use super::{
    Machine, Parser, literal, normalize_name, preformatted, trim_trailing_blank,
    whitespace_normalize_name,
};
use crate::doctree::{Element, Kind, Level, Node};
use crate::rst::directives::{self, DirectiveCall};

/// Elements docutils counts as `nodes.Inline` (kept inside substitutions).
fn is_inline(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Emphasis
            | Kind::Strong
            | Kind::Literal
            | Kind::Reference
            | Kind::FootnoteReference
            | Kind::CitationReference
            | Kind::SubstitutionReference
            | Kind::TitleReference
            | Kind::Abbreviation
            | Kind::Acronym
            | Kind::Superscript
            | Kind::Subscript
            | Kind::Math
            | Kind::Image
            | Kind::Inline
            | Kind::Problematic
            | Kind::Generated
            | Kind::Target
            | Kind::Raw
    )
}

/// The label of `[label]` at the start of `s` and the end of the match
/// `\[label\]([ ]+|$)`.
fn bracket_label(s: &str) -> Option<(&str, usize)> {
    let inner = s.strip_prefix('[')?;
    let close = inner.find(']')?;
    let end = spaces_or_end(s, close + 2)?;
    Some((&inner[..close], end))
}

fn is_footnote_label(label: &str) -> bool {
    (!label.is_empty() && label.bytes().all(|c| c.is_ascii_digit()))
        || label == "#"
        || label == "*"
        || label.strip_prefix('#').is_some_and(scan::is_simplename)
}

/// The chars `c` of `s` (a prefix in bytes) as a column count.
fn chars(s: &str, end: usize) -> usize {
    s.get(..end).map_or(end, |p| p.chars().count())
}

/// The last `n` characters of `s`.
fn last_chars(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if n >= count {
        return s;
    }
    match s.char_indices().nth(count - n) {
        Some((i, _)) => &s[i..],
        None => "",
    }
}

/// Where the first problem inside a substitution definition is.
enum SubstIssue {
    Problematic,
    Illegal(&'static str),
}

fn substitution_issue(el: &Element) -> Option<SubstIssue> {
    for child in el.elements() {
        if child.kind == Kind::Problematic {
            return Some(SubstIssue::Problematic);
        }
        if child.kind == Kind::Reference && child.get("anonymous").is_some() {
            return Some(SubstIssue::Illegal("Anonymous references"));
        }
        if child.kind == Kind::FootnoteReference && child.get("auto").is_some() {
            return Some(SubstIssue::Illegal(
                "References to auto-numbered and auto-symbol footnotes",
            ));
        }
        if !child.attrs.names.is_empty() || !child.attrs.ids.is_empty() {
            return Some(SubstIssue::Illegal("Targets (names and identifiers)"));
        }
        if let Some(issue) = substitution_issue(child) {
            return Some(issue);
        }
    }
    None
}

impl Parser<'_, '_> {
    /// `Body.explicit_markup`, then the `Explicit` state for what follows.
    pub(super) fn explicit_markup(&mut self, m: &mut Machine, end: usize) {
        let bf = self.explicit_construct(m, end);
        // after inserted input (padded with blank lines) the document-level
        // machine goes on: no explicit list, no unindent warning
        if !self.run_pending_input(m) {
            self.explicit_list(m, bf);
        }
    }

    /// `Body.anonymous` (`__ uri`).
    pub(super) fn anonymous(&mut self, m: &mut Machine, end: usize) {
        let bf = self.anonymous_target(m, end);
        self.explicit_list(m, bf);
    }

    fn explicit_list(&mut self, m: &mut Machine, mut blank_finish: bool) {
        let was = self.freeze(m);
        while let Some(line) = m.line(m.pos) {
            let (pat, e) = classify(line);
            blank_finish = match pat {
                Pat::Explicit => self.explicit_construct(m, e),
                Pat::Anonymous => self.anonymous_target(m, e),
                _ => break,
            };
            if self.run_pending_input(m) {
                blank_finish = true;
                break;
            }
        }
        self.frozen = was;
        if !blank_finish {
            let mut w = self.unindent_warning(m, "Explicit markup");
            if m.pos >= m.lines.len() {
                // docutils' nested `Explicit` machine ran off the end, leaving
                // the parent one line past it (only substitution quirks get here)
                let line = (m.offset + m.lines.len() + 2) as u32;
                w.set("line", line.to_string());
                w.line = Some(line);
                if let Some(d) = self.state.diagnostics.last_mut() {
                    d.line = Some(line);
                }
            }
            m.push(w);
        }
    }

    /// Tries each explicit construct on the `..` line at `pos`; falls back
    /// to a comment. Returns blank_finish.
    fn explicit_construct(&mut self, m: &mut Machine, end: usize) -> bool {
        let line = m.lines[m.pos];
        let spaces = line[2..].len() - line[2..].trim_start_matches(' ').len();
        if spaces == 0 {
            return self.comment(m, m.pos, line, end);
        }
        let s = 2 + spaces;
        let rest = &line[s..];
        if let Some((label, e)) = bracket_label(rest) {
            if is_footnote_label(label) {
                return self.footnote(m, label.to_owned(), s + e);
            }
            if scan::is_simplename(label) {
                return self.citation(m, label.to_owned(), s + e);
            }
        }
        let second = rest.as_bytes().get(1);
        let opens =
            |c: u8| rest.as_bytes().first() == Some(&c) && second.is_some_and(|b| *b != b' ');
        if opens(b'_') {
            return match self.hyperlink_target(m, s + 1) {
                Some(bf) => bf,
                None => self.markup_error(m, line, end, "malformed hyperlink target."),
            };
        }
        if opens(b'|') {
            return match self.substitution_def(m, s + 1) {
                Some(bf) => bf,
                None => self.markup_error(m, line, end, "malformed substitution definition."),
            };
        }
        let n = scan::simplename_len(rest);
        if n > 0 {
            let after = &rest[n..];
            let colons = if after.starts_with(" ::") { n + 1 } else { n };
            if rest[colons..].starts_with("::")
                && let Some(e) = spaces_or_end(rest, colons + 2)
            {
                let name = rest[..n].to_owned();
                let (nodes, bf) = self.directive(m, s + e, name, None);
                m.extend(nodes);
                return bf;
            }
        }
        self.comment(m, m.pos, line, end)
    }

    /// A `MarkupError`: a warning, then docutils parses a comment from the
    /// line it had reached.
    fn markup_error(&mut self, m: &mut Machine, first: &str, end: usize, text: &str) -> bool {
        let w = self.msg(Level::Warning, text, m.current_lineno(), Vec::new());
        let cur = m.pos.saturating_sub(1);
        let bf = self.comment(m, cur, first, end);
        // the warning follows the comment, as docutils' `nodelist + errors`
        m.push(w);
        bf
    }

    fn comment(&mut self, m: &mut Machine, cur: usize, first: &str, end: usize) -> bool {
        if m.line(cur + 1).is_none_or(is_blank) {
            if is_blank(first.get(end..).unwrap_or("")) {
                m.push(preformatted(Kind::Comment, ""));
                m.pos = cur + 1;
                return true;
            }
            // only the marker we appended, not look-alikes in the file
            if m.include_end == Some(cur) {
                self.state.include_log.pop();
                m.pos = cur + 1;
                return true;
            }
        }
        m.pos = cur;
        let mut b = self.get_first_known_indented(m, chars(first, end), false, true, true);
        trim_trailing_blank(&mut b.lines);
        m.push(preformatted(Kind::Comment, &b.lines.join("\n")));
        b.blank_finish
    }

    fn footnote(&mut self, m: &mut Machine, label: String, end: usize) -> bool {
        let lineno = m.lineno(m.pos);
        let indent = chars(m.lines[m.pos], end);
        let b = self.get_first_known_indented(m, indent, false, true, true);
        let mut name = normalize_name(&label);
        let mut footnote = Element::new(Kind::Footnote).with_line(lineno);
        if let Some(rest) = name.strip_prefix('#') {
            name = rest.to_owned();
            footnote.set("auto", "1");
            if !name.is_empty() {
                footnote.attrs.names.push(name.clone());
            }
            self.state.set_id(&mut footnote);
        } else if name == "*" {
            name.clear();
            footnote.set("auto", "*");
            self.state.set_id(&mut footnote);
        } else {
            footnote.push(Element::new(Kind::Label).with_text(label));
            footnote.attrs.names.push(name.clone());
            self.state.set_id(&mut footnote);
        }
        if name.is_empty() {
            self.state.set_id(&mut footnote);
        } else if let Some(msg) = self.state.note_explicit_target(&mut footnote) {
            footnote.push(msg);
        }
        if b.lines.is_empty() {
            let w = self.msg(
                Level::Warning,
                "Footnote content expected.",
                self.report_line(m),
                Vec::new(),
            );
            footnote.push(w);
        } else {
            self.nested_parse(&b.lines, b.offset, &mut footnote, false);
        }
        m.push(footnote);
        b.blank_finish
    }

    fn citation(&mut self, m: &mut Machine, label: String, end: usize) -> bool {
        let lineno = m.lineno(m.pos);
        let indent = chars(m.lines[m.pos], end);
        let b = self.get_first_known_indented(m, indent, false, true, true);
        let mut citation = Element::new(Kind::Citation).with_line(lineno);
        citation.attrs.names.push(normalize_name(&label));
        citation.push(Element::new(Kind::Label).with_text(label));
        if let Some(msg) = self.state.note_explicit_target(&mut citation) {
            citation.push(msg);
        }
        if b.lines.is_empty() {
            let w = self.msg(
                Level::Warning,
                "Citation content expected.",
                self.report_line(m),
                Vec::new(),
            );
            citation.push(w);
        } else {
            self.nested_parse(&b.lines, b.offset, &mut citation, false);
        }
        m.push(citation);
        b.blank_finish
    }

    /// `Body.hyperlink_target`; `None` for a malformed target.
    fn hyperlink_target(&mut self, m: &mut Machine, end: usize) -> Option<bool> {
        let line = m.lines[m.pos];
        let lineno = m.lineno(m.pos);
        let b = self.get_first_known_indented(m, chars(line, end), true, false, true);
        let blocktext = format!("{}{}", &line[..end], b.lines.join("\n"));
        let escaped: Vec<String> = b.lines.iter().map(|l| escape2null(l)).collect();
        let mut esc: Vec<char> = escaped.first()?.chars().collect();
        let mut bi = 0;
        let mut from = 0;
        let (mend, name) = loop {
            if let Some(r) = scan::target_match(&esc, from) {
                break r;
            }
            bi += 1;
            from = esc.len();
            esc.extend(escaped.get(bi)?.chars());
        };
        let rem = esc.len() - mend;
        let padded = format!("{} ", escaped[bi]);
        let first = last_chars(&padded, rem + 1).trim().to_owned();
        let mut block = vec![first];
        block.extend(escaped[bi + 1..].iter().cloned());
        self.make_target(m, &block, &blocktext, lineno, name.as_deref().unwrap_or(""));
        Some(b.blank_finish)
    }

    /// `Body.anonymous_target` (`__ uri`).
    fn anonymous_target(&mut self, m: &mut Machine, end: usize) -> bool {
        let line = m.lines[m.pos];
        let lineno = m.lineno(m.pos);
        let b = self.get_first_known_indented(m, chars(line, end), true, true, true);
        let blocktext = format!("{}{}", &line[..end], b.lines.join("\n"));
        let block: Vec<String> = b.lines.iter().map(|l| escape2null(l)).collect();
        self.make_target(m, &block, &blocktext, lineno, "");
        b.blank_finish
    }

    /// `make_target` + `parse_target` + `add_target`.
    fn make_target(
        &mut self,
        m: &mut Machine,
        block: &[String],
        blocktext: &str,
        lineno: u32,
        name: &str,
    ) {
        // the source text: transforms quote it in `problematic` nodes
        let mut target = Element::new(Kind::Target)
            .with_line(lineno)
            .with_attr(".rawsource", blocktext);
        let mut refuri = String::new();
        let indirect = block
            .last()
            .is_some_and(|l| l.trim().ends_with('_'))
            .then(|| {
                let r = block.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
                scan::is_reference(&whitespace_normalize_name(&r))
            })
            .flatten();
        match indirect {
            Some(refname) => target.set("refname", normalize_name(&refname)),
            None => {
                let joined = block.join(" ");
                refuri = joined
                    .split("\0 ")
                    .flat_map(|p| p.split("\0\n"))
                    .map(|p| scan::unescape(p).split_whitespace().collect::<String>())
                    .collect::<Vec<_>>()
                    .join(" ");
            }
        }
        if name.is_empty() {
            if !refuri.is_empty() {
                target.set("refuri", refuri);
            }
            target.set("anonymous", "1");
            self.state.set_id(&mut target);
        } else {
            target
                .attrs
                .names
                .push(normalize_name(&scan::unescape(name)));
            if !refuri.is_empty() {
                let uri = if scan::is_email(&refuri) {
                    format!("mailto:{refuri}")
                } else {
                    refuri
                };
                target.set("refuri", uri);
            }
            if let Some(msg) = self.state.note_explicit_target(&mut target) {
                m.push(msg);
            }
        }
        m.push(target);
    }

    /// `Body.substitution_def`; `None` for a malformed definition.
    fn substitution_def(&mut self, m: &mut Machine, end: usize) -> Option<bool> {
        let line = m.lines[m.pos];
        let lineno = m.lineno(m.pos);
        let b = self.get_first_known_indented(m, chars(line, end), false, false, true);
        let blocktext = format!("{}{}", &line[..end], b.lines.join("\n"));
        let mut esc: Vec<char> = escape2null(b.lines.first()?.trim_end()).chars().collect();
        let mut bi = 0;
        let mut from = 0;
        let (mend, subname) = loop {
            if let Some(r) = scan::substitution_match(&esc, from) {
                break r;
            }
            bi += 1;
            from = esc.len();
            esc.push(' ');
            esc.extend(escape2null(b.lines.get(bi)?.trim()).chars());
        };
        let rem = esc.len() - mend;
        let mut offset = b.offset;
        let mut block: Vec<&str> = vec![last_chars(b.lines[bi].trim(), rem)];
        block.extend(b.lines[bi + 1..].iter().copied());
        if block[0].is_empty() {
            block.remove(0);
            offset += 1;
        }
        trim_trailing_blank(&mut block);
        if block.is_empty() {
            let w = self.msg(
                Level::Warning,
                &format!("Substitution definition \"{subname}\" missing contents."),
                lineno,
                vec![literal(&blocktext)],
            );
            m.push(w);
            return Some(b.blank_finish);
        }
        block[0] = block[0].trim();
        let norm = whitespace_normalize_name(&subname);
        let mut subdef = Element::new(Kind::SubstitutionDefinition)
            .with_line(lineno)
            .with_attr(".rawsource", blocktext.as_str());
        subdef.attrs.names.push(norm.clone());
        // the `SubstitutionDef` state: blank lines and block quotes (it is a
        // `Body`), then an embedded directive or text, which ends it
        let mut blank_finish = b.blank_finish;
        let mut sub = Machine::new(
            &block,
            offset,
            false,
            Element::new(Kind::SubstitutionDefinition),
            0,
        );
        while let Some(line) = sub.line(sub.pos) {
            if is_blank(line) {
                sub.pos += 1;
                continue;
            }
            if line.starts_with(' ') {
                self.block_quote_at(&mut sub);
                continue;
            }
            let n = scan::simplename_len(line);
            let dir_end = (n > 0 && line[n..].starts_with("::"))
                .then(|| spaces_or_end(line, n + 2))
                .flatten();
            let not_eof = sub.pos + 1 < block.len();
            match dir_end {
                Some(e) => {
                    let name = line[..n].to_owned();
                    let (nodes, dir_bf) = self.directive(&mut sub, e, name, Some(norm.clone()));
                    if sub.pos < block.len() {
                        blank_finish = dir_bf;
                    }
                    sub.root.children.extend(nodes);
                }
                // `SubstitutionDef.text`: the next line decides
                None if not_eof => blank_finish = is_blank(block[sub.pos + 1]),
                None => {}
            }
            break;
        }
        for node in std::mem::take(&mut sub.root.children) {
            match node {
                // `unicode`'s trim options belong on the definition
                Node::Element(el) if el.get(".trim").is_some() => {
                    for side in ["ltrim", "rtrim"] {
                        if el.get(&format!(".{side}")).is_some() {
                            subdef.set(side, "1");
                        }
                    }
                }
                Node::Element(el) if !is_inline(el.kind) => m.push(el),
                other => subdef.push(other),
            }
        }
        match substitution_issue(&subdef) {
            Some(SubstIssue::Problematic) => {
                let para = Element {
                    kind: Kind::Paragraph,
                    attrs: Default::default(),
                    children: std::mem::take(&mut subdef.children),
                    line: None,
                };
                let mut e = self.msg(
                    Level::Error,
                    "Problematic content in substitution definition",
                    lineno,
                    vec![literal(&blocktext)],
                );
                e.push(Element::new(Kind::BlockQuote).with_child(para));
                m.push(e);
                return Some(blank_finish);
            }
            Some(SubstIssue::Illegal(what)) => {
                let e = self.msg(
                    Level::Error,
                    &format!("{what} are not supported in a substitution definition."),
                    lineno,
                    vec![literal(&blocktext)],
                );
                m.push(e);
                return Some(blank_finish);
            }
            None => {}
        }
        if subdef.children.is_empty() {
            let w = self.msg(
                Level::Warning,
                &format!("Substitution definition \"{subname}\" empty or invalid."),
                lineno,
                vec![literal(&blocktext)],
            );
            m.push(w);
            return Some(blank_finish);
        }
        if let Some(e) = self.state.note_substitution_def(&mut subdef, &subname) {
            m.push(e);
        }
        m.push(subdef);
        Some(blank_finish)
    }

    /// Keeps `DocState::body_started` current for directives that insert
    /// at the document's start (each document child is checked once).
    fn note_body_started(&mut self, m: &Machine) {
        if self.state.body_started {
            return;
        }
        if !m.is_doc || !m.sections.is_empty() {
            // inside a body element or a section: the body has begun
            self.state.body_started = true;
            return;
        }
        let kids = m.root.children.get(self.doc_scanned..).unwrap_or(&[]);
        self.state.body_started = kids.iter().any(|n| {
            !n.as_element()
                .is_some_and(|e| super::super::state::is_front_kind(e.kind))
        });
        self.doc_scanned = m.root.children.len();
    }

    /// `Body.run_directive`: splits the directive block and runs it.
    fn directive(
        &mut self,
        m: &mut Machine,
        end: usize,
        name: String,
        substitution: Option<String>,
    ) -> (Vec<Node>, bool) {
        let (call, blank_finish) = self.directive_call(m, end, name, substitution);
        self.note_body_started(m);
        let saved = (self.directive_parent, self.directive_line);
        self.directive_parent = m.parent().kind;
        self.directive_line = self.report_line(m);
        self.state.current_line = Some(self.report_line(m));
        // a directive level costs two depth units: its frames are the largest
        self.depth += 1;
        let nodes = directives::run(self, *call);
        self.depth -= 1;
        (self.directive_parent, self.directive_line) = saved;
        let bf = blank_finish || m.line(m.pos).is_none_or(is_blank);
        (nodes, bf)
    }

    /// Splits the directive block at `pos` off the machine. Its own frame:
    /// `directive` recurses through nested directives and must stay small.
    #[inline(never)]
    fn directive_call(
        &mut self,
        m: &mut Machine,
        end: usize,
        name: String,
        substitution: Option<String>,
    ) -> (Box<DirectiveCall>, bool) {
        let cur = m.pos;
        let lineno = m.lineno(cur);
        let b = self.get_first_known_indented(m, chars(m.lines[cur], end), false, true, false);
        let block_text = m.lines[cur..m.pos.min(m.lines.len())].join("\n");
        let call = DirectiveCall {
            name,
            lines: b.lines.iter().map(|l| (*l).to_owned()).collect(),
            lineno,
            content_offset: b.offset + 1,
            block_text,
            substitution,
        };
        (Box::new(call), b.blank_finish)
    }
}
