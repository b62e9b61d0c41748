//! The console's effects, each a hook over the one reducer: what the proxy says, the
//! picked instance's databases, the URL (or the host page) following the form, the
//! language on the page, the job followed to its end, the host told of finished jobs.

use crate::api::{Client, Credential, Sent};
use crate::browser;
use crate::components::job::Job;
use crate::console::{Console, ConsoleAction, Proxy};
use crate::embed::Options;
use crate::i18n::Part;
use crate::json::object;
use crate::panels::{LOAD_EVENT, Shared};
use crate::state::{Action, Form, History};
use rds_backup_core::{Field, validate};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Where the chosen language is remembered.
pub const LANG_KEY: &str = "rds-backup-console.lang";

/// The proxy's configuration, once and after each sign-in; the region defaults to its
/// first (or to cn-hangzhou without a proxy).
#[hook]
pub fn use_config(console: UseReducerHandle<Console>, client: Client) {
    let sign_ins = console.sign_ins;
    use_effect_with(sign_ins, move |_| {
        wasm_bindgen_futures::spawn_local(async move {
            let empty = console.form.form.region.is_empty();
            let region = |r: String| ConsoleAction::Form(Action::Type(Field::RegionId, r));
            match client.config().await {
                Ok(c) => {
                    console.dispatch(ConsoleAction::AuthProblem(None));
                    if let Some(r) = c.regions.first().filter(|_| empty) {
                        console.dispatch(region(r.clone()));
                    }
                    console.dispatch(ConsoleAction::Proxy(Proxy::Ready(c)));
                }
                Err(_) => {
                    if empty {
                        console.dispatch(region("cn-hangzhou".into()));
                    }
                    console.dispatch(ConsoleAction::Proxy(Proxy::Unavailable));
                }
            }
        });
    });
}

/// The picked instance's databases, asked again when the pick or the region changes.
#[hook]
pub fn use_databases(console: UseReducerHandle<Console>, client: Client) {
    let key = (
        console.form.form.region.clone(),
        console.picked_in_form().map(|i| i.id.clone()),
    );
    use_effect_with(key, move |(region, id)| {
        console.dispatch(ConsoleAction::Databases(Vec::new()));
        if let Some(id) = id.clone() {
            let region = region.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(dbs) = client.databases(&region, &id).await {
                    console.dispatch(ConsoleAction::Databases(dbs));
                }
            });
        }
    });
}

/// Standalone, the URL follows the form and back/forward bring it back; embedded, the
/// host page's URL is its own, and the host hears of every change instead.
#[hook]
pub fn use_form_sync(console: UseReducerHandle<Console>, options: Rc<Options>) {
    {
        let st = console.form.clone();
        let options = options.clone();
        use_effect_with(st, move |st| {
            if options.embedded() {
                let request = st.form.to_js();
                let valid = st
                    .form
                    .context()
                    .is_some_and(|c| validate(&c, &st.form.draft()).is_ok());
                options.emit(
                    "request-changed",
                    &object(&[("request", request), ("valid", valid.into())]),
                );
            } else {
                browser::write_location(&st.form, st.history);
            }
        });
    }
    let embedded = options.embedded();
    let dispatcher = console.dispatcher();
    use_effect_with((), move |_| {
        let listener = web_sys::window().filter(|_| !embedded).map(|w| {
            gloo::events::EventListener::new(&w, "popstate", move |_| {
                dispatcher.dispatch(ConsoleAction::Form(Action::Load(
                    browser::form_from_location(),
                    History::Keep,
                )));
            })
        });
        move || drop(listener)
    });
}

/// The language is remembered and set on the page (or on the host element).
#[hook]
pub fn use_lang_sync(console: UseReducerHandle<Console>, options: Rc<Options>) {
    use_effect_with(console.lang, move |l| {
        browser::store(LANG_KEY, l.tag());
        match options.host.as_ref().filter(|_| options.embedded()) {
            Some(h) => {
                let _ = h.set_attribute("lang", l.tag());
            }
            None => browser::set_document_lang(l.tag()),
        }
    });
}

