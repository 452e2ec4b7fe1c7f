//! The minimal configuration and layouts that make the migrated site build
//! at once with `hugo` or `jekyll build`; users swap in their theme.

use super::SiteConf;
use std::fmt::Write as _;

/// What the config needs to know about the converted posts.
pub struct ScaffoldInfo<'a> {
    pub conf: &'a SiteConf,
    /// Some post has raw HTML (Hugo must not strip it).
    pub raw_html: bool,
    /// Languages used by translations, besides the default one.
    pub languages: Vec<String>,
    /// Files copied from `files/` whose names Jekyll would skip (`_x`, `.x`).
    pub jekyll_include: Vec<String>,
}

/// Hugo: `hugo.toml` and layouts; (path, text) pairs.
pub fn hugo(info: &ScaffoldInfo) -> Vec<(String, String)> {
    let c = info.conf;
    let mut cfg = String::new();
    let _ = writeln!(cfg, "baseURL = {}", q(&c.site_url));
    let _ = writeln!(cfg, "title = {}", q(&c.blog_title));
    let _ = writeln!(cfg, "languageCode = {}", q(&c.default_lang));
    let _ = writeln!(cfg, "defaultContentLanguage = {}", q(&c.default_lang));
    let _ = writeln!(cfg, "timeZone = {}", q(&c.timezone));
    cfg.push_str("# Old URLs keep their case (slugs may be non-ASCII or mixed case).\n");
    cfg.push_str("disablePathToLower = true\n");
    cfg.push_str("summaryLength = 70\n");
    cfg.push_str("\n# Nikola's feed URL (/rss.xml) instead of Hugo's /index.xml.\n");
    cfg.push_str("[outputFormats.RSS]\nbaseName = \"rss\"\n");
    if info.raw_html {
        cfg.push_str("\n# Posts keep raw HTML (embeds, sized images, tables).\n");
        cfg.push_str("[markup.goldmark.renderer]\nunsafe = true\n");
    }
    if !info.languages.is_empty() {
        let _ = writeln!(cfg, "\n[languages.{}]\nweight = 1", key(&c.default_lang));
        for (i, l) in info.languages.iter().enumerate() {
            let _ = writeln!(cfg, "\n[languages.{}]\nweight = {}", key(l), i + 2);
        }
    }
    vec![
        ("hugo.toml".to_owned(), cfg),
        (
            "layouts/_default/baseof.html".to_owned(),
            HUGO_BASEOF.to_owned(),
        ),
        (
            "layouts/_default/single.html".to_owned(),
            HUGO_SINGLE.to_owned(),
        ),
        (
            "layouts/_default/list.html".to_owned(),
            HUGO_LIST.to_owned(),
        ),
        ("layouts/index.html".to_owned(), HUGO_LIST.to_owned()),
        (
            "layouts/_default/_markup/render-blockquote.html".to_owned(),
            HUGO_ALERT.to_owned(),
        ),
    ]
}

const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ .Site.Title }}</title>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}
<article class="postconv-page">
<h1>{{ .Title }}</h1>
{{ if not .Date.IsZero }}<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02" }}</time></p>{{ end }}
{{ .Content }}
</article>
{{ end }}
"#;

/// A folder's own index page (Nikola's `index` slug) shows as a page;
/// other list pages list their pages.
const HUGO_LIST: &str = r#"{{ define "main" }}
{{ if .Content }}
<article class="postconv-page">
<h1>{{ .Title }}</h1>
{{ if not .Date.IsZero }}<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02" }}</time></p>{{ end }}
{{ .Content }}
</article>
{{ else }}
<ul>
{{ range (cond .IsHome .Site.RegularPages .Pages) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ if not .Date.IsZero }} <time>{{ .Date.Format "2006-01-02" }}</time>{{ end }}</li>
{{ end }}
</ul>
{{ end }}
{{ end }}
"#;

/// GFM alerts (`> [!NOTE]`) as boxes (Hugo 0.132+; older Hugo ignores it).
const HUGO_ALERT: &str = r#"{{ if eq .Type "alert" }}
<div class="admonition {{ .AlertType }}"><p class="admonition-title">{{ .AlertType | title }}</p>
{{ .Text }}
</div>
{{ else }}
<blockquote>
{{ .Text }}
</blockquote>
{{ end }}
"#;

/// Jekyll: `_config.yml`, layouts and an index page.
pub fn jekyll(info: &ScaffoldInfo) -> Vec<(String, String)> {
    let c = info.conf;
    let (url, baseurl) = split_site_url(&c.site_url);
    let mut cfg = String::new();
    let _ = writeln!(cfg, "title: {}", q(&c.blog_title));
    let _ = writeln!(cfg, "url: {}", q(&url));
    let _ = writeln!(cfg, "baseurl: {}", q(&baseurl));
    let _ = writeln!(cfg, "lang: {}", q(&c.default_lang));
    let _ = writeln!(cfg, "timezone: {}", q(&c.timezone));
    cfg.push_str("markdown: kramdown\nkramdown:\n  input: GFM\n  hard_wrap: false\n");
    cfg.push_str("excerpt_separator: \"<!--more-->\"\n");
    cfg.push_str("exclude:\n  - report.md\n  - report.json\n");
    if !info.jekyll_include.is_empty() {
        cfg.push_str("include:\n");
        for f in &info.jekyll_include {
            let _ = writeln!(cfg, "  - {}", q(f));
        }
    }
    vec![
        ("_config.yml".to_owned(), cfg),
        (
            "_layouts/default.html".to_owned(),
            JEKYLL_DEFAULT.to_owned(),
        ),
        ("_layouts/post.html".to_owned(), JEKYLL_POST.to_owned()),
        ("_layouts/page.html".to_owned(), JEKYLL_POST.to_owned()),
        (
            "_layouts/redirect.html".to_owned(),
            JEKYLL_REDIRECT.to_owned(),
        ),
        ("index.html".to_owned(), JEKYLL_INDEX.to_owned()),
        ("rss.xml".to_owned(), JEKYLL_RSS.to_owned()),
    ]
}

