//! `/webhooks`: signed outbound event deliveries, managed by an org_admin.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::{Auth, Deleted, Paging, Tag, page};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::webhooks::{self, DeliveryAttempt, NewWebhook, WebhookPatch, WebhookView};
use crate::error::Result;

pub struct WebhooksApi;

crate::page_of!(WebhookPage, WebhookView);
crate::cursor_page_of!(DeliveryAttemptPage, DeliveryAttempt);

#[derive(Debug, Object)]
pub struct CreatedWebhook {
    pub webhook: WebhookView,
    /// The signing secret, shown this once. Each delivery carries `X-Hirebase-Signature:
    /// t=<unix>,v1=<hex HMAC-SHA256 keyed with this secret of "<unix>.<raw body>">`.
    pub secret: String,
}

#[derive(ApiResponse)]
pub enum Created {
    #[oai(status = 201)]
    Created(Json<CreatedWebhook>),
}

#[OpenApi(prefix_path = "/webhooks", tag = "Tag::Webhooks")]
impl WebhooksApi {
    /// The organisation's webhooks, newest first. Secrets are never shown here.
    #[oai(path = "/", method = "get", operation_id = "list_webhooks")]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
    ) -> Result<Json<WebhookPage>> {
        let who = auth.identity().allow(Permission::WEBHOOKS_READ)?;
        let page = Paging::new(skip.0, limit.0);
        let (items, total) = webhooks::list(&state.store, who.tenant_id, page.skip, page.limit)?;
        Ok(Json(WebhookPage { items, total }))
    }

    /// Subscribe a URL to events. Each event is sent as a signed JSON envelope
    /// `{id, type, ts, tenant_id, data}`, retried with backoff; the secret is in this response only.
    #[oai(path = "/", method = "post", operation_id = "create_webhook")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewWebhook>,
    ) -> Result<Created> {
        let who = auth.identity().allow(Permission::WEBHOOKS_WRITE)?;
        let allow_private = state.config.webhooks.allow_private_targets;
        let (webhook, secret) = webhooks::create(&state.store, who, allow_private, body.0).await?;
        Ok(Created::Created(Json(CreatedWebhook { webhook, secret })))
    }

    #[oai(path = "/:webhook_id", method = "get", operation_id = "get_webhook")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        webhook_id: Path<u64>,
    ) -> Result<Json<WebhookView>> {
        let who = auth.identity().allow(Permission::WEBHOOKS_READ)?;
        Ok(Json(webhooks::get(
            &state.store,
            who.tenant_id,
            webhook_id.0,
        )?))
    }

    /// Change the URL, events, description, or turn the webhook off and on (turning it back on
    /// resets its failure count).
    #[oai(
        path = "/:webhook_id",
        method = "patch",
        operation_id = "update_webhook"
    )]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        webhook_id: Path<u64>,
        body: Json<WebhookPatch>,
    ) -> Result<Json<WebhookView>> {
        let who = auth.identity().allow(Permission::WEBHOOKS_WRITE)?;
        let allow_private = state.config.webhooks.allow_private_targets;
        Ok(Json(
            webhooks::update(&state.store, who, allow_private, webhook_id.0, body.0).await?,
        ))
    }

    /// Delete a webhook and its delivery log; deliveries still queued for it are dropped.
    #[oai(
        path = "/:webhook_id",
        method = "delete",
        operation_id = "delete_webhook"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        webhook_id: Path<u64>,
    ) -> Result<Deleted> {
        let who = auth.identity().allow(Permission::WEBHOOKS_WRITE)?;
        webhooks::delete(&state.store, who, webhook_id.0).await?;
        Ok(Deleted::Done)
    }

    /// Delivery attempts, newest first: status code, error, duration, attempt number and
    /// outcome. Pass `next_before` as `before` for older ones.
    #[oai(
        path = "/:webhook_id/deliveries",
        method = "get",
        operation_id = "list_webhook_deliveries"
    )]
    async fn deliveries(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        webhook_id: Path<u64>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        before: Query<Option<u64>>,
    ) -> Result<Json<DeliveryAttemptPage>> {
        let who = auth.identity().allow(Permission::WEBHOOKS_READ)?;
        let limit = limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize;
        let (items, has_more) =
            webhooks::deliveries(&state.store, who.tenant_id, webhook_id.0, before.0, limit)?;
        Ok(Json(DeliveryAttemptPage::of(items, has_more, |a| a.id)))
    }
}
