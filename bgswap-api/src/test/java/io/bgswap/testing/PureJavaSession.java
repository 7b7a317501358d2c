package io.bgswap.testing;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.TensorLayout;
import io.bgswap.spi.InferenceSession;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link InferenceSession} computed in Java, for testing everything around the engine at the
 * speed of thousands of images: the output is a smooth, deterministic function of the input (a
 * "person" wherever green outweighs red). It reads its input twice, before and after yielding the
 * thread, and fails if the two differ, which catches callers that share buffers across threads.
 * Thread-safe, like a real session.
 */
public final class PureJavaSession implements InferenceSession {
    private final ModelDescriptor descriptor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong runs = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxActive = new java.util.concurrent.atomic.AtomicInteger();

    /** @param side input and output side */
    public PureJavaSession(int side) {
        this.descriptor = new ModelDescriptor("input", "output", TensorLayout.NCHW, side, side,
                new float[] {0f, 0f, 0f}, new float[] {255f, 255f, 255f}, side, side, false);
    }

    @Override
    public String backend() {
        return "pure-java";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public void run(FloatBuffer input, FloatBuffer output) {
        if (closed.get()) {
            throw new BgSwapException(ErrorCode.CLOSED, "pure-java session is closed");
        }
        maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
        try {
            compute(input, output);
        } finally {
            active.decrementAndGet();
        }
    }

    private void compute(FloatBuffer input, FloatBuffer output) {
        int plane = descriptor.inputWidth() * descriptor.inputHeight();
        float[] first = new float[3 * plane];
        input.get(0, first);
        Thread.yield();
        float[] again = new float[3 * plane];
        input.get(0, again);
        if (!java.util.Arrays.equals(first, again)) {
            throw new IllegalStateException("input buffer changed during a run: shared between threads");
        }
        for (int i = 0; i < plane; i++) {
            float score = 6f * (first[plane + i] - first[i]);
            output.put(i, (float) (1.0 / (1.0 + Math.exp(-score))));
        }
        runs.incrementAndGet();
    }

    /** @return how many runs completed */
    public long runs() {
        return runs.get();
    }

    /** @return the most runs seen in progress at the same time */
    public int maxActive() {
        return maxActive.get();
    }

    /** @return whether close() was called */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
