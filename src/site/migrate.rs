//! Migration of a discovered Nikola site to Hugo or Jekyll.
//!
//! Three stages: read and parse every post (in parallel), index every old
//! URL and copied file, then rewrite links and write each post (in
//! parallel). Output goes through one plan of files, written atomically and
//! only when changed, so a re-run gives the same bytes and dry runs write
//! nothing.

use super::frontmatter::{self, Fields, Fm};
use super::links::{self, Current, LinkIndex, PageRef};
use super::output::{Content, Plan, absolute_out, write_atomic};
use super::report::{BrokenLink, Compromise, PostReport, Report, Warning};
use super::scaffold::{self, ScaffoldInfo};
use super::{Entry, EntryKind, Site};
use crate::doctree::{Diagnostic, Element, Level};
use crate::source::{self, Metadata, slugify};
use crate::write::md;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The engine migrated to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Hugo,
    Jekyll,
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Hugo => "hugo",
            Target::Jekyll => "jekyll",
        }
    }
}

/// Front matter syntax (Jekyll reads YAML only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FrontMatterFormat {
    #[default]
    Yaml,
    Toml,
}

#[derive(Clone, Debug)]
pub struct MigrateOptions {
    pub target: Target,
    pub out: PathBuf,
    /// Hugo: a page bundle `<slug>/index.md` for posts with local images.
    pub bundles: bool,
    pub front_matter: FrontMatterFormat,
    /// ASCII slugs; the old URL is kept as an alias (redirect).
    pub transliterate_slugs: bool,
    /// Plan and report, write nothing.
    pub dry_run: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("the output {out} is inside the site folder {site}; write it elsewhere")]
    OutInsideSite { out: String, site: String },
    #[error("Jekyll reads YAML front matter only (drop --front-matter toml)")]
    TomlForJekyll,
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> MigrateError + '_ {
    move |source| MigrateError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The result: the report and the output files (relative to OUT).
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    pub files: Vec<String>,
}

