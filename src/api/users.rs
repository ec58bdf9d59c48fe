//! `/users/me`: the signed-in person, and what they may do.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::{Auth, Tag};
use crate::app::AppState;
use crate::auth::{Identity, Permission, PermissionName};
use crate::domain::users::{self, ProfilePatch, UserOut};
use crate::error::Error;

pub struct UsersApi;

/// The signed-in user and the permissions their role grants.
#[derive(Debug, Object)]
pub struct Me {
    #[oai(flatten)]
    pub user: UserOut,
    /// What the caller may do, from the server's permission table. Clients show an action
    /// only when its permission is listed; the server checks again on every call.
    pub permissions: Vec<PermissionName>,
}

/// The names of the permissions `who` holds, in table order.
pub fn granted(who: &Identity) -> Vec<PermissionName> {
    Permission::ALL
        .iter()
        .filter(|p| who.allow(**p).is_ok())
        .map(|p| p.name)
        .collect()
}

#[OpenApi(prefix_path = "/users", tag = "Tag::Users")]
impl UsersApi {
    /// The signed-in user, with `permissions`: what they may do.
    #[oai(path = "/me", method = "get", operation_id = "get_me")]
    async fn me(&self, state: Data<&Arc<AppState>>, auth: Auth) -> Result<Json<Me>, Error> {
        let who = auth.identity().allow(Permission::OWN_PROFILE)?;
        let user = UserOut::from(&users::me(&state.store, who)?);
        Ok(Json(Me {
            user,
            permissions: granted(who),
        }))
    }

    /// Change your name or password. A new password needs `current_password` and ends your other sessions.
    #[oai(path = "/me", method = "patch", operation_id = "update_me")]
    async fn update_me(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<ProfilePatch>,
    ) -> Result<Json<Me>, Error> {
        let who = auth.identity().allow(Permission::OWN_PROFILE)?;
        let user = users::update_me(&state.store, &state.passwords, who, body.0).await?;
        Ok(Json(Me {
            user: UserOut::from(&user),
            permissions: granted(who),
        }))
    }
}
