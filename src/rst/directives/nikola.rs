//! Nikola's directives (`nikola/plugins/compile/rest/*.py`): `youtube`,
//! `vimeo`, `media`, `gist`, `listing`, `post-list`. Embeds are `raw` html
//! nodes with internal attributes `.embed` (the kind) and `.id`, so writers
//! for Markdown/Hugo can emit shortcodes instead.

use super::convert::{Conv, OptVal};
use super::misc::INCLUDE;
use super::{DirResult, Directive, Spec, warning};
use crate::doctree::{Element, Kind, Node};
use crate::rst::block::Parser;

const ALIGN: Conv = Conv::Choice(&["left", "center", "right", "none", ""]);
/// The options of Nikola's fixed-size embeds (`vimeo`, `soundcloud`).
const SIZE_AND_ALIGN: &[(&str, Conv)] = &[
    ("width", Conv::PositiveInt),
    ("height", Conv::PositiveInt),
    ("align", ALIGN),
];

fn raw_html(html: String, embed: &str, id: &str) -> Node {
    Element::new(Kind::Raw)
        .with_attr("format", "html")
        .with_attr("xml:space", "preserve")
        .with_attr(".embed", embed)
        .with_attr(".id", id)
        .with_text(html)
        .into()
}

/// Nikola's `check_content`: these directives take options, not content.
fn no_content(d: &Directive) -> Result<(), super::DirError> {
    if !d.content.is_empty() {
        return Err(warning(
            "This directive does not accept content. The 'key=value' format for options is deprecated, use ':key: value' instead",
        ));
    }
    Ok(())
}

fn align_class(d: &Directive) -> String {
    match d.opt_str("align") {
        Some(a @ ("left" | "center" | "right")) => format!(" align-{a}"),
        _ => String::new(),
    }
}

pub static YOUTUBE: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: false,
    options: &[
        ("width", Conv::Unchanged),
        ("height", Conv::Unchanged),
        ("align", ALIGN),
        ("start_at", Conv::Unchanged),
    ],
    content: true,
    run: youtube,
};

fn youtube(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    no_content(d)?;
    let yid = d.arguments.first().cloned().unwrap_or_default();
    let get = |k: &str, default: &str| {
        d.opt_str(k)
            .filter(|v| !v.is_empty())
            .unwrap_or(default)
            .to_owned()
    };
    let start_at = match d.opt_str("start_at").filter(|v| !v.is_empty()) {
        Some(s) => format!("&start={s}"),
        None => String::new(),
    };
    let html = format!(
        "<div class=\"youtube-video{}\">\n<iframe width=\"{}\" height=\"{}\"\nsrc=\"https://www.youtube-nocookie.com/embed/{yid}?rel=0&wmode=transparent{start_at}\"\nframeborder=\"0\" allow=\"encrypted-media\" allowfullscreen\n></iframe>\n</div>",
        align_class(d),
        get("width", "560"),
        get("height", "315"),
    );
    Ok(vec![raw_html(html, "youtube", &yid)])
}

pub static VIMEO: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: false,
    options: SIZE_AND_ALIGN,
    content: true,
    run: vimeo,
};

fn vimeo(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    no_content(d)?;
    let id = d.arguments.first().cloned().unwrap_or_default();
    // Nikola resets both to its defaults unless both are given (it would
    // then ask Vimeo's API for the size; we stay offline).
    let (width, height) = match (d.opt("width"), d.opt("height")) {
        (Some(OptVal::Int(w)), Some(OptVal::Int(h))) => (*w, *h),
        _ => (281, 500),
    };
    let html = format!(
        "<div class=\"vimeo-video{}\">\n<iframe src=\"https://player.vimeo.com/video/{id}\"\nwidth=\"{width}\" height=\"{height}\"\nframeborder=\"0\" allowfullscreen>\n</iframe>\n</div>\n",
        align_class(d)
    );
    Ok(vec![raw_html(html, "vimeo", &id)])
}

pub static MEDIA: Spec = Spec {
    required: 1,
    optional: 999,
    final_ws: false,
    options: &[],
    content: false,
    run: media,
};

