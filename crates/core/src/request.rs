//! The request in its two states: a [`Draft`] as typed, and a checked [`CreateBackup`].

use crate::endpoint::Endpoint;
use crate::model::{DbInstanceId, DbName, Field, Retention};
use crate::rules::Rule;
use crate::sign::{Call, Method, RDS_VERSION};
use crate::time::UtcTime;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The request as a user typed it: every field optional, no value checked yet.
///
/// `None` means "not given". Unknown enum values are kept as typed so that
/// `validate` can name them in its message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// `DBInstanceId`.
    #[serde(
        rename = "DBInstanceId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub db_instance_id: Option<String>,
    /// `DBName`, split at commas. On the wire: one comma-separated string.
    #[serde(
        rename = "DBName",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_db_names",
        deserialize_with = "de_db_names"
    )]
    pub db_name: Option<Vec<String>>,
    /// `BackupStrategy`.
    #[serde(
        rename = "BackupStrategy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub backup_strategy: Option<String>,
    /// `BackupMethod`.
    #[serde(
        rename = "BackupMethod",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub backup_method: Option<String>,
    /// `BackupType`.
    #[serde(
        rename = "BackupType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub backup_type: Option<String>,
    /// `BackupRetentionPeriod`.
    #[serde(
        rename = "BackupRetentionPeriod",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub backup_retention_period: Option<i64>,
}

/// Splits the API's comma-separated `DBName` into names, keeping empty pieces
/// (so that `validate` can point at a stray comma instead of dropping it).
pub fn split_db_names(s: &str) -> Vec<String> {
    s.split(',').map(str::to_owned).collect()
}

fn ser_db_names<S: Serializer>(v: &Option<Vec<String>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(names) => s.serialize_str(&names.join(",")),
        None => s.serialize_none(),
    }
}

fn de_db_names<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Names {
        Joined(String),
        List(Vec<String>),
    }
    Ok(Some(match Names::deserialize(d)? {
        Names::Joined(s) => split_db_names(&s),
        Names::List(v) => v,
    }))
}

impl Draft {
    /// The draft of CreateBackup parameters given by their wire names (a plan item's
    /// params, a stored submission), or what is wrong with one of them.
    pub fn from_params<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Draft, String> {
        let mut draft = Draft::default();
        for (name, value) in params {
            let field = Field::parse(name)
                .filter(|f| Field::PARAMS.contains(f))
                .ok_or_else(|| format!("'{name}' is not a CreateBackup parameter"))?;
            draft.set(field, value)?;
        }
        Ok(draft)
    }

    /// Sets one field from its wire name and the text a user typed (e.g. `--set`).
    /// An empty text clears the field.
    pub fn set(&mut self, field: Field, text: &str) -> Result<(), String> {
        let value = (!text.is_empty()).then(|| text.to_owned());
        match field {
            Field::DBInstanceId => self.db_instance_id = value,
            Field::DBName => self.db_name = value.map(|v| split_db_names(&v)),
            Field::BackupStrategy => self.backup_strategy = value,
            Field::BackupMethod => self.backup_method = value,
            Field::BackupType => self.backup_type = value,
            Field::BackupRetentionPeriod => {
                self.backup_retention_period = match value {
                    None => None,
                    Some(v) => Some(v.parse::<i64>().map_err(|_| {
                        format!("BackupRetentionPeriod must be a whole number, not '{v}'")
                    })?),
                }
            }
            Field::Engine | Field::StorageType | Field::RegionId => {
                return Err(format!("{field} is not a CreateBackup parameter"));
            }
        }
        Ok(())
    }

    /// True when the field was given.
    pub fn has(&self, field: Field) -> bool {
        match field {
            Field::DBInstanceId => self.db_instance_id.is_some(),
            Field::DBName => self.db_name.is_some(),
            Field::BackupStrategy => self.backup_strategy.is_some(),
            Field::BackupMethod => self.backup_method.is_some(),
            Field::BackupType => self.backup_type.is_some(),
            Field::BackupRetentionPeriod => self.backup_retention_period.is_some(),
            Field::Engine | Field::StorageType | Field::RegionId => false,
        }
    }
}

