//! `image`, `figure` (docutils `images.py`) and Nikola's `thumbnail`.

use super::convert::{Conv, OptVal, uri};
use super::{
    DirResult, Directive, Spec, err, fully_normalize_name, parse_into, whitespace_normalize_name,
};
use crate::doctree::{Element, Kind, Level, Node};
use crate::rst::block::Parser;

const ALIGN_H: &[&str] = &["left", "center", "right"];
const ALIGN_V: &[&str] = &["top", "middle", "bottom"];
const ALIGN_ALL: &[&str] = &["top", "middle", "bottom", "left", "center", "right"];

macro_rules! image_options {
    ($align:expr $(, $extra:expr)*) => {
        &[
            ("alt", Conv::Unchanged),
            ("height", Conv::LengthOrUnitless),
            ("width", Conv::LengthOrPercentageOrUnitless),
            ("scale", Conv::Percentage),
            ("align", Conv::Choice($align)),
            ("target", Conv::UnchangedRequired),
            ("loading", Conv::Choice(&["embed", "link", "lazy"])),
            ("class", Conv::ClassOption),
            ("name", Conv::Unchanged),
            $($extra,)*
        ]
    };
}

pub static IMAGE: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: image_options!(ALIGN_ALL),
    content: false,
    run: image,
};

pub static FIGURE: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: image_options!(
        ALIGN_H,
        ("figwidth", Conv::FigWidth),
        ("figclass", Conv::ClassOption),
        ("figname", Conv::Unchanged)
    ),
    content: true,
    run: figure,
};

pub static THUMBNAIL: Spec = Spec {
    required: 1,
    optional: 0,
    final_ws: true,
    options: image_options!(
        ALIGN_ALL,
        ("figwidth", Conv::FigWidth),
        ("figclass", Conv::ClassOption)
    ),
    content: true,
    run: thumbnail,
};

fn image(parser: &mut Parser, d: &mut Directive) -> DirResult {
    image_nodes(parser, d)
}

/// docutils' `Image.run`: messages, then the image (wrapped in a reference
/// when there is a `target`).
fn image_nodes(parser: &mut Parser, d: &mut Directive) -> DirResult {
    if let Some(align) = d.opt_str("align").map(str::to_owned) {
        if d.substitution.is_some() {
            if !ALIGN_V.contains(&align.as_str()) {
                return Err(err(format!(
                    "Error in \"{}\" directive: \"{align}\" is not a valid value for the \"align\" option within a substitution definition.  Valid values for \"align\" are: \"{}\".",
                    d.name,
                    ALIGN_V.join("\", \"")
                )));
            }
        } else if !ALIGN_H.contains(&align.as_str()) {
            return Err(err(format!(
                "Error in \"{}\" directive: \"{align}\" is not a valid value for the \"align\" option.  Valid values for \"align\" are: \"{}\".",
                d.name,
                ALIGN_H.join("\", \"")
            )));
        }
    }
    let reference = uri(d.arguments.first().map_or("", String::as_str));
    d.options.push(("uri".into(), OptVal::Str(reference)));
    let mut reference_node = None;
    if let Some(OptVal::Str(target)) = d.take("target") {
        reference_node = Some(target_reference(&target));
    }
    let mut node = Element::new(Kind::Image).with_line(d.lineno);
    d.apply_options(&mut node, &[]);
    d.add_name(parser, &mut node);
    Ok(vec![match reference_node {
        Some(mut r) => {
            r.push(node);
            r.into()
        }
        None => node.into(),
    }])
}

/// docutils' `parse_target` for an image target: a reference name
/// (`name_` or `` `phrase`_ ``) or a URI.
fn target_reference(target: &str) -> Element {
    let lines: Vec<&str> = target.lines().map(str::trim).collect();
    let joined = whitespace_normalize_name(&lines.join(" "));
    if let Some(name) = reference_name(&joined) {
        return Element::new(Kind::Reference)
            .with_attr("name", whitespace_normalize_name(&name))
            .with_attr("refname", fully_normalize_name(&name));
    }
    Element::new(Kind::Reference).with_attr("refuri", uri(&lines.join(" ")))
}

