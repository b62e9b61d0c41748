//! Per-user permissions in RAM policy syntax, checked before anything is signed.
//!
//! A statement applies when one of its actions and one of its resources match (`*`
//! matches any run of characters). An explicit Deny wins over any Allow; with no
//! matching Allow the answer is no, as in RAM.

use serde::{Deserialize, Serialize};

/// One value or a list of them, as RAM policies allow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single string.
    One(String),
    /// A list.
    Many(Vec<String>),
}

impl OneOrMany {
    fn iter(&self) -> impl Iterator<Item = &str> {
        let v: Vec<&str> = match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        };
        v.into_iter()
    }
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Forbids, whatever else grants.
    Deny,
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Allow or Deny.
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// Actions, e.g. `rds:CreateBackup` or `rds:*`.
    #[serde(rename = "Action")]
    pub action: OneOrMany,
    /// Resources, e.g. `acs:rds:cn-hangzhou:*:dbinstance/rm-*`.
    #[serde(rename = "Resource")]
    pub resource: OneOrMany,
}

/// A policy document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Always "1".
    #[serde(rename = "Version", default = "version_one")]
    pub version: String,
    /// The statements.
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

fn version_one() -> String {
    "1".into()
}

/// `*` matches any run of characters (case-sensitive, as RAM resources are).
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first)
        || !text[first.len()..].ends_with(last)
        || text.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The decision and the statement that made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// An Allow matched and no Deny did.
    Allowed,
    /// A Deny matched.
    ExplicitDeny,
    /// Nothing allows it.
    ImplicitDeny,
}

impl Policy {
    /// Whether `action` on `resource` is allowed.
    pub fn decide(&self, action: &str, resource: &str) -> Decision {
        let matching = |s: &&Statement| {
            s.action.iter().any(|a| glob(a, action)) && s.resource.iter().any(|r| glob(r, resource))
        };
        if self
            .statements
            .iter()
            .filter(matching)
            .any(|s| s.effect == Effect::Deny)
        {
            Decision::ExplicitDeny
        } else if self
            .statements
            .iter()
            .filter(matching)
            .any(|s| s.effect == Effect::Allow)
        {
            Decision::Allowed
        } else {
            Decision::ImplicitDeny
        }
    }

    /// The resource patterns this policy allows `action` on (for `/api/config`).
    pub fn allowed_resources(&self, action: &str) -> Vec<String> {
        self.statements
            .iter()
            .filter(|s| s.effect == Effect::Allow && s.action.iter().any(|a| glob(a, action)))
            .flat_map(|s| s.resource.iter().map(str::to_owned).collect::<Vec<_>>())
            .collect()
    }

    /// The resource patterns this policy denies `action` on.
    pub fn denied_resources(&self, action: &str) -> Vec<String> {
        self.statements
            .iter()
            .filter(|s| s.effect == Effect::Deny && s.action.iter().any(|a| glob(a, action)))
            .flat_map(|s| s.resource.iter().map(str::to_owned).collect::<Vec<_>>())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rds_backup_core::policy::{CREATE_BACKUP_ACTION, instance_resource, least_privilege};
    use rds_backup_core::{Context, Draft, Engine, Region, StorageType, validate};

    #[test]
    fn the_policy_core_suggests_allows_exactly_its_request() {
        let req = validate(
            &Context::new(Engine::PostgreSql, StorageType::CloudEssd),
            &Draft {
                db_instance_id: Some("pgm-bp1pg0002".into()),
                ..Draft::default()
            },
        )
        .unwrap();
        let region = Region::new("cn-hangzhou").unwrap();
        let text = serde_json::to_string(&least_privilege(&region, &req)).unwrap();
        let p: Policy = serde_json::from_str(&text).unwrap();
        assert_eq!(
            p.decide(
                CREATE_BACKUP_ACTION,
                &instance_resource(&region, "*", "pgm-bp1pg0002")
            ),
            Decision::Allowed
        );
        assert_eq!(
            p.decide(
                CREATE_BACKUP_ACTION,
                &instance_resource(&region, "*", "pgm-other")
            ),
            Decision::ImplicitDeny
        );
        assert_eq!(
            p.decide(
                "rds:DeleteDBInstance",
                &instance_resource(&region, "*", "pgm-bp1pg0002")
            ),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn globs() {
        assert!(glob("*", "anything"));
        assert!(glob("rds:*", "rds:CreateBackup"));
        assert!(glob(
            "acs:rds:*:*:dbinstance/rm-*",
            "acs:rds:cn-hangzhou:*:dbinstance/rm-abc"
        ));
        assert!(!glob(
            "acs:rds:cn-hangzhou:*:dbinstance/rm-*",
            "acs:rds:ap-southeast-1:*:dbinstance/rm-abc"
        ));
        assert!(glob("a*b*c", "aXbYc") && !glob("a*b*c", "aXc") && !glob("ab*ba", "aba"));
        assert!(!glob("rds:CreateBackup", "rds:CreateBackups"));
    }

    #[test]
    fn deny_wins_and_nothing_means_no() {
        let p: Policy = serde_json::from_str(
            r#"{"Version":"1","Statement":[
                {"Effect":"Allow","Action":"rds:CreateBackup","Resource":"acs:rds:cn-hangzhou:*:dbinstance/*"},
                {"Effect":"Deny","Action":["rds:*"],"Resource":["acs:rds:*:*:dbinstance/rm-prod-*"]}
            ]}"#,
        )
        .unwrap();
        let d = |r: &str, i: &str| {
            let region = rds_backup_core::Region::new(r).unwrap();
            p.decide(CREATE_BACKUP_ACTION, &instance_resource(&region, "*", i))
        };
        assert_eq!(d("cn-hangzhou", "rm-dev-1"), Decision::Allowed);
        assert_eq!(d("cn-hangzhou", "rm-prod-1"), Decision::ExplicitDeny);
        assert_eq!(d("ap-southeast-1", "rm-dev-1"), Decision::ImplicitDeny);
        assert!(
            serde_json::from_str::<Policy>(
                r#"{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}"#
            )
            .is_err()
        );
    }
}
