//! Core's reasons ([`Reason`]: a code with its arguments) in each language of the
//! console. English is core's own wording; the others are built here from the same
//! arguments, with the API's names and values (`BackupMethod`, `Snapshot`) left as they
//! are written on the wire.

use crate::i18n::Lang;
use rds_backup_core::model::{BackupMethod, DbNameError, Engine, Field, StorageKind};
use rds_backup_core::reason::Reason;

/// The reason in `l`.
pub fn say(l: Lang, r: &Reason) -> String {
    match l {
        Lang::En => r.to_string(),
        Lang::Id | Lang::ZhCn => other(l, r),
    }
}

fn pick<'a>(l: Lang, id: &'a str, zh: &'a str) -> &'a str {
    if l == Lang::ZhCn { zh } else { id }
}

/// "MySQL on cloud disk".
fn describe(l: Lang, engine: Engine, kind: StorageKind) -> String {
    let disk = match (l, kind) {
        (Lang::ZhCn, StorageKind::Local) => "本地盘",
        (Lang::ZhCn, StorageKind::Cloud) => "云盘",
        (_, StorageKind::Local) => "disk lokal",
        (_, StorageKind::Cloud) => "disk cloud",
    };
    match l {
        Lang::ZhCn => format!("{}（{disk}）", engine.display_name()),
        _ => format!("{} di {disk}", engine.display_name()),
    }
}

/// Which engines and storage a method supports (core's `method_reason`).
fn method_support(l: Lang, engine: Engine, method: BackupMethod) -> &'static str {
    match (engine, method, l) {
        (Engine::MariaDb, BackupMethod::Snapshot, Lang::ZhCn) => {
            "Snapshot：MariaDB 使用快照备份，但请求必须写 BackupMethod=Physical"
        }
        (Engine::MariaDb, BackupMethod::Snapshot, _) => {
            "Snapshot: MariaDB mengambil snapshot, tetapi permintaan harus menyebut BackupMethod=Physical"
        }
        (Engine::MariaDb, BackupMethod::Physical, Lang::ZhCn) => {
            "Physical：在 MariaDB 上，BackupMethod=Physical 表示快照备份"
        }
        (Engine::MariaDb, BackupMethod::Physical, _) => {
            "Physical: pada MariaDB, BackupMethod=Physical meminta snapshot"
        }
        (_, BackupMethod::Logical, Lang::ZhCn) => "Logical：仅限本地盘的 MySQL",
        (_, BackupMethod::Logical, _) => "Logical: hanya MySQL di disk lokal",
        (_, BackupMethod::Physical, Lang::ZhCn) => {
            "Physical：本地盘的 MySQL、SQL Server、PostgreSQL"
        }
        (_, BackupMethod::Physical, _) => "Physical: MySQL di disk lokal, SQL Server, PostgreSQL",
        (_, BackupMethod::Snapshot, Lang::ZhCn) => {
            "Snapshot：云盘的 MySQL、SQL Server、PostgreSQL、MariaDB"
        }
        (_, BackupMethod::Snapshot, _) => {
            "Snapshot: MySQL di disk cloud, SQL Server, PostgreSQL, MariaDB"
        }
    }
}

