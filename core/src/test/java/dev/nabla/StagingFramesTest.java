package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;

/**
 * {@link Staging}'s frames are reused per thread and per nesting depth (so an op allocates no staging objects), and
 * reuse never leaks one call's operands, staged copies or open state into the next.
 */
class StagingFramesTest {
    private final ReferenceBackend compute = new ReferenceBackend();
    private final Backend be = Backend.wrap(compute);

    @AfterEach
    void close() {
        be.close();
    }

    private long liveBuffers() {
        return compute.counters().get("liveBuffers");
    }

    @Test
    void aClosedFrameIsTheNextOneOpenedOnItsThread() {
        Staging a = Staging.open(be, "first");
        a.close();
        Staging b = Staging.open(be, "second");
        b.close();
        assertSame(a, b);
    }

    @Test
    void nestedFramesAreDistinctAndComeBackInOrder() {
        Staging outer = Staging.open(be, "outer");
        Staging inner = Staging.open(be, "inner");
        assertNotSame(outer, inner);
        inner.close();
        outer.close();
        try (Staging again = Staging.open(be, "again")) {
            assertSame(outer, again);
            try (Staging nested = Staging.open(be, "nested")) {
                assertSame(inner, nested);
            }
        }
    }

    @Test
    void aSecondCloseDoesNotFreeAFrameTwice() {
        Staging a = Staging.open(be, "a");
        a.close();
        a.close();                                   // must not hand the frame back twice
        try (Staging b = Staging.open(be, "b"); Staging c = Staging.open(be, "c")) {
            assertSame(a, b);
            assertNotSame(b, c);
        }
    }

    @Test
    void aFrameTakesMoreOperandsThanItsFirstCapacityAndForgetsThemOnClose() {
        Tensor[] ts = new Tensor[9];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = be.zeros(2, 3);
        }
        try (Staging st = Staging.open(be, "many")) {
            for (Tensor t : ts) {
                assertSame(t.state.buffer(), st.read(t));
            }
            assertSame(ts[4].state.buffer(), st.update(ts[4]));   // the same operand again: its entry
        }
        try (Staging st = Staging.open(be, "after")) {
            Tensor view = ts[0].sliceRows(1, 2);
            // a fresh frame: ts[0]'s entry from the last call is gone, so a written view of it is staged, not refused
            assertNotSame(ts[0].state.buffer(), st.write(view));
        }
        for (Tensor t : ts) {
            t.close();
        }
    }

    @Test
    void aRefusedCallReleasesItsStagedCopiesAndHandsItsFrameBack() {
        Tensor x = be.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor top = x.sliceRows(0, 2);
        Tensor bottom = x.sliceRows(1, 3);
        long live = liveBuffers();
        Staging failed = Staging.open(be, "overlap");
        try (failed) {
            failed.read(top);                        // staged: a copy of its own
            assertThrowsExactly(InvalidArgumentException.class, () -> failed.write(bottom));
        }
        assertEquals(live, liveBuffers());
        try (Staging next = Staging.open(be, "next")) {
            assertSame(failed, next);
        }
        Tensor out = top.add(1.0);                   // an op through the reused frame stages and computes as before
        assertArrayEquals(new float[] {2, 3, 4, 5}, out.toFloatArray());
        out.close();
        x.close();
    }

    @Test
    void eachThreadHasFramesOfItsOwn() throws Exception {
        Staging mine;
        try (Staging st = Staging.open(be, "main")) {
            mine = st;
        }
        Staging theirs = CompletableFuture.supplyAsync(() -> {
            try (Staging st = Staging.open(be, "other")) {
                return st;
            }
        }).get();
        assertNotSame(mine, theirs);
    }
}
