"""Decodes -XX:+PrintAssembly output printed without hsdis (hex bytes) with objdump and prints, for every C2
nmethod of a micro-kernel, its innermost loops that hold packed FMAs: instruction count, FMAs, and stack accesses
(loads or stores at (%rsp): a spilled register). Usage: decode.py PRINT_OUTPUT [--quiet]"""
import re
import subprocess
import sys
import tempfile


def nmethods(text):
    for chunk in text.split("Compiled method")[1:]:
        head = " ".join(chunk.splitlines()[0].split())
        if "[MachCode]" not in chunk:
            continue
        start, data = None, bytearray()
        for line in chunk.split("[MachCode]")[1].split("[/MachCode]")[0].splitlines():
            m = re.match(r"\s*0x([0-9a-f]+): ([0-9a-f |]+)$", line)
            if not m:
                continue
            addr, hexes = int(m.group(1), 16), m.group(2).replace("|", "").replace(" ", "")
            if start is None:
                start = addr
            data = data[:addr - start] + b"\x90" * max(0, addr - start - len(data))
            data += bytes.fromhex(hexes)
        yield head, start, bytes(data)


def disassemble(start, data):
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "--adjust-vma=%#x" % start, f.name],
                             capture_output=True, text=True, check=True).stdout
    ins = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and re.match(r"\s+[0-9a-f]+:$", parts[0]):
            ins.append((int(parts[0].strip().rstrip(":"), 16), parts[-1].strip()))
    return ins


def fma_loops(ins):
    for addr, text in ins:
        m = re.match(r"j(?!mp)\w+\s+0x([0-9a-f]+)", text)
        if not m or int(m.group(1), 16) >= addr:
            continue
        body = [t for a, t in ins if int(m.group(1), 16) <= a <= addr]
        fmas = [t for t in body if re.match(r"vfmadd\d+p[sd]", t)]
        if fmas and len(body) <= 80:
            yield body, len(fmas), sum(1 for t in body if "(%rsp)" in t)


def main():
    quiet = "--quiet" in sys.argv
    worst = 0
    for head, start, data in nmethods(open(sys.argv[1]).read()):
        if "::kernel" not in head or " % " in head:     # OSR compilations are transient: skip them
            continue
        loops = list(fma_loops(disassemble(start, data)))
        if not loops:
            continue
        body, fmas, stack = min(loops, key=lambda l: len(l[0]))   # the innermost
        worst = max(worst, stack)
        print(f"{head}: inner loop {len(body)} instructions, {fmas} packed FMAs, {stack} stack accesses")
        if not quiet:
            print("\n".join("    " + t for t in body))
    sys.exit(1 if worst else 0)


if __name__ == "__main__":
    main()
