//! `rds-emulator`: a local RDS endpoint that behaves like the real service for CreateBackup
//! and the calls around it.
#![forbid(unsafe_code)]

// The same allocator as the proxy, so that benchmarks compare like with like.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    rds_backup_emulator::cli::main()
}
