//! The pattern file format and its loader.
//!
//! A pattern is data: an id, keywords for the prefilter, a regex with a capture group for the
//! secret, optional entropy floor, validator and path globs, a three-part description and
//! examples on both sides. This module parses and validates pattern files (the embedded ones
//! and the user's own); it does not match anything (see `matcher`).

use std::fmt;
use std::sync::OnceLock;

use anyhow::{bail, Context as _, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::rules::testcode::TestCode;
use crate::rules::validate::Validator;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_patterns.rs"));
}

/// What a pattern looks for: a credential, or an unsafe Python construct.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A credential: key, token, password, private key.
    Secret,
    /// An unsafe Python construct or configuration.
    Python,
    /// A file that should not be committed at all (credentials file, virtual environment).
    File,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Secret => "secret",
            Kind::Python => "python",
            Kind::File => "file",
        })
    }
}

/// Whether a finding blocks (`error`) or is only reported (`warning`).
#[derive(
    Clone, Copy, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, does not change the exit code.
    Warning,
    /// Blocks a commit; exit code 1.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Where the value reaching a sink came from (see `matcher::taint`), weakest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Taint {
    /// Nothing known to come from outside the program.
    #[default]
    Clean,
    /// Read from a file: outside data when the file is, the program's own data otherwise.
    File,
    /// User input, arguments, environment, request or socket data.
    Outside,
}

/// How sure a finding is: high for a provider prefix with a checksum or structure, medium
/// for a provider shape or a secret-named key in context, low for randomness alone or a
/// hand-typed sample. The hook blocks at `min-confidence` (medium by default) and above.
#[derive(
    Clone, Copy, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Randomness alone, or a sample.
    Low,
    /// A provider shape in context, or a secret-named key holding a literal.
    Medium,
    /// A provider prefix with a checksum or a decodable structure.
    High,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        })
    }
}

/// Which part of a file a pattern's matches count in.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    /// Anywhere (the default for secrets: they are found inside strings and comments).
    Any,
    /// Python code only: in a Python file, a match must start on code, not inside a comment,
    /// docstring or string literal (it may start on a literal's opening quote).
    Code,
    /// Only the requirement names of a dependency manifest (`requirements*.txt`,
    /// `pyproject.toml`, `setup.cfg`, `setup.py`, `Pipfile`, the `pip:` list of a conda
    /// `environment.yml`), each read as PEP 508: a window holds one name.
    Dependencies,
    /// Only the URLs a manifest fetches packages from: index, extra index and find-links URLs,
    /// direct references (with the options after them, such as `--hash`), source `url`s.
    PackageSource,
    /// Only the indexes an installer merges with `PyPI`, taking the highest version from
    /// either (pip's `--extra-index-url`, PDM sources, uv's `unsafe-best-match`).
    ExtraIndex,
    /// Only the hosts (or source URLs) whose TLS checks a manifest turns off.
    TrustedHost,
}

impl Region {
    /// Whether the region is read from dependency manifests (`matcher::deps`). Such regions
    /// replace the keyword prefilter, so a pattern over one may have no keywords.
    #[must_use]
    pub fn is_manifest(self) -> bool {
        matches!(
            self,
            Region::Dependencies | Region::PackageSource | Region::ExtraIndex | Region::TrustedHost
        )
    }
}

/// A file-level condition: a match is kept only in a file that matches `paths`, or whose code
/// matches `regex` somewhere (a Django setting outside `settings.py`, say).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    /// Globs of files that satisfy the condition by their name alone.
    #[serde(default)]
    pub paths: Vec<String>,
    /// A regex that satisfies the condition when it matches the file's code.
    #[serde(default)]
    pub regex: Option<String>,
}

/// The three-part description every pattern carries.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Description {
    /// What the pattern finds.
    pub what: String,
    /// Why it is bad.
    pub why: String,
    /// What to do instead.
    pub fix: String,
}

/// An example text, optionally with the path it is scanned under (for path-scoped patterns).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Example {
    /// Text scanned under the pattern's default example path.
    Text(String),
    /// Text scanned under an explicit path.
    WithPath {
        /// Path the example is scanned as.
        path: String,
        /// The example's content.
        text: String,
    },
}

impl Example {
    /// The example's text.
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) | Example::WithPath { text: t, .. } => t,
        }
    }

    /// The path the example is scanned as, if given.
    #[must_use]
    pub fn path(&self) -> Option<&str> {
        match self {
            Example::Text(_) => None,
            Example::WithPath { path, .. } => Some(path),
        }
    }
}

