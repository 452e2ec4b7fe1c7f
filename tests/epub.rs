//! EPUB books checked by epubcheck (0 errors, 0 warnings), plus a golden
//! copy of one book unzipped in `golden/epub/<name>/`.
//!
//! epubcheck comes from Debian's `epubcheck` package; without it these
//! tests fail when `CI` is set and are skipped with a notice otherwise.
//! Re-bless the golden with `POSTCONV_BLESS=1 cargo test --test epub`.

use postconv::doctree::{Diagnostic, Level};
use postconv::write::epub::{self, EpubOptions};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn rst_files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("test folder exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rst"))
        .collect();
    out.sort();
    out
}

fn all_posts() -> Vec<PathBuf> {
    let mut posts = rst_files("tests/posts");
    posts.extend(rst_files("tests/sites/nikola-sample/posts"));
    posts
}

/// A site folder holding the images our test posts name (`/images/...`).
fn image_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let images = dir.path().join("images");
    std::fs::create_dir_all(&images).expect("images dir");
    let sample = Path::new("tests/sites/nikola-sample/images");
    for (from, to) in [
        ("frontispiece.jpg", "picture.png"),
        ("illus_001.jpg", "figure.png"),
    ] {
        std::fs::copy(sample.join(from), images.join(to)).expect("copy image");
    }
    dir
}

fn read_options() -> postconv::Options {
    let mut opts = postconv::Options::default();
    opts.transform.teaser = true;
    opts
}

fn book(paths: &[PathBuf], opts: &EpubOptions) -> (Vec<u8>, Vec<(usize, Diagnostic)>) {
    let mut diags = Vec::new();
    let bytes = epub::convert_many_to_epub(paths, &read_options(), opts, &mut diags)
        .unwrap_or_else(|e| panic!("book fails: {e}"));
    (bytes, diags)
}

/// epubcheck's command line: the wrapper, else the jar.
fn epubcheck_command() -> Option<Command> {
    // `--version` exits 1 ("no file specified"): look at what it prints.
    let works = |c: &mut Command| {
        c.arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("EPUBCheck v"))
    };
    if works(&mut Command::new("epubcheck")) {
        return Some(Command::new("epubcheck"));
    }
    let jar = "/usr/share/java/epubcheck.jar";
    let mut java = Command::new("java");
    java.args(["-jar", jar]);
    let mut probe = Command::new("java");
    probe.args(["-jar", jar]);
    if Path::new(jar).is_file() && works(&mut probe) {
        return Some(java);
    }
    None
}

/// Runs epubcheck on `bytes`; `None` when it is missing (outside CI).
fn epubcheck(name: &str, bytes: &[u8]) -> Option<String> {
    let Some(mut cmd) = epubcheck_command() else {
        if std::env::var_os("CI").is_some() {
            panic!("epubcheck is missing (apt-get install epubcheck)");
        }
        eprintln!("NOTICE: epubcheck not installed; {name} not validated");
        return None;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join(format!("{name}.epub"));
    std::fs::write(&file, bytes).expect("write epub");
    let out = cmd.arg(&file).output().expect("epubcheck runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(text)
}

fn assert_valid(name: &str, bytes: &[u8]) {
    // POSTCONV_EPUB_KEEP=DIR keeps the books for a look.
    if let Some(dir) = std::env::var_os("POSTCONV_EPUB_KEEP") {
        let _ = std::fs::write(Path::new(&dir).join(format!("{name}.epub")), bytes);
    }
    let Some(report) = epubcheck(name, bytes) else {
        return;
    };
    let problems: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("ERROR") || l.starts_with("WARNING") || l.starts_with("FATAL"))
        .collect();
    assert!(
        problems.is_empty() && report.contains("No errors or warnings detected"),
        "{name}: epubcheck reports:\n{report}"
    );
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let mut v = Vec::new();
        f.read_to_end(&mut v).expect("readable entry");
        out.insert(f.name().to_owned(), v);
    }
    out
}

