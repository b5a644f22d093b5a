"""Writes the Keras fixtures that LayerLab's tests compare against.

Run from the repository root (CI does not need Python or Keras; the fixtures are committed):

    python3 -m venv .venv-keras && .venv-keras/bin/pip install keras jax
    KERAS_BACKEND=jax .venv-keras/bin/python scripts/keras-fixtures/generate.py

Everything is written under Tests/Fixtures/keras/. Arrays are float32 .npy files;
facts (shapes, parameter counts, names) go to JSON files.
"""
import json
import re
import math
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
    # 12 values a row (glu halves the last axis); the grid's step of 0.25 holds every kink
    # (0, ±0.5, ±1, ±3, 6) exactly.
    x = np.concatenate([np.linspace(-6, 6, 49), [-1.0, 0.0, 0.5, 2.0, -30.0, 30.0],
                        [-100.0, 100.0, 1e-4, -1e-4, 0.75]]).astype(np.float32)
    x = x.reshape(5, 12)
    save("activations/x.npy", x)
    # Every keras.activations function an activation name can stand for (threshold needs
    # arguments: as a name it fails when called).
    names = ["linear", "elu", "selu", "relu", "softmax", "softplus", "softsign", "tanh", "sigmoid",
             "hard_sigmoid", "exponential", "relu6", "leaky_relu", "gelu", "silu", "hard_silu",
             "mish", "log_sigmoid", "log_softmax", "celu", "squareplus", "soft_shrink", "sparse_plus",
             "tanh_shrink", "sparse_sigmoid", "hard_tanh", "hard_shrink", "glu", "sparsemax"]
    for name in names:
        y = keras.ops.convert_to_numpy(keras.activations.get(name)(x))
        save(f"activations/{name}.npy", y)
    save_json("activations/names.json", names)


def dense_models():
    """Dense models built in Keras: weights, an input batch and Keras's output."""
    cases = {
        # The issue's session: input 16 → 32 relu → 16 relu → 8.
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
def plain(value):
    """A config value as JSON: tuples become lists, numpy scalars plain numbers."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def typed(value):
    """An argument with its Python type spelled out, so the Swift tests read it unambiguously."""
    if value is None:
        return {"none": True}
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, float):
        return {"float": value}
    if isinstance(value, str):
        return {"str": value}
    return {"tuple": [typed(v) for v in value]}


def keras_args(values):
    """JSON lists in a case's arguments are tuples in Keras's constructors."""
    return [tuple(v) if isinstance(v, list) else v for v in values]


# Core layers: class name, positional arguments, keyword arguments, input shape (no batch), input dtype.
CORE_CASES = [
    ("Activation", ["relu"], {}, [8], "float32"),
    ("Activation", ["softmax"], {}, [3, 5], "float32"),
    ("Activation", ["gelu"], {}, [6], "float32"),
    ("Activation", ["hard_sigmoid"], {}, [6], "float32"),
    ("Activation", [None], {}, [4], "float32"),
    ("Dropout", [0.5], {}, [8], "float32"),
    ("Dropout", [0.25], {"noise_shape": [None, 1, 4], "seed": 3}, [3, 4], "float32"),
    ("Dropout", [1.0], {}, [2, 3], "float32"),
    ("Flatten", [], {}, [4, 8], "float32"),
    ("Flatten", [], {}, [2, 3, 4], "float32"),
    ("Flatten", [], {"data_format": "channels_first"}, [2, 3, 4], "float32"),
    ("Flatten", [], {}, [5], "float32"),
    ("Reshape", [[4, 8]], {}, [32], "float32"),
    ("Reshape", [[-1, 2]], {}, [2, 3, 4], "float32"),
    ("Reshape", [[3, -1]], {}, [4, 3], "float32"),
    ("Reshape", [[24]], {}, [2, 3, 4], "float32"),
    ("Reshape", [[2, 2, -1]], {}, [12], "float32"),
    ("Permute", [[2, 1]], {}, [10, 6], "float32"),
    ("Permute", [[3, 1, 2]], {}, [2, 3, 4], "float32"),
    ("Permute", [[1, 3, 2]], {}, [2, 3, 4], "float32"),
    ("Permute", [[1]], {}, [5], "float32"),
    ("RepeatVector", [3], {}, [32], "float32"),
    ("RepeatVector", [1], {}, [5], "float32"),
    ("Embedding", [10, 4], {}, [5], "int32"),
    ("Embedding", [1000, 64], {}, [10], "int32"),
    ("Embedding", [7, 3], {"mask_zero": True}, [2, 3], "int32"),
    ("Embedding", [5, 2], {"embeddings_initializer": "he_normal"}, [4], "float32"),
]


def core_layers():
    """Shapes, parameter counts, configs and forward outputs of the core layers."""
    cases = []
    for i, (cls, args, kwargs, shape, dtype) in enumerate(CORE_CASES):
        keras.backend.clear_session()
        layer = getattr(keras.layers, cls)(*keras_args(args), **{k: tuple(v) if isinstance(v, list) else v
                                                                   for k, v in kwargs.items()})
        model = keras.Sequential([keras.Input(shape=tuple(shape), dtype=dtype), layer])
        if cls == "Embedding":
            x = rng.integers(0, args[0], size=(3,) + tuple(shape)).astype(np.float32)
        else:
            x = rng.normal(size=(3,) + tuple(shape)).astype(np.float32)
        y = keras.ops.convert_to_numpy(model(x.astype(dtype), training=False))
        save(f"core/{i}/input.npy", x)
        save(f"core/{i}/output.npy", y)
        for w in layer.weights:
            save(f"core/{i}/{w.name}.npy", w.numpy())
        config = layer.get_config()
        for key in ("name", "trainable", "dtype"):
            config.pop(key)
        cases.append({"index": i, "class_name": cls, "args": [typed(a) for a in args],
                      "kwargs": {k: typed(v) for k, v in kwargs.items()}, "input_shape": shape,
                      "dtype": dtype, "output_shape": plain(list(layer.output.shape)),
                      "params": int(layer.count_params()), "weights": [[w.name, list(w.shape)] for w in layer.weights],
                      "config_keys": list(config.keys()), "config": plain(config)})
    save_json("core/cases.json", cases)


# Lambda expressions in LayerLab's language, each also valid Python over keras.ops.
LAMBDA_CASES = [
    ("x * 2 + 1", [8]), ("sqrt(abs(x))", [8]), ("x[:, 0:4]", [8]), ("x[..., ::2]", [3, 6]),
    ("x[:, ::-1]", [5]), ("x[:, 1]", [3, 4]), ("x[:, None, :]", [4]), ("x[:, -2:]", [6]),
    ("x[:, 1:-1, ::2]", [4, 5]), ("x[..., 0]", [2, 3]),
    ("-x ** 2", [5]), ("2 ** -x", [5]), ("x / 3 - 1", [5]), ("(x > 0) * x", [5]), ("x >= 0.5", [5]),
    ("x == x", [3]), ("x != 0", [3]), ("x < -0.5", [3]), ("x <= 0", [3]),
    ("1 / x", [4]), ("x ** 3 - 2 * x ** 2", [4]), ("(x + 1) * (x - 1) / 2", [4]),
    ("sum(x, axis=1)", [3, 4]), ("mean(x, axis=-1, keepdims=True)", [3, 4]), ("max(x, axis=(1, 2))", [2, 3, 4]),
    ("min(x, 1)", [3, 4]), ("sum(x)", [4]), ("mean(x, axis=0)", [4]), ("max(x, -1, True)", [2, 5]),
    ("x - mean(x, axis=-1, keepdims=True)", [3, 4]),
    ("x / sqrt(mean(square(x), axis=-1, keepdims=True))", [6]),
    ("clip(x, -0.5, 0.5)", [6]), ("clip(x, x_min=0, x_max=1)", [6]), ("pow(x, 2)", [6]), ("power(abs(x), 0.5)", [6]),
    ("minimum(x, 0.1)", [6]), ("maximum(x, 0) + minimum(x, 0) * 0.1", [6]), ("maximum(x[:, 0:3], x[:, 3:6])", [6]),
    ("exp(-square(x))", [6]), ("log(1 + abs(x))", [6]), ("log1p(abs(x))", [6]), ("tanh(x) * sigmoid(x)", [6]),
    ("softmax(x)", [3, 5]), ("log_softmax(x)", [3, 5]), ("relu6(x * 4)", [6]), ("gelu(x)", [6]), ("elu(x)", [6]),
    ("selu(x)", [6]), ("softplus(x)", [6]), ("softsign(x)", [6]), ("hard_sigmoid(x)", [6]), ("silu(x)", [6]),
    ("swish(x)", [6]), ("mish(x)", [6]), ("leaky_relu(x)", [6]), ("exponential(x)", [6]), ("linear(x)", [6]),
    ("log_sigmoid(x)", [6]), ("hard_silu(x)", [6]), ("relu(x) - relu(-x)", [6]),
    ("sin(x) + cos(x)", [6]), ("floor(x * 3) + ceil(x) + sign(x)", [6]), ("x * pi / e", [6]),
    ("x[:, 1:3] * x[:, 0:1]", [4]), ("x[:, :, None] * x[:, None, :]", [3]), ("sum(x * x, axis=1, keepdims=True)", [5]),
    ("x + 1e-3", [3]), ("2.5e1 - x", [3]), (".5 * x", [3]), ("+x", [3]),
]


def lambda_namespace():
    ops, act = keras.ops, keras.activations
    ns = {name: getattr(ops, name) for name in
          ["exp", "log", "log1p", "sqrt", "abs", "square", "sin", "cos", "floor", "ceil", "sign",
           "minimum", "maximum", "clip", "sum", "mean", "max", "min", "power"]}
    ns["pow"] = ops.power
    for name in ["linear", "relu", "relu6", "leaky_relu", "elu", "selu", "softplus", "softsign", "tanh", "sigmoid",
                 "hard_sigmoid", "exponential", "gelu", "silu", "swish", "hard_silu", "hard_swish", "mish",
                 "log_sigmoid", "softmax", "log_softmax"]:
        ns[name] = act.get(name)
    ns.update({"pi": math.pi, "e": math.e, "__builtins__": {}})
    return ns


def lambda_layers():
    """Keras Lambda layers running the same expression text as Python over keras.ops."""
    cases = []
    ns = lambda_namespace()
    for i, (expression, shape) in enumerate(LAMBDA_CASES):
        keras.backend.clear_session()
        fn = eval("lambda x: " + expression, ns)
        layer = keras.layers.Lambda(fn)
        model = keras.Sequential([keras.Input(shape=tuple(shape)), layer])
        x = rng.normal(size=(3,) + tuple(shape)).astype(np.float32)
        y = keras.ops.convert_to_numpy(model(x))
        save(f"lambda/{i}/input.npy", x)
        save(f"lambda/{i}/output.npy", y)
        cases.append({"index": i, "expression": expression, "input_shape": shape,
                      "output_shape": plain(list(layer.output.shape))})
    keras.backend.clear_session()
    config = keras.layers.Lambda(lambda x: x, output_shape=(4,)).get_config()
    save_json("lambda/cases.json", {"cases": cases, "config_keys": list(config.keys())})


def embedding_model():
    """A whole model over int ids: Embedding → Flatten → Dense → Dropout → Reshape → Permute → Lambda → RepeatVector."""
    keras.backend.clear_session()
    model = keras.Sequential([
        keras.Input(shape=(6,), dtype="int32"),
        keras.layers.Embedding(20, 4),
        keras.layers.Flatten(),
        keras.layers.Dense(6, activation="tanh", bias_initializer=keras.initializers.RandomNormal(stddev=0.3)),
        keras.layers.Dropout(0.5),
        keras.layers.Reshape((3, 2)),
        keras.layers.Permute((2, 1)),
        keras.layers.Lambda(lambda x: x[:, 0] * 2 + 1),
        keras.layers.RepeatVector(2),
        keras.layers.Activation("softmax"),
    ])
    ids = rng.integers(0, 20, size=(5, 6)).astype(np.int32)
    y = keras.ops.convert_to_numpy(model(ids, training=False))
    d = os.path.join(OUT, "core", "model")
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "ids.npy"), ids)
    save("core/model/output.npy", y)
    save("core/model/embeddings.npy", model.layers[0].embeddings.numpy())
    save("core/model/kernel.npy", model.layers[2].kernel.numpy())
    save("core/model/bias.npy", model.layers[2].bias.numpy())
    save_json("core/model/summary.json", {"layers": [{"name": l.name, "class_name": type(l).__name__,
                                                      "output_shape": plain(list(l.output.shape)),
                                                      "params": int(l.count_params())} for l in model.layers],
                                          "total_params": int(model.count_params())})


def merge_layers():
    """Every merge layer on fixed inputs, shapes that broadcast, and Dot's axes settings."""
    d = "merge"
    x3 = rng.normal(size=(4, 3)).astype(np.float32)
    y3 = rng.normal(size=(4, 3)).astype(np.float32)
    z3 = rng.normal(size=(4, 3)).astype(np.float32)
    y1 = rng.normal(size=(4, 1)).astype(np.float32)
    t43 = rng.normal(size=(4, 5, 3)).astype(np.float32)
    for name, v in [("x3", x3), ("y3", y3), ("z3", z3), ("y1", y1), ("t43", t43)]:
        save(f"{d}/{name}.npy", v)
    cases = []
    L = keras.layers
    elementwise = {"Add": L.Add, "Subtract": L.Subtract, "Multiply": L.Multiply, "Average": L.Average,
                   "Maximum": L.Maximum, "Minimum": L.Minimum}
    for cls, make in elementwise.items():
        combos = [["x3", "y3"], ["x3", "y1"], ["t43", "y3"]] + ([] if cls == "Subtract" else [["x3", "y3", "z3"]])
        for names in combos:
            arrays = [{"x3": x3, "y3": y3, "z3": z3, "y1": y1, "t43": t43}[n] for n in names]
            out = keras.ops.convert_to_numpy(make()(arrays))
            file = f"{cls}_{'_'.join(names)}"
            save(f"{d}/{file}.npy", out)
            cases.append({"class": cls, "inputs": names, "file": file, "config": {}, "shape": list(out.shape)})
    a = rng.normal(size=(2, 4, 3)).astype(np.float32)
    b = rng.normal(size=(2, 5, 3)).astype(np.float32)
    c = rng.normal(size=(2, 4, 5)).astype(np.float32)
    v = rng.normal(size=(2, 3)).astype(np.float32)
    w = rng.normal(size=(2, 3)).astype(np.float32)
    for name, arr in [("a", a), ("b", b), ("c", c), ("v", v), ("w", w)]:
        save(f"{d}/{name}.npy", arr)
    dots = [(["v", "w"], 1, False), (["v", "w"], 1, True), (["a", "b"], [2, 2], False), (["a", "c"], 1, False),
            (["a", "v"], [2, 1], False), (["a", "b"], -1, True), (["c", "a"], [1, 1], False)]
    arrays = {"a": a, "b": b, "c": c, "v": v, "w": w}
    for names, axes, norm in dots:
        out = keras.ops.convert_to_numpy(L.Dot(axes=axes, normalize=norm)([arrays[n] for n in names]))
        file = f"Dot_{'_'.join(names)}_{str(axes).replace(' ', '').replace(',', '_').strip('[]')}_{int(norm)}"
        save(f"{d}/{file}.npy", out)
        cases.append({"class": "Dot", "inputs": names, "file": file, "config": {"axes": axes, "normalize": norm},
                      "shape": list(out.shape)})
    for names, axis in [(["a", "b"], 1), (["a", "a"], -1), (["v", "w"], 1), (["a", "c"], 2)]:
        try:
            out = keras.ops.convert_to_numpy(L.Concatenate(axis=axis)([arrays[n] for n in names]))
        except Exception:
            continue
        file = f"Concatenate_{'_'.join(names)}_{axis}"
        save(f"{d}/{file}.npy", out)
        cases.append({"class": "Concatenate", "inputs": names, "file": file, "config": {"axis": axis}, "shape": list(out.shape)})
    save_json(f"{d}/cases.json", cases)


def functional_model():
    """A two-input functional model with branches, merges and two outputs."""
    d = "functional"
    keras.backend.clear_session()
    a = keras.Input(shape=(16,), name="a")
    b = keras.Input(shape=(8,), name="b")
    left = keras.layers.Dense(8, activation="relu", name="left")(a)
    right = keras.layers.Dense(8, activation="tanh", name="right")(b)
    total = keras.layers.Add(name="total")([left, right])
    both = keras.layers.Concatenate(name="both")([left, right, total])
    hidden = keras.layers.Dense(6, activation="relu", name="hidden")(both)
    sim = keras.layers.Dot(axes=1, normalize=True, name="sim")([left, right])
    out = keras.layers.Dense(2, activation="softmax", name="out")(hidden)
    model = keras.Model(inputs=[a, b], outputs=[out, sim])
    xa = rng.normal(size=(5, 16)).astype(np.float32)
    xb = rng.normal(size=(5, 8)).astype(np.float32)
    ya, yb = model.predict([xa, xb], verbose=0)
    save(f"{d}/a.npy", xa)
    save(f"{d}/b.npy", xb)
    save(f"{d}/out.npy", ya)
    save(f"{d}/sim.npy", yb)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            save(f"{d}/{layer.name}.kernel.npy", layer.kernel.numpy())
            save(f"{d}/{layer.name}.bias.npy", layer.bias.numpy())
    lines = []
    model.summary(print_fn=lambda s, line_break=True: lines.append(s))
    with open(os.path.join(OUT, d, "summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    save_json(f"{d}/layers.json", [{"name": l.name, "class": type(l).__name__,
                                    "output_shape": [None if x is None else int(x) for x in l.output.shape],
                                    "params": int(l.count_params())} for l in model.layers])


