//! Documents made here for the tests and the benchmarks: text rendered as a real PDF (one
//! standard font, a page per 50 lines), DOCX, ODT and RTF, plus hostile files (a ZIP bomb,
//! a PDF whose page tree is a cycle, deeply nested XML). Shared with `tests/it` by path.

#![allow(dead_code)]

use std::io::{Cursor, Write};

/// A PDF of `text`, one line per line, in Helvetica (WinAnsi), pages of 50 lines.
/// `text` with the letters Windows-1252 lacks replaced by their base letters.
fn winansi(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ı' => 'i',
            'ł' => 'l',
            'Ł' => 'L',
            'ğ' => 'g',
            'ş' => 's',
            'Ş' => 'S',
            'ő' => 'o',
            'ű' => 'u',
            'ă' => 'a',
            'ț' => 't',
            'ș' => 's',
            'ę' => 'e',
            'ą' => 'a',
            'ć' => 'c',
            'ń' => 'n',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            'č' => 'c',
            'ř' => 'r',
            'ě' => 'e',
            'đ' => 'd',
            other => other,
        })
        .collect()
}

pub fn pdf(text: &str) -> Vec<u8> {
    let lines: Vec<&str> = text.lines().collect();
    let pages: Vec<&[&str]> = if lines.is_empty() {
        vec![&[][..]]
    } else {
        lines.chunks(50).collect()
    };
    let n = pages.len();
    // Objects: 1 catalog, 2 pages, 3 font, then a page and its content per page.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    for (i, page) in pages.iter().enumerate() {
        let content_id = 5 + 2 * i;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
            )
            .into_bytes(),
        );
        let mut stream = b"BT /F1 11 Tf 14 TL 56 740 Td\n".to_vec();
        for line in page.iter() {
            stream.push(b'(');
            // A standard Type1 font carries WinAnsi only: letters outside it (the ı of Yılmaz)
            // are written as their base letter, as a real PDF's text layer would not be.
            let line = winansi(line);
            let (encoded, _, _) = encoding_rs::WINDOWS_1252.encode(&line);
            for &b in encoded.iter() {
                if matches!(b, b'(' | b')' | b'\\') {
                    stream.push(b'\\');
                }
                stream.push(b);
            }
            stream.extend_from_slice(b") Tj T*\n");
        }
        stream.extend_from_slice(b"ET");
        let mut obj = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        obj.extend_from_slice(&stream);
        obj.extend_from_slice(b"\nendstream");
        objects.push(obj);
    }
    assemble(&objects)
}

/// The numbered objects as a PDF file with its cross-reference table.
fn assemble(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(obj);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A PDF whose page tree contains itself: a reader that walks it without care never ends
/// (or overflows its stack).
pub fn cyclic_pdf() -> Vec<u8> {
    assemble(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>".to_vec(),
    ])
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, deflate) in entries {
        let method = if *deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A DOCX whose `document.xml` is `body` (already XML).
pub fn docx_with_body(body: &[u8], deflate: bool) -> Vec<u8> {
    let mut xml = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#.to_vec();
    xml.extend_from_slice(body);
    xml.extend_from_slice(b"</w:body></w:document>");
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes(), true),
        ("_rels/.rels", RELS.as_bytes(), true),
        ("word/document.xml", &xml, deflate),
    ])
}

/// A DOCX of `text`, a paragraph per line.
pub fn docx(text: &str) -> Vec<u8> {
    let mut body = String::new();
    for line in text.lines() {
        body.push_str(&format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_escape(line)
        ));
    }
    docx_with_body(body.as_bytes(), true)
}

/// An ODT of `text`, a paragraph per line.
pub fn odt(text: &str) -> Vec<u8> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:text>"#,
    );
    for line in text.lines() {
        content.push_str(&format!("<text:p>{}</text:p>", xml_escape(line)));
    }
    content.push_str("</office:text></office:body></office:document-content>");
    zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.text",
            false,
        ),
        ("content.xml", content.as_bytes(), true),
    ])
}

/// An RTF of `text`, non-ASCII as `\uN?`.
pub fn rtf(text: &str) -> Vec<u8> {
    let mut out = String::from("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0\\fs22 ");
    for line in text.lines() {
        for c in line.chars() {
            match c {
                '\\' | '{' | '}' => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_ascii() => out.push(c),
                c => out.push_str(&format!("\\u{}?", c as u32 as i16)),
            }
        }
        out.push_str("\\par\n");
    }
    out.push('}');
    out.into_bytes()
}

