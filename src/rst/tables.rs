//! Grid and simple tables: a port of docutils' `tableparser.py`, plus the
//! shared construction of `table` elements (`states.build_table`).
//!
//! The parsers turn the text of an isolated table into a [`TableData`]
//! (column widths, head rows, cells with spans and text). Errors carry
//! docutils' exact `TableMarkupError` texts.

use super::block::Parser;
use crate::doctree::{Element, Kind};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Padding docutils appends after East Asian wide characters, so that one
/// `char` is one display column.
const PAD: char = '\0';

/// One table cell, as docutils' `(morerows, morecols, offset, lines)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub morerows: usize,
    pub morecols: usize,
    /// 0-based source line of the cell's first text line (docutils' offset
    /// plus the `line_offset` given to the parser).
    pub line: usize,
    /// The cell's text, trimmed to the cell and dedented.
    pub lines: Vec<String>,
}

/// A parsed table: docutils' `(colwidths, headrows, bodyrows)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableData {
    pub colwidths: Vec<usize>,
    /// The first `head_rows` of `rows` are head rows.
    pub head_rows: usize,
    /// Each row has one slot per column; `None` where a spanning cell covers it
    /// (grid tables; simple tables just omit spanned cells).
    pub rows: Vec<Vec<Option<Cell>>>,
}

/// docutils' `TableMarkupError`: the message and the 0-based line offset of
/// the problem from the table's first line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableError {
    pub message: String,
    pub offset: usize,
}

impl TableError {
    fn new(message: impl Into<String>, offset: usize) -> TableError {
        TableError {
            message: message.into(),
            offset,
        }
    }
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TableError {}

/// East Asian Wide or Fullwidth (`unicodedata.east_asian_width` in "WF"),
/// by the main blocks; enough for tables of CJK text.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x231A..=0x231B | 0x2329..=0x232A | 0x23E9..=0x23EC
        | 0x23F0 | 0x23F3 | 0x25FD..=0x25FE | 0x2614..=0x2615 | 0x2648..=0x2653
        | 0x267F | 0x2693 | 0x26A1 | 0x26AA..=0x26AB | 0x26BD..=0x26BE
        | 0x26C4..=0x26C5 | 0x26CE | 0x26D4 | 0x26EA | 0x26F2..=0x26F3 | 0x26F5
        | 0x26FA | 0x26FD | 0x2705 | 0x270A..=0x270B | 0x2728 | 0x274C | 0x274E
        | 0x2753..=0x2755 | 0x2757 | 0x2795..=0x2797 | 0x27B0 | 0x27BF
        | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55 | 0x2E80..=0x303E | 0x3041..=0x33FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xA960..=0xA97F
        | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x16FE0..=0x16FE4 | 0x17000..=0x18CFF
        | 0x1B000..=0x1B2FF | 0x1F004 | 0x1F0CF | 0x1F18E | 0x1F191..=0x1F19A
        | 0x1F200..=0x1F251 | 0x1F300..=0x1F64F | 0x1F680..=0x1F6FF
        | 0x1F7E0..=0x1F7EB | 0x1F90C..=0x1F9FF | 0x1FA70..=0x1FAFF
        | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD)
}

/// Combining characters (`unicodedata.combining(c) != 0`), by the main blocks.
pub fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0487 | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2
        | 0x05C4..=0x05C5 | 0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670
        | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x06E7..=0x06E8 | 0x06EA..=0x06ED
        | 0x093C | 0x094D | 0x0951..=0x0954 | 0x09BC | 0x09CD | 0x0E38..=0x0E3A
        | 0x0E48..=0x0E4B | 0x1AB0..=0x1ABD | 0x1DC0..=0x1DFF | 0x20D0..=0x20DC
        | 0x20E1 | 0x20E5..=0x20F0 | 0x302A..=0x302F | 0x3099..=0x309A
        | 0xFE20..=0xFE2F)
}

