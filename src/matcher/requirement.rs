//! One dependency specifier read as PEP 508 defines it: the name, its extras, the version
//! specifier, a direct URL (`name @ url`) and the environment marker after `;`, each as a byte
//! range of the text. Only the name is a package name: a marker's values
//! (`platform_python_implementation == "CPython"`) and a URL's parts never are.
//!
//! This reads one requirement; where requirements sit in a manifest, and pip's own options
//! around them, is `deps`' job.

use std::ops::Range;

/// One requirement, as byte ranges of the text it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// The project name, as written (not normalised).
    pub name: Range<usize>,
    /// Each extra inside `[...]`.
    pub extras: Vec<Range<usize>>,
    /// The version specifier (`>=2,<3`, or `(>=2)` with its parentheses).
    pub version: Option<Range<usize>>,
    /// The direct reference after `@`.
    pub url: Option<Range<usize>>,
    /// The environment marker after `;`, without the `;`.
    pub marker: Option<Range<usize>>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Skips whitespace, and a backslash that ends a line (pip joins such lines).
fn skip_space(text: &[u8], mut i: usize) -> usize {
    loop {
        match text.get(i) {
            Some(&b) if is_space(b) => i += 1,
            Some(b'\\') if matches!(text.get(i + 1), Some(b'\n' | b'\r')) => i += 2,
            _ => return i,
        }
    }
}

/// A PEP 508 identifier (a name or an extra) starting at `i`: letters and digits, with `.`,
/// `-`, `_` inside but not at either end. Its end, or `None`.
fn identifier(text: &[u8], i: usize) -> Option<usize> {
    if !text.get(i)?.is_ascii_alphanumeric() {
        return None;
    }
    let mut end = i + 1;
    let mut j = i + 1;
    while let Some(&b) = text.get(j) {
        if b.is_ascii_alphanumeric() {
            end = j + 1;
        } else if !matches!(b, b'.' | b'-' | b'_') {
            break;
        }
        j += 1;
    }
    Some(end)
}

fn is_cmp(b: u8) -> bool {
    matches!(b, b'<' | b'>' | b'=' | b'!' | b'~')
}

fn is_version_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'*' | b'+' | b'!' | b'-' | b'_')
}

/// `version_many` starting at `i`: one or more `cmp version` joined by commas. Its end.
fn version_many(text: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let cmp_start = i;
        while text.get(i).copied().is_some_and(is_cmp) {
            i += 1;
        }
        let op = &text[cmp_start..i];
        if !matches!(
            op,
            b"<" | b"<=" | b">" | b">=" | b"==" | b"!=" | b"~=" | b"==="
        ) {
            return None;
        }
        i = skip_space(text, i);
        let v = i;
        while text.get(i).copied().is_some_and(is_version_char) {
            i += 1;
        }
        if i == v {
            return None;
        }
        let after = skip_space(text, i);
        if text.get(after) == Some(&b',') {
            i = skip_space(text, after + 1);
        } else {
            return Some(i);
        }
    }
}

