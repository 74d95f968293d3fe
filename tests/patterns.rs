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

#[test]
fn no_provider_example_is_also_reported_by_a_generic_detector() {
    // Issue 12's overlap rule: when a provider pattern and the generic detector (or the entropy
    // scanner) find the same secret, only the provider's name is reported. Checked on every
    // example of every specific secret pattern, so a new provider pattern whose secret the
    // generic detector would double-report fails here.
    use pyguard::pipeline::scanner::Outcome;
    use pyguard::rules::pattern::Kind;
    use pyguard::source::{Chunk, Provenance};
    let patterns = pattern::load_embedded().expect("embedded patterns load");
    let generic: Vec<String> = patterns
        .iter()
        .filter(|p| {
            p.spec.tags.iter().any(|t| t == "generic")
                || p.spec.detector.as_deref() == Some("high-entropy")
        })
        .map(|p| p.id().to_string())
        .collect();
    assert!(generic.iter().any(|id| id == "generic-secret-assignment"));
    assert!(generic.iter().any(|id| id == "high-entropy-string"));
    // (pattern id, example path, example text) of every specific secret pattern.
    let examples: Vec<(String, String, String)> = patterns
        .iter()
        .filter(|p| p.spec.kind == Kind::Secret && !generic.iter().any(|g| g == p.id()))
        .flat_map(|p| {
            p.examples().iter().map(|e| {
                let path = e
                    .path()
                    .map_or_else(|| p.default_example_path(), str::to_string);
                (p.id().to_string(), path, e.text().to_string())
            })
        })
        .collect();
    assert!(examples.len() > 400, "{}", examples.len());
    let scanner = Scanner::new(Matcher::new(patterns).unwrap());
    let mut doubles = Vec::new();
    for (id, path, text) in &examples {
        let chunk = Chunk::new(path.clone(), text.as_bytes(), Provenance::File);
        let Outcome::Scanned(findings) = scanner.scan(&chunk).0 else {
            continue;
        };
        for f in findings.iter().filter(|f| f.pattern_id == *id) {
            for g in findings.iter().filter(|g| generic.contains(&g.pattern_id)) {
                let overlap = g.line <= f.end_line
                    && f.line <= g.end_line
                    && (g.secret.contains(&f.secret) || f.secret.contains(&g.secret));
                if overlap {
                    doubles.push(format!("{id} and {}: {text:?}", g.pattern_id));
                }
            }
        }
    }
    assert!(
        doubles.is_empty(),
        "{} double report(s):\n{}",
        doubles.len(),
        doubles.join("\n")
    );
}
