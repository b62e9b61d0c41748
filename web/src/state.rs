//! The form's state: one struct, changed only by [`Action`]s through one reducer. The
//! URL and the exported JSON are projections of it, and read back into it.

use rds_backup_core::request::split_db_names;
use rds_backup_core::{Context, Draft, Engine, Field, Input, Settled, StorageType, settle};
use std::rc::Rc;
use yew::Reducible;

/// What the user has typed and picked. Nothing is dropped when another field changes:
/// a value that no longer fits stays, and is marked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    /// `RegionId`.
    pub region: String,
    /// `DBInstanceId`, typed or picked.
    pub instance: String,
    /// The engine (from the picked instance, or chosen by hand).
    pub engine: Option<Engine>,
    /// The storage type (likewise).
    pub storage: Option<StorageType>,
    /// `BackupMethod` (`None`: not set).
    pub method: Option<String>,
    /// `BackupStrategy`.
    pub strategy: Option<String>,
    /// `BackupType`.
    pub backup_type: Option<String>,
    /// `DBName` as typed (comma separated).
    pub db_name: String,
    /// `BackupRetentionPeriod` as typed (`-1` is long-term).
    pub retention: String,
}

/// A set of fields (those the user changed), as bits: copied and compared as one number,
/// listed in the fields' order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fields(u16);

impl Fields {
    fn bit(f: Field) -> u16 {
        1 << (f as u16)
    }

    /// Adds `f`.
    pub fn insert(&mut self, f: Field) {
        self.0 |= Fields::bit(f);
    }

    /// Whether `f` is in.
    pub fn contains(self, f: Field) -> bool {
        self.0 & Fields::bit(f) != 0
    }

    /// Whether none is.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields in, in order.
    pub fn iter(self) -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(move |f| self.contains(*f))
    }
}

impl FromIterator<Field> for Fields {
    fn from_iter<I: IntoIterator<Item = Field>>(fields: I) -> Fields {
        let mut set = Fields::default();
        for f in fields {
            set.insert(f);
        }
        set
    }
}

/// How a change goes into the browser history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum History {
    /// A new entry (a choice was made).
    Push,
    /// Update the current entry (typing).
    Replace,
    /// Leave the history alone (the change came from it).
    Keep,
}

/// The state the reducer holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// The form.
    pub form: Form,
    /// How the last change should show in the history.
    pub history: History,
    /// The fields the user changed (or that came with a loaded form): only these show
    /// their errors, so a form just picked is not red before anything was done.
    pub touched: Fields,
    /// The values the form took by itself (the only valid one), with why.
    pub auto: Vec<Settled>,
}

impl State {
    /// A state holding `form` as loaded (its set fields count as the user's), settled.
    pub fn new(form: Form, history: History) -> State {
        let touched = form.set_fields();
        let mut state = State {
            form,
            history,
            touched,
            auto: Vec::new(),
        };
        state.settle();
        state
    }

    /// Takes back the values taken before, then takes every value the rules leave no
    /// choice for, given the engine, the storage and what the user set.
    fn settle(&mut self) {
        for s in std::mem::take(&mut self.auto) {
            if !self.touched.contains(s.field) {
                self.form.set(s.field, String::new());
            }
        }
        let Some(ctx) = self.form.context() else {
            return;
        };
        let keep: Vec<Field> = self.touched.iter().collect();
        let (_, settled) = settle(&ctx, &self.form.draft(), &keep);
        for s in &settled {
            self.form.set(s.field, s.value.to_owned());
        }
        self.auto = settled;
    }

    /// Why the form took the value of `field` by itself, if it did.
    pub fn auto_of(&self, field: Field) -> Option<&Settled> {
        self.auto.iter().find(|s| s.field == field)
    }
}

