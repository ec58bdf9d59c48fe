//! The admin UI in a real browser: headless Chromium driven through chromedriver (WebDriver).
//! Needs `chromium` and `chromium-driver` (`scripts/test` installs them); `CHROME` and
//! `CHROMEDRIVER` point elsewhere. Set `HIREBASE_UI_SCREENSHOTS=DIR` to keep a PNG per step.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::common::{PASSWORD, TestServer, eventually};

const INSTALL_HINT: &str = "run `scripts/test`, which installs chromium and chromium-driver";

/// A chromedriver process in its own process group; dropping it kills the group, so no
/// browser outlives a failed test.
struct Chromedriver {
    child: Child,
    url: String,
    _profile: TempDir,
    profile_dir: PathBuf,
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary(var: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} not found (set {var} to override): {INSTALL_HINT}",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .unwrap()
        .port()
}

async fn start_chromedriver() -> Chromedriver {
    use std::os::unix::process::CommandExt;

    let path = binary("CHROMEDRIVER", "/usr/bin/chromedriver");
    let port = free_port();
    let child = Command::new(&path)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL_HINT}", path.display()));
    let profile = tempfile::tempdir().expect("browser profile dir");
    let profile_dir = profile.path().to_path_buf();
    let driver = Chromedriver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: profile,
        profile_dir,
    };
    eventually("chromedriver accepts connections", || async move {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    })
    .await;
    driver
}

async fn open_browser(driver: &Chromedriver) -> Client {
    let chrome = binary("CHROME", "/usr/bin/chromium");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chrome,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900",
                format!("--user-data-dir={}", driver.profile_dir.display()),
            ],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("chromedriver could not start {}: {e}", chrome.display()))
}

/// Polls the page until `css` exists and its text satisfies `ok`; returns that text.
async fn wait_for_text(
    client: &Client,
    css: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = None;
    while Instant::now() < deadline {
        if let Ok(el) = client.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if ok(&text) {
                return text;
            }
            last = Some(text);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "timed out waiting until {what} (`{css}` text: {last:?}; page at {:?})",
        client.current_url().await.ok()
    );
}

async fn fill(client: &Client, css: &str, text: &str) {
    let el = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
    el.send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing into `{css}`: {e}"));
}

/// Clicks the element at `css`, finding it again if the page re-rendered it in between
/// (search results that update as you type do). It is scrolled to the middle of the window
/// first, away from the toasts in the corner; a click one still intercepts is tried again.
async fn click(client: &Client, css: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let el = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
        let centre = "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});";
        let _ = client
            .execute(
                centre,
                vec![serde_json::to_value(&el).expect("element reference")],
            )
            .await;
        match el.click().await {
            Ok(()) => return,
            Err(e)
                if (e.to_string().contains("stale element")
                    || e.to_string().contains("click intercepted"))
                    && std::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            Err(e) => panic!("clicking `{css}`: {e}"),
        }
    }
}

/// The page's count of Content-Security-Policy violations (app.js keeps it on `<html>`).
async fn csp_violations(client: &Client) -> String {
    let count = client
        .execute(
            "return document.documentElement.dataset.cspViolations || '0';",
            vec![],
        )
        .await
        .expect("run script");
    count.as_str().unwrap_or_default().to_string()
}

/// Opens `route` (`/jobs/7`) of the UI, as typing its address would.
async fn visit(client: &Client, s: &TestServer, route: &str) {
    client
        .goto(&format!("{}/#{route}", s.base))
        .await
        .unwrap_or_else(|e| panic!("opening {route}: {e}"));
}

/// Ends a journey: nothing was blocked by the Content-Security-Policy, and the browser closes.
async fn finish(client: Client) {
    assert_eq!(
        csp_violations(&client).await,
        "0",
        "the Content-Security-Policy blocked part of the UI"
    );
    client.close().await.expect("close the browser");
}

/// Picks an `<option>` of the `<select>` at `css` by its value, as a user would.
async fn choose(client: &Client, css: &str, value: &str) {
    let el = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
    el.select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choosing `{value}` in `{css}`: {e}"));
}

/// Polls until an element matches `css` (for things without text, such as SVG shapes).
async fn wait_for_element(client: &Client, css: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if client.find(Locator::Css(css)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "timed out waiting until {what} (no `{css}`; page at {:?})",
        client.current_url().await.ok()
    );
}

/// Polls until the address bar's `#fragment` satisfies `ok`; returns it.
async fn wait_for_route(client: &Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = None;
    while Instant::now() < deadline {
        if let Ok(url) = client.current_url().await {
            let fragment = url.fragment().unwrap_or_default().to_string();
            if ok(&fragment) {
                return fragment;
            }
            last = Some(fragment);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting until {what} (route: {last:?})");
}

/// The record id at the end of a route such as `/jobs/12`.
fn route_id(fragment: &str) -> u64 {
    let id = fragment
        .split('?')
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default();
    id.parse()
        .unwrap_or_else(|_| panic!("no record id in route {fragment:?}"))
}

/// A browser on a fresh profile, with the chromedriver that drives it (keep both alive).
async fn open_ui() -> (Chromedriver, Client) {
    let driver = start_chromedriver().await;
    let client = open_browser(&driver).await;
    (driver, client)
}

/// Signs in through the sign-in form and waits for the header to name the user.
async fn sign_in(
    client: &Client,
    s: &TestServer,
    email: &str,
    full_name: &str,
    shot: Option<&str>,
) {
    client.goto(&s.base).await.expect("open the UI");
    fill(client, "#login-email", email).await;
    if let Some(name) = shot {
        screenshot(client, name).await;
    }
    fill(client, "#login-password", PASSWORD).await;
    click(client, "#login-submit").await;
    wait_for_text(
        client,
        "#current-user-name",
        "the header names the signed-in user",
        |t| t == full_name,
    )
    .await;
}

async fn screenshot(client: &Client, name: &str) {
    let Some(dir) = std::env::var_os("HIREBASE_UI_SCREENSHOTS") else {
        return;
    };
    let png = client.screenshot().await.expect("screenshot");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write screenshot");
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_signs_in_and_mints_an_api_key_shown_once() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let email = "ada@example.com";
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": email, "password": PASSWORD, "org_name": "Analytical Engines", "full_name": "Ada Lovelace"})),
        )
        .await;
    r.ok(201);

    let (_driver, client) = open_ui().await;

    // Signed out, the app lands on the sign-in form.
    sign_in(&client, &s, email, "Ada Lovelace", Some("01-login")).await;
    screenshot(&client, "02-signed-in").await;

    // Mint a key: the raw token is shown once.
    click(&client, "a[data-nav='api-keys']").await;
    fill(&client, "#api-key-name", "Careers site sync").await;
    for scope in [
        "#scope-jobs-read",
        "#scope-candidates-read",
        "#scope-team-read",
    ] {
        click(&client, scope).await;
    }
    screenshot(&client, "03-api-keys-form").await;
    click(&client, "#api-key-submit").await;
    let token = wait_for_text(
        &client,
        "#new-api-key-token",
        "the new key's token is shown",
        |t| t.starts_with("hb_"),
    )
    .await;
    screenshot(&client, "04-api-key-token").await;
    let prefix = &token[..11];
    wait_for_text(&client, "#api-keys-table", "the new key is listed", |t| {
        t.contains(prefix)
    })
    .await;
    assert_eq!(
        csp_violations(&client).await,
        "0",
        "the Content-Security-Policy blocked part of the UI"
    );

    // The token shown is the real thing: it reads the team with the scope it was given.
    let team = s.get("/api/v1/team", &token).await;
    assert_eq!(team.ok(200)["items"][0]["full_name"], "Ada Lovelace");

    // After a reload the token is gone for good; the key is listed by its prefix only.
    client.refresh().await.expect("reload");
    let listed = wait_for_text(
        &client,
        "#api-keys-table",
        "the key is listed after a reload",
        |t| t.contains(prefix),
    )
    .await;
    assert!(
        !listed.contains(&token),
        "the full token must not be listed"
    );
    let boxes = client
        .find_all(Locator::Css("#new-api-key-token"))
        .await
        .expect("query the page");
    assert!(boxes.is_empty(), "the token box must not survive a reload");
    let page = client.source().await.expect("page source");
    assert!(
        !page.contains(&token),
        "the raw token must not appear anywhere after a reload"
    );
    screenshot(&client, "05-api-keys-after-reload").await;

    // Signing out returns to the sign-in form, and the session cookie stops working.
    click(&client, "#sign-out").await;
    wait_for_text(&client, "#login-submit", "the sign-in form is back", |t| {
        t == "Sign in"
    })
    .await;
    let me = client
        .execute(
            "return fetch('/api/v1/users/me', {credentials: 'same-origin'}).then((r) => r.status);",
            vec![],
        )
        .await
        .expect("run script");
    assert_eq!(me, json!(401), "the session must end on sign-out");
    assert_eq!(
        csp_violations(&client).await,
        "0",
        "the Content-Security-Policy blocked part of the UI"
    );

    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recruiter_creates_job_adds_candidate_and_moves_it_to_screening() {
    let _turn = crate::common::heavy().await;
    let started = Instant::now();
    let s = TestServer::start().await;
    let email = "grace@example.com";
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": email, "password": PASSWORD, "org_name": "Compilers Inc", "full_name": "Grace Hopper"})),
        )
        .await;
    r.ok(201);
    let api = s.login(email, PASSWORD).await;

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, email, "Grace Hopper", None).await;

    // People who hire land on the dashboard; from the jobs, a new job opens its (empty) pipeline.
    wait_for_route(&client, "people who hire land on the dashboard", |f| {
        f == "/dashboard"
    })
    .await;
    click(&client, "a[data-nav='jobs']").await;
    click(&client, "#new-job-button").await;
    fill(&client, "#job-title", "Compiler Engineer").await;
    fill(&client, "#job-department", "Languages").await;
    fill(&client, "#job-location", "Arlington").await;
    screenshot(&client, "11-new-job").await;
    click(&client, "#job-submit").await;
    let route = wait_for_route(&client, "the new job's page opens", |f| {
        f.starts_with("/jobs/")
    })
    .await;
    let job_id = route_id(&route);
    wait_for_text(
        &client,
        ".page-title",
        "the job page shows its title",
        |t| t == "Compiler Engineer",
    )
    .await;
    wait_for_text(
        &client,
        "#stage-sourced .stage-count",
        "the board is empty",
        |t| t == "0",
    )
    .await;

    // A candidate through the form; it lands on their page.
    click(&client, "a[data-nav='candidates']").await;
    click(&client, "#new-candidate-button").await;
    fill(&client, "#candidate-full-name", "Katherine Johnson").await;
    fill(&client, "#candidate-email", "katherine@example.com").await;
    fill(&client, "#candidate-title", "Mathematician").await;
    fill(&client, "#candidate-company", "NASA").await;
    fill(&client, "#candidate-skills", "Orbital mechanics, FORTRAN").await;
    screenshot(&client, "12-new-candidate").await;
    click(&client, "#candidate-submit").await;
    let route = wait_for_route(&client, "the new candidate's page opens", |f| {
        f.starts_with("/candidates/")
    })
    .await;
    let candidate_id = route_id(&route);
    wait_for_text(
        &client,
        ".page-title",
        "the candidate page shows the name",
        |t| t == "Katherine Johnson",
    )
    .await;

    // Back to the job's board, and into its pipeline by searching as you type.
    click(&client, "a[data-nav='jobs']").await;
    click(
        &client,
        &format!("#jobs-table tr[data-job-id='{job_id}'] a.row-title"),
    )
    .await;
    wait_for_text(
        &client,
        ".page-title",
        "the job page opens from the list",
        |t| t == "Compiler Engineer",
    )
    .await;
    click(&client, "#add-to-pipeline-button").await;
    fill(&client, "#pipeline-search", "kath").await;
    wait_for_text(
        &client,
        "#pipeline-results",
        "the search finds the candidate",
        |t| t.contains("Katherine Johnson"),
    )
    .await;
    click(
        &client,
        &format!("#pipeline-results button[data-candidate-id='{candidate_id}']"),
    )
    .await;
    let card = format!("#stage-sourced .app-card[data-candidate-id='{candidate_id}']");
    wait_for_text(&client, &card, "the card is in Sourced", |t| {
        t.contains("Katherine Johnson") && t.contains("Mathematician at NASA")
    })
    .await;
    wait_for_text(
        &client,
        "#job-applicants",
        "the job counts one applicant",
        |t| t == "1",
    )
    .await;
    screenshot(&client, "13-board-added").await;

    // The card's stage control moves it (the keyboard's way; drag and drop calls the same move).
    choose(&client, &format!("{card} .stage-select"), "screening").await;
    wait_for_text(
        &client,
        &format!("#stage-screening .app-card[data-candidate-id='{candidate_id}']"),
        "the card is in Screening",
        |t| t.contains("Katherine Johnson"),
    )
    .await;
    wait_for_text(
        &client,
        "#stage-screening .stage-count",
        "Screening counts one",
        |t| t == "1",
    )
    .await;
    wait_for_text(
        &client,
        "#stage-sourced .stage-count",
        "Sourced is empty again",
        |t| t == "0",
    )
    .await;
    screenshot(&client, "14-board-moved").await;
    assert_eq!(
        csp_violations(&client).await,
        "0",
        "the Content-Security-Policy blocked part of the UI"
    );

    // The server agrees: one application, in screening, with the move in its history.
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job_id}"), &api.token)
        .await;
    let apps = apps.ok(200);
    assert_eq!(apps["total"], 1, "{apps}");
    let app = &apps["items"][0];
    assert_eq!(app["candidate_id"], candidate_id);
    assert_eq!(app["status"], "screening", "{app}");
    let history = s
        .get(
            &format!("/api/v1/applications/{}/history", app["id"]),
            &api.token,
        )
        .await;
    let moves: Vec<(Value, Value, Value)> = history.ok(200)["items"]
        .as_array()
        .expect("history items")
        .iter()
        .map(|c| (c["from"].clone(), c["to"].clone(), c["by"].clone()))
        .collect();
    assert_eq!(
        moves,
        vec![
            (Value::Null, json!("sourced"), json!(email)),
            (json!("sourced"), json!("screening"), json!(email))
        ]
    );

    finish(client).await;
    eprintln!("recruiter flow through the UI took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread")]
