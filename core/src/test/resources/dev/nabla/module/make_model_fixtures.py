#!/usr/bin/env python3
"""Makes the PyTorch gradient oracle for three whole models (issue 14, "a gradient oracle outside Java"), read by
ModelTorchFixturesTest. Run from the repository root with PyTorch (1.13 on Debian 12: apt-get install python3-torch):

    OMP_WAIT_POLICY=PASSIVE python3 core/src/test/resources/dev/nabla/module/make_model_fixtures.py

The outputs are committed, so the tests need neither Python nor PyTorch. Everything is float64. The safetensors
reader and writer are make_module_fixtures.py's (written by hand from the format's specification).

For each model, NAME.safetensors is exactly model.state_dict() (PyTorch's names and layout: Linear weight [out, in],
bias [out]) and NAME_data.safetensors holds one batch and what PyTorch computed on it:
    x              the input, float64 (its gradient is computed too)
    target*        the targets (int32 labels for cross-entropy, float64 otherwise)
    loss           the loss, shape [1]
    grad.x         dloss/dx
    grad.NAME      dloss/dparameter for every parameter, the parameter's shape

Models:
    residual_mlp   nn.Sequential(Linear(6, 8), ReLU, Residual(Sequential(Linear(8, 8), ReLU, Linear(8, 8))),
                   Residual(Sequential(Linear(8, 8), Tanh, Linear(8, 8))), ReLU, Linear(8, 3));
                   loss = cross_entropy(out, target) (a mean over rows), target int32 labels
    autoencoder    nn.Sequential(encoder = Sequential(Linear(8, 5), Tanh, Linear(5, 2)),
                                 decoder = Sequential(Linear(2, 5), Tanh, Linear(5, 8), Sigmoid));
                   a custom reconstruction loss against the input itself, x used twice (grad.x has both paths):
                   loss = (1/N) sum 1/2 (model(x) - x)^2, N = rows
    two_head       TwoHead: trunk = Sequential(Linear(6, 8), Tanh, Linear(8, 8), ReLU), head_a = Linear(8, 4),
                   head_b = Sequential(Linear(8, 3), Sigmoid); the trunk's output feeds both heads and the two
                   losses are summed: loss = cross_entropy(head_a(h), target_a) + (1/N) sum 1/2 (head_b(h) - target_b)^2
"""
import os

import torch
import torch.nn.functional as F
from torch import nn

from make_module_fixtures import HERE, Residual, load_file, mse, save_file  # noqa: F401 (load_file: for readers)


class TwoHead(nn.Module):
    """A shared trunk and two heads; forward gives both heads' outputs."""

    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU())
        self.head_a = nn.Linear(8, 4)
        self.head_b = nn.Sequential(nn.Linear(8, 3), nn.Sigmoid())

    def forward(self, x):
        h = self.trunk(x)
        return self.head_a(h), self.head_b(h)


def save(name, model, data, loss, xin):
    """NAME.safetensors: the state dict; NAME_data.safetensors: data, loss, grad.x and every parameter gradient."""
    save_file(model.state_dict(), os.path.join(HERE, name + ".safetensors"))
    out = dict(data)
    out["loss"] = loss.detach().reshape(1)
    out["grad.x"] = xin.grad
    for pname, p in model.named_parameters():
        out["grad." + pname] = p.grad
    save_file(out, os.path.join(HERE, name + "_data.safetensors"))
    print(name, "loss", loss.item(), "parameters", [n for n, _ in model.named_parameters()])


def main():
    torch.manual_seed(1415)

    res = nn.Sequential(nn.Linear(6, 8), nn.ReLU(),
                        Residual(nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8))),
                        Residual(nn.Sequential(nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8))),
                        nn.ReLU(), nn.Linear(8, 3)).double()
    x = torch.randn(7, 6, dtype=torch.float64)
    target = torch.tensor([0, 2, 1, 1, 0, 2, 2], dtype=torch.int32)
    xin = x.clone().requires_grad_(True)
    loss = F.cross_entropy(res(xin), target.long())
    loss.backward()
    save("residual_mlp", res, {"x": x, "target": target}, loss, xin)

    ae = nn.Sequential(nn.Sequential(nn.Linear(8, 5), nn.Tanh(), nn.Linear(5, 2)),
                       nn.Sequential(nn.Linear(2, 5), nn.Tanh(), nn.Linear(5, 8), nn.Sigmoid())).double()
    x = torch.rand(6, 8, dtype=torch.float64)
    xin = x.clone().requires_grad_(True)
    loss = mse(ae(xin), xin)                     # the target is the input itself, not detached: both paths
    loss.backward()
    save("autoencoder", ae, {"x": x}, loss, xin)

    two = TwoHead().double()
    x = torch.randn(5, 6, dtype=torch.float64)
    target_a = torch.tensor([3, 0, 1, 3, 2], dtype=torch.int32)
    target_b = torch.rand(5, 3, dtype=torch.float64)
    xin = x.clone().requires_grad_(True)
    a, b = two(xin)
    loss = F.cross_entropy(a, target_a.long()) + mse(b, target_b)
    loss.backward()
    save("two_head", two, {"x": x, "target_a": target_a, "target_b": target_b}, loss, xin)


if __name__ == "__main__":
    main()
