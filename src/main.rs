#![forbid(unsafe_code)]

mod cli;
mod cmd;

// The parser and writers allocate many small nodes and strings; mimalloc
// is markedly faster at that than glibc's allocator on a worker thread.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack for worker threads: the parser's nesting limit bounds recursion,
/// and deep (limit-deep) documents need more than rayon's 2 MiB default.
const WORKER_STACK: usize = 16 << 20;

fn main() {
    // Fails only if a pool already exists, which cannot happen this early.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build_global();
    std::process::exit(cli::main());
}
