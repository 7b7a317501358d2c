package io.bgswap.server;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

/**
 * An answer other than success: HTTP status, a stable error code and a message for the caller.
 * The codes are the library's {@link ErrorCode} names, plus a few of the service's own
 * ({@code BUSY}, {@code TIMEOUT}, {@code PAYLOAD_TOO_LARGE}, {@code NOT_FOUND},
 * {@code METHOD_NOT_ALLOWED}, {@code SHUTTING_DOWN}, {@code INTERNAL}). Immutable.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    HttpError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static HttpError busy() {
        return new HttpError(503, "BUSY", "All workers are busy and the queue is full; retry later");
    }

    static HttpError shuttingDown() {
        return new HttpError(503, "SHUTTING_DOWN", "The service is shutting down");
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, ErrorCode.INVALID_ARGUMENT.name(), message);
    }

    /**
     * @param e a library failure
     * @return the answer for it
     */
    static HttpError of(BgSwapException e) {
        return new HttpError(status(e.code()), e.code().name(), e.getMessage());
    }

    /**
     * @param code a library error code
     * @return the HTTP status it is answered with
     */
    static int status(ErrorCode code) {
        switch (code) {
            case INVALID_ARGUMENT:
            case TRUNCATED_IMAGE:
                return 400;
            case MODEL_NOT_FOUND:
                return 404;
            case UNSUPPORTED_IMAGE:
                return 415;
            case IMAGE_TOO_LARGE:
                return 422;
            case CLOSED:
                return 503;
            default:
                return 500;
        }
    }
}
