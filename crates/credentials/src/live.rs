//! Credentials kept fresh while the proxy runs: refreshed in the background before they
//! expire (when 180 s or less remain, as credentials-go does; a third of the key's life
//! for keys that live less than 9 minutes), one refresh at a time however many requests
//! are waiting, the current key used until the new one is in place; a failed refresh is
//! retried with backoff; after the key really expires, [`Live::credentials`] says so
//! clearly until a refresh succeeds again.

use crate::{Error, Fetched, Kind, Provider, key_prefix, now_secs};
use rds_backup_core::{Credentials, UtcTime};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// How long before expiry a refresh starts (at most).
pub const REFRESH_BEFORE_SECS: i64 = 180;
/// The longest wait between two attempts after a failure.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// What `/api/config`, `whoami` and the health check say (never a secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveStatus {
    /// The provider.
    pub provider: String,
    /// Which step of the chain.
    pub kind: Kind,
    /// The first 4 characters of the key id.
    pub key_prefix: String,
    /// When the key expires (seconds since the epoch), for temporary keys.
    pub expires: Option<i64>,
    /// Refreshes that succeeded.
    pub refreshes: u64,
    /// Refreshes that failed.
    pub failures: u64,
    /// The last failure, if the last attempt failed.
    pub last_error: Option<String>,
}

impl LiveStatus {
    /// Seconds until the key expires (`None`: it does not).
    pub fn seconds_left(&self) -> Option<i64> {
        self.expires.map(|e| e - now_secs())
    }
}

/// The proxy's credentials, refreshed as they age.
pub struct Live {
    provider: Provider,
    http: reqwest::Client,
    current: RwLock<Arc<Fetched>>,
    /// When the current key was fetched.
    fetched_at: AtomicI64,
    one_at_a_time: tokio::sync::Mutex<()>,
    refreshes: AtomicU64,
    failures: AtomicU64,
    in_flight: AtomicI64,
    max_in_flight: AtomicI64,
    last_error: Mutex<Option<String>>,
}

impl Live {
    /// Keeps `fetched` (from `provider`) fresh.
    pub fn new(provider: Provider, http: reqwest::Client, fetched: Fetched) -> Arc<Live> {
        Arc::new(Live {
            provider,
            http,
            current: RwLock::new(Arc::new(fetched)),
            fetched_at: AtomicI64::new(now_secs()),
            one_at_a_time: tokio::sync::Mutex::new(()),
            refreshes: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            in_flight: AtomicI64::new(0),
            max_in_flight: AtomicI64::new(0),
            last_error: Mutex::new(None),
        })
    }

    fn now(&self) -> Arc<Fetched> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The credentials to sign with now, or why there are none.
    pub fn credentials(&self) -> Result<Credentials, Error> {
        let f = self.now();
        match f.expires {
            Some(e) if e <= now_secs() => Err(Error::Expired {
                provider: self.provider.name.clone(),
                expired: UtcTime::from_unix(e).to_string(),
                why: self
                    .last_error
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .clone()
                    .unwrap_or_else(|| "no refresh succeeded".into()),
            }),
            _ => Ok(f.credentials.clone()),
        }
    }

    /// Where the credentials stand.
    pub fn status(&self) -> LiveStatus {
        let f = self.now();
        LiveStatus {
            provider: self.provider.name.clone(),
            kind: self.provider.kind.clone(),
            key_prefix: key_prefix(&f.credentials.access_key_id),
            expires: f.expires,
            refreshes: self.refreshes.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            last_error: self
                .last_error
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
        }
    }

    /// The most refreshes that ever ran at once (1 by design).
    pub fn max_refreshes_in_flight(&self) -> i64 {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    /// Fetches new credentials now (one refresh at a time; a caller that waited for a
    /// refresh in flight gets its result without starting another).
    pub async fn refresh(&self) -> Result<(), Error> {
        let before = self.refreshes.load(Ordering::SeqCst) + self.failures.load(Ordering::SeqCst);
        let _one = self.one_at_a_time.lock().await;
        if self.refreshes.load(Ordering::SeqCst) + self.failures.load(Ordering::SeqCst) != before {
            return match self.status().last_error {
                None => Ok(()),
                Some(e) => Err(Error::Provider {
                    provider: self.provider.name.clone(),
                    message: e,
                }),
            };
        }
        let running = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(running, Ordering::SeqCst);
        let result = self.provider.fetch(&self.http).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let mut last = self
            .last_error
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match result {
            Ok(f) => {
                *self
                    .current
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(f);
                self.fetched_at.store(now_secs(), Ordering::SeqCst);
                self.refreshes.fetch_add(1, Ordering::SeqCst);
                *last = None;
                Ok(())
            }
            Err(e) => {
                self.failures.fetch_add(1, Ordering::SeqCst);
                *last = Some(e.to_string());
                Err(e)
            }
        }
    }

    /// When the next refresh is due (seconds since the epoch), for temporary keys.
    fn due(&self) -> Option<i64> {
        let expires = self.now().expires?;
        let life = (expires - self.fetched_at.load(Ordering::SeqCst)).max(1);
        Some(expires - REFRESH_BEFORE_SECS.min(life / 3))
    }

    /// Refreshes in the background until `stop`; returns at once for static credentials.
    pub async fn run(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut backoff = Duration::from_secs(1);
        loop {
            let Some(due) = self.due() else { return };
            let wait = Duration::from_secs(u64::try_from(due - now_secs()).unwrap_or(0));
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            let old = self.now().expires;
            match self.refresh().await {
                Ok(()) if self.now().expires == old => {
                    // The source handed out the same key: ask again a little later.
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(2)) => {}
                        _ = stop.wait_for(|s| *s) => return,
                    }
                }
                Ok(()) => backoff = Duration::from_secs(1),
                Err(_) => {
                    tokio::select! {
                        () = tokio::time::sleep(backoff) => {}
                        _ = stop.wait_for(|s| *s) => return,
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
}
