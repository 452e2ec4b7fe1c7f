//! Directives: registry, argument/option parsing, and each directive.
//! STUB: to be replaced.
