//! reST in -> post reader, parser and transforms; as a post and as plain reST.
#![no_main]

use libfuzzer_sys::fuzz_target;
use postconv::{InputKind, Options, convert};

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is the CLI's business (an error naming the offset).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for input in [InputKind::Post, InputKind::Rst] {
        let opts = Options {
            input,
            ..Options::default()
        };
        // A malformed header is an error value, never a panic.
        let _ = convert(text, None, &opts);
    }
});
