//! The fused twins compute what the chapters' plain dfdx models compute:
//! the same outputs and gradients on one batch, and, trained from the same
//! seed on the same batches, losses that agree epoch by epoch to within
//! float rounding.

use ae_fast::{Fuse, FuseLayers, Fused};
use ae_support::batching::{Batch, slice};
use ae_support::losses::{BinaryCrossEntropy, Loss, MeanSquaredError};
use ch03_simple_autoencoder::Autoencoder;
use ch12_making_it_fast::models::*;
use ch12_making_it_fast::timing::{Timing, Training, synthetic_images, time_epochs};
use dfdx::nn::modules::{RecursiveWalker, TensorOptions, TensorVisitor, ViewTensorRef};
use dfdx::prelude::*;

const SAMPLES: usize = 1_024;
const EPOCHS: usize = 3;

fn assert_close(what: &str, plain: &[f32], fused: &[f32]) {
    assert_eq!(plain.len(), fused.len(), "{what}");
    for (i, (p, f)) in plain.iter().zip(fused).enumerate() {
        assert!(
            (p - f).abs() <= 1e-5 + 1e-4 * p.abs(),
            "{what}[{i}]: plain {p}, fused {f}"
        );
    }
}

/// Compares the gradient of every parameter in two sets of gradients: the
/// fused twin holds the plain model's own tensors, so both are found under
/// the same tensors.
struct SameGradients<'a> {
    plain: &'a Gradients<f32, Cpu>,
    fused: &'a Gradients<f32, Cpu>,
    compared: usize,
}

impl TensorVisitor<f32, Cpu> for SameGradients<'_> {
    type Viewer = ViewTensorRef;
    type Err = CpuError;
    type E2 = f32;
    type D2 = Cpu;

    fn visit<S: Shape>(
        &mut self,
        _: TensorOptions<S, f32, Cpu>,
        parameter: &Tensor<S, f32, Cpu>,
    ) -> Result<Option<Tensor<S, f32, Cpu>>, CpuError> {
        let what = format!("gradient of parameter {}", self.compared);
        assert_close(
            &what,
            &self.plain.get(parameter).as_vec(),
            &self.fused.get(parameter).as_vec(),
        );
        self.compared += 1;
        Ok(None)
    }
}

/// The loss, the outputs and every gradient of `model` and of its fused
/// twin on one batch.
fn assert_same_values_and_gradients<M, L>(mut model: M, loss: L, parameters: usize)
where
    M: FuseLayers + Autoencoder<784> + Clone,
    Fused<M>: Autoencoder<784>,
    L: Loss + Fuse + Copy,
    Fused<L>: Loss,
{
    let dev = Cpu::default();
    let batch: Batch<784> = slice(&dev, &synthetic_images(48, 5), 0..48);
    let mut twin = model.clone().fuse();
    assert_close(
        "outputs",
        &model.forward(batch.clone()).as_vec(),
        &twin.forward(batch.clone()).as_vec(),
    );
    let plain_loss = loss.loss(
        model.forward_mut(batch.clone().traced(model.alloc_grads())),
        batch.clone(),
    );
    let fused_loss = loss.fuse().loss(
        twin.forward_mut(batch.clone().traced(twin.alloc_grads())),
        batch,
    );
    assert_close("loss", &[plain_loss.array()], &[fused_loss.array()]);
    let (plain, fused) = (plain_loss.backward(), fused_loss.backward());
    let mut same = SameGradients {
        plain: &plain,
        fused: &fused,
        compared: 0,
    };
    M::iter_tensors(&mut RecursiveWalker {
        m: &model,
        f: &mut same,
    })
    .expect("reading gradients cannot fail");
    assert_eq!(same.compared, parameters);
}

#[test]
fn the_twins_compute_the_same_outputs_and_gradients() {
    let dev = Cpu::seed_from_u64(9);
    let simple = dev.build_module::<SimpleAutoencoder, f32>();
    assert_same_values_and_gradients(simple, BinaryCrossEntropy, 4);
    let deep = dev.build_module::<DeepAutoencoder, f32>();
    assert_same_values_and_gradients(deep, BinaryCrossEntropy, 8);
    let chollet = dev.build_module::<CholletDeepAutoencoder, f32>();
    assert_same_values_and_gradients(chollet, BinaryCrossEntropy, 12);
    let sparse = dev.build_module::<KlAutoencoder, f32>();
    assert_same_values_and_gradients(sparse, MeanSquaredError, 8);
    let linear = dev.build_module::<LinearAutoencoder, f32>();
    assert_same_values_and_gradients(linear, MeanSquaredError, 4);
}

/// A few epochs on the same images in the same order, whatever the model.
struct Train<'a>(&'a [f32]);

impl WithModel for Train<'_> {
    type Output = Timing;
    fn run<T: Training>(self, training: T) -> Timing {
        time_epochs(training, self.0, 64, EPOCHS, 11)
    }
}

/// Trains both builds of `model` and compares their losses.
fn assert_same_losses(model: Model) {
    let rows = synthetic_images(SAMPLES, 7);
    let plain = build_and(model, Build::Plain, 3, Train(&rows));
    let fast = build_and(model, Build::Fast, 3, Train(&rows));
    assert_eq!(plain.losses.len(), EPOCHS + 1);
    // Training must have done something, or agreeing would prove nothing.
    assert!(
        plain.losses[EPOCHS] < 0.9 * plain.losses[0],
        "{model:?}: the loss did not fall: {:?}",
        plain.losses
    );
    for (epoch, (p, f)) in plain.losses.iter().zip(&fast.losses).enumerate() {
        assert!(
            (p - f).abs() <= 1e-3 * p.abs(),
            "{model:?}, epoch {epoch}: plain {p}, fast {f}"
        );
    }
}

#[test]
fn simple_autoencoder_losses_match() {
    assert_same_losses(Model::Simple);
}

#[test]
fn deep_autoencoder_losses_match() {
    assert_same_losses(Model::Deep);
}

#[test]
fn chollet_deep_autoencoder_losses_match() {
    assert_same_losses(Model::CholletDeep);
}

#[test]
fn sparse_autoencoder_losses_match() {
    assert_same_losses(Model::Sparse);
}

#[test]
fn linear_autoencoder_losses_match() {
    assert_same_losses(Model::Linear);
}
