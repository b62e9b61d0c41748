//! The CreateBackup vocabulary: engines, storage, methods and checked values.
//!
//! Every enum serializes exactly as the API spells it, so a value read from
//! JSON, shown in a form or put on the wire is the same string.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Implements `as_str`, `ALL`, `parse`, `Display` and serde for a wire enum.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every value, in the order the API documents them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as the API spells it.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// Reads the API spelling exactly (case matters, as on the wire).
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// A value that differs from `s` only in letter case, for "did you mean" hints.
            pub fn near(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// A database engine, as the API names it.
    Engine {
        /// RDS for MySQL.
        MySql = "MySQL",
        /// RDS for PostgreSQL.
        PostgreSql = "PostgreSQL",
        /// RDS for SQL Server.
        SqlServer = "SQLServer",
        /// RDS for MariaDB.
        MariaDb = "MariaDB",
    }
}

impl Engine {
    /// The name people use ("SQL Server" rather than the API's "SQLServer").
    pub const fn display_name(self) -> &'static str {
        match self {
            Engine::MySql => "MySQL",
            Engine::PostgreSql => "PostgreSQL",
            Engine::SqlServer => "SQL Server",
            Engine::MariaDb => "MariaDB",
        }
    }
}

wire_enum! {
    /// An instance's storage type (`DBInstanceStorageType`).
    StorageType {
        /// Local SSD.
        LocalSsd = "local_ssd",
        /// Local SSD (older name).
        EphemeralSsd = "ephemeral_ssd",
        /// Standard SSD cloud disk.
        CloudSsd = "cloud_ssd",
        /// ESSD PL1 cloud disk.
        CloudEssd = "cloud_essd",
        /// ESSD PL2 cloud disk.
        CloudEssd2 = "cloud_essd2",
        /// ESSD PL3 cloud disk.
        CloudEssd3 = "cloud_essd3",
        /// General ESSD cloud disk.
        GeneralEssd = "general_essd",
    }
}

/// Whether the storage is a local disk or a cloud disk: the distinction the rules make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// Local SSD (`local_ssd`, `ephemeral_ssd`).
    Local,
    /// Cloud disk (`cloud_ssd`, `cloud_essd*`, `general_essd`).
    Cloud,
}

impl StorageKind {
    /// "local disk" or "cloud disk", as the documentation says it.
    pub const fn describe(self) -> &'static str {
        match self {
            StorageKind::Local => "local disk",
            StorageKind::Cloud => "cloud disk",
        }
    }
}

impl StorageType {
    /// Local or cloud disk.
    pub const fn kind(self) -> StorageKind {
        match self {
            StorageType::LocalSsd | StorageType::EphemeralSsd => StorageKind::Local,
            _ => StorageKind::Cloud,
        }
    }
}

wire_enum! {
    /// `BackupMethod`.
    BackupMethod {
        /// Logical backup (MySQL on local disk only).
        Logical = "Logical",
        /// Physical backup; for MariaDB this value requests a snapshot.
        Physical = "Physical",
        /// Snapshot backup.
        Snapshot = "Snapshot",
    }
}

wire_enum! {
    /// `BackupStrategy`.
    BackupStrategy {
        /// Database level: the databases named in DBName.
        Db = "db",
        /// Instance level: every database.
        Instance = "instance",
    }
}

wire_enum! {
    /// `BackupType` (SQL Server physical backups).
    BackupType {
        /// The service chooses a full or an incremental backup.
        Auto = "Auto",
        /// A full backup.
        FullBackup = "FullBackup",
    }
}

/// A field of the request (or of its context), named as on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Field {
    /// The engine of the instance (context, not sent).
    Engine,
    /// The storage type of the instance (context, not sent).
    StorageType,
    /// The region (picks the endpoint, not sent).
    RegionId,
    /// `DBInstanceId`.
    DBInstanceId,
    /// `DBName`.
    DBName,
    /// `BackupStrategy`.
    BackupStrategy,
    /// `BackupMethod`.
    BackupMethod,
    /// `BackupType`.
    BackupType,
    /// `BackupRetentionPeriod`.
    BackupRetentionPeriod,
}

impl Field {
    /// The CreateBackup parameters, in the order the API documents them.
    pub const PARAMS: [Field; 6] = {
        let [_, _, _, params @ ..] = Field::ALL;
        params
    };

    /// Every field: the context (engine, storage, region), then the parameters (the
    /// declaration's order).
    pub const ALL: [Field; 9] = [
        Field::Engine,
        Field::StorageType,
        Field::RegionId,
        Field::DBInstanceId,
        Field::DBName,
        Field::BackupStrategy,
        Field::BackupMethod,
        Field::BackupType,
        Field::BackupRetentionPeriod,
    ];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::Engine => "Engine",
            Field::StorageType => "StorageType",
            Field::RegionId => "RegionId",
            Field::DBInstanceId => "DBInstanceId",
            Field::DBName => "DBName",
            Field::BackupStrategy => "BackupStrategy",
            Field::BackupMethod => "BackupMethod",
            Field::BackupType => "BackupType",
            Field::BackupRetentionPeriod => "BackupRetentionPeriod",
        }
    }

    /// Reads a wire name exactly.
    pub fn parse(s: &str) -> Option<Self> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a database name is not valid; the message names the broken rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DbNameError {
    /// Nothing between two commas, or an empty string.
    #[error("a database name is empty (look for a stray comma)")]
    Empty,
    /// More than 16 characters.
    #[error("'{0}' is longer than 16 characters")]
    TooLong(String),
    /// Does not start with a lowercase letter.
    #[error("'{0}' must start with a lowercase letter")]
    BadStart(String),
    /// Does not end with a lowercase letter or digit.
    #[error("'{0}' must end with a lowercase letter or a digit")]
    BadEnd(String),
    /// Contains something other than lowercase letters, digits and underscores.
    #[error(
        "'{name}' contains {found:?}; only lowercase letters, digits and underscores are allowed"
    )]
    BadChar {
        /// The offending name.
        name: String,
        /// The first character that is not allowed.
        found: char,
    },
}

