//! A Keras-style `model.summary()` for dfdx models.
//!
//! dfdx models are plain tuples of layers, and the types already spell out
//! the architecture, but a table of layers, output shapes and parameter counts
//! is how readers coming from Keras check that a model is what they think it
//! is (and where its parameters are). [`summary`] renders that table:
//!
//! ```text
//! ________________________________________________________
//!  Layer (type)                  Output Shape      Param #
//! ========================================================
//!  0 (Sequential)                (None, 32)         25,120
//!    0.0 (Linear<784, 32>)       (None, 32)         25,120
//!    0.1 (ReLU)                  (None, 32)              0
//!  1 (Sequential)                (None, 784)        25,872
//!    1.0 (Linear<32, 784>)       (None, 784)        25,872
//!    1.1 (Sigmoid)               (None, 784)             0
//! ========================================================
//! Total params: 50,992
//! ________________________________________________________
//! ```
//!
//! Layer names are dfdx's own field paths (the tensor `0.0.weight` in a
//! checkpoint belongs to layer `0.0`). A tuple nested in the model, such as an
//! encoder, gets a `Sequential` row with its totals and its layers indented
//! underneath; the grand total counts each layer once.

use dfdx::nn::modules::{
    Dropout, DropoutOneIn, FastGeLU, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh,
    UnbiasedLinear,
};
use dfdx::shapes::Dtype;
use dfdx::tensor::Storage;

/// One line of the summary table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerRow {
    /// Dotted position in the model, e.g. `"0.1"`; empty for a model that is
    /// a single bare layer.
    pub name: String,
    /// Layer type, e.g. `"Linear<784, 32>"`, or `"Sequential"` for a nested tuple.
    pub kind: String,
    /// Shape of one sample's output (the batch axis is implied), or `None`
    /// when it cannot be known, e.g. for an activation that starts a model.
    pub output_shape: Option<Vec<usize>>,
    /// Number of parameters; for a `Sequential` row, the sum of its layers.
    pub params: usize,
    /// Nesting level, used for indentation.
    pub depth: usize,
    /// True for a `Sequential` row, whose parameters are already counted in
    /// the rows beneath it.
    pub is_group: bool,
}

impl LayerRow {
    /// A row for a single layer at `at`.
    pub fn layer(
        at: &Position,
        kind: impl Into<String>,
        output_shape: Option<Vec<usize>>,
        params: usize,
    ) -> Self {
        Self {
            name: at.path.clone(),
            kind: kind.into(),
            output_shape,
            params,
            depth: at.depth,
            is_group: false,
        }
    }

    /// The output shape written the Keras way, with `None` for the batch axis:
    /// `(None, 32)`, or `(None, ?)` if unknown.
    pub fn output_shape_string(&self) -> String {
        match &self.output_shape {
            Some(dims) => {
                let dims: Vec<String> = dims.iter().map(ToString::to_string).collect();
                format!("(None, {})", dims.join(", "))
            }
            None => "(None, ?)".to_string(),
        }
    }
}

/// Where a layer sits in the model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// Dotted path, empty at the root.
    pub path: String,
    /// Indentation level.
    pub depth: usize,
}

impl Position {
    /// True for the model itself, whose tuple needs no `Sequential` row.
    pub fn is_root(&self) -> bool {
        self.path.is_empty()
    }

    fn child(&self, index: usize, depth: usize) -> Self {
        let path = if self.is_root() {
            index.to_string()
        } else {
            format!("{}.{index}", self.path)
        };
        Self { path, depth }
    }
}

/// A module that can describe itself as rows of a summary table.
///
/// Implemented for dfdx's linear layers, common activations, dropout and tuples of up to six such
/// modules (nested freely). Implement it for a
/// custom layer to make models containing it summarisable.
pub trait Summary {
    /// Appends this module's rows to `rows` and returns the shape of one
    /// output sample, given the shape of one input sample if known.
    fn describe(
        &self,
        at: &Position,
        input: Option<&[usize]>,
        rows: &mut Vec<LayerRow>,
    ) -> Option<Vec<usize>>;
}

impl<const I: usize, const O: usize, E: Dtype, D: Storage<E>> Summary for Linear<I, O, E, D> {
    fn describe(
        &self,
        at: &Position,
        _input: Option<&[usize]>,
        rows: &mut Vec<LayerRow>,
    ) -> Option<Vec<usize>> {
        // Weight matrix plus one bias per output.
        let params = I * O + O;
        rows.push(LayerRow::layer(
            at,
            format!("Linear<{I}, {O}>"),
            Some(vec![O]),
            params,
        ));
        Some(vec![O])
    }
}

impl<const I: usize, const O: usize, E: Dtype, D: Storage<E>> Summary
    for UnbiasedLinear<I, O, E, D>
{
    fn describe(
        &self,
        at: &Position,
        _input: Option<&[usize]>,
        rows: &mut Vec<LayerRow>,
    ) -> Option<Vec<usize>> {
        let kind = format!("UnbiasedLinear<{I}, {O}>");
        rows.push(LayerRow::layer(at, kind, Some(vec![O]), I * O));
        Some(vec![O])
    }
}

/// The row of a parameter-free layer that keeps the shape of its input;
/// returns that shape.
fn shape_preserving_row(
    at: &Position,
    kind: impl Into<String>,
    input: Option<&[usize]>,
    rows: &mut Vec<LayerRow>,
) -> Option<Vec<usize>> {
    let output = input.map(<[usize]>::to_vec);
    rows.push(LayerRow::layer(at, kind, output.clone(), 0));
    output
}

