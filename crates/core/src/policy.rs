//! RAM policies: one type for the least-privilege policy the console shows and for the
//! proxy's checker.
//!
//! A statement applies when one of its actions matches (case-insensitively, as RAM
//! matches action names), one of its resources matches (`*` any run of characters) and
//! every condition holds. An explicit Deny wins over any Allow; with no matching Allow
//! the answer is no, as in RAM. A policy is checked when it is read: an unknown action,
//! a malformed resource name, an unknown condition or an account other than `*` or the
//! real one is an error naming the statement.

use crate::endpoint::Region;
use crate::request::CreateBackup;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The RAM action CreateBackup needs.
pub const CREATE_BACKUP_ACTION: &str = "rds:CreateBackup";
/// Listing instances.
pub const DESCRIBE_INSTANCES_ACTION: &str = "rds:DescribeDBInstances";
/// One instance's attributes.
pub const DESCRIBE_ATTRIBUTE_ACTION: &str = "rds:DescribeDBInstanceAttribute";
/// An instance's databases.
pub const DESCRIBE_DATABASES_ACTION: &str = "rds:DescribeDatabases";
/// An instance's backup tasks.
pub const DESCRIBE_TASKS_ACTION: &str = "rds:DescribeBackupTasks";
/// An instance's backup sets.
pub const DESCRIBE_BACKUPS_ACTION: &str = "rds:DescribeBackups";

/// Every action a policy here may name (patterns must match at least one).
pub const KNOWN_ACTIONS: &[&str] = &[
    CREATE_BACKUP_ACTION,
    DESCRIBE_INSTANCES_ACTION,
    DESCRIBE_ATTRIBUTE_ACTION,
    DESCRIBE_DATABASES_ACTION,
    DESCRIBE_TASKS_ACTION,
    DESCRIBE_BACKUPS_ACTION,
];

/// The condition key prefix for an instance's tags (`rds:ResourceTag/<key>`).
pub const RESOURCE_TAG_KEY: &str = "rds:ResourceTag/";

/// The resource name of an instance: `acs:rds:<region>:<account>:dbinstance/<id>`.
pub fn instance_resource(region: &Region, account: &str, instance: &str) -> String {
    format!("acs:rds:{region}:{account}:dbinstance/{instance}")
}

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
    /// The values.
    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s).iter(),
            OneOrMany::Many(v) => v.iter(),
        }
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

/// The condition operators understood here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Operator {
    /// The value equals one of the listed ones (case-sensitive).
    StringEquals,
    /// The value matches one of the listed patterns (`*` any run, `?` one character).
    StringLike,
}

/// `{"StringEquals": {"rds:ResourceTag/team": "payments"}}`: every operator's every key
/// must hold (one of a key's values is enough).
pub type Conditions = BTreeMap<Operator, BTreeMap<String, OneOrMany>>;

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
    /// Conditions on the resource's tags.
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Conditions>,
}

/// A policy document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Always `"1"`.
    #[serde(rename = "Version", default = "version_one")]
    pub version: String,
    /// The statements.
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

fn version_one() -> String {
    "1".into()
}

/// What a policy is asked about: an action on an instance, with the instance's tags.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The action, e.g. `rds:CreateBackup`.
    pub action: &'a str,
    /// The instance's resource name ([`instance_resource`]).
    pub resource: &'a str,
    /// The instance's tags (`None`: not known, so no tag condition holds).
    pub tags: Option<&'a BTreeMap<String, String>>,
}

/// The decision and the statement that made it (its index, from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// An Allow matched and no Deny did.
    Allowed(usize),
    /// A Deny matched.
    ExplicitDeny(usize),
    /// Nothing allows it.
    ImplicitDeny,
}

/// Why a policy cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("statement {} ({}): {what}", .index + 1, .summary)]
pub struct PolicyError {
    /// The statement, from 0.
    pub index: usize,
    /// `Allow rds:CreateBackup`, to find it.
    pub summary: String,
    /// What is wrong.
    pub what: String,
}

