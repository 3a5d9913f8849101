//! The penalties change what training does, on generated data and in a few
//! steps: a penalised step shrinks the code where an unpenalised one does not.

use ae_support::batching::Batch;
use ae_support::data::IMAGE_PIXELS;
use ae_support::losses::BinaryCrossEntropy;
use ch03_simple_autoencoder::{SimpleAutoencoder, keras_adam, train_step};
use ch06_sparse::{
    KlAutoencoder, Losses, Reconstruction, SimpleAutoencoder as Reexported, Sparsity, sparse_step,
};
use dfdx::prelude::*;

/// 16 images of smooth gradients, different for each image.
fn batch(dev: &Cpu) -> Batch<IMAGE_PIXELS> {
    let rows: Vec<f32> = (0..16 * IMAGE_PIXELS)
        .map(|i| {
            let (image, pixel) = (i / IMAGE_PIXELS, i % IMAGE_PIXELS);
            ((pixel * (image + 1)) % 97) as f32 / 96.0
        })
        .collect();
    dev.tensor_from_vec(rows, (16, Const::<IMAGE_PIXELS>))
}

fn mean_abs(values: Vec<f32>) -> f32 {
    values.iter().map(|v| v.abs()).sum::<f32>() / values.len() as f32
}

/// Trains a fresh simple autoencoder (always the same initial weights) for
/// `steps` steps with `sparsity`; returns the mean |code| on the batch after.
fn simple_after(steps: usize, sparsity: Sparsity) -> (f32, Losses) {
    let dev = Cpu::seed_from_u64(7);
    let mut model = dev.build_module::<Reexported, f32>();
    let mut grads = model.alloc_grads();
    let mut optimizer = keras_adam(&model);
    let x = batch(&dev);
    let mut first = Losses::default();
    for step in 0..steps {
        let losses = sparse_step(
            &mut model,
            &mut optimizer,
            &mut grads,
            x.clone(),
            &Reconstruction::CrossEntropy,
            sparsity,
        );
        if step == 0 {
            first = losses;
        }
    }
    (mean_abs(model.0.forward(x).as_vec()), first)
}

#[test]
fn an_l1_step_lowers_the_mean_code_more_than_a_plain_step() {
    let (plain, plain_losses) = simple_after(5, Sparsity::None);
    let (sparse, sparse_losses) = simple_after(5, Sparsity::L1 { lambda: 1e-2 });
    assert!(
        sparse < 0.8 * plain,
        "mean |code| after 5 steps: {sparse} with L1, {plain} without"
    );
    // Same initial weights: the same reconstruction loss on the first batch,
    // and a penalty on top for the sparse model only.
    assert_eq!(plain_losses.reconstruction, sparse_losses.reconstruction);
    assert_eq!(plain_losses.penalty, 0.0);
    assert!(sparse_losses.penalty > 0.0);
}

#[test]
fn a_kl_step_pulls_the_mean_activation_towards_the_target() {
    let run = |sparsity: Sparsity| {
        let dev = Cpu::seed_from_u64(3);
        let mut model = dev.build_module::<KlAutoencoder, f32>();
        let mut grads = model.alloc_grads();
        let mut optimizer = keras_adam(&model);
        let x = batch(&dev);
        for _ in 0..5 {
            sparse_step(
                &mut model,
                &mut optimizer,
                &mut grads,
                x.clone(),
                &Reconstruction::SquaredError,
                sparsity,
            );
        }
        let codes = model.0.forward(x).as_vec();
        codes.iter().sum::<f32>() / codes.len() as f32
    };
    let plain = run(Sparsity::None);
    let sparse = run(Sparsity::Kl {
        beta: 1e-2,
        target: 0.1,
    });
    // Sigmoid units start near 0.5 on average.
    assert!(plain > 0.3, "{plain}");
    assert!(
        sparse < plain - 0.05,
        "mean activation {sparse} with KL, {plain} without"
    );
}

#[test]
fn without_a_penalty_the_step_is_chapter_3s_step() {
    let dev = Cpu::seed_from_u64(11);
    let x = batch(&dev);
    let mut ours = dev.build_module::<SimpleAutoencoder, f32>();
    let mut theirs = ours.clone();
    let (mut g1, mut g2) = (ours.alloc_grads(), theirs.alloc_grads());
    let (mut o1, mut o2) = (keras_adam(&ours), keras_adam(&theirs));
    for _ in 0..3 {
        let a = sparse_step(
            &mut ours,
            &mut o1,
            &mut g1,
            x.clone(),
            &Reconstruction::CrossEntropy,
            Sparsity::None,
        );
        let loss = BinaryCrossEntropy;
        let b = train_step(&mut theirs, &mut o2, &loss, &mut g2, x.clone(), x.clone());
        assert_eq!(a.reconstruction, b);
    }
    assert_eq!(ours.0.0.weight.as_vec(), theirs.0.0.weight.as_vec());
    assert_eq!(ours.1.bias.as_vec(), theirs.1.bias.as_vec());
}
