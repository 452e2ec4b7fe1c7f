//! Safe mode for untrusted posts: links whose URL could run script
//! (`javascript:`, `vbscript:`, and `data:` outside images) are dropped,
//! keeping their text, with a diagnostic each.

use crate::doctree::{Diagnostic, Element, Kind, Level, Node};

/// Whether `url` may run script when followed (`data:` only for images).
pub fn is_unsafe_url(url: &str, for_image: bool) -> bool {
    let scheme: String = url
        .trim_start()
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take_while(|&c| c != ':')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    match scheme.as_str() {
        "javascript" | "vbscript" => url.contains(':'),
        "data" => url.contains(':') && !(for_image && is_data_image(url)),
        _ => false,
    }
}

fn is_data_image(url: &str) -> bool {
    let rest = url.trim_start()[5..].trim_start().to_ascii_lowercase();
    rest.starts_with("image/") && !rest.starts_with("image/svg")
}

pub fn apply(document: &mut Element, diagnostics: &mut Vec<Diagnostic>) {
    clean_children(document, None, diagnostics);
}

/// `line` is the nearest known line above: inline elements carry none.
fn clean_children(parent: &mut Element, line: Option<u32>, diagnostics: &mut Vec<Diagnostic>) {
    let line = parent.line.or(line);
    let mut i = 0;
    while i < parent.children.len() {
        let Node::Element(el) = &mut parent.children[i] else {
            i += 1;
            continue;
        };
        match el.kind {
            Kind::Reference if el.get("refuri").is_some_and(|u| is_unsafe_url(u, false)) => {
                report(el, "refuri", line, diagnostics);
                // Keep the link text; the loop then re-checks it in place.
                let children = std::mem::take(&mut el.children);
                parent.children.splice(i..=i, children);
                continue;
            }
            Kind::Image if el.get("uri").is_some_and(|u| is_unsafe_url(u, true)) => {
                report(el, "uri", line, diagnostics);
                let alt = el.get("alt").unwrap_or("").to_owned();
                parent.children[i] = Node::Text(alt);
            }
            Kind::Target if el.get("refuri").is_some_and(|u| is_unsafe_url(u, false)) => {
                report(el, "refuri", line, diagnostics);
                el.remove("refuri");
            }
            _ => clean_children(el, line, diagnostics),
        }
        i += 1;
    }
}

fn report(el: &Element, attr: &str, line: Option<u32>, diagnostics: &mut Vec<Diagnostic>) {
    let url = el.get(attr).unwrap_or("");
    let shown: String = url.chars().take(60).collect();
    diagnostics.push(Diagnostic::new(
        Level::Warning,
        format!("unsafe URL dropped (safe mode): \"{shown}\""),
        el.line.or(line),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_script_urls() {
        assert!(is_unsafe_url("javascript:alert(1)", false));
        assert!(is_unsafe_url(" JavaScript:alert(1)", false));
        assert!(is_unsafe_url("java\tscript:alert(1)", false));
        assert!(is_unsafe_url("vbscript:msgbox", false));
        assert!(is_unsafe_url("data:text/html,<script>", false));
        assert!(is_unsafe_url("data:image/png;base64,AAAA", false));
        assert!(!is_unsafe_url("data:image/png;base64,AAAA", true));
        assert!(is_unsafe_url("data:image/svg+xml,<svg onload=x>", true));
        assert!(!is_unsafe_url("https://example.org/javascript:", false));
        assert!(!is_unsafe_url("javascript", false));
    }

    #[test]
    fn drops_links_keeps_text() {
        let mut doc = Element::new(Kind::Document).with_child(
            Element::new(Kind::Paragraph)
                .with_text("see ")
                .with_child(
                    Element::new(Kind::Reference)
                        .with_attr("refuri", "javascript:alert(1)")
                        .with_text("this"),
                )
                .with_child(
                    Element::new(Kind::Reference)
                        .with_attr("refuri", "https://ok.example")
                        .with_text("ok"),
                )
                .with_child(
                    Element::new(Kind::Image)
                        .with_attr("uri", "javascript:x")
                        .with_attr("alt", "pic"),
                ),
        );
        let mut diags = Vec::new();
        apply(&mut doc, &mut diags);
        assert_eq!(
            doc.pformat(),
            "<document>\n    <paragraph>\n        see \n        this\n        <reference refuri=\"https://ok.example\">\n            ok\n        pic\n"
        );
        assert_eq!(diags.len(), 2);
    }
}
