//! Online backup and restore: `/admin/backup`, `hirebase backup` (through the admin socket or
//! from a stopped data dir) and `hirebase restore` with its refusals.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cli::run;
use crate::common::{Member, PASSWORD, TestServer};

const ROOT: &str = "root@backup.example";

/// A candidate write: when its request left, when it was acknowledged, and its id.
#[derive(Debug, Clone)]
struct Write {
    sent: Instant,
    acked: Instant,
    id: u64,
    email: String,
}

/// `clients` tasks creating candidates until `stop` is set; each returns its acknowledged writes.
fn write_load(
    s: &TestServer,
    m: &Member,
    clients: usize,
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<Vec<Write>>> {
    (0..clients)
        .map(|c| {
            let (url, token, stop, acked) = (
                s.url("/api/v1/candidates"),
                m.token.clone(),
                stop.clone(),
                acked.clone(),
            );
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut done = Vec::new();
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let email = format!("load{c}x{n}@example.com");
                    let sent = Instant::now();
                    let r = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"full_name": format!("Loadtest Person{c}x{n}"), "email": email}))
                        .send()
                        .await
                        .expect("request sent");
                    assert_eq!(r.status(), 201);
                    let body: Value = r.json().await.unwrap();
                    done.push(Write {
                        sent,
                        acked: Instant::now(),
                        id: body["id"].as_u64().unwrap(),
                        email,
                    });
                    acked.fetch_add(1, Ordering::Relaxed);
                }
                done
            })
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test]
async fn a_backup_under_write_load_restores_every_write_acknowledged_before_it() {
    let s = TestServer::start_with_admin(ROOT, PASSWORD).await;
    let root = s.login(ROOT, PASSWORD).await;
    let m = s.register("owner@acme.example", "Acme").await;
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicUsize::new(0));
    let load = write_load(&s, &m, 16, stop.clone(), acked.clone());
    // Let the load get going, then back up while it runs.
    crate::common::eventually("the load has written a while", || async {
        acked.load(Ordering::Relaxed) >= 100
    })
    .await;
    let backup_began = Instant::now();
    let r = s.post("/api/v1/admin/backup", &root.token, json!({})).await;
    let backup_answered = Instant::now();
    let backup = r.ok(201).clone();
    let name = backup["name"].as_str().unwrap().to_string();
    assert!(
        name.starts_with("hirebase-") && name.ends_with(".redb"),
        "{name}"
    );
    // Writes keep landing after the backup too.
    let at_backup = acked.load(Ordering::Relaxed);
    crate::common::eventually("the load runs on after the backup", || async {
        acked.load(Ordering::Relaxed) >= at_backup + 50
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    let mut writes = Vec::new();
    for h in load {
        writes.extend(h.await.unwrap());
    }
    let before: Vec<&Write> = writes.iter().filter(|w| w.acked < backup_began).collect();
    let later: Vec<&Write> = writes.iter().filter(|w| w.sent > backup_answered).collect();
    assert!(
        before.len() >= 16 && !later.is_empty(),
        "{} before, {} after",
        before.len(),
        later.len()
    );

    // Listed with its size and checksum; downloaded byte for byte.
    let list = s.get("/api/v1/admin/backup", &root.token).await;
    let listed = &list.ok(200)["items"][0];
    assert_eq!(listed["name"], name.as_str());
    assert_eq!(listed["sha256"], backup["sha256"]);
    assert_eq!(listed["size_bytes"], backup["size_bytes"]);
    let download = reqwest::Client::new()
        .get(s.url(&format!("/api/v1/admin/backup/{name}")))
        .bearer_auth(&root.token)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.headers()["content-type"],
        "application/octet-stream"
    );
    assert_eq!(
        download.headers()["x-checksum-sha256"].to_str().unwrap(),
        backup["sha256"].as_str().unwrap()
    );
    let bytes = download.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, backup["size_bytes"].as_u64().unwrap());
    assert_eq!(sha256_hex(&bytes), backup["sha256"].as_str().unwrap());
    s.stop().await;

    // Restore into a new data dir and start a server on it.
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("downloaded.redb");
    std::fs::write(&file, &bytes).unwrap();
    let target = Arc::new(tempfile::tempdir().unwrap());
    let out = run(
        work.path(),
        &["restore", file.to_str().unwrap()],
        &[("HIREBASE_DATA_DIR", target.path().to_str().unwrap())],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("search index rebuilt"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let restored = TestServer::start_in(target, |_| {}).await;
    let m = restored.login("owner@acme.example", PASSWORD).await;
    for w in &before {
        let r = restored
            .get(&format!("/api/v1/candidates/{}", w.id), &m.token)
            .await;
        assert_eq!(
            r.ok(200)["email"],
            w.email.as_str(),
            "write {} is lost",
            w.id
        );
    }
    for w in &later {
        let r = restored
            .get(&format!("/api/v1/candidates/{}", w.id), &m.token)
            .await;
        r.problem(404, "not_found");
    }
    // The index was rebuilt from the restored records.
    let probe = before[0];
    let word = probe
        .email
        .split('@')
        .next()
        .unwrap()
        .replace("load", "Person");
    let r = restored
        .get(&format!("/api/v1/candidates?q={word}"), &m.token)
        .await;
    let ids: Vec<u64> = r.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert!(ids.contains(&probe.id), "{word}: {}", r.text);
}

#[tokio::test]
async fn backups_are_for_the_platform_admin_and_names_stay_in_their_folder() {
    let s = TestServer::start_with_admin(ROOT, PASSWORD).await;
    let root = s.login(ROOT, PASSWORD).await;
    let m = s.register("owner@beta.example", "Beta").await;
    s.post("/api/v1/admin/backup", &m.token, json!({}))
        .await
        .problem(403, "forbidden");
    s.get("/api/v1/admin/backup", &m.token)
        .await
        .problem(403, "forbidden");
    assert_eq!(
        s.get("/api/v1/admin/backup", &root.token).await.ok(200)["total"],
        0
    );
    let taken = s.post("/api/v1/admin/backup", &root.token, json!({})).await;
    let name = taken.ok(201)["name"].as_str().unwrap().to_string();
    s.get(&format!("/api/v1/admin/backup/{name}"), &m.token)
        .await
        .problem(403, "forbidden");
    // The file and its checksum, as `sha256sum -c` reads it.
    let dir = s.data_dir().join("backups");
    let file = std::fs::read(dir.join(&name)).unwrap();
    let sidecar = std::fs::read_to_string(dir.join(format!("{name}.sha256"))).unwrap();
    assert_eq!(sidecar, format!("{}  {name}\n", sha256_hex(&file)));
    for bad in [
        "..%2Fhirebase.redb",
        "hirebase.redb.sha256",
        "..redb",
        "%2Fetc%2Fpasswd",
    ] {
        let r = s
            .get(&format!("/api/v1/admin/backup/{bad}"), &root.token)
            .await;
        let p = r.problem(400, "validation");
        assert_eq!(p["errors"][0]["field"], "name", "{bad}");
    }
    s.get(
        "/api/v1/admin/backup/hirebase-19990101-000000.redb",
        &root.token,
    )
    .await
    .problem(404, "not_found");
    // A second backup in the same second gets a name of its own.
    let second = s.post("/api/v1/admin/backup", &root.token, json!({})).await;
    assert_ne!(second.ok(201)["name"], name.as_str());
    assert_eq!(
        s.get("/api/v1/admin/backup", &root.token).await.ok(200)["total"],
        2
    );
}

/// The socket the CLI speaks to: only the server's user may open it.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_cli_backs_up_through_the_running_server_or_from_a_stopped_data_dir() {
    let s = TestServer::start_with_admin(ROOT, PASSWORD).await;
    let m = s.register("owner@gamma.example", "Gamma").await;
    s.post(
        "/api/v1/candidates",
        &m.token,
        json!({"full_name": "Grace Hopper", "email": "grace@example.com"}),
    )
    .await
    .ok(201);
    let data = s.data_dir();
    let socket = data.join("admin.sock");
    assert_eq!(mode(&socket), 0o600);
    let work = tempfile::tempdir().unwrap();
    let env = [("HIREBASE_DATA_DIR", data.to_str().unwrap())];
    let live = work.path().join("live.redb");
    let out = run(work.path(), &["backup", live.to_str().unwrap()], &env).await;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("through the running server"), "{stdout}");
    assert!(stderr.contains("(100%)"), "progress is shown: {stderr}");
    let bytes = std::fs::read(&live).unwrap();
    let sum = std::fs::read_to_string(work.path().join("live.redb.sha256")).unwrap();
    assert!(sum.starts_with(&sha256_hex(&bytes)), "{sum}");
    assert!(stdout.contains(&sha256_hex(&bytes)), "{stdout}");

    // Restore refuses while the server runs on the data dir.
    let out = run(work.path(), &["restore", live.to_str().unwrap()], &env).await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("server is running"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(m);
    let dir = s.stop().await;
    assert!(!socket.exists(), "the socket goes with the server");

    // With the server stopped, the CLI reads the data dir itself, leaving it unchanged.
    let db = data.join("hirebase.redb");
    let before = sha256_hex(&std::fs::read(&db).unwrap());
    let offline = work.path().join("offline.redb");
    let out = run(work.path(), &["backup", offline.to_str().unwrap()], &env).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("from the stopped data dir"));
    assert_eq!(sha256_hex(&std::fs::read(&db).unwrap()), before);

    // The data dir holds data: restore wants --force, and keeps what it replaces.
    let out = run(work.path(), &["restore", offline.to_str().unwrap()], &env).await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--force"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(
        work.path(),
        &["restore", "--force", offline.to_str().unwrap()],
        &env,
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data.join("hirebase.redb.before-restore").exists());
    let restored = TestServer::start_in(dir, |_| {}).await;
    let m = restored.login("owner@gamma.example", PASSWORD).await;
    let r = restored.get("/api/v1/candidates?q=grace", &m.token).await;
    assert_eq!(r.ok(200)["items"][0]["full_name"], "Grace Hopper");
}

