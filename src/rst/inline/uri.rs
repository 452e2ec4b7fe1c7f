//! Standalone URIs and email addresses (docutils' `Inliner.patterns.uri`
//! and `email_pattern`), matched by hand with the regex's backtracking
//! order. Positions index a `&[char]` slice holding `\0` escape marks.

use super::chars::URI_SCHEMES;
use super::{Rules, is_space};

fn is_uric(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '\0' || "-_.!~*'()[];/:@&=+$,%".contains(c)
}

fn is_urilast(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_~*/=+".contains(c)
}

fn is_emailc(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '\0' || "-_!~*'{|}/#?^`&=+$%".contains(c)
}

fn is_scheme_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".+-".contains(c)
}

/// `uri_end`: a last URI character, or any URI character before `>`.
fn uri_end_at(t: &[char], k: usize) -> bool {
    match t.get(k) {
        Some(&c) => is_urilast(c) || (is_uric(c) && t.get(k + 1) == Some(&'>')),
        None => false,
    }
}

fn run_end(t: &[char], from: usize, pred: fn(char) -> bool) -> usize {
    let mut k = from;
    while k < t.len() && pred(t[k]) {
        k += 1;
    }
    k
}

/// A standalone URI or email match in a text slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct UriMatch {
    pub start: usize,
    pub end: usize,
    /// The scheme, for absolute URIs.
    pub scheme: Option<(usize, usize)>,
}

impl UriMatch {
    pub fn is_email(&self) -> bool {
        self.scheme.is_none()
    }
}

/// Memo for repeated attempts inside one long run, keeping search linear.
#[derive(Default)]
pub(super) struct UriMemo {
    /// Scheme run `[start, end)` and the hierarchical-part result after it.
    scheme: Option<(usize, usize, Option<usize>)>,
    /// Email name chain end and the email end after it.
    email: Option<(usize, usize, Option<usize>)>,
}

/// `patterns.uri.search(t)`: the leftmost match. Every match holds a `:`
/// (scheme) or `@` (email) with only non-space characters before it in the
/// match, so starts are tried only from the word start before each.
pub(super) fn search(t: &[char], r: Rules) -> Option<UriMatch> {
    let mut memo = UriMemo::default();
    let end_ok = |t: &[char], k: usize| r.end_ok(t, k);
    let mut i = 0;
    while i < t.len() {
        let q = i + t.get(i..)?.iter().position(|&c| c == ':' || c == '@')?;
        let word = t
            .get(i..q)?
            .iter()
            .rposition(|&c| is_space(c))
            .map_or(i, |d| i + d + 1);
        for j in word..=q {
            if r.start_ok(t, 0, j)
                && let Some(m) = match_at(t, j, &mut memo, &end_ok)
            {
                return Some(m);
            }
        }
        i = q + 1;
    }
    None
}

/// `patterns.uri.match(t)`: a match at the start of `t`.
pub(super) fn match_start(t: &[char], r: Rules) -> Option<UriMatch> {
    let end_ok = |t: &[char], k: usize| r.end_ok(t, k);
    match_at(t, 0, &mut UriMemo::default(), &end_ok)
}

/// `patterns.email` with `$`: all of `t` is an email address.
pub(super) fn is_email(t: &[char]) -> bool {
    let at_end = |t: &[char], e: usize| e == t.len();
    email_at(t, 0, &mut None, &at_end).is_some()
}

type EndOk<'a> = &'a dyn Fn(&[char], usize) -> bool;

