//! Where a Python project declares its dependencies: the byte ranges of a manifest
//! (`requirements*.txt`, `pyproject.toml`, `setup.cfg`, `setup.py`, `Pipfile`) that hold
//! requirement names, so that `region: dependencies` patterns (typosquats, malicious and
//! abandoned packages) run only there and not over a project's name, description or scripts.
//!
//! This is a line-oriented reader of the few sections that matter, not a TOML, INI or Python
//! parser: it never fails, and on a malformed file it returns fewer regions, not an error.

use std::ops::Range;

/// Which kind of manifest a path names, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manifest {
    /// `requirements*.txt`/`.in`, `*-requirements.txt`, `constraints*.txt`, `requirements/*.txt`.
    Requirements,
    /// `pyproject.toml`: `[project]`, optional dependencies, build requires, dependency groups,
    /// Poetry.
    Pyproject,
    /// `setup.cfg`: `[options]` `install_requires` and friends, `[options.extras_require]`.
    SetupCfg,
    /// `setup.py`: the `install_requires`, `setup_requires`, `tests_require`, `extras_require`
    /// arguments.
    SetupPy,
    /// `Pipfile`: `[packages]`, `[dev-packages]` and other package categories.
    Pipfile,
}

/// The manifest kind of `path`, judged by its file name (and parent directory).
#[must_use]
pub fn manifest(path: &str) -> Option<Manifest> {
    let path = path.replace('\\', "/");
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or("").to_ascii_lowercase();
    let parent = parts.next().unwrap_or("").to_ascii_lowercase();
    let ext = std::path::Path::new(&name).extension();
    let text_list = ext.is_some_and(|e| e == "txt" || e == "in");
    Some(match name.as_str() {
        "pyproject.toml" => Manifest::Pyproject,
        "setup.cfg" => Manifest::SetupCfg,
        "setup.py" => Manifest::SetupPy,
        "pipfile" => Manifest::Pipfile,
        _ if text_list
            && (name.starts_with("requirements")
                || name.starts_with("constraints")
                || name.contains("-requirements.")
                || name.contains("_requirements.")
                || parent == "requirements") =>
        {
            Manifest::Requirements
        }
        _ => return None,
    })
}

/// The byte ranges of `bytes` that hold requirement names, for a manifest at `path`; `None`
/// when `path` is not a manifest.
#[must_use]
pub fn regions(path: &str, bytes: &[u8]) -> Option<Vec<Range<usize>>> {
    Some(match manifest(path)? {
        Manifest::Requirements => requirements(bytes),
        Manifest::Pyproject => toml(bytes, pyproject_table),
        Manifest::Pipfile => toml(bytes, pipfile_table),
        Manifest::SetupCfg => setup_cfg(bytes),
        Manifest::SetupPy => setup_py(bytes),
    })
}

/// Warnings that a declared dependency answers: (pattern id, package). `import Crypto` is
/// fine when the project depends on pycryptodome, which installs under the same name.
pub const ANSWERED_BY_DEPENDENCY: &[(&str, &str)] = &[("pycrypto-import", "pycryptodome")];

/// The requirement names (PEP 503-normalised) a manifest at `path` declares; empty when
/// `path` is not a manifest.
///
/// # Panics
/// Never: the only `expect` is on a constant regex, which the unit tests compile.
#[must_use]
pub fn declared_names(path: &str, bytes: &[u8]) -> Vec<String> {
    static NAME: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    let re = NAME.get_or_init(|| {
        regex::bytes::Regex::new(r#"(?m)(?:^[ \t]*|["'])([A-Za-z](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"#)
            .expect("static regex")
    });
    let Some(regions) = regions(path, bytes) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in regions {
        for caps in re.captures_iter(&bytes[r]) {
            if let Some(m) = caps.get(1) {
                out.push(crate::matcher::pypi::normalise(&String::from_utf8_lossy(
                    m.as_bytes(),
                )));
            }
        }
    }
    out
}

/// Physical lines as (start, end without the line break).
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line = (start, end);
        start = end + 1;
        let trimmed = if end > line.0 && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some((line.0, trimmed))
    })
}

fn skip_ws(bytes: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    i
}

