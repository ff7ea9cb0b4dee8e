package dev.nabla.parallel;

import dev.nabla.Backend;
import dev.nabla.BackendClosedException;
import dev.nabla.InvalidArgumentException;
import dev.nabla.Tensor;

import java.util.List;

/** What {@link DataParallel} and {@link ModuleDataParallel} share: the backend-list checks and error tags. */
final class Replicas {
    private Replicas() {
    }

    /** Every backend non-null and open; the error names {@code call} and the backend's index. */
    static void checkBackends(String call, List<Backend> backends) {
        for (int i = 0; i < backends.size(); i++) {
            Backend b = backends.get(i);
            if (b == null) {
                throw new InvalidArgumentException(call + ": backend " + i + " of " + backends.size() + " is null");
            }
            if (b.isClosed()) {
                throw new BackendClosedException(call + ": backend " + i + " (" + b.name() + ") is closed");
            }
        }
    }

    /** {@code " [cpu, cpu, opencl]"}: the replicas' backends, for error messages. */
    static String tags(List<Backend> backends) {
        StringBuilder sb = new StringBuilder(" [");
        for (int i = 0; i < backends.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(backends.get(i).name());
        }
        return sb.append(']').toString();
    }

    static void closeQuietly(Tensor t) {
        if (t != null) {
            t.close();
        }
    }
}