def keras_files():
    """.keras files written by Keras (Sequential and functional, every layer type Keras 3
    has from the chapter that LayerLab has too), with an input, Keras's output and to_json()."""
    import shutil
    d = os.path.join(OUT, "files")
    os.makedirs(d, exist_ok=True)
    L = keras.layers
    def seq(name, shape, layers, ints=None):
        keras.backend.clear_session()
        return name, keras.Sequential([keras.Input(shape=shape, dtype="int32" if ints else "float32")] + layers, name=name), shape, ints
    cases = [
        seq("mlp", (16,), [L.Dense(32, activation="relu", kernel_regularizer="l2"), L.Dropout(0.3),
                          L.Dense(16, activation="tanh", kernel_constraint=keras.constraints.MaxNorm(2)),
                          L.Dense(4, activation="softmax", bias_initializer=keras.initializers.RandomNormal(stddev=0.5))]),
        seq("core", (6, 4), [L.Activation("elu"), L.Permute((2, 1)), L.Reshape((3, 8)), L.Flatten(), L.Dense(5),
                             L.RepeatVector(2), L.Flatten(), L.Activation("sigmoid")]),
        seq("embedding", (7,), [L.Embedding(20, 4), L.Flatten(), L.Dense(3, activation="softmax")], ints=20),
        seq("cnn", (12, 12, 3), [L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(2), L.Conv2D(6, 3, padding="same"),
                                 L.AveragePooling2D(2, padding="same"), L.SeparableConv2D(4, 2), L.DepthwiseConv2D(2, depth_multiplier=2),
                                 L.Conv2DTranspose(3, 2, strides=2), L.GlobalAveragePooling2D(), L.Dense(2)]),
        seq("conv1d3d", (10, 4), [L.Conv1D(6, 3, padding="causal", dilation_rate=2), L.SeparableConv1D(4, 2), L.DepthwiseConv1D(2),
                                  L.Conv1DTranspose(3, 3), L.MaxPooling1D(2), L.AveragePooling1D(2), L.GlobalMaxPooling1D(),
                                  L.Reshape((1, 1, 1, 3)), L.Conv3D(2, 1), L.Conv3DTranspose(2, 1), L.MaxPooling3D(1),
                                  L.AveragePooling3D(1), L.GlobalMaxPooling3D(), L.Dense(2)]),
    ]
    keras.backend.clear_session()
    a = keras.Input(shape=(8,), name="a")
    b = keras.Input(shape=(8,), name="b")
    x = L.Dense(8, activation="relu", name="left")(a)
    y = L.Dense(8, activation="selu", name="right")(b)
    m = [L.Add()([x, y]), L.Subtract()([x, y]), L.Multiply()([x, y]), L.Average()([x, y]), L.Maximum()([x, y]), L.Minimum()([x, y])]
    c = L.Concatenate()(m)
    dot = L.Dot(axes=1, normalize=True, name="cos")([x, y])
    out = L.Dense(3, name="out")(L.Concatenate(name="joined")([c, dot]))
    cases.append(("functional", keras.Model([a, b], out, name="branches"), None, None))
    facts = []
    for name, model, shape, ints in cases:
        if name == "functional":
            xs = [rng.normal(size=(3, 8)).astype(np.float32), rng.normal(size=(3, 8)).astype(np.float32)]
            save(f"files/{name}.a.npy", xs[0])
            save(f"files/{name}.b.npy", xs[1])
            y = model.predict(xs, verbose=0)
        else:
            x = (rng.integers(0, ints, size=(3,) + shape).astype(np.int32) if ints
                 else rng.normal(size=(3,) + shape).astype(np.float32))
            if ints:
                np.save(os.path.join(d, f"{name}.input.npy"), x)
            else:
                save(f"files/{name}.input.npy", x)
            y = model.predict(x, verbose=0)
        save(f"files/{name}.output.npy", y)
        model.save(os.path.join(d, f"{name}.keras"))
        with open(os.path.join(d, f"{name}.json"), "w") as f:
            f.write(model.to_json())
        facts.append({"name": name, "layers": [l.name for l in model.layers]})
    save_json("files/cases.json", facts)


def layerlab_files():
    """Files LayerLab wrote (Tests/Fixtures/layerlab/*.keras, made by scripts/keras-fixtures/layerlab-files.sh),
    opened by Keras: whether it warns, and its output on a fixed input."""
    d = os.path.join("Tests", "Fixtures", "layerlab")
    if not os.path.isdir(d):
        print("no", d, "- run scripts/keras-fixtures/layerlab-files.sh first", file=sys.stderr)
        return
    import warnings
    results = {}
    for file in sorted(os.listdir(d)):
        if not file.endswith(".keras"):
            continue
        name = file[:-6]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = keras.saving.load_model(os.path.join(d, file))
        inputs = sorted(f for f in os.listdir(d) if f.startswith(name + ".input"))
        xs = [np.load(os.path.join(d, f)) for f in inputs]
        y = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = y if isinstance(y, list) else [y]
        for i, out in enumerate(ys):
            save(f"layerlab-opened/{name}.keras-output{i}.npy", out)
        results[name] = {"warnings": [str(w.message) for w in caught], "outputs": len(ys),
                         "layers": [l.name for l in model.layers], "keras_json": json.loads(model.to_json())}
    save_json("layerlab-opened/results.json", results)
    # The Python script `export python … --weights` wrote: run it, record the model's output.
    script = os.path.join(d, "cnn_export.py")
    if os.path.exists(script):
        import runpy
        model = runpy.run_path(script)["model"]
        save("layerlab-opened/cnn_export-output.npy", model.predict(np.load(os.path.join(d, "cnn.input.npy")), verbose=0))


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


# ---------------------------------------------------------------------------
# Convolution and pooling (issue 6). Every case is a Keras class and its arguments as
# tokens: Python joins them with ", " to call the class, LayerLab's tests join them
# with " " after `add <class>`. Forward cases also get input, weights and output.

CONV_RANKS = {"1D": 1, "2D": 2, "3D": 3}
SMALL_INPUT = {1: (9, 4), 2: (7, 8, 4), 3: (5, 6, 4, 2)}


def channels_first(shape):
    return (shape[-1],) + tuple(shape[:-1])


def conv_cases():
    """(class, tokens, input shape, forward?) covering every padding, stride, dilation,
    group and data_format setting of each layer on small inputs."""
    cases = []
    def add(cls, tokens, shape, forward=True):
        cases.append((cls, tokens, tuple(shape), forward))
    # Conv1D / Conv2D / Conv3D
    s1, s2, s3 = SMALL_INPUT[1], SMALL_INPUT[2], SMALL_INPUT[3]
    for pad in ["valid", "same", "causal"]:
        add("Conv1D", ["3", "3", f"padding='{pad}'"], s1)
        add("Conv1D", ["3", "4", f"padding='{pad}'", "dilation_rate=2"], s1)
        add("Conv1D", ["2", "3", f"padding='{pad}'", "strides=2"], s1)
    add("Conv1D", ["4", "2", "strides=3", "padding='same'", "groups=2", "activation='relu'"], s1)
    add("Conv1D", ["3", "3", "padding='same'", "data_format='channels_first'", "use_bias=False"], channels_first(s1))
    for pad in ["valid", "same"]:
        add("Conv2D", ["3", "3", f"padding='{pad}'"], s2)
        add("Conv2D", ["3", "(3, 2)", f"padding='{pad}'", "strides=(2, 3)"], s2)
        add("Conv2D", ["2", "3", f"padding='{pad}'", "dilation_rate=(2, 1)"], s2)
        add("Conv2D", ["4", "2", f"padding='{pad}'", "groups=2", "strides=2"], s2)
        add("Conv2D", ["3", "(2, 3)", f"padding='{pad}'", "data_format='channels_first'", "activation='tanh'"], channels_first(s2))
    add("Conv2D", ["8", "3", "groups=4", "padding='same'"], s2)
    add("Conv2D", ["2", "4", "strides=2", "padding='same'", "use_bias=False"], (6, 6, 4))
    for pad in ["valid", "same"]:
        add("Conv3D", ["2", "3", f"padding='{pad}'"], s3)
        add("Conv3D", ["2", "(2, 3, 2)", f"padding='{pad}'", "strides=(2, 1, 2)"], s3)
        add("Conv3D", ["2", "2", f"padding='{pad}'", "dilation_rate=2"], s3)
        add("Conv3D", ["4", "2", f"padding='{pad}'", "groups=2"], s3)
    add("Conv3D", ["2", "2", "padding='same'", "data_format='channels_first'"], channels_first(s3))
    # Transposed
    for pad in ["valid", "same"]:
        add("Conv1DTranspose", ["3", "3", f"padding='{pad}'"], s1)
        add("Conv1DTranspose", ["2", "3", f"padding='{pad}'", "strides=2"], s1)
        add("Conv1DTranspose", ["2", "4", f"padding='{pad}'", "strides=3", "output_padding=2"], s1)
        add("Conv1DTranspose", ["2", "2", f"padding='{pad}'", "strides=2", "output_padding=0"], s1)
        add("Conv1DTranspose", ["2", "3", f"padding='{pad}'", "dilation_rate=2"], s1)
        add("Conv1DTranspose", ["2", "2", f"padding='{pad}'", "strides=4"], s1)
        add("Conv2DTranspose", ["3", "3", f"padding='{pad}'"], s2)
        add("Conv2DTranspose", ["2", "(3, 2)", f"padding='{pad}'", "strides=(2, 3)"], s2)
        add("Conv2DTranspose", ["2", "3", f"padding='{pad}'", "strides=2", "output_padding=1"], s2)
        add("Conv2DTranspose", ["2", "3", f"padding='{pad}'", "dilation_rate=2"], s2)
        add("Conv2DTranspose", ["2", "3", f"padding='{pad}'", "strides=2", "data_format='channels_first'"], channels_first(s2))
        add("Conv3DTranspose", ["2", "2", f"padding='{pad}'", "strides=2"], s3)
        add("Conv3DTranspose", ["2", "3", f"padding='{pad}'", "strides=(1, 2, 2)", "output_padding=(0, 1, 0)"], s3)
        add("Conv3DTranspose", ["2", "2", f"padding='{pad}'", "dilation_rate=2", "data_format='channels_first'"], channels_first(s3))
    # Separable and depthwise
    for pad in ["valid", "same"]:
        add("SeparableConv1D", ["3", "3", f"padding='{pad}'"], s1)
        add("SeparableConv1D", ["3", "3", f"padding='{pad}'", "strides=2", "depth_multiplier=2"], s1)
        add("SeparableConv1D", ["2", "2", f"padding='{pad}'", "dilation_rate=3"], s1)
        add("SeparableConv2D", ["3", "3", f"padding='{pad}'"], s2)
        add("SeparableConv2D", ["3", "(3, 2)", f"padding='{pad}'", "strides=2", "depth_multiplier=2"], s2)
        add("SeparableConv2D", ["2", "2", f"padding='{pad}'", "dilation_rate=2", "activation='relu'"], s2)
        add("SeparableConv2D", ["2", "3", f"padding='{pad}'", "data_format='channels_first'"], channels_first(s2))
        add("DepthwiseConv1D", ["3", f"padding='{pad}'"], s1)
        add("DepthwiseConv1D", ["3", f"padding='{pad}'", "strides=2", "depth_multiplier=2"], s1)
        add("DepthwiseConv1D", ["2", f"padding='{pad}'", "dilation_rate=3"], s1)
        add("DepthwiseConv2D", ["3", f"padding='{pad}'"], s2)
        add("DepthwiseConv2D", ["(3, 2)", f"padding='{pad}'", "strides=(2, 1)", "depth_multiplier=3"], s2)
        add("DepthwiseConv2D", ["2", f"padding='{pad}'", "dilation_rate=2"], s2)
        add("DepthwiseConv2D", ["3", f"padding='{pad}'", "depth_multiplier=2", "data_format='channels_first'"], channels_first(s2))
    # Pooling
    for kind in ["Max", "Average"]:
        for pad in ["valid", "same"]:
            add(f"{kind}Pooling1D", ["2", f"padding='{pad}'"], s1)
            add(f"{kind}Pooling1D", ["3", "strides=1", f"padding='{pad}'"], s1)
            add(f"{kind}Pooling1D", ["4", "strides=3", f"padding='{pad}'", "data_format='channels_first'"], channels_first(s1))
            add(f"{kind}Pooling2D", ["2", f"padding='{pad}'"], s2)
            add(f"{kind}Pooling2D", ["(3, 2)", "strides=(2, 1)", f"padding='{pad}'"], s2)
            add(f"{kind}Pooling2D", ["3", "strides=2", f"padding='{pad}'", "data_format='channels_first'"], channels_first(s2))
            add(f"{kind}Pooling3D", ["2", f"padding='{pad}'"], s3)
            add(f"{kind}Pooling3D", ["(2, 3, 2)", "strides=(1, 2, 3)", f"padding='{pad}'"], s3)
            add(f"{kind}Pooling3D", ["2", f"padding='{pad}'", "data_format='channels_first'"], channels_first(s3))
        for r in (1, 2, 3):
            add(f"Global{kind}Pooling{r}D", [], SMALL_INPUT[r])
            add(f"Global{kind}Pooling{r}D", ["keepdims=True"], SMALL_INPUT[r])
            add(f"Global{kind}Pooling{r}D", ["data_format='channels_first'", "keepdims=True"], channels_first(SMALL_INPUT[r]))
            add(f"Global{kind}Pooling{r}D", ["data_format='channels_first'"], channels_first(SMALL_INPUT[r]))
    add("MaxPooling2D", [], s2)
    # Shapes and parameter counts only (the reference tables and the chapter's sizes).
    for cls, tokens, shape in [
        ("Conv1D", ["8", "3"], (10, 4)), ("Conv2D", ["8", "3"], (10, 10, 4)), ("Conv3D", ["8", "3"], (6, 6, 6, 4)),
        ("Conv2D", ["8", "3", "data_format='channels_first'"], (4, 10, 12)), ("Conv2D", ["6", "3", "groups=3"], (10, 10, 9)),
        ("Conv2D", ["32", "3", "activation='relu'"], (28, 28, 1)), ("Conv2D", ["64", "3", "activation='relu'"], (13, 13, 32)),
        ("Conv2D", ["64", "3"], (64, 64, 3)), ("Conv2D", ["16", "5", "strides=2", "padding='same'"], (31, 33, 3)),
        ("Conv2DTranspose", ["8", "3"], (10, 10, 4)), ("Conv2DTranspose", ["5", "3", "strides=2", "padding='same'"], (4, 4, 2)),
        ("Conv2DTranspose", ["5", "3", "strides=2"], (4, 4, 2)), ("Conv2DTranspose", ["5", "2", "strides=3"], (4, 4, 2)),
        ("Conv2DTranspose", ["5", "3", "strides=2", "padding='same'", "output_padding=1"], (4, 4, 2)),
        ("Conv2DTranspose", ["64", "3"], (16, 16, 32)), ("Conv3DTranspose", ["4", "3", "strides=2"], (3, 4, 5, 2)),
        ("SeparableConv2D", ["8", "3"], (10, 10, 4)), ("SeparableConv2D", ["8", "3", "depth_multiplier=2"], (10, 10, 4)),
        ("SeparableConv1D", ["8", "3"], (10, 4)), ("DepthwiseConv2D", ["3"], (10, 10, 4)),
        ("DepthwiseConv2D", ["3", "depth_multiplier=2"], (10, 10, 4)), ("DepthwiseConv1D", ["5", "depth_multiplier=3"], (20, 6)),
        ("MaxPooling2D", ["2"], (26, 26, 32)), ("MaxPooling2D", ["2"], (11, 11, 64)), ("AveragePooling2D", ["3", "padding='same'"], (10, 11, 3)),
        ("GlobalAveragePooling2D", [], (5, 5, 64)), ("MaxPooling1D", [], (7, 3)), ("AveragePooling3D", ["2"], (4, 5, 6, 2)),
    ]:
        add(cls, tokens, shape, forward=False)
    return cases


