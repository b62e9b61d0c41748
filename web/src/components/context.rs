//! The request's context: the region, what the picked instance is, its engine and storage.
//! These decide which choices the rules offer for every other field.

use crate::api::Instance;
use crate::fields::use_select_value;
use crate::i18n::{Lang, Text, advice, t};
use crate::state::Action;
use rds_backup_core::model::StorageKind;
use rds_backup_core::precondition::{InstanceState, warnings};
use rds_backup_core::{Engine, Field, StorageType};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The value of the select an event came from.
fn selected(e: Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// Props of [`RegionSelect`].
#[derive(Properties, PartialEq)]
pub struct RegionProps {
    /// The console's language.
    pub lang: Lang,
    /// The regions to offer (the proxy's, or every known one).
    pub regions: Vec<String>,
    /// The form's region.
    pub value: AttrValue,
    /// True when `value` is a region id.
    pub valid: bool,
    /// The form's changes.
    pub dispatch: Callback<Action>,
}

/// The region select; a region typed in a URL that is not offered stays visible.
#[function_component(RegionSelect)]
pub fn region_select(p: &RegionProps) -> Html {
    let l = p.lang;
    let node = use_select_value(p.value.to_string());
    let onchange = p
        .dispatch
        .reform(|e: Event| Action::Choose(Field::RegionId, selected(e)));
    let value = p.value.to_string();
    html! {
        <div class="field">
            <label for="f-RegionId">{ t(l, Text::Region) }</label>
            <select ref={node} id="f-RegionId" name="RegionId" {onchange}>
                { for p.regions.iter().map(|r| html! { <option value={r.clone()} selected={*r == value}>{ r.clone() }</option> }) }
                if !value.is_empty() && !p.regions.contains(&value) {
                    <option value={value.clone()} selected=true>{ value.clone() }</option>
                }
            </select>
            if !p.valid && !value.is_empty() {
                <div role="alert"><ul class="problems"><li>{ t(l, Text::NotARegion).replace("{region}", &value) }</li></ul></div>
            }
        </div>
    }
}

/// Props of [`InstanceFacts`].
#[derive(Properties, PartialEq)]
pub struct FactsProps {
    /// The console's language.
    pub lang: Lang,
    /// The picked instance.
    pub instance: Instance,
    /// Bumped when a catalogue arrived (the advice is fetched after the first paint).
    #[prop_or_default]
    pub texts: u32,
}

/// The picked instance's engine, storage, state, lock and type, and a warning for each of
/// core's preconditions it does not meet.
#[function_component(InstanceFacts)]
pub fn instance_facts(p: &FactsProps) -> Html {
    let (l, i) = (p.lang, &p.instance);
    html! {
        <>
            <p class="instance-info" data-status={i.status.clone()}>{ format!("{} · {} · {} · {} · {}", i.engine, i.storage, i.status, i.lock_mode, i.kind) }</p>
            { for instance_warnings(i).into_iter().map(|code| html! {
                <p class="warning" role="alert" data-code={code}>{ warning_text(l, code) }</p>
            }) }
        </>
    }
}

/// Props of [`EngineStorage`].
#[derive(Properties, PartialEq)]
pub struct EngineStorageProps {
    /// The console's language.
    pub lang: Lang,
    /// The engines to offer (the host may allow fewer).
    pub engines: Vec<Engine>,
    /// The form's engine.
    pub engine: Option<Engine>,
    /// The form's storage.
    pub storage: Option<StorageType>,
    /// True when an instance is picked: both come with it.
    pub locked: bool,
    /// The form's changes.
    pub dispatch: Callback<Action>,
}

/// The engine and storage selects, side by side.
#[function_component(EngineStorage)]
pub fn engine_storage(p: &EngineStorageProps) -> Html {
    let l = p.lang;
    let engine_ref = use_select_value(p.engine.map(|e| e.as_str().to_owned()).unwrap_or_default());
    let storage_ref =
        use_select_value(p.storage.map(|s| s.as_str().to_owned()).unwrap_or_default());
    let on_engine = p
        .dispatch
        .reform(|e: Event| Action::Engine(Engine::parse(&selected(e))));
    let on_storage = p
        .dispatch
        .reform(|e: Event| Action::Storage(StorageType::parse(&selected(e))));
    let kind = |s: &StorageType| {
        t(
            l,
            if s.kind() == StorageKind::Local {
                Text::LocalDisk
            } else {
                Text::CloudDisk
            },
        )
    };
    html! {
        <div class="pair">
            <div class="field">
                <label for="f-Engine">{ t(l, Text::Engine) }</label>
                <select ref={engine_ref} id="f-Engine" name="Engine" disabled={p.locked} onchange={on_engine}>
                    <option value="" selected={p.engine.is_none()}>{ t(l, Text::ChooseEngine) }</option>
                    { for p.engines.iter().map(|e| html! { <option value={e.as_str()} selected={p.engine == Some(*e)}>{ e.display_name() }</option> }) }
                </select>
            </div>
            <div class="field">
                <label for="f-StorageType">{ t(l, Text::Storage) }</label>
                <select ref={storage_ref} id="f-StorageType" name="StorageType" disabled={p.locked} onchange={on_storage}>
                    <option value="" selected={p.storage.is_none()}>{ t(l, Text::ChooseStorage) }</option>
                    { for StorageType::ALL.iter().map(|s| html! { <option value={s.as_str()} selected={p.storage == Some(*s)}>{ format!("{} ({})", s.as_str(), kind(s)) }</option> }) }
                </select>
            </div>
        </div>
    }
}

/// What the instance itself fails of core's preconditions (type, lock, state), as codes.
fn instance_warnings(i: &Instance) -> Vec<&'static str> {
    let facts = InstanceState {
        instance_type: i.kind.clone(),
        lock_mode: i.lock_mode.clone(),
        status: i.status.clone(),
        ..Default::default()
    };
    warnings(&facts).into_iter().map(|u| u.code).collect()
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
