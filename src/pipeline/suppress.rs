//! Suppression: inline allow comments, the configuration's `allow` regexes and the baseline.
//!
//! A suppressed finding is not dropped: it is handed on as a [`Suppressed`] with its
//! [`Reason`], so that reports can record it (SARIF `suppressions`, the JSON `suppressed` list,
//! the human summary's count). This module sees findings and the chunk they came from; the
//! matcher and the sources know nothing of it.
//!
//! The baseline matches on content, never on place: the pattern id and a salted SHA-256 of the
//! secret (or offending text). Moving a line or renaming a file keeps a finding suppressed; a
//! different secret on the same line is reported. The secret itself is never written.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context as _, Result};
use regex::Regex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::pipeline::finding::Finding;
use crate::rules::pattern::Kind;
use crate::source::Chunk;

/// The baseline's file name, at the project root.
pub const BASELINE_FILE: &str = ".pyguard-baseline.json";

/// The baseline format version.
pub const BASELINE_VERSION: u32 = 1;

/// Comment introducers after which `pyguard: allow` counts: Python and shell (`#`), C-like
/// (`//`, `/*`), SQL and Lua (`--`), INI and Lisp (`;`), HTML and XML (`<!--`).
const INTRODUCERS: [&str; 6] = ["#", "//", "--", ";", "/*", "<!--"];

/// A regex from the `allow` key, with the text it was written as.
#[derive(Clone, Debug)]
pub struct AllowRule {
    /// The regex as written (shown in reports as the reason for a suppression).
    pub source: String,
    /// The compiled regex, searched in the secret text.
    pub regex: Regex,
}

/// Which inline comment markers suppress findings (the `markers` key). All are on by default.
// Four independent switches, one per marker family, as written in the file: an enum set would
// only obscure the mapping to the configuration keys.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Markers {
    /// `# pyguard: allow` and `# pyguard: allow[id, ...]`.
    pub pyguard: bool,
    /// detect-secrets' `pragma: allowlist secret` (secret patterns only).
    pub detect_secrets: bool,
    /// gitleaks' `gitleaks:allow` (secret patterns only).
    pub gitleaks: bool,
    /// bandit's `# nosec` and `# nosec B105` (Python patterns only).
    pub nosec: bool,
}

impl Default for Markers {
    fn default() -> Self {
        Markers {
            pyguard: true,
            detect_secrets: true,
            gitleaks: true,
            nosec: true,
        }
    }
}

/// Why a finding is suppressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// An inline comment on the line or alone on the line above (the marker as written).
    Inline(String),
    /// The configuration's `allow` regex (as written) matched the secret.
    Allow(String),
    /// The finding is in the baseline.
    Baseline,
}

impl Reason {
    /// `inline`, `allow` or `baseline`, as written in JSON reports.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::Inline(_) => "inline",
            Reason::Allow(_) => "allow",
            Reason::Baseline => "baseline",
        }
    }

    /// Whether the suppression lives in the scanned source (SARIF `inSource`) or outside it
    /// (`external`: configuration, baseline).
    #[must_use]
    pub fn in_source(&self) -> bool {
        matches!(self, Reason::Inline(_))
    }

    /// A one-line justification for people.
    #[must_use]
    pub fn justification(&self) -> String {
        match self {
            Reason::Inline(m) => format!("inline comment `{m}`"),
            Reason::Allow(re) => format!("allow regex `{re}` in the configuration"),
            Reason::Baseline => format!("listed in {BASELINE_FILE}"),
        }
    }
}

/// A finding that does not block, and why.
#[derive(Clone, Debug)]
pub struct Suppressed {
    /// The finding.
    pub finding: Finding,
    /// Why it is suppressed.
    pub reason: Reason,
}

/// What an inline marker allows.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    /// Every pattern.
    All,
    /// Only these pattern ids.
    Ids(Vec<String>),
    /// Every pattern of this kind.
    Kind(Kind),
}