def conv_error_cases():
    """Configurations Keras rejects, at construction or when built on the input."""
    return [
        ("Conv2D", ["4", "5"], (3, 9, 2)), ("Conv1D", ["2", "4", "strides=2"], (3, 2)), ("Conv1D", ["2", "3", "strides=2", "dilation_rate=2"], (9, 2)),
        ("Conv2D", ["2", "3", "padding='causal'"], (9, 9, 2)), ("Conv2D", ["3", "3", "groups=2"], (9, 9, 2)),
        ("Conv2D", ["4", "3", "groups=2"], (9, 9, 3)), ("Conv1DTranspose", ["2", "3", "strides=2", "output_padding=2"], (5, 2)),
        ("DepthwiseConv1D", ["3", "padding='causal'"], (5, 2)), ("SeparableConv1D", ["3", "3", "padding='causal'"], (5, 2)),
        ("Conv1D", ["0", "3"], (5, 2)), ("Conv1D", ["2", "0"], (5, 2)), ("Conv2D", ["2", "3", "strides=0"], (5, 5, 2)),
        ("MaxPooling1D", ["4"], (3, 2)), ("AveragePooling2D", [], (4, 4, 2)), ("MaxPooling2D", ["2", "padding='causal'"], (4, 4, 2)),
        ("Conv2D", ["2", "3"], (5, 5)), ("Conv3D", ["2", "(2, 2, 7)"], (5, 6, 4, 2)),
    ]


def conv_layers():
    cases = []
    for index, (cls, tokens, shape, forward) in enumerate(conv_cases()):
        keras.backend.clear_session()
        layer = eval("keras.layers." + cls + "(" + ", ".join(tokens) + ")")
        x = rng.normal(size=(2,) + shape).astype(np.float32)
        y = np.asarray(layer(x))
        # Random weights everywhere, biases included, so every term is tested.
        weights = [rng.normal(size=w.shape).astype(np.float32) * 0.5 for w in layer.weights]
        layer.set_weights(weights)
        config = layer.get_config()
        case = {"class": cls, "tokens": tokens, "input_shape": list(shape),
                "output_shape": [None if d is None else int(d) for d in layer.compute_output_shape((None,) + shape)],
                "params": int(layer.count_params()),
                "weights": [{"name": w.name, "shape": list(w.shape)} for w in layer.weights],
                "config_keys": [k for k in config if k not in ("name", "trainable", "dtype")],
                "config": {k: v for k, v in config.items()
                           if k in ("filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate",
                                    "groups", "depth_multiplier", "pool_size", "keepdims", "use_bias", "activation")},
                "name": layer.name}
        if forward:
            folder = f"conv/cases/{index:03d}"
            y = np.asarray(layer(x))
            save(f"{folder}/input.npy", x)
            save(f"{folder}/output.npy", y)
            for i, w in enumerate(weights):
                save(f"{folder}/weight{i}.npy", w)
            case["folder"] = folder
        cases.append(case)
    errors = []
    for cls, tokens, shape in conv_error_cases():
        keras.backend.clear_session()
        try:
            layer = eval("keras.layers." + cls + "(" + ", ".join(tokens) + ")")
            layer.build((None,) + shape)
            layer.compute_output_shape((None,) + shape)
            raise SystemExit(f"Keras accepted {cls}({tokens}) on {shape}")
        except (ValueError, TypeError) as e:
            errors.append({"class": cls, "tokens": tokens, "input_shape": list(shape), "keras_error": f"{type(e).__name__}: {e}"[:300]})
    save_json("conv/cases.json", cases)
    save_json("conv/errors.json", errors)


# Layers added after the first fixtures, in the format of conv/cases.json: (class, the
# words typed after `add`, which are also the Python arguments, one sample's shape).
# `generate.py layers` writes only these, so adding a layer regenerates nothing else.
LAYER_CASES = [
    ("Identity", [], [4]),
    ("Identity", [], [3, 5]),
    # Reshaping: every class, both data formats, asymmetric pads and crops, sizes 1-3,
    # bilinear upsampling on odd sizes (a 1x1 image, factors of 1).
    ("ZeroPadding1D", [], [4, 3]),
    ("ZeroPadding1D", ["(2, 0)"], [3, 2]),
    ("ZeroPadding1D", ["(1, 3)", "data_format='channels_first'"], [2, 5]),
    ("ZeroPadding2D", [], [3, 4, 2]),
    ("ZeroPadding2D", ["((1, 2), (3, 0))"], [2, 3, 2]),
    ("ZeroPadding2D", ["(2, 1)", "data_format='channels_first'"], [3, 2, 3]),
    ("ZeroPadding2D", ["((0, 1), (2, 3))", "data_format='channels_first'"], [2, 3, 1]),
    ("ZeroPadding3D", [], [2, 3, 2, 2]),
    ("ZeroPadding3D", ["((1, 0), (0, 2), (1, 1))"], [2, 1, 3, 2]),
    ("ZeroPadding3D", ["(1, 0, 2)", "data_format='channels_first'"], [2, 2, 3, 1]),
    ("Cropping1D", [], [5, 3]),
    ("Cropping1D", ["(2, 0)"], [4, 2]),
    ("Cropping1D", ["(0, 3)"], [6, 1]),
    ("Cropping2D", [], [3, 4, 2]),
    ("Cropping2D", ["1"], [4, 5, 2]),
    ("Cropping2D", ["((1, 2), (0, 3))"], [5, 6, 2]),
    ("Cropping2D", ["((2, 0), (1, 1))", "data_format='channels_first'"], [2, 4, 5]),
    ("Cropping3D", [], [3, 4, 5, 2]),
    ("Cropping3D", ["((0, 1), (2, 0), (1, 2))"], [3, 4, 5, 2]),
    ("Cropping3D", ["(1, 0, 2)", "data_format='channels_first'"], [2, 4, 3, 5]),
    ("UpSampling1D", [], [3, 2]),
    ("UpSampling1D", ["3"], [2, 3]),
    ("UpSampling1D", ["1"], [4, 2]),
    ("UpSampling2D", [], [2, 3, 2]),
    ("UpSampling2D", ["(3, 1)"], [2, 2, 3]),
    ("UpSampling2D", ["(1, 2)", "data_format='channels_first'"], [2, 3, 2]),
    ("UpSampling2D", ["interpolation='bilinear'"], [3, 5, 2]),
    ("UpSampling2D", ["(3, 2)", "interpolation='bilinear'"], [3, 3, 2]),
    ("UpSampling2D", ["(3, 3)", "interpolation='bilinear'"], [1, 1, 2]),
    ("UpSampling2D", ["(2, 3)", "data_format='channels_first'", "interpolation='bilinear'"], [2, 3, 5]),
    ("UpSampling2D", ["(1, 3)", "interpolation='bilinear'"], [4, 3, 1]),
    ("UpSampling3D", [], [2, 1, 3, 2]),
    ("UpSampling3D", ["(1, 2, 3)"], [2, 2, 2, 1]),
    ("UpSampling3D", ["(3, 1, 2)", "data_format='channels_first'"], [2, 2, 3, 2]),
    # The activation layers (keras/src/layers/activations/): every path of ReLU.static_call.
    ("ReLU", [], [6]),
    ("ReLU", ["6.0"], [3, 4]),
    ("ReLU", ["max_value=6"], [5]),
    ("ReLU", ["max_value=0.5"], [5]),
    ("ReLU", ["negative_slope=0.1"], [5]),
    ("ReLU", ["threshold=0.5"], [2, 5]),
    ("ReLU", ["max_value=1.0", "negative_slope=0.2"], [6]),
    ("ReLU", ["negative_slope=0.3", "threshold=0.25"], [6]),
    ("ReLU", ["max_value=1.5", "negative_slope=0.1", "threshold=0.2"], [3, 2]),
    ("LeakyReLU", [], [6]),
    ("LeakyReLU", ["0.1"], [3, 4]),
    ("LeakyReLU", ["negative_slope=0"], [5]),
    ("PReLU", [], [5]),
    ("PReLU", [], [3, 4]),
    ("PReLU", ["shared_axes=1"], [3, 4]),
    ("PReLU", ["shared_axes=(1, 2)"], [3, 4, 2]),
    ("PReLU", ["shared_axes=[2]"], [2, 3, 4]),
    ("PReLU", ["alpha_initializer='ones'"], [4]),
    ("ELU", [], [6]),
    ("ELU", ["alpha=0.5"], [3, 4]),
    ("ELU", ["2"], [5]),
    ("Softmax", [], [5]),
    ("Softmax", ["axis=1"], [3, 4]),
    ("Softmax", ["axis=-2"], [3, 4, 2]),
    ("Softmax", ["axis=(1, 2)"], [3, 4]),
    ("Softmax", ["axis=(-1, 1)"], [2, 3, 4]),
    ("Activation", ["'celu'"], [6]),
    ("Activation", ["'sparsemax'"], [2, 5]),
    ("Activation", ["'squareplus'"], [6]),
    ("Activation", ["'hard_tanh'"], [6]),
    # Regularisation layers (keras/src/layers/regularization/): the identity at inference,
    # config keys in Keras's order (SpatialDropout's own get_config), ints kept as typed.
    ("SpatialDropout1D", ["0.2"], [4, 3]),
    ("SpatialDropout2D", ["0.3", "seed=5"], [3, 4, 2]),
    ("SpatialDropout2D", ["0.5", "data_format='channels_first'"], [2, 3, 4]),
    ("SpatialDropout3D", ["0.1"], [2, 2, 3, 2]),
    ("SpatialDropout3D", ["0.25", "data_format='channels_first'", "seed=2"], [2, 3, 2, 2]),
    ("GaussianNoise", ["0.1"], [5]),
    ("GaussianNoise", ["1", "seed=7"], [3, 4]),
    ("GaussianDropout", ["0.3"], [6]),
    ("GaussianDropout", ["0.5", "seed=1"], [2, 3]),
    ("AlphaDropout", ["0.2"], [5]),
    ("AlphaDropout", ["0.1", "noise_shape=(None, 1, 4)", "seed=3"], [3, 4]),
    ("ActivityRegularization", [], [4]),
    ("ActivityRegularization", ["0.01", "0.02"], [3, 4]),
    ("ActivityRegularization", ["l2=1"], [5]),
]


# Arguments and inputs Keras refuses, for the layers of LAYER_CASES: (class, tokens, one
# sample's shape). layers/errors.json records Keras's message (at construction, at build,
# or when called on a batch), which LayerLab must print word for word.
LAYER_ERROR_CASES = [
    ("ZeroPadding1D", ["-1"], [4, 2]), ("ZeroPadding1D", ["(1, 2, 3)"], [4, 2]), ("ZeroPadding1D", ["'ab'"], [4, 2]),
    ("ZeroPadding2D", ["(1, 2, 3)"], [4, 4, 2]), ("ZeroPadding2D", ["((1, -2), 3)"], [4, 4, 2]),
    ("ZeroPadding2D", ["None"], [4, 4, 2]), ("ZeroPadding2D", ["((1, 2), (3, 4, 5))"], [4, 4, 2]),
    ("ZeroPadding2D", ["1", "data_format='nchw'"], [4, 4, 2]), ("ZeroPadding2D", ["'ab'"], [4, 4, 2]),
    ("ZeroPadding3D", ["(1, 2)"], [2, 2, 2, 1]), ("ZeroPadding3D", ["None"], [2, 2, 2, 1]),
    ("Cropping1D", ["(1, 2, 3)"], [5, 2]), ("Cropping1D", ["(2, 3)"], [5, 2]), ("Cropping1D", ["(-1, 0)"], [5, 2]),
    ("Cropping2D", ["-1"], [4, 4, 2]), ("Cropping2D", ["((2, 2), (0, 0))"], [4, 5, 2]),
    ("Cropping2D", ["((1, 1), (2, 3))", "data_format='channels_first'"], [2, 4, 5]), ("Cropping2D", ["None"], [4, 4, 2]),
    ("Cropping2D", ["(1, 2, 3)"], [4, 4, 2]),
    ("Cropping3D", ["((1, 1), (1, 1))"], [4, 4, 4, 1]), ("Cropping3D", ["2"], [4, 5, 6, 1]), ("Cropping3D", ["None"], [4, 4, 4, 1]),
    ("Cropping3D", ["((1, 2), (0, 0), (0, 0))", "data_format='channels_first'"], [1, 3, 4, 4]),
    ("UpSampling1D", ["(2,)"], [3, 2]), ("UpSampling1D", ["0"], [3, 2]), ("UpSampling1D", ["2.0"], [3, 2]),
    ("UpSampling2D", ["0"], [3, 3, 2]), ("UpSampling2D", ["(2, 0)"], [3, 3, 2]), ("UpSampling2D", ["(2, 2, 2)"], [3, 3, 2]),
    ("UpSampling2D", ["interpolation='cubic'"], [3, 3, 2]), ("UpSampling3D", ["(1, -1, 2)"], [2, 2, 2, 1]),
    ("SpatialDropout1D", ["1.5"], [4, 3]), ("SpatialDropout2D", ["-0.1"], [3, 3, 2]),
    ("SpatialDropout2D", ["0.1", "data_format='nchw'"], [3, 3, 2]),
    ("GaussianNoise", ["1.5"], [4]), ("GaussianNoise", ["-0.1"], [4]), ("GaussianDropout", ["2"], [4]),
    ("AlphaDropout", ["-1"], [4]), ("ActivityRegularization", ["-1"], [4]),
    ("ActivityRegularization", ["l2='a'"], [4]),
]


def layer_error_cases():
    errors = []
    for cls, tokens, shape in LAYER_ERROR_CASES:
        keras.backend.clear_session()
        try:
            layer = eval("keras.layers." + cls + "(" + ", ".join(tokens) + ")")
            layer.compute_output_shape((None,) + tuple(shape))
            layer(np.zeros((1,) + tuple(shape), np.float32))
            raise SystemExit(f"Keras accepted {cls}({tokens}) on {shape}")
        except (ValueError, TypeError) as e:
            message = re.sub(r"\x1b\[[0-9;]*m", "", str(e))
            if message.startswith("Exception encountered when calling"):
                # The call's wrapper: keep the message it wraps.
                message = message.split("\n")[2]
            errors.append({"class": cls, "tokens": tokens, "input_shape": list(shape), "keras_error": message})
    save_json("layers/errors.json", errors)


def layer_cases():
    """Shapes, weights, plain config values and forward outputs of LAYER_CASES, read by
    the same tests as the convolution cases."""
    local = np.random.default_rng(20260101)
    cases = []
    for index, (cls, tokens, shape) in enumerate(LAYER_CASES):
        keras.backend.clear_session()
        layer = eval("keras.layers." + cls + "(" + ", ".join(tokens) + ")")
        x = local.normal(size=(2,) + tuple(shape)).astype(np.float32)
        layer(x)
        weights = [local.normal(size=w.shape).astype(np.float32) * 0.5 for w in layer.weights]
        layer.set_weights(weights)
        y = np.asarray(layer(x))
        config = layer.get_config()
        folder = f"layers/cases/{index:03d}"
        save(f"{folder}/input.npy", x)
        save(f"{folder}/output.npy", y)
        for i, w in enumerate(weights):
            save(f"{folder}/weight{i}.npy", w)
        cases.append({"class": cls, "tokens": tokens, "input_shape": list(shape),
                      "output_shape": [None if d is None else int(d) for d in layer.compute_output_shape((None,) + tuple(shape))],
                      "params": int(layer.count_params()),
                      "weights": [{"name": w.name, "shape": list(w.shape)} for w in layer.weights],
                      "config_keys": [k for k in config if k not in ("name", "trainable", "dtype")],
                      "config": {k: v for k, v in config.items() if k not in ("name", "trainable", "dtype")
                                 and isinstance(v, (int, str, list, tuple)) and not isinstance(v, bool)},
                      "name": layer.name, "folder": folder})
    save_json("layers/cases.json", cases)


def reshaping_file():
    """files/reshaping.keras: every padding, cropping and upsampling class in one Keras model
    (both data formats, bilinear), with an input, Keras's output and to_json(), listed in
    files/cases.json beside keras_files()'s models. Called by `generate.py layers`."""
    local = np.random.default_rng(20260102)
    L = keras.layers
    keras.backend.clear_session()
    keras.utils.set_random_seed(20260102)
    model = keras.Sequential([
        keras.Input(shape=(4, 5, 3)), L.ZeroPadding2D(((1, 2), (0, 1)), data_format="channels_first"),
        L.Cropping2D(1), L.UpSampling2D((1, 2), interpolation="bilinear"), L.Reshape((2, 6, 8, 1)),
        L.ZeroPadding3D((1, 0, 2)), L.Cropping3D(((0, 1), (1, 1), (2, 0)), data_format="channels_last"),
        L.UpSampling3D((1, 2, 1)), L.Reshape((-1, 2)), L.ZeroPadding1D(1), L.Cropping1D((0, 2)), L.UpSampling1D(2),
        L.Reshape((8, 30, 2)),
        L.UpSampling2D(2, data_format="channels_first"), L.Flatten(), L.Dense(3)], name="reshaping")
    x = local.normal(size=(2, 4, 5, 3)).astype(np.float32)
    save("files/reshaping.input.npy", x)
    save("files/reshaping.output.npy", model.predict(x, verbose=0))
    d = os.path.join(OUT, "files")
    model.save(os.path.join(d, "reshaping.keras"))
    with open(os.path.join(d, "reshaping.json"), "w") as f:
        f.write(model.to_json())
    path = os.path.join(d, "cases.json")
    facts = [c for c in json.load(open(path)) if c["name"] != "reshaping"]
    save_json("files/cases.json", facts + [{"name": "reshaping", "layers": [l.name for l in model.layers]}])