/// Requirement lines: everything but comments and option lines (`-r`, `--hash`, `-e`, ...).
fn requirements(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (s, e) in lines(bytes) {
        let first = skip_ws(bytes, s, e);
        if first >= e || bytes[first] == b'#' || bytes[first] == b'-' {
            continue;
        }
        // A comment starts at ` #` (pip's rule), not at `#egg=` in a URL.
        let mut end = e;
        let mut i = first;
        while i + 1 < e {
            if (bytes[i] == b' ' || bytes[i] == b'\t') && bytes[i + 1] == b'#' {
                end = i;
                break;
            }
            i += 1;
        }
        out.push(s..end);
    }
    out
}

/// What a TOML table contributes: the arrays of some keys, or the keys themselves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TableRole {
    /// Nothing.
    None,
    /// The values (arrays of requirement strings) of every key.
    AllValues,
    /// The value of one key.
    Value(&'static str),
    /// Every key is a package name (Poetry, Pipfile).
    Keys,
}

fn pyproject_table(name: &str) -> TableRole {
    let poetry_group = name
        .strip_prefix("tool.poetry.group.")
        .is_some_and(|rest| rest.ends_with(".dependencies"));
    match name {
        "project" => TableRole::Value("dependencies"),
        "build-system" => TableRole::Value("requires"),
        "project.optional-dependencies" | "dependency-groups" => TableRole::AllValues,
        "tool.poetry.dependencies" | "tool.poetry.dev-dependencies" => TableRole::Keys,
        _ if poetry_group => TableRole::Keys,
        _ => TableRole::None,
    }
}

fn pipfile_table(name: &str) -> TableRole {
    match name {
        "source" | "requires" | "scripts" | "pipenv" => TableRole::None,
        _ => TableRole::Keys,
    }
}

/// Dependency regions of a TOML manifest, by table.
fn toml(bytes: &[u8], role_of: fn(&str) -> TableRole) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut role = TableRole::None;
    let mut skip_to = 0;
    for (s, e) in lines(bytes) {
        if s < skip_to {
            continue;
        }
        let first = skip_ws(bytes, s, e);
        if first >= e || bytes[first] == b'#' {
            continue;
        }
        if bytes[first] == b'[' {
            let header = String::from_utf8_lossy(&bytes[first..e]);
            let name: String = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .split('.')
                .map(|p| p.trim().trim_matches(['"', '\'']))
                .collect::<Vec<_>>()
                .join(".");
            role = if header.starts_with("[[") {
                TableRole::None
            } else {
                role_of(&name)
            };
            continue;
        }
        let Some(eq) = memchr::memchr(b'=', &bytes[first..e]).map(|i| first + i) else {
            continue;
        };
        let key = String::from_utf8_lossy(&bytes[first..eq]);
        let key = key.trim().trim_matches(['"', '\'']);
        match role {
            TableRole::None => {}
            TableRole::Keys => {
                if key != "python" {
                    out.push(first..eq);
                }
            }
            TableRole::AllValues | TableRole::Value(_) => {
                if let TableRole::Value(wanted) = role {
                    if key != wanted {
                        continue;
                    }
                }
                let v = skip_ws(bytes, eq + 1, e);
                if bytes.get(v) == Some(&b'[') {
                    let end = matching(bytes, v);
                    out.push(v..end);
                    skip_to = end;
                }
            }
        }
    }
    out
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

/// `setup.cfg`: `install_requires`/`setup_requires`/`tests_require` in `[options]` and every
/// key of `[options.extras_require]`; a value continues on the more-indented lines below it.
fn setup_cfg(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut in_value = false;
    for (s, e) in lines(bytes) {
        let first = skip_ws(bytes, s, e);
        if first >= e || bytes[first] == b'#' || bytes[first] == b';' {
            continue;
        }
        let indented = first > s;
        if indented && in_value {
            out.push(first..e);
            continue;
        }
        in_value = false;
        if bytes[first] == b'[' {
            section = String::from_utf8_lossy(&bytes[first..e])
                .trim_matches(['[', ']', ' '])
                .to_ascii_lowercase();
            continue;
        }
        let Some(sep) = bytes[first..e]
            .iter()
            .position(|&b| b == b'=' || b == b':')
            .map(|i| first + i)
        else {
            continue;
        };
        let key = String::from_utf8_lossy(&bytes[first..sep])
            .trim()
            .to_ascii_lowercase();
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
                out.push(v..e);
            }
        }
    }
    out
}

