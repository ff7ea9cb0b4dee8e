package dev.nabla;

/** A device kernel that failed to compile; carries the kernel (or program) name and the compiler's build log. */
public class KernelBuildException extends DeviceException {
    private final String kernelName;
    private final String buildLog;

    public KernelBuildException(String kernelName, String buildLog, String message) {
        super(message + "\n--- build log of " + kernelName + " ---\n" + buildLog);
        this.kernelName = kernelName;
        this.buildLog = buildLog;
    }

    public String kernelName() {
        return kernelName;
    }

    public String buildLog() {
        return buildLog;
    }
}
