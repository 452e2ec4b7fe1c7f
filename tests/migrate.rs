//! `postconv migrate`, checked with the real engines: a test site (Nikola's
//! sample site plus our posts, a translation, a draft and Liquid/shortcode
//! look-alikes) is migrated, built with `hugo` and `jekyll build`, and the
//! built site must have one page per published post/page, each with its
//! title and date, every old URL, and the images the posts use.
//!
//! Without `hugo`/`jekyll` the engine tests are skipped with a notice,
//! except under CI (`CI` set), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sites/nikola-sample");
const POSTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/posts");

/// A published page: its old URL, title, and date (as written, and in UTC).
struct Expect {
    url: &'static str,
    title: &'static str,
    date: Option<(&'static str, &'static str)>,
}

const fn page(
    url: &'static str,
    title: &'static str,
    date: Option<(&'static str, &'static str)>,
) -> Expect {
    Expect { url, title, date }
}

const MARCH_30: Option<(&str, &str)> = Some(("2012-03-30", "2012-03-31"));

const EXPECTED: &[Expect] = &[
    page("/posts/welcome-to-nikola/", "Welcome to Nikola", MARCH_30),
    page(
        "/posts/kitchen-sink/",
        "A Kitchen Sink of reStructuredText",
        Some(("2017-12-15", "2017-12-15")),
    ),
    page(
        "/posts/привет-мир/",
        "Привет, мир: контейнеры и виртуализация",
        Some(("2014-11-13", "2014-11-13")),
    ),
    page(
        "/posts/yaml-front/",
        "Front Matter: YAML",
        Some(("2021-03-04", "2021-03-04")),
    ),
    page(
        "/ru/posts/yaml-front/",
        "Метаданные: YAML",
        Some(("2021-03-04", "2021-03-04")),
    ),
    page(
        "/posts/braces.html",
        "Braces {{ and }}",
        Some(("2020-01-02", "2020-01-02")),
    ),
    page(
        "/posts/md-notes/",
        "Markdown Notes",
        Some(("2015-06-07", "2015-06-07")),
    ),
    page(
        "/posts/MixedCase-Post/",
        "Mixed Case",
        Some(("2016-02-03", "2016-02-03")),
    ),
    page(
        "/posts/from-sidecar/",
        "From a Sidecar",
        Some(("2018-07-08", "2018-07-08")),
    ),
    page(
        "/index.html",
        "Home Sweet Home",
        Some(("2019-05-06", "2019-05-06")),
    ),
    page(
        "/pages/about-nikola/",
        "Nikola: it generates static",
        MARCH_30,
    ),
    page("/pages/bootstrap-demo/", "Bootstrap Demo", MARCH_30),
    page(
        "/pages/charts/",
        "Charts",
        Some(("2013-08-27", "2013-08-27")),
    ),
    page(
        "/pages/creating-a-theme/",
        "Creating a Theme",
        Some(("2015-05-28", "2015-05-28")),
    ),
    page(
        "/pages/dr-nikolas-vendetta/",
        "A BID FOR FORTUNE OR; DR. NIKOLA'S VENDETTA",
        None,
    ),
    page("/pages/extending/", "Extending Nikola", MARCH_30),
    page("/pages/handbook/", "The Nikola Handbook", MARCH_30),
    page("/pages/internals/", "Nikola Internals", MARCH_30),
    page(
        "/pages/listings-demo/",
        "Listings Demo",
        Some(("2012-12-15", "2012-12-15")),
    ),
    page("/pages/path-handlers/", "Path Handlers for Nikola", None),
    page("/pages/quickref/", "A reStructuredText Reference", MARCH_30),
    page("/pages/quickstart/", "A reStructuredText Primer", MARCH_30),
    page(
        "/pages/social_buttons/",
        "Using Alternative Social Buttons with Nikola",
        Some(("2013-08-19", "2013-08-20")),
    ),
    page(
        "/pages/theming/",
        "Theming Nikola",
        Some(("2012-03-13", "2012-03-13")),
    ),
];

/// Pages and the site images they show.
const IMAGES: &[(&str, &str)] = &[
    ("/posts/kitchen-sink/", "images/picture.png"),
    ("/posts/kitchen-sink/", "images/figure.png"),
    ("/pages/dr-nikolas-vendetta/", "images/frontispiece.jpg"),
];

const DRAFT_URL: &str = "/posts/unfinished/";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let path = item.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

