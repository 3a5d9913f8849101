"""Seconds per 60,000-image epoch of the book's models in Keras 3.

The Python side of the comparison in chapter 12: the same layers, loss,
optimiser, batch size and kind of random images as
`cargo run --release -p ch12-making-it-fast -- epoch`.

    pip install "jax[cpu]" keras
    KERAS_BACKEND=jax python chapters-code/ch12-making-it-fast/compare/keras_epoch.py

Set KERAS_BACKEND=tensorflow (after `pip install tensorflow`) for the
TensorFlow backend. `--models` and `--batch-size` work as in the bench
command; the default is chapter 3's two models at batch 256. `conv-chollet`
and `conv-keras` are chapter 9's convolutional models, with logits out and
the cross-entropy on logits, as in the Rust code.
"""

import argparse
import statistics
import time

import keras
import numpy as np

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


def conv(filters, activation="relu", padding="same"):
    return keras.layers.Conv2D(filters, 3, activation=activation, padding=padding)


def pool():
    # "same" pads 7 rows to 8, as chapter 9's MaxPool2D<4, 4> does.
    return keras.layers.MaxPooling2D(2, padding="same")


# Chapter 9's models (src/models.rs), from rows of 784 to rows of 784 logits.
CONV_MODELS = {
    "conv-chollet": ("conv, Chollet (code 4×4×8)", lambda: [
        conv(16), pool(), conv(8), pool(), conv(8), pool(),
        conv(8), keras.layers.UpSampling2D(2),
        conv(8), keras.layers.UpSampling2D(2),
        conv(16, padding="valid"), keras.layers.UpSampling2D(2),
        conv(1, activation=None),
    ]),
    "conv-keras": ("conv, keras.io (code 7×7×32)", lambda: [
        conv(32), pool(), conv(32), pool(),
        keras.layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same"),
        keras.layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same"),
        conv(1, activation=None),
    ]),
}


def conv_autoencoder(layers):
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Reshape((28, 28, 1)),
                              *layers(), keras.layers.Flatten()])
    model.compile(optimizer="adam",
                  loss=keras.losses.BinaryCrossentropy(from_logits=True))
    return model


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
                        help="comma-separated: " + ",".join([*MODELS, *CONV_MODELS]))
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--samples", type=int, default=60_000, help="images per epoch")
    args = parser.parse_args()
    names = args.models.split(",")
    known = [*MODELS, *CONV_MODELS]
    unknown = [name for name in names if name not in known]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    images = synthetic_images(args.samples, seed=7)
    print(f"{processor()}; Keras {keras.__version__} on {keras.backend.backend()}; "
          f"{args.samples} random MNIST-like images, batch {args.batch_size}, Adam; "
          f"median of {TIMED_EPOCHS} epochs after 1 warm-up")
    print("| model | s/epoch | loss, last epoch |")
    print("|---|---|---|")
    for name in names:
        if name in CONV_MODELS:
            title, layers = CONV_MODELS[name]
            model = conv_autoencoder(layers)
        else:
            hidden, output, loss = MODELS[name]
            title, model = layout(hidden), autoencoder(hidden, output, loss)
        timer = EpochTimer()
        history = model.fit(images, images, batch_size=args.batch_size,
                            epochs=1 + TIMED_EPOCHS, shuffle=True, verbose=0,
                            callbacks=[timer])
        seconds = statistics.median(timer.seconds[1:])
        print(f"| {title} | {seconds:.3f} | {history.history['loss'][-1]:.4f} |")


if __name__ == "__main__":
    main()
