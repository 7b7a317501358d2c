package io.bgswap.graph;

/**
 * The two source positions and two weights of every output position of one axis of a
 * {@link Op.ResizeBilinear}, computed in float32 in the order ONNX Runtime's CPU kernel uses, so
 * that a backend which then evaluates
 * {@code (dx2*dy2)*x11 + (dx1*dy2)*x21 + (dx2*dy1)*x12 + (dx1*dy1)*x22} left to right, one rounding
 * per operation, reproduces ONNX Runtime's resize to the last bit.
 *
 * <p>Where that matters: a model that quantises its activations at run time (isnet-small) turns a
 * last-bit difference into a whole quantisation step whenever a value sits on a step's edge, and
 * every later layer carries it on. Backends use their engines' own resize elsewhere.
 *
 * <p>Definitions, all in float32: {@code scale = outSize / inSize}; the source coordinate is
 * {@code (o + 0.5) / scale - 0.5} (half-pixel; pytorch half-pixel gives 0 for a size-1 output),
 * {@code o * (inSize - 1) / (outSize - 1)} (align corners) or {@code o / scale} (asymmetric), or
 * just {@code o} when the scale is 1; it is clamped to {@code [0, inSize - 1]};
 * {@code lo = (int) c}, {@code hi = min(lo + 1, inSize - 1)}, {@code d1 = |c - lo|},
 * {@code d2 = |c - hi|}, and both weights are 0.5 where {@code lo == hi}. Note that {@code d1} is
 * the weight of {@code hi} and {@code d2} that of {@code lo}.
 *
 * @param lo source index of the lower neighbour, per output position
 * @param hi source index of the upper neighbour
 * @param d1 distance to {@code lo} (the weight of {@code hi})
 * @param d2 distance to {@code hi} (the weight of {@code lo})
 */
public record BilinearTaps(int[] lo, int[] hi, float[] d1, float[] d2) {
    /**
     * @param inSize  source length, &gt; 0
     * @param outSize target length, &gt; 0
     * @param mode    coordinate mapping
     * @return the taps of every output position
     */
    public static BilinearTaps of(int inSize, int outSize, Op.CoordinateMode mode) {
        if (inSize <= 0 || outSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
        float scale = (float) outSize / (float) inSize;
        int[] lo = new int[outSize];
        int[] hi = new int[outSize];
        float[] d1 = new float[outSize];
        float[] d2 = new float[outSize];
        for (int o = 0; o < outSize; o++) {
            float c = scale == 1f ? o : source(o, scale, inSize, outSize, mode);
            c = Math.max(0f, Math.min(c, (float) (inSize - 1)));
            lo[o] = Math.min((int) c, inSize - 1);
            hi[o] = Math.min(lo[o] + 1, inSize - 1);
            if (lo[o] == hi[o]) {
                d1[o] = 0.5f;
                d2[o] = 0.5f;
            } else {
                d1[o] = Math.abs(c - lo[o]);
                d2[o] = Math.abs(c - hi[o]);
            }
        }
        return new BilinearTaps(lo, hi, d1, d2);
    }

    private static float source(int o, float scale, int inSize, int outSize, Op.CoordinateMode mode) {
        return switch (mode) {
            case HALF_PIXEL -> (o + 0.5f) / scale - 0.5f;
            case PYTORCH_HALF_PIXEL -> outSize > 1 ? (o + 0.5f) / scale - 0.5f : 0f;
            case ALIGN_CORNERS -> outSize == 1 ? 0f : o * (float) (inSize - 1) / (float) (outSize - 1);
            case ASYMMETRIC -> o / scale;
        };
    }

    /** @return whether a graph quantises activations at run time, where resizes must match ONNX Runtime's bits */
    public static boolean neededBy(Graph graph) {
        return graph.nodes().stream().anyMatch(n -> n.op() instanceof Op.QuantizedConv2D);
    }
}
