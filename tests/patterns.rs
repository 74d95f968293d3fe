//! The pattern self-test: every embedded pattern is loaded into the real matcher (prefilter,
//! regex, entropy, validator, placeholder filter; path globs and binary sniffing for file
//! patterns; the path-set detectors for environments) and checked against its own examples.
//! All failures are collected and reported at once.

use pyguard::matcher::Matcher;
use pyguard::pattern::{self, Example, Pattern};
use pyguard::scanner::{Outcome, Scanner};
use pyguard::source::{Chunk, Provenance};

/// Whether `example` fires `pattern` through the whole per-chunk pipeline (binary sniffing,
/// path checks, prefilter, regex, gates), or, for a path-set detector, through `filecheck`
/// with the example's path as the set.
fn fires(scanner: &Scanner, pattern: &Pattern, example: &Example) -> bool {
    let path = example
        .path()
        .map_or_else(|| pattern.default_example_path(), str::to_string);
    let findings = if pattern.spec.detector.is_some() {
        pyguard::filecheck::check_paths(
            scanner.matcher().patterns(),
            [path.as_str()],
            &Provenance::File,
        )
        .findings
    } else {
        let chunk = Chunk::new(path, example.text().as_bytes(), Provenance::File);
        let (outcome, errors) = scanner.scan(&chunk);
        assert!(errors.is_empty(), "{errors:?}");
        match outcome {
            Outcome::Scanned(findings) => findings,
            Outcome::Binary => Vec::new(),
        }
    };
    findings.iter().any(|f| f.pattern_id == pattern.id())
}

#[test]
fn every_pattern_fires_on_its_examples_and_not_on_its_negatives() {
    let patterns = pattern::load_embedded().expect("embedded patterns load");
    assert!(!patterns.is_empty());
    let mut failures = Vec::new();
    for p in &patterns {
        if let Err(e) = p.regex() {
            failures.push(format!("{e:#}"));
        }
    }
    let scanner = Scanner::new(Matcher::new(patterns).unwrap());
    for p in scanner.matcher().patterns() {
        let id = p.id();
        if p.spec.examples.is_empty() {
            failures.push(format!("{id}: has no examples"));
        }
        if p.spec.negative_examples.is_empty() {
            failures.push(format!("{id}: has no negative examples"));
        }
        for ex in &p.spec.examples {
            if !fires(&scanner, p, ex) {
                failures.push(format!("{id}: example does not fire: {:?}", ex.text()));
            }
        }
        for ex in &p.spec.negative_examples {
            if fires(&scanner, p, ex) {
                failures.push(format!("{id}: negative example fires: {:?}", ex.text()));
            }
        }
        for k in &p.spec.keywords {
            let k = k.to_ascii_lowercase();
            if !p
                .spec
                .examples
                .iter()
                .any(|e| e.text().to_ascii_lowercase().contains(&k))
            {
                failures.push(format!("{id}: keyword {k:?} occurs in no example"));
            }
        }
        if p.spec.references.is_empty() {
            failures.push(format!("{id}: has no references"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} pattern failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn pattern_ids_are_unique_across_files() {
    let patterns = pattern::load_embedded().unwrap();
    pattern::check_unique(&patterns).unwrap();
    let mut ids: Vec<_> = patterns.iter().map(Pattern::id).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
}
