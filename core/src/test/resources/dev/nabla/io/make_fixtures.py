#!/usr/bin/env python3
"""Makes the weights-file fixtures that Nabla's dev.nabla.io tests read. Run from this directory:

    python3 make_fixtures.py        # NumPy (any 1.x/2.x) and PyTorch (for the torch_mlp files)

The outputs are committed, so the tests need neither Python nor this script. Without PyTorch the torch_mlp files
are left as committed and everything else is rewritten. NumPy writes every .npy byte for byte the same from
version to version, except reject_object.npy (a pickle, whose protocol follows the Python version).

* npy/*.npy are written by numpy.save / numpy.lib.format.write_array: several dtypes, both byte orders, both
  memory orders, ranks 0 to 3, format versions 1.0, 2.0 and 3.0, and dtypes Nabla must reject.
  Values follow formulas the Java tests recompute: value[k] = k/8 - 1 for floats (k = the row-major index),
  k - 5 for signed and k for unsigned integers, plus bit patterns (NaN payloads, a signaling NaN, -0, subnormals).
  Integers (read as INT32): every width in both byte orders, the int32 extremes stored as int64, NumPy's default
  integer dtype, and range_*.npy files each holding one value outside the int32 range at a known index.
* safetensors/*.safetensors are assembled here byte by byte from the format's published specification
  (https://github.com/huggingface/safetensors, "Format"): 8-byte little-endian u64 header length N, N bytes of
  UTF-8 JSON {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}} padded with
  spaces, then the byte buffer (offsets relative to its start, little-endian, row-major). The `safetensors` package
  is not available here; this writer shares no code with Nabla's.
* torch_mlp_f64/f32: a PyTorch MLP (Linear 4->3, Tanh, Linear 3->2, Sigmoid) exported with W = linear.weight.T
  (Nabla's [inputs, outputs] layout) and b = linear.bias, with an input batch and PyTorch's output as .npy files.
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
NPY = os.path.join(HERE, "npy")
ST = os.path.join(HERE, "safetensors")

# float32 / float64 bit patterns: +qNaN with payload, -qNaN with payload, a signaling NaN, -0, +0, the smallest
# subnormal, the largest finite, +inf, -inf, 1.0
F32_BITS = [0x7FC12345, 0xFFC00001, 0x7F800001, 0x80000000, 0x00000000, 0x00000001, 0x7F7FFFFF, 0x7F800000,
            0xFF800000, 0x3F800000]
F64_BITS = [0x7FF8000000012345, 0xFFF8000000000001, 0x7FF0000000000001, 0x8000000000000000, 0x0000000000000000,
            0x0000000000000001, 0x7FEFFFFFFFFFFFFF, 0x7FF0000000000000, 0xFFF0000000000000, 0x3FF0000000000000]


def ramp(shape, dtype):
    """value[k] = k/8 - 1 in row-major order (exact in every float type)."""
    n = int(np.prod(shape, dtype=np.int64))
    return (np.arange(n, dtype=np.float64) / 8 - 1).reshape(shape).astype(dtype)


def int_ramp(shape, dtype):
    n = int(np.prod(shape, dtype=np.int64))
    offset = 5 if np.dtype(dtype).kind == "i" else 0
    return (np.arange(n, dtype=np.int64) - offset).reshape(shape).astype(dtype)


def bits(pattern, uint, flt):
    """An array holding exactly these bit patterns (viewed, never converted, so NaN payloads survive)."""
    return np.array(pattern, dtype=uint).view(flt)


def save(name, array, version=None):
    path = os.path.join(NPY, name)
    if version is None:
        np.save(path, array, allow_pickle=False)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version, allow_pickle=False)


def make_npy():
    os.makedirs(NPY, exist_ok=True)
    for order in ("<", ">"):
        prefix = "" if order == "<" else "be_"
        for code in ("f4", "f8"):
            c = ramp((3, 4), order + code)
            save(f"{prefix}{code}_c.npy", c)
            f = np.asfortranarray(c)
            assert f.flags.f_contiguous and not f.flags.c_contiguous
            save(f"{prefix}{code}_f.npy", f)
        save(f"{prefix}special_f4.npy", bits(F32_BITS, order + "u4", order + "f4"))
        save(f"{prefix}special_f8.npy", bits(F64_BITS, order + "u8", order + "f8"))
    save("scalar_f8.npy", np.array(2.5, dtype="<f8"))
    save("vector_f4.npy", ramp((5,), "<f4"))
    save("empty_f8.npy", np.zeros((0, 3), dtype="<f8"))
    save("rank3_f4_f.npy", np.asfortranarray(ramp((2, 3, 4), "<f4")))
    save("v2_f4.npy", ramp((3, 4), "<f4"), version=(2, 0))
    save("v3_f8.npy", ramp((3, 4), "<f8"), version=(3, 0))
    for code in ("|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8"):
        save(f"int_{code[1:]}.npy", int_ramp((3, 4), code))
    save("int_be_i2_f.npy", np.asfortranarray(int_ramp((3, 4), ">i2")))
    save("int_be_i4.npy", int_ramp((3, 4), ">i4"))
    save("int_be_i8_f.npy", np.asfortranarray(int_ramp((3, 4), ">i8")))
    save("int_extremes_i4.npy", np.array([-2**31, 2**31 - 1, 0, -1], dtype="<i4"))
    save("int_extremes_i8.npy", np.array([-2**31, 2**31 - 1, 0, -1], dtype="<i8"))
    # labels as most NumPy code makes them: no dtype given, so the platform's default integer (int64 here)
    labels = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    assert labels.dtype.str == "<i8", labels.dtype.str
    save("labels_default_int.npy", labels)
    # one value outside the int32 range each; the comment gives its row-major index, [position] and value
    high = int_ramp((2, 3), "<i8")
    high[1, 0] = 2**31                                           # element 3, [1, 0]
    save("range_high_i8.npy", high)
    low = np.asfortranarray(int_ramp((2, 3), "<i8"))
    low[0, 2] = -2**31 - 1                                       # element 2, [0, 2]; position 4 in Fortran order
    save("range_low_i8_f.npy", low)
    save("range_min_be_i8.npy", np.array([0, 1, 2, -2**63], dtype=">i8"))   # element 3
    save("range_max_u8.npy", np.array([0, 1, 2**64 - 1], dtype="<u8"))       # element 2
    save("int_extremes_be_u4.npy", np.array([0, 2**32 - 1, 2**31, 1], dtype=">u4"))  # element 1 is out of range
    # dtypes Nabla rejects (with a typed error naming the dtype)
    save("reject_c8.npy", ramp((3, 4), "<f4").astype("<c8"))
    save("reject_b1.npy", np.array([True, False]))
    save("reject_unicode.npy", np.array(["abc", "de"]))
    save("reject_structured.npy", np.zeros(2, dtype=[("x", "<f4"), ("y", "<f8")]))
    np.save(os.path.join(NPY, "reject_object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)


def safetensors_bytes(tensors, metadata=None, key_order=None, pad=0):
    """tensors: list of (name, dtype, shape, raw little-endian bytes) in data order. key_order: names in header order."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    entries = {}
    offset = 0
    for name, dtype, shape, raw in tensors:
        entries[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    for name in key_order or [t[0] for t in tensors]:
        header[name] = entries[name]
    text = json.dumps(header, ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8 + pad)
    return struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors)


