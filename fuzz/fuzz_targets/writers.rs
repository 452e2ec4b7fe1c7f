//! reST in -> every output format out, through the CLI's format table.
#![no_main]

use libfuzzer_sys::fuzz_target;
use postconv::write::{self, Format};
use postconv::{InputKind, Options, convert};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // As a post (metadata reaches the front matter); a bad header as plain reST.
    let post = convert(text, None, &Options::default());
    let rst = Options {
        input: InputKind::Rst,
        ..Options::default()
    };
    let Ok(conv) = post.or_else(|_| convert(text, None, &rst)) else {
        return;
    };
    // Both page modes of HTML; md with front matter and gfm without.
    for standalone in [false, true] {
        let mut wopts = write::Options::default();
        wopts.html.standalone = standalone;
        let mut diags = Vec::new();
        for format in Format::ALL {
            let _ = write::render(&conv, format, &wopts, &mut diags);
        }
    }
});
