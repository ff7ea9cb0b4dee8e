package dev.nabla.spi;

import dev.nabla.DType;

/**
 * A backend's handle to one contiguous buffer of {@link #length()} elements of {@link #dtype()}.
 * Only the backend that allocated it may read it; core never looks inside.
 */
public interface DeviceBuffer {
    /**
     * The element type.
     *
     * @return the dtype
     */
    DType dtype();

    /**
     * The number of elements.
     *
     * @return the length in elements
     */
    long length();
}