async fn recruiter_schedules_interview_adds_scorecard_and_sees_dashboard_chart() {
    let _turn = crate::common::heavy().await;
    let started = Instant::now();
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Mission Control").await;
    let recruiter = s
        .seed_member(
            admin.org_id,
            "dorothy@example.com",
            hirebase::auth::Role::Recruiter,
        )
        .await;

    // The job and the candidate come through the API: this test is about what follows.
    let job = s
        .post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": "Flight Software Engineer", "status": "open"}),
        )
        .await;
    let job_id = job.ok(201)["id"].as_u64().expect("job id");
    let person = s
        .post("/api/v1/candidates", &admin.token, json!({"full_name": "Katherine Johnson", "email": "katherine@example.com", "source": "referral"}))
        .await;
    let candidate_id = person.ok(201)["id"].as_u64().expect("candidate id");

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, &recruiter.email, "dorothy", None).await;
    wait_for_route(&client, "a recruiter lands on the dashboard", |f| {
        f == "/dashboard"
    })
    .await;

    // Schedule through the form: find the candidate by typing, take the suggested time (tomorrow, 10:00).
    click(&client, "a[data-nav='interviews']").await;
    click(&client, "#schedule-interview-button").await;
    fill(&client, "#interview-candidate-search", "kath").await;
    wait_for_text(
        &client,
        "#interview-candidate-results",
        "the search finds the candidate",
        |t| t.contains("Katherine Johnson"),
    )
    .await;
    click(
        &client,
        &format!("#interview-candidate-results button[data-candidate-id='{candidate_id}']"),
    )
    .await;
    wait_for_element(
        &client,
        &format!("#interview-job option[value='{job_id}']"),
        "the open job is offered",
    )
    .await;
    choose(&client, "#interview-job", &job_id.to_string()).await;
    choose(&client, "#interview-kind", "technical").await;
    fill(
        &client,
        "#interview-location",
        "https://meet.example.com/kj",
    )
    .await;
    screenshot(&client, "21-schedule-interview").await;
    click(&client, "#interview-submit").await;
    let route = wait_for_route(&client, "the new interview's page opens", |f| {
        f.starts_with("/interviews/")
    })
    .await;
    let interview_id = route_id(&route);
    wait_for_text(
        &client,
        ".page-title",
        "the interview page names the candidate",
        |t| t == "Interview with Katherine Johnson",
    )
    .await;
    wait_for_text(
        &client,
        "#interview-status",
        "the interview is scheduled",
        |t| t == "Scheduled",
    )
    .await;

    // A scorecard through the form.
    fill(&client, "#scorecard-score", "87").await;
    choose(&client, "#scorecard-recommendation", "strong_hire").await;
    fill(&client, "#scorecard-notes", "Clear on orbital mechanics.").await;
    click(&client, "#scorecard-submit").await;
    wait_for_text(&client, "#scorecards", "the scorecard is listed", |t| {
        t.contains("87") && t.contains("Strong hire") && t.contains("dorothy")
    })
    .await;
    screenshot(&client, "22-scorecard").await;

    // The server has it, and scheduling put the candidate at Interview in the job's pipeline.
    let interview = s
        .get(&format!("/api/v1/interviews/{interview_id}"), &admin.token)
        .await;
    let interview = interview.ok(200);
    assert_eq!(
        (
            interview["candidate_id"].as_u64(),
            interview["job_id"].as_u64()
        ),
        (Some(candidate_id), Some(job_id)),
        "{interview}"
    );
    assert_eq!(interview["kind"], "technical", "{interview}");
    assert_eq!(
        interview["location_or_url"], "https://meet.example.com/kj",
        "{interview}"
    );
    let cards = interview["scorecards"].as_array().expect("scorecards");
    assert_eq!(cards.len(), 1, "{interview}");
    assert_eq!(
        (&cards[0]["score"], &cards[0]["recommendation"]),
        (&json!(87), &json!("strong_hire")),
        "{interview}"
    );
    assert_eq!(cards[0]["interviewer"], "dorothy");
    assert_eq!(cards[0]["submitted_by"], "dorothy@example.com");
    assert_eq!(
        interview["interviewers"],
        json!([{"user_id": recruiter.user_id, "name": "dorothy", "email": "dorothy@example.com"}]),
        "the scheduler's email put them on the panel as a teammate"
    );
    assert_eq!(cards[0]["interviewer_user_id"], json!(recruiter.user_id));
    let apps = s
        .get(
            &format!("/api/v1/applications?job_id={job_id}"),
            &admin.token,
        )
        .await;
    assert_eq!(
        apps.ok(200)["items"][0]["status"],
        "interview",
        "{}",
        apps.text
    );

    // The dashboard draws it: a bar of one in the funnel's Interview row, and the time-to-hire chart.
    click(&client, "a[data-nav='dashboard']").await;
    wait_for_element(
        &client,
        "#funnel-chart rect.bar[data-stage='interview'][data-count='1']",
        "the funnel has a bar for the interview",
    )
    .await;
    let width = client
        .execute("return document.querySelector(\"#funnel-chart rect.bar[data-stage='interview']\").getAttribute('width');", vec![])
        .await
        .expect("run script");
    assert!(
        width
            .as_str()
            .and_then(|w| w.parse::<f64>().ok())
            .is_some_and(|w| w > 0.0),
        "the interview bar has no length: {width}"
    );
    wait_for_element(
        &client,
        "#time-to-hire-chart[role='img'] title",
        "the time-to-hire chart is drawn",
    )
    .await;
    wait_for_text(
        &client,
        "#kpi-interviews",
        "the KPI counts the interview",
        |t| t == "1",
    )
    .await;
    screenshot(&client, "23-dashboard").await;
    assert_eq!(
        csp_violations(&client).await,
        "0",
        "the Content-Security-Policy blocked part of the UI"
    );

    finish(client).await;
    eprintln!(
        "interview, scorecard and dashboard through the UI took {:?}",
        started.elapsed()
    );
}

/// Runs `script` (an async function body) in the page and returns what it resolves to.
async fn run(client: &Client, script: &str) -> Value {
    client
        .execute(&format!("return (async () => {{ {script} }})();"), vec![])
        .await
        .unwrap_or_else(|e| panic!("running a script in the page: {e}"))
}

/// An open job, by API; returns its id.
async fn open_job(s: &TestServer, token: &str, title: &str) -> u64 {
    let job = s
        .post(
            "/api/v1/jobs",
            token,
            json!({"title": title, "status": "open"}),
        )
        .await;
    job.ok(201)["id"].as_u64().expect("job id")
}

/// A video interview on 3 June 2031 (which moves the application to Interview); returns its id.
async fn interview_for(s: &TestServer, token: &str, job: u64, candidate: u64) -> u64 {
    let interview = s
        .post(
            "/api/v1/interviews",
            token,
            json!({"candidate_id": candidate, "job_id": job, "scheduled_at": "2031-06-03T09:00:00Z", "duration_min": 45, "kind": "video"}),
        )
        .await;
    interview.ok(201)["id"].as_u64().expect("interview id")
}

/// An organisation (its admin signs in as ada@example.com), an open job, Charles Babbage
/// applied to it, and an interview with him.
struct Scene {
    s: TestServer,
    admin: crate::common::Member,
    job: u64,
    person: u64,
    interview: u64,
}

async fn scene() -> Scene {
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    let job = open_job(&s, &admin.token, "Engine Designer").await;
    let person = in_pipeline(
        &s,
        &admin.token,
        job,
        "Charles Babbage",
        "referral",
        "applied",
    )
    .await;
    let interview = interview_for(&s, &admin.token, job, person).await;
    Scene {
        s,
        admin,
        job,
        person,
        interview,
    }
}

