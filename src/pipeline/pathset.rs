//! Judges the set of paths a scan or a commit adds, where one file alone says too little:
//! committed virtual environments (one finding per environment, not one per file) and compiled
//! bytecode (one warning per directory).
//!
//! Every source that knows its list of paths calls [`check_paths`] once with all of them
//! (`scan` after its walk; the staged gate with the index entries it adds; history with a
//! commit's new paths) and hands its per-file findings to [`PathCheck::apply_to`]. The detectors take their ids,
//! names, severities and advice from the `kind: file` patterns that name them
//! (`detector: virtualenv`, `detector: compiled-python` in `patterns/environment.yaml`), so they
//! are documented, listed in SARIF and suppressed like every other pattern. This module reads
//! no content and knows nothing of git.

use std::collections::{BTreeMap, BTreeSet};

use crate::pipeline::finding::{self, Finding};
use crate::rules::pattern::Pattern;
use crate::source::Provenance;

/// Directory names that make `NAME/bin/activate` a virtual environment without a `pyvenv.cfg`
/// beside it (virtualenv before 20 wrote none).
const ENV_DIR_NAMES: &[&str] = &[
    "venv",
    ".venv",
    "env",
    ".env",
    "virtualenv",
    ".virtualenv",
    "ve",
    ".ve",
];

/// What [`check_paths`] found.
#[derive(Debug, Default)]
pub struct PathCheck {
    /// One finding per committed environment and per directory of bytecode.
    pub findings: Vec<Finding>,
    /// The root directories of the committed environments (`venv`, `tools/.venv`); empty when
    /// the environment is the scanned directory itself.
    pub environments: Vec<String>,
}

impl PathCheck {
    /// Adds these findings to a source's per-file findings, after folding those inside a
    /// committed environment into it: the one call a source makes after [`check_paths`].
    pub fn apply_to(self, findings: &mut Vec<Finding>) {
        self.fold(findings);
        findings.extend(self.findings);
    }

    /// Removes the other findings inside a committed environment: the environment is one
    /// finding, and what its packages contain is not the project's code. Call it on the
    /// per-file findings before adding [`PathCheck::findings`].
    pub fn fold(&self, findings: &mut Vec<Finding>) {
        let roots: Vec<&str> = self
            .environments
            .iter()
            .map(String::as_str)
            .filter(|r| !r.is_empty())
            .collect();
        if roots.is_empty() {
            return;
        }
        findings.retain(|f| !roots.iter().any(|r| is_inside(&f.path, r)));
    }
}

/// Checks a set of paths (`/`- or `\`-separated, as shown in findings) for committed
/// environments and bytecode. `patterns` supplies the detector patterns; a detector whose
/// pattern is absent (disabled) reports nothing.
pub fn check_paths<'a, I>(patterns: &[Pattern], paths: I, provenance: &Provenance) -> PathCheck
where
    I: IntoIterator<Item = &'a str>,
{
    let paths: BTreeSet<String> = paths.into_iter().map(|p| p.replace('\\', "/")).collect();
    let detector = |name: &str| {
        patterns
            .iter()
            .find(|p| p.spec.detector.as_deref() == Some(name))
    };
    let mut out = PathCheck::default();
    let roots = environment_roots(&paths);
    if let Some(pattern) = detector("virtualenv") {
        for root in &roots {
            let files: Vec<&String> = paths.iter().filter(|p| is_inside(p, root)).collect();
            let cfg = if root.is_empty() {
                "pyvenv.cfg".to_string()
            } else {
                format!("{root}/pyvenv.cfg")
            };
            let at = if paths.contains(&cfg) {
                cfg
            } else {
                files.first().map_or_else(String::new, |p| (*p).clone())
            };
            let shown = if root.is_empty() { "." } else { root };
            let note = format!(
                "virtual environment {shown}/ ({} file{}): {}",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                pattern.description().fix
            );
            out.findings.push(finding::file_finding(
                &pattern.spec,
                &at,
                provenance,
                1,
                note,
            ));
        }
    }
    if let Some(pattern) = detector("compiled-python") {
        let mut dirs: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
        for p in &paths {
            if is_bytecode(p) && !roots.iter().any(|r| is_inside(p, r)) {
                dirs.entry(parent(p)).or_default().push(p);
            }
        }
        for (dir, files) in dirs {
            let shown = if dir.is_empty() { "." } else { dir };
            let note = format!(
                "{} compiled file{} in {shown}/: {}",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                pattern.description().fix
            );
            out.findings.push(finding::file_finding(
                &pattern.spec,
                files[0],
                provenance,
                1,
                note,
            ));
        }
    }
    out.environments = roots.into_iter().collect();
    out
}

/// The outermost environment roots among `paths`.
fn environment_roots(paths: &BTreeSet<String>) -> BTreeSet<String> {
    let candidates: BTreeSet<String> = paths.iter().filter_map(|p| environment_root(p)).collect();
    // A root inside another root is the same environment (`.venv` and
    // `.venv/lib/python3.12/site-packages`'s root are one), so keep the outermost.
    candidates
        .iter()
        .filter(|r| {
            !candidates
                .iter()
                .any(|o| o != *r && !o.is_empty() && is_inside(r, o))
        })
        .cloned()
        .collect()
}

