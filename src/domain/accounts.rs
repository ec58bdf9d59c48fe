//! Account flows by mail: confirm an email address, reset a forgotten password, invite a
//! teammate. Each mails a one-time link (`{public_url}/verify-email?token=…`) queued in the
//! same transaction as the token it carries.

use poem_openapi::Object;

use super::audit::{self, Action, Actor, Change};
use super::mail::{self, MailKind};
use super::structure;
use super::tenants;
use super::tokens::{self, Invite, TokenKind};
use super::users::{self, User};
use crate::auth::password::{self, Passwords};
use crate::auth::{Identity, Role};
use crate::error::{Error, Result, is_valid_email, normalize_email};
use crate::store::tables::{EMAIL_USER, INSTANCE, TENANTS, USERS};
use crate::store::{Reader, Store, Tx};

/// The absolute link a mail carries for `raw`.
pub fn link(public_url: &str, kind: TokenKind, raw: &str) -> String {
    format!(
        "{}{}?token={raw}",
        public_url.trim_end_matches('/'),
        kind.page()
    )
}

/// Issues a verification token for `user` and queues its mail, inside `tx`.
pub fn send_verification(tx: &mut Tx, user: &User, public_url: &str) -> Result<()> {
    let (_, raw) = tokens::issue(
        tx,
        TokenKind::VerifyEmail,
        user.tenant_id,
        Some(user.id),
        &user.email,
    )?;
    let tenant = tx.get(&TENANTS, INSTANCE, user.tenant_id)?;
    let url = link(public_url, TokenKind::VerifyEmail, &raw);
    let outgoing = mail::compose(
        MailKind::Verification,
        &user.email,
        tenant.as_ref(),
        &url,
        "",
    );
    mail::enqueue(tx, user.tenant_id, outgoing)?;
    Ok(())
}

#[derive(Debug, Clone, Object)]
pub struct TokenInput {
    #[oai(validator(max_length = 200))]
    pub token: String,
}

#[derive(Debug, Clone, Object)]
pub struct EmailInput {
    #[oai(validator(max_length = 254))]
    pub email: String,
}

#[derive(Debug, Clone, Object)]
pub struct Verified {
    pub email_verified: bool,
    /// The link had been used before: nothing changed.
    pub already_verified: bool,
}

/// Confirms the email of the token's account. Using the link again answers `already_verified`.
pub async fn verify_email(store: &Store, raw: String) -> Result<Verified> {
    store
        .write(move |tx| {
            if let Some(token) = tokens::find(tx, TokenKind::VerifyEmail, &raw)?
                && token.used_at.is_some()
                && let Some(user_id) = token.user_id
                && tx
                    .get(&USERS, token.tenant_id, user_id)?
                    .is_some_and(|u: User| u.email_verified)
            {
                return Ok(Verified {
                    email_verified: true,
                    already_verified: true,
                });
            }
            let token = tokens::consume(tx, TokenKind::VerifyEmail, &raw)?;
            let gone = || Error::invalid("token", "belongs to an account that no longer exists");
            let user_id = token.user_id.ok_or_else(gone)?;
            let mut user: User = tx.get(&USERS, token.tenant_id, user_id)?.ok_or_else(gone)?;
            let already_verified = user.email_verified;
            if !already_verified {
                user.email_verified = true;
                tx.put(&USERS, user.tenant_id, user.id, &user)?;
                let summary = format!("{} confirmed their email", user.email);
                let actor = Actor::public(&user.email, None);
                audit::record(
                    tx,
                    user.tenant_id,
                    &actor,
                    Change::new(Action::UserEmailVerified, user.id, summary),
                )?;
            }
            Ok(Verified {
                email_verified: true,
                already_verified,
            })
        })
        .await
}

