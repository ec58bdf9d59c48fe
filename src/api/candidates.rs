//! `/candidates` (seed 004): people in the organisation's talent pool.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::payload::JsonBody;
use super::{Auth, Deleted, Paging, Tag, comma_list};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::candidates::{
    self, Candidate, CandidateFilter, CandidatePatch, NewCandidate, SearchMode,
};
use crate::domain::import::{self, ImportReport, ImportRequest};
use crate::domain::privacy::{self, Erasure};
use crate::error::{Error, Validator};
use crate::search;

pub struct CandidatesApi;

// Answered as `JsonBody`: serde writes the page (see `payload`).
crate::page_of!(CandidatePage, Candidate, serde::Serialize);

#[derive(ApiResponse)]
pub enum CandidateCreated {
    #[oai(status = 201)]
    Created(Json<Candidate>),
}

#[OpenApi(prefix_path = "/candidates", tag = "Tag::Candidates")]
impl CandidatesApi {
    /// Candidates, newest first (an agency's people: those their agency submitted). `q` is ranked full-text search over name, headline, titles,
    /// company, skills and notes, tolerant of a typo and of an unfinished last word; the
    /// filters combine with it and with each other.
    #[oai(path = "/", method = "get", operation_id = "list_candidates")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(max_length = 200))] q: Query<Option<String>>,
        /// Comma-separated; every skill must be present (case-insensitive).
        #[oai(validator(max_length = 500))]
        skills: Query<Option<String>>,
        #[oai(validator(max_length = 50))] tag: Query<Option<String>>,
        /// Every word must appear in the candidate's location.
        #[oai(validator(max_length = 120))]
        location: Query<Option<String>>,
        #[oai(validator(maximum(value = "70")))] min_experience: Query<Option<u32>>,
        #[oai(validator(maximum(value = "70")))] max_experience: Query<Option<u32>>,
        /// How `q` ranks: `keyword` (BM25 over the words) or `semantic` (BM25 and similarity
        /// of meaning, fused by reciprocal rank: finds paraphrases and related terms).
        mode: Query<Option<SearchMode>>,
    ) -> Result<JsonBody<CandidatePage>, Error> {
        let who = auth.identity().allow(Permission::CANDIDATES_READ)?;
        if let (Some(min), Some(max)) = (min_experience.0, max_experience.0) {
            Validator::new()
                .check(
                    min <= max,
                    "min_experience",
                    "must not exceed max_experience",
                )
                .finish()?;
        }
        let page = Paging::new(skip.0, limit.0);
        let filter = CandidateFilter {
            q: q.0,
            skills: comma_list(skills.0),
            tag: tag.0.filter(|t| !t.trim().is_empty()),
            location: location.0.filter(|l| !l.trim().is_empty()),
            min_experience: min_experience.0,
            max_experience: max_experience.0,
        };
        let (state, who) = (Arc::clone(&state), who.clone());
        let mode = mode.0.unwrap_or(candidates::DEFAULT_MODE);
        let (items, total) = match mode {
            SearchMode::Keyword => {
                search::off_the_workers(move || {
                    candidates::list(
                        &state.store,
                        &state.indexer.search,
                        &who,
                        &filter,
                        page.skip,
                        page.limit,
                    )
                })
                .await?
            }
            // Every query by meaning scans the tenant's vectors: in turn (see `in_turn`).
            SearchMode::Semantic => {
                search::in_turn(move || {
                    candidates::list_by_meaning(
                        &state.store,
                        &state.indexer,
                        &who,
                        &filter,
                        page.skip,
                        page.limit,
                    )
                })
                .await?
            }
        };
        Ok(JsonBody(CandidatePage { items, total }))
    }

    /// Add a candidate. `full_name` is required; an email already used by another candidate → 409.
    #[oai(path = "/", method = "post", operation_id = "create_candidate")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewCandidate>,
    ) -> Result<CandidateCreated, Error> {
        let who = auth.identity().allow(Permission::CANDIDATES_WRITE)?;
        Ok(CandidateCreated::Created(Json(
            candidates::create(&state.indexer, who, body.0).await?,
        )))
    }

    /// Import up to 500 candidates in one call, deduplicated by email (an existing candidate is
    /// updated with what the row provides), each optionally into a job's pipeline. Invalid rows
    /// are reported by position; every valid row lands in one commit.
    #[oai(path = "/import", method = "post", operation_id = "import_candidates")]
    async fn import(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<ImportRequest>,
    ) -> Result<Json<ImportReport>, Error> {
        let who = auth.identity().allow(Permission::CANDIDATES_IMPORT)?;
        Ok(Json(import::import(&state.indexer, who, body.0).await?))
    }

    #[oai(
        path = "/:candidate_id",
        method = "get",
        operation_id = "get_candidate"
    )]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        candidate_id: Path<u64>,
    ) -> Result<Json<Candidate>, Error> {
        let who = auth.identity().allow(Permission::CANDIDATES_READ)?;
        Ok(Json(candidates::get(&state.store, who, candidate_id.0)?))
    }

    /// Change some fields: absent fields stay, `null` clears a nullable one.
    #[oai(
        path = "/:candidate_id",
        method = "patch",
        operation_id = "update_candidate"
    )]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        candidate_id: Path<u64>,
        body: Json<CandidatePatch>,
    ) -> Result<Json<Candidate>, Error> {
        let who = auth.identity().allow(Permission::CANDIDATES_WRITE)?;
        Ok(Json(
            candidates::update(&state.indexer, who, candidate_id.0, body.0).await?,
        ))
    }

    /// Erase a candidate everywhere (the right to be forgotten): the candidate, their
    /// applications with their history, interviews, offers, match-log mentions, search
    /// entry, and queued webhooks and mails about them. Audit entries about them stay in the
    /// chain with their personal data dropped (`/audit/verify` still passes), and the erasure
    /// is recorded. `dry_run=true` answers what would be removed and changes nothing.
    #[oai(
        path = "/:candidate_id/erase",
        method = "post",
        operation_id = "erase_candidate"
    )]
    async fn erase(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        candidate_id: Path<u64>,
        dry_run: Query<Option<bool>>,
    ) -> Result<Json<Erasure>, Error> {
        let who = auth.identity().allow(Permission::CANDIDATES_ERASE)?;
        let dry_run = dry_run.0.unwrap_or(false);
        Ok(Json(
            privacy::erase(&state.indexer, &state.store, who, candidate_id.0, dry_run).await?,
        ))
    }

    /// Delete a candidate with their applications.
    #[oai(
        path = "/:candidate_id",
        method = "delete",
        operation_id = "delete_candidate"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        candidate_id: Path<u64>,
    ) -> Result<Deleted, Error> {
        let who = auth.identity().allow(Permission::CANDIDATES_DELETE)?;
        candidates::delete(&state.indexer, who, candidate_id.0).await?;
        Ok(Deleted::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    #[test]
    fn serde_writes_a_page_of_candidates_as_the_schema_says() {
        let now = Timestamp::now();
        let bare = Candidate {
            id: 1,
            org_id: 2,
            full_name: "Ada Obi".into(),
            email: None,
            phone: None,
            headline: None,
            location: None,
            experience_years: None,
            current_title: None,
            current_company: None,
            linkedin_url: None,
            github_url: None,
            website_url: None,
            notes: None,
            skills: vec![],
            tags: vec![],
            source: None,
            expected_salary_min: None,
            expected_salary_max: None,
            expected_salary_currency: None,
            availability: None,
            notice_period_days: None,
            remote_preference: None,
            willing_to_relocate: None,
            agency_id: None,
            created_at: now,
            updated_at: now,
        };
        let full = Candidate {
            email: Some("ada@example.com".into()),
            headline: Some("Nurse \"on call\" — Lagos".into()),
            experience_years: Some(7),
            skills: vec!["Triage".into()],
            tags: vec!["night".into()],
            expected_salary_min: Some(40_000),
            availability: Some(crate::domain::matching::Availability::NoticePeriod),
            notice_period_days: Some(30),
            remote_preference: Some(crate::domain::matching::WorkMode::Hybrid),
            willing_to_relocate: Some(false),
            agency_id: Some(9),
            ..bare.clone()
        };
        let page = CandidatePage {
            items: vec![bare, full],
            total: 2,
        };
        assert!(crate::api::payload::same_json(&page));
    }
}
