//! Documents people upload: what a file is (read from its bytes, never from its name or the
//! type its sender declares), and its text (PDF, DOCX, ODT, RTF, TXT).
//!
//! Parsers of these formats panic, overflow their stack or allocate without end on crafted
//! files, which `catch_unwind` cannot stop. So text is read in a child process of this same
//! binary ([`sandbox`]): bytes on its stdin, text on its stdout, under memory and CPU limits
//! and a timeout; whatever a file does to the child, the server only sees a failed read.

pub mod sandbox;
pub mod text;

named_enum! {
    /// The kinds of file hirebase accepts, by content.
    pub enum DocKind {
        Pdf = "pdf",
        Doc = "doc",
        Docx = "docx",
        Odt = "odt",
        Rtf = "rtf",
        Txt = "txt",
        Jpg = "jpg",
        Png = "png",
        Webp = "webp",
    }
}

impl DocKind {
    /// The media type a download of this kind carries.
    pub fn mime(self) -> &'static str {
        match self {
            DocKind::Pdf => "application/pdf",
            DocKind::Doc => "application/msword",
            DocKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocKind::Odt => "application/vnd.oasis.opendocument.text",
            DocKind::Rtf => "application/rtf",
            DocKind::Txt => "text/plain; charset=utf-8",
            DocKind::Jpg => "image/jpeg",
            DocKind::Png => "image/png",
            DocKind::Webp => "image/webp",
        }
    }

    /// How people name the format.
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Pdf => "PDF",
            DocKind::Doc => "Word 97–2003 (.doc)",
            DocKind::Docx => "Word (.docx)",
            DocKind::Odt => "OpenDocument text (.odt)",
            DocKind::Rtf => "RTF",
            DocKind::Txt => "plain text",
            DocKind::Jpg => "JPEG image",
            DocKind::Png => "PNG image",
            DocKind::Webp => "WebP image",
        }
    }

    /// Whether hirebase can read the text of this kind.
    pub fn has_text(self) -> bool {
        matches!(
            self,
            DocKind::Pdf | DocKind::Docx | DocKind::Odt | DocKind::Rtf | DocKind::Txt
        )
    }
}

/// What `bytes` are, by their magic bytes; `None` for anything not accepted (an executable,
/// a ZIP that is not a Word or OpenDocument file, binary data).
pub fn sniff(bytes: &[u8]) -> Option<DocKind> {
    if let Some(found) = infer::get(bytes) {
        return match found.mime_type() {
            "application/pdf" => Some(DocKind::Pdf),
            "application/msword" => Some(DocKind::Doc),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Some(DocKind::Docx)
            }
            "application/vnd.oasis.opendocument.text" => Some(DocKind::Odt),
            "application/rtf" | "text/rtf" => Some(DocKind::Rtf),
            "image/jpeg" => Some(DocKind::Jpg),
            "image/png" => Some(DocKind::Png),
            "image/webp" => Some(DocKind::Webp),
            // Word and LibreOffice order their entries in ways the magic-byte rules miss.
            "application/zip" => zip_kind(bytes),
            m if m.starts_with("application/vnd.openxmlformats") => zip_kind(bytes),
            _ => None,
        };
    }
    text::looks_like_text(bytes).then_some(DocKind::Txt)
}

/// A ZIP archive that is a word-processing document, by the entries its directory lists.
fn zip_kind(bytes: &[u8]) -> Option<DocKind> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    if archive.len() > text::MAX_ZIP_ENTRIES {
        return None;
    }
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("word/document.xml") {
        Some(DocKind::Docx)
    } else if has("content.xml") && has("mimetype") {
        Some(DocKind::Odt)
    } else {
        None
    }
}

/// The accepted kinds, for messages.
pub fn accepted() -> String {
    DocKind::ALL
        .iter()
        .map(|k| k.as_str().to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_content_not_names() {
        assert_eq!(sniff(b"%PDF-1.4\n%..."), Some(DocKind::Pdf));
        assert_eq!(sniff(b"{\\rtf1\\ansi hello}"), Some(DocKind::Rtf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(DocKind::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(DocKind::Jpg));
        assert_eq!(sniff("Jane Doe\nRust, Go\n".as_bytes()), Some(DocKind::Txt));
        assert_eq!(
            sniff(b"\x7fELF\x02\x01\x01\0\0\0\0\0"),
            None,
            "an executable"
        );
        assert_eq!(sniff(b"PK\x03\x04\x14\0\0\0\0\0"), None, "a bare zip");
        assert_eq!(sniff(&[0u8, 1, 2, 3, 200, 201, 0, 0]), None, "binary");
        assert_eq!(sniff(b""), None, "empty");
    }
}
