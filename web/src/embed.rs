//! The console inside another page: `mount(element, options)` (the `<rds-backup-console>`
//! custom element of `element.js` calls it inside its shadow root), and the DOM events the
//! host page listens to.

use crate::i18n::Lang;
use rds_backup_core::Engine;
use wasm_bindgen::JsValue;

/// How the console runs: standalone (the page is the console) or embedded in a host page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// The proxy's origin (`https://backup.example.com`), or empty for the page's own.
    pub api_base: String,
    /// The region to start with.
    pub region: Option<String>,
    /// The language to start with.
    pub locale: Option<Lang>,
    /// Only these engines are offered (and only their instances listed).
    pub engines: Option<Vec<Engine>>,
    /// The instance to start with.
    pub instance: Option<String>,
    /// The element that receives the events (the custom element); `None` when standalone.
    pub host: Option<web_sys::Element>,
    /// How the caller's credential travels.
    pub credential: crate::api::Credential,
    /// Where the files loaded after the first paint are.
    pub assets: crate::assets::Assets,
}

impl Options {
    /// Embedded: the host page's URL, history and `<html lang>` are left alone, and the
    /// host hears of the form and the jobs. Never in the page's own build (no `embed`
    /// feature), which then carries none of what only a host needs.
    pub fn embedded(&self) -> bool {
        cfg!(feature = "embed") && self.host.is_some()
    }

    /// Sends a DOM event from the host element (bubbling, crossing the shadow boundary).
    pub fn emit(&self, name: &str, detail: &JsValue) {
        let Some(host) = self.host.as_ref().filter(|_| self.embedded()) else {
            return;
        };
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(detail);
        if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
            let _ = host.dispatch_event(&event);
        }
    }
}

/// `mount()` for the `<rds-backup-console>` package (`--features embed`); the standalone
/// page does not export it (its options reader and bindings cost 12 KB gzip of wasm).
#[cfg(feature = "embed")]
mod mounting {
    use super::Options;
    use crate::app::{App, AppProps};
    use crate::i18n::Lang;
    use rds_backup_core::Engine;
    use serde::Deserialize;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;

    /// The options a host passes to `mount` (all optional).
    #[derive(Deserialize, Default)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct MountOptions {
        proxy_url: Option<String>,
        region: Option<String>,
        locale: Option<String>,
        engines: Option<Vec<String>>,
        instance: Option<String>,
        assets_url: Option<String>,
    }

    /// A mounted console; `unmount()` removes it.
    #[wasm_bindgen]
    pub struct Console {
        /// The rendered app, once its language's catalogue is here; `None` after unmount.
        handle: Rc<RefCell<Option<yew::AppHandle<App>>>>,
        /// Set by unmount: a render still waiting for its catalogue does not happen.
        gone: Rc<Cell<bool>>,
    }

    #[wasm_bindgen]
    impl Console {
        /// Removes the console from its element.
        pub fn unmount(&mut self) {
            self.gone.set(true);
            if let Some(h) = self.handle.borrow_mut().take() {
                h.destroy();
            }
        }
    }

    #[wasm_bindgen(typescript_custom_section)]
    const MOUNT_OPTIONS: &str = r#"
    /** Options of `mount`; all optional. */
    export interface MountOptions {
      /** The proxy's origin, e.g. "https://backup.example.com" (empty: the page's own). */
      proxyUrl?: string;
      /** The region to start with. */
      region?: string;
      /** "en", "zh-CN" or "id". */
      locale?: string;
      /** Only these engines are offered. */
      engines?: ("MySQL" | "PostgreSQL" | "SQLServer" | "MariaDB")[];
      /** The instance to start with. */
      instance?: string;
      /** The package's folder, where the panels module and `locales/` are, e.g.
       *  new URL('./', import.meta.url).href. Without it: English only, and no preview,
       *  policy, snippets, recent backups, export/import or fleet view. */
      assetsUrl?: string;
      /** The caller's bearer token for the proxy (e.g. the portal's OIDC access token), or a
       *  promise of it; asked again after the proxy answers 401. */
      getAccessToken?: () => string | null | undefined | Promise<string | null | undefined>;
    }
    "#;

    /// Renders the console into `element`. `options`: `{proxyUrl, region, locale, engines,
    /// instance, assetsUrl, getAccessToken}`; events (`request-changed`, `backup-submitted`, `backup-finished`) are sent
    /// from `host` (the custom element), or from `element` when no host is given.
    #[wasm_bindgen]
    pub fn mount(
        element: web_sys::Element,
        #[wasm_bindgen(unchecked_param_type = "MountOptions | undefined")] options: JsValue,
        host: Option<web_sys::Element>,
    ) -> Result<Console, JsValue> {
        let given = !(options.is_undefined() || options.is_null());
        // The function is taken out first: the rest is plain data.
        let get_token = given
            .then(|| js_sys::Reflect::get(&options, &JsValue::from_str("getAccessToken")).ok())
            .flatten()
            .filter(|v| !v.is_undefined() && !v.is_null());
        let credential = match get_token {
            None => crate::api::Credential::Typed,
            Some(f) => {
                crate::api::Credential::Host(f.dyn_into::<js_sys::Function>().map_err(|_| {
                    JsValue::from(js_sys::Error::new(
                        "mount options: getAccessToken must be a function",
                    ))
                })?)
            }
        };
        let o: MountOptions = if given {
            let data =
                js_sys::Object::assign(&js_sys::Object::new(), &js_sys::Object::from(options));
            let _ = js_sys::Reflect::delete_property(&data, &JsValue::from_str("getAccessToken"));
            serde_wasm_bindgen::from_value(data.into())
                .map_err(|e| JsValue::from(js_sys::Error::new(&format!("mount options: {e}"))))?
        } else {
            MountOptions::default()
        };
        let mut engines = Vec::new();
        for name in o.engines.iter().flatten() {
            engines.push(Engine::parse(name.trim()).ok_or_else(|| {
                JsValue::from(js_sys::Error::new(&format!(
                    "engines: '{name}' is not MySQL, PostgreSQL, SQLServer or MariaDB"
                )))
            })?);
        }
        let options = Options {
            api_base: o
                .proxy_url
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
            region: o.region.filter(|r| !r.is_empty()),
            locale: o.locale.map(|l| Lang::from_tag(&l)),
            engines: (!engines.is_empty()).then_some(engines),
            instance: o.instance.filter(|i| !i.is_empty()),
            host: Some(host.unwrap_or_else(|| element.clone())),
            credential,
            assets: o
                .assets_url
                .map(|u| crate::assets::Assets::under(&u))
                .unwrap_or_default(),
        };
        let lang = options.locale.unwrap_or_else(crate::app::initial_lang);
        let console = Console {
            handle: Rc::default(),
            gone: Rc::default(),
        };
        let (handle, gone) = (console.handle.clone(), console.gone.clone());
        wasm_bindgen_futures::spawn_local(async move {
            crate::i18n::ensure(lang, crate::i18n::Part::Form, &options.assets).await;
            if gone.get() {
                return;
            }
            let props = AppProps {
                options: Rc::new(options),
            };
            let app = yew::Renderer::<App>::with_root_and_props(element, props).render();
            *handle.borrow_mut() = Some(app);
        });
        Ok(console)
    }
}

#[cfg(feature = "embed")]
pub use mounting::{Console, mount};
