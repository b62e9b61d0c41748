//! The emulator's memory: the fleet, the keys, the backup jobs, the nonces seen.
//! One lock per table, held briefly and never across an await.

use crate::fleet::Fleet;
use rds_backup_core::{Secret, UtcTime};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Where the emulator reads the time; tests use [`ManualClock`].
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;

    /// The time with one-second precision.
    fn now(&self) -> UtcTime {
        UtcTime::from_unix(self.now_ms().div_euclid(1000))
    }
}

/// The machine's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A clock that moves only when told to (it starts at the machine's time).
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock(Arc::new(AtomicI64::new(SystemClock.now_ms())))
    }
}

impl ManualClock {
    /// Moves the clock forward (or back, with a negative value).
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock.
    pub fn set_ms(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// An AccessKey the emulator accepts.
#[derive(Clone, Debug)]
pub struct AccessKey {
    /// The id.
    pub id: String,
    /// The secret.
    pub secret: Secret,
    /// If set, requests signed with this key must carry this STS token.
    pub token: Option<Secret>,
    /// A disabled key is refused with `InvalidAccessKeyId.Inactive`.
    pub active: bool,
}

impl AccessKey {
    /// Reads `ID:SECRET` or `ID:SECRET:STS_TOKEN`.
    pub fn parse(s: &str) -> Result<AccessKey, String> {
        let mut parts = s.splitn(3, ':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(id), Some(secret), token) if !id.is_empty() && !secret.is_empty() => {
                Ok(AccessKey {
                    id: id.to_owned(),
                    secret: Secret::new(secret),
                    token: token.filter(|t| !t.is_empty()).map(Secret::new),
                    active: true,
                })
            }
            _ => Err("an access key is ID:SECRET or ID:SECRET:STS_TOKEN".to_owned()),
        }
    }
}

/// What a backup job was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobSpec {
    /// The parameters as sent (canonical, from core).
    pub params: Vec<(String, String)>,
    /// The method as the emulator reports it (MariaDB's Physical is a Snapshot).
    pub method: String,
    /// `FullBackup` or `IncrementalBackup`.
    pub backup_type: String,
    /// The databases, if a database-level backup.
    pub db_names: Vec<String>,
}

/// A backup job and, once finished, its backup set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// `BackupJobId`.
    pub id: u64,
    /// The instance.
    pub instance: String,
    /// When it was created (ms).
    pub created_ms: i64,
    /// How long it runs (ms).
    pub duration_ms: i64,
    /// What it does.
    pub spec: JobSpec,
    /// Set when the job is to fail at its end, with the service's reason.
    pub fail_reason: Option<String>,
}

/// The stages of a job, as `BackupStatus` spells them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Queued.
    NoStart,
    /// Getting ready.
    Preparing,
    /// Copying data.
    Uploading,
    /// Done: the backup set exists.
    Finished,
    /// Ended without a backup set.
    Failed,
}

impl Stage {
    /// The API's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::NoStart => "NoStart",
            Stage::Preparing => "Preparing",
            Stage::Uploading => "Uploading",
            Stage::Finished => "Finished",
            Stage::Failed => "Failed",
        }
    }

    /// Whether the job has ended (finished or failed).
    pub const fn ended(self) -> bool {
        matches!(self, Stage::Finished | Stage::Failed)
    }
}

impl Job {
    /// The stage and the percentage done at `now_ms`.
    pub fn progress(&self, now_ms: i64) -> (Stage, u8) {
        let elapsed = (now_ms - self.created_ms).max(0);
        if self.duration_ms <= 0 || elapsed >= self.duration_ms {
            return match self.fail_reason {
                Some(_) => (Stage::Failed, 100),
                None => (Stage::Finished, 100),
            };
        }
        let permille = elapsed * 1000 / self.duration_ms;
        let stage = match permille {
            0..100 => Stage::NoStart,
            100..300 => Stage::Preparing,
            _ => Stage::Uploading,
        };
        let pct = u8::try_from((permille / 10).min(99)).unwrap_or(99);
        (stage, pct)
    }

    /// The backup set this job produces.
    pub fn backup_id(&self) -> u64 {
        self.id + 1_000_000_000
    }
}

/// The jobs of every instance.
#[derive(Debug, Default)]
pub struct Jobs {
    next_id: u64,
    /// Every job ever created, oldest first.
    pub all: Vec<Job>,
}