def le(array, code):
    return np.ascontiguousarray(array).astype("<" + code).tobytes()


def write(name, data):
    with open(os.path.join(ST, name), "wb") as f:
        f.write(data)


def make_safetensors():
    os.makedirs(ST, exist_ok=True)
    tensors = [
        ("matrix32", "F32", (3, 4), le(ramp((3, 4), "f4"), "f4")),
        ("special64", "F64", (10,), bits(F64_BITS, "<u8", "<f8").tobytes()),
        ("scalar64", "F64", (), le(np.array(2.5), "f8")),
        ("empty32", "F32", (0, 3), b""),
        ("rank3_64", "F64", (2, 3, 4), le(ramp((2, 3, 4), "f8"), "f8")),
        ("special32", "F32", (10,), bits(F32_BITS, "<u4", "<f4").tobytes()),
        ("na\u00efve \"quoted\" \u03c0", "F32", (5,), le(ramp((5,), "f4"), "f4")),
    ]
    # header keys in another order than the data, extra padding, metadata with non-ASCII text
    order = ["special32", "empty32", "matrix32", "rank3_64", "na\u00efve \"quoted\" \u03c0", "scalar64", "special64"]
    write("mixed.safetensors", safetensors_bytes(tensors, {"format": "pt", "note": "\u03c0 \u2248 3.14"}, order, 16))
    write("bf16.safetensors", safetensors_bytes([
        ("w", "F32", (2,), le(np.array([1.0, 2.0]), "f4")),
        ("half", "BF16", (2,), b"\x80\x3f\x00\x40"),
    ], {"format": "pt"}))
    write("empty.safetensors", safetensors_bytes([]))
    make_int_safetensors()
    try:
        import torch  # noqa: F401
    except ImportError:
        print("PyTorch is not installed: the torch_mlp_* fixtures are left as committed")
        return
    make_torch_mlp()


