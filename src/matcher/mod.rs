//! Turns bytes into matches: an Aho-Corasick keyword prefilter over everything, then each
//! triggered pattern's regex over small windows around its keyword hits, then the entropy gate,
//! validators and placeholder filter.
//!
//! File patterns (`kind: file`) are matched on the path first, through one glob set built over
//! all of their globs, then by their optional content check; such a match spans nothing and
//! stands for the whole file.
//!
//! The matcher knows nothing of git, files or reports: it takes a path (for path-scoped
//! patterns) and a byte slice, and returns byte spans. It never assumes UTF-8.

pub mod assignment;
pub mod deps;
pub mod eol;
pub mod highentropy;
pub mod pypi;
pub mod python;
pub mod requirement;
pub mod taint;

use std::cell::OnceCell;
use std::ops::Range;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use anyhow::{Context as _, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::rules::pattern::{Kind, Pattern, Region, Taint};
use crate::rules::validate::Validator;
use crate::rules::{entropy, literal, placeholder};

/// How far (in bytes) a regex window reaches on either side of a keyword hit on a long line.
/// Bounds the work on minified files whose single line is megabytes long.
const WINDOW_REACH: usize = 4096;

/// Placeholder words are only meaningful in short values; a long key body is judged by its
/// structure and entropy instead.
const PLACEHOLDER_MAX_LEN: usize = 200;

/// One pattern match in a chunk of bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index of the pattern in [`Matcher::patterns`].
    pub pattern: usize,
    /// Byte span of the whole regex match.
    pub span: Range<usize>,
    /// Byte span of the secret (the capture group).
    pub secret: Range<usize>,
    /// Where the data in the pattern's `tainted` group comes from (see [`taint`]): outside
    /// data makes the match take the pattern's `tainted_severity`; a file read, a
    /// low-confidence one.
    pub taint: Taint,
    /// Whether the value has the provider's shape but is not one a provider issued (its
    /// checksum fails, or it was typed by hand): reported as a low-confidence warning.
    pub sample: bool,
    /// Other byte spans the match rests on: the right-hand side a flow check followed, the
    /// code that satisfied a context check. A change to any of them can complete the match.
    pub evidence: Vec<Range<usize>>,
    /// A literal the pattern reports by another name (a Python `value` group: the password
    /// given to `db_password`): hidden in snippets like a secret, since it may be one.
    pub hidden: Option<Range<usize>>,
}

/// A set of patterns compiled for matching.
#[derive(Debug)]
pub struct Matcher {
    patterns: Vec<Pattern>,
    /// Every keyword in one automaton, for scans of whole files; built on first use.
    keywords: OnceLock<Keywords>,
    /// The keywords split by how many lines their patterns' windows reach, for focused scans
    /// (see [`Matcher::find_focused`]); built on first use.
    tiers: OnceLock<Vec<Tier>>,
    /// The keywords of the patterns with evidence (flow, context and taint checks), for the
    /// whole-file evidence pass of a focused scan; built on first use.
    evidence_keywords: OnceLock<Keywords>,
    /// Every keyword, lower-cased; its index is its slot in `triggers`.
    words: Vec<Vec<u8>>,
    /// For each keyword slot, the patterns it triggers.
    triggers: Vec<Vec<usize>>,
    /// Patterns that run over the dependency regions of manifests instead of keyword windows.
    dependency_patterns: Vec<usize>,
    /// Content patterns without keywords: their path globs are the prefilter, and their regex
    /// runs over the whole file (`.python-version`, `runtime.txt`).
    whole_file: Vec<usize>,
    /// Every file pattern's globs, for one pass over a path.
    file_globs: FileGlobs,
    /// Patterns that report a verdict of the assignment detector (`detector:
    /// generic-password`, ...); their keywords are its prefilter.
    assignment_patterns: Vec<(usize, assignment::Verdict)>,
    /// Patterns that report the entropy scanner's finds (`detector: high-entropy`).
    entropy_patterns: Vec<usize>,
    /// The day the `python-eol` validator judges end of life against (a setting, passed in).
    today: eol::Day,
}

/// The globs of every `kind: file` pattern in two sets: those matched against the file name,
/// and those with a directory part matched against the path and its tails.
#[derive(Debug, Default)]
struct FileGlobs {
    names: GlobSet,
    name_owner: Vec<usize>,
    full: GlobSet,
    full_owner: Vec<usize>,
}

impl FileGlobs {
    fn new(patterns: &[Pattern]) -> Result<Self> {
        let mut names = GlobSetBuilder::new();
        let mut full = GlobSetBuilder::new();
        let mut out = FileGlobs::default();
        for (i, p) in patterns.iter().enumerate() {
            if !p.is_path_pattern() {
                continue;
            }
            for g in &p.spec.paths {
                let glob = Glob::new(g)
                    .with_context(|| format!("pattern {}: bad path glob {g:?}", p.id()))?;
                if g.contains('/') {
                    full.add(glob);
                    out.full_owner.push(i);
                } else {
                    names.add(glob);
                    out.name_owner.push(i);
                }
            }
        }
        out.names = names
            .build()
            .context("failed to build the file-pattern globs")?;
        out.full = full
            .build()
            .context("failed to build the file-pattern globs")?;
        Ok(out)
    }

