"""Seconds per 60,000-image epoch of chapter 3's two models in Keras 3.

The Python side of the comparison in chapter 8: the same layers, loss,
optimiser, batch size and kind of random images as
`cargo run --release -p ch08-making-it-fast -- epoch --models simple,deep`.

    pip install "jax[cpu]" keras
    KERAS_BACKEND=jax python chapters-code/ch08-making-it-fast/compare/keras_epoch.py

Set KERAS_BACKEND=tensorflow (after `pip install tensorflow`) for the
TensorFlow backend.
"""

import statistics
import time

import keras
import numpy as np

SAMPLES = 60_000
BATCH_SIZE = 256
TIMED_EPOCHS = 3


def synthetic_images(count, seed):
    """Four pixels in five at 0, the rest uniform in (0, 1], like MNIST."""
    rng = np.random.default_rng(seed)
    images = 1.0 - rng.random((count, 784), dtype=np.float32)
    images[rng.random((count, 784)) < 0.8] = 0.0
    return images


def autoencoder(hidden):
    """784 inputs, ReLU layers of the given widths, 784 sigmoid outputs."""
    layers = [keras.Input(shape=(784,))]
    layers += [keras.layers.Dense(width, activation="relu") for width in hidden]
    layers.append(keras.layers.Dense(784, activation="sigmoid"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of every epoch."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.started)


def main():
    images = synthetic_images(SAMPLES, seed=7)
    print(f"Keras {keras.__version__} on {keras.backend.backend()}; "
          f"{SAMPLES} random MNIST-like images, batch {BATCH_SIZE}, Adam; "
          f"median of {TIMED_EPOCHS} epochs after 1 warm-up")
    print("| model | s/epoch | loss, last epoch |")
    print("|---|---|---|")
    for name, hidden in [("784-32-784", [32]), ("784-128-32-128-784", [128, 32, 128])]:
        model = autoencoder(hidden)
        timer = EpochTimer()
        history = model.fit(images, images, batch_size=BATCH_SIZE,
                            epochs=1 + TIMED_EPOCHS, shuffle=True, verbose=0,
                            callbacks=[timer])
        seconds = statistics.median(timer.seconds[1:])
        print(f"| {name} | {seconds:.3f} | {history.history['loss'][-1]:.4f} |")


if __name__ == "__main__":
    main()