/// Runs the migration. `tick` is called once per post written (progress).
pub fn migrate(
    site: &Site,
    opts: &MigrateOptions,
    tick: &(dyn Fn() + Sync),
) -> Result<Outcome, MigrateError> {
    if opts.target == Target::Jekyll && opts.front_matter == FrontMatterFormat::Toml {
        return Err(MigrateError::TomlForJekyll);
    }
    let root = site.root.canonicalize().map_err(io_err(&site.root))?;
    let out = absolute_out(&opts.out)?;
    if out.starts_with(&root) {
        return Err(MigrateError::OutInsideSite {
            out: opts.out.display().to_string(),
            site: site.root.display().to_string(),
        });
    }
    let tz = site.conf.time_zone().unwrap_or(jiff::tz::TimeZone::UTC);
    // Files that have translations.
    let translated: HashSet<&Path> = site
        .entries
        .iter()
        .filter_map(|e| e.original.as_deref())
        .collect();
    let prepared: Vec<Result<Prepared, Box<PostReport>>> = site
        .entries
        .par_iter()
        .map(|e| guarded(site, e, || prepare(site, e, opts, &tz, &translated)))
        .collect();

    let assets = scan_assets(&site.root, opts.target)?;
    let index = build_index(site, &prepared, &assets, opts.target);
    let asset_src: HashMap<&str, &Path> = assets
        .iter()
        .map(|a| (a.url.as_str(), a.src.as_path()))
        .collect();

    let rendered: Vec<Result<Rendered, Box<PostReport>>> = prepared
        .into_par_iter()
        .map(|p| {
            let r = p.and_then(|p| {
                let entry = p.entry.clone();
                guarded(site, &entry, || Ok(render(p, &index, &asset_src, opts)))
            });
            tick();
            r
        })
        .collect();

    let mut report = Report {
        target: opts.target.name().to_owned(),
        site: site.root.display().to_string(),
        ..Report::default()
    };
    let mut plan = Plan::default();
    let mut raw_html = false;
    let mut root_index = false;
    let mut languages = BTreeSet::new();
    for r in rendered {
        match r {
            Ok(mut r) => {
                raw_html |= r.raw_html;
                root_index |= r.report.new_url == "/index.html";
                if let Some(l) = &r.report.lang {
                    languages.insert(l.clone());
                }
                if let Err(other) = plan.add(&r.report.output, Content::Text(r.text)) {
                    r.report.error = Some(format!(
                        "output {} also written by {other}",
                        r.report.output
                    ));
                } else {
                    for (rel, content) in r.extra {
                        // Shared bundle images or redirects: first one wins.
                        let _ = plan.add(&rel, content);
                    }
                }
                plan.owner(&r.report.output, &r.report.source);
                report.posts.push(r.report);
            }
            Err(failed) => report.posts.push(*failed),
        }
    }
    let mut include = Vec::new();
    for a in &assets {
        if plan.add(&a.out, Content::Copy(a.src.clone())).is_err() {
            report.notes.push(format!(
                "{} not copied: {} is a post's output",
                a.src.display(),
                a.out
            ));
        }
        if opts.target == Target::Jekyll && a.out.starts_with(['_', '.']) {
            include.push(a.out.split('/').next().unwrap_or_default().to_owned());
        }
    }
    include.dedup();
    let info = ScaffoldInfo {
        conf: &site.conf,
        raw_html,
        languages: languages.into_iter().collect(),
        jekyll_include: include,
    };
    let scaffold_files = match opts.target {
        Target::Hugo => scaffold::hugo(&info),
        Target::Jekyll => scaffold::jekyll(&info),
    };
    for (rel, text) in scaffold_files {
        if rel == "index.html" && root_index {
            // The site's own index page (slug `index`) is the home page.
            continue;
        }
        if plan.add(&rel, Content::Text(text)).is_err() {
            report.notes.push(format!(
                "{rel}: a post or file of the site took this path; not written"
            ));
        }
    }
    if raw_html && opts.target == Target::Hugo {
        report.notes.push(
            "hugo.toml: raw HTML enabled (markup.goldmark.renderer.unsafe), some posts have HTML"
                .to_owned(),
        );
    }
    if opts.bundles && opts.target == Target::Jekyll {
        report
            .notes
            .push("--bundles is for Hugo; Jekyll posts link the copied images".to_owned());
    }
    for name in &site.conf.unread {
        report.notes.push(format!(
            "conf.py: {name} is computed, not a literal; Nikola's default was used"
        ));
    }
    report.totals.files_copied = plan
        .files
        .iter()
        .filter(|(_, c)| matches!(c, Content::Copy(_)))
        .count();
    report.count();
    let files: Vec<String> = plan.files.iter().map(|(k, _)| k.clone()).collect();
    if opts.dry_run {
        report.totals.files_written = 0;
        return Ok(Outcome { report, files });
    }
    std::fs::create_dir_all(&out).map_err(io_err(&out))?;
    let results: Vec<Result<bool, MigrateError>> = plan
        .files
        .par_iter()
        .map(|(rel, content)| write_atomic(&out, &root, rel, content))
        .collect();
    for r in results {
        if r? {
            report.totals.files_written += 1;
        } else {
            report.totals.files_unchanged += 1;
        }
    }
    // The report itself, last (its totals include the files above).
    let md_report = report.markdown();
    let json_report = report.json();
    write_atomic(&out, &root, "report.md", &Content::Text(md_report))?;
    write_atomic(&out, &root, "report.json", &Content::Text(json_report))?;
    Ok(Outcome { report, files })
}

/// Runs one post's step; a panic (a bug of ours on some input) fails
/// that post only, as the issue asks of bad posts.
fn guarded<T>(
    site: &Site,
    entry: &Entry,
    step: impl FnOnce() -> Result<T, Box<PostReport>>,
) -> Result<T, Box<PostReport>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let mut report = PostReport::new(rel_source(&site.root, &entry.path), entry.kind);
        report.lang = entry.lang.clone();
        report.error = Some(format!("internal error (please report it): {what}"));
        Err(Box::new(report))
    })
}

