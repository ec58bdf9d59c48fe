//! The organisation's structure (seed 002): its subsidiaries (jobs may belong to one), the
//! agencies it works with, and the integrations it has set up with other systems (a provider
//! slug and settings; never secrets, which belong in API keys and webhooks). The three share
//! one lifecycle — list, create, read, change, delete, each audited — written once over
//! [`Unit`].

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use super::fields::{NotNull, apply, apply_nullable, blank_is_null, check_text, tidy};
use crate::auth::{Identity, Permission, Role};
use crate::error::{Error, Result, Validator, is_valid_email, normalize_email};
use crate::store::tables::{AGENCIES, INTEGRATIONS, SUBSIDIARIES, SUBSIDIARY_JOBS, USERS};
use crate::store::{Reader, Records, Store, page_of};
use crate::time::Timestamp;

/// What subsidiaries, agencies and integrations have in common.
pub trait Unit: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    type New: Send + 'static;
    type Patch: Send + 'static;
    const TABLE: Records<Self>;
    /// As problem documents name it: `Subsidiary`.
    const NAME: &'static str;
    const CREATED: Action;
    const UPDATED: Action;
    const DELETED: Action;
    fn id(&self) -> u64;
    fn name(&self) -> &str;
    /// A new record from valid input (400 otherwise).
    fn make(id: u64, org_id: u64, input: Self::New, now: Timestamp) -> Result<Self>;
    /// Applies a patch, then checks the result (400, and nothing stored, when it is invalid).
    fn change(&mut self, patch: Self::Patch) -> Result<()>;
    fn stamp(&mut self, now: Timestamp);
    fn set_id(&mut self, id: u64);
    /// Why the record cannot be deleted yet (what still refers to it), if anything does.
    fn in_use(_rx: &impl Reader, _tenant: u64, _id: u64) -> Result<Option<String>> {
        Ok(None)
    }
}

/// The organisation's records of one kind, by name; `q` keeps those whose name contains it.
pub fn list<T: Unit>(
    store: &Store,
    who: &Identity,
    q: Option<&str>,
    skip: usize,
    limit: usize,
) -> Result<(Vec<T>, u64)> {
    who.allow(Permission::STRUCTURE_READ)?;
    let rx = store.read()?;
    let mut all: Vec<T> = rx.list(&T::TABLE, who.tenant_id, 0, usize::MAX)?;
    all.sort_by_key(|u| (u.name().to_lowercase(), u.id()));
    let q = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let kept = all.into_iter().filter(|u| {
        q.as_ref()
            .is_none_or(|q| u.name().to_lowercase().contains(q))
    });
    page_of(kept, skip, limit)
}

pub fn get<T: Unit>(store: &Store, who: &Identity, id: u64) -> Result<T> {
    who.allow(Permission::STRUCTURE_READ)?;
    load(&store.read()?, who.tenant_id, id)
}

fn load<T: Unit>(rx: &impl Reader, tenant: u64, id: u64) -> Result<T> {
    rx.get(&T::TABLE, tenant, id)?
        .ok_or_else(|| Error::not_found(T::NAME, id))
}

pub async fn create<T: Unit>(store: &Store, who: &Identity, input: T::New) -> Result<T> {
    who.allow(Permission::TENANT_WRITE)?;
    // Checked before the transaction: an invalid request never takes the writer.
    let checked = T::make(0, who.tenant_id, input, Timestamp::now())?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut unit = checked;
            let id = tx.next_id()?;
            unit.set_id(id);
            tx.put(&T::TABLE, tenant, id, &unit)?;
            let summary = format!("Added {} {}", T::NAME.to_lowercase(), unit.name());
            audit::record(tx, tenant, &actor, Change::new(T::CREATED, id, summary))?;
            Ok(unit)
        })
        .await
}

pub async fn update<T: Unit>(store: &Store, who: &Identity, id: u64, patch: T::Patch) -> Result<T> {
    who.allow(Permission::TENANT_WRITE)?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut unit: T = load(tx, tenant, id)?;
            let before = unit.clone();
            unit.change(patch)?;
            let label = format!("{} {}", T::NAME.to_lowercase(), before.name());
            if audit::changed_fields(&before, &unit).is_empty() {
                return Ok(before);
            }
            unit.stamp(Timestamp::now());
            tx.put(&T::TABLE, tenant, id, &unit)?;
            audit::record_update(
                tx,
                tenant,
                &actor,
                T::UPDATED,
                id,
                &label,
                (&before, &unit),
                &["updated_at"],
            )?;
            Ok(unit)
        })
        .await
}