/// A DOCX whose `document.xml` inflates from ~40 KB to 40 MB of one repeated letter.
pub fn zip_bomb_docx() -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, data) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
    ] {
        w.start_file(name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.start_file("word/document.xml", opts).unwrap();
    let block = vec![b'a'; 1 << 20];
    for _ in 0..40 {
        w.write_all(&block).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A DOCX whose `text` sits `depth` elements deep.
pub fn deeply_nested_docx(depth: usize, text: &str) -> Vec<u8> {
    let mut body = String::from("<w:p>");
    body.push_str(&"<w:r>".repeat(depth));
    body.push_str(&format!("<w:t>{}</w:t>", xml_escape(text)));
    body.push_str(&"</w:r>".repeat(depth));
    body.push_str("</w:p>");
    docx_with_body(body.as_bytes(), false)
}

const FIRST: &[&str] = &[
    "Amara", "Lukas", "Sofia", "Kenji", "Priya", "Mateo", "Chloé", "Tomasz", "Ngozi", "Elif",
    "Johan", "Mei", "Rafael", "Ines", "Omar", "Hannah",
];
const LAST: &[&str] = &[
    "Okafor", "Schmidt", "Rossi", "Tanaka", "Sharma", "García", "Dubois", "Nowak", "Adeyemi",
    "Yılmaz", "Berg", "Chen", "Costa", "Moreau", "Haddad", "Fischer",
];
const ROLES: &[(&str, &[&str])] = &[
    (
        "Backend Engineer",
        &["Rust", "PostgreSQL", "Kubernetes", "gRPC"],
    ),
    (
        "Frontend Developer",
        &["TypeScript", "React", "CSS", "GraphQL"],
    ),
    ("Data Scientist", &["Python", "pandas", "PyTorch", "SQL"]),
    (
        "DevOps Engineer",
        &["Terraform", "AWS", "Docker", "Prometheus"],
    ),
    (
        "Mobile Developer",
        &["Kotlin", "Swift", "Firebase", "GraphQL"],
    ),
    (
        "Product Designer",
        &["Figma", "User Research", "Prototyping", "CSS"],
    ),
];
const PLACES: &[&str] = &[
    "Berlin, Germany",
    "Lagos, Nigeria",
    "Austin, TX",
    "Lisbon, Portugal",
    "Toronto, Canada",
    "Pune, India",
];
const COMPANIES: &[&str] = &[
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella Labs",
    "Hooli",
    "Vandelay",
];

/// A synthetic two-page-ish resume, different for each `i` (unique name and email).
pub fn resume_text(i: usize) -> String {
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    let (role, skills) = ROLES[i % ROLES.len()];
    let place = PLACES[i % PLACES.len()];
    let company = COMPANIES[i % COMPANIES.len()];
    let previous = COMPANIES[(i + 3) % COMPANIES.len()];
    let years = 2 + i % 15;
    let start = 2026 - years as i32;
    let email = format!("{}.{}{i}@example.com", ascii(first), ascii(last));
    let slug = format!("{}-{}-{i}", ascii(first), ascii(last));
    let mut t = format!(
        "{first} {last}\nSenior {role}\n{place} | {email} | +49 30 555 {num:04}\n\
         linkedin.com/in/{slug}\n\nSummary\n{role} with {years} years of experience building \
         reliable products with {s0} and {s1}.\n\nExperience\nSenior {role} at {company} ({mid} – present)\n\
         - Led a team of four; shipped the {s2} migration.\n- Cut p99 latency by 40%.\n\
         {role}, {previous} ({start} – {mid})\n- Built services in {s0}.\n\nEducation\n\
         BSc Computer Science, University of Somewhere ({edu})\n\nSkills\n{skills}\n",
        num = i % 10_000,
        s0 = skills[0],
        s1 = skills[1],
        s2 = skills[2],
        mid = start + years as i32 / 2,
        edu = start - 4,
        skills = skills.join(", "),
    );
    // Padding that reads like a resume, so the documents are of a realistic size (~2 pages).
    for k in 0..30 {
        t.push_str(&format!(
            "- Project {k}: designed and delivered a {} feature used by thousands of customers.\n",
            skills[k % skills.len()]
        ));
    }
    t
}

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'é' => 'e',
            'í' => 'i',
            'ı' => 'i',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}
