package dev.nabla.autograd;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.contract.AutogradCheck;
import dev.nabla.contract.RandomAutogradProgram;
import dev.nabla.contract.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 100 seeded random compositions of the autograd ops ({@link RandomAutogradProgram}: views, gathers with repeated
 * indices, broadcasts, concatenations, where, losses, and values reused in several places), each checked against
 * central differences in FLOAT64 on the reference backend, at points whose kinks are at least 1e-4 away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RandomCompositionGradientCheckTest {
    static final long SEED = 20261201L;
    private Backend be;

    @BeforeAll
    void start() {
        be = Backend.wrap(new ReferenceBackend());
    }

    @AfterAll
    void stop() {
        assertEquals(0, be.stats().liveTensors(), () -> "left alive: " + be.liveTensorDescriptions());
        be.close();
    }

    IntStream programs() {
        return IntStream.range(0, 100);
    }

    @ParameterizedTest(name = "program {0}")
    @MethodSource("programs")
    void gradientsMatchCentralDifferences(int index) {
        RandomAutogradProgram p = RandomAutogradProgram.drawAwayFromKinks(SEED, index, be, 1e-4);
        Tensor[] params = p.parameters(be, DType.FLOAT64);
        Tensor[] constants = p.constants(be, DType.FLOAT64);
        try {
            AutogradCheck.assertGradients(p.toString(), be,
                    v -> p.run(v, constants, new RandomAutogradProgram.Run()), params);
        } finally {
            RandomAutogradProgram.closeAll(params);
            RandomAutogradProgram.closeAll(constants);
        }
    }
}
