use super::*;

fn post(text: &str) -> Converted {
    crate::convert(text, None, &Options::default()).expect("post")
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let mut v = Vec::new();
        f.read_to_end(&mut v).expect("read");
        out.insert(f.name().to_owned(), v);
    }
    out
}

fn entry(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8_lossy(files.get(name).map(Vec::as_slice).unwrap_or_default()).into_owned()
}

const A: &str = ".. title: Alpha\n.. slug: alpha\n.. date: 2020-01-02 10:00:00 UTC\n.. author: Zed\n\nSee `beta <link://slug/beta>`_ and [#]_.\n\n.. [#] Alpha note.\n\nPart\n====\n\nText.\n";
const B: &str = ".. title: Beta\n.. slug: beta\n.. date: 2021-05-06 10:00:00 UTC\n.. author: Amy\n\nBack to `alpha </posts/alpha/#part>`_, [#]_.\n\n.. [#] Beta note.\n";
const C: &str = ".. title: Undated\n.. slug: undated\n\nNo date.\n";

#[test]
fn chapters_in_date_order_undated_last() {
    let posts = [post(C), post(B), post(A)];
    assert_eq!(reading_order(&posts, false), vec![2, 1, 0]);
    assert_eq!(reading_order(&posts, true), vec![1, 2, 0]);
}

#[test]
fn book_is_deterministic_with_mimetype_first() {
    let posts = [post(A), post(B)];
    let mut d = Vec::new();
    let one = build(&posts, &EpubOptions::default(), &mut d).expect("book");
    let two = build(&posts, &EpubOptions::default(), &mut d).expect("book");
    assert_eq!(one, two);
    assert_eq!(&one[30..38], b"mimetype");
    assert_eq!(&one[38..58], b"application/epub+zip");
}

#[test]
fn metadata_from_posts_not_the_clock() {
    let posts = [post(A), post(B)];
    let mut d = Vec::new();
    let files = unzip(&build(&posts, &EpubOptions::default(), &mut d).expect("book"));
    let opf = entry(&files, "OEBPS/content.opf");
    assert!(opf.contains("<dc:title>Digest</dc:title>"), "{opf}");
    assert!(
        opf.contains("<dc:date>2021-05-06T10:00:00Z</dc:date>"),
        "{opf}"
    );
    assert!(opf.contains("<meta property=\"dcterms:modified\">2021-05-06T10:00:00Z</meta>"));
    assert!(opf.contains("<dc:language>en</dc:language>"));
    let amy = opf.find(">Amy<").expect("Amy");
    let zed = opf.find(">Zed<").expect("Zed");
    assert!(amy < zed, "creators sorted");
    let uid = opf
        .split("<dc:identifier id=\"epub-id-1\">")
        .nth(1)
        .unwrap_or("");
    let uid = uid.split('<').next().unwrap_or("");
    assert!(uid.starts_with("urn:uuid:"), "{opf}");
    let ncx = entry(&files, "OEBPS/toc.ncx");
    assert!(
        ncx.contains(&format!("<meta name=\"dtb:uid\" content=\"{uid}\" />")),
        "{ncx}"
    );
}

/// epub-builder 0.8.3 gave `dc:language` and `dc:creator` the same id.
#[test]
fn opf_ids_are_unique() {
    let posts = [post(A), post(B)];
    let mut d = Vec::new();
    let files = unzip(&build(&posts, &EpubOptions::default(), &mut d).expect("book"));
    let opf = entry(&files, "OEBPS/content.opf");
    let mut seen = BTreeSet::new();
    for part in opf.split(" id=\"").skip(1) {
        let id = part.split('"').next().unwrap_or_default();
        assert!(seen.insert(id.to_owned()), "duplicate id {id} in\n{opf}");
    }
    assert!(seen.len() > 3);
}

