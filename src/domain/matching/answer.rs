//! The two matching questions answered as the API and the agent ask them: with the strategy
//! asked for (hybrid by default), off the async workers, and logged to the match log.

use std::sync::Arc;

use super::find::{self, CandidateMatches, CandidatesForJob, JobMatches, JobsForCandidate};
use super::log;
use super::semantic::{self, Strategy};
use crate::app::AppState;
use crate::auth::Identity;
use crate::error::Result;
use crate::search::in_turn;

/// The candidates that best fit job `req.job_id` (404 when it is not the caller's tenant's).
pub async fn candidates_for_job(
    state: &Arc<AppState>,
    who: &Identity,
    req: CandidatesForJob,
) -> Result<CandidateMatches> {
    let (s, tenant) = (Arc::clone(state), who.tenant_id);
    let (answer, logged) =
        in_turn(
            move || match req.strategy.unwrap_or(semantic::DEFAULT_STRATEGY) {
                Strategy::Hybrid => {
                    find::candidates_for_job(&s.store, &s.indexer.search, &s.matchers, tenant, &req)
                }
                Strategy::Semantic => {
                    semantic::candidates_for_job(&s.indexer, &s.matchers, tenant, &req)
                }
            },
        )
        .await?;
    log::record(&state.store, who, logged);
    Ok(answer)
}

/// The open jobs that best fit candidate `req.candidate_id` (404 when it is not the caller's
/// tenant's).
pub async fn jobs_for_candidate(
    state: &Arc<AppState>,
    who: &Identity,
    req: JobsForCandidate,
) -> Result<JobMatches> {
    let (s, tenant) = (Arc::clone(state), who.tenant_id);
    let (answer, logged) =
        in_turn(
            move || match req.strategy.unwrap_or(semantic::DEFAULT_STRATEGY) {
                Strategy::Hybrid => {
                    find::jobs_for_candidate(&s.store, &s.indexer.search, &s.matchers, tenant, &req)
                }
                Strategy::Semantic => {
                    semantic::jobs_for_candidate(&s.indexer, &s.matchers, tenant, &req)
                }
            },
        )
        .await?;
    log::record(&state.store, who, logged);
    Ok(answer)
}