/// Nikola asks micawber (oEmbed, online) for the markup. Offline, YouTube
/// and Vimeo URLs become those embeds; other URLs a link, marked `media`
/// so writers can do better.
fn media(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    let url = d.arguments.join(" ");
    if let Some(id) = youtube_id(&url) {
        let html = format!(
            "<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/{id}?feature=oembed\" frameborder=\"0\" allowfullscreen></iframe>"
        );
        return Ok(vec![raw_html(html, "youtube", &id)]);
    }
    if let Some(id) = vimeo_id(&url) {
        let html = format!(
            "<iframe src=\"https://player.vimeo.com/video/{id}\" width=\"640\" height=\"360\" frameborder=\"0\" allowfullscreen></iframe>"
        );
        return Ok(vec![raw_html(html, "vimeo", &id)]);
    }
    let esc = html_escape(&url);
    let html = format!("<p><a href=\"{esc}\">{esc}</a></p>");
    Ok(vec![raw_html(html, "media", &url)])
}

/// The video id of `youtube.com/watch?v=ID` or `youtu.be/ID` URLs.
fn youtube_id(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_start_matches("m.");
    let id = if let Some(r) = rest.strip_prefix("youtu.be/") {
        r
    } else {
        let query = rest.strip_prefix("youtube.com/watch?")?;
        query.split('&').find_map(|kv| kv.strip_prefix("v="))?
    };
    let id: String = id
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// The video id of `vimeo.com/ID` URLs.
fn vimeo_id(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    let id: String = rest
        .strip_prefix("vimeo.com/")?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!id.is_empty()).then_some(id)
}

pub static GIST: Spec = Spec {
    required: 1,
    optional: 1,
    final_ws: true,
    options: &[("file", Conv::Unchanged)],
    content: false,
    run: gist,
};

/// The gist's script tag (Nikola also fetches the raw text for a
/// `<noscript>` copy; we stay offline).
fn gist(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    let arg = d.arguments.first().map_or("", String::as_str);
    let id = if arg.contains("https://") {
        arg.rsplit('/').next().unwrap_or("").trim()
    } else {
        arg.trim()
    };
    let html = match d.opt_str("file") {
        Some(f) => format!("<script src=\"https://gist.github.com/{id}.js?file={f}\"></script>"),
        None => format!("<script src=\"https://gist.github.com/{id}.js\"></script>"),
    };
    let mut node = raw_html(html, "gist", id);
    if let (Node::Element(e), Some(f)) = (&mut node, d.opt_str("file")) {
        e.set(".file", f);
    }
    Ok(vec![node])
}

pub static LISTING: Spec = Spec {
    required: 1,
    optional: 1,
    final_ws: false,
    options: &[
        ("literal", Conv::Flag),
        ("code", Conv::Unchanged),
        ("encoding", Conv::Encoding),
        ("parser", Conv::ParserName),
        ("tab-width", Conv::Int),
        ("start-line", Conv::Int),
        ("end-line", Conv::Int),
        ("start-after", Conv::Unchanged),
        ("end-before", Conv::Unchanged),
        ("number-lines", Conv::NoneOrInt),
        ("class", Conv::ClassOption),
        ("name", Conv::Unchanged),
        ("linenos", Conv::Unchanged),
    ],
    content: false,
    run: listing,
};

/// A file from `listings/`: a paragraph linking the listing and its source
/// (Nikola's `link://` URLs), then the file as a code or literal block.
fn listing(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let fname = d.arguments.first().cloned().unwrap_or_default();
    match d.arguments.get(1).cloned() {
        Some(lang) => d.options.push(("code".into(), OptVal::Str(lang))),
        None => d.options.push(("literal".into(), OptVal::None)),
    }
    let fpath = if fname.starts_with("listings") {
        fname.clone()
    } else {
        format!("listings/{fname}")
    };
    if let Some(OptVal::Str(n)) = d.take("linenos") {
        let v = n.trim().parse::<i64>().map_or(OptVal::None, OptVal::Int);
        d.options.retain(|(k, _)| k != "number-lines");
        d.options.push(("number-lines".into(), v));
    }
    d.arguments = vec![fpath.clone()];
    // Nikola reads listings relative to the site root: the nearest folder
    // at or above the post's that has a `listings` folder.
    let start = super::misc::source_root(parser);
    if let Some(root) = start
        .ancestors()
        .take(5)
        .find(|a| a.join("listings").is_dir())
    {
        d.options.push((
            super::misc::LISTING_ROOT.into(),
            OptVal::Str(root.to_string_lossy().into_owned()),
        ));
    }
    let link = |text: &str, uri: String| {
        Element::new(Kind::Reference)
            .with_attr("name", text)
            .with_attr("refuri", uri)
            .with_text(text)
    };
    let para = Element::new(Kind::Paragraph)
        .with_child(link(&fname, format!("link://listing/{fpath}")))
        .with_text("  ")
        .with_child(link("(Source)", format!("link://listing_source/{fpath}")));
    let mut out: Vec<Node> = vec![para.into()];
    out.extend((INCLUDE.run)(parser, d)?);
    Ok(out)
}

