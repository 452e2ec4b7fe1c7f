//! Markdown writer (CommonMark + GFM via pulldown-cmark events). STUB: to be replaced.