    /// Indices of the file patterns whose globs match `path` (`/`-separated).
    fn candidates(&self, path: &str) -> Vec<usize> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let mut out: Vec<usize> = self
            .names
            .matches(name)
            .into_iter()
            .map(|g| self.name_owner[g])
            .collect();
        if !self.full.is_empty() {
            let tails = std::iter::once(0).chain(path.match_indices('/').map(|(i, _)| i + 1));
            for from in tails {
                out.extend(
                    self.full
                        .matches(&path[from..])
                        .into_iter()
                        .map(|g| self.full_owner[g]),
                );
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl Matcher {
    /// Builds the prefilter over every pattern's keywords. Regexes compile lazily.
    pub fn new(patterns: Vec<Pattern>) -> Result<Self> {
        let mut words: Vec<Vec<u8>> = Vec::new();
        let mut triggers: Vec<Vec<usize>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut dependency_patterns = Vec::new();
        let mut whole_file = Vec::new();
        let mut assignment_patterns = Vec::new();
        let mut entropy_patterns = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            if p.spec.kind == Kind::File {
                continue;
            }
            match p.content_detector() {
                Some("high-entropy") => {
                    entropy_patterns.push(i);
                    continue;
                }
                Some("generic-password") => {
                    assignment_patterns.push((i, assignment::Verdict::Password));
                }
                Some("generic-secret") => {
                    assignment_patterns.push((i, assignment::Verdict::Secret));
                }
                Some("generic-sample") => {
                    assignment_patterns.push((i, assignment::Verdict::Sample));
                }
                _ => {}
            }
            if p.region().is_manifest() {
                dependency_patterns.push(i);
                continue;
            }
            if p.spec.keywords.is_empty() {
                whole_file.push(i);
            }
            for k in &p.spec.keywords {
                let key = k.to_ascii_lowercase().into_bytes();
                let slot = *index.entry(key.clone()).or_insert_with(|| {
                    words.push(key);
                    triggers.push(Vec::new());
                    triggers.len() - 1
                });
                if !triggers[slot].contains(&i) {
                    triggers[slot].push(i);
                }
            }
        }
        let file_globs = FileGlobs::new(&patterns)?;
        Ok(Matcher {
            patterns,
            keywords: OnceLock::new(),
            tiers: OnceLock::new(),
            evidence_keywords: OnceLock::new(),
            words,
            triggers,
            dependency_patterns,
            whole_file,
            file_globs,
            assignment_patterns,
            entropy_patterns,
            today: eol::today(),
        })
    }

    /// Judges Python end of life as on `day` instead of today (`--today`, `PYGUARD_TODAY`).
    #[must_use]
    pub fn with_today(mut self, day: eol::Day) -> Self {
        self.today = day;
        self
    }

    /// Builds what a focused scan needs up front (the keyword tiers), so that a caller can
    /// do it on another thread while it reads the content.
    pub fn prepare_focused(&self) {
        let _ = self.tiers();
    }

    /// The automaton over every keyword.
    fn keywords(&self) -> &Keywords {
        self.keywords.get_or_init(|| {
            Keywords::new(self.words.clone(), (0..self.words.len()).collect(), false)
        })
    }

    /// The keywords in tiers by reach: a keyword's reach is the most lines a window around
    /// one of its hits extends on either side (`max_lines - 1` of the patterns it triggers),
    /// rounded up to one of [`TIER_REACH`] so that there are few automata.
    fn tiers(&self) -> &[Tier] {
        self.tiers.get_or_init(|| {
            let mut by_reach: std::collections::BTreeMap<usize, Vec<usize>> =
                std::collections::BTreeMap::new();
            let max = self
                .patterns
                .iter()
                .map(|p| p.spec.max_lines.saturating_sub(1) as usize)
                .max()
                .unwrap_or(0);
            for (slot, pats) in self.triggers.iter().enumerate() {
                let reach = pats
                    .iter()
                    .map(|&p| self.patterns[p].spec.max_lines.saturating_sub(1) as usize)
                    .max()
                    .unwrap_or(0);
                let bucket = TIER_REACH
                    .iter()
                    .copied()
                    .find(|&r| reach <= r)
                    .unwrap_or(max);
                by_reach.entry(bucket).or_default().push(slot);
            }
            by_reach
                .into_iter()
                .map(|(reach, slots)| Tier {
                    reach,
                    keywords: Keywords::new(
                        slots.iter().map(|&s| self.words[s].clone()).collect(),
                        slots,
                        true,
                    ),
                })
                .collect()
        })
    }

    /// The automaton of the evidence pass: only the keywords that trigger a pattern with
    /// evidence (a few Python patterns), where searching every keyword tier over the whole of
    /// each staged file took a third of a hook's time.
    fn evidence_keywords(&self) -> &Keywords {
        self.evidence_keywords.get_or_init(|| {
            let slots: Vec<usize> = (0..self.triggers.len())
                .filter(|&s| {
                    self.triggers[s]
                        .iter()
                        .any(|&p| self.patterns[p].has_evidence())
                })
                .collect();
            Keywords::new(
                slots.iter().map(|&s| self.words[s].clone()).collect(),
                slots,
                true,
            )
        })
    }

    /// The file patterns that fire on `path` alone (no content check). Used for content that
    /// is not scanned, such as binary key stores.
    #[must_use]
    pub fn find_by_path(&self, path: &str) -> Vec<Match> {
        let path = path.replace('\\', "/");
        self.file_globs
            .candidates(&path)
            .into_iter()
            .filter(|&p| {
                self.patterns[p].spec.regex.is_empty() && self.patterns[p].applies_to(&path)
            })
            .map(whole_file_match)
            .collect()
    }

    /// The file patterns that fire on `path` with this content: by path alone, or when their
    /// content check matches.
    fn find_files(&self, path: &str, bytes: &[u8], errors: &mut Vec<anyhow::Error>) -> Vec<Match> {
        let path = path.replace('\\', "/");
        let mut out = Vec::new();
        for p in self.file_globs.candidates(&path) {
            let pattern = &self.patterns[p];
            if !pattern.applies_to(&path) {
                continue;
            }
            if pattern.spec.regex.is_empty() {
                out.push(whole_file_match(p));
                continue;
            }
            match pattern.regex() {
                Ok(re) if re.is_match(bytes) => out.push(whole_file_match(p)),
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        out
    }

    /// What decides how content at `path` is matched, as a comparable key: the patterns that
    /// apply there, the file patterns its name fires, the patterns whose context the path
    /// satisfies, and whether it is Python. Two paths with the same key are matched alike.
    #[must_use]
    pub fn path_rules(&self, path: &str) -> Vec<usize> {
        let path = path.replace('\\', "/");
        let n = self.patterns.len();
        let mut key: Vec<usize> = (0..n)
            .filter(|&p| self.patterns[p].applies_to(&path))
            .collect();
        key.extend(self.file_globs.candidates(&path).into_iter().map(|p| n + p));
        key.extend(
            (0..n)
                .filter(|&p| {
                    self.patterns[p].spec.context.is_some()
                        && self.patterns[p].context_holds(&path, |_| false)
                })
                .map(|p| 2 * n + p),
        );
        key.push(3 * n + usize::from(python::is_python_path(&path)));
        key
    }

    /// All patterns, in the order match indices refer to.
    #[must_use]
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Finds every match in `bytes`, scanned as the file `path`.
    ///
    /// Returns an error only when a pattern's regex cannot be compiled (a broken user pattern);
    /// the matches of every other pattern are still returned alongside in that case.
    pub fn find(&self, path: &str, bytes: &[u8]) -> (Vec<Match>, Vec<anyhow::Error>) {
        self.find_focused(path, bytes, None)
    }

    /// Like [`Matcher::find`], but regexes run only in windows that overlap one of the `focus`
    /// byte ranges (the lines a commit adds): a hook does not compile or run the regexes
    /// that only the file's unchanged lines trigger. Matches may still extend past the focus;
    /// the caller decides which to keep.
    // One pass from keyword hits to matches; split up, it would hand a dozen locals around.
    #[allow(clippy::too_many_lines)]
    pub fn find_focused(
        &self,
        path: &str,
        bytes: &[u8],
        focus: Option<&[Range<usize>]>,
    ) -> (Vec<Match>, Vec<anyhow::Error>) {
        let mut applies: Vec<Option<bool>> = vec![None; self.patterns.len()];
        // (pattern, window start, window end)
        let mut windows: Vec<(usize, usize, usize)> = Vec::new();
        self.whole_file_windows(path, bytes, focus, &mut applies, &mut windows);
        // A flow or context check can be completed by a line far from the match (`x =
        // input()` above an old `exec(x)`): such patterns are searched over the whole file
        // even in a focused scan, and the caller keeps a match whose evidence is focused.
        let evidence_pass = focus.is_some() && self.evidence_applies(path, &mut applies);
        let whole_pass = std::cell::Cell::new(false);
        // Each pattern's last window: the hits of one line (one block of a long line) share
        // it, so that a run of one letter hitting a keyword at every offset adds one window
        // per block, not one per byte.
        let mut last_window: Vec<(usize, usize)> = vec![(usize::MAX, 0); self.patterns.len()];
        let mut bounds = HitBounds::default();
        let mut on_hit = |slot: usize, hit_start: usize, hit_end: usize| {
            let mut line: Option<(usize, usize)> = None;
            for &p in &self.triggers[slot] {
                if whole_pass.get() && !self.patterns[p].has_evidence() {
                    continue;
                }
                let ok = *applies[p].get_or_insert_with(|| self.patterns[p].applies_to(path));
                if !ok
                    || (self.patterns[p].spec.keywords_whole_word
                        && inside_word(bytes, hit_start, hit_end))
                {
                    continue;
                }
                let (ls, le) = *line.get_or_insert_with(|| bounds.of(bytes, hit_start, hit_end));
                if last_window[p] == (ls, le) {
                    continue;
                }
                last_window[p] = (ls, le);
                let extra = self.patterns[p].spec.max_lines.saturating_sub(1) as usize;
                let (ws, we) = widen(bytes, ls, le, extra);
                windows.push((p, ws, we));
            }
        };
        let mut errors = self.search_keywords(bytes, focus, &mut on_hit);
        if evidence_pass {
            whole_pass.set(true);
            let lower: OnceCell<Vec<u8>> = OnceCell::new();
            if let Err(e) =
                self.evidence_keywords()
                    .search(bytes, 0..bytes.len(), &lower, &mut on_hit)
            {
                errors.push(e);
            }
        }
        self.dependency_windows(path, bytes, &mut windows);
        if let Some(focus) = focus {
            self.keep_focused(bytes, &mut windows, focus, evidence_pass);
        }
        windows.sort_unstable();
        let code = CodeView::new(path, bytes);
        let file_kind = assignment::FileKind::of(path);
        let mut matches = self.find_files(path, bytes, &mut errors);
        let mut detector_windows: Vec<Range<usize>> = Vec::new();
        let mut i = 0;
        while i < windows.len() {
            let (p, start, mut end) = windows[i];
            let mut j = i + 1;
            while j < windows.len() && windows[j].0 == p && windows[j].1 <= end {
                end = end.max(windows[j].2);
                j += 1;
            }
            i = j;
            let pattern = &self.patterns[p];
            if pattern.content_detector().is_some() {
                detector_windows.push(start..end);
                continue;
            }
            let re = match pattern.regex() {
                Ok(re) => re,
                Err(e) => {
                    if !errors
                        .iter()
                        .any(|x: &anyhow::Error| x.to_string() == e.to_string())
                    {
                        errors.push(e);
                    }
                    continue;
                }
            };
            // Python code patterns see comments as blanks, so that a comment inside brackets
            // does not break a match that spans lines; offsets are unchanged.
            let hay = if pattern.region() == Region::Code && code.python {
                &code.blanked()[start..end]
            } else {
                &bytes[start..end]
            };
            let secret_group = re
                .capture_names()
                .position(|n| n == Some("secret"))
                .unwrap_or(1);
            // The next search starts where the secret ends, not where the match does: a
            // pattern that ends with a boundary byte (`[^A-Za-z0-9]`) consumes the byte the
            // next secret's own boundary needs, and two tokens one blank apart would leave
            // the second unreported and shown in full beside the first.
            let mut at = 0;
            while at <= hay.len() {
                let Some(caps) = re.captures_at(hay, at) else {
                    break;
                };
                let Some(whole) = caps.get(0) else { break };
                let secret = caps
                    .get(secret_group)
                    .or_else(|| caps.iter().skip(1).flatten().next())
                    .unwrap_or(whole);
                at = if secret.end() > at {
                    secret.end()
                } else {
                    whole.end().max(at + 1)
                };
                // A credential literal a Python pattern reports by its name only (the `value`
                // group): a stand-in or a value no provider issued is no credential.
                if caps
                    .name("value")
                    .is_some_and(|v| placeholder::is_not_credential_literal(v.as_bytes()))
                {
                    continue;
                }
                let value = secret.as_bytes();
                let mut sample = match judge(pattern, value, self.today) {
                    Judged::Pass => false,
                    Judged::Sample => true,
                    Judged::Drop => continue,
                };
                // A URL's password is judged as the generic detector judges one: templates and
                // stand-ins are dropped, and in tests and docs it is a sample.
                if pattern.spec.tags.iter().any(|t| t == "url-password") {
                    match assignment::url_password(file_kind, value) {
                        None => continue,
                        Some(s) => sample |= s,
                    }
                }
                let flow = caps
                    .name("flow")
                    .map(|f| start + f.start()..start + f.end());
                let spans = (
                    start + whole.start()..start + whole.end(),
                    start + secret.start()..start + secret.end(),
                );
                let Some(evidence) = code.keeps(pattern, spans, flow) else {
                    continue;
                };
                let Some(taint) = code.taint_gates(&caps, start) else {
                    continue;
                };
                let mut evidence = evidence;
                if taint != Taint::Clean {
                    // The taint came from somewhere above in the same function: a change
                    // there (`x = input()` added above an old `exec(x)`) completes the match.
                    let at = start + whole.start();
                    evidence.push(enclosing_def(bytes, at)..at);
                }
                let m = Match {
                    pattern: p,
                    span: start + whole.start()..start + whole.end(),
                    secret: start + secret.start()..start + secret.end(),
                    taint,
                    sample,
                    evidence,
                    hidden: caps
                        .name("value")
                        .map(|v| start + v.start()..start + v.end()),
                };
                if matches.last() != Some(&m) {
                    matches.push(m);
                }
            }
        }
        self.assignment_matches((path, file_kind), bytes, detector_windows, &mut matches);
        self.entropy_matches(path, bytes, focus, &mut matches);
        matches.sort_by_key(|m| (m.secret.start, m.pattern));
        matches.dedup();
        self.drop_generic_overlaps(&mut matches);
        self.drop_files_named_by_content(&mut matches);
        (matches, errors)
    }

    /// A file pattern tagged `named-by-content` (a `.pem` holding a private key) yields to a
    /// blocking `private-key*` match in the file's content (the key itself): one key is one
    /// finding.
    /// It stays when the content match is a sample (a truncated or made-up key body), so that
    /// such a file still blocks.
    fn drop_files_named_by_content(&self, matches: &mut Vec<Match>) {
        let named = |m: &Match| {
            m.span.is_empty()
                && self.patterns[m.pattern]
                    .spec
                    .tags
                    .iter()
                    .any(|t| t == "named-by-content")
        };
        if !matches.iter().any(named) {
            return;
        }
        // Only the key itself covers the file: an unrelated secret on another line could be
        // allowed by a comment, which would then leave the key file unreported.
        let covered = matches.iter().any(|m| {
            !m.span.is_empty()
                && !m.sample
                && self.patterns[m.pattern].spec.id.starts_with("private-key")
        });
        if covered {
            matches.retain(|m| !named(m));
        }
    }

    /// Runs the assignment detector once over the lines its patterns' keywords selected, and
    /// reports each verdict under the pattern that names it.
    fn assignment_matches(
        &self,
        (path, kind): (&str, assignment::FileKind),
        bytes: &[u8],
        mut windows: Vec<Range<usize>>,
        matches: &mut Vec<Match>,
    ) {
        if windows.is_empty() {
            return;
        }
        windows.sort_by_key(|r| r.start);
        let mut hits = Vec::new();
        let mut done = 0;
        for w in windows {
            let mut start = w.start.max(done);
            while start < w.end {
                let end = memchr::memchr(b'\n', &bytes[start..w.end]).map_or(w.end, |i| start + i);
                let line = &bytes[start..end];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let found = hits.len();
                assignment::scan_line(kind, &bytes[..start], line, start, &mut hits);
                if hits.len() == found && end < bytes.len() {
                    assignment::scan_block(
                        kind,
                        line,
                        start,
                        &bytes[end + 1..],
                        end + 1,
                        &mut hits,
                    );
                }
                start = end + 1;
            }
            done = done.max(w.end);
        }
        for hit in hits {
            let Some(&(p, _)) = self
                .assignment_patterns
                .iter()
                .find(|(p, v)| *v == hit.verdict && self.patterns[*p].applies_to(path))
            else {
                continue;
            };
            let pattern = &self.patterns[p];
            if pattern
                .spec
                .min_entropy
                .is_some_and(|min| entropy::shannon(&bytes[hit.secret.clone()]) < min)
            {
                continue;
            }
            matches.push(Match {
                pattern: p,
                span: hit.span,
                secret: hit.secret,
                taint: Taint::Clean,
                sample: false,
                evidence: Vec::new(),
                hidden: None,
            });
        }
    }

    /// Runs the entropy scanner over the focused lines (or the whole content).
    fn entropy_matches(
        &self,
        path: &str,
        bytes: &[u8],
        focus: Option<&[Range<usize>]>,
        matches: &mut Vec<Match>,
    ) {
        let Some(&p) = self
            .entropy_patterns
            .iter()
            .find(|&&p| self.patterns[p].applies_to(path))
        else {
            return;
        };
        if !highentropy::applies_to(path) {
            return;
        }
        for secret in highentropy::scan(bytes, focus) {
            matches.push(Match {
                pattern: p,
                span: secret.clone(),
                secret,
                taint: Taint::Clean,
                sample: false,
                evidence: Vec::new(),
                hidden: None,
            });
        }
    }
}

impl Matcher {
    /// Whether some pattern with a flow or context check applies at `path` (caching what
    /// applies in `applies`).
    fn evidence_applies(&self, path: &str, applies: &mut [Option<bool>]) -> bool {
        (0..self.patterns.len()).any(|p| {
            self.patterns[p].has_evidence()
                && *applies[p].get_or_insert_with(|| self.patterns[p].applies_to(path))
        })
    }

    /// Keeps the windows that overlap the focus, and, after an evidence pass, every window of
    /// a pattern with evidence (the caller keeps a match whose evidence is focused).
    ///
    /// A pattern whose only evidence is taint rests on the lines from its function's `def` to
    /// the match (see [`enclosing_def`]): its window is kept only when the focus touches that
    /// stretch, so a hook does not run taint analysis over every function of a staged file.
    fn keep_focused(
        &self,
        bytes: &[u8],
        windows: &mut Vec<(usize, usize, usize)>,
        focus: &[Range<usize>],
        evidence_pass: bool,
    ) {
        let touches =
            |start: usize, end: usize| focus.iter().any(|r| r.start < end && start < r.end);
        // Where each `def` line starts, found in one pass when first needed: a window's
        // function is the last `def` above its line (as [`enclosing_def`] finds it), without a
        // walk back to the top of the file for every window.
        let defs: OnceCell<Vec<usize>> = OnceCell::new();
        let function_start = |at: usize| {
            let defs = defs.get_or_init(|| def_lines(bytes));
            let line = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            def_above(defs, line)
        };
        windows.retain(|&(p, ws, we)| {
            if touches(ws, we) {
                return true;
            }
            let pattern = &self.patterns[p];
            if !(evidence_pass && pattern.has_evidence()) {
                return false;
            }
            let taint_only = pattern.spec.flow_sources.is_none() && pattern.spec.context.is_none();
            !taint_only || touches(function_start(ws), we)
        });
    }

    /// Reports every keyword hit (slot, start, end) that can matter: everywhere without a
    /// focus; with one, only hits whose windows can reach a focused line: each tier's keywords
    /// are searched over the focus widened by the tier's reach, whole lines only (keywords hold
    /// no line break, so none straddles a range's edge).
    fn search_keywords(
        &self,
        bytes: &[u8],
        focus: Option<&[Range<usize>]>,
        on_hit: &mut dyn FnMut(usize, usize, usize),
    ) -> Vec<anyhow::Error> {
        let lower: OnceCell<Vec<u8>> = OnceCell::new();
        let result = match focus {
            None => self
                .keywords()
                .search(bytes, 0..bytes.len(), &lower, on_hit),
            Some(focus) => self.tiers().iter().try_for_each(|tier| {
                reach_ranges(bytes, focus, tier.reach)
                    .into_iter()
                    .try_for_each(|r| tier.keywords.search(bytes, r, &lower, &mut *on_hit))
            }),
        };
        result.err().into_iter().collect()
    }

    /// Windows for the content patterns without keywords: the whole file, or near the focus.
    fn whole_file_windows(
        &self,
        path: &str,
        bytes: &[u8],
        focus: Option<&[Range<usize>]>,
        applies: &mut [Option<bool>],
        windows: &mut Vec<(usize, usize, usize)>,
    ) {
        for &p in &self.whole_file {
            if !*applies[p].get_or_insert_with(|| self.patterns[p].applies_to(path)) {
                continue;
            }
            let pattern = &self.patterns[p];
            match focus {
                // A line-anchored regex (`(?m)`, no `\A`/`\z`) matches the same within whole
                // lines: run it only where it can touch a focused line.
                Some(focus) if is_line_anchored(&pattern.spec.regex) => {
                    let reach = pattern.spec.max_lines.saturating_sub(1) as usize;
                    windows.extend(
                        reach_ranges(bytes, focus, reach)
                            .into_iter()
                            .map(|r| (p, r.start, r.end)),
                    );
                }
                _ => windows.push((p, 0, bytes.len())),
            }
        }
    }

    /// Windows for the manifest patterns: the spans of a manifest their region names (one
    /// requirement name, one source URL, one trusted host).
    fn dependency_windows(
        &self,
        path: &str,
        bytes: &[u8],
        windows: &mut Vec<(usize, usize, usize)>,
    ) {
        if self.dependency_patterns.is_empty() {
            return;
        }
        let Some(items) = deps::items(path, bytes) else {
            return;
        };
        for &p in &self.dependency_patterns {
            let role = match self.patterns[p].region() {
                Region::PackageSource => deps::Role::Source,
                Region::ExtraIndex => deps::Role::ExtraIndex,
                Region::TrustedHost => deps::Role::TrustedHost,
                _ => deps::Role::Name,
            };
            if self.patterns[p].applies_to(path) {
                windows.extend(
                    items
                        .iter()
                        .filter(|i| i.role == role)
                        .map(|i| (p, i.span.start, i.span.end)),
                );
            }
        }
    }

    /// A generic detector's match yields to a specific pattern's match on the same secret:
    /// one secret, one finding, under its most precise name.
    fn drop_generic_overlaps(&self, matches: &mut Vec<Match>) {
        // The entropy scanner's find yields to any other name for the same secret.
        if !self.entropy_patterns.is_empty() {
            let is_entropy = |m: &Match| self.entropy_patterns.contains(&m.pattern);
            let named: Vec<Range<usize>> = matches
                .iter()
                .filter(|m| !is_entropy(m))
                .map(|m| m.secret.clone())
                .collect();
            matches.retain(|m| {
                !is_entropy(m)
                    || !named
                        .iter()
                        .any(|s| s.start < m.secret.end && m.secret.start < s.end)
            });
        }
        let tagged =
            |m: &Match, tag: &str| self.patterns[m.pattern].spec.tags.iter().any(|t| t == tag);
        // A fallback (a generic pattern that is weaker still, such as a token with a known
        // prefix but not its shape) yields to any other match of its kind, generic or not.
        if matches.iter().any(|m| tagged(m, "fallback")) {
            self.yield_to_others(matches, |m| tagged(m, "fallback"));
        }
        // A Python `credential` match (a literal given to a password-named name) yields to a
        // secret pattern's match inside it: the value is then reported once, under the
        // secret's own name, and redacted.
        if matches.iter().any(|m| tagged(m, "credential")) {
            let secrets: Vec<Range<usize>> = matches
                .iter()
                .filter(|m| self.patterns[m.pattern].spec.kind == Kind::Secret)
                .map(|m| m.secret.clone())
                .collect();
            matches.retain(|m| {
                !tagged(m, "credential")
                    || !secrets
                        .iter()
                        .any(|s| s.start < m.span.end && m.span.start < s.end)
            });
        }
        // A generic match yields only to a specific match of its own kind (a Python pattern
        // spanning a call does not hide a generic secret inside it).
        if matches.iter().any(|m| tagged(m, "generic")) {
            self.yield_to_others(matches, |m| tagged(m, "generic"));
        }
    }

    /// Drops each `weak` match whose secret overlaps the secret of a match of the same kind
    /// that is not weak. The other matches' spans of each kind are merged into disjoint
    /// ranges in order: each weak match is then checked by a binary search (a degenerate
    /// file may hold many of both).
    fn yield_to_others(&self, matches: &mut Vec<Match>, weak: impl Fn(&Match) -> bool) {
        let kind = |m: &Match| self.patterns[m.pattern].spec.kind;
        let mut spans: Vec<(Kind, Range<usize>)> = matches
            .iter()
            .filter(|m| !weak(m))
            .map(|m| (kind(m), m.secret.clone()))
            .collect();
        spans.sort_unstable_by_key(|(k, r)| (*k as u8, r.start));
        let mut strong: Vec<(Kind, Range<usize>)> = Vec::new();
        for (k, r) in spans {
            match strong.last_mut() {
                Some((lk, last)) if *lk == k && r.start < last.end => {
                    last.end = last.end.max(r.end);
                }
                _ => strong.push((k, r)),
            }
        }
        let overlaps = |k: Kind, m: &Range<usize>| {
            let i = strong.partition_point(|(sk, s)| (*sk as u8, s.end) <= (k as u8, m.start));
            strong
                .get(i)
                .is_some_and(|(sk, s)| *sk == k && s.start < m.end)
        };
        matches.retain(|m| !weak(m) || !overlaps(kind(m), &m.secret));
    }
}

/// The Python-aware gates of one chunk: whether a match starts on code, the one-step flow
/// check and file-level context. The lexer runs at most once per chunk, and only when a Python
/// pattern's keyword occurred in a Python file, so secret-only scans never pay for it.
struct CodeView<'a> {
    path: &'a str,
    bytes: &'a [u8],
    python: bool,
    lexed: OnceCell<python::Lexed>,
    blanked: OnceCell<Vec<u8>>,
}

impl<'a> CodeView<'a> {
    fn new(path: &'a str, bytes: &'a [u8]) -> Self {
        CodeView {
            path,
            bytes,
            python: python::is_python_path(path),
            lexed: OnceCell::new(),
            blanked: OnceCell::new(),
        }
    }

    /// The chunk with every comment byte replaced by a space (Python files only).
    fn blanked(&self) -> &[u8] {
        self.blanked
            .get_or_init(|| self.lexed().blank_comments(self.bytes))
    }

    fn lexed(&self) -> &python::Lexed {
        self.lexed.get_or_init(|| python::lex(self.bytes))
    }

    /// Where the data of the code in `expr` comes from (Python files only).
    fn taint(&self, expr: Range<usize>) -> Taint {
        if !self.python {
            return Taint::Clean;
        }
        taint::taint(self.bytes, self.lexed(), expr, taint::MAX_HOPS)
    }

    /// The gates of the `dynamic` and `tainted` groups of a match found at `start`: `None`
    /// when its `dynamic` group is a constant (no finding), else where the data of its
    /// `tainted` group comes from.
    fn taint_gates(&self, caps: &regex::bytes::Captures<'_>, start: usize) -> Option<Taint> {
        let at = |m: regex::bytes::Match<'_>| start + m.start()..start + m.end();
        if caps.name("dynamic").is_some_and(|d| self.constant(at(d))) {
            return None;
        }
        Some(
            caps.name("tainted")
                .map_or(Taint::Clean, |t| self.taint(at(t))),
        )
    }

    /// Whether the code in `expr` is built from literals and constants only (Python files).
    fn constant(&self, expr: Range<usize>) -> bool {
        self.python && taint::constant(self.bytes, self.lexed(), expr, taint::MAX_HOPS)
    }

    /// Whether a match at `span` starts on code (its first non-blank byte).
    fn starts_in_code(&self, span: &Range<usize>) -> bool {
        if !self.python {
            return true;
        }
        let first = self.bytes[span.clone()]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(span.start, |i| span.start + i);
        self.lexed().starts_in_code(first)
    }

    /// The region, `unless`, flow and context gates for one match of `pattern`: `spans` are
    /// the whole match (for `unless`) and the secret, whose start anchors the code check and
    /// the flow's scope. `None` drops the match; otherwise the spans of the evidence the flow
    /// and context checks rested on (see [`Match::evidence`]).
    fn keeps(
        &self,
        pattern: &Pattern,
        (span, secret): (Range<usize>, Range<usize>),
        flow: Option<Range<usize>>,
    ) -> Option<Vec<Range<usize>>> {
        let mut evidence = Vec::new();
        if pattern.region() == Region::Code && !self.starts_in_code(&secret) {
            return None;
        }
        if self.python
            && pattern.region() == Region::Code
            && names_a_definition(self.bytes, secret.start)
        {
            return None;
        }
        let text = if self.python && pattern.region() == Region::Code {
            &self.blanked()[span.clone()]
        } else {
            &self.bytes[span.clone()]
        };
        if pattern.unless().is_some_and(|re| re.is_match(text)) {
            return None;
        }
        if let (Some(name), Some(sources)) = (flow, pattern.flow_sources()) {
            if !self.python {
                return None;
            }
            // The nearest binding: an assignment, or `with EXPR as name` / `for name in EXPR`
            // (`with tarfile.open(p) as tar:` binds `tar` to what `tarfile.open` returns).
            let rhs = python::bindings(self.bytes, self.lexed(), name, secret.start).pop()?;
            if !sources.is_match(&self.bytes[rhs.clone()]) {
                return None;
            }
            evidence.push(rhs);
        }
        let holds = pattern.context_holds(self.path, |re| {
            let found = re
                .find_iter(self.bytes)
                .find(|m| self.starts_in_code(&(m.start()..m.end())));
            evidence.extend(found.map(|m| m.start()..m.end()));
            found.is_some()
        });
        holds.then_some(evidence)
    }
}

/// A file pattern's match: it spans nothing at the start of the file and stands for all of it.
/// Where the Python function holding `at` starts (the line of the nearest `def` above it),
/// or the start of the content.
fn enclosing_def(bytes: &[u8], at: usize) -> usize {
    let mut end = at;
    while let Some(nl) = memchr::memrchr(b'\n', &bytes[..end]) {
        let line_start = memchr::memrchr(b'\n', &bytes[..nl]).map_or(0, |i| i + 1);
        if is_def(&bytes[line_start..nl]) {
            return line_start;
        }
        end = nl;
    }
    0
}

/// Whether the code at `at` is the name a `def` or `class` statement defines
/// (`def eval(self, context):` defines a method; it calls nothing).
fn names_a_definition(bytes: &[u8], at: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let before = &bytes[line_start..at];
    let word = before.trim_ascii_end();
    if word.len() == before.len() {
        return false;
    }
    let keyword = |k: &[u8]| {
        word.strip_suffix(k).is_some_and(|rest| {
            rest.last()
                .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        })
    };
    keyword(b"def") || keyword(b"class")
}

/// Whether a line starts a Python function (`def` or `async def`, indented or not).
fn is_def(line: &[u8]) -> bool {
    let line = line.trim_ascii_start();
    line.starts_with(b"def ") || line.starts_with(b"async def ")
}

/// The start of the last of `defs` (see [`def_lines`]) on a line above the line starting at
/// `line`, or the start of the content: what [`enclosing_def`] finds, by bisection.
fn def_above(defs: &[usize], line: usize) -> usize {
    match defs.partition_point(|&d| d < line) {
        0 => 0,
        i => defs[i - 1],
    }
}

/// Where each line that starts a Python function begins, in order.
fn def_lines(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        if start < nl && is_def(&bytes[start..nl]) {
            out.push(start);
        }
        start = nl + 1;
    }
    out
}

fn whole_file_match(pattern: usize) -> Match {
    Match {
        pattern,
        span: 0..0,
        secret: 0..0,
        taint: Taint::Clean,
        sample: false,
        evidence: Vec::new(),
        hidden: None,
    }
}

/// After how many searched bytes a keyword DFA is built (see [`Keywords::automaton`]).
const DFA_AFTER_BYTES: u64 = 4 << 20;

/// Up to this many keywords, a tier is searched with a packed (Teddy) searcher first.
const PACKED_MAX: usize = 64;

/// The reaches (in lines) that keyword tiers are rounded up to; a reach above the last one
/// forms a tier of its own at the largest reach of any pattern.
const TIER_REACH: [usize; 4] = [0, 3, 12, 40];

/// Keywords with the same reach (see [`Matcher::tiers`]).
#[derive(Debug)]
struct Tier {
    reach: usize,
    keywords: Keywords,
}

/// One keyword automaton over lower-cased keywords.
///
/// For whole-file scans it is case-insensitive and searches the content as it is: first a
/// contiguous NFA, then a DFA (about 40% faster to search, three times slower to build) once
/// [`DFA_AFTER_BYTES`] have been searched. For focused scans (the commit gate, history) it is
/// case-sensitive and searches the lower-cased content instead: such an automaton builds in
/// half the time, which a hook pays on every commit, and the few lines it searches make the
/// lower-casing cheap. The lower-cased copy has the same length, so offsets are the same.
#[derive(Debug)]
struct Keywords {
    words: Vec<Vec<u8>>,
    /// For each word (by automaton pattern index), its slot in the matcher's triggers.
    slots: Vec<usize>,
    /// Whether this is a focused-scan automaton (case-sensitive, over lower-cased text).
    focused: bool,
    nfa: Result<AhoCorasick, String>,
    dfa: OnceLock<Option<AhoCorasick>>,
    /// A packed (SIMD) searcher over the lower-cased words, when they are few enough.
    packed: Option<aho_corasick::packed::Searcher>,
    searched: AtomicU64,
}

impl Keywords {
    /// `focused`: built for focused scans (see [`Keywords`]); a few such keywords are searched
    /// with Teddy first.
    fn new(words: Vec<Vec<u8>>, slots: Vec<usize>, focused: bool) -> Self {
        // Fails only if the automaton outgrows its limits (an enormous user keyword set);
        // every search then reports the error.
        let kind = if focused {
            AhoCorasickKind::NoncontiguousNFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let nfa = keyword_automaton(&words, kind, !focused)
            .map_err(|e| format!("failed to build the keyword prefilter: {e}"));
        let packed = if focused && words.len() <= PACKED_MAX {
            aho_corasick::packed::Config::new()
                .builder()
                .extend(&words)
                .build()
        } else {
            None
        };
        Keywords {
            words,
            slots,
            focused,
            nfa,
            packed,
            dfa: OnceLock::new(),
            searched: AtomicU64::new(0),
        }
    }

    /// Reports every keyword (overlapping ones included) in `bytes[range]` as (slot, start,
    /// end). A focused automaton searches the lower-cased text (made once per content, in
    /// `lower`); with few keywords, a SIMD search (Teddy) finds the lines holding any of them
    /// first, and the automaton then runs on those lines only; `range` must then start and
    /// end at line boundaries.
    fn search(
        &self,
        bytes: &[u8],
        range: Range<usize>,
        lower: &OnceCell<Vec<u8>>,
        on_hit: &mut dyn FnMut(usize, usize, usize),
    ) -> Result<()> {
        let hay = if self.focused {
            lower.get_or_init(|| bytes.to_ascii_lowercase()).as_slice()
        } else {
            bytes
        };
        let Some(packed) = &self.packed else {
            let automaton = self.automaton(range.len())?;
            for hit in automaton.find_overlapping_iter(&hay[range.clone()]) {
                let slot = self.slots[hit.pattern().as_usize()];
                on_hit(slot, range.start + hit.start(), range.start + hit.end());
            }
            return Ok(());
        };
        let automaton = self.automaton(0)?;
        let mut done = range.start;
        for m in packed.find_iter(&hay[range.clone()]) {
            let at = range.start + m.start();
            if at < done {
                continue;
            }
            let ls = memchr::memrchr(b'\n', &hay[range.start..at])
                .map_or(range.start, |i| range.start + i + 1);
            let le = memchr::memchr(b'\n', &hay[at..range.end]).map_or(range.end, |i| at + i + 1);
            for hit in automaton.find_overlapping_iter(&hay[ls..le]) {
                let slot = self.slots[hit.pattern().as_usize()];
                on_hit(slot, ls + hit.start(), ls + hit.end());
            }
            done = le;
        }
        Ok(())
    }

    /// The automaton to search `len` more bytes with: the NFA until enough bytes have been
    /// searched for the DFA's build time to pay off, then the DFA. Both number the keywords
    /// alike, so triggers do not depend on which one ran.
    fn automaton(&self, len: usize) -> Result<&AhoCorasick> {
        let before = self.searched.fetch_add(len as u64, Ordering::Relaxed);
        if before + len as u64 >= DFA_AFTER_BYTES {
            if let Some(dfa) = self.dfa.get_or_init(|| {
                keyword_automaton(&self.words, AhoCorasickKind::DFA, !self.focused).ok()
            }) {
                return Ok(dfa);
            }
        }
        self.nfa.as_ref().map_err(|e| anyhow::anyhow!("{e}"))
    }
}

fn keyword_automaton(
    words: &[Vec<u8>],
    kind: AhoCorasickKind,
    case_insensitive: bool,
) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(case_insensitive)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(words)
}

/// Whether a regex finds the same matches in a run of whole lines as in the whole text: its
/// `^` and `$` are line anchors, and it has no text anchors.
fn is_line_anchored(regex: &str) -> bool {
    regex.starts_with("(?m)") && !regex.contains("\\A") && !regex.contains("\\z")
}

/// The `focus` ranges widened by `reach` whole lines on either side, merged, in order.
fn reach_ranges(bytes: &[u8], focus: &[Range<usize>], reach: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(focus.len());
    let mut sorted: Vec<&Range<usize>> = focus.iter().collect();
    sorted.sort_by_key(|r| r.start);
    for r in sorted {
        let mut start = r.start.min(bytes.len());
        let mut end = r.end.min(bytes.len());
        // Back to the start of the focused line, then `reach` more lines.
        start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
        for _ in 0..reach {
            if start == 0 {
                break;
            }
            start = memchr::memrchr(b'\n', &bytes[..start - 1]).map_or(0, |i| i + 1);
        }
        // On to the end of the last focused line, then `reach` more lines.
        if end > start && bytes[end - 1] != b'\n' {
            end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i + 1);
        }
        for _ in 0..reach {
            if end >= bytes.len() {
                break;
            }
            end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i + 1);
        }
        match out.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ if start < end => out.push(start..end),
            _ => {}
        }
    }
    out
}

