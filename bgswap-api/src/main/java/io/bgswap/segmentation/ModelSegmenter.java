package io.bgswap.segmentation;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.Segmenter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.spi.InferenceSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link Segmenter} over any backend's {@link InferenceSession}: packs the image into the model's
 * input, runs it, and reads the probability back. Input and output buffers are direct and reused
 * (a small pool, so concurrent callers never share one). Thread-safe.
 */
public final class ModelSegmenter implements Segmenter {
    private final String modelName;
    private final InferenceSession session;
    private final ModelDescriptor descriptor;
    private final ConcurrentLinkedQueue<FloatBuffer[]> buffers = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /**
     * @param modelName the model's name
     * @param session   an open session; this segmenter owns and closes it
     */
    public ModelSegmenter(String modelName, InferenceSession session) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.session = Objects.requireNonNull(session, "session");
        this.descriptor = session.descriptor();
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
        FloatBuffer[] io = buffers.poll();
        if (io == null) {
            io = new FloatBuffer[] {direct(descriptor.inputSize()), direct(descriptor.outputSize())};
        }
        try {
            TensorPacker.pack(image, descriptor, io[0]);
            session.run(io[0], io[1]);
            io[1].get(0, out.data());
            if (descriptor.outputIsLogit()) {
                float[] d = out.data();
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (1.0 / (1.0 + Math.exp(-d[i])));
                }
            }
            return out;
        } finally {
            buffers.offer(io);
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