pub static SOUNDCLOUD: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: false,
    options: SIZE_AND_ALIGN,
    content: true,
    run: soundcloud,
};

/// `soundcloud` (tracks) and `soundcloud_playlist` (playlists).
fn soundcloud(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    no_content(d)?;
    let sid = d.arguments.first().cloned().unwrap_or_default();
    let playlist = d.canonical.contains("playlist");
    let preslug = if playlist { "playlists" } else { "tracks" };
    let int = |k: &str, default: i64| match d.opt(k) {
        Some(OptVal::Int(i)) => *i,
        _ => default,
    };
    let html = format!(
        "<div class=\"soundcloud-player{}\">\n<iframe width=\"{}\" height=\"{}\"\nscrolling=\"no\" frameborder=\"no\"\nsrc=\"https://w.soundcloud.com/player/?url=http://api.soundcloud.com/{preslug}/{sid}\">\n</iframe>\n</div>",
        align_class(d),
        int("width", 600),
        int("height", 160),
    );
    let kind = if playlist {
        "soundcloud_playlist"
    } else {
        "soundcloud"
    };
    Ok(vec![raw_html(html, kind, &sid)])
}

pub static CHART: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: false,
    options: &[
        ("box_mode", Conv::Unchanged),
        ("classes", Conv::Unchanged),
        ("css", Conv::Unchanged),
        ("defs", Conv::Unchanged),
        ("data_file", Conv::Unchanged),
        ("disable_xml_declaration", Conv::Unchanged),
        ("dots_size", Conv::Unchanged),
        ("dynamic_print_values", Conv::Unchanged),
        ("explicit_size", Conv::Unchanged),
        ("fill", Conv::Unchanged),
        ("force_uri_protocol", Conv::Unchanged),
        ("half_pie", Conv::Unchanged),
        ("height", Conv::Unchanged),
        ("human_readable", Conv::Unchanged),
        ("include_x_axis", Conv::Unchanged),
        ("inner_radius", Conv::Unchanged),
        ("interpolate", Conv::Unchanged),
        ("interpolation_parameters", Conv::Unchanged),
        ("interpolation_precision", Conv::Unchanged),
        ("inverse_y_axis", Conv::Unchanged),
        ("js", Conv::Unchanged),
        ("legend_at_bottom", Conv::Unchanged),
        ("legend_at_bottom_columns", Conv::Unchanged),
        ("legend_box_size", Conv::Unchanged),
        ("logarithmic", Conv::Unchanged),
        ("margin", Conv::Unchanged),
        ("margin_bottom", Conv::Unchanged),
        ("margin_left", Conv::Unchanged),
        ("margin_right", Conv::Unchanged),
        ("margin_top", Conv::Unchanged),
        ("max_scale", Conv::Unchanged),
        ("min_scale", Conv::Unchanged),
        ("missing_value_fill_truncation", Conv::Unchanged),
        ("no_data_text", Conv::Unchanged),
        ("no_prefix", Conv::Unchanged),
        ("order_min", Conv::Unchanged),
        ("pretty_print", Conv::Unchanged),
        ("print_labels", Conv::Unchanged),
        ("print_values", Conv::Unchanged),
        ("print_values_position", Conv::Unchanged),
        ("print_zeroes", Conv::Unchanged),
        ("range", Conv::Unchanged),
        ("rounded_bars", Conv::Unchanged),
        ("secondary_range", Conv::Unchanged),
        ("show_dots", Conv::Unchanged),
        ("show_legend", Conv::Unchanged),
        ("show_minor_x_labels", Conv::Unchanged),
        ("show_minor_y_labels", Conv::Unchanged),
        ("show_only_major_dots", Conv::Unchanged),
        ("show_x_guides", Conv::Unchanged),
        ("show_x_labels", Conv::Unchanged),
        ("show_y_guides", Conv::Unchanged),
        ("show_y_labels", Conv::Unchanged),
        ("spacing", Conv::Unchanged),
        ("stack_from_top", Conv::Unchanged),
        ("strict", Conv::Unchanged),
        ("stroke", Conv::Unchanged),
        ("stroke_style", Conv::Unchanged),
        ("style", Conv::Unchanged),
        ("title", Conv::Unchanged),
        ("tooltip_border_radius", Conv::Unchanged),
        ("truncate_label", Conv::Unchanged),
        ("truncate_legend", Conv::Unchanged),
        ("value_formatter", Conv::Unchanged),
        ("width", Conv::Unchanged),
        ("x_label_rotation", Conv::Unchanged),
        ("x_labels", Conv::Unchanged),
        ("x_labels_major", Conv::Unchanged),
        ("x_labels_major_count", Conv::Unchanged),
        ("x_labels_major_every", Conv::Unchanged),
        ("x_title", Conv::Unchanged),
        ("x_value_formatter", Conv::Unchanged),
        ("xrange", Conv::Unchanged),
        ("y_label_rotation", Conv::Unchanged),
        ("y_labels", Conv::Unchanged),
        ("y_labels_major", Conv::Unchanged),
        ("y_labels_major_count", Conv::Unchanged),
        ("y_labels_major_every", Conv::Unchanged),
        ("y_title", Conv::Unchanged),
        ("zero", Conv::Unchanged),
    ],
    content: true,
    run: chart,
};