const JEKYLL_DEFAULT: &str = r#"<!DOCTYPE html>
<html lang="{{ page.lang | default: site.lang | default: "en" }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if page.title %}{{ page.title | escape }} | {% endif %}{{ site.title | escape }}</title>
</head>
<body>
<header><a href="{{ "/" | relative_url }}">{{ site.title | escape }}</a></header>
<main>
{{ content }}
</main>
</body>
</html>
"#;

const JEKYLL_POST: &str = r#"---
layout: default
---
<article class="postconv-page">
<h1>{{ page.title | escape }}</h1>
{% if page.date %}<p><time datetime="{{ page.date | date_to_xmlschema }}">{{ page.date | date: "%Y-%m-%d" }}</time></p>{% endif %}
{{ content }}
</article>
"#;

const JEKYLL_REDIRECT: &str = r#"<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Redirecting</title>
<link rel="canonical" href="{{ page.redirect_to | relative_url }}">
<meta http-equiv="refresh" content="0; url={{ page.redirect_to | relative_url }}">
<meta name="robots" content="noindex">
</head>
<body><a href="{{ page.redirect_to | relative_url }}">{{ page.redirect_to }}</a></body>
</html>
"#;

const JEKYLL_INDEX: &str = r#"---
layout: default
---
<ul>
{% for post in site.posts %}<li><a href="{{ post.url | relative_url }}">{{ post.title | escape }}</a> <time>{{ post.date | date: "%Y-%m-%d" }}</time></li>
{% endfor %}</ul>
"#;

/// Nikola's feed URL, without the jekyll-feed plugin.
const JEKYLL_RSS: &str = r#"---
layout: null
permalink: /rss.xml
---
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
<title>{{ site.title | xml_escape }}</title>
<link>{{ "/" | absolute_url }}</link>
<description>{{ site.title | xml_escape }}</description>
{% for post in site.posts limit:20 %}<item>
<title>{{ post.title | xml_escape }}</title>
<link>{{ post.url | absolute_url }}</link>
<guid>{{ post.url | absolute_url }}</guid>
<pubDate>{{ post.date | date_to_rfc822 }}</pubDate>
<description>{{ post.excerpt | xml_escape }}</description>
</item>
{% endfor %}</channel>
</rss>
"#;

/// `https://x.org/blog/` -> (`https://x.org`, `/blog`), as Jekyll wants them.
fn split_site_url(site_url: &str) -> (String, String) {
    let trimmed = site_url.trim_end_matches('/');
    let after_scheme = trimmed.find("://").map_or(0, |i| i + 3);
    match trimmed[after_scheme..].find('/') {
        Some(i) => (
            trimmed[..after_scheme + i].to_owned(),
            trimmed[after_scheme + i..].to_owned(),
        ),
        None => (trimmed.to_owned(), String::new()),
    }
}

/// A double-quoted string valid in both TOML and YAML.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML table key.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_owned()
    } else {
        q(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hugo_config_parses() {
        let conf = SiteConf {
            blog_title: "My \"Blog\"".into(),
            ..SiteConf::default()
        };
        let info = ScaffoldInfo {
            conf: &conf,
            raw_html: true,
            languages: vec!["ru".into()],
            jekyll_include: vec![],
        };
        let files = hugo(&info);
        let cfg: toml::Table = files[0].1.parse().unwrap();
        assert_eq!(cfg["title"].as_str(), Some("My \"Blog\""));
        assert_eq!(cfg["disablePathToLower"].as_bool(), Some(true));
        assert_eq!(
            cfg["markup"]["goldmark"]["renderer"]["unsafe"].as_bool(),
            Some(true)
        );
        assert_eq!(cfg["languages"]["ru"]["weight"].as_integer(), Some(2));
    }

    #[test]
    fn jekyll_config_parses() {
        let conf = SiteConf {
            site_url: "https://example.org/blog/".into(),
            ..SiteConf::default()
        };
        let info = ScaffoldInfo {
            conf: &conf,
            raw_html: false,
            languages: vec![],
            jekyll_include: vec!["_headers".into()],
        };
        let files = jekyll(&info);
        let cfg: serde_norway::Value = serde_norway::from_str(&files[0].1).unwrap();
        assert_eq!(cfg["url"].as_str(), Some("https://example.org"));
        assert_eq!(cfg["baseurl"].as_str(), Some("/blog"));
        assert_eq!(cfg["excerpt_separator"].as_str(), Some("<!--more-->"));
        assert_eq!(cfg["include"][0].as_str(), Some("_headers"));
    }
}
