//! The public careers portal: listing, projection, applying (dedup), the HTML page.

use reqwest::Method;
use serde_json::json;

use crate::common::TestServer;

#[tokio::test(flavor = "multi_thread")]
async fn only_open_public_jobs_are_listed_across_tenants_without_internal_fields() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme Bank").await;
    let b = s.register("b@globex.test", "Globex").await;
    let open = s
        .post(
            "/api/v1/jobs",
            &a.token,
            json!({"title": "Teller", "is_public": true, "description": "Count money"}),
        )
        .await;
    let open = open.ok(201)["id"].as_u64().unwrap();
    let private = s
        .post("/api/v1/jobs", &a.token, json!({"title": "Secret Analyst"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let closed = s
        .post(
            "/api/v1/jobs",
            &b.token,
            json!({"title": "Old Role", "is_public": true, "status": "closed"}),
        )
        .await;
    let closed = closed.ok(201)["id"].as_u64().unwrap();
    s.post(
        "/api/v1/jobs",
        &b.token,
        json!({"title": "Welder", "is_public": true}),
    )
    .await
    .ok(201);

    let list = s
        .call(Method::GET, "/api/v1/careers/jobs", None, None)
        .await;
    let list = list.ok(200);
    assert_eq!(list["total"], 2);
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Welder", "Teller"]);
    let teller = &list["items"][1];
    assert_eq!(teller["company"]["slug"], "acme-bank");
    for internal in [
        "org_id",
        "applicants",
        "hired",
        "created_by_user_id",
        "is_public",
    ] {
        assert!(
            teller.get(internal).is_none(),
            "{internal} leaked: {teller}"
        );
    }
    let found = s
        .call(Method::GET, "/api/v1/careers/jobs?q=money", None, None)
        .await;
    assert_eq!(found.ok(200)["items"][0]["id"], open);
    s.call(
        Method::GET,
        &format!("/api/v1/careers/jobs/{open}"),
        None,
        None,
    )
    .await
    .ok(200);
    for hidden in [private, closed, 999_999] {
        s.call(
            Method::GET,
            &format!("/api/v1/careers/jobs/{hidden}"),
            None,
            None,
        )
        .await
        .problem(404, "not_found");
    }
    // Closing a job takes it off the portal at once.
    s.patch(
        &format!("/api/v1/jobs/{open}"),
        &a.token,
        json!({"status": "closed"}),
    )
    .await
    .ok(200);
    assert_eq!(
        s.call(Method::GET, "/api/v1/careers/jobs", None, None)
            .await
            .body["total"],
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn applying_creates_or_reuses_the_candidate_and_a_repeat_is_deduplicated() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme").await;
    let job = s
        .post(
            "/api/v1/jobs",
            &a.token,
            json!({"title": "Teller", "is_public": true}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let other = s
        .post(
            "/api/v1/jobs",
            &a.token,
            json!({"title": "Clerk", "is_public": true}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let private = s
        .post("/api/v1/jobs", &a.token, json!({"title": "Internal"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let body = json!({"job_id": job, "full_name": "Kwame Mensah", "email": "Kwame@Example.com", "experience_years": 7, "skills": ["Go"]});
    let first = s
        .call(
            Method::POST,
            "/api/v1/careers/apply",
            None,
            Some(body.clone()),
        )
        .await;
    let first = first.ok(201).clone();
    assert_eq!(first["dedup"], false);
    let again = s
        .call(
            Method::POST,
            "/api/v1/careers/apply",
            None,
            Some(body.clone()),
        )
        .await;
    assert_eq!(again.ok(200)["dedup"], true);
    assert_eq!(again.body["application_id"], first["application_id"]);
    let second_job =
        json!({"job_id": other, "full_name": "Kwame M.", "email": "kwame@example.com"});
    let r = s
        .call(
            Method::POST,
            "/api/v1/careers/apply",
            None,
            Some(second_job),
        )
        .await;
    assert_eq!(
        r.ok(201)["candidate_id"],
        first["candidate_id"],
        "the candidate is reused by email"
    );

    let private_apply = json!({"job_id": private, "full_name": "X", "email": "x@example.com"});
    s.call(
        Method::POST,
        "/api/v1/careers/apply",
        None,
        Some(private_apply),
    )
    .await
    .problem(404, "not_found");
    let bad = json!({"job_id": job, "full_name": "", "email": "nope"});
    s.call(Method::POST, "/api/v1/careers/apply", None, Some(bad))
        .await
        .problem(400, "validation");

    let candidates = s.get("/api/v1/candidates", &a.token).await;
    assert_eq!(
        candidates.ok(200)["total"],
        1,
        "refused applications created nobody"
    );
    assert_eq!(candidates.body["items"][0]["source"], "careers");
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job}"), &a.token)
        .await;
    assert_eq!(apps.ok(200)["items"][0]["status"], "applied");
    assert_eq!(
        s.get(&format!("/api/v1/jobs/{job}"), &a.token).await.body["applicants"],
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_branded_page_lists_jobs_and_its_form_applies_without_javascript() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme Bank").await;
    s.patch(
        "/api/v1/tenants/me",
        &a.token,
        json!({"brand_color": "#7c3aed", "tagline": "Bank <b>better</b>"}),
    )
    .await
    .ok(200);
    let job = s
        .post(
            "/api/v1/jobs",
            &a.token,
            json!({"title": "Teller <script>", "is_public": true}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    s.post("/api/v1/jobs", &a.token, json!({"title": "Hidden Role"}))
        .await
        .ok(201);

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(s.url("/careers/acme-bank"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'none'")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("Careers at Acme Bank"));
    assert!(html.contains("#7c3aed"));
    assert!(
        html.contains("Teller &lt;script&gt;") && !html.contains("<script>"),
        "text is escaped"
    );
    assert!(html.contains("Bank &lt;b&gt;better&lt;/b&gt;"));
    assert!(!html.contains("Hidden Role"));
    assert!(html.contains("action=\"/careers/acme-bank/apply\""));

    let form = [
        ("job_id", job.to_string()),
        ("full_name", "Ama Owusu".into()),
        ("email", "ama@example.com".into()),
        ("skills", "Excel, Customer service".into()),
    ];
    let r = client
        .post(s.url("/careers/acme-bank/apply"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/careers/acme-bank?applied={job}")
    );
    let thanks = client
        .get(s.url(&format!("/careers/acme-bank?applied={job}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thanks.contains("your application was received"));
    let c = s.get("/api/v1/candidates?q=owusu", &a.token).await;
    assert_eq!(
        c.ok(200)["items"][0]["skills"],
        json!(["Excel", "Customer service"])
    );

    let bad = [
        ("job_id", job.to_string()),
        ("full_name", "Ama".into()),
        ("email", "not-an-email".into()),
    ];
    let r = client
        .post(s.url("/careers/acme-bank/apply"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("role=\"alert\"") && html.contains("value=\"not-an-email\""),
        "the form keeps what was typed"
    );
    // A mistyped careers address is a page for a person, not a problem document.
    let r = s
        .call(Method::GET, "/careers/no-such-org", None, None)
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    assert_eq!(
        r.header("content-type"),
        Some("text/html; charset=utf-8"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("<h1>Careers page not found</h1>"),
        "{}",
        r.text
    );
}
