//! `table`, `csv-table` and `list-table` (docutils `directives/tables.py`).

use super::convert::{Conv, OptVal};
use super::misc::{ReadError, read_confined, url_error};
use super::{DirError, DirResult, Directive, Spec, err, inline_text, parse_into, warning};
use crate::doctree::{Element, Kind, Level, Node};
use crate::rst::block::Parser;
use crate::rst::tables::{Cell, TableData, Widths, build_table};

const ALIGN: Conv = Conv::Choice(&["left", "center", "right"]);

pub static TABLE: Spec = Spec {
    required: 0,
    optional: 1,
    final_ws: true,
    options: &[
        ("class", Conv::ClassOption),
        ("name", Conv::Unchanged),
        ("align", ALIGN),
        ("width", Conv::LengthOrPercentageOrUnitless),
        ("widths", Conv::AutoGridOrIntList),
    ],
    content: true,
    run: rst_table,
};

pub static CSV_TABLE: Spec = Spec {
    required: 0,
    optional: 1,
    final_ws: true,
    options: &[
        ("header-rows", Conv::NonnegativeInt),
        ("stub-columns", Conv::NonnegativeInt),
        ("header", Conv::Unchanged),
        ("width", Conv::LengthOrPercentageOrUnitless),
        ("widths", Conv::AutoOrIntList),
        ("file", Conv::Path),
        ("url", Conv::Uri),
        ("encoding", Conv::Encoding),
        ("class", Conv::ClassOption),
        ("name", Conv::Unchanged),
        ("align", ALIGN),
        ("delim", Conv::SingleCharOrWhitespaceOrUnicode),
        ("keepspace", Conv::Flag),
        ("quote", Conv::SingleCharOrUnicode),
        ("escape", Conv::SingleCharOrUnicode),
    ],
    content: true,
    run: csv_table,
};

pub static LIST_TABLE: Spec = Spec {
    required: 0,
    optional: 1,
    final_ws: true,
    options: &[
        ("header-rows", Conv::NonnegativeInt),
        ("stub-columns", Conv::NonnegativeInt),
        ("width", Conv::LengthOrPercentageOrUnitless),
        ("widths", Conv::AutoOrIntList),
        ("class", Conv::ClassOption),
        ("name", Conv::Unchanged),
        ("align", ALIGN),
    ],
    content: true,
    run: list_table,
};

fn make_title(parser: &mut Parser, d: &Directive) -> (Option<Element>, Vec<Element>) {
    let Some(text) = d.arguments.first() else {
        return (None, Vec::new());
    };
    let (nodes, messages) = inline_text(parser, text, d.lineno);
    let mut title = Element::new(Kind::Title).with_line(d.lineno);
    title.children = nodes;
    (Some(title), messages)
}

fn widths_kind(d: &Directive) -> Widths {
    match d.opt("widths") {
        Some(OptVal::Str(s)) if s == "auto" => Widths::Auto,
        Some(_) => Widths::Given,
        None => Widths::Default,
    }
}

fn column_widths(d: &Directive, n_cols: usize) -> Result<Vec<usize>, DirError> {
    match d.opt("widths") {
        Some(OptVal::Ints(w)) => {
            if w.len() != n_cols {
                return Err(err(format!(
                    "\"{}\" widths do not match the number of columns in table ({n_cols}).",
                    d.name
                )));
            }
            Ok(w.iter().map(|&x| x.max(0) as usize).collect())
        }
        _ if n_cols > 0 => Ok(vec![100 / n_cols; n_cols]),
        _ => Err(err("No table data detected in CSV file.")),
    }
}

/// Class, align, width, name and title, shared by the three directives.
fn finish(
    parser: &mut Parser,
    d: &mut Directive,
    mut table: Element,
    title: Option<Element>,
    messages: Vec<Element>,
) -> Vec<Node> {
    table.attrs.classes.extend(d.classes());
    if let Some(a) = d.opt_str("align") {
        table.set("align", a);
    }
    if let Some(w) = d.opt_str("width") {
        table.set("width", w);
    }
    d.add_name(parser, &mut table);
    if let Some(t) = title {
        table.children.insert(0, t.into());
    }
    table.line = Some(d.lineno);
    let mut out: Vec<Node> = vec![table.into()];
    out.extend(messages.into_iter().map(Node::from));
    out
}

