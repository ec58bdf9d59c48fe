//! Reading the text of a document. These functions run inside the extraction child process
//! ([`super::sandbox`]); they bound what they can (ZIP entries, bytes inflated, text kept),
//! and the process limits bound the rest.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::DocKind;

/// Most entries a DOCX/ODT archive may have (real ones have a few dozen).
pub const MAX_ZIP_ENTRIES: usize = 2_000;
/// Most bytes inflated from one archive, whatever its entries declare.
pub const MAX_INFLATED: u64 = 64 << 20;
/// How much larger than its compressed size an entry may inflate (text XML is 5–20×).
pub const MAX_RATIO: u64 = 200;
/// The most text kept from one document.
pub const MAX_TEXT: usize = 512 << 10;

/// The document could not be read; the message says why, in a sentence.
#[derive(Debug)]
pub struct Unreadable(pub String);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn unreadable(msg: impl Into<String>) -> Unreadable {
    Unreadable(msg.into())
}

/// The text of a document of `kind`, tidied (no blank-line runs, no trailing spaces) and at
/// most [`MAX_TEXT`] long.
pub fn extract(kind: DocKind, bytes: &[u8]) -> Result<String, Unreadable> {
    let raw = match kind {
        DocKind::Txt => decode_text(bytes),
        DocKind::Pdf => pdf_extract::extract_text_from_mem(bytes)
            .map_err(|e| unreadable(format!("the PDF could not be read ({e})")))?,
        DocKind::Docx => xml_text(&zip_entry(bytes, "word/document.xml")?, &DOCX)?,
        DocKind::Odt => xml_text(&zip_entry(bytes, "content.xml")?, &ODT)?,
        DocKind::Rtf => rtf_text(bytes)?,
        other => {
            return Err(unreadable(format!(
                "hirebase cannot read the text of a {} file",
                other.label()
            )));
        }
    };
    Ok(tidy(&raw))
}

/// Text as the bytes give it: UTF-8 (a BOM dropped), else Windows-1252, as old editors save.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// Plain text has no NUL bytes and few control characters.
pub fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.is_empty() {
        return false;
    }
    let sample = &bytes[..bytes.len().min(64 << 10)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    !sample.contains(&0) && control * 100 <= sample.len()
}

/// Lines trimmed at the end, runs of blank lines made one, at most [`MAX_TEXT`] bytes.
fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(MAX_TEXT));
    let mut blank = 0;
    for line in raw.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        if out.len() + line.len() + 1 > MAX_TEXT {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// The inflated bytes of the entry `name` of a ZIP archive, bounded by the archive's entry
/// count, the entry's compression ratio and [`MAX_INFLATED`] — counted while inflating,
/// because the sizes an archive declares can lie.
pub fn zip_entry(bytes: &[u8], name: &str) -> Result<Vec<u8>, Unreadable> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("the file is not a readable ZIP archive ({e})")))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(unreadable(format!(
            "the archive has {} entries, more than the {MAX_ZIP_ENTRIES} a document may have",
            archive.len()
        )));
    }
    let entry = archive
        .by_name(name)
        .map_err(|_| unreadable(format!("the document has no {name}")))?;
    // The compressed bytes cannot be more than the file itself, whatever the entry claims.
    let compressed = entry.compressed_size().min(bytes.len() as u64).max(1);
    let allowed = (compressed.saturating_mul(MAX_RATIO)).clamp(64 << 10, MAX_INFLATED);
    let mut out = Vec::new();
    entry
        .take(allowed + 1)
        .read_to_end(&mut out)
        .map_err(|e| unreadable(format!("{name} could not be inflated ({e})")))?;
    if out.len() as u64 > allowed {
        return Err(unreadable(format!(
            "{name} inflates to more than {allowed} bytes from {compressed}: the archive looks like a ZIP bomb"
        )));
    }
    Ok(out)
}

/// Which elements of a word-processing XML carry text and which break it.
struct Markup {
    /// Elements whose text is the document's (`w:t`); `None`: all text counts.
    text: Option<&'static str>,
    /// Elements that end a line when they end (paragraphs, headings).
    block: &'static [&'static str],
    /// Empty elements that stand for a tab.
    tab: &'static str,
    /// Empty elements that stand for a line break.
    line_break: &'static [&'static str],
    /// An empty element that stands for a space (`text:s`).
    space: Option<&'static str>,
}

const DOCX: Markup = Markup {
    text: Some("t"),
    block: &["p", "tr"],
    tab: "tab",
    line_break: &["br", "cr"],
    space: None,
};

