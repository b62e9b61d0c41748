//! Calls to RDS: signed with V3 by core, sent once (never retried), answered as
//! the service's status and JSON, or a clear proxy error.

use crate::error::ProxyError;
use rds_backup_core::sign::{Call, Method, RDS_VERSION, SignatureVersion, WireRequest, sign};
use rds_backup_core::{Credentials, Endpoint, Region, UtcTime};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Where calls go: the region's official endpoint, or one fixed endpoint (an emulator, a test).
#[derive(Clone, Debug)]
pub enum Target {
    /// `Endpoint::for_region` of the request's region.
    Regional,
    /// Every call to this endpoint.
    Fixed(Endpoint),
}

/// A successful (2xx) answer whose body is well-formed JSON, kept as the bytes received
/// so that a pass-through answer is not parsed and written again.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body as received (checked to be well-formed).
    pub raw: bytes::Bytes,
}

impl Reply {
    /// The body as a JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.raw).unwrap_or(Value::Null)
    }
}

/// How signed calls travel.
enum Transport {
    /// HTTP(S) over the network (reqwest, rustls), giving up after `timeout`.
    Network {
        /// The pooled client.
        client: reqwest::Client,
        /// To connect, and for the whole answer.
        timeout: Duration,
    },
    /// Straight into an emulator's router in this process (demo mode): the same signed
    /// request, verified the same way, without a loopback socket.
    InProcess(axum::Router),
}

/// The signing client.
pub struct Upstream {
    transport: Transport,
    target: Target,
    credentials: Signer,
    nonces: Nonces,
    /// When the service last answered (ms).
    last_answer_ms: AtomicI64,
    /// When a call last failed to get an answer (ms).
    last_failure_ms: AtomicI64,
}

/// What calls are signed with.
enum Signer {
    /// One key for the process's life (demo mode, tests).
    Fixed(Credentials),
    /// The provider chain's credentials, refreshed as they age.
    Live(Arc<rds_backup_credentials::Live>),
}

/// Nonces: SHA-256 of a random per-process key and a counter, so every call gets a
/// unique, unguessable nonce without a system call per request.
struct Nonces {
    key: [u8; 32],
    counter: std::sync::atomic::AtomicU64,
}

impl Nonces {
    fn new() -> Nonces {
        let mut key = [0u8; 32];
        // If the OS has no randomness, the start time still makes the sequence unique per run.
        if getrandom::fill(&mut key).is_err() {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            key[..16].copy_from_slice(&t.to_le_bytes());
        }
        Nonces {
            key,
            counter: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn next(&self) -> String {
        use sha2::Digest;
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let digest = sha2::Sha256::new()
            .chain_update(self.key)
            .chain_update(n.to_le_bytes())
            .finalize();
        rds_backup_core::sign::hex_lower(&digest[..16])
    }
}

fn now() -> UtcTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    UtcTime::from_unix(secs)
}

/// Whether outgoing HTTP honours `HTTP_PROXY`/`HTTPS_PROXY` from the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemProxy {
    /// Connect directly: a signed request never passes through a proxy in clear.
    Ignore,
    /// Use the environment's proxy settings (`--system-proxy`).
    Use,
}

