//! Who may do what: RAM policies (core's [`Policy`]) attached to users (`"alice"`),
//! groups (`"group:dba"`) and everyone (`"*"`), evaluated on the real instance: its
//! region, this proxy's account and the instance's tags.
//!
//! A caller's policies are their user's, each of their groups', and `*`'s, taken
//! together as RAM takes the policies of a user and their groups: a Deny in any of them
//! wins, then an Allow in any of them; nothing allowed means no.

use crate::error::ProxyError;
use crate::identity::Caller;
use rds_backup_core::Region;
use rds_backup_core::policy::{
    Decision, Effect, KNOWN_ACTIONS, Policy, Request, instance_resource,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// An instance as policies see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// Its real region.
    pub region: Region,
    /// Its id.
    pub instance: String,
    /// Its tags (`None`: not known).
    pub tags: Option<BTreeMap<String, String>>,
}

/// The policies file, checked, with this proxy's account.
#[derive(Debug)]
pub struct Policies {
    by_principal: HashMap<String, Policy>,
    account: String,
    uses_tags: bool,
}

/// The outcome of a check that refused, for the error and the audit line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    /// The resource name checked.
    pub resource: String,
    /// Why, in words: which statement, or that none allows it.
    pub why: String,
}

impl Policies {
    /// Reads and checks a policies file `{"<user>" | "group:<name>" | "*": <policy>}`
    /// against the proxy's account: every problem is an error naming the principal and
    /// the statement.
    pub fn read(text: &str, account: &str) -> Result<Policies, String> {
        let raw: BTreeMap<String, Value> =
            serde_json::from_str(text).map_err(|e| format!("policies file: {e}"))?;
        let mut by_principal = HashMap::new();
        for (principal, value) in raw {
            if principal.trim().is_empty() || principal == "group:" {
                return Err("policies file: a policy needs a user, group:<name> or *".into());
            }
            let policy: Policy = serde_json::from_value(value)
                .map_err(|e| format!("policies file: the policy of '{principal}': {e}"))?;
            policy
                .check(Some(account))
                .map_err(|e| format!("policies file: the policy of '{principal}': {e}"))?;
            by_principal.insert(principal, policy);
        }
        let uses_tags = by_principal.values().any(Policy::uses_tags);
        Ok(Policies {
            by_principal,
            account: account.to_owned(),
            uses_tags,
        })
    }

