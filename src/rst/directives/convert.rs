//! Directive option parsing and docutils' option converters
//! (`directives/__init__.py`), with their exact error texts.

/// A converted option value.
#[derive(Clone, Debug, PartialEq)]
pub enum OptVal {
    /// Python `None` (flags, `value_or((None,), ...)`).
    None,
    Str(String),
    Int(i64),
    /// `class_option` results.
    List(Vec<String>),
    /// `positive_int_list` results.
    Ints(Vec<i64>),
}

impl OptVal {
    /// The value as docutils prints it in a pseudo-XML attribute.
    pub fn attr_string(&self) -> String {
        match self {
            OptVal::None => "True".into(),
            OptVal::Str(s) => s.clone(),
            OptVal::Int(i) => i.to_string(),
            OptVal::List(v) => v.join(" "),
            OptVal::Ints(v) => v.iter().map(i64::to_string).collect::<Vec<_>>().join(" "),
        }
    }

    /// Python's `repr` of the value (pending details, test directive).
    pub fn repr(&self) -> String {
        match self {
            OptVal::None => "None".into(),
            OptVal::Str(s) => py_repr(s),
            OptVal::Int(i) => i.to_string(),
            OptVal::List(v) => {
                let items: Vec<String> = v.iter().map(|s| py_repr(s)).collect();
                format!("[{}]", items.join(", "))
            }
            OptVal::Ints(v) => {
                let items: Vec<String> = v.iter().map(i64::to_string).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }
}

/// An option converter (docutils' `option_spec` values).
#[derive(Clone, Copy, Debug)]
pub enum Conv {
    Unchanged,
    UnchangedRequired,
    Flag,
    Path,
    Uri,
    Int,
    NonnegativeInt,
    PositiveInt,
    PositiveIntList,
    Percentage,
    LengthOrUnitless,
    LengthOrPercentageOrUnitless,
    ClassOption,
    Choice(&'static [&'static str]),
    Encoding,
    SingleCharOrUnicode,
    SingleCharOrWhitespaceOrUnicode,
    /// `value_or((None,), int)`.
    NoneOrInt,
    /// `value_or(('auto',), positive_int_list)`.
    AutoOrIntList,
    /// `value_or(('auto', 'grid'), positive_int_list)`.
    AutoGridOrIntList,
    /// Figure's `figwidth_value`.
    FigWidth,
    /// Contents' `backlinks`.
    Backlinks,
    /// `parser_name`: only the reStructuredText parser exists here.
    ParserName,
}

const CSS_UNITS: [&str; 15] = [
    "em", "ex", "ch", "rem", "vw", "vh", "vmin", "vmax", "cm", "mm", "Q", "in", "pt", "pc", "px",
];

impl Conv {
    pub fn convert(self, arg: Option<&str>) -> Result<OptVal, String> {
        let required = || "argument required but none supplied".to_owned();
        match self {
            Conv::Unchanged => Ok(OptVal::Str(arg.unwrap_or("").to_owned())),
            Conv::UnchangedRequired => arg.map(|a| OptVal::Str(a.to_owned())).ok_or_else(required),
            Conv::Flag => match arg {
                Some(a) if !a.trim().is_empty() => {
                    Err(format!("no argument is allowed; \"{a}\" supplied"))
                }
                _ => Ok(OptVal::None),
            },
            Conv::Path => {
                let a = arg.ok_or_else(required)?;
                Ok(OptVal::Str(a.lines().map(str::trim).collect()))
            }
            Conv::Uri => Ok(OptVal::Str(uri(arg.ok_or_else(required)?))),
            Conv::Int => py_int(arg).map(OptVal::Int),
            Conv::NonnegativeInt => nonnegative_int(arg).map(OptVal::Int),
            Conv::PositiveInt => positive_int(arg).map(OptVal::Int),
            Conv::PositiveIntList => positive_int_list(arg).map(OptVal::Ints),
            Conv::Percentage => {
                let a = arg.map(|a| a.trim_end_matches([' ', '%']));
                nonnegative_int(a).map(OptVal::Int)
            }
            Conv::LengthOrUnitless => {
                let units: Vec<&str> = CSS_UNITS.iter().copied().chain([""]).collect();
                get_measure(arg, &units).map(OptVal::Str)
            }
            Conv::LengthOrPercentageOrUnitless => {
                length_or_percentage_or_unitless(arg, "").map(OptVal::Str)
            }
            Conv::ClassOption => class_option(arg.ok_or_else(required)?).map(OptVal::List),
            Conv::Choice(values) => choice(arg, values).map(OptVal::Str),
            Conv::Encoding => {
                let a = arg.unwrap_or("");
                if known_encoding(a) {
                    Ok(OptVal::Str(a.to_owned()))
                } else {
                    Err(format!("unknown encoding: \"{a}\""))
                }
            }
            Conv::SingleCharOrUnicode => single_char_or_unicode(arg.unwrap_or("")).map(OptVal::Str),
            Conv::SingleCharOrWhitespaceOrUnicode => match arg {
                Some("tab") => Ok(OptVal::Str("\t".into())),
                Some("space") => Ok(OptVal::Str(" ".into())),
                a => single_char_or_unicode(a.unwrap_or("")).map(OptVal::Str),
            },
            Conv::NoneOrInt => match arg {
                None => Ok(OptVal::None),
                a => py_int(a).map(OptVal::Int),
            },
            Conv::AutoOrIntList => match arg {
                Some("auto") => Ok(OptVal::Str("auto".into())),
                a => positive_int_list(a).map(OptVal::Ints),
            },
            Conv::AutoGridOrIntList => match arg {
                Some(a @ ("auto" | "grid")) => Ok(OptVal::Str(a.into())),
                a => positive_int_list(a).map(OptVal::Ints),
            },
            Conv::FigWidth => match arg {
                Some(a) if a.to_lowercase() == "image" => Ok(OptVal::Str("image".into())),
                None => Err("'NoneType' object has no attribute 'lower'".into()),
                a => length_or_percentage_or_unitless(a, "px").map(OptVal::Str),
            },
            Conv::ParserName => match arg.map(str::to_lowercase).as_deref() {
                None | Some("") => Ok(OptVal::None),
                Some(n @ ("rst" | "restructuredtext" | "rest" | "restx" | "rtxt" | "rstx")) => {
                    Ok(OptVal::Str(n.to_owned()))
                }
                Some(n) => Err(format!(
                    "Parser \"{}\" not found. No module named '{n}'",
                    arg.unwrap_or("")
                )),
            },
            Conv::Backlinks => match choice(arg, &["top", "entry", "none"])?.as_str() {
                "none" => Ok(OptVal::None),
                v => Ok(OptVal::Str(v.into())),
            },
        }
    }
}

/// Python's `int(arg)` with its error texts.
fn py_int(arg: Option<&str>) -> Result<i64, String> {
    let Some(a) = arg else {
        return Err(
            "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"
                .into(),
        );
    };
    let bad = || format!("invalid literal for int() with base 10: {}", py_repr(a));
    let t = a.trim();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let valid = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(bad());
    }
    let n: i64 = digits.replace('_', "").parse().map_err(|_| bad())?;
    Ok(if neg { -n } else { n })
}

