//! Inline markup (docutils `states.Inliner`) and roles.
//!
//! A port of docutils' recognition rules: the text is first "escaped" (each
//! backslash becomes `\0` before the character it escapes, as docutils'
//! `escape2null`), then searched for start-strings; the regular expressions
//! of docutils are matched by hand, trying alternatives in the regex's
//! order. End-string searches are memoised per pattern, and runs of name
//! characters are measured once, so parsing stays linear in the input.

mod chars;
mod lang;
mod roles;
mod uri;

pub use roles::{Roles, define_role, is_known_role, set_default_role};

use super::state::DocState;
use crate::doctree::{Element, Kind, Level, Node};

/// Parses inline markup in `text` (which starts on source line `line`).
/// Returns the inline nodes (text with escapes resolved, as docutils prints
/// it) and the system messages to place after the enclosing block element.
/// Messages with the internal attribute `.msgnode = "parent"` (duplicate
/// target names) go, in docutils, to the block's parent before the block,
/// or nowhere when that parent cannot hold a `system_message`.
pub fn parse(state: &mut DocState, text: &str, line: u32) -> (Vec<Node>, Vec<Element>) {
    let rules = Rules {
        character_level: state.roles.character_level_inline_markup,
    };
    let (pep_references, rfc_references) = (state.roles.pep_references, state.roles.rfc_references);
    let marks = marks(text);
    let pep_rfc = pep_references || rfc_references;
    if marks & (MARKUP_MARK | URI_MARK) == 0 && !pep_rfc {
        // Nothing can start markup or a standalone URI: one text node.
        let nodes = if text.is_empty() {
            Vec::new()
        } else {
            vec![Node::Text(text.to_owned())]
        };
        return (nodes, Vec::new());
    }
    let escapes = marks & ESCAPE_MARK != 0;
    // The char buffer is reused: allocating (and faulting in) a fresh one
    // per paragraph costs more than filling it.
    let mut s = BUFFER.take();
    escape2null(text, escapes, &mut s);
    let mut inliner = Inliner {
        rules,
        pep_references,
        rfc_references,
        state,
        s,
        plain: (marks & (ESCAPE_MARK | NON_ASCII_MARK) == 0).then_some(text),
        line,
        messages: Vec::new(),
        chain: None,
        end_cache: [None; END_PATTERNS],
        quiet: None,
        implicit: marks & URI_MARK != 0 || pep_rfc,
    };
    let nodes = inliner.run();
    let mut s = std::mem::take(&mut inliner.s);
    if s.capacity() <= BUFFER_KEEP {
        s.clear();
        BUFFER.set(s);
    }
    (nodes, inliner.messages)
}

thread_local! {
    /// The escaped-text buffer of the last [`parse`] on this thread.
    static BUFFER: std::cell::Cell<Vec<char>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Larger buffers (chars) are freed, not kept for the next paragraph.
const BUFFER_KEEP: usize = 1 << 16;

// ---------------------------------------------------------------------------
// Character classes

/// [`marks`] bit: a byte that may start inline markup or an escape.
const MARKUP_MARK: u8 = 1;
/// [`marks`] bit: a byte a standalone URI or email needs (`:` or `@`).
const URI_MARK: u8 = 2;
/// [`marks`] bit: a backslash or NUL (escape handling needed).
const ESCAPE_MARK: u8 = 4;
/// [`marks`] bit: a byte of a non-ASCII character.
const NON_ASCII_MARK: u8 = 8;

/// The [`marks`] bits of one byte, branch-free so the fold vectorises.
#[inline]
fn byte_marks(b: u8) -> u8 {
    let escape = (b == b'\\') | (b == 0);
    let uri = (b == b':') | (b == b'@');
    let markup = (b == b'*') | (b == b'`') | (b == b'_') | (b == b'|') | (b == b'[');
    (u8::from(markup | escape | (b == b':')) * MARKUP_MARK)
        | (u8::from(uri) * URI_MARK)
        | (u8::from(escape) * ESCAPE_MARK)
        | ((b >> 7) * NON_ASCII_MARK)
}

/// Which kinds of significant bytes `text` holds (one pass, no early
/// exit): without markup or URI bytes, the text is one text node.
fn marks(text: &str) -> u8 {
    text.bytes().fold(0, |acc, b| acc | byte_marks(b))
}

fn in_table(c: char, table: &[(char, char)]) -> bool {
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Python's `\s`.
#[inline]
fn is_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(
            c,
            ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f'
        )
    } else {
        in_table(c, chars::SPACE)
    }
}

/// Python's `\w` without `_` (the characters of `simplename`).
#[inline]
fn is_name_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        in_table(c, chars::WORD)
    }
}

fn is_name_joiner(c: char) -> bool {
    matches!(c, '-' | '.' | '_' | '+' | ':')
}

/// The start-string and end-string rules: docutils' default, or its
/// `character_level_inline_markup` (markup anywhere but after an escape).
#[derive(Clone, Copy, Debug, Default)]
struct Rules {
    character_level: bool,
}

/// ASCII members of a character table, plus Python's ASCII `\s` when
/// `space` (a lookup instead of a binary search for the common case).
const fn ascii_class(table: &[(char, char)], space: bool) -> [bool; 128] {
    let mut out = [false; 128];
    let mut k = 0;
    while k < table.len() {
        let (lo, hi) = table[k];
        let mut c = lo as usize;
        while c <= hi as usize && c < 128 {
            out[c] = true;
            c += 1;
        }
        k += 1;
    }
    if space {
        let ws = [
            b' ', b'\t', b'\n', b'\r', 0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x1f,
        ];
        let mut k = 0;
        while k < ws.len() {
            out[ws[k] as usize] = true;
            k += 1;
        }
    }
    out
}

/// ASCII characters after which a start-string may begin.
static START_PREFIX: [bool; 128] = ascii_class(chars::OPENERS_DELIMITERS, true);
/// ASCII characters before which an end-string may end (besides `\0`).
static END_SUFFIX: [bool; 128] = ascii_class(chars::END_SUFFIX_PUNCT, true);

/// Characters that can begin a match of the initial pattern (see
/// [`Inliner::initial_at`]); other ASCII characters are skipped at once.
fn may_start_initial(c: char) -> bool {
    !c.is_ascii() || c.is_ascii_alphanumeric() || is_punct_start(c)
}

/// [`is_punct_start`] for a byte, branch-free (see [`find_punct_byte`]).
#[inline]
fn is_punct_byte(b: u8) -> bool {
    (b == b'*') | (b == b'`') | (b == b'_') | (b == b'|') | (b == b'[') | (b == b':')
}

/// The first byte where [`is_punct_byte`] holds.
fn find_punct_byte(t: &[u8]) -> Option<usize> {
    find_byte(t, is_punct_byte)
}

