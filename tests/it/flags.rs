//! Feature flags: `/admin/flags` for the platform admin only, typed and validated, audited,
//! in force at once and kept across restarts.

use reqwest::Method;
use serde_json::json;

use crate::common::{PASSWORD, TestServer};

const ROOT: &str = "root@platform.example";

fn defaults() -> serde_json::Value {
    json!({
        "rate_limit_admin_rpm": 300,
        "rate_limit_company_rpm": 120,
        "rate_limit_person_rpm": 60,
        "rate_limit_key_rpm": 600,
        "rate_limit_strict_mode": true,
        "registration_open": true,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn flags_are_for_the_platform_admin_only() {
    let s = TestServer::start_with_admin(ROOT, PASSWORD).await;
    let org = s.register("admin@a.example", "Tenant A").await;
    let (_, key) = s
        .mint_key(&org, "all", "org_admin", &["tenant:read", "tenant:write"])
        .await;
    for token in [&org.token, &key] {
        s.get("/api/v1/admin/flags", token)
            .await
            .problem(403, "forbidden");
        let r = s
            .patch(
                "/api/v1/admin/flags",
                token,
                json!({"registration_open": false}),
            )
            .await;
        r.problem(403, "forbidden");
    }
    s.call(Method::GET, "/api/v1/admin/flags", None, None)
        .await
        .problem(401, "unauthenticated");
    let root = s.login(ROOT, PASSWORD).await;
    let r = s.get("/api/v1/admin/flags", &root.token).await;
    assert_eq!(r.ok(200), &json!({"flags": defaults()}), "nothing changed");
}

#[tokio::test(flavor = "multi_thread")]
async fn defaults_come_from_the_rate_limit_configuration() {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let s = TestServer::start_in(dir, |c| {
        c.rate_limit.person_rpm = 7;
        c.rate_limit.strict = false;
    })
    .await;
    let flags = s.state.flags.get();
    assert_eq!(flags.rate_limit_person_rpm, 7);
    assert!(!flags.rate_limit_strict_mode);
    assert_eq!(flags.rate_limit_company_rpm, 120);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_changes_are_refused_whole() {
    let s = TestServer::start_with_admin(ROOT, PASSWORD).await;
    let root = s.login(ROOT, PASSWORD).await;
    for (body, field) in [
        (json!({"no_such_flag": true}), "no_such_flag"),
        (
            json!({"registration_open": false, "rate_limit_person_rpm": "many"}),
            "rate_limit_person_rpm",
        ),
        (
            json!({"registration_open": false, "rate_limit_strict_mode": 1}),
            "rate_limit_strict_mode",
        ),
        (
            json!({"registration_open": false, "rate_limit_key_rpm": 0}),
            "rate_limit_key_rpm",
        ),
        (
            json!({"rate_limit_admin_rpm": 1_000_001}),
            "rate_limit_admin_rpm",
        ),
        (json!(["registration_open"]), ""),
    ] {
        let r = s
            .patch("/api/v1/admin/flags", &root.token, body.clone())
            .await;
        let p = r.problem(400, "validation");
        assert!(
            p.to_string().contains(field),
            "{body} should name {field}: {}",
            r.text
        );
    }
    let r = s.get("/api/v1/admin/flags", &root.token).await;
    assert_eq!(r.ok(200)["flags"], defaults(), "no bad change left a trace");
    let r = s.get("/api/v1/audit?type=flags", &root.token).await;
    assert_eq!(r.ok(200)["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_take_effect_at_once_are_audited_and_survive_a_restart() {
    let s = TestServer::start_with_admin(ROOT, PASSWORD).await;
    let root = s.login(ROOT, PASSWORD).await;
    let r = s
        .patch(
            "/api/v1/admin/flags",
            &root.token,
            json!({"registration_open": false, "rate_limit_person_rpm": 30}),
        )
        .await;
    let mut expected = defaults();
    expected["registration_open"] = json!(false);
    expected["rate_limit_person_rpm"] = json!(30);
    assert_eq!(r.ok(200), &json!({"flags": expected}));

    // In force at once: registration is closed.
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "new@org.example", "password": PASSWORD, "org_name": "New"})),
        )
        .await;
    let p = r.problem(403, "forbidden");
    assert!(p["detail"].as_str().unwrap().contains("closed"), "{p}");

    // Audited in the instance's trail, naming before and after.
    let r = s.get("/api/v1/audit?type=flags.changed", &root.token).await;
    let items = r.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{}", r.text);
    assert_eq!(items[0]["actor"], ROOT);
    let details: serde_json::Value =
        serde_json::from_str(items[0]["details"].as_str().unwrap()).unwrap();
    assert_eq!(
        details["changed"],
        json!({
            "rate_limit_person_rpm": {"from": 60, "to": 30},
            "registration_open": {"from": true, "to": false},
        })
    );
    // A change to the same values records nothing more.
    s.patch(
        "/api/v1/admin/flags",
        &root.token,
        json!({"registration_open": false}),
    )
    .await
    .ok(200);
    let r = s.get("/api/v1/audit?type=flags.changed", &root.token).await;
    assert_eq!(r.ok(200)["items"].as_array().unwrap().len(), 1);

    // Kept across a restart.
    let dir = s.stop().await;
    let s = TestServer::start_in(dir, |_| {}).await;
    let root = s.login(ROOT, PASSWORD).await;
    let r = s.get("/api/v1/admin/flags", &root.token).await;
    assert_eq!(r.ok(200)["flags"], expected);

    // `null` returns a flag to its default; registration opens again.
    let r = s
        .patch(
            "/api/v1/admin/flags",
            &root.token,
            json!({"registration_open": null, "rate_limit_person_rpm": null}),
        )
        .await;
    assert_eq!(r.ok(200)["flags"], defaults());
    s.register("new@org.example", "New").await;
}
