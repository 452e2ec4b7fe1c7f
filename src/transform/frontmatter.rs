//! docutils' `transforms/frontmatter.py`: document title and subtitle
//! promotion, and bibliographic fields (`docinfo`).

use super::Settings;
use super::doc::{Doc, Id, fully_normalize_name, make_id};
use crate::doctree::{Kind, Level};
use crate::lang::{self, Lang};

fn is_prebibliographic(kind: Option<Kind>) -> bool {
    matches!(
        kind,
        Some(
            Kind::Comment
                | Kind::Decoration
                | Kind::Meta
                | Kind::Pending
                | Kind::Raw
                | Kind::SubstitutionDefinition
                | Kind::Subtitle
                | Kind::SystemMessage
                | Kind::Target
                | Kind::Title
        )
    )
}

fn first_child_not(doc: &Doc, node: Id, skip: impl Fn(Option<Kind>) -> bool) -> Option<usize> {
    doc.children(node).iter().position(|&c| !skip(doc.kind(c)))
}

/// The lone section that may be promoted: the last child, and the first
/// one not pre-bibliographic.
fn candidate(doc: &Doc, node: Id) -> Option<(Id, usize)> {
    let index = first_child_not(doc, node, is_prebibliographic)?;
    let kids = doc.children(node);
    (kids.len() == index + 1 && doc.is(kids[index], Kind::Section)).then(|| (kids[index], index))
}

/// docutils' `update_all_atts_concatenating(replace=True)`.
fn merge_attrs(doc: &mut Doc, to: Id, from: Id) {
    let src = doc.attrs(from).clone();
    let dst = doc.attrs_mut(to);
    for (d, s) in [
        (&mut dst.ids, &src.ids),
        (&mut dst.names, &src.names),
        (&mut dst.classes, &src.classes),
        (&mut dst.dupnames, &src.dupnames),
        (&mut dst.backrefs, &src.backrefs),
    ] {
        for v in s {
            if !d.contains(v) {
                d.push(v.clone());
            }
        }
    }
    for (k, v) in src.other {
        dst.other.insert(k, v);
    }
}

fn promote_title(doc: &mut Doc, node: Id) -> bool {
    let Some((section, index)) = candidate(doc, node) else {
        return false;
    };
    merge_attrs(doc, node, section);
    let before: Vec<Id> = doc.children(node)[..index].to_vec();
    let sect: Vec<Id> = doc.children(section).to_vec();
    let mut order = Vec::with_capacity(before.len() + sect.len());
    order.extend(sect.first());
    order.extend(before);
    order.extend(sect.iter().skip(1));
    set_children(doc, node, order);
    doc.nodes[section].parent = None;
    doc.nodes[section].children.clear();
    true
}

fn promote_subtitle(doc: &mut Doc, node: Id) -> bool {
    let Some((sub, index)) = candidate(doc, node) else {
        return false;
    };
    let subtitle = doc.new_el(Kind::Subtitle);
    merge_attrs(doc, subtitle, sub);
    let sub_kids = doc.children(sub).to_vec();
    if let Some(&title) = sub_kids.first() {
        for c in doc.children(title).to_vec() {
            doc.append(subtitle, c);
        }
    }
    let kids = doc.children(node).to_vec();
    let mut order = Vec::with_capacity(kids.len() + sub_kids.len());
    order.extend(kids.first());
    order.push(subtitle);
    order.extend(kids.get(1..index).unwrap_or(&[]));
    order.extend(sub_kids.iter().skip(1));
    set_children(doc, node, order);
    doc.nodes[sub].parent = None;
    doc.nodes[sub].children.clear();
    true
}

fn set_children(doc: &mut Doc, node: Id, order: Vec<Id>) {
    doc.touch();
    for &c in &order {
        doc.nodes[c].parent = Some(node);
    }
    doc.nodes[node].children = order;
}

