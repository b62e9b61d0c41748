//! The browser console: compose a CreateBackup request with core's rules, preview it,
//! send it through the signing proxy and follow the job. Built by Trunk from the root
//! `index.html`.
#![forbid(unsafe_code)]

pub mod api;
pub mod app;
pub mod assets;
pub mod browser;
pub mod components;
pub mod console;
pub mod embed;
pub mod fields;
pub mod fleet;
pub mod hooks;
pub mod i18n;
pub mod json;
pub mod panels;
pub mod reasons;
pub mod recent;
pub mod state;

/// Renders the console into `<body>`, once the catalogue of its language is here.
pub fn start() {
    let options = embed::Options {
        assets: assets::Assets::from_page(),
        ..embed::Options::default()
    };
    let lang = app::initial_lang();
    wasm_bindgen_futures::spawn_local(async move {
        i18n::ensure(lang, i18n::Part::Form, &options.assets).await;
        let props = app::AppProps {
            options: std::rc::Rc::new(options),
        };
        yew::Renderer::<app::App>::with_props(props).render();
    });
}
