//! The embedded admin UI: `index.html` at `/` (revalidated with an ETag on every load) and
//! the files under `/assets/`, immutable when asked for by their content hash.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::web::Path;
use poem::{Request, Response, handler};
use rust_embed::RustEmbed;

use crate::app::AppState;
use crate::error::{Code, Error};

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Files;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

struct Asset {
    body: Cow<'static, [u8]>,
    mime: String,
    /// The first hex digits of the file's SHA-256: its version in URLs and its ETag.
    hash: String,
}

/// The UI files, with `index.html` rendered once so it names every asset by its hash.
pub struct Ui {
    index: Vec<u8>,
    index_etag: String,
    assets: HashMap<String, Asset>,
}

impl Ui {
    pub fn load() -> Ui {
        let mut assets = HashMap::new();
        for name in Files::iter() {
            let file = Files::get(&name).expect("listed file exists");
            let hash = hex::encode(&file.metadata.sha256_hash()[..6]);
            let mut mime = mime_guess::from_path(name.as_ref())
                .first_or_octet_stream()
                .essence_str()
                .to_string();
            if mime.starts_with("text/")
                || mime == "application/javascript"
                || mime == "image/svg+xml"
            {
                mime.push_str("; charset=utf-8");
            }
            assets.insert(
                name.to_string(),
                Asset {
                    body: file.data,
                    mime,
                    hash,
                },
            );
        }
        let template = assets
            .get("index.html")
            .map(|a| String::from_utf8_lossy(&a.body).into_owned())
            .unwrap_or_default();
        let page = render_index(&template, &assets);
        let index_etag = format!("\"{}\"", hex::encode(&sha2_digest(page.as_bytes())[..8]));
        Ui {
            index: page.into_bytes(),
            index_etag,
            assets,
        }
    }
}

fn sha2_digest(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// Replaces each `{{asset:NAME}}` with `/assets/NAME?v=HASH`.
fn render_index(template: &str, assets: &HashMap<String, Asset>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{asset:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 8..];
        let Some(end) = after.find("}}") else { break };
        let name = &after[..end];
        match assets.get(name) {
            Some(a) => out.push_str(&format!("/assets/{name}?v={}", a.hash)),
            None => out.push_str(&format!("/assets/{name}")),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
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
    let ui = &state.ui;
    let builder = page_headers(Response::builder())
        .header(header::ETAG, ui.index_etag.as_str())
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::CONTENT_SECURITY_POLICY, CSP);
    if etag_matches(req, &ui.index_etag) {
        return builder.status(StatusCode::NOT_MODIFIED).finish();
    }
    builder
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CONTENT_LENGTH, ui.index.len())
        .body(body_unless_head(req, ui.index.clone()))
}

#[handler]
pub fn asset(req: &Request, Path(name): Path<String>) -> poem::Result<Response> {
    let state = req.data::<Arc<AppState>>().expect("state");
    let asset = state
        .ui
        .assets
        .get(&name)
        .filter(|_| name != "index.html")
        .ok_or_else(|| Error::new(Code::NotFound, format!("There is no asset named {name}.")))?;
    let etag = format!("\"{}\"", asset.hash);
    let versioned = req
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv == format!("v={}", asset.hash)));
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let builder = page_headers(Response::builder())
        .header(header::ETAG, etag.as_str())
        .header(header::CACHE_CONTROL, cache);
    if etag_matches(req, &etag) {
        return Ok(builder.status(StatusCode::NOT_MODIFIED).finish());
    }
    Ok(builder
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&asset.mime)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        )
        .header(header::CONTENT_LENGTH, asset.body.len())
        .body(body_unless_head(req, asset.body.to_vec())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_assets_by_hash() {
        let ui = Ui::load();
        let html = String::from_utf8(ui.index.clone()).unwrap();
        let js = &ui.assets["app.js"];
        assert!(
            html.contains(&format!("/assets/app.js?v={}", js.hash)),
            "{html}"
        );
        assert!(!html.contains("{{asset:"));
        assert_eq!(js.mime, "text/javascript; charset=utf-8");
    }
}
