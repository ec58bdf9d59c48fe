//! `/assistant/*` (seed 002's AI tools): screen, outreach, offer letter, interview questions,
//! job description, salary benchmark and transcript summary, each answered by the offline
//! engine or the configured endpoint, with the call's tokens and cost; and `/assistant/spend`.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::{Auth, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::assistant::tools::{
    self, InterviewQuestions, InterviewQuestionsRequest, JobDescription, JobDescriptionRequest,
    OfferLetter, OfferLetterRequest, Outreach, OutreachRequest, SalaryBenchmark,
    SalaryBenchmarkRequest, Screen, ScreenRequest, TranscriptSummary, TranscriptSummaryRequest,
};
use crate::domain::assistant::{self, Answered, Provenance, Spend, Window};
use crate::error::Result;

pub struct AssistantApi;

/// The answer of each tool: where it came from (flattened) and its result.
macro_rules! answer_of {
    ($name:ident, $result:ty) => {
        #[derive(Debug, Object)]
        pub struct $name {
            #[oai(flatten)]
            pub about: Provenance,
            pub result: $result,
        }

        impl From<Answered<$result>> for $name {
            fn from(a: Answered<$result>) -> $name {
                $name {
                    about: a.about,
                    result: a.result,
                }
            }
        }
    };
}

answer_of!(ScreenAnswer, Screen);
answer_of!(OutreachAnswer, Outreach);
answer_of!(OfferLetterAnswer, OfferLetter);
answer_of!(InterviewQuestionsAnswer, InterviewQuestions);
answer_of!(JobDescriptionAnswer, JobDescription);
answer_of!(SalaryBenchmarkAnswer, SalaryBenchmark);
answer_of!(TranscriptSummaryAnswer, TranscriptSummary);

#[OpenApi(prefix_path = "/assistant", tag = "Tag::Assistant")]
impl AssistantApi {
    /// Score a candidate against a job: `{match_score, verdict, strengths, concerns,
    /// recommendation}`, from the matching engine's six axes. Ids, or the records inline.
    /// Over the organisation's monthly budget → 402.
    #[oai(path = "/screen", method = "post", operation_id = "assistant_screen")]
    async fn screen(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<ScreenRequest>,
    ) -> Result<Json<ScreenAnswer>> {
        let who = auth.identity().allow(Permission::ASSISTANT)?;
        let req = body.0;
        let a = assistant::run(&state.assistant, &state.store, who, move |rx, t| {
            tools::screen(rx, t, req)
        })
        .await?;
        Ok(Json(a.into()))
    }

    /// Draft a message to a candidate about a job: `{subject, body, follow_up_body}`, in the
    /// `tone` asked for, signed by the caller.
    #[oai(
        path = "/outreach",
        method = "post",
        operation_id = "assistant_outreach"
    )]
    async fn outreach(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<OutreachRequest>,
    ) -> Result<Json<OutreachAnswer>> {
        let who = auth.identity().allow(Permission::ASSISTANT)?;
        let (req, user) = (body.0, who.user_id());
        let a = assistant::run(&state.assistant, &state.store, who, move |rx, t| {
            tools::outreach(rx, t, user, req)
        })
        .await?;
        Ok(Json(a.into()))
    }

    /// Draft an offer letter from an offer on record (`offer_id`), or from a candidate, a job
    /// and terms. Terms nobody set are left as `[placeholders]` and listed in `missing`.
    #[oai(
        path = "/offer-letter",
        method = "post",
        operation_id = "assistant_offer_letter"
    )]
    async fn offer_letter(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<OfferLetterRequest>,
    ) -> Result<Json<OfferLetterAnswer>> {
        let who = auth.identity().allow(Permission::ASSISTANT)?;
        let (req, user) = (body.0, who.user_id());
        let a = assistant::run(&state.assistant, &state.store, who, move |rx, t| {
            tools::offer_letter(rx, t, user, req)
        })
        .await?;
        Ok(Json(a.into()))
    }

    /// Interview questions for a job (or `{role, level, skills}`): technical, behavioral and
    /// scenario questions and red-flag signals, from the question bank by skill area and level.
    #[oai(
        path = "/interview-questions",
        method = "post",
        operation_id = "assistant_interview_questions"
    )]
    async fn interview_questions(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<InterviewQuestionsRequest>,
    ) -> Result<Json<InterviewQuestionsAnswer>> {
        let who = auth.identity().allow(Permission::ASSISTANT)?;
        let req = body.0;
        let a = assistant::run(&state.assistant, &state.store, who, move |rx, t| {
            tools::interview_questions(rx, t, req)
        })
        .await?;
        Ok(Json(a.into()))
    }

    /// Write a job description from a job (or one inline) and an optional brief.
    #[oai(
        path = "/job-description",
        method = "post",
        operation_id = "assistant_job_description"
    )]
    async fn job_description(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<JobDescriptionRequest>,
    ) -> Result<Json<JobDescriptionAnswer>> {
        let who = auth.identity().allow(Permission::ASSISTANT)?;
        let req = body.0;
        let a = assistant::run(&state.assistant, &state.store, who, move |rx, t| {
            tools::job_description(rx, t, req)
        })
        .await?;
        Ok(Json(a.into()))
    }

    /// Salary percentiles (p10–p90) and sample size from the organisation's own jobs' salary
    /// ranges and offers, filtered by title, level and location (relaxed, and said so, when
    /// too few match). A sample under 5 is flagged as an indication, not a benchmark.
    #[oai(
        path = "/salary-benchmark",
        method = "post",
        operation_id = "assistant_salary_benchmark"
    )]
    async fn salary_benchmark(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<SalaryBenchmarkRequest>,
    ) -> Result<Json<SalaryBenchmarkAnswer>> {
        let who = auth.identity().allow(Permission::ASSISTANT)?;
        let req = body.0;
        let a = assistant::run(&state.assistant, &state.store, who, move |rx, t| {
            tools::salary_benchmark(rx, t, req)
        })
        .await?;
        Ok(Json(a.into()))
    }

    /// Summarise an interview transcript (or an interview's scorecard notes): topics,
    /// strengths, concerns, and the job's skills it covered.
    #[oai(
        path = "/transcript-summary",
        method = "post",
        operation_id = "assistant_transcript_summary"
    )]
    async fn transcript_summary(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<TranscriptSummaryRequest>,
    ) -> Result<Json<TranscriptSummaryAnswer>> {
        let who = auth.identity().allow(Permission::ASSISTANT)?;
        let req = body.0;
        let a = assistant::run(&state.assistant, &state.store, who, move |rx, t| {
            tools::transcript_summary(rx, t, req)
        })
        .await?;
        Ok(Json(a.into()))
    }

    /// Tokens and USD spent by the organisation's assistant calls in the window (`24h`, `7d`,
    /// `30d` (default) or `all`), by tool, and this month against the monthly budget.
    #[oai(path = "/spend", method = "get", operation_id = "assistant_spend")]
    async fn spend(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        window: Query<Option<Window>>,
    ) -> Result<Json<Spend>> {
        let who = auth.identity().allow(Permission::ASSISTANT_SPEND)?;
        Ok(Json(assistant::spend(
            &state.assistant,
            &state.store,
            who.tenant_id,
            window.0.unwrap_or(Window::Month),
        )?))
    }
}
