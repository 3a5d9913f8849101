//! Model summaries: parameter counts agree with dfdx, rows show each layer.

use ae_support::summary::{LayerRow, layer_rows, summary, total_params};
use dfdx::prelude::*;

type Flat = (Linear<784, 32>, ReLU, Linear<32, 784>, Sigmoid);
type Encoder = (Linear<784, 32>, ReLU);
type Decoder = (Linear<32, 784>, Sigmoid);

#[test]
fn flat_autoencoder_reports_50992_params() {
    let dev: Cpu = Default::default();
    let model = dev.build_module::<Flat, f32>();
    assert_eq!(total_params(&model), 784 * 32 + 32 + 32 * 784 + 784);
    assert_eq!(total_params(&model), 50_992);
    assert_eq!(total_params(&model), model.num_trainable_params());

    let table = summary(&model);
    println!("{table}");
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[1].contains("Layer (type)") && lines[1].contains("Param #"));
    let row = |prefix: &str| -> Vec<&str> {
        lines
            .iter()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no row {prefix:?} in\n{table}"))
            .split_whitespace()
            .collect()
    };
    assert_eq!(
        row("0 ("),
        ["0", "(Linear<784,", "32>)", "(None,", "32)", "25,120"]
    );
    assert_eq!(row("1 ("), ["1", "(ReLU)", "(None,", "32)", "0"]);
    assert_eq!(
        row("2 ("),
        ["2", "(Linear<32,", "784>)", "(None,", "784)", "25,872"]
    );
    assert_eq!(row("3 ("), ["3", "(Sigmoid)", "(None,", "784)", "0"]);
    assert!(table.contains("Total params: 50,992\n"), "{table}");
    // All lines of the table body line up.
    let widths: Vec<usize> = lines
        .iter()
        .filter(|l| l.starts_with(' '))
        .map(|l| l.len())
        .collect();
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
}

#[test]
fn nested_encoder_decoder_shows_groups_and_counts_once() {
    let dev: Cpu = Default::default();
    let model = dev.build_module::<(Encoder, Decoder), f32>();
    assert_eq!(total_params(&model), 50_992);

    let rows = layer_rows(&model);
    let summary_of = |r: &LayerRow| {
        (
            r.name.clone(),
            r.kind.clone(),
            r.output_shape_string(),
            r.params,
            r.depth,
        )
    };
    assert_eq!(
        rows.iter().map(summary_of).collect::<Vec<_>>(),
        [
            (
                "0".into(),
                "Sequential".into(),
                "(None, 32)".into(),
                25_120,
                0
            ),
            (
                "0.0".into(),
                "Linear<784, 32>".into(),
                "(None, 32)".into(),
                25_120,
                1
            ),
            ("0.1".into(), "ReLU".into(), "(None, 32)".into(), 0, 1),
            (
                "1".into(),
                "Sequential".into(),
                "(None, 784)".into(),
                25_872,
                0
            ),
            (
                "1.0".into(),
                "Linear<32, 784>".into(),
                "(None, 784)".into(),
                25_872,
                1
            ),
            ("1.1".into(), "Sigmoid".into(), "(None, 784)".into(), 0, 1),
        ]
    );

    let table = summary(&model);
    println!("{table}");
    assert!(
        table.contains("\n   0.0 (Linear<784, 32>)"),
        "children are indented:\n{table}"
    );
    assert!(table.contains("\n 1 (Sequential)"), "{table}");
    assert!(table.contains("Total params: 50,992\n"), "{table}");
}

#[test]
fn layer_names_match_checkpoint_tensor_names() {
    // Row `1.0` owns the tensors dfdx saves as `1.0.weight` and `1.0.bias`.
    let dev: Cpu = Default::default();
    let model = dev.build_module::<(Encoder, Decoder), f32>();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("summary_names.safetensors");
    model.save_safetensors(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
    for row in layer_rows(&model)
        .iter()
        .filter(|r| r.kind.starts_with("Linear"))
    {
        for field in ["weight", "bias"] {
            let key = format!("\"{}.{field}\"", row.name);
            assert!(header.contains(&key), "{key} not in {header}");
        }
    }
}

#[test]
fn bare_layer_and_leading_activation() {
    let dev: Cpu = Default::default();
    let linear = dev.build_module::<Linear<4, 3>, f32>();
    let rows = layer_rows(&linear);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "");
    assert_eq!(total_params(&linear), 15);
    assert!(summary(&linear).contains(" Linear<4, 3>"));

    // An activation first in the model cannot know its input width.
    let model = dev.build_module::<(Tanh, Linear<4, 3>, Dropout), f32>();
    let rows = layer_rows(&model);
    assert_eq!(rows[0].output_shape_string(), "(None, ?)");
    assert_eq!(rows[2].output_shape_string(), "(None, 3)");
    assert_eq!(total_params(&model), model.num_trainable_params());
}

#[test]
fn linear_rows_match_checkpoint_tensor_names() {
    // A row's name is the path of its tensors in a checkpoint: `0.0.weight`.
    let dev: Cpu = Default::default();
    let model = dev.build_module::<((Linear<784, 32>, ReLU), Linear<32, 784>), f32>();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("summary_linear.safetensors");
    model.save_safetensors(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
    let linear_rows = layer_rows(&model)
        .into_iter()
        .filter(|row| row.kind.starts_with("Linear"));
    for row in linear_rows {
        for field in ["weight", "bias"] {
            let key = format!("\"{}.{field}\"", row.name);
            assert!(header.contains(&key), "{key} not in {header}");
        }
    }
    assert!(header.contains("\"0.0.weight\""), "{header}");
}
