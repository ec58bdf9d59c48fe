//! Registration, sign-in (form, JSON, cookie), sign-out, the profile and password changes.

use std::time::Instant;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestServer, fields, session_cookie};

const REGISTER: &str = "/api/v1/auth/register";
const LOGIN: &str = "/api/v1/auth/login";
const ME: &str = "/api/v1/users/me";

async fn register(s: &TestServer, body: Value) -> crate::common::Reply {
    s.call(Method::POST, REGISTER, None, Some(body)).await
}

async fn login_json(s: &TestServer, email: &str, password: &str) -> crate::common::Reply {
    s.call(
        Method::POST,
        LOGIN,
        None,
        Some(json!({"email": email, "password": password})),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn register_creates_an_org_admin_and_a_slugged_tenant() {
    let s = TestServer::start().await;
    let r = register(
        &s,
        json!({"email": "  Jane.Doe@Acme.example ", "password": PASSWORD, "org_name": "Acme Bank"}),
    )
    .await;
    let b = r.ok(201);
    assert_eq!(
        b["email"], "jane.doe@acme.example",
        "emails are trimmed and lower-cased"
    );
    assert_eq!(b["role"], "org_admin");
    assert_eq!(
        b["full_name"], "jane.doe",
        "full_name defaults to the local part"
    );
    assert_eq!(b["org_name"], "Acme Bank");
    assert_eq!(b["org_slug"], "acme-bank");
    assert_eq!(b["email_verified"], false);
    assert!(b["id"].as_u64().is_some_and(|id| id > 0));
    let org_id = b["org_id"].as_u64().expect("org_id");
    assert!(org_id > 0);
    assert!(
        b.get("password_hash").is_none() && b.get("password").is_none(),
        "{}",
        r.text
    );
    assert!(
        b["created_at"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{}",
        r.text
    );

    let r = register(&s, json!({"email": "boss@acme2.example", "password": PASSWORD, "org_name": "Acme Bank", "full_name": " The Boss "})).await;
    let b = r.ok(201);
    assert_eq!(
        b["org_slug"], "acme-bank-2",
        "a second Acme Bank gets a numeric suffix"
    );
    assert_eq!(b["full_name"], "The Boss");
    assert_ne!(
        b["org_id"].as_u64().unwrap(),
        org_id,
        "each registration is its own tenant"
    );

    let r = register(
        &s,
        json!({"email": "solo@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.ok(201)["org_name"], "My Organization");
    assert_eq!(r.body["org_slug"], "my-organization");

    let me = s.login("jane.doe@acme.example", PASSWORD).await;
    let r = s.get("/api/v1/tenants/me", &me.token).await;
    assert_eq!(r.ok(200)["slug"], "acme-bank");
    assert_eq!(r.body["id"].as_u64(), Some(org_id));
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_email_is_409_even_in_another_case_or_with_spaces() {
    let s = TestServer::start().await;
    register(
        &s,
        json!({"email": "dup@example.com", "password": PASSWORD, "org_name": "First"}),
    )
    .await
    .ok(201);
    for email in ["dup@example.com", "DUP@Example.COM", "  dup@example.com\t"] {
        let r = register(
            &s,
            json!({"email": email, "password": "another password", "org_name": "Second"}),
        )
        .await;
        let p = r.problem(409, "conflict");
        assert!(
            p["detail"].as_str().unwrap().contains("dup@example.com"),
            "{}",
            r.text
        );
    }
    // Nothing was created by the refused attempts: the original password still signs in, and
    // the name "Second" was never taken, so it gets no suffix.
    s.login("dup@example.com", PASSWORD).await;
    login_json(&s, "dup@example.com", "another password")
        .await
        .problem(401, "unauthenticated");
    let r = register(
        &s,
        json!({"email": "other@example.com", "password": PASSWORD, "org_name": "Second"}),
    )
    .await;
    assert_eq!(r.ok(201)["org_slug"], "second");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_registrations_of_one_email_create_one_account() {
    let s = TestServer::start().await;
    let attempts = (0..6).map(|i| {
        let body = json!({"email": "race@example.com", "password": format!("password number {i}"), "org_name": "Race"});
        let url = s.url(REGISTER);
        async move { crate::common::reply(reqwest::Client::new().post(url).json(&body).send().await.unwrap()).await }
    });
    let replies: Vec<_> = futures_join_all(attempts).await;
    let created: Vec<_> = replies.iter().filter(|r| r.status == 201).collect();
    assert_eq!(created.len(), 1, "{replies:#?}");
    for r in replies.iter().filter(|r| r.status != 201) {
        r.problem(409, "conflict");
    }
    assert_eq!(created[0].body["org_slug"], "race");
    // The losers' tenants were rolled back with their users: the next "Race" is only the second.
    let r = register(
        &s,
        json!({"email": "late@example.com", "password": PASSWORD, "org_name": "Race"}),
    )
    .await;
    assert_eq!(r.ok(201)["org_slug"], "race-2", "{}", r.text);
}

/// Awaits every future concurrently (no `futures` crate in dev-dependencies).
pub async fn futures_join_all<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_registrations_are_400_with_field_errors_and_create_nothing() {
    let s = TestServer::start().await;
    let long = "x".repeat(129);
    let cases: &[(&str, Value, &[&str])] = &[
        (
            "not an email",
            json!({"email": "not-an-email", "password": PASSWORD}),
            &["email"],
        ),
        (
            "no domain dot",
            json!({"email": "a@b", "password": PASSWORD}),
            &["email"],
        ),
        (
            "short password",
            json!({"email": "short@example.com", "password": "1234567"}),
            &["password"],
        ),
        (
            "long password",
            json!({"email": "long@example.com", "password": long}),
            &["password"],
        ),
        (
            "both",
            json!({"email": "x", "password": "short"}),
            &["email", "password"],
        ),
        (
            "long org name",
            json!({"email": "name@example.com", "password": PASSWORD, "org_name": "x".repeat(121)}),
            &["org_name"],
        ),
        (
            "long full name",
            json!({"email": "fn@example.com", "password": PASSWORD, "full_name": "y".repeat(121)}),
            &["full_name"],
        ),
    ];
    for (what, body, expected) in cases {
        let r = register(&s, body.clone()).await;
        let p = r.problem(400, "validation");
        let mut got = fields(p);
        got.sort();
        assert_eq!(got, expected.to_vec(), "{what}: {}", r.text);
        for e in p["errors"].as_array().unwrap() {
            assert!(
                e["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{what}: {}",
                r.text
            );
        }
    }
    // Malformed bodies are refused before any rule runs.
    for (what, body) in [
        ("missing password", json!({"email": "missing@example.com"})),
        ("missing email", json!({"password": PASSWORD})),
        ("wrong type", json!({"email": 7, "password": PASSWORD})),
    ] {
        register(&s, body).await.problem(400, "validation");
        let _ = what;
    }
    // Nothing was created: those emails cannot sign in, and can still register.
    for email in [
        "short@example.com",
        "long@example.com",
        "name@example.com",
        "fn@example.com",
        "missing@example.com",
    ] {
        login_json(&s, email, PASSWORD)
            .await
            .problem(401, "unauthenticated");
        register(&s, json!({"email": email, "password": PASSWORD}))
            .await
            .ok(201);
    }
    // Boundaries: exactly 8 and exactly 128 characters are accepted.
    register(
        &s,
        json!({"email": "eight@example.com", "password": "12345678"}),
    )
    .await
    .ok(201);
    register(
        &s,
        json!({"email": "max@example.com", "password": "x".repeat(128)}),
    )
    .await
    .ok(201);
    s.login("max@example.com", &"x".repeat(128)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn login_with_json_returns_a_bearer_token_and_a_strict_http_only_cookie() {
    let s = TestServer::start().await;
    s.register("json@example.com", "Json Org").await;
    let r = login_json(&s, "  JSON@example.com ", PASSWORD).await;
    let b = r.ok(200);
    assert_eq!(b["token_type"], "bearer");
    assert_eq!(b["expires_in"], 3600);
    assert_eq!(b["user"]["email"], "json@example.com");
    assert_eq!(b["user"]["role"], "org_admin");
    let token = b["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    let cookie = r.header("set-cookie").expect("a session cookie");
    assert!(cookie.starts_with("hb_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=1209600"] {
        assert!(
            cookie.split("; ").any(|a| a == attribute),
            "{attribute} missing from {cookie}"
        );
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-http public_url: no Secure flag: {cookie}"
    );
    let r = s.get(ME, token).await;
    assert_eq!(r.ok(200)["email"], "json@example.com");
}

#[tokio::test(flavor = "multi_thread")]
async fn login_with_the_oauth2_password_form() {
    let s = TestServer::start().await;
    s.register("form@example.com", "Form Org").await;
    for grant in [None, Some("password")] {
        let mut form = vec![("username", "form@example.com"), ("password", PASSWORD)];
        if let Some(g) = grant {
            form.push(("grant_type", g));
        }
        let r = s.login_form(&form).await;
        assert_eq!(r.ok(200)["token_type"], "bearer", "grant {grant:?}");
        assert_eq!(r.body["user"]["email"], "form@example.com");
        let token = r.body["access_token"].as_str().unwrap();
        assert_eq!(s.get(ME, token).await.ok(200)["email"], "form@example.com");
        session_cookie(&r);
    }
    let r = s
        .login_form(&[
            ("username", "form@example.com"),
            ("password", PASSWORD),
            ("grant_type", "client_credentials"),
        ])
        .await;
    let p = r.problem(400, "validation");
    assert_eq!(fields(p), vec!["grant_type"]);
    assert!(
        r.header("set-cookie").is_none(),
        "a refused login sets no cookie"
    );
    let r = s.login_form(&[("username", "form@example.com")]).await;
    r.problem(400, "validation");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_and_unknown_email_are_the_same_401() {
    let s = TestServer::start().await;
    s.register("known@example.com", "Known").await;
    let wrong = login_json(&s, "known@example.com", "not the password").await;
    let unknown = login_json(&s, "nobody@example.com", PASSWORD).await;
    let form = s
        .login_form(&[("username", "nobody@example.com"), ("password", PASSWORD)])
        .await;
    let empty = login_json(&s, "", "").await;
    let p = wrong.problem(401, "unauthenticated");
    for other in [&unknown, &form, &empty] {
        assert_eq!(
            other.problem(401, "unauthenticated")["detail"],
            p["detail"],
            "{}",
            other.text
        );
        assert!(other.header("set-cookie").is_none());
    }
    assert!(wrong.header("set-cookie").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_session_cookie_alone_authenticates() {
    let s = TestServer::start().await;
    s.register("cookie@example.com", "Cookie Org").await;
    // `s.client` keeps cookies, like a browser; it sends no Authorization header.
    let r = s
        .send(
            s.client
                .post(s.url(LOGIN))
                .json(&json!({"email": "cookie@example.com", "password": PASSWORD})),
        )
        .await;
    r.ok(200);
    let r = s.send(s.client.get(s.url(ME))).await;
    assert_eq!(r.ok(200)["email"], "cookie@example.com");
    let r = s
        .send(
            s.client
                .patch(s.url(ME))
                .json(&json!({"full_name": "Cookie Monster"})),
        )
        .await;
    assert_eq!(r.ok(200)["full_name"], "Cookie Monster");
    // A client without the cookie is refused.
    s.call(Method::GET, ME, None, None)
        .await
        .problem(401, "unauthenticated");
    // The cookie ends with the session: logout clears it from the jar and the session is gone.
    s.send(s.client.post(s.url("/api/v1/auth/logout")))
        .await
        .ok(204);
    s.send(s.client.get(s.url(ME)))
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_ends_the_bearer_token_and_the_cookie_at_once() {
    let s = TestServer::start().await;
    s.register("out@example.com", "Out Org").await;
    let r = login_json(&s, "out@example.com", PASSWORD).await;
    let token = r.ok(200)["access_token"].as_str().unwrap().to_string();
    let cookie = session_cookie(&r);
    let other = s.login("out@example.com", PASSWORD).await;
    let with_cookie = |c: &str| {
        reqwest::Client::new()
            .get(s.url(ME))
            .header("cookie", format!("hb_session={c}"))
    };
    s.send(with_cookie(&cookie)).await.ok(200);

    let r = s
        .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(r.text.is_empty());
    let cleared = r.header("set-cookie").expect("logout clears the cookie");
    assert!(
        cleared.starts_with("hb_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );

    let p = s
        .get(ME, &token)
        .await
        .problem(401, "unauthenticated")
        .clone();
    assert!(p["detail"].as_str().unwrap().contains("sign in"), "{p}");
    s.send(with_cookie(&cookie))
        .await
        .problem(401, "unauthenticated");
    s.call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await
        .problem(401, "unauthenticated");
    // Only that session ended.
    assert_eq!(
        s.get(ME, &other.token).await.ok(200)["email"],
        "out@example.com"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_and_tampered_tokens_are_401() {
    let s = TestServer::start().await;
    let m = s.register("tamper@example.com", "Tamper").await;
    let mut parts: Vec<String> = m.token.split('.').map(String::from).collect();
    // Another signature character.
    let sig = parts[2].clone();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    parts[2] = format!("{flipped}{}", &sig[1..]);
    let bad_signature = parts.join(".");
    // Another payload, same signature: claims of someone else.
    let mut parts: Vec<String> = m.token.split('.').map(String::from).collect();
    parts[1] = parts[1].chars().rev().collect();
    let bad_payload = parts.join(".");
    let unsigned = format!(
        "{}.{}.",
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0",
        m.token.split('.').nth(1).unwrap()
    );
    for token in [
        "garbage",
        "a.b.c",
        "",
        bad_signature.as_str(),
        bad_payload.as_str(),
        unsigned.as_str(),
        "hb_00",
    ] {
        let r = s
            .send(
                reqwest::Client::new()
                    .get(s.url(ME))
                    .header("authorization", format!("Bearer {token}")),
            )
            .await;
        r.problem(401, "unauthenticated");
    }
    let r = s
        .send(
            reqwest::Client::new()
                .get(s.url(ME))
                .header("authorization", format!("Basic {}", m.token)),
        )
        .await;
    r.problem(401, "unauthenticated");
    let r = s
        .send(
            reqwest::Client::new()
                .get(s.url(ME))
                .header("cookie", "hb_session=garbage"),
        )
        .await;
    r.problem(401, "unauthenticated");
    assert_eq!(
        s.get(ME, &m.token).await.ok(200)["email"],
        "tamper@example.com",
        "the real token still works"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_signed_by_another_instance_is_401() {
    let a = TestServer::start().await;
    let b = TestServer::start().await;
    let on_a = a.register("twin@example.com", "Twin").await;
    b.register("twin@example.com", "Twin").await;
    // Same ids on a fresh instance, but another signing secret.
    b.get(ME, &on_a.token).await.problem(401, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread")]
async fn me_shows_and_patches_the_profile() {
    let s = TestServer::start().await;
    let m = s.register("me@example.com", "Me Org").await;
    let r = s.get(ME, &m.token).await;
    let b = r.ok(200);
    assert_eq!(b["id"].as_u64(), Some(m.user_id));
    assert_eq!(b["org_id"].as_u64(), Some(m.org_id));
    assert_eq!(b["full_name"], "me");
    assert_eq!(b["role"], "org_admin");

    let r = s
        .patch(ME, &m.token, json!({"full_name": "  Mary Example  "}))
        .await;
    assert_eq!(r.ok(200)["full_name"], "Mary Example");
    assert_eq!(s.get(ME, &m.token).await.body["full_name"], "Mary Example");
    // An empty patch changes nothing.
    assert_eq!(
        s.patch(ME, &m.token, json!({})).await.ok(200)["full_name"],
        "Mary Example"
    );

    for (body, field) in [
        (json!({"full_name": ""}), "full_name"),
        (json!({"full_name": "   "}), "full_name"),
        (json!({"full_name": "n".repeat(121)}), "full_name"),
        (
            json!({"password": "short", "current_password": PASSWORD}),
            "password",
        ),
        (
            json!({"password": "p".repeat(129), "current_password": PASSWORD}),
            "password",
        ),
    ] {
        let r = s.patch(ME, &m.token, body.clone()).await;
        assert_eq!(
            fields(r.problem(400, "validation")),
            vec![field],
            "{body}: {}",
            r.text
        );
    }
    s.patch(ME, &m.token, json!({"full_name": ["a list"]}))
        .await
        .problem(400, "validation");
    assert_eq!(
        s.get(ME, &m.token).await.body["full_name"],
        "Mary Example",
        "refused patches changed nothing"
    );
    s.login("me@example.com", PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn password_change_needs_the_current_password_and_ends_other_sessions() {
    let s = TestServer::start().await;
    let current = s.register("pw@example.com", "Pw Org").await;
    let other = s.login("pw@example.com", PASSWORD).await;
    let r = login_json(&s, "pw@example.com", PASSWORD).await;
    let other_cookie = session_cookie(&r);
    const NEW: &str = "a brand new passphrase";

    let r = s.patch(ME, &current.token, json!({"password": NEW})).await;
    assert_eq!(
        fields(r.problem(400, "validation")),
        vec!["current_password"]
    );
    let r = s
        .patch(
            ME,
            &current.token,
            json!({"password": NEW, "current_password": "not it at all", "full_name": "Not Pat"}),
        )
        .await;
    assert_eq!(
        fields(r.problem(400, "validation")),
        vec!["current_password"]
    );
    assert_eq!(
        s.get(ME, &current.token).await.ok(200)["full_name"],
        "pw",
        "a refused change changes nothing"
    );
    // Nothing changed yet: every session works and the old password still signs in.
    s.get(ME, &other.token).await.ok(200);
    s.login("pw@example.com", PASSWORD).await;

    let r = s
        .patch(
            ME,
            &current.token,
            json!({"password": NEW, "current_password": PASSWORD, "full_name": "Pat"}),
        )
        .await;
    assert_eq!(r.ok(200)["full_name"], "Pat");
    assert!(r.body.get("password_hash").is_none());

    login_json(&s, "pw@example.com", PASSWORD)
        .await
        .problem(401, "unauthenticated");
    s.login("pw@example.com", NEW).await;
    s.get(ME, &other.token)
        .await
        .problem(401, "unauthenticated");
    let with_cookie = reqwest::Client::new()
        .get(s.url(ME))
        .header("cookie", format!("hb_session={other_cookie}"));
    s.send(with_cookie).await.problem(401, "unauthenticated");
    assert_eq!(
        s.get(ME, &current.token).await.ok(200)["full_name"],
        "Pat",
        "the session that changed it goes on"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn protected_routes_need_credentials() {
    let s = TestServer::start().await;
    for (method, path) in [
        (Method::GET, ME),
        (Method::PATCH, ME),
        (Method::POST, "/api/v1/auth/logout"),
        (Method::GET, "/api/v1/tenants/me"),
        (Method::PATCH, "/api/v1/tenants/me"),
        (Method::GET, "/api/v1/team"),
        (Method::PATCH, "/api/v1/team/1"),
        (Method::DELETE, "/api/v1/team/1"),
        (Method::GET, "/api/v1/api-keys"),
        (Method::POST, "/api/v1/api-keys"),
        (Method::DELETE, "/api/v1/api-keys/1"),
        (Method::GET, "/api/v1/api-keys/1/usage"),
        (Method::GET, "/api/v1/admin/tenants"),
    ] {
        let body = matches!(method, Method::POST | Method::PATCH).then(|| json!({}));
        let r = s.call(method.clone(), path, None, body).await;
        r.problem(401, "unauthenticated");
        assert!(r.header("x-request-id").is_some(), "{method} {path}");
    }
}

/// argon2 runs on the blocking pool: a burst of sign-ins must not stall other requests.
#[tokio::test(flavor = "multi_thread")]
async fn a_login_burst_does_not_stall_other_requests() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    s.register("burst@example.com", "Burst").await;
    let probe = reqwest::Client::new();
    let healthz = s.url("/healthz");
    // Warm the probe's connection so only the server's answer is measured.
    probe.get(&healthz).send().await.unwrap();

    const LOGINS: usize = 16;
    let started = Instant::now();
    let logins: Vec<_> = (0..LOGINS)
        .map(|_| {
            let url = s.url(LOGIN);
            tokio::spawn(async move {
                let body = json!({"email": "burst@example.com", "password": PASSWORD});
                reqwest::Client::new()
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut latencies = Vec::new();
    while !logins.iter().all(|h| h.is_finished()) {
        let t = Instant::now();
        let r = probe.get(&healthz).send().await.unwrap();
        assert_eq!(r.status(), 200);
        latencies.push(t.elapsed());
    }
    let burst = started.elapsed();
    for h in logins {
        assert_eq!(h.await.unwrap(), 200);
    }
    latencies.sort();
    let worst = *latencies.last().unwrap();
    let median = latencies[latencies.len() / 2];
    eprintln!(
        "{LOGINS} logins took {burst:?}; {} health probes meanwhile, median {median:?}, worst {worst:?}",
        latencies.len()
    );
    assert!(
        latencies.len() >= 5,
        "only {} probes answered during a {burst:?} burst",
        latencies.len()
    );
    // Hashing on the async workers shows as probes waiting a large part of the burst; off
    // them, the slowest probe is a scheduling hiccup. The bounds are relative to the burst so
    // that a machine busy with other work slows both sides alike.
    assert!(
        worst < burst / 3,
        "a health probe waited {worst:?}, a large part of the {burst:?} burst"
    );
    assert!(
        median * 20 < burst,
        "probes (median {median:?}) were not much faster than the burst ({burst:?})"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn login_accepts_content_types_with_a_charset() {
    let s = TestServer::start().await;
    s.register("charset@example.com", "Charset").await;
    let form = format!(
        "username=charset%40example.com&password={}",
        PASSWORD.replace(' ', "+")
    );
    let json = json!({"email": "charset@example.com", "password": PASSWORD}).to_string();
    for (content_type, body) in [
        ("application/x-www-form-urlencoded; charset=UTF-8", form),
        ("application/json; charset=utf-8", json),
    ] {
        let req = reqwest::Client::new()
            .post(s.url(LOGIN))
            .header("content-type", content_type)
            .body(body);
        let r = s.send(req).await;
        assert_eq!(
            r.ok(200)["user"]["email"],
            "charset@example.com",
            "{content_type}"
        );
    }
    for (content_type, detail) in [(Some("text/plain"), "text/plain"), (None, "Content-Type")] {
        let mut req = reqwest::Client::new()
            .post(s.url(LOGIN))
            .body("username=charset%40example.com");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let r = s.send(req).await;
        let p = r.problem(415, "unsupported_media_type");
        assert!(p["detail"].as_str().unwrap().contains(detail), "{}", r.text);
    }
}

/// Tokens are checked against their session on every request: a token signed with the real
/// secret is still refused when it is expired or names a session that is not its own.
#[tokio::test(flavor = "multi_thread")]
async fn validly_signed_tokens_need_a_live_session_of_their_own() {
    use hirebase::auth::token::{Claims, TokenKeys};
    let s = TestServer::start().await;
    let a = s.register("forge-a@example.com", "Forge A").await;
    let b = s.register("forge-b@example.com", "Forge B").await;
    let keys = TokenKeys::load_or_create(&s.data_dir()).unwrap();
    let real = keys
        .verify(&a.token)
        .expect("the test reads the instance's secret");
    let b_claims = keys.verify(&b.token).unwrap();
    let now = chrono::Utc::now().timestamp();
    let sign = |c: Claims| keys.sign(&c).unwrap();

    let control = sign(Claims {
        iat: now,
        exp: now + 600,
        ..real.clone()
    });
    assert_eq!(
        s.get(ME, &control).await.ok(200)["email"],
        "forge-a@example.com"
    );

    let forged = [
        (
            "expired",
            Claims {
                exp: now - 120,
                ..real.clone()
            },
        ),
        (
            "unknown session",
            Claims {
                sid: 999_999,
                ..real.clone()
            },
        ),
        (
            "another user's session",
            Claims {
                sub: b_claims.sub,
                ..real.clone()
            },
        ),
        (
            "another tenant",
            Claims {
                tid: b_claims.tid,
                ..real.clone()
            },
        ),
        (
            "b's session as a",
            Claims {
                sid: b_claims.sid,
                ..real.clone()
            },
        ),
    ];
    for (what, claims) in forged {
        let r = s.get(ME, &sign(claims)).await;
        assert_eq!(r.status, 401, "{what}: {}", r.text);
        r.problem(401, "unauthenticated");
    }
    s.call(Method::POST, "/api/v1/auth/logout", Some(&a.token), None)
        .await
        .ok(204);
    s.get(ME, &control).await.problem(401, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread")]
async fn token_lifetimes_and_the_secure_flag_follow_the_config() {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let s = TestServer::start_in(dir, |c| {
        c.public_url = "https://hire.example".into();
        c.auth.access_token_ttl_secs = 120;
        c.auth.session_ttl_secs = 86_400;
    })
    .await;
    s.register("ttl@example.com", "Ttl").await;
    let r = login_json(&s, "ttl@example.com", PASSWORD).await;
    assert_eq!(r.ok(200)["expires_in"], 120);
    let cookie = r.header("set-cookie").unwrap();
    assert!(
        cookie.split("; ").any(|a| a == "Secure"),
        "an https public_url marks the cookie Secure: {cookie}"
    );
    assert!(cookie.split("; ").any(|a| a == "Max-Age=86400"), "{cookie}");
    let keys = hirebase::auth::token::TokenKeys::load_or_create(&s.data_dir()).unwrap();
    let access = keys
        .verify(r.body["access_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(access.exp - access.iat, 120);
    let session = keys.verify(&session_cookie(&r)).unwrap();
    assert!(
        (session.exp - session.iat - 86_400).abs() <= 1,
        "the cookie lives as long as the session"
    );
    assert_eq!(
        session.sid, access.sid,
        "token and cookie name the same session"
    );
}

/// Every write endpoint answers a malformed body with a problem document and changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn malformed_bodies_on_every_write_are_problems_and_change_nothing() {
    let s = TestServer::start().await;
    let admin = s.register("steady@example.com", "Steady").await;
    let endpoints = [
        (Method::POST, REGISTER.to_string(), false),
        (Method::POST, LOGIN.to_string(), false),
        (Method::PATCH, ME.to_string(), true),
        (Method::PATCH, "/api/v1/tenants/me".to_string(), true),
        (
            Method::PATCH,
            format!("/api/v1/team/{}", admin.user_id),
            true,
        ),
        (Method::POST, "/api/v1/api-keys".to_string(), true),
    ];
    let bodies: [(&str, &str, u16, &str); 6] = [
        ("application/json", "{\"email\": ", 400, "validation"),
        ("application/json", "", 400, "validation"),
        ("application/json", "[]", 400, "validation"),
        ("application/json", "\"just a string\"", 400, "validation"),
        (
            "application/json",
            "{\"full_name\": \"\\ud800\"}",
            400,
            "validation",
        ),
        ("text/plain", "full_name=x", 415, "unsupported_media_type"),
    ];
    for (method, path, auth) in &endpoints {
        for (content_type, body, status, code) in bodies {
            let mut req = reqwest::Client::new()
                .request(method.clone(), s.url(path))
                .header("content-type", content_type)
                .body(body);
            if *auth {
                req = req.bearer_auth(&admin.token);
            }
            let r = s.send(req).await;
            assert_eq!(
                r.status.as_u16(),
                status,
                "{method} {path} with {body:?}: {}",
                r.text
            );
            r.problem(status, code);
            assert!(r.header("set-cookie").is_none(), "{method} {path}");
        }
    }
    // Re-read everything those requests could have touched.
    let me = s.get(ME, &admin.token).await;
    assert_eq!(
        (me.ok(200)["full_name"].as_str(), me.body["role"].as_str()),
        (Some("steady"), Some("org_admin"))
    );
    let tenant = s.get("/api/v1/tenants/me", &admin.token).await;
    assert_eq!(tenant.ok(200)["name"], "Steady");
    assert_eq!(
        s.get("/api/v1/team", &admin.token).await.ok(200)["total"],
        1
    );
    assert_eq!(
        s.get("/api/v1/api-keys", &admin.token).await.ok(200)["total"],
        0
    );
    let r = register(
        &s,
        json!({"email": "fresh@example.com", "password": PASSWORD, "org_name": "My Organization"}),
    )
    .await;
    assert_eq!(
        r.ok(201)["org_slug"],
        "my-organization",
        "no registration slipped through"
    );
    s.login("steady@example.com", PASSWORD).await;
}
