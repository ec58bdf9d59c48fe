//! `/agent` (seed 004 §6–§8): records made from documents.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Multipart, Object, OpenApi};

use super::uploads::FilePart;
use super::{Auth, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::agent::chat::{self, ChatReply, ChatRequest};
use crate::domain::agent::conversations::{
    self, Conversation, ConversationSummary, ConversationView,
};
use crate::domain::agent::{self, FromPrompt, FromReq};
use crate::domain::resumes::{self, FromResume};
use crate::domain::uploads;
use crate::error::Error;

pub struct AgentApi;

crate::cursor_page_of!(ConversationPage, ConversationSummary);

#[derive(Debug, Clone, Object)]
pub struct PromptBody {
    /// The job in words: "We need a Senior Backend Engineer in NYC with Python, FastAPI and
    /// PostgreSQL, hybrid, $160k-$200k; Kubernetes is a plus."
    #[oai(validator(max_length = 50000))]
    pub prompt: String,
}

#[derive(Multipart)]
pub struct ReqForm {
    /// The job description: PDF, DOCX, ODT, RTF or TXT (read by content), at most
    /// `limits.upload_max_bytes`.
    job_req: FilePart,
    /// The recruiter's notes: read for what the file leaves out, appended to the description.
    #[oai(validator(max_length = 5000))]
    notes: Option<String>,
}

#[derive(Multipart)]
pub struct ResumeForm {
    /// The resume: PDF, DOCX, ODT, RTF or TXT (read by content), at most
    /// `limits.upload_max_bytes`.
    resume: FilePart,
    /// The recruiter's notes, appended to the candidate's notes.
    #[oai(validator(max_length = 5000))]
    notes: Option<String>,
}

#[OpenApi(prefix_path = "/agent", tag = "Tag::Agent")]
impl AgentApi {
    /// Create a candidate from a resume (multipart `resume` + optional `notes`): name, email,
    /// phone, links, skills, current title and company, years of experience and location
    /// are read from it; a candidate with the same email is updated instead. The file is
    /// kept, linked to the candidate, and its text is searchable with the candidate.
    /// `preview=true` only reads the resume and answers what would be made (`candidate.id`
    /// 0, no `upload`): for a person to review before creating.
    #[oai(
        path = "/candidates/from_resume",
        method = "post",
        operation_id = "agent_candidate_from_resume"
    )]
    async fn candidate_from_resume(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        preview: Query<Option<bool>>,
        form: ResumeForm,
    ) -> Result<Json<FromResume>, Error> {
        let who = auth.identity().allow(Permission::CANDIDATES_WRITE)?;
        let file = uploads::accept(
            form.resume.incoming(),
            "resume",
            state.config.limits.upload_max_bytes,
        )?;
        let made = resumes::create_candidate(
            &state.indexer,
            &state.extractor,
            who,
            file,
            form.notes,
            preview.0.unwrap_or(false),
        )
        .await?;
        Ok(Json(made))
    }

    /// Talk to the recruiting agent: "list jobs", "show open jobs", "list candidates",
    /// "summarize candidate 3" (or "summarize Jane Doe"), "match candidates for job 5",
    /// "match jobs for candidate 7", "pipeline for job 5", "create a new job for …", "help".
    /// Answers come from the organisation's own records; `conversation_id` (from the first
    /// reply) continues a conversation, so "it", "them", "that job" and "the first one"
    /// mean what it was about. What the caller's role may not do is declined in the reply
    /// (`refused`), changing nothing.
    #[oai(path = "/chat", method = "post", operation_id = "agent_chat")]
    async fn chat(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<ChatRequest>,
    ) -> Result<Json<ChatReply>, Error> {
        let who = auth.identity().allow(Permission::JOBS_READ)?;
        Ok(Json(chat::chat(&state, who, body.0).await?))
    }

    /// Your own conversations with the agent (the caller's: a person's or an API key's),
    /// newest first. Pass `next_before` as `before` for older ones.
    #[oai(
        path = "/conversations",
        method = "get",
        operation_id = "agent_list_conversations"
    )]
    async fn conversations(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        before: Query<Option<u64>>,
    ) -> Result<Json<ConversationPage>, Error> {
        let who = auth.identity().allow(Permission::JOBS_READ)?;
        let limit = limit.0.unwrap_or(super::page::DEFAULT_LIMIT) as usize;
        let (items, has_more) = conversations::page(&state.store, who, before.0, limit)?;
        Ok(Json(ConversationPage::of(items, has_more, |c| c.id)))
    }

    /// One of your conversations with every turn kept (the last 50), oldest first, to read
    /// it again or continue it (`conversation_id` on `/agent/chat`). Another person's or
    /// another organisation's → 404.
    #[oai(
        path = "/conversations/:id",
        method = "get",
        operation_id = "agent_get_conversation"
    )]
    async fn conversation(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        id: Path<u64>,
    ) -> Result<Json<ConversationView>, Error> {
        let who = auth.identity().allow(Permission::JOBS_READ)?;
        Ok(Json(Conversation::load(&state.store, who, id.0)?.view()))
    }

    /// Create a job from a description in words: title, level, department, location, remote
    /// option, employment type, salary range and currency, required and nice-to-have skills
    /// are read from it; the prompt becomes the description. `preview=true` only reads it
    /// (`job.id` 0, nothing stored), for a person to review first.
    #[oai(
        path = "/jobs/from_prompt",
        method = "post",
        operation_id = "agent_job_from_prompt"
    )]
    async fn job_from_prompt(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        preview: Query<Option<bool>>,
        body: Json<PromptBody>,
    ) -> Result<Json<FromPrompt>, Error> {
        let who = auth.identity().allow(Permission::JOBS_WRITE)?;
        let prompt = body.0.prompt;
        let job = agent::job_from_text(
            &state.indexer,
            who,
            &prompt,
            None,
            "prompt",
            preview.0.unwrap_or(false),
        )
        .await?;
        Ok(Json(FromPrompt {
            raw_prompt: prompt,
            job,
        }))
    }

    /// Create a job from an uploaded job description (multipart `job_req` + optional
    /// `notes`), read as `from_prompt` reads a prompt. `preview=true` only reads it.
    #[oai(
        path = "/jobs/from_req",
        method = "post",
        operation_id = "agent_job_from_req"
    )]
    async fn job_from_req(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        preview: Query<Option<bool>>,
        form: ReqForm,
    ) -> Result<Json<FromReq>, Error> {
        let who = auth.identity().allow(Permission::JOBS_WRITE)?;
        let file = uploads::accept(
            form.job_req.incoming(),
            "job_req",
            state.config.limits.upload_max_bytes,
        )?;
        let made = agent::job_from_req(
            &state.indexer,
            &state.extractor,
            who,
            file,
            form.notes,
            preview.0.unwrap_or(false),
        )
        .await?;
        Ok(Json(made))
    }
}
