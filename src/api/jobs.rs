//! `/jobs` (seed 004): requisitions of the caller's organisation.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::jobs::{self, Job, JobFilter, JobPatch, JobStatus, NewJob};
use crate::error::Error;

pub struct JobsApi;

crate::page_of!(JobPage, Job);

#[derive(ApiResponse)]
pub enum JobCreated {
    #[oai(status = 201)]
    Created(Json<Job>),
}

#[OpenApi(prefix_path = "/jobs", tag = "Tag::Jobs")]
impl JobsApi {
    /// Jobs, newest first; with `q`, ranked full-text search over title, description and skills.
    #[oai(path = "/", method = "get", operation_id = "list_jobs")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        /// `draft`, `open`, `on_hold` or `closed`.
        status_filter: Query<Option<JobStatus>>,
        #[oai(validator(max_length = 200))] q: Query<Option<String>>,
        /// Only the jobs of this subsidiary.
        subsidiary_id: Query<Option<u64>>,
    ) -> Result<Json<JobPage>, Error> {
        let who = auth.identity().allow(Permission::JOBS_READ)?;
        let page = Paging::new(skip.0, limit.0);
        let filter = JobFilter {
            q: q.0,
            status: status_filter.0,
            subsidiary_id: subsidiary_id.0,
        };
        let (items, total) = jobs::list(
            &state.store,
            &state.indexer.search,
            who.tenant_id,
            &filter,
            page.skip,
            page.limit,
        )?;
        Ok(Json(JobPage { items, total }))
    }

    /// Create a job. `title` is required; `subsidiary_id`, if given, must name a subsidiary of
    /// the organisation (400 otherwise).
    #[oai(path = "/", method = "post", operation_id = "create_job")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewJob>,
    ) -> Result<JobCreated, Error> {
        let who = auth.identity().allow(Permission::JOBS_WRITE)?;
        Ok(JobCreated::Created(Json(
            jobs::create(&state.indexer, who, body.0).await?,
        )))
    }

    #[oai(path = "/:job_id", method = "get", operation_id = "get_job")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        job_id: Path<u64>,
    ) -> Result<Json<Job>, Error> {
        let who = auth.identity().allow(Permission::JOBS_READ)?;
        Ok(Json(jobs::get(&state.store, who.tenant_id, job_id.0)?))
    }

    /// Change some fields: absent fields stay, `null` clears a nullable one.
    #[oai(path = "/:job_id", method = "patch", operation_id = "update_job")]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        job_id: Path<u64>,
        body: Json<JobPatch>,
    ) -> Result<Json<Job>, Error> {
        let who = auth.identity().allow(Permission::JOBS_WRITE)?;
        Ok(Json(
            jobs::update(&state.indexer, who, job_id.0, body.0).await?,
        ))
    }

    /// Delete a job with its applications.
    #[oai(path = "/:job_id", method = "delete", operation_id = "delete_job")]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        job_id: Path<u64>,
    ) -> Result<Deleted, Error> {
        let who = auth.identity().allow(Permission::JOBS_WRITE)?;
        jobs::delete(&state.indexer, who, job_id.0).await?;
        Ok(Deleted::Done)
    }
}