/// A database name that follows the documented format: 1-16 characters of
/// lowercase letters, digits and `_`, starting with a letter, ending with a letter or digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct DbName(String);

impl DbName {
    /// The longest name the API accepts.
    pub const MAX_LEN: usize = 16;

    /// Checks `s` against the documented format.
    pub fn new(s: &str) -> Result<Self, DbNameError> {
        let first = s.chars().next().ok_or(DbNameError::Empty)?;
        if let Some(found) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
        {
            return Err(DbNameError::BadChar {
                name: s.to_owned(),
                found,
            });
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(DbNameError::TooLong(s.to_owned()));
        }
        if !first.is_ascii_lowercase() {
            return Err(DbNameError::BadStart(s.to_owned()));
        }
        if s.ends_with('_') {
            return Err(DbNameError::BadEnd(s.to_owned()));
        }
        Ok(DbName(s.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DbName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An instance id: 2-64 characters of lowercase letters, digits and `-`,
/// starting with a letter (e.g. `rm-uf6wjk5xxxxxxx`). Our reading: the
/// documents give examples, not a grammar.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct DbInstanceId(String);

impl DbInstanceId {
    /// The longest id accepted.
    pub const MAX_LEN: usize = 64;

    /// Checks the shape of an id; the message says what is wrong.
    pub fn new(s: &str) -> Result<Self, String> {
        DbInstanceId::check(s).map_err(|r| r.to_string())
    }

    /// As [`DbInstanceId::new`], the refusal as a [`crate::reason::Reason`].
    pub fn check(s: &str) -> Result<Self, crate::reason::Reason> {
        use crate::reason::Reason;
        if s.contains('*') {
            return Err(Reason::InstanceIdMasked {
                typed: s.to_owned(),
            });
        }
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let starts = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if !ok_chars || !starts || s.len() < 2 || s.len() > Self::MAX_LEN || s.ends_with('-') {
            return Err(Reason::InstanceIdFormat {
                typed: s.to_owned(),
            });
        }
        Ok(DbInstanceId(s.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DbInstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `BackupRetentionPeriod`: 7 to 730 days, or long-term (-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Retention {
    /// Kept this many days (7..=730).
    Days(u16),
    /// Kept long-term (the API's -1).
    LongTerm,
}

impl Retention {
    /// The shortest period in days.
    pub const MIN_DAYS: i64 = 7;
    /// The longest period in days.
    pub const MAX_DAYS: i64 = 730;

    /// Checks the documented range.
    pub fn new(value: i64) -> Option<Self> {
        match value {
            -1 => Some(Retention::LongTerm),
            Self::MIN_DAYS..=Self::MAX_DAYS => u16::try_from(value).ok().map(Retention::Days),
            _ => None,
        }
    }

    /// The wire value.
    pub fn value(self) -> i64 {
        match self {
            Retention::Days(d) => i64::from(d),
            Retention::LongTerm => -1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_name_follows_the_documented_format() {
        for ok in ["a", "db1", "rds_mysql", "a_b_c", "abcdefghijklmnop"] {
            assert!(DbName::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1db",
            "_db",
            "db_",
            "Db",
            "db-1",
            "db 1",
            "abcdefghijklmnopq",
            "数据",
        ] {
            assert!(DbName::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn retention_range_edges() {
        let got: Vec<_> = [-2, -1, 0, 6, 7, 730, 731]
            .into_iter()
            .map(|v| Retention::new(v).is_some())
            .collect();
        assert_eq!(got, [false, true, false, false, true, true, false]);
    }

    #[test]
    fn instance_id_shapes() {
        assert!(DbInstanceId::new("rm-uf6wjk5xxxxxxx").is_ok());
        assert!(DbInstanceId::new("pgm-bp1demo01").is_ok());
        for bad in [
            "",
            "r",
            "rm-uf6wjk5****",
            "RM-1",
            "rm_1",
            "-rm",
            "rm-",
            "rm 1",
        ] {
            assert!(DbInstanceId::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wire_names_round_trip() {
        for e in Engine::ALL {
            assert_eq!(Engine::parse(e.as_str()), Some(*e));
        }
        assert_eq!(Engine::parse("mysql"), None);
        assert_eq!(Engine::near("mysql"), Some(Engine::MySql));
        assert_eq!(
            serde_json::to_string(&StorageType::CloudEssd2)
                .ok()
                .as_deref(),
            Some("\"cloud_essd2\"")
        );
    }
}