/// `setup.py`: the list (or, for `extras_require`, the lists inside the dict) passed as
/// `install_requires=`, `setup_requires=`, `tests_require=`, `extras_require=`.
fn setup_py(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
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
                Some(b'[' | b'(') => out.push(i..matching(bytes, i)),
                Some(b'{') => {
                    // Only the lists inside the dict: its keys are extra names, not packages.
                    let end = matching(bytes, i);
                    let mut j = i + 1;
                    while j < end {
                        match bytes[j] {
                            b'[' | b'(' => {
                                let e = matching(bytes, j);
                                out.push(j..e);
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
    out.sort_by_key(|r| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(path: &str, src: &str) -> Vec<String> {
        regions(path, src.as_bytes())
            .unwrap()
            .into_iter()
            .map(|r| src[r].to_string())
            .collect()
    }

    #[test]
    fn declared_names_are_normalised() {
        let got = declared_names("requirements.txt", b"PyCryptodome==3.20\nFlask_Login\n");
        assert_eq!(got, ["pycryptodome", "flask-login"]);
        assert!(declared_names("app.py", b"pycryptodome").is_empty());
    }

    #[test]
    fn manifest_names() {
        assert_eq!(manifest("requirements.txt"), Some(Manifest::Requirements));
        assert_eq!(
            manifest("a/requirements-dev.txt"),
            Some(Manifest::Requirements)
        );
        assert_eq!(
            manifest("dev-requirements.txt"),
            Some(Manifest::Requirements)
        );
        assert_eq!(
            manifest("requirements/base.txt"),
            Some(Manifest::Requirements)
        );
        assert_eq!(manifest("requirements.in"), Some(Manifest::Requirements));
        assert_eq!(manifest("x/pyproject.toml"), Some(Manifest::Pyproject));
        assert_eq!(manifest("Pipfile"), Some(Manifest::Pipfile));
        assert_eq!(manifest("setup.cfg"), Some(Manifest::SetupCfg));
        assert_eq!(manifest("setup.py"), Some(Manifest::SetupPy));
        assert_eq!(manifest("notes.txt"), None);
        assert_eq!(manifest("Pipfile.lock"), None);
    }

    #[test]
    fn requirements_skip_comments_and_options() {
        let src = "# top\nrequests>=2 # pinned\n-r base.txt\n--index-url https://x\nflask\n";
        assert_eq!(texts("requirements.txt", src), ["requests>=2", "flask"]);
    }

    #[test]
    fn pyproject_project_optional_build_and_poetry() {
        let src = r#"
[project]
name = "demo"
description = "uses reqeusts"
dependencies = [
  "requests>=2",  # comment with ] bracket
  "click",
]
[project.optional-dependencies]
dev = ["pytest"]
[build-system]
requires = ["setuptools"]
[tool.poetry.dependencies]
python = "^3.11"
djanga = "^4"
[tool.poetry.group.test.dependencies]
pytest-cov = "*"
[tool.ruff]
select = ["S"]
"#;
        let got = texts("pyproject.toml", src);
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(got[0].contains("\"requests>=2\"") && got[0].contains("\"click\""));
        assert_eq!(got[1], "[\"pytest\"]");
        assert_eq!(got[2], "[\"setuptools\"]");
        assert_eq!(got[3].trim(), "djanga");
        assert_eq!(got[4].trim(), "pytest-cov");
        assert!(!got
            .iter()
            .any(|g| g.contains("demo") || g.contains("\"S\"")));
    }

    #[test]
    fn pipfile_packages_not_sources() {
        let src = "[[source]]\nurl = \"https://pypi.org/simple\"\nname = \"pypi\"\n[packages]\nreqeusts = \"*\"\n[dev-packages]\npytest = \"*\"\n[requires]\npython_version = \"3.11\"\n";
        let got = texts("Pipfile", src);
        assert_eq!(got, ["reqeusts ", "pytest "]);
    }

    #[test]
    fn setup_cfg_install_requires_and_extras() {
        let src = "[metadata]\nname = demo\n[options]\npackages = find:\ninstall_requires =\n    requests>=2\n    djanga\nzip_safe = False\n[options.extras_require]\ndev = pytest\n";
        let got = texts("setup.cfg", src);
        assert_eq!(got, ["requests>=2", "djanga", "pytest"]);
    }

    #[test]
    fn setup_py_lists_and_extras_values_not_keys() {
        let src = "setup(\n    name='demo',\n    install_requires=['requests', \"djanga>=1\"],\n    extras_require={'test': ['pytest'], 'dev': ('black',)},\n)\n";
        let got = texts("setup.py", src);
        assert_eq!(
            got,
            ["['requests', \"djanga>=1\"]", "['pytest']", "('black',)"]
        );
    }
}
