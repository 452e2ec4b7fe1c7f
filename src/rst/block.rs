//! The block-level state machine (docutils `states.py`). STUB: to be replaced.

use super::state::DocState;
use crate::doctree::{Element, Kind};

/// Parses a whole document into a `document` element.
pub fn parse_document(state: &mut DocState, text: &str) -> Element {
    let mut doc = Element::new(Kind::Document).with_attr("source", state.settings.source.clone());
    let lines: Vec<&str> = text.lines().collect();
    let mut parser = Parser { state };
    parser.nested_parse(&lines, 0, &mut doc, true);
    doc
}

/// A running block parser; directives receive it to parse their content.
pub struct Parser<'a, 's> {
    pub state: &'a mut DocState<'s>,
}

impl Parser<'_, '_> {
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
        let _ = match_titles;
        let mut start = None;
        for (i, l) in lines.iter().chain(std::iter::once(&"")).enumerate() {
            if l.trim().is_empty() {
                if let Some(s) = start.take() {
                    let text = lines[s..i].join("\n");
                    let (nodes, msgs) =
                        super::inline::parse(self.state, &text, (line_offset + s + 1) as u32);
                    let mut p = Element::new(Kind::Paragraph);
                    p.children = nodes;
                    parent.push(p);
                    for m in msgs {
                        parent.push(m);
                    }
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
    }
}
