//! `/careers` (public, no auth): open public jobs across organisations, and applying to one.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Paging, Tag};
use crate::app::AppState;
use crate::domain::careers::{self, Applied, CareersApplication, PublicJob};
use crate::error::Error;

pub struct CareersApi;

crate::page_of!(PublicJobPage, PublicJob);

#[derive(ApiResponse)]
pub enum ApplyResponse {
    /// The application was received.
    #[oai(status = 201)]
    Created(Json<Applied>),
    /// This person had already applied to this job; nothing new was created (`dedup: true`).
    #[oai(status = 200)]
    AlreadyApplied(Json<Applied>),
}

#[OpenApi(prefix_path = "/careers", tag = "Tag::Careers")]
impl CareersApi {
    /// Open, public jobs of every organisation, newest first; `q` searches title, description and skills.
    #[oai(path = "/jobs", method = "get", operation_id = "careers_list_jobs")]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(max_length = 200))] q: Query<Option<String>>,
    ) -> Result<Json<PublicJobPage>, Error> {
        let page = Paging::new(skip.0, limit.0);
        let (items, total) = careers::list(
            &state.store,
            &state.indexer.search,
            None,
            q.0.as_deref(),
            page.skip,
            page.limit,
        )?;
        Ok(Json(PublicJobPage { items, total }))
    }

    /// One open, public job. Private, closed or unknown jobs are 404.
    #[oai(
        path = "/jobs/:job_id",
        method = "get",
        operation_id = "careers_get_job"
    )]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        job_id: Path<u64>,
    ) -> Result<Json<PublicJob>, Error> {
        Ok(Json(careers::get(&state.store, job_id.0)?))
    }

    /// Apply to an open, public job. The candidate is found by email (or created), and a
    /// repeated application is answered, not duplicated.
    #[oai(path = "/apply", method = "post", operation_id = "careers_apply")]
    async fn apply(
        &self,
        state: Data<&Arc<AppState>>,
        req: &poem::Request,
        body: Json<CareersApplication>,
    ) -> Result<ApplyResponse, Error> {
        let applied = careers::apply(
            &state.store,
            &state.indexer,
            body.0,
            super::client_ip(req),
            &state.config.effective_public_url(),
        )
        .await?;
        Ok(if applied.dedup {
            ApplyResponse::AlreadyApplied(Json(applied))
        } else {
            ApplyResponse::Created(Json(applied))
        })
    }
}
