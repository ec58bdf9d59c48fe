//! Interview panels and the interviewer's narrower view: a panel member is a teammate (by user
//! id or email) or an outside person (by name); an interviewer sees only the interviews they
//! sit on and may add only their own scorecard. Filtered lists read their own index, so their
//! totals and order are checked against what was created.

use hirebase::auth::Role;
use serde_json::{Value, json};

use crate::common::{Member, Reply, TestServer};

async fn job_and_candidate(s: &TestServer, m: &Member, name: &str) -> (u64, u64) {
    let job = s
        .post(
            "/api/v1/jobs",
            &m.token,
            json!({"title": format!("Engineer for {name}")}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let c = s
        .post("/api/v1/candidates", &m.token, json!({"full_name": name}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    (job, c)
}

fn ids(r: &Reply) -> Vec<u64> {
    r.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {}", r.text))
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect()
}

async fn schedule(s: &TestServer, m: &Member, job: u64, c: u64, at: &str, panel: Value) -> u64 {
    let body = json!({"candidate_id": c, "job_id": job, "scheduled_at": at, "kind": "video", "interviewers": panel});
    s.post("/api/v1/interviews", &m.token, body).await.ok(201)["id"]
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn panels_link_teammates_by_id_or_email_and_keep_outsiders_by_name() {
    let s = TestServer::start().await;
    let admin = s.register("admin@panel.test", "Panel Co").await;
    let ada = s
        .seed_member(admin.org_id, "ada@panel.test", Role::Interviewer)
        .await;
    let other = s.register("eve@elsewhere.test", "Elsewhere").await;
    let (job, c) = job_and_candidate(&s, &admin, "Grace Hopper").await;

    let body = json!({"candidate_id": c, "job_id": job, "scheduled_at": "2031-03-01T10:00:00Z", "kind": "panel",
        "interviewers": [{"user_id": ada.user_id}, {"email": "ADMIN@panel.test"}, {"name": "Dana Scully"},
                         {"email": "ada@panel.test"}]});
    let i = s.post("/api/v1/interviews", &admin.token, body).await;
    let panel = i.ok(201)["interviewers"].as_array().unwrap().clone();
    assert_eq!(
        panel.len(),
        3,
        "the same teammate twice is listed once: {panel:?}"
    );
    assert_eq!(panel[0]["user_id"], ada.user_id);
    assert_eq!(panel[0]["email"], "ada@panel.test");
    assert_eq!(
        panel[1]["user_id"], admin.user_id,
        "an email finds the teammate"
    );
    assert_eq!(
        panel[2],
        json!({"user_id": null, "name": "Dana Scully", "email": null})
    );

    // Another tenant's user is not a teammate: by id it is refused, by email it is an outsider.
    let bad = json!({"candidate_id": c, "job_id": job, "scheduled_at": "2031-03-01T10:00:00Z", "kind": "video",
        "interviewers": [{"user_id": other.user_id}, {}]});
    let r = s.post("/api/v1/interviews", &admin.token, bad).await;
    let fields: Vec<&str> = r.problem(400, "validation")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["interviewers[0].user_id", "interviewers[1]"]);
    let outsider = json!({"candidate_id": c, "job_id": job, "scheduled_at": "2031-03-01T10:00:00Z", "kind": "video",
        "interviewers": [{"email": "eve@elsewhere.test"}]});
    let r = s.post("/api/v1/interviews", &admin.token, outsider).await;
    assert_eq!(
        r.ok(201)["interviewers"][0],
        json!({"user_id": null, "name": "eve@elsewhere.test", "email": "eve@elsewhere.test"})
    );
    let total = s.get("/api/v1/interviews", &admin.token).await.ok(200)["total"].clone();
    assert_eq!(total, 2, "the refused schedule stored nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interviewer_sees_only_their_panels_and_scores_only_as_themselves() {
    let s = TestServer::start().await;
    let admin = s.register("admin@rules.test", "Rules Co").await;
    let ada = s
        .seed_member(admin.org_id, "ada@rules.test", Role::Interviewer)
        .await;
    let (job, c) = job_and_candidate(&s, &admin, "Katherine Johnson").await;
    let mine = schedule(
        &s,
        &admin,
        job,
        c,
        "2031-04-01T09:00:00Z",
        json!([{"email": "ada@rules.test"}]),
    )
    .await;
    // A name that happens to be hers does not put her on a panel: only her account does.
    let theirs = schedule(
        &s,
        &admin,
        job,
        c,
        "2031-04-02T09:00:00Z",
        json!([{"name": "ada@rules.test "}, {"name": "Somebody"}]),
    )
    .await;

    let r = s.get("/api/v1/interviews", &ada.token).await;
    assert_eq!((ids(&r), r.body["total"].clone()), (vec![mine], json!(1)));
    let r = s
        .get(&format!("/api/v1/interviews?job_id={job}"), &ada.token)
        .await;
    assert_eq!(ids(&r), vec![mine]);
    s.get(&format!("/api/v1/interviews/{theirs}"), &ada.token)
        .await
        .problem(404, "not_found");
    s.get(&format!("/api/v1/interviews/{theirs}/ics"), &ada.token)
        .await
        .problem(404, "not_found");
    s.get(&format!("/api/v1/interviews/{mine}/ics"), &ada.token)
        .await
        .ok(200);

    // Her scorecard is hers whatever name she types; she may change nothing else.
    let card = json!({"add_scorecard": {"interviewer": "Somebody Else", "score": 91, "recommendation": "hire"}});
    let r = s
        .patch(
            &format!("/api/v1/interviews/{mine}"),
            &ada.token,
            card.clone(),
        )
        .await;
    let cards = r.ok(200)["scorecards"].as_array().unwrap().clone();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["interviewer_user_id"], ada.user_id);
    assert_eq!(cards[0]["interviewer"], "ada", "her own name");
    s.patch(&format!("/api/v1/interviews/{theirs}"), &ada.token, card)
        .await
        .problem(404, "not_found");
    let r = s
        .patch(
            &format!("/api/v1/interviews/{mine}"),
            &ada.token,
            json!({"status": "completed", "add_scorecard": {"score": 10, "recommendation": "no"}}),
        )
        .await;
    r.problem(403, "forbidden");
    let after = s
        .get(&format!("/api/v1/interviews/{mine}"), &admin.token)
        .await;
    assert_eq!(
        after.ok(200)["status"],
        "scheduled",
        "a refused patch changes nothing"
    );
    assert_eq!(after.body["scorecards"][0]["score"], 91);

    // A second scorecard of hers replaces the first; the recruiter's card for an outsider stays.
    s.patch(
        &format!("/api/v1/interviews/{mine}"),
        &admin.token,
        json!({"add_scorecard": {"interviewer": "Dana Scully", "score": 60, "recommendation": "mixed"}}),
    )
    .await
    .ok(200);
    let r = s
        .patch(
            &format!("/api/v1/interviews/{mine}"),
            &ada.token,
            json!({"add_scorecard": {"score": 95, "recommendation": "strong_hire"}}),
        )
        .await;
    let cards = r.ok(200)["scorecards"].as_array().unwrap().clone();
    let scores: Vec<(Value, Value)> = cards
        .iter()
        .map(|c| (c["interviewer"].clone(), c["score"].clone()))
        .collect();
    assert_eq!(
        scores,
        vec![(json!("Dana Scully"), json!(60)), (json!("ada"), json!(95))]
    );

    // Taken off the panel, she no longer sees it.
    s.patch(
        &format!("/api/v1/interviews/{mine}"),
        &admin.token,
        json!({"interviewers": [{"name": "Dana Scully"}]}),
    )
    .await
    .ok(200);
    let r = s.get("/api/v1/interviews", &ada.token).await;
    assert_eq!(r.ok(200)["total"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn interview_lists_filter_by_record_status_and_window_in_time_order() {
    let s = TestServer::start().await;
    let m = s.register("rec@lists.test", "Lists Co").await;
    let (job_a, c1) = job_and_candidate(&s, &m, "Ada").await;
    let (job_b, c2) = job_and_candidate(&s, &m, "Bo").await;
    let none = json!([]);
    // Created out of time order; listed soonest first.
    let late = schedule(&s, &m, job_a, c1, "2031-05-03T09:00:00Z", none.clone()).await;
    let early = schedule(&s, &m, job_a, c2, "2031-05-01T09:00:00Z", none.clone()).await;
    let mid = schedule(&s, &m, job_b, c1, "2031-05-02T09:00:00Z", none.clone()).await;
    let cancelled = schedule(&s, &m, job_b, c2, "2031-05-02T12:00:00Z", none).await;
    s.patch(
        &format!("/api/v1/interviews/{cancelled}"),
        &m.token,
        json!({"status": "cancelled"}),
    )
    .await
    .ok(200);

    let cases: Vec<(String, Vec<u64>)> = vec![
        ("".into(), vec![early, mid, cancelled, late]),
        (format!("job_id={job_a}"), vec![early, late]),
        (format!("candidate_id={c1}"), vec![mid, late]),
        (format!("candidate_id={c1}&job_id={job_b}"), vec![mid]),
        ("status=scheduled".into(), vec![early, mid, late]),
        ("status=cancelled".into(), vec![cancelled]),
        (
            "from=2031-05-02T09:00:00Z&to=2031-05-02T12:00:00Z".into(),
            vec![mid, cancelled],
        ),
        (
            "from=2031-05-02T09:00:00.5Z&to=2031-05-03T09:00:00Z".into(),
            vec![cancelled, late],
        ),
        (
            "status=scheduled&from=2031-05-02T00:00:00Z".into(),
            vec![mid, late],
        ),
        (format!("job_id={job_b}&status=scheduled"), vec![mid]),
        ("from=2031-05-04T00:00:00Z".into(), vec![]),
        (
            "from=2031-05-03T00:00:00Z&to=2031-05-01T00:00:00Z".into(),
            vec![],
        ),
    ];
    for (query, want) in cases {
        let r = s
            .get(&format!("/api/v1/interviews?{query}"), &m.token)
            .await;
        assert_eq!(
            (ids(&r), r.body["total"].as_u64()),
            (want.clone(), Some(want.len() as u64)),
            "?{query}"
        );
    }
    // Pages of the time index: skip and limit, with the whole total.
    let r = s.get("/api/v1/interviews?skip=1&limit=2", &m.token).await;
    assert_eq!(
        (ids(&r), r.body["total"].clone()),
        (vec![mid, cancelled], json!(4))
    );
    let r = s
        .get(
            "/api/v1/interviews?status=scheduled&skip=2&limit=5",
            &m.token,
        )
        .await;
    assert_eq!((ids(&r), r.body["total"].clone()), (vec![late], json!(3)));

    // Rescheduling refiles the interview in time order.
    s.patch(
        &format!("/api/v1/interviews/{late}"),
        &m.token,
        json!({"scheduled_at": "2031-04-30T09:00:00Z"}),
    )
    .await
    .ok(200);
    let r = s.get("/api/v1/interviews?status=scheduled", &m.token).await;
    assert_eq!(ids(&r), vec![late, early, mid]);
    // Deleting unfiles it.
    s.delete(&format!("/api/v1/interviews/{early}"), &m.token)
        .await
        .ok(204);
    let r = s
        .get(&format!("/api/v1/interviews?candidate_id={c2}"), &m.token)
        .await;
    assert_eq!(ids(&r), vec![cancelled]);
}

#[tokio::test(flavor = "multi_thread")]
async fn offer_and_application_lists_filter_through_their_indexes() {
    let s = TestServer::start().await;
    let m = s.register("rec@offers.test", "Offers Co").await;
    let (job_a, c1) = job_and_candidate(&s, &m, "Ada").await;
    let (job_b, c2) = job_and_candidate(&s, &m, "Bo").await;
    let offer = |c: u64, job: u64, status: &str| json!({"candidate_id": c, "job_id": job, "base_salary": 100000, "currency": "EUR", "status": status});
    let mut made = vec![];
    for (c, job, status) in [
        (c1, job_a, "draft"),
        (c2, job_a, "sent"),
        (c1, job_b, "sent"),
    ] {
        let r = s
            .post("/api/v1/offers", &m.token, offer(c, job, status))
            .await;
        made.push(r.ok(201)["id"].as_u64().unwrap());
    }
    let (o1, o2, o3) = (made[0], made[1], made[2]);
    s.patch(
        &format!("/api/v1/offers/{o3}"),
        &m.token,
        json!({"status": "declined"}),
    )
    .await
    .ok(200);
    for (query, want) in [
        (String::new(), vec![o3, o2, o1]),
        (format!("candidate_id={c1}"), vec![o3, o1]),
        (format!("job_id={job_a}"), vec![o2, o1]),
        ("status=sent".into(), vec![o2]),
        ("status=declined".into(), vec![o3]),
        (format!("candidate_id={c1}&status=draft"), vec![o1]),
        (format!("candidate_id={c2}&job_id={job_b}"), vec![]),
    ] {
        let r = s.get(&format!("/api/v1/offers?{query}"), &m.token).await;
        assert_eq!(
            (ids(&r), r.body["total"].as_u64()),
            (want.clone(), Some(want.len() as u64)),
            "offers?{query}"
        );
    }
    let r = s.get("/api/v1/offers?limit=1&skip=1", &m.token).await;
    assert_eq!((ids(&r), r.body["total"].clone()), (vec![o2], json!(3)));

    // Each offer put its candidate into the job's pipeline at `offer`; a move refiles it.
    let r = s.get("/api/v1/applications?status=offer", &m.token).await;
    assert_eq!(r.ok(200)["total"], 3);
    let app = r.body["items"][0]["id"].as_u64().unwrap();
    assert_eq!(r.body["items"][0]["job_id"], job_b, "newest first");
    s.patch(
        &format!("/api/v1/applications/{app}"),
        &m.token,
        json!({"status": "rejected"}),
    )
    .await
    .ok(200);
    let r = s.get("/api/v1/applications?status=offer", &m.token).await;
    assert_eq!(r.ok(200)["total"], 2);
    let r = s
        .get("/api/v1/applications?status=rejected", &m.token)
        .await;
    assert_eq!(ids(&r), vec![app]);
    for (job, want) in [(job_a, vec![]), (job_b, vec![app])] {
        let r = s
            .get(
                &format!("/api/v1/applications?job_id={job}&status=rejected"),
                &m.token,
            )
            .await;
        assert_eq!(ids(&r), want, "job {job}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_candidate_is_mailed_the_invitation_its_changes_and_its_cancellation() {
    let s = TestServer::start().await;
    let admin = s.register("admin@invite.test", "Invite Co").await;
    let job = s
        .post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": "Platform Engineer"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let c = s
        .post(
            "/api/v1/candidates",
            &admin.token,
            json!({"full_name": "Grace Hopper", "email": "grace@cobol.test"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let body = json!({"candidate_id": c, "job_id": job, "scheduled_at": "2031-03-04T14:00:00Z",
        "duration_min": 60, "kind": "video", "location_or_url": "https://meet.example.com/abc"});
    let i = s.post("/api/v1/interviews", &admin.token, body).await;
    let id = i.ok(201)["id"].as_u64().unwrap();
    assert_eq!(i.body["candidate_notified"], true);

    let mails = s.mails_to(&admin.token, "grace@cobol.test", 1).await;
    let invite = &mails[0];
    assert_eq!(invite["kind"], "interview_invitation");
    assert_eq!(invite["subject"], "Interview invitation from Invite Co");
    let text = invite["text"].as_str().unwrap();
    assert!(
        text.contains("video interview for Platform Engineer"),
        "{text}"
    );
    assert!(
        text.contains("Tuesday 4 March 2031, 14:00 to 15:00 UTC"),
        "{text}"
    );
    assert!(text.contains("https://meet.example.com/abc"), "{text}");
    let ics = &invite["attachments"][0];
    assert_eq!(ics["filename"], "interview.ics");
    assert!(
        ics["content_type"]
            .as_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let cal = ics["content"].as_str().unwrap();
    assert!(cal.contains("DTSTART:20310304T140000Z\r\n"), "{cal}");
    assert!(cal.contains("DTEND:20310304T150000Z\r\n"), "{cal}");
    assert!(
        cal.contains(&format!("UID:interview-{id}@127.0.0.1\r\n")),
        "{cal}"
    );

    // A scorecard-free change of the panel mails nothing; a new time does.
    s.patch(
        &format!("/api/v1/interviews/{id}"),
        &admin.token,
        json!({"interviewers": [{"name": "Alan Turing"}]}),
    )
    .await
    .ok(200);
    s.patch(
        &format!("/api/v1/interviews/{id}"),
        &admin.token,
        json!({"scheduled_at": "2031-03-05T09:30:00Z"}),
    )
    .await
    .ok(200);
    let mails = s.mails_to(&admin.token, "grace@cobol.test", 2).await;
    assert_eq!(mails[0]["kind"], "interview_changed");
    let cal = mails[0]["attachments"][0]["content"].as_str().unwrap();
    assert!(cal.contains("DTSTART:20310305T093000Z"), "{cal}");
    assert!(
        cal.contains(&format!("UID:interview-{id}@")),
        "the same event: {cal}"
    );

    s.patch(
        &format!("/api/v1/interviews/{id}"),
        &admin.token,
        json!({"status": "cancelled"}),
    )
    .await
    .ok(200);
    let mails = s.mails_to(&admin.token, "grace@cobol.test", 3).await;
    assert_eq!(mails[0]["kind"], "interview_cancelled");
    let cal = mails[0]["attachments"][0]["content"].as_str().unwrap();
    assert!(cal.contains("STATUS:CANCELLED"), "{cal}");

    // Asked not to, or with no address, nobody is mailed.
    let body = json!({"candidate_id": c, "job_id": job, "scheduled_at": "2031-04-01T10:00:00Z",
        "kind": "phone", "notify_candidate": false});
    let quiet = s.post("/api/v1/interviews", &admin.token, body).await;
    assert_eq!(quiet.ok(201)["candidate_notified"], false);
    let (job2, nobody) = job_and_candidate(&s, &admin, "No Address").await;
    let body = json!({"candidate_id": nobody, "job_id": job2, "scheduled_at": "2031-04-01T10:00:00Z", "kind": "phone"});
    let r = s.post("/api/v1/interviews", &admin.token, body).await;
    assert_eq!(r.ok(201)["candidate_notified"], false);
    let all = s.get("/api/v1/admin/outbox?limit=100", &admin.token).await;
    let to_grace = all.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"] == "grace@cobol.test")
        .count();
    assert_eq!(to_grace, 3);
}
