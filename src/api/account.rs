//! `/account`: the organisation's own data, given back (org_admin).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use poem::IntoResponse;
use poem::web::Data;
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::{ApiResponse, OpenApi};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

use super::{Auth, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::{account, tenants};
use crate::error::Result;

pub struct AccountApi;

#[derive(ApiResponse)]
pub enum Export {
    /// The organisation's data as one JSON document (`format: "hirebase-export"`): the
    /// organisation, its users (no password hashes), API keys (no tokens), jobs, candidates,
    /// applications with their history, interviews, offers, people, projects, slots,
    /// engagements, webhooks (no secrets) and the audit trail. Streamed as it is read.
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

#[OpenApi(prefix_path = "/account", tag = "Tag::Tenants")]
impl AccountApi {
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