/// Runs a validator. The rule format's validators that need the matcher's data (the `PyPI`
/// lists, the end-of-life table and the scan date) are judged here; `rules` does the rest.
fn validate(v: Validator, value: &[u8], today: eol::Day) -> bool {
    match v {
        Validator::PypiTyposquat => {
            std::str::from_utf8(value).is_ok_and(|name| pypi::typosquat_target(name).is_some())
        }
        Validator::PypiMalicious => std::str::from_utf8(value).is_ok_and(pypi::is_malicious),
        Validator::PythonEol => eol::admits_only_eol(value, today),
        other => other.check(value),
    }
}

/// What the gates make of one captured value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Judged {
    /// A secret (or a finding) as the pattern describes it.
    Pass,
    /// The provider's shape, but a value no provider issued: its checksum fails, or it holds a
    /// run typed by hand (`1234567890`, `abcdefgh`). Most are examples in docs and tests; a
    /// few are real keys mangled by hand. Reported as a low-confidence warning, never blocking.
    Sample,
    /// Not reported: below the entropy floor, failing a structural validator, or a stand-in
    /// (`changeme`, `<token>`, `${X}`, `xxxxxxxx`).
    Drop,
}

/// Entropy floor, validator and placeholder filter for one captured value.
fn judge(pattern: &Pattern, value: &[u8], today: eol::Day) -> Judged {
    if let Some(min) = pattern.spec.min_entropy {
        if entropy::shannon(value) < min {
            return Judged::Drop;
        }
    }
    let secret = pattern.spec.kind == Kind::Secret;
    let mut verdict = Judged::Pass;
    if let Some(v) = pattern.validator {
        if !validate(v, value, today) {
            if !(secret && v.resembles(value)) {
                return Judged::Drop;
            }
            verdict = Judged::Sample;
        }
    }
    if secret && value.len() <= PLACEHOLDER_MAX_LEN {
        if placeholder::is_stand_in(value) || literal::is_prefixed_name(value) {
            return Judged::Drop;
        }
        if placeholder::has_typed_run(value) {
            verdict = Judged::Sample;
        }
    } else if secret && placeholder::is_long_example(value) {
        return Judged::Drop;
    }
    verdict
}

