//! The one way every file an author writes is read: scenarios, test plans,
//! play scripts and the course file. Read the bytes, decode UTF-8 (a bad
//! byte is reported at its line and column), refuse a blank file, turn a
//! byte-order mark into spaces, parse with ron's implicit `Some`, and turn
//! ron's error into a [`Diagnostic`] at its position. Each file kind then
//! checks what it holds with the span tree; the reading is the same for all.

use std::path::Path;

use ron::extensions::Extensions;
use serde::de::DeserializeOwned;

use super::diagnostic::{Code, Diagnostic};
use super::load::ron_diagnostic;
use super::spans;

/// A file's text, as read.
#[derive(Debug, Clone)]
pub struct RonText {
    /// The text as in the file (bytes that are not UTF-8 shown as U+FFFD):
    /// what diagnostics are rendered against.
    pub source: String,
    /// With a byte-order mark, the text with the mark as three spaces;
    /// without one the source is parsed as it is (see [`RonText::text`]).
    bom_text: Option<String>,
}

/// What a file kind says when its file is blank.
pub struct Blank<'a> {
    pub code: Code,
    pub message: &'a str,
    pub help: &'a str,
}

/// Why a file could not be read as text; `source` is the text when there
/// is some to show the diagnostic against.
#[derive(Debug, Clone)]
pub struct NotText {
    pub diagnostic: Box<Diagnostic>,
    pub source: Option<String>,
}

/// Reads a file's bytes; a file that cannot be read is a diagnostic.
pub fn read(path: &Path, what: &str) -> Result<Vec<u8>, NotText> {
    std::fs::read(path).map_err(|error| NotText {
        diagnostic: Box::new(Diagnostic::file_level(
            Code::Unreadable,
            path,
            format!("cannot read {what}: {error}"),
            Some("check the path, and that the file exists and may be read".to_owned()),
        )),
        source: None,
    })
}

/// Decodes a file's bytes; text that is not UTF-8 is reported at the line
/// and column of its first bad byte, and a blank file as `blank` says.
pub fn decode(path: &Path, bytes: &[u8], blank: &Blank) -> Result<RonText, NotText> {
    let source = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(error) => {
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let at = error.valid_up_to();
            let bad = &bytes[at..at + error.error_len().unwrap_or(bytes.len() - at)];
            let shown = bad
                .iter()
                .map(|b| format!("0x{b:02X}"))
                .collect::<Vec<_>>()
                .join(" ");
            // The text before `at` is valid, so offsets agree in `lossy`.
            let replacement = '\u{fffd}'.len_utf8();
            let diagnostic = Diagnostic::at(
                Code::NotUtf8,
                path,
                &lossy,
                at..at + replacement,
                format!("the file is not UTF-8 text: byte {shown} cannot be decoded"),
                Some("save the file with the UTF-8 encoding (most editors offer \"Save with Encoding\"), or retype the character".to_owned()),
                Some("not UTF-8".to_owned()),
            );
            return Err(NotText {
                diagnostic: Box::new(diagnostic),
                source: Some(lossy),
            });
        }
    };
    if spans::is_blank(&source) {
        return Err(NotText {
            diagnostic: Box::new(Diagnostic::file_level(
                blank.code,
                path,
                blank.message,
                Some(blank.help.to_owned()),
            )),
            source: Some(source),
        });
    }
    let bom_text = source
        .strip_prefix('\u{feff}')
        .map(|rest| format!("   {rest}"));
    Ok(RonText { source, bom_text })
}

/// Parses the text as a `T`, with ron's error as a positioned diagnostic.
pub fn parse<T: DeserializeOwned>(path: &Path, file: &RonText) -> Result<T, Box<Diagnostic>> {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .from_str(file.text())
        .map_err(|error| Box::new(ron_diagnostic(path, &file.source, file.text(), &error)))
}

impl RonText {
    /// The text ron parses: a byte-order mark becomes three spaces, so
    /// every byte offset is the file's.
    pub fn text(&self) -> &str {
        self.bom_text.as_deref().unwrap_or(&self.source)
    }

    /// The span tree that places a problem found after parsing.
    pub fn tree(&self) -> Option<spans::Value> {
        spans::parse(self.text()).ok()
    }
}
