//! The `External` CLI profile mode: a command (`process_command`, split as a shell would,
//! never run through one) prints credentials as JSON on stdout within 60 s:
//! `{"mode": "AK" | "StsToken", "access_key_id", "access_key_secret", "sts_token", "expiration"}`.

use crate::Fetched;
use rds_backup_core::{Credentials, UtcTime};
use serde_json::Value;
use std::time::Duration;

/// How long the command may take.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Splits a command line into words: spaces separate, single and double quotes group,
/// a backslash escapes the next character (outside single quotes).
fn words(cmd: &str) -> Result<Vec<String>, String> {
    let (mut out, mut cur, mut in_word) = (Vec::new(), String::new(), false);
    let mut chars = cmd.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => cur.push(c),
            (_, '\\') => {
                cur.push(chars.next().ok_or("the command ends with a backslash")?);
                in_word = true;
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("the command has an unclosed quote".into());
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// Runs the command and reads its credentials.
pub async fn run(cmd: &str) -> Result<Fetched, String> {
    let argv = words(cmd)?;
    let (program, args) = argv.split_first().ok_or("process_command is empty")?;
    let child = tokio::process::Command::new(program)
        .args(args)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(TIMEOUT, child)
        .await
        .map_err(|_| format!("the command did not finish within {} s", TIMEOUT.as_secs()))?
        .map_err(|e| format!("the command could not run: {e}"))?;
    if !out.status.success() {
        return Err(format!("the command exited with {}", out.status));
    }
    let stdout = zeroize::Zeroizing::new(out.stdout);
    let v: Value = serde_json::from_slice(&stdout)
        .map_err(|_| "the command's output is not JSON".to_owned())?;
    let text = |k: &str| v[k].as_str().filter(|s| !s.is_empty());
    let (Some(id), Some(secret)) = (text("access_key_id"), text("access_key_secret")) else {
        return Err("the command's output has no access_key_id and access_key_secret".into());
    };
    let mut credentials = Credentials::new(id, secret);
    match (text("mode"), text("sts_token")) {
        (_, Some(t)) => credentials = credentials.with_token(t),
        (Some("StsToken"), None) => return Err("mode StsToken without sts_token".into()),
        _ => {}
    }
    let expires = match &v["expiration"] {
        Value::String(s) => Some(
            UtcTime::parse(s)
                .ok_or("expiration is not yyyy-MM-ddTHH:mm:ssZ")?
                .unix(),
        ),
        Value::Number(n) => n.as_i64(),
        _ => None,
    };
    Ok(Fetched {
        credentials,
        expires,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn commands_split_like_a_shell() {
        assert_eq!(
            words(r#"a 'b c' "d\"e" f\ g"#).unwrap(),
            ["a", "b c", "d\"e", "f g"]
        );
        assert!(words("a 'b").is_err());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let f = rt
            .block_on(run(r#"echo '{"mode":"StsToken","access_key_id":"STS.e","access_key_secret":"s","sts_token":"t","expiration":"2030-01-01T00:00:00Z"}'"#))
            .unwrap();
        assert_eq!(f.credentials.access_key_id, "STS.e");
        assert!(rt.block_on(run("false")).is_err());
    }
}
