//! Findings: a match placed in its file (line and column, computed only for hits), with a
//! fingerprint that does not depend on line numbers, and the redaction and escaping that keep
//! secrets and terminal control sequences out of reports.
//!
//! This module does not decide what is suppressed (see `suppress`) or how it is printed
//! (see `report`).

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::matcher::{Match, Matcher};
use crate::rules::pattern::{Confidence, Kind, Severity};
use crate::source::{Chunk, Provenance};

/// The longest snippet kept for a report, in characters; longer lines are cut around the hit.
const SNIPPET_MAX: usize = 240;

/// One reported problem.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Pattern id.
    pub pattern_id: String,
    /// Pattern name.
    pub pattern_name: String,
    /// Secret or Python pattern.
    pub kind: Kind,
    /// Error blocks, warning reports.
    pub severity: Severity,
    /// How sure the finding is (see [`Confidence`]).
    pub confidence: Confidence,
    /// A provider-shaped value that no provider issued (a checksum that fails, a run typed by
    /// hand): a low-confidence warning whose name ends in [`SAMPLE_NOTE`].
    #[serde(skip)]
    pub sample: bool,
    /// File path.
    pub path: String,
    /// The part of the file the finding is in (`cell 3`, `data.token`), when the content was
    /// extracted from the file; `line` and `column` are then within that part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extract: Option<String>,
    /// 1-based line of the secret's first byte.
    pub line: u32,
    /// 1-based column (in characters) of the secret's first byte.
    pub column: u32,
    /// 1-based line of the secret's last byte.
    pub end_line: u32,
    /// The line holding the secret (cut around it when long), unredacted.
    #[serde(skip)]
    pub snippet: String,
    /// Byte ranges inside `snippet` to redact, in order and disjoint: every secret any
    /// pattern matched there (this finding's own, other findings', suppressed ones), so that
    /// no report prints a secret in full because it shares a line with another finding.
    #[serde(skip)]
    pub snippet_hidden: Vec<Range<usize>>,
    /// The secret or offending text, unredacted.
    #[serde(skip)]
    pub secret: String,
    /// Byte ranges inside `secret` to redact: all of it for a secret; for other findings
    /// (Python rules, dependencies) only the secrets their text happens to contain.
    #[serde(skip)]
    pub secret_hidden: Vec<Range<usize>>,
    /// Stable identity: hash of pattern id, path and secret (no line numbers).
    pub fingerprint: String,
    /// Where the content came from.
    #[serde(skip)]
    pub provenance: Provenance,
    /// Every place the same secret was found, this one first, for sources that merge repeats
    /// into one finding (history); empty otherwise.
    #[serde(skip)]
    pub places: Vec<Place>,
}

/// One place a finding occurs at (history lists every path and commit holding a secret).
#[derive(Clone, Debug)]
pub struct Place {
    /// File path.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Where the content came from (for history: the commit that introduced it at `path`).
    pub provenance: Provenance,
}

impl Finding {
    /// The secret (or offending text) as it may be shown: with every secret in it redacted
    /// unless `show` is set. Text that is not a secret (a Python construct, a package name)
    /// is shown as it is.
    #[must_use]
    pub fn shown_secret(&self, show: bool) -> String {
        if show {
            self.secret.clone()
        } else {
            hide(&self.secret, &self.secret_hidden)
        }
    }

    /// The snippet as it may be shown: with every secret on the line redacted unless `show`
    /// is set.
    #[must_use]
    pub fn shown_snippet(&self, show: bool) -> String {
        if show {
            self.snippet.clone()
        } else {
            hide(&self.snippet, &self.snippet_hidden)
        }
    }
}

/// A pattern's name as a finding shows it: a typosquat names the project it imitates.
/// Appended to the name of a finding whose value has a provider's shape but is not one the
/// provider issued (see [`crate::matcher::Match::sample`]).
pub const SAMPLE_NOTE: &str = " (sample: checksum fails or typed by hand)";

fn shown_name(full: &crate::rules::pattern::Pattern, secret: &[u8]) -> String {
    match full.validator {
        Some(crate::rules::validate::Validator::PypiTyposquat) => {
            let secret = String::from_utf8_lossy(secret);
            crate::matcher::pypi::typosquat_target(&secret).map_or_else(
                || full.spec.name.clone(),
                |t| format!("{} (did you mean `{t}`?)", full.spec.name),
            )
        }
        _ => full.spec.name.clone(),
    }
}

