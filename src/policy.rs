//! The rules every page of the book keeps, as plain functions so that the
//! workspace tests can run them on the real book and on pages made to break them.
//!
//! - A Rust block may not be `ignore`d: a reader must be able to trust that every
//!   listing was compiled. `no_run`, `compile_fail` and `should_panic` blocks are
//!   allowed only when listed, with a reason, in `tests/doctest-allowlist.txt`.
//! - A fence must name its language: rustdoc runs a bare fence as Rust.
//! - Every anchor in the chapter code is shown somewhere, every page is in
//!   `SUMMARY.md`, and every image a page shows exists.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// A fenced code block in a Markdown page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fence {
    /// The info string after the opening backticks, e.g. `rust,no_run`.
    pub info: String,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The first non-empty line inside the block (usually an include directive),
    /// which names the block in the allow-list.
    pub first_line: String,
}

/// Finds the fenced code blocks (``` or ~~~) of a Markdown text.
pub fn fences(markdown: &str) -> Vec<Fence> {
    let mut found = Vec::new();
    let mut open: Option<(String, Fence)> = None;
    for (index, raw) in markdown.lines().enumerate() {
        let line = raw.trim_start();
        let marker: String = line.chars().take_while(|&c| c == '`' || c == '~').collect();
        match &mut open {
            None if marker.len() >= 3
                && marker.chars().all(|c| c == marker.as_bytes()[0] as char) =>
            {
                let fence = Fence {
                    info: line[marker.len()..].trim().to_string(),
                    line: index + 1,
                    first_line: String::new(),
                };
                open = Some((marker, fence));
            }
            None => {}
            Some((opening, fence)) => {
                let closes = marker.len() >= opening.len()
                    && marker.starts_with(&opening[..1])
                    && line[marker.len()..].trim().is_empty();
                if closes {
                    found.push(fence.clone());
                    open = None;
                } else if fence.first_line.is_empty() && !line.is_empty() {
                    fence.first_line = line.to_string();
                }
            }
        }
    }
    found
}

/// The attributes of a fence's info string (`rust,no_run` -> `["rust", "no_run"]`).
fn attributes(info: &str) -> Vec<&str> {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|a| !a.is_empty())
        .collect()
}

/// Attributes that make rustdoc skip running a block; each needs a reviewed reason.
pub const REVIEWED_ATTRIBUTES: [&str; 3] = ["no_run", "compile_fail", "should_panic"];

/// One reviewed exception: a page's block that may be `no_run`, `compile_fail` or
/// `should_panic`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Allowed {
    pub page: String,
    pub attribute: String,
    pub first_line: String,
}

/// Reads the allow-list: tab-separated `page`, `attribute`, `first line of the
/// block`, `reason`; `#` starts a comment line.
pub fn parse_allowlist(text: &str) -> Result<Vec<Allowed>, String> {
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            [page, attribute, first_line, reason] if !reason.trim().is_empty() => {
                entries.push(Allowed {
                    page: page.to_string(),
                    attribute: attribute.to_string(),
                    first_line: first_line.to_string(),
                })
            }
            _ => {
                return Err(format!(
                    "allow-list line {}: expected page<TAB>attribute<TAB>first line<TAB>reason",
                    index + 1
                ));
            }
        }
    }
    Ok(entries)
}

/// What is wrong with a fence of `page`, if anything.
pub fn fence_problem(page: &str, fence: &Fence, allowed: &[Allowed]) -> Option<String> {
    let attrs = attributes(&fence.info);
    let at = format!("{page}:{}", fence.line);
    if attrs.is_empty() {
        return Some(format!(
            "{at}: fence without a language; rustdoc would run it as Rust (write ```text, ```console or ```rust)"
        ));
    }
    if attrs.contains(&"ignore") {
        return Some(format!(
            "{at}: `ignore` fence; every Rust block must compile (use no_run for long training, with a reason in the allow-list)"
        ));
    }
    for attribute in attrs.iter().filter(|a| REVIEWED_ATTRIBUTES.contains(a)) {
        let listed = allowed.iter().any(|a| {
            a.page == page && a.attribute == *attribute && a.first_line == fence.first_line
        });
        if !listed {
            return Some(format!(
                "{at}: `{attribute}` block not in tests/doctest-allowlist.txt (first line: {})",
                fence.first_line
            ));
        }
    }
    None
}

/// Allow-list entries that match no block of the book: stale exceptions.
pub fn unused_allowances(allowed: &[Allowed], pages: &[(String, Vec<Fence>)]) -> Vec<Allowed> {
    allowed
        .iter()
        .filter(|a| {
            !pages.iter().any(|(page, fences)| {
                page == &a.page
                    && fences.iter().any(|f| {
                        f.first_line == a.first_line
                            && attributes(&f.info).contains(&a.attribute.as_str())
                    })
            })
        })
        .cloned()
        .collect()
}

/// The targets of Markdown links and images (`[text](target)`), without `#fragment`.
pub fn link_targets(markdown: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = markdown;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        if let Some(end) = rest.find(')') {
            let target = rest[..end].split_whitespace().next().unwrap_or("");
            targets.push(target.to_string());
            rest = &rest[end..];
        }
    }
    for html in markdown.split("src=\"").skip(1) {
        if let Some(end) = html.find('"') {
            targets.push(html[..end].to_string());
        }
    }
    targets
}

/// Whether a link target points outside the book (and is not ours to check).
pub fn is_external(target: &str) -> bool {
    target.contains("://") || target.starts_with("mailto:")
}

/// Local files a page links to or shows that do not exist.
pub fn missing_local_targets(page: &Path, markdown: &str) -> Vec<String> {
    let dir = page.parent().unwrap_or(Path::new("."));
    link_targets(markdown)
        .into_iter()
        .filter(|t| !is_external(t) && !t.starts_with('#') && !t.is_empty())
        .filter(|t| {
            let file = t.split('#').next().unwrap_or(t);
            !dir.join(file).exists()
        })
        .collect()
}

/// Every `(file, anchor)` declared with `ANCHOR:` in the Rust files under `dir`.
pub fn declared_anchors(dir: &Path) -> BTreeSet<(PathBuf, String)> {
    let mut found = BTreeSet::new();
    for file in crate::expand::files_with_extension(dir, "rs") {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines() {
            if let Some(name) = crate::expand::anchor_start(line) {
                let file = file.canonicalize().unwrap_or(file.clone());
                found.insert((file, name.to_string()));
            }
        }
    }
    found
}
