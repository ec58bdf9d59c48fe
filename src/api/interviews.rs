//! `/interviews`: scheduling, rescheduling, completing, scorecards, and `.ics` export.
//! Interviewers see only the interviews they sit on, and may only add their own scorecard.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag};
use crate::app::AppState;
use crate::auth::{Identity, Permission, Role};
use crate::domain::interviews::{
    self, Interview, InterviewFilter, InterviewPatch, InterviewStatus, NewInterview,
};
use crate::domain::users;
use crate::error::{Error, Result};
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

/// For an interviewer: the names they may appear under on a panel (email or full name).
fn panel_names(state: &AppState, who: &Identity) -> Result<Option<Vec<String>>> {
    if who.role != Role::Interviewer {
        return Ok(None);
    }
    let me = users::me(&state.store, who)?;
    Ok(Some(vec![
        me.email.to_lowercase(),
        me.full_name.to_lowercase(),
    ]))
}

fn sits_on(names: &Option<Vec<String>>, i: &Interview) -> bool {
    names.as_ref().is_none_or(|names| {
        i.interviewers
            .iter()
            .any(|p| names.contains(&p.to_lowercase()))
    })
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
        let names = panel_names(&state, who)?;
        if names.is_none() {
            let (items, total) =
                interviews::list(&state.store, who.tenant_id, &filter, page.skip, page.limit)?;
            return Ok(Json(InterviewPage { items, total }));
        }
        let (all, _) = interviews::list(&state.store, who.tenant_id, &filter, 0, usize::MAX)?;
        let mine: Vec<Interview> = all.into_iter().filter(|i| sits_on(&names, i)).collect();
        let total = mine.len() as u64;
        Ok(Json(InterviewPage {
            items: mine.into_iter().skip(page.skip).take(page.limit).collect(),
            total,
        }))
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
            interviews::schedule(&state.store, who, body.0).await?,
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
        let i = interviews::get(&state.store, who.tenant_id, interview_id.0)?;
        if !sits_on(&panel_names(&state, who)?, &i) {
            return Err(Error::not_found("Interview", interview_id.0));
        }
        Ok(Json(i))
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
        let identity = auth.identity();
        let mut patch = body.0;
        if identity.role == Role::Interviewer {
            let who = identity.allow(Permission::SCORECARDS_WRITE)?;
            let only_scorecard = patch.scheduled_at.is_undefined()
                && patch.duration_min.is_undefined()
                && patch.kind.is_undefined()
                && patch.location_or_url.is_undefined()
                && patch.interviewers.is_undefined()
                && patch.status.is_undefined();
            if !only_scorecard {
                return Err(Error::forbidden(
                    "Interviewers may only add their own scorecard",
                ));
            }
            let i = interviews::get(&state.store, who.tenant_id, interview_id.0)?;
            let names = panel_names(&state, who)?;
            if !sits_on(&names, &i) {
                return Err(Error::not_found("Interview", interview_id.0));
            }
            // An interviewer's scorecard is always their own.
            if let MaybeUndefined::Value(card) = &mut patch.add_scorecard {
                card.interviewer = users::me(&state.store, who)?.full_name;
            }
            return Ok(Json(
                interviews::update(&state.store, who, interview_id.0, patch).await?,
            ));
        }
        let who = identity.allow(Permission::INTERVIEWS_WRITE)?;
        Ok(Json(
            interviews::update(&state.store, who, interview_id.0, patch).await?,
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
        let i = interviews::get(&state.store, who.tenant_id, interview_id.0)?;
        if !sits_on(&panel_names(&state, who)?, &i) {
            return Err(Error::not_found("Interview", interview_id.0));
        }
        let host = state.config.effective_public_url();
        let host = host
            .split("://")
            .nth(1)
            .unwrap_or("hirebase")
            .split(['/', ':'])
            .next()
            .unwrap_or("hirebase")
            .to_string();
        let body = interviews::ics(&state.store, who.tenant_id, interview_id.0, &host)?;
        Ok(Calendar::Ics(
            PlainText(body),
            format!("attachment; filename=\"interview-{}.ics\"", interview_id.0),
        ))
    }
}
