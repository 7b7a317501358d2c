package io.bgswap.segmentation;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.Segmenter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.internal.CoreBudget;
import io.bgswap.internal.Settings;
import io.bgswap.spi.InferenceSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * A {@link Segmenter} over any backend's {@link InferenceSession}: packs the image into the model's
 * input, runs it, and reads the probability back. Input and output buffers are direct and reused
 * (a small pool, so concurrent callers never share one). Thread-safe.
 *
 * <p>At most {@link #maxConcurrent()} inferences run at once; further callers wait their turn.
 * Each inference of a large model holds gigabytes of engine memory and already uses every core,
 * so letting many threads in at once multiplies memory without adding speed (eight concurrent
 * ISNet runs get a process killed on a 24 GB machine). The default is
 * {@link #defaultMaxConcurrent()}.
 *
 * <p>A segmenter that knows how many intra-op threads its session uses on the CPU
 * ({@link #ModelSegmenter(String, InferenceSession, int, int)}, as {@code BackgroundSwapper} builds
 * it) also takes that many of the process's cores for each run and waits while other runs hold
 * them, so that concurrent inferences of all segmenters together never oversubscribe the cores.
 */
public final class ModelSegmenter implements Segmenter {
    /**
     * Lowest probability this segmenter reports. A model's probability is evidence, never a
     * decision: exactly 0 or 1 would tell a {@link io.bgswap.Matter} that the pixel is decided, and a
     * sigmoid saturates to exactly 0 or 1 in float32 on one engine and stops a last digit short on
     * another, which would decide different pixels on different engines.
     */
    public static final float MIN_PROBABILITY = 1e-6f;
    /** Highest probability this segmenter reports (see {@link #MIN_PROBABILITY}). */
    public static final float MAX_PROBABILITY = 1f - 1e-6f;

    private final String modelName;
    private final InferenceSession session;
    private final ModelDescriptor descriptor;
    private final ConcurrentLinkedQueue<FloatBuffer[]> buffers = new ConcurrentLinkedQueue<>();
    private final Semaphore turns;
    private final int maxConcurrent;
    private final int cpuThreads;
    private final CoreBudget cores;
    private volatile boolean closed;

    /**
     * @param modelName the model's name
     * @param session   an open session; this segmenter owns and closes it
     */
    public ModelSegmenter(String modelName, InferenceSession session) {
        this(modelName, session, defaultMaxConcurrent());
    }

    /**
     * @param modelName     the model's name
     * @param session       an open session; this segmenter owns and closes it
     * @param maxConcurrent how many inferences may run at once, at least 1
     */
    public ModelSegmenter(String modelName, InferenceSession session, int maxConcurrent) {
        this(modelName, session, maxConcurrent, 0);
    }

    /**
     * @param modelName     the model's name
     * @param session       an open session; this segmenter owns and closes it
     * @param maxConcurrent how many inferences may run at once, at least 1
     * @param cpuThreads    the intra-op threads one run of the session uses on the CPU, taken from
     *                      the process's cores for each run; 0 when the session runs elsewhere (a GPU)
     *                      or the count is unknown, and then no cores are taken
     */
    public ModelSegmenter(String modelName, InferenceSession session, int maxConcurrent, int cpuThreads) {
        this(modelName, session, maxConcurrent, cpuThreads, CoreBudget.process());
    }

    ModelSegmenter(String modelName, InferenceSession session, int maxConcurrent, int cpuThreads, CoreBudget cores) {
        if (cpuThreads < 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "cpuThreads must be >= 0, was " + cpuThreads);
        }
        this.cpuThreads = cpuThreads;
        this.cores = Objects.requireNonNull(cores, "cores");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.session = Objects.requireNonNull(session, "session");
        this.descriptor = session.descriptor();
        if (maxConcurrent < 1) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "maxConcurrent must be >= 1, was " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
        this.turns = new Semaphore(maxConcurrent, true);
    }

    /**
     * The number of concurrent inferences allowed when none is given: the setting
     * {@code bgswap.inference.concurrency} / {@code BGSWAP_INFERENCE_CONCURRENCY}, else half the
     * available processors (at least 1).
     *
     * @return the default
     */
    public static int defaultMaxConcurrent() {
        String configured = Settings.get("bgswap.inference.concurrency", "BGSWAP_INFERENCE_CONCURRENCY").orElse(null);
        if (configured != null) {
            try {
                int n = Integer.parseInt(configured.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                    "bgswap.inference.concurrency must be a whole number >= 1, was '" + configured + "'");
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** @return the intra-op threads a run takes from the process's cores, 0 for none */
    public int cpuThreads() {
        return cpuThreads;
    }

    /** @return how many inferences may run at once */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    @Override
    public FloatImage segment(ArgbImage image) {
        FloatImage out = FloatImage.create(descriptor.outputWidth(), descriptor.outputHeight());
        segment(image, out);
        return out;
    }

    /**
     * Segments into a caller's buffer, for per-frame use without allocation.
     *
     * @param image the image
     * @param out   an image of the model's output size
     * @return {@code out}
     */
    @Override
    public FloatImage segment(ArgbImage image, FloatImage out) {
        if (closed) {
            throw new BgSwapException(ErrorCode.CLOSED, "Segmenter for " + modelName + " is closed");
        }
        if (out.width() != descriptor.outputWidth() || out.height() != descriptor.outputHeight()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "output must be " + descriptor.outputWidth() + "x"
                    + descriptor.outputHeight() + ", was " + out.width() + "x" + out.height());
        }
        try {
            turns.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgSwapException(ErrorCode.INFERENCE_FAILED, "Interrupted while waiting to run " + modelName, e);
        }
        FloatBuffer[] io = null;
        try {
            if (closed) {
                throw new BgSwapException(ErrorCode.CLOSED, "Segmenter for " + modelName + " is closed");
            }
            io = buffers.poll();
            if (io == null) {
                io = new FloatBuffer[] {direct(descriptor.inputSize()), direct(descriptor.outputSize())};
            }
            TensorPacker.pack(image, descriptor, io[0]);
            try (CoreBudget.Lease lease = cores.take(cpuThreads)) {
                session.run(io[0], io[1]);
            }
            io[1].get(0, out.data());
            float[] d = out.data();
            boolean logit = descriptor.outputIsLogit();
            for (int i = 0; i < d.length; i++) {
                float v = logit ? (float) (1.0 / (1.0 + Math.exp(-d[i]))) : d[i];
                d[i] = Math.max(MIN_PROBABILITY, Math.min(MAX_PROBABILITY, v));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgSwapException(ErrorCode.INFERENCE_FAILED, "Interrupted while waiting for cores to run " + modelName, e);
        } finally {
            if (io != null && !closed) {
                buffers.offer(io);
            }
            turns.release();
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** @return the model's descriptor */
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public String backend() {
        return session.backend();
    }

    @Override
    public Device device() {
        return session.device();
    }

    @Override
    public void close() {
        closed = true;
        session.close();
        buffers.clear();
    }
}
