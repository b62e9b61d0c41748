//! Where the CLI and the proxy get credentials: the standard environment
//! variables, or a profile of the aliyun CLI's `~/.aliyun/config.json` (modes
//! `AK` and `StsToken`). Secrets go straight into core's `Secret`, which never
//! prints; no error message here contains one.
#![forbid(unsafe_code)]

use rds_backup_core::Credentials;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// `ALIBABA_CLOUD_ACCESS_KEY_ID`.
pub const ENV_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// `ALIBABA_CLOUD_ACCESS_KEY_SECRET`.
pub const ENV_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// `ALIBABA_CLOUD_SECURITY_TOKEN`.
pub const ENV_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// `ALIBABA_CLOUD_PROFILE`: the profile to use when none is named.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// `ALIBABA_CLOUD_REGION_ID`.
pub const ENV_REGION: &str = "ALIBABA_CLOUD_REGION_ID";

/// Why no credentials could be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One of the key id and the secret is set, not both.
    #[error("{ENV_KEY_ID} and {ENV_SECRET} must be set together (only {0} is set)")]
    HalfSet(&'static str),
    /// Nothing configured.
    #[error(
        "no credentials: set {ENV_KEY_ID} and {ENV_SECRET} (and {ENV_TOKEN} for STS), or name a profile of ~/.aliyun/config.json with --profile"
    )]
    NotConfigured,
    /// The config file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A profile was named but there is no config file.
    #[error("profile '{name}' was asked for, but {path} does not exist")]
    NoConfigFile {
        /// The profile.
        name: String,
        /// Where the file was looked for.
        path: PathBuf,
    },
    /// The config file is not what the aliyun CLI writes.
    #[error("{path} is not an aliyun CLI config file: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong (serde's message; it never quotes values).
        message: String,
    },
    /// No profile of that name.
    #[error("profile '{name}' is not in {path} (profiles: {known})")]
    NoProfile {
        /// The name asked for.
        name: String,
        /// The file.
        path: PathBuf,
        /// The names that are there.
        known: String,
    },
    /// A mode this tool does not read (e.g. RamRoleArn, EcsRamRole).
    #[error("profile '{name}' uses mode '{mode}'; only AK and StsToken profiles are supported")]
    UnsupportedMode {
        /// The profile.
        name: String,
        /// Its mode.
        mode: String,
    },
    /// A field the mode needs is empty.
    #[error("profile '{name}' (mode {mode}) has no {field}")]
    Incomplete {
        /// The profile.
        name: String,
        /// Its mode.
        mode: String,
        /// The missing field.
        field: &'static str,
    },
}

/// Credentials and where they came from.
#[derive(Debug)]
pub struct Loaded {
    /// The credentials.
    pub credentials: Credentials,
    /// `"environment"` or `"profile NAME"`, for messages.
    pub source: String,
    /// The profile's region, if it has one.
    pub region: Option<String>,
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    sts_token: String,
    #[serde(default)]
    region_id: String,
}

/// Reads credentials from environment variables (through `get`, so tests need not touch the process env).
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Option<Loaded>, Error> {
    let nonempty = |k: &str| get(k).filter(|v| !v.is_empty());
    match (nonempty(ENV_KEY_ID), nonempty(ENV_SECRET)) {
        (Some(id), Some(secret)) => {
            let mut credentials = Credentials::new(id, secret);
            if let Some(t) = nonempty(ENV_TOKEN) {
                credentials = credentials.with_token(t);
            }
            Ok(Some(Loaded {
                credentials,
                source: "environment".into(),
                region: nonempty(ENV_REGION),
            }))
        }
        (Some(_), None) => Err(Error::HalfSet(ENV_KEY_ID)),
        (None, Some(_)) => Err(Error::HalfSet(ENV_SECRET)),
        (None, None) => Ok(None),
    }
}

/// The aliyun CLI's config file: `$HOME/.aliyun/config.json`.
pub fn default_config_path(home: Option<PathBuf>) -> Option<PathBuf> {
    home.map(|h| h.join(".aliyun").join("config.json"))
}

