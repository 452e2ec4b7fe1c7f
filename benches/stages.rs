//! Time per pipeline stage, in process, on the bench corpus (or the files
//! given): `cargo bench --bench stages [-- FILES]`. Run `scripts/bench` once
//! first to build `target/bench-corpus/`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use postconv::{InputKind, Options, rst, transform, write};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut paths: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    if paths.is_empty() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("no corpus: run scripts/bench first, or give files");
            std::process::exit(2);
        };
        paths = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
    }
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let opts = Options::for_input(InputKind::Post);
    let wopts = write::Options::default();

    let mut best = [Duration::MAX; 5];
    for _ in 0..5 {
        let mut times = [Duration::ZERO; 5];
        for (text, path) in texts.iter().zip(&paths) {
            let t0 = Instant::now();
            let (post, _) = postconv::source::read_post(text, Some(path), &opts.read).unwrap();
            let t1 = Instant::now();
            let parsed = rst::parse(&post.body, &opts.parse);
            let t2 = Instant::now();
            let mut document = parsed.document;
            let mut diags = parsed.diagnostics;
            transform::apply(&mut document, &opts.transform, &mut diags);
            let t3 = Instant::now();
            let conv = postconv::Converted {
                meta: post.meta,
                document,
                diagnostics: diags,
                line_offset: 0,
            };
            let mut d = Vec::new();
            let html = write::render(&conv, write::Format::Html, &wopts, &mut d).unwrap();
            let t4 = Instant::now();
            let md = write::render(&conv, write::Format::Md, &wopts, &mut d).unwrap();
            let t5 = Instant::now();
            std::hint::black_box((html, md));
            for (slot, d) in times
                .iter_mut()
                .zip([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4])
            {
                *slot += d;
            }
        }
        for (b, t) in best.iter_mut().zip(times) {
            *b = (*b).min(t);
        }
    }
    let mb = bytes as f64 / 1e6;
    println!("{} files, {:.2} MB, best of 5", texts.len(), mb);
    let names = ["read post", "parse", "transform", "html", "md"];
    for (name, t) in names.iter().zip(best) {
        println!(
            "{name:>10}: {:8.1} ms {:8.1} MB/s",
            t.as_secs_f64() * 1e3,
            mb / t.as_secs_f64()
        );
    }
    let html = best[0] + best[1] + best[2] + best[3];
    let md = best[0] + best[1] + best[2] + best[4];
    println!(
        "  to html: {:8.1} ms {:8.1} MB/s",
        html.as_secs_f64() * 1e3,
        mb / html.as_secs_f64()
    );
    println!(
        "    to md: {:8.1} ms {:8.1} MB/s",
        md.as_secs_f64() * 1e3,
        mb / md.as_secs_f64()
    );
}