const ODT: Markup = Markup {
    text: None,
    block: &["p", "h", "list-item"],
    tab: "tab",
    line_break: &["line-break"],
    space: Some("s"),
};

/// The text of a DOCX `document.xml` or an ODT `content.xml`: streamed, so nesting depth
/// costs nothing but the names of the open elements.
fn xml_text(xml: &[u8], markup: &Markup) -> Result<String, Unreadable> {
    let xml = String::from_utf8_lossy(xml);
    let mut reader = Reader::from_str(&xml);
    reader.config_mut().check_end_names = false;
    let mut out = String::new();
    // How deep inside text-bearing elements the reader is: `w:t` for DOCX; for ODT, whose
    // text sits directly in paragraphs, the paragraphs and headings themselves.
    let mut depth = 0usize;
    let carries = |name: &str| match markup.text {
        Some(text) => name == text,
        None => markup.block.contains(&name),
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| unreadable(format!("the document's XML is damaged ({e})")))?;
        match event {
            Event::Start(e) if carries(e.local_name().as_ref()) => depth += 1,
            Event::End(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if carries(name) {
                    depth = depth.saturating_sub(1);
                }
                if markup.block.contains(&name) {
                    out.push('\n');
                }
            }
            Event::Empty(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if name == markup.tab {
                    out.push('\t');
                } else if markup.line_break.contains(&name) || markup.block.contains(&name) {
                    out.push('\n');
                } else if Some(name) == markup.space {
                    out.push(' ');
                }
            }
            Event::Text(t) if depth > 0 => out.push_str(&t.xml10_content()),
            Event::CData(t) if depth > 0 => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if depth > 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else {
                    let name = r.xml10_content();
                    out.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if out.len() > MAX_TEXT {
            break;
        }
    }
    Ok(out)
}

/// Groups whose content is not text: font and colour tables, styles, metadata, pictures.
const RTF_SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "header",
    "footer",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "themedata",
    "datastore",
    "latentstyles",
    "object",
];

