//! Kubernetes `Secret` manifests: their `data:` values are base64, so a token in them is
//! invisible to a text scan. This module reads every Secret in a YAML or JSON file (documents
//! split by `---`, Secrets in a `kind: List` or `kind: SecretList` under `items:`, block and
//! flow mappings alike: `data: {k: b64}`, `{"kind": "Secret", "data": {...}}`) and turns each
//! decoded value into a chunk pinned to the line and column of that value in the file.
//!
//! Block-style `stringData:` is plain `key: value` text and is already covered by the normal
//! scan of the file; a flow-style `stringData: {k: v}` (and JSON) is handed over as
//! `k: "v"` so that detectors keyed on names see the key. The reader is a small, forgiving
//! subset of YAML (indentation, flow collections, quoted, plain and block scalars) that keeps
//! exact positions, keeps only what a Secret needs, and is bounded on hostile input: nesting
//! deeper than [`MAX_DEPTH`] is skipped without recursion, and past [`MAX_KEPT`] values the rest
//! are scanned together as one chunk. This module does not decide what a secret is.

use crate::rules::validate::base64_decode;
use crate::source::{Chunk, Extract, Provenance};

/// Nesting deeper than this is skipped, not read: manifests are a few levels deep, and a limit
/// bounds the recursion on hostile input.
const MAX_DEPTH: usize = 48;

/// Values kept one by one (each its own chunk, reported at its own place). Past this, the
/// remaining values of `data:`/`stringData:` mappings are decoded into one chunk, so that a
/// huge flow mapping costs memory in proportion to its size and still has every value scanned.
const MAX_KEPT: usize = 10_000;

/// `kind:` entries kept per mapping (a valid manifest has one).
const MAX_KINDS: usize = 4;

/// Whether `path` may hold Kubernetes manifests (`.yaml`, `.yml`, `.json`).
#[must_use]
pub fn is_manifest(path: &str) -> bool {
    std::path::Path::new(path).extension().is_some_and(|e| {
        e.eq_ignore_ascii_case("yaml")
            || e.eq_ignore_ascii_case("yml")
            || e.eq_ignore_ascii_case("json")
    })
}

/// The decoded `data:` values (and flow-style `stringData:` values) of every Secret in `bytes`,
/// one chunk each. A value that is not valid base64 is skipped (the normal scan still sees it
/// as text).
#[must_use]
pub fn decoded_values(path: &str, bytes: &[u8], provenance: &Provenance) -> Vec<Chunk<'static>> {
    if memchr::memmem::find(bytes, b"Secret").is_none() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut parser = Parser::new(text);
    let mut entries = Vec::new();
    loop {
        while !parser.eof {
            let before = (parser.line, parser.col);
            let node = parser.block(0, Want::Resource);
            collect(&node, None, "", &mut entries);
            if (parser.line, parser.col) == before {
                parser.next_line();
            }
        }
        if !parser.resume() {
            break;
        }
    }
    let mut out: Vec<_> = entries
        .iter()
        .filter_map(|e| decode(path, e, provenance))
        .collect();
    if let Some(rest) = parser.overflow.take() {
        out.extend(rest.chunk(path, provenance));
    }
    out
}

/// A scalar as written: its text (unquoted, escapes resolved) and where it is in the file
/// (0-based lines, 0-based byte column of its first character after any quote).
#[derive(Debug)]
struct Scalar {
    text: String,
    line: usize,
    column: usize,
    last_line: usize,
}

/// The parts of a manifest this module keeps; everything else is read and dropped.
#[derive(Debug)]
enum Node {
    /// A mapping's kept entries; `flow` when written `{...}`.
    Map {
        entries: Vec<(String, Node)>,
        flow: bool,
    },
    Seq(Vec<Node>),
    Scalar(Scalar),
    Null,
}

impl Node {
    /// A list item worth keeping: a mapping with more than a `kind:`.
    fn is_resource(&self) -> bool {
        match self {
            Node::Map { entries, .. } => entries.iter().any(|(k, _)| k != "kind"),
            _ => false,
        }
    }

    fn is_kept(&self) -> bool {
        match self {
            Node::Map { entries, .. } => !entries.is_empty(),
            Node::Seq(items) => !items.is_empty(),
            Node::Scalar(_) => true,
            Node::Null => false,
        }
    }
}

