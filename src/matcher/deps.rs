//! Where a Python project declares its dependencies and where it fetches them from, read as
//! the installers read them: the byte ranges of a manifest that hold requirement names (each
//! requirement read as PEP 508, see [`requirement`](super::requirement)), the URLs packages
//! are fetched from (index, extra index, find-links, direct references), and the hosts whose
//! TLS checks are turned off. `region: dependencies`, `package-source`, `extra-index` and
//! `trusted-host` patterns run only there, so a project's own name, description, scripts or a
//! marker's values are never read as requirements.
//!
//! Manifests: `requirements*.txt`/`.in` and friends (pip's options included), `pyproject.toml`
//! (PEP 621, dependency groups, Poetry, PDM, uv), `setup.cfg`, `setup.py`, `Pipfile`, conda
//! `environment.yml` (with its `pip:` list) and `pip.conf`. A reader never fails: on a
//! malformed file it returns fewer items, not an error. It reads one file: a `-r`/`-c` include
//! is not followed, but the files such includes name are recognised by their own names.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::requirement;

/// Which kind of manifest a path names, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manifest {
    /// pip requirements: `requirements*.txt`/`.in`, `*-requirements.txt`, `constraints*.txt`,
    /// and any `.txt`/`.in` file under a `requirements/` directory.
    Requirements,
    /// `pyproject.toml`: PEP 621, dependency groups, build requires, Poetry, PDM and uv.
    Pyproject,
    /// `setup.cfg`: `[options]` `install_requires` and friends, `[options.extras_require]`.
    SetupCfg,
    /// `setup.py`: the `install_requires`, `setup_requires`, `tests_require`, `extras_require`
    /// arguments.
    SetupPy,
    /// `Pipfile`: package categories and `[[source]]`.
    Pipfile,
    /// A conda environment: `environment*.yml`/`.yaml`, or a YAML file under a `requirements/`,
    /// `envs/` or `conda/` directory.
    Conda,
    /// pip's configuration file (`pip.conf`, `pip.ini`): index options only.
    PipConf,
}

/// What a span of a manifest is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// A `PyPI` requirement name, as written.
    Name,
    /// A conda package name: declared, but not judged against `PyPI`'s lists (another
    /// namespace: `pytorch`, `libgcc-ng`, `matplotlib-base`).
    CondaName,
    /// A URL packages are fetched from: an index, a find-links page, a direct reference (with
    /// what follows it on the requirement, such as `--hash`), a source's `url`.
    Source,
    /// An index whose packages the installer merges with `PyPI`'s, taking the highest version
    /// from either (pip's `--extra-index-url`): also a [`Role::Source`].
    ExtraIndex,
    /// A host, or a source's URL, whose TLS checks are turned off (`--trusted-host`,
    /// `verify_ssl = false`, uv's `allow-insecure-host`).
    TrustedHost,
}

/// One span of a manifest and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// What the span holds.
    pub role: Role,
    /// Byte range in the manifest.
    pub span: Range<usize>,
}

/// The manifest kind of `path`, judged by its file name and the directories above it.
#[must_use]
pub fn manifest(path: &str) -> Option<Manifest> {
    let path = path.replace('\\', "/").to_ascii_lowercase();
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or("");
    let dirs: Vec<&str> = parts.collect();
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let stem = name.strip_suffix(ext).unwrap_or(name).trim_end_matches('.');
    let under = |d: &[&str]| dirs.iter().any(|x| d.contains(x));
    Some(match name {
        "pyproject.toml" => Manifest::Pyproject,
        "setup.cfg" => Manifest::SetupCfg,
        "setup.py" => Manifest::SetupPy,
        "pipfile" => Manifest::Pipfile,
        "pip.conf" | "pip.ini" => Manifest::PipConf,
        _ if matches!(ext, "txt" | "in")
            && (stem.starts_with("requirements")
                || stem.starts_with("constraints")
                || stem.ends_with("-requirements")
                || stem.ends_with("_requirements")
                || stem.ends_with("-constraints")
                || stem.ends_with("_constraints")
                || under(&["requirements"])) =>
        {
            Manifest::Requirements
        }
        _ if matches!(ext, "yml" | "yaml")
            && (stem.starts_with("environment") || under(&["requirements", "envs", "conda"])) =>
        {
            Manifest::Conda
        }
        _ => return None,
    })
}

/// Every item of a manifest at `path`, in order; `None` when `path` is not a manifest.
#[must_use]
pub fn items(path: &str, bytes: &[u8]) -> Option<Vec<Item>> {
    let mut out = Vec::new();
    match manifest(path)? {
        Manifest::Requirements => requirements(bytes, 0..bytes.len(), &mut out),
        Manifest::Pyproject => pyproject(bytes, &mut out),
        Manifest::Pipfile => pipfile(bytes, &mut out),
        Manifest::SetupCfg => setup_cfg(bytes, &mut out),
        Manifest::SetupPy => setup_py(bytes, &mut out),
        Manifest::Conda => conda(bytes, &mut out),
        Manifest::PipConf => pip_conf(bytes, &mut out),
    }
    out.sort_by_key(|i| (i.span.start, i.span.end, i.role));
    out.dedup();
    Some(out)
}

/// The spans of `role` in a manifest at `path`; `None` when `path` is not a manifest.
#[must_use]
pub fn spans(path: &str, bytes: &[u8], role: Role) -> Option<Vec<Range<usize>>> {
    Some(
        items(path, bytes)?
            .into_iter()
            .filter(|i| i.role == role)
            .map(|i| i.span)
            .collect(),
    )
}

