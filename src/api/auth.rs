//! `/auth`: register an organisation, sign in (OAuth2 password form or JSON), sign out.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::{Form, Json};
use poem_openapi::{ApiRequest, ApiResponse, Object, OpenApi};
use serde::Deserialize;

use super::{Auth, SESSION_COOKIE, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::accounts::{
    self, AcceptInput, EmailInput, InviteInput, InviteSent, ResetInput, TokenInput, Verified,
};
use crate::domain::users::{self, RegisterInput, Registered, UserOut};
use crate::error::{Code, Error};
use crate::http::rate_limit::{self, Bucket, LoginGuard};

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

pub(super) fn session_cookie(state: &AppState, value: &str, max_age: u64) -> String {
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
    /// Create an organisation and its first user, an `org_admin`. Refused (403) while the
    /// platform admin has closed registration (flag `registration_open`).
    #[oai(path = "/register", method = "post", operation_id = "register")]
    async fn register(
        &self,
        state: Data<&Arc<AppState>>,
        req: &poem::Request,
        body: Json<RegisterInput>,
    ) -> Result<RegisterResponse, Error> {
        if !state.flags.get().registration_open {
            return Err(Error::forbidden(
                "Registration of new organisations is closed on this instance; ask its operator.",
            ));
        }
        let (user, tenant) = users::register(
            &state.store,
            &state.passwords,
            body.0,
            super::client_ip(req),
            &state.config.effective_public_url(),
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
        let guard =
            LoginGuard::check(&state, &email, ip.as_deref().and_then(|ip| ip.parse().ok()))?;
        sign_in(&state, req, &email, &password)
            .await
            .inspect_err(|e| {
                if e.code == Code::Unauthenticated {
                    guard.failed();
                }
            })
    }

    /// Confirm an email address with the token of the mailed link. Using a link again
    /// answers `already_verified: true`; an unknown or expired token is refused (400).
    #[oai(path = "/verify-email", method = "post", operation_id = "verify_email")]
    async fn verify_email(
        &self,
        state: Data<&Arc<AppState>>,
        body: Json<TokenInput>,
    ) -> Result<Json<Verified>, Error> {
        Ok(Json(
            accounts::verify_email(&state.store, body.0.token).await?,
        ))
    }

    /// Mail a new verification link (at most 3 mails a minute per address). Answers 202
    /// whether or not the account exists.
    #[oai(
        path = "/resend-verification",
        method = "post",
        operation_id = "resend_verification"
    )]
    async fn resend_verification(
        &self,
        state: Data<&Arc<AppState>>,
        body: Json<EmailInput>,
    ) -> Result<Accepted, Error> {
        let url = state.config.effective_public_url();
        let send = accounts::resend_verification(&state.store, &body.email, &url);
        mail_link(&state, &body.email, send).await
    }

    /// Mail a password-reset link, valid one hour and once. Answers 202 whether or not the
    /// account exists.
    #[oai(
        path = "/forgot-password",
        method = "post",
        operation_id = "forgot_password"
    )]
    async fn forgot_password(
        &self,
        state: Data<&Arc<AppState>>,
        body: Json<EmailInput>,
    ) -> Result<Accepted, Error> {
        let url = state.config.effective_public_url();
        let send = accounts::forgot_password(&state.store, &body.email, &url);
        mail_link(&state, &body.email, send).await
    }

    /// Set a new password with the token of a reset link; every session of the account ends.
    #[oai(
        path = "/reset-password",
        method = "post",
        operation_id = "reset_password"
    )]
    async fn reset_password(
        &self,
        state: Data<&Arc<AppState>>,
        body: Json<ResetInput>,
    ) -> Result<Done, Error> {
        accounts::reset_password(&state.store, &state.passwords, body.0).await?;
        Ok(Done::Done)
    }

    /// Invite a teammate by email with a role (org admins): a link valid 7 days, mailed and
    /// returned.
    #[oai(path = "/invite", method = "post", operation_id = "invite")]
    async fn invite(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<InviteInput>,
    ) -> Result<InviteResponse, Error> {
        let who = auth.identity().allow(Permission::TEAM_WRITE)?;
        let sent = accounts::invite(
            &state.store,
            who,
            body.0,
            &state.config.effective_public_url(),
        )
        .await?;
        state.mail.poke();
        Ok(InviteResponse::Created(Json(sent)))
    }

    /// Accept an invitation: set a password (and name) and sign in. A used or expired
    /// invitation is refused (400).
    #[oai(
        path = "/accept-invite",
        method = "post",
        operation_id = "accept_invite"
    )]
    async fn accept_invite(
        &self,
        state: Data<&Arc<AppState>>,
        req: &poem::Request,
        body: Json<AcceptInput>,
    ) -> Result<LoginResponse, Error> {
        let password = body.password.clone();
        let user = accounts::accept_invite(&state.store, &state.passwords, body.0).await?;
        sign_in(&state, req, &user.email, &password).await
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

/// Signs `email` in with `password`: the token answer and the session cookie.
async fn sign_in(
    state: &AppState,
    req: &poem::Request,
    email: &str,
    password: &str,
) -> Result<LoginResponse, Error> {
    let signed = users::login(
        &state.store,
        &state.passwords,
        &state.tokens,
        &state.config.auth,
        email,
        password,
        super::client_ip(req),
    )
    .await?;
    let cookie = session_cookie(state, &signed.session_token, signed.session_ttl);
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

/// At most 3 mails a minute to one address from the account flows, limits on or off: the
/// flows must not become a way to flood someone's mailbox.
fn mail_allowance(state: &AppState, email: &str) -> Result<(), Error> {
    let bucket = Bucket::Mail(crate::error::normalize_email(email));
    let verdict = state.limiter.hit(&bucket, MAILS_PER_MINUTE);
    if verdict.over {
        return Err(rate_limit::too_many(&verdict, "mails to this address"));
    }
    Ok(())
}

const MAILS_PER_MINUTE: u32 = 3;

/// Runs `send` (which queues a mail with a link to `email`) within the address's allowance,
/// then wakes the mail worker. `send` does nothing until awaited, so a refused request
/// queues nothing.
async fn mail_link(
    state: &AppState,
    email: &str,
    send: impl std::future::Future<Output = Result<(), Error>>,
) -> Result<Accepted, Error> {
    mail_allowance(state, email)?;
    send.await?;
    state.mail.poke();
    Ok(Accepted::Queued)
}

#[derive(ApiResponse)]
pub enum Accepted {
    /// Queued (or nothing to do: the answer does not say whether the account exists).
    #[oai(status = 202)]
    Queued,
}

#[derive(ApiResponse)]
pub enum Done {
    /// Done.
    #[oai(status = 204)]
    Done,
}

#[derive(ApiResponse)]
pub enum InviteResponse {
    /// The invitation was created and its mail queued.
    #[oai(status = 201)]
    Created(Json<InviteSent>),
}
