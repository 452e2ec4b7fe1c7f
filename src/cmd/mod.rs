//! Subcommands: one file per verb, each with its clap `Args` and `execute`.

pub mod digest;
pub mod migrate;
