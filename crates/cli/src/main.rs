//! `rds-backup`: check, explain and build Alibaba Cloud RDS CreateBackup requests.
#![forbid(unsafe_code)]

mod commands;
mod direct;
mod plans;
mod snippets;
mod wire;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  # Is this request valid for a MySQL instance on local disk? (exit 0 yes, 1 no, 2 unusable input)
  echo '{\"Engine\":\"MySQL\",\"StorageType\":\"local_ssd\",\"DBInstanceId\":\"rm-uf6wjk5xxxxxxx\",
         \"BackupMethod\":\"Logical\",\"BackupStrategy\":\"db\",\"DBName\":\"orders,users\"}' | rds-backup check

  # What may I choose for SQL Server once BackupMethod is Physical?
  rds-backup options --engine SQLServer --storage cloud_essd --set BackupMethod=Physical

  # The signed request (V3), as curl; credentials from ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET
  rds-backup sign --region cn-hangzhou --format curl < request.json

  # The same request without credentials, signature shown as a placeholder
  rds-backup preview --region cn-hangzhou < request.json

  # The same request as Python code for the official SDK
  rds-backup snippet --lang python --region cn-hangzhou < request.json

  # Reproduce a signature exactly (e.g. to debug SignatureDoesNotMatch)
  rds-backup sign --v2 --endpoint http://127.0.0.1:18080 --timestamp 2023-10-26T10:22:32Z --nonce abc --format json < request.json

Input keys (one JSON object on stdin): Engine (MySQL, PostgreSQL, SQLServer, MariaDB),
StorageType (local_ssd, ephemeral_ssd, cloud_ssd, cloud_essd, cloud_essd2, cloud_essd3,
general_essd), then the API parameters by their API names: DBInstanceId, DBName (comma
separated), BackupMethod, BackupStrategy, BackupType, BackupRetentionPeriod (a number).";

/// Compose and check CreateBackup requests for ApsaraDB RDS, engine by engine.
///
/// `check` and `options` print one JSON object on stdout; `sign` and `preview` print the
/// request (or JSON with --format json). Errors are one JSON object on stdout that names
/// the field and the API's error code (e.g. InvalidBackupMethod.ValueNotSupport).
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
    /// Sign the request (JSON on stdin) and print it, ready to send.
    ///
    /// Credentials: the official provider chain (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET /
    /// ALIBABA_CLOUD_SECURITY_TOKEN, RRSA, ~/.aliyun/config.json in any mode,
    /// ~/.alibabacloud/credentials, the ECS RAM role, ALIBABA_CLOUD_CREDENTIALS_URI), or
    /// --profile NAME. An invalid request
    /// is refused with the `check` output (exit 1). --timestamp and --nonce make the
    /// output reproducible, to compare with another signer.
    Sign(wire::SignArgs),
    /// Print the request that `sign` would print, with placeholders for the key id and
    /// the signature: no credentials needed.
    Preview(wire::WireArgs),
    /// Print the request (JSON on stdin) as code: the aliyun CLI, an official SDK (python,
    /// node, typescript, java, go, php, csharp), curl to the proxy, or raw HTTP.
    ///
    /// Credentials are never written into a snippet: the SDKs read the default chain.
    /// The SDK snippets honour ALIBABA_CLOUD_RDS_ENDPOINT (e.g. http://127.0.0.1:18080).
    Snippet(snippets::SnippetArgs),
    /// Which credentials the chain finds: the provider, the first 4 characters of the key
    /// id, when it expires. Never a secret. Exit 0 found, 2 none.
    Whoami(wire::CredentialArgs),
    /// A fleet plan, made before anything runs: every selected instance with its request
    /// or its reasons. Through the proxy (--proxy URL) or directly with the credential
    /// chain (--region R, optionally --endpoint URL).
    ///
    /// Prints one JSON object per instance: {"DBInstanceId", "RegionId", "Engine",
    /// "StorageType", "ok", "params", "RemainingToday"} or {..., "ok": false, "errors":
    /// [{"code", "message"}]}. Exit status: 0 every item can run, 1 some cannot, 2 no plan.
    Plan(plans::PlanArgs),
    /// Make a fleet plan and run it, following every item to its end: in the proxy
    /// (--proxy URL, the record kept there) or directly from here with the credential chain.
    ///
    /// On a terminal a progress bar; otherwise one JSON line per item state change
    /// ({"DBInstanceId", "RegionId", "state", "BackupJobId", "code", "message"}), then
    /// {"summary": {"finished", "failed", "refused", "skipped"}} (directly also "unknown":
    /// sent without an answer, never sent again). Exit status: 0 only when every runnable
    /// item finished, 1 otherwise, 2 when it could not run.
    Run(plans::RunArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check => commands::check(&commands::read_stdin()),
        Command::Options(args) => commands::options(&args),
        Command::Sign(args) => wire::sign(&args, &commands::read_stdin()),
        Command::Preview(args) => wire::preview(&args, &commands::read_stdin()),
        Command::Snippet(args) => snippets::snippet(&args, &commands::read_stdin()),
        Command::Whoami(args) => wire::whoami(&args),
        Command::Plan(args) => plans::plan(&args),
        Command::Run(args) => plans::run(&args),
    };
    outcome.print()
}
