//! The rules every page of the book keeps, as plain functions so that the
//! workspace tests can run them on the real book and on pages made to break them.
//!
//! - A Rust block may not be `ignore`d: a reader must be able to trust that every
//!   listing was compiled. `no_run`, `compile_fail` and `should_panic` blocks are
//!   allowed only when listed, with a reason, in `tests/doctest-allowlist.txt`.
//! - A fence must name its language: rustdoc runs a bare fence as Rust.
//! - Every anchor in the chapter code is shown somewhere, every page is in
//!   `SUMMARY.md`, and every image a page shows exists.
//! - Measured numbers are included from the results file the chapter's command
//!   wrote, never typed: a typed copy goes stale the day the code changes. See
//!   [`typed_measurements`] for what counts as measured.

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

/// A line of a page that types a measured number instead of including it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedMeasurement {
    /// 1-based line in the page's own source.
    pub line: usize,
    pub text: String,
}

/// Lines of a page's own source (includes are not expanded: what they bring
/// comes from a file a program wrote) that type a measured number.
///
/// Where: a Markdown table row, or a line of a ```` ```text ```` /
/// ```` ```console ```` block, the places where a run's output gets pasted.
/// Prose may still quote a number while discussing it.
///
/// What is measured: a number with three decimals or more (`0.1175`), or a
/// duration (`12.3 s`, `450 ms`, `2 min`). Losses, errors and timings print
/// that way; the numbers people type by hand rarely do.
///
/// What is not: anything inside an inline code span (settings such as
/// `betas: [0.9, 0.999]` are code) or a link's target, a cell whose column header says
/// `published` or `quoted` (numbers of other writers, printed beside ours with
/// their source), and a line holding an `{{#include ...}}`. Numbers with at most
/// two decimals pass, so published figures such as "about 0.11" need no mark.
pub fn typed_measurements(markdown: &str) -> Vec<TypedMeasurement> {
    let mut found = Vec::new();
    let mut fence: Option<(String, String)> = None; // (marker, language)
    let mut header: Option<Vec<String>> = None;
    for (index, raw) in markdown.lines().enumerate() {
        // Tables and blocks inside a quotation count as well.
        let line = raw.trim_start().trim_start_matches(['>', ' ']);
        let marker: String = line.chars().take_while(|&c| c == '`' || c == '~').collect();
        if marker.len() >= 3 {
            match &fence {
                None => {
                    let language = attributes(&line[marker.len()..])
                        .first()
                        .copied()
                        .unwrap_or("")
                        .to_string();
                    fence = Some((marker, language));
                    header = None;
                    continue;
                }
                Some((opening, _))
                    if marker.len() >= opening.len()
                        && marker.starts_with(&opening[..1])
                        && line[marker.len()..].trim().is_empty() =>
                {
                    fence = None;
                    continue;
                }
                Some(_) => {}
            }
        }
        if line.contains("{{#include") {
            continue;
        }
        let measured = match &fence {
            Some((_, language)) => {
                matches!(language.as_str(), "text" | "console") && has_measured_number(line)
            }
            None if line.starts_with('|') => {
                let cells = table_cells(line);
                let is_rule = cells
                    .iter()
                    .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
                match &header {
                    None => {
                        header = Some(cells.iter().map(|c| c.to_lowercase()).collect());
                        false
                    }
                    Some(_) if is_rule => false,
                    Some(names) => cells.iter().enumerate().any(|(column, cell)| {
                        let quoted = names
                            .get(column)
                            .is_some_and(|n| n.contains("published") || n.contains("quoted"));
                        !quoted && has_measured_number(cell)
                    }),
                }
            }
            None => {
                header = None;
                false
            }
        };
        if measured {
            found.push(TypedMeasurement {
                line: index + 1,
                text: raw.to_string(),
            });
        }
    }
    found
}

/// The cells of a Markdown table row, trimmed.
fn table_cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// Whether `text`, outside its inline code spans, holds a number with three
/// or more decimals or a duration.
pub fn has_measured_number(text: &str) -> bool {
    let mut prose: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    // A link's target is an address, whatever digits its file name holds.
    while let Some(start) = prose.find("](") {
        let end = prose[start..]
            .find(')')
            .map_or(prose.len(), |e| start + e + 1);
        prose.replace_range(start..end, "]");
    }
    let chars: Vec<char> = prose.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_number =
            chars[i].is_ascii_digit() && (i == 0 || !is_word_or_point(chars[i - 1]));
        if !starts_number {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len() && chars[end].is_ascii_digit() {
            end += 1;
        }
        let mut decimals = 0;
        if end + 1 < chars.len() && chars[end] == '.' && chars[end + 1].is_ascii_digit() {
            end += 1;
            while end < chars.len() && chars[end].is_ascii_digit() {
                end += 1;
                decimals += 1;
            }
        }
        let next_is_letter = chars.get(end).is_some_and(|c| c.is_alphanumeric());
        if decimals >= 3 && !next_is_letter {
            return true;
        }
        let unit_start = if chars.get(end) == Some(&' ') {
            end + 1
        } else {
            end
        };
        let unit: String = chars[unit_start.min(chars.len())..]
            .iter()
            .take_while(|c| c.is_alphabetic())
            .collect();
        // `3s` in `#chapter-3s-weights` is a name, not a duration.
        let after_unit = chars.get(unit_start + unit.chars().count());
        let unit_ends = after_unit.is_none_or(|c| !c.is_alphanumeric() && *c != '-');
        if unit_ends
            && matches!(
                unit.as_str(),
                "s" | "ms" | "µs" | "ns" | "min" | "seconds" | "minutes"
            )
        {
            return true;
        }
        i = end.max(i + 1);
    }
    false
}

fn is_word_or_point(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '_'
}