/// Display width as the table isolation checks it: wide characters count
/// two, combining characters none.
pub fn text_width(line: &str) -> usize {
    line.chars()
        .map(|c| {
            if is_combining(c) {
                0
            } else if is_wide(c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// docutils' `pad_double_width`: a pad character after each wide character.
/// Idempotent: an already padded line is returned unchanged.
pub fn pad_double_width(line: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if is_wide(c) {
            if chars.peek() == Some(&PAD) {
                chars.next();
            }
            out.push(PAD);
        }
    }
    out
}

fn strip_combining(line: &[char]) -> Vec<char> {
    line.iter().copied().filter(|c| !is_combining(*c)).collect()
}

fn is_blank(s: &[char]) -> bool {
    s.iter().all(|c| c.is_whitespace())
}

/// `s[a:b]` with Python's forgiving bounds.
fn slice(s: &[char], a: usize, b: usize) -> &[char] {
    let b = b.min(s.len());
    let a = a.min(b);
    &s[a..b]
}

/// Char indices of a line's columns, when it has combining characters
/// (`None`: column and char index are the same). Computed once per line.
type ColumnMap = Option<Vec<usize>>;

fn column_maps(lines: &[Vec<char>]) -> Vec<ColumnMap> {
    lines
        .iter()
        .map(|line| {
            line.iter().any(|c| is_combining(*c)).then(|| {
                (line.iter().enumerate())
                    .filter(|(_, c)| !is_combining(**c))
                    .map(|(i, _)| i)
                    .collect()
            })
        })
        .collect()
}

/// docutils' `StringList.get_2D_block` on `lines[top..bottom]`, columns
/// `left..right`, then removal of the wide-character padding.
fn block_2d(
    lines: &[Vec<char>],
    maps: &[ColumnMap],
    top: usize,
    left: usize,
    bottom: usize,
    right: usize,
) -> Vec<String> {
    let rows = lines.get(top..bottom.min(lines.len())).unwrap_or(&[]);
    let mut out: Vec<Vec<char>> = Vec::with_capacity(rows.len());
    let mut indent = right;
    for (k, line) in rows.iter().enumerate() {
        // Column indices skip combining characters.
        let (left_i, right_i) = match maps.get(top + k) {
            Some(Some(idx)) => (
                idx.get(left).copied().unwrap_or(left),
                idx.get(right).copied().unwrap_or(line.len()),
            ),
            _ => (left, right.min(line.len())),
        };
        let mut cut = slice(line, left_i, right_i).to_vec();
        while cut.last().is_some_and(|c| c.is_whitespace()) {
            cut.pop();
        }
        if !cut.is_empty() {
            let lead = cut.iter().take_while(|c| c.is_whitespace()).count();
            indent = indent.min(lead);
        }
        out.push(cut);
    }
    let strip = if 0 < indent && indent < right {
        indent
    } else {
        0
    };
    out.into_iter()
        .map(|l| l.iter().skip(strip).filter(|c| **c != PAD).collect())
        .collect()
}

/// `find_head_body_sep` shared by both parsers; returns the separator index.
/// docutils tests the index for truthiness, so a separator at 0 is "none".
fn find_head_body_sep(
    block: &mut [Vec<char>],
    is_sep: impl Fn(&[char]) -> bool,
) -> Result<Option<usize>, TableError> {
    let mut sep: Option<usize> = None;
    let last = block.len().saturating_sub(1);
    for (i, line) in block.iter_mut().enumerate() {
        if !is_sep(line) {
            continue;
        }
        match sep {
            Some(s) if s != 0 => {
                return Err(TableError::new(
                    format!(
                        "Multiple head/body row separators (table lines {} and {}); only one allowed.",
                        s + 1,
                        i + 1
                    ),
                    i,
                ));
            }
            _ => {
                sep = Some(i);
                for c in line.iter_mut() {
                    if *c == '=' {
                        *c = '-';
                    }
                }
            }
        }
    }
    if sep == Some(0) || sep == Some(last) {
        return Err(TableError::new(
            "The head/body row separator may not be the first or last line of the table.",
            last,
        ));
    }
    Ok(sep)
}

/// `\+=[=+]+=\+ *$`
fn is_grid_head_sep(l: &[char]) -> bool {
    let end = l.len() - l.iter().rev().take_while(|c| **c == ' ').count();
    let l = &l[..end];
    l.len() >= 5
        && l[0] == '+'
        && l[1] == '='
        && l[end - 1] == '+'
        && l[end - 2] == '='
        && l[2..end - 2].iter().all(|c| *c == '=' || *c == '+')
}

/// `=[ =]*$`
fn is_simple_head_sep(l: &[char]) -> bool {
    l.first() == Some(&'=') && l.iter().all(|c| *c == '=' || *c == ' ')
}

/// `-[ -]*$`
fn is_span_line(l: &[char]) -> bool {
    l.first() == Some(&'-') && l.iter().all(|c| *c == '-' || *c == ' ')
}

fn merge(master: &mut BTreeMap<usize, Vec<usize>>, new: BTreeMap<usize, Vec<usize>>) {
    for (k, v) in new {
        master.entry(k).or_default().extend(v);
    }
}

/// Parses a grid table. `lines` are the isolated table (each line stripped,
/// all of one width); `line_offset` is the 0-based source line of `lines[0]`.
pub fn parse_grid(lines: &[&str], line_offset: usize) -> Result<TableData, TableError> {
    let mut block: Vec<Vec<char>> = lines.iter().map(|l| pad_double_width(l)).collect();
    if block.first().is_none_or(Vec::is_empty) {
        return Err(TableError::new("Malformed table; parse incomplete.", 0));
    }
    let sep = find_head_body_sep(&mut block, is_grid_head_sep)?;
    let mut grid = Grid::new(&block);
    grid.parse()?;
    grid.structure(&block, sep, line_offset)
}

type CellPos = (usize, usize, usize, usize); // top, left, bottom, right

struct Grid {
    stripped: Vec<Vec<char>>,
    bottom: usize,
    right: usize,
    done: Vec<isize>,
    cells: Vec<CellPos>,
    rowseps: BTreeMap<usize, Vec<usize>>,
    colseps: BTreeMap<usize, Vec<usize>>,
}

impl Grid {
    fn new(block: &[Vec<char>]) -> Grid {
        let width = block.first().map_or(0, Vec::len);
        Grid {
            stripped: block.iter().map(|l| strip_combining(l)).collect(),
            bottom: block.len() - 1,
            right: width.saturating_sub(1),
            done: vec![-1; width],
            cells: Vec::new(),
            rowseps: BTreeMap::from([(0, vec![0])]),
            colseps: BTreeMap::from([(0, vec![0])]),
        }
    }

    fn at(&self, row: usize, col: usize) -> Option<char> {
        self.stripped.get(row).and_then(|l| l.get(col)).copied()
    }

    /// Traces cells from a queue of upper-left corners, top to bottom.
    fn parse(&mut self) -> Result<(), TableError> {
        let mut corners = BinaryHeap::from([Reverse((0usize, 0usize))]);
        while let Some(Reverse((top, left))) = corners.pop() {
            if top == self.bottom
                || left == self.right
                || (top as isize) <= self.done.get(left).copied().unwrap_or(isize::MAX)
            {
                continue;
            }
            let Some((bottom, right, rowseps, colseps)) = self.scan_cell(top, left) else {
                continue;
            };
            merge(&mut self.rowseps, rowseps);
            merge(&mut self.colseps, colseps);
            self.mark_done(top, left, bottom, right);
            self.cells.push((top, left, bottom, right));
            corners.push(Reverse((top, right)));
            corners.push(Reverse((bottom, left)));
        }
        let last = self.bottom as isize - 1;
        if self.done[..self.right].iter().any(|d| *d != last) {
            return Err(TableError::new("Malformed table; parse incomplete.", 0));
        }
        Ok(())
    }

    fn mark_done(&mut self, top: usize, left: usize, bottom: usize, right: usize) {
        for col in left..right {
            self.done[col] = bottom as isize - 1;
        }
        let _ = top;
    }

    #[allow(clippy::type_complexity)]
    fn scan_cell(
        &self,
        top: usize,
        left: usize,
    ) -> Option<(
        usize,
        usize,
        BTreeMap<usize, Vec<usize>>,
        BTreeMap<usize, Vec<usize>>,
    )> {
        if self.at(top, left) != Some('+') {
            return None;
        }
        // scan_right: the top-right corner, noting column boundaries.
        let mut colseps = BTreeMap::new();
        for i in left + 1..=self.right {
            match self.at(top, i) {
                Some('+') => {
                    colseps.insert(i, vec![top]);
                    if let Some((bottom, rowseps, newcolseps)) = self.scan_down(top, left, i) {
                        merge(&mut colseps, newcolseps);
                        return Some((bottom, i, rowseps, colseps));
                    }
                }
                Some('-') => {}
                _ => return None,
            }
        }
        None
    }

    #[allow(clippy::type_complexity)]
    fn scan_down(
        &self,
        top: usize,
        left: usize,
        right: usize,
    ) -> Option<(
        usize,
        BTreeMap<usize, Vec<usize>>,
        BTreeMap<usize, Vec<usize>>,
    )> {
        let mut rowseps = BTreeMap::new();
        for i in top + 1..=self.bottom {
            match self.at(i, right) {
                Some('+') => {
                    rowseps.insert(i, vec![right]);
                    if let Some((newrowseps, colseps)) = self.scan_left(top, left, i, right) {
                        merge(&mut rowseps, newrowseps);
                        return Some((i, rowseps, colseps));
                    }
                }
                Some('|') => {}
                _ => return None,
            }
        }
        None
    }

    #[allow(clippy::type_complexity)]
    fn scan_left(
        &self,
        top: usize,
        left: usize,
        bottom: usize,
        right: usize,
    ) -> Option<(BTreeMap<usize, Vec<usize>>, BTreeMap<usize, Vec<usize>>)> {
        let mut colseps = BTreeMap::new();
        for i in (left + 1..right).rev() {
            match self.at(bottom, i) {
                Some('+') => {
                    colseps.insert(i, vec![bottom]);
                }
                Some('-') => {}
                _ => return None,
            }
        }
        if self.at(bottom, left) != Some('+') {
            return None;
        }
        // scan_up: back to the starting point, noting row boundaries.
        let mut rowseps = BTreeMap::new();
        for i in (top + 1..bottom).rev() {
            match self.at(i, left) {
                Some('+') => {
                    rowseps.insert(i, vec![left]);
                }
                Some('|') => {}
                _ => return None,
            }
        }
        Some((rowseps, colseps))
    }

    fn structure(
        &self,
        block: &[Vec<char>],
        sep: Option<usize>,
        line_offset: usize,
    ) -> Result<TableData, TableError> {
        let incomplete = || TableError::new("Malformed table; parse incomplete.", 0);
        let rowseps: Vec<usize> = self.rowseps.keys().copied().collect();
        let colseps: Vec<usize> = self.colseps.keys().copied().collect();
        let rowindex: BTreeMap<usize, usize> =
            rowseps.iter().enumerate().map(|(i, r)| (*r, i)).collect();
        let colindex: BTreeMap<usize, usize> =
            colseps.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let colwidths: Vec<usize> = colseps.windows(2).map(|w| w[1] - w[0] - 1).collect();
        let ncols = colwidths.len();
        let mut rows: Vec<Vec<Option<Cell>>> =
            vec![vec![None; ncols]; rowseps.len().saturating_sub(1)];
        let mut remaining = rows.len() * ncols;
        let maps = column_maps(block);
        for &(top, left, bottom, right) in &self.cells {
            let (Some(&r), Some(&c), Some(&rb), Some(&cr)) = (
                rowindex.get(&top),
                colindex.get(&left),
                rowindex.get(&bottom),
                colindex.get(&right),
            ) else {
                return Err(incomplete());
            };
            let morerows = rb.checked_sub(r + 1).ok_or_else(incomplete)?;
            let morecols = cr.checked_sub(c + 1).ok_or_else(incomplete)?;
            let slot = rows
                .get_mut(r)
                .and_then(|row| row.get_mut(c))
                .ok_or_else(incomplete)?;
            if slot.is_some() {
                return Err(incomplete());
            }
            remaining = remaining
                .checked_sub((morerows + 1) * (morecols + 1))
                .ok_or_else(incomplete)?;
            *slot = Some(Cell {
                morerows,
                morecols,
                line: line_offset + top + 1,
                lines: block_2d(block, &maps, top + 1, left + 1, bottom, right),
            });
        }
        if remaining != 0 {
            return Err(incomplete());
        }
        let head_rows = match sep {
            Some(s) if s != 0 => rowindex.get(&s).copied().unwrap_or(0),
            _ => 0,
        };
        Ok(TableData {
            colwidths,
            head_rows,
            rows,
        })
    }
}

/// Parses a simple table. `lines` run from the top border to the bottom
/// border inclusive (as in the source, relative to the current indent);
/// `line_offset` is the 0-based source line of `lines[0]`.
pub fn parse_simple(lines: &[&str], line_offset: usize) -> Result<TableData, TableError> {
    let mut block: Vec<Vec<char>> = lines.iter().map(|l| pad_double_width(l)).collect();
    let n = block.len();
    if n < 2 {
        return Err(TableError::new("No bottom table border found.", 0));
    }
    for i in [0, n - 1] {
        for c in block[i].iter_mut() {
            if *c == '=' {
                *c = '-';
            }
        }
    }
    let sep = find_head_body_sep(&mut block, is_simple_head_sep)?;
    let mut simple = Simple {
        maps: column_maps(&block),
        columns: Vec::new(),
        border_end: 0,
        table: Vec::new(),
    };
    simple.parse_table(&block)?;
    let colwidths = simple.columns.iter().map(|(s, e)| e - s).collect();
    // No body row after the separator: docutils then makes every row a body row.
    let first_body_row = sep
        .filter(|s| *s != 0)
        .and_then(|s| (simple.table.iter()).position(|row| row.first().is_some_and(|c| c.line > s)))
        .unwrap_or(0);
    let rows = simple
        .table
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|mut c| {
                    c.line += line_offset;
                    Some(c)
                })
                .collect()
        })
        .collect();
    Ok(TableData {
        colwidths,
        head_rows: first_body_row,
        rows,
    })
}

