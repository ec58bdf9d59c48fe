//! First run and demo, as the binary does them: the one-time setup link printed while no
//! platform admin exists, and `hirebase demo`.

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::cli::Served;
use crate::common::{PASSWORD, Reply, reply};

/// The setup link the start-up log printed.
fn setup_link(log: &str) -> String {
    let at = log
        .find("/setup?token=")
        .unwrap_or_else(|| panic!("no setup link in the log: {log}"));
    let start = log[..at].rfind("http://").expect("the link has its origin");
    log[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches(['"', '\''])
        .to_string()
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_string()
}

async fn send(base: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
    let mut req = reqwest::Client::new().request(method, format!("{base}{path}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    reply(req.send().await.unwrap()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_setup_link_works_once_and_dies_with_the_process() {
    let dir = TempDir::new().unwrap();
    let data = dir.path().join("state");
    let env = [("HIREBASE_DATA_DIR", data.to_str().unwrap())];
    let served = Served::start(dir.path(), &[], &env).await;
    let link = setup_link(&served.log());
    assert!(
        link.starts_with(&format!("{}/setup?token=", served.base)),
        "{link}"
    );
    let page = send(&served.base, Method::GET, &link[served.base.len()..], None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("<div id=\"app\">"),
        "the UI serves the page"
    );
    served.stop().await;

    // A restart prints a new link; the old one is dead.
    let served = Served::start(dir.path(), &[], &env).await;
    let fresh = token_of(&setup_link(&served.log()));
    let admin = |token: &str, password: &str| json!({"token": token, "email": "operator@example.com", "password": password});
    let setup = |body: Value| {
        send(
            &served.base,
            Method::POST,
            "/api/v1/admin/setup",
            Some(body),
        )
    };
    setup(admin(&token_of(&link), PASSWORD))
        .await
        .problem(403, "forbidden");
    assert_ne!(fresh, token_of(&link));
    // A refused password keeps the link usable.
    let short = setup(admin(&fresh, "short")).await;
    assert_eq!(
        short.problem(400, "validation")["errors"][0]["field"],
        "password"
    );
    let created = setup(admin(&fresh, PASSWORD)).await;
    assert_eq!(created.ok(201)["role"], "platform_admin");
    setup(admin(&fresh, PASSWORD))
        .await
        .problem(409, "conflict");
    served.login("operator@example.com", PASSWORD).await.ok(200);
    let gone = send(&served.base, Method::GET, "/setup", None).await;
    assert_eq!(gone.status, 404);
    served.stop().await;
    let served = Served::start(dir.path(), &[], &env).await;
    assert!(
        !served.log().contains("/setup?token="),
        "no link once the admin exists"
    );
    served.stop().await;
}

/// `hirebase demo`: a generated organisation, ready to sign in to, in a temporary data dir
/// that goes away with the process.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_serves_a_realistic_organisation_and_cleans_up() {
    let dir = TempDir::new().unwrap();
    let served = Served::start(dir.path(), &["demo"], &[]).await;
    let log = served.log();
    let ready = log
        .lines()
        .find(|l| l.contains("hirebase demo ready in"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        ready.contains(&format!("open {}/", served.base))
            && ready.contains(hirebase::domain::demo::EMAIL)
            && ready.contains(hirebase::domain::demo::PASSWORD),
        "{ready}"
    );
    let seconds: f64 = ready
        .split("ready in ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    eprintln!("demo start (debug build): {seconds:.2} s");
    let data = log
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .map(|l| l.trim_end_matches(" (removed at exit)").to_string())
        .unwrap_or_else(|| panic!("{log}"));
    assert!(std::path::Path::new(&data).join("hirebase.redb").exists());

    let login = served
        .login(
            hirebase::domain::demo::EMAIL,
            hirebase::domain::demo::PASSWORD,
        )
        .await;
    let token = login.ok(200)["access_token"].as_str().unwrap().to_string();
    let get = |path: String| {
        let (base, token) = (served.base.clone(), token.clone());
        async move {
            reply(
                reqwest::Client::new()
                    .get(format!("{base}/api/v1{path}"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let total = |r: Reply| r.ok(200)["total"].as_u64().unwrap();
    assert!(total(get("/candidates".into()).await) >= 500);
    let jobs = get("/jobs?limit=100".into()).await;
    let departments: std::collections::BTreeSet<String> = jobs.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|j| j["department"].as_str().map(String::from))
        .collect();
    assert!(departments.len() >= 5, "{departments:?}");
    for stage in [
        "sourced",
        "applied",
        "screening",
        "interview",
        "offer",
        "hired",
        "rejected",
        "withdrawn",
    ] {
        let n = total(get(format!("/applications?status={stage}")).await);
        assert!(n > 0, "no application in {stage}");
    }
    let done = get("/interviews?status=completed&limit=100".into()).await;
    assert!(
        done.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| !i["scorecards"].as_array().unwrap().is_empty()),
        "interviews carry scorecards"
    );
    assert!(total(get("/offers?status=accepted".into()).await) > 0);
    assert!(total(get("/people".into()).await) >= 20);
    assert!(total(get("/projects".into()).await) >= 3);
    assert!(total(get("/engagements".into()).await) >= 1);
    let found = get("/candidates?q=engineer".into()).await;
    assert!(total(found) > 0, "the index holds the demo");
    served.stop().await;
    assert!(
        !std::path::Path::new(&data).exists(),
        "the temporary data dir is removed at exit"
    );
}
