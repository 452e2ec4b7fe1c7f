//! Body directives: admonitions (`admonitions.py`) and `body.py`.

use super::convert::Conv;
use super::{DirResult, Directive, Spec, err, inline_text, make_id};
use crate::doctree::{Element, Kind, Node};
use crate::rst::block::Parser;

const CLASS_NAME: &[(&str, Conv)] = &[("class", Conv::ClassOption), ("name", Conv::Unchanged)];

pub static ADMONITION: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: true,
    options: CLASS_NAME,
    content: true,
    run: admonition,
};

pub static GENERIC_ADMONITION: Spec = Spec {
    required: 1,
    ..ADMONITION
};

fn admonition(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    let name = d.canonical.clone();
    let kind = Kind::from_name(&name).unwrap_or(Kind::Admonition);
    let mut node = Element::new(kind).with_line(d.lineno);
    d.apply_options(&mut node, &[]);
    d.add_name(parser, &mut node);
    if kind == Kind::Admonition {
        let title_text = d.arguments.first().cloned().unwrap_or_default();
        let (nodes, messages) = inline_text(parser, &title_text, d.lineno);
        let mut title = Element::new(Kind::Title).with_line(d.lineno);
        title.children = nodes;
        node.push(title);
        for m in messages {
            node.push(m);
        }
        if !d.has("class") {
            node.attrs
                .classes
                .push(format!("admonition-{}", make_id(&title_text)));
        }
    }
    super::nested(parser, &d.content, d.content_offset, &mut node);
    Ok(vec![node.into()])
}

pub static TOPIC: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: CLASS_NAME,
    content: true,
    run: topic,
};

pub static SIDEBAR: Spec = Spec {
    required: 0,
    optional: 1,
    final_ws: true,
    options: &[
        ("class", Conv::ClassOption),
        ("name", Conv::Unchanged),
        ("subtitle", Conv::UnchangedRequired),
    ],
    content: true,
    run: sidebar,
};

fn sidebar(parser: &mut Parser, d: &mut Directive) -> DirResult {
    if super::parent_kind() == Some(Kind::Sidebar) {
        return Err(err(format!(
            "The \"{}\" directive may not be used within a sidebar element.",
            d.name
        )));
    }
    if d.has("subtitle") && d.arguments.is_empty() {
        return Err(err(
            "The \"subtitle\" option may not be used without a title.",
        ));
    }
    pseudo_section(parser, d, Kind::Sidebar)
}

fn topic(parser: &mut Parser, d: &mut Directive) -> DirResult {
    pseudo_section(parser, d, Kind::Topic)
}

/// Topics, sidebars and tables of contents belong in sections (and topics
/// in sidebars), not in body elements or other topics.
pub fn check_pseudo_section_parent(parser: &Parser, d: &Directive) -> Result<(), super::DirError> {
    // `parse_into`'s anonymous element (a container here) refuses nothing
    let anonymous = super::parent_kind() == Some(Kind::Document);
    match parser.parent_kind() {
        Kind::Document | Kind::Section | Kind::Sidebar => Ok(()),
        Kind::Container if anonymous => Ok(()),
        _ => Err(err(format!(
            "The \"{}\" directive may not be used within topics or body elements.",
            d.name
        ))),
    }
}

/// docutils' `BasePseudoSection.run` (topic and sidebar).
fn pseudo_section(parser: &mut Parser, d: &mut Directive, kind: Kind) -> DirResult {
    check_pseudo_section_parent(parser, d)?;
    d.need_content()?;
    let mut node = Element::new(kind).with_line(d.lineno);
    if let Some(title_text) = d.arguments.first().cloned() {
        let (nodes, mut messages) = inline_text(parser, &title_text, d.lineno);
        let mut title = Element::new(Kind::Title);
        title.children = nodes;
        node.push(title);
        if let Some(sub) = d.opt_str("subtitle").map(str::to_owned) {
            let (nodes, more) = inline_text(parser, &sub, d.lineno);
            let mut subtitle = Element::new(Kind::Subtitle);
            subtitle.children = nodes;
            node.push(subtitle);
            messages.extend(more);
        }
        for m in messages {
            node.push(m);
        }
    }
    node.attrs.classes.extend(d.classes());
    d.add_name(parser, &mut node);
    if !d.content.is_empty() {
        super::nested(parser, &d.content, d.content_offset, &mut node);
    }
    Ok(vec![node.into()])
}

pub static LINE_BLOCK: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: CLASS_NAME,
    content: true,
    run: line_block,
};

