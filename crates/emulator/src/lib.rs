//! A local RDS endpoint for development and tests: it verifies V3 and V2
//! signatures with core's verifier, enforces the CreateBackup rules (core's table)
//! and the instance preconditions, and runs backup jobs in memory.
#![forbid(unsafe_code)]

pub mod actions;
pub mod api;
pub mod cli;
pub mod fleet;
pub mod metadata;
pub mod server;
pub mod state;
pub mod sts;
pub mod tls;

pub use fleet::{DEMO_ACCOUNT_ID, Fleet};
pub use state::{AccessKey, Clock, ManualClock, State, SystemClock};

use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The demo AccessKey id used when none is configured (documented; not a real key).
pub const DEMO_KEY_ID: &str = "emulator-demo-key-id";
/// The demo AccessKey secret.
pub const DEMO_KEY_SECRET: &str = "emulator-demo-key-secret";
/// How long a backup job runs unless told otherwise.
pub const DEFAULT_JOB_MS: i64 = 4_000;
/// How long after its job a backup set shows in DescribeBackups, unless told otherwise.
pub const DEFAULT_LIST_LAG_MS: i64 = 2_000;

/// What an emulator serves.
pub struct Config {
    /// The instances.
    pub fleet: Fleet,
    /// The keys it accepts (empty: the demo key).
    pub keys: Vec<AccessKey>,
    /// Its clock.
    pub clock: Arc<dyn Clock>,
    /// How long a backup job runs, in milliseconds.
    pub job_ms: i64,
    /// Refuse replayed nonces (turn off only to replay one signed request in a load benchmark).
    pub check_replay: bool,
    /// How long after its job ends a backup set shows in DescribeBackups.
    pub backup_list_lag_ms: i64,
    /// What STS issues and trusts.
    pub sts: sts::Sts,
    /// Throttle a share of CreateBackup calls.
    pub throttle: Option<state::Throttle>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            fleet: Fleet::demo(),
            keys: Vec::new(),
            clock: Arc::new(SystemClock),
            job_ms: DEFAULT_JOB_MS,
            check_replay: true,
            backup_list_lag_ms: DEFAULT_LIST_LAG_MS,
            sts: sts::Sts::default(),
            throttle: None,
        }
    }
}

/// The demo key pair.
pub fn demo_key() -> AccessKey {
    AccessKey {
        id: DEMO_KEY_ID.into(),
        secret: rds_backup_core::Secret::new(DEMO_KEY_SECRET),
        token: None,
        active: true,
    }
}

impl Config {
    /// The shared state for this configuration.
    pub fn into_state(self) -> Arc<State> {
        let keys = if self.keys.is_empty() {
            vec![demo_key()]
        } else {
            self.keys
        };
        let mut state = State::new(self.fleet, keys, self.clock, self.job_ms);
        state.check_replay = self.check_replay;
        state.backup_list_lag_ms = self.backup_list_lag_ms;
        state.sts = self.sts;
        state.throttle = self.throttle;
        Arc::new(state)
    }
}

/// Serves the emulator on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, server::router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
