//! The hiring workflow: interviews (with scorecards and .ics), offers (with their lifecycle
//! and the hire it makes), and insights over both.

use serde_json::{Value, json};

use crate::common::{Member, TestServer};

async fn setup(s: &TestServer, m: &Member) -> (u64, u64) {
    let job = s
        .post("/api/v1/jobs", &m.token, json!({"title": "Staff Engineer"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let c = s
        .post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": "Grace Hopper", "email": "grace@example.com"}),
        )
        .await;
    (job, c.ok(201)["id"].as_u64().unwrap())
}

fn stage_of(apps: &Value) -> &str {
    apps["items"][0]["status"].as_str().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn scheduling_moves_the_application_and_scorecards_are_recorded() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme").await;
    let (job, c) = setup(&s, &m).await;
    s.post(
        "/api/v1/applications",
        &m.token,
        json!({"job_id": job, "candidate_id": c, "status": "screening"}),
    )
    .await
    .ok(201);
    let body = json!({"candidate_id": c, "job_id": job, "scheduled_at": "2031-06-01T14:00:00+02:00", "duration_min": 60,
        "kind": "video", "location_or_url": "https://meet.example.com/abc", "interviewers": [{"name": "Ada Lovelace"}, {"name": "Alan Turing", "email": "alan@elsewhere.example"}]});
    let i = s
        .post("/api/v1/interviews", &m.token, body)
        .await
        .ok(201)
        .clone();
    assert_eq!(i["status"], "scheduled");
    assert_eq!(i["scheduled_at"], "2031-06-01T12:00:00Z");
    assert_eq!(
        i["interviewers"],
        json!([{"user_id": null, "name": "Ada Lovelace", "email": null},
               {"user_id": null, "name": "Alan Turing", "email": "alan@elsewhere.example"}]),
        "people without an account are on the panel by name"
    );
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job}"), &m.token)
        .await;
    assert_eq!(stage_of(&apps.body), "interview");
    let id = i["id"].as_u64().unwrap();
    let path = format!("/api/v1/interviews/{id}");

    let card = json!({"add_scorecard": {"interviewer": "Ada Lovelace", "score": 87, "recommendation": "strong_hire", "notes": "Excellent"}});
    let r = s.patch(&path, &m.token, card).await;
    assert_eq!(r.ok(200)["scorecards"][0]["score"], 87);
    assert_eq!(r.body["scorecards"][0]["recommendation"], "strong_hire");
    let bad =
        json!({"add_scorecard": {"interviewer": "Ada", "score": 101, "recommendation": "hire"}});
    s.patch(&path, &m.token, bad)
        .await
        .problem(400, "validation");
    s.patch(
        &path,
        &m.token,
        json!({"add_scorecard": {"interviewer": "Ada", "score": 5, "recommendation": "maybe"}}),
    )
    .await
    .problem(400, "validation");
    let moved = s
        .patch(
            &path,
            &m.token,
            json!({"scheduled_at": "2031-06-02T09:30:00Z"}),
        )
        .await;
    assert_eq!(moved.ok(200)["scheduled_at"], "2031-06-02T09:30:00Z");
    assert_eq!(
        s.patch(&path, &m.token, json!({"status": "completed"}))
            .await
            .ok(200)["status"],
        "completed"
    );
    s.patch(&path, &m.token, json!({"status": "scheduled"}))
        .await
        .problem(422, "business_rule");
    s.patch(
        &path,
        &m.token,
        json!({"scheduled_at": "2031-07-01T09:00:00Z"}),
    )
    .await
    .problem(422, "business_rule");

    let listed = s
        .get(
            &format!(
                "/api/v1/interviews?candidate_id={c}&status=completed&from=2031-06-01T00:00:00Z"
            ),
            &m.token,
        )
        .await;
    assert_eq!(listed.ok(200)["total"], 1);
    let none = s
        .get("/api/v1/interviews?to=2030-01-01T00:00:00Z", &m.token)
        .await;
    assert_eq!(none.ok(200)["total"], 0);
    s.get("/api/v1/interviews?from=tomorrow", &m.token)
        .await
        .problem(400, "validation");
    let audit = s.get("/api/v1/audit?type=interview", &m.token).await;
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "interview.completed",
            "interview.rescheduled",
            "interview.scorecard_added",
            "interview.scheduled"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ics_export_is_a_valid_calendar_event() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme").await;
    let (job, c) = setup(&s, &m).await;
    let body = json!({"candidate_id": c, "job_id": job, "scheduled_at": "2031-06-01T14:00:00Z", "duration_min": 45,
        "kind": "onsite", "location_or_url": "HQ, Room 4; 2nd floor"});
    let id = s.post("/api/v1/interviews", &m.token, body).await.ok(201)["id"]
        .as_u64()
        .unwrap();
    let r = reqwest::Client::new()
        .get(s.url(&format!("/api/v1/interviews/{id}/ics")))
        .bearer_auth(&m.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = r.text().await.unwrap();
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{ics}"
    );
    assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
    for line in [
        "DTSTART:20310601T140000Z",
        "DTEND:20310601T144500Z",
        "LOCATION:HQ\\, Room 4\\; 2nd floor",
        "STATUS:CONFIRMED",
    ] {
        assert!(ics.contains(line), "missing {line} in {ics}");
    }
    assert!(ics.lines().all(|l| l.len() <= 75));
    assert!(ics.contains("UID:interview-"));
    let other = s.register("b@globex.test", "Globex").await;
    s.get(&format!("/api/v1/interviews/{id}/ics"), &other.token)
        .await
        .problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn offers_follow_their_lifecycle_and_acceptance_hires() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme").await;
    let (job, c) = setup(&s, &m).await;
    let base = json!({"candidate_id": c, "job_id": job, "base_salary": 150000, "currency": "USD", "bonus": 10000, "start_date": "2031-07-01"});
    for (patch, field) in [
        (json!({"currency": "usd"}), "currency"),
        (json!({"base_salary": 0}), "base_salary"),
        (json!({"start_date": "July 1st"}), "start_date"),
    ] {
        let mut body = base.clone();
        body.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        let r = s.post("/api/v1/offers", &m.token, body).await;
        assert!(
            r.problem(400, "validation")["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field)
        );
    }
    assert_eq!(s.get("/api/v1/offers", &m.token).await.ok(200)["total"], 0);

    let offer = s
        .post("/api/v1/offers", &m.token, base)
        .await
        .ok(201)
        .clone();
    assert_eq!(offer["status"], "draft");
    assert_eq!(offer["sent_at"], Value::Null);
    let path = format!("/api/v1/offers/{}", offer["id"]);
    s.patch(&path, &m.token, json!({"status": "accepted"}))
        .await
        .problem(422, "business_rule");
    let sent = s.patch(&path, &m.token, json!({"status": "sent"})).await;
    assert!(sent.ok(200)["sent_at"].is_string());
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job}"), &m.token)
        .await;
    assert_eq!(stage_of(&apps.body), "offer");
    let accepted = s
        .patch(
            &path,
            &m.token,
            json!({"status": "accepted", "decision": "Signed"}),
        )
        .await;
    assert_eq!(accepted.ok(200)["status"], "accepted");
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job}"), &m.token)
        .await;
    assert_eq!(stage_of(&apps.body), "hired");
    assert_eq!(
        s.get(&format!("/api/v1/jobs/{job}"), &m.token).await.body["hired"],
        1
    );
    s.patch(&path, &m.token, json!({"status": "draft"}))
        .await
        .problem(422, "business_rule");
    s.patch(&path, &m.token, json!({"base_salary": 1}))
        .await
        .problem(422, "business_rule");
    s.delete(&path, &m.token)
        .await
        .problem(422, "business_rule");
    assert_eq!(s.get(&path, &m.token).await.ok(200)["base_salary"], 150000);
}

