//! `GET /account/export`: the organisation's data, given back, without secrets and without
//! anything of another organisation.

use serde_json::{Value, json};

use crate::common::TestServer;

#[tokio::test]
async fn the_export_holds_the_organisations_data_without_secrets_or_other_tenants() {
    let s = TestServer::start().await;
    let a = s.register("owner@alpha.example", "Alpha").await;
    let b = s.register("owner@beta.example", "Beta").await;
    let job = s
        .post("/api/v1/jobs", &a.token, json!({"title": "Welder"}))
        .await
        .ok(201)["id"]
        .clone();
    let c = s
        .post(
            "/api/v1/candidates",
            &a.token,
            json!({"full_name": "Rosie Riveter", "email": "rosie@example.com"}),
        )
        .await
        .ok(201)["id"]
        .clone();
    let app = s
        .post(
            "/api/v1/applications",
            &a.token,
            json!({"job_id": job, "candidate_id": c, "status": "applied"}),
        )
        .await
        .ok(201)["id"]
        .clone();
    s.patch(
        &format!("/api/v1/applications/{app}"),
        &a.token,
        json!({"status": "screening"}),
    )
    .await
    .ok(200);
    s.post(
        "/api/v1/webhooks",
        &a.token,
        json!({"url": "https://93.184.215.14/hook", "events": ["candidate.applied"]}),
    )
    .await
    .ok(201);
    s.post(
        "/api/v1/candidates",
        &b.token,
        json!({"full_name": "Someone Else", "email": "else@example.com"}),
    )
    .await
    .ok(201);

    let r = reqwest::Client::new()
        .get(s.url("/api/v1/account/export"))
        .bearer_auth(&a.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("alpha-export-"), "{disposition}");
    let text = r.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).expect("the export is one JSON document");
    assert_eq!(doc["format"], "hirebase-export");
    assert_eq!(doc["tenant"]["slug"], "alpha");
    assert_eq!(doc["users"][0]["email"], "owner@alpha.example");
    assert!(doc["users"][0].get("password_hash").is_none());
    assert_eq!(doc["candidates"].as_array().unwrap().len(), 1);
    assert_eq!(doc["candidates"][0]["full_name"], "Rosie Riveter");
    let history = doc["applications"][0]["history"].as_array().unwrap();
    assert!(history.len() >= 2, "{history:?}");
    assert_eq!(doc["webhooks"][0]["url"], "https://93.184.215.14/hook");
    assert!(doc["webhooks"][0].get("secret").is_none());
    assert!(!doc["audit"].as_array().unwrap().is_empty());
    assert!(!text.contains("Someone Else") && !text.contains("$argon2"));

    let recruiter = s
        .seed_member(
            a.org_id,
            "rec@alpha.example",
            hirebase::auth::Role::Recruiter,
        )
        .await;
    s.get("/api/v1/account/export", &recruiter.token)
        .await
        .problem(403, "forbidden");
}
