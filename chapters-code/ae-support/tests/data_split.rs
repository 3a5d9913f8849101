//! Split syntax: parsing, printing back, resolving, and rejecting bad text.

use ae_support::split::{Part, Split, SplitError};
use clap::Parser;

fn split(text: &str) -> Split {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

#[test]
fn every_documented_form_parses_and_prints_back() {
    for text in [
        "train",
        "test",
        "test[:8000]",
        "test[8000:]",
        "test[100:200]",
        "train[:10%]",
        "train[10%:20%]",
        "train[10%:]",
        "test[5%:100]",
    ] {
        let parsed = split(text);
        assert_eq!(parsed.to_string(), text);
        assert_eq!(split(&parsed.to_string()), parsed);
    }
    assert_eq!(split("train").part, Part::Train);
    assert_eq!(split("test[8000:]").part, Part::Test);
}

#[test]
fn spelling_is_normalised() {
    assert_eq!(split("  TEST[ :8000 ] ").to_string(), "test[:8000]");
    assert_eq!(split("Train[:]").to_string(), "train");
    assert_eq!(split("test[:]"), Split::full(Part::Test));
    assert_eq!(split("train"), Split::full(Part::Train));
}

#[test]
fn resolves_indices_and_percentages() {
    let cases: [(&str, usize, std::ops::Range<usize>); 9] = [
        ("test", 10_000, 0..10_000),
        ("test[:8000]", 10_000, 0..8000),
        ("test[8000:]", 10_000, 8000..10_000),
        ("test[100:200]", 10_000, 100..200),
        ("train[:10%]", 60_000, 0..6000),
        ("train[10%:20%]", 60_000, 6000..12_000),
        ("train[:100%]", 7, 0..7),
        // Percentages round to the nearest example...
        ("train[:33%]", 10, 0..3),
        // ...so complementary slices meet exactly.
        ("train[33%:]", 10, 3..10),
    ];
    for (text, total, expected) in cases {
        assert_eq!(
            split(text).resolve(total).unwrap(),
            expected,
            "{text} of {total}"
        );
    }
    assert_eq!(split("test[:8000]").resolve(8000).unwrap(), 0..8000);
}

#[test]
fn bad_syntax_names_the_text_and_shows_examples() {
    for text in [
        "",
        "validation",
        "tset[:8000]",
        "test[",
        "test[:8000",
        "test[5]",
        "test[a:b]",
        "test[-5:]",
        "test[:101%]",
        "test[1.5:]",
        "test[200:100]",
        "test[7:7]",
        "train[20%:10%]",
        "test[:8000]x",
    ] {
        let error = text.parse::<Split>().unwrap_err();
        assert!(
            matches!(&error, SplitError::Syntax { text: t, .. } if t == text),
            "{text:?}: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(&format!("`{text}`")), "{message}");
        assert!(
            message.contains("test[:8000]") && message.contains("train[10%:20%]"),
            "{message}"
        );
    }
}

#[test]
fn bound_past_the_end_is_out_of_range() {
    let error = split("test[:20000]").resolve(10_000).unwrap_err();
    assert_eq!(
        error,
        SplitError::OutOfRange {
            split: "test[:20000]".into(),
            index: 20_000,
            total: 10_000,
        }
    );
    let message = error.to_string();
    assert!(
        message.contains("test[:20000]") && message.contains("10000"),
        "{message}"
    );
    assert!(matches!(
        split("test[10001:]").resolve(10_000),
        Err(SplitError::OutOfRange { index: 10_001, .. })
    ));
}

#[test]
fn slices_that_resolve_to_nothing_are_errors() {
    assert_eq!(
        split("test[10000:]").resolve(10_000).unwrap_err(),
        SplitError::Empty {
            split: "test[10000:]".into(),
            start: 10_000,
            end: 10_000,
            total: 10_000,
        }
    );
    assert!(matches!(
        split("test[:0%]").resolve(100),
        Err(SplitError::Empty { .. })
    ));
    assert!(matches!(
        split("test[50%:10]").resolve(1000),
        Err(SplitError::Empty {
            start: 500,
            end: 10,
            ..
        })
    ));
    assert!(matches!(
        split("train[:1%]").resolve(10),
        Err(SplitError::Empty { .. })
    ));
    assert!(matches!(
        split("test").resolve(0),
        Err(SplitError::Empty { .. })
    ));
}

#[derive(Parser, Debug)]
struct Args {
    #[arg(long, default_value = "test[:8000]")]
    train_split: Split,
    #[arg(long, default_value = "test[8000:]")]
    eval_split: Split,
}

#[test]
fn works_as_a_clap_argument() {
    let args = Args::try_parse_from(["prog", "--eval-split", "train[:10%]"]).unwrap();
    assert_eq!(args.train_split.to_string(), "test[:8000]");
    assert_eq!(args.eval_split.to_string(), "train[:10%]");

    let error = Args::try_parse_from(["prog", "--train-split", "test[oops]"]).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("--train-split"), "{message}");
    assert!(message.contains("test[oops]"), "{message}");
    assert!(message.contains("train[10%:20%]"), "{message}");
}
