//! Tenants (organisations): every record belongs to one.

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use super::fields::{NotNull, apply_nullable};
use super::jobs::Job;
use super::matching::Weights;
use super::privacy::{PrivacyNotice, RetentionRule};
use crate::auth::Identity;
use crate::error::{Error, Result, Validator};
use crate::store::tables::{
    APPLICATIONS, CANDIDATES, INSTANCE, JOBS, PUBLIC_JOBS, SLUG_TENANT, TENANTS, USERS,
};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Tenant {
    pub id: u64,
    pub name: String,
    /// Names the public careers page `/careers/{slug}`; stays fixed when the name changes.
    pub slug: String,
    pub tagline: Option<String>,
    /// `#rrggbb`, used by the careers page.
    pub brand_color: Option<String>,
    /// The weight of each matching axis (relative; defaults when never set).
    #[serde(default)]
    pub match_weights: Weights,
    /// The privacy notice the careers page shows; while set, applying requires consent to it.
    #[serde(default)]
    pub privacy_notice: Option<PrivacyNotice>,
    /// Closed candidates inactive this long are erased by the daily retention job.
    #[serde(default)]
    pub retention: Option<RetentionRule>,
    /// What the assistant may spend per calendar month (UTC), in USD; past it its tools
    /// answer 402. `null`: no cap.
    #[serde(default)]
    pub monthly_budget_usd: Option<f64>,
    /// Set while the platform admin has suspended the organisation: its members, sessions and
    /// API keys are refused, its careers page and public jobs are gone; nothing is deleted.
    #[serde(default)]
    pub suspended_at: Option<Timestamp>,
    /// Why, as the platform admin wrote it (shown to members who try to sign in).
    #[serde(default)]
    pub suspension_reason: Option<String>,
    /// Set once an org admin has deleted the organisation (`POST /account/delete`): it is
    /// suspended at once and its data removed in the background, in short steps; the
    /// organisation's record goes last.
    #[serde(default)]
    pub deletion: Option<Deletion>,
    pub created_at: Timestamp,
}

/// An organisation being deleted, and how far it has got.
#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Deletion {
    pub requested_at: Timestamp,
    /// Rows removed so far, by table.
    pub removed: std::collections::BTreeMap<String, u64>,
}

impl Tenant {
    /// Refuses a suspended organisation's members (403, with the reason).
    pub fn check_active(&self) -> Result<()> {
        if self.deletion.is_some() {
            return Err(Error::forbidden(format!(
                "The organisation {} is being deleted with all its data.",
                self.name
            )));
        }
        if self.suspended_at.is_none() {
            return Ok(());
        }
        let why = self
            .suspension_reason
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        Err(Error::forbidden(format!(
            "The organisation {} is suspended by the platform admin{why}; its data is kept. \
             Ask the operator of this instance to resume it.",
            self.name
        )))
    }
}

/// Refuses the members of a suspended organisation; the instance's own identities pass.
pub fn check_active(rx: &impl Reader, tenant_id: u64) -> Result<()> {
    match rx.get(&TENANTS, INSTANCE, tenant_id)? {
        Some(tenant) => tenant.check_active(),
        None => Ok(()),
    }
}

/// Why an organisation is suspended (`POST /admin/tenants/{id}/suspend`).
#[derive(Debug, Clone, Default, Object)]
pub struct Suspension {
    #[oai(validator(max_length = 500))]
    pub reason: Option<String>,
}

