package dev.nabla;

/**
 * A replica of a data-parallel step failed ({@code dev.nabla.parallel.DataParallel}): the message names the user's
 * call, the replica's index, its backend and the stage, and the replica's own error is the cause.
 *
 * <p>What the failure left behind depends on the {@link #stage()}:
 * <ul>
 *   <li>{@link Stage#GRADIENTS}: a replica failed while computing its shard's gradients (its shard's copy, forward,
 *       backward, read back). Nothing changed: every replica's weights and the optimizer's state are as before the
 *       call, and the same call can be retried.</li>
 *   <li>{@link Stage#UPDATE}: the optimizer failed on replica 0 (the master) while applying the combined gradients.
 *       Replica 0 and the optimizer are as a failed {@code Network.trainStep} leaves them; the other replicas receive
 *       replica 0's weights before the next step.</li>
 *   <li>{@link Stage#BROADCAST}: the update was applied on replica 0 and in the optimizer (the step counts as taken),
 *       but its weights did not reach this replica (or could not be read from replica 0); they are sent again,
 *       to every replica, before the next step.</li>
 * </ul>
 */
public class ReplicaFailedException extends NablaException {
    /** Where in a data-parallel step a replica failed. */
    public enum Stage {
        /** Computing the shard's gradients: nothing changed. */
        GRADIENTS,
        /** Applying the combined gradients on replica 0. */
        UPDATE,
        /** Sending replica 0's new weights to the other replicas. */
        BROADCAST
    }

    /** The user's call that failed. */
    private final String call;
    /** The failed replica's index. */
    private final int replica;
    /** The failed replica's backend name. */
    private final String backendName;
    /** Where in the step it failed. */
    private final Stage stage;

    /**
     * An exception for replica {@code replica} on backend {@code backendName}.
     *
     * @param call the user's call, e.g. {@code DataParallel.trainStep}
     * @param replica the failed replica's index, from 0
     * @param replicas how many replicas the step ran on
     * @param backendName the failed replica's backend
     * @param stage where in the step it failed
     * @param cause the replica's own error
     */
    public ReplicaFailedException(String call, int replica, int replicas, String backendName, Stage stage,
                                  Throwable cause) {
        super(call + ": replica " + replica + " of " + replicas + " [" + backendName + "] failed " + describe(stage)
                + ": " + (cause == null ? "no cause" : cause.getClass().getSimpleName() + ": " + cause.getMessage()),
                cause);
        this.call = call;
        this.replica = replica;
        this.backendName = backendName;
        this.stage = stage;
    }

    private static String describe(Stage stage) {
        return switch (stage) {
            case GRADIENTS -> "while computing its shard's gradients (no weights and no optimizer state changed)";
            case UPDATE -> "while applying the combined gradients (the other replicas get replica 0's weights before "
                    + "the next step)";
            case BROADCAST -> "while receiving replica 0's new weights (the step was taken on replica 0; its weights "
                    + "are sent to every replica before the next step)";
        };
    }

    /**
     * The user's call that failed.
     *
     * @return e.g. {@code DataParallel.trainStep}
     */
    public String call() {
        return call;
    }

    /**
     * The failed replica's index.
     *
     * @return 0 for the master, up to k − 1
     */
    public int replica() {
        return replica;
    }

    /**
     * The failed replica's backend.
     *
     * @return its name, e.g. {@code opencl}
     */
    public String backendName() {
        return backendName;
    }

    /**
     * Where in the step it failed, and so what changed.
     *
     * @return the stage
     */
    public Stage stage() {
        return stage;
    }
}
