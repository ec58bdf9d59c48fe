//! `/uploads` (seed 002): files sent as multipart `file`, accepted by their content, kept in
//! the database, downloaded as attachments.

use std::sync::Arc;

use poem::web::Data;
use poem::web::Field as PoemField;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json, Response};
use poem_openapi::types::{ParseError, ParseFromMultipartField, ParseResult};
use poem_openapi::{ApiResponse, Multipart, OpenApi};

use super::{Auth, Deleted, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::uploads::{self, Incoming, Upload};
use crate::error::Error;

pub struct UploadsApi;

crate::page_of!(UploadPage, Upload);

/// A file part of a multipart form, read into memory. The whole request body is already held
/// to `limits.upload_max_bytes` (plus the framing) before it is read, so this cannot grow past
/// it; the handler holds the file itself to the exact limit.
pub struct FilePart {
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

impl FilePart {
    pub fn incoming(self) -> Incoming {
        Incoming {
            filename: self.filename,
            bytes: self.bytes,
        }
    }
}

crate::string_schema_type!(FilePart, "binary");

impl ParseFromMultipartField for FilePart {
    async fn parse_from_multipart(field: Option<PoemField>) -> ParseResult<Self> {
        let Some(field) = field else {
            return Err(ParseError::expected_input());
        };
        let filename = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(ParseError::custom)?;
        Ok(FilePart { filename, bytes })
    }
}

#[derive(Multipart)]
pub struct UploadForm {
    /// The file: PDF, DOC, DOCX, ODT, RTF, TXT, JPG, PNG or WebP (by content), at most
    /// `limits.upload_max_bytes` (8 MiB by default).
    file: FilePart,
    /// Keeps the file as a document of this job (needs `jobs:write`).
    job_id: Option<u64>,
}

#[derive(ApiResponse)]
pub enum UploadCreated {
    /// Stored; the record says what the file is.
    #[oai(status = 201)]
    Created(Json<Upload>),
}

/// The bytes of a stored file, as an attachment of its stored type.
#[derive(ApiResponse)]
pub enum Download {
    #[oai(status = 200)]
    File(Binary<Vec<u8>>),
}

/// `attachment` with the name in ASCII (others as `_`) and in full as RFC 5987 UTF-8.
pub fn attachment(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A stored file as a download: its stored type, `attachment`, `nosniff`.
pub fn download_response(upload: &Upload, bytes: Vec<u8>) -> Response<Download> {
    Response::new(Download::File(Binary(bytes)))
        .header("content-type", upload.content_type.as_str())
        .header("content-disposition", attachment(&upload.filename))
        .header("x-content-type-options", "nosniff")
        .header("cache-control", "private, no-store")
}

#[OpenApi(prefix_path = "/uploads", tag = "Tag::Uploads")]
impl UploadsApi {
    /// Upload a file (multipart `file`, and `job_id` to keep it with a job). Its kind is read
    /// from its bytes, not its name: PDF, DOC, DOCX, ODT, RTF, TXT, JPG, PNG, WebP; anything
    /// else → 415; larger than `limits.upload_max_bytes` → 413.
    #[oai(path = "/", method = "post", operation_id = "create_upload")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        form: UploadForm,
    ) -> Result<UploadCreated, Error> {
        let who = auth.identity().allow(Permission::UPLOADS_WRITE)?;
        let file = uploads::accept(
            form.file.incoming(),
            "file",
            state.config.limits.upload_max_bytes,
        )?;
        let upload = uploads::create(&state.store, who, file, form.job_id).await?;
        Ok(UploadCreated::Created(Json(upload)))
    }

    /// The files of a candidate (resumes) or of a job (the req it was made from), newest
    /// first: exactly one of `candidate_id` and `job_id`.
    #[oai(path = "/", method = "get", operation_id = "list_uploads")]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        candidate_id: Query<Option<u64>>,
        job_id: Query<Option<u64>>,
    ) -> Result<Json<UploadPage>, Error> {
        let who = auth.identity().allow(Permission::UPLOADS_READ)?;
        let items = match (candidate_id.0, job_id.0) {
            (Some(candidate), None) => uploads::for_candidate(&state.store, who, candidate)?,
            (None, Some(job)) => uploads::for_job(&state.store, who, job)?,
            _ => {
                return Err(Error::invalid(
                    "candidate_id",
                    "give either candidate_id or job_id",
                ));
            }
        };
        Ok(Json(UploadPage {
            total: items.len() as u64,
            items,
        }))
    }

    /// Download a file: its stored type, `Content-Disposition: attachment`,
    /// `X-Content-Type-Options: nosniff`. Your own uploads, or any of the organisation's with
    /// `uploads_read`.
    #[oai(path = "/:id", method = "get", operation_id = "download_upload")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        id: Path<u64>,
    ) -> Result<Response<Download>, Error> {
        let (upload, bytes) = uploads::download(&state.store, auth.identity(), id.0)?;
        Ok(download_response(&upload, bytes))
    }

    /// Delete a file: its uploader, or an org admin.
    #[oai(path = "/:id", method = "delete", operation_id = "delete_upload")]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        id: Path<u64>,
    ) -> Result<Deleted, Error> {
        uploads::delete(&state.indexer, auth.identity(), id.0).await?;
        Ok(Deleted::Done)
    }
}
