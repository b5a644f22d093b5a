"""The benchmark suite behind `make bench`: times LayerLab (the release build of
layerlab-bench and layerlab) and Keras 3 + JAX (jit-compiled, warmed up) on the same
models, inputs and machine in one run.

For each forward case it prints Keras's time, LayerLab's time under each OpenBLAS
setting, the ratio LayerLab ÷ Keras, LayerLab's GFLOP/s beside what raw cblas_sgemm
reaches on the case's matrix shapes with the same setting, and LayerLab's peak memory
beside the bound (weights + the two largest activations + 40 MB). Then the "one command"
cases: a whole shell command, `forward --input x.npy` (the file read, the pass, every
layer's statistics and preview printed), timed through the Session by `layerlab-bench
--command` beside the bare pass on the same batch, against Keras on the same x.npy (jit
forward on a device array, and `model.predict_on_batch(x)` on the NumPy array, what a
Keras user runs). Then time to first summary and initializer sampling against NumPy.

LayerLab runs under three OpenBLAS settings, each for its command alone:
  env      the environment as it stands
  native   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE (OpenBLAS picks its own kernel)
  ci       OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512 (what the CI/dev machines set)

    .venv-keras/bin/python bench/suite.py [--quick] [--only mlp,cnn,cmd] [--no-build]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "layerlab-bench")
LAYERLAB = os.path.join(ROOT, ".build", "release", "layerlab")
BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

SETTINGS = [
    ("env", "the environment as it stands", []),
    ("native", "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE", ["env", "-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE"]),
    ("ci", "OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512", ["env", "OPENBLAS_CORETYPE=Haswell", "OPENBLAS_L2_SIZE=512"]),
]

MLP_LL = "input 784; add dense 512 relu; add dense 512 relu; add dense 10 softmax"
CNN_LL = ("input 28 28 1; add conv2d 32 3 relu; add maxpooling2d; add conv2d 64 3 relu; add maxpooling2d; "
          "add flatten; add dense 128 relu; add dense 10 softmax")
CONV_LL = ("input 64 64 3; add conv2d 64 3 padding=same activation=relu; add conv2d 64 3 padding=same activation=relu; "
           "add maxpooling2d; add conv2d 128 3 padding=same; add globalaveragepooling2d; add dense 10")
TEXT_LL = ("input 100 dtype=int32; add embedding 20000 64; add globalaveragepooling1d; add dense 64 relu; "
           "add dense 2 softmax")


def mlp_keras(keras):
    L = keras.layers
    return keras.Sequential([keras.Input((784,)), L.Dense(512, activation="relu"), L.Dense(512, activation="relu"),
                             L.Dense(10, activation="softmax")])


def cnn_keras(keras):
    L = keras.layers
    return keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(),
                             L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                             L.Dense(128, activation="relu"), L.Dense(10, activation="softmax")])


def conv_keras(keras):
    L = keras.layers
    return keras.Sequential([keras.Input((64, 64, 3)), L.Conv2D(64, 3, padding="same", activation="relu"),
                             L.Conv2D(64, 3, padding="same", activation="relu"), L.MaxPooling2D(),
                             L.Conv2D(128, 3, padding="same"), L.GlobalAveragePooling2D(), L.Dense(10)])


def text_keras(keras):
    L = keras.layers
    return keras.Sequential([keras.Input((100,), dtype="int32"), L.Embedding(20000, 64), L.GlobalAveragePooling1D(),
                             L.Dense(64, activation="relu"), L.Dense(2, activation="softmax")])


def mlp_gemms(b):
    return [(b, 512, 784), (b, 512, 512), (b, 10, 512)]


def cnn_gemms(b):
    return [(b * 26 * 26, 32, 9), (b * 11 * 11, 64, 288), (b, 128, 1600), (b, 10, 128)]


def conv_gemms(b):
    return [(b * 64 * 64, 64, 27), (b * 64 * 64, 64, 576), (b * 32 * 32, 128, 576), (b, 10, 128)]


def text_gemms(b):
    return [(b, 64, 64), (b, 2, 64)]


APPS = os.path.join(ROOT, "Tests", "Fixtures", "keras", "applications")


def mobilenet_v2_keras(keras):
    return keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10)


def resnet50_keras(keras):
    return keras.applications.ResNet50(input_shape=(64, 64, 3), weights=None, classes=10)


def no_gemms(b):
    """Whole architectures: no single gemm stands for them (no %sgemm column)."""
    return []


# name, LayerLab commands, Keras model, input sample shape, batch, gemm shapes, kind (the target that applies)
CASES = [
    ("MLP b1", MLP_LL, mlp_keras, (784,), 1, mlp_gemms, "dense"),
    ("MLP b64", MLP_LL, mlp_keras, (784,), 64, mlp_gemms, "dense"),
    ("MLP b1024", MLP_LL, mlp_keras, (784,), 1024, mlp_gemms, "dense"),
    ("CNN b1", CNN_LL, cnn_keras, (28, 28, 1), 1, cnn_gemms, "conv"),
    ("CNN b64", CNN_LL, cnn_keras, (28, 28, 1), 64, cnn_gemms, "conv"),
    ("CNN b256", CNN_LL, cnn_keras, (28, 28, 1), 256, cnn_gemms, "conv"),
    ("conv-heavy b32", CONV_LL, conv_keras, (64, 64, 3), 32, conv_gemms, "conv"),
    ("text b256", TEXT_LL, text_keras, (100,), 256, text_gemms, "gather"),
    # keras.applications as Keras builds them (weights=None), opened in LayerLab from Keras's to_json().
    ("MobileNetV2 b32", f"import json {APPS}/MobileNetV2/model.json", mobilenet_v2_keras, (96, 96, 3), 32, no_gemms, "app"),
    ("ResNet50 b16", f"import json {APPS}/ResNet50/model.json", resnet50_keras, (64, 64, 3), 16, no_gemms, "app"),
]

# One whole command: `forward --input x.npy` on these forward cases (by name).
COMMAND_CASES = ["MLP b1", "MLP b1024", "CNN b256", "conv-heavy b32"]
# Forward + backward of the compiled loss (sparse categorical crossentropy on the softmax
# output, random labels): LayerLab's Model.gradients against jax.grad of the same Keras
# model's stateless_call + loss, jitted.
GRAD_CASES = [("grad MLP b64", MLP_LL, mlp_keras, (784,), 64), ("grad MLP b256", MLP_LL, mlp_keras, (784,), 256),
              ("grad CNN b64", CNN_LL, cnn_keras, (28, 28, 1), 64), ("grad CNN b256", CNN_LL, cnn_keras, (28, 28, 1), 256)]
GRAD_LOSS = "sparse_categorical_crossentropy"
# One training step (Adam, the same loss): LayerLab's Model.trainStep against Keras's fit,
# per step (an epoch of TRAIN_STEPS batches, after a warm-up epoch, divided by the steps).
TRAIN_CASES = [("train MLP b64", MLP_LL, mlp_keras, (784,), 64), ("train MLP b256", MLP_LL, mlp_keras, (784,), 256),
               ("train CNN b64", CNN_LL, cnn_keras, (28, 28, 1), 64), ("train CNN b256", CNN_LL, cnn_keras, (28, 28, 1), 256)]
TRAIN_STEPS = 20


def runs_for(batch, quick):
    n = 300 if batch == 1 else 100 if batch <= 64 else 30
    if batch == 32:  # the conv-heavy net: ~0.1 s a pass
        n = 15
    return max(5, n // 4) if quick else n


def timed(call, warmup, runs):
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return min(times), statistics.median(times)


def case_batch(case):
    """The case's batch, the same values for Keras and (through x.npy) LayerLab."""
    import numpy as np

    name, _, _, sample, batch, _, _ = case
    rng = np.random.default_rng(0)
    if name.startswith("text"):
        return rng.integers(0, 20000, size=(batch,) + sample).astype(np.int32)
    return rng.normal(size=(batch,) + sample).astype(np.float32)


