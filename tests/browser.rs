//! Opens every page of the built book in headless Chromium, the way a reader
//! would, and fails on anything a reader would notice: a picture that does not
//! show, a link or `#anchor` that leads nowhere, a JavaScript error, or a search
//! box that finds nothing for the book's own subject.
//!
//! The book is served by a small static file server in this test. When a page is
//! requested with `?book-check=<search term>`, the server adds a checking script
//! to it; the script inspects the live page and hands its verdict to a driver
//! page, which loads every page in a frame and writes all verdicts into its own
//! document. Chromium prints that document (`--dump-dom`) and the test reads it.
//!
//! Without Chromium the test says so and passes, unless `BOOK_BROWSER_TEST=require`.

use autoencoders_in_rust::expand::files_with_extension;
use mdbook_driver::MDBook;
use serde_json::Value;
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What the search box must find: the subject of chapter 5.
const SEARCH_TERM: &str = "denoising";
/// The page the search for [`SEARCH_TERM`] must offer among its results.
const SEARCH_MUST_FIND: &str = "ch05-00-denoising.html";
/// A word that appears nowhere in the book, to see that an empty search is caught.
const NONSENSE_TERM: &str = "qqxyzzyqq";
/// Pages photographed for people to look at.
const SCREENSHOTS: [&str; 2] = ["ch00-00-introduction.html", "ch05-00-denoising.html"];
/// The synthetic page with known faults, served only by this test.
const FAULTY_PAGE: &str = "__faulty_page__.html";
const DRIVER_PAGE: &str = "__book_check__.html";
/// An address with no page, where a reader sees the 404 page.
const MISSING_PAGE: &str = "no/such/chapter.html";
/// Where GitHub Pages publishes a project site: under the repository's name.
const PAGES_PREFIX: &str = "/autoencoders-in-rust/";
/// Longest a single Chromium run may take before the test gives up on it.
const CHROMIUM_DEADLINE: Duration = Duration::from_secs(180);

// ---------------------------------------------------------------- the browser

fn chromium() -> Option<PathBuf> {
    let standard = PathBuf::from("/usr/bin/chromium");
    if standard.is_file() {
        return Some(standard);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
}

/// Runs Chromium with the flags every run shares plus `extra`, then `url`, and
/// returns what it printed. A fresh profile directory keeps runs independent.
fn run_chromium(binary: &Path, name: &str, extra: &[String], url: &str) -> String {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("browser-runs")
        .join(format!("{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let profile = scratch.join("profile");
    fs::create_dir_all(&profile).unwrap();
    let stdout_path = scratch.join("stdout.txt");
    let stderr_path = scratch.join("stderr.txt");
    let mut child = Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).unwrap())
        .stderr(File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHROMIUM_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium ({name}) still running after {CHROMIUM_DEADLINE:?}; stderr:\n{}",
                fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        thread::sleep(Duration::from_millis(50));
    };
    let stdout = fs::read_to_string(&stdout_path).unwrap_or_default();
    let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
    let _ = fs::remove_dir_all(&scratch);
    assert!(
        status.success(),
        "chromium ({name}) failed with {status}; stderr:\n{stderr}"
    );
    stdout
}

// ---------------------------------------------------------------- the server

/// One answered request, for finding files the pages asked for but the site lacks.
#[derive(Debug, Clone)]
struct Served {
    path: String,
    status: u16,
    referer: String,
}

/// A static file server for the built site on 127.0.0.1, serving it under
/// `prefix` (the path the site will have when published). It stops accepting
/// connections when dropped.
struct Server {
    address: SocketAddr,
    prefix: String,
    log: Arc<Mutex<Vec<Served>>>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

/// Everything a connection needs to answer.
struct Site {
    root: PathBuf,
    prefix: String,
    /// Pages that exist only while testing, by their path under the prefix.
    extra: HashMap<String, String>,
    log: Arc<Mutex<Vec<Served>>>,
}

impl Server {
    fn start(root: &Path, prefix: &str, extra: HashMap<String, String>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let site = Arc::new(Site {
            root: root.to_path_buf(),
            prefix: prefix.to_string(),
            extra,
            log: Arc::clone(&log),
        });
        let stopping = Arc::clone(&stop);
        let acceptor = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let site = Arc::clone(&site);
                thread::spawn(move || {
                    let _ = answer(&site, stream);
                });
            }
        });
        Server {
            address,
            prefix: prefix.to_string(),
            log,
            stop,
            acceptor: Some(acceptor),
        }
    }

    /// The address of `page` (a path relative to the site's root).
    fn url(&self, page: &str) -> String {
        format!("http://{}{}{page}", self.address, self.prefix)
    }

    fn log(&self) -> Vec<Served> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the acceptor, which then sees the flag and returns.
        let _ = TcpStream::connect(self.address);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Puts `script` first in the page's `<head>`, so that it sees every error.
