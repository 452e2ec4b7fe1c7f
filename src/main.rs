#![forbid(unsafe_code)]

use std::io::Read;

fn main() {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).unwrap();
    let parsed = postconv::rst::parse(&text, &postconv::rst::Settings::default());
    print!("{}", parsed.document.pformat());
}
