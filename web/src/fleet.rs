//! "Fleet backups": a plan over many instances (a filter and an intent), previewed with
//! each instance's request or reason, run in the proxy, followed live, exported as CSV.
//! A plan made elsewhere (`rds-backup run`) opens by its id.

use crate::api::Client;
use crate::i18n::{Lang, PanelText, Text, item_label, t, tp};
use crate::json::Json;
use rds_backup_core::intent::Intent;
use rds_backup_core::reason::Reason;
use rds_backup_core::{Context, Engine, StorageType};
use serde_json::{Value, json};
use yew::prelude::*;

/// A plan as a document this view works on.
fn document(v: &Json) -> Value {
    serde_json::from_str(&v.stringify()).unwrap_or(Value::Null)
}

/// Props of [`Fleet`].
#[derive(Properties, PartialEq)]
pub struct FleetProps {
    /// The language.
    pub lang: Lang,
    /// The proxy.
    pub client: Client,
}

fn value_of(r: &NodeRef) -> String {
    r.cast::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| r.cast::<web_sys::HtmlSelectElement>().map(|s| s.value()))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The body of `POST /api/plans` from the filter's fields.
fn plan_body(
    regions: &str,
    engine: &str,
    storage: &str,
    tag: &str,
    pattern: &str,
    intent: &str,
    dbs: &str,
) -> Value {
    let mut selection = json!({});
    let regions: Vec<&str> = regions
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    if !regions.is_empty() {
        selection["RegionIds"] = json!(regions);
    }
    if !engine.is_empty() {
        selection["Engines"] = json!([engine]);
    }
    if !storage.is_empty() {
        selection["StorageTypes"] = json!([storage]);
    }
    if let Some((k, v)) = tag.split_once('=') {
        selection["Tags"] = json!({ k.trim(): v.trim() });
    }
    if !pattern.is_empty() {
        selection["Match"] = pattern.into();
    }
    let mut body = json!({"Selection": selection, "Intent": intent});
    if intent == "logical-databases" {
        body["DBNames"] = dbs.into();
    }
    body
}

/// An item's state: after a run, the proxy's; before, whether it can run.
fn state_of(item: &Value) -> String {
    match item["State"].as_str() {
        Some(s) => s.to_owned(),
        None if item["ok"] == true => "planned".into(),
        None => "skipped".into(),
    }
}

/// One of an item's refusals: the code, the service's (or proxy's) words, and the
/// submission of this proxy's that sent the job already running there, if any.
struct Refusal<'a> {
    code: &'a str,
    message: &'a str,
    submission: Option<&'a str>,
}

/// An item's refusals: the service's answer to its call, or the reasons it cannot run;
/// `None` when it has none (its request or its job is shown instead).
fn refusals_of(item: &Value) -> Option<Vec<Refusal<'_>>> {
    fn text(v: &Value) -> &str {
        v.as_str().unwrap_or_default()
    }
    match (item["Code"].as_str(), item["errors"].as_array()) {
        (Some(code), _) => Some(vec![Refusal {
            code,
            message: text(&item["Message"]),
            submission: None,
        }]),
        (None, Some(errors)) if item["FailedReason"].is_null() => Some(
            errors
                .iter()
                .map(|e| Refusal {
                    code: text(&e["code"]),
                    message: text(&e["message"]),
                    submission: e["submission"].as_str(),
                })
                .collect(),
        ),
        _ => None,
    }
}

