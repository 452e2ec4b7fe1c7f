//! docutils `misc.py`: `include`, `raw`, `replace`, `unicode`, `date`,
//! `class`, `role`, `default-role`, `title`, `meta`, and the test directive.

use super::body::{code_block, number_lines};
use super::convert::{Conv, OptVal, field_marker, py_repr, unicode_code};
use super::parts::pending;
use super::{DirError, DirResult, Directive, Spec, err, literal, parse_into, split_block, warning};
use crate::doctree::{Element, Kind, Level, Node};
use crate::rst::block::Parser;
use crate::rst::inline;
use std::path::{Path, PathBuf};

/// Internal option naming the folder an include reads from (input cannot
/// set it: option names come from the directive's spec).
pub(super) const LISTING_ROOT: &str = ".root";

/// Includes nested deeper than this are refused (besides circular ones).
const MAX_INCLUDE_DEPTH: usize = 32;

/// Why a file could not be read: docutils words the two cases apart.
pub(super) enum ReadError {
    /// Opening failed: `InputError: [Errno 2] ...` (docutils' `error_string`).
    Open(String),
    /// Decoding failed: `UnicodeDecodeError: ...`.
    Decode(String),
}

impl ReadError {
    /// The directive error docutils reports for it.
    pub(super) fn to_dir_error(&self, name: &str) -> DirError {
        match self {
            ReadError::Open(e) => err(format!("Problems with \"{name}\" directive path:\n{e}.")),
            ReadError::Decode(e) => err(format!("Problem with \"{name}\" directive:\n{e}")),
        }
    }
}

/// `InputError: [Errno N] text: 'path'` for an I/O error on `path`.
fn io_error_string(e: &std::io::Error, path: &str) -> ReadError {
    use std::io::ErrorKind as K;
    let (errno, text) = match e.kind() {
        K::NotFound => (2, "No such file or directory"),
        K::PermissionDenied => (13, "Permission denied"),
        K::IsADirectory => (21, "Is a directory"),
        _ => (e.raw_os_error().unwrap_or(5), "Input/output error"),
    };
    ReadError::Open(format!(
        "InputError: [Errno {errno}] {text}: {}",
        py_repr(path)
    ))
}

/// Reads `path` relative to `settings.base_dir` (else the working folder),
/// refusing anything that resolves outside it, and decodes it.
pub(super) fn read_confined(
    parser: &Parser,
    path: &str,
    encoding: Option<&str>,
) -> Result<String, ReadError> {
    read_in(&source_root(parser), path, encoding)
}

/// The folder relative paths start from (`settings.base_dir`, else `.`).
pub(super) fn source_root(parser: &Parser) -> PathBuf {
    (parser.state.settings.base_dir.clone()).unwrap_or_else(|| PathBuf::from("."))
}

/// Reads `path` relative to `base`, refusing anything outside `base`.
pub(super) fn read_in(
    base: &Path,
    path: &str,
    encoding: Option<&str>,
) -> Result<String, ReadError> {
    let full = base.join(Path::new(path));
    let canon_base = base.canonicalize().map_err(|e| io_error_string(&e, path))?;
    let canon = full.canonicalize().map_err(|e| io_error_string(&e, path))?;
    if !canon.starts_with(&canon_base) {
        return Err(ReadError::Open(format!(
            "InputError: [Errno 13] Permission denied (outside the source folder): {}",
            py_repr(path)
        )));
    }
    let bytes = std::fs::read(&canon).map_err(|e| io_error_string(&e, path))?;
    decode(&bytes, encoding).map_err(ReadError::Decode)
}

