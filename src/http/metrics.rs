//! `/metrics`: Prometheus (OpenMetrics text) — requests by route template and status, their
//! latency, and what is measured at each scrape: queues, search index lag, database size,
//! process memory. `prometheus-client` keeps the registry in the app state, not in a global.

use std::sync::atomic::AtomicU64;

use poem::http::Method;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    queue: &'static str,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// What the app measures, and the registry `/metrics` encodes.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Latency,
    queue_depth: Family<QueueLabels, Gauge>,
    index_lag: Gauge,
    db_size: Gauge<u64, AtomicU64>,
    memory: Gauge<u64, AtomicU64>,
}

/// Measured at each scrape.
pub struct Sample {
    pub webhook_queue: u64,
    pub mail_queue: Option<u64>,
    pub index_lag: u64,
    pub db_bytes: u64,
    pub resident_bytes: Option<u64>,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms … 4 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("hirebase");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency: Latency = Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by method and route template",
            Unit::Seconds,
            latency.clone(),
        );
        let queue_depth = Family::<QueueLabels, Gauge>::default();
        registry.register(
            "queue_depth",
            "Messages waiting in a durable outgoing queue (webhook deliveries, mail)",
            queue_depth.clone(),
        );
        let index_lag = Gauge::default();
        registry.register(
            "search_index_lag",
            "Changes committed to the database and not yet in the search index",
            index_lag.clone(),
        );
        let db_size = Gauge::<u64, AtomicU64>::default();
        registry.register_with_unit(
            "database_size",
            "Size of the database file",
            Unit::Bytes,
            db_size.clone(),
        );
        let memory = Gauge::<u64, AtomicU64>::default();
        registry.register_with_unit(
            "process_resident_memory",
            "Resident memory of the process",
            Unit::Bytes,
            memory.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            queue_depth,
            index_lag,
            db_size,
            memory,
        }
    }

    /// Counts an answered request; `route` is the matched template (`None`: no route matched).
    pub fn observe(&self, method: &Method, route: Option<&str>, status: u16, seconds: f64) {
        let route = route.unwrap_or("unmatched").to_string();
        let method = method.as_str().to_string();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.clone(),
                route: route.clone(),
            })
            .observe(seconds);
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    /// The OpenMetrics text of everything, with `sample` as the scrape-time values.
    pub fn render(&self, sample: &Sample) -> String {
        let queue = |queue| self.queue_depth.get_or_create(&QueueLabels { queue });
        queue("webhooks").set(sample.webhook_queue as i64);
        if let Some(mail) = sample.mail_queue {
            queue("mail").set(mail as i64);
        }
        self.index_lag.set(sample.index_lag as i64);
        self.db_size.set(sample.db_bytes);
        if let Some(rss) = sample.resident_bytes {
            self.memory.set(rss);
        }
        let mut out = String::with_capacity(8 * 1024);
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

/// Resident memory of this process (Linux: `/proc/self/statm`).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * page.max(4096) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_template_and_status() {
        let m = Metrics::new();
        m.observe(&Method::GET, Some("/api/v1/jobs/{id}"), 200, 0.002);
        m.observe(&Method::GET, Some("/api/v1/jobs/{id}"), 200, 0.004);
        m.observe(&Method::GET, None, 404, 0.001);
        let text = m.render(&Sample {
            webhook_queue: 3,
            mail_queue: None,
            index_lag: 0,
            db_bytes: 4096,
            resident_bytes: Some(1 << 20),
        });
        assert!(text.contains(
            "hirebase_http_requests_total{method=\"GET\",route=\"/api/v1/jobs/{id}\",status=\"200\"} 2"
        ), "{text}");
        assert!(
            text.contains("route=\"unmatched\",status=\"404\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("hirebase_queue_depth{queue=\"webhooks\"} 3"),
            "{text}"
        );
        assert!(text.contains("hirebase_database_size_bytes 4096"), "{text}");
        assert!(text.ends_with("# EOF\n"));
    }
}
