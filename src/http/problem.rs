//! RFC 9457 problem documents: how every error leaves the server.

use poem::http::{HeaderValue, StatusCode, header};
use poem::{IntoResponse, Response};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, Object};

use super::explain::Failure;
use crate::error::{Code, Error, FieldError};

pub const CONTENT_TYPE: &str = "application/problem+json";

/// The body of every error response.
#[derive(Debug, Object)]
#[oai(rename = "Problem")]
pub struct ProblemDoc {
    /// A URI naming the kind of problem.
    #[oai(rename = "type")]
    pub kind: String,
    pub title: String,
    #[oai(validator(minimum(value = "400"), maximum(value = "599")))]
    pub status: u16,
    /// A sentence for people.
    pub detail: String,
    /// A stable word for programs to match on.
    pub code: Code,
    /// One entry per invalid field (validation errors only; absent otherwise).
    #[oai(default, skip_serializing_if_is_empty)]
    pub errors: Vec<FieldProblem>,
    /// Quote it when reporting a failure: the server log has the same id.
    #[oai(skip_serializing_if_is_none)]
    pub request_id: Option<String>,
}

#[derive(Debug, Object)]
pub struct FieldProblem {
    /// The field as sent: `title`, `rows[2].email`, a query or path parameter's name.
    pub field: String,
    /// What is wrong with it, for people: `must be one of: draft, open, on_hold, closed`.
    pub message: String,
}

impl From<&FieldError> for FieldProblem {
    fn from(e: &FieldError) -> Self {
        FieldProblem {
            field: e.field.clone(),
            message: e.message.clone(),
        }
    }
}

pub fn render(error: &Error, request_id: Option<&str>) -> Response {
    let status =
        StatusCode::from_u16(error.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let doc = ProblemDoc {
        kind: format!("urn:hirebase:problem:{}", error.code.as_str()),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail: error.detail.clone(),
        code: error.code,
        errors: error.errors.iter().map(FieldProblem::from).collect(),
        request_id: request_id.map(String::from),
    };
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, CONTENT_TYPE)
        .body(doc.to_json().unwrap_or_default().to_string());
    if let Some(secs) = error.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if let Some(allow) = error
        .allow
        .as_deref()
        .and_then(|a| HeaderValue::from_str(a).ok())
    {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

impl poem::error::ResponseError for Error {
    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn as_response(&self) -> Response {
        render(self, None)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        render(&self, None)
    }
}

/// So handlers can return `Result<T, Error>` and the spec documents the problem responses.
impl ApiResponse for Error {
    fn meta() -> MetaResponses {
        let problem = || {
            vec![MetaMediaType {
                content_type: CONTENT_TYPE,
                schema: ProblemDoc::schema_ref(),
            }]
        };
        MetaResponses {
            responses: vec![
                MetaResponse {
                    description: "The request was refused: a problem document says why",
                    status: None,
                    status_range: Some("4XX".into()),
                    content: problem(),
                    headers: vec![],
                },
                MetaResponse {
                    description: "The server failed; the problem document carries the request id",
                    status: None,
                    status_range: Some("5XX".into()),
                    content: problem(),
                    headers: vec![],
                },
            ],
        }
    }

    fn register(registry: &mut Registry) {
        <ProblemDoc as poem_openapi::types::Type>::register(registry);
    }
}

use poem_openapi::types::Type as _;

/// Turns any error poem or poem-openapi raised (unknown route, bad JSON, bad parameter,
/// missing credentials, oversized body...) into our error, keeping its message. A request
/// poem-openapi could not parse is a validation error whose `errors[]` come from `explain`
/// (field by field, from the OpenAPI document); poem's own words are the last resort.
pub fn from_poem(err: poem::Error, explain: impl FnOnce(&Failure) -> Vec<FieldError>) -> Error {
    if err.is::<Error>() {
        return err
            .downcast::<Error>()
            .unwrap_or_else(|e| Error::internal(anyhow::anyhow!("{e}")));
    }
    let param = err
        .downcast_ref::<poem_openapi::error::ParseParamError>()
        .map(|e| (e.name, e.reason.clone()))
        .or_else(|| {
            err.downcast_ref::<poem_openapi::error::ParsePathError>()
                .map(|e| (e.name, e.reason.clone()))
        });
    if let Some((name, reason)) = param {
        return invalid_input(explain(&Failure::Param(name)), name, &reason);
    }
    if let Some(e) = err.downcast_ref::<poem_openapi::error::ParseRequestPayloadError>() {
        return invalid_input(explain(&Failure::Body), "body", &e.reason);
    }
    let status = err.status();
    let message = err.to_string();
    let code = match status.as_u16() {
        401 => Code::Unauthenticated,
        403 => Code::Forbidden,
        404 => Code::NotFound,
        405 => Code::MethodNotAllowed,
        409 => Code::Conflict,
        413 => Code::PayloadTooLarge,
        415 => Code::UnsupportedMediaType,
        422 => Code::BusinessRule,
        429 => Code::RateLimited,
        s if s >= 500 => Code::Internal,
        _ => Code::Validation,
    };
    let detail = match code {
        Code::Unauthenticated => {
            "Authentication is required: send a bearer token or sign in.".to_string()
        }
        Code::NotFound => "No resource exists at this path.".to_string(),
        Code::MethodNotAllowed => "This method is not allowed on this resource.".to_string(),
        Code::PayloadTooLarge => "The request body is larger than this server accepts.".to_string(),
        Code::Internal => return Error::internal(anyhow::anyhow!("{message}")),
        _ => sentence(&message),
    };
    Error::new(code, detail)
}

/// A validation error listing `errors`; without them, one entry for `field` in poem's words.
fn invalid_input(mut errors: Vec<FieldError>, field: &str, reason: &str) -> Error {
    if errors.is_empty() {
        errors.push(FieldError {
            field: field.to_string(),
            message: reason.trim_end_matches('.').to_string(),
        });
    }
    let said: Vec<String> = errors
        .iter()
        .map(|e| format!("`{}` {}", e.field, e.message))
        .collect();
    let detail = match said.len() {
        1 => sentence(&said[0]),
        n => sentence(&format!(
            "The request has {n} invalid fields: {}",
            said.join("; ")
        )),
    };
    let mut e = Error::new(Code::Validation, detail);
    e.errors = errors;
    e
}

/// poem's messages start lower-case and end without a full stop; a problem `detail` is a sentence.
fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let mut s: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "The request is invalid".to_string(),
    };
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}