/// `simplename_` or `` `phrase`_ `` (not an escaped underscore).
fn reference_name(s: &str) -> Option<String> {
    let body = s.strip_suffix('_')?;
    if body.ends_with('\\') {
        return None;
    }
    if let Some(phrase) = body.strip_prefix('`').and_then(|b| b.strip_suffix('`')) {
        let ok =
            !phrase.is_empty() && !phrase.starts_with([' ', '`']) && !phrase.ends_with([' ', '`']);
        return ok.then(|| unescape(phrase));
    }
    is_simplename(body).then(|| body.to_owned())
}

/// docutils' `simplename`: word characters joined by single `-._+:`.
fn is_simplename(s: &str) -> bool {
    let mut prev_word = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            prev_word = true;
        } else if "-.+:_".contains(c) {
            if !prev_word {
                return false;
            }
            prev_word = false;
        } else {
            return false;
        }
    }
    prev_word
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next().filter(|n| !n.is_whitespace()) {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn figure(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let figwidth = d.take("figwidth");
    let figclasses = d.take("figclass");
    let figname = d.take("figname");
    let align = d.take("align");
    let image = image_nodes(parser, d)?;
    let mut fig = Element::new(Kind::Figure).with_line(d.lineno);
    fig.children = image;
    match figwidth {
        Some(OptVal::Str(w)) if w != "image" => fig.set("width", w),
        _ => {}
    }
    if let Some(OptVal::List(c)) = figclasses {
        fig.attrs.classes.extend(c);
    }
    if let Some(OptVal::Str(name)) =
        figname.filter(|n| !matches!(n, OptVal::Str(s) if s.is_empty()))
    {
        fig.attrs.names.push(fully_normalize_name(&name));
        if let Some(m) = parser.state.note_explicit_target(&mut fig) {
            fig.push(m);
        }
    }
    if let Some(OptVal::Str(a)) = align {
        fig.set("align", a);
    }
    if d.content.is_empty() {
        return Ok(vec![fig.into()]);
    }
    let children = parse_into(parser, &d.content, d.content_offset);
    let mut rest = children.into_iter();
    for child in rest.by_ref() {
        let Node::Element(el) = child else { continue };
        match el.kind {
            Kind::Target | Kind::Pending => fig.push(el),
            Kind::Paragraph => {
                let mut caption = Element::new(Kind::Caption);
                caption.line = el.line;
                caption.children = el.children;
                fig.push(caption);
                break;
            }
            Kind::Comment if el.children.is_empty() => break,
            _ => {
                let msg = d.message(
                    parser,
                    Level::Error,
                    "Figure caption must be a paragraph or empty comment.",
                );
                return Ok(vec![fig.into(), msg]);
            }
        }
    }
    let legend: Vec<Node> = rest.collect();
    if !legend.is_empty() {
        let mut l = Element::new(Kind::Legend);
        l.children = legend;
        fig.push(l);
    }
    Ok(vec![fig.into()])
}

/// Nikola's `thumbnail`: the image's `.thumbnail` variant linking to the
/// full image; a figure when there is content.
fn thumbnail(parser: &mut Parser, d: &mut Directive) -> DirResult {
    let full = uri(d.arguments.first().map_or("", String::as_str));
    let (stem, ext) = split_ext(&full);
    let mut thumb = format!("{stem}.thumbnail{ext}");
    if full.ends_with(".svg") {
        thumb.push('?');
    }
    if let Some(a) = d.arguments.first_mut() {
        *a = thumb;
    }
    d.options.retain(|(k, _)| k != "target");
    d.options.push(("target".into(), OptVal::Str(full)));
    if d.content.is_empty() {
        d.take("figwidth");
        d.take("figclass");
        image_nodes(parser, d)
    } else {
        figure(parser, d)
    }
}

/// Python's `os.path.splitext`.
fn split_ext(path: &str) -> (&str, &str) {
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    let name = &path[name_start..];
    let lead = name.len() - name.trim_start_matches('.').len();
    match name[lead..].rfind('.') {
        Some(i) => path.split_at(name_start + lead + i),
        None => (path, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_exts() {
        assert_eq!(reference_name("foo_"), Some("foo".into()));
        assert_eq!(reference_name("`Foo bar`_"), Some("Foo bar".into()));
        assert_eq!(reference_name("http://x.org/a_"), None);
        assert_eq!(reference_name("foo\\_"), None);
        assert_eq!(split_ext("/a/b.c/pic.png"), ("/a/b.c/pic", ".png"));
        assert_eq!(split_ext("/a/.hidden"), ("/a/.hidden", ""));
    }
}
