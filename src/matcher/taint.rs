//! Taint: whether a Python expression carries data from outside the program (`input()`,
//! `sys.argv`, `os.environ`/`os.getenv`, web request data of Flask, Django and
//! Starlette/FastAPI, `socket.recv`) or read from a file (`open(...)` for reading and what is
//! read through it, `Path.read_text()`/`read_bytes()`), followed back through assignments in
//! the same scope (f-strings, `%`, `.format`, `+`, `join` and calls simply carry the names
//! inside them), `with ... as name` and `for name in ...` bindings, the parameters of web
//! handlers (a function under a route decorator, or a Django view whose first parameter is
//! `request`), and the `return` of a function of the same module that is called.
//!
//! A pattern asks for this with a capture group named `tainted`: a match whose group carries
//! outside data is reported at the pattern's `tainted_severity`; one that carries only a file
//! read is a low-confidence finding (most programs read their own files: a cache, a fixture, a
//! configuration), which blocks only when `min_confidence: low` is configured. It is a
//! heuristic over the lexer's view of the source, not a type-aware analysis: it does not follow
//! attributes, containers, tuple targets of assignments, globals or imports, and it treats no
//! call as a sanitiser except the numeric conversions `int()`/`float()` of a whole expression.
//! Standard input is not a source: a command that runs the script piped to it is the normal
//! case.

use std::ops::Range;
use std::sync::OnceLock;

use regex::bytes::Regex;

use super::python::{self, Class, Lexed};
use crate::rules::pattern::Taint;

/// How many assignments (or calls) back a name is followed.
pub const MAX_HOPS: u32 = 4;

/// Where data from outside the program enters, in code with strings blanked.
fn sources() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            (?:^|[^.\w])(?:input|raw_input)\s*\(
            | \bsys\s*\.\s*argv\b
            | \bos\s*\.\s*(?:environ|getenv|environb)\b
            | (?:^|[^.\w])getenv\s*\(
            | \brequest\s*\.\s*(?:args|form|GET|POST|json|values|data|cookies|COOKIES|headers
                |files|FILES|body|META|get_json|get_data|query_params|path_params|params
                |query_string|stream|view_args)\b
            | \.\s*recv(?:from)?\s*\(
            ",
        )
        .expect("taint source regex")
    })
}

/// Where a file is opened or read, in code with strings blanked: `open(` (and `io.open`,
/// `codecs.open`), whose mode is checked separately, and `.read_text(`/`.read_bytes(`.
fn file_sources() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            (?P<open>(?:^|[^.\w])open | \b(?:io|codecs)\s*\.\s*open)\s*\(
            | \.\s*read_(?:text|bytes)\s*\(
            ",
        )
        .expect("file source regex")
    })
}

/// Decorators that make a function's parameters request data (Flask, `FastAPI`, Starlette,
/// Django REST framework, aiohttp-style routers).
fn handler_decorator() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?m)^[ \t]*@[\w.]*\.(?:route|get|post|put|patch|delete|api_route|websocket)\s*\(|^[ \t]*@(?:api_view|require_http_methods|require_GET|require_POST|csrf_exempt)\b",
        )
        .expect("handler decorator regex")
    })
}

/// Words that are never variables worth following.
const KEYWORDS: &[&[u8]] = &[
    b"and", b"or", b"not", b"in", b"is", b"if", b"else", b"for", b"None", b"True", b"False",
    b"lambda", b"await", b"self", b"cls", b"request",
];

