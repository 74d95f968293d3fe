//! Offline structural validators: checks a captured token must pass to be reported as that
//! token (a checksum, a decodable structure). They never touch the network.

use std::fmt;
use std::str::FromStr;

use crate::matcher::{placeholder, pypi};

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
}

/// Every validator name, for error messages and documentation.
pub const NAMES: &[&str] = &[
    "github-checksum",
    "generic",
    "pypi-typosquat",
    "pypi-malicious",
];

impl FromStr for Validator {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Self> {
        Ok(match s {
            "github-checksum" => Validator::GithubChecksum,
            "generic" => Validator::Generic,
            "pypi-typosquat" => Validator::PypiTyposquat,
            "pypi-malicious" => Validator::PypiMalicious,
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
        })
    }
}

impl Validator {
    /// Whether `secret` (the captured bytes) passes this validator.
    #[must_use]
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::GithubChecksum => github_checksum_ok(secret),
            Validator::Generic => !placeholder::is_not_generic_secret(secret),
            Validator::PypiTyposquat => {
                std::str::from_utf8(secret).is_ok_and(|name| pypi::typosquat_target(name).is_some())
            }
            Validator::PypiMalicious => std::str::from_utf8(secret).is_ok_and(pypi::is_malicious),
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

    #[test]
    fn unknown_validator_names_the_known_ones() {
        let err = "crc".parse::<Validator>().unwrap_err().to_string();
        assert!(err.contains("github-checksum"), "{err}");
    }
}