/// A post read and parsed, with its URLs decided.
struct Prepared {
    report: PostReport,
    /// The body of a Markdown post (`doc` is then empty).
    markdown_body: Option<String>,
    /// Links a post and its translations (Hugo's `translationKey`), also
    /// when a translation has a slug of its own.
    translation_key: Option<String>,
    entry: Entry,
    meta: Metadata,
    doc: Element,
    line_offset: u32,
    slug: String,
    new_slug: String,
    tags: Vec<String>,
}

/// Reads and parses one post; a failure comes back as its report.
fn prepare(
    site: &Site,
    entry: &Entry,
    opts: &MigrateOptions,
    tz: &jiff::tz::TimeZone,
    translated: &HashSet<&Path>,
) -> Result<Prepared, Box<PostReport>> {
    let rel = rel_source(&site.root, &entry.path);
    let mut report = PostReport::new(rel, entry.kind);
    report.lang = entry.lang.clone();
    let markdown = entry.is_markdown();
    if !entry.is_rest() && !markdown {
        report.error = Some("neither reStructuredText nor Markdown: not converted".to_owned());
        return Err(Box::new(report));
    }
    let read = source::ReadOptions {
        timezone: tz.clone(),
        ..source::ReadOptions::default()
    };
    let (post, read_diags) = match source::read_post_file(&entry.path, &read) {
        Ok(x) => x,
        Err(e) => {
            report.error = Some(e.to_string());
            return Err(Box::new(report));
        }
    };
    let mut parse = crate::rst::Settings {
        source: entry.path.display().to_string(),
        base_dir: entry.path.parent().map(Path::to_path_buf),
        ..crate::rst::Settings::default()
    };
    parse.language = site.conf.default_lang.clone();
    if let Some(l) = &entry.lang {
        parse.language = l.clone();
    }
    let (doc, mut diags, markdown_body) = if markdown {
        // A Markdown post is already Markdown: kept, links rewritten later.
        let doc = Element::new(crate::doctree::Kind::Document);
        (doc, Vec::new(), Some(post.body))
    } else {
        let parsed = crate::rst::parse(&post.body, &parse);
        let mut doc = parsed.document;
        let mut diags = parsed.diagnostics;
        // Nikola's reST compiler: no doctitle promotion (USE_REST_DOCINFO_METADATA off).
        let transform = crate::transform::Settings {
            doctitle: false,
            language_code: parse.language.clone(),
            ..crate::transform::Settings::default()
        };
        crate::transform::apply(&mut doc, &transform, &mut diags);
        (doc, diags, None)
    };
    let line_offset = u32::try_from(post.body_line_offset).unwrap_or(0);
    for d in &mut diags {
        if let Some(l) = d.line.as_mut() {
            *l += line_offset;
        }
    }
    let meta = post.meta;
    let slug = slug_of(&meta, entry);
    // Only non-ASCII slugs change (an ASCII slug keeps its URL and case).
    let new_slug = if opts.transliterate_slugs && !slug.is_ascii() {
        let ascii = slugify(&slug, true);
        if ascii.is_empty() {
            slug.clone()
        } else {
            ascii
        }
    } else {
        slug.clone()
    };
    let (tags, draft) = draft_and_tags(&meta);
    report.draft = draft;
    report.title = meta.title.clone().unwrap_or_else(|| slug.clone());
    let pretty = match meta
        .get("pretty_url")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("false" | "no" | "0" | "off") => false,
        Some("true" | "yes" | "1" | "on") => true,
        _ => site.conf.pretty_urls,
    };
    let prefix = site.conf.lang_prefix(entry.lang.as_deref());
    report.old_url = links::nikola_url(&prefix, &entry.dest_folder, &slug, pretty);
    report.new_url = links::nikola_url(&prefix, &entry.dest_folder, &new_slug, pretty);
    if slug != new_slug {
        report.compromises.push(Compromise {
            line: None,
            construct: format!("slug {slug:?}"),
            action: format!("transliterated to {new_slug:?}; the old URL redirects"),
        });
    }
    for d in read_diags.iter().chain(&diags) {
        if d.level >= Level::Warning && !is_doc_role_message(d) {
            report.warnings.push(Warning {
                line: d.line,
                level: d.level.name().to_owned(),
                message: d.message.clone(),
            });
        }
    }
    report.output = output_path(entry, &meta, &new_slug, opts, false);
    if meta
        .get("status")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("private"))
    {
        report.compromises.push(Compromise {
            line: None,
            construct: "status: private".to_owned(),
            action: "kept as a field; the new site lists the post like any other".to_owned(),
        });
    }
    let original = entry.original.as_deref().unwrap_or(&entry.path);
    let has_translations = entry.lang.is_some() || translated.contains(entry.path.as_path());
    let translation_key = has_translations.then(|| {
        let rel = rel_source(&site.root, original);
        rel.rsplit_once('.')
            .map_or(rel.clone(), |(stem, _)| stem.to_owned())
    });
    if markdown_body.is_some() {
        report.compromises.push(Compromise {
            line: None,
            construct: "Markdown post".to_owned(),
            action: "kept as written (Python-Markdown extensions may render differently)"
                .to_owned(),
        });
    }
    Ok(Prepared {
        report,
        markdown_body,
        translation_key,
        entry: entry.clone(),
        meta,
        doc,
        line_offset,
        slug,
        new_slug,
        tags,
    })
}

