//! The rules of the book, checked on every page (see `src/policy.rs`), and
//! checked to fail on pages made to break them.

use autoencoders_in_rust::expand::{self, expand_page};
use autoencoders_in_rust::policy::{self, Fence};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn book_src() -> PathBuf {
    root().join("book/src")
}

fn page_name(page: &Path) -> String {
    page.strip_prefix(book_src())
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn allowlist() -> Vec<policy::Allowed> {
    let text = fs::read_to_string(root().join("tests/doctest-allowlist.txt")).unwrap();
    policy::parse_allowlist(&text).unwrap()
}

fn pages_and_fences() -> Vec<(String, Vec<Fence>)> {
    expand::files_with_extension(&book_src(), "md")
        .iter()
        .map(|p| {
            (
                page_name(p),
                policy::fences(&fs::read_to_string(p).unwrap()),
            )
        })
        .collect()
}

#[test]
fn every_fence_names_its_language_and_exceptions_are_reviewed() {
    let allowed = allowlist();
    let pages = pages_and_fences();
    let problems: Vec<String> = pages
        .iter()
        .flat_map(|(page, fences)| {
            fences
                .iter()
                .filter_map(|f| policy::fence_problem(page, f, &allowed))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let stale = policy::unused_allowances(&allowed, &pages);
    assert!(
        stale.is_empty(),
        "allow-list entries matching no block: {stale:?}"
    );
}

#[test]
fn the_rules_reject_ignore_unlisted_no_run_and_bare_fences() {
    let page = "```rust,ignore\nlet x = 1;\n```\n```rust,no_run\ntrain();\n```\n```\nbare\n```\n```text\nfine\n```\n";
    let fences = policy::fences(page);
    assert_eq!(fences.len(), 4);
    let problems: Vec<_> = fences
        .iter()
        .map(|f| policy::fence_problem("p.md", f, &[]))
        .collect();
    assert!(problems[0].as_deref().unwrap().contains("`ignore`"));
    assert!(
        problems[1]
            .as_deref()
            .unwrap()
            .contains("`no_run` block not in")
    );
    assert!(
        problems[2]
            .as_deref()
            .unwrap()
            .contains("without a language")
    );
    assert_eq!(problems[3], None);

    let allowed = policy::parse_allowlist("p.md\tno_run\ttrain();\ttrains for minutes\n").unwrap();
    assert_eq!(policy::fence_problem("p.md", &fences[1], &allowed), None);
    assert!(policy::fence_problem("other.md", &fences[1], &allowed).is_some());
    assert!(
        policy::parse_allowlist("p.md\tno_run\ttrain();\n").is_err(),
        "a reason is required"
    );
}

#[test]
fn every_anchor_in_the_chapter_code_is_shown_in_the_book() {
    let mut used = BTreeSet::new();
    for page in expand::files_with_extension(&book_src(), "md") {
        let expanded = expand_page(&page).unwrap();
        for d in expanded.directives {
            if let Some(anchor) = d.anchor {
                used.insert((d.path.canonicalize().unwrap(), anchor));
            }
        }
    }
    let declared = policy::declared_anchors(&root().join("chapters-code"));
    let unused: Vec<_> = declared.difference(&used).collect();
    assert!(unused.is_empty(), "anchors no page includes: {unused:#?}");
}

#[test]
fn a_missing_anchor_or_file_is_an_error() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("missing-anchor");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("code.rs"),
        "// ANCHOR: here\nfn f() {}\n// ANCHOR_END: here\n",
    )
    .unwrap();
    let page = dir.join("page.md");
    fs::write(&page, "```rust\n{{#include code.rs:elsewhere}}\n```\n").unwrap();
    assert!(
        expand_page(&page)
            .unwrap_err()
            .contains("anchor `elsewhere` not found")
    );
    fs::write(&page, "```rust\n{{#include nothere.rs}}\n```\n").unwrap();
    assert!(expand_page(&page).unwrap_err().contains("nothere.rs"));
    fs::write(&page, "```rust\n{{#rustdoc_include code.rs:here}}\n```\n").unwrap();
    assert_eq!(
        expand_page(&page).unwrap().text,
        "```rust\nfn f() {}\n```\n"
    );
}

#[test]
fn every_page_is_in_the_summary() {
    let summary = fs::read_to_string(book_src().join("SUMMARY.md")).unwrap();
    let linked: BTreeSet<String> = policy::link_targets(&summary).into_iter().collect();
    let missing: Vec<String> = expand::files_with_extension(&book_src(), "md")
        .iter()
        .map(|p| page_name(p))
        .filter(|name| name != "SUMMARY.md" && !linked.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "pages missing from SUMMARY.md: {missing:?}"
    );
}

#[test]
fn every_image_and_local_link_of_every_page_exists() {
    let mut missing = Vec::new();
    for page in expand::files_with_extension(&book_src(), "md") {
        let text = fs::read_to_string(&page).unwrap();
        for target in policy::missing_local_targets(&page, &text) {
            missing.push(format!("{}: {target}", page_name(&page)));
        }
    }
    assert!(missing.is_empty(), "missing files: {missing:#?}");
    let page = Path::new(env!("CARGO_TARGET_TMPDIR")).join("page.md");
    let broken = policy::missing_local_targets(&page, "![a digit](figures/none.png)");
    assert_eq!(broken, ["figures/none.png"]);
}

/// Pages of chapters written elsewhere in the book whose typed numbers are
/// accepted for now, each with its reason. An entry that no longer matches a
/// typed measurement fails the test, so the list only shrinks.
const TYPED_MEASUREMENTS_ALLOWED: [(&str, &str); 2] = [
    (
        "ch06-01-kl-divergence.md",
        "Table 6-2 holds values of the KL formula, checked by the doctest above it, not a run's output",
    ),
    (
        "ch12-00-making-it-fast.md",
        "the earlier timing tables (the EPYC's, and the Xeon's before the workers stayed awake) and criterion's timings, which no command writes to a results file; the current comparison is included from one",
    ),
];

#[test]
fn measured_numbers_are_included_from_results_files_not_typed() {
    let mut problems = Vec::new();
    let mut stale = Vec::new();
    for page in expand::files_with_extension(&book_src(), "md") {
        let name = page_name(&page);
        let typed = policy::typed_measurements(&fs::read_to_string(&page).unwrap());
        let allowed = TYPED_MEASUREMENTS_ALLOWED.iter().any(|(p, _)| *p == name);
        if allowed && typed.is_empty() {
            stale.push(name.clone());
        }
        if !allowed {
            problems.extend(
                typed
                    .iter()
                    .map(|t| format!("{name}:{}: {}", t.line, t.text.trim())),
            );
        }
    }
    assert!(
        problems.is_empty(),
        "measured numbers typed into pages; have the chapter's command write them to a \
         results file and {{{{#include}}}} it:\n{}",
        problems.join("\n")
    );
    assert!(
        stale.is_empty(),
        "allowances with nothing to allow: {stale:?}"
    );
}

#[test]
fn the_measurement_rule_catches_typed_results_and_lets_quotes_and_code_pass() {
    let page = "\
| model | loss | published loss |
| --- | ---: | ---: |
| ours | 0.1175 | 0.0935 |
| theirs | about 0.11 | 0.0935 |
| settings | `betas: [0.9, 0.999]` | — |
| timing | 12.3 s | — |

```text
loss 0.4275 -> 0.3785
epochs 50, batch 256
```

```text
{{#include figures/ch01/results.txt}}
```

```rust
assert!((0.1234_f32 - 0.1234).abs() < 1e-6);
```

The loss fell to 0.1175 in prose.
";
    let lines: Vec<usize> = policy::typed_measurements(page)
        .iter()
        .map(|t| t.line)
        .collect();
    assert_eq!(lines, [3, 6, 9]);
    assert!(policy::has_measured_number("took 450 ms"));
    assert!(policy::has_measured_number("+10.917%"));
    assert!(!policy::has_measured_number(
        "test[:8000] -> 0.11, 784-32-784"
    ));
    assert!(!policy::has_measured_number("3.2 × 10⁻⁴, 1e-3"));
    assert!(!policy::has_measured_number(
        "[ch. 4](ch04.md#chapter-3s-weights)"
    ));
}