/// `text` with each of the `ranges` (in order, disjoint, on character boundaries) redacted.
fn hide(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for r in ranges {
        let (start, end) = (r.start.max(pos).min(text.len()), r.end.min(text.len()));
        if start >= end {
            continue;
        }
        out.push_str(&text[pos..start]);
        out.push_str(&redact(&text[start..end]));
        pos = end;
    }
    out.push_str(&text[pos..]);
    out
}

/// `bytes` as text, with `ranges` (byte offsets into `bytes`, in order) carried over to
/// offsets into the text. Each piece is converted on its own, so that the ranges stay on
/// character boundaries even in invalid UTF-8.
fn text_with_ranges(bytes: &[u8], ranges: &[Range<usize>]) -> (String, Vec<Range<usize>>) {
    let mut text = String::with_capacity(bytes.len());
    let mut out = Vec::with_capacity(ranges.len());
    let mut pos = 0;
    for r in ranges {
        let (start, end) = (r.start.max(pos).min(bytes.len()), r.end.min(bytes.len()));
        if start >= end {
            continue;
        }
        text.push_str(&String::from_utf8_lossy(&bytes[pos..start]));
        let at = text.len();
        text.push_str(&String::from_utf8_lossy(&bytes[start..end]));
        out.push(at..text.len());
        pos = end;
    }
    text.push_str(&String::from_utf8_lossy(&bytes[pos..]));
    (text, out)
}

