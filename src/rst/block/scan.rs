//! Line recognisers for the block parser: each function mirrors one of the
//! regular expressions of docutils' `states.Body` (and friends) and returns
//! the byte offset where the match ends.

/// Which `Body` transition a line's first characters select, in docutils'
/// transition order (`blank` and `indent` first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pat {
    Blank,
    Indent,
    Bullet,
    Enumerator,
    FieldMarker,
    OptionMarker,
    Doctest,
    LineBlock,
    GridTop,
    SimpleTop,
    Explicit,
    Anonymous,
    Line,
    Text,
}

/// Classifies a line (pattern match only; semantic checks come later).
/// Returns the transition and the end of its match.
pub fn classify(line: &str) -> (Pat, usize) {
    if is_blank(line) {
        return (Pat::Blank, line.len());
    }
    if line.starts_with(' ') {
        return (Pat::Indent, indent_of(line));
    }
    if let Some(e) = bullet(line) {
        return (Pat::Bullet, e);
    }
    if let Some(m) = enumerator(line) {
        return (Pat::Enumerator, m.end);
    }
    if let Some(e) = field_marker(line) {
        return (Pat::FieldMarker, e);
    }
    if let Some(e) = option_marker(line) {
        return (Pat::OptionMarker, e);
    }
    if let Some(e) = marker_then_space(line, ">>>") {
        return (Pat::Doctest, e);
    }
    if let Some(e) = marker_then_space(line, "|") {
        return (Pat::LineBlock, e);
    }
    if grid_table_top(line) {
        return (Pat::GridTop, line.len());
    }
    if simple_table_top(line) {
        return (Pat::SimpleTop, line.len());
    }
    if let Some(e) = marker_then_space(line, "..") {
        return (Pat::Explicit, e);
    }
    if let Some(e) = marker_then_space(line, "__") {
        return (Pat::Anonymous, e);
    }
    if is_line(line) {
        return (Pat::Line, line.len());
    }
    (Pat::Text, 0)
}

/// docutils' `line.strip()` emptiness (Unicode whitespace).
pub fn is_blank(s: &str) -> bool {
    // from the end: O(1) for the usual right-stripped lines
    s.trim_end().is_empty()
}

/// Leading whitespace of `s` in characters (docutils' `len(l) - len(l.lstrip())`),
/// with a byte-level fast path for plain spaces.
pub fn leading_ws(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if i == b.len() || !(b[i] as char).is_whitespace() && b[i] < 0x80 {
        return i;
    }
    let rest = s[i..].trim_start();
    i + s[i..s.len() - rest.len()].chars().count()
}

pub fn indent_of(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

/// Drops `n` characters from the start (Python's `line[n:]`).
pub fn skip_chars(s: &str, n: usize) -> &str {
    if n == 0 {
        return s;
    }
    // indentation and markers are ASCII: bytes are chars
    if let Some(p) = s.as_bytes().get(..n)
        && p.is_ascii()
    {
        return &s[n..];
    }
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[i..],
        None => "",
    }
}

/// `( +|$)` at byte `i`: the end of the following spaces, if any.
pub fn spaces_or_end(s: &str, i: usize) -> Option<usize> {
    let rest = s.get(i..)?;
    if rest.is_empty() {
        return Some(i);
    }
    let n = rest.len() - rest.trim_start_matches(' ').len();
    (n > 0).then_some(i + n)
}

fn marker_then_space(line: &str, marker: &str) -> Option<usize> {
    if line.starts_with(marker) {
        spaces_or_end(line, marker.len())
    } else {
        None
    }
}

/// `[-+*\u2022\u2023\u2043]( +|$)`
pub fn bullet(line: &str) -> Option<usize> {
    let c = line.chars().next()?;
    if matches!(c, '-' | '+' | '*' | '\u{2022}' | '\u{2023}' | '\u{2043}') {
        spaces_or_end(line, c.len_utf8())
    } else {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumFormat {
    Parens,
    Rparen,
    Period,
}

impl EnumFormat {
    pub fn prefix(self) -> &'static str {
        if self == EnumFormat::Parens { "(" } else { "" }
    }

    pub fn suffix(self) -> &'static str {
        if self == EnumFormat::Period { "." } else { ")" }
    }
}