/// One pattern as written in a pattern file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternSpec {
    /// Unique id naming the bad thing (`aws-access-key-id`).
    pub id: String,
    /// Human name.
    pub name: String,
    /// Secret or Python pattern.
    pub kind: Kind,
    /// Error blocks, warning reports.
    pub severity: Severity,
    /// How sure a match is; when absent, derived from the pattern's form (see
    /// [`Pattern::confidence`]).
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// Keywords for the prefilter, matched ASCII case-insensitively. May be empty when `paths`
    /// is given (the path is then the prefilter); unused by `kind: file` patterns.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Whether a keyword counts only as a whole word: not inside a longer word (`text(` in
    /// `text(...)`, not in `context(...)`; `delete` in `DELETE FROM`, not in `delete_token`).
    /// An edge that is not a letter, digit or `_` needs no boundary.
    #[serde(default)]
    pub keywords_whole_word: bool,
    /// Regex with a capture group (named `secret`, else the first) for the secret or span.
    /// For `kind: file` it is the optional content check (empty: the path alone decides).
    #[serde(default)]
    pub regex: String,
    /// Minimum Shannon entropy (bits per byte) of the captured text.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Name of an offline structural validator.
    #[serde(default)]
    pub validator: Option<String>,
    /// Globs restricting the paths this pattern applies to.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Globs of paths the pattern never applies to, even when `paths` match (`.env.example`).
    #[serde(default)]
    pub exclude_paths: Vec<String>,
    /// A built-in detector instead of a regex. For `kind: file`: one that judges the whole set
    /// of paths of a scan or commit (`virtualenv`, `compiled-python`; see `pipeline::pathset`).
    /// For `kind: secret`: one that judges content (`generic-password`, `generic-secret`,
    /// `generic-sample` from `matcher::assignment`, `high-entropy` from `matcher::highentropy`).
    #[serde(default)]
    pub detector: Option<String>,
    /// Where matches count (default `any`; the built-in unsafe-Python patterns say `code`).
    #[serde(default)]
    pub region: Option<Region>,
    /// A regex that drops a match when it matches the matched text (a safe loader, a flag).
    #[serde(default)]
    pub unless: Option<String>,
    /// One-step flow: when the regex's `flow` group matched a name, the match is kept only if
    /// the name's nearest earlier assignment in the same scope has a right-hand side that
    /// starts with this regex.
    #[serde(default)]
    pub flow_sources: Option<String>,
    /// The severity of a match whose capture group named `tainted` holds data from outside
    /// the program (user input, arguments, environment, request data; see `matcher::taint`):
    /// the pattern's own `severity` applies to the other matches.
    #[serde(default)]
    pub tainted_severity: Option<Severity>,
    /// A file-level condition (see [`ContextSpec`]).
    #[serde(default)]
    pub context: Option<ContextSpec>,
    /// How many lines a match may span (1 for single-line patterns).
    #[serde(default = "one")]
    pub max_lines: u32,
    /// Whether the regex needs Unicode classes (off by default: faster, byte-oriented).
    #[serde(default)]
    pub unicode: bool,
    /// Tags a user can enable or disable as a group.
    #[serde(default)]
    pub tags: Vec<String>,
    // The documentation, read through `Pattern::description` and its siblings: a built-in
    // pattern's is kept apart (see `Docs`), so these are empty for one.
    #[serde(default)]
    description: Description,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    examples: Vec<Example>,
    #[serde(default)]
    negative_examples: Vec<Example>,
    /// Path used for examples that do not name one (defaults to `example.py` or the first glob).
    #[serde(default)]
    pub example_path: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternFile {
    patterns: Vec<PatternSpec>,
}

/// A built-in pattern's documentation, embedded apart from its definition (`build.rs` splits
/// them): a hook run that reports nothing never parses it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Docs {
    description: Description,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    examples: Vec<Example>,
    #[serde(default)]
    negative_examples: Vec<Example>,
}

/// Every built-in pattern's documentation, by embedded file and position, parsed on first
/// use; a file whose documentation does not parse has none (`docs_errors` reports it).
fn embedded_docs() -> &'static [Vec<Docs>] {
    static DOCS: OnceLock<Vec<Vec<Docs>>> = OnceLock::new();
    DOCS.get_or_init(|| {
        embedded::EMBEDDED
            .iter()
            .map(|(_, _, docs)| serde_json::from_str(docs).unwrap_or_default())
            .collect()
    })
}

/// Problems with the built-in patterns' documentation: a file whose documentation does not
/// parse, or a pattern without it.
fn docs_errors() -> Vec<String> {
    let mut out = Vec::new();
    for (name, patterns, docs) in embedded::EMBEDDED {
        let count = serde_json::from_str::<serde_json::Value>(patterns)
            .ok()
            .and_then(|v| v.get("patterns").and_then(|p| p.as_array().map(Vec::len)))
            .unwrap_or(0);
        match serde_json::from_str::<Vec<Docs>>(docs) {
            Err(e) => out.push(format!("patterns/{name}: documentation: {e}")),
            Ok(d) if d.len() != count => out.push(format!(
                "patterns/{name}: {} documentation entries for {count} patterns",
                d.len()
            )),
            Ok(_) => {}
        }
    }
    out
}

