//! A safe reader of the literal settings in a Nikola `conf.py`.
//!
//! Only top-level `NAME = <literal>` statements are read: strings (all
//! quote forms, adjacent ones joined), numbers, booleans, `None`, tuples,
//! lists, dicts, and names already assigned (`DEFAULT_LANG: ""` in
//! `TRANSLATIONS`). Anything else (imports, calls, `if` blocks) is skipped.
//! Nothing is executed.

use std::collections::BTreeMap;

/// A Python literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    /// Lists and tuples alike.
    List(Vec<Value>),
    /// Dict entries in source order.
    Dict(Vec<(Value, Value)>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::None => Some(false),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) => Some(v),
            _ => None,
        }
    }

    /// A dict with string keys, as an ordered map (non-string keys dropped).
    pub fn as_str_map(&self) -> Option<BTreeMap<String, Value>> {
        match self {
            Value::Dict(entries) => Some(
                entries
                    .iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.clone())))
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// The literal assignments of a `conf.py`, by name (the last one wins).
pub fn read_literals(src: &str) -> BTreeMap<String, Value> {
    read_settings(src).0
}

/// The literal assignments, and the names assigned at the top level with
/// something we do not evaluate (`POSTS = BASE + (...)`), so callers can
/// say which settings were not read.
pub fn read_settings(src: &str) -> (BTreeMap<String, Value>, Vec<String>) {
    let tokens = lex(src);
    let mut vars = BTreeMap::new();
    let mut unread = Vec::new();
    for stmt in tokens.split(|t| *t == Tok::Newline) {
        if let Some((name, value)) = assignment(stmt, &vars) {
            unread.retain(|n| *n != name);
            vars.insert(name, value);
        } else if let [Tok::Name(name), Tok::Punct('=' | '+' | '-'), ..] = stmt {
            vars.remove(name);
            if !unread.contains(name) {
                unread.push(name.clone());
            }
        }
    }
    (vars, unread)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Num(String),
    Punct(char),
    /// End of a logical line at nesting depth 0.
    Newline,
    /// A logical line starting with indentation: inside a block, skipped.
    Indent,
    /// Anything we do not understand (operators, f-strings...).
    Other,
}

/// Tokenises Python source enough for literals; linear in the input.
fn lex(src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut depth = 0usize;
    let mut line_start = true;
    while i < b.len() {
        let c = b[i];
        if line_start && depth == 0 {
            line_start = false;
            let start = i;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            let blank = i >= b.len() || matches!(b[i], b'\n' | b'\r' | b'#');
            if i > start && !blank {
                toks.push(Tok::Indent);
            }
            continue;
        }
        match c {
            b'\n' => {
                if depth == 0 {
                    toks.push(Tok::Newline);
                    line_start = true;
                }
                i += 1;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' => i += 1,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' if b.get(i + 1) == Some(&b'\r') => i += 3,
            b'(' | b'[' | b'{' => {
                depth += 1;
                toks.push(Tok::Punct(c as char));
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                toks.push(Tok::Punct(c as char));
                i += 1;
            }
            b',' | b':' | b'=' | b'-' | b'+' => {
                toks.push(Tok::Punct(c as char));
                i += 1;
            }
            b'"' | b'\'' => {
                let (tok, next) = string(src, i, "");
                toks.push(tok);
                i = next;
            }
            b'0'..=b'9' | b'.' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'.' | b'_')) {
                    i += 1;
                }
                toks.push(Tok::Num(src[start..i].to_owned()));
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                let word = &src[start..i];
                let is_prefix = word.len() <= 2
                    && word
                        .chars()
                        .all(|c| matches!(c, 'r' | 'R' | 'u' | 'U' | 'b' | 'B' | 'f' | 'F'));
                if is_prefix && matches!(b.get(i), Some(b'"' | b'\'')) {
                    let (tok, next) = string(src, i, word);
                    toks.push(tok);
                    i = next;
                } else {
                    toks.push(Tok::Name(word.to_owned()));
                }
            }
            _ => {
                toks.push(Tok::Other);
                i += 1;
            }
        }
    }
    toks
}

