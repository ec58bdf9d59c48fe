//! The embedded admin UI: `index.html` at `/` (revalidated with an ETag on every load) and the
//! files under `/assets/`. Each file is also served under a name that carries its content hash
//! (`page-jobs.1a2b3c4d5e6f.js`) with `immutable` caching, and `index.html` carries an import map
//! from every module's plain name to its hashed one. So the browser asks again only for
//! `index.html`; a changed module gets a new name, and the new import map points to it. Page
//! modules are imported when first visited (`import('./page-jobs.js')` goes through the map too).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use base64::Engine as _;
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::web::Path;
use poem::{Request, Response, handler};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::error::{Code, Error};

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Files;

/// `{}` is where the import map's hash goes: an inline script needs one under this policy.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'{}; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

struct Asset {
    body: Cow<'static, [u8]>,
    mime: String,
    /// The first 12 hex digits of the file's SHA-256: its version in URLs and its ETag.
    hash: String,
    /// `NAME.HASH.EXT`: the name it is served under with `immutable` caching.
    hashed_name: String,
}

/// The UI files, with `index.html` rendered once so it names every asset by its hash.
pub struct Ui {
    index: Vec<u8>,
    index_etag: String,
    index_csp: String,
    /// By plain name (`app.js`).
    assets: HashMap<String, Asset>,
    /// Hashed name → plain name.
    hashed: HashMap<String, String>,
}

impl Ui {
    pub fn load() -> Ui {
        Ui::from_files(Files::iter().filter_map(|name| {
            let file = Files::get(&name)?;
            Some((name.into_owned(), file.data))
        }))
    }

