//! What an author reads when a scenario is wrong: a stable code per kind of
//! mistake, a position (`path:line:column`), what is wrong and how to fix it.
//! Rendering is miette's graphical handler in plain ASCII, so the output
//! looks like rustc's and is the same on every terminal; this module only
//! hands miette the pieces and never draws anything itself.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::{Serialize, Serializer};

/// How bad a finding is: errors stop a scenario from loading, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $id:literal, $sev:ident, $title:literal; )*) => {
        /// Every kind of finding, with a stable id (`KAM0012`) that
        /// `docs/diagnostics.md` explains. Ids are never reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $( $(#[$doc])* $name, )*
        }

        impl Code {
            /// Every code, in id order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The stable id, e.g. `"KAM0012"`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$name => $id,)* }
            }

            /// A short name of the kind of mistake, e.g. "unknown dialogue node".
            pub fn title(self) -> &'static str {
                match self { $(Code::$name => $title,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev,)* }
            }
        }
    };
}

codes! {
    /// The file could not be read (missing, a folder, no permission).
    Unreadable = "KAM0001", Error, "file cannot be read";
    /// The file's bytes are not UTF-8 text.
    NotUtf8 = "KAM0002", Error, "file is not UTF-8";
    /// The file holds nothing but whitespace.
    EmptyFile = "KAM0003", Error, "empty file";
    /// RON that does not parse: a missing comma, bracket or quote.
    Syntax = "KAM0004", Error, "syntax error";
    /// A value of the wrong type, e.g. text where a number belongs.
    WrongType = "KAM0005", Error, "wrong type";
    /// A field the format does not know (often a typo).
    UnknownField = "KAM0006", Error, "unknown field";
    /// A required field is not there.
    MissingField = "KAM0007", Error, "missing field";
    /// An enum value (tier, tone, effect, condition, ...) the format does not know.
    UnknownVariant = "KAM0008", Error, "unknown variant";
    /// The same field twice in one struct.
    DuplicateField = "KAM0009", Error, "duplicate field";

    /// Two entries of one list share an id.
    DuplicateId = "KAM0010", Error, "duplicate id";
    UnknownClient = "KAM0011", Error, "unknown client";
    UnknownNode = "KAM0012", Error, "unknown dialogue node";
    UnknownMember = "KAM0013", Error, "unknown team member";
    UnknownTask = "KAM0014", Error, "unknown task";
    UnknownDialogue = "KAM0015", Error, "unknown dialogue";
    /// `Flag("x")` is tested but no effect ever `Set`s it.
    FlagNeverSet = "KAM0016", Warning, "flag is never set";
    /// `Set("x")` but no condition ever tests `Flag("x")`.
    FlagNeverTested = "KAM0017", Warning, "flag is never tested";

    /// A task's role that nobody in the team has.
    UnknownRole = "KAM0020", Error, "nobody has this role";
    /// A time that is not `HH:MM`.
    BadTime = "KAM0021", Error, "invalid time";
    /// The shift ends at or before it starts.
    ShiftBackwards = "KAM0022", Error, "shift ends before it starts";
    DeadlineOutsideShift = "KAM0023", Error, "deadline outside the shift";
    EventOutsideShift = "KAM0024", Error, "event time outside the shift";
    /// `Loyalty(n)` where no client is in context.
    LoyaltyWithoutClient = "KAM0025", Error, "no client in context for Loyalty";

    UnreachableNode = "KAM0030", Warning, "unreachable dialogue node";
    /// From some reachable node every way leads back and never out.
    EndlessDialogue = "KAM0031", Error, "dialogue can never end";
    /// `timeout_next` or `on_timeout` on a node without `reply_within`.
    TimeoutWithoutTimer = "KAM0032", Warning, "timeout without reply_within";
    ZeroReplyTime = "KAM0033", Error, "reply_within is zero";
    /// A node with no choices and no `reply_within`: the trainee is stuck.
    NodeWithoutAnswers = "KAM0034", Error, "node has no way out";
    /// A choice without `feedback`: the debrief cannot say why it was good or bad.
    ChoiceWithoutFeedback = "KAM0035", Warning, "answer without feedback";
    /// `critical: ""`: a critical error must say why.
    CriticalWithoutReason = "KAM0036", Error, "critical error without a reason";
    /// A node with a single answer: there is nothing to decide.
    SingleAnswer = "KAM0037", Warning, "node offers one answer";

    /// A loyalty, threshold, stress or pass mark outside 0..=100.
    OutOfRange = "KAM0040", Error, "value out of range";
    LoyaltyBelowChurn = "KAM0041", Warning, "client starts below its churn threshold";
    BurnoutAtStart = "KAM0042", Error, "burnout at or below the starting stress";
    /// Effort that is not positive, or hours that are negative.
    BadHours = "KAM0043", Error, "invalid effort or hours";
    ZeroWeight = "KAM0044", Warning, "client weight is zero";
    ZeroScoringWeights = "KAM0045", Error, "all scoring weights are zero";
    /// `language` that is not a BCP 47 tag such as `en` or `ru`.
    UnknownLanguage = "KAM0046", Warning, "language is not a language tag";
    /// A name or title longer than the screen shows.
    TextTooLong = "KAM0047", Warning, "text longer than the screen shows";

    TaskNeverAdded = "KAM0050", Warning, "task is never added";
    DialogueNeverStarted = "KAM0051", Warning, "dialogue is never started";
    /// An event without `at` and without `when` would never fire.
    EventNeverFires = "KAM0052", Error, "event has neither `at` nor `when`";
    /// A `.ron` file that is no shift, plans file, script or course file.
    UnknownFileKind = "KAM0053", Warning, "file of an unknown kind";

    /// `career.ron` lists a scenario id that no valid scenario has.
    CourseUnknownScenario = "KAM0060", Error, "unknown scenario in the course";
    /// `career.ron` lists a scenario under a stage other than its own `stage`.
    CourseWrongStage = "KAM0061", Error, "scenario listed under another stage";
    /// `career.ron` lists one scenario twice.
    CourseScenarioTwice = "KAM0062", Error, "scenario listed twice in the course";
    /// `to_pass` is 0 or more than the stage's scenarios.
    CourseToPass = "KAM0063", Error, "to_pass out of range";
    /// One of the five stages is not in `career.ron`.
    CourseStageMissing = "KAM0064", Error, "stage missing from the course";
    /// A stage listed twice or out of the ladder's order.
    CourseStageOrder = "KAM0065", Error, "stage out of order";
    /// A valid scenario that `career.ron` does not list.
    CourseScenarioLeftOut = "KAM0066", Warning, "scenario not in the course";

    /// Emitted by `check`'s Monte Carlo: no playthrough reached every pass mark.
    PassUnreachable = "KAM0901", Warning, "pass marks cannot be reached";
    /// Emitted by `check`'s Monte Carlo: random answers pass too often.
    RandomPlayPasses = "KAM0902", Warning, "random play passes too often";
    /// A test plan (`*.plans.ron`) did not end as its `expect` says.
    PlanFailed = "KAM0903", Error, "scenario plan failed";
    /// A step of a test plan that the shift refuses at its time.
    PlanStepRefused = "KAM0904", Error, "plan step refused";
    /// A test plan's steps are not in time order.
    PlanStepsOutOfOrder = "KAM0905", Error, "plan steps out of time order";
    /// A `NAME.plans.ron` without a `NAME.ron` beside it: its plans never run.
    PlansWithoutScenario = "KAM0906", Warning, "plans file without a scenario";
    /// A plans file with an empty list: it tests nothing.
    NoPlans = "KAM0907", Warning, "plans file holds no plans";
    /// A test plan refused or ending otherwise on some of the seeds `check` plays it on.
    PlanSeedDependent = "KAM0908", Error, "plan does not hold on every seed";
    /// A plan step names an answer by number where the node's answers have ids.
    AnswerByNumber = "KAM0909", Warning, "answer named by number";
    /// Emitted by `check`: a strategy that never reads the answers passes too often.
    ContentBlindPasses = "KAM0910", Warning, "a strategy that does not read passes";
    /// Emitted by `check`: the answer the author marks best is mostly the longest.
    BestIsLongest = "KAM0911", Warning, "the best answer is the longest";
    /// A plan step with both or neither of `at` and `on`, or `wait` with `at`.
    BadStep = "KAM0912", Error, "plan step timed wrongly";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// One finding about one file, positioned for humans (`line`, `column`) and
/// for tools (`span`).
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The file as the user named it.
    pub file: String,
    /// 1-based; 0 when the finding is about the whole file.
    pub line: usize,
    /// 1-based, in characters; 0 when the finding is about the whole file.
    pub column: usize,
    /// Byte offsets into the source text.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    /// A short note printed under the caret.
    pub label: Option<String>,
}

