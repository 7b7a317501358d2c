package io.bgswap.matting;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.Matter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Resize;
import io.bgswap.image.Srgb;

/**
 * The default {@link Matter}: a fast guided filter driven by the photo. The coefficients are fitted
 * at a working resolution (long side at most {@code workingSize}) and applied at full resolution,
 * so edges follow the photo's own detail instead of a bilinear stretch of the model's output.
 * Thread-safe: holds only immutable settings.
 */
public final class GuidedFilterMatter implements Matter {
    /** Default long side of the working resolution. */
    public static final int DEFAULT_WORKING_SIZE = 1024;
    /** Default regularisation. */
    public static final float DEFAULT_EPS = 1e-4f;

    private final int workingSize;
    private final int radius;
    private final float eps;

    /** A matter with the default settings. */
    public GuidedFilterMatter() {
        this(DEFAULT_WORKING_SIZE, 0, DEFAULT_EPS);
    }

    /**
     * @param workingSize long side of the resolution the filter is fitted at
     * @param radius      window radius at the working resolution; 0 derives it from how much the
     *                    probability map must be enlarged (about two of its pixels)
     * @param eps         regularisation; larger is smoother
     */
    public GuidedFilterMatter(int workingSize, int radius, float eps) {
        if (workingSize < 16 || radius < 0 || !(eps > 0f)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "workingSize must be >= 16, radius >= 0 and eps > 0");
        }
        this.workingSize = workingSize;
        this.radius = radius;
        this.eps = eps;
    }

    @Override
    public FloatImage refine(ArgbImage image, FloatImage probability) {
        int w = image.width();
        int h = image.height();
        float scale = Math.min(1f, (float) workingSize / Math.max(w, h));
        int ww = Math.max(1, Math.round(w * scale));
        int wh = Math.max(1, Math.round(h * scale));
        FloatImage guide = luma(image);
        FloatImage guideLow = Resize.area(guide, ww, wh);
        FloatImage probLow = Resize.bilinear(probability, ww, wh);
        int r = radius > 0 ? radius
                : Math.max(1, Math.round(2f * Math.max(ww, wh) / Math.max(probability.width(), probability.height())));
        FloatImage[] ab = GuidedFilter.coefficients(guideLow, probLow, r, eps);
        FloatImage a = ww == w && wh == h ? ab[0] : Resize.bilinear(ab[0], w, h);
        FloatImage b = ww == w && wh == h ? ab[1] : Resize.bilinear(ab[1], w, h);
        float[] g = guide.data();
        float[] ad = a.data();
        float[] bd = b.data();
        float[] out = g; // the full-resolution guide is not needed afterwards
        for (int k = 0; k < out.length; k++) {
            float q = ad[k] * g[k] + bd[k];
            out[k] = q < 0f ? 0f : (q > 1f ? 1f : q);
        }
        return guide;
    }

    private static FloatImage luma(ArgbImage image) {
        int[] p = image.pixels();
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = Srgb.luma(p[i]);
        }
        return new FloatImage(image.width(), image.height(), out);
    }
}