/// The HTTP client for calls out of the proxy (the RDS endpoint, STS, the OIDC issuer):
/// rustls, no redirects, `timeout` to connect and for the whole answer.
pub fn http_client(timeout: Duration, proxy: SystemProxy) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT);
    if proxy == SystemProxy::Ignore {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

impl Upstream {
    /// A client for `target`, signing with `credentials`, sending with `client` (which
    /// gives up after `timeout`).
    pub fn new(
        target: Target,
        credentials: Credentials,
        client: reqwest::Client,
        timeout: Duration,
    ) -> Upstream {
        Upstream {
            transport: Transport::Network { client, timeout },
            target,
            credentials: Signer::Fixed(credentials),
            nonces: Nonces::new(),
            last_answer_ms: AtomicI64::new(0),
            last_failure_ms: AtomicI64::new(0),
        }
    }

    /// A client for `target`, signing with the chain's credentials as they are refreshed.
    pub fn with_live(
        target: Target,
        live: Arc<rds_backup_credentials::Live>,
        client: reqwest::Client,
        timeout: Duration,
    ) -> Upstream {
        Upstream {
            transport: Transport::Network { client, timeout },
            target,
            credentials: Signer::Live(live),
            nonces: Nonces::new(),
            last_answer_ms: AtomicI64::new(0),
            last_failure_ms: AtomicI64::new(0),
        }
    }

    /// The live credentials, when the chain provides them.
    pub fn live(&self) -> Option<&Arc<rds_backup_credentials::Live>> {
        match &self.credentials {
            Signer::Live(l) => Some(l),
            Signer::Fixed(_) => None,
        }
    }

    /// A client that hands every call, signed for `endpoint`, to `router` in this
    /// process (the embedded emulator of demo mode). No timer: the emulator answers from
    /// memory, without I/O that could stall.
    pub fn in_process(
        router: axum::Router,
        endpoint: Endpoint,
        credentials: Credentials,
    ) -> Upstream {
        Upstream {
            transport: Transport::InProcess(router),
            target: Target::Fixed(endpoint),
            credentials: Signer::Fixed(credentials),
            nonces: Nonces::new(),
            last_answer_ms: AtomicI64::new(0),
            last_failure_ms: AtomicI64::new(0),
        }
    }

    /// How long a call may take before it is given up, in milliseconds (0 in process).
    pub fn timeout_ms(&self) -> i64 {
        match &self.transport {
            Transport::Network { timeout, .. } => {
                i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX / 4)
            }
            Transport::InProcess(_) => 0,
        }
    }

    /// The endpoint a region's calls go to.
    pub fn endpoint(&self, region: &Region) -> Endpoint {
        match &self.target {
            Target::Regional => Endpoint::for_region(region),
            Target::Fixed(e) => e.clone(),
        }
    }

    /// The call that would be signed (for tests and the preview comparison).
    pub fn call_for(&self, region: &Region, action: &str, params: Vec<(String, String)>) -> Call {
        self.api_call(Api::Rds, region, action, params)
    }

    fn api_call(
        &self,
        api: Api,
        region: &Region,
        action: &str,
        params: Vec<(String, String)>,
    ) -> Call {
        Call {
            action: action.into(),
            version: api.version().into(),
            params,
            method: Method::Post,
            endpoint: self.api_endpoint(api, region),
            time: now(),
            nonce: self.nonces.next(),
        }
    }

    fn api_endpoint(&self, api: Api, region: &Region) -> Endpoint {
        match (&self.target, api) {
            (Target::Fixed(e), _) => e.clone(),
            (Target::Regional, Api::Rds) => Endpoint::for_region(region),
            (Target::Regional, Api::Sts) => Endpoint::parse_override(STS_ENDPOINT)
                .unwrap_or_else(|_| Endpoint::for_region(region)),
        }
    }

    /// Signs and sends one RDS call, once. A 2xx JSON answer is `Ok`; a JSON error answer
    /// is `ProxyError::Upstream` with the service's status and body; anything else is a
    /// proxy error.
    pub async fn call(
        &self,
        region: &Region,
        action: &str,
        params: Vec<(String, String)>,
    ) -> Result<Reply, ProxyError> {
        self.send(self.api_call(Api::Rds, region, action, params))
            .await
    }

    /// The account id of the credentials (STS `GetCallerIdentity`).
    pub async fn account_id(&self) -> Result<String, ProxyError> {
        let region = Region::new("cn-hangzhou")
            .map_err(|e| ProxyError::UpstreamUnreachable(e.to_string()))?;
        let call = self.api_call(Api::Sts, &region, "GetCallerIdentity", Vec::new());
        let body = self.send(call).await?.json();
        match &body["AccountId"] {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(ProxyError::UpstreamShape {
                action: "GetCallerIdentity".into(),
                what: "no AccountId".into(),
            }),
        }
    }

    /// Whether the upstream answers: it did within the last 30 s with no failed call
    /// since, or it answers a cheap call (DescribeRegions) now; any answer, even a
    /// refusal, counts. `Ok` carries how many seconds ago it last answered.
    pub async fn check_answers(&self) -> Result<i64, String> {
        let last = self.last_answer_ms.load(Ordering::Relaxed);
        let ago = (now_ms() - last) / 1000;
        if ago <= 30 && self.last_failure_ms.load(Ordering::Relaxed) < last {
            return Ok(ago);
        }
        let region = Region::new("cn-hangzhou").map_err(|e| e.to_string())?;
        let call = self.call(&region, "DescribeRegions", Vec::new());
        match tokio::time::timeout(std::time::Duration::from_secs(3), call).await {
            Ok(Ok(_) | Err(ProxyError::Upstream { .. })) => Ok(0),
            Ok(Err(e)) => Err(format!("the RDS endpoint does not answer: {e}")),
            Err(_) => Err("the RDS endpoint did not answer a DescribeRegions within 3 s".into()),
        }
    }

    async fn send(&self, call: Call) -> Result<Reply, ProxyError> {
        let started = std::time::Instant::now();
        let action = call.action.clone();
        let result = self.exchange(call).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(ProxyError::Upstream { .. }) => "refused",
            Err(ProxyError::UpstreamTimeout(_)) => "timeout",
            Err(ProxyError::UpstreamUnreachable(_)) => "unreachable",
            Err(ProxyError::UpstreamBroken(_)) => "broken",
            Err(ProxyError::CredentialsUnavailable(_)) => "no-credentials",
            Err(_) => "invalid",
        };
        crate::telemetry::upstream(&action, outcome, started.elapsed());
        if matches!(outcome, "timeout" | "unreachable" | "broken") {
            self.last_failure_ms.store(now_ms(), Ordering::Relaxed);
        }
        result
    }

    async fn exchange(&self, call: Call) -> Result<Reply, ProxyError> {
        let credentials = match &self.credentials {
            Signer::Fixed(c) => c.clone(),
            Signer::Live(l) => l
                .credentials()
                .map_err(|e| ProxyError::CredentialsUnavailable(e.to_string()))?,
        };
        let signed = sign(&call, &credentials, SignatureVersion::V3);
        let answer = match &self.transport {
            Transport::Network { client, timeout } => {
                send_network(client, *timeout, &signed.request).await?
            }
            Transport::InProcess(router) => send_in_process(router, signed.request).await?,
        };
        let Answer {
            status,
            content_type,
            request_id,
            retry_after_ms,
            body: bytes,
        } = answer;
        tracing::info!(
            target: "rds_backup_proxy::upstream",
            request_id = %crate::error::current_request_id(),
            action = %call.action,
            status,
            upstream_request_id = %request_id,
            "upstream"
        );
        self.last_answer_ms.store(now_ms(), Ordering::Relaxed);
        let not_json = || ProxyError::UpstreamNotJson {
            status,
            content_type: content_type.clone(),
        };
        if (200..300).contains(&status) {
            // Checked without building a tree: most answers are passed on as they are.
            serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map_err(|_| not_json())?;
            Ok(Reply { status, raw: bytes })
        } else {
            let body: Value = serde_json::from_slice(&bytes).map_err(|_| not_json())?;
            if !body.is_object() {
                return Err(not_json());
            }
            Err(ProxyError::Upstream {
                status,
                body,
                retry_after_ms,
            })
        }
    }
}

