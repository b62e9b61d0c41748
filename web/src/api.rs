//! Calls to the signing proxy's JSON API through a [`Client`]: the proxy's origin (or the
//! page's own) and how the caller's credential travels. The browser holds no cloud
//! credential, only the caller's own: the host page's token (`getAccessToken`), a token
//! the user typed (`--auth tokens`, kept in sessionStorage), or an auth proxy's cookie.

use crate::json::Json;
use gloo::storage::Storage;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where a typed token is kept for the tab's lifetime.
const TOKEN_KEY: &str = "rds-backup-console.token";

/// `/api/config`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// `demo` or `live`.
    pub mode: String,
    /// What to tell the user about the mode.
    pub message: String,
    /// The regions to offer.
    pub regions: Vec<String>,
    /// How callers sign in: `none`, `tokens`, `trusted-header`, `oidc`.
    pub auth: String,
    /// Who the proxy says this caller is (none: not signed in).
    pub user: Option<String>,
    /// Why a credential that was given was refused.
    pub sign_in_error: Option<String>,
}

impl Config {
    /// Reads the proxy's answer.
    pub fn read(v: &Json) -> Config {
        Config {
            mode: v.text("mode"),
            message: v.text("message"),
            regions: v.get("regions").strings(),
            auth: v.text("auth"),
            user: v.str("user"),
            sign_in_error: v.str("signInError"),
        }
    }

    /// Whether the proxy wants a credential this console has not given.
    pub fn needs_sign_in(&self) -> bool {
        self.auth != "none" && !self.auth.is_empty() && self.user.is_none()
    }
}

/// An instance of the list, with what the form and the warnings need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Instance {
    /// `DBInstanceId`.
    pub id: String,
    /// `Engine`.
    pub engine: String,
    /// `DBInstanceStorageType`.
    pub storage: String,
    /// `DBInstanceStatus`.
    pub status: String,
    /// `LockMode`.
    pub lock_mode: String,
    /// `DBInstanceType`.
    pub kind: String,
    /// `DBInstanceDescription`.
    pub description: String,
}

