//! pandoc JSON AST writer. STUB: to be replaced.
