//! The console: one reducer holds the form; everything else is derived from it or
//! fetched from the proxy.

use crate::api::{self, ApiError, Client, Config, Instance, Sent, Submission};
use crate::browser;
use crate::components::header::Header;
use crate::components::instance_picker::InstancePicker;
use crate::components::job::{Job, JobPanel};
use crate::components::policy::PolicyPanel;
use crate::components::preview::PreviewPanel;
use crate::components::snippets::SnippetsPanel;
use crate::embed::Options;
use crate::fields::{ChoiceSelect, Marks, TextField};
use crate::i18n::{Lang, Text, advice, t};
use crate::reasons::say;
use crate::state::{Action, Form, History, State};
use rds_backup_core::endpoint::KNOWN_REGIONS;
use rds_backup_core::snippet::{self, SnippetLang};
use rds_backup_core::{
    Engine, Field, FieldChoices, Problem, Region, StorageType, choices, validate,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Whether the proxy answered.
#[derive(Clone, Debug, PartialEq)]
enum Proxy {
    Loading,
    Ready(Config),
    Unavailable,
}

const LANG_KEY: &str = "rds-backup-console.lang";

fn initial_lang() -> Lang {
    let tag = browser::stored(LANG_KEY).unwrap_or_else(browser::browser_language);
    Lang::from_tag(&tag)
}

/// The problems of each field.
fn marks_by_field(l: Lang, problems: &[Problem]) -> BTreeMap<Field, Marks> {
    let mut m: BTreeMap<Field, Marks> = BTreeMap::new();
    for p in problems {
        m.entry(p.field)
            .or_default()
            .problems
            .push((p.code.as_str().to_owned(), say(l, &p.reason)));
    }
    m
}

/// Props of [`App`]: standalone by default, or embedded with [`Options`].
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// How the console runs.
    #[prop_or_default]
    pub options: Rc<Options>,
}

/// The form a console starts with: the URL's when standalone, the host's options when embedded.
fn initial_form(options: &Options) -> Form {
    if options.embedded() {
        Form {
            region: options.region.clone().unwrap_or_default(),
            instance: options.instance.clone().unwrap_or_default(),
            ..Form::default()
        }
    } else {
        browser::form_from_location()
    }
}