/// The line around `start..end`, clipped on a long line to at least [`WINDOW_REACH`] bytes on
/// either side. The clip points are whole blocks of [`WINDOW_REACH`] bytes, so that every hit
/// in one block of a long line gets the same bounds (and shares one window).
fn line_bounds(bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
    let lo = (start / WINDOW_REACH).saturating_sub(1) * WINDOW_REACH;
    let hi = ((end / WINDOW_REACH + 2) * WINDOW_REACH).min(bytes.len());
    let ls = memchr::memrchr(b'\n', &bytes[lo..start]).map_or(lo, |i| lo + i + 1);
    let le = memchr::memchr(b'\n', &bytes[end..hi]).map_or(hi, |i| end + i + 1);
    (ls, le)
}

/// [`line_bounds`] of successive keyword hits, reusing the last hit's bounds when nothing that
/// decides them changed (same blocks, no line break in between). Keyword hits come in order,
/// so the work is linear in the content, however many hits a degenerate line holds: without
/// this, every hit of a run of one letter searched two blocks for line breaks.
#[derive(Default)]
struct HitBounds {
    /// The last hit (start, end) and its bounds.
    last: Option<(usize, usize, (usize, usize))>,
}

impl HitBounds {
    fn of(&mut self, bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
        if let Some((s, e, bounds)) = self.last {
            if start >= s
                && start / WINDOW_REACH == s / WINDOW_REACH
                && end / WINDOW_REACH == e / WINDOW_REACH
                && memchr::memchr(b'\n', &bytes[s..end.max(e)]).is_none()
            {
                self.last = Some((start, end, bounds));
                return bounds;
            }
        }
        let bounds = line_bounds(bytes, start, end);
        self.last = Some((start, end, bounds));
        bounds
    }
}