/// The test site: the sample site, our posts, and a few special posts.
fn make_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    copy_dir(Path::new(SAMPLE), &site);
    std::fs::remove_file(site.join("NOTICE")).ok();
    for item in std::fs::read_dir(POSTS).unwrap() {
        let path = item.unwrap().path();
        std::fs::copy(&path, site.join("posts").join(path.file_name().unwrap())).unwrap();
    }
    // The images kitchen-sink shows (arbitrary bytes: copied byte for byte).
    std::fs::write(
        site.join("images/picture.png"),
        b"\x89PNG\r\n\x1a\nfake picture",
    )
    .unwrap();
    std::fs::write(
        site.join("images/figure.png"),
        b"\x89PNG\r\n\x1a\nfake figure\0\xff",
    )
    .unwrap();
    std::fs::create_dir_all(site.join("files/docs")).unwrap();
    std::fs::write(site.join("files/docs/paper.pdf"), b"%PDF-1.4 fake").unwrap();
    std::fs::write(
        site.join("conf.py"),
        r#"# -*- coding: utf-8 -*-
import time
BLOG_TITLE = "Test Blog"
SITE_URL = "https://blog.example.net/"
DEFAULT_LANG = "en"
TRANSLATIONS = {
    DEFAULT_LANG: "",
    "ru": "./ru",
}
POSTS = (
    ("posts/*.rst", "posts", "post.tmpl"),
    ("posts/*.md", "posts", "post.tmpl"),
    ("posts/*.txt", "posts", "post.tmpl"),
)
PAGES = (
    ("pages/*.rst", "pages", "page.tmpl"),
    ("stories/*.rst", "", "story.tmpl"),
)
TIMEZONE = "UTC"
PRETTY_URLS = True
"#,
    )
    .unwrap();
    std::fs::write(
        site.join("posts/yaml-front.ru.rst"),
        ".. title: Метаданные: YAML\n.. slug: yaml-front\n.. date: 2021-03-04 05:06:07 UTC+02:00\n\n\
         Перевод. См. `кухню <link://slug/kitchen-sink>`_ и :doc:`privet <привет-мир>`.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("posts/braces.rst"),
        ".. title: Braces {{ and }}\n.. slug: braces\n.. date: 2020-01-02 03:04:05\n.. pretty_url: false\n.. tags: Big Data\n\n\
         Template text {{ site.title }} and {% if x %} and a Hugo {{< youtube abc >}} look-alike.\n\n\
         ``{{ code }}`` and a `paper <https://blog.example.net/docs/paper.pdf>`_ and\n\
         `the sink <https://blog.example.net/posts/kitchen-sink/>`_ and `nothing <link://slug/nope>`_.\nNot yet `published <link://slug/unfinished>`_.\nTagged `big data <link://tag/big-data>`_.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("posts/notes.md"),
        "<!--\n.. title: Markdown Notes\n.. slug: md-notes\n.. date: 2015-06-07 08:09:10\n-->\n\n\
         A *Markdown* post linking [the sink](link://slug/kitchen-sink).\n\n<!-- TEASER_END -->\n\nMore.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("posts/mixed.rst"),
        ".. title: Mixed Case\n.. slug: MixedCase-Post\n.. date: 2016-02-03 04:05:06\n\nCase is kept.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("posts/sidecar.rst"),
        "Metadata in a ``.meta`` file.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("posts/sidecar.meta"),
        ".. title: From a Sidecar\n.. slug: from-sidecar\n.. date: 2018-07-08 09:10:11 UTC\n",
    )
    .unwrap();
    std::fs::create_dir_all(site.join("stories")).unwrap();
    std::fs::write(
        site.join("stories/index.rst"),
        ".. title: Home Sweet Home\n.. slug: index\n.. date: 2019-05-06 07:08:09\n\nThe home page, a Nikola page with the `index` slug.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("posts/unfinished.rst"),
        ".. title: Unfinished\n.. slug: unfinished\n.. date: 2020-01-01\n.. status: draft\n\nNot yet.\n",
    )
    .unwrap();
    site
}

fn postconv(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_postconv"))
        .args(args)
        .output()
        .expect("run postconv")
}

fn migrate(site: &Path, out: &Path, to: &str, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "migrate".as_ref(),
        site.as_os_str(),
        "--to".as_ref(),
        to.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    let o = postconv(&args);
    assert!(
        o.status.success(),
        "migrate failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Whether `tool` runs; missing is a failure under CI, else a skip notice.
fn have(tool: &str) -> bool {
    // `hugo version` (old Hugo has no `--version`), `jekyll --version`.
    let arg = if tool == "hugo" {
        "version"
    } else {
        "--version"
    };
    let ok = Command::new(tool)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is not installed (CI must install it: apt-get install hugo jekyll)"
        );
        eprintln!("NOTICE: {tool} not installed; skipping the {tool} build check");
    }
    ok
}