    /// Builds the UI from `(name, contents)` pairs; `index.html` is the page template.
    fn from_files(files: impl IntoIterator<Item = (String, Cow<'static, [u8]>)>) -> Ui {
        let mut assets = HashMap::new();
        let mut hashed = HashMap::new();
        for (name, body) in files {
            let hash = hex::encode(&Sha256::digest(&body)[..6]);
            let hashed_name = match name.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash}.{ext}"),
                _ => format!("{name}.{hash}"),
            };
            hashed.insert(hashed_name.clone(), name.clone());
            assets.insert(
                name.clone(),
                Asset {
                    body,
                    mime: mime_for(&name),
                    hash,
                    hashed_name,
                },
            );
        }
        let template = assets
            .get("index.html")
            .map(|a| String::from_utf8_lossy(&a.body).into_owned())
            .unwrap_or_default();
        let mut ui = Ui {
            index: Vec::new(),
            index_etag: String::new(),
            index_csp: String::new(),
            assets,
            hashed,
        };
        let (page, script_hashes) = ui.render_index(&template);
        ui.index_etag = format!("\"{}\"", hex::encode(&Sha256::digest(page.as_bytes())[..8]));
        ui.index_csp = CSP.replace("{}", &script_hashes);
        ui.index = page.into_bytes();
        ui
    }

    /// The address of an asset by its content hash (`/assets/careers.0f1e2d3c4b5a.css`), for
    /// pages rendered on the server; the plain address when there is no such file.
    pub fn url(&self, name: &str) -> String {
        match self.assets.get(name) {
            Some(a) => format!("/assets/{}", a.hashed_name),
            None => format!("/assets/{name}"),
        }
    }

    /// Maps every module's plain address to its hashed one.
    fn import_map(&self) -> String {
        let imports: BTreeMap<String, String> = self
            .assets
            .iter()
            .filter(|(name, _)| name.ends_with(".js"))
            .map(|(name, a)| {
                (
                    format!("/assets/{name}"),
                    format!("/assets/{}", a.hashed_name),
                )
            })
            .collect();
        serde_json::json!({ "imports": imports }).to_string()
    }

    /// The modules `entry` imports statically, directly or through others (not `entry` itself,
    /// not the pages it imports when visited), in a stable order.
    fn static_closure(&self, entry: &str) -> Vec<String> {
        let mut seen = vec![entry.to_string()];
        let mut next = 0;
        while next < seen.len() {
            let source = self
                .assets
                .get(&seen[next])
                .map(|a| String::from_utf8_lossy(&a.body).into_owned())
                .unwrap_or_default();
            for dep in static_imports(&source) {
                if self.assets.contains_key(&dep) && !seen.contains(&dep) {
                    seen.push(dep);
                }
            }
            next += 1;
        }
        seen.remove(0);
        seen
    }

    /// Replaces `{{asset:NAME}}` with the hashed address, `{{importmap}}` with the import map
    /// and `{{preload:NAME}}` with `modulepreload` links for NAME's static imports. Returns the
    /// page and the CSP hash sources of its inline scripts.
    fn render_index(&self, template: &str) -> (String, String) {
        let mut out = String::with_capacity(template.len() + 4096);
        let mut script_hashes = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let tag = &after[..end];
            if tag == "importmap" {
                let map = self.import_map();
                let digest = Sha256::digest(map.as_bytes());
                script_hashes.push_str(&format!(
                    " 'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                ));
                out.push_str(&format!("<script type=\"importmap\">{map}</script>"));
            } else if let Some(name) = tag.strip_prefix("asset:") {
                out.push_str(&self.url(name));
            } else if let Some(name) = tag.strip_prefix("preload:") {
                for dep in self.static_closure(name) {
                    out.push_str(&format!(
                        "\n  <link rel=\"modulepreload\" href=\"{}\">",
                        self.url(&dep)
                    ));
                }
            } else {
                out.push_str(&rest[start..start + 2 + end + 2]);
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        (out, script_hashes)
    }

    /// Answers `GET /assets/{name}`: a hashed name is immutable, a plain one is revalidated.
    fn respond(&self, req: &Request, name: &str) -> poem::Result<Response> {
        let (file, cache) = match self.hashed.get(name) {
            Some(plain) => (&self.assets[plain], IMMUTABLE),
            None => (
                self.assets
                    .get(name)
                    .filter(|_| name != "index.html")
                    .ok_or_else(|| {
                        Error::new(Code::NotFound, format!("There is no asset named {name}."))
                    })?,
                "no-cache",
            ),
        };
        let etag = format!("\"{}\"", file.hash);
        let builder = page_headers(Response::builder())
            .header(header::ETAG, etag.as_str())
            .header(header::CACHE_CONTROL, cache);
        if etag_matches(req, &etag) {
            return Ok(builder.status(StatusCode::NOT_MODIFIED).finish());
        }
        Ok(builder
            .header(
                header::CONTENT_TYPE,
                HeaderValue::from_str(&file.mime)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            )
            .header(header::CONTENT_LENGTH, file.body.len())
            .body(body_unless_head(req, file.body.to_vec())))
    }

    pub fn respond_index(&self, req: &Request) -> Response {
        let builder = page_headers(Response::builder())
            .header(header::ETAG, self.index_etag.as_str())
            .header(header::CACHE_CONTROL, "no-cache")
            .header(header::CONTENT_SECURITY_POLICY, self.index_csp.as_str());
        if etag_matches(req, &self.index_etag) {
            return builder.status(StatusCode::NOT_MODIFIED).finish();
        }
        builder
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .header(header::CONTENT_LENGTH, self.index.len())
            .body(body_unless_head(req, self.index.clone()))
    }
}

fn mime_for(name: &str) -> String {
    let mut mime = mime_guess::from_path(name)
        .first_or_octet_stream()
        .essence_str()
        .to_string();
    if mime.starts_with("text/") || mime == "application/javascript" || mime == "image/svg+xml" {
        mime.push_str("; charset=utf-8");
    }
    mime
}

/// The `./NAME` modules a source imports statically (`import … from './x.js'`, `import './x.js'`);
/// `import('./x.js')`, a page loaded when visited, is not one of them.
fn static_imports(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["from './", "from \"./", "import './", "import \"./"] {
        let mut rest = source;
        while let Some(at) = rest.find(marker) {
            let after = &rest[at + marker.len()..];
            let quote = marker.as_bytes()[marker.len() - 3] as char;
            if let Some(end) = after.find(quote) {
                found.push(after[..end].to_string());
            }
            rest = after;
        }
    }
    found
}

fn page_headers(builder: poem::ResponseBuilder) -> poem::ResponseBuilder {
    builder
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "same-origin")
        .header(header::X_FRAME_OPTIONS, "DENY")
}

fn etag_matches(req: &Request, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

fn body_unless_head(req: &Request, bytes: Vec<u8>) -> Vec<u8> {
    if req.method() == Method::HEAD {
        Vec::new()
    } else {
        bytes
    }
}

#[handler]
pub fn index(req: &Request) -> Response {
    let state = req.data::<Arc<AppState>>().expect("state");
    state.ui.respond_index(req)
}

#[handler]
pub fn asset(req: &Request, Path(name): Path<String>) -> poem::Result<Response> {
    let state = req.data::<Arc<AppState>>().expect("state");
    state.ui.respond(req, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "<link href=\"{{asset:app.css}}\">{{importmap}}{{preload:app.js}}\
                            <script type=\"module\" src=\"{{asset:app.js}}\"></script>";

    fn ui(files: &[(&str, &str)]) -> Ui {
        Ui::from_files(
            files
                .iter()
                .map(|(name, body)| (name.to_string(), Cow::Owned(body.as_bytes().to_vec())))
                .chain([("index.html".to_string(), Cow::Borrowed(TEMPLATE.as_bytes()))]),
        )
    }

    fn get(ui: &Ui, name: &str) -> Response {
        let req = Request::builder()
            .uri(format!("/assets/{name}").parse().unwrap())
            .finish();
        ui.respond(&req, name).unwrap_or_else(|e| e.into_response())
    }

    fn header(resp: &Response, name: header::HeaderName) -> &str {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    fn import_map(ui: &Ui) -> serde_json::Value {
        let html = String::from_utf8(ui.index.clone()).unwrap();
        let start = html.find("<script type=\"importmap\">").unwrap() + 25;
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end]).unwrap()
    }

    const FILES: &[(&str, &str)] = &[
        (
            "app.js",
            "import { h } from './dom.js';\nimport('./page-jobs.js');",
        ),
        ("dom.js", "export function h() {}"),
        (
            "page-jobs.js",
            "import {\n  h,\n} from './dom.js';\nexport const jobsPage = {};",
        ),
        ("app.css", "body {}"),
    ];

    #[test]
    fn hashed_modules_are_immutable_and_plain_names_revalidate() {
        let ui = ui(FILES);
        let map = import_map(&ui);
        let hashed = map["imports"]["/assets/page-jobs.js"].as_str().unwrap();
        assert!(
            hashed.starts_with("/assets/page-jobs.") && hashed.ends_with(".js"),
            "{hashed}"
        );
        let name = hashed.trim_start_matches("/assets/");
        assert_ne!(name, "page-jobs.js");

        let resp = get(&ui, name);
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(header(&resp, header::CACHE_CONTROL), IMMUTABLE);
        assert_eq!(
            header(&resp, header::CONTENT_TYPE),
            "text/javascript; charset=utf-8"
        );

        let plain = get(&ui, "page-jobs.js");
        assert_eq!(plain.status(), StatusCode::OK);
        assert_eq!(header(&plain, header::CACHE_CONTROL), "no-cache");
        assert_eq!(
            header(&plain, header::ETAG),
            header(&resp, header::ETAG),
            "one file, one version"
        );

        // A hash that is not the file's (an old version) is not served as if it were.
        assert_eq!(
            get(&ui, "page-jobs.000000000000.js").status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(get(&ui, "index.html").status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn a_changed_file_gets_a_new_name_and_the_others_keep_theirs() {
        let before = ui(FILES);
        let mut changed = FILES.to_vec();
        changed[2] = ("page-jobs.js", "export const jobsPage = { title: 'Jobs' };");
        let after = ui(&changed);

        let (old, new) = (import_map(&before), import_map(&after));
        let jobs = "/assets/page-jobs.js";
        assert_ne!(old["imports"][jobs], new["imports"][jobs]);
        for unchanged in ["/assets/app.js", "/assets/dom.js"] {
            assert_eq!(old["imports"][unchanged], new["imports"][unchanged]);
        }
        // The page that names the versions changes with them, so its ETag does too.
        assert_ne!(before.index_etag, after.index_etag);
        // The old name is gone; the new one is served.
        let old_name = old["imports"][jobs]
            .as_str()
            .unwrap()
            .trim_start_matches("/assets/");
        let new_name = new["imports"][jobs]
            .as_str()
            .unwrap()
            .trim_start_matches("/assets/");
        assert_eq!(get(&after, old_name).status(), StatusCode::NOT_FOUND);
        assert_eq!(get(&after, new_name).status(), StatusCode::OK);
    }

    #[test]
    fn index_names_assets_by_hash_and_allows_only_its_own_import_map() {
        let ui = ui(FILES);
        let html = String::from_utf8(ui.index.clone()).unwrap();
        assert!(!html.contains("{{"), "{html}");
        assert!(html.contains(&ui.url("app.js")), "{html}");
        assert!(html.contains(&ui.url("app.css")), "{html}");
        // The static imports of app.js are preloaded; a page imported on a visit is not.
        assert!(
            html.contains(&format!(
                "rel=\"modulepreload\" href=\"{}\"",
                ui.url("dom.js")
            )),
            "{html}"
        );
        assert!(
            !html.contains(&format!("href=\"{}\"", ui.url("page-jobs.js"))),
            "{html}"
        );
        // The CSP allows the inline import map by its hash, and no other inline script.
        let map = ui.import_map();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(map.as_bytes()));
        assert!(
            ui.index_csp
                .contains(&format!("script-src 'self' 'sha256-{hash}';")),
            "{}",
            ui.index_csp
        );
        assert!(!ui.index_csp.contains("unsafe-inline"));
    }

    #[test]
    fn finds_static_imports_but_not_pages_loaded_on_a_visit() {
        assert_eq!(
            static_imports(
                "import { a } from './a.js';\nimport './b.js';\nconst p = import('./c.js');\nimport {\n x } from \"./d.js\";"
            ),
            vec!["a.js", "d.js", "b.js"]
        );
    }

    #[test]
    fn the_real_ui_loads_every_module_through_the_map() {
        let ui = Ui::load();
        let map = import_map(&ui);
        for name in ui.assets.keys().filter(|n| n.ends_with(".js")) {
            let hashed = map["imports"][format!("/assets/{name}")]
                .as_str()
                .unwrap_or_else(|| panic!("{name} is missing from the import map"));
            assert_eq!(
                get(&ui, hashed.trim_start_matches("/assets/")).status(),
                StatusCode::OK
            );
        }
        assert_eq!(ui.assets["app.js"].mime, "text/javascript; charset=utf-8");
    }
}
