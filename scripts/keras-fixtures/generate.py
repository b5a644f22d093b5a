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


if __name__ == "__main__":
    print("keras", keras.__version__, "backend", keras.backend.backend(), file=sys.stderr)
    activations()
    dense_models()
    dense_shapes()
    summary()
    npy_variants()
    conv_layers()
    conv_reference_examples()
    cnn_model()
    save_json("version.json", {"keras": keras.__version__, "backend": keras.backend.backend()})
    print("wrote", OUT, file=sys.stderr)
