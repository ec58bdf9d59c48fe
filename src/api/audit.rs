//! `/audit`: the organisation's hash-chained audit trail.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::{Attachment, AttachmentType, Json};
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Tag, page};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::audit::{self, AuditEntry, AuditFilter, ClientEvent, Verification};
use crate::error::Error;
use crate::time::Timestamp;

pub struct AuditApi;

crate::cursor_page_of!(AuditPage, AuditEntry);

#[derive(ApiResponse)]
pub enum Recorded {
    /// The entry as recorded, with its place in the chain and its hash.
    #[oai(status = 201)]
    Created(Json<AuditEntry>),
}

#[derive(ApiResponse)]
pub enum CsvExport {
    /// The trail as CSV (`text/csv`), oldest first.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Csv(Attachment<Vec<u8>>),
}

fn filter(kind: Option<String>, since: Option<Timestamp>, q: Option<String>) -> AuditFilter {
    let blank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    AuditFilter {
        kind: blank(kind),
        since,
        q: blank(q),
    }
}

#[OpenApi(prefix_path = "/audit", tag = "Tag::Audit")]
impl AuditApi {
    /// Entries newest first. Pass `next_before` as `before` for older ones. `type` is an action
    /// (`job.created`) or an entity type (`job`); `q` finds words in the actor, summary and details.
    #[oai(path = "/", method = "get", operation_id = "list_audit")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        before: Query<Option<String>>,
        #[oai(name = "type", validator(max_length = 64))] kind: Query<Option<String>>,
        since: Query<Option<Timestamp>>,
        #[oai(validator(max_length = 200))] q: Query<Option<String>>,
    ) -> Result<Json<AuditPage>, Error> {
        let who = auth.identity().allow(Permission::AUDIT_READ)?;
        let before = match before.0.filter(|b| !b.is_empty()) {
            Some(b) => Some(b.parse::<u64>().map_err(|_| {
                Error::invalid(
                    "before",
                    "must be a `next_before` value from an earlier page",
                )
            })?),
            None => None,
        };
        let limit = limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize;
        let (items, has_more) = audit::page(
            &state.store,
            who.tenant_id,
            &filter(kind.0, since.0, q.0),
            before,
            limit,
        )?;
        Ok(Json(AuditPage::of(items, has_more, |e| e.id)))
    }

    /// Records an event of the client application (a report exported, a consent shown) in
    /// the same hash chain as every change, as the signed-in caller.
    #[oai(path = "/", method = "post", operation_id = "record_audit_event")]
    async fn record(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<ClientEvent>,
    ) -> Result<Recorded, Error> {
        let entry = audit::record_client_event(&state.store, auth.identity(), body.0).await?;
        Ok(Recorded::Created(Json(entry)))
    }

    /// Walks the whole chain and reports whether it is intact, and if not, the first entry that is not.
    #[oai(path = "/verify", method = "get", operation_id = "verify_audit")]
    async fn verify(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
    ) -> Result<Json<Verification>, Error> {
        let who = auth.identity().allow(Permission::AUDIT_READ)?;
        Ok(Json(audit::verify(&state.store, who.tenant_id)?))
    }

    /// The trail (optionally filtered) as a CSV file with every column needed to re-check the chain.
    #[oai(path = "/export", method = "get", operation_id = "export_audit")]
    async fn export(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        #[oai(name = "type", validator(max_length = 64))] kind: Query<Option<String>>,
        since: Query<Option<Timestamp>>,
        #[oai(validator(max_length = 200))] q: Query<Option<String>>,
    ) -> Result<CsvExport, Error> {
        let who = auth.identity().allow(Permission::AUDIT_EXPORT)?;
        let csv = audit::export_csv(&state.store, who.tenant_id, &filter(kind.0, since.0, q.0))?;
        Ok(CsvExport::Csv(
            Attachment::new(csv)
                .attachment_type(AttachmentType::Attachment)
                .filename("audit.csv"),
        ))
    }
}