/// One marker found in a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Marker {
    text: String,
    scope: Scope,
}

impl Marker {
    fn covers(&self, f: &Finding) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Ids(ids) => ids.contains(&f.pattern_id),
            Scope::Kind(k) => *k == f.kind,
        }
    }
}

/// Applies every suppression to the findings of each chunk. Safe to share between threads.
#[derive(Debug)]
pub struct Suppressor {
    markers: Markers,
    allow: Vec<AllowRule>,
    baseline: Option<Baseline>,
    index: HashMap<(String, String), Vec<usize>>,
    used: Mutex<Vec<bool>>,
}

impl Suppressor {
    /// A suppressor with the configuration's markers and allow regexes, and the baseline.
    #[must_use]
    pub fn new(markers: Markers, allow: Vec<AllowRule>, baseline: Option<Baseline>) -> Self {
        let mut index: HashMap<(String, String), Vec<usize>> = HashMap::new();
        let n = baseline.as_ref().map_or(0, |b| b.entries.len());
        if let Some(b) = &baseline {
            for (i, e) in b.entries.iter().enumerate() {
                index
                    .entry((e.pattern_id.clone(), e.hash.clone()))
                    .or_default()
                    .push(i);
            }
        }
        Suppressor {
            markers,
            allow,
            baseline,
            index,
            used: Mutex::new(vec![false; n]),
        }
    }

    /// The suppressor every run uses: the configuration's rules and, when the file exists,
    /// the baseline at the project root `root`.
    pub fn load(markers: Markers, allow: Vec<AllowRule>, root: &Path) -> Result<Self> {
        let baseline = Baseline::load(&baseline_path(root))?;
        Ok(Suppressor::new(markers, allow, baseline))
    }

    /// The baseline in use, if any.
    #[must_use]
    pub fn baseline(&self) -> Option<&Baseline> {
        self.baseline.as_ref()
    }

    /// Splits the findings of one chunk into those that still count and those suppressed.
    /// Inline comments are looked up in `chunk`; the baseline marks the entries it used.
    #[must_use]
    pub fn filter(
        &self,
        chunk: &Chunk<'_>,
        findings: Vec<Finding>,
    ) -> (Vec<Finding>, Vec<Suppressed>) {
        if findings.is_empty() {
            return (findings, Vec::new());
        }
        let lines = Lines::new(&chunk.bytes, chunk.first_line);
        let mut kept = Vec::with_capacity(findings.len());
        let mut suppressed = Vec::new();
        for f in findings {
            match self.reason(&lines, &f) {
                Some(reason) => suppressed.push(Suppressed { finding: f, reason }),
                None => kept.push(f),
            }
        }
        (kept, suppressed)
    }

    fn reason(&self, lines: &Lines<'_>, f: &Finding) -> Option<Reason> {
        // A baselined finding marks its entry as used even when a comment suppresses it too,
        // so that the entry is not reported as stale.
        let in_baseline = self.mark_baseline(f);
        // An extracted part (notebook cell, decoded Secret value) has its own line numbers: the
        // file's lines at those numbers are not the finding's, so no inline comment applies.
        let marker = if f.extract.is_none() {
            self.inline_marker(lines, f)
        } else {
            None
        };
        if let Some(m) = marker {
            return Some(Reason::Inline(m.text));
        }
        if let Some(rule) = self.allow.iter().find(|r| r.regex.is_match(&f.secret)) {
            return Some(Reason::Allow(rule.source.clone()));
        }
        in_baseline.then_some(Reason::Baseline)
    }

    fn mark_baseline(&self, f: &Finding) -> bool {
        let Some(b) = &self.baseline else {
            return false;
        };
        let key = (f.pattern_id.clone(), b.hash(&f.pattern_id, &f.secret));
        let Some(entries) = self.index.get(&key) else {
            return false;
        };
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for &i in entries {
            used[i] = true;
        }
        true
    }

