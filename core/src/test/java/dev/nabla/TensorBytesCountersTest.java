package dev.nabla;

import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link BackendStats}' byte counters: element bytes (elements × {@link DType#bytes()}) of every tensor created, of
 * the live ones, and the most that were live at once; views count nothing, closing lowers only the live count.
 */
class TensorBytesCountersTest {

    private static void assertBytes(Backend be, long allocated, long live, long peak, String when) {
        BackendStats s = be.stats();
        assertEquals(allocated, s.tensorBytesAllocated(), "tensorBytesAllocated " + when);
        assertEquals(live, s.liveTensorBytes(), "liveTensorBytes " + when);
        assertEquals(peak, s.peakLiveTensorBytes(), "peakLiveTensorBytes " + when);
    }

    @Test
    void countElementBytesOfEveryDTypeAndForgetClosedTensors() {
        try (Backend be = Backend.wrap(new ReferenceBackend())) {
            assertBytes(be, 0, 0, 0, "of a new backend");
            Tensor f32 = be.zeros(3, 4);                                     // 12 × 4
            Tensor bf16 = be.fromArray(new double[10], 2, 5, DType.BFLOAT16); // 10 × 2
            Tensor f64 = be.fromArray(new double[]{1}, 1, 1, DType.FLOAT64);  // 1 × 8
            Tensor i32 = be.fromArray(new int[]{1, 2, 3}, 1, 3);             // 3 × 4
            assertBytes(be, 48 + 20 + 8 + 12, 88, 88, "after four tensors");
            Tensor view = f32.sliceRows(1, 3);
            assertBytes(be, 88, 88, 88, "after a view");
            view.close();
            f32.close();
            bf16.close();
            assertBytes(be, 88, 20, 88, "after closing two");
            Tensor fp16 = be.fromArray(new double[6], 2, 3, DType.FLOAT16);   // 6 × 2
            assertBytes(be, 100, 32, 88, "after one more");
            fp16.close();
            f64.close();
            i32.close();
            assertBytes(be, 100, 0, 88, "after closing every tensor");
        }
    }
}