fn line_block(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    let mut block = Element::new(Kind::LineBlock).with_line(d.lineno);
    block.attrs.classes.extend(d.classes());
    d.add_name(parser, &mut block);
    let mut messages: Vec<Node> = Vec::new();
    let mut lines: Vec<(Element, usize)> = Vec::with_capacity(d.content.len());
    let mut indent = 0;
    for (i, text) in d.content.iter().enumerate() {
        let line_no = (d.lineno as usize + d.content_offset + i) as u32;
        let (nodes, msgs) = inline_text(parser, text.trim(), line_no);
        let mut line = Element::new(Kind::Line).with_line(d.lineno + i as u32);
        line.children = nodes;
        if !text.trim().is_empty() {
            indent = text.len() - text.trim_start().len();
        }
        lines.push((line, indent));
        messages.extend(msgs.into_iter().map(Node::from));
    }
    block.children = nest_lines(lines, 0);
    let mut out: Vec<Node> = vec![block.into()];
    out.extend(messages);
    Ok(out)
}

/// Nesting deeper than this keeps further indented lines flat.
const MAX_LINE_BLOCK_DEPTH: usize = 64;

/// docutils' `nest_line_block_segment`: lines indented more than the least
/// indented go into a nested `line_block`.
fn nest_lines(items: Vec<(Element, usize)>, depth: usize) -> Vec<Node> {
    let least = items.iter().map(|(_, i)| *i).min().unwrap_or(0);
    let mut out: Vec<Node> = Vec::new();
    let mut nested: Vec<(Element, usize)> = Vec::new();
    let flush = |nested: &mut Vec<(Element, usize)>, out: &mut Vec<Node>| {
        if !nested.is_empty() {
            let mut block = Element::new(Kind::LineBlock);
            if depth < MAX_LINE_BLOCK_DEPTH {
                block.children = nest_lines(std::mem::take(nested), depth + 1);
            } else {
                block.children = nested.drain(..).map(|(e, _)| e.into()).collect();
            }
            out.push(block.into());
        }
    };
    for (line, indent) in items {
        if indent > least {
            nested.push((line, indent));
        } else {
            flush(&mut nested, &mut out);
            out.push(line.into());
        }
    }
    flush(&mut nested, &mut out);
    out
}

pub static PARSED_LITERAL: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: CLASS_NAME,
    content: true,
    run: parsed_literal,
};

fn parsed_literal(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    let text = d.content.join("\n");
    let (nodes, messages) = inline_text(parser, &text, d.lineno);
    let mut node = Element::new(Kind::LiteralBlock)
        .with_attr("xml:space", "preserve")
        .with_line(d.content_offset as u32 + 1);
    node.children = nodes;
    d.apply_options(&mut node, &[]);
    d.add_name(parser, &mut node);
    let mut out: Vec<Node> = vec![node.into()];
    out.extend(messages.into_iter().map(Node::from));
    Ok(out)
}

pub static CODE: Spec = Spec {
    required: 0,
    optional: 1,
    final_ws: false,
    options: &[
        ("class", Conv::ClassOption),
        ("name", Conv::Unchanged),
        ("number-lines", Conv::NoneOrInt),
        // Nikola's code directive adds these.
        ("linenos", Conv::NoneOrInt),
        ("tab-width", Conv::NonnegativeInt),
        ("emphasize-lines", Conv::UnchangedRequired),
    ],
    content: true,
    run: code,
};

fn code(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    // Nikola: `linenos` is `number-lines`; `tab-width` expands tabs.
    if let Some(v) = d.take("linenos") {
        d.options.retain(|(k, _)| k != "number-lines");
        d.options.push(("number-lines".into(), v));
    }
    if let Some(super::OptVal::Int(w)) = d.take("tab-width") {
        let w = usize::try_from(w).unwrap_or(0);
        for line in d.content.iter_mut() {
            *line = line.replace('\t', &" ".repeat(w));
        }
    }
    Ok(code_block(parser, d, None))
}

/// The `code` directive's node, without syntax highlighting (docutils with
/// `syntax_highlight = none`). `source` is set for included files.
pub fn code_block(parser: &mut Parser, d: &mut Directive, source: Option<&str>) -> Vec<Node> {
    let language = d.arguments.first().cloned().unwrap_or_default();
    let mut node = Element::new(Kind::LiteralBlock)
        .with_attr("xml:space", "preserve")
        .with_line(d.lineno);
    node.attrs.classes.push("code".into());
    if !language.is_empty() {
        node.attrs.classes.push(language);
    }
    node.attrs.classes.extend(d.classes());
    d.add_name(parser, &mut node);
    if let Some(s) = source {
        node.set("source", s);
    }
    // Nikola highlights these lines; kept for writers (Hugo's `hl_lines`).
    if let Some(lines) = d.opt_str("emphasize-lines") {
        node.set(".emphasize-lines", lines.trim());
    }
    let text = d.content.join("\n");
    match d.opt("number-lines") {
        Some(v) => {
            let start = match v {
                super::OptVal::Int(i) => *i,
                _ => 1,
            };
            let end = start + d.content.len() as i64;
            node.children = number_lines(&text, start, end);
        }
        None => node.push(Node::text(text)),
    }
    vec![node.into()]
}

