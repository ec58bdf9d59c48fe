//! `/agent` (seed 004 §6–§8): records made from documents.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Multipart, OpenApi};

use super::uploads::FilePart;
use super::{Auth, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::resumes::{self, FromResume};
use crate::domain::uploads;
use crate::error::Error;

pub struct AgentApi;

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
}