/// The requirement names of a manifest at `path`: the byte ranges the `dependencies` region
/// covers; `None` when `path` is not a manifest.
#[must_use]
pub fn regions(path: &str, bytes: &[u8]) -> Option<Vec<Range<usize>>> {
    spans(path, bytes, Role::Name)
}

/// Warnings that a declared dependency answers: (pattern id, package). `import Crypto` is
/// fine when the project depends on pycryptodome, which installs under the same name.
pub const ANSWERED_BY_DEPENDENCY: &[(&str, &str)] = &[("pycrypto-import", "pycryptodome")];

/// The requirement names (PEP 503-normalised, conda's too) a manifest at `path` declares;
/// empty when `path` is not a manifest.
#[must_use]
pub fn declared_names(path: &str, bytes: &[u8]) -> Vec<String> {
    items(path, bytes)
        .unwrap_or_default()
        .into_iter()
        .filter(|i| matches!(i.role, Role::Name | Role::CondaName))
        .map(|i| super::pypi::normalise(&String::from_utf8_lossy(&bytes[i.span])))
        .collect()
}

fn push(out: &mut Vec<Item>, role: Role, span: Range<usize>) {
    if span.start < span.end {
        out.push(Item { role, span });
    }
}

/// Physical lines of `range` as (start, end without the line break).
fn lines(bytes: &[u8], range: Range<usize>) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = range.start;
    let stop = range.end.min(bytes.len());
    std::iter::from_fn(move || {
        if start >= stop {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[start..stop]).map_or(stop, |i| start + i);
        let line = start;
        start = end + 1;
        let trimmed = if end > line && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some((line, trimmed))
    })
}

fn skip_ws(bytes: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    i
}

fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// Whether `text` starts with a URL scheme (`https:`, `git+ssh:`, `file:`).
fn has_scheme(text: &[u8]) -> bool {
    let Some(colon) = memchr::memchr(b':', text) else {
        return false;
    };
    colon > 1
        && text[0].is_ascii_alphabetic()
        && text[..colon]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && text.get(colon + 1) == Some(&b'/')
}

/// Reads one PEP 508 requirement at `range`: its name, and its direct URL up to `tail_end`
/// (the end of the options that follow it on a requirements line, such as `--hash`).
fn requirement_at(bytes: &[u8], range: Range<usize>, tail_end: usize, out: &mut Vec<Item>) {
    let Some(r) = requirement::parse(&bytes[range.clone()]) else {
        return;
    };
    let at = range.start;
    push(out, Role::Name, at + r.name.start..at + r.name.end);
    if let Some(u) = r.url {
        push(out, Role::Source, at + u.start..tail_end.max(at + u.end));
    }
}

// ---------------------------------------------------------------------------------------
// requirements files

