//! `/interviews`: scheduling, rescheduling, completing, scorecards, and `.ics` export.
//! Interviewers see only the interviews they sit on, and may only add their own scorecard
//! (rules of `domain::interviews`, checked inside its transactions).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::interviews::{
    self, Interview, InterviewFilter, InterviewPatch, InterviewStatus, NewInterview,
};
use crate::error::Result;
use crate::time::Timestamp;

pub struct InterviewsApi;

crate::page_of!(InterviewPage, Interview);

#[derive(ApiResponse)]
pub enum Scheduled {
    #[oai(status = 201)]
    Created(Json<Interview>),
}

#[derive(ApiResponse)]
pub enum Calendar {
    /// An iCalendar (RFC 5545) file with one event.
    #[oai(status = 200, content_type = "text/calendar; charset=utf-8")]
    Ics(
        PlainText<String>,
        #[oai(header = "Content-Disposition")] String,
    ),
}

#[OpenApi(prefix_path = "/interviews", tag = "Tag::Interviews")]
impl InterviewsApi {
    /// Interviews, soonest first; `from`/`to` bound `scheduled_at`.
    #[oai(path = "/", method = "get", operation_id = "list_interviews")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        candidate_id: Query<Option<u64>>,
        job_id: Query<Option<u64>>,
        status: Query<Option<InterviewStatus>>,
        from: Query<Option<Timestamp>>,
        to: Query<Option<Timestamp>>,
    ) -> Result<Json<InterviewPage>> {
        let who = auth.identity().allow(Permission::INTERVIEWS_READ)?;
        let page = Paging::new(skip.0, limit.0);
        let filter = InterviewFilter {
            candidate_id: candidate_id.0,
            job_id: job_id.0,
            status: status.0,
            from: from.0,
            to: to.0,
        };
        let (items, total) = interviews::list(&state.store, who, &filter, page.skip, page.limit)?;
        Ok(Json(InterviewPage { items, total }))
    }

    /// Schedule an interview. The candidate's application to the job moves to `interview` if
    /// it was earlier in the pipeline (or is created there).
    #[oai(path = "/", method = "post", operation_id = "schedule_interview")]
    async fn schedule(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewInterview>,
    ) -> Result<Scheduled> {
        let who = auth.identity().allow(Permission::INTERVIEWS_WRITE)?;
        Ok(Scheduled::Created(Json(
            interviews::schedule(
                &state.store,
                who,
                body.0,
                &state.config.effective_public_url(),
            )
            .await?,
        )))
    }

    #[oai(
        path = "/:interview_id",
        method = "get",
        operation_id = "get_interview"
    )]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        interview_id: Path<u64>,
    ) -> Result<Json<Interview>> {
        let who = auth.identity().allow(Permission::INTERVIEWS_READ)?;
        Ok(Json(interviews::get(&state.store, who, interview_id.0)?))
    }

    /// Reschedule, change, complete or cancel, or add a scorecard with `add_scorecard`.
    #[oai(
        path = "/:interview_id",
        method = "patch",
        operation_id = "update_interview"
    )]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        interview_id: Path<u64>,
        body: Json<InterviewPatch>,
    ) -> Result<Json<Interview>> {
        // Which permission applies depends on what the patch changes: the domain decides.
        Ok(Json(
            interviews::update(
                &state.store,
                auth.identity(),
                interview_id.0,
                body.0,
                &state.config.effective_public_url(),
            )
            .await?,
        ))
    }

    #[oai(
        path = "/:interview_id",
        method = "delete",
        operation_id = "delete_interview"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        interview_id: Path<u64>,
    ) -> Result<Deleted> {
        let who = auth.identity().allow(Permission::INTERVIEWS_DELETE)?;
        interviews::delete(&state.store, who, interview_id.0).await?;
        Ok(Deleted::Done)
    }

    /// The interview as an iCalendar event, for any calendar app.
    #[oai(
        path = "/:interview_id/ics",
        method = "get",
        operation_id = "interview_ics"
    )]
    async fn ics(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        interview_id: Path<u64>,
    ) -> Result<Calendar> {
        let who = auth.identity().allow(Permission::INTERVIEWS_READ)?;
        let host = interviews::host_of(&state.config.effective_public_url());
        let body = interviews::ics(&state.store, who, interview_id.0, &host)?;
        Ok(Calendar::Ics(
            PlainText(body),
            format!("attachment; filename=\"interview-{}.ics\"", interview_id.0),
        ))
    }
}