pub async fn delete<T: Unit>(store: &Store, who: &Identity, id: u64) -> Result<()> {
    who.allow(Permission::TENANT_WRITE)?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let unit: T = load(tx, tenant, id)?;
            if let Some(why) = T::in_use(tx, tenant, id)? {
                return Err(Error::conflict(format!(
                    "{} {} is still in use: {why}",
                    T::NAME,
                    unit.name()
                )));
            }
            tx.remove(&T::TABLE, tenant, id)?;
            let summary = format!("Removed {} {}", T::NAME.to_lowercase(), unit.name());
            audit::record(tx, tenant, &actor, Change::new(T::DELETED, id, summary))
        })
        .await
}

/// The agency a member with `role` works for: `agency_id` is required with the `agency` role
/// and must name an agency of the organisation; any other role belongs to none (400).
pub fn agency_of_role(
    rx: &impl Reader,
    tenant: u64,
    role: Role,
    agency_id: Option<u64>,
) -> Result<Option<u64>> {
    match (role, agency_id) {
        (Role::Agency, None) => Err(Error::invalid(
            "agency_id",
            "is required for the agency role: the agency this person works for",
        )),
        (Role::Agency, Some(id)) if rx.get(&AGENCIES, tenant, id)?.is_none() => {
            Err(Error::invalid(
                "agency_id",
                format!("names no agency of this organisation ({id})"),
            ))
        }
        (Role::Agency, Some(id)) => Ok(Some(id)),
        (_, None) => Ok(None),
        (_, Some(_)) => Err(Error::invalid("agency_id", "is only for the agency role")),
    }
}

/// A job's `subsidiary_id`, if set, must name a subsidiary of the organisation (400).
pub fn check_subsidiary(rx: &impl Reader, tenant: u64, subsidiary_id: Option<u64>) -> Result<()> {
    match subsidiary_id {
        Some(id) if rx.get(&SUBSIDIARIES, tenant, id)?.is_none() => Err(Error::invalid(
            "subsidiary_id",
            format!("names no subsidiary of this organisation ({id})"),
        )),
        _ => Ok(()),
    }
}

/// A name: required, at most 120 characters.
fn check_name(v: &mut Validator, name: &str) {
    v.text("name", name, true, 120);
}

fn check_patch_name(v: &mut Validator, name: &MaybeUndefined<String>) {
    if let MaybeUndefined::Value(name) = name {
        check_name(v, name);
    }
}