/// Tokens of a logical line (physical lines joined at a trailing `\`), comments removed: a
/// comment starts at a `#` that opens the line or follows whitespace (pip's rule), not at
/// `#egg=` or `#sha256=` inside a URL.
fn logical_lines(bytes: &[u8], range: Range<usize>) -> Vec<Vec<Range<usize>>> {
    let mut out = Vec::new();
    let mut current: Vec<Range<usize>> = Vec::new();
    for (s, e) in lines(bytes, range) {
        let mut end = e;
        let mut i = s;
        while i < e {
            if bytes[i] == b'#' && (i == s || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
                end = i;
                break;
            }
            i += 1;
        }
        let continued = end == e && end > s && bytes[end - 1] == b'\\';
        let stop = if continued { end - 1 } else { end };
        let mut i = s;
        while i < stop {
            i = skip_ws(bytes, i, stop);
            let t = i;
            while i < stop && bytes[i] != b' ' && bytes[i] != b'\t' {
                i += 1;
            }
            if i > t {
                current.push(t..i);
            }
        }
        if !continued && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// What the value of one of pip's options is.
enum OptionValue {
    /// An item of this role.
    Item(Role),
    /// A file or, when it has a scheme, a URL that pip fetches (`-r`, `-c`, `-e`).
    FileOrUrl,
    /// Something else (`--hash`, `--no-binary`).
    Other,
}

/// pip's options that take a value, and what the value is; `None` for a flag (`--pre`,
/// `--require-hashes`) or an option pip does not have.
fn option_value(name: &[u8]) -> Option<OptionValue> {
    Some(match name {
        b"-i" | b"--index-url" | b"-f" | b"--find-links" => OptionValue::Item(Role::Source),
        b"--extra-index-url" => OptionValue::Item(Role::ExtraIndex),
        b"--trusted-host" => OptionValue::Item(Role::TrustedHost),
        b"-r" | b"--requirement" | b"-c" | b"--constraint" | b"-e" | b"--editable" => {
            OptionValue::FileOrUrl
        }
        b"--no-binary" | b"--only-binary" | b"--use-feature" | b"--hash" | b"--config-settings"
        | b"--global-option" | b"--install-option" => OptionValue::Other,
        _ => return None,
    })
}

/// The options of a line: index options become items; a URL given to `-r`/`-c`/`-e` is a
/// source.
fn options(bytes: &[u8], tokens: &[Range<usize>], out: &mut Vec<Item>) {
    let mut k = 0;
    while k < tokens.len() {
        let token = tokens[k].clone();
        let t = &bytes[token.clone()];
        k += 1;
        if !t.starts_with(b"-") {
            continue;
        }
        // `--name=value`, `--name value`, `-Xvalue`, `-X value`.
        let (name, inline) = if t.starts_with(b"--") {
            match memchr::memchr(b'=', t) {
                Some(eq) => (&t[..eq], Some(token.start + eq + 1)),
                None => (t, None),
            }
        } else if t.len() > 2 {
            (&t[..2], Some(token.start + 2))
        } else {
            (t, None)
        };
        let Some(kind) = option_value(name) else {
            continue;
        };
        let value = match inline {
            Some(v) => v..token.end,
            None if k < tokens.len() => {
                k += 1;
                tokens[k - 1].clone()
            }
            None => continue,
        };
        match kind {
            OptionValue::Item(Role::ExtraIndex) => {
                push(out, Role::Source, value.clone());
                push(out, Role::ExtraIndex, value);
            }
            OptionValue::Item(role) => push(out, role, value),
            OptionValue::FileOrUrl if has_scheme(&bytes[value.clone()]) => {
                push(out, Role::Source, value);
            }
            OptionValue::FileOrUrl | OptionValue::Other => {}
        }
    }
}

/// One logical line of a requirements file (or of a conda `pip:` list).
fn requirement_line(bytes: &[u8], tokens: &[Range<usize>], out: &mut Vec<Item>) {
    // pip's rule: the requirement is every token before the first that starts with `-`;
    // the rest are options (`--hash`), and a line that starts with one is options only.
    let args = tokens
        .iter()
        .position(|t| bytes[t.start] == b'-')
        .unwrap_or(tokens.len());
    let line_end = tokens.last().map_or(0, |t| t.end);
    if args > 0 {
        let text = tokens[0].start..tokens[args - 1].end;
        let first = &bytes[tokens[0].clone()];
        if has_scheme(first) {
            // A bare URL (`git+https://...#egg=name`): fetched, but names nothing we judge.
            push(out, Role::Source, text.start..line_end);
        } else {
            // pip's rule: a path (`./pkg`, `dir/pkg.tar.gz`) names a local project; what comes
            // before an `@` decides, so that `name@https://...` is still a requirement.
            let before_at = first.split(|&b| b == b'@').next().unwrap_or(first);
            if !before_at.starts_with(b".")
                && !before_at.contains(&b'/')
                && !before_at.contains(&b'\\')
            {
                requirement_at(bytes, text, line_end, out);
            }
        }
    }
    options(bytes, &tokens[args..], out);
}

fn requirements(bytes: &[u8], range: Range<usize>, out: &mut Vec<Item>) {
    for tokens in logical_lines(bytes, range) {
        requirement_line(bytes, &tokens, out);
    }
}

// ---------------------------------------------------------------------------------------
// TOML manifests

/// The byte range of a TOML string's content, when the source holds it verbatim (a single-line
/// string without escapes); `None` otherwise.
fn string_content(bytes: &[u8], span: Range<usize>, value: &str) -> Option<Range<usize>> {
    let raw = bytes.get(span.clone())?;
    let quote = *raw.first()?;
    if !matches!(quote, b'"' | b'\'') || raw.len() < 2 || raw.starts_with(&[quote; 3]) {
        return None;
    }
    let inner = span.start + 1..span.end - 1;
    (bytes.get(inner.clone())? == value.as_bytes()).then_some(inner)
}

/// The byte range of a key as written: bare, or quoted without escapes.
fn key_content(bytes: &[u8], span: Range<usize>, key: &str) -> Option<Range<usize>> {
    let raw = bytes.get(span.clone())?;
    if raw == key.as_bytes() {
        return Some(span);
    }
    string_content(bytes, span, key)
}

type Spanned<T> = toml::Spanned<T>;

fn get<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

fn table<'a, 'i>(table: &'a DeTable<'i>, path: &[&str]) -> Option<&'a DeTable<'i>> {
    let mut t = table;
    for key in path {
        match get(t, key)?.get_ref() {
            DeValue::Table(inner) => t = inner,
            _ => return None,
        }
    }
    Some(t)
}

fn string<'a>(value: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    match value.get_ref() {
        DeValue::String(s) => Some(s.as_ref()),
        _ => None,
    }
}

fn is_true(value: Option<&Spanned<DeValue<'_>>>) -> bool {
    matches!(value.map(Spanned::get_ref), Some(DeValue::Boolean(true)))
}

fn is_false(value: Option<&Spanned<DeValue<'_>>>) -> bool {
    matches!(value.map(Spanned::get_ref), Some(DeValue::Boolean(false)))
}

/// A string value as an item of `role` (its content span).
fn string_item(bytes: &[u8], value: &Spanned<DeValue<'_>>, role: Role, out: &mut Vec<Item>) {
    if let Some(s) = string(value) {
        if let Some(r) = string_content(bytes, value.span(), s) {
            if role == Role::ExtraIndex {
                push(out, Role::Source, r.clone());
            }
            push(out, role, r);
        }
    }
}

/// A string, or each string of an array, as items of `role`.
fn strings(bytes: &[u8], value: Option<&Spanned<DeValue<'_>>>, role: Role, out: &mut Vec<Item>) {
    let Some(value) = value else { return };
    match value.get_ref() {
        DeValue::String(_) => string_item(bytes, value, role, out),
        DeValue::Array(a) => {
            for v in a {
                string_item(bytes, v, role, out);
            }
        }
        _ => {}
    }
}

/// An array of PEP 508 strings (tables in it, such as `{include-group = "x"}`, skipped).
fn requirement_array(bytes: &[u8], value: Option<&Spanned<DeValue<'_>>>, out: &mut Vec<Item>) {
    let Some(DeValue::Array(a)) = value.map(Spanned::get_ref) else {
        return;
    };
    for v in a {
        if let Some(s) = string(v) {
            if let Some(r) = string_content(bytes, v.span(), s) {
                requirement_at(bytes, r.clone(), r.end, out);
            }
        }
    }
}

/// Every array of a table of arrays (optional dependencies, dependency groups).
fn requirement_arrays(bytes: &[u8], t: Option<&DeTable<'_>>, out: &mut Vec<Item>) {
    for (_, v) in t.into_iter().flat_map(|t| t.iter()) {
        requirement_array(bytes, Some(v), out);
    }
}

