//! The assistant (DESIGN §4, seed 002's AI tools): seven tools over the organisation's own
//! records. Every tool is answered by a deterministic offline engine ([`tools`]); when
//! `[assistant] endpoint` is set, an OpenAI-compatible endpoint is asked first and the offline
//! answer is the fallback on any failure, which the answer says (`engine`, `fallback_reason`).
//!
//! Each call is accounted to its organisation: tokens in and out (the endpoint's count, or
//! for the offline engine an estimate — [`estimate_tokens`]), priced from the configuration,
//! recorded with the call in one transaction with a monthly total and the audit entry. An
//! organisation whose calendar month (UTC) has used its `monthly_budget_usd` gets 402 and
//! nothing is run or recorded.

pub mod bank;
pub mod endpoint;
pub mod facts;
pub mod tools;

use std::collections::BTreeMap;

use chrono::{Datelike, TimeZone, Utc};
use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use self::endpoint::{Endpoint, json_in, snake_keys};
use self::tools::{Answer, Prepared, Tool};
use super::audit::{self, Action, Actor, Change};
use crate::auth::Identity;
use crate::config::AssistantConfig;
use crate::error::{Code, Error, Result};
use crate::store::tables::{ASSISTANT_CALLS, ASSISTANT_MONTHS};
use crate::store::{Reader, Store};
use crate::time::Timestamp;

named_enum! {
    /// Which engine wrote an answer.
    pub enum Engine {
        /// The built-in deterministic engine.
        Offline = "offline",
        /// The configured OpenAI-compatible endpoint.
        Endpoint = "endpoint",
    }
}

/// The assistant as the app holds it: the endpoint (when configured) and the prices.
pub struct Assistant {
    endpoint: Option<Endpoint>,
    input_usd_per_1k: f64,
    output_usd_per_1k: f64,
}

/// Nano-dollars per dollar: costs are summed as integers so totals stay exact.
const NANO: f64 = 1e9;

impl Assistant {
    pub fn new(config: &AssistantConfig) -> anyhow::Result<Assistant> {
        Ok(Assistant {
            endpoint: Endpoint::from_config(config)?,
            input_usd_per_1k: config.input_usd_per_1k_tokens,
            output_usd_per_1k: config.output_usd_per_1k_tokens,
        })
    }

    /// The engine tools try first.
    pub fn engine(&self) -> Engine {
        if self.endpoint.is_some() {
            Engine::Endpoint
        } else {
            Engine::Offline
        }
    }

    /// The cost of tokens in nano-dollars.
    fn cost_nano(&self, input: u64, output: u64) -> u64 {
        let usd = input as f64 / 1000.0 * self.input_usd_per_1k
            + output as f64 / 1000.0 * self.output_usd_per_1k;
        (usd * NANO).round() as u64
    }
}

/// The offline engine's token count: about four characters a token, the usual rule of thumb
/// for English text with OpenAI-style tokenizers (rounded up; anything non-empty is ≥ 1).
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// The tokens and cost of one call.
#[derive(Debug, Clone, Object, Serialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: f64,
}

/// One call as recorded (for spend reports and the export).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssistantCall {
    pub id: u64,
    pub org_id: u64,
    pub tool: Tool,
    pub engine: Engine,
    pub model: Option<String>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_nano_usd: u64,
    pub fallback_reason: Option<String>,
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
    pub actor: String,
    pub at: Timestamp,
}

/// Totals of calls (one tool's, or all of them).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Totals {
    pub calls: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_nano_usd: u64,
}

impl Totals {
    fn add(&mut self, call: &AssistantCall) {
        self.calls += 1;
        self.input_tokens += call.input_tokens;
        self.output_tokens += call.output_tokens;
        self.cost_nano_usd += call.cost_nano_usd;
    }

    fn merge(&mut self, other: &Totals) {
        self.calls += other.calls;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cost_nano_usd += other.cost_nano_usd;
    }
}

/// An organisation's calls of one calendar month, kept with every call: the budget check
/// reads one row.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MonthSpend {
    pub all: Totals,
    pub by_tool: BTreeMap<String, Totals>,
    pub by_engine: BTreeMap<String, u64>,
}

/// `2026-12` as a key: 202612.
fn month_key(t: Timestamp) -> u64 {
    (t.0.year() as u64) * 100 + t.0.month() as u64
}