/// The root of the virtual environment `path` belongs to, judged from the path alone.
#[must_use]
pub fn environment_root(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    let name = parts[n - 1];
    let join = |k: usize| parts[..k].join("/");
    if name == "pyvenv.cfg" {
        return Some(join(n - 1));
    }
    let dirs = &parts[..n - 1];
    if let Some(k) = dirs.iter().position(|d| *d == ".venv") {
        return Some(join(k + 1));
    }
    // A conda environment keeps its package records in `ROOT/conda-meta/`.
    if let Some(k) = dirs.iter().position(|d| *d == "conda-meta") {
        return Some(join(k));
    }
    if let Some(k) = dirs.iter().position(|d| *d == "site-packages") {
        // `ROOT/lib/python3.12/site-packages` (POSIX) or `ROOT/Lib/site-packages` (Windows).
        let posix = k >= 2
            && dirs[k - 1].starts_with("python")
            && matches!(dirs[k - 2], "lib" | "lib64" | "Lib");
        return Some(if posix {
            join(k - 2)
        } else if k >= 1 && dirs[k - 1] == "Lib" {
            join(k - 1)
        } else {
            join(k + 1)
        });
    }
    let is_activate = name.to_ascii_lowercase().starts_with("activate");
    if is_activate && n >= 3 && matches!(parts[n - 2], "bin" | "Scripts") {
        let env = parts[n - 3];
        if ENV_DIR_NAMES.contains(&env) {
            return Some(join(n - 2));
        }
    }
    None
}

/// Whether `path` is compiled Python: `*.pyc`, `*.pyo`, or anything under `__pycache__/`.
#[must_use]
pub fn is_bytecode(path: &str) -> bool {
    let ext = std::path::Path::new(path).extension();
    ext.is_some_and(|e| e.eq_ignore_ascii_case("pyc") || e.eq_ignore_ascii_case("pyo"))
        || path.split('/').rev().skip(1).any(|d| d == "__pycache__")
}

/// Whether `path` lies under the directory `root` (`""` is the scanned directory itself).
fn is_inside(path: &str, root: &str) -> bool {
    root.is_empty()
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns() -> Vec<Pattern> {
        crate::rules::pattern::load_embedded().unwrap()
    }

    fn ids(check: &PathCheck) -> Vec<(&str, &str)> {
        check
            .findings
            .iter()
            .map(|f| (f.pattern_id.as_str(), f.path.as_str()))
            .collect()
    }

    #[test]
    fn roots_from_each_kind_of_path() {
        assert_eq!(environment_root("venv/pyvenv.cfg").as_deref(), Some("venv"));
        assert_eq!(environment_root("pyvenv.cfg").as_deref(), Some(""));
        assert_eq!(
            environment_root("a/.venv/lib/python3.12/site-packages/x.py").as_deref(),
            Some("a/.venv")
        );
        assert_eq!(
            environment_root("build/lib/python3.11/site-packages/six.py").as_deref(),
            Some("build")
        );
        assert_eq!(
            environment_root("py/Lib/site-packages/six.py").as_deref(),
            Some("py")
        );
        assert_eq!(environment_root("env/bin/activate").as_deref(), Some("env"));
        assert_eq!(
            environment_root("envs/ml/conda-meta/history").as_deref(),
            Some("envs/ml")
        );
        assert_eq!(environment_root("scripts/bin/activate"), None);
        assert_eq!(environment_root("src/venv/__init__.py"), None);
        assert_eq!(environment_root("docs/site-packages.md"), None);
    }

    #[test]
    fn a_whole_environment_is_one_finding_at_its_pyvenv_cfg() {
        let mut paths = vec![
            "app.py".to_string(),
            "venv/pyvenv.cfg".to_string(),
            "venv/bin/activate".to_string(),
            "venv/bin/python".to_string(),
        ];
        for i in 0..300 {
            paths.push(format!(
                "venv/lib/python3.12/site-packages/pkg{i}/__init__.py"
            ));
            paths.push(format!(
                "venv/lib/python3.12/site-packages/pkg{i}/__pycache__/__init__.cpython-312.pyc"
            ));
        }
        let check = check_paths(
            &patterns(),
            paths.iter().map(String::as_str),
            &Provenance::File,
        );
        assert_eq!(ids(&check), [("committed-virtualenv", "venv/pyvenv.cfg")]);
        assert!(
            check.findings[0]
                .snippet
                .starts_with("virtual environment venv/ (603 files): Remove it"),
            "{}",
            check.findings[0].snippet
        );
        assert_eq!(check.environments, ["venv"]);
    }

    #[test]
    fn bytecode_is_one_warning_per_directory() {
        let paths = [
            "app/__pycache__/a.cpython-312.pyc",
            "app/__pycache__/b.cpython-312.pyc",
            "lib/old.pyc",
            "lib/old.py",
        ];
        let check = check_paths(&patterns(), paths, &Provenance::File);
        assert_eq!(
            ids(&check),
            [
                ("committed-bytecode", "app/__pycache__/a.cpython-312.pyc"),
                ("committed-bytecode", "lib/old.pyc")
            ]
        );
        assert!(check.findings[0]
            .snippet
            .starts_with("2 compiled files in app/__pycache__/: "));
    }

    #[test]
    fn findings_inside_an_environment_fold_into_it() {
        let check = check_paths(
            &patterns(),
            ["tools/.venv/pyvenv.cfg", "tools/.venv/lib/x.py"],
            &Provenance::File,
        );
        let spec = &patterns()[0].spec;
        let mut findings = vec![
            finding::file_finding(
                spec,
                "tools/.venv/lib/x.py",
                &Provenance::File,
                3,
                String::new(),
            ),
            finding::file_finding(spec, "tools/app.py", &Provenance::File, 3, String::new()),
        ];
        check.fold(&mut findings);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].path, "tools/app.py");
    }
}