/// A table whose keys are package names (Poetry, Pipfile): the keys, and the URLs of their
/// values (`{ git = "...", url = "..." }`, also in an array of such tables).
fn keyed_packages(bytes: &[u8], t: Option<&DeTable<'_>>, out: &mut Vec<Item>) {
    for (k, v) in t.into_iter().flat_map(|t| t.iter()) {
        let key = k.get_ref().as_ref();
        if key.eq_ignore_ascii_case("python") {
            continue;
        }
        if let Some(r) = key_content(bytes, k.span(), key) {
            if requirement::parse(&bytes[r.clone()]).is_some_and(|q| q.name == (0..r.len())) {
                push(out, Role::Name, r);
            }
        }
        let tables: Vec<&DeTable<'_>> = match v.get_ref() {
            DeValue::Table(t) => vec![t],
            DeValue::Array(a) => a
                .iter()
                .filter_map(|x| match x.get_ref() {
                    DeValue::Table(t) => Some(t),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for t in tables {
            for key in ["git", "url", "file"] {
                if let Some(v) = get(t, key) {
                    string_item(bytes, v, Role::Source, out);
                }
            }
        }
    }
}

/// Each table of an array of tables (`[[tool.poetry.source]]`).
fn array_of_tables<'a, 'i>(
    t: Option<&'a DeTable<'i>>,
    key: &str,
) -> impl Iterator<Item = &'a DeTable<'i>> {
    let arr = match t.and_then(|t| get(t, key)).map(Spanned::get_ref) {
        Some(DeValue::Array(a)) => Some(a),
        _ => None,
    };
    arr.into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|v| match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        })
}

fn parse_toml(bytes: &[u8]) -> Option<Spanned<DeTable<'_>>> {
    let text = std::str::from_utf8(bytes).ok()?;
    Some(DeTable::parse_recoverable(text).0)
}

fn pyproject(bytes: &[u8], out: &mut Vec<Item>) {
    let Some(doc) = parse_toml(bytes) else {
        return;
    };
    let doc = doc.get_ref();
    // PEP 621, PEP 518, PEP 735.
    requirement_array(
        bytes,
        table(doc, &["project"]).and_then(|t| get(t, "dependencies")),
        out,
    );
    requirement_arrays(
        bytes,
        table(doc, &["project", "optional-dependencies"]),
        out,
    );
    requirement_array(
        bytes,
        table(doc, &["build-system"]).and_then(|t| get(t, "requires")),
        out,
    );
    requirement_arrays(bytes, table(doc, &["dependency-groups"]), out);
    // Poetry: keys are names; sources resolve each name from one source by priority.
    let poetry = table(doc, &["tool", "poetry"]);
    keyed_packages(bytes, table(doc, &["tool", "poetry", "dependencies"]), out);
    keyed_packages(
        bytes,
        table(doc, &["tool", "poetry", "dev-dependencies"]),
        out,
    );
    for (_, g) in table(doc, &["tool", "poetry", "group"])
        .into_iter()
        .flat_map(|t| t.iter())
    {
        if let DeValue::Table(g) = g.get_ref() {
            keyed_packages(bytes, table(g, &["dependencies"]), out);
        }
    }
    for s in array_of_tables(poetry, "source") {
        strings(bytes, get(s, "url"), Role::Source, out);
    }
    pdm(bytes, doc, out);
    uv(bytes, doc, out);
}

/// PDM: dev-dependencies; sources are merged like pip's extra indexes unless
/// `respect-source-order` is on, and one named `pypi` replaces `PyPI`.
fn pdm(bytes: &[u8], doc: &DeTable<'_>, out: &mut Vec<Item>) {
    let pdm = table(doc, &["tool", "pdm"]);
    requirement_arrays(bytes, table(doc, &["tool", "pdm", "dev-dependencies"]), out);
    let ordered = is_true(
        table(doc, &["tool", "pdm", "resolution"]).and_then(|t| get(t, "respect-source-order")),
    );
    for s in array_of_tables(pdm, "source") {
        let replaces_pypi = get(s, "name").and_then(string) == Some("pypi");
        let find_links = get(s, "type").and_then(string) == Some("find_links");
        let role = if ordered || replaces_pypi || find_links {
            Role::Source
        } else {
            Role::ExtraIndex
        };
        strings(bytes, get(s, "url"), role, out);
        if is_false(get(s, "verify_ssl")) {
            strings(bytes, get(s, "url"), Role::TrustedHost, out);
        }
    }
}

/// uv: dev, constraint and override dependencies, indexes. By default uv resolves a name from
/// the first index that has it, which is not dependency confusion; `index-strategy =
/// "unsafe-best-match"` merges them as pip does.
fn uv(bytes: &[u8], doc: &DeTable<'_>, out: &mut Vec<Item>) {
    let uv = table(doc, &["tool", "uv"]);
    for key in [
        "dev-dependencies",
        "constraint-dependencies",
        "override-dependencies",
        "build-constraint-dependencies",
    ] {
        requirement_array(bytes, uv.and_then(|t| get(t, key)), out);
    }
    let merged =
        uv.and_then(|t| get(t, "index-strategy")).and_then(string) == Some("unsafe-best-match");
    let extra = if merged {
        Role::ExtraIndex
    } else {
        Role::Source
    };
    for (key, role) in [
        ("index-url", Role::Source),
        ("extra-index-url", extra),
        ("find-links", Role::Source),
        ("allow-insecure-host", Role::TrustedHost),
    ] {
        strings(bytes, uv.and_then(|t| get(t, key)), role, out);
    }
    for s in array_of_tables(uv, "index") {
        let role = if is_true(get(s, "default")) || is_true(get(s, "explicit")) {
            Role::Source
        } else {
            extra
        };
        strings(bytes, get(s, "url"), role, out);
    }
    for (_, v) in table(doc, &["tool", "uv", "sources"])
        .into_iter()
        .flat_map(|t| t.iter())
    {
        if let DeValue::Table(t) = v.get_ref() {
            for key in ["git", "url"] {
                strings(bytes, get(t, key), Role::Source, out);
            }
        }
    }
}

