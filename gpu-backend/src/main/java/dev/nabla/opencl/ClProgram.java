package dev.nabla.opencl;

import dev.nabla.DType;
import dev.nabla.KernelBuildException;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One built program (one precision) and its kernels, created once and reused; released newest first. */
final class ClProgram implements AutoCloseable {
    private final cl_program program;
    private final Map<String, cl_kernel> kernels = new LinkedHashMap<>();

    private ClProgram(cl_program program) {
        this.program = program;
    }

    /**
     * Builds {@code source} for {@code device} and creates the named kernels. A compile error becomes a
     * {@link KernelBuildException} carrying the compiler's build log and the program's name.
     */
    static ClProgram build(cl_context context, ClDevice device, String name, DType dtype, String source,
                           String options, List<String> kernelNames) {
        String text = FaultInjection.beforeBuild(source);
        cl_program p;
        try {
            p = CL.clCreateProgramWithSource(context, 1, new String[]{text}, null, null);
        } catch (CLException e) {
            throw ClErrors.translate("creating program " + name, e);
        }
        try {
            CL.clBuildProgram(p, 1, new org.jocl.cl_device_id[]{device.device()}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p, device);
            CL.clReleaseProgram(p);
            throw new KernelBuildException(name + " (" + dtype + ")", log, "building OpenCL program " + name + " ("
                    + dtype + ") for " + device.name() + " failed: " + CL.stringFor_errorCode(e.getStatus())
                    + " [opencl]; options: " + options);
        }
        ClProgram built = new ClProgram(p);
        try {
            for (String k : kernelNames) {
                built.kernels.put(k, CL.clCreateKernel(p, k, null));
            }
        } catch (CLException e) {
            built.close();
            throw ClErrors.translate("creating kernels of " + name, e);
        }
        return built;
    }

    cl_kernel kernel(String name) {
        cl_kernel k = kernels.get(name);
        if (k == null) {
            throw new IllegalStateException("kernel " + name + " was not created");
        }
        return k;
    }

    private static String buildLog(cl_program p, ClDevice device) {
        try {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(p, device.device(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(p, device.device(), CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            int n = log.length;
            while (n > 0 && log[n - 1] == 0) {
                n--;
            }
            return new String(log, 0, n, StandardCharsets.UTF_8);
        } catch (CLException e) {
            return "(no build log: " + CL.stringFor_errorCode(e.getStatus()) + ")";
        }
    }

    @Override
    public void close() {
        List<cl_kernel> list = new ArrayList<>(kernels.values());
        for (int i = list.size() - 1; i >= 0; i--) {
            CL.clReleaseKernel(list.get(i));
        }
        kernels.clear();
        CL.clReleaseProgram(program);
    }
}