impl Diagnostic {
    /// A finding about the whole file, with no position.
    pub fn file_level(
        code: Code,
        file: &Path,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            help,
            file: file.display().to_string(),
            line: 0,
            column: 0,
            span: None,
            label: None,
        }
    }

    /// A finding at `span` (byte offsets) of `source`; line and column are
    /// computed from it the same way the renderer does.
    pub fn at(
        code: Code,
        file: &Path,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
        label: Option<String>,
    ) -> Self {
        let start = clamp_to_char(source, span.start);
        let end = clamp_to_char(source, span.end.max(start));
        let (line, column) = line_col(source, start);
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            help,
            file: file.display().to_string(),
            line,
            column,
            span: Some(start..end),
            label,
        }
    }

    /// `file:line:column` (or just `file` for whole-file findings).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }

    /// Each of `diagnostics` rendered against the same file's text, one
    /// after another.
    pub fn render_all(diagnostics: &[Diagnostic], source: Option<&str>) -> String {
        diagnostics
            .iter()
            .map(|d| d.render(source))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The finding as rustc-like text: severity, code and message, then
    /// `file:line:column` with the offending line and a caret under the
    /// span, then the help. Without `source` (or without a span) the
    /// location is put in front of the message instead.
    pub fn render(&self, source: Option<&str>) -> String {
        let source = source.filter(|src| {
            self.span
                .as_ref()
                .is_some_and(|s| s.end <= src.len() && src.is_char_boundary(s.start))
        });
        // A line before or after that is very long is left out of the
        // snippet rather than printed whole.
        let context = match (source, &self.span) {
            (Some(src), Some(span)) if long_neighbour(src, span.start) => 0,
            _ => 1,
        };
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::none())
            .with_links(false)
            .with_wrap_lines(false)
            .with_width(120)
            .with_context_lines(context);
        // miette cannot draw a span far into a very long line: show the
        // part of the line around the span instead, numbered as in the file.
        let window = match (source, &self.span) {
            (Some(src), Some(span)) => Window::around(src, span.clone()),
            _ => None,
        };
        let shown = window.as_ref().map(|w| Diagnostic {
            span: Some(w.span.clone()),
            ..self.clone()
        });
        let report = match (&window, &shown) {
            (Some(w), Some(shown)) => Report {
                diagnostic: shown,
                source: Some(FileSource {
                    name: &self.file,
                    text: &w.text,
                    lines_before: w.lines_before,
                    columns_before: w.columns_before,
                }),
            },
            _ => Report {
                diagnostic: self,
                source: source.map(|text| FileSource {
                    name: &self.file,
                    text,
                    lines_before: 0,
                    columns_before: 0,
                }),
            },
        };
        let mut out = String::new();
        if handler.render_report(&mut out, &report).is_err() {
            // miette only fails on a span outside the source; say it plainly.
            out = format!(
                "{}[{}]: {}: {}\n",
                self.severity,
                self.code.id(),
                self.location(),
                self.message
            );
            if let Some(help) = &self.help {
                out.push_str(&format!("  help: {help}\n"));
            }
        }
        out
    }
}

