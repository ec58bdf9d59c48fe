//! `/admin`: what only the platform_admin sees, across tenants.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;

use super::{Auth, Tag, page};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::tenants::{self, Tenant};
use crate::error::Error;

pub struct AdminApi;

crate::page_of!(TenantPage, Tenant);

#[OpenApi(prefix_path = "/admin", tag = "Tag::Admin")]
impl AdminApi {
    /// Every tenant on the instance, newest first.
    #[oai(path = "/tenants", method = "get", operation_id = "admin_list_tenants")]
    async fn tenants(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
    ) -> Result<Json<TenantPage>, Error> {
        auth.identity().allow(Permission::PLATFORM)?;
        let (items, total) = tenants::list(
            &state.store,
            skip.0.unwrap_or(0) as usize,
            limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize,
        )?;
        Ok(Json(TenantPage { items, total }))
    }
}
