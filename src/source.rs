//! A post: metadata split from the reST body. STUB: to be replaced.

use jiff::ZonedDateTime as Zoned;
use serde::Serialize;
use std::collections::BTreeMap;

/// A post's metadata, from a Nikola header, front matter or a `.meta` file.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Metadata {
    pub title: Option<String>,
    pub slug: Option<String>,
    /// The date with its zone; naive dates take the configured time zone.
    pub date: Option<Zoned>,
    pub updated: Option<Zoned>,
    pub tags: Vec<String>,
    pub category: Option<String>,
    pub author: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
    /// Every other key, as written (`type`, `status`, unknown keys...).
    pub other: BTreeMap<String, String>,
}

/// A post: its metadata and its reST body.
#[derive(Clone, Debug, Default)]
pub struct Post {
    pub meta: Metadata,
    pub body: String,
    /// Number of source lines before the body (so body line N is file line N + offset).
    pub body_line_offset: usize,
}