fn rst_table(parser: &mut Parser, d: &mut Directive) -> DirResult {
    if d.content.is_empty() {
        return Err(warning(format!(
            "Content block expected for the \"{}\" directive; none found.",
            d.name
        )));
    }
    let (title, messages) = make_title(parser, d);
    let mut children = parse_into(parser, &d.content, d.content_offset);
    let table = match (children.len(), children.pop()) {
        (1, Some(Node::Element(t))) if t.kind == Kind::Table => t,
        _ => {
            return Err(err(format!(
                "Error parsing content block for the \"{}\" directive: exactly one table expected.",
                d.name
            )));
        }
    };
    let mut table = table;
    // Classes in docutils' order: the class option first, then widths.
    table.attrs.classes.extend(d.classes());
    if let Some(OptVal::Ints(_)) = d.opt("widths") {
        let cols = table
            .child(Kind::Tgroup)
            .and_then(|g| g.get("cols"))
            .and_then(|c| c.parse::<usize>().ok())
            .unwrap_or(0);
        let widths = column_widths(d, cols)?;
        if let Some(Node::Element(tgroup)) = table.children.first_mut() {
            let colspecs = tgroup.elements_mut().filter(|e| e.kind == Kind::Colspec);
            for (colspec, w) in colspecs.zip(widths) {
                colspec.set("colwidth", w.to_string());
            }
        }
    }
    match widths_kind(d) {
        Widths::Auto => table.attrs.classes.push("colwidths-auto".into()),
        Widths::Given => table.attrs.classes.push("colwidths-given".into()),
        Widths::Default => {}
    }
    d.options.retain(|(k, _)| k != "class");
    Ok(finish(parser, d, *table, title, messages))
}

fn check_dimensions(
    d: &Directive,
    row_lens: &[usize],
    header_rows: usize,
    stub_columns: usize,
) -> Result<(), DirError> {
    if row_lens.len() < header_rows {
        return Err(err(format!(
            "{header_rows} header row(s) specified but only {} row(s) of data supplied (\"{}\" directive).",
            row_lens.len(),
            d.name
        )));
    }
    if row_lens.len() == header_rows && header_rows > 0 {
        return Err(err(format!(
            "Insufficient data supplied ({} row(s)); no data remaining for table body, required by \"{}\" directive.",
            row_lens.len(),
            d.name
        )));
    }
    for &len in row_lens {
        if len < stub_columns {
            return Err(err(format!(
                "{stub_columns} stub column(s) specified but only {len} columns(s) of data supplied (\"{}\" directive).",
                d.name
            )));
        }
        if len == stub_columns && stub_columns > 0 {
            return Err(err(format!(
                "Insufficient data supplied ({len} columns(s)); no data remaining for table body, required by \"{}\" directive.",
                d.name
            )));
        }
    }
    Ok(())
}

fn usize_opt(d: &Directive, name: &str) -> usize {
    match d.opt(name) {
        Some(OptVal::Int(i)) => (*i).max(0) as usize,
        _ => 0,
    }
}

