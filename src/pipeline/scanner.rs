//! The pipeline one chunk goes through, shared by every source (`scan`, the staged gate,
//! history): UTF-16 decoding, binary sniffing (a binary file is still checked by its path and
//! for secrets), matching, findings.
//!
//! It keeps no state between chunks, so callers may run it from many threads at once.

use crate::extract::{kubernetes, notebook, utf16};
use crate::matcher::{self, Matcher};
use crate::pipeline::finding::{self, Finding};
use crate::rules::pattern::Kind;
use crate::source::Chunk;

/// What scanning one chunk produced.
#[derive(Debug)]
pub enum Outcome {
    /// The chunk was scanned; these are its findings (possibly none).
    Scanned(Vec<Finding>),
    /// The chunk looks binary (a NUL byte early on): it was searched for secrets only, and
    /// none was found.
    Binary,
}

/// A matcher ready to scan chunks.
#[derive(Debug)]
pub struct Scanner {
    matcher: Matcher,
}

impl Scanner {
    /// Wraps a matcher.
    #[must_use]
    pub fn new(matcher: Matcher) -> Self {
        Scanner { matcher }
    }

    /// The matcher (for its patterns).
    #[must_use]
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Whether content at `old` and at `new` is scanned alike: the same patterns and
    /// extractors (notebook, Kubernetes manifest) apply. A file moved between paths that are
    /// not must be judged again as a whole.
    #[must_use]
    pub fn same_rules(&self, old: &str, new: &str) -> bool {
        notebook::is_notebook(old) == notebook::is_notebook(new)
            && kubernetes::is_manifest(old) == kubernetes::is_manifest(new)
            && self.matcher.path_rules(old) == self.matcher.path_rules(new)
    }

    /// Scans one chunk. Errors are those of broken patterns; the chunk's other findings are
    /// still returned. A notebook is scanned cell by cell, and a Kubernetes Secret manifest
    /// also has its decoded `data:` values scanned (see `extract::notebook`,
    /// `extract::kubernetes`).
    #[must_use]
    pub fn scan(&self, chunk: &Chunk<'_>) -> (Outcome, Vec<anyhow::Error>) {
        if let Some(text) = utf16::decode(&chunk.bytes) {
            // Line breaks survive decoding, so the added lines still apply.
            let decoded = Chunk {
                path: chunk.path.clone(),
                bytes: text.into(),
                provenance: chunk.provenance.clone(),
                first_line: chunk.first_line,
                added_lines: chunk.added_lines.clone(),
                extract: chunk.extract.clone(),
            };
            return self.scan(&decoded);
        }
        if chunk.extract.is_none() && notebook::is_notebook(&chunk.path) {
            if let Some(parts) = notebook::chunks(&chunk.path, &chunk.bytes, &chunk.provenance) {
                // Cell lines are not the file's lines, so a staged notebook is scanned whole.
                return self.scan_parts(&parts, None);
            }
        }
        let (outcome, mut errors) = self.scan_one(chunk);
        let Outcome::Scanned(mut findings) = outcome else {
            return (outcome, errors);
        };
        if chunk.extract.is_none() && kubernetes::is_manifest(&chunk.path) {
            let parts = kubernetes::decoded_values(&chunk.path, &chunk.bytes, &chunk.provenance);
            if let (Outcome::Scanned(found), errs) =
                self.scan_parts(&parts, chunk.added_lines.as_deref())
            {
                // The decoded value is the finding; the base64 text on that line is not another.
                findings.retain(|f| !found.iter().any(|d| d.line == f.line));
                findings.extend(found);
                errors.extend(errs);
            }
        }
        (Outcome::Scanned(findings), errors)
    }

