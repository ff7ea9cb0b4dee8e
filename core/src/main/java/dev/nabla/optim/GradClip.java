package dev.nabla.optim;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.autograd.Var;
import dev.nabla.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Gradient clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_} (the 2-norm). */
public final class GradClip {
    /** PyTorch's guard against dividing by a zero norm: coef = max/(norm + 1e-6). */
    static final double EPSILON = 1e-6;

    private GradClip() {
    }

    /**
     * Scales every gradient in place so that their global 2-norm is at most {@code maxNorm}: with
     * ‖g‖ = √(Σ over every gradient of Σ g²), each g ← g·min(1, maxNorm/(‖g‖ + 1e-6)). Parameters whose gradient
     * is null are skipped. The sums of squares are computed and added on the device (in FLOAT64 when a gradient is
     * FLOAT64, else in FLOAT32) and one number, ‖g‖, is read back. As in PyTorch, a NaN or infinite norm is returned
     * and applied as it is (the gradients become NaN, or 0 where finite for an infinite norm); PyTorch also computes
     * the norm as the norm of per-tensor norms, which equals √(Σ g²) up to rounding, and the factor in the gradients'
     * dtype where this computes it in double.
     *
     * @param parameters the parameters by name (leaves made with {@code Var.parameter}, one backend)
     * @param maxNorm the largest norm allowed, finite and &gt; 0
     * @return ‖g‖, the total norm before clipping (0 when no parameter has a gradient)
     */
    public static double clipGradNorm(Map<String, Var> parameters, double maxNorm) {
        String op = "clipGradNorm";
        HyperParameters.positive(op, "max norm", maxNorm);
        NamedParameters ps = NamedParameters.of(op, parameters);
        ps.checkOpen(op);
        List<Tensor> grads = new ArrayList<>();
        DType acc = DType.FLOAT32;
        for (Var p : ps.byName.values()) {
            Tensor g = p.grad();
            if (g != null) {
                grads.add(g);
                if (g.dtype() == DType.FLOAT64) {
                    acc = DType.FLOAT64;
                }
            }
        }
        if (grads.isEmpty()) {
            return 0.0;
        }
        DType sumType = acc;
        return ps.backend.asCall(op, () -> {
            double norm;
            try (Tensor total = ps.backend.zeros(1, 1, sumType)) {
                for (Tensor g : grads) {
                    try (Tensor sq = g.square(); Tensor s = sq.sum();
                         Tensor part = s.dtype() == sumType ? null : s.cast(sumType)) {
                        total.axpyInPlace(1.0, part == null ? s : part);
                    }
                }
                try (Tensor root = total.sqrt()) {
                    norm = root.item();
                }
            }
            double coef = maxNorm / (norm + EPSILON);
            if (!(coef >= 1.0)) {       // also NaN, as PyTorch's clamp(coef, max=1) keeps it
                for (Tensor g : grads) {
                    ps.backend.ops().unary(UnaryOp.SCALE, coef, g, g);
                }
            }
            return norm;
        });
    }
}
