//! `/tenants/me`: the caller's organisation and its branding.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use super::{Auth, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::tenants::{self, Tenant, TenantPatch};
use crate::error::Error;

pub struct TenantsApi;

#[OpenApi(prefix_path = "/tenants", tag = "Tag::Tenants")]
impl TenantsApi {
    /// The caller's organisation.
    #[oai(path = "/me", method = "get", operation_id = "get_tenant")]
    async fn get(&self, state: Data<&Arc<AppState>>, auth: Auth) -> Result<Json<Tenant>, Error> {
        let who = auth.identity().allow(Permission::TENANT_READ)?;
        Ok(Json(tenants::get(&state.store, who.tenant_id)?))
    }

    /// Change the name, tagline or brand colour (`null` clears the last two). The slug stays.
    #[oai(path = "/me", method = "patch", operation_id = "update_tenant")]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<TenantPatch>,
    ) -> Result<Json<Tenant>, Error> {
        let who = auth.identity().allow(Permission::TENANT_WRITE)?;
        Ok(Json(tenants::update(&state.store, who, body.0).await?))
    }
}
