use super::*;
use crate::rst::Settings;

fn pf(text: &str) -> String {
    let settings = Settings {
        source: "test data".into(),
        ..Settings::default()
    };
    let mut state = DocState::new(&settings);
    let (nodes, msgs) = parse(&mut state, text, 1);
    let mut p = Element::new(Kind::Paragraph);
    p.children = nodes;
    let mut out = p.pformat();
    for m in msgs {
        out.push_str(&m.pformat());
    }
    out
}

/// Drops id attributes, whose values belong to the registry in `state`.
fn strip_ids(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = [" ids=\"", " refid=\"", " backrefs=\""]
        .iter()
        .filter_map(|p| rest.find(p).map(|i| (i, p.len())))
        .min()
    {
        out.push_str(&rest[..i.0]);
        let after = &rest[i.0 + i.1..];
        rest = after.find('"').map_or("", |j| &after[j + 1..]);
    }
    out.push_str(rest);
    out
}

/// Expected trees printed by docutils 0.23 (`gencases.py`).
const CASES: &[(&str, &str)] = &[
    (
        r#"*emphasis* and **strong** and ``lit\eral``"#,
        r#"<paragraph>
    <emphasis>
        emphasis
     and 
    <strong>
        strong
     and 
    <literal>
        lit\eral
"#,
    ),
    (
        r#"l'*emphasis*' and "*" and (*) and *"#,
        r#"<paragraph>
    l'
    <emphasis>
        emphasis
    ' and "*" and (*) and *
"#,
    ),
    (
        r#"*unclosed and **also"#,
        r#"<paragraph>
    <problematic ids="problematic-1" refid="system-message-1">
        *
    unclosed and 
    <problematic ids="problematic-2" refid="system-message-2">
        **
    also
<system_message backrefs="problematic-1" ids="system-message-1" level="2" line="1" source="test data" type="WARNING">
    <paragraph>
        Inline emphasis start-string without end-string.
<system_message backrefs="problematic-2" ids="system-message-2" level="2" line="1" source="test data" type="WARNING">
    <paragraph>
        Inline strong start-string without end-string.
"#,
    ),
    (
        r#"`interpreted` :emphasis:`role` `suffix`:strong: :sub:`x` :sup:`y`"#,
        r#"<paragraph>
    <title_reference>
        interpreted
     
    <emphasis>
        role
     
    <strong>
        suffix
     
    <subscript>
        x
     
    <superscript>
        y
"#,
    ),
    (
        r#":unknown:`x` and :unknown:`y`"#,
        r#"<paragraph>
    <problematic ids="problematic-1" refid="system-message-1">
        :unknown:`x`
     and 
    <problematic ids="problematic-2" refid="system-message-2">
        :unknown:`y`
<system_message level="1" line="1" source="test data" type="INFO">
    <paragraph>
        No role entry for "unknown" in module "docutils.parsers.rst.languages.en".
        Trying "unknown" as canonical role name.
<system_message backrefs="problematic-1" ids="system-message-1" level="3" line="1" source="test data" type="ERROR">
    <paragraph>
        Unknown interpreted text role "unknown".
<system_message level="1" line="1" source="test data" type="INFO">
    <paragraph>
        No role entry for "unknown" in module "docutils.parsers.rst.languages.en".
        Trying "unknown" as canonical role name.
<system_message backrefs="problematic-2" ids="system-message-2" level="3" line="1" source="test data" type="ERROR">
    <paragraph>
        Unknown interpreted text role "unknown".
"#,
    ),
    (
        r#":a:`x`:b:"#,
        r#"<paragraph>
    <problematic ids="problematic-1" refid="system-message-1">
        :a:`x`:b:
<system_message backrefs="problematic-1" ids="system-message-1" level="2" line="1" source="test data" type="WARNING">
    <paragraph>
        Multiple roles in interpreted text (both prefix and suffix present; only one allowed).
"#,
    ),
    (
        r#":emphasis:`x`_"#,
        r#"<paragraph>
    <problematic ids="problematic-1" refid="system-message-1">
        :emphasis:`x`_
<system_message backrefs="problematic-1" ids="system-message-1" level="2" line="1" source="test data" type="WARNING">
    <paragraph>
        Mismatch: both interpreted text role prefix and reference suffix.
"#,
    ),
    (
        r#"`phrase ref`_ and `anon`__ and word_ and anon__"#,
        r#"<paragraph>
    <reference name="phrase ref" refname="phrase ref">
        phrase ref
     and 
    <reference anonymous="1" name="anon">
        anon
     and 
    <reference name="word" refname="word">
        word
     and 
    <reference anonymous="1" name="anon">
        anon
"#,
    ),
    (
        r#"`text <http://example.org/a b>`_ and `<alias_>`__ and `x <alias_>`_"#,
        r#"<paragraph>
    <reference name="text" refuri="http://example.org/ab">
        text
    <target ids="text" names="text" refuri="http://example.org/ab">
     and 
    <reference name="alias" refname="alias">
        alias
     and 
    <reference name="x" refname="alias">
        x
    <target ids="x" names="x" refname="alias">
"#,
    ),
    (
        r#"`email <me@example.org>`_"#,
        r#"<paragraph>
    <reference name="email" refuri="mailto:me@example.org">
        email
    <target ids="email" names="email" refuri="mailto:me@example.org">
"#,
    ),
    (
        r#"[1]_ [#]_ [#label]_ [*]_ [cite]_"#,
        r#"<paragraph>
    <footnote_reference ids="footnote-reference-1" refname="1">
        1
     
    <footnote_reference auto="1" ids="footnote-reference-2">
     
    <footnote_reference auto="1" ids="footnote-reference-3" refname="label">
     
    <footnote_reference auto="*" ids="footnote-reference-4">
     
    <citation_reference ids="citation-reference-1" refname="cite">
        cite
"#,
    ),
    (
        r#"|sub| |ref|_ |anon|__"#,
        r#"<paragraph>
    <substitution_reference refname="sub">
        sub
     
    <reference refname="ref">
        <substitution_reference refname="ref">
            ref
     
    <reference anonymous="1">
        <substitution_reference refname="anon">
            anon
"#,
    ),
    (
        r#"an _`inline target` here"#,
        r#"<paragraph>
    an 
    <target ids="inline-target" names="inline\ target">
        inline target
     here
"#,
    ),
    (
        r#"see http://example.org/path?q=1#frag, and mail me@example.org."#,
        r#"<paragraph>
    see 
    <reference refuri="http://example.org/path?q=1#frag">
        http://example.org/path?q=1#frag
    , and mail 
    <reference refuri="mailto:me@example.org">
        me@example.org
    .
"#,
    ),
    (
        r#"escaped \*not\* and \`also\` and a\ b"#,
        r#"<paragraph>
    escaped *not* and `also` and ab
"#,
    ),
    (
        r#"``literal \`` and ``x``y"#,
        r#"<paragraph>
    <literal>
        literal \
     and 
    <problematic ids="problematic-1" refid="system-message-1">
        ``
    x``y
<system_message backrefs="problematic-1" ids="system-message-1" level="2" line="1" source="test data" type="WARNING">
    <paragraph>
        Inline literal start-string without end-string.
"#,
    ),
    (
        r#"`unclosed"#,
        r#"<paragraph>
    <problematic ids="problematic-1" refid="system-message-1">
        `
    unclosed
<system_message backrefs="problematic-1" ids="system-message-1" level="2" line="1" source="test data" type="WARNING">
    <paragraph>
        Inline interpreted text or phrase reference start-string without end-string.
"#,
    ),
    (
        r#"no end ``"#,
        r#"<paragraph>
    no end ``
"#,
    ),
    (
        r#":pep:`8` :rfc:`2822#section-3` :pep:`x`"#,
        r#"<paragraph>
    <reference refuri="https://peps.python.org/pep-0008">
        PEP 8
     
    <reference refuri="https://tools.ietf.org/html/rfc2822.html#section-3">
        RFC 2822
     
    <problematic ids="problematic-1" refid="system-message-1">
        :pep:`x`
<system_message backrefs="problematic-1" ids="system-message-1" level="3" line="1" source="test data" type="ERROR">
    <paragraph>
        PEP number must be a number from 0 to 9999; "x" is invalid.
"#,
    ),
    (
        r#":code:`x = 1` :math:`a\b` :title:`t` :ab:`abbr` :ac:`acr` :literal:`\x`"#,
        r#"<paragraph>
    <literal classes="code">
        x = 1
     
    <math>
        a\b
     
    <title_reference>
        t
     
    <abbreviation>
        abbr
     
    <acronym>
        acr
     
    <literal>
        x
"#,
    ),
    (
        r#":raw:`x`"#,
        r#"<paragraph>
    <problematic ids="problematic-1" refid="system-message-1">
        :raw:`x`
<system_message backrefs="problematic-1" ids="system-message-1" level="3" line="1" source="test data" type="ERROR">
    <paragraph>
        No format (Writer name) is associated with this role: "raw".
        The "raw" role cannot be used directly.
        Instead, use the "role" directive to create a new role with an associated format.
"#,
    ),
    (
        r#"foo:bar http://example.org"#,
        r#"<paragraph>
    foo:bar http://example.org
"#,
    ),
    (
        r#"a*b* c**d** `e`f"#,
        r#"<paragraph>
    a*b* c**d** 
    <problematic ids="problematic-1" refid="system-message-1">
        `
    e`f
<system_message backrefs="problematic-1" ids="system-message-1" level="2" line="1" source="test data" type="WARNING">
    <paragraph>
        Inline interpreted text or phrase reference start-string without end-string.
"#,
    ),
    (
        r#"*a**"#,
        r#"<paragraph>
    <emphasis>
        a*
"#,
    ),
    (
        r#"«*quoted*» and ‘*’"#,
        r#"<paragraph>
    «
    <emphasis>
        quoted
    » and ‘*’
"#,
    ),
];

