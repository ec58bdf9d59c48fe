//! The periodic jobs of the instance, run by one in-process scheduler and on demand through
//! `POST /internal/cron/{job}` (for an outside cron, with the shared `internal.cron_secret`).

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use super::Background;
use crate::domain::indexing::Indexer;
use crate::domain::{digest, mail, privacy, tokens, users, webhooks};
use crate::error::Result;
use crate::store::Store;
use crate::time::Timestamp;

named_enum! {
    /// The jobs, by the name the cron route takes.
    pub enum CronJob {
        WebhookRetries = "webhook-retries",
        MailRetries = "mail-retries",
        ExpireTokens = "expire-tokens",
        Digest = "digest",
        Retention = "retention",
    }
}

impl CronJob {
    pub fn parse(name: &str) -> Option<CronJob> {
        CronJob::ALL.iter().copied().find(|j| j.as_str() == name)
    }

    /// How often the scheduler runs the job by itself (`None`: it does not).
    fn every(self) -> Option<Duration> {
        match self {
            CronJob::ExpireTokens => Some(Duration::from_secs(3600)),
            // Failed mail gets another round of attempts every six hours.
            CronJob::MailRetries => Some(Duration::from_secs(6 * 3600)),
            // The delivery worker already looks at its queue every `webhooks.poll_millis`.
            CronJob::WebhookRetries => None,
            // Each organisation's retention rule is applied once a day.
            CronJob::Retention => Some(Duration::from_secs(24 * 3600)),
            // New applicants are mailed to recruiters once a day.
            CronJob::Digest => Some(Duration::from_secs(24 * 3600)),
        }
    }
}

/// What one run of a job did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobRun {
    pub job: CronJob,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    /// In a sentence.
    pub summary: String,
    /// The job's numbers (JSON).
    pub details: serde_json::Value,
}

/// What the jobs work on.
#[derive(Clone)]
pub struct Jobs {
    pub store: Store,
    /// Writes that change searchable records (erasures).
    pub indexer: Indexer,
    /// Wakes the webhook delivery worker.
    pub webhooks: Arc<Notify>,
    /// Wakes the mail worker.
    pub mail: Arc<Notify>,
    /// The base of links in mails.
    pub public_url: String,
}

impl Jobs {
    /// Runs `job` now.
    pub async fn run(&self, job: CronJob) -> Result<JobRun> {
        let started_at = Timestamp::now();
        let (summary, details) = match job {
            CronJob::WebhookRetries => {
                let queued = webhooks::queue_depth(&self.store)?;
                self.webhooks.notify_one();
                (
                    format!(
                        "The delivery worker is sending the due ones of {queued} queued deliveries."
                    ),
                    json!({ "queued": queued }),
                )
            }
            CronJob::ExpireTokens => {
                let sessions = users::expire_sessions(&self.store).await?;
                let tokens = self
                    .store
                    .write(|tx| tokens::expire(tx, usize::MAX))
                    .await?;
                (
                    format!(
                        "Removed {sessions} expired sessions and {tokens} expired or used mail links."
                    ),
                    json!({ "sessions_removed": sessions, "tokens_removed": tokens }),
                )
            }
            CronJob::MailRetries => {
                let requeued = mail::retry_failed(&self.store).await?;
                let queued = mail::queue_depth(&self.store)?;
                self.mail.notify_one();
                (
                    format!(
                        "Queued {requeued} failed mails again; the mail worker is sending the due ones of {queued} queued."
                    ),
                    json!({ "requeued": requeued, "queued": queued }),
                )
            }
            CronJob::Digest => {
                let run = digest::send_all(&self.store, &self.public_url).await?;
                self.mail.notify_one();
                (
                    format!(
                        "Mailed {} digest(s) of {} new applicant(s) in {} organisation(s).",
                        run.mails, run.applicants, run.organisations
                    ),
                    json!(run),
                )
            }
            CronJob::Retention => {
                let run = privacy::apply_retention(&self.indexer, &self.store).await?;
                (
                    format!(
                        "Applied the retention rules of {} organisation(s): {} candidate(s) erased.",
                        run.organisations, run.candidates_erased
                    ),
                    json!(run),
                )
            }
        };
        Ok(JobRun {
            job,
            started_at,
            finished_at: Timestamp::now(),
            summary,
            details,
        })
    }
}

/// Runs each periodic job on its interval until stopped.
pub struct Scheduler {
    pub jobs: Jobs,
    task: Background,
}

impl Scheduler {
    pub fn start(jobs: Jobs) -> Scheduler {
        let for_task = jobs.clone();
        let task = Background::spawn(|_, stopped| schedule(for_task, stopped));
        Scheduler { jobs, task }
    }

    pub async fn stop(&self) {
        self.task.stop().await;
    }
}

async fn schedule(jobs: Jobs, mut stopped: watch::Receiver<bool>) {
    let start = Instant::now();
    let mut due: Vec<(CronJob, Duration, Instant)> = CronJob::ALL
        .iter()
        .filter_map(|job| job.every().map(|every| (*job, every, start + every)))
        .collect();
    while let Some(next) = due.iter_mut().min_by_key(|(_, _, at)| *at) {
        tokio::select! {
            _ = tokio::time::sleep_until(next.2) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        next.2 += next.1;
        let job = next.0;
        match jobs.run(job).await {
            Ok(run) => tracing::info!(job = %job, "{}", run.summary),
            Err(e) => tracing::warn!(job = %job, error = %e, "scheduled job failed"),
        }
    }
}