pub(crate) fn doc_title(doc: &mut Doc, settings: &Settings) {
    let root = doc.root;
    if settings.doctitle && promote_title(doc, root) {
        promote_subtitle(doc, root);
    }
    if !doc.has(root, "title") {
        if let Some(t) = &settings.title {
            doc.set(root, "title", t.clone());
        } else if let Some(&first) = doc.children(root).first()
            && doc.is(first, Kind::Title)
        {
            let text = doc.astext(first);
            doc.set(root, "title", text);
        }
    }
}

pub(crate) fn section_subtitle(doc: &mut Doc, settings: &Settings) {
    if !settings.sectsubtitle_xform {
        return;
    }
    for s in doc.findall_kind(Kind::Section) {
        promote_subtitle(doc, s);
    }
}

// ---- DocInfo (340) ----

/// The element of a canonical bibliographic field name.
fn biblio_kind(canonical: &str) -> Option<Kind> {
    Some(match canonical {
        "author" => Kind::Author,
        "authors" => Kind::Authors,
        "organization" => Kind::Organization,
        "address" => Kind::Address,
        "contact" => Kind::Contact,
        "version" => Kind::Version,
        "revision" => Kind::Revision,
        "status" => Kind::Status,
        "date" => Kind::Date,
        "copyright" => Kind::Copyright,
        "dedication" | "abstract" => Kind::Topic,
        _ => return None,
    })
}

pub(crate) fn doc_info(doc: &mut Doc, settings: &Settings) {
    if !settings.docinfo_xform {
        return;
    }
    let root = doc.root;
    let Some(index) = first_child_not(doc, root, is_prebibliographic) else {
        return;
    };
    let candidate = doc.children(root)[index];
    if !doc.is(candidate, Kind::FieldList) {
        return;
    }
    let titular = |k: Option<Kind>| {
        matches!(
            k,
            Some(Kind::Rubric | Kind::Subtitle | Kind::Title | Kind::Decoration | Kind::Meta)
        )
    };
    let biblioindex = first_child_not(doc, root, titular).unwrap_or(0);
    let lang = lang::get(&settings.language_code);
    let nodelist = extract_bibliographic(doc, candidate, lang);
    doc.detach(candidate);
    for (k, n) in nodelist.into_iter().enumerate() {
        doc.insert(root, biblioindex + k, n);
    }
}

fn extract_bibliographic(doc: &mut Doc, field_list: Id, lang: &Lang) -> Vec<Id> {
    let docinfo = doc.new_el(Kind::Docinfo);
    let mut dedication = None;
    let mut abstract_ = None;
    for field in doc.children(field_list).to_vec() {
        // docutils reads the field name's first child only.
        let name = doc
            .children(field)
            .first()
            .and_then(|&n| doc.children(n).first())
            .map(|&n| doc.astext(n))
            .unwrap_or_default();
        let normed = fully_normalize_name(&name);
        let seen = [dedication.is_some(), abstract_.is_some()];
        let ok = bibliographic_field(doc, field, &name, &normed, docinfo, seen, lang)
            .map(|topic| match topic {
                Some((t, true)) => dedication = Some(t),
                Some((t, false)) => abstract_ = Some(t),
                None => {}
            })
            .is_ok();
        if !ok {
            if let Some(&body) = doc.children(field).last() {
                let kids = doc.children(body);
                if kids.len() == 1 && doc.is(kids[0], Kind::Paragraph) {
                    clean_rcs_keywords(doc, kids[0]);
                }
            }
            let class = make_id(&normed);
            if !class.is_empty() {
                doc.attrs_mut(field).classes.push(class);
            }
            doc.append(docinfo, field);
        }
    }
    let mut out = Vec::new();
    if !doc.children(docinfo).is_empty() {
        out.push(docinfo);
    }
    out.extend(dedication);
    out.extend(abstract_);
    out
}