/// A string literal starting at `start` (a quote); returns it and the
/// index after it. f-strings and unterminated strings are `Other`.
fn string(src: &str, start: usize, prefix: &str) -> (Tok, usize) {
    let b = src.as_bytes();
    let q = b[start];
    let triple = b.get(start + 1) == Some(&q) && b.get(start + 2) == Some(&q);
    let open = if triple { 3 } else { 1 };
    let raw = prefix.contains(['r', 'R']);
    let mut i = start + open;
    let body_start = i;
    loop {
        let Some(&c) = b.get(i) else {
            return (Tok::Other, b.len());
        };
        if c == b'\\' {
            i += 2;
            continue;
        }
        if !triple && c == b'\n' {
            return (Tok::Other, i);
        }
        if c == q && (!triple || (b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q))) {
            break;
        }
        i += 1;
    }
    let end = i + open;
    let body = src.get(body_start..i).unwrap_or("");
    if prefix.contains(['f', 'F']) {
        return (Tok::Other, end);
    }
    let text = if raw { body.to_owned() } else { unescape(body) };
    (Tok::Str(text), end)
}

/// Python's common string escapes; unknown ones are kept as written.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('\n') => {}
            Some(e @ ('\\' | '\'' | '"')) => out.push(e),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some(e) => {
                out.push('\\');
                out.push(e);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `NAME = literal` as a whole statement, else `None`.
fn assignment(stmt: &[Tok], vars: &BTreeMap<String, Value>) -> Option<(String, Value)> {
    let [Tok::Name(name), Tok::Punct('='), rest @ ..] = stmt else {
        return None;
    };
    let mut p = Parser {
        toks: rest,
        pos: 0,
        vars,
        depth: 0,
    };
    let value = p.expr()?;
    (p.pos == rest.len()).then(|| (name.clone(), value))
}

/// Nesting limit: a hostile conf.py must not overflow the stack.
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
    vars: &'a BTreeMap<String, Value>,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A literal, or a bare tuple `a, b` at the top.
    fn expr(&mut self) -> Option<Value> {
        let first = self.atom()?;
        if self.peek() != Some(&Tok::Punct(',')) || self.depth > 0 {
            return Some(first);
        }
        let mut items = vec![first];
        while self.eat(',') {
            if self.peek().is_none() {
                break;
            }
            items.push(self.atom()?);
        }
        Some(Value::List(items))
    }

    fn atom(&mut self) -> Option<Value> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let tok = self.peek()?.clone();
        self.pos += 1;
        match tok {
            Tok::Str(mut s) => {
                // Adjacent literals join: "a" "b" == "ab".
                while let Some(Tok::Str(next)) = self.peek() {
                    s.push_str(next);
                    self.pos += 1;
                }
                Some(Value::Str(s))
            }
            Tok::Num(n) => number(&n),
            Tok::Punct('-') => match self.atom()? {
                Value::Int(i) => Some(Value::Int(i.checked_neg()?)),
                Value::Float(f) => Some(Value::Float(-f)),
                _ => None,
            },
            Tok::Name(n) => match n.as_str() {
                "True" => Some(Value::Bool(true)),
                "False" => Some(Value::Bool(false)),
                "None" => Some(Value::None),
                _ => self.vars.get(&n).cloned(),
            },
            Tok::Punct(open @ ('(' | '[')) => {
                let close = if open == '(' { ')' } else { ']' };
                self.depth += 1;
                let items = self.items(close)?;
                self.depth -= 1;
                Some(items)
            }
            Tok::Punct('{') => {
                self.depth += 1;
                let d = self.dict()?;
                self.depth -= 1;
                Some(d)
            }
            _ => None,
        }
    }

    /// Items up to `close`; `(x)` alone is `x`, not a tuple.
    fn items(&mut self, close: char) -> Option<Value> {
        let mut items = Vec::new();
        let mut saw_comma = false;
        loop {
            if self.eat(close) {
                break;
            }
            items.push(self.atom()?);
            if self.eat(',') {
                saw_comma = true;
                continue;
            }
            if !self.eat(close) {
                return None;
            }
            break;
        }
        if close == ')' && items.len() == 1 && !saw_comma {
            return items.pop();
        }
        Some(Value::List(items))
    }

    fn dict(&mut self) -> Option<Value> {
        let mut entries = Vec::new();
        loop {
            if self.eat('}') {
                break;
            }
            let k = self.atom()?;
            if !self.eat(':') {
                return None;
            }
            let v = self.atom()?;
            entries.push((k, v));
            if self.eat(',') {
                continue;
            }
            if !self.eat('}') {
                return None;
            }
            break;
        }
        Some(Value::Dict(entries))
    }
}

