//! Calls to the signing proxy's JSON API (`base` is its origin, or empty for the page's
//! own). The browser holds no credential.

use gloo::net::http::Request;
use serde::Deserialize;
use serde_json::Value;

/// `/api/config`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Config {
    /// `demo` or `live`.
    pub mode: String,
    /// What to tell the user about the mode.
    pub message: String,
    /// The regions to offer.
    pub regions: Vec<String>,
}

/// An instance of the list, with what the form and the warnings need.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Instance {
    /// `DBInstanceId`.
    #[serde(rename = "DBInstanceId")]
    pub id: String,
    /// `Engine`.
    #[serde(rename = "Engine", default)]
    pub engine: String,
    /// `DBInstanceStorageType`.
    #[serde(rename = "DBInstanceStorageType", default)]
    pub storage: String,
    /// `DBInstanceStatus`.
    #[serde(rename = "DBInstanceStatus", default)]
    pub status: String,
    /// `LockMode`.
    #[serde(rename = "LockMode", default)]
    pub lock_mode: String,
    /// `DBInstanceType`.
    #[serde(rename = "DBInstanceType", default)]
    pub kind: String,
    /// `DBInstanceDescription`.
    #[serde(rename = "DBInstanceDescription", default)]
    pub description: String,
}

/// An error answer: the service's (or the proxy's) code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status (0: no answer).
    pub status: u16,
    /// The code.
    pub code: String,
    /// The message.
    pub message: String,
    /// The request id, when there is one.
    pub request_id: Option<String>,
}

impl ApiError {
    fn network(e: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: 0,
            code: "Network".into(),
            message: e.to_string(),
            request_id: None,
        }
    }
}

async fn json(req: Result<Request, gloo::net::Error>) -> Result<Value, ApiError> {
    let resp = req
        .map_err(ApiError::network)?
        .send()
        .await
        .map_err(ApiError::network)?;
    let status = resp.status();
    let body: Value = resp.json().await.map_err(|_| ApiError {
        status,
        code: "Proxy.NotJson".into(),
        message: format!("the proxy answered HTTP {status} without JSON"),
        request_id: None,
    })?;
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        Err(ApiError {
            status,
            code: body["Code"].as_str().unwrap_or("Error").to_owned(),
            message: body["Message"].as_str().unwrap_or_default().to_owned(),
            request_id: body["RequestId"].as_str().map(str::to_owned),
        })
    }
}

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// `GET /api/config`.
pub async fn config(base: &str) -> Result<Config, ApiError> {
    let v = json(Request::get(&format!("{base}/api/config")).build()).await?;
    serde_json::from_value(v).map_err(ApiError::network)
}

/// `GET /api/instances?RegionId=`.
pub async fn instances(base: &str, region: &str) -> Result<Vec<Instance>, ApiError> {
    let v = json(Request::get(&format!("{base}/api/instances?RegionId={}", enc(region))).build())
        .await?;
    serde_json::from_value(v["Instances"].clone()).map_err(ApiError::network)
}

/// The names of an instance's databases (`GET /api/instances/{id}`).
pub async fn databases(base: &str, region: &str, id: &str) -> Result<Vec<String>, ApiError> {
    let v = json(
        Request::get(&format!(
            "{base}/api/instances/{}?RegionId={}",
            enc(id),
            enc(region)
        ))
        .build(),
    )
    .await?;
    Ok(v["Databases"]
        .as_array()
        .map(|dbs| {
            dbs.iter()
                .filter_map(|d| d["DBName"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

/// `POST /api/backups`; the BackupJobId.
pub async fn create_backup(base: &str, body: String) -> Result<String, ApiError> {
    let req = Request::post(&format!("{base}/api/backups"))
        .header("content-type", "application/json")
        .body(body);
    let v = json(req).await?;
    v["BackupJobId"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| ApiError::network("no BackupJobId in the answer"))
}

/// One job's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Task {
    /// `BackupStatus`.
    pub status: String,
    /// `Process`, 0-100.
    pub percent: u8,
    /// `BackupId`, once finished.
    pub backup_id: Option<String>,
}

/// `GET /api/backup-tasks` for one job.
pub async fn task(base: &str, region: &str, id: &str, job: &str) -> Result<Option<Task>, ApiError> {
    let url = format!(
        "{base}/api/backup-tasks?RegionId={}&DBInstanceId={}&BackupJobId={}",
        enc(region),
        enc(id),
        enc(job)
    );
    let v = json(Request::get(&url).build()).await?;
    let item = &v["Items"]["BackupJob"][0];
    Ok(item.is_object().then(|| Task {
        status: item["BackupStatus"].as_str().unwrap_or_default().to_owned(),
        percent: item["Process"]
            .as_str()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0),
        backup_id: item["BackupId"].as_str().map(str::to_owned),
    }))
}