def activation_layers_file():
    """files/activations/: a .keras file Keras writes with the five activation layers (ReLU's
    relu6 and clipped-threshold paths, PReLU with a random alpha shared over axis 1, ELU, LeakyReLU,
    Softmax over two axes) and activations glu, celu and sparsemax, with an input and Keras's output."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(3)
    L = keras.layers
    model = keras.Sequential([
        keras.Input((5, 4)), L.Dense(6), L.ReLU(6.0), L.PReLU(alpha_initializer="random_normal", shared_axes=[1]),
        L.ELU(alpha=0.7), L.LeakyReLU(0.05), L.ReLU(max_value=1.2, negative_slope=0.1, threshold=0.3),
        L.Dense(6, activation="celu"), L.Activation("glu"), L.Softmax(axis=(1, 2)), L.Activation("sparsemax"),
    ], name="activations")
    x = np.random.default_rng(1).normal(size=(3, 5, 4)).astype(np.float32) * 2
    save("files/activations/x.npy", x)
    save("files/activations/y.npy", model.predict(x, verbose=0))
    save_keras_file(model, "files/activations/model.keras")
    with open(os.path.join(OUT, "files/activations/model.json"), "w") as f:
        f.write(model.to_json() + "\n")  # keys in Keras's order (save_json would sort them)


def conv_reference_examples():
    """The worked examples of the reference (same/causal/transpose/avg-same padding)."""
    out = {}
    x5 = np.arange(1, 6, dtype=np.float32).reshape(1, 5, 1)
    def run(layer, x, weights=None):
        layer.build(x.shape)
        if weights is not None:
            layer.set_weights(weights)
        return np.asarray(layer(x)).reshape(-1).tolist()
    ones = lambda k: [np.ones((k, 1, 1), np.float32), np.zeros((1,), np.float32)]
    out["conv1d_k2_same"] = run(keras.layers.Conv1D(1, 2, padding="same"), x5, ones(2))
    out["conv1d_k3_causal"] = run(keras.layers.Conv1D(1, 3, padding="causal"), x5, ones(3))
    out["conv1d_k3_d2_causal"] = run(keras.layers.Conv1D(1, 3, padding="causal", dilation_rate=2), x5, ones(3))
    w = [np.array([1, 10, 100], np.float32).reshape(3, 1, 1), np.zeros((1,), np.float32)]
    x2 = np.array([1, 2], np.float32).reshape(1, 2, 1)
    out["conv1dtranspose_s2_valid"] = run(keras.layers.Conv1DTranspose(1, 3, strides=2), x2, w)
    out["conv1dtranspose_s2_same"] = run(keras.layers.Conv1DTranspose(1, 3, strides=2, padding="same"), x2, w)
    out["avgpool1d_2_same"] = run(keras.layers.AveragePooling1D(2, padding="same"), x5)
    out["avgpool1d_3_s1_same"] = run(keras.layers.AveragePooling1D(3, strides=1, padding="same"), x5)
    out["maxpool1d_3_s1_same_negative"] = run(keras.layers.MaxPooling1D(3, strides=1, padding="same"), -x5)
    grid = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1)
    out["avgpool2d_2_same_grid"] = run(keras.layers.AveragePooling2D(2, padding="same"), grid)
    save_json("conv/examples.json", out)


def cnn_model():
    """The chapter's CNN, ending in GlobalAveragePooling2D and Dense (no Flatten in this branch)."""
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)),
                              keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(2),
                              keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.MaxPooling2D(2),
                              keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10, activation="softmax")])
    lines = []
    model.summary(print_fn=lambda s, line_break=True: lines.append(s))
    with open(os.path.join(OUT, "conv", "cnn_summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for layer in model.layers:
        layer.set_weights([rng.normal(size=w.shape).astype(np.float32) * 0.3 for w in layer.weights])
        for w in layer.weights:
            save(f"conv/cnn/{layer.name}.{w.name}.npy", w.numpy())
    x = rng.normal(size=(2, 28, 28, 1)).astype(np.float32)
    save("conv/cnn/input.npy", x)
    save("conv/cnn/output.npy", model.predict(x, verbose=0))
    save_json("conv/cnn/layers.json", [{"name": l.name, "class": type(l).__name__,
                                        "output_shape": [None if d is None else int(d) for d in l.output.shape],
                                        "params": int(l.count_params()), "weights": [w.name for w in l.weights]}
                                       for l in model.layers])
PYTHON = os.path.join(OUT, "python")
SNIPPETS = os.path.join(PYTHON, "snippets")
LAYERLAB = os.path.join(".build", "debug", "layerlab")


def run_python(code, columns):
    """Runs Python code in a fresh interpreter (a fresh Keras session) and returns its stdout."""
    import subprocess
    env = dict(os.environ, COLUMNS=str(columns), KERAS_BACKEND="jax")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"Keras failed:\n{code}\n{done.stderr}")
    return done.stdout


def python_snippets():
    """Keras Python typed at LayerLab's prompt (Tests/Fixtures/keras/python/snippets/*.py):
    what Keras prints for each (model.summary() at 80, 120 and 60 columns, and print()s),
    and the Keras code LayerLab's `keras` command writes for the model each one builds,
    run through Keras to check that it rebuilds the same model (same summary)."""
    import subprocess
    names = sorted(f[:-3] for f in os.listdir(SNIPPETS) if f.endswith(".py"))
    results = {}
    for name in names:
        results[name] = python_snippet(name)
    python_sessions(results)


def python_snippet(name):
    """One snippet's fixtures (see python_snippets)."""
    import subprocess
    with open(os.path.join(SNIPPETS, name + ".py")) as f:
        code = f.read()
    for columns in (80, 120, 60):
        with open(os.path.join(PYTHON, f"{name}.{columns}.txt"), "w") as f:
            f.write(run_python(code, columns))
    # The generator: LayerLab's `keras` command on the snippet's model, run through Keras.
    if not os.path.exists(LAYERLAB):
        raise RuntimeError(f"build LayerLab first ({LAYERLAB} is missing): swift build")
    env = dict(os.environ, COLUMNS="80")
    done = subprocess.run([LAYERLAB],
                          input=code + "\nkeras\n", capture_output=True, text=True, env=env)
    out = done.stdout
    start = out.rfind("import keras\n")
    if done.returncode != 0 or start < 0:
        raise RuntimeError(f"LayerLab failed on {name}:\n{done.stderr}")
    generated = out[start:]
    with open(os.path.join(PYTHON, f"{name}.keras.py"), "w") as f:
        f.write(generated)
    summary = run_python(generated, 80)
    with open(os.path.join(PYTHON, f"{name}.keras.txt"), "w") as f:
        f.write(summary)
    return {"generated_code_ran": True, "keras": keras.__version__}


def python_sessions(results):
    import subprocess
    # LayerLab command sessions (sessions/*.ll): the generator on models built with commands.
    sessions = os.path.join(PYTHON, "sessions")
    for file in sorted(os.listdir(sessions)):
        if not file.endswith(".ll"):
            continue
        name = file[:-3]
        with open(os.path.join(sessions, file)) as f:
            commands = f.read()
        done = subprocess.run([LAYERLAB], input=commands + "\nkeras\n", capture_output=True, text=True,
                              env=dict(os.environ, COLUMNS="80"))
        out = done.stdout
        start = out.rfind("import keras\n")
        if done.returncode != 0 or start < 0:
            raise RuntimeError(f"LayerLab failed on {file}:\n{done.stderr}")
        generated = out[start:]
        with open(os.path.join(sessions, f"{name}.keras.py"), "w") as f:
            f.write(generated)
        with open(os.path.join(sessions, f"{name}.keras.txt"), "w") as f:
            f.write(run_python(generated, 80))
        results["sessions/" + name] = {"generated_code_ran": True, "keras": keras.__version__}
    save_json("python/generated.json", results)
    # Keras's module layout, which LayerLab's import checks follow.
    modules = {}
    for m in ["keras", "keras.layers", "keras.models", "keras.initializers", "keras.regularizers",
              "keras.constraints", "keras.activations", "keras.backend", "keras.optimizers", "keras.losses",
              "keras.optimizers.schedules"]:
        mod = keras
        for part in m.split(".")[1:]:
            mod = getattr(mod, part)
        modules[m] = sorted(n for n in dir(mod) if not n.startswith("_"))
    save_json("python/modules.json", modules)

# What a user types for compile(optimizer=…): the calls and names Keras accepts (with the
# config Keras keeps) and those it refuses.
OPTIMIZER_CASES = [
    "'adam'", "'SGD'", "'RMSprop'", "'adamw'", "'nadam'", "'adamax'", "'adagrad'", "'adadelta'", "'lion'", "'ftrl'",
    "SGD(learning_rate=0.1, momentum=0.9, nesterov=True)",
    "Adam(learning_rate=0.01, amsgrad=True, clipnorm=1.0)",
    "AdamW(weight_decay=0.01, beta_2=0.99)",
    "RMSprop(rho=0.8, momentum=0.5, centered=True, global_clipnorm=2.0)",
    "Adagrad(initial_accumulator_value=0.2, clipvalue=0.5)",
    "Ftrl(learning_rate_power=-0.25, l1_regularization_strength=0.01)",
    "Lion(beta_1=0.95, use_ema=True, ema_momentum=0.9)",
    "Adam(0.003)",
    "SGD(learning_rate=ExponentialDecay(0.1, 1000, 0.96))",
    "Adam(learning_rate=CosineDecay(0.01, 500, alpha=0.1))",
    "SGD(learning_rate=PiecewiseConstantDecay([100, 200], [0.1, 0.05, 0.01]))",
    "RMSprop(learning_rate=PolynomialDecay(0.1, 100))",
    "Adam(learning_rate=InverseTimeDecay(0.1, 10, 0.5, staircase=True))",
]
OPTIMIZER_ERRORS = ["'rms_prop'", "'lamb'", "SGD(learning_rate=1)", "SGD(momentum=0)", "Adam(clipnorm=1.0, clipvalue=0.5)",
                    "SGD(momentum=1.5)", "Adam(beta_3=0.5)"]


def optimizers():
    """optimizers.get() of each case: class and get_config() (schedules nested as Keras
    serialises them), and which cases Keras refuses."""
    names = {n: getattr(keras.optimizers.schedules, n) for n in
             ("ExponentialDecay", "CosineDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay")}
    names.update({n: getattr(keras.optimizers, n) for n in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Ftrl", "Lion")})

    def get(typed):
        return keras.optimizers.get(eval(typed, names))

    def plain(v):
        if isinstance(v, dict) and "class_name" in v:
            return {"class_name": v["class_name"], "config": {k: plain(x) for k, x in v["config"].items()}}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, (np.floating, np.integer)):
            return v.item()
        return v
    cases = []
    for typed in OPTIMIZER_CASES:
        opt = get(typed)
        config = keras.optimizers.serialize(opt)["config"]
        cases.append({"typed": typed.strip("'"), "class": type(opt).__name__,
                      "config": [[k, plain(v)] for k, v in config.items()]})
    errors = []
    for typed in OPTIMIZER_ERRORS:
        try:
            get(typed)
        except (ValueError, TypeError) as e:
            errors.append({"typed": typed.strip("'"), "keras_error": str(e).splitlines()[0][:200]})
        else:
            raise SystemExit(f"Keras accepted {typed}")
    save_json("optimizers/cases.json", {"cases": cases, "errors": errors})



# (what the user types, the Python that builds the same loss object, data kind, y_true shape, y_pred shape)
LOSS_CASES = [
    ("mse", "MeanSquaredError()", "regression", [4, 3], [4, 3]),
    ("MeanSquaredError(reduction='sum')", "MeanSquaredError(reduction='sum')", "regression", [4, 3], [4, 3]),
    ("MSE", "MeanSquaredError()", "regression", [5], [5, 1]),
    ("mean_squared_error", "MeanSquaredError()", "regression", [2, 3, 4], [2, 3, 4]),
    ("mae", "MeanAbsoluteError()", "regression", [4, 3], [4, 3]),
    ("MeanAbsoluteError", "MeanAbsoluteError()", "regression", [5, 1], [5]),
    ("bce", "BinaryCrossentropy()", "binary", [4, 3], [4, 3]),
    ("BinaryCrossentropy(from_logits=True)", "BinaryCrossentropy(from_logits=True)", "binary_logits", [4, 3], [4, 3]),
    ("BinaryCrossentropy(label_smoothing=0.2)", "BinaryCrossentropy(label_smoothing=0.2)", "binary", [4, 3], [4, 3]),
    ("binary_crossentropy", "BinaryCrossentropy()", "binary_clip", [4, 3], [4, 3]),
    ("BCE", "BinaryCrossentropy()", "binary", [6], [6, 1]),
    ("categorical_crossentropy", "CategoricalCrossentropy()", "onehot", [4, 3], [4, 3]),
    ("CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)", "CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)", "onehot_logits", [4, 3], [4, 3]),
    ("CategoricalCrossentropy(label_smoothing=0.1)", "CategoricalCrossentropy(label_smoothing=0.1)", "onehot", [4, 5], [4, 5]),
    ("CategoricalCrossentropy", "CategoricalCrossentropy()", "onehot_clip", [4, 3], [4, 3]),
    ("categorical_crossentropy", "CategoricalCrossentropy()", "onehot", [2, 3, 4], [2, 3, 4]),
    ("CategoricalCrossentropy(reduction='sum')", "CategoricalCrossentropy(reduction='sum')", "onehot", [4, 3], [4, 3]),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy()", "sparse", [4], [4, 3]),
    ("SparseCategoricalCrossentropy(from_logits=True)", "SparseCategoricalCrossentropy(from_logits=True)", "sparse_logits", [4, 1], [4, 3]),
    ("SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy()", "sparse_clip", [4], [4, 3]),
    ("huber", "Huber()", "regression", [4, 3], [4, 3]),
    ("Huber(delta=2.0)", "Huber(delta=2.0)", "regression", [4, 3], [4, 3]),
    ("mape", "MeanAbsolutePercentageError()", "regression", [4, 3], [4, 3]),
    ("msle", "MeanSquaredLogarithmicError()", "positive", [4, 3], [4, 3]),
    ("log_cosh", "LogCosh()", "regression", [4, 3], [4, 3]),
    ("hinge", "Hinge()", "binary_logits", [4, 3], [4, 3]),
    ("squared_hinge", "SquaredHinge()", "signs", [4, 3], [4, 3]),
    ("categorical_hinge", "CategoricalHinge()", "onehot", [4, 3], [4, 3]),
    ("kld", "KLDivergence()", "probs", [4, 3], [4, 3]),
    ("poisson", "Poisson()", "positive", [4, 3], [4, 3]),
    ("cosine_similarity", "CosineSimilarity()", "regression", [4, 3], [4, 3]),
]


def loss_data(kind, shape_true, shape_pred, local):
    c = shape_pred[-1]
    def softmax(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if kind == "regression":
        return local.normal(size=shape_true), local.normal(size=shape_pred)
    if kind == "positive":
        return local.uniform(0.1, 3, size=shape_true), local.uniform(0.1, 3, size=shape_pred)
    if kind in ("binary", "binary_clip", "binary_logits", "signs"):
        t = local.integers(0, 2, size=shape_true).astype(np.float32)
        if kind == "signs":
            t = 2 * t - 1
        if kind == "binary_logits" or kind == "signs":
            return t, local.normal(size=shape_pred) * 2
        p = local.uniform(0.05, 0.95, size=shape_pred)
        if kind == "binary_clip":
            p.reshape(-1)[[0, 4, 7]] = [0.0, 1.0, 1e-9]
        return t, p
    if kind in ("onehot", "onehot_logits", "onehot_clip"):
        labels = local.integers(0, c, size=shape_pred[:-1])
        t = np.eye(c)[labels]
        if kind == "onehot_logits":
            return t, local.normal(size=shape_pred) * 2
        p = softmax(local.normal(size=shape_pred))
        if kind == "onehot_clip":
            p[0] = [1.0, 0.0, 0.0]
            p[1] = [0.0, 0.5, 0.5]
            p[1, labels[1]] = 0.0
            p[1] /= p[1].sum()
        return t, p
    if kind in ("sparse", "sparse_logits", "sparse_clip"):
        t = local.integers(0, c, size=shape_true).astype(np.float32)
        if kind == "sparse_logits":
            return t, local.normal(size=shape_pred) * 2
        p = softmax(local.normal(size=shape_pred))
        if kind == "sparse_clip":
            p[0] = [1.0, 0.0, 0.0]
            p[1] = [0.0, 0.5, 0.5]
        return t, p
    if kind == "probs":
        return softmax(local.normal(size=shape_true)), softmax(local.normal(size=shape_pred))
    raise ValueError(kind)


def losses():
    """Every loss's value and jax.grad with respect to y_pred, and its config
    (Tests/Fixtures/keras/losses/cases.json only)."""
    import jax
    local = np.random.default_rng(20261207)
    cases = []
    for text, python, kind, shape_true, shape_pred in LOSS_CASES:
        loss = eval("keras.losses." + python)
        t, p = loss_data(kind, shape_true, shape_pred, local)
        t = np.asarray(t, dtype=np.float32)
        p = np.asarray(p, dtype=np.float32)
        value = float(loss(t, p))
        grad = np.asarray(jax.grad(lambda q: loss(t, q))(p), dtype=np.float32)
        cases.append({"text": text, "python": "keras.losses." + python,
                      "y_true": [float(v) for v in t.reshape(-1)], "y_true_shape": list(shape_true),
                      "y_pred": [float(v) for v in p.reshape(-1)], "y_pred_shape": list(shape_pred),
                      "value": value, "gradient": [float(v) for v in grad.reshape(-1)],
                      "class_name": type(loss).__name__,
                      "config": [[k, v] for k, v in loss.get_config().items()]})
    save_json("losses/cases.json", cases)


# (optimizer as typed after `compile optimizer=`, constraint on the first variable or None)
OPTIMIZER_STEP_CASES = [
    ("SGD(learning_rate=0.1)", None), ("SGD(learning_rate=0.1, momentum=0.9)", None),
    ("SGD(learning_rate=0.1, momentum=0.9, nesterov=True)", None), ("Adam(learning_rate=0.1)", None),
    ("Adam(learning_rate=0.1, amsgrad=True)", None), ("AdamW(learning_rate=0.1)", None),
    ("AdamW(learning_rate=0.1, weight_decay=0.5, beta_1=0.8)", None), ("RMSprop(learning_rate=0.1)", None),
    ("RMSprop(learning_rate=0.1, rho=0.8, momentum=0.5, centered=True)", None), ("RMSprop(learning_rate=0.1, momentum=0.3)", None),
    ("Adagrad(learning_rate=0.1)", None), ("Adagrad(learning_rate=0.1, initial_accumulator_value=0.3, epsilon=0.01)", None),
    ("Adadelta(learning_rate=1.0)", None), ("Adadelta(learning_rate=0.5, rho=0.8)", None), ("Adamax(learning_rate=0.1)", None),
    ("Nadam(learning_rate=0.1)", None), ("Nadam(learning_rate=0.1, beta_1=0.8, beta_2=0.9)", None),
    ("Lion(learning_rate=0.1)", None), ("Lion(learning_rate=0.1, beta_1=0.95, beta_2=0.9)", None), ("Ftrl(learning_rate=0.1)", None),
    ("Ftrl(learning_rate=0.1, learning_rate_power=-0.25, l1_regularization_strength=0.01, l2_regularization_strength=0.02, "
     "l2_shrinkage_regularization_strength=0.03, beta=0.1)", None),
    ("SGD(learning_rate=0.1, clipnorm=0.5)", None), ("Adam(learning_rate=0.1, clipvalue=0.2)", None),
    ("SGD(learning_rate=0.1, global_clipnorm=0.7)", None), ("SGD(learning_rate=0.1, weight_decay=0.5)", "MaxNorm(1.0)"),
    ("SGD(learning_rate=0.1, momentum=0.9)", "NonNeg()"), ("Adam(learning_rate=0.1)", "UnitNorm(axis=0)"),
    ("Adam(learning_rate=0.1)", "MinMaxNorm(min_value=0.5, max_value=1.5, rate=0.5)"),
    ("SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9)", None),
    ("SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=3)", None),
    ("SGD(learning_rate=0.1, loss_scale_factor=4.0)", None),
    ("SGD(learning_rate=ExponentialDecay(0.1, 2, 0.5))", None), ("SGD(learning_rate=ExponentialDecay(0.1, 2, 0.5, staircase=True))", None),
    ("SGD(learning_rate=PiecewiseConstantDecay([2, 4], [0.1, 0.05, 0.01]))", None),
    ("SGD(learning_rate=CosineDecay(0.1, 4, alpha=0.1))", None),
    ("SGD(learning_rate=CosineDecay(0.0, 4, warmup_target=0.1, warmup_steps=2))", None),
    ("SGD(learning_rate=PolynomialDecay(0.1, 4, end_learning_rate=0.01, power=2.0))", None),
    ("SGD(learning_rate=PolynomialDecay(0.1, 2, cycle=True))", None),
    ("SGD(learning_rate=InverseTimeDecay(0.1, 2, 0.5))", None), ("Adam(learning_rate=InverseTimeDecay(0.1, 2, 0.5, staircase=True))", None),
]


def optimizer_steps():
    """Six optimizer.apply steps of each case on two variables ((3, 4) and (4,)) with fixed
    gradients (a constraint on the first when given): Keras's values after every step."""
    names = {n: getattr(keras.optimizers.schedules, n) for n in
             ("ExponentialDecay", "CosineDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay")}
    names.update({n: getattr(keras.optimizers, n) for n in
                  ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion", "Ftrl")})
    names.update({n: getattr(keras.constraints, n) for n in ("MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm")})
    rng = np.random.default_rng(11)
    w0 = [rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(4,)).astype(np.float32)]
    grads = [[rng.normal(size=w.shape).astype(np.float32) * (1 + s) for w in w0] for s in range(6)]
    save("optimizer_steps/w0.npy", w0[0])
    save("optimizer_steps/w1.npy", w0[1])
    for s, gs in enumerate(grads):
        save(f"optimizer_steps/g{s}_0.npy", gs[0])
        save(f"optimizer_steps/g{s}_1.npy", gs[1])
    cases = []
    for i, (typed, constraint) in enumerate(OPTIMIZER_STEP_CASES):
        opt = eval(typed, names)
        variables = [keras.Variable(w.copy(), name=f"v{j}") for j, w in enumerate(w0)]
        if constraint:
            variables[0].constraint = eval(constraint, names)
        opt.build(variables)
        steps = []
        for s, gs in enumerate(grads):
            opt.apply([keras.ops.convert_to_tensor(g) for g in gs], variables)
            steps.append([keras.ops.convert_to_numpy(v.value).astype(np.float32) for v in variables])
        for s, values in enumerate(steps):
            save(f"optimizer_steps/{i:02d}/step{s}_0.npy", values[0])
            save(f"optimizer_steps/{i:02d}/step{s}_1.npy", values[1])
        cases.append({"optimizer": typed, "constraint": constraint, "folder": f"{i:02d}",
                      "iterations": int(keras.ops.convert_to_numpy(opt.iterations))})
    save_json("optimizer_steps/cases.json", cases)


def training_state():
    """The training state a .keras file carries (training_state/<name>/): compiled.keras, the
    model compiled but not trained (its optimizer unbuilt: only iteration and learning_rate);
    trained.keras, the same after 2 epochs (shuffle=False); x.npy, y.npy; epoch2_<i>.npy, the
    trainable weights after a 3rd epoch in the same session; and case.json with the compile
    arguments as a LayerLab user types them and the optimizer variables' names."""
    L = keras.layers
    rng = np.random.default_rng(22)

    def sgd_momentum():
        keras.utils.set_random_seed(7)
        m = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="relu"), L.Dense(2)])
        return m, rng.normal(size=(10, 4)), rng.normal(size=(10, 2)), \
            "SGD(learning_rate=0.1, momentum=0.9)", "mse", ["mae"]

    def adam_functional():
        keras.utils.set_random_seed(8)
        x = keras.Input((5,), name="x")
        a = L.Dense(4, activation="tanh", name="left")(x)
        b = L.Dense(3, activation="relu", name="right")(x)
        c = L.Concatenate(name="join")([a, b])
        out = L.Dense(3, name="out")(c)
        m = keras.Model(x, out)
        return m, rng.normal(size=(11, 5)), rng.integers(0, 3, size=(11,)), \
            "Adam(learning_rate=0.01)", "SparseCategoricalCrossentropy(from_logits=True)", ["accuracy"]

    def adam_schedule():
        keras.utils.set_random_seed(9)
        m = keras.Sequential([keras.Input((3,)), L.Dense(4, activation="elu"), L.Dense(1)])
        return m, rng.normal(size=(9, 3)), rng.normal(size=(9, 1)), \
            "Adam(learning_rate=ExponentialDecay(0.05, 2, 0.5))", "mae", []

    def rmsprop_centered():
        keras.utils.set_random_seed(10)
        m = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="tanh"), L.Dense(2)])
        return m, rng.normal(size=(10, 4)), rng.normal(size=(10, 2)), \
            "RMSprop(learning_rate=0.01, momentum=0.5, centered=True)", "mse", []

    def adam_amsgrad():
        keras.utils.set_random_seed(11)
        m = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="relu"), L.Dense(2)])
        return m, rng.normal(size=(10, 4)), rng.normal(size=(10, 2)), "Adam(learning_rate=0.01, amsgrad=True)", "mse", []

    def nadam():
        keras.utils.set_random_seed(12)
        m = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="relu"), L.Dense(2)])
        return m, rng.normal(size=(10, 4)), rng.normal(size=(10, 2)), "Nadam(learning_rate=0.01)", "mse", []

    builders = {"sgd_momentum": sgd_momentum, "adam_functional": adam_functional, "adam_schedule": adam_schedule,
                "rmsprop_centered": rmsprop_centered, "adam_amsgrad": adam_amsgrad, "nadam": nadam}
    names = {n: getattr(keras.optimizers, n) for n in ("SGD", "Adam", "RMSprop", "Nadam")}
    names.update({"ExponentialDecay": keras.optimizers.schedules.ExponentialDecay,
                  "SparseCategoricalCrossentropy": keras.losses.SparseCategoricalCrossentropy})
    batch = 4
    for name, build in builders.items():
        model, x, y, opt_text, loss_text, metrics = build()
        x = x.astype(np.float32)
        y = y.astype(np.float32) if y.dtype.kind == "f" else y.astype(np.int32)
        save(f"training_state/{name}/x.npy", x)
        save(f"training_state/{name}/y.npy", y)
        loss = eval(loss_text, names) if "(" in loss_text else loss_text
        model.compile(optimizer=eval(opt_text, names), loss=loss, metrics=metrics)
        save_keras_file(model, f"training_state/{name}/compiled.keras")
        model.fit(x, y, batch_size=batch, epochs=2, shuffle=False, verbose=0)
        save_keras_file(model, f"training_state/{name}/trained.keras")
        model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
        for i, v in enumerate(model.trainable_weights):
            save(f"training_state/{name}/epoch2_{i}.npy", keras.ops.convert_to_numpy(v.value).astype(np.float32))
        save_json(f"training_state/{name}/case.json", {
            "optimizer": opt_text, "loss": loss_text, "metrics": metrics, "batch_size": batch,
            "weights": ["/".join(v.path.split("/")[-2:]) for v in model.weights],
            "variables": [v.path for v in model.optimizer.variables],
            "iterations": int(keras.ops.convert_to_numpy(model.optimizer.iterations))})


