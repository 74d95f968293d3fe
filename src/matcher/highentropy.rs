//! The Shannon-entropy scanner: random-looking literals (quoted strings, unquoted values after
//! `=` or `:`) with no provider name and no secret-named key, judged against their alphabet
//! (`rules::entropy::is_random`).
//!
//! What is random but not secret is left out: digests (every hex value, `--hash=`,
//! `integrity="sha512-..."`, values next to an algorithm's name), UUIDs, git object ids, data
//! URIs, lock files and minified bundles, paths, URLs, identifiers, and values under a name that
//! names an identifier (`client_id`, `requestId`, `*_uuid`). A finding here is a
//! warning of low confidence; a random value under a secret-named key is the assignment
//! detector's (blocking) finding instead.

use std::ops::Range;

use crate::rules::entropy::{self, Charset};
use crate::rules::{keyname, placeholder};

/// Values shorter than this are not judged: too few symbols to tell random from chosen.
const MIN_LEN: usize = 20;
/// Nor longer ones: certificates, keys and blobs have patterns of their own.
const MAX_LEN: usize = 200;
/// Lines longer than this are minified code or data, not configuration.
const MAX_LINE: usize = 1000;

/// Whether the scanner runs on `path` at all: not on lock files, bundles, maps, vector images.
#[must_use]
#[allow(clippy::items_after_statements)]
pub fn applies_to(path: &str) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    const NAMES: &[&str] = &[
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "pipfile.lock",
        "cargo.lock",
        "go.sum",
        "composer.lock",
        "gemfile.lock",
        "uv.lock",
        "pdm.lock",
        "flake.lock",
        "packages.lock.json",
        "record",
    ];
    const ENDINGS: &[&str] = &[
        ".lock", ".min.js", ".min.css", ".map", ".svg", ".po", ".mo", ".pem", ".crt", ".asc",
        ".sum", ".snap", ".ipynb",
    ];
    !NAMES.contains(&name.as_str()) && !ENDINGS.iter().any(|e| name.ends_with(e))
}

/// Finds the random literals in the lines of `bytes` that overlap `ranges` (all of it when
/// `None`); returns (span, secret) pairs, the span being the value.
#[must_use]
pub fn scan(bytes: &[u8], ranges: Option<&[Range<usize>]>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let whole = std::slice::from_ref(&(0..bytes.len())).to_vec();
    for r in ranges.unwrap_or(&whole) {
        let mut start =
            memchr::memrchr(b'\n', &bytes[..r.start.min(bytes.len())]).map_or(0, |i| i + 1);
        while start < r.end.min(bytes.len()) {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let line = &bytes[start..end];
            if line.len() <= MAX_LINE {
                scan_line(line, start, &mut out);
            }
            start = end + 1;
        }
    }
    out.sort_by_key(|r| r.start);
    out.dedup();
    out
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"+/=_-".contains(&b)
}

/// Candidates of one line: a whole quoted string, or a token right after `=` or `:`.
fn scan_line(line: &[u8], base: usize, out: &mut Vec<Range<usize>>) {
    let n = line.len();
    let mut i = 0;
    while i < n {
        if !is_token_byte(line[i]) || (i > 0 && is_token_byte(line[i - 1])) {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && is_token_byte(line[i]) {
            i += 1;
        }
        let e = i;
        if e - s < MIN_LEN || e - s > MAX_LEN {
            continue;
        }
        let prev = s.checked_sub(1).map(|k| line[k]);
        let next = line.get(e).copied();
        let quoted = matches!(prev, Some(b'"' | b'\'' | b'`')) && next == prev;
        let assigned = {
            let before = line[..s].trim_ascii_end();
            before.ends_with(b"=") || before.ends_with(b":")
        };
        let ends_value = next.is_none_or(|b| b.is_ascii_whitespace() || b",;".contains(&b));
        if !(quoted || assigned && ends_value) {
            continue;
        }
        // A quoted key (`"name":`) is a name, not a value.
        if quoted && line[e + 1..].trim_ascii_start().starts_with(b":") {
            continue;
        }
        if key_before(line, s - usize::from(quoted)).is_some_and(keyname::names_identifier) {
            continue;
        }
        if is_secret_like(&line[s..e]) && !digest_context(line, s) {
            out.push(base + s..base + e);
        }
    }
}

/// The name a value starting at `at` is assigned to (`name = `, `name: `, `"name": `,
/// `name=>`), if the line has one right before it.
fn key_before(line: &[u8], at: usize) -> Option<&[u8]> {
    let mut before = line[..at].trim_ascii_end();
    before = before.strip_suffix(b">").unwrap_or(before);
    before = before
        .strip_suffix(b"=")
        .or_else(|| before.strip_suffix(b":"))?;
    before = before.strip_suffix(b":").unwrap_or(before).trim_ascii_end();
    for q in [b'"', b'\'', b'`'] {
        if let Some(inner) = before.strip_suffix(&[q]) {
            before = inner;
            break;
        }
    }
    let start = before.len()
        - before
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_alphanumeric() || b"_-.".contains(b))
            .count();
    let name = &before[start..];
    (!name.is_empty()).then_some(name)
}

