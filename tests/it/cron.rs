//! `POST /internal/cron/{job}`: the shared secret, the job names, and jobs that really run.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;

use crate::common::{PASSWORD, TestServer};

const SECRET: &str = "a-long-cron-secret";

async fn with_secret() -> TestServer {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    TestServer::start_in(dir, |c| c.internal.cron_secret = SECRET.into()).await
}

async fn cron(s: &TestServer, job: &str, secret: Option<&str>) -> crate::common::Reply {
    s.call(Method::POST, &format!("/internal/cron/{job}"), secret, None)
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_configured_secret_the_route_does_not_exist() {
    let s = TestServer::start().await;
    for secret in [None, Some(""), Some("anything")] {
        cron(&s, "expire-tokens", secret)
            .await
            .problem(404, "not_found");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_secret_is_required_and_unknown_jobs_are_404() {
    let s = with_secret().await;
    cron(&s, "expire-tokens", None)
        .await
        .problem(401, "unauthenticated");
    cron(&s, "expire-tokens", Some("a-long-cron-secreT"))
        .await
        .problem(401, "unauthenticated");
    let r = cron(&s, "make-coffee", Some(SECRET)).await;
    let p = r.problem(404, "not_found");
    assert!(
        p["detail"].as_str().unwrap().contains("expire-tokens"),
        "{p}"
    );
    let r = s
        .call(
            Method::GET,
            "/internal/cron/expire-tokens",
            Some(SECRET),
            None,
        )
        .await;
    r.problem(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("POST"));
}

#[tokio::test(flavor = "multi_thread")]
async fn expire_tokens_removes_expired_sessions_only() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = TestServer::start_in(dir, |c| {
        c.internal.cron_secret = SECRET.into();
        // The shortest lifetimes the configuration allows.
        c.auth.access_token_ttl_secs = 60;
        c.auth.session_ttl_secs = 60;
    })
    .await;
    let member = s.register("admin@a.example", "Tenant A").await;
    let r = cron(&s, "expire-tokens", Some(SECRET)).await;
    assert_eq!(r.ok(200)["job"], "expire-tokens");
    assert_eq!(
        r.body["details"],
        json!({"sessions_removed": 0, "tokens_removed": 0}),
        "the fresh session and verification link stay: {}",
        r.text
    );
    s.get("/api/v1/users/me", &member.token).await.ok(200);

    // Age every session past its end, as a minute's wait would.
    use hirebase::store::Reader;
    use hirebase::store::tables::SESSIONS;
    let store = s.state.store.clone();
    let n = s
        .state
        .store
        .write(move |tx| {
            let rows: Vec<_> = tx.scan(&SESSIONS, None, 100)?;
            let n = rows.len();
            for ((tenant, id), mut session) in rows {
                session.expires_at = hirebase::time::Timestamp::now().plus_secs(-1);
                tx.put(&SESSIONS, tenant, id, &session)?;
            }
            Ok(n)
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
    let r = cron(&s, "expire-tokens", Some(SECRET)).await;
    assert_eq!(r.ok(200)["details"]["sessions_removed"], 1);
    assert!(r.body["summary"].as_str().unwrap().contains("1 expired"));
    assert_eq!(
        store
            .read()
            .unwrap()
            .scan(&SESSIONS, None, 10)
            .unwrap()
            .len(),
        0
    );
    s.get("/api/v1/users/me", &member.token)
        .await
        .problem(401, "unauthenticated");
    s.login("admin@a.example", PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_run_and_jobs_without_their_domain_say_so() {
    let s = with_secret().await;
    let r = cron(&s, "webhook-retries", Some(SECRET)).await;
    assert_eq!(r.ok(200)["details"], json!({"queued": 0}));
    let r = cron(&s, "mail-retries", Some(SECRET)).await;
    assert_eq!(r.ok(200)["details"]["requeued"], 0);
    let r = cron(&s, "digest", Some(SECRET)).await;
    let p = r.problem(503, "unavailable");
    assert!(
        p["detail"].as_str().unwrap().contains("not available yet"),
        "{p}"
    );
    // Retention runs (with no organisation having a rule, it erases nothing).
    let r = cron(&s, "retention", Some(SECRET)).await;
    assert_eq!(
        r.ok(200)["details"],
        json!({"organisations": 0, "candidates_erased": 0})
    );
}
