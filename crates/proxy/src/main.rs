//! `rds-backup-proxy`: serves the console and signs its requests. Without credentials it
//! runs a local emulator in the same process (demo mode).
#![forbid(unsafe_code)]

use std::process::ExitCode;

// Many small, short-lived allocations per call (headers, the signed request, JSON):
// mimalloc serves them faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    rds_backup_proxy::cli::main()
}
