//! Site-level jobs on a whole Nikola site: discovery of its posts and pages
//! (shared by `migrate` and the EPUB digest), and the migration to Hugo or
//! Jekyll.

pub mod conf;
pub mod frontmatter;
pub mod links;
pub mod migrate;
pub mod output;
pub mod report;
pub mod scaffold;

use conf::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One `POSTS`/`PAGES` rule: files matching `glob` (relative to the site)
/// go to `dest` (a URL folder, `""` for the root) with `template`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub glob: String,
    pub dest: String,
    pub template: String,
}

impl Rule {
    fn new(glob: &str, dest: &str, template: &str) -> Rule {
        Rule {
            glob: glob.to_owned(),
            dest: dest.to_owned(),
            template: template.to_owned(),
        }
    }
}

/// The settings of `conf.py` that matter here, Nikola's defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteConf {
    pub posts: Vec<Rule>,
    pub pages: Vec<Rule>,
    /// IANA zone name (`TIMEZONE`), default `UTC`.
    pub timezone: String,
    pub pretty_urls: bool,
    pub site_url: String,
    pub default_lang: String,
    pub blog_title: String,
    pub blog_author: Option<String>,
    /// `{path}.{lang}.{ext}` by default.
    pub translations_pattern: String,
    /// Language -> output prefix (`"ru" -> "./ru"`); the default language has `""`.
    pub translations: BTreeMap<String, String>,
    /// Whether a `conf.py` was read.
    pub from_file: bool,
    /// Settings above that `conf.py` computes (not literals): defaults used.
    pub unread: Vec<String>,
}

impl Default for SiteConf {
    /// What `nikola init` writes (the defaults our users' sites have).
    fn default() -> SiteConf {
        let rules = |dir: &str, tmpl: &str| {
            ["rst", "txt", "md", "html"]
                .iter()
                .map(|ext| Rule::new(&format!("{dir}/*.{ext}"), dir, tmpl))
                .collect()
        };
        SiteConf {
            posts: rules("posts", "post.tmpl"),
            pages: rules("pages", "page.tmpl"),
            timezone: "UTC".to_owned(),
            pretty_urls: true,
            site_url: "https://example.com/".to_owned(),
            default_lang: "en".to_owned(),
            blog_title: "Default Title".to_owned(),
            blog_author: None,
            translations_pattern: "{path}.{lang}.{ext}".to_owned(),
            translations: BTreeMap::from([("en".to_owned(), String::new())]),
            from_file: false,
            unread: Vec::new(),
        }
    }
}

