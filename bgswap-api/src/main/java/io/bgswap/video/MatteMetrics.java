package io.bgswap.video;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.FloatImage;

/**
 * Matte error measures with alpha in [0, 1], following the usual video-matting conventions.
 * Thread-safe: the class holds no state.
 */
public final class MatteMetrics {
    private MatteMetrics() {
    }

    /**
     * Sum of absolute differences, divided by 1000.
     *
     * @param predicted the matte
     * @param truth     the true matte, same size
     * @return SAD / 1000
     */
    public static double sad(FloatImage predicted, FloatImage truth) {
        check(predicted, truth);
        float[] p = predicted.data();
        float[] g = truth.data();
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += Math.abs(p[i] - g[i]);
        }
        return sum / 1000.0;
    }

    /**
     * Temporal coherence error of one frame pair: the root mean square, over pixels, of the
     * difference between the predicted and the true change of alpha from the previous frame,
     * times 100. Flicker that the truth does not have raises it; following true motion does not.
     *
     * @param previous      predicted matte of the previous frame
     * @param current       predicted matte of this frame
     * @param truthPrevious true matte of the previous frame
     * @param truthCurrent  true matte of this frame
     * @return dtSSD for this frame
     */
    public static double dtSsd(FloatImage previous, FloatImage current, FloatImage truthPrevious, FloatImage truthCurrent) {
        check(previous, current);
        check(current, truthCurrent);
        check(truthPrevious, truthCurrent);
        float[] a0 = previous.data();
        float[] a1 = current.data();
        float[] g0 = truthPrevious.data();
        float[] g1 = truthCurrent.data();
        double sum = 0;
        for (int i = 0; i < a1.length; i++) {
            double d = (a1[i] - a0[i]) - (g1[i] - g0[i]);
            sum += d * d;
        }
        return Math.sqrt(sum / a1.length) * 100.0;
    }

    private static void check(FloatImage a, FloatImage b) {
        if (!a.sameSize(b)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "mattes differ in size: " + a + " and " + b);
        }
    }
}
