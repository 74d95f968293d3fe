//! Offline structural validators: checks a captured token must pass to be reported as that
//! token (a checksum, a decodable structure). They never touch the network.

use std::fmt;
use std::str::FromStr;

use crate::rules::placeholder;

/// A named validator a pattern may declare with `validator:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validator {
    /// GitHub's `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens: CRC32 of the random part, base62, 6 chars.
    GithubChecksum,
    /// The generic detector: reject identifiers, paths, URLs without credentials, UUIDs, digests.
    Generic,
    /// A `PyPI` name within one edit (two for long names) of a popular name, but not popular.
    PypiTyposquat,
    /// A `PyPI` name published as malware.
    PypiMalicious,
    /// A Python version pin, specifier or list that admits only end-of-life versions on the
    /// scan date (see `eol`).
    PythonEol,
    /// A JSON Web Token: the header is base64url JSON naming an `alg`, the payload a JSON object.
    Jwt,
    /// A PEM body: valid base64 (armour headers and a PGP checksum line aside) of a key's length.
    Pem,
    /// npm's `npm_` tokens: 30 base62 characters and their CRC32 in base62, like GitHub's.
    NpmChecksum,
    /// A `pypi-` upload token: base64url of a version 2 macaroon located at (test.)pypi.org.
    PypiMacaroon,
}

/// Every validator name, for error messages and documentation.
pub const NAMES: &[&str] = &[
    "github-checksum",
    "generic",
    "pypi-typosquat",
    "pypi-malicious",
    "python-eol",
    "jwt",
    "pem",
    "npm-checksum",
    "pypi-macaroon",
];

impl FromStr for Validator {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Self> {
        Ok(match s {
            "github-checksum" => Validator::GithubChecksum,
            "generic" => Validator::Generic,
            "pypi-typosquat" => Validator::PypiTyposquat,
            "pypi-malicious" => Validator::PypiMalicious,
            "python-eol" => Validator::PythonEol,
            "jwt" => Validator::Jwt,
            "pem" => Validator::Pem,
            "npm-checksum" => Validator::NpmChecksum,
            "pypi-macaroon" => Validator::PypiMacaroon,
            other => anyhow::bail!("unknown validator {other:?} (known: {})", NAMES.join(", ")),
        })
    }
}

impl fmt::Display for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Validator::GithubChecksum => "github-checksum",
            Validator::Generic => "generic",
            Validator::PypiTyposquat => "pypi-typosquat",
            Validator::PypiMalicious => "pypi-malicious",
            Validator::PythonEol => "python-eol",
            Validator::Jwt => "jwt",
            Validator::Pem => "pem",
            Validator::NpmChecksum => "npm-checksum",
            Validator::PypiMacaroon => "pypi-macaroon",
        })
    }
}