/// Decodes file bytes as Python would with `encoding` (UTF-8 by default,
/// a byte-order mark is dropped).
fn decode(bytes: &[u8], encoding: Option<&str>) -> Result<String, String> {
    let enc = encoding
        .unwrap_or("utf-8")
        .to_lowercase()
        .replace(['-', '_', ' '], "");
    let text = match enc.as_str() {
        "latin1" | "iso88591" | "l1" | "latin" | "cp1252" | "windows1252" => {
            bytes.iter().map(|&b| b as char).collect()
        }
        "ascii" | "usascii" => match bytes.iter().position(|b| !b.is_ascii()) {
            Some(i) => {
                return Err(format!(
                    "UnicodeDecodeError: 'ascii' codec can't decode byte 0x{:02x} in position {i}: ordinal not in range(128)",
                    bytes[i]
                ));
            }
            None => bytes.iter().map(|&b| b as char).collect(),
        },
        "utf16" | "utf16le" | "utf16be" => {
            let (le, body) = match bytes {
                [0xff, 0xfe, rest @ ..] if enc != "utf16be" => (true, rest),
                [0xfe, 0xff, rest @ ..] if enc != "utf16le" => (false, rest),
                _ => (enc != "utf16be", bytes),
            };
            let units: Vec<u16> = body
                .chunks(2)
                .map(|c| {
                    let pair = [c[0], c.get(1).copied().unwrap_or(0)];
                    if le { u16::from_le_bytes(pair) } else { u16::from_be_bytes(pair) }
                })
                .collect();
            String::from_utf16(&units).map_err(|_| {
                "UnicodeDecodeError: 'utf-16' codec can't decode bytes: illegal encoding".to_owned()
            })?
        }
        _ => String::from_utf8(bytes.to_vec()).map_err(|e| {
            let pos = e.utf8_error().valid_up_to();
            format!(
                "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x{:02x} in position {pos}: invalid start byte",
                bytes.get(pos).copied().unwrap_or(0)
            )
        })?,
    };
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

/// docutils' `adapt_path`: a path inside an included file is relative to
/// that file's folder. Normalised lexically (`a/../b` is `b`).
pub(super) fn adapt_path(parser: &Parser, path: &str) -> String {
    if let Some(rest) = path.strip_prefix('/') {
        return rooted(parser, rest).unwrap_or_else(|| path.to_owned());
    }
    let dir = (parser.state.include_log.last())
        .and_then(|(p, _)| p.rsplit_once('/').map(|(d, _)| d.to_owned()));
    let joined = match dir {
        Some(d) => format!("{d}/{path}"),
        None => path.to_owned(),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// An absolute path under `root_prefix`, shown relative to `base_dir` when
/// inside it (docutils shows it relative to the working directory).
fn rooted(parser: &Parser, rest: &str) -> Option<String> {
    let settings = parser.state.settings;
    let full = settings.root_prefix.as_ref()?.join(rest);
    let shown = match &settings.base_dir {
        Some(base) => full.strip_prefix(base).unwrap_or(&full),
        None => &full,
    };
    Some(shown.to_string_lossy().into_owned())
}

/// Python's `str.expandtabs`.
pub(super) fn expand_tabs(text: &str, width: usize) -> String {
    if !text.contains('\t') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut col = 0;
    for c in text.chars() {
        match c {
            '\t' if width > 0 => {
                let n = width - col % width;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\t' => {}
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

/// Python's `lines[start:end]` with negative indices.
fn py_slice<T>(items: &[T], start: Option<i64>, end: Option<i64>) -> &[T] {
    let n = items.len() as i64;
    let fix = |i: i64| if i < 0 { (n + i).max(0) } else { i.min(n) };
    let s = start.map_or(0, fix);
    let e = end.map_or(n, fix);
    if s >= e {
        &[]
    } else {
        &items[s as usize..e as usize]
    }
}

fn int_opt(d: &Directive, name: &str) -> Option<i64> {
    match d.opt(name) {
        Some(OptVal::Int(i)) => Some(*i),
        _ => None,
    }
}

pub static INCLUDE: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: &[
        ("literal", Conv::Flag),
        ("code", Conv::Unchanged),
        ("encoding", Conv::Encoding),
        ("parser", Conv::ParserName),
        ("tab-width", Conv::Int),
        ("start-line", Conv::Int),
        ("end-line", Conv::Int),
        ("start-after", Conv::Unchanged),
        ("end-before", Conv::Unchanged),
        ("number-lines", Conv::NoneOrInt),
        ("class", Conv::ClassOption),
        ("name", Conv::Unchanged),
    ],
    content: false,
    run: include,
};

fn include(parser: &mut Parser, d: &mut Directive) -> DirResult {
    if !parser.state.settings.file_insertion_enabled {
        return Err(warning(format!("\"{}\" directive disabled.", d.name)));
    }
    let tab_width = int_opt(d, "tab-width").unwrap_or(parser.state.settings.tab_width as i64);
    let raw_path = d.arguments.first().map_or("", String::as_str);
    let path: String = raw_path.lines().map(str::trim).collect();
    let (path, text) = match path.strip_prefix('<').and_then(|p| p.strip_suffix('>')) {
        // docutils' standard include files, bundled.
        Some(name) => {
            let shown = format!("docutils/parsers/rst/include/{name}");
            let Some(text) = super::stdinclude::get(name) else {
                return Err(err(format!(
                    "Problems with \"{}\" directive path:\nInputError: [Errno 2] No such file or directory: {}.",
                    d.name,
                    py_repr(&shown)
                )));
            };
            let text = clip(d, text.to_owned())?;
            (shown, text)
        }
        None => {
            let path = adapt_path(parser, &path);
            let text = read_clipped(parser, d, &path)?;
            (path, text)
        }
    };
    let tab = usize::try_from(tab_width).ok();
    if d.has("literal") {
        return Ok(include_literal(parser, d, &path, &text, tab));
    }
    if let Some(OptVal::Str(lang)) = d.take("code") {
        let text = match tab {
            Some(w) => expand_tabs(&text, w),
            None => text,
        };
        d.arguments = if lang.is_empty() { vec![] } else { vec![lang] };
        d.content = vec![text.strip_suffix('\n').unwrap_or(&text).to_owned()];
        return Ok(code_block(parser, d, Some(&path)));
    }
    include_rst(parser, d, &path, &text, tab.unwrap_or(8))
}

/// `read_file`: reads and clips by the line and text options.
fn read_clipped(parser: &Parser, d: &Directive, path: &str) -> Result<String, DirError> {
    // Nikola's `listing` reads from a `listings` folder found above the post.
    let root = match d.opt_str(LISTING_ROOT) {
        Some(r) => PathBuf::from(r),
        None => source_root(parser),
    };
    let text = read_in(&root, path, d.opt_str("encoding")).map_err(|e| e.to_dir_error(&d.name))?;
    clip(d, text)
}

/// Clips included text by the `start-line`/`end-line`/`start-after`/
/// `end-before` options.
fn clip(d: &Directive, mut text: String) -> Result<String, DirError> {
    let (start, end) = (int_opt(d, "start-line"), int_opt(d, "end-line"));
    if start.is_some_and(|s| s != 0) || end.is_some() {
        let lines: Vec<&str> = text.lines().collect();
        text = py_slice(&lines, start, end).join("\n");
    }
    let start_after = d
        .opt_str("start-after")
        .map(|s| if s.is_empty() { "\n\n" } else { s });
    if let Some(after) = start_after {
        match text.find(after) {
            Some(i) => text = text[i + after.len()..].to_owned(),
            None => {
                return Err(err(format!(
                    "Problem with \"start-after\" option of \"{}\" directive:\nText not found.",
                    d.name
                )));
            }
        }
    }
    match d.opt_str("end-before") {
        Some("") => {
            if let Some(i) = text.find("\n\n").filter(|i| *i > 0) {
                text.truncate(i + 1);
            }
        }
        Some(before) => match text.find(before) {
            Some(i) => text.truncate(i),
            None => {
                return Err(err(format!(
                    "Problem with \"end-before\" option of \"{}\" directive:\nText not found.",
                    d.name
                )));
            }
        },
        None => {}
    }
    Ok(text)
}

fn include_literal(
    parser: &mut Parser,
    d: &mut Directive,
    path: &str,
    text: &str,
    tab: Option<usize>,
) -> Vec<Node> {
    let text = match tab {
        Some(w) => expand_tabs(text, w),
        None => text.to_owned(),
    };
    let mut node = Element::new(Kind::LiteralBlock)
        .with_attr("xml:space", "preserve")
        .with_attr("source", path)
        .with_line(int_opt(d, "start-line").unwrap_or(0).max(0) as u32 + 1);
    node.attrs.classes.extend(d.classes());
    d.add_name(parser, &mut node);
    match d.opt("number-lines") {
        Some(v) => {
            let first = if let OptVal::Int(i) = v { *i } else { 1 };
            let text = text.strip_suffix('\n').unwrap_or(&text);
            let last = first + text.lines().count() as i64;
            node.children.extend(number_lines(text, first, last));
        }
        None => node.push(Node::text(text)),
    }
    vec![node.into()]
}

/// Parses an included reST file in place (docutils inserts its lines into
/// the input; we parse them as a nested block).
fn include_rst(
    parser: &mut Parser,
    d: &Directive,
    path: &str,
    text: &str,
    tab: usize,
) -> DirResult {
    let limit = parser.state.settings.line_length_limit;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            expand_tabs(l, tab)
                .replace(['\u{b}', '\u{c}'], " ")
                .trim_end()
                .to_owned()
        })
        .collect();
    if let Some(i) = lines.iter().position(|l| l.chars().count() > limit) {
        let n = i as i64 + 1 + int_opt(d, "start-line").unwrap_or(0);
        return Err(warning(format!(
            "\"{path}\": line {n} exceeds the line-length-limit."
        )));
    }
    let clip = format!(
        "{:?}{:?}{:?}{:?}",
        int_opt(d, "start-line"),
        int_opt(d, "end-line"),
        d.opt_str("start-after"),
        d.opt_str("end-before")
    );
    let source = parser.state.settings.source.clone();
    let log = &parser.state.include_log;
    if log.iter().any(|(p, c)| p == path && *c == clip) || log.len() >= MAX_INCLUDE_DEPTH {
        let chain: Vec<&str> = log.iter().rev().map(|(p, _)| p.as_str()).collect();
        return Err(warning(format!(
            "circular inclusion in \"{}\" directive:\n{}",
            d.name,
            std::iter::once(path)
                .chain(chain)
                .chain(std::iter::once(source.as_str()))
                .collect::<Vec<_>>()
                .join("\n> ")
        )));
    }
    parser.insert_file(lines, 0, (path.to_owned(), clip));
    Ok(Vec::new())
}

pub static RAW: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: &[
        ("file", Conv::Path),
        ("url", Conv::Uri),
        ("encoding", Conv::Encoding),
        ("class", Conv::ClassOption),
    ],
    content: true,
    run: raw,
};

fn raw(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let settings = parser.state.settings;
    let external = d.has("file") || d.has("url");
    if !settings.raw_enabled || (!settings.file_insertion_enabled && external) {
        return Err(warning(format!("\"{}\" directive disabled.", d.name)));
    }
    let format = d
        .arguments
        .first()
        .map(|a| {
            a.to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let mut node = Element::new(Kind::Raw).with_line(d.lineno);
    let text = if !d.content.is_empty() {
        if external {
            return Err(err(format!(
                "\"{}\" directive may not both specify an external file and have content.",
                d.name
            )));
        }
        d.content.join("\n")
    } else if let Some(path) = d.opt_str("file").map(|p| adapt_path(parser, p)) {
        if d.has("url") {
            return Err(err(format!(
                "The \"file\" and \"url\" options may not be simultaneously specified for the \"{}\" directive.",
                d.name
            )));
        }
        let text = read_confined(parser, &path, d.opt_str("encoding"))
            .map_err(|e| e.to_dir_error(&d.name))?;
        node.set("source", path);
        text
    } else if let Some(url) = d.opt_str("url") {
        return Err(err(format!(
            "Problems with \"{}\" directive URL \"{url}\":\n{}.",
            d.name,
            url_error(url)
        )));
    } else {
        d.need_content()?;
        String::new()
    };
    node.attrs.classes.extend(d.classes());
    node.set("format", format);
    node.set("xml:space", "preserve");
    node.push(Node::text(text));
    Ok(vec![node.into()])
}

fn need_substitution(d: &Directive) -> Result<(), DirError> {
    if d.substitution.is_none() {
        return Err(err(format!(
            "Invalid context: the \"{}\" directive can only be used within a substitution definition.",
            d.name
        )));
    }
    Ok(())
}

pub static REPLACE: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: &[],
    content: true,
    run: replace,
};

fn replace(parser: &mut Parser, d: &mut Directive) -> DirResult {
    need_substitution(d)?;
    d.need_content()?;
    let children = parse_into(parser, &d.content, d.content_offset);
    let mut node: Option<Element> = None;
    let mut messages: Vec<Node> = Vec::new();
    for child in children {
        match child {
            Node::Element(e) if node.is_none() && e.kind == Kind::Paragraph => node = Some(*e),
            Node::Element(mut e) if e.kind == Kind::SystemMessage => {
                e.attrs.backrefs.clear();
                messages.push(e.into());
            }
            _ => {
                let msg = format!(
                    "Error in \"{}\" directive: may contain a single paragraph only.",
                    d.name
                );
                let m = parser
                    .state
                    .system_message(Level::Error, &msg, Some(d.lineno), vec![]);
                return Ok(vec![m.into()]);
            }
        }
    }
    if let Some(p) = node {
        messages.extend(p.children);
    }
    Ok(messages)
}

pub static UNICODE: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: &[
        ("trim", Conv::Flag),
        ("ltrim", Conv::Flag),
        ("rtrim", Conv::Flag),
    ],
    content: false,
    run: unicode,
};

/// The ltrim/rtrim options belong on the enclosing `substitution_definition`;
/// they are returned as a leading empty `inline` with internal attributes
/// `.ltrim`/`.rtrim` for the block parser to move there.
fn unicode(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    need_substitution(d)?;
    let arg = d.arguments.first().map_or("", String::as_str);
    let codes_text = comment_split(arg);
    let mut out: Vec<Node> = Vec::new();
    let (ltrim, rtrim) = (
        d.has("trim") || d.has("ltrim"),
        d.has("trim") || d.has("rtrim"),
    );
    if ltrim || rtrim {
        let mut marker = Element::new(Kind::Inline).with_attr(".trim", "1");
        if ltrim {
            marker.set(".ltrim", "1");
        }
        if rtrim {
            marker.set(".rtrim", "1");
        }
        out.push(marker.into());
    }
    for code in codes_text.split_whitespace() {
        let decoded = unicode_code(code)
            .map_err(|e| err(format!("Invalid character code: {code}\nValueError: {e}")))?;
        out.push(Node::text(decoded));
    }
    Ok(out)
}

/// Text before the first `.. ` comment (`( |\n|^)\.\. `).
fn comment_split(arg: &str) -> &str {
    if arg.starts_with(".. ") {
        return "";
    }
    let b = arg.as_bytes();
    (1..b.len())
        .find(|&i| matches!(b[i - 1], b' ' | b'\n') && b[i..].starts_with(b".. "))
        .map_or(arg, |i| &arg[..i - 1])
}

pub static DATE: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: &[],
    content: true,
    run: date,
};

fn date(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    need_substitution(d)?;
    let fmt = if d.content.is_empty() {
        "%Y-%m-%d".to_owned()
    } else {
        d.content.join("\n")
    };
    let now = jiff::ZonedDateTime::now();
    let text = jiff::fmt::strtime::format(fmt.as_bytes(), &now).unwrap_or(fmt);
    Ok(vec![Node::text(text)])
}

pub static CLASS: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: &[],
    content: true,
    run: class,
};

fn class(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let arg = d.arguments.first().cloned().unwrap_or_default();
    let Ok(OptVal::List(classes)) = Conv::ClassOption.convert(Some(&arg)) else {
        return Err(err(format!(
            "Invalid class attribute value for \"{}\" directive: \"{arg}\".",
            d.name
        )));
    };
    if d.content.is_empty() {
        let details = [
            ("class".to_owned(), OptVal::List(classes)),
            ("directive".to_owned(), OptVal::Str(d.name.clone())),
        ];
        return Ok(vec![
            pending("docutils.transforms.misc.ClassAttribute", &details)
                .with_attr(".rawsource", d.block_text.as_str())
                .with_line(d.lineno)
                .into(),
        ]);
    }
    let mut children = parse_into(parser, &d.content, d.content_offset);
    for child in children.iter_mut() {
        if let Node::Element(e) = child {
            e.attrs.classes.extend(classes.iter().cloned());
        }
    }
    Ok(children)
}

pub static ROLE: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: &[],
    content: true,
    run: role,
};

