//! Checkpoints: exact round trips, atomic writes, and clear errors (never
//! panics, never a half-loaded model) when the file does not fit the model.

use std::path::{Path, PathBuf};

use ae_support::checkpoint::{CheckpointError, TensorMismatch, load, save};
use dfdx::prelude::*;

fn out_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("checkpoint")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

type Autoencoder = ((Linear<784, 32>, ReLU), (Linear<32, 784>, Sigmoid));

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn roundtrip_restores_exactly_equal_weights() {
    let dev: Cpu = Default::default();
    let dir = out_dir("roundtrip");
    let path = dir.join("nested/ae.safetensors");
    let saved = dev.build_module::<Autoencoder, f32>();
    let mut loaded = dev.build_module::<Autoencoder, f32>();
    assert_ne!(saved.0.0.weight.as_vec(), loaded.0.0.weight.as_vec());

    save(&saved, &path).expect("saved");
    load(&mut loaded, &path).expect("loaded");

    assert_eq!(saved.0.0.weight.as_vec(), loaded.0.0.weight.as_vec());
    assert_eq!(saved.0.0.bias.as_vec(), loaded.0.0.bias.as_vec());
    assert_eq!(saved.1.0.weight.as_vec(), loaded.1.0.weight.as_vec());
    assert_eq!(saved.1.0.bias.as_vec(), loaded.1.0.bias.as_vec());
    // Only the checkpoint is left: the temporary file was renamed away.
    assert_eq!(files_in(&dir.join("nested")), ["ae.safetensors"]);
}

#[test]
fn saving_twice_replaces_the_file() {
    let dev: Cpu = Default::default();
    let dir = out_dir("overwrite");
    let path = dir.join("m.safetensors");
    let first = dev.build_module::<Linear<4, 3>, f32>();
    let second = dev.build_module::<Linear<4, 3>, f32>();
    save(&first, &path).unwrap();
    save(&second, &path).unwrap();
    let mut loaded = dev.build_module::<Linear<4, 3>, f32>();
    load(&mut loaded, &path).unwrap();
    assert_eq!(loaded.weight.as_vec(), second.weight.as_vec());
    assert_eq!(files_in(&dir), ["m.safetensors"]);
}