#[test]
fn matches_docutils() {
    for (input, expected) in CASES {
        assert_eq!(
            strip_ids(&pf(input)),
            strip_ids(expected),
            "input: {input:?}"
        );
    }
}

#[test]
fn problematic_links_to_its_message() {
    let settings = Settings::default();
    let mut state = DocState::new(&settings);
    let (nodes, msgs) = parse(&mut state, "a *b", 7);
    let prb = nodes
        .iter()
        .find_map(Node::as_element)
        .expect("problematic");
    assert_eq!(prb.kind, Kind::Problematic);
    assert_eq!(msgs.len(), 1);
    let msg = &msgs[0];
    assert_eq!(prb.get("refid"), msg.attrs.ids.first().map(String::as_str));
    assert_eq!(msg.attrs.backrefs, prb.attrs.ids);
    assert_eq!(msg.get("line"), Some("7"));
    assert_eq!(msg.get("level"), Some("2"));
}

#[test]
fn custom_and_default_roles() {
    let settings = Settings::default();
    let mut state = DocState::new(&settings);
    let opts = [("format".to_owned(), "html".to_owned())];
    assert!(define_role(&mut state, "html", Some("raw"), &opts, 1).is_ok());
    assert!(define_role(&mut state, "custom", None, &[], 1).is_ok());
    let lang = [("language".to_owned(), "python".to_owned())];
    assert!(define_role(&mut state, "py", Some("code"), &lang, 1).is_ok());
    assert_eq!(
        define_role(&mut state, "x", Some("nonesuch"), &[], 1),
        Err("Unknown interpreted text role \"nonesuch\".".to_owned())
    );
    assert!(define_role(&mut state, "y", Some("raw"), &lang, 1).is_err());
    assert!(set_default_role(&mut state, Some("custom"), 1).is_ok());
    assert!(is_known_role(&state, "HTML") && is_known_role(&state, "sup"));
    assert!(!is_known_role(&state, "nonesuch"));
    let (nodes, msgs) = parse(&mut state, ":html:`<b>` `d` :py:`x`", 1);
    assert!(msgs.is_empty());
    let mut p = Element::new(Kind::Paragraph);
    p.children = nodes;
    assert_eq!(
        p.pformat(),
        "<paragraph>\n    <raw classes=\"html\" format=\"html\" xml:space=\"preserve\">\n        <b>\n     \n    <inline classes=\"custom\">\n        d\n     \n    <literal classes=\"code py python\">\n        x\n"
    );
    assert!(set_default_role(&mut state, None, 1).is_ok());
    let (nodes, _) = parse(&mut state, "`d`", 1);
    assert_eq!(
        nodes[0].as_element().map(|e| e.kind),
        Some(Kind::TitleReference)
    );
}

