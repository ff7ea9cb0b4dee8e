package dev.nabla.optim;

import dev.nabla.autograd.Var;
import dev.nabla.io.HostTensor;
import dev.nabla.io.Safetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An optimizer over named parameters (PyTorch's {@code torch.optim.Optimizer} with one parameter group): each
 * {@link #step()} updates every parameter's {@link Var#value()} in place from its {@link Var#grad()}, skipping the
 * parameters whose gradient is null. Its state (momentum buffers, moments, step counts) lives on the parameters'
 * backend; {@link #close()} frees it. The parameters stay the caller's: closing the optimizer closes neither them nor
 * their gradients.
 *
 * <p>{@link #stateDict()} and {@link #loadStateDict} save and restore the state bit for bit (with the model's
 * parameters, a resumed run continues exactly as one run straight through would); {@link #save} and {@link #load}
 * write and read it as a safetensors file.
 */
public interface Optimizer extends AutoCloseable {

    /**
     * Updates every parameter that has a gradient (one optimization step). All state a parameter needs for the first
     * time is allocated before any parameter changes, so a failed allocation leaves every parameter as it was.
     * Throws {@link dev.nabla.TensorClosedException} when a parameter (or its gradient) or this optimizer is closed.
     */
    void step();

    /**
     * Frees every parameter's gradient ({@link Var#zeroGrad()}): the next backward starts them afresh, as PyTorch's
     * {@code zero_grad()} (set_to_none).
     */
    void zeroGrad();

    /**
     * The learning rate the next {@link #step()} uses.
     *
     * @return lr
     */
    double learningRate();

    /**
     * Sets the learning rate of the next steps (what a {@link LrScheduler} does each step).
     *
     * @param lr the learning rate, finite and ≥ 0
     */
    void learningRate(double lr);

    /**
     * The parameters, by name, in the order given (an unmodifiable snapshot taken at construction).
     *
     * @return the parameters
     */
    Map<String, Var> parameters();

    /**
     * The optimizer's state on the host, in a fixed order: {@code param_groups.<setting>} (FLOAT64 scalars: the
     * learning rate and every other hyper-parameter) and, for each parameter that has been updated,
     * {@code state.<name>.step} (a FLOAT64 scalar, exact up to 2⁵³) and {@code state.<name>.<slot>} (the parameter's
     * shape and dtype, e.g. {@code momentum_buffer}, {@code exp_avg}, {@code exp_avg_sq}). Reads each state tensor
     * back from the device once.
     *
     * @return a new map, in that order
     */
    Map<String, HostTensor> stateDict();

    /**
     * Restores a state that {@link #stateDict()} of an optimizer of the same kind and settings made, for parameters
     * of the same names, shapes and dtypes: the learning rate is taken from it; every other hyper-parameter must
     * equal this optimizer's. Throws {@link dev.nabla.io.WeightsMismatchException} listing every entry missing,
     * extra or of the wrong shape, dtype or value; then nothing has changed.
     *
     * @param state the state, by name
     */
    void loadStateDict(Map<String, HostTensor> state);

    /**
     * Writes {@link #stateDict()} to a safetensors file, atomically.
     *
     * @param file the file
     * @throws IOException when it cannot be written
     */
    default void save(Path file) throws IOException {
        Safetensors.write(file, stateDict(), Map.of("nabla.optimizer", toString()));
    }

    /**
     * Reads a file {@link #save} wrote and restores it ({@link #loadStateDict}).
     *
     * @param file the file
     * @throws IOException when it cannot be read
     */
    default void load(Path file) throws IOException {
        loadStateDict(Safetensors.read(file));
    }

    /** Frees the state tensors. Idempotent; the parameters and their gradients are not touched. */
    @Override
    void close();
}
