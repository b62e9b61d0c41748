//! The console: one reducer holds the form; everything else is derived from it or
//! fetched from the proxy.

use crate::api::{self, ApiError, Client, Config, Instance, Submission};
use crate::browser;
use crate::components::header::Header;
use crate::components::instance_picker::InstancePicker;
use crate::components::job::{Job, JobPanel};
use crate::components::policy::PolicyPanel;
use crate::components::preview::PreviewPanel;
use crate::components::snippets::SnippetsPanel;
use crate::console::{Console, ConsoleAction, Proxy};
use crate::embed::Options;
use crate::fields::{ChoiceSelect, Marks, TextField};
use crate::i18n::{Lang, Text, advice, t};
use crate::reasons::say;
use crate::state::{Action, Form, History, State};
use rds_backup_core::endpoint::KNOWN_REGIONS;
use rds_backup_core::snippet;
use rds_backup_core::{
    Engine, Field, FieldChoices, Problem, Region, StorageType, choices, validate,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

fn initial_lang() -> Lang {
    let tag = browser::stored(crate::hooks::LANG_KEY).unwrap_or_else(browser::browser_language);
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
    let console = {
        let options = options.clone();
        use_reducer(move || {
            Console::new(
                State::new(initial_form(&options), History::Keep),
                options.locale.unwrap_or_else(initial_lang),
            )
        })
    };
    // Form changes, as one callback (each control's events dispatch through it).
    let dispatch = {
        let d = console.dispatcher();
        Callback::from(move |a: Action| d.dispatch(ConsoleAction::Form(a)))
    };
    let state = &console.form;
    let form = state.form.clone();
    let l = console.lang;
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

    crate::hooks::use_config(console.clone(), client.clone());
    crate::hooks::use_databases(console.clone(), client.clone());
    crate::hooks::use_form_sync(console.clone(), options.clone());
    crate::hooks::use_lang_sync(console.clone(), options.clone());
    crate::hooks::use_job_follow(console.clone(), client.clone());
    crate::hooks::use_backup_finished(console.clone(), client.clone(), options.clone());
    let picked: Option<Instance> = console.picked_in_form().cloned();

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
    let choose = |field: Field| dispatch.reform(move |v: String| Action::Choose(field, v));
    let type_into = |field: Field| dispatch.reform(move |v: String| Action::Type(field, v));
    let on_instance = type_into(Field::DBInstanceId);
    let on_pick = {
        let (console, dispatch) = (console.clone(), dispatch.clone());
        Callback::from(move |i: Instance| {
            let (Some(engine), Some(storage)) =
                (Engine::parse(&i.engine), StorageType::parse(&i.storage))
            else {
                return;
            };
            let f = &console.form.form;
            let same = f.instance == i.id && f.engine == Some(engine) && f.storage == Some(storage);
            let id = i.id.clone();
            console.dispatch(ConsoleAction::Picked(i));
            if !same {
                dispatch.emit(Action::Pick {
                    id,
                    engine,
                    storage,
                });
            }
        })
    };
    let select_cb = |f: fn(&str) -> Action| {
        dispatch.reform(move |e: Event| f(&e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let regions: Vec<String> = match &console.proxy {
        Proxy::Ready(c) if !c.regions.is_empty() => c.regions.clone(),
        _ => KNOWN_REGIONS.iter().map(|s| (*s).to_owned()).collect(),
    };

    let send = {
        // The proxy's body, as the curl snippet sends it: RegionId and the parameters.
        let body = request
            .as_ref()
            .zip(Region::new(&form.region).ok())
            .map(|(r, region)| snippet::proxy_body(r, &region));
        let (console, client, options) = (console.clone(), client.clone(), options.clone());
        let (region, instance) = (form.region.clone(), form.instance.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(body) = body.clone() {
                crate::hooks::send(
                    &console,
                    client.clone(),
                    options.clone(),
                    body,
                    region.clone(),
                    instance.clone(),
                );
            }
        })
    };
    let signed_out = console.signed_out();
    // Never while an outcome is unknown: the backup may be running already.
    let can_send = request.is_some()
        && matches!(console.proxy, Proxy::Ready(_))
        && !signed_out
        && region_ok
        && !matches!(console.job, Job::Sending | Job::Checking { .. });

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
            <Header lang={l} onlang={{ let c = console.dispatcher(); Callback::from(move |x| c.dispatch(ConsoleAction::Lang(x))) }} />
            if let Proxy::Ready(c) = &console.proxy {
                <CallerView lang={l} config={c.clone()} problem={console.auth_problem.clone()}
                    host_token={client.host_provides_token()}
                    on_sign_in={{ let c = console.dispatcher(); Callback::from(move |()| c.dispatch(ConsoleAction::SignedIn)) }} />
            }
            {
                match &console.proxy {
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
                        ready={matches!(console.proxy, Proxy::Ready(_)) && !signed_out} value={form.instance.clone()}
                        engines={options.engines.clone()} marks={mark(Field::DBInstanceId)}
                        oninput={on_instance} onpick={on_pick}
                        onunauthorized={{ let c = console.dispatcher(); Callback::from(move |e| c.dispatch(ConsoleAction::AuthProblem(Some(e)))) }} />
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
                        if !console.databases.is_empty() {
                            <fieldset class="dbs">
                                <legend>{ t(l, Text::PickDatabases) }</legend>
                                { for console.databases.iter().map(|d| {
                                    let checked = form.db_names().contains(d);
                                    let dispatch = dispatch.clone();
                                    let name = d.clone();
                                    html! {
                                        <label class="check"><input type="checkbox" name="db" value={d.clone()} {checked}
                                            onchange={Callback::from(move |_: Event| dispatch.emit(Action::ToggleDb(name.clone())))} />{ d.clone() }</label>
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
                            { if console.job == Job::Sending { t(l, Text::Sending) } else { t(l, Text::Send) } }
                        </button>
                        if matches!(console.proxy, Proxy::Unavailable) { <p class="hint">{ t(l, Text::SendNeedsProxy) }</p> }
                        <button type="button" name="export" onclick={{
                            let json = form.to_json();
                            Callback::from(move |_: MouseEvent| browser::download("rds-backup-request.json", &json))
                        }}>{ t(l, Text::Export) }</button>
                        <label class="button">
                            { t(l, Text::Import) }
                            <input type="file" name="import" accept="application/json,.json" class="visually-hidden" onchange={{
                                let console = console.clone();
                                Callback::from(move |e: Event| {
                                    let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
                                    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
                                    let console = console.clone();
                                    wasm_bindgen_futures::spawn_local(async move {
                                        let text = gloo::file::futures::read_as_text(&gloo::file::File::from(file)).await.unwrap_or_default();
                                        match Form::from_json(&text) {
                                            Ok(f) => { console.dispatch(ConsoleAction::ImportError(None)); console.dispatch(ConsoleAction::Form(Action::Load(f, History::Push))); }
                                            Err(e) => console.dispatch(ConsoleAction::ImportError(Some(e))),
                                        }
                                    });
                                })
                            }} />
                        </label>
                        <button type="button" name="reset" onclick={{
                            let dispatch = dispatch.clone();
                            let region = form.region.clone();
                            Callback::from(move |_: MouseEvent| dispatch.emit(Action::Load(Form { region: region.clone(), ..Form::default() }, History::Push)))
                        }}>{ t(l, Text::Reset) }</button>
                    </div>
                    if let Some(e) = &console.import_error {
                        <p class="problems" role="alert">{ format!("{} {e}", t(l, Text::ImportFailed)) }</p>
                    }
                </form>
                <section class="side">
                    <JobPanel lang={l} job={console.job.clone()} />
                    if matches!(console.proxy, Proxy::Ready(_)) && !signed_out {
                        <crate::recent::Recent lang={l} client={client.clone()} refresh={console.sent}
                            on_open={{
                                let dispatch = dispatch.clone();
                                let known: Vec<Instance> = console.picked.iter().cloned().collect();
                                Callback::from(move |row: Submission| {
                                    if let Some(form) = crate::recent::form_of(&row, &known) {
                                        dispatch.emit(Action::Load(form, History::Push));
                                    }
                                })
                            }} />
                    }
                    <PreviewPanel lang={l} region={form.region.clone()} request={request.clone()}
                        problems={verdict.as_ref().and_then(|v| v.as_ref().err()).cloned()} touched={state.touched.clone()} />
                    <PolicyPanel lang={l} region={form.region.clone()} request={request.clone()} />
                    <SnippetsPanel lang={l} region={form.region.clone()} request={request.clone()}
                        proxy_url={if base.is_empty() { browser::origin() } else { base.clone() }}
                        selected={console.snippet} onselect={{ let c = console.dispatcher(); Callback::from(move |x| c.dispatch(ConsoleAction::Snippet(x))) }} />
                </section>
            </main>
            if matches!(console.proxy, Proxy::Ready(_)) && !signed_out {
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
    on_sign_in: Callback<()>,
}

/// Who the proxy says the caller is, or how to sign in: a token to paste (`--auth
/// tokens`), the portal's sign-in (a host-provided token), the auth proxy's (a reload).
#[function_component(CallerView)]
fn caller_view(p: &CallerProps) -> Html {
    let l = p.lang;
    let token_ref = use_node_ref();
    let bump = {
        let cb = p.on_sign_in.clone();
        move || cb.emit(())
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
