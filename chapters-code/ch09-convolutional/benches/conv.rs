//! One convolution layer of the keras.io model, `Conv2D(32, 3, activation=
//! "relu", padding="same")` on a batch of 32 feature maps of 14×14×32: the
//! forward pass alone (evaluation), and forward plus backward (training).
//! Beside it, the model's last transposed convolution, from the same 14×14×32
//! maps to 28×28×32: the same number of multiply-adds, with stride 2.

use ch09_convolutional::activation::ReLU;
use ch09_convolutional::layers::{Conv2D, ConvTranspose2D, FeatureMaps, Strided};
use criterion::{Criterion, criterion_group, criterion_main};
use dfdx::prelude::*;

const BATCH: usize = 32;

fn conv(c: &mut Criterion) {
    let dev = Cpu::seed_from_u64(0);
    let layer = dev.build_module::<Conv2D<32, 32, 3, ReLU>, f32>();
    let x: FeatureMaps<32, 14, 14> = dev.sample_normal_like(&(BATCH, Const, Const, Const));
    let mut group = c.benchmark_group("conv2d 32->32 3x3 same, 32 images of 14x14");
    group.bench_function("forward", |b| b.iter(|| layer.forward(x.clone())));
    group.bench_function("forward + backward", |b| {
        b.iter(|| layer.forward(x.leaky_trace()).sum().backward())
    });
    group.finish();
}

fn transposed(c: &mut Criterion) {
    let dev = Cpu::seed_from_u64(0);
    let layer = dev.build_module::<ConvTranspose2D<32, 32, 3, ReLU, Strided<2, 28, 28>>, f32>();
    let x: FeatureMaps<32, 14, 14> = dev.sample_normal_like(&(BATCH, Const, Const, Const));
    let mut group = c.benchmark_group("conv2d_transpose 32->32 3x3 stride 2, 32 images of 14x14");
    group.bench_function("forward", |b| b.iter(|| layer.forward(x.clone())));
    group.bench_function("forward + backward", |b| {
        b.iter(|| layer.forward(x.leaky_trace()).sum().backward())
    });
    group.finish();
}

criterion_group!(benches, conv, transposed);
criterion_main!(benches);
