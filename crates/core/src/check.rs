//! `validate` and `choices`: two readings of the same walk through [`RULES`](crate::rules::RULES).
//!
//! The walk visits the optional parameters in dependency order (method, type,
//! strategy, databases, retention). At each step it keeps the rules that accept
//! the value given; a value that no remaining rule accepts is a problem, and the
//! walk goes on without it so that later problems are found too. `choices`
//! reports, per step, which values the remaining rules accept; `validate`
//! reports the steps that failed. A request is valid exactly when every value
//! it holds is one that `choices` offers.

use crate::model::{
    BackupMethod, BackupStrategy, BackupType, DbInstanceId, DbName, Engine, Field, Retention,
    StorageType,
};
use crate::reason::Reason;
use crate::request::{CreateBackup, Draft};
use crate::rules::{Rule, default_of, format_hint};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the rules depend on: the instance's engine and storage type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Context {
    /// The engine.
    #[serde(rename = "Engine")]
    pub engine: Engine,
    /// The storage type.
    #[serde(rename = "StorageType")]
    pub storage: StorageType,
}

impl Context {
    /// A context.
    pub const fn new(engine: Engine, storage: StorageType) -> Self {
        Context { engine, storage }
    }

    /// "MySQL on cloud disk".
    pub fn describe(&self) -> String {
        format!(
            "{} on {}",
            self.engine.display_name(),
            self.storage.kind().describe()
        )
    }

    fn rules(&self) -> Vec<&'static Rule> {
        Rule::for_context(self.engine, self.storage.kind()).collect()
    }
}

/// The API error codes that composing a request can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Code {
    /// The method is not valid for this engine and storage, or unknown.
    #[serde(rename = "InvalidBackupMethod.ValueNotSupport")]
    InvalidBackupMethod,
    /// BackupType given where it does not apply, or an unknown value.
    #[serde(rename = "BackupType.NotSupport")]
    BackupTypeNotSupport,
    /// A database name is malformed.
    #[serde(rename = "InvalidDBName.Format")]
    InvalidDbNameFormat,
    /// A parameter that the combination needs is missing.
    #[serde(rename = "RequiredParam.NotFound")]
    RequiredParamNotFound,
    /// A value out of range, malformed, or given where it does not apply.
    #[serde(rename = "Parameters.Invalid")]
    ParametersInvalid,
}

impl Code {
    /// The code as the API spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::InvalidBackupMethod => "InvalidBackupMethod.ValueNotSupport",
            Code::BackupTypeNotSupport => "BackupType.NotSupport",
            Code::InvalidDbNameFormat => "InvalidDBName.Format",
            Code::RequiredParamNotFound => "RequiredParam.NotFound",
            Code::ParametersInvalid => "Parameters.Invalid",
        }
    }

    /// The HTTP status the service answers with (all of these are 400).
    pub const fn http_status(self) -> u16 {
        400
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with a request: the field, the API's code, and a plain message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The API error code.
    pub code: Code,
    /// The field at fault.
    pub field: Field,
    /// What is wrong and what to do, in one sentence.
    pub message: String,
    /// The same, as a code with its arguments (the console says it per locale).
    #[serde(skip)]
    pub reason: Reason,
}

impl Problem {
    fn new(code: Code, field: Field, reason: Reason) -> Self {
        Problem {
            code,
            field,
            message: reason.to_string(),
            reason,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.field, self.code, self.message)
    }
}

/// What a step of the walk looks at: omitted, a known value, given (free text), or unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    Omit,
    Method(BackupMethod),
    Type(BackupType),
    Strategy(BackupStrategy),
    Given,
    Unknown,
}

/// The optional parameters in dependency order: each one's options depend only on those before it.
const STEPS: [Field; 5] = [
    Field::BackupMethod,
    Field::BackupType,
    Field::BackupStrategy,
    Field::DBName,
    Field::BackupRetentionPeriod,
];

