//! From bytes on disk to a checked scenario with diagnostics: read, decode,
//! parse with ron (syntax and type errors carry ron's own positions), then
//! [`resolve`] and place each problem with the span tree of [`spans`].
//! Nothing here panics on any input; every failure is a [`Diagnostic`].

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ron::error::{Position, SpannedError};

use super::diagnostic::{Code, Diagnostic, Severity};
use super::model::Scenario;
use super::resolved::Resolved;
use super::ron_file;
use super::validate::{resolve, suggest};

/// One scenario file after loading: what could be made of it, and every
/// finding about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    /// The text, when the file could be read. Bytes that are not UTF-8 are
    /// shown as U+FFFD here (a diagnostic says where the first one is).
    pub source: Option<String>,
    /// The parsed file, when it is valid RON of the right shape.
    pub scenario: Option<Scenario>,
    /// The engine's form, when the scenario has no errors.
    pub resolved: Option<Arc<Resolved>>,
    /// In order of position in the file; whole-file findings first.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    fn new(path: &Path, source: Option<String>) -> Self {
        Loaded {
            path: path.to_owned(),
            source,
            scenario: None,
            resolved: None,
            diagnostics: Vec::new(),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Every diagnostic rendered against the source, one after another.
    pub fn render_diagnostics(&self) -> String {
        Diagnostic::render_all(&self.diagnostics, self.source.as_deref())
    }
}

/// What a blank scenario file is told.
const BLANK: ron_file::Blank = ron_file::Blank {
    code: Code::EmptyFile,
    message: "the file is empty",
    help: "a scenario file holds one `Scenario(...)`; start from `kam-trainer new ID --stage STAGE`, or from `docs/reference/reference-late-shipment.ron`",
};

/// Loads scenario text; `path` is only used in messages.
pub fn load_str(path: &Path, src: &str) -> Loaded {
    load_bytes(path, src.as_bytes())
}

/// Loads scenario bytes; text that is not UTF-8 is reported at the line
/// and column of its first bad byte.
pub fn load_bytes(path: &Path, bytes: &[u8]) -> Loaded {
    let file = match ron_file::decode(path, bytes, &BLANK) {
        Ok(file) => file,
        Err(e) => {
            let mut loaded = Loaded::new(path, e.source);
            loaded.diagnostics.push(*e.diagnostic);
            return loaded;
        }
    };
    let scenario: Scenario = match ron_file::parse(path, &file) {
        Ok(scenario) => scenario,
        Err(d) => {
            let mut loaded = Loaded::new(path, Some(file.source));
            loaded.diagnostics.push(*d);
            return loaded;
        }
    };
    let (resolved, problems) = resolve(&scenario);
    // The span tree only places problems: a clean file never needs it.
    let tree = if problems.is_empty() {
        None
    } else {
        file.tree()
    };
    let src = &file.source;
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| match &tree {
            Some(tree) => {
                let span = tree.span_of(&p.path);
                Diagnostic::at(p.code, path, src, span, p.message, p.help, p.label)
            }
            None => Diagnostic::file_level(
                p.code,
                path,
                format!("{} (at `{}`)", p.message, p.path),
                p.help,
            ),
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    // The text moves into the result rather than being copied: a scenario
    // file is read once per load.
    let mut loaded = Loaded::new(path, Some(file.source));
    loaded.diagnostics = diagnostics;
    loaded.scenario = Some(scenario);
    loaded.resolved = resolved.map(Arc::new);
    loaded
}

/// Reads and loads a file; a file that cannot be read is a diagnostic too.
pub fn load_path(path: &Path) -> Loaded {
    match ron_file::read(path, "the file") {
        Ok(bytes) => load_bytes(path, &bytes),
        Err(e) => {
            let mut loaded = Loaded::new(path, None);
            loaded.diagnostics.push(*e.diagnostic);
            loaded
        }
    }
}

/// What a `.ron` file of a scenarios folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A shift: `NAME.ron` opening with `Scenario(`.
    Scenario,
    /// Test plans: `NAME.plans.ron`, a list of `(name: ..., steps: ...)`.
    Plans,
    /// A play script: `NAME.script.ron`, a list of `(at: ..., do: ...)`.
    Script,
    /// The course file: `career.ron`, `(stages: [...])`.
    Course,
    /// None of these.
    Unknown,
}

