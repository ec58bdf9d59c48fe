//! Candidates: email uniqueness, validation, search with filters, read-your-writes.

use serde_json::{Value, json};

use crate::common::{Member, TestServer};

async fn candidate(s: &TestServer, m: &Member, body: Value) -> u64 {
    s.post("/api/v1/candidates", &m.token, body).await.ok(201)["id"]
        .as_u64()
        .unwrap()
}

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["full_name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn email_is_unique_per_tenant_case_insensitively() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme").await;
    let b = s.register("b@globex.test", "Globex").await;
    let first = candidate(
        &s,
        &a,
        json!({"full_name": "Jane Doe", "email": "Jane@Example.com"}),
    )
    .await;
    let r = s
        .post(
            "/api/v1/candidates",
            &a.token,
            json!({"full_name": "Jane D", "email": " jane@example.COM "}),
        )
        .await;
    r.problem(409, "conflict");
    candidate(
        &s,
        &b,
        json!({"full_name": "Jane Doe", "email": "jane@example.com"}),
    )
    .await;
    let other = candidate(
        &s,
        &a,
        json!({"full_name": "John Roe", "email": "john@example.com"}),
    )
    .await;
    s.patch(
        &format!("/api/v1/candidates/{other}"),
        &a.token,
        json!({"email": "JANE@example.com"}),
    )
    .await
    .problem(409, "conflict");
    let got = s
        .get(&format!("/api/v1/candidates/{other}"), &a.token)
        .await;
    assert_eq!(
        got.ok(200)["email"],
        "john@example.com",
        "a refused change changes nothing"
    );
    // Moving an email frees the old one.
    s.patch(
        &format!("/api/v1/candidates/{first}"),
        &a.token,
        json!({"email": "jane.new@example.com"}),
    )
    .await
    .ok(200);
    candidate(
        &s,
        &a,
        json!({"full_name": "Another Jane", "email": "jane@example.com"}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_candidates_are_refused() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    for (body, field) in [
        (json!({"full_name": " "}), "full_name"),
        (
            json!({"full_name": "A", "experience_years": 71}),
            "experience_years",
        ),
        (
            json!({"full_name": "A", "linkedin_url": "linkedin/jane"}),
            "linkedin_url",
        ),
        (json!({"full_name": "A", "email": "not-an-email"}), "email"),
        (json!({"full_name": "A", "phone": "call me maybe"}), "phone"),
        (
            json!({"full_name": "A", "skills": ["x".repeat(51)]}),
            "skills",
        ),
    ] {
        let r = s.post("/api/v1/candidates", &m.token, body.clone()).await;
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
    assert_eq!(
        s.get("/api/v1/candidates", &m.token).await.ok(200)["total"],
        0
    );
    let id = candidate(
        &s,
        &m,
        json!({"full_name": "Jane", "headline": "Engineer", "experience_years": 3}),
    )
    .await;
    let r = s
        .patch(
            &format!("/api/v1/candidates/{id}"),
            &m.token,
            json!({"headline": null, "experience_years": 80}),
        )
        .await;
    r.problem(400, "validation");
    let r = s
        .patch(
            &format!("/api/v1/candidates/{id}"),
            &m.token,
            json!({"headline": null}),
        )
        .await;
    assert_eq!(r.ok(200)["headline"], Value::Null);
    assert_eq!(r.body["experience_years"], 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn search_ranks_tolerates_typos_and_prefixes_and_combines_with_filters() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    candidate(&s, &m, json!({"full_name": "Jane Doe", "current_title": "Backend Engineer", "skills": ["Rust", "PostgreSQL"],
        "location": "Lagos, Nigeria", "experience_years": 8, "notes": "Built distributed payment systems"})).await;
    candidate(&s, &m, json!({"full_name": "John Smith", "email": "jsmith@fraudlabs.io", "headline": "Data scientist", "skills": ["Python"],
        "location": "London, UK", "experience_years": 3, "notes": "Machine learning for fraud"})).await;
    candidate(&s, &m, json!({"full_name": "Amara Okafor", "current_title": "Engineering Manager", "current_company": "Paystack",
        "skills": ["Go", "Rust"], "location": "Lagos, Nigeria", "experience_years": 12})).await;

    let q = |query: &str| {
        let path = format!("/api/v1/candidates?{query}");
        let token = m.token.clone();
        let s = &s;
        async move { s.get(&path, &token).await.body }
    };
    assert_eq!(
        names(&q("q=backend engineer ").await)[0],
        "Jane Doe",
        "title match ranks first"
    );
    assert_eq!(
        names(&q("q=distribted").await),
        vec!["Jane Doe"],
        "one typo"
    );
    assert_eq!(
        names(&q("q=payst").await),
        vec!["Amara Okafor"],
        "prefix of the word being typed"
    );
    assert_eq!(
        names(&q("q=fraud").await),
        vec!["John Smith"],
        "notes are searched"
    );
    assert_eq!(
        names(&q("q=jsmith@fraudlabs.io").await),
        vec!["John Smith"],
        "emails are searched"
    );
    assert_eq!(
        names(&q("skills=rust&location=lagos").await),
        vec!["Amara Okafor", "Jane Doe"]
    );
    assert_eq!(names(&q("skills=rust,go").await), vec!["Amara Okafor"]);
    assert_eq!(
        names(&q("q=engineer&min_experience=10").await),
        vec!["Amara Okafor"]
    );
    assert_eq!(names(&q("max_experience=5").await), vec!["John Smith"]);
    let r = q("q=rust").await;
    assert_eq!(r["total"], 2);
    s.get(
        "/api/v1/candidates?min_experience=9&max_experience=2",
        &m.token,
    )
    .await
    .problem(400, "validation");
}

#[tokio::test(flavor = "multi_thread")]
async fn search_reflects_each_write_when_its_response_arrives() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    let id = candidate(&s, &m, json!({"full_name": "Quentin Zebrowski"})).await;
    assert_eq!(
        names(
            s.get("/api/v1/candidates?q=zebrowski", &m.token)
                .await
                .ok(200)
        ),
        vec!["Quentin Zebrowski"]
    );
    s.patch(
        &format!("/api/v1/candidates/{id}"),
        &m.token,
        json!({"full_name": "Quentin Yablonski"}),
    )
    .await
    .ok(200);
    assert_eq!(
        s.get("/api/v1/candidates?q=zebrowski", &m.token)
            .await
            .ok(200)["total"],
        0
    );
    assert_eq!(
        s.get("/api/v1/candidates?q=yablonski", &m.token)
            .await
            .ok(200)["total"],
        1
    );
    assert_eq!(
        s.delete(&format!("/api/v1/candidates/{id}"), &m.token)
            .await
            .status,
        204
    );
    assert_eq!(
        s.get("/api/v1/candidates?q=yablonski", &m.token)
            .await
            .ok(200)["total"],
        0
    );

    // Concurrent writers: every one is searchable when its own response arrives.
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (base, token) = (s.base.clone(), m.token.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let name = format!("Concurrent Person{i}");
            let r = client
                .post(format!("{base}/api/v1/candidates"))
                .bearer_auth(&token)
                .json(&json!({"full_name": name}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            let id = r.json::<Value>().await.unwrap()["id"].as_u64().unwrap();
            let found: Value = client
                .get(format!("{base}/api/v1/candidates?q=person{i}%20&limit=100"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let ids: Vec<u64> = found["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_u64().unwrap())
                .collect();
            assert!(
                ids.contains(&id),
                "person{i} (id {id}) not searchable after its write: {ids:?}"
            );
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_candidate_removes_applications_and_keeps_counters_exact() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    let job = s
        .post("/api/v1/jobs", &m.token, json!({"title": "Role"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let keep = candidate(&s, &m, json!({"full_name": "Keep Me"})).await;
    let gone = candidate(
        &s,
        &m,
        json!({"full_name": "Remove Me", "email": "gone@example.com"}),
    )
    .await;
    for c in [keep, gone] {
        s.post(
            "/api/v1/applications",
            &m.token,
            json!({"job_id": job, "candidate_id": c, "status": "hired"}),
        )
        .await
        .ok(201);
    }
    let j = s.get(&format!("/api/v1/jobs/{job}"), &m.token).await;
    assert_eq!(
        (j.body["applicants"].as_u64(), j.body["hired"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        s.delete(&format!("/api/v1/candidates/{gone}"), &m.token)
            .await
            .status,
        204
    );
    let j = s.get(&format!("/api/v1/jobs/{job}"), &m.token).await;
    assert_eq!(
        (j.body["applicants"].as_u64(), j.body["hired"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        s.get(&format!("/api/v1/applications?job_id={job}"), &m.token)
            .await
            .ok(200)["total"],
        1
    );
    // The email is free again.
    candidate(
        &s,
        &m,
        json!({"full_name": "New Person", "email": "gone@example.com"}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn links_typed_without_https_are_completed_not_refused() {
    let s = TestServer::start().await;
    let m = s.register("links@acme.test", "Acme").await;
    let r = s
        .post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": "Jane Doe", "linkedin_url": "linkedin.com/in/jane-doe", "website_url": " www.jane.dev "}),
        )
        .await;
    let c = r.ok(201);
    assert_eq!(c["linkedin_url"], "https://linkedin.com/in/jane-doe");
    assert_eq!(c["website_url"], "https://www.jane.dev");
    let id = c["id"].as_u64().unwrap();
    let r = s
        .patch(
            &format!("/api/v1/candidates/{id}"),
            &m.token,
            json!({"github_url": "github.com/janedoe"}),
        )
        .await;
    assert_eq!(r.ok(200)["github_url"], "https://github.com/janedoe");
    // What is not a link at all is still refused, naming the field.
    let r = s
        .patch(
            &format!("/api/v1/candidates/{id}"),
            &m.token,
            json!({"github_url": "janedoe on github"}),
        )
        .await;
    assert_eq!(
        r.problem(400, "validation")["errors"][0]["field"],
        "github_url"
    );
}
