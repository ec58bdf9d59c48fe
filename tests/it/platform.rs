//! Health, readiness, request ids and problem documents for whatever goes wrong.

use reqwest::Method;
use serde_json::json;

use crate::common::TestServer;

#[tokio::test(flavor = "multi_thread")]
async fn health_and_readiness_answer() {
    let s = TestServer::start().await;
    let r = s.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(r.ok(200), &json!({"status": "ok"}));
    assert!(r.header("x-request-id").is_some_and(|id| !id.is_empty()));
    let r = s.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(r.ok(200)["status"], "ready");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_error_is_a_problem_document_with_the_request_id() {
    let s = TestServer::start().await;
    let r = s.call(Method::GET, "/no/such/route", None, None).await;
    let p = r.problem(404, "not_found");
    assert_eq!(p["request_id"].as_str(), r.header("x-request-id"));

    let r = s
        .call(Method::DELETE, "/api/v1/auth/login", None, None)
        .await;
    r.problem(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("POST"));

    let r = s.call(Method::GET, "/api/v1/users/me", None, None).await;
    r.problem(401, "unauthenticated");

    let raw = reqwest::Client::new()
        .post(s.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    crate::common::reply(raw).await.problem(400, "validation");

    let raw = reqwest::Client::new()
        .post(s.url("/api/v1/auth/register"))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    crate::common::reply(raw)
        .await
        .problem(415, "unsupported_media_type");
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_get_413_declared_or_chunked() {
    let s = TestServer::start().await;
    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(1_100_000));
    let raw = reqwest::Client::new()
        .post(s.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    crate::common::reply(raw)
        .await
        .problem(413, "payload_too_large");

    let stream = futures_stream(big.into_bytes());
    let raw = reqwest::Client::new()
        .post(s.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    crate::common::reply(raw)
        .await
        .problem(413, "payload_too_large");
}

fn futures_stream(
    bytes: Vec<u8>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    tokio_stream::iter(chunks)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_platform_admin_reads_the_instances_health() {
    let s = TestServer::start_with_admin("root@health.test", crate::common::PASSWORD).await;
    let root = s.login("root@health.test", crate::common::PASSWORD).await;
    let org = s.register("lead@health.test", "Health Co").await;
    s.post("/api/v1/jobs", &org.token, json!({"title": "Nurse"}))
        .await
        .ok(201);
    s.get("/api/v1/health", &org.token)
        .await
        .problem(403, "forbidden");
    s.call(Method::GET, "/api/v1/health", None, None)
        .await
        .problem(401, "unauthenticated");

    let r = s.get("/api/v1/health", &root.token).await;
    let h = r.ok(200);
    assert_eq!(h["status"], "ok", "{h}");
    assert_eq!(h["problems"], json!([]));
    assert_eq!(h["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(h["storage"]["backend"], "redb");
    assert_eq!(h["storage"]["ok"], true);
    assert!(h["storage"]["database_bytes"].as_u64().unwrap() > 0);
    assert_eq!(
        h["storage"]["schema_version"],
        hirebase::store::SCHEMA_VERSION
    );
    assert_eq!(h["index"]["backend"], "tantivy");
    assert_eq!(h["mail"]["transport"], "outbox");
    assert_eq!(h["mail"]["failed"], 0);
    assert_eq!(
        h["assistant"],
        json!({"engine": "offline", "endpoint_host": null, "model": null})
    );
    assert_eq!(h["backups"]["count"], 0);
    // The organisation's chain (its registration and its job) and the instance's own.
    assert!(h["audit"]["chains"].as_u64().unwrap() >= 2, "{h}");
    assert!(h["audit"]["entries"].as_u64().unwrap() >= 2, "{h}");
}

async fn public(s: &TestServer, path: String) -> crate::common::Reply {
    s.call(Method::GET, &path, None, None).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suspended_organisation_is_refused_and_hidden_until_resumed() {
    use crate::common::PASSWORD;
    let s = TestServer::start_with_admin("root@suspend.test", PASSWORD).await;
    let root = s.login("root@suspend.test", PASSWORD).await;
    let org = s.register("lead@suspend.test", "Suspend Co").await;
    let other = s.register("lead@fine.test", "Fine Co").await;
    let (_, key) = s.mint_key(&org, "ci", "recruiter", &["jobs:read"]).await;
    let job = s
        .post(
            "/api/v1/jobs",
            &org.token,
            json!({"title": "Welder", "is_public": true}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    public(&s, format!("/api/v1/careers/jobs/{job}"))
        .await
        .ok(200);

    let path = format!("/api/v1/admin/tenants/{}/suspend", org.org_id);
    s.post(&path, &org.token, json!({}))
        .await
        .problem(403, "forbidden");
    s.post(
        "/api/v1/admin/tenants/999999/suspend",
        &root.token,
        json!({}),
    )
    .await
    .problem(404, "not_found");
    let r = s
        .post(&path, &root.token, json!({"reason": "unpaid invoice"}))
        .await;
    assert!(r.ok(200)["suspended_at"].is_string());
    assert_eq!(r.body["suspension_reason"], "unpaid invoice");

    // Sessions, API keys and sign-in are refused with the reason; nothing was deleted.
    let p = s.get("/api/v1/jobs", &org.token).await;
    let p = p.problem(403, "forbidden");
    assert!(
        p["detail"].as_str().unwrap().contains("unpaid invoice"),
        "{p}"
    );
    s.get("/api/v1/jobs", &key).await.problem(403, "forbidden");
    let login = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "lead@suspend.test", "password": PASSWORD})),
        )
        .await;
    login.problem(403, "forbidden");
    // A wrong password says nothing about the organisation.
    let wrong = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "lead@suspend.test", "password": "not-the-password"})),
        )
        .await;
    wrong.problem(401, "unauthenticated");
    public(&s, format!("/api/v1/careers/jobs/{job}"))
        .await
        .problem(404, "not_found");
    let board = public(&s, "/api/v1/careers/jobs".into()).await;
    assert_eq!(board.ok(200)["total"], 0);
    let page = public(&s, "/careers/suspend-co".into()).await;
    assert_eq!(page.status, 404, "the careers page is gone: {}", page.text);
    s.get("/api/v1/jobs", &other.token).await.ok(200);
    let listed = s.get("/api/v1/admin/tenants", &root.token).await;
    let row = listed.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == org.org_id)
        .cloned()
        .unwrap();
    assert!(row["suspended_at"].is_string());
    assert_eq!(row["jobs"], 1);

    // Again: nothing changes. Then resumed: everything is back.
    let again = s.post(&path, &root.token, json!({})).await;
    assert_eq!(again.ok(200)["suspension_reason"], "unpaid invoice");
    let resume = format!("/api/v1/admin/tenants/{}/resume", org.org_id);
    let r = s.post(&resume, &root.token, json!({})).await;
    assert_eq!(r.ok(200)["suspended_at"], serde_json::Value::Null);
    s.get("/api/v1/jobs", &org.token).await.ok(200);
    s.get("/api/v1/jobs", &key).await.ok(200);
    public(&s, format!("/api/v1/careers/jobs/{job}"))
        .await
        .ok(200);
    assert_eq!(
        public(&s, "/api/v1/careers/jobs".into()).await.ok(200)["total"],
        1
    );
    let trail = s.get("/api/v1/audit?type=tenant", &org.token).await;
    let actions: Vec<&str> = trail.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..2],
        ["tenant.resumed", "tenant.suspended"],
        "{actions:?}"
    );
}
