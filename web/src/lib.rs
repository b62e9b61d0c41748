//! The browser console: compose a CreateBackup request with core's rules, preview it,
//! send it through the signing proxy and follow the job. Built by Trunk from the root
//! `index.html`.
#![forbid(unsafe_code)]

pub mod api;
pub mod app;
pub mod browser;
pub mod components;
pub mod console;
pub mod embed;
pub mod fields;
pub mod fleet;
pub mod hooks;
pub mod i18n;
pub mod reasons;
pub mod recent;
pub mod state;

/// Renders the console into `<body>`.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