/// The console.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let options = props.options.clone();
    let base = options.api_base.clone();
    let client = {
        let options = options.clone();
        (*use_memo(options, |o| {
            Client::new(o.api_base.clone(), o.credential.clone())
        }))
        .clone()
    };
    // Bumped when the user gives a token: the configuration (who am I) is asked again.
    let sign_ins = use_state(|| 0u32);
    // The last 401 of a read, to explain it.
    let auth_problem = use_state(|| None::<ApiError>);
    let lang = {
        let locale = options.locale;
        use_state(move || locale.unwrap_or_else(initial_lang))
    };
    let state = {
        let options = options.clone();
        use_reducer(move || State::new(initial_form(&options), History::Keep))
    };
    let proxy = use_state(|| Proxy::Loading);
    // The instance the picker gave (its engine, storage, state and lock).
    let picked_state = use_state(|| None::<Instance>);
    let databases = use_state(Vec::<String>::new);
    let job = use_state(|| Job::Idle);
    // Bumped at each send: the recent backups and the pending jobs are looked at again.
    let sent_count = use_state(|| 0u32);
    let snippet_lang = use_state(|| SnippetLang::Aliyun);
    let import_error = use_state(|| None::<String>);
    let form = state.form.clone();
    let l = *lang;
    let region_ref = crate::fields::use_select_value(form.region.clone());
    let engine_ref = crate::fields::use_select_value(
        form.engine
            .map(|e| e.as_str().to_owned())
            .unwrap_or_default(),
    );
    let storage_ref = crate::fields::use_select_value(
        form.storage
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
    );

    // The proxy's configuration, once and after each sign-in.
    {
        let proxy = proxy.clone();
        let state = state.clone();
        let client = client.clone();
        let auth_problem = auth_problem.clone();
        use_effect_with(*sign_ins, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match client.config().await {
                    Ok(c) => {
                        auth_problem.set(None);
                        if let Some(r) = c.regions.first().filter(|_| state.form.region.is_empty())
                        {
                            state.dispatch(Action::Type(Field::RegionId, r.clone()));
                        }
                        proxy.set(Proxy::Ready(c));
                    }
                    Err(_) => {
                        if state.form.region.is_empty() {
                            state.dispatch(Action::Type(Field::RegionId, "cn-hangzhou".into()));
                        }
                        proxy.set(Proxy::Unavailable);
                    }
                }
            });
        });
    }
    // Only while the form holds it: its id, engine and storage.
    let picked: Option<Instance> = (*picked_state).clone().filter(|i| {
        i.id == form.instance
            && form.engine == Engine::parse(&i.engine)
            && form.storage == StorageType::parse(&i.storage)
    });
    // A picked instance's databases.
    {
        let databases = databases.clone();
        let client = client.clone();
        let key = (form.region.clone(), picked.as_ref().map(|i| i.id.clone()));
        use_effect_with(key, move |(region, id)| {
            databases.set(Vec::new());
            if let Some(id) = id.clone() {
                let region = region.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(dbs) = client.databases(&region, &id).await {
                        databases.set(dbs);
                    }
                });
            }
        });
    }
    // Standalone, the URL follows the form and back/forward bring it back; embedded, the
    // host page's URL is its own, and the host hears of every change instead.
    {
        let st = (*state).clone();
        let options = options.clone();
        use_effect_with(st, move |st| {
            if options.embedded() {
                let request: serde_json::Value =
                    serde_json::from_str(&st.form.to_json()).unwrap_or_default();
                let valid = st
                    .form
                    .context()
                    .is_some_and(|c| validate(&c, &st.form.draft()).is_ok());
                options.emit(
                    "request-changed",
                    &serde_json::json!({ "request": request, "valid": valid }),
                );
            } else {
                browser::write_location(&st.form, st.history);
            }
        });
    }
    {
        let state = state.clone();
        let embedded = options.embedded();
        use_effect_with((), move |_| {
            let listener = web_sys::window().filter(|_| !embedded).map(|w| {
                gloo::events::EventListener::new(&w, "popstate", move |_| {
                    state.dispatch(Action::Load(browser::form_from_location(), History::Keep));
                })
            });
            move || drop(listener)
        });
    }
    // The language is remembered and set on the page (or on the host element).
    {
        let host = options.host.clone();
        use_effect_with(l, move |l| {
            browser::store(LANG_KEY, l.tag());
            match host {
                Some(h) => {
                    let _ = h.set_attribute("lang", l.tag());
                }
                None => browser::set_document_lang(l.tag()),
            }
        });
    }
    // A sent job is followed, as the proxy records it, until it ends; an unknown outcome
    // until the proxy knows.
    {
        let job = job.clone();
        let client = client.clone();
        use_effect_with(job.pending(), move |pending| {
            let interval = pending.clone().map(|submission| {
                gloo::timers::callback::Interval::new(1000, move || {
                    let (job, client, submission) =
                        (job.clone(), client.clone(), submission.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let Ok(row) = client.submission(&submission).await else {
                            return;
                        };
                        match (row.state.as_str(), row.backup_job_id.clone()) {
                            ("sent", id) => job.set(Job::Started {
                                submission,
                                id: id.unwrap_or_default(),
                                row: Some(Box::new(row)),
                            }),
                            ("not-started", _) => job.set(Job::NotStarted {
                                message: row.message.unwrap_or_default(),
                            }),
                            _ => {}
                        }
                    });
                })
            });
            move || drop(interval)
        });
    }
    // Embedded, the host hears `backup-finished` for every job this page started, also
    // after a reload (the ids wait in sessionStorage until their jobs end).
    {
        let client = client.clone();
        let options = options.clone();
        let sent = sent_count.clone();
        use_effect_with(*sent, move |_| {
            let interval = options.embedded().then(|| {
                gloo::timers::callback::Interval::new(1000, move || {
                    let (client, options) = (client.clone(), options.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        for id in browser::pending_submissions() {
                            let Ok(row) = client.submission(&id).await else { continue };
                            if row.r#final {
                                browser::forget_submission(&id);
                                if row.state == "sent" {
                                    options.emit(
                                        "backup-finished",
                                        &serde_json::json!({
                                            "BackupJobId": row.backup_job_id, "BackupStatus": row.backup_status,
                                            "BackupId": row.backup_id, "Reason": row.reason, "SubmissionId": row.submission_id,
                                            "DBInstanceId": row.instance, "RegionId": row.region,
                                        }),
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

    let draft = form.draft();
    let ctx = form.context();
    let field_choices: Vec<FieldChoices> = ctx.map(|c| choices(&c, &draft)).unwrap_or_default();
    let verdict = ctx.map(|c| validate(&c, &draft));
    // Errors only for what the user did: a field not touched is asked for, not marked.
    let marks = match &verdict {
        Some(Err(p)) => {
            let mut m = marks_by_field(l, p);
            m.retain(|f, _| state.touched.contains(f));
            m
        }
        _ => BTreeMap::new(),
    };
    let mark = |f: Field| marks.get(&f).cloned().unwrap_or_default();
    // "Snapshot: the only valid choice for MySQL on cloud_essd".
    let auto = |f: Field| -> Option<AttrValue> {
        let s = state.auto_of(f)?;
        let (engine, storage) = (form.engine?, form.storage?);
        Some(AttrValue::from(format!(
            "{}: {}",
            s.label,
            t(l, Text::OnlyChoice)
                .replace("{engine}", engine.display_name())
                .replace("{storage}", storage.as_str())
        )))
    };
    let request = verdict.as_ref().and_then(|v| v.as_ref().ok()).cloned();
    let region_ok = Region::new(&form.region).is_ok();

    // A choice (a select, a checkbox: a history entry) and typing (the entry replaced).
    let choose = |field: Field| {
        let state = state.clone();
        Callback::from(move |v: String| state.dispatch(Action::Choose(field, v)))
    };
    let type_into = |field: Field| {
        let state = state.clone();
        Callback::from(move |v: String| state.dispatch(Action::Type(field, v)))
    };
    let on_instance = type_into(Field::DBInstanceId);
    let on_pick = {
        let (state, picked_state) = (state.clone(), picked_state.clone());
        Callback::from(move |i: Instance| {
            let (Some(engine), Some(storage)) =
                (Engine::parse(&i.engine), StorageType::parse(&i.storage))
            else {
                return;
            };
            let f = &state.form;
            let same = f.instance == i.id && f.engine == Some(engine) && f.storage == Some(storage);
            let id = i.id.clone();
            picked_state.set(Some(i));
            if !same {
                state.dispatch(Action::Pick {
                    id,
                    engine,
                    storage,
                });
            }
        })
    };
    let select_cb = |f: fn(&str) -> Action| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            state.dispatch(f(&e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let regions: Vec<String> = match &*proxy {
        Proxy::Ready(c) if !c.regions.is_empty() => c.regions.clone(),
        _ => KNOWN_REGIONS.iter().map(|s| (*s).to_owned()).collect(),
    };

    let send = {
        let job = job.clone();
        let sent_count = sent_count.clone();
        // The proxy's body, as the curl snippet sends it: RegionId and the parameters.
        let body = request
            .as_ref()
            .zip(Region::new(&form.region).ok())
            .map(|(r, region)| snippet::proxy_body(r, &region));
        let (client, options) = (client.clone(), options.clone());
        let (region, instance) = (form.region.clone(), form.instance.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(body) = body.clone() else { return };
            let job = job.clone();
            job.set(Job::Sending);
            let (client, options, region, instance) = (
                client.clone(),
                options.clone(),
                region.clone(),
                instance.clone(),
            );
            let sent_count = sent_count.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match client.create_backup(body).await {
                    Ok(Sent::Started {
                        submission,
                        job: id,
                    }) => {
                        options.emit(
                            "backup-submitted",
                            &serde_json::json!({ "BackupJobId": id, "SubmissionId": submission, "DBInstanceId": instance, "RegionId": region }),
                        );
                        if options.embedded() {
                            browser::remember_submission(&submission);
                        }
                        job.set(Job::Started {
                            submission,
                            id,
                            row: None,
                        });
                    }
                    Ok(Sent::Checking { submission }) => {
                        if options.embedded() {
                            browser::remember_submission(&submission);
                        }
                        job.set(Job::Checking { submission });
                    }
                    Err(e) => job.set(Job::Refused(e)),
                }
                sent_count.set(*sent_count + 1);
            });
        })
    };
    let signed_out = match &*proxy {
        Proxy::Ready(c) => c.needs_sign_in() || auth_problem.is_some(),
        _ => false,
    };
    // Never while an outcome is unknown: the backup may be running already.
    let can_send = request.is_some()
        && matches!(*proxy, Proxy::Ready(_))
        && !signed_out
        && region_ok
        && !matches!(*job, Job::Sending | Job::Checking { .. });

    let field_of = |f: Field| field_choices.iter().find(|c| c.field == f).cloned();
    let shows = |f: Field, has_value: bool| {
        field_of(f).is_some_and(|c| c.applies || has_value) || (has_value && ctx.is_none())
    };
    let offered_engines: Vec<Engine> = Engine::ALL
        .iter()
        .copied()
        .filter(|e| {
            options
                .engines
                .as_ref()
                .is_none_or(|allowed| allowed.contains(e))
        })
        .collect();

    html! {
        <div class="console">
            <Header lang={l} onlang={{ let lang = lang.clone(); Callback::from(move |x| lang.set(x)) }} />
            if let Proxy::Ready(c) = &*proxy {
                <CallerView lang={l} config={c.clone()} problem={(*auth_problem).clone()}
                    host_token={client.host_provides_token()} sign_ins={sign_ins.clone()} />
            }
            {
                match &*proxy {
                    Proxy::Ready(c) => html! { <p class={classes!("banner", c.mode.clone())} role="status">{ t(l, if c.mode == "demo" { Text::ModeDemo } else { Text::ModeLive }) }</p> },
                    Proxy::Unavailable => html! { <p class="banner offline" role="status">{ t(l, Text::ComposeOnly) }</p> },
                    Proxy::Loading => html! { <p class="banner" role="status">{ t(l, Text::Loading) }</p> },
                }
            }
            <main>
                <form class="compose" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())} novalidate=true>
                    <div class="field">
                        <label for="f-RegionId">{ t(l, Text::Region) }</label>
                        <select ref={region_ref} id="f-RegionId" name="RegionId" onchange={choose(Field::RegionId).reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value())}>
                            { for regions.iter().map(|r| html! { <option value={r.clone()} selected={*r == form.region}>{ r.clone() }</option> }) }
                            if !form.region.is_empty() && !regions.contains(&form.region) {
                                <option value={form.region.clone()} selected=true>{ form.region.clone() }</option>
                            }
                        </select>
                        if !region_ok && !form.region.is_empty() {
                            <div role="alert"><ul class="problems"><li>{ t(l, Text::NotARegion).replace("{region}", &form.region) }</li></ul></div>
                        }
                    </div>
                    <InstancePicker lang={l} client={client.clone()} region={form.region.clone()}
                        ready={matches!(*proxy, Proxy::Ready(_)) && !signed_out} value={form.instance.clone()}
                        engines={options.engines.clone()} marks={mark(Field::DBInstanceId)}
                        oninput={on_instance} onpick={on_pick}
                        onunauthorized={{ let a = auth_problem.clone(); Callback::from(move |e| a.set(Some(e))) }} />
                    if let Some(i) = &picked {
                        <p class="instance-info" data-status={i.status.clone()}>{ format!("{} · {} · {} · {} · {}", i.engine, i.storage, i.status, i.lock_mode, i.kind) }</p>
                        { for instance_warnings(i).into_iter().map(|code| html! {
                            <p class="warning" role="alert" data-code={code}>{ warning_text(l, code) }</p>
                        }) }
                    }
                    <div class="pair">
                        <div class="field">
                            <label for="f-Engine">{ t(l, Text::Engine) }</label>
                            <select ref={engine_ref} id="f-Engine" name="Engine" disabled={picked.is_some()} onchange={select_cb(|v| Action::Engine(Engine::parse(v)))}>
                                <option value="" selected={form.engine.is_none()}>{ t(l, Text::ChooseEngine) }</option>
                                { for offered_engines.iter().map(|e| html! { <option value={e.as_str()} selected={form.engine == Some(*e)}>{ e.display_name() }</option> }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="f-StorageType">{ t(l, Text::Storage) }</label>
                            <select ref={storage_ref} id="f-StorageType" name="StorageType" disabled={picked.is_some()} onchange={select_cb(|v| Action::Storage(StorageType::parse(v)))}>
                                <option value="" selected={form.storage.is_none()}>{ t(l, Text::ChooseStorage) }</option>
                                { for StorageType::ALL.iter().map(|s| html! { <option value={s.as_str()} selected={form.storage == Some(*s)}>{ format!("{} ({})", s.as_str(), t(l, if s.kind() == rds_backup_core::model::StorageKind::Local { Text::LocalDisk } else { Text::CloudDisk })) }</option> }) }
                            </select>
                        </div>
                    </div>
                    if let Some(c) = field_of(Field::BackupMethod) {
                        <ChoiceSelect field={Field::BackupMethod} label={t(l, Text::Method)} choices={c} value={form.method.clone()} marks={mark(Field::BackupMethod)} lang={l} auto={auto(Field::BackupMethod)} onchange={choose(Field::BackupMethod)} />
                    }
                    if let Some(c) = field_of(Field::BackupType).filter(|_| shows(Field::BackupType, form.backup_type.is_some())) {
                        <ChoiceSelect field={Field::BackupType} label={t(l, Text::Type)} choices={c} value={form.backup_type.clone()} marks={mark(Field::BackupType)} lang={l} auto={auto(Field::BackupType)} onchange={choose(Field::BackupType)} />
                    }
                    if let Some(c) = field_of(Field::BackupStrategy).filter(|_| shows(Field::BackupStrategy, form.strategy.is_some())) {
                        <ChoiceSelect field={Field::BackupStrategy} label={t(l, Text::Strategy)} choices={c} value={form.strategy.clone()} marks={mark(Field::BackupStrategy)} lang={l} auto={auto(Field::BackupStrategy)} onchange={choose(Field::BackupStrategy)} />
                    }
                    if shows(Field::DBName, !form.db_name.is_empty()) {
                        <TextField field={Field::DBName} label={t(l, Text::Databases)} value={form.db_name.clone()}
                            hint={Some(AttrValue::from(t(l, Text::DatabasesHint)))} marks={mark(Field::DBName)} oninput={type_into(Field::DBName)} />
                        if !databases.is_empty() {
                            <fieldset class="dbs">
                                <legend>{ t(l, Text::PickDatabases) }</legend>
                                { for databases.iter().map(|d| {
                                    let checked = form.db_names().contains(d);
                                    let state = state.clone();
                                    let name = d.clone();
                                    html! {
                                        <label class="check"><input type="checkbox" name="db" value={d.clone()} {checked}
                                            onchange={Callback::from(move |_: Event| state.dispatch(Action::ToggleDb(name.clone())))} />{ d.clone() }</label>
                                    }
                                }) }
                            </fieldset>
                        }
                    }
                    if shows(Field::BackupRetentionPeriod, !form.retention.is_empty()) {
                        <div class={classes!("field", (!mark(Field::BackupRetentionPeriod).is_empty()).then_some("invalid"))}>
                            <label for="f-BackupRetentionPeriod">{ t(l, Text::Retention) }</label>
                            <div class="retention">
                                <input id="f-BackupRetentionPeriod" name="BackupRetentionPeriod" type="number" min="7" max="730" step="1"
                                    value={if form.retention == "-1" { String::new() } else { form.retention.clone() }}
                                    disabled={form.retention == "-1"}
                                    aria-invalid={(!mark(Field::BackupRetentionPeriod).is_empty()).to_string()} aria-describedby="p-BackupRetentionPeriod"
                                    oninput={type_into(Field::BackupRetentionPeriod).reform(|e: InputEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().value())} />
                                <span>{ t(l, Text::RetentionDays) }</span>
                                <label class="check"><input type="checkbox" name="LongTerm" checked={form.retention == "-1"}
                                    onchange={choose(Field::BackupRetentionPeriod).reform(|e: Event| if e.target_unchecked_into::<web_sys::HtmlInputElement>().checked() { "-1".to_owned() } else { String::new() })} />
                                    { t(l, Text::LongTerm) }</label>
                            </div>
                            if form.retention.trim().parse::<i64>().is_err() && !form.retention.is_empty() {
                                <div role="alert"><ul class="problems" id="p-BackupRetentionPeriod"><li><code>{ "Parameters.Invalid" }</code>{ " " }{ t(l, Text::RetentionWhole) }</li></ul></div>
                            } else {
                                <crate::fields::Problems id="p-BackupRetentionPeriod" marks={mark(Field::BackupRetentionPeriod)} />
                            }
                        </div>
                    }
                    <div class="actions">
                        <button type="button" class="primary" name="send" disabled={!can_send} onclick={send}>
                            { if *job == Job::Sending { t(l, Text::Sending) } else { t(l, Text::Send) } }
                        </button>
                        if matches!(*proxy, Proxy::Unavailable) { <p class="hint">{ t(l, Text::SendNeedsProxy) }</p> }
                        <button type="button" name="export" onclick={{
                            let json = form.to_json();
                            Callback::from(move |_: MouseEvent| browser::download("rds-backup-request.json", &json))
                        }}>{ t(l, Text::Export) }</button>
                        <label class="button">
                            { t(l, Text::Import) }
                            <input type="file" name="import" accept="application/json,.json" class="visually-hidden" onchange={{
                                let state = state.clone();
                                let import_error = import_error.clone();
                                Callback::from(move |e: Event| {
                                    let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
                                    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
                                    let (state, import_error) = (state.clone(), import_error.clone());
                                    wasm_bindgen_futures::spawn_local(async move {
                                        let text = gloo::file::futures::read_as_text(&gloo::file::File::from(file)).await.unwrap_or_default();
                                        match Form::from_json(&text) {
                                            Ok(f) => { import_error.set(None); state.dispatch(Action::Load(f, History::Push)); }
                                            Err(e) => import_error.set(Some(e)),
                                        }
                                    });
                                })
                            }} />
                        </label>
                        <button type="button" name="reset" onclick={{
                            let state = state.clone();
                            let region = form.region.clone();
                            Callback::from(move |_: MouseEvent| state.dispatch(Action::Load(Form { region: region.clone(), ..Form::default() }, History::Push)))
                        }}>{ t(l, Text::Reset) }</button>
                    </div>
                    if let Some(e) = &*import_error {
                        <p class="problems" role="alert">{ format!("{} {e}", t(l, Text::ImportFailed)) }</p>
                    }
                </form>
                <section class="side">
                    <JobPanel lang={l} job={(*job).clone()} />
                    if matches!(*proxy, Proxy::Ready(_)) && !signed_out {
                        <crate::recent::Recent lang={l} client={client.clone()} refresh={*sent_count}
                            on_open={{
                                let state = state.clone();
                                let known: Vec<Instance> = picked_state.iter().cloned().collect();
                                Callback::from(move |row: Submission| {
                                    if let Some(form) = crate::recent::form_of(&row, &known) {
                                        state.dispatch(Action::Load(form, History::Push));
                                    }
                                })
                            }} />
                    }
                    <PreviewPanel lang={l} region={form.region.clone()} request={request.clone()}
                        problems={verdict.as_ref().and_then(|v| v.as_ref().err()).cloned()} touched={state.touched.clone()} />
                    <PolicyPanel lang={l} region={form.region.clone()} request={request.clone()} />
                    <SnippetsPanel lang={l} region={form.region.clone()} request={request.clone()}
                        proxy_url={if base.is_empty() { browser::origin() } else { base.clone() }}
                        selected={*snippet_lang} onselect={{ let s = snippet_lang.clone(); Callback::from(move |x| s.set(x)) }} />
                </section>
            </main>
            if matches!(*proxy, Proxy::Ready(_)) && !signed_out {
                <crate::fleet::Fleet lang={l} client={client.clone()} />
            }
        </div>
    }
}

/// Props of [`CallerView`].
#[derive(Properties, PartialEq)]
struct CallerProps {
    lang: Lang,
    config: Config,
    problem: Option<ApiError>,
    host_token: bool,
    sign_ins: UseStateHandle<u32>,
}

/// Who the proxy says the caller is, or how to sign in: a token to paste (`--auth
/// tokens`), the portal's sign-in (a host-provided token), the auth proxy's (a reload).
#[function_component(CallerView)]
fn caller_view(p: &CallerProps) -> Html {
    let l = p.lang;
    let token_ref = use_node_ref();
    let bump = {
        let sign_ins = p.sign_ins.clone();
        move || sign_ins.set(*sign_ins + 1)
    };
    if let (Some(user), None) = (&p.config.user, &p.problem) {
        let sign_out = (p.config.auth == "tokens" && !p.host_token).then(|| {
            let bump = bump.clone();
            Callback::from(move |_: MouseEvent| {
                api::set_typed_token("");
                bump();
            })
        });
        return html! {
            <p class="caller" role="status">{ t(l, Text::SignedInAs) }{ " " }<strong class="user">{ user.clone() }</strong>
                if let Some(cb) = sign_out { { " " }<button type="button" name="sign-out" onclick={cb}>{ t(l, Text::ForgetToken) }</button> }
            </p>
        };
    }
    if !p.config.needs_sign_in() && p.problem.is_none() {
        return html! {};
    }
    if p.config.auth == "tokens" && !p.host_token {
        let onsubmit = {
            let token_ref = token_ref.clone();
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                if let Some(input) = token_ref.cast::<web_sys::HtmlInputElement>() {
                    api::set_typed_token(&input.value());
                    input.set_value("");
                }
                bump();
            })
        };
        let refused = p.problem.is_some() || p.config.sign_in_error.is_some();
        return html! {
            <form class="sign-in" {onsubmit} aria-labelledby="h-sign-in">
                <p id="h-sign-in" role="alert">{ t(l, if refused { Text::TokenRefused } else { Text::SignInToken }) }</p>
                <label for="f-token">{ t(l, Text::TokenLabel) }</label>
                <input ref={token_ref} id="f-token" name="token" type="password" autocomplete="off" required=true />
                <button type="submit" name="use-token">{ t(l, Text::UseToken) }</button>
            </form>
        };
    }
    let text = if p.host_token || p.config.auth == "oidc" {
        Text::SignInPortal
    } else {
        Text::SignInProxy
    };
    html! { <p class="sign-in" role="alert">{ t(l, text) }</p> }
}

/// What the instance itself fails of core's preconditions (type, lock, state), as codes.
fn instance_warnings(i: &Instance) -> Vec<&'static str> {
    let facts = rds_backup_core::precondition::InstanceState {
        instance_type: i.kind.clone(),
        lock_mode: i.lock_mode.clone(),
        status: i.status.clone(),
        ..Default::default()
    };
    rds_backup_core::precondition::warnings(&facts)
        .into_iter()
        .map(|u| u.code)
        .collect()
}

/// The warning shown for a precondition the picked instance does not meet.
fn warning_text(l: Lang, code: &str) -> String {
    match code {
        "IncorrectDBInstanceState" => t(l, Text::StateWarning).to_owned(),
        "IncorrectDBInstanceLockMode.ValueNotSupported" => t(l, Text::LockWarning).to_owned(),
        "ReadDBInstanceNotSupport" => t(l, Text::ReadOnlyWarning).to_owned(),
        other => advice(l, other).map_or_else(|| other.to_owned(), |(what, _)| what.to_owned()),
    }
}