/// A validated pattern, ready for the matcher. The regex is compiled on first use so that a
/// hook run compiles only the patterns its content triggers.
#[derive(Debug)]
pub struct Pattern {
    /// The pattern as written.
    pub spec: PatternSpec,
    /// The file it came from (for error messages).
    pub origin: String,
    /// Where a built-in pattern's documentation is: (embedded file, position in it).
    docs_at: Option<(usize, usize)>,
    /// Path globs, compiled on first use; `None` when the pattern applies everywhere.
    paths: OnceLock<Option<GlobSet>>,
    /// Whether any glob names a directory (matched against the whole path, not the file name).
    paths_need_full: bool,
    /// `exclude_paths`, compiled on first use.
    exclude: OnceLock<Option<GlobSet>>,
    /// Whether any exclude glob names a directory.
    exclude_need_full: bool,
    /// Parsed validator.
    pub validator: Option<Validator>,
    regex: OnceLock<Result<Regex, String>>,
    /// `context.paths`, compiled on first use.
    context_paths: OnceLock<Option<GlobSet>>,
    /// `unless`, `flow_sources` (anchored) and `context.regex`, compiled on first use.
    unless: OnceLock<Option<Regex>>,
    flow: OnceLock<Option<Regex>>,
    context_regex: OnceLock<Option<Regex>>,
    /// The test-code policy from the configuration (`None`: the built-in one).
    pub test_code: Option<std::sync::Arc<TestCode>>,
    /// The configured `min_confidence`: a finding below it does not block (see
    /// [`Pattern::severity_at`]).
    pub min_confidence: Confidence,
}

impl Pattern {
    /// The compiled regex, compiling it on first use.
    pub fn regex(&self) -> Result<&Regex> {
        match self
            .regex
            .get_or_init(|| compile(&self.spec).map_err(|e| format!("{e:#}")))
        {
            Ok(re) => Ok(re),
            Err(e) => bail!("pattern {} ({}): {e}", self.spec.id, self.origin),
        }
    }

    /// The pattern id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// What the pattern finds, why it matters, what to do instead.
    #[must_use]
    pub fn description(&self) -> &Description {
        self.docs()
            .map_or(&self.spec.description, |d| &d.description)
    }

    /// Where the format or the advice comes from.
    #[must_use]
    pub fn references(&self) -> &[String] {
        self.docs().map_or(&self.spec.references, |d| &d.references)
    }

    /// Texts that must fire this pattern.
    #[must_use]
    pub fn examples(&self) -> &[Example] {
        self.docs().map_or(&self.spec.examples, |d| &d.examples)
    }

    /// Texts that must not fire this pattern.
    #[must_use]
    pub fn negative_examples(&self) -> &[Example] {
        self.docs()
            .map_or(&self.spec.negative_examples, |d| &d.negative_examples)
    }

