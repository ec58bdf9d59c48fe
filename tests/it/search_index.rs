//! The search index is derived: missing or damaged, it is rebuilt at start-up from redb.

use serde_json::json;

use crate::common::TestServer;

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_or_damaged_index_is_rebuilt_at_start() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    s.post(
        "/api/v1/candidates",
        &m.token,
        json!({"full_name": "Yusuf Balogun", "skills": ["Kotlin"]}),
    )
    .await
    .ok(201);
    s.post(
        "/api/v1/jobs",
        &m.token,
        json!({"title": "Android Engineer", "is_public": true}),
    )
    .await
    .ok(201);
    let dir = s.stop().await;
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let s = TestServer::start_in(dir, |_| {}).await;
    let m = s.login("a@acme.test", crate::common::PASSWORD).await;
    assert_eq!(
        s.get("/api/v1/candidates?q=balogun", &m.token)
            .await
            .ok(200)["total"],
        1
    );
    assert_eq!(
        s.get("/api/v1/candidates?skills=kotlin", &m.token)
            .await
            .ok(200)["total"],
        1
    );
    assert_eq!(
        s.get("/api/v1/jobs?q=android", &m.token).await.ok(200)["total"],
        1
    );

    let dir = s.stop().await;
    std::fs::write(dir.path().join("index").join("meta.json"), b"{ not json").unwrap();
    let s = TestServer::start_in(dir, |_| {}).await;
    let m = s.login("a@acme.test", crate::common::PASSWORD).await;
    assert_eq!(
        s.get("/api/v1/candidates?q=yusuf", &m.token).await.ok(200)["total"],
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reindex_command_rebuilds_from_the_database() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    s.post(
        "/api/v1/candidates",
        &m.token,
        json!({"full_name": "Ngozi Adichie"}),
    )
    .await
    .ok(201);
    let dir = s.stop().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hirebase"))
        .arg("reindex")
        .env_clear()
        .env("HIREBASE_DATA_DIR", dir.path())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "reindex failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = TestServer::start_in(dir, |_| {}).await;
    let m = s.login("a@acme.test", crate::common::PASSWORD).await;
    assert_eq!(
        s.get("/api/v1/candidates?q=ngozi", &m.token).await.ok(200)["total"],
        1
    );
}
