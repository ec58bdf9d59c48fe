//! `/users/me`: the signed-in person.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use super::{Auth, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::users::{self, ProfilePatch, UserOut};
use crate::error::Error;

pub struct UsersApi;

#[OpenApi(prefix_path = "/users", tag = "Tag::Users")]
impl UsersApi {
    /// The signed-in user.
    #[oai(path = "/me", method = "get", operation_id = "get_me")]
    async fn me(&self, state: Data<&Arc<AppState>>, auth: Auth) -> Result<Json<UserOut>, Error> {
        let who = auth.identity().allow(Permission::OWN_PROFILE)?;
        Ok(Json(UserOut::from(&users::me(&state.store, who)?)))
    }

    /// Change your name or password. A new password needs `current_password` and ends your other sessions.
    #[oai(path = "/me", method = "patch", operation_id = "update_me")]
    async fn update_me(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<ProfilePatch>,
    ) -> Result<Json<UserOut>, Error> {
        let who = auth.identity().allow(Permission::OWN_PROFILE)?;
        let user = users::update_me(&state.store, &state.passwords, who, body.0).await?;
        Ok(Json(UserOut::from(&user)))
    }
}