/// Which API a call is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Api {
    /// RDS, 2014-08-15.
    Rds,
    /// STS, 2015-04-01.
    Sts,
}

impl Api {
    const fn version(self) -> &'static str {
        match self {
            Api::Rds => RDS_VERSION,
            Api::Sts => STS_VERSION,
        }
    }
}

/// The STS API version.
pub const STS_VERSION: &str = "2015-04-01";
/// The central STS endpoint.
pub const STS_ENDPOINT: &str = "sts.aliyuncs.com";

/// What came back.
struct Answer {
    status: u16,
    content_type: String,
    /// The service's `x-acs-request-id`.
    request_id: String,
    /// The service's `x-acs-retry-after`.
    retry_after_ms: Option<u64>,
    body: bytes::Bytes,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The service's `x-acs-retry-after` (milliseconds, as the official SDKs read it) on a
/// throttled answer.
fn retry_after_of(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get("x-acs-retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms > 0)
}

fn request_id_of(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("x-acs-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

/// Sends a signed request over the network.
async fn send_network(
    client: &reqwest::Client,
    timeout: Duration,
    wire: &WireRequest,
) -> Result<Answer, ProxyError> {
    let mut req = client.post(wire.url());
    for (k, v) in wire.headers.iter().filter(|(k, _)| k != "host") {
        req = req.header(k.as_str(), v.as_str());
    }
    let secs = timeout.as_secs();
    let response = req.send().await.map_err(|e| classify(&e, secs))?;
    let status = response.status().as_u16();
    let content_type = content_type_of(response.headers());
    let request_id = request_id_of(response.headers());
    let retry_after_ms = retry_after_of(response.headers());
    let body = response.bytes().await.map_err(|e| classify(&e, secs))?;
    Ok(Answer {
        status,
        content_type,
        request_id,
        retry_after_ms,
        body,
    })
}

/// Hands a signed request to a router in this process.
async fn send_in_process(router: &axum::Router, wire: WireRequest) -> Result<Answer, ProxyError> {
    use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, Uri};
    use tower::ServiceExt;
    let broken = |e: String| ProxyError::UpstreamUnreachable(format!("embedded emulator: {e}"));
    // The request is put together part by part from what was signed, without the
    // builder's per-header copies.
    let uri = Uri::try_from(wire.target()).map_err(|e| broken(e.to_string()))?;
    let mut headers = HeaderMap::with_capacity(wire.headers.len() + 1);
    headers.insert(
        axum::http::header::USER_AGENT,
        HeaderValue::from_static(USER_AGENT),
    );
    for (k, v) in wire.headers {
        let name = HeaderName::from_bytes(k.as_bytes()).map_err(|e| broken(e.to_string()))?;
        let value = HeaderValue::try_from(v).map_err(|e| broken(e.to_string()))?;
        headers.append(name, value);
    }
    let mut req = Request::new(axum::body::Body::from(wire.body));
    *req.method_mut() = match wire.method {
        Method::Get => axum::http::Method::GET,
        Method::Post => axum::http::Method::POST,
    };
    *req.uri_mut() = uri;
    *req.headers_mut() = headers;
    let response = match router.clone().oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = response.status().as_u16();
    let content_type = content_type_of(response.headers());
    let request_id = request_id_of(response.headers());
    let retry_after_ms = retry_after_of(response.headers());
    let body = axum::body::to_bytes(response.into_body(), ANSWER_LIMIT)
        .await
        .map_err(|e| broken(e.to_string()))?;
    Ok(Answer {
        status,
        content_type,
        request_id,
        retry_after_ms,
        body,
    })
}

/// The largest answer taken from the embedded emulator.
const ANSWER_LIMIT: usize = 16 * 1024 * 1024;

const USER_AGENT: &str = concat!("rds-backup-proxy/", env!("CARGO_PKG_VERSION"));

fn content_type_of(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type")
        .to_owned()
}

/// What a transport error says about the call: not sent (no connection), or sent and
/// then no answer in time, or sent and then the connection broke. reqwest's messages name
/// the URL (no credentials in it: they travel in headers).
fn classify(e: &reqwest::Error, secs: u64) -> ProxyError {
    if e.is_connect() {
        ProxyError::UpstreamUnreachable(e.to_string())
    } else if e.is_timeout() {
        ProxyError::UpstreamTimeout(secs)
    } else {
        ProxyError::UpstreamBroken(e.to_string())
    }
}
