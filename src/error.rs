//! The one error type of hirebase. Domain code describes what went wrong; `http::problem`
//! turns it into an RFC 9457 problem document.

use std::fmt;

/// Stable machine words for errors; clients match on these, never on `detail`. The OpenAPI
/// document lists them as the values of `Problem.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum)]
#[oai(rename = "ProblemCode", rename_all = "snake_case")]
pub enum Code {
    Validation,
    Unauthenticated,
    Forbidden,
    InsufficientScope,
    NotFound,
    MethodNotAllowed,
    Conflict,
    BusinessRule,
    /// A spending cap is reached (the assistant's monthly budget): 402.
    BudgetExceeded,
    RateLimited,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unavailable,
    Internal,
}

impl Code {
    pub const ALL: [Code; 14] = [
        Code::Validation,
        Code::Unauthenticated,
        Code::Forbidden,
        Code::InsufficientScope,
        Code::NotFound,
        Code::MethodNotAllowed,
        Code::Conflict,
        Code::BusinessRule,
        Code::BudgetExceeded,
        Code::RateLimited,
        Code::PayloadTooLarge,
        Code::UnsupportedMediaType,
        Code::Unavailable,
        Code::Internal,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Validation => "validation",
            Code::Unauthenticated => "unauthenticated",
            Code::Forbidden => "forbidden",
            Code::InsufficientScope => "insufficient_scope",
            Code::NotFound => "not_found",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::Conflict => "conflict",
            Code::BusinessRule => "business_rule",
            Code::BudgetExceeded => "budget_exceeded",
            Code::RateLimited => "rate_limited",
            Code::PayloadTooLarge => "payload_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::Unavailable => "unavailable",
            Code::Internal => "internal",
        }
    }

    pub const fn status(self) -> u16 {
        match self {
            Code::Validation => 400,
            Code::BudgetExceeded => 402,
            Code::Unauthenticated => 401,
            Code::Forbidden | Code::InsufficientScope => 403,
            Code::NotFound => 404,
            Code::MethodNotAllowed => 405,
            Code::Conflict => 409,
            Code::PayloadTooLarge => 413,
            Code::UnsupportedMediaType => 415,
            Code::BusinessRule => 422,
            Code::RateLimited => 429,
            Code::Unavailable => 503,
            Code::Internal => 500,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug)]
pub struct Error {
    pub code: Code,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Seconds a client should wait (429).
    pub retry_after: Option<u64>,
    /// Methods the resource does allow (405).
    pub allow: Option<String>,
    /// What really went wrong behind an `internal` error: logged, never sent.
    pub source: Option<anyhow::Error>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: Code, detail: impl Into<String>) -> Error {
        Error {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            allow: None,
            source: None,
        }
    }

    pub fn not_found(what: &str, id: impl fmt::Display) -> Error {
        Error::new(Code::NotFound, format!("{what} {id} not found"))
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Error {
        let message = message.into();
        let mut e = Error::new(Code::Validation, format!("`{field}` {message}"));
        e.errors.push(FieldError {
            field: field.into(),
            message,
        });
        e
    }

    pub fn conflict(detail: impl Into<String>) -> Error {
        Error::new(Code::Conflict, detail)
    }

    pub fn business_rule(detail: impl Into<String>) -> Error {
        Error::new(Code::BusinessRule, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Error {
        Error::new(Code::Forbidden, detail)
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Error {
        Error::new(Code::Unauthenticated, detail)
    }

    pub fn internal(source: impl Into<anyhow::Error>) -> Error {
        let mut e = Error::new(Code::Internal, "The server could not complete the request.");
        e.source = Some(source.into());
        e
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail)?;
        if let Some(source) = &self.source {
            write!(f, " ({source:#})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Collects every field problem of one input, so a client sees them all at once.
#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Validator {
        Validator::default()
    }

    pub fn check(&mut self, ok: bool, field: &str, message: impl Into<String>) -> &mut Self {
        if !ok {
            self.add(field, message);
        }
        self
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Text must be non-blank (when `required`) and at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, required: bool, max: usize) -> &mut Self {
        if required && value.trim().is_empty() {
            self.add(field, "must not be empty");
        } else if value.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        }
        self
    }

    pub fn finish(&mut self) -> Result<()> {
        match self.errors.len() {
            0 => Ok(()),
            1 => {
                let e = self.errors.remove(0);
                Err(Error::invalid(&e.field, e.message))
            }
            n => {
                let mut e = Error::new(
                    Code::Validation,
                    format!("The request has {n} invalid fields."),
                );
                e.errors = std::mem::take(&mut self.errors);
                Err(e)
            }
        }
    }
}

/// Emails are trimmed and compared case-insensitively (DESIGN §3).
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A pragmatic shape check: one `@`, a local part, a dotted domain, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && email.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            normalize_email("  Jane.Doe@Example.COM "),
            "jane.doe@example.com"
        );
        assert!(is_valid_email("a@b.co"));
        for bad in [
            "", "a", "a@", "@b.co", "a@b", "a b@c.de", "a@b@c.de", "a@.b", "a@b.",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn documented_codes_are_the_codes_sent() {
        use poem_openapi::types::{ToJSON, Type};
        let mut registry = poem_openapi::registry::Registry::new();
        Code::register(&mut registry);
        let documented = &registry.schemas["ProblemCode"].enum_items;
        let sent: Vec<serde_json::Value> = Code::ALL.iter().map(|c| c.as_str().into()).collect();
        assert_eq!(documented, &sent);
        for code in Code::ALL {
            assert_eq!(code.to_json(), Some(code.as_str().into()));
        }
    }

    #[test]
    fn validator_reports_every_field() {
        let mut v = Validator::new();
        v.text("title", "", true, 10)
            .text("name", "elevenchars", false, 10)
            .check(true, "x", "fine");
        let e = v.finish().unwrap_err();
        assert_eq!(e.code, Code::Validation);
        assert_eq!(e.errors.len(), 2);
        assert_eq!(e.errors[0].field, "title");
        assert_eq!(e.errors[1].message, "must be at most 10 characters");
    }
}
