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

    /**
     * The start of the first free range of {@code length} ≥ 1 elements (first fit), or −1 when none is large enough.
     * A free range [s, s + n) that serves footprint f becomes [s + f, s + n) when n > f.
     */
    int allocate(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("arena: a range has at least 1 element, asked for " + length);
        }
        long size = footprint(length);
        for (Map.Entry<Integer, Integer> e : free.entrySet()) {
            // Read key and value before touching the map: TreeMap.remove may recycle this entry's node for its
            // successor (a node with two children takes over the successor's key and value), so e would then
            // describe another range (issue 12: overlapping tensors).
            int start = e.getKey();
            int available = e.getValue();
            if (available >= size) {
                free.remove(start);
                if (available > size) {
                    free.put((int) (start + size), (int) (available - size));
                }
                used += size;
                return start;
            }
        }
        return -1;
    }

    /**
     * Gives back the range allocated at {@code start} for {@code length} elements, merging it with a free range that
     * ends at {@code start} and one that begins at its end. The range is checked against the free list before anything
     * changes, so a bad release throws and leaves the arena as it was.
     */
    void free(int start, int length) {
        long size = footprint(length);
        long end = start + size;
        Map.Entry<Integer, Integer> before = free.floorEntry(start);
        Map.Entry<Integer, Integer> after = free.ceilingEntry(start);
        int beforeStart = before == null ? -1 : before.getKey();
        long beforeEnd = before == null ? -1 : beforeStart + (long) before.getValue();
        int afterStart = after == null ? -1 : after.getKey();
        long afterEnd = after == null ? -1 : afterStart + (long) after.getValue();
        if (length < 1 || start < reserved || start % align != 0 || end > capacity
                || (before != null && beforeEnd > start)) {
            throw new IllegalStateException("arena: [" + start + ", " + end
                    + ") is not an allocated range (double release?)");
        }
        if (after != null && afterStart < end) {
            throw new IllegalStateException("arena: [" + start + ", " + end + ") overlaps a free range");
        }
        used -= size;
        int s = start;
        long e = end;
        if (before != null && beforeEnd == start) {
            s = beforeStart;
            free.remove(beforeStart);
        }
        if (after != null && afterStart == end) {
            e = afterEnd;
            free.remove(afterStart);
        }
        free.put(s, (int) (e - s));
    }

    /** Enlarges the arena to {@code newCapacity} elements; existing ranges keep their starts. */
    void grow(int newCapacity) {
        if (newCapacity <= capacity) {
            return;
        }
        Map.Entry<Integer, Integer> last = free.lastEntry();
        if (last != null && last.getKey() + (long) last.getValue() == capacity) {
            free.put(last.getKey(), last.getValue() + (newCapacity - capacity));    // (lastEntry is a snapshot)
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
