//! `postconv digest`. STUB: to be replaced.

use clap::Args;

#[derive(Args, Debug)]
pub struct DigestArgs {
    /// The Nikola site folder.
    pub site: std::path::PathBuf,
}

/// Runs the subcommand; returns the exit status.
pub fn execute(args: &DigestArgs) -> anyhow::Result<i32> {
    anyhow::bail!("{}: `digest` is not implemented yet", args.site.display())
}