fn nonnegative_int(arg: Option<&str>) -> Result<i64, String> {
    let v = py_int(arg)?;
    if v < 0 {
        return Err("negative value; must be positive or zero".into());
    }
    Ok(v)
}

fn positive_int(arg: Option<&str>) -> Result<i64, String> {
    let v = py_int(arg)?;
    if v < 1 {
        return Err("negative or zero value; must be positive".into());
    }
    Ok(v)
}

fn positive_int_list(arg: Option<&str>) -> Result<Vec<i64>, String> {
    let Some(a) = arg else {
        return Err("argument of type 'NoneType' is not iterable".into());
    };
    if a.contains(',') {
        a.split(',').map(|e| positive_int(Some(e))).collect()
    } else {
        a.split_whitespace()
            .map(|e| positive_int(Some(e)))
            .collect()
    }
}

/// docutils' `parse_measure`: value and unit, or its error.
fn parse_measure(measure: &str) -> Result<(f64, bool, String), String> {
    let bad = || format!("\"{measure}\" is no valid measure.");
    let num_len = measure
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-')))
        .map_or(measure.len(), |(i, _)| i);
    let (num, rest) = measure.split_at(num_len);
    let unit = rest.trim_start_matches(' ');
    let unit_ok = unit == "%" || unit.chars().all(|c| c.is_ascii_alphabetic() || c == 'µ');
    if num.is_empty() || num == "-" || !unit_ok {
        return Err(bad());
    }
    if let Ok(i) = num.parse::<i64>() {
        return Ok((i as f64, true, unit.to_owned()));
    }
    let f: f64 = if num.starts_with("-.") || num.starts_with('.') || num.ends_with('.') {
        let fixed = num.replacen("-.", "-0.", 1);
        let fixed = if fixed.starts_with('.') {
            format!("0{fixed}")
        } else {
            fixed
        };
        let fixed = if fixed.ends_with('.') {
            format!("{fixed}0")
        } else {
            fixed
        };
        fixed.parse().map_err(|_| bad())?
    } else {
        num.parse().map_err(|_| bad())?
    };
    Ok((f, false, unit.to_owned()))
}