#[test]
fn digest_of_all_test_posts_is_valid() {
    let site = image_site();
    let opts = EpubOptions {
        title: Some("Test digest".into()),
        site_root: Some(site.path().to_owned()),
        site_url: Some("https://example.com/blog/".into()),
        toc_depth: 3,
        ..EpubOptions::default()
    };
    let posts = all_posts();
    let (bytes, diags) = book(&posts, &opts);
    let files = unzip(&bytes);
    // Both local images embedded, the remote ones linked with a warning.
    let images = files
        .keys()
        .filter(|k| k.starts_with("OEBPS/images/"))
        .count();
    assert_eq!(images, 2, "{:?}", files.keys().collect::<Vec<_>>());
    let remote = diags
        .iter()
        .filter(|(_, d)| d.level == Level::Warning && d.message.contains("image http"))
        .count();
    assert!(remote >= 2, "{diags:?}");
    let chapters = files.keys().filter(|k| k.contains("chapter-")).count();
    assert_eq!(chapters, posts.len());
    let nav = String::from_utf8_lossy(&files["OEBPS/nav.xhtml"]).into_owned();
    assert!(nav.contains("Привет, мир"), "{nav}");
    assert!(nav.contains("#c"), "sections listed: {nav}");
    assert_valid("digest", &bytes);
    assert_eq!(bytes, book(&posts, &opts).0, "same input, same bytes");
}

#[test]
fn single_post_book_is_valid() {
    let posts = vec![PathBuf::from("tests/posts/privet-mir.rst")];
    let (bytes, _) = book(&posts, &EpubOptions::default());
    let opf = String::from_utf8_lossy(&unzip(&bytes)["OEBPS/content.opf"]).into_owned();
    assert!(
        opf.contains("<dc:creator id=\"epub-creator-0\">Пётр Иванов</dc:creator>"),
        "{opf}"
    );
    assert_valid("single", &bytes);
}

#[test]
fn cover_and_css_options() {
    let posts = vec![PathBuf::from("tests/posts/yaml-front.rst")];
    let dir = tempfile::tempdir().expect("temp dir");
    let css = dir.path().join("book.css");
    std::fs::write(&css, "body { color: navy; }\n").expect("css");
    let opts = EpubOptions {
        cover: Some(PathBuf::from(
            "tests/sites/nikola-sample/images/frontispiece.jpg",
        )),
        css: Some(css),
        lang: Some("de".into()),
        ..EpubOptions::default()
    };
    let (bytes, _) = book(&posts, &opts);
    let files = unzip(&bytes);
    assert_eq!(files["OEBPS/stylesheet.css"], b"body { color: navy; }\n");
    assert!(files.contains_key("OEBPS/cover.jpg"));
    let opf = String::from_utf8_lossy(&files["OEBPS/content.opf"]).into_owned();
    assert!(opf.contains("properties=\"cover-image\""), "{opf}");
    assert!(opf.contains("<dc:language>de</dc:language>"), "{opf}");
    assert_valid("cover", &bytes);
}