/// Creates a candidate and puts them into `job`'s pipeline at `stage`; returns the candidate id.
async fn in_pipeline(
    s: &TestServer,
    token: &str,
    job: u64,
    name: &str,
    source: &str,
    stage: &str,
) -> u64 {
    let person = s
        .post(
            "/api/v1/candidates",
            token,
            json!({"full_name": name, "current_title": "Engineer", "source": source}),
        )
        .await;
    let id = person.ok(201)["id"].as_u64().expect("candidate id");
    let app = s
        .post(
            "/api/v1/applications",
            token,
            json!({"job_id": job, "candidate_id": id, "status": stage}),
        )
        .await;
    app.ok(201);
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn pipeline_board_fits_1400px_shows_card_facts_and_confirms_a_jump() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    let job = open_job(&s, &admin.token, "Engine Designer").await;
    let sourced = in_pipeline(
        &s,
        &admin.token,
        job,
        "Charles Babbage",
        "referral",
        "sourced",
    )
    .await;
    let interviewing = in_pipeline(
        &s,
        &admin.token,
        job,
        "Mary Somerville",
        "linkedin",
        "applied",
    )
    .await;
    for (name, stage) in [
        ("Luigi Menabrea", "hired"),
        ("Herschel Brother", "rejected"),
        ("Augustus De Morgan", "withdrawn"),
    ] {
        in_pipeline(&s, &admin.token, job, name, "manual", stage).await;
    }
    let interview_id = interview_for(&s, &admin.token, job, interviewing).await;

    let (_driver, client) = open_ui().await;
    client
        .set_window_size(1400, 900)
        .await
        .expect("a 1400 px window");
    sign_in(&client, &s, "ada@example.com", "ada", None).await;
    visit(&client, &s, &format!("/jobs/{job}")).await;
    let card = format!("#stage-sourced .app-card[data-candidate-id='{sourced}']");
    wait_for_text(&client, &card, "the sourced card is drawn", |t| {
        t.contains("Charles Babbage")
    })
    .await;
    screenshot(&client, "31-board-1400").await;

    // Every stage, the three ways out included, is on screen without scrolling sideways.
    let layout = run(
        &client,
        "const stages = ['sourced','applied','screening','interview','offer','hired','rejected','withdrawn'];
         const board = document.getElementById('pipeline-board');
         return {
           width: window.innerWidth,
           scrolls: board.scrollWidth > board.clientWidth,
           off: stages.filter((s) => { const r = document.getElementById('stage-' + s).getBoundingClientRect();
                                        return r.width === 0 || r.left < 0 || r.right > window.innerWidth; }),
         };",
    )
    .await;
    assert!(
        layout["width"].as_u64().is_some_and(|w| w >= 1380),
        "{layout}"
    );
    assert_eq!(layout["scrolls"], json!(false), "{layout}");
    assert_eq!(layout["off"], json!([]), "{layout}");
    for (stage, count) in [
        ("hired", "1"),
        ("rejected", "1"),
        ("withdrawn", "1"),
        ("interview", "1"),
    ] {
        wait_for_text(
            &client,
            &format!("#stage-{stage} .stage-count"),
            "a closing stage counts its card",
            |t| t == count,
        )
        .await;
    }

    // A card says more than name and title: days at the stage, the source, the next interview.
    wait_for_text(
        &client,
        &format!("{card} .app-card-days"),
        "days in stage",
        |t| t == "Moved here today",
    )
    .await;
    wait_for_text(
        &client,
        &format!("{card} .app-card-source"),
        "the source",
        |t| t.contains("Referral"),
    )
    .await;
    let next = format!(
        "#stage-interview .app-card[data-candidate-id='{interviewing}'] .app-card-next a[href='#/interviews/{interview_id}']"
    );
    wait_for_text(&client, &next, "the next interview", |t| t.contains("Jun")).await;

    // Sourced → Hired skips four stages: it asks first, and Cancel leaves the card where it was.
    let select = format!("{card} .stage-select");
    choose(&client, &select, "hired").await;
    let question = wait_for_text(
        &client,
        "dialog[open] .dialog-text",
        "the jump is questioned",
        |t| t.contains("skips"),
    )
    .await;
    assert!(
        question.contains("Screening, Interview and Offer"),
        "{question}"
    );
    screenshot(&client, "32-board-jump-question").await;
    click(&client, "dialog[open] .dialog-actions .btn-secondary").await;
    wait_for_text(
        &client,
        &format!("{card} .stage-select"),
        "the card stays",
        |_| true,
    )
    .await;
    let still = run(
        &client,
        &format!("return document.querySelector(\"{select}\").value;"),
    )
    .await;
    assert_eq!(still, json!("sourced"));
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job}"), &admin.token)
        .await;
    let status_of = |apps: &Value, candidate: u64| {
        apps["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["candidate_id"] == candidate)
            .map(|a| a["status"].clone())
    };
    assert_eq!(status_of(apps.ok(200), sourced), Some(json!("sourced")));

    // Confirmed, it moves.
    choose(&client, &select, "hired").await;
    click(&client, "dialog[open] .dialog-actions .btn-primary").await;
    wait_for_text(
        &client,
        &format!("#stage-hired .app-card[data-candidate-id='{sourced}']"),
        "the card is in Hired",
        |t| t.contains("Charles Babbage"),
    )
    .await;
    wait_for_text(
        &client,
        "#stage-hired .stage-count",
        "Hired counts two",
        |t| t == "2",
    )
    .await;
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job}"), &admin.token)
        .await;
    assert_eq!(status_of(apps.ok(200), sourced), Some(json!("hired")));
    screenshot(&client, "33-board-after-jump").await;
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn jobs_list_pages_filters_by_tab_searches_as_you_type_and_opens_the_new_card() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    for i in 1..=22 {
        let status = if i % 7 == 0 { "draft" } else { "open" };
        s.post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": format!("Engineer {i:02}"), "status": status, "employment_type": "full_time", "level": "senior"}),
        )
        .await
        .ok(201);
    }
    s.post(
        "/api/v1/jobs",
        &admin.token,
        json!({"title": "Zebra Keeper", "status": "open"}),
    )
    .await
    .ok(201);

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "ada@example.com", "ada", None).await;
    click(&client, "a[data-nav='jobs']").await;
    wait_for_text(&client, "#job-count", "all jobs are counted", |t| {
        t == "23 jobs."
    })
    .await;
    wait_for_text(
        &client,
        ".pager-status",
        "the pager says where we are",
        |t| t == "Showing 1–20 of 23",
    )
    .await;
    // Terms are said for people.
    wait_for_text(
        &client,
        "#jobs-table",
        "machine values are humanized",
        |t| t.contains("Senior · Full-time") && !t.contains("full_time"),
    )
    .await;
    screenshot(&client, "41-jobs-page-1").await;

    // The pager goes to page 2, and the address keeps it.
    click(&client, ".pager a[rel='next']").await;
    wait_for_route(&client, "page 2 is in the address", |f| f == "/jobs?page=2").await;
    wait_for_text(&client, ".pager-status", "page 2 shows the rest", |t| {
        t == "Showing 21–23 of 23"
    })
    .await;

    // A status tab filters and starts again at page 1.
    click(&client, "#job-status-filter button[data-status='draft']").await;
    wait_for_text(&client, "#job-count", "three drafts", |t| {
        t == "3 jobs match."
    })
    .await;
    wait_for_route(&client, "the tab is in the address", |f| {
        f == "/jobs?status=draft"
    })
    .await;
    let pressed = run(
        &client,
        "return [...document.querySelectorAll('#job-status-filter [aria-pressed=\"true\"]')].map((b) => b.dataset.status);",
    )
    .await;
    assert_eq!(pressed, json!(["draft"]));

    // Search as you type, across every status.
    click(&client, "#job-status-filter button[data-status='']").await;
    fill(&client, "#job-search", "zebra").await;
    wait_for_text(&client, "#jobs-table", "the search narrows the list", |t| {
        t.contains("Zebra Keeper") && !t.contains("Engineer")
    })
    .await;
    wait_for_text(&client, "#job-count", "one match", |t| t == "1 job match.").await;
    wait_for_route(&client, "the words are in the address", |f| {
        f == "/jobs?q=zebra"
    })
    .await;
    screenshot(&client, "42-jobs-search").await;

    // The "New job" card opens from the header and creates the job.
    let hidden = run(
        &client,
        "return document.getElementById('job-form-card').hidden;",
    )
    .await;
    assert_eq!(hidden, json!(true));
    click(&client, "#new-job-button").await;
    wait_for_element(
        &client,
        "#new-job-button[aria-expanded='true']",
        "the card says it is open",
    )
    .await;
    let focused = run(&client, "return document.activeElement.id;").await;
    assert_eq!(focused, json!("job-title"), "the form takes the focus");
    fill(&client, "#job-title", "Difference Engine Mechanic").await;
    click(&client, "#job-submit").await;
    let route = wait_for_route(&client, "the new job opens", |f| f.starts_with("/jobs/")).await;
    let created = s
        .get(&format!("/api/v1/jobs/{}", route_id(&route)), &admin.token)
        .await;
    assert_eq!(created.ok(200)["title"], "Difference Engine Mechanic");
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn actions_and_pages_follow_the_permissions_of_the_role() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    let manager = s
        .seed_member(
            admin.org_id,
            "grace@example.com",
            hirebase::auth::Role::HiringManager,
        )
        .await;
    s.seed_member(
        admin.org_id,
        "dorothy@example.com",
        hirebase::auth::Role::Recruiter,
    )
    .await;
    let person = s
        .post(
            "/api/v1/candidates",
            &admin.token,
            json!({"full_name": "Katherine Johnson"}),
        )
        .await;
    let candidate = person.ok(201)["id"].as_u64().expect("candidate id");
    let nav = "return [...document.querySelectorAll('a[data-nav]')].map((a) => a.dataset.nav);";

    let (_driver, client) = open_ui().await;

    // A hiring manager may edit candidates but not delete them, and has no admin pages.
    sign_in(&client, &s, &manager.email, "grace", None).await;
    visit(&client, &s, &format!("/candidates/{candidate}")).await;
    wait_for_text(
        &client,
        "#edit-candidate-button",
        "editing is offered",
        |t| t == "Edit",
    )
    .await;
    let delete = client
        .find_all(Locator::Css("#delete-candidate-button"))
        .await
        .expect("query the page");
    assert!(
        delete.is_empty(),
        "a hiring manager must not be offered Delete"
    );
    let entries = run(&client, nav).await;
    assert_eq!(
        entries,
        json!([
            "dashboard",
            "jobs",
            "candidates",
            "interviews",
            "offers",
            "agent",
            "library",
            "people",
            "projects",
            "engagements",
            "team",
            "settings",
            "profile"
        ]),
        "the sidebar lists what a hiring manager may open"
    );
    screenshot(&client, "51-hiring-manager-candidate").await;
    // Typing the address of an admin page says why instead of failing.
    visit(&client, &s, "/api-keys").await;
    wait_for_text(
        &client,
        ".notice-title",
        "the page says who may use it",
        |t| t == "Only organisation admins manage API keys",
    )
    .await;
    click(&client, "#sign-out").await;

    // A recruiter may delete candidates.
    sign_in(&client, &s, "dorothy@example.com", "dorothy", None).await;
    visit(&client, &s, &format!("/candidates/{candidate}")).await;
    wait_for_text(
        &client,
        "#delete-candidate-button",
        "deleting is offered",
        |t| t == "Delete",
    )
    .await;
    click(&client, "#sign-out").await;

    // The organisation admin sees the admin pages too.
    sign_in(&client, &s, "ada@example.com", "ada", None).await;
    let entries = run(&client, nav).await;
    for page in ["api-keys", "webhooks", "audit"] {
        assert!(
            entries.as_array().unwrap().contains(&json!(page)),
            "{page} missing from {entries}"
        );
    }
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn modules_are_not_fetched_again_and_api_sends_forms_and_reads_downloads() {
    let _turn = crate::common::heavy().await;
    let Scene { s, interview, .. } = scene().await;

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "ada@example.com", "ada", None).await;
    wait_for_route(&client, "the dashboard opens", |f| f == "/dashboard").await;
    wait_for_element(&client, "#funnel-chart", "the dashboard is drawn").await;

    // A second visit asks the server for the page only: every module comes from the cache.
    let modules = "return performance.getEntriesByType('resource')
        .filter((e) => e.name.includes('/assets/') && e.name.endsWith('.js'))
        .map((e) => ({name: e.name.split('/assets/')[1], bytes: e.transferSize}));";
    let first = run(&client, modules).await;
    let fetched = first.as_array().expect("entries").len();
    assert!(
        fetched >= 6,
        "the first visit loads the modules it needs: {first}"
    );
    // Pages are imported when visited: signing in and the dashboard, not the other pages.
    let mut pages: Vec<&str> = first
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .filter(|n| n.starts_with("page-"))
        .map(|n| n.split('.').next().unwrap())
        .collect();
    pages.sort();
    assert_eq!(pages, ["page-auth", "page-dashboard"], "{first}");
    client.goto(&s.base).await.expect("visit again");
    wait_for_element(&client, "#funnel-chart", "the dashboard is drawn again").await;
    let again = run(&client, modules).await;
    let refetched: Vec<&Value> = again
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["bytes"].as_u64() != Some(0))
        .collect();
    assert!(
        refetched.is_empty(),
        "modules went to the network again (not even a 304 is needed): {refetched:?}"
    );
    eprintln!(
        "second visit: {} modules, {} over the network",
        again.as_array().unwrap().len(),
        refetched.len()
    );

    // A FormData body goes as multipart (the browser writes the boundary); a JSON-only
    // endpoint then refuses its media type, which the helper reports as an ApiError.
    let sent = run(
        &client,
        "const { api } = await import('/assets/api.js');
         const real = window.fetch;
         const seen = [];
         window.fetch = (url, init) => { seen.push(init); return real(url, init); };
         const form = new FormData();
         form.append('full_name', 'Ada');
         form.append('resume', new Blob(['A plain text resume'], { type: 'text/plain' }), 'resume.txt');
         let failure = null;
         try { await api('POST', '/candidates', form); } catch (e) { failure = { name: e.name, status: e.status }; }
         window.fetch = real;
         return { multipart: seen[0].body instanceof FormData, type: seen[0].headers['Content-Type'] ?? null, failure };",
    )
    .await;
    assert_eq!(
        sent,
        json!({"multipart": true, "type": null, "failure": {"name": "ApiError", "status": 415}}),
    );

    // Downloads: a blob with the server's file name; an export read line by line as it arrives.
    let got = run(
        &client,
        &format!(
            "const {{ api, lines }} = await import('/assets/api.js');
             const ics = await api('GET', '/interviews/{interview}/ics', undefined, {{ as: 'blob' }});
             const csv = await api('GET', '/audit/export', undefined, {{ as: 'response' }});
             const rows = [];
             for await (const line of lines(csv)) rows.push(line);
             const text = await api('GET', '/audit/export', undefined, {{ as: 'text' }});
             return {{ filename: ics.filename, starts: (await ics.blob.text()).slice(0, 15), header: rows[0],
                      rows: rows.length, same: text.trim().split(/\\r?\\n/).length === rows.length }};"
        ),
    )
    .await;
    assert_eq!(
        got["filename"],
        json!(format!("interview-{interview}.ics")),
        "{got}"
    );
    assert_eq!(got["starts"], json!("BEGIN:VCALENDAR"), "{got}");
    assert!(
        got["header"].as_str().is_some_and(|h| h.contains("action")),
        "{got}"
    );
    assert!(got["rows"].as_u64().is_some_and(|n| n > 3), "{got}");
    assert_eq!(got["same"], json!(true), "{got}");
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_loads_its_module_and_renders_for_an_org_admin() {
    let _turn = crate::common::heavy().await;
    let Scene {
        s,
        admin,
        job,
        person,
        interview,
    } = scene().await;
    s.post(
        "/api/v1/offers",
        &admin.token,
        json!({"candidate_id": person, "job_id": job, "base_salary": 90000, "currency": "EUR"}),
    )
    .await
    .ok(201);
    let (key, _) = s
        .mint_key(&admin, "Sync", "recruiter", &["jobs:read"])
        .await;
    let key = key["id"].as_u64().expect("key id");
    let talent = s
        .post(
            "/api/v1/people",
            &admin.token,
            json!({"full_name": "Ada Byron", "skills": ["Mathematics"]}),
        )
        .await;
    let talent = talent.ok(201)["id"].as_u64().expect("person id");
    let project = s
        .post(
            "/api/v1/projects",
            &admin.token,
            json!({"name": "Analytical Engine", "client": "Babbage & Co"}),
        )
        .await;
    let project = project.ok(201)["id"].as_u64().expect("project id");
    let slot = s
        .post(
            &format!("/api/v1/projects/{project}/slots"),
            &admin.token,
            json!({"title": "Programmer", "skills": ["Mathematics"]}),
        )
        .await;
    let slot = slot.ok(201)["id"].as_u64().expect("slot id");

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "ada@example.com", "ada", None).await;
    // Each route imports its page module on the first visit; a wrong module or export name
    // would show the "could not be loaded" page instead of the page's title.
    let pages = [
        ("/dashboard".to_string(), "Dashboard".to_string()),
        ("/jobs".into(), "Jobs".into()),
        (format!("/jobs/{job}"), "Engine Designer".into()),
        ("/candidates".into(), "Candidates".into()),
        ("/candidates/import".into(), "Import candidates".into()),
        (format!("/candidates/{person}"), "Charles Babbage".into()),
        ("/interviews?status=all".into(), "Interviews".into()),
        (
            format!("/interviews/{interview}"),
            "Interview with Charles Babbage".into(),
        ),
        ("/offers".into(), "Offers".into()),
        ("/library".into(), "Library".into()),
        ("/team".into(), "Team".into()),
        ("/api-keys".into(), "API keys".into()),
        (format!("/api-keys/{key}/usage"), "Usage of “Sync”".into()),
        ("/settings".into(), "Organisation settings".into()),
        ("/webhooks".into(), "Webhooks".into()),
        ("/audit".into(), "Audit".into()),
        ("/profile".into(), "Profile".into()),
        ("/people".into(), "People".into()),
        (format!("/people/{talent}"), "Ada Byron".into()),
        ("/projects".into(), "Projects".into()),
        (format!("/projects/{project}"), "Analytical Engine".into()),
        (format!("/slots/{slot}"), "Programmer".into()),
        ("/engagements".into(), "Engagements".into()),
        ("/agent".into(), "Agent".into()),
        ("/no-such-page".into(), "Page not found".into()),
    ];
    for (route, title) in &pages {
        visit(&client, &s, route).await;
        wait_for_text(&client, "main h1", &format!("{route} renders"), |t| {
            t == title
        })
        .await;
        let failed = client
            .find_all(Locator::Css("main .notice-danger"))
            .await
            .expect("query the page");
        assert!(failed.is_empty(), "{route} shows an error");
    }
    // Offers, interviews and the audit trail say their values for people.
    visit(&client, &s, "/offers").await;
    wait_for_text(&client, "#offers-list", "the offer is listed", |t| {
        t.contains("€90,000") && t.contains("Draft")
    })
    .await;
    finish(client).await;
}

