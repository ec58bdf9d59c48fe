//! Applications: the pipeline, its history, one per (job, candidate), exact job counters.

use serde_json::{Value, json};

use crate::common::TestServer;

#[tokio::test(flavor = "multi_thread")]
async fn stage_changes_are_recorded_with_who_and_when() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme").await;
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
            json!({"job_id": job, "candidate_id": c, "fit_score": 80}),
        )
        .await;
    let app = app.ok(201).clone();
    assert_eq!(app["status"], "sourced");
    assert_eq!(app["source"], "manual");
    let id = app["id"].as_u64().unwrap();
    let path = format!("/api/v1/applications/{id}");
    for stage in ["screening", "interview", "interview", "offer"] {
        assert_eq!(
            s.patch(&path, &m.token, json!({"status": stage}))
                .await
                .ok(200)["status"],
            stage
        );
    }
    s.patch(&path, &m.token, json!({"status": "on_a_boat"}))
        .await
        .problem(400, "validation");
    s.patch(&path, &m.token, json!({"fit_score": 101}))
        .await
        .problem(400, "validation");
    let history = s.get(&format!("{path}/history"), &m.token).await;
    let moves: Vec<(Value, Value)> = history.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["from"].clone(), h["to"].clone()))
        .collect();
    assert_eq!(
        moves,
        vec![
            (Value::Null, json!("sourced")),
            (json!("sourced"), json!("screening")),
            (json!("screening"), json!("interview")),
            (json!("interview"), json!("offer")),
        ],
        "a move to the current stage is not a change"
    );
    assert!(
        history.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["by"] == "rec@acme.test" && h["at"].is_string())
    );
    assert_eq!(s.get(&path, &m.token).await.ok(200)["fit_score"], 80);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_application_per_job_and_candidate_and_references_must_exist_in_the_tenant() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme").await;
    let b = s.register("b@globex.test", "Globex").await;
    let job = s
        .post("/api/v1/jobs", &a.token, json!({"title": "Role"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let c = s
        .post("/api/v1/candidates", &a.token, json!({"full_name": "Pat"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let foreign = s
        .post(
            "/api/v1/candidates",
            &b.token,
            json!({"full_name": "Other"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    s.post(
        "/api/v1/applications",
        &a.token,
        json!({"job_id": job, "candidate_id": c}),
    )
    .await
    .ok(201);
    s.post(
        "/api/v1/applications",
        &a.token,
        json!({"job_id": job, "candidate_id": c, "status": "applied"}),
    )
    .await
    .problem(409, "conflict");
    s.post(
        "/api/v1/applications",
        &a.token,
        json!({"job_id": job, "candidate_id": foreign}),
    )
    .await
    .problem(404, "not_found");
    s.post(
        "/api/v1/applications",
        &b.token,
        json!({"job_id": job, "candidate_id": foreign}),
    )
    .await
    .problem(404, "not_found");
    s.post(
        "/api/v1/applications",
        &a.token,
        json!({"job_id": 999_999, "candidate_id": c}),
    )
    .await
    .problem(404, "not_found");
    let j = s.get(&format!("/api/v1/jobs/{job}"), &a.token).await;
    assert_eq!(j.ok(200)["applicants"], 1, "refused requests did not count");
    assert_eq!(
        s.get("/api/v1/applications", &b.token).await.ok(200)["total"],
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn job_counters_follow_applications_and_the_hired_stage() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    let job = s
        .post("/api/v1/jobs", &m.token, json!({"title": "Role"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let mut apps = Vec::new();
    for name in ["A", "B", "C"] {
        let c = s
            .post("/api/v1/candidates", &m.token, json!({"full_name": name}))
            .await
            .ok(201)["id"]
            .as_u64()
            .unwrap();
        apps.push(
            s.post(
                "/api/v1/applications",
                &m.token,
                json!({"job_id": job, "candidate_id": c}),
            )
            .await
            .ok(201)["id"]
                .as_u64()
                .unwrap(),
        );
    }
    let counters = || async {
        let j = s.get(&format!("/api/v1/jobs/{job}"), &m.token).await;
        (
            j.body["applicants"].as_u64().unwrap(),
            j.body["hired"].as_u64().unwrap(),
        )
    };
    assert_eq!(counters().await, (3, 0));
    s.patch(
        &format!("/api/v1/applications/{}", apps[0]),
        &m.token,
        json!({"status": "hired"}),
    )
    .await
    .ok(200);
    s.patch(
        &format!("/api/v1/applications/{}", apps[1]),
        &m.token,
        json!({"status": "hired"}),
    )
    .await
    .ok(200);
    assert_eq!(counters().await, (3, 2));
    s.patch(
        &format!("/api/v1/applications/{}", apps[1]),
        &m.token,
        json!({"status": "withdrawn"}),
    )
    .await
    .ok(200);
    assert_eq!(counters().await, (3, 1));
    assert_eq!(
        s.delete(&format!("/api/v1/applications/{}", apps[0]), &m.token)
            .await
            .status,
        204
    );
    assert_eq!(counters().await, (2, 0));
    let listed = s
        .get(
            &format!("/api/v1/applications?job_id={job}&status=withdrawn"),
            &m.token,
        )
        .await;
    assert_eq!(listed.ok(200)["total"], 1);
    assert_eq!(listed.body["items"][0]["id"], apps[1]);
}
