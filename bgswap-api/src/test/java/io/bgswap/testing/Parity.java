package io.bgswap.testing;

import io.bgswap.model.ModelSource;
import io.bgswap.spi.BackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.Providers;
import io.bgswap.spi.SessionOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;

/**
 * Cross-engine parity: runs the same input through two backends and measures how far their
 * outputs lie apart. The reference engine is ONNX Runtime ({@code onnx}) when it is on the test
 * classpath. Stateless and thread-safe.
 */
public final class Parity {
    private Parity() {
    }

    /**
     * Distance between two outputs.
     *
     * @param maxAbs  largest absolute difference
     * @param meanAbs mean absolute difference
     * @param count   number of values compared
     */
    public record Diff(double maxAbs, double meanAbs, int count) {
        @Override
        public String toString() {
            return String.format("max |d| %.3g, mean |d| %.3g over %d values", maxAbs, meanAbs, count);
        }
    }

    /**
     * @param a         values
     * @param b         values of the same length
     * @param threshold an absolute difference
     * @return how many positions differ by more than {@code threshold} (NaN counts)
     */
    public static int countAbove(float[] a, float[] b, double threshold) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            n += d > threshold || Double.isNaN(d) ? 1 : 0;
        }
        return n;
    }

    /**
     * @param a values
     * @param b values of the same length
     * @return their distance
     */
    public static Diff compare(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                d = Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, d);
            sum += d;
        }
        return new Diff(max, a.length == 0 ? 0 : sum / a.length, a.length);
    }

    /**
     * Runs a model once on a backend.
     *
     * @param provider the backend
     * @param model    the model
     * @param input    packed input ({@link io.bgswap.model.ModelDescriptor#inputSize()} values)
     * @return the output values
     */
    public static float[] run(BackendProvider provider, ModelSource model, float[] input) {
        try (InferenceSession s = provider.open(model, SessionOptions.defaults())) {
            return run(s, input);
        }
    }

    /**
     * @param session an open session
     * @param input   packed input
     * @return the output values
     */
    public static float[] run(InferenceSession session, float[] input) {
        FloatBuffer in = direct(input.length);
        in.put(input).flip();
        float[] out = new float[session.descriptor().outputSize()];
        FloatBuffer o = direct(out.length);
        session.run(in, o);
        o.get(0, out);
        return out;
    }

    /** @return the ONNX Runtime backend when it is on the classpath */
    public static Optional<BackendProvider> onnxRuntime() {
        return Providers.backends().stream().filter(p -> p.name().equals("onnx")).findFirst();
    }

    /**
     * @param provider a backend
     * @param model    a model
     * @param input    packed input
     * @return distance between {@code provider}'s output and ONNX Runtime's, or empty when ONNX
     *         Runtime is not on the classpath
     */
    public static Optional<Diff> againstOnnxRuntime(BackendProvider provider, ModelSource model, float[] input) {
        return onnxRuntime().map(ort -> compare(run(provider, model, input), run(ort, model, input)));
    }

    static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
