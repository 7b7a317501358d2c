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
        int n = guide.data().length;
        float[] i = guide.data();
        float[] p = input.data();
        FloatImage ii = FloatImage.create(guide.width(), guide.height());
        FloatImage ip = FloatImage.create(guide.width(), guide.height());
        for (int k = 0; k < n; k++) {
            ii.data()[k] = i[k] * i[k];
            ip.data()[k] = i[k] * p[k];
        }
        float[] meanI = BoxFilter.mean(guide, radius).data();
        float[] meanP = BoxFilter.mean(input, radius).data();
        float[] corrI = BoxFilter.mean(ii, radius).data();
        float[] corrIp = BoxFilter.mean(ip, radius).data();
        FloatImage a = ii; // reuse buffers
        FloatImage b = ip;
        for (int k = 0; k < n; k++) {
            float varI = corrI[k] - meanI[k] * meanI[k];
            float covIp = corrIp[k] - meanI[k] * meanP[k];
            float ak = covIp / (varI + eps);
            a.data()[k] = ak;
            b.data()[k] = meanP[k] - ak * meanI[k];
        }
        return new FloatImage[] {BoxFilter.mean(a, radius), BoxFilter.mean(b, radius)};
    }
}