/// What a rule of core's table backs up, by its id.
fn rule_summary(l: Lang, id: &str) -> &'static str {
    let (idn, zh) = match id {
        "mysql-physical" => (
            "pencadangan fisik MySQL untuk semua basis data (disk lokal)",
            "MySQL 物理备份，包含所有数据库（本地盘）",
        ),
        "mysql-snapshot" => (
            "pencadangan snapshot MySQL untuk semua basis data (disk cloud)",
            "MySQL 快照备份，包含所有数据库（云盘）",
        ),
        "mysql-logical-db" => (
            "pencadangan logis MySQL untuk basis data di DBName (disk lokal)",
            "MySQL 逻辑备份，备份 DBName 中的数据库（本地盘）",
        ),
        "mysql-logical-instance" => (
            "pencadangan logis MySQL untuk seluruh instance (disk lokal)",
            "MySQL 逻辑备份，备份整个实例（本地盘）",
        ),
        "sqlserver-snapshot" => (
            "pencadangan snapshot SQL Server untuk semua basis data",
            "SQL Server 快照备份，包含所有数据库",
        ),
        "sqlserver-full-db" => (
            "pencadangan fisik penuh SQL Server untuk basis data di DBName",
            "SQL Server 全量物理备份，备份 DBName 中的数据库",
        ),
        "sqlserver-full-instance" => (
            "pencadangan fisik penuh SQL Server untuk seluruh instance",
            "SQL Server 全量物理备份，备份整个实例",
        ),
        "sqlserver-auto" => (
            "pencadangan fisik SQL Server, penuh atau inkremental sesuai pilihan layanan",
            "SQL Server 物理备份，由服务决定全量或增量",
        ),
        "postgresql-physical" => (
            "pencadangan fisik PostgreSQL untuk semua basis data",
            "PostgreSQL 物理备份，包含所有数据库",
        ),
        "postgresql-snapshot" => (
            "pencadangan snapshot PostgreSQL untuk semua basis data",
            "PostgreSQL 快照备份，包含所有数据库",
        ),
        "mariadb-snapshot" => (
            "pencadangan snapshot MariaDB untuk semua basis data (API menyebutnya Physical)",
            "MariaDB 快照备份，包含所有数据库（API 中称为 Physical）",
        ),
        _ => ("", ""),
    };
    pick(l, idn, zh)
}

/// Where a parameter takes effect (core's `takes_effect`).
fn takes_effect(l: Lang, field: Field) -> &'static str {
    let (idn, zh) = match field {
        Field::BackupStrategy => (
            "BackupStrategy hanya berlaku untuk pencadangan logis MySQL dan pencadangan penuh SQL Server (BackupType=FullBackup)",
            "BackupStrategy 仅对 MySQL 逻辑备份和 SQL Server 全量备份（BackupType=FullBackup）生效",
        ),
        Field::DBName => (
            "DBName hanya berlaku dengan BackupStrategy=db",
            "DBName 仅在 BackupStrategy=db 时生效",
        ),
        Field::BackupType => (
            "BackupType hanya berlaku untuk pencadangan fisik SQL Server",
            "BackupType 仅对 SQL Server 物理备份生效",
        ),
        Field::BackupRetentionPeriod => (
            "BackupRetentionPeriod berlaku untuk pencadangan MySQL dan pencadangan penuh basis data SQL Server (BackupStrategy=db)",
            "BackupRetentionPeriod 对 MySQL 备份以及 SQL Server 数据库全量备份（BackupStrategy=db）生效",
        ),
        Field::BackupMethod => (
            "BackupMethod berlaku untuk setiap pencadangan",
            "BackupMethod 适用于所有备份",
        ),
        Field::DBInstanceId => ("DBInstanceId selalu wajib", "DBInstanceId 始终必填"),
        Field::Engine | Field::StorageType | Field::RegionId => (
            "kolom ini adalah konteks, bukan parameter",
            "此字段是上下文，不是参数",
        ),
    };
    pick(l, idn, zh)
}