/// Extends a window by `extra` lines on each side (for patterns that span lines).
fn widen(bytes: &[u8], mut start: usize, mut end: usize, extra: usize) -> (usize, usize) {
    for _ in 0..extra {
        if start == 0 {
            break;
        }
        start = line_bounds(bytes, start - 1, start - 1).0;
    }
    for _ in 0..extra {
        if end >= bytes.len() {
            break;
        }
        end = line_bounds(bytes, end, end).1;
    }
    (start, end)
}

/// Whether the content looks binary: a NUL byte in its first 8 KiB (git's own heuristic).
#[must_use]
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8000)]).is_some()
}

/// Whether the keyword hit at `start..end` is part of a longer word (`text(` in `context(`,
/// `delete` in `delete_token`): a word byte on either side of an edge that is a word byte.
fn inside_word(bytes: &[u8], start: usize, end: usize) -> bool {
    let word = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
    };
    (start > 0 && word(start) && word(start - 1)) || (end > start && word(end - 1) && word(end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pattern::parse_file;

    fn matcher(yaml: &str) -> Matcher {
        Matcher::new(parse_file("t.yaml", yaml).unwrap()).unwrap()
    }

    const TOKEN: &str = r"
patterns:
  - id: demo-token
    name: Demo token
    kind: secret
    severity: error
    keywords: [demo_]
    regex: '\b(demo_[A-Za-z0-9]{12})\b'
    min_entropy: 3.0
    description: {what: a, why: b, fix: c}
  - id: demo-key
    name: Demo key block
    kind: secret
    severity: error
    keywords: ['BEGIN DEMO']
    max_lines: 20
    regex: '-----BEGIN DEMO-----\r?\n((?:[A-Za-z0-9+/=]+\r?\n)+)-----END DEMO-----'
    description: {what: a, why: b, fix: c}
";

    #[test]
    fn finds_token_with_keyword_case_insensitively_and_exact_span() {
        let m = matcher(TOKEN);
        let text = b"x = 'DEMO_nope'\ny = 'demo_Q8z3LkP0vW2x'\n";
        let (found, errs) = m.find("a.py", text);
        assert!(errs.is_empty());
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].secret.clone()], b"demo_Q8z3LkP0vW2x");
    }

    #[test]
    fn a_credential_match_yields_to_a_secret_in_it_and_drops_stand_ins() {
        // A Python pattern naming a credential by its variable reported a real token a
        // second time beside the secret pattern, and a placeholder (`changeme`) at all.
        let yaml = format!(
            r#"{TOKEN}
  - id: demo-credential
    name: Demo credential
    kind: python
    severity: warning
    region: code
    tags: [credential]
    keywords: [password]
    paths: ['*.py']
    regex: '(?P<secret>\w*password)\s*=\s*"(?P<value>[^"\n]+)"'
    description: {{what: a, why: b, fix: c}}
"#
        );
        let m = matcher(&yaml);
        let ids = |text: &[u8]| -> Vec<String> {
            m.find("app.py", text)
                .0
                .iter()
                .map(|f| m.patterns[f.pattern].spec.id.clone())
                .collect()
        };
        assert_eq!(ids(b"db_password = \"hunter2\"\n"), ["demo-credential"]);
        assert_eq!(
            ids(b"db_password = \"demo_Q8z3LkP0vW2x\"\n"),
            ["demo-token"]
        );
        assert!(ids(b"db_password = \"changeme\"\n").is_empty());
        assert!(ids(b"db_password = \"${DB_PASSWORD}\"\n").is_empty());
    }

    #[test]
    fn a_whole_word_keyword_does_not_count_inside_a_word() {
        // The SQL patterns' keyword `text(` occurs in every `context(` of a Django module;
        // each hit made the gate compile and run the largest Python regexes.
        let yaml = |flag: bool| {
            format!(
                r"
patterns:
  - id: demo-call
    name: Demo call
    kind: secret
    severity: error
    keywords: ['text(']
    keywords_whole_word: {flag}
    regex: 'text\((x)\)'
    description: {{what: a, why: b, fix: c}}
"
            )
        };
        let found = |m: &Matcher, text: &[u8]| m.find("a.py", text).0.len();
        let words = matcher(&yaml(true));
        assert_eq!(found(&words, b"v = context(x)\n"), 0);
        assert_eq!(found(&words, b"v = text(x)\n"), 1);
        assert_eq!(found(&words, b"text(x)\n"), 1);
        assert_eq!(found(&words, b"text(x)text(x)\n"), 2);
        let anywhere = matcher(&yaml(false));
        assert_eq!(found(&anywhere, b"v = context(x)\n"), 1);
        // The end of a keyword is an edge too: `delete` in `delete_token` does not count.
        let ends = |flag: bool| {
            yaml(flag)
                .replace("['text(']", "[delete]")
                .replace(r"'text\((x)\)'", "'(delete)[ _]'")
        };
        assert_eq!(found(&matcher(&ends(true)), b"delete_token\n"), 0);
        assert_eq!(found(&matcher(&ends(true)), b"delete token\n"), 1);
        assert_eq!(found(&matcher(&ends(false)), b"delete_token\n"), 1);
    }

    #[test]
    fn a_fallback_yields_to_a_generic_finding_on_the_same_value() {
        // Broke: a token assigned to TOKEN in a shell script was reported twice, as a generic
        // assignment and as a prefixed-token sample: both generic, so neither yielded.
        let yaml = r"
patterns:
  - id: demo-generic
    name: Demo generic
    kind: secret
    severity: error
    tags: [generic]
    keywords: ['token=']
    regex: 'token=(\S+)'
    description: {what: a, why: b, fix: c}
  - id: demo-fallback
    name: Demo fallback
    kind: secret
    severity: warning
    tags: [generic, fallback]
    keywords: [ghp_]
    regex: '(ghp_\w+)'
    description: {what: a, why: b, fix: c}
";
        let m = matcher(yaml);
        let ids = |text: &[u8]| -> Vec<String> {
            m.find("a.sh", text)
                .0
                .iter()
                .map(|f| m.patterns()[f.pattern].id().to_string())
                .collect()
        };
        let assigned = b"token=ghp_Zr8tY3wB6nM1\n"; // pyguard: allow[generic-secret-assignment]
        assert_eq!(ids(assigned), ["demo-generic"]);
        assert_eq!(ids(b"x ghp_Zr8tY3wB6nM1\n"), ["demo-fallback"]);
    }

    #[test]
    fn two_tokens_one_blank_apart_are_both_found() {
        // Broke: a pattern ending in a boundary byte consumed the blank that the next token's
        // own boundary needed; the second token was neither reported nor redacted.
        let yaml = r"
patterns:
  - id: demo-bounded
    name: Demo bounded
    kind: secret
    severity: error
    keywords: [ghp_]
    regex: '(?:^|[^A-Za-z0-9_])(ghp_[A-Za-z0-9]{8})(?:[^A-Za-z0-9_]|$)'
    description: {what: a, why: b, fix: c}
";
        let m = matcher(yaml);
        let text = b"t: ghp_Zr8tY3wB ghp_6nM1qP5s ghp_Kx0aB2cD\n";
        let found: Vec<&[u8]> = m
            .find("a.txt", text)
            .0
            .iter()
            .map(|f| &text[f.secret.clone()])
            .collect();
        assert_eq!(
            found,
            [
                &b"ghp_Zr8tY3wB"[..],
                &b"ghp_6nM1qP5s"[..],
                &b"ghp_Kx0aB2cD"[..]
            ]
        );
    }

    #[test]
    fn entropy_gate_drops_low_entropy_values() {
        let m = matcher(TOKEN);
        let (found, _) = m.find("a.py", b"demo_abababababab");
        assert!(found.is_empty());
    }

    #[test]
    fn invalid_utf8_nul_and_crlf_do_not_break_matching() {
        let m = matcher(TOKEN);
        let mut text = vec![0xff, 0xfe, 0, b'\r', b'\n'];
        text.extend_from_slice(b"k = demo_Q8z3LkP0vW2x\r\n\xc3\x28");
        let (found, _) = m.find("a.bin", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].secret.clone()], b"demo_Q8z3LkP0vW2x");
    }

    #[test]
    fn multi_line_block_is_found_once_with_crlf() {
        let m = matcher(TOKEN);
        let text = b"-----BEGIN DEMO-----\r\nQUJDREVGR0hJSktMTU5PUA==\r\nUVJTVFVWV1hZWg==\r\n-----END DEMO-----\r\n";
        let (found, _) = m.find("k.pem", text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].span.start, 0);
    }

    #[test]
    fn token_deep_inside_a_huge_single_line_is_found() {
        let m = matcher(TOKEN);
        let mut text = vec![b'a'; 3_000_000];
        text.extend_from_slice(b" demo_Q8z3LkP0vW2x ");
        text.extend(std::iter::repeat_n(b'b', 3_000_000));
        let (found, _) = m.find("min.js", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].secret.start, 3_000_001);
    }

    #[test]
    fn placeholders_are_not_reported() {
        let m = matcher(&TOKEN.replace("[A-Za-z0-9]{12}", "[A-Za-z0-9]{12,20}"));
        let (found, _) = m.find("a.py", b"demo_EXAMPLEq8z3LkP0");
        assert!(found.is_empty());
    }

    #[test]
    fn a_typed_run_or_a_failed_checksum_is_a_sample_and_a_stand_in_is_dropped() {
        let m = matcher(&TOKEN.replace("[A-Za-z0-9]{12}", "[A-Za-z0-9]{12,40}"));
        // Hand-typed: the provider's shape, a value nobody issued.
        let (found, _) = m.find("a.py", b"demo_abcdefgh1234Qz");
        assert_eq!(found.len(), 1);
        assert!(found[0].sample);
        // Random: the real thing.
        let (found, _) = m.find("a.py", b"demo_q8z3LkP0xW7r");
        assert_eq!(found.len(), 1);
        assert!(!found[0].sample);
        // Stand-ins are not reported at all.
        for stand_in in [&b"demo_xxxxxxxxxxxx"[..], b"demo_changemeQ8z3Lk"] {
            let (found, _) = m.find("a.py", stand_in);
            assert!(found.is_empty(), "{:?}", String::from_utf8_lossy(stand_in));
        }
        // A value too long for the stand-in checks, but with AWS's marker of an example.
        let long = format!(
            "demo_{}EXAMPLE{}",
            "q8z3LkP0xW7r".repeat(9),
            "Zt4".repeat(30)
        );
        let m2 = matcher(&TOKEN.replace("[A-Za-z0-9]{12}", "[A-Za-z0-9]{12,400}"));
        assert!(m2.find("a.py", long.as_bytes()).0.is_empty());
        let (found, _) = m2.find("a.py", long.replace("EXAMPLE", "EXqMPLE").as_bytes());
        assert_eq!(found.len(), 1);
        // A failed checksum: a GitHub-style token whose last six characters are not its CRC.
        let gh = r"
patterns:
  - id: demo-gh
    name: Demo GitHub
    kind: secret
    severity: error
    keywords: [ghp_]
    regex: '\b(ghp_[A-Za-z0-9]{36})\b'
    validator: github-checksum
    description: {what: a, why: b, fix: c}
";
        let m = matcher(gh);
        let (found, _) = m.find("a.py", b"ghp_4GeM523Hg5xq0G8CyLMt1Y4rDpXzjT0qmOs0");
        assert_eq!(found.len(), 1);
        assert!(found[0].sample);
    }

    #[test]
    fn a_jwt_cut_after_its_payload_is_a_sample_and_a_json_blob_without_alg_is_dropped() {
        // Two-part tokens (`header.payload`) and made-up payloads failed the jwt validator and
        // were dropped; a header that decodes with an `alg` says what the rest was.
        // The shipped pattern, so that a change to its regex or validator is tested here.
        let m = matcher(include_str!("../../patterns/jwt.yaml"));
        let (found, _) = m.find(
            "a.txt",
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtaW1wb3J0IiwiaWF0IjoxNzE0MDAwMDAwfQ",
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].sample);
        let (found, _) = m.find("a.txt", b"eyJhdXRocyI6e319.eyJ4IjoxfQ");
        assert!(found.is_empty());
    }

    #[test]
    fn a_private_key_block_with_a_short_or_broken_body_is_a_sample() {
        // Truncated or made-up key bodies failed the pem validator and were dropped; the block
        // still says a private key was meant to be there.
        // The shipped patterns, so that a change to their regexes or validator is tested here.
        let m = matcher(include_str!("../../patterns/private-key.yaml"));
        let body = concat!("Qm9vZ3R2Zk1hY2hpbmVLZXlCb2R5VGhhdElzVG9v", "U2hvcnQ=");
        let text = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
        let (found, _) = m.find("a.txt", text.as_bytes());
        assert_eq!(found.len(), 1);
        assert!(found[0].sample);
        let (found, _) = m.find(
            "a.txt",
            b"-----BEGIN PRIVATE KEY-----\nQm9v\n-----END PRIVATE KEY-----\n",
        );
        assert!(found.is_empty());
        // Regression: prose in the block was counted as a body (its letters reached 32) and
        // reported; a body needs a run of 32 base64 characters without a blank.
        let (found, _) = m.find(
            "README.md",
            b"-----BEGIN RSA PRIVATE KEY-----\nPaste the contents of your private key file here\n-----END RSA PRIVATE KEY-----\n",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_key_file_is_one_finding_when_the_key_in_it_blocks() {
        let mut patterns = parse_file("k.yaml", include_str!("../../patterns/private-key.yaml"))
            .expect("shipped patterns parse");
        patterns.extend(
            parse_file("f.yaml", include_str!("../../patterns/files.yaml"))
                .expect("shipped patterns parse"),
        );
        let m = Matcher::new(patterns).expect("shipped patterns build");
        let name = |found: &[Match]| {
            found
                .iter()
                .map(|f| (m.patterns[f.pattern].spec.id.clone(), f.sample))
                .collect::<Vec<_>>()
        };
        let key = include_str!("../../tests/fixtures/secrets/true/deploy_key");
        let (found, _) = m.find("certs/server.key", key.as_bytes());
        assert_eq!(name(&found), [("private-key".to_string(), false)]);
        // A made-up body is a sample of `private-key`: the file still blocks.
        let body = concat!("Qm9vZ3R2Zk1hY2hpbmVLZXlCb2R5VGhhdElzVG9v", "U2hvcnQ=");
        let text = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
        let (found, _) = m.find("certs/server.key", text.as_bytes());
        let mut ids = name(&found);
        ids.sort();
        assert_eq!(
            ids,
            [
                ("private-key".to_string(), true),
                ("private-key-file".to_string(), false)
            ]
        );
    }

    #[test]
    fn a_url_password_is_judged_as_the_generic_detector_judges_one() {
        let m = matcher(include_str!("../../patterns/url-credentials.yaml"));
        let pw = concat!("qh9zst6rD", "fGb-kGQ");
        let url = format!("FTP = \"ftp://backup:{pw}@ftp.acme.dev/\"\n");
        let (found, _) = m.find("deploy/settings.py", url.as_bytes());
        assert_eq!(found.len(), 1);
        assert!(!found[0].sample);
        // In tests and docs a sample; a template or one escaped character is no password.
        let (found, _) = m.find("tests/test_ftp.py", url.as_bytes());
        assert!(found.len() == 1 && found[0].sample, "{found:?}");
        // A brace inside a password is a character of it, not a template.
        let braced = format!("FTP = \"ftp://backup:Pa{{ss}}{pw}@ftp.acme.dev/\"\n");
        let (found, _) = m.find("deploy/settings.py", braced.as_bytes());
        assert!(found.len() == 1 && !found[0].sample, "{found:?}");
        for text in [
            "st = FTPFeedStorage(f\"ftp://foo:{password}@example.com/some_path\")\n",
            "see http://x%40:%40@example.com for the escapes\n",
        ] {
            let (found, _) = m.find("deploy/settings.py", text.as_bytes());
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }

    #[test]
    fn snake_case_names_after_a_token_prefix_are_not_prefixed_tokens() {
        // Regression: identifiers holding a digit matched `prefixed-token-sample` (a data
        // frame column, a census table, a model name, an npm config key).
        let m = matcher(include_str!("../../patterns/prefixed-token.yaml"));
        for text in [
            &b"df[\"sbp_baseline_mean1\"]"[..],
            b"table = \"sgp_population_2020_census\"",
            b"model = \"r8_detector_model_v2_final\"",
            b"key = \"npm_config_cache_dir_2024\"",
        ] {
            let (found, _) = m.find("a.py", text);
            assert!(found.is_empty(), "{}", String::from_utf8_lossy(text));
        }
        let (found, _) = m.find(
            "a.py",
            concat!("x = \"sbp_ENUhJduR", "HHJEYXg4Jd\"").as_bytes(),
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn def_lines_find_the_function_enclosing_def_finds() {
        let src = b"import os\n\ndef a():\n    x = 1\n\nasync def b():\n    def c():\n        y\n    z\nw = 2";
        let defs = def_lines(src);
        assert_eq!(defs.len(), 3);
        let mut line = 0;
        for nl in memchr::memchr_iter(b'\n', src).chain(std::iter::once(src.len())) {
            assert_eq!(
                def_above(&defs, line),
                enclosing_def(src, line),
                "line at {line}"
            );
            line = nl + 1;
        }
    }

    const FILES: &str = r"
patterns:
  - id: demo-store
    name: Demo key store
    kind: file
    severity: error
    paths: ['*.store', 'conf/keys/*.bin']
    description: {what: a, why: b, fix: c}
  - id: demo-pem
    name: Demo pem
    kind: file
    severity: error
    paths: ['*.pem']
    regex: 'BEGIN DEMO KEY'
    description: {what: a, why: b, fix: c}
";

    #[test]
    fn file_patterns_fire_once_on_path_or_content() {
        let m = matcher(FILES);
        let id = |found: &[Match]| -> Vec<String> {
            found
                .iter()
                .map(|x| m.patterns()[x.pattern].id().to_string())
                .collect()
        };
        let (found, _) = m.find("a/b.store", b"anything\n");
        assert_eq!(id(&found), ["demo-store"]);
        assert_eq!(found[0].span, 0..0);
        assert_eq!(id(&m.find("x/conf/keys/k.bin", b"").0), ["demo-store"]);
        assert!(m.find("keys/k.bin", b"").0.is_empty());
        assert_eq!(id(&m.find("k.pem", b"x\nBEGIN DEMO KEY\n").0), ["demo-pem"]);
        assert!(m.find("k.pem", b"BEGIN PUBLIC\n").0.is_empty());
        assert!(m.find("k.txt", b"BEGIN DEMO KEY\n").0.is_empty());
        // By path alone (binary content): only patterns without a content check.
        assert_eq!(id(&m.find_by_path("b.store")), ["demo-store"]);
        assert!(m.find_by_path("k.pem").is_empty());
    }

    #[test]
    fn keyword_nfa_and_dfa_find_the_same_matches() {
        // The matcher switches from the NFA to the DFA after DFA_AFTER_BYTES; the keyword
        // numbering (and so the triggered patterns) must not change with it.
        let m = matcher(TOKEN);
        let small = b"k = demo_Q8z3LkP0vW2x\n";
        let (before, _) = m.find("a.py", small);
        let dfa_built = |m: &Matcher| m.keywords.get().is_some_and(|k| k.dfa.get().is_some());
        assert!(!dfa_built(&m));
        let mut big = vec![b'x'; DFA_AFTER_BYTES as usize];
        big.extend_from_slice(b"\nk = demo_Q8z3LkP0vW2x\n");
        let (in_big, _) = m.find("a.py", &big);
        assert!(m
            .keywords
            .get()
            .unwrap()
            .dfa
            .get()
            .is_some_and(Option::is_some));
        assert_eq!(in_big.len(), 1);
        let (after, _) = m.find("a.py", small);
        assert_eq!(before, after);
        assert_eq!(before.len(), 1);
    }

    /// The byte range of lines `from..=to` (1-based) of `text`.
    fn lines(text: &[u8], from: usize, to: usize) -> Range<usize> {
        let starts: Vec<usize> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text).map(|i| i + 1))
            .collect();
        starts[from - 1]..starts.get(to).copied().unwrap_or(text.len())
    }

    #[test]
    fn a_focused_scan_finds_what_a_full_scan_finds_on_the_focused_lines() {
        let m = matcher(TOKEN);
        let text = b"x = 1\nk = demo_Q8z3LkP0vW2x\ny = 2\n-----BEGIN DEMO-----\nAbc123\nXyz789\n\
            -----END DEMO-----\nz\n";
        let (all, _) = m.find("a.txt", text);
        assert_eq!(all.len(), 2);
        // What callers keep: the matches that touch a focused line.
        let touching = |found: Vec<Match>, focus: &[Range<usize>]| -> Vec<Match> {
            found
                .into_iter()
                .filter(|x| {
                    focus
                        .iter()
                        .any(|r| x.span.start < r.end && r.start < x.span.end)
                })
                .collect()
        };
        for focus in [
            vec![lines(text, 2, 2)],
            // A line inside the block: the keyword two lines up is still searched.
            vec![lines(text, 6, 6)],
            vec![lines(text, 1, 1), lines(text, 9, 9)],
            vec![lines(text, 1, 9)],
        ] {
            let (found, _) = m.find_focused("a.txt", text, Some(&focus));
            assert_eq!(
                touching(found, &focus),
                touching(all.clone(), &focus),
                "{focus:?}"
            );
        }
        let block = [lines(text, 6, 6)];
        assert_eq!(
            touching(m.find_focused("a.txt", text, Some(&block)).0, &block).len(),
            1
        );
    }

    #[test]
    fn a_keywordless_line_pattern_runs_only_near_the_focus() {
        let m = matcher(
            r"
patterns:
  - id: demo-version
    name: Demo version
    kind: python
    severity: warning
    keywords: []
    paths: ['*.txt']
    regex: '(?m)^v(?P<secret>[0-9]+)$'
    description: {what: a, why: b, fix: c}
",
        );
        let text = b"v1\nx\nv2\n";
        assert_eq!(m.find("a.txt", text).0.len(), 2);
        let (found, _) = m.find_focused("a.txt", text, Some(&[lines(text, 3, 3)]));
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].secret.clone()], b"2");
        assert!(is_line_anchored("(?m)^a$"));
        assert!(!is_line_anchored("^a$"));
        assert!(!is_line_anchored("(?m)\\Aa"));
    }

    #[test]
    fn reach_ranges_widen_by_whole_lines_and_merge() {
        let text = b"a\nbb\nccc\ndddd\ne";
        assert_eq!(reach_ranges(text, &[lines(text, 3, 3)], 0), vec![5..9]);
        assert_eq!(reach_ranges(text, &[lines(text, 3, 3)], 1), vec![2..14]);
        assert_eq!(
            reach_ranges(text, &[lines(text, 1, 1), lines(text, 5, 5)], 1),
            vec![0..5, 9..15]
        );
        assert_eq!(
            reach_ranges(text, &[lines(text, 5, 5), lines(text, 1, 1)], 2),
            vec![0..15]
        );
        // A range that starts mid-line covers the whole line.
        let mid_line = vec![Range { start: 6, end: 7 }];
        assert_eq!(reach_ranges(text, &mid_line, 0), vec![5..9]);
    }

    #[test]
    fn hits_in_one_block_of_a_long_line_share_one_window() {
        // A run of one letter hit a keyword at every offset, and each hit's window (clipped
        // around the hit itself) was new: one window per byte, 480 MB for a 10 MB file.
        let bytes = vec![b'A'; 10 * WINDOW_REACH];
        let mut bounds = HitBounds::default();
        let mut distinct = std::collections::BTreeSet::new();
        for start in 0..bytes.len() - 4 {
            let b = bounds.of(&bytes, start, start + 4);
            assert_eq!(b, line_bounds(&bytes, start, start + 4));
            // At least WINDOW_REACH bytes on either side of the hit (or to the edge).
            assert!(b.0 + WINDOW_REACH <= start || b.0 == 0, "{start}: {b:?}");
            assert!(
                start + 4 + WINDOW_REACH <= b.1 || b.1 == bytes.len(),
                "{start}: {b:?}"
            );
            distinct.insert(b);
        }
        assert!(distinct.len() <= 2 * 10, "{} windows", distinct.len());
        // A line break still ends the window.
        let mut text = vec![b'A'; 100];
        text[50] = b'\n';
        assert_eq!(bounds.of(&text, 10, 14), (0, 51));
        assert_eq!(bounds.of(&text, 60, 64), (51, 100));
    }

    #[test]
    fn binary_sniffing() {
        assert!(is_binary(b"abc\0def"));
        assert!(!is_binary(b"plain text\n"));
    }

    const PYTHON: &str = r"
