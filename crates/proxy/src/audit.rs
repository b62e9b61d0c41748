//! The audit stream: one JSON line per CreateBackup attempt, who asked for what and what
//! came of it, to a file or to stdout for log shipping. Never a secret. Lines are written
//! by a thread of their own, off the async workers; the durable record is the store.

use serde::Serialize;
use serde_json::Value;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// One audit record.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AuditRecord {
    /// UTC time, `yyyy-MM-ddTHH:mm:ssZ`.
    pub time: String,
    /// The proxy's request id (the one in the caller's error body and the logs; also the
    /// submission's id in the store).
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
    /// `sent`, `refused`, `denied`, `failed`, `unknown` or `not-started`.
    pub outcome: &'static str,
    /// The HTTP status returned to the client.
    pub status: u16,
    /// The code, when it was not a success.
    pub code: Option<String>,
    /// Why it was refused or denied, in words.
    pub reason: Option<String>,
}

#[derive(Default)]
struct Counts {
    queued: AtomicU64,
    written: AtomicU64,
    failed: AtomicU64,
}

/// Where audit records go: a writer thread fed by a channel, one line per record,
/// flushed each time.
pub struct AuditLog {
    tx: Mutex<Option<mpsc::Sender<String>>>,
    counts: Arc<Counts>,
}

impl AuditLog {
    /// Writes to `out` from a thread of its own.
    pub fn new(mut out: Box<dyn Write + Send>) -> Self {
        let (tx, rx) = mpsc::channel::<String>();
        let counts = Arc::new(Counts::default());
        let seen = counts.clone();
        let spawned = std::thread::Builder::new()
            .name("audit-log".into())
            .spawn(move || {
                for line in rx {
                    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                        seen.failed.fetch_add(1, Ordering::Relaxed);
                        tracing::error!("the audit log could not be written");
                    }
                    seen.written.fetch_add(1, Ordering::Release);
                }
            });
        if spawned.is_err() {
            tracing::error!("the audit log's writer could not start: lines go nowhere");
        }
        AuditLog {
            tx: Mutex::new(Some(tx)),
            counts,
        }
    }

    /// Queues a record (never blocks on the file).
    pub fn write(&self, record: &AuditRecord) {
        let Ok(line) = serde_json::to_string(record) else {
            return;
        };
        let tx = self
            .tx
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = tx.as_ref() {
            self.counts.queued.fetch_add(1, Ordering::Relaxed);
            if tx.send(line).is_err() {
                self.counts.written.fetch_add(1, Ordering::Relaxed);
                self.counts.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Waits (at most `limit`) until every queued line has been written; true if they were.
    pub fn settle(&self, limit: Duration) -> bool {
        let start = Instant::now();
        loop {
            let queued = self.counts.queued.load(Ordering::Relaxed);
            if self.counts.written.load(Ordering::Acquire) >= queued {
                return true;
            }
            if start.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// How many lines could not be written.
    pub fn failures(&self) -> u64 {
        self.counts.failed.load(Ordering::Relaxed)
    }
}
