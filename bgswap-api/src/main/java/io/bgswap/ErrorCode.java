package io.bgswap;

/**
 * Machine-readable reason of a {@link BgSwapException}. Codes are stable across releases so that
 * callers (and the HTTP service) can branch on them.
 */
public enum ErrorCode {
    /** An argument or option has a value the library cannot use. */
    INVALID_ARGUMENT,
    /** The input is not an image, or its format is not supported. */
    UNSUPPORTED_IMAGE,
    /** The image file ends before its data does. */
    TRUNCATED_IMAGE,
    /** The image has more pixels than the configured limit allows. */
    IMAGE_TOO_LARGE,
    /** A named model is unknown, or not in the cache while offline. */
    MODEL_NOT_FOUND,
    /** A model file's bytes do not hash to the expected sha256. */
    CHECKSUM_MISMATCH,
    /** A model could not be fetched from its source. */
    DOWNLOAD_FAILED,
    /** A model file could not be read or imported (unknown operator, wrong shape, bad format). */
    UNSUPPORTED_MODEL,
    /** No backend on the classpath can serve the request. */
    BACKEND_NOT_FOUND,
    /** A device that was asked for explicitly cannot be used. */
    DEVICE_UNAVAILABLE,
    /** The inference engine failed while running a model. */
    INFERENCE_FAILED,
    /** A file could not be read or written. */
    IO_ERROR,
    /** The object was used after {@code close()}. */
    CLOSED
}
