//! Talent profiles of the marketplace (seed 000): the people a firm staffs onto project slots,
//! with skills, seniority, availability, a day-rate range, the terms of work they take and who
//! may see them. A person may be linked to a `talent` account, whose holder sees and edits
//! that one profile and nothing else.

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use super::engagements;
use super::fields::{
    NotNull, apply, apply_nullable, blank_is_null, check_amounts, check_currency, check_labels,
    check_text, clean_labels, tidy,
};
use super::jobs::Level;
use super::matching::Availability;
use crate::auth::{Identity, Permission, Role};
use crate::error::{Error, Result, Validator};
use crate::store::tables::{
    AVAILABILITY_PEOPLE, PEOPLE, SENIORITY_PEOPLE, SHARED_PEOPLE, SKILL_PEOPLE, USER_PEOPLE, USERS,
    VISIBILITY_PEOPLE, WORK_TYPE_PEOPLE,
};
use crate::store::{Filing, Reader, Store, Tx};
use crate::time::Timestamp;

named_enum! {
    /// The terms of work a person takes or a slot offers.
    pub enum WorkType {
        Contract = "contract",
        FullTime = "full_time",
        PartTime = "part_time",
        Freelance = "freelance",
    }
}

named_enum! {
    /// Who sees a profile. `private`: those who manage people (org admins, recruiters) and the
    /// person; `tenant`: everyone in the organisation who reads people; `public`: the same
    /// inside hirebase, marked as shareable beyond it (no tenant ever sees another's records).
    pub enum Visibility {
        Private = "private",
        Tenant = "tenant",
        Public = "public",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Person {
    pub id: u64,
    pub org_id: u64,
    /// The `talent` account linked to this profile.
    pub user_id: Option<u64>,
    pub full_name: String,
    pub headline: Option<String>,
    pub skills: Vec<String>,
    pub seniority: Option<Level>,
    pub availability: Availability,
    /// The day rate range, in `currency`.
    pub rate_min: Option<u64>,
    pub rate_max: Option<u64>,
    pub currency: Option<String>,
    pub work_type: WorkType,
    pub location: Option<String>,
    pub visibility: Visibility,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Person {
    /// The keys of the skill filing: one per skill, whatever its case.
    pub fn skill_keys(&self) -> Vec<u64> {
        self.skills.iter().map(|s| skill_key(s)).collect()
    }

    /// The day rates the person takes, `(lowest, highest)`; one bound stands for both.
    fn rates(&self) -> Option<(u64, u64)> {
        match (self.rate_min, self.rate_max) {
            (None, None) => None,
            (min, max) => Some((min.or(max)?, max.or(min)?)),
        }
    }
}

/// A skill as a filing key: FNV-1a of its trimmed, lower-cased text (64 bits: a collision
/// among one tenant's skills is not a practical concern).
pub fn skill_key(skill: &str) -> u64 {
    skill
        .trim()
        .to_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

#[derive(Debug, Clone, Object)]
pub struct NewPerson {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub full_name: String,
    #[oai(validator(max_length = 200))]
    pub headline: Option<String>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub skills: Option<Vec<String>>,
    pub seniority: Option<Level>,
    /// Defaults to `available`.
    pub availability: Option<Availability>,
    /// Day rate, in `currency` (required with a rate).
    #[oai(validator(maximum(value = "100000000000")))]
    pub rate_min: Option<u64>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub rate_max: Option<u64>,
    /// ISO 4217, e.g. `EUR`.
    pub currency: Option<String>,
    /// Defaults to `contract`.
    pub work_type: Option<WorkType>,
    #[oai(validator(max_length = 120))]
    pub location: Option<String>,
    /// Defaults to `tenant`.
    pub visibility: Option<Visibility>,
    /// A `talent` account of the organisation to link; each account has at most one profile.
    pub user_id: Option<u64>,
}

/// Absent fields stay as they are; `null` clears a nullable field. A talent account may change
/// everything of its own profile but `user_id`.
#[derive(Debug, Clone, Default, Object)]
pub struct PersonPatch {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub full_name: MaybeUndefined<String>,
    #[oai(validator(max_length = 200))]
    pub headline: MaybeUndefined<String>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub skills: MaybeUndefined<Vec<String>>,
    pub seniority: MaybeUndefined<Level>,
    pub availability: MaybeUndefined<Availability>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub rate_min: MaybeUndefined<u64>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub rate_max: MaybeUndefined<u64>,
    pub currency: MaybeUndefined<String>,
    pub work_type: MaybeUndefined<WorkType>,
    #[oai(validator(max_length = 120))]
    pub location: MaybeUndefined<String>,
    pub visibility: MaybeUndefined<Visibility>,
    /// Link a `talent` account (`null` unlinks).
    pub user_id: MaybeUndefined<u64>,
}

crate::not_null!(PersonPatch: full_name, skills, availability, work_type, visibility);

/// A day-rate range in a currency, as a profile or a slot (`rate_max` only) states it.
pub fn check_rates(
    v: &mut Validator,
    (min, max): (Option<u64>, Option<u64>),
    currency: Option<&str>,
) {
    check_amounts(v, ("rate_min", min), ("rate_max", max));
    check_currency(v, "currency", currency);
    v.check(
        currency.is_some() || (min.is_none() && max.is_none()),
        "currency",
        "is required with a rate",
    );
}

fn validate(p: &Person) -> Result<()> {
    let mut v = Validator::new();
    v.text("full_name", &p.full_name, true, 200);
    check_text(&mut v, "headline", p.headline.as_deref(), 200);
    check_text(&mut v, "location", p.location.as_deref(), 120);
    check_labels(&mut v, "skills", Some(&p.skills), 100);
    check_rates(&mut v, (p.rate_min, p.rate_max), p.currency.as_deref());
    v.finish()
}

/// Whose profiles a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Every profile: those who manage people.
    All,
    /// Profiles that are not private: those who only read people.
    Shared,
    /// The profile linked to this talent account (user id; 0 for none).
    Own(u64),
}

impl View {
    /// The caller's view of people, or 403 when they may read none.
    pub fn of(who: &Identity) -> Result<View> {
        if let Some(user) = own_only(who, Permission::PEOPLE_READ)? {
            return Ok(View::Own(user));
        }
        Ok(if Permission::PEOPLE_WRITE.roles.contains(&who.role) {
            View::All
        } else {
            View::Shared
        })
    }

    pub fn sees(self, p: &Person) -> bool {
        match self {
            View::All => true,
            View::Shared => p.visibility != Visibility::Private,
            View::Own(user) => p.user_id == Some(user),
        }
    }

    /// The filing that narrows a list to this view, if any.
    fn filter(self) -> (&'static Filing<Person>, Option<u64>) {
        match self {
            View::All => (&SHARED_PEOPLE, None),
            View::Shared => (&SHARED_PEOPLE, Some(1)),
            View::Own(user) => (&USER_PEOPLE, Some(user)),
        }
    }
}

/// Whether profiles are visible to every reader of people (the key of the shared filing).
pub fn shared_keys(p: &Person) -> Vec<u64> {
    if p.visibility == Visibility::Private {
        vec![]
    } else {
        vec![1]
    }
}

/// `Some(user id)` when `who` is a talent account, limited to its own profile and engagements;
/// otherwise `None` once `who` holds `read` (403 when not).
pub fn own_only(who: &Identity, read: Permission) -> Result<Option<u64>> {
    if who.allow(Permission::OWN_TALENT_PROFILE).is_ok() {
        return Ok(Some(who.user_id().unwrap_or(0)));
    }
    who.allow(read)?;
    Ok(None)
}

/// The profile linked to a talent account, if any.
pub fn linked_to(rx: &impl Reader, tenant: u64, user: u64) -> Result<Option<u64>> {
    Ok(rx
        .members(&USER_PEOPLE.index, tenant, user)?
        .first()
        .copied())
}

pub fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<Person> {
    rx.get(&PEOPLE, tenant, id)?
        .ok_or_else(|| Error::not_found("Person", id))
}

/// Checks a link to `user`: a talent account of the tenant with no other profile.
fn check_link(tx: &Tx, p: &Person) -> Result<()> {
    let Some(user) = p.user_id else {
        return Ok(());
    };
    let account = tx.get(&USERS, p.org_id, user)?;
    if account.is_none_or(|u| u.role != Role::Talent) {
        return Err(Error::invalid(
            "user_id",
            "must be a talent account of the organisation",
        ));
    }
    match linked_to(tx, p.org_id, user)? {
        Some(other) if other != p.id => Err(Error::conflict(format!(
            "User {user} is already linked to person {other}"
        ))),
        _ => Ok(()),
    }
}

pub async fn create(store: &Store, who: &Identity, input: NewPerson) -> Result<Person> {
    let now = Timestamp::now();
    let mut person = Person {
        id: 0,
        org_id: who.tenant_id,
        user_id: input.user_id,
        full_name: input.full_name.trim().to_string(),
        headline: tidy(input.headline),
        skills: clean_labels(input.skills.unwrap_or_default()),
        seniority: input.seniority,
        availability: input.availability.unwrap_or(Availability::Available),
        rate_min: input.rate_min,
        rate_max: input.rate_max,
        currency: tidy(input.currency),
        work_type: input.work_type.unwrap_or(WorkType::Contract),
        location: tidy(input.location),
        visibility: input.visibility.unwrap_or(Visibility::Tenant),
        created_at: now,
        updated_at: now,
    };
    validate(&person)?;
    let actor = Actor::of(who);
    store
        .write(move |tx| {
            person.id = tx.next_id()?;
            check_link(tx, &person)?;
            tx.put(&PEOPLE, person.org_id, person.id, &person)?;
            let summary = format!("Added person {} \"{}\"", person.id, person.full_name);
            audit::record(
                tx,
                person.org_id,
                &actor,
                Change::new(Action::PersonCreated, person.id, summary),
            )?;
            Ok(person)
        })
        .await
}

/// A profile `view` may see; any other is 404.
pub fn get(store: &Store, view: View, tenant: u64, id: u64) -> Result<Person> {
    let p = load(&store.read()?, tenant, id)?;
    if !view.sees(&p) {
        return Err(Error::not_found("Person", id));
    }
    Ok(p)
}

/// Changes a profile: anyone who manages people, or the talent account linked to it (not its link).
pub async fn update(store: &Store, who: &Identity, id: u64, patch: PersonPatch) -> Result<Person> {
    let own = who.allow(Permission::OWN_TALENT_PROFILE).is_ok();
    let view = if own {
        View::Own(who.user_id().unwrap_or(0))
    } else {
        who.allow(Permission::PEOPLE_WRITE)?;
        View::All
    };
    if own && !patch.user_id.is_undefined() {
        return Err(Error::forbidden(
            "A talent account cannot change which account its profile is linked to",
        ));
    }
    patch.reject_nulls()?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut p = load(tx, tenant, id)?;
            if !view.sees(&p) {
                return Err(Error::not_found("Person", id));
            }
            let before = p.clone();
            apply(
                &mut p.full_name,
                patch.full_name.map_value(|n| n.trim().to_string()),
            );
            apply_nullable(&mut p.headline, blank_is_null(patch.headline));
            apply(&mut p.skills, patch.skills.map_value(clean_labels));
            apply_nullable(&mut p.seniority, patch.seniority);
            apply(&mut p.availability, patch.availability);
            apply_nullable(&mut p.rate_min, patch.rate_min);
            apply_nullable(&mut p.rate_max, patch.rate_max);
            apply_nullable(&mut p.currency, blank_is_null(patch.currency));
            apply(&mut p.work_type, patch.work_type);
            apply_nullable(&mut p.location, blank_is_null(patch.location));
            apply(&mut p.visibility, patch.visibility);
            apply_nullable(&mut p.user_id, patch.user_id);
            validate(&p)?;
            if p.user_id != before.user_id {
                check_link(tx, &p)?;
            }
            p.updated_at = Timestamp::now();
            tx.put(&PEOPLE, tenant, id, &p)?;
            let label = format!("person {id} \"{}\"", p.full_name);
            audit::record_update(
                tx,
                tenant,
                &actor,
                Action::PersonUpdated,
                id,
                &label,
                (&before, &p),
                &[],
            )?;
            Ok(p)
        })
        .await
}

/// Deletes a profile with its engagements; the slots its active engagements held reopen.
pub async fn delete(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let p = load(tx, tenant, id)?;
            let ended = engagements::remove_person(tx, tenant, id)?;
            tx.remove(&PEOPLE, tenant, id)?;
            let summary = format!(
                "Deleted person {id} \"{}\" and their {ended} engagement(s)",
                p.full_name
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::PersonDeleted, id, summary),
            )
        })
        .await
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Every skill must be listed (case-insensitive).
    pub skills: Vec<String>,
    pub availability: Option<Availability>,
    pub seniority: Option<Level>,
    pub work_type: Option<WorkType>,
    pub visibility: Option<Visibility>,
    /// The person's rate range must overlap `min_rate..=max_rate`; people without a rate are
    /// left out when either is given.
    pub min_rate: Option<u64>,
    pub max_rate: Option<u64>,
    /// Rates in this currency only.
    pub currency: Option<String>,
}