    /// A built-in pattern's documentation (`None` for a user pattern, whose documentation is
    /// in its spec; a built-in one's spec holds empty documentation to fall back on).
    fn docs(&self) -> Option<&'static Docs> {
        let (file, index) = self.docs_at?;
        embedded_docs().get(file)?.get(index)
    }

    /// The severity of a match at `path`: `tainted_severity` for a match whose `tainted` group
    /// carries outside data, else `severity`; a blocking Python code finding in test code
    /// (see [`TestCode`]) is lowered to the test-code severity. Data read from a file gives a
    /// low-confidence finding ([`Pattern::confidence_at`]): `tainted_severity` only when the
    /// configured `min_confidence` is low, since most programs read their own files.
    #[must_use]
    pub fn severity_at(&self, path: &str, taint: Taint) -> Severity {
        let own = match self.spec.tainted_severity {
            Some(s) if taint == Taint::Outside => s,
            Some(s) if taint == Taint::File && self.min_confidence <= Confidence::Low => s,
            _ => self.spec.severity,
        };
        if own == Severity::Error && self.spec.kind == Kind::Python && self.region() == Region::Code
        {
            let policy: &TestCode = match self.test_code.as_deref() {
                Some(own) => own,
                None => TestCode::builtin(),
            };
            if policy.holds(path) {
                return policy.severity;
            }
        }
        own
    }

    /// Whether this pattern applies to `path` (always, when it has no globs).
    #[must_use]
    pub fn applies_to(&self, path: &str) -> bool {
        let path = path.replace('\\', "/");
        if let Some(set) = lazy_globs(&self.exclude, &self.spec.exclude_paths) {
            if glob_matches(set, self.exclude_need_full, &path) {
                return false;
            }
        }
        match lazy_globs(&self.paths, &self.spec.paths) {
            None => true,
            Some(set) => glob_matches(set, self.paths_need_full, &path),
        }
    }

    /// Whether the pattern is limited to some paths (it has `paths` globs).
    #[must_use]
    pub fn is_path_scoped(&self) -> bool {
        !self.spec.paths.is_empty()
    }

    /// Whether this is a `kind: file` pattern matched per file by its path (not a detector).
    #[must_use]
    pub fn is_path_pattern(&self) -> bool {
        self.spec.kind == Kind::File && self.spec.detector.is_none()
    }

    /// The content detector this pattern names, if any (see [`CONTENT_DETECTORS`]).
    #[must_use]
    pub fn content_detector(&self) -> Option<&str> {
        match self.spec.kind {
            Kind::File => None,
            _ => self.spec.detector.as_deref(),
        }
    }

    /// The confidence of a match: low when only a file read taints it (the file may well be
    /// the program's own), else the pattern's.
    #[must_use]
    pub fn confidence_at(&self, taint: Taint) -> Confidence {
        if taint == Taint::File && self.spec.tainted_severity.is_some() {
            Confidence::Low
        } else {
            self.confidence()
        }
    }

    /// How sure this pattern's matches are: as written, or derived from its form: a validator
    /// that checks a checksum or structure, or a regex that starts with a literal prefix of
    /// four or more characters, is high; a detector of randomness alone is low; the rest
    /// (keywords in context) medium.
    #[must_use]
    pub fn confidence(&self) -> Confidence {
        if let Some(c) = self.spec.confidence {
            return c;
        }
        if self.spec.kind != Kind::Secret {
            return Confidence::High;
        }
        match self.spec.detector.as_deref() {
            Some("high-entropy" | "generic-sample") => return Confidence::Low,
            Some(_) => return Confidence::Medium,
            None => {}
        }
        if self.validator.is_some_and(|v| v != Validator::Generic) {
            return Confidence::High;
        }
        if self.spec.tags.iter().any(|t| t == "generic") {
            return Confidence::Medium;
        }
        if literal_prefix_len(&self.spec.regex) >= 4 {
            Confidence::High
        } else {
            Confidence::Medium
        }
    }

    /// Where this pattern's matches count.
    #[must_use]
    pub fn region(&self) -> Region {
        self.spec.region.unwrap_or(Region::Any)
    }

    /// The compiled `unless` regex.
    pub fn unless(&self) -> Option<&Regex> {
        lazy(&self.unless, self.spec.unless.as_deref(), false)
    }

    /// Whether a match rests on more than its own text (a flow or a context check), so that a
    /// change elsewhere in the file can complete it.
    pub fn has_evidence(&self) -> bool {
        self.spec.flow_sources.is_some()
            || self.spec.context.is_some()
            || self.spec.tainted_severity.is_some()
    }

    /// The compiled `flow_sources` regex, anchored at the start of a right-hand side.
    pub fn flow_sources(&self) -> Option<&Regex> {
        lazy(&self.flow, self.spec.flow_sources.as_deref(), true)
    }

    /// Whether the file satisfies the pattern's `context` (always, when it has none).
    /// `code_matches` runs a regex over the file's code.
    pub fn context_holds(&self, path: &str, code_matches: impl FnOnce(&Regex) -> bool) -> bool {
        let Some(ctx) = &self.spec.context else {
            return true;
        };
        if let Some(set) = lazy_globs(&self.context_paths, &ctx.paths) {
            if glob_matches(set, true, &path.replace('\\', "/")) {
                return true;
            }
        }
        lazy(&self.context_regex, ctx.regex.as_deref(), false).is_some_and(code_matches)
    }

    /// The path an example is scanned under when it does not name one.
    #[must_use]
    pub fn default_example_path(&self) -> String {
        if let Some(p) = &self.spec.example_path {
            return p.clone();
        }
        match self.spec.paths.first() {
            Some(glob) => glob.replace("**/", "").replace('*', "example"),
            None => "example.py".to_string(),
        }
    }
}

/// Whether a set of globs matches `path` (already `/`-separated): a glob without a `/` matches
/// the file name; one with a directory part matches the path or any tail of it
/// (`settings/*.py` matches `proj/settings/base.py`).
#[must_use]
pub fn glob_matches(set: &GlobSet, need_full: bool, path: &str) -> bool {
    if set.is_match(path) {
        return true;
    }
    if !need_full {
        let name = path.rsplit('/').next().unwrap_or(path);
        return set.is_match(name);
    }
    path.match_indices('/')
        .any(|(i, _)| set.is_match(&path[i + 1..]))
}

/// The detectors a `kind: file` pattern may name (see `pipeline::pathset`).
pub const DETECTORS: &[&str] = &["virtualenv", "compiled-python"];

/// The detectors a `kind: secret` pattern may name instead of a regex (see `matcher`).
pub const CONTENT_DETECTORS: &[&str] = &[
    "generic-password",
    "generic-secret",
    "generic-sample",
    "high-entropy",
];

/// The length of the literal text a regex's secret starts with (`ghp_` in
/// `\b(ghp_[A-Za-z0-9]{36})`): flags, anchors, word boundaries and the opening of the
/// capture group are skipped; any other syntax ends the prefix.
fn literal_prefix_len(regex: &str) -> usize {
    let mut rest = regex;
    loop {
        let before = rest.len();
        for skip in [
            "(?i)",
            "(?m)",
            "(?-i)",
            "(?x)",
            "\\b",
            "^",
            "(?:",
            "(?P<secret>",
            "(",
        ] {
            if let Some(r) = rest.strip_prefix(skip) {
                rest = r;
            }
        }
        if rest.len() == before {
            break;
        }
    }
    rest.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .count()
}

