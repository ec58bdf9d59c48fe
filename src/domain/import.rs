//! Bulk import of candidates: up to 500 rows a call, deduplicated by email within the tenant,
//! each row optionally put into a job's pipeline; per-row errors; every valid row lands in
//! one commit.

use poem_openapi::Object;

use super::applications::{self, Stage};
use super::audit::{self, Action, Actor, Change};
use super::candidates::{self, Candidate, NewCandidate};
use super::indexing::Indexer;
use crate::auth::Identity;
use crate::error::{Error, Result};
use crate::store::Reader;
use crate::store::tables::JOBS;

pub const MAX_ROWS: usize = 500;

#[derive(Debug, Clone, Object)]
pub struct ImportRow {
    #[oai(flatten)]
    pub candidate: NewCandidate,
    /// Also put the candidate into this job's pipeline (stage `applied`).
    pub job_id: Option<u64>,
}

#[derive(Debug, Clone, Object)]
pub struct ImportRequest {
    #[oai(validator(min_items = 1, max_items = 500))]
    pub rows: Vec<ImportRow>,
}

#[derive(Debug, Clone, Object)]
pub struct RowError {
    /// 0-based position of the row in `rows`.
    pub row: u32,
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Default, Object)]
pub struct ImportReport {
    pub total: u32,
    pub created: u32,
    pub updated: u32,
    /// Rows that changed nothing: repeats of an earlier row's email, or identical to what is stored.
    pub skipped: u32,
    pub errors: Vec<RowError>,
}

fn row_errors(row: usize, e: &Error) -> Vec<RowError> {
    if e.errors.is_empty() {
        vec![RowError {
            row: row as u32,
            field: None,
            message: e.detail.clone(),
        }]
    } else {
        e.errors
            .iter()
            .map(|f| RowError {
                row: row as u32,
                field: Some(f.field.clone()),
                message: f.message.clone(),
            })
            .collect()
    }
}

/// Fields an import row never overwrites: identity and bookkeeping, `source`, which records
/// where the candidate first came from, and `agency_id`, who submitted it (an import never
/// moves a candidate between the organisation and an agency).
const KEPT_ON_MERGE: [&str; 6] = [
    "id",
    "org_id",
    "source",
    "agency_id",
    "created_at",
    "updated_at",
];

/// Fills the stored candidate with every field the row provides (lists are merged, without
/// case-insensitive repeats); returns whether anything changed. Works on the serialized
/// record, so a field added to `Candidate` is merged without being listed here.
fn merge(stored: &mut Candidate, row: &Candidate) -> Result<bool> {
    use serde_json::Value;
    let (Value::Object(mut into), Value::Object(from)) = (
        serde_json::to_value(&*stored).map_err(Error::internal)?,
        serde_json::to_value(row).map_err(Error::internal)?,
    ) else {
        return Err(Error::internal(anyhow::anyhow!(
            "a candidate serializes as an object"
        )));
    };
    let mut changed = false;
    for (field, value) in from {
        if KEPT_ON_MERGE.contains(&field.as_str()) {
            continue;
        }
        let slot = into.entry(field).or_insert(Value::Null);
        match (slot, value) {
            (_, Value::Null) => {}
            (Value::Array(have), Value::Array(add)) => {
                for item in add {
                    let known = have.iter().any(|h| match (h.as_str(), item.as_str()) {
                        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                        _ => *h == item,
                    });
                    if !known {
                        have.push(item);
                        changed = true;
                    }
                }
            }
            (Value::String(have), Value::String(new)) if new.is_empty() || *have == new => {}
            (slot, value) => {
                if *slot != value {
                    *slot = value;
                    changed = true;
                }
            }
        }
    }
    if changed {
        *stored = serde_json::from_value(Value::Object(into)).map_err(Error::internal)?;
    }
    Ok(changed)
}

