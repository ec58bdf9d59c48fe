//! `/team`: the members of the caller's organisation.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::{Auth, Tag, page};
use crate::app::AppState;
use crate::auth::{Permission, Role};
use crate::domain::users::{self, UserOut};
use crate::error::Error;

pub struct TeamApi;

crate::page_of!(UserPage, UserOut);

#[derive(Debug, Object)]
pub struct RoleChange {
    pub role: Role,
    /// Required with the `agency` role: the agency the member works for.
    pub agency_id: Option<u64>,
}

#[derive(ApiResponse)]
pub enum Removed {
    /// The member was removed and their sessions ended.
    #[oai(status = 204)]
    Done,
}

#[OpenApi(prefix_path = "/team", tag = "Tag::Team")]
impl TeamApi {
    /// Members of the organisation, newest first.
    #[oai(path = "/", method = "get", operation_id = "list_team")]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
    ) -> Result<Json<UserPage>, Error> {
        let who = auth.identity().allow(Permission::TEAM_READ)?;
        let (items, total) = users::team(
            &state.store,
            who.tenant_id,
            skip.0.unwrap_or(0) as usize,
            limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize,
        )?;
        Ok(Json(UserPage {
            items: items.iter().map(UserOut::from).collect(),
            total,
        }))
    }

    /// Change a member's role (org_admin). The organisation always keeps one org_admin.
    #[oai(
        path = "/:user_id",
        method = "patch",
        operation_id = "change_member_role"
    )]
    async fn change_role(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        user_id: Path<u64>,
        body: Json<RoleChange>,
    ) -> Result<Json<UserOut>, Error> {
        let who = auth.identity().allow(Permission::TEAM_WRITE)?;
        let user =
            users::change_role(&state.store, who, user_id.0, body.0.role, body.0.agency_id).await?;
        Ok(Json(UserOut::from(&user)))
    }

    /// Remove a member (org_admin); their sessions end at once.
    #[oai(path = "/:user_id", method = "delete", operation_id = "remove_member")]
    async fn remove(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        user_id: Path<u64>,
    ) -> Result<Removed, Error> {
        let who = auth.identity().allow(Permission::TEAM_WRITE)?;
        users::remove_member(&state.store, who, user_id.0).await?;
        Ok(Removed::Done)
    }
}