/// Sets the value of the input at `css` as a picker would (date inputs take typed keys in the
/// browser's own locale order, which a test should not depend on).
async fn set_value(client: &Client, css: &str, value: &str) {
    wait_for_element(client, css, &format!("`{css}` is shown")).await;
    client
        .execute(
            "const el = document.querySelector(arguments[0]);
             el.value = arguments[1];
             el.dispatchEvent(new Event('input', {bubbles: true}));
             el.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(css), json!(value)],
        )
        .await
        .unwrap_or_else(|e| panic!("setting `{css}`: {e}"));
}

/// The names of the matches listed at `list` (`#job-matches-list`), in the order shown.
async fn match_names(client: &Client, list: &str) -> Value {
    client
        .execute(
            "return [...document.querySelectorAll(arguments[0] + ' > li .match-name')].map((n) => n.textContent);",
            vec![json!(list)],
        )
        .await
        .expect("run script")
}

/// The six axis values a match's table shows, `{axis: value}`, and its chart's description.
async fn chart_alternative(client: &Client, card: &str) -> (Value, String) {
    let table = client
        .execute(
            "return Object.fromEntries([...document.querySelectorAll(arguments[0] + ' .radar-table tr[data-axis]')]
               .map((row) => [row.dataset.axis, Number(row.querySelector('.radar-number').textContent)]));",
            vec![json!(card)],
        )
        .await
        .expect("run script");
    let desc = client
        .execute(
            "const svg = document.querySelector(arguments[0] + ' svg.radar-chart[role=\"img\"]');
             return svg.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id).textContent).join(' | ');",
            vec![json!(card)],
        )
        .await
        .expect("run script");
    (table, desc.as_str().unwrap_or_default().to_string())
}

const AXES: [(&str, &str); 6] = [
    ("skills", "Skills"),
    ("experience", "Experience"),
    ("seniority", "Seniority"),
    ("location", "Location"),
    ("compensation", "Compensation"),
    ("availability", "Availability"),
];

