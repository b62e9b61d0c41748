//! The console's form (the first of its two wasm modules): one reducer holds its state
//! (console.rs), hooks do its effects (hooks/), and each panel is a component
//! (components/); this composes them, and leaves the slots the panels module fills once
//! the form is usable (panels.rs: the preview, policy, snippets, recent backups, export and
//! import, the fleet view).

use crate::api::{Client, Instance};
use crate::browser;
use crate::components::actions::Actions;
use crate::components::caller::CallerView;
use crate::components::context::{EngineStorage, InstanceFacts, RegionSelect};
use crate::components::databases::Databases;
use crate::components::header::Header;
use crate::components::instance_picker::InstancePicker;
use crate::components::job::{Job, JobPanel};
use crate::components::retention::Retention;
use crate::console::{Console, ConsoleAction, Proxy};
use crate::embed::Options;
use crate::fields::{ChoiceSelect, Marks};
use crate::i18n::{Lang, Text, t};
use crate::reasons::say;
use crate::state::{Action, Fields, Form, History, State};
use rds_backup_core::endpoint::KNOWN_REGIONS;
use rds_backup_core::snippet;
use rds_backup_core::{
    Engine, Field, FieldChoices, Problem, Region, StorageType, choices, validate,
};
use std::rc::Rc;
use yew::prelude::*;

/// The language a console starts in: the one chosen before, or the browser's.
pub fn initial_lang() -> Lang {
    let tag = browser::stored(crate::hooks::LANG_KEY).unwrap_or_else(browser::browser_language);
    Lang::from_tag(&tag)
}

/// The problems of the fields in `shown`, said in `l`.
fn marks_of(l: Lang, problems: &[Problem], shown: Fields) -> Vec<(Field, (String, String))> {
    problems
        .iter()
        .filter(|p| shown.contains(p.field))
        .map(|p| (p.field, (p.code.as_str().to_owned(), say(l, &p.reason))))
        .collect()
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
    crate::hooks::use_config(console.clone(), client.clone());
    crate::hooks::use_databases(console.clone(), client.clone());
    crate::hooks::use_form_sync(console.clone(), options.clone());
    crate::hooks::use_lang_sync(console.clone(), options.clone());
    crate::hooks::use_advice(console.clone(), options.clone());
    crate::hooks::use_job_follow(console.clone(), client.clone());
    crate::hooks::use_backup_finished(console.clone(), client.clone(), options.clone());
    let root = use_node_ref();
    crate::hooks::use_panels(console.clone(), options.clone(), root.clone());
    let picked: Option<Instance> = console.picked_in_form().cloned();

    let draft = form.draft();
    let ctx = form.context();
    let field_choices: Vec<FieldChoices> = ctx.map(|c| choices(&c, &draft)).unwrap_or_default();
    let verdict = ctx.map(|c| validate(&c, &draft));
    // Errors only for what the user did: a field not touched is asked for, not marked.
    let marks = match &verdict {
        Some(Err(p)) => marks_of(l, p, state.touched),
        _ => Vec::new(),
    };
    let mark = |f: Field| Marks {
        problems: marks
            .iter()
            .filter(|(x, _)| *x == f)
            .map(|(_, m)| m.clone())
            .collect(),
    };
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

    // Another language: its catalogue first (fetched once), then the switch.
    let on_lang = {
        let (c, assets) = (console.dispatcher(), options.assets.clone());
        Callback::from(move |x: Lang| {
            let (c, assets) = (c.clone(), assets.clone());
            wasm_bindgen_futures::spawn_local(async move {
                crate::i18n::ensure(x, crate::i18n::Part::Form, &assets).await;
                c.dispatch(ConsoleAction::Lang(x));
            });
        })
    };

    // The three selects (BackupMethod always, once engine and storage are known).
    let selects = [
        (Field::BackupMethod, Text::Method, &form.method),
        (Field::BackupType, Text::Type, &form.backup_type),
        (Field::BackupStrategy, Text::Strategy, &form.strategy),
    ]
    .into_iter()
    .filter_map(|(f, label, value)| {
        let c = field_of(f).filter(|_| f == Field::BackupMethod || shows(f, value.is_some()))?;
        Some(html! {
            <ChoiceSelect field={f} label={t(l, label)} choices={c} value={value.clone()} marks={mark(f)}
                lang={l} auto={auto(f)} onchange={choose(f)} />
        })
    });

    html! {
        <div class="console" ref={root}>
            <Header lang={l} onlang={on_lang} />
            if let Proxy::Ready(c) = &console.proxy {
                <CallerView lang={l} config={c.clone()} problem={console.auth_problem.clone()}
                    host_token={client.host_provides_token()}
                    on_sign_in={{ let c = console.dispatcher(); Callback::from(move |()| c.dispatch(ConsoleAction::SignedIn)) }} />
            }
            {
                match &console.proxy {
                    Proxy::Ready(c) if c.mode == "demo" => html! { <p class="banner demo" role="status">{ t(l, Text::ModeDemo) }</p> },
                    Proxy::Ready(_) => html! { <p class="banner live" role="status">{ t(l, Text::ModeLive) }</p> },
                    Proxy::Unavailable => html! { <p class="banner offline" role="status">{ t(l, Text::ComposeOnly) }</p> },
                    Proxy::Loading => html! { <p class="banner" role="status">{ t(l, Text::Loading) }</p> },
                }
            }
            <main>
                <form class="compose" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())} novalidate=true>
                    <RegionSelect lang={l} {regions} value={form.region.clone()} valid={region_ok} dispatch={dispatch.clone()} />
                    <InstancePicker lang={l} client={client.clone()} region={form.region.clone()}
                        ready={matches!(console.proxy, Proxy::Ready(_)) && !signed_out} value={form.instance.clone()}
                        engines={options.engines.clone()} marks={mark(Field::DBInstanceId)}
                        oninput={on_instance} onpick={on_pick}
                        onunauthorized={{ let c = console.dispatcher(); Callback::from(move |e| c.dispatch(ConsoleAction::AuthProblem(Some(e)))) }} />
                    if let Some(i) = &picked {
                        <InstanceFacts lang={l} instance={i.clone()} texts={console.texts} />
                    }
                    <EngineStorage lang={l} engines={offered_engines} engine={form.engine} storage={form.storage}
                        locked={picked.is_some()} dispatch={dispatch.clone()} />
                    // One node however many selects: the list is not flattened into the
                    // form's children, whose unkeyed diff would otherwise shift by the count
                    // and mount the picker again on every pick.
                    <>{ for selects }</>
                    if shows(Field::DBName, !form.db_name.is_empty()) {
                        <Databases lang={l} value={form.db_name.clone()} chosen={form.db_names()} known={console.databases.clone()}
                            marks={mark(Field::DBName)} dispatch={dispatch.clone()} />
                    }
                    if shows(Field::BackupRetentionPeriod, !form.retention.is_empty()) {
                        <Retention lang={l} value={form.retention.clone()} marks={mark(Field::BackupRetentionPeriod)} dispatch={dispatch.clone()} />
                    }
                    <Actions lang={l} region={form.region.clone()} {can_send} sending={console.job == Job::Sending}
                        offline={matches!(console.proxy, Proxy::Unavailable)} onsend={send} dispatch={dispatch.clone()} />
                </form>
                <section class="side">
                    <JobPanel lang={l} job={console.job.clone()} texts={console.texts} />
                    // The recent backups, the preview, the policy and the snippets: the panels module.
                    <div class="panels-side"></div>
                </section>
            </main>
            <div class="panels-fleet"></div>
        </div>
    }
}
