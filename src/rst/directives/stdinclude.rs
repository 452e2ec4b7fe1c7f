//! docutils' standard include files (`.. include:: <isonum.txt>`), public
//! domain data from docutils 0.23 `parsers/rst/include/`.

/// (file name, contents), sorted by name.
pub static FILES: &[(&str, &str)] = &[
    ("html-roles.txt", include_str!("include/html-roles.txt")),
    ("isoamsa.txt", include_str!("include/isoamsa.txt")),
    ("isoamsb.txt", include_str!("include/isoamsb.txt")),
    ("isoamsc.txt", include_str!("include/isoamsc.txt")),
    ("isoamsn.txt", include_str!("include/isoamsn.txt")),
    ("isoamso.txt", include_str!("include/isoamso.txt")),
    ("isoamsr.txt", include_str!("include/isoamsr.txt")),
    ("isobox.txt", include_str!("include/isobox.txt")),
    ("isocyr1.txt", include_str!("include/isocyr1.txt")),
    ("isocyr2.txt", include_str!("include/isocyr2.txt")),
    ("isodia.txt", include_str!("include/isodia.txt")),
    ("isogrk1.txt", include_str!("include/isogrk1.txt")),
    ("isogrk2.txt", include_str!("include/isogrk2.txt")),
    ("isogrk3.txt", include_str!("include/isogrk3.txt")),
    ("isogrk4-wide.txt", include_str!("include/isogrk4-wide.txt")),
    ("isogrk4.txt", include_str!("include/isogrk4.txt")),
    ("isolat1.txt", include_str!("include/isolat1.txt")),
    ("isolat2.txt", include_str!("include/isolat2.txt")),
    ("isomfrk-wide.txt", include_str!("include/isomfrk-wide.txt")),
    ("isomfrk.txt", include_str!("include/isomfrk.txt")),
    ("isomopf-wide.txt", include_str!("include/isomopf-wide.txt")),
    ("isomopf.txt", include_str!("include/isomopf.txt")),
    ("isomscr-wide.txt", include_str!("include/isomscr-wide.txt")),
    ("isomscr.txt", include_str!("include/isomscr.txt")),
    ("isonum.txt", include_str!("include/isonum.txt")),
    ("isopub.txt", include_str!("include/isopub.txt")),
    ("isotech.txt", include_str!("include/isotech.txt")),
    ("mmlalias.txt", include_str!("include/mmlalias.txt")),
    (
        "mmlextra-wide.txt",
        include_str!("include/mmlextra-wide.txt"),
    ),
    ("mmlextra.txt", include_str!("include/mmlextra.txt")),
    ("s5defs.txt", include_str!("include/s5defs.txt")),
    ("xhtml1-lat1.txt", include_str!("include/xhtml1-lat1.txt")),
    (
        "xhtml1-special.txt",
        include_str!("include/xhtml1-special.txt"),
    ),
    (
        "xhtml1-symbol.txt",
        include_str!("include/xhtml1-symbol.txt"),
    ),
];

/// The contents of a standard include file.
pub fn get(name: &str) -> Option<&'static str> {
    FILES
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| FILES[i].1)
}
