//! The STS side (API version 2015-04-01) on the same address, as the gateway dispatches
//! by version: `GetCallerIdentity`, so a proxy can learn its account.

use crate::actions::Args;
use crate::api::ApiError;
use crate::fleet::DEMO_ACCOUNT_ID;
use crate::state::State;
use serde_json::{Value, json};

/// The STS API version.
pub const STS_VERSION: &str = "2015-04-01";

/// `GetCallerIdentity`: the account and identity of the signing key.
pub fn get_caller_identity(_state: &State, key_id: &str) -> Result<Value, ApiError> {
    let sts = key_id.starts_with("STS.");
    let (kind, arn) = if sts {
        (
            "AssumedRoleUser",
            format!("acs:ram::{DEMO_ACCOUNT_ID}:assumed-role/emulator-role/session"),
        )
    } else {
        ("Account", format!("acs:ram::{DEMO_ACCOUNT_ID}:root"))
    };
    Ok(json!({
        "AccountId": DEMO_ACCOUNT_ID,
        "UserId": DEMO_ACCOUNT_ID,
        "PrincipalId": DEMO_ACCOUNT_ID,
        "IdentityType": kind,
        "Arn": arn,
    }))
}

/// Runs an STS action by name; `None` when the emulator does not know it.
pub fn dispatch(
    state: &State,
    action: &str,
    key_id: &str,
    _args: &Args,
) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "GetCallerIdentity" => get_caller_identity(state, key_id),
        _ => return None,
    })
}