fn number(n: &str) -> Option<Value> {
    let clean: String = n.chars().filter(|&c| c != '_').collect();
    if let Ok(i) = clean.parse::<i64>() {
        return Some(Value::Int(i));
    }
    if let Some(hex) = clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        return i64::from_str_radix(hex, 16).ok().map(Value::Int);
    }
    clean.parse::<f64>().ok().map(Value::Float)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::Str(v.to_owned())
    }

    #[test]
    fn nikola_conf_shapes() {
        let src = r#"# -*- coding: utf-8 -*-
import time
BLOG_TITLE = "My Blog"  # (translatable)
SITE_URL = 'https://example.com/'
DEFAULT_LANG = "en"
TRANSLATIONS = {
    DEFAULT_LANG: "",
    "ru": "./ru",
}
POSTS = (
    ("posts/*.rst", "blog", "post.tmpl"),
    ("posts/*.txt", "blog", "post.tmpl"),
)
PAGES = ()
PRETTY_URLS = False
TIMEZONE = "Europe/Moscow"
TRANSLATIONS_PATTERN = '{path}.{lang}.{ext}'
COMMENTS_IN_GALLERIES = time.time()
if True:
    TIMEZONE = "UTC"
"#;
        let v = read_literals(src);
        assert_eq!(v["BLOG_TITLE"], s("My Blog"));
        assert_eq!(v["TIMEZONE"], s("Europe/Moscow"));
        assert_eq!(v["PRETTY_URLS"], Value::Bool(false));
        assert_eq!(v["PAGES"], Value::List(vec![]));
        assert_eq!(
            v["TRANSLATIONS"],
            Value::Dict(vec![(s("en"), s("")), (s("ru"), s("./ru"))])
        );
        let posts = v["POSTS"].as_list().unwrap();
        assert_eq!(
            posts[1],
            Value::List(vec![s("posts/*.txt"), s("blog"), s("post.tmpl")])
        );
        assert!(!v.contains_key("COMMENTS_IN_GALLERIES"));
        let (_, unread) = read_settings(src);
        assert_eq!(unread, ["COMMENTS_IN_GALLERIES"]);
        let (v, unread) = read_settings("POSTS = ()\nPOSTS += EXTRA\n");
        assert!(!v.contains_key("POSTS"));
        assert_eq!(unread, ["POSTS"]);
    }

    #[test]
    fn strings_and_numbers() {
        let v = read_literals(
            "A = 'x' \"y\"\nB = r'\\d'\nC = '''multi\nline'''\nD = -3\nE = 1.5\nF = f'{A}'\nG = (1)\nH = 1, 2\nI = 'caf\\u00e9'\n",
        );
        assert_eq!(v["A"], s("xy"));
        assert_eq!(v["B"], s("\\d"));
        assert_eq!(v["C"], s("multi\nline"));
        assert_eq!(v["D"], Value::Int(-3));
        assert_eq!(v["E"], Value::Float(1.5));
        assert!(!v.contains_key("F"));
        assert_eq!(v["G"], Value::Int(1));
        assert_eq!(v["H"], Value::List(vec![Value::Int(1), Value::Int(2)]));
        assert_eq!(v["I"], s("café"));
    }

    #[test]
    fn garbage_does_not_panic() {
        for src in [
            "A = (",
            "A = '",
            "A = {1: }",
            "= 3",
            "A = \"\"\"",
            "A = ((((((((",
            "\\",
            "A = -",
            "A = 'a' + 'b'",
        ] {
            let v = read_literals(src);
            assert!(!v.contains_key("A"), "{src}");
        }
        let deep = format!("A = {}{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(!read_literals(&deep).contains_key("A"));
    }
}