/// `:doc:` is not a docutils role; the links pass resolves it.
fn is_doc_role_message(d: &Diagnostic) -> bool {
    d.message.contains("role \"doc\"")
}

/// The post's slug; a translation without its own slug takes the original's
/// (Nikola shares metadata; our reader derived it from `post.ru`).
fn slug_of(meta: &Metadata, entry: &Entry) -> String {
    let stem = entry
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("post");
    let slug = meta.slug.clone().unwrap_or_else(|| slugify(stem, true));
    if let Some(lang) = &entry.lang
        && slug == slugify(stem, true)
        && let Some(base) = stem.strip_suffix(&format!(".{lang}"))
    {
        return slugify(base, true);
    }
    slug
}

/// Tags without Nikola's old special `draft`/`private` tags, and whether
/// the post is a draft (`status: draft` or the `draft` tag).
fn draft_and_tags(meta: &Metadata) -> (Vec<String>, bool) {
    let status = meta.get("status").unwrap_or("").trim().to_ascii_lowercase();
    let mut draft = status == "draft";
    let mut tags = Vec::with_capacity(meta.tags.len());
    for t in &meta.tags {
        if t == "draft" {
            draft = true;
        } else {
            tags.push(t.clone());
        }
    }
    (tags, draft)
}

fn rel_source(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// One path component from text we do not control (no `/`, `..`).
fn safe_component(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | '\0') {
                '-'
            } else {
                c
            }
        })
        .collect();
    match cleaned.as_str() {
        "" | "." | ".." => "untitled".to_owned(),
        _ => cleaned,
    }
}

fn safe_folder(folder: &str) -> String {
    folder
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(safe_component)
        .collect::<Vec<_>>()
        .join("/")
}

/// Where the post goes in OUT (`/`-separated).
fn output_path(
    entry: &Entry,
    meta: &Metadata,
    slug: &str,
    opts: &MigrateOptions,
    bundle: bool,
) -> String {
    let mut name = safe_component(slug);
    let lang = entry
        .lang
        .as_ref()
        .map_or(String::new(), |l| format!(".{}", safe_component(l)));
    // Nikola's `index` slug is the folder's index page: Hugo's section (or
    // home) page, `_index.md`.
    if opts.target == Target::Hugo && name == "index" {
        let folder = safe_folder(&entry.dest_folder);
        let dir = if folder.is_empty() {
            "content".to_owned()
        } else {
            format!("content/{folder}")
        };
        return format!("{dir}/_index{lang}.md");
    }
    // `index.md` / `_index.md` mean bundles and sections to Hugo; the
    // engines skip `.x` (and Jekyll `_x`) files; `report.md` is ours.
    if matches!(name.as_str(), "index" | "_index" | "report") {
        name.push_str("-page");
    }
    if name.starts_with(['.', '_']) {
        name.insert_str(0, "page");
    }
    let folder = safe_folder(&entry.dest_folder);
    let join = |dir: &str, file: String| {
        if dir.is_empty() {
            file
        } else {
            format!("{dir}/{file}")
        }
    };
    match opts.target {
        Target::Hugo => {
            let dir = join("content", folder);
            if bundle {
                join(&dir, format!("{name}/index{lang}.md"))
            } else {
                join(&dir, format!("{name}{lang}.md"))
            }
        }
        Target::Jekyll => match (&meta.date, entry.kind) {
            (Some(d), EntryKind::Post) => {
                format!("_posts/{}-{name}{lang}.md", d.strftime("%Y-%m-%d"))
            }
            _ => join(&folder, format!("{name}{lang}.md")),
        },
    }
}