#[test]
fn links_between_posts_and_unique_footnote_ids() {
    let posts = [post(A), post(B)];
    let mut d = Vec::new();
    let files = unzip(&build(&posts, &EpubOptions::default(), &mut d).expect("book"));
    let a = entry(&files, "OEBPS/chapter-001.xhtml");
    let b = entry(&files, "OEBPS/chapter-002.xhtml");
    assert!(a.contains("href=\"chapter-002.xhtml\""), "{a}");
    assert!(b.contains("href=\"chapter-001.xhtml#c1-part\""), "{b}");
    assert!(a.contains("id=\"c1-footnote-1\""), "{a}");
    assert!(b.contains("id=\"c2-footnote-1\""), "{b}");
    assert!(a.contains("<h1 class=\"post-title\">Alpha</h1>"));
    assert!(a.contains("2020-01-02</time> · Zed"), "{a}");
}

#[test]
fn remote_image_becomes_a_link_with_warning() {
    let posts = [post(
        ".. title: P\n\n.. image:: https://example.com/cat.png\n   :alt: A cat\n",
    )];
    let mut d = Vec::new();
    let files = unzip(&build(&posts, &EpubOptions::default(), &mut d).expect("book"));
    let c = entry(&files, "OEBPS/chapter-001.xhtml");
    assert!(
        c.contains("<a class=\"remote-image\" href=\"https://example.com/cat.png\">A cat</a>"),
        "{c}"
    );
    assert!(
        d.iter()
            .any(|(i, x)| *i == 0 && x.level == Level::Warning && x.message.contains("cat.png"))
    );
}

#[test]
fn outside_links_go_to_the_site_or_are_dropped() {
    let text = ".. title: P\n\n`x <link://slug/other>`_ `y </pages/about/>`_\n";
    let posts = [post(text)];
    let mut d = Vec::new();
    let files = unzip(&build(&posts, &EpubOptions::default(), &mut d).expect("book"));
    let c = entry(&files, "OEBPS/chapter-001.xhtml");
    assert!(!c.contains("link://"), "{c}");
    assert_eq!(
        d.iter().filter(|(_, x)| x.level == Level::Warning).count(),
        2
    );
    let opts = EpubOptions {
        site_url: Some("https://blog.example/".into()),
        ..EpubOptions::default()
    };
    let files = unzip(&build(&posts, &opts, &mut d).expect("book"));
    let c = entry(&files, "OEBPS/chapter-001.xhtml");
    assert!(
        c.contains("href=\"https://blog.example/posts/other/\""),
        "{c}"
    );
    assert!(
        c.contains("href=\"https://blog.example/pages/about/\""),
        "{c}"
    );
}

#[test]
fn raw_html_fixed_with_warnings_on_its_line() {
    let text = ".. title: Raw\n\nText.\n\n.. raw:: html\n\n   <p>one<br>two &nbsp; <script>x()</script><marquee>m</marquee>\n";
    let (conv, offset) =
        convert_post(text, Path::new("raw.rst"), &Options::default()).expect("post");
    assert_eq!(offset, 2);
    let opts = EpubOptions {
        line_offsets: vec![offset],
        ..EpubOptions::default()
    };
    let mut d = Vec::new();
    let files = unzip(&build(&[conv], &opts, &mut d).expect("book"));
    let c = entry(&files, "OEBPS/chapter-001.xhtml");
    assert!(c.contains("<p>one<br />two \u{a0} m</p>"), "{c}");
    let warnings: Vec<_> = d
        .iter()
        .filter(|(_, x)| x.level == Level::Warning)
        .collect();
    assert_eq!(warnings.len(), 2, "{d:?}");
    assert!(warnings.iter().all(|(_, x)| x.line == Some(5)), "{d:?}");
}

#[test]
fn empty_book_is_an_error() {
    let mut d = Vec::new();
    assert!(matches!(
        build(&[], &EpubOptions::default(), &mut d),
        Err(EpubError::Empty)
    ));
}

#[test]
fn site_urls_are_percent_encoded() {
    assert_eq!(url_safe("https://x/a b\"<c>"), "https://x/a%20b%22%3Cc%3E");
    assert_eq!(url_safe("https://x/статья"), "https://x/статья");
}

