//! A small Python lexer for the matcher: it classifies every byte of a Python source as code,
//! string literal or comment, and records where logical lines start (bracket depth and
//! backslash continuations), so that `kind: python` patterns fire only on code.
//!
//! It handles every string prefix (`r`, `b`, `u`, `f`, `rb`, `fr`, ... in any case), single
//! and triple quotes, f-string replacement fields (which are code again, nested to any depth,
//! with format specs and PEP 701 nested quotes), comments, brackets and line continuations.
//! It is not a parser and never fails: unterminated strings end at the line (or file) end, so a
//! broken file degrades to "everything after it is code", never to a panic. It takes plain bytes
//! (a file, a staged blob or a notebook cell) and assumes nothing about their encoding.

use std::ops::Range;

/// How one byte is classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Class {
    /// Code, including whitespace and the inside of f-string replacement fields.
    Code = 0,
    /// Inside a string literal (its body, closing quotes and f-string format specs).
    Str = 1,
    /// The first byte of a string literal token (its prefix or opening quote).
    StrStart = 2,
    /// A `#` comment up to the end of its line.
    Comment = 3,
}

/// A lexed Python source: one class per byte and the logical line starts.
#[derive(Debug)]
pub struct Lexed {
    mask: Vec<Class>,
    /// Byte offsets where logical lines start, ascending; the first is 0.
    logical_starts: Vec<usize>,
}

impl Lexed {
    /// The class of the byte at `pos` (`Code` past the end).
    #[must_use]
    pub fn class(&self, pos: usize) -> Class {
        self.mask.get(pos).copied().unwrap_or(Class::Code)
    }

    /// Whether a match starting at `pos` starts in code: on a code byte, or on the first
    /// byte of a string literal (a pattern may match a literal such as `"0.0.0.0"`).
    #[must_use]
    pub fn starts_in_code(&self, pos: usize) -> bool {
        matches!(self.class(pos), Class::Code | Class::StrStart)
    }

    /// The byte range of the logical line holding `pos` (spanning bracketed and continued
    /// physical lines).
    #[must_use]
    pub fn logical_line(&self, pos: usize) -> Range<usize> {
        let i = self.logical_starts.partition_point(|&s| s <= pos);
        let start = self.logical_starts[i.saturating_sub(1)];
        let end = self
            .logical_starts
            .get(i)
            .copied()
            .unwrap_or(self.mask.len());
        start..end
    }

    /// A copy of `src` (the bytes this was lexed from) with every comment byte replaced by a
    /// space: offsets stay the same, and regexes see a comment inside brackets as blank.
    #[must_use]
    pub fn blank_comments(&self, src: &[u8]) -> Vec<u8> {
        src.iter()
            .zip(&self.mask)
            .map(|(&b, &c)| if c == Class::Comment { b' ' } else { b })
            .collect()
    }

    /// Every logical line start, ascending.
    #[must_use]
    pub fn logical_starts(&self) -> &[usize] {
        &self.logical_starts
    }
}

/// One-step flow: the right-hand side of the nearest assignment `name = ...` (or
/// `name: T = ...`) before `at`, in the same scope as `at`.
///
/// The scope is the innermost `def`/`class` body holding `at` (found by indentation), or the
/// module; bodies of functions and classes nested in it are other scopes and are skipped.
/// Statements are logical lines split at `;`, so `x = input(); eval(x)` counts. What it does
/// not follow: tuple targets, augmented assignments, attributes, `global`, branches (the last
/// assignment in source order wins, whichever branch it is in) and anything across calls.
#[must_use]
pub fn nearest_assignment(
    src: &[u8],
    lexed: &Lexed,
    name: Range<usize>,
    at: usize,
) -> Option<Range<usize>> {
    assignments(src, lexed, name, at).pop()
}

/// Every assignment to the name at `name` before `at` in the same scope, in source order:
/// the right-hand sides of `name = ...`, `name: T = ...` and augmented assignments
/// (`name += ...`), with the scope rules of [`nearest_assignment`].
#[must_use]
pub fn assignments(src: &[u8], lexed: &Lexed, name: Range<usize>, at: usize) -> Vec<Range<usize>> {
    in_scope(src, lexed, name, at, |stmt, name| {
        assignment_rhs(src, stmt, name)
    })
}