/// Every change the form can undergo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A text field was typed into.
    Type(Field, String),
    /// A choice was made (a select, a checkbox).
    Choose(Field, String),
    /// The engine was chosen by hand (`None`: cleared).
    Engine(Option<Engine>),
    /// The storage was chosen by hand.
    Storage(Option<StorageType>),
    /// An instance of the list was picked: its engine and storage come with it.
    Pick {
        /// Its id.
        id: String,
        /// Its engine.
        engine: Engine,
        /// Its storage.
        storage: StorageType,
    },
    /// A database name was ticked or unticked.
    ToggleDb(String),
    /// The whole form from the URL (back/forward) or an imported file.
    Load(Form, History),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut form = self.form.clone();
        let mut touched = self.touched;
        let mut auto = self.auto.clone();
        let history = match action {
            Action::Type(field, value) => {
                form.set(field, value);
                touched.insert(field);
                auto.retain(|s| s.field != field);
                History::Replace
            }
            Action::Choose(field, value) => {
                form.set(field, value);
                touched.insert(field);
                auto.retain(|s| s.field != field);
                History::Push
            }
            Action::Engine(e) => {
                form.engine = e;
                History::Push
            }
            Action::Storage(s) => {
                form.storage = s;
                History::Push
            }
            Action::Pick {
                id,
                engine,
                storage,
            } => {
                form.instance = id;
                form.engine = Some(engine);
                form.storage = Some(storage);
                History::Push
            }
            Action::ToggleDb(name) => {
                form.toggle_db(&name);
                touched.insert(Field::DBName);
                History::Push
            }
            Action::Load(loaded, history) => {
                return Rc::new(State::new(loaded, history));
            }
        };
        let mut state = State {
            form,
            history,
            touched,
            auto,
        };
        state.settle();
        Rc::new(state)
    }
}