def training_models():
    """Small models Keras fits (shuffle=False, a partial last batch): the model before (.keras),
    the data, the compile arguments as a LayerLab user types them, Keras's History and every
    weight after every epoch (BatchNormalization's moving statistics too)."""
    L = keras.layers
    rng = np.random.default_rng(21)

    def dense_mse():
        keras.utils.set_random_seed(1)
        m = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="relu"), L.Dense(1)])
        return m, rng.normal(size=(10, 4)), rng.normal(size=(10, 1)), "SGD(learning_rate=0.1, momentum=0.9)", "mse"

    def regularized():
        keras.utils.set_random_seed(2)
        m = keras.Sequential([keras.Input((5,)),
                              L.Dense(6, activation="tanh", kernel_regularizer=keras.regularizers.L2(0.01),
                                      kernel_constraint=keras.constraints.MaxNorm(0.5), activity_regularizer=keras.regularizers.L1(0.01)),
                              L.Dense(3, activation="softmax", bias_constraint=keras.constraints.NonNeg())])
        y = np.eye(3)[rng.integers(0, 3, size=11)]
        return m, rng.normal(size=(11, 5)), y, "Adam(learning_rate=0.01)", "CategoricalCrossentropy(label_smoothing=0.1)"

    def cnn():
        keras.utils.set_random_seed(3)
        m = keras.Sequential([keras.Input((8, 8, 2)), L.Conv2D(3, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dense(4)])
        return m, rng.normal(size=(9, 8, 8, 2)), rng.integers(0, 4, size=(9,)), "AdamW(learning_rate=0.01)", \
            "SparseCategoricalCrossentropy(from_logits=True)"

    def embedding():
        keras.utils.set_random_seed(4)
        m = keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(12, 3), L.Flatten(), L.Dense(2)])
        return m, rng.integers(0, 12, size=(10, 5)), rng.normal(size=(10, 2)), "RMSprop(learning_rate=0.01, momentum=0.5)", "mae"

    def scheduled():
        keras.utils.set_random_seed(5)
        m = keras.Sequential([keras.Input((3,)), L.Dense(4, activation="elu"), L.Dense(2, activation="sigmoid")])
        return m, rng.normal(size=(7, 3)), rng.integers(0, 2, size=(7, 2)).astype(np.float32), \
            "SGD(learning_rate=ExponentialDecay(0.5, 2, 0.5), clipnorm=0.5)", "binary_crossentropy"

    def batchnorm():
        keras.utils.set_random_seed(7)
        # No bias before a BatchNormalization (as keras.applications build them): its gradient
        # is 0 up to rounding, which Adam would blow up to steps of ±lr in either direction.
        m = keras.Sequential([keras.Input((6, 6, 2)), L.Conv2D(3, 3, use_bias=False), L.BatchNormalization(momentum=0.8),
                              L.Activation("relu"), L.Flatten(), L.Dense(4, use_bias=False), L.BatchNormalization(), L.Dense(2)])
        return m, rng.normal(size=(10, 6, 6, 2)) + 0.5, rng.normal(size=(10, 2)), "Adam(learning_rate=0.01)", "mse"

    def frozen():
        keras.utils.set_random_seed(6)
        m = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="relu", trainable=False), L.Dense(2)])
        return m, rng.normal(size=(6, 4)), rng.normal(size=(6, 2)), "Nadam(learning_rate=0.05)", "huber"

    builders = {"dense_mse": dense_mse, "regularized": regularized, "cnn": cnn, "embedding": embedding,
                "scheduled": scheduled, "frozen": frozen, "batchnorm": batchnorm}
    names = {n: getattr(keras.optimizers, n) for n in ("SGD", "Adam", "AdamW", "RMSprop", "Nadam")}
    names.update({n: getattr(keras.optimizers.schedules, n) for n in ("ExponentialDecay",)})
    names.update({n: getattr(keras.losses, n) for n in ("CategoricalCrossentropy", "SparseCategoricalCrossentropy")})
    # Metrics (resolved by Keras from the output's shape) and one case with a validation split.
    metrics = {"dense_mse": ["mae"], "regularized": ["accuracy"], "cnn": ["accuracy"], "embedding": ["mse"],
               "scheduled": ["acc"], "frozen": [], "batchnorm": ["mae"]}
    splits = {"regularized": 0.25, "batchnorm": 0.2}
    epochs, batch = 3, 4
    for name, build in builders.items():
        model, x, y, opt_text, loss_text = build()
        x = x.astype(np.int32 if model.inputs[0].dtype == "int32" else np.float32)
        y = y.astype(np.float32) if y.dtype.kind == "f" else y.astype(np.int32)
        folder = os.path.join(OUT, "training", name)
        os.makedirs(folder, exist_ok=True)
        model.save(os.path.join(folder, "model.keras"))
        save(f"training/{name}/x.npy", x)
        save(f"training/{name}/y.npy", y)
        loss = eval(loss_text, names) if "(" in loss_text else loss_text
        model.compile(optimizer=eval(opt_text, names), loss=loss, metrics=metrics[name])
        weights = []
        history = {}
        for epoch in range(epochs):
            h = model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0, validation_split=splits.get(name, 0.0))
            for key, values in h.history.items():
                history.setdefault(key, []).append(float(values[0]))
            for i, v in enumerate(model.weights):
                save(f"training/{name}/epoch{epoch}_{i}.npy", keras.ops.convert_to_numpy(v.value).astype(np.float32))
        save_json(f"training/{name}/case.json", {
            "optimizer": opt_text, "loss": loss_text, "metrics": metrics[name], "validation_split": splits.get(name, 0.0),
            "epochs": epochs, "batch_size": batch, "history": history,
            "weights": ["/".join(v.path.split("/")[-2:]) for v in model.weights],
            "iterations": int(keras.ops.convert_to_numpy(model.optimizer.iterations))})

# ---------------------------------------------------------------------------
# Normalization layers (`generate.py normalization`): BatchNormalization (non-trainable
# state), LayerNormalization and Rescaling — what keras.applications put between convolutions.
# normalization/cases/NNN/: input.npy, weight<i>.npy (layer.weights order, the moving
# variance positive), output_inference.npy and output_training.npy (the same input through
# stateless_call with training False / True), state<i>.npy (every weight after the training
# call: the moving statistics moved), and for each mode the VJP at a seeded dy:
# grad_output_<mode>.npy, grad_input_<mode>.npy, grad_weight<i>_<mode>.npy (trainable
# weights, in layer.trainable_weights order). cases.json lists them as LAYER_CASES does.