fn pipfile(bytes: &[u8], out: &mut Vec<Item>) {
    let Some(doc) = parse_toml(bytes) else {
        return;
    };
    let doc = doc.get_ref();
    // Pipenv resolves every package from the first source unless it names another (index
    // restriction), so extra sources are not merged.
    for s in array_of_tables(Some(doc), "source") {
        strings(bytes, get(s, "url"), Role::Source, out);
        if is_false(get(s, "verify_ssl")) {
            strings(bytes, get(s, "url"), Role::TrustedHost, out);
        }
    }
    for (k, v) in doc {
        let name = k.get_ref().as_ref();
        if matches!(name, "source" | "requires" | "scripts" | "pipenv") {
            continue;
        }
        if let DeValue::Table(t) = v.get_ref() {
            keyed_packages(bytes, Some(t), out);
        }
    }
}

// ---------------------------------------------------------------------------------------
// setup.cfg, setup.py

/// The key of an INI line (`key = value` or `key: value`), trimmed and lower-cased, and where
/// its separator is; `None` for a line without one.
fn ini_key(bytes: &[u8], line: Range<usize>) -> Option<(String, usize)> {
    let sep = line.start
        + bytes[line.clone()]
            .iter()
            .position(|&b| b == b'=' || b == b':')?;
    let key = String::from_utf8_lossy(&bytes[line.start..sep])
        .trim()
        .to_ascii_lowercase();
    Some((key, sep))
}

/// `setup.cfg`: `install_requires`/`setup_requires`/`tests_require` in `[options]` and every
/// key of `[options.extras_require]`; a value continues on the more-indented lines below it,
/// one requirement a line (older setuptools also split a line at `;`).
fn setup_cfg(bytes: &[u8], out: &mut Vec<Item>) {
    let mut section = String::new();
    let mut in_value = false;
    let mut value_lines: Vec<Range<usize>> = Vec::new();
    for (s, e) in lines(bytes, 0..bytes.len()) {
        let first = skip_ws(bytes, s, e);
        if first >= e || bytes[first] == b'#' || bytes[first] == b';' {
            continue;
        }
        let indented = first > s;
        if indented && in_value {
            value_lines.push(first..e);
            continue;
        }
        in_value = false;
        if bytes[first] == b'[' {
            section = String::from_utf8_lossy(&bytes[first..e])
                .trim_matches(['[', ']', ' '])
                .to_ascii_lowercase();
            continue;
        }
        let Some((key, sep)) = ini_key(bytes, first..e) else {
            continue;
        };
        let wanted = match section.as_str() {
            "options" => matches!(
                key.as_str(),
                "install_requires" | "setup_requires" | "tests_require"
            ),
            "options.extras_require" => true,
            _ => false,
        };
        if wanted {
            in_value = true;
            let v = skip_ws(bytes, sep + 1, e);
            if v < e {
                value_lines.push(v..e);
            }
        }
    }
    for line in value_lines {
        // An inline comment, as setuptools strips it.
        let end = (line.start..line.end)
            .find(|&i| bytes[i] == b'#' && i > line.start && bytes[i - 1].is_ascii_whitespace())
            .unwrap_or(line.end);
        let end = trim_end(bytes, line.start, end);
        if requirement::parse(&bytes[line.start..end]).is_some() {
            requirement_at(bytes, line.start..end, end, out);
            continue;
        }
        let mut at = line.start;
        for part in bytes[line.start..end].split(|&b| b == b';') {
            requirement_at(bytes, at..at + part.len(), at + part.len(), out);
            at += part.len() + 1;
        }
    }
}