#[tokio::test(flavor = "multi_thread")]
async fn job_matches_show_the_best_candidate_first_with_its_chart_and_add_it_to_the_pipeline() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    let recruiter = s
        .seed_member(
            admin.org_id,
            "grace@example.com",
            hirebase::auth::Role::Recruiter,
        )
        .await;
    let job = s
        .post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": "Backend Engineer", "status": "open", "level": "senior", "location": "Berlin",
                   "remote_option": "hybrid", "required_skills": ["Rust", "PostgreSQL"],
                   "nice_to_have_skills": ["Kubernetes"], "salary_min": 70000, "salary_max": 90000,
                   "currency": "EUR", "description": "Five years or more building backend services in Rust."}),
        )
        .await;
    let job = job.ok(201)["id"].as_u64().expect("job id");
    let mut ids = Vec::new();
    for person in [
        json!({"full_name": "Katherine Johnson", "current_title": "Senior Backend Engineer", "experience_years": 8,
               "skills": ["Rust", "Postgres", "k8s"], "location": "Berlin", "availability": "available",
               "remote_preference": "hybrid", "expected_salary_min": 75000, "expected_salary_max": 85000,
               "expected_salary_currency": "EUR"}),
        json!({"full_name": "Alan Turing", "current_title": "Software Engineer", "experience_years": 3,
               "skills": ["Rust"], "location": "Manchester", "availability": "notice_period", "notice_period_days": 90}),
        json!({"full_name": "Dorothy Vaughan", "current_title": "Junior Developer", "experience_years": 1,
               "skills": ["Rust", "Fortran"], "location": "Hampton", "availability": "not_looking"}),
    ] {
        let r = s.post("/api/v1/candidates", &admin.token, person).await;
        ids.push(r.ok(201)["id"].as_u64().expect("candidate id"));
    }
    // What the server ranks: the page must show the same order and the same axes.
    let ranked = s
        .post(
            "/api/v1/matching/candidates_for_job",
            &admin.token,
            json!({"job_id": job, "limit": 20}),
        )
        .await;
    let ranked = ranked.ok(200)["matches"].clone();
    let order: Vec<u64> = ranked
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| m["candidate_id"].as_u64().expect("candidate id"))
        .collect();
    assert_eq!(
        order.first(),
        Some(&ids[0]),
        "the fitting candidate ranks first: {ranked}"
    );
    let best = ids[0];
    let names: Vec<Value> = ranked
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["full_name"].clone())
        .collect();

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, &recruiter.email, "grace", None).await;
    visit(&client, &s, &format!("/jobs/{job}")).await;
    wait_for_element(&client, "#stage-sourced", "the pipeline board is drawn").await;
    click(&client, "#job-tabs-tab-matches").await;
    wait_for_route(&client, "the tab is in the address", |f| {
        f == format!("/jobs/{job}?tab=matches")
    })
    .await;
    let card = format!("#job-match-{best}");
    wait_for_text(
        &client,
        "#job-matches-list > li:first-child .match-name",
        "the best candidate is listed first",
        |t| t == "Katherine Johnson",
    )
    .await;
    assert_eq!(
        match_names(&client, "#job-matches-list").await,
        json!(names),
        "the page keeps the server's order"
    );
    // The spider chart: an SVG polygon over six axes, and its text alternative says the values.
    wait_for_element(
        &client,
        &format!("{card}-chart polygon.radar-area"),
        "the chart is drawn",
    )
    .await;
    let (table, desc) = chart_alternative(&client, &card).await;
    let breakdown = &ranked[0]["breakdown"];
    for (axis, name) in AXES {
        assert_eq!(table[axis], breakdown[axis], "{axis} in the table: {table}");
        assert!(
            desc.contains(&format!("{name} {}", breakdown[axis])),
            "{name} missing from the chart's description: {desc}"
        );
    }
    let text = wait_for_text(&client, &card, "the match says why", |t| {
        t.contains("Matched skills") && t.contains("Missing skills")
    })
    .await;
    let reason = ranked[0]["reason"].as_str().expect("a reason");
    assert!(text.contains(reason), "{text} lacks {reason}");
    assert!(text.contains(&ranked[0]["score"].to_string()), "{text}");
    screenshot(&client, "61-job-matches").await;

    // "Add to pipeline" puts the best candidate into Sourced; the board shows the card.
    click(&client, &format!("{card} .match-add")).await;
    wait_for_text(
        &client,
        &format!("{card} .match-pipeline"),
        "the match says it is in the pipeline",
        |t| t == "In pipeline · Sourced",
    )
    .await;
    // Someone else adds the next candidate meanwhile: adding it here reads "already in pipeline".
    let second = order[1];
    s.post(
        "/api/v1/applications",
        &admin.token,
        json!({"job_id": job, "candidate_id": second}),
    )
    .await
    .ok(201);
    click(&client, &format!("#job-match-{second} .match-add")).await;
    wait_for_text(
        &client,
        &format!("#job-match-{second} .match-pipeline"),
        "a conflict reads as already in the pipeline",
        |t| t == "Already in pipeline",
    )
    .await;
    click(&client, "#job-tabs-tab-pipeline").await;
    wait_for_text(
        &client,
        &format!("#stage-sourced .app-card[data-candidate-id='{best}']"),
        "the added candidate is on the board",
        |t| t.contains("Katherine Johnson") && t.contains("Senior Backend Engineer"),
    )
    .await;
    wait_for_route(&client, "the pipeline tab has the plain address", |f| {
        f == format!("/jobs/{job}")
    })
    .await;
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job}"), &admin.token)
        .await;
    let apps = apps.ok(200);
    assert_eq!(apps["total"], 2, "{apps}");
    let added: Vec<u64> = apps["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == "sourced")
        .map(|a| a["candidate_id"].as_u64().unwrap())
        .collect();
    assert!(added.contains(&best), "{apps}");

    // The candidate's own page finds the job among their matching jobs, already in its pipeline.
    visit(&client, &s, &format!("/candidates/{best}?matches=1")).await;
    wait_for_text(
        &client,
        &format!("#candidate-match-{job}"),
        "the job is among the candidate's matching jobs",
        |t| t.contains("Backend Engineer") && t.contains("In pipeline · Sourced"),
    )
    .await;
    wait_for_element(
        &client,
        &format!("#candidate-match-{job}-chart polygon.radar-area"),
        "the job match has its chart",
    )
    .await;
    screenshot(&client, "62-candidate-matching-jobs").await;
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_sets_matching_weights_and_restores_the_defaults() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "ada@example.com", "ada", None).await;
    visit(&client, &s, "/settings").await;
    wait_for_text(
        &client,
        "#weight-skills-share",
        "the skills weight's share is said",
        |t| t.contains("40% of the score"),
    )
    .await;
    let skills = client
        .find(Locator::Css("#weight-skills"))
        .await
        .expect("skills weight");
    skills.clear().await.expect("clear");
    skills.send_keys("90").await.expect("type");
    wait_for_text(
        &client,
        "#weight-skills-share",
        "the share follows the typing",
        |t| t.contains("60% of the score"),
    )
    .await;
    screenshot(&client, "65-matching-weights").await;
    click(&client, "#weights-submit").await;
    eventually("the weights are saved", || async {
        let tenant = s.get("/api/v1/tenants/me", &admin.token).await;
        tenant.ok(200)["match_weights"]["skills"] == 90
    })
    .await;
    // All zero is refused before it is sent.
    for (axis, _) in AXES {
        set_value(&client, &format!("#weight-{axis}"), "0").await;
    }
    click(&client, "#weights-submit").await;
    wait_for_text(
        &client,
        "#weights-form .form-alert",
        "the form says why",
        |t| t.contains("Please correct"),
    )
    .await;
    let tenant = s.get("/api/v1/tenants/me", &admin.token).await;
    assert_eq!(tenant.ok(200)["match_weights"]["skills"], 90);

    click(&client, "#weights-reset").await;
    click(&client, "#weights-reset-confirm").await;
    wait_for_text(
        &client,
        "#weight-skills-share",
        "the defaults are back",
        |t| t.contains("40% of the score"),
    )
    .await;
    let tenant = s.get("/api/v1/tenants/me", &admin.token).await;
    assert_eq!(
        tenant.ok(200)["match_weights"],
        json!({"skills": 40, "experience": 15, "seniority": 15, "location": 10, "compensation": 10, "availability": 10})
    );
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_adds_a_subsidiary_and_an_agency_and_removes_one() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "ada@example.com", "ada", None).await;
    // Without an agency, inviting someone of the agency role says where agencies are added,
    // and the invitation cannot be sent; the link leads there.
    visit(&client, &s, "/team").await;
    click(&client, "#invite-button").await;
    fill(&client, "#invite-email", "early@talentbridge.test").await;
    choose(&client, "#invite-role", "agency").await;
    wait_for_text(
        &client,
        "#invite-no-agencies:not([hidden])",
        "the no-agencies message",
        |t| t.contains("no agencies yet") && t.contains("Organisation settings"),
    )
    .await;
    wait_for_element(&client, "#invite-submit[disabled]", "the disabled submit").await;
    wait_for_element(
        &client,
        "#invite-agency[disabled]",
        "the empty agency select",
    )
    .await;
    choose(&client, "#invite-role", "recruiter").await;
    wait_for_element(
        &client,
        "#invite-no-agencies[hidden]",
        "the message gone with another role",
    )
    .await;
    wait_for_element(
        &client,
        "#invite-submit:not([disabled])",
        "the submit again",
    )
    .await;
    choose(&client, "#invite-role", "agency").await;
    click(&client, "#invite-add-agency").await;
    wait_for_route(&client, "the settings page", |r| r.starts_with("/settings")).await;
    wait_for_text(
        &client,
        "#structure-subsidiaries",
        "the structure sections",
        |t| t.contains("No subsidiaries yet"),
    )
    .await;
    click(&client, "#add-subsidiary-button").await;
    fill(&client, "#subsidiary-name", "Engines Nordics").await;
    fill(&client, "#subsidiary-location", "Oslo").await;
    click(&client, "#subsidiary-submit").await;
    wait_for_text(
        &client,
        "#structure-subsidiaries-items",
        "the subsidiary is listed",
        |t| t.contains("Engines Nordics") && t.contains("Oslo"),
    )
    .await;
    click(&client, "#add-agency-button").await;
    fill(&client, "#agency-name", "TalentBridge").await;
    fill(&client, "#agency-contact_email", "not an email").await;
    fill(&client, "#agency-fee_percent", "18").await;
    click(&client, "#agency-submit").await;
    // The browser or the server refuses the address; fix it and add.
    let list = s.get("/api/v1/agencies", &admin.token).await;
    assert_eq!(list.ok(200)["total"], 0);
    set_value(&client, "#agency-contact_email", "sam@talentbridge.test").await;
    click(&client, "#agency-submit").await;
    wait_for_text(
        &client,
        "#structure-agencies-items",
        "the agency is listed with its fee",
        |t| t.contains("TalentBridge") && t.contains("18% fee"),
    )
    .await;
    screenshot(&client, "66-organisation-structure").await;
    let subsidiary = s.get("/api/v1/subsidiaries", &admin.token).await;
    let id = subsidiary.ok(200)["items"][0]["id"].as_u64().unwrap();

    // A job of the subsidiary, made with the job form's select; the list filters by it.
    s.post("/api/v1/jobs", &admin.token, json!({"title": "HQ Analyst"}))
        .await
        .ok(201);
    visit(&client, &s, "/jobs?new=1").await;
    fill(&client, "#job-title", "Oslo Engineer").await;
    wait_for_element(
        &client,
        "#job-subsidiary:not([disabled])",
        "the subsidiary select",
    )
    .await;
    choose(&client, "#job-subsidiary", &id.to_string()).await;
    click(&client, "#job-submit").await;
    let route = wait_for_route(&client, "the new job's page", |r| {
        r.starts_with("/jobs/") && !r.contains("new")
    })
    .await;
    let job = route_id(&route);
    let stored = s.get(&format!("/api/v1/jobs/{job}"), &admin.token).await;
    assert_eq!(stored.ok(200)["subsidiary_id"], id);
    visit(&client, &s, "/jobs").await;
    wait_for_text(&client, "#jobs-table", "both jobs are listed", |t| {
        t.contains("HQ Analyst") && t.contains("Oslo Engineer") && t.contains("Engines Nordics")
    })
    .await;
    choose(&client, "#job-subsidiary-filter", &id.to_string()).await;
    wait_for_text(&client, "#jobs-table", "only the subsidiary's job", |t| {
        t.contains("Oslo Engineer") && !t.contains("HQ Analyst")
    })
    .await;
    screenshot(&client, "66-jobs-by-subsidiary").await;

    // Someone from the agency is invited with it: the agency select appears with the role.
    visit(&client, &s, "/team").await;
    click(&client, "#invite-button").await;
    fill(&client, "#invite-email", "sam@talentbridge.test").await;
    choose(&client, "#invite-role", "agency").await;
    let agencies = s.get("/api/v1/agencies", &admin.token).await;
    let agency = agencies.ok(200)["items"][0]["id"].as_u64().unwrap();
    wait_for_element(
        &client,
        "#invite-agency:not([disabled])",
        "the agency select",
    )
    .await;
    choose(&client, "#invite-agency", &agency.to_string()).await;
    click(&client, "#invite-submit").await;
    let url = wait_for_text(&client, "#invite-url", "the invite link is shown", |t| {
        t.contains("/accept-invite?token=")
    })
    .await;
    let token = url.rsplit("token=").next().unwrap().trim().to_string();
    let r = s
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/accept-invite",
            None,
            Some(json!({"token": token, "password": PASSWORD, "full_name": "Sam Scout"})),
        )
        .await;
    assert_eq!(r.ok(200)["user"]["agency_id"], agency);

    // The subsidiary has a job: removing it is refused and says why; it stays.
    visit(&client, &s, "/settings").await;
    click(
        &client,
        &format!("#structure-subsidiaries-items button[data-remove=\"{id}\"]"),
    )
    .await;
    click(&client, "#structure-remove-confirm").await;
    wait_for_text(&client, "body", "the refusal is shown", |t| {
        t.contains("1 job(s) belong to it")
    })
    .await;
    s.get(&format!("/api/v1/subsidiaries/{id}"), &admin.token)
        .await
        .ok(200);
    s.patch(
        &format!("/api/v1/jobs/{job}"),
        &admin.token,
        json!({"subsidiary_id": null}),
    )
    .await
    .ok(200);
    visit(&client, &s, "/settings").await;
    click(
        &client,
        &format!("#structure-subsidiaries-items button[data-remove=\"{id}\"]"),
    )
    .await;
    click(&client, "#structure-remove-confirm").await;
    wait_for_text(
        &client,
        "#structure-subsidiaries",
        "the subsidiary is gone",
        |t| t.contains("No subsidiaries yet"),
    )
    .await;
    assert_eq!(
        s.get("/api/v1/subsidiaries", &admin.token).await.ok(200)["total"],
        0
    );

    // The team lists the new member with the agency's name; nobody was invited early.
    visit(&client, &s, "/team").await;
    wait_for_text(&client, "#team-table", "the agency member", |t| {
        t.contains("Sam Scout") && t.contains("TalentBridge")
    })
    .await;
    let invited = s.get("/api/v1/admin/outbox", &admin.token).await;
    let to: Vec<String> = invited.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["to"].as_str().unwrap().to_string())
        .collect();
    assert!(
        to.contains(&"sam@talentbridge.test".to_string())
            && !to.contains(&"early@talentbridge.test".to_string()),
        "{to:?}"
    );

    // The agency's person signs in to the pages an agency may use, and lands on candidates.
    click(&client, "#sign-out").await;
    wait_for_route(&client, "signed out", |r| r.starts_with("/login")).await;
    sign_in(&client, &s, "sam@talentbridge.test", "Sam Scout", None).await;
    wait_for_route(&client, "an agency lands on its candidates", |r| {
        r.starts_with("/candidates")
    })
    .await;
    let nav: Vec<String> = client
        .execute(
            "return [...document.querySelectorAll('a[data-nav]')].map((a) => a.dataset.nav);",
            vec![],
        )
        .await
        .expect("the sidebar")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        nav,
        ["jobs", "candidates", "agent", "library", "profile"],
        "the agency's sidebar"
    );
    screenshot(&client, "66-agency-sidebar").await;
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recruiter_adds_a_person_and_a_project_slot_and_engages_the_best_match() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Mission Control").await;
    let recruiter = s
        .seed_member(
            admin.org_id,
            "dorothy@example.com",
            hirebase::auth::Role::Recruiter,
        )
        .await;
    // Someone who fits less well is already in the talent pool.
    s.post(
        "/api/v1/people",
        &admin.token,
        json!({"full_name": "Mary Jackson", "skills": ["Fortran"], "seniority": "junior"}),
    )
    .await
    .ok(201);

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, &recruiter.email, "dorothy", None).await;

    // A person through the "New person" card.
    click(&client, "a[data-nav='people']").await;
    click(&client, "#new-person-button").await;
    fill(&client, "#person-full-name", "Katherine Johnson").await;
    fill(
        &client,
        "#person-headline",
        "Data engineer, orbital analytics",
    )
    .await;
    fill(&client, "#person-skills", "Python, Spark, SQL").await;
    choose(&client, "#person-seniority", "senior").await;
    fill(&client, "#person-rate-min", "500").await;
    fill(&client, "#person-rate-max", "700").await;
    fill(&client, "#person-currency", "eur").await;
    screenshot(&client, "71-new-person").await;
    click(&client, "#person-submit").await;
    let route = wait_for_route(&client, "the new person's page opens", |f| {
        f.starts_with("/people/")
    })
    .await;
    let person = route_id(&route);
    wait_for_text(
        &client,
        "#person-profile",
        "the profile says the rate",
        |t| t.contains("€500 – €700 a day") && t.contains("Senior"),
    )
    .await;
    // The list filters by skill.
    visit(&client, &s, "/people?skills=spark").await;
    wait_for_text(&client, "#people-table", "the filter finds her", |t| {
        t.contains("Katherine Johnson") && !t.contains("Mary Jackson")
    })
    .await;

    // A project, then a slot on it.
    click(&client, "a[data-nav='projects']").await;
    click(&client, "#new-project-button").await;
    fill(&client, "#project-name", "Orbit Analytics").await;
    fill(&client, "#project-client", "NASA").await;
    click(&client, "#project-submit").await;
    let route = wait_for_route(&client, "the new project's page opens", |f| {
        f.starts_with("/projects/")
    })
    .await;
    let project = route_id(&route);
    click(&client, "#new-slot-button").await;
    fill(&client, "#slot-title", "Data engineer").await;
    fill(&client, "#slot-skills", "Python, Spark").await;
    choose(&client, "#slot-seniority", "senior").await;
    set_value(&client, "#slot-start", "2026-06-01").await;
    set_value(&client, "#slot-end", "2026-09-30").await;
    click(&client, "#slot-submit").await;
    wait_for_text(&client, "#slots-table", "the slot is listed", |t| {
        t.contains("Data engineer") && t.contains("Open")
    })
    .await;
    click(&client, "#slots-table a.row-title").await;
    let route = wait_for_route(&client, "the slot's page opens", |f| {
        f.starts_with("/slots/")
    })
    .await;
    let slot = route_id(&route);

    // Its matches: the fitting person first, with the spider chart and its text alternative.
    wait_for_text(
        &client,
        "#slot-matches-list > li:first-child .match-name",
        "the best match is listed first",
        |t| t == "Katherine Johnson",
    )
    .await;
    let card = format!("#slot-match-{person}");
    wait_for_element(
        &client,
        &format!("{card}-chart polygon.radar-area"),
        "the chart is drawn",
    )
    .await;
    let (table, desc) = chart_alternative(&client, &card).await;
    for (axis, name) in AXES {
        assert!(table[axis].is_u64(), "{axis} missing from {table}");
        assert!(desc.contains(name), "{name} missing from {desc}");
    }
    screenshot(&client, "72-slot-matches").await;

    // Engage her: the dates default to the slot's; the slot is then filled and says by whom.
    click(&client, &format!("{card} .match-engage")).await;
    let start = run(
        &client,
        &format!("return document.getElementById('engage-{person}-start').value;"),
    )
    .await;
    assert_eq!(start, json!("2026-06-01"));
    click(&client, &format!("#engage-{person}-submit")).await;
    wait_for_text(&client, "#slot-status", "the slot is filled", |t| {
        t == "Filled"
    })
    .await;
    wait_for_text(
        &client,
        "#slot-holder-name",
        "the slot says who holds it",
        |t| t == "Katherine Johnson",
    )
    .await;
    screenshot(&client, "73-slot-filled").await;
    let engagements = s
        .get(&format!("/api/v1/engagements?slot_id={slot}"), &admin.token)
        .await;
    let engagements = engagements.ok(200);
    assert_eq!(engagements["total"], 1, "{engagements}");
    let engagement = &engagements["items"][0];
    assert_eq!(
        (
            engagement["person_id"].as_u64(),
            engagement["project_id"].as_u64(),
            engagement["start_date"].as_str(),
            engagement["end_date"].as_str(),
            engagement["status"].as_str()
        ),
        (
            Some(person),
            Some(project),
            Some("2026-06-01"),
            Some("2026-09-30"),
            Some("active")
        ),
        "{engagement}"
    );
    let id = engagement["id"].as_u64().expect("engagement id");

    // The engagements list ends it; the slot opens again.
    click(&client, "a[data-nav='engagements']").await;
    let row = format!("#engagements-table tr[data-engagement-id='{id}']");
    wait_for_text(&client, &row, "the engagement is listed", |t| {
        t.contains("Katherine Johnson") && t.contains("Data engineer") && t.contains("Active")
    })
    .await;
    screenshot(&client, "74-engagements").await;
    click(&client, &format!("{row} button[data-action='ended']")).await;
    click(&client, "#engagement-ended-confirm").await;
    wait_for_text(&client, &row, "the engagement reads ended", |t| {
        t.contains("Ended") && !t.contains("Active")
    })
    .await;
    let slot_now = s.get(&format!("/api/v1/slots/{slot}"), &admin.token).await;
    assert_eq!(slot_now.ok(200)["status"], "open");
    finish(client).await;
}