struct Simple {
    /// Column maps of the whole block.
    maps: Vec<ColumnMap>,
    columns: Vec<(usize, usize)>,
    border_end: usize,
    /// Rows of cells; `Cell::line` is relative to the table here.
    table: Vec<Vec<Cell>>,
}

impl Simple {
    fn parse_table(&mut self, block: &[Vec<char>]) -> Result<(), TableError> {
        // The top border must fully describe all table columns.
        self.columns = self.parse_columns(&block[0], 0)?;
        let Some(&(_, border_end)) = self.columns.last() else {
            return Err(TableError::new("Malformed table.", 0));
        };
        self.border_end = border_end;
        let (firststart, firstend) = self.columns[0];
        let mut start = 1;
        let mut text_found = false;
        for offset in 1..block.len() {
            let line = &block[offset];
            if is_span_line(line) {
                // Column span underline or border: the row is complete.
                let mut span = line.clone();
                while span.last().is_some_and(|c| c.is_whitespace()) {
                    span.pop();
                }
                self.parse_row(
                    block.get(start..offset).unwrap_or(&[]),
                    start,
                    Some((&span, offset)),
                )?;
                start = offset + 1;
                text_found = false;
            } else if !is_blank(slice(line, firststart, firstend)) {
                // First column not blank: a new row.
                if text_found && offset != start {
                    self.parse_row(block.get(start..offset).unwrap_or(&[]), start, None)?;
                }
                start = offset;
                text_found = true;
            } else if !text_found {
                start = offset + 1;
            }
        }
        Ok(())
    }