#[test]
fn raw_role_respects_raw_enabled() {
    let settings = Settings {
        raw_enabled: false,
        ..Settings::default()
    };
    let mut state = DocState::new(&settings);
    let opts = [("format".to_owned(), "html".to_owned())];
    assert!(define_role(&mut state, "html", Some("raw"), &opts, 1).is_ok());
    let (nodes, msgs) = parse(&mut state, ":html:`<b>`", 1);
    assert_eq!(
        nodes[0].as_element().map(|e| e.kind),
        Some(Kind::Problematic)
    );
    assert_eq!(msgs[0].astext(), "raw (and derived) roles disabled");
}

/// Runs of each markup character, and unclosed markup of every kind,
/// parse without a panic (time growth is guarded in tests/dos.rs).
#[test]
fn megabyte_of_markup_characters() {
    let settings = Settings::default();
    for unit in [
        "*", "`", "_", "|", "[", ":", "\\", "a-", "a_", "a:a", "a.", "x:(", "*a ", "**a ", "`a ",
        "``a ", "|a ", "_`a ", ":a:`", "`a <", "a `b`_ ", "`a`:r:", "[a-", "a@", "[#", "a__ ",
    ] {
        let text = unit.repeat((1 << 16) / unit.len());
        let mut state = DocState::new(&settings);
        let (nodes, _) = parse(&mut state, &text, 1);
        assert!(!nodes.is_empty(), "{unit:?}");
    }
}

