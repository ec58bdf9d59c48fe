//! Insights: the numbers a hiring team watches — funnels per job, time to hire, where hires
//! come from, interviews coming up, offer acceptance.

use std::collections::BTreeMap;

use poem_openapi::Object;

use super::applications::{Application, Stage};
use super::interviews::{self, InterviewStatus};
use super::jobs::{Job, JobStatus};
use super::offers::{self, OfferStatus};
use crate::error::Result;
use crate::store::tables::{APPLICATIONS, JOBS, STAGE_CHANGES};
use crate::store::{Reader, Store};
use crate::time::Timestamp;

#[derive(Debug, Clone, Object)]
pub struct StageCount {
    pub stage: Stage,
    pub count: u64,
}

#[derive(Debug, Clone, Object)]
pub struct JobFunnel {
    pub job_id: u64,
    pub title: String,
    pub status: JobStatus,
    /// Every stage in pipeline order, with how many applications are in it now.
    pub stages: Vec<StageCount>,
    pub total: u64,
}

#[derive(Debug, Clone, Object)]
pub struct TimeToHire {
    /// Median days from entering the pipeline as `applied` (or being added) to `hired`.
    pub median_days: Option<f64>,
    pub hires: u64,
}

#[derive(Debug, Clone, Object)]
pub struct SourceStats {
    pub source: String,
    pub applications: u64,
    pub hires: u64,
    /// hires / applications.
    pub hire_rate: f64,
}

#[derive(Debug, Clone, Object)]
pub struct OfferStats {
    pub sent: u64,
    pub accepted: u64,
    pub declined: u64,
    pub withdrawn: u64,
    /// accepted / (accepted + declined); `null` before any decision.
    pub acceptance_rate: Option<f64>,
}

#[derive(Debug, Clone, Object)]
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

/// Days from the application's start in the pipeline to its (last) move to `hired`.
fn days_to_hire(rx: &impl Reader, app: &Application) -> Result<Option<f64>> {
    let n = rx.count(&STAGE_CHANGES, app.id)? as usize;
    let changes = rx.list(&STAGE_CHANGES, app.id, 0, n.max(1))?;
    let hired_at = changes
        .iter()
        .filter(|c| c.to == Stage::Hired)
        .map(|c| c.at)
        .max();
    let started = changes
        .iter()
        .filter(|c| c.to == Stage::Applied)
        .map(|c| c.at)
        .min()
        .unwrap_or(app.created_at);
    Ok(hired_at.map(|h| ((h.unix() - started.unix()).max(0) as f64) / 86_400.0))
}

/// Insights for the tenant, or for one job.
pub fn compute(store: &Store, tenant: u64, job_id: Option<u64>) -> Result<Insights> {
    let rx = store.read()?;
    let njobs = rx.count(&JOBS, tenant)? as usize;
    let jobs: Vec<Job> = rx
        .list(&JOBS, tenant, 0, njobs.max(1))?
        .into_iter()
        .filter(|j| job_id.is_none_or(|id| j.id == id))
        .collect();
    let napps = rx.count(&APPLICATIONS, tenant)? as usize;
    let apps: Vec<Application> = rx
        .list(&APPLICATIONS, tenant, 0, napps.max(1))?
        .into_iter()
        .filter(|a| job_id.is_none_or(|id| a.job_id == id))
        .collect();

    let mut per_job: BTreeMap<u64, BTreeMap<Stage, u64>> = BTreeMap::new();
    let mut sources: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut hire_days = Vec::new();
    for app in &apps {
        *per_job
            .entry(app.job_id)
            .or_default()
            .entry(app.status)
            .or_default() += 1;
        let s = sources
            .entry(app.source.clone().unwrap_or_else(|| "unknown".into()))
            .or_default();
        s.0 += 1;
        if app.status == Stage::Hired {
            s.1 += 1;
            if let Some(days) = days_to_hire(&rx, app)? {
                hire_days.push(days);
            }
        }
    }
    let funnel = jobs
        .iter()
        .map(|j| {
            let counts = per_job.get(&j.id);
            let stages: Vec<StageCount> = Stage::ALL
                .iter()
                .map(|s| StageCount {
                    stage: *s,
                    count: counts.and_then(|c| c.get(s)).copied().unwrap_or(0),
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
        .map(|(source, (applications, hires))| SourceStats {
            source,
            applications,
            hires,
            hire_rate: (hires as f64 / applications as f64 * 1000.0).round() / 1000.0,
        })
        .collect();
    sources.sort_by(|a, b| {
        b.applications
            .cmp(&a.applications)
            .then(a.source.cmp(&b.source))
    });

    let now = Timestamp::now();
    let week = now.plus_secs(7 * 86_400);
    let interviews_next_7_days = interviews::all_of(&rx, tenant)?
        .iter()
        .filter(|i| {
            job_id.is_none_or(|id| i.job_id == id)
                && i.status == InterviewStatus::Scheduled
                && i.scheduled_at >= now
                && i.scheduled_at <= week
        })
        .count() as u64;
    let mut offer_stats = OfferStats {
        sent: 0,
        accepted: 0,
        declined: 0,
        withdrawn: 0,
        acceptance_rate: None,
    };
    for o in offers::all_of(&rx, tenant)?
        .iter()
        .filter(|o| job_id.is_none_or(|id| o.job_id == id))
    {
        if o.sent_at.is_some() {
            offer_stats.sent += 1;
        }
        match o.status {
            OfferStatus::Accepted => offer_stats.accepted += 1,
            OfferStatus::Declined => offer_stats.declined += 1,
            OfferStatus::Withdrawn => offer_stats.withdrawn += 1,
            _ => {}
        }
    }
    let decided = offer_stats.accepted + offer_stats.declined;
    if decided > 0 {
        offer_stats.acceptance_rate =
            Some((offer_stats.accepted as f64 / decided as f64 * 1000.0).round() / 1000.0);
    }
    Ok(Insights {
        open_jobs: jobs.iter().filter(|j| j.status == JobStatus::Open).count() as u64,
        funnel,
        time_to_hire: TimeToHire {
            hires: hire_days.len() as u64,
            median_days: median(hire_days),
        },
        sources,
        interviews_next_7_days,
        offers: offer_stats,
        generated_at: now,
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
}
