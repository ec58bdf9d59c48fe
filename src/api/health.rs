//! `/health`: how the instance is doing, for its operator (platform admin) and a status page —
//! storage, search index, mail, webhooks, the assistant's posture, backups and the audit trails.

use std::sync::Arc;
use std::time::Instant;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::{Auth, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::audit::ChainHead;
use crate::domain::mail::MailStatus;
use crate::domain::{backups, indexing, mail, webhooks};
use crate::error::Error;
use crate::store::Reader;
use crate::store::tables::{AUDIT_HEADS, INSTANCE, STATUS_MAILS};
use crate::time::Timestamp;

pub struct HealthApi;

/// Changes waiting for the search index past which the index is reported behind.
const INDEX_LAG_WARN: u64 = 10_000;

#[derive(Debug, Object)]
pub struct Health {
    /// `ok`, or `degraded` with the reasons in `problems`.
    pub status: String,
    pub problems: Vec<String>,
    pub version: String,
    pub checked_at: Timestamp,
    pub storage: StorageHealth,
    pub index: IndexHealth,
    pub mail: MailHealth,
    pub webhooks: WebhookHealth,
    pub assistant: AssistantPosture,
    pub backups: BackupHealth,
    pub audit: AuditStats,
}

#[derive(Debug, Object)]
pub struct StorageHealth {
    pub backend: String,
    /// A read transaction opened and a record read.
    pub ok: bool,
    /// How long that took, in milliseconds.
    pub probe_ms: f64,
    pub database_bytes: u64,
    pub schema_version: u64,
}

#[derive(Debug, Object)]
pub struct IndexHealth {
    pub backend: String,
    /// Changes committed and not yet searchable.
    pub lag: u64,
}

#[derive(Debug, Object)]
pub struct MailHealth {
    /// `smtp` (`mail.smtp_url` is set) or `outbox` (kept for the admin to read).
    pub transport: String,
    pub queued: u64,
    pub failed: u64,
}

#[derive(Debug, Object)]
pub struct WebhookHealth {
    /// Deliveries waiting (first attempts and retries).
    pub queued: u64,
}

#[derive(Debug, Object)]
pub struct AssistantPosture {
    /// `offline` (the built-in engine) or `endpoint` (an OpenAI-compatible service, with the
    /// offline engine as fallback).
    pub engine: String,
    /// The endpoint's host (never its key), when one is configured.
    pub endpoint_host: Option<String>,
    pub model: Option<String>,
}

#[derive(Debug, Object)]
pub struct BackupHealth {
    pub count: u64,
    pub latest_at: Option<Timestamp>,
}

#[derive(Debug, Object)]
pub struct AuditStats {
    /// Hash chains: one per organisation, and the instance's own.
    pub chains: u64,
    /// Entries over every chain.
    pub entries: u64,
}

#[OpenApi(prefix_path = "/health", tag = "Tag::Admin")]
impl HealthApi {
    /// The instance's health: storage (probed), search index lag, mail and webhook queues,
    /// the assistant's posture, backups and audit totals (platform admin).
    #[oai(path = "/", method = "get", operation_id = "get_health")]
    async fn health(&self, state: Data<&Arc<AppState>>, auth: Auth) -> Result<Json<Health>, Error> {
        auth.identity().allow(Permission::PLATFORM)?;
        let config = &state.config;
        let started = Instant::now();
        // Every chain's head (keyed by organisation; the instance's own is organisation 0).
        let heads: Option<Vec<((u64, u64), ChainHead)>> = state
            .store
            .read()
            .and_then(|rx| rx.scan(&AUDIT_HEADS, None, usize::MAX))
            .ok();
        let probe_ms = started.elapsed().as_secs_f64() * 1000.0;
        let storage_ok = heads.is_some();
        let heads = heads.unwrap_or_default();
        let rx = state.store.read()?;
        let failed = rx.filed_count(&STATUS_MAILS, INSTANCE, MailStatus::Failed as u64)?;
        let lag = indexing::lag(&state.store)?;
        let listed = backups::list(&config.data_dir).unwrap_or_default();
        let endpoint_host = (!config.assistant.endpoint.is_empty())
            .then(|| crate::domain::interviews::host_of(&config.assistant.endpoint));
        let mut problems = Vec::new();
        if !storage_ok {
            problems.push("storage: the database could not be read".to_string());
        }
        if lag > INDEX_LAG_WARN {
            problems.push(format!("index: {lag} changes are not searchable yet"));
        }
        if failed > 0 {
            problems.push(format!("mail: {failed} mails failed every attempt"));
        }
        Ok(Json(Health {
            status: if problems.is_empty() {
                "ok"
            } else {
                "degraded"
            }
            .into(),
            problems,
            version: env!("CARGO_PKG_VERSION").into(),
            checked_at: Timestamp::now(),
            storage: StorageHealth {
                backend: "redb".into(),
                ok: storage_ok,
                probe_ms,
                database_bytes: std::fs::metadata(config.data_dir.join(crate::store::DB_FILE))
                    .map(|m| m.len())
                    .unwrap_or(0),
                schema_version: state.store.schema_version()?,
            },
            index: IndexHealth {
                backend: "tantivy".into(),
                lag,
            },
            mail: MailHealth {
                transport: if config.mail.smtp_url.is_empty() {
                    "outbox"
                } else {
                    "smtp"
                }
                .into(),
                queued: mail::queue_depth(&state.store)?,
                failed,
            },
            webhooks: WebhookHealth {
                queued: webhooks::queue_depth(&state.store)?,
            },
            assistant: AssistantPosture {
                engine: if endpoint_host.is_some() {
                    "endpoint"
                } else {
                    "offline"
                }
                .into(),
                endpoint_host,
                model: Some(config.assistant.model.clone()).filter(|m| !m.is_empty()),
            },
            backups: BackupHealth {
                count: listed.len() as u64,
                latest_at: listed.iter().map(|b| b.created_at).max(),
            },
            audit: AuditStats {
                chains: heads.len() as u64,
                entries: heads.iter().map(|(_, h)| h.seq).sum(),
            },
        }))
    }
}
