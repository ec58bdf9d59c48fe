//! Feature flags: typed, instance-wide settings the platform admin changes at run time
//! (`/admin/flags`). The values in force are one immutable snapshot in memory, replaced whole
//! on every change, so each request reads them without a lock (the rate limiter does, on
//! every request). What the admin set is kept in redb; flags never set follow the
//! configuration (`[rate_limit]`), so changing the file still moves them.

use std::sync::Arc;

use arc_swap::ArcSwap;
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{self, Action, Actor, Change};
use super::fields::apply_nullable;
use crate::auth::Identity;
use crate::config::RateLimitConfig;
use crate::error::{Result, Validator};
use crate::store::tables::{FLAGS, INSTANCE};
use crate::store::{Reader, Store};

/// The one row of `flags_v1`.
const ROW: u64 = 1;
/// Requests per minute an API key may make unless the flag says otherwise (seed 001).
pub const DEFAULT_KEY_RPM: u32 = 600;
/// The largest per-minute limit a flag accepts.
pub const MAX_RPM: u32 = 1_000_000;

/// Declares the flags once: the snapshot in force, the patch, and what is stored.
macro_rules! flags {
    ($( $(#[$doc:meta])* $name:ident : $ty:ty ),* $(,)?) => {
        /// The flags in force.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
        pub struct FlagValues { $( $(#[$doc])* pub $name: $ty, )* }

        /// Flags to change: each one named takes the value given, `null` returns it to its
        /// default (the configuration). Unknown names are refused.
        #[derive(Debug, Clone, Default, Object)]
        #[oai(deny_unknown_fields)]
        pub struct FlagsPatch { $( $(#[$doc])* pub $name: MaybeUndefined<$ty>, )* }

        /// The flags the platform admin has set; the others follow the configuration.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct Overrides {
            $( #[serde(default, skip_serializing_if = "Option::is_none")] $name: Option<$ty>, )*
        }

        impl Overrides {
            fn apply(&mut self, patch: FlagsPatch) {
                $( apply_nullable(&mut self.$name, patch.$name); )*
            }

            fn over(&self, defaults: &FlagValues) -> FlagValues {
                FlagValues { $( $name: self.$name.clone().unwrap_or_else(|| defaults.$name.clone()), )* }
            }
        }

        impl FlagValues {
            /// The flags whose value differs in `after`: name, before, after.
            fn changes(&self, after: &FlagValues) -> Vec<(&'static str, serde_json::Value, serde_json::Value)> {
                let mut out = Vec::new();
                $( if self.$name != after.$name {
                    out.push((stringify!($name), json!(self.$name), json!(after.$name)));
                } )*
                out
            }
        }
    };
}

flags! {
    /// Requests per minute for each platform admin (per client address).
    rate_limit_admin_rpm: u32,
    /// Requests per minute for each organisation member (per role tier and client address).
    rate_limit_company_rpm: u32,
    /// Requests per minute for talent accounts and anonymous callers (per client address).
    rate_limit_person_rpm: u32,
    /// Requests per minute for each API key.
    rate_limit_key_rpm: u32,
    /// `true`: over the limit answers 429; `false`: allowed, with `X-RateLimit-Warning`.
    rate_limit_strict_mode: bool,
    /// Whether anyone may create an organisation (`POST /auth/register`).
    registration_open: bool,
}

impl FlagValues {
    /// The defaults: the `[rate_limit]` configuration, registration open.
    pub fn defaults(config: &RateLimitConfig) -> FlagValues {
        FlagValues {
            rate_limit_admin_rpm: config.admin_rpm,
            rate_limit_company_rpm: config.company_rpm,
            rate_limit_person_rpm: config.person_rpm,
            rate_limit_key_rpm: DEFAULT_KEY_RPM,
            rate_limit_strict_mode: config.strict,
            registration_open: true,
        }
    }
}

impl FlagsPatch {
    fn validate(&self) -> Result<()> {
        let mut v = Validator::new();
        for (field, value) in [
            ("rate_limit_admin_rpm", &self.rate_limit_admin_rpm),
            ("rate_limit_company_rpm", &self.rate_limit_company_rpm),
            ("rate_limit_person_rpm", &self.rate_limit_person_rpm),
            ("rate_limit_key_rpm", &self.rate_limit_key_rpm),
        ] {
            if let MaybeUndefined::Value(rpm) = value {
                v.check(
                    (1..=MAX_RPM).contains(rpm),
                    field,
                    format!("must be between 1 and {MAX_RPM} requests per minute"),
                );
            }
        }
        v.finish()
    }
}

/// The flags in force, readable from any request without waiting.
pub struct Flags {
    defaults: FlagValues,
    current: ArcSwap<FlagValues>,
    /// One change at a time, so the snapshot always matches what was committed last.
    changing: tokio::sync::Mutex<()>,
}

impl Flags {
    /// The flags as stored over the configuration's defaults.
    pub fn load(store: &Store, config: &RateLimitConfig) -> Result<Flags> {
        let defaults = FlagValues::defaults(config);
        let overrides: Overrides = store
            .read()?
            .get(&FLAGS, INSTANCE, ROW)?
            .unwrap_or_default();
        Ok(Flags {
            current: ArcSwap::from_pointee(overrides.over(&defaults)),
            defaults,
            changing: tokio::sync::Mutex::new(()),
        })
    }

    /// The snapshot in force (cheap: no lock, no copy).
    pub fn get(&self) -> arc_swap::Guard<Arc<FlagValues>> {
        self.current.load()
    }

    /// Validates and stores the change with its audit entry, then puts it in force.
    pub async fn update(
        &self,
        store: &Store,
        who: &Identity,
        patch: FlagsPatch,
    ) -> Result<Arc<FlagValues>> {
        patch.validate()?;
        let _one_at_a_time = self.changing.lock().await;
        let (defaults, actor) = (self.defaults.clone(), Actor::of(who));
        let values = store
            .write(move |tx| {
                let mut overrides: Overrides = tx.get(&FLAGS, INSTANCE, ROW)?.unwrap_or_default();
                let before = overrides.over(&defaults);
                overrides.apply(patch);
                let after = overrides.over(&defaults);
                tx.put(&FLAGS, INSTANCE, ROW, &overrides)?;
                let changes = before.changes(&after);
                if !changes.is_empty() {
                    let summary = changes
                        .iter()
                        .map(|(name, from, to)| format!("{name} {from} → {to}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let details: serde_json::Map<String, serde_json::Value> = changes
                        .into_iter()
                        .map(|(name, from, to)| (name.to_string(), json!({"from": from, "to": to})))
                        .collect();
                    let change =
                        Change::bulk(Action::FlagsChanged, format!("Changed flags: {summary}"))
                            .with(json!({ "changed": details }));
                    audit::record(tx, INSTANCE, &actor, change)?;
                }
                Ok(after)
            })
            .await?;
        let values = Arc::new(values);
        self.current.store(values.clone());
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_flags_follow_the_configuration() {
        let config = RateLimitConfig::default();
        let defaults = FlagValues::defaults(&config);
        let mut overrides = Overrides::default();
        overrides.apply(FlagsPatch {
            rate_limit_person_rpm: MaybeUndefined::Value(5),
            registration_open: MaybeUndefined::Value(false),
            ..FlagsPatch::default()
        });
        let values = overrides.over(&defaults);
        assert_eq!(values.rate_limit_person_rpm, 5);
        assert!(!values.registration_open);
        assert_eq!(values.rate_limit_admin_rpm, config.admin_rpm);
        assert_eq!(
            defaults.changes(&values),
            vec![
                ("rate_limit_person_rpm", json!(60), json!(5)),
                ("registration_open", json!(true), json!(false)),
            ]
        );
        overrides.apply(FlagsPatch {
            rate_limit_person_rpm: MaybeUndefined::Null,
            ..FlagsPatch::default()
        });
        assert_eq!(overrides.over(&defaults).rate_limit_person_rpm, 60);
    }

    #[test]
    fn limits_must_be_positive_and_bounded() {
        let patch = FlagsPatch {
            rate_limit_key_rpm: MaybeUndefined::Value(0),
            rate_limit_admin_rpm: MaybeUndefined::Value(MAX_RPM + 1),
            ..FlagsPatch::default()
        };
        let e = patch.validate().unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["rate_limit_admin_rpm", "rate_limit_key_rpm"]);
    }
}
