//! Directives: the registry, argument and option parsing (docutils
//! `states.run_directive` / `parse_directive_block`), and each directive
//! (docutils `parsers/rst/directives/*.py`, plus Nikola's).
//!
//! The block parser calls [`run`] with a [`DirectiveCall`]; each directive
//! gets a parsed [`Directive`] and returns nodes or a [`DirError`], which
//! becomes a system message with the directive's text, as in docutils.

mod body;
mod convert;
mod images;
mod lang;
mod misc;
mod nikola;
mod parts;
mod stdinclude;
mod tables;

use super::block::Parser;
use crate::doctree::{Element, Kind, Level, Node};
use convert::Conv;

pub use convert::{OptVal, make_id, py_repr};

/// A directive as the block parser found it.
#[derive(Clone, Debug, Default)]
pub struct DirectiveCall {
    /// The directive name as written.
    pub name: String,
    /// `lines[0]`: text after `::` on the first line; then the indented
    /// block, dedented.
    pub lines: Vec<String>,
    /// 1-based line of the `..`.
    pub lineno: u32,
    /// 0-based source line of `lines[1]`.
    pub content_offset: usize,
    /// The whole directive text (docutils' `block_text`).
    pub block_text: String,
    /// The substitution name inside `.. |name| directive::`.
    pub substitution: Option<String>,
}

/// A parsed directive, as docutils' `Directive` instance.
#[derive(Clone, Debug)]
pub struct Directive {
    /// The name as written.
    pub name: String,
    /// The registered (English) name it resolved to, lowercase.
    pub canonical: String,
    pub arguments: Vec<String>,
    pub options: Vec<(String, OptVal)>,
    pub content: Vec<String>,
    pub lineno: u32,
    /// 0-based source line of `content[0]`.
    pub content_offset: usize,
    pub block_text: String,
    pub substitution: Option<String>,
}

/// docutils' `DirectiveError`: one system message at `level` with the
/// directive's text attached.
#[derive(Clone, Debug)]
pub struct DirError {
    pub level: Level,
    pub msg: String,
}

pub type DirResult = Result<Vec<Node>, DirError>;

fn err(msg: impl Into<String>) -> DirError {
    DirError {
        level: Level::Error,
        msg: msg.into(),
    }
}

fn warning(msg: impl Into<String>) -> DirError {
    DirError {
        level: Level::Warning,
        msg: msg.into(),
    }
}

/// A directive class: argument counts, options, content, and its `run`.
pub struct Spec {
    pub required: usize,
    pub optional: usize,
    pub final_ws: bool,
    pub options: &'static [(&'static str, Conv)],
    pub content: bool,
    pub run: fn(&mut Parser, &mut Directive) -> DirResult,
}

/// Runs a directive and returns the nodes to insert in its place.
pub fn run(parser: &mut Parser, call: DirectiveCall) -> Vec<Node> {
    // Nested directives recurse through here: the frame is kept small (the
    // name lookup and messages live in their own frames, popped by now).
    let mut out: Vec<Node> = Vec::new();
    let Some((spec, canonical)) = resolve(parser, &call, &mut out) else {
        out.push(unknown_directive(parser, &call).into());
        return out;
    };
    out.extend(run_spec(parser, spec, call, &canonical));
    out
}

/// The directive's spec and canonical name; an INFO in `out` when the name
/// is found only through the English fallback (or not at all).
#[inline(never)]
fn resolve(
    parser: &mut Parser,
    call: &DirectiveCall,
    out: &mut Vec<Node>,
) -> Option<(&'static Spec, String)> {
    let norm = call.name.to_lowercase();
    // Nikola registers its directives by name: no language lookup.
    if let Some(spec) = nikola_directive(&norm) {
        return Some((spec, norm));
    }
    let (lang, table) = language_table(&parser.state.settings.language);
    let canonical = match find(table, &norm) {
        Some(c) => c.to_owned(),
        None => {
            let english = language_table("en").1;
            let (canonical, how) = match find(english, &norm) {
                Some(c) => (
                    c.to_owned(),
                    format!("Using English fallback for directive \"{}\".", call.name),
                ),
                None => (
                    norm.clone(),
                    format!("Trying \"{}\" as canonical directive name.", call.name),
                ),
            };
            let msg = format!(
                "No directive entry for \"{}\" in module \"docutils.parsers.rst.languages.{lang}\".\n{how}",
                call.name
            );
            let info = parser
                .state
                .system_message(Level::Info, &msg, Some(call.lineno), vec![]);
            out.push(info.into());
            canonical
        }
    };
    registry(&canonical).map(|spec| (spec, canonical))
}