#[tokio::test(flavor = "multi_thread")]
async fn insights_count_the_funnel_sources_interviews_and_offers() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme").await;
    let job = s
        .post("/api/v1/jobs", &m.token, json!({"title": "Analyst"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    s.post(
        "/api/v1/jobs",
        &m.token,
        json!({"title": "Old", "status": "closed"}),
    )
    .await
    .ok(201);
    let mut ids = Vec::new();
    for (name, source) in [("A", "referral"), ("B", "referral"), ("C", "careers")] {
        let c = s
            .post("/api/v1/candidates", &m.token, json!({"full_name": name}))
            .await
            .ok(201)["id"]
            .as_u64()
            .unwrap();
        s.post(
            "/api/v1/applications",
            &m.token,
            json!({"job_id": job, "candidate_id": c, "status": "applied", "source": source}),
        )
        .await
        .ok(201);
        ids.push(c);
    }
    let offer = |c: u64| json!({"candidate_id": c, "job_id": job, "base_salary": 90000, "currency": "EUR", "status": "sent"});
    let o1 = s
        .post("/api/v1/offers", &m.token, offer(ids[0]))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let o2 = s
        .post("/api/v1/offers", &m.token, offer(ids[1]))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    s.patch(
        &format!("/api/v1/offers/{o1}"),
        &m.token,
        json!({"status": "accepted"}),
    )
    .await
    .ok(200);
    s.patch(
        &format!("/api/v1/offers/{o2}"),
        &m.token,
        json!({"status": "declined"}),
    )
    .await
    .ok(200);
    let soon = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    s.post(
        "/api/v1/interviews",
        &m.token,
        json!({"candidate_id": ids[2], "job_id": job, "scheduled_at": soon, "kind": "phone"}),
    )
    .await
    .ok(201);

    let r = s.get("/api/v1/insights", &m.token).await;
    let i = r.ok(200);
    assert_eq!(i["open_jobs"], 1);
    let funnel = i["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["job_id"] == job)
        .unwrap();
    let count = |stage: &str| {
        funnel["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["stage"] == stage)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(
        (
            count("hired"),
            count("offer"),
            count("interview"),
            count("applied")
        ),
        (1, 1, 1, 0)
    );
    assert_eq!(funnel["total"], 3);
    assert_eq!(i["time_to_hire"]["hires"], 1);
    assert_eq!(i["time_to_hire"]["median_days"], 0.0);
    assert_eq!(
        i["sources"][0],
        json!({"source": "referral", "applications": 2, "hires": 1, "hire_rate": 0.5})
    );
    assert_eq!(i["interviews_next_7_days"], 1);
    assert_eq!(i["offers"]["acceptance_rate"], 0.5);
    assert_eq!(
        (
            i["offers"]["sent"].as_u64(),
            i["offers"]["accepted"].as_u64()
        ),
        (Some(2), Some(1))
    );

    // Withdrawn: one after it was sent (it counts as sent), one that was only a draft.
    for status in ["sent", "draft"] {
        let o = s
            .post(
                "/api/v1/offers",
                &m.token,
                json!({"candidate_id": ids[2], "job_id": job, "base_salary": 80000, "currency": "EUR", "status": status}),
            )
            .await
            .ok(201)["id"]
            .as_u64()
            .unwrap();
        s.patch(
            &format!("/api/v1/offers/{o}"),
            &m.token,
            json!({"status": "withdrawn"}),
        )
        .await
        .ok(200);
    }
    for path in [
        "/api/v1/insights".to_string(),
        format!("/api/v1/insights?job_id={job}"),
    ] {
        let offers = s.get(&path, &m.token).await.ok(200)["offers"].clone();
        assert_eq!(
            (&offers["sent"], &offers["withdrawn"], &offers["accepted"]),
            (&json!(3), &json!(2), &json!(1)),
            "{path}: {offers}"
        );
    }
    s.get("/api/v1/insights?job_id=999999", &m.token)
        .await
        .problem(404, "not_found");
}