impl FileKind {
    /// The kinds there are, for a message about a file of none of them.
    pub const SHAPES: &'static str = "a shift (`NAME.ron`, `Scenario(...)`), its test plans (`NAME.plans.ron`, `[(name: ..., steps: [...])]`), a play script (`NAME.script.ron`, `[(at: \"09:00\", do: ...)]`) or the course file (`career.ron`, `(stages: [...])`)";
}

/// A file's kind by its name (`NAME.plans.ron`, `NAME.script.ron`,
/// `career.ron`), else by its opening word: the name wins, so a broken
/// plans file is still checked as plans.
pub fn file_kind(path: &Path, text: &str) -> FileKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.ends_with(".plans.ron") {
        return FileKind::Plans;
    }
    if name.ends_with(".script.ron") {
        return FileKind::Script;
    }
    if name == "career.ron" {
        return FileKind::Course;
    }
    kind_by_opening(text)
}

/// The kind of a file by how it opens, after comments and whitespace.
fn kind_by_opening(text: &str) -> FileKind {
    let rest = skip_blank(text.strip_prefix('\u{feff}').unwrap_or(text));
    if rest.is_empty() {
        return FileKind::Scenario; // reported as an empty scenario
    }
    if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        // `Scenario(` or a misspelling of it: ron says what it expected.
        return FileKind::Scenario;
    }
    let first_field = |after: &str| -> String {
        skip_blank(after)
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    if let Some(inner) = rest.strip_prefix('(') {
        return match first_field(inner).as_str() {
            "stages" => FileKind::Course,
            _ => FileKind::Unknown,
        };
    }
    if let Some(list) = rest.strip_prefix('[') {
        let item = skip_blank(list);
        if let Some(inner) = item.strip_prefix('(') {
            return match first_field(inner).as_str() {
                "name" | "why" | "seed" | "seeds" | "expect" | "steps" => FileKind::Plans,
                "at" | "on" | "do" | "wait" | "says" | "optional" => FileKind::Script,
                _ => FileKind::Unknown,
            };
        }
    }
    FileKind::Unknown
}

/// `text` without leading whitespace and comments.
fn skip_blank(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("//") {
            text = rest.find('\n').map_or("", |i| &rest[i..]);
        } else if let Some(rest) = text.strip_prefix("/*") {
            text = rest.find("*/").map_or("", |i| &rest[i + 2..]);
        } else {
            return text;
        }
    }
}

/// Every `.ron` file named by `paths` with its kind: files as given,
/// folders searched recursively, sorted. A path that does not exist is an
/// error.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, FileKind)>, String> {
    let mut files = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("{}: cannot open: {e}", path.display()))?;
        let mut found = Vec::new();
        if meta.is_dir() {
            walk(path, &mut found, &|name| name.ends_with(".ron"))?;
            found.sort();
        } else {
            found.push(path.clone());
        }
        for file in found {
            // An unreadable file is the scenario loader's to report.
            let head = std::fs::read(&file)
                .map(|b| String::from_utf8_lossy(&b[..b.len().min(8192)]).into_owned())
                .unwrap_or_default();
            let kind = file_kind(&file, &head);
            files.push((file, kind));
        }
    }
    Ok(files)
}

/// The scenario files named by `paths`: files as given, folders searched
/// recursively for `*.ron` files that are shifts (not test plans, scripts,
/// the course file or files of no known kind), sorted. A path that does
/// not exist is an error.
pub fn collect_scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let named: Vec<&PathBuf> = paths.iter().filter(|p| !p.is_dir()).collect();
    Ok(collect_files(paths)?
        .into_iter()
        .filter(|(p, kind)| {
            *kind == FileKind::Scenario || (named.contains(&p) && *kind == FileKind::Unknown)
        })
        .map(|(p, _)| p)
        .collect())
}

/// The test plans (`*.plans.ron`) in the folders named by `paths`, sorted;
/// files named directly are left to the caller.
pub fn collect_plan_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let dirs: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
    Ok(collect_files(&dirs)?
        .into_iter()
        .filter(|(_, kind)| *kind == FileKind::Plans)
        .map(|(p, _)| p)
        .collect())
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, wanted: &dyn Fn(&str) -> bool) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found, wanted)?;
            continue;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if wanted(&name) {
            found.push(path);
        }
    }
    Ok(())
}

