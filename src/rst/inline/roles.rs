//! Interpreted text roles (docutils `roles.py`): the registry of local and
//! canonical roles, custom roles from the `role` directive, the default
//! role, and the role functions.

use super::lang::LANGUAGE_ROLES;
use super::{OnlyChild, is_space, problematic, unescape};
use crate::doctree::{Element, Kind, Level, Node};
use crate::rst::state::DocState;
use std::collections::HashMap;

/// What a role does; custom roles wrap one of these with preset options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Base {
    /// Wraps the text in an element of this kind.
    Generic(Kind),
    Pep,
    Rfc,
    Raw,
    Code,
    Math,
    /// Nikola's `doc` role: a link to another post by slug.
    NikolaDoc,
    Unimplemented,
    /// `.. role:: name` without a base: an `inline` element.
    Custom,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RoleDef {
    base: Base,
    classes: Vec<String>,
    /// `language` (code) and `format` (raw) options.
    language: Option<String>,
    format: Option<String>,
}

impl RoleDef {
    fn plain(base: Base) -> RoleDef {
        RoleDef {
            base,
            classes: Vec::new(),
            language: None,
            format: None,
        }
    }
}

/// Custom roles defined by the `role` directive, and the default role.
/// Keys are lower-cased local names; `""` is the default role. Like
/// docutils' `roles._roles`, but per document.
#[derive(Clone, Debug, Default)]
pub struct Roles {
    local: HashMap<String, RoleDef>,
    /// docutils' `pep_references`: recognise `PEP 8` / `pep-0008.txt`.
    /// (Inliner settings kept here until `Settings` has fields for them.)
    pub pep_references: bool,
    /// docutils' `rfc_references`: recognise `RFC 2822`.
    pub rfc_references: bool,
    /// docutils' `character_level_inline_markup`.
    pub character_level_inline_markup: bool,
}

const DEFAULT_ROLE: &str = "title-reference";

/// The role-name table of a language tag (`pt-BR` finds `pt_br`), as
/// docutils' `LanguageImporter`; unknown languages use English.
fn language_roles(tag: &str) -> (&'static str, &'static [(&'static str, &'static str)]) {
    let mut tag = tag.to_lowercase().replace('-', "_");
    loop {
        if let Ok(i) = LANGUAGE_ROLES.binary_search_by(|(code, _)| code.cmp(&tag.as_str())) {
            return LANGUAGE_ROLES[i];
        }
        match tag.rfind('_') {
            Some(k) => tag.truncate(k),
            None => break,
        }
    }
    language_roles("en")
}