/// `*` matches any run of characters, `?` (only when `question` is set) one character.
fn wildcard(pattern: &[u8], text: &[u8], question: bool) -> bool {
    // The classic two-pointer walk with backtracking to the last star: linear in practice,
    // never recursive.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] || (question && c == b'?') => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// `*` matches any run of characters (case-sensitive, as RAM resources are).
pub fn glob(pattern: &str, text: &str) -> bool {
    wildcard(pattern.as_bytes(), text.as_bytes(), false)
}

/// An action pattern against an action: case-insensitive, as RAM matches action names.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard(
        pattern.to_ascii_lowercase().as_bytes(),
        action.to_ascii_lowercase().as_bytes(),
        false,
    )
}

fn tag_value<'t>(tags: &'t BTreeMap<String, String>, key: &str) -> Option<&'t str> {
    tags.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

impl Statement {
    fn matches_target(&self, action: &str, resource: &str) -> bool {
        self.action.iter().any(|a| action_matches(a, action))
            && self.resource.iter().any(|r| glob(r, resource))
    }

    fn conditions_hold(&self, tags: Option<&BTreeMap<String, String>>) -> bool {
        let Some(conditions) = &self.condition else {
            return true;
        };
        conditions.iter().all(|(op, keys)| {
            keys.iter().all(|(key, values)| {
                let Some(tag) = key
                    .get(..RESOURCE_TAG_KEY.len())
                    .filter(|p| p.eq_ignore_ascii_case(RESOURCE_TAG_KEY))
                    .map(|_| &key[RESOURCE_TAG_KEY.len()..])
                else {
                    return false;
                };
                let Some(value) = tags.and_then(|t| tag_value(t, tag)) else {
                    return false;
                };
                values.iter().any(|v| match op {
                    Operator::StringEquals => v == value,
                    Operator::StringLike => wildcard(v.as_bytes(), value.as_bytes(), true),
                })
            })
        })
    }

    /// Whether this statement applies to the request.
    pub fn applies(&self, req: &Request) -> bool {
        self.matches_target(req.action, req.resource) && self.conditions_hold(req.tags)
    }

    fn summary(&self) -> String {
        let actions: Vec<&str> = self.action.iter().map(String::as_str).collect();
        format!("{:?} {}", self.effect, actions.join(","))
    }
}

/// Checks a resource pattern: `*`, or `acs:rds:<region>:<account>:<type>/<id>` with
/// wildcards; the account must be `*` or `account` (when known).
fn check_resource(pattern: &str, account: Option<&str>) -> Result<(), String> {
    if pattern == "*" {
        return Ok(());
    }
    let parts: Vec<&str> = pattern.splitn(5, ':').collect();
    let [acs, service, region, acct, rest] = parts.as_slice() else {
        return Err(format!(
            "resource '{pattern}' is not acs:rds:<region>:<account>:dbinstance/<id>"
        ));
    };
    if *acs != "acs" || !(*service == "rds" || *service == "*") {
        return Err(format!(
            "resource '{pattern}' is not an RDS resource (acs:rds:...)"
        ));
    }
    let region_ok = region
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'*');
    if region.is_empty() || !region_ok {
        return Err(format!(
            "resource '{pattern}': '{region}' is not a region (e.g. cn-hangzhou or *)"
        ));
    }
    match account {
        _ if *acct == "*" => {}
        Some(real) if *acct == real => {}
        Some(real) => {
            return Err(format!(
                "resource '{pattern}' names account {acct}, but this proxy's account is {real} (use it or *)"
            ));
        }
        None if !acct.is_empty() && acct.bytes().all(|c| c.is_ascii_digit()) => {}
        None => {
            return Err(format!(
                "resource '{pattern}': '{acct}' is not an account id (digits or *)"
            ));
        }
    }
    let kind_ok = *rest == "*" || rest.starts_with("dbinstance/") || rest.starts_with("*/");
    if !kind_ok {
        return Err(format!(
            "resource '{pattern}': only dbinstance/<id> resources are checked here"
        ));
    }
    Ok(())
}