/// The secret spans of `matches`, merged into disjoint ranges in order.
fn secret_spans(matcher: &Matcher, matches: &[Match]) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = matches
        .iter()
        .filter(|m| !m.secret.is_empty() && matcher.patterns()[m.pattern].spec.kind == Kind::Secret)
        .map(|m| m.secret.clone())
        .chain(matches.iter().filter_map(|m| m.hidden.clone()))
        .filter(|r| !r.is_empty())
        .collect();
    spans.sort_unstable_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for r in spans {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The parts of the disjoint, ordered `spans` that fall in `within`, relative to its start.
fn spans_within(spans: &[Range<usize>], within: &Range<usize>) -> Vec<Range<usize>> {
    let first = spans.partition_point(|r| r.end <= within.start);
    spans[first..]
        .iter()
        .take_while(|r| r.start < within.end)
        .map(|r| r.start.max(within.start) - within.start..r.end.min(within.end) - within.start)
        .collect()
}

/// `text` with every secret pattern's match in it redacted (a commit's summary or author, which
/// reports print beside findings). Text without secrets comes back as it is.
#[must_use]
pub fn redact_text(matcher: &Matcher, text: &str) -> String {
    let (matches, _) = matcher.find("", text.as_bytes());
    let spans = secret_spans(matcher, &matches);
    if spans.is_empty() {
        return text.to_string();
    }
    let (text, ranges) = text_with_ranges(text.as_bytes(), &spans);
    hide(&text, &ranges)
}

/// Turns the matches of one chunk into findings, keeping only those that touch the chunk's
/// added lines when it has any.
#[must_use]
// One pass over sorted matches with incremental line and column state; split up, it would
// hand that state around.
#[allow(clippy::too_many_lines)]
pub fn build(matcher: &Matcher, chunk: &Chunk<'_>, matches: &[Match]) -> Vec<Finding> {
    let bytes: &[u8] = &chunk.bytes;
    let mut out = Vec::with_capacity(matches.len());
    // Matches arrive sorted by secret start: count newlines incrementally.
    let mut line = chunk.first_line;
    let mut pos = 0usize;
    let mut line_start = 0usize;
    // The current line's end, and how many characters precede `column_at` on it: matches on
    // one long line must not each rescan it (a degenerate line holds very many).
    let mut line_end: Option<usize> = None;
    let (mut column_at, mut columns) = (0usize, 0u32);
    // Every secret in the chunk, suppressed ones included: each snippet hides all of those it
    // shows, not only its own finding's.
    let hidden = secret_spans(matcher, matches);
    for m in matches {
        let start = m.secret.start;
        if start < pos {
            // Out of order (should not happen): restart the count.
            line = chunk.first_line;
            pos = 0;
            line_start = 0;
            line_end = None;
        }
        for nl in memchr::memchr_iter(b'\n', &bytes[pos..start]) {
            line += 1;
            line_start = pos + nl + 1;
            line_end = None;
        }
        pos = start;
        if column_at < line_start || column_at > start {
            (column_at, columns) = (line_start, 0);
        }
        let full = &matcher.patterns()[m.pattern];
        let pattern = &full.spec;
        if pattern.kind == Kind::File {
            // A file finding stands for the whole file: it holds when the chunk adds anything,
            // and shows none of the content (a `.env` line is itself a secret), only the reason.
            if chunk.added_lines.as_ref().is_none_or(|r| !r.is_empty()) {
                out.push(file_finding(
                    pattern,
                    &chunk.path,
                    &chunk.provenance,
                    chunk.first_line,
                    full.description().why.clone(),
                ));
            }
            continue;
        }
        let secret_bytes = &bytes[m.secret.clone()];
        let end_line = line
            + memchr::memchr_iter(
                b'\n',
                secret_bytes.strip_suffix(b"\n").unwrap_or(secret_bytes),
            )
            .count() as u32;
        if let Some(ranges) = &chunk.added_lines {
            // The whole match counts (a key's header line added above a body committed
            // earlier), and so does what its flow and context checks rested on.
            let span = (m.span.start.min(start), m.span.end.max(m.secret.end));
            let first = line - newlines(&bytes[span.0..start]);
            let last = end_line + newlines(trimmed(&bytes[m.secret.end.max(start)..span.1]));
            let lines_of = |r: &std::ops::Range<usize>| {
                let from = chunk.first_line + newlines(&bytes[..r.start]);
                (from, from + newlines(trimmed(&bytes[r.clone()])))
            };
            let touches =
                |(a, b): (u32, u32)| ranges.iter().any(|r| *r.start() <= b && a <= *r.end());
            if !touches((first, last)) && !m.evidence.iter().map(lines_of).any(touches) {
                continue;
            }
        }
        let end = *line_end.get_or_insert_with(|| {
            memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i)
        });
        let line_bytes = &bytes[line_start..end];
        let line_bytes = line_bytes.strip_suffix(b"\r").unwrap_or(line_bytes);
        columns += String::from_utf8_lossy(&bytes[column_at..start])
            .chars()
            .count() as u32;
        column_at = start;
        let column = columns + 1;
        let (secret, secret_hidden) =
            text_with_ranges(secret_bytes, &spans_within(&hidden, &m.secret));
        let (snippet, snippet_hidden) = snippet(
            line_bytes,
            start - line_start,
            secret_bytes.len(),
            |window| {
                spans_within(
                    &hidden,
                    &(line_start + window.start..line_start + window.end),
                )
            },
        );
        let mut pattern_name = shown_name(full, secret_bytes);
        let (severity, confidence) = if m.sample {
            pattern_name.push_str(SAMPLE_NOTE);
            (Severity::Warning, Confidence::Low)
        } else {
            (
                full.severity_at(&chunk.path, m.taint),
                full.confidence_at(m.taint),
            )
        };
        out.push(Finding {
            pattern_id: pattern.id.clone(),
            pattern_name,
            kind: pattern.kind,
            severity,
            confidence,
            sample: m.sample,
            path: chunk.path.clone(),
            extract: chunk.extract.as_ref().map(|e| e.label.clone()),
            line,
            column,
            end_line,
            snippet,
            snippet_hidden,
            fingerprint: fingerprint(&pattern.id, &chunk.path, &secret),
            secret,
            secret_hidden,
            provenance: chunk.provenance.clone(),
            places: Vec::new(),
        });
    }
    out
}

/// How many line breaks `bytes` holds.
fn newlines(bytes: &[u8]) -> u32 {
    memchr::memchr_iter(b'\n', bytes).count() as u32
}

/// `bytes` without one final line break (a span ending at a line's end stays on that line).
fn trimmed(bytes: &[u8]) -> &[u8] {
    bytes.strip_suffix(b"\n").unwrap_or(bytes)
}

/// A finding for a whole file (a `kind: file` pattern or a path detector): at `line`, column 1,
/// with `note` as its snippet and no secret; its fingerprint depends on pattern and path only.
#[must_use]
pub fn file_finding(
    pattern: &crate::rules::pattern::PatternSpec,
    path: &str,
    provenance: &Provenance,
    line: u32,
    note: String,
) -> Finding {
    Finding {
        pattern_id: pattern.id.clone(),
        pattern_name: pattern.name.clone(),
        kind: pattern.kind,
        severity: pattern.severity,
        confidence: pattern.confidence.unwrap_or(Confidence::High),
        sample: false,
        path: path.to_string(),
        extract: None,
        line,
        column: 1,
        end_line: line,
        snippet: note,
        snippet_hidden: Vec::new(),
        fingerprint: fingerprint(&pattern.id, path, ""),
        secret: String::new(),
        secret_hidden: Vec::new(),
        provenance: provenance.clone(),
        places: Vec::new(),
    }
}

