//! `cargo bench -p ch12-making-it-fast`: one training step of every model of
//! the book (plain dfdx and fast builds, batches of 256 and 32), encoder
//! inference, single matrix products, the fused layer's kernels, and reading
//! the 60,000-image IDX file.

use ae_fast::Fuse;
use ae_fast::matmul::{MatRef, matmul};
use ae_support::batching::{Batch, slice};
use ae_support::idx;
use ch12_making_it_fast::models::*;
use ch12_making_it_fast::timing::{Training, synthetic_images};
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use dfdx::prelude::*;
use std::io::Write;
use std::time::Duration;

/// Benchmarks one training step of whichever model it is given.
struct TrainStep<'a> {
    criterion: &'a mut Criterion,
    model: Model,
    build: Build,
}

impl WithModel for TrainStep<'_> {
    type Output = ();
    fn run<T: Training>(self, mut training: T) {
        let mut group = self
            .criterion
            .benchmark_group(format!("train_step/{}", self.model.layout()));
        let rows = synthetic_images(256, 1);
        let dev = Cpu::default();
        for batch_size in [256, 32] {
            let batch: Batch<784> = slice(&dev, &rows, 0..batch_size);
            group.throughput(Throughput::Elements(batch_size as u64));
            group.bench_function(BenchmarkId::new(self.build.name(), batch_size), |b| {
                b.iter(|| training.step(batch.clone()))
            });
        }
        group.finish();
    }
}

fn train_steps(c: &mut Criterion) {
    for model in Model::ALL {
        for build in [Build::Plain, Build::Fast] {
            build_and(
                model,
                build,
                0,
                TrainStep {
                    criterion: c,
                    model,
                    build,
                },
            );
        }
    }
}

/// Encoding 10,000 images with the encoder half, no tape: what chapter 4
/// does to map the test set.
fn encoder_inference(c: &mut Criterion) {
    let dev = Cpu::seed_from_u64(0);
    let images: Batch<784> = slice(&dev, &synthetic_images(10_000, 2), 0..10_000);
    let mut group = c.benchmark_group("encode_10000");
    group.throughput(Throughput::Elements(10_000));
    let plain = dev.build_module::<SimpleAutoencoder, f32>();
    group.bench_function("784-32 plain", |b| {
        b.iter(|| plain.0.forward(images.clone()))
    });
    let fast = plain.fuse();
    group.bench_function("784-32 fast", |b| b.iter(|| fast.0.forward(images.clone())));
    let deep = dev.build_module::<DeepAutoencoder, f32>().fuse();
    group.bench_function("784-128-32 fast", |b| {
        b.iter(|| deep.0.forward(images.clone()))
    });
    group.finish();
}

/// One product at each shape a training step of the deep autoencoder
/// multiplies at (batch 256): the first layer's forward pass, the last
/// layer's weight gradient and its forward pass. dfdx's `matmul` (gemm 0.15,
/// split between rayon's threads, into a fresh tensor) against
/// `ae_fast::matmul` (gemm 0.19, on the calling thread, into a reused buffer);
/// with `RAYON_NUM_THREADS=1` both run on one thread. The throughput is in
/// floating-point operations.
fn products(c: &mut Criterion) {
    let mut group = c.benchmark_group("product");
    product::<256, 784, 128>(&mut group);
    product::<784, 256, 128>(&mut group);
    product::<256, 128, 784>(&mut group);
    group.finish();
}

fn product<const M: usize, const K: usize, const N: usize>(group: &mut BenchmarkGroup<WallTime>) {
    let dev = Cpu::seed_from_u64(0);
    let a: Tensor<Rank2<M, K>, f32, Cpu> = dev.sample_uniform();
    let b: Tensor<Rank2<K, N>, f32, Cpu> = dev.sample_uniform();
    let shape = format!("{M}x{K} by {K}x{N}");
    group.throughput(Throughput::Elements((2 * M * K * N) as u64));
    group.bench_function(BenchmarkId::new("dfdx", &shape), |bench| {
        bench.iter(|| a.clone().matmul(b.clone()))
    });
    let (a, b) = (a.as_vec(), b.as_vec());
    let mut product = vec![0.0; M * N];
    group.bench_function(BenchmarkId::new("gemm 0.19", &shape), |bench| {
        bench.iter(|| {
            let (a, b) = (MatRef::row_major(&a, M, K), MatRef::row_major(&b, K, N));
            matmul(&mut product, a, b, false)
        })
    });
}