/// What the reader keeps of the node it is reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// A resource: its `kind`, `data`, `stringData` and `items`.
    Resource,
    /// The `items:` of a list: resources.
    Items,
    /// The values of `data:` (`decode`: base64) or `stringData:`.
    Entries {
        decode: bool,
    },
    /// A scalar (a `kind:` or an entry's value).
    Scalar,
    Nothing,
}

impl Want {
    /// What to keep of the value under `key` in a mapping kept as `self`.
    fn child(self, key: &str) -> Want {
        match (self, key) {
            (Want::Resource, "kind") | (Want::Entries { .. }, _) => Want::Scalar,
            (Want::Resource, "data") => Want::Entries { decode: true },
            (Want::Resource, "stringData") => Want::Entries { decode: false },
            (Want::Resource, "items") => Want::Items,
            _ => Want::Nothing,
        }
    }

    /// What to keep of an element of a sequence kept as `self`.
    fn element(self) -> Want {
        if self == Want::Items {
            Want::Resource
        } else {
            Want::Nothing
        }
    }

    /// What to keep of a mapping's key.
    fn key(self) -> Want {
        if self == Want::Nothing {
            Want::Nothing
        } else {
            Want::Scalar
        }
    }
}

/// Values past [`MAX_KEPT`]: decoded and joined, reported at the first of them.
struct Overflow {
    line: usize,
    column: usize,
    last_line: usize,
    bytes: Vec<u8>,
}

impl Overflow {
    fn chunk(self, path: &str, provenance: &Provenance) -> Option<Chunk<'static>> {
        if self.bytes.is_empty() {
            return None;
        }
        let mut chunk = Chunk::new(path, self.bytes, provenance.clone());
        chunk.extract = Some(Extract {
            label: "data (more values)".to_string(),
            glob_path: None,
            at: Some((line_number(self.line), line_number(self.column))),
            from_lines: Some((line_number(self.line), line_number(self.last_line))),
        });
        Some(chunk)
    }
}

fn line_number(zero_based: usize) -> u32 {
    u32::try_from(zero_based + 1).unwrap_or(u32::MAX)
}