#[tokio::test]
async fn restore_refuses_files_that_are_not_hirebase_databases_of_this_schema() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let env = [("HIREBASE_DATA_DIR", data.to_str().unwrap())];
    let refuse = |file: &Path, expected: &'static str| {
        let (cwd, file, env) = (work.path().to_path_buf(), file.to_path_buf(), env);
        async move {
            let out = run(&cwd, &["restore", file.to_str().unwrap()], &env).await;
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            assert!(!out.status.success(), "{} was restored", file.display());
            assert!(stderr.contains(expected), "{expected}: {stderr}");
        }
    };
    let text = work.path().join("notes.redb");
    std::fs::write(&text, "just some text, not a database\n".repeat(200)).unwrap();
    refuse(&text, "not a hirebase database").await;
    refuse(&work.path().join("missing.redb"), "is not a file").await;

    // A redb database, but someone else's.
    let foreign = work.path().join("foreign.redb");
    {
        let db = redb::Database::create(&foreign).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let def: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("things");
            txn.open_table(def).unwrap().insert("a", 1).unwrap();
        }
        txn.commit().unwrap();
    }
    refuse(&foreign, "not a hirebase database").await;

    // A hirebase database from a newer schema.
    let newer_dir = tempfile::tempdir().unwrap();
    {
        let store = hirebase::store::Store::open(newer_dir.path(), 4 << 20).unwrap();
        store.stop();
    }
    let newer = work.path().join("newer.redb");
    std::fs::copy(newer_dir.path().join("hirebase.redb"), &newer).unwrap();
    {
        let db = redb::Database::create(&newer).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let def: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("meta_v1");
            txn.open_table(def)
                .unwrap()
                .insert("schema_version", hirebase::store::SCHEMA_VERSION + 1)
                .unwrap();
        }
        txn.commit().unwrap();
    }
    refuse(&newer, "newer hirebase").await;
    assert!(!data.join("hirebase.redb").exists(), "nothing was restored");
}