/// A file to copy from the site.
struct Asset {
    src: PathBuf,
    /// Its URL path on both sites (`/images/a.png`).
    url: String,
    /// Its path in OUT.
    out: String,
}

/// Nikola copies `images/`, `galleries/` and `listings/` to the same URL
/// folders, and the contents of `files/` to the site root.
fn scan_assets(root: &Path, target: Target) -> Result<Vec<Asset>, MigrateError> {
    let mut assets = Vec::new();
    for (folder, url_prefix) in [
        ("files", ""),
        ("images", "images"),
        ("galleries", "galleries"),
        ("listings", "listings"),
    ] {
        let base = root.join(folder);
        if !base.is_dir() {
            continue;
        }
        let mut stack = vec![(base, url_prefix.to_owned())];
        while let Some((dir, prefix)) = stack.pop() {
            let mut items: Vec<_> = std::fs::read_dir(&dir)
                .map_err(io_err(&dir))?
                .filter_map(Result::ok)
                .map(|i| i.path())
                .collect();
            items.sort();
            for path in items {
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                let rel = if prefix.is_empty() {
                    name.to_owned()
                } else {
                    format!("{prefix}/{name}")
                };
                if super::is_real_dir(&path) {
                    stack.push((path, rel));
                } else if path.is_file() {
                    let out = match target {
                        Target::Hugo => format!("static/{rel}"),
                        Target::Jekyll => rel.clone(),
                    };
                    assets.push(Asset {
                        url: format!("/{rel}"),
                        src: path,
                        out,
                    });
                }
            }
        }
    }
    assets.sort_by(|a, b| a.out.cmp(&b.out));
    Ok(assets)
}

