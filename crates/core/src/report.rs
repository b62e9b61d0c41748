//! The verdict on a request in the one shape every tool prints:
//! `{"ok", "errors": [{"code", "field", "message"}], "params"}`.

use crate::check::{Context, Problem, validate};
use crate::request::{CreateBackup, Draft, Params};
use serde::{Deserialize, Serialize};

/// One error as tools print it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorItem {
    /// The API's error code (or an `InvalidInput.*` code for unusable input).
    pub code: String,
    /// The field at fault (`""` for the whole input).
    pub field: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl From<&Problem> for ErrorItem {
    fn from(p: &Problem) -> Self {
        ErrorItem {
            code: p.code.as_str().to_owned(),
            field: p.field.as_str().to_owned(),
            message: p.message.clone(),
        }
    }
}

/// The rule a valid request follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    /// The rule's id in the table.
    pub id: &'static str,
    /// What it does.
    pub summary: &'static str,
}

/// The verdict on one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// True when the request can be sent.
    pub ok: bool,
    /// Every problem found (empty when ok).
    pub errors: Vec<ErrorItem>,
    /// The parameters that would be sent, in order (null when refused).
    pub params: Option<Params>,
    /// The combination followed (absent when refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleRef>,
}

impl Report {
    /// Validates `draft` and reports.
    pub fn check(ctx: &Context, draft: &Draft) -> Report {
        match validate(ctx, draft) {
            Ok(req) => Report::accepted(&req),
            Err(problems) => Report::refused(problems.iter().map(ErrorItem::from).collect()),
        }
    }

    /// The report on a request that passed.
    pub fn accepted(req: &CreateBackup) -> Report {
        Report {
            ok: true,
            errors: Vec::new(),
            params: Some(req.params()),
            rule: Some(RuleRef {
                id: req.rule().id,
                summary: req.rule().summary,
            }),
        }
    }

    /// A refusal with these errors.
    pub fn refused(errors: Vec<ErrorItem>) -> Report {
        Report {
            ok: false,
            errors,
            params: None,
            rule: None,
        }
    }
}

/// A request id shaped like the service's (`2C125605-266F-41CA-8AC5-3A643D4F42C5`),
/// from a per-process random `seed` and a counter `n`: unique per (seed, n).
pub fn request_id(seed: u64, n: u64) -> String {
    let a = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let b = a.rotate_left(29) ^ 0xD6E8_FEB8_6659_FD93;
    format!(
        "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}
