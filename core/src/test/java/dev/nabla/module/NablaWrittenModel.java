package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.DType;
import dev.nabla.contract.ReferenceBackend;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The model whose Nabla-written state dict PyTorch loads in make_module_fixtures.py (the Nabla → PyTorch direction):
 * Sequential(Linear(3, 4), ReLU, Linear(4, 2)) in FLOAT64 from fixed seeds. {@link #main} writes it:
 *
 * <pre>
 * mvn -B -ntp -o -q -pl core -am test-compile
 * java -cp core/target/classes:core/target/test-classes dev.nabla.module.NablaWrittenModel \
 *     core/src/test/resources/dev/nabla/module/nabla_written.safetensors
 * </pre>
 *
 * {@code ModuleTorchFixturesTest} rebuilds it and checks that Nabla still writes that file byte for byte.
 */
final class NablaWrittenModel {
    private NablaWrittenModel() {
    }

    static Sequential build(Backend be) {
        return new Sequential(new Linear(3, 4, be, 31, DType.FLOAT64), new ReLU(),
                new Linear(4, 2, be, 32, DType.FLOAT64));
    }

    public static void main(String[] args) throws IOException {
        try (Backend be = Backend.wrap(new ReferenceBackend()); Sequential m = build(be)) {
            m.save(Path.of(args[0]));
        }
    }
}
