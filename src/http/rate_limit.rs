//! Rate limits (DESIGN §4, platform): a 60-second sliding window per caller — role tier and
//! client address for people, the key itself for API keys — whose limits and mode are read
//! from the feature-flag snapshot on every request, so a flag change applies to the next one.
//!
//! Our own counter rather than `governor`: governor's quotas are fixed per limiter and a
//! replaced limiter loses its counts, so flags could not change limits at run time.
//!
//! Each counter is the sliding-window estimate: the current minute's count plus the previous
//! minute's, weighted by the part of it the window still covers — two integers per caller.
//! Counters live in a sharded map; a shard drops the counters of idle callers once a minute.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use poem::Request;
use poem::http::{HeaderValue, Method};

use crate::app::AppState;
use crate::auth::identity::API_KEY_PREFIX;
use crate::auth::{Identity, Principal, Role};
use crate::domain::flags::FlagValues;
use crate::error::{Code, Error};

const WINDOW_MS: u64 = 60_000;
const SHARDS: usize = 32;
/// Failed sign-ins per minute for one email from one address; other addresses are unaffected.
pub const LOGIN_FAILURES_PER_MINUTE: u32 = 10;
/// Applications per minute from one address (the public forms, on top of the anonymous tier).
pub const APPLY_PER_MINUTE: u32 = 10;

/// Whose requests share a window.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// People and anonymous callers: by role tier and client address.
    Caller(Tier, Option<IpAddr>),
    /// An API key, wherever it calls from.
    Key(u64),
    /// Failed sign-ins for an email from an address.
    Login(String, Option<IpAddr>),
    /// Applications through the public careers forms from an address.
    Apply(Option<IpAddr>),
    /// Mails the account flows send to an address (verification, password reset).
    Mail(String),
}

named_enum! {
    /// The limit tiers; each takes its requests per minute from a flag.
    pub enum Tier {
        Admin = "admin",
        Company = "company",
        Person = "person",
        Key = "key",
    }
}

impl Tier {
    pub fn of(identity: &Identity) -> Tier {
        match (identity.principal, identity.role) {
            (Principal::ApiKey { .. }, _) => Tier::Key,
            (_, Role::PlatformAdmin) => Tier::Admin,
            (_, Role::Talent) => Tier::Person,
            _ => Tier::Company,
        }
    }

    pub fn limit(self, flags: &FlagValues) -> u32 {
        match self {
            Tier::Admin => flags.rate_limit_admin_rpm,
            Tier::Company => flags.rate_limit_company_rpm,
            Tier::Person => flags.rate_limit_person_rpm,
            Tier::Key => flags.rate_limit_key_rpm,
        }
    }
}

/// How a caller stands against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub limit: u32,
    pub remaining: u32,
    /// The request goes over the limit (and was not counted).
    pub over: bool,
    /// Seconds until a request would be within the limit again (0 when it is now).
    pub retry_after: u64,
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    /// The minute (since the limiter started) `current` counts.
    minute: u64,
    current: u32,
    previous: u32,
}

impl Counter {
    fn roll(&mut self, minute: u64) {
        if self.minute != minute {
            self.previous = if self.minute + 1 == minute {
                self.current
            } else {
                0
            };
            self.current = 0;
            self.minute = minute;
        }
    }

    /// Requests in the window that ends now, `into` milliseconds into the current minute.
    fn used(&self, into: u64) -> f64 {
        self.previous as f64 * (WINDOW_MS - into) as f64 / WINDOW_MS as f64 + self.current as f64
    }

    /// Milliseconds until one more request fits under `limit`: the first `t` into a minute
    /// with `previous × (W − t) / W + current ≤ limit − 1`.
    fn wait_ms(&self, limit: u32, into: u64) -> u64 {
        let room = u64::from(limit.saturating_sub(1));
        let (previous, current) = (u64::from(self.previous), u64::from(self.current));
        if current <= room {
            if previous == 0 {
                return 0;
            }
            let at = WINDOW_MS - (room - current) * WINDOW_MS / previous;
            return at.saturating_sub(into);
        }
        // This minute alone is over: wait for it to end, then for its weight to fall enough.
        (WINDOW_MS - into) + (WINDOW_MS - room * WINDOW_MS / current)
    }
}

#[derive(Default)]
struct Shard {
    counters: HashMap<Bucket, Counter>,
    swept: u64,
}

/// The sliding-window counters of every caller.
pub struct Limiter {
    epoch: Instant,
    hasher: std::hash::RandomState,
    shards: Box<[Mutex<Shard>]>,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new()
    }
}