/// Moves one bibliographic field into `docinfo`; `Ok(Some((topic,
/// is_dedication)))` for a dedication or abstract; `Err` keeps it a field.
fn bibliographic_field(
    doc: &mut Doc,
    field: Id,
    name: &str,
    normed: &str,
    docinfo: Id,
    seen: [bool; 2],
    lang: &Lang,
) -> Result<Option<(Id, bool)>, ()> {
    let canonical = lang.field(normed).ok_or(())?;
    let kind = biblio_kind(canonical).ok_or(())?;
    if doc.children(field).len() != 2 || !check_empty(doc, field, name) {
        return Err(());
    }
    let body = doc.children(field)[1];
    match kind {
        Kind::Topic => {
            let dedication = canonical == "dedication";
            if seen[usize::from(!dedication)] {
                let text = format!("There can only be one \"{name}\" field.");
                field_warning(doc, field, &text);
                return Err(());
            }
            let topic = doc.new_el(Kind::Topic);
            doc.attrs_mut(topic).classes.push(canonical.to_owned());
            let label = lang.label(canonical);
            let title = doc.new_text_el(Kind::Title, label);
            doc.append(topic, title);
            for c in doc.children(body).to_vec() {
                doc.append(topic, c);
            }
            Ok(Some((topic, dedication)))
        }
        Kind::Authors => {
            extract_authors(doc, field, name, docinfo, lang)?;
            Ok(None)
        }
        _ => {
            if !check_compound(doc, field, name) {
                return Err(());
            }
            let para = doc.children(body)[0];
            clean_rcs_keywords(doc, para);
            let el = doc.new_el(kind);
            if kind == Kind::Address {
                doc.set(el, "xml:space", "preserve");
            }
            for c in doc.children(para).to_vec() {
                doc.append(el, c);
            }
            doc.append(docinfo, el);
            Ok(None)
        }
    }
}

fn field_warning(doc: &mut Doc, field: Id, text: &str) {
    let msg = doc.message(Level::Warning, text, &[], Some(field), None);
    if let Some(&body) = doc.children(field).last() {
        doc.append(body, msg);
    }
}

fn check_empty(doc: &mut Doc, field: Id, name: &str) -> bool {
    let empty = doc
        .children(field)
        .last()
        .is_none_or(|&b| doc.children(b).is_empty());
    if empty {
        let text = format!("Cannot extract empty bibliographic field \"{name}\".");
        field_warning(doc, field, &text);
    }
    !empty
}

fn check_compound(doc: &mut Doc, field: Id, name: &str) -> bool {
    let Some(&body) = doc.children(field).last() else {
        return false;
    };
    let kids = doc.children(body);
    if kids.len() == 1 && doc.is(kids[0], Kind::Paragraph) {
        return true;
    }
    if let Some(para) = enumerated_as_paragraph(doc, body) {
        let list = doc.children(body)[0];
        doc.replace_self(list, &[para]);
        return true;
    }
    let kids = doc.children(body);
    let tags: Vec<String> = kids
        .iter()
        .filter(|&&k| !doc.is(k, Kind::SystemMessage))
        .map(|&k| format!("<{}>", doc.kind(k).map_or("", Kind::name)))
        .collect();
    let content = if tags.len() > 1 {
        format!("[{}]", tags.join(", "))
    } else {
        format!("a {}", tags.first().map_or("", String::as_str))
    };
    let text = format!(
        "Bibliographic field \"{name}\"\nmust contain a single <paragraph>, not {content}."
    );
    field_warning(doc, field, &text);
    false
}

/// A one-line field body parsed as an enumerated list ("E. *Xample*")
/// is a paragraph after all: docutils re-parses it with the enumerator
/// escaped; we rebuild the enumerator text instead.
fn enumerated_as_paragraph(doc: &mut Doc, body: Id) -> Option<Id> {
    let &list = doc.children(body).first()?;
    if !doc.is(list, Kind::EnumeratedList) {
        return None;
    }
    let [item] = doc.children(list) else {
        return None;
    };
    let [para] = doc.children(*item) else {
        return None;
    };
    let para = *para;
    if !doc.is(para, Kind::Paragraph) || doc.astext(para).contains('\n') {
        return None;
    }
    let start: usize = doc
        .get(list, "start")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let enumerator = enumerator_text(doc.get(list, "enumtype").unwrap_or("arabic"), start)?;
    let text = format!(
        "{}{enumerator}{} ",
        doc.get(list, "prefix").unwrap_or(""),
        doc.get(list, "suffix").unwrap_or("")
    );
    let t = doc.new_text(text);
    doc.insert(para, 0, t);
    Some(para)
}