/// The first byte where `hit` holds: each 32-byte block gives a bit mask
/// (`hit` compares without branches, so this vectorises), so a search
/// restarted just after a hit costs one block, not a byte loop.
#[inline]
fn find_byte(t: &[u8], hit: impl Fn(u8) -> bool) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut blocks = t.chunks_exact(BLOCK);
    let mut base = 0;
    for block in blocks.by_ref() {
        let mut mask = 0u32;
        for (k, &b) in block.iter().enumerate() {
            mask |= u32::from(hit(b)) << k;
        }
        if mask != 0 {
            return Some(base + mask.trailing_zeros() as usize);
        }
        base += BLOCK;
    }
    let rest = blocks.remainder();
    rest.iter().position(|&b| hit(b)).map(|d| base + d)
}

/// Characters that can begin a match of the initial pattern other than a
/// `name_` reference.
fn is_punct_start(c: char) -> bool {
    matches!(c, '*' | '`' | '_' | '|' | '[' | ':')
}

impl Rules {
    /// `start_string_prefix`: at the start of the string, or after
    /// whitespace, an opener or a delimiter. `lo` is where the string starts.
    fn start_ok(self, s: &[char], lo: usize, i: usize) -> bool {
        if i <= lo {
            return i == lo;
        }
        match s.get(i - 1) {
            Some(&c) if self.character_level => c != '\0',
            Some(&c) if c.is_ascii() => START_PREFIX[c as usize],
            Some(&c) => is_space(c) || in_table(c, chars::OPENERS_DELIMITERS),
            None => false,
        }
    }

    /// `end_string_suffix`: at the end, or before whitespace, an escape, or
    /// a closing delimiter, delimiter or closer.
    fn end_ok(self, s: &[char], k: usize) -> bool {
        self.character_level
            || match s.get(k) {
                None => true,
                Some(&c) if c.is_ascii() => c == '\0' || END_SUFFIX[c as usize],
                Some(&c) => is_space(c) || in_table(c, chars::END_SUFFIX_PUNCT),
            }
    }
}

fn not_space_at(s: &[char], k: usize) -> bool {
    !s.get(k).is_some_and(|&c| is_space(c))
}

/// `punctuation_chars.match_chars`: an opener/closer or quote pair.
fn match_chars(open: char, close: char) -> bool {
    if open.is_ascii() {
        // The ASCII pairs head `OPENERS`/`CLOSERS`; no quote pair is ASCII.
        let i = ASCII_OPENERS.bytes().position(|b| b == open as u8);
        return close.is_ascii()
            && i.is_some_and(|i| ASCII_CLOSERS.as_bytes().get(i) == Some(&(close as u8)));
    }
    match_chars_table(open, close)
}

const ASCII_OPENERS: &str = "\"'(<\\[{";
const ASCII_CLOSERS: &str = "\"')>\\]}";

fn match_chars_table(open: char, close: char) -> bool {
    let Some(i) = chars::OPENERS.chars().position(|c| c == open) else {
        return false;
    };
    if chars::CLOSERS.chars().nth(i) == Some(close) {
        return true;
    }
    chars::QUOTE_PAIRS
        .iter()
        .any(|&(o, cs)| o == open && cs.contains(close))
}

// ---------------------------------------------------------------------------
// Escapes and names

/// Fills `out` with the escaped text; `escapes` if it may hold a backslash.
fn escape2null(text: &str, escapes: bool, out: &mut Vec<char>) {
    out.clear();
    out.reserve(text.len());
    if !escapes {
        if text.is_ascii() {
            // Widening bytes vectorises; decoding UTF-8 does not.
            out.extend(text.bytes().map(char::from));
        } else {
            out.extend(text.chars());
        }
        return;
    }
    let mut it = text.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            out.push('\0');
            if let Some(n) = it.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
}

