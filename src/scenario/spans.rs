//! Where things are in a RON file. serde forgets positions, so this is a
//! small, forgiving RON reader that keeps only the shape of the document and
//! the byte span of every value; the validator names a problem by a
//! [`Path`] (`dialogues[0].nodes[2].choices[1].next`) and [`Value::locate`]
//! turns it back into the span to underline. It does not decode values:
//! that is ron's and serde's job.

use std::fmt;
use std::ops::Range;

/// One step into a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg {
    /// A named field of a struct: `.tasks`.
    Field(&'static str),
    /// An element of a list: `[3]`.
    Index(usize),
    /// An argument of an enum variant or tuple: `.0`.
    Arg(usize),
}

/// How deep a path can go. Deeper steps (conditions nested past it) are
/// dropped, so such a problem is placed at its deepest ancestor within
/// reach, as a path that leaves the document is.
pub const PATH_DEPTH: usize = 16;

/// A way from the document's root to one value. It lives on the stack, so
/// the validator names every value it visits without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Path {
    segs: [Seg; PATH_DEPTH],
    len: u8,
}

impl Default for Path {
    fn default() -> Self {
        Path::root()
    }
}

impl Path {
    pub const fn root() -> Self {
        Path {
            segs: [Seg::Index(0); PATH_DEPTH],
            len: 0,
        }
    }

    /// A path of these steps (the first [`PATH_DEPTH`] of them).
    pub fn of(segs: &[Seg]) -> Self {
        segs.iter().fold(Path::root(), |p, s| p.join(*s))
    }

    /// The steps, from the root.
    pub fn segs(&self) -> &[Seg] {
        &self.segs[..self.len as usize]
    }

    /// This path and one more step.
    pub fn join(&self, seg: Seg) -> Self {
        let mut next = *self;
        if (next.len as usize) < PATH_DEPTH {
            next.segs[next.len as usize] = seg;
            next.len += 1;
        }
        next
    }

    pub fn field(&self, name: &'static str) -> Self {
        self.join(Seg::Field(name))
    }

    pub fn index(&self, i: usize) -> Self {
        self.join(Seg::Index(i))
    }

    pub fn arg(&self, i: usize) -> Self {
        self.join(Seg::Arg(i))
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.segs().iter().enumerate() {
            match seg {
                Seg::Field(name) if i == 0 => write!(f, "{name}")?,
                Seg::Field(name) => write!(f, ".{name}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Arg(n) => write!(f, ".{n}")?,
            }
        }
        Ok(())
    }
}

/// A value of the document and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// Byte offsets of the whole value, including a struct's name.
    pub span: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `Name(field: value, ..)` or `(field: value, ..)`.
    Struct {
        name: Option<String>,
        fields: Vec<Field>,
    },
    /// `Name(a, b)` (an enum variant with arguments, `Some(x)`) or `(a, b)`.
    Tuple {
        name: Option<String>,
        items: Vec<Value>,
    },
    List(Vec<Value>),
    Map(Vec<(Value, Value)>),
    /// A bare identifier: a unit variant, `None`, `inf`.
    Ident(String),
    /// `()`
    Unit,
    /// Text, byte strings and chars, quotes included in the span.
    Str,
    Number,
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub name_span: Range<usize>,
    pub value: Value,
}

/// Why the document could not be read; ron's own error is what authors see,
/// so this carries just enough to debug the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: &'static str,
}

/// Deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 256;

/// Reads a whole document: optional `#![enable(..)]` attributes, one value,
/// then only whitespace and comments.
pub fn parse(src: &str) -> Result<Value, ParseError> {
    let mut p = Parser {
        src: src.as_bytes(),
        pos: 0,
        depth: 0,
    };
    p.skip_trivia()?;
    while p.peek() == Some(b'#') {
        p.skip_attribute()?;
        p.skip_trivia()?;
    }
    let value = p.value()?;
    p.skip_trivia()?;
    if p.pos != p.src.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(value)
}

/// True when `src` holds nothing but whitespace and comments.
pub fn is_blank(src: &str) -> bool {
    let mut p = Parser {
        src: src.as_bytes(),
        pos: 0,
        depth: 0,
    };
    p.skip_trivia().is_ok() && p.pos == p.src.len()
}