/// A forward-only reader over the text: the current line (`start..end`), a byte column in it,
/// and whether the document ended (end of text or a `---`/`...` line).
struct Parser<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    next: usize,
    line: usize,
    col: usize,
    eof: bool,
    kept: usize,
    overflow: Option<Overflow>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let mut p = Parser {
            text,
            start: 0,
            end: 0,
            next: 0,
            line: 0,
            col: 0,
            eof: false,
            kept: 0,
            overflow: None,
        };
        p.enter(0);
        p
    }

    /// Makes the line at byte `start` current.
    fn enter(&mut self, start: usize) {
        self.start = start;
        self.col = 0;
        let nl = memchr::memchr(b'\n', &self.text.as_bytes()[start..]).map(|i| start + i);
        self.next = nl.map_or(self.text.len() + 1, |i| i + 1);
        let end = nl.unwrap_or(self.text.len());
        self.end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        self.eof = is_marker(self.cur());
    }

    /// Moves to the next line; at the end of the text or a document marker, the document ends.
    fn next_line(&mut self) {
        if self.eof {
            return;
        }
        if self.next > self.text.len() {
            self.col = self.end - self.start;
            self.eof = true;
            return;
        }
        self.line += 1;
        self.enter(self.next);
    }

    /// After a document marker, starts the next document; false at the end of the text.
    fn resume(&mut self) -> bool {
        if !is_marker(self.cur()) || self.next > self.text.len() {
            return false;
        }
        self.line += 1;
        self.enter(self.next);
        true
    }

    fn cur(&self) -> &'a str {
        &self.text[self.start..self.end]
    }

    fn rest(&self) -> &'a str {
        &self.text[self.start + self.col..self.end]
    }

    fn peek(&self) -> Option<u8> {
        self.rest().as_bytes().first().copied()
    }

    /// Skips blank lines, spaces and comments; the column of the next content, if any.
    fn next_content(&mut self) -> Option<usize> {
        while !self.eof {
            let rest = self.rest();
            let t = rest.trim_start_matches([' ', '\t']);
            if t.is_empty() || t.starts_with('#') {
                self.next_line();
                continue;
            }
            self.col += rest.len() - t.len();
            return Some(self.col);
        }
        None
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.col += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    }

    /// Whether another value may be kept one by one; counts it.
    fn keep(&mut self) -> bool {
        self.kept += 1;
        self.kept <= MAX_KEPT
    }

    /// Adds a value past [`MAX_KEPT`] to the overflow chunk.
    fn spill(&mut self, key: &str, value: &Scalar, decode: bool) {
        let o = self.overflow.get_or_insert(Overflow {
            line: value.line,
            column: value.column,
            last_line: value.last_line,
            bytes: Vec::new(),
        });
        o.last_line = o.last_line.max(value.last_line);
        if let Some(bytes) = presented(key, &value.text, decode) {
            o.bytes.extend_from_slice(&bytes);
            if !o.bytes.ends_with(b"\n") {
                o.bytes.push(b'\n');
            }
        }
    }

    /// Adds an entry to a mapping kept as `want`, within the limits.
    fn add(&mut self, want: Want, entries: &mut Vec<(String, Node)>, key: String, value: Node) {
        match want {
            Want::Entries { decode } => {
                if let Node::Scalar(s) = value {
                    if self.keep() {
                        entries.push((key, Node::Scalar(s)));
                    } else {
                        self.spill(&key, &s, decode);
                    }
                }
            }
            Want::Resource if value.is_kept() => {
                let kinds = entries.iter().filter(|(k, _)| k == "kind").count();
                if key != "kind" || kinds < MAX_KINDS {
                    entries.push((key, value));
                }
            }
            _ => {}
        }
    }

    /// A block node starting at or below the cursor, indented at least `min`.
    fn block(&mut self, min: usize, want: Want) -> Node {
        match self.next_content() {
            Some(ind) if ind >= min => self.node(min, 0, want, true),
            _ => Node::Null,
        }
    }

    /// The value after `key:` or `- ` (the cursor just after the indicator). `min` is the
    /// least indentation of lines that belong to it; `in_seq` when it is a sequence item.
    fn value(&mut self, min: usize, depth: usize, want: Want, in_seq: bool) -> Node {
        if depth > MAX_DEPTH {
            self.skip_block(min);
            return Node::Null;
        }
        self.skip_spaces();
        // Tags and anchors (`!!binary`, `&name`) say nothing this reader needs.
        while let Some(b'!' | b'&') = self.peek() {
            let rest = self.rest();
            self.col += rest.find([' ', '\t']).unwrap_or(rest.len());
            self.skip_spaces();
        }
        let rest = self.rest();
        if !(rest.is_empty() || rest.starts_with('#')) {
            return self.node(min, depth, want, in_seq);
        }
        self.next_line();
        match self.next_content() {
            Some(ind) if ind >= min => self.node(min, depth, want, true),
            // `items:` followed by `- ...` at the key's own indentation.
            Some(ind) if !in_seq && ind + 1 == min && is_dash(self.rest()) => {
                self.seq(ind, depth, want)
            }
            _ => Node::Null,
        }
    }

    /// The node whose first character is at the cursor. `structure` allows a block mapping or
    /// sequence to start here (not after `key:` on the same line).
    fn node(&mut self, min: usize, depth: usize, want: Want, structure: bool) -> Node {
        if depth > MAX_DEPTH {
            self.skip_block(min);
            return Node::Null;
        }
        let ind = self.col;
        let rest = self.rest();
        match rest.as_bytes().first() {
            Some(b'{' | b'[') => self.flow(depth, want),
            Some(b'|' | b'>') => self.block_scalar(min, want),
            _ if structure && is_dash(rest) => self.seq(ind, depth, want),
            _ if structure && key_of(rest).is_some() => self.map(ind, depth, want),
            Some(b'"' | b'\'') => self.quoted(want),
            _ => self.block_plain(min, want),
        }
    }

    /// Skips the rest of the line and the lines indented at least `min`.
    fn skip_block(&mut self, min: usize) {
        self.next_line();
        while !self.eof {
            let cur = self.cur();
            let t = cur.trim_start_matches([' ', '\t']);
            if !t.is_empty() && cur.len() - t.len() < min {
                break;
            }
            self.next_line();
        }
    }

    /// Moves to the next line of content at column `ind`, stepping over lines indented more
    /// (parts of a node this reader does not keep): `false` at a line indented less, or at the
    /// end of the text.
    fn at_indent(&mut self, ind: usize) -> bool {
        while let Some(i) = self.next_content() {
            if i == ind {
                return true;
            }
            if i < ind {
                return false;
            }
            self.next_line();
        }
        false
    }

    /// A block mapping whose keys are at column `ind`.
    fn map(&mut self, ind: usize, depth: usize, want: Want) -> Node {
        let mut entries = Vec::new();
        while self.at_indent(ind) {
            let Some((key, used)) = key_of(self.rest()) else {
                if is_dash(self.rest()) {
                    break;
                }
                self.next_line();
                continue;
            };
            self.col += used;
            let value = self.value(ind + 1, depth + 1, want.child(&key), false);
            self.add(want, &mut entries, key, value);
        }
        Node::Map {
            entries,
            flow: false,
        }
    }

    /// A block sequence whose dashes are at column `ind`.
    fn seq(&mut self, ind: usize, depth: usize, want: Want) -> Node {
        let mut items = Vec::new();
        while self.at_indent(ind) {
            if !is_dash(self.rest()) {
                break;
            }
            self.col += 1;
            let item = self.value(ind + 1, depth + 1, want.element(), true);
            if want == Want::Items && item.is_resource() {
                items.push(item);
            }
        }
        Node::Seq(items)
    }

    /// A `|` or `>` scalar: the following lines indented at least `min`.
    fn block_scalar(&mut self, min: usize, want: Want) -> Node {
        self.next_line();
        let mut text = String::new();
        let mut first = None;
        let mut last = self.line;
        while !self.eof {
            let cur = self.cur();
            let t = cur.trim_start_matches([' ', '\t']);
            if !t.is_empty() {
                let indent = cur.len() - t.len();
                if indent < min {
                    break;
                }
                if first.is_none() {
                    first = Some((self.line, indent));
                }
                last = self.line;
                if want != Want::Nothing {
                    text.push_str(t.trim_end());
                    text.push('\n');
                }
            }
            self.next_line();
        }
        match first {
            Some((line, column)) if want != Want::Nothing => Node::Scalar(Scalar {
                text,
                line,
                column,
                last_line: last,
            }),
            _ => Node::Null,
        }
    }

    /// A plain scalar in block context, with its continuation lines.
    fn block_plain(&mut self, min: usize, want: Want) -> Node {
        let (line, column) = (self.line, self.col);
        let mut text = plain_text(self.rest()).to_string();
        let mut last = line;
        self.next_line();
        while !self.eof {
            let cur = self.cur();
            let t = cur.trim_start_matches([' ', '\t']);
            if t.is_empty()
                || t.starts_with('#')
                || cur.len() - t.len() < min
                || is_dash(t)
                || key_of(t).is_some()
            {
                break;
            }
            if want != Want::Nothing {
                text.push(' ');
                text.push_str(plain_text(t));
            }
            last = self.line;
            self.next_line();
        }
        scalar(want, text, line, column, last)
    }

    /// A quoted scalar at the cursor; it may go on over several lines.
    fn quoted(&mut self, want: Want) -> Node {
        let quote = self.peek().unwrap_or(b'"');
        self.col += 1;
        let (line, column) = (self.line, self.col);
        let mut text = String::new();
        loop {
            let rest = self.rest();
            let sink = (want != Want::Nothing).then_some(&mut text);
            if let Some(used) = unquote_into(quote, rest, sink) {
                self.col += used;
                break;
            }
            self.next_line();
            if self.eof {
                break;
            }
            if want != Want::Nothing {
                text.push(' ');
            }
            self.skip_spaces();
        }
        scalar(want, text, line, column, self.line)
    }

    /// Skips spaces, comments and line breaks inside a flow collection; false at the end.
    fn flow_space(&mut self) -> bool {
        loop {
            if self.eof {
                return false;
            }
            self.skip_spaces();
            match self.peek() {
                None | Some(b'#') => self.next_line(),
                Some(_) => return true,
            }
        }
    }

    /// Steps over the commas of a flow collection to its next entry: `false` at its closing
    /// bracket (stepped over) or at the end of the text.
    fn flow_entry(&mut self) -> bool {
        while self.flow_space() {
            match self.peek() {
                Some(b'}' | b']') => {
                    self.col += 1;
                    return false;
                }
                Some(b',') => self.col += 1,
                _ => return true,
            }
        }
        false
    }

    /// Steps over one character when an entry read nothing since `before`, so that a byte
    /// no rule takes cannot stall a flow collection.
    fn unstick(&mut self, before: (usize, usize)) {
        if (self.line, self.col) == before && !self.eof {
            self.col += self.rest().chars().next().map_or(0, char::len_utf8);
        }
    }

    /// A flow node (`{...}`, `[...]`, a quoted or plain scalar) at the cursor.
    fn flow(&mut self, depth: usize, want: Want) -> Node {
        if !self.flow_space() {
            return Node::Null;
        }
        match self.peek() {
            Some(b'{' | b'[') if depth > MAX_DEPTH => {
                self.skip_flow();
                Node::Null
            }
            Some(b'{') => self.flow_map(depth, want),
            Some(b'[') => self.flow_seq(depth, want),
            Some(b'"' | b'\'') => self.quoted(want),
            _ => self.flow_plain(want),
        }
    }

    /// A `{...}` mapping.
    fn flow_map(&mut self, depth: usize, want: Want) -> Node {
        self.col += 1;
        let mut entries = Vec::new();
        while self.flow_entry() {
            let before = (self.line, self.col);
            let key = self.flow(depth + 1, want.key());
            let mut value = Node::Null;
            if self.flow_space() && self.peek() == Some(b':') {
                self.col += 1;
                if self.flow_space() && !matches!(self.peek(), Some(b',' | b'}' | b']')) {
                    let child = match &key {
                        Node::Scalar(k) => want.child(&k.text),
                        _ => Want::Nothing,
                    };
                    value = self.flow(depth + 1, child);
                }
            }
            self.unstick(before);
            if let Node::Scalar(k) = key {
                self.add(want, &mut entries, k.text, value);
            }
        }
        Node::Map {
            entries,
            flow: true,
        }
    }

    /// A `[...]` sequence.
    fn flow_seq(&mut self, depth: usize, want: Want) -> Node {
        self.col += 1;
        let mut items = Vec::new();
        while self.flow_entry() {
            let before = (self.line, self.col);
            let item = self.flow(depth + 1, want.element());
            if self.flow_space() && self.peek() == Some(b':') {
                // `[a: b]`, a one-pair mapping: not a resource.
                self.col += 1;
                if self.flow_space() && !matches!(self.peek(), Some(b',' | b'}' | b']')) {
                    self.flow(depth + 1, Want::Nothing);
                }
            } else if want == Want::Items && item.is_resource() {
                items.push(item);
            }
            self.unstick(before);
        }
        Node::Seq(items)
    }

    /// A plain scalar inside a flow collection (one line).
    fn flow_plain(&mut self, want: Want) -> Node {
        let (line, column) = (self.line, self.col);
        let b = self.rest().as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b',' | b'[' | b']' | b'{' | b'}' => break,
                b':' if matches!(
                    b.get(i + 1),
                    None | Some(b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}')
                ) =>
                {
                    break
                }
                b'#' if i > 0 && matches!(b[i - 1], b' ' | b'\t') => break,
                _ => i += 1,
            }
        }
        let text = self.rest()[..i].trim_end().to_string();
        self.col += i;
        scalar(want, text, line, column, line)
    }

    /// Skips a flow collection too deep to read, counting brackets instead of recursing.
    fn skip_flow(&mut self) {
        let mut open = 0usize;
        while self.flow_space() {
            match self.peek() {
                Some(b'{' | b'[') => open += 1,
                Some(b'}' | b']') => {
                    open = open.saturating_sub(1);
                    if open == 0 {
                        self.col += 1;
                        return;
                    }
                }
                Some(q @ (b'"' | b'\'')) => {
                    self.col += 1;
                    while !self.eof {
                        if let Some(used) = unquote_into(q, self.rest(), None) {
                            self.col += used;
                            break;
                        }
                        self.next_line();
                    }
                    continue;
                }
                _ => {}
            }
            self.col += self.rest().chars().next().map_or(0, char::len_utf8);
        }
    }
}