/// Mails a new verification link to an unverified account. Answers the same whether or not
/// the account exists, so nobody learns which emails have one.
pub async fn resend_verification(store: &Store, email: &str, public_url: &str) -> Result<()> {
    let email = normalize_email(email);
    if !is_valid_email(&email) {
        return Err(Error::invalid("email", "must be an email address"));
    }
    let Some(user) = users::by_email(&store.read()?, &email)? else {
        return Ok(());
    };
    if user.email_verified {
        return Ok(());
    }
    let public_url = public_url.to_string();
    store
        .write(move |tx| send_verification(tx, &user, &public_url))
        .await
}

/// Mails a password-reset link (valid an hour) when the account exists; answers the same
/// either way.
pub async fn forgot_password(store: &Store, email: &str, public_url: &str) -> Result<()> {
    let email = normalize_email(email);
    if !is_valid_email(&email) {
        return Err(Error::invalid("email", "must be an email address"));
    }
    let Some(user) = users::by_email(&store.read()?, &email)? else {
        return Ok(());
    };
    let public_url = public_url.to_string();
    store
        .write(move |tx| {
            let (_, raw) = tokens::issue(
                tx,
                TokenKind::ResetPassword,
                user.tenant_id,
                Some(user.id),
                &user.email,
            )?;
            let tenant = tx.get(&TENANTS, INSTANCE, user.tenant_id)?;
            let url = link(&public_url, TokenKind::ResetPassword, &raw);
            let outgoing = mail::compose(
                MailKind::PasswordReset,
                &user.email,
                tenant.as_ref(),
                &url,
                "",
            );
            mail::enqueue(tx, user.tenant_id, outgoing)?;
            Ok(())
        })
        .await
}

#[derive(Debug, Clone, Object)]
pub struct ResetInput {
    #[oai(validator(max_length = 200))]
    pub token: String,
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: String,
}

/// Sets a new password with a reset link (once) and ends every session of the account.
pub async fn reset_password(store: &Store, passwords: &Passwords, input: ResetInput) -> Result<()> {
    password::check_policy("password", &input.password)?;
    // Refuse a bad link before spending a hash on it; the transaction checks again.
    let known = tokens::find(&store.read()?, TokenKind::ResetPassword, &input.token)?;
    if known.is_none() {
        return Err(Error::invalid("token", "is not a valid link"));
    }
    let hash = passwords.hash(input.password).await?;
    let raw = input.token;
    store
        .write(move |tx| {
            let token = tokens::consume(tx, TokenKind::ResetPassword, &raw)?;
            let gone = || Error::invalid("token", "belongs to an account that no longer exists");
            let user_id = token.user_id.ok_or_else(gone)?;
            let mut user: User = tx.get(&USERS, token.tenant_id, user_id)?.ok_or_else(gone)?;
            user.password_hash = hash;
            // Whoever got the link owns the mailbox: the address is confirmed too.
            user.email_verified = true;
            tx.put(&USERS, user.tenant_id, user.id, &user)?;
            users::end_sessions(tx, user.tenant_id, user.id, None)?;
            let summary = format!(
                "{} reset their password by mail; every session ended",
                user.email
            );
            let actor = Actor::public(&user.email, None);
            audit::record(
                tx,
                user.tenant_id,
                &actor,
                Change::new(Action::UserPasswordChanged, user.id, summary),
            )
        })
        .await
}

#[derive(Debug, Clone, Object)]
pub struct InviteInput {
    #[oai(validator(max_length = 254))]
    pub email: String,
    /// The role the teammate gets (any role of an organisation).
    pub role: Role,
    /// Required with the `agency` role (an agency of the organisation, `/agencies`), refused
    /// with any other: the agency the teammate works for.
    pub agency_id: Option<u64>,
}

#[derive(Debug, Clone, Object)]
pub struct InviteSent {
    pub invite: Invite,
    /// The link mailed to the teammate (valid 7 days), to pass on another way if needed.
    pub invite_url: String,
}

