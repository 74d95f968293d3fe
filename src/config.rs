//! Turns the configuration file and command-line flags into one validated [`Config`]
//! (ripgrep's `LowArgs` -> `HiArgs`).
//!
//! The file is `--config FILE`, else `.pyguard.yaml`, else `[tool.pyguard]` in
//! `pyproject.toml`, looked up from the scanned directory up to the repository root. When a
//! directory holds both, `.pyguard.yaml` wins and a note says the other is ignored. Every
//! problem (unknown key, wrong type, bad glob or regex, unknown pattern id) is an error that
//! names the file, line and column: a typo must never silently turn scanning off.
//!
//! This module decides settings; it does not scan, match or suppress anything.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};
use regex::Regex;
use serde::Deserialize;

pub use crate::pipeline::suppress::{AllowRule, Markers};
use crate::rules::pattern::{self, Confidence, Kind, Pattern, PatternSpec, Severity};

/// Compiles one `allow` regex; `at` names where it was written, for the error.
fn allow_rule(source: &str, at: impl FnOnce() -> String) -> Result<AllowRule> {
    let regex = Regex::new(source).map_err(|e| {
        let first = e.to_string();
        let first = first.lines().last().unwrap_or("invalid regex").trim();
        anyhow!("{}: bad allow regex {source:?}: {first}", at())
    })?;
    Ok(AllowRule {
        source: source.to_string(),
        regex,
    })
}

/// Default size above which files are skipped (and reported as skipped): 10 MB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// The configuration file's name at a repository root.
pub const YAML_FILE: &str = ".pyguard.yaml";

/// The Python project file whose `[tool.pyguard]` table is read when there is no
/// [`YAML_FILE`].
pub const PYPROJECT_FILE: &str = "pyproject.toml";

/// Settings every scanning command shares.
#[derive(Clone, Debug)]
pub struct Config {
    /// Files larger than this are skipped and reported.
    pub max_file_size: u64,
    /// Print secrets in full instead of redacted.
    pub show_secrets: bool,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// The configuration file the settings came from, as shown to people.
    pub file: Option<String>,
    /// The project root: where the configuration file is (or the repository root). The file's
    /// globs are relative to it and the baseline lives in it.
    pub root: PathBuf,
    /// Gitignore-style globs of paths not to scan (relative to `root`).
    pub exclude: Vec<String>,
    /// When not empty, only files matching one of these globs are scanned.
    pub include: Vec<String>,
    /// Values that are never secrets here: a finding whose secret matches one is suppressed.
    pub allow: Vec<AllowRule>,
    /// Which inline comment markers suppress findings.
    pub markers: Markers,
    /// One-line notes for people (e.g. an ignored configuration file).
    pub notes: Vec<String>,
    /// What the server-side hooks let a pushed repository loosen.
    pub server: ServerPolicy,
    /// When not empty, only patterns of these kinds run (`only`, `--only`).
    pub only: Vec<Kind>,
    rules: Rules,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            show_secrets: false,
            threads: 0,
            file: None,
            root: PathBuf::from("."),
            exclude: Vec::new(),
            include: Vec::new(),
            allow: Vec::new(),
            markers: Markers::default(),
            notes: Vec::new(),
            server: ServerPolicy::default(),
            only: Vec::new(),
            rules: Rules::default(),
        }
    }
}

/// Pattern selection and overrides, validated against the pattern set at load.
#[derive(Clone, Debug, Default)]
struct Rules {
    disable: Vec<String>,
    enable: Vec<String>,
    severity: BTreeMap<String, Severity>,
    entropy_min: Option<f64>,
    entropy: BTreeMap<String, f64>,
    min_confidence: Option<Confidence>,
    /// User patterns with their origin (`file:line:column`).
    patterns: Vec<(PatternSpec, String)>,
    /// The `test_code` key (`None`: the built-in policy, see `rules::testcode`).
    test_code: Option<std::sync::Arc<crate::rules::testcode::TestCode>>,
}

