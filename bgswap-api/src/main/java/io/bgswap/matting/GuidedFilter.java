package io.bgswap.matting;

import io.bgswap.image.BoxFilter;
import io.bgswap.image.FloatImage;

/**
 * The guided filter of He, Sun and Tang (2010) with a single-channel guide: the output is locally
 * a linear function of the guide, {@code q = a * I + b}, fitted to the input {@code p} over
 * {@code (2r+1)^2} windows with regularisation {@code eps}. Edges of {@code p} snap to edges of
 * {@code I}, which is what lets a coarse mask follow hair. Thread-safe: holds no state.
 */
public final class GuidedFilter {
    private GuidedFilter() {
    }

    /**
     * Computes the mean linear coefficients at the resolution of the inputs.
     *
     * @param guide  guide values (same size as {@code input})
     * @param input  values to filter
     * @param radius window radius
     * @param eps    regularisation; larger is smoother
     * @return {@code [meanA, meanB]}, to be applied as {@code meanA * I + meanB}
     */
    public static FloatImage[] coefficients(FloatImage guide, FloatImage input, int radius, float eps) {
        return coefficients(guide, input, radius, eps, new Buffers(guide.width(), guide.height()));
    }

    /**
     * Scratch space for {@link #coefficients(FloatImage, FloatImage, int, float, Buffers)}, sized for
     * one resolution; reuse it frame to frame. Not thread-safe: one user at a time.
     */
    public static final class Buffers {
        final int width;
        final int height;
        final FloatImage ii;
        final FloatImage ip;
        final FloatImage meanI;
        final FloatImage meanP;
        final FloatImage corrI;
        final FloatImage corrIp;
        final FloatImage meanA;
        final FloatImage meanB;
        final float[] scratch;

        /**
         * @param width  width of the guide
         * @param height height of the guide
         */
        public Buffers(int width, int height) {
            this.width = width;
            this.height = height;
            ii = FloatImage.create(width, height);
            ip = FloatImage.create(width, height);
            meanI = FloatImage.create(width, height);
            meanP = FloatImage.create(width, height);
            corrI = FloatImage.create(width, height);
            corrIp = FloatImage.create(width, height);
            meanA = FloatImage.create(width, height);
            meanB = FloatImage.create(width, height);
            scratch = new float[width * height];
        }

        /**
         * @param w width
         * @param h height
         * @return whether these buffers fit a guide of that size
         */
        public boolean fits(int w, int h) {
            return width == w && height == h;
        }
    }

    /**
     * Like {@link #coefficients(FloatImage, FloatImage, int, float)} without allocating: the result
     * images belong to {@code buffers} and are overwritten by its next use.
     *
     * @param guide   guide values
     * @param input   values to filter, same size
     * @param radius  window radius
     * @param eps     regularisation
     * @param buffers scratch space of the guide's size
     * @return {@code [meanA, meanB]}
     */
    public static FloatImage[] coefficients(FloatImage guide, FloatImage input, int radius, float eps, Buffers buffers) {
        if (!buffers.fits(guide.width(), guide.height())) {
            throw new io.bgswap.BgSwapException(io.bgswap.ErrorCode.INVALID_ARGUMENT, "buffers are "
                    + buffers.width + "x" + buffers.height + ", guide is " + guide.width() + "x" + guide.height());
        }
        int n = guide.data().length;
        float[] i = guide.data();
        float[] p = input.data();
        FloatImage ii = buffers.ii;
        FloatImage ip = buffers.ip;
        float[] iid = ii.data();
        float[] ipd = ip.data();
        for (int k = 0; k < n; k++) {
            iid[k] = i[k] * i[k];
            ipd[k] = i[k] * p[k];
        }
        float[] meanI = BoxFilter.mean(guide, radius, buffers.meanI, buffers.scratch).data();
        float[] meanP = BoxFilter.mean(input, radius, buffers.meanP, buffers.scratch).data();
        float[] corrI = BoxFilter.mean(ii, radius, buffers.corrI, buffers.scratch).data();
        float[] corrIp = BoxFilter.mean(ip, radius, buffers.corrIp, buffers.scratch).data();
        FloatImage a = ii; // reuse buffers
        FloatImage b = ip;
        float[] ad = a.data();
        float[] bd = b.data();
        for (int k = 0; k < n; k++) {
            float varI = corrI[k] - meanI[k] * meanI[k];
            float covIp = corrIp[k] - meanI[k] * meanP[k];
            float ak = covIp / (varI + eps);
            ad[k] = ak;
            bd[k] = meanP[k] - ak * meanI[k];
        }
        return new FloatImage[] {BoxFilter.mean(a, radius, buffers.meanA, buffers.scratch),
                BoxFilter.mean(b, radius, buffers.meanB, buffers.scratch)};
    }
}
