//! Shannon entropy of a byte string, the gate that separates random secrets from words.
//!
//! Computed over the bytes actually present (bits per byte, 0..=8); not a randomness test.

/// Shannon entropy of `data` in bits per byte. Empty input has entropy 0.
#[must_use]
pub fn shannon(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[usize::from(b)] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// The alphabet a value is drawn from, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// `0-9a-f` (or upper-case hex).
    Hex,
    /// Letters and digits only.
    Alphanumeric,
    /// Base64url: letters, digits, `-`, `_`.
    Base64Url,
    /// Base64: letters, digits, `+`, `/`, `=` padding.
    Base64,
    /// Anything else (punctuation of a typed password).
    Other,
}

impl Charset {
    /// The number of symbols in the alphabet.
    #[must_use]
    pub fn size(self) -> f64 {
        match self {
            Charset::Hex => 16.0,
            Charset::Alphanumeric => 62.0,
            Charset::Base64Url | Charset::Base64 => 64.0,
            Charset::Other => 94.0,
        }
    }
}

/// The narrowest alphabet that holds every byte of `value`.
#[must_use]
pub fn charset(value: &[u8]) -> Charset {
    let all = |f: &dyn Fn(u8) -> bool| value.iter().all(|&b| f(b));
    if all(&|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        || all(&|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
    {
        Charset::Hex
    } else if all(&|b: u8| b.is_ascii_alphanumeric()) {
        Charset::Alphanumeric
    } else if all(&|b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Charset::Base64Url
    } else if all(&|b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=') {
        Charset::Base64
    } else {
        Charset::Other
    }
}

/// Whether `value` is as random as a generated secret of its alphabet and length: its
/// entropy reaches `ratio` of the most that `len` symbols of that alphabet can hold
/// (`log2(min(len, alphabet))`). A random string reaches about 0.9 of it; words and
/// identifiers stay well below in the larger alphabets. `strict` raises the ratio and asks
/// for digits among letters.
#[must_use]
pub fn is_random(value: &[u8], strict: bool) -> bool {
    let body = value
        .strip_suffix(b"==")
        .or_else(|| value.strip_suffix(b"="))
        .unwrap_or(value);
    if body.len() < 8 {
        return false;
    }
    let set = charset(body);
    #[allow(clippy::cast_precision_loss)]
    let most = (body.len() as f64).min(set.size()).log2();
    let ratio = match (set, strict) {
        (Charset::Hex, false) => 0.72,
        (Charset::Hex, true) => 0.78,
        (_, false) => 0.75,
        (_, true) => 0.82,
    };
    if shannon(body) < ratio * most {
        return false;
    }
    if !strict || set == Charset::Hex {
        return true;
    }
    let digits = body.iter().filter(|b| b.is_ascii_digit()).count();
    let letters = body.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let upper = body.iter().filter(|b| b.is_ascii_uppercase()).count();
    digits >= 2 && letters >= 4 || (upper >= 3 && letters > upper + 2 && body.len() >= 20)
}

#[cfg(test)]
mod tests {
    use super::{is_random, shannon};

    #[test]
    fn known_values() {
        assert!(shannon(b"").abs() < f64::EPSILON);
        assert!(shannon(b"aaaaaaaa").abs() < f64::EPSILON);
        assert!((shannon(b"abab") - 1.0).abs() < 1e-9);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-9);
        let all: Vec<u8> = (0..=255).collect();
        assert!((shannon(&all) - 8.0).abs() < 1e-9);
    }

    #[test]
    fn random_token_beats_a_word() {
        assert!(shannon(b"q8Zt3LkP0vW2xR7mN5bY") > 4.0);
        assert!(shannon(b"password") < 3.0);
    }

    #[test]
    fn randomness_is_judged_against_the_alphabet() {
        assert!(is_random(b"q8Zt3LkP0vW2xR7mN5bY", true));
        assert!(is_random(b"da39a3ee5e6b4b0d3255bfef95601890afd80709", true));
        assert!(is_random(b"Zq!9#vLm2@pX7&wR4tB", false));
        assert!(!is_random(b"AbstractSingletonProxyFactoryBean", true));
        assert!(!is_random(b"aaaaaaaabbbbbbbb", false));
        assert!(!is_random(b"short", false));
    }
}
