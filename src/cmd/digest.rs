//! `postconv digest SITE -o book.epub`: the posts of a Nikola site as one
//! EPUB book, optionally filtered by date, tag and category.
//!
//! [`BookArgs`] are the book options shared with `-t epub` (several input
//! files, one book): flatten them into the convert arguments and call
//! [`BookArgs::options`].

use anyhow::{Context, Result, bail};
use clap::Args;
use postconv::doctree::{Diagnostic, Level};
use postconv::site::{self, EntryKind, Overrides};
use postconv::source::Metadata;
use postconv::write::epub::{self, EpubOptions};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Options of the book itself.
#[derive(Args, Debug, Clone, Default)]
pub struct BookArgs {
    /// Book title (digest: the site's BLOG_TITLE; else "Digest").
    #[arg(long)]
    pub title: Option<String>,
    /// Book language (default: the posts' or the site's language, else en).
    #[arg(long)]
    pub lang: Option<String>,
    /// Newest post first (undated posts stay last).
    #[arg(long)]
    pub newest_first: bool,
    /// Table of contents depth: 1 lists posts, 2 adds their sections, ...
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub toc_depth: u8,
    /// Cover image (PNG, JPEG, GIF or SVG).
    #[arg(long, value_name = "IMAGE")]
    pub cover: Option<PathBuf>,
    /// Stylesheet replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    pub css: Option<PathBuf>,
    /// Download remote images (http and https) into a cache folder and embed them.
    #[arg(long)]
    pub fetch_images: bool,
    /// Cache folder for --fetch-images (default: in the temp folder).
    #[arg(long, value_name = "DIR")]
    pub image_cache: Option<PathBuf>,
    /// Where links to posts outside the book point (digest: SITE_URL).
    #[arg(long, value_name = "URL")]
    pub site_url: Option<String>,
}

impl BookArgs {
    /// The writer's options (`sources`/`site_root` are the caller's).
    pub fn options(&self) -> EpubOptions {
        EpubOptions {
            title: self.title.clone(),
            lang: self.lang.clone(),
            newest_first: self.newest_first,
            toc_depth: self.toc_depth,
            cover: self.cover.clone(),
            css: self.css.clone(),
            fetch_images: self.fetch_images,
            cache_dir: self.image_cache.clone(),
            site_url: self.site_url.clone(),
            ..EpubOptions::default()
        }
    }
}

#[derive(Args, Debug)]
pub struct DigestArgs {
    /// The Nikola site folder.
    pub site: PathBuf,
    /// The EPUB file to write.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    /// Only posts dated on or after this date (`2020-01-31`, RFC 3339, ...).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only posts dated on or before this date (a bare date includes the day).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only posts with this tag (repeatable: any of them).
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    /// Only posts in this category (repeatable: any of them).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Vec<String>,
    /// Time zone of naive post dates (default: the site's TIMEZONE).
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// Do not print diagnostics.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub book: Box<BookArgs>,
}

/// Post filters; dates as parsed in the site's time zone.
struct Filter {
    since: Option<jiff::Timestamp>,
    /// Exclusive when the argument was a bare date (the next midnight).
    until: Option<(jiff::Timestamp, bool)>,
    tags: Vec<String>,
    categories: Vec<String>,
}

impl Filter {
    fn new(args: &DigestArgs, tz: &jiff::tz::TimeZone) -> Result<Filter> {
        let parse = |s: &str| {
            postconv::source::parse_date(s, tz).with_context(|| format!("{s:?} is not a date"))
        };
        let since = args
            .since
            .as_deref()
            .map(parse)
            .transpose()?
            .map(|d| d.timestamp());
        let until = match args.until.as_deref() {
            None => None,
            Some(s) if is_bare_date(s) => {
                let next = parse(s)?
                    .tomorrow()
                    .with_context(|| format!("{s:?} is out of range"))?;
                Some((next.timestamp(), true))
            }
            Some(s) => Some((parse(s)?.timestamp(), false)),
        };
        let lower = |v: &[String]| v.iter().map(|s| s.trim().to_lowercase()).collect();
        Ok(Filter {
            since,
            until,
            tags: lower(&args.tag),
            categories: lower(&args.category),
        })
    }