/// The advice on error codes in the console's language: fetched once the form is usable
/// (the proxy answered, or did not) and after a change of language; then what shows it is
/// drawn again.
#[hook]
pub fn use_advice(console: UseReducerHandle<Console>, options: Rc<Options>) {
    let dispatcher = console.dispatcher();
    let usable = !matches!(console.proxy, Proxy::Loading);
    use_effect_with((console.lang, usable), move |(l, usable)| {
        let (l, part) = (*l, Part::Advice);
        if *usable && !crate::i18n::is_loaded(l, part) {
            // In a task of its own: the form is usable first.
            gloo::timers::callback::Timeout::new(0, move || {
                wasm_bindgen_futures::spawn_local(async move {
                    if crate::i18n::ensure(l, part, &options.assets).await {
                        dispatcher.dispatch(ConsoleAction::Texts);
                    }
                });
            })
            .forget();
        }
    });
}

/// A sent job is followed, as the proxy records it, until it ends; an unknown outcome
/// until the proxy knows.
#[hook]
pub fn use_job_follow(console: UseReducerHandle<Console>, client: Client) {
    let pending = console.job.pending();
    let dispatcher = console.dispatcher();
    use_effect_with(pending, move |pending| {
        let interval = pending.clone().map(|submission| {
            gloo::timers::callback::Interval::new(1000, move || {
                let (dispatcher, client, submission) =
                    (dispatcher.clone(), client.clone(), submission.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(row) = client.submission(&submission).await else {
                        return;
                    };
                    let job = match (row.state.as_str(), row.backup_job_id.clone()) {
                        ("sent", id) => Job::Started {
                            submission,
                            id: id.unwrap_or_default(),
                            row: Some(Box::new(row)),
                        },
                        ("not-started", _) => Job::NotStarted {
                            message: row.message.unwrap_or_default(),
                        },
                        _ => return,
                    };
                    dispatcher.dispatch(ConsoleAction::Job(job));
                });
            })
        });
        move || drop(interval)
    });
}

/// The page's own build has no host to tell of finished jobs: nothing to do.
#[cfg(not(feature = "embed"))]
#[hook]
pub fn use_backup_finished(
    _console: UseReducerHandle<Console>,
    _client: Client,
    _options: Rc<Options>,
) {
}

/// Embedded, the host hears `backup-finished` for every job this page started, also
/// after a reload (the ids wait in sessionStorage until their jobs end).
#[cfg(feature = "embed")]
#[hook]
pub fn use_backup_finished(
    console: UseReducerHandle<Console>,
    client: Client,
    options: Rc<Options>,
) {
    use_effect_with(console.sent, move |_| {
        let interval = options.embedded().then(|| {
            gloo::timers::callback::Interval::new(1000, move || {
                let (client, options) = (client.clone(), options.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    for id in browser::pending_submissions() {
                        let Ok(row) = client.submission(&id).await else {
                            continue;
                        };
                        if row.r#final {
                            browser::forget_submission(&id);
                            if row.state == "sent" {
                                options.emit(
                                    "backup-finished",
                                    &object(&[
                                        (
                                            "BackupJobId",
                                            crate::json::opt(row.backup_job_id.as_deref()),
                                        ),
                                        (
                                            "BackupStatus",
                                            crate::json::opt(row.backup_status.as_deref()),
                                        ),
                                        ("BackupId", crate::json::opt(row.backup_id.as_deref())),
                                        ("Reason", crate::json::opt(row.reason.as_deref())),
                                        ("SubmissionId", row.submission_id.as_str().into()),
                                        ("DBInstanceId", row.instance.as_str().into()),
                                        ("RegionId", row.region.as_str().into()),
                                    ]),
                                );
                            }
                        }
                    }
                });
            })
        });
        move || drop(interval)
    });
}