    fn inline_marker(&self, lines: &Lines<'_>, f: &Finding) -> Option<Marker> {
        let mut candidates = Vec::new();
        for n in [f.line, f.end_line] {
            candidates.extend(lines.markers(n, self.markers).0);
        }
        if f.line > lines.first {
            candidates.extend(lines.markers(f.line - 1, self.markers).1);
        }
        candidates.into_iter().find(|m| m.covers(f))
    }

    /// Baseline entries that matched no finding in this run.
    #[must_use]
    pub fn stale(&self) -> Vec<Entry> {
        let Some(b) = &self.baseline else {
            return Vec::new();
        };
        let used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        b.entries
            .iter()
            .zip(used.iter())
            .filter(|(_, u)| !**u)
            .map(|(e, _)| e.clone())
            .collect()
    }
}

/// Line lookup in one chunk, built only for chunks with findings.
struct Lines<'a> {
    bytes: &'a [u8],
    first: u32,
    starts: Vec<usize>,
    /// The markers of each line looked at (on the line, above the next one): a long line
    /// with many findings is read once, not once per finding.
    markers: std::cell::RefCell<std::collections::HashMap<u32, LineMarkers>>,
}

/// The markers on one line that apply to it, and those that apply to the line below.
type LineMarkers = (Vec<Marker>, Vec<Marker>);

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8], first: u32) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        Lines {
            bytes,
            first,
            starts,
            markers: std::cell::RefCell::default(),
        }
    }

    /// The markers of line `line` (none past the end), read once per line.
    fn markers(&self, line: u32, m: Markers) -> LineMarkers {
        self.markers
            .borrow_mut()
            .entry(line)
            .or_insert_with(|| match self.get(line) {
                Some(text) => (markers_on_line(&text, m), markers_above(&text, m)),
                None => (Vec::new(), Vec::new()),
            })
            .clone()
    }

    fn get(&self, line: u32) -> Option<String> {
        let i = line.checked_sub(self.first)? as usize;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map_or(self.bytes.len(), |s| s - 1);
        let text = &self.bytes[start..end.max(start)];
        Some(String::from_utf8_lossy(text.strip_suffix(b"\r").unwrap_or(text)).into_owned())
    }
}

/// Markers that apply to findings on the same line.
fn markers_on_line(line: &str, m: Markers) -> Vec<Marker> {
    let mut out = Vec::new();
    if m.pyguard {
        out.extend(pyguard_marker(line));
    }
    if m.detect_secrets && line.contains("pragma: allowlist secret") {
        out.push(Marker {
            text: "pragma: allowlist secret".into(),
            scope: Scope::Kind(Kind::Secret),
        });
    }
    if m.gitleaks && line.contains("gitleaks:allow") {
        out.push(Marker {
            text: "gitleaks:allow".into(),
            scope: Scope::Kind(Kind::Secret),
        });
    }
    if m.nosec {
        out.extend(nosec_marker(line));
    }
    out
}