/// Every binding of the name at `name` before `at` in the same scope: the right-hand sides of
/// [`assignments`], and the expressions of `with EXPR as name` and `for ... name ... in EXPR:`
/// (the value the name is bound to comes from that expression).
#[must_use]
pub fn bindings(src: &[u8], lexed: &Lexed, name: Range<usize>, at: usize) -> Vec<Range<usize>> {
    in_scope(src, lexed, name, at, |stmt, name| {
        assignment_rhs(src, stmt.clone(), name)
            .or_else(|| with_binding(src, lexed, stmt.clone(), name))
            .or_else(|| for_binding(src, lexed, stmt, name))
    })
}

/// The statements before `at` in the scope of `at` that `pick` finds something in, for the
/// name at `name`, with the scope rules of [`nearest_assignment`].
fn in_scope(
    src: &[u8],
    lexed: &Lexed,
    name: Range<usize>,
    at: usize,
    pick: impl Fn(Range<usize>, &[u8]) -> Option<Range<usize>>,
) -> Vec<Range<usize>> {
    let name = &src[name];
    let starts = lexed.logical_starts();
    let here = starts.partition_point(|&s| s <= at).saturating_sub(1);
    let (call_indent, _) = indent(src, starts[here]);
    // The enclosing scope: the nearest earlier `def`/`class` indented less than every line
    // between it and `at`.
    // Bounded so that a call at module level in a huge generated file stays cheap: flows
    // from further back are not followed.
    let floor = here.saturating_sub(MAX_FLOW_LINES);
    let mut scope_start = floor;
    let mut min_indent = call_indent;
    for k in (floor..here).rev() {
        let (ind, first) = indent(src, starts[k]);
        if is_blank(src, first) {
            continue;
        }
        if ind < min_indent {
            min_indent = ind;
            if is_def(src, first) {
                scope_start = k + 1;
                break;
            }
        }
    }
    let mut found = Vec::new();
    // Starting mid-scope (at the bound), lines deeper than the call may belong to a nested
    // function whose header lies above the bound: skip them until the call's level.
    let mut nested: Option<usize> = (scope_start == floor && floor > 0).then_some(call_indent);
    for k in scope_start..=here {
        let (ind, first) = indent(src, starts[k]);
        if is_blank(src, first) {
            continue;
        }
        if let Some(d) = nested {
            if ind > d {
                continue;
            }
            nested = None;
        }
        if k < here && is_def(src, first) {
            nested = Some(ind);
            continue;
        }
        let end = if k == here {
            at
        } else {
            starts.get(k + 1).copied().unwrap_or(src.len())
        };
        if first >= end || memchr::memmem::find(&src[first..end], name).is_none() {
            continue;
        }
        for stmt in statements(src, lexed, first..end) {
            if let Some(rhs) = pick(stmt, name) {
                found.push(rhs);
            }
        }
    }
    found
}

/// How many logical lines before a call the one-step flow looks at, at most.
const MAX_FLOW_LINES: usize = 2000;

/// Indentation width (bytes of spaces and tabs) of the line starting at `start`, and the
/// offset of its first other byte.
pub(crate) fn indent(src: &[u8], start: usize) -> (usize, usize) {
    let mut i = start;
    while i < src.len() && (src[i] == b' ' || src[i] == b'\t') {
        i += 1;
    }
    (i - start, i)
}

pub(crate) fn is_blank(src: &[u8], first: usize) -> bool {
    matches!(src.get(first), None | Some(b'\n' | b'\r' | b'#'))
}

pub(crate) fn is_def(src: &[u8], first: usize) -> bool {
    let rest = &src[first..];
    ["def ", "async def ", "class "]
        .iter()
        .any(|k| rest.starts_with(k.as_bytes()))
}

/// The statements of a logical line (split at `;` in code), leading blanks trimmed.
fn statements(src: &[u8], lexed: &Lexed, line: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = line.start;
    for i in line.clone() {
        if src[i] == b';' && lexed.class(i) == Class::Code {
            out.push(start..i);
            start = i + 1;
        }
    }
    out.push(start..line.end);
    for r in &mut out {
        while r.start < r.end && src[r.start].is_ascii_whitespace() {
            r.start += 1;
        }
    }
    out
}

/// Whether `text[i..]` starts with the identifier `word` as a whole word.
fn word_at(text: &[u8], i: usize, word: &[u8]) -> bool {
    text[i..].starts_with(word)
        && (i == 0 || !is_ident(text[i - 1]))
        && text.get(i + word.len()).is_none_or(|&b| !is_ident(b))
}

