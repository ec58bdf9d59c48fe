//! Bulk import: per-row errors, dedupe by email, one commit, searchable when answered.

use serde_json::{Value, json};

use crate::common::TestServer;

#[tokio::test(flavor = "multi_thread")]
async fn import_reports_created_updated_skipped_and_row_errors() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    let job = s
        .post("/api/v1/jobs", &m.token, json!({"title": "Role"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    s.post(
        "/api/v1/candidates",
        &m.token,
        json!({"full_name": "Existing Person", "email": "old@example.com", "skills": ["SQL"]}),
    )
    .await
    .ok(201);
    let rows = json!({"rows": [
        {"full_name": "Ada Obi", "email": "ada@example.com", "skills": ["Rust"], "job_id": job},
        {"full_name": "Existing Person", "email": "OLD@example.com", "skills": ["Python"], "headline": "Analyst"},
        {"full_name": "Ada Duplicate", "email": "ada@example.com"},
        {"full_name": "", "email": "broken@example.com"},
        {"full_name": "No Job", "job_id": 987654},
        {"full_name": "Bola Ade", "experience_years": 99},
        {"full_name": "Chidi Eze"}
    ]});
    let r = s.post("/api/v1/candidates/import", &m.token, rows).await;
    let report = r.ok(200);
    assert_eq!(report["total"], 7);
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(report["updated"], 1);
    assert_eq!(report["skipped"], 1);
    let errors: Vec<(u64, Value)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].clone()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (3, json!("full_name")),
            (5, json!("experience_years")),
            (4, json!("job_id"))
        ]
    );

    let all = s.get("/api/v1/candidates", &m.token).await;
    assert_eq!(all.ok(200)["total"], 3);
    let updated = s.get("/api/v1/candidates?q=existing", &m.token).await;
    assert_eq!(updated.body["items"][0]["skills"], json!(["SQL", "Python"]));
    assert_eq!(updated.body["items"][0]["headline"], "Analyst");
    let ada = s.get("/api/v1/candidates?q=obi", &m.token).await;
    assert_eq!(ada.body["total"], 1, "searchable when the import answered");
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job}"), &m.token)
        .await;
    assert_eq!(apps.body["total"], 1);
    assert_eq!(apps.body["items"][0]["source"], "import");

    // Importing the same file again changes nothing.
    let again = s.post("/api/v1/candidates/import", &m.token, json!({"rows": [{"full_name": "Ada Obi", "email": "ada@example.com", "skills": ["Rust"], "job_id": job}]})).await;
    assert_eq!(
        (
            again.body["created"].as_u64(),
            again.body["updated"].as_u64(),
            again.body["skipped"].as_u64()
        ),
        (Some(0), Some(0), Some(1))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn import_refuses_empty_and_oversized_batches() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    s.post("/api/v1/candidates/import", &m.token, json!({"rows": []}))
        .await
        .problem(400, "validation");
    let rows: Vec<Value> = (0..501)
        .map(|i| json!({"full_name": format!("P{i}")}))
        .collect();
    s.post("/api/v1/candidates/import", &m.token, json!({"rows": rows}))
        .await
        .problem(400, "validation");
    assert_eq!(s.get("/api/v1/candidates", &m.token).await.body["total"], 0);
    let rows: Vec<Value> = (0..500)
        .map(|i| json!({"full_name": format!("Person {i}"), "email": format!("p{i}@example.com")}))
        .collect();
    let r = s
        .post("/api/v1/candidates/import", &m.token, json!({"rows": rows}))
        .await;
    assert_eq!(r.ok(200)["created"], 500);
    assert_eq!(
        s.get("/api/v1/candidates", &m.token).await.body["total"],
        500
    );
}
