//! The deployment files agree with the program they deploy: the Kubernetes manifests pass
//! the schema check (kubernetes-validate, strict, its bundled schemas) and their flags,
//! ports, probes, Secret and ConfigMap are the proxy's own; the Containerfile's and the
//! systemd unit's command lines parse as the proxy's flags, and the unit passes
//! `systemd-analyze verify` without a warning. (The image itself is built, run and driven
//! by scripts/test-image.sh.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use rds_backup_e2e::process::ProxyProcess;
use rds_backup_e2e::{repo_root, sdk_python};
use rds_backup_proxy::config::Args;
use serde_json::Value;
use std::path::PathBuf;

const EXE: &str = env!("CARGO_BIN_EXE_proxy-under-test");

fn manifests() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("deploy/kubernetes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    files
}

/// Every document of the manifests, by kind.
fn documents() -> Vec<Value> {
    let out = std::process::Command::new(sdk_python())
        .arg(repo_root().join("tests/sdk/python/yaml_to_json.py"))
        .args(manifests())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    docs.into_iter().map(|d| d["doc"].clone()).collect()
}

fn one<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    let found: Vec<&Value> = docs.iter().filter(|d| d["kind"] == kind).collect();
    assert_eq!(found.len(), 1, "one {kind}");
    found[0]
}

fn parse(args: &[String]) -> Args {
    let mut argv = vec!["rds-backup-proxy".to_owned()];
    argv.extend(args.iter().cloned());
    Args::try_parse_from(&argv)
        .unwrap_or_else(|e| panic!("{argv:?} are not the proxy's flags: {e}"))
}

fn port(addr: &str) -> u16 {
    addr.rsplit_once(':').unwrap().1.parse().unwrap()
}

#[test]
fn the_kubernetes_manifests_pass_the_strict_schema_check() {
    let validate = repo_root().join("tests/sdk/python/.venv/bin/kubernetes-validate");
    let out = std::process::Command::new(validate)
        .arg("--strict")
        .args(manifests())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert_eq!(
        text.matches(" passed for resource ").count(),
        manifests().len(),
        "{text}"
    );
}