/// `name` or `name(base)` with docutils' `simplename`s.
fn role_names(args: &str) -> Option<(String, Option<String>)> {
    let args = args.trim_end();
    let simple = |s: &str| {
        !s.is_empty()
            && s.split(['-', '.', '_', '+', ':'])
                .all(|w| !w.is_empty() && w.chars().all(char::is_alphanumeric))
    };
    match args.split_once('(') {
        None => simple(args).then(|| (args.to_owned(), None)),
        Some((name, rest)) => {
            let name = name.trim_end();
            let base = rest.strip_suffix(')')?.trim();
            (simple(name) && simple(base)).then(|| (name.to_owned(), Some(base.to_owned())))
        }
    }
}

fn role(parser: &mut Parser, d: &mut Directive) -> DirResult {
    if d.content_offset > d.lineno as usize || d.content.is_empty() {
        return Err(err(format!(
            "\"{}\" directive requires arguments on the first line.",
            d.name
        )));
    }
    let args = d.content[0].clone();
    let Some((name, base)) = role_names(&args) else {
        return Err(err(format!(
            "\"{}\" directive arguments not valid role names: \"{args}\".",
            d.name
        )));
    };
    if let Some(b) = base
        .as_deref()
        .filter(|b| !inline::is_known_role(parser.state, b))
    {
        return Ok(unknown_role(parser, d, b));
    }
    let base_canon = base.as_deref().map(str::to_lowercase);
    let options: &'static [(&'static str, Conv)] = match base_canon.as_deref() {
        Some("code") => &[("class", Conv::ClassOption), ("language", Conv::Unchanged)],
        Some("raw") => &[("class", Conv::ClassOption), ("format", Conv::Unchanged)],
        _ => &[("class", Conv::ClassOption)],
    };
    let spec = Spec {
        required: 0,
        optional: 0,
        final_ws: false,
        options,
        content: false,
        run: role,
    };
    let rest = d.content[1..].to_vec();
    let block = split_block(&spec, rest, d.content_offset + 1, Vec::new())
        .map_err(|e| err(format!("Error in \"{}\" directive:\n{e}.", d.name)))?;
    let mut opts: Vec<(String, String)> = Vec::new();
    for (k, v) in block.options {
        let text = match v {
            OptVal::List(c) => c.join(" "),
            other => other.attr_string(),
        };
        opts.push((k, text));
    }
    let has_class = opts.iter().any(|(k, _)| k == "class");
    if let Some(e) = (!has_class)
        .then(|| Conv::ClassOption.convert(Some(&name)).err())
        .flatten()
    {
        return Err(err(format!(
            "Invalid argument for \"{}\" directive:\n{e}.",
            d.name
        )));
    }
    inline::define_role(parser.state, &name, base.as_deref(), &opts, d.lineno).map_err(|e| {
        if e.starts_with("Unknown interpreted text role") {
            err(e)
        } else {
            err(format!("Error in \"{}\" directive:\n{e}.", d.name))
        }
    })?;
    Ok(Vec::new())
}

