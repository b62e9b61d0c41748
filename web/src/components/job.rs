//! Where a send stands, and the panel that shows it.

use crate::api::{ApiError, Submission};
use crate::i18n::{Lang, Text, advice, t};
use yew::prelude::*;

/// Where a send stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// Nothing sent yet.
    Idle,
    /// On its way to the proxy.
    Sending,
    /// The answer was lost: the proxy is finding out whether the backup started.
    Checking {
        /// The submission the proxy is reconciling.
        submission: String,
    },
    /// The job, as the proxy follows it.
    Started {
        /// The submission.
        submission: String,
        /// `BackupJobId`.
        id: String,
        /// The proxy's record of it, once read.
        row: Option<Box<Submission>>,
    },
    /// Nothing was created (reconciliation found no job): it can be sent again.
    NotStarted {
        /// What the proxy found.
        message: String,
    },
    /// The proxy or the service refused it.
    Refused(ApiError),
}

impl Job {
    /// The submission to look at again, while something may still change.
    pub fn pending(&self) -> Option<String> {
        match self {
            Job::Checking { submission } => Some(submission.clone()),
            Job::Started {
                submission, row, ..
            } => (!row.as_ref().is_some_and(|r| r.r#final)).then(|| submission.clone()),
            _ => None,
        }
    }
}

/// Props of [`JobPanel`].
#[derive(Properties, PartialEq)]
pub struct JobProps {
    /// The console's language.
    pub lang: Lang,
    /// Where the send stands.
    pub job: Job,
    /// Bumped when a catalogue arrived (the advice is fetched after the first paint).
    #[prop_or_default]
    pub texts: u32,
}

/// The job panel: nothing, the refusal with what to do, checking, not started, or the
/// job followed to its end.
#[function_component(JobPanel)]
pub fn job_panel(p: &JobProps) -> Html {
    let l = p.lang;
    match &p.job {
        Job::Idle | Job::Sending => html! {},
        Job::Refused(e) => {
            let advice = advice(l, &e.code);
            html! {
                <section class="job error" role="alert" aria-live="assertive">
                    <h2>{ t(l, Text::FixThese) }</h2>
                    <p><code class="code">{ e.code.clone() }</code>{ " " }<samp class="service-message" lang="en">{ e.message.clone() }</samp></p>
                    if let Some((meaning, todo)) = advice {
                        <p><strong>{ t(l, Text::WhatItMeans) }{ ": " }</strong>{ meaning }</p>
                        <p><strong>{ t(l, Text::WhatToDo) }{ ": " }</strong>{ todo }</p>
                    }
                    if let Some(rid) = &e.request_id { <p class="hint">{ format!("RequestId {rid}") }</p> }
                </section>
            }
        }
        Job::Checking { submission } => html! {
            <section class="job checking" role="status" aria-live="polite">
                <h2>{ t(l, Text::Checking) }</h2>
                <p>{ t(l, Text::CheckingHint) }</p>
                <p class="hint">{ format!("SubmissionId {submission}") }</p>
            </section>
        },
        Job::NotStarted { message } => html! {
            <section class="job not-started" role="alert">
                <h2>{ t(l, Text::NotStarted) }</h2>
                <p>{ t(l, Text::NotStartedHint) }</p>
                if !message.is_empty() { <p class="hint"><samp lang="en">{ message.clone() }</samp></p> }
            </section>
        },
        Job::Started { id, row, .. } => {
            let status = row
                .as_ref()
                .and_then(|r| r.backup_status.clone())
                .unwrap_or_else(|| "NoStart".to_owned());
            let pct = row.as_ref().map_or(0, |r| r.percent());
            let backup = row.as_ref().and_then(|r| r.backup_id.clone());
            let reason = row.as_ref().and_then(|r| r.reason.clone());
            html! {
                <section class="job" aria-live="polite">
                    <h2>{ t(l, Text::JobStarted) }</h2>
                    <p>{ "BackupJobId " }<code class="job-id">{ id.clone() }</code></p>
                    <label for="job-progress">{ t(l, Text::Progress) }{ ": " }<code class="job-status">{ status.clone() }</code></label>
                    <progress id="job-progress" max="100" value={pct.to_string()}>{ format!("{pct}%") }</progress>
                    if status == "Finished" {
                        <p class="done">{ t(l, Text::Finished) }{ " · " }{ t(l, Text::BackupSet) }{ " " }<code class="backup-id">{ backup.unwrap_or_default() }</code></p>
                    }
                    if status == "Failed" {
                        <div class="problems job-failed">
                            <p><strong>{ t(l, Text::Failed) }</strong>if let Some(r) = reason { { ": " }<samp lang="en">{ r }</samp> }</p>
                            <p><strong>{ t(l, Text::WhatToDo) }{ ": " }</strong>{ t(l, Text::FailedNext) }</p>
                        </div>
                    }
                </section>
            }
        }
    }
}