/// 1-based line and character column of byte `offset`. Lines end at `\n`,
/// `\r\n` or a lone `\r`, as miette counts them.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = clamp_to_char(source, offset);
    let bytes = source.as_bytes();
    let mut line = 1;
    let mut line_start = 0;
    for (i, &b) in bytes[..offset].iter().enumerate() {
        let ends_line = match b {
            b'\n' => true,
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        };
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

/// The largest char boundary at or before `offset`, within the source.
fn clamp_to_char(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The source text with its file name, reporting columns in characters so
/// the rendered `file:line:column` is the one in [`Diagnostic`]. For a very
/// long line `text` is a window of it; the offsets say where the window
/// starts in the file.
struct FileSource<'a> {
    name: &'a str,
    text: &'a str,
    lines_before: usize,
    columns_before: usize,
}

/// Lines longer than this are cut to a window around the span.
const LONG_LINE: usize = 300;
/// Characters of the line shown on each side of the span.
const WINDOW_SIDE: usize = 60;

/// Whether the line before or after the one at `offset` is too long to show.
fn long_neighbour(src: &str, offset: usize) -> bool {
    let breaks = ['\n', '\r'];
    let start = src[..offset].rfind(breaks).map_or(0, |i| i + 1);
    let end = src[offset..].find(breaks).map_or(src.len(), |i| offset + i);
    let before = src[..start]
        .trim_end_matches(breaks)
        .rsplit(breaks)
        .next()
        .unwrap_or("");
    let after = src[end..]
        .trim_start_matches(breaks)
        .split(breaks)
        .next()
        .unwrap_or("");
    before.chars().count() > LONG_LINE || after.chars().count() > LONG_LINE
}

/// The part of a very long line around a span, as the renderer is shown it.
struct Window {
    text: String,
    /// The span in `text`.
    span: Range<usize>,
    /// Lines of the file before the window's line.
    lines_before: usize,
    /// Characters of the line before the window's first one.
    columns_before: usize,
}

impl Window {
    /// `None` when the span's line is short enough to show whole.
    fn around(src: &str, span: Range<usize>) -> Option<Window> {
        // Lines end at `\n`, `\r\n` or a lone `\r`, as `line_col` counts them.
        let line_start = src[..span.start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line_end = src[span.start..]
            .find(['\n', '\r'])
            .map_or(src.len(), |i| span.start + i);
        if src[line_start..line_end].chars().count() <= LONG_LINE {
            return None;
        }
        let back = |from: usize, n: usize| {
            let mut at = from;
            for _ in 0..n {
                if at <= line_start {
                    break;
                }
                at = src[..at]
                    .char_indices()
                    .next_back()
                    .map_or(line_start, |(i, _)| i);
            }
            at
        };
        let forward = |from: usize, n: usize| {
            src[from..line_end]
                .char_indices()
                .nth(n)
                .map_or(line_end, |(i, _)| from + i)
        };
        let start = back(span.start, WINDOW_SIDE);
        // A span that runs far on is cut too: its start is what matters.
        let span_end = forward(span.start, WINDOW_SIDE)
            .min(span.end.max(span.start))
            .min(line_end);
        let end = forward(span_end, WINDOW_SIDE);
        let (lead, tail) = (
            if start > line_start { "…" } else { "" },
            if end < line_end { "…" } else { "" },
        );
        let text = format!("{lead}{}{tail}", &src[start..end]);
        let offset = lead.len() + span.start - start;
        let (line, _) = line_col(src, span.start);
        Some(Window {
            span: offset..offset + (span_end - span.start),
            text,
            lines_before: line - 1,
            columns_before: src[line_start..start].chars().count() - lead.chars().count(),
        })
    }
}

impl SourceCode for FileSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_bytes()
                .read_span(span, context_lines_before, context_lines_after)?;
        let (line, column) = if context_lines_before == 0 {
            let (line, column) = line_col(self.text, span.offset());
            let column = if line == 1 {
                column + self.columns_before
            } else {
                column
            };
            (line - 1 + self.lines_before, column - 1)
        } else {
            (inner.line() + self.lines_before, inner.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}

/// The adapter that shows a [`Diagnostic`] to miette.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<FileSource<'a>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        write!(f, "{}[{}]: ", d.severity, d.code.id())?;
        if self.source.is_none() {
            // No snippet will carry the position, so the message does.
            write!(f, "{}: ", d.location())?;
        }
        f.write_str(&d.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = self.diagnostic.span.clone()?;
        let label = LabeledSpan::new_primary_with_span(
            self.diagnostic.label.clone(),
            (span.start, span.end.saturating_sub(span.start)),
        );
        Some(Box::new(std::iter::once(label)))
    }
}