impl Validator {
    /// Whether `secret` (the captured bytes) passes this validator. The validators that need
    /// data the rule format does not hold (the `PyPI` name lists, the end-of-life table and
    /// the scan date: `pypi-typosquat`, `pypi-malicious`, `python-eol`) are judged by the
    /// matcher, which owns that data; here they pass, so that the dependency points down.
    #[must_use]
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::GithubChecksum | Validator::NpmChecksum => github_checksum_ok(secret),
            Validator::Generic => !placeholder::is_not_generic_secret(secret),
            Validator::PypiTyposquat | Validator::PypiMalicious | Validator::PythonEol => true,
            Validator::Jwt => jwt_ok(secret),
            Validator::Pem => pem_ok(secret),
            Validator::PypiMacaroon => pypi_macaroon_ok(secret),
        }
    }

    /// For a secret that fails [`Validator::check`]: whether it still has the shape the
    /// validator checks, so that it is a sample (a document's or a test's stand-in, or a real
    /// secret mangled by hand) rather than something else. A token whose checksum fails; a JWT
    /// whose header decodes with an `alg` but whose payload or signature is cut off or made
    /// up; a private key block that holds a body (a run of 32 base64 characters or more
    /// without a blank; prose in the block is not one) that is not a key's.
    #[must_use]
    pub fn resembles(self, secret: &[u8]) -> bool {
        match self {
            Validator::GithubChecksum | Validator::NpmChecksum => true,
            Validator::Jwt => jwt_header_ok(secret),
            Validator::Pem => secret
                .split(|b| !(b.is_ascii_alphanumeric() || b"+/=".contains(b)))
                .any(|run| run.len() >= 32),
            _ => false,
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as used by zlib and GitHub tokens.
#[must_use]
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Encodes `n` in base62 (`0-9A-Za-z`), left-padded with `0` to `width` characters.
#[must_use]
pub fn base62(mut n: u64, width: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        out.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A GitHub token `pre_` + 30 random base62 chars + 6-char base62 CRC32 of the random part.
fn github_checksum_ok(token: &[u8]) -> bool {
    let Some(us) = token.iter().position(|&b| b == b'_') else {
        return false;
    };
    let body = &token[us + 1..];
    if body.len() < 7 {
        return false;
    }
    let (random, check) = body.split_at(body.len() - 6);
    base62(u64::from(crc32(random)), 6).as_bytes() == check
}

/// Decodes standard or URL-safe base64, padded or not. Returns `None` on any other byte, on
/// padding in the middle, or on a length no encoder produces.
#[must_use]
pub fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let body = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if body.len() % 4 == 1 || (body.len() != text.len() && !text.len().is_multiple_of(4)) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &b in body {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Encodes bytes as base64 (`url` selects the URL-safe alphabet), without padding when `url`.
#[must_use]
pub fn base64_encode(data: &[u8], url: bool) -> String {
    let table: &[u8; 64] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        let emit = chunk.len() + 1;
        for i in 0..4 {
            if i < emit {
                out.push(table[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else if !url {
                out.push('=');
            }
        }
    }
    out
}

/// Whether `token` starts with a JWT header: base64url of a JSON object with a string `alg`
/// (what is left of a token whose payload or signature was cut off or made up).
fn jwt_header_ok(token: &[u8]) -> bool {
    let header = token.split(|&b| b == b'.').next().unwrap_or(token);
    base64_decode(header)
        .and_then(|raw| serde_json::from_slice::<serde_json::Value>(&raw).ok())
        .is_some_and(|h| h.get("alg").is_some_and(serde_json::Value::is_string))
}

/// `header.payload.signature`: the header decodes to a JSON object with a string `alg`, the
/// payload to a JSON object. An unsigned token (`alg: none`, empty signature) still counts:
/// its claims are readable, and it is often a test token copied from a real one.
fn jwt_ok(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let json = |part: &[u8]| {
        base64_decode(part)
            .and_then(|raw| serde_json::from_slice::<serde_json::Value>(&raw).ok())
            .filter(serde_json::Value::is_object)
    };
    let Some(header) = json(header) else {
        return false;
    };
    header.get("alg").is_some_and(serde_json::Value::is_string) && json(payload).is_some()
}

/// The shortest decoded body accepted as a key: an Ed25519 key in PKCS#8 is 48 bytes.
const PEM_MIN_BYTES: usize = 48;

/// A PEM (or PGP armour) body: optional `Name: value` header lines, then base64 lines, then for
/// PGP a `=CRC` checksum line. The base64 must decode and be long enough to hold a key.
fn pem_ok(body: &[u8]) -> bool {
    // A key inside a JSON or .env string writes its newlines as the two characters `\n`.
    let unescaped;
    let body = if memchr::memmem::find(body, b"\\n").is_some() {
        let mut out = Vec::with_capacity(body.len());
        let mut i = 0;
        while i < body.len() {
            if body[i] == b'\\' && body.get(i + 1) == Some(&b'n') {
                out.push(b'\n');
                i += 2;
            } else {
                out.push(body[i]);
                i += 1;
            }
        }
        unescaped = out;
        &unescaped[..]
    } else {
        body
    };
    let mut data = Vec::with_capacity(body.len());
    for line in body.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        if line.is_empty() || line.contains(&b':') || line.starts_with(b"-----") {
            continue; // blank separator, armour header (Proc-Type:, Version:) or BEGIN/END line
        }
        if line.first() == Some(&b'=') && line.len() == 5 {
            continue; // OpenPGP armour checksum
        }
        data.extend_from_slice(line);
    }
    base64_decode(&data).is_some_and(|raw| raw.len() >= PEM_MIN_BYTES)
}

/// Reads one base-128 varint (macaroon v2 field types and lengths).
fn varint(data: &[u8], pos: &mut usize) -> Option<usize> {
    let mut n = 0usize;
    for shift in (0..35).step_by(7) {
        let b = *data.get(*pos)?;
        *pos += 1;
        n |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// One macaroon v2 field: (type, value); type 0 is the end-of-section marker.
fn field<'a>(data: &'a [u8], pos: &mut usize) -> Option<(usize, &'a [u8])> {
    let kind = varint(data, pos)?;
    if kind == 0 {
        return Some((0, &[]));
    }
    let len = varint(data, pos)?;
    let value = data.get(*pos..pos.checked_add(len)?)?;
    *pos += len;
    Some((kind, value))
}

/// `pypi-` + base64url of a macaroon in libmacaroons' v2 binary format: version byte 2, a
/// location field (type 1), an identifier (type 2), an end marker, caveat sections each ending
/// in an end marker, an end marker, and a 32-byte signature (type 6). The location must be
/// the real index's or the test index's (`pypi.org`, `test.pypi.org`).
fn pypi_macaroon_ok(token: &[u8]) -> bool {
    let Some(body) = token.strip_prefix(b"pypi-") else {
        return false;
    };
    let Some(raw) = base64_decode(body) else {
        return false;
    };
    if raw.first() != Some(&2) {
        return false;
    }
    let mut pos = 1;
    let Some((1, location)) = field(&raw, &mut pos) else {
        return false;
    };
    if location != b"pypi.org" && location != b"test.pypi.org" {
        return false;
    }
    if !matches!(field(&raw, &mut pos), Some((2, id)) if !id.is_empty()) {
        return false;
    }
    if field(&raw, &mut pos) != Some((0, &[])) {
        return false;
    }
    // Caveats: sections of fields, each closed by an end marker; an empty section ends them.
    loop {
        match field(&raw, &mut pos) {
            Some((0, _)) => break,
            Some((1..=4, _)) => loop {
                match field(&raw, &mut pos) {
                    Some((0, _)) => break,
                    Some((1..=4, _)) => {}
                    _ => return false,
                }
            },
            _ => return false,
        }
    }
    matches!(field(&raw, &mut pos), Some((6, sig)) if sig.len() == 32) && pos == raw.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        // The CRC-32 catalogue's check value for the ASCII string "123456789".
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base62_pads_and_encodes() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 1), "z");
        assert_eq!(base62(62, 2), "10");
        assert_eq!(base62(u64::from(u32::MAX), 6), "4gfFC3");
    }

    #[test]
    fn github_token_checksum_round_trips() {
        let random = "Pq7sK2vX9mT4wZ1nB8cD3fG6hJ0kL5";
        let token = format!(
            "ghp_{random}{}",
            base62(u64::from(crc32(random.as_bytes())), 6)
        );
        assert!(Validator::GithubChecksum.check(token.as_bytes()));
        let mut broken = token.into_bytes();
        broken[10] = if broken[10] == b'a' { b'b' } else { b'a' };
        assert!(!Validator::GithubChecksum.check(&broken));
    }

    /// A GitHub-style token: `prefix` + `random` + base62 CRC32 of `random`.
    fn checksummed(prefix: &str, random: &str) -> String {
        format!(
            "{prefix}{random}{}",
            base62(u64::from(crc32(random.as_bytes())), 6)
        )
    }

    #[test]
    fn npm_token_checksum_vector() {
        // The documented algorithm: CRC32 of the 30 random characters, base62, zero-padded to
        // 6. The vector was cross-checked with Python's zlib.crc32 and a separate base62.
        let token = checksummed("npm_", "bW4xZ9qTk2LrP7sV1nC8dF3gH6jK0m");
        assert_eq!(crc32(b"bW4xZ9qTk2LrP7sV1nC8dF3gH6jK0m"), 0xAEBB_FF82);
        assert_eq!(&token[34..], "3COVgw");
        assert!(Validator::NpmChecksum.check(token.as_bytes()));
        let wrong = token.replace("bW4x", "bW4y");
        assert!(!Validator::NpmChecksum.check(wrong.as_bytes()));
    }

    #[test]
    fn base64_round_trips_both_alphabets() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"\xff\xfe\xfd\x00"] {
            for url in [false, true] {
                let enc = base64_encode(data, url);
                assert_eq!(
                    base64_decode(enc.as_bytes()).as_deref(),
                    Some(data),
                    "{enc}"
                );
            }
        }
        assert_eq!(base64_encode(b"fo", false), "Zm8=");
        assert_eq!(base64_decode(b"Zm8"), Some(b"fo".to_vec()));
        assert_eq!(base64_decode(b"Zm8=x"), None);
        assert_eq!(base64_decode(b"Z"), None);
        assert_eq!(base64_decode(b"Zm!="), None);
    }

    fn jwt(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
            base64_encode(header.as_bytes(), true),
            base64_encode(payload.as_bytes(), true)
        )
    }

    #[test]
    fn a_jwt_header_is_recognised_without_the_rest_of_the_token() {
        let good = jwt(r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"sub":"42"}"#);
        let header_only = good.split('.').next().unwrap_or_default();
        assert!(jwt_header_ok(
            format!("{header_only}.not-json-at-all").as_bytes()
        ));
        let no_alg = jwt(r#"{"typ":"JWT"}"#, r#"{"sub":"42"}"#);
        assert!(!jwt_header_ok(no_alg.as_bytes()));
        assert!(!jwt_header_ok(b"eyJub3QganNvbg.eyJ4IjoxfQ"));
    }

    #[test]
    fn jwt_needs_a_json_header_with_alg_and_a_json_payload() {
        let good = jwt(r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"sub":"42"}"#);
        assert!(Validator::Jwt.check(good.as_bytes()), "{good}");
        for bad in [
            jwt(r#"{"typ":"JWT"}"#, r#"{"sub":"42"}"#),
            jwt(r#"{"alg":256}"#, r#"{"sub":"42"}"#),
            jwt(r#"{"alg":"HS256"}"#, "not json"),
            jwt("[1,2]", r#"{"sub":"42"}"#),
            "eyJhbGciOiJIUzI1NiJ9.e30".to_string(),
            "eyJ!!!.e30.sig".to_string(),
        ] {
            assert!(!Validator::Jwt.check(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn pem_body_must_be_base64_of_a_key_length() {
        let raw: Vec<u8> = (0u8..=120).map(|b| b.wrapping_mul(37)).collect();
        let b64 = base64_encode(&raw, false);
        let body = format!("{}\n{}\n", &b64[..64], &b64[64..]);
        assert!(Validator::Pem.check(body.as_bytes()));
        let armoured =
            format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n{body}=Ab3d\n");
        assert!(Validator::Pem.check(armoured.as_bytes()));
        assert!(!Validator::Pem.check(b"...\n"));
        assert!(!Validator::Pem.check(b"c2hvcnQ=\n"));
        let broken = body.replacen('A', "*", 1);
        assert!(broken == body || !Validator::Pem.check(broken.as_bytes()));
        assert!(!Validator::Pem.check(format!("{body}not base64!\n").as_bytes()));
        let escaped = format!(
            "-----BEGIN PRIVATE KEY-----\\n{}\\n",
            body.replace('\n', "\\n")
        );
        assert!(Validator::Pem.check(escaped.as_bytes()), "{escaped}");
    }

    /// Serialises a macaroon in the v2 binary format (the same layout the validator reads).
    fn macaroon(location: &[u8], caveats: &[&[u8]]) -> Vec<u8> {
        fn put(out: &mut Vec<u8>, kind: u8, value: &[u8]) {
            out.push(kind);
            out.push(value.len() as u8);
            out.extend_from_slice(value);
        }
        let mut out = vec![2];
        put(&mut out, 1, location);
        put(&mut out, 2, b"\x1f3a9c-user-token-identifier");
        out.push(0);
        for c in caveats {
            put(&mut out, 2, c);
            out.push(0);
        }
        out.push(0);
        put(&mut out, 6, &[0x5a; 32]);
        out
    }

    #[test]
    fn pypi_token_decodes_to_a_pypi_macaroon() {
        for location in [&b"pypi.org"[..], b"test.pypi.org"] {
            let raw = macaroon(location, &[br#"{"version": 1, "permissions": "user"}"#]);
            let token = format!("pypi-{}", base64_encode(&raw, true));
            assert!(Validator::PypiMacaroon.check(token.as_bytes()), "{token}");
        }
        // The documented prefix of every PyPI token: version 2, location field, "pypi.org".
        let token = format!("pypi-{}", base64_encode(&macaroon(b"pypi.org", &[]), true));
        assert!(token.starts_with("pypi-AgEIcHlwaS5vcmc"), "{token}");
        let elsewhere = format!("pypi-{}", base64_encode(&macaroon(b"evil.org", &[]), true));
        assert!(!Validator::PypiMacaroon.check(elsewhere.as_bytes()));
        let truncated = &token[..token.len() - 8];
        assert!(!Validator::PypiMacaroon.check(truncated.as_bytes()));
        assert!(!Validator::PypiMacaroon.check(b"pypi-AgEIcHlwaS5vcmc"));
        assert!(!Validator::PypiMacaroon.check(b"pypi-not*base64"));
    }

    #[test]
    fn unknown_validator_names_the_known_ones() {
        let err = "crc".parse::<Validator>().unwrap_err().to_string();
        assert!(err.contains("github-checksum"), "{err}");
    }
}