impl Jobs {
    /// Adds a job and returns its id.
    pub fn push(
        &mut self,
        instance: &str,
        created_ms: i64,
        duration_ms: i64,
        spec: JobSpec,
        fail_reason: Option<String>,
    ) -> u64 {
        if self.next_id == 0 {
            // Ids grow with time, like the service's: an emulator started again (a demo
            // restarted) never hands out an id it gave before.
            self.next_id = u64::try_from(created_ms.max(1))
                .unwrap_or(1)
                .saturating_mul(1000);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.all.push(Job {
            id,
            instance: instance.to_owned(),
            created_ms,
            duration_ms,
            spec,
            fail_reason,
        });
        id
    }
}

/// Everything the handlers share.
pub struct State {
    /// The instances.
    pub fleet: Fleet,
    /// The keys, by id.
    pub keys: HashMap<String, AccessKey>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// How long a backup job runs.
    pub job_ms: i64,
    /// How long after its job ends a backup set shows in DescribeBackups (the service's lag).
    pub backup_list_lag_ms: i64,
    /// Refuse a nonce seen before (always, except in a load benchmark).
    pub check_replay: bool,
    /// What STS issued and trusts.
    pub sts: crate::sts::Sts,
    /// Throttling: every `every`-th CreateBackup is refused `Throttling.User`, not run.
    pub throttle: Option<Throttle>,
    /// CreateBackup calls so far (for throttling).
    pub create_calls: AtomicU64,
    /// The jobs.
    jobs: Mutex<Jobs>,
    /// Instances whose failing job (the fleet's `FailNextBackup`) has run already.
    failed_once: Mutex<std::collections::HashSet<String>>,
    /// Nonces seen within the window.
    nonces: Nonces,
    requests: AtomicU64,
    seed: u64,
}

/// A share of CreateBackup calls answered as the service does under flow control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttle {
    /// One call in `every` is throttled.
    pub every: u64,
    /// The `x-acs-retry-after` sent with it, in milliseconds.
    pub retry_after_ms: u64,
}

/// The timestamp window and the nonce memory: 15 minutes.
pub const WINDOW_SECS: u64 = 15 * 60;

/// The most nonces remembered at once; past it the oldest are forgotten first. At this
/// size a replay is caught unless over a million calls came in between.
pub const NONCE_MEMORY: usize = 1 << 20;

/// Independent parts of the nonce memory: less waiting on one lock, and a table that
/// grows in small steps (no long pause to rehash a million entries).
const NONCE_SHARDS: usize = 16;

/// Nonces seen within the window, as keyed 64-bit hashes of (key id, nonce): a false
/// "seen" would need a 64-bit collision under a per-process random key.
struct Nonces {
    hasher: std::collections::hash_map::RandomState,
    shards: Vec<Mutex<NonceShard>>,
}

impl Default for Nonces {
    fn default() -> Nonces {
        Nonces {
            hasher: std::collections::hash_map::RandomState::new(),
            shards: (0..NONCE_SHARDS).map(|_| Mutex::default()).collect(),
        }
    }
}

impl Nonces {
    /// Records a nonce of `key_id` signed at `signed` (ms), arriving at `now`; false if it
    /// was seen before and is still remembered: until its signed time plus `window`, as
    /// the gateway remembers it (a request signed in the future stays refused that long).
    fn record(&self, key_id: &str, nonce: &str, signed: i64, now: i64, window: i64) -> bool {
        use std::hash::BuildHasher;
        let h = self.hasher.hash_one((key_id, nonce));
        // The low bits pick the shard; the table inside hashes the value again.
        let shard = usize::try_from(h % NONCE_SHARDS as u64).unwrap_or(0);
        self.shards.get(shard).is_some_and(|s| {
            lock(s).record(h, signed + window, now, window, NONCE_MEMORY / NONCE_SHARDS)
        })
    }
}

/// One part of the nonce memory, in arrival order, so that forgetting costs O(1) per call
/// instead of a scan of the table. A nonce is kept until its signed time plus the window;
/// since a request is refused unless signed within a window of its arrival, every nonce
/// that arrived more than two windows ago has expired and can go from the front.
#[derive(Default)]
struct NonceShard {
    /// hash -> until when it is remembered (ms).
    seen: HashMap<u64, i64>,
    /// (arrival, hash), oldest first.
    order: std::collections::VecDeque<(i64, u64)>,
}

