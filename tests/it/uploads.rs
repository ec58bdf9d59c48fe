//! Uploads: accepted by content, limits (413 by length and while streaming), downloads as
//! attachments, who may read and delete, tenancy.

use reqwest::multipart::{Form, Part};
use sha2::{Digest, Sha256};

use crate::common::{Member, Reply, TestServer};
use crate::documents;

/// `POST path` with a multipart form whose `field` is `bytes` named `filename`, declared as
/// `declared` (which the server must ignore); a member without a token sends none.
#[allow(clippy::too_many_arguments)]
pub async fn send_file(
    s: &TestServer,
    m: &Member,
    path: &str,
    field: &str,
    filename: &str,
    declared: &str,
    bytes: Vec<u8>,
    extra: &[(&str, &str)],
) -> Reply {
    let mut form = Form::new().part(
        field.to_string(),
        Part::bytes(bytes)
            .file_name(filename.to_string())
            .mime_str(declared)
            .unwrap(),
    );
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    let mut req = reqwest::Client::new().post(s.url(path));
    if !m.token.is_empty() {
        req = req.bearer_auth(&m.token);
    }
    s.send(req.multipart(form)).await
}

async fn upload(s: &TestServer, m: &Member, filename: &str, bytes: Vec<u8>) -> Reply {
    send_file(
        s,
        m,
        "/api/v1/uploads",
        "file",
        filename,
        "text/plain",
        bytes,
        &[],
    )
    .await
}

async fn download(s: &TestServer, m: &Member, id: u64) -> reqwest::Response {
    reqwest::Client::new()
        .get(s.url(&format!("/api/v1/uploads/{id}")))
        .bearer_auth(&m.token)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_is_kept_by_its_content_and_downloaded_as_an_attachment() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme").await;
    let b = s.register("b@globex.test", "Globex").await;
    let pdf = documents::pdf("Jane Doe\nStaff Engineer");
    // Named and declared as text: the bytes say PDF.
    let r = upload(&s, &a, "../../etc/cv \"final\".txt", pdf.clone()).await;
    let body = r.ok(201);
    assert_eq!(body["kind"], "pdf");
    assert_eq!(body["content_type"], "application/pdf");
    assert_eq!(body["filename"], "cv final.txt");
    assert_eq!(body["size"], pdf.len() as u64);
    assert_eq!(body["sha256"], hex::encode(Sha256::digest(&pdf)));
    assert_eq!(body["uploaded_by_user_id"], a.user_id);
    assert!(body.get("text").is_none(), "the text is not served");
    let id = body["id"].as_u64().unwrap();

    let got = download(&s, &a, id).await;
    assert_eq!(got.status(), 200);
    let h = got.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"cv final.txt\""),
        "{disposition}"
    );
    assert_eq!(got.bytes().await.unwrap().to_vec(), pdf, "the same bytes");

    // Another organisation sees nothing, as if it did not exist.
    let other = download(&s, &b, id).await;
    assert_eq!(other.status(), 404);
    s.delete(&format!("/api/v1/uploads/{id}"), &b.token)
        .await
        .problem(404, "not_found");

    // A larger file is stored in several parts and comes back whole.
    let big: Vec<u8> = documents::resume_text(3).repeat(400).into_bytes();
    assert!(big.len() > 600 << 10);
    let id = upload(&s, &a, "notes.txt", big.clone()).await.ok(201)["id"]
        .as_u64()
        .unwrap();
    let got = download(&s, &a, id).await;
    assert_eq!(got.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(got.bytes().await.unwrap().to_vec(), big);
}

#[tokio::test(flavor = "multi_thread")]
async fn kinds_are_accepted_by_magic_bytes_and_others_are_415() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme").await;
    let text = "Jane Doe\nRust";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("pdf", documents::pdf(text)),
        ("docx", documents::docx(text)),
        ("odt", documents::odt(text)),
        ("rtf", documents::rtf(text)),
        ("txt", text.as_bytes().to_vec()),
        ("png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec()),
        ("jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01".to_vec()),
        ("webp", b"RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0".to_vec()),
    ];
    for (kind, bytes) in cases {
        let r = upload(&s, &a, "file.bin", bytes).await;
        assert_eq!(r.ok(201)["kind"], kind, "{kind}");
    }
    for (what, bytes) in [
        (
            "an executable",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec(),
        ),
        ("a gzip", b"\x1f\x8b\x08\0\0\0\0\0\0\x03".to_vec()),
        ("a bare zip", {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            w.start_file("a.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, b"hello").unwrap();
            w.finish().unwrap().into_inner()
        }),
        ("binary", vec![0u8, 159, 146, 150, 0, 1, 2]),
    ] {
        let r = upload(&s, &a, "resume.pdf", bytes).await;
        let p = r.problem(415, "unsupported_media_type");
        assert!(p["detail"].as_str().unwrap().contains("PDF"), "{what}: {p}");
    }
    let r = upload(&s, &a, "empty.txt", vec![]).await;
    r.problem(400, "validation");
    let r = s
        .send(
            reqwest::Client::new()
                .post(s.url("/api/v1/uploads"))
                .bearer_auth(&a.token)
                .multipart(Form::new().text("other", "x")),
        )
        .await;
    assert_eq!(r.status, 400, "no file part: {}", r.text);
}

