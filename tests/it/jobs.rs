//! Jobs: validation, PATCH semantics, deletion cascades, tenant isolation, full-text `q`.

use serde_json::{Value, json};

use crate::common::{Member, TestServer};

async fn job(s: &TestServer, m: &Member, body: Value) -> Value {
    s.post("/api/v1/jobs", &m.token, body).await.ok(201).clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_fills_defaults_and_patch_keeps_absent_fields_and_clears_nulls() {
    let s = TestServer::start().await;
    let m = s.register("lead@acme.test", "Acme").await;
    let created = job(
        &s,
        &m,
        json!({"title": "Senior Backend Engineer", "department": "Engineering", "salary_min": 100, "salary_max": 200,
               "currency": "USD", "required_skills": ["Rust", " rust ", "Go"], "level": "senior"}),
    )
    .await;
    assert_eq!(created["status"], "open");
    assert_eq!(created["is_public"], false);
    assert_eq!(created["applicants"], 0);
    assert_eq!(created["hired"], 0);
    assert_eq!(created["org_id"], m.org_id);
    assert_eq!(
        created["required_skills"],
        json!(["Rust", "Go"]),
        "labels are trimmed and deduplicated"
    );
    let id = created["id"].as_u64().unwrap();

    let blank = s
        .patch(
            &format!("/api/v1/jobs/{id}"),
            &m.token,
            json!({"location": "Lagos"}),
        )
        .await;
    assert_eq!(blank.ok(200)["location"], "Lagos");
    let blank = s
        .patch(
            &format!("/api/v1/jobs/{id}"),
            &m.token,
            json!({"location": "   "}),
        )
        .await;
    assert_eq!(
        blank.ok(200)["location"],
        Value::Null,
        "blank text clears like null"
    );
    let patched = s
        .patch(
            &format!("/api/v1/jobs/{id}"),
            &m.token,
            json!({"department": null, "status": "on_hold"}),
        )
        .await;
    let patched = patched.ok(200);
    assert_eq!(patched["department"], Value::Null);
    assert_eq!(patched["status"], "on_hold");
    assert_eq!(
        patched["title"], "Senior Backend Engineer",
        "absent fields are unchanged"
    );
    assert_eq!(patched["salary_max"], 200);
    let got = s.get(&format!("/api/v1/jobs/{id}"), &m.token).await;
    assert_eq!(got.ok(200), patched);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_jobs_are_refused_and_change_nothing() {
    let s = TestServer::start().await;
    let m = s.register("lead@acme.test", "Acme").await;
    for (body, field) in [
        (json!({"title": ""}), "title"),
        (
            json!({"title": "x", "salary_min": 300, "salary_max": 200}),
            "salary_min",
        ),
        (json!({"title": "x", "currency": "dollars"}), "currency"),
        (json!({"title": "x".repeat(201)}), "title"),
        (
            json!({"title": "x", "required_skills": [""]}),
            "required_skills",
        ),
    ] {
        let r = s.post("/api/v1/jobs", &m.token, body.clone()).await;
        let p = r.problem(400, "validation");
        assert!(
            p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{body}: {p}"
        );
    }
    s.post(
        "/api/v1/jobs",
        &m.token,
        json!({"title": "x", "status": "paused"}),
    )
    .await
    .problem(400, "validation");
    s.post(
        "/api/v1/jobs",
        &m.token,
        json!({"title": "x", "salary_min": -1}),
    )
    .await
    .problem(400, "validation");
    assert_eq!(
        s.get("/api/v1/jobs", &m.token).await.ok(200)["total"],
        0,
        "nothing was created"
    );

    let id = job(&s, &m, json!({"title": "Analyst", "salary_max": 100})).await["id"]
        .as_u64()
        .unwrap();
    let r = s
        .patch(
            &format!("/api/v1/jobs/{id}"),
            &m.token,
            json!({"salary_min": 150, "title": "Changed"}),
        )
        .await;
    r.problem(400, "validation");
    s.patch(
        &format!("/api/v1/jobs/{id}"),
        &m.token,
        json!({"title": null}),
    )
    .await
    .problem(400, "validation");
    let unchanged = s.get(&format!("/api/v1/jobs/{id}"), &m.token).await;
    assert_eq!(unchanged.ok(200)["title"], "Analyst");
    assert_eq!(unchanged.body["salary_min"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_paginates_newest_first_and_q_searches_title_description_and_skills() {
    let s = TestServer::start().await;
    let m = s.register("lead@acme.test", "Acme").await;
    job(
        &s,
        &m,
        json!({"title": "Data Engineer", "description": "Pipelines on Kafka"}),
    )
    .await;
    job(
        &s,
        &m,
        json!({"title": "Frontend Developer", "required_skills": ["TypeScript"]}),
    )
    .await;
    job(
        &s,
        &m,
        json!({"title": "Platform Engineer", "status": "closed"}),
    )
    .await;
    let page = s.get("/api/v1/jobs?limit=2&skip=1", &m.token).await;
    let page = page.ok(200);
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["title"], "Frontend Developer");

    let titles = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["title"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        titles(s.get("/api/v1/jobs?q=kafka", &m.token).await.ok(200)),
        vec!["Data Engineer"]
    );
    assert_eq!(
        titles(s.get("/api/v1/jobs?q=typescript", &m.token).await.ok(200)),
        vec!["Frontend Developer"]
    );
    let engineers = s
        .get("/api/v1/jobs?q=engineer&status_filter=open", &m.token)
        .await;
    assert_eq!(titles(engineers.ok(200)), vec!["Data Engineer"]);
    s.get("/api/v1/jobs?limit=101", &m.token)
        .await
        .problem(400, "validation");
    s.get("/api/v1/jobs?status_filter=paused", &m.token)
        .await
        .problem(400, "validation");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_tenants_job_is_404_everywhere() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme").await;
    let b = s.register("b@globex.test", "Globex").await;
    let id = job(
        &s,
        &a,
        json!({"title": "Secret Role", "description": "confidential"}),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    let path = format!("/api/v1/jobs/{id}");
    s.get(&path, &b.token).await.problem(404, "not_found");
    s.patch(&path, &b.token, json!({"title": "Mine now"}))
        .await
        .problem(404, "not_found");
    s.delete(&path, &b.token).await.problem(404, "not_found");
    assert_eq!(s.get("/api/v1/jobs", &b.token).await.ok(200)["total"], 0);
    assert_eq!(
        s.get("/api/v1/jobs?q=secret", &b.token).await.ok(200)["total"],
        0
    );
    assert_eq!(
        s.get(&path, &a.token).await.ok(200)["title"],
        "Secret Role",
        "untouched"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_job_removes_its_applications_and_search_entry() {
    let s = TestServer::start().await;
    let m = s.register("lead@acme.test", "Acme").await;
    let id = job(&s, &m, json!({"title": "Doomed Role"})).await["id"]
        .as_u64()
        .unwrap();
    let c = s
        .post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": "Pat Kim"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let app = s
        .post(
            "/api/v1/applications",
            &m.token,
            json!({"job_id": id, "candidate_id": c}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    assert_eq!(
        s.delete(&format!("/api/v1/jobs/{id}"), &m.token)
            .await
            .status,
        204
    );
    s.get(&format!("/api/v1/jobs/{id}"), &m.token)
        .await
        .problem(404, "not_found");
    s.get(&format!("/api/v1/applications/{app}"), &m.token)
        .await
        .problem(404, "not_found");
    assert_eq!(
        s.get(&format!("/api/v1/applications?candidate_id={c}"), &m.token)
            .await
            .ok(200)["total"],
        0
    );
    assert_eq!(
        s.get("/api/v1/jobs?q=doomed", &m.token).await.ok(200)["total"],
        0
    );
    // The pair is free again: the candidate can apply to a new job without a stale conflict.
    let again = job(&s, &m, json!({"title": "New Role"})).await["id"]
        .as_u64()
        .unwrap();
    s.post(
        "/api/v1/applications",
        &m.token,
        json!({"job_id": again, "candidate_id": c}),
    )
    .await
    .ok(201);
}
