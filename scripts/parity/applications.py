"""`make parity`: every keras.applications architecture LayerLab opens, at the input of
Tests/Fixtures/keras/applications/ (weights=None, 10 classes), built by Keras with its
random weights, saved as .keras to a temporary folder, opened by LayerLab (the release
build) and run on the same batch: LayerLab's logits against Keras's, within 1e-4 of the largest. Outside CI: it needs Keras and writes files of up to ~100 MB (ResNet50).
Prints one line per architecture and exits non-zero if any differs. Names as arguments
check only those (`applications.py ResNet50`)."""
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APPS = os.path.join(ROOT, "Tests", "Fixtures", "keras", "applications")
LAYERLAB = os.path.join(ROOT, ".build", "release", "layerlab")


def main():
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(os.listdir(APPS)):
            if sys.argv[1:] and name not in sys.argv[1:]:
                continue
            case = json.load(open(os.path.join(APPS, name, "case.json")))
            if case["call"] is None:
                continue  # a tutorial model: its forward is a committed fixture, checked in CI
            keras.backend.clear_session()
            keras.utils.set_random_seed(1)
            # Logits, not the softmax (a deep relu network's random weights shrink the signal and
            # the softmax gives 0.1 everywhere), and BatchNormalization statistics set from a batch
            # (momentum 0, one training-mode call) so that they are of order 1.
            call = case["call"] if "classifier_activation" in case["call"] else case["call"][:-1] + ", classifier_activation=None)"
            model = eval("keras.applications." + call)
            bns = [l for l in model._flatten_layers(include_self=False, recursive=True) if isinstance(l, keras.layers.BatchNormalization)]
            saved = [l.momentum for l in bns]
            for layer in bns:
                layer.momentum = 0.0
            calibration = np.random.default_rng(8).uniform(-1, 1, size=(8,) + tuple(case["input_shape"])).astype(np.float32)
            model(calibration, training=True)
            for layer, m in zip(bns, saved):
                layer.momentum = m
            path = os.path.join(tmp, name + ".keras")
            model.save(path)
            x = np.random.default_rng(3).uniform(-1, 1, size=(2,) + tuple(case["input_shape"])).astype(np.float32)
            np.save(os.path.join(tmp, "x.npy"), x)
            expected = np.asarray(model(x, training=False))
            out = os.path.join(tmp, "y.npy")
            done = subprocess.run([LAYERLAB, "-c", f"load {path}; forward --input {tmp}/x.npy --output {out}"],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                line = (done.stderr.strip().splitlines() or ["?"])[0]
                print(f"{name:18s} does not open in LayerLab: {line}")
                continue
            y = np.load(out)
            scale = float(np.max(np.abs(expected)))
            worst = float(np.max(np.abs(y - expected))) / scale
            ok = worst <= 1e-4
            failed += 0 if ok else 1
            print(f"{name:18s} {'same as Keras' if ok else 'DIFFERS'}: largest difference {worst:.2e} of the largest logit "
                  f"({scale:.3g}), {case['params']:,} params")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
