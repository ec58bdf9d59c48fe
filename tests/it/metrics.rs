//! `/metrics`: Prometheus text with requests by route template and status, latency, queue
//! depth, search index lag, database size and memory.

use reqwest::Method;
use serde_json::json;

use crate::common::{TestServer, eventually};

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_requests_by_route_template_and_status() {
    let s = TestServer::start().await;
    let org = s.register("admin@a.example", "Tenant A").await;
    let r = s
        .post(
            "/api/v1/jobs",
            &org.token,
            json!({"title": "Welder", "description": "Welds."}),
        )
        .await;
    let id = r.ok(201)["id"].as_u64().unwrap();
    for _ in 0..3 {
        s.get(&format!("/api/v1/jobs/{id}"), &org.token)
            .await
            .ok(200);
    }
    s.get("/api/v1/jobs/999999", &org.token)
        .await
        .problem(404, "not_found");
    s.call(Method::GET, "/no/such/page", None, None).await;

    let r = s.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/openmetrics-text")),
        "{:?}",
        r.headers
    );
    let text = &r.text;
    let series = |route: &str, status: u16| {
        format!(
            "hirebase_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"{status}\"}}"
        )
    };
    assert_eq!(
        value(text, &series("/api/v1/jobs/{job_id}", 200)),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        value(text, &series("/api/v1/jobs/{job_id}", 404)),
        Some(1.0),
        "{text}"
    );
    assert_eq!(value(text, &series("unmatched", 404)), Some(1.0), "{text}");
    assert!(
        text.contains("hirebase_http_request_duration_seconds_bucket{le=\"+Inf\",method=\"GET\",route=\"/api/v1/jobs/{job_id}\"} 4")
            || text.contains("hirebase_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/jobs/{job_id}\"} 4"),
        "{text}"
    );
    assert_eq!(
        value(text, "hirebase_queue_depth{queue=\"webhooks\"}"),
        Some(0.0)
    );
    assert!(value(text, "hirebase_search_index_lag").is_some(), "{text}");
    assert!(value(text, "hirebase_database_size_bytes").is_some_and(|b| b > 0.0));
    assert!(
        value(text, "hirebase_process_resident_memory_bytes").is_some_and(|b| b > 1e6),
        "{text}"
    );
    assert!(text.ends_with("# EOF\n"));

    // The index catches up: its lag returns to 0.
    eventually("the search index has caught up", || async {
        let r = s.call(Method::GET, "/metrics", None, None).await;
        value(&r.text, "hirebase_search_index_lag") == Some(0.0)
    })
    .await;
}