fn scalar(want: Want, text: String, line: usize, column: usize, last_line: usize) -> Node {
    if want == Want::Nothing {
        return Node::Null;
    }
    Node::Scalar(Scalar {
        text,
        line,
        column,
        last_line,
    })
}

/// A `---` or `...` line: the end of a YAML document.
fn is_marker(line: &str) -> bool {
    ["---", "..."].iter().any(|m| {
        line.strip_prefix(m)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
    })
}

/// A block sequence item: `-` then a space or the end of the line.
fn is_dash(s: &str) -> bool {
    s.strip_prefix('-')
        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

/// A plain scalar's text up to a comment.
fn plain_text(s: &str) -> &str {
    let end = s
        .as_bytes()
        .windows(2)
        .position(|w| matches!(w[0], b' ' | b'\t') && w[1] == b'#')
        .unwrap_or(s.len());
    s[..end].trim()
}

/// A block mapping key at the start of `s`: its text and the bytes up to and including `:`.
fn key_of(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    match b.first()? {
        q @ (b'"' | b'\'') => {
            let mut key = String::new();
            let used = 1 + unquote_into(*q, &s[1..], Some(&mut key))?;
            let after = &s[used..];
            let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
            let rest = after[spaces..].strip_prefix(':')?;
            if rest.is_empty() || rest.starts_with([' ', '\t']) || *q == b'"' {
                return Some((key, used + spaces + 1));
            }
            None
        }
        b'-' if is_dash(s) => None,
        b'{' | b'[' | b'#' | b'|' | b'>' | b'!' | b'&' | b'*' | b'%' | b'@' | b'`' | b'?' => None,
        _ => {
            for i in 0..b.len() {
                match b[i] {
                    b':' if matches!(b.get(i + 1), None | Some(b' ' | b'\t')) => {
                        let key = s[..i].trim_end();
                        return (!key.is_empty()).then(|| (key.to_string(), i + 1));
                    }
                    b'#' if i > 0 && matches!(b[i - 1], b' ' | b'\t') => return None,
                    _ => {}
                }
            }
            None
        }
    }
}

/// Reads a quoted scalar's body from `s` (just after the opening `quote`) into `out`, escapes
/// resolved; the bytes read including the closing quote, or `None` if it does not close on
/// this line (all of `s` was read).
fn unquote_into(quote: u8, s: &str, mut out: Option<&mut String>) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    let mut i = 0;
    let mut push = |piece: &str| {
        if let Some(o) = out.as_deref_mut() {
            o.push_str(piece);
        }
    };
    while i < b.len() {
        match b[i] {
            c if c == quote => {
                push(&s[from..i]);
                if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    push("'");
                    i += 2;
                    from = i;
                    continue;
                }
                return Some(i + 1);
            }
            b'\\' if quote == b'"' => {
                push(&s[from..i]);
                let Some(c) = s[i + 1..].chars().next() else {
                    // A line continuation.
                    return None;
                };
                i += 1 + c.len_utf8();
                let mut hex = |n: usize| {
                    let code = s
                        .get(i..i + n)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32);
                    if code.is_some() {
                        i += n;
                    }
                    code.unwrap_or('\u{fffd}')
                };
                let resolved = match c {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    'x' => hex(2),
                    'u' => hex(4),
                    'U' => hex(8),
                    other => other,
                };
                push(resolved.encode_utf8(&mut [0; 4]));
                from = i;
            }
            _ => i += 1,
        }
    }
    push(&s[from..]);
    None
}

