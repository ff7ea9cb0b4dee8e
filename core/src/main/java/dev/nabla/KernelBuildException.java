package dev.nabla;

/** A device kernel that failed to compile; carries the kernel (or program) name and the compiler's build log. */
public class KernelBuildException extends DeviceException {
    /** The kernel or program that failed to build. */
    private final String kernelName;
    /** The compiler's build log. */
    private final String buildLog;

    /**
     * An exception whose message ends with the build log.
     *
     * @param kernelName the kernel or program that failed to build
     * @param buildLog the compiler's build log
     * @param message what was being built, and on which backend and device
     */
    public KernelBuildException(String kernelName, String buildLog, String message) {
        super(message + "\n--- build log of " + kernelName + " ---\n" + buildLog);
        this.kernelName = kernelName;
        this.buildLog = buildLog;
    }

    /**
     * The kernel or program that failed to build.
     *
     * @return its name
     */
    public String kernelName() {
        return kernelName;
    }

    /**
     * The compiler's build log.
     *
     * @return the log, as the driver gave it
     */
    public String buildLog() {
        return buildLog;
    }
}
