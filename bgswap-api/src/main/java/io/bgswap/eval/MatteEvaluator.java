package io.bgswap.eval;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.BoxFilter;
import io.bgswap.image.FloatImage;

import java.util.Objects;

/**
 * Compares a predicted alpha matte with a reference matte using the error measures of the
 * alphamatting.com benchmark (Rhemann et al. 2009, as implemented in the Deep Image Matting
 * evaluation code), plus mean absolute difference and IoU.
 *
 * <ul>
 *   <li><b>SAD</b>: {@code sum |a - r|}, reported / 1000.</li>
 *   <li><b>MSE</b>: {@code mean (a - r)^2}.</li>
 *   <li><b>Gradient</b>: both mattes are filtered with first-order Gaussian derivative kernels
 *       (sigma 1.4, kernels cut where the Gaussian drops below 1e-2 of its peak density scale, each
 *       kernel normalised to unit L2 norm, borders replicated); the error is
 *       {@code sum (|grad a| - |grad r|)^2}, reported / 1000. Mattes are not rescaled to their own
 *       min/max first.</li>
 *   <li><b>Connectivity</b>: for thresholds {@code t = 0.1, 0.2, ..., 1.0} the largest 4-connected
 *       component of {@code a >= t && r >= t} is found; each pixel's level {@code l} is the last
 *       threshold before the one at which it leaves that component (1 if it never leaves);
 *       {@code phi(x) = 1 - d * [d >= 0.15]} with {@code d = x - l}; the error is
 *       {@code sum |phi(a) - phi(r)|}, reported / 1000.</li>
 *   <li><b>MAD</b>: {@code mean |a - r|}.</li>
 *   <li><b>IoU</b>: of the masks {@code a >= 0.5} and {@code r >= 0.5}.</li>
 *   <li><b>see-through</b> and <b>ghost</b> ({@link VisibleErrors}): shares of the solid interior
 *       left transparent and of the clear background left opaque, away from any edge.</li>
 * </ul>
 *
 * <p>The <b>boundary band</b> is the set of pixels within Chebyshev distance {@code bandRadius}
 * (default {@value #DEFAULT_BAND_RADIUS}, i.e. an 11x11 square) of a pixel whose reference alpha is
 * strictly between 0 and 1 (8-bit values 1..254). Gradient and connectivity are computed on the
 * whole image and summed over the band; IoU in the band compares the masks on band pixels only.
 *
 * <p>Thread-safe: the class holds no state.
 */
public final class MatteEvaluator {
    /** Default dilation of the soft reference pixels that makes the boundary band, in pixels. */
    public static final int DEFAULT_BAND_RADIUS = 5;
    static final double GRADIENT_SIGMA = 1.4;
    static final float CONNECTIVITY_STEP = 0.1f;
    static final float CONNECTIVITY_THETA = 0.15f;
    /** Reference alpha from which a pixel is solid person, for the see-through share. */
    public static final float SOLID_REFERENCE = 0.99f;
    /** Predicted alpha below which a solid pixel is see-through. */
    public static final float SEE_THROUGH_BELOW = 0.9f;
    /** Reference alpha up to which a pixel is clear background, for the ghost share. */
    public static final float CLEAR_REFERENCE = 0.01f;
    /** Predicted alpha above which a clear pixel is a ghost. */
    public static final float GHOST_ABOVE = 0.1f;
    /** Chebyshev distance in pixels that solid and clear pixels must keep from any other reference pixel. */
    public static final int VISIBLE_MARGIN = 10;
    /** {@link #visibleErrorMask} value of a see-through pixel. */
    public static final byte SEE_THROUGH = 1;
    /** {@link #visibleErrorMask} value of a ghost pixel. */
    public static final byte GHOST = 2;

    private MatteEvaluator() {
    }

    /**
     * @param predicted the matte to judge, alpha in [0, 1]
     * @param reference the reference matte, same size
     * @return errors overall and in the boundary band of radius {@value #DEFAULT_BAND_RADIUS}
     */
    public static MatteMetrics measure(FloatImage predicted, FloatImage reference) {
        return measure(predicted, reference, DEFAULT_BAND_RADIUS);
    }

