//! `/matching`: candidates for a job, jobs for a candidate (seed 004 §5), and the match log.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;

use super::{Auth, Tag, page};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::matching::find::{
    self, CandidateMatches, CandidatesForJob, JobMatches, JobsForCandidate,
};
use crate::domain::matching::log::{self, MatchLogEntry};
use crate::domain::matching::semantic::{self, Strategy};
use crate::error::Result;
use crate::search::off_the_workers;

pub struct MatchingApi;

crate::cursor_page_of!(MatchLogPage, MatchLogEntry);

#[OpenApi(prefix_path = "/matching", tag = "Tag::Matching")]
impl MatchingApi {
    /// The candidates that best fit a job, best first: recalled through the index, scored on
    /// six axes (skills, experience, seniority, location, compensation, availability) with
    /// the organisation's `match_weights`. 404 when the job is not the caller's organisation's.
    #[oai(
        path = "/candidates_for_job",
        method = "post",
        operation_id = "match_candidates_for_job"
    )]
    async fn candidates_for_job(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<CandidatesForJob>,
    ) -> Result<Json<CandidateMatches>> {
        let who = auth.identity().allow(Permission::MATCHING)?.clone();
        let (state, tenant) = (Arc::clone(&state), who.tenant_id);
        let task_state = Arc::clone(&state);
        let (answer, logged) = off_the_workers(move || {
            let s = &task_state;
            match body.0.strategy.unwrap_or(semantic::DEFAULT_STRATEGY) {
                Strategy::Hybrid => find::candidates_for_job(
                    &s.store,
                    &s.indexer.search,
                    &s.matchers,
                    tenant,
                    &body.0,
                ),
                Strategy::Semantic => {
                    semantic::candidates_for_job(&s.indexer, &s.matchers, tenant, &body.0)
                }
            }
        })
        .await?;
        log::record(&state.store, &who, logged);
        Ok(Json(answer))
    }

    /// The open jobs that best fit a candidate, best first (as `candidates_for_job`, the other
    /// way). 404 when the candidate is not the caller's organisation's.
    #[oai(
        path = "/jobs_for_candidate",
        method = "post",
        operation_id = "match_jobs_for_candidate"
    )]
    async fn jobs_for_candidate(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<JobsForCandidate>,
    ) -> Result<Json<JobMatches>> {
        let who = auth.identity().allow(Permission::MATCHING)?.clone();
        let (state, tenant) = (Arc::clone(&state), who.tenant_id);
        let task_state = Arc::clone(&state);
        let (answer, logged) = off_the_workers(move || {
            let s = &task_state;
            match body.0.strategy.unwrap_or(semantic::DEFAULT_STRATEGY) {
                Strategy::Hybrid => find::jobs_for_candidate(
                    &s.store,
                    &s.indexer.search,
                    &s.matchers,
                    tenant,
                    &body.0,
                ),
                Strategy::Semantic => {
                    semantic::jobs_for_candidate(&s.indexer, &s.matchers, tenant, &body.0)
                }
            }
        })
        .await?;
        log::record(&state.store, &who, logged);
        Ok(Json(answer))
    }

    /// The organisation's matching answers, newest first. Pass `next_before` as `before` for
    /// older ones.
    #[oai(path = "/logs", method = "get", operation_id = "list_match_logs")]
    async fn logs(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        before: Query<Option<u64>>,
    ) -> Result<Json<MatchLogPage>> {
        let who = auth.identity().allow(Permission::MATCHING)?;
        let limit = limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize;
        let (items, has_more) = log::page(&state.store, who.tenant_id, before.0, limit)?;
        Ok(Json(MatchLogPage::of(items, has_more, |e| e.id)))
    }
}