NORMALIZATION_CASES = [
    ("BatchNormalization", [], [5]),
    ("BatchNormalization", ["momentum=0.9", "epsilon=1e-5"], [3, 4]),
    ("BatchNormalization", ["axis=1"], [3, 4]),
    ("BatchNormalization", ["center=False"], [4, 4, 2]),
    ("BatchNormalization", ["scale=False"], [4, 4, 2]),
    ("BatchNormalization", ["center=False", "scale=False"], [6]),
    ("BatchNormalization", ["axis=-2", "momentum=0.5"], [2, 3, 2]),
    ("BatchNormalization", ["axis=3"], [2, 2, 3, 2]),
    ("LayerNormalization", [], [5]),
    ("LayerNormalization", ["epsilon=1e-6"], [3, 4]),
    ("LayerNormalization", ["axis=[1, 2]"], [3, 4]),
    ("LayerNormalization", ["axis=1", "center=False"], [3, 4]),
    ("LayerNormalization", ["scale=False"], [2, 2, 3]),
    ("LayerNormalization", ["axis=[-3, -1]"], [2, 3, 2]),
    ("Rescaling", ["0.00392156862745098"], [4, 3]),
    ("Rescaling", ["scale=0.00784313725490196", "offset=-1"], [2, 2, 3]),
    ("Rescaling", ["[0.5, 1.0, 2.0]", "offset=[0.1, 0.2, 0.3]"], [2, 3]),
    # Normalization with weights (mean, variance, count; adapt() sets them) and with constants.
    ("Normalization", [], [5]),
    ("Normalization", ["axis=None"], [3, 4]),
    ("Normalization", ["axis=[1, 2]"], [3, 4]),
    ("Normalization", ["axis=(-3, -1)", "invert=True"], [2, 3, 2]),
    ("Normalization", ["mean=3.0", "variance=2.0"], [4]),
    ("Normalization", ["axis=3", "mean=[0.485, 0.456, 0.406]", "variance=[0.052441, 0.050176, 0.050625]"], [2, 2, 3]),
    ("Normalization", ["axis=[1, 2]", "mean=[1.0, 2.0]", "variance=[0.5, 4.0]"], [3, 2]),
    ("Normalization", ["axis=1", "mean=[1.0, 2.0, 3.0]", "variance=[1.0, 0.0, 4.0]", "invert=True"], [3, 2]),
    ("UnitNormalization", [], [5]),
    ("UnitNormalization", ["axis=1"], [3, 4]),
    ("UnitNormalization", ["axis=[1, 2]"], [3, 4]),
    ("UnitNormalization", ["axis=(-3, -1)"], [2, 3, 2]),
    ("GroupNormalization", ["groups=2"], [3, 4]),
    ("GroupNormalization", ["groups=3", "epsilon=1e-5"], [2, 2, 6]),
    ("GroupNormalization", [], [2, 32]),
    ("GroupNormalization", ["groups=1", "axis=1", "center=False"], [4, 3, 2]),
    ("GroupNormalization", ["groups=2", "scale=False"], [2, 2, 4]),
    ("GroupNormalization", ["groups=4", "axis=-2"], [4, 2]),
]


def normalization_layers():
    import jax
    import jax.numpy as jnp
    cases = []
    for index, (cls, tokens, shape) in enumerate(NORMALIZATION_CASES):
        keras.backend.clear_session()
        folder = f"normalization/cases/{index:03d}"
        rng = case_rng(folder)
        layer = eval("keras.layers." + cls + "(" + ", ".join(tokens) + ")")
        x = rng.normal(size=(4,) + tuple(shape)).astype(np.float32) * 1.5 + 0.3
        layer.build(x.shape)
        weights = []
        for w in layer.weights:
            if w.name == "count":
                weights.append(np.array(12, dtype=np.int64))
            elif "variance" in w.name:
                weights.append(rng.uniform(0.5, 2.0, size=w.shape).astype(np.float32))
            else:
                weights.append(rng.normal(size=w.shape).astype(np.float32))
        layer.set_weights(weights)
        if cls == "Normalization":
            layer.finalize_state()  # its call reads mean and variance copied from the weights
        save(f"{folder}/input.npy", x)
        for i, w in enumerate(weights):
            save(f"{folder}/weight{i}.npy", np.asarray(w, dtype=np.float32))  # count as LayerLab holds it
        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]
        for mode, training in (("inference", False), ("training", True)):
            kwargs = {"training": training} if layer._call_has_training_arg else {}

            def f(inputs, values, layer=layer, kwargs=kwargs):
                return layer.stateless_call(values, ntv, inputs, **kwargs)[0]
            y, pull = jax.vjp(f, jnp.asarray(x), tv)
            dy = case_rng(folder + mode).standard_normal(np.shape(y)).astype(np.float32)
            gx, gw = pull(dy)
            save(f"{folder}/output_{mode}.npy", np.asarray(y))
            save(f"{folder}/grad_output_{mode}.npy", dy)
            save(f"{folder}/grad_input_{mode}.npy", np.asarray(gx))
            for i, g in enumerate(gw):
                save(f"{folder}/grad_weight{i}_{mode}.npy", np.asarray(g))
        _, new_ntv = layer.stateless_call(tv, ntv, x, **({"training": True} if layer._call_has_training_arg else {}))
        by_id = {id(v): n for v, n in zip(layer.non_trainable_variables, new_ntv)}
        for i, w in enumerate(layer.weights):
            value = by_id.get(id(w), w.value)
            save(f"{folder}/state{i}.npy", np.asarray(value))
        config = layer.get_config()
        cases.append({"class": cls, "tokens": tokens, "input_shape": list(shape),
                      "output_shape": [None if d is None else int(d) for d in layer.compute_output_shape((None,) + tuple(shape))],
                      "params": int(layer.count_params()),
                      "trainable_params": int(sum(np.prod(v.shape) for v in layer.trainable_weights)),
                      "weights": [{"name": w.name, "shape": list(w.shape), "trainable": bool(w.trainable)} for w in layer.weights],
                      "config_keys": [k for k in config if k not in ("name", "trainable", "dtype")],
                      "config": {k: plain(v) for k, v in config.items() if k not in ("name", "trainable", "dtype")},
                      "folder": folder})
    save_json("normalization/cases.json", cases)
    normalization_file()