/// The first instant of the month after `t`'s.
fn next_month(t: Timestamp) -> Timestamp {
    let (y, m) = (t.0.year(), t.0.month());
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    Timestamp(
        Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0)
            .single()
            .unwrap_or(t.0),
    )
}

fn usd(nano: u64) -> f64 {
    // Whole nano-dollars, shown to the micro-dollar.
    (nano as f64 / 1000.0).round() / 1e6
}

/// Where an answer came from: the tool, the recorded call, which engine wrote it (and why not
/// the endpoint, when it fell back), the call's tokens and cost.
#[derive(Debug, Clone, Object)]
pub struct Provenance {
    pub tool: Tool,
    /// The recorded call (its tokens and cost count in `/assistant/spend`).
    pub call_id: u64,
    /// `endpoint` when the configured endpoint answered; `offline` otherwise.
    pub engine: Engine,
    pub model: Option<String>,
    /// Why the endpoint's answer was not used, when it was tried and failed.
    pub fallback_reason: Option<String>,
    pub usage: Usage,
}

/// A tool's result and where it came from.
pub struct Answered<A> {
    pub about: Provenance,
    pub result: A,
}

/// Refuses a call when the organisation's month has used its budget (402).
pub fn check_budget(rx: &impl Reader, tenant: u64, now: Timestamp) -> Result<()> {
    let t = super::tenants::load(rx, tenant)?;
    let Some(budget) = t.monthly_budget_usd else {
        return Ok(());
    };
    let spent = rx
        .get(&ASSISTANT_MONTHS, tenant, month_key(now))?
        .map(|m| m.all.cost_nano_usd)
        .unwrap_or(0);
    if spent as f64 >= budget * NANO {
        return Err(Error::new(
            Code::BudgetExceeded,
            format!(
                "The assistant's monthly budget of ${budget:.2} is used up (${:.2} spent in {}). \
                 It renews on {}; an org admin can raise `monthly_budget_usd` on /tenants/me.",
                usd(spent),
                now.0.format("%B %Y"),
                next_month(now).0.format("%Y-%m-%d"),
            ),
        ));
    }
    Ok(())
}

