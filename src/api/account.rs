//! `/account`: the organisation's own data, given back (org_admin).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use poem::IntoResponse;
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::{ApiResponse, Object, OpenApi};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

use super::{Auth, Tag, comma_list};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::account::AccountDeletion;
use crate::domain::applications::Stage;
use crate::domain::privacy::{self, RetentionPreview, RetentionRule};
use crate::domain::{account, tenants};
use crate::error::{Error, Result};

/// `rejected,withdrawn` → the stages (both when none are given).
fn parse_stages(stages: Option<String>) -> Result<Vec<Stage>> {
    let names = comma_list(stages);
    if names.is_empty() {
        return Ok(vec![Stage::Rejected, Stage::Withdrawn]);
    }
    names
        .iter()
        .map(|name| {
            Stage::ALL
                .iter()
                .copied()
                .find(|s| s.as_str() == name)
                .ok_or_else(|| Error::invalid("stages", format!("{name:?} is not a stage")))
        })
        .collect()
}

pub struct AccountApi;

#[derive(ApiResponse)]
pub enum Export {
    /// The organisation's data as one JSON document (`format: "hirebase-export"`): the
    /// organisation, its users (no password hashes), API keys (no tokens), jobs, candidates,
    /// applications with their history, interviews, offers, people, projects, slots,
    /// engagements, webhooks (no secrets) and the audit trail. Applications carry their stage
    /// history and the applicant's consent to the privacy notice. Streamed as it is read.
    #[oai(status = 200)]
    Json(JsonStream, #[oai(header = "Content-Disposition")] String),
}

/// A JSON document sent as it is written (its schema: an object).
pub struct JsonStream(poem::Body);

impl Payload for JsonStream {
    const CONTENT_TYPE: &'static str = "application/json";

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new("object")))
    }
}

impl IntoResponse for JsonStream {
    fn into_response(self) -> poem::Response {
        poem::Response::builder()
            .content_type(Self::CONTENT_TYPE)
            .body(self.0)
    }
}

#[derive(Debug, Object)]
pub struct DeleteAccount {
    /// The organisation's slug (see `GET /tenants/me`), typed to confirm.
    #[oai(validator(max_length = 100))]
    pub confirm: String,
}

#[derive(ApiResponse)]
pub enum AccountDeleteResponse {
    /// The organisation is closed — everyone is signed out, its API keys are revoked, its
    /// careers page is gone — and its data is being removed (`status: "deleting"`); the
    /// session cookie is cleared.
    #[oai(status = 202)]
    Deleting(Json<AccountDeletion>, #[oai(header = "Set-Cookie")] String),
}

#[OpenApi(prefix_path = "/account", tag = "Tag::Tenants")]
impl AccountApi {
    /// Deletes the organisation and all its data: every record, upload, log and queued
    /// delivery or mail, its search entries, API keys and sessions. At once the organisation
    /// is closed (sessions and API keys stop working, sign-in is refused, the careers page is
    /// gone) and 202 answers; its data is then removed in the background in short steps, which
    /// carry on after a restart. `confirm` must be the organisation's slug; anything else →
    /// 400 and nothing changes. Cannot be undone.
    #[oai(path = "/delete", method = "post", operation_id = "account_delete")]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<DeleteAccount>,
    ) -> Result<AccountDeleteResponse> {
        let who = auth.identity().allow(Permission::ACCOUNT_DELETE)?;
        let deleting = account::delete(&state.indexer, who, &body.0.confirm).await?;
        state.purge.poke();
        Ok(AccountDeleteResponse::Deleting(
            Json(deleting),
            super::auth::session_cookie(&state, "", 0),
        ))
    }

    /// The dry run of a retention rule: the candidates it would erase now (the first 100,
    /// longest inactive first, and how many in all). Without `months` the saved rule
    /// (`retention` on `/tenants/me`) is previewed; with it, that rule (`stages` defaults to
    /// `rejected,withdrawn`). Nothing is changed.
    #[oai(
        path = "/retention/preview",
        method = "get",
        operation_id = "account_retention_preview"
    )]
    async fn retention_preview(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        #[oai(validator(minimum(value = "1"), maximum(value = "120")))] months: Query<Option<u32>>,
        /// Comma-separated closed stages: `rejected`, `withdrawn`.
        #[oai(validator(max_length = 40))]
        stages: Query<Option<String>>,
    ) -> Result<Json<RetentionPreview>> {
        let who = auth.identity().allow(Permission::TENANT_WRITE)?;
        let rule = match months.0 {
            None => None,
            Some(months) => Some(RetentionRule {
                months,
                stages: parse_stages(stages.0)?,
            }),
        };
        let (store, tenant) = (state.store.clone(), who.tenant_id);
        let preview =
            crate::search::off_the_workers(move || privacy::preview(&store, tenant, rule));
        Ok(Json(preview.await?))
    }

    /// Downloads everything the organisation holds, as JSON, in constant memory.
    #[oai(path = "/export", method = "get", operation_id = "account_export")]
    async fn export(&self, state: Data<&Arc<AppState>>, auth: Auth) -> Result<Export> {
        let who = auth.identity().allow(Permission::ACCOUNT_EXPORT)?;
        let tenant = tenants::get(&state.store, who.tenant_id)?;
        let (chunks, rx) = mpsc::channel::<Vec<u8>>(8);
        let (store, tenant_id) = (state.store.clone(), tenant.id);
        tokio::task::spawn_blocking(move || {
            let sent = account::export(&store, tenant_id, &mut |chunk| {
                chunks.blocking_send(chunk).is_ok()
            });
            if let Err(e) = sent {
                // The status is sent already: the cut-off document is the sign.
                tracing::error!(error = %e, tenant = tenant_id, "export failed");
            }
        });
        Ok(Export::Json(
            JsonStream(poem::Body::from_async_read(Chunks {
                rx,
                current: Vec::new(),
                at: 0,
            })),
            format!(
                "attachment; filename=\"{}-export-{}.json\"",
                tenant.slug,
                chrono::Utc::now().format("%Y%m%d")
            ),
        ))
    }
}

/// The chunks an export sends, read as one stream of bytes.
struct Chunks {
    rx: mpsc::Receiver<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
}

impl AsyncRead for Chunks {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        loop {
            if self.at < self.current.len() {
                let n = buf.remaining().min(self.current.len() - self.at);
                let at = self.at;
                buf.put_slice(&self.current[at..at + n]);
                self.at += n;
                return Poll::Ready(Ok(()));
            }
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => {
                    self.current = chunk;
                    self.at = 0;
                }
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
