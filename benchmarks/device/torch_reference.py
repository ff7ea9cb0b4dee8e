#!/usr/bin/env python3
"""PyTorch reference numbers for Nabla's GPU table, measured on the same machine in the same call.

  * SGEMM: torch.mm in float32 with TF32 disabled (cuBLAS FP32 path), n = 1024, 4096, 8192.
  * Device-to-device copy bandwidth of 64M floats (read + write bytes / time): the bar for bandwidth-bound kernels.
  * One SGD training step of the 784-4096-4096-10 MLP, batch 1024, ReLU + softmax cross-entropy.

Times are medians of CUDA-event-timed repetitions after warm-up. Prints a table and writes JSON.
Usage: torch_reference.py OUT_JSON [--cpu]   (--cpu: a smoke run on the CPU with small sizes)
"""
import json
import statistics
import sys
import time

import torch


def timed(fn, reps, device):
    """Median seconds of fn() over reps runs, after 3 warm-up runs."""
    for _ in range(3):
        fn()
    times = []
    for _ in range(reps):
        if device.type == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end) / 1000.0)
        else:
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    out_path = sys.argv[1]
    cpu = "--cpu" in sys.argv
    device = torch.device("cpu" if cpu or not torch.cuda.is_available() else "cuda")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    result = {"device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
              "torch": torch.__version__, "tf32": False, "sgemm": {}, "rows": []}
    if device.type == "cuda":
        result["cuda"] = torch.version.cuda

    for n in ([128, 256] if cpu else [1024, 4096, 8192]):
        a = torch.randn(n, n, device=device)
        b = torch.randn(n, n, device=device)
        c = torch.empty(n, n, device=device)
        sec = timed(lambda: torch.mm(a, b, out=c), 5 if cpu else 20, device)
        tflops = 2 * n ** 3 / sec / 1e12
        result["sgemm"][str(n)] = {"ms": sec * 1e3, "tflops": tflops}
        result["rows"].append({"work": f"sgemm {n}^3 float32 (torch.mm, TF32 off)", "ms": sec * 1e3,
                               "tflops": tflops})

    count = (1 << 16) if cpu else (64 << 20)
    x = torch.randn(count, device=device)
    y = torch.empty_like(x)
    sec = timed(lambda: y.copy_(x), 5 if cpu else 50, device)
    gbs = 2 * count * 4 / sec / 1e9
    result["copy_gbs"] = gbs
    result["rows"].append({"work": f"device-to-device copy, {count} floats", "ms": sec * 1e3, "GB/s": gbs})

    width, batch = (256, 64) if cpu else (4096, 1024)
    model = torch.nn.Sequential(torch.nn.Linear(784, width), torch.nn.ReLU(), torch.nn.Linear(width, width),
                                torch.nn.ReLU(), torch.nn.Linear(width, 10)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()          # log-softmax + NLL: softmax cross-entropy, mean over the batch
    xb = torch.rand(batch, 784, device=device)
    yb = torch.randint(0, 10, (batch,), device=device)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()

    sec = timed(step, 5 if cpu else 50, device)
    result["train_step_ms"] = sec * 1e3
    result["rows"].append({"work": f"training step 784-{width}-{width}-10, batch {batch}, relu+softmax CE, SGD",
                           "ms": sec * 1e3})

    with open(out_path, "w") as f:
        json.dump(result, f, indent=2)
    print(f"PyTorch {result['torch']} on {result['device']} (TF32 off)")
    for r in result["rows"]:
        extra = "".join(f"  {k} {v:.2f}" for k, v in r.items() if k not in ("work", "ms"))
        print(f"  {r['work']:<70} {r['ms']:9.3f} ms{extra}")


if __name__ == "__main__":
    main()
