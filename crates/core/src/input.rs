//! Reading a request from JSON the way tools take it: one object with the
//! context (`Engine`, `StorageType`, optionally `RegionId`) and the parameters
//! under their API names. Every problem is reported, each naming its key.

use crate::check::Context;
use crate::model::{Engine, Field, StorageType};
use crate::report::ErrorItem;
use crate::request::{Draft, split_db_names};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// Why an input cannot be used at all (as opposed to a request that breaks a rule).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Not JSON, not one object, or trailing text.
    #[error("the input is not one JSON object: {0}")]
    NotJson(String),
    /// A key that is not a known field.
    #[error(
        "unknown key '{0}': expected Engine, StorageType, RegionId, DBInstanceId, DBName, BackupStrategy, BackupMethod, BackupType or BackupRetentionPeriod"
    )]
    UnknownField(String),
    /// The same key twice.
    #[error("'{0}' is given more than once")]
    Duplicate(String),
    /// A value of the wrong JSON type.
    #[error("{field} must be {expected}")]
    WrongType {
        /// The key.
        field: Field,
        /// What it must be, in words.
        expected: &'static str,
    },
    /// An Engine or StorageType that does not exist.
    #[error("'{value}' is not a valid {field}: use {valid}{hint}")]
    UnknownValue {
        /// The key.
        field: Field,
        /// What was given.
        value: String,
        /// The valid values, comma separated.
        valid: String,
        /// A "did you mean" hint, or empty.
        hint: String,
    },
    /// A key the command needs.
    #[error("{0} is required")]
    Missing(Field),
}

impl InputError {
    /// A stable code for tools (the input family, distinct from the API's codes).
    pub const fn code(&self) -> &'static str {
        match self {
            InputError::NotJson(_) => "InvalidInput.NotJson",
            InputError::UnknownField(_) => "InvalidInput.UnknownField",
            InputError::Duplicate(_) => "InvalidInput.Duplicate",
            InputError::WrongType { .. } => "InvalidInput.WrongType",
            InputError::UnknownValue { .. } => "InvalidInput.UnknownValue",
            InputError::Missing(_) => "InvalidInput.Missing",
        }
    }

    /// The key at fault, or `""` when the whole input is.
    pub fn field(&self) -> String {
        match self {
            InputError::NotJson(_) => String::new(),
            InputError::UnknownField(k) | InputError::Duplicate(k) => k.clone(),
            InputError::WrongType { field, .. } | InputError::UnknownValue { field, .. } => {
                field.as_str().to_owned()
            }
            InputError::Missing(f) => f.as_str().to_owned(),
        }
    }

    /// As the `{code, field, message}` object the tools print.
    pub fn report(&self) -> ErrorItem {
        ErrorItem {
            code: self.code().to_owned(),
            field: self.field(),
            message: self.to_string(),
        }
    }
}

/// A request read from JSON, context included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Input {
    /// `Engine`, if given.
    pub engine: Option<Engine>,
    /// `StorageType`, if given.
    pub storage: Option<StorageType>,
    /// `RegionId`, if given (not checked here: the endpoint table does that).
    pub region: Option<String>,
    /// The CreateBackup parameters.
    pub draft: Draft,
}

/// The keys of an object in order, duplicates kept (serde_json's map would hide them).
struct Entries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Entries, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn string_of(field: Field, v: Value) -> Result<Option<String>, InputError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        _ => Err(InputError::WrongType {
            field,
            expected: "a string",
        }),
    }
}