fn inject(html: &str, script: &str) -> String {
    let tag = format!("<script>{script}</script>");
    match html
        .find("<head")
        .and_then(|start| html[start..].find('>').map(|end| start + end + 1))
    {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => format!("{tag}{html}"),
    }
}

fn respond(stream: &mut TcpStream, status: u16, kind: &str, body: &[u8]) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Bad Request",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// Answers one request and closes the connection.
fn answer(site: &Site, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(()); // a connection opened and closed without a request
    }
    let mut referer = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("referer")
        {
            referer = value.trim().to_string();
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_decode(path);
    let record = |status| {
        site.log.lock().unwrap().push(Served {
            path: path.clone(),
            status,
            referer: referer.clone(),
        });
    };
    if method != "GET" {
        record(405);
        return respond(&mut stream, 405, "text/plain", b"only GET is served");
    }
    let check_term = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("book-check="))
        .map(percent_decode);

    let Some(relative) = path.strip_prefix(&site.prefix) else {
        record(404);
        return respond(&mut stream, 404, "text/plain", b"outside the book");
    };
    let relative = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_string()
    };
    let body = if let Some(page) = site.extra.get(&relative) {
        Some(page.clone().into_bytes())
    } else if relative.split('/').any(|part| part == ".." || part == ".") {
        None
    } else {
        let file = site.root.join(&relative);
        let file = if file.is_dir() {
            file.join("index.html")
        } else {
            file
        };
        fs::read(file).ok()
    };
    let Some(mut body) = body else {
        record(404);
        return respond(&mut stream, 404, "text/plain", b"no such file");
    };
    let kind = content_type(&relative);
    if let (Some(term), true) = (check_term, kind.starts_with("text/html")) {
        let script = PAGE_CHECK_SCRIPT.replace("__SEARCH_TERM__", &json_string(&term));
        body = inject(&String::from_utf8_lossy(&body), &script).into_bytes();
    }
    record(200);
    respond(&mut stream, 200, kind, &body)
}

fn json_string(text: &str) -> String {
    // In a <script>, "</" would end the element early.
    serde_json::to_string(text).unwrap().replace("</", "<\\/")
}

// ---------------------------------------------------------------- the checks in the page