pub static DEFAULT_ROLE: Spec = Spec {
    required: 0,
    optional: 1,
    final_ws: false,
    options: &[],
    content: false,
    run: default_role,
};

/// docutils' `roles.role` lookup failure: an INFO about the language
/// module, then the ERROR with the directive text.
fn unknown_role(parser: &mut Parser, d: &Directive, name: &str) -> Vec<Node> {
    let info = format!(
        "No role entry for \"{name}\" in module \"docutils.parsers.rst.languages.{}\".\nTrying \"{name}\" as canonical role name.",
        super::language(parser)
    );
    let info = parser
        .state
        .system_message(Level::Info, &info, Some(d.lineno), vec![]);
    let msg = format!("Unknown interpreted text role \"{name}\".");
    vec![info.into(), d.message(parser, Level::Error, &msg)]
}

fn default_role(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let name = d.arguments.first().map(String::as_str);
    if let Some(n) = name.filter(|n| !inline::is_known_role(parser.state, n)) {
        return Ok(unknown_role(parser, d, n));
    }
    inline::set_default_role(parser.state, name, d.lineno).map_err(err)?;
    Ok(Vec::new())
}

pub static TITLE: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: &[],
    content: false,
    run: title,
};

/// docutils sets `document['title']` (the last one wins).
fn title(parser: &mut Parser, d: &mut Directive) -> DirResult {
    parser.state.title = d.arguments.first().cloned();
    Ok(Vec::new())
}