    /// A column span underline as `(begin, end)` pairs.
    fn parse_columns(
        &self,
        line: &[char],
        offset: usize,
    ) -> Result<Vec<(usize, usize)>, TableError> {
        let mut cols = Vec::new();
        let mut end = 0;
        while let Some(begin) = (end..line.len()).find(|i| line[*i] == '-') {
            end = (begin..line.len())
                .find(|i| line[*i] == ' ')
                .unwrap_or(line.len());
            cols.push((begin, end));
        }
        if let Some(&(_, main_end)) = self.columns.last() {
            match cols.last_mut() {
                Some(last) if last.1 == self.border_end => last.1 = main_end,
                _ => {
                    return Err(TableError::new(
                        format!("Column span incomplete in table line {}.", offset + 1),
                        offset,
                    ));
                }
            }
        }
        Ok(cols)
    }

    fn init_row(&self, colspec: &[(usize, usize)], offset: usize) -> Result<Vec<Cell>, TableError> {
        let err = || {
            TableError::new(
                format!(
                    "Column span alignment problem in table line {}.",
                    offset + 2
                ),
                offset + 1,
            )
        };
        let mut i = 0;
        let mut cells = Vec::with_capacity(colspec.len());
        for &(start, end) in colspec {
            let mut morecols = 0;
            if self.columns.get(i).map(|c| c.0) != Some(start) {
                return Err(err());
            }
            while self.columns.get(i).ok_or_else(err)?.1 != end {
                i += 1;
                morecols += 1;
            }
            cells.push(Cell {
                morerows: 0,
                morecols,
                line: offset,
                lines: Vec::new(),
            });
            i += 1;
        }
        Ok(cells)
    }

