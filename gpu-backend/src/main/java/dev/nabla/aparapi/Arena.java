package dev.nabla.aparapi;

import java.util.Map;
import java.util.TreeMap;

/**
 * First-fit allocator of element ranges in one arena of {@link #capacity()} elements. [0, reserved) is never handed
 * out (the reduction partials live there); every range starts at a multiple of {@code align} and is rounded up to
 * one. Freed ranges merge with free neighbours, so a training loop that frees and allocates the same sizes reuses
 * the same ranges. Not thread-safe: the launcher that owns it serializes access.
 */
final class Arena {
    private final int reserved;
    private final int align;
    /** Free ranges: start → length, never adjacent (merged on free). */
    private final TreeMap<Integer, Integer> free = new TreeMap<>();
    private int capacity;
    private long used;

    Arena(int capacity, int reserved, int align) {
        if (reserved % align != 0 || capacity < reserved) {
            throw new IllegalArgumentException("arena: reserved " + reserved + " must be a multiple of " + align
                    + " and at most the capacity " + capacity);
        }
        this.reserved = reserved;
        this.align = align;
        this.capacity = capacity;
        if (capacity > reserved) {
            free.put(reserved, capacity - reserved);
        }
    }

    int capacity() {
        return capacity;
    }

    /** Elements handed out and not yet freed (rounded up to the alignment). */
    long used() {
        return used;
    }

    /** Elements a range of {@code length} occupies. */
    long footprint(long length) {
        return (length + align - 1) / align * align;
    }

    /** The start of a free range of {@code length} ≥ 1 elements, or −1 when none is large enough. */
    int allocate(int length) {
        long size = footprint(length);
        for (Map.Entry<Integer, Integer> e : free.entrySet()) {
            if (e.getValue() >= size) {
                int start = e.getKey();
                free.remove(start);
                if (e.getValue() > size) {
                    free.put((int) (start + size), (int) (e.getValue() - size));
                }
                used += size;
                return start;
            }
        }
        return -1;
    }

    /** Gives back the range allocated at {@code start} for {@code length} elements. */
    void free(int start, int length) {
        int size = (int) footprint(length);
        Integer before = free.floorKey(start);
        if (start < reserved || start + (long) size > capacity
                || (before != null && before + (long) free.get(before) > start)) {
            throw new IllegalStateException("arena: [" + start + ", " + (start + (long) size)
                    + ") is not an allocated range (double release?)");
        }
        used -= size;
        int s = start;
        int len = size;
        if (before != null && before + free.get(before) == s) {
            s = before;
            len += free.remove(before);
        }
        Integer after = free.ceilingKey(start);
        if (after != null && after < start + (long) size) {
            throw new IllegalStateException("arena: [" + start + ", " + (start + size) + ") overlaps a free range");
        }
        if (after != null && after == start + size) {
            len += free.remove(after);
        }
        free.put(s, len);
    }

    /** Enlarges the arena to {@code newCapacity} elements; existing ranges keep their starts. */
    void grow(int newCapacity) {
        if (newCapacity <= capacity) {
            return;
        }
        Map.Entry<Integer, Integer> last = free.lastEntry();
        if (last != null && last.getKey() + (long) last.getValue() == capacity) {
            free.put(last.getKey(), last.getValue() + (newCapacity - capacity));
        } else {
            free.put(capacity, newCapacity - capacity);
        }
        capacity = newCapacity;
    }

    /** The largest free range, in elements. */
    int largestFree() {
        int best = 0;
        for (int len : free.values()) {
            best = Math.max(best, len);
        }
        return best;
    }
}
