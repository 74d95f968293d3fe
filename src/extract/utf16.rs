//! UTF-16 text (with or without a byte-order mark) turned into UTF-8, so that a token saved by
//! an editor or a Windows tool in UTF-16 is matched like any other text.
//!
//! Without a mark, a file is taken as UTF-16 when almost every 16-bit unit of its start is an
//! ASCII character with a zero high byte: the shape of English text, code and configuration in
//! UTF-16, and not that of binary formats. Line breaks stay line breaks, so line numbers are
//! those of the file. This module does not decide what a secret is.

/// How many bytes of the start are looked at to recognise UTF-16 without a mark.
const SNIFF: usize = 8192;

/// The UTF-8 text of `bytes` when they are UTF-16 (invalid units become U+FFFD); `None`
/// otherwise.
#[must_use]
pub fn decode(bytes: &[u8]) -> Option<Vec<u8>> {
    let (little, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] if marked(rest) => (true, rest),
        [0xFE, 0xFF, rest @ ..] if marked(rest) => (false, rest),
        _ => (sniff(bytes)?, bytes),
    };
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some(text.into_bytes())
}

/// Whether what follows a byte-order mark is UTF-16 rather than bytes that merely start like
/// one (`\xff\xfe` then ASCII): it holds a NUL (ASCII in UTF-16), or is not UTF-8.
fn marked(rest: &[u8]) -> bool {
    let head = &rest[..rest.len().min(SNIFF)];
    memchr::memchr(0, head).is_some()
        || std::str::from_utf8(head).is_err_and(|e| e.error_len().is_some())
}

/// `Some(true)` for little-endian UTF-16 without a mark, `Some(false)` for big-endian.
fn sniff(bytes: &[u8]) -> Option<bool> {
    let head = &bytes[..bytes.len().min(SNIFF)];
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let text = |b: u8| b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7F).contains(&b);
    let (mut le, mut be) = (0, 0);
    for p in head.chunks_exact(2) {
        le += usize::from(p[1] == 0 && text(p[0]));
        be += usize::from(p[0] == 0 && text(p[1]));
    }
    // Nine units in ten: a few non-ASCII characters are fine, binary data is not.
    if le * 10 >= pairs * 9 {
        Some(true)
    } else if be * 10 >= pairs * 9 {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if little { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for u in text.encode_utf16() {
            out.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16_with_or_without_a_mark_is_decoded() {
        let text = "key = \"value\"\nnext line é\n";
        for (little, bom) in [(true, true), (false, true), (true, false), (false, false)] {
            let bytes = utf16(text, little, bom);
            assert_eq!(
                decode(&bytes).as_deref(),
                Some(text.as_bytes()),
                "little {little} bom {bom}"
            );
        }
    }

    #[test]
    fn utf8_and_binary_are_not_utf16() {
        assert_eq!(decode(b"plain text\n"), None);
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0"), None);
        assert_eq!(decode(b"a\0"), None);
        // Starts like a mark, then plain ASCII: not UTF-16.
        assert_eq!(decode(b"\xff\xfe garbage\r\ntoken\r\n"), None);
        assert_eq!(decode(&[0u8; 64]), None);
    }
}