def keras_forward(case, runs, predict=False):
    """Keras's jit-compiled forward on a device array; with `predict`, also
    model.predict_on_batch on the NumPy array (both warmed up)."""
    import jax
    import keras

    model = case[2](keras)
    x = case_batch(case)
    tv = [v.value for v in model.trainable_variables]
    ntv = [v.value for v in model.non_trainable_variables]
    forward = jax.jit(lambda tv, ntv, x: model.stateless_call(tv, ntv, x)[0])
    xj = jax.device_put(x)
    jit = timed(lambda: forward(tv, ntv, xj).block_until_ready(), 5, runs)
    if not predict:
        return jit
    return jit, timed(lambda: model.predict_on_batch(x), 5, runs)


def keras_gradients(case, runs):
    """jax.jit(jax.grad) of the Keras model's loss on one batch with random labels, warmed up."""
    import jax
    import keras
    import numpy as np

    name, _, build, sample, batch = case
    model = build(keras)
    x = np.random.default_rng(0).normal(size=(batch,) + sample).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 10, size=(batch,)).astype(np.int32)
    loss = keras.losses.SparseCategoricalCrossentropy()  # the class compile makes from GRAD_LOSS: mean over the batch
    tv = [v.value for v in model.trainable_variables]
    ntv = [v.value for v in model.non_trainable_variables]

    def total(tv, x, y):
        out, _ = model.stateless_call(tv, ntv, x, training=True)
        return loss(y, out)

    grad = jax.jit(jax.grad(total))
    xj, yj = jax.device_put(x), jax.device_put(y)
    return timed(lambda: jax.block_until_ready(grad(tv, xj, yj)), 5, runs)


