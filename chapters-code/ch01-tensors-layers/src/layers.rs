//! A small network as a tuple of layers, and what is inside each layer.

use ae_support::batching::Batch;
use dfdx::nn::modules;
use dfdx::prelude::*;

// ANCHOR: model
/// Four numbers in, three hidden units with ReLU, two numbers out.
pub type TinyNet = (Linear<4, 3>, ReLU, Linear<3, 2>);

/// The same network once built: its weights and biases live on the CPU.
pub type TinyNetModel = <TinyNet as BuildOnDevice<Cpu, f32>>::Built;
// ANCHOR_END: model

// ANCHOR: describe_linear
/// What Keras shows for a `Dense` layer: the shapes it maps between and its
/// weight and bias tensors. `I` and `O` are read off the layer's type, so
/// this needs no input to run through the layer.
pub fn describe_linear<const I: usize, const O: usize>(
    name: &str,
    layer: &modules::Linear<I, O, f32, Cpu>,
) -> String {
    let mut out =
        format!("layer {name}: Linear<{I}, {O}>, input (None, {I}) -> output (None, {O})\n");
    out.push_str(&format!(
        "  weight, shape {:?}:\n",
        layer.weight.shape().concrete()
    ));
    for row in layer.weight.array() {
        out.push_str(&format!("    {}\n", format_row(&row)));
    }
    out.push_str(&format!(
        "  bias, shape {:?}:\n    {}\n",
        layer.bias.shape().concrete(),
        format_row(&layer.bias.array())
    ));
    out
}
// ANCHOR_END: describe_linear

/// `[ 0.123, -0.456]`: numbers with three decimals, signs aligned.
pub fn format_row(values: &[f32]) -> String {
    let cells: Vec<String> = values.iter().map(|v| format!("{v:6.3}")).collect();
    format!("[{}]", cells.join(", "))
}

/// The shape that went into one layer and the shape that came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerShapes {
    /// The layer's field in the tuple and its type, e.g. `0 (Linear<4, 3>)`.
    pub layer: &'static str,
    pub input: Vec<usize>,
    pub output: Vec<usize>,
}

// ANCHOR: walk_layers
/// Runs a batch through the network one layer at a time, the way the tuple
/// does it, and records the shape before and after each layer.
pub fn walk_layers(model: &TinyNetModel, x: Batch<4>) -> Vec<LayerShapes> {
    let hidden = model.0.forward(x.clone());
    let activated = model.1.forward(hidden.clone());
    let output = model.2.forward(activated.clone());
    let dims = |s: &[usize]| s.to_vec();
    vec![
        LayerShapes {
            layer: "0 (Linear<4, 3>)",
            input: dims(&x.shape().concrete()),
            output: dims(&hidden.shape().concrete()),
        },
        LayerShapes {
            layer: "1 (ReLU)",
            input: dims(&hidden.shape().concrete()),
            output: dims(&activated.shape().concrete()),
        },
        LayerShapes {
            layer: "2 (Linear<3, 2>)",
            input: dims(&activated.shape().concrete()),
            output: dims(&output.shape().concrete()),
        },
    ]
}
// ANCHOR_END: walk_layers

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_the_layers_gives_the_whole_model_output_shape() {
        let dev = Cpu::seed_from_u64(0);
        let model = dev.build_module::<TinyNet, f32>();
        let x: Batch<4> = dev.sample_uniform_like(&(5, Const));
        let shapes = walk_layers(&model, x.clone());
        assert_eq!(shapes[0].input, [5, 4]);
        assert_eq!(shapes[2].output, model.forward(x).shape().concrete());
    }

    #[test]
    fn a_layer_description_lists_every_weight() {
        let dev = Cpu::seed_from_u64(0);
        let model = dev.build_module::<TinyNet, f32>();
        let text = describe_linear("0", &model.0);
        assert!(
            text.contains("input (None, 4) -> output (None, 3)"),
            "{text}"
        );
        assert!(text.contains("weight, shape [3, 4]"), "{text}");
        // Three rows of weights, one row of biases.
        assert_eq!(text.matches('[').count(), 2 + 3 + 1, "{text}");
        assert_eq!(format_row(&[0.5, -1.25]), "[ 0.500, -1.250]");
    }
}
