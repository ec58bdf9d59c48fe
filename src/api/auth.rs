//! `/auth`: register an organisation, sign in (OAuth2 password form or JSON), sign out.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::{Form, Json};
use poem_openapi::{ApiRequest, ApiResponse, Object, OpenApi};
use serde::Deserialize;

use super::{Auth, SESSION_COOKIE, Tag};
use crate::app::AppState;
use crate::domain::users::{self, RegisterInput, Registered, UserOut};
use crate::error::Error;

pub struct AuthApi;

/// OAuth2 password grant: `username` is the email.
#[derive(Debug, Deserialize, Object)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    /// Accepted for OAuth2 clients; only `password` is supported.
    pub grant_type: Option<String>,
}

#[derive(Debug, Deserialize, Object)]
pub struct LoginJson {
    pub email: String,
    pub password: String,
}

#[derive(ApiRequest)]
pub enum LoginRequest {
    Form(Form<LoginForm>),
    Json(Json<LoginJson>),
}

#[derive(Debug, Object)]
pub struct TokenOut {
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub user: UserOut,
}

#[derive(ApiResponse)]
pub enum LoginResponse {
    /// Signed in; the session cookie is set for browsers.
    #[oai(status = 200)]
    Ok(Json<TokenOut>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum RegisterResponse {
    /// The organisation and its first org_admin were created.
    #[oai(status = 201)]
    Created(Json<Registered>),
}

#[derive(ApiResponse)]
pub enum LogoutResponse {
    /// The session has ended; the cookie is cleared.
    #[oai(status = 204)]
    Done(#[oai(header = "Set-Cookie")] String),
}

fn session_cookie(state: &AppState, value: &str, max_age: u64) -> String {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

#[OpenApi(prefix_path = "/auth", tag = "Tag::Auth")]
impl AuthApi {
    /// Create an organisation and its first user, an `org_admin`.
    #[oai(path = "/register", method = "post", operation_id = "register")]
    async fn register(
        &self,
        state: Data<&Arc<AppState>>,
        req: &poem::Request,
        body: Json<RegisterInput>,
    ) -> Result<RegisterResponse, Error> {
        let (user, tenant) = users::register(
            &state.store,
            &state.passwords,
            body.0,
            super::client_ip(req),
        )
        .await?;
        Ok(RegisterResponse::Created(Json(Registered {
            user: UserOut::from(&user),
            org_name: tenant.name,
            org_slug: tenant.slug,
        })))
    }

    /// Sign in with an email and password, as an OAuth2 password form (`username`, `password`)
    /// or as JSON (`email`, `password`). Returns a bearer token and sets the session cookie.
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        state: Data<&Arc<AppState>>,
        req: &poem::Request,
        body: LoginRequest,
    ) -> Result<LoginResponse, Error> {
        let (email, password) = match body {
            LoginRequest::Form(f) => {
                if f.grant_type.as_deref().is_some_and(|g| g != "password") {
                    return Err(Error::invalid("grant_type", "must be `password`"));
                }
                (f.0.username, f.0.password)
            }
            LoginRequest::Json(j) => (j.0.email, j.0.password),
        };
        let ip = super::client_ip(req);
        let signed = users::login(
            &state.store,
            &state.passwords,
            &state.tokens,
            &state.config.auth,
            &email,
            &password,
            ip,
        )
        .await?;
        let cookie = session_cookie(&state, &signed.session_token, signed.session_ttl);
        Ok(LoginResponse::Ok(
            Json(TokenOut {
                access_token: signed.access_token,
                token_type: "bearer".into(),
                expires_in: signed.expires_in,
                user: UserOut::from(&signed.user),
            }),
            cookie,
        ))
    }

    /// End the current session: its access tokens and cookie stop working at once.
    #[oai(path = "/logout", method = "post", operation_id = "logout")]
    async fn logout(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
    ) -> Result<LogoutResponse, Error> {
        users::logout(&state.store, auth.identity()).await?;
        Ok(LogoutResponse::Done(session_cookie(&state, "", 0)))
    }
}