fn csv_table(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let external = d.has("file") || d.has("url");
    if !parser.state.settings.file_insertion_enabled && external {
        return Err(warning(format!(
            "File and URL access deactivated; ignoring \"{}\" directive.",
            d.name
        )));
    }
    let (title, messages) = make_title(parser, d);
    let data = csv_data(parser, d)?;
    let dialect = Dialect::from(&*d);
    let csv_error = |e: String| {
        err(format!(
            "Error with CSV data in \"{}\" directive:\n{e}",
            d.name
        ))
    };
    let mut head: Vec<Vec<String>> = match d.opt_str("header") {
        Some(h) => parse_csv(&h.split('\n').collect::<Vec<_>>(), &dialect).map_err(csv_error)?,
        None => Vec::new(),
    };
    let max_header = head.iter().map(Vec::len).max().unwrap_or(0);
    let rows = parse_csv(
        &data.iter().map(String::as_str).collect::<Vec<_>>(),
        &dialect,
    )
    .map_err(csv_error)?;
    let max_cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(max_header);
    let header_rows = usize_opt(d, "header-rows");
    let stub_columns = usize_opt(d, "stub-columns");
    let lens: Vec<usize> = rows.iter().map(Vec::len).collect();
    check_dimensions(d, &lens, header_rows, stub_columns)?;
    let mut rows = rows.into_iter();
    head.extend(rows.by_ref().take(header_rows));
    let body: Vec<Vec<String>> = rows.collect();
    let colwidths = column_widths(d, max_cols)?;
    // docutils gives each cell its own line list starting at 0
    let line = 0;
    let to_cells = |row: Vec<String>| -> Vec<Option<Cell>> {
        let mut cells: Vec<Option<Cell>> = row
            .into_iter()
            .map(|text| {
                Some(Cell {
                    morerows: 0,
                    morecols: 0,
                    line,
                    lines: text.lines().map(str::to_owned).collect(),
                })
            })
            .collect();
        while cells.len() < max_cols {
            cells.push(Some(Cell {
                morerows: 0,
                morecols: 0,
                line,
                lines: Vec::new(),
            }));
        }
        cells
    };
    let head_rows = head.len();
    let all: Vec<Vec<Option<Cell>>> = head.into_iter().chain(body).map(to_cells).collect();
    let data = TableData {
        colwidths,
        head_rows,
        rows: all,
    };
    let shift = std::mem::replace(
        &mut parser.state.message_line_shift,
        d.content_offset.saturating_sub(1) as u32,
    );
    let table = build_table(
        parser,
        data,
        d.content_offset as u32,
        stub_columns,
        widths_kind(d),
    );
    parser.state.message_line_shift = shift;
    Ok(finish(parser, d, table, title, messages))
}

/// The CSV lines: the content, or a file inside the source folder.
fn csv_data(parser: &mut Parser, d: &Directive) -> Result<Vec<String>, DirError> {
    if !d.content.is_empty() {
        if d.has("file") || d.has("url") {
            return Err(err(format!(
                "\"{}\" directive may not both specify an external file and have content.",
                d.name
            )));
        }
        return Ok(d.content.clone());
    }
    if let Some(path) = d
        .opt_str("file")
        .map(|p| super::misc::adapt_path(parser, p))
    {
        if d.has("url") {
            return Err(err(format!(
                "The \"file\" and \"url\" options may not be simultaneously specified for the \"{}\" directive.",
                d.name
            )));
        }
        let text = read_confined(parser, &path, d.opt_str("encoding")).map_err(|e| match e {
            // docutils prints `str(error)`, without the exception class.
            ReadError::Open(e) => DirError {
                level: Level::Severe,
                msg: format!(
                    "Problems with \"{}\" directive path:\n{}.",
                    d.name,
                    e.split_once(": ").map_or(e.as_str(), |(_, r)| r)
                ),
            },
            ReadError::Decode(e) => err(format!(
                "Error with CSV data in \"{}\" directive:\n{e}",
                d.name
            )),
        })?;
        return Ok(text.lines().map(str::to_owned).collect());
    }
    if let Some(url) = d.opt_str("url") {
        return Err(DirError {
            level: Level::Severe,
            msg: format!(
                "Problems with \"{}\" directive URL \"{url}\":\n{}.",
                d.name,
                url_error(url)
            ),
        });
    }
    Err(warning(format!(
        "The \"{}\" directive requires content; none supplied.",
        d.name
    )))
}

/// docutils' `DocutilsDialect` for Python's csv reader.
struct Dialect {
    delimiter: char,
    quote: char,
    escape: Option<char>,
    doublequote: bool,
    skip_initial_space: bool,
}

