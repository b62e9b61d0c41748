//! Component tests, run headless in Chromium by wasm-bindgen-test: the controls show what
//! core offers, withheld values stay visible and disabled with their reason, and the
//! console composes a request with no proxy at all.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rds_backup_core::{Context, Draft, Engine, Field, StorageType, choices};
use rds_backup_web::fields::{ChoiceSelect, ChoiceSelectProps, Marks, TextField, TextFieldProps};
use rds_backup_web::i18n::Lang;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlOptionElement, HtmlSelectElement};
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> Element {
    let doc = gloo::utils::document();
    let div = doc.create_element("div").unwrap();
    gloo::utils::body().append_child(&div).unwrap();
    div
}

async fn tick() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

fn options(root: &Element, name: &str) -> Vec<(String, bool)> {
    let list = root
        .query_selector_all(&format!("select[name={name}] option"))
        .unwrap();
    (0..list.length())
        .map(|i| {
            let o: HtmlOptionElement = list.get(i).unwrap().dyn_into().unwrap();
            (o.value(), o.disabled())
        })
        .collect()
}

#[wasm_bindgen_test]
async fn a_select_shows_offered_values_and_withheld_ones_with_their_reason() {
    let ctx = Context::new(Engine::PostgreSql, StorageType::CloudEssd);
    let method = choices(&ctx, &Draft::default())
        .into_iter()
        .find(|c| c.field == Field::BackupMethod)
        .unwrap();
    let root = mount();
    let props = ChoiceSelectProps {
        field: Field::BackupMethod,
        label: "Backup method".into(),
        choices: method,
        value: Some("Logical".into()),
        marks: Marks {
            problems: vec![(
                "InvalidBackupMethod.ValueNotSupport".into(),
                "Logical: MySQL on local disk only".into(),
            )],
        },
        lang: Lang::En,
        auto: None,
        onchange: Callback::noop(),
    };
    yew::Renderer::<ChoiceSelect>::with_root_and_props(root.clone(), props).render();
    tick().await;
    let opts = options(&root, "BackupMethod");
    assert!(
        opts.contains(&("Physical".into(), false)) && opts.contains(&("Snapshot".into(), false)),
        "{opts:?}"
    );
    assert!(
        opts.contains(&("Logical".into(), true)),
        "Logical is withheld and disabled: {opts:?}"
    );
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Logical: MySQL on local disk only"), "{text}");
    let select = root.query_selector("select").unwrap().unwrap();
    assert_eq!(
        select.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert!(
        root.query_selector("label[for=f-BackupMethod]")
            .unwrap()
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn a_text_field_has_a_label_a_name_and_its_problems() {
    let root = mount();
    let props = TextFieldProps {
        field: Field::DBName,
        label: "Databases".into(),
        value: "Orders".into(),
        hint: None,
        marks: Marks {
            problems: vec![(
                "InvalidDBName.Format".into(),
                "'Orders' contains 'O'".into(),
            )],
        },
        list: None,
        numeric: false,
        oninput: Callback::noop(),
    };
    yew::Renderer::<TextField>::with_root_and_props(root.clone(), props).render();
    tick().await;
    let input = root.query_selector("input[name=DBName]").unwrap().unwrap();
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(
        root.text_content()
            .unwrap_or_default()
            .contains("InvalidDBName.Format")
    );
}

#[wasm_bindgen_test]
async fn the_console_composes_without_a_proxy() {
    let root = mount();
    yew::Renderer::<rds_backup_web::app::App>::with_root(root.clone()).render();
    tick().await;
    for (name, value) in [("Engine", "MySQL"), ("StorageType", "cloud_essd")] {
        let select: HtmlSelectElement = root
            .query_selector(&format!("select[name={name}]"))
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        select.set_value(value);
        select
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
        tick().await;
    }
    let enabled: Vec<String> = options(&root, "BackupMethod")
        .into_iter()
        .filter(|(_, d)| !d)
        .map(|(v, _)| v)
        .collect();
    assert_eq!(enabled, ["Snapshot"], "MySQL on cloud disk: only Snapshot");
    let send = root.query_selector("button[name=send]").unwrap().unwrap();
    assert!(
        send.has_attribute("disabled"),
        "no proxy, no instance: sending is off"
    );
}

/// The proxy's answers, read through the browser's JSON parser (the form's module has no
/// JSON library): the configuration, an instance, a recorded submission.
#[wasm_bindgen_test]
fn the_proxys_json_is_read_without_a_json_library() {
    use rds_backup_web::api::{Config, Instance, Submission};
    use rds_backup_web::json::Json;
    let config = Json::parse(
        r#"{"mode":"demo","message":"m","regions":["cn-hangzhou","ap-southeast-1"],"auth":"tokens","signInError":"expired"}"#,
    )
    .unwrap();
    let c = Config::read(&config);
    assert_eq!(c.regions, ["cn-hangzhou", "ap-southeast-1"]);
    assert_eq!(
        (c.user.as_deref(), c.sign_in_error.as_deref()),
        (None, Some("expired"))
    );
    assert!(c.needs_sign_in());
    let i = Json::parse(r#"{"DBInstanceId":"rm-1","Engine":"MySQL","DBInstanceStorageType":"cloud_essd","LockMode":"Unlock"}"#).unwrap();
    let i = Instance::read(&i).unwrap();
    assert_eq!(
        (i.id.as_str(), i.storage.as_str(), i.status.as_str()),
        ("rm-1", "cloud_essd", "")
    );
    assert_eq!(
        Instance::read(&Json::parse(r#"{"Engine":"MySQL"}"#).unwrap()),
        None
    );
    let row = Json::parse(
        r#"{"SubmissionId":"s-1","State":"sent","Final":true,"Process":100,"DurationMs":1500,"Params":{"DBInstanceId":"rm-1","BackupRetentionPeriod":"7"},"BackupJobId":"j-1","Code":null}"#,
    )
    .unwrap();
    let s = Submission::read(&row);
    assert_eq!(
        (s.state.as_str(), s.r#final, s.percent(), s.duration_ms),
        ("sent", true, 100, 1500)
    );
    assert_eq!((s.backup_job_id.as_deref(), s.code), (Some("j-1"), None));
    assert_eq!(
        s.params,
        r#"{"DBInstanceId":"rm-1","BackupRetentionPeriod":"7"}"#
    );
    assert_eq!(Json::parse("not json"), None);
    assert_eq!(Json::parse("[1,2]").unwrap().get("x").str("y"), None);
}

/// A catalogue fetched for another language is parsed by the browser and said.
#[wasm_bindgen_test]
fn a_catalogue_is_parsed_by_the_browser() {
    use rds_backup_web::i18n::{Part, Text, install, is_loaded, t};
    assert!(!is_loaded(Lang::ZhCn, Part::Form));
    assert_eq!(
        t(Lang::ZhCn, Text::Title),
        "RDS backup console",
        "English until it is here"
    );
    install(
        Lang::ZhCn,
        Part::Form,
        include_str!("../locales/zh-CN.json"),
    )
    .unwrap();
    assert_eq!(t(Lang::ZhCn, Text::Title), "RDS 备份控制台");
    assert!(install(Lang::Id, Part::Form, r#"{"b":"1","a":"2"}"#).is_err());
}

/// What the form's module tells the panels' module reads back as it was said.
#[wasm_bindgen_test]
fn the_forms_state_reaches_the_panels_as_it_was() {
    use rds_backup_web::api::Instance;
    use rds_backup_web::panels::Shared;
    use rds_backup_web::state::{Fields, Form};
    let root = mount();
    assert_eq!(Shared::read(&root), None, "nothing published yet");
    let form = Form {
        region: "cn-hangzhou".into(),
        instance: "rm-1".into(),
        engine: Some(Engine::MySql),
        storage: Some(StorageType::LocalSsd),
        method: Some("Logical".into()),
        db_name: "orders,users".into(),
        retention: "-1".into(),
        ..Form::default()
    };
    let shared = Shared {
        lang: Lang::ZhCn,
        form,
        touched: [Field::BackupMethod, Field::DBName]
            .into_iter()
            .collect::<Fields>(),
        ready: true,
        sent: 3,
        picked: Some(Instance {
            id: "rm-1".into(),
            engine: "MySQL".into(),
            storage: "local_ssd".into(),
            ..Instance::default()
        }),
    };
    shared.publish(&root);
    assert_eq!(Shared::read(&root), Some(shared.clone()));
    let none = Shared {
        picked: None,
        ..shared
    };
    none.publish(&root);
    assert_eq!(Shared::read(&root), Some(none));
}
