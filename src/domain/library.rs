//! The library (seed 002): artifacts worth keeping — a screen, an outreach draft, a job
//! description — saved with their kind, a title, the payload as it was produced and where it
//! came from. Anyone on staff may save and read back what they saved; hiring roles read the
//! whole organisation's library and delete from it.

use poem_openapi::Object;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::audit::{self, Action, Actor, Change};
use crate::auth::{Identity, Permission};
use crate::error::{Error, Result, Validator};
use crate::store::tables::{JOBS, KIND_LIBRARY, LIBRARY};
use crate::store::{Reader, Store};
use crate::time::Timestamp;

named_enum! {
    /// What an artifact is: one kind per assistant tool, and `note` for anything else.
    pub enum LibraryKind {
        Screen = "screen",
        Outreach = "outreach",
        OfferLetter = "offer_letter",
        InterviewQuestions = "interview_questions",
        JobDescription = "job_description",
        SalaryBenchmark = "salary_benchmark",
        TranscriptSummary = "transcript_summary",
        Note = "note",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct LibraryItem {
    pub id: u64,
    pub org_id: u64,
    pub kind: LibraryKind,
    pub title: String,
    /// The artifact as it was produced (any JSON object).
    pub payload: Value,
    /// Where it came from: `offline`, `endpoint`, a model's name, `manual`...
    pub source: Option<String>,
    /// The candidate and job it is about, when it is about them.
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
    /// The assistant call that produced it.
    pub call_id: Option<u64>,
    /// Who saved it (an email or `key:<prefix>`).
    pub created_by: String,
    pub created_by_user_id: Option<u64>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct NewLibraryItem {
    pub kind: LibraryKind,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    /// Any JSON object, at most 256 KiB.
    pub payload: Value,
    #[oai(validator(max_length = 100))]
    pub source: Option<String>,
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
    pub call_id: Option<u64>,
}

/// The largest payload kept, serialized.
pub const PAYLOAD_MAX: usize = 256 * 1024;

fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<LibraryItem> {
    rx.get(&LIBRARY, tenant, id)?
        .ok_or_else(|| Error::not_found("Library item", id))
}

/// Whether `who` may see `item`: its saver, or anyone who reads the whole library.
fn visible(who: &Identity, item: &LibraryItem) -> bool {
    who.allow(Permission::LIBRARY_READ).is_ok()
        || (who.user_id().is_some() && item.created_by_user_id == who.user_id())
        || (who.user_id().is_none() && item.created_by == who.actor)
}

pub async fn create(store: &Store, who: &Identity, input: NewLibraryItem) -> Result<LibraryItem> {
    let mut v = Validator::new();
    let title = input.title.trim().to_string();
    v.text("title", &title, true, 200);
    let size = input.payload.to_string().len();
    v.check(
        input.payload.is_object(),
        "payload",
        "must be a JSON object",
    );
    v.check(
        size <= PAYLOAD_MAX,
        "payload",
        format!("must be at most {PAYLOAD_MAX} bytes as JSON (it is {size})"),
    );
    let source = input
        .source
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(s) = &source {
        v.text("source", s, false, 100);
    }
    v.finish()?;
    let now = Timestamp::now();
    let mut item = LibraryItem {
        id: 0,
        org_id: who.tenant_id,
        kind: input.kind,
        title,
        payload: input.payload,
        source,
        candidate_id: input.candidate_id,
        job_id: input.job_id,
        call_id: input.call_id,
        created_by: who.actor.clone(),
        created_by_user_id: who.user_id(),
        created_at: now,
    };
    let (actor, who) = (Actor::of(who), who.clone());
    store
        .write(move |tx| {
            let tenant = item.org_id;
            if let Some(id) = item.candidate_id {
                // An agency's people name only candidates their agency submitted.
                super::candidates::visible(tx, &who, id)?;
            }
            if let Some(id) = item.job_id
                && tx.get(&JOBS, tenant, id)?.is_none()
            {
                return Err(Error::not_found("Job", id));
            }
            item.id = tx.next_id()?;
            tx.put(&LIBRARY, tenant, item.id, &item)?;
            let summary = format!("Saved {:?} to the library ({})", item.title, item.kind);
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::LibraryItemCreated, item.id, summary)
                    .with(serde_json::json!({"kind": item.kind, "source": item.source})),
            )?;
            Ok(item)
        })
        .await
}

pub fn get(store: &Store, who: &Identity, id: u64) -> Result<LibraryItem> {
    let item = load(&store.read()?, who.tenant_id, id)?;
    if !visible(who, &item) {
        // Someone else's item, for a member who reads only their own: as if it were not there.
        return Err(Error::not_found("Library item", id));
    }
    Ok(item)
}

pub async fn delete(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let item = load(tx, tenant, id)?;
            tx.remove(&LIBRARY, tenant, id)?;
            let summary = format!("Deleted {:?} from the library ({})", item.title, item.kind);
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::LibraryItemDeleted, id, summary),
            )
        })
        .await
}

#[derive(Debug, Clone, Default)]
pub struct LibraryFilter {
    pub kind: Option<LibraryKind>,
    /// Words that must all appear in the title or the payload's text (any case).
    pub q: Option<String>,
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
}

/// The text of a payload's strings, lower case, for `q`.
fn payload_text(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push(' ');
            out.push_str(&s.to_lowercase());
        }
        Value::Array(items) => items.iter().for_each(|v| payload_text(v, out)),
        Value::Object(map) => map.values().for_each(|v| payload_text(v, out)),
        _ => {}
    }
}

/// Items newest first; the kind filter reads its index, the others are checked per item.
pub fn list(
    store: &Store,
    who: &Identity,
    f: &LibraryFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<LibraryItem>, u64)> {
    let words: Vec<String> =
        f.q.as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
    let everyone = who.allow(Permission::LIBRARY_READ).is_ok();
    let keep = |item: &LibraryItem| {
        if !everyone && !visible(who, item) {
            return false;
        }
        if f.candidate_id.is_some_and(|c| item.candidate_id != Some(c))
            || f.job_id.is_some_and(|j| item.job_id != Some(j))
        {
            return false;
        }
        if words.is_empty() {
            return true;
        }
        let mut text = item.title.to_lowercase();
        payload_text(&item.payload, &mut text);
        words.iter().all(|w| text.contains(w.as_str()))
    };
    let filtered = !everyone || !words.is_empty() || f.candidate_id.is_some() || f.job_id.is_some();
    let filters = [(&KIND_LIBRARY, f.kind.map(|k| k as u64))];
    store.read()?.page_matching(
        &LIBRARY,
        who.tenant_id,
        &filters,
        filtered.then_some(&keep as &dyn Fn(&LibraryItem) -> bool),
        skip,
        limit,
    )
}