/// Whether a token is random in the way generated secrets are, and not one of the random
/// things that are not secrets.
fn is_secret_like(token: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(token) else {
        return false;
    };
    let set = entropy::charset(token);
    if set == Charset::Hex
        || placeholder::is_uuid(text)
        || placeholder::is_placeholder(token)
        || placeholder::is_failed_checksum_token(token)
    {
        return false;
    }
    if text.starts_with("sha") || text.contains("--") || text.starts_with('-') {
        return false;
    }
    // A path (`a/b/c`) rather than base64: two or more slashes between word-like segments.
    if text.matches('/').count() >= 2
        && text.split('/').filter(|seg| !seg.is_empty()).all(|seg| {
            seg.len() < 3
                || seg
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || b"_-".contains(&b))
        })
    {
        return false;
    }
    if !entropy::is_random(token, true) || crate::rules::literal::is_camel_identifier(text) {
        return false;
    }
    let letters: Vec<u8> = token
        .iter()
        .copied()
        .filter(u8::is_ascii_alphabetic)
        .collect();
    let has_upper = letters.iter().any(u8::is_ascii_uppercase);
    let has_lower = letters.iter().any(u8::is_ascii_lowercase);
    #[allow(clippy::cast_precision_loss)]
    if has_upper && has_lower {
        // Identifiers change case once a word; random text about every other letter.
        let switches = letters
            .windows(2)
            .filter(|w| w[0].is_ascii_uppercase() != w[1].is_ascii_uppercase())
            .count();
        switches as f64 >= 0.3 * (letters.len() as f64 - 1.0)
    } else {
        let digits = token.iter().filter(|b| b.is_ascii_digit()).count();
        digits * 100 >= token.len() * 15 && letters.len() * 100 >= token.len() * 30
    }
}

/// Whether the token sits next to the name of a digest or an object id: a checksum, a test
/// vector, a commit.
fn digest_context(line: &[u8], at: usize) -> bool {
    const WORDS: &[&[u8]] = &[
        b"sha",
        b"md5",
        b"hash",
        b"digest",
        b"checksum",
        b"integrity",
        b"commit",
        b"revision",
        b"fingerprint",
        b"nonce",
        b"salt",
        b"iv",
        b"vector",
        b"expected",
        b"signature",
        b"etag",
        b"data:",
        b"base64,",
        b"uuid",
        b"guid",
    ];
    let lower = line[..at].to_ascii_lowercase();
    let from = lower.len().saturating_sub(60);
    WORDS
        .iter()
        .any(|w| memchr::memmem::find(&lower[from..], w).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        scan(text.as_bytes(), None)
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    // Split so that the project's own scan stays clean.
    const RANDOM: &str = concat!("q8Zt3LkP0vW2x", "R7mN5bYc4Hj");

    #[test]
    fn random_literals_are_found_quoted_or_assigned() {
        assert_eq!(found(&format!("x = \"{RANDOM}\"\n")), [RANDOM]);
        assert_eq!(found(&format!("value: {RANDOM}\n")), [RANDOM]);
        assert_eq!(found(&format!("call('{RANDOM}')\n")), [RANDOM]);
    }

    #[test]
    fn random_things_that_are_not_secrets_are_left_out() {
        for text in [
            "commit = \"da39a3ee5e6b4b0d3255bfef95601890afd80709\"",
            "id = \"123e4567-e89b-12d3-a456-426614174000\"",
            "pkg==1.0 --hash=sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            "integrity=\"sha512-Q8Zt3LkP0vW2xR7mN5bYc4HjQ8Zt3LkP0vW2xR7mN5bYc4Hj==\"",
            "src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB\"",
            "name = \"AbstractSingletonProxyFactoryBean\"",
            "path = \"src/components/navigation/header\"",
            "url = \"https://example.org/a/b\"",
            "word q8Zt3LkP0vW2xR7mN5bYc4Hj in prose",
            "key = \"abcdef1234567890abcdef1234567890ab\"",
        ] {
            assert_eq!(found(text), Vec::<String>::new(), "{text}");
        }
    }

    // Regression: a random value under a key naming an identifier (detect-secrets'
    // `allowlisted_id:` in test_data/config.yaml) was reported; identifiers are not secrets.
    #[test]
    fn values_under_identifier_names_are_left_out() {
        for text in [
            format!("allowlisted_id: '{RANDOM}'"),
            format!("client_id = \"{RANDOM}\""),
            format!("{{\"requestId\": \"{RANDOM}\"}}"),
            format!("TENANT_UUID={RANDOM}"),
            format!("call(device_guid='{RANDOM}')"),
        ] {
            assert_eq!(found(&text), Vec::<String>::new(), "{text}");
        }
        // Other names still count, credential-like ids too.
        for text in [
            format!("secret_id: '{RANDOM}'"),
            format!("id_token = \"{RANDOM}\""),
            format!("ident: '{RANDOM}'"),
        ] {
            assert_eq!(found(&text), [RANDOM], "{text}");
        }
    }

    #[test]
    fn lock_files_and_bundles_are_not_scanned() {
        assert!(!applies_to("web/package-lock.json"));
        assert!(!applies_to("static/app.min.js"));
        assert!(applies_to("config/app.yaml"));
    }
}
