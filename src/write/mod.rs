//! Writers: one module per output format, all reading the doctree.

pub mod html;
pub mod md;
