"""Checks that Keras resumes training from a .keras file LayerLab saved.

For each case of Tests/Fixtures/keras/training_state/, LayerLab opens compiled.keras, fits
2 epochs (batch 4, no shuffle) and saves DIR/<case>.keras:

    load Tests/Fixtures/keras/training_state/<case>/compiled.keras
    fit --input …/x.npy --target …/y.npy --epochs 2 --batch-size 4 --no-shuffle
    save DIR/<case>.keras

Then `KERAS_BACKEND=jax python scripts/keras-fixtures/check_training_state.py DIR` loads each
file with keras.saving.load_model (compile=True: the optimizer and its variables), fits a 3rd
epoch and compares the trainable weights with Keras's own 3 epochs (epoch2_<i>.npy).
"""
import json
import os
import sys

import keras
import numpy as np

FIXTURES = os.path.join("Tests", "Fixtures", "keras", "training_state")


def main(folder):
    worst = 0.0
    for name in sorted(os.listdir(FIXTURES)):
        case = os.path.join(FIXTURES, name)
        path = os.path.join(folder, name + ".keras")
        if not os.path.exists(path):
            print(f"{name}: no {path}")
            continue
        info = json.load(open(os.path.join(case, "case.json")))
        model = keras.saving.load_model(path)
        iterations = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
        x, y = np.load(os.path.join(case, "x.npy")), np.load(os.path.join(case, "y.npy"))
        if y.dtype.kind == "f" and info["loss"].startswith("Sparse"):
            y = y.astype(np.int32)
        model.fit(x, y, batch_size=info["batch_size"], epochs=1, shuffle=False, verbose=0)
        diff = 0.0
        for i, v in enumerate(model.trainable_weights):
            want = np.load(os.path.join(case, f"epoch2_{i}.npy"))
            diff = max(diff, float(np.max(np.abs(keras.ops.convert_to_numpy(v.value) - want))))
        worst = max(worst, diff)
        print(f"{name}: loaded at iteration {iterations}, after a 3rd epoch max |diff| = {diff:.3g}")
    print("OK" if worst <= 1e-5 else "MISMATCH")
    return 0 if worst <= 1e-5 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