fn db_name_error(l: Lang, e: &DbNameError) -> String {
    match (e, l) {
        (DbNameError::Empty, Lang::ZhCn) => "有一个数据库名称为空（检查是否多了一个逗号）".into(),
        (DbNameError::Empty, _) => {
            "ada nama basis data yang kosong (periksa koma yang berlebih)".into()
        }
        (DbNameError::TooLong(n), Lang::ZhCn) => format!("'{n}' 超过 16 个字符"),
        (DbNameError::TooLong(n), _) => format!("'{n}' lebih dari 16 karakter"),
        (DbNameError::BadStart(n), Lang::ZhCn) => format!("'{n}' 必须以小写字母开头"),
        (DbNameError::BadStart(n), _) => format!("'{n}' harus diawali huruf kecil"),
        (DbNameError::BadEnd(n), Lang::ZhCn) => format!("'{n}' 必须以小写字母或数字结尾"),
        (DbNameError::BadEnd(n), _) => format!("'{n}' harus diakhiri huruf kecil atau angka"),
        (DbNameError::BadChar { name, found }, Lang::ZhCn) => {
            format!("'{name}' 含有 {found:?}；只允许小写字母、数字和下划线")
        }
        (DbNameError::BadChar { name, found }, _) => {
            format!(
                "'{name}' berisi {found:?}; hanya huruf kecil, angka, dan garis bawah yang diizinkan"
            )
        }
    }
}

