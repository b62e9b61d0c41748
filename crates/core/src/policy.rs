//! The least-privilege RAM policy for a request: allow `rds:CreateBackup` on exactly this
//! instance of this region (the account is left as `*`: the console does not know it).

use crate::endpoint::Region;
use crate::request::CreateBackup;
use serde::Serialize;

/// The RAM action CreateBackup needs.
pub const CREATE_BACKUP_ACTION: &str = "rds:CreateBackup";

/// One policy statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// Always `Allow` here.
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    /// The action.
    #[serde(rename = "Action")]
    pub action: &'static str,
    /// The instance's resource name.
    #[serde(rename = "Resource")]
    pub resource: String,
}

/// A RAM policy document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Always `"1"`.
    #[serde(rename = "Version")]
    pub version: &'static str,
    /// The statements.
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

/// The resource name of an instance: `acs:rds:<region>:<account>:dbinstance/<id>`.
pub fn instance_resource(region: &Region, account: &str, instance: &str) -> String {
    format!("acs:rds:{region}:{account}:dbinstance/{instance}")
}

/// The smallest policy that lets this request through.
pub fn least_privilege(region: &Region, req: &CreateBackup) -> Policy {
    Policy {
        version: "1",
        statements: vec![Statement {
            effect: "Allow",
            action: CREATE_BACKUP_ACTION,
            resource: instance_resource(region, "*", req.instance().as_str()),
        }],
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Context, Draft, Engine, StorageType, validate};

    #[test]
    fn the_policy_names_one_action_on_one_instance() {
        let ctx = Context::new(Engine::MariaDb, StorageType::CloudEssd);
        let draft = Draft {
            db_instance_id: Some("rm-t4nmaria01".into()),
            ..Draft::default()
        };
        let req = validate(&ctx, &draft).unwrap();
        let p = least_privilege(&Region::new("ap-southeast-1").unwrap(), &req);
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"rds:CreateBackup","Resource":"acs:rds:ap-southeast-1:*:dbinstance/rm-t4nmaria01"}]}"#
        );
    }
}