fn opt(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

impl Form {
    /// Sets a parameter (or the region) from its text; empty clears it.
    pub fn set(&mut self, field: Field, value: String) {
        match field {
            Field::RegionId => self.region = value,
            Field::DBInstanceId => self.instance = value,
            Field::BackupMethod => self.method = opt(value),
            Field::BackupStrategy => self.strategy = opt(value),
            Field::BackupType => self.backup_type = opt(value),
            Field::DBName => self.db_name = value,
            Field::BackupRetentionPeriod => self.retention = value,
            Field::Engine => self.engine = Engine::parse(&value),
            Field::StorageType => self.storage = StorageType::parse(&value),
        }
    }

    /// The CreateBackup parameters that hold a value.
    pub fn set_fields(&self) -> Fields {
        let d = self.draft();
        Field::PARAMS.into_iter().filter(|f| d.has(*f)).collect()
    }

    /// The names in DBName, as typed (empty pieces included, so a stray comma shows).
    pub fn db_names(&self) -> Vec<String> {
        if self.db_name.is_empty() {
            Vec::new()
        } else {
            split_db_names(&self.db_name)
        }
    }

    /// Adds `name` to DBName, or removes it.
    pub fn toggle_db(&mut self, name: &str) {
        let mut names = self.db_names();
        if let Some(i) = names.iter().position(|n| n == name) {
            names.remove(i);
        } else {
            names.retain(|n| !n.is_empty());
            names.push(name.to_owned());
        }
        self.db_name = names.join(",");
    }

    /// The rules' context, once engine and storage are known.
    pub fn context(&self) -> Option<Context> {
        Some(Context::new(self.engine?, self.storage?))
    }

    /// The request as core reads it. A retention that is not a number is kept as a
    /// value core refuses, so the mistake is shown, not dropped.
    pub fn draft(&self) -> Draft {
        Draft {
            db_instance_id: opt(self.instance.clone()),
            db_name: (!self.db_name.is_empty()).then(|| self.db_names()),
            backup_strategy: self.strategy.clone(),
            backup_method: self.method.clone(),
            backup_type: self.backup_type.clone(),
            backup_retention_period: opt(self.retention.trim().to_owned())
                .map(|r| r.parse::<i64>().unwrap_or(i64::MIN)),
        }
    }

    /// The form as URL query pairs (API names; only what is set).
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let mut put = |k: &'static str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                q.push((k, v));
            }
        };
        put("RegionId", Some(self.region.clone()));
        put("DBInstanceId", Some(self.instance.clone()));
        put("Engine", self.engine.map(|e| e.as_str().to_owned()));
        put("StorageType", self.storage.map(|s| s.as_str().to_owned()));
        put("BackupMethod", self.method.clone());
        put("BackupStrategy", self.strategy.clone());
        put("BackupType", self.backup_type.clone());
        put("DBName", Some(self.db_name.clone()));
        put("BackupRetentionPeriod", Some(self.retention.clone()));
        q
    }

    /// Reads URL query pairs back; unknown keys are ignored (a link may carry others).
    pub fn from_query(pairs: &[(String, String)]) -> Form {
        let mut f = Form::default();
        for (k, v) in pairs {
            if let Some(field) = Field::parse(k) {
                f.set(field, v.clone());
            }
        }
        f
    }

    /// The request as the CLI and the proxy take it: API names, BackupRetentionPeriod a
    /// number when it is one, only what is set.
    fn json_pairs(&self) -> impl Iterator<Item = (&'static str, Result<i64, String>)> {
        self.to_query()
            .into_iter()
            .map(|(k, v)| match v.parse::<i64>() {
                Ok(n) if k == "BackupRetentionPeriod" => (k, Ok(n)),
                _ => (k, Err(v)),
            })
    }

    /// The request as one JSON object, for a file (export).
    pub fn to_json(&self) -> String {
        let m: serde_json::Map<String, serde_json::Value> = self
            .json_pairs()
            .map(|(k, v)| (k.to_owned(), v.map_or_else(Into::into, Into::into)))
            .collect();
        serde_json::to_string_pretty(&serde_json::Value::Object(m)).unwrap_or_default()
    }

    /// The request as a JS object, for the host page (`request-changed`).
    pub fn to_js(&self) -> wasm_bindgen::JsValue {
        let pairs: Vec<(&str, wasm_bindgen::JsValue)> = self
            .json_pairs()
            .map(|(k, v)| (k, v.map_or_else(|s| s.into(), |n| (n as f64).into())))
            .collect();
        crate::json::object(&pairs)
    }

    /// Reads a request exported by [`Form::to_json`] (or written for `rds-backup check`).
    pub fn from_json(text: &str) -> Result<Form, String> {
        let input = Input::from_json(text).map_err(|errors| {
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let d = input.draft;
        Ok(Form {
            region: input.region.unwrap_or_default(),
            instance: d.db_instance_id.unwrap_or_default(),
            engine: input.engine,
            storage: input.storage,
            method: d.backup_method,
            strategy: d.backup_strategy,
            backup_type: d.backup_type,
            db_name: d.db_name.map(|n| n.join(",")).unwrap_or_default(),
            retention: d
                .backup_retention_period
                .map(|r| r.to_string())
                .unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Form {
        Form {
            region: "cn-hangzhou".into(),
            instance: "rm-demo-mysql-local".into(),
            engine: Some(Engine::MySql),
            storage: Some(StorageType::LocalSsd),
            method: Some("Logical".into()),
            strategy: Some("db".into()),
            backup_type: None,
            db_name: "orders,users".into(),
            retention: "-1".into(),
        }
    }

    #[test]
    fn the_url_and_the_json_read_back_into_the_same_form() {
        let f = sample();
        let pairs: Vec<(String, String)> = f
            .to_query()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(Form::from_query(&pairs), f);
        assert_eq!(Form::from_json(&f.to_json()), Ok(f));
    }

    fn picked(engine: Engine, storage: StorageType) -> Rc<State> {
        Rc::new(State::new(Form::default(), History::Keep)).reduce(Action::Pick {
            id: "rm-1".into(),
            engine,
            storage,
        })
    }

    #[test]
    fn a_form_picked_takes_the_only_valid_method_and_gives_it_back_on_another_pick() {
        let s = picked(Engine::MySql, StorageType::CloudEssd);
        assert_eq!(s.form.method.as_deref(), Some("Snapshot"));
        assert!(s.auto_of(Field::BackupMethod).is_some());
        assert!(s.touched.is_empty());
        // Another instance on local disk: Snapshot is taken back, nothing forced.
        let s = s.reduce(Action::Pick {
            id: "rm-2".into(),
            engine: Engine::MySql,
            storage: StorageType::LocalSsd,
        });
        assert_eq!(s.form.method, None);
        assert!(s.auto.is_empty());
    }

    #[test]
    fn what_the_user_chose_stays_and_counts_as_touched() {
        let s = picked(Engine::MySql, StorageType::LocalSsd)
            .reduce(Action::Choose(Field::BackupMethod, "Logical".into()));
        let s = s.reduce(Action::Pick {
            id: "rm-3".into(),
            engine: Engine::MySql,
            storage: StorageType::CloudEssd,
        });
        assert_eq!(s.form.method.as_deref(), Some("Logical"));
        assert!(s.touched.contains(Field::BackupMethod));
    }

    #[test]
    fn ticking_databases_keeps_what_was_typed() {
        let mut f = sample();
        f.toggle_db("users");
        assert_eq!(f.db_name, "orders");
        f.toggle_db("audit_log");
        assert_eq!(f.db_name, "orders,audit_log");
    }

    #[test]
    fn a_retention_that_is_not_a_number_is_refused_not_dropped() {
        let mut f = sample();
        f.retention = "ten".into();
        assert!(f.draft().backup_retention_period.is_some());
    }
}
