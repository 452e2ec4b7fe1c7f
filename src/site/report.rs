//! The migration report: per post every compromise, broken internal link
//! and warning, and totals; Markdown for people, JSON for tools.

use super::EntryKind;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub target: String,
    pub site: String,
    pub totals: Totals,
    pub posts: Vec<PostReport>,
    /// Site-level notes (collisions, skipped files, config decisions).
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub posts: usize,
    pub pages: usize,
    pub converted: usize,
    pub failed: usize,
    pub drafts: usize,
    pub translations: usize,
    pub compromises: usize,
    pub broken_links: usize,
    pub warnings: usize,
    pub files_copied: usize,
    /// Not in the report files (a re-run must give the same bytes).
    #[serde(skip)]
    pub files_written: usize,
    #[serde(skip)]
    pub files_unchanged: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct PostReport {
    /// Source path relative to the site.
    pub source: String,
    pub kind: EntryKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    pub title: String,
    pub old_url: String,
    pub new_url: String,
    /// Output path relative to OUT.
    pub output: String,
    pub draft: bool,
    /// Copied files the post uses (`/images/a.png`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub compromises: Vec<Compromise>,
    pub broken_links: Vec<BrokenLink>,
    pub warnings: Vec<Warning>,
}

impl PostReport {
    pub fn new(source: String, kind: EntryKind) -> PostReport {
        PostReport {
            source,
            kind,
            lang: None,
            title: String::new(),
            old_url: String::new(),
            new_url: String::new(),
            output: String::new(),
            draft: false,
            assets: Vec::new(),
            error: None,
            compromises: Vec::new(),
            broken_links: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// A construct the target cannot express, and what was done instead.
#[derive(Clone, Debug, Serialize)]
pub struct Compromise {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub construct: String,
    pub action: String,
}

impl Compromise {
    /// From a writer message such as "definition list written as a bullet list".
    pub fn from_message(line: Option<u32>, msg: &str) -> Compromise {
        for sep in [
            " written as ",
            " dropped",
            " kept as ",
            " became ",
            " linked to ",
        ] {
            if let Some(i) = msg.find(sep) {
                return Compromise {
                    line,
                    construct: msg[..i].to_owned(),
                    action: msg[i..].trim().to_owned(),
                };
            }
        }
        Compromise {
            line,
            construct: String::new(),
            action: msg.to_owned(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct BrokenLink {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub url: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Warning {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub level: String,
    pub message: String,
}

impl Report {
    /// Recomputes the per-post totals from the posts.
    pub fn count(&mut self) {
        let t = &mut self.totals;
        t.posts = self
            .posts
            .iter()
            .filter(|p| p.kind == EntryKind::Post)
            .count();
        t.pages = self.posts.len() - t.posts;
        t.failed = self.posts.iter().filter(|p| p.error.is_some()).count();
        t.converted = self.posts.len() - t.failed;
        t.drafts = self.posts.iter().filter(|p| p.draft).count();
        t.translations = self.posts.iter().filter(|p| p.lang.is_some()).count();
        t.compromises = self.posts.iter().map(|p| p.compromises.len()).sum();
        t.broken_links = self.posts.iter().map(|p| p.broken_links.len()).sum();
        t.warnings = self.posts.iter().map(|p| p.warnings.len()).sum();
    }

    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }

    pub fn markdown(&self) -> String {
        let t = &self.totals;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Migration report: {} to {}\n",
            self.site, self.target
        );
        let _ = writeln!(out, "| | count |\n|---|---|");
        for (name, n) in [
            ("posts", t.posts),
            ("pages", t.pages),
            ("converted", t.converted),
            ("failed", t.failed),
            ("drafts (not published)", t.drafts),
            ("translations", t.translations),
            ("compromises", t.compromises),
            ("broken internal links", t.broken_links),
            ("warnings", t.warnings),
            ("files copied", t.files_copied),
        ] {
            let _ = writeln!(out, "| {name} | {n} |");
        }
        if !self.notes.is_empty() {
            out.push_str("\n## Site\n\n");
            for n in &self.notes {
                let _ = writeln!(out, "- {}", md_text(n));
            }
        }
        let failed: Vec<_> = self.posts.iter().filter(|p| p.error.is_some()).collect();
        if !failed.is_empty() {
            out.push_str("\n## Failed\n\n");
            for p in failed {
                let _ = writeln!(
                    out,
                    "- `{}`: {}",
                    p.source,
                    md_text(p.error.as_deref().unwrap_or(""))
                );
            }
        }
        let broken: Vec<_> = self
            .posts
            .iter()
            .flat_map(|p| p.broken_links.iter().map(move |b| (p, b)))
            .collect();
        if !broken.is_empty() {
            out.push_str("\n## Broken internal links\n\n");
            for (p, b) in broken {
                let line = b.line.map_or(String::new(), |l| format!(":{l}"));
                let _ = writeln!(
                    out,
                    "- `{}{line}`: `{}`: {}",
                    p.source,
                    b.url.replace('`', "'"),
                    md_text(&b.reason)
                );
            }
        }
        out.push_str("\n## Posts and pages\n");
        for p in &self.posts {
            let _ = write!(out, "\n### `{}`", p.source);
            if !p.title.is_empty() {
                let _ = write!(out, " ({})", md_text(&p.title));
            }
            out.push_str("\n\n");
            if let Some(e) = &p.error {
                let _ = writeln!(out, "- **failed**: {}", md_text(e));
                continue;
            }
            let _ = writeln!(out, "- output: `{}`", p.output);
            if p.old_url == p.new_url {
                let _ = writeln!(out, "- URL kept: `{}`", p.new_url);
            } else {
                let _ = writeln!(
                    out,
                    "- URL: `{}` (old `{}` redirects)",
                    p.new_url, p.old_url
                );
            }
            if p.draft {
                out.push_str("- draft: not published\n");
            }
            for c in &p.compromises {
                let what = if c.construct.is_empty() {
                    md_text(&c.action)
                } else {
                    format!("{}: {}", md_text(&c.construct), md_text(&c.action))
                };
                let _ = writeln!(out, "- {}compromise: {what}", at(c.line));
            }
            for b in &p.broken_links {
                let _ = writeln!(
                    out,
                    "- {}**broken link** `{}`: {}",
                    at(b.line),
                    b.url.replace('`', "'"),
                    md_text(&b.reason)
                );
            }
            for w in &p.warnings {
                let _ = writeln!(out, "- {}{}: {}", at(w.line), w.level, md_text(&w.message));
            }
        }
        out
    }
}

fn at(line: Option<u32>) -> String {
    line.map_or(String::new(), |l| format!("line {l}: "))
}

/// Text safe inside a Markdown list item (no stray markup or HTML).
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.split_whitespace().collect::<Vec<_>>().join(" ").chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compromise_split() {
        let c = Compromise::from_message(Some(3), "definition list written as a bullet list");
        assert_eq!(c.construct, "definition list");
        assert_eq!(c.action, "written as a bullet list");
        let c = Compromise::from_message(None, "something odd");
        assert_eq!(c.construct, "");
    }

    #[test]
    fn markdown_and_json() {
        let mut r = Report {
            target: "hugo".into(),
            site: "s".into(),
            ..Report::default()
        };
        let mut p = PostReport::new("posts/a.rst".into(), EntryKind::Post);
        p.broken_links.push(BrokenLink {
            line: Some(4),
            url: "link://slug/x".into(),
            reason: "no <post>".into(),
        });
        r.posts.push(p);
        r.posts.push(PostReport {
            error: Some("bad date".into()),
            ..PostReport::new("pages/b.rst".into(), EntryKind::Page)
        });
        r.count();
        assert_eq!(r.totals.failed, 1);
        assert_eq!(r.totals.broken_links, 1);
        let md = r.markdown();
        assert!(md.contains("line 4: **broken link** `link://slug/x`: no \\<post\\>"));
        assert!(md.contains("## Failed\n\n- `pages/b.rst`: bad date"));
        assert!(md.contains(
            "## Broken internal links\n\n- `posts/a.rst:4`: `link://slug/x`: no \\<post\\>"
        ));
        let v: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
        assert_eq!(v["totals"]["pages"], 1);
        assert_eq!(v["posts"][0]["broken_links"][0]["line"], 4);
    }
}