fn enumerator_text(enumtype: &str, n: usize) -> Option<String> {
    let alpha = |base: u8| {
        u8::try_from(n)
            .ok()
            .filter(|&n| (1..=26).contains(&n))
            .map(|n| char::from(base + n - 1).to_string())
    };
    match enumtype {
        "arabic" => Some(n.to_string()),
        "loweralpha" => alpha(b'a'),
        "upperalpha" => alpha(b'A'),
        "lowerroman" => crate::roman::to_roman(n as u64).map(|r| r.to_lowercase()),
        "upperroman" => crate::roman::to_roman(n as u64),
        _ => None,
    }
}

fn extract_authors(
    doc: &mut Doc,
    field: Id,
    name: &str,
    docinfo: Id,
    lang: &Lang,
) -> Result<(), ()> {
    let body = doc.children(field)[1];
    let kids = doc.children(body).to_vec();
    let authors = match kids.as_slice() {
        [one] if doc.is(*one, Kind::Paragraph) => authors_from_paragraph(doc, body, lang),
        [one] if doc.is(*one, Kind::BulletList) => authors_from_list(doc, *one),
        [_] => None,
        _ => authors_from_paragraphs(doc, &kids),
    };
    let authors: Vec<Vec<Id>> = authors
        .unwrap_or_default()
        .into_iter()
        .filter(|a| !a.is_empty())
        .collect();
    if authors.is_empty() {
        let seps: String = lang.author_separators.iter().collect();
        let text = format!(
            "Cannot extract \"{name}\" from bibliographic field:\nBibliographic field \"{name}\" must contain either\n a single paragraph (with author names separated by a character from the set \"{seps}\"),\n multiple paragraphs (one per author),\n or a bullet list with one author name per item.\nNote: Leading initials can cause (mis)recognizing names as enumerated list."
        );
        field_warning(doc, field, &text);
        return Err(());
    }
    let group = doc.new_el(Kind::Authors);
    for a in authors {
        let author = doc.new_el(Kind::Author);
        for c in a {
            doc.append(author, c);
        }
        doc.append(group, author);
    }
    doc.append(docinfo, group);
    Ok(())
}

fn authors_from_paragraph(doc: &mut Doc, body: Id, lang: &Lang) -> Option<Vec<Vec<Id>>> {
    let text: String = doc
        .findall(body, |n| n.kind.is_none())
        .into_iter()
        .map(|t| doc.nodes[t].text.as_str())
        .collect();
    if text.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = vec![&text];
    for &sep in lang.author_separators {
        let split: Vec<&str> = text.split(sep).collect();
        parts = split;
        if parts.len() > 1 {
            break;
        }
    }
    let names: Vec<String> = parts
        .iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    Some(names.into_iter().map(|n| vec![doc.new_text(n)]).collect())
}

fn authors_from_list(doc: &Doc, list: Id) -> Option<Vec<Vec<Id>>> {
    let mut authors = Vec::new();
    for &item in doc.children(list) {
        if doc.is(item, Kind::Comment) {
            continue;
        }
        match doc.children(item) {
            [p] if doc.is(*p, Kind::Paragraph) => authors.push(doc.children(*p).to_vec()),
            _ => return None,
        }
    }
    (!authors.is_empty()).then_some(authors)
}