/// Byte offset of ron's 1-based line and character column in `text`.
fn offset_of(text: &str, pos: Position) -> usize {
    let mut offset = 0;
    for _ in 1..pos.line {
        match text[offset..].find('\n') {
            Some(nl) => offset += nl + 1,
            None => return text.len(),
        }
    }
    let line = &text[offset..];
    offset
        + line
            .char_indices()
            .nth(pos.col.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
}

/// The span to underline for ron's error: its own span without leading
/// whitespace, at least one character wide when there is one to show.
fn ron_span(text: &str, error: &SpannedError) -> Range<usize> {
    let mut start = offset_of(text, error.span.start);
    let mut end = offset_of(text, error.span.end).max(start);
    while start < end && text[start..].starts_with(|c: char| c.is_whitespace()) {
        start += text[start..].chars().next().map_or(1, char::len_utf8);
    }
    if start == end
        && let Some(c) = text[start..].chars().next()
        && c != '\n'
        && c != '\r'
    {
        end = start + c.len_utf8();
    }
    start..end
}

/// ron's error as a diagnostic of the file; also used for test plans.
pub(crate) fn ron_diagnostic(
    path: &Path,
    src: &str,
    text: &str,
    error: &SpannedError,
) -> Diagnostic {
    use ron::Error as E;
    let span = ron_span(text, error);
    let in_outer = |outer: &Option<String>| {
        outer
            .as_deref()
            .map(|o| format!(" in `{o}`"))
            .unwrap_or_default()
    };
    let content_end = text.trim_end().len();
    if span.start >= content_end && !matches!(error.code, E::TrailingCharacters) {
        // ron says what it expected next; the author needs to know the file
        // stopped early, and where.
        return Diagnostic::at(
            Code::Syntax,
            path,
            src,
            content_end..content_end,
            format!(
                "the file ends too early: {}",
                lowercase_first(&error.code.to_string())
            ),
            Some(syntax_help(&E::Eof).to_owned()),
            Some("the file ends here".to_owned()),
        );
    }
    if let Some(d) = plain_words(path, src, text, &span) {
        return d;
    }
    let (code, message, help, label): (Code, String, String, String) = match &error.code {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => (
            Code::UnknownField,
            format!("unknown field `{found}`{}", in_outer(outer)),
            match suggest(found, expected.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the fields here are: {}", expected.join(", ")),
            },
            "unknown field".to_owned(),
        ),
        E::MissingStructField { field, outer } => (
            Code::MissingField,
            format!("missing field `{field}`{}", in_outer(outer)),
            format!("add `{field}: ...` to this struct"),
            format!("`{field}` is missing before this `)`"),
        ),
        E::DuplicateStructField { field, outer } => (
            Code::DuplicateField,
            format!("field `{field}` appears twice{}", in_outer(outer)),
            "keep one of the two".to_owned(),
            "second time".to_owned(),
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => (
            Code::UnknownVariant,
            format!("unknown variant `{found}`{}", in_outer(outer)),
            match suggest(found, expected.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("expected one of: {}", expected.join(", ")),
            },
            "unknown variant".to_owned(),
        ),
        E::InvalidValueForType { expected, found } => (
            Code::WrongType,
            format!("expected {expected}, found {found}"),
            format!("write {expected} here"),
            "wrong type".to_owned(),
        ),
        code @ (E::ExpectedString
        | E::ExpectedInteger
        | E::ExpectedFloat
        | E::ExpectedBoolean
        | E::ExpectedArray
        | E::ExpectedMap
        | E::ExpectedStructLike
        | E::ExpectedNamedStructLike(_)
        | E::ExpectedDifferentStructName { .. }
        | E::ExpectedUnit
        | E::ExpectedOption
        | E::ExpectedChar
        | E::ExpectedByteString
        | E::ExpectedDifferentLength { .. }
        | E::IntegerOutOfBounds
        | E::Message(_)) => (
            Code::WrongType,
            lowercase_first(&code.to_string()),
            type_help(code).to_owned(),
            "wrong type".to_owned(),
        ),
        code => (
            Code::Syntax,
            lowercase_first(&code.to_string()),
            syntax_help(code).to_owned(),
            "here".to_owned(),
        ),
    };
    Diagnostic::at(code, path, src, span, message, Some(help), Some(label))
}

/// The slips non-programmers make, said in plain words instead of the
/// parser's: a decimal comma (`1,5`), and a double quote inside a line of
/// text that ends the text early.
fn plain_words(path: &Path, src: &str, text: &str, span: &Range<usize>) -> Option<Diagnostic> {
    let before = &text[..span.start];
    let after = &text[span.start..];
    // `hours: 1,5`: a number, a comma with nothing between, a digit.
    let number = before
        .strip_suffix(',')
        .map(|b| b.len() - b.trim_end_matches(|c: char| c.is_ascii_digit()).len())
        .filter(|&digits| digits > 0);
    if let Some(digits) = number
        && after.starts_with(|c: char| c.is_ascii_digit())
    {
        let whole = &before[before.len() - 1 - digits..before.len() - 1];
        let fraction: String = after.chars().take_while(char::is_ascii_digit).collect();
        let start = span.start - 1 - digits;
        return Some(Diagnostic::at(
            Code::Syntax,
            path,
            src,
            start..span.start + fraction.len(),
            format!("`{whole},{fraction}` is written with a decimal comma"),
            Some(format!(
                "write numbers with a dot: `{whole}.{fraction}` (a comma separates fields)"
            )),
            Some("decimal comma".to_owned()),
        ));
    }
    // `says: "He said "yes" to me"`: the text ended at the inner quote and
    // a word follows where a comma should be.
    let line_end = after.find('\n').unwrap_or(after.len());
    let rest_of_line = &after[..line_end];
    let quote_before = before.trim_end().ends_with('"');
    // A word then `:` is a field after a missing comma, not quoted text.
    let until_quote = rest_of_line.split('"').next().unwrap_or("");
    if quote_before
        && after.starts_with(|c: char| c.is_alphanumeric())
        && rest_of_line.contains('"')
        && !until_quote.contains(':')
    {
        let open = before.trim_end().len() - 1;
        return Some(Diagnostic::at(
            Code::Syntax,
            path,
            src,
            open..open + 1,
            "a double quote inside the text ends it early".to_owned(),
            Some(
                "inside a line of text, write quotes as «…» or “…”, or put a backslash before each inner quote: `\\\"yes\\\"`"
                    .to_owned(),
            ),
            Some("the text ends here".to_owned()),
        ));
    }
    None
}

fn type_help(code: &ron::Error) -> &'static str {
    use ron::Error as E;
    match code {
        E::ExpectedInteger => "write a whole number here, e.g. `70`",
        E::ExpectedFloat => "write a number here, e.g. `2.5`",
        E::ExpectedString => "write text in double quotes here, e.g. `\"granel\"`",
        E::ExpectedBoolean => "write `true` or `false` here",
        E::ExpectedArray => "write a list in square brackets here: `[a, b]`",
        E::ExpectedStructLike | E::ExpectedNamedStructLike(_) => {
            "write a struct in parentheses here: `(name: value, ...)`"
        }
        E::IntegerOutOfBounds => "the number is too large or negative where only 0 and up fit",
        _ => "check the value against the format in `docs/reference/reference-late-shipment.ron`",
    }
}

fn syntax_help(code: &ron::Error) -> &'static str {
    use ron::Error as E;
    match code {
        E::ExpectedComma => "separate fields and list items with `,`",
        E::Eof => "the file ends too early: check that every `(`, `[` and `\"` is closed",
        E::ExpectedStringEnd => "close the text with `\"`",
        E::UnclosedBlockComment => "close the comment with `*/`",
        E::TrailingCharacters => {
            "a scenario file holds exactly one `Scenario(...)`: remove what follows its closing `)`"
        }
        E::ExpectedArrayEnd => "close the list with `]`, or add `,` before the next item",
        E::ExpectedStructLikeEnd => {
            "close the parentheses with `)`, or add `,` before the next field"
        }
        E::ExpectedMapColon => "write each field as `name: value`",
        E::InvalidEscape(_) => {
            "use `\\\"`, `\\\\`, `\\n` or `\\u{..}` in text, or a raw string `r\"..\"`"
        }
        _ => "fields are `name: value` separated by `,`; text goes in double quotes",
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