/// Where the data of the code in `expr` (a byte range of `src`, lexed as `lexed`) comes from,
/// following names back at most `hops` steps: the strongest source found.
#[must_use]
pub fn taint(src: &[u8], lexed: &Lexed, expr: Range<usize>, hops: u32) -> Taint {
    let code = code_only(src, lexed, expr.clone());
    if is_numeric_conversion(&code) {
        return Taint::Clean;
    }
    if sources().is_match(&code) {
        return Taint::Outside;
    }
    let mut found = if reads_file(src, lexed, expr.start, &code) {
        Taint::File
    } else {
        Taint::Clean
    };
    if hops == 0 {
        return found;
    }
    let mut i = 0;
    while i < code.len() {
        if !python::is_ident(code[i]) || (i > 0 && python::is_ident(code[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < code.len() && python::is_ident(code[i]) {
            i += 1;
        }
        let word = &code[start..i];
        if word[0].is_ascii_digit() || KEYWORDS.contains(&word) {
            continue;
        }
        let after_dot = code[..start]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'.');
        if after_dot {
            continue;
        }
        let next = code[i..].iter().find(|b| !b.is_ascii_whitespace());
        let at = expr.start + start;
        if next == Some(&b'(') {
            found = found.max(returns_taint(src, lexed, word, hops - 1));
            if found == Taint::Outside {
                return found;
            }
            continue;
        }
        let name = at..at + word.len();
        let all = python::bindings(src, lexed, name, expr.start);
        // A handler's parameters are strings from the URL; `page.title` is an attribute of an
        // object the handler was given, not one of them.
        let attribute = next == Some(&b'.')
            && code[i..]
                .iter()
                .skip_while(|b| b.is_ascii_whitespace() || **b == b'.')
                .skip_while(|b| python::is_ident(**b))
                .find(|b| !b.is_ascii_whitespace())
                != Some(&b'(');
        if all.is_empty() {
            if !attribute && is_handler_param(src, lexed, word, expr.start) {
                return Taint::Outside;
            }
        } else {
            for rhs in all {
                found = found.max(taint(src, lexed, rhs, hops - 1));
                if found == Taint::Outside {
                    return found;
                }
            }
        }
    }
    found
}

/// Whether `code` (the code of the expression starting at `start`) opens a file for reading
/// or reads one: an `open(` whose mode literal, if any, does not write (`w`, `a`, `x`), or a
/// `Path.read_text()`/`read_bytes()`.
fn reads_file(src: &[u8], lexed: &Lexed, start: usize, code: &[u8]) -> bool {
    file_sources().captures_iter(code).any(|caps| {
        if caps.name("open").is_none() {
            return true;
        }
        let Some(whole) = caps.get(0) else {
            return false;
        };
        // The call's arguments: up to the matching parenthesis (strings are blanked).
        let mut depth = 0i32;
        let mut end = code.len();
        for (i, &b) in code.iter().enumerate().skip(whole.end() - 1) {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        !string_literals(src, lexed, start + whole.end()..start + end).any(|lit| {
            !lit.is_empty()
                && lit.len() <= 4
                && lit.iter().all(|b| b"rwabxtU+".contains(b))
                && lit.iter().any(|b| b"wax".contains(b))
        })
    })
}

/// The bodies of the string literals in `range` (prefix and quotes stripped).
fn string_literals<'s>(
    src: &'s [u8],
    lexed: &'s Lexed,
    range: Range<usize>,
) -> impl Iterator<Item = &'s [u8]> + 's {
    let mut i = range.start;
    std::iter::from_fn(move || {
        while i < range.end && lexed.class(i) == Class::Code {
            i += 1;
        }
        if i >= range.end {
            return None;
        }
        let from = i;
        while i < range.end && lexed.class(i) != Class::Code {
            i += 1;
        }
        let lit = &src[from..i];
        let lit = lit.trim_ascii_start();
        let lit = &lit[lit.iter().take_while(|b| b.is_ascii_alphabetic()).count()..];
        let quotes = lit.iter().take_while(|b| matches!(b, b'"' | b'\'')).count();
        let body = &lit[quotes.min(lit.len())..];
        let body = &body[..body.len().saturating_sub(quotes)];
        Some(body)
    })
}

/// Whether the code in `expr` is built only from literals and constants: every name in it is
/// `ALL_CAPS` (a module constant by convention) or assigned such an expression earlier in the
/// same scope, and it calls nothing but methods (`'<b>{}</b>'.format('x')`). A pattern asks
/// for this with a capture group named `dynamic`: a constant there is no injection.
#[must_use]
pub fn constant(src: &[u8], lexed: &Lexed, expr: Range<usize>, hops: u32) -> bool {
    let code = code_only(src, lexed, expr.clone());
    let mut i = 0;
    while i < code.len() {
        if !python::is_ident(code[i]) || (i > 0 && python::is_ident(code[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < code.len() && python::is_ident(code[i]) {
            i += 1;
        }
        let word = &code[start..i];
        if word[0].is_ascii_digit() || matches!(word, b"None" | b"True" | b"False") {
            continue;
        }
        let after_dot = code[..start]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'.');
        if after_dot {
            continue;
        }
        // A string prefix (`f"..."`, `rb'...'`) is lexed as part of the literal already.
        let next = code[i..].iter().find(|b| !b.is_ascii_whitespace());
        if next == Some(&b'(') {
            return false;
        }
        if word
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        {
            continue;
        }
        if hops == 0 {
            return false;
        }
        let at = expr.start + start;
        // Every assignment in the scope must be constant: branches are not told apart, and a
        // parameter brings in whatever the caller passed.
        let all = python::assignments(src, lexed, at..at + word.len(), expr.start);
        let is_param = params(src, lexed, expr.start)
            .is_some_and(|(_, names)| names.iter().any(|n| n.as_slice() == word));
        if is_param
            || all.is_empty()
            || !all
                .into_iter()
                .all(|rhs| constant(src, lexed, rhs, hops - 1))
        {
            return false;
        }
    }
    true
}

/// The bytes of `range` with strings and comments blanked (f-string fields stay: they are
/// code).
fn code_only(src: &[u8], lexed: &Lexed, range: Range<usize>) -> Vec<u8> {
    range
        .map(|i| {
            if lexed.class(i) == Class::Code {
                src[i]
            } else {
                b' '
            }
        })
        .collect()
}

/// `int(...)` or `float(...)` around the whole expression: a number injects nothing.
fn is_numeric_conversion(code: &[u8]) -> bool {
    let t = code.trim_ascii();
    let Some(open) = t.iter().position(|&b| b == b'(') else {
        return false;
    };
    matches!(t[..open].trim_ascii(), b"int" | b"float") && t.ends_with(b")")
}

/// Whether `name` is a parameter of the function holding `at`, and that function handles web
/// requests.
fn is_handler_param(src: &[u8], lexed: &Lexed, name: &[u8], at: usize) -> bool {
    let Some((def_start, params)) = params(src, lexed, at) else {
        return false;
    };
    let params: Vec<&[u8]> = params.iter().map(Vec::as_slice).collect();
    if !params.contains(&name) {
        return false;
    }
    if params.first() == Some(&&b"request"[..]) {
        return true;
    }
    // The decorators: the logical lines right above the `def` that start with `@`.
    let starts = lexed.logical_starts();
    let mut k = starts
        .partition_point(|&s| s <= def_start)
        .saturating_sub(1);
    let mut from = def_start;
    while k > 0 {
        let (_, first) = python::indent(src, starts[k - 1]);
        if src.get(first) != Some(&b'@') {
            break;
        }
        k -= 1;
        from = starts[k];
    }
    handler_decorator().is_match(&src[from..def_start])
}

/// The start of the innermost `def` holding `at`, and its parameter names.
fn params(src: &[u8], lexed: &Lexed, at: usize) -> Option<(usize, Vec<Vec<u8>>)> {
    let (def_start, header) = enclosing_def(src, lexed, at)?;
    let text = &src[header];
    let open = text.iter().position(|&b| b == b'(')?;
    let names = text[open + 1..]
        .split(|&b| b == b',' || b == b')')
        .map(|p| {
            let p = p.trim_ascii();
            let p = p.strip_prefix(b"*").unwrap_or(p);
            let p = p.strip_prefix(b"*").unwrap_or(p);
            let end = p
                .iter()
                .position(|&b| !python::is_ident(b))
                .unwrap_or(p.len());
            p[..end].to_vec()
        })
        .filter(|p| !p.is_empty())
        .collect();
    Some((def_start, names))
}

/// The start of the innermost `def` line holding `at`, and its header (up to the `:`).
fn enclosing_def(src: &[u8], lexed: &Lexed, at: usize) -> Option<(usize, Range<usize>)> {
    let starts = lexed.logical_starts();
    let here = starts.partition_point(|&s| s <= at).saturating_sub(1);
    let (mut min_indent, _) = python::indent(src, starts[here]);
    let floor = here.saturating_sub(2000);
    for k in (floor..here).rev() {
        let (ind, first) = python::indent(src, starts[k]);
        if python::is_blank(src, first) || ind >= min_indent {
            continue;
        }
        min_indent = ind;
        let rest = &src[first..];
        if rest.starts_with(b"def ") || rest.starts_with(b"async def ") {
            let end = starts.get(k + 1).copied().unwrap_or(src.len());
            return Some((starts[k], first..end));
        }
        if rest.starts_with(b"class ") {
            return None;
        }
    }
    None
}

/// Where the data a function `name` defined in this module returns comes from (the strongest
/// of its `return` statements).
fn returns_taint(src: &[u8], lexed: &Lexed, name: &[u8], hops: u32) -> Taint {
    let mut found = Taint::Clean;
    if hops == 0 || name.len() < 2 {
        return found;
    }
    let starts = lexed.logical_starts();
    let mut needle = b"def ".to_vec();
    needle.extend_from_slice(name);
    for pos in memchr::memmem::find_iter(src, &needle) {
        let open = pos + needle.len();
        if src.get(open).is_none_or(|&b| b != b'(') || lexed.class(pos) != Class::Code {
            continue;
        }
        let k = starts.partition_point(|&s| s <= pos).saturating_sub(1);
        let (def_indent, _) = python::indent(src, starts[k]);
        for line in starts.iter().skip(k + 1).take(400).enumerate() {
            let (j, &ls) = line;
            let (ind, first) = python::indent(src, ls);
            if python::is_blank(src, first) {
                continue;
            }
            if ind <= def_indent {
                break;
            }
            let rest = &src[first..];
            if rest.starts_with(b"return ") {
                let end = starts.get(k + 2 + j).copied().unwrap_or(src.len());
                found = found.max(taint(src, lexed, first + 7..end, hops));
                if found == Taint::Outside {
                    return found;
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the argument of the last `sink(` in `src` comes from.
    fn sink_taint(src: &str) -> Taint {
        let at = src.rfind("sink(").unwrap() + 5;
        let end = at + src[at..].find(")\n").unwrap();
        let lexed = python::lex(src.as_bytes());
        taint(src.as_bytes(), &lexed, at..end, MAX_HOPS)
    }

    /// Whether the argument of the last `sink(` in `src` carries outside data.
    fn sink_tainted(src: &str) -> bool {
        sink_taint(src) == Taint::Outside
    }

    #[test]
    fn direct_sources_are_tainted() {
        assert!(sink_tainted("sink(input())\n"));
        assert!(sink_tainted("sink(f\"ls {sys.argv[1]}\")\n"));
        assert!(sink_tainted("sink(request.args.get('q'))\n"));
        assert!(sink_tainted("sink(os.environ['CMD'])\n"));
        assert!(sink_tainted("sink(conn.recv(1024))\n"));
    }

    #[test]
    fn flow_through_assignments_formatting_and_joins() {
        let src = "def f():\n    q = request.form['q']\n    s = 'SELECT * FROM t WHERE a = %s' % q\n    t = ' '.join([s, 'x'])\n    sink(t)\n";
        assert!(sink_tainted(src));
        let src = "name = input()\ncmd = 'ls ' + name\nsink(cmd)\n";
        assert!(sink_tainted(src));
    }

    #[test]
    fn constants_and_literals_are_not_tainted() {
        assert!(!sink_tainted(
            "TABLE = 'users'\nsink(f'SELECT count(*) FROM {TABLE}')\n"
        ));
        assert!(!sink_tainted("sink('input()')\n"));
        assert!(!sink_tainted("sink(pickle.dumps(obj))\n"));
        assert!(!sink_tainted("x = int(input())\nsink(x)\n"));
        // A string that merely mentions a source is not one.
        assert!(!sink_tainted("x = 'request.args'\nsink(x)\n"));
    }

    fn sink_constant(src: &str) -> bool {
        let at = src.rfind("sink(").unwrap() + 5;
        let end = at + src[at..].find(")\n").unwrap();
        let lexed = python::lex(src.as_bytes());
        constant(src.as_bytes(), &lexed, at..end, MAX_HOPS)
    }

    #[test]
    fn constants_are_literals_caps_names_and_their_assignments() {
        assert!(sink_constant("sink(f'SELECT count(*) FROM {TABLE}')\n"));
        assert!(sink_constant("s = 'Hello'\nsink('<b>{}</b>'.format(s))\n"));
        assert!(sink_constant("sink('<b>%s</b>' % 'x')\n"));
        assert!(!sink_constant(
            "sink(f'SELECT * FROM t WHERE a = {name}')\n"
        ));
        assert!(!sink_constant("s = get()\nsink(s)\n"));
        assert!(!sink_constant("sink(build())\n"));
        // One branch assigns a call: not constant.
        assert!(!sink_constant(
            "if a:\n    s = f(x)\nelse:\n    s = 'ok'\nsink(s)\n"
        ));
        assert!(!sink_constant("s = ''\ns += f(x)\nsink(s)\n"));
        // A parameter reassigned a literal on one path still brings the caller's value.
        assert!(!sink_constant(
            "def f(s=None):\n    if not s:\n        s = 'x'\n    sink(s)\n"
        ));
    }

    #[test]
    fn web_handler_parameters_are_tainted() {
        let src = "@app.route('/r/<name>')\ndef view(name):\n    sink(name)\n";
        assert!(sink_tainted(src));
        let src = "def view(request, slug):\n    sink(slug)\n";
        assert!(sink_tainted(src));
        // An attribute of a parameter is an object's field, not a URL string.
        let src = "def render(request, page):\n    sink(page.title)\n";
        assert!(!sink_tainted(src));
        let src = "def helper(name):\n    sink(name)\n";
        assert!(!sink_tainted(src));
    }

    #[test]
    fn file_reads_are_a_weaker_source() {
        for src in [
            "sink(open(path).read())\n",
            "sink(open(path, 'rb'))\n",
            "data = open(p).readlines()\nsink(data)\n",
            "with open(p) as f:\n    data = f.read()\n    sink(data)\n",
            "with open(p, 'rb') as f:\n    sink(f)\n",
            "f = open(p)\nfor line in f:\n    sink(line)\n",
            "with open(p) as f:\n    for i, row in enumerate(csv.reader(f)):\n        sink(row)\n",
            "cfg = json.load(open(p))\nsink(cfg)\n",
            "with io.open(p, encoding='utf-8') as fh:\n    sink(json.load(fh))\n",
            "sink(Path(p).read_text())\n",
            "sink(pathlib.Path(p).read_bytes())\n",
            "def load():\n    with open(p) as f:\n        return f.read()\n\nsink(load())\n",
        ] {
            assert_eq!(sink_taint(src), Taint::File, "{src}");
        }
        for src in [
            // A file opened for writing is not read.
            "sink(open(path, 'w'))\n",
            "with open(log, mode='a') as f:\n    sink(f)\n",
            "sink(text)\n",
            "sink('open(p).read()')\n",
            // Another object's `open` is not a file.
            "sink(webbrowser.open(url))\n",
        ] {
            assert_eq!(sink_taint(src), Taint::Clean, "{src}");
        }
        // Outside data is the stronger taint.
        let src = "with open(p) as f:\n    sink(f.read() + input())\n";
        assert_eq!(sink_taint(src), Taint::Outside);
        let src = "for arg in sys.argv[1:]:\n    sink(arg)\n";
        assert_eq!(sink_taint(src), Taint::Outside);
    }

    #[test]
    fn returns_of_module_functions_are_followed() {
        let src = "def read_cmd():\n    return input('> ')\n\nsink(read_cmd())\n";
        assert!(sink_tainted(src));
        let src = "def cmd():\n    return 'ls'\n\nsink(cmd())\n";
        assert!(!sink_tainted(src));
    }
}