/// First run: the one-time setup link creates the platform admin, who lands on the backups
/// page, takes a backup and sees it listed with a working download link.
#[tokio::test(flavor = "multi_thread")]
async fn the_setup_link_creates_the_platform_admin_who_takes_a_backup() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let org = s.register("owner@firstrun.example", "First Run").await;
    s.post(
        "/api/v1/candidates",
        &org.token,
        json!({"full_name": "Katherine Johnson", "email": "kj@example.com"}),
    )
    .await
    .ok(201);
    let token = s.state.setup.issue();
    let (_driver, client) = open_ui().await;

    // Without its token the page explains itself instead of offering the form.
    client
        .goto(&format!("{}/setup", s.base))
        .await
        .expect("open /setup");
    wait_for_text(&client, ".auth-card", "the page asks for the link", |t| {
        t.contains("setup link the server printed")
    })
    .await;

    client
        .goto(&format!("{}/setup?token={token}", s.base))
        .await
        .expect("open the setup link");
    fill(&client, "#setup-email", "operator@firstrun.example").await;
    fill(&client, "#setup-password", PASSWORD).await;
    fill(&client, "#setup-confirm", "not the same").await;
    click(&client, "#setup-submit").await;
    wait_for_text(
        &client,
        "#setup-confirm-error",
        "a mismatch is shown",
        |t| t.contains("repeat the password"),
    )
    .await;
    set_value(&client, "#setup-confirm", PASSWORD).await;
    screenshot(&client, "setup-01-form").await;
    click(&client, "#setup-submit").await;
    wait_for_route(&client, "the backups page opens", |f| f == "/backups").await;
    wait_for_text(
        &client,
        "#current-user-name",
        "the platform admin is signed in",
        |t| t == "operator",
    )
    .await;
    wait_for_text(&client, "main", "no backup yet", |t| {
        t.contains("No backups yet")
    })
    .await;

    click(&client, "#run-backup").await;
    let row = wait_for_text(
        &client,
        "#backups-table tbody tr",
        "the backup is listed",
        |t| t.contains("hirebase-") && t.contains("B"),
    )
    .await;
    screenshot(&client, "setup-02-backups").await;
    let listed = s
        .get(
            "/api/v1/admin/backup",
            &s.login("operator@firstrun.example", PASSWORD).await.token,
        )
        .await;
    let backup = listed.ok(200)["items"][0].clone();
    assert!(row.contains(backup["name"].as_str().unwrap()), "{row}");
    // The download link sends the file with the session cookie.
    let fetched = run(
        &client,
        "const a = document.querySelector('#backups-table a[download]');
         const r = await fetch(a.href);
         const bytes = (await r.arrayBuffer()).byteLength;
         return {status: r.status, bytes, sha: r.headers.get('x-checksum-sha256')};",
    )
    .await;
    assert_eq!(fetched["status"], 200, "{fetched}");
    assert_eq!(fetched["bytes"], backup["size_bytes"], "{fetched}");
    assert_eq!(fetched["sha"], backup["sha256"], "{fetched}");

    // The link worked once: the setup page is gone.
    let again = s.call(Method::GET, "/setup", None, None).await;
    assert_eq!(again.status, 404);
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn platform_admin_sees_organisations_and_changes_flags() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start_with_admin("root@platform.example", PASSWORD).await;
    let org = s.register("ada@example.com", "Analytical Engines").await;
    s.post(
        "/api/v1/jobs",
        &org.token,
        json!({"title": "Engine Operator"}),
    )
    .await
    .ok(201);
    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "root@platform.example", "root", None).await;
    // The platform admin lands on its console; the sidebar offers the platform's pages only.
    wait_for_route(&client, "the console opens", |r| {
        r.starts_with("/admin/organisations")
    })
    .await;
    let row = wait_for_text(
        &client,
        &format!("#organisations-table tr[data-org-id=\"{}\"]", org.org_id),
        "the organisation is listed with its counts",
        |t| t.contains("Analytical Engines"),
    )
    .await;
    assert!(row.contains("/careers/analytical-engines"), "{row}");
    let nav = wait_for_text(&client, "nav.nav", "the sidebar", |t| {
        t.contains("Feature flags")
    })
    .await;
    assert!(
        !nav.contains("Jobs") && !nav.contains("Candidates"),
        "{nav}"
    );
    screenshot(&client, "80-platform-organisations").await;

    // Closing registration from the organisations page.
    click(&client, "#registration-open").await;
    eventually("registration is closed", || async {
        !s.state.flags.get().registration_open
    })
    .await;

    // The flags page: lower a limit, switch to soft mode.
    click(&client, "a[data-nav=\"flags\"]").await;
    let input = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#flag-rate_limit_person_rpm"))
        .await
        .expect("the person limit");
    assert_eq!(input.prop("value").await.unwrap().as_deref(), Some("60"));
    set_value(&client, "#flag-rate_limit_person_rpm", "0").await;
    click(&client, "#flags-submit").await;
    wait_for_text(
        &client,
        "#flags-form .form-alert",
        "a limit of 0 is refused before it is sent",
        |t| t.contains("Please correct"),
    )
    .await;
    set_value(&client, "#flag-rate_limit_person_rpm", "45").await;
    click(&client, "#flag-rate_limit_strict_mode").await;
    screenshot(&client, "81-platform-flags").await;
    click(&client, "#flags-submit").await;
    eventually("the flags are saved", || async {
        let flags = s.state.flags.get();
        flags.rate_limit_person_rpm == 45 && !flags.rate_limit_strict_mode
    })
    .await;
    let root = s.login("root@platform.example", PASSWORD).await;
    let r = s.get("/api/v1/admin/flags", &root.token).await;
    let flags = &r.ok(200)["flags"];
    assert_eq!(flags["rate_limit_company_rpm"], 120, "untouched flags stay");
    assert_eq!(flags["registration_open"], false);
    // The registration switch on the flags page shows the change made elsewhere.
    let open = client
        .find(Locator::Css("#flag-registration_open"))
        .await
        .expect("registration flag");
    assert_eq!(
        open.prop("checked").await.unwrap().as_deref(),
        Some("false")
    );

    // Suspending the organisation, with a reason, then resuming it.
    click(&client, "a[data-nav=\"organisations\"]").await;
    let row = format!("#organisations-table tr[data-org-id=\"{}\"]", org.org_id);
    click(&client, &format!("{row} button[data-action=\"suspend\"]")).await;
    fill(&client, "dialog textarea", "unpaid invoice").await;
    click(&client, "#suspend-confirm").await;
    wait_for_text(&client, &row, "the organisation shows as suspended", |t| {
        t.contains("Suspended") && t.contains("Resume")
    })
    .await;
    s.get("/api/v1/jobs", &org.token)
        .await
        .problem(403, "forbidden");
    screenshot(&client, "82-platform-suspended").await;
    click(&client, &format!("{row} button[data-action=\"resume\"]")).await;
    wait_for_text(&client, &row, "the organisation is active again", |t| {
        t.contains("Active") && t.contains("Suspend")
    })
    .await;
    s.get("/api/v1/jobs", &org.token).await.ok(200);

    // The health page.
    click(&client, "a[data-nav=\"health\"]").await;
    let status = wait_for_text(&client, "#health-page", "the health page", |t| {
        t.contains("Storage") && t.contains("Audit entries")
    })
    .await;
    assert!(
        status.contains("All good") && status.contains("redb"),
        "{status}"
    );
    screenshot(&client, "83-platform-health").await;
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_invites_a_recruiter_who_opens_the_mailed_link_and_is_signed_in() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    s.register("ada@example.com", "Analytical Engines").await;
    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "ada@example.com", "ada", None).await;
    visit(&client, &s, "/team").await;
    click(&client, "#invite-button").await;
    fill(&client, "#invite-email", "grace@example.com").await;
    choose(&client, "#invite-role", "recruiter").await;
    click(&client, "#invite-submit").await;
    let url = wait_for_text(&client, "#invite-url", "the invite link is shown", |t| {
        t.contains("/accept-invite?token=")
    })
    .await;
    screenshot(&client, "82-team-invite").await;

    // The mail is in the organisation's outbox; its link is what the teammate opens.
    visit(&client, &s, "/admin/outbox").await;
    wait_for_text(
        &client,
        "#outbox-table",
        "the invitation mail is listed",
        |t| {
            t.contains("grace@example.com")
                && t.contains("You are invited to join Analytical Engines")
        },
    )
    .await;
    let href = client
        .execute(
            "return document.querySelector('#outbox-table tr[data-kind=\"invite\"] a.mail-link').getAttribute('href');",
            vec![],
        )
        .await
        .expect("the link in the mail");
    let href = href.as_str().expect("an href").to_string();
    assert!(
        href.ends_with(url.rsplit('/').next().unwrap()),
        "{href} vs {url}"
    );
    // Signed out, on this browser, the teammate opens the link (served at the public URL's
    // path, here on the test server).
    click(&client, "#sign-out").await;
    wait_for_route(&client, "signed out", |r| r.starts_with("/login")).await;
    let path = &href[href.find("/accept-invite").unwrap()..];
    client
        .goto(&format!("{}{path}", s.base))
        .await
        .expect("open the invite link");
    wait_for_route(&client, "the UI routes the mailed path", |r| {
        r.starts_with("/accept-invite?token=")
    })
    .await;
    fill(&client, "#accept-name", "Grace Hopper").await;
    fill(&client, "#accept-password", PASSWORD).await;
    screenshot(&client, "83-accept-invite").await;
    click(&client, "#accept-submit").await;
    wait_for_text(
        &client,
        "#current-user-name",
        "the teammate is signed in",
        |t| t == "Grace Hopper",
    )
    .await;
    let role = client
        .find(Locator::Css(".user-role"))
        .await
        .expect("the role in the header")
        .text()
        .await
        .unwrap();
    assert_eq!(role, "Recruiter");
    let grace = s.login("grace@example.com", PASSWORD).await;
    assert_eq!(
        grace.org_id,
        s.login("ada@example.com", PASSWORD).await.org_id
    );
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_sets_the_privacy_notice_and_retention_erases_a_candidate_and_deletes_the_organisation()
 {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Lamp Works").await;
    let job = s
        .post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": "Lamplighter", "is_public": true}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "ada@example.com", "ada", None).await;

    // The privacy notice: saved from settings, shown on the careers page.
    visit(&client, &s, "/settings").await;
    fill(
        &client,
        "#privacy-notice-text",
        "We keep applications for a year.",
    )
    .await;
    fill(&client, "#privacy-notice-version", "v1").await;
    click(&client, "#privacy-notice-submit").await;
    eventually("the notice is saved", || async {
        let t = s.get("/api/v1/tenants/me", &admin.token).await;
        t.ok(200)["privacy_notice"]
            == json!({"text": "We keep applications for a year.", "version": "v1"})
    })
    .await;
    let page = s.call(Method::GET, "/careers/lamp-works", None, None).await;
    assert!(page.text.contains("We keep applications for a year."));
    let applied = s
        .call(
            Method::POST,
            "/api/v1/careers/apply",
            None,
            Some(json!({"job_id": job, "full_name": "Wick Trimmer", "email": "wick@example.net", "consent": true})),
        )
        .await;
    let wick = applied.ok(201)["candidate_id"].as_u64().unwrap();
    let app = applied.body["application_id"].as_u64().unwrap();
    s.patch(
        &format!("/api/v1/applications/{app}"),
        &admin.token,
        json!({"status": "rejected"}),
    )
    .await
    .ok(200);

    // Retention: the preview lists the closed candidate once they are old enough.
    let tenant = admin.org_id;
    s.state
        .store
        .write(move |tx| {
            use hirebase::store::Reader;
            use hirebase::store::tables::{APPLICATIONS, CANDIDATES};
            let then = hirebase::time::Timestamp::now().plus_secs(-400 * 86_400);
            let mut c = tx.get(&CANDIDATES, tenant, wick)?.expect("candidate");
            c.updated_at = then;
            tx.put(&CANDIDATES, tenant, wick, &c)?;
            let mut a = tx.get(&APPLICATIONS, tenant, app)?.expect("application");
            a.updated_at = then;
            a.stage_changed_at = then;
            tx.put(&APPLICATIONS, tenant, app, &a)
        })
        .await
        .unwrap();
    set_value(&client, "#retention-months", "12").await;
    click(&client, "#retention-preview-button").await;
    wait_for_text(
        &client,
        "#retention-preview",
        "the preview lists the closed, inactive candidate",
        |t| t.contains("Wick Trimmer") && t.contains("1 candidate would be erased"),
    )
    .await;
    screenshot(&client, "80-retention-preview").await;
    click(&client, "#retention-submit").await;
    eventually("the rule is saved", || async {
        let t = s.get("/api/v1/tenants/me", &admin.token).await;
        t.ok(200)["retention"] == json!({"months": 12, "stages": ["rejected", "withdrawn"]})
    })
    .await;

    // The candidate page shows the consent, and erasing says what goes first.
    visit(&client, &s, &format!("/candidates/{wick}")).await;
    wait_for_text(
        &client,
        ".application .consent",
        "the consent is shown",
        |t| t.contains("version v1"),
    )
    .await;
    click(&client, "#erase-candidate-button").await;
    wait_for_text(
        &client,
        "dialog .dialog-text",
        "the dialog says what will be removed",
        |t| t.contains("1 application") && t.contains("audit"),
    )
    .await;
    click(&client, "#erase-candidate-confirm").await;
    wait_for_route(&client, "back on the candidate list", |r| {
        r.starts_with("/candidates") && !r.contains(&wick.to_string())
    })
    .await;
    s.get(&format!("/api/v1/candidates/{wick}"), &admin.token)
        .await
        .problem(404, "not_found");

    // Export and delete: the export link, and deletion only once the slug is typed. The
    // retention rule is turned off first.
    visit(&client, &s, "/settings").await;
    click(&client, "#retention-off").await;
    eventually("the rule is off", || async {
        let t = s.get("/api/v1/tenants/me", &admin.token).await;
        t.ok(200)["retention"].is_null()
    })
    .await;
    let href = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#account-export-link"))
        .await
        .expect("export link")
        .attr("href")
        .await
        .unwrap();
    assert_eq!(href.as_deref(), Some("/api/v1/account/export"));
    let disabled = run(
        &client,
        "return document.querySelector('#delete-account-submit').disabled;",
    )
    .await;
    assert_eq!(disabled, json!(true));
    fill(&client, "#delete-account-confirm", "lamp-work").await;
    let disabled = run(
        &client,
        "return document.querySelector('#delete-account-submit').disabled;",
    )
    .await;
    assert_eq!(disabled, json!(true), "not the slug yet");
    fill(&client, "#delete-account-confirm", "s").await;
    click(&client, "#delete-account-submit").await;
    wait_for_element(
        &client,
        "#login-email",
        "the sign-in page after the deletion",
    )
    .await;
    s.get("/api/v1/users/me", &admin.token)
        .await
        .problem(401, "unauthenticated");
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recruiter_reads_a_resume_reviews_it_creates_the_candidate_and_sees_the_document() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let email = "ada@example.com";
    s.call(
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": email, "password": PASSWORD, "org_name": "Engines Ltd", "full_name": "Ada Lovelace"})),
    )
    .await
    .ok(201);
    let resume = "Jane Doe\nSenior Backend Engineer\nSan Francisco, CA | jane.doe@example.com\n\n\
                  Experience\nStaff Engineer at TechCorp (2019 – present)\n\nSkills\nPython, Kubernetes\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jane.pdf");
    std::fs::write(&path, crate::documents::pdf(resume)).unwrap();

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, email, "Ada Lovelace", None).await;
    visit(&client, &s, "/candidates").await;
    click(&client, "#from-resume-button").await;
    fill(&client, "#resume-file", path.to_str().unwrap()).await;
    fill(&client, "#resume-notes", "Met at RustConf").await;
    click(&client, "#resume-read").await;
    // What the resume says, for review; nothing is saved yet.
    wait_for_element(&client, "#resume-full-name", "the review form opens").await;
    let read = |id: &'static str| {
        let client = client.clone();
        async move {
            run(
                &client,
                &format!("return document.querySelector('#{id}').value;"),
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
        }
    };
    assert_eq!(read("resume-full-name").await, "Jane Doe");
    assert_eq!(read("resume-current-company").await, "TechCorp");
    assert_eq!(read("resume-email").await, "jane.doe@example.com");
    assert_eq!(
        s.get("/api/v1/candidates", &s.login(email, PASSWORD).await.token)
            .await
            .ok(200)["total"],
        0
    );
    // The reviewer corrects the title, then creates the candidate.
    let title = client
        .find(Locator::Css("#resume-current-title"))
        .await
        .unwrap();
    title.clear().await.unwrap();
    title.send_keys("Principal Engineer").await.unwrap();
    click(&client, "#resume-create").await;
    let route = wait_for_route(&client, "the new candidate's page opens", |f| {
        f.starts_with("/candidates/")
    })
    .await;
    let id = route_id(&route);
    wait_for_text(&client, ".page-title", "the candidate page", |t| {
        t == "Jane Doe"
    })
    .await;
    wait_for_text(
        &client,
        "#candidate-documents-list",
        "the resume is listed with the candidate",
        |t| t.contains("jane.pdf") && t.contains("PDF"),
    )
    .await;
    let api = s.login(email, PASSWORD).await;
    let c = s.get(&format!("/api/v1/candidates/{id}"), &api.token).await;
    let c = c.ok(200);
    assert_eq!(c["current_title"], "Principal Engineer");
    assert_eq!(c["current_company"], "TechCorp");
    assert!(c["notes"].as_str().unwrap().contains("Met at RustConf"));
    // The document link downloads the file as it was sent.
    let href = run(
        &client,
        "return document.querySelector('#candidate-documents-list a.document-link').getAttribute('href');",
    )
    .await;
    let bytes = run(
        &client,
        &format!(
            "const r = await fetch('{}'); return [r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength];",
            href.as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(bytes[0], 200);
    assert_eq!(bytes[1], "application/pdf");
    assert_eq!(
        bytes[2].as_u64().unwrap(),
        std::fs::metadata(&path).unwrap().len()
    );

    // Then the agent is asked to match the new candidate to a job, and names the job.
    let job = s
        .post(
            "/api/v1/jobs",
            &api.token,
            json!({"title": "Platform Engineer", "required_skills": ["Python", "Kubernetes"], "location": "San Francisco, CA"}),
        )
        .await;
    let job = job.ok(201)["id"].as_u64().unwrap();
    visit(&client, &s, "/agent").await;
    fill(&client, "#agent-message", "match Jane Doe to a job").await;
    click(&client, "#agent-send").await;
    let answer = wait_for_text(
        &client,
        "#agent-log",
        "the agent answers with the job",
        |t| {
            t.contains("Here are the best open jobs for candidate")
                && t.contains("Platform Engineer")
        },
    )
    .await;
    assert!(answer.contains(&format!("#{id} (Jane Doe)")), "{answer}");
    let link = run(
        &client,
        "return document.querySelector('#agent-log a.agent-link').getAttribute('href');",
    )
    .await;
    assert_eq!(link, format!("#/jobs/{job}"));
    // "it" is the candidate just talked about; the link opens the job.
    fill(&client, "#agent-message", "summarize it").await;
    click(&client, "#agent-send").await;
    wait_for_text(
        &client,
        "#agent-log",
        "the agent remembers the candidate",
        |t| {
            t.contains(&format!(
                "Candidate #{id}: Jane Doe — Principal Engineer @ TechCorp"
            ))
        },
    )
    .await;
    // A new conversation, then the first one reopened from the list of past ones.
    click(&client, "#agent-new").await;
    fill(&client, "#agent-message", "list jobs").await;
    click(&client, "#agent-send").await;
    wait_for_text(
        &client,
        "#agent-history-list",
        "both conversations are listed",
        |t| t.contains("match Jane Doe to a job") && t.contains("list jobs"),
    )
    .await;
    let past = s.get("/api/v1/agent/conversations", &api.token).await;
    let first = past.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "match Jane Doe to a job")
        .expect("the first conversation is listed")["id"]
        .as_u64()
        .unwrap();
    let log = run(
        &client,
        "return document.querySelector('#agent-log').textContent;",
    )
    .await;
    assert!(!log.as_str().unwrap().contains("Jane Doe"), "{log}");
    click(
        &client,
        &format!("#agent-history-list li[data-conversation-id='{first}'] button"),
    )
    .await;
    wait_for_text(
        &client,
        "#agent-log",
        "the first conversation is back",
        |t| {
            t.contains("match Jane Doe to a job")
                && t.contains("summarize it")
                && t.contains("Principal Engineer @ TechCorp")
        },
    )
    .await;
    // Carrying on: "it" still means Jane Doe.
    fill(&client, "#agent-message", "match jobs for her").await;
    click(&client, "#agent-send").await;
    wait_for_text(
        &client,
        "#agent-log",
        "the reopened conversation continues",
        |t| {
            t.matches("Here are the best open jobs for candidate")
                .count()
                == 2
        },
    )
    .await;
    let talk = s
        .get(&format!("/api/v1/agent/conversations/{first}"), &api.token)
        .await;
    assert_eq!(talk.ok(200)["turns"].as_array().unwrap().len(), 3);
    click(&client, "#agent-log a.agent-link").await;
    wait_for_text(
        &client,
        ".page-title",
        "the job page opens from the answer",
        |t| t == "Platform Engineer",
    )
    .await;
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recruiter_creates_a_job_from_a_description_after_reviewing_it() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let email = "ada@example.com";
    s.call(
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": email, "password": PASSWORD, "org_name": "Engines Ltd", "full_name": "Ada Lovelace"})),
    )
    .await
    .ok(201);
    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, email, "Ada Lovelace", None).await;
    visit(&client, &s, "/jobs").await;
    click(&client, "#from-description-button").await;
    fill(
        &client,
        "#job-prompt",
        "We need a Senior Backend Engineer in NYC with Python and PostgreSQL. Hybrid, full-time, \
         $150,000–$190,000. Kubernetes is a plus.",
    )
    .await;
    click(&client, "#job-description-read").await;
    wait_for_element(&client, "#draft-job-title", "the review form opens").await;
    let value = |id: &'static str| {
        let client = client.clone();
        async move {
            run(
                &client,
                &format!("return document.querySelector('#{id}').value;"),
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
        }
    };
    assert_eq!(value("draft-job-title").await, "Senior Backend Engineer");
    assert_eq!(value("draft-job-location").await, "New York, NY");
    assert_eq!(value("draft-job-salary-min").await, "150000");
    assert_eq!(value("draft-job-currency").await, "USD");
    assert_eq!(
        value("draft-job-required-skills").await,
        "Python, PostgreSQL"
    );
    assert_eq!(value("draft-job-nice-skills").await, "Kubernetes");
    let token = s.login(email, PASSWORD).await.token;
    assert_eq!(
        s.get("/api/v1/jobs", &token).await.ok(200)["total"],
        0,
        "nothing saved yet"
    );
    // The reviewer changes the department, then creates the job.
    let department = client
        .find(Locator::Css("#draft-job-department"))
        .await
        .unwrap();
    department.clear().await.unwrap();
    department.send_keys("Platform").await.unwrap();
    click(&client, "#draft-job-submit").await;
    let route = wait_for_route(&client, "the new job's page opens", |f| {
        f.starts_with("/jobs/")
    })
    .await;
    let id = route_id(&route);
    wait_for_text(&client, ".page-title", "the job page", |t| {
        t == "Senior Backend Engineer"
    })
    .await;
    let job = s.get(&format!("/api/v1/jobs/{id}"), &token).await;
    let job = job.ok(200);
    assert_eq!(job["department"], "Platform");
    assert_eq!(job["remote_option"], "Hybrid");
    assert_eq!(job["salary_max"], 190000);
    assert_eq!(job["nice_to_have_skills"], json!(["Kubernetes"]));
    wait_for_text(
        &client,
        "#job-documents-list",
        "a typed description leaves no document",
        |t| t.contains("No documents"),
    )
    .await;

    // From a req file: the file is kept with the job and listed on its page.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sre-req.txt");
    std::fs::write(
        &path,
        "Site Reliability Engineer\nBerlin, Germany\nWe run Kubernetes and Terraform. Full-time.\n",
    )
    .unwrap();
    visit(&client, &s, "/jobs").await;
    click(&client, "#from-description-button").await;
    fill(&client, "#job-req-file", path.to_str().unwrap()).await;
    click(&client, "#job-description-read").await;
    wait_for_element(&client, "#draft-job-title", "the req is read").await;
    assert_eq!(value("draft-job-title").await, "Site Reliability Engineer");
    click(&client, "#draft-job-submit").await;
    let route = wait_for_route(&client, "the req's job page opens", |f| {
        f.starts_with("/jobs/") && f != format!("/jobs/{id}")
    })
    .await;
    let sre = route_id(&route);
    wait_for_text(
        &client,
        "#job-documents-list",
        "the req is the job's document",
        |t| t.contains("sre-req.txt"),
    )
    .await;
    let docs = s
        .get(&format!("/api/v1/uploads?job_id={sre}"), &token)
        .await;
    assert_eq!(docs.ok(200)["total"], 1);
    assert_eq!(docs.body["items"][0]["filename"], "sre-req.txt");
    let href = run(
        &client,
        "return document.querySelector('#job-documents-list a.document-link').getAttribute('href');",
    )
    .await;
    assert_eq!(
        href,
        format!("/api/v1/uploads/{}", docs.body["items"][0]["id"])
    );
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn candidate_search_by_meaning_and_matches_say_their_strategy() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;
    for (name, headline) in [
        (
            "Bruno Costa",
            "card processing, invoicing and payouts at a neobank",
        ),
        ("Pat Baker", "pastry chef, cakes and bread"),
    ] {
        s.post(
            "/api/v1/candidates",
            &admin.token,
            json!({"full_name": name, "headline": headline}),
        )
        .await
        .ok(201);
    }
    let job = s
        .post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": "Payments Engineer", "description": "Build our payment systems.", "status": "open"}),
        )
        .await;
    let job = job.ok(201)["id"].as_u64().unwrap();

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "ada@example.com", "ada", None).await;
    click(&client, "a[data-nav='candidates']").await;
    fill(&client, "#candidate-search", "payment systems").await;
    wait_for_text(&client, "#candidate-count", "no word matches", |t| {
        t.starts_with("0 candidates match")
    })
    .await;
    click(&client, "#search-by-meaning").await;
    wait_for_text(
        &client,
        "#candidates-table",
        "by meaning, the payments profile is found and the baker is not",
        |t| t.contains("Bruno Costa") && !t.contains("Pat Baker"),
    )
    .await;
    wait_for_route(&client, "the mode is in the address", |f| {
        f.starts_with("/candidates?") && f.contains("mode=semantic")
    })
    .await;
    screenshot(&client, "71-candidates-by-meaning").await;

    // A reload keeps the switch on.
    client.refresh().await.expect("reload");
    wait_for_text(&client, "#candidates-table", "still by meaning", |t| {
        t.contains("Bruno Costa")
    })
    .await;
    let checked = run(
        &client,
        "return document.getElementById('search-by-meaning').checked;",
    )
    .await;
    assert_eq!(checked, json!(true));

    // Matches say which strategy ranked them.
    visit(&client, &s, &format!("/jobs/{job}?tab=matches")).await;
    wait_for_element(&client, "#job-matches-by-meaning", "the switch is offered").await;
    click(&client, "#job-matches-by-meaning").await;
    wait_for_text(
        &client,
        "#job-matches-list > li:first-child",
        "the semantic strategy ranks the payments profile first and says so",
        |t| t.contains("Bruno Costa") && t.contains("By meaning"),
    )
    .await;
    let strategies = run(
        &client,
        "return [...document.querySelectorAll('#job-matches-list .match-strategy')].map((b) => b.dataset.strategy);",
    )
    .await;
    assert!(
        strategies
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s == "semantic"),
        "{strategies}"
    );
    screenshot(&client, "72-job-matches-by-meaning").await;
    finish(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recruiter_screens_a_candidate_saves_it_and_finds_it_in_the_library() {
    let _turn = crate::common::heavy().await;
    let Scene {
        s,
        admin,
        job,
        person,
        ..
    } = scene().await;
    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, "ada@example.com", "ada", None).await;

    // The candidate page's assistant: pick the job, screen, read the answer, save it.
    visit(&client, &s, &format!("/candidates/{person}")).await;
    wait_for_element(
        &client,
        &format!("#assistant-job option[value='{job}']"),
        "the open jobs are offered",
    )
    .await;
    choose(&client, "#assistant-job", &job.to_string()).await;
    click(&client, "#assistant-screen").await;
    let answer = wait_for_text(
        &client,
        "#assistant-result-card",
        "the screen is shown",
        |t| t.contains("Strengths") && t.contains("/100"),
    )
    .await;
    assert!(answer.contains("Offline engine"), "{answer}");
    screenshot(&client, "assistant-screen").await;
    click(&client, "#assistant-save").await;
    wait_for_element(&client, "#assistant-saved-link", "the answer is saved").await;
    let saved = s.get("/api/v1/library", &admin.token).await;
    assert_eq!(saved.ok(200)["total"], 1);
    assert_eq!(saved.body["items"][0]["kind"], "screen");
    assert_eq!(saved.body["items"][0]["candidate_id"], person);

    // The library page lists it, filters by kind, finds it by search and opens it.
    click(&client, "a[data-nav='library']").await;
    wait_for_text(
        &client,
        "#library-table",
        "the saved screen is listed",
        |t| t.contains("Screen: Charles Babbage for Engine Designer"),
    )
    .await;
    choose(&client, "#library-kind", "outreach").await;
    wait_for_text(&client, "#library-count", "no outreach is saved", |t| {
        t.starts_with("0 items")
    })
    .await;
    choose(&client, "#library-kind", "").await;
    fill(&client, "#library-search", "babbage").await;
    wait_for_text(&client, "#library-count", "the search finds it", |t| {
        t == "1 item match."
    })
    .await;
    click(&client, "#library-table a.row-title").await;
    wait_for_text(&client, "main h1", "the item opens", |t| {
        t == "Screen: Charles Babbage for Engine Designer"
    })
    .await;
    wait_for_text(&client, "#library-item", "the screen is drawn", |t| {
        t.contains("Recommendation")
    })
    .await;
    screenshot(&client, "library-item").await;

    // An offer's "Draft letter": the letter from its terms, saved to the library.
    let offer = s
        .post(
            "/api/v1/offers",
            &admin.token,
            json!({"candidate_id": person, "job_id": job, "base_salary": 98000, "currency": "GBP", "start_date": "2031-04-01"}),
        )
        .await;
    let offer = offer.ok(201)["id"].as_u64().unwrap();
    visit(&client, &s, &format!("/candidates/{person}")).await;
    click(&client, &format!("#offer-letter-{offer}")).await;
    let letter = wait_for_text(
        &client,
        ".offer-letter #assistant-result-card",
        "the offer letter is drafted",
        |t| t.contains("Subject") && t.contains("Charles Babbage"),
    )
    .await;
    assert!(letter.contains("98,000 GBP"), "{letter}");
    click(&client, ".offer-letter #assistant-save").await;
    wait_for_element(
        &client,
        ".offer-letter #assistant-saved-link",
        "the letter is saved",
    )
    .await;
    let saved = s
        .get("/api/v1/library?kind=offer_letter", &admin.token)
        .await;
    assert_eq!(saved.ok(200)["total"], 1);
    let item = &saved.body["items"][0];
    assert_eq!(item["candidate_id"], person);
    assert_eq!(item["job_id"], job);
    assert_eq!(
        item["title"],
        "Offer letter: Charles Babbage · Engine Designer"
    );
    finish(client).await;
}
