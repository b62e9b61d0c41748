//! The proxy program as its own process, for the tests that kill it (`kill -9`) and start
//! it again: the same `rds_backup_proxy::cli::main` the `rds-backup-proxy` binary runs.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    rds_backup_proxy::cli::main()
}