pub struct EnumMatch<'a> {
    pub format: EnumFormat,
    pub text: &'a str,
    pub end: usize,
}

/// Could `t` be an enumerator (`[0-9]+`, one letter, a roman run, `#`)?
fn enum_text_ok(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty()
        && (t == "#"
            || b.iter().all(u8::is_ascii_digit)
            || (b.len() == 1 && b[0].is_ascii_alphabetic())
            || b.iter().all(|c| b"ivxlcdm".contains(c))
            || b.iter().all(|c| b"IVXLCDM".contains(c)))
}

/// The `enumerator` pattern: `(1)`, `1)` or `1.` followed by space or end.
pub fn enumerator(line: &str) -> Option<EnumMatch<'_>> {
    let (format, start) = if line.starts_with('(') {
        (EnumFormat::Parens, 1)
    } else {
        (EnumFormat::Period, 0)
    };
    let body = &line[start..];
    let len = body
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'#')
        .count();
    let text = &body[..len];
    if !enum_text_ok(text) {
        return None;
    }
    let after = body.as_bytes().get(len).copied();
    let format = match (format, after) {
        (EnumFormat::Parens, Some(b')')) => EnumFormat::Parens,
        (EnumFormat::Period, Some(b')')) => EnumFormat::Rparen,
        (EnumFormat::Period, Some(b'.')) => EnumFormat::Period,
        _ => return None,
    };
    let end = spaces_or_end(line, start + len + 1)?;
    Some(EnumMatch { format, text, end })
}

/// The `field_marker` pattern
/// `:(?![: ])([^:\\]|\\.|:(?!([ `]|$)))*(?<! ):( +|$)`.
pub fn field_marker(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    if b.first() != Some(&b':') || matches!(b.get(1), None | Some(b':' | b' ')) {
        return None;
    }
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if i + 1 >= b.len() {
                    return None;
                }
                // skip the escaped character (maybe multi-byte)
                i += 1 + line[i + 1..].chars().next().map_or(1, char::len_utf8);
            }
            b':' => match b.get(i + 1) {
                None | Some(b' ') => {
                    if b[i - 1] == b' ' {
                        return None;
                    }
                    return spaces_or_end(line, i + 1);
                }
                Some(b'`') => return None,
                _ => i += 1,
            },
            _ => i += 1,
        }
    }
    None
}

/// The field name of a field marker match (between the colons).
pub fn field_name(marker: &str) -> &str {
    let inner = &marker[1..];
    match inner.rfind(':') {
        Some(i) => &inner[..i],
        None => inner,
    }
}

fn is_optname_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// `optarg`: `[a-zA-Z][a-zA-Z0-9_-]*|<[^<>]+>`, end of the match.
fn optarg(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        c if c.is_ascii_alphabetic() => {
            let n = b[i + 1..]
                .iter()
                .take_while(|c| is_optname_char(**c))
                .count();
            Some(i + 1 + n)
        }
        b'<' => {
            let n = b[i + 1..]
                .iter()
                .take_while(|c| !matches!(c, b'<' | b'>'))
                .count();
            (n > 0 && b.get(i + 1 + n) == Some(&b'>')).then_some(i + n + 2)
        }
        _ => None,
    }
}

/// Possible ends of one `option` at `i`, preferred (longest) first.
fn option_ends(b: &[u8], i: usize) -> [Option<usize>; 2] {
    let long = b[i..].starts_with(b"--") || b.get(i) == Some(&b'/');
    if long {
        let s = if b.get(i) == Some(&b'/') {
            i + 1
        } else {
            i + 2
        };
        if !b.get(s).is_some_and(u8::is_ascii_alphanumeric) {
            return [None, None];
        }
        let e = s
            + 1
            + b[s + 1..]
                .iter()
                .take_while(|c| is_optname_char(**c))
                .count();
        let with_arg = match b.get(e) {
            Some(b' ' | b'=') => optarg(b, e + 1),
            _ => None,
        };
        return [with_arg, Some(e)];
    }
    if !matches!(b.get(i), Some(b'-' | b'+'))
        || !b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
    {
        return [None, None];
    }
    let e = i + 2;
    let with_arg = if b.get(e) == Some(&b' ') {
        optarg(b, e + 1)
    } else {
        optarg(b, e)
    };
    [with_arg, Some(e)]
}