/// A CreateBackup request that passed every rule. Only `validate` makes one,
/// so holding one means the combination is valid for its engine and storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateBackup {
    pub(crate) instance: DbInstanceId,
    pub(crate) rule: &'static Rule,
    pub(crate) db_names: Vec<DbName>,
    pub(crate) retention: Option<Retention>,
}

impl CreateBackup {
    /// The instance to back up.
    pub fn instance(&self) -> &DbInstanceId {
        &self.instance
    }

    /// The combination (row of the rules table) this request follows.
    pub fn rule(&self) -> &'static Rule {
        self.rule
    }

    /// The databases to back up (empty unless the rule takes DBName).
    pub fn db_names(&self) -> &[DbName] {
        &self.db_names
    }

    /// The retention period, if one was given.
    pub fn retention(&self) -> Option<Retention> {
        self.retention
    }

    /// This request as the CreateBackup call to sign (or preview): its parameters to
    /// `endpoint` by `method`, at `time`, with `nonce`.
    pub fn call(&self, method: Method, endpoint: Endpoint, time: UtcTime, nonce: String) -> Call {
        Call {
            action: "CreateBackup".into(),
            version: RDS_VERSION.into(),
            params: self
                .params()
                .pairs()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            method,
            endpoint,
            time,
            nonce,
        }
    }

    /// The parameters that will be sent: only what applies, API spelling, in the
    /// API's documented order. Defaults (BackupMethod, BackupType) are sent explicitly
    /// so that what is shown is what the service receives.
    pub fn params(&self) -> Params {
        let r = self.rule;
        let mut p = Vec::with_capacity(6);
        p.push((Field::DBInstanceId, self.instance.as_str().to_owned()));
        if !self.db_names.is_empty() {
            let joined: Vec<&str> = self.db_names.iter().map(DbName::as_str).collect();
            p.push((Field::DBName, joined.join(",")));
        }
        if let Some(s) = r.strategy {
            p.push((Field::BackupStrategy, s.as_str().to_owned()));
        }
        p.push((Field::BackupMethod, r.method.as_str().to_owned()));
        if let Some(t) = r.backup_type {
            p.push((Field::BackupType, t.as_str().to_owned()));
        }
        if let Some(days) = self.retention {
            p.push((Field::BackupRetentionPeriod, days.value().to_string()));
        }
        Params(p)
    }
}

/// The parameters of a request, in a stable order; serializes as a JSON object
/// in that order, every value a string as on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params(pub Vec<(Field, String)>);

impl Params {
    /// The value of one parameter.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_str())
    }

    /// `(name, value)` pairs as they go on the wire.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(f, v)| (f.as_str(), v.as_str()))
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.pairs() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_name_reads_a_string_or_a_list() {
        let a: Draft = serde_json::from_str(r#"{"DBName":"db1,db2"}"#).unwrap();
        let b: Draft = serde_json::from_str(r#"{"DBName":["db1","db2"]}"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"DBName":"db1,db2"}"#
        );
    }

    #[test]
    fn a_draft_reads_the_params_it_would_send() {
        let d = Draft::from_params([
            ("DBInstanceId", "rm-1"),
            ("DBName", "a,b"),
            ("BackupRetentionPeriod", "7"),
        ])
        .unwrap();
        assert_eq!(d.db_name, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(d.backup_retention_period, Some(7));
        assert!(Draft::from_params([("RegionId", "cn-hangzhou")]).is_err());
        assert!(Draft::from_params([("BackupRetentionPeriod", "x")]).is_err());
    }

    #[test]
    fn a_stray_comma_is_kept_for_the_validator() {
        assert_eq!(split_db_names("db1,,db2"), ["db1", "", "db2"]);
    }

    #[test]
    fn set_parses_and_clears() {
        let mut d = Draft::default();
        d.set(Field::BackupRetentionPeriod, "7").unwrap();
        assert_eq!(d.backup_retention_period, Some(7));
        assert!(d.set(Field::BackupRetentionPeriod, "seven").is_err());
        d.set(Field::BackupRetentionPeriod, "").unwrap();
        assert_eq!(d.backup_retention_period, None);
        assert!(d.set(Field::Engine, "MySQL").is_err());
    }
}