/// Every pick a step can take, in the order a form lists them (omission first).
fn domain(field: Field) -> Vec<Pick> {
    let mut d = vec![Pick::Omit];
    match field {
        Field::BackupMethod => d.extend(BackupMethod::ALL.iter().map(|m| Pick::Method(*m))),
        Field::BackupType => d.extend(BackupType::ALL.iter().map(|t| Pick::Type(*t))),
        Field::BackupStrategy => d.extend(BackupStrategy::ALL.iter().map(|s| Pick::Strategy(*s))),
        _ => d.push(Pick::Given),
    }
    d
}

fn accepts(rule: &Rule, field: Field, pick: Pick) -> bool {
    match (field, pick) {
        (Field::BackupMethod, Pick::Method(m)) => rule.method == m,
        (Field::BackupType, Pick::Omit) => rule.backup_type.is_none(),
        (Field::BackupType, Pick::Type(t)) => rule.backup_type == Some(t),
        (Field::BackupStrategy, Pick::Omit) => rule.strategy.is_none(),
        (Field::BackupStrategy, Pick::Strategy(s)) => rule.strategy == Some(s),
        (Field::DBName, Pick::Omit) => !rule.db_name,
        (Field::DBName, Pick::Given) => rule.db_name,
        (Field::BackupRetentionPeriod, Pick::Omit) => true,
        (Field::BackupRetentionPeriod, Pick::Given) => rule.retention,
        _ => false,
    }
}

