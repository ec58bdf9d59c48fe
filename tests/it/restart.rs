//! A graceful stop and a start on the same data dir keep every credential and record.

use hirebase::App;
use reqwest::Method;
use serde_json::json;

use crate::common::{PASSWORD, TestServer, session_cookie, test_config};

#[tokio::test(flavor = "multi_thread")]
async fn credentials_and_records_survive_a_restart() {
    let s = TestServer::start().await;
    let admin = s.register("keep@restart.example", "Restart Org").await;
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "keep@restart.example", "password": PASSWORD})),
        )
        .await;
    let token = r.ok(200)["access_token"].as_str().unwrap().to_string();
    let cookie = session_cookie(&r);
    let ended = s.login("keep@restart.example", PASSWORD).await;
    s.call(
        Method::POST,
        "/api/v1/auth/logout",
        Some(&ended.token),
        None,
    )
    .await
    .ok(204);
    let (key, raw) = s
        .mint_key(&admin, "survivor", "recruiter", &["team:read"])
        .await;
    let (dead_key, dead_raw) = s
        .mint_key(&admin, "revoked", "recruiter", &["team:read"])
        .await;
    s.delete(
        &format!("/api/v1/api-keys/{}", dead_key["id"]),
        &admin.token,
    )
    .await
    .ok(200);
    for _ in 0..3 {
        s.get("/api/v1/team", &raw).await.ok(200);
    }
    let secret_path = s.data_dir().join("signing.key");
    let secret = std::fs::read(&secret_path).unwrap();

    let dir = s.stop().await;
    let s = TestServer::start_in(dir, |_| {}).await;

    assert_eq!(
        std::fs::read(&secret_path).unwrap(),
        secret,
        "the signing secret is reused, not regenerated"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret_path)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "signing.key must be private, is {:o}",
            mode & 0o777
        );
    }

    // Uses queued before the stop were flushed by it: no waiting needed.
    let id = key["id"].as_u64().unwrap();
    let r = s
        .get(&format!("/api/v1/api-keys/{id}/usage"), &admin.token)
        .await;
    assert_eq!(
        r.ok(200)["items"].as_array().unwrap().len(),
        3,
        "{}",
        r.text
    );

    let r = s.get("/api/v1/users/me", &token).await;
    assert_eq!(r.ok(200)["email"], "keep@restart.example");
    let with_cookie = reqwest::Client::new()
        .get(s.url("/api/v1/users/me"))
        .header("cookie", format!("hb_session={cookie}"));
    assert_eq!(
        s.send(with_cookie).await.ok(200)["id"].as_u64(),
        Some(admin.user_id)
    );
    let r = s.get("/api/v1/team", &raw).await;
    assert_eq!(r.ok(200)["total"], 1);
    assert_eq!(r.body["items"][0]["email"], "keep@restart.example");
    let r = s.get("/api/v1/tenants/me", &token).await;
    assert_eq!(r.ok(200)["slug"], "restart-org");

    // What had ended stays ended.
    s.get("/api/v1/users/me", &ended.token)
        .await
        .problem(401, "unauthenticated");
    s.get("/api/v1/team", &dead_raw)
        .await
        .problem(401, "unauthenticated");

    // Sign-in still works, the email is still taken, and ids keep growing.
    s.login("keep@restart.example", PASSWORD).await;
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "KEEP@restart.example", "password": PASSWORD})),
        )
        .await;
    r.problem(409, "conflict");
    let r = s.call(Method::POST, "/api/v1/auth/register", None, Some(json!({"email": "new@restart.example", "password": PASSWORD, "org_name": "Restart Org"}))).await;
    assert_eq!(
        r.ok(201)["org_slug"],
        "restart-org-2",
        "slugs taken before the restart stay taken"
    );
    assert!(
        r.body["id"].as_u64().unwrap() > id,
        "ids are never reused: {}",
        r.text
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_data_dir_in_use_cannot_be_opened_twice() {
    let s = TestServer::start().await;
    let admin = s.register("lock@restart.example", "Lock").await;
    let err = App::build(test_config(&s.data_dir()))
        .await
        .err()
        .expect("a second instance on the same data dir must fail");
    assert!(err.to_string().contains("in use"), "{err:#}");
    // The running instance is unharmed.
    s.get("/api/v1/users/me", &admin.token).await.ok(200);
}
