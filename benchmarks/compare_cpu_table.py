#!/usr/bin/env python3
"""Joins compare-cpu.sh's JMH results and reference-*.json into the table: work, nabla, reference, ratio.
Targets are issue 15's: GEMM >= 0.95 of OpenBLAS (DGEMM 0.90), elementwise >= 0.9 of copy bandwidth, the training
step <= 0.85 of PyTorch's time and <= 0.90 of numpy's, under 4 KB allocated per step; the small-batch regime (784-256-10 at batch 64 and 256) <= 1.0 of PyTorch's time."""
import json
import os
import sys

d = sys.argv[1]


def jmh(name):
    rows = {}
    path = os.path.join(d, f"jmh-{name}.json")
    if not os.path.exists(path):
        return rows
    for r in json.load(open(path)):
        bench = r["benchmark"].split(".")[-1]
        params = tuple(sorted(r.get("params", {}).items()))
        rows[(bench, params)] = r
    return rows


def score(rows, bench, **params):
    for (b, p), r in rows.items():
        pd = dict(p)
        if b == bench and all(pd.get(k) == v for k, v in params.items()):
            return r["primaryMetric"]["score"] * 1e-6, r      # µs → s
    return None, None


def alloc(r):
    sec = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm") if r else None
    return sec["score"] if sec else float("nan")


def references():
    """reference-*.json: each reference measured before and after Nabla's rows; the better of the two counts."""
    best = {}
    for name in sorted(os.listdir(d)):
        if not (name.startswith("reference") and name.endswith(".json")):
            continue
        for key, r in json.load(open(os.path.join(d, name))).items():
            if key == "openblas":
                best.setdefault(key, r)                          # the BLAS that ran (the same in every file)
            elif not isinstance(r, dict):
                best.setdefault(key, r)                          # "missing ..." notes
            elif key not in best or r["seconds"] < best[key]["seconds"]:
                best[key] = r
    return best


ref = references()
isa_path = os.path.join(d, "isa")
isa = open(isa_path).read().strip() if os.path.exists(isa_path) else "native"
blas = ref.get("openblas")
# which BLAS each numpy/PyTorch row ran: the library's own answer (cpu_reference.py asks openblas_get_corename)
blas_name = f"OpenBLAS {blas['config'].split()[1]} {blas['corename']}" if isinstance(blas, dict) else "BLAS unknown"
print(f"# ISA={isa}: Nabla {'with -XX:UseAVX=2' if isa == 'avx2' else 'as compiled for this CPU'}; "
      f"references on {blas_name}" + (f" ({blas['config']})" if isinstance(blas, dict) else ""))
print("work, nabla, reference, ratio")


def line(work, nabla, reference, ratio, note=""):
    print(f"{work}, {nabla}, {reference}, {ratio}{(' (' + note + ')') if note else ''}")


sg = jmh("sgemm")
for n in (256, 512, 1024, 2048):
    s, _ = score(sg, "gemm", n=str(n), transpose="NN", dtype="FLOAT32")
    r = ref.get(f"sgemm {n}")
    ours = 2 * n ** 3 / s / 1e9 if s else None
    line(f"SGEMM {n}", f"{ours:.1f} GFLOP/s" if ours else "missing",
         f"numpy/{blas_name} {r['gflops']:.1f} GFLOP/s" if r else "numpy missing",
         f"{ours / r['gflops']:.2f}" if ours and r else "-", "target >= 0.95" if n >= 512 else "no target")
mlp = jmh("mlp")
for shape in ("256x1024x784:NN", "784x1024x256:TN", "256x784x1024:NT"):
    m, n, k = (int(v) for v in shape.split(":")[0].split("x"))
    s, _ = score(mlp, "gemm", shape=shape)
    r = ref.get(f"sgemm {shape}")
    ours = 2 * m * n * k / s / 1e9 if s else None
    line(f"SGEMM {shape}", f"{ours:.1f} GFLOP/s" if ours else "missing",
         f"numpy/{blas_name} {r['gflops']:.1f} GFLOP/s" if r else "numpy missing",
         f"{ours / r['gflops']:.2f}" if ours and r else "-", "target >= 0.95")