/// What an omitted field means among `rules`: the documented default where no
/// rule takes the field's absence but some take its default.
fn resolve(field: Field, pick: Pick, rules: &[&'static Rule]) -> Pick {
    if pick != Pick::Omit || rules.iter().any(|r| accepts(r, field, Pick::Omit)) {
        return pick;
    }
    let default = match (field, default_of(field)) {
        (Field::BackupMethod, Some(v)) => BackupMethod::parse(v).map(Pick::Method),
        (Field::BackupType, Some(v)) => BackupType::parse(v).map(Pick::Type),
        _ => None,
    };
    default.unwrap_or(Pick::Omit)
}

fn pick_of(draft: &Draft, field: Field) -> Pick {
    fn known<T>(v: &Option<String>, parse: fn(&str) -> Option<T>, wrap: fn(T) -> Pick) -> Pick {
        match v {
            None => Pick::Omit,
            Some(s) => parse(s).map_or(Pick::Unknown, wrap),
        }
    }
    match field {
        Field::BackupMethod => known(&draft.backup_method, BackupMethod::parse, Pick::Method),
        Field::BackupType => known(&draft.backup_type, BackupType::parse, Pick::Type),
        Field::BackupStrategy => known(
            &draft.backup_strategy,
            BackupStrategy::parse,
            Pick::Strategy,
        ),
        f if draft.has(f) => Pick::Given,
        _ => Pick::Omit,
    }
}

/// One step of the walk: the rules still possible before it, and what it made of the draft.
struct Step {
    field: Field,
    before: Vec<&'static Rule>,
    /// After an earlier step failed: an omission is never a problem, and a value
    /// is one only if no rule for the engine could take it.
    lenient: bool,
    pick: Pick,
    ok: bool,
}

/// What `pick` stands for at a step: in strict mode an omission means the default.
fn effective(field: Field, pick: Pick, rules: &[&'static Rule], lenient: bool) -> Pick {
    if lenient {
        pick
    } else {
        resolve(field, pick, rules)
    }
}

/// Whether `pick` is acceptable for `field` among `rules`: the single test behind both
/// `choices` (offered or withheld) and `validate` (a problem or not).
fn offered(field: Field, pick: Pick, rules: &[&'static Rule], lenient: bool) -> bool {
    if pick == Pick::Unknown {
        return false;
    }
    if lenient && pick == Pick::Omit {
        return true;
    }
    let e = effective(field, pick, rules, lenient);
    rules.iter().any(|r| accepts(r, field, e))
}

/// Walks the steps; returns them and the rules that accept every value given.
///
/// When a step fails, the walk goes on leniently among the engine's rules that
/// fit the steps before (and the failed value, where some rule takes it), so that
/// one mistake is reported once and not again as its consequences.
fn walk(ctx: &Context, draft: &Draft) -> (Vec<Step>, Vec<&'static Rule>) {
    let mut set = ctx.rules();
    let mut lenient = false;
    let mut taken: Vec<(Field, Pick)> = Vec::new();
    let mut steps = Vec::with_capacity(STEPS.len());
    for field in STEPS {
        let pick = pick_of(draft, field);
        let ok = offered(field, pick, &set, lenient);
        let step = Step {
            field,
            before: set.clone(),
            lenient,
            pick,
            ok,
        };
        if ok && !(lenient && pick == Pick::Omit) {
            let e = effective(field, pick, &set, lenient);
            set.retain(|r| accepts(r, field, e));
            taken.push((field, e));
        } else if !ok && !lenient {
            lenient = true;
            let relaxed: Vec<_> = Rule::for_engine(ctx.engine)
                .filter(|r| taken.iter().all(|(f, p)| accepts(r, *f, *p)))
                .collect();
            let e = resolve(field, pick, &relaxed);
            let narrowed: Vec<_> = relaxed
                .iter()
                .copied()
                .filter(|r| accepts(r, field, e))
                .collect();
            if !narrowed.is_empty() {
                set = narrowed;
            } else if !relaxed.is_empty() {
                set = relaxed;
            }
        }
        steps.push(step);
    }
    (steps, set)
}

fn pick_value(pick: Pick) -> Option<&'static str> {
    match pick {
        Pick::Method(m) => Some(m.as_str()),
        Pick::Type(t) => Some(t.as_str()),
        Pick::Strategy(s) => Some(s.as_str()),
        Pick::Omit | Pick::Given | Pick::Unknown => None,
    }
}

/// The values of `field` that `rules` accept, each with the rule it selects.
fn required_reason(field: Field, rules: &[&'static Rule]) -> Reason {
    let options: Vec<(&'static str, &'static str)> = rules
        .iter()
        .filter_map(|r| {
            let v = match field {
                Field::BackupType => r.backup_type.map(BackupType::as_str),
                Field::BackupStrategy => r.strategy.map(BackupStrategy::as_str),
                _ => None,
            }?;
            Some((v, r.id))
        })
        .collect();
    match field {
        Field::DBName => Reason::DbNameRequired,
        _ => Reason::Required { field, options },
    }
}

/// Why `pick` is not available for `field` among `rules`.
fn withheld_reason(ctx: &Context, field: Field, pick: Pick, rules: &[&'static Rule]) -> Reason {
    let takes_any = domain(field)
        .into_iter()
        .filter(|p| *p != Pick::Omit)
        .any(|p| rules.iter().any(|r| accepts(r, field, p)));
    match (field, pick) {
        (Field::BackupMethod, Pick::Method(m)) => Reason::MethodUnsupported {
            method: m,
            engine: ctx.engine,
            kind: ctx.storage.kind(),
        },
        (Field::BackupMethod, _) => Reason::DefaultMethodUnsupported {
            engine: ctx.engine,
            kind: ctx.storage.kind(),
            usable: BackupMethod::ALL
                .iter()
                .copied()
                .filter(|m| rules.iter().any(|r| r.method == *m))
                .collect(),
        },
        (_, Pick::Omit) => required_reason(field, rules),
        _ if !takes_any => Reason::NoEffect { field },
        _ => Reason::NotWithChosen {
            field,
            value: pick_value(pick).unwrap_or("this value").to_owned(),
            allowed: rules
                .iter()
                .filter_map(|r| match field {
                    Field::BackupType => r.backup_type.map(BackupType::as_str),
                    Field::BackupStrategy => r.strategy.map(BackupStrategy::as_str),
                    _ => None,
                })
                .collect(),
        },
    }
}

fn unknown_value_problem(field: Field, typed: &str) -> Problem {
    let (code, valid, near): (Code, Vec<&str>, Option<&str>) = match field {
        Field::BackupMethod => (
            Code::InvalidBackupMethod,
            BackupMethod::ALL.iter().map(|m| m.as_str()).collect(),
            BackupMethod::near(typed).map(BackupMethod::as_str),
        ),
        Field::BackupType => (
            Code::BackupTypeNotSupport,
            BackupType::ALL.iter().map(|t| t.as_str()).collect(),
            BackupType::near(typed).map(BackupType::as_str),
        ),
        _ => (
            Code::ParametersInvalid,
            BackupStrategy::ALL.iter().map(|s| s.as_str()).collect(),
            BackupStrategy::near(typed).map(BackupStrategy::as_str),
        ),
    };
    Problem::new(
        code,
        field,
        Reason::UnknownValue {
            field,
            typed: typed.to_owned(),
            valid,
            near,
        },
    )
}

fn step_problem(ctx: &Context, draft: &Draft, step: &Step) -> Problem {
    let field = step.field;
    if step.pick == Pick::Unknown {
        let typed = match field {
            Field::BackupMethod => draft.backup_method.as_deref(),
            Field::BackupType => draft.backup_type.as_deref(),
            _ => draft.backup_strategy.as_deref(),
        };
        return unknown_value_problem(field, typed.unwrap_or_default());
    }
    let message = withheld_reason(ctx, field, step.pick, &step.before);
    let code = match (field, step.pick) {
        (Field::BackupMethod, _) => Code::InvalidBackupMethod,
        (_, Pick::Omit) => Code::RequiredParamNotFound,
        (Field::BackupType, _) => Code::BackupTypeNotSupport,
        _ => Code::ParametersInvalid,
    };
    Problem::new(code, field, message)
}

/// Checks the values that do not depend on the combination: id, names, range.
fn value_problems(
    draft: &Draft,
    out: &mut Vec<Problem>,
) -> (Option<DbInstanceId>, Vec<DbName>, Option<Retention>) {
    let instance = match draft.db_instance_id.as_deref() {
        None => {
            out.push(Problem::new(
                Code::RequiredParamNotFound,
                Field::DBInstanceId,
                Reason::InstanceIdRequired,
            ));
            None
        }
        Some(id) => DbInstanceId::check(id)
            .map_err(|m| {
                out.push(Problem::new(
                    Code::ParametersInvalid,
                    Field::DBInstanceId,
                    m,
                ))
            })
            .ok(),
    };
    let mut names: Vec<DbName> = Vec::new();
    for raw in draft.db_name.iter().flatten() {
        match DbName::new(raw) {
            Ok(n) if names.contains(&n) => out.push(Problem::new(
                Code::ParametersInvalid,
                Field::DBName,
                Reason::DbNameTwice { name: raw.clone() },
            )),
            Ok(n) => names.push(n),
            Err(e) => out.push(Problem::new(
                Code::InvalidDbNameFormat,
                Field::DBName,
                Reason::DbName(e),
            )),
        }
    }
    let retention = draft.backup_retention_period.and_then(|v| {
        let r = Retention::new(v);
        if r.is_none() {
            out.push(Problem::new(
                Code::ParametersInvalid,
                Field::BackupRetentionPeriod,
                Reason::RetentionRange { value: v },
            ));
        }
        r
    });
    (instance, names, retention)
}

/// Checks a request against the rules for its context. Returns the checked
/// request, or **every** problem found, in parameter order.
pub fn validate(ctx: &Context, draft: &Draft) -> Result<CreateBackup, Vec<Problem>> {
    let mut problems = Vec::new();
    let (instance, names, retention) = value_problems(draft, &mut problems);
    let (steps, rules) = walk(ctx, draft);
    problems.extend(
        steps
            .iter()
            .filter(|s| !s.ok)
            .map(|s| step_problem(ctx, draft, s)),
    );
    // In parameter order, each field's problems in the order found (a field that is not a
    // parameter first): taken out rank by rank, not the slice sort (3 KB of the console's
    // wasm for a list this short).
    let rank = |p: &Problem| {
        Field::PARAMS
            .iter()
            .position(|f| *f == p.field)
            .map_or(0, |i| i + 1)
    };
    let mut ordered = Vec::with_capacity(problems.len());
    for r in 0..=Field::PARAMS.len() {
        ordered.extend(problems.extract_if(.., |p| rank(p) == r));
    }
    let problems = ordered;
    match (instance, rules.first()) {
        (Some(instance), Some(rule)) if problems.is_empty() => Ok(CreateBackup {
            instance,
            rule,
            db_names: names,
            retention,
        }),
        _ => Err(problems),
    }
}

/// One value a field can take (`value: None` = leave the field out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// The wire value; `None` means "not sent"; for free-text fields, `"<given>"`.
    pub value: Option<&'static str>,
    /// What a form shows (MariaDB shows "Snapshot" for `Physical`).
    pub label: String,
    /// Why the value is withheld; absent when it is offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The same, as a code with its arguments.
    #[serde(skip)]
    pub why: Option<Reason>,
}

/// The options of one field given the fields before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChoices {
    /// The field.
    pub field: Field,
    /// Some value may be given (the form shows the control).
    pub applies: bool,
    /// Leaving it out is not valid here.
    pub required: bool,
    /// The value used when it is left out, if the service has one here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<&'static str>,
    /// The expected format of a free-text field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// What may be chosen now.
    pub offered: Vec<Choice>,
    /// What may not, each with its reason.
    pub withheld: Vec<Choice>,
    /// Something to tell the user about this field here (the MariaDB quirk).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// Marker value for a free-text field that is given (DBName, BackupRetentionPeriod).
pub const GIVEN: &str = "<given>";

fn label_for(field: Field, pick: Pick, rules: &[&'static Rule]) -> String {
    match (field, pick) {
        (Field::BackupMethod, Pick::Method(m)) => rules
            .iter()
            .find(|r| r.method == m)
            .map_or(m.as_str(), |r| r.method_label)
            .to_owned(),
        (_, Pick::Omit) => match resolve(field, Pick::Omit, rules) {
            Pick::Omit => "(not set)".to_owned(),
            default => format!("(not set: {})", label_for(field, default, rules)),
        },
        (_, Pick::Given) => GIVEN.to_owned(),
        _ => pick_value(pick).unwrap_or_default().to_owned(),
    }
}

/// For each optional field, what can be offered now given the fields before it,
/// and for each withheld value a short reason. A field the partial request has
/// not reached yet does not restrict the ones before it.
pub fn choices(ctx: &Context, partial: &Draft) -> Vec<FieldChoices> {
    let (steps, _) = walk(ctx, partial);
    steps
        .iter()
        .map(|step| {
            let field = step.field;
            let rules = &step.before;
            let (mut offered_list, mut withheld) = (Vec::new(), Vec::new());
            for pick in domain(field) {
                let is_offered = offered(field, pick, rules, step.lenient);
                let why = (!is_offered).then(|| withheld_reason(ctx, field, pick, rules));
                let choice = Choice {
                    value: match pick {
                        Pick::Given => Some(GIVEN),
                        p => pick_value(p),
                    },
                    label: label_for(field, pick, rules),
                    reason: why.as_ref().map(ToString::to_string),
                    why,
                };
                if is_offered {
                    offered_list.push(choice);
                } else {
                    withheld.push(choice);
                }
            }
            let required = !offered(field, Pick::Omit, rules, step.lenient);
            let default = match effective(field, Pick::Omit, rules, step.lenient) {
                Pick::Omit => None,
                p => pick_value(p),
            };
            let note = (field == Field::BackupMethod && ctx.engine == Engine::MariaDb).then_some(
                "MariaDB supports only snapshot backups; the request says BackupMethod=Physical",
            );
            FieldChoices {
                field,
                applies: offered_list.iter().any(|c| c.value.is_some()),
                required,
                default,
                format: format_hint(field),
                offered: offered_list,
                withheld,
                note,
            }
        })
        .collect()
}

/// A value the form takes by itself, and why: the field was left out, leaving it out is
/// not valid here, and the rules leave exactly one value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Settled {
    /// The field.
    pub field: Field,
    /// The value taken.
    pub value: &'static str,
    /// What a form shows for it ("Snapshot").
    pub label: String,
}

/// The draft with every choice the rules leave no room for made: a select left out
/// (and not in `keep`, the fields the user set) whose unset default is withheld and
/// which has exactly one valid value takes it, in dependency order, each choice
/// narrowing the next. With several valid values a field is left for the user.
pub fn settle(ctx: &Context, draft: &Draft, keep: &[Field]) -> (Draft, Vec<Settled>) {
    const SELECTS: [Field; 3] = [
        Field::BackupMethod,
        Field::BackupType,
        Field::BackupStrategy,
    ];
    let mut draft = draft.clone();
    let mut settled = Vec::new();
    for _ in SELECTS {
        let next = choices(ctx, &draft).into_iter().find(|c| {
            SELECTS.contains(&c.field)
                && !keep.contains(&c.field)
                && !draft.has(c.field)
                && c.applies
                && (c.required || c.withheld.iter().any(|w| w.value.is_none()))
                && c.offered.len() == 1
        });
        let Some(c) = next else { break };
        let Some(choice) = c.offered.first() else {
            break;
        };
        let Some(value) = choice.value else { break };
        if draft.set(c.field, value).is_err() {
            break;
        }
        settled.push(Settled {
            field: c.field,
            value,
            label: choice.label.clone(),
        });
    }
    (draft, settled)
}

#[cfg(test)]
mod settle_tests {
    use super::*;
    use crate::model::{Engine, StorageType};

    fn fresh() -> Draft {
        Draft {
            db_instance_id: Some("rm-1".into()),
            ..Draft::default()
        }
    }

    #[test]
    fn mysql_on_cloud_disk_takes_snapshot_the_only_method() {
        let ctx = Context::new(Engine::MySql, StorageType::CloudEssd);
        let (draft, settled) = settle(&ctx, &fresh(), &[]);
        assert_eq!(draft.backup_method.as_deref(), Some("Snapshot"));
        assert_eq!(settled[0].field, Field::BackupMethod);
        assert!(validate(&ctx, &draft).is_ok());
    }

    #[test]
    fn a_field_the_user_set_is_never_overridden() {
        let ctx = Context::new(Engine::MySql, StorageType::CloudEssd);
        let (draft, settled) = settle(&ctx, &fresh(), &[Field::BackupMethod]);
        assert!(settled.is_empty());
        assert_eq!(draft, fresh());
    }

    /// Every engine and storage: after settling, the request is valid, or a field still
    /// offers more than one value (the form asks), or a name must be typed.
    #[test]
    fn every_instance_starts_valid_or_asks() {
        for engine in Engine::ALL {
            for storage in StorageType::ALL {
                let ctx = Context::new(*engine, *storage);
                let (draft, _) = settle(&ctx, &fresh(), &[]);
                if validate(&ctx, &draft).is_ok() {
                    continue;
                }
                let asks = choices(&ctx, &draft).iter().any(|c| {
                    c.applies && !draft.has(c.field) && (c.offered.len() > 1 || c.required)
                });
                assert!(
                    asks,
                    "{engine:?} on {storage:?}: invalid and nothing to ask"
                );
            }
        }
    }
}