/// What to show beside an item, in English (the CSV): its request, its reasons, or its job.
fn detail_of(item: &Value) -> String {
    if let Some(refusals) = refusals_of(item) {
        return refusals
            .iter()
            .map(|r| {
                let mut said = format!("{}: {}", r.code, r.message);
                if let Some(s) = r.submission {
                    said.push_str(&format!(
                        " ({} {s})",
                        tp(Lang::En, PanelText::FleetSentHere)
                    ));
                }
                said
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    if let Some(reason) = item["FailedReason"].as_str() {
        return reason.to_owned();
    }
    let mut parts: Vec<String> = item["params"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| *k != "DBInstanceId")
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    if let Some(job) = item["BackupJobId"].as_str() {
        parts.push(format!("BackupJobId={job}"));
    }
    parts.join(" ")
}

/// Why core refuses the plan's intent on this item's engine and storage, when that is
/// the item's one refusal (the same rule the proxy applied, said again here so that it
/// can be said in the user's language).
pub fn intent_refusal(intent: &str, item: &Value) -> Option<Reason> {
    let (name, dbs) = match intent.split_once(' ') {
        Some((name, dbs)) => (name, Some(dbs)),
        None => (intent, None),
    };
    let intent = Intent::parse(name, dbs).ok()?;
    let engine = Engine::parse(item["Engine"].as_str()?)?;
    let storage = StorageType::parse(item["StorageType"].as_str()?)?;
    let problem = intent.rule(&Context::new(engine, storage)).err()?;
    let errors = item["errors"].as_array()?;
    let same = errors.len() == 1 && errors[0]["code"].as_str() == Some(problem.code.as_str());
    same.then_some(problem.reason)
}

/// What the table shows beside an item: as [`detail_of`], a refusal's meaning in the
/// user's language where the console knows it (core's reason for an intent the instance
/// cannot take, else the meaning of the code), the service's words otherwise.
fn detail_shown(l: Lang, intent: &str, item: &Value) -> Html {
    if l != Lang::En
        && let Some(reason) = intent_refusal(intent, item)
    {
        let code = item["errors"][0]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        return html! {
            <span class="refusal"><code>{ code }</code>{ " " }{ crate::reasons::say(l, &reason) }</span>
        };
    }
    let Some(refusals) = refusals_of(item) else {
        return html! { { detail_of(item) } };
    };
    // Chinese text takes full-width brackets.
    let (open, close) = if l == Lang::ZhCn {
        ("（", "）")
    } else {
        (" (", ")")
    };
    html! {
        { for refusals.into_iter().map(|r| html! {
            <span class="refusal"><code>{ r.code }</code>{ " " }{
                match crate::i18n::advice(l, r.code) {
                    Some((meaning, _)) if l != Lang::En => html! { { meaning } },
                    _ => html! { <samp lang="en">{ r.message }</samp> },
                }
            }{
                match r.submission {
                    Some(s) => html! {
                        <>{ open }{ tp(l, PanelText::FleetSentHere) }{ " " }<code>{ s }</code>{ close }</>
                    },
                    None => html! {},
                }
            }{ " " }</span>
        }) }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The plan as CSV: one row per instance.
pub fn csv(plan: &Value) -> String {
    let mut out = String::from(
        "DBInstanceId,RegionId,Engine,StorageType,State,BackupJobId,BackupId,Detail\n",
    );
    for item in plan["Items"].as_array().into_iter().flatten() {
        let f = |k: &str| csv_field(item[k].as_str().unwrap_or_default());
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            f("DBInstanceId"),
            f("RegionId"),
            f("Engine"),
            f("StorageType"),
            csv_field(&state_of(item)),
            f("BackupJobId"),
            f("BackupId"),
            csv_field(&detail_of(item)),
        ));
    }
    out
}

fn open_items(plan: &Value) -> bool {
    let s = &plan["Summary"];
    plan["State"] == "running"
        || s["planned"].as_u64().unwrap_or(0) + s["running"].as_u64().unwrap_or(0) > 0
            && plan["State"] != "planned"
}

/// The panel.
#[function_component(Fleet)]
pub fn fleet(p: &FleetProps) -> Html {
    let l = p.lang;
    let plan = use_state(|| None::<Value>);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let tick = use_state(|| 0u32);
    let refs: [NodeRef; 8] = Default::default();
    let [regions, engine, storage, tag, pattern, intent, dbs, plan_id] = refs.clone();
    let load = {
        let (plan, error, busy) = (plan.clone(), error.clone(), busy.clone());
        move |f: std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<Json, crate::api::ApiError>>>,
        >| {
            let (plan, error, busy) = (plan.clone(), error.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match f.await {
                    Ok(v) => {
                        error.set(None);
                        plan.set(Some(document(&v)));
                    }
                    Err(e) => error.set(Some(format!("{}: {}", e.code, e.message))),
                }
                busy.set(false);
            });
        }
    };
    let make = {
        let (client, load) = (p.client.clone(), load.clone());
        let [regions, engine, storage, tag, pattern, intent, dbs, _] = refs.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = plan_body(
                &value_of(&regions),
                &value_of(&engine),
                &value_of(&storage),
                &value_of(&tag),
                &value_of(&pattern),
                &value_of(&intent),
                &value_of(&dbs),
            );
            let client = client.clone();
            load(Box::pin(
                async move { client.make_plan(body.to_string()).await },
            ));
        })
    };
    let current = (*plan)
        .as_ref()
        .and_then(|v| v["PlanId"].as_str().map(str::to_owned));
    let run = {
        let (client, load, current) = (p.client.clone(), load.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(id) = current.clone() {
                let client = client.clone();
                load(Box::pin(async move { client.run_plan(&id).await }));
            }
        })
    };
    let open = {
        let (client, load, plan_id) = (p.client.clone(), load.clone(), plan_id.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let id = value_of(&plan_id);
            if !id.is_empty() {
                let client = client.clone();
                load(Box::pin(async move { client.plan(&id).await }));
            }
        })
    };
    // Followed every second while the run goes on.
    let following = (*plan).as_ref().is_some_and(open_items);
    {
        let tick = tick.clone();
        use_effect_with(following, move |on| {
            let timer = on
                .then(|| gloo::timers::callback::Interval::new(1000, move || tick.set(*tick + 1)));
            move || drop(timer)
        });
    }
    {
        let (client, plan) = (p.client.clone(), plan.clone());
        let id = current.clone();
        use_effect_with(*tick, move |_| {
            if let Some(id) = id.filter(|_| following) {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(v) = client.plan(&id).await {
                        plan.set(Some(document(&v)));
                    }
                });
            }
        });
    }
    let export = {
        let plan = plan.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(v) = &*plan {
                let name = format!("plan-{}.csv", v["PlanId"].as_str().unwrap_or("fleet"));
                crate::browser::download_as(&name, &csv(v), "text/csv");
            }
        })
    };
    let intents = [
        "whole-instance",
        "full-physical",
        "logical-all-databases",
        "logical-databases",
    ];
    html! {
        <section class="fleet" aria-labelledby="h-fleet">
            <h2 id="h-fleet">{ tp(l, PanelText::Fleet) }</h2>
            <p class="hint">{ tp(l, PanelText::FleetHint) }</p>
            <form class="fleet-filter" onsubmit={make}>
                <div class="fleet-field"><label for="fleet-regions">{ tp(l, PanelText::FleetRegions) }</label><input ref={regions} id="fleet-regions" name="fleet-regions" /></div>
                <div class="fleet-field"><label for="fleet-engine">{ t(l, Text::Engine) }</label>
                    <select ref={engine} id="fleet-engine" name="fleet-engine">
                        <option value="" selected=true>{ tp(l, PanelText::FleetAny) }</option>
                        { for ["MySQL", "PostgreSQL", "SQLServer", "MariaDB"].iter().map(|e| html! { <option value={*e}>{ *e }</option> }) }
                    </select>
                </div>
                <div class="fleet-field"><label for="fleet-storage">{ t(l, Text::Storage) }</label>
                    <select ref={storage} id="fleet-storage" name="fleet-storage">
                        <option value="" selected=true>{ tp(l, PanelText::FleetAny) }</option>
                        <option value="local">{ "local" }</option>
                        <option value="cloud">{ "cloud" }</option>
                    </select>
                </div>
                <div class="fleet-field"><label for="fleet-tag">{ tp(l, PanelText::FleetTag) }</label><input ref={tag} id="fleet-tag" name="fleet-tag" /></div>
                <div class="fleet-field"><label for="fleet-match">{ tp(l, PanelText::FleetMatch) }</label><input ref={pattern} id="fleet-match" name="fleet-match" /></div>
                <div class="fleet-field"><label for="fleet-intent">{ tp(l, PanelText::Intent) }</label>
                    <select ref={intent} id="fleet-intent" name="fleet-intent">
                        { for intents.iter().map(|i| html! { <option value={*i} selected={*i == "whole-instance"}>{ *i }</option> }) }
                    </select>
                </div>
                <div class="fleet-field"><label for="fleet-databases">{ t(l, Text::Databases) }</label><input ref={dbs} id="fleet-databases" name="fleet-databases" /></div>
                <button type="submit" name="make-plan" disabled={*busy}>{ tp(l, PanelText::MakePlan) }</button>
            </form>
            <form class="fleet-open" onsubmit={open}>
                <div class="fleet-field"><label for="plan-id">{ tp(l, PanelText::PlanId) }</label><input ref={plan_id} id="plan-id" name="plan-id" /></div>
                <button type="submit" name="open-plan">{ tp(l, PanelText::OpenPlan) }</button>
            </form>
            if let Some(e) = &*error { <p class="problems" role="alert">{ e.clone() }</p> }
            if let Some(v) = &*plan {
                <div class="plan" data-plan={v["PlanId"].as_str().unwrap_or_default().to_owned()} data-state={v["State"].as_str().unwrap_or_default().to_owned()}>
                    <p class="plan-summary" role="status">
                        <code>{ v["PlanId"].as_str().unwrap_or_default().to_owned() }</code>{ " · " }
                        { v["Summary"].as_object().map(|m| m.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(" · ")).unwrap_or_default() }
                    </p>
                    <p>
                        if v["State"] == "planned" {
                            <button type="button" name="run-plan" onclick={run} disabled={*busy}>{ tp(l, PanelText::RunPlan) }</button>{ " " }
                        }
                        <button type="button" name="export-csv" onclick={export}>{ tp(l, PanelText::ExportCsv) }</button>
                    </p>
                    if v["Items"].as_array().is_none_or(Vec::is_empty) {
                        <p class="hint">{ tp(l, PanelText::PlanNothing) }</p>
                    } else {
                        <div class="plan-items">
                            <table>
                                <thead><tr><th>{ "DBInstanceId" }</th><th>{ "RegionId" }</th><th>{ t(l, Text::Engine) }</th><th>{ t(l, Text::Storage) }</th><th>{ t(l, Text::Progress) }</th><th></th></tr></thead>
                                <tbody>
                                    { for v["Items"].as_array().into_iter().flatten().map(|item| {
                                        let state = state_of(item);
                                        html! {
                                            <tr class="plan-item" data-instance={item["DBInstanceId"].as_str().unwrap_or_default().to_owned()} data-state={state.clone()}>
                                                <td><code>{ item["DBInstanceId"].as_str().unwrap_or_default().to_owned() }</code></td>
                                                <td>{ item["RegionId"].as_str().unwrap_or_default().to_owned() }</td>
                                                <td>{ item["Engine"].as_str().unwrap_or_default().to_owned() }</td>
                                                <td>{ item["StorageType"].as_str().unwrap_or_default().to_owned() }</td>
                                                <td class="item-state">{ item_label(l, &state) }</td>
                                                <td class="item-detail">{ detail_shown(l, v["Intent"].as_str().unwrap_or_default(), item) }</td>
                                            </tr>
                                        }
                                    }) }
                                </tbody>
                            </table>
                        </div>
                    }
                </div>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reasons::say;

    /// A job already running that this proxy sent names its submission (in the CSV too).
    #[test]
    fn a_running_job_of_ours_names_its_submission() {
        crate::i18n::install_all();
        let item = json!({
            "DBInstanceId": "rm-1", "ok": false,
            "errors": [{"code": "BackupJobExists", "message": "A backup job already exists in the specified DB instance.", "submission": "pl-1.4.0"}],
        });
        assert_eq!(
            detail_of(&item),
            "BackupJobExists: A backup job already exists in the specified DB instance. (sent by this proxy as pl-1.4.0)"
        );
        let mut theirs = item.clone();
        theirs["errors"][0]
            .as_object_mut()
            .map(|e| e.remove("submission"));
        assert!(!detail_of(&theirs).contains("this proxy"));
    }

    /// A plan item refused because the intent has no rule on its engine and storage is said
    /// in the user's language from core's reason; any other refusal keeps the proxy's words.
    #[test]
    fn an_impossible_intent_is_said_from_cores_reason() {
        crate::i18n::install_all();
        let item = json!({
            "DBInstanceId": "rm-1", "Engine": "MySQL", "StorageType": "cloud_essd", "ok": false,
            "errors": [{"code": "InvalidBackupMethod.ValueNotSupport", "message": "BackupMethod: ..."}],
        });
        let reason = intent_refusal("logical-all-databases", &item).unwrap_or_default();
        assert!(
            matches!(reason, Reason::IntentUnsupported { .. }),
            "{reason:?}"
        );
        let zh = say(Lang::ZhCn, &reason);
        assert!(
            zh.contains("logical-all-databases") && zh.contains("云盘"),
            "{zh}"
        );
        // Another code (a precondition), or an intent the instance can take: nothing.
        let mut other = item.clone();
        other["errors"][0]["code"] = "IncorrectDBInstanceState".into();
        assert_eq!(intent_refusal("logical-all-databases", &other), None);
        assert_eq!(intent_refusal("whole-instance", &item), None);
        assert_eq!(intent_refusal("not-an-intent", &item), None);
    }
}