/// The end (exclusive) of the bracketed value opening at `open`, skipping quoted strings and
/// `#` comments; the end of the input if it never closes.
fn matching(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'#' => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |e| i + e);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The contents of the Python string literals (single-line, without escapes) in `range`,
/// outside comments.
fn python_strings(bytes: &[u8], range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = range.start;
    let end = range.end.min(bytes.len());
    while i < end {
        match bytes[i] {
            b'#' => i = memchr::memchr(b'\n', &bytes[i..end]).map_or(end, |e| i + e),
            q @ (b'"' | b'\'') => {
                let s = i + 1;
                let mut j = s;
                let mut clean = true;
                while j < end && bytes[j] != q && bytes[j] != b'\n' {
                    if bytes[j] == b'\\' {
                        clean = false;
                        j += 1;
                    }
                    j += 1;
                }
                if clean && j < end && bytes[j] == q {
                    out.push(s..j);
                }
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// `setup.py`: the strings of the list (or, for `extras_require`, of the lists inside the
/// dict) passed as `install_requires=`, `setup_requires=`, `tests_require=`,
/// `extras_require=`, each read as one requirement.
fn setup_py(bytes: &[u8], out: &mut Vec<Item>) {
    let mut lists = Vec::new();
    for key in [
        &b"install_requires"[..],
        b"setup_requires",
        b"tests_require",
        b"extras_require",
    ] {
        for at in memchr::memmem::find_iter(bytes, key) {
            let mut i = at + key.len();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if bytes.get(i) != Some(&b'=') && bytes.get(i) != Some(&b':') {
                continue;
            }
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(b'[' | b'(') => lists.push(i..matching(bytes, i)),
                Some(b'{') => {
                    // Only the lists inside the dict: its keys are extra names, not packages.
                    let end = matching(bytes, i);
                    let mut j = i + 1;
                    while j < end {
                        match bytes[j] {
                            b'[' | b'(' => {
                                let e = matching(bytes, j);
                                lists.push(j..e);
                                j = e;
                                continue;
                            }
                            q @ (b'"' | b'\'') => {
                                j += 1;
                                while j < end && bytes[j] != q {
                                    j += 1;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                }
                _ => {}
            }
        }
    }
    for list in lists {
        for s in python_strings(bytes, list) {
            requirement_at(bytes, s.clone(), s.end, out);
        }
    }
}

// ---------------------------------------------------------------------------------------
// conda environment.yml, pip.conf

/// A YAML scalar's content in `s..e`: a trailing ` #` comment and one pair of quotes removed.
fn yaml_scalar(bytes: &[u8], s: usize, e: usize) -> Range<usize> {
    let mut end = e;
    let mut quoted = None;
    if matches!(bytes.get(s), Some(b'"' | b'\'')) {
        quoted = Some(bytes[s]);
    }
    if let Some(q) = quoted {
        if let Some(close) = bytes[s + 1..e].iter().position(|&b| b == q) {
            return s + 1..s + 1 + close;
        }
    }
    for i in s..e {
        if bytes[i] == b'#' && i > s && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            end = i;
            break;
        }
    }
    s..trim_end(bytes, s, end)
}

/// A conda match spec's name: after an optional `channel::`, up to the first character that
/// is not part of a name (`=`, `<`, `>`, `!`, `[`, a space).
fn conda_name(bytes: &[u8], v: Range<usize>, out: &mut Vec<Item>) {
    let text = &bytes[v.clone()];
    let start = memchr::memmem::rfind(text, b"::").map_or(v.start, |i| v.start + i + 2);
    let mut end = start;
    while end < v.end
        && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'_' | b'-' | b'.'))
    {
        end += 1;
    }
    push(out, Role::CondaName, start..end);
}

/// conda `environment.yml`: the top-level `dependencies:` list (conda specs, and the pip
/// requirement lines of its nested `pip:` list) and `channels:` URLs.
fn conda(bytes: &[u8], out: &mut Vec<Item>) {
    #[derive(PartialEq)]
    enum Block {
        Other,
        Channels,
        Dependencies,
    }
    let mut block = Block::Other;
    // The indentation of the `- pip:` item's dash while inside its list.
    let mut pip_dash: Option<usize> = None;
    for (s, e) in lines(bytes, 0..bytes.len()) {
        let first = skip_ws(bytes, s, e);
        if first >= e || bytes[first] == b'#' {
            continue;
        }
        let indent = first - s;
        if indent == 0 && bytes[first] != b'-' {
            let key = &bytes[first..e];
            block = if key.starts_with(b"dependencies:") {
                Block::Dependencies
            } else if key.starts_with(b"channels:") {
                Block::Channels
            } else {
                Block::Other
            };
            pip_dash = None;
            continue;
        }
        if block == Block::Other || bytes[first] != b'-' {
            continue;
        }
        if pip_dash.is_some_and(|d| indent <= d) {
            pip_dash = None;
        }
        let v = skip_ws(bytes, first + 1, e);
        let value = yaml_scalar(bytes, v, e);
        if value.is_empty() {
            continue;
        }
        match block {
            Block::Channels => {
                if has_scheme(&bytes[value.clone()]) {
                    push(out, Role::Source, value);
                }
            }
            Block::Dependencies if pip_dash.is_some() => requirements(bytes, value, out),
            Block::Dependencies => {
                let text = &bytes[value.clone()];
                if text == b"pip:" || text == b"\"pip\":" || text == b"'pip':" {
                    pip_dash = Some(indent);
                } else {
                    conda_name(bytes, value, out);
                }
            }
            Block::Other => {}
        }
    }
}

/// `pip.conf`/`pip.ini`: `index-url`, `extra-index-url`, `find-links`, `trusted-host` in any
/// section; a value may list several, whitespace-separated, on more-indented lines below.
fn pip_conf(bytes: &[u8], out: &mut Vec<Item>) {
    let mut role: Option<Role> = None;
    for (s, e) in lines(bytes, 0..bytes.len()) {
        let first = skip_ws(bytes, s, e);
        if first >= e || matches!(bytes[first], b'#' | b';') {
            continue;
        }
        let mut values = first..e;
        if first == s {
            role = None;
            let Some((key, sep)) = ini_key(bytes, first..e) else {
                continue;
            };
            let key = key.replace('_', "-");
            role = match key.as_str() {
                "index-url" | "find-links" => Some(Role::Source),
                "extra-index-url" => Some(Role::ExtraIndex),
                "trusted-host" => Some(Role::TrustedHost),
                _ => None,
            };
            values = sep + 1..e;
        }
        let Some(role) = role else { continue };
        let mut i = values.start;
        while i < values.end {
            i = skip_ws(bytes, i, values.end);
            let t = i;
            while i < values.end && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if role == Role::ExtraIndex {
                push(out, Role::Source, t..i);
            }
            push(out, role, t..i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(path: &str, src: &str, role: Role) -> Vec<String> {
        spans(path, src.as_bytes(), role)
            .unwrap()
            .into_iter()
            .map(|r| src[r].to_string())
            .collect()
    }

    fn names(path: &str, src: &str) -> Vec<String> {
        of(path, src, Role::Name)
    }

    #[test]
    fn declared_names_are_normalised() {
        let got = declared_names("requirements.txt", b"PyCryptodome==3.20\nFlask_Login\n");
        assert_eq!(got, ["pycryptodome", "flask-login"]);
        assert!(declared_names("app.py", b"pycryptodome").is_empty());
        let got = declared_names("environment.yml", b"dependencies:\n  - PyCryptodome=3.20\n");
        assert_eq!(got, ["pycryptodome"]);
    }

    #[test]
    fn manifest_names() {
        for (path, want) in [
            ("requirements.txt", Some(Manifest::Requirements)),
            ("a/requirements-dev.txt", Some(Manifest::Requirements)),
            ("dev-requirements.txt", Some(Manifest::Requirements)),
            ("requirements/base.txt", Some(Manifest::Requirements)),
            ("requirements/base.in", Some(Manifest::Requirements)),
            (
                "requirements/extras/redis.txt",
                Some(Manifest::Requirements),
            ),
            ("requirements.in", Some(Manifest::Requirements)),
            ("requirements-dev.in", Some(Manifest::Requirements)),
            ("constraints.txt", Some(Manifest::Requirements)),
            ("ci/test-constraints.txt", Some(Manifest::Requirements)),
            ("x/pyproject.toml", Some(Manifest::Pyproject)),
            ("Pipfile", Some(Manifest::Pipfile)),
            ("setup.cfg", Some(Manifest::SetupCfg)),
            ("setup.py", Some(Manifest::SetupPy)),
            ("environment.yml", Some(Manifest::Conda)),
            ("environment-dev.yaml", Some(Manifest::Conda)),
            ("ci/requirements/all-deps.yml", Some(Manifest::Conda)),
            ("pip.conf", Some(Manifest::PipConf)),
            ("notes.txt", None),
            ("MANIFEST.in", None),
            ("docs/conf.in", None),
            ("Pipfile.lock", None),
            (".github/workflows/test.yml", None),
            ("requirements.md", None),
        ] {
            assert_eq!(manifest(path), want, "{path}");
        }
    }

    #[test]
    fn requirements_lines_read_as_pip_reads_them() {
        let src = "# top\nrequests>=2 # pinned\n-r base.txt\n--index-url https://x/simple\n\
                   flask[async] >= 3 ; python_version >= \"3.9\" \\\n    --hash=sha256:abc\n\
                   ./local/pkg\ngit+https://github.com/o/r.git#egg=thing\nnamed@https://h/n.whl\n\
                   greenlet>=3; platform_python_implementation == \"CPython\"\n\
                   This line is prose, not a requirement\n";
        assert_eq!(
            names("requirements.txt", src),
            ["requests", "flask", "named", "greenlet"]
        );
        assert_eq!(
            of("requirements.txt", src, Role::Source),
            [
                "https://x/simple",
                "git+https://github.com/o/r.git#egg=thing",
                "https://h/n.whl"
            ]
        );
    }

    #[test]
    fn pip_options_in_every_form() {
        let src = "-i http://a/simple\n--index-url=https://b/simple\n\
                   --extra-index-url https://c/simple --trusted-host c\n\
                   -f https://d/links\n--find-links=./wheels\n-r https://e/req.txt\n\
                   -c constraints.txt\n-e git+http://f/r.git#egg=r\n";
        assert_eq!(
            of("requirements.txt", src, Role::Source),
            [
                "http://a/simple",
                "https://b/simple",
                "https://c/simple",
                "https://d/links",
                "./wheels",
                "https://e/req.txt",
                "git+http://f/r.git#egg=r"
            ]
        );
        assert_eq!(
            of("requirements.txt", src, Role::ExtraIndex),
            ["https://c/simple"]
        );
        assert_eq!(of("requirements.txt", src, Role::TrustedHost), ["c"]);
        assert!(names("requirements.txt", src).is_empty());
    }

    #[test]
    fn a_direct_reference_carries_its_hash_options() {
        let src = "pkg @ http://h/pkg-1.0.tar.gz --hash=sha256:00ff\n";
        assert_eq!(names("requirements.txt", src), ["pkg"]);
        assert_eq!(
            of("requirements.txt", src, Role::Source),
            ["http://h/pkg-1.0.tar.gz --hash=sha256:00ff"]
        );
    }

    #[test]
    fn pyproject_pep621_groups_build_and_tools() {
        let src = r#"
[project]
name = "demo"
description = "uses reqeusts"
dependencies = [
  "requests>=2",  # comment with ] bracket
  "cython>=3; platform_python_implementation == 'CPython'",
  "thing @ https://example.org/thing.whl",
]
[project.optional-dependencies]
dev = ["pytest"]
[project.urls]
Homepage = "http://example.org"
[build-system]
requires = ["setuptools"]
[dependency-groups]
lint = ["ruff", {include-group = "dev"}]
[tool.poetry.dependencies]
python = "^3.11"
djanga = "^4"
thing2 = { git = "http://example.org/thing2.git" }
[tool.poetry.group.test.dependencies]
pytest-cov = "*"
[tool.poetry.dependencies.black]
version = "^24"
[tool.pdm.dev-dependencies]
doc = ["mkdocs"]
[tool.uv]
dev-dependencies = ["coverage"]
constraint-dependencies = ["urllib3<3"]
override-dependencies = ["idna==3.7"]
[tool.ruff]
select = ["S"]
"#;
        let mut got = names("pyproject.toml", src);
        got.sort();
        assert_eq!(
            got,
            [
                "black",
                "coverage",
                "cython",
                "djanga",
                "idna",
                "mkdocs",
                "pytest",
                "pytest-cov",
                "requests",
                "ruff",
                "setuptools",
                "thing",
                "thing2",
                "urllib3"
            ]
        );
        assert_eq!(
            of("pyproject.toml", src, Role::Source),
            [
                "https://example.org/thing.whl",
                "http://example.org/thing2.git"
            ]
        );
    }

    #[test]
    fn pyproject_sources_by_tool() {
        let src = r#"
[[tool.poetry.source]]
name = "corp"
url = "https://poetry.corp/simple"
priority = "supplemental"
[[tool.pdm.source]]
name = "corp"
url = "https://pdm.corp/simple"
verify_ssl = false
[[tool.pdm.source]]
name = "pypi"
url = "https://mirror.corp/simple"
[tool.uv]
extra-index-url = ["https://uv-extra.corp/simple"]
allow-insecure-host = ["uv.corp"]
[[tool.uv.index]]
url = "https://uv.corp/simple"
"#;
        assert_eq!(
            of("pyproject.toml", src, Role::ExtraIndex),
            ["https://pdm.corp/simple"]
        );
        assert_eq!(
            of("pyproject.toml", src, Role::TrustedHost),
            ["https://pdm.corp/simple", "uv.corp"]
        );
        assert_eq!(of("pyproject.toml", src, Role::Source).len(), 5);
        // uv merges indexes only when told to.
        let merged = src.replace(
            "[tool.uv]\n",
            "[tool.uv]\nindex-strategy = \"unsafe-best-match\"\n",
        );
        assert_eq!(
            of("pyproject.toml", &merged, Role::ExtraIndex),
            [
                "https://pdm.corp/simple",
                "https://uv-extra.corp/simple",
                "https://uv.corp/simple"
            ]
        );
        // PDM in source order is not merged.
        let ordered = format!("{src}[tool.pdm.resolution]\nrespect-source-order = true\n");
        assert!(of("pyproject.toml", &ordered, Role::ExtraIndex).is_empty());
    }

    #[test]
    fn broken_toml_yields_what_it_can() {
        let src = "[project]\ndependencies = [\"requests\"]\n[tool.x\nbroken = \n";
        assert_eq!(names("pyproject.toml", src), ["requests"]);
        assert!(names("pyproject.toml", "\u{0}\u{ff}[[[").is_empty());
    }

    #[test]
    fn pipfile_packages_and_sources() {
        let src =
            "[[source]]\nurl = \"http://pypi.corp/simple\"\nverify_ssl = false\nname = \"pypo\"\n\
                   [packages]\nreqeusts = \"*\"\nlocal = { file = \"http://h/local.zip\" }\n\
                   [dev-packages]\npytest = \"*\"\n[requires]\npython_version = \"3.11\"\n";
        assert_eq!(names("Pipfile", src), ["reqeusts", "local", "pytest"]);
        assert_eq!(
            of("Pipfile", src, Role::Source),
            ["http://pypi.corp/simple", "http://h/local.zip"]
        );
        assert_eq!(
            of("Pipfile", src, Role::TrustedHost),
            ["http://pypi.corp/simple"]
        );
        assert!(of("Pipfile", src, Role::ExtraIndex).is_empty());
    }

    #[test]
    fn setup_cfg_install_requires_and_extras() {
        let src = "[metadata]\nname = demo\n[options]\npackages = find:\ninstall_requires =\n    requests>=2\n    djanga  # comment\n    greenlet; platform_python_implementation == \"CPython\"\nzip_safe = False\n[options.extras_require]\ndev = pytest; black\n";
        assert_eq!(
            names("setup.cfg", src),
            ["requests", "djanga", "greenlet", "pytest", "black"]
        );
    }

    #[test]
    fn setup_py_lists_and_extras_values_not_keys() {
        let src = "setup(\n    name='demo',\n    install_requires=['requests', \"djanga>=1\", # x 'nope'\n    'cffi; platform_python_implementation != \"PyPy\"'],\n    extras_require={'test': ['pytest'], 'dev': ('black',)},\n)\n";
        assert_eq!(
            names("setup.py", src),
            ["requests", "djanga", "cffi", "pytest", "black"]
        );
    }

    #[test]
    fn conda_environment() {
        let src = "name: demo-env\nchannels:\n  - conda-forge\n  - http://conda.corp/channel\n\
                   dependencies:\n  - python=3.11\n  - numpy>=1.26\n  - conda-forge::pandas=2.2=py311_0\n\
                   \x20\x20- matplotlib-base  # plotting\n  - \"scipy 1.13.*\"\n  - pip\n  - pip:\n\
                   \x20\x20\x20\x20- reqeusts==2.31\n    - --extra-index-url https://corp/simple\n\
                   \x20\x20\x20\x20- -r requirements/base.txt\n  - zlib\nvariables:\n  - not-a-package\n";
        assert_eq!(
            of("environment.yml", src, Role::CondaName),
            [
                "python",
                "numpy",
                "pandas",
                "matplotlib-base",
                "scipy",
                "pip",
                "zlib"
            ]
        );
        assert_eq!(names("environment.yml", src), ["reqeusts"]);
        assert_eq!(
            of("environment.yml", src, Role::ExtraIndex),
            ["https://corp/simple"]
        );
        assert_eq!(
            of("environment.yml", src, Role::Source),
            ["http://conda.corp/channel", "https://corp/simple"]
        );
    }

    #[test]
    fn pip_conf_index_options() {
        let src = "[global]\nindex-url = https://a/simple\nextra-index-url =\n    https://b/simple\n    https://c/simple\ntrusted-host = b c\ntimeout = 60\n";
        assert_eq!(
            of("pip.conf", src, Role::ExtraIndex),
            ["https://b/simple", "https://c/simple"]
        );
        assert_eq!(of("pip.conf", src, Role::TrustedHost), ["b", "c"]);
        assert_eq!(of("pip.conf", src, Role::Source).len(), 3);
    }
}
