//! `postconv migrate`. STUB: to be replaced.

use clap::Args;

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The Nikola site folder.
    pub site: std::path::PathBuf,
}

/// Runs the subcommand; returns the exit status.
pub fn execute(args: &MigrateArgs) -> anyhow::Result<i32> {
    anyhow::bail!("{}: `migrate` is not implemented yet", args.site.display())
}