impl PersonFilter {
    fn prices(&self, p: &Person) -> bool {
        let currency = self.currency.as_deref().is_none_or(|c| {
            p.currency
                .as_deref()
                .is_some_and(|mine| mine.eq_ignore_ascii_case(c.trim()))
        });
        let ranged = self.min_rate.is_some() || self.max_rate.is_some();
        let in_range = !ranged
            || p.rates().is_some_and(|(low, high)| {
                self.max_rate.is_none_or(|max| low <= max)
                    && self.min_rate.is_none_or(|min| high >= min)
            });
        currency && in_range
    }

    fn about_price(&self) -> bool {
        self.min_rate.is_some() || self.max_rate.is_some() || self.currency.is_some()
    }
}

/// Profiles `view` sees that match the filter, newest first. Each set filter reads its own
/// filing and the walk follows the smallest; a rate range is checked on the records walked.
pub fn list(
    rx: &impl Reader,
    view: View,
    tenant: u64,
    f: &PersonFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Person>, u64)> {
    let mut filters: Vec<(&Filing<Person>, Option<u64>)> = f
        .skills
        .iter()
        .map(|s| (&SKILL_PEOPLE, Some(skill_key(s))))
        .collect();
    filters.extend([
        view.filter(),
        (&AVAILABILITY_PEOPLE, f.availability.map(|a| a as u64)),
        (&SENIORITY_PEOPLE, f.seniority.map(|l| l as u64)),
        (&WORK_TYPE_PEOPLE, f.work_type.map(|w| w as u64)),
        (&VISIBILITY_PEOPLE, f.visibility.map(|v| v as u64)),
    ]);
    let prices = |p: &Person| f.prices(p);
    let keep = f
        .about_price()
        .then_some(&prices as &dyn Fn(&Person) -> bool);
    rx.page_matching(&PEOPLE, tenant, &filters, keep, skip, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priced(min: Option<u64>, max: Option<u64>) -> Person {
        Person {
            id: 1,
            org_id: 1,
            user_id: None,
            full_name: "P".into(),
            headline: None,
            skills: vec![],
            seniority: None,
            availability: Availability::Available,
            rate_min: min,
            rate_max: max,
            currency: Some("EUR".into()),
            work_type: WorkType::Contract,
            location: None,
            visibility: Visibility::Tenant,
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
        }
    }

    #[test]
    fn rate_filters_match_overlapping_ranges() {
        let filter = |min, max, currency: Option<&str>| PersonFilter {
            min_rate: min,
            max_rate: max,
            currency: currency.map(String::from),
            ..PersonFilter::default()
        };
        let p = priced(Some(500), Some(800));
        assert!(filter(Some(700), Some(900), None).prices(&p));
        assert!(filter(Some(100), Some(500), None).prices(&p), "ends touch");
        assert!(filter(None, Some(600), Some("eur")).prices(&p));
        assert!(!filter(Some(801), None, None).prices(&p));
        assert!(!filter(None, Some(499), None).prices(&p));
        assert!(!filter(None, None, Some("USD")).prices(&p));
        let only_max = priced(None, Some(600));
        assert!(filter(Some(600), Some(700), None).prices(&only_max));
        assert!(!filter(Some(601), None, None).prices(&only_max));
        assert!(!filter(Some(1), None, None).prices(&priced(None, None)));
        assert!(filter(None, None, None).prices(&priced(None, None)));
    }

    #[test]
    fn skill_keys_ignore_case_and_blanks() {
        assert_eq!(skill_key(" Rust "), skill_key("rust"));
        assert_ne!(skill_key("Java"), skill_key("JavaScript"));
    }
}
