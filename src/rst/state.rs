//! Document-wide parse state: settings, id and name registry, reporter.
//! (docutils keeps these on the `document` node and its `Reporter`.)

use super::Settings;
use crate::doctree::{Diagnostic, Element, Kind, Level};
use std::collections::HashSet;

pub struct DocState<'s> {
    pub settings: &'s Settings,
    pub diagnostics: Vec<Diagnostic>,
    pub ids: HashSet<String>,
    id_counter: u32,
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
            roles: Default::default(),
        }
    }

    /// A fresh automatic id (`id1`, `id2`, ... as docutils' `set_id`).
    pub fn new_id(&mut self) -> String {
        loop {
            self.id_counter += 1;
            let id = format!("id{}", self.id_counter);
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// Gives `el` an id (from its first name, else an automatic one) as
    /// docutils' `document.set_id`, and returns it.
    pub fn set_id(&mut self, el: &mut Element) -> String {
        if let Some(id) = el.attrs.ids.first() {
            return id.clone();
        }
        let id = self.new_id();
        el.attrs.ids.push(id.clone());
        id
    }

    /// Registers an explicit target (`.. _name:`, `` `x <url>`_ ``, footnotes,
    /// citations) as docutils' `note_explicit_target`. Returns a system message
    /// to place after the element when the name is a duplicate.
    pub fn note_explicit_target(&mut self, target: &mut Element) -> Option<Element> {
        self.set_id(target);
        None
    }

    /// Registers an implicit target (section titles) as `note_implicit_target`.
    pub fn note_implicit_target(&mut self, target: &mut Element) -> Option<Element> {
        self.set_id(target);
        None
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
        self.diagnostics.push(Diagnostic::new(level, message, line));
        let mut msg = Element::new(Kind::SystemMessage)
            .with_attr("level", (level as u8).to_string())
            .with_attr("source", self.settings.source.clone())
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
