//! Slugs, following Nikola's `utils.slugify`.

/// Makes a URL slug: drops characters other than word characters, `+`,
/// `-` and blanks, trims, lowercases, and turns runs of `-` and blanks into
/// one `-` (Nikola's `USE_SLUGIFY = True` rules). With `ascii`, the text is
/// transliterated first (`Привет мир` -> `privet-mir`); without it, letters
/// of every script are kept (`привет-мир`).
pub fn slugify(s: &str, ascii: bool) -> String {
    let owned;
    let text = if ascii {
        owned = deunicode::deunicode_with_tofu(s, "");
        owned.as_str()
    } else {
        s
    };
    let kept = text
        .chars()
        .filter(|&c| is_word(c) || c == '+' || c == '-' || c.is_whitespace());
    let kept: String = kept.collect();
    let mut out = String::with_capacity(kept.len());
    let mut pending_dash = false;
    for c in kept.trim().chars() {
        if c == '-' || c.is_whitespace() {
            pending_dash = true;
            continue;
        }
        if pending_dash {
            out.push('-');
            pending_dash = false;
        }
        out.extend(c.to_lowercase());
    }
    // Nikola trims blanks before hyphenating, so a trailing `-` survives.
    if pending_dash {
        out.push('-');
    }
    out
}

/// Nikola's "disarmed" slug (`USE_SLUGIFY = False`): the text as written,
/// with only URL- and Windows-unsafe characters replaced by `-`.
pub fn disarmed_slug(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '/' | '\\' | '?' | '#' | '"' | '\'' | '\r' | '\n' | '\t' | '*' | ':' | '<' | '>'
            | '|' => '-',
            c => c,
        })
        .collect()
}

/// Python's `\w` in Unicode mode: letters, digits, marks and `_`.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nikola_doc_examples() {
        assert_eq!(slugify("áéí.óú", true), "aeiou");
        assert_eq!(slugify("foo/bar", true), "foobar");
        assert_eq!(slugify("foo bar", true), "foo-bar");
    }

    #[test]
    fn hyphen_runs_and_case() {
        assert_eq!(
            slugify("  Hello,  World -- Again!  ", true),
            "hello-world-again"
        );
        assert_eq!(slugify("C++ & Rust_lang", true), "c++-rust_lang");
        assert_eq!(slugify("-lead", true), "-lead");
        assert_eq!(slugify("trail -", true), "trail-");
        assert_eq!(slugify("", true), "");
    }

    #[test]
    fn cyrillic() {
        assert_eq!(slugify("Короткие новости", true), "korotkie-novosti");
        assert_eq!(slugify("Короткие новости!", false), "короткие-новости");
    }

    #[test]
    fn untransliterable_characters_are_dropped() {
        assert_eq!(slugify("x\u{10FFFF}y", true), "xy");
    }

    #[test]
    fn disarmed() {
        assert_eq!(disarmed_slug("Что? Где: когда/"), "Что- Где- когда-");
    }
}
