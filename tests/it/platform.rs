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