/// The `option_marker` pattern `option(, option)*(  +| ?$)`; returns the
/// match end. A depth-first search in the regex's backtracking order, on an
/// explicit stack; failed start positions are remembered (linear time).
pub fn option_marker(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    if !matches!(b.first(), Some(b'-' | b'+' | b'/')) {
        return None;
    }
    let mut failed = vec![false; b.len() + 1];
    // (option start, candidate end index, continuation already tried)
    let mut stack: Vec<(usize, usize, bool)> = vec![(0, 0, false)];
    while let Some(top) = stack.last_mut() {
        let (i, k, tried) = *top;
        let ends = option_ends(b, i);
        let Some(e) = ends.get(k).copied() else {
            failed[i] = true;
            stack.pop();
            continue;
        };
        let Some(e) = e else {
            *top = (i, k + 1, false);
            continue;
        };
        if !tried {
            top.2 = true;
            if b[e..].starts_with(b", ") && !failed[e + 2] {
                stack.push((e + 2, 0, false));
                continue;
            }
        }
        if let Some(end) = option_terminator(b, e) {
            return Some(end);
        }
        *top = (i, k + 1, false);
    }
    None
}

/// `(  +| ?$)` after an option ending at `e`.
fn option_terminator(b: &[u8], e: usize) -> Option<usize> {
    let rest = &b[e..];
    if rest.starts_with(b"  ") {
        return Some(e + rest.iter().take_while(|c| **c == b' ').count());
    }
    (rest.is_empty() || rest == b" ").then_some(b.len())
}

/// `\+-[-+]+-\+ *$`
pub fn grid_table_top(line: &str) -> bool {
    let t = line.trim_end_matches(' ').as_bytes();
    t.len() >= 5
        && t.starts_with(b"+-")
        && t.ends_with(b"-+")
        && t.iter().all(|c| matches!(c, b'+' | b'-'))
}

/// `=+( +=+)+ *$`
pub fn simple_table_top(line: &str) -> bool {
    let t = line.trim_end_matches(' ');
    t.starts_with('=')
        && t.bytes().all(|c| c == b'=' || c == b' ')
        && t.split(' ').filter(|p| !p.is_empty()).count() >= 2
}

/// `=+[ =]*$` (simple table bottom / header rule)
pub fn simple_table_border(line: &str) -> bool {
    line.starts_with('=') && line.bytes().all(|c| c == b'=' || c == b' ')
}

fn is_nonalphanum7bit(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// The `line` pattern: one repeated punctuation character.
pub fn is_line(line: &str) -> bool {
    let t = line.trim_end_matches(' ');
    let mut cs = t.chars();
    match cs.next() {
        Some(c) if is_nonalphanum7bit(c) => cs.all(|d| d == c),
        _ => false,
    }
}

/// Display width as docutils' `column_width` (wide chars 2, combining 0).
pub fn column_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

pub fn char_width(c: char) -> usize {
    if is_combining(c) {
        0
    } else if is_wide(c) {
        2
    } else {
        1
    }
}

pub fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0x302A..=0x302F | 0x3099..=0x309A | 0xFE20..=0xFE2F)
}

/// East Asian Wide or Fullwidth (the main blocks).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x231A..=0x231B | 0x2329..=0x232A | 0x2E80..=0x303E
        | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xA000..=0xA4CF
        | 0xA960..=0xA97F | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE10..=0xFE19
        | 0xFE30..=0xFE6F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD)
}

/// docutils' `fully_normalize_name` (= `normalize_name`).
pub fn normalize_name(s: &str) -> String {
    whitespace_normalize_name(&s.to_lowercase())
}

