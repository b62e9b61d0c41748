//! The aliyun CLI's `~/.aliyun/config.json` (`ALIBABA_CLOUD_CONFIG_FILE`): the profile
//! named on the command line, else `ALIBABA_CLOUD_PROFILE`, else the file's `current`;
//! every mode the CLI writes: `AK`, `StsToken`, `RamRoleArn`, `EcsRamRole`, `OIDC`,
//! `ChainableRamRoleArn` (`source_profile`), `CredentialsURI`, `External`.
//! `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` skips it.

use crate::{Env, Error, Kind, Provider, Source, StsEndpoint, default_session, fail};
use rds_backup_core::Credentials;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<Profile>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Profile {
    name: String,
    mode: String,
    access_key_id: String,
    access_key_secret: String,
    sts_token: String,
    sts_region: String,
    enable_vpc: Option<bool>,
    ram_role_name: String,
    ram_role_arn: String,
    ram_session_name: String,
    role_session_name: String,
    expired_seconds: Option<u32>,
    source_profile: String,
    credentials_uri: String,
    process_command: String,
    oidc_provider_arn: String,
    oidc_token_file: String,
    region_id: String,
    policy: String,
    external_id: String,
}

fn path(env: &Env) -> PathBuf {
    env.get("ALIBABA_CLOUD_CONFIG_FILE")
        .map_or_else(|| env.home_path(".aliyun/config.json"), PathBuf::from)
}

/// A warning when a file with secrets can be read by others (never fatal).
pub fn readable_by_others(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} can be read by other users (mode {:o}): chmod 600 it",
            path.display(),
            mode & 0o777
        )
    })
}

fn read(path: &Path) -> Result<ConfigFile, Error> {
    let name = "cli-profile";
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| fail(name, format!("cannot read {}: {e}", path.display())))?,
    );
    // Line and column only: serde_json's messages can quote the offending value.
    serde_json::from_str(&text).map_err(|e| {
        fail(
            name,
            format!(
                "{} is not an aliyun CLI config file: invalid JSON at line {} column {}",
                path.display(),
                e.line(),
                e.column()
            ),
        )
    })
}

/// The CLI profile provider, if its file is there (or a profile was named).
pub fn cli_profile(env: &Env, named: Option<&str>) -> Option<Result<Provider, Error>> {
    if env.flag("ALIBABA_CLOUD_CLI_PROFILE_DISABLED") && named.is_none() {
        return None;
    }
    let path = path(env);
    if !path.is_file() {
        return named.map(|n| {
            Err(fail(
                "cli-profile",
                format!(
                    "profile '{n}' was asked for, but {} does not exist",
                    path.display()
                ),
            ))
        });
    }
    Some(build(env, &path, named))
}

fn build(env: &Env, path: &Path, named: Option<&str>) -> Result<Provider, Error> {
    let file = read(path)?;
    let wanted = named
        .map(str::to_owned)
        .or_else(|| env.get(crate::ENV_PROFILE).map(str::to_owned))
        .unwrap_or_else(|| file.current.clone());
    let source = source_of(env, &file, &wanted, path, 0)?;
    let mode = file
        .profiles
        .iter()
        .find(|p| p.name == wanted)
        .map_or("", |p| p.mode.as_str());
    Ok(Provider {
        kind: Kind::CliProfile,
        name: format!(
            "cli-profile {wanted}/{}",
            if mode.is_empty() { "AK" } else { mode }
        ),
        source,
    })
}

