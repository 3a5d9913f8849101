use ae_support::batching::{Batch, gather, shuffled_batches};
use ae_support::fast::{self, Dense};
use ch03_simple_autoencoder::model::*;
use ch03_simple_autoencoder::training::{TracedBatch, keras_adam};
use dfdx::optim::Optimizer;
use dfdx::prelude::*;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::time::Instant;

type FastSimple = (Dense<784, 32, ReLU>, Dense<32, 784>);
type FastDeep = ((Dense<784, 128, ReLU>, Dense<128, 32, ReLU>), (Dense<32, 128, ReLU>, Dense<128, 784>));

fn epoch<M>(name: &str, mut model: M, rows: &[f32], batch: usize, fused_loss: bool)
where
    M: ModuleMut<TracedBatch<784>, Output = TracedBatch<784>> + ZeroGrads<f32, Cpu>,
{
    let dev = Cpu::default();
    let mut grads = model.alloc_grads();
    let mut opt = keras_adam(&model);
    let mut rng = StdRng::seed_from_u64(0);
    for rep in 0..3 {
        let start = Instant::now();
        let mut loss_sum = 0.0;
        let mut n = 0;
        for idx in shuffled_batches(rows.len() / 784, batch, &mut rng) {
            let b: Batch<784> = gather(&dev, rows, &idx);
            let tape = std::mem::replace(&mut grads, Gradients::leaky());
            let logits = model.forward_mut(b.clone().traced(tape));
            let loss = if fused_loss { fast::bce_with_logits_loss(logits, b) } else { binary_cross_entropy_with_logits_loss(logits, b) };
            loss_sum += loss.array(); n += 1;
            grads = loss.backward();
            opt.update(&mut model, &grads).unwrap();
            model.zero_grads(&mut grads);
        }
        println!("{name} rep {rep}: {:.3} s  loss {:.4}", start.elapsed().as_secs_f64(), loss_sum / n as f32);
    }
}

fn main() {
    let mut rng = StdRng::seed_from_u64(1);
    let rows: Vec<f32> = (0..60_000 * 784).map(|_| if rng.r#gen::<f32>() < 0.8 { 0.0 } else { rng.r#gen() }).collect();
    let which = std::env::args().nth(1).unwrap_or_default();
    let dev = Cpu::seed_from_u64(0);
    if which.contains("stock") {
        epoch("simple stock", dev.build_module::<SimpleAutoencoder, f32>(), &rows, 256, false);
        epoch("deep stock", dev.build_module::<DeepAutoencoder, f32>(), &rows, 256, false);
    }
    if which.contains("loss") {
        epoch("simple fused loss", dev.build_module::<SimpleAutoencoder, f32>(), &rows, 256, true);
    }
    epoch("simple fast", dev.build_module::<FastSimple, f32>(), &rows, 256, true);
    epoch("deep fast", dev.build_module::<FastDeep, f32>(), &rows, 256, true);
}