/// Suspends (`Some`) or resumes (`None`) an organisation (platform admin). Suspending takes
/// its jobs off the public listings; resuming puts back the ones still listed. Doing what is
/// already done changes nothing.
pub async fn set_suspended(
    store: &Store,
    who: &Identity,
    tenant_id: u64,
    suspension: Option<Suspension>,
) -> Result<Tenant> {
    let actor = Actor::of(who);
    store
        .write(move |tx| {
            let mut tenant = load(tx, tenant_id)?;
            if tenant.deletion.is_some() {
                return Err(Error::business_rule(format!(
                    "The organisation {} is being deleted; it cannot be suspended or resumed.",
                    tenant.name
                )));
            }
            if tenant.suspended_at.is_some() == suspension.is_some() {
                return Ok(tenant);
            }
            let jobs: Vec<Job> = tx.list(&JOBS, tenant_id, 0, usize::MAX)?;
            let (action, summary) = match suspension {
                Some(s) => {
                    tenant.suspended_at = Some(Timestamp::now());
                    tenant.suspension_reason = s
                        .reason
                        .map(|r| r.trim().to_string())
                        .filter(|r| !r.is_empty());
                    for job in &jobs {
                        tx.remove(&PUBLIC_JOBS, INSTANCE, job.id)?;
                    }
                    (Action::TenantSuspended, "Suspended the organisation")
                }
                None => {
                    tenant.suspended_at = None;
                    tenant.suspension_reason = None;
                    for job in jobs.iter().filter(|j| j.is_listed()) {
                        tx.put(&PUBLIC_JOBS, INSTANCE, job.id, &tenant_id)?;
                    }
                    (Action::TenantResumed, "Resumed the organisation")
                }
            };
            tx.put(&TENANTS, INSTANCE, tenant_id, &tenant)?;
            let change = Change::new(action, tenant_id, summary)
                .with(serde_json::json!({"reason": tenant.suspension_reason}));
            audit::record(tx, tenant_id, &actor, change)?;
            Ok(tenant)
        })
        .await
}

#[derive(Debug, Clone, Default, Object)]
pub struct TenantPatch {
    #[oai(validator(min_length = 1, max_length = 120))]
    pub name: MaybeUndefined<String>,
    #[oai(validator(max_length = 200))]
    pub tagline: MaybeUndefined<String>,
    pub brand_color: MaybeUndefined<String>,
    /// `null` restores the default weights.
    pub match_weights: MaybeUndefined<Weights>,
    /// `null` removes the notice (applying then needs no consent).
    pub privacy_notice: MaybeUndefined<PrivacyNotice>,
    /// `null` removes the rule (nothing is erased by age).
    pub retention: MaybeUndefined<RetentionRule>,
    /// USD per calendar month for the assistant; `0` stops it; `null` removes the cap.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub monthly_budget_usd: MaybeUndefined<f64>,
}

crate::not_null!(TenantPatch: name);

pub const NAME_MAX: usize = 120;
const SLUG_MAX: usize = 48;

/// "Acme Bank" → `acme-bank`: lower-case ASCII letters and digits; every other run becomes `-`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(SLUG_MAX).collect();
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "org".to_string()
    } else {
        slug.to_string()
    }
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Creates a tenant inside `tx`, making its slug unique with a numeric suffix.
pub fn create(tx: &mut Tx, name: &str) -> Result<Tenant> {
    let id = tx.next_id()?;
    let base = slugify(name);
    let mut slug = base.clone();
    let mut n = 2;
    while !tx.claim(&SLUG_TENANT, &slug, (INSTANCE, id))? {
        slug = format!("{base}-{n}");
        n += 1;
    }
    let tenant = Tenant {
        id,
        name: name.trim().to_string(),
        slug,
        tagline: None,
        brand_color: None,
        match_weights: Weights::default(),
        privacy_notice: None,
        retention: None,
        monthly_budget_usd: None,
        suspended_at: None,
        suspension_reason: None,
        deletion: None,
        created_at: Timestamp::now(),
    };
    tx.put(&TENANTS, INSTANCE, id, &tenant)?;
    Ok(tenant)
}

pub fn validate_name(v: &mut Validator, field: &str, name: &str) {
    v.text(field, name, true, NAME_MAX);
}

pub fn get(store: &Store, tenant_id: u64) -> Result<Tenant> {
    load(&store.read()?, tenant_id)
}

pub fn load(rx: &impl Reader, tenant_id: u64) -> Result<Tenant> {
    rx.get(&TENANTS, INSTANCE, tenant_id)?
        .ok_or_else(|| Error::not_found("Tenant", tenant_id))
}

