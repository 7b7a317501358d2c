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
        return refine(image, probability, FloatImage.create(image.width(), image.height()));
    }

    /**
     * Refines into a caller's buffer, for per-frame use.
     *
     * @param image       the photo
     * @param probability person probability covering the photo, any resolution
     * @param out         receives the matte; the photo's size
     * @return {@code out}
     */
    public FloatImage refine(ArgbImage image, FloatImage probability, FloatImage out) {
        int w = image.width();
        int h = image.height();
        if (out.width() != w || out.height() != h) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "output matte must be " + w + "x" + h);
        }
        float scale = Math.min(1f, (float) workingSize / Math.max(w, h));
        int ww = Math.max(1, Math.round(w * scale));
        int wh = Math.max(1, Math.round(h * scale));
        FloatImage guideLow = lumaArea(image, ww, wh);
        FloatImage probLow = Resize.bilinear(probability, ww, wh);
        int r = radius > 0 ? radius
                : Math.max(1, Math.round(2f * Math.max(ww, wh) / Math.max(probability.width(), probability.height())));
        FloatImage[] ab = GuidedFilter.coefficients(guideLow, probLow, r, eps);
        apply(image, ab[0], ab[1], out);
        return out;
    }

    /** {@code out = a * luma + b} at full resolution, with a and b sampled bilinearly in one pass. */
    private static void apply(ArgbImage image, FloatImage a, FloatImage b, FloatImage out) {
        int w = image.width();
        int h = image.height();
        Resize.Axis ax = Resize.Axis.of(a.width(), w);
        Resize.Axis ay = Resize.Axis.of(a.height(), h);
        float[] ad = a.data();
        float[] bd = b.data();
        int[] px = image.pixels();
        float[] o = out.data();
        int aw = a.width();
        for (int y = 0; y < h; y++) {
            int r0 = ay.lo()[y] * aw;
            int r1 = ay.hi()[y] * aw;
            float wy = ay.weight()[y];
            int row = y * w;
            for (int x = 0; x < w; x++) {
                int x0 = ax.lo()[x];
                int x1 = ax.hi()[x];
                float wx = ax.weight()[x];
                float aTop = ad[r0 + x0] + (ad[r0 + x1] - ad[r0 + x0]) * wx;
                float aBottom = ad[r1 + x0] + (ad[r1 + x1] - ad[r1 + x0]) * wx;
                float bTop = bd[r0 + x0] + (bd[r0 + x1] - bd[r0 + x0]) * wx;
                float bBottom = bd[r1 + x0] + (bd[r1 + x1] - bd[r1 + x0]) * wx;
                float q = (aTop + (aBottom - aTop) * wy) * Srgb.luma(px[row + x]) + bTop + (bBottom - bTop) * wy;
                o[row + x] = q < 0f ? 0f : (q > 1f ? 1f : q);
            }
        }
    }

    /** Luma of the photo shrunk to {@code ww x wh} by averaging whole blocks, then bilinear. */
    private static FloatImage lumaArea(ArgbImage image, int ww, int wh) {
        int w = image.width();
        int h = image.height();
        int fx = Math.max(1, w / ww);
        int fy = Math.max(1, h / wh);
        int bw = w / fx;
        int bh = h / fy;
        int[] px = image.pixels();
        float[] blocks = new float[bw * bh];
        float norm = 1f / (fx * fy);
        for (int y = 0; y < bh; y++) {
            for (int dy = 0; dy < fy; dy++) {
                int row = (y * fy + dy) * w;
                for (int x = 0; x < bw; x++) {
                    float sum = 0;
                    int base = row + x * fx;
                    for (int dx = 0; dx < fx; dx++) {
                        sum += Srgb.luma(px[base + dx]);
                    }
                    blocks[y * bw + x] += sum * norm;
                }
            }
        }
        FloatImage b = new FloatImage(bw, bh, blocks);
        return bw == ww && bh == wh ? b : Resize.bilinear(b, ww, wh);
    }
}