/// The position of the first `:` in code at bracket depth 0 in `range` (a compound
/// statement's header ends there).
fn header_end(src: &[u8], lexed: &Lexed, range: Range<usize>) -> Option<usize> {
    let mut depth = 0i32;
    for i in range {
        if lexed.class(i) != Class::Code {
            continue;
        }
        match src[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b':' if depth <= 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// If `stmt` is `with ... EXPR as name ...:`, the expressions of its items up to that `as`.
fn with_binding(
    src: &[u8],
    lexed: &Lexed,
    stmt: Range<usize>,
    name: &[u8],
) -> Option<Range<usize>> {
    let text = &src[stmt.clone()];
    let skip = if text.starts_with(b"with ") {
        5
    } else if text.starts_with(b"async with ") {
        11
    } else {
        return None;
    };
    let end = header_end(src, lexed, stmt.start + skip..stmt.end)? - stmt.start;
    // `as` followed by the name, in code.
    (skip..end).find_map(|i| {
        let is_as = word_at(text, i, b"as") && lexed.class(stmt.start + i) == Class::Code;
        if !is_as {
            return None;
        }
        let j = i
            + 2
            + text[i + 2..end]
                .iter()
                .take_while(|b| b.is_ascii_whitespace() || **b == b'(')
                .count();
        word_at(text, j, name).then_some(stmt.start + skip..stmt.start + i)
    })
}

/// If `stmt` is `for TARGETS in EXPR:` and `name` is one of the targets, `EXPR`.
fn for_binding(src: &[u8], lexed: &Lexed, stmt: Range<usize>, name: &[u8]) -> Option<Range<usize>> {
    let text = &src[stmt.clone()];
    let skip = if text.starts_with(b"for ") {
        4
    } else if text.starts_with(b"async for ") {
        10
    } else {
        return None;
    };
    let end = header_end(src, lexed, stmt.start + skip..stmt.end)? - stmt.start;
    let in_at = (skip..end)
        .find(|&i| word_at(text, i, b"in") && lexed.class(stmt.start + i) == Class::Code)?;
    let targets = skip..in_at;
    targets
        .clone()
        .any(|i| word_at(text, i, name))
        .then_some(stmt.start + in_at + 2..stmt.start + end)
}

/// If `stmt` assigns to exactly `name` (optionally annotated), its right-hand side.
fn assignment_rhs(src: &[u8], stmt: Range<usize>, name: &[u8]) -> Option<Range<usize>> {
    let text = &src[stmt.clone()];
    if !text.starts_with(name) || text.get(name.len()).is_some_and(|&b| is_ident(b)) {
        return None;
    }
    let mut i = name.len();
    while i < text.len() && (text[i] == b' ' || text[i] == b'\t') {
        i += 1;
    }
    if text.get(i) == Some(&b':') {
        // An annotation: `name: str = ...`.
        i = i + 1 + memchr::memchr(b'=', &text[i + 1..])?;
    } else if text.get(i + 1) == Some(&b'=')
        && text.get(i).is_some_and(|b| b"+-*/%|&^@".contains(b))
    {
        // An augmented assignment: `name += ...`.
        i += 1;
    }
    if text.get(i) != Some(&b'=') || text.get(i + 1) == Some(&b'=') {
        return None;
    }
    i += 1;
    while i < text.len() && text[i].is_ascii_whitespace() {
        i += 1;
    }
    Some(stmt.start + i..stmt.end)
}

/// Whether a path is Python source that the lexer applies to (`*.py`, `*.pyw`, and notebook
/// code cells, which sources hand over under the notebook's `*.ipynb` path).
#[must_use]
pub fn is_python_path(path: &str) -> bool {
    let ext = std::path::Path::new(path)
        .extension()
        .map(std::ffi::OsStr::to_ascii_lowercase);
    ext.is_some_and(|e| e == "py" || e == "pyw" || e == "ipynb")
}

/// One open construct on the lexer's stack.
#[derive(Clone, Copy, Debug)]
enum Frame {
    /// A string literal.
    Str {
        quote: u8,
        triple: bool,
        raw: bool,
        fmt: bool,
    },
    /// An f-string replacement field: code, with its own bracket depth.
    Field { depth: u32 },
    /// An f-string format spec (after `:` in a field): text, with nested fields.
    Spec,
}

/// Lexes `src`. Linear in its length; never fails.
#[must_use]
#[allow(clippy::too_many_lines)] // one state machine reads best in one place
pub fn lex(src: &[u8]) -> Lexed {
    let n = src.len();
    let mut mask = vec![Class::Code; n];
    let mut logical_starts = vec![0];
    let mut stack: Vec<Frame> = Vec::new();
    let mut depth: u32 = 0;
    let mut i = 0;
    while i < n {
        let b = src[i];
        match stack.last().copied() {
            None | Some(Frame::Field { .. }) => {
                if PLAIN[b as usize] {
                    // Most code needs no work: skip the run in one tight loop.
                    i += 1;
                    while i < n && PLAIN[src[i] as usize] {
                        i += 1;
                    }
                    continue;
                }
                if b == b'#' {
                    let end = memchr::memchr(b'\n', &src[i..]).map_or(n, |e| i + e);
                    mask[i..end].fill(Class::Comment);
                    i = end;
                    continue;
                }
                if let Some((len, frame)) = string_start(src, i) {
                    mask[i] = Class::StrStart;
                    mask[i + 1..i + len].fill(Class::Str);
                    stack.push(frame);
                    i += len;
                    continue;
                }
                let field = matches!(stack.last(), Some(Frame::Field { .. }));
                match b {
                    b'(' | b'[' | b'{' => {
                        if let Some(Frame::Field { depth: d }) = stack.last_mut() {
                            *d += 1;
                        } else {
                            depth += 1;
                        }
                    }
                    b')' | b']' | b'}' => {
                        if let Some(Frame::Field { depth: d }) = stack.last_mut() {
                            if *d == 0 {
                                // The `}` closing a replacement field belongs to the string.
                                stack.pop();
                                mask[i] = Class::Str;
                            } else {
                                *d -= 1;
                            }
                        } else {
                            depth = depth.saturating_sub(1);
                        }
                    }
                    b':' if field => {
                        if let Some(Frame::Field { depth: 0 }) = stack.last() {
                            if src.get(i + 1) != Some(&b'=') {
                                stack.pop();
                                stack.push(Frame::Spec);
                                mask[i] = Class::Str;
                            }
                        }
                    }
                    b'\\' if !field && src.get(i + 1) == Some(&b'\n') => {
                        // A line continuation: the logical line goes on.
                        i += 2;
                        continue;
                    }
                    b'\\' if !field && src.get(i + 1) == Some(&b'\r') => {
                        i += if src.get(i + 2) == Some(&b'\n') { 3 } else { 2 };
                        continue;
                    }
                    b'\n' if !field && depth == 0 => logical_starts.push(i + 1),
                    _ => {}
                }
                i += 1;
            }
            Some(Frame::Str {
                quote,
                triple,
                raw,
                fmt,
            }) => {
                // Skip the run of bytes that mean nothing inside this string in one pass.
                let run = if fmt {
                    src[i..]
                        .iter()
                        .position(|&c| {
                            c == quote
                                || c == b'\\'
                                || c == b'{'
                                || c == b'}'
                                || (c == b'\n' && !triple)
                        })
                        .unwrap_or(n - i)
                } else if triple {
                    memchr::memchr2(quote, b'\\', &src[i..]).unwrap_or(n - i)
                } else {
                    memchr::memchr3(quote, b'\\', b'\n', &src[i..]).unwrap_or(n - i)
                };
                if run > 0 {
                    mask[i..i + run].fill(Class::Str);
                    i += run;
                    continue;
                }
                mask[i] = Class::Str;
                if b == b'\\' {
                    if fmt && !raw && src.get(i + 1) == Some(&b'N') && src.get(i + 2) == Some(&b'{')
                    {
                        // `\N{NAME}` is a named escape, not a replacement field.
                        let end = memchr::memchr(b'}', &src[i..]).map_or(n, |e| i + e + 1);
                        let end = end.min(n);
                        mask[i..end].fill(Class::Str);
                        i = end;
                        continue;
                    }
                    // Even in raw strings a backslash keeps the next quote from closing.
                    let end = (i + 2).min(n);
                    mask[i..end].fill(Class::Str);
                    i = end;
                    continue;
                }
                if fmt && (b == b'{' || b == b'}') {
                    if src.get(i + 1) == Some(&b) {
                        mask[i + 1] = Class::Str;
                        i += 2;
                        continue;
                    }
                    if b == b'{' {
                        stack.push(Frame::Field { depth: 0 });
                    }
                    i += 1;
                    continue;
                }
                if b == quote {
                    if !triple {
                        stack.pop();
                        i += 1;
                        continue;
                    }
                    if src.get(i + 1) == Some(&quote) && src.get(i + 2) == Some(&quote) {
                        mask[i + 1] = Class::Str;
                        mask[i + 2] = Class::Str;
                        stack.pop();
                        i += 3;
                        continue;
                    }
                }
                if b == b'\n' && !triple {
                    // Unterminated single-quoted string: recover at the line end.
                    mask[i] = Class::Code;
                    unwind_line(&mut stack);
                    if stack.is_empty() && depth == 0 {
                        logical_starts.push(i + 1);
                    }
                }
                i += 1;
            }
            Some(Frame::Spec) => {
                mask[i] = Class::Str;
                match b {
                    b'{' => stack.push(Frame::Field { depth: 0 }),
                    b'}' => {
                        stack.pop();
                    }
                    b'\n' if !enclosing_triple(&stack) => {
                        mask[i] = Class::Code;
                        unwind_line(&mut stack);
                        if stack.is_empty() && depth == 0 {
                            logical_starts.push(i + 1);
                        }
                    }
                    _ if Some(b) == enclosing_quote(&stack) => {
                        // A malformed spec: let the string see its quote again.
                        stack.pop();
                        continue;
                    }
                    _ => {}
                }
                i += 1;
            }
        }
    }
    Lexed {
        mask,
        logical_starts,
    }
}

/// At the end of a physical line inside a single-quoted string: drop every construct that
/// cannot span lines (back to the innermost triple-quoted string, or to plain code).
fn unwind_line(stack: &mut Vec<Frame>) {
    while let Some(top) = stack.last() {
        if let Frame::Str { triple: true, .. } = top {
            break;
        }
        stack.pop();
    }
}

fn enclosing_triple(stack: &[Frame]) -> bool {
    stack
        .iter()
        .rev()
        .find_map(|f| match f {
            Frame::Str { triple, .. } => Some(*triple),
            _ => None,
        })
        .unwrap_or(false)
}

fn enclosing_quote(stack: &[Frame]) -> Option<u8> {
    stack.iter().rev().find_map(|f| match f {
        Frame::Str { quote, .. } => Some(*quote),
        _ => None,
    })
}

/// If a string literal starts at `i` (optional prefix, then a quote), its opening length and
/// frame.
fn string_start(src: &[u8], i: usize) -> Option<(usize, Frame)> {
    let b = src[i];
    if b != b'"' && b != b'\'' && i > 0 && is_ident(src[i - 1]) {
        return None;
    }
    let mut j = i;
    let (mut raw, mut fmt, mut bytes) = (false, false, false);
    while j < src.len() && j - i < 2 {
        match src[j].to_ascii_lowercase() {
            b'r' if !raw => raw = true,
            b'f' if !fmt && !bytes => fmt = true,
            b'b' if !bytes && !fmt => bytes = true,
            b'u' if j == i => {}
            _ => break,
        }
        j += 1;
    }
    let quote = *src.get(j)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    // A `u` prefix combines with nothing.
    if src[i].eq_ignore_ascii_case(&b'u') && j - i > 1 {
        return None;
    }
    let triple = src.get(j + 1) == Some(&quote) && src.get(j + 2) == Some(&quote);
    let len = j - i + if triple { 3 } else { 1 };
    Some((
        len,
        Frame::Str {
            quote,
            triple,
            raw,
            fmt,
        },
    ))
}

/// Bytes that need no work in code: everything but comment starts, quotes, string prefix
/// letters, brackets, `:` (f-string specs), backslashes and line breaks.
const PLAIN: [bool; 256] = {
    let mut table = [true; 256];
    let special = b"#'\"([{)]}:\\\n\rrRbBuUfF";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = false;
        i += 1;
    }
    table
};

pub(crate) fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders the mask as one character per byte: `.` code, `s` string, `S` string start,
    /// `#` comment.
    fn render(src: &str) -> String {
        let lexed = lex(src.as_bytes());
        (0..src.len())
            .map(|i| match lexed.class(i) {
                Class::Code => '.',
                Class::Str => 's',
                Class::StrStart => 'S',
                Class::Comment => '#',
            })
            .collect()
    }

    fn code_of(src: &str) -> String {
        let lexed = lex(src.as_bytes());
        src.bytes()
            .enumerate()
            .map(|(i, b)| {
                if lexed.class(i) == Class::Code {
                    b as char
                } else {
                    '_'
                }
            })
            .collect()
    }

    #[test]
    fn plain_strings_and_comments() {
        assert_eq!(render("x = 'a#b'  # c"), "....Sssss..###");
        assert_eq!(render(r#"y = "it's""#), "....Ssssss");
    }

    #[test]
    fn every_prefix_in_any_case() {
        for p in [
            "r", "R", "b", "B", "u", "U", "f", "F", "rb", "Rb", "bR", "BR", "fr", "Fr", "rF", "RF",
        ] {
            let src = format!("x = {p}'eval(input())' + z");
            let code = code_of(&src);
            assert!(!code.contains("eval"), "{p}: {code}");
            assert!(code.ends_with(" + z"), "{p}: {code}");
        }
        // Not prefixes: identifiers ending in a prefix letter, and impossible combinations.
        assert_eq!(code_of("bar'x'"), "bar___");
        assert_eq!(code_of("bar 'x'"), "bar ___");
        assert_eq!(code_of("ub'x'"), "ub___");
    }

    #[test]
    fn triple_quotes_span_lines_and_hold_other_quotes() {
        let src =
            "def f():\n    \"\"\"Run exec(input()) 'here' \"\" done.\n    \"\"\"\n    exec(x)\n";
        let code = code_of(src);
        assert!(!code.contains("input"), "{code}");
        assert!(code.contains("exec(x)"), "{code}");
        let src = "s = '''a\n\"b\"\n'''\nz = 1\n";
        assert!(code_of(src).ends_with("\nz = 1\n"));
    }

    #[test]
    fn escapes_do_not_close_strings_even_raw() {
        assert_eq!(code_of(r#"a = "x\"y" + b"#), "a = ______ + b");
        assert_eq!(code_of(r#"a = r"x\"y" + b"#), "a = _______ + b");
        assert_eq!(code_of(r"a = '\\' + b"), "a = ____ + b");
    }

    #[test]
    fn f_string_fields_are_code_with_specs_and_doubled_braces() {
        let src = "q = f\"SELECT {{x}} {eval(input())!r:>{width}} {a['k']:%Y}\"";
        let code = code_of(src);
        assert!(code.contains("eval(input())"), "{code}");
        assert!(code.contains("width"), "{code}");
        assert!(code.contains("a["), "{code}");
        assert!(!code.contains("SELECT"), "{code}");
        assert!(!code.contains("{x}"), "{code}");
        assert!(!code.contains("%Y"), "{code}");
    }

    #[test]
    fn nested_f_strings_with_same_quotes() {
        // PEP 701 (Python 3.12): the inner string reuses the outer quote.
        let src = r#"s = f"{f"{exec(x)}" + "inner"} tail" + after"#;
        let code = code_of(src);
        assert!(code.contains("exec(x)"), "{code}");
        assert!(!code.contains("inner"), "{code}");
        assert!(!code.contains("tail"), "{code}");
        assert!(code.ends_with(" + after"), "{code}");
        let src = "s = f'''{x:{f\"{y}\"}}\n''' + z";
        assert!(code_of(src).ends_with(" + z"));
    }

    #[test]
    fn walrus_and_dict_in_fields_stay_code() {
        let code = code_of("f'{(y:=1)} {d[\"k\"]} {{'");
        assert!(code.contains("(y:=1)"), "{code}");
        assert!(code.contains("d["), "{code}");
    }

    #[test]
    fn named_escape_is_not_a_field() {
        let code = code_of(r"s = f'\N{EM DASH}{x}' + z");
        assert!(!code.contains("EM DASH"), "{code}");
        assert!(code.contains('x'));
        assert!(code.ends_with(" + z"), "{code}");
    }

    #[test]
    fn comments_blank_to_spaces_keeping_offsets() {
        let src = b"f(  # why\n  x)  # done\n";
        let blanked = lex(src).blank_comments(src);
        assert_eq!(blanked, b"f(       \n  x)        \n");
    }

    #[test]
    fn hash_inside_strings_is_not_a_comment() {
        let src = "a = '#'; b = 2 # c";
        assert_eq!(render(src), "....Sss........###");
    }

    #[test]
    fn logical_lines_follow_brackets_and_continuations() {
        let src = "cursor.execute(\n    f\"SELECT {x}\"\n)\ny = 1 + \\\n    2\nz = 3\n";
        let lexed = lex(src.as_bytes());
        let first = lexed.logical_line(0);
        assert_eq!(
            &src[first.clone()],
            "cursor.execute(\n    f\"SELECT {x}\"\n)\n"
        );
        let second = lexed.logical_line(first.end);
        assert_eq!(&src[second.clone()], "y = 1 + \\\n    2\n");
        assert_eq!(&src[lexed.logical_line(second.end)], "z = 3\n");
        assert_eq!(lexed.logical_starts().len(), 4);
    }

    #[test]
    fn newlines_inside_triple_strings_do_not_end_logical_lines() {
        let src = "x = \"\"\"a\nb\"\"\"\ny = 1\n";
        let lexed = lex(src.as_bytes());
        assert_eq!(&src[lexed.logical_line(0)], "x = \"\"\"a\nb\"\"\"\n");
    }

    #[test]
    fn unterminated_string_recovers_at_line_end() {
        let src = "x = 'oops\nexec(input())\n";
        assert!(code_of(src).contains("exec(input())"));
        let src = "x = f'{a:oops\nexec(input())\n";
        assert!(code_of(src).contains("exec(input())"));
    }

    #[test]
    fn bytes_that_are_not_utf8_do_not_break_lexing() {
        let src = b"x = b'\xff\xfe' # \xc3\x28\nexec(input())\n";
        let lexed = lex(src);
        let pos = src.windows(4).position(|w| w == b"exec").unwrap();
        assert_eq!(lexed.class(pos), Class::Code);
        assert_eq!(lexed.class(6), Class::Str);
    }

    fn flow(src: &str, name: &str, call: &str) -> Option<String> {
        let at = src.find(call).unwrap();
        let arg = at + call.find(name).unwrap();
        let lexed = lex(src.as_bytes());
        nearest_assignment(src.as_bytes(), &lexed, arg..arg + name.len(), at)
            .map(|r| src[r].trim_end().to_string())
    }

    #[test]
    fn flow_finds_the_nearest_assignment_in_the_same_function() {
        let src = "def f():\n    x = input()\n    if x:\n        eval(x)\n";
        assert_eq!(flow(src, "x", "eval(x)").as_deref(), Some("input()"));
        let src = "x = input(); eval(x)\n";
        assert_eq!(flow(src, "x", "eval(x)").as_deref(), Some("input()"));
        let src = "cmd: str = sys.argv[1]\nexec(cmd)\n";
        assert_eq!(
            flow(src, "cmd", "exec(cmd)").as_deref(),
            Some("sys.argv[1]")
        );
        // A later reassignment wins.
        let src = "x = input()\nx = int(x)\neval(x)\n";
        assert_eq!(flow(src, "x", "eval(x)").as_deref(), Some("int(x)"));
    }

    #[test]
    fn flow_looks_back_a_bounded_number_of_lines() {
        let near = format!(
            "x = input()\n{}eval(x)\n",
            "y = 1\n".repeat(MAX_FLOW_LINES - 1)
        );
        assert_eq!(flow(&near, "x", "eval(x)").as_deref(), Some("input()"));
        let far = format!("x = input()\n{}eval(x)\n", "y = 1\n".repeat(MAX_FLOW_LINES));
        assert_eq!(flow(&far, "x", "eval(x)"), None);
    }

    #[test]
    fn flow_does_not_cross_scopes() {
        let src = "def g():\n    x = input()\ndef f():\n    eval(x)\n";
        assert_eq!(flow(src, "x", "eval(x)"), None);
        let src = "def f():\n    def inner():\n        x = input()\n    eval(x)\n";
        assert_eq!(flow(src, "x", "eval(x)"), None);
        let src = "x = input()\ndef f():\n    eval(x)\n";
        assert_eq!(flow(src, "x", "eval(x)"), None);
        // Names that merely start alike, and comparisons, are not assignments.
        let src = "xy = input()\nx == input()\neval(x)\n";
        assert_eq!(flow(src, "x", "eval(x)"), None);
    }

    #[test]
    fn python_paths() {
        assert!(is_python_path("a/b/settings.py"));
        assert!(is_python_path("tool.PYW"));
        assert!(is_python_path("nb/analysis.ipynb"));
        assert!(!is_python_path("requirements.txt"));
        assert!(!is_python_path("py"));
    }
}