    fn parse_row(
        &mut self,
        lines: &[Vec<char>],
        start: usize,
        spanline: Option<(&[char], usize)>,
    ) -> Result<(), TableError> {
        if lines.is_empty() && spanline.is_none() {
            return Ok(()); // just blank lines
        }
        let mut columns = match spanline {
            Some((line, offset)) => self.parse_columns(line, offset)?,
            None => self.columns.clone(),
        };
        self.check_columns(lines, start, &mut columns)?;
        let mut row = self.init_row(&columns, start)?;
        for (cell, &(s, e)) in row.iter_mut().zip(&columns) {
            let maps = self.maps.get(start..).unwrap_or(&[]);
            cell.lines = block_2d(lines, maps, 0, s, lines.len(), e);
        }
        self.table.push(row);
        Ok(())
    }

    /// Refuses text in column margins; widens the last column for overflow.
    fn check_columns(
        &mut self,
        lines: &[Vec<char>],
        first_line: usize,
        columns: &mut [(usize, usize)],
    ) -> Result<(), TableError> {
        let lines: Vec<Vec<char>> = lines.iter().map(|l| strip_combining(l)).collect();
        let lastcol = columns.len().saturating_sub(1);
        for i in 0..columns.len() {
            let (start, end) = columns[i];
            let nextstart = columns.get(i + 1).map_or(usize::MAX, |c| c.0);
            for (offset, line) in lines.iter().enumerate() {
                if i == lastcol && !is_blank(slice(line, end, usize::MAX)) {
                    let text = slice(line, start, usize::MAX);
                    let len =
                        text.len() - text.iter().rev().take_while(|c| c.is_whitespace()).count();
                    let new_end = start + len;
                    let Some(main) = self.columns.last_mut() else {
                        continue;
                    };
                    columns[i] = (start, main.1.max(new_end));
                    if new_end > main.1 {
                        main.1 = new_end;
                    }
                } else if !is_blank(slice(line, end, nextstart)) {
                    return Err(TableError::new(
                        format!(
                            "Text in column margin in table line {}.",
                            first_line + offset + 1
                        ),
                        first_line + offset,
                    ));
                }
            }
        }
        Ok(())
    }
}