impl Limiter {
    pub fn new() -> Limiter {
        Limiter {
            epoch: Instant::now(),
            hasher: std::hash::RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    fn now(&self) -> (u64, u64) {
        let ms = self.epoch.elapsed().as_millis() as u64;
        (ms / WINDOW_MS, ms % WINDOW_MS)
    }

    fn with<R>(&self, bucket: &Bucket, f: impl FnOnce(&mut Counter, u64) -> R) -> R {
        let (minute, into) = self.now();
        let shard = &self.shards[self.hasher.hash_one(bucket) as usize % SHARDS];
        let mut shard = shard.lock().expect("rate limit shard");
        if shard.swept < minute {
            // Counters two minutes old weigh nothing any more.
            shard
                .counters
                .retain(|_, c| c.minute + 1 >= minute && c.current + c.previous > 0);
            shard.swept = minute;
        }
        let counter = shard.counters.entry(bucket.clone()).or_insert(Counter {
            minute,
            current: 0,
            previous: 0,
        });
        counter.roll(minute);
        f(counter, into)
    }

    /// Counts a request against `limit` per minute, unless it would go over the limit.
    pub fn hit(&self, bucket: &Bucket, limit: u32) -> Verdict {
        self.with(bucket, |c, into| {
            let used = c.used(into);
            if used + 1.0 <= limit as f64 {
                c.current += 1;
                Verdict {
                    limit,
                    remaining: (limit as f64 - used - 1.0).floor() as u32,
                    over: false,
                    retry_after: 0,
                }
            } else {
                Verdict {
                    limit,
                    remaining: 0,
                    over: true,
                    retry_after: c.wait_ms(limit, into).div_ceil(1000).max(1),
                }
            }
        })
    }

    /// How `bucket` stands against `limit`, counting nothing.
    pub fn peek(&self, bucket: &Bucket, limit: u32) -> Verdict {
        self.with(bucket, |c, into| {
            let used = c.used(into);
            let over = used + 1.0 > limit as f64;
            Verdict {
                limit,
                remaining: (limit as f64 - used).max(0.0).floor() as u32,
                over,
                retry_after: if over {
                    c.wait_ms(limit, into).div_ceil(1000).max(1)
                } else {
                    0
                },
            }
        })
    }

    /// Counts one event (a failed sign-in) without asking.
    pub fn add(&self, bucket: &Bucket) {
        self.with(bucket, |c, _| c.current += 1);
    }
}

/// What the limiter decided about a request, for its response headers.
pub enum Admission {
    /// Not a limited route, or limits are off.
    Unlimited,
    /// Within the limit, or over it in soft mode (`warned`).
    Allowed { verdict: Verdict, warned: bool },
    /// Over the limit in strict mode: a 429 instead of the endpoint (`what` was too many).
    Refused {
        verdict: Verdict,
        what: &'static str,
    },
}

/// Limited: the API and the careers pages. Health, metrics, the internal cron route, the UI's
/// static files and the docs are not.
fn is_limited(path: &str) -> bool {
    path.starts_with("/api/v1/") || path.starts_with("/careers/")
}

fn is_application(method: &Method, path: &str) -> bool {
    method == Method::POST
        && (path == "/api/v1/careers/apply"
            || (path.starts_with("/careers/") && path.ends_with("/apply")))
}

/// The credential a request carries: the bearer token, else the session cookie.
fn credential(req: &Request) -> Option<&str> {
    if let Some(token) = req
        .headers()
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    {
        return Some(token.trim());
    }
    let cookies = req
        .headers()
        .get(poem::http::header::COOKIE)?
        .to_str()
        .ok()?;
    cookies.split(';').find_map(|c| {
        c.trim()
            .strip_prefix(crate::api::SESSION_COOKIE)?
            .strip_prefix('=')
            .filter(|v| !v.starts_with(API_KEY_PREFIX))
    })
}

/// Decides whether a request may go on. Resolves its credential once (the endpoint reuses it)
/// to know its tier; a credential that does not resolve counts as anonymous.
pub fn admit(
    state: &AppState,
    req: &Request,
    ip: Option<IpAddr>,
) -> (Admission, Option<(String, Identity)>) {
    let path = req.uri().path();
    if !state.config.rate_limit.enabled || !is_limited(path) {
        return (Admission::Unlimited, None);
    }
    let flags = state.flags.get();
    let resolved = credential(req).and_then(|token| {
        crate::auth::identity::resolve(&state.store, &state.tokens, token)
            .ok()
            .map(|identity| (token.to_string(), identity))
    });
    let (bucket, limit) = match &resolved {
        Some((_, identity)) => {
            let tier = Tier::of(identity);
            let bucket = match identity.principal {
                Principal::ApiKey { key_id } => Bucket::Key(key_id),
                Principal::User { .. } => Bucket::Caller(tier, ip),
            };
            (bucket, tier.limit(&flags))
        }
        None => (
            Bucket::Caller(Tier::Person, ip),
            flags.rate_limit_person_rpm,
        ),
    };
    let mut verdict = state.limiter.hit(&bucket, limit);
    if !verdict.over && is_application(req.method(), path) {
        let apply = state.limiter.hit(&Bucket::Apply(ip), APPLY_PER_MINUTE);
        if apply.over {
            // The public forms are limited whatever the mode: they are what bots fill in.
            let what = "applications from your address";
            return (
                Admission::Refused {
                    verdict: apply,
                    what,
                },
                resolved,
            );
        }
    }
    let admission = if !verdict.over {
        Admission::Allowed {
            verdict,
            warned: false,
        }
    } else if flags.rate_limit_strict_mode {
        Admission::Refused {
            verdict,
            what: "requests",
        }
    } else {
        verdict.remaining = 0;
        Admission::Allowed {
            verdict,
            warned: true,
        }
    };
    (admission, resolved)
}

/// The 429 for a caller over `verdict`'s limit.
pub fn too_many(verdict: &Verdict, what: &str) -> Error {
    let mut error = Error::new(
        Code::RateLimited,
        format!(
            "Too many {what}: the limit is {} per minute. Try again in {} seconds.",
            verdict.limit, verdict.retry_after
        ),
    );
    error.retry_after = Some(verdict.retry_after);
    error
}

impl Admission {
    /// Adds `X-RateLimit-Limit`, `X-RateLimit-Remaining` and, in soft mode over the limit,
    /// `X-RateLimit-Warning`.
    pub fn decorate(&self, response: &mut poem::Response) {
        let (verdict, warned) = match self {
            Admission::Unlimited => return,
            Admission::Allowed { verdict, warned } => (verdict, *warned),
            Admission::Refused { verdict, .. } => (verdict, false),
        };
        let headers = response.headers_mut();
        headers.insert("x-ratelimit-limit", HeaderValue::from(verdict.limit));
        headers.insert(
            "x-ratelimit-remaining",
            HeaderValue::from(verdict.remaining),
        );
        if warned {
            let warning = format!(
                "over the limit of {} requests per minute; strict mode would refuse this request",
                verdict.limit
            );
            if let Ok(v) = HeaderValue::from_str(&warning) {
                headers.insert("x-ratelimit-warning", v);
            }
        }
    }
}

/// Sign-in attempts for one email from one address: refused once too many have failed.
pub struct LoginGuard<'a> {
    limiter: Option<&'a Limiter>,
    bucket: Bucket,
}

impl<'a> LoginGuard<'a> {
    /// Refuses (429) while `email` has failed too often from `ip` in the last minute.
    pub fn check(state: &'a AppState, email: &str, ip: Option<IpAddr>) -> Result<Self, Error> {
        let bucket = Bucket::Login(crate::error::normalize_email(email), ip);
        let limiter = state.config.rate_limit.enabled.then_some(&state.limiter);
        if let Some(limiter) = limiter {
            let verdict = limiter.peek(&bucket, LOGIN_FAILURES_PER_MINUTE);
            if verdict.over {
                return Err(too_many(&verdict, "failed sign-ins for this email"));
            }
        }
        Ok(LoginGuard { limiter, bucket })
    }

