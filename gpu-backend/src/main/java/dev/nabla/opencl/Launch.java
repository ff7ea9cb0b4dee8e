package dev.nabla.opencl;

import dev.nabla.DType;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;

/** Sets a kernel's arguments in order and enqueues it; no waiting. */
final class Launch {
    private final cl_kernel kernel;
    private final DType dtype;
    private int index;

    Launch(cl_kernel kernel, DType dtype) {
        this.kernel = kernel;
        this.dtype = dtype;
    }

    Launch mem(ClBuffer b) {
        CL.clSetKernelArg(kernel, index++, Sizeof.cl_mem, Pointer.to(b.mem));
        return this;
    }

    Launch i32(int v) {
        CL.clSetKernelArg(kernel, index++, Sizeof.cl_int, Pointer.to(new int[]{v}));
        return this;
    }

    Launch i64(long v) {
        CL.clSetKernelArg(kernel, index++, Sizeof.cl_long, Pointer.to(new long[]{v}));
        return this;
    }

    /** A scalar of the program's precision. */
    Launch real(double v) {
        if (dtype == DType.FLOAT32) {
            CL.clSetKernelArg(kernel, index++, Sizeof.cl_float, Pointer.to(new float[]{(float) v}));
        } else {
            CL.clSetKernelArg(kernel, index++, Sizeof.cl_double, Pointer.to(new double[]{v}));
        }
        return this;
    }

    /** A __local buffer of {@code elements} reals. */
    /** A scalar of {@code bytes} (4: float, 8: double): the sums' accumulator type acc_t (prelude.cl). */
    Launch acc(double v, int bytes) {
        if (bytes == Sizeof.cl_float) {
            CL.clSetKernelArg(kernel, index++, Sizeof.cl_float, Pointer.to(new float[]{(float) v}));
        } else {
            CL.clSetKernelArg(kernel, index++, Sizeof.cl_double, Pointer.to(new double[]{v}));
        }
        return this;
    }

    /** Local memory for {@code elements} values of {@code bytes} each (acc_t scratch). */
    Launch local(long elements, int bytes) {
        CL.clSetKernelArg(kernel, index++, elements * bytes, null);
        return this;
    }

    Launch local(long elements) {
        CL.clSetKernelArg(kernel, index++, elements * dtype.bytes(), null);
        return this;
    }

    void run(cl_command_queue queue, long[] global, long[] local) {
        CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
    }
}
