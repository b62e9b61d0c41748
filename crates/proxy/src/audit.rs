//! The audit log: one JSON line per CreateBackup attempt, who asked for what and what
//! came of it. Never a secret.

use serde::Serialize;
use serde_json::Value;
use std::io::Write;
use std::sync::Mutex;

/// One audit record.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AuditRecord {
    /// UTC time, `yyyy-MM-ddTHH:mm:ssZ`.
    pub time: String,
    /// The proxy's request id (the one in the caller's error body and the logs).
    pub request_id: String,
    /// The user (empty when the caller was not identified).
    pub user: String,
    /// The region.
    pub region: Option<String>,
    /// The instance.
    pub instance: Option<String>,
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
    /// Why it was refused or denied, in words.
    pub reason: Option<String>,
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
