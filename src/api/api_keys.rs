//! `/api-keys`: keys for programs. Minted and managed by an org_admin's session only.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::{Auth, Tag, page};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::api_keys::{self, ApiKey, KeyUse, NewApiKey};
use crate::error::Error;

pub struct ApiKeysApi;

crate::page_of!(ApiKeyPage, ApiKey);
crate::cursor_page_of!(KeyUsePage, KeyUse);

#[derive(Debug, Object)]
pub struct MintedKey {
    pub api_key: ApiKey,
    /// The token itself, shown this once: only its SHA-256 is kept.
    pub raw_token: String,
}

#[derive(ApiResponse)]
pub enum Minted {
    #[oai(status = 201)]
    Created(Json<MintedKey>),
}

#[OpenApi(prefix_path = "/api-keys", tag = "Tag::ApiKeys")]
impl ApiKeysApi {
    /// The organisation's keys (prefix only), newest first.
    #[oai(path = "/", method = "get", operation_id = "list_api_keys")]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
    ) -> Result<Json<ApiKeyPage>, Error> {
        let who = auth.identity().allow(Permission::API_KEYS)?;
        let (items, total) = api_keys::list(
            &state.store,
            who.tenant_id,
            skip.0.unwrap_or(0) as usize,
            limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize,
        )?;
        Ok(Json(ApiKeyPage { items, total }))
    }

    /// Mint a key with a role and scopes. The raw token is in this response only.
    #[oai(path = "/", method = "post", operation_id = "mint_api_key")]
    async fn mint(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewApiKey>,
    ) -> Result<Minted, Error> {
        let who = auth.identity().allow(Permission::API_KEYS)?;
        let (api_key, raw_token) = api_keys::mint(&state.store, who, body.0).await?;
        Ok(Minted::Created(Json(MintedKey { api_key, raw_token })))
    }

    /// Revoke a key: the next request made with it is refused. The record stays, marked revoked.
    #[oai(path = "/:id", method = "delete", operation_id = "revoke_api_key")]
    async fn revoke(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        id: Path<u64>,
    ) -> Result<Json<ApiKey>, Error> {
        let who = auth.identity().allow(Permission::API_KEYS)?;
        Ok(Json(api_keys::revoke(&state.store, who, id.0).await?))
    }

    /// Requests made with a key, newest first. Pass `next_before` as `before` for older ones.
    #[oai(path = "/:id/usage", method = "get", operation_id = "api_key_usage")]
    async fn usage(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        id: Path<u64>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        before: Query<Option<u64>>,
    ) -> Result<Json<KeyUsePage>, Error> {
        let who = auth.identity().allow(Permission::API_KEYS)?;
        let limit = limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize;
        let (items, has_more) = api_keys::uses(&state.store, who.tenant_id, id.0, before.0, limit)?;
        Ok(Json(KeyUsePage::of(items, has_more, |u| u.id)))
    }
}
