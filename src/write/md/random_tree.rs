//! Deterministic pseudo-random doctrees for the Markdown writer's tests:
//! any kind under any kind, tricky text, a few attributes.

use crate::doctree::{Element, Kind, Node};

pub(super) struct RandomTrees<'a> {
    /// A linear congruential generator; `step` is its increment.
    pub seed: u64,
    pub step: u64,
    pub kinds: &'a [Kind],
    pub texts: &'a [&'a str],
    /// Each set with odds 1 in 3.
    pub attrs: &'a [(&'a str, &'a str)],
    /// Children per element: fewer than this.
    pub children: usize,
}

impl RandomTrees<'_> {
    pub fn next(&mut self, n: usize) -> usize {
        self.seed = self
            .seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(self.step);
        (self.seed >> 33) as usize % n
    }

    /// An element of a random kind with up to `depth` levels below it.
    pub fn tree(&mut self, depth: usize) -> Element {
        let mut e = Element::new(self.kinds[self.next(self.kinds.len())]);
        for &(k, v) in self.attrs {
            if self.next(3) == 0 {
                e.set(k, v);
            }
        }
        if self.next(4) == 0 {
            e.attrs.ids.push("f".into());
        }
        for _ in 0..self.next(self.children) {
            if depth == 0 || self.next(3) == 0 {
                let text = self.texts[self.next(self.texts.len())];
                e.push(Node::Text(text.into()));
            } else {
                e.push(self.tree(depth - 1));
            }
        }
        e
    }
}
