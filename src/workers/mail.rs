//! Delivers queued mail (`mails_v1`): through SMTP (lettre) when `mail.smtp_url` is set,
//! otherwise into the outbox. Reads what is due, sends it with no transaction open, then
//! records every outcome in one write; a restart resumes from the queue in redb.
//!
//! A round's mails go out [`SENDERS`] at a time, each sender on its own pooled connection.
//! One SMTP exchange waits on the server at every command, and lettre 0.11.23 leaves Nagle's
//! algorithm on, so a mail's closing dot also waits for the server's delayed ACK (40 ms on
//! Linux): one connection at a time delivered 22 mails/s to a sink on the same machine
//! (`cargo bench --bench mail`). lettre's fix (TCP_NODELAY, lettre#1159) is not released yet.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use super::Background;

use crate::config::MailConfig;
use crate::domain::mail::{self, Delivered, Mail, MailStatus};
use crate::store::Store;

/// Mails taken per round.
const ROUND: usize = 32;
/// Mails sent at once through SMTP, each sender over its own pooled connection.
const SENDERS: usize = 8;
const POLL: Duration = Duration::from_millis(500);
/// Waits before each retry of a failed send, as for webhooks.
pub const RETRY_SCHEDULE_SECS: [u64; 5] = [30, 120, 600, 3600, 21600];

/// The mail delivery task (see [`super::Background`] for poke, waker and stop).
pub struct MailWorker(Background);

impl std::ops::Deref for MailWorker {
    type Target = Background;
    fn deref(&self) -> &Background {
        &self.0
    }
}

/// Where mail goes.
enum Transport {
    Smtp {
        smtp: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Outbox,
}

impl MailWorker {
    pub fn start(store: Store, config: &MailConfig) -> anyhow::Result<MailWorker> {
        let transport = if config.smtp_url.is_empty() {
            Transport::Outbox
        } else {
            let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
                .map_err(|e| anyhow::anyhow!("mail.smtp_url: {e}"))?
                .timeout(Some(Duration::from_secs(20)))
                .pool_config(PoolConfig::new().max_size(SENDERS as u32))
                .build();
            let from = config
                .from
                .parse()
                .map_err(|e| anyhow::anyhow!("mail.from: {e}"))?;
            Transport::Smtp { smtp, from }
        };
        Ok(MailWorker(Background::spawn(|poke, stopped| {
            run(store, Arc::new(transport), poke, stopped)
        })))
    }
}

async fn run(
    store: Store,
    transport: Arc<Transport>,
    poke: Arc<Notify>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let due = match mail::due(&store, ROUND) {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "reading the mail queue failed");
                Vec::new()
            }
        };
        let full = due.len() == ROUND;
        if !due.is_empty() {
            let outcomes = deliver_round(&transport, due).await;
            let schedule = RETRY_SCHEDULE_SECS.to_vec();
            if let Err(e) = mail::record(&store, outcomes, schedule).await {
                tracing::warn!(error = %e, "recording mail deliveries failed");
            }
        }
        if full {
            continue;
        }
        tokio::select! {
            _ = poke.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
    }
}

/// Delivers a round: [`SENDERS`] tasks through SMTP, each taking every `SENDERS`th mail in
/// turn. A mail whose sender failed outright (a panic) stays queued for the next round.
async fn deliver_round(transport: &Arc<Transport>, due: Vec<Mail>) -> Vec<(u64, Delivered)> {
    if let Transport::Outbox = **transport {
        return due
            .iter()
            .map(|m| (m.id, Delivered::Done(MailStatus::Outbox)))
            .collect();
    }
    let mut shares: Vec<Vec<Mail>> = (0..SENDERS).map(|_| Vec::new()).collect();
    for (i, m) in due.into_iter().enumerate() {
        shares[i % SENDERS].push(m);
    }
    let mut senders = JoinSet::new();
    for share in shares.into_iter().filter(|s| !s.is_empty()) {
        let transport = transport.clone();
        senders.spawn(async move {
            let mut outcomes = Vec::with_capacity(share.len());
            for m in share {
                outcomes.push((m.id, deliver(&transport, &m).await));
            }
            outcomes
        });
    }
    let mut outcomes = Vec::new();
    while let Some(done) = senders.join_next().await {
        match done {
            Ok(sent) => outcomes.extend(sent),
            Err(e) => tracing::warn!(error = %e, "a mail sender stopped; its mails stay queued"),
        }
    }
    outcomes
}

async fn deliver(transport: &Transport, m: &Mail) -> Delivered {
    let Transport::Smtp { smtp, from } = transport else {
        return Delivered::Done(MailStatus::Outbox);
    };
    let message = match build(from, m) {
        Ok(message) => message,
        Err(e) => return Delivered::Failed(e),
    };
    match smtp.send(message).await {
        Ok(_) => Delivered::Done(MailStatus::Sent),
        Err(e) => {
            tracing::warn!(mail = m.id, error = %e, "sending a mail failed; it will be retried");
            Delivered::Failed(e.to_string())
        }
    }
}

fn build(from: &Mailbox, m: &Mail) -> Result<Message, String> {
    let to: Mailbox =
        m.to.parse()
            .map_err(|e| format!("recipient {}: {e}", m.to))?;
    let body = MultiPart::alternative_plain_html(m.text.clone(), m.html.clone());
    let body = if m.attachments.is_empty() {
        body
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for a in &m.attachments {
            let kind = ContentType::parse(&a.content_type)
                .map_err(|e| format!("attachment {}: {e}", a.filename))?;
            mixed =
                mixed.singlepart(Attachment::new(a.filename.clone()).body(a.content.clone(), kind));
        }
        mixed
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .multipart(body)
        .map_err(|e| e.to_string())
}