/// Serves one image on 127.0.0.1 for `fetch_images`.
fn serve_once(body: Vec<u8>) -> (String, std::thread::JoinHandle<()>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handle = std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let head = format!(
                "HTTP/1.0 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    (format!("http://{addr}/cat.jpg"), handle)
}

#[test]
fn fetch_images_downloads_into_the_cache() {
    let jpeg = std::fs::read("tests/sites/nikola-sample/images/illus_001.jpg").expect("jpeg");
    let (url, server) = serve_once(jpeg.clone());
    let dir = tempfile::tempdir().expect("temp dir");
    let post = dir.path().join("remote.rst");
    let text =
        format!(".. title: Remote\n.. date: 2020-01-01\n\n.. image:: {url}\n   :alt: A cat\n");
    std::fs::write(&post, text).expect("post");
    let cache = dir.path().join("cache");
    let opts = EpubOptions {
        fetch_images: true,
        cache_dir: Some(cache.clone()),
        ..EpubOptions::default()
    };
    let (bytes, diags) = book(std::slice::from_ref(&post), &opts);
    server.join().expect("server thread");
    let files = unzip(&bytes);
    let embedded: Vec<_> = files
        .iter()
        .filter(|(k, _)| k.starts_with("OEBPS/images/"))
        .collect();
    assert_eq!(embedded.len(), 1, "{diags:?}");
    assert_eq!(embedded[0].1, &jpeg);
    assert_eq!(std::fs::read_dir(&cache).expect("cache").count(), 1);
    // The second book comes from the cache: no server is listening now.
    let (again, _) = book(std::slice::from_ref(&post), &opts);
    assert_eq!(again, bytes);
    assert_valid("fetched", &bytes);
}

/// Serves one HTTP 404 on 127.0.0.1.
fn serve_not_found() -> (String, std::thread::JoinHandle<()>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handle = std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (format!("http://{addr}/gone.jpg"), handle)
}

/// A redirect (as from http to https, or to a CDN) is followed.
#[test]
fn fetch_images_follows_redirects() {
    use std::io::Write;
    let jpeg = std::fs::read("tests/sites/nikola-sample/images/illus_001.jpg").expect("jpeg");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let body = jpeg.clone();
    let server = std::thread::spawn(move || {
        let moved = format!(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: http://{addr}/real.jpg\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let ok = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        for head in [moved, ok] {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let _ = s.write_all(head.as_bytes());
            if head.contains("200 OK") {
                let _ = s.write_all(&body);
            }
        }
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let post = dir.path().join("moved.rst");
    let text =
        format!(".. title: Moved\n.. date: 2020-01-01\n\n.. image:: http://{addr}/old.jpg\n");
    std::fs::write(&post, text).expect("post");
    let opts = EpubOptions {
        fetch_images: true,
        cache_dir: Some(dir.path().join("cache")),
        ..EpubOptions::default()
    };
    let (bytes, diags) = book(std::slice::from_ref(&post), &opts);
    // Not joined: a client that stops early must not hang the test.
    drop(server);
    let files = unzip(&bytes);
    let embedded: Vec<_> = files
        .iter()
        .filter(|(k, _)| k.starts_with("OEBPS/images/"))
        .collect();
    assert_eq!(embedded.len(), 1, "{diags:?}");
    assert_eq!(embedded[0].1, &jpeg);
}

/// A failed download (HTTP error, or https to a port with no server) is a
/// warning naming the image, never a failed book, and nothing is cached.
#[test]
fn fetch_images_failures_are_warnings() {
    let (url, server) = serve_not_found();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let https = format!("https://{}/x.png", closed.local_addr().expect("addr"));
    drop(closed);
    let dir = tempfile::tempdir().expect("temp dir");
    let post = dir.path().join("remote.rst");
    let text = format!(
        ".. title: Remote\n.. date: 2020-01-01\n\n.. image:: {url}\n\n.. image:: {https}\n"
    );
    std::fs::write(&post, text).expect("post");
    let cache = dir.path().join("cache");
    let opts = EpubOptions {
        fetch_images: true,
        cache_dir: Some(cache.clone()),
        ..EpubOptions::default()
    };
    // ureq's timeouts bound the failing downloads.
    let (bytes, diags) = book(std::slice::from_ref(&post), &opts);
    drop(server);
    let files = unzip(&bytes);
    assert!(!files.keys().any(|k| k.starts_with("OEBPS/images/")));
    for u in [&url, &https] {
        let hit = diags
            .iter()
            .any(|(_, d)| d.level == Level::Warning && d.message.contains(u.as_str()));
        assert!(hit, "no warning for {u}: {diags:?}");
    }
    assert!(
        diags.iter().any(|(_, d)| d.message.contains("404")),
        "{diags:?}"
    );
    // https is attempted (a connection error), not refused as a scheme.
    assert!(
        !diags.iter().any(|(_, d)| d.message.contains("only http")),
        "{diags:?}"
    );
    assert!(!cache.exists() || std::fs::read_dir(&cache).expect("cache").count() == 0);
}

/// One post using every standard directive and role, and Nikola's: the
/// book passes epubcheck, embeds become links and no text is lost.
const EVERY_DIRECTIVE: &str = r#".. title: Every directive
.. date: 2020-01-01

.. contents:: Contents
   :backlinks: top

.. sectnum::

.. header:: Header words

.. footer:: Footer words

.. meta::
   :keywords: kw1, kw2

.. role:: custom
   :class: red

.. role:: raw-html(raw)
   :format: html

.. role:: py(code)
   :language: python

.. default-role:: emphasis

Admonitions
===========

.. note:: Note words.

.. hint:: Hint words.

.. danger:: Danger words.

.. admonition:: Custom *Title*
   :class: extra

   Generic words.

Blocks
======

.. topic:: Topic Title

   Topic words.

.. sidebar:: Sidebar Title
   :subtitle: Sub

   Sidebar words.

.. line-block::

   Line one
      Line deeper

.. parsed-literal::

   parsed *emph* and `link <https://example.org/>`__

.. code:: python
   :number-lines:

   x = 1 < 2

.. math::
   :name: eq-one

   E = mc^2

.. rubric:: Rubric words

.. epigraph::

   Epigraph words.

   -- Author Name

.. highlights::

   Highlight words.

.. pull-quote::

   Pull words.

.. compound::

   Compound one::

       literal

   Compound two.

.. container:: box

   Container words.

.. class:: special

Classed words.

Tables
======

.. table:: Table Caption
   :widths: 30 70

   =====  =====
   Head1  Head2
   =====  =====
   cellA  cellB
   =====  =====

.. csv-table:: CSV Caption
   :header: "Name", "Value"
   :stub-columns: 1

   "alpha", 1

.. list-table:: List Caption
   :header-rows: 1

   * - HeadX
     - HeadY
   * - cellX
     - cellY

Inline
======

Roles: :emphasis:`em`, :strong:`strong`, :literal:`lit`, :code:`code`,
:py:`print(1)`, :math:`a^2 < b`, :PEP:`8`, :RFC:`2822`, H\ :sub:`2`\ O,
x\ :sup:`2`, :title-reference:`Book`, `default`, :custom:`custom words`,
:raw-html:`<b>raw words</b>`, :doc:`other-post`, |name|, |copy|, Python_.

.. |name| replace:: Replaced words
.. |copy| unicode:: 0xA9
.. _Python: https://www.python.org/

Embeds
======

.. raw:: html

   <span class="rawspan">Raw block words</span>

.. youtube:: dQw4w9WgXcQ

.. vimeo:: 20241459

.. gist:: 2395294

.. target-notes::
"#;

#[test]
fn every_directive_in_a_valid_book() {
    let dir = tempfile::tempdir().expect("temp dir");
    let post = dir.path().join("every.rst");
    std::fs::write(&post, EVERY_DIRECTIVE).expect("post");
    let (bytes, diags) = book(std::slice::from_ref(&post), &EpubOptions::default());
    let errors: Vec<_> = diags
        .iter()
        .filter(|(_, d)| d.level >= Level::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let files = unzip(&bytes);
    let chapter = String::from_utf8_lossy(&files["OEBPS/chapter-001.xhtml"]).into_owned();
    for words in [
        "Note words.",
        "Generic words.",
        "Sidebar words.",
        "Line deeper",
        "<em>emph</em>",
        "E = mc^2",
        "Epigraph words.",
        "Compound two.",
        "Container words.",
        "cellB",
        "alpha",
        "cellY",
        "Replaced words",
        "raw words",
        "Raw block words",
        "https://gist.github.com/2395294",
        "https://player.vimeo.com/video/20241459",
    ] {
        assert!(chapter.contains(words), "{words:?} missing:\n{chapter}");
    }
    assert!(!chapter.contains("<script"), "{chapter}");
    assert!(!chapter.contains("<iframe"), "{chapter}");
    assert!(!chapter.contains("system-message"), "{chapter}");
    assert_valid("every-directive", &bytes);
}

/// `postconv -t epub post.rst` run in the post's folder: a path without a
/// folder still finds the post's include and image (its parent is "").
#[test]
fn bare_file_name_finds_includes_and_images() {
    let dir = tempfile::tempdir().expect("temp dir");
    let jpeg = std::fs::read("tests/sites/nikola-sample/images/illus_001.jpg").expect("jpeg");
    std::fs::write(dir.path().join("pic.jpg"), &jpeg).expect("image");
    std::fs::write(dir.path().join("part.txt"), "Included words.\n").expect("include");
    let text = ".. title: Bare\n.. date: 2020-01-01\n\n.. include:: part.txt\n\n.. image:: pic.jpg\n   :alt: pic\n";
    std::fs::write(dir.path().join("bare.rst"), text).expect("post");
    let out = Command::new(env!("CARGO_BIN_EXE_postconv"))
        .current_dir(dir.path())
        .args(["-t", "epub", "bare.rst", "-o", "bare.epub"])
        .output()
        .expect("postconv runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("include"), "{stderr}");
    assert!(!stderr.contains("not embedded"), "{stderr}");
    let files = unzip(&std::fs::read(dir.path().join("bare.epub")).expect("book"));
    let chapter = String::from_utf8_lossy(&files["OEBPS/chapter-001.xhtml"]).into_owned();
    assert!(chapter.contains("<p>Included words.</p>"), "{chapter}");
    assert!(files.values().any(|b| *b == jpeg), "image not embedded");
}

/// The unzipped text files of the single-post book, compared with
/// `golden/epub/privet-mir/`.
#[test]
fn golden_epub() {
    let posts = vec![PathBuf::from("tests/posts/privet-mir.rst")];
    let (bytes, _) = book(&posts, &EpubOptions::default());
    let dir = Path::new("golden/epub/privet-mir");
    let bless = std::env::var_os("POSTCONV_BLESS").is_some();
    let files = unzip(&bytes);
    let mut failures = Vec::new();
    let mut wanted = std::collections::BTreeSet::new();
    for (name, content) in &files {
        let is_text = [".xhtml", ".opf", ".ncx", ".css", ".xml"]
            .iter()
            .any(|e| name.ends_with(e));
        if !is_text {
            continue;
        }
        let path = dir.join(name);
        wanted.insert(path.clone());
        if bless {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("golden dir");
            std::fs::write(&path, content).expect("write golden");
        } else if std::fs::read(&path).ok().as_ref() != Some(content) {
            failures.push(format!(
                "{} differs (POSTCONV_BLESS=1 to accept)",
                path.display()
            ));
        }
    }
    for stale in walk(dir).into_iter().filter(|p| !wanted.contains(p)) {
        if bless {
            std::fs::remove_file(&stale).expect("remove stale golden");
        } else {
            failures.push(format!("{} is stale", stale.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A Nikola site of all our test posts, with a `conf.py`.
fn test_site() -> tempfile::TempDir {
    let dir = image_site();
    let posts = dir.path().join("posts");
    std::fs::create_dir_all(&posts).expect("posts dir");
    for p in all_posts() {
        std::fs::copy(&p, posts.join(p.file_name().expect("name"))).expect("copy post");
    }
    let conf = "BLOG_TITLE = \"Sample Blog\"\nSITE_URL = \"https://blog.example/\"\nDEFAULT_LANG = \"en\"\n";
    std::fs::write(dir.path().join("conf.py"), conf).expect("conf.py");
    dir
}

/// Runs `postconv digest SITE -o OUT ARGS...`; the book's chapter titles.
fn digest(site: &Path, args: &[&str]) -> (Vec<u8>, Vec<String>) {
    let out = site.join("book.epub");
    let status = Command::new(env!("CARGO_BIN_EXE_postconv"))
        .arg("digest")
        .arg(site)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .args(args)
        .status()
        .expect("postconv runs");
    assert!(status.success(), "digest {args:?} failed");
    let bytes = std::fs::read(&out).expect("book written");
    let files = unzip(&bytes);
    let titles = files
        .iter()
        .filter(|(k, _)| k.contains("chapter-"))
        .map(|(_, v)| {
            let x = String::from_utf8_lossy(v);
            let t = x.split("<h1 class=\"post-title\">").nth(1).unwrap_or("");
            t.split('<').next().unwrap_or("").to_owned()
        })
        .collect();
    (bytes, titles)
}

#[test]
fn digest_command_filters_posts() {
    let site = test_site();
    let (bytes, titles) = digest(site.path(), &["--newest-first"]);
    assert_eq!(
        titles,
        [
            "Front Matter: YAML",
            "A Kitchen Sink of reStructuredText",
            "Привет, мир: контейнеры и виртуализация",
            "Welcome to Nikola",
        ]
    );
    let opf = String::from_utf8_lossy(&unzip(&bytes)["OEBPS/content.opf"]).into_owned();
    assert!(opf.contains("<dc:title>Sample Blog</dc:title>"), "{opf}");
    assert_valid("site-digest", &bytes);
    let (_, titles) = digest(site.path(), &["--tag", "RST"]);
    assert_eq!(titles, ["A Kitchen Sink of reStructuredText"]);
    let (_, titles) = digest(
        site.path(),
        &["--since", "2014-11-13", "--until", "2017-12-15"],
    );
    assert_eq!(
        titles,
        [
            "Привет, мир: контейнеры и виртуализация",
            "A Kitchen Sink of reStructuredText",
        ]
    );
    let (_, titles) = digest(
        site.path(),
        &["--category", "новости", "--category", "nikola"],
    );
    assert_eq!(titles.len(), 2);
}

/// The Nikola sample site's pages (its manual, the reST reference, raw
/// HTML demos with forms, scripts and iframes) as one book.
#[test]
fn nikola_sample_pages_book_is_valid() {
    let opts = EpubOptions {
        site_root: Some(PathBuf::from("tests/sites/nikola-sample")),
        toc_depth: 3,
        ..EpubOptions::default()
    };
    let pages = rst_files("tests/sites/nikola-sample/pages");
    let (bytes, diags) = book(&pages, &opts);
    let files = unzip(&bytes);
    assert_eq!(
        files.keys().filter(|k| k.contains("chapter-")).count(),
        pages.len()
    );
    let raw_dropped = diags
        .iter()
        .filter(|(_, d)| d.level == Level::Warning && d.message.starts_with("epub: raw HTML"))
        .count();
    assert!(raw_dropped > 0, "{diags:?}");
    assert_valid("nikola-pages", &bytes);
}