/// Throwaway conformance runner over docutils' test cases extracted to
/// JSON (`INLINE_CASES=/path/cases.json cargo test --lib inline -- --ignored`).
#[test]
#[ignore]
fn docutils_cases() {
    let Ok(path) = std::env::var("INLINE_CASES") else {
        return;
    };
    let Ok(data) = std::fs::read_to_string(&path) else {
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_str(&data).unwrap_or_default();
    let mut per_file: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut failures = String::new();
    for c in &cases {
        let file = c["file"].as_str().unwrap_or("").to_owned();
        let input = c["input"].as_str().unwrap_or("");
        let expected = c["expected"].as_str().unwrap_or("");
        let settings = Settings {
            source: "test data".into(),
            ..Settings::default()
        };
        let mut state = DocState::new(&settings);
        let flag = |k: &str| c["overrides"][k].as_str() == Some("True");
        state.roles.pep_references = flag("pep_references");
        state.roles.rfc_references = flag("rfc_references");
        state.roles.character_level_inline_markup = flag("character_level_inline_markup");
        let got = crate::rst::block::parse_document(&mut state, input).pformat();
        let e = per_file.entry(file.clone()).or_default();
        e.1 += 1;
        if got == expected {
            e.0 += 1;
        } else {
            failures.push_str(&format!(
                "=== {} {} {}\n--- input\n{}\n--- expected\n{}--- got\n{}\n",
                file, c["group"], c["idx"], input, expected, got
            ));
        }
    }
    let mut total = (0, 0);
    for (f, (p, t)) in &per_file {
        eprintln!("{f}: {p}/{t}");
        total.0 += p;
        total.1 += t;
    }
    eprintln!("TOTAL {}/{}", total.0, total.1);
    let _ = std::fs::write(format!("{path}.failures"), failures);
}

#[test]
fn localised_role_names() {
    let settings = Settings {
        language: "fr".into(),
        ..Settings::default()
    };
    let mut state = DocState::new(&settings);
    let (nodes, msgs) = parse(&mut state, ":exp:`x` :acronym:`y` :acronym:`z`", 1);
    let kinds: Vec<Kind> = nodes
        .iter()
        .filter_map(Node::as_element)
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, [Kind::Superscript, Kind::Acronym, Kind::Acronym]);
    // One INFO for the English fallback; the role is then registered.
    assert_eq!(msgs.len(), 1);
    assert_eq!(
        msgs[0].astext(),
        "No role entry for \"acronym\" in module \"docutils.parsers.rst.languages.fr\".\nUsing English fallback for role \"acronym\"."
    );
}

