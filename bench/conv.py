"""Times one Conv2D forward pass in Keras (JAX backend, jit-compiled, warmed up) and in
LayerLab (the release build of layerlab-bench) in the same run, and prints both, the
ratio LayerLab ÷ Keras and LayerLab's GFLOP/s.

    KERAS_BACKEND=jax /work/main/.venv-keras/bin/python bench/conv.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv-keras/bin/python bench/conv.py

The layer is the issue's: a batch of 32 samples of 64×64×3 through Conv2D(64, 3)
(padding valid, bias, no activation). Options: --batch, --size, --channels, --filters,
--kernel, --padding, --runs, --rounds, --no-build; or another layer with
--keras "DepthwiseConv2D(3)" --layerlab "depthwiseconv2d 3". See docs/performance.md.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def keras_times(args):
    import jax
    import keras
    import numpy as np

    x = np.random.default_rng(0).normal(size=(args.batch, args.size, args.size, args.channels)).astype(np.float32)
    layer = eval("keras.layers." + args.keras)
    model = keras.Sequential([keras.Input((args.size, args.size, args.channels)), layer])
    # 1. The layer's forward pass alone, jit-compiled: what XLA does with the convolution.
    variables = [v.value for v in layer.trainable_variables]
    forward = jax.jit(lambda tv, x: layer.stateless_call(tv, [], x)[0])
    xj = jax.device_put(x)
    # 2. model.predict_on_batch: the user-facing call (also converts the NumPy batch).
    results = {}
    for name, call in [("jit", lambda: forward(variables, xj).block_until_ready()),
                       ("predict_on_batch", lambda: model.predict_on_batch(x))]:
        for _ in range(5):
            call()
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1e3)
        results[name] = times
    return results, keras.__version__, jax.__version__


def layerlab_times(args):
    binary = os.path.join(ROOT, ".build", "release", "layerlab-bench")
    commands = f"input {args.size} {args.size} {args.channels}; add {args.layerlab}"
    out = subprocess.run([binary, "-c", commands, "--batch", str(args.batch), "--runs", str(args.runs), "--warmup", "5", "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--filters", type=int, default=64)
    p.add_argument("--kernel", type=int, default=3)
    p.add_argument("--padding", default="valid")
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--keras", help="another Keras layer, e.g. \"DepthwiseConv2D(3)\" (needs --layerlab)")
    p.add_argument("--layerlab", help="the same layer in LayerLab's words, e.g. \"depthwiseconv2d 3\"")
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--rounds", type=int, default=3, help="alternate Keras and LayerLab this many times; the best of each counts")
    p.add_argument("--no-build", action="store_true", help="use the existing release build")
    args = p.parse_args()
    if (args.keras is None) != (args.layerlab is None):
        p.error("--keras and --layerlab go together")
    if args.keras is None:
        args.keras = f"Conv2D({args.filters}, {args.kernel}, padding='{args.padding}')"
        args.layerlab = f"conv2d {args.filters} {args.kernel} padding={args.padding}"

    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "layerlab-bench"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS") if k in os.environ}
    print(f"OpenBLAS environment: {env or 'none of OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, OPENBLAS_NUM_THREADS set'}")
    print(f"{args.keras} on a batch of {args.batch}×{args.size}×{args.size}×{args.channels}; "
          f"{args.runs} timed runs per round, {args.rounds} rounds")

    keras_jit, keras_pob, ours_min, ours_median = [], [], [], []
    ours = None
    for _ in range(args.rounds):
        k, keras_version, jax_version = keras_times(args)
        keras_jit.append(min(k["jit"])), keras_pob.append(min(k["predict_on_batch"]))
        keras_jit_median = statistics.median(k["jit"])
        ours = layerlab_times(args)
        ours_min.append(ours["min_ms"]), ours_median.append(ours["median_ms"])
    best_ours, best_jit, best_pob = min(ours_min), min(keras_jit), min(keras_pob)
    gflops = 2 * ours["macs_per_sample"] * args.batch / (best_ours / 1e3) / 1e9
    print(f"Keras {keras_version} + JAX {jax_version}, jit:      min {best_jit:7.2f} ms   (median of last round {keras_jit_median:.2f} ms)")
    print(f"Keras model.predict_on_batch:        min {best_pob:7.2f} ms")
    print(f"LayerLab (OpenBLAS {ours['blas_core']}, {ours['blas_threads']} threads): min {best_ours:7.2f} ms   (median {min(ours_median):.2f} ms), {gflops:.1f} GFLOP/s")
    print(f"ratio LayerLab ÷ Keras jit:              {best_ours / best_jit:.2f}")
    print(f"ratio LayerLab ÷ Keras predict_on_batch: {best_ours / best_pob:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
