//! The talent marketplace (seed 000): people, projects and their slots, engagements that fill
//! and reopen slots, who sees what (talent accounts their own profile and engagements, hiring
//! managers no private profile, other organisations nothing), and slot matches ranked by the
//! matching engine with their six-axis breakdowns.

use hirebase::auth::Role;
use serde_json::{Value, json};

use crate::common::{Member, Reply, TestServer, fields, reply};

const PEOPLE: &str = "/api/v1/people";
const PROJECTS: &str = "/api/v1/projects";
const ENGAGEMENTS: &str = "/api/v1/engagements";

fn ids(r: &Reply) -> Vec<u64> {
    r.ok(200)["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {}", r.text))
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect()
}

fn id(r: &Reply) -> u64 {
    r.ok(201)["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("no id: {}", r.text))
}

async fn person(s: &TestServer, m: &Member, body: Value) -> u64 {
    id(&s.post(PEOPLE, &m.token, body).await)
}

async fn project(s: &TestServer, m: &Member, name: &str) -> u64 {
    id(&s.post(PROJECTS, &m.token, json!({"name": name})).await)
}

async fn slot(s: &TestServer, m: &Member, project: u64, body: Value) -> u64 {
    id(&s
        .post(&format!("{PROJECTS}/{project}/slots"), &m.token, body)
        .await)
}

async fn engage(s: &TestServer, m: &Member, slot: u64, person: u64, from: &str, to: &str) -> Reply {
    let body = json!({"slot_id": slot, "person_id": person, "start_date": from, "end_date": to});
    s.post(ENGAGEMENTS, &m.token, body).await
}

async fn slot_status(s: &TestServer, m: &Member, slot: u64) -> (String, Value) {
    let r = s.get(&format!("/api/v1/slots/{slot}"), &m.token).await;
    let body = r.ok(200);
    (
        body["status"].as_str().unwrap().to_string(),
        body["engagement_id"].clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn people_are_created_changed_filtered_and_deleted() {
    let s = TestServer::start().await;
    let admin = s.register("admin@people.test", "People Co").await;

    let ada = s
        .post(
            PEOPLE,
            &admin.token,
            json!({"full_name": " Ada Lovelace ", "headline": "Analytical engines", "skills": ["Rust", "rust", " Kubernetes "],
                   "seniority": "senior", "rate_min": 600, "rate_max": 800, "currency": "EUR",
                   "work_type": "freelance", "location": "London", "visibility": "public"}),
        )
        .await;
    let body = ada.ok(201);
    assert_eq!(body["full_name"], "Ada Lovelace");
    assert_eq!(body["skills"], json!(["Rust", "Kubernetes"]));
    assert_eq!(
        (
            &body["availability"],
            &body["work_type"],
            &body["visibility"]
        ),
        (&json!("available"), &json!("freelance"), &json!("public"))
    );
    let ada = body["id"].as_u64().unwrap();
    // Defaults: available, contract, visible to the organisation.
    let bob = s
        .post(PEOPLE, &admin.token, json!({"full_name": "Bob"}))
        .await;
    assert_eq!(
        (&bob.ok(201)["work_type"], &bob.body["visibility"]),
        (&json!("contract"), &json!("tenant"))
    );
    let bob = bob.body["id"].as_u64().unwrap();
    let cy = person(
        &s,
        &admin,
        json!({"full_name": "Cy", "skills": ["Go", "kubernetes"], "seniority": "junior", "availability": "notice_period",
               "rate_max": 400, "currency": "EUR", "visibility": "private"}),
    )
    .await;
    let dee = person(
        &s,
        &admin,
        json!({"full_name": "Dee", "skills": ["Rust"], "rate_min": 900, "rate_max": 1200, "currency": "USD", "work_type": "part_time"}),
    )
    .await;

    // Every filter, alone and combined; newest first, with exact totals.
    for (query, want) in [
        ("", vec![dee, cy, bob, ada]),
        ("?skills=KUBERNETES", vec![cy, ada]),
        ("?skills=rust,kubernetes", vec![ada]),
        ("?skills=java", vec![]),
        ("?availability=notice_period", vec![cy]),
        ("?seniority=senior", vec![ada]),
        ("?work_type=contract", vec![cy, bob]),
        ("?visibility=private", vec![cy]),
        ("?min_rate=700&max_rate=950", vec![dee, ada]),
        ("?max_rate=500", vec![cy]),
        ("?min_rate=801", vec![dee]),
        ("?currency=eur", vec![cy, ada]),
        ("?min_rate=700&currency=EUR", vec![ada]),
        ("?skills=rust&work_type=part_time", vec![dee]),
    ] {
        let r = s.get(&format!("{PEOPLE}{query}"), &admin.token).await;
        assert_eq!(ids(&r), want, "{query}: {}", r.text);
        assert_eq!(r.body["total"], want.len(), "{query}");
    }
    let r = s
        .get(&format!("{PEOPLE}?skip=1&limit=2"), &admin.token)
        .await;
    assert_eq!(
        (ids(&r), r.body["total"].clone()),
        (vec![cy, bob], json!(4))
    );

    // Bad input: a problem document naming the field, and nothing stored.
    for (body, field) in [
        (
            json!({"full_name": "X", "rate_min": 900, "rate_max": 100, "currency": "EUR"}),
            "rate_min",
        ),
        (json!({"full_name": "X", "rate_max": 100}), "currency"),
        (
            json!({"full_name": "X", "rate_max": 100, "currency": "euro"}),
            "currency",
        ),
        (json!({"full_name": "   "}), "full_name"),
        (json!({"full_name": "X", "work_type": "gig"}), "work_type"),
        (json!({"full_name": "X", "user_id": bob}), "user_id"),
    ] {
        let r = s.post(PEOPLE, &admin.token, body.clone()).await;
        assert_eq!(
            fields(r.problem(400, "validation")),
            vec![field],
            "{body}: {}",
            r.text
        );
    }
    let r = s
        .get(&format!("{PEOPLE}?min_rate=10&max_rate=5"), &admin.token)
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["min_rate"]);
    assert_eq!(s.get(PEOPLE, &admin.token).await.ok(200)["total"], 4);

    // PATCH: absent keeps, null clears a nullable field and is refused for the others.
    let r = s
        .patch(
            &format!("{PEOPLE}/{ada}"),
            &admin.token,
            json!({"headline": null, "skills": ["Rust", "Go"], "availability": "engaged"}),
        )
        .await;
    let body = r.ok(200);
    assert_eq!(
        (&body["headline"], &body["skills"], &body["availability"]),
        (&Value::Null, &json!(["Rust", "Go"]), &json!("engaged"))
    );
    assert_eq!(body["location"], "London");
    let r = s
        .get(&format!("{PEOPLE}?skills=kubernetes"), &admin.token)
        .await;
    assert_eq!(ids(&r), vec![cy], "the filing follows the change");
    let r = s
        .patch(
            &format!("{PEOPLE}/{ada}"),
            &admin.token,
            json!({"full_name": null, "rate_min": 5000}),
        )
        .await;
    assert_eq!(
        fields(r.problem(400, "validation")),
        vec!["full_name"],
        "{}",
        r.text
    );
    let r = s
        .patch(
            &format!("{PEOPLE}/{ada}"),
            &admin.token,
            json!({"rate_min": 5000}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["rate_min"]);
    let r = s.get(&format!("{PEOPLE}/{ada}"), &admin.token).await;
    assert_eq!(
        r.ok(200)["rate_min"],
        600,
        "a refused change changes nothing"
    );

    s.delete(&format!("{PEOPLE}/{bob}"), &admin.token)
        .await
        .ok(204);
    s.get(&format!("{PEOPLE}/{bob}"), &admin.token)
        .await
        .problem(404, "not_found");
    assert_eq!(s.get(PEOPLE, &admin.token).await.ok(200)["total"], 3);

    let audit = s.get("/api/v1/audit?type=person", &admin.token).await;
    let actions: Vec<&str> = audit.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions[..2], ["person.deleted", "person.updated"]);
    assert_eq!(
        actions.iter().filter(|a| **a == "person.created").count(),
        4
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn projects_and_slots_are_created_listed_changed_and_deleted() {
    let s = TestServer::start().await;
    let admin = s.register("admin@projects.test", "Projects Co").await;

    let r = s
        .post(
            PROJECTS,
            &admin.token,
            json!({"name": "Migration", "client": "Acme Bank", "start_date": "2026-03-01", "end_date": "2026-09-30"}),
        )
        .await;
    assert_eq!(r.ok(201)["status"], "active");
    let migration = r.body["id"].as_u64().unwrap();
    let other = project(&s, &admin, "Audit").await;
    s.patch(
        &format!("{PROJECTS}/{other}"),
        &admin.token,
        json!({"status": "planned", "client": "Acme"}),
    )
    .await
    .ok(200);
    let r = s
        .get(&format!("{PROJECTS}?status=planned"), &admin.token)
        .await;
    assert_eq!(ids(&r), vec![other]);
    assert_eq!(
        ids(&s.get(PROJECTS, &admin.token).await),
        vec![other, migration]
    );

    for (body, field) in [
        (
            json!({"name": "X", "start_date": "2026-05-01", "end_date": "2026-05-01"}),
            "end_date",
        ),
        (
            json!({"name": "X", "start_date": "2026-02-30"}),
            "start_date",
        ),
        (json!({"name": ""}), "name"),
    ] {
        let r = s.post(PROJECTS, &admin.token, body.clone()).await;
        assert_eq!(fields(r.problem(400, "validation")), vec![field], "{body}");
    }
    let r = s
        .patch(
            &format!("{PROJECTS}/{migration}"),
            &admin.token,
            json!({"end_date": "2026-01-01"}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["end_date"]);
    assert_eq!(s.get(PROJECTS, &admin.token).await.ok(200)["total"], 2);

    let slots = format!("{PROJECTS}/{migration}/slots");
    let r = s
        .post(
            &slots,
            &admin.token,
            json!({"title": "Platform engineer", "skills": ["Rust", "Kubernetes"], "seniority": "senior",
                   "rate_max": 800, "currency": "EUR", "work_type": "contract", "start_date": "2026-03-01", "end_date": "2026-06-30"}),
        )
        .await;
    let body = r.ok(201);
    assert_eq!(
        (&body["status"], &body["project_id"], &body["engagement_id"]),
        (&json!("open"), &json!(migration), &Value::Null)
    );
    let platform = body["id"].as_u64().unwrap();
    let tester = slot(
        &s,
        &admin,
        migration,
        json!({"title": "Tester", "status": "filled"}),
    )
    .await;
    let elsewhere = slot(&s, &admin, other, json!({"title": "Auditor"})).await;
    assert_eq!(
        ids(&s.get(&slots, &admin.token).await),
        vec![tester, platform]
    );
    let r = s.get(&format!("{slots}?status=open"), &admin.token).await;
    assert_eq!(ids(&r), vec![platform]);
    s.get(&format!("{PROJECTS}/999999/slots"), &admin.token)
        .await
        .problem(404, "not_found");
    s.post(
        &format!("{PROJECTS}/999999/slots"),
        &admin.token,
        json!({"title": "Nowhere"}),
    )
    .await
    .problem(404, "not_found");
    let r = s
        .post(
            &slots,
            &admin.token,
            json!({"title": "Cheap", "rate_max": 100}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["currency"]);

    let r = s
        .patch(
            &format!("/api/v1/slots/{tester}"),
            &admin.token,
            json!({"status": "open", "skills": ["Playwright"], "seniority": null}),
        )
        .await;
    assert_eq!(
        (&r.ok(200)["status"], &r.body["skills"]),
        (&json!("open"), &json!(["Playwright"]))
    );
    let r = s
        .patch(
            &format!("/api/v1/slots/{tester}"),
            &admin.token,
            json!({"title": null}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["title"]);

    s.delete(&format!("/api/v1/slots/{tester}"), &admin.token)
        .await
        .ok(204);
    s.get(&format!("/api/v1/slots/{tester}"), &admin.token)
        .await
        .problem(404, "not_found");
    // Deleting a project takes its slots (and their engagements) with it.
    let ada = person(&s, &admin, json!({"full_name": "Ada"})).await;
    let e = id(&engage(&s, &admin, elsewhere, ada, "2026-01-01", "2026-02-01").await);
    s.delete(&format!("{PROJECTS}/{other}"), &admin.token)
        .await
        .ok(204);
    for gone in [
        format!("{PROJECTS}/{other}"),
        format!("/api/v1/slots/{elsewhere}"),
        format!("{ENGAGEMENTS}/{e}"),
    ] {
        s.get(&gone, &admin.token).await.problem(404, "not_found");
    }
    assert_eq!(ids(&s.get(&slots, &admin.token).await), vec![platform]);
}

#[tokio::test(flavor = "multi_thread")]
async fn engagements_fill_slots_refuse_clashes_and_reopen_when_they_end() {
    let s = TestServer::start().await;
    let admin = s.register("admin@engage.test", "Engage Co").await;
    let p = project(&s, &admin, "Rollout").await;
    let first = slot(
        &s,
        &admin,
        p,
        json!({"title": "Lead", "start_date": "2026-04-01", "end_date": "2026-06-30"}),
    )
    .await;
    let second = slot(&s, &admin, p, json!({"title": "Second"})).await;
    let third = slot(&s, &admin, p, json!({"title": "Third"})).await;
    let ada = person(&s, &admin, json!({"full_name": "Ada"})).await;
    let bob = person(&s, &admin, json!({"full_name": "Bob"})).await;

    // start ≥ end is malformed: 400, nothing filled.
    for (from, to) in [("2026-05-01", "2026-05-01"), ("2026-05-02", "2026-05-01")] {
        let r = engage(&s, &admin, first, ada, from, to).await;
        assert_eq!(fields(r.problem(400, "validation")), vec!["end_date"]);
    }
    let r = engage(&s, &admin, first, ada, "someday", "2026-05-01").await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["start_date"]);
    // No dates given and none on the slot to default to.
    let r = s
        .post(
            ENGAGEMENTS,
            &admin.token,
            json!({"slot_id": second, "person_id": ada}),
        )
        .await;
    assert_eq!(
        fields(r.problem(400, "validation")),
        vec!["start_date", "end_date"]
    );
    assert_eq!(slot_status(&s, &admin, first).await.0, "open");
    s.post(
        ENGAGEMENTS,
        &admin.token,
        json!({"slot_id": 999999, "person_id": ada, "start_date": "2026-01-01", "end_date": "2026-02-01"}),
    )
    .await
    .problem(404, "not_found");

    // Dates default to the slot's; engaging fills the slot.
    let r = s
        .post(
            ENGAGEMENTS,
            &admin.token,
            json!({"slot_id": first, "person_id": ada}),
        )
        .await;
    let body = r.ok(201);
    assert_eq!(
        (
            &body["start_date"],
            &body["end_date"],
            &body["status"],
            &body["project_id"]
        ),
        (
            &json!("2026-04-01"),
            &json!("2026-06-30"),
            &json!("active"),
            &json!(p)
        )
    );
    let e1 = body["id"].as_u64().unwrap();
    assert_eq!(
        slot_status(&s, &admin, first).await,
        ("filled".to_string(), json!(e1))
    );

    // A filled slot refuses anyone else.
    let r = engage(&s, &admin, first, bob, "2026-04-01", "2026-04-30").await;
    assert!(
        r.problem(422, "business_rule")["detail"]
            .as_str()
            .unwrap()
            .contains("already filled"),
        "{}",
        r.text
    );
    // A person engaged on overlapping days (a shared last day counts) is refused elsewhere.
    let r = engage(&s, &admin, second, ada, "2026-06-30", "2026-08-31").await;
    assert!(
        r.problem(422, "business_rule")["detail"]
            .as_str()
            .unwrap()
            .contains("already engaged"),
        "{}",
        r.text
    );
    assert_eq!(slot_status(&s, &admin, second).await.0, "open");
    // The day after is free.
    let e2 = id(&engage(&s, &admin, second, ada, "2026-07-01", "2026-08-31").await);
    // Moving an engagement onto another of the person's is refused too.
    let r = s
        .patch(
            &format!("{ENGAGEMENTS}/{e2}"),
            &admin.token,
            json!({"start_date": "2026-06-15"}),
        )
        .await;
    r.problem(422, "business_rule");
    let r = s
        .patch(
            &format!("{ENGAGEMENTS}/{e2}"),
            &admin.token,
            json!({"end_date": "2026-06-01"}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["end_date"]);
    let r = s
        .patch(
            &format!("{ENGAGEMENTS}/{e2}"),
            &admin.token,
            json!({"end_date": "2026-09-15"}),
        )
        .await;
    assert_eq!(r.ok(200)["end_date"], "2026-09-15");

    // A slot an engagement holds cannot be reopened by hand.
    let r = s
        .patch(
            &format!("/api/v1/slots/{first}"),
            &admin.token,
            json!({"status": "open"}),
        )
        .await;
    r.problem(422, "business_rule");

    // Ending reopens the slot; a closed engagement stays closed.
    let r = s
        .patch(
            &format!("{ENGAGEMENTS}/{e1}"),
            &admin.token,
            json!({"status": "ended"}),
        )
        .await;
    assert_eq!(r.ok(200)["status"], "ended");
    assert!(r.body["closed_at"].is_string(), "{}", r.text);
    assert_eq!(
        slot_status(&s, &admin, first).await,
        ("open".to_string(), Value::Null)
    );
    for change in [
        json!({"status": "active"}),
        json!({"end_date": "2026-12-31"}),
    ] {
        let r = s
            .patch(&format!("{ENGAGEMENTS}/{e1}"), &admin.token, change)
            .await;
        r.problem(422, "business_rule");
    }
    // The reopened slot takes someone new; the ended engagement no longer blocks Ada.
    let e3 = id(&engage(&s, &admin, first, bob, "2026-04-01", "2026-06-30").await);
    // Cancelling reopens, and so does deleting.
    s.patch(
        &format!("{ENGAGEMENTS}/{e3}"),
        &admin.token,
        json!({"status": "cancelled"}),
    )
    .await
    .ok(200);
    assert_eq!(slot_status(&s, &admin, first).await.0, "open");
    assert_eq!(slot_status(&s, &admin, second).await.0, "filled");
    s.delete(&format!("{ENGAGEMENTS}/{e2}"), &admin.token)
        .await
        .ok(204);
    assert_eq!(
        slot_status(&s, &admin, second).await,
        ("open".to_string(), Value::Null)
    );
    // Deleting a person ends what they held.
    let e4 = id(&engage(&s, &admin, third, bob, "2027-01-01", "2027-02-01").await);
    s.delete(&format!("{PEOPLE}/{bob}"), &admin.token)
        .await
        .ok(204);
    s.get(&format!("{ENGAGEMENTS}/{e4}"), &admin.token)
        .await
        .problem(404, "not_found");
    assert_eq!(slot_status(&s, &admin, third).await.0, "open");

    // Lists and their filters.
    let r = s.get(ENGAGEMENTS, &admin.token).await;
    assert_eq!(ids(&r), vec![e1]);
    let r = s
        .get(
            &format!("{ENGAGEMENTS}?person_id={ada}&status=ended"),
            &admin.token,
        )
        .await;
    assert_eq!(ids(&r), vec![e1]);
    let r = s
        .get(&format!("{ENGAGEMENTS}?status=active"), &admin.token)
        .await;
    assert_eq!(ids(&r), Vec::<u64>::new());

    let audit = s.get("/api/v1/audit?type=engagement", &admin.token).await;
    let actions: Vec<&str> = audit.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "engagement.created",
        "engagement.ended",
        "engagement.cancelled",
        "engagement.updated",
        "engagement.deleted",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_engagements_racing_for_one_slot_cannot_both_win() {
    let s = TestServer::start().await;
    let admin = s.register("admin@race.test", "Race Co").await;
    let p = project(&s, &admin, "Race").await;
    for round in 0..5 {
        let seat = slot(&s, &admin, p, json!({"title": format!("Seat {round}")})).await;
        let mut racers = Vec::new();
        for i in 0..4 {
            racers.push(
                person(
                    &s,
                    &admin,
                    json!({"full_name": format!("Racer {round}.{i}")}),
                )
                .await,
            );
        }
        // Sent at once from separate tasks, so the requests meet at the store together.
        let attempts: Vec<_> = racers
            .iter()
            .map(|racer| {
                let request = reqwest::Client::new()
                    .post(s.url(ENGAGEMENTS))
                    .bearer_auth(&admin.token)
                    .json(&json!({"slot_id": seat, "person_id": racer,
                                  "start_date": "2026-01-01", "end_date": "2026-12-31"}));
                tokio::spawn(async move { reply(request.send().await.unwrap()).await })
            })
            .collect();
        let mut replies = Vec::new();
        for attempt in attempts {
            replies.push(attempt.await.unwrap());
        }
        let won: Vec<&Reply> = replies.iter().filter(|r| r.status == 201).collect();
        assert_eq!(won.len(), 1, "round {round}: {replies:?}");
        for r in replies.iter().filter(|r| r.status != 201) {
            r.problem(422, "business_rule");
        }
        let winner = won[0].body["id"].clone();
        assert_eq!(
            slot_status(&s, &admin, seat).await,
            ("filled".to_string(), winner)
        );
        let r = s
            .get(&format!("{ENGAGEMENTS}?slot_id={seat}"), &admin.token)
            .await;
        assert_eq!(r.ok(200)["total"], 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_talent_account_sees_and_edits_only_its_own_profile_and_engagements() {
    let s = TestServer::start().await;
    let admin = s.register("admin@talent.test", "Talent Co").await;
    let tess = s
        .seed_member(admin.org_id, "tess@talent.test", Role::Talent)
        .await;
    let hank = s
        .seed_member(admin.org_id, "hank@talent.test", Role::HiringManager)
        .await;
    let ivy = s
        .seed_member(admin.org_id, "ivy@talent.test", Role::Interviewer)
        .await;
    let rita = s
        .seed_member(admin.org_id, "rita@talent.test", Role::Recruiter)
        .await;

    // Only a talent account of the organisation links, and only to one profile.
    let r = s
        .post(
            PEOPLE,
            &admin.token,
            json!({"full_name": "Hank", "user_id": hank.user_id}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["user_id"]);
    let own = person(
        &s,
        &admin,
        json!({"full_name": "Tess", "user_id": tess.user_id, "visibility": "private"}),
    )
    .await;
    let r = s
        .post(
            PEOPLE,
            &rita.token,
            json!({"full_name": "Tess again", "user_id": tess.user_id}),
        )
        .await;
    r.problem(409, "conflict");
    let other = person(&s, &rita, json!({"full_name": "Otto"})).await;
    let secret = person(
        &s,
        &rita,
        json!({"full_name": "Sid", "visibility": "private"}),
    )
    .await;

    // Talent: its own profile, nothing else.
    let r = s.get(PEOPLE, &tess.token).await;
    assert_eq!((ids(&r), r.body["total"].clone()), (vec![own], json!(1)));
    s.get(&format!("{PEOPLE}/{own}"), &tess.token).await.ok(200);
    s.get(&format!("{PEOPLE}/{other}"), &tess.token)
        .await
        .problem(404, "not_found");
    let r = s
        .patch(
            &format!("{PEOPLE}/{own}"),
            &tess.token,
            json!({"headline": "Test automation", "skills": ["Playwright"], "availability": "notice_period"}),
        )
        .await;
    assert_eq!(r.ok(200)["headline"], "Test automation");
    s.patch(
        &format!("{PEOPLE}/{other}"),
        &tess.token,
        json!({"headline": "Hijacked"}),
    )
    .await
    .problem(404, "not_found");
    s.patch(
        &format!("{PEOPLE}/{own}"),
        &tess.token,
        json!({"user_id": null}),
    )
    .await
    .problem(403, "forbidden");
    s.post(PEOPLE, &tess.token, json!({"full_name": "Clone"}))
        .await
        .problem(403, "forbidden");
    s.delete(&format!("{PEOPLE}/{own}"), &tess.token)
        .await
        .problem(403, "forbidden");
    s.get(PROJECTS, &tess.token).await.problem(403, "forbidden");

    // Its engagements, not anyone else's.
    let p = project(&s, &admin, "Work").await;
    let a = slot(&s, &admin, p, json!({"title": "A"})).await;
    let b = slot(&s, &admin, p, json!({"title": "B"})).await;
    let mine = id(&engage(&s, &admin, a, own, "2026-01-01", "2026-02-01").await);
    let theirs = id(&engage(&s, &admin, b, other, "2026-01-01", "2026-02-01").await);
    let r = s.get(ENGAGEMENTS, &tess.token).await;
    assert_eq!((ids(&r), r.body["total"].clone()), (vec![mine], json!(1)));
    let r = s
        .get(&format!("{ENGAGEMENTS}?person_id={other}"), &tess.token)
        .await;
    assert_eq!(ids(&r), Vec::<u64>::new());
    s.get(&format!("{ENGAGEMENTS}/{mine}"), &tess.token)
        .await
        .ok(200);
    s.get(&format!("{ENGAGEMENTS}/{theirs}"), &tess.token)
        .await
        .problem(404, "not_found");
    s.patch(
        &format!("{ENGAGEMENTS}/{mine}"),
        &tess.token,
        json!({"status": "ended"}),
    )
    .await
    .problem(403, "forbidden");

    // A hiring manager reads, but no private profile, and changes nothing.
    let r = s.get(PEOPLE, &hank.token).await;
    assert_eq!(ids(&r), vec![other]);
    s.get(&format!("{PEOPLE}/{secret}"), &hank.token)
        .await
        .problem(404, "not_found");
    s.get(&format!("{PEOPLE}?visibility=private"), &hank.token)
        .await
        .ok(200);
    assert_eq!(
        ids(&s.get(ENGAGEMENTS, &hank.token).await),
        vec![theirs, mine]
    );
    s.get(&format!("/api/v1/slots/{a}"), &hank.token)
        .await
        .ok(200);
    for r in [
        s.post(PEOPLE, &hank.token, json!({"full_name": "No"}))
            .await,
        s.patch(
            &format!("{PEOPLE}/{other}"),
            &hank.token,
            json!({"headline": "No"}),
        )
        .await,
        s.post(PROJECTS, &hank.token, json!({"name": "No"})).await,
        s.delete(&format!("{ENGAGEMENTS}/{mine}"), &hank.token)
            .await,
    ] {
        r.problem(403, "forbidden");
    }
    // A recruiter manages everything, private profiles included.
    assert_eq!(
        ids(&s.get(PEOPLE, &rita.token).await),
        vec![secret, other, own]
    );
    s.patch(
        &format!("{PEOPLE}/{own}"),
        &rita.token,
        json!({"seniority": "mid"}),
    )
    .await
    .ok(200);
    // Other roles: none of it.
    for path in [PEOPLE, PROJECTS, ENGAGEMENTS] {
        s.get(path, &ivy.token).await.problem(403, "forbidden");
    }

    // What `/users/me` tells each client it may do.
    let me = s.get("/api/v1/users/me", &tess.token).await;
    let granted: Vec<&str> = me.ok(200)["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(granted.contains(&"own_talent_profile"), "{granted:?}");
    assert!(!granted.contains(&"people_read"), "{granted:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_organisations_marketplace_records_are_404() {
    let s = TestServer::start().await;
    let admin = s.register("admin@mine.test", "Mine").await;
    let eve = s.register("eve@theirs.test", "Theirs").await;
    let p = project(&s, &admin, "Ours").await;
    let seat = slot(&s, &admin, p, json!({"title": "Seat"})).await;
    let ada = person(&s, &admin, json!({"full_name": "Ada"})).await;
    let e = id(&engage(&s, &admin, seat, ada, "2026-01-01", "2026-02-01").await);
    let their_person = person(&s, &eve, json!({"full_name": "Eve"})).await;
    let their_project = project(&s, &eve, "Theirs").await;
    let their_slot = slot(&s, &eve, their_project, json!({"title": "Theirs"})).await;

    for path in [
        format!("{PEOPLE}/{ada}"),
        format!("{PROJECTS}/{p}"),
        format!("/api/v1/slots/{seat}"),
        format!("{ENGAGEMENTS}/{e}"),
    ] {
        s.get(&path, &eve.token).await.problem(404, "not_found");
        s.patch(&path, &eve.token, json!({}))
            .await
            .problem(404, "not_found");
        s.delete(&path, &eve.token).await.problem(404, "not_found");
    }
    for path in [
        format!("{PROJECTS}/{p}/slots"),
        format!("/api/v1/slots/{seat}/matches"),
    ] {
        s.get(&path, &eve.token).await.problem(404, "not_found");
    }
    s.post(
        &format!("{PROJECTS}/{p}/slots"),
        &eve.token,
        json!({"title": "Sneaky"}),
    )
    .await
    .problem(404, "not_found");
    // Their records cannot be combined with ours, either way round.
    for (slot_id, person_id) in [(seat, their_person), (their_slot, ada)] {
        let r = s
            .post(
                ENGAGEMENTS,
                &eve.token,
                json!({"slot_id": slot_id, "person_id": person_id, "start_date": "2026-03-01", "end_date": "2026-04-01"}),
            )
            .await;
        r.problem(404, "not_found");
    }
    let r = s
        .post(
            PEOPLE,
            &eve.token,
            json!({"full_name": "Link", "user_id": admin.user_id}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["user_id"]);
    // Lists are the tenant's own; ours are untouched.
    assert_eq!(ids(&s.get(PEOPLE, &eve.token).await), vec![their_person]);
    assert_eq!(
        ids(&s.get(ENGAGEMENTS, &eve.token).await),
        Vec::<u64>::new()
    );
    assert_eq!(ids(&s.get(PROJECTS, &eve.token).await), vec![their_project]);
    assert_eq!(slot_status(&s, &admin, seat).await.0, "filled");
    let r = s.get(&format!("{PEOPLE}/{ada}"), &admin.token).await;
    assert_eq!(r.ok(200)["full_name"], "Ada");
}

#[tokio::test(flavor = "multi_thread")]
async fn slot_matches_rank_people_with_six_axis_breakdowns() {
    let s = TestServer::start().await;
    let admin = s.register("admin@match.test", "Match Co").await;
    let p = s
        .post(
            PROJECTS,
            &admin.token,
            json!({"name": "Cloud platform", "client": "Acme", "description": "Rust services on Kubernetes",
                   "start_date": "2026-03-01", "end_date": "2026-08-31"}),
        )
        .await;
    let p = id(&p);
    let seat = slot(
        &s,
        &admin,
        p,
        json!({"title": "Senior Rust engineer", "skills": ["Rust", "Kubernetes"], "seniority": "senior",
               "rate_max": 800, "currency": "EUR", "work_type": "contract", "location": "Berlin"}),
    )
    .await;
    let best = person(
        &s,
        &admin,
        json!({"full_name": "Best Fit", "skills": ["rust", "k8s", "Go"], "seniority": "senior", "rate_min": 600,
               "rate_max": 750, "currency": "EUR", "work_type": "contract", "location": "Berlin"}),
    )
    .await;
    let partial = person(
        &s,
        &admin,
        json!({"full_name": "Partial Fit", "skills": ["Rust"], "seniority": "junior", "rate_min": 1200,
               "rate_max": 1500, "currency": "EUR", "work_type": "full_time", "location": "Lisbon"}),
    )
    .await;
    let none = person(
        &s,
        &admin,
        json!({"full_name": "No Fit", "skills": ["Excel"], "availability": "not_looking", "location": "Lima"}),
    )
    .await;
    // The best fit's twin, busy elsewhere on days of this slot's project.
    let busy = person(
        &s,
        &admin,
        json!({"full_name": "Busy Twin", "skills": ["rust", "k8s", "Go"], "seniority": "senior", "rate_min": 600,
               "rate_max": 750, "currency": "EUR", "work_type": "contract", "location": "Berlin"}),
    )
    .await;
    let other = project(&s, &admin, "Elsewhere").await;
    let other_seat = slot(&s, &admin, other, json!({"title": "Elsewhere"})).await;
    engage(&s, &admin, other_seat, busy, "2026-02-01", "2026-03-15")
        .await
        .ok(201);

    let r = s
        .get(&format!("/api/v1/slots/{seat}/matches"), &admin.token)
        .await;
    let body = r.ok(200);
    assert_eq!(body["slot_id"], seat);
    let matches = body["matches"].as_array().unwrap();
    let order: Vec<u64> = matches
        .iter()
        .map(|m| m["person_id"].as_u64().unwrap())
        .collect();
    assert_eq!(order.len(), 4, "{}", r.text);
    assert_eq!(order[0], best, "{}", r.text);
    assert_eq!(*order.last().unwrap(), none, "{}", r.text);
    let by_id = |id: u64| matches.iter().find(|m| m["person_id"] == id).unwrap();
    let scores: Vec<u64> = matches
        .iter()
        .map(|m| m["score"].as_u64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "ranked best first: {scores:?}"
    );
    assert!(
        by_id(best)["score"].as_u64() > by_id(partial)["score"].as_u64(),
        "{}",
        r.text
    );
    for m in matches {
        let breakdown = m["breakdown"].as_object().unwrap();
        let mut axes: Vec<&str> = breakdown.keys().map(String::as_str).collect();
        axes.sort_unstable();
        assert_eq!(
            axes,
            [
                "availability",
                "compensation",
                "experience",
                "location",
                "seniority",
                "skills"
            ]
        );
        assert!(
            breakdown
                .values()
                .all(|v| v.as_u64().is_some_and(|v| v <= 100))
        );
        assert!(m["reason"].as_str().is_some_and(|r| !r.is_empty()), "{m}");
        assert_eq!(m["strategy"], "hybrid");
    }
    let lower = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_lowercase())
            .collect()
    };
    assert_eq!(
        lower(&by_id(best)["matched_skills"]),
        ["rust", "kubernetes"]
    );
    assert_eq!(lower(&by_id(best)["missing_skills"]), Vec::<String>::new());
    assert_eq!(lower(&by_id(partial)["missing_skills"]), ["kubernetes"]);
    assert_eq!(
        lower(&by_id(none)["missing_skills"]),
        ["rust", "kubernetes"]
    );
    let axis = |id: u64, name: &str| by_id(id)["breakdown"][name].as_u64().unwrap();
    assert!(axis(best, "skills") > axis(partial, "skills"));
    assert!(axis(partial, "skills") > axis(none, "skills"));
    assert!(axis(best, "seniority") > axis(partial, "seniority"));
    assert!(axis(best, "compensation") > axis(partial, "compensation"));
    // The twin differs only in being engaged on the slot's days.
    assert_eq!(by_id(busy)["availability"], "engaged");
    assert_eq!(by_id(best)["availability"], "available");
    assert!(axis(best, "availability") > axis(busy, "availability"));
    assert_eq!(axis(best, "skills"), axis(busy, "skills"));
    assert!(by_id(best)["score"].as_u64() > by_id(busy)["score"].as_u64());

    let r = s
        .get(
            &format!("/api/v1/slots/{seat}/matches?limit=2"),
            &admin.token,
        )
        .await;
    let top: Vec<u64> = r.ok(200)["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person_id"].as_u64().unwrap())
        .collect();
    assert_eq!(top, order[..2]);
    // The organisation's `match_weights` decide: availability alone makes each score that axis.
    let only_availability = json!({"skills": 0, "experience": 0, "seniority": 0, "location": 0,
                                   "compensation": 0, "availability": 100});
    s.patch(
        "/api/v1/tenants/me",
        &admin.token,
        json!({"match_weights": only_availability}),
    )
    .await
    .ok(200);
    let r = s
        .get(&format!("/api/v1/slots/{seat}/matches"), &admin.token)
        .await;
    for m in r.ok(200)["matches"].as_array().unwrap() {
        assert_eq!(m["score"], m["breakdown"]["availability"], "{m}");
    }
    s.get("/api/v1/slots/999999/matches", &admin.token)
        .await
        .problem(404, "not_found");
    // A hiring manager's matches leave out the private profiles they cannot see.
    s.patch(
        &format!("{PEOPLE}/{partial}"),
        &admin.token,
        json!({"visibility": "private"}),
    )
    .await
    .ok(200);
    let hank = s
        .seed_member(admin.org_id, "hank@match.test", Role::HiringManager)
        .await;
    let r = s
        .get(&format!("/api/v1/slots/{seat}/matches"), &hank.token)
        .await;
    let seen: Vec<u64> = r.ok(200)["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person_id"].as_u64().unwrap())
        .collect();
    assert!(!seen.contains(&partial) && seen.contains(&best), "{seen:?}");
}