fn find_role(table: &[(&str, &'static str)], normname: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(local, _)| *local == normname)
        .map(|(_, c)| *c)
}

/// English role names to canonical names (`languages/en.py`).
fn english_role(name: &str) -> Option<&'static str> {
    find_role(language_roles("en").1, name)
}

/// The canonical role registry (`_role_registry`).
fn canonical_role(name: &str) -> Option<Base> {
    Some(match name {
        "abbreviation" => Base::Generic(Kind::Abbreviation),
        "acronym" => Base::Generic(Kind::Acronym),
        "emphasis" => Base::Generic(Kind::Emphasis),
        "literal" => Base::Generic(Kind::Literal),
        "strong" => Base::Generic(Kind::Strong),
        "subscript" => Base::Generic(Kind::Subscript),
        "superscript" => Base::Generic(Kind::Superscript),
        "title-reference" => Base::Generic(Kind::TitleReference),
        "pep-reference" => Base::Pep,
        "rfc-reference" => Base::Rfc,
        "raw" => Base::Raw,
        "code" => Base::Code,
        "math" => Base::Math,
        "index"
        | "named-reference"
        | "anonymous-reference"
        | "uri-reference"
        | "footnote-reference"
        | "citation-reference"
        | "substitution-reference"
        | "target"
        | "restructuredtext-unimplemented-role" => Base::Unimplemented,
        _ => return None,
    })
}

/// docutils' `roles.role()`: finds a role by its local name, registering it
/// locally on first use. Returns INFO messages about fallbacks too.
fn lookup(state: &mut DocState, name: &str, line: u32) -> (Option<RoleDef>, Vec<Element>) {
    let normname = name.to_lowercase();
    if let Some(def) = state.roles.local.get(&normname) {
        return (Some(def.clone()), Vec::new());
    }
    if normname == "doc" {
        // Nikola registers `doc` itself; docutils would not know it.
        let def = RoleDef::plain(Base::NikolaDoc);
        state.roles.local.insert(normname, def.clone());
        return (Some(def), Vec::new());
    }
    let mut notes: Vec<String> = Vec::new();
    let canonical: String = if name.is_empty() {
        DEFAULT_ROLE.to_owned()
    } else {
        let (lang, table) = language_roles(&state.settings.language);
        match find_role(table, &normname) {
            Some(c) => c.to_owned(),
            None => {
                notes.push(format!(
                    "No role entry for \"{name}\" in module \"docutils.parsers.rst.languages.{lang}\"."
                ));
                match english_role(&normname).filter(|_| lang != "en") {
                    Some(c) => {
                        notes.push(format!("Using English fallback for role \"{name}\"."));
                        c.to_owned()
                    }
                    None => {
                        notes.push(format!("Trying \"{name}\" as canonical role name."));
                        normname.clone()
                    }
                }
            }
        }
    };
    let mut messages = Vec::new();
    if !notes.is_empty() {
        messages.push(state.system_message(Level::Info, &notes.join("\n"), Some(line), vec![]));
    }
    match canonical_role(&canonical) {
        Some(base) => {
            let def = RoleDef::plain(base);
            state.roles.local.insert(normname, def.clone());
            (Some(def), messages)
        }
        None => (None, messages),
    }
}

/// Whether `name` names a role (local, English or canonical).
pub fn is_known_role(state: &DocState, name: &str) -> bool {
    let n = name.to_lowercase();
    state.roles.local.contains_key(&n) || english_role(&n).is_some() || canonical_role(&n).is_some()
}

/// The `role` directive: defines `name` (optionally based on `base`) with
/// its options (`class`, `language` for code, `format` for raw). The error
/// string is the detail docutils prints after `Error in "role" directive:`,
/// or the whole `Unknown interpreted text role "x".` message.
pub fn define_role(
    state: &mut DocState,
    name: &str,
    base: Option<&str>,
    options: &[(String, String)],
    lineno: u32,
) -> Result<(), String> {
    let mut def = match base {
        Some(b) => match lookup(state, b, lineno).0 {
            Some(d) => d,
            None => return Err(format!("Unknown interpreted text role \"{b}\".")),
        },
        None => RoleDef::plain(Base::Custom),
    };
    let mut classes = None;
    for (key, value) in options {
        match key.as_str() {
            "class" => classes = Some(class_option(value)?),
            "language" if def.base == Base::Code => def.language = Some(value.trim().to_owned()),
            "format" if def.base == Base::Raw => def.format = Some(value.trim().to_owned()),
            _ => return Err(format!("unknown option: \"{key}\"")),
        }
    }
    def.classes = match classes {
        Some(c) => c,
        None => class_option(name)?,
    };
    state.roles.local.insert(name.to_lowercase(), def);
    Ok(())
}

/// The `default-role` directive: `None` restores `title-reference`.
pub fn set_default_role(
    state: &mut DocState,
    name: Option<&str>,
    lineno: u32,
) -> Result<(), String> {
    let Some(name) = name else {
        state.roles.local.remove("");
        return Ok(());
    };
    match lookup(state, name, lineno).0 {
        Some(def) => {
            state.roles.local.insert(String::new(), def);
            Ok(())
        }
        None => Err(format!("Unknown interpreted text role \"{name}\".")),
    }
}

/// docutils' `directives.class_option`.
fn class_option(arg: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for word in arg.split_whitespace() {
        let id = make_id(word);
        if id.is_empty() {
            return Err(format!("cannot make \"{word}\" into a class name"));
        }
        out.push(id);
    }
    Ok(out)
}

/// An approximation of docutils' `nodes.make_id` (ASCII transliteration,
/// runs of other characters become `-`, no leading digits or hyphens).
pub(super) fn make_id(s: &str) -> String {
    let ascii = deunicode::deunicode(&s.to_lowercase());
    let mut id = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !id.is_empty() {
                id.push('-');
            }
            dash = false;
            if id.is_empty() && c.is_ascii_digit() {
                continue;
            }
            id.push(c);
        } else {
            dash = true;
        }
    }
    id
}

/// Runs interpreted text: `rawsource` is the whole construct (backslashes
/// restored), `text` the escaped content (`\0` marks escapes).
pub(super) fn interpreted(
    state: &mut DocState,
    rawsource: &str,
    text: &str,
    role: &str,
    line: u32,
) -> (Vec<Node>, Vec<Element>) {
    let (def, mut messages) = lookup(state, role, line);
    let Some(def) = def else {
        let mut msg = state.system_message(
            Level::Error,
            &format!("Unknown interpreted text role \"{role}\"."),
            Some(line),
            vec![],
        );
        let prb = problematic(state, rawsource, &mut msg);
        messages.push(msg);
        return (vec![prb], messages);
    };
    let (nodes, more) = apply(state, &def, role, rawsource, text, line);
    messages.extend(more);
    (nodes, messages)
}

fn fail(
    state: &mut DocState,
    level: Level,
    msg: &str,
    line: Option<u32>,
    raw: &str,
) -> (Vec<Node>, Vec<Element>) {
    let mut m = state.system_message(level, msg, line, vec![]);
    let prb = problematic(state, raw, &mut m);
    (vec![prb], vec![m])
}

