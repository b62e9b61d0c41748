//! The smallest console the size figures compare against (`bash scripts/size-web.sh`):
//! one Yew function component with a select, and, with `--features floor-core`, what a
//! first paint needs of core (the choices, validation and the HTTP preview of one
//! request). Not shipped: its wasm says what Yew and core cost before any panel.
#![forbid(unsafe_code)]

use yew::prelude::*;

#[function_component]
fn Floor() -> Html {
    let engine = use_state(|| "MySQL".to_owned());
    let onchange = {
        let engine = engine.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::HtmlSelectElement = e.target_unchecked_into();
            engine.set(el.value());
        })
    };
    let shown = shown(&engine);
    html! {
        <main>
            <select {onchange}>
                <option value="MySQL">{ "MySQL" }</option>
                <option value="PostgreSQL">{ "PostgreSQL" }</option>
            </select>
            <pre>{ shown }</pre>
        </main>
    }
}

#[cfg(feature = "floor-core")]
fn shown(engine: &str) -> String {
    use rds_backup_core::{
        Context, Draft, Endpoint, Engine, Method, Region, SignatureVersion, StorageType, UtcTime,
        choices, preview, validate,
    };
    let (Some(engine), Some(storage), Ok(region)) = (
        Engine::parse(engine),
        StorageType::parse("local_ssd"),
        Region::new("cn-hangzhou"),
    ) else {
        return String::new();
    };
    let ctx = Context::new(engine, storage);
    let draft = Draft {
        db_instance_id: Some("rm-floor".into()),
        ..Draft::default()
    };
    let asked = choices(&ctx, &draft).len();
    match validate(&ctx, &draft) {
        Ok(req) => {
            let call = req.call(
                Method::Post,
                Endpoint::for_region(&region),
                UtcTime::from_unix(0),
                "YourSignatureNonce".into(),
            );
            format!(
                "{asked}\n{}",
                preview(&call, SignatureVersion::V3).request.to_http()
            )
        }
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

#[cfg(not(feature = "floor-core"))]
fn shown(engine: &str) -> String {
    engine.to_owned()
}

fn main() {
    yew::Renderer::<Floor>::new().render();
}