/// Hugo's URL form of a taxonomy term (`urlize` without lowercasing).
fn hugo_term(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

fn build_index(
    site: &Site,
    prepared: &[Result<Prepared, Box<PostReport>>],
    assets: &[Asset],
    target: Target,
) -> LinkIndex {
    let mut folders = HashMap::new();
    for rule in site.conf.posts.iter().chain(&site.conf.pages) {
        let dir = rule.glob.rsplit_once('/').map_or("", |(d, _)| d);
        folders
            .entry(dir.to_owned())
            .or_insert_with(|| safe_folder(&rule.dest));
    }
    // Without conf.py, SITE_URL is Nikola's placeholder, not the blog's.
    let base_url = if site.conf.from_file {
        site.conf.site_url.as_str()
    } else {
        ""
    };
    let mut index = LinkIndex::new(&[base_url], folders);
    for p in prepared.iter().flatten() {
        index.add_page(PageRef {
            old_url: p.report.old_url.clone(),
            new_url: p.report.new_url.clone(),
            slug: p.slug.clone(),
            title: p.report.title.clone(),
            lang: p.entry.lang.clone(),
            source: p.report.source.clone(),
            draft: p.report.draft,
        });
    }
    for a in assets {
        index.add_asset(a.url.clone());
    }
    // Hugo makes a page per tag and category (paths keep their case).
    if target == Target::Hugo {
        for p in prepared.iter().flatten() {
            for t in &p.tags {
                index.add_term("tag", t, format!("/tags/{}/", hugo_term(t)));
            }
            if let Some(c) = &p.meta.category {
                index.add_term("category", c, format!("/categories/{}/", hugo_term(c)));
            }
        }
    }
    index
}

/// A post ready to write.
struct Rendered {
    report: PostReport,
    text: String,
    /// Bundle images and redirect pages.
    extra: Vec<(String, Content)>,
    raw_html: bool,
}

fn render(
    mut p: Prepared,
    index: &LinkIndex,
    asset_src: &HashMap<&str, &Path>,
    opts: &MigrateOptions,
) -> Rendered {
    let pretty = p.report.new_url.ends_with('/');
    let bundling = opts.bundles && opts.target == Target::Hugo && pretty && p.new_slug != "index";
    let bundle_rel = |url: &str| {
        if !bundling {
            return None;
        }
        url.strip_prefix("/images/").map(str::to_owned)
    };
    let cur = Current {
        old_url: &p.report.old_url,
        lang: p.entry.lang.as_deref(),
    };
    let (markdown_body, found) = match p.markdown_body.take() {
        Some(text) => {
            let (text, found) = links::rewrite_text(&text, index, &cur, &bundle_rel);
            (
                Some(text.replace("<!-- TEASER_END -->", "<!--more-->")),
                found,
            )
        }
        None => (None, links::rewrite(&mut p.doc, index, &cur, &bundle_rel)),
    };
    let mut seen = std::collections::HashSet::new();
    for (line, url, reason) in found.broken {
        let line = line.map(|l| l + p.line_offset);
        // A reference and its target carry the same URL: report it once.
        if seen.insert((line, url.clone())) {
            p.report.broken_links.push(BrokenLink { line, url, reason });
        }
    }
    for (line, what) in found.compromises {
        let line = line.map(|l| l + p.line_offset);
        p.report
            .compromises
            .push(Compromise::from_message(line, &what));
    }
    p.report.assets = found.assets.clone();
    let mut extra = Vec::new();
    let images: Vec<&String> = found
        .assets
        .iter()
        .filter(|a| a.starts_with("/images/"))
        .collect();
    if bundling && !images.is_empty() {
        p.report.output = output_path(&p.entry, &p.meta, &p.new_slug, opts, true);
        let dir = p
            .report
            .output
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_owned());
        for url in images {
            if let (Some(src), Some(rel)) = (asset_src.get(url.as_str()), bundle_rel(url)) {
                extra.push((format!("{dir}/{rel}"), Content::Copy(src.to_path_buf())));
            }
        }
    }

    let mut diags = Vec::new();
    let flavor = match opts.target {
        Target::Hugo => md::Flavor::Hugo,
        Target::Jekyll => md::Flavor::Jekyll,
    };
    let md_opts = md::Options {
        front_matter: false,
        flavor,
        ..md::Options::default()
    };
    let body = match markdown_body {
        // The writer escapes for the engine; a Markdown post needs the same.
        Some(text) => match flavor {
            md::Flavor::Hugo => md::escape_hugo_shortcodes(&text),
            md::Flavor::Jekyll => md::escape_liquid(&text),
            md::Flavor::Plain => text,
        },
        None => md::write(&p.doc, &p.meta, &md_opts, &mut diags),
    };
    for d in diags {
        let line = d.line.map(|l| l + p.line_offset);
        p.report
            .compromises
            .push(Compromise::from_message(line, &d.message));
    }
    let raw_html = has_raw_html(&body);
    let view = frontmatter::PostView {
        meta: &p.meta,
        report: &p.report,
        slug: &p.new_slug,
        tags: &p.tags,
        kind: p.entry.kind,
        translation_key: p.translation_key.as_deref(),
    };
    let fields = match opts.target {
        Target::Hugo => frontmatter::hugo_fields(&view),
        Target::Jekyll => frontmatter::jekyll_fields(&view),
    };
    let fm = match opts.front_matter {
        FrontMatterFormat::Toml => frontmatter::toml(&fields),
        FrontMatterFormat::Yaml => frontmatter::yaml(&fields).unwrap_or_else(|e| {
            p.report.warnings.push(Warning {
                line: None,
                level: Level::Error.name().to_owned(),
                message: format!("front matter: {e}"),
            });
            "---\n---\n".to_owned()
        }),
    };
    if opts.target == Target::Jekyll && p.report.old_url != p.report.new_url {
        extra.push(jekyll_redirect(&p.report.old_url, &p.report.new_url));
    }
    let text = format!("{fm}\n{body}");
    Rendered {
        report: p.report,
        text,
        extra,
        raw_html,
    }
}

