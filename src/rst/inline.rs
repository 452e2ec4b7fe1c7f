//! Inline markup (docutils `states.Inliner`) and roles. STUB: to be replaced.

use super::state::DocState;
use crate::doctree::{Element, Node};

/// Custom roles defined by the `role` directive, and the default role.
#[derive(Clone, Debug, Default)]
pub struct Roles {}

/// Parses inline markup in `text` (which starts on source line `line`).
/// Returns the inline nodes and the system messages to place after the
/// enclosing block element.
pub fn parse(state: &mut DocState, text: &str, line: u32) -> (Vec<Node>, Vec<Element>) {
    let _ = (state, line);
    (vec![Node::text(text)], Vec::new())
}
