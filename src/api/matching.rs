//! `/matching`: candidates for a job, jobs for a candidate (seed 004 §5), and the match log.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;

use super::{Auth, Tag, page};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::matching::answer;
use crate::domain::matching::find::{
    CandidateMatches, CandidatesForJob, JobMatches, JobsForCandidate,
};
use crate::domain::matching::log::{self, MatchLogEntry};
use crate::error::Result;

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
        let who = auth.identity().allow(Permission::MATCHING)?;
        let answer = answer::candidates_for_job(&state, who, body.0).await?;
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
        let who = auth.identity().allow(Permission::MATCHING)?;
        let answer = answer::jobs_for_candidate(&state, who, body.0).await?;
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
