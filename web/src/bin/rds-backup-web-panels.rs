//! Entry point of the console's panels module: loaded by the form's module once it has
//! painted (see `rds_backup_web::panels`).
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;

/// Renders the panels into the console whose root is `root`. `config`: `{apiBase,
/// getAccessToken, assets}`.
#[wasm_bindgen]
pub fn mount_panels(root: web_sys::Element, config: JsValue) {
    rds_backup_web::panels::mount(root, &config);
}

fn main() {}