/// Reads `text` as exactly one PEP 508 requirement (whitespace around it allowed); `None`
/// when it is not one: a path, a bare URL, prose, a Poetry constraint.
#[must_use]
pub fn parse(text: &[u8]) -> Option<Requirement> {
    let start = skip_space(text, 0);
    let name_end = identifier(text, start)?;
    let mut req = Requirement {
        name: start..name_end,
        extras: Vec::new(),
        version: None,
        url: None,
        marker: None,
    };
    let mut i = skip_space(text, name_end);
    if text.get(i) == Some(&b'[') {
        i = skip_space(text, i + 1);
        if text.get(i) != Some(&b']') {
            loop {
                let e = identifier(text, i)?;
                req.extras.push(i..e);
                i = skip_space(text, e);
                match text.get(i) {
                    Some(b',') => i = skip_space(text, i + 1),
                    Some(b']') => break,
                    _ => return None,
                }
            }
        }
        i = skip_space(text, i + 1);
    }
    match text.get(i) {
        Some(b'@') => {
            let u = skip_space(text, i + 1);
            let mut e = u;
            while text.get(e).is_some_and(|&b| !is_space(b)) {
                e += 1;
            }
            if e == u {
                return None;
            }
            req.url = Some(u..e);
            // A marker after a URL needs whitespace before its `;`, or the `;` is the URL's.
            i = skip_space(text, e);
            if i == e && i < text.len() {
                return None;
            }
        }
        Some(b'(') => {
            let v = skip_space(text, i + 1);
            let e = version_many(text, v)?;
            let close = skip_space(text, e);
            if text.get(close) != Some(&b')') {
                return None;
            }
            req.version = Some(i..close + 1);
            i = skip_space(text, close + 1);
        }
        Some(&b) if is_cmp(b) => {
            let e = version_many(text, i)?;
            req.version = Some(i..e);
            i = skip_space(text, e);
        }
        _ => {}
    }
    match text.get(i) {
        None => Some(req),
        Some(b';') => {
            let m = skip_space(text, i + 1);
            let mut e = text.len();
            while e > m && is_space(text[e - 1]) {
                e -= 1;
            }
            // A marker compares: `python_version < "3.8"`, `"linux" in sys_platform`.
            let marker = &text[m..e];
            let compares = marker.iter().copied().any(is_cmp)
                || marker
                    .windows(4)
                    .any(|w| is_space(w[0]) && &w[1..3] == b"in" && is_space(w[3]));
            if !compares {
                return None;
            }
            req.marker = Some(m..e);
            Some(req)
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str, r: Option<Range<usize>>) -> Option<&str> {
        r.map(|r| &text[r])
    }

    #[test]
    fn names_extras_versions_markers_and_urls() {
        let t = "requests [socks, security] >= 2.8.1, == 2.8.* ; python_version < \"2.7\"";
        let r = parse(t.as_bytes()).unwrap();
        assert_eq!(&t[r.name.clone()], "requests");
        let extras: Vec<&str> = r.extras.iter().map(|e| &t[e.clone()]).collect();
        assert_eq!(extras, ["socks", "security"]);
        assert_eq!(part(t, r.version), Some(">= 2.8.1, == 2.8.*"));
        assert_eq!(part(t, r.marker), Some("python_version < \"2.7\""));

        let t =
            "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee ; os_name == 'nt'";
        let r = parse(t.as_bytes()).unwrap();
        assert_eq!(&t[r.name.clone()], "pip");
        assert_eq!(
            part(t, r.url),
            Some("https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee")
        );
        assert_eq!(part(t, r.marker), Some("os_name == 'nt'"));

        // Without whitespace before it, the `;` belongs to the URL (PEP 508).
        let t = "name @ https://x/y.whl;python_version<'3'";
        let r = parse(t.as_bytes()).unwrap();
        assert_eq!(part(t, r.url), Some("https://x/y.whl;python_version<'3'"));
        assert_eq!(r.marker, None);

        let t = "name(>=1.0,<2)";
        let r = parse(t.as_bytes()).unwrap();
        assert_eq!(part(t, r.version), Some("(>=1.0,<2)"));
        let t = "zope.interface===5.0";
        assert_eq!(&t[parse(t.as_bytes()).unwrap().name], "zope.interface");
        let t = "  A1  ";
        assert_eq!(&t[parse(t.as_bytes()).unwrap().name], "A1");
    }

    #[test]
    fn marker_values_are_never_names() {
        // Broke (issue 13): `greenlet>=3; platform_python_implementation == "CPython"` read
        // `CPython` as a second package.
        let t = "greenlet>=3; platform_python_implementation == \"CPython\"";
        let r = parse(t.as_bytes()).unwrap();
        assert_eq!(&t[r.name.clone()], "greenlet");
        assert_eq!(
            part(t, r.marker),
            Some("platform_python_implementation == \"CPython\"")
        );
    }

    #[test]
    fn what_is_not_one_requirement() {
        for t in [
            "",
            "-r base.txt",
            "./local/pkg",
            "https://example.org/x.whl",
            "This file lists what we need",
            "requests>=",
            "requests ^2.0",
            "name-",
            "name @",
            "requests[socks",
            "requests;",
            "pytest; black",
            "requests == 2 extra",
        ] {
            assert_eq!(parse(t.as_bytes()), None, "{t:?}");
        }
    }

    #[test]
    fn a_continued_line_is_whitespace() {
        let t = "requests \\\n  >=2";
        assert_eq!(part(t, parse(t.as_bytes()).unwrap().version), Some(">=2"));
    }
}
