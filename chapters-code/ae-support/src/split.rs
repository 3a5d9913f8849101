//! Which examples to use, written the way TensorFlow Datasets writes it.
//!
//! A chapter takes its training and evaluation sets as text such as
//! `train`, `test[:8000]`, `test[8000:]`, `train[:10%]` or `train[10%:20%]`.
//! Text is what a reader types on the command line and what a figure caption
//! should quote, so a [`Split`] parses from it ([`FromStr`]) and prints back to
//! the same text ([`fmt::Display`]). The numbers only become a concrete
//! `Range` in [`Split::resolve`], once the size of the part is known.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// Examples of valid split text, quoted by every parse error.
pub const SPLIT_EXAMPLES: &str =
    "train, test, test[:8000], test[8000:], test[100:200], train[:10%], train[10%:20%]";

/// The two parts every IDX dataset ships as separate files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The 60,000-example training files (`train-*`).
    Train,
    /// The 10,000-example test files (`t10k-*`).
    Test,
}

impl Part {
    /// The name used in split text: `train` or `test`.
    pub fn name(self) -> &'static str {
        match self {
            Part::Train => "train",
            Part::Test => "test",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One end of a slice. Kept private so a `Split` can only come from text that
/// was checked, or from [`Split::full`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Bound {
    /// Nothing written: the start or the end of the part.
    Open,
    /// An example index, e.g. the `8000` in `test[:8000]`.
    Index(usize),
    /// A percentage of the part (0..=100), e.g. the `10` in `train[:10%]`.
    Percent(u8),
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Open => Ok(()),
            Bound::Index(i) => write!(f, "{i}"),
            Bound::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// A part of a dataset, optionally sliced: `test`, `test[:8000]`, `train[10%:20%]`.
///
/// Implements `FromStr + Clone + Send + Sync + 'static`, so it can be a clap
/// argument type directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Split {
    /// Which files the examples come from.
    pub part: Part,
    start: Bound,
    end: Bound,
}

impl Split {
    /// The whole of one part, e.g. `test`.
    pub fn full(part: Part) -> Split {
        Split {
            part,
            start: Bound::Open,
            end: Bound::Open,
        }
    }

    /// Turns the slice into example indices for a part holding `total` examples.
    ///
    /// Percentages round to the nearest example, so `train[:10%]` and
    /// `train[10%:]` of the same part never overlap or leave a gap. A bound
    /// past the end, or a slice with nothing in it, is an error rather than a
    /// silent clamp: training on fewer examples than asked for would make the
    /// reported numbers lie.
    pub fn resolve(&self, total: usize) -> Result<Range<usize>, SplitError> {
        let index = |bound: Bound, open: usize| -> Result<usize, SplitError> {
            let i = match bound {
                Bound::Open => open,
                Bound::Index(i) => i,
                Bound::Percent(p) => (total * p as usize + 50) / 100,
            };
            if i > total {
                return Err(SplitError::OutOfRange {
                    split: self.to_string(),
                    index: i,
                    total,
                });
            }
            Ok(i)
        };
        let start = index(self.start, 0)?;
        let end = index(self.end, total)?;
        if start >= end {
            return Err(SplitError::Empty {
                split: self.to_string(),
                start,
                end,
                total,
            });
        }
        Ok(start..end)
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.part)?;
        if (self.start, self.end) != (Bound::Open, Bound::Open) {
            write!(f, "[{}:{}]", self.start, self.end)?;
        }
        Ok(())
    }
}

impl FromStr for Split {
    type Err = SplitError;

    fn from_str(text: &str) -> Result<Split, SplitError> {
        let bad = |reason: &str| SplitError::Syntax {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let trimmed = text.trim();
        let (name, slice) = match trimmed.split_once('[') {
            None => (trimmed, None),
            Some((name, rest)) => {
                let inner = rest
                    .strip_suffix(']')
                    .ok_or_else(|| bad("a slice must end with `]`"))?;
                (name.trim(), Some(inner))
            }
        };
        let part = if name.eq_ignore_ascii_case("train") {
            Part::Train
        } else if name.eq_ignore_ascii_case("test") {
            Part::Test
        } else {
            return Err(bad("the part must be `train` or `test`"));
        };
        let Some(inner) = slice else {
            return Ok(Split::full(part));
        };
        let (start, end) = inner
            .split_once(':')
            .ok_or_else(|| bad("a slice needs a `:`, as in `[:8000]` or `[8000:]`"))?;
        let start = parse_bound(start).map_err(bad)?;
        let end = parse_bound(end).map_err(bad)?;
        let empty = match (start, end) {
            (Bound::Index(a), Bound::Index(b)) => a >= b,
            (Bound::Percent(a), Bound::Percent(b)) => a >= b,
            _ => false,
        };
        if empty {
            return Err(bad("the slice is empty: its start is not before its end"));
        }
        Ok(Split { part, start, end })
    }
}

/// Parses one side of `a:b`: empty, a non-negative integer, or `N%` with N <= 100.
fn parse_bound(text: &str) -> Result<Bound, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Bound::Open);
    }
    if let Some(number) = text.strip_suffix('%') {
        return match number.trim().parse::<u8>() {
            Ok(p) if p <= 100 => Ok(Bound::Percent(p)),
            _ => Err("a percentage must be a whole number from 0% to 100%"),
        };
    }
    text.parse::<usize>()
        .map(Bound::Index)
        .map_err(|_| "a slice bound must be a whole number of examples or a percentage")
}

/// Why split text was rejected or could not be applied; each names the split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// The text does not follow the split syntax.
    #[error("invalid split `{text}`: {reason}; valid examples: {SPLIT_EXAMPLES}")]
    Syntax {
        /// The text as given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A bound lies past the end of the part.
    #[error("split `{split}` reaches example {index}, but that part has only {total} examples")]
    OutOfRange {
        /// The split, as text.
        split: String,
        /// The resolved bound.
        index: usize,
        /// How many examples the part has.
        total: usize,
    },
    /// The bounds leave no examples.
    #[error("split `{split}` is empty: it resolves to {start}..{end} of {total} examples")]
    Empty {
        /// The split, as text.
        split: String,
        /// Resolved start.
        start: usize,
        /// Resolved end.
        end: usize,
        /// How many examples the part has.
        total: usize,
    },
}
