//! Table isolation (docutils `Body.isolate_grid_table` /
//! `isolate_simple_table`); cell parsing is `tables.rs`, element building
//! is `tables::build_table`.

use super::scan::{self, is_blank};
use super::{Machine, Parser, literal};
use crate::doctree::{Element, Level};
use crate::rst::tables::{self, Widths};

impl Parser<'_, '_> {
    pub(super) fn grid_table(&mut self, m: &mut Machine) {
        let start = m.pos;
        let (block, err) = self.text_block(m, true);
        let mut messages = Vec::new();
        let mut blank_finish = true;
        if let Some(l) = err {
            messages.push(self.msg(Level::Error, "Unexpected indentation.", l, Vec::new()));
            blank_finish = false;
        }
        let mut lines: Vec<&str> = block.iter().map(|l| l.trim()).collect();
        let width = lines.first().map_or(0, |l| tables::text_width(l));
        let mut last_i = lines.len().saturating_sub(1);
        for i in 0..lines.len() {
            if !lines[i].starts_with(['+', '|']) {
                blank_finish = false;
                m.pos = start + i;
                lines.truncate(i);
                last_i = i;
                break;
            }
        }
        if !lines.last().is_some_and(|l| scan::grid_table_top(l)) {
            let mut found = false;
            let mut i = last_i;
            let mut k = lines.len().saturating_sub(2);
            while k >= 2 && lines.len() >= 4 {
                i = k;
                if scan::grid_table_top(lines[k]) {
                    // docutils backs up `len - k + 1` lines (two more than
                    // the table bottom): the last two table lines are reparsed
                    m.pos = start + k - 1;
                    lines.truncate(k + 1);
                    blank_finish = false;
                    found = true;
                    break;
                }
                k -= 1;
            }
            if !found {
                let e = self.malformed_table(m, &lines, "Bottom border missing or corrupt.", i);
                messages.push(e);
                return self.table_end(m, messages, blank_finish);
            }
        }
        for (i, l) in lines.iter().enumerate() {
            if tables::text_width(l) != width || !l.ends_with(['+', '|']) {
                let e = self.malformed_table(m, &lines, "Right border not aligned or missing.", i);
                messages.push(e);
                return self.table_end(m, messages, blank_finish);
            }
        }
        let offset = m.offset + start;
        match tables::parse_grid(&lines, offset) {
            Ok(data) => {
                let table =
                    tables::build_table(self, data, (offset + 1) as u32, 0, Widths::Default);
                messages.insert(0, table);
            }
            Err(e) => {
                let msg = self.malformed_table(m, &lines, &e.message, e.offset);
                messages.insert(0, msg);
            }
        }
        self.table_end(m, messages, blank_finish);
    }

    pub(super) fn simple_table(&mut self, m: &mut Machine) {
        let start = m.pos;
        let lines = m.lines;
        let limit = lines.len() - 1;
        let toplen = lines[start].trim().chars().count();
        let mut found = 0;
        let mut found_at = start;
        let mut end = None;
        let mut i = start + 1;
        while i <= limit {
            let line = lines[i];
            if scan::simple_table_border(line) {
                if line.trim().chars().count() != toplen {
                    m.pos = i + 1;
                    let e = self.malformed_table(
                        m,
                        &lines[start..=i],
                        "Bottom border or header rule does not match top border.",
                        i - start,
                    );
                    let bf = i == limit || is_blank(lines[i + 1]);
                    return self.table_end(m, vec![e], bf);
                }
                found += 1;
                found_at = i;
                if found == 2 || i == limit || is_blank(lines[i + 1]) {
                    end = Some(i);
                    break;
                }
            }
            i += 1;
        }
        let Some(end) = end else {
            let mut details = "No bottom table border found".to_owned();
            let block = if found > 0 {
                details.push_str(" or no blank line after table bottom");
                m.pos = found_at + 1;
                &lines[start..=found_at]
            } else {
                m.pos = lines.len();
                &lines[start..]
            };
            details.push('.');
            let e = self.malformed_table(m, block, &details, 0);
            return self.table_end(m, vec![e], found == 0);
        };
        m.pos = end + 1;
        let block = &lines[start..=end];
        let bf = end == limit || is_blank(lines[end + 1]);
        let offset = m.offset + start;
        let node = match tables::parse_simple(block, offset) {
            Ok(data) => tables::build_table(self, data, (offset + 1) as u32, 0, Widths::Default),
            Err(e) => self.malformed_table(m, block, &e.message, e.offset),
        };
        self.table_end(m, vec![node], bf);
    }

    fn table_end(&mut self, m: &mut Machine, nodes: Vec<Element>, blank_finish: bool) {
        m.extend(nodes);
        if !blank_finish {
            let line = (m.offset + m.pos + 1) as u32;
            let w = self.msg(
                Level::Warning,
                "Blank line required after table.",
                line,
                Vec::new(),
            );
            m.push(w);
        }
    }

    /// `malformed_table`: the error sits on the table's first line plus `offset`;
    /// the block ends at the last consumed line.
    fn malformed_table(
        &mut self,
        m: &Machine,
        block: &[&str],
        detail: &str,
        offset: usize,
    ) -> Element {
        let data = block.join("\n");
        let startline = (m.offset + m.pos + 1).saturating_sub(block.len());
        let mut message = "Malformed table.".to_owned();
        if !detail.is_empty() {
            message.push('\n');
            message.push_str(detail);
        }
        self.msg(
            Level::Error,
            &message,
            (startline + offset) as u32,
            vec![literal(&data)],
        )
    }
}