/// docutils' `NumberLines`: an `inline.ln` number before every line.
pub fn number_lines(text: &str, start: i64, end: i64) -> Vec<Node> {
    let width = end.to_string().len();
    let ln = |n: i64| {
        let mut e = Element::new(Kind::Inline).with_text(format!("{n:>width$} "));
        e.attrs.classes.push("ln".into());
        Node::from(e)
    };
    let mut out = vec![ln(start)];
    let mut lineno = start;
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        if lines.peek().is_some() {
            out.push(Node::text(format!("{line}\n")));
            lineno += 1;
            out.push(ln(lineno));
        } else if !line.is_empty() {
            out.push(Node::text(line));
        }
    }
    out
}

pub static MATH: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: CLASS_NAME,
    content: true,
    run: math,
};

fn math(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    let text = d.content.join("\n");
    let mut out: Vec<Node> = Vec::new();
    // docutils passes its options copy, `name` included, to every block;
    // `add_name` names (and strips) only the first
    let name = d.opt_str("name").map(str::to_owned);
    for block in text.split("\n\n") {
        if block.is_empty() {
            continue;
        }
        let mut node = Element::new(Kind::MathBlock)
            .with_attr("xml:space", "preserve")
            .with_line(d.lineno)
            .with_text(block);
        d.apply_options(&mut node, &[]);
        if !out.is_empty()
            && let Some(n) = &name
        {
            node.set("name", n.as_str());
        }
        d.add_name(parser, &mut node);
        out.push(node.into());
    }
    Ok(out)
}

pub static RUBRIC: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: CLASS_NAME,
    content: false,
    run: rubric,
};

fn rubric(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let text = d.arguments.first().cloned().unwrap_or_default();
    let (nodes, messages) = inline_text(parser, &text, d.lineno);
    let mut node = Element::new(Kind::Rubric).with_line(d.lineno);
    node.children = nodes;
    d.apply_options(&mut node, &[]);
    d.add_name(parser, &mut node);
    let mut out: Vec<Node> = vec![node.into()];
    out.extend(messages.into_iter().map(Node::from));
    Ok(out)
}

pub static BLOCK_QUOTE: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: &[],
    content: true,
    run: block_quote,
};

/// `epigraph`, `highlights`, `pull-quote`: classed block quotes. The
/// content is indented one space and parsed, so the block parser's own
/// block-quote rules (attributions, splitting) apply, as docutils'
/// `state.block_quote` does.
fn block_quote(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    let class = d.canonical.clone();
    let lines: Vec<String> = d
        .content
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect();
    let mut nodes = super::parse_into(parser, &lines, d.content_offset);
    for node in nodes.iter_mut() {
        if let Node::Element(e) = node
            && e.kind == Kind::BlockQuote
        {
            e.attrs.classes.push(class.clone());
        }
    }
    Ok(nodes)
}

pub static COMPOUND: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: CLASS_NAME,
    content: true,
    run: compound,
};

fn compound(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    let mut node = Element::new(Kind::Compound).with_line(d.lineno);
    node.attrs.classes.extend(d.classes());
    d.add_name(parser, &mut node);
    super::nested(parser, &d.content, d.content_offset, &mut node);
    Ok(vec![node.into()])
}

pub static CONTAINER: Spec = Spec {
    required: 0,
    optional: 1,
    final_ws: true,
    options: &[("name", Conv::Unchanged)],
    content: true,
    run: container,
};

fn container(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    let classes = match d.arguments.first() {
        Some(arg) => match Conv::ClassOption.convert(Some(arg)) {
            Ok(super::OptVal::List(c)) => c,
            _ => {
                return Err(err(format!(
                    "Invalid class attribute value for \"{}\" directive: \"{arg}\".",
                    d.name
                )));
            }
        },
        None => Vec::new(),
    };
    let mut node = Element::new(Kind::Container).with_line(d.lineno);
    node.attrs.classes.extend(classes);
    d.add_name(parser, &mut node);
    super::nested(parser, &d.content, d.content_offset, &mut node);
    Ok(vec![node.into()])
}