/// `:doc:`slug`` or `:doc:`Title <slug>``: a `link://slug/` reference,
/// resolved when the site is known (migration, digest). Nikola shows the
/// post's title when none is given; here the slug stands in for it.
fn nikola_doc(text: &str) -> Element {
    let (title, slug) = match text.strip_suffix('>').and_then(|t| t.rsplit_once('<')) {
        Some((title, slug)) if !title.trim().is_empty() => (title.trim(), slug.trim()),
        _ => (text.trim(), text.trim()),
    };
    Element::new(Kind::Reference)
        .with_attr("refuri", format!("link://slug/{slug}"))
        .with_attr(".doc", slug)
        .with_only_text(title)
}

fn with_classes(mut el: Element, classes: &[String]) -> Element {
    el.attrs.classes.extend(classes.iter().cloned());
    el
}

fn apply(
    state: &mut DocState,
    def: &RoleDef,
    role: &str,
    raw: &str,
    text: &str,
    line: u32,
) -> (Vec<Node>, Vec<Element>) {
    let el = match def.base {
        Base::Generic(kind) => Element::new(kind).with_only_text(unescape(text)),
        Base::Custom => Element::new(Kind::Inline).with_only_text(unescape(text)),
        Base::Math => Element::new(Kind::Math).with_only_text(text.replace('\0', "\\")),
        Base::NikolaDoc => nikola_doc(&unescape(text)),
        Base::Unimplemented => {
            let msg = format!("Interpreted text role \"{role}\" not implemented.");
            return fail(state, Level::Error, &msg, Some(line), raw);
        }
        Base::Pep => match pep_number(&unescape(text)) {
            Some(n) => Element::new(Kind::Reference)
                .with_attr("refuri", format!("https://peps.python.org/pep-{n:04}"))
                .with_only_text(format!("PEP {}", unescape(text))),
            None => {
                let msg = format!(
                    "PEP number must be a number from 0 to 9999; \"{}\" is invalid.",
                    unescape(text)
                );
                return fail(state, Level::Error, &msg, Some(line), raw);
            }
        },
        Base::Rfc => {
            let plain = unescape(text);
            let (num, section) = match plain.split_once('#') {
                Some((n, s)) => (n.to_owned(), Some(s.to_owned())),
                None => (plain.clone(), None),
            };
            match py_int(&num).filter(|n| *n >= 1) {
                Some(n) => {
                    let mut uri = format!("https://tools.ietf.org/html/rfc{n}.html");
                    if let Some(s) = section {
                        uri.push('#');
                        uri.push_str(&s);
                    }
                    Element::new(Kind::Reference)
                        .with_attr("refuri", uri)
                        .with_only_text(format!("RFC {n}"))
                }
                None => {
                    let msg = format!(
                        "RFC number must be a number greater than or equal to 1; \"{plain}\" is invalid."
                    );
                    return fail(state, Level::Error, &msg, Some(line), raw);
                }
            }
        }
        Base::Raw => {
            if !state.settings.raw_enabled {
                return fail(
                    state,
                    Level::Warning,
                    "raw (and derived) roles disabled",
                    None,
                    raw,
                );
            }
            let Some(format) = &def.format else {
                let msg = format!(
                    "No format (Writer name) is associated with this role: \"{role}\".\nThe \"raw\" role cannot be used directly.\nInstead, use the \"role\" directive to create a new role with an associated format."
                );
                return fail(state, Level::Error, &msg, Some(line), raw);
            };
            let mut el = Element::new(Kind::Raw)
                .with_attr("format", format.clone())
                .with_attr("xml:space", "preserve")
                .with_only_text(text.replace('\0', "\\"))
                .with_line(line);
            el.attrs.classes.extend(def.classes.iter().cloned());
            return (vec![el.into()], vec![]);
        }
        Base::Code => return (vec![code(def, role, text).into()], vec![]),
    };
    (vec![with_classes(el, &def.classes).into()], vec![])
}

/// The `code` role without a syntax highlighter: a `literal` with the
/// `code` class and the language as a class.
fn code(def: &RoleDef, role: &str, text: &str) -> Element {
    let mut language = if role == "code" {
        String::new()
    } else {
        role.to_owned()
    };
    if let Some(l) = &def.language {
        language = l.clone();
    }
    if language.eq_ignore_ascii_case("none") {
        language.clear();
    }
    let mut classes = vec!["code".to_owned()];
    classes.extend(def.classes.iter().cloned());
    if !language.is_empty() && !classes.contains(&language) {
        classes.push(language);
    }
    let mut el = Element::new(Kind::Literal).with_only_text(text.replace('\0', "\\"));
    el.attrs.classes = classes.into();
    el
}

/// Python's `int()` on a decimal string (surrounding whitespace allowed).
fn py_int(s: &str) -> Option<u64> {
    let t = s.trim_matches(is_space);
    if t.is_empty() || t.len() > 18 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn pep_number(s: &str) -> Option<u64> {
    py_int(s).filter(|n| *n <= 9999)
}