/// How `build_table` marks column widths (`widths` option of table directives).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Widths {
    #[default]
    Default,
    /// `auto`: class `colwidths-auto`.
    Auto,
    /// `grid` or explicit integers: class `colwidths-given`.
    Given,
}

/// docutils' `build_table`: the `table` element with a `tgroup`, colspecs,
/// head and body rows; each non-empty cell is nested-parsed. `tableline` is
/// the 1-based source line of the table's top.
pub fn build_table(
    parser: &mut Parser,
    data: TableData,
    tableline: u32,
    mut stub_columns: usize,
    widths: Widths,
) -> Element {
    let mut table = Element::new(Kind::Table).with_line(tableline);
    match widths {
        Widths::Auto => table.attrs.classes.push("colwidths-auto".into()),
        Widths::Given => table.attrs.classes.push("colwidths-given".into()),
        Widths::Default => {}
    }
    let mut tgroup = Element::new(Kind::Tgroup).with_attr("cols", data.colwidths.len().to_string());
    for w in &data.colwidths {
        let mut colspec = Element::new(Kind::Colspec).with_attr("colwidth", w.to_string());
        if stub_columns > 0 {
            colspec.set("stub", "1");
            stub_columns -= 1;
        }
        tgroup.push(colspec);
    }
    let mut rows = data.rows.into_iter();
    if data.head_rows > 0 {
        let mut thead = Element::new(Kind::Thead);
        for row in rows.by_ref().take(data.head_rows) {
            thead.push(build_row(parser, row));
        }
        tgroup.push(thead);
    }
    let mut tbody = Element::new(Kind::Tbody);
    for row in rows {
        tbody.push(build_row(parser, row));
    }
    tgroup.push(tbody);
    table.push(tgroup);
    table
}