/// A Jekyll page at the old URL that sends readers to the new one (works
/// without the jekyll-redirect-from plugin).
fn jekyll_redirect(old: &str, new: &str) -> (String, Content) {
    let name = safe_folder(old.trim_matches('/'));
    let name = name.strip_suffix(".html").unwrap_or(&name);
    let fields: Fields = vec![
        ("layout".into(), Fm::Str("redirect".into())),
        ("permalink".into(), Fm::Str(old.to_owned())),
        ("redirect_to".into(), Fm::Str(new.to_owned())),
        ("sitemap".into(), Fm::Bool(false)),
    ];
    let text = frontmatter::yaml(&fields).unwrap_or_default();
    (format!("redirects/{name}.html"), Content::Text(text))
}

/// Whether the Markdown has raw HTML other than the `<!--more-->` marker.
fn has_raw_html(body: &str) -> bool {
    use pulldown_cmark::{Event, Parser};
    if !body.contains('<') {
        return false;
    }
    Parser::new_ext(body, md::parser_options()).any(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => {
            let t = h.trim();
            !(t.starts_with("<!--") && t.ends_with("-->"))
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths() {
        let entry = |dest: &str, kind, lang: Option<&str>| Entry {
            path: PathBuf::from("/s/x.rst"),
            kind,
            dest_folder: dest.into(),
            template: String::new(),
            lang: lang.map(str::to_owned),
            original: None,
        };
        let mut meta = Metadata::default();
        let opts = |target| MigrateOptions {
            target,
            out: PathBuf::from("/o"),
            bundles: false,
            front_matter: FrontMatterFormat::Yaml,
            transliterate_slugs: false,
            dry_run: false,
        };
        let (hugo, jekyll) = (opts(Target::Hugo), opts(Target::Jekyll));
        let post = entry("posts", EntryKind::Post, None);
        let ru = entry("posts", EntryKind::Post, Some("ru"));
        let page = entry("", EntryKind::Page, None);
        let op = output_path;
        assert_eq!(op(&post, &meta, "a", &hugo, false), "content/posts/a.md");
        assert_eq!(
            op(&ru, &meta, "a", &hugo, true),
            "content/posts/a/index.ru.md"
        );
        assert_eq!(op(&page, &meta, "index", &hugo, false), "content/_index.md");
        assert_eq!(
            op(&ru, &meta, "index", &hugo, false),
            "content/posts/_index.ru.md"
        );
        assert_eq!(
            op(&post, &meta, "../../x", &hugo, false),
            "content/posts/page..-..-x.md"
        );
        assert_eq!(
            op(&post, &meta, "a", &jekyll, false),
            "posts/a.md",
            "no date"
        );
        meta.date = crate::source::parse_date("2014-11-13 23:59", &jiff::tz::TimeZone::UTC);
        assert_eq!(
            op(&ru, &meta, "a", &jekyll, false),
            "_posts/2014-11-13-a.ru.md"
        );
        assert_eq!(op(&page, &meta, "report", &jekyll, false), "report-page.md");
        assert_eq!(
            op(&page, &meta, "_config", &jekyll, false),
            "page_config.md"
        );
        assert_eq!(op(&page, &meta, "index", &jekyll, false), "index-page.md");
    }

    #[test]
    fn a_panic_fails_one_post() {
        let site = Site {
            root: PathBuf::from("/site"),
            conf: super::super::SiteConf::default(),
            entries: Vec::new(),
        };
        let entry = Entry {
            path: PathBuf::from("/site/posts/a.rst"),
            kind: EntryKind::Post,
            dest_folder: "posts".into(),
            template: String::new(),
            lang: None,
            original: None,
        };
        let r: Result<(), _> = guarded(&site, &entry, || panic!("boom"));
        let err = r.unwrap_err();
        assert_eq!(err.source, "posts/a.rst");
        assert!(err.error.unwrap().contains("boom"));
    }

    #[test]
    fn raw_html_detection() {
        assert!(!has_raw_html("text\n\n<!--more-->\n\nmore"));
        assert!(has_raw_html("a <sub>b</sub>"));
        assert!(!has_raw_html("`<code>`"));
    }
}
