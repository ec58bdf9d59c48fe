//! `/admin`: what only the platform_admin sees, across tenants.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::{Auth, Tag, page};
use crate::app::AppState;
use crate::auth::Permission;
use crate::auth::Role;
use crate::domain::flags::{FlagValues, FlagsPatch};
use crate::domain::mail::{self, Mail};
use crate::domain::tenants::{self, TenantSummary};
use crate::error::Error;

pub struct AdminApi;

crate::page_of!(TenantPage, TenantSummary);
crate::page_of!(MailPage, Mail);

/// The feature flags in force.
#[derive(Debug, Object)]
pub struct FlagsOut {
    pub flags: FlagValues,
}

#[OpenApi(prefix_path = "/admin", tag = "Tag::Admin")]
impl AdminApi {
    /// Every tenant on the instance, newest first, with its members, jobs, candidates and
    /// applications counted.
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

    /// The feature flags in force: rate limits per tier, strict or soft limiting, open
    /// registration.
    #[oai(path = "/flags", method = "get", operation_id = "admin_get_flags")]
    async fn flags(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
    ) -> Result<Json<FlagsOut>, Error> {
        auth.identity().allow(Permission::PLATFORM)?;
        Ok(Json(FlagsOut {
            flags: FlagValues::clone(&state.flags.get()),
        }))
    }

    /// Change flags (`{name: value, …}`); they take effect at once and are kept across
    /// restarts. `null` returns a flag to its default from the configuration. An unknown
    /// name or a value of the wrong type changes nothing (400).
    #[oai(path = "/flags", method = "patch", operation_id = "admin_update_flags")]
    async fn update_flags(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<FlagsPatch>,
    ) -> Result<Json<FlagsOut>, Error> {
        let who = auth.identity().allow(Permission::PLATFORM)?;
        let flags = state.flags.update(&state.store, who, body.0).await?;
        Ok(Json(FlagsOut {
            flags: FlagValues::clone(&flags),
        }))
    }

    /// Mail sent or waiting, newest first: every mail for the platform admin, the
    /// organisation's own for an org admin. Without `mail.smtp_url` this is where mail goes.
    #[oai(path = "/outbox", method = "get", operation_id = "admin_outbox")]
    async fn outbox(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
    ) -> Result<Json<MailPage>, Error> {
        let who = auth.identity().allow(Permission::OUTBOX)?;
        let org = (who.role != Role::PlatformAdmin).then_some(who.tenant_id);
        let (items, total) = mail::outbox(
            &state.store,
            org,
            skip.0.unwrap_or(0) as usize,
            limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize,
        )?;
        Ok(Json(MailPage { items, total }))
    }
}
