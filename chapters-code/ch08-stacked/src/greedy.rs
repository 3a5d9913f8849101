//! Greedy layer-wise training: one shallow autoencoder at a time.
//!
//! Before end-to-end training of deep networks worked well, deep
//! autoencoders were grown a layer at a time. A 784-100-784 autoencoder
//! learns the images; a 100-30-100 autoencoder then learns *its codes*; the
//! two encoders, stacked, make the deep encoder, and the two decoders, in
//! reverse order, the deep decoder.

use ae_support::data::IMAGE_PIXELS;
use ae_support::training::{FitConfig, History, TrainError};
use ch05_denoising::geron::{StackedModel, fit_nadam, mean_squared_error, predict};
use dfdx::prelude::*;

// ANCHOR: greedy_models
/// Phase 1: 784 → 100 (ReLU) → 784 (linear), trained on the images.
pub type OuterAutoencoder = (Linear<IMAGE_PIXELS, 100>, ReLU, Linear<100, IMAGE_PIXELS>);
/// Phase 2: 100 → 30 (ReLU) → 100 (linear), trained on phase 1's codes.
pub type InnerAutoencoder = (Linear<100, 30>, ReLU, Linear<30, 100>);
// ANCHOR_END: greedy_models

/// The stacked model grown layer by layer, and each phase's losses.
pub struct Greedy {
    pub model: StackedModel,
    /// Phase 1: MSE on the images.
    pub outer: History,
    /// Phase 2: MSE on phase 1's 100-d codes.
    pub inner: History,
}

// ANCHOR: train_greedy
/// Trains the two shallow autoencoders one after the other on `train`
/// (phase 2 on phase 1's codes), each for `config.epochs` epochs, and
/// stacks them into Géron's 784-100-30-100-784 model.
pub fn train_greedy(
    train: &[f32],
    validation: &[f32],
    config: &FitConfig,
) -> Result<Greedy, TrainError> {
    let dev = Cpu::seed_from_u64(config.seed);
    let outer = dev.build_module::<OuterAutoencoder, f32>();
    let (outer, outer_history) = fit_nadam(
        outer,
        (train, train),
        config,
        mse_loss,
        |_| {},
        |m| Some(mean_squared_error(m, validation, validation)),
    )?;

    // Phase 1's codes, computed once: the inputs and targets of phase 2.
    let encode = (outer.0.clone(), ReLU);
    let codes = predict::<_, IMAGE_PIXELS, 100>(&encode, train);
    let valid_codes = predict::<_, IMAGE_PIXELS, 100>(&encode, validation);
    let inner = dev.build_module::<InnerAutoencoder, f32>();
    let (inner, inner_history) = fit_nadam(
        inner,
        (&codes, &codes),
        config,
        mse_loss,
        |_| {},
        |m| Some(mean_squared_error(m, &valid_codes, &valid_codes)),
    )?;

    // Encoders outside-in, decoders inside-out.
    let (outer_encoder, _, outer_decoder) = outer;
    let (inner_encoder, _, inner_decoder) = inner;
    let model = (
        (outer_encoder, ReLU, inner_encoder, ReLU),
        (inner_decoder, ReLU, outer_decoder),
    );
    Ok(Greedy {
        model,
        outer: outer_history,
        inner: inner_history,
    })
}
// ANCHOR_END: train_greedy
