//! `pyguard init`: a commented starter `.pyguard.yaml` at the top of the repository (then
//! `cmd` installs the git hooks, as `pyguard install`). An existing configuration is never
//! overwritten.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::config::YAML_FILE;

/// The starter configuration: every key commented out at its default, with what it does.
pub const STARTER: &str = r"# pyguard's configuration for this repository (docs/configuration.md).
# Every key is optional; the values shown commented out are the defaults.

# Paths not to scan, as gitignore-style globs relative to this file.
# exclude:
#   - 'tests/fixtures/'
#   - 'docs/**/*.ipynb'

# Look only for some kinds of finding: secret, python, file (the same as --only).
# only: [secret]

# Switch patterns off by id, kind (secret, python, file) or tag; `enable` wins over `disable`.
# disable: [bind-all-interfaces]
# enable: []

# Change a pattern's severity: error blocks a commit, warning and note only report.
# severity:
#   django-debug-true: warning

# Values that are never secrets here (regexes searched in the secret's text).
# allow:
#   - '^sk_test_'

# Files larger than this are reported and not scanned.
# max_file_size: 10MB

# Which inline comments suppress a finding on their line.
# markers: {pyguard: true, detect_secrets: true, gitleaks: true, nosec: true}
";

/// Writes the starter configuration unless one exists.
pub fn run() -> Result<u8> {
    let root = crate::source::hooks::work_tree_root().unwrap_or_else(|_| PathBuf::from("."));
    let path = root.join(YAML_FILE);
    let mut out = anstream::stdout();
    if path.exists() {
        writeln!(out, "pyguard: {} exists; left as it is", path.display())?;
    } else {
        std::fs::write(&path, STARTER)
            .with_context(|| format!("failed to write {}", path.display()))?;
        writeln!(
            out,
            "pyguard: wrote {} (every key commented out at its default)",
            path.display()
        )?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_configuration_loads_and_uncommented_keys_are_valid() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(YAML_FILE);
        std::fs::write(&path, STARTER).unwrap();
        crate::config::Config::load(Some(&path), dir.path()).unwrap();
        // Uncommenting the example keys (and their indented values) must give a valid file.
        let uncommented: String = STARTER
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| {
                l.starts_with("  ")
                    || l.split_once(':').is_some_and(|(key, _)| {
                        !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    })
            })
            .fold(String::new(), |mut acc, l| {
                acc.push_str(l);
                acc.push('\n');
                acc
            });
        assert!(uncommented.contains("only: [secret]"), "{uncommented}");
        std::fs::write(&path, &uncommented).unwrap();
        let loaded = crate::config::Config::load(Some(&path), dir.path());
        assert!(loaded.is_ok(), "{uncommented}\n{:#}", loaded.unwrap_err());
    }
}