/// Sends the request (the proxy's body), and moves the job along with the answer.
pub fn send(
    console: &UseReducerHandle<Console>,
    client: Client,
    options: Rc<Options>,
    body: String,
    region: String,
    instance: String,
) {
    let dispatcher = console.dispatcher();
    dispatcher.dispatch(ConsoleAction::Job(Job::Sending));
    wasm_bindgen_futures::spawn_local(async move {
        let job = match client.create_backup(body).await {
            Ok(Sent::Started {
                submission,
                job: id,
            }) => {
                if options.embedded() {
                    options.emit(
                        "backup-submitted",
                        &object(&[
                            ("BackupJobId", id.as_str().into()),
                            ("SubmissionId", submission.as_str().into()),
                            ("DBInstanceId", instance.as_str().into()),
                            ("RegionId", region.as_str().into()),
                        ]),
                    );
                    browser::remember_submission(&submission);
                }
                Job::Started {
                    submission,
                    id,
                    row: None,
                }
            }
            Ok(Sent::Checking { submission }) => {
                if options.embedded() {
                    browser::remember_submission(&submission);
                }
                Job::Checking { submission }
            }
            Err(e) => Job::Refused(e),
        };
        dispatcher.dispatch(ConsoleAction::Job(job));
        dispatcher.dispatch(ConsoleAction::Sent);
    });
}

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = "
export function load_panels(js, wasm, root, config) {
  // Once the form is painted (the next frame, then the task after it), not before.
  return new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)))
    .then(() => import(js))
    .then(async (m) => {
      await m.default({ module_or_path: wasm });
      m.mount_panels(root, config);
    })
    .catch((e) => console.error('rds-backup-console: the panels did not load', e));
}")]
extern "C" {
    /// Imports the panels module (its JS, then its wasm) once the form is painted, and
    /// mounts it on `root`.
    fn load_panels(
        js: &str,
        wasm: &str,
        root: &web_sys::Element,
        config: &wasm_bindgen::JsValue,
    ) -> js_sys::Promise;
}

/// The panels module: loaded once the form is usable and painted, told of each change of
/// the form's state (kept on the console's root), and heard when it loads a form.
#[hook]
pub fn use_panels(console: UseReducerHandle<Console>, options: Rc<Options>, root: NodeRef) {
    let shared = Shared {
        lang: console.lang,
        form: console.form.form.clone(),
        touched: console.form.touched,
        ready: matches!(console.proxy, Proxy::Ready(_)) && !console.signed_out(),
        sent: console.sent,
        picked: console.picked.clone(),
    };
    {
        let root = root.clone();
        use_effect_with(shared, move |s| {
            if let Some(el) = root.cast::<web_sys::Element>() {
                s.publish(&el);
            }
        });
    }
    {
        let (dispatcher, root) = (console.dispatcher(), root.clone());
        use_effect_with((), move |_| {
            let listener = root.cast::<web_sys::Element>().map(|el| {
                gloo::events::EventListener::new(&el, LOAD_EVENT, move |e| {
                    let query = e
                        .dyn_ref::<web_sys::CustomEvent>()
                        .and_then(|c| c.detail().as_string())
                        .unwrap_or_default();
                    let form = Form::from_query(&browser::query_pairs(&query));
                    dispatcher.dispatch(ConsoleAction::Form(Action::Load(form, History::Push)));
                })
            });
            move || drop(listener)
        });
    }
    // Loaded once the form is usable (the proxy answered, or did not), after its paint.
    let usable = !matches!(console.proxy, Proxy::Loading);
    let asked = use_mut_ref(|| false);
    use_effect_with(usable, move |usable| {
        let assets = &options.assets;
        let el = root
            .cast::<web_sys::Element>()
            .filter(|_| *usable && !*asked.borrow());
        if let (Some(el), Some(js), Some(wasm)) = (el, &assets.panels_js, &assets.panels_wasm) {
            *asked.borrow_mut() = true;
            let token = match &options.credential {
                Credential::Host(f) => f.into(),
                Credential::Typed => wasm_bindgen::JsValue::UNDEFINED,
            };
            let config = object(&[
                ("apiBase", options.api_base.as_str().into()),
                ("assets", assets.content().into()),
                ("getAccessToken", token),
            ]);
            let _ = load_panels(js, wasm, &el, &config);
        }
    });
}