/// Runs a tool: checks the budget, gathers the facts (`gather`, on the blocking pool), asks
/// the endpoint when there is one (falling back to the offline answer), records the call.
pub async fn run<A, F>(
    assistant: &Assistant,
    store: &Store,
    who: &Identity,
    gather: F,
) -> Result<Answered<A>>
where
    A: Answer + Clone + Send + 'static,
    F: FnOnce(&crate::store::Rx, u64) -> Result<Prepared<A>> + Send + 'static,
{
    let tenant = who.tenant_id;
    let reader = store.clone();
    let (prepared, company) = tokio::task::spawn_blocking(move || {
        let rx = reader.read()?;
        check_budget(&rx, tenant, Timestamp::now())?;
        let prepared = gather(&rx, tenant)?;
        let company = super::tenants::load(&rx, tenant)?.name;
        Ok::<_, Error>((prepared, company))
    })
    .await
    .map_err(Error::internal)??;
    let Prepared {
        tool,
        facts,
        offline,
        candidate_id,
        job_id,
    } = prepared;
    let system = format!(
        "You are the recruiting assistant of {company}. Use only the facts you are given; never \
         invent names, numbers or dates. Answer with one JSON object and nothing else, with these \
         fields: {}.",
        A::FIELDS
    );
    let offline_json = serde_json::to_string(&offline).expect("answers serialize");
    let user = format!(
        "Task: {}.\nFacts:\n{}\nA first draft from the built-in engine, which you may improve:\n{}",
        tool.as_str().replace('_', " "),
        serde_json::to_string_pretty(&facts).expect("facts serialize"),
        offline_json
    );
    let estimate_in = estimate_tokens(&system) + estimate_tokens(&user);
    let (engine, model, fallback_reason, result, input_tokens, output_tokens) = match &assistant
        .endpoint
    {
        None => (
            Engine::Offline,
            None,
            None,
            offline,
            estimate_in,
            estimate_tokens(&offline_json),
        ),
        Some(endpoint) => match endpoint.complete(&system, &user).await {
            Ok(done) => {
                let billed_in = done.input_tokens.unwrap_or(estimate_in);
                let billed_out = done
                    .output_tokens
                    .unwrap_or_else(|| estimate_tokens(&done.content));
                let model = done
                    .model
                    .clone()
                    .or_else(|| (!endpoint.model.is_empty()).then(|| endpoint.model.clone()));
                let merged = json_in(&done.content)
                    .map(snake_keys)
                    .ok_or_else(|| "the endpoint's message holds no JSON object".to_string())
                    .and_then(|reply| offline.clone().merge(&reply));
                match merged {
                    Ok(result) => (Engine::Endpoint, model, None, result, billed_in, billed_out),
                    Err(reason) => {
                        tracing::warn!(
                            tool = tool.as_str(),
                            "assistant endpoint answer unusable: {reason}"
                        );
                        (
                            Engine::Offline,
                            model,
                            Some(reason),
                            offline,
                            billed_in,
                            billed_out,
                        )
                    }
                }
            }
            Err(failure) => {
                tracing::warn!(
                    tool = tool.as_str(),
                    "assistant endpoint failed: {}",
                    failure.reason
                );
                let (i, o) = failure
                    .billed
                    .unwrap_or((estimate_in, estimate_tokens(&offline_json)));
                (Engine::Offline, None, Some(failure.reason), offline, i, o)
            }
        },
    };
    let cost = assistant.cost_nano(input_tokens, output_tokens);
    let mut call = AssistantCall {
        id: 0,
        org_id: tenant,
        tool,
        engine,
        model: model.clone(),
        input_tokens,
        output_tokens,
        cost_nano_usd: cost,
        fallback_reason: fallback_reason.clone(),
        candidate_id,
        job_id,
        actor: who.actor.clone(),
        at: Timestamp::now(),
    };
    let actor = Actor::of(who);
    let call = store
        .write(move |tx| {
            call.id = tx.next_id()?;
            tx.put(&ASSISTANT_CALLS, tenant, call.id, &call)?;
            let key = month_key(call.at);
            let mut month = tx.get(&ASSISTANT_MONTHS, tenant, key)?.unwrap_or_default();
            month.all.add(&call);
            month
                .by_tool
                .entry(call.tool.as_str().to_string())
                .or_default()
                .add(&call);
            *month
                .by_engine
                .entry(call.engine.as_str().to_string())
                .or_default() += 1;
            tx.put(&ASSISTANT_MONTHS, tenant, key, &month)?;
            let summary = format!(
                "Ran the assistant's {} tool ({} engine, {} tokens)",
                call.tool.as_str().replace('_', " "),
                call.engine,
                call.input_tokens + call.output_tokens
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::AssistantCalled, call.id, summary).with(serde_json::json!({
                    "tool": call.tool, "engine": call.engine, "model": call.model,
                    "input_tokens": call.input_tokens, "output_tokens": call.output_tokens,
                    "cost_usd": usd(call.cost_nano_usd), "fallback_reason": call.fallback_reason,
                    "candidate_id": call.candidate_id, "job_id": call.job_id,
                })),
            )?;
            Ok(call)
        })
        .await?;
    Ok(Answered {
        about: Provenance {
            tool,
            call_id: call.id,
            engine,
            model,
            fallback_reason,
            usage: Usage {
                input_tokens,
                output_tokens,
                cost_usd: usd(cost),
            },
        },
        result,
    })
}

named_enum! {
    /// How far back a spend report reaches.
    pub enum Window {
        Day = "24h",
        Week = "7d",
        Month = "30d",
        All = "all",
    }
}

