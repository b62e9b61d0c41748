//! The panels that load after the form's first paint, as a second wasm module
//! (`rds-backup-web-panels`, `src/bin/rds-backup-web-panels.rs`): the preview, the RAM
//! policy, the snippets, the recent backups, the export and import buttons and the fleet
//! view. The form's module (`app.rs`) renders empty slots for them, loads this module once
//! it has painted, and keeps the form's state ([`Shared`]) on the console's root element,
//! announcing each change with [`STATE_EVENT`]; the panels answer with [`LOAD_EVENT`] when
//! a form is to be loaded (an import, a recent backup opened).

use crate::api::{Client, Credential, Instance};
use crate::assets::Assets;
use crate::browser::{query_pairs, query_string};
use crate::components::io::ExportImport;
use crate::components::policy::PolicyPanel;
use crate::components::preview::PreviewPanel;
use crate::components::snippets::SnippetsPanel;
use crate::i18n::{Lang, Part};
use crate::json::{Json, object, opt};
use crate::state::{Fields, Form};
use rds_backup_core::snippet::SnippetLang;
use rds_backup_core::{Field, validate};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// The event the form sends from the console's root when its state changed.
pub const STATE_EVENT: &str = "rds-backup-console:state";
/// The event the panels send from the console's root to load a form (`detail`: its query).
pub const LOAD_EVENT: &str = "rds-backup-console:load";
/// The root's property that holds the form's latest state.
const STATE_PROPERTY: &str = "rdsBackupConsoleState";
/// The root's attribute the panels set once they are shown (`ready`).
pub const READY_ATTRIBUTE: &str = "data-panels";
/// The root's attribute that names the language the panels are drawn in.
pub const LANG_ATTRIBUTE: &str = "data-panels-lang";

/// The slots the form renders for the panels, inside the console's root (their classes,
/// written as literals in the form's views).
pub const SIDE_SLOT: &str = "panels-side";
/// The slot beside the form's buttons (export, import).
pub const IO_SLOT: &str = "panels-io";
/// The slot under the form (the fleet view).
pub const FLEET_SLOT: &str = "panels-fleet";

/// What the form tells the panels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shared {
    /// The language.
    pub lang: Lang,
    /// The form.
    pub form: Form,
    /// The fields the user changed.
    pub touched: Fields,
    /// The proxy answered and knows the caller: the recent backups and the fleet show.
    pub ready: bool,
    /// Bumped at each send.
    pub sent: u32,
    /// The instance the picker gave last (its id, engine and storage), for a recent
    /// backup opened in the form.
    pub picked: Option<Instance>,
}

impl Shared {
    /// Keeps the state on the console's root and announces it.
    pub fn publish(&self, root: &web_sys::Element) {
        let touched: Vec<&str> = self.touched.iter().map(|f| f.as_str()).collect();
        let picked = self
            .picked
            .as_ref()
            .map(|i| format!("{} {} {}", i.id, i.engine, i.storage));
        let o = object(&[
            ("lang", self.lang.tag().into()),
            ("form", query_string(&self.form).into()),
            ("touched", touched.join(",").into()),
            ("ready", self.ready.into()),
            ("sent", self.sent.into()),
            ("picked", opt(picked.as_deref())),
        ]);
        let _ = js_sys::Reflect::set(root, &JsValue::from_str(STATE_PROPERTY), &o);
        emit(root, STATE_EVENT, &o);
    }

    /// The state the form keeps on `root`, if it has published one.
    pub fn read(root: &web_sys::Element) -> Option<Shared> {
        let o = Json::of(js_sys::Reflect::get(root, &JsValue::from_str(STATE_PROPERTY)).ok()?);
        if !o.value().is_object() {
            return None;
        }
        let picked = o.text("picked");
        let mut parts = picked.split(' ');
        let picked = match (parts.next(), parts.next(), parts.next()) {
            (Some(id), Some(engine), Some(storage)) if !id.is_empty() => Some(Instance {
                id: id.to_owned(),
                engine: engine.to_owned(),
                storage: storage.to_owned(),
                ..Instance::default()
            }),
            _ => None,
        };
        Some(Shared {
            lang: Lang::from_tag(&o.text("lang")),
            form: Form::from_query(&query_pairs(&o.text("form"))),
            touched: o
                .text("touched")
                .split(',')
                .filter_map(Field::parse)
                .collect(),
            ready: o.flag("ready"),
            sent: o
                .int("sent")
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            picked,
        })
    }
}

/// Sends `name` from `target` with `detail`.
pub fn emit(target: &web_sys::Element, name: &str, detail: &JsValue) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}

/// Props of [`Panels`].
#[derive(Properties, PartialEq)]
pub struct PanelsProps {
    /// The console's root (the slots are inside; the form's state is on it).
    pub root: web_sys::Element,
    /// The proxy.
    pub client: Client,
    /// Where the other languages' catalogues are.
    pub assets: Assets,
}

fn slot(root: &web_sys::Element, class: &str) -> Option<web_sys::Element> {
    root.query_selector(&format!(".{class}")).ok().flatten()
}

