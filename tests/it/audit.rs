//! The audit trail: every change recorded with who and from where, hash-chained per tenant,
//! verifiable, exportable as CSV.

use hirebase::store::tables::AUDIT;
use hirebase::store::{Reader, Store};
use serde_json::{Value, json};

use crate::common::TestServer;

fn actions(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_change_is_recorded_newest_first_with_actor_and_cursor_pages() {
    let s = TestServer::start().await;
    let m = s.register("lead@acme.test", "Acme").await;
    let job = s
        .post("/api/v1/jobs", &m.token, json!({"title": "Role"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let c = s
        .post("/api/v1/candidates", &m.token, json!({"full_name": "Pat"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let app = s
        .post(
            "/api/v1/applications",
            &m.token,
            json!({"job_id": job, "candidate_id": c}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    s.patch(
        &format!("/api/v1/applications/{app}"),
        &m.token,
        json!({"status": "screening"}),
    )
    .await
    .ok(200);
    s.patch(
        &format!("/api/v1/jobs/{job}"),
        &m.token,
        json!({"title": "Renamed"}),
    )
    .await
    .ok(200);
    // A refused change leaves no trace.
    s.patch(
        &format!("/api/v1/jobs/{job}"),
        &m.token,
        json!({"title": ""}),
    )
    .await
    .problem(400, "validation");

    let all = s.get("/api/v1/audit?limit=100", &m.token).await;
    assert_eq!(
        actions(all.ok(200)),
        vec![
            "job.updated",
            "application.stage_changed",
            "application.created",
            "candidate.created",
            "job.created",
            "user.signed_in",
            "user.created",
            "tenant.created"
        ]
    );
    let newest = &all.body["items"][0];
    assert_eq!(newest["actor"], "lead@acme.test");
    assert_eq!(newest["ip"], "127.0.0.1");
    assert_eq!(newest["entity_id"], job);
    assert!(newest["details"].as_str().unwrap().contains("title"));

    let first = s.get("/api/v1/audit?limit=3", &m.token).await;
    assert_eq!(first.ok(200)["has_more"], true);
    let next = first.body["next_before"].as_str().unwrap();
    let second = s
        .get(&format!("/api/v1/audit?limit=3&before={next}"), &m.token)
        .await;
    assert_eq!(
        actions(second.ok(200)),
        vec!["candidate.created", "job.created", "user.signed_in"]
    );
    let stage = s
        .get("/api/v1/audit?type=application.stage_changed", &m.token)
        .await;
    assert_eq!(stage.ok(200)["items"].as_array().unwrap().len(), 1);
    let jobs = s.get("/api/v1/audit?type=job&q=renamed", &m.token).await;
    assert_eq!(actions(jobs.ok(200)), vec!["job.updated"]);
    s.get("/api/v1/audit?before=yesterday", &m.token)
        .await
        .problem(400, "validation");
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_names_the_entry_edited_in_the_store() {
    let s = TestServer::start().await;
    let m = s.register("lead@acme.test", "Acme").await;
    for title in ["One", "Two", "Three"] {
        s.post("/api/v1/jobs", &m.token, json!({"title": title}))
            .await
            .ok(201);
    }
    let v = s.get("/api/v1/audit/verify", &m.token).await;
    assert_eq!(
        v.ok(200),
        &json!({"ok": true, "checked": 6, "first_bad": null})
    );

    let tenant = m.org_id;
    let dir = s.stop().await;
    let store = Store::open(dir.path(), 4 << 20).unwrap();
    let edited = store
        .write_blocking(move |tx| {
            let mut entry = tx.get(&AUDIT, tenant, 4)?.expect("entry 4 exists");
            entry.summary = "Nothing happened here".into();
            tx.put(&AUDIT, tenant, 4, &entry)?;
            Ok(entry.id)
        })
        .unwrap();
    store.stop();
    drop(store);

    let s = TestServer::start_in(dir, |_| {}).await;
    let m = s.login("lead@acme.test", crate::common::PASSWORD).await;
    let v = s.get("/api/v1/audit/verify", &m.token).await;
    assert_eq!(v.ok(200)["ok"], false);
    assert_eq!(v.body["first_bad"], edited);
}

#[tokio::test(flavor = "multi_thread")]
async fn tenants_have_separate_chains_and_the_export_is_csv() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme").await;
    let b = s.register("b@globex.test", "Globex").await;
    s.post(
        "/api/v1/jobs",
        &a.token,
        json!({"title": "Quoted, \"tricky\" title"}),
    )
    .await
    .ok(201);
    let theirs = s.get("/api/v1/audit?limit=100", &b.token).await;
    assert!(
        !theirs.text.contains("tricky") && !theirs.text.contains("a@acme.test"),
        "{}",
        theirs.text
    );
    assert_eq!(
        s.get("/api/v1/audit/verify", &b.token).await.ok(200)["ok"],
        true
    );

    let resp = reqwest::Client::new()
        .get(s.url("/api/v1/audit/export"))
        .bearer_auth(&a.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = resp.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,at,actor,ip,api_key_id,action,entity_type,entity_id,summary,details,payload_hash,redacted,prev_hash,hash"
    );
    assert!(text.contains("\"Created job"), "{text}");
    assert!(
        text.contains("\"\"tricky\"\""),
        "quotes are escaped by the CSV writer: {text}"
    );
    assert_eq!(text.lines().count(), 1 + 4);

    // Only org admins read the trail.
    let key = s
        .post(
            "/api/v1/api-keys",
            &a.token,
            json!({"name": "k", "role": "recruiter", "scopes": ["audit:read"]}),
        )
        .await;
    let key = key.ok(201)["raw_token"].as_str().unwrap().to_string();
    s.get("/api/v1/audit", &key).await.problem(403, "forbidden");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_that_changes_nothing_leaves_no_entry() {
    let s = TestServer::start().await;
    let m = s.register("lead@acme.test", "Acme").await;
    let job = s
        .post("/api/v1/jobs", &m.token, json!({"title": "Same"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let c = s
        .post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": "Same Person"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let count = |v: &Value| v["items"].as_array().unwrap().len();
    let before = count(s.get("/api/v1/audit?limit=100", &m.token).await.ok(200));
    s.patch(
        &format!("/api/v1/jobs/{job}"),
        &m.token,
        json!({"title": "Same"}),
    )
    .await
    .ok(200);
    s.patch(
        &format!("/api/v1/candidates/{c}"),
        &m.token,
        json!({"full_name": "Same Person"}),
    )
    .await
    .ok(200);
    s.patch("/api/v1/tenants/me", &m.token, json!({"name": "Acme"}))
        .await
        .ok(200);
    assert_eq!(
        count(s.get("/api/v1/audit?limit=100", &m.token).await.ok(200)),
        before
    );
    s.patch(
        &format!("/api/v1/jobs/{job}"),
        &m.token,
        json!({"title": "Different"}),
    )
    .await
    .ok(200);
    let after = s.get("/api/v1/audit?limit=1", &m.token).await;
    assert_eq!(
        after.ok(200)["items"][0]["summary"],
        format!("Updated job {job} \"Different\" (title)")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_records_its_own_events_in_the_same_chain() {
    let s = TestServer::start().await;
    let admin = s.register("lead@client.test", "Client Co").await;
    let recruiter = s
        .seed_member(
            admin.org_id,
            "rec@client.test",
            hirebase::auth::Role::Recruiter,
        )
        .await;
    let other = s.register("lead@other.test", "Other Co").await;
    let r = s
        .post(
            "/api/v1/audit",
            &recruiter.token,
            json!({"type": "ui.report_exported", "message": "Exported the pipeline report",
                   "entity_id": 7, "details": {"format": "csv", "rows": 120}}),
        )
        .await;
    let entry = r.ok(201);
    assert_eq!(entry["action"], "client.event");
    assert_eq!(entry["entity_type"], "client");
    assert_eq!(entry["entity_id"], 7);
    assert_eq!(entry["actor"], "rec@client.test");
    assert_eq!(entry["summary"], "Exported the pipeline report");
    let details: Value = serde_json::from_str(entry["details"].as_str().unwrap()).unwrap();
    assert_eq!(
        details,
        json!({"type": "ui.report_exported", "details": {"format": "csv", "rows": 120}})
    );

    let before = s.get("/api/v1/audit?limit=100", &admin.token).await.ok(200)["items"]
        .as_array()
        .unwrap()
        .len();
    for (bad, field) in [
        (json!({"type": "UI Export!", "message": "x"}), "type"),
        (json!({"type": "ui.x", "message": "   "}), "message"),
        (
            json!({"type": "ui.x", "message": "x", "details": [1, 2]}),
            "details",
        ),
        (
            json!({"type": "ui.x", "message": "x", "details": {"blob": "a".repeat(5000)}}),
            "details",
        ),
    ] {
        let r = s.post("/api/v1/audit", &recruiter.token, bad).await;
        let p = r.problem(400, "validation");
        assert_eq!(crate::common::fields(p), [field], "{p}");
    }
    s.call(
        reqwest::Method::POST,
        "/api/v1/audit",
        None,
        Some(json!({"type": "ui.x", "message": "x"})),
    )
    .await
    .problem(401, "unauthenticated");
    let page = s.get("/api/v1/audit?limit=100", &admin.token).await;
    assert_eq!(
        page.ok(200)["items"].as_array().unwrap().len(),
        before,
        "rejected events leave no entry"
    );
    let found = s.get("/api/v1/audit?type=client.event", &admin.token).await;
    assert_eq!(actions(found.ok(200)), ["client.event"]);
    assert_eq!(
        s.get("/api/v1/audit/verify", &admin.token).await.ok(200)["ok"],
        true
    );
    // Another organisation's trail does not hold it.
    let theirs = s.get("/api/v1/audit?type=client.event", &other.token).await;
    assert!(theirs.ok(200)["items"].as_array().unwrap().is_empty());
}
