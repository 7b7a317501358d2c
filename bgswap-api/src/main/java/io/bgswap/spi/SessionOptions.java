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
 * @param threads CPU threads for one inference; 0 for the default, {@link #defaultThreads()}
 */
public record SessionOptions(Device device, int threads) {
    public SessionOptions {
        Objects.requireNonNull(device, "device");
        if (threads < 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "threads must be >= 0, was " + threads);
        }
    }

    /** @return automatic device, default thread count */
    public static SessionOptions defaults() {
        return new SessionOptions(Device.AUTO, 0);
    }

    /**
     * The intra-op thread count a backend gives one inference: {@link #threads()} when set, else
     * {@link #defaultThreads()}. Every backend uses this instead of its engine's own default, which
     * differs between engines and can be far from the cores the JVM may use (ONNX Runtime's own
     * choice ran {@code isnet-medium} 1.71x slower than two threads on a two-core machine).
     *
     * @return at least 1
     */
    public int intraOpThreads() {
        return threads > 0 ? threads : defaultThreads();
    }

    /**
     * The default number of intra-op threads for one inference: the processors available to the
     * JVM ({@link Runtime#availableProcessors()}, which respects container CPU limits).
     * Inferences that run at the same time share the cores instead of each taking all of them:
     * see {@link io.bgswap.segmentation.ModelSegmenter}.
     *
     * @return at least 1
     */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