def normalization_file():
    """normalization/adapted.keras: Normalization adapted on data (its weights mean, variance
    and count, an int32 scalar in the file), then Dense; input.npy and Keras's output.npy (inference)."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(3)
    rng = case_rng("normalization/adapted")
    data = rng.normal(size=(40, 3)).astype(np.float32) * [1.0, 5.0, 0.1] + [2.0, -1.0, 0.5]
    norm = keras.layers.Normalization()
    norm.adapt(data)
    norm.count.assign(40)  # Keras 3.15's adapt() leaves count at 0; a value shows the round trip keeps it
    model = keras.Sequential([keras.Input(shape=(3,)), norm, keras.layers.Dense(2)], name="adapted")
    save_keras_file(model, "normalization/adapted.keras")
    x = rng.normal(size=(5, 3)).astype(np.float32)
    save("normalization/adapted_input.npy", x)
    save("normalization/adapted_output.npy", np.asarray(model(x)))


# ---------------------------------------------------------------------------
# keras.applications (`generate.py applications`): each architecture built with
# weights=None at a small input and 10 classes. applications/<name>/: model.json
# (model.to_json()), summary.txt (model.summary() at 80 columns, as Keras prints it when
# not at a terminal), case.json (parameter counts, the layer classes it uses). Small ones
# (a few MB) also get model.keras with Keras's random weights, input.npy and output.npy
# (the forward in inference); the others' forward is checked by `make parity` outside CI.

APPLICATIONS = [
    # (name, constructor call, input shape, keep weights)
    ("MobileNetV2", "MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10, classifier_activation=None)", (96, 96, 3), True),
    ("MobileNet", "MobileNet(input_shape=(64, 64, 3), alpha=0.25, weights=None, classes=10, classifier_activation=None)", (64, 64, 3), True),
    ("VGG16", "VGG16(input_shape=(64, 64, 3), weights=None, classes=10)", (64, 64, 3), False),
    ("ResNet50", "ResNet50(input_shape=(64, 64, 3), weights=None, classes=10)", (64, 64, 3), False),
    ("DenseNet121", "DenseNet121(input_shape=(64, 64, 3), weights=None, classes=10)", (64, 64, 3), False),
    ("InceptionV3", "InceptionV3(input_shape=(75, 75, 3), weights=None, classes=10)", (75, 75, 3), False),
    ("Xception", "Xception(input_shape=(71, 71, 3), weights=None, classes=10)", (71, 71, 3), False),
    ("NASNetMobile", "NASNetMobile(input_shape=(64, 64, 3), weights=None, classes=10)", (64, 64, 3), False),
    ("EfficientNetB0", "EfficientNetB0(input_shape=(64, 64, 3), weights=None, classes=10)", (64, 64, 3), False),
    ("EfficientNetV2B0", "EfficientNetV2B0(input_shape=(64, 64, 3), weights=None, classes=10)", (64, 64, 3), False),
    ("MobileNetV3Small", "MobileNetV3Small(input_shape=(64, 64, 3), weights=None, classes=10)", (64, 64, 3), False),
    ("ConvNeXtTiny", "ConvNeXtTiny(input_shape=(64, 64, 3), weights=None, classes=10)", (64, 64, 3), False),
    ("ResNet50V2", "ResNet50V2(input_shape=(64, 64, 3), weights=None, classes=10)", (64, 64, 3), False),
]


# The Keras tutorials' models (keras.io/examples), small enough to keep with their weights:
# (name, code that makes `model` — `L` is keras.layers —, input shape, input dtype).
TUTORIALS = [
    ("tutorial_mnist_mlp", "model = keras.Sequential([keras.Input((784,)), L.Dense(64, activation='relu'), "
     "L.Dense(64, activation='relu'), L.Dense(10, activation='softmax')])", (784,), "float32"),
    ("tutorial_mnist_convnet", "model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation='relu'), "
     "L.MaxPooling2D(2), L.Conv2D(64, 3, activation='relu'), L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5), "
     "L.Dense(10, activation='softmax')])", (28, 28, 1), "float32"),
    ("tutorial_conv1d_text", "model = keras.Sequential([keras.Input((40,), dtype='int32'), L.Embedding(500, 16), "
     "L.Dropout(0.5), L.Conv1D(16, 5, padding='valid', activation='relu', strides=2), L.GlobalMaxPooling1D(), "
     "L.Dense(16, activation='relu'), L.Dense(1, activation='sigmoid')])", (40,), "int32"),
    ("tutorial_conv_autoencoder", "model = keras.Sequential([keras.Input((28, 28, 1)), "
     "L.Conv2D(8, 3, activation='relu', padding='same'), L.MaxPooling2D(2, padding='same'), "
     "L.Conv2D(8, 3, activation='relu', padding='same'), L.MaxPooling2D(2, padding='same'), "
     "L.Conv2DTranspose(8, 3, strides=2, activation='relu', padding='same'), L.UpSampling2D(2), "
     "L.Conv2D(1, 3, activation='sigmoid', padding='same')])", (28, 28, 1), "float32"),
    ("tutorial_unet", "i = keras.Input((32, 32, 3))\n"
     "c1 = L.Conv2D(8, 3, padding='same', activation='relu')(i)\np1 = L.MaxPooling2D()(c1)\n"
     "c2 = L.Conv2D(16, 3, padding='same', activation='relu')(p1)\np2 = L.MaxPooling2D()(c2)\n"
     "b = L.Conv2D(32, 3, padding='same', activation='relu')(p2)\n"
     "u2 = L.Conv2DTranspose(16, 2, strides=2, padding='same')(b)\nu2 = L.Concatenate()([u2, c2])\n"
     "c3 = L.Conv2D(16, 3, padding='same', activation='relu')(u2)\n"
     "u1 = L.UpSampling2D(2, interpolation='bilinear')(c3)\nu1 = L.Concatenate()([u1, c1])\n"
     "c4 = L.Conv2D(8, 3, padding='same', activation='relu')(u1)\n"
     "o = L.Conv2D(2, 1, activation='softmax')(c4)\nmodel = keras.Model(i, o, name='unet')", (32, 32, 3), "float32"),
    ("tutorial_batchnorm", "model = keras.Sequential([keras.Input((16, 16, 3)), L.Conv2D(8, 3, use_bias=False), "
     "L.BatchNormalization(), L.ReLU(), L.Conv2D(8, 3, use_bias=False), L.BatchNormalization(momentum=0.9), "
     "L.Activation('relu'), L.GlobalAveragePooling2D(), L.Dense(4)])\n"
     "model.compile(optimizer='adam', loss='mse')\n"
     "r = np.random.default_rng(5)\n"
     "model.fit(r.normal(size=(64, 16, 16, 3)) * 2 + 1, r.normal(size=(64, 4)), epochs=3, batch_size=16, verbose=0)",
     (16, 16, 3), "float32"),
]


def applications():
    for name, code, shape, dtype in TUTORIALS:
        folder = f"applications/{name}"
        os.makedirs(os.path.join(OUT, folder), exist_ok=True)
        # The summary of the model as built (Keras adds "Optimizer params" once one is compiled and trained).
        build, _, train = code.partition("\nmodel.compile")
        full = ("import keras, json, numpy as np\nL = keras.layers\nkeras.utils.set_random_seed(1)\n" + build + "\n"
                "model.summary()\n" + ("model.compile" + train + "\n" if train else "") +
                f"open({os.path.join(OUT, folder, 'model.json')!r}, 'w').write(json.dumps(json.loads(model.to_json()), indent=1, sort_keys=True))\n"
                "count = lambda ws: int(sum(np.prod(w.shape) for w in ws))\n"
                "classes = sorted({l.__class__.__name__ for l in model._flatten_layers(include_self=False, recursive=True)})\n"
                f"case = {{'name': {name!r}, 'call': None, 'input_shape': {list(shape)!r}, 'params': count(model.weights), "
                "'trainable_params': count(model.trainable_weights), 'non_trainable_params': count(model.non_trainable_weights), "
                "'layers': len(model.layers), 'classes': classes, 'weights_kept': True}\n"
                f"json.dump(case, open({os.path.join(OUT, folder, 'case.json')!r}, 'w'), indent=1)\n"
                f"model.save({os.path.join(OUT, folder, 'model.keras')!r})\n"
                f"r = np.random.default_rng(7)\n"
                + (f"x = r.integers(0, 500, size=(2,) + {tuple(shape)!r}).astype(np.int32)\n" if dtype == "int32"
                   else f"x = r.uniform(-1, 1, size=(2,) + {tuple(shape)!r}).astype(np.float32)\n") +
                f"np.save({os.path.join(OUT, folder, 'input.npy')!r}, x)\n"
                f"np.save({os.path.join(OUT, folder, 'output.npy')!r}, np.asarray(model(x, training=False)))\n")
        open(os.path.join(OUT, folder, "summary.txt"), "w").write(run_python(full, 80))
        print(name, "done", file=sys.stderr)
    if sys.argv[2:] == ["tutorials"]:
        return
    for name, call, shape, keep in APPLICATIONS:
        folder = f"applications/{name}"
        os.makedirs(os.path.join(OUT, folder), exist_ok=True)
        code = ("import keras, json, numpy as np\n"
                "keras.utils.set_random_seed(1)\n"
                f"model = keras.applications.{call}\n"
                "model.summary()\n"
                f"open({os.path.join(OUT, folder, 'model.json')!r}, 'w').write(json.dumps(json.loads(model.to_json()), indent=1, sort_keys=True))\n"
                "count = lambda ws: int(sum(np.prod(w.shape) for w in ws))\n"
                "classes = sorted({l.__class__.__name__ for l in model._flatten_layers(include_self=False, recursive=True)})\n"
                f"case = {{'name': {name!r}, 'call': {call!r}, 'input_shape': {list(shape)!r}, 'params': count(model.weights), "
                "'trainable_params': count(model.trainable_weights), 'non_trainable_params': count(model.non_trainable_weights), "
                f"'layers': len(model.layers), 'classes': classes, 'weights_kept': {keep!r}}}\n"
                f"json.dump(case, open({os.path.join(OUT, folder, 'case.json')!r}, 'w'), indent=1)\n")
        if keep:
            # Random weights shrink a deep relu network's signal to nothing (the softmax gave 0.1
            # everywhere): the BatchNormalization statistics are set from a batch first (momentum 0,
            # one training-mode call), so the logits compared are of order 1.
            code += ("bns = [l for l in model._flatten_layers(include_self=False, recursive=True) "
                     "if isinstance(l, keras.layers.BatchNormalization)]\n"
                     "saved = [l.momentum for l in bns]\n"
                     "for l in bns: l.momentum = 0.0\n"
                     f"model(np.random.default_rng(8).uniform(-1, 1, size=(8,) + {tuple(shape)!r}).astype(np.float32), training=True)\n"
                     "for l, m in zip(bns, saved): l.momentum = m\n")
            code += (f"model.save({os.path.join(OUT, folder, 'model.keras')!r})\n"
                     f"x = np.random.default_rng(7).uniform(-1, 1, size=(2,) + {tuple(shape)!r}).astype(np.float32)\n"
                     f"np.save({os.path.join(OUT, folder, 'input.npy')!r}, x)\n"
                     f"np.save({os.path.join(OUT, folder, 'output.npy')!r}, np.asarray(model(x, training=False)))\n")
        summary = run_python(code, 80)
        open(os.path.join(OUT, folder, "summary.txt"), "w").write(summary)
        print(name, "done", file=sys.stderr)


# ---------------------------------------------------------------------------
# Gradients (`generate.py grads`): what JAX computes through Keras for the backward pass.
# A. Beside every forward case of a single layer (conv/cases/NNN/, core/N/, layers/cases/NNN/,
#    lambda/N/, merge/<file>., activations/): grad_output.npy (a standard-normal dy of the
#    output's shape, seeded by the case's name), grad_input.npy (grad_input0.npy,
#    grad_input1.npy … for a list of inputs; none for integer ids) and grad_weight0.npy …
#    (in layer.weights order): the vector-Jacobian product of
#    layer.stateless_call(…, training=False) at dy, in float32.
#    gradients/pool_ties/NNN/ and gradients/layers/NNN/ add cases the forward fixtures lack
#    (ties in max pooling and Maximum/Minimum, every activation after Dense, …), each with a
#    case.json holding the class and its full get_config().
# B. gradients/models/<name>/: the gradient of the total loss fit minimises (compiled loss +
#    weight penalties + activity penalties / batch) through Keras's own
#    compute_loss_and_updates, checked against model.train_on_batch.
# This target reads the forward fixtures and only adds files; it uses no module-level rng.
# The VJPs of a family run in one jax.jit (XLA compiles once, not once per case).

GRAD_ACTIVATIONS = ["linear", "relu", "relu6", "leaky_relu", "elu", "selu", "softplus", "softsign", "tanh",
                    "sigmoid", "hard_sigmoid", "exponential", "gelu", "silu", "hard_silu", "mish", "log_sigmoid",
                    "softmax", "log_softmax"]


def case_rng(name):
    """A generator seeded by the case's name: each case's arrays are fixed whatever else runs."""
    import zlib
    return np.random.default_rng(zlib.crc32(name.encode()))


def load(path):
    return np.load(os.path.join(OUT, path))


def check_forward(name, y, expected):
    np.testing.assert_allclose(np.asarray(y, dtype=np.float32), expected, rtol=1e-5, atol=1e-5,
                               err_msg=f"{name}: the rebuilt layer's output differs from the committed one")


def built_layer(cls, config, shapes):
    """The Keras layer `cls` rebuilt from `config` and built on `shapes` (a list for merge
    layers). Its initializers become zeros: the weights are set right after, and this spares
    JAX compiling a random initializer for every new shape."""
    config = {k: ("zeros" if k.endswith("_initializer") else v) for k, v in config.items()}
    layer = getattr(keras.layers, cls).from_config(config)
    layer.build(shapes)
    return layer


def vjp_job(name, layer, xs, multi=False, ids=False):
    return {"name": name, "layer": layer, "xs": [np.asarray(x) for x in xs], "multi": multi, "ids": ids}


def run_vjps(jobs):
    """For each job: Keras's output y, dy (None when y is not floating point: a comparison has
    no gradient), the input gradients (None for ids) and the weight gradients in
    layer.weights order, all jobs traced into one jax.jit."""
    import jax
    import jax.numpy as jnp
    calls, args = [], []
    for job in jobs:
        layer = job["layer"]
        trainable = list(layer.trainable_variables)
        for w in layer.weights:
            if not any(w is v for v in trainable):
                raise RuntimeError(f"{job['name']}: weight {w.name} is not trainable")
        kwargs = {"training": False} if layer._call_has_training_arg else {}

        def f(inputs, values, fixed, layer=layer, kwargs=kwargs, multi=job["multi"]):
            return layer.stateless_call(values, fixed, inputs if multi else inputs[0], **kwargs)[0]
        xs = [jnp.asarray(x) for x in job["xs"]]
        tv = [v.value for v in trainable]
        ntv = [v.value for v in layer.non_trainable_variables]
        spec = jax.eval_shape(f, xs, tv, ntv)
        dy = (case_rng(job["name"]).standard_normal(spec.shape).astype(np.float32)
              if jnp.issubdtype(spec.dtype, jnp.floating) else None)
        calls.append((f, job["ids"], dy is not None))
        args.append((xs, tv, ntv, dy))

    def everything(args):
        out = []
        for (f, ids, differentiable), (xs, tv, ntv, dy) in zip(calls, args):
            if not differentiable:
                out.append((f(xs, tv, ntv), None, None))
            elif ids:
                y, pull = jax.vjp(lambda values: f(xs, values, ntv), tv)
                out.append((y, None, pull(dy)[0]))
            else:
                y, pull = jax.vjp(lambda inputs, values: f(inputs, values, ntv), xs, tv)
                gx, gw = pull(dy)
                out.append((y, gx, gw))
        return out
    results = jax.jit(everything)(args)
    done = []
    for job, (xs, tv, ntv, dy), (y, gx, gw) in zip(jobs, args, results):
        by_id = {id(v): g for v, g in zip(job["layer"].trainable_variables, gw or [])}
        done.append((np.asarray(y), dy, None if gx is None else [np.asarray(g) for g in gx],
                     None if dy is None else [np.asarray(by_id[id(w)]) for w in job["layer"].weights]))
    return done


def save_grads(stem, dy, gx, gw, multi=False):
    """stem is a folder with a trailing slash, or a file prefix ending in a dot (merge/Add_x3_y3.)."""
    save(stem + "grad_output.npy", dy)
    if gx is not None:
        if multi:
            for i, g in enumerate(gx):
                save(stem + f"grad_input{i}.npy", g)
        else:
            save(stem + "grad_input.npy", gx[0])
    for i, g in enumerate(gw):
        save(stem + f"grad_weight{i}.npy", g)


def grads_token_cases(index_file, skipped):
    """conv/cases.json and layers/cases.json: each layer made from its tokens as conv_layers and
    layer_cases made it, checked against the recorded config, and given the recorded weights."""
    jobs = []
    for case in json.load(open(os.path.join(OUT, index_file))):
        if "folder" not in case:
            continue
        folder = case["folder"]
        if not hasattr(keras.layers, case["class"]):
            skipped.append({"case": folder, "class": case["class"], "reason": "not a Keras 3 layer"})
            continue
        config = eval("keras.layers." + case["class"] + "(" + ", ".join(case["tokens"]) + ")").get_config()
        for key, value in case["config"].items():
            if plain(config[key]) != value:
                raise RuntimeError(f"{folder}: rebuilt {key}={config[key]!r}, recorded {value!r}")
        x = load(f"{folder}/input.npy")
        layer = built_layer(case["class"], config, x.shape)
        layer.set_weights([load(f"{folder}/weight{i}.npy") for i in range(len(case["weights"]))])
        jobs.append(vjp_job(folder, layer, [x]))
    for job, (y, dy, gx, gw) in zip(jobs, run_vjps(jobs)):
        check_forward(job["name"], y, load(f"{job['name']}/output.npy"))
        save_grads(job["name"] + "/", dy, gx, gw)
    return len(jobs)


def grads_core(skipped):
    """core/cases.json: each layer rebuilt with from_config on the recorded config."""
    jobs = []
    for case in json.load(open(os.path.join(OUT, "core", "cases.json"))):
        folder = f"core/{case['index']}"
        if not hasattr(keras.layers, case["class_name"]):
            skipped.append({"case": folder, "class": case["class_name"], "reason": "not a Keras 3 layer"})
            continue
        x = load(f"{folder}/input.npy").astype(case["dtype"])
        layer = built_layer(case["class_name"], case["config"], x.shape)
        layer.set_weights([load(f"{folder}/{name}.npy") for name, _ in case["weights"]])
        jobs.append(vjp_job(folder, layer, [x], ids=case["class_name"] == "Embedding"))
    for job, (y, dy, gx, gw) in zip(jobs, run_vjps(jobs)):
        check_forward(job["name"], y, load(f"{job['name']}/output.npy"))
        save_grads(job["name"] + "/", dy, gx, gw)
    return len(jobs)


def grads_lambda():
    """lambda/cases.json: the expression evaluated over keras.ops as lambda_layers did; the
    cases whose output is boolean have no gradient and are listed instead."""
    jobs, expressions = [], {}
    ns = lambda_namespace()
    for case in json.load(open(os.path.join(OUT, "lambda", "cases.json")))["cases"]:
        folder = f"lambda/{case['index']}"
        x = load(f"{folder}/input.npy")
        layer = keras.layers.Lambda(eval("lambda x: " + case["expression"], ns))
        layer.build(x.shape)
        jobs.append(vjp_job(folder, layer, [x]))
        expressions[folder] = (case["index"], case["expression"])
    count, refused = 0, []
    for job, (y, dy, gx, gw) in zip(jobs, run_vjps(jobs)):
        check_forward(job["name"], y, load(f"{job['name']}/output.npy"))
        if dy is None:
            index, expression = expressions[job["name"]]
            refused.append({"index": index, "expression": expression, "folder": job["name"],
                            "reason": f"the output is {y.dtype} (a comparison): no gradient"})
            continue
        save_grads(job["name"] + "/", dy, gx, gw)
        count += 1
    return count, refused


def grads_merge():
    """merge/cases.json: inputs merge/<name>.npy, output merge/<file>.npy; grads merge/<file>.grad_*.npy."""
    jobs = []
    for case in json.load(open(os.path.join(OUT, "merge", "cases.json"))):
        xs = [load(f"merge/{n}.npy") for n in case["inputs"]]
        config = getattr(keras.layers, case["class"])(**case["config"]).get_config()
        layer = built_layer(case["class"], config, [x.shape for x in xs])
        jobs.append(vjp_job(f"merge/{case['file']}", layer, xs, multi=True))
    for job, (y, dy, gx, gw) in zip(jobs, run_vjps(jobs)):
        check_forward(job["name"], y, load(f"{job['name']}.npy"))
        save_grads(job["name"] + ".", dy, gx, gw, multi=True)
    return len(jobs)


def grads_activations():
    """activations/: one dy on the grid x.npy (which holds 0, ±3, 6 and other kinks exactly),
    and activations/<name>.grad_input.npy for each function."""
    import jax
    x = load("activations/x.npy")
    dy = case_rng("activations").standard_normal(x.shape).astype(np.float32)
    save("activations/grad_output.npy", dy)
    names = json.load(open(os.path.join(OUT, "activations", "names.json")))

    # glu's output is half as wide: its dy is the first half of each row, saved beside it.
    save("activations/glu.grad_output.npy", dy[:, : x.shape[1] // 2])

    def everything(x, dy):
        out = []
        for name in names:
            y, pull = jax.vjp(keras.activations.get(name), x)
            out.append((y, pull(dy[:, : y.shape[1]])[0]))
        return out
    for name, (y, g) in zip(names, jax.jit(everything)(x, dy)):
        check_forward(f"activations/{name}", y, load(f"activations/{name}.npy"))
        save(f"activations/{name}.grad_input.npy", g)
    return len(names)


class NewCases:
    """Cases under gradients/<family>/NNN/ that the forward fixtures lack: each layer is made
    from its get_config() (what case.json records), given weights (seeded normal ×0.5 unless
    given), and input(s), output, weights and gradients are written beside case.json."""

    def __init__(self, family):
        self.family, self.jobs, self.extra = family, [], []
        keras.backend.clear_session()

    def add(self, layer, xs, weights=None, multi=False, ids=False, note=None):
        name = f"gradients/{self.family}/{len(self.jobs):03d}"
        cls, config = type(layer).__name__, layer.get_config()
        xs = [np.asarray(x) for x in xs]
        built = built_layer(cls, config, [x.shape for x in xs] if multi else xs[0].shape)
        if weights is None:
            r = case_rng(name + "/weights")
            weights = [(r.standard_normal(w.shape) * 0.5).astype(np.float32) for w in built.weights]
        built.set_weights(weights)
        self.jobs.append(vjp_job(name, built, xs, multi=multi, ids=ids))
        keras.backend.clear_session()  # the next case's layer gets the plain name (dense, max_pooling1d, …)
        case = {"class": cls, "config": plain(config), "input_shapes": [list(x.shape) for x in xs], "inputs_are_ids": ids}
        if note:
            case["note"] = note
        self.extra.append((weights, case))

    def write(self):
        for job, (weights, case), (y, dy, gx, gw) in zip(self.jobs, self.extra, run_vjps(self.jobs)):
            name, multi = job["name"], job["multi"]
            for i, x in enumerate(job["xs"]):
                save(f"{name}/input{i}.npy" if multi else f"{name}/input.npy", x)
            save(f"{name}/output.npy", y)
            for i, w in enumerate(weights):
                save(f"{name}/weight{i}.npy", w)
            save_grads(f"{name}/", dy, gx, gw, multi=multi)
            save_json(f"{name}/case.json", case)
        return len(self.jobs)


def grads_pool_ties():
    """gradients/pool_ties/NNN/: max pooling where windows hold equal values (integers in
    {0, 1, 2}, or relu'd normals with an all-zero region), every padding and strides below,
    equal to and above the pool size; average pooling with 'same' padding; global pooling."""
    L = keras.layers
    shapes = {1: (2, 10, 3), 2: (2, 7, 7, 2), 3: (1, 6, 5, 5, 2)}
    cases = NewCases("pool_ties")

    def ints(shape, name):
        return case_rng(name).integers(0, 3, size=shape).astype(np.float32)

    def relu_zeros(shape, name):
        x = np.maximum(case_rng(name).standard_normal(shape), 0).astype(np.float32)
        x[:, : shape[1] // 2] = 0  # an all-zero region: whole windows of ties at 0
        return x

    for rank in (1, 2, 3):
        cls = getattr(L, f"MaxPooling{rank}D")
        for padding in ("valid", "same"):
            for pool, strides in [(2, 1), (2, 2), (2, 3), (3, 2)]:
                tag = f"max{rank}d p{pool} s{strides} {padding}"
                cases.add(cls(pool, strides=strides, padding=padding), [ints(shapes[rank], tag + " ints")],
                          note=f"ties: integers in {{0, 1, 2}}; pool {pool}, strides {strides}")
                if strides != pool:
                    cases.add(cls(pool, strides=strides, padding=padding), [relu_zeros(shapes[rank], tag + " relu")],
                              note="ties: relu'd normals, the first half of axis 1 all zero")
    cases.add(L.MaxPooling2D(3, strides=2, padding="same", data_format="channels_first"),
              [ints((2, 2, 7, 6), "max2d channels_first")], note="ties: integers in {0, 1, 2}; channels_first")
    for rank in (1, 2, 3):
        cls = getattr(L, f"AveragePooling{rank}D")
        for pool, strides in [(2, None), (3, 2), (3, 1), (2, 3)]:
            x = case_rng(f"avg{rank}d p{pool} s{strides}").standard_normal(shapes[rank]).astype(np.float32)
            cases.add(cls(pool, strides=strides, padding="same"), [x],
                      note="same padding: the divisor counts only the window's cells inside the input")
    for kind in ("Max", "Average"):
        for rank in (1, 2, 3):
            for keepdims in (False, True):
                name = f"global {kind} {rank} {keepdims}"
                x = (ints(shapes[rank], name) if kind == "Max"
                     else case_rng(name).standard_normal(shapes[rank]).astype(np.float32))
                cases.add(getattr(L, f"Global{kind}Pooling{rank}D")(keepdims=keepdims), [x],
                          note="ties: integers in {0, 1, 2}" if kind == "Max" else None)
    return cases.write()


def grads_extra_layers():
    """gradients/layers/NNN/: Dense with each activation, Activation with each, Embedding with
    repeated ids, Dot, Concatenate and the element-wise merges (Maximum/Minimum with ties)."""
    L = keras.layers
    cases = NewCases("layers")
    # Dense(3) on (4, 5): pre-activations spread over about ±8 so every piece of relu6 and
    # hard_sigmoid (kinks at 0, 6 and ±3) is visited, none near a kink.
    for act in GRAD_ACTIVATIONS:
        r = case_rng(f"dense {act}")
        x = (r.standard_normal((4, 5)) * 2.0).astype(np.float32)
        w = [(r.standard_normal((5, 3)) * 1.2).astype(np.float32), (r.standard_normal(3) * 0.5).astype(np.float32)]
        z = x @ w[0] + w[1]
        for kink in (0.0, 6.0, -3.0, 3.0):
            if np.abs(z - kink).min() < 1e-3:
                raise RuntimeError(f"dense {act}: a pre-activation sits on the kink {kink}")
        kinks = {"relu6": [0, 6], "hard_sigmoid": [-3, 3], "hard_silu": [-3, 3]}.get(act, [0])
        pieces = np.searchsorted(kinks, z.ravel())
        if len(set(pieces.tolist())) != len(kinks) + 1:
            raise RuntimeError(f"dense {act}: the pre-activations miss a piece between the kinks {kinks}")
        cases.add(L.Dense(3, activation=act), [x], weights=w,
                  note=f"pre-activations from {z.min():.2f} to {z.max():.2f}")
    # Activation on values from -7.9 to 7.7 (past relu6's 6 and hard_sigmoid's ±3, never on a kink).
    grid = np.linspace(-7.9, 7.7, 20).astype(np.float32)
    for act in GRAD_ACTIVATIONS:
        cases.add(L.Activation(act), [case_rng(f"activation {act}").permutation(grid).reshape(4, 5)])
    # Embedding with repeated ids: the table's gradient sums dy over every occurrence.
    ids = np.array([[1, 1, 1, 2, 0], [2, 2, 5, 1, 1], [0, 0, 0, 0, 3]], dtype=np.float32)
    cases.add(L.Embedding(6, 3), [ids], ids=True, note="repeated ids (float32 in input.npy); id 4 unused")
    # Dot on 2-D and 3-D inputs, normalize both ways.
    for shapes, axes, normalize in [
        ([(4, 3), (4, 3)], 1, False), ([(4, 3), (4, 3)], 1, True), ([(4, 3), (4, 3)], -1, True),
        ([(2, 4, 3), (2, 5, 3)], 2, True), ([(2, 4, 3), (2, 5, 3)], -1, False),
        ([(2, 4, 3), (2, 4, 5)], 1, True), ([(2, 4, 3), (2, 4, 5)], 1, False),
        ([(2, 4, 3), (2, 3)], [2, 1], True), ([(2, 4, 3), (2, 5, 4)], [1, 2], True),
        ([(2, 5, 3), (2, 4, 3)], [2, 2], False),
    ]:
        r = case_rng(f"dot {shapes} {axes} {normalize}")
        cases.add(L.Dot(axes=axes, normalize=normalize), [r.standard_normal(s).astype(np.float32) for s in shapes],
                  multi=True)
    # Concatenate on several axes, two and three inputs.
    for shapes, axis in [([(2, 4, 3), (2, 4, 2)], -1), ([(2, 4, 3), (2, 1, 3), (2, 2, 3)], 1),
                         ([(2, 4, 3), (2, 4, 3)], -2), ([(3, 2), (3, 5), (3, 1)], 1)]:
        r = case_rng(f"concatenate {shapes} {axis}")
        cases.add(L.Concatenate(axis=axis), [r.standard_normal(s).astype(np.float32) for s in shapes], multi=True)
    # Element-wise merges; Maximum and Minimum on small integers so many elements are equal.
    for cls in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"):
        combos = [[(4, 3), (4, 3)], [(4, 3), (4, 1)]] + ([] if cls == "Subtract" else [[(4, 3), (4, 3), (4, 3)]])
        for shapes in combos:
            r = case_rng(f"{cls} {shapes}")
            if cls in ("Maximum", "Minimum"):
                xs = [r.integers(0, 3, size=s).astype(np.float32) for s in shapes]
                for x in xs[1:]:
                    x[0] = xs[0][0, : x.shape[1]]  # row 0: every input equal (the first column for (4, 1))
                note = "ties: integers in {0, 1, 2}; row 0 equal in every input"
            else:
                xs = [r.standard_normal(s).astype(np.float32) for s in shapes]
                note = None
            cases.add(getattr(L, cls)(), xs, multi=True, note=note)
    return cases.write()


def save_keras_file(model, path):
    """model.save, then the zip rewritten so the file is identical on every run: fixed entry
    times, a fixed date_saved in metadata.json (Keras stamps the current time) and the
    shared_object_id values in config.json (Python id()s) renumbered 1, 2, … in order."""
    import zipfile

    def renumber(value, ids):
        if isinstance(value, dict):
            return {k: (ids.setdefault(v, len(ids) + 1) if k == "shared_object_id" else renumber(v, ids))
                    for k, v in value.items()}
        if isinstance(value, list):
            return [renumber(v, ids) for v in value]
        return value
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    tmp = full[:-len(".keras")] + ".tmp.keras"
    model.save(tmp)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(full, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "metadata.json":
                meta = json.loads(data)
                meta["date_saved"] = "1980-01-01@00:00:00"
                data = json.dumps(meta).encode()
            elif info.filename == "config.json":
                data = json.dumps(renumber(json.loads(data), {})).encode()
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)
    os.remove(tmp)


def model_gradients(name, model, x, y, loss, loss_text):
    """gradients/models/<name>/: the compiled model as model.keras, x.npy, y.npy (y0.npy, y1.npy …
    per output), grad<i>.npy for model.trainable_weights in order, grad_input.npy, case.json."""
    import jax
    d = f"gradients/models/{name}"
    model.compile(loss=loss)
    save_keras_file(model, f"{d}/model.keras")
    ids = not np.issubdtype(x.dtype, np.floating)
    if ids:
        os.makedirs(os.path.join(OUT, d), exist_ok=True)
        np.save(os.path.join(OUT, d, "x.npy"), x)
    else:
        save(f"{d}/x.npy", x)
    if isinstance(y, list):
        for i, t in enumerate(y):
            save(f"{d}/y{i}.npy", t)
    else:
        save(f"{d}/y.npy", y)
    model._symbolic_build(data_batch=(x, y))  # as fit does: the compiled loss and optimizer, built outside a trace
    tv = [v.value for v in model.trainable_variables]
    ntv = [v.value for v in model.non_trainable_variables]
    mv = [v.value for v in model.metrics_variables]
    ov = [v.value for v in model.optimizer.variables]

    def total(values, inputs):
        # What fit differentiates (JAXTrainer.train_step → compute_loss_and_updates), split
        # into the compiled loss and the penalties (model.losses of the same forward pass).
        loss_value, aux = model.compute_loss_and_updates(values, ntv, mv, inputs, y, None, training=True,
                                                         optimizer_variables=ov)
        _, _, extra = model.stateless_call(values, ntv, inputs, return_losses=True, training=True)
        penalties = sum(jax.numpy.sum(v) for v in extra) if extra else jax.numpy.zeros(())
        return loss_value, (model._compile_loss(y, aux[1]), penalties)
    if ids:
        (loss_value, (compiled, penalties)), gw = jax.jit(jax.value_and_grad(total, has_aux=True))(tv, x)
        gx = None
    else:
        (loss_value, (compiled, penalties)), (gw, gx) = jax.jit(
            jax.value_and_grad(total, argnums=(0, 1), has_aux=True))(tv, x)
    loss_value, compiled, penalties = float(loss_value), float(compiled), float(penalties)
    if abs(compiled + penalties - loss_value) > 1e-5 * max(1.0, abs(loss_value)):
        raise RuntimeError(f"{name}: compiled {compiled} + penalties {penalties} != total {loss_value}")
    owner = {}
    for layer in model.layers:
        for w in layer.trainable_weights:
            owner[id(w)] = f"{layer.name}/{w.name}"
    weights = [owner[id(w)] for w in model.trainable_weights]
    for i, g in enumerate(gw):
        save(f"{d}/grad{i}.npy", g)
    if gx is not None:
        save(f"{d}/grad_input.npy", gx)
    # What fit reports for this batch: the loss before the update, penalties included.
    output_losses = None
    if isinstance(y, list):
        # One loss for several outputs: Keras applies it to each output and sums.
        y_pred = model(x, training=True)
        output_losses = [float(np.mean(keras.losses.get(loss)(t, p))) for t, p in zip(y, y_pred)]
        if abs(sum(output_losses) - compiled) > 1e-5 * max(1.0, abs(compiled)):
            raise RuntimeError(f"{name}: the outputs' losses {output_losses} do not sum to {compiled}")
    trained = model.train_on_batch(x, y)
    trained = float(trained[0] if isinstance(trained, list) else trained)
    if abs(trained - loss_value) > 1e-5 * max(1.0, abs(loss_value)):
        raise RuntimeError(f"{name}: Keras's train_on_batch loss {trained} != {loss_value}")
    case = {"loss": loss_text, "weights": weights, "weight_shapes": [list(w.shape) for w in model.trainable_weights],
            "loss_value": loss_value, "compiled_loss": compiled, "penalties": penalties, "batch": int(len(x))}
    if output_losses is not None:
        case["output_losses"] = output_losses
    save_json(f"{d}/case.json", case)


def grads_models():
    L, R = keras.layers, keras.regularizers
    made = []

    def begin(name):
        keras.backend.clear_session()
        keras.utils.set_random_seed(int(case_rng("model " + name).integers(1 << 30)))
        made.append(name)
        return case_rng("data " + name)

    r = begin("deep_sigmoid")
    model = keras.Sequential([keras.Input(shape=(16,))]
                             + [L.Dense(16, activation="sigmoid",
                                        kernel_initializer=keras.initializers.RandomNormal(stddev=1.0, seed=100 + i))
                                for i in range(6)] + [L.Dense(1)])
    model_gradients("deep_sigmoid", model, r.standard_normal((32, 16)).astype(np.float32),
                    r.standard_normal((32, 1)).astype(np.float32), "mse", "mse")

    r = begin("regularized")
    model = keras.Sequential([
        keras.Input(shape=(8,)),
        L.Dense(6, activation="relu", kernel_regularizer=R.L1L2(l1=0.01, l2=0.02), bias_regularizer=R.L2(0.1),
                activity_regularizer=R.L1(0.05)),
        L.Dense(5, activation="tanh", kernel_regularizer=R.OrthogonalRegularizer(factor=0.3, mode="rows")),
        L.Dense(4, activation="softmax", kernel_regularizer=R.OrthogonalRegularizer(0.2, mode="columns"))])
    model_gradients("regularized", model, r.standard_normal((10, 8)).astype(np.float32),
                    np.eye(4, dtype=np.float32)[r.integers(0, 4, size=10)],
                    keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
                    "CategoricalCrossentropy(label_smoothing=0.1)")

    r = begin("cnn")
    model = keras.Sequential([keras.Input(shape=(12, 12, 3)), L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(2),
                              L.Conv2D(6, 3, padding="same", strides=2, activation="tanh"), L.Flatten(), L.Dense(5)])
    model_gradients("cnn", model, r.standard_normal((8, 12, 12, 3)).astype(np.float32),
                    r.integers(0, 5, size=8).astype(np.float32),
                    keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    "SparseCategoricalCrossentropy(from_logits=True)")

    r = begin("branching")
    x = keras.Input(shape=(6,))
    a = L.Dense(4, name="a")(x)
    b = L.Dense(4, activation="elu", name="b")(x)
    c = L.Add()([a, b])
    out = L.Dense(1, activation="sigmoid")(L.Concatenate()([c, a]))
    model_gradients("branching", keras.Model(x, out), r.standard_normal((12, 6)).astype(np.float32),
                    r.integers(0, 2, size=(12, 1)).astype(np.float32), "binary_crossentropy", "binary_crossentropy")

    r = begin("frozen")
    model = keras.Sequential([keras.Input(shape=(5,)), L.Dense(4, activation="relu", name="frozen", trainable=False),
                              L.Dense(3)])
    model_gradients("frozen", model, r.standard_normal((6, 5)).astype(np.float32),
                    r.standard_normal((6, 3)).astype(np.float32), "mae", "mae")

    r = begin("embedding")
    model = keras.Sequential([keras.Input(shape=(7,), dtype="int32"), L.Embedding(10, 4), L.Flatten(), L.Dense(2)])
    ids = r.integers(0, 10, size=(5, 7)).astype(np.int32)
    ids[0, :3] = 4  # repeats within a row as well as across rows
    model_gradients("embedding", model, ids, r.standard_normal((5, 2)).astype(np.float32), "mse", "mse")

    r = begin("conv_family")
    model = keras.Sequential([keras.Input(shape=(10, 3)), L.Conv1D(4, 3, padding="causal", dilation_rate=2),
                              L.SeparableConv1D(4, 3, padding="same"), L.DepthwiseConv1D(3, depth_multiplier=2),
                              L.Conv1DTranspose(3, 3, strides=2), L.AveragePooling1D(2, padding="same"),
                              L.GlobalMaxPooling1D(), L.Dense(2)])
    model_gradients("conv_family", model, r.standard_normal((6, 10, 3)).astype(np.float32),
                    r.standard_normal((6, 2)).astype(np.float32), "huber", "huber")

    r = begin("two_outputs")
    x = keras.Input(shape=(6,))
    body = L.Dense(4, activation="tanh", name="body")(x)
    model = keras.Model(x, [L.Dense(2, name="out_a")(body), L.Dense(1, activation="sigmoid", name="out_b")(body)])
    model_gradients("two_outputs", model, r.standard_normal((5, 6)).astype(np.float32),
                    [r.standard_normal((5, 2)).astype(np.float32), r.uniform(0, 1, size=(5, 1)).astype(np.float32)],
                    "mse", "mse")
    return made


def grads_reshaping_model():
    """gradients/models/reshaping: files/reshaping.keras (every reshaping class, ending in Dense), with mse."""
    keras.backend.clear_session()
    model = keras.saving.load_model(os.path.join(OUT, "files", "reshaping.keras"))
    x = load("files/reshaping.input.npy")
    y = case_rng("data reshaping").standard_normal((len(x), 3)).astype(np.float32)
    model_gradients("reshaping", model, x, y, "mse", "mse")


def grads():
    skipped = []
    keras.backend.clear_session()
    counts = {"conv/cases": grads_token_cases("conv/cases.json", skipped),
              "layers/cases": grads_token_cases("layers/cases.json", skipped),
              "core": grads_core(skipped)}
    counts["lambda"], refused = grads_lambda()
    counts["merge"] = grads_merge()
    counts["activations"] = grads_activations()
    counts["gradients/pool_ties"] = grads_pool_ties()
    counts["gradients/layers"] = grads_extra_layers()
    counts["gradients/models"] = len(grads_models()) + 1
    grads_reshaping_model()
    save_json("gradients/lambda_no_gradient.json", refused)
    save_json("gradients/summary.json", {"cases": counts, "skipped": skipped, "lambda_no_gradient": len(refused),
                                         "keras": keras.__version__, "backend": keras.backend.backend()})


if __name__ == "__main__":
    print("keras", keras.__version__, "backend", keras.backend.backend(), file=sys.stderr)
    if sys.argv[1:] == ["python"]:
        # Only the Keras-Python fixtures (they need a built LayerLab for the `keras` generator).
        python_snippets()
        sys.exit(0)
    if sys.argv[1:2] == ["python_snippet"]:
        # Only the named snippets (a new one), added to generated.json beside the others.
        path = os.path.join(PYTHON, "generated.json")
        results = json.load(open(path))
        for name in sys.argv[2:]:
            results[name] = python_snippet(name)
        save_json("python/generated.json", results)
        sys.exit(0)
    if sys.argv[1:] == ["losses"]:
        # Only the losses' values, gradients and configs.
        losses()
        sys.exit(0)
    if sys.argv[1:] == ["layers"]:
        # Only the cases of LAYER_CASES.
        layer_cases()
        layer_error_cases()
        reshaping_file()
        sys.exit(0)
    if sys.argv[1:] == ["optimizers"]:
        optimizers()
        optimizer_steps()
        sys.exit(0)
    if sys.argv[1:] == ["training_state"]:
        training_state()
        sys.exit(0)
    if sys.argv[1:2] == ["applications"]:
        # `applications tutorials`: only the tutorial models.
        applications()
        sys.exit(0)
    if sys.argv[1:] == ["normalization"]:
        normalization_layers()
        sys.exit(0)
    if sys.argv[1:] == ["training"]:
        training_models()
        sys.exit(0)
    if sys.argv[1:] == ["grads_layers"]:
        # Only the gradients of LAYER_CASES (after `generate.py layers`); the summary keeps its other counts.
        skipped = []
        keras.backend.clear_session()
        n = grads_token_cases("layers/cases.json", skipped)
        grads_reshaping_model()
        path = os.path.join(OUT, "gradients", "summary.json")
        summary_json = json.load(open(path))
        summary_json["cases"]["layers/cases"] = n
        summary_json["cases"]["gradients/models"] = len(os.listdir(os.path.join(OUT, "gradients", "models")))
        summary_json["skipped"] = [s for s in summary_json["skipped"] if not s["case"].startswith("layers/")] + skipped
        save_json("gradients/summary.json", summary_json)
        sys.exit(0)
    if sys.argv[1:] == ["activations"]:
        # Only the activation functions' values and their gradients.
        activations()
        grads_activations()
        sys.exit(0)
    if sys.argv[1:] == ["activation_file"]:
        activation_layers_file()
        sys.exit(0)
    if sys.argv[1:] == ["grads"]:
        # Only the gradients (they read the forward fixtures and add files beside them).
        grads()
        sys.exit(0)
    activations()
    dense_models()
    dense_shapes()
    summary()
    core_layers()
    lambda_layers()
    embedding_model()
    npy_variants()
    fans()
    regularizers_and_constraints()
    merge_layers()
    functional_model()
    keras_files()
    layerlab_files()
    conv_layers()
    conv_reference_examples()
    layer_cases()
    layer_error_cases()
    reshaping_file()
    activation_layers_file()
    losses()
    cnn_model()
    optimizers()
    optimizer_steps()
    training_models()
    grads()
    python_snippets()
    save_json("version.json", {"keras": keras.__version__, "backend": keras.backend.backend()})
    print("wrote", OUT, file=sys.stderr)