/// The panels, rendered into the side slot; the buttons and the fleet view through portals.
#[function_component(Panels)]
pub fn panels(p: &PanelsProps) -> Html {
    let shared = use_state(|| Shared::read(&p.root).unwrap_or_default());
    let snippet = use_state(|| SnippetLang::Aliyun);
    {
        let (root, shared, assets) = (p.root.clone(), shared.clone(), p.assets.clone());
        use_effect_with((), move |_| {
            let target = root.clone();
            let listener = gloo::events::EventListener::new(&target, STATE_EVENT, move |_| {
                let Some(next) = Shared::read(&root) else {
                    return;
                };
                let lang = next.lang;
                if Part::ALL.iter().all(|p| crate::i18n::is_loaded(lang, *p)) {
                    shared.set(next);
                    return;
                }
                // Another language: its catalogues first, then the form's latest state.
                let (root, shared, assets) = (root.clone(), shared.clone(), assets.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    catalogues(lang, &assets).await;
                    if let Some(latest) = Shared::read(&root) {
                        shared.set(latest);
                    }
                });
            });
            move || drop(listener)
        });
    }
    let l = shared.lang;
    // The language the panels speak, on the console's root (the form's is `<html lang>` or
    // the host's `lang`; the panels follow it once their catalogues are here).
    {
        let root = p.root.clone();
        use_effect_with(l, move |l| {
            let _ = root.set_attribute(LANG_ATTRIBUTE, l.tag());
        });
    }
    let form = &shared.form;
    let verdict = form.context().map(|c| validate(&c, &form.draft()));
    let request = verdict.as_ref().and_then(|v| v.as_ref().ok()).cloned();
    let problems = verdict.as_ref().and_then(|v| v.as_ref().err()).cloned();
    let region = AttrValue::from(form.region.clone());
    let load = {
        let root = p.root.clone();
        Callback::from(move |f: Form| {
            emit(&root, LOAD_EVENT, &JsValue::from_str(&query_string(&f)));
        })
    };
    let on_open = {
        let (load, picked) = (load.clone(), shared.picked.clone());
        Callback::from(move |row: crate::api::Submission| {
            let known: Vec<Instance> = picked.iter().cloned().collect();
            if let Some(form) = crate::recent::form_of(&row, &known) {
                load.emit(form);
            }
        })
    };
    let base = &p.client.base;
    let proxy_url = if base.is_empty() {
        crate::browser::origin()
    } else {
        base.clone()
    };
    let io = slot(&p.root, IO_SLOT).map(|host| {
        create_portal(
            html! { <ExportImport lang={l} form={form.clone()} onload={load.clone()} /> },
            host,
        )
    });
    let fleet = slot(&p.root, FLEET_SLOT)
        .filter(|_| shared.ready)
        .map(|host| {
            create_portal(
                html! { <crate::fleet::Fleet lang={l} client={p.client.clone()} /> },
                host,
            )
        });
    html! {
        <>
            { for io }
            if shared.ready {
                <crate::recent::Recent lang={l} client={p.client.clone()} refresh={shared.sent} {on_open} />
            }
            <PreviewPanel lang={l} region={region.clone()} request={request.clone()}
                {problems} touched={shared.touched} />
            <PolicyPanel lang={l} region={region.clone()} request={request.clone()} />
            <SnippetsPanel lang={l} {region} {request} proxy_url={proxy_url}
                selected={*snippet} onselect={{ let s = snippet.clone(); Callback::from(move |x| s.set(x)) }} />
            { for fleet }
        </>
    }
}

/// Adds the panels' stylesheet at the end of the console's root (inside the element's
/// shadow root when embedded; not in a slot, which Yew empties when it draws there) and
/// waits until it is loaded, or failed: nothing is drawn unstyled.
async fn stylesheet(root: &web_sys::Element, href: &str) {
    let Some(link) = root
        .owner_document()
        .and_then(|d| d.create_element("link").ok())
    else {
        return;
    };
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", href);
    let loaded = js_sys::Promise::new(&mut |done, _| {
        let _ = link.add_event_listener_with_callback("load", &done);
        let _ = link.add_event_listener_with_callback("error", &done);
    });
    if root.append_child(&link).is_ok() {
        let _ = wasm_bindgen_futures::JsFuture::from(loaded).await;
    }
}

/// Fetches the catalogues of `lang` the panels speak (the form's, the advice, theirs).
async fn catalogues(lang: Lang, assets: &Assets) {
    for part in Part::ALL {
        crate::i18n::ensure(lang, part, assets).await;
    }
}

/// Renders the panels into the side slot of `root` (the form's module calls this through
/// the module's `mount_panels`). `config`: `{apiBase, getAccessToken, assets}`.
pub fn mount(root: web_sys::Element, config: &JsValue) {
    let Some(side) = slot(&root, SIDE_SLOT) else {
        return;
    };
    let config = Json::of(config.clone());
    let token = config.get("getAccessToken").value().clone();
    let credential = token
        .dyn_into::<js_sys::Function>()
        .map_or(Credential::Typed, Credential::Host);
    let props = PanelsProps {
        client: Client::new(config.text("apiBase"), credential),
        assets: Assets::parse(&config.text("assets")),
        root: root.clone(),
    };
    // The English of the advice and of the panels is built into this module.
    for (part, json) in [
        (Part::Advice, include_str!("../locales/advice/en.json")),
        (Part::Panels, include_str!("../locales/panels/en.json")),
    ] {
        // The files are checked by i18n's tests: they install.
        let _ = crate::i18n::install(Lang::En, part, json);
    }
    let lang = Shared::read(&root).map(|s| s.lang).unwrap_or_default();
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(href) = &props.assets.panels_css {
            stylesheet(&root, href).await;
        }
        catalogues(lang, &props.assets).await;
        yew::Renderer::<Panels>::with_root_and_props(side, props).render();
        let _ = root.set_attribute(READY_ATTRIBUTE, "ready");
    });
}