/// The line cut to at most [`SNIPPET_MAX`] bytes around the secret at `at..at + len`, as text,
/// with the ranges to hide inside it: `hidden` maps the window kept (byte offsets in `line`)
/// to the ranges to hide in it, relative to the window's start.
fn snippet(
    line: &[u8],
    at: usize,
    len: usize,
    hidden: impl FnOnce(Range<usize>) -> Vec<Range<usize>>,
) -> (String, Vec<Range<usize>>) {
    let at = at.min(line.len());
    let (from, prefix) = if line.len() > SNIPPET_MAX && at > SNIPPET_MAX / 3 {
        (at - SNIPPET_MAX / 3, "…")
    } else {
        (0, "")
    };
    let to = line
        .len()
        .min(from + SNIPPET_MAX.max(at - from + len.min(SNIPPET_MAX)));
    let suffix = if to < line.len() { "…" } else { "" };
    let (body, ranges) = text_with_ranges(&line[from..to], &hidden(from..to));
    let text = format!("{prefix}{body}{suffix}");
    let ranges = ranges
        .into_iter()
        .map(|r| r.start + prefix.len()..r.end + prefix.len())
        .collect();
    (text, ranges)
}

/// Redacts a secret: its first 4 characters (fewer for short values) then `…`.
#[must_use]
pub fn redact(secret: &str) -> String {
    let n = secret.chars().count();
    let keep = if n >= 12 { 4 } else { n / 3 };
    let mut out: String = secret.chars().take(keep).collect();
    out.push('…');
    out
}

/// Redacts the secrets in the commit summaries and authors the findings (and their other
/// places) carry: reports print them beside the findings (pre-push, history).
pub fn redact_commits(matcher: &Matcher, findings: &mut [Finding]) {
    let mut done: std::collections::HashMap<String, std::sync::Arc<crate::source::CommitInfo>> =
        std::collections::HashMap::new();
    let mut redacted = |provenance: &mut Provenance| {
        if let Provenance::Commit(c) = provenance {
            let clean = done.entry(c.id.clone()).or_insert_with(|| {
                let mut info = (**c).clone();
                info.summary = redact_text(matcher, &info.summary);
                info.author = redact_text(matcher, &info.author);
                std::sync::Arc::new(info)
            });
            *c = clean.clone();
        }
    };
    for f in findings {
        redacted(&mut f.provenance);
        for p in &mut f.places {
            redacted(&mut p.provenance);
        }
    }
}

/// A stable fingerprint: SHA-256 of pattern id, path and secret, first 16 bytes in hex.
/// Moving a secret to another line does not change it.
#[must_use]
pub fn fingerprint(pattern_id: &str, path: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    for part in [pattern_id, path, secret] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(32);
    for b in &digest[..16] {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Escapes control characters (ANSI escapes, carriage returns, NUL...) so that untrusted
/// content from a repository cannot drive the terminal it is printed to.
#[must_use]
pub fn escape_control(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_dangerous) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c) {
            match c {
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                c => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != ' ')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_four_characters() {
        assert_eq!(redact("abcdEFGH12345678"), "abcd…");
        assert_eq!(redact("abcdef"), "ab…");
        assert_eq!(redact(""), "…");
    }

    #[test]
    fn fingerprint_ignores_lines_but_not_content() {
        let a = fingerprint("p", "a.py", "s3cr3t");
        assert_eq!(a, fingerprint("p", "a.py", "s3cr3t"));
        assert_ne!(a, fingerprint("p", "a.py", "other"));
        assert_ne!(a, fingerprint("q", "a.py", "s3cr3t"));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("plain"), "plain");
        assert_eq!(escape_control("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_control("x\ry"), "x\\ry");
        assert_eq!(escape_control("rtl\u{202e}"), "rtl\\u{202e}");
    }

    #[test]
    fn long_lines_are_cut_around_the_secret() {
        let mut line = "a".repeat(1000);
        line.push_str("SECRET");
        line.push_str(&"b".repeat(1000));
        let (text, ranges) = snippet(line.as_bytes(), 1000, 6, |w| {
            assert!(w.start <= 1000 && 1006 <= w.end);
            let hidden: Vec<Range<usize>> =
                std::iter::once(1000 - w.start..1006 - w.start).collect();
            hidden
        });
        assert_eq!(&text[ranges[0].clone()], "SECRET");
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert!(text.chars().count() <= SNIPPET_MAX + 2);
    }
}
