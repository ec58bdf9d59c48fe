//! Insights: the numbers a hiring team watches — funnels per job, time to hire, where hires
//! come from, interviews coming up, offer acceptance.

//!
//! The numbers are kept as applications change (per job, in `JobStats`), so reading them
//! costs O(jobs), not O(applications).

use std::collections::BTreeMap;

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use super::applications::{Application, Stage};
use super::interviews::InterviewStatus;
use super::jobs::{Job, JobStatus};
use super::offers::OfferStatus;
use crate::error::Result;
use crate::store::tables::{
    INTERVIEWS, INTERVIEWS_BY_STATUS_TIME, JOB_INTERVIEWS, JOB_OFFERS, JOB_STATS, JOBS, OFFERS,
    STAGE_CHANGES, STATUS_OFFERS, WITHDRAWN_SENT_OFFERS, status_time_key,
};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

/// A job's pipeline numbers, changed in the transaction of every application change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct JobStats {
    /// Applications in each stage now.
    pub stages: BTreeMap<Stage, u64>,
    /// Applications and hires by source.
    pub sources: BTreeMap<String, SourceTally>,
    /// Days from entering the pipeline to `hired`, by hired application.
    pub hire_days: BTreeMap<u64, f64>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct SourceTally {
    pub applications: u64,
    pub hires: u64,
}

fn source_of(app: &Application) -> String {
    app.source.clone().unwrap_or_else(|| "unknown".into())
}

/// Moves an application's weight in its job's numbers from `before` to `after` (`None` when
/// it is created or removed). Inside the changing transaction.
pub(super) fn tally(
    tx: &mut Tx,
    before: Option<&Application>,
    after: Option<&Application>,
) -> Result<()> {
    let Some(app) = after.or(before) else {
        return Ok(());
    };
    let (tenant, job) = (app.org_id, app.job_id);
    let mut stats = tx.get(&JOB_STATS, tenant, job)?.unwrap_or_default();
    if let Some(a) = before {
        count(&mut stats, a, -1);
    }
    if let Some(a) = after {
        count(&mut stats, a, 1);
        if a.status == Stage::Hired && !stats.hire_days.contains_key(&a.id) {
            let days = days_to_hire(tx, a)?;
            stats.hire_days.insert(a.id, days);
        }
    }
    if after.is_none_or(|a| a.status != Stage::Hired) {
        stats.hire_days.remove(&app.id);
    }
    if stats.stages.is_empty() {
        tx.remove(&JOB_STATS, tenant, job)?;
        return Ok(());
    }
    tx.put(&JOB_STATS, tenant, job, &stats)
}

fn count(stats: &mut JobStats, app: &Application, sign: i64) {
    let stage = stats.stages.entry(app.status).or_default();
    *stage = stage.saturating_add_signed(sign);
    if *stage == 0 {
        stats.stages.remove(&app.status);
    }
    let source = source_of(app);
    let t = stats.sources.entry(source.clone()).or_default();
    t.applications = t.applications.saturating_add_signed(sign);
    if app.status == Stage::Hired {
        t.hires = t.hires.saturating_add_signed(sign);
    }
    if t.applications == 0 {
        stats.sources.remove(&source);
    }
}

/// Forgets a deleted job's numbers.
pub(super) fn forget_job(tx: &mut Tx, tenant: u64, job: u64) -> Result<()> {
    tx.remove(&JOB_STATS, tenant, job).map(|_| ())
}

