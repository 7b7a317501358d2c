package io.bgswap.spi;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;

import java.util.Objects;

/**
 * How a backend should open a model.
 *
 * @param device  where to run; an explicit device that cannot be used must fail with
 *                {@link ErrorCode#DEVICE_UNAVAILABLE}
 * @param threads CPU threads for one inference; 0 lets the backend choose
 */
public record SessionOptions(Device device, int threads) {
    public SessionOptions {
        Objects.requireNonNull(device, "device");
        if (threads < 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "threads must be >= 0, was " + threads);
        }
    }

    /** @return automatic device, backend's thread count */
    public static SessionOptions defaults() {
        return new SessionOptions(Device.AUTO, 0);
    }
}
