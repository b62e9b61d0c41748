//! The few browser services the console uses: the URL and history, local storage,
//! the clipboard, file download. Failures here are never fatal: the form keeps working.

use crate::state::{Form, History};
use gloo::storage::Storage;
use wasm_bindgen::JsCast;

/// The form as the current URL describes it.
pub fn form_from_location() -> Form {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    Form::from_query(&query_pairs(&search))
}

/// Splits a `?a=b&c=d` query into decoded pairs.
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(search) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for key in [
        "RegionId",
        "DBInstanceId",
        "Engine",
        "StorageType",
        "BackupMethod",
        "BackupStrategy",
        "BackupType",
        "DBName",
        "BackupRetentionPeriod",
    ] {
        if let Some(v) = params.get(key) {
            out.push((key.to_owned(), v));
        }
    }
    out
}

/// The query string for a form (`?...`, or empty).
pub fn query_string(form: &Form) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new() else {
        return String::new();
    };
    for (k, v) in form.to_query() {
        params.append(k, &v);
    }
    let s = String::from(params.to_string());
    if s.is_empty() { s } else { format!("?{s}") }
}

/// Writes the form into the URL: a new history entry, or the current one replaced.
pub fn write_location(form: &Form, history: History) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let query = query_string(form);
    let current = window.location().search().unwrap_or_default();
    if query == current || history == History::Keep {
        return;
    }
    let path = window.location().pathname().unwrap_or_else(|_| "/".into());
    let url = format!("{path}{query}");
    if let Ok(h) = window.history() {
        let _ = match history {
            History::Push => h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)),
            _ => h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)),
        };
    }
}

/// A value from local storage.
pub fn stored(key: &str) -> Option<String> {
    gloo::storage::LocalStorage::raw()
        .get_item(key)
        .ok()
        .flatten()
}

/// Saves a value in local storage (silently skipped where storage is off).
pub fn store(key: &str, value: &str) {
    let _ = gloo::storage::LocalStorage::raw().set_item(key, value);
}

/// The browser's preferred language tag.
pub fn browser_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

/// Sets `<html lang>`.
pub fn set_document_lang(tag: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", tag);
    }
}

/// Copies text to the clipboard.
pub fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Offers `text` as a file download.
pub fn download(name: &str, text: &str) {
    download_as(name, text, "application/json");
}

/// Offers `text` as a file download of type `mime`.
pub fn download_as(name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = anchor {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The page's origin (`http://127.0.0.1:8080`), for snippets that call the proxy.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Seconds since the epoch.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Where an embedded console keeps the submissions its page started, until their jobs end.
const PENDING_KEY: &str = "rds-backup-console.pending";

/// The submissions this tab started whose end the host has not heard of yet.
pub fn pending_submissions() -> Vec<String> {
    gloo::storage::SessionStorage::raw()
        .get_item(PENDING_KEY)
        .ok()
        .flatten()
        .and_then(|v| crate::json::Json::parse(&v))
        .map(|ids| ids.strings())
        .unwrap_or_default()
}

fn set_pending(ids: &[String]) {
    let list: js_sys::Array = ids
        .iter()
        .map(|i| wasm_bindgen::JsValue::from_str(i))
        .collect();
    let text = crate::json::Json::of(list.into()).stringify();
    let _ = gloo::storage::SessionStorage::raw().set_item(PENDING_KEY, &text);
}

/// Remembers a submission of this tab (its end is announced, even after a reload).
pub fn remember_submission(id: &str) {
    let mut ids = pending_submissions();
    if !ids.iter().any(|i| i == id) {
        ids.push(id.to_owned());
        set_pending(&ids);
    }
}

/// Forgets a submission whose end was announced.
pub fn forget_submission(id: &str) {
    let mut ids = pending_submissions();
    ids.retain(|i| i != id);
    set_pending(&ids);
}