fn source_of(
    env: &Env,
    file: &ConfigFile,
    name: &str,
    path: &Path,
    depth: u8,
) -> Result<Source, Error> {
    let provider = format!("cli-profile {name}");
    let Some(p) = file.profiles.iter().find(|p| p.name == name) else {
        let known: Vec<&str> = file.profiles.iter().map(|p| p.name.as_str()).collect();
        return Err(fail(
            &provider,
            format!(
                "no profile '{name}' in {} (profiles: {})",
                path.display(),
                known.join(", ")
            ),
        ));
    };
    let need = |field: &'static str, v: &str| {
        if v.is_empty() {
            Err(fail(&provider, format!("mode {} needs {field}", p.mode)))
        } else {
            Ok(())
        }
    };
    let sts = || StsEndpoint::from_env(env, Some(&p.sts_region), p.enable_vpc);
    // The aliyun CLI writes ram_session_name; some libraries read role_session_name.
    let session = || {
        [&p.ram_session_name, &p.role_session_name]
            .into_iter()
            .find(|s| !s.is_empty())
            .cloned()
            .unwrap_or_else(default_session)
    };
    let duration = p.expired_seconds.unwrap_or(3600);
    if duration < 900
        && matches!(
            p.mode.as_str(),
            "RamRoleArn" | "ChainableRamRoleArn" | "OIDC"
        )
    {
        return Err(fail(&provider, "expired_seconds must be at least 900"));
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Ok(match p.mode.as_str() {
        "AK" | "" => {
            need("access_key_id", &p.access_key_id)?;
            need("access_key_secret", &p.access_key_secret)?;
            Source::Static(Credentials::new(&p.access_key_id, &p.access_key_secret))
        }
        "StsToken" => {
            need("access_key_id", &p.access_key_id)?;
            need("access_key_secret", &p.access_key_secret)?;
            need("sts_token", &p.sts_token)?;
            Source::Static(
                Credentials::new(&p.access_key_id, &p.access_key_secret).with_token(&p.sts_token),
            )
        }
        "RamRoleArn" => {
            need("access_key_id", &p.access_key_id)?;
            need("access_key_secret", &p.access_key_secret)?;
            need("ram_role_arn", &p.ram_role_arn)?;
            Source::AssumeRole {
                with: Box::new(Source::Static(Credentials::new(
                    &p.access_key_id,
                    &p.access_key_secret,
                ))),
                role_arn: p.ram_role_arn.clone(),
                session: session(),
                duration_secs: duration,
                policy: opt(&p.policy),
                external_id: opt(&p.external_id),
                sts: sts(),
            }
        }
        "ChainableRamRoleArn" => {
            need("source_profile", &p.source_profile)?;
            need("ram_role_arn", &p.ram_role_arn)?;
            if depth > 8 || p.source_profile == name {
                return Err(fail(&provider, "source_profile loops"));
            }
            Source::AssumeRole {
                with: Box::new(source_of(env, file, &p.source_profile, path, depth + 1)?),
                role_arn: p.ram_role_arn.clone(),
                session: session(),
                duration_secs: duration,
                policy: opt(&p.policy),
                external_id: opt(&p.external_id),
                sts: sts(),
            }
        }
        "EcsRamRole" => Source::Ecs(crate::ecs::Metadata::from_env(env, opt(&p.ram_role_name))),
        "OIDC" => {
            need("ram_role_arn", &p.ram_role_arn)?;
            need("oidc_provider_arn", &p.oidc_provider_arn)?;
            need("oidc_token_file", &p.oidc_token_file)?;
            Source::Oidc {
                role_arn: p.ram_role_arn.clone(),
                provider_arn: p.oidc_provider_arn.clone(),
                token_file: PathBuf::from(&p.oidc_token_file),
                session: session(),
                duration_secs: duration,
                policy: opt(&p.policy),
                sts: sts(),
            }
        }
        "CredentialsURI" => {
            need("credentials_uri", &p.credentials_uri)?;
            Source::Uri(p.credentials_uri.clone())
        }
        "External" => {
            need("process_command", &p.process_command)?;
            Source::External(p.process_command.clone())
        }
        other => {
            return Err(fail(
                &provider,
                format!(
                    "mode '{other}' is not one this tool reads (AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC, CredentialsURI, External)"
                ),
            ));
        }
    })
}