/// Compiles an auxiliary regex once. Patterns are validated with these regexes compiled, so a
/// failure here is a bug in validation; it then behaves as if the option were absent.
fn lazy<'a>(
    cell: &'a OnceLock<Option<Regex>>,
    src: Option<&str>,
    anchor: bool,
) -> Option<&'a Regex> {
    cell.get_or_init(|| src.and_then(|s| aux_regex(s, anchor).ok()))
        .as_ref()
}

fn aux_regex(src: &str, anchor: bool) -> Result<Regex> {
    let text = if anchor {
        format!(r"\A(?:{src})")
    } else {
        src.to_string()
    };
    RegexBuilder::new(&text)
        .unicode(false)
        .size_limit(50 << 20)
        .build()
        .with_context(|| format!("invalid regex {src:?}"))
}

/// Checks the auxiliary regexes (`unless`, `flow_sources`, `context.regex`) compile.
fn check_aux_regexes(spec: &PatternSpec, problems: &mut Vec<String>) {
    for (what, src) in [
        ("unless", spec.unless.as_deref()),
        ("flow_sources", spec.flow_sources.as_deref()),
        (
            "context.regex",
            spec.context.as_ref().and_then(|c| c.regex.as_deref()),
        ),
    ] {
        if let Some(Err(e)) = src.map(|s| aux_regex(s, false)) {
            problems.push(format!("{what}: {e:#}"));
        }
    }
}

/// Reports the globs that do not parse (a set of valid globs always builds).
fn check_globs(globs: &[String], problems: &mut Vec<String>) {
    for g in globs {
        if let Err(e) = Glob::new(g) {
            problems.push(format!("bad path glob {g:?}: {e}"));
        }
    }
}

/// The glob set of `globs`, built on first use; `None` when there are none.
fn lazy_globs<'a>(cell: &'a OnceLock<Option<GlobSet>>, globs: &[String]) -> Option<&'a GlobSet> {
    cell.get_or_init(|| {
        if globs.is_empty() {
            return None;
        }
        let mut builder = GlobSetBuilder::new();
        for glob in globs.iter().filter_map(|g| Glob::new(g).ok()) {
            builder.add(glob);
        }
        builder.build().ok()
    })
    .as_ref()
}

fn compile(spec: &PatternSpec) -> Result<Regex> {
    let re = RegexBuilder::new(&spec.regex)
        .unicode(spec.unicode)
        .size_limit(50 << 20)
        .build()
        .with_context(|| format!("invalid regex {:?}", spec.regex))?;
    // A file pattern's regex is a yes/no content check; other patterns capture the secret.
    if re.captures_len() < 2 && spec.kind != Kind::File {
        bail!("regex needs a capture group for the secret");
    }
    Ok(re)
}

/// Loads and validates one pattern file's text. `origin` names the file in errors.
/// Every problem is reported, not only the first.
pub fn parse_file(origin: &str, text: &str) -> Result<Vec<Pattern>> {
    let file: PatternFile = serde_saphyr::from_str(text)
        .map_err(|e| anyhow::anyhow!("{origin}: {}", crate::rules::yaml_error(&e)))?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for spec in file.patterns {
        match validate(spec, origin, true) {
            Ok(p) => out.push(p),
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        bail!("{}", errors.join("\n"))
    }
}

/// Checks one pattern; `compile_now` compiles the regex eagerly (user patterns, tests).
pub fn validate(spec: PatternSpec, origin: &str, compile_now: bool) -> Result<Pattern> {
    check(spec, origin, compile_now, None)
}

/// [`validate`], for a built-in pattern too: `docs_at` is where its documentation is embedded
/// (checked by the self-test rather than on every load).
fn check(
    spec: PatternSpec,
    origin: &str,
    compile_now: bool,
    docs_at: Option<(usize, usize)>,
) -> Result<Pattern> {
    let id = spec.id.clone();
    let ctx = |msg: String| anyhow::anyhow!("{origin}: pattern {id}: {msg}");
    let mut problems = Vec::new();
    if spec.id.is_empty()
        || !spec
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || spec.id.starts_with('-')
        || spec.id.ends_with('-')
    {
        problems.push("id must be lowercase letters, digits and dashes".to_string());
    }
    if spec.name.trim().is_empty() {
        problems.push("name is empty".to_string());
    }
    problems.extend(kind_problems(&spec));
    // The built-in patterns' regexes are checked by the test suite (`patterns::self_test`
    // compiles them all); at run time they compile on first use, which keeps start-up short.
    if compile_now {
        check_aux_regexes(&spec, &mut problems);
    }
    if spec.tainted_severity.is_some() && !spec.regex.contains("(?P<tainted>") {
        problems.push(
            "tainted_severity needs a capture group named `tainted` in the regex".to_string(),
        );
    }
    if spec.flow_sources.is_some() && !spec.regex.contains("(?P<flow>") {
        problems.push("flow_sources needs a capture group named `flow` in the regex".to_string());
    }
    if let Some(c) = &spec.context {
        check_globs(&c.paths, &mut problems);
    }
    if let Some(k) = spec.keywords.iter().find(|k| k.len() < 2) {
        problems.push(format!("keyword {k:?} is shorter than 2 bytes"));
    }
    // Focused scans search only whole lines, so a keyword must not span lines.
    if let Some(k) = spec.keywords.iter().find(|k| k.contains(['\n', '\r'])) {
        problems.push(format!("keyword {k:?} contains a line break"));
    }
    if let Some(e) = spec.min_entropy {
        if !(0.0..=8.0).contains(&e) {
            problems.push(format!("min_entropy {e} is outside 0..=8 bits per byte"));
        }
    }
    if spec.max_lines == 0 || spec.max_lines > 400 {
        problems.push("max_lines must be between 1 and 400".to_string());
    }
    if docs_at.is_none() {
        problems.extend(description_problems(&spec.description));
    }
    let validator = match spec.validator.as_deref().map(str::parse::<Validator>) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            problems.push(e.to_string());
            None
        }
    };
    check_globs(&spec.paths, &mut problems);
    check_globs(&spec.exclude_paths, &mut problems);
    let paths_need_full = spec.paths.iter().any(|g| g.contains('/'));
    let exclude_need_full = spec.exclude_paths.iter().any(|g| g.contains('/'));
    let regex = OnceLock::new();
    if compile_now && !spec.regex.is_empty() {
        match compile(&spec) {
            Ok(re) => {
                let _ = regex.set(Ok(re));
            }
            Err(e) => problems.push(format!("{e:#}")),
        }
    }
    if !problems.is_empty() {
        return Err(ctx(problems.join("; ")));
    }
    Ok(Pattern {
        spec,
        origin: origin.to_string(),
        docs_at,
        paths: OnceLock::new(),
        paths_need_full,
        exclude: OnceLock::new(),
        exclude_need_full,
        validator,
        regex,
        context_paths: OnceLock::new(),
        unless: OnceLock::new(),
        flow: OnceLock::new(),
        context_regex: OnceLock::new(),
        test_code: None,
        min_confidence: Confidence::Medium,
    })
}