def layerlab_step(case, prefix, runs, mode):
    """layerlab-bench --gradients (mode 'gradients', compiled with the loss) or --train
    (mode 'train', compiled with Adam too) on the case's model."""
    _, commands, _, _, batch = case
    compile_args = f"loss={GRAD_LOSS}" if mode == "gradients" else f"optimizer=adam loss={GRAD_LOSS}"
    return run_json(prefix, [BENCH, "-c", commands + f"; compile {compile_args}", f"--{mode}", "--batch", str(batch),
                             "--runs", str(runs), "--warmup", "5", "--json"])


def keras_train(case, runs):
    """Keras's fit (Adam, the loss above, shuffle=False, verbose=0) per step: one epoch of
    TRAIN_STEPS batches timed after a warm-up epoch; min / median over `runs` epochs."""
    import keras
    import numpy as np

    name, _, build, sample, batch = case
    model = build(keras)
    model.compile(optimizer="adam", loss=GRAD_LOSS)
    x = np.random.default_rng(0).normal(size=(batch * TRAIN_STEPS,) + sample).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 10, size=(batch * TRAIN_STEPS,)).astype(np.int32)
    fit = lambda: model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    best, median = timed(fit, 1, max(3, runs // TRAIN_STEPS))
    return best / TRAIN_STEPS, median / TRAIN_STEPS


def run_json(prefix, args):
    out = subprocess.run(prefix + args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def layerlab_forward(case, prefix, runs):
    _, commands, _, _, batch, _, _ = case
    return run_json(prefix, [BENCH, "-c", commands, "--batch", str(batch), "--runs", str(runs), "--warmup", "5", "--json"])


def layerlab_command(case, prefix, runs, path):
    commands = case[1]
    return run_json(prefix, [BENCH, "-c", commands, "--command", f"forward --input {path}", "--runs", str(runs),
                             "--warmup", "5", "--json"])


def sgemm_rate(case, prefix, runs):
    shapes = " ".join(f"{m},{n},{k}" for m, n, k in case[5](case[4]))
    return run_json(prefix, [BENCH, "--sgemm", shapes, "--runs", str(runs), "--warmup", "5", "--json"])


def first_summary(quick):
    """Process start to the MLP's summary printed: LayerLab's shell against python -c with Keras."""
    ll = [LAYERLAB, "--no-journal", "-c", MLP_LL.replace("input 784", "input 784") + "; summary"]
    py = [sys.executable, "-c",
          "import keras\n"
          "m = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation='relu'), "
          "keras.layers.Dense(512, activation='relu'), keras.layers.Dense(10, activation='softmax')])\n"
          "m.summary()"]
    result = {}
    for name, cmd, n in [("layerlab", ll, 5 if quick else 15), ("keras", py, 2 if quick else 5)]:
        times = []
        for _ in range(n):
            start = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True)
            times.append((time.perf_counter() - start) * 1e3)
            if p.returncode != 0 or "Total params" not in p.stdout + p.stderr:
                raise SystemExit(f"{name} did not print a summary:\n{p.stdout}\n{p.stderr}")
        result[name] = (min(times), statistics.median(times))
    return result


def numpy_init(runs):
    import numpy as np

    rng = np.random.default_rng(0)
    std = (2 / 4096) ** 0.5

    def he():
        return rng.standard_normal((4096, 4096), dtype=np.float32) * np.float32(std)

    def orth():
        a = rng.standard_normal((1024, 1024), dtype=np.float32)
        q, r = np.linalg.qr(a)
        return q * np.sign(np.diag(r))

    return {"he_normal": timed(he, 1, runs), "orthogonal": timed(orth, 1, runs)}


def fmt(t):
    return f"{t[0]:8.3f} / {t[1]:8.3f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer runs per case")
    p.add_argument("--only", help="comma-separated case prefixes (mlp, cnn, conv, text, mobilenetv2, resnet50, cmd, grad, train, summary, init)")
    p.add_argument("--no-build", action="store_true", help="use the existing release builds")
    p.add_argument("--json", help="also write every figure to this file")
    args = p.parse_args()
    only = [s.strip().lower() for s in args.only.split(",")] if args.only else None

    def wanted(name):
        return only is None or any(name.lower().startswith(o) for o in only)

    if not args.no_build:
        for product in ("layerlab-bench", "layerlab"):
            subprocess.run(["swift", "build", "-c", "release", "-Xswiftc", "-target-cpu", "-Xswiftc", "native",
                            "--product", product], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
    import jax
    import keras
    import numpy as np

    print(f"LayerLab suite — Keras {keras.__version__} + JAX {jax.__version__} (backend {keras.backend.backend()}), "
          f"NumPy {np.__version__}, {os.cpu_count()} CPUs")
    env_now = {k: os.environ[k] for k in BLAS_VARS if k in os.environ}
    print(f"OpenBLAS variables in this environment: {env_now or 'none set'}")
    cores = {}
    for key, label, prefix in SETTINGS:
        cores[key] = run_json(prefix, [BENCH, "--sgemm", "8,8,8", "--runs", "1", "--warmup", "0", "--json"])["blas_core"]
        print(f"  LayerLab run '{key}': {label:50s} → OpenBLAS kernel {cores[key]}")
    print("Times in ms as min / median. ratio = LayerLab min ÷ Keras min. %sgemm = LayerLab GFLOP/s ÷ raw cblas_sgemm "
          "GFLOP/s on the case's gemm shapes, same kernel.\n")

    report = {"cores": cores, "env": env_now, "cases": [], "commands": [], "summary": None, "init": None}
    header = f"{'case':16s} {'Keras jit':>19s} | " + " | ".join(
        f"{k + ' (' + cores[k] + ')':>58s}" for k, _, _ in SETTINGS)
    sub = f"{'':16s} {'min / median':>19s} | " + " | ".join(
        f"{'LayerLab min / median':>21s} {'ratio':>5s} {'GF/s':>6s} {'sgemm':>6s} {'%':>4s} {'RSS/bound MB':>10s}" for _ in SETTINGS)
    printed_header = False
    for case in CASES:
        name = case[0]
        if not wanted(name):
            continue
        if not printed_header:
            print(header)
            print(sub)
            printed_header = True
        runs = runs_for(case[4], args.quick)
        k = keras_forward(case, runs)
        row = {"case": name, "kind": case[6], "batch": case[4], "keras": k, "layerlab": {}}
        cells = []
        for key, _, prefix in SETTINGS:
            ours = layerlab_forward(case, prefix, runs)
            ref = sgemm_rate(case, prefix, runs) if case[5](case[4]) else {"gflops": float("nan"), "min_ms": float("nan")}
            flops = 2 * ours["macs_per_sample"] * case[4]
            gf = flops / (ours["min_ms"] / 1e3) / 1e9
            bound = ours["weights_mb"] + ours["two_largest_activations_mb"] + 40
            entry = {"min_ms": ours["min_ms"], "median_ms": ours["median_ms"], "ratio": ours["min_ms"] / k[0],
                     "gflops": gf, "sgemm_gflops": ref["gflops"], "sgemm_ms": ref["min_ms"], "pct_sgemm": gf / ref["gflops"],
                     "max_rss_mb": ours["max_rss_mb"], "bound_mb": bound, "core": ours["blas_core"]}
            row["layerlab"][key] = entry
            cells.append(f"{ours['min_ms']:9.3f} / {ours['median_ms']:9.3f} {entry['ratio']:5.2f} {gf:6.1f} "
                         f"{ref['gflops']:6.1f} {100 * entry['pct_sgemm']:3.0f}% {ours['max_rss_mb']:4.0f}/{bound:<5.0f}")
        report["cases"].append(row)
        print(f"{name:16s} {fmt(k):>19s} | " + " | ".join(cells), flush=True)

    command_cases = [c for c in CASES if c[0] in COMMAND_CASES and wanted("cmd " + c[0])]
    if command_cases:
        print(f"\none whole command: layerlab-bench --command \"forward --input x.npy\" (read, run, every layer's "
              f"statistics and preview printed, through the Session) beside the bare pass (Model.forward) on the same "
              f"batch, against Keras on the same x.npy: jit forward on a device array and predict_on_batch on the NumPy "
              f"array. min / median ms; cmd/bare = command min ÷ bare min; ratios to Keras use the minima.")
        print(f"{'case':20s} {'Keras jit':>19s} {'predict_on_batch':>19s} | " + " | ".join(
            f"{k + ' (' + cores[k] + ')':>52s}" for k, _, _ in SETTINGS))
        print(f"{'':20s} {'min / median':>19s} {'min / median':>19s} | " + " | ".join(
            f"{'command min / median':>21s} {'bare min':>9s} {'cmd/bare':>8s} {'÷jit':>5s} {'÷pred':>5s}" for _ in SETTINGS))
    with tempfile.TemporaryDirectory() as folder:
        for case in command_cases:
            name = "cmd " + case[0]
            path = os.path.join(folder, name.replace(" ", "_") + ".npy")
            np.save(path, case_batch(case))
            runs = runs_for(case[4], args.quick)
            jit, predict = keras_forward(case, runs, predict=True)
            row = {"case": name, "batch": case[4], "keras": jit, "keras_predict_on_batch": predict, "layerlab": {}}
            cells = []
            for key, _, prefix in SETTINGS:
                ours = layerlab_command(case, prefix, runs, path)
                entry = {"min_ms": ours["min_ms"], "median_ms": ours["median_ms"], "bare_min_ms": ours["bare_min_ms"],
                         "bare_median_ms": ours["bare_median_ms"], "command_over_bare": ours["ratio"],
                         "ratio": ours["min_ms"] / jit[0], "ratio_predict": ours["min_ms"] / predict[0],
                         "core": ours["blas_core"]}
                row["layerlab"][key] = entry
                cells.append(f"{ours['min_ms']:9.3f} / {ours['median_ms']:9.3f} {ours['bare_min_ms']:9.3f} "
                             f"{ours['ratio']:8.2f} {entry['ratio']:5.2f} {entry['ratio_predict']:5.2f}")
            report["commands"].append(row)
            print(f"{name:20s} {fmt(jit):>19s} {fmt(predict):>19s} | " + " | ".join(cells), flush=True)

    def step_section(cases, key, title, keras_label, keras_time, mode):
        """One table of forward + backward (or training step) cases: Keras beside LayerLab per setting."""
        if not cases:
            return
        print(title)
        print(f"{'case':16s} {keras_label:>19s} | " + " | ".join(f"{k + ' (' + cores[k] + ')':>42s}" for k, _, _ in SETTINGS))
        report[key] = []
        for case in cases:
            runs = runs_for(case[4], args.quick)
            k = keras_time(case, runs)
            row = {"case": case[0], "batch": case[4], "keras": k, "layerlab": {}}
            cells = []
            for setting, _, prefix in SETTINGS:
                ours = layerlab_step(case, prefix, runs, mode)
                entry = {"min_ms": ours["min_ms"], "median_ms": ours["median_ms"], "ratio": ours["min_ms"] / k[0],
                         "forward_min_ms": ours["forward_min_ms"], "max_rss_mb": ours["max_rss_mb"], "core": ours["blas_core"]}
                row["layerlab"][setting] = entry
                cells.append(f"{ours['min_ms']:8.3f} / {ours['median_ms']:8.3f} {entry['ratio']:5.2f} fwd {ours['forward_min_ms']:7.3f}")
            report[key].append(row)
            print(f"{case[0]:16s} {fmt(k):>19s} | " + " | ".join(cells), flush=True)

    step_section([c for c in GRAD_CASES if wanted(c[0])], "gradients",
                 f"\nforward + backward of the compiled loss ({GRAD_LOSS}, random labels, training mode): "
                 f"LayerLab's Model.gradients against jax.jit(jax.grad) of the Keras model's stateless_call + loss. "
                 f"min / median ms; ratio = LayerLab min ÷ Keras min; fwd = LayerLab's bare forward on the same batch.",
                 "Keras jit grad", keras_gradients, "gradients")
    step_section([c for c in TRAIN_CASES if wanted(c[0])], "training",
                 f"\none training step (Adam, {GRAD_LOSS}): LayerLab's Model.trainStep (gradients + the optimizer's update) "
                 f"against Keras's fit per step ({TRAIN_STEPS} batches an epoch, shuffle=False, verbose=0, after a warm-up epoch). "
                 f"min / median ms per step; ratio = LayerLab min ÷ Keras min; fwd = LayerLab's bare forward on the same batch.",
                 "Keras fit/step", keras_train, "train")

    if wanted("summary"):
        s = first_summary(args.quick)
        report["summary"] = s
        print(f"\ntime to first summary (process start → MLP summary printed), min / median ms:")
        print(f"  layerlab --no-journal -c …; summary   {fmt(s['layerlab'])}")
        print(f"  python -c (import keras, build, summary) {fmt(s['keras'])}")
        print(f"  ratio LayerLab ÷ Keras: {s['layerlab'][0] / s['keras'][0]:.4f} (1/{s['keras'][0] / s['layerlab'][0]:.0f})")

    if wanted("init"):
        runs = 3 if args.quick else 7
        npy = numpy_init(runs)
        report["init"] = {"numpy": npy, "layerlab": {}}
        print(f"\ninitializer sampling, min / median ms (NumPy: default_rng standard_normal float32 · std; QR + sign fix):")
        for init, shape, nkey in [("he_normal", "4096,4096", "he_normal"), ("orthogonal", "1024,1024", "orthogonal")]:
            for key, _, prefix in SETTINGS:
                ours = run_json(prefix, [BENCH, "--initializer", init, "--shape", shape, "--runs", str(runs), "--warmup", "1", "--json"])
                report["init"]["layerlab"][f"{init}/{key}"] = (ours["min_ms"], ours["median_ms"])
                print(f"  {init} {shape} [{key:6s}]  LayerLab {ours['min_ms']:8.2f} / {ours['median_ms']:8.2f}   "
                      f"NumPy {fmt(npy[nkey])}   ratio {ours['min_ms'] / npy[nkey][0]:.2f}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
