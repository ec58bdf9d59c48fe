//! Account flows by mail: verification, forgotten passwords, invites; the outbox and SMTP.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::smtp::SmtpSink;
use crate::common::{Member, PASSWORD, Reply, TestServer, eventually};

const ROOT: &str = "root@platform.example";

async fn anonymous(s: &TestServer, path: &str, body: Value) -> Reply {
    s.call(Method::POST, path, None, Some(body)).await
}

/// The mails to `to` in the outbox (as the platform admin reads it).
async fn mails_to(s: &TestServer, root: &Member, to: &str, count: usize) -> Vec<Value> {
    s.mails_to(&root.token, to, count).await
}

/// The token of the link in a mail's text (`…/page?token=…`).
fn token_in(mail: &Value, page: &str) -> String {
    let text = mail["text"].as_str().unwrap();
    let at = text
        .find(&format!("{page}?token="))
        .unwrap_or_else(|| panic!("no {page} link in {text}"));
    text[at + page.len() + "?token=".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_mails_a_verification_link_that_confirms_the_email_once() {
    let s = TestServer::start_with_admin(ROOT, PASSWORD).await;
    let root = s.login(ROOT, PASSWORD).await;
    let ada = s.register("ada@example.com", "Analytical Engines").await;
    assert_eq!(
        s.get("/api/v1/users/me", &ada.token).await.ok(200)["email_verified"],
        false
    );
    let mail = &mails_to(&s, &root, "ada@example.com", 1).await[0];
    assert_eq!(mail["kind"], "verification");
    assert_eq!(mail["org_id"], ada.org_id);
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .contains("Analytical Engines"),
        "{mail}"
    );
    assert!(
        mail["text"].as_str().unwrap().contains(&format!(
            "{}/verify-email?token=",
            s.state.config.effective_public_url()
        )),
        "links are absolute from public_url: {mail}"
    );
    let token = token_in(mail, "/verify-email");
    let r = anonymous(&s, "/api/v1/auth/verify-email", json!({"token": token})).await;
    assert_eq!(
        r.ok(200),
        &json!({"email_verified": true, "already_verified": false})
    );
    let r = anonymous(&s, "/api/v1/auth/verify-email", json!({"token": token})).await;
    assert_eq!(r.ok(200)["already_verified"], true, "idempotent");
    assert_eq!(
        s.get("/api/v1/users/me", &ada.token).await.ok(200)["email_verified"],
        true
    );
    let r = anonymous(
        &s,
        "/api/v1/auth/verify-email",
        json!({"token": "0".repeat(64)}),
    )
    .await;
    assert_eq!(
        crate::common::fields(r.problem(400, "validation")),
        ["token"]
    );
    // The org admin sees the organisation's mail; another organisation sees none of it.
    let r = s.get("/api/v1/admin/outbox", &ada.token).await;
    assert_eq!(r.ok(200)["total"], 1);
    let bob = s.register("bob@example.com", "Other Org").await;
    let r = s.get("/api/v1/admin/outbox", &bob.token).await;
    let items = r.ok(200)["items"].as_array().unwrap().clone();
    assert!(
        items.iter().all(|m| m["to"] == "bob@example.com"),
        "{items:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn resending_is_limited_and_says_nothing_about_unknown_emails() {
    let s = TestServer::start_with_admin(ROOT, PASSWORD).await;
    let root = s.login(ROOT, PASSWORD).await;
    s.register("ada@example.com", "Analytical Engines").await;
    let resend = |email: &'static str| {
        anonymous(
            &s,
            "/api/v1/auth/resend-verification",
            json!({"email": email}),
        )
    };
    for _ in 0..3 {
        assert_eq!(resend("Ada@Example.com").await.status, 202);
    }
    let r = resend("ada@example.com").await;
    r.problem(429, "rate_limited");
    assert!(r.header("retry-after").is_some());
    mails_to(&s, &root, "ada@example.com", 4).await;
    assert_eq!(resend("nobody@example.com").await.status, 202);
    resend("not an email").await.problem(400, "validation");
    let r = s.get("/api/v1/admin/outbox?limit=100", &root.token).await;
    assert!(!r.text.contains("nobody@example.com"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let s = TestServer::start_with_admin(ROOT, PASSWORD).await;
    let root = s.login(ROOT, PASSWORD).await;
    let ada = s.register("ada@example.com", "Analytical Engines").await;
    let r = anonymous(
        &s,
        "/api/v1/auth/forgot-password",
        json!({"email": "nobody@example.com"}),
    )
    .await;
    assert_eq!(r.status, 202);
    let r = anonymous(
        &s,
        "/api/v1/auth/forgot-password",
        json!({"email": "ada@example.com"}),
    )
    .await;
    assert_eq!(r.status, 202, "the same answer either way");
    let mails = mails_to(&s, &root, "ada@example.com", 2).await;
    let reset = mails
        .iter()
        .find(|m| m["kind"] == "password_reset")
        .unwrap();
    let token = token_in(reset, "/reset-password");

    let r = anonymous(
        &s,
        "/api/v1/auth/reset-password",
        json!({"token": token, "password": "short"}),
    )
    .await;
    r.problem(400, "validation");
    let new_password = "a brand new passphrase";
    let r = anonymous(
        &s,
        "/api/v1/auth/reset-password",
        json!({"token": token, "password": new_password}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    s.get("/api/v1/users/me", &ada.token)
        .await
        .problem(401, "unauthenticated");
    s.login("ada@example.com", new_password).await;
    let r = anonymous(
        &s,
        "/api/v1/auth/reset-password",
        json!({"token": token, "password": "yet another passphrase"}),
    )
    .await;
    let p = r.problem(400, "validation");
    assert!(
        p["detail"].as_str().unwrap().contains("already been used"),
        "{p}"
    );
    s.login("ada@example.com", new_password).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invited_teammate_sets_a_password_and_is_signed_in_with_the_role() {
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    let r = s
        .post(
            "/api/v1/auth/invite",
            &admin.token,
            json!({"email": "Grace@Example.com", "role": "recruiter"}),
        )
        .await;
    let body = r.ok(201).clone();
    assert_eq!(body["invite"]["email"], "grace@example.com");
    assert_eq!(body["invite"]["role"], "recruiter");
    let url = body["invite_url"].as_str().unwrap();
    assert!(url.contains("/accept-invite?token="), "{url}");
    let token = url.rsplit("token=").next().unwrap().to_string();
    let r = s.get("/api/v1/admin/outbox", &admin.token).await;
    assert!(
        r.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "invite"
                && m["to"] == "grace@example.com"
                && m["text"].as_str().unwrap().contains(url))
    );

    for (body, status) in [
        (
            json!({"email": "ada@example.com", "role": "recruiter"}),
            409,
        ),
        (
            json!({"email": "x@example.com", "role": "platform_admin"}),
            400,
        ),
        (json!({"email": "not an email", "role": "recruiter"}), 400),
    ] {
        let r = s.post("/api/v1/auth/invite", &admin.token, body).await;
        assert_eq!(r.status, status, "{}", r.text);
    }

    let r = anonymous(
        &s,
        "/api/v1/auth/accept-invite",
        json!({"token": token, "password": PASSWORD, "full_name": "Grace Hopper"}),
    )
    .await;
    let signed = r.ok(200);
    assert_eq!(signed["user"]["role"], "recruiter");
    assert_eq!(signed["user"]["org_id"], admin.org_id);
    assert_eq!(signed["user"]["email_verified"], true);
    assert!(crate::common::session_cookie(&r).len() > 10);
    let grace = signed["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        s.get("/api/v1/users/me", &grace).await.ok(200)["full_name"],
        "Grace Hopper"
    );
    // A recruiter may not invite; the link works once.
    s.post(
        "/api/v1/auth/invite",
        &grace,
        json!({"email": "z@example.com", "role": "org_admin"}),
    )
    .await
    .problem(403, "forbidden");
    let r = anonymous(
        &s,
        "/api/v1/auth/accept-invite",
        json!({"token": token, "password": PASSWORD}),
    )
    .await;
    r.problem(400, "validation");
    let team = s.get("/api/v1/team", &admin.token).await;
    assert_eq!(team.ok(200)["total"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_invite_is_refused() {
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    let r = s
        .post(
            "/api/v1/auth/invite",
            &admin.token,
            json!({"email": "late@example.com", "role": "interviewer"}),
        )
        .await;
    let url = r.ok(201)["invite_url"].as_str().unwrap().to_string();
    let token = url.rsplit("token=").next().unwrap().to_string();
    {
        use hirebase::store::Reader;
        use hirebase::store::tables::TOKENS;
        s.state
            .store
            .write(|tx| {
                for ((scope, id), mut t) in tx.scan(&TOKENS, None, 100)? {
                    t.expires_at = hirebase::time::Timestamp::now().plus_secs(-1);
                    tx.put(&TOKENS, scope, id, &t)?;
                }
                Ok(())
            })
            .await
            .unwrap();
    }
    let r = anonymous(
        &s,
        "/api/v1/auth/accept-invite",
        json!({"token": token, "password": PASSWORD}),
    )
    .await;
    let p = r.problem(400, "validation");
    assert!(p["detail"].as_str().unwrap().contains("expired"), "{p}");
    let team = s.get("/api/v1/team", &admin.token).await;
    assert_eq!(team.ok(200)["total"], 1, "nobody joined");
}

#[tokio::test(flavor = "multi_thread")]
async fn with_an_smtp_server_mail_is_sent_there() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = TestServer::start_in(dir, move |c| {
        c.mail.smtp_url = url;
        c.mail.from = "jobs@hirebase.test".into();
    })
    .await;
    let ada = s.register("ada@example.com", "Analytical Engines").await;
    eventually("the verification mail reaches the SMTP server", || async {
        !sink.messages().is_empty()
    })
    .await;
    let message = &sink.messages()[0];
    assert_eq!(message.from, "jobs@hirebase.test");
    assert_eq!(message.to, ["ada@example.com"]);
    let data = message.data.replace("=\n", "").replace("=3D", "=");
    assert!(
        data.contains("Subject: Confirm your email for Analytical Engines"),
        "{data}"
    );
    assert!(data.contains("/verify-email?token="), "{data}");
    eventually("the mail is marked sent", || async {
        let r = s.get("/api/v1/admin/outbox", &ada.token).await;
        r.ok(200)["items"][0]["status"] == "sent"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_applicant_gets_a_confirmation_once_per_application() {
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    let job = s
        .post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": "Engine Operator", "is_public": true}),
        )
        .await;
    let job = job.ok(201)["id"].as_u64().unwrap();
    let apply = json!({"job_id": job, "full_name": "Kwame Mensah", "email": "Kwame@Example.com"});
    for status in [201, 200] {
        anonymous(&s, "/api/v1/careers/apply", apply.clone())
            .await
            .ok(status);
    }
    let confirmations = || async {
        let r = s.get("/api/v1/admin/outbox", &admin.token).await;
        r.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["kind"] == "application_received")
            .cloned()
            .collect::<Vec<Value>>()
    };
    eventually("the confirmation is in the outbox", || async {
        confirmations()
            .await
            .first()
            .is_some_and(|m| m["status"] == "outbox")
    })
    .await;
    let confirmations = confirmations().await;
    assert_eq!(confirmations.len(), 1, "applying twice is one application");
    let mail = &confirmations[0];
    assert_eq!(mail["to"], "kwame@example.com");
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .contains("Engine Operator")
    );
    assert!(
        mail["text"]
            .as_str()
            .unwrap()
            .contains("/careers/analytical-engines"),
        "{mail}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backlog_reaches_the_smtp_server_once_each() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = TestServer::start_in(dir, move |c| c.mail.smtp_url = url).await;
    let ada = s.register("ada@example.com", "Analytical Engines").await;
    // More invitations than the worker sends at once, so several senders share the round.
    let invited: Vec<String> = (0..40).map(|i| format!("mate{i}@example.com")).collect();
    for email in &invited {
        s.post(
            "/api/v1/auth/invite",
            &ada.token,
            json!({"email": email, "role": "recruiter"}),
        )
        .await
        .ok(201);
    }
    // The invitations and Ada's own verification mail.
    let all = invited.len() + 1;
    eventually("every mail reaches the SMTP server", || async {
        sink.messages().len() >= all
    })
    .await;
    eventually("every mail is marked sent", || async {
        let r = s.get("/api/v1/admin/outbox?limit=100", &ada.token).await;
        let items = r.ok(200)["items"].as_array().unwrap().clone();
        items.len() == all && items.iter().all(|m| m["status"] == "sent")
    })
    .await;
    let mut to: Vec<String> = sink
        .messages()
        .into_iter()
        .flat_map(|m| m.to)
        .filter(|t| t != "ada@example.com")
        .collect();
    to.sort();
    let mut expected = invited.clone();
    expected.sort();
    assert_eq!(to, expected, "each invitee got one mail");
}

#[tokio::test(flavor = "multi_thread")]
async fn mails_waiting_for_a_retry_do_not_hide_the_due_ones_behind_them() {
    use hirebase::domain::mail::{self, MailKind};
    use hirebase::store::tables::{INSTANCE, MAILS};
    use hirebase::time::Timestamp;

    let s = TestServer::start().await;
    // Nothing delivers: the queue is read as the worker reads it.
    s.state.mail.stop().await;
    let queue = |n: usize, wait: i64| {
        s.state.store.write(move |tx| {
            let mut ids = Vec::new();
            for i in 0..n {
                let to = format!("person{i}@example.com");
                let outgoing = mail::compose(MailKind::Digest, &to, None, "http://x.test", "");
                let mut m = mail::enqueue(tx, 0, outgoing)?;
                if wait > 0 {
                    m.next_attempt_at = Some(Timestamp::now().plus_secs(wait));
                    tx.put(&MAILS, INSTANCE, m.id, &m)?;
                }
                ids.push(m.id);
            }
            Ok(ids)
        })
    };
    // 300 older mails wait an hour for their retry: more than a round reads at first.
    queue(300, 3600).await.unwrap();
    let ready = queue(3, 0).await.unwrap();
    let ids = |mails: Vec<mail::Mail>| mails.iter().map(|m| m.id).collect::<Vec<u64>>();
    assert_eq!(ids(mail::due(&s.state.store, 32).unwrap()), ready);
    assert_eq!(ids(mail::due(&s.state.store, 2).unwrap()), ready[..2]);
    assert_eq!(mail::queue_depth(&s.state.store).unwrap(), 303);
}
