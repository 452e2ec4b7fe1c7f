//! HTML writer (docutils html5 markup). STUB: to be replaced.