#[test]
fn the_deployment_agrees_with_the_proxy_flags_probes_secret_and_policies() {
    let docs = documents();
    let deployment = one(&docs, "Deployment");
    assert_eq!(deployment["spec"]["replicas"], 2);
    let pod = &deployment["spec"]["template"];
    let spec = &pod["spec"];
    let container = &spec["containers"][0];
    let args: Vec<String> = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    let parsed = parse(&args);

    // Ports: the flags' are the container's.
    let ports: std::collections::BTreeMap<String, u64> = container["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["containerPort"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(u64::from(port(&parsed.listen)), ports["http"]);
    assert_eq!(
        u64::from(port(parsed.metrics_listen.as_deref().unwrap())),
        ports["metrics"]
    );
    // Off loopback: who callers are and where the console is reached are given.
    assert!(!parsed.public_url.is_empty());
    assert!(
        parsed.auth.is_some() && parsed.oidc_issuer.is_some() && parsed.oidc_audience.is_some()
    );
    assert!(!parsed.demo);
    // RRSA: the chain pinned to the OIDC role, the service account bound to a RAM role, the
    // namespace's webhook on.
    assert_eq!(parsed.credentials_provider.as_deref(), Some("oidc"));
    rds_backup_credentials::Kind::parse("oidc").unwrap();
    let account = one(&docs, "ServiceAccount");
    assert_eq!(spec["serviceAccountName"], account["metadata"]["name"]);
    assert!(
        account["metadata"]["annotations"]["pod-identity.alibabacloud.com/role-name"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    let namespace = one(&docs, "Namespace");
    assert_eq!(
        namespace["metadata"]["labels"]["pod-identity.alibabacloud.com/injection"],
        "on"
    );
    for d in &docs {
        if d["kind"] != "Namespace" {
            assert_eq!(
                d["metadata"]["namespace"], namespace["metadata"]["name"],
                "{d}"
            );
        }
    }

    // The PostgreSQL URL comes from the Secret, through the variable --database reads.
    let env = container["env"].as_array().unwrap();
    let db = env
        .iter()
        .find(|e| e["name"] == "RDS_BACKUP_DATABASE_URL")
        .expect("RDS_BACKUP_DATABASE_URL");
    let secret = one(&docs, "Secret");
    let r = &db["valueFrom"]["secretKeyRef"];
    assert_eq!(r["name"], secret["metadata"]["name"]);
    let url = secret["stringData"][r["key"].as_str().unwrap()]
        .as_str()
        .unwrap();
    assert!(url.starts_with("postgres://"), "{url}");
    assert!(
        parsed.database.is_none(),
        "the URL is not on the command line"
    );
    // ... and clap takes it from there (the variable's name is the flag's).
    let with_env = std::process::Command::new(EXE)
        .args(["--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&with_env.stdout);
    assert!(help.contains("RDS_BACKUP_DATABASE_URL"), "{help}");

    // The policies file is the ConfigMap's, mounted where --policies looks, and it loads.
    let policies = parsed.policies.as_ref().unwrap();
    let mount = container["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| policies.starts_with(m["mountPath"].as_str().unwrap()))
        .expect("a mount holds --policies");
    let volume = spec["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == mount["name"])
        .unwrap();
    let config = one(&docs, "ConfigMap");
    assert_eq!(volume["configMap"]["name"], config["metadata"]["name"]);
    let file = policies.file_name().unwrap().to_str().unwrap();
    let text = config["data"][file].as_str().unwrap();
    rds_backup_proxy::policy::Policies::read(text, parsed.account_id.as_deref().unwrap()).unwrap();

    // Probes: named ports that exist, paths the proxy answers 200 on when it is well.
    let proxy = ProxyProcess::start(EXE, &["--demo".into()], &[]);
    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
        let get = &container[probe]["httpGet"];
        assert!(ports.contains_key(get["port"].as_str().unwrap()), "{probe}");
        let path = get["path"].as_str().unwrap();
        let r = proxy.get(path);
        assert_eq!(r.status, 200, "{probe} {path}: {}", r.body);
    }
    assert!(container["readinessProbe"]["httpGet"]["path"] == "/api/health/ready");
    assert!(container["livenessProbe"]["httpGet"]["path"] == "/api/health/live");

    // Resources, a non-root read-only container, a grace longer than the proxy's.
    assert!(container["resources"]["requests"]["memory"].is_string());
    assert!(container["resources"]["limits"]["memory"].is_string());
    assert_eq!(spec["securityContext"]["runAsNonRoot"], true);
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert!(spec["terminationGracePeriodSeconds"].as_u64().unwrap() > parsed.shutdown_grace);

    // The budget and the Service select these pods; one stays through a drain.
    let labels = &pod["metadata"]["labels"];
    let pdb = one(&docs, "PodDisruptionBudget");
    for (k, v) in pdb["spec"]["selector"]["matchLabels"].as_object().unwrap() {
        assert_eq!(&labels[k], v);
    }
    assert!(pdb["spec"]["minAvailable"].as_u64().unwrap() < 2);
    let service = one(&docs, "Service");
    for (k, v) in service["spec"]["selector"].as_object().unwrap() {
        assert_eq!(&labels[k], v);
    }
    assert_eq!(service["spec"]["ports"][0]["targetPort"], "http");
}

/// The JSON array of a Containerfile instruction (`CMD [...]`), joined across `\` lines.
fn instruction(text: &str, name: &str) -> Vec<String> {
    let joined = text.replace("\\\n", " ");
    let line = joined
        .lines()
        .find(|l| l.starts_with(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no {name}"));
    let json = &line[line.find('[').unwrap()..];
    serde_json::from_str(json).unwrap()
}

#[test]
fn the_containerfile_runs_the_proxy_as_non_root_with_its_own_flags_and_health_check() {
    let text = std::fs::read_to_string(repo_root().join("deploy/Containerfile")).unwrap();
    assert!(text.lines().any(|l| l == "FROM scratch"));
    let entry = instruction(&text, "ENTRYPOINT");
    assert_eq!(entry, ["/usr/local/bin/rds-backup-proxy"]);
    let cmd = parse(&instruction(&text, "CMD"));
    assert!(
        text.contains("--retries=3 \\\n    CMD [\"/usr/local/bin/rds-backup-proxy\""),
        "HEALTHCHECK ... CMD [the proxy, ...]"
    );
    let health = instruction(&text, "HEALTHCHECK");
    assert_eq!(health[0], entry[0]);
    let check = parse(&health[1..]);
    let url = check.healthcheck.unwrap();
    assert_eq!(
        url,
        format!("http://127.0.0.1:{}/api/health/ready", port(&cmd.listen))
    );
    assert_eq!(cmd.dist, PathBuf::from("/usr/share/rds-backup-console"));
    assert!(text.contains("COPY dist/ /usr/share/rds-backup-console/"));
    let user = text.lines().find_map(|l| l.strip_prefix("USER ")).unwrap();
    assert!(
        !user.starts_with('0') && !user.starts_with("root"),
        "{user}"
    );
    let expose = text
        .lines()
        .find_map(|l| l.strip_prefix("EXPOSE "))
        .unwrap();
    let exposed: Vec<u16> = expose.split(' ').map(|p| p.parse().unwrap()).collect();
    assert_eq!(
        exposed,
        [
            port(&cmd.listen),
            port(cmd.metrics_listen.as_deref().unwrap())
        ]
    );
    // The check itself: 0 on a ready proxy, 1 on one that is not there.
    let proxy = ProxyProcess::start(EXE, &["--demo".into()], &[]);
    let run = |url: String| {
        std::process::Command::new(EXE)
            .args(["--healthcheck", &url])
            .output()
            .unwrap()
    };
    let ok = run(format!("http://{}/api/health/ready", proxy.addr));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    drop(proxy);
    let gone = run("http://127.0.0.1:9/api/health/ready".into());
    assert_eq!(gone.status.code(), Some(1));
}

#[test]
fn the_systemd_unit_uses_the_proxy_flags_and_verifies_without_a_warning() {
    let path = repo_root().join("deploy/systemd/rds-backup-proxy.service");
    let text = std::fs::read_to_string(&path).unwrap();
    let joined = text.replace("\\\n", " ");
    let exec = joined
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap();
    let words: Vec<String> = exec.split_whitespace().map(str::to_owned).collect();
    assert_eq!(words[0], "/usr/local/bin/rds-backup-proxy");
    let parsed = parse(&words[1..]);
    assert!(
        parsed.database.is_none() && parsed.data_dir.is_none(),
        "the state directory is the default"
    );
    assert!(text.contains("StateDirectory=rds-backup-proxy"));
    assert!(text.contains("DynamicUser=yes"));
    // systemd's own check, on the unit with the binary under test in place.
    let Ok(analyze) = which("systemd-analyze") else {
        panic!("systemd-analyze is missing (Debian's systemd): scripts/test.sh installs it");
    };
    let tmp_dir = rds_backup_e2e::scratch("deploy-unit");
    let dir = tmp_dir.path();
    let unit = dir.join("rds-backup-proxy.service");
    std::fs::write(&unit, text.replace("/usr/local/bin/rds-backup-proxy", EXE)).unwrap();
    let out = std::process::Command::new(analyze)
        .args(["verify", "--man=no"])
        .arg(&unit)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
    let _ = std::fs::remove_dir_all(dir);
}

fn which(name: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.is_file())
        })
        .ok_or(())
}
