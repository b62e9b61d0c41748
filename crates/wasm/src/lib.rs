//! The CreateBackup rules for JavaScript: a thin wasm-bindgen layer over core, so a
//! portal can validate a form of its own with exactly the rules the console, the CLI,
//! the proxy and the emulator use. Inputs are plain objects under the API's names;
//! failures are JS `Error`s carrying `code` and `field` (and `errors` when there are
//! several), never a panic.
#![forbid(unsafe_code)]

use rds_backup_core::{Context, ErrorItem, Input, InputError, Report};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** The engine, as the API spells it. */
export type Engine = "MySQL" | "PostgreSQL" | "SQLServer" | "MariaDB";
/** The instance's storage type. */
export type StorageType = "local_ssd" | "ephemeral_ssd" | "cloud_ssd" | "cloud_essd" | "cloud_essd2" | "cloud_essd3" | "general_essd";
/** A CreateBackup parameter, or a context field. */
export type FieldName = "Engine" | "StorageType" | "RegionId" | "DBInstanceId" | "DBName" | "BackupStrategy" | "BackupMethod" | "BackupType" | "BackupRetentionPeriod";
/** What the rules depend on. `RegionId` is needed by preview, snippet and policy. */
export interface Context { Engine: Engine; StorageType: StorageType; RegionId?: string; }
/** The request under the API's names; every field optional (a form being filled). */
export interface Request {
  DBInstanceId?: string;
  /** Comma separated, or a list. */
  DBName?: string | string[];
  BackupStrategy?: "db" | "instance" | string;
  BackupMethod?: "Logical" | "Physical" | "Snapshot" | string;
  BackupType?: "Auto" | "FullBackup" | string;
  /** 7 to 730, or -1 for long-term. */
  BackupRetentionPeriod?: number;
}
/** One value a field can take; `value: null` means "leave it out". */
export interface Choice { value: string | null; label: string; reason?: string; }
/** A field's options given the fields before it. */
export interface FieldChoices {
  field: FieldName;
  applies: boolean;
  required: boolean;
  default?: string;
  format?: string;
  offered: Choice[];
  withheld: Choice[];
  note?: string;
}
/** One problem: the API's error code, the field, a plain message. */
export interface ErrorItem { code: string; field: string; message: string; }
/** The verdict: every problem, or the parameters that would be sent (API order, strings). */
export interface Report {
  ok: boolean;
  errors: ErrorItem[];
  params: Record<string, string> | null;
  rule?: { id: string; summary: string };
}
/** The request as it would go on the wire (V3 unless `v2`), key id and signature as placeholders. */
export interface Preview {
  params: Record<string, string>;
  method: "GET" | "POST";
  url: string;
  headers: [string, string][];
  http: string;
  canonical: string;
  stringToSign: string;
}
/** Options of `preview`. */
export interface PreviewOptions { v2?: boolean; method?: "GET" | "POST"; endpoint?: string; timestamp?: string; nonce?: string; }
/** Options of `snippet`. */
export interface SnippetOptions { profile?: string; proxyUrl?: string; token?: boolean; }
/** A snippet language. */
export type SnippetLang = "aliyun" | "python" | "node" | "typescript" | "java" | "go" | "php" | "csharp" | "curl" | "http";
/** A RAM policy document. */
export interface Policy { Version: "1"; Statement: { Effect: "Allow"; Action: string; Resource: string }[]; }
/** What every function throws on unusable input or a refused request. */
export interface RulesError extends Error { code: string; field: string; errors?: ErrorItem[]; }
"#;

/// A JS `Error` with `code`, `field` and, when there are several, `errors`.
fn error(code: &str, field: &str, message: &str, all: Option<&[ErrorItem]>) -> JsValue {
    let err = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(&err, &"code".into(), &code.into());
    let _ = js_sys::Reflect::set(&err, &"field".into(), &field.into());
    if let Some(v) = all.and_then(|items| to_js(&items).ok()) {
        let _ = js_sys::Reflect::set(&err, &"errors".into(), &v);
    }
    err.into()
}

