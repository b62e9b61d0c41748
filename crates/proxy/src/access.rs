//! Who is calling and what they may do: bearer tokens, per-user policies, the audit log.

use crate::error::ProxyError;
use crate::policy::{Decision, Policy};
use rds_backup_core::Region;
use rds_backup_core::policy::{CREATE_BACKUP_ACTION, instance_resource};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

/// The user name when no tokens are configured.
pub const ANONYMOUS: &str = "anonymous";

/// Bearer tokens and policies.
#[derive(Default)]
pub struct Access {
    /// token -> user name; `None`: no token needed.
    pub tokens: Option<HashMap<String, String>>,
    /// user name (or `*` for everyone else) -> policy; `None`: everything allowed.
    pub policies: Option<HashMap<String, Policy>>,
}

/// Reads a tokens file: a JSON object `{"<token>": "<user name>", ...}`.
pub fn read_tokens(text: &str) -> Result<HashMap<String, String>, String> {
    let map: HashMap<String, String> = serde_json::from_str(text).map_err(|e| {
        format!(
            "tokens file: expected {{\"<token>\": \"<user>\"}} (line {} column {})",
            e.line(),
            e.column()
        )
    })?;
    if map.keys().any(|t| t.len() < 16) {
        return Err("tokens file: every token must be at least 16 characters".into());
    }
    Ok(map)
}

/// Reads a policies file: `{"<user>": <RAM policy>, "*": <policy for everyone else>}`.
pub fn read_policies(text: &str) -> Result<HashMap<String, Policy>, String> {
    serde_json::from_str(text).map_err(|e| format!("policies file: {e}"))
}

impl Access {
    /// The user a request's `Authorization` header names.
    pub fn user(&self, authorization: Option<&str>) -> Result<String, ProxyError> {
        let Some(tokens) = &self.tokens else {
            return Ok(ANONYMOUS.into());
        };
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ProxyError::Unauthorized)?;
        // Compare every entry in full, so timing does not tell how much of a token matched.
        let mut found = None;
        for (t, user) in tokens {
            if constant_eq(t.as_bytes(), token.as_bytes()) {
                found = Some(user.clone());
            }
        }
        found.ok_or(ProxyError::Unauthorized)
    }

    fn policy_of(&self, user: &str) -> Option<&Policy> {
        let policies = self.policies.as_ref()?;
        policies.get(user).or_else(|| policies.get("*"))
    }

    /// Checks `rds:CreateBackup` on an instance for a user.
    pub fn check_create(
        &self,
        user: &str,
        region: &Region,
        instance: &str,
    ) -> Result<(), ProxyError> {
        if self.policies.is_none() {
            return Ok(());
        }
        let resource = instance_resource(region, "*", instance);
        let decision = self.policy_of(user).map_or(Decision::ImplicitDeny, |p| {
            p.decide(CREATE_BACKUP_ACTION, &resource)
        });
        match decision {
            Decision::Allowed => Ok(()),
            Decision::ExplicitDeny => Err(ProxyError::Forbidden {
                user: user.into(),
                resource,
                why: "a Deny statement of your policy matches",
            }),
            Decision::ImplicitDeny => Err(ProxyError::Forbidden {
                user: user.into(),
                resource,
                why: "no statement of your policy allows it",
            }),
        }
    }

    /// What a user may do, for `/api/config`.
    pub fn summary(&self, user: &str) -> Value {
        match (&self.policies, self.policy_of(user)) {
            (None, _) => serde_json::json!({"CreateBackup": {"Allow": ["*"], "Deny": []}}),
            (Some(_), None) => serde_json::json!({"CreateBackup": {"Allow": [], "Deny": []}}),
            (Some(_), Some(p)) => serde_json::json!({"CreateBackup": {
                "Allow": p.allowed_resources("rds:CreateBackup"),
                "Deny": p.denied_resources("rds:CreateBackup"),
            }}),
        }
    }
}

use serde_json::Value;

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One audit record: who asked for what, and what came of it. Never a secret.
#[derive(Clone, Debug, Serialize)]
pub struct AuditRecord {
    /// UTC time, `yyyy-MM-ddTHH:mm:ssZ`.
    pub time: String,
    /// The user.
    pub user: String,
    /// The region.
    pub region: Option<String>,
    /// The parameters as sent (or as given, when refused).
    pub params: Value,
    /// The service's RequestId, when it answered.
    pub upstream_request_id: Option<String>,
    /// `sent`, `refused`, `denied` or `failed`.
    pub outcome: &'static str,
    /// The HTTP status returned to the client.
    pub status: u16,
    /// The code, when it was not a success.
    pub code: Option<String>,
}

/// Where audit records go: one JSON object per line, flushed each time.
pub struct AuditLog(Mutex<Box<dyn Write + Send>>);

impl AuditLog {
    /// Writes to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        AuditLog(Mutex::new(out))
    }

    /// Appends a record; a failing log is reported on stderr, never fatal to the request.
    pub fn write(&self, record: &AuditRecord) {
        let Ok(line) = serde_json::to_string(record) else {
            return;
        };
        let mut out = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            tracing::error!("the audit log could not be written");
        }
    }
}
