// The interactive figure of chapter 10: drag a point over the latent plane
// of the 2-d VAE and watch its decoder draw the digit at that point.
//
// The decoder's weights come from figures/ch10/decoder.json, written by
// `cargo run -p ch10-variational`; the forward pass below is the one
// `ch10_variational::latent::decode` runs in Rust: ReLU(W1 z + b1), then
// sigmoid(W2 h + b2). Nothing is fetched from anywhere but the book itself.
(function () {
  'use strict';

  const SIDE = 28;
  // The plane shows [-RANGE, RANGE] on both axes: the prior N(0, I) puts
  // almost every code inside.
  const RANGE = 4;
  // One colour per class, for the dots of the evaluation images' means.
  const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
    '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

  function floats(base64) {
    const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    return new Float32Array(bytes.buffer);
  }

  function dense(layer, input) {
    const out = new Float64Array(layer.outputs);
    for (let o = 0; o < layer.outputs; o++) {
      let sum = layer.bias[o];
      const row = o * layer.inputs;
      for (let i = 0; i < layer.inputs; i++) sum += layer.weight[row + i] * input[i];
      out[o] = layer.activation === 'relu' ? Math.max(0, sum) : 1 / (1 + Math.exp(-sum));
    }
    return out;
  }

  function start(root, model, explorer) {
    const layers = model.layers.map(l => Object.assign({}, l, {
      weight: floats(l.weight), bias: floats(l.bias),
    }));
    const plane = root.querySelector('.latent-plane');
    const digit = root.querySelector('.latent-digit');
    const readout = root.querySelector('.latent-readout');
    const small = document.createElement('canvas');
    small.width = SIDE;
    small.height = SIDE;
    explorer.point = [0, 0];
    explorer.pixels = new Float32Array(SIDE * SIDE);

    const toPlane = ([x, y]) => [
      (x + RANGE) / (2 * RANGE) * plane.width,
      (RANGE - y) / (2 * RANGE) * plane.height,
    ];
    const fromPlane = (px, py) => [
      px / plane.width * 2 * RANGE - RANGE,
      RANGE - py / plane.height * 2 * RANGE,
    ];

    function drawPlane() {
      const g = plane.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, plane.width, plane.height);
      g.strokeStyle = '#ddd';
      for (let v = -RANGE; v <= RANGE; v++) {
        const [a, b] = toPlane([v, v]);
        g.beginPath(); g.moveTo(a, 0); g.lineTo(a, plane.height); g.stroke();
        g.beginPath(); g.moveTo(0, b); g.lineTo(plane.width, b); g.stroke();
      }
      const means = model.means || [];
      for (let i = 0; i + 1 < means.length; i += 2) {
        const [a, b] = toPlane([means[i], means[i + 1]]);
        g.fillStyle = COLOURS[model.labels[i / 2] % COLOURS.length];
        g.globalAlpha = 0.5;
        g.fillRect(a - 1.5, b - 1.5, 3, 3);
      }
      g.globalAlpha = 1;
      const [a, b] = toPlane(explorer.point);
      g.strokeStyle = '#000';
      g.lineWidth = 2;
      g.beginPath(); g.arc(a, b, 7, 0, 2 * Math.PI); g.stroke();
      g.lineWidth = 1;
    }

    function drawDigit() {
      const image = small.getContext('2d').createImageData(SIDE, SIDE);
      explorer.pixels.forEach((p, i) => {
        const v = Math.round(Math.min(1, Math.max(0, p)) * 255);
        image.data.set([v, v, v, 255], 4 * i);
      });
      small.getContext('2d').putImageData(image, 0, 0);
      const g = digit.getContext('2d');
      g.imageSmoothingEnabled = false;
      g.drawImage(small, 0, 0, digit.width, digit.height);
    }

    // Decodes `(x, y)` and redraws both canvases; returns the pixels.
    explorer.moveTo = function (x, y) {
      explorer.point = [x, y];
      const hidden = dense(layers[0], [x, y]);
      explorer.pixels = Float32Array.from(dense(layers[1], hidden));
      drawPlane();
      drawDigit();
      readout.textContent = 'z = (' + x.toFixed(2) + ', ' + y.toFixed(2) + ')';
      return explorer.pixels;
    };

    let dragging = false;
    const follow = event => {
      const box = plane.getBoundingClientRect();
      const px = (event.clientX - box.left) * plane.width / box.width;
      const py = (event.clientY - box.top) * plane.height / box.height;
      explorer.moveTo(...fromPlane(px, py));
    };
    plane.addEventListener('pointerdown', event => {
      dragging = true;
      try { plane.setPointerCapture(event.pointerId); } catch (_) { /* synthetic */ }
      follow(event);
    });
    plane.addEventListener('pointermove', event => { if (dragging) follow(event); });
    plane.addEventListener('pointerup', () => { dragging = false; });
    plane.addEventListener('pointercancel', () => { dragging = false; });
    plane.addEventListener('keydown', event => {
      const step = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, 0.1], ArrowDown: [0, -0.1] }[event.key];
      if (!step) return;
      event.preventDefault();
      explorer.moveTo(explorer.point[0] + step[0], explorer.point[1] + step[1]);
    });
    explorer.moveTo(0, 0);
  }

  const root = document.querySelector('.latent-explorer');
  if (!root) return;
  // For tests and the curious: `latentExplorer.ready` resolves to the
  // explorer, with `moveTo(x, y)` and the decoded `pixels`.
  const explorer = window.latentExplorer = {};
  explorer.ready = fetch(root.dataset.decoder)
    .then(response => {
      if (!response.ok) throw new Error('cannot load ' + root.dataset.decoder + ': HTTP ' + response.status);
      return response.json();
    })
    .then(model => { start(root, model, explorer); return explorer; })
    .catch(error => {
      root.querySelector('.latent-readout').textContent = 'The figure could not start: ' + error.message;
      throw error;
    });
})();