/// Parameter-free layers that keep the shape of their input, each with its
/// impl's generic parameters in brackets.
macro_rules! shape_preserving {
    ($([$($g:tt)*] $ty:ty => $kind:expr),+ $(,)?) => {$(
        impl<$($g)*> Summary for $ty {
            fn describe(
                &self,
                at: &Position,
                input: Option<&[usize]>,
                rows: &mut Vec<LayerRow>,
            ) -> Option<Vec<usize>> {
                shape_preserving_row(at, $kind, input, rows)
            }
        }
    )+};
}

shape_preserving!(
    [] ReLU => "ReLU",
    [] Sigmoid => "Sigmoid",
    [] Tanh => "Tanh",
    [] FastGeLU => "FastGeLU",
    [] Softmax => "Softmax",
    [] Dropout => "Dropout",
    [E: Dtype] LeakyReLU<E> => "LeakyReLU",
    [const N: usize] DropoutOneIn<N> => format!("DropoutOneIn<{N}>"),
);

/// Tuples run their elements in order, like Keras' `Sequential`: each
/// element's output shape is the next one's input shape.
macro_rules! tuple_summary {
    ($($m:ident $i:tt),+) => {
        impl<$($m: Summary),+> Summary for ($($m,)+) {
            fn describe(
                &self,
                at: &Position,
                input: Option<&[usize]>,
                rows: &mut Vec<LayerRow>,
            ) -> Option<Vec<usize>> {
                // The model's own tuple is the table; nested tuples get a row.
                let group = (!at.is_root()).then(|| {
                    rows.push(LayerRow {
                        name: at.path.clone(),
                        kind: "Sequential".to_string(),
                        output_shape: None,
                        params: 0,
                        depth: at.depth,
                        is_group: true,
                    });
                    rows.len() - 1
                });
                let depth = if group.is_some() { at.depth + 1 } else { at.depth };
                let first = rows.len();
                let shape = input.map(<[usize]>::to_vec);
                $(let shape = self.$i.describe(&at.child($i, depth), shape.as_deref(), rows);)+
                if let Some(g) = group {
                    rows[g].params = leaf_params(&rows[first..]);
                    rows[g].output_shape = shape.clone();
                }
                shape
            }
        }
    };
}

tuple_summary!(A 0);
tuple_summary!(A 0, B 1);
tuple_summary!(A 0, B 1, C 2);
tuple_summary!(A 0, B 1, C 2, D 3);
tuple_summary!(A 0, B 1, C 2, D 3, E 4);
tuple_summary!(A 0, B 1, C 2, D 3, E 4, F 5);

/// Sum of parameters over layer rows, skipping group rows that repeat them.
fn leaf_params(rows: &[LayerRow]) -> usize {
    rows.iter().filter(|r| !r.is_group).map(|r| r.params).sum()
}

/// The rows of `model`'s summary, in order.
pub fn layer_rows<M: Summary>(model: &M) -> Vec<LayerRow> {
    let mut rows = Vec::new();
    model.describe(&Position::default(), None, &mut rows);
    rows
}

/// Total number of parameters in `model`.
pub fn total_params<M: Summary>(model: &M) -> usize {
    leaf_params(&layer_rows(model))
}

/// Renders `model` as a Keras-style summary table (see the module docs).
pub fn summary<M: Summary>(model: &M) -> String {
    let rows = layer_rows(model);
    let cells: Vec<[String; 3]> = rows
        .iter()
        .map(|r| {
            let indent = "  ".repeat(r.depth);
            let layer = if r.name.is_empty() {
                format!("{indent}{}", r.kind)
            } else {
                format!("{indent}{} ({})", r.name, r.kind)
            };
            [layer, r.output_shape_string(), group_thousands(r.params)]
        })
        .collect();
    let header = ["Layer (type)", "Output Shape", "Param #"];
    // Minimum widths keep small models from producing a cramped table.
    const MIN_WIDTH: [usize; 3] = [28, 14, 9];
    let width = |i: usize| {
        cells
            .iter()
            .map(|c| c[i].chars().count())
            .chain([header[i].len(), MIN_WIDTH[i]])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    // One leading space, two-space gutters, as Keras lays it out.
    let line = |a: &str, b: &str, c: &str| format!(" {a:<w0$}  {b:<w1$}  {c:>w2$}\n");
    let total_width = 1 + w0 + 2 + w1 + 2 + w2;

    let mut out = String::new();
    out.push_str(&"_".repeat(total_width));
    out.push('\n');
    out.push_str(&line(header[0], header[1], header[2]));
    out.push_str(&"=".repeat(total_width));
    out.push('\n');
    for [a, b, c] in &cells {
        out.push_str(&line(a, b, c));
    }
    out.push_str(&"=".repeat(total_width));
    out.push('\n');
    out.push_str(&format!(
        "Total params: {}\n",
        group_thousands(leaf_params(&rows))
    ));
    out.push_str(&"_".repeat(total_width));
    out.push('\n');
    out
}

/// `50992` -> `"50,992"`, the way Keras prints parameter counts.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dfdx::prelude::{Cpu, DeviceBuildExt};

    #[test]
    fn parameter_free_layers_pass_the_shape_on() {
        use dfdx::nn::builders;
        type Model = (
            builders::Linear<4, 3>,
            builders::LeakyReLU<f32>,
            builders::DropoutOneIn<2>,
            builders::Tanh,
        );
        let model = Cpu::default().build_module::<Model, f32>();
        let rows = layer_rows(&model);
        let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["Linear<4, 3>", "LeakyReLU", "DropoutOneIn<2>", "Tanh"]
        );
        assert!(rows.iter().all(|r| r.output_shape == Some(vec![3])));
        assert_eq!(total_params(&model), 15);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(50_992), "50,992");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }
}
