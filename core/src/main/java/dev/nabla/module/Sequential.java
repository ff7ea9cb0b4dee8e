package dev.nabla.module;

import dev.nabla.Backend;
import dev.nabla.InvalidArgumentException;
import dev.nabla.autograd.Var;
import dev.nabla.nn.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied one after another, as {@code torch.nn.Sequential}: forward(x) = mₖ(…m₁(m₀(x))). The children are
 * named {@code "0"}, {@code "1"}, … so the parameters are {@code "0.weight"}, {@code "0.bias"}, {@code "2.weight"}, …
 * as in PyTorch's state dict. An empty Sequential is the identity. The Sequential owns its modules.
 */
public final class Sequential extends Module {
    private final List<Module> modules;

    /**
     * The modules in order; the Sequential takes ownership of them.
     *
     * @param modules the modules (none for the identity); each once
     */
    public Sequential(Module... modules) {
        if (modules == null) {
            throw new InvalidArgumentException("Sequential: the modules are null");
        }
        this.modules = new ArrayList<>(modules.length);
        for (int i = 0; i < modules.length; i++) {
            this.modules.add(addChild(Integer.toString(i), modules[i]));
        }
    }

    /**
     * Each module in turn. A {@link Linear} directly followed by {@link ReLU}, {@link Sigmoid} or {@link Tanh} runs as
     * one fused op ({@link Var#linearTransB}): the same values and gradients as the two modules one after the other,
     * without the pre-activation tensor, the separate bias and activation passes and their backward copies.
     */
    @Override
    protected Var compute(Var x) {
        Var y = x;
        for (int i = 0; i < modules.size(); i++) {
            Module m = modules.get(i);
            Activation fused = m instanceof Linear && i + 1 < modules.size() ? fusable(modules.get(i + 1)) : null;
            if (fused != null) {
                modules.get(i + 1).checkOpen("forward");
                y = ((Linear) m).activated(y, fused);
                i++;
            } else {
                y = m.forward(y);
            }
        }
        return y;
    }

    /** The activation an activation module applies, or null when {@code m} is anything else. */
    private static Activation fusable(Module m) {
        if (m instanceof ReLU) {
            return Activation.RELU;
        }
        if (m instanceof Sigmoid) {
            return Activation.SIGMOID;
        }
        return m instanceof Tanh ? Activation.TANH : null;
    }

    /**
     * The module at {@code index}.
     *
     * @param index 0 ≤ index &lt; size()
     * @return the module
     */
    public Module get(int index) {
        if (index < 0 || index >= modules.size()) {
            throw new dev.nabla.IndexOutOfRangeException("Sequential.get: index " + index + " is outside [0, "
                    + modules.size() + ")");
        }
        return modules.get(index);
    }

    /**
     * The number of modules.
     *
     * @return the count
     */
    public int size() {
        return modules.size();
    }

    /**
     * A Sequential of each module's copy on {@code target}.
     *
     * @param target the backend of the copy
     * @return the copy
     */
    @Override
    public Sequential copyTo(Backend target) {
        checkOpen("copyTo");
        Module[] copies = new Module[modules.size()];
        try {
            for (int i = 0; i < copies.length; i++) {
                copies[i] = modules.get(i).copyTo(target);
            }
        } catch (RuntimeException | Error e) {
            for (Module c : copies) {
                if (c != null) {
                    c.close();
                }
            }
            throw e;
        }
        return withModeOf(new Sequential(copies));
    }
}
