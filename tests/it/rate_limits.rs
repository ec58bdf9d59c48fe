//! Rate limits: a sliding minute per role tier and client address (API keys per key), limits
//! and mode from the feature flags at once, 429 + `Retry-After` in strict mode, a warning in
//! soft mode, health and metrics never limited, sign-in failures limited per (email, address),
//! the public application form per address. The other tests run with limits off.

use std::net::IpAddr;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Member, PASSWORD, Reply, TestServer};

const ROOT: &str = "root@platform.example";

/// A server with limits on and a signed-in platform admin.
async fn limited() -> (TestServer, Member) {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = TestServer::start_in(dir, |c| c.rate_limit.enabled = true).await;
    hirebase::domain::users::create_platform_admin(
        &s.state.store,
        &s.state.passwords,
        ROOT,
        PASSWORD,
    )
    .await
    .unwrap();
    let root = s.login(ROOT, PASSWORD).await;
    (s, root)
}

async fn set_flags(s: &TestServer, root: &Member, flags: Value) {
    s.patch("/api/v1/admin/flags", &root.token, flags)
        .await
        .ok(200);
}

/// A client whose requests come from `ip` (any 127.x address reaches the server).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

fn limit_headers(r: &Reply) -> (u32, u32) {
    let n = |name| {
        r.header(name)
            .unwrap_or_else(|| panic!("no {name} on {} {}", r.status, r.text))
            .parse::<u32>()
            .unwrap()
    };
    (n("x-ratelimit-limit"), n("x-ratelimit-remaining"))
}

async fn anonymous(s: &TestServer, client: &reqwest::Client, path: &str) -> Reply {
    s.send(client.get(s.url(path))).await
}

