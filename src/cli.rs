//! Command-line interface: argument parsing, file handling, exit codes.
//! No conversion logic lives here.

use crate::cmd;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use postconv::doctree::{Diagnostic, Level};
use postconv::write::{self, Format};
use postconv::{InputKind, Options, Stage};
use rayon::prelude::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "postconv",
    version,
    about = "Convert reStructuredText blog posts to Markdown, HTML, EPUB and JSON",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub convert: ConvertArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate a whole Nikola site to Hugo or Jekyll.
    Migrate(cmd::migrate::MigrateArgs),
    /// Make an EPUB book of a Nikola site's posts.
    Digest(cmd::digest::DigestArgs),
}

#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// Input files; `-` reads standard input.
    #[arg(value_name = "IN", default_value = "-")]
    pub inputs: Vec<PathBuf>,
    /// Input kind: a post (metadata header, then reST) or plain reST.
    #[arg(short = 'f', long = "from", value_enum, default_value = "post")]
    pub from: FromArg,
    /// Output format.
    #[arg(short = 't', long = "to", value_enum)]
    pub to: Option<ToArg>,
    /// Output file, or a directory (ending in `/` or existing) for one file per input; `-` is stdout.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// HTML: wrap the fragment in a full page.
    #[arg(short = 's', long)]
    pub standalone: bool,
    /// HTML: a minijinja page template replacing the built-in one (implies --standalone).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Stop after this pipeline stage (pseudoxml and json show the tree there).
    #[arg(long, value_enum, default_value = "transform")]
    pub stage: StageArg,
    /// Diagnostics at or above this level make the exit status 1.
    #[arg(long, value_enum, default_value = "severe")]
    pub halt_level: LevelArg,
    /// Same as --halt-level warning.
    #[arg(long)]
    pub strict: bool,
    /// Diagnostics at or above this level are printed on stderr.
    #[arg(long, value_enum, default_value = "warning")]
    pub report_level: LevelArg,
    /// Refuse lines longer than this (docutils' line_length_limit).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub line_length_limit: usize,
    /// Time zone of dates written without one (Nikola's TIMEZONE), e.g. Europe/Moscow.
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Document language (generated text, directive names).
    #[arg(long, default_value = "en")]
    pub language: String,
    /// Untrusted input: disable `include` and `raw`, drop `javascript:`,
    /// `vbscript:` and `data:` (except images) URLs.
    #[arg(long)]
    pub safe: bool,
    /// Drop raw HTML (docutils' raw_enabled = False).
    #[arg(long)]
    pub no_raw: bool,
    /// Character encoding of the inputs (`latin1`, `windows-1251`, `koi8-r`, ...); default UTF-8.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Replace undecodable bytes with U+FFFD (and a warning) instead of failing.
    #[arg(long)]
    pub lossy: bool,
    /// Do not print diagnostics.
    #[arg(short, long)]
    pub quiet: bool,
    /// EPUB book options (`-t epub`: all inputs make one book).
    #[command(flatten)]
    pub book: cmd::digest::BookArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FromArg {
    Post,
    Rst,
    /// postconv's own JSON (the output of `-t json`).
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ToArg {
    Md,
    Gfm,
    Html,
    Json,
    /// pandoc's JSON AST (`postconv post.rst -t pandoc-json | pandoc -f json -t docx -o post.docx`).
    PandocJson,
    Pseudoxml,
    /// One EPUB 3 book of all inputs (needs `-o FILE.epub`).
    Epub,
}

impl ToArg {
    /// The per-post format; `None` for EPUB, which takes all posts at once.
    fn format(self) -> Option<Format> {
        Some(match self {
            ToArg::Md => Format::Md,
            ToArg::Gfm => Format::Gfm,
            ToArg::Html => Format::Html,
            ToArg::Json => Format::Json,
            ToArg::PandocJson => Format::PandocJson,
            ToArg::Pseudoxml => Format::Pseudoxml,
            ToArg::Epub => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StageArg {
    Parse,
    Transform,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LevelArg {
    Info,
    Warning,
    Error,
    Severe,
    None,
}

impl LevelArg {
    /// The lowest level this setting selects (`None` selects nothing).
    fn threshold(self) -> Option<Level> {
        match self {
            LevelArg::Info => Some(Level::Info),
            LevelArg::Warning => Some(Level::Warning),
            LevelArg::Error => Some(Level::Error),
            LevelArg::Severe => Some(Level::Severe),
            LevelArg::None => None,
        }
    }
}

/// What happened to one input.
struct Outcome {
    diagnostics: Vec<Diagnostic>,
    error: Option<anyhow::Error>,
}

/// Parses arguments and runs; returns the process exit status.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Migrate(args)) => cmd::migrate::execute(args),
        Some(Command::Digest(args)) => cmd::digest::execute(args),
        None => run(&cli.convert),
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("postconv: {e:#}");
            2
        }
    }
}

fn run(args: &ConvertArgs) -> Result<i32> {
    let Some(to) = args.to else {
        bail!("no output format: use -t md|gfm|html|json|pseudoxml|epub (see --help)");
    };
    let opts = pipeline_options(args)?;
    let Some(format) = to.format() else {
        return run_epub(args, &opts);
    };
    let wopts = writer_options(args)?;
    let out_dir = output_dir(args)?;
    if args.inputs.len() > 1 && out_dir.is_none() {
        bail!("several inputs need `-o DIR/` (one output file per input)");
    }
    let convert_one = |input: &PathBuf| -> Outcome {
        let mut diagnostics = Vec::new();
        let error = convert_file(
            input,
            format,
            &opts,
            &wopts,
            out_dir.as_deref(),
            args,
            &mut diagnostics,
        )
        .err();
        Outcome { diagnostics, error }
    };
    let outcomes: Vec<Outcome> = if args.inputs.len() > 1 {
        args.inputs.par_iter().map(convert_one).collect()
    } else {
        args.inputs.iter().map(convert_one).collect()
    };

    let mut status = 0;
    for (input, outcome) in args.inputs.iter().zip(&outcomes) {
        let name = display_name(input);
        status |= report(args, outcome.diagnostics.iter().map(|d| (name.as_str(), d)));
        if let Some(e) = &outcome.error {
            eprintln!("postconv: {e:#}");
            status = 1;
        }
    }
    Ok(status)
}

/// Prints diagnostics at or above `--report-level`; returns 1 when one is
/// at or above the halt level, else 0.
fn report<'a>(args: &ConvertArgs, diags: impl Iterator<Item = (&'a str, &'a Diagnostic)>) -> i32 {
    let halt = if args.strict {
        Some(Level::Warning)
    } else {
        args.halt_level.threshold()
    };
    let shown = args.report_level.threshold();
    let mut status = 0;
    for (name, d) in diags {
        if !args.quiet && shown.is_some_and(|r| d.level >= r) {
            eprintln!("{}", d.render(name));
        }
        if halt.is_some_and(|h| d.level >= h) {
            status = 1;
        }
    }
    status
}

/// `-t epub`: every input goes into one book.
fn run_epub(args: &ConvertArgs, opts: &Options) -> Result<i32> {
    let Some(out) = args
        .output
        .as_ref()
        .filter(|o| o.as_path() != Path::new("-"))
    else {
        bail!("-t epub writes a binary book: give -o FILE.epub");
    };
    let mut diags = Vec::new();
    let book = postconv::write::epub::convert_many_to_epub(
        &args.inputs,
        opts,
        &args.book.options(),
        &mut diags,
    );
    let names: Vec<String> = args.inputs.iter().map(|p| display_name(p)).collect();
    let status = report(
        args,
        diags
            .iter()
            .map(|(i, d)| (names.get(*i).map_or("", String::as_str), d)),
    );
    write_atomic(out, &book?)?;
    Ok(status)
}

fn pipeline_options(args: &ConvertArgs) -> Result<Options> {
    let mut opts = Options::for_input(match args.from {
        FromArg::Post => InputKind::Post,
        FromArg::Rst => InputKind::Rst,
        FromArg::Json => InputKind::Json,
    });
    opts.stage = match args.stage {
        StageArg::Parse => Stage::Parse,
        StageArg::Transform => Stage::Transform,
    };
    opts.parse.line_length_limit = args.line_length_limit;
    opts.parse.language = args.language.clone();
    opts.parse.raw_enabled = !(args.safe || args.no_raw);
    opts.parse.file_insertion_enabled = !args.safe;
    opts.transform.safe_urls = args.safe;
    opts.transform.line_length_limit = args.line_length_limit;
    opts.transform.language_code = args.language.clone();
    opts.transform.report_level = args.report_level.threshold().map_or(5, |l| l as u8);
    if let Some(name) = &args.timezone {
        opts.read.timezone =
            jiff::tz::TimeZone::get(name).with_context(|| format!("unknown time zone {name:?}"))?;
    }
    Ok(opts)
}

fn writer_options(args: &ConvertArgs) -> Result<write::Options> {
    let mut opts = write::Options::default();
    if let Some(path) = &args.template {
        let template = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read template", path.display()))?;
        opts.html.template = Some(template);
    }
    opts.html.standalone = args.standalone || args.template.is_some();
    Ok(opts)
}

/// The output directory for batch mode, if `-o` names one.
fn output_dir(args: &ConvertArgs) -> Result<Option<PathBuf>> {
    let Some(out) = &args.output else {
        return Ok(None);
    };
    let as_dir = out.to_string_lossy().ends_with('/') || out.is_dir();
    if as_dir {
        std::fs::create_dir_all(out)
            .with_context(|| format!("cannot create directory {}", out.display()))?;
        return Ok(Some(out.clone()));
    }
    Ok(None)
}

fn display_name(input: &Path) -> String {
    if input == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        input.display().to_string()
    }
}

fn convert_file(
    input: &Path,
    format: Format,
    opts: &Options,
    wopts: &write::Options,
    out_dir: Option<&Path>,
    args: &ConvertArgs,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<()> {
    let text = read_input(input, args, diagnostics)?;
    let mut opts = opts.clone();
    opts.parse.source = display_name(input);
    if input != Path::new("-") {
        // `post.rst` has the parent "", which no file system resolves.
        let parent = input.parent().filter(|p| !p.as_os_str().is_empty());
        opts.parse.base_dir = Some(parent.unwrap_or(Path::new(".")).to_path_buf());
    }
    let path = (input != Path::new("-")).then_some(input);
    let conv = postconv::convert(&text, path, &opts)?;
    diagnostics.extend(conv.diagnostics.iter().cloned());
    let output = write::render(&conv, format, wopts, diagnostics)?;
    let target = match out_dir {
        Some(dir) => {
            let stem = input
                .file_stem()
                .filter(|_| input != Path::new("-"))
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "stdin".to_owned());
            Some(dir.join(format!("{stem}.{}", format.extension())))
        }
        None => args.output.clone().filter(|o| o != Path::new("-")),
    };
    match target {
        Some(path) => write_atomic(&path, output.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(output.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

/// Reads a file or stdin: UTF-8 by default (an error names the line and
/// byte of invalid data), `--encoding` for legacy files, `--lossy` to
/// replace undecodable bytes with U+FFFD and a warning instead.
fn read_input(
    input: &Path,
    args: &ConvertArgs,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<String> {
    let bytes = if input == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        buf
    } else {
        if input.is_dir() {
            bail!("{}: is a directory, not a file", input.display());
        }
        std::fs::read(input).with_context(|| format!("{}: cannot read", input.display()))?
    };
    let encoding = match &args.encoding {
        Some(label) => encoding_rs::Encoding::for_label(label.as_bytes())
            .ok_or_else(|| anyhow!("unknown encoding {label:?}"))?,
        None => encoding_rs::UTF_8,
    };
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(&bytes) {
        return Ok(text.into_owned());
    }
    let offset = first_bad_byte(&bytes, encoding);
    let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    let what = format!("invalid {} at byte {offset}", encoding.name());
    if !args.lossy {
        bail!(
            "{}:{line}: {what} (use --encoding for legacy files, or --lossy)",
            display_name(input)
        );
    }
    diagnostics.push(Diagnostic::new(
        Level::Warning,
        format!("{what}: undecodable bytes replaced with U+FFFD"),
        Some(line as u32),
    ));
    Ok(encoding.decode_without_bom_handling(&bytes).0.into_owned())
}

/// Offset of the first byte `encoding` cannot decode.
fn first_bad_byte(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> usize {
    if encoding == encoding_rs::UTF_8 {
        return std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(decoder.max_utf8_buffer_length(bytes.len()).unwrap_or(0));
    match decoder.decode_to_string_without_replacement(bytes, &mut out, true) {
        (encoding_rs::DecoderResult::Malformed(bad, after), read) => {
            read.saturating_sub(bad as usize + after as usize)
        }
        _ => 0,
    }
}

/// Writes through a temporary file in the same folder, then renames, so a
/// failure never leaves a half-written output.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    // Devices and pipes (`-o /dev/null`, `-o /dev/stdout`) are written in
    // place: renaming over them would replace the device with a file.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::write(path, bytes)
            .with_context(|| format!("{}: cannot write", path.display()));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    // Created with the usual mode of a new file (0666 less the umask),
    // where tempfile's default is private (0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    tmp.persist(path)
        .map_err(|e| anyhow!("{}: cannot write: {}", path.display(), e.error))?;
    Ok(())
}