fn run(cmd: &mut Command) {
    let o = cmd.output().expect("run engine");
    assert!(
        o.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The built file answering `url`.
fn file_for(built: &Path, url: &str) -> PathBuf {
    let rel = url.trim_start_matches('/');
    if url.ends_with('/') {
        built.join(rel).join("index.html")
    } else {
        built.join(rel)
    }
}

fn unescape_html(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The URL path a redirect page (Hugo alias, Jekyll stub) sends to.
fn redirect_target(html: &str) -> Option<String> {
    if !html.contains("http-equiv=\"refresh\"") {
        return None;
    }
    let start = html.find("url=")? + 4;
    let rest = &html[start..];
    let url = &rest[..rest.find('"')?];
    let path = url.strip_prefix("https://blog.example.net").unwrap_or(url);
    Some(path.to_owned())
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for item in std::fs::read_dir(dir).unwrap() {
        let path = item.unwrap().path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

/// The checks of the issue, on a built site. `utc_dates`: Jekyll shows
/// dates in the site's zone (UTC here), Hugo as written.
fn check_built(site: &Path, built: &Path, utc_dates: bool, bundles: bool) {
    let mut pages = Vec::new();
    html_files(built, &mut pages);
    let ours: Vec<_> = pages
        .iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("class=\"postconv-page\"")))
        .collect();
    assert_eq!(
        ours.len(),
        EXPECTED.len(),
        "one built page per published post and page: {ours:#?}"
    );
    for e in EXPECTED {
        let file = file_for(built, e.url);
        let mut html = std::fs::read_to_string(&file)
            .unwrap_or_else(|err| panic!("old URL {} does not resolve ({err})", e.url));
        if let Some(target) = redirect_target(&html) {
            html = std::fs::read_to_string(file_for(built, &target))
                .unwrap_or_else(|err| panic!("{} redirects to {target}: {err}", e.url));
        }
        let text = unescape_html(&html);
        assert!(
            text.contains(&format!("<h1>{}</h1>", e.title)),
            "{}: title {:?} not shown",
            e.url,
            e.title
        );
        if let Some((own, utc)) = e.date {
            // Jekyll converts post dates to the site's zone (not pages').
            let shown = |d: &str| text.contains(&format!(">{d}</time>"));
            assert!(
                shown(own) || utc_dates && shown(utc),
                "{}: date {own} not shown",
                e.url
            );
        }
    }
    assert!(
        !file_for(built, DRAFT_URL).exists(),
        "drafts are not published"
    );
    for (url, image) in IMAGES {
        let html = std::fs::read_to_string(file_for(built, url)).unwrap();
        let name = image.rsplit('/').next().unwrap();
        let src = if bundles {
            // A page bundle: the image sits beside the page.
            assert!(
                html.contains(&format!("src=\"{name}\"")),
                "{url} shows {name}"
            );
            file_for(built, url).with_file_name(name)
        } else {
            assert!(
                html.contains(&format!("src=\"/{image}\"")),
                "{url} shows /{image}"
            );
            built.join(image)
        };
        assert_eq!(
            std::fs::read(&src).unwrap(),
            std::fs::read(site.join(image)).unwrap(),
            "{image} copied byte for byte"
        );
    }
    let feed = std::fs::read_to_string(built.join("rss.xml")).expect("the feed keeps /rss.xml");
    assert!(feed.contains("<rss") && feed.contains("Welcome to Nikola"));
    assert_eq!(
        std::fs::read(built.join("docs/paper.pdf")).unwrap(),
        b"%PDF-1.4 fake",
        "files/ is served from the root"
    );
    // Cross-post links point at the new pages.
    let welcome = std::fs::read_to_string(file_for(built, "/posts/welcome-to-nikola/")).unwrap();
    assert!(welcome.contains("href=\"/pages/handbook/\""), ":doc: role");
    assert!(welcome.contains(">Read the manual</a>"));
    // Nikola's youtube directive: Hugo's shortcode or the iframe.
    let privet = std::fs::read_to_string(file_for(built, "/posts/привет-мир/")).unwrap();
    let privet = match redirect_target(&privet) {
        Some(t) => std::fs::read_to_string(file_for(built, &t)).unwrap(),
        None => privet,
    };
    assert!(privet.contains("/embed/L7ScFlkJEO8"), "youtube embed");
    let notes = std::fs::read_to_string(file_for(built, "/posts/md-notes/")).unwrap();
    assert!(
        notes.contains("href=\"/posts/kitchen-sink/\""),
        "link:// in Markdown"
    );
    assert!(notes.contains("<em>Markdown</em>"));
    let ru = std::fs::read_to_string(file_for(built, "/ru/posts/yaml-front/")).unwrap();
    assert!(ru.contains("href=\"/posts/kitchen-sink/\""), "link://slug");
    // Template-looking text survives both engines as text.
    let braces =
        unescape_html(&std::fs::read_to_string(file_for(built, "/posts/braces.html")).unwrap());
    for literal in [
        "{{ site.title }}",
        "{% if x %}",
        "{{< youtube abc >}}",
        "{{ code }}",
    ] {
        assert!(braces.contains(literal), "{literal:?} kept as text");
    }
}

/// The report lists what the test site has: the broken link, the draft,
/// the compromises.
fn check_report(out: &Path, hugo: bool) {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let totals = &json["totals"];
    assert_eq!(totals["failed"], 0);
    assert_eq!(totals["drafts"], 1);
    assert_eq!(totals["translations"], 1);
    assert_eq!(
        totals["posts"].as_u64().unwrap() + totals["pages"].as_u64().unwrap(),
        EXPECTED.len() as u64 + 1
    );
    let posts = json["posts"].as_array().unwrap();
    let braces = posts
        .iter()
        .find(|p| p["source"] == "posts/braces.rst")
        .unwrap();
    let broken: Vec<_> = braces["broken_links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["url"].as_str().unwrap())
        .collect();
    // Hugo has tag pages, Jekyll (without plugins) has none.
    if hugo {
        assert_eq!(broken, ["link://slug/nope", "link://slug/unfinished"]);
    } else {
        assert_eq!(
            broken,
            [
                "link://slug/nope",
                "link://slug/unfinished",
                "link://tag/big-data"
            ]
        );
    }
    assert_eq!(braces["broken_links"][0]["line"], 9);
    let sink = posts
        .iter()
        .find(|p| p["source"] == "posts/kitchen-sink.rst")
        .unwrap();
    assert!(
        sink["compromises"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["construct"] == "definition list")
    );
    assert_eq!(
        sink["assets"],
        serde_json::json!(["/images/picture.png", "/images/figure.png"])
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("**broken link** `link://slug/nope`"));
}

#[test]
fn hugo_builds_and_keeps_every_url() {
    if !have("hugo") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("hugo");
    migrate(&site, &out, "hugo", &[]);
    check_report(&out, true);
    for f in ["yaml-front.md", "yaml-front.ru.md"] {
        let text = std::fs::read_to_string(out.join("content/posts").join(f)).unwrap();
        assert!(text.contains("translationKey: posts/yaml-front"), "{f}");
    }
    let privet = std::fs::read_to_string(out.join("content/posts/привет-мир.md")).unwrap();
    assert!(privet.contains("\n{{< youtube L7ScFlkJEO8 >}}\n"));
    let cfg = std::fs::read_to_string(out.join("hugo.toml")).unwrap();
    assert!(cfg.contains("unsafe = true") && cfg.contains("disablePathToLower = true"));
    run(Command::new("hugo").arg("--quiet").arg("-s").arg(&out));
    let public = out.join("public");
    check_built(&site, &public, false, false);
    let braces = std::fs::read_to_string(public.join("posts/braces.html")).unwrap();
    assert!(braces.contains("href=\"/tags/Big-Data/\""));
    assert!(file_for(&public, "/tags/Big-Data/").is_file());
}

#[test]
fn hugo_toml_bundles_and_ascii_slugs() {
    if !have("hugo") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("hugo");
    let args = [
        "--front-matter",
        "toml",
        "--bundles",
        "--transliterate-slugs",
    ];
    migrate(&site, &out, "hugo", &args);
    assert!(out.join("content/posts/kitchen-sink/index.md").is_file());
    assert!(out.join("content/posts/kitchen-sink/picture.png").is_file());
    let privet = std::fs::read_to_string(out.join("content/posts/privet-mir.md")).unwrap();
    assert!(privet.starts_with("+++\n"));
    assert!(privet.contains("aliases = [\"/posts/привет-мир/\"]"));
    run(Command::new("hugo").arg("--quiet").arg("-s").arg(&out));
    let public = out.join("public");
    check_built(&site, &public, false, true);
    let new = std::fs::read_to_string(file_for(&public, "/posts/privet-mir/")).unwrap();
    assert!(new.contains("<h1>Привет, мир: контейнеры и виртуализация</h1>"));
}

#[test]
fn jekyll_builds_and_keeps_every_url() {
    if !have("jekyll") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("jekyll");
    migrate(&site, &out, "jekyll", &[]);
    check_report(&out, false);
    assert!(out.join("_posts/2014-11-13-привет-мир.md").is_file());
    let braces = std::fs::read_to_string(out.join("_posts/2020-01-02-braces.md")).unwrap();
    assert!(braces.contains("{% raw %}{{ site.title }}{% endraw %}"));
    run(Command::new("jekyll")
        .arg("build")
        .arg("--quiet")
        .arg("-s")
        .arg(&out)
        .arg("-d")
        .arg(out.join("_site")));
    check_built(&site, &out.join("_site"), true, false);
}

#[test]
fn jekyll_ascii_slugs_redirect() {
    if !have("jekyll") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("jekyll");
    migrate(&site, &out, "jekyll", &["--transliterate-slugs"]);
    run(Command::new("jekyll")
        .arg("build")
        .arg("--quiet")
        .arg("-s")
        .arg(&out)
        .arg("-d")
        .arg(out.join("_site")));
    let built = out.join("_site");
    let old = std::fs::read_to_string(file_for(&built, "/posts/привет-мир/")).unwrap();
    assert!(old.contains("http-equiv=\"refresh\"") && old.contains("/posts/privet-mir/"));
    assert!(file_for(&built, "/posts/privet-mir/").is_file());
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for item in std::fs::read_dir(&d).unwrap() {
            let p = item.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                files.push((p, bytes));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn rerun_is_identical_and_site_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let before = snapshot(&site);
    for to in ["hugo", "jekyll"] {
        let out = tmp.path().join(to);
        migrate(&site, &out, to, &[]);
        let first = snapshot(&out);
        let report = out.join("report.md");
        let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
        let before_mtime = mtime(&report);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let o = migrate(&site, &out, to, &[]);
        assert_eq!(first, snapshot(&out), "{to}: re-run changes nothing");
        assert_eq!(
            mtime(&report),
            before_mtime,
            "{to}: unchanged files are not rewritten"
        );
        assert!(o.stderr.is_empty(), "quiet when not on a terminal");
    }
    assert_eq!(before, snapshot(&site), "the site is never written");
}

#[test]
fn dry_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("out");
    let o = migrate(&site, &out, "hugo", &["--dry-run"]);
    assert!(!out.exists());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("content/posts/kitchen-sink.md"));
    assert!(stdout.contains("# Migration report"));
}

#[test]
fn refuses_to_write_into_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = site.join("hugo");
    let o = postconv(&[
        "migrate".as_ref(),
        site.as_os_str(),
        "--to".as_ref(),
        "hugo".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(!o.status.success());
    assert!(!out.exists());
}

#[test]
fn a_bad_post_fails_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    std::fs::write(
        site.join("posts/bad.rst"),
        b".. title: Bad\n.. date: 2020-13-45\n\nx\n",
    )
    .unwrap();
    std::fs::write(site.join("posts/latin1.rst"), b".. title: caf\xe9\n\nx\n").unwrap();
    let out = tmp.path().join("out");
    let o = postconv(&[
        "migrate".as_ref(),
        site.as_os_str(),
        "--to".as_ref(),
        "jekyll".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("posts/bad.rst") && stderr.contains("posts/latin1.rst"));
    assert!(out.join("_posts/2017-12-15-kitchen-sink.md").is_file());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["totals"]["failed"], 2);
}

#[test]
fn naive_dates_take_the_time_zone() {
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("out");
    migrate(&site, &out, "hugo", &["--timezone", "Europe/Moscow"]);
    let privet = std::fs::read_to_string(out.join("content/posts/привет-мир.md")).unwrap();
    assert!(
        privet.contains("date: 2014-11-13T16:59:00+03:00"),
        "{privet}"
    );
    // A date with its own offset keeps it.
    let sink = std::fs::read_to_string(out.join("content/posts/kitchen-sink.md")).unwrap();
    assert!(sink.contains("date: 2017-12-15T15:40:44+03:00"));
    let out = tmp.path().join("jekyll");
    migrate(&site, &out, "jekyll", &["--timezone", "America/New_York"]);
    let privet = std::fs::read_to_string(out.join("_posts/2014-11-13-привет-мир.md")).unwrap();
    assert!(
        privet.contains("date: 2014-11-13 16:59:00 -0500"),
        "{privet}"
    );
}