pub static META: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: &[],
    content: true,
    run: meta,
};

/// `meta`: one `meta` element per field, inserted at the document start
/// (with any messages), as docutils does.
fn meta(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let out = meta_nodes(parser, d)?;
    let elements = out.into_iter().filter_map(|n| match n {
        Node::Element(e) => Some(*e),
        Node::Text(_) => None,
    });
    parser.state.insert_front(elements.collect());
    Ok(Vec::new())
}

fn meta_nodes(parser: &mut Parser, d: &mut Directive) -> DirResult {
    d.need_content()?;
    let mut out: Vec<Node> = Vec::new();
    let lines = &d.content;
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let Some((name, body_start)) = field_marker(&lines[i]) else {
            out.push(d.message(parser, Level::Error, "Invalid meta directive."));
            break;
        };
        // docutils reports these at the state machine's line: the end of
        // the directive block
        let field_line = parser.directive_line;
        // docutils' `get_first_known_indented`: the rest of the marker line,
        // then the indented lines (blank ones too) less their common indent
        let start = i;
        i += 1;
        while i < lines.len() && (lines[i].starts_with(' ') || lines[i].trim().is_empty()) {
            i += 1;
        }
        let rest = &lines[start + 1..i];
        // docutils quotes `state_machine.line`: the block's last line
        let first_line = lines[i - 1].clone();
        let indent = (rest.iter())
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())
            .min()
            .unwrap_or(0);
        let mut body: Vec<&str> = vec![lines[start].get(body_start..).unwrap_or("")];
        body.extend(rest.iter().map(|l| l.get(indent..).unwrap_or("")));
        // `strip_top`: leading blank lines go
        let first = body.iter().position(|l| !l.trim().is_empty());
        let content = first.map_or(String::new(), |f| body[f..].join(" "));
        if content.is_empty() {
            let m = parser.state.system_message(
                Level::Info,
                &format!("No content for meta tag \"{name}\"."),
                Some(field_line),
                vec![literal(&first_line)],
            );
            out.push(m.into());
            continue;
        }
        out.push(meta_node(parser, &name, &content, &first_line, field_line));
    }
    Ok(out)
}

