package dev.nabla.io;

import dev.nabla.DType;

/**
 * The element types a safetensors header may name, with their sizes in bytes. The loader knows all of them so it
 * can check every tensor's byte range. Nabla reads and writes F32 (FLOAT32), F64 (FLOAT64), I32 (INT32), BF16
 * (BFLOAT16) and F16 (FLOAT16), bit for bit, and
 * reads I64 into INT32 with a range check. Narrower integers are not read: widened to INT32 they would take more
 * memory than the file, which the reader promises never to allocate.
 */
enum SafetensorsDType {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    I64(8), U64(8), F64(8);

    private final int bytes;

    SafetensorsDType(int bytes) {
        this.bytes = bytes;
    }

    int bytes() {
        return bytes;
    }

    /** The dtype named exactly {@code name} (case-sensitive, as the format spells it), or null. */
    static SafetensorsDType parse(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The Nabla dtype this one reads into, or null when Nabla does not read it. */
    DType nabla() {
        return switch (this) {
            case F32 -> DType.FLOAT32;
            case F64 -> DType.FLOAT64;
            case BF16 -> DType.BFLOAT16;
            case F16 -> DType.FLOAT16;
            case I32, I64 -> DType.INT32;
            default -> null;
        };
    }

    /** The dtype Nabla writes for {@code dtype}. */
    static SafetensorsDType of(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> F32;
            case FLOAT64 -> F64;
            case INT32 -> I32;
            case BFLOAT16 -> BF16;
            case FLOAT16 -> F16;
        };
    }
}
