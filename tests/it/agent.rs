//! The agent: jobs from a prompt and from an uploaded req (seed 004 §7), the chat's commands
//! by number and by name, conversation memory, role limits, tenant isolation, bad input; and
//! the field accuracy of the job reader on the labelled set in `tests/data/jobs`.

use hirebase::auth::Role;
use serde_json::{Value, json};

use crate::common::{Member, Reply, TestServer, fields};
use crate::documents;
use crate::uploads::send_file;

const CHAT: &str = "/api/v1/agent/chat";
const FROM_PROMPT: &str = "/api/v1/agent/jobs/from_prompt";
const FROM_REQ: &str = "/api/v1/agent/jobs/from_req";

async fn say(s: &TestServer, m: &Member, conversation: Option<u64>, message: &str) -> Value {
    let r = s
        .post(
            CHAT,
            &m.token,
            json!({"conversation_id": conversation, "message": message}),
        )
        .await;
    r.ok(200).clone()
}

fn ids_of(reply: &Value, kind: &str) -> Vec<u64> {
    reply["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind)
        .map(|i| i["id"].as_u64().unwrap())
        .collect()
}

async fn job_count(s: &TestServer, m: &Member) -> u64 {
    s.get("/api/v1/jobs", &m.token).await.ok(200)["total"]
        .as_u64()
        .unwrap()
}

async fn candidate(s: &TestServer, m: &Member, body: Value) -> u64 {
    s.post("/api/v1/candidates", &m.token, body).await.ok(201)["id"]
        .as_u64()
        .unwrap()
}

async fn job(s: &TestServer, m: &Member, body: Value) -> u64 {
    s.post("/api/v1/jobs", &m.token, body).await.ok(201)["id"]
        .as_u64()
        .unwrap()
}

/// A tenant with two jobs and three candidates, one of whom applied to the Rust job.
struct Org {
    admin: Member,
    rust_job: u64,
    design_job: u64,
    jane: u64,
    omar: u64,
    lena: u64,
}

async fn org(s: &TestServer, email: &str, name: &str) -> Org {
    let admin = s.register(email, name).await;
    let rust_job = job(
        s,
        &admin,
        json!({"title": "Senior Rust Engineer", "location": "Berlin, Germany", "required_skills": ["Rust", "PostgreSQL"], "nice_to_have_skills": ["Kubernetes"], "level": "senior", "description": "Build our ledger in Rust."}),
    )
    .await;
    let design_job = job(
        s,
        &admin,
        json!({"title": "Product Designer", "location": "Lisbon, Portugal", "required_skills": ["Figma"], "status": "on_hold"}),
    )
    .await;
    let jane = candidate(
        s,
        &admin,
        json!({"full_name": "Jane Doe", "email": format!("jane@{name}.test"), "current_title": "Staff Engineer", "current_company": "TechCorp", "location": "Berlin, Germany", "skills": ["Rust", "PostgreSQL", "Kubernetes"], "experience_years": 9}),
    )
    .await;
    let omar = candidate(
        s,
        &admin,
        json!({"full_name": "Omar Haddad", "current_title": "Product Designer", "skills": ["Figma", "UX"], "experience_years": 6}),
    )
    .await;
    let lena = candidate(
        s,
        &admin,
        json!({"full_name": "Lena Park", "current_title": "Backend Developer", "skills": ["Go", "PostgreSQL"], "experience_years": 3}),
    )
    .await;
    s.post(
        "/api/v1/applications",
        &admin.token,
        json!({"job_id": rust_job, "candidate_id": jane, "status": "interview"}),
    )
    .await
    .ok(201);
    Org {
        admin,
        rust_job,
        design_job,
        jane,
        omar,
        lena,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_from_a_prompt_is_created_like_any_job() {
    let s = TestServer::start().await;
    let a = s.register("a@prompt.test", "Prompt").await;
    let prompt = "We need a Senior Backend Engineer in NYC with Python, FastAPI, and PostgreSQL \
                  experience. Hybrid, full-time, $150,000–$190,000. Kubernetes and AWS are a plus.";
    // A preview stores nothing.
    let r = s
        .post(
            &format!("{FROM_PROMPT}?preview=true"),
            &a.token,
            json!({"prompt": prompt}),
        )
        .await;
    assert_eq!(r.ok(200)["job"]["id"], 0);
    assert_eq!(job_count(&s, &a).await, 0);

    let r = s
        .post(FROM_PROMPT, &a.token, json!({"prompt": prompt}))
        .await;
    let made = r.ok(200);
    assert_eq!(made["raw_prompt"], prompt);
    let job = &made["job"];
    assert_eq!(job["title"], "Senior Backend Engineer");
    assert_eq!(job["level"], "senior");
    assert_eq!(job["department"], "Engineering");
    assert_eq!(job["location"], "New York, NY");
    assert_eq!(job["remote_option"], "Hybrid");
    assert_eq!(job["employment_type"], "Full-time");
    assert_eq!(job["salary_min"], 150_000);
    assert_eq!(job["salary_max"], 190_000);
    assert_eq!(job["currency"], "USD");
    assert_eq!(
        job["required_skills"],
        json!(["Python", "FastAPI", "PostgreSQL"])
    );
    assert_eq!(job["nice_to_have_skills"], json!(["Kubernetes", "AWS"]));
    assert_eq!(job["description"], prompt);
    assert_eq!(job["status"], "open");
    assert_eq!(job["created_by_user_id"], a.user_id);
    let id = job["id"].as_u64().unwrap();
    // Stored, searchable and audited as any job.
    assert_eq!(
        s.get(&format!("/api/v1/jobs/{id}"), &a.token).await.ok(200)["title"],
        "Senior Backend Engineer"
    );
    let found = s.get("/api/v1/jobs?q=fastapi", &a.token).await;
    assert_eq!(found.ok(200)["items"][0]["id"], id);
    let audit = s.get("/api/v1/audit", &a.token).await;
    assert!(
        audit.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "job.created" && e["entity_id"] == id),
        "{}",
        audit.text
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_prompts_are_refused_and_create_nothing() {
    let s = TestServer::start().await;
    let a = s.register("a@bad.test", "Bad").await;
    for body in [
        json!({"prompt": "   "}),
        json!({"prompt": "lovely weather today"}),
    ] {
        let r = s.post(FROM_PROMPT, &a.token, body).await;
        r.problem(400, "validation");
        assert_eq!(fields(&r.body), vec!["prompt".to_string()], "{}", r.text);
    }
    s.post(FROM_PROMPT, &a.token, json!({"text": "x"}))
        .await
        .problem(400, "validation");
    let huge = "Senior Engineer ".repeat(4000);
    s.post(FROM_PROMPT, &a.token, json!({"prompt": huge}))
        .await
        .problem(400, "validation");
    // An empty file, a file that is no document, and a file with no job in it.
    let r = send_file(
        &s,
        &a,
        FROM_REQ,
        "job_req",
        "req.txt",
        "text/plain",
        vec![],
        &[],
    )
    .await;
    r.problem(400, "validation");
    let r = send_file(
        &s,
        &a,
        FROM_REQ,
        "job_req",
        "req.exe",
        "text/plain",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0".to_vec(),
        &[],
    )
    .await;
    r.problem(415, "unsupported_media_type");
    let r = send_file(
        &s,
        &a,
        FROM_REQ,
        "job_req",
        "req.txt",
        "text/plain",
        b"just some words\nand more words".to_vec(),
        &[],
    )
    .await;
    assert_eq!(
        fields(r.problem(400, "validation")),
        vec!["job_req".to_string()]
    );
    assert_eq!(job_count(&s, &a).await, 0);
    // Roles that may not write jobs get 403 and nothing is made.
    let interviewer = s
        .seed_member(a.org_id, "ivy@bad.test", Role::Interviewer)
        .await;
    let r = s
        .post(
            FROM_PROMPT,
            &interviewer.token,
            json!({"prompt": "We need a Rust Engineer"}),
        )
        .await;
    r.problem(403, "forbidden");
    assert_eq!(job_count(&s, &a).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_from_an_uploaded_req_pdf_and_docx() {
    let s = TestServer::start().await;
    let a = s.register("a@req.test", "Req").await;
    let text = "Senior Backend Engineer\n\nDepartment: Engineering\nEmployment type: Full-time\n\
                Remote: Hybrid\nSalary: $150,000 - $190,000\n\nRequirements\n- Python and FastAPI\n\
                - PostgreSQL\n\nNice to have\n- Kubernetes\n";
    let r = send_file(
        &s,
        &a,
        FROM_REQ,
        "job_req",
        "job_description.pdf",
        "application/pdf",
        documents::pdf(text),
        &[("notes", "This is for our New York office.")],
    )
    .await;
    let made = r.ok(200);
    assert_eq!(made["filename"], "job_description.pdf");
    let job = &made["job"];
    assert_eq!(job["title"], "Senior Backend Engineer");
    assert_eq!(job["location"], "New York, NY", "from the notes");
    assert_eq!(job["remote_option"], "Hybrid");
    assert_eq!(
        (job["salary_min"].clone(), job["salary_max"].clone()),
        (json!(150000), json!(190000))
    );
    assert_eq!(
        job["required_skills"],
        json!(["Python", "FastAPI", "PostgreSQL"])
    );
    assert_eq!(job["nice_to_have_skills"], json!(["Kubernetes"]));
    assert!(
        job["description"]
            .as_str()
            .unwrap()
            .contains("Recruiter notes: This is for our New York office.")
    );
    let id = job["id"].as_u64().unwrap();
    let summary = made["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("I've created a new job from the uploaded file 'job_description.pdf'"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("- Job #{id}: Senior Backend Engineer")),
        "{summary}"
    );
    assert!(
        summary.contains("- Salary range: 150000–190000 USD"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("'match candidates for job {id}'")),
        "{summary}"
    );

    let r = send_file(
        &s,
        &a,
        &format!("{FROM_REQ}?preview=true"),
        "job_req",
        "designer.docx",
        "application/octet-stream",
        documents::docx("Product Designer – Lisbon, Portugal\nWe use Figma daily. £60k. Remote."),
        &[],
    )
    .await;
    let preview = r.ok(200);
    assert_eq!(preview["job"]["id"], 0);
    assert_eq!(preview["job"]["title"], "Product Designer");
    assert_eq!(preview["job"]["location"], "Lisbon, Portugal");
    assert_eq!(preview["job"]["currency"], "GBP");
    assert_eq!(job_count(&s, &a).await, 1, "the preview stored nothing");
    assert!(preview["upload"].is_null(), "{preview}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_req_a_job_was_made_from_is_kept_as_its_document() {
    let s = TestServer::start().await;
    let a = s.register("a@req.test", "Req").await;
    let b = s.register("b@req.test", "Other Req").await;
    let bytes = documents::docx(
        "Site Reliability Engineer\nBerlin, Germany\nWe run Kubernetes and Terraform.",
    );
    let r = send_file(
        &s,
        &a,
        FROM_REQ,
        "job_req",
        "sre-req.docx",
        "application/octet-stream",
        bytes.clone(),
        &[],
    )
    .await;
    let made = r.ok(200);
    let job = made["job"]["id"].as_u64().unwrap();
    let upload = made["upload"]["id"].as_u64().expect("the file is kept");
    assert_eq!(made["upload"]["job_id"], job);
    assert_eq!(made["upload"]["filename"], "sre-req.docx");
    assert_eq!(made["upload"]["kind"], "docx");
    let docs = s
        .get(&format!("/api/v1/uploads?job_id={job}"), &a.token)
        .await;
    assert_eq!(docs.ok(200)["total"], 1, "{}", docs.text);
    assert_eq!(docs.body["items"][0]["id"], upload);
    let download = reqwest::Client::new()
        .get(s.url(&format!("/api/v1/uploads/{upload}")))
        .bearer_auth(&a.token)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), bytes.as_slice());
    // Another organisation sees neither the job's documents nor the file.
    s.get(&format!("/api/v1/uploads?job_id={job}"), &b.token)
        .await
        .problem(404, "not_found");
    s.get(&format!("/api/v1/uploads/{upload}"), &b.token)
        .await
        .problem(404, "not_found");
    // A list names its owner: a candidate or a job, not both, not neither.
    s.get("/api/v1/uploads", &a.token)
        .await
        .problem(400, "validation");
    s.get(
        &format!("/api/v1/uploads?job_id={job}&candidate_id={job}"),
        &a.token,
    )
    .await
    .problem(400, "validation");

    // A file sent to `/uploads` with a job id is the job's document too; another
    // organisation's job is not found, and a reader who may not change jobs is refused.
    let extra = job.to_string();
    let r = send_file(
        &s,
        &a,
        "/api/v1/uploads",
        "file",
        "notes.txt",
        "text/plain",
        b"Interview plan".to_vec(),
        &[("job_id", extra.as_str())],
    )
    .await;
    assert_eq!(r.ok(201)["job_id"], job);
    let docs = s
        .get(&format!("/api/v1/uploads?job_id={job}"), &a.token)
        .await;
    assert_eq!(docs.ok(200)["total"], 2);
    send_file(
        &s,
        &b,
        "/api/v1/uploads",
        "file",
        "notes.txt",
        "text/plain",
        b"Not yours".to_vec(),
        &[("job_id", extra.as_str())],
    )
    .await
    .problem(404, "not_found");
    let viewer = s
        .seed_member(a.org_id, "int@req.test", Role::Interviewer)
        .await;
    send_file(
        &s,
        &viewer,
        "/api/v1/uploads",
        "file",
        "notes.txt",
        "text/plain",
        b"Mine".to_vec(),
        &[("job_id", extra.as_str())],
    )
    .await
    .problem(403, "forbidden");

    // Deleting the job deletes its documents.
    s.delete(&format!("/api/v1/jobs/{job}"), &a.token)
        .await
        .ok(204);
    s.get(&format!("/api/v1/uploads/{upload}"), &a.token)
        .await
        .problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_person_reads_back_their_own_conversations() {
    let s = TestServer::start().await;
    let o = org(&s, "a@talk.test", "Talk").await;
    let other = org(&s, "b@talk.test", "Elsewhere").await;
    let first = say(&s, &o.admin, None, "list jobs").await["conversation_id"]
        .as_u64()
        .unwrap();
    say(&s, &o.admin, Some(first), "summarize Jane Doe").await;
    let second = say(&s, &o.admin, None, "list candidates").await["conversation_id"]
        .as_u64()
        .unwrap();

    let r = s.get("/api/v1/agent/conversations", &o.admin.token).await;
    let page = r.ok(200);
    let listed: Vec<u64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert_eq!(listed, vec![second, first], "newest first");
    assert_eq!(page["items"][1]["title"], "list jobs");
    assert_eq!(page["items"][1]["turns"], 2);
    assert_eq!(page["has_more"], false);
    // Cursor pages.
    let r = s
        .get("/api/v1/agent/conversations?limit=1", &o.admin.token)
        .await;
    assert_eq!(r.ok(200)["items"][0]["id"], second);
    assert_eq!(r.body["has_more"], true);
    let before = r.body["next_before"].as_str().unwrap().to_string();
    let r = s
        .get(
            &format!("/api/v1/agent/conversations?limit=1&before={before}"),
            &o.admin.token,
        )
        .await;
    assert_eq!(r.ok(200)["items"][0]["id"], first);
    assert_eq!(r.body["has_more"], false);
    assert!(r.body["next_before"].is_null());

    // One conversation: every turn, oldest first, with the records each reply named.
    let r = s
        .get(
            &format!("/api/v1/agent/conversations/{first}"),
            &o.admin.token,
        )
        .await;
    let talk = r.ok(200);
    assert_eq!(talk["id"], first);
    let turns = talk["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0]["message"], "list jobs");
    assert!(
        turns[0]["reply"]
            .as_str()
            .unwrap()
            .contains("Senior Rust Engineer")
    );
    assert!(
        turns[0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "job" && i["id"] == o.rust_job),
        "{talk}"
    );
    assert_eq!(turns[1]["message"], "summarize Jane Doe");
    assert_eq!(turns[1]["items"][0]["id"], o.jane);
    // It can be continued where it was left.
    let r = say(&s, &o.admin, Some(first), "match jobs for her").await;
    assert_eq!(r["conversation_id"], first);

    // Someone else in the organisation, an API key, and another organisation: their own only.
    let colleague = s
        .seed_member(o.admin.org_id, "rec@talk.test", Role::Recruiter)
        .await;
    let r = s.get("/api/v1/agent/conversations", &colleague.token).await;
    assert_eq!(r.ok(200)["items"], json!([]));
    s.get(
        &format!("/api/v1/agent/conversations/{first}"),
        &colleague.token,
    )
    .await
    .problem(404, "not_found");
    let (_, key) = s
        .mint_key(&o.admin, "bot", "recruiter", &["jobs:read"])
        .await;
    let by_key = say(
        &s,
        &Member {
            token: key.clone(),
            ..o.admin.clone()
        },
        None,
        "list jobs",
    )
    .await["conversation_id"]
        .as_u64()
        .unwrap();
    let r = s.get("/api/v1/agent/conversations", &key).await;
    let mine: Vec<u64> = r.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert_eq!(mine, vec![by_key]);
    s.get(
        &format!("/api/v1/agent/conversations/{by_key}"),
        &o.admin.token,
    )
    .await
    .problem(404, "not_found");
    s.get(
        &format!("/api/v1/agent/conversations/{first}"),
        &other.admin.token,
    )
    .await
    .problem(404, "not_found");
    let r = s
        .get("/api/v1/agent/conversations", &other.admin.token)
        .await;
    assert_eq!(r.ok(200)["items"], json!([]));
    s.get("/api/v1/agent/conversations/999999999", &o.admin.token)
        .await
        .problem(404, "not_found");
    s.get("/api/v1/agent/conversations?limit=0", &o.admin.token)
        .await
        .problem(400, "validation");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_chat_command_answers_from_the_tenants_records() {
    let s = TestServer::start().await;
    let o = org(&s, "a@chat.test", "chatorg").await;
    let a = &o.admin;

    let r = say(&s, a, None, "list jobs").await;
    assert_eq!(r["intent"], "list_jobs");
    assert_eq!(ids_of(&r, "job"), vec![o.design_job, o.rust_job]);
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .contains(&format!("Job #{}: Senior Rust Engineer", o.rust_job))
    );
    let conversation = r["conversation_id"].as_u64().unwrap();
    assert!(conversation > 0);

    let r = say(&s, a, None, "show open jobs").await;
    assert_eq!(
        ids_of(&r, "job"),
        vec![o.rust_job],
        "the designer job is on hold"
    );

    let r = say(&s, a, None, "list candidates").await;
    assert_eq!(r["intent"], "list_candidates");
    assert_eq!(ids_of(&r, "candidate"), vec![o.lena, o.omar, o.jane]);

    let r = say(&s, a, None, &format!("summarize candidate {}", o.jane)).await;
    assert_eq!(r["intent"], "summarize_candidate");
    let reply = r["reply"].as_str().unwrap();
    assert!(
        reply.starts_with(&format!(
            "Candidate #{}: Jane Doe — Staff Engineer @ TechCorp",
            o.jane
        )),
        "{reply}"
    );
    assert!(
        reply.contains("Skills: Rust, PostgreSQL, Kubernetes"),
        "{reply}"
    );
    assert!(
        reply.contains(&format!(
            "Job #{}: Senior Rust Engineer — interview",
            o.rust_job
        )),
        "{reply}"
    );

    let r = say(
        &s,
        a,
        None,
        &format!("match candidates for job {}", o.rust_job),
    )
    .await;
    assert_eq!(r["intent"], "match_candidates_for_job");
    let reply = r["reply"].as_str().unwrap();
    assert!(
        reply.starts_with(&format!(
            "Here are the top candidate matches for job #{}",
            o.rust_job
        )),
        "{reply}"
    );
    let matched = ids_of(&r, "candidate");
    assert_eq!(matched[0], o.jane, "{reply}");
    assert!(r["items"][0]["score"].as_u64().unwrap() > 0);
    assert!(
        reply.contains("score=") && reply.contains("Why: "),
        "{reply}"
    );

    let r = say(&s, a, None, &format!("match jobs for candidate {}", o.jane)).await;
    assert_eq!(r["intent"], "match_jobs_for_candidate");
    assert_eq!(
        ids_of(&r, "job"),
        vec![o.rust_job],
        "only open jobs: {}",
        r["reply"]
    );

    for message in [
        format!("pipeline for job {}", o.rust_job),
        format!("applications for job {}", o.rust_job),
    ] {
        let r = say(&s, a, None, &message).await;
        assert_eq!(r["intent"], "pipeline");
        let reply = r["reply"].as_str().unwrap();
        assert!(reply.contains("1 application"), "{reply}");
        assert!(
            reply.contains(&format!("- interview (1): Jane Doe (#{})", o.jane)),
            "{reply}"
        );
    }

    let r = say(&s, a, None, &format!("show job {}", o.design_job)).await;
    assert_eq!(r["intent"], "show_job");
    assert!(r["reply"].as_str().unwrap().starts_with(&format!(
        "Job #{}: Product Designer (on_hold)",
        o.design_job
    )));

    let before = job_count(&s, a).await;
    let r = say(
        &s,
        a,
        None,
        "create a new job for a senior backend engineer in NYC with Go, 90k-120k EUR",
    )
    .await;
    assert_eq!(r["intent"], "create_job");
    let made = &r["job"];
    assert_eq!(made["title"], "Senior Backend Engineer");
    assert_eq!(made["location"], "New York, NY");
    assert_eq!(made["currency"], "EUR");
    assert_eq!(made["required_skills"], json!(["Go"]));
    assert_eq!(job_count(&s, a).await, before + 1);
    let id = made["id"].as_u64().unwrap();
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .contains(&format!("- Job #{id}: Senior Backend Engineer"))
    );

    for message in ["help", "what's the weather like?"] {
        let r = say(&s, a, None, message).await;
        assert!(
            r["reply"]
                .as_str()
                .unwrap()
                .contains("'match candidates for job 5'"),
            "{message}: {}",
            r["reply"]
        );
        assert_eq!(
            r["intent"],
            if message == "help" { "help" } else { "unknown" }
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn names_stand_for_numbers() {
    let s = TestServer::start().await;
    let o = org(&s, "a@names.test", "namesorg").await;
    let a = &o.admin;
    let r = say(&s, a, None, "summarize Jane Doe").await;
    assert_eq!(ids_of(&r, "candidate")[0], o.jane);
    let r = say(&s, a, None, "tell me about jane doe").await;
    assert_eq!(ids_of(&r, "candidate")[0], o.jane, "any case");
    let r = say(&s, a, None, "summarize Lena Prak").await;
    assert_eq!(ids_of(&r, "candidate")[0], o.lena, "a typo: {}", r["reply"]);
    let r = say(&s, a, None, "match candidates for the Rust engineer job").await;
    assert_eq!(r["intent"], "match_candidates_for_job");
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .contains(&format!("job #{} (Senior Rust Engineer)", o.rust_job)),
        "{}",
        r["reply"]
    );
    let r = say(&s, a, None, "which jobs fit Jane Doe?").await;
    assert_eq!(ids_of(&r, "job"), vec![o.rust_job]);
    let r = say(&s, a, None, "match Jane Doe to a job").await;
    assert_eq!(r["intent"], "match_jobs_for_candidate");
    let r = say(&s, a, None, "who applied to the rust engineer job?").await;
    assert_eq!(r["intent"], "pipeline");
    assert_eq!(ids_of(&r, "candidate"), vec![o.jane]);
    let r = say(&s, a, None, "summarize Nobody Atall").await;
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .contains("I can't find a candidate called \"nobody atall\""),
        "{}",
        r["reply"]
    );
    let r = say(&s, a, None, "match candidates for the astronaut job").await;
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .contains("I can't find a job called \"astronaut\""),
        "{}",
        r["reply"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conversation_remembers_what_it_and_them_mean() {
    let s = TestServer::start().await;
    let o = org(&s, "a@memory.test", "memoryorg").await;
    let a = &o.admin;
    let r = say(&s, a, None, "summarize Jane Doe").await;
    let c = r["conversation_id"].as_u64();
    let r = say(&s, a, c, "match jobs for her").await;
    assert_eq!(r["conversation_id"].as_u64(), c);
    assert_eq!(r["intent"], "match_jobs_for_candidate");
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .contains(&format!("candidate #{} (Jane Doe)", o.jane))
    );
    let r = say(&s, a, c, "pipeline for the first one").await;
    assert_eq!(r["intent"], "pipeline");
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Pipeline for job #{}", o.rust_job)),
        "{}",
        r["reply"]
    );
    let r = say(&s, a, c, "match candidates for it").await;
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .contains(&format!("job #{}", o.rust_job))
    );
    let r = say(&s, a, c, "summarize the second one").await;
    let second = ids_of(&r, "candidate")[0];
    assert_ne!(second, o.jane);
    let r = say(&s, a, c, "match them to a job").await;
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .contains(&format!("candidate #{second}")),
        "{}",
        r["reply"]
    );
    let r = say(&s, a, c, "list jobs").await;
    let first_job = ids_of(&r, "job")[0];
    let r = say(&s, a, c, "show that job").await;
    assert_eq!(
        ids_of(&r, "job"),
        vec![o.rust_job],
        "the job talked about, not the list's"
    );
    let r = say(&s, a, c, "show the first one").await;
    assert_eq!(
        r["intent"], "show_job",
        "the first one of a job list is a job"
    );
    assert_eq!(ids_of(&r, "job"), vec![first_job]);
    let r = say(&s, a, c, "summarize the first one").await;
    assert!(
        r["reply"].as_str().unwrap().contains("no such candidate"),
        "{}",
        r["reply"]
    );
    let r = say(&s, a, c, "pipeline for the first one").await;
    assert_eq!(ids_of(&r, "job"), vec![first_job], "{}", r["reply"]);
    // A fresh conversation knows no "it".
    let r = say(&s, a, None, "match candidates for it").await;
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .starts_with("Which job do you mean?"),
        "{}",
        r["reply"]
    );
    // Another person's conversation, and one that does not exist, are 404.
    let other = s
        .seed_member(a.org_id, "rita@memory.test", Role::Recruiter)
        .await;
    s.post(
        CHAT,
        &other.token,
        json!({"conversation_id": c, "message": "list jobs"}),
    )
    .await
    .problem(404, "not_found");
    s.post(
        CHAT,
        &a.token,
        json!({"conversation_id": 999_999_999u64, "message": "list jobs"}),
    )
    .await
    .problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chat_does_only_what_the_role_may() {
    let s = TestServer::start().await;
    let o = org(&s, "a@roles.test", "rolesorg").await;
    let interviewer = s
        .seed_member(o.admin.org_id, "ivy@roles.test", Role::Interviewer)
        .await;
    let before = job_count(&s, &o.admin).await;
    let r = say(
        &s,
        &interviewer,
        None,
        "create a new job for a rust engineer in Berlin",
    )
    .await;
    assert_eq!(r["intent"], "create_job");
    assert_eq!(r["refused"], "forbidden");
    assert_eq!(r["job"], Value::Null);
    assert!(
        r["reply"].as_str().unwrap().contains("may not change jobs"),
        "{}",
        r["reply"]
    );
    assert_eq!(job_count(&s, &o.admin).await, before, "nothing created");
    for message in [
        "list candidates",
        "summarize Jane Doe",
        "match candidates for job 1",
    ] {
        let r = say(&s, &interviewer, None, message).await;
        assert_eq!(r["refused"], "forbidden", "{message}");
        assert!(
            !r["reply"].as_str().unwrap().contains("Jane"),
            "{message}: {}",
            r["reply"]
        );
    }
    let r = say(&s, &interviewer, None, "list jobs").await;
    assert_eq!(r["refused"], Value::Null, "interviewers read jobs");
    // An API key with jobs:read only lists jobs; creating needs jobs:write.
    let (_, key) = s
        .mint_key(&o.admin, "bot", "recruiter", &["jobs:read"])
        .await;
    let bot = Member {
        token: key,
        ..o.admin.clone()
    };
    let r = say(&s, &bot, None, "create a job for a QA engineer").await;
    assert_eq!(r["refused"], "insufficient_scope");
    assert_eq!(job_count(&s, &o.admin).await, before);
    assert_eq!(
        ids_of(&say(&s, &bot, None, "list jobs").await, "job").len(),
        2
    );
    // Talent accounts cannot use the agent at all.
    let talent = s
        .seed_member(o.admin.org_id, "tal@roles.test", Role::Talent)
        .await;
    s.post(CHAT, &talent.token, json!({"message": "list jobs"}))
        .await
        .problem(403, "forbidden");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_tenant_cannot_reach_anothers_records_through_the_chat() {
    let s = TestServer::start().await;
    let a = org(&s, "a@iso.test", "isoa").await;
    let b = s.register("b@iso.test", "isob").await;
    for message in [
        format!("summarize candidate {}", a.jane),
        "summarize Jane Doe".to_string(),
        format!("match jobs for candidate {}", a.jane),
        format!("match candidates for job {}", a.rust_job),
        format!("pipeline for job {}", a.rust_job),
        "match candidates for the rust engineer job".to_string(),
    ] {
        let r = say(&s, &b, None, &message).await;
        let reply = r["reply"].as_str().unwrap();
        assert!(reply.starts_with("I can't find"), "{message}: {reply}");
        assert!(
            !reply.contains("Jane Doe") && !reply.contains("TechCorp"),
            "{message}: {reply}"
        );
        assert_eq!(r["items"], json!([]), "{message}");
    }
    assert_eq!(
        ids_of(&say(&s, &b, None, "list candidates").await, "candidate"),
        Vec::<u64>::new()
    );
    // B cannot continue A's conversation.
    let c = say(&s, &a.admin, None, "summarize Jane Doe").await["conversation_id"].as_u64();
    s.post(
        CHAT,
        &b.token,
        json!({"conversation_id": c, "message": "summarize her"}),
    )
    .await
    .problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_chat_input_is_a_problem_and_changes_nothing() {
    let s = TestServer::start().await;
    let a = s.register("a@input.test", "Input").await;
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({"message": "   "}), 400, "validation"),
        (json!({}), 400, "validation"),
        (
            json!({"message": "list jobs", "mode": "pirate"}),
            400,
            "validation",
        ),
        (json!({"message": "x".repeat(4001)}), 400, "validation"),
        (
            json!({"message": "list jobs", "conversation_id": "abc"}),
            400,
            "validation",
        ),
    ];
    for (body, status, code) in cases {
        let r: Reply = s.post(CHAT, &a.token, body.clone()).await;
        r.problem(status, code);
    }
    s.post(CHAT, "", json!({"message": "list jobs"}))
        .await
        .problem(401, "unauthenticated");
    assert_eq!(job_count(&s, &a).await, 0);
    let r = say(&s, &a, None, "create a job please").await;
    assert!(
        r["reply"]
            .as_str()
            .unwrap()
            .starts_with("I couldn't create that job"),
        "{}",
        r["reply"]
    );
    assert_eq!(r["job"], Value::Null);
    assert_eq!(job_count(&s, &a).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn erasing_a_candidate_forgets_the_conversations_about_them() {
    let s = TestServer::start().await;
    let o = org(&s, "a@forget.test", "forgetorg").await;
    let c = say(&s, &o.admin, None, "summarize Jane Doe").await["conversation_id"].as_u64();
    let other = say(&s, &o.admin, None, "list jobs").await["conversation_id"].as_u64();
    s.post(
        &format!("/api/v1/candidates/{}/erase", o.jane),
        &o.admin.token,
        json!({}),
    )
    .await
    .ok(200);
    s.post(
        CHAT,
        &o.admin.token,
        json!({"conversation_id": c, "message": "list jobs"}),
    )
    .await
    .problem(404, "not_found");
    say(&s, &o.admin, other, "list jobs").await;
}

/// The job reader against the labelled job descriptions of `tests/data/jobs`: each field's
/// accuracy (exact), and the skills' recall and precision, printed as a table, with floors.
#[test]
fn field_accuracy_on_the_labelled_jobs() {
    use hirebase::domain::agent::req::{Req, parse};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/jobs");
    let labels: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    type Read = fn(&Req) -> Value;
    let fields: [(&str, Read); 9] = [
        ("title", |r| json!(r.title)),
        ("level", |r| json!(r.level)),
        ("department", |r| json!(r.department)),
        ("location", |r| json!(r.location)),
        ("remote_option", |r| json!(r.remote_option)),
        ("employment_type", |r| json!(r.employment_type)),
        ("salary_min", |r| json!(r.salary_min)),
        ("salary_max", |r| json!(r.salary_max)),
        ("currency", |r| json!(r.currency)),
    ];
    let mut right = vec![0usize; fields.len()];
    let mut misses = Vec::new();
    let (mut found, mut labelled, mut said, mut wrong_side) = (0usize, 0usize, 0usize, 0usize);
    let files: Vec<(&String, &Value)> = labels
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .collect();
    assert!(files.len() >= 12);
    for (file, want) in &files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let got = parse(&text);
        for (i, (name, read)) in fields.iter().enumerate() {
            let value = read(&got);
            if value == want[*name] {
                right[i] += 1;
            } else {
                misses.push(format!("{file} {name}: got {value}, want {}", want[*name]));
            }
        }
        for (side, mine, other) in [
            (
                "required_skills",
                &got.required_skills,
                &got.nice_to_have_skills,
            ),
            (
                "nice_to_have_skills",
                &got.nice_to_have_skills,
                &got.required_skills,
            ),
        ] {
            let want: Vec<&str> = want[side]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            labelled += want.len();
            said += mine.len();
            for skill in &want {
                if mine.iter().any(|s| s == skill) {
                    found += 1;
                } else {
                    if other.iter().any(|s| s == skill) {
                        wrong_side += 1;
                    }
                    misses.push(format!("{file} {side}: {skill} not in {mine:?}"));
                }
            }
            for extra in mine.iter().filter(|s| !want.contains(&s.as_str())) {
                misses.push(format!("{file} {side}: {extra} is not labelled"));
            }
        }
    }
    let n = files.len();
    println!("field accuracy over {n} labelled job descriptions:");
    let mut total = 0.0;
    for (i, (name, _)) in fields.iter().enumerate() {
        let acc = right[i] as f64 / n as f64;
        total += acc;
        println!("  {name:<17} {:>3}/{n}  {:.0}%", right[i], acc * 100.0);
        assert!(acc >= 0.75, "{name}: {acc:.2}\n{}", misses.join("\n"));
    }
    let recall = found as f64 / labelled as f64;
    let precision = found as f64 / said.max(1) as f64;
    println!(
        "  skills recall     {found:>3}/{labelled} {:.0}% ({wrong_side} on the wrong side)",
        recall * 100.0
    );
    println!(
        "  skills precision  {found:>3}/{said} {:.0}%",
        precision * 100.0
    );
    let overall = (total + recall) / (fields.len() + 1) as f64;
    println!("  overall {:.1}%", overall * 100.0);
    for m in &misses {
        println!("  miss: {m}");
    }
    assert!(recall >= 0.85 && precision >= 0.85, "{}", misses.join("\n"));
    assert!(overall >= 0.9, "{overall:.3}\n{}", misses.join("\n"));
}