s, _ = score(jmh("dgemm"), "gemm", n="1024", dtype="FLOAT64")
r = ref.get("dgemm 1024")
ours = 2 * 1024 ** 3 / s / 1e9 if s else None
line("DGEMM 1024", f"{ours:.1f} GFLOP/s" if ours else "missing", f"numpy/{blas_name} {r['gflops']:.1f} GFLOP/s" if r else "numpy missing",
     f"{ours / r['gflops']:.2f}" if ours and r else "-", "target >= 0.90")
bw = jmh("bandwidth")
elements = 16777216
copy_s, _ = score(bw, "copy")
copy_gbs = elements * 8 / copy_s / 1e9 if copy_s else None
for bench, label, bytes_per in (("sigmoid", "sigmoid", 8), ("sigmoidGrad", "sigmoid' (from output)", 8),
                                ("hadamard", "hadamard", 12), ("biasSigmoid", "bias + sigmoid", 8),
                                ("deltaEpilogue", "delta epilogue d*sigmoid'(a), in place", 12)):
    s, _ = score(bw, bench)
    gbs = elements * bytes_per / s / 1e9 if s else None
    line(f"{label}, 16M floats", f"{gbs:.1f} GB/s" if gbs else "missing",
         f"System.arraycopy {copy_gbs:.1f} GB/s" if copy_gbs else "copy missing",
         f"{gbs / copy_gbs:.2f}" if gbs and copy_gbs else "-", "target >= 0.90")
st = jmh("step")
for model in ("sigmoid-mse", "relu-ce"):
    s, r = score(st, "step", model=model, hidden="1024x1024", batch="256")
    t = ref.get(f"step {model} torch")
    npy = ref.get(f"step {model} numpy")
    ms = s * 1e3 if s else None
    line(f"step 784-1024-1024-10 b256 {model} vs PyTorch", f"{ms:.1f} ms" if ms else "missing",
         f"torch {t['seconds'] * 1e3:.1f} ms ({t['threads']} thr)" if t else "torch missing",
         f"{ms / (t['seconds'] * 1e3):.2f}" if ms and t else "-", "target <= 0.85")
    line(f"step 784-1024-1024-10 b256 {model} vs numpy", f"{ms:.1f} ms" if ms else "missing",
         f"numpy/{blas_name} {npy['seconds'] * 1e3:.1f} ms" if npy else "numpy missing",
         f"{ms / (npy['seconds'] * 1e3):.2f}" if ms and npy else "-", "target <= 0.90")
    line(f"allocation per step {model}", f"{alloc(r):.0f} B/op" if r else "missing", "-", "-", "target < 4096")
small, epochs = jmh("small"), jmh("epoch")
for batch in (64, 256):
    s, r = score(small, "step", batch=str(batch), hidden="256")
    t = ref.get(f"small step b{batch} torch")
    us = s * 1e6 if s else None
    line(f"step 784-256-10 b{batch} relu-ce momentum vs PyTorch", f"{us:.0f} us" if us else "missing",
         f"torch {t['seconds'] * 1e6:.0f} us ({t['threads']} thr)" if t else "torch missing",
         f"{us / (t['seconds'] * 1e6):.2f}" if us and t else "-", "target <= 1.0")
    line(f"allocation per step 784-256-10 b{batch}", f"{alloc(r):.0f} B/op" if r else "missing", "-", "-",
         "target < 4096")
    s, r = score(epochs, "epochOnDevice", batch=str(batch))
    t = ref.get(f"small epoch b{batch} torch")
    if s and r:
        rows = int(r["params"]["rows"])
        eps = (rows // batch) * batch / s
    else:
        eps = None
    line(f"epoch of 8192 rows b{batch} (DataLoader loop) vs PyTorch", f"{eps:.0f} examples/s" if eps else "missing",
         f"torch {t['examples_per_second']:.0f} examples/s ({t['threads']} thr)" if t else "torch missing",
         f"{t['examples_per_second'] / eps:.2f}" if eps and t else "-", "time ratio; target <= 1.0")
for k, v in ref.items():
    if k.startswith("missing"):
        line(k, "-", "-", "-", v)
