//! Matching through the API: candidates for a job and jobs for a candidate, ranked on six
//! axes with reasons and skills; the tenant's weights; the match log; and what must fail.

use hirebase::auth::Role;
use serde_json::{Value, json};

use crate::common::{Member, Reply, TestServer, eventually};

async fn job(s: &TestServer, m: &Member, body: Value) -> u64 {
    s.post("/api/v1/jobs", &m.token, body).await.ok(201)["id"]
        .as_u64()
        .unwrap()
}

async fn candidate(s: &TestServer, m: &Member, body: Value) -> u64 {
    s.post("/api/v1/candidates", &m.token, body).await.ok(201)["id"]
        .as_u64()
        .unwrap()
}

fn ranked(r: &Reply, id: &str) -> Vec<u64> {
    r.ok(200)["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("no matches: {}", r.text))
        .iter()
        .map(|m| m[id].as_u64().unwrap())
        .collect()
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_lowercase())
        .collect()
}

/// A senior backend job in Berlin and three candidates: one who fits (skills named by their
/// aliases), one who half fits, one whose skills only look alike (Java, JavaScript).
async fn berlin(s: &TestServer, m: &Member) -> (u64, [u64; 3]) {
    let job = job(s, m, json!({
        "title": "Senior Backend Engineer", "level": "senior", "location": "Berlin, Germany",
        "remote_option": "hybrid", "salary_min": 80000, "salary_max": 100000, "currency": "EUR",
        "required_skills": ["Rust", "PostgreSQL", "Kubernetes"], "nice_to_have_skills": ["Kafka"],
        "description": "Build our payments backend in Rust. 5+ years of backend experience."
    })).await;
    let fits = candidate(s, m, json!({
        "full_name": "Ada Fit", "current_title": "Senior Backend Engineer", "location": "Berlin, Germany",
        "skills": ["rust", "postgres", "k8s", "kafka"], "experience_years": 7,
        "expected_salary_min": 85000, "expected_salary_max": 95000, "expected_salary_currency": "EUR",
        "availability": "available", "remote_preference": "hybrid"
    })).await;
    let half = candidate(s, m, json!({
        "full_name": "Ben Half", "current_title": "Backend Developer", "location": "Lisbon, Portugal",
        "skills": ["Rust"], "experience_years": 3, "availability": "notice_period",
        "notice_period_days": 90
    })).await;
    let alike = candidate(s, m, json!({
        "full_name": "Cy Alike", "current_title": "Frontend Developer", "location": "Berlin, Germany",
        "skills": ["Java", "JavaScript"], "experience_years": 2,
        "notes": "backend curious"
    })).await;
    (job, [fits, half, alike])
}

