//! Test code: the paths whose blocking Python findings are lowered to another severity.
//! `pickle.loads(pickle.dumps(x))` in a round-trip test or a string-built query in a fixture
//! is not a production risk, and neither is `app.run(debug=True)` in a documentation example,
//! so by default a Python code pattern's `error` becomes a `warning` in `tests/`, `test/`,
//! `testing/`, `test_*.py`, `*_test.py`, `*_tests.py`, `conftest.py`, `docs/`, `examples/`
//! and `example/`. The
//! configuration key `test_code` changes the globs and the severity (`severity: error` turns
//! the rule off). Secrets are never lowered: a live key in a test is still a live key.

use std::sync::OnceLock;

use anyhow::{Context as _, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::rules::pattern::Severity;

/// The built-in test-code globs (matched against the whole `/`-separated path).
pub const DEFAULT_GLOBS: &[&str] = &[
    "**/tests/**",
    "**/test/**",
    "**/testing/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/*_tests.py",
    "**/conftest.py",
    "**/docs/**",
    "**/examples/**",
    "**/example/**",
];

/// Which paths are test code, and what their blocking Python findings become.
#[derive(Clone, Debug)]
pub struct TestCode {
    globs: GlobSet,
    /// The severity an `error` of a Python code pattern becomes in test code.
    pub severity: Severity,
}

impl TestCode {
    /// A policy from globs and a severity.
    ///
    /// # Errors
    /// When a glob does not parse.
    pub fn new(globs: &[String], severity: Severity) -> Result<Self> {
        let mut set = GlobSetBuilder::new();
        for g in globs {
            set.add(Glob::new(g).with_context(|| format!("test_code: bad path glob {g:?}"))?);
        }
        Ok(TestCode {
            globs: set
                .build()
                .context("test_code: failed to build the globs")?,
            severity,
        })
    }

    /// The built-in policy: [`DEFAULT_GLOBS`], lowered to `warning`.
    ///
    /// # Panics
    /// Never: the built-in globs parse (the unit tests build them).
    #[must_use]
    pub fn builtin() -> &'static TestCode {
        static BUILTIN: OnceLock<TestCode> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let globs: Vec<String> = DEFAULT_GLOBS.iter().map(|g| (*g).to_string()).collect();
            TestCode::new(&globs, Severity::Warning).expect("built-in test globs")
        })
    }

    /// Whether `path` is test code.
    #[must_use]
    pub fn holds(&self, path: &str) -> bool {
        self.globs
            .is_match(path.replace('\\', "/").trim_start_matches("./"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_globs_cover_the_usual_test_layouts() {
        let t = TestCode::builtin();
        for p in [
            "tests/test_p.py",
            "pkg/tests/helpers.py",
            "test_models.py",
            "src/app/models_test.py",
            "conftest.py",
            "a/b/conftest.py",
            "docs/tutorial/app.py",
            "examples/flaskr/app.py",
        ] {
            assert!(t.holds(p), "{p}");
        }
        for p in [
            "app/models.py",
            "pkg/contest.py",
            "latest/views.py",
            "attest.py",
        ] {
            assert!(!t.holds(p), "{p}");
        }
    }
}