/// Recomputes every job's numbers from the applications (a migration).
pub(super) fn rebuild_stats(tx: &mut Tx) -> Result<()> {
    let mut after = None;
    loop {
        let rows = tx.scan(&crate::store::tables::APPLICATIONS, after, 2_000)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = Some(last.0);
        for (_, app) in &rows {
            tally(tx, None, Some(app))?;
        }
    }
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct StageCount {
    pub stage: Stage,
    pub count: u64,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct JobFunnel {
    pub job_id: u64,
    pub title: String,
    pub status: JobStatus,
    /// Every stage in pipeline order, with how many applications are in it now.
    pub stages: Vec<StageCount>,
    pub total: u64,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct TimeToHire {
    /// Median days from entering the pipeline as `applied` (or being added) to `hired`.
    pub median_days: Option<f64>,
    pub hires: u64,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct SourceStats {
    pub source: String,
    pub applications: u64,
    pub hires: u64,
    /// hires / applications.
    pub hire_rate: f64,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct OfferStats {
    pub sent: u64,
    pub accepted: u64,
    pub declined: u64,
    pub withdrawn: u64,
    /// accepted / (accepted + declined); `null` before any decision.
    pub acceptance_rate: Option<f64>,
}

// Answered as `api::payload::JsonBody`: serde writes it as the schema says.
#[derive(Debug, Clone, Object, Serialize)]
pub struct Insights {
    pub open_jobs: u64,
    pub funnel: Vec<JobFunnel>,
    pub time_to_hire: TimeToHire,
    pub sources: Vec<SourceStats>,
    pub interviews_next_7_days: u64,
    pub offers: OfferStats,
    pub generated_at: Timestamp,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    let value = if v.len().is_multiple_of(2) {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    };
    Some((value * 10.0).round() / 10.0)
}

/// Days from the application's start in the pipeline (its first move to `applied`, else its
/// creation) to its move to `hired`.
fn days_to_hire(rx: &impl Reader, app: &Application) -> Result<f64> {
    let changes = rx.list(&STAGE_CHANGES, app.id, 0, usize::MAX)?;
    let started = changes
        .iter()
        .filter(|c| c.to == Stage::Applied)
        .map(|c| c.at)
        .min()
        .unwrap_or(app.created_at);
    let hired = app.stage_changed_at;
    Ok(((hired.unix() - started.unix()).max(0) as f64) / 86_400.0)
}

fn rate(part: u64, whole: u64) -> f64 {
    (part as f64 / whole as f64 * 1000.0).round() / 1000.0
}

/// Insights for the tenant, or for one job. Reads the kept numbers, the jobs, and counts
/// from the interview and offer indexes: O(jobs), whatever the number of applications.
pub fn compute(store: &Store, tenant: u64, job_id: Option<u64>) -> Result<Insights> {
    let rx = store.read()?;
    let jobs: Vec<Job> = match job_id {
        Some(id) => rx.get(&JOBS, tenant, id)?.into_iter().collect(),
        None => rx.list(&JOBS, tenant, 0, usize::MAX)?,
    };
    let stats: BTreeMap<u64, JobStats> = match job_id {
        Some(id) => rx
            .get(&JOB_STATS, tenant, id)?
            .map(|s| (id, s))
            .into_iter()
            .collect(),
        None => rx
            .page_before(&JOB_STATS, tenant, None, usize::MAX)?
            .0
            .into_iter()
            .collect(),
    };

    let mut sources: BTreeMap<&str, SourceTally> = BTreeMap::new();
    let mut hire_days = Vec::new();
    for s in stats.values() {
        for (source, t) in &s.sources {
            let sum = sources.entry(source).or_default();
            sum.applications += t.applications;
            sum.hires += t.hires;
        }
        hire_days.extend(s.hire_days.values().copied());
    }
    let funnel = jobs
        .iter()
        .map(|j| {
            let counts = stats.get(&j.id);
            let stages: Vec<StageCount> = Stage::ALL
                .iter()
                .map(|s| StageCount {
                    stage: *s,
                    count: counts.and_then(|c| c.stages.get(s)).copied().unwrap_or(0),
                })
                .collect();
            JobFunnel {
                job_id: j.id,
                title: j.title.clone(),
                status: j.status,
                total: stages.iter().map(|s| s.count).sum(),
                stages,
            }
        })
        .collect();
    let mut sources: Vec<SourceStats> = sources
        .into_iter()
        .map(|(source, t)| SourceStats {
            source: source.to_string(),
            applications: t.applications,
            hires: t.hires,
            hire_rate: rate(t.hires, t.applications),
        })
        .collect();
    sources.sort_by(|a, b| {
        b.applications
            .cmp(&a.applications)
            .then(a.source.cmp(&b.source))
    });

    let now = Timestamp::now();
    let week = now.plus_secs(7 * 86_400);
    let scheduled = InterviewStatus::Scheduled as u64;
    let interviews_next_7_days = match job_id {
        Some(job) => rx
            .page_matching(
                &INTERVIEWS,
                tenant,
                &[(&JOB_INTERVIEWS, Some(job))],
                None,
                0,
                usize::MAX,
            )?
            .0
            .iter()
            .filter(|i| {
                i.status == InterviewStatus::Scheduled
                    && i.scheduled_at >= now
                    && i.scheduled_at <= week
            })
            .count() as u64,
        None => rx.filed_count_in(
            &INTERVIEWS_BY_STATUS_TIME,
            tenant,
            status_time_key(scheduled, now)..=status_time_key(scheduled, week),
        )?,
    };
    let offers = offer_stats(&rx, tenant, job_id)?;
    Ok(Insights {
        open_jobs: jobs.iter().filter(|j| j.status == JobStatus::Open).count() as u64,
        funnel,
        time_to_hire: TimeToHire {
            hires: hire_days.len() as u64,
            median_days: median(hire_days),
        },
        sources,
        interviews_next_7_days,
        offers,
        generated_at: now,
    })
}

/// Offers sent and decided, counted from the filings: no offer is read for the organisation's
/// numbers, only one job's offers of a status for a job's.
fn offer_stats(rx: &impl Reader, tenant: u64, job_id: Option<u64>) -> Result<OfferStats> {
    let count = |status: OfferStatus| -> Result<u64> {
        match job_id {
            None => rx.filed_count(&STATUS_OFFERS, tenant, status as u64),
            Some(_) => {
                let filters = [(&STATUS_OFFERS, Some(status as u64)), (&JOB_OFFERS, job_id)];
                Ok(rx.page_matching(&OFFERS, tenant, &filters, None, 0, 0)?.1)
            }
        }
    };
    let withdrawn_after_sending = match job_id {
        None => rx.filed_count_in(&WITHDRAWN_SENT_OFFERS, tenant, 0..=u64::MAX)?,
        Some(job) => rx.filed_count(&WITHDRAWN_SENT_OFFERS, tenant, job)?,
    };
    let (accepted, declined) = (count(OfferStatus::Accepted)?, count(OfferStatus::Declined)?);
    let decided = accepted + declined;
    Ok(OfferStats {
        sent: count(OfferStatus::Sent)? + accepted + declined + withdrawn_after_sending,
        accepted,
        declined,
        withdrawn: count(OfferStatus::Withdrawn)?,
        acceptance_rate: (decided > 0).then(|| rate(accepted, decided)),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(vec![]), None);
        assert_eq!(super::median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(super::median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn serde_writes_insights_as_the_schema_says() {
        use super::*;
        let mut insights = Insights {
            open_jobs: 1,
            funnel: vec![JobFunnel {
                job_id: 7,
                title: "Rust engineer".into(),
                status: JobStatus::Open,
                stages: Stage::ALL
                    .iter()
                    .map(|s| StageCount {
                        stage: *s,
                        count: 2,
                    })
                    .collect(),
                total: 2 * Stage::ALL.len() as u64,
            }],
            time_to_hire: TimeToHire {
                median_days: None,
                hires: 0,
            },
            sources: vec![SourceStats {
                source: "careers".into(),
                applications: 3,
                hires: 1,
                hire_rate: 0.333,
            }],
            interviews_next_7_days: 4,
            offers: OfferStats {
                sent: 2,
                accepted: 1,
                declined: 0,
                withdrawn: 0,
                acceptance_rate: None,
            },
            generated_at: Timestamp::now(),
        };
        assert!(crate::api::payload::same_json(&insights));
        insights.time_to_hire.median_days = Some(12.5);
        insights.offers.acceptance_rate = Some(1.0);
        insights.funnel[0].status = JobStatus::Closed;
        assert!(crate::api::payload::same_json(&insights));
    }
}
