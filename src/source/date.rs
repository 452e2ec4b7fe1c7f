//! Post dates as Nikola writes them, parsed into zoned date-times.
//!
//! Accepted: `2014-11-13`, `2014-11-13 16:59[:00[.123]]`, `2012/03/30 23:00`,
//! `2017-12-15 15:40:44 UTC+03:00`, RFC 3339 (`T`, `Z`, `+03:00`, `+0300`),
//! a trailing `UTC`/`GMT`, an IANA zone name (`... Europe/Moscow`) and RFC 9557
//! (`...[Europe/Moscow]`). Naive values take the configured time zone, as
//! Nikola's `TIMEZONE` does.

use jiff::ZonedDateTime;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

/// Parses a post date; `None` when it is not a date we understand.
pub fn parse_date(s: &str, tz: &TimeZone) -> Option<ZonedDateTime> {
    let s = s.trim();
    if s.ends_with(']') {
        return s.parse::<ZonedDateTime>().ok();
    }
    let mut cur = Cursor { s, pos: 0 };
    let (year, month, day) = date_part(&mut cur)?;
    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0);
    if !cur.rest().is_empty() {
        // `T` or blanks separate the date from the time.
        if !cur.eat(b'T') && !cur.eat(b't') && cur.skip_blanks() == 0 {
            return None;
        }
        (hour, minute, second, nanos) = time_part(&mut cur)?;
    }
    let civil = DateTime::new(year, month, day, hour, minute, second, nanos).ok()?;
    let zone = match zone_part(cur.rest().trim())? {
        Zone::Naive => tz.clone(),
        Zone::Fixed(offset) => TimeZone::fixed(offset),
        Zone::Named(zone) => zone,
    };
    civil.to_zoned_datetime(zone).ok()
}

/// RFC 3339 text for a date (`2014-11-13T16:59:00+03:00`).
pub fn rfc3339(z: &ZonedDateTime) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%.f%:z").to_string()
}

enum Zone {
    Naive,
    Fixed(Offset),
    Named(TimeZone),
}

/// A byte cursor over ASCII syntax; non-ASCII input simply fails to match.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn rest(&self) -> &str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn skip_blanks(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Between `min` and `max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<i32> {
        let start = self.pos;
        let mut n: i32 = 0;
        while self.pos - start < max {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    n = n * 10 + i32::from(b - b'0');
                    self.pos += 1;
                }
                _ => break,
            }
        }
        (self.pos - start >= min).then_some(n)
    }
}

/// `YYYY-MM-DD` or `YYYY/MM/DD` (one-digit month and day allowed).
fn date_part(cur: &mut Cursor) -> Option<(i16, i8, i8)> {
    let year = cur.digits(4, 4)?;
    let sep = cur.peek().filter(|b| matches!(b, b'-' | b'/'))?;
    cur.pos += 1;
    let month = cur.digits(1, 2)?;
    if !cur.eat(sep) {
        return None;
    }
    let day = cur.digits(1, 2)?;
    Some((
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    ))
}

/// `HH:MM[:SS[.fraction]]`.
fn time_part(cur: &mut Cursor) -> Option<(i8, i8, i8, i32)> {
    let hour = cur.digits(1, 2)?;
    if !cur.eat(b':') {
        return None;
    }
    let minute = cur.digits(2, 2)?;
    let (mut second, mut nanos) = (0, 0);
    if cur.eat(b':') {
        second = cur.digits(2, 2)?;
        if cur.eat(b'.') || cur.eat(b',') {
            nanos = fraction(cur)?;
        }
    }
    Some((
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        nanos,
    ))
}

/// Fractional seconds as nanoseconds; digits beyond nanoseconds are dropped.
fn fraction(cur: &mut Cursor) -> Option<i32> {
    let (mut nanos, mut count) = (0i32, 0);
    while let Some(b @ b'0'..=b'9') = cur.peek() {
        if count < 9 {
            nanos = nanos * 10 + i32::from(b - b'0');
        }
        count += 1;
        cur.pos += 1;
    }
    if count == 0 {
        return None;
    }
    for _ in count..9 {
        nanos *= 10;
    }
    Some(nanos)
}