impl SiteConf {
    /// Reads the settings from `conf.py` text; missing ones keep defaults.
    pub fn from_conf_py(src: &str) -> SiteConf {
        let (vars, unread) = conf::read_settings(src);
        let mut c = SiteConf {
            from_file: true,
            unread: unread
                .into_iter()
                .filter(|n| SETTINGS.contains(&n.as_str()))
                .collect(),
            ..SiteConf::default()
        };
        if let Some(r) = vars.get("POSTS").and_then(rules) {
            c.posts = r;
        }
        if let Some(r) = vars.get("PAGES").and_then(rules) {
            c.pages = r;
        }
        let text = |k: &str| vars.get(k).and_then(translatable);
        if let Some(v) = text("TIMEZONE") {
            c.timezone = v;
        }
        if let Some(v) = vars.get("PRETTY_URLS").and_then(Value::as_bool) {
            c.pretty_urls = v;
        }
        if let Some(v) = text("SITE_URL") {
            c.site_url = v;
        }
        if let Some(v) = text("DEFAULT_LANG") {
            c.default_lang = v;
        }
        if let Some(v) = text("BLOG_TITLE") {
            c.blog_title = v;
        }
        c.blog_author = text("BLOG_AUTHOR");
        if let Some(v) = text("TRANSLATIONS_PATTERN") {
            c.translations_pattern = v;
        }
        c.translations = vars
            .get("TRANSLATIONS")
            .and_then(Value::as_str_map)
            .map(|m| {
                m.into_iter()
                    .filter_map(|(k, v)| Some((k, v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        c.translations.entry(c.default_lang.clone()).or_default();
        c
    }

    /// The time zone of naive dates.
    pub fn time_zone(&self) -> Result<jiff::tz::TimeZone, SiteError> {
        jiff::tz::TimeZone::get(&self.timezone)
            .map_err(|_| SiteError::TimeZone(self.timezone.clone()))
    }

    /// The URL prefix of a language's pages: `""` or `"ru"`.
    pub fn lang_prefix(&self, lang: Option<&str>) -> String {
        let Some(lang) = lang else {
            return String::new();
        };
        let prefix = self.translations.get(lang).map_or(lang, String::as_str);
        prefix
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The `conf.py` settings read.
const SETTINGS: &[&str] = &[
    "POSTS",
    "PAGES",
    "TIMEZONE",
    "PRETTY_URLS",
    "SITE_URL",
    "DEFAULT_LANG",
    "BLOG_TITLE",
    "BLOG_AUTHOR",
    "TRANSLATIONS_PATTERN",
    "TRANSLATIONS",
];

/// A translatable setting is a string or a `{lang: string}` dict; the
/// default language's (or the first) value is used.
fn translatable(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Dict(entries) => entries
            .first()
            .and_then(|(_, v)| v.as_str().map(str::to_owned)),
        _ => None,
    }
}

/// A `POSTS`/`PAGES` tuple of `(glob, dest, template)` tuples.
fn rules(v: &Value) -> Option<Vec<Rule>> {
    v.as_list()?
        .iter()
        .map(|r| match r.as_list()? {
            [g, d, t, ..] => Some(Rule::new(g.as_str()?, d.as_str()?, t.as_str()?)),
            [g, d] => Some(Rule::new(g.as_str()?, d.as_str()?, "")),
            _ => None,
        })
        .collect()
}

/// Command-line overrides of the site's settings.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// A posts folder replacing `POSTS`' folders (relative to the site or absolute).
    pub posts: Option<PathBuf>,
    pub pages: Option<PathBuf>,
    pub timezone: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Post,
    Page,
}

/// One source file of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    pub kind: EntryKind,
    /// URL folder (`posts`, `blog/2014`, `""`), from the rule and subfolder.
    pub dest_folder: String,
    pub template: String,
    /// `Some(lang)` for a translation (`post.ru.rst`); `None` is the default language.
    pub lang: Option<String>,
    /// For a translation, the default language's file (when it exists).
    pub original: Option<PathBuf>,
}

impl Entry {
    /// Whether the file is Markdown (Nikola's `markdown` compiler).
    pub fn is_markdown(&self) -> bool {
        matches!(
            self.path.extension().and_then(|e| e.to_str()),
            Some("md" | "mdown" | "markdown")
        )
    }

    /// Whether the file is reStructuredText (Nikola's `rest` compiler).
    pub fn is_rest(&self) -> bool {
        matches!(
            self.path.extension().and_then(|e| e.to_str()),
            Some("rst" | "txt")
        )
    }
}

/// A discovered site.
#[derive(Clone, Debug)]
pub struct Site {
    pub root: PathBuf,
    pub conf: SiteConf,
    /// Sorted by kind then path: a stable order.
    pub entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: not a folder")]
    NotAFolder(String),
    #[error("unknown time zone {0:?}")]
    TimeZone(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SiteError + '_ {
    move |source| SiteError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Reads `conf.py` (if any) and finds every post and page, as Nikola's
/// `scan_posts` does: each rule's folder is walked recursively, a subfolder
/// adding to the destination.
pub fn discover(root: &Path, overrides: &Overrides) -> Result<Site, SiteError> {
    if !root.is_dir() {
        return Err(SiteError::NotAFolder(root.display().to_string()));
    }
    let conf_path = root.join("conf.py");
    let mut conf = if conf_path.is_file() {
        let text = std::fs::read(&conf_path).map_err(io_err(&conf_path))?;
        SiteConf::from_conf_py(&String::from_utf8_lossy(&text))
    } else {
        SiteConf::default()
    };
    if let Some(dir) = &overrides.posts {
        conf.posts = override_rules(&conf.posts, dir, "posts", "post.tmpl");
    }
    if let Some(dir) = &overrides.pages {
        conf.pages = override_rules(&conf.pages, dir, "pages", "page.tmpl");
    }
    if let Some(tz) = &overrides.timezone {
        conf.timezone = tz.clone();
    }
    conf.time_zone()?;
    let mut entries = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (kind, rules) in [
        (EntryKind::Post, &conf.posts),
        (EntryKind::Page, &conf.pages),
    ] {
        for rule in rules {
            scan_rule(root, rule, kind, &conf, &mut seen, &mut entries)?;
        }
    }
    entries.sort_by(|a, b| (a.kind, &a.path).cmp(&(b.kind, &b.path)));
    Ok(Site {
        root: root.to_path_buf(),
        conf,
        entries,
    })
}

/// `--posts DIR`: the same rules, reading from DIR.
fn override_rules(rules: &[Rule], dir: &Path, dest: &str, tmpl: &str) -> Vec<Rule> {
    let dir = dir.to_string_lossy().trim_end_matches('/').to_owned();
    let dest = rules.first().map_or(dest, |r| r.dest.as_str());
    ["rst", "txt", "md", "html"]
        .iter()
        .map(|ext| Rule::new(&format!("{dir}/*.{ext}"), dest, tmpl))
        .collect()
}

fn scan_rule(
    root: &Path,
    rule: &Rule,
    kind: EntryKind,
    conf: &SiteConf,
    seen: &mut std::collections::HashSet<PathBuf>,
    out: &mut Vec<Entry>,
) -> Result<(), SiteError> {
    let (dir, pattern) = match rule.glob.rsplit_once('/') {
        Some((d, p)) => (d, p),
        None => ("", rule.glob.as_str()),
    };
    let base = root.join(dir);
    if !base.is_dir() {
        return Ok(());
    }
    let mut stack = vec![(base, String::new())];
    while let Some((folder, rel)) = stack.pop() {
        let mut names = Vec::new();
        for item in std::fs::read_dir(&folder).map_err(io_err(&folder))? {
            let item = item.map_err(io_err(&folder))?;
            names.push(item.file_name());
        }
        names.sort();
        for name in names {
            let path = folder.join(&name);
            let Some(name) = name.to_str() else { continue };
            if is_real_dir(&path) {
                if !name.starts_with('.') {
                    let sub = if rel.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{rel}/{name}")
                    };
                    stack.push((path, sub));
                }
                continue;
            }
            if !glob_match(pattern, name) || !seen.insert(path.clone()) {
                continue;
            }
            let (lang, original) = translation_of(&path, name, conf);
            out.push(Entry {
                dest_folder: join_url(&rule.dest, &rel),
                path,
                kind,
                template: rule.template.clone(),
                lang,
                original,
            });
        }
    }
    Ok(())
}

/// A folder that is not a symlink (as Python's `os.walk`, which Nikola
/// uses, does not follow them; this also keeps symlink loops out).
pub fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// `a` + `b` as a URL folder without `.`, empty parts or edge slashes.
fn join_url(a: &str, b: &str) -> String {
    a.split('/')
        .chain(b.split('/'))
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// For `post.ru.rst` (with `ru` a configured language and the default
/// pattern), the language and the original's path.
fn translation_of(path: &Path, name: &str, conf: &SiteConf) -> (Option<String>, Option<PathBuf>) {
    let Some((_, ext)) = name.rsplit_once('.') else {
        return (None, None);
    };
    let Some(shape) = conf.translations_pattern.strip_prefix("{path}") else {
        return (None, None);
    };
    for lang in conf.translations.keys() {
        if *lang == conf.default_lang {
            continue;
        }
        let suffix = shape.replace("{lang}", lang).replace("{ext}", ext);
        if let Some(stem) = name.strip_suffix(&suffix) {
            if stem.is_empty() {
                continue;
            }
            let original = path.with_file_name(format!("{stem}.{ext}"));
            let original = original.is_file().then_some(original);
            return (Some(lang.clone()), original);
        }
    }
    (None, None)
}

/// Shell-style match of one path component: `*`, `?` and literal text.
/// Iterative with one backtrack point, so linear-ish and stack-free.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        assert!(glob_match("*.rst", "a.rst"));
        assert!(glob_match("*.rst", "a.ru.rst"));
        assert!(!glob_match("*.rst", "a.rst.bak"));
        assert!(glob_match("a?c*", "abcdef"));
        assert!(!glob_match("*.txt", "a.rst"));
    }

    #[test]
    fn conf_and_translations() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("conf.py"),
            "DEFAULT_LANG = 'en'\nTRANSLATIONS = {DEFAULT_LANG: '', 'ru': './ru'}\n\
             POSTS = (('posts/*.rst', 'blog', 'post.tmpl'),)\nPAGES = (('pages/*.rst', '', 'page.tmpl'),)\n\
             PRETTY_URLS = False\nTIMEZONE = 'Europe/Moscow'\n",
        )
        .unwrap();
        for f in [
            "posts/a.rst",
            "posts/a.ru.rst",
            "posts/2014/b.rst",
            "posts/c.md",
            "pages/p.rst",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let site = discover(root, &Overrides::default()).unwrap();
        assert!(!site.conf.pretty_urls);
        assert_eq!(site.conf.timezone, "Europe/Moscow");
        let got: Vec<_> = site
            .entries
            .iter()
            .map(|e| {
                let rel = e
                    .path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, e.kind, e.dest_folder.clone(), e.lang.clone())
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "posts/2014/b.rst".into(),
                    EntryKind::Post,
                    "blog/2014".into(),
                    None
                ),
                ("posts/a.rst".into(), EntryKind::Post, "blog".into(), None),
                (
                    "posts/a.ru.rst".into(),
                    EntryKind::Post,
                    "blog".into(),
                    Some("ru".into())
                ),
                ("pages/p.rst".into(), EntryKind::Page, "".into(), None),
            ]
        );
        assert_eq!(site.entries[2].original, Some(root.join("posts/a.rst")));
        assert_eq!(site.conf.lang_prefix(Some("ru")), "ru");
    }

    #[test]
    fn overrides_replace_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("conf.py"),
            "POSTS = (('posts/*.rst', 'blog', 'post.tmpl'),)\n",
        )
        .unwrap();
        for f in ["posts/a.rst", "old/b.rst", "extra/c.txt"] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let o = Overrides {
            posts: Some("old".into()),
            pages: Some("extra".into()),
            timezone: Some("Europe/Moscow".into()),
        };
        let site = discover(root, &o).unwrap();
        let got: Vec<_> = site
            .entries
            .iter()
            .map(|e| {
                (
                    e.path.strip_prefix(root).unwrap().to_path_buf(),
                    e.dest_folder.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("old/b.rst".into(), "blog"),
                ("extra/c.txt".into(), "pages")
            ]
        );
        assert_eq!(site.conf.timezone, "Europe/Moscow");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("posts");
        std::fs::create_dir_all(&posts).unwrap();
        std::fs::write(posts.join("a.rst"), "x").unwrap();
        std::os::unix::fs::symlink(&posts, posts.join("loop")).unwrap();
        let site = discover(dir.path(), &Overrides::default()).unwrap();
        assert_eq!(site.entries.len(), 1);
    }

    #[test]
    fn defaults_without_conf() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("posts")).unwrap();
        std::fs::write(dir.path().join("posts/x.rst"), "x").unwrap();
        std::fs::write(dir.path().join("posts/x.md"), "x").unwrap();
        let site = discover(dir.path(), &Overrides::default()).unwrap();
        assert!(site.conf.pretty_urls);
        assert_eq!(site.entries.len(), 2);
        assert_eq!(site.entries[0].dest_folder, "posts");
        assert!(site.entries.iter().filter(|e| e.is_rest()).count() == 1);
        let bad = Overrides {
            timezone: Some("Mars/Base".into()),
            ..Overrides::default()
        };
        assert!(matches!(
            discover(dir.path(), &bad),
            Err(SiteError::TimeZone(_))
        ));
    }
}