#[test]
fn pep_and_rfc_references_when_enabled() {
    let settings = Settings::default();
    let mut state = DocState::new(&settings);
    let text = "PEP 8, pep-0287.txt, pep-12txt and RFC-2822.";
    let (nodes, _) = parse(&mut state, text, 1);
    assert!(nodes.iter().all(|n| matches!(n, Node::Text(_))));
    state.roles.pep_references = true;
    state.roles.rfc_references = true;
    let (nodes, _) = parse(&mut state, text, 1);
    let refs: Vec<(String, String)> = nodes
        .iter()
        .filter_map(Node::as_element)
        .map(|e| (e.astext(), e.get("refuri").unwrap_or("").to_owned()))
        .collect();
    let expect = [
        ("PEP 8", "https://peps.python.org/pep-0008"),
        ("pep-0287.txt", "https://peps.python.org/pep-0287"),
        ("pep-12txt", "https://peps.python.org/pep-0001"),
        ("RFC-2822", "https://tools.ietf.org/html/rfc2822.html"),
    ];
    let expect: Vec<(String, String)> = expect
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(refs, expect);
}

#[test]
fn character_level_inline_markup() {
    let settings = Settings::default();
    let mut state = DocState::new(&settings);
    state.roles.character_level_inline_markup = true;
    let (nodes, msgs) = parse(&mut state, "in*ter*word and\\*not*", 1);
    assert!(msgs.is_empty());
    let mut p = Element::new(Kind::Paragraph);
    p.children = nodes;
    assert_eq!(
        p.pformat(),
        "<paragraph>\n    in\n    <emphasis>\n        ter\n    word and*not*\n"
    );
}

#[test]
fn duplicate_target_message_goes_to_parent() {
    let settings = Settings::default();
    let mut state = DocState::new(&settings);
    let (_, msgs) = parse(&mut state, "_`a` and _`a`", 1);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].get(".msgnode"), Some("parent"));
}

/// Random strings over the markup alphabet never panic, and every word of
/// the input (but role names) survives in the output or its messages.
#[test]
fn random_markup_never_panics() {
    const ALPHABET: &[&str] = &[
        "*",
        "**",
        "`",
        "``",
        "_",
        "__",
        "|",
        "[",
        "]",
        "#",
        ":",
        "<",
        ">",
        "\\",
        " ",
        "\n",
        "a",
        "b1",
        "http://x.y",
        "a@b.c",
        "(",
        ")",
        "'",
        "\"",
        "\u{ab}",
        "\u{bb}",
        "\u{2019}",
        "-",
        ".",
        ":emphasis:",
        ":raw:",
        ":code:",
        ":x:",
        "\0",
        "\u{3000}",
        "\u{e9}",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let settings = Settings::default();
    for _ in 0..3000 {
        let len = next(30);
        let text: String = (0..len).map(|_| ALPHABET[next(ALPHABET.len())]).collect();
        let mut state = DocState::new(&settings);
        state.roles.pep_references = next(2) == 0;
        state.roles.character_level_inline_markup = next(4) == 0;
        let (nodes, msgs) = parse(&mut state, &text, 1);
        let mut out: String = nodes.iter().map(Node::astext).collect();
        out.extend(msgs.iter().map(Element::astext));
        assert!(
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !["emphasis", "raw", "code"].contains(w))
                .all(|w| w.is_empty() || out.contains(w)),
            "lost text: {text:?} -> {out:?}"
        );
    }
}

#[test]
fn nikola_doc_role_links_by_slug() {
    assert_eq!(
        pf(":doc:`the manual <handbook>` :doc:`quickref`"),
        "<paragraph>\n    <reference refuri=\"link://slug/handbook\">\n        the manual\n     \n    <reference refuri=\"link://slug/quickref\">\n        quickref\n"
    );
}