def make_int_safetensors():
    """I32 and I64 tensors (read as INT32), the data written by NumPy's tobytes: the values the Java tests expect."""
    extremes = [-2**31, 2**31 - 1, 0, -1]
    write("int.safetensors", safetensors_bytes([
        ("labels32", "I32", (8,), le(np.array([3, 1, 4, 1, 5, 9, 2, 6]), "i4")),
        ("matrix64", "I64", (3, 4), le(int_ramp((3, 4), "i8"), "i8")),
        ("extremes64", "I64", (4,), le(np.array(extremes), "i8")),
        ("extremes32", "I32", (4,), le(np.array(extremes), "i4")),
        ("scalar32", "I32", (), le(np.array(7), "i4")),
        ("empty64", "I64", (0, 3), b""),
        ("rank3_32", "I32", (2, 3, 4), le(int_ramp((2, 3, 4), "i4"), "i4")),
        ("x", "F32", (2,), le(ramp((2,), "f4"), "f4")),
    ], {"format": "np"}))
    big = int_ramp((2, 3), "i8")
    big[1, 1] = 2**31                                            # element 4, [1, 1]
    write("range_high_i64.safetensors", safetensors_bytes([
        ("ok", "I32", (2,), le(np.array([1, 2]), "i4")),
        ("big", "I64", (2, 3), le(big, "i8")),
    ]))
    write("range_min_i64.safetensors", safetensors_bytes([
        ("small", "I64", (4,), le(np.array([0, 0, -2**63, 0]), "i8")),            # element 2
    ]))


def make_torch_mlp():
    import torch

    for torch_dtype, code, st in ((torch.float64, "f8", "F64"), (torch.float32, "f4", "F32")):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2),
                                    torch.nn.Sigmoid()).to(torch_dtype)
        x = torch.randn(5, 4, generator=torch.Generator().manual_seed(1)).to(torch_dtype)
        with torch.no_grad():
            y = model(x)
        tensors = []
        for layer, linear in enumerate([model[0], model[2]]):
            w = linear.weight.detach().T.contiguous()      # torch stores [out, in]; Nabla [in, out]
            b = linear.bias.detach()
            tensors.append((f"dense.{layer}.weight", st, tuple(w.shape), le(w.numpy(), code)))
            tensors.append((f"dense.{layer}.bias", st, tuple(b.shape), le(b.numpy(), code)))
        suffix = "f64" if code == "f8" else "f32"
        write(f"torch_mlp_{suffix}.safetensors", safetensors_bytes(tensors, {"format": "pt"}))
        save(f"torch_mlp_{suffix}_x.npy", x.numpy().astype("<" + code))
        save(f"torch_mlp_{suffix}_y.npy", y.numpy().astype("<" + code))
        # the same network with torch's own [out, in] weights: Nabla must say it is transposed
        if code == "f8":
            t = [(n, d, s[::-1], r) if n.endswith("weight") else (n, d, s, r) for n, d, s, r in tensors]
            write("torch_mlp_transposed.safetensors", safetensors_bytes(t, {"format": "pt"}))


# float16 / bfloat16 bit patterns: +-0, +-inf, a quiet NaN with payload, a signaling NaN, -qNaN, the largest finite,
# the smallest subnormal and its negative, 1.0, the smallest normal
F16_BITS = [0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E01, 0x7C01, 0xFE00, 0x7BFF, 0x0001, 0x8001, 0x3C00, 0x0400]
BF16_BITS = [0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC1, 0x7F81, 0xFFC0, 0x7F7F, 0x0001, 0x8001, 0x3F80, 0x0080]


def bf16_bytes(values):
    """bfloat16 little-endian bytes of float32 values that bfloat16 holds exactly (the upper halves of the floats)."""
    u = np.ascontiguousarray(values, dtype="<f4").view("<u4")
    assert np.all(u & 0xFFFF == 0), "not exact in bfloat16"
    return (u >> 16).astype("<u2").tobytes()


def make_half():
    """float16 .npy files (read as FLOAT16) and BF16/F16 safetensors (read as BFLOAT16/FLOAT16), bit for bit."""
    save("f2_c.npy", ramp((3, 4), "<f2"))
    save("be_f2_f.npy", np.asfortranarray(ramp((3, 5), ">f2")))
    save("special_f2.npy", bits(F16_BITS, "<u2", "<f2"))
    write("half.safetensors", safetensors_bytes([
        ("bf16_matrix", "BF16", (3, 4), bf16_bytes(ramp((3, 4), "f4"))),
        ("f16_matrix", "F16", (3, 4), le(ramp((3, 4), "f2"), "f2")),
        ("bf16_special", "BF16", (12,), np.array(BF16_BITS, dtype="<u2").tobytes()),
        ("f16_special", "F16", (12,), np.array(F16_BITS, dtype="<u2").tobytes()),
        ("f16_scalar", "F16", (), le(np.array(-2.5), "f2")),
    ], {"format": "pt"}))


if __name__ == "__main__":
    make_npy()
    make_safetensors()
    make_half()