#[tokio::test(flavor = "multi_thread")]
async fn candidates_for_a_job_are_ranked_on_six_axes_with_reasons() {
    let s = TestServer::start().await;
    let m = s.register("lead@match.test", "Match Co").await;
    let (job, [fits, half, alike]) = berlin(&s, &m).await;
    // Another tenant's perfect fit never appears.
    let other = s.register("lead@other.test", "Other Co").await;
    let outsider = candidate(&s, &other, json!({"full_name": "Out Sider", "skills": ["Rust", "PostgreSQL", "Kubernetes"], "location": "Berlin"})).await;

    let r = s
        .post(
            "/api/v1/matching/candidates_for_job",
            &m.token,
            json!({"job_id": job}),
        )
        .await;
    let order = ranked(&r, "candidate_id");
    assert_eq!(r.body["job_id"], job);
    assert_eq!(&order[..2], &[fits, half], "{}", r.text);
    assert!(!order.contains(&outsider));
    if let Some(pos) = order.iter().position(|id| *id == alike) {
        assert!(pos >= 2);
    }
    let best = &r.body["matches"][0];
    assert_eq!(best["full_name"], "Ada Fit");
    assert_eq!(best["current_title"], "Senior Backend Engineer");
    assert_eq!(best["strategy"], "hybrid");
    let score = best["score"].as_u64().unwrap();
    assert!((70..=100).contains(&score), "{best}");
    for axis in [
        "skills",
        "experience",
        "seniority",
        "location",
        "compensation",
        "availability",
    ] {
        let v = best["breakdown"][axis]
            .as_u64()
            .unwrap_or_else(|| panic!("{axis}: {best}"));
        assert!(v <= 100);
    }
    assert!(
        best["breakdown"]["skills"].as_u64().unwrap() >= 90,
        "{best}"
    );
    let matched = names(&best["matched_skills"]);
    for skill in ["rust", "postgresql", "kubernetes"] {
        assert!(matched.contains(&skill.to_string()), "{matched:?}");
    }
    assert!(names(&best["missing_skills"]).is_empty(), "{best}");
    let second = &r.body["matches"][1];
    assert!(second["score"].as_u64().unwrap() < score);
    let missing = names(&second["missing_skills"]);
    assert!(missing.contains(&"kubernetes".to_string()), "{second}");
    let reason = second["reason"].as_str().unwrap().to_lowercase();
    assert!(
        reason.contains("kubernetes"),
        "the reason names what is missing: {reason}"
    );
    // Java and JavaScript are not each other, and neither is Rust.
    if let Some(m) = r.body["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["candidate_id"] == alike)
    {
        assert!(names(&m["matched_skills"]).is_empty(), "{m}");
    }

    // `limit` is honoured; another tenant's job is not found.
    let one = s
        .post(
            "/api/v1/matching/candidates_for_job",
            &m.token,
            json!({"job_id": job, "limit": 1}),
        )
        .await;
    assert_eq!(ranked(&one, "candidate_id"), vec![fits]);
    s.post(
        "/api/v1/matching/candidates_for_job",
        &other.token,
        json!({"job_id": job}),
    )
    .await
    .problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn jobs_for_a_candidate_are_the_open_jobs_that_fit_best() {
    let s = TestServer::start().await;
    let m = s.register("lead@jobs.test", "Jobs Co").await;
    let (berlin_job, [fits, _, _]) = berlin(&s, &m).await;
    let data = job(
        &s,
        &m,
        json!({"title": "Data Analyst", "required_skills": ["SQL", "Tableau"], "level": "junior"}),
    )
    .await;
    let closed = job(&s, &m, json!({"title": "Rust Engineer", "required_skills": ["Rust", "Kubernetes"], "status": "closed"})).await;
    let r = s
        .post(
            "/api/v1/matching/jobs_for_candidate",
            &m.token,
            json!({"candidate_id": fits}),
        )
        .await;
    let order = ranked(&r, "job_id");
    assert_eq!(r.body["candidate_id"], fits);
    assert_eq!(order.first(), Some(&berlin_job), "{}", r.text);
    assert!(
        !order.contains(&closed),
        "closed jobs are not offered: {}",
        r.text
    );
    if let Some(pos) = order.iter().position(|id| *id == data) {
        assert!(pos > 0);
    }
    let best = &r.body["matches"][0];
    assert_eq!(best["title"], "Senior Backend Engineer");
    assert_eq!(best["status"], "open");
    assert_eq!(best["strategy"], "hybrid");

    let other = s.register("lead@else.test", "Else Co").await;
    s.post(
        "/api/v1/matching/jobs_for_candidate",
        &other.token,
        json!({"candidate_id": fits}),
    )
    .await
    .problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn weights_are_a_tenant_setting_and_answers_are_logged() {
    let s = TestServer::start().await;
    let m = s.register("lead@weights.test", "Weights Co").await;
    let (job, [fits, ..]) = berlin(&s, &m).await;
    let defaults = s.get("/api/v1/tenants/me", &m.token).await.ok(200)["match_weights"].clone();
    assert_eq!(defaults["skills"], 40, "{defaults}");

    // Bad weights are refused and change nothing.
    let zero = json!({"skills": 0, "experience": 0, "seniority": 0, "location": 0, "compensation": 0, "availability": 0});
    let r = s
        .patch(
            "/api/v1/tenants/me",
            &m.token,
            json!({"match_weights": zero}),
        )
        .await;
    assert_eq!(
        crate::common::fields(r.problem(400, "validation")),
        vec!["match_weights"]
    );
    let r = s.patch("/api/v1/tenants/me", &m.token, json!({"match_weights": {"skills": 101, "experience": 0, "seniority": 0, "location": 0, "compensation": 0, "availability": 0}})).await;
    r.problem(400, "validation");
    assert_eq!(
        s.get("/api/v1/tenants/me", &m.token).await.ok(200)["match_weights"],
        defaults
    );

    // Skills alone: the score is the skills axis.
    let only = json!({"skills": 1, "experience": 0, "seniority": 0, "location": 0, "compensation": 0, "availability": 0});
    let t = s
        .patch(
            "/api/v1/tenants/me",
            &m.token,
            json!({"match_weights": only}),
        )
        .await;
    assert_eq!(t.ok(200)["match_weights"], only);
    let r = s
        .post(
            "/api/v1/matching/candidates_for_job",
            &m.token,
            json!({"job_id": job}),
        )
        .await;
    for m in r.ok(200)["matches"].as_array().unwrap() {
        assert_eq!(m["score"], m["breakdown"]["skills"], "{m}");
    }
    // null restores the defaults.
    let t = s
        .patch(
            "/api/v1/tenants/me",
            &m.token,
            json!({"match_weights": null}),
        )
        .await;
    assert_eq!(t.ok(200)["match_weights"], defaults);

    s.post(
        "/api/v1/matching/jobs_for_candidate",
        &m.token,
        json!({"candidate_id": fits}),
    )
    .await
    .ok(200);
    // The log is written after the answer, with the writer's next batch.
    eventually("the match log holds the answer", || async {
        let page = s.get("/api/v1/matching/logs?limit=1", &m.token).await;
        page.ok(200)["items"][0]["direction"] == "jobs_for_candidate"
    })
    .await;
    let page = s.get("/api/v1/matching/logs?limit=1", &m.token).await;
    let newest = &page.ok(200)["items"][0];
    assert_eq!(newest["direction"], "jobs_for_candidate");
    assert_eq!(newest["subject_id"], fits);
    assert_eq!(newest["actor"], "lead@weights.test");
    assert_eq!(newest["top"][0]["id"], job);
    assert_eq!(page.body["has_more"], true);
    let before = page.body["next_before"].as_str().unwrap();
    let older = s
        .get(
            &format!("/api/v1/matching/logs?limit=1&before={before}"),
            &m.token,
        )
        .await;
    assert_eq!(older.ok(200)["items"][0]["direction"], "candidates_for_job");
    assert_eq!(older.body["items"][0]["subject_id"], job);
    assert_eq!(older.body["items"][0]["top"][0]["id"], fits);

    let other = s.register("lead@notlogged.test", "Quiet Co").await;
    let theirs = s.get("/api/v1/matching/logs", &other.token).await;
    assert_eq!(theirs.ok(200)["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_and_roles_are_refused() {
    let s = TestServer::start().await;
    let m = s.register("lead@refuse.test", "Refuse Co").await;
    let (job, [fits, ..]) = berlin(&s, &m).await;
    for body in [
        json!({"job_id": job, "limit": 0}),
        json!({"job_id": job, "limit": 101}),
        json!({"limit": 5}),
        json!({"job_id": "five"}),
    ] {
        s.post("/api/v1/matching/candidates_for_job", &m.token, body)
            .await
            .problem(400, "validation");
    }
    s.post(
        "/api/v1/matching/candidates_for_job",
        &m.token,
        json!({"job_id": 999_999}),
    )
    .await
    .problem(404, "not_found");
    let interviewer = s
        .seed_member(m.org_id, "iv@refuse.test", Role::Interviewer)
        .await;
    s.post(
        "/api/v1/matching/candidates_for_job",
        &interviewer.token,
        json!({"job_id": job}),
    )
    .await
    .problem(403, "forbidden");
    s.get("/api/v1/matching/logs", &interviewer.token)
        .await
        .problem(403, "forbidden");
    // Refused requests log nothing.
    assert_eq!(
        s.get("/api/v1/matching/logs", &m.token).await.ok(200)["items"],
        json!([])
    );

    // The fields the axes read are validated like the others, and a refusal changes nothing.
    for (body, field) in [
        (
            json!({"expected_salary_min": 90000, "expected_salary_max": 80000}),
            "expected_salary_min",
        ),
        (
            json!({"expected_salary_currency": "euro"}),
            "expected_salary_currency",
        ),
        (json!({"notice_period_days": 400}), "notice_period_days"),
        (json!({"availability": "soon"}), "availability"),
        (json!({"remote_preference": "mars"}), "remote_preference"),
    ] {
        let r = s
            .patch(&format!("/api/v1/candidates/{fits}"), &m.token, body)
            .await;
        assert_eq!(
            crate::common::fields(r.problem(400, "validation")),
            vec![field],
            "{}",
            r.text
        );
    }
    let c = s.get(&format!("/api/v1/candidates/{fits}"), &m.token).await;
    assert_eq!(c.ok(200)["expected_salary_min"], 85000);
    assert_eq!(c.body["availability"], "available");
    let c = s
        .patch(&format!("/api/v1/candidates/{fits}"), &m.token, json!({"availability": "notice_period", "notice_period_days": 30, "expected_salary_currency": "usd", "willing_to_relocate": true}))
        .await;
    assert_eq!(c.ok(200)["availability"], "notice_period");
    assert_eq!(c.body["notice_period_days"], 30);
    assert_eq!(c.body["expected_salary_currency"], "USD");
    assert_eq!(c.body["willing_to_relocate"], true);
}