fn match_at(t: &[char], i: usize, memo: &mut UriMemo, end_ok: EndOk) -> Option<UriMatch> {
    let c = *t.get(i)?;
    if c.is_ascii_alphabetic() {
        // Every start inside one scheme run shares the colon and what follows.
        let (end, hier) = match memo.scheme {
            Some((s0, end, hier)) if s0 <= i && i < end => (end, hier),
            _ => {
                let end = run_end(t, i, is_scheme_char);
                let hier = if t.get(end) == Some(&':') {
                    hier_part(t, end + 1, end_ok)
                } else {
                    None
                };
                memo.scheme = Some((i, end, hier));
                (end, hier)
            }
        };
        if let Some(e) = hier {
            return Some(UriMatch {
                start: i,
                end: e,
                scheme: Some((i, end)),
            });
        }
    }
    if !is_emailc(c) {
        return None;
    }
    email_at(t, i, &mut memo.email, end_ok).map(|e| UriMatch {
        start: i,
        end: e,
        scheme: None,
    })
}

/// `(//?)? uric* uri_end (\? uric* uri_end)? (\# uric* uri_end)?` followed
/// by the end test; tried longest first as the regex backtracks.
fn hier_part(t: &[char], p: usize, end_ok: EndOk) -> Option<usize> {
    let r = run_end(t, p, is_uric);
    for e in (p + 1..=r).rev() {
        if !uri_end_at(t, e - 1) {
            continue;
        }
        if e == r {
            if t.get(r) == Some(&'?')
                && let Some(x) = query_part(t, r + 1, end_ok)
            {
                return Some(x);
            }
            if t.get(r) == Some(&'#')
                && let Some(x) = fragment_part(t, r + 1, end_ok)
            {
                return Some(x);
            }
        }
        if end_ok(t, e) {
            return Some(e);
        }
    }
    None
}

fn query_part(t: &[char], p: usize, end_ok: EndOk) -> Option<usize> {
    let r = run_end(t, p, is_uric);
    for e in (p + 1..=r).rev() {
        if !uri_end_at(t, e - 1) {
            continue;
        }
        if e == r
            && t.get(r) == Some(&'#')
            && let Some(x) = fragment_part(t, r + 1, end_ok)
        {
            return Some(x);
        }
        if end_ok(t, e) {
            return Some(e);
        }
    }
    None
}

fn fragment_part(t: &[char], p: usize, end_ok: EndOk) -> Option<usize> {
    let r = run_end(t, p, is_uric);
    (p + 1..=r)
        .rev()
        .find(|&e| uri_end_at(t, e - 1) && end_ok(t, e))
}

/// `email_pattern` at `i`: name chain, unescaped `@`, host, final char.
fn email_at(
    t: &[char],
    i: usize,
    memo: &mut Option<(usize, usize, Option<usize>)>,
    end_ok: EndOk,
) -> Option<usize> {
    if !t.get(i).is_some_and(|&c| is_emailc(c)) {
        return None;
    }
    if let Some((s0, end, res)) = *memo
        && s0 <= i
        && i < end
    {
        return res;
    }
    let mut k = i;
    loop {
        k = run_end(t, k, is_emailc);
        if t.get(k) == Some(&'.') && t.get(k + 1).is_some_and(|&c| is_emailc(c)) {
            k += 1;
        } else {
            break;
        }
    }
    let res = if t.get(k) == Some(&'@') && t[k - 1] != '\0' {
        email_host(t, k + 1, end_ok)
    } else {
        None
    };
    *memo = Some((i, k, res));
    res
}

fn email_host(t: &[char], h: usize, end_ok: EndOk) -> Option<usize> {
    if !t.get(h).is_some_and(|&c| is_emailc(c)) {
        return None;
    }
    let run = run_end(t, h, |c| is_emailc(c) || c == '.');
    let last = run.min(t.len().saturating_sub(1));
    (h + 1..=last)
        .rev()
        .find(|&k| uri_end_at(t, k) && end_ok(t, k + 1))
        .map(|k| k + 1)
}

/// Whether a scheme is one docutils knows (`urischemes.schemes`).
pub(super) fn known_scheme(scheme: &str) -> bool {
    let lower = scheme.to_ascii_lowercase();
    URI_SCHEMES.binary_search(&lower.as_str()).is_ok()
}