impl Policy {
    /// Checks every statement: known actions, well-formed resources (with `account`, when
    /// known, as the only account besides `*`), known conditions.
    pub fn check(&self, account: Option<&str>) -> Result<(), PolicyError> {
        if self.version != "1" {
            return Err(PolicyError {
                index: 0,
                summary: "Version".into(),
                what: format!("Version must be \"1\", not \"{}\"", self.version),
            });
        }
        for (index, s) in self.statements.iter().enumerate() {
            let fail = |what: String| PolicyError {
                index,
                summary: s.summary(),
                what,
            };
            if s.action.iter().next().is_none() || s.resource.iter().next().is_none() {
                return Err(fail("Action and Resource must not be empty".into()));
            }
            for a in s.action.iter() {
                if !KNOWN_ACTIONS.iter().any(|k| action_matches(a, k)) {
                    return Err(fail(format!(
                        "unknown action '{a}' (known: {})",
                        KNOWN_ACTIONS.join(", ")
                    )));
                }
            }
            for r in s.resource.iter() {
                check_resource(r, account).map_err(fail)?;
            }
            for keys in s.condition.iter().flat_map(BTreeMap::values) {
                for (key, values) in keys {
                    let tag = key
                        .get(..RESOURCE_TAG_KEY.len())
                        .filter(|p| p.eq_ignore_ascii_case(RESOURCE_TAG_KEY))
                        .map(|_| &key[RESOURCE_TAG_KEY.len()..]);
                    if tag.is_none_or(str::is_empty) {
                        return Err(fail(format!(
                            "unknown condition key '{key}' (known: {RESOURCE_TAG_KEY}<key>)"
                        )));
                    }
                    if values.iter().next().is_none() {
                        return Err(fail(format!("condition '{key}' has no value")));
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the request is allowed, and by which statement.
    pub fn decide(&self, req: &Request) -> Decision {
        let applying = || {
            self.statements
                .iter()
                .enumerate()
                .filter(|(_, s)| s.applies(req))
        };
        if let Some((i, _)) = applying().find(|(_, s)| s.effect == Effect::Deny) {
            Decision::ExplicitDeny(i)
        } else if let Some((i, _)) = applying().find(|(_, s)| s.effect == Effect::Allow) {
            Decision::Allowed(i)
        } else {
            Decision::ImplicitDeny
        }
    }

    /// Whether an Allow would apply to `action` on `resource` if its conditions held: with
    /// [`Policy::unconditional_deny`], a cheap check before the resource's tags are known.
    pub fn might_allow(&self, action: &str, resource: &str) -> bool {
        self.statements
            .iter()
            .any(|s| s.effect == Effect::Allow && s.matches_target(action, resource))
    }

    /// The first Deny without conditions that applies to `action` on `resource`, if any.
    pub fn unconditional_deny(&self, action: &str, resource: &str) -> Option<usize> {
        self.statements.iter().position(|s| {
            s.effect == Effect::Deny && s.condition.is_none() && s.matches_target(action, resource)
        })
    }

    /// Whether any statement has a condition on tags (then the instance's tags are needed).
    pub fn uses_tags(&self) -> bool {
        self.statements.iter().any(|s| s.condition.is_some())
    }

    /// The resource patterns this policy allows (`Allow`) or denies (`Deny`) `action` on.
    pub fn resources(&self, effect: Effect, action: &str) -> Vec<String> {
        self.statements
            .iter()
            .filter(|s| s.effect == effect && s.action.iter().any(|a| action_matches(a, action)))
            .flat_map(|s| s.resource.iter().cloned())
            .collect()
    }
}

/// The smallest policy that lets this request through (the account is left as `*`: the
/// console does not know it).
pub fn least_privilege(region: &Region, req: &CreateBackup) -> Policy {
    Policy {
        version: version_one(),
        statements: vec![Statement {
            effect: Effect::Allow,
            action: OneOrMany::One(CREATE_BACKUP_ACTION.into()),
            resource: OneOrMany::One(instance_resource(region, "*", req.instance().as_str())),
            condition: None,
        }],
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Context, Draft, Engine, StorageType, validate};

    fn policy(text: &str) -> Policy {
        serde_json::from_str(text).unwrap()
    }

    fn ask<'a>(
        action: &'a str,
        resource: &'a str,
        tags: Option<&'a BTreeMap<String, String>>,
    ) -> Request<'a> {
        Request {
            action,
            resource,
            tags,
        }
    }

    #[test]
    fn the_policy_names_one_action_on_one_instance_and_allows_exactly_it() {
        let ctx = Context::new(Engine::MariaDb, StorageType::CloudEssd);
        let draft = Draft {
            db_instance_id: Some("rm-t4nmaria01".into()),
            ..Draft::default()
        };
        let req = validate(&ctx, &draft).unwrap();
        let region = Region::new("ap-southeast-1").unwrap();
        let p = least_privilege(&region, &req);
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(
            text,
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"rds:CreateBackup","Resource":"acs:rds:ap-southeast-1:*:dbinstance/rm-t4nmaria01"}]}"#
        );
        let back: Policy = serde_json::from_str(&text).unwrap();
        assert_eq!(back.check(Some("1234")), Ok(()));
        let mine = instance_resource(&region, "1234", "rm-t4nmaria01");
        let other = instance_resource(&region, "1234", "rm-other");
        assert_eq!(
            back.decide(&ask(CREATE_BACKUP_ACTION, &mine, None)),
            Decision::Allowed(0)
        );
        assert_eq!(
            back.decide(&ask(CREATE_BACKUP_ACTION, &other, None)),
            Decision::ImplicitDeny
        );
        assert_eq!(
            back.decide(&ask(DESCRIBE_TASKS_ACTION, &mine, None)),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn globs() {
        assert!(glob("*", "anything") && glob("*", ""));
        assert!(glob(
            "acs:rds:*:*:dbinstance/rm-*",
            "acs:rds:cn-hangzhou:1:dbinstance/rm-abc"
        ));
        assert!(!glob(
            "acs:rds:cn-hangzhou:*:dbinstance/rm-*",
            "acs:rds:ap-southeast-1:1:dbinstance/rm-abc"
        ));
        assert!(glob("a*b*c", "aXbYc") && !glob("a*b*c", "aXc") && !glob("ab*ba", "aba"));
        assert!(glob("*a*", "bab") && glob("a**", "a") && !glob("a?c", "abc"));
        assert!(wildcard(b"a?c", b"abc", true) && !wildcard(b"a?c", b"ac", true));
    }

    #[test]
    fn action_names_match_case_insensitively() {
        assert!(action_matches("rds:createbackup", "rds:CreateBackup"));
        assert!(action_matches("RDS:Describe*", "rds:DescribeDatabases"));
        assert!(!action_matches("rds:CreateBackup", "rds:CreateBackups"));
    }

    #[test]
    fn deny_wins_with_the_account_and_nothing_means_no() {
        let p = policy(
            r#"{"Version":"1","Statement":[
                {"Effect":"Allow","Action":"rds:createbackup","Resource":"acs:rds:cn-hangzhou:*:dbinstance/*"},
                {"Effect":"Deny","Action":["rds:*"],"Resource":["acs:rds:*:1234567890:dbinstance/rm-prod-*"]}
            ]}"#,
        );
        assert_eq!(p.check(Some("1234567890")), Ok(()));
        let d = |r: &str, i: &str| {
            let res = instance_resource(&Region::new(r).unwrap(), "1234567890", i);
            p.decide(&ask(CREATE_BACKUP_ACTION, &res, None))
        };
        assert_eq!(d("cn-hangzhou", "rm-dev-1"), Decision::Allowed(0));
        assert_eq!(d("cn-hangzhou", "rm-prod-1"), Decision::ExplicitDeny(1));
        assert_eq!(d("ap-southeast-1", "rm-dev-1"), Decision::ImplicitDeny);
    }

