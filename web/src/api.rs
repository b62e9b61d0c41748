//! Calls to the signing proxy's JSON API through a [`Client`]: the proxy's origin (or the
//! page's own) and how the caller's credential travels. The browser holds no cloud
//! credential, only the caller's own: the host page's token (`getAccessToken`), a token
//! the user typed (`--auth tokens`, kept in sessionStorage), or an auth proxy's cookie.

use gloo::net::http::{Request, RequestBuilder};
use gloo::storage::Storage;
use serde::Deserialize;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// Where a typed token is kept for the tab's lifetime.
const TOKEN_KEY: &str = "rds-backup-console.token";

/// `/api/config`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Config {
    /// `demo` or `live`.
    pub mode: String,
    /// What to tell the user about the mode.
    pub message: String,
    /// The regions to offer.
    pub regions: Vec<String>,
    /// How callers sign in: `none`, `tokens`, `trusted-header`, `oidc`.
    #[serde(default)]
    pub auth: String,
    /// Who the proxy says this caller is (none: not signed in).
    #[serde(default)]
    pub user: Option<String>,
    /// Why a credential that was given was refused.
    #[serde(rename = "signInError", default)]
    pub sign_in_error: Option<String>,
}

impl Config {
    /// Whether the proxy wants a credential this console has not given.
    pub fn needs_sign_in(&self) -> bool {
        self.auth != "none" && !self.auth.is_empty() && self.user.is_none()
    }
}

/// An instance of the list, with what the form and the warnings need.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
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

/// One page of a search for instances.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InstancePage {
    /// The instances.
    pub instances: Vec<Instance>,
    /// The next page's token (empty on the last).
    pub next_token: String,
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

    /// Whether the proxy did not know who is calling.
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
    }
}

/// How the caller's credential travels (besides an auth proxy's cookie, which the browser
/// sends by itself).
#[derive(Clone, Debug, Default)]
pub enum Credential {
    /// A token the user typed (`--auth tokens`), from sessionStorage, if there is one.
    #[default]
    Typed,
    /// The host page's `getAccessToken()` (a function returning a token or a promise of one).
    Host(js_sys::Function),
}

impl PartialEq for Credential {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Credential::Host(a), Credential::Host(b)) => a == b,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }
}

/// The proxy as the console talks to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    /// The proxy's origin, or empty for the page's own.
    pub base: String,
    credential: Credential,
    /// The host's token, asked once and again after a 401.
    cached: Rc<RefCell<Option<String>>>,
}

/// The typed token, if the user gave one in this tab.
pub fn typed_token() -> Option<String> {
    gloo::storage::SessionStorage::raw()
        .get_item(TOKEN_KEY)
        .ok()
        .flatten()
        .filter(|t| !t.is_empty())
}

/// Keeps (or, with an empty string, forgets) the typed token for this tab.
pub fn set_typed_token(token: &str) {
    let storage = gloo::storage::SessionStorage::raw();
    let _ = if token.trim().is_empty() {
        storage.remove_item(TOKEN_KEY)
    } else {
        storage.set_item(TOKEN_KEY, token.trim())
    };
}

/// One request to make, possibly twice (a fresh token after a 401).
struct Call {
    post: bool,
    url: String,
    body: Option<String>,
}

impl Call {
    fn builder(&self) -> RequestBuilder {
        if self.post {
            Request::post(&self.url)
        } else {
            Request::get(&self.url)
        }
    }
}

impl Client {
    /// A client for the proxy at `base`.
    pub fn new(base: String, credential: Credential) -> Client {
        Client {
            base,
            credential,
            cached: Rc::default(),
        }
    }

    /// Whether the token comes from the host page.
    pub fn host_provides_token(&self) -> bool {
        matches!(self.credential, Credential::Host(_))
    }

    /// The bearer token to send, if any (`fresh`: ask the host again).
    async fn token(&self, fresh: bool) -> Option<String> {
        match &self.credential {
            Credential::Typed => typed_token(),
            Credential::Host(f) => {
                let cached = self.cached.borrow().clone();
                if let Some(t) = cached.filter(|_| !fresh) {
                    return Some(t);
                }
                let value = f.call0(&wasm_bindgen::JsValue::NULL).ok()?;
                let value = match value.dyn_into::<js_sys::Promise>() {
                    Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await.ok()?,
                    Err(v) => v,
                };
                let token = value.as_string().filter(|t| !t.is_empty());
                self.cached.borrow_mut().clone_from(&token);
                token
            }
        }
    }