// ---- Subsidiaries ------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Subsidiary {
    pub id: u64,
    pub org_id: u64,
    pub name: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct NewSubsidiary {
    #[oai(validator(min_length = 1, max_length = 120))]
    pub name: String,
    #[oai(validator(max_length = 2000))]
    pub description: Option<String>,
    #[oai(validator(max_length = 200))]
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct SubsidiaryPatch {
    #[oai(validator(min_length = 1, max_length = 120))]
    pub name: MaybeUndefined<String>,
    #[oai(validator(max_length = 2000))]
    pub description: MaybeUndefined<String>,
    #[oai(validator(max_length = 200))]
    pub location: MaybeUndefined<String>,
}

crate::not_null!(SubsidiaryPatch: name);

impl Unit for Subsidiary {
    type New = NewSubsidiary;
    type Patch = SubsidiaryPatch;
    const TABLE: Records<Self> = SUBSIDIARIES;
    const NAME: &'static str = "Subsidiary";
    const CREATED: Action = Action::SubsidiaryCreated;
    const UPDATED: Action = Action::SubsidiaryUpdated;
    const DELETED: Action = Action::SubsidiaryDeleted;
    fn id(&self) -> u64 {
        self.id
    }
    /// Jobs keep naming their subsidiary: it goes once they are moved or deleted.
    fn in_use(rx: &impl Reader, tenant: u64, id: u64) -> Result<Option<String>> {
        let jobs = rx.filed_count(&SUBSIDIARY_JOBS, tenant, id)?;
        Ok((jobs > 0).then(|| {
            format!("{jobs} job(s) belong to it; move them to another subsidiary or none first")
        }))
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn make(id: u64, org_id: u64, input: NewSubsidiary, now: Timestamp) -> Result<Self> {
        let mut v = Validator::new();
        check_name(&mut v, &input.name);
        v.finish()?;
        Ok(Subsidiary {
            id,
            org_id,
            name: input.name.trim().to_string(),
            description: tidy(input.description),
            location: tidy(input.location),
            created_at: now,
            updated_at: now,
        })
    }
    fn change(&mut self, patch: SubsidiaryPatch) -> Result<()> {
        patch.reject_nulls()?;
        let mut v = Validator::new();
        check_patch_name(&mut v, &patch.name);
        v.finish()?;
        apply(
            &mut self.name,
            patch.name.map_value(|n| n.trim().to_string()),
        );
        apply_nullable(&mut self.description, blank_is_null(patch.description));
        apply_nullable(&mut self.location, blank_is_null(patch.location));
        Ok(())
    }
    fn stamp(&mut self, now: Timestamp) {
        self.updated_at = now;
    }
    fn set_id(&mut self, id: u64) {
        self.id = id;
    }
}

// ---- Agencies ----------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Agency {
    pub id: u64,
    pub org_id: u64,
    pub name: String,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub website: Option<String>,
    /// The agency's fee, in percent of first-year salary (0–100).
    pub fee_percent: Option<f64>,
    pub notes: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct NewAgency {
    #[oai(validator(min_length = 1, max_length = 120))]
    pub name: String,
    #[oai(validator(max_length = 120))]
    pub contact_name: Option<String>,
    #[oai(validator(max_length = 254))]
    pub contact_email: Option<String>,
    #[oai(validator(max_length = 500))]
    pub website: Option<String>,
    pub fee_percent: Option<f64>,
    #[oai(validator(max_length = 5000))]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct AgencyPatch {
    #[oai(validator(min_length = 1, max_length = 120))]
    pub name: MaybeUndefined<String>,
    #[oai(validator(max_length = 120))]
    pub contact_name: MaybeUndefined<String>,
    #[oai(validator(max_length = 254))]
    pub contact_email: MaybeUndefined<String>,
    #[oai(validator(max_length = 500))]
    pub website: MaybeUndefined<String>,
    pub fee_percent: MaybeUndefined<f64>,
    #[oai(validator(max_length = 5000))]
    pub notes: MaybeUndefined<String>,
}

crate::not_null!(AgencyPatch: name);

impl Agency {
    fn check(&self) -> Result<()> {
        let mut v = Validator::new();
        check_name(&mut v, &self.name);
        if let Some(email) = &self.contact_email {
            v.check(
                is_valid_email(email),
                "contact_email",
                "must be an email address",
            );
        }
        if let Some(site) = &self.website {
            v.check(
                site.starts_with("https://") || site.starts_with("http://"),
                "website",
                "must be an http(s) address",
            );
        }
        if let Some(fee) = self.fee_percent {
            v.check(
                fee.is_finite() && (0.0..=100.0).contains(&fee),
                "fee_percent",
                "must be between 0 and 100",
            );
        }
        check_text(&mut v, "notes", self.notes.as_deref(), 5000);
        v.finish()
    }
}

impl Unit for Agency {
    type New = NewAgency;
    type Patch = AgencyPatch;
    const TABLE: Records<Self> = AGENCIES;
    const NAME: &'static str = "Agency";
    const CREATED: Action = Action::AgencyCreated;
    const UPDATED: Action = Action::AgencyUpdated;
    const DELETED: Action = Action::AgencyDeleted;
    fn id(&self) -> u64 {
        self.id
    }
    /// Its people keep working for it: it goes once they are removed or given another role.
    /// (What it submitted keeps its `agency_id`: the record of who brought the candidate.)
    fn in_use(rx: &impl Reader, tenant: u64, id: u64) -> Result<Option<String>> {
        let people = rx
            .list(&USERS, tenant, 0, usize::MAX)?
            .into_iter()
            .filter(|u| u.agency_id == Some(id))
            .count();
        Ok((people > 0).then(|| {
            format!(
                "{people} member(s) of the team work for it; remove them or change their role first"
            )
        }))
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn make(id: u64, org_id: u64, input: NewAgency, now: Timestamp) -> Result<Self> {
        let agency = Agency {
            id,
            org_id,
            name: input.name.trim().to_string(),
            contact_name: tidy(input.contact_name),
            contact_email: tidy(input.contact_email).map(|e| normalize_email(&e)),
            website: tidy(input.website),
            fee_percent: input.fee_percent,
            notes: tidy(input.notes),
            created_at: now,
            updated_at: now,
        };
        agency.check()?;
        Ok(agency)
    }
    fn change(&mut self, patch: AgencyPatch) -> Result<()> {
        patch.reject_nulls()?;
        apply(
            &mut self.name,
            patch.name.map_value(|n| n.trim().to_string()),
        );
        apply_nullable(&mut self.contact_name, blank_is_null(patch.contact_name));
        apply_nullable(
            &mut self.contact_email,
            blank_is_null(patch.contact_email).map_value(|e| normalize_email(&e)),
        );
        apply_nullable(&mut self.website, blank_is_null(patch.website));
        apply_nullable(&mut self.fee_percent, patch.fee_percent);
        apply_nullable(&mut self.notes, blank_is_null(patch.notes));
        self.check()
    }
    fn stamp(&mut self, now: Timestamp) {
        self.updated_at = now;
    }
    fn set_id(&mut self, id: u64) {
        self.id = id;
    }
}

// ---- Integrations ------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Integration {
    pub id: u64,
    pub org_id: u64,
    /// Which system: lower-case letters, digits and hyphens (`workday`, `google-calendar`).
    pub provider: String,
    pub name: String,
    pub enabled: bool,
    /// Non-secret settings, name → value (at most 50).
    pub settings: std::collections::BTreeMap<String, String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct NewIntegration {
    #[oai(validator(min_length = 1, max_length = 64))]
    pub provider: String,
    #[oai(validator(min_length = 1, max_length = 120))]
    pub name: String,
    /// Defaults to true.
    pub enabled: Option<bool>,
    pub settings: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct IntegrationPatch {
    #[oai(validator(min_length = 1, max_length = 64))]
    pub provider: MaybeUndefined<String>,
    #[oai(validator(min_length = 1, max_length = 120))]
    pub name: MaybeUndefined<String>,
    pub enabled: MaybeUndefined<bool>,
    /// Replaces every setting.
    pub settings: MaybeUndefined<std::collections::BTreeMap<String, String>>,
}

crate::not_null!(IntegrationPatch: provider, name, enabled, settings);

/// A provider slug: lower-case letters, digits and single hyphens, not at either end.
pub fn is_provider_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

impl Integration {
    fn check(&self) -> Result<()> {
        let mut v = Validator::new();
        check_name(&mut v, &self.name);
        v.check(
            is_provider_slug(&self.provider),
            "provider",
            "must be lower-case letters, digits and hyphens (like `google-calendar`)",
        );
        v.check(
            self.settings.len() <= 50,
            "settings",
            "must hold at most 50 settings",
        );
        let fits = self
            .settings
            .iter()
            .all(|(k, val)| !k.trim().is_empty() && k.len() <= 64 && val.len() <= 2000);
        v.check(
            fits,
            "settings",
            "each setting needs a name of at most 64 characters and a value of at most 2,000",
        );
        v.finish()
    }
}

impl Unit for Integration {
    type New = NewIntegration;
    type Patch = IntegrationPatch;
    const TABLE: Records<Self> = INTEGRATIONS;
    const NAME: &'static str = "Integration";
    const CREATED: Action = Action::IntegrationCreated;
    const UPDATED: Action = Action::IntegrationUpdated;
    const DELETED: Action = Action::IntegrationDeleted;
    fn id(&self) -> u64 {
        self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn make(id: u64, org_id: u64, input: NewIntegration, now: Timestamp) -> Result<Self> {
        let integration = Integration {
            id,
            org_id,
            provider: input.provider.trim().to_string(),
            name: input.name.trim().to_string(),
            enabled: input.enabled.unwrap_or(true),
            settings: input.settings.unwrap_or_default(),
            created_at: now,
            updated_at: now,
        };
        integration.check()?;
        Ok(integration)
    }
    fn change(&mut self, patch: IntegrationPatch) -> Result<()> {
        patch.reject_nulls()?;
        apply(
            &mut self.provider,
            patch.provider.map_value(|p| p.trim().to_string()),
        );
        apply(
            &mut self.name,
            patch.name.map_value(|n| n.trim().to_string()),
        );
        apply(&mut self.enabled, patch.enabled);
        apply(&mut self.settings, patch.settings);
        self.check()
    }
    fn stamp(&mut self, now: Timestamp) {
        self.updated_at = now;
    }
    fn set_id(&mut self, id: u64) {
        self.id = id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_slugs() {
        for ok in ["workday", "google-calendar", "x2", "a-b-c"] {
            assert!(is_provider_slug(ok), "{ok}");
        }
        for bad in [
            "",
            "Workday",
            "google_calendar",
            "-x",
            "x-",
            "a--b",
            "a b",
            "é",
        ] {
            assert!(!is_provider_slug(bad), "{bad}");
        }
    }
}
