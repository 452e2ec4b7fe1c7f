//! `postconv migrate SITE --to hugo|jekyll -o OUT`: a whole Nikola site to
//! Hugo or Jekyll. The work is in `postconv::site`; this is the CLI edge.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use postconv::site::migrate::{self, FrontMatterFormat, MigrateOptions, Target};
use postconv::site::{self, Overrides};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The Nikola site folder (with conf.py, posts/, pages/...).
    pub site: PathBuf,
    /// The engine to migrate to.
    #[arg(long, value_enum)]
    pub to: TargetArg,
    /// The output folder (created; never inside SITE).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    /// Posts folder (relative to SITE or not), replacing conf.py's POSTS folders.
    #[arg(long, value_name = "DIR")]
    pub posts: Option<PathBuf>,
    /// Pages folder (relative to SITE or not), replacing conf.py's PAGES folders.
    #[arg(long, value_name = "DIR")]
    pub pages: Option<PathBuf>,
    /// Hugo: page bundles (`<slug>/index.md` with its images) for posts with local images.
    #[arg(long)]
    pub bundles: bool,
    /// Front matter syntax (TOML is Hugo only).
    #[arg(long, value_enum, default_value = "yaml")]
    pub front_matter: FrontMatterArg,
    /// ASCII slugs (transliterated); old URLs redirect to the new ones.
    #[arg(long)]
    pub transliterate_slugs: bool,
    /// Report what would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Time zone of naive dates, overriding conf.py's TIMEZONE (e.g. Europe/Moscow).
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TargetArg {
    Hugo,
    Jekyll,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FrontMatterArg {
    Yaml,
    Toml,
}

/// Runs the migration; exit status 1 when a post failed.
pub fn execute(args: &MigrateArgs) -> Result<i32> {
    // Folders relative to SITE, else to the current directory.
    let folder = |p: &Option<PathBuf>| {
        p.as_ref().map(|p| match p.canonicalize() {
            Ok(abs) if !args.site.join(p).is_dir() => abs,
            _ => p.clone(),
        })
    };
    let overrides = Overrides {
        posts: folder(&args.posts),
        pages: folder(&args.pages),
        timezone: args.timezone.clone(),
    };
    let site = site::discover(&args.site, &overrides)
        .with_context(|| format!("{}: cannot read the site", args.site.display()))?;
    let opts = MigrateOptions {
        target: match args.to {
            TargetArg::Hugo => Target::Hugo,
            TargetArg::Jekyll => Target::Jekyll,
        },
        out: args.output.clone(),
        bundles: args.bundles,
        front_matter: match args.front_matter {
            FrontMatterArg::Yaml => FrontMatterFormat::Yaml,
            FrontMatterArg::Toml => FrontMatterFormat::Toml,
        },
        transliterate_slugs: args.transliterate_slugs,
        dry_run: args.dry_run,
    };
    let bar = progress_bar(site.entries.len() as u64, args.quiet);
    let tick = || bar.inc(1);
    let outcome = migrate::migrate(&site, &opts, &tick);
    bar.finish_and_clear();
    let outcome = outcome?;
    let report = &outcome.report;
    let t = &report.totals;
    if args.dry_run {
        // The plan, then the report; a closed pipe just ends the listing.
        let mut text = String::new();
        for f in &outcome.files {
            text.push_str(&format!("{}\n", args.output.join(f).display()));
        }
        text.push('\n');
        text.push_str(&report.markdown());
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    } else if !args.quiet && std::io::stderr().is_terminal() {
        eprintln!(
            "postconv: {} posts, {} pages to {} in {}: {} failed, {} compromises, {} broken links, {} warnings ({} files written, {} unchanged); see {}",
            t.posts,
            t.pages,
            report.target,
            args.output.display(),
            t.failed,
            t.compromises,
            t.broken_links,
            t.warnings,
            t.files_written,
            t.files_unchanged,
            args.output.join("report.md").display(),
        );
    }
    for p in &report.posts {
        if let Some(e) = &p.error {
            eprintln!("postconv: {}: {e}", p.source);
        }
    }
    Ok(if t.failed > 0 { 1 } else { 0 })
}

/// A bar on a terminal, nothing otherwise.
fn progress_bar(len: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} converting {pos}/{len} {wide_bar}")
    {
        bar.set_style(style);
    }
    bar
}