/// `POST /uploads` with `part` as the file, the reply or the error as it came.
async fn send_part(
    s: &TestServer,
    m: &Member,
    part: Part,
) -> Result<reqwest::Response, reqwest::Error> {
    reqwest::Client::new()
        .post(s.url("/api/v1/uploads"))
        .bearer_auth(&m.token)
        .multipart(Form::new().part("file", part))
        .send()
        .await
}

/// The server answers 413 and stops reading: the client sees the answer, or (when it was still
/// writing the body) the connection closed under it.
async fn refused_as_too_large(sent: Result<reqwest::Response, reqwest::Error>) {
    match sent {
        Ok(resp) => {
            crate::common::reply(resp)
                .await
                .problem(413, "payload_too_large");
        }
        Err(e) => assert!(e.is_request(), "{e}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn files_over_the_limit_are_413_whether_declared_or_streamed() {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let s = TestServer::start_in(dir, |c| c.limits.upload_max_bytes = 100_000).await;
    let a = s.register("a@acme.test", "Acme").await;
    let fits = vec![b'a'; 100_000];
    upload(&s, &a, "fits.txt", fits).await.ok(201);
    let over = vec![b'a'; 100_001];
    upload(&s, &a, "over.txt", over)
        .await
        .problem(413, "payload_too_large");
    // Far over: refused by its Content-Length before it is read.
    let huge = Part::bytes(vec![b'a'; 2_000_000])
        .file_name("huge.txt")
        .mime_str("text/plain")
        .unwrap();
    refused_as_too_large(send_part(&s, &a, huge).await).await;

    // Chunked, with no length to go by: cut off as it streams.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..200).map(|_| Ok(vec![b'b'; 10_000])).collect();
    let stream = tokio_stream::iter(chunks);
    let part = Part::stream(reqwest::Body::wrap_stream(stream))
        .file_name("streamed.txt")
        .mime_str("text/plain")
        .unwrap();
    refused_as_too_large(send_part(&s, &a, part).await).await;
    // The server carries on.
    upload(&s, &a, "after.txt", b"still here".to_vec())
        .await
        .ok(201);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_uploader_or_an_admin_deletes_and_others_only_read() {
    use hirebase::auth::Role;
    let s = TestServer::start().await;
    let admin = s.register("admin@acme.test", "Acme").await;
    let rec = s
        .seed_member(admin.org_id, "rec@acme.test", Role::Recruiter)
        .await;
    let rec2 = s
        .seed_member(admin.org_id, "rec2@acme.test", Role::Recruiter)
        .await;
    let int = s
        .seed_member(admin.org_id, "int@acme.test", Role::Interviewer)
        .await;
    let id = upload(&s, &rec, "a.txt", b"first".to_vec()).await.ok(201)["id"]
        .as_u64()
        .unwrap();
    // Another recruiter reads it, but may not delete it.
    assert_eq!(download(&s, &rec2, id).await.status(), 200);
    s.delete(&format!("/api/v1/uploads/{id}"), &rec2.token)
        .await
        .problem(403, "forbidden");
    // An interviewer keeps their own files and does not see others'.
    assert_eq!(download(&s, &int, id).await.status(), 404);
    let own = upload(&s, &int, "b.txt", b"mine".to_vec()).await.ok(201)["id"]
        .as_u64()
        .unwrap();
    assert_eq!(download(&s, &int, own).await.status(), 200);
    s.delete(&format!("/api/v1/uploads/{own}"), &int.token)
        .await
        .ok(204);
    // The uploader deletes their own; the admin deletes anyone's.
    let id2 = upload(&s, &rec, "c.txt", b"second".to_vec()).await.ok(201)["id"]
        .as_u64()
        .unwrap();
    s.delete(&format!("/api/v1/uploads/{id2}"), &rec.token)
        .await
        .ok(204);
    s.delete(&format!("/api/v1/uploads/{id}"), &admin.token)
        .await
        .ok(204);
    for gone in [id, id2, own] {
        assert_eq!(download(&s, &admin, gone).await.status(), 404);
    }
    let trail = s.get("/api/v1/audit?limit=100", &admin.token).await;
    let actions: Vec<&str> = trail.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("upload."))
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "upload.created").count(),
        3
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "upload.deleted").count(),
        3
    );
}
