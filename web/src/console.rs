//! The console's state: the form (see [`crate::state`]) and everything around it (the
//! proxy's answer, the caller's sign-in, the picked instance, its databases, the job,
//! the language) in one struct, changed only by
//! [`ConsoleAction`]s through one reducer, in the shape of Yew's function_todomvc.

use crate::api::{ApiError, Config, Instance};
use crate::components::job::Job;
use crate::i18n::Lang;
use crate::state::{Action, State};
use std::rc::Rc;
use yew::Reducible;

/// Whether the proxy answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Proxy {
    /// Asked, not answered yet.
    Loading,
    /// Its configuration.
    Ready(Config),
    /// No proxy: compose-only.
    Unavailable,
}

/// Everything the console shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Console {
    /// The form, what was touched and what was taken by itself.
    pub form: State,
    /// The language.
    pub lang: Lang,
    /// The proxy.
    pub proxy: Proxy,
    /// The last 401 of a read, to explain it.
    pub auth_problem: Option<ApiError>,
    /// Bumped when the user gives a token: the configuration (who am I) is asked again.
    pub sign_ins: u32,
    /// The instance the picker gave (its engine, storage, state and lock).
    pub picked: Option<Instance>,
    /// The picked instance's databases.
    pub databases: Vec<String>,
    /// Where a send stands.
    pub job: Job,
    /// Bumped at each send: the recent backups and the pending jobs are looked at again.
    pub sent: u32,
    /// Bumped when a catalogue arrived after the first paint (the advice): what it says
    /// is drawn again.
    pub texts: u32,
}

impl Console {
    /// A console holding `form`, in `lang`, before the proxy answered.
    pub fn new(form: State, lang: Lang) -> Console {
        Console {
            form,
            lang,
            proxy: Proxy::Loading,
            auth_problem: None,
            sign_ins: 0,
            picked: None,
            databases: Vec::new(),
            job: Job::Idle,
            sent: 0,
            texts: 0,
        }
    }

    /// The picked instance, while the form holds it (its id, engine and storage).
    pub fn picked_in_form(&self) -> Option<&Instance> {
        let f = &self.form.form;
        self.picked.as_ref().filter(|i| {
            i.id == f.instance
                && f.engine == rds_backup_core::Engine::parse(&i.engine)
                && f.storage == rds_backup_core::StorageType::parse(&i.storage)
        })
    }

    /// True when the proxy needs a sign-in the caller has not given (or it was refused).
    pub fn signed_out(&self) -> bool {
        match &self.proxy {
            Proxy::Ready(c) => c.needs_sign_in() || self.auth_problem.is_some(),
            _ => false,
        }
    }
}

/// Every change the console can undergo.
#[derive(Clone, Debug, PartialEq)]
pub enum ConsoleAction {
    /// A change of the form.
    Form(Action),
    /// Another language.
    Lang(Lang),
    /// The proxy answered, or did not.
    Proxy(Proxy),
    /// A read was refused (401), or the sign-in works again (`None`).
    AuthProblem(Option<ApiError>),
    /// The user gave a token (or forgot it).
    SignedIn,
    /// The picker gave an instance.
    Picked(Instance),
    /// The picked instance's databases.
    Databases(Vec<String>),
    /// The send moved on.
    Job(Job),
    /// A send ended (its answer came).
    Sent,
    /// A catalogue arrived.
    Texts,
}

impl Reducible for Console {
    type Action = ConsoleAction;

    fn reduce(self: Rc<Self>, action: ConsoleAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ConsoleAction::Form(a) => next.form = (*Rc::new(self.form.clone()).reduce(a)).clone(),
            ConsoleAction::Lang(l) => next.lang = l,
            ConsoleAction::Proxy(p) => next.proxy = p,
            ConsoleAction::AuthProblem(p) => next.auth_problem = p,
            ConsoleAction::SignedIn => next.sign_ins += 1,
            ConsoleAction::Picked(i) => next.picked = Some(i),
            ConsoleAction::Databases(d) => next.databases = d,
            ConsoleAction::Job(j) => next.job = j,
            ConsoleAction::Sent => next.sent += 1,
            ConsoleAction::Texts => next.texts += 1,
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Form, History};
    use rds_backup_core::{Engine, StorageType};

    fn instance() -> Instance {
        Instance {
            id: "rm-1".into(),
            engine: "MySQL".into(),
            storage: "cloud_essd".into(),
            ..Instance::default()
        }
    }

    #[test]
    fn a_pick_holds_while_the_form_names_it() {
        let c = Rc::new(Console::new(
            State::new(Form::default(), History::Keep),
            Lang::En,
        ));
        let c = c.reduce(ConsoleAction::Picked(instance()));
        assert!(
            c.picked_in_form().is_none(),
            "the form does not name it yet"
        );
        let c = c.reduce(ConsoleAction::Form(Action::Pick {
            id: "rm-1".into(),
            engine: Engine::MySql,
            storage: StorageType::CloudEssd,
        }));
        assert_eq!(c.picked_in_form().map(|i| i.id.as_str()), Some("rm-1"));
        assert_eq!(c.form.form.method.as_deref(), Some("Snapshot"));
        let c = c.reduce(ConsoleAction::Form(Action::Type(
            rds_backup_core::Field::DBInstanceId,
            "rm-2".into(),
        )));
        assert!(c.picked_in_form().is_none());
        let c = c
            .reduce(ConsoleAction::Sent)
            .reduce(ConsoleAction::SignedIn);
        assert_eq!((c.sent, c.sign_ins), (1, 1));
    }
}