impl NonceShard {
    fn record(&mut self, h: u64, until: i64, now: i64, window: i64, capacity: usize) -> bool {
        if self.seen.capacity() == 0 {
            // Sized once for all it may hold: no rehash pause when a busy emulator fills
            // it. Only the table's control bytes are written now; the rest of the memory
            // is touched as nonces come in.
            self.seen.reserve(capacity);
            self.order.reserve(capacity);
        }
        // Forget what cannot be remembered any more, or does not fit (if a test moves the
        // clock back, only the front is looked at, so that costs nothing either).
        while let Some(&(arrived, old)) = self.order.front() {
            let full = self.order.len() >= capacity;
            if now - arrived <= 2 * window && !full {
                break;
            }
            self.order.pop_front();
            // Only if it was not seen again since (then a later entry keeps it).
            if self.seen.get(&old).is_some_and(|u| *u <= now || full) {
                self.seen.remove(&old);
            }
        }
        match self.seen.get(&h) {
            Some(u) if *u >= now => false,
            _ => {
                self.seen.insert(h, until);
                self.order.push_back((now, h));
                true
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked cannot leave these tables half-written: recover the data.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl State {
    /// A fresh state.
    pub fn new(fleet: Fleet, keys: Vec<AccessKey>, clock: Arc<dyn Clock>, job_ms: i64) -> State {
        let mut seed = [0u8; 8];
        // Without randomness request ids are still unique (the counter); only less random-looking.
        let _ = getrandom::fill(&mut seed);
        // The sets the fleet says were made earlier today: finished, listed by
        // DescribeBackups, counted against the daily limit.
        let mut jobs = Jobs::default();
        let now = clock.now_ms();
        let earlier = (now - 600_000).max(now - now.rem_euclid(86_400_000));
        for inst in fleet.instances.iter().filter(|i| i.backups_today > 0) {
            for _ in 0..inst.backups_today {
                let spec = JobSpec {
                    params: Vec::new(),
                    method: if inst.storage.kind() == rds_backup_core::StorageKind::Cloud {
                        "Snapshot"
                    } else {
                        "Physical"
                    }
                    .into(),
                    backup_type: "FullBackup".into(),
                    db_names: Vec::new(),
                };
                jobs.push(&inst.id, earlier, 0, spec, None);
            }
        }
        State {
            fleet,
            keys: keys.into_iter().map(|k| (k.id.clone(), k)).collect(),
            clock,
            job_ms,
            backup_list_lag_ms: 0,
            check_replay: true,
            sts: crate::sts::Sts::default(),
            throttle: None,
            create_calls: AtomicU64::new(0),
            jobs: Mutex::new(jobs),
            failed_once: Mutex::default(),
            nonces: Nonces::default(),
            requests: AtomicU64::new(0),
            seed: u64::from_le_bytes(seed),
        }
    }

    /// A new request id, shaped like the service's (`2C125605-266F-41CA-8AC5-3A643D4F42C5`).
    pub fn request_id(&self) -> String {
        rds_backup_core::report::request_id(
            self.seed,
            self.requests.fetch_add(1, Ordering::Relaxed),
        )
    }

    /// Records a nonce signed at `signed`; false if it is still remembered from before.
    pub fn fresh_nonce(&self, key_id: &str, nonce: &str, signed: UtcTime) -> bool {
        if !self.check_replay {
            return true;
        }
        let now = self.clock.now_ms();
        let window = i64::try_from(WINDOW_SECS * 1000).unwrap_or(i64::MAX);
        self.nonces
            .record(key_id, nonce, signed.unix() * 1000, now, window)
    }

    /// The reason the instance's next job fails, once (the fleet's `FailNextBackup`).
    pub fn take_failure(&self, instance: &crate::fleet::Instance) -> Option<String> {
        let reason = instance.fail_next_backup.clone()?;
        lock(&self.failed_once)
            .insert(instance.id.clone())
            .then_some(reason)
    }

    /// The jobs table, locked.
    pub fn jobs(&self) -> MutexGuard<'_, Jobs> {
        lock(&self.jobs)
    }
}

#[cfg(test)]
mod tests {
    use super::{NONCE_MEMORY, NONCE_SHARDS, NonceShard, Nonces};

    #[test]
    fn a_nonce_is_remembered_until_its_signed_time_plus_the_window() {
        let n = Nonces::default();
        assert!(n.record("id", "n1", 0, 0, 1000));
        assert!(n.record("other-id", "n1", 0, 0, 1000));
        assert!(!n.record("id", "n1", 0, 500, 1000));
        assert!(!n.record("id", "n1", 0, 1000, 1000));
        assert!(n.record("id", "n1", 0, 1001, 1000));
        // Signed 900 ms in the future, it stays refused until 1900 ms, though the arrival
        // was at 0.
        assert!(n.record("id", "f", 900, 0, 1000));
        assert!(!n.record("id", "f", 900, 1500, 1000));
        assert!(!n.record("id", "f", 900, 1900, 1000));
        assert!(n.record("id", "f", 900, 1901, 1000));
    }

    #[test]
    fn expired_nonces_are_forgotten_as_time_moves() {
        let mut s = NonceShard::default();
        for h in 0..100 {
            assert!(s.record(h, 1000, 0, 1000, 1 << 10));
        }
        assert_eq!(s.seen.len(), 100);
        assert!(s.record(1000, 4000, 3000, 1000, 1 << 10));
        assert_eq!(s.seen.len(), 1);
        assert_eq!(s.order.len(), 1);
    }

    #[test]
    fn the_memory_is_bounded_and_keeps_the_newest() {
        let cap = NONCE_MEMORY / NONCE_SHARDS;
        let mut s = NonceShard::default();
        for h in 0..cap as u64 + 10 {
            assert!(s.record(h, 1000, 0, 1000, cap));
        }
        assert!(s.seen.len() <= cap);
        assert!(!s.record(cap as u64 + 9, 1000, 1, 1000, cap));
        // The oldest were forgotten.
        assert!(s.record(0, 1000, 1, 1000, cap));
    }
}