    /// This proxy's account id (resources are named with it).
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Whether any policy has a tag condition (then instances' tags must be looked up).
    pub fn uses_tags(&self) -> bool {
        self.uses_tags
    }

    /// The policies that apply to a caller: theirs, their groups', everyone's.
    fn of<'a>(&'a self, caller: &'a Caller) -> impl Iterator<Item = (&'a str, &'a Policy)> + 'a {
        let groups = caller.groups.iter().map(|g| format!("group:{g}"));
        std::iter::once(caller.user.clone())
            .chain(groups)
            .chain(std::iter::once("*".to_owned()))
            .filter_map(move |name| {
                self.by_principal
                    .get_key_value(&name)
                    .map(|(k, p)| (k.as_str(), p))
            })
    }

    /// The resource name of an instance, with this proxy's account.
    pub fn resource_name(&self, region: &Region, instance: &str) -> String {
        instance_resource(region, &self.account, instance)
    }

    /// Whether `caller` may do `action` on `resource`, and if not, why.
    pub fn decide(&self, caller: &Caller, action: &str, resource: &Resource) -> Result<(), Denial> {
        let name = self.resource_name(&resource.region, &resource.instance);
        let req = Request {
            action,
            resource: &name,
            tags: resource.tags.as_ref(),
        };
        let mut allowed = false;
        for (principal, policy) in self.of(caller) {
            match policy.decide(&req) {
                Decision::ExplicitDeny(i) => {
                    return Err(Denial {
                        resource: name,
                        why: format!(
                            "statement {} of the policy of '{principal}' denies it",
                            i + 1
                        ),
                    });
                }
                Decision::Allowed(_) => allowed = true,
                Decision::ImplicitDeny => {}
            }
        }
        if allowed {
            Ok(())
        } else {
            Err(Denial {
                resource: name,
                why: "no statement of your policies allows it".into(),
            })
        }
    }

    /// Refuses before the instance is looked up (its claimed region, no tags) what no
    /// tag could allow: an unconditional Deny applies, or no Allow could.
    pub fn precheck(
        &self,
        caller: &Caller,
        action: &str,
        region: &Region,
        instance: &str,
    ) -> Result<(), Denial> {
        let name = self.resource_name(region, instance);
        let mut might = false;
        for (principal, policy) in self.of(caller) {
            if let Some(i) = policy.unconditional_deny(action, &name) {
                return Err(Denial {
                    why: format!(
                        "statement {} of the policy of '{principal}' denies it",
                        i + 1
                    ),
                    resource: name,
                });
            }
            might |= policy.might_allow(action, &name);
        }
        if might {
            Ok(())
        } else {
            Err(Denial {
                resource: name,
                why: "no statement of your policies allows it".into(),
            })
        }
    }

    /// What a caller may do, for `/api/config`: per action, the resource patterns allowed
    /// and denied.
    pub fn summary(&self, caller: &Caller) -> Value {
        let mut out = serde_json::Map::new();
        for action in KNOWN_ACTIONS {
            let short = action.trim_start_matches("rds:");
            let (mut allow, mut deny) = (Vec::new(), Vec::new());
            for (_, p) in self.of(caller) {
                allow.extend(p.resources(Effect::Allow, action));
                deny.extend(p.resources(Effect::Deny, action));
            }
            out.insert(short.into(), json!({"Allow": allow, "Deny": deny}));
        }
        Value::Object(out)
    }
}

/// A refusal as the error the caller sees, counted for the metrics.
fn refused(caller: &Caller, action: &str, d: Denial) -> ProxyError {
    crate::telemetry::denial(action);
    ProxyError::Forbidden {
        user: caller.user.clone(),
        action: action.to_owned(),
        resource: d.resource,
        why: d.why,
    }
}

/// An authorization layer for handlers: `None` (no policies file) allows everything.
pub struct Authorizer(pub Option<Policies>);

impl Authorizer {
    /// Checks `action` on the real instance; a refusal is `Forbidden.RAM` naming why.
    pub fn check(
        &self,
        caller: &Caller,
        action: &str,
        resource: &Resource,
    ) -> Result<(), ProxyError> {
        let Some(p) = &self.0 else { return Ok(()) };
        p.decide(caller, action, resource)
            .map_err(|d| refused(caller, action, d))
    }

    /// Refuses early what the check on the real instance could not allow (see
    /// [`Policies::precheck`]).
    pub fn precheck(
        &self,
        caller: &Caller,
        action: &str,
        region: &Region,
        instance: &str,
    ) -> Result<(), ProxyError> {
        let Some(p) = &self.0 else { return Ok(()) };
        p.precheck(caller, action, region, instance)
            .map_err(|d| refused(caller, action, d))
    }

    /// Whether `caller` may do `action` on `resource` (for filtering lists).
    /// Not counted as a denial: leaving an instance out of a list is not a refusal.
    pub fn allows(&self, caller: &Caller, action: &str, resource: &Resource) -> bool {
        self.0
            .as_ref()
            .is_none_or(|p| p.decide(caller, action, resource).is_ok())
    }

    /// Whether a policies file is in force.
    pub fn is_configured(&self) -> bool {
        self.0.is_some()
    }

    /// Whether the instances' tags are needed to decide.
    pub fn needs_tags(&self) -> bool {
        self.0.as_ref().is_some_and(Policies::uses_tags)
    }

    /// `/api/config`'s view of what the caller may do.
    pub fn summary(&self, caller: &Caller) -> Value {
        match &self.0 {
            None => {
                let all: serde_json::Map<String, Value> = KNOWN_ACTIONS
                    .iter()
                    .map(|a| {
                        (
                            a.trim_start_matches("rds:").to_owned(),
                            json!({"Allow": ["*"], "Deny": []}),
                        )
                    })
                    .collect();
                Value::Object(all)
            }
            Some(p) => p.summary(caller),
        }
    }
}