pub async fn update(store: &Store, who: &Identity, patch: TenantPatch) -> Result<Tenant> {
    let (tenant_id, actor) = (who.tenant_id, Actor::of(who));
    let mut v = Validator::new();
    patch.reject_nulls()?;
    if let MaybeUndefined::Value(name) = &patch.name {
        validate_name(&mut v, "name", name);
    }
    if let MaybeUndefined::Value(t) = &patch.tagline {
        v.text("tagline", t, false, 200);
    }
    if let MaybeUndefined::Value(c) = &patch.brand_color {
        v.check(
            is_hex_color(c),
            "brand_color",
            "must be a colour like #7c3aed",
        );
    }
    if let MaybeUndefined::Value(w) = &patch.match_weights {
        v.check(
            w.total() > 0,
            "match_weights",
            "must give at least one axis a weight above 0",
        );
    }
    if let MaybeUndefined::Value(notice) = &patch.privacy_notice {
        notice.check(&mut v);
    }
    if let MaybeUndefined::Value(rule) = &patch.retention {
        rule.check(&mut v);
    }
    if let MaybeUndefined::Value(budget) = patch.monthly_budget_usd {
        v.check(
            (0.0..=1_000_000.0).contains(&budget),
            "monthly_budget_usd",
            "must be an amount between 0 and 1000000",
        );
    }
    v.finish()?;
    store
        .write(move |tx| {
            let mut tenant = tx
                .get(&TENANTS, INSTANCE, tenant_id)?
                .ok_or_else(|| Error::not_found("Tenant", tenant_id))?;
            let before = tenant.clone();
            if let MaybeUndefined::Value(name) = patch.name {
                tenant.name = name.trim().to_string();
            }
            apply_nullable(
                &mut tenant.tagline,
                patch.tagline.map_value(|t| t.trim().to_string()),
            );
            apply_nullable(
                &mut tenant.brand_color,
                patch.brand_color.map_value(|c| c.to_ascii_lowercase()),
            );
            match patch.match_weights {
                MaybeUndefined::Value(w) => tenant.match_weights = w,
                MaybeUndefined::Null => tenant.match_weights = Weights::default(),
                MaybeUndefined::Undefined => {}
            }
            apply_nullable(
                &mut tenant.privacy_notice,
                patch.privacy_notice.map_value(|n| PrivacyNotice {
                    text: n.text.trim().to_string(),
                    version: n.version.trim().to_string(),
                }),
            );
            apply_nullable(&mut tenant.retention, patch.retention);
            apply_nullable(&mut tenant.monthly_budget_usd, patch.monthly_budget_usd);
            tx.put(&TENANTS, INSTANCE, tenant_id, &tenant)?;
            let fields = (&before, &tenant);
            audit::record_update(
                tx,
                tenant_id,
                &actor,
                Action::TenantUpdated,
                tenant_id,
                "the organisation",
                fields,
                &[],
            )?;
            Ok(tenant)
        })
        .await
}

/// A tenant as the platform admin's list shows it: with how much it holds.
#[derive(Debug, Clone, Object)]
pub struct TenantSummary {
    #[oai(flatten)]
    pub tenant: Tenant,
    pub members: u64,
    pub jobs: u64,
    pub candidates: u64,
    pub applications: u64,
}

/// Every tenant, newest first, with its counts (each read in O(1)).
pub fn list(store: &Store, skip: usize, limit: usize) -> Result<(Vec<TenantSummary>, u64)> {
    let rx = store.read()?;
    let tenants = rx.list(&TENANTS, INSTANCE, skip, limit)?;
    let summaries = tenants
        .into_iter()
        .map(|tenant| {
            let id = tenant.id;
            Ok(TenantSummary {
                members: rx.count(&USERS, id)?,
                jobs: rx.count(&JOBS, id)?,
                candidates: rx.count(&CANDIDATES, id)?,
                applications: rx.count(&APPLICATIONS, id)?,
                tenant,
            })
        })
        .collect::<Result<_>>()?;
    Ok((summaries, rx.count(&TENANTS, INSTANCE)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_design_rule() {
        assert_eq!(slugify("Acme Bank"), "acme-bank");
        assert_eq!(slugify("  Zoë & Co. -- Recruiting!! "), "zo-co-recruiting");
        assert_eq!(slugify("***"), "org");
        assert_eq!(slugify(&"a".repeat(100)).len(), SLUG_MAX);
    }

    #[test]
    fn colours_are_hex() {
        assert!(is_hex_color("#7c3aed"));
        assert!(!is_hex_color("7c3aed"));
        assert!(!is_hex_color("#7c3aeg"));
    }
}