impl Value {
    /// The value at `path`, and how many steps of it exist. When the path
    /// leaves the document (a defaulted field, say) the nearest existing
    /// ancestor is returned. `Some(x)` is looked through, since implicit
    /// `Some` lets authors write either.
    pub fn locate(&self, path: &Path) -> (&Value, usize) {
        let mut here = self.unwrap_some();
        for (depth, seg) in path.segs().iter().enumerate() {
            let next = match (seg, &here.kind) {
                (Seg::Field(name), Kind::Struct { fields, .. }) => {
                    fields.iter().find(|f| f.name == *name).map(|f| &f.value)
                }
                (Seg::Index(i), Kind::List(items)) => items.get(*i),
                (Seg::Arg(i) | Seg::Index(i), Kind::Tuple { items, .. }) => items.get(*i),
                _ => None,
            };
            match next {
                Some(v) => here = v.unwrap_some(),
                None => return (here, depth),
            }
        }
        (here, path.segs().len())
    }

    /// The span of the value at `path` (or of its nearest ancestor).
    pub fn span_of(&self, path: &Path) -> Range<usize> {
        self.locate(path).0.span.clone()
    }

    fn unwrap_some(&self) -> &Value {
        match &self.kind {
            Kind::Tuple {
                name: Some(name),
                items,
            } if name == "Some" && items.len() == 1 => items[0].unwrap_some(),
            _ => self,
        }
    }
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, message: &'static str) -> ParseError {
        ParseError {
            offset: self.pos,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8, message: &'static str) -> Result<(), ParseError> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.err(message))
        }
    }

    /// Whitespace, `// line` and `/* nested block */` comments.
    fn skip_trivia(&mut self) -> Result<(), ParseError> {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(b), _) if b.is_ascii_whitespace() => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    while let Some(b) = self.peek() {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    self.pos += 2;
                    let mut level = 1;
                    while level > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (None, _) => return Err(self.err("unclosed block comment")),
                            (Some(b'/'), Some(b'*')) => {
                                level += 1;
                                self.pos += 2;
                            }
                            (Some(b'*'), Some(b'/')) => {
                                level -= 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// `#![enable(implicit_some)]` and the like.
    fn skip_attribute(&mut self) -> Result<(), ParseError> {
        self.expect(b'#', "expected `#`")?;
        self.eat(b'!');
        self.skip_trivia()?;
        self.expect(b'[', "expected `[`")?;
        let mut level = 1;
        while level > 0 {
            match self.peek() {
                None => return Err(self.err("unclosed attribute")),
                Some(b'[') => level += 1,
                Some(b']') => level -= 1,
                _ => {}
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        let value = self.value_inner();
        self.depth -= 1;
        value
    }

    fn value_inner(&mut self) -> Result<Value, ParseError> {
        self.skip_trivia()?;
        let start = self.pos;
        let kind = match self.peek() {
            None => return Err(self.err("expected a value")),
            Some(b'"') => {
                self.string()?;
                Kind::Str
            }
            Some(b'\'') => {
                self.char_literal()?;
                Kind::Str
            }
            Some(b'b') if matches!(self.peek_at(1), Some(b'"' | b'\'')) => {
                self.pos += 1;
                if self.peek() == Some(b'"') {
                    self.string()?;
                } else {
                    self.char_literal()?;
                }
                Kind::Str
            }
            Some(b'b') if self.peek_at(1) == Some(b'r') && self.raw_string_follows(2) => {
                self.pos += 1;
                self.raw_string()?;
                Kind::Str
            }
            Some(b'r') if self.raw_string_follows(1) => {
                self.raw_string()?;
                Kind::Str
            }
            Some(b'[') => {
                self.pos += 1;
                Kind::List(self.seq(b']')?)
            }
            Some(b'{') => {
                self.pos += 1;
                Kind::Map(self.map()?)
            }
            Some(b'(') => self.parens(None)?,
            Some(b) if b.is_ascii_digit() || b == b'+' || b == b'-' || b == b'.' => {
                self.number()?;
                Kind::Number
            }
            Some(b) if is_ident_start(b) => {
                let name = self.ident()?;
                let after_name = self.pos;
                self.skip_trivia()?;
                if self.peek() == Some(b'(') {
                    self.parens(Some(name))?
                } else {
                    self.pos = after_name;
                    match name.as_str() {
                        "true" => Kind::Bool(true),
                        "false" => Kind::Bool(false),
                        "inf" | "NaN" => Kind::Number,
                        _ => Kind::Ident(name),
                    }
                }
            }
            Some(_) => return Err(self.err("unexpected character")),
        };
        Ok(Value {
            span: start..self.pos,
            kind,
        })
    }

    /// After `Name` or at `(`: a struct if the first thing inside is
    /// `ident :`, else a tuple.
    fn parens(&mut self, name: Option<String>) -> Result<Kind, ParseError> {
        self.expect(b'(', "expected `(`")?;
        self.skip_trivia()?;
        if self.eat(b')') {
            return Ok(match name {
                None => Kind::Unit,
                Some(name) => Kind::Tuple {
                    name: Some(name),
                    items: Vec::new(),
                },
            });
        }
        if self.field_follows()? {
            let mut fields = Vec::new();
            loop {
                self.skip_trivia()?;
                if self.eat(b')') {
                    break;
                }
                let name_start = self.pos;
                let field_name = self.ident()?;
                let name_span = name_start..self.pos;
                self.skip_trivia()?;
                self.expect(b':', "expected `:` after a field name")?;
                let value = self.value()?;
                fields.push(Field {
                    name: field_name,
                    name_span,
                    value,
                });
                self.skip_trivia()?;
                if !self.eat(b',') {
                    self.skip_trivia()?;
                    self.expect(b')', "expected `,` or `)`")?;
                    break;
                }
            }
            Ok(Kind::Struct { name, fields })
        } else {
            let items = self.seq(b')')?;
            Ok(Kind::Tuple { name, items })
        }
    }

    fn field_follows(&mut self) -> Result<bool, ParseError> {
        let save = self.pos;
        let result = match self.peek() {
            Some(b) if is_ident_start(b) => {
                let is_ident = self.ident().is_ok();
                let _ = self.skip_trivia();
                is_ident && self.peek() == Some(b':')
            }
            _ => false,
        };
        self.pos = save;
        Ok(result)
    }

    /// Values separated by commas up to `close` (already past the opener).
    fn seq(&mut self, close: u8) -> Result<Vec<Value>, ParseError> {
        let mut items = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.eat(close) {
                return Ok(items);
            }
            items.push(self.value()?);
            self.skip_trivia()?;
            if !self.eat(b',') {
                self.skip_trivia()?;
                self.expect(close, "expected `,` or a closing bracket")?;
                return Ok(items);
            }
        }
    }

    fn map(&mut self) -> Result<Vec<(Value, Value)>, ParseError> {
        let mut entries = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.eat(b'}') {
                return Ok(entries);
            }
            let key = self.value()?;
            self.skip_trivia()?;
            self.expect(b':', "expected `:` after a map key")?;
            let value = self.value()?;
            entries.push((key, value));
            self.skip_trivia()?;
            if !self.eat(b',') {
                self.skip_trivia()?;
                self.expect(b'}', "expected `,` or `}`")?;
                return Ok(entries);
            }
        }
    }

    fn ident(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'r') && self.peek_at(1) == Some(b'#') {
            // Raw identifiers may hold `.`, `+` and `-` too.
            self.pos += 2;
            while self
                .peek()
                .is_some_and(|b| is_ident_continue(b) || matches!(b, b'.' | b'+' | b'-'))
            {
                self.pos += 1;
            }
            if self.pos == start + 2 {
                return Err(self.err("expected a raw identifier"));
            }
            return Ok(String::from_utf8_lossy(&self.src[start + 2..self.pos]).into_owned());
        }
        match self.peek() {
            Some(b) if is_ident_start(b) => self.pos += 1,
            _ => return Err(self.err("expected an identifier")),
        }
        while self.peek().is_some_and(is_ident_continue) {
            self.pos += 1;
        }
        Ok(String::from_utf8_lossy(&self.src[start..self.pos]).into_owned())
    }

    fn string(&mut self) -> Result<(), ParseError> {
        self.expect(b'"', "expected `\"`")?;
        loop {
            match self.peek() {
                None => return Err(self.err("unclosed string")),
                Some(b'\\') => self.pos += 2,
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => self.pos += 1,
            }
        }
    }

    fn char_literal(&mut self) -> Result<(), ParseError> {
        self.expect(b'\'', "expected `'`")?;
        loop {
            match self.peek() {
                None => return Err(self.err("unclosed char")),
                Some(b'\\') => self.pos += 2,
                Some(b'\'') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => self.pos += 1,
            }
        }
    }

    /// `r"…"`, `r#"…"#`, … starting `ahead` bytes on (just past the `r`).
    fn raw_string_follows(&self, ahead: usize) -> bool {
        let mut i = ahead;
        while self.peek_at(i) == Some(b'#') {
            i += 1;
        }
        self.peek_at(i) == Some(b'"')
    }

    fn raw_string(&mut self) -> Result<(), ParseError> {
        self.expect(b'r', "expected `r`")?;
        let mut hashes = 0;
        while self.eat(b'#') {
            hashes += 1;
        }
        self.expect(b'"', "expected `\"`")?;
        loop {
            match self.peek() {
                None => return Err(self.err("unclosed raw string")),
                Some(b'"') => {
                    self.pos += 1;
                    let closing = (0..hashes).all(|i| self.peek_at(i) == Some(b'#'));
                    if closing {
                        self.pos += hashes;
                        return Ok(());
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Integers, floats, `0x..`, `1_000`, `1e-3`, `-inf`, type suffixes.
    fn number(&mut self) -> Result<(), ParseError> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.pos += 1;
        }
        let body = self.pos;
        let hex = self.peek() == Some(b'0') && matches!(self.peek_at(1), Some(b'x' | b'X'));
        while let Some(b) = self.peek() {
            let exponent_sign = matches!(b, b'+' | b'-')
                && !hex
                && self.pos > body
                && matches!(self.src[self.pos - 1], b'e' | b'E');
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.pos == body {
            self.pos = start;
            return Err(self.err("expected a number"));
        }
        Ok(())
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(src: &'a str, v: &Value) -> &'a str {
        &src[v.span.clone()]
    }

    #[test]
    fn finds_fields_items_and_arguments() {
        let src = r##"#![enable(implicit_some)]
// a comment
Scenario(
    id: "x", /* block /* nested */ */
    list: [ (a: 1, b: r#"raw "quoted""#), (a: -2.5e-3, b: "esc \" q",), ],
    effects: [SetHours("olga", 2), OneOf([[Stress(1)], [Set('c')]])],
    next: Some("plan"),
    map: { "k": [true, false] },
    unit: (),
)"##;
        let root = parse(src).expect("parses");
        let at = |p: Path| text(src, root.locate(&p).0);
        let list = Path::root().field("list");
        assert_eq!(at(list.index(1).field("a")), "-2.5e-3");
        assert_eq!(at(list.index(0).field("b")), r##"r#"raw "quoted""#"##);
        assert_eq!(at(list.index(1).field("b")), r#""esc \" q""#);
        let effects = Path::root().field("effects");
        assert_eq!(at(effects.index(0).arg(1)), "2");
        assert_eq!(at(effects.index(1).arg(0).index(1).index(0).arg(0)), "'c'");
        assert_eq!(at(Path::root().field("next")), r#""plan""#);
    }

    #[test]
    fn falls_back_to_the_nearest_ancestor() {
        let src = "(tasks: [(id: \"a\")])";
        let root = parse(src).unwrap();
        let (v, depth) = root.locate(&Path::root().field("tasks").index(0).field("role"));
        assert_eq!(text(src, v), "(id: \"a\")");
        assert_eq!(depth, 2);
    }

    #[test]
    fn path_display() {
        let p = Path::root()
            .field("events")
            .index(4)
            .field("then")
            .index(0)
            .arg(1);
        assert_eq!(p.to_string(), "events[4].then[0].1");
    }

    #[test]
    fn a_path_deeper_than_its_room_points_at_its_deepest_step_within_reach() {
        // `when: Not(Not(Not(...)))` nested past PATH_DEPTH.
        let depth = PATH_DEPTH + 4;
        let src = format!(
            "(when: {}Flag(\"x\"){})",
            "Not(".repeat(depth),
            ")".repeat(depth)
        );
        let root = parse(&src).unwrap();
        let mut path = Path::root().field("when");
        for _ in 0..depth {
            path = path.arg(0);
        }
        assert_eq!(path.segs().len(), PATH_DEPTH);
        let (v, reached) = root.locate(&path);
        assert_eq!(reached, PATH_DEPTH);
        assert!(text(&src, v).starts_with("Not("), "{}", text(&src, v));
    }

    #[test]
    fn refuses_garbage_without_panicking() {
        for src in [
            "", "(", "[1,", "\"abc", "r#\"x\"", "/* x", "(a: )", "#![", "1 2",
        ] {
            assert!(parse(src).is_err(), "{src:?} should not parse");
        }
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }
}