/// Reads one profile (`name`, or the file's `current` one) from a config file.
pub fn from_profile(path: &Path, name: Option<&str>) -> Result<Loaded, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let file: ConfigFile = serde_json::from_str(&text).map_err(|e| Error::Parse {
        path: path.to_owned(),
        // Line and column only: serde_json's messages can quote the offending value.
        message: format!("invalid JSON at line {} column {}", e.line(), e.column()),
    })?;
    let wanted = name.unwrap_or(&file.current);
    let Some(p) = file.profiles.iter().find(|p| p.name == wanted) else {
        return Err(Error::NoProfile {
            name: wanted.to_owned(),
            path: path.to_owned(),
            known: file
                .profiles
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let need = |field: &'static str, v: &str| {
        if v.is_empty() {
            Err(Error::Incomplete {
                name: p.name.clone(),
                mode: p.mode.clone(),
                field,
            })
        } else {
            Ok(())
        }
    };
    let mode = if p.mode.is_empty() {
        "AK"
    } else {
        p.mode.as_str()
    };
    need("access_key_id", &p.access_key_id)?;
    need("access_key_secret", &p.access_key_secret)?;
    let credentials = Credentials::new(p.access_key_id.clone(), p.access_key_secret.clone());
    let credentials = match mode {
        "AK" => credentials,
        "StsToken" => {
            need("sts_token", &p.sts_token)?;
            credentials.with_token(p.sts_token.clone())
        }
        other => {
            return Err(Error::UnsupportedMode {
                name: p.name.clone(),
                mode: other.to_owned(),
            });
        }
    };
    Ok(Loaded {
        credentials,
        source: format!("profile {}", p.name),
        region: (!p.region_id.is_empty()).then(|| p.region_id.clone()),
    })
}

/// The chain: a named profile if given; else the environment; else the profile named
/// by `ALIBABA_CLOUD_PROFILE` or the config file's current profile, if the file exists.
pub fn load(
    profile: Option<&str>,
    get_env: impl Fn(&str) -> Option<String>,
    config_path: Option<&Path>,
) -> Result<Loaded, Error> {
    if let Some(name) = profile {
        let path = config_path.ok_or(Error::NotConfigured)?;
        if !path.exists() {
            return Err(Error::NoConfigFile {
                name: name.to_owned(),
                path: path.to_owned(),
            });
        }
        return from_profile(path, Some(name));
    }
    if let Some(loaded) = from_env(&get_env)? {
        return Ok(loaded);
    }
    match config_path.filter(|p| p.exists()) {
        Some(path) => from_profile(
            path,
            get_env(ENV_PROFILE).filter(|v| !v.is_empty()).as_deref(),
        ),
        None => Err(Error::NotConfigured),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        move |k| m.get(k).cloned()
    }

    fn config(dir: &Path) -> PathBuf {
        let path = dir.join("config.json");
        std::fs::write(
            &path,
            r#"{"current": "default", "profiles": [
                {"name": "default", "mode": "AK", "access_key_id": "id1", "access_key_secret": "sec1", "region_id": "cn-hangzhou"},
                {"name": "sts", "mode": "StsToken", "access_key_id": "STS.id2", "access_key_secret": "sec2", "sts_token": "tok2", "region_id": "ap-southeast-1"},
                {"name": "role", "mode": "RamRoleArn", "access_key_id": "id3", "access_key_secret": "sec3"}
            ], "meta_path": ""}"#,
        )
        .unwrap();
        path
    }

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("rds-backup-cred-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn environment_first_unless_a_profile_is_named() {
        let dir = tmp("env");
        let path = config(&dir);
        let e = env(&[
            (ENV_KEY_ID, "envid"),
            (ENV_SECRET, "envsec"),
            (ENV_TOKEN, "envtok"),
        ]);
        let l = load(None, &e, Some(&path)).unwrap();
        assert_eq!(l.credentials.access_key_id, "envid");
        assert_eq!(l.credentials.security_token.unwrap().expose(), "envtok");
        let l = load(Some("sts"), &e, Some(&path)).unwrap();
        assert_eq!(l.credentials.access_key_id, "STS.id2");
        assert_eq!(l.credentials.security_token.unwrap().expose(), "tok2");
        assert_eq!(l.region.as_deref(), Some("ap-southeast-1"));
    }

    #[test]
    fn profiles_current_and_named() {
        let dir = tmp("prof");
        let path = config(&dir);
        let l = load(None, env(&[]), Some(&path)).unwrap();
        assert_eq!(
            (l.credentials.access_key_id.as_str(), l.source.as_str()),
            ("id1", "profile default")
        );
        let l = load(None, env(&[(ENV_PROFILE, "sts")]), Some(&path)).unwrap();
        assert_eq!(l.credentials.access_key_id, "STS.id2");
        assert!(matches!(
            load(Some("role"), env(&[]), Some(&path)),
            Err(Error::UnsupportedMode { .. })
        ));
        let e = load(Some("nope"), env(&[]), Some(&path))
            .unwrap_err()
            .to_string();
        assert!(e.contains("default, sts, role"), "{e}");
    }

    #[test]
    fn errors_never_show_a_secret() {
        let e = load(None, env(&[(ENV_KEY_ID, "onlyid")]), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains(ENV_SECRET) && !e.contains("onlyid"), "{e}");
        let dir = tmp("bad");
        let path = dir.join("config.json");
        std::fs::write(
            &path,
            r#"{"profiles": [{"name": "x", "access_key_secret": sec}]}"#,
        )
        .unwrap();
        let e = load(Some("x"), env(&[]), Some(&path))
            .unwrap_err()
            .to_string();
        assert!(!e.contains("sec}"), "{e}");
        assert!(matches!(
            load(None, env(&[]), None),
            Err(Error::NotConfigured)
        ));
    }
}