/// The directive-name table of a language (docutils' `get_language`: the
/// full tag, then its first part, else English), with its module name.
fn language_table(code: &str) -> (&'static str, &'static [(&'static str, &'static str)]) {
    let tag = code.to_lowercase().replace('-', "_");
    let short = tag.split('_').next().unwrap_or("");
    let pick = |t: &str| lang::DIRECTIVES.iter().find(|(c, _)| *c == t).copied();
    pick(&tag)
        .or_else(|| pick(short))
        .or_else(|| pick("en"))
        .unwrap_or(("en", &[]))
}

fn find(table: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    table
        .binary_search_by(|(k, _)| (*k).cmp(name))
        .ok()
        .map(|i| table[i].1)
}

/// The module name used in language messages (`en`, `de`, ...).
fn language(parser: &Parser) -> &'static str {
    language_table(&parser.state.settings.language).0
}

fn unknown_directive(parser: &mut Parser, call: &DirectiveCall) -> Element {
    let text = call.block_text.trim_end_matches(['\n', ' ']);
    let lit = literal(text);
    parser.state.system_message(
        Level::Error,
        &format!("Unknown directive type \"{}\".", call.name),
        Some(call.lineno),
        vec![lit],
    )
}

/// A `literal_block` holding `text` (for system-message details).
pub fn literal(text: &str) -> Element {
    Element::new(Kind::LiteralBlock)
        .with_attr("xml:space", "preserve")
        .with_text(text)
}

/// Runs a directive class on a call (also used for aliases like `listing`).
pub fn run_spec(
    parser: &mut Parser,
    spec: &Spec,
    call: DirectiveCall,
    canonical: &str,
) -> Vec<Node> {
    let lineno = call.lineno;
    // Kept for the messages; boxed, so this recursive frame stays small.
    let block_text = Box::new(call.block_text.clone());
    let name = call.name.clone();
    let mut directive = match parse_directive_block(parser, spec, call) {
        Ok(d) => Box::new(d),
        Err(msg) => {
            let msg = format!("Error in \"{name}\" directive:\n{msg}.");
            return vec![failed(parser, Level::Error, &msg, lineno, &block_text)];
        }
    };
    directive.canonical = canonical.to_owned();
    match (spec.run)(parser, &mut directive) {
        Ok(nodes) => nodes,
        Err(e) => vec![failed(parser, e.level, &e.msg, lineno, &block_text)],
    }
}