/// The fused layer's two kernels at the deep autoencoder's two large layers
/// (784 → 128 and 128 → 784, batch 256), as a training step calls them: the
/// work split between the threads, with a worker kept awake. The first
/// layer's backward pass computes no input gradient, as in training. The
/// throughput is in floating-point operations, so criterion's rate is the
/// kernels' GFLOP/s.
fn fused_layer_kernels(c: &mut Criterion) {
    let mut group = c.benchmark_group("fused_layer");
    fused_layer::<784, 128>(&mut group, false);
    fused_layer::<128, 784>(&mut group, true);
    group.finish();
}

fn fused_layer<const I: usize, const O: usize>(
    group: &mut BenchmarkGroup<WallTime>,
    input_gradient: bool,
) {
    use ae_fast::kernels::{ActivationKind, dense_backward, dense_forward};
    const BATCH: usize = 256;
    let values = |n: usize| synthetic_images(n.div_ceil(784), 5)[..n].to_vec();
    let (x, weight, delta) = (values(BATCH * I), values(O * I), values(BATCH * O));
    let (bias, mut y) = (vec![0.1; O], vec![0.0; BATCH * O]);
    let (mut grad_weight, mut grad_x) = (vec![0.0; O * I], vec![0.0; BATCH * I]);
    let products = if input_gradient { 2 } else { 1 };
    let name = format!("{I}-{O}, batch {BATCH}");
    group.throughput(Throughput::Elements((2 * BATCH * I * O) as u64));
    group.bench_function(BenchmarkId::new("forward", &name), |b| {
        b.iter(|| dense_forward(ActivationKind::Relu, &x, &weight, &bias, &mut y, I))
    });
    group.throughput(Throughput::Elements((2 * BATCH * I * O * products) as u64));
    group.bench_function(BenchmarkId::new("backward", &name), |b| {
        b.iter(|| {
            // In training the forward pass has woken it.
            ae_fast::threads::keep_workers_awake();
            let grad_x = input_gradient.then_some(&mut grad_x[..]);
            dense_backward(&delta, &x, &weight, &mut grad_weight, grad_x, I)
        })
    });
}

/// An IDX image file of 60,000 random 28 × 28 images, as MNIST's training
/// file is laid out, raw and gzip-compressed.
fn write_idx_files(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut bytes = Vec::with_capacity(16 + 60_000 * 784);
    for word in [0x0803u32, 60_000, 28, 28] {
        bytes.extend_from_slice(&word.to_be_bytes());
    }
    bytes.extend(
        synthetic_images(60_000, 3)
            .iter()
            .map(|&p| (p * 255.0) as u8),
    );
    let raw = dir.join("train-images-idx3-ubyte");
    std::fs::write(&raw, &bytes).expect("temporary file");
    let gz = dir.join("train-images-idx3-ubyte.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&bytes).expect("in memory");
    std::fs::write(&gz, encoder.finish().expect("in memory")).expect("temporary file");
    (raw, gz)
}

fn idx_parsing(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("ch12-idx-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let (raw, gz) = write_idx_files(&dir);
    let mut group = c.benchmark_group("read_60000_images");
    group.throughput(Throughput::Elements(60_000));
    group.bench_function("raw", |b| {
        b.iter(|| idx::read_images(&raw).expect("readable"))
    });
    group.bench_function("gzip", |b| {
        b.iter(|| idx::read_images(&gz).expect("readable"))
    });
    group.finish();
    std::fs::remove_dir_all(&dir).ok();
}

/// Also makes the main thread one of rayon's workers, as the chapters'
/// programs and the `epoch` command do.
fn config() -> Criterion {
    ae_fast::threads::main_thread_joins_pool();
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// The allocator the `epoch` command uses, for the same reason.
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: ae_fast::Allocator = ae_fast::Allocator;

criterion_group! {
    name = benches;
    config = config();
    targets = train_steps, encoder_inference, products, fused_layer_kernels, idx_parsing
}
criterion_main!(benches);
