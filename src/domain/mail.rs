//! Mail: queued in redb in the same transaction as the change that sends it, then delivered
//! by the mail worker — through SMTP when `mail.smtp_url` is set (retried with backoff, like
//! webhooks), otherwise into the outbox the platform admin reads (`/admin/outbox`), so an
//! offline install still shows every mail it would have sent.

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use super::tenants::Tenant;
use crate::error::Result;
use crate::store::tables::{INSTANCE, MAILS, STATUS_MAILS, TENANT_MAILS};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

named_enum! {
    /// Where a mail stands.
    pub enum MailStatus {
        /// Waiting for the worker (its first attempt or a retry).
        Queued = "queued",
        /// Handed to the SMTP server.
        Sent = "sent",
        /// No SMTP server is configured: kept here for the admin to read.
        Outbox = "outbox",
        /// Every attempt failed.
        Failed = "failed",
    }
}

named_enum! {
    /// Why a mail was sent.
    pub enum MailKind {
        Verification = "verification",
        PasswordReset = "password_reset",
        Invite = "invite",
        ApplicationReceived = "application_received",
        InterviewInvitation = "interview_invitation",
        InterviewChanged = "interview_changed",
        InterviewCancelled = "interview_cancelled",
        Digest = "digest",
    }
}

/// A file sent with a mail (an interview's calendar event).
#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct MailAttachment {
    pub filename: String,
    pub content_type: String,
    /// The file's text.
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Mail {
    pub id: u64,
    /// The organisation it is sent for (0: the instance).
    pub org_id: u64,
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    /// The plain-text body (an HTML alternative is sent beside it).
    pub text: String,
    #[oai(skip)]
    pub html: String,
    #[serde(default)]
    pub attachments: Vec<MailAttachment>,
    pub status: MailStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// A mail to send, before it is queued.
pub struct Outgoing {
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<MailAttachment>,
}

/// The words of each mail, with the organisation's name and brand colour where there is one.
pub fn compose(
    kind: MailKind,
    to: &str,
    tenant: Option<&Tenant>,
    link: &str,
    extra: &str,
) -> Outgoing {
    let org = tenant.map_or("hirebase", |t| t.name.as_str());
    let (subject, intro, action) = match kind {
        MailKind::Verification => (
            format!("Confirm your email for {org}"),
            "Please confirm that this is your email address.".to_string(),
            "Confirm my email",
        ),
        MailKind::PasswordReset => (
            format!("Reset your {org} password"),
            "Someone asked to reset the password of this account. If it was not you, ignore \
             this mail: nothing changes. The link works once, for an hour."
                .to_string(),
            "Choose a new password",
        ),
        MailKind::Invite => (
            format!("You are invited to join {org} on hirebase"),
            format!("{extra} invited you to join {org}. The link works for 7 days."),
            "Accept the invitation",
        ),
        MailKind::ApplicationReceived => (
            format!("We received your application: {extra}"),
            format!(
                "Thank you for applying to {org} for {extra}. The team reads every \
                 application and will be in touch."
            ),
            "See the other open jobs",
        ),
        MailKind::InterviewInvitation => (
            format!("Interview invitation from {org}"),
            format!(
                "{org} invites you to an interview: {extra}. The invitation is attached: open \
                 it to add the interview to your calendar."
            ),
            "Interview details",
        ),
        MailKind::InterviewChanged => (
            format!("Your interview with {org} has changed"),
            format!(
                "Your interview with {org} has moved: {extra}. The attached invitation \
                 replaces the earlier one in your calendar."
            ),
            "Interview details",
        ),
        MailKind::InterviewCancelled => (
            format!("Your interview with {org} is cancelled"),
            format!(
                "{org} cancelled the interview planned for you ({extra}). The attached \
                 update removes it from your calendar; the team will be in touch."
            ),
            "See the other open jobs",
        ),
        MailKind::Digest => (
            format!("New applicants at {org}"),
            extra.to_string(),
            "Open the candidates",
        ),
    };
    let colour = tenant
        .and_then(|t| t.brand_color.as_deref())
        .unwrap_or("#4f46e5");
    let text = format!("Hello,\n\n{intro}\n\n{action}: {link}\n\n— {org}\n");
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\">\
         <h2 style=\"color:{colour}\">{org}</h2><p>Hello,</p><p>{intro}</p>\
         <p><a href=\"{link}\" style=\"background:{colour};color:#fff;padding:10px 16px;\
         border-radius:6px;text-decoration:none\">{action}</a></p>\
         <p style=\"color:#666;font-size:12px\">Or open {link}</p></body></html>",
        org = escape(org),
        intro = escape(&intro).replace('\n', "<br>"),
        link = escape(link),
    );
    Outgoing {
        kind,
        to: to.to_string(),
        subject,
        text,
        html,
        attachments: vec![],
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Queues a mail inside the transaction of the change that sends it.
pub fn enqueue(tx: &mut Tx, org_id: u64, mail: Outgoing) -> Result<Mail> {
    let now = Timestamp::now();
    let mail = Mail {
        id: tx.next_id()?,
        org_id,
        kind: mail.kind,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: mail.attachments,
        status: MailStatus::Queued,
        attempts: 0,
        next_attempt_at: Some(now),
        last_error: None,
        created_at: now,
        sent_at: None,
    };
    tx.put(&MAILS, INSTANCE, mail.id, &mail)?;
    Ok(mail)
}

/// Mails waiting to be delivered whose time has come, oldest first. Reads the queue from its
/// oldest mail only as far as it must to find `limit` due ones (stepping over those waiting for
/// a retry), so a round costs about `limit` reads however long the queue is; reading the whole
/// queue every round made draining a backlog quadratic.
pub fn due(store: &Store, limit: usize) -> Result<Vec<Mail>> {
    let rx = store.read()?;
    let queued = MailStatus::Queued as u64..=MailStatus::Queued as u64;
    let now = Timestamp::now();
    let mut window = limit.max(1).saturating_mul(4);
    loop {
        let ids = rx.filed_in(&STATUS_MAILS, INSTANCE, queued.clone(), window)?;
        let mut mails = Vec::with_capacity(limit);
        for chunk in ids.chunks(limit.max(1)) {
            let ready = rx
                .get_many(&MAILS, INSTANCE, chunk)?
                .into_iter()
                .filter(|m| m.next_attempt_at.is_none_or(|at| at <= now));
            mails.extend(ready);
            if mails.len() >= limit {
                mails.truncate(limit);
                return Ok(mails);
            }
        }
        if ids.len() < window {
            return Ok(mails);
        }
        window = window.saturating_mul(4);
    }
}

/// How many mails wait for delivery (for `/metrics`).
pub fn queue_depth(store: &Store) -> Result<u64> {
    store
        .read()?
        .filed_count(&STATUS_MAILS, INSTANCE, MailStatus::Queued as u64)
}

/// What happened to one delivery attempt.
pub enum Delivered {
    /// Sent by SMTP, or kept in the outbox when there is no SMTP server.
    Done(MailStatus),
    Failed(String),
}

/// Records the outcomes of a round of attempts: a failed one is retried after the next wait
/// of `schedule_secs`, and fails for good once they are used up.
pub async fn record(
    store: &Store,
    outcomes: Vec<(u64, Delivered)>,
    schedule_secs: Vec<u64>,
) -> Result<()> {
    store
        .write(move |tx| {
            let now = Timestamp::now();
            for (id, outcome) in outcomes {
                let Some(mut mail) = tx.get(&MAILS, INSTANCE, id)? else {
                    continue;
                };
                mail.attempts += 1;
                match outcome {
                    Delivered::Done(status) => {
                        mail.status = status;
                        mail.sent_at = Some(now);
                        mail.next_attempt_at = None;
                        mail.last_error = None;
                    }
                    Delivered::Failed(error) => {
                        mail.last_error = Some(error);
                        match schedule_secs.get(mail.attempts as usize - 1) {
                            Some(wait) => mail.next_attempt_at = Some(now.plus_secs(*wait as i64)),
                            None => {
                                mail.status = MailStatus::Failed;
                                mail.next_attempt_at = None;
                            }
                        }
                    }
                }
                tx.put(&MAILS, INSTANCE, id, &mail)?;
            }
            Ok(())
        })
        .await
}

/// Failed mails are queued again now (the `mail-retries` job, and an admin's retry).
pub async fn retry_failed(store: &Store) -> Result<u64> {
    store
        .write(|tx| {
            let failed = tx.filed_in(
                &STATUS_MAILS,
                INSTANCE,
                MailStatus::Failed as u64..=MailStatus::Failed as u64,
                usize::MAX,
            )?;
            let now = Timestamp::now();
            let mut n = 0;
            for mut mail in tx.get_many(&MAILS, INSTANCE, &failed)? {
                mail.status = MailStatus::Queued;
                mail.attempts = 0;
                mail.next_attempt_at = Some(now);
                tx.put(&MAILS, INSTANCE, mail.id, &mail)?;
                n += 1;
            }
            Ok(n)
        })
        .await
}

/// The outbox, newest first: every mail (`org: None`) or one organisation's.
pub fn outbox(
    store: &Store,
    org: Option<u64>,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Mail>, u64)> {
    let rx = store.read()?;
    rx.page_matching(&MAILS, INSTANCE, &[(&TENANT_MAILS, org)], None, skip, limit)
}
