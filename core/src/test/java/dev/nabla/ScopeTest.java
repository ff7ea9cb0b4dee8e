package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scopes close what was created inside them, except what is kept; nesting moves kept tensors outward. */
class ScopeTest {
    private Backend be;

    @BeforeEach
    void start() {
        be = Backend.wrap(new ReferenceBackend());
    }

    @AfterEach
    void stop() {
        be.close();
    }

    @Test
    void closesEverythingCreatedInsideExceptWhatIsKept() {
        Tensor outside = be.zeros(2, 2);
        Tensor kept;
        Tensor temp;
        try (Scope s = be.scope()) {
            temp = outside.add(outside);
            kept = s.keep(temp.relu());
            assertEquals(1, s.size());
        }
        assertTrue(temp.isClosed());
        assertFalse(kept.isClosed());
        assertFalse(outside.isClosed(), "tensors created before the scope are not its business");
        kept.close();
        outside.close();
        assertEquals(0, be.stats().liveTensors());
    }

    @Test
    void nestedScopesHandKeptTensorsToTheirParent() {
        Tensor fromInner;
        try (Scope outer = be.scope()) {
            try (Scope inner = be.scope()) {
                fromInner = inner.keep(be.zeros(3, 3));
            }
            assertFalse(fromInner.isClosed(), "kept by the inner scope");
            assertEquals(1, outer.size(), "now owned by the outer scope");
        }
        assertTrue(fromInner.isClosed(), "closed with the outer scope");
    }

    @Test
    void detachTakesATensorOutOfItsScope() {
        Tensor t;
        try (Scope s = be.scope()) {
            t = be.zeros(1, 1).detach();
            assertEquals(0, s.size());
        }
        assertFalse(t.isClosed());
        t.close();
    }

    @Test
    void closingTwiceAndClosingTensorsByHandIsFine() {
        Scope s = be.scope();
        Tensor t = be.zeros(2, 2);
        t.close();
        assertEquals(0, s.size(), "a tensor closed by hand leaves its scope");
        s.close();
        s.close();
        assertEquals(0, be.stats().liveTensors());
    }

    @Test
    void scopesArePerThread() throws Exception {
        try (Scope s = be.scope()) {
            Tensor[] other = new Tensor[1];
            Thread th = new Thread(() -> other[0] = be.zeros(2, 2));
            th.start();
            th.join();
            assertEquals(0, s.size(), "a tensor created on another thread is not this thread's scope's");
            other[0].close();
        }
    }
}