patterns:
  - id: demo-eval
    name: Demo eval
    kind: python
    severity: error
    region: code
    keywords: [eval]
    max_lines: 3
    regex: '\b(?P<secret>eval\(\s*input\(\))'
    description: {what: a, why: b, fix: c}
  - id: demo-squat
    name: Demo squat
    kind: python
    severity: error
    region: dependencies
    keywords: []
    validator: pypi-typosquat
    regex: '(?m)^[ \t]*(?P<secret>[a-z]+)'
    description: {what: a, why: b, fix: c}
";

    #[test]
    fn python_patterns_skip_comments_and_strings_only_in_python_files() {
        let m = matcher(PYTHON);
        let text = b"# eval(input())\ns = 'eval(input())'\n\"\"\"\neval(input())\n\"\"\"\n";
        assert!(m.find("a.py", text).0.is_empty());
        // Outside Python files there is no lexer: the same text matches.
        assert_eq!(m.find("notes.txt", text).0.len(), 3);
        let (found, _) = m.find("a.py", b"x = 1\neval(  # comment\n  input())\n");
        assert_eq!(found.len(), 1, "a comment inside the brackets is blank");
    }

    #[test]
    fn dependency_patterns_run_only_in_manifests_without_keywords() {
        let m = matcher(PYTHON);
        let (found, _) = m.find("requirements.txt", b"requests\nreqeusts\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].secret, 9..17);
        assert!(m.find("notes.txt", b"reqeusts\n").0.is_empty());
    }
}
