//! Expands mdBook's `{{#include}}` and `{{#rustdoc_include}}` directives.
//!
//! `mdbook test` cannot link crates.io dependencies such as dfdx, so the book's
//! pages are turned into doctests instead: `build.rs` expands every page with
//! this module and `lib.rs` hands the result to rustdoc. The expansion follows
//! mdBook's own rules line for line (a workspace test compares the two), so a
//! doctest sees exactly the code a reader sees.
//!
//! Unlike mdBook, which quietly renders an empty block, a missing file or
//! anchor is an error here: a listing that vanished from the page is a bug.

use std::fs;
use std::path::{Path, PathBuf};

/// One `{{#...}}` directive found in a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The file named by the directive, joined onto the including file's folder.
    pub path: PathBuf,
    /// `Some(name)` for `file:name`, `None` for a whole file or a line range.
    pub anchor: Option<String>,
}

/// A page with its directives replaced.
#[derive(Debug)]
pub struct Expanded {
    pub text: String,
    /// Every directive the page used, in order, nested includes too.
    pub directives: Vec<Directive>,
}

/// Expands all directives of the Markdown page at `page`.
pub fn expand_page(page: &Path) -> Result<Expanded, String> {
    let text = read(page)?;
    let mut directives = Vec::new();
    let dir = page.parent().unwrap_or(Path::new("."));
    let text = expand_text(&text, dir, &mut directives, 0)?;
    Ok(Expanded { text, directives })
}

const MAX_DEPTH: usize = 10;

fn expand_text(
    text: &str,
    dir: &Path,
    found: &mut Vec<Directive>,
    depth: usize,
) -> Result<String, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "includes nested deeper than {MAX_DEPTH} in {}",
            dir.display()
        ));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let inner = rest[start + 2..start + len].trim_start();
        let Some(inner) = inner.strip_prefix('#') else {
            // Plain braces, not a directive: keep them and look further on.
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        };
        // `\{{#include ...}}` is mdBook's escape: the backslash goes, the text stays.
        if rest[..start].ends_with('\\') {
            out.push_str(&rest[..start - 1]);
            out.push_str(&rest[start..start + len + 2]);
            rest = &rest[start + len + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        rest = &rest[start + len + 2..];
        let (kind, arg) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        let rustdoc = match kind {
            "include" => false,
            "rustdoc_include" => true,
            other => {
                return Err(format!(
                    "unsupported directive {{{{#{other}}}}} in {}",
                    dir.display()
                ));
            }
        };
        let target = arg.split_whitespace().next().unwrap_or("");
        let (file, selector) = target
            .split_once(':')
            .map_or((target, None), |(f, s)| (f, Some(s)));
        let path = dir.join(file);
        let source = read(&path)?;
        let (body, anchor) = match Selection::parse(selector) {
            Selection::Anchor(name) => (anchored(&source, &name, rustdoc, &path)?, Some(name)),
            Selection::Lines(from, to) if rustdoc => (rustdoc_lines(&source, from, to), None),
            Selection::Lines(from, to) => (lines(&source, from, to), None),
        };
        found.push(Directive {
            path: path.clone(),
            anchor,
        });
        let nested_dir = path.parent().unwrap_or(Path::new("."));
        out.push_str(&expand_text(&body, nested_dir, found, depth + 1)?);
    }
    out.push_str(rest);
    Ok(out)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// What part of a file a directive takes.
enum Selection {
    Anchor(String),
    /// Zero-based, end exclusive; `None` is open.
    Lines(Option<usize>, Option<usize>),
}

impl Selection {
    /// mdBook's rules: `file`, `file:anchor`, `file:5` (one line), `file:5:` (from 5),
    /// `file::9` (up to 9), `file:5:9`; line numbers count from 1.
    fn parse(selector: Option<&str>) -> Self {
        let mut parts = selector.unwrap_or("").splitn(3, ':');
        let first = parts.next();
        let start = match first {
            Some(s) if s.parse::<usize>().is_ok() => {
                s.parse::<usize>().ok().map(|n| n.saturating_sub(1))
            }
            Some("") | None => None,
            Some(name) => return Selection::Anchor(name.to_string()),
        };
        let end = parts.next().map(str::parse::<usize>);
        match (start, end) {
            (Some(s), Some(Ok(e))) => Selection::Lines(Some(s), Some(e)),
            (Some(s), Some(Err(_))) => Selection::Lines(Some(s), None),
            (Some(s), None) => Selection::Lines(Some(s), Some(s + 1)),
            (None, Some(Ok(e))) => Selection::Lines(None, Some(e)),
            (None, _) => Selection::Lines(None, None),
        }
    }
}

/// The name after `ANCHOR:` on this line, if it is a start marker.
pub fn anchor_start(line: &str) -> Option<&str> {
    marker(line, "ANCHOR:")
}

/// The name after `ANCHOR_END:` on this line, if it is an end marker.
pub fn anchor_end(line: &str) -> Option<&str> {
    marker(line, "ANCHOR_END:")
}

fn marker<'a>(line: &'a str, tag: &str) -> Option<&'a str> {
    let mut search = line;
    while let Some(at) = search.find(tag) {
        let after = search[at + tag.len()..].trim_start();
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        if name_len > 0 {
            return Some(&after[..name_len]);
        }
        search = &search[at + tag.len()..];
    }
    None
}

/// mdBook's anchor rules: marker lines never show; `include` stops at the first
/// end marker, `rustdoc_include` hides everything outside the section behind `# `
/// (so the block still compiles) and re-enters the section if it starts again.
fn anchored(source: &str, anchor: &str, rustdoc: bool, path: &Path) -> Result<String, String> {
    if !source.lines().any(|l| anchor_start(l) == Some(anchor)) {
        return Err(format!("anchor `{anchor}` not found in {}", path.display()));
    }
    let mut kept: Vec<String> = Vec::new();
    let mut inside = false;
    for line in source.lines() {
        let (start, end) = (anchor_start(line), anchor_end(line));
        if inside {
            if end == Some(anchor) {
                if !rustdoc {
                    break;
                }
                inside = false;
            } else if start.is_none() && end.is_none() {
                kept.push(line.to_string());
            }
        } else if start == Some(anchor) {
            inside = true;
        } else if rustdoc && start.is_none() && end.is_none() {
            kept.push(format!("# {line}"));
        }
    }
    Ok(kept.join("\n"))
}

fn lines(source: &str, from: Option<usize>, to: Option<usize>) -> String {
    let from = from.unwrap_or(0);
    let taken = source.lines().skip(from);
    match to {
        Some(to) => taken
            .take(to.saturating_sub(from))
            .collect::<Vec<_>>()
            .join("\n"),
        None => taken.collect::<Vec<_>>().join("\n"),
    }
}

fn rustdoc_lines(source: &str, from: Option<usize>, to: Option<usize>) -> String {
    let inside = |i: usize| from.is_none_or(|f| i >= f) && to.is_none_or(|t| i < t);
    source
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if inside(i) {
                l.to_string()
            } else {
                format!("# {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every file under `dir` (recursively) whose extension is `extension`, sorted.
pub fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