/// Python's `str(float)` for ordinary values.
fn py_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

fn get_measure(arg: Option<&str>, units: &[&str]) -> Result<String, String> {
    let Some(a) = arg else {
        return Err("expected string or bytes-like object, got 'NoneType'".into());
    };
    let (value, is_int, unit) = parse_measure(a)?;
    if value < 0.0 || !units.contains(&unit.as_str()) {
        let names: Vec<&str> = units.iter().copied().filter(|u| !u.is_empty()).collect();
        return Err(format!(
            "not a positive number or measure of one of the following units:\n{}",
            names.join(", ")
        ));
    }
    let v = if is_int {
        format!("{}", value as i64)
    } else {
        py_float(value)
    };
    Ok(format!("{v}{unit}"))
}

fn length_or_percentage_or_unitless(arg: Option<&str>, default: &str) -> Result<String, String> {
    let units: Vec<&str> = CSS_UNITS.iter().copied().chain(["%"]).collect();
    match get_measure(arg, &units) {
        Ok(v) => Ok(v),
        Err(e) => get_measure(arg, &[""]).map(|v| v + default).map_err(|_| e),
    }
}

fn class_option(arg: &str) -> Result<Vec<String>, String> {
    arg.split_whitespace()
        .map(|name| {
            let id = make_id(name);
            if id.is_empty() {
                Err(format!("cannot make \"{name}\" into a class name"))
            } else {
                Ok(id)
            }
        })
        .collect()
}

fn format_values(values: &[&str]) -> String {
    let (last, init) = values.split_last().map_or(("", &[][..]), |(l, i)| (*l, i));
    let init: Vec<String> = init.iter().map(|v| format!("\"{v}\"")).collect();
    format!("{}, or \"{last}\"", init.join(", "))
}

fn choice(arg: Option<&str>, values: &[&str]) -> Result<String, String> {
    let Some(a) = arg else {
        return Err(format!(
            "must supply an argument; choose from {}",
            format_values(values)
        ));
    };
    let v = a.to_lowercase().trim().to_owned();
    if values.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(format!(
            "\"{a}\" unknown; choose from {}",
            format_values(values)
        ))
    }
}

fn known_encoding(name: &str) -> bool {
    let n = name.to_lowercase().replace(['-', '_', ' '], "");
    matches!(
        n.as_str(),
        "utf8"
            | "utf8sig"
            | "utf16"
            | "utf16le"
            | "utf16be"
            | "utf32"
            | "ascii"
            | "usascii"
            | "latin1"
            | "latin"
            | "iso88591"
            | "l1"
            | "cp1252"
            | "windows1252"
            | "iso885915"
            | "cp437"
            | "u8"
    )
}

