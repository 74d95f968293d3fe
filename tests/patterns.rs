//! The pattern self-test: every embedded pattern is loaded into the real matcher (prefilter,
//! regex, entropy, validator, placeholder filter) and checked against its own examples. All
//! failures are collected and reported at once.

use pyguard::matcher::Matcher;
use pyguard::pattern::{self, Example, Pattern};

fn fires(matcher: &Matcher, pattern: &Pattern, example: &Example) -> bool {
    let path = example
        .path()
        .map_or_else(|| pattern.default_example_path(), str::to_string);
    let (matches, errors) = matcher.find(&path, example.text().as_bytes());
    assert!(errors.is_empty(), "{errors:?}");
    matches
        .iter()
        .any(|m| matcher.patterns()[m.pattern].id() == pattern.id())
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
    let matcher = Matcher::new(patterns).unwrap();
    for p in matcher.patterns() {
        let id = p.id();
        if p.spec.examples.is_empty() {
            failures.push(format!("{id}: has no examples"));
        }
        if p.spec.negative_examples.is_empty() {
            failures.push(format!("{id}: has no negative examples"));
        }
        for ex in &p.spec.examples {
            if !fires(&matcher, p, ex) {
                failures.push(format!("{id}: example does not fire: {:?}", ex.text()));
            }
        }
        for ex in &p.spec.negative_examples {
            if fires(&matcher, p, ex) {
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
