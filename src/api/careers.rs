//! `/careers` (public, no auth): open public jobs across organisations, and applying to one.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiRequest, ApiResponse, Multipart, OpenApi};

use super::uploads::FilePart;
use super::{Paging, Tag, comma_list};
use crate::app::AppState;
use crate::domain::careers::{self, Applied, CareersApplication, PublicJob};
use crate::error::Error;

/// The application form as multipart, with an optional `resume` file.
#[derive(Multipart)]
pub struct CareersApplicationForm {
    job_id: u64,
    #[oai(validator(min_length = 1, max_length = 200))]
    full_name: String,
    #[oai(validator(max_length = 254))]
    email: String,
    #[oai(validator(max_length = 40))]
    phone: Option<String>,
    #[oai(validator(maximum(value = "70")))]
    experience_years: Option<u32>,
    /// Comma-separated.
    #[oai(validator(max_length = 2000))]
    skills: Option<String>,
    #[oai(validator(max_length = 500))]
    linkedin_url: Option<String>,
    #[oai(validator(max_length = 5000))]
    message: Option<String>,
    /// `true`: the applicant accepts the organisation's privacy notice (required while it has one).
    consent: Option<bool>,
    /// A resume: PDF, DOC, DOCX, ODT, RTF, TXT (by content), at most `limits.upload_max_bytes`.
    resume: Option<FilePart>,
}

#[derive(ApiRequest)]
pub enum ApplyRequest {
    /// The application as JSON.
    Json(Json<CareersApplication>),
    /// The application as a form, with an optional `resume` file.
    Form(CareersApplicationForm),
}

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

    /// Apply to an open, public job, as JSON or as a multipart form with an optional
    /// `resume` file (kept with the candidate, its text searchable). The candidate is found
    /// by email (or created), and a repeated application is answered, not duplicated.
    #[oai(path = "/apply", method = "post", operation_id = "careers_apply")]
    async fn apply(
        &self,
        state: Data<&Arc<AppState>>,
        req: &poem::Request,
        body: ApplyRequest,
    ) -> Result<ApplyResponse, Error> {
        let (input, resume) = match body {
            ApplyRequest::Json(json) => (json.0, None),
            ApplyRequest::Form(form) => {
                let skills = comma_list(form.skills);
                let input = CareersApplication {
                    job_id: form.job_id,
                    full_name: form.full_name,
                    email: form.email,
                    phone: form.phone,
                    experience_years: form.experience_years,
                    skills: (!skills.is_empty()).then_some(skills),
                    linkedin_url: form.linkedin_url,
                    message: form.message,
                    consent: form.consent,
                };
                (input, form.resume)
            }
        };
        let resume = match resume {
            Some(file) => Some(
                careers::read_resume(
                    &state.extractor,
                    file.incoming(),
                    state.config.limits.upload_max_bytes,
                )
                .await?,
            ),
            None => None,
        };
        let applied = careers::apply(
            &state.store,
            &state.indexer,
            input,
            resume,
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
