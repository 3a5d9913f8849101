"""Seconds per 60,000-image epoch of the book's models in Keras 3.

The Python side of the comparison in chapter 12: the same layers, loss,
optimiser, batch size and kind of random images as
`cargo run --release -p ch12-making-it-fast -- epoch`.

    pip install "jax[cpu]" keras
    KERAS_BACKEND=jax python chapters-code/ch12-making-it-fast/compare/keras_epoch.py

Set KERAS_BACKEND=tensorflow (after `pip install tensorflow`) for the
TensorFlow backend. `--models` and `--batch-size` work as in the bench
command; the default is chapter 3's two models at batch 256.
"""

import argparse
import statistics
import time

import keras
import numpy as np

SAMPLES = 60_000
TIMED_EPOCHS = 3

# name: (hidden layers as (width, activation), output activation, loss)
MODELS = {
    "simple": ([(32, "relu")], "sigmoid", "binary_crossentropy"),
    "deep": ([(128, "relu"), (32, "relu"), (128, "relu")], "sigmoid", "binary_crossentropy"),
    "chollet-deep": ([(128, "relu"), (64, "relu"), (32, "relu"), (64, "relu"), (128, "relu")],
                     "sigmoid", "binary_crossentropy"),
    # Chapter 6's KL model ends without an activation and trains on the MSE.
    "sparse": ([(100, "relu"), (300, "sigmoid"), (100, "relu")], None, "mean_squared_error"),
    "linear": ([(32, None)], None, "mean_squared_error"),
}


def synthetic_images(count, seed):
    """Four pixels in five at 0, the rest uniform in (0, 1], like MNIST."""
    rng = np.random.default_rng(seed)
    images = 1.0 - rng.random((count, 784), dtype=np.float32)
    images[rng.random((count, 784)) < 0.8] = 0.0
    return images


def autoencoder(hidden, output, loss):
    """784 inputs, the given hidden layers, 784 outputs."""
    layers = [keras.Input(shape=(784,))]
    layers += [keras.layers.Dense(width, activation=act) for width, act in hidden]
    layers.append(keras.layers.Dense(784, activation=output))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss=loss)
    return model


def processor():
    """The processor's name and the widest vectors it offers, from Linux."""
    name, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and name == "unknown CPU":
                    name = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    if "avx512f" in flags:
        width = "AVX-512, 16 f32 per vector"
    elif {"avx2", "fma"} <= flags:
        width = "AVX2 and FMA, 8 f32 per vector"
    else:
        width = "baseline SIMD, 4 f32 per vector"
    return f"{name} ({width})"


def layout(hidden):
    widths = "-".join(str(width) for width, _ in hidden)
    linear = " linear" if all(act is None for _, act in hidden) else ""
    return f"784-{widths}-784{linear}"


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of every epoch."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="simple,deep",
                        help="comma-separated: " + ",".join(MODELS))
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    names = args.models.split(",")
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODELS)}")
    images = synthetic_images(SAMPLES, seed=7)
    print(f"{processor()}; Keras {keras.__version__} on {keras.backend.backend()}; "
          f"{SAMPLES} random MNIST-like images, batch {args.batch_size}, Adam; "
          f"median of {TIMED_EPOCHS} epochs after 1 warm-up")
    print("| model | s/epoch | loss, last epoch |")
    print("|---|---|---|")
    for name in names:
        hidden, output, loss = MODELS[name]
        model = autoencoder(hidden, output, loss)
        timer = EpochTimer()
        history = model.fit(images, images, batch_size=args.batch_size,
                            epochs=1 + TIMED_EPOCHS, shuffle=True, verbose=0,
                            callbacks=[timer])
        seconds = statistics.median(timer.seconds[1:])
        print(f"| {layout(hidden)} | {seconds:.3f} | {history.history['loss'][-1]:.4f} |")


if __name__ == "__main__":
    main()
