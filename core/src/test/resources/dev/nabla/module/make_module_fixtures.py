#!/usr/bin/env python3
"""Makes the PyTorch fixtures that Nabla's dev.nabla.module tests read (ModuleTorchFixturesTest). Run from the
repository root with PyTorch (1.13 on Debian 12: apt-get install python3-torch):

    mvn -B -ntp -o -q -pl core -am test-compile
    java -cp core/target/classes:core/target/test-classes dev.nabla.module.NablaWrittenModel \
        core/src/test/resources/dev/nabla/module/nabla_written.safetensors
    OMP_WAIT_POLICY=PASSIVE python3 core/src/test/resources/dev/nabla/module/make_module_fixtures.py

The outputs are committed, so the tests need neither Python nor PyTorch. Everything is float64 except
mlp_mse_f32.safetensors (PyTorch's default dtype, to check that a dtype mismatch is refused and a float32 module
loads it).

PyTorch -> Nabla. For each model below, NAME.safetensors is exactly model.state_dict() (PyTorch's names and layout:
Linear weight [out, in], bias [out]), and NAME_data.safetensors holds a batch and what PyTorch computed on it:
    x            the input (int32 indices for the embedding model)
    target       MSE targets, or labels (int32) for cross-entropy
    out          model(x)
    loss         the loss, shape [1]: MSE as Nabla defines it, (1/N) sum 1/2 (out - target)^2 with N = rows;
                 cross-entropy as torch.nn.functional.cross_entropy (a mean over rows)
    grad.x       dloss/dx (float inputs only)
    grad.NAME    dloss/dparameter for every parameter, the parameter's shape
Models (nn.Sequential unless said):
    mlp_mse        Linear(3, 4), ReLU, Linear(4, 2); MSE
    mlp_ce         Linear(4, 5), Tanh, Linear(5, 3); cross-entropy
    residual_ln    Linear(3, 4), Residual(Sequential(LayerNorm(4), Linear(4, 4), Sigmoid)), Linear(4, 2); MSE.
                   Residual is the class below (self.inner, forward x + inner(x)), as Nabla's; LayerNorm's weight and
                   bias are drawn at random so that they matter
    embedding_ce   Embedding(6, 3), Linear(3, 2); cross-entropy, indices with repeats

Nabla -> PyTorch. nabla_written.safetensors is written by Nabla (NablaWrittenModel, above); this script reads it,
loads it into nn.Sequential(Linear(3, 4), ReLU, Linear(4, 2)).double() with load_state_dict(strict=True) (PyTorch
checks every name and shape), and writes nabla_written_data.safetensors (x, target, out, loss, grads as above).

The `safetensors` Python package is not installed here, so the format is written and read by hand from its published
specification (https://github.com/huggingface/safetensors, "Format"): an 8-byte little-endian u64 header length N,
N bytes of UTF-8 JSON {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}} padded with
spaces to a multiple of 8, then the little-endian row-major data. This code shares nothing with Nabla's.
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {torch.float64: ("F64", "<f8"), torch.float32: ("F32", "<f4"), torch.int32: ("I32", "<i4")}
NUMPY_OF = {"F64": "<f8", "F32": "<f4", "I32": "<i4", "I64": "<i8"}


def save_file(tensors, path):
    """safetensors.torch.save_file, by hand: tensors in the dict's order, data contiguous from offset 0."""
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        code, np_dtype = DTYPES[t.dtype]
        data = t.detach().contiguous().numpy().astype(np_dtype).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for c in chunks:
            f.write(c)


def load_file(path):
    """safetensors.torch.load_file, by hand."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        arr = np.frombuffer(data[b:end], dtype=NUMPY_OF[e["dtype"]]).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


class Residual(nn.Module):
    """x + inner(x), with the child named "inner" as Nabla's dev.nabla.module.Residual."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return x + self.inner(x)


def mse(out, target):
    return 0.5 * ((out - target) ** 2).sum() / out.shape[0]


def run(name, model, x, target, loss_kind):
    """Saves model's state dict as NAME.safetensors and a batch with PyTorch's output, loss and gradients."""
    save_file(model.state_dict(), os.path.join(HERE, name + ".safetensors"))
    model.zero_grad()
    xin = x.clone().requires_grad_(x.dtype.is_floating_point)
    out = model(xin)
    loss = mse(out, target) if loss_kind == "mse" else F.cross_entropy(out, target.long())
    loss.backward()
    data = {"x": x, "target": target, "out": out, "loss": loss.reshape(1)}
    if x.dtype.is_floating_point:
        data["grad.x"] = xin.grad
    for pname, p in model.named_parameters():
        data["grad." + pname] = p.grad
    save_file(data, os.path.join(HERE, name + "_data.safetensors"))
    print(name, "loss", loss.item())


def main():
    torch.manual_seed(1414)

    mlp = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).double()
    run("mlp_mse", mlp, torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 2, dtype=torch.float64), "mse")
    save_file(mlp.float().state_dict(), os.path.join(HERE, "mlp_mse_f32.safetensors"))

    ce = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3)).double()
    run("mlp_ce", ce, torch.randn(6, 4, dtype=torch.float64), torch.tensor([0, 2, 1, 2, 0, 1], dtype=torch.int32),
        "ce")

    res = nn.Sequential(nn.Linear(3, 4), Residual(nn.Sequential(nn.LayerNorm(4), nn.Linear(4, 4), nn.Sigmoid())),
                        nn.Linear(4, 2)).double()
    with torch.no_grad():
        res[1].inner[0].weight.uniform_(0.5, 1.5)
        res[1].inner[0].bias.uniform_(-0.5, 0.5)
    run("residual_ln", res, torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 2, dtype=torch.float64), "mse")

    emb = nn.Sequential(nn.Embedding(6, 3), nn.Linear(3, 2)).double()
    run("embedding_ce", emb, torch.tensor([1, 4, 1, 0, 5], dtype=torch.int32),
        torch.tensor([0, 1, 1, 0, 1], dtype=torch.int32), "ce")

    written = os.path.join(HERE, "nabla_written.safetensors")
    back = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).double()
    back.load_state_dict(load_file(written), strict=True)
    # run() would overwrite the Nabla-written file with PyTorch's own: write only the data here
    back.zero_grad()
    x = torch.randn(4, 3, dtype=torch.float64)
    target = torch.randn(4, 2, dtype=torch.float64)
    xin = x.clone().requires_grad_(True)
    out = back(xin)
    loss = mse(out, target)
    loss.backward()
    data = {"x": x, "target": target, "out": out, "loss": loss.reshape(1), "grad.x": xin.grad}
    for pname, p in back.named_parameters():
        data["grad." + pname] = p.grad
    save_file(data, os.path.join(HERE, "nabla_written_data.safetensors"))
    print("nabla_written loss", loss.item())


if __name__ == "__main__":
    main()
