#![forbid(unsafe_code)]

mod cli;
mod cmd;

fn main() {
    std::process::exit(cli::main());
}