impl Window {
    fn seconds(self) -> Option<i64> {
        match self {
            Window::Day => Some(86_400),
            Window::Week => Some(7 * 86_400),
            Window::Month => Some(30 * 86_400),
            Window::All => None,
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct ToolSpend {
    pub tool: Tool,
    pub calls: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: f64,
}

/// This calendar month against the budget.
#[derive(Debug, Clone, Object)]
pub struct MonthBudget {
    /// `2026-12`.
    pub month: String,
    pub cost_usd: f64,
    pub budget_usd: Option<f64>,
    pub remaining_usd: Option<f64>,
    /// When the month's spend starts again from 0.
    pub resets_at: Timestamp,
}

/// `GET /assistant/spend`.
#[derive(Debug, Clone, Object)]
pub struct Spend {
    pub window: Window,
    /// The start of the window (`null` for `all`).
    pub since: Option<Timestamp>,
    pub calls: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub total_tokens: u64,
    pub cost_usd: f64,
    /// Calls answered by each engine.
    pub offline_calls: u64,
    pub endpoint_calls: u64,
    pub by_tool: Vec<ToolSpend>,
    pub month: MonthBudget,
    /// The engine tools try first, and the prices in force.
    pub engine: Engine,
    pub input_usd_per_1k_tokens: f64,
    pub output_usd_per_1k_tokens: f64,
}

/// Reads the calls of the window: the monthly totals for `all`, else the calls themselves,
/// newest first until the window's start.
pub fn spend(assistant: &Assistant, store: &Store, tenant: u64, window: Window) -> Result<Spend> {
    let rx = store.read()?;
    let now = Timestamp::now();
    let since = window.seconds().map(|s| now.plus_secs(-s));
    let mut all = Totals::default();
    let mut by_tool: BTreeMap<String, Totals> = BTreeMap::new();
    let mut by_engine: BTreeMap<String, u64> = BTreeMap::new();
    match since {
        None => {
            for month in rx.list(&ASSISTANT_MONTHS, tenant, 0, usize::MAX)? {
                all.merge(&month.all);
                for (tool, t) in &month.by_tool {
                    by_tool.entry(tool.clone()).or_default().merge(t);
                }
                for (engine, n) in &month.by_engine {
                    *by_engine.entry(engine.clone()).or_default() += n;
                }
            }
        }
        Some(since) => {
            let mut before = None;
            'pages: loop {
                let (page, more) = rx.page_before(&ASSISTANT_CALLS, tenant, before, 500)?;
                for (id, call) in &page {
                    if call.at < since {
                        break 'pages;
                    }
                    all.add(call);
                    by_tool
                        .entry(call.tool.as_str().to_string())
                        .or_default()
                        .add(call);
                    *by_engine
                        .entry(call.engine.as_str().to_string())
                        .or_default() += 1;
                    before = Some(*id);
                }
                if !more {
                    break;
                }
            }
        }
    }
    let budget = super::tenants::load(&rx, tenant)?.monthly_budget_usd;
    let this_month = rx
        .get(&ASSISTANT_MONTHS, tenant, month_key(now))?
        .map(|m| m.all.cost_nano_usd)
        .unwrap_or(0);
    let month_cost = usd(this_month);
    Ok(Spend {
        window,
        since,
        calls: all.calls,
        input_tokens: all.input_tokens,
        output_tokens: all.output_tokens,
        total_tokens: all.input_tokens + all.output_tokens,
        cost_usd: usd(all.cost_nano_usd),
        offline_calls: by_engine.get("offline").copied().unwrap_or(0),
        endpoint_calls: by_engine.get("endpoint").copied().unwrap_or(0),
        by_tool: Tool::ALL
            .iter()
            .filter_map(|tool| {
                by_tool.get(tool.as_str()).map(|t| ToolSpend {
                    tool: *tool,
                    calls: t.calls,
                    input_tokens: t.input_tokens,
                    output_tokens: t.output_tokens,
                    cost_usd: usd(t.cost_nano_usd),
                })
            })
            .collect(),
        month: MonthBudget {
            month: now.0.format("%Y-%m").to_string(),
            cost_usd: month_cost,
            budget_usd: budget,
            remaining_usd: budget.map(|b| ((b - month_cost) * 1e6).round().max(0.0) / 1e6),
            resets_at: next_month(now),
        },
        engine: assistant.engine(),
        input_usd_per_1k_tokens: assistant.input_usd_per_1k,
        output_usd_per_1k_tokens: assistant.output_usd_per_1k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_estimated_at_four_characters() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abc"), 1);
        assert_eq!(estimate_tokens("abcdefgh"), 2);
        assert_eq!(estimate_tokens("abcdefghi"), 3);
    }

    #[test]
    fn costs_are_priced_per_thousand_tokens() {
        let a = Assistant {
            endpoint: None,
            input_usd_per_1k: 0.5,
            output_usd_per_1k: 1.5,
        };
        assert_eq!(a.cost_nano(1000, 0), 500_000_000);
        assert_eq!(a.cost_nano(120, 40), 120_000_000);
        assert_eq!(usd(a.cost_nano(120, 40)), 0.12);
    }

    #[test]
    fn months_roll_over() {
        let t = Timestamp::parse("2026-12-31T23:59:59Z").unwrap();
        assert_eq!(month_key(t), 202612);
        assert_eq!(next_month(t).to_string(), "2027-01-01T00:00:00Z");
    }
}