/// One value of a Secret, ready to decode.
struct Entry {
    /// Shown in reports: `data.password`, `items[0].stringData.token`.
    label: String,
    key: String,
    value: Scalar,
    decode: bool,
}

/// Gathers the values of the Secrets in `node`: a Secret itself, or a list (`kind: List`,
/// `SecretList`) whose `items:` are Secrets (a `SecretList`'s items may omit `kind`).
fn collect(node: &Node, list_kind: Option<&str>, prefix: &str, out: &mut Vec<Entry>) {
    let Node::Map { entries, .. } = node else {
        return;
    };
    let kinds: Vec<&str> = entries
        .iter()
        .filter_map(|(k, v)| match v {
            Node::Scalar(s) if k == "kind" => Some(s.text.as_str()),
            _ => None,
        })
        .collect();
    let secret = kinds.contains(&"Secret") || (kinds.is_empty() && list_kind == Some("SecretList"));
    for (name, value) in entries {
        match (name.as_str(), value) {
            (
                "data" | "stringData",
                Node::Map {
                    entries: values,
                    flow,
                },
            ) if secret => {
                let decode = name == "data";
                if !decode && !flow {
                    continue;
                }
                for (key, v) in values {
                    if let Node::Scalar(s) = v {
                        out.push(Entry {
                            label: format!("{prefix}{name}.{key}"),
                            key: key.clone(),
                            value: Scalar {
                                text: s.text.clone(),
                                ..*s
                            },
                            decode,
                        });
                    }
                }
            }
            ("items", Node::Seq(items)) => {
                let Some(kind) = kinds.iter().find(|k| k.ends_with("List")) else {
                    continue;
                };
                for (i, item) in items.iter().enumerate() {
                    collect(item, Some(kind), &format!("{prefix}items[{i}]."), out);
                }
            }
            _ => {}
        }
    }
}

