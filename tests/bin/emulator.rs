//! The emulator program as its own process (for tests that run it in a network namespace
//! or stop and start it): the same `rds_backup_emulator::cli::main` `rds-emulator` runs.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    rds_backup_emulator::cli::main()
}
