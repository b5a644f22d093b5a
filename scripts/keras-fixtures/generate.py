"""Writes the Keras fixtures that LayerLab's tests compare against.

Run from the repository root (CI does not need Python or Keras; the fixtures are committed):

    python3 -m venv .venv-keras && .venv-keras/bin/pip install keras jax
    KERAS_BACKEND=jax .venv-keras/bin/python scripts/keras-fixtures/generate.py

Everything is written under Tests/Fixtures/keras/. Arrays are float32 .npy files;
facts (shapes, parameter counts, names) go to JSON files.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402

OUT = os.path.join("Tests", "Fixtures", "keras")
rng = np.random.default_rng(20261127)


def save(path, array):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    np.save(full, np.asarray(array, dtype=np.float32))


def save_json(path, obj):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")


def activations():
    """Every activation of the chapter (and a few more) on a grid, softmax on rows."""
    x = np.concatenate([np.linspace(-6, 6, 49), [-1.0, 0.0, 0.5, 2.0, -30.0, 30.0]]).astype(np.float32)
    x = x.reshape(5, 11)
    save("activations/x.npy", x)
    names = ["linear", "elu", "selu", "relu", "softmax", "softplus", "softsign", "tanh", "sigmoid",
             "hard_sigmoid", "exponential", "relu6", "leaky_relu", "gelu", "silu", "hard_silu",
             "mish", "log_sigmoid", "log_softmax"]
    for name in names:
        y = keras.ops.convert_to_numpy(keras.activations.get(name)(x))
        save(f"activations/{name}.npy", y)
    save_json("activations/names.json", names)


def dense_models():
    """Dense models built in Keras: weights, an input batch and Keras's output."""
    cases = {
        # The session: input 16 → 32 relu → 16 relu → 8.
        "mlp": ((16,), [(32, "relu"), (16, "relu"), (8, None)]),
        # Dense on N-D input applies to the last axis.
        "nd": ((5, 3), [(4, "tanh"), (6, "softmax")]),
        # Every activation of the chapter in one chain.
        "activations": ((7,), [(6, "elu"), (6, "selu"), (6, "softplus"), (6, "softsign"), (6, "sigmoid"),
                               (6, "hard_sigmoid"), (6, "exponential"), (6, "tanh"), (5, "softmax")]),
    }
    facts = {}
    for case, (input_shape, layers) in cases.items():
        keras.backend.clear_session()
        model = keras.Sequential([keras.Input(shape=input_shape)]
                                 + [keras.layers.Dense(u, activation=a,
                                                       bias_initializer=keras.initializers.RandomNormal(stddev=0.3))
                                    for u, a in layers])
        x = rng.normal(size=(4,) + input_shape).astype(np.float32)
        y = model.predict(x, verbose=0)
        save(f"dense/{case}/input.npy", x)
        save(f"dense/{case}/output.npy", y)
        for layer in model.layers:
            save(f"dense/{case}/{layer.name}.kernel.npy", layer.kernel.numpy())
            save(f"dense/{case}/{layer.name}.bias.npy", layer.bias.numpy())
        facts[case] = {
            "input_shape": list(input_shape),
            "layers": [{"name": l.name, "units": u, "activation": a or "linear",
                        "output_shape": [None if d is None else int(d) for d in l.output.shape],
                        "params": int(l.count_params())}
                       for l, (u, a) in zip(model.layers, layers)],
            "total_params": int(model.count_params()),
        }
    save_json("dense/models.json", facts)


def dense_shapes():
    """Output shapes and parameter counts of Dense on inputs of several ranks."""
    cases = []
    for units, shape in [(1, (1,)), (32, (16,)), (4, (5, 3)), (7, (2, 3, 4)), (10, (784,)), (3, (2, 2, 2, 5))]:
        keras.backend.clear_session()
        layer = keras.layers.Dense(units)
        out = layer.compute_output_shape((None,) + shape)
        layer.build((None,) + shape)
        cases.append({"units": units, "input_shape": list(shape),
                      "output_shape": [None if d is None else int(d) for d in out],
                      "params": int(layer.count_params()),
                      "kernel_shape": list(layer.kernel.shape), "bias_shape": list(layer.bias.shape)})
    save_json("dense/shapes.json", cases)