/// Parts of a description left empty.
fn description_problems(d: &Description) -> Vec<String> {
    [("what", &d.what), ("why", &d.why), ("fix", &d.fix)]
        .into_iter()
        .filter(|(_, text)| text.trim().is_empty())
        .map(|(part, _)| format!("description.{part} is empty"))
        .collect()
}

/// What each kind requires: content patterns need a regex and a prefilter (keywords, or path
/// globs that narrow them to a few files); file patterns need path globs or a detector.
fn kind_problems(spec: &PatternSpec) -> Vec<String> {
    let mut problems = Vec::new();
    if spec.kind == Kind::File {
        if !spec.keywords.is_empty() {
            problems.push("file patterns match on paths; keywords are not used".to_string());
        }
        match &spec.detector {
            Some(d) if !DETECTORS.contains(&d.as_str()) => problems.push(format!(
                "unknown detector {d:?} (known: {})",
                DETECTORS.join(", ")
            )),
            Some(_) if !spec.paths.is_empty() || !spec.regex.is_empty() => problems
                .push("a detector pattern takes no paths or regex: the detector decides".into()),
            None if spec.paths.is_empty() => {
                problems.push("file patterns need path globs (or a detector)".to_string());
            }
            _ => {}
        }
    } else {
        match &spec.detector {
            Some(d) if !CONTENT_DETECTORS.contains(&d.as_str()) => problems.push(format!(
                "unknown detector {d:?} (known: {})",
                CONTENT_DETECTORS.join(", ")
            )),
            Some(_) if !spec.regex.is_empty() => {
                problems.push("a detector pattern takes no regex: the detector decides".into());
            }
            None if spec.regex.is_empty() => problems.push("regex is missing".to_string()),
            _ => {}
        }
        if spec.keywords.is_empty()
            && spec.paths.is_empty()
            && !spec.region.is_some_and(Region::is_manifest)
            && spec.detector.as_deref() != Some("high-entropy")
        {
            problems.push(
                "needs at least one keyword for the prefilter (or path globs to narrow it)"
                    .to_string(),
            );
        }
    }
    problems
}

/// Loads every embedded pattern (regexes compile lazily, documentation is read on first use).
pub fn load_embedded() -> Result<Vec<Pattern>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (file_index, (name, text, _)) in embedded::EMBEDDED.iter().enumerate() {
        let origin = format!("patterns/{name}");
        // build.rs turned the YAML into JSON (syntax errors fail the build).
        let file: PatternFile = match serde_json::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                errors.push(format!("{origin}: {e}"));
                continue;
            }
        };
        for (index, spec) in file.patterns.into_iter().enumerate() {
            match check(spec, &origin, false, Some((file_index, index))) {
                Ok(p) => out.push(p),
                Err(e) => errors.push(format!("{e:#}")),
            }
        }
    }
    if !errors.is_empty() {
        bail!("built-in patterns are invalid:\n{}", errors.join("\n"));
    }
    check_unique(&out)?;
    Ok(out)
}