/// Runs inside every page under test. It records errors from the moment the
/// page starts, and after the page has loaded it checks the images, searches,
/// and checks every same-site link (those in the search results too), then
/// posts its verdict to the driver.
const PAGE_CHECK_SCRIPT: &str = r##"
(function () {
  const requested = location.href;
  const searchTerm = __SEARCH_TERM__;
  const errors = [];
  const text = value => {
    if (value instanceof Error) return value.name + ': ' + value.message;
    try { return typeof value === 'string' ? value : JSON.stringify(value); }
    catch (_) { return String(value); }
  };
  const originalError = console.error;
  console.error = function (...args) {
    errors.push('console.error: ' + args.map(text).join(' '));
    return originalError.apply(this, args);
  };
  window.addEventListener('error', event => {
    const element = event.target;
    if (element && element !== window && element.nodeType === 1) {
      errors.push('failed to load <' + element.localName + '> '
        + (element.currentSrc || element.src || element.href || ''));
    } else {
      errors.push((event.message || 'Uncaught ' + text(event.error))
        + ' at ' + event.filename + ':' + event.lineno);
    }
  }, true);
  window.addEventListener('unhandledrejection', event => {
    errors.push('unhandled rejection: ' + text(event.reason));
  });
  // The print page prints itself on load; a test has no printer.
  let printRequested = false;
  window.print = () => { printRequested = true; };

  const pause = ms => new Promise(resolve => setTimeout(resolve, ms));

  function checkImages() {
    const broken = [];
    for (const image of document.images) {
      if (!image.complete || image.naturalWidth === 0 || image.naturalHeight === 0) {
        const alt = image.alt.length > 60 ? image.alt.slice(0, 57) + '...' : image.alt;
        broken.push(image.getAttribute('src') + ' (alt: "' + alt + '")');
      }
    }
    return { count: document.images.length, broken };
  }

  async function search(term) {
    const toggle = document.getElementById('mdbook-search-toggle');
    const bar = document.getElementById('mdbook-searchbar');
    const header = document.getElementById('mdbook-searchresults-header');
    const list = document.getElementById('mdbook-searchresults');
    if (!toggle || !bar || !header || !list) return null;
    toggle.click();
    bar.focus();
    bar.value = term;
    bar.dispatchEvent(new Event('input', { bubbles: true }));
    bar.dispatchEvent(new KeyboardEvent('keyup', { bubbles: true, key: 'g' }));
    // The index loads on first use; the header is filled in once it has searched.
    for (let i = 0; i < 200 && header.textContent.trim() === ''; i++) await pause(50);
    const links = [...list.querySelectorAll('li a')].map(a => a.getAttribute('href'));
    return { term, results: list.children.length, header: header.textContent.trim(), links };
  }

  async function checkLinks() {
    const pages = new Map();
    const load = url => {
      if (!pages.has(url)) {
        pages.set(url, fetch(url, { cache: 'no-store' }).then(async response => {
          const type = response.headers.get('content-type') || '';
          const body = response.ok && type.startsWith('text/html') ? await response.text() : '';
          const document = body ? new DOMParser().parseFromString(body, 'text/html') : null;
          return { status: response.status, document };
        }, error => ({ status: 0, error: text(error), document: null })));
      }
      return pages.get(url);
    };
    const seen = new Set();
    const broken = [];
    for (const anchor of document.querySelectorAll('a[href]')) {
      const href = anchor.getAttribute('href');
      if (href.startsWith('javascript:')) continue;
      // `#id` means this very page, even where a <base> element (mdBook's 404
      // page has one) makes the browser resolve it against another address.
      if (href.startsWith('#')) {
        if (seen.has(href)) continue;
        seen.add(href);
        const fragment = decodeURIComponent(href.slice(1));
        if (fragment && !document.getElementById(fragment)
            && document.getElementsByName(fragment).length === 0) {
          broken.push(href + ' -> no element with id "' + fragment + '"');
        }
        continue;
      }
      const url = new URL(anchor.href);
      if (url.origin !== location.origin || seen.has(url.href)) continue;
      seen.add(url.href);
      const target = await load(url.origin + url.pathname);
      if (target.status !== 200) {
        broken.push(href + ' -> HTTP ' + target.status + (target.error ? ' ' + target.error : ''));
        continue;
      }
      const fragment = decodeURIComponent(url.hash.slice(1));
      if (fragment && target.document
          && !target.document.getElementById(fragment)
          && target.document.getElementsByName(fragment).length === 0) {
        broken.push(href + ' -> no element with id "' + fragment + '"');
      }
    }
    return { count: seen.size, broken };
  }

  async function check() {
    // Let the book's own load handlers run first.
    await pause(200);
    const images = checkImages();
    const searched = searchTerm ? await search(searchTerm) : null;
    const links = await checkLinks();
    await pause(50);
    return { requested, images, search: searched, links, errors, printRequested };
  }

  window.addEventListener('load', () => {
    check().catch(error => ({ requested, failure: text(error), errors }))
      .then(verdict => {
        if (window.parent !== window) window.parent.postMessage(verdict, '*');
        const out = document.createElement('pre');
        out.id = 'book-check-page-verdict';
        out.hidden = true;
        out.textContent = JSON.stringify(verdict);
        document.body.appendChild(out);
      });
  });
})();
"##;

