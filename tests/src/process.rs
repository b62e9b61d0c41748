//! The proxy as a process of its own (the `proxy-under-test` binary: the same program as
//! `rds-backup-proxy`), for the tests that `kill -9` it and start it again.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use crate::{Reply, send_raw};
use std::io::BufRead;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running proxy process, killed when dropped.
pub struct ProxyProcess {
    pub addr: SocketAddr,
    /// The metrics listener, when it was started with `--metrics-listen`.
    pub metrics: Option<SocketAddr>,
    child: Child,
    /// The process's HOME (and its log when no other was given), and the directories it
    /// was given to keep ([`ProxyProcess::keeping`]): removed after the kill.
    _dirs: Vec<tempfile::TempDir>,
}

impl ProxyProcess {
    /// Starts `exe` with `args` and `env` (on top of a clean HOME and no credentials) and
    /// waits for its `console:` line.
    pub fn start(exe: &str, args: &[String], env: &[(&str, String)]) -> ProxyProcess {
        ProxyProcess::start_logged(exe, args, env, None)
    }

    /// As [`ProxyProcess::start`], its stderr (the logs) written to `logs`.
    pub fn start_logged(
        exe: &str,
        args: &[String],
        env: &[(&str, String)],
        logs: Option<&std::path::Path>,
    ) -> ProxyProcess {
        let home_dir = crate::scratch("proc-home");
        let home = home_dir.path();
        static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let log_path = logs.map_or_else(
            || {
                home.join(format!(
                    "stderr-{}.log",
                    STARTED.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                ))
            },
            std::path::Path::to_path_buf,
        );
        let mut cmd = Command::new(exe);
        cmd.args(["--listen", "127.0.0.1:0", "--dist", "/nonexistent-dist"])
            .args(args)
            .env("HOME", home)
            .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
            .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
            .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
            .env_remove("ALIBABA_CLOUD_PROFILE")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(std::fs::File::create(&log_path).unwrap()));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut metrics = None;
        let addr = loop {
            let mut line = String::new();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "the proxy exited before serving: {}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
            if let Some(rest) = line.trim().strip_prefix("metrics: http://") {
                metrics = Some(rest.trim_end_matches("/metrics").parse().unwrap());
            }
            if let Some(rest) = line.trim().strip_prefix("console: http://") {
                break rest.trim_end_matches('/').parse().unwrap();
            }
        };
        // Keep reading stdout so the process never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        ProxyProcess {
            addr,
            metrics,
            child,
            _dirs: vec![home_dir],
        }
    }

    /// Keeps `dir` (its fleet, policies or record) until the process is gone.
    pub fn keeping(mut self, dir: tempfile::TempDir) -> ProxyProcess {
        self._dirs.push(dir);
        self
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn get(&self, target: &str) -> Reply {
        send_raw(
            self.addr,
            &format!("GET {target} HTTP/1.1\r\nhost: {}\r\n\r\n", self.addr),
        )
    }

    /// `GET /metrics` on the metrics listener, as text.
    pub fn scrape(&self) -> String {
        let addr = self.metrics.expect("started with --metrics-listen");
        let r = send_raw(
            addr,
            &format!("GET /metrics HTTP/1.1\r\nhost: {addr}\r\n\r\n"),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    }

    pub fn post_backup(&self, body: &str) -> Reply {
        send_raw(
            self.addr,
            &format!(
                "POST /api/backups HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                self.addr,
                body.len()
            ),
        )
    }

    /// The history, every page.
    pub fn history(&self) -> Vec<serde_json::Value> {
        let mut items = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let target = match &next {
                Some(n) => format!("/api/history?limit=100&before={n}"),
                None => "/api/history?limit=100".to_owned(),
            };
            let page = self.get(&target).json();
            items.extend(page["Items"].as_array().cloned().unwrap_or_default());
            match page["Next"].as_str() {
                Some(n) => next = Some(n.to_owned()),
                None => return items,
            }
        }
    }

    /// Polls one submission until `done` holds (at most `limit`).
    pub fn wait_for(
        &self,
        id: &str,
        limit: Duration,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let start = std::time::Instant::now();
        loop {
            let row = self.get(&format!("/api/history/{id}")).json();
            if done(&row) || start.elapsed() > limit {
                return row;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}