/// Markers that apply to the next line: only on a line that is nothing but a comment.
fn markers_above(line: &str, m: Markers) -> Vec<Marker> {
    let t = line.trim_start();
    if !INTRODUCERS.iter().any(|i| t.starts_with(i)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if m.pyguard {
        out.extend(pyguard_marker(line));
    }
    if m.detect_secrets && line.contains("pragma: allowlist nextline secret") {
        out.push(Marker {
            text: "pragma: allowlist nextline secret".into(),
            scope: Scope::Kind(Kind::Secret),
        });
    }
    out
}

/// `pyguard: allow` or `pyguard: allow[id, ...]` right after a comment introducer.
fn pyguard_marker(line: &str) -> Option<Marker> {
    const TAG: &str = "pyguard:";
    let mut from = 0;
    while let Some(i) = line[from..].find(TAG) {
        let at = from + i;
        from = at + TAG.len();
        let before = line[..at].trim_end();
        let Some(intro) = INTRODUCERS.iter().find(|c| before.ends_with(*c)) else {
            continue;
        };
        if in_string(line, before.len() - intro.len()) {
            continue;
        }
        let Some(after) = line[from..].trim_start().strip_prefix("allow") else {
            continue;
        };
        if let Some(list) = after.strip_prefix('[') {
            let Some(end) = list.find(']') else { continue };
            let ids: Vec<String> = list[..end]
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if ids.is_empty() {
                continue;
            }
            return Some(Marker {
                text: format!("pyguard: allow[{}]", ids.join(", ")),
                scope: Scope::Ids(ids),
            });
        }
        let ends_word = after.is_empty()
            || after.starts_with(char::is_whitespace)
            || after.starts_with("*/")
            || after.starts_with("-->");
        if ends_word {
            return Some(Marker {
                text: "pyguard: allow".into(),
                scope: Scope::All,
            });
        }
    }
    None
}

/// Whether byte `at` of `line` is inside a string literal (`'`, `"` or a backquote, with
/// backslash escapes), so that a marker written in a string (`S = "/* pyguard: allow */"`) is
/// text, not a comment. A `#` or `//` outside a string starts a comment, after which quotes
/// are comment text. A string opened on an earlier line (a triple-quoted block) is not seen.
fn in_string(line: &str, at: usize) -> bool {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < at.min(bytes.len()) {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            None if matches!(b, b'"' | b'`') || (b == b'\'' && opens_quote(&bytes[..i])) => {
                quote = Some(b);
            }
            None if b == b'#' || bytes[i..].starts_with(b"//") => return false,
            _ => {}
        }
        i += 1;
    }
    quote.is_some()
}

/// Whether a `'` after `before` opens a string: not an apostrophe inside a word (`don't`),
/// but possibly after a string prefix (`f'`, `rb'`).
fn opens_quote(before: &[u8]) -> bool {
    let word = before
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    word == 0
        || (word <= 2
            && before[before.len() - word..]
                .iter()
                .all(|b| b"rRbBfFuU".contains(b)))
}

/// bandit's `# nosec`, optionally with test ids (`# nosec B105, B106`). bandit's ids do not
/// name pyguard patterns, so either form allows the Python patterns on the line.
fn nosec_marker(line: &str) -> Option<Marker> {
    let mut from = 0;
    while let Some(i) = line[from..].find("nosec") {
        let at = from + i;
        from = at + 5;
        let before = line[..at].trim_end();
        if !before.ends_with('#') || in_string(line, before.len() - 1) {
            continue;
        }
        let after = &line[from..];
        if after.is_empty() || after.starts_with([' ', '\t', ':']) {
            let ids = after.trim_start_matches(':').trim();
            let text = if ids.is_empty() {
                "# nosec".to_string()
            } else {
                let ids: String = ids
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ',' | ' '))
                    .collect();
                format!("# nosec {}", ids.trim())
            };
            return Some(Marker {
                text,
                scope: Scope::Kind(Kind::Python),
            });
        }
    }
    None
}

/// Where the baseline of a configuration lives.
#[must_use]
pub fn baseline_path(root: &Path) -> PathBuf {
    root.join(BASELINE_FILE)
}

/// The baseline file: findings that existed when it was written, by content.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version ([`BASELINE_VERSION`]).
    pub version: u32,
    /// Random salt (hex) mixed into every hash, so that a hash cannot be looked up in a table
    /// of known secrets.
    pub salt: String,
    /// One entry per finding.
    pub entries: Vec<Entry>,
}

/// One baselined finding. Only `pattern_id` and `hash` are matched; `path` and `line` are for
/// people reading the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The pattern that found it.
    pub pattern_id: String,
    /// SHA-256 (hex) of the salt, the pattern id and the secret or offending text.
    pub hash: String,
    /// Where it was when the baseline was written.
    pub path: String,
    /// The line it was on then.
    pub line: u32,
    /// `history` when the entry was written by `pyguard baseline --history` (the finding is
    /// somewhere in the repository's history, maybe not in the work tree): a scan of the work
    /// tree cannot call it stale, and `--prune` over the work tree keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Entry {
    /// Whether the entry was recorded from the repository's history.
    #[must_use]
    pub fn from_history(&self) -> bool {
        self.source.as_deref() == Some(HISTORY_SOURCE)
    }
}