/// Loads every page in a frame, a few at a time, and collects their verdicts
/// into `#book-check-verdict`.
const DRIVER_SCRIPT: &str = r##"
(async function () {
  const out = document.getElementById('book-check-verdict');
  try {
    const pages = JSON.parse(document.getElementById('book-check-pages').textContent);
    const waiting = new Map();
    window.addEventListener('message', event => {
      const deliver = waiting.get(event.source);
      if (deliver) { waiting.delete(event.source); deliver(event.data); }
    });
    const visit = url => new Promise(resolve => {
      const frame = document.createElement('iframe');
      frame.width = 1280;
      frame.height = 900;
      document.body.appendChild(frame);
      const finish = verdict => { frame.remove(); resolve(verdict); };
      const timer = setTimeout(() => {
        waiting.delete(frame.contentWindow);
        finish({ requested: url, failure: 'no verdict within 30 s' });
      }, 30000);
      waiting.set(frame.contentWindow, verdict => { clearTimeout(timer); finish(verdict); });
      frame.src = url;
    });
    const verdicts = new Array(pages.length);
    let next = 0;
    const worker = async () => {
      while (next < pages.length) {
        const i = next++;
        verdicts[i] = Object.assign(await visit(pages[i]), { url: pages[i] });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    out.textContent = JSON.stringify({ done: true, pages: verdicts });
  } catch (error) {
    out.textContent = JSON.stringify({ done: false, failure: String(error) });
  }
})();
"##;

fn driver_page(urls: &[String]) -> String {
    let list = serde_json::to_string(urls).unwrap().replace("</", "<\\/");
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Book check</title>\
         <link rel=\"icon\" href=\"data:,\"></head><body>\
         <pre id=\"book-check-verdict\"></pre>\
         <script id=\"book-check-pages\" type=\"application/json\">{list}</script>\
         <script>{DRIVER_SCRIPT}</script></body></html>"
    )
}

/// A page with a missing picture, a dead anchor, a dead link and a logged
/// error: the checks must report each of them, or they prove nothing.
const FAULTY_PAGE_HTML: &str = r##"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Faulty page</title><link rel="icon" href="data:,"></head>
<body>
<h1 id="top">A page with faults</h1>
<p><a href="#top">a heading on this page</a> <a href="#nowhere">no heading on this page</a></p>
<p><img src="figures/no-such-figure.png" alt="a figure that does not exist"></p>
<p><a href="ch00-00-introduction.html#no-such-heading">a heading that does not exist</a></p>
<p><a href="no-such-page.html">a page that does not exist</a></p>
<p><a href="ch00-00-introduction.html">a page that exists</a></p>
<script>console.error('deliberate error from the faulty page');</script>
<script>window.noSuchFunction();</script>
</body></html>
"##;

/// The text of `<pre id="...">` in a serialised document.
fn pre_text(dom: &str, id: &str) -> Option<String> {
    let open = format!("<pre id=\"{id}\">");
    let start = dom.find(&open)? + open.len();
    let end = start + dom[start..].find("</pre>")?;
    Some(
        dom[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&"),
    )
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().map_or_else(|| item.to_string(), String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// What is wrong with one page according to its verdict.
fn page_problems(verdict: &Value, search_expected: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(failure) = verdict["failure"].as_str() {
        problems.push(format!("the check did not finish: {failure}"));
    }
    for image in strings(&verdict["images"]["broken"]) {
        problems.push(format!("broken image {image}"));
    }
    for link in strings(&verdict["links"]["broken"]) {
        problems.push(format!("broken link {link}"));
    }
    for error in strings(&verdict["errors"]) {
        problems.push(format!("error in the page: {error}"));
    }
    let search = &verdict["search"];
    if search.is_null() {
        if search_expected {
            problems.push("no search box".to_string());
        }
    } else if search["results"].as_u64().unwrap_or(0) == 0 {
        problems.push(format!(
            "searching for {:?} found nothing ({})",
            search["term"].as_str().unwrap_or(""),
            search["header"].as_str().unwrap_or("")
        ));
    } else if !strings(&search["links"])
        .iter()
        .any(|link| link.contains(SEARCH_MUST_FIND))
    {
        problems.push(format!(
            "searching for {SEARCH_TERM:?} does not offer {SEARCH_MUST_FIND}: {:?}",
            strings(&search["links"])
        ));
    }
    problems
}

fn summary(verdict: &Value) -> String {
    let search = &verdict["search"];
    let search = if search.is_null() {
        "no search box".to_string()
    } else {
        format!(
            "search {:?}: {} results",
            search["term"].as_str().unwrap_or(""),
            search["results"]
        )
    };
    format!(
        "{} images, {} links, {search}",
        verdict["images"]["count"], verdict["links"]["count"]
    )
}

// ---------------------------------------------------------------- the test

/// Builds the book into `site` and returns the path the site is served under:
/// its `site-url`, or else the one GitHub Pages gives a project site (the
/// publishing workflow sets it so), so that the test sees the book as readers
/// will, not from the server's root.
fn build_book(site: &Path) -> String {
    let mut book = MDBook::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("book")).unwrap();
    let prefix = book
        .config
        .html_config()
        .and_then(|html| html.site_url)
        .unwrap_or_else(|| PAGES_PREFIX.to_string());
    let prefix = format!("/{}/", prefix.trim_matches('/')).replace("//", "/");
    book.config.set("output.html.site-url", &prefix).unwrap();
    let _ = fs::remove_dir_all(site);
    book.config.build.build_dir = site.to_path_buf();
    book.build().unwrap();
    prefix
}

#[test]
fn every_page_works_in_a_real_browser() {
    let required = std::env::var("BOOK_BROWSER_TEST").is_ok_and(|v| v == "require");
    let Some(binary) = chromium() else {
        assert!(
            !required,
            "BOOK_BROWSER_TEST=require but chromium is not installed (apt-get install chromium)"
        );
        println!("browser test skipped: chromium not installed (apt-get install chromium)");
        return;
    };
    let started = Instant::now();
    let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-book");
    let prefix = build_book(&site);

    let pages: Vec<String> = files_with_extension(&site, "html")
        .iter()
        .map(|page| {
            let relative = page.strip_prefix(&site).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect();
    assert!(pages.len() > 5, "only {} pages built", pages.len());
    for shot in SCREENSHOTS {
        assert!(pages.iter().any(|p| p == shot), "{shot} was not built");
    }

    // Every address in the driver page is relative to the server's root, so
    // the page can be written before the server has an address.
    // GitHub Pages answers any missing address with the 404 page, so it must
    // also work when it appears deep inside the site.
    let mut checked = pages.clone();
    checked.push(MISSING_PAGE.to_string());
    let mut targets: Vec<String> = checked
        .iter()
        .map(|page| format!("{prefix}{page}?book-check={SEARCH_TERM}"))
        .collect();
    let faulty = format!("{prefix}{FAULTY_PAGE}?book-check=");
    let empty_search = format!("{prefix}ch00-00-introduction.html?book-check={NONSENSE_TERM}");
    targets.push(faulty.clone());
    targets.push(empty_search.clone());
    let extra = HashMap::from([
        (FAULTY_PAGE.to_string(), FAULTY_PAGE_HTML.to_string()),
        (DRIVER_PAGE.to_string(), driver_page(&targets)),
        (
            MISSING_PAGE.to_string(),
            fs::read_to_string(site.join("404.html")).unwrap(),
        ),
    ]);
    let server = Server::start(&site, &prefix, extra);

    // The screenshots and the check run side by side.
    let dom = thread::scope(|scope| {
        let shots: Vec<_> = SCREENSHOTS
            .iter()
            .map(|page| scope.spawn(|| screenshot(&binary, &server, page)))
            .collect();
        let flags = [
            "--dump-dom".to_string(),
            "--virtual-time-budget=300000".to_string(),
        ];
        let dom = run_chromium(&binary, "check", &flags, &server.url(DRIVER_PAGE));
        for shot in shots {
            println!("screenshot: {}", shot.join().unwrap().display());
        }
        dom
    });
    let verdicts = read_verdicts(&dom);
    assert_eq!(verdicts.len(), targets.len(), "a page sent no verdict");

    // First, the checks must catch faults that are there on purpose.
    assert_faults_are_caught(&verdicts[&faulty], &verdicts[&empty_search]);

    // Then, the book itself.
    let mut problems = Vec::new();
    let mut images = 0;
    for page in &checked {
        let verdict = &verdicts[&format!("{prefix}{page}?book-check={SEARCH_TERM}")];
        // The table of contents is the sidebar for readers without JavaScript.
        let search_expected = page != "toc.html";
        images += verdict["images"]["count"].as_u64().unwrap_or(0);
        println!("checked {page}: {}", summary(verdict));
        for problem in page_problems(verdict, search_expected) {
            add_once(&mut problems, format!("{page}: {problem}"));
        }
    }
    let faulty_path = format!("{prefix}{FAULTY_PAGE}");
    for served in server.log() {
        let asker = served.referer.split('?').next().unwrap_or("");
        if served.status != 200 && !asker.ends_with(&faulty_path) {
            let problem = format!(
                "{} answered {} (asked for by {asker})",
                served.path, served.status
            );
            add_once(&mut problems, problem);
        }
    }
    drop(server);
    assert!(images > 0, "no page of the book shows an image");
    assert!(
        problems.is_empty(),
        "{} problems in the book:\n{}",
        problems.len(),
        problems.join("\n")
    );
    println!(
        "{} pages checked in Chromium in {:.1} s",
        checked.len(),
        started.elapsed().as_secs_f64()
    );
}

fn add_once(problems: &mut Vec<String>, problem: String) {
    if !problems.contains(&problem) {
        problems.push(problem);
    }
}

/// Photographs `page` as a reader with a large window sees it first, into
/// `target/browser-artifacts/`, and returns the picture's path.
fn screenshot(binary: &Path, server: &Server, page: &str) -> PathBuf {
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("browser-artifacts");
    fs::create_dir_all(&artifacts).unwrap();
    let path = artifacts.join(page.replace(".html", ".png"));
    let _ = fs::remove_file(&path);
    let flags = [
        format!("--screenshot={}", path.display()),
        "--window-size=1280,1600".to_string(),
        "--hide-scrollbars".to_string(),
        "--virtual-time-budget=5000".to_string(),
    ];
    run_chromium(
        binary,
        &format!("screenshot-{page}"),
        &flags,
        &server.url(page),
    );
    let size = fs::metadata(&path).map_or(0, |m| m.len());
    assert!(size > 0, "no screenshot written to {}", path.display());
    path
}

/// Each page's verdict, by the address the driver loaded it from.
fn read_verdicts(dom: &str) -> HashMap<String, Value> {
    let text = pre_text(dom, "book-check-verdict")
        .unwrap_or_else(|| panic!("no verdict in the page Chromium printed:\n{dom}"));
    let verdict: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("unreadable verdict ({e}):\n{text}"));
    assert_eq!(
        verdict["done"],
        Value::Bool(true),
        "the check did not finish: {verdict}"
    );
    let Value::Array(pages) = &verdict["pages"] else {
        panic!("the verdict lists no pages: {verdict}");
    };
    pages
        .iter()
        .map(|v| (v["url"].as_str().unwrap_or("").to_string(), v.clone()))
        .collect()
}

/// The checks must report every fault of the faulty page, and nothing it has
/// right, and must notice a search that finds nothing.
fn assert_faults_are_caught(faulty: &Value, empty_search: &Value) {
    let reported = page_problems(faulty, false).join("\n");
    for expected in [
        "broken image figures/no-such-figure.png",
        "broken link ch00-00-introduction.html#no-such-heading -> no element",
        "broken link no-such-page.html -> HTTP 404",
        "broken link #nowhere -> no element",
        "deliberate error from the faulty page",
        "failed to load <img>",
        "Uncaught TypeError",
    ] {
        assert!(
            reported.contains(expected),
            "the checks missed a deliberate fault ({expected}); they reported:\n{reported}"
        );
    }
    for sound in ["#top ", "ch00-00-introduction.html -> "] {
        assert!(
            !reported.contains(sound),
            "the checks reported a sound link ({sound}) as broken:\n{reported}"
        );
    }
    let reported = page_problems(empty_search, true).join("\n");
    assert!(
        reported.contains(&format!("searching for {NONSENSE_TERM:?} found nothing")),
        "the checks missed a search that finds nothing; they reported:\n{reported}"
    );
}

// ---------------------------------------------------------------- chapter 10's interactive figure

/// The page with the latent-space explorer, and the Rust decoder's pixels
/// for a few points of its plane, written by `cargo run -p ch10-variational`.
const LATENT_PAGE: &str = "ch10-00-variational.html";
const LATENT_FIXTURE: &str = "book/src/figures/ch10/decoder-fixture.json";
const LATENT_DRIVER: &str = "__latent_check__.html";
/// Largest difference allowed between a pixel of the page's decoder and the
/// Rust decoder's (the page computes in 64-bit floats, dfdx in 32-bit).
const LATENT_TOLERANCE: f64 = 1e-3;

/// Loads the chapter page in a frame and, for every point of the fixture,
/// moves the explorer there and compares the decoder's output array with the
/// fixture (the pixel values themselves), and the drawn canvas at the
/// centre of each of its 28 × 28 cells with the same values as 0-255 grey
/// levels. Then it drags the point with pointer events and records what
/// changed. The verdict goes into `#latent-check-verdict`.
const LATENT_CHECK_SCRIPT: &str = r##"
(async function () {
  const out = document.getElementById('latent-check-verdict');
  const pause = ms => new Promise(resolve => setTimeout(resolve, ms));
  try {
    const fixture = JSON.parse(document.getElementById('latent-fixture').textContent);
    const frame = document.createElement('iframe');
    frame.width = 1280;
    frame.height = 900;
    const loaded = new Promise(resolve => frame.addEventListener('load', resolve, { once: true }));
    frame.src = __PAGE__;
    document.body.appendChild(frame);
    await loaded;
    const win = frame.contentWindow;
    for (let i = 0; i < 200 && !win.latentExplorer; i++) await pause(50);
    if (!win.latentExplorer) throw new Error('the page defines no latentExplorer');
    const explorer = await win.latentExplorer.ready;
    const plane = win.document.querySelector('.latent-plane');
    const digit = win.document.querySelector('.latent-digit');
    const drawn = () => {
      const data = digit.getContext('2d').getImageData(0, 0, digit.width, digit.height).data;
      const grey = [];
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          const x = Math.floor((c + 0.5) * digit.width / 28);
          const y = Math.floor((r + 0.5) * digit.height / 28);
          grey.push(data[4 * (y * digit.width + x)]);
        }
      }
      return grey;
    };
    const points = fixture.points.map(([x, y], k) => {
      const pixels = Array.from(explorer.moveTo(x, y));
      const expected = fixture.pixels[k];
      const grey = drawn();
      let worst = 0, worstGrey = 0;
      expected.forEach((want, i) => {
        worst = Math.max(worst, Math.abs(pixels[i] - want));
        const level = Math.round(Math.min(1, Math.max(0, want)) * 255);
        worstGrey = Math.max(worstGrey, Math.abs(grey[i] - level));
      });
      return { point: [x, y], count: pixels.length, worst, worstGrey };
    });
    const box = plane.getBoundingClientRect();
    const fire = (type, fx, fy) => plane.dispatchEvent(new win.PointerEvent(type, {
      bubbles: true, pointerId: 1, isPrimary: true,
      clientX: box.left + fx * box.width, clientY: box.top + fy * box.height,
    }));
    fire('pointerdown', 0.3, 0.3);
    const from = { point: explorer.point.slice(), pixels: Array.from(explorer.pixels), grey: drawn() };
    fire('pointermove', 0.7, 0.75);
    fire('pointerup', 0.7, 0.75);
    const to = { point: explorer.point.slice(), pixels: Array.from(explorer.pixels), grey: drawn() };
    const drag = {
      from: from.point,
      to: to.point,
      largestPixelChange: Math.max(...from.pixels.map((p, i) => Math.abs(p - to.pixels[i]))),
      greyLevelsChanged: from.grey.filter((g, i) => g !== to.grey[i]).length,
    };
    out.textContent = JSON.stringify({ done: true, points, drag });
  } catch (error) {
    out.textContent = JSON.stringify({ done: false, failure: String(error && error.stack || error) });
  }
})();
"##;

fn latent_driver_page(page_url: &str, fixture: &str) -> String {
    let script = LATENT_CHECK_SCRIPT.replace("__PAGE__", &json_string(page_url));
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Latent check</title>\
         <link rel=\"icon\" href=\"data:,\"></head><body>\
         <pre id=\"latent-check-verdict\"></pre>\
         <script id=\"latent-fixture\" type=\"application/json\">{}</script>\
         <script>{script}</script></body></html>",
        fixture.replace("</", "<\\/")
    )
}

#[test]
fn the_latent_explorer_draws_what_the_rust_decoder_decodes() {
    let required = std::env::var("BOOK_BROWSER_TEST").is_ok_and(|v| v == "require");
    let Some(binary) = chromium() else {
        assert!(
            !required,
            "BOOK_BROWSER_TEST=require but chromium is not installed (apt-get install chromium)"
        );
        println!("browser test skipped: chromium not installed (apt-get install chromium)");
        return;
    };
    let fixture_text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(LATENT_FIXTURE)).unwrap();
    let fixture: Value = serde_json::from_str(&fixture_text).unwrap();
    let expected_points = fixture["points"].as_array().map_or(0, Vec::len);
    assert!(expected_points > 1, "the fixture has too few points");

    let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-book-latent");
    let prefix = build_book(&site);
    let driver = latent_driver_page(&format!("{prefix}{LATENT_PAGE}"), &fixture_text);
    let server = Server::start(
        &site,
        &prefix,
        HashMap::from([(LATENT_DRIVER.to_string(), driver)]),
    );
    let flags = [
        "--dump-dom".to_string(),
        "--virtual-time-budget=60000".to_string(),
    ];
    let dom = run_chromium(&binary, "latent", &flags, &server.url(LATENT_DRIVER));
    let missing: Vec<String> = server
        .log()
        .iter()
        .filter(|served| served.status != 200)
        .map(|served| format!("{} answered {}", served.path, served.status))
        .collect();
    drop(server);
    assert!(
        missing.is_empty(),
        "files the page could not get: {missing:?}"
    );

    let text = pre_text(&dom, "latent-check-verdict")
        .unwrap_or_else(|| panic!("no verdict in the page Chromium printed:\n{dom}"));
    let verdict: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("unreadable verdict ({e}):\n{text}"));
    assert_eq!(verdict["done"], Value::Bool(true), "{verdict}");
    let points = verdict["points"].as_array().unwrap();
    assert_eq!(points.len(), expected_points, "{verdict}");
    for point in points {
        assert_eq!(point["count"], 784, "{point}");
        let worst = point["worst"].as_f64().unwrap();
        assert!(
            worst <= LATENT_TOLERANCE,
            "the page's decoder is {worst} off the Rust decoder's pixels at {}",
            point["point"]
        );
        // The drawn grey level is the pixel value rounded to 0-255; a value
        // within the tolerance of a rounding boundary may round the other way.
        let grey = point["worstGrey"].as_f64().unwrap();
        assert!(
            grey <= 1.0,
            "the canvas shows grey levels {grey} off at {point}"
        );
    }
    let drag = &verdict["drag"];
    assert_ne!(
        drag["from"], drag["to"],
        "dragging did not move the point: {drag}"
    );
    assert!(
        drag["largestPixelChange"].as_f64().unwrap() > 0.05,
        "dragging did not change the decoded image: {drag}"
    );
    assert!(
        drag["greyLevelsChanged"].as_u64().unwrap() > 0,
        "dragging did not change the drawn image: {drag}"
    );
    println!("latent explorer: {verdict}");
}
