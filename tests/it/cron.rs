//! `POST /internal/cron/{job}`: the shared secret, the job names, and jobs that really run.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;

use hirebase::auth::Role;

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
async fn every_job_runs() {
    let s = with_secret().await;
    let r = cron(&s, "webhook-retries", Some(SECRET)).await;
    assert_eq!(r.ok(200)["details"], json!({"queued": 0}));
    let r = cron(&s, "mail-retries", Some(SECRET)).await;
    assert_eq!(r.ok(200)["details"]["requeued"], 0);
    let r = cron(&s, "digest", Some(SECRET)).await;
    assert_eq!(
        r.ok(200)["details"],
        json!({"organisations": 0, "applicants": 0, "mails": 0})
    );
    // Retention runs (with no organisation having a rule, it erases nothing).
    let r = cron(&s, "retention", Some(SECRET)).await;
    assert_eq!(
        r.ok(200)["details"],
        json!({"organisations": 0, "candidates_erased": 0})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_digest_mails_recruiters_the_new_applicants_once() {
    let s = with_secret().await;
    let admin = s.register("admin@digest.test", "Digest Co").await;
    let recruiter = s
        .seed_member(admin.org_id, "rita@digest.test", Role::Recruiter)
        .await;
    s.seed_member(admin.org_id, "ivan@digest.test", Role::Interviewer)
        .await;
    let other = s.register("admin@quiet.test", "Quiet Co").await;
    let job = |title: &'static str, who: String| {
        let s = &s;
        async move {
            s.post("/api/v1/jobs", &who, json!({"title": title}))
                .await
                .ok(201)["id"]
                .as_u64()
                .unwrap()
        }
    };
    let rust = job("Rust Engineer", recruiter.token.clone()).await;
    let design = job("Product Designer", admin.token.clone()).await;
    let apply = |name: &'static str, job: u64| {
        let s = &s;
        let token = admin.token.clone();
        async move {
            let c = s
                .post("/api/v1/candidates", &token, json!({"full_name": name}))
                .await
                .ok(201)["id"]
                .as_u64()
                .unwrap();
            s.post(
                "/api/v1/applications",
                &token,
                json!({"candidate_id": c, "job_id": job}),
            )
            .await
            .ok(201);
        }
    };
    apply("Ada Lovelace", rust).await;
    apply("Alan Turing", rust).await;
    apply("Grace Hopper", design).await;

    let r = cron(&s, "digest", Some(SECRET)).await;
    assert_eq!(
        r.ok(200)["details"],
        json!({"organisations": 1, "applicants": 3, "mails": 2}),
        "the recruiter and the admin; not the interviewer, not the quiet organisation"
    );
    let mine = &s.mails_to(&admin.token, "rita@digest.test", 1).await[0];
    assert_eq!(mine["kind"], "digest");
    assert_eq!(mine["subject"], "New applicants at Digest Co");
    let text = mine["text"].as_str().unwrap();
    assert!(
        text.contains("3 new applicants since the last digest"),
        "{text}"
    );
    assert!(text.contains("Rust Engineer (your job): 2 new"), "{text}");
    assert!(text.contains("Product Designer: 1 new"), "{text}");
    assert!(
        text.find("Rust Engineer") < text.find("Product Designer"),
        "their own job first: {text}"
    );
    for name in ["Ada Lovelace", "Alan Turing", "Grace Hopper"] {
        assert!(text.contains(name), "{name} in {text}");
    }
    // The admin's other mail is the verification of their registration.
    let theirs = s.mails_to(&admin.token, "admin@digest.test", 2).await;
    let digest = theirs.iter().find(|m| m["kind"] == "digest").unwrap();
    let text = digest["text"].as_str().unwrap();
    assert!(
        text.contains("Product Designer (your job): 1 new"),
        "{text}"
    );
    let quiet = s.mails_to(&other.token, "admin@quiet.test", 1).await;
    assert_eq!(quiet[0]["kind"], "verification");

    // Run again: nothing new, nothing sent; one more applicant: only they are told of.
    let r = cron(&s, "digest", Some(SECRET)).await;
    assert_eq!(r.ok(200)["details"]["mails"], 0);
    apply("Katherine Johnson", design).await;
    let r = cron(&s, "digest", Some(SECRET)).await;
    assert_eq!(r.ok(200)["details"]["applicants"], 1);
    let latest = &s.mails_to(&admin.token, "rita@digest.test", 2).await[0];
    let text = latest["text"].as_str().unwrap();
    assert!(
        text.starts_with("Hello,\n\n1 new applicant since"),
        "{text}"
    );
    assert!(
        text.contains("Katherine Johnson") && !text.contains("Ada Lovelace"),
        "{text}"
    );
}
