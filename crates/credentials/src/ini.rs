//! The INI credentials file `~/.alibabacloud/credentials` (`ALIBABA_CLOUD_CREDENTIALS_FILE`):
//! the section `ALIBABA_CLOUD_PROFILE` names, else `default`; types `access_key`,
//! `ecs_ram_role`, `ram_role_arn` (and `oidc_role_arn`).

use crate::{Env, Error, Kind, Provider, Source, StsEndpoint, default_session, fail};
use rds_backup_core::Credentials;
use std::collections::HashMap;
use std::path::PathBuf;

/// `[section]` -> key -> value (keys lower case; `#` and `;` start comments).
fn parse(text: &str) -> HashMap<String, HashMap<String, String>> {
    let mut out: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut section = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_owned();
            out.entry(section.clone()).or_default();
        } else if let Some((k, v)) = line.split_once('=') {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            out.entry(section.clone())
                .or_default()
                .insert(k.trim().to_ascii_lowercase(), v.to_owned());
        }
    }
    out
}

/// The INI provider, if its file is there.
pub fn profile(env: &Env) -> Option<Result<Provider, Error>> {
    let path = env
        .get("ALIBABA_CLOUD_CREDENTIALS_FILE")
        .map_or_else(|| env.home_path(".alibabacloud/credentials"), PathBuf::from);
    if !path.is_file() {
        return None;
    }
    let section_name = env.get(crate::ENV_PROFILE).unwrap_or("default").to_owned();
    let provider = format!("profile {section_name}");
    Some((|| {
        let text = zeroize::Zeroizing::new(
            std::fs::read_to_string(&path)
                .map_err(|e| fail(&provider, format!("cannot read {}: {e}", path.display())))?,
        );
        let sections = parse(&text);
        let s = sections.get(&section_name).ok_or_else(|| {
            fail(
                &provider,
                format!("{} has no section [{section_name}]", path.display()),
            )
        })?;
        let get = |k: &str| s.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let need = |k: &'static str| {
            get(k).ok_or_else(|| {
                fail(
                    &provider,
                    format!("{} needs {k}", get("type").unwrap_or("?")),
                )
            })
        };
        let kind = get("type").unwrap_or_default();
        let source = match kind {
            "access_key" => Source::Static(Credentials::new(
                need("access_key_id")?,
                need("access_key_secret")?,
            )),
            "ecs_ram_role" => Source::Ecs(crate::ecs::Metadata::from_env(
                env,
                get("role_name").map(str::to_owned),
            )),
            "ram_role_arn" => Source::AssumeRole {
                with: Box::new(Source::Static(Credentials::new(
                    need("access_key_id")?,
                    need("access_key_secret")?,
                ))),
                role_arn: need("role_arn")?.to_owned(),
                session: get("role_session_name").map_or_else(default_session, str::to_owned),
                duration_secs: 3600,
                policy: get("policy").map(str::to_owned),
                external_id: None,
                sts: StsEndpoint::from_env(env, None, None),
            },
            "oidc_role_arn" => Source::Oidc {
                role_arn: need("role_arn")?.to_owned(),
                provider_arn: need("oidc_provider_arn")?.to_owned(),
                token_file: PathBuf::from(need("oidc_token_file_path")?),
                session: get("role_session_name").map_or_else(default_session, str::to_owned),
                duration_secs: 3600,
                policy: get("policy").map(str::to_owned),
                sts: StsEndpoint::from_env(env, None, None),
            },
            other => {
                return Err(fail(
                    &provider,
                    format!(
                        "type '{other}' is not access_key, ecs_ram_role, ram_role_arn or oidc_role_arn"
                    ),
                ));
            }
        };
        Ok(Provider {
            kind: Kind::Profile,
            name: format!("profile {section_name}/{kind}"),
            source,
        })
    })())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sections_and_types() {
        let text = "# comment\n[default]\ntype = access_key\naccess_key_id = foo\naccess_key_secret = \"bar\"\n\n[role]\ntype=ram_role_arn\naccess_key_id=a\naccess_key_secret=b\nrole_arn=acs:ram::1:role/x\n[ecs]\ntype = ecs_ram_role\nrole_name = app\n[bad]\ntype = rsa_key_pair\n";
        assert_eq!(parse(text)["default"]["access_key_secret"], "bar");
        let tmp_dir = tempfile::Builder::new()
            .prefix("rds-cred-ini-")
            .tempdir()
            .unwrap();
        let dir = tmp_dir.path();
        let file = dir.join("credentials");
        std::fs::write(&file, text).unwrap();
        let f = file.to_str().unwrap();
        let name = |section: &str| {
            let env = Env::from_pairs([
                ("ALIBABA_CLOUD_CREDENTIALS_FILE", f),
                ("ALIBABA_CLOUD_PROFILE", section),
            ]);
            profile(&env).unwrap().map(|p| p.name)
        };
        assert_eq!(name("default").unwrap(), "profile default/access_key");
        assert_eq!(name("role").unwrap(), "profile role/ram_role_arn");
        assert_eq!(name("ecs").unwrap(), "profile ecs/ecs_ram_role");
        assert!(name("bad").is_err() && name("none").is_err());
    }
}