/// The region the profile names, if any.
pub fn region(env: &Env, named: Option<&str>) -> Option<String> {
    let file = read(&path(env)).ok()?;
    let wanted = named
        .map(str::to_owned)
        .or_else(|| env.get(crate::ENV_PROFILE).map(str::to_owned))
        .unwrap_or_else(|| file.current.clone());
    file.profiles
        .into_iter()
        .find(|p| p.name == wanted)
        .map(|p| p.region_id)
        .filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn env_with(dir: &Path, extra: &[(&str, &str)]) -> Env {
        let mut env = Env::from_pairs(extra.iter().copied());
        env.home = Some(dir.to_owned());
        env
    }

    fn write(dir: &Path, text: &str) {
        std::fs::create_dir_all(dir.join(".aliyun")).unwrap();
        std::fs::write(dir.join(".aliyun/config.json"), text).unwrap();
    }

    /// Removed with what is in it when dropped.
    fn tmp(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("rds-cred-prof-{name}-"))
            .tempdir()
            .unwrap()
    }

    const FILE: &str = r#"{"current": "ak", "profiles": [
        {"name": "ak", "mode": "AK", "access_key_id": "id1", "access_key_secret": "sec1", "region_id": "cn-hangzhou"},
        {"name": "sts", "mode": "StsToken", "access_key_id": "STS.id2", "access_key_secret": "sec2", "sts_token": "tok2"},
        {"name": "role", "mode": "RamRoleArn", "access_key_id": "id3", "access_key_secret": "sec3", "ram_role_arn": "acs:ram::1:role/r", "expired_seconds": 900},
        {"name": "chain", "mode": "ChainableRamRoleArn", "source_profile": "role", "ram_role_arn": "acs:ram::1:role/r2"},
        {"name": "loop", "mode": "ChainableRamRoleArn", "source_profile": "loop", "ram_role_arn": "acs:ram::1:role/r2"},
        {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "app"},
        {"name": "uri", "mode": "CredentialsURI", "credentials_uri": "http://127.0.0.1:1/c"},
        {"name": "ext", "mode": "External", "process_command": "echo {}"},
        {"name": "short", "mode": "RamRoleArn", "access_key_id": "id", "access_key_secret": "s", "ram_role_arn": "a", "expired_seconds": 60},
        {"name": "sso", "mode": "CloudSSO"}
    ]}"#;

    #[test]
    fn every_mode_becomes_its_source() {
        let tmp_dir = tmp("modes");
        let dir = tmp_dir.path();
        write(dir, FILE);
        let env = env_with(dir, &[]);
        let name = |n: Option<&str>| cli_profile(&env, n).unwrap().map(|p| p.name);
        assert_eq!(name(None).unwrap(), "cli-profile ak/AK");
        for (n, mode) in [
            ("sts", "StsToken"),
            ("role", "RamRoleArn"),
            ("chain", "ChainableRamRoleArn"),
            ("ecs", "EcsRamRole"),
            ("uri", "CredentialsURI"),
            ("ext", "External"),
        ] {
            assert_eq!(name(Some(n)).unwrap(), format!("cli-profile {n}/{mode}"));
        }
        let p = cli_profile(&env, Some("chain")).unwrap().unwrap();
        assert!(
            matches!(p.source, Source::AssumeRole { ref with, .. } if matches!(**with, Source::AssumeRole { .. }))
        );
        for bad in ["loop", "short", "sso", "nope"] {
            let e = name(Some(bad)).unwrap_err().to_string();
            assert!(!e.contains("sec1") && !e.contains("sec3"), "{e}");
        }
        let env = env_with(dir, &[("ALIBABA_CLOUD_PROFILE", "sts")]);
        assert_eq!(
            cli_profile(&env, None).unwrap().unwrap().name,
            "cli-profile sts/StsToken"
        );
        assert_eq!(
            region(&env_with(dir, &[]), None).as_deref(),
            Some("cn-hangzhou")
        );
        let off = env_with(dir, &[("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "TRUE")]);
        assert!(cli_profile(&off, None).is_none());
    }

    #[test]
    fn a_named_profile_without_a_file_is_an_error_and_a_readable_file_a_warning() {
        let tmp_dir = tmp("none");
        let dir = tmp_dir.path();
        let env = env_with(dir, &[]);
        assert!(cli_profile(&env, None).is_none());
        assert!(cli_profile(&env, Some("x")).unwrap().is_err());
        write(dir, FILE);
        use std::os::unix::fs::PermissionsExt;
        let f = dir.join(".aliyun/config.json");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(readable_by_others(&f).unwrap().contains("chmod 600"));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(readable_by_others(&f).is_none());
    }
}