/// The text of an RTF document: control words dropped, `\par` and `\line` as line ends,
/// `\'hh` as Windows-1252, `\uN` as Unicode; groups kept on a stack, not by recursion.
fn rtf_text(bytes: &[u8]) -> Result<String, Unreadable> {
    if !bytes.starts_with(b"{\\rtf") {
        return Err(unreadable("the file does not start like an RTF document"));
    }
    let mut out = String::new();
    // For each open group: whether its text is skipped.
    let mut groups: Vec<bool> = Vec::new();
    let mut skipping = false;
    // After `\uN`, how many fallback characters to drop (`\ucN`, 1 by default).
    let mut uc = 1usize;
    let mut drop_next = 0usize;
    let mut i = 0;
    let mut pending_bytes: Vec<u8> = Vec::new();
    let flush = |pending: &mut Vec<u8>, out: &mut String| {
        if !pending.is_empty() {
            out.push_str(&encoding_rs::WINDOWS_1252.decode(pending).0);
            pending.clear();
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' => {
                flush(&mut pending_bytes, &mut out);
                groups.push(skipping);
                i += 1;
            }
            b'}' => {
                flush(&mut pending_bytes, &mut out);
                skipping = groups.pop().unwrap_or(false);
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&next) = bytes.get(i) else { break };
                if next == b'\'' {
                    let hex = bytes.get(i + 1..i + 3).unwrap_or(b"");
                    i += 3;
                    let value = std::str::from_utf8(hex)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    if let Some(v) = value
                        && !skipping
                    {
                        if drop_next > 0 {
                            drop_next -= 1;
                        } else {
                            pending_bytes.push(v);
                        }
                    }
                    continue;
                }
                if !next.is_ascii_alphabetic() {
                    // A control symbol: `\\`, `\{`, `\}`, `\~` (a non-breaking space), `\*`.
                    i += 1;
                    if skipping {
                        continue;
                    }
                    match next {
                        b'*' => skipping = true,
                        b'~' => out.push(' '),
                        b'\\' | b'{' | b'}' => {
                            flush(&mut pending_bytes, &mut out);
                            out.push(next as char);
                        }
                        b'\n' | b'\r' => out.push('\n'),
                        _ => {}
                    }
                    continue;
                }
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let word = std::str::from_utf8(&bytes[start..i]).unwrap_or("");
                let num_start = i;
                if i < bytes.len() && bytes[i] == b'-' {
                    i += 1;
                }
                while i < bytes.len() && bytes[i].is_ascii_digit() && i - num_start < 10 {
                    i += 1;
                }
                let param: Option<i64> = std::str::from_utf8(&bytes[num_start..i])
                    .ok()
                    .and_then(|n| n.parse().ok());
                if i < bytes.len() && bytes[i] == b' ' {
                    i += 1;
                }
                if RTF_SKIPPED.contains(&word) {
                    skipping = true;
                    continue;
                }
                if skipping {
                    continue;
                }
                flush(&mut pending_bytes, &mut out);
                match word {
                    "par" | "line" | "row" | "sect" | "page" => out.push('\n'),
                    "tab" | "cell" => out.push('\t'),
                    "uc" => uc = param.unwrap_or(1).clamp(0, 8) as usize,
                    "u" => {
                        let code = param.unwrap_or(0);
                        let code = if code < 0 { code + 65_536 } else { code };
                        if let Some(c) = char::from_u32(code as u32) {
                            out.push(c);
                        }
                        drop_next = uc;
                    }
                    "emdash" => out.push('—'),
                    "endash" => out.push('–'),
                    "bullet" => out.push('•'),
                    "lquote" | "rquote" => out.push('\''),
                    "ldblquote" | "rdblquote" => out.push('"'),
                    _ => {}
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                i += 1;
                if skipping {
                    continue;
                }
                if drop_next > 0 {
                    drop_next -= 1;
                    continue;
                }
                pending_bytes.push(b);
            }
        }
        if out.len() > MAX_TEXT {
            break;
        }
    }
    flush(&mut pending_bytes, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        zip_with(entries, zip::CompressionMethod::Deflated)
    }

    fn zip_with(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn docx_paragraphs_become_lines() {
        let xml = br#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>Jane</w:t></w:r><w:r><w:t xml:space="preserve"> Doe &amp; Co</w:t></w:r></w:p>
            <w:p><w:r><w:t>Rust</w:t><w:tab/><w:t>Go</w:t></w:r></w:p>
            <w:p><w:r><w:instrText>HYPERLINK</w:instrText></w:r></w:p>
        </w:body></w:document>"#;
        let docx = zip_of(&[("word/document.xml", xml)]);
        assert_eq!(
            extract(DocKind::Docx, &docx).unwrap(),
            "Jane Doe & Co\nRust\tGo"
        );
    }

    #[test]
    fn odt_text_and_spaces() {
        let xml = br#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
            <text:h>Jane Doe</text:h><text:p>Senior<text:s/>Engineer<text:line-break/>Berlin</text:p>
        </office:text></office:body></office:document-content>"#;
        let odt = zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", xml),
        ]);
        assert_eq!(
            extract(DocKind::Odt, &odt).unwrap(),
            "Jane Doe\nSenior Engineer\nBerlin"
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_inflates() {
        let zeros = vec![b'a'; 40 << 20];
        let bomb = zip_of(&[("word/document.xml", &zeros)]);
        assert!(bomb.len() < 200 << 10, "compresses well: {}", bomb.len());
        let err = extract(DocKind::Docx, &bomb).unwrap_err();
        assert!(err.0.contains("ZIP bomb"), "{err}");
    }

    #[test]
    fn deeply_nested_xml_is_read_without_recursion() {
        let depth = 200_000;
        let mut xml = String::from("<w:document><w:body><w:p>");
        xml.push_str(&"<w:r>".repeat(depth));
        xml.push_str("<w:t>deep</w:t>");
        xml.push_str(&"</w:r>".repeat(depth));
        xml.push_str("</w:p></w:body></w:document>");
        // Stored, not deflated: so repetitive a text would otherwise count as a ZIP bomb.
        let docx = zip_with(
            &[("word/document.xml", xml.as_bytes())],
            zip::CompressionMethod::Stored,
        );
        assert_eq!(extract(DocKind::Docx, &docx).unwrap(), "deep");
    }

    #[test]
    fn rtf_control_words_are_dropped() {
        let rtf = br"{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\colortbl;\red0;}\f0 Jane Doe\par Caf\'e9 \u8364? 5\par{\*\generator Word;}Rust\tab Go}";
        assert_eq!(
            extract(DocKind::Rtf, rtf).unwrap(),
            "Jane Doe\nCafé € 5\nRust\tGo"
        );
    }

    #[test]
    fn text_in_latin1_is_decoded() {
        assert_eq!(decode_text(b"Caf\xe9"), "Café");
        assert_eq!(decode_text("\u{feff}Zoë".as_bytes()), "Zoë");
        assert!(looks_like_text(b"hello\nworld\n"));
        assert!(!looks_like_text(b"hel\0lo"));
    }

    #[test]
    fn images_have_no_text() {
        assert!(extract(DocKind::Png, b"\x89PNG").is_err());
    }
}