fn build_row(parser: &mut Parser, cells: Vec<Option<Cell>>) -> Element {
    let mut row = Element::new(Kind::Row);
    for cell in cells.into_iter().flatten() {
        let mut entry = Element::new(Kind::Entry);
        if cell.morerows > 0 {
            entry.set("morerows", cell.morerows.to_string());
        }
        if cell.morecols > 0 {
            entry.set("morecols", cell.morecols.to_string());
        }
        if cell.lines.iter().any(|l| !l.is_empty()) {
            let lines: Vec<&str> = cell.lines.iter().map(String::as_str).collect();
            parser.nested_parse(&lines, cell.line, &mut entry, false);
        }
        row.push(entry);
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(morerows: usize, morecols: usize, line: usize, lines: &[&str]) -> Option<Cell> {
        Some(Cell {
            morerows,
            morecols,
            line,
            lines: lines.iter().map(|s| s.to_string()).collect(),
        })
    }

    #[test]
    fn grid_docstring_example() {
        let t = [
            "+------------------------+------------+----------+----------+",
            "| Header row, column 1   | Header 2   | Header 3 | Header 4 |",
            "+========================+============+==========+==========+",
            "| body row 1, column 1   | column 2   | column 3 | column 4 |",
            "+------------------------+------------+----------+----------+",
            "| body row 2             | Cells may span columns.          |",
            "+------------------------+------------+---------------------+",
            "| body row 3             | Cells may  | - Table cells       |",
            "+------------------------+ span rows. | - contain           |",
            "| body row 4             |            | - body elements.    |",
            "+------------------------+------------+---------------------+",
        ];
        let d = parse_grid(&t, 0).unwrap();
        assert_eq!(d.colwidths, vec![24, 12, 10, 10]);
        assert_eq!(d.head_rows, 1);
        assert_eq!(d.rows.len(), 5);
        assert_eq!(d.rows[0][1], cell(0, 0, 1, &["Header 2"]));
        assert_eq!(d.rows[2][1], cell(0, 2, 5, &["Cells may span columns."]));
        assert_eq!(d.rows[2][2], None);
        assert_eq!(
            d.rows[3][1],
            cell(1, 0, 7, &["Cells may", "span rows.", ""])
        );
        assert_eq!(
            d.rows[3][2],
            cell(1, 1, 7, &["- Table cells", "- contain", "- body elements."])
        );
        assert_eq!(d.rows[4][0], cell(0, 0, 9, &["body row 4"]));
        assert_eq!(d.rows[4][1], None);
    }

    #[test]
    fn grid_line_offset_and_errors() {
        let t = ["+---+", "| a |", "+---+"];
        let d = parse_grid(&t, 10).unwrap();
        assert_eq!(d.rows[0][0], cell(0, 0, 11, &["a"]));
        let bad = ["+---+---+", "| a     |", "+---+   +"];
        assert_eq!(
            parse_grid(&bad, 0).unwrap_err().message,
            "Malformed table; parse incomplete."
        );
        let two = [
            "+---+", "| a |", "+===+", "| b |", "+===+", "| c |", "+---+",
        ];
        let e = parse_grid(&two, 0).unwrap_err();
        assert_eq!(
            e.message,
            "Multiple head/body row separators (table lines 3 and 5); only one allowed."
        );
        assert_eq!(e.offset, 4);
        let last = ["+---+", "| a |", "+===+"];
        assert_eq!(
            parse_grid(&last, 0).unwrap_err().message,
            "The head/body row separator may not be the first or last line of the table."
        );
    }

    #[test]
    fn grid_wide_chars() {
        let t = ["+------+", "| 漢字 |", "+------+"];
        let d = parse_grid(&t, 0).unwrap();
        assert_eq!(d.colwidths, vec![6]);
        assert_eq!(d.rows[0][0], cell(0, 0, 1, &["漢字"]));
    }

    #[test]
    fn simple_docstring_example() {
        let t = [
            "=====  =====",
            "col 1  col 2",
            "=====  =====",
            "1      Second column of row 1.",
            "2      Second column of row 2.",
            "       Second line of paragraph.",
            "3      - Second column of row 3.",
            "",
            "       - Second item in bullet",
            "         list (row 3, column 2).",
            "4 is a span",
            "------------",
            "5",
            "=====  =====",
        ];
        let d = parse_simple(&t, 0).unwrap();
        assert_eq!(d.colwidths, vec![5, 25]);
        assert_eq!(d.head_rows, 1);
        assert_eq!(
            d.rows[0],
            vec![cell(0, 0, 1, &["col 1"]), cell(0, 0, 1, &["col 2"])]
        );
        assert_eq!(
            d.rows[2][1],
            cell(
                0,
                0,
                4,
                &["Second column of row 2.", "Second line of paragraph."]
            )
        );
        assert_eq!(
            d.rows[3][1],
            cell(
                0,
                0,
                6,
                &[
                    "- Second column of row 3.",
                    "",
                    "- Second item in bullet",
                    "  list (row 3, column 2)."
                ]
            )
        );
        assert_eq!(d.rows[4], vec![cell(0, 1, 10, &["4 is a span"])]);
        assert_eq!(
            d.rows[5],
            vec![cell(0, 0, 12, &["5"]), cell(0, 0, 12, &[""])]
        );
    }

    #[test]
    fn simple_errors() {
        let margin = ["==  ==", "ab xcd", "==  =="];
        let e = parse_simple(&margin, 0).unwrap_err();
        assert_eq!(e.message, "Text in column margin in table line 2.");
        let span = ["==  ==", "ab  cd", "--", "==  =="];
        assert_eq!(
            parse_simple(&span, 0).unwrap_err().message,
            "Column span incomplete in table line 3."
        );
        let margin3 = ["===  ==", "ab   cd", " ------", "===  =="];
        assert_eq!(
            parse_simple(&margin3, 0).unwrap_err().message,
            "Text in column margin in table line 3."
        );
        let align = ["===  ==", "ab   cd", "-- ----", "===  =="];
        assert_eq!(
            parse_simple(&align, 0).unwrap_err().message,
            "Column span alignment problem in table line 3."
        );
    }

    #[test]
    fn simple_no_panic_on_odd_input() {
        for t in [
            &["="][..],
            &["=", ""][..],
            &["= =", "x", "="][..],
            &["", ""][..],
        ] {
            let _ = parse_simple(t, 0);
        }
        for t in [
            &["+"][..],
            &["+", "+"][..],
            &["+-+", "|", "+"][..],
            &["", ""][..],
        ] {
            let _ = parse_grid(t, 0);
        }
    }

    /// A big grid of small cells, and the same grid with a broken bottom
    /// border (every scan then runs to the bottom and fails) stay fast.
    #[test]
    fn big_grids_parse_quickly() {
        let n = 150;
        let border: String = "+-".repeat(n) + "+";
        let text: String = "| ".repeat(n) + "|";
        let mut lines = Vec::new();
        for _ in 0..n {
            lines.push(border.clone());
            lines.push(text.clone());
        }
        lines.push(border.clone());
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let d = parse_grid(&refs, 0).expect("grid parses");
        assert_eq!(d.rows.len(), n);
        let broken: String = "+ ".repeat(n) + "+";
        let mut bad = refs.clone();
        if let Some(last) = bad.last_mut() {
            *last = &broken;
        }
        assert!(parse_grid(&bad, 0).is_err());
    }

    /// Random tables from table characters never panic.
    #[test]
    fn random_tables_do_not_panic() {
        let alphabet: Vec<char> = "+-|= a漢\u{301}".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3000 {
            let (h, w) = (2 + next(6), 1 + next(8));
            let framed = next(2) == 0;
            let lines: Vec<String> = (0..h)
                .map(|r| {
                    (0..w + 2)
                        .map(
                            |c| match (framed, r == 0 || r == h - 1, c == 0 || c == w + 1) {
                                (true, true, true) => '+',
                                (true, true, false) => ['-', '+', '='][next(3)],
                                (true, false, true) => ['|', '+'][next(2)],
                                _ => alphabet[next(alphabet.len())],
                            },
                        )
                        .collect()
                })
                .collect();
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let _ = parse_grid(&refs, 0);
            let _ = parse_simple(&refs, 0);
        }
    }
}