    async fn send_once(&self, call: &Call, fresh: bool) -> Result<Value, ApiError> {
        let mut builder = call.builder();
        if let Some(token) = self.token(fresh).await {
            builder = builder.header("authorization", &format!("Bearer {token}"));
        }
        let request = match &call.body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(body.clone()),
            None => builder.build(),
        };
        json(request).await
    }

    /// Sends a call; a 401 with a host-provided token asks the host again and retries
    /// once (nothing was done: the proxy refuses before anything is sent).
    async fn send(&self, call: Call) -> Result<Value, ApiError> {
        match self.send_once(&call, false).await {
            Err(e) if e.is_unauthorized() && self.host_provides_token() => {
                self.send_once(&call, true).await
            }
            other => other,
        }
    }

    fn get(&self, path: &str) -> Call {
        Call {
            post: false,
            url: format!("{}{path}", self.base),
            body: None,
        }
    }

    /// `GET /api/config`.
    pub async fn config(&self) -> Result<Config, ApiError> {
        let v = self.send(self.get("/api/config")).await?;
        serde_json::from_value(v).map_err(ApiError::network)
    }

    /// `GET /api/instances?RegionId=&Search=&NextToken=`: one page of a search.
    pub async fn instances(
        &self,
        region: &str,
        search: &str,
        token: &str,
    ) -> Result<InstancePage, ApiError> {
        let mut target = format!("/api/instances?RegionId={}", enc(region));
        if !search.trim().is_empty() {
            target.push_str(&format!("&Search={}", enc(search.trim())));
        }
        if !token.is_empty() {
            target.push_str(&format!("&NextToken={}", enc(token)));
        }
        let v = self.send(self.get(&target)).await?;
        Ok(InstancePage {
            instances: serde_json::from_value(v["Instances"].clone()).map_err(ApiError::network)?,
            next_token: v["NextToken"].as_str().unwrap_or_default().to_owned(),
        })
    }

    /// The names of an instance's databases (`GET /api/instances/{id}`).
    pub async fn databases(&self, region: &str, id: &str) -> Result<Vec<String>, ApiError> {
        let v = self
            .send(self.get(&format!(
                "/api/instances/{}?RegionId={}",
                enc(id),
                enc(region)
            )))
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

    /// `POST /api/backups`: the job started, or the proxy is checking whether it did.
    pub async fn create_backup(&self, body: String) -> Result<Sent, ApiError> {
        let v = self
            .send(Call {
                post: true,
                url: format!("{}/api/backups", self.base),
                body: Some(body),
            })
            .await?;
        let submission = v["SubmissionId"].as_str().unwrap_or_default().to_owned();
        match v["BackupJobId"].as_str() {
            Some(job) => Ok(Sent::Started {
                submission,
                job: job.to_owned(),
            }),
            None if v["Code"] == "Proxy.OutcomeUnknown" && !submission.is_empty() => {
                Ok(Sent::Checking { submission })
            }
            None => Err(ApiError::network("no BackupJobId in the answer")),
        }
    }

    /// `POST /api/plans`: a fleet plan, judged by the proxy; nothing runs.
    pub async fn make_plan(&self, body: String) -> Result<Value, ApiError> {
        self.send(Call {
            post: true,
            url: format!("{}/api/plans", self.base),
            body: Some(body),
        })
        .await
    }

    /// `POST /api/plans/{id}/run`: starts the plan (once; again it is only shown).
    pub async fn run_plan(&self, id: &str) -> Result<Value, ApiError> {
        self.send(Call {
            post: true,
            url: format!("{}/api/plans/{}/run", self.base, enc(id)),
            body: Some("{}".into()),
        })
        .await
    }

    /// `GET /api/plans/{id}`: every item's state and the counts.
    pub async fn plan(&self, id: &str) -> Result<Value, ApiError> {
        self.send(self.get(&format!("/api/plans/{}", enc(id))))
            .await
    }

    /// `GET /api/history?limit=`: the latest submissions this caller may see.
    pub async fn history(&self, limit: u32) -> Result<Vec<Submission>, ApiError> {
        let v = self
            .send(self.get(&format!("/api/history?limit={limit}")))
            .await?;
        serde_json::from_value(v["Items"].clone()).map_err(ApiError::network)
    }

    /// `GET /api/history/{id}`: one submission, as the proxy follows it.
    pub async fn submission(&self, id: &str) -> Result<Submission, ApiError> {
        let v = self
            .send(self.get(&format!("/api/history/{}", enc(id))))
            .await?;
        serde_json::from_value(v).map_err(ApiError::network)
    }
}

/// What a send gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    /// The service created a job.
    Started {
        /// The proxy's record of it.
        submission: String,
        /// `BackupJobId`.
        job: String,
    },
    /// The answer was lost: the proxy is checking whether the backup started.
    Checking {
        /// The proxy's record of it.
        submission: String,
    },
}

/// A submission as the proxy records and follows it (`/api/history`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Submission {
    /// Its id.
    pub submission_id: String,
    /// Who sent it.
    #[serde(default)]
    pub caller: String,
    /// The region.
    #[serde(rename = "RegionId", default)]
    pub region: String,
    /// The instance.
    #[serde(rename = "DBInstanceId", default)]
    pub instance: String,
    /// The parameters sent.
    #[serde(default)]
    pub params: Value,
    /// `sending`, `sent`, `refused`, `unknown`, `not-started`.
    pub state: String,
    /// Whether anything may still change.
    #[serde(default)]
    pub r#final: bool,
    /// The code, when not a plain success.
    #[serde(default)]
    pub code: Option<String>,
    /// The message.
    #[serde(default)]
    pub message: Option<String>,
    /// The job.
    #[serde(default)]
    pub backup_job_id: Option<String>,
    /// The job's status.
    #[serde(default)]
    pub backup_status: Option<String>,
    /// Its progress.
    #[serde(default)]
    pub process: Option<i64>,
    /// The backup set.
    #[serde(default)]
    pub backup_id: Option<String>,
    /// Why the job failed.
    #[serde(default)]
    pub reason: Option<String>,
    /// When it was sent.
    #[serde(default)]
    pub created_at: String,
    /// How long it took (or has taken).
    #[serde(default)]
    pub duration_ms: i64,
}

impl Submission {
    /// The percent done.
    pub fn percent(&self) -> u8 {
        u8::try_from(self.process.unwrap_or(0).clamp(0, 100)).unwrap_or(0)
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
