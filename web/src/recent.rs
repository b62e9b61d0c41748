//! "Recent backups": what the proxy has recorded of the latest submissions this caller may
//! see (state, who, when, how long, the backup set, the advice for an error), looked at
//! again while a job runs, each with "open in the form" to load its request again.

use crate::api::{Client, Instance, Submission};
use crate::i18n::{Lang, PanelText, Text, advice, job_status_label, state_label, t, tp};
use crate::state::Form;
use rds_backup_core::{Engine, StorageType};
use yew::prelude::*;

/// How many submissions are shown.
const SHOWN: u32 = 8;

/// Props of [`Recent`].
#[derive(Properties, PartialEq)]
pub struct RecentProps {
    /// The language.
    pub lang: Lang,
    /// The proxy.
    pub client: Client,
    /// Changes when something was sent: look again now.
    pub refresh: u32,
    /// "Open in the form" on a row.
    pub on_open: Callback<Submission>,
}

/// The form a recorded request fills: its parameters, its region, and the engine and
/// storage of the instance when the region's list knows it.
pub fn form_of(row: &Submission, instances: &[Instance]) -> Option<Form> {
    let mut input: serde_json::Value = serde_json::from_str(&row.params).ok()?;
    let map = input.as_object_mut()?;
    map.insert("RegionId".into(), row.region.clone().into());
    if let Some(r) = map
        .get("BackupRetentionPeriod")
        .and_then(|v| v.as_str())
        .and_then(|v| v.parse::<i64>().ok())
    {
        map.insert("BackupRetentionPeriod".into(), r.into());
    }
    let known = instances
        .iter()
        .find(|i| i.id == row.instance)
        .and_then(|i| Some((Engine::parse(&i.engine)?, StorageType::parse(&i.storage)?)));
    if let Some((e, s)) = known {
        map.insert("Engine".into(), e.as_str().into());
        map.insert("StorageType".into(), s.as_str().into());
    }
    Form::from_json(&input.to_string()).ok()
}

fn took(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// The panel.
#[function_component(Recent)]
pub fn recent(p: &RecentProps) -> Html {
    let l = p.lang;
    let rows = use_state(Vec::<Submission>::new);
    let tick = use_state(|| 0u32);
    {
        let (rows, client) = (rows.clone(), p.client.clone());
        use_effect_with((p.refresh, *tick), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = client.history(SHOWN).await {
                    rows.set(list);
                }
            });
        });
    }
    // Looked at again every two seconds while something may still change.
    {
        let busy = rows.iter().any(|r| !r.r#final);
        let tick = tick.clone();
        use_effect_with(busy, move |busy| {
            let timer = busy
                .then(|| gloo::timers::callback::Interval::new(2000, move || tick.set(*tick + 1)));
            move || drop(timer)
        });
    }
    html! {
        <section class="recent" aria-labelledby="h-recent">
            <h2 id="h-recent">{ tp(l, PanelText::RecentBackups) }</h2>
            if rows.is_empty() {
                <p class="hint">{ tp(l, PanelText::NoRecent) }</p>
            } else {
                <ul class="recent-list">
                    { for rows.iter().map(|r| {
                        let open = {
                            let (cb, row) = (p.on_open.clone(), r.clone());
                            Callback::from(move |_: MouseEvent| cb.emit(row.clone()))
                        };
                        let status = r.backup_status.clone().filter(|_| r.state == "sent");
                        let advice = r.code.as_deref().and_then(|c| advice(l, c));
                        html! {
                            <li class="recent-item" data-state={r.state.clone()} data-submission={r.submission_id.clone()}>
                                <p>
                                    <code>{ r.instance.clone() }</code>{ " · " }
                                    <span class="recent-state" data-status={status.clone()}>{ status.as_deref().map(|s| job_status_label(l, s)).unwrap_or_else(|| state_label(l, &r.state).to_owned()) }</span>
                                    if let Some(b) = &r.backup_id { { " · " }{ t(l, Text::BackupSet) }{ " " }<code class="recent-backup">{ b.clone() }</code> }
                                </p>
                                <p class="hint">{ format!("{} · {} · {}", r.caller, r.created_at, took(r.duration_ms)) }</p>
                                if let Some(reason) = &r.reason { <p class="problems"><samp lang="en">{ reason.clone() }</samp></p> }
                                if let (Some(code), Some((meaning, todo))) = (&r.code, advice) {
                                    <p class="hint"><code>{ code.clone() }</code>{ format!(" {meaning} {todo}") }</p>
                                }
                                <button type="button" name="open-in-form" onclick={open}>{ tp(l, PanelText::OpenInForm) }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