    #[test]
    fn tag_conditions_allow_and_deny_as_written() {
        let p = policy(
            r#"{"Statement":[
                {"Effect":"Allow","Action":"rds:CreateBackup","Resource":"*",
                 "Condition":{"StringEquals":{"rds:ResourceTag/team":"payments"}}},
                {"Effect":"Deny","Action":"rds:*","Resource":"*",
                 "Condition":{"StringLike":{"rds:ResourceTag/env":["prod*","live-?"]}}}
            ]}"#,
        );
        assert_eq!(p.check(None), Ok(()));
        let tags = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let res = "acs:rds:cn-hangzhou:1:dbinstance/rm-a";
        let d = |t: &BTreeMap<String, String>| p.decide(&ask(CREATE_BACKUP_ACTION, res, Some(t)));
        assert_eq!(d(&tags(&[("team", "payments")])), Decision::Allowed(0));
        assert_eq!(d(&tags(&[("Team", "payments")])), Decision::Allowed(0));
        assert_eq!(d(&tags(&[("team", "Payments")])), Decision::ImplicitDeny);
        assert_eq!(d(&tags(&[("team", "search")])), Decision::ImplicitDeny);
        assert_eq!(d(&tags(&[])), Decision::ImplicitDeny);
        assert_eq!(
            d(&tags(&[("team", "payments"), ("env", "production")])),
            Decision::ExplicitDeny(1)
        );
        assert_eq!(
            d(&tags(&[("team", "payments"), ("env", "live-1")])),
            Decision::ExplicitDeny(1)
        );
        assert_eq!(
            d(&tags(&[("team", "payments"), ("env", "live-10")])),
            Decision::Allowed(0)
        );
        // Tags not known: no condition holds, neither the Allow nor the Deny.
        assert_eq!(
            p.decide(&ask(CREATE_BACKUP_ACTION, res, None)),
            Decision::ImplicitDeny
        );
        assert!(p.might_allow(CREATE_BACKUP_ACTION, res) && p.uses_tags());
        assert_eq!(p.unconditional_deny(CREATE_BACKUP_ACTION, res), None);
    }

    #[test]
    fn a_policy_that_cannot_mean_what_it_says_is_refused_at_load() {
        let err = |text: &str, account: Option<&str>| {
            policy(text).check(account).unwrap_err().to_string()
        };
        let e = err(
            r#"{"Statement":[{"Effect":"Allow","Action":"rds:CreateBackup","Resource":"*"},{"Effect":"Allow","Action":"rds:CreatBackup","Resource":"*"}]}"#,
            None,
        );
        assert!(
            e.starts_with("statement 2 (Allow rds:CreatBackup): unknown action"),
            "{e}"
        );
        let e = err(
            r#"{"Statement":[{"Effect":"Deny","Action":"rds:*","Resource":"acs:rds:*:1234567890:dbinstance/rm-prod-*"}]}"#,
            Some("5000000000000001"),
        );
        assert!(e.contains("names account 1234567890"), "{e}");
        for bad in [
            "rm-prod-*",
            "acs:ecs:*:*:instance/i-1",
            "acs:rds:Hangzhou:*:dbinstance/x",
            "acs:rds:*:acct:dbinstance/x",
            "acs:rds:*:*:backup/x",
        ] {
            let text = format!(
                r#"{{"Statement":[{{"Effect":"Allow","Action":"rds:*","Resource":"{bad}"}}]}}"#
            );
            assert!(policy(&text).check(None).is_err(), "{bad}");
        }
        let e = err(
            r#"{"Statement":[{"Effect":"Allow","Action":"rds:*","Resource":"*","Condition":{"StringEquals":{"acs:SourceIp":"1.2.3.4"}}}]}"#,
            None,
        );
        assert!(e.contains("unknown condition key 'acs:SourceIp'"), "{e}");
        for unreadable in [
            r#"{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{}}}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}]}"#,
        ] {
            assert!(
                serde_json::from_str::<Policy>(unreadable).is_err(),
                "{unreadable}"
            );
        }
    }
}
