//! The agent's conversations: what was said, and what "it", "them", "that job" and "the
//! first one" refer to. Kept in redb under the tenant (so deleting the organisation removes
//! them), held by the person or key that started each one, and filed under the candidates
//! they name, so erasing a candidate removes the conversations about them. Each person reads
//! back their own (`GET /agent/conversations`, `/agent/conversations/{id}`), filed under
//! who holds them.

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use super::chat::ChatItem;
use crate::auth::Identity;
use crate::error::{Error, Result};
use crate::store::tables::{CANDIDATE_CONVERSATIONS, CONVERSATIONS, OWNER_CONVERSATIONS};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

/// Turns kept per conversation: the oldest go first.
pub const MAX_TURNS: usize = 50;

/// A record a conversation refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ref {
    Job(u64),
    Candidate(u64),
}

/// One message and the agent's reply to it.
#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Turn {
    pub at: Timestamp,
    pub message: String,
    pub reply: String,
    /// The records the reply named (links).
    #[serde(default)]
    pub items: Vec<ChatItem>,
    /// Set when the caller's role did not allow what was asked.
    #[serde(default)]
    pub refused: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Conversation {
    pub id: u64,
    pub org_id: u64,
    /// Who holds it: `user:<id>` or `key:<id>`; nobody else may continue it.
    pub owner: String,
    pub turns: Vec<Turn>,
    /// The job and the candidate the conversation is about, and which was named last.
    pub job: Option<u64>,
    pub candidate: Option<u64>,
    pub last: Option<Ref>,
    /// The records of the last list shown, in order ("the first one").
    pub list: Vec<Ref>,
    /// Every candidate it has named (for erasure).
    pub candidates: Vec<u64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The person or key a conversation belongs to, by id (user and key ids never collide: ids
/// are unique across the instance).
fn owner_id(who: &Identity) -> u64 {
    who.user_id().or(who.key_id()).unwrap_or(0)
}

fn owner_of(who: &Identity) -> String {
    match (who.user_id(), who.key_id()) {
        (Some(user), _) => format!("user:{user}"),
        (None, Some(key)) => format!("key:{key}"),
        (None, None) => "unknown".into(),
    }
}

impl Conversation {
    /// The id in `owner` (`user:<id>` or `key:<id>`), for the owner's list.
    pub fn owner_key(&self) -> u64 {
        self.owner
            .split_once(':')
            .and_then(|(_, id)| id.parse().ok())
            .unwrap_or(0)
    }

    /// A new conversation of `who` (its id is given when it is first saved).
    pub fn start(who: &Identity) -> Conversation {
        let now = Timestamp::now();
        Conversation {
            id: 0,
            org_id: who.tenant_id,
            owner: owner_of(who),
            turns: Vec::new(),
            job: None,
            candidate: None,
            last: None,
            list: Vec::new(),
            candidates: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// The conversation `id` of `who`: 404 when it is missing, another tenant's or another
    /// person's.
    pub fn load(store: &Store, who: &Identity, id: u64) -> Result<Conversation> {
        store
            .read()?
            .get(&CONVERSATIONS, who.tenant_id, id)?
            .filter(|c: &Conversation| c.owner == owner_of(who))
            .ok_or_else(|| Error::not_found("Conversation", id))
    }

    /// Makes `r` what the conversation is about.
    pub fn refer(&mut self, r: Ref) {
        match r {
            Ref::Job(id) => self.job = Some(id),
            Ref::Candidate(id) => {
                self.candidate = Some(id);
                self.name_candidate(id);
            }
        }
        self.last = Some(r);
    }

    /// Remembers `list` as the last list shown.
    pub fn show(&mut self, list: Vec<Ref>) {
        for r in &list {
            if let Ref::Candidate(id) = r {
                self.name_candidate(*id);
            }
        }
        self.list = list;
    }

    fn name_candidate(&mut self, id: u64) {
        if !self.candidates.contains(&id) {
            self.candidates.push(id);
        }
    }

    /// Stores the conversation with its new turn; a new one gets its id here.
    pub async fn save(mut self, store: &Store, turn: Turn) -> Result<u64> {
        self.turns.push(turn);
        if self.turns.len() > MAX_TURNS {
            self.turns.drain(..self.turns.len() - MAX_TURNS);
        }
        self.updated_at = Timestamp::now();
        store
            .write(move |tx| {
                if self.id == 0 {
                    self.id = tx.next_id()?;
                }
                tx.put(&CONVERSATIONS, self.org_id, self.id, &self)?;
                Ok(self.id)
            })
            .await
    }
}

/// Removes the conversations that name candidate `id` (erasure).
pub fn forget_candidate(tx: &mut Tx, tenant: u64, id: u64) -> Result<u64> {
    let mut removed = 0;
    for conversation in tx.members(&CANDIDATE_CONVERSATIONS.index, tenant, id)? {
        removed += u64::from(tx.remove(&CONVERSATIONS, tenant, conversation)?.is_some());
    }
    Ok(removed)
}

/// A conversation in its owner's list.
#[derive(Debug, Clone, Object)]
pub struct ConversationSummary {
    pub id: u64,
    /// The first message kept (up to 120 characters).
    pub title: String,
    /// Turns kept (at most 50: the oldest go first).
    pub turns: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A conversation as its owner reads it back: every turn kept, oldest first.
#[derive(Debug, Clone, Object)]
pub struct ConversationView {
    pub id: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub turns: Vec<Turn>,
}

impl Conversation {
    fn summary(&self) -> ConversationSummary {
        let first = self.turns.first().map(|t| t.message.as_str()).unwrap_or("");
        let mut title: String = first.chars().take(120).collect();
        if first.chars().count() > 120 {
            title.push('…');
        }
        ConversationSummary {
            id: self.id,
            title,
            turns: self.turns.len() as u64,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    pub fn view(self) -> ConversationView {
        ConversationView {
            id: self.id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            turns: self.turns,
        }
    }
}

/// A page of `who`'s own conversations, newest first, with ids below `before`; and whether
/// older ones remain.
pub fn page(
    store: &Store,
    who: &Identity,
    before: Option<u64>,
    limit: usize,
) -> Result<(Vec<ConversationSummary>, bool)> {
    let rx = store.read()?;
    let mut ids = rx.members(&OWNER_CONVERSATIONS.index, who.tenant_id, owner_id(who))?;
    ids.retain(|id| before.is_none_or(|b| *id < b));
    ids.reverse();
    let has_more = ids.len() > limit;
    ids.truncate(limit);
    let items = rx
        .get_many(&CONVERSATIONS, who.tenant_id, &ids)?
        .into_iter()
        .filter(|c: &Conversation| c.owner == owner_of(who))
        .map(|c| c.summary())
        .collect();
    Ok((items, has_more))
}
