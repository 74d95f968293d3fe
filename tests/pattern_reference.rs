//! The pattern reference, docs/patterns.md, is generated from the built-in patterns
//! (`patterns/*.yaml`, as embedded in the binary) and must equal what they generate now, so it
//! cannot go stale: a pattern added, removed, renamed or re-described without regenerating the
//! page fails this test. Regenerate with
//! `PYGUARD_UPDATE_DOCS=1 cargo test --test main pattern_reference`.

use std::fmt::Write as _;
use std::path::Path;

use pyguard::rules::pattern::{self, Kind, Pattern, Severity};

const PAGE: &str = "docs/patterns.md";

/// One table cell: no line breaks, no column separators.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn render(patterns: &[Pattern]) -> String {
    let count = |f: &dyn Fn(&Pattern) -> bool| patterns.iter().filter(|p| f(p)).count();
    let mut out = String::from(
        "# Pattern reference\n\n\
         <!-- Generated from patterns/*.yaml by tests/pattern_reference.rs; do not edit. -->\n\
         Every built-in pattern, generated from `patterns/*.yaml`. Regenerate after changing a \
         pattern with\n`PYGUARD_UPDATE_DOCS=1 cargo test --test main pattern_reference` (the \
         test fails while this page is stale).\n\
         `pyguard explain ID` prints a pattern's whole description (why it matters, what to do \
         instead);\n`pyguard patterns list` lists the patterns your configuration leaves on.\n\n",
    );
    let _ = writeln!(
        out,
        "{} patterns: {} secret, {} python, {} file; {} block a commit (`error`), {} are \
         reported only (`warning`).",
        patterns.len(),
        count(&|p| p.spec.kind == Kind::Secret),
        count(&|p| p.spec.kind == Kind::Python),
        count(&|p| p.spec.kind == Kind::File),
        count(&|p| p.spec.severity == Severity::Error),
        count(&|p| p.spec.severity == Severity::Warning),
    );
    for (kind, title) in [
        (Kind::Secret, "Secrets"),
        (Kind::Python, "Unsafe Python and dependencies"),
        (Kind::File, "Files, environments and end-of-life Python"),
    ] {
        let _ = write!(
            out,
            "\n## {title}\n\n| id | severity | finds | file |\n| --- | --- | --- | --- |\n"
        );
        let mut rows: Vec<&Pattern> = patterns.iter().filter(|p| p.spec.kind == kind).collect();
        rows.sort_by(|a, b| (&a.origin, a.id()).cmp(&(&b.origin, b.id())));
        for p in rows {
            let file = p.origin.trim_start_matches("patterns/");
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                p.id(),
                p.spec.severity,
                cell(&p.description().what),
                file
            );
        }
    }
    out
}

#[test]
fn pattern_reference_matches_the_patterns() {
    let patterns = pattern::load_embedded().expect("embedded patterns load");
    let want = render(&patterns);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PAGE);
    if std::env::var_os("PYGUARD_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{PAGE} is stale: regenerate it with \
         `PYGUARD_UPDATE_DOCS=1 cargo test --test main pattern_reference` and commit it"
    );
}

#[test]
fn pattern_reference_lists_every_pattern_once() {
    // Guards the generator: a pattern left out (a kind not rendered) would also be left out
    // of the committed page without the comparison above noticing.
    let patterns = pattern::load_embedded().unwrap();
    let page = render(&patterns);
    for p in &patterns {
        let row = format!("| `{}` |", p.id());
        assert_eq!(
            page.matches(&row).count(),
            1,
            "{} is not listed once",
            p.id()
        );
    }
}
