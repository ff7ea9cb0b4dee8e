#!/usr/bin/env python3
"""CPU reference numbers for benchmarks/compare-cpu.sh, measured on this machine.

numpy (its BLAS: OpenBLAS when libopenblas0-pthread is installed) for SGEMM at n = 256..2048, the MLP products and
DGEMM 1024; the training step of the 784-1024-1024-10 MLP at batch 256 (sigmoid + MSE, and ReLU + softmax CE, plain
SGD) written by hand in numpy and in PyTorch (CPU, the better of 1 and 2 threads). Medians after warm-up.
And the small-batch regime of `nabla train` (group small): 784-256-10 at batch 64 and 256 in PyTorch, one step and an
epoch of a DataLoader loop. Usage: cpu_reference.py OUT_JSON [gemm] [step] [small]: the groups to measure (default
gemm and step). Prints what it measured; a missing
package is reported, not fatal.
"""
import json
import statistics
import sys
import time


def median_seconds(fn, min_time=1.0, min_reps=5):
    for _ in range(3):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def numpy_gemm(out):
    import numpy as np
    rng = np.random.default_rng(1)
    for n in (256, 512, 1024, 2048):
        a = rng.random((n, n), dtype=np.float32)
        b = rng.random((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        s = median_seconds(lambda: np.matmul(a, b, out=c))
        out[f"sgemm {n}"] = {"seconds": s, "gflops": 2 * n ** 3 / s / 1e9}
    for m, n, k, t in ((256, 1024, 784, "NN"), (784, 1024, 256, "TN"), (256, 784, 1024, "NT")):
        a = rng.random((k, m) if t[0] == "T" else (m, k), dtype=np.float32)
        b = rng.random((n, k) if t[1] == "T" else (k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        aa = a.T if t[0] == "T" else a
        bb = b.T if t[1] == "T" else b
        s = median_seconds(lambda: np.matmul(aa, bb, out=c))
        out[f"sgemm {m}x{n}x{k}:{t}"] = {"seconds": s, "gflops": 2 * m * n * k / s / 1e9}
    a = rng.random((1024, 1024))
    b = rng.random((1024, 1024))
    c = np.empty((1024, 1024))
    s = median_seconds(lambda: np.matmul(a, b, out=c))
    out["dgemm 1024"] = {"seconds": s, "gflops": 2 * 1024 ** 3 / s / 1e9}


def numpy_steps(out):
    import numpy as np
    for model in ("sigmoid-mse", "relu-ce"):
        out[f"step {model} numpy"] = {"seconds": median_seconds(numpy_step(np, model), min_time=3)}


def numpy_step(np, model):
    """One SGD step of 784-1024-1024-10 at batch 256, by hand (the layout of docs/backprop.md: X·W + b)."""
    rng = np.random.default_rng(2)
    sizes = [784, 1024, 1024, 10]
    ws = [(rng.standard_normal((i, o)) * np.sqrt(2.0 / (i + o))).astype(np.float32) for i, o in zip(sizes, sizes[1:])]
    bs = [np.zeros(o, dtype=np.float32) for o in sizes[1:]]
    x = rng.random((256, 784), dtype=np.float32)
    labels = rng.integers(0, 10, 256)
    t = np.zeros((256, 10), dtype=np.float32)
    t[np.arange(256), labels] = 1
    lr = np.float32(0.1)
    n = np.float32(256)

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def step():
        with np.errstate(over="ignore"):
            acts = [x]
            for i, (w, b) in enumerate(zip(ws, bs)):
                z = acts[-1] @ w + b
                last = i == len(ws) - 1
                if model == "sigmoid-mse":
                    acts.append(sigmoid(z))
                elif last:
                    e = np.exp(z - z.max(axis=1, keepdims=True))
                    acts.append(e / e.sum(axis=1, keepdims=True))
                else:
                    acts.append(np.maximum(z, 0))
            f = acts[-1]
            delta = (f - t) / n
            if model == "sigmoid-mse":
                delta *= f * (1 - f)
            for i in range(len(ws) - 1, -1, -1):
                dw = acts[i].T @ delta
                db = delta.sum(axis=0)
                if i > 0:
                    a = acts[i]
                    delta = (delta @ ws[i].T) * (a * (1 - a) if model == "sigmoid-mse" else (a > 0))
                ws[i] -= lr * dw
                bs[i] -= lr * db

    return step


def torch_rows(out):
    import torch
    for model in ("sigmoid-mse", "relu-ce"):
        best = None
        for threads in (1, 2):
            torch.set_num_threads(threads)
            torch.manual_seed(3)
            act = torch.nn.Sigmoid if model == "sigmoid-mse" else torch.nn.ReLU
            layers = [torch.nn.Linear(784, 1024), act(), torch.nn.Linear(1024, 1024), act(), torch.nn.Linear(1024, 10)]
            if model == "sigmoid-mse":
                layers.append(torch.nn.Sigmoid())
            net = torch.nn.Sequential(*layers)
            opt = torch.optim.SGD(net.parameters(), lr=0.1)
            x = torch.rand(256, 784)
            labels = torch.randint(0, 10, (256,))
            t = torch.nn.functional.one_hot(labels, 10).float()
            loss_fn = torch.nn.MSELoss() if model == "sigmoid-mse" else torch.nn.CrossEntropyLoss()
            target = t if model == "sigmoid-mse" else labels

            def step():
                opt.zero_grad(set_to_none=True)
                loss_fn(net(x), target).backward()
                opt.step()

            s = median_seconds(step, min_time=3)
            if best is None or s < best[0]:
                best = (s, threads)
        out[f"step {model} torch"] = {"seconds": best[0], "threads": best[1], "torch": torch.__version__}


def torch_small(out):
    """The regime of `nabla train`: 784-256-10, ReLU + softmax cross-entropy, SGD lr 0.01 momentum 0.9, at batch 64
    and 256. Two rows per batch: one step on a batch already in memory (TrainingStepBenchmark.step's twin), and an
    epoch of a training loop over 8192 in-memory rows with a shuffling DataLoader and drop_last (DataPathBenchmark.
    epochOnDevice's twin), reported as seconds per epoch and examples/s. The better of 1 and 2 threads."""
    import torch
    for batch in (64, 256):
        best_step = best_epoch = None
        for threads in (1, 2):
            torch.set_num_threads(threads)
            torch.manual_seed(3)
            net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
            opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
            loss_fn = torch.nn.CrossEntropyLoss()
            x = torch.rand(batch, 784)
            labels = torch.randint(0, 10, (batch,))

            def step(xb=x, yb=labels):
                opt.zero_grad(set_to_none=True)
                loss_fn(net(xb), yb).backward()
                opt.step()

            s = median_seconds(step, min_time=2)
            if best_step is None or s < best_step[0]:
                best_step = (s, threads)
            rows = 8192
            data = torch.utils.data.TensorDataset(torch.rand(rows, 784), torch.randint(0, 10, (rows,)))
            loader = torch.utils.data.DataLoader(data, batch_size=batch, shuffle=True, drop_last=True)

            def epoch():
                for xb, yb in loader:
                    step(xb, yb)

            s = median_seconds(epoch, min_time=3, min_reps=3)
            if best_epoch is None or s < best_epoch[0]:
                best_epoch = (s, threads)
        out[f"small step b{batch} torch"] = {"seconds": best_step[0], "threads": best_step[1],
                                             "torch": torch.__version__}
        out[f"small epoch b{batch} torch"] = {"seconds": best_epoch[0], "threads": best_epoch[1], "rows": 8192,
                                              "examples_per_second": (8192 // batch) * batch / best_epoch[0],
                                              "torch": torch.__version__}


def openblas_info():
    """Which OpenBLAS numpy (and Debian's PyTorch, through the same libblas) runs, asked from the library itself:
    openblas_get_config() (version, build options) and openblas_get_corename() (the kernels it chose for this CPU,
    or the ones OPENBLAS_CORETYPE forced). None when numpy is missing or its BLAS is not OpenBLAS."""
    import ctypes
    import os
    try:
        import numpy  # noqa: F401  (loads the BLAS)
    except ImportError:
        return None
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps")
                   if "openblas" in line.split()[-1].lower() and ".so" in line.split()[-1]})
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
        except (OSError, AttributeError):
            continue
        return {"library": path,
                "config": lib.openblas_get_config().decode().strip(),
                "corename": lib.openblas_get_corename().decode().strip(),
                "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}
    return None


def main():
    out = {}
    blas = openblas_info()
    if blas:
        out["openblas"] = blas
        print(f"reference: OpenBLAS {blas['config']}, core {blas['corename']} (OPENBLAS_CORETYPE="
              f"{blas['OPENBLAS_CORETYPE'] or 'unset'}, OPENBLAS_L2_SIZE={blas['OPENBLAS_L2_SIZE'] or 'unset'}), "
              f"{blas['library']}", file=sys.stderr)
    else:
        print("reference: numpy's BLAS is not OpenBLAS (or numpy is missing)", file=sys.stderr)
    groups = sys.argv[2:] or ["gemm", "step"]
    work = []
    if "gemm" in groups:
        work.append(("numpy", numpy_gemm))
    if "step" in groups:
        work += [("numpy", numpy_steps), ("torch", torch_rows)]
    if "small" in groups:
        work.append(("torch", torch_small))
    for name, fn in work:
        try:
            fn(out)
        except ImportError as e:
            out[f"missing {name}"] = str(e)
            print(f"reference missing: {name} ({e})", file=sys.stderr)
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