    pub fn failed(&self) {
        if let Some(limiter) = self.limiter {
            limiter.add(&self.bucket);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_admits_its_limit_then_refuses_with_a_wait() {
        let limiter = Limiter::new();
        let bucket = Bucket::Caller(Tier::Person, None);
        for n in 1..=3 {
            let v = limiter.hit(&bucket, 3);
            assert!(!v.over);
            assert_eq!(v.remaining, 3 - n);
        }
        let v = limiter.hit(&bucket, 3);
        assert!(v.over);
        assert!((1..=120).contains(&v.retry_after), "{v:?}");
        assert!(
            !limiter.hit(&Bucket::Caller(Tier::Company, None), 3).over,
            "tiers are apart"
        );
        assert!(
            !limiter.hit(&bucket, 4).over,
            "a higher limit applies at once"
        );
    }

    #[test]
    fn the_previous_minute_weighs_what_the_window_still_covers() {
        let mut c = Counter {
            minute: 0,
            current: 10,
            previous: 0,
        };
        c.roll(1);
        assert_eq!((c.previous, c.current), (10, 0));
        assert!((c.used(45_000) - 2.5).abs() < 1e-9);
        // 10 in the previous minute, limit 10: one more fits once a tenth of it has passed.
        assert_eq!(c.wait_ms(10, 0), 6_000);
        assert_eq!(c.wait_ms(10, 6_000), 0);
        c.roll(5);
        assert_eq!((c.previous, c.current), (0, 0), "idle minutes forget");
        let full = Counter {
            minute: 0,
            current: 20,
            previous: 0,
        };
        // Over on its own: the rest of this minute, then until 20 × (1 − f) ≤ 9.
        assert_eq!(full.wait_ms(10, 30_000), 30_000 + 33_000);
    }
}