/// `.rawsource` is kept where the transforms could not rebuild the text
/// of a `problematic` node from the reference itself.
#[test]
fn phrase_references_keep_their_source_where_needed() {
    let settings = Settings::default();
    let raw_of = |text: &str| {
        let mut state = DocState::new(&settings);
        let (nodes, _) = parse(&mut state, text, 1);
        nodes
            .iter()
            .filter_map(Node::as_element)
            .find(|e| e.kind == Kind::Reference)
            .and_then(|e| e.get(".rawsource").map(str::to_owned))
    };
    assert_eq!(raw_of("`Python`_"), Some("`Python`_".into()));
    assert_eq!(raw_of("`q`__"), Some("`q`__".into()));
    assert_eq!(raw_of("|s|_"), Some("|s|_".into()));
    // rebuilt alike: nothing recorded
    assert_eq!(raw_of("`two words`_"), None);
    assert_eq!(raw_of("`Two  Words`_"), None);
    assert_eq!(raw_of("`a <b_>`_"), None);
    assert_eq!(raw_of("`x <http://x.org>`_"), None);
}

/// The ASCII fast paths agree with the generated tables.
#[test]
fn ascii_fast_paths_match_tables() {
    let probes = ['\u{bb}', '\u{2019}', '\u{f3b}', '\u{2029}', '\u{a0}'];
    for o in (0..128u8).map(char::from) {
        for c in (0..128u8).map(char::from).chain(probes) {
            assert_eq!(match_chars(o, c), match_chars_table(o, c), "{o:?} {c:?}");
        }
        let space = is_space(o);
        assert_eq!(
            START_PREFIX[o as usize],
            space || in_table(o, chars::OPENERS_DELIMITERS)
        );
        assert_eq!(
            END_SUFFIX[o as usize],
            space || in_table(o, chars::END_SUFFIX_PUNCT)
        );
    }
    assert!(match_chars('(', ')') && match_chars('<', '>') && !match_chars('(', ']'));
}

/// A role inside a name chain (character-level markup) is still found after
/// the initial search skips chains without references; docutils 0.23:
/// `foo:emphasis:`x` y` gives `foo`, emphasis `x`.
#[test]
fn role_inside_a_name_chain() {
    let settings = Settings::default();
    let mut state = DocState::new(&settings);
    state.roles.character_level_inline_markup = true;
    let (nodes, msgs) = parse(&mut state, "foo:emphasis:`x` y", 1);
    let mut p = Element::new(Kind::Paragraph);
    p.children = nodes;
    assert!(msgs.is_empty());
    assert_eq!(
        p.pformat(),
        "<paragraph>\n    foo\n    <emphasis>\n        x\n     y\n"
    );
}

/// The block-wise punctuation search finds what a plain scan finds, in
/// and across 32-byte blocks and in the remainder.
#[test]
fn punct_search_matches_a_plain_scan() {
    for len in [0, 1, 31, 32, 33, 64, 70] {
        for at in 0..=len {
            for c in [b'*', b'`', b'_', b'|', b'[', b':', b'x'] {
                let mut t = vec![b'a'; len];
                if at < len {
                    t[at] = c;
                }
                let naive = t.iter().position(|&b| is_punct_start(char::from(b)));
                assert_eq!(find_punct_byte(&t), naive, "len {len} at {at} {c}");
            }
        }
    }
}

/// `marks` sees every significant byte, and a paragraph without markup is
/// one text node, unchanged.
#[test]
fn marks_and_the_plain_fast_path() {
    assert_eq!(marks("plain words, (and) punctuation."), 0);
    assert_eq!(marks("a_b") & MARKUP_MARK, MARKUP_MARK);
    assert_eq!(marks("x@y") & (MARKUP_MARK | URI_MARK), URI_MARK);
    assert_eq!(marks("a\\b") & ESCAPE_MARK, ESCAPE_MARK);
    assert_eq!(marks("caf\u{e9}") & NON_ASCII_MARK, NON_ASCII_MARK);
    let settings = Settings::default();
    let mut state = DocState::new(&settings);
    let (nodes, msgs) = parse(&mut state, "Plain text,\nno markup.", 1);
    assert!(msgs.is_empty());
    assert!(matches!(nodes.as_slice(), [Node::Text(t)] if t == "Plain text,\nno markup."));
    assert_eq!(normalize_name("Two  WORDS\tHere"), "two words here");
}