/// What follows the time: nothing, `Z`, `UTC`, `UTC+03:00`, `+0300`, a zone name.
fn zone_part(rest: &str) -> Option<Zone> {
    if rest.is_empty() {
        return Some(Zone::Naive);
    }
    let mut tail = rest;
    for prefix in ["UTC", "GMT", "Z", "z"] {
        if let Some(t) = rest.strip_prefix(prefix) {
            if t.is_empty() {
                return Some(Zone::Fixed(Offset::UTC));
            }
            tail = t.trim_start();
            break;
        }
    }
    if let Some(offset) = numeric_offset(tail) {
        return Some(Zone::Fixed(offset));
    }
    if tail.len() == rest.len() && rest.contains('/') {
        return TimeZone::get(rest).ok().map(Zone::Named);
    }
    None
}

/// `+03:00`, `+0300`, `+03`, `-3`.
fn numeric_offset(s: &str) -> Option<Offset> {
    let mut cur = Cursor { s, pos: 0 };
    let sign = match cur.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    cur.pos += 1;
    let hours = cur.digits(1, 2)?;
    let mut minutes = 0;
    // `+03:00` or `+0300`; a lone `+03` has no minutes.
    if cur.eat(b':') || cur.peek().is_some() {
        minutes = cur.digits(2, 2)?;
    }
    if !cur.rest().is_empty() || minutes > 59 {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Option<String> {
        parse_date(s, &TimeZone::UTC).map(|z| rfc3339(&z))
    }

    #[test]
    fn nikola_forms() {
        let cases = [
            ("2014-11-13 16:59:00", "2014-11-13T16:59:00+00:00"),
            ("2017-12-15 15:40:44 UTC+03:00", "2017-12-15T15:40:44+03:00"),
            ("2017-12-15 15:40:44 UTC-05:30", "2017-12-15T15:40:44-05:30"),
            ("2012/03/30 23:00", "2012-03-30T23:00:00+00:00"),
            ("2014-11-13", "2014-11-13T00:00:00+00:00"),
            ("2014-1-3 9:05", "2014-01-03T09:05:00+00:00"),
            ("2014-11-13 16:59:00 UTC", "2014-11-13T16:59:00+00:00"),
        ];
        for (input, want) in cases {
            assert_eq!(utc(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn rfc3339_forms() {
        let cases = [
            ("2014-11-13T16:59:00Z", "2014-11-13T16:59:00+00:00"),
            ("2014-11-13T16:59:00+03:00", "2014-11-13T16:59:00+03:00"),
            ("2014-11-13T16:59:00-0700", "2014-11-13T16:59:00-07:00"),
            (
                "2014-11-13T16:59:00.25+01:00",
                "2014-11-13T16:59:00.25+01:00",
            ),
            ("2014-11-13 16:59:00+05", "2014-11-13T16:59:00+05:00"),
        ];
        for (input, want) in cases {
            assert_eq!(utc(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn naive_dates_take_the_configured_zone() {
        let tz = TimeZone::fixed(Offset::from_hours(3).unwrap());
        let z = parse_date("2014-11-13 16:59:00", &tz).unwrap();
        assert_eq!(rfc3339(&z), "2014-11-13T16:59:00+03:00");
        // An explicit offset wins over the configured zone.
        let z = parse_date("2014-11-13 16:59:00 UTC-01:00", &tz).unwrap();
        assert_eq!(rfc3339(&z), "2014-11-13T16:59:00-01:00");
    }

    #[test]
    fn named_zones() {
        let Ok(tz) = TimeZone::get("Europe/Moscow") else {
            return; // no tzdb on this machine
        };
        let z = parse_date("2014-11-13 16:59:00", &tz).unwrap();
        assert_eq!(rfc3339(&z), "2014-11-13T16:59:00+03:00");
        let z = parse_date("2014-11-13 16:59:00 Europe/Moscow", &TimeZone::UTC).unwrap();
        assert_eq!(rfc3339(&z), "2014-11-13T16:59:00+03:00");
        let z = parse_date("2014-11-13T16:59:00+03:00[Europe/Moscow]", &TimeZone::UTC).unwrap();
        assert_eq!(rfc3339(&z), "2014-11-13T16:59:00+03:00");
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "yesterday",
            "2014-13-01",
            "2014-02-30",
            "2014-11-13 25:00",
            "2014-11-13 16:59:00 UTC+3:7",
            "2014-11-13 16:59 nonsense",
            "2014-11-13x",
            "2014-11/13",
            "2014-11-13 16:59:00 +99:00",
            "2014-11-13 16:59:00+03:",
            "２０１４-11-13",
        ] {
            assert_eq!(utc(bad), None, "{bad:?}");
        }
    }
}
