"""`make parity`: every keras.applications architecture LayerLab opens, at the input of
Tests/Fixtures/keras/applications/ (weights=None, 10 classes), built by Keras with its
random weights, saved as .keras to a temporary folder, opened by LayerLab (the release
build) and run on the same batch: LayerLab's output against Keras's, within 1e-4
relative. Outside CI: it needs Keras and writes files of up to ~100 MB (ResNet50).
Prints one line per architecture and exits non-zero if any differs."""
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
            case = json.load(open(os.path.join(APPS, name, "case.json")))
            keras.backend.clear_session()
            keras.utils.set_random_seed(1)
            model = eval("keras.applications." + case["call"])
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
            worst = float(np.max(np.abs(y - expected) / (np.abs(expected) + 1e-5)))
            ok = np.allclose(y, expected, rtol=1e-4, atol=1e-5)
            failed += 0 if ok else 1
            print(f"{name:18s} {'same as Keras' if ok else 'DIFFERS'}: largest relative difference {worst:.2e}, "
                  f"{case['params']:,} params")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
