//! `rds-backup`: check, explain and build Alibaba Cloud RDS CreateBackup requests.
#![forbid(unsafe_code)]

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  # Is this request valid for a MySQL instance on local disk? (exit 0 yes, 1 no, 2 unusable input)
  echo '{\"Engine\":\"MySQL\",\"StorageType\":\"local_ssd\",\"DBInstanceId\":\"rm-uf6wjk5xxxxxxx\",
         \"BackupMethod\":\"Logical\",\"BackupStrategy\":\"db\",\"DBName\":\"orders,users\"}' | rds-backup check

  # What may I choose for SQL Server once BackupMethod is Physical?
  rds-backup options --engine SQLServer --storage cloud_essd --set BackupMethod=Physical

Input keys (one JSON object on stdin): Engine (MySQL, PostgreSQL, SQLServer, MariaDB),
StorageType (local_ssd, ephemeral_ssd, cloud_ssd, cloud_essd, cloud_essd2, cloud_essd3,
general_essd), then the API parameters by their API names: DBInstanceId, DBName (comma
separated), BackupMethod, BackupStrategy, BackupType, BackupRetentionPeriod (a number).";

/// Compose and check CreateBackup requests for ApsaraDB RDS, engine by engine.
///
/// Every command prints one JSON object on stdout. Errors name the field and
/// the API's error code (e.g. InvalidBackupMethod.ValueNotSupport).
#[derive(Parser)]
#[command(name = "rds-backup", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a request (JSON on stdin) and print the parameters that would be sent.
    ///
    /// Prints {"ok": bool, "errors": [{"code", "field", "message"}], "params": {...}}.
    /// Exit status: 0 valid, 1 refused by a rule, 2 input unusable.
    Check,
    /// Show what each field may be, given the engine, the storage and the fields set so far.
    ///
    /// Withheld values come with the reason, e.g. "Logical: MySQL on local disk only".
    Options(commands::OptionsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check => commands::check(&commands::read_stdin()),
        Command::Options(args) => commands::options(&args),
    };
    outcome.print()
}
