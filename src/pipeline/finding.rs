//! Findings: a match placed in its file (line and column, computed only for hits), with a
//! fingerprint that does not depend on line numbers, and the redaction and escaping that keep
//! secrets and terminal control sequences out of reports.
//!
//! This module does not decide what is suppressed (see `suppress`) or how it is printed
//! (see `report`).

use std::fmt::Write as _;

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
    /// Byte range of the secret inside `snippet`, when it starts there.
    #[serde(skip)]
    pub snippet_secret: Option<std::ops::Range<usize>>,
    /// The secret or offending text, unredacted.
    #[serde(skip)]
    pub secret: String,
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
    /// The secret as it may be shown: redacted unless `show` is set.
    #[must_use]
    pub fn shown_secret(&self, show: bool) -> String {
        // A whole-file finding has no secret: there is nothing to redact.
        if show || self.secret.is_empty() {
            self.secret.clone()
        } else {
            redact(&self.secret)
        }
    }

    /// The snippet as it may be shown: with the secret redacted unless `show` is set.
    #[must_use]
    pub fn shown_snippet(&self, show: bool) -> String {
        match (&self.snippet_secret, show, self.kind) {
            (Some(r), false, Kind::Secret) => {
                let end = r.end.min(self.snippet.len());
                format!(
                    "{}{}{}",
                    &self.snippet[..r.start],
                    redact(&self.snippet[r.start..end]),
                    &self.snippet[end..]
                )
            }
            _ => self.snippet.clone(),
        }
    }
}

/// Turns the matches of one chunk into findings, keeping only those that touch the chunk's
/// added lines when it has any.
#[must_use]
pub fn build(matcher: &Matcher, chunk: &Chunk<'_>, matches: &[Match]) -> Vec<Finding> {
    let bytes: &[u8] = &chunk.bytes;
    let mut out = Vec::with_capacity(matches.len());
    // Matches arrive sorted by secret start: count newlines incrementally.
    let mut line = chunk.first_line;
    let mut pos = 0usize;
    let mut line_start = 0usize;
    for m in matches {
        let start = m.secret.start;
        if start < pos {
            // Out of order (should not happen): restart the count.
            line = chunk.first_line;
            pos = 0;
            line_start = 0;
        }
        for nl in memchr::memchr_iter(b'\n', &bytes[pos..start]) {
            line += 1;
            line_start = pos + nl + 1;
        }
        pos = start;
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
            let touches = ranges
                .iter()
                .any(|r| *r.start() <= end_line && line <= *r.end());
            if !touches {
                continue;
            }
        }
        let line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line_bytes = &bytes[line_start..line_end];
        let line_bytes = line_bytes.strip_suffix(b"\r").unwrap_or(line_bytes);
        let column = String::from_utf8_lossy(&bytes[line_start..start])
            .chars()
            .count() as u32
            + 1;
        let secret = String::from_utf8_lossy(secret_bytes).into_owned();
        let (snippet, snippet_secret) = snippet(line_bytes, start - line_start, secret_bytes.len());
        out.push(Finding {
            pattern_id: pattern.id.clone(),
            pattern_name: pattern.name.clone(),
            kind: pattern.kind,
            severity: pattern.severity,
            confidence: full.confidence(),
            path: chunk.path.clone(),
            extract: chunk.extract.as_ref().map(|e| e.label.clone()),
            line,
            column,
            end_line,
            snippet,
            snippet_secret,
            fingerprint: fingerprint(&pattern.id, &chunk.path, &secret),
            secret,
            provenance: chunk.provenance.clone(),
            places: Vec::new(),
        });
    }
    out
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
        path: path.to_string(),
        extract: None,
        line,
        column: 1,
        end_line: line,
        snippet: note,
        snippet_secret: None,
        fingerprint: fingerprint(&pattern.id, path, ""),
        secret: String::new(),
        provenance: provenance.clone(),
        places: Vec::new(),
    }
}

/// The line cut to at most [`SNIPPET_MAX`] bytes around the secret, as text, with the secret's
/// range inside it.
fn snippet(line: &[u8], at: usize, len: usize) -> (String, Option<std::ops::Range<usize>>) {
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
    let before = String::from_utf8_lossy(&line[from..at]);
    let secret_end = (at + len).min(to);
    let secret = String::from_utf8_lossy(&line[at..secret_end]);
    let after = String::from_utf8_lossy(&line[secret_end..to]);
    let start = prefix.len() + before.len();
    let text = format!("{prefix}{before}{secret}{after}{suffix}");
    (text, Some(start..start + secret.len()))
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
        let (text, range) = snippet(line.as_bytes(), 1000, 6);
        let range = range.unwrap();
        assert_eq!(&text[range], "SECRET");
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert!(text.chars().count() <= SNIPPET_MAX + 2);
    }
}
