//! The proxy's JSON without a JSON library in the form's wasm: the browser parses it
//! (`JSON.parse`) and [`Json`] reads the values it needs; objects sent to the host page are
//! built the same way ([`object`]). The panels module, which has serde, turns a [`Json`]
//! into a `serde_json::Value` where it works on whole documents (fleet plans).

use wasm_bindgen::{JsCast, JsValue};

/// A parsed JSON value (`undefined` where a key is missing).
#[derive(Clone, Debug, PartialEq)]
pub struct Json(JsValue);

impl Json {
    /// A value the browser already holds (an event's detail, an options object).
    pub fn of(value: JsValue) -> Json {
        Json(value)
    }

    /// Parses `text`; `None` when it is not JSON.
    pub fn parse(text: &str) -> Option<Json> {
        js_sys::JSON::parse(text).ok().map(Json)
    }

    /// The value under `key` (`undefined` when there is none, or this is not an object).
    pub fn get(&self, key: &str) -> Json {
        if !self.0.is_object() {
            return Json(JsValue::UNDEFINED);
        }
        Json(js_sys::Reflect::get(&self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED))
    }

    /// The string under `key`, if it is one.
    pub fn str(&self, key: &str) -> Option<String> {
        self.get(key).0.as_string()
    }

    /// The string under `key`, or empty.
    pub fn text(&self, key: &str) -> String {
        self.str(key).unwrap_or_default()
    }

    /// The whole number under `key`, if it is one.
    pub fn int(&self, key: &str) -> Option<i64> {
        let n = self.get(key).0.as_f64()?;
        (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
    }

    /// Whether `key` holds `true`.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).0.as_bool().unwrap_or(false)
    }

    /// The elements, when this is an array (else none).
    pub fn items(&self) -> Vec<Json> {
        self.0
            .dyn_ref::<js_sys::Array>()
            .map(|a| a.iter().map(Json).collect())
            .unwrap_or_default()
    }

    /// The strings of this array (what is not a string is skipped).
    pub fn strings(&self) -> Vec<String> {
        self.items()
            .iter()
            .filter_map(|i| i.0.as_string())
            .collect()
    }

    /// The value as JSON text (`null` for a missing one).
    pub fn stringify(&self) -> String {
        js_sys::JSON::stringify(&self.0)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| "null".to_owned())
    }

    /// The value as the JS value it is.
    pub fn value(&self) -> &JsValue {
        &self.0
    }
}

/// A JS object of `pairs` (a `null` value for `None`).
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// A JS string, or `null`.
pub fn opt(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}
