//! Builds the book with mdBook itself and checks what a reader would click on,
//! and that the doctests see the same listings as the reader does.

use autoencoders_in_rust::expand::{expand_page, files_with_extension};
use autoencoders_in_rust::policy::is_external;
use mdbook_driver::MDBook;
use mdbook_driver::book::BookItem;
use mdbook_driver::builtin_renderers::MarkdownRenderer;
use std::fs;
use std::path::{Path, PathBuf};

fn book_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("book")
}

#[test]
fn doctests_see_every_page_exactly_as_mdbook_renders_it() {
    let book = MDBook::load(book_dir()).unwrap();
    let (processed, _) = book.preprocess_book(&MarkdownRenderer::new()).unwrap();
    let mut compared = 0;
    for item in processed.iter() {
        let BookItem::Chapter(chapter) = item else {
            continue;
        };
        let Some(path) = &chapter.path else { continue };
        let ours = expand_page(&book_dir().join("src").join(path)).unwrap();
        assert_eq!(
            ours.text,
            chapter.content,
            "expansion of {} differs from mdBook's",
            path.display()
        );
        compared += 1;
    }
    let pages = files_with_extension(&book_dir().join("src"), "md").len();
    assert_eq!(
        compared,
        pages - 1,
        "every page but SUMMARY.md is a chapter"
    );
}

/// Values of `attribute="..."` in an HTML text.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!("{attribute}=\"");
    html.split(needle.as_str())
        .skip(1)
        .filter_map(|rest| rest.find('"').map(|end| &rest[..end]))
        .collect()
}

fn broken_links(site: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for page in files_with_extension(site, "html") {
        let html = fs::read_to_string(&page).unwrap();
        let dir = page.parent().unwrap();
        let links = attribute_values(&html, "href")
            .into_iter()
            .chain(attribute_values(&html, "src"));
        for link in links {
            if is_external(link) || link.starts_with("javascript:") || link.starts_with("data:") {
                continue;
            }
            let (file, fragment) = link.split_once('#').unwrap_or((link, ""));
            let file = file.split('?').next().unwrap_or(file);
            let target = match file {
                "" => page.clone(),
                // The 404 page links from the site's root (`<base href="/">`).
                rooted if rooted.starts_with('/') => site.join(rooted.trim_start_matches('/')),
                relative => dir.join(relative),
            };
            let found = if target.is_dir() {
                target.join("index.html").is_file()
            } else {
                target.is_file()
            };
            if !found {
                broken.push(format!("{}: {link} (no such file)", page.display()));
            } else if !fragment.is_empty() && target.extension().is_some_and(|e| e == "html") {
                let target_html = fs::read_to_string(&target).unwrap();
                if !target_html.contains(&format!("id=\"{fragment}\"")) {
                    broken.push(format!("{}: {link} (no such anchor)", page.display()));
                }
            }
        }
    }
    broken
}

#[test]
fn the_book_builds_and_every_internal_link_and_image_resolves() {
    let mut book = MDBook::load(book_dir()).unwrap();
    let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book-html");
    let _ = fs::remove_dir_all(&site);
    book.config.build.build_dir = site.clone();
    book.build().unwrap();
    assert!(site.join("index.html").is_file());
    let pages = files_with_extension(&site, "html").len();
    assert!(pages > 5, "only {pages} pages built");
    let broken = broken_links(&site);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));

    // The checker itself must notice a dead link and a dead anchor.
    let first = site.join("ch00-00-introduction.html");
    let mut html = fs::read_to_string(&first).unwrap();
    html.push_str(
        r#"<a href="nowhere.html">x</a><a href="ch00-00-introduction.html#no-such-heading">y</a>"#,
    );
    fs::write(&first, html).unwrap();
    assert_eq!(broken_links(&site).len(), 2);
}

#[test]
fn the_site_is_built_into_an_ignored_folder() {
    // `mdbook build book` must not leave an untracked folder among the sources.
    let book = MDBook::load(book_dir()).unwrap();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = std::path::absolute(book.root.join(&book.config.build.build_dir)).unwrap();
    let site: PathBuf = site
        .components()
        .fold(PathBuf::new(), |path, part| match part {
            std::path::Component::ParentDir => path.parent().unwrap().to_path_buf(),
            part => path.join(part),
        });
    assert!(
        site.starts_with(workspace.join("target")),
        "book.toml's build-dir is {}",
        site.display()
    );
    let gitignore = fs::read_to_string(workspace.join(".gitignore")).unwrap();
    assert!(
        gitignore.lines().any(|line| line == "target/"),
        "{gitignore}"
    );
}
