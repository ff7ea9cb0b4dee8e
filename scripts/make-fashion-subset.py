#!/usr/bin/env python3
"""Makes the small Fashion-MNIST subset bundled in nabla-benchmarks, so `nabla train` works without the data set.

Reads the real IDX gzip files (Debian's dataset-fashion-mnist installs them in /usr/share/datasets/fashion-mnist)
and writes the same four file names, in the same IDX format, gzipped, holding the first PER_CLASS_TRAIN training and
PER_CLASS_TEST test images of each of the 10 classes, in their original order. The output is byte-for-byte
reproducible (gzip mtime 0), so re-running it changes nothing.

    scripts/make-fashion-subset.py [SOURCE_DIR [OUT_DIR]]
"""
import gzip
import os
import struct
import sys

PER_CLASS_TRAIN = 50
PER_CLASS_TEST = 20
CLASSES = 10
SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    ROOT, "benchmarks/src/main/resources/dev/nabla/bench/data/fashion-mnist-subset")


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    got, = struct.unpack(">I", data[:4])
    if got != magic:
        sys.exit(f"{path}: magic {got:#010x}, expected {magic:#010x}")
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


def write_idx(path, magic, dims, body):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + body)


def subset(prefix, per_class):
    (n, rows, cols), pixels = read_idx(os.path.join(SOURCE, prefix + "-images-idx3-ubyte.gz"), 0x803)
    (n_labels,), labels = read_idx(os.path.join(SOURCE, prefix + "-labels-idx1-ubyte.gz"), 0x801)
    if n != n_labels:
        sys.exit(f"{prefix}: {n} images but {n_labels} labels")
    size = rows * cols
    taken = {c: 0 for c in range(CLASSES)}
    chosen = []
    for i in range(n):
        if taken[labels[i]] < per_class:
            taken[labels[i]] += 1
            chosen.append(i)
    write_idx(os.path.join(OUT, prefix + "-images-idx3-ubyte.gz"), 0x803, (len(chosen), rows, cols),
              b"".join(pixels[i * size:(i + 1) * size] for i in chosen))
    write_idx(os.path.join(OUT, prefix + "-labels-idx1-ubyte.gz"), 0x801, (len(chosen),),
              bytes(labels[i] for i in chosen))
    print(f"{prefix}: {len(chosen)} of {n} images ({per_class} per class)")


os.makedirs(OUT, exist_ok=True)
subset("train", PER_CLASS_TRAIN)
subset("t10k", PER_CLASS_TEST)