fn other(l: Lang, r: &Reason) -> String {
    let zh = l == Lang::ZhCn;
    let or = if zh { " 或 " } else { " atau " };
    match r {
        Reason::MethodUnsupported {
            method,
            engine,
            kind,
        } => {
            let what = method_support(l, *engine, *method);
            let this = describe(l, *engine, *kind);
            if zh {
                format!("{what}；此实例是 {this}")
            } else {
                format!("{what}; instance ini adalah {this}")
            }
        }
        Reason::DefaultMethodUnsupported {
            engine,
            kind,
            usable,
        } => {
            let usable: Vec<&str> = usable.iter().map(|m| m.as_str()).collect();
            let this = describe(l, *engine, *kind);
            let why = method_support(l, *engine, BackupMethod::Physical);
            if zh {
                format!(
                    "未设置 BackupMethod 时默认为 Physical，而此实例（{this}）不支持（{why}）：请将 BackupMethod 设为 {}",
                    usable.join(or)
                )
            } else {
                format!(
                    "BackupMethod tidak diisi dan bawaannya Physical, yang tidak didukung instance ini ({this}) ({why}): isi BackupMethod dengan {}",
                    usable.join(or)
                )
            }
        }
        Reason::Required { field, options } if options.is_empty() => {
            if zh {
                format!("此处必须填写 {field}")
            } else {
                format!("{field} wajib diisi di sini")
            }
        }
        Reason::Required { field, options } => {
            let options: Vec<String> = options
                .iter()
                .map(|(v, rule)| format!("{v} ({})", rule_summary(l, rule)))
                .collect();
            if zh {
                format!("此处必须填写 {field}：{}", options.join("，或 "))
            } else {
                format!("{field} wajib diisi di sini: {}", options.join(", atau "))
            }
        }
        Reason::DbNameRequired => {
            if zh {
                "BackupStrategy=db 时必须填写 DBName：请填写要备份的数据库".into()
            } else {
                "DBName wajib diisi dengan BackupStrategy=db: sebutkan basis data yang akan dicadangkan".into()
            }
        }
        Reason::NoEffect { field } => takes_effect(l, *field).into(),
        Reason::NotWithChosen {
            field,
            value,
            allowed,
        } => {
            if zh {
                format!(
                    "{field}={value} 与上面已选的值不兼容；请使用 {}",
                    allowed.join(or)
                )
            } else {
                format!(
                    "{field}={value} tidak tersedia dengan nilai yang dipilih di atas; gunakan {}",
                    allowed.join(or)
                )
            }
        }
        Reason::UnknownValue {
            field,
            typed,
            valid,
            near,
        } => {
            let mut s = if zh {
                format!(
                    "'{typed}' 不是有效的 {field}：可用值为 {}",
                    valid.join(", ")
                )
            } else {
                format!(
                    "'{typed}' bukan {field} yang valid: gunakan {}",
                    valid.join(", ")
                )
            };
            if let Some(n) = near {
                s.push_str(&if zh {
                    format!("（值区分大小写：是否要输入 {n}？）")
                } else {
                    format!(" (nilai peka huruf besar/kecil: maksud Anda {n}?)")
                });
            }
            s
        }
        Reason::InstanceIdRequired => {
            if zh {
                "必须填写 DBInstanceId：要备份的实例 ID".into()
            } else {
                "DBInstanceId wajib diisi: ID instance yang akan dicadangkan".into()
            }
        }
        Reason::InstanceIdMasked { typed } => {
            if zh {
                format!("'{typed}' 含有 '*'：这是文档中打了掩码的示例，不是真实的实例 ID")
            } else {
                format!(
                    "'{typed}' berisi '*': itu contoh bermasker dari dokumentasi, bukan ID instance sungguhan"
                )
            }
        }
        Reason::InstanceIdFormat { typed } => {
            if zh {
                format!(
                    "'{typed}' 不是实例 ID：应为 2 至 64 个小写字母、数字和 '-'，以字母开头（例如 rm-uf6wjk5xxxxxxx）"
                )
            } else {
                format!(
                    "'{typed}' bukan ID instance: harus 2-64 huruf kecil, angka, dan '-', diawali huruf (mis. rm-uf6wjk5xxxxxxx)"
                )
            }
        }
        Reason::DbNameTwice { name } => {
            if zh {
                format!("'{name}' 在 DBName 中出现了两次")
            } else {
                format!("'{name}' tercantum dua kali di DBName")
            }
        }
        Reason::DbName(e) => db_name_error(l, e),
        Reason::RetentionRange { value } => {
            if zh {
                format!("BackupRetentionPeriod {value} 超出范围：7 至 730 天，或 -1 表示长期保留")
            } else {
                format!(
                    "BackupRetentionPeriod {value} di luar rentang: 7 sampai 730 hari, atau -1 untuk disimpan jangka panjang"
                )
            }
        }
        Reason::IntentUnsupported {
            intent,
            method,
            engine,
            kind,
        } => {
            let this = describe(l, *engine, *kind);
            let why = method_support(l, *engine, *method);
            if zh {
                format!("{intent} 不适用于 {this}：{why}")
            } else {
                format!("{intent} tidak dapat dilakukan pada {this}: {why}")
            }
        }
        Reason::Other(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rds_backup_core::{Context, Draft, StorageType, choices, validate};

    /// Every reason core gives for every engine and storage, empty or with each method,
    /// is said in Chinese and Indonesian, never left in core's English.
    #[test]
    fn every_reason_has_its_own_words_in_each_language() {
        for engine in Engine::ALL {
            for storage in StorageType::ALL {
                let ctx = Context::new(*engine, *storage);
                for method in [
                    None,
                    Some("Logical"),
                    Some("Physical"),
                    Some("Snapshot"),
                    Some("physical"),
                ] {
                    let draft = Draft {
                        db_instance_id: Some("rm-1*".into()),
                        backup_method: method.map(str::to_owned),
                        backup_strategy: Some("db".into()),
                        db_name: Some(vec!["a".into(), "".into()]),
                        backup_retention_period: Some(3),
                        ..Draft::default()
                    };
                    let mut reasons: Vec<Reason> = validate(&ctx, &draft)
                        .err()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|p| p.reason)
                        .collect();
                    for c in choices(&ctx, &draft) {
                        reasons.extend(c.withheld.into_iter().filter_map(|w| w.why));
                    }
                    // A plan's intent that has no rule here.
                    for name in rds_backup_core::intent::INTENT_NAMES {
                        let dbs = (name == "logical-databases").then_some("a");
                        if let Ok(intent) = rds_backup_core::intent::Intent::parse(name, dbs) {
                            reasons.extend(intent.rule(&ctx).err().map(|p| p.reason));
                        }
                    }
                    for r in &reasons {
                        assert!(!matches!(r, Reason::Other(_)), "{r:?}");
                        for l in [Lang::Id, Lang::ZhCn] {
                            let said = say(l, r);
                            assert!(!said.is_empty() && said != r.to_string(), "{l:?} {r:?}");
                        }
                    }
                }
            }
        }
    }
}
