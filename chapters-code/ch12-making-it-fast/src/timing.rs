//! Whole training epochs, timed: the same loop as the chapters' (shuffled
//! mini-batches, forward, loss, backward, Adam), without progress bars.

use ae_support::batching::{Batch, gather, shuffled_batches};
use ae_support::losses::Loss;
use ch03_simple_autoencoder::{Autoencoder, Trainer};
use dfdx::optim::Optimizer;
use dfdx::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::time::Instant;

/// A training setup of an autoencoder on 784-wide rows: chapter 3's
/// [`Trainer`], with plain or fused parts.
pub trait Training {
    /// One step on one batch (an autoencoder's target is its input);
    /// returns the batch's loss.
    fn step(&mut self, batch: Batch<784>) -> f32;

    /// One epoch over the rows of `rows` in shuffled batches of `batch_size`;
    /// returns its wall-clock seconds and its mean loss.
    fn epoch(&mut self, rows: &[f32], batch_size: usize, rng: &mut StdRng) -> (f64, f32) {
        let dev = Cpu::default();
        let started = Instant::now();
        let mut total = 0.0f64;
        let count = rows.len() / 784;
        for indices in shuffled_batches(count, batch_size, rng) {
            let batch: Batch<784> = gather(&dev, rows, &indices);
            total += f64::from(self.step(batch)) * indices.len() as f64;
        }
        (
            started.elapsed().as_secs_f64(),
            (total / count as f64) as f32,
        )
    }
}

impl<M, O, L> Training for Trainer<M, O, L>
where
    M: Autoencoder<784>,
    O: Optimizer<M, Cpu, f32>,
    L: Loss,
{
    fn step(&mut self, batch: Batch<784>) -> f32 {
        Trainer::step(self, batch.clone(), batch)
    }
}

/// What [`time_epochs`] measured.
#[derive(Clone, Debug)]
pub struct Timing {
    /// Seconds of each timed epoch (the warm-up epoch is not included).
    pub seconds: Vec<f64>,
    /// Mean training loss of every epoch, the warm-up one first.
    pub losses: Vec<f32>,
}

impl Timing {
    /// The median of the timed epochs.
    pub fn median_seconds(&self) -> f64 {
        median(&self.seconds).expect("at least one timed epoch")
    }
}

/// The median of `values` (the mean of the middle two for an even count),
/// or `None` when there are none.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut s = values.to_vec();
    s.sort_by(f64::total_cmp);
    let mid = s.len() / 2;
    match s.len() {
        0 => None,
        n if n % 2 == 1 => Some(s[mid]),
        _ => Some((s[mid - 1] + s[mid]) / 2.0),
    }
}

/// Trains `model` for one warm-up epoch and then `epochs` timed ones.
/// The warm-up lets the allocator and the thread pool settle, as the
/// first epoch of a long run would.
pub fn time_epochs(
    mut training: impl Training,
    rows: &[f32],
    batch_size: usize,
    epochs: usize,
    seed: u64,
) -> Timing {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut timing = Timing {
        seconds: Vec::new(),
        losses: Vec::new(),
    };
    for epoch in 0..=epochs {
        let (seconds, loss) = training.epoch(rows, batch_size, &mut rng);
        if epoch > 0 {
            timing.seconds.push(seconds);
        }
        timing.losses.push(loss);
    }
    timing
}

/// `count` rows of 784 pixels that look like MNIST to the arithmetic: about
/// four in five pixels are 0, the rest uniform in (0, 1]. Speed does not
/// depend on what the digits show, so the benchmarks need no download.
pub fn synthetic_images(count: usize, seed: u64) -> Vec<f32> {
    use rand::Rng;
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count * 784)
        .map(|_| {
            if rng.gen_bool(0.8) {
                0.0
            } else {
                1.0 - rng.r#gen::<f32>()
            }
        })
        .collect()
}
