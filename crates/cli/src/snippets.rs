//! `snippet`: the request as code for another tool or language.

use crate::commands::{Outcome, read_request};
use crate::wire::{bad, resolve_region};
use clap::Args;
use rds_backup_core::snippet::{SnippetLang, Target, snippet as render};

/// Arguments of `snippet`.
#[derive(Args)]
pub struct SnippetArgs {
    /// aliyun, python, node, typescript, java, go, php, csharp, curl (to this project's proxy) or http.
    #[arg(long, default_value = "aliyun")]
    lang: String,
    /// The region (else RegionId in the input, else ALIBABA_CLOUD_REGION_ID).
    #[arg(long)]
    region: Option<String>,
    /// For the aliyun CLI: the profile to use (--profile in the command).
    #[arg(long)]
    profile: Option<String>,
    /// For curl: the proxy's address.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    proxy_url: String,
    /// For curl: send a bearer token from $RDS_BACKUP_TOKEN.
    #[arg(long)]
    token: bool,
}

/// Validates the request on stdin and prints it as a snippet.
pub fn snippet(args: &SnippetArgs, stdin: &Result<String, String>) -> Outcome {
    let (input, request) = match read_request(stdin) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let Some(lang) = SnippetLang::parse(&args.lang) else {
        let all: Vec<&str> = SnippetLang::ALL.iter().map(|l| l.as_str()).collect();
        return bad(
            "lang",
            "InvalidInput.UnknownValue",
            format!("--lang '{}' is not one of {}", args.lang, all.join(", ")),
        );
    };
    let region = match resolve_region(args.region.as_deref(), &input, None) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let target = Target {
        region,
        profile: args.profile.clone(),
        proxy_url: args.proxy_url.clone(),
        proxy_token: args.token,
    };
    Outcome::text(render(&request, &target, lang).trim_end().to_owned(), 0)
}
