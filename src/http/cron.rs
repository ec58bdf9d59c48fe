//! `POST /internal/cron/{job}`: runs one scheduled job now, for an outside cron. It answers
//! only to `Authorization: Bearer <internal.cron_secret>`; with no secret configured the route
//! does not exist (404), so an install that never set one exposes nothing.

use std::sync::Arc;

use poem::web::{Json, Path};
use poem::{Request, handler};
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::error::{Code, Error};
use crate::workers::scheduler::{CronJob, JobRun};

#[handler]
pub async fn run(req: &Request, Path(job): Path<String>) -> poem::Result<Json<JobRun>> {
    let state = req.data::<Arc<AppState>>().expect("state");
    let secret = &state.config.internal.cron_secret;
    if secret.is_empty() {
        return Err(Error::new(Code::NotFound, "No resource exists at this path.").into());
    }
    let given = req
        .headers()
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as digests: equal-length values, so the time taken says nothing of the secret.
    if Sha256::digest(given.trim()) != Sha256::digest(secret) {
        return Err(Error::unauthenticated(
            "The cron route needs `Authorization: Bearer <internal.cron_secret>`.",
        )
        .into());
    }
    let Some(job) = CronJob::parse(&job) else {
        let known: Vec<&str> = CronJob::ALL.iter().map(|j| j.as_str()).collect();
        return Err(Error::new(
            Code::NotFound,
            format!(
                "There is no job {job:?}; the jobs are {}.",
                known.join(", ")
            ),
        )
        .into());
    };
    tracing::info!(job = %job, "running a job on request of the cron route");
    Ok(Json(state.scheduler.jobs.run(job).await?))
}
