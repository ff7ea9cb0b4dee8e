package dev.nabla.opencl;

import dev.nabla.DeviceException;
import dev.nabla.DeviceOutOfMemoryException;
import dev.nabla.InvalidDeviceException;
import org.jocl.CL;
import org.jocl.CLException;

/** Turns OpenCL status codes into Nabla's typed device errors, keeping the code's name and what was being done. */
final class ClErrors {
    private ClErrors() {
    }

    /** The typed exception for a failed OpenCL call made while doing {@code what}. */
    static RuntimeException translate(String what, CLException e) {
        int status = e.getStatus();
        String message = what + " failed: " + CL.stringFor_errorCode(status) + " (" + status + ") [opencl]";
        return switch (status) {
            case CL.CL_OUT_OF_RESOURCES, CL.CL_MEM_OBJECT_ALLOCATION_FAILURE, CL.CL_OUT_OF_HOST_MEMORY ->
                    new DeviceOutOfMemoryException(message, e);
            case CL.CL_INVALID_DEVICE, CL.CL_DEVICE_NOT_AVAILABLE, CL.CL_DEVICE_NOT_FOUND, CL.CL_INVALID_PLATFORM,
                 CL.CL_INVALID_CONTEXT, CL.CL_INVALID_COMMAND_QUEUE -> new InvalidDeviceException(message, e);
            default -> new DeviceException(message, e);
        };
    }

    /** Whether a status means the device ran out of memory (a pool drain and one retry may help). */
    static boolean isOutOfMemory(CLException e) {
        int s = e.getStatus();
        return s == CL.CL_OUT_OF_RESOURCES || s == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || s == CL.CL_OUT_OF_HOST_MEMORY;
    }
}
