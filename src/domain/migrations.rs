//! Data migrations, numbered; `store` runs each once, in order, at start-up (see
//! `store::MIGRATIONS`). Each is one transaction: it lands whole or not at all.

use super::insights;
use super::interviews::Interview;
use super::users::User;
use crate::error::Result;
use crate::store::tables::{APPLICATIONS, AUDIT, CONVERSATIONS, INTERVIEWS, OFFERS, USERS};
use crate::store::{Reader, Tx};

/// 2: list filings (applications by stage; interviews by job, candidate, panelist and time;
/// offers by job, candidate and status), panelists linked to teammates, and each job's
/// pipeline numbers for insights.
pub fn v2_filings_panels_and_job_stats(tx: &mut Tx) -> Result<()> {
    link_legacy_panels(tx)?;
    tx.refile_all(&APPLICATIONS)?;
    tx.refile_all(&INTERVIEWS)?;
    tx.refile_all(&OFFERS)?;
    insights::rebuild_stats(tx)
}

/// 3: audit trails re-chained so that a person's data can be erased from them and the chain
/// still verifies (see `audit`), and their entries filed by the record they concern.
pub fn v3_erasable_audit_trail(tx: &mut Tx) -> Result<()> {
    super::audit::rechain_all(tx)?;
    tx.refile_all(&AUDIT)?;
    Ok(())
}

/// 4: the agent's conversations filed by the person or key holding them, so each reads back
/// their own (`GET /agent/conversations`).
pub fn v4_conversations_by_owner(tx: &mut Tx) -> Result<()> {
    tx.refile_all(&CONVERSATIONS)?;
    Ok(())
}

/// 5: offers withdrawn after they were sent filed by job, so insights count them without
/// reading them.
pub fn v5_withdrawn_sent_offers(tx: &mut Tx) -> Result<()> {
    tx.refile_all(&OFFERS)?;
    Ok(())
}

/// Panels used to be names or emails matched case-insensitively against the signed-in user.
/// The teammates they named become linked by id, so nobody loses sight of an interview.
fn link_legacy_panels(tx: &mut Tx) -> Result<()> {
    let mut after = None;
    loop {
        let rows = tx.scan(&INTERVIEWS, after, 1_000)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = Some(last.0);
        for ((tenant, id), mut interview) in rows {
            if interview.interviewers.iter().all(|p| p.user_id.is_some()) {
                continue;
            }
            let team: Vec<User> = tx.list(&USERS, tenant, 0, usize::MAX)?;
            if link(&mut interview, &team) {
                tx.put(&INTERVIEWS, tenant, id, &interview)?;
            }
        }
    }
}

/// Links each unlinked panelist whose name or email is a teammate's; whether any changed.
fn link(interview: &mut Interview, team: &[User]) -> bool {
    let mut changed = false;
    for p in interview
        .interviewers
        .iter_mut()
        .filter(|p| p.user_id.is_none())
    {
        let named = |u: &&User| {
            u.email.eq_ignore_ascii_case(p.name.trim())
                || u.full_name.trim().eq_ignore_ascii_case(p.name.trim())
                || p.email
                    .as_deref()
                    .is_some_and(|e| u.email.eq_ignore_ascii_case(e))
        };
        if let Some(u) = team.iter().find(named) {
            p.user_id = Some(u.id);
            p.name = u.full_name.clone();
            p.email = Some(u.email.clone());
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tables::{JOB_STATS, PANELIST_INTERVIEWS, STAGE_APPLICATIONS};
    use crate::store::{Records, Store};
    use serde_json::json;

    /// Rows as a build before migration 2 wrote them: panels of names, no filings.
    const RAW_INTERVIEWS: Records<serde_json::Value> = Records::new("interviews_v1");
    const RAW_APPLICATIONS: Records<serde_json::Value> = Records::new("applications_v1");

    #[test]
    fn v2_links_old_panels_and_builds_filings_and_job_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 4 << 20).unwrap();
        let t = "2031-01-01T10:00:00Z";
        store
            .write_blocking(move |tx| {
                let user = json!({"id": 3, "tenant_id": 1, "email": "ada@x.test", "full_name": "Ada Lovelace",
                    "role": "interviewer", "password_hash": "", "created_at": t});
                tx.put(&USERS, 1, 3, &serde_json::from_value::<User>(user).unwrap())?;
                let interview = json!({"id": 9, "org_id": 1, "candidate_id": 5, "job_id": 4, "application_id": 6,
                    "scheduled_at": t, "duration_min": 45, "kind": "video", "location_or_url": null,
                    "interviewers": ["ada lovelace", "Outside Person"], "status": "scheduled", "scorecards": [],
                    "created_at": t, "updated_at": t});
                tx.put(&RAW_INTERVIEWS, 1, 9, &interview)?;
                let app = json!({"id": 6, "org_id": 1, "job_id": 4, "candidate_id": 5, "status": "hired",
                    "source": "referral", "fit_score": null, "created_at": t, "updated_at": t, "stage_changed_at": t});
                tx.put(&RAW_APPLICATIONS, 1, 6, &app)?;
                v2_filings_panels_and_job_stats(tx)
            })
            .unwrap();
        let rx = store.read().unwrap();
        let i = rx.get(&INTERVIEWS, 1, 9).unwrap().unwrap();
        assert_eq!(i.interviewers[0].user_id, Some(3));
        assert_eq!(i.interviewers[0].name, "Ada Lovelace");
        assert_eq!(i.interviewers[1].user_id, None);
        assert_eq!(
            rx.members(&PANELIST_INTERVIEWS.index, 1, 3).unwrap(),
            vec![9]
        );
        assert_eq!(
            rx.members(
                &STAGE_APPLICATIONS.index,
                1,
                crate::domain::applications::Stage::Hired as u64
            )
            .unwrap(),
            vec![6]
        );
        let stats = rx.get(&JOB_STATS, 1, 4).unwrap().unwrap();
        assert_eq!(stats.sources["referral"].hires, 1);
        assert_eq!(stats.hire_days.get(&6), Some(&0.0));
    }
}