/// The [`Entry::source`] of entries written by `pyguard baseline --history`.
pub const HISTORY_SOURCE: &str = "history";

impl Baseline {
    /// An empty baseline with a fresh random salt.
    #[must_use]
    pub fn new() -> Self {
        Baseline {
            version: BASELINE_VERSION,
            salt: random_salt(),
            entries: Vec::new(),
        }
    }

    /// Reads the baseline at `path`; `None` when there is no such file. A malformed file is an
    /// error: a baseline that cannot be read must not silently stop suppressing (or reporting).
    pub fn load(path: &Path) -> Result<Option<Self>> {
        let text = match std::fs::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("failed to read {}", path.display())),
        };
        Self::parse(&text, &path.display().to_string()).map(Some)
    }

    /// Parses a baseline file's content; `shown` names it in errors.
    pub fn parse(text: &[u8], shown: &str) -> Result<Self> {
        let b: Baseline = serde_json::from_slice(text).map_err(|e| {
            anyhow::anyhow!("{shown}:{}:{}: invalid baseline: {e}", e.line(), e.column())
        })?;
        if b.version != BASELINE_VERSION {
            bail!(
                "{shown}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                b.version
            );
        }
        if b.salt.len() < 16 {
            bail!("{shown}: baseline salt is too short");
        }
        Ok(b)
    }

    /// Writes the baseline as pretty JSON, entries sorted by path and line.
    pub fn write(&mut self, path: &Path) -> Result<()> {
        self.entries.sort_by(|a, b| {
            (&a.path, a.line, &a.pattern_id, &a.hash).cmp(&(
                &b.path,
                b.line,
                &b.pattern_id,
                &b.hash,
            ))
        });
        self.entries.dedup();
        let mut text = serde_json::to_string_pretty(self).context("failed to encode baseline")?;
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("failed to write {}", path.display()))
    }

    /// The entry for one finding.
    #[must_use]
    pub fn entry(&self, f: &Finding) -> Entry {
        Entry {
            pattern_id: f.pattern_id.clone(),
            hash: self.hash(&f.pattern_id, &f.secret),
            path: f.path.clone(),
            line: f.line,
            source: None,
        }
    }

    /// The salted hash of a pattern id and secret.
    #[must_use]
    pub fn hash(&self, pattern_id: &str, secret: &str) -> String {
        let mut h = Sha256::new();
        for part in [self.salt.as_str(), pattern_id, secret] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        hex(&h.finalize())
    }
}