/// docutils' `unicode_code`: decimal, hex (`0x`, `x`, `\x`, `U+`, `u`,
/// `\u`), or `&#x...;` codes; other text unchanged.
pub fn unicode_code(code: &str) -> Result<String, String> {
    // chr() takes a C int: larger values overflow before the range check.
    let to_char = |digits: &str, radix: u32| match i32::from_str_radix(digits, radix) {
        Err(_) => Err("code too large (Python int too large to convert to C int)".to_owned()),
        Ok(n) => u32::try_from(n)
            .ok()
            .and_then(char::from_u32)
            .map(String::from)
            .ok_or_else(|| "chr() arg not in range(0x110000)".to_owned()),
    };
    if !code.is_empty() && code.chars().all(|c| c.is_ascii_digit()) {
        return to_char(code, 10);
    }
    let lower = code.to_lowercase();
    let hex = ["0x", "\\x", "x", "u+", "\\u", "u"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .or_else(|| lower.strip_prefix("&#x").and_then(|r| r.strip_suffix(';')));
    match hex {
        Some(h) if !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()) => to_char(h, 16),
        _ => Ok(code.to_owned()),
    }
}

fn single_char_or_unicode(arg: &str) -> Result<String, String> {
    let c = unicode_code(arg)?;
    if c.chars().count() > 1 {
        return Err(format!(
            "{} invalid; must be a single character or a Unicode code",
            py_repr(&c)
        ));
    }
    Ok(c)
}

/// docutils' `uri` converter: escaped whitespace kept as a space, other
/// whitespace removed, backslash escapes resolved.
pub fn uri(arg: &str) -> String {
    let mut parts: Vec<String> = vec![String::new()];
    let mut chars = arg.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(' ' | '\n') => parts.push(String::new()),
                Some(n) => parts.last_mut().map_or((), |p| p.push(n)),
                None => {}
            },
            c if c.is_whitespace() => {}
            c => parts.last_mut().map_or((), |p| p.push(c)),
        }
    }
    parts.join(" ")
}

/// docutils' `make_id`.
pub fn make_id(s: &str) -> String {
    let mut ascii = String::with_capacity(s.len());
    for c in s.to_lowercase().chars() {
        match c {
            'ø' => ascii.push('o'),
            'đ' => ascii.push('d'),
            'ħ' => ascii.push('h'),
            'ı' => ascii.push('i'),
            'ł' => ascii.push('l'),
            'ß' => ascii.push_str("sz"),
            'æ' => ascii.push_str("ae"),
            'œ' => ascii.push_str("oe"),
            c if c.is_ascii() => ascii.push(c),
            // Latin letters with diacritics keep their base letter (NFKD).
            '\u{c0}'..='\u{24f}' => ascii.push_str(deunicode::deunicode_char(c).unwrap_or("")),
            _ => {}
        }
    }
    let mut out = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            if out.is_empty() && c.is_ascii_digit() {
                continue; // ids start with a letter
            }
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Python's `repr()` of a string.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Recognises a field marker `:name: ` at the start of `line`; returns the
/// name and the byte index where the field body starts.
pub fn field_marker(line: &str) -> Option<(String, usize)> {
    let b = line.as_bytes();
    if b.first() != Some(&b':') || matches!(b.get(1), None | Some(b':' | b' ')) {
        return None;
    }
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b':' if matches!(b.get(i + 1), None | Some(b' ' | b'`')) => {
                if b[i - 1] == b' ' || b.get(i + 1) == Some(&b'`') {
                    return None;
                }
                let name = &line[1..i];
                let mut end = i + 1;
                while b.get(end) == Some(&b' ') {
                    end += 1;
                }
                return Some((unescape(name), end));
            }
            _ => i += 1,
        }
    }
    None
}

/// Removes backslash escapes (escaped whitespace disappears).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(c) if c.is_whitespace() => {}
                Some(c) => out.push(c),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses a directive's option block (docutils' `parse_extension_options`)