/// Fails when two patterns share an id.
pub fn check_unique(patterns: &[Pattern]) -> Result<()> {
    let mut seen = std::collections::HashMap::new();
    let mut dups = Vec::new();
    for p in patterns {
        if let Some(prev) = seen.insert(p.id(), &p.origin) {
            dups.push(format!(
                "pattern id {} is defined twice ({prev} and {})",
                p.id(),
                p.origin
            ));
        }
    }
    if dups.is_empty() {
        Ok(())
    } else {
        bail!("{}", dups.join("\n"))
    }
}

/// The problems a pattern set shows without scanning anything: missing documentation parts,
/// regexes that do not compile, patterns without examples, negative examples or references,
/// keywords that occur in no example. One line each (empty: all good). Whether the examples
/// fire is checked by running them through the pipeline (`pipeline::selfcheck`, the command
/// `pyguard patterns check`), which this layer does not know.
#[must_use]
pub fn static_problems(patterns: &[Pattern]) -> Vec<String> {
    let mut failures = docs_errors();
    for p in patterns {
        failures.extend(
            description_problems(p.description())
                .into_iter()
                .map(|e| format!("{}: {e}", p.id())),
        );
        if p.content_detector().is_none() {
            if let Err(e) = p.regex() {
                failures.push(format!("{e:#}"));
            }
        }
        // Built-in patterns compile their other regexes on first use: check them here.
        let mut problems = Vec::new();
        check_aux_regexes(&p.spec, &mut problems);
        failures.extend(problems.iter().map(|e| format!("{}: {e}", p.spec.id)));
    }
    for p in patterns {
        let id = p.id();
        if p.examples().is_empty() {
            failures.push(format!("{id}: has no examples"));
        }
        if p.negative_examples().is_empty() {
            failures.push(format!("{id}: has no negative examples"));
        }
        for k in &p.spec.keywords {
            let k = k.to_ascii_lowercase();
            if !p
                .examples()
                .iter()
                .any(|e| e.text().to_ascii_lowercase().contains(&k))
            {
                failures.push(format!("{id}: keyword {k:?} occurs in no example"));
            }
        }
        if p.references().is_empty() {
            failures.push(format!("{id}: has no references"));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
patterns:
  - id: demo-token
    name: Demo token
    kind: secret
    severity: error
    keywords: [demo_]
    regex: '\b(demo_[a-z0-9]{8})\b'
    description: {what: a, why: b, fix: c}
    examples: ["demo_abcd1234"]
    negative_examples: ["demo_short"]
"#;

    #[test]
    fn parses_a_valid_file() {
        let pats = parse_file("t.yaml", GOOD).unwrap();
        assert_eq!(pats.len(), 1);
        assert_eq!(pats[0].id(), "demo-token");
        assert!(pats[0].regex().is_ok());
    }

    #[test]
    fn reports_every_problem_with_file_and_id() {
        let bad = GOOD
            .replace("demo-token", "Demo_Token")
            .replace(r"'\b(demo_[a-z0-9]{8})\b'", "'demo_[a-z'");
        let err = format!("{:#}", parse_file("t.yaml", &bad).unwrap_err());
        assert!(err.contains("t.yaml: pattern Demo_Token"), "{err}");
        assert!(err.contains("lowercase"), "{err}");
        assert!(err.contains("invalid regex"), "{err}");
    }

    #[test]
    fn unknown_field_is_an_error_with_location() {
        let bad = GOOD.replace("severity: error", "severity: error\n    sevrity: warning");
        let err = format!("{:#}", parse_file("t.yaml", &bad).unwrap_err());
        assert!(err.contains("sevrity"), "{err}");
        assert!(err.contains("line"), "{err}");
    }

    #[test]
    fn regex_without_group_is_rejected() {
        let bad = GOOD.replace(r"'\b(demo_[a-z0-9]{8})\b'", r"'\bdemo_[a-z0-9]{8}\b'");
        let err = format!("{:#}", parse_file("t.yaml", &bad).unwrap_err());
        assert!(err.contains("capture group"), "{err}");
    }

    const FILE: &str = r"
patterns:
  - id: demo-file
    name: Demo file
    kind: file
    severity: error
    paths: ['.demo', '.demo.*', 'conf/demo.json']
    exclude_paths: ['.demo.example']
    description: {what: a, why: b, fix: c}
";

    #[test]
    fn file_patterns_take_paths_and_excludes_but_no_keywords() {
        let p = &parse_file("t.yaml", FILE).unwrap()[0];
        assert!(p.is_path_pattern());
        assert!(p.applies_to("app/.demo"));
        assert!(p.applies_to(".demo.prod"));
        assert!(p.applies_to("x/conf/demo.json"));
        assert!(!p.applies_to(".demo.example"));
        assert!(!p.applies_to("demo.md"));
        let with_keywords = FILE.replace("kind: file", "kind: file\n    keywords: [demo]");
        let err = format!("{:#}", parse_file("t.yaml", &with_keywords).unwrap_err());
        assert!(err.contains("keywords are not used"), "{err}");
        let no_paths = FILE.replace("    paths: ['.demo', '.demo.*', 'conf/demo.json']\n", "");
        let err = format!("{:#}", parse_file("t.yaml", &no_paths).unwrap_err());
        assert!(err.contains("need path globs"), "{err}");
    }

    #[test]
    fn detectors_are_named_and_exclusive_with_paths() {
        let detector = FILE.replace(
            "    paths: ['.demo', '.demo.*', 'conf/demo.json']\n    exclude_paths: ['.demo.example']\n",
            "    detector: virtualenv\n",
        );
        let p = &parse_file("t.yaml", &detector).unwrap()[0];
        assert!(!p.is_path_pattern());
        let unknown = detector.replace("virtualenv", "conda");
        let err = format!("{:#}", parse_file("t.yaml", &unknown).unwrap_err());
        assert!(
            err.contains("unknown detector") && err.contains("virtualenv"),
            "{err}"
        );
        let both = FILE.replace("kind: file", "kind: file\n    detector: virtualenv");
        let err = format!("{:#}", parse_file("t.yaml", &both).unwrap_err());
        assert!(err.contains("takes no paths"), "{err}");
        let on_secret = GOOD.replace("kind: secret", "kind: secret\n    detector: virtualenv");
        let err = format!("{:#}", parse_file("t.yaml", &on_secret).unwrap_err());
        assert!(
            err.contains("unknown detector") && err.contains("generic-password"),
            "{err}"
        );
    }

    #[test]
    fn content_patterns_need_a_regex_and_keywords_or_paths() {
        let no_regex = GOOD.replace(r"    regex: '\b(demo_[a-z0-9]{8})\b'", "");
        let err = format!("{:#}", parse_file("t.yaml", &no_regex).unwrap_err());
        assert!(err.contains("regex is missing"), "{err}");
        let no_keywords = GOOD.replace("    keywords: [demo_]\n", "");
        let err = format!("{:#}", parse_file("t.yaml", &no_keywords).unwrap_err());
        assert!(err.contains("keyword"), "{err}");
        let path_only = GOOD.replace("    keywords: [demo_]\n", "    paths: ['.demo-version']\n");
        assert!(parse_file("t.yaml", &path_only).is_ok());
    }

    #[test]
    fn python_options_are_validated() {
        let no_keywords = GOOD.replace("keywords: [demo_]", "keywords: []");
        let err = format!("{:#}", parse_file("t.yaml", &no_keywords).unwrap_err());
        assert!(err.contains("keyword"), "{err}");
        let deps = no_keywords.replace("kind: secret", "kind: python\n    region: dependencies");
        let p = &parse_file("t.yaml", &deps).unwrap()[0];
        assert_eq!(p.region(), Region::Dependencies);
        let flow = GOOD.replace(
            "severity: error",
            "severity: error\n    flow_sources: 'input'",
        );
        let err = format!("{:#}", parse_file("t.yaml", &flow).unwrap_err());
        assert!(err.contains("named `flow`"), "{err}");
        let unless = GOOD.replace("severity: error", "severity: error\n    unless: '(['");
        let err = format!("{:#}", parse_file("t.yaml", &unless).unwrap_err());
        assert!(err.contains("unless"), "{err}");
        let python = GOOD.replace("kind: secret", "kind: python\n    region: code");
        assert_eq!(
            parse_file("t.yaml", &python).unwrap()[0].region(),
            Region::Code
        );
        assert_eq!(parse_file("t.yaml", GOOD).unwrap()[0].region(), Region::Any);
    }

    #[test]
    fn exclude_paths_and_context_paths() {
        let text = GOOD.replace(
            "keywords: [demo_]",
            "keywords: [demo_]\n    exclude_paths: ['tests/**', 'test_*.py']\n    context: {paths: ['settings.py'], regex: 'INSTALLED_APPS'}",
        );
        let p = &parse_file("t.yaml", &text).unwrap()[0];
        assert!(p.applies_to("app/views.py"));
        assert!(!p.applies_to("proj/tests/unit/x.py"));
        assert!(!p.applies_to("app/test_views.py"));
        assert!(p.context_holds("proj/settings.py", |_| false));
        assert!(!p.context_holds("proj/views.py", |_| false));
        assert!(p.context_holds("proj/conf.py", |re| re.is_match(b"INSTALLED_APPS = []")));
    }

    #[test]
    fn path_globs_match_file_names_and_directories() {
        let text = GOOD.replace(
            "keywords: [demo_]",
            "keywords: [demo_]\n    paths: ['settings.py', 'settings/*.py']",
        );
        let p = &parse_file("t.yaml", &text).unwrap()[0];
        assert!(p.applies_to("proj/settings.py"));
        assert!(p.applies_to("proj/settings/prod.py"));
        assert!(p.applies_to("settings/base.py"));
        assert!(!p.applies_to("proj/views.py"));
    }
}