/// The file as written: every key optional, unknown keys rejected.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    max_file_size: Option<Size>,
    #[serde(default)]
    entropy: EntropyConfig,
    /// Findings below this confidence do not block (default medium).
    #[serde(default, alias = "min-confidence")]
    min_confidence: Option<Confidence>,
    #[serde(default)]
    markers: Markers,
    #[serde(default)]
    patterns: Vec<PatternSpec>,
    #[serde(default)]
    server: ServerPolicy,
    #[serde(default)]
    only: Vec<Kind>,
    #[serde(default)]
    test_code: Option<TestCodeConfig>,
}

/// The `server` key: what the server-side hooks (`pre-receive`, `update`) let a pushed
/// repository loosen. Only read from the server's own configuration; a configuration file
/// inside a pushed repository never reaches the server hooks.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServerPolicy {
    /// What the pushed content may use to suppress findings: `inline-allow` (comments such as
    /// `# pyguard: allow[id]` on the line), `baseline` (the `.pyguard-baseline.json` committed
    /// at the pushed tip). Empty: nothing; every finding blocks. Default: `[inline-allow]`.
    #[serde(default = "ServerPolicy::default_loosen")]
    pub repository_may: Vec<Loosen>,
}

/// Something a pushed repository may use to suppress findings on the server.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Loosen {
    /// Inline allow comments in the pushed files.
    InlineAllow,
    /// The baseline file committed at the pushed tip.
    Baseline,
}

impl ServerPolicy {
    fn default_loosen() -> Vec<Loosen> {
        vec![Loosen::InlineAllow]
    }

    /// Whether the policy lets the repository use `what`.
    #[must_use]
    pub fn allows(&self, what: Loosen) -> bool {
        self.repository_may.contains(&what)
    }
}

impl Default for ServerPolicy {
    fn default() -> Self {
        ServerPolicy {
            repository_may: Self::default_loosen(),
        }
    }
}

/// The test-code policy of the `test_code` key (`None` when the key is absent: the built-in
/// one applies).
fn test_code_policy(
    key: Option<TestCodeConfig>,
) -> Result<Option<std::sync::Arc<crate::rules::testcode::TestCode>>> {
    let Some(t) = key else { return Ok(None) };
    let globs = t.paths.unwrap_or_else(|| {
        crate::rules::testcode::DEFAULT_GLOBS
            .iter()
            .map(|g| (*g).to_string())
            .collect()
    });
    let policy =
        crate::rules::testcode::TestCode::new(&globs, t.severity.unwrap_or(Severity::Warning))?;
    Ok(Some(std::sync::Arc::new(policy)))
}

/// The `test_code` key: which paths are tests, and what a blocking Python finding there
/// becomes (see `rules::testcode`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCodeConfig {
    /// Globs of test paths (default: `rules::testcode::DEFAULT_GLOBS`); `[]` turns it off.
    #[serde(default)]
    paths: Option<Vec<String>>,
    /// The severity (default `warning`).
    #[serde(default)]
    severity: Option<Severity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntropyConfig {
    /// Floor for every secret pattern (raises, never lowers, a pattern's own floor).
    #[serde(default)]
    min: Option<f64>,
    /// Per pattern id: the floor to use instead of the pattern's own.
    #[serde(default)]
    patterns: BTreeMap<String, f64>,
}

/// `pyproject.toml`: only `[tool.pyguard]` is read; other tables are not ours to judge.
#[derive(Deserialize)]
struct PyProject {
    #[serde(default)]
    tool: Option<PyProjectTool>,
}

#[derive(Deserialize)]
struct PyProjectTool {
    #[serde(default)]
    pyguard: Option<FileConfig>,
}