    /// Scans extracted parts of one file; `added` keeps only findings on those file lines.
    fn scan_parts(
        &self,
        parts: &[Chunk<'_>],
        added: Option<&[std::ops::RangeInclusive<u32>]>,
    ) -> (Outcome, Vec<anyhow::Error>) {
        let mut findings = Vec::new();
        let mut errors = Vec::new();
        for part in parts {
            let (outcome, errs) = self.scan_one(part);
            errors.extend(errs);
            if let Outcome::Scanned(found) = outcome {
                // A decoded value is added when any file line it was read from is.
                let from = part.extract.as_ref().and_then(|e| e.from_lines);
                findings.extend(found.into_iter().filter(|f| {
                    let (first, last) = from.unwrap_or((f.line, f.line));
                    added.is_none_or(|r| r.iter().any(|r| first <= *r.end() && *r.start() <= last))
                }));
            }
        }
        (Outcome::Scanned(findings), errors)
    }

    fn scan_one(&self, chunk: &Chunk<'_>) -> (Outcome, Vec<anyhow::Error>) {
        if matcher::is_binary(&chunk.bytes) {
            return self.scan_binary(chunk);
        }
        let extract = chunk.extract.as_ref();
        let path = extract
            .and_then(|e| e.glob_path.as_deref())
            .unwrap_or(&chunk.path);
        let focus = chunk
            .added_lines
            .as_deref()
            .map(|lines| added_byte_ranges(&chunk.bytes, chunk.first_line, lines));
        let (matches, errors) = self
            .matcher
            .find_focused(path, &chunk.bytes, focus.as_deref());
        let mut findings = finding::build(&self.matcher, chunk, &matches);
        if let Some((line, column)) = extract.and_then(|e| e.at) {
            for f in &mut findings {
                (f.line, f.end_line, f.column) = (line, line, column);
            }
        }
        (Outcome::Scanned(findings), errors)
    }
}

impl Scanner {
    /// A binary chunk: one NUL byte must not hide a token, so it is searched for secrets like
    /// text (git's line diff of it, forced to text, still tells the added lines); code
    /// patterns make no sense in it. A binary key store (`.p12`, `.jks`, `.kdbx`) is judged by
    /// its path alone, whatever lines changed: a binary's lines are not what makes it one.
    fn scan_binary(&self, chunk: &Chunk<'_>) -> (Outcome, Vec<anyhow::Error>) {
        let (matches, errors) = self.matcher.find_focused(
            &chunk.path,
            &chunk.bytes,
            chunk
                .added_lines
                .as_deref()
                .map(|lines| added_byte_ranges(&chunk.bytes, chunk.first_line, lines))
                .as_deref(),
        );
        let patterns = self.matcher.patterns();
        let secrets: Vec<_> = matches
            .into_iter()
            .filter(|m| patterns[m.pattern].spec.kind == Kind::Secret)
            .collect();
        let mut findings = finding::build(&self.matcher, chunk, &secrets);
        findings.extend(self.matcher.find_by_path(&chunk.path).iter().map(|m| {
            let pattern = &patterns[m.pattern];
            finding::file_finding(
                &pattern.spec,
                &chunk.path,
                &chunk.provenance,
                chunk.first_line,
                pattern.description().why.clone(),
            )
        }));
        if findings.is_empty() {
            return (Outcome::Binary, errors);
        }
        (Outcome::Scanned(findings), errors)
    }
}

/// The byte ranges of the given line ranges (numbered from `first_line`) in `bytes`.
fn added_byte_ranges(
    bytes: &[u8],
    first_line: u32,
    lines: &[std::ops::RangeInclusive<u32>],
) -> Vec<std::ops::Range<usize>> {
    // starts[i] is the offset of line first_line + i.
    let mut starts = vec![0usize];
    starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    let offset = |line: u32| -> usize {
        let i = line.saturating_sub(first_line) as usize;
        starts.get(i).copied().unwrap_or(bytes.len())
    };
    lines
        .iter()
        .map(|r| offset(*r.start())..offset(r.end().saturating_add(1)))
        .filter(|r| r.start < r.end)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn added_lines_become_byte_ranges() {
        let text = b"one\ntwo\nthree\nfour";
        let r = super::added_byte_ranges(text, 1, &[2..=3, 4..=4, 9..=9]);
        assert_eq!(r, vec![4..14, 14..18]);
        // Numbered from a later first line (an extract).
        assert_eq!(super::added_byte_ranges(text, 10, &[10..=10]), vec![0..4]);
    }

    use super::*;
    use crate::source::Provenance;

    fn scanner() -> Scanner {
        Scanner::new(Matcher::new(crate::rules::pattern::load_embedded().unwrap()).unwrap())
    }

    fn ids(outcome: &Outcome) -> Vec<&str> {
        match outcome {
            Outcome::Scanned(f) => f.iter().map(|f| f.pattern_id.as_str()).collect(),
            Outcome::Binary => vec!["<binary>"],
        }
    }

    #[test]
    fn a_binary_key_store_is_reported_even_with_no_added_lines() {
        let s = scanner();
        let mut chunk = Chunk::new("certs/c.p12", &b"0\x82\x00bin"[..], Provenance::Staged);
        chunk.added_lines = Some(Vec::new());
        let (outcome, errors) = s.scan(&chunk);
        assert!(errors.is_empty());
        assert_eq!(ids(&outcome), ["keystore-file"]);
        let other = Chunk::new("logo.png", &b"\x89PNG\x00"[..], Provenance::Staged);
        assert_eq!(ids(&s.scan(&other).0), ["<binary>"]);
    }

    #[test]
    fn a_text_file_finding_needs_some_added_line() {
        let s = scanner();
        let mut chunk = Chunk::new(".env", &b"A=1\nB=2\n"[..], Provenance::Staged);
        chunk.added_lines = Some(vec![2..=2]);
        assert_eq!(ids(&s.scan(&chunk).0), ["dotenv-file"]);
        chunk.added_lines = Some(Vec::new());
        assert!(ids(&s.scan(&chunk).0).is_empty());
    }
}