fn authors_from_paragraphs(doc: &Doc, kids: &[Id]) -> Option<Vec<Vec<Id>>> {
    let mut authors = Vec::new();
    for &k in kids {
        match doc.kind(k) {
            Some(Kind::Comment) => {}
            Some(Kind::Paragraph) => authors.push(doc.children(k).to_vec()),
            _ => return None,
        }
    }
    Some(authors)
}

/// Expanded RCS keywords (`$Date: 2001/05/04 ... $`, `$RCSfile: x,v $`,
/// `$Keyword: text $`) in a one-text paragraph lose their markup.
fn clean_rcs_keywords(doc: &mut Doc, para: Id) {
    let kids = doc.children(para);
    if kids.len() != 1 || doc.kind(kids[0]).is_some() {
        return;
    }
    let t = kids[0];
    if let Some(new) = rcs_clean(&doc.nodes[t].text) {
        doc.nodes[t].text = new;
    }
}

fn rcs_clean(text: &str) -> Option<String> {
    for pattern in [rcs_date as fn(&str) -> Option<String>, rcs_file, rcs_any] {
        if let Some(s) = pattern(text) {
            return Some(s);
        }
    }
    None
}

/// Finds `$` + `keyword: ` (ASCII case-insensitive) and returns
/// (start of `$`, rest after the keyword).
fn keyword_at<'a>(text: &'a str, keyword: &str) -> Option<(usize, &'a str)> {
    let lower = text.to_ascii_lowercase();
    let needle = format!("${}: ", keyword.to_ascii_lowercase());
    let start = lower.find(&needle)?;
    Some((start, &text[start + needle.len()..]))
}

fn rcs_date(text: &str) -> Option<String> {
    let (start, rest) = keyword_at(text, "Date")?;
    let b = rest.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let sep = |i: usize| matches!(b.get(i), Some(b'-' | b'/'));
    if !(digits(0..4) && sep(4) && digits(5..7) && sep(7) && digits(8..10)) {
        return None;
    }
    if !matches!(b.get(10), Some(b' ' | b'T')) {
        return None;
    }
    let time_len = b[11..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b':')
        .count();
    if time_len == 0 {
        return None;
    }
    let tail = &rest[11 + time_len..];
    let dollar = tail.find('$')?;
    if !tail[..dollar].ends_with(' ') {
        return None;
    }
    let end = text.len() - tail.len() + dollar + 1;
    Some(format!(
        "{}{}-{}-{}{}",
        &text[..start],
        &rest[0..4],
        &rest[5..7],
        &rest[8..10],
        &text[end..]
    ))
}

fn rcs_file(text: &str) -> Option<String> {
    let (start, rest) = keyword_at(text, "RCSfile")?;
    let line = rest.split('\n').next().unwrap_or("");
    let end = line.rfind(",v $").filter(|&e| e > 0)?;
    let after = text.len() - rest.len() + end + 4;
    Some(format!(
        "{}{}{}",
        &text[..start],
        &line[..end],
        &text[after..]
    ))
}

fn rcs_any(text: &str) -> Option<String> {
    for (start, _) in text.match_indices('$') {
        let rest = &text[start + 1..];
        let word = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        if word == 0 || !rest[word..].starts_with(": ") {
            continue;
        }
        let value = &rest[word + 2..];
        let line = value.split('\n').next().unwrap_or("");
        if let Some(end) = line.rfind(" $").filter(|&e| e > 0) {
            let after = text.len() - value.len() + end + 2;
            return Some(format!(
                "{}{}{}",
                &text[..start],
                &line[..end],
                &text[after..]
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rcs_keywords() {
        assert_eq!(
            rcs_clean("$Date: 2001/08/11 12:00:00 $").as_deref(),
            Some("2001-08-11")
        );
        assert_eq!(
            rcs_clean("$RCSfile: test_docinfo.py,v $").as_deref(),
            Some("test_docinfo.py")
        );
        assert_eq!(rcs_clean("$Revision: 1.2 $").as_deref(), Some("1.2"));
        assert_eq!(rcs_clean("no keyword"), None);
    }
}