fn meta_node(parser: &mut Parser, name: &str, content: &str, line: &str, lineno: u32) -> Node {
    let mut node = Element::new(Kind::Meta).with_attr("content", unescape_simple(content));
    let mut tokens = name.split_whitespace();
    if let Some(first) = tokens.next() {
        match first.split_once('=') {
            Some((k, v)) if !k.is_empty() => node.set(&k.to_lowercase(), unquote(v)),
            _ => node.set("name", first),
        }
    }
    for token in tokens {
        match token.split_once('=') {
            Some((k, v)) if !k.is_empty() => node.set(&k.to_lowercase(), unquote(v)),
            _ => {
                let msg = format!("Error parsing meta tag attribute \"{token}\": missing \"=\".");
                return parser
                    .state
                    .system_message(Level::Error, &msg, Some(lineno), vec![literal(line)])
                    .into();
            }
        }
    }
    node.into()
}

fn unquote(v: &str) -> String {
    v.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(v)
        .to_owned()
}

/// Backslash escapes resolved; escaped whitespace disappears (docutils'
/// `unescape(escape2null(s))`).
fn unescape_simple(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next().filter(|n| !n.is_whitespace()) {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub static TEST: Spec = Spec {
    required: 0,
    optional: 1,
    final_ws: true,
    options: &[("option", Conv::UnchangedRequired)],
    content: true,
    run: test_directive,
};

fn test_directive(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let args: Vec<String> = d.arguments.iter().map(|a| py_repr(a)).collect();
    let opts: Vec<String> = d
        .options
        .iter()
        .map(|(k, v)| format!("{}: {}", py_repr(k), v.repr()))
        .collect();
    let head = format!(
        "Directive processed. Type=\"{}\", arguments=[{}], options={{{}}}, content:",
        d.name,
        args.join(", "),
        opts.join(", ")
    );
    let msg = if d.content.is_empty() {
        parser
            .state
            .system_message(Level::Info, &format!("{head} None"), Some(d.lineno), vec![])
    } else {
        let text = d.content.join("\n");
        parser
            .state
            .system_message(Level::Info, &head, Some(d.lineno), vec![literal(&text)])
    };
    Ok(vec![msg.into()])
}

/// What Python's `urlopen` says when it cannot open `url` (we never fetch).
pub(super) fn url_error(url: &str) -> String {
    let has_scheme = url.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme {
        "URLError: <urlopen error network access disabled>".to_owned()
    } else {
        format!("unknown url type: {}", py_repr(url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(expand_tabs("a\tb\n\tc", 4), "a   b\n    c");
        assert_eq!(py_slice(&[1, 2, 3, 4], Some(-2), None), &[3, 4]);
        assert_eq!(py_slice(&[1, 2, 3, 4], Some(1), Some(-1)), &[2, 3]);
        assert_eq!(comment_split("U+262E .. peace"), "U+262E");
        assert_eq!(unicode_code("U+262E"), Ok("\u{262e}".into()));
        assert_eq!(
            unicode_code("0x110000"),
            Err("chr() arg not in range(0x110000)".into())
        );
        assert_eq!(
            role_names("custom(emphasis)"),
            Some(("custom".into(), Some("emphasis".into())))
        );
        assert_eq!(role_names("bad name"), None);
    }
}
