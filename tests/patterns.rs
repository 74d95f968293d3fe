//! The pattern self-test: every embedded pattern is loaded into the real scanner (binary
//! sniffing, path checks, prefilter, regex, entropy, validator, placeholder filter; path-set
//! detectors for environments) and checked against its own examples by
//! `pipeline::selfcheck::self_check`, the same check `pyguard patterns check` runs. All failures are
//! collected and reported at once.

use pyguard::matcher::Matcher;
use pyguard::pipeline::scanner::Scanner;
use pyguard::rules::pattern::{self, Pattern};

#[test]
fn every_pattern_fires_on_its_examples_and_not_on_its_negatives() {
    let patterns = pattern::load_embedded().expect("embedded patterns load");
    assert!(!patterns.is_empty());
    let scanner = Scanner::new(Matcher::new(patterns).unwrap());
    let failures = pyguard::pipeline::selfcheck::self_check(&scanner);
    assert!(
        failures.is_empty(),
        "{} pattern failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn self_check_reports_a_pattern_whose_example_does_not_fire() {
    // Guards the guard: a broken example must be caught, with its pattern id.
    let text = r"
patterns:
  - id: demo-token
    name: Demo token
    kind: secret
    severity: error
    keywords: [demo_]
    regex: '\b(demo_[a-z0-9]{8})\b'
    description: {what: a, why: b, fix: c}
    examples: ['demo_SHOUTING']
    negative_examples: ['demo_abcd1234']
";
    let scanner = Scanner::new(Matcher::new(pattern::parse_file("t.yaml", text).unwrap()).unwrap());
    let failures = pyguard::pipeline::selfcheck::self_check(&scanner).join("\n");
    assert!(
        failures.contains("demo-token: example does not fire"),
        "{failures}"
    );
    assert!(
        failures.contains("demo-token: negative example fires"),
        "{failures}"
    );
    assert!(
        failures.contains("demo-token: has no references"),
        "{failures}"
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
