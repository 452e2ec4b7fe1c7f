//! postconv: reStructuredText blog posts to Markdown, HTML, EPUB and JSON.
#![forbid(unsafe_code)]

pub mod doctree;
pub mod rst;
pub mod source;
pub mod transform;
pub mod write;