/// docutils' `unescape`: drop escape marks, and escaped spaces/newlines.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\0' {
            if matches!(it.peek(), Some(' ' | '\n')) {
                it.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape_chars(s: &[char]) -> String {
    // Plain ASCII (most text): narrowed in one vectorisable pass.
    if s.iter().all(|&c| c.is_ascii() && c != '\0') {
        let bytes: Vec<u8> = s.iter().map(|&c| c as u8).collect();
        if let Ok(text) = String::from_utf8(bytes) {
            return text;
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == '\0' {
            if matches!(s.get(i + 1), Some(' ' | '\n')) {
                i += 1;
            }
        } else {
            out.push(s[i]);
        }
        i += 1;
    }
    out
}

/// `unescape(text, restore_backslashes=True)`.
fn restore(s: &[char]) -> String {
    s.iter()
        .map(|&c| if c == '\0' { '\\' } else { c })
        .collect()
}

fn raw(s: &[char]) -> String {
    s.iter().collect()
}

/// `' '.join(s.split())` with Python's idea of whitespace.
fn whitespace_normalize_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(is_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn normalize_name(s: &str) -> String {
    if !s.is_ascii() {
        return whitespace_normalize_name(&s.to_lowercase());
    }
    // ASCII: lowercase and join the words in one pass.
    let mut out = String::with_capacity(s.len());
    for word in s.split(is_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    }
    out
}

/// Marks a duplicate-name message that docutils appends to the parent of
/// the text block (its `msgnode`) at once, i.e. before the block, and drops
/// where the parent cannot hold it (a line block).
fn to_parent(mut msg: Element) -> Element {
    msg.set(".msgnode", "parent");
    msg
}

/// Links a `problematic` node to its system message, as docutils'
/// `Inliner.problematic`.
fn problematic(state: &mut DocState, text: &str, msg: &mut Element) -> Node {
    let msgid = set_id(state, msg);
    let mut prb = Element::new(Kind::Problematic)
        .with_attr("refid", msgid)
        .with_only_text(text);
    let prbid = set_id(state, &mut prb);
    if msg.attrs.backrefs.is_empty() {
        msg.attrs.backrefs = thin_vec::thin_vec![prbid];
    } else {
        msg.attrs.backrefs.push(prbid);
    }
    prb.into()
}

/// `state.set_id`, leaving room for just the one id it adds (a push onto
/// an empty vector reserves four): unclosed markup makes a message and a
/// `problematic` node per start-string, so this adds up.
fn set_id(state: &mut DocState, el: &mut Element) -> String {
    if el.attrs.ids.is_empty() {
        el.attrs.ids.reserve_exact(1);
    }
    state.set_id(el)
}

/// Builders for elements with one child, sized exactly: `with_text` and
/// `with_child` push, and a first push reserves room for four nodes.
trait OnlyChild {
    fn with_only_text(self, text: impl Into<String>) -> Element;
    fn with_only_child(self, child: impl Into<Node>) -> Element;
}

impl OnlyChild for Element {
    fn with_only_text(self, text: impl Into<String>) -> Element {
        self.with_only_child(Node::Text(text.into()))
    }

    fn with_only_child(mut self, child: impl Into<Node>) -> Element {
        if self.children.is_empty() {
            self.children = vec![child.into()];
            self
        } else {
            self.with_child(child)
        }
    }
}

// ---------------------------------------------------------------------------
// The inliner

/// Start-strings of the initial pattern's `start` group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StartKind {
    Strong,
    Emphasis,
    Literal,
    Target,
    Substitution,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FootnoteLabel {
    Number,
    Auto,
    Symbol,
    Citation,
}

/// A match of docutils' `patterns.initial` at `start`.
#[derive(Clone, Copy, Debug)]
enum Initial {
    /// A start-string `[start, end)`.
    Start {
        start: usize,
        end: usize,
        kind: StartKind,
    },
    /// `name_` or `name__`: name `[start, name_end)`, whole `[start, end)`.
    Reference {
        start: usize,
        name_end: usize,
        end: usize,
    },
    /// `[label]_`: label `[start + 1, label_end)`, whole `[start, end)`.
    Footnote {
        start: usize,
        label_end: usize,
        end: usize,
        label: FootnoteLabel,
    },
    /// Backquote at `bq`; an optional `:role:` starts at `start`.
    Backquote { start: usize, bq: usize },
}

const END_PATTERNS: usize = 6;

/// A measured name chain: start, end, longest reference (name end, end).
type Chain = (usize, usize, Option<(usize, usize)>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EndPattern {
    Emphasis = 0,
    Strong = 1,
    Literal = 2,
    Target = 3,
    Substitution = 4,
    Interpreted = 5,
}

impl EndPattern {
    /// The character every match starts with (see [`Inliner::end_at`]).
    fn first_char(self) -> char {
        match self {
            EndPattern::Emphasis | EndPattern::Strong => '*',
            EndPattern::Literal | EndPattern::Target | EndPattern::Interpreted => '`',
            EndPattern::Substitution => '|',
        }
    }
}

/// An end-string match: the end-string is `[start, group_end)`, the whole
/// match (with an interpreted-text suffix) ends at `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct EndMatch {
    start: usize,
    group_end: usize,
    end: usize,
    /// Suffix role name `[a, b)` of interpreted text.
    role: Option<(usize, usize)>,
}

/// What a dispatch method returns: text before the construct ends at
/// `before_end`, the remaining text starts at `next`.
struct Outcome {
    before_end: usize,
    nodes: Vec<Node>,
    next: usize,
}

struct Inliner<'a, 's, 't> {
    state: &'a mut DocState<'s>,
    s: Vec<char>,
    /// The text itself when it is ASCII without backslashes or NULs: its
    /// escaped form holds the same characters, one a byte, so positions
    /// are byte offsets and text is copied, and scans can run on bytes.
    plain: Option<&'t str>,
    line: u32,
    messages: Vec<Element>,
    /// Last measured name chain: `[start, end)` and the end of the longest
    /// `name_`/`name__` reference inside it.
    chain: Option<Chain>,
    /// Per end pattern: (searched from, first match at or after).
    end_cache: [Option<(usize, Option<EndMatch>)>; END_PATTERNS],
    /// See [`Inliner::quiet_end`]: (computed from, next `_`, quiet end).
    quiet: Option<(usize, usize, usize)>,
    /// Whether the text may hold implicit markup (standalone URIs, emails,
    /// PEP/RFC references); without it text between constructs is plain.
    implicit: bool,
    rules: Rules,
    pep_references: bool,
    rfc_references: bool,
}

impl Inliner<'_, '_, '_> {
    fn run(&mut self) -> Vec<Node> {
        let n = self.s.len();
        let mut out = Vec::new();
        let mut pos = 0;
        let mut unprocessed = 0;
        while pos < n {
            let Some(m) = self.search_initial(pos) else {
                break;
            };
            let o = self.dispatch(m, pos);
            if !o.nodes.is_empty() {
                self.implicit_inline(unprocessed, o.before_end, &mut out, 0);
                out.extend(o.nodes);
                unprocessed = o.next;
            }
            pos = o.next.max(pos + 1).min(n);
        }
        self.implicit_inline(unprocessed, n, &mut out, 0);
        out
    }

    fn warning(&mut self, msg: &str) -> Element {
        self.state
            .system_message(Level::Warning, msg, Some(self.line), vec![])
    }

    // --- the initial pattern ---

    fn search_initial(&mut self, pos: usize) -> Option<Initial> {
        let mut i = pos;
        while i < self.s.len() {
            let quiet = self.quiet_end(i);
            if i < quiet {
                // No reference can start here: only punctuation matters.
                let Some(k) = self.find_punct(i, quiet) else {
                    i = quiet;
                    continue;
                };
                i = k;
            }
            if may_start_initial(self.s[i]) && self.rules.start_ok(&self.s, pos, i) {
                if let Some(m) = self.initial_at(i) {
                    return Some(m);
                }
                // A name chain from `i` without a reference: inside it only
                // a `:` could start something (a role ending at the chain's
                // end), and that needs a `:` after the chain.
                if let Some((a, b, None)) = self.chain
                    && a == i
                    && b > i
                    && self.s.get(b) != Some(&':')
                {
                    i = b;
                    continue;
                }
            }
            i += 1;
        }
        None
    }

    /// Where the stretch from `i` in which no `name_` reference can start
    /// ends. A reference needs a `_` after its name chain (name characters
    /// and joiners); so none starts before the last chain breaker ahead of
    /// the next `_`, or anywhere when no `_` follows. Cached per next `_`,
    /// and `i` only grows, so the scans are linear.
    fn quiet_end(&mut self, i: usize) -> usize {
        if let Some((from, u, quiet)) = self.quiet
            && from <= i
            && i <= u
        {
            return quiet;
        }
        let n = self.s.len();
        let u = self.find_char(i, n, '_').unwrap_or(n);
        let quiet = if u == n {
            n
        } else {
            self.s
                .get(i..u)
                .and_then(|t| {
                    t.iter()
                        .rposition(|&c| !is_name_char(c) && !is_name_joiner(c))
                })
                .map_or(i, |d| i + d + 1)
        };
        self.quiet = Some((i, u, quiet));
        quiet
    }

    /// The alternatives of `patterns.initial` at `i`, in regex order.
    fn initial_at(&mut self, i: usize) -> Option<Initial> {
        let s = &self.s;
        let at = |k: usize| s.get(k).copied();
        let start = |end: usize, kind| {
            Some(Initial::Start {
                start: i,
                end,
                kind,
            })
        };
        match at(i)? {
            '*' if at(i + 1) == Some('*') => {
                not_space_at(s, i + 2).then_some(())?;
                start(i + 2, StartKind::Strong)
            }
            '*' => {
                not_space_at(s, i + 1).then_some(())?;
                start(i + 1, StartKind::Emphasis)
            }
            '`' if at(i + 1) == Some('`') => {
                not_space_at(s, i + 2).then_some(())?;
                start(i + 2, StartKind::Literal)
            }
            '`' => not_space_at(s, i + 1).then_some(Initial::Backquote { start: i, bq: i }),
            '_' if at(i + 1) == Some('`') => {
                not_space_at(s, i + 2).then_some(())?;
                start(i + 2, StartKind::Target)
            }
            '|' if at(i + 1) != Some('|') => {
                not_space_at(s, i + 1).then_some(())?;
                start(i + 1, StartKind::Substitution)
            }
            '[' => self.footnote_at(i),
            ':' if at(i + 1).is_some_and(is_name_char) => {
                let (_, ce, _) = self.chain_at(i + 1);
                let s = &self.s;
                let ok = s.get(ce) == Some(&':')
                    && s.get(ce + 1) == Some(&'`')
                    && s.get(ce + 2) != Some(&'`')
                    && not_space_at(s, ce + 2);
                ok.then_some(Initial::Backquote {
                    start: i,
                    bq: ce + 1,
                })
            }
            c if is_name_char(c) => {
                let (_, _, best) = self.chain_at(i);
                let (name_end, end) = best?;
                (name_end > i).then_some(Initial::Reference {
                    start: i,
                    name_end,
                    end,
                })
            }
            _ => None,
        }
    }

    /// `\[ (number | #name? | * | citation) \]_` + end suffix.
    fn footnote_at(&mut self, i: usize) -> Option<Initial> {
        let r = self.rules;
        let closes = |s: &[char], k: usize| {
            s.get(k) == Some(&']') && s.get(k + 1) == Some(&'_') && r.end_ok(s, k + 2)
        };
        let found = |label_end: usize, label| {
            Some(Initial::Footnote {
                start: i,
                label_end,
                end: label_end + 2,
                label,
            })
        };
        let s = &self.s;
        let digits = (i + 1..s.len())
            .find(|&k| !s[k].is_ascii_digit())
            .unwrap_or(s.len());
        if digits > i + 1 && closes(s, digits) {
            return found(digits, FootnoteLabel::Number);
        }
        match s.get(i + 1).copied() {
            Some('#') => {
                let mut k = i + 2;
                if s.get(k).is_some_and(|&c| is_name_char(c)) {
                    k = self.chain_at(i + 2).1;
                }
                closes(&self.s, k).then_some(())?;
                found(k, FootnoteLabel::Auto)
            }
            Some('*') if closes(s, i + 2) => found(i + 2, FootnoteLabel::Symbol),
            Some(c) if is_name_char(c) => {
                let k = self.chain_at(i + 1).1;
                closes(&self.s, k).then_some(())?;
                found(k, FootnoteLabel::Citation)
            }
            _ => None,
        }
    }

    /// The `simplename` chain through `p` (a name character): its start,
    /// end, and the longest valid `name_`/`name__` in it (name end, end).
    fn chain_at(&mut self, p: usize) -> Chain {
        if let Some((a, b, best)) = self.chain
            && a <= p
            && p < b
        {
            return (a, b, best);
        }
        let r = self.rules;
        let s = &self.s;
        let mut k = p;
        // A `_` inside the chain is a joiner; without one, and none after
        // it, there is no reference.
        let mut underscore = false;
        loop {
            while k < s.len() && is_name_char(s[k]) {
                k += 1;
            }
            if s.get(k).is_some_and(|&c| is_name_joiner(c))
                && s.get(k + 1).is_some_and(|&c| is_name_char(c))
            {
                underscore |= s[k] == '_';
                k += 1;
            } else {
                break;
            }
        }
        if !underscore && s.get(k) != Some(&'_') {
            self.chain = Some((p, k, None));
            return (p, k, None);
        }
        // Longest reference first, as the greedy regex backtracks.
        let best = (p + 1..=k).rev().find_map(|j| {
            if s.get(j) != Some(&'_') || !is_name_char(s[j - 1]) {
                return None;
            }
            if s.get(j + 1) == Some(&'_') && r.end_ok(s, j + 2) {
                Some((j, j + 2))
            } else if r.end_ok(s, j + 1) {
                Some((j, j + 1))
            } else {
                None
            }
        });
        self.chain = Some((p, k, best));
        (p, k, best)
    }

    fn dispatch(&mut self, m: Initial, pos: usize) -> Outcome {
        match m {
            Initial::Start { start, end, kind } => self.start_string(start, end, kind, pos),
            Initial::Reference {
                start,
                name_end,
                end,
            } => self.reference(start, name_end, end),
            Initial::Footnote {
                start,
                label_end,
                end,
                label,
            } => self.footnote_reference(start, label_end, end, label),
            Initial::Backquote { start, bq } => self.interpreted_or_phrase_ref(start, bq, pos),
        }
    }

    /// `quoted_start`: the start-string sits between matching quotes or
    /// brackets, or ends the text.
    fn quoted_start(&self, start: usize, end: usize, pos: usize) -> bool {
        if start == pos {
            return false;
        }
        match self.s.get(end) {
            None => true,
            Some(&post) => match_chars(self.s[start - 1], post),
        }
    }

    // --- end-string patterns ---

    /// The end pattern at `q`; `lo` is the start of the searched string.
    fn end_at(&self, pat: EndPattern, q: usize, lo: usize) -> Option<EndMatch> {
        let s = &self.s;
        let at = |k: usize| s.get(k).copied();
        let before = |k: usize| if k > lo { at(k - 1) } else { None };
        let no_space_escape_before = !before(q).is_some_and(|c| c == '\0' || is_space(c));
        let simple = |len: usize| {
            self.rules.end_ok(s, q + len).then_some(EndMatch {
                start: q,
                group_end: q + len,
                end: q + len,
                role: None,
            })
        };
        match pat {
            EndPattern::Emphasis if at(q) == Some('*') && no_space_escape_before => simple(1),
            EndPattern::Strong
                if at(q) == Some('*') && at(q + 1) == Some('*') && no_space_escape_before =>
            {
                simple(2)
            }
            EndPattern::Literal
                if at(q) == Some('`')
                    && at(q + 1) == Some('`')
                    && !before(q).is_some_and(is_space) =>
            {
                simple(2)
            }
            EndPattern::Target if at(q) == Some('`') && no_space_escape_before => simple(1),
            EndPattern::Substitution if at(q) == Some('|') && no_space_escape_before => {
                let unders = (1..=2).take_while(|&k| at(q + k) == Some('_')).count();
                (0..=unders).rev().find_map(|u| simple(1 + u))
            }
            EndPattern::Interpreted if at(q) == Some('`') => {
                // (?<!(?<!\x00)[\s\x00])
                let prev_bad = before(q).is_some_and(|c| c == '\0' || is_space(c))
                    && !(q >= lo + 2 && at(q - 2) == Some('\0'));
                if prev_bad {
                    return None;
                }
                self.interpreted_suffix(q)
            }
            _ => None,
        }
    }

    /// `` ` (:role:)? (__?)? `` + end suffix, in backtracking order.
    fn interpreted_suffix(&self, q: usize) -> Option<EndMatch> {
        let s = &self.s;
        let k = q + 1;
        let refend = |after: usize, role| {
            let mut options = Vec::with_capacity(3);
            if s.get(after) == Some(&'_') {
                if s.get(after + 1) == Some(&'_') {
                    options.push(after + 2);
                }
                options.push(after + 1);
            }
            options.push(after);
            options
                .into_iter()
                .find(|&e| self.rules.end_ok(s, e))
                .map(|e| EndMatch {
                    start: q,
                    group_end: e,
                    end: e,
                    role,
                })
        };
        if s.get(k) == Some(&':') && s.get(k + 1).is_some_and(|&c| is_name_char(c)) {
            // Chain end, measured without the shared cache (it serves the
            // initial search).
            let mut e = k + 1;
            loop {
                while e < s.len() && is_name_char(s[e]) {
                    e += 1;
                }
                if s.get(e).is_some_and(|&c| is_name_joiner(c))
                    && s.get(e + 1).is_some_and(|&c| is_name_char(c))
                {
                    e += 1;
                } else {
                    break;
                }
            }
            // Every `:` after a name character can close the role.
            for r in (k + 2..=e).rev() {
                if s.get(r) == Some(&':')
                    && is_name_char(s[r - 1])
                    && let Some(m) = refend(r + 1, Some((k + 1, r)))
                {
                    return Some(m);
                }
            }
        }
        refend(k, None)
    }

    /// `end_pattern.search(string[from:])`, memoised: positions from
    /// `from + 2` on do not depend on where the string starts.
    fn search_end(&mut self, pat: EndPattern, from: usize) -> Option<EndMatch> {
        for q in from..(from + 2).min(self.s.len()) {
            if let Some(m) = self.end_at(pat, q, from) {
                return Some(m);
            }
        }
        let p = from + 2;
        if let Some((f, res)) = self.end_cache[pat as usize]
            && f <= p
            && res.is_none_or(|m| m.start >= p)
        {
            return res;
        }
        let first = pat.first_char();
        let n = self.s.len();
        let mut q = p;
        let mut res = None;
        while let Some(k) = self.find_char(q, n, first) {
            res = self.end_at(pat, k, 0);
            if res.is_some() {
                break;
            }
            q = k + 1;
        }
        self.end_cache[pat as usize] = Some((p, res));
        res
    }

    // --- constructs ---

    fn start_string(&mut self, start: usize, end: usize, kind: StartKind, pos: usize) -> Outcome {
        let (pat, class) = match kind {
            StartKind::Strong => (EndPattern::Strong, Kind::Strong),
            StartKind::Emphasis => (EndPattern::Emphasis, Kind::Emphasis),
            StartKind::Literal => (EndPattern::Literal, Kind::Literal),
            StartKind::Target => (EndPattern::Target, Kind::Target),
            StartKind::Substitution => (EndPattern::Substitution, Kind::SubstitutionReference),
        };
        if self.quoted_start(start, end, pos) {
            return Outcome {
                before_end: end,
                nodes: vec![],
                next: end,
            };
        }
        let Some(m) = self.search_end(pat, end).filter(|m| m.start > end) else {
            let msg = format!("Inline {} start-string without end-string.", class.name());
            let mut msg = self.warning(&msg);
            let text = self.restored(start, end);
            let prb = problematic(self.state, &text, &mut msg);
            self.messages.push(msg);
            return Outcome {
                before_end: start,
                nodes: vec![prb],
                next: end,
            };
        };
        let text = if kind == StartKind::Literal {
            self.restored(end, m.start)
        } else {
            self.unescaped(end, m.start)
        };
        let mut el = Element::new(class);
        let node = match kind {
            StartKind::Emphasis | StartKind::Strong | StartKind::Literal => el.with_only_text(text),
            StartKind::Target => {
                el = el.with_only_text(text.clone());
                el.attrs.names.push(normalize_name(&text));
                if let Some(msg) = self.state.note_explicit_target(&mut el) {
                    self.messages.push(to_parent(msg));
                }
                el
            }
            StartKind::Substitution => {
                el = el.with_only_text(text.clone());
                el.set("refname", whitespace_normalize_name(&text));
                let endstring = &self.s[m.start..m.group_end];
                match endstring.len() {
                    1 => el,
                    len => {
                        let mut r = Element::new(Kind::Reference);
                        if len == 3 {
                            r.set("anonymous", "1");
                        } else {
                            r.set("refname", normalize_name(&text));
                        }
                        // the transforms quote it if the target is unknown
                        r.set(".rawsource", self.restored(start, m.group_end));
                        r.with_only_child(el)
                    }
                }
            }
        };
        Outcome {
            before_end: start,
            nodes: vec![node.into()],
            next: m.group_end,
        }
    }

    fn reference(&mut self, start: usize, name_end: usize, end: usize) -> Outcome {
        let name = self.raw(start, name_end);
        let mut r =
            Element::new(Kind::Reference).with_attr("name", whitespace_normalize_name(&name));
        if end - name_end == 2 {
            r.set("anonymous", "1");
        } else {
            r.set("refname", normalize_name(&name));
        }
        let r = r.with_only_text(name);
        Outcome {
            before_end: start,
            nodes: vec![r.into()],
            next: end,
        }
    }

    fn footnote_reference(
        &mut self,
        start: usize,
        label_end: usize,
        end: usize,
        label: FootnoteLabel,
    ) -> Outcome {
        let text = self.raw(start + 1, label_end);
        let refname = normalize_name(&text);
        let mut el = match label {
            FootnoteLabel::Citation => Element::new(Kind::CitationReference)
                .with_attr("refname", refname)
                .with_only_text(text),
            FootnoteLabel::Number => Element::new(Kind::FootnoteReference)
                .with_attr("refname", refname)
                .with_only_text(text),
            FootnoteLabel::Auto => {
                let mut el = Element::new(Kind::FootnoteReference).with_attr("auto", "1");
                if let Some(name) = refname.strip_prefix('#').filter(|n| !n.is_empty()) {
                    el.set("refname", name);
                }
                el
            }
            FootnoteLabel::Symbol => Element::new(Kind::FootnoteReference).with_attr("auto", "*"),
        };
        set_id(self.state, &mut el);
        Outcome {
            before_end: start,
            nodes: vec![el.into()],
            next: end,
        }
    }

    fn problem(
        &mut self,
        level: Level,
        msg: &str,
        text: String,
        before_end: usize,
        next: usize,
    ) -> Outcome {
        let mut msg = self
            .state
            .system_message(level, msg, Some(self.line), vec![]);
        let prb = problematic(self.state, &text, &mut msg);
        self.messages.push(msg);
        Outcome {
            before_end,
            nodes: vec![prb],
            next,
        }
    }

    fn interpreted_or_phrase_ref(&mut self, rolestart: usize, bq: usize, pos: usize) -> Outcome {
        let matchend = bq + 1;
        let prefix_role = (rolestart < bq).then(|| self.raw(rolestart + 1, bq - 1));
        if prefix_role.is_none() && self.quoted_start(rolestart, matchend, pos) {
            return Outcome {
                before_end: matchend,
                nodes: vec![],
                next: matchend,
            };
        }
        let Some(m) = self
            .search_end(EndPattern::Interpreted, matchend)
            .filter(|m| m.start > matchend)
        else {
            let text = self.restored(bq, matchend);
            let msg =
                "Inline interpreted text or phrase reference start-string without end-string.";
            return self.problem(Level::Warning, msg, text, bq, matchend);
        };
        let textend = m.end;
        let mut role = prefix_role.clone();
        let mut position = "prefix";
        if m.role.is_some() {
            if prefix_role.is_some() {
                let text = self.restored(rolestart, textend);
                let msg = "Multiple roles in interpreted text (both prefix and suffix present; only one allowed).";
                return self.problem(Level::Warning, msg, text, rolestart, textend);
            }
            // docutils takes `suffix[1:-1]`, the reference end included.
            let suffix = &self.s[m.start + 1..m.end];
            role = Some(raw(&suffix[1..suffix.len().saturating_sub(1).max(1)]));
            position = "suffix";
        }
        if self.s.get(textend - 1) == Some(&'_') {
            if role.is_some() {
                let text = self.restored(rolestart, textend);
                let msg = format!(
                    "Mismatch: both interpreted text role {position} and reference suffix."
                );
                return self.problem(Level::Warning, &msg, text, rolestart, textend);
            }
            let anonymous = textend >= 2 && self.s[textend - 2] == '_';
            let rawsource = self.restored(bq, textend);
            let nodes = self.phrase_ref(matchend, m.start, anonymous, &rawsource);
            return Outcome {
                before_end: bq,
                nodes,
                next: textend,
            };
        }
        let rawsource = self.restored(rolestart, textend);
        let escaped = self.raw(matchend, m.start);
        let (nodes, msgs) = roles::interpreted(
            self.state,
            &rawsource,
            &escaped,
            role.as_deref().unwrap_or(""),
            self.line,
        );
        self.messages.extend(msgs);
        Outcome {
            before_end: rolestart,
            nodes,
            next: textend,
        }
    }

    /// `` `text <uri>`_ ``, `` `text <alias_>`_ `` or `` `name`_ ``.
    /// The phrase is `s[a..b]`.
    fn phrase_ref(&mut self, a: usize, b: usize, anonymous: bool, rawsource: &str) -> Vec<Node> {
        let chars = self.s.get(a..b).unwrap_or_default();
        let mut target = None;
        let (unescaped, alias) = match embedded_link(chars) {
            Some((start, open)) => {
                let alias_text = &chars[open + 1..chars.len() - 1];
                // The restored alias ends with `\_`.
                let underscore_escaped = matches!(alias_text, [.., '\0' | '\\', '_']);
                let (kind, alias) = if alias_text.last() == Some(&'_')
                    && !(underscore_escaped || uri::match_start(alias_text, self.rules).is_some())
                {
                    let inner = unescape_chars(&alias_text[..alias_text.len() - 1]);
                    ("refname", normalize_name(&inner))
                } else {
                    ("refuri", uri_alias(alias_text))
                };
                target = Some(Element::new(Kind::Target).with_attr(kind, alias.clone()));
                let unescaped = if start == 0 {
                    unescape(&alias)
                } else {
                    self.unescaped(a, a + start)
                };
                (unescaped, Some((kind, alias)))
            }
            None => (self.unescaped(a, b), None),
        };
        let refname = normalize_name(&unescaped);
        let mut reference = Element::new(Kind::Reference)
            .with_attr("name", whitespace_normalize_name(&unescaped))
            .with_only_text(unescaped);
        let mut nodes = Vec::with_capacity(2);
        match (anonymous, alias, target) {
            (true, Some((kind, alias)), _) => reference.set(kind, alias),
            (true, None, _) => reference.set("anonymous", "1"),
            (false, Some((kind, alias)), Some(mut t)) => {
                t.attrs.names.push(refname);
                reference.set(kind, alias);
                nodes.push(reference.into());
                if let Some(msg) = self.state.note_implicit_target(&mut t) {
                    self.messages.push(to_parent(msg));
                }
                nodes.push(t.into());
                return nodes;
            }
            (false, _, _) => reference.set("refname", refname),
        }
        keep_rawsource(&mut reference, rawsource);
        nodes.push(reference.into());
        nodes
    }

    // --- implicit markup (standalone URIs) ---

    /// The first position in `[a, b)` holding `c` (memchr on plain text).
    fn find_char(&self, a: usize, b: usize, c: char) -> Option<usize> {
        match self.plain_str(a, b) {
            Some(t) => t.find(c).map(|d| a + d),
            None => self
                .s
                .get(a..b)?
                .iter()
                .position(|&x| x == c)
                .map(|d| a + d),
        }
    }

    /// The first position in `[a, b)` where [`is_punct_start`] holds.
    fn find_punct(&self, a: usize, b: usize) -> Option<usize> {
        match self.plain_str(a, b) {
            Some(t) => find_punct_byte(t.as_bytes()).map(|d| a + d),
            None => self
                .s
                .get(a..b)?
                .iter()
                .position(|&x| is_punct_start(x))
                .map(|d| a + d),
        }
    }

    /// `s[a..b]` as text, when the text is plain (see `parse`):
    /// it is its own raw, restored and unescaped form.
    fn plain_str(&self, a: usize, b: usize) -> Option<&str> {
        self.plain.and_then(|t| t.get(a..b))
    }

    /// `s[a..b]` with escape marks kept (as NULs).
    fn raw(&self, a: usize, b: usize) -> String {
        match self.plain_str(a, b) {
            Some(t) => t.to_owned(),
            None => raw(self.s.get(a..b).unwrap_or_default()),
        }
    }

    /// `s[a..b]` with backslashes restored.
    fn restored(&self, a: usize, b: usize) -> String {
        match self.plain_str(a, b) {
            Some(t) => t.to_owned(),
            None => restore(self.s.get(a..b).unwrap_or_default()),
        }
    }

    /// `s[a..b]` with escapes resolved.
    fn unescaped(&self, a: usize, b: usize) -> String {
        match self.plain_str(a, b) {
            Some(t) => t.to_owned(),
            None => unescape_chars(self.s.get(a..b).unwrap_or_default()),
        }
    }

    /// A text node of `s[a..b]`, escapes resolved.
    fn text_node(&self, a: usize, b: usize) -> Node {
        Node::Text(self.unescaped(a, b))
    }

    /// `implicit_inline` on `s[a..b]`: Text, standalone URIs and (when
    /// enabled) PEP and RFC references. Each pattern's next match is
    /// remembered, so a run of matches costs linear time. The text before a
    /// match is a new string and is searched again, to a bounded depth.
    fn implicit_inline(&mut self, a: usize, b: usize, out: &mut Vec<Node>, depth: u8) {
        if !self.implicit {
            if a < b {
                out.push(self.text_node(a, b));
            }
            return;
        }
        let mut memo = [None; 3];
        let mut a = a;
        while a < b {
            let Some(((x, y), node)) = self.implicit_match(a, b, &mut memo) else {
                out.push(self.text_node(a, b));
                return;
            };
            if x > a {
                if depth < 4 {
                    self.implicit_inline(a, x, out, depth + 1);
                } else {
                    out.push(self.text_node(a, x));
                }
            }
            out.push(node);
            a = y;
        }
    }

    /// The leftmost match of implicit pattern `k` in `s[a..b]` (absolute).
    /// `memo[k]` holds an earlier search (from, result) over the same end:
    /// positions after `a` look the same, only `a` itself (now the start of
    /// the string) must be tried again.
    fn implicit_search(
        &self,
        k: usize,
        a: usize,
        b: usize,
        memo: &mut [Memo; 3],
    ) -> Option<(usize, usize)> {
        let r = self.rules;
        let t = &self.s[a..b];
        let found = match memo[k] {
            Some((from, res)) if from <= a && res.is_none_or(|(x, _)| x > a) => {
                let here = match k {
                    0 => uri::match_start(t, r).map(|m| m.end),
                    1 => pep_at(t, 0, r),
                    _ => rfc_at(t, 0, r),
                };
                here.map(|e| (a, a + e)).or(res)
            }
            _ => {
                let m = match k {
                    0 => return self.uri_search(a, b, memo),
                    1 => search_with(t, r, pep_at),
                    _ => search_with(t, r, rfc_at),
                };
                m.map(|(x, y)| (a + x, a + y))
            }
        };
        memo[k] = Some((a, found));
        found
    }

    /// `uri::search` on `s[a..b]` (absolute positions), remembered in
    /// `memo[0]`. On plain text the first `:` or `@` (every match holds
    /// one) is found on bytes and the search starts at its word: no match
    /// starts before, and the start-string rule holds after whitespace as
    /// at the start of the string.
    fn uri_search(&self, a: usize, b: usize, memo: &mut [Memo; 3]) -> Option<(usize, usize)> {
        let from = match self.plain_str(a, b) {
            Some(t) => {
                let bytes = t.as_bytes();
                let Some(q) = find_byte(bytes, |x| (x == b':') | (x == b'@')) else {
                    memo[0] = Some((a, None));
                    return None;
                };
                bytes
                    .get(..q)
                    .and_then(|w| w.iter().rposition(|&x| is_space(char::from(x))))
                    .map_or(a, |d| a + d + 1)
            }
            None => a,
        };
        let t = self.s.get(from..b).unwrap_or_default();
        let found = uri::search(t, self.rules).map(|m| (from + m.start, from + m.end));
        memo[0] = Some((a, found));
        found
    }

    /// The first implicit pattern (URI, PEP, RFC) whose leftmost match in
    /// `s[a..b]` gives a node; a URI with an unknown scheme is a mismatch.
    fn implicit_match(
        &mut self,
        a: usize,
        b: usize,
        memo: &mut [Memo; 3],
    ) -> Option<((usize, usize), Node)> {
        let enabled = [true, self.pep_references, self.rfc_references];
        for k in (0..3).filter(|&k| enabled[k]) {
            let Some((x, y)) = self.implicit_search(k, a, b, memo) else {
                continue;
            };
            let node = match k {
                0 => self.standalone_uri(x, y, b),
                1 => Some(pep_node(&self.s[x..y])),
                _ => Some(rfc_node(&self.s[x..y])),
            };
            if let Some(node) = node {
                return Some(((x, y), node));
            }
        }
        None
    }

    /// `standalone_uri` for the match `s[x..y]` (in `s[x..b]`): a
    /// reference, or `None` (MarkupMismatch) for an unknown scheme.
    fn standalone_uri(&self, x: usize, y: usize, b: usize) -> Option<Node> {
        let t = self.s.get(x..b)?;
        let m = uri::match_start(t, self.rules)?;
        let scheme_ok = m
            .scheme
            .is_none_or(|(p, q)| uri::known_scheme(&raw(&t[p..q])));
        if !scheme_ok {
            return None;
        }
        let text = self.unescaped(x, y);
        let refuri = if m.is_email() {
            format!("mailto:{text}")
        } else {
            text.clone()
        };
        let r = Element::new(Kind::Reference)
            .with_attr("refuri", refuri)
            .with_only_text(text);
        Some(r.into())
    }
}

/// A remembered implicit search: searched from, leftmost match.
type Memo = Option<(usize, Option<(usize, usize)>)>;

/// Leftmost position where `at` matches, with the start-string rule.
fn search_with(
    t: &[char],
    r: Rules,
    at: fn(&[char], usize, Rules) -> Option<usize>,
) -> Option<(usize, usize)> {
    (0..t.len()).find_map(|i| {
        if r.start_ok(t, 0, i) {
            at(t, i, r).map(|e| (i, e))
        } else {
            None
        }
    })
}

fn digits_end(t: &[char], from: usize) -> usize {
    let mut k = from;
    while k < t.len() && t[k].is_ascii_digit() {
        k += 1;
    }
    k
}

/// `patterns.pep` at `i`: `pep-NNNN(.txt)?` or `PEP\s+NNNN` (end of match).
fn pep_at(t: &[char], i: usize, r: Rules) -> Option<usize> {
    let starts = |w: &str| w.chars().enumerate().all(|(k, c)| t.get(i + k) == Some(&c));
    if starts("pep-") {
        let d = i + 4;
        let end = digits_end(t, d);
        // Longest digits first; `.txt` (any character, then `txt`) first.
        for e in (d + 1..=end).rev() {
            let txt = t.get(e).is_some_and(|&c| c != '\n')
                && t.get(e + 1..e + 4).is_some_and(|w| w == ['t', 'x', 't']);
            if txt && r.end_ok(t, e + 4) {
                return Some(e + 4);
            }
            if r.end_ok(t, e) {
                return Some(e);
            }
        }
        return None;
    }
    if starts("PEP") {
        let mut d = i + 3;
        while d < t.len() && is_space(t[d]) {
            d += 1;
        }
        if d == i + 3 {
            return None;
        }
        let end = digits_end(t, d);
        return (d + 1..=end).rev().find(|&e| r.end_ok(t, e));
    }
    None
}

/// `patterns.rfc` at `i`: `RFC(-|\s+)?NNNN` (end of match).
fn rfc_at(t: &[char], i: usize, r: Rules) -> Option<usize> {
    if t.get(i..i + 3)? != ['R', 'F', 'C'] {
        return None;
    }
    let mut d = i + 3;
    if t.get(d) == Some(&'-') {
        d += 1;
    } else {
        while d < t.len() && is_space(t[d]) {
            d += 1;
        }
    }
    let end = digits_end(t, d);
    (d + 1..=end).rev().find(|&e| r.end_ok(t, e))
}

/// A decimal number as Python's `int()` prints it (no leading zeros),
/// zero-padded to `width`.
fn py_number(digits: &[char], width: usize) -> String {
    let n: String = digits.iter().skip_while(|&&c| c == '0').collect();
    let n = if n.is_empty() { "0".to_owned() } else { n };
    format!("{n:0>width$}")
}

/// The trailing digits of a match.
fn trailing_digits(whole: &[char]) -> &[char] {
    let k = whole
        .iter()
        .rposition(|c| !c.is_ascii_digit())
        .map_or(0, |k| k + 1);
    &whole[k..]
}

fn pep_node(whole: &[char]) -> Node {
    // `pep-NNNN(.txt)?`: the digits stop before the `.txt` group.
    let digits = if whole.starts_with(&['p', 'e', 'p', '-']) {
        let end = if whole.ends_with(&['t', 'x', 't']) {
            whole.len() - 4
        } else {
            whole.len()
        };
        whole.get(4..end).unwrap_or_default()
    } else {
        trailing_digits(whole)
    };
    Element::new(Kind::Reference)
        .with_attr(
            "refuri",
            format!("https://peps.python.org/pep-{}", py_number(digits, 4)),
        )
        .with_only_text(unescape_chars(whole))
        .into()
}

fn rfc_node(whole: &[char]) -> Node {
    let n = py_number(trailing_digits(whole), 0);
    Element::new(Kind::Reference)
        .with_attr("refuri", format!("https://tools.ietf.org/html/rfc{n}.html"))
        .with_only_text(unescape_chars(whole))
        .into()
}

/// `patterns.embedded_link` on the phrase text: `(?:[ \n]+|^)<...>$`.
/// Returns where the match starts and the position of `<`.
fn embedded_link(t: &[char]) -> Option<(usize, usize)> {
    let n = t.len();
    if n < 3 || t[n - 1] != '>' || matches!(t[n - 2], '\0') || is_space(t[n - 2]) {
        return None;
    }
    // The content may hold `<`/`>` only when escaped.
    let mut open = None;
    for k in (0..n - 1).rev() {
        if matches!(t[k], '<' | '>') && !(k > 0 && t[k - 1] == '\0') {
            if t[k] == '<' {
                open = Some(k);
            }
            break;
        }
    }
    let open = open?;
    if open + 1 >= n - 1 || is_space(t[open + 1]) {
        return None;
    }
    if open == 0 {
        return Some((0, 0));
    }
    if !matches!(t[open - 1], ' ' | '\n') {
        return None;
    }
    let mut start = open - 1;
    while start > 0 && matches!(t[start - 1], ' ' | '\n') {
        start -= 1;
    }
    Some((start, open))
}

/// An embedded URI: unescaped whitespace removed, emails get `mailto:`.
fn uri_alias(alias: &[char]) -> String {
    if !alias.iter().any(|&c| c == '\0' || is_space(c)) {
        // Nothing to drop or unescape (and so no backslash either).
        let mut out = String::with_capacity(alias.len() + 7);
        if uri::is_email(alias) {
            out.push_str("mailto:");
        }
        out.extend(alias);
        return out;
    }
    // split_escaped_whitespace, then drop whitespace inside each part.
    let mut parts: Vec<String> = vec![String::new()];
    let mut i = 0;
    while i < alias.len() {
        let c = alias[i];
        if c == '\0' && matches!(alias.get(i + 1), Some(' ' | '\n')) {
            parts.push(String::new());
            i += 2;
            continue;
        }
        if !is_space(c)
            && let Some(p) = parts.last_mut()
        {
            p.push(c);
        }
        i += 1;
    }
    let joined = parts.join(" ");
    let unescaped = unescape(&joined);
    let chars: Vec<char> = unescaped.chars().collect();
    let mut out = if uri::is_email(&chars) {
        format!("mailto:{unescaped}")
    } else {
        unescaped
    };
    if out.ends_with("\\_") {
        out.truncate(out.len() - 2);
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests;

/// Records a phrase reference's source text (`.rawsource`, quoted in
/// `problematic` nodes by the transforms) where rebuilding it from the node
/// (as `transform::doc` does: `name_`, `` `two words`_ ``,
/// `` `text <alias_>`_ ``) would differ, e.g. `` `Python`_ ``.
fn keep_rawsource(reference: &mut Element, rawsource: &str) {
    if reference.get("refuri").is_some() {
        return;
    }
    let text = reference.astext();
    let tail = if reference.get("anonymous").is_some() {
        "__"
    } else {
        "_"
    };
    let refname = reference.get("refname").unwrap_or("");
    let rebuilt = if !refname.is_empty() && refname != normalize_name(&text) {
        format!("`{text} <{refname}_>`{tail}")
    } else if text
        .chars()
        .all(|c| c.is_alphanumeric() || "-_.".contains(c))
    {
        format!("{text}{tail}")
    } else {
        format!("`{text}`{tail}")
    };
    if rebuilt != rawsource {
        reference.set(".rawsource", rawsource);
    }
}