/// A size written as a number of bytes or a string such as `"10MB"`.
#[derive(Debug, Clone, Copy)]
struct Size(u64);

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Size;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size such as 10MB or a number of bytes")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Size, E> {
                Ok(Size(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Size, E> {
                u64::try_from(v)
                    .map(Size)
                    .map_err(|_| E::custom("max_file_size must not be negative"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Size, E> {
                parse_size(v).map(Size).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Where the configuration came from and what it said, before validation.
struct Loaded {
    shown: String,
    text: String,
    file: FileConfig,
}

impl Config {
    /// Loads the configuration for a run over `start` (a scanned file or directory): the
    /// `explicit` file when given, else the one found from `start` up to the repository root,
    /// else defaults. Everything is validated here, including pattern ids and user patterns.
    pub fn load(explicit: Option<&Path>, start: &Path) -> Result<Config> {
        let start_dir = start_dir(start);
        let mut notes = Vec::new();
        let (loaded, root) = if let Some(path) = explicit {
            // A file named on the command line may live anywhere (`ci/pyguard.yaml`): its globs
            // and the baseline belong to the repository (or the scanned directory), not to it.
            let abs = std::fs::canonicalize(&start_dir).unwrap_or_else(|_| start_dir.clone());
            let root = abs
                .ancestors()
                .find(|a| a.join(".git").exists())
                .map_or_else(|| abs.clone(), Path::to_path_buf);
            (Some(read_file(path)?), root)
        } else {
            discover(&start_dir, &mut notes)?
        };
        let mut config = Config {
            root,
            notes,
            ..Config::default()
        };
        if let Some(loaded) = loaded {
            config.apply(loaded)?;
        }
        Ok(config)
    }

    fn apply(&mut self, loaded: Loaded) -> Result<()> {
        let Loaded { shown, text, file } = loaded;
        let at = |key: &str, needle: &str| -> String {
            let (line, col) = locate(&text, key, needle).unwrap_or((1, 1));
            format!("{shown}:{line}:{col}")
        };
        for (key, globs) in [("exclude", &file.exclude), ("include", &file.include)] {
            for g in globs {
                if let Err(e) = crate::pipeline::filter::check_glob(&self.root, g) {
                    bail!("{}: bad {key} glob {g:?}: {e}", at(key, g));
                }
            }
        }
        for source in &file.allow {
            self.allow.push(allow_rule(source, || at("allow", source))?);
        }
        if let Some(Size(n)) = file.max_file_size {
            self.max_file_size = n;
        }
        (self.server, self.only) = (file.server.clone(), file.only.clone());
        for (key, value) in file
            .entropy
            .min
            .iter()
            .map(|v| ("min", *v))
            .chain(file.entropy.patterns.iter().map(|(k, v)| (k.as_str(), *v)))
        {
            if !(0.0..=8.0).contains(&value) {
                bail!(
                    "{}: entropy {value} for {key} is outside 0..=8 bits per byte",
                    at(key, key)
                );
            }
        }
        let mut patterns = Vec::new();
        for spec in file.patterns {
            let origin = at("id", &spec.id);
            patterns.push((spec, origin));
        }
        self.exclude = file.exclude;
        self.include = file.include;
        self.markers = file.markers;
        self.rules = Rules {
            disable: file.disable,
            enable: file.enable,
            severity: file.severity,
            entropy_min: file.entropy.min,
            entropy: file.entropy.patterns,
            min_confidence: file.min_confidence,
            patterns,
            test_code: test_code_policy(file.test_code).with_context(|| at("test_code", ""))?,
        };
        // Validate ids and user patterns now, so that a bad file fails before any scanning.
        let all = self.all_patterns()?;
        let ids: HashSet<&str> = all.iter().map(Pattern::id).collect();
        let mut groups: HashSet<&str> = ["all", "secret", "python", "file"].into();
        groups.extend(
            all.iter()
                .flat_map(|p| p.spec.tags.iter().map(String::as_str)),
        );
        for (key, list) in [
            ("disable", &self.rules.disable),
            ("enable", &self.rules.enable),
        ] {
            for sel in list {
                if !ids.contains(sel.as_str()) && !groups.contains(sel.as_str()) {
                    bail!(
                        "{}: unknown pattern id or group {sel:?} in {key} (see `pyguard patterns list`; groups: all, secret, python, file, or a tag)",
                        at(key, sel)
                    );
                }
            }
        }
        for id in self
            .rules
            .severity
            .keys()
            .map(|k| ("severity", k))
            .chain(self.rules.entropy.keys().map(|k| ("entropy", k)))
        {
            if !ids.contains(id.1.as_str()) {
                bail!(
                    "{}: unknown pattern id {:?} in {} (see `pyguard patterns list`)",
                    at(id.0, id.1),
                    id.1,
                    id.0
                );
            }
        }
        self.file = Some(shown);
        Ok(())
    }

    /// The built-in and user patterns, before selection.
    fn all_patterns(&self) -> Result<Vec<Pattern>> {
        let mut all = pattern::load_embedded()?;
        let mut errors = Vec::new();
        for (spec, origin) in &self.rules.patterns {
            match pattern::validate(spec.clone(), origin, true) {
                Ok(p) => all.push(p),
                Err(e) => errors.push(format!("{e:#}")),
            }
        }
        if !errors.is_empty() {
            bail!("{}", errors.join("\n"));
        }
        pattern::check_unique(&all)?;
        Ok(all)
    }

    /// The patterns this run uses: built-in and user patterns, minus the disabled ones, with
    /// severity and entropy overrides applied.
    pub fn patterns(&self) -> Result<Vec<Pattern>> {
        let mut all = self.all_patterns()?;
        all.retain(|p| {
            self.enabled(p) && (self.only.is_empty() || self.only.contains(&p.spec.kind))
        });
        for p in &mut all {
            // Below the confidence that blocks, a finding is reported but does not block.
            let min = self.rules.min_confidence.unwrap_or(Confidence::Medium);
            if p.confidence() < min {
                p.spec.severity = Severity::Warning;
            }
            p.min_confidence = min;
            if let Some(s) = self.rules.severity.get(p.id()) {
                // An explicit severity covers the pattern's tainted matches too.
                p.spec.severity = *s;
                p.spec.tainted_severity = None;
            }
            p.test_code.clone_from(&self.rules.test_code);
            if let Some(min) = self.rules.entropy_min {
                if p.spec.kind == Kind::Secret {
                    p.spec.min_entropy = Some(p.spec.min_entropy.map_or(min, |own| own.max(min)));
                }
            }
            if let Some(e) = self.rules.entropy.get(p.id()) {
                p.spec.min_entropy = Some(*e);
            }
        }
        Ok(all)
    }

    /// Whether a pattern is on: off when a `disable` selector names it, unless an `enable`
    /// selector names it too (so `disable: [python]`, `enable: [exec-user-input]` keeps one).
    fn enabled(&self, p: &Pattern) -> bool {
        let hits = |sel: &String| {
            sel == "all"
                || sel == p.id()
                || sel == &p.spec.kind.to_string()
                || p.spec.tags.iter().any(|t| t == sel)
        };
        !self.rules.disable.iter().any(hits) || self.rules.enable.iter().any(hits)
    }
}

/// The directory a run starts from: `start` itself, or its parent for a file or `-`.
fn start_dir(start: &Path) -> PathBuf {
    if start.as_os_str() == "-" {
        return PathBuf::from(".");
    }
    if start.is_dir() {
        start.to_path_buf()
    } else {
        match start.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// Looks for the configuration from `dir` up to the repository root (the first directory
/// holding `.git`); outside a repository, only in `dir`. Returns it and the project root.
fn discover(dir: &Path, notes: &mut Vec<String>) -> Result<(Option<Loaded>, PathBuf)> {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let git_root = abs.ancestors().find(|a| a.join(".git").exists());
    let candidates: Vec<&Path> = match git_root {
        Some(top) => abs
            .ancestors()
            .take_while(|a| *a != top)
            .chain([top])
            .collect(),
        None => vec![abs.as_path()],
    };
    for cand in &candidates {
        let yaml = cand.join(YAML_FILE);
        let pyproject = cand.join(PYPROJECT_FILE);
        let has_table = std::fs::read_to_string(&pyproject).is_ok_and(|t| {
            t.lines()
                .any(|l| l.trim_start().starts_with("[tool.pyguard"))
        });
        // A `.pyguard.yaml` that is not a file (a directory, a dangling link) is an error,
        // not silently no configuration.
        if yaml.symlink_metadata().is_ok() && !yaml.is_file() {
            bail!("{}: is not a readable file", shown(&yaml));
        }
        if yaml.is_file() {
            if has_table {
                notes.push(format!(
                    "using {}; [tool.pyguard] in {} is ignored",
                    shown(&yaml),
                    shown(&pyproject)
                ));
            }
            return Ok((Some(read_file(&yaml)?), cand.to_path_buf()));
        }
        if has_table {
            return Ok((Some(read_file(&pyproject)?), cand.to_path_buf()));
        }
    }
    let root = git_root.map_or(abs.clone(), Path::to_path_buf);
    Ok((None, root))
}

/// A path for people: relative to the current directory when under it.
fn shown(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    match rel {
        Some(r) if !r.as_os_str().is_empty() => r.display().to_string(),
        _ => path.display().to_string(),
    }
}

/// Reads and parses one configuration file: TOML for `*.toml` (`[tool.pyguard]` for a
/// `pyproject.toml`, top-level keys otherwise), YAML for anything else.
fn read_file(path: &Path) -> Result<Loaded> {
    let shown = shown(path);
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read configuration file {shown}"))?;
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let file = if is_toml {
        let parsed = if path.file_name().is_some_and(|n| n == PYPROJECT_FILE) {
            toml::from_str::<PyProject>(&text)
                .map(|p| p.tool.and_then(|t| t.pyguard).unwrap_or_default())
        } else {
            toml::from_str::<FileConfig>(&text)
        };
        parsed.map_err(|e| {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(&text, s.start));
            anyhow!("{shown}:{line}:{col}: {}", e.message().trim())
        })?
    } else if text.trim().is_empty() {
        FileConfig::default()
    } else {
        serde_saphyr::from_str::<FileConfig>(&text).map_err(|e| {
            let (line, col) = e
                .location()
                .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
            anyhow!("{shown}:{line}:{col}: {}", yaml_message(&e))
        })?
    };
    Ok(Loaded { shown, text, file })
}

/// A YAML error's message without the location and source excerpt saphyr renders.
fn yaml_message(err: &serde_saphyr::Error) -> String {
    let msg = err.to_string();
    let first = msg.lines().next().unwrap_or("invalid YAML").trim();
    // saphyr prefixes "error: line L column C: " in some versions; keep only the message.
    let first = first.strip_prefix("error:").unwrap_or(first).trim();
    let first = match first.find(": ") {
        Some(i) if first[..i].contains("line") => &first[i + 2..],
        _ => first,
    };
    // saphyr speaks of parser events; say what the file should hold instead.
    match first {
        "expected sequence start" => "expected a list, e.g. [a, b]".to_string(),
        "expected mapping start" => "expected a mapping of keys to values".to_string(),
        "invalid boolean" => "expected true or false".to_string(),
        "invalid floating point" => "expected a number".to_string(),
        other => other.to_string(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let byte = byte.min(text.len());
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Where `needle` first occurs as a whole value after the key `key` (a YAML `key:`, a TOML
/// `key =` or `[...key]` header); anywhere, when the key is not found.
fn locate(text: &str, key: &str, needle: &str) -> Option<(usize, usize)> {
    let key_at = find_word(text, key, 0);
    let from = key_at.map_or(0, |k| k + key.len());
    let at = find_word(text, needle, from).or_else(|| find_word(text, needle, 0))?;
    Some(line_col(text, at))
}

/// The first occurrence of `word` at or after `from` that is not part of a longer name.
fn find_word(text: &str, word: &str, from: usize) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut pos = from;
    while let Some(i) = text.get(pos..)?.find(word) {
        let at = pos + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let bounded = |c: Option<char>| c.is_none_or(|c| !is_name(c));
        let name_like = word.chars().all(is_name);
        if !name_like || (bounded(before) && bounded(after)) {
            return Some(at);
        }
        pos = at + word.len();
    }
    None
}

/// Parses a size such as `10MB`, `512k`, `1048576` or `2 GiB` into bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| {
        format!("invalid size {text:?}: expected a number with an optional unit (KB, MB, GB)")
    })?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "invalid size unit {other:?} in {text:?} (use KB, MB or GB)"
            ))
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size {text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10MB"), Ok(10 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("42"), Ok(42));
        assert_eq!(parse_size("2 GiB"), Ok(2 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }

    /// Loads `text` as the file `name` in a fresh directory.
    fn load(name: &str, text: &str) -> Result<Config> {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        Config::load(None, dir.path())
    }

    fn err(name: &str, text: &str) -> String {
        format!("{:#}", load(name, text).unwrap_err())
    }

    const USER_PATTERN: &str = r"
patterns:
  - id: acme-token
    name: ACME token
    kind: secret
    severity: warning
    keywords: [acme_]
    regex: '\b(acme_[a-z0-9]{16})\b'
    description: {what: a, why: b, fix: c}
";

    #[test]
    fn every_key_is_read_from_yaml() {
        let text = format!(
            "exclude: ['fixtures/**']\ninclude: ['*.py']\ndisable: [python]\nenable: [exec-user-input]\n\
             severity: {{github-token: warning}}\nallow: ['^ghp_0+$']\nmax_file_size: 2MB\n\
             entropy: {{min: 2.5, patterns: {{generic-secret-assignment: 4.5}}}}\n\
             markers: {{nosec: false}}\n{USER_PATTERN}"
        );
        let c = load(YAML_FILE, &text).unwrap();
        assert!(c.file.as_deref().unwrap().ends_with(YAML_FILE));
        assert_eq!(c.exclude, ["fixtures/**"]);
        assert_eq!(c.include, ["*.py"]);
        assert_eq!(c.max_file_size, 2 << 20);
        assert_eq!(c.allow[0].source, "^ghp_0+$");
        assert!(!c.markers.nosec && c.markers.gitleaks);
        let pats = c.patterns().unwrap();
        let get = |id: &str| pats.iter().find(|p| p.id() == id);
        assert!(get("django-debug-true").is_none(), "python group disabled");
        assert!(get("exec-user-input").is_some(), "enable wins over a group");
        assert_eq!(
            get("github-token").unwrap().spec.severity,
            Severity::Warning
        );
        assert_eq!(
            get("generic-secret-assignment").unwrap().spec.min_entropy,
            Some(4.5)
        );
        let floor = get("aws-access-key-id").unwrap().spec.min_entropy.unwrap();
        assert!(floor >= 2.5, "{floor}");
        assert!(get("acme-token").is_some(), "user pattern loaded");
    }

    #[test]
    fn pyproject_table_is_read_and_yaml_wins_over_it() {
        let toml =
            "[project]\nname = 'x'\n\n[tool.pyguard]\nexclude = ['a/**']\ndisable = ['secret']\n";
        let c = load(PYPROJECT_FILE, toml).unwrap();
        assert_eq!(c.exclude, ["a/**"]);
        assert!(c
            .patterns()
            .unwrap()
            .iter()
            .all(|p| p.spec.kind != Kind::Secret));

        let dir = tempfile::TempDir::new().unwrap();
        std::fs::write(dir.path().join(PYPROJECT_FILE), toml).unwrap();
        std::fs::write(dir.path().join(YAML_FILE), "exclude: ['b/**']\n").unwrap();
        let c = Config::load(None, dir.path()).unwrap();
        assert_eq!(c.exclude, ["b/**"]);
        assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
        assert!(c.notes[0].contains("is ignored"), "{:?}", c.notes);
    }

    #[test]
    fn pyproject_without_table_is_not_a_config() {
        let c = load(PYPROJECT_FILE, "[project]\nname = 'x'\n").unwrap();
        assert!(c.file.is_none());
    }

    #[test]
    fn unknown_key_names_file_line_and_column() {
        let e = err(YAML_FILE, "exclude: []\nexlude: ['x']\n");
        assert!(e.contains(".pyguard.yaml:2:1:"), "{e}");
        assert!(e.contains("exlude"), "{e}");
        let e = err(
            PYPROJECT_FILE,
            "[tool.pyguard]\nexclude = []\nexlude = ['x']\n",
        );
        assert!(e.contains("pyproject.toml:3:1:"), "{e}");
        assert!(e.contains("exlude"), "{e}");
    }

    #[test]
    fn wrong_type_is_an_error_with_location() {
        let e = err(YAML_FILE, "exclude: 5\n");
        assert!(e.contains(".pyguard.yaml:1:"), "{e}");
        let e = err(PYPROJECT_FILE, "[tool.pyguard]\nmax_file_size = true\n");
        assert!(e.contains("pyproject.toml:2:"), "{e}");
        let e = err(YAML_FILE, "max_file_size: 5 parsecs\n");
        assert!(e.contains("parsecs") && e.contains(":1:"), "{e}");
        let e = err(YAML_FILE, "disable: python\n");
        assert!(e.contains(".pyguard.yaml:1:10: expected a list"), "{e}");
        let e = err(YAML_FILE, "markers: {nosec: maybe}\n");
        assert!(e.contains(":1:18: expected true or false"), "{e}");
        let e = err(YAML_FILE, "severity: {github-token: fatal}\n");
        assert!(e.contains(":1:"), "{e}");
    }

    #[test]
    fn bad_glob_and_bad_regex_are_located() {
        let e = err(YAML_FILE, "exclude:\n  - 'ok/**'\n  - 'src/[a-'\n");
        assert!(e.contains(".pyguard.yaml:3:6: bad exclude glob"), "{e}");
        let e = err(YAML_FILE, "allow:\n  - 'ghp_(unclosed'\n");
        assert!(e.contains(".pyguard.yaml:2:6: bad allow regex"), "{e}");
    }

    #[test]
    fn unknown_pattern_ids_are_errors() {
        let e = err(YAML_FILE, "severity:\n  github-tokn: warning\n");
        assert!(
            e.contains(".pyguard.yaml:2:3: unknown pattern id \"github-tokn\""),
            "{e}"
        );
        let e = err(YAML_FILE, "disable: [secrets]\n");
        assert!(
            e.contains(".pyguard.yaml:1:11: unknown pattern id or group"),
            "{e}"
        );
        let e = err(YAML_FILE, "entropy:\n  patterns: {nope: 3}\n");
        assert!(e.contains(":2:14:") && e.contains("nope"), "{e}");
        let e = err(YAML_FILE, "entropy: {min: 9}\n");
        assert!(e.contains("outside 0..=8"), "{e}");
    }

    #[test]
    fn bad_user_pattern_is_located() {
        let text = USER_PATTERN.replace(r"'\b(acme_[a-z0-9]{16})\b'", "'acme_[a-'");
        let e = err(YAML_FILE, &text);
        assert!(e.contains(".pyguard.yaml:3:9: pattern acme-token"), "{e}");
        assert!(e.contains("invalid regex"), "{e}");
        let dup = USER_PATTERN.replace("acme-token", "github-token");
        let e = err(YAML_FILE, &dup);
        assert!(e.contains("defined twice"), "{e}");
    }

    #[test]
    fn empty_file_is_defaults() {
        let c = load(YAML_FILE, "").unwrap();
        assert!(c.exclude.is_empty());
        assert_eq!(c.max_file_size, DEFAULT_MAX_FILE_SIZE);
    }
}
