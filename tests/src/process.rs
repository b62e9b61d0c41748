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
    child: Child,
}

impl ProxyProcess {
    /// Starts `exe` with `args` and `env` (on top of a clean HOME and no credentials) and
    /// waits for its `console:` line.
    pub fn start(exe: &str, args: &[String], env: &[(&str, String)]) -> ProxyProcess {
        let home = std::env::temp_dir().join(format!("rds-proc-home-{}", std::process::id()));
        std::fs::create_dir_all(&home).unwrap();
        let mut cmd = Command::new(exe);
        cmd.args(["--listen", "127.0.0.1:0", "--dist", "/nonexistent-dist"])
            .args(args)
            .env("HOME", &home)
            .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
            .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
            .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
            .env_remove("ALIBABA_CLOUD_PROFILE")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let addr = loop {
            let mut line = String::new();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "the proxy exited before serving"
            );
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
        ProxyProcess { addr, child }
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