pub fn whitespace_normalize_name(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Length of the `simplename` at the start of `s`
/// (`(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*`), 0 if none.
pub fn simplename_len(s: &str) -> usize {
    let word = |c: char| c.is_alphanumeric();
    let mut end = 0;
    let mut chars = s.char_indices().peekable();
    // first run of word characters
    while let Some(&(i, c)) = chars.peek() {
        if !word(c) {
            break;
        }
        end = i + c.len_utf8();
        chars.next();
    }
    if end == 0 {
        return 0;
    }
    while let Some(&(_, sep)) = chars.peek() {
        if !matches!(sep, '-' | '.' | '_' | '+' | ':') {
            break;
        }
        chars.next();
        let mut run_end = None;
        while let Some(&(i, c)) = chars.peek() {
            if !word(c) {
                break;
            }
            run_end = Some(i + c.len_utf8());
            chars.next();
        }
        match run_end {
            Some(e) => end = e,
            None => break,
        }
    }
    end
}

pub fn is_simplename(s: &str) -> bool {
    !s.is_empty() && simplename_len(s) == s.len()
}

/// `escape2null`: backslash-escapes become NUL + character.
pub fn escape2null(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push('\0');
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `unescape`: drop NULs, and escaped whitespace entirely.
pub fn unescape(s: &str) -> String {
    s.replace("\0 ", "").replace("\0\n", "").replace('\0', "")
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The explicit hyperlink target pattern of `Body.explicit.patterns.target`,
/// on NUL-escaped chars. Candidate ends before `from` were already rejected.
/// Returns (match end, name or None for anonymous).
pub fn target_match(s: &[char], from: usize) -> Option<(usize, Option<String>)> {
    let tail = |p: usize| -> Option<usize> {
        // `[ ]?:([ ]+|$)` at p
        let mut q = p;
        if s.get(q) == Some(&' ') {
            q += 1;
        }
        if s.get(q) != Some(&':') {
            return None;
        }
        q += 1;
        if q == s.len() {
            return Some(q);
        }
        let n = s[q..].iter().take_while(|c| **c == ' ').count();
        (n > 0).then_some(q + n)
    };
    let closing_ok = |p: usize| -> bool {
        // `(?<!(?<!\x00):)(?<![\s\x00])` before p
        let prev = s[p - 1];
        if is_space(prev) || prev == '\0' {
            return false;
        }
        !(prev == ':' && (p < 2 || s[p - 2] != '\0'))
    };
    if s.first() == Some(&'_') {
        return tail(1).map(|e| (e, None)).filter(|_| closing_ok(1));
    }
    let quoted = s.first() == Some(&'`');
    let start = usize::from(quoted);
    match s.get(start) {
        None | Some(' ') | Some('`') => return None,
        _ => {}
    }
    for e in (start + 1).max(from.saturating_sub(3))..=s.len() {
        let last = s[e - 1];
        if is_space(last) || last == '\0' {
            continue;
        }
        let p = if quoted {
            if s.get(e) != Some(&'`') {
                continue;
            }
            e + 1
        } else {
            e
        };
        if !closing_ok(p) {
            continue;
        }
        if let Some(end) = tail(p) {
            return Some((end, Some(s[start..e].iter().collect())));
        }
    }
    None
}

/// The substitution definition pattern
/// `(?![ ])(?P<name>.+?)(?<![\s\x00])\|([ ]+|$)`, on NUL-escaped chars.
pub fn substitution_match(s: &[char], from: usize) -> Option<(usize, String)> {
    if matches!(s.first(), None | Some(' ')) {
        return None;
    }
    for e in 1.max(from.saturating_sub(2))..s.len() {
        if s[e] != '|' {
            continue;
        }
        let last = s[e - 1];
        if is_space(last) || last == '\0' {
            continue;
        }
        let q = e + 1;
        let n = s[q..].iter().take_while(|c| **c == ' ').count();
        if q == s.len() || n > 0 {
            return Some((q + n, s[..e].iter().collect()));
        }
    }
    None
}

/// `Body.explicit.patterns.reference` on a whitespace-normalized string:
/// `simplename_` or `` `phrase`_ ``; returns the unescaped name.
pub fn is_reference(s: &str) -> Option<String> {
    if let Some(inner) = s.strip_suffix("`_").and_then(|r| r.strip_prefix('`')) {
        let last = inner.chars().last()?;
        if inner.starts_with(' ') || last.is_whitespace() || last == '\0' {
            return None;
        }
        return Some(unescape(inner));
    }
    let name = s.strip_suffix('_')?;
    is_simplename(name).then(|| unescape(name))
}

/// Inliner's email pattern, roughly: `name@host` with URI-safe characters.
pub fn is_email(uri: &str) -> bool {
    let emailc = |c: char| c.is_ascii_alphanumeric() || "-_!~*'{|}/#?^`&=+$%\0".contains(c);
    let Some((name, host)) = uri.split_once('@') else {
        return false;
    };
    let parts_ok = |s: &str| !s.is_empty() && s.split('.').all(|p| p.chars().all(emailc));
    name.split('.')
        .all(|p| !p.is_empty() && p.chars().all(emailc))
        && parts_ok(host)
        && !host.starts_with('.')
        && host
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || "_~*/=+".contains(c))
}

/// Roman numeral value as docutils' `RomanNumeral.from_string` (1..4999).
pub fn roman_value(s: &str) -> Option<u64> {
    let upper = s.to_ascii_uppercase();
    if s.is_empty() || !(s == upper || s == s.to_ascii_lowercase()) {
        return None;
    }
    let b = upper.as_bytes();
    let mut i = 0;
    let mut v = 0;
    let mut m = 0;
    while m < 4 && b.get(i) == Some(&b'M') {
        v += 1000;
        i += 1;
        m += 1;
    }
    for (one, five, ten, unit) in [
        (b'C', b'D', b'M', 100),
        (b'X', b'L', b'C', 10),
        (b'I', b'V', b'X', 1),
    ] {
        if b.get(i) == Some(&one) && b.get(i + 1) == Some(&ten) {
            v += 9 * unit;
            i += 2;
        } else if b.get(i) == Some(&one) && b.get(i + 1) == Some(&five) {
            v += 4 * unit;
            i += 2;
        } else {
            if b.get(i) == Some(&five) {
                v += 5 * unit;
                i += 1;
            }
            let mut k = 0;
            while k < 3 && b.get(i) == Some(&one) {
                v += unit;
                i += 1;
                k += 1;
            }
        }
    }
    (i == b.len() && v > 0).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_markers() {
        assert_eq!(classify("- item").0, Pat::Bullet);
        assert_eq!(classify("-x").0, Pat::OptionMarker);
        assert_eq!(classify("-x y z").0, Pat::Text);
        let many = vec!["-a"; 2400].join(", ") + "  desc";
        assert_eq!(classify(&many).0, Pat::OptionMarker);
        assert_eq!(classify("-a, -b x, --c=<d e>  f").1, 21);
        assert_eq!(classify("-a, -b x y").0, Pat::Text);
        assert_eq!(classify("(a) x").0, Pat::Enumerator);
        assert_eq!(classify("ii. x").0, Pat::Enumerator);
        assert_eq!(classify("1a. x").0, Pat::Text);
        assert_eq!(classify(":field: body").0, Pat::FieldMarker);
        assert_eq!(classify(":a\\: b: c").1, 8);
        assert_eq!(classify("-a  desc").0, Pat::OptionMarker);
        assert_eq!(classify("-a desc text").0, Pat::Text);
        assert_eq!(classify("--long=ARG, -b <x y>  d").1, 22);
        assert_eq!(classify("+--+--+").0, Pat::GridTop);
        // `[-+]+` between `+-` and `-+` needs a character
        assert_eq!(classify("+---+").0, Pat::GridTop);
        assert_ne!(classify("+--+").0, Pat::GridTop);
        assert_eq!(classify("===  ===").0, Pat::SimpleTop);
        assert_eq!(classify("....").0, Pat::Line);
        assert_eq!(classify(".. x").0, Pat::Explicit);
        assert_eq!(classify("__ x").0, Pat::Anonymous);
    }

    #[test]
    fn targets_and_names() {
        let c: Vec<char> = "foo: bar".chars().collect();
        assert_eq!(target_match(&c, 0), Some((5, Some("foo".into()))));
        let c: Vec<char> = "a:b: c".chars().collect();
        assert_eq!(target_match(&c, 0).map(|m| m.1), Some(Some("a:b".into())));
        let c: Vec<char> = "_:".chars().collect();
        assert_eq!(target_match(&c, 0), Some((2, None)));
        assert_eq!(simplename_len("a:b::"), 3);
        assert_eq!(roman_value("xiv"), Some(14));
        assert_eq!(roman_value("iiii"), None);
        assert_eq!(is_reference("`a b`_").as_deref(), Some("a b"));
    }
}