#[test]
fn links_to_missing_anchors_go_to_the_chapter_start() {
    let a = ".. title: A\n.. slug: a\n.. date: 2020-01-01\n\n`x <#>`__ `y <#top>`__ `z <link://slug/b#nowhere>`__\n";
    let b = ".. title: B\n.. slug: b\n.. date: 2020-01-02\n\nB.\n";
    let mut d = Vec::new();
    let files = unzip(&build(&[post(a), post(b)], &EpubOptions::default(), &mut d).expect("book"));
    let c = entry(&files, "OEBPS/chapter-001.xhtml");
    assert_eq!(c.matches("href=\"#c1\"").count(), 2, "{c}");
    assert!(c.contains("href=\"chapter-002.xhtml\""), "{c}");
    let missing = d
        .iter()
        .filter(|(_, x)| x.message.contains("missing anchor"))
        .count();
    // `#top` is docutils' page start: no warning for going there.
    assert_eq!(missing, 1, "{d:?}");
    assert!(!d.iter().any(|(_, x)| x.message.contains("top")), "{d:?}");
}

#[test]
fn local_images_embedded_once_and_kept_inside_the_site() {
    let root = tempfile::tempdir().expect("temp dir");
    let site = root.path().join("site");
    let outside = root.path().join("secret.png");
    std::fs::create_dir_all(site.join("images")).expect("dirs");
    std::fs::create_dir_all(site.join("posts")).expect("dirs");
    let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
    std::fs::write(site.join("images/a.png"), &png).expect("image");
    std::fs::write(site.join("posts/b.png"), &png).expect("image");
    std::fs::write(&outside, &png).expect("image");
    let text = ".. title: P\n\n.. image:: /images/a.png\n\n.. image:: b.png\n\n.. image:: ../../secret.png\n   :alt: secret\n";
    let opts = EpubOptions {
        sources: vec![Some(site.join("posts/p.rst"))],
        site_root: Some(site.clone()),
        ..EpubOptions::default()
    };
    let mut d = Vec::new();
    let files = unzip(&build(&[post(text)], &opts, &mut d).expect("book"));
    let images: Vec<_> = files
        .keys()
        .filter(|k| k.starts_with("OEBPS/images/"))
        .collect();
    assert_eq!(images.len(), 1, "same bytes stored once: {images:?}");
    let c = entry(&files, "OEBPS/chapter-001.xhtml");
    assert_eq!(c.matches("src=\"images/").count(), 2, "{c}");
    assert!(
        d.iter().any(|(_, x)| x.message.contains("outside")),
        "{d:?}"
    );
}

#[test]
fn only_post_paths_map_to_chapters() {
    let p = ".. title: Python\n.. slug: python\n\n`a </posts/python/>`__ `b </categories/python/>`__ `c <../python.html#top-x>`__\n";
    let opts = EpubOptions {
        site_url: Some("https://s.example".into()),
        ..EpubOptions::default()
    };
    let mut d = Vec::new();
    let files = unzip(&build(&[post(p)], &opts, &mut d).expect("book"));
    let c = entry(&files, "OEBPS/chapter-001.xhtml");
    assert!(c.contains("href=\"chapter-001.xhtml\">a<"), "{c}");
    assert!(
        c.contains("href=\"https://s.example/categories/python/\">b<"),
        "{c}"
    );
    // A missing anchor in a book post: its start.
    assert!(c.contains("href=\"chapter-001.xhtml\">c<"), "{c}");
}

#[test]
fn math_is_shown_as_latex_source() {
    let text = ".. title: M\n.. date: 2020-01-01\n\nInline :math:`a < b` here.\n\n.. math::\n\n   a &= b \\\\\n   c &= d\n";
    let mut d = Vec::new();
    let files = unzip(&build(&[post(text)], &EpubOptions::default(), &mut d).expect("book"));
    let c = entry(&files, "OEBPS/chapter-001.xhtml");
    assert!(
        c.contains("<span class=\"math docutils literal\">a &lt; b</span>"),
        "{c}"
    );
    // The lines of a multi-line environment stay lines.
    assert!(
        c.contains("<pre class=\"math literal-block\">a &amp;= b \\\\\nc &amp;= d</pre>"),
        "{c}"
    );
    assert!(!c.contains("\\begin{"), "{c}");
    let note = d
        .iter()
        .any(|(_, x)| x.message.contains("2 math formula(s)") && x.line.is_some());
    assert!(note, "{d:?}");
}