fn enum_of<T: Copy>(
    field: Field,
    v: Value,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<Option<T>, InputError> {
    let Some(s) = string_of(field, v)? else {
        return Ok(None);
    };
    if let Some(t) = all.iter().copied().find(|t| as_str(*t) == s) {
        return Ok(Some(t));
    }
    let hint = all
        .iter()
        .copied()
        .find(|t| as_str(*t).eq_ignore_ascii_case(&s))
        .map_or(String::new(), |t| {
            format!(" (values are case-sensitive: did you mean {}?)", as_str(t))
        });
    Err(InputError::UnknownValue {
        field,
        value: s,
        valid: all
            .iter()
            .map(|t| as_str(*t))
            .collect::<Vec<_>>()
            .join(", "),
        hint,
    })
}

impl Input {
    /// Reads one JSON object. Returns every problem with the input, not just the first.
    pub fn from_json(text: &str) -> Result<Input, Vec<InputError>> {
        let entries: Entries =
            serde_json::from_str(text).map_err(|e| vec![InputError::NotJson(e.to_string())])?;
        let mut input = Input::default();
        let mut errors = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in entries.0 {
            if seen.contains(&key) {
                errors.push(InputError::Duplicate(key));
                continue;
            }
            seen.push(key.clone());
            if let Err(e) = input.take(&key, value) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }

    fn take(&mut self, key: &str, value: Value) -> Result<(), InputError> {
        let field = Field::parse(key).ok_or_else(|| InputError::UnknownField(key.to_owned()))?;
        let d = &mut self.draft;
        match field {
            Field::Engine => self.engine = enum_of(field, value, Engine::ALL, Engine::as_str)?,
            Field::StorageType => {
                self.storage = enum_of(field, value, StorageType::ALL, StorageType::as_str)?
            }
            Field::RegionId => self.region = string_of(field, value)?,
            Field::DBInstanceId => d.db_instance_id = string_of(field, value)?,
            Field::BackupStrategy => d.backup_strategy = string_of(field, value)?,
            Field::BackupMethod => d.backup_method = string_of(field, value)?,
            Field::BackupType => d.backup_type = string_of(field, value)?,
            Field::DBName => {
                let wrong = InputError::WrongType {
                    field,
                    expected: "a comma-separated string (or a list of strings)",
                };
                d.db_name = match value {
                    Value::Null => None,
                    Value::String(s) => Some(split_db_names(&s)),
                    Value::Array(items) => Some(
                        items
                            .into_iter()
                            .map(|i| match i {
                                Value::String(s) => Ok(s),
                                _ => Err(wrong.clone()),
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => return Err(wrong),
                }
            }
            Field::BackupRetentionPeriod => {
                d.backup_retention_period = match value {
                    Value::Null => None,
                    Value::Number(n) => Some(n.as_i64().ok_or(InputError::WrongType {
                        field,
                        expected: "a whole number (7 to 730, or -1)",
                    })?),
                    _ => {
                        return Err(InputError::WrongType {
                            field,
                            expected: "a JSON number (7 to 730, or -1)",
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The context, or which of Engine and StorageType is missing.
    pub fn context(&self) -> Result<Context, Vec<InputError>> {
        match (self.engine, self.storage) {
            (Some(e), Some(s)) => Ok(Context::new(e, s)),
            (e, s) => Err([
                e.is_none().then_some(InputError::Missing(Field::Engine)),
                s.is_none()
                    .then_some(InputError::Missing(Field::StorageType)),
            ]
            .into_iter()
            .flatten()
            .collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs(text: &str) -> Vec<(&'static str, String)> {
        Input::from_json(text)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| (e.code(), e.field()))
            .collect()
    }

    #[test]
    fn reads_context_and_params() {
        let i = Input::from_json(
            r#"{"Engine":"MySQL","StorageType":"local_ssd","DBInstanceId":"rm-1x","DBName":"a,b","BackupRetentionPeriod":7}"#,
        )
        .unwrap();
        assert_eq!(i.engine, Some(Engine::MySql));
        assert_eq!(i.draft.db_name, Some(vec!["a".into(), "b".into()]));
        assert_eq!(i.draft.backup_retention_period, Some(7));
    }

    #[test]
    fn every_unusable_key_is_named() {
        assert_eq!(
            errs(r#"{"Engine":"mysql","Foo":1,"BackupRetentionPeriod":"7","DBName":5}"#),
            vec![
                ("InvalidInput.UnknownValue", "Engine".into()),
                ("InvalidInput.UnknownField", "Foo".into()),
                ("InvalidInput.WrongType", "BackupRetentionPeriod".into()),
                ("InvalidInput.WrongType", "DBName".into()),
            ]
        );
    }

    #[test]
    fn not_an_object_and_duplicates() {
        assert_eq!(errs("[1]"), vec![("InvalidInput.NotJson", String::new())]);
        assert_eq!(errs("{} {}"), vec![("InvalidInput.NotJson", String::new())]);
        assert_eq!(errs("7.5"), vec![("InvalidInput.NotJson", String::new())]);
        assert_eq!(
            errs(r#"{"BackupMethod":"Logical","BackupMethod":"Physical"}"#),
            vec![("InvalidInput.Duplicate", "BackupMethod".into())]
        );
        assert_eq!(
            errs(r#"{"BackupRetentionPeriod":7.5}"#),
            vec![("InvalidInput.WrongType", "BackupRetentionPeriod".into())]
        );
    }

    #[test]
    fn missing_context_is_reported() {
        let i = Input::from_json("{}").unwrap();
        let e = i.context().unwrap_err();
        assert_eq!(e.len(), 2);
    }
}
