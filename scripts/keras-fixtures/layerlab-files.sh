#!/usr/bin/env bash
# Writes .keras files with LayerLab (Tests/Fixtures/layerlab/), for generate.py's
# layerlab_files() to open in Keras. Run from the repository root after `swift build`.
set -euo pipefail
bin=${LAYERLAB:-.build/debug/layerlab}
out=Tests/Fixtures/layerlab
mkdir -p "$out"
python3 - <<'PY'
import numpy as np
rng = np.random.default_rng(7)
d = "Tests/Fixtures/layerlab"
np.save(f"{d}/mlp.input.npy", rng.normal(size=(3, 16)).astype(np.float32))
np.save(f"{d}/core.input.npy", rng.normal(size=(3, 6, 4)).astype(np.float32))
np.save(f"{d}/embedding.input.npy", rng.integers(0, 20, size=(3, 7)).astype(np.int32))
np.save(f"{d}/branches.input0_a.npy", rng.normal(size=(3, 8)).astype(np.float32))
np.save(f"{d}/branches.input1_b.npy", rng.normal(size=(3, 8)).astype(np.float32))
np.save(f"{d}/cnn.input.npy", rng.normal(size=(3, 12, 12, 3)).astype(np.float32))
PY
"$bin" --seed 11 -c "input 16; add dense 32 relu kernel_regularizer=l2(0.01); add dropout 0.3; add dense 16 tanh kernel_constraint=max_norm(2); add dense 4 softmax bias_initializer=RandomNormal(stddev=0.5); save $out/mlp.keras --force"
"$bin" --seed 12 -c "input 6 4; add activation elu; add permute 2 1; add reshape 3 8; add flatten; add dense 5; add repeatvector 2; add flatten; add activation sigmoid; save $out/core.keras --force"
"$bin" --seed 13 -c "input 7 dtype=int32; add embedding 20 4; add flatten; add dense 3 softmax; save $out/embedding.keras --force"
"$bin" --seed 14 -c "input 8 name=a; input 8 name=b; add dense 8 relu from=a name=left; add dense 8 selu from=b name=right; add add from=left,right; add subtract from=left,right; add multiply from=left,right; add average from=left,right; add maximum from=left,right; add minimum from=left,right; add concatenate from=add,subtract,multiply,average,maximum,minimum; add dot 1 normalize=True from=left,right name=cos; add concatenate from=concatenate,cos name=joined; add dense 3 from=joined name=out; save $out/branches.keras --force"
"$bin" --seed 15 -c "input 12 12 3; add conv2d 8 3 relu; add maxpooling2d 2; add conv2d 6 3 padding=same; add averagepooling2d 2 padding=same; add separableconv2d 4 2; add depthwiseconv2d 2 depth_multiplier=2; add conv2dtranspose 3 2 strides=2; add globalaveragepooling2d; add dense 2; save $out/cnn.keras --force"
"$bin" --seed 15 -c "load $out/cnn.keras; export python $out/cnn_export.py --weights --force"
echo "wrote $out"
