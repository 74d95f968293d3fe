//! The pipeline one chunk goes through, shared by every source (`scan`, the staged gate,
//! history): binary sniffing (a binary file is still checked by its path), matching, findings.
//!
//! It keeps no state between chunks, so callers may run it from many threads at once.

use crate::finding::{self, Finding};
use crate::matcher::{self, Matcher};
use crate::source::Chunk;

/// What scanning one chunk produced.
#[derive(Debug)]
pub enum Outcome {
    /// The chunk was scanned; these are its findings (possibly none).
    Scanned(Vec<Finding>),
    /// The chunk looks binary (a NUL byte early on) and was not scanned.
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

    /// Scans one chunk. Errors are those of broken patterns; the chunk's other findings are
    /// still returned.
    #[must_use]
    pub fn scan(&self, chunk: &Chunk<'_>) -> (Outcome, Vec<anyhow::Error>) {
        if matcher::is_binary(&chunk.bytes) {
            // A binary key store (`.p12`, `.jks`, `.kdbx`) is judged by its path alone; such a
            // chunk counts as scanned, since its findings are reported.
            let by_path = self.matcher.find_by_path(&chunk.path);
            if by_path.is_empty() {
                return (Outcome::Binary, Vec::new());
            }
            let findings = finding::build(&self.matcher, chunk, &by_path);
            return (Outcome::Scanned(findings), Vec::new());
        }
        let (matches, errors) = self.matcher.find(&chunk.path, &chunk.bytes);
        let findings = finding::build(&self.matcher, chunk, &matches);
        (Outcome::Scanned(findings), errors)
    }
}