    /**
     * @param predicted  the matte to judge, alpha in [0, 1]
     * @param reference  the reference matte, same size
     * @param bandRadius dilation of the soft reference pixels, &gt;= 0
     * @return errors overall and in the boundary band
     */
    public static MatteMetrics measure(FloatImage predicted, FloatImage reference, int bandRadius) {
        Objects.requireNonNull(predicted, "predicted");
        Objects.requireNonNull(reference, "reference");
        checkSameSize(predicted, reference);
        if (bandRadius < 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "band radius must be >= 0, was " + bandRadius);
        }
        float[] a = clamped(predicted.data());
        float[] r = clamped(reference.data());
        int w = predicted.width();
        int h = predicted.height();
        boolean[] band = boundaryBand(reference, bandRadius);
        float[] gradA = gradientMagnitude(new FloatImage(w, h, a), GRADIENT_SIGMA).data();
        float[] gradR = gradientMagnitude(new FloatImage(w, h, r), GRADIENT_SIGMA).data();
        float[] level = connectivityLevels(a, r, w, h);

        Acc all = new Acc();
        Acc inBand = new Acc();
        for (int i = 0; i < a.length; i++) {
            double diff = a[i] - r[i];
            double dg = gradA[i] - gradR[i];
            double conn = Math.abs(phi(a[i], level[i]) - phi(r[i], level[i]));
            boolean pa = a[i] >= 0.5f;
            boolean pr = r[i] >= 0.5f;
            all.add(diff, dg, conn, pa, pr);
            if (band[i]) {
                inBand.add(diff, dg, conn, pa, pr);
            }
        }
        return new MatteMetrics(all.result(), inBand.result(), visibleErrors(a, r, w, h));
    }

    /**
     * The see-through and ghost shares (see {@link VisibleErrors}).
     *
     * @param predicted the matte to judge, alpha in [0, 1]
     * @param reference the reference matte, same size
     * @return both shares
     */
    public static VisibleErrors visibleErrors(FloatImage predicted, FloatImage reference) {
        checkSameSize(predicted, reference);
        return visibleErrors(clamped(predicted.data()), clamped(reference.data()), predicted.width(), predicted.height());
    }

    private static VisibleErrors visibleErrors(float[] a, float[] r, int w, int h) {
        byte[] mask = new byte[a.length];
        long[] counts = visibleErrorMask(a, r, w, h, mask);
        return new VisibleErrors(counts[1] == 0 ? 0 : (double) counts[0] / counts[1],
                counts[3] == 0 ? 0 : (double) counts[2] / counts[3], counts[1], counts[3]);
    }

    /**
     * Marks the pixels that {@link VisibleErrors} counts as errors, for pictures.
     *
     * @param predicted the matte to judge, alpha in [0, 1]
     * @param reference the reference matte, same size
     * @return per pixel {@link #SEE_THROUGH}, {@link #GHOST} or 0, row-major
     */
    public static byte[] visibleErrorMask(FloatImage predicted, FloatImage reference) {
        checkSameSize(predicted, reference);
        byte[] mask = new byte[predicted.data().length];
        visibleErrorMask(clamped(predicted.data()), clamped(reference.data()), predicted.width(), predicted.height(), mask);
        return mask;
    }

    /** @return see-through count, solid count, ghost count, clear count */
    private static long[] visibleErrorMask(float[] a, float[] r, int w, int h, byte[] mask) {
        float[] notSolid = new float[r.length];
        float[] notClear = new float[r.length];
        for (int i = 0; i < r.length; i++) {
            notSolid[i] = r[i] < SOLID_REFERENCE ? 1f : 0f;
            notClear[i] = r[i] > CLEAR_REFERENCE ? 1f : 0f;
        }
        // one such pixel in the window gives a mean of at least 1 / (2m + 1)^2, far above rounding
        float[] nearNotSolid = BoxFilter.mean(new FloatImage(w, h, notSolid), VISIBLE_MARGIN).data();
        float[] nearNotClear = BoxFilter.mean(new FloatImage(w, h, notClear), VISIBLE_MARGIN).data();
        long[] counts = new long[4];
        for (int i = 0; i < r.length; i++) {
            if (notSolid[i] == 0f && nearNotSolid[i] < 1e-4f) {
                counts[1]++;
                if (a[i] < SEE_THROUGH_BELOW) {
                    counts[0]++;
                    mask[i] = SEE_THROUGH;
                }
            } else if (notClear[i] == 0f && nearNotClear[i] < 1e-4f) {
                counts[3]++;
                if (a[i] > GHOST_ABOVE) {
                    counts[2]++;
                    mask[i] = GHOST;
                }
            }
        }
        return counts;
    }

    private static void checkSameSize(FloatImage predicted, FloatImage reference) {
        if (!predicted.sameSize(reference)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "predicted matte is " + predicted.width() + "x"
                    + predicted.height() + " but the reference is " + reference.width() + "x" + reference.height());
        }
    }

    /**
     * The boundary band of a reference matte (see the class description).
     *
     * @param reference the reference matte
     * @param radius    dilation in pixels, &gt;= 0
     * @return one flag per pixel, row-major
     */
    public static boolean[] boundaryBand(FloatImage reference, int radius) {
        float[] r = reference.data();
        float[] soft = new float[r.length];
        for (int i = 0; i < r.length; i++) {
            soft[i] = isSoft(r[i]) ? 1f : 0f;
        }
        float[] spread = radius == 0 ? soft
                : BoxFilter.mean(new FloatImage(reference.width(), reference.height(), soft), radius).data();
        boolean[] band = new boolean[r.length];
        for (int i = 0; i < r.length; i++) {
            band[i] = spread[i] > 1e-4f;
        }
        return band;
    }

    /**
     * @param alpha a reference alpha value in [0, 1]
     * @return whether its 8-bit value is strictly between 0 and 255
     */
    static boolean isSoft(float alpha) {
        return alpha > 0.5f / 255f && alpha < 254.5f / 255f;
    }

    /**
     * Magnitude of the Gaussian gradient used by the gradient error.
     *
     * @param alpha the matte
     * @param sigma standard deviation of the Gaussian
     * @return {@code sqrt(gx^2 + gy^2)}
     */
    public static FloatImage gradientMagnitude(FloatImage alpha, double sigma) {
        int half = (int) Math.ceil(sigma * Math.sqrt(-2 * Math.log(Math.sqrt(2 * Math.PI) * sigma * 1e-2)));
        int size = 2 * half + 1;
        double[] g = new double[size];
        double[] dg = new double[size];
        double sg = 0;
        double sdg = 0;
        for (int i = 0; i < size; i++) {
            double u = i - half;
            g[i] = Math.exp(-u * u / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
            dg[i] = -u * g[i] / (sigma * sigma);
            sg += g[i] * g[i];
            sdg += dg[i] * dg[i];
        }
        // a separable 2-D kernel g(y) * dg(x) has L2 norm sqrt(sg * sdg)
        double norm = Math.sqrt(sg * sdg);
        float[] gk = new float[size];
        float[] dk = new float[size];
        for (int i = 0; i < size; i++) {
            gk[i] = (float) (g[i] / Math.sqrt(norm));
            dk[i] = (float) (dg[i] / Math.sqrt(norm));
        }
        int w = alpha.width();
        int h = alpha.height();
        float[] gx = convolveY(convolveX(alpha.data(), w, h, dk), w, h, gk);
        float[] gy = convolveY(convolveX(alpha.data(), w, h, gk), w, h, dk);
        float[] out = new float[gx.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.sqrt(gx[i] * gx[i] + gy[i] * gy[i]);
        }
        return new FloatImage(w, h, out);
    }

    // Convolution (kernel flipped), borders replicated.
    private static float[] convolveX(float[] src, int w, int h, float[] k) {
        int half = k.length / 2;
        float[] out = new float[src.length];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int j = 0; j < k.length; j++) {
                    int sx = x + half - j;
                    sx = sx < 0 ? 0 : (sx >= w ? w - 1 : sx);
                    s += k[j] * src[row + sx];
                }
                out[row + x] = s;
            }
        }
        return out;
    }

    private static float[] convolveY(float[] src, int w, int h, float[] k) {
        int half = k.length / 2;
        float[] out = new float[src.length];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int j = 0; j < k.length; j++) {
                int sy = y + half - j;
                sy = sy < 0 ? 0 : (sy >= h ? h - 1 : sy);
                int srow = sy * w;
                float kj = k[j];
                for (int x = 0; x < w; x++) {
                    out[row + x] += kj * src[srow + x];
                }
            }
        }
        return out;
    }

    /**
     * The per-pixel level {@code l} of the connectivity error.
     */
    static float[] connectivityLevels(float[] a, float[] r, int w, int h) {
        int n = a.length;
        float[] level = new float[n];
        java.util.Arrays.fill(level, -1f);
        boolean[] mask = new boolean[n];
        int[] label = new int[n];
        int[] stack = new int[n];
        int steps = Math.round(1f / CONNECTIVITY_STEP);
        for (int s = 1; s <= steps; s++) {
            float t = s * CONNECTIVITY_STEP;
            float tPrev = (s - 1) * CONNECTIVITY_STEP;
            // tolerate float rounding of t (0.1 * 3 is 0.30000001) so that 8-bit values land where they should
            float tt = t - 1e-6f;
            for (int i = 0; i < n; i++) {
                mask[i] = a[i] >= tt && r[i] >= tt;
            }
            boolean[] largest = largestComponent(mask, w, h, label, stack);
            for (int i = 0; i < n; i++) {
                if (level[i] == -1f && !largest[i]) {
                    level[i] = tPrev;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (level[i] == -1f) {
                level[i] = 1f;
            }
        }
        return level;
    }

    private static boolean[] largestComponent(boolean[] mask, int w, int h, int[] label, int[] stack) {
        int n = mask.length;
        java.util.Arrays.fill(label, 0);
        int next = 0;
        int bestLabel = 0;
        int bestSize = 0;
        for (int start = 0; start < n; start++) {
            if (!mask[start] || label[start] != 0) {
                continue;
            }
            next++;
            int size = 0;
            int top = 0;
            stack[top++] = start;
            label[start] = next;
            while (top > 0) {
                int p = stack[--top];
                size++;
                int x = p % w;
                int y = p / w;
                if (x > 0 && mask[p - 1] && label[p - 1] == 0) {
                    label[p - 1] = next;
                    stack[top++] = p - 1;
                }
                if (x < w - 1 && mask[p + 1] && label[p + 1] == 0) {
                    label[p + 1] = next;
                    stack[top++] = p + 1;
                }
                if (y > 0 && mask[p - w] && label[p - w] == 0) {
                    label[p - w] = next;
                    stack[top++] = p - w;
                }
                if (y < h - 1 && mask[p + w] && label[p + w] == 0) {
                    label[p + w] = next;
                    stack[top++] = p + w;
                }
            }
            if (size > bestSize) {
                bestSize = size;
                bestLabel = next;
            }
        }
        boolean[] out = new boolean[n];
        if (bestLabel != 0) {
            for (int i = 0; i < n; i++) {
                out[i] = label[i] == bestLabel;
            }
        }
        return out;
    }

    private static float phi(float value, float level) {
        float d = value - level;
        return d >= CONNECTIVITY_THETA ? 1f - d : 1f;
    }

    private static float[] clamped(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            out[i] = x < 0f ? 0f : (x > 1f ? 1f : (x == x ? x : 0f));
        }
        return out;
    }

    private static final class Acc {
        double sad;
        double sq;
        double grad;
        double conn;
        long inter;
        long union;
        long count;

        void add(double diff, double dg, double c, boolean pa, boolean pr) {
            sad += Math.abs(diff);
            sq += diff * diff;
            grad += dg * dg;
            conn += c;
            if (pa && pr) {
                inter++;
            }
            if (pa || pr) {
                union++;
            }
            count++;
        }

        ErrorSet result() {
            double mean = count == 0 ? 0 : 1.0 / count;
            double iou = union == 0 ? 1.0 : (double) inter / union;
            return new ErrorSet(sad / 1000, sq * mean, grad / 1000, conn / 1000, sad * mean, iou, count);
        }
    }
}