pub async fn import(
    indexer: &Indexer,
    who: &Identity,
    request: ImportRequest,
) -> Result<ImportReport> {
    if request.rows.is_empty() {
        return Err(Error::invalid("rows", "must contain at least one row"));
    }
    if request.rows.len() > MAX_ROWS {
        return Err(Error::invalid(
            "rows",
            format!("must contain at most {MAX_ROWS} rows per call"),
        ));
    }
    let tenant = who.tenant_id;
    let actor = Actor::of(who);
    let mut report = ImportReport {
        total: request.rows.len() as u32,
        ..ImportReport::default()
    };
    // Validate outside the transaction; only valid rows reach it.
    let mut valid = Vec::with_capacity(request.rows.len());
    for (i, row) in request.rows.into_iter().enumerate() {
        let c = row.candidate.into_candidate(tenant, "import");
        match candidates::validate(&c) {
            Ok(()) => valid.push((i, c, row.job_id)),
            Err(e) => report.errors.extend(row_errors(i, &e)),
        }
    }
    indexer
        .write(move |tx, pending| {
            let mut report = report;
            let mut seen_emails = std::collections::HashSet::new();
            let mut created_ids = Vec::new();
            let mut updated_ids = Vec::new();
            for (i, row, job_id) in valid {
                if let Some(email) = &row.email
                    && !seen_emails.insert(email.clone()) {
                        report.skipped += 1;
                        continue;
                    }
                // Everything that can refuse a row is checked before the row writes anything.
                if let Some(job_id) = job_id
                    && tx.get(&JOBS, tenant, job_id)?.is_none() {
                        report.errors.push(RowError { row: i as u32, field: Some("job_id".into()), message: format!("job {job_id} not found") });
                        continue;
                    }
                let existing = match &row.email {
                    Some(email) => candidates::by_email(tx, tenant, email)?,
                    None => None,
                };
                let candidate = match existing {
                    Some(mut stored) => {
                        let email = stored.email.clone();
                        if merge(&mut stored, &row)? {
                            stored.updated_at = row.updated_at;
                            candidates::save(tx, &stored, email.as_deref(), pending)?;
                            updated_ids.push(stored.id);
                            report.updated += 1;
                        } else {
                            report.skipped += 1;
                        }
                        stored
                    }
                    None => {
                        report.created += 1;
                        let c = candidates::insert(tx, row, pending)?;
                        created_ids.push(c.id);
                        c
                    }
                };
                if let Some(job_id) = job_id
                    && applications::find(tx, tenant, job_id, candidate.id)?.is_none() {
                        applications::insert(tx, tenant, job_id, candidate.id, Stage::Applied, None, None, &actor)?;
                    }
            }
            if !created_ids.is_empty() || !updated_ids.is_empty() {
                let summary = format!("Imported candidates: {} created, {} updated", created_ids.len(), updated_ids.len());
                let details = serde_json::json!({"created": created_ids, "updated": updated_ids, "skipped": report.skipped, "errors": report.errors.len()});
                let change = Change::bulk(Action::CandidateImported, summary).with(details);
                audit::record(tx, tenant, &actor, change)?;
            }
            Ok(report)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::{Availability, WorkMode};
    use serde_json::{Value, json};

    /// A candidate with every field set to a value of its type, found from the serialized
    /// record: a field added later is covered without changing this test.
    fn filled(text: &str, number: u64) -> Candidate {
        let Value::Object(mut fields) = serde_json::to_value(
            NewCandidate {
                full_name: "x".into(),
                ..NewCandidate::default()
            }
            .into_candidate(1, "import"),
        )
        .unwrap() else {
            unreachable!()
        };
        for (name, value) in fields.iter_mut() {
            if KEPT_ON_MERGE.contains(&name.as_str()) {
                continue;
            }
            // A different value for each `text` ("old", "new").
            let n = text.bytes().map(usize::from).sum::<usize>();
            let pick = |all: Vec<&str>| json!(all[n % all.len()]);
            *value = match (name.as_str(), &*value) {
                (n, _) if n.ends_with("_url") => json!(format!("https://example.com/{text}")),
                ("email", _) => json!(format!("{text}@example.com")),
                (_, Value::Array(_)) => json!([text]),
                (n, _) if n.ends_with("years") || n.ends_with("_days") => json!(number),
                (n, _) if n.ends_with("_currency") => pick(vec!["EUR", "USD", "GBP"]),
                (n, _) if n.starts_with("expected_salary") => json!(number * 1_000),
                ("availability", _) => pick(Availability::ALL.iter().map(|a| a.as_str()).collect()),
                ("remote_preference", _) => {
                    pick(WorkMode::ALL.iter().map(|m| m.as_str()).collect())
                }
                ("willing_to_relocate", _) => json!(n % 2 == 1),
                _ => json!(text),
            };
        }
        // A field of a type not handled above fails here, by name: add it above.
        serde_json::from_value(Value::Object(fields)).unwrap()
    }

    #[test]
    fn merge_takes_every_field_the_row_provides() {
        let mut stored = filled("old", 3);
        stored.source = Some("referral".into());
        let row = filled("new", 9);
        assert!(merge(&mut stored, &row).unwrap());
        let (Value::Object(got), Value::Object(want)) = (
            serde_json::to_value(&stored).unwrap(),
            serde_json::to_value(&row).unwrap(),
        ) else {
            unreachable!()
        };
        for (field, value) in want {
            if KEPT_ON_MERGE.contains(&field.as_str()) {
                continue;
            }
            match value {
                Value::Array(items) => {
                    let have = got[&field].as_array().unwrap();
                    assert!(have.contains(&json!("old")), "{field} keeps what it had");
                    assert!(
                        items.iter().all(|i| have.contains(i)),
                        "{field} gains the row's"
                    );
                }
                value => assert_eq!(got[&field], value, "{field} is merged"),
            }
        }
        assert_eq!(stored.source.as_deref(), Some("referral"), "source is kept");
    }

    #[test]
    fn merge_keeps_values_the_row_leaves_out_and_reports_no_change() {
        let mut stored = filled("old", 3);
        let mut row = NewCandidate {
            full_name: stored.full_name.clone(),
            skills: Some(vec!["OLD".into()]),
            ..NewCandidate::default()
        }
        .into_candidate(1, "import");
        row.email = stored.email.clone();
        let before = serde_json::to_value(&stored).unwrap();
        assert!(!merge(&mut stored, &row).unwrap(), "nothing new");
        assert_eq!(serde_json::to_value(&stored).unwrap(), before);
    }
}
