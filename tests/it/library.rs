//! The library: saving artifacts (an assistant's answer among them), listing with `kind` and
//! `q`, paging, who may read and delete what, tenancy, bad input, and the organisation's
//! deletion taking the library with it.

use hirebase::auth::Role;
use serde_json::{Value, json};

use crate::common::{Member, TestServer, fields};

async fn save(s: &TestServer, m: &Member, item: Value) -> Value {
    s.post("/api/v1/library", &m.token, item)
        .await
        .ok(201)
        .clone()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect()
}

async fn list(s: &TestServer, m: &Member, query: &str) -> Value {
    s.get(&format!("/api/v1/library{query}"), &m.token)
        .await
        .ok(200)
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn items_are_saved_listed_filtered_searched_and_deleted() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme").await;
    let job = s
        .post(
            "/api/v1/jobs",
            &m.token,
            json!({"title": "Data Engineer", "required_skills": ["Kafka", "Python"]}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    // An assistant answer, saved as it came.
    let answer = s
        .post(
            "/api/v1/assistant/interview-questions",
            &m.token,
            json!({"job_id": job}),
        )
        .await
        .ok(200)
        .clone();
    let questions = save(
        &s,
        &m,
        json!({"kind": "interview_questions", "title": "Data Engineer questions", "payload": answer["result"],
               "source": answer["engine"], "job_id": job, "call_id": answer["call_id"]}),
    )
    .await;
    assert_eq!(questions["kind"], "interview_questions");
    assert_eq!(questions["source"], "offline");
    assert_eq!(questions["job_id"], job);
    assert_eq!(questions["created_by"], "rec@acme.test");
    assert_eq!(questions["payload"], answer["result"]);
    let jd = save(
        &s,
        &m,
        json!({"kind": "job_description", "title": "Senior Backend JD", "payload": {"description": "Rust and PostgreSQL all day"}, "source": "claude"}),
    )
    .await;
    let note = save(
        &s,
        &m,
        json!({"kind": "note", "title": "Sourcing ideas", "payload": {"text": "Try the Rust meetup in Berlin"}}),
    )
    .await;

    let all = list(&s, &m, "").await;
    assert_eq!(all["total"], 3);
    assert_eq!(
        titles(&all),
        vec![
            "Sourcing ideas",
            "Senior Backend JD",
            "Data Engineer questions"
        ],
        "newest first"
    );
    let kind = list(&s, &m, "?kind=job_description").await;
    assert_eq!(
        (kind["total"].clone(), titles(&kind)),
        (json!(1), vec!["Senior Backend JD".to_string()])
    );
    // `q` reads titles and payloads, every word, any case.
    assert_eq!(
        titles(&list(&s, &m, "?q=rust").await),
        vec!["Sourcing ideas", "Senior Backend JD"]
    );
    assert_eq!(
        titles(&list(&s, &m, "?q=RUST%20berlin").await),
        vec!["Sourcing ideas"]
    );
    assert_eq!(
        titles(&list(&s, &m, "?q=kafka").await),
        vec!["Data Engineer questions"]
    );
    assert_eq!(list(&s, &m, "?q=rust&kind=note").await["total"], 1);
    assert_eq!(list(&s, &m, &format!("?job_id={job}")).await["total"], 1);
    let paged = list(&s, &m, "?skip=1&limit=1").await;
    assert_eq!(
        (paged["total"].clone(), titles(&paged)),
        (json!(3), vec!["Senior Backend JD".to_string()])
    );

    let id = jd["id"].as_u64().unwrap();
    let got = s.get(&format!("/api/v1/library/{id}"), &m.token).await;
    assert_eq!(
        got.ok(200)["payload"]["description"],
        "Rust and PostgreSQL all day"
    );
    assert_eq!(
        s.delete(&format!("/api/v1/library/{id}"), &m.token)
            .await
            .status,
        204
    );
    s.get(&format!("/api/v1/library/{id}"), &m.token)
        .await
        .problem(404, "not_found");
    s.delete(&format!("/api/v1/library/{id}"), &m.token)
        .await
        .problem(404, "not_found");
    assert_eq!(list(&s, &m, "").await["total"], 2);
    let _ = note;

    let audit = s.get("/api/v1/audit?limit=100", &m.token).await;
    let actions: Vec<String> = audit.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "library_item.created")
            .count(),
        3
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "library_item.deleted")
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_and_saves_nothing() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme").await;
    let other = s.register("rec@globex.test", "Globex").await;
    let theirs = s
        .post(
            "/api/v1/candidates",
            &other.token,
            json!({"full_name": "Someone Else"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let cases = [
        (
            json!({"kind": "note", "title": "x", "payload": [1, 2]}),
            "payload",
        ),
        (
            json!({"kind": "note", "title": "x", "payload": "text"}),
            "payload",
        ),
        (
            json!({"kind": "note", "title": "   ", "payload": {}}),
            "title",
        ),
        (json!({"kind": "poem", "title": "x", "payload": {}}), "kind"),
        (json!({"kind": "note", "payload": {}}), "title"),
        (
            json!({"kind": "note", "title": "x", "payload": {"big": "a".repeat(300 * 1024)}}),
            "payload",
        ),
    ];
    for (body, field) in cases {
        let r = s.post("/api/v1/library", &m.token, body).await;
        assert_eq!(
            fields(r.problem(400, "validation")),
            vec![field],
            "{}",
            r.text
        );
    }
    s.post(
        "/api/v1/library",
        &m.token,
        json!({"kind": "screen", "title": "x", "payload": {}, "candidate_id": theirs}),
    )
    .await
    .problem(404, "not_found");
    s.get("/api/v1/library?kind=poem", &m.token)
        .await
        .problem(400, "validation");
    assert_eq!(list(&s, &m, "").await["total"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn members_see_their_own_items_and_hiring_roles_see_and_delete_all() {
    let s = TestServer::start().await;
    let admin = s.register("admin@acme.test", "Acme").await;
    let other = s.register("admin@globex.test", "Globex").await;
    let interviewer = s
        .seed_member(admin.org_id, "int@acme.test", Role::Interviewer)
        .await;
    let manager = s
        .seed_member(admin.org_id, "hm@acme.test", Role::HiringManager)
        .await;
    let talent = s
        .seed_member(admin.org_id, "me@acme.test", Role::Talent)
        .await;

    let shared = save(
        &s,
        &admin,
        json!({"kind": "note", "title": "Team note", "payload": {"text": "for hiring"}}),
    )
    .await;
    let own = save(
        &s,
        &interviewer,
        json!({"kind": "note", "title": "My prep", "payload": {"text": "questions to ask"}}),
    )
    .await;
    let (shared_id, own_id) = (shared["id"].as_u64().unwrap(), own["id"].as_u64().unwrap());

    // The interviewer reads only what they saved, and deletes nothing.
    assert_eq!(titles(&list(&s, &interviewer, "").await), vec!["My prep"]);
    s.get(&format!("/api/v1/library/{shared_id}"), &interviewer.token)
        .await
        .problem(404, "not_found");
    s.get(&format!("/api/v1/library/{own_id}"), &interviewer.token)
        .await
        .ok(200);
    s.delete(&format!("/api/v1/library/{own_id}"), &interviewer.token)
        .await
        .problem(403, "forbidden");
    s.get("/api/v1/library", &talent.token)
        .await
        .problem(403, "forbidden");

    // Hiring roles read everything in the organisation and delete.
    assert_eq!(list(&s, &manager, "").await["total"], 2);
    assert_eq!(
        s.delete(&format!("/api/v1/library/{own_id}"), &manager.token)
            .await
            .status,
        204
    );

    // Another organisation sees none of it.
    assert_eq!(list(&s, &other, "").await["total"], 0);
    s.get(&format!("/api/v1/library/{shared_id}"), &other.token)
        .await
        .problem(404, "not_found");
    s.delete(&format!("/api/v1/library/{shared_id}"), &other.token)
        .await
        .problem(404, "not_found");

    // Keys need the library scopes.
    let (_, key) = s.mint_key(&admin, "r", "recruiter", &["jobs:read"]).await;
    s.get("/api/v1/library", &key)
        .await
        .problem(403, "insufficient_scope");
    let (_, key) = s
        .mint_key(&admin, "w", "recruiter", &["library:write", "library:read"])
        .await;
    assert_eq!(s.get("/api/v1/library", &key).await.ok(200)["total"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_the_organisation_takes_its_library_and_assistant_calls() {
    use hirebase::store::Reader;
    use hirebase::store::tables::{ASSISTANT_CALLS, LIBRARY};
    let s = TestServer::start().await;
    let m = s.register("admin@alpha.test", "Alpha").await;
    let keep = s.register("admin@beta.test", "Beta").await;
    for who in [&m, &keep] {
        save(
            &s,
            who,
            json!({"kind": "note", "title": "n", "payload": {"a": 1}}),
        )
        .await;
        s.post(
            "/api/v1/assistant/interview-questions",
            &who.token,
            json!({"role": "Backend Engineer", "skills": ["Rust"]}),
        )
        .await
        .ok(200);
    }
    let export = s.get("/api/v1/account/export", &m.token).await;
    assert_eq!(export.ok(200)["library"][0]["title"], "n");
    assert_eq!(
        export.body["assistant_calls"][0]["tool"],
        "interview_questions"
    );
    s.post(
        "/api/v1/account/delete",
        &m.token,
        json!({"confirm": "alpha"}),
    )
    .await
    .ok(202);
    crate::common::wait_until_deleted(&s, m.org_id).await;
    let rx = s.state.store.read().unwrap();
    assert_eq!(rx.count(&LIBRARY, m.org_id).unwrap(), 0);
    assert_eq!(rx.count(&ASSISTANT_CALLS, m.org_id).unwrap(), 0);
    assert_eq!(rx.count(&LIBRARY, keep.org_id).unwrap(), 1);
    assert_eq!(rx.count(&ASSISTANT_CALLS, keep.org_id).unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn erasing_a_candidate_removes_the_items_about_them_and_redacts_their_audit() {
    let s = TestServer::start().await;
    let m = s.register("admin@acme.test", "Acme").await;
    let c = s
        .post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": "Zephyrine Quillfeather"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let about = save(
        &s,
        &m,
        json!({"kind": "outreach", "title": "Outreach to Zephyrine Quillfeather", "payload": {"body": "Hi Zephyrine"},
               "candidate_id": c}),
    )
    .await;
    save(
        &s,
        &m,
        json!({"kind": "note", "title": "Unrelated", "payload": {}}),
    )
    .await;
    let plan = s
        .post(
            &format!("/api/v1/candidates/{c}/erase?dry_run=true"),
            &m.token,
            json!({}),
        )
        .await;
    assert_eq!(plan.ok(200)["library_items"], 1);
    let done = s
        .post(
            &format!("/api/v1/candidates/{c}/erase"),
            &m.token,
            json!({}),
        )
        .await;
    assert_eq!(done.ok(200)["library_items"], 1);
    s.get(&format!("/api/v1/library/{}", about["id"]), &m.token)
        .await
        .problem(404, "not_found");
    assert_eq!(titles(&list(&s, &m, "").await), vec!["Unrelated"]);
    let audit = s.get("/api/v1/audit?limit=100", &m.token).await;
    assert!(
        !audit.ok(200).to_string().contains("Quillfeather"),
        "the name is gone from the trail: {}",
        audit.text
    );
    let verify = s.get("/api/v1/audit/verify", &m.token).await;
    assert_eq!(verify.ok(200)["ok"], true, "{}", verify.text);
}