/// into converted values, in order.
pub fn parse_options(
    spec: &[(&str, Conv)],
    lines: &[String],
) -> Result<Vec<(String, OptVal)>, String> {
    let mut fields: Vec<(String, Option<String>)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((name, body_start)) = field_marker(&lines[i]) else {
            return Err("invalid option block".into());
        };
        let first = lines[i].get(body_start..).unwrap_or("").trim_end();
        let mut j = i + 1;
        while j < lines.len() && lines[j].starts_with(char::is_whitespace) {
            j += 1;
        }
        let cont = &lines[i + 1..j];
        let indent = cont
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let mut body: Vec<&str> = Vec::new();
        if !first.is_empty() {
            body.push(first);
        }
        for l in cont {
            if !l.trim().is_empty() {
                body.push(l.get(indent..).unwrap_or("").trim_end());
            }
        }
        fields.push((name, (!body.is_empty()).then(|| body.join("\n"))));
        i = j;
    }
    for (name, _) in &fields {
        if name.split_whitespace().count() != 1 {
            return Err(
                "invalid option data: extension option field name may not contain multiple words"
                    .into(),
            );
        }
    }
    let mut out: Vec<(String, OptVal)> = Vec::new();
    for (name, value) in fields {
        let name = name.to_lowercase();
        let Some((_, conv)) = spec.iter().find(|(n, _)| *n == name) else {
            return Err(format!("unknown option: \"{name}\""));
        };
        if out.iter().any(|(n, _)| *n == name) {
            return Err(format!("invalid option data: duplicate option \"{name}\""));
        }
        let v = conv.convert(value.as_deref()).map_err(|e| {
            let shown = value.as_deref().map_or_else(|| "None".to_owned(), py_repr);
            format!("invalid option value: (option: \"{name}\"; value: {shown})\n{e}")
        })?;
        out.push((name, v));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures() {
        let c = Conv::LengthOrPercentageOrUnitless;
        assert_eq!(c.convert(Some("3 pt")), Ok(OptVal::Str("3pt".into())));
        assert_eq!(c.convert(Some("50%")), Ok(OptVal::Str("50%".into())));
        assert_eq!(c.convert(Some("1.5em")), Ok(OptVal::Str("1.5em".into())));
        assert_eq!(c.convert(Some("2.")), Ok(OptVal::Str("2.0".into())));
        assert_eq!(
            c.convert(Some("3 furlongs")),
            Err("not a positive number or measure of one of the following units:\nem, ex, ch, rem, vw, vh, vmin, vmax, cm, mm, Q, in, pt, pc, px, %".into())
        );
        assert_eq!(
            c.convert(Some("a")),
            Err("\"a\" is no valid measure.".into())
        );
        assert_eq!(
            Conv::FigWidth.convert(Some("200")),
            Ok(OptVal::Str("200px".into()))
        );
    }

    #[test]
    fn ints_and_choices() {
        assert_eq!(
            Conv::NonnegativeInt.convert(Some("x")),
            Err("invalid literal for int() with base 10: 'x'".into())
        );
        assert_eq!(
            Conv::NonnegativeInt.convert(Some("-1")),
            Err("negative value; must be positive or zero".into())
        );
        assert_eq!(Conv::Percentage.convert(Some("50 %")), Ok(OptVal::Int(50)));
        assert_eq!(
            Conv::Choice(&["left", "center", "right"]).convert(Some("up")),
            Err("\"up\" unknown; choose from \"left\", \"center\", or \"right\"".into())
        );
        assert_eq!(
            Conv::PositiveIntList.convert(Some("1, 2 ,3")),
            Ok(OptVal::Ints(vec![1, 2, 3]))
        );
    }

    #[test]
    fn ids_and_reprs() {
        assert_eq!(make_id("Hello World!"), "hello-world");
        assert_eq!(make_id("2nd Élan"), "nd-elan");
        assert_eq!(make_id("--"), "");
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("a\nb"), "'a\\nb'");
        assert_eq!(uri("a b\\ c\\d"), "ab c d".replace(" d", "d"));
    }

    #[test]
    fn option_block() {
        let spec = [("width", Conv::LengthOrUnitless), ("alt", Conv::Unchanged)];
        let lines: Vec<String> = [":alt: two", "   lines", ":width: 3px"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            parse_options(&spec, &lines),
            Ok(vec![
                ("alt".into(), OptVal::Str("two\nlines".into())),
                ("width".into(), OptVal::Str("3px".into())),
            ])
        );
        let bad: Vec<String> = vec![":height: 3".into()];
        assert_eq!(
            parse_options(&spec, &bad),
            Err("unknown option: \"height\"".into())
        );
        let junk: Vec<String> = vec![":alt: x".into(), "junk".into()];
        assert_eq!(
            parse_options(&spec, &junk),
            Err("invalid option block".into())
        );
        let dup: Vec<String> = vec![":alt: x".into(), ":alt: y".into()];
        assert_eq!(
            parse_options(&spec, &dup),
            Err("invalid option data: duplicate option \"alt\"".into())
        );
    }
}
