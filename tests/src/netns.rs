//! A network namespace the test makes itself: its own loopback holding the addresses the
//! official libraries insist on (the ECS metadata address 100.100.100.200, an address
//! for the STS host names), and its own `/etc/hosts` (`/etc/netns/NAME/hosts`, which
//! `ip netns exec` puts in place). Nothing in it can reach anything off this machine:
//! it has no other interface. Needs root and iproute2.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::{Child, Command, Output, Stdio};

/// A namespace, deleted when dropped.
pub struct Netns {
    pub name: String,
}

impl Netns {
    /// Makes `name` with `addresses` on its loopback and `hosts` as its /etc/hosts.
    pub fn new(name: &str, addresses: &[&str], hosts: &str) -> Netns {
        let _ = Command::new("ip").args(["netns", "del", name]).output();
        let run = |args: &[&str]| {
            let out = Command::new("ip")
                .args(args)
                .output()
                .expect("iproute2's ip");
            assert!(
                out.status.success(),
                "ip {args:?}: {} (this test needs root and iproute2)",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&["netns", "add", name]);
        run(&["-n", name, "link", "set", "lo", "up"]);
        for a in addresses {
            run(&["-n", name, "addr", "add", &format!("{a}/32"), "dev", "lo"]);
        }
        let dir = format!("/etc/netns/{name}");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/hosts"), hosts).unwrap();
        Netns {
            name: name.to_owned(),
        }
    }

    fn command(&self, program: &str, args: &[&str], env: &[(String, String)]) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name, "env", "-i"]);
        for (k, v) in env {
            cmd.arg(format!("{k}={v}"));
        }
        cmd.arg(program).args(args);
        cmd
    }

    /// Runs a program inside, with only `env` (a clean environment).
    pub fn run(&self, program: &str, args: &[&str], env: &[(String, String)]) -> Output {
        self.command(program, args, env)
            .stderr(Stdio::null())
            .output()
            .unwrap()
    }

    /// Starts a program inside (killed by the caller).
    pub fn spawn(&self, program: &str, args: &[&str], env: &[(String, String)]) -> Child {
        self.command(program, args, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.name));
    }
}
