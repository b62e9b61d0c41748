//! The service's answers: errors with the real codes, and bodies in JSON or XML.

use rds_backup_core::VerifyError;
use serde_json::{Map, Value};

/// The host the service names in error bodies.
pub const HOST_ID: &str = "rds.aliyuncs.com";

/// An error answer: HTTP status, the service's code and message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code} ({status}): {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The code clients key on.
    pub code: String,
    /// What happened.
    pub message: String,
    /// Sent as `x-acs-retry-after` (milliseconds): throttling.
    pub retry_after_ms: Option<u64>,
}

impl ApiError {
    /// Any error.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// `Missing<Name>`: a required parameter is absent.
    pub fn missing(name: &str) -> Self {
        ApiError::new(
            400,
            format!("Missing{name}"),
            format!("{name} is mandatory for this action."),
        )
    }

    /// `InvalidParameter`: a value of the wrong form.
    pub fn invalid(name: &str, why: impl std::fmt::Display) -> Self {
        ApiError::new(
            400,
            "InvalidParameter",
            format!("The specified parameter {name} is not valid: {why}"),
        )
    }

    /// `InvalidApi.NotFound`: no such action.
    pub fn no_api(action: &str) -> Self {
        ApiError::new(
            404,
            "InvalidApi.NotFound",
            format!(
                "Specified api is not found, please check your url and method. (action: {action})"
            ),
        )
    }

    /// The instance does not exist.
    pub fn no_instance(id: &str, status: u16) -> Self {
        ApiError::new(
            status,
            "InvalidDBInstanceId.NotFound",
            format!("The DBInstanceId provided does not exist in records: {id}"),
        )
    }
}

impl From<VerifyError> for ApiError {
    fn from(e: VerifyError) -> Self {
        ApiError::new(e.http_status(), e.code(), e.to_string())
    }
}

/// JSON (V3, or V2 with `Format=JSON`) or XML (V2's default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `text/xml`.
    Xml,
}

impl Format {
    /// The `content-type` header value.
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json;charset=utf-8",
            Format::Xml => "text/xml;charset=utf-8",
        }
    }
}

/// The JSON error body the service sends.
pub fn error_body(e: &ApiError, request_id: &str) -> Value {
    let mut m = Map::new();
    m.insert("RequestId".into(), request_id.into());
    m.insert("HostId".into(), HOST_ID.into());
    m.insert("Code".into(), e.code.clone().into());
    m.insert("Message".into(), e.message.clone().into());
    m.insert(
        "Recommend".into(),
        format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=Rds",
            e.code
        )
        .into(),
    );
    Value::Object(m)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn xml_value(name: &str, v: &Value, out: &mut String) {
    match v {
        Value::Array(items) => {
            // A list repeats its element: {"BackupJob": [a, b]} -> <BackupJob>a</BackupJob><BackupJob>b</BackupJob>
            for item in items {
                xml_value(name, item, out);
            }
        }
        Value::Object(m) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in m {
                xml_value(k, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// Renders a body as the service does: JSON as is, XML under `root`
/// (`<Action>Response` for answers, `Error` for errors).
pub fn render(body: &Value, root: &str, format: Format) -> String {
    match format {
        Format::Json => body.to_string(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            xml_value(root, body, &mut out);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_repeats_list_elements_and_escapes() {
        let v = serde_json::json!({"Items": {"BackupJob": [{"BackupJobId": "1"}, {"BackupJobId": "2"}]}, "RequestId": "a<b"});
        assert_eq!(
            render(&v, "DescribeBackupTasksResponse", Format::Xml),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeBackupTasksResponse><Items><BackupJob><BackupJobId>1</BackupJobId></BackupJob><BackupJob><BackupJobId>2</BackupJobId></BackupJob></Items><RequestId>a&lt;b</RequestId></DescribeBackupTasksResponse>"
        );
    }
}