impl Instance {
    /// Reads an instance of the proxy's list (`None` without its id).
    pub fn read(v: &Json) -> Option<Instance> {
        Some(Instance {
            id: v.str("DBInstanceId")?,
            engine: v.text("Engine"),
            storage: v.text("DBInstanceStorageType"),
            status: v.text("DBInstanceStatus"),
            lock_mode: v.text("LockMode"),
            kind: v.text("DBInstanceType"),
            description: v.text("DBInstanceDescription"),
        })
    }
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
    fn network(message: String) -> ApiError {
        ApiError {
            status: 0,
            code: "Network".into(),
            message,
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
                let value = f.call0(&JsValue::NULL).ok()?;
                let value = match value.dyn_into::<js_sys::Promise>() {
                    Ok(p) => JsFuture::from(p).await.ok()?,
                    Err(v) => v,
                };
                let token = value.as_string().filter(|t| !t.is_empty());
                self.cached.borrow_mut().clone_from(&token);
                token
            }
        }
    }

    async fn send_once(&self, call: &Call, fresh: bool) -> Result<Json, ApiError> {
        let bearer = self.token(fresh).await.map(|t| format!("Bearer {t}"));
        let mut headers = Vec::new();
        if let Some(b) = &bearer {
            headers.push(("authorization", b.as_str()));
        }
        if call.body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let method = if call.post { "POST" } else { "GET" };
        let (status, text) = fetch(method, &call.url, &headers, call.body.as_deref())
            .await
            .map_err(ApiError::network)?;
        json(status, &text)
    }

    /// Sends a call; a 401 with a host-provided token asks the host again and retries
    /// once (nothing was done: the proxy refuses before anything is sent).
    async fn send(&self, call: Call) -> Result<Json, ApiError> {
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
        Ok(Config::read(&v))
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
            instances: v
                .get("Instances")
                .items()
                .iter()
                .filter_map(Instance::read)
                .collect(),
            next_token: v.text("NextToken"),
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
        Ok(v.get("Databases")
            .items()
            .iter()
            .filter_map(|d| d.str("DBName"))
            .collect())
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
        let submission = v.text("SubmissionId");
        match v.str("BackupJobId") {
            Some(job) => Ok(Sent::Started { submission, job }),
            None if v.text("Code") == "Proxy.OutcomeUnknown" && !submission.is_empty() => {
                Ok(Sent::Checking { submission })
            }
            None => Err(ApiError::network("no BackupJobId in the answer".to_owned())),
        }
    }

    /// `POST /api/plans`: a fleet plan, judged by the proxy; nothing runs.
    pub async fn make_plan(&self, body: String) -> Result<Json, ApiError> {
        self.send(Call {
            post: true,
            url: format!("{}/api/plans", self.base),
            body: Some(body),
        })
        .await
    }

    /// `POST /api/plans/{id}/run`: starts the plan (once; again it is only shown).
    pub async fn run_plan(&self, id: &str) -> Result<Json, ApiError> {
        self.send(Call {
            post: true,
            url: format!("{}/api/plans/{}/run", self.base, enc(id)),
            body: Some("{}".into()),
        })
        .await
    }

    /// `GET /api/plans/{id}`: every item's state and the counts.
    pub async fn plan(&self, id: &str) -> Result<Json, ApiError> {
        self.send(self.get(&format!("/api/plans/{}", enc(id))))
            .await
    }

    /// `GET /api/history?limit=`: the latest submissions this caller may see.
    pub async fn history(&self, limit: u32) -> Result<Vec<Submission>, ApiError> {
        let v = self
            .send(self.get(&format!("/api/history?limit={limit}")))
            .await?;
        Ok(v.get("Items")
            .items()
            .iter()
            .map(Submission::read)
            .collect())
    }

    /// `GET /api/history/{id}`: one submission, as the proxy follows it.
    pub async fn submission(&self, id: &str) -> Result<Submission, ApiError> {
        let v = self
            .send(self.get(&format!("/api/history/{}", enc(id))))
            .await?;
        Ok(Submission::read(&v))
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Submission {
    /// Its id.
    pub submission_id: String,
    /// Who sent it.
    pub caller: String,
    /// The region.
    pub region: String,
    /// The instance.
    pub instance: String,
    /// The parameters sent, as JSON text.
    pub params: String,
    /// `sending`, `sent`, `refused`, `unknown`, `not-started`.
    pub state: String,
    /// Whether nothing may change any more.
    pub r#final: bool,
    /// The code, when not a plain success.
    pub code: Option<String>,
    /// The message.
    pub message: Option<String>,
    /// The job.
    pub backup_job_id: Option<String>,
    /// The job's status.
    pub backup_status: Option<String>,
    /// Its progress.
    pub process: Option<i64>,
    /// The backup set.
    pub backup_id: Option<String>,
    /// Why the job failed.
    pub reason: Option<String>,
    /// When it was sent.
    pub created_at: String,
    /// How long it took (or has taken).
    pub duration_ms: i64,
}

impl Submission {
    /// Reads the proxy's record.
    pub fn read(v: &Json) -> Submission {
        Submission {
            submission_id: v.text("SubmissionId"),
            caller: v.text("Caller"),
            region: v.text("RegionId"),
            instance: v.text("DBInstanceId"),
            params: v.get("Params").stringify(),
            state: v.text("State"),
            r#final: v.flag("Final"),
            code: v.str("Code"),
            message: v.str("Message"),
            backup_job_id: v.str("BackupJobId"),
            backup_status: v.str("BackupStatus"),
            process: v.int("Process"),
            backup_id: v.str("BackupId"),
            reason: v.str("Reason"),
            created_at: v.text("CreatedAt"),
            duration_ms: v.int("DurationMs").unwrap_or(0),
        }
    }

    /// The percent done.
    pub fn percent(&self) -> u8 {
        u8::try_from(self.process.unwrap_or(0).clamp(0, 100)).unwrap_or(0)
    }
}

/// What a failed JS call said.
fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the request failed".to_owned())
}

/// One exchange through the browser's `fetch`: the answer's status and text.
pub async fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<(u16, String), String> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(js_error)?;
    for (k, v) in headers {
        request.headers().set(k, v).map_err(js_error)?;
    }
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(js_error)?
        .dyn_into()
        .map_err(js_error)?;
    let text = JsFuture::from(response.text().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    Ok((response.status(), text.as_string().unwrap_or_default()))
}

/// The answer as JSON: the body of a success, the code and message of an error.
fn json(status: u16, text: &str) -> Result<Json, ApiError> {
    let body = Json::parse(text).ok_or_else(|| ApiError {
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
            code: body.str("Code").unwrap_or_else(|| "Error".to_owned()),
            message: body.text("Message"),
            request_id: body.str("RequestId"),
        })
    }
}

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}