fn input_error(errors: &[InputError]) -> JsValue {
    let items: Vec<ErrorItem> = errors.iter().map(InputError::report).collect();
    match items.first() {
        Some(first) => error(&first.code, &first.field, &first.message, Some(&items)),
        None => error("InvalidInput", "", "the input could not be read", None),
    }
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error("Internal", "", &e.to_string(), None))
}

/// Reads a plain JS object as JSON (so numbers stay integers and unknown keys are seen).
fn object(
    value: &JsValue,
    what: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(serde_json::Map::new());
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            error(
                "InvalidInput.NotJson",
                "",
                &format!("the {what} is not a plain object"),
                None,
            )
        })?;
    match serde_json::from_str(&text) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        _ => Err(error(
            "InvalidInput.NotJson",
            "",
            &format!("the {what} must be an object"),
            None,
        )),
    }
}

/// Context and request, merged and read by core.
fn read(context: &JsValue, request: &JsValue) -> Result<(Input, Context), JsValue> {
    let mut merged = object(context, "context")?;
    for (k, v) in object(request, "request")? {
        if merged.contains_key(&k) {
            return Err(error(
                "InvalidInput.Duplicate",
                &k,
                &format!("'{k}' is given in both the context and the request"),
                None,
            ));
        }
        merged.insert(k, v);
    }
    let input = Input::from_json(&serde_json::Value::Object(merged).to_string())
        .map_err(|e| input_error(&e))?;
    let ctx = input.context().map_err(|e| input_error(&e))?;
    Ok((input, ctx))
}

/// For each optional field, what can be chosen now given the fields before it, and why
/// the other values are withheld.
#[wasm_bindgen(unchecked_return_type = "FieldChoices[]")]
pub fn choices(
    #[wasm_bindgen(unchecked_param_type = "Context")] context: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Request")] partial: JsValue,
) -> Result<JsValue, JsValue> {
    let (input, ctx) = read(&context, &partial)?;
    to_js(&rds_backup_core::choices(&ctx, &input.draft))
}

/// Every problem of a request (never throws for a rule; throws for unusable input).
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "Context")] context: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Request")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let (input, ctx) = read(&context, &request)?;
    to_js(&Report::check(&ctx, &input.draft))
}

#[cfg(feature = "full")]
mod full {
    use super::*;
    use rds_backup_core::sign::{Method, SignatureVersion};
    use rds_backup_core::snippet::{SnippetLang, Target};
    use rds_backup_core::{CreateBackup, Endpoint, Region, UtcTime, validate as check};

    /// The checked request and its region, or the refusal as an error.
    fn checked(
        context: &JsValue,
        request: &JsValue,
        need_region: bool,
    ) -> Result<(CreateBackup, Option<Region>), JsValue> {
        let (input, ctx) = read(context, request)?;
        let region = match input.region.as_deref() {
            Some(r) => Some(
                Region::new(r)
                    .map_err(|e| error("InvalidInput.Region", "RegionId", &e.to_string(), None))?,
            ),
            None if need_region => {
                return Err(error(
                    "InvalidInput.Missing",
                    "RegionId",
                    "RegionId is required here (it picks the endpoint)",
                    None,
                ));
            }
            None => None,
        };
        let req = check(&ctx, &input.draft).map_err(|problems| {
            let items: Vec<ErrorItem> = problems.iter().map(ErrorItem::from).collect();
            match items.first() {
                Some(first) => error(&first.code, &first.field, &first.message, Some(&items)),
                None => error("Parameters.Invalid", "", "the request was refused", None),
            }
        })?;
        Ok((req, region))
    }