def summary():
    """Keras's summary text for the issue's model, to compare names, shapes and totals."""
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input(shape=(16,)), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(16, activation="relu"), keras.layers.Dense(8)])
    lines = []
    model.summary(print_fn=lambda s, line_break=True: lines.append(s))
    with open(os.path.join(OUT, "dense", "summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def fans():
    """compute_fans for weight shapes of every rank, and the kernels real layers build."""
    from keras.src.initializers.random_initializers import compute_fans
    shapes = [[5], [4, 6], [16, 32], [3, 3, 8, 16], [2, 3, 4, 5, 6], [7, 1, 9]]
    keras.backend.clear_session()
    layers = [(keras.layers.Dense(32), (None, 16)), (keras.layers.Conv1D(8, 3), (None, 10, 4)),
              (keras.layers.Conv2D(64, 3), (None, 12, 12, 32)), (keras.layers.Conv3D(4, 2), (None, 5, 5, 5, 3)),
              (keras.layers.Conv2DTranspose(64, 3), (None, 8, 8, 32)), (keras.layers.DepthwiseConv2D(3), (None, 8, 8, 32))]
    for layer, shape in layers:
        layer.build(shape)
        shapes.append([int(d) for d in layer.kernel.shape])
    save_json("initializers/fans.json", [{"shape": s, "fans": [int(f) for f in compute_fans(s)]} for s in shapes])
    # The bounds Keras's presets actually reach on a (400, 600) kernel.
    stats = {}
    for name in ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal"]:
        w = keras.ops.convert_to_numpy(keras.initializers.get(name)((400, 600)))
        stats[name] = {"std": float(w.std()), "max_abs": float(np.abs(w).max())}
    save_json("initializers/presets_400x600.json", stats)


def regularizers_and_constraints():
    """Penalties, model.losses order and constraint outputs, all computed by Keras."""
    d = "regularization"
    w = rng.normal(size=(5, 4)).astype(np.float32)
    save(f"{d}/w.npy", w)
    regs = {"L1(0.1)": keras.regularizers.L1(0.1), "L2(0.2)": keras.regularizers.L2(0.2),
            "L1L2(0.1, 0.2)": keras.regularizers.L1L2(0.1, 0.2), "l1": keras.regularizers.get("l1"),
            "l2": keras.regularizers.get("l2"), "l1l2": keras.regularizers.get("l1l2"),
            "OrthogonalRegularizer()": keras.regularizers.OrthogonalRegularizer()}
    save_json(f"{d}/penalties.json", {k: float(keras.ops.convert_to_numpy(r(w))) for k, r in regs.items()})
    # model.losses: activity losses first, then weight penalties in weight order.
    keras.backend.clear_session()
    model = keras.Sequential([
        keras.Input(shape=(5,)),
        keras.layers.Dense(4, kernel_regularizer=keras.regularizers.L2(0.5), bias_regularizer=keras.regularizers.L1(0.1),
                           activity_regularizer=keras.regularizers.L1(1.0), bias_initializer="ones"),
        keras.layers.Dense(3, activation="tanh", kernel_regularizer=keras.regularizers.L1L2(0.01, 0.02),
                           activity_regularizer=keras.regularizers.L2(0.3)),
    ])
    x = rng.normal(size=(6, 5)).astype(np.float32)
    model(x)
    save(f"{d}/model_input.npy", x)
    for layer in model.layers:
        save(f"{d}/{layer.name}.kernel.npy", layer.kernel.numpy())
        save(f"{d}/{layer.name}.bias.npy", layer.bias.numpy())
    save_json(f"{d}/model_losses.json", [float(keras.ops.convert_to_numpy(v)) for v in model.losses])
    # Constraints on a Dense-like and a conv-like kernel, for several axes.
    k2 = (rng.normal(size=(5, 4)) * 2).astype(np.float32)
    k4 = (rng.normal(size=(3, 3, 2, 4)) * 2).astype(np.float32)
    save(f"{d}/k2.npy", k2)
    save(f"{d}/k4.npy", k4)
    cases = []
    for wname, wv, axes in [("k2", k2, [0, 1, -1]), ("k4", k4, [0, 3, [0, 1, 2]])]:
        for axis in axes:
            for cname, c in [("MaxNorm(1.5)", keras.constraints.MaxNorm(1.5, axis=axis)),
                             ("UnitNorm()", keras.constraints.UnitNorm(axis=axis)),
                             ("MinMaxNorm(0.5, 1.0, 0.7)", keras.constraints.MinMaxNorm(0.5, 1.0, rate=0.7, axis=axis))]:
                out = keras.ops.convert_to_numpy(c(keras.ops.convert_to_tensor(wv)))
                fname = f"{wname}_{cname.split('(')[0]}_{str(axis).replace(' ', '').replace(',', '_').strip('[]')}"
                save(f"{d}/constraints/{fname}.npy", out)
                cases.append({"weight": wname, "constraint": cname, "axis": axis, "file": fname})
        out = keras.ops.convert_to_numpy(keras.constraints.NonNeg()(keras.ops.convert_to_tensor(wv)))
        save(f"{d}/constraints/{wname}_NonNeg.npy", out)
        cases.append({"weight": wname, "constraint": "NonNeg()", "axis": None, "file": f"{wname}_NonNeg"})
    save_json(f"{d}/constraints.json", cases)


def npy_variants():
    """NumPy files of every layout the .npy reader accepts (no Keras involved)."""
    base = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 8 - 1
    d = os.path.join("Tests", "Fixtures", "npy")
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "float64.npy"), base)
    np.save(os.path.join(d, "float32.npy"), base.astype(np.float32))
    np.save(os.path.join(d, "fortran.npy"), np.asfortranarray(base.astype(np.float32)))
    np.save(os.path.join(d, "bigendian.npy"), base.astype(">f4"))
    np.save(os.path.join(d, "int64.npy"), np.arange(-5, 7, dtype=np.int64).reshape(3, 4))
    np.save(os.path.join(d, "uint8.npy"), np.arange(250, 256, dtype=np.uint8))
    np.save(os.path.join(d, "bool.npy"), np.array([True, False, True]))
    np.save(os.path.join(d, "scalar.npy"), np.float32(2.5))
    with open(os.path.join(d, "version2.npy"), "wb") as f:
        np.lib.format.write_array(f, base.astype(np.float32), version=(2, 0))


if __name__ == "__main__":
    print("keras", keras.__version__, "backend", keras.backend.backend(), file=sys.stderr)
    activations()
    dense_models()
    dense_shapes()
    summary()
    npy_variants()
    fans()
    regularizers_and_constraints()
    save_json("version.json", {"keras": keras.__version__, "backend": keras.backend.backend()})
    print("wrote", OUT, file=sys.stderr)