#[test]
fn shape_mismatch_is_an_error_not_a_panic() {
    let dev: Cpu = Default::default();
    let path = out_dir("mismatch").join("linear.safetensors");
    save(&dev.build_module::<Linear<4, 3>, f32>(), &path).unwrap();

    let mut wider = dev.build_module::<Linear<5, 3>, f32>();
    let before = wider.weight.as_vec();
    let err = load(&mut wider, &path).unwrap_err();
    match &err {
        CheckpointError::Mismatch { path: p, problems } => {
            assert_eq!(p, &path);
            assert_eq!(
                problems,
                &[TensorMismatch::Shape {
                    name: "weight".into(),
                    found: vec![3, 4],
                    expected: vec![3, 5],
                }]
            );
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("linear.safetensors") && msg.contains("`weight`"),
        "{msg}"
    );
    assert_eq!(wider.weight.as_vec(), before);

    // dfdx by itself also returns an error here rather than panicking; the
    // difference is in what it reports and what it has already overwritten.
    assert!(wider.load_safetensors(&path).is_err());
}

#[test]
fn scalar_fields_roundtrip() {
    // Dropout stores its rate as a scalar, which safetensors holds as one f64.
    let dev: Cpu = Default::default();
    let path = out_dir("scalar").join("m.safetensors");
    let mut saved = dev.build_module::<(Linear<4, 3>, Dropout), f32>();
    saved.1.p = 0.25;
    save(&saved, &path).unwrap();
    let mut loaded = dev.build_module::<(Linear<4, 3>, Dropout), f32>();
    load(&mut loaded, &path).unwrap();
    assert_eq!(loaded.1.p, 0.25);
    assert_eq!(loaded.0.weight.as_vec(), saved.0.weight.as_vec());
}

#[test]
fn failed_load_leaves_the_model_untouched() {
    // The first layer fits, the second does not. dfdx on its own would copy
    // layer 0 before noticing layer 2; the checked load copies nothing.
    let dev: Cpu = Default::default();
    let path = out_dir("partial").join("m.safetensors");
    save(
        &dev.build_module::<(Linear<4, 3>, ReLU, Linear<3, 2>), f32>(),
        &path,
    )
    .unwrap();

    let mut other = dev.build_module::<(Linear<4, 3>, ReLU, Linear<3, 5>), f32>();
    let before = other.0.weight.as_vec();
    let err = load(&mut other, &path).unwrap_err();
    assert!(matches!(err, CheckpointError::Mismatch { .. }), "{err:?}");
    assert_eq!(
        other.0.weight.as_vec(),
        before,
        "layer 0 was not overwritten"
    );

    // What dfdx alone does with the same file: an error, but after layer 0
    // has already been replaced.
    let mut raw = dev.build_module::<(Linear<4, 3>, ReLU, Linear<3, 5>), f32>();
    let raw_before = raw.0.weight.as_vec();
    assert!(raw.load_safetensors(&path).is_err());
    assert_ne!(raw.0.weight.as_vec(), raw_before);
}

#[test]
fn different_architecture_lists_missing_and_unexpected_tensors() {
    let dev: Cpu = Default::default();
    let path = out_dir("architecture").join("m.safetensors");
    save(&dev.build_module::<Linear<4, 3>, f32>(), &path).unwrap();
    let mut tuple = dev.build_module::<(Linear<4, 3>, ReLU), f32>();
    let Err(CheckpointError::Mismatch { problems, .. }) = load(&mut tuple, &path) else {
        panic!("expected a mismatch");
    };
    assert_eq!(
        problems,
        [
            TensorMismatch::Missing {
                name: "0.weight".into(),
                expected: vec![3, 4]
            },
            TensorMismatch::Missing {
                name: "0.bias".into(),
                expected: vec![3]
            },
            TensorMismatch::Unexpected {
                name: "bias".into(),
                shape: vec![3]
            },
            TensorMismatch::Unexpected {
                name: "weight".into(),
                shape: vec![3, 4]
            },
        ]
    );
}

#[test]
fn wrong_dtype_is_reported() {
    let dev: Cpu = Default::default();
    let path = out_dir("dtype").join("m.safetensors");
    // `save` only accepts f32 models, so write an f64 one with dfdx directly.
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    dev.build_module::<Linear<4, 3>, f64>()
        .save_safetensors(&path)
        .unwrap();
    let mut model = dev.build_module::<Linear<4, 3>, f32>();
    let Err(CheckpointError::Mismatch { problems, .. }) = load(&mut model, &path) else {
        panic!("expected a mismatch");
    };
    assert!(
        problems
            .iter()
            .all(|p| matches!(p, TensorMismatch::Dtype { found, .. } if found == "F64")),
        "{problems:?}"
    );
}

#[test]
fn missing_and_corrupt_files_are_errors() {
    let dev: Cpu = Default::default();
    let dir = out_dir("missing");
    let mut model = dev.build_module::<Linear<4, 3>, f32>();

    let absent = dir.join("absent.safetensors");
    let err = load(&mut model, &absent).unwrap_err();
    assert!(matches!(err, CheckpointError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("absent.safetensors"));

    std::fs::create_dir_all(&dir).unwrap();
    let garbage = dir.join("garbage.safetensors");
    std::fs::write(&garbage, b"definitely not safetensors").unwrap();
    let err = load(&mut model, &garbage).unwrap_err();
    assert!(matches!(err, CheckpointError::Format { .. }), "{err:?}");

    let err = save(&model, Path::new("/")).unwrap_err();
    assert!(
        matches!(err, CheckpointError::InvalidPath { .. }),
        "{err:?}"
    );
}