    fn opt_string(
        options: &serde_json::Map<String, serde_json::Value>,
        key: &str,
    ) -> Option<String> {
        options.get(key).and_then(|v| v.as_str()).map(str::to_owned)
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Preview {
        params: rds_backup_core::Params,
        method: &'static str,
        url: String,
        headers: Vec<(String, String)>,
        http: String,
        canonical: String,
        string_to_sign: String,
    }

    /// The request as it would go on the wire, with placeholders for the key id and the
    /// signature. Throws the refusal when the request breaks a rule.
    #[wasm_bindgen(unchecked_return_type = "Preview")]
    pub fn preview(
        #[wasm_bindgen(unchecked_param_type = "Context")] context: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Request")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PreviewOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = object(&options, "options")?;
        let endpoint_override = opt_string(&options, "endpoint");
        let (req, region) = checked(&context, &request, endpoint_override.is_none())?;
        let endpoint = match (&endpoint_override, &region) {
            (Some(e), _) => Endpoint::parse_override(e)
                .map_err(|e| error("InvalidInput.Endpoint", "endpoint", &e.to_string(), None))?,
            (None, Some(r)) => Endpoint::for_region(r),
            (None, None) => {
                return Err(error(
                    "InvalidInput.Missing",
                    "RegionId",
                    "RegionId is required",
                    None,
                ));
            }
        };
        let method = match opt_string(&options, "method").as_deref() {
            None => Method::Post,
            Some(m) => Method::parse(m).ok_or_else(|| {
                error(
                    "InvalidInput.UnknownValue",
                    "method",
                    "method is GET or POST",
                    None,
                )
            })?,
        };
        let time = match opt_string(&options, "timestamp") {
            Some(t) => UtcTime::parse(&t).ok_or_else(|| {
                error(
                    "InvalidInput.Timestamp",
                    "timestamp",
                    "timestamp is yyyy-MM-ddTHH:mm:ssZ",
                    None,
                )
            })?,
            None => UtcTime::from_unix((js_sys::Date::now() / 1000.0) as i64),
        };
        let version = if options
            .get("v2")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
        {
            SignatureVersion::V2
        } else {
            SignatureVersion::V3
        };
        let nonce = opt_string(&options, "nonce").unwrap_or_else(|| "YourSignatureNonce".into());
        let call = req.call(method, endpoint, time, nonce);
        let shown = rds_backup_core::preview(&call, version);
        to_js(&Preview {
            params: req.params(),
            method: method.as_str(),
            url: shown.request.url(),
            headers: shown.request.headers.clone(),
            http: shown.request.to_http(),
            canonical: shown.canonical,
            string_to_sign: shown.string_to_sign,
        })
    }

    /// The request as code: the aliyun CLI, an official SDK, curl to the proxy, or raw HTTP.
    #[wasm_bindgen]
    pub fn snippet(
        #[wasm_bindgen(unchecked_param_type = "Context")] context: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Request")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SnippetLang")] lang: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "SnippetOptions")] options: JsValue,
    ) -> Result<String, JsValue> {
        let options = object(&options, "options")?;
        let lang = SnippetLang::parse(lang).ok_or_else(|| {
            error(
                "InvalidInput.UnknownValue",
                "lang",
                &format!("'{lang}' is not a snippet language"),
                None,
            )
        })?;
        let (req, region) = checked(&context, &request, true)?;
        let Some(region) = region else {
            return Err(error(
                "InvalidInput.Missing",
                "RegionId",
                "RegionId is required",
                None,
            ));
        };
        let mut target = Target::new(region);
        target.profile = opt_string(&options, "profile");
        if let Some(url) = opt_string(&options, "proxyUrl") {
            target.proxy_url = url;
        }
        target.proxy_token = options
            .get("token")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        Ok(rds_backup_core::snippet::snippet(&req, &target, lang))
    }

    /// The least-privilege RAM policy for this request.
    #[wasm_bindgen(unchecked_return_type = "Policy")]
    pub fn policy(
        #[wasm_bindgen(unchecked_param_type = "Context")] context: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Request")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (req, region) = checked(&context, &request, true)?;
        let Some(region) = region else {
            return Err(error(
                "InvalidInput.Missing",
                "RegionId",
                "RegionId is required",
                None,
            ));
        };
        to_js(&rds_backup_core::policy::least_privilege(&region, &req))
    }
}

#[cfg(feature = "full")]
pub use full::{policy, preview, snippet};