impl From<&Directive> for Dialect {
    fn from(d: &Directive) -> Dialect {
        let one = |name: &str, default: char| {
            d.opt_str(name)
                .and_then(|s| s.chars().next())
                .unwrap_or(default)
        };
        let escape = d.opt_str("escape").and_then(|s| s.chars().next());
        Dialect {
            delimiter: one("delim", ','),
            quote: one("quote", '"'),
            escape,
            doublequote: escape.is_none(),
            skip_initial_space: !d.has("keepspace"),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CsvState {
    StartRecord,
    StartField,
    Escaped,
    InField,
    InQuoted,
    EscapeInQuoted,
    QuoteInQuoted,
    EatCrnl,
}

/// Python's `csv.reader` (strict mode) over `lines`, each fed with a
/// trailing newline; errors carry Python's texts.
fn parse_csv(lines: &[&str], dl: &Dialect) -> Result<Vec<Vec<String>>, String> {
    use CsvState::*;
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut state = StartRecord;
    for line in lines {
        for c in line.chars().chain(std::iter::once('\n')) {
            let eol = c == '\n' || c == '\r';
            state = match state {
                StartRecord | StartField if state == StartRecord && eol => EatCrnl,
                StartRecord | StartField => {
                    if eol {
                        row.push(std::mem::take(&mut field));
                        EatCrnl
                    } else if c == dl.quote {
                        InQuoted
                    } else if Some(c) == dl.escape {
                        Escaped
                    } else if c == ' ' && dl.skip_initial_space {
                        StartField
                    } else if c == dl.delimiter {
                        row.push(std::mem::take(&mut field));
                        StartField
                    } else {
                        field.push(c);
                        InField
                    }
                }
                Escaped => {
                    field.push(c);
                    InField
                }
                InField => {
                    if eol {
                        row.push(std::mem::take(&mut field));
                        EatCrnl
                    } else if Some(c) == dl.escape {
                        Escaped
                    } else if c == dl.delimiter {
                        row.push(std::mem::take(&mut field));
                        StartField
                    } else {
                        field.push(c);
                        InField
                    }
                }
                InQuoted => {
                    if Some(c) == dl.escape {
                        EscapeInQuoted
                    } else if c == dl.quote {
                        if dl.doublequote {
                            QuoteInQuoted
                        } else {
                            InField
                        }
                    } else {
                        field.push(c);
                        InQuoted
                    }
                }
                EscapeInQuoted => {
                    field.push(c);
                    InQuoted
                }
                QuoteInQuoted => {
                    if c == dl.quote {
                        field.push(c);
                        InQuoted
                    } else if c == dl.delimiter {
                        row.push(std::mem::take(&mut field));
                        StartField
                    } else if eol {
                        row.push(std::mem::take(&mut field));
                        EatCrnl
                    } else {
                        return Err(format!("'{}' expected after '{}'", dl.delimiter, dl.quote));
                    }
                }
                EatCrnl => {
                    if eol {
                        EatCrnl
                    } else {
                        return Err("new-line character seen in unquoted field - do you need to open the file with newline=''?".into());
                    }
                }
            };
        }
        if state == EatCrnl {
            rows.push(std::mem::take(&mut row));
            state = StartRecord;
        }
    }
    if state != StartRecord {
        return Err("unexpected end of data".into());
    }
    Ok(rows)
}

fn list_table(parser: &mut Parser, d: &mut Directive) -> DirResult {
    if d.content.is_empty() {
        return Err(err(format!(
            "The \"{}\" directive is empty; content required.",
            d.name
        )));
    }
    let (title, messages) = make_title(parser, d);
    let children = parse_into(parser, &d.content, d.content_offset);
    let rows = list_rows(d, children)?;
    let colwidths = column_widths(d, rows.first().map_or(0, Vec::len))?;
    let header_rows = usize_opt(d, "header-rows");
    let stub_columns = usize_opt(d, "stub-columns");
    let lens: Vec<usize> = rows.iter().map(Vec::len).collect();
    check_dimensions(d, &lens, header_rows, stub_columns)?;

    let mut table = Element::new(Kind::Table).with_line(d.lineno);
    match widths_kind(d) {
        Widths::Auto => table.attrs.classes.push("colwidths-auto".into()),
        Widths::Given => table.attrs.classes.push("colwidths-given".into()),
        Widths::Default => {}
    }
    let mut tgroup = Element::new(Kind::Tgroup).with_attr("cols", colwidths.len().to_string());
    let mut stubs = stub_columns;
    for w in &colwidths {
        let mut colspec = Element::new(Kind::Colspec).with_attr("colwidth", w.to_string());
        if stubs > 0 {
            colspec.set("stub", "1");
            stubs -= 1;
        }
        tgroup.push(colspec);
    }
    let mut row_nodes = rows.into_iter().map(|cells| {
        let mut row = Element::new(Kind::Row);
        for cell in cells {
            let mut entry = Element::new(Kind::Entry);
            entry.children = cell;
            row.push(entry);
        }
        row
    });
    if header_rows > 0 {
        let mut thead = Element::new(Kind::Thead);
        for r in row_nodes.by_ref().take(header_rows) {
            thead.push(r);
        }
        tgroup.push(thead);
    }
    let mut tbody = Element::new(Kind::Tbody);
    for r in row_nodes {
        tbody.push(r);
    }
    tgroup.push(tbody);
    table.push(tgroup);
    Ok(finish(parser, d, table, title, messages))
}

/// `check_list_content`: a uniform two-level bullet list; returns each
/// row's cells (the children of each second-level item).
fn list_rows(d: &Directive, children: Vec<Node>) -> Result<Vec<Vec<Vec<Node>>>, DirError> {
    let bad = |detail: String| {
        err(format!(
            "Error parsing content block for the \"{}\" directive: {detail}",
            d.name
        ))
    };
    let list = match <[Node; 1]>::try_from(children) {
        Ok([Node::Element(l)]) if l.kind == Kind::BulletList => l,
        _ => return Err(bad("exactly one bullet list expected.".into())),
    };
    let mut rows = Vec::new();
    let mut num_cols = 0;
    for (index, item) in list.children.into_iter().enumerate() {
        let sub = match item {
            Node::Element(item) => match <[Node; 1]>::try_from(item.children) {
                Ok([Node::Element(sub)]) if sub.kind == Kind::BulletList => Some(sub),
                _ => None,
            },
            Node::Text(_) => None,
        };
        let Some(sub) = sub else {
            return Err(bad(format!(
                "two-level bullet list expected, but row {} does not contain a second-level bullet list.",
                index + 1
            )));
        };
        let n = sub.children.len();
        if index == 0 {
            num_cols = n;
        } else if n != num_cols {
            return Err(bad(format!(
                "uniform two-level bullet list expected, but row {} does not contain the same number of items as row 1 ({n} vs {num_cols}).",
                index + 1
            )));
        }
        let cells = sub
            .children
            .into_iter()
            .map(|c| match c {
                Node::Element(e) => e.children,
                t => vec![t],
            })
            .collect();
        rows.push(cells);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialect() -> Dialect {
        Dialect {
            delimiter: ',',
            quote: '"',
            escape: None,
            doublequote: true,
            skip_initial_space: true,
        }
    }

    #[test]
    fn csv_like_python() {
        let d = dialect();
        assert_eq!(
            parse_csv(&["a, \"b, c\"", "", "\"multi", "line\",x"], &d),
            Ok(vec![
                vec!["a".to_string(), "b, c".into()],
                vec![],
                vec!["multi\nline".into(), "x".into()],
            ])
        );
        assert_eq!(
            parse_csv(&["\"say \"\"hi\"\"\""], &d),
            Ok(vec![vec!["say \"hi\"".to_string()]])
        );
        assert_eq!(
            parse_csv(&["\"bad\", \"csv, data"], &d),
            Err("unexpected end of data".into())
        );
        assert_eq!(
            parse_csv(&["\"bad\"x"], &d),
            Err("',' expected after '\"'".into())
        );
    }
}
