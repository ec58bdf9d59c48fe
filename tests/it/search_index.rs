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

/// Index writes are synced every few seconds, not per commit; a marker tells whether writes
/// were pending when the machine (not just the process) went down. An index left with the
/// marker of another boot is rebuilt; with this boot's marker it is trusted.
#[tokio::test(flavor = "multi_thread")]
async fn an_index_with_unsynced_writes_from_another_boot_is_rebuilt() {
    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    s.post(
        "/api/v1/candidates",
        &m.token,
        json!({"full_name": "Amaka Eze"}),
    )
    .await
    .ok(201);
    let dir = s.stop().await;
    let index = dir.path().join("index");
    assert!(
        !index.join("hirebase-unsynced").exists(),
        "a clean stop syncs the index"
    );
    let before = dir.path().join("index-before");
    copy_dir(&index, &before);

    let s = TestServer::start_in(dir, |_| {}).await;
    let m = s.login("a@acme.test", crate::common::PASSWORD).await;
    s.post(
        "/api/v1/candidates",
        &m.token,
        json!({"full_name": "Bola Tinubu"}),
    )
    .await
    .ok(201);
    let dir = s.stop().await;
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap();
    let restore = |marker: &str| {
        std::fs::remove_dir_all(&index).unwrap();
        copy_dir(&before, &index);
        std::fs::write(index.join("hirebase-unsynced"), marker).unwrap();
    };

    // This boot's marker: the files are trusted as they are (they lack the second candidate,
    // which only the copy could do: a real crash of the process loses no written file).
    restore(boot.trim());
    let s = TestServer::start_in(dir, |_| {}).await;
    let m = s.login("a@acme.test", crate::common::PASSWORD).await;
    let found = |total: u64| move |r: crate::common::Reply| assert_eq!(r.ok(200)["total"], total);
    found(1)(s.get("/api/v1/candidates?q=amaka", &m.token).await);
    found(0)(s.get("/api/v1/candidates?q=bola", &m.token).await);
    let dir = s.stop().await;

    // Another boot's marker: the files may be incomplete, so the index is rebuilt from redb.
    restore("00000000-0000-0000-0000-000000000000");
    let s = TestServer::start_in(dir, |_| {}).await;
    let m = s.login("a@acme.test", crate::common::PASSWORD).await;
    found(1)(s.get("/api/v1/candidates?q=amaka", &m.token).await);
    found(1)(s.get("/api/v1/candidates?q=bola", &m.token).await);
    let _dir = s.stop().await;
    assert!(!index.join("hirebase-unsynced").exists());
}