/// The bytes to scan for one value: decoded base64 (`decode`) or the text itself. A one-line
/// value of a plain key is presented as `key: "value"` so that detectors keyed on names
/// (`password`, `api_key`) see the key; a file (a key with a dot: `.env`, `config.json`) or a
/// multi-line value is scanned as it is.
fn presented(key: &str, text: &str, decode: bool) -> Option<Vec<u8>> {
    let raw = if decode {
        let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        base64_decode(&compact)?
    } else {
        text.as_bytes().to_vec()
    };
    if raw.is_empty() {
        return None;
    }
    let body = raw.strip_suffix(b"\n").unwrap_or(&raw);
    if key.contains('.') || body.contains(&b'\n') || body.contains(&b'"') {
        return Some(raw);
    }
    let mut line = format!("{key}: \"").into_bytes();
    line.extend_from_slice(body);
    line.extend_from_slice(b"\"\n");
    Some(line)
}

/// A chunk holding the value, reported at the value's place in the file; a file-like key is
/// matched under its own name.
fn decode(path: &str, e: &Entry, provenance: &Provenance) -> Option<Chunk<'static>> {
    let bytes = presented(&e.key, &e.value.text, e.decode)?;
    let file_like = e.key.contains('.');
    let mut chunk = Chunk::new(path, bytes, provenance.clone());
    chunk.extract = Some(Extract {
        label: e.label.clone(),
        glob_path: file_like.then(|| e.key.clone()),
        at: Some((line_number(e.value.line), line_number(e.value.column))),
        from_lines: Some((line_number(e.value.line), line_number(e.value.last_line))),
    });
    Some(chunk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// (label, line, column, scanned text) of each chunk.
    fn read(text: &str) -> Vec<(String, u32, u32, String)> {
        decoded_values("k8s/secret.yaml", text.as_bytes(), &Provenance::File)
            .iter()
            .map(|c| {
                let e = c.extract.as_ref().unwrap();
                let (line, column) = e.at.unwrap();
                (
                    e.label.clone(),
                    line,
                    column,
                    String::from_utf8_lossy(&c.bytes).into_owned(),
                )
            })
            .collect()
    }

    fn want(rows: &[(&str, u32, u32, &str)]) -> Vec<(String, u32, u32, String)> {
        rows.iter()
            .map(|(l, line, col, t)| (l.to_string(), *line, *col, t.to_string()))
            .collect()
    }

    const MANIFEST: &str = "\
apiVersion: v1
kind: ConfigMap
data:
  plain: aGVsbG8=
---
apiVersion: v1
kind: Secret
metadata:
  name: app
type: Opaque
data:
  # comment
  password: aHVudGVyMi1Yazk=
  \"config.env\": |
    QVBJX1RPS0VOPWFi
    Yw==
  broken: not*base64
stringData:
  plain: text
";

    #[test]
    fn only_secret_data_values_are_decoded_at_their_value() {
        assert_eq!(
            read(MANIFEST),
            want(&[
                ("data.password", 13, 13, "password: \"hunter2-Xk9\"\n"),
                ("data.config.env", 15, 5, "API_TOKEN=abc"),
            ])
        );
        let chunks = decoded_values("s.yaml", MANIFEST.as_bytes(), &Provenance::File);
        let e = chunks[1].extract.as_ref().unwrap();
        assert_eq!(e.glob_path.as_deref(), Some("config.env"));
        // The block value spans two lines: a change to either is a change to the value.
        assert_eq!(e.from_lines, Some((15, 16)));
    }

    #[test]
    fn flow_mappings_are_read_for_data_and_string_data() {
        let text = "kind: Secret\ndata: {a: aGVsbG8=, \"b\": 'd29ybGQ='}\nstringData: {tok: abc}\n";
        assert_eq!(
            read(text),
            want(&[
                ("data.a", 2, 11, "a: \"hello\"\n"),
                ("data.b", 2, 27, "b: \"world\"\n"),
                ("stringData.tok", 3, 19, "tok: \"abc\"\n"),
            ])
        );
        // A flow mapping over several lines keeps each value's line.
        let text = "kind: Secret\ndata: {\n  a: aGVsbG8=,\n  # note\n  b: d29ybGQ=\n}\n";
        assert_eq!(
            read(text),
            want(&[
                ("data.a", 3, 6, "a: \"hello\"\n"),
                ("data.b", 5, 6, "b: \"world\"\n"),
            ])
        );
    }

    #[test]
    fn secrets_in_lists_are_read_block_and_flow() {
        let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  data:
    a: aGVsbG8=
- kind: ConfigMap
  data:
    b: aGVsbG8=
- {kind: Secret, data: {c: d29ybGQ=}}
---
kind: SecretList
items:
  - data:
      d: aGVsbG8=
";
        assert_eq!(
            read(text),
            want(&[
                ("items[0].data.a", 7, 8, "a: \"hello\"\n"),
                ("items[2].data.c", 11, 28, "c: \"world\"\n"),
                ("items[0].data.d", 16, 10, "d: \"hello\"\n"),
            ])
        );
    }

    #[test]
    fn json_manifests_are_read() {
        let text = r#"{"kind":"Secret","data":{"a":"aGVsbG8="},"stringData":{"p":"x y"}}"#;
        assert_eq!(
            read(text),
            want(&[
                ("data.a", 1, 31, "a: \"hello\"\n"),
                ("stringData.p", 1, 61, "p: \"x y\"\n"),
            ])
        );
        // `kubectl get secrets -o json`: a List, keys in alphabetical order (`data` before
        // `kind`).
        let text = "{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n    {\n      \"data\": {\n        \"a\": \"aGVsbG8=\"\n      },\n      \"kind\": \"Secret\"\n    }\n  ],\n  \"kind\": \"List\"\n}\n";
        assert_eq!(
            read(text),
            want(&[("items[0].data.a", 6, 15, "a: \"hello\"\n")])
        );
    }

    #[test]
    fn files_without_secrets_yield_nothing() {
        assert!(read("kind: Deployment\n").is_empty());
        assert!(read("kind: ConfigMap\ndata: {a: aGVsbG8=}\n# Secret\n").is_empty());
        // Block-style stringData is plain text, scanned as the file.
        assert!(read("kind: Secret\nstringData:\n  a: b\n").is_empty());
        assert!(is_manifest("deploy/Secret.YML"));
        assert!(is_manifest("secrets.json"));
        assert!(!is_manifest("secret.txt"));
    }

    #[test]
    fn hostile_nesting_and_huge_mappings_stay_bounded() {
        // Deep nesting, flow and block: no recursion past the limit, no stack overflow.
        let deep = format!("kind: Secret\ndata: {}\n", "[{".repeat(100_000));
        assert!(read(&deep).is_empty());
        let deep = format!("kind: Secret\nx:\n{}", "- ".repeat(100_000));
        assert!(read(&deep).is_empty());
        let mut deep = String::from("kind: Secret\n");
        for i in 0..2_000 {
            deep.push_str(&" ".repeat(i));
            deep.push_str("k:\n");
        }
        assert!(read(&deep).is_empty());
        // A huge flow mapping: values past the limit are scanned as one chunk.
        let mut huge = String::from("kind: Secret\ndata: {");
        for i in 0..MAX_KEPT + 5 {
            let _ = write!(huge, "k{i}: aGVsbG8=, ");
        }
        huge.push_str("last: d29ybGQ=}\n");
        let got = read(&huge);
        assert_eq!(got.len(), MAX_KEPT + 1);
        let (label, line, _, text) = got.last().unwrap();
        assert_eq!((label.as_str(), *line), ("data (more values)", 2));
        assert!(text.ends_with("last: \"world\"\n"), "{text}");
        // Unterminated quotes and brackets end with the text.
        for broken in [
            "kind: Secret\ndata: {a: \"aGVs",
            "kind: Secret\ndata: [{{",
            "{\"kind\": \"Secret\", \"data\": {\"a\\",
        ] {
            let _ = read(broken);
        }
    }
}