/// Nikola draws charts with pygal at build time; we keep the directive as
/// a placeholder comment (class `chart`) for writers to report.
fn chart(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    Ok(vec![placeholder(d, "chart")])
}

/// A comment holding the directive's text, class and `.embed` = `kind`.
fn placeholder(d: &Directive, kind: &str) -> Node {
    let mut c = Element::new(Kind::Comment)
        .with_attr("xml:space", "preserve")
        .with_attr(".embed", kind)
        .with_text(d.block_text.trim_start_matches(".. ").trim_end().to_owned());
    c.attrs.classes.push(kind.into());
    c.into()
}

pub static POST_LIST: Spec = Spec {
    required: 0,
    optional: 0,
    final_ws: false,
    options: &[
        ("start", Conv::Int),
        ("stop", Conv::Int),
        ("reverse", Conv::Flag),
        ("sort", Conv::Unchanged),
        ("tags", Conv::Unchanged),
        ("require_all_tags", Conv::Flag),
        ("categories", Conv::Unchanged),
        ("sections", Conv::Unchanged),
        ("slugs", Conv::Unchanged),
        ("post_type", Conv::Unchanged),
        ("type", Conv::Unchanged),
        ("lang", Conv::Unchanged),
        ("template", Conv::Path),
        ("id", Conv::Unchanged),
        ("date", Conv::Unchanged),
    ],
    content: false,
    run: post_list,
};

/// A list of the site's posts needs the whole site: a placeholder comment
/// (class `post-list`) keeping the directive's text.
fn post_list(_parser: &mut Parser, d: &mut Directive) -> DirResult {
    Ok(vec![placeholder(d, "post-list")])
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_ids_from_urls() {
        assert_eq!(
            youtube_id("https://www.youtube.com/watch?v=abc-_1&t=3"),
            Some("abc-_1".into())
        );
        assert_eq!(youtube_id("http://youtu.be/XYZ"), Some("XYZ".into()));
        assert_eq!(youtube_id("https://example.com/watch?v=x"), None);
        assert_eq!(
            vimeo_id("https://vimeo.com/20241459"),
            Some("20241459".into())
        );
        assert_eq!(vimeo_id("https://vimeo.com/channels/x"), None);
    }
}
