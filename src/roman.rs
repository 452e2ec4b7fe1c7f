//! Roman numerals, as docutils writes them (1 to 4999: `MMMMCMXCIX`).

/// `n` in upper-case Roman numerals; `None` outside 1..=4999.
pub fn to_roman(mut n: u64) -> Option<String> {
    if !(1..=4999).contains(&n) {
        return None;
    }
    const TABLE: [(u64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            n -= v;
            out.push_str(s);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::to_roman;

    #[test]
    fn docutils_range() {
        assert_eq!(to_roman(1).as_deref(), Some("I"));
        assert_eq!(to_roman(1994).as_deref(), Some("MCMXCIV"));
        assert_eq!(to_roman(4999).as_deref(), Some("MMMMCMXCIX"));
        assert_eq!(to_roman(0), None);
        assert_eq!(to_roman(5000), None);
    }
}
