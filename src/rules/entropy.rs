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

#[cfg(test)]
mod tests {
    use super::shannon;

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
}