/// Invites a teammate into the inviter's organisation: a link valid 7 days, mailed.
pub async fn invite(
    store: &Store,
    who: &Identity,
    input: InviteInput,
    public_url: &str,
) -> Result<InviteSent> {
    let email = normalize_email(&input.email);
    if !is_valid_email(&email) {
        return Err(Error::invalid("email", "must be an email address"));
    }
    if !input.role.is_tenant_role() {
        return Err(Error::invalid("role", "must be a role of an organisation"));
    }
    let (tenant_id, actor, role) = (who.tenant_id, Actor::of(who), input.role);
    let public_url = public_url.to_string();
    store
        .write(move |tx| {
            let agency_id = structure::agency_of_role(tx, tenant_id, role, input.agency_id)?;
            if tx.lookup(&EMAIL_USER, &email)?.is_some() {
                return Err(Error::conflict(format!(
                    "An account with the email {email} already exists"
                )));
            }
            let tenant = tenants::load(tx, tenant_id)?;
            let (mut token, raw) = tokens::issue(tx, TokenKind::Invite, tenant_id, None, &email)?;
            token.role = Some(role);
            token.agency_id = agency_id;
            token.invited_by = Some(actor.label.clone());
            tokens::save(tx, &token)?;
            let url = link(&public_url, TokenKind::Invite, &raw);
            let outgoing =
                mail::compose(MailKind::Invite, &email, Some(&tenant), &url, &actor.label);
            mail::enqueue(tx, tenant_id, outgoing)?;
            let summary = format!("Invited {email} as {}", role.as_str());
            audit::record(
                tx,
                tenant_id,
                &actor,
                Change::new(Action::UserInvited, token.id, summary).with(
                    serde_json::json!({"email": email, "role": role, "agency_id": agency_id}),
                ),
            )?;
            Ok(InviteSent {
                invite: Invite::from(&token),
                invite_url: url,
            })
        })
        .await
}

#[derive(Debug, Clone, Object)]
pub struct AcceptInput {
    #[oai(validator(max_length = 200))]
    pub token: String,
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: String,
    /// Defaults to the part of the email before `@`.
    #[oai(validator(max_length = 120))]
    pub full_name: Option<String>,
}

/// Creates the invited teammate's account with the password chosen; the caller signs it in.
pub async fn accept_invite(
    store: &Store,
    passwords: &Passwords,
    input: AcceptInput,
) -> Result<User> {
    password::check_policy("password", &input.password)?;
    let full_name = input
        .full_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from);
    if let Some(name) = &full_name
        && name.chars().count() > users::NAME_MAX
    {
        return Err(Error::invalid(
            "full_name",
            format!("must be at most {} characters", users::NAME_MAX),
        ));
    }
    if tokens::find(&store.read()?, TokenKind::Invite, &input.token)?.is_none() {
        return Err(Error::invalid("token", "is not a valid link"));
    }
    let hash = passwords.hash(input.password).await?;
    let raw = input.token;
    store
        .write(move |tx| {
            let token = tokens::consume(tx, TokenKind::Invite, &raw)?;
            let role = token.role.unwrap_or(Role::Recruiter);
            // The invite reached this mailbox: the address is confirmed.
            // An agency removed since the invite was sent leaves the invitation without one.
            let agency_id = token.agency_id.filter(|_| role == Role::Agency);
            if let Some(agency) = agency_id {
                structure::agency_of_role(tx, token.tenant_id, role, Some(agency)).map_err(
                    |_| {
                        Error::invalid(
                            "token",
                            "names an agency that no longer exists; ask for a new invitation",
                        )
                    },
                )?;
            }
            let mut user =
                users::insert_user(tx, token.tenant_id, &token.email, full_name, role, hash)?;
            user.email_verified = true;
            user.agency_id = agency_id;
            tx.put(&USERS, user.tenant_id, user.id, &user)?;
            let actor = Actor::public(&user.email, None);
            let summary = format!(
                "{} accepted the invitation of {} and joined as {}",
                user.email,
                token.invited_by.as_deref().unwrap_or("an admin"),
                role.as_str()
            );
            audit::record(
                tx,
                user.tenant_id,
                &actor,
                Change::new(Action::UserCreated, user.id, summary),
            )?;
            Ok(user)
        })
        .await
}
