//! The patterns' self-check (`pyguard patterns check`, and the test suite on the built-in
//! patterns): every example of every pattern goes through the real per-unit pipeline (binary
//! sniffing and path checks for file patterns, prefilter, regex, entropy, validator,
//! placeholder filter; path-set detectors through [`super::pathset`] with the example's path
//! as the set). Every example fires its pattern, no negative example does; the rule format's
//! own checks (`rules::pattern::static_problems`) come first. It lives here, not in the rule
//! format, because it runs the pipeline.

use super::pathset;
use super::scanner::{Outcome, Scanner};
use crate::rules::pattern::{self, Example, Kind, Pattern};
use crate::source::{Chunk, Provenance};

/// Every failure of the patterns of `scanner`, one line each (empty: all good).
#[must_use]
pub fn self_check(scanner: &Scanner) -> Vec<String> {
    let matcher = scanner.matcher();
    let mut failures = pattern::static_problems(matcher.patterns());
    let fires = |pattern: &Pattern, example: &Example, failures: &mut Vec<String>| {
        let path = example
            .path()
            .map_or_else(|| pattern.default_example_path(), str::to_string);
        let findings = if pattern.spec.kind == Kind::File && pattern.spec.detector.is_some() {
            pathset::check_paths(matcher.patterns(), [path.as_str()], &Provenance::File).findings
        } else {
            let chunk = Chunk::new(path, example.text().as_bytes(), Provenance::File);
            let (outcome, errors) = scanner.scan(&chunk);
            failures.extend(errors.iter().map(|e| format!("{e:#}")));
            match outcome {
                Outcome::Scanned(findings) => findings,
                Outcome::Binary => Vec::new(),
            }
        };
        // A sample (checksum fails, typed by hand) is a warning about a made-up value: an
        // example must fire as the real thing, and a negative example may be a sample.
        findings
            .iter()
            .any(|f| f.pattern_id == pattern.id() && !f.sample)
    };
    for p in matcher.patterns() {
        let id = p.id();
        for ex in p.examples() {
            if !fires(p, ex, &mut failures) {
                failures.push(format!("{id}: example does not fire: {:?}", ex.text()));
            }
        }
        for ex in p.negative_examples() {
            if fires(p, ex, &mut failures) {
                failures.push(format!("{id}: negative example fires: {:?}", ex.text()));
            }
        }
    }
    failures.dedup();
    failures
}