impl Default for Baseline {
    fn default() -> Self {
        Baseline::new()
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// 128 random bits, hex. The standard library's `RandomState` is seeded from the operating
/// system's random source; hashing several of its outputs with the time and process id gives a
/// salt without another dependency. The salt only has to differ between baselines.
fn random_salt() -> String {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = Sha256::new();
    for i in 0..4u64 {
        let mut s = std::collections::hash_map::RandomState::new().build_hasher();
        s.write_u64(i);
        h.update(s.finish().to_le_bytes());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.update(now.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    hex(&h.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pattern::Severity;
    use crate::source::Provenance;

    fn finding(id: &str, kind: Kind, line: u32, secret: &str) -> Finding {
        Finding {
            pattern_id: id.into(),
            pattern_name: id.into(),
            kind,
            severity: Severity::Error,
            confidence: crate::rules::pattern::Confidence::High,
            sample: false,
            path: "a.py".into(),
            extract: None,
            line,
            column: 1,
            end_line: line,
            snippet: String::new(),
            snippet_hidden: Vec::new(),
            secret: secret.into(),
            secret_hidden: Vec::new(),
            fingerprint: String::new(),
            provenance: Provenance::File,
            places: Vec::new(),
        }
    }

    /// Runs the default suppressor over `text` with one finding of `id` on `line`.
    fn check(text: &str, id: &str, kind: Kind, line: u32) -> Option<Reason> {
        check_with(Markers::default(), text, id, kind, line)
    }

    fn check_with(markers: Markers, text: &str, id: &str, kind: Kind, line: u32) -> Option<Reason> {
        let s = Suppressor::new(markers, Vec::new(), None);
        let chunk = Chunk::new("a.py", text.as_bytes().to_vec(), Provenance::File);
        let (_, sup) = s.filter(&chunk, vec![finding(id, kind, line, "value")]);
        sup.into_iter().next().map(|x| x.reason)
    }

    const S: Kind = Kind::Secret;
    const P: Kind = Kind::Python;

    #[test]
    fn bare_allow_on_the_line_allows_every_pattern() {
        let r = check("t = 'x'  # pyguard: allow\n", "github-token", S, 1);
        assert_eq!(r, Some(Reason::Inline("pyguard: allow".into())));
        assert!(check("DEBUG = True # pyguard: allow\n", "django-debug-true", P, 1).is_some());
    }

    #[test]
    fn id_list_allows_only_those_ids() {
        let text = "t = 'x'  # pyguard: allow[aws-access-key-id, github-token]\n";
        assert!(check(text, "github-token", S, 1).is_some());
        assert!(check(text, "aws-access-key-id", S, 1).is_some());
        assert!(check(text, "private-key", S, 1).is_none());
    }

    #[test]
    fn comment_alone_on_the_line_above_counts() {
        assert!(check("# pyguard: allow\nt = 'x'\n", "github-token", S, 2).is_some());
        assert!(check(
            "  // pyguard: allow[github-token]\nt = 'x'\n",
            "github-token",
            S,
            2
        )
        .is_some());
        // A comment after code on the line above belongs to that line, not the next one.
        assert!(check("a = 1  # pyguard: allow\nt = 'x'\n", "github-token", S, 2).is_none());
        // Two lines above is too far.
        assert!(check("# pyguard: allow\n\nt = 'x'\n", "github-token", S, 3).is_none());
    }

    #[test]
    fn other_comment_syntaxes() {
        for line in [
            "<p>don't</p> t = 'x' <!-- pyguard: allow -->",
            "t = 'x'  # it's fine # pyguard: allow",
            "const t = 'x'; // pyguard: allow",
            "SELECT 'x' -- pyguard: allow",
            "key = x ; pyguard: allow",
            "int t = 1; /* pyguard: allow */",
            "<token>x</token> <!-- pyguard: allow -->",
            "export T=x #pyguard:allow",
        ] {
            assert!(check(line, "github-token", S, 1).is_some(), "{line}");
        }
    }

    #[test]
    fn near_misses_do_not_allow() {
        for line in [
            "t = 'x'  # pyguard: allowed",
            "t = 'x'  # pyguard: allow[",
            "t = 'x'  # pyguard: allow[]",
            "t = 'pyguard: allow'",
            // A marker inside a string literal is text, whatever the comment syntax.
            "S = \"/* pyguard: allow */\"",
            "S = '# pyguard: allow'",
            "S = \"it's\" + '-- pyguard: allow'",
            "S = f'// pyguard: allow'",
            "t = 'x'  # pyguard allow",
        ] {
            assert!(check(line, "github-token", S, 1).is_none(), "{line}");
        }
    }

    #[test]
    fn migration_markers() {
        let ds = "t = 'x'  # pragma: allowlist secret";
        assert!(check(ds, "github-token", S, 1).is_some());
        assert!(check(ds, "exec-user-input", P, 1).is_none(), "secrets only");
        let above = "# pragma: allowlist nextline secret\nt = 'x'";
        assert!(check(above, "github-token", S, 2).is_some());
        let gl = "t = 'x'  // gitleaks:allow";
        assert!(check(gl, "github-token", S, 1).is_some());
        assert!(check("exec(x)  # nosec", "exec-user-input", P, 1).is_some());
        let r = check("exec(x)  # nosec B102", "exec-user-input", P, 1);
        assert_eq!(r, Some(Reason::Inline("# nosec B102".into())));
        assert!(
            check("t = 'x'  # nosec", "github-token", S, 1).is_none(),
            "python only"
        );
        assert!(check("exec(x)  # nosecurity", "exec-user-input", P, 1).is_none());
    }

    #[test]
    fn markers_can_be_turned_off() {
        let off = |f: fn(&mut Markers)| {
            let mut m = Markers::default();
            f(&mut m);
            m
        };
        let m = off(|m| m.detect_secrets = false);
        assert!(check_with(
            m,
            "t = 'x'  # pragma: allowlist secret",
            "github-token",
            S,
            1
        )
        .is_none());
        let m = off(|m| m.gitleaks = false);
        assert!(check_with(m, "t = 'x'  # gitleaks:allow", "github-token", S, 1).is_none());
        let m = off(|m| m.nosec = false);
        assert!(check_with(m, "exec(x)  # nosec", "exec-user-input", P, 1).is_none());
        let m = off(|m| m.pyguard = false);
        assert!(check_with(m, "t = 'x'  # pyguard: allow", "github-token", S, 1).is_none());
        // Turning one off leaves the others on.
        assert!(check_with(m, "t = 'x'  # gitleaks:allow", "github-token", S, 1).is_some());
    }

    #[test]
    fn allow_regex_suppresses_matching_secrets() {
        let allow = vec![AllowRule {
            source: "^value$".into(),
            regex: regex::Regex::new("^value$").unwrap(),
        }];
        let s = Suppressor::new(Markers::default(), allow, None);
        let chunk = Chunk::new(
            "a.py",
            b"t = 'value'\nu = 'other'\n".to_vec(),
            Provenance::File,
        );
        let (kept, sup) = s.filter(
            &chunk,
            vec![finding("g", S, 1, "value"), finding("g", S, 2, "other")],
        );
        assert_eq!(kept.len(), 1);
        assert_eq!(sup[0].reason, Reason::Allow("^value$".into()));
    }

    #[test]
    fn baseline_matches_content_not_place() {
        let mut b = Baseline::new();
        b.entries
            .push(b.entry(&finding("github-token", S, 3, "tok1")));
        let s = Suppressor::new(Markers::default(), Vec::new(), Some(b.clone()));
        let chunk = Chunk::new("b.py", b"\n\n\n\n\n\n\n\n\n\n".to_vec(), Provenance::File);
        // Same secret, other line, other file: suppressed.
        let mut moved = finding("github-token", S, 9, "tok1");
        moved.path = "renamed.py".into();
        let (kept, sup) = s.filter(&chunk, vec![moved, finding("github-token", S, 3, "tok2")]);
        assert_eq!(sup.len(), 1);
        assert_eq!(sup[0].reason, Reason::Baseline);
        assert_eq!(
            kept.len(),
            1,
            "a different secret on the baselined line is reported"
        );
        assert_eq!(kept[0].secret, "tok2");
        assert!(s.stale().is_empty());
        // An unused entry is stale.
        let s = Suppressor::new(Markers::default(), Vec::new(), Some(b));
        assert_eq!(s.stale().len(), 1);
    }

    #[test]
    fn baseline_never_holds_the_secret_and_salts_differ() {
        let a = Baseline::new();
        let b = Baseline::new();
        assert_ne!(a.salt, b.salt);
        assert_eq!(a.salt.len(), 32);
        assert_ne!(a.hash("p", "s3cr3t"), b.hash("p", "s3cr3t"));
        let text = serde_json::to_string(&a.entry(&finding("p", S, 1, "s3cr3t"))).unwrap();
        assert!(!text.contains("s3cr3t"), "{text}");
    }
}
