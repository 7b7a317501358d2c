package io.bgswap;

import java.util.Objects;

/**
 * The one exception type of bgswap. It is unchecked and carries an {@link ErrorCode} that tells
 * the reason in a machine-readable way; the message says what to do about it.
 */
public class BgSwapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * @param code    the reason
     * @param message what went wrong and, where possible, how to fix it
     */
    public BgSwapException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * @param code    the reason
     * @param message what went wrong and, where possible, how to fix it
     * @param cause   the underlying failure
     */
    public BgSwapException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** @return the machine-readable reason */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return "BgSwapException[" + code + "]: " + getMessage();
    }
}