    fn keeps(&self, meta: &Metadata) -> bool {
        if is_draft(meta) {
            return false;
        }
        let date = meta.date.as_ref().map(|d| d.timestamp());
        if let Some(since) = self.since
            && date.is_none_or(|d| d < since)
        {
            return false;
        }
        if let Some((until, exclusive)) = self.until {
            let late = |d: jiff::Timestamp| if exclusive { d >= until } else { d > until };
            if date.is_none_or(late) {
                return false;
            }
        }
        let has_tag = || {
            meta.tags
                .iter()
                .any(|t| self.tags.contains(&t.trim().to_lowercase()))
        };
        if !self.tags.is_empty() && !has_tag() {
            return false;
        }
        let in_category = || {
            meta.category
                .as_deref()
                .is_some_and(|c| self.categories.contains(&c.trim().to_lowercase()))
        };
        self.categories.is_empty() || in_category()
    }
}

fn is_bare_date(s: &str) -> bool {
    let s = s.trim();
    s.len() == 10
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'/')
}

/// Nikola leaves drafts and private posts out of the site.
fn is_draft(meta: &Metadata) -> bool {
    let status = meta.get("status").unwrap_or("").trim().to_lowercase();
    matches!(status.as_str(), "draft" | "private")
        || meta
            .tags
            .iter()
            .any(|t| matches!(t.trim().to_lowercase().as_str(), "draft" | "private"))
}

/// Runs the subcommand; returns the exit status.
pub fn execute(args: &DigestArgs) -> Result<i32> {
    let overrides = Overrides {
        timezone: args.timezone.clone(),
        ..Overrides::default()
    };
    let site = site::discover(&args.site, &overrides)?;
    let tz = site.conf.time_zone()?;
    let filter = Filter::new(args, &tz)?;
    let mut opts = postconv::Options::default();
    opts.read.timezone = tz;
    opts.transform.teaser = true;

    // Posts in the default language; translations would repeat them.
    let paths: Vec<&Path> = site
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Post && e.is_rest() && e.lang.is_none())
        .map(|e| e.path.as_path())
        .collect();
    let converted: Vec<(PathBuf, Result<(postconv::Converted, u32)>)> = paths
        .par_iter()
        .map(|path| (path.to_path_buf(), convert(path, &opts)))
        .collect();
    let mut posts = Vec::new();
    let mut sources = Vec::new();
    let mut offsets = Vec::new();
    let mut status = 0;
    for (path, conv) in converted {
        match conv {
            Ok((mut c, offset)) if filter.keeps(&c.meta) => {
                // Nikola's default author is the blog's.
                if c.meta.author.is_none() && c.meta.authors.is_empty() {
                    c.meta.author = site.conf.blog_author.clone();
                }
                posts.push(c);
                sources.push(Some(path));
                offsets.push(offset);
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("postconv: {e:#}");
                status = 1;
            }
        }
    }
    if posts.is_empty() {
        bail!("{}: no posts match", args.site.display());
    }

    let mut book = args.book.options();
    let conf = &site.conf;
    if conf.from_file {
        book.title = book.title.or_else(|| Some(conf.blog_title.clone()));
        book.site_url = book.site_url.or_else(|| Some(conf.site_url.clone()));
    }
    // The site's language when no post says otherwise.
    book.lang = book
        .lang
        .or_else(|| first_post_lang(&posts))
        .or_else(|| Some(conf.default_lang.clone()));
    book.site_root = Some(site.root.clone());
    book.sources = sources.clone();
    book.line_offsets = offsets;

    let mut diags: Vec<(usize, Diagnostic)> = posts
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.diagnostics.iter().cloned().map(move |d| (i, d)))
        .collect();
    let bytes = epub::build(&posts, &book, &mut diags)?;
    if !args.quiet {
        for (i, d) in &diags {
            if d.level >= Level::Warning {
                let name = sources
                    .get(*i)
                    .and_then(|p| p.as_deref())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                eprintln!("{}", d.render(&name));
            }
        }
    }
    write_atomic(&args.output, &bytes)?;
    if !args.quiet {
        eprintln!(
            "postconv: {} posts -> {}",
            posts.len(),
            args.output.display()
        );
    }
    Ok(status)
}

fn first_post_lang(posts: &[postconv::Converted]) -> Option<String> {
    posts
        .iter()
        .find_map(|p| p.meta.get("lang").map(str::trim).filter(|l| !l.is_empty()))
        .map(str::to_owned)
}

fn convert(path: &Path, opts: &postconv::Options) -> Result<(postconv::Converted, u32)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    epub::convert_post(&text, path, opts).with_context(|| path.display().to_string())
}

/// Writes through a temporary file in the same folder, then renames.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    // Temporary files are private (0600); outputs get the usual mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