#[tokio::test(flavor = "multi_thread")]
async fn strict_mode_refuses_past_the_limit_and_soft_mode_warns() {
    let (s, root) = limited().await;
    set_flags(&s, &root, json!({"rate_limit_person_rpm": 5})).await;
    let client = client_from("127.0.0.2");
    let mut remaining = Vec::new();
    let refused = loop {
        let r = anonymous(&s, &client, "/api/v1/careers/jobs").await;
        if r.status == 429 {
            break r;
        }
        assert_eq!(r.ok(200)["total"], 0);
        let (limit, left) = limit_headers(&r);
        assert_eq!(limit, 5);
        remaining.push(left);
        assert!(remaining.len() <= 5, "never refused: {remaining:?}");
    };
    assert_eq!(remaining, [4, 3, 2, 1, 0]);
    let p = refused.problem(429, "rate_limited");
    assert!(
        p["detail"].as_str().unwrap().contains("5 per minute"),
        "{p}"
    );
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    // Five in this minute: the window must slide past part of them (at most 72 s).
    assert!((1..=72).contains(&wait), "Retry-After {wait}");
    assert_eq!(limit_headers(&refused), (5, 0));

    // Health, readiness and metrics are never limited, nor counted.
    for path in ["/healthz", "/readyz", "/metrics"] {
        let r = anonymous(&s, &client, path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert!(r.header("x-ratelimit-limit").is_none(), "{path}");
    }
    // Another address has a window of its own.
    let r = anonymous(&s, &client_from("127.0.0.3"), "/api/v1/careers/jobs").await;
    assert_eq!(limit_headers(&r), (5, 4));

    // Soft mode: allowed, with a warning; the change applies to the very next request.
    set_flags(&s, &root, json!({"rate_limit_strict_mode": false})).await;
    let r = anonymous(&s, &client, "/api/v1/careers/jobs").await;
    r.ok(200);
    assert_eq!(limit_headers(&r), (5, 0));
    assert!(
        r.header("x-ratelimit-warning")
            .is_some_and(|w| w.contains("5 requests per minute")),
        "{:?}",
        r.headers
    );
    // A higher limit: room again, no warning.
    set_flags(
        &s,
        &root,
        json!({"rate_limit_strict_mode": true, "rate_limit_person_rpm": 50}),
    )
    .await;
    let r = anonymous(&s, &client, "/api/v1/careers/jobs").await;
    r.ok(200);
    assert!(r.header("x-ratelimit-warning").is_none());
    assert_eq!(limit_headers(&r).0, 50);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_tier_has_its_own_limit_and_keys_are_limited_per_key() {
    let (s, root) = limited().await;
    let org = s.register("admin@a.example", "Tenant A").await;
    let (_, key_a) = s.mint_key(&org, "a", "org_admin", &["tenant:read"]).await;
    let (_, key_b) = s.mint_key(&org, "b", "org_admin", &["tenant:read"]).await;
    set_flags(
        &s,
        &root,
        json!({"rate_limit_company_rpm": 4, "rate_limit_key_rpm": 2, "rate_limit_admin_rpm": 7}),
    )
    .await;
    let r = s.get("/api/v1/tenants/me", &org.token).await;
    r.ok(200);
    assert_eq!(limit_headers(&r).0, 4, "org members: the company tier");
    let r = s.get("/api/v1/admin/flags", &root.token).await;
    r.ok(200);
    assert_eq!(limit_headers(&r).0, 7, "the platform admin's tier");

    for _ in 0..2 {
        s.get("/api/v1/tenants/me", &key_a).await.ok(200);
    }
    let r = s.get("/api/v1/tenants/me", &key_a).await;
    r.problem(429, "rate_limited");
    assert_eq!(limit_headers(&r), (2, 0));
    // The other key, and the org admin's session on the same address, are unaffected.
    let r = s.get("/api/v1/tenants/me", &key_b).await;
    assert_eq!(limit_headers(r_ok(&r)), (2, 1));
    let r = s.get("/api/v1/tenants/me", &org.token).await;
    assert_eq!(limit_headers(r_ok(&r)).0, 4);
    // A bad credential counts as anonymous: the person tier, and still 401.
    let r = s.get("/api/v1/tenants/me", "not-a-token").await;
    r.problem(401, "unauthenticated");
    assert_eq!(limit_headers(&r).0, 60);
}

fn r_ok(r: &Reply) -> &Reply {
    r.ok(200);
    r
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_sign_ins_are_limited_per_email_and_address() {
    let (s, _) = limited().await;
    s.register("victim@a.example", "Tenant A").await;
    let attacker = client_from("127.0.0.4");
    let login = |client: &reqwest::Client, email: &str, password: &str| {
        client
            .post(s.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
    };
    for _ in 0..10 {
        s.send(login(&attacker, "victim@a.example", "wrong password"))
            .await
            .problem(401, "unauthenticated");
    }
    let r = s
        .send(login(&attacker, "victim@a.example", "wrong password"))
        .await;
    r.problem(429, "rate_limited");
    assert!(r.header("retry-after").is_some());
    // Even the right password waits, from that address...
    s.send(login(&attacker, "Victim@A.example", PASSWORD))
        .await
        .problem(429, "rate_limited");
    // ...but the real user elsewhere signs in, and other emails from that address still may try.
    s.send(login(
        &client_from("127.0.0.5"),
        "victim@a.example",
        PASSWORD,
    ))
    .await
    .ok(200);
    s.send(login(&attacker, "other@a.example", "wrong password"))
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_public_application_form_is_limited_per_address() {
    let (s, _) = limited().await;
    let bot = client_from("127.0.0.6");
    let apply = |client: &reqwest::Client, n: usize| {
        client.post(s.url("/api/v1/careers/apply")).json(&json!({
            "job_id": 999_999, "full_name": "Bot", "email": format!("bot{n}@spam.example")
        }))
    };
    for n in 0..10 {
        s.send(apply(&bot, n)).await.problem(404, "not_found");
    }
    let r = s.send(apply(&bot, 10)).await;
    let p = r.problem(429, "rate_limited");
    assert!(
        p["detail"].as_str().unwrap().contains("applications"),
        "{p}"
    );
    // Reading the careers pages from that address is still within its tier.
    anonymous(&s, &bot, "/api/v1/careers/jobs").await.ok(200);
    s.send(apply(&client_from("127.0.0.7"), 11))
        .await
        .problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn limits_off_send_no_headers() {
    let s = TestServer::start().await;
    let r = s
        .call(Method::GET, "/api/v1/careers/jobs", None, None)
        .await;
    r.ok(200);
    assert!(r.header("x-ratelimit-limit").is_none());
}