/// The system message for a directive that failed, with its text attached.
#[inline(never)]
fn failed(parser: &mut Parser, level: Level, msg: &str, lineno: u32, block_text: &str) -> Node {
    let m = parser
        .state
        .system_message(level, msg, Some(lineno), vec![literal(block_text)]);
    m.into()
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// docutils' `parse_directive_block`: splits arguments, options and content.
fn parse_directive_block(
    parser: &mut Parser,
    spec: &Spec,
    call: DirectiveCall,
) -> Result<Directive, String> {
    let _ = parser;
    let presets: Vec<(String, OptVal)> = match &call.substitution {
        Some(name) => vec![("alt".into(), OptVal::Str(name.clone()))],
        None => Vec::new(),
    };
    // lines[0] sits on the directive's own line.
    let line_offset = call.content_offset.saturating_sub(1);
    let block = split_block(spec, call.lines, line_offset, presets)?;
    Ok(Directive {
        canonical: String::new(),
        name: call.name,
        arguments: block.arguments,
        options: block.options,
        content: block.content,
        lineno: call.lineno,
        content_offset: block.content_offset,
        block_text: call.block_text,
        substitution: call.substitution,
    })
}

/// A directive block split into its parts.
pub struct Block {
    pub arguments: Vec<String>,
    pub options: Vec<(String, OptVal)>,
    pub content: Vec<String>,
    pub content_offset: usize,
}

/// The splitting of `parse_directive_block`; `line_offset` is the 0-based
/// source line of `indented[0]`.
pub fn split_block(
    spec: &Spec,
    mut indented: Vec<String>,
    mut line_offset: usize,
    presets: Vec<(String, OptVal)>,
) -> Result<Block, String> {
    let has_args = spec.required > 0 || spec.optional > 0;
    let mut start = 0;
    if indented.first().is_some_and(|l| is_blank(l)) {
        start = 1;
        line_offset += 1;
    }
    let mut end = indented.len();
    while end > start && is_blank(&indented[end - 1]) {
        end -= 1;
    }
    indented.truncate(end);
    indented.drain(..start.min(end));

    // Lines move from `indented` to the blocks, never copied.
    let (mut arg_block, mut content, mut content_offset);
    let mut blank = None;
    if !indented.is_empty() && (has_args || !spec.options.is_empty()) {
        let i = indented
            .iter()
            .position(|l| is_blank(l))
            .unwrap_or(indented.len());
        let mut rest = indented.split_off(i);
        if !rest.is_empty() {
            blank = Some(rest.remove(0));
        }
        arg_block = indented;
        content = rest;
        content_offset = line_offset + i + 1;
    } else {
        arg_block = Vec::new();
        content = indented;
        content_offset = line_offset;
    }
    let mut options = Vec::new();
    if !spec.options.is_empty() {
        options = presets;
        if let Some(i) = arg_block
            .iter()
            .position(|l| convert::field_marker(l).is_some())
        {
            let opt_block = arg_block.split_off(i);
            for (k, v) in convert::parse_options(spec.options, &opt_block)? {
                match options.iter_mut().find(|(n, _)| *n == k) {
                    Some(slot) => slot.1 = v,
                    None => options.push((k, v)),
                }
            }
        }
    }
    if !arg_block.is_empty() && !has_args {
        let rest = std::mem::replace(&mut content, arg_block);
        content.extend(blank);
        content.extend(rest);
        content_offset = line_offset;
        arg_block = Vec::new();
    }
    let lead = content.iter().take_while(|l| is_blank(l)).count();
    content.drain(..lead);
    content_offset += lead;
    let arguments = if has_args {
        parse_arguments(spec, &arg_block)?
    } else {
        Vec::new()
    };
    if !content.is_empty() && !spec.content {
        return Err("no content permitted".into());
    }
    Ok(Block {
        arguments,
        options,
        content,
        content_offset,
    })
}

fn parse_arguments(spec: &Spec, arg_block: &[String]) -> Result<Vec<String>, String> {
    let text = arg_block.join("\n");
    let args: Vec<&str> = text.split_whitespace().collect();
    let max = spec.required + spec.optional;
    if args.len() < spec.required {
        return Err(format!(
            "{} argument(s) required, {} supplied",
            spec.required,
            args.len()
        ));
    }
    if args.len() <= max {
        return Ok(args.into_iter().map(str::to_owned).collect());
    }
    if !spec.final_ws {
        return Err(format!(
            "maximum {max} argument(s) allowed, {} supplied",
            args.len()
        ));
    }
    Ok(split_max(&text, max.saturating_sub(1)))
}

/// Python's `str.split(None, maxsplit)`.
fn split_max(text: &str, maxsplit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if out.len() == maxsplit {
            out.push(rest.to_owned());
            break;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        out.push(rest[..end].to_owned());
        rest = rest[end..].trim_start();
    }
    out
}

impl Directive {
    pub fn opt(&self, name: &str) -> Option<&OptVal> {
        self.options.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn has(&self, name: &str) -> bool {
        self.opt(name).is_some()
    }

    pub fn opt_str(&self, name: &str) -> Option<&str> {
        match self.opt(name) {
            Some(OptVal::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn take(&mut self, name: &str) -> Option<OptVal> {
        let i = self.options.iter().position(|(k, _)| k == name)?;
        Some(self.options.remove(i).1)
    }

    /// The `class` option's values.
    pub fn classes(&self) -> Vec<String> {
        match self.opt("class") {
            Some(OptVal::List(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    /// `assert_has_content`.
    pub fn need_content(&self) -> Result<(), DirError> {
        if self.content.is_empty() {
            return Err(err(format!(
                "Content block expected for the \"{}\" directive; none found.",
                self.name
            )));
        }
        Ok(())
    }

    pub fn content_refs(&self) -> Vec<&str> {
        self.content.iter().map(String::as_str).collect()
    }

    /// `add_name`: the `name` option becomes a normalized name and an
    /// explicit target. A duplicate-name message goes into the node itself,
    /// as docutils' `note_explicit_target(node, node)` does.
    pub fn add_name(&mut self, parser: &mut Parser, node: &mut Element) {
        let Some(OptVal::Str(name)) = self.take("name") else {
            return;
        };
        node.attrs.names.push(fully_normalize_name(&name));
        // The node has no line yet in docutils: a duplicate-name message
        // takes the state machine's line.
        let line = node.line.take();
        let cur = parser.state.current_line.replace(parser.directive_line);
        let msg = parser.state.note_explicit_target(node);
        (node.line, parser.state.current_line) = (line, cur);
        // docutils drops the message where the content model has no room.
        if let Some(m) = msg
            && super::state::accepts_body(node.kind)
        {
            node.push(m);
        }
    }

    /// A system message with the directive text attached (docutils'
    /// `reporter.error(..., literal_block(block_text))`).
    pub fn message(&self, parser: &mut Parser, level: Level, msg: &str) -> Node {
        parser
            .state
            .system_message(
                level,
                msg,
                Some(self.lineno),
                vec![literal(&self.block_text)],
            )
            .into()
    }

    /// Options other than `class`/`name` become attributes; `class` becomes
    /// `classes` (docutils' `normalize_options` + `**options`).
    pub fn apply_options(&self, node: &mut Element, skip: &[&str]) {
        for (k, v) in &self.options {
            if k == "name" || skip.contains(&k.as_str()) {
                continue;
            }
            if k == "class" {
                if let OptVal::List(c) = v {
                    node.attrs.classes.extend(c.iter().cloned());
                }
                continue;
            }
            node.set(k, v.attr_string());
        }
    }
}

/// `fully_normalize_name`: lowercase, whitespace collapsed.
pub fn fully_normalize_name(name: &str) -> String {
    name.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `whitespace_normalize_name`.
pub fn whitespace_normalize_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inline-parses `text` (a title or argument) on `line`.
pub fn inline_text(parser: &mut Parser, text: &str, line: u32) -> (Vec<Node>, Vec<Element>) {
    super::inline::parse(parser.state, text, line)
}

/// Nested-parses `lines` into a fresh anonymous element (docutils'
/// `nodes.Element()`) and returns its children.
pub fn parse_into(parser: &mut Parser, lines: &[String], offset: usize) -> Vec<Node> {
    let mut container = Element::new(Kind::Container);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    // The anonymous element is no body element: nothing is refused in it.
    PARENTS.with(|p| p.borrow_mut().push(Kind::Document));
    parser.nested_parse(&refs, offset, &mut container, false);
    PARENTS.with(|p| p.borrow_mut().pop());
    container.children
}

thread_local! {
    /// Kinds of the elements whose content directives are parsing now,
    /// innermost last (docutils' `state_machine.node`, as far as directives
    /// nest; the block parser's own containers are not tracked).
    static PARENTS: std::cell::RefCell<Vec<Kind>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Nested-parses `lines` as the content of `node`.
pub fn nested(parser: &mut Parser, lines: &[String], offset: usize, node: &mut Element) {
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    PARENTS.with(|p| p.borrow_mut().push(node.kind));
    parser.nested_parse(&refs, offset, node, false);
    PARENTS.with(|p| p.borrow_mut().pop());
}

/// The kind of the element a directive's output goes into, when known.
pub fn parent_kind() -> Option<Kind> {
    PARENTS.with(|p| p.borrow().last().copied())
}

/// Nikola's directives, registered under their names.
fn nikola_directive(name: &str) -> Option<&'static Spec> {
    Some(match name {
        "youtube" => &nikola::YOUTUBE,
        "vimeo" => &nikola::VIMEO,
        "media" => &nikola::MEDIA,
        "gist" => &nikola::GIST,
        "listing" => &nikola::LISTING,
        "thumbnail" => &images::THUMBNAIL,
        "post-list" | "post_list" => &nikola::POST_LIST,
        "soundcloud" | "soundcloud_playlist" => &nikola::SOUNDCLOUD,
        "chart" => &nikola::CHART,
        _ => return None,
    })
}

/// docutils' `_directive_registry`: canonical name to directive class.
fn registry(name: &str) -> Option<&'static Spec> {
    Some(match name {
        "attention" | "caution" | "danger" | "error" | "hint" | "important" | "note" | "tip"
        | "warning" => &body::ADMONITION,
        "admonition" => &body::GENERIC_ADMONITION,
        "topic" => &body::TOPIC,
        "sidebar" => &body::SIDEBAR,
        "line-block" => &body::LINE_BLOCK,
        "parsed-literal" => &body::PARSED_LITERAL,
        "code" => &body::CODE,
        "math" => &body::MATH,
        "rubric" => &body::RUBRIC,
        "epigraph" | "highlights" | "pull-quote" => &body::BLOCK_QUOTE,
        "compound" => &body::COMPOUND,
        "container" => &body::CONTAINER,
        "table" => &tables::TABLE,
        "csv-table" => &tables::CSV_TABLE,
        "list-table" => &tables::LIST_TABLE,
        "image" => &images::IMAGE,
        "figure" => &images::FIGURE,
        "contents" => &parts::CONTENTS,
        "sectnum" => &parts::SECTNUM,
        "header" | "footer" => &parts::DECORATION,
        "target-notes" => &parts::TARGET_NOTES,
        "meta" => &misc::META,
        "include" => &misc::INCLUDE,
        "raw" => &misc::RAW,
        "replace" => &misc::REPLACE,
        "unicode" => &misc::UNICODE,
        "date" => &misc::DATE,
        "class" => &misc::CLASS,
        "role" => &misc::ROLE,
        "default-role" => &misc::DEFAULT_ROLE,
        "title" => &misc::TITLE,
        "restructuredtext-test-directive" => &misc::TEST,
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
