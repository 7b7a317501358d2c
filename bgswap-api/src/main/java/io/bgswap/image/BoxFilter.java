package io.bgswap.image;

/**
 * Mean over a {@code (2r+1) x (2r+1)} window in time independent of {@code r} (running sums),
 * with the window clipped at the image border and divided by the number of pixels it covers.
 * Thread-safe: the class holds no state.
 */
public final class BoxFilter {
    private BoxFilter() {
    }

    /**
     * @param src    source values
     * @param radius window radius, &gt;= 0
     * @param dst    destination of the same size (may not be {@code src})
     * @return {@code dst}
     */
    public static FloatImage mean(FloatImage src, int radius, FloatImage dst) {
        return mean(src, radius, dst, null);
    }

    /**
     * Like {@link #mean(FloatImage, int, FloatImage)} with a caller's scratch buffer, so that
     * per-frame use allocates no image-sized arrays.
     *
     * @param src     source values
     * @param radius  window radius, &gt;= 0
     * @param dst     destination of the same size (may not be {@code src})
     * @param scratch at least {@code width * height} floats, or {@code null} to allocate one
     * @return {@code dst}
     */
    public static FloatImage mean(FloatImage src, int radius, FloatImage dst, float[] scratch) {
        int w = src.width();
        int h = src.height();
        float[] s = src.data();
        float[] d = dst.data();
        float[] tmp = scratch != null && scratch.length >= w * h ? scratch : new float[w * h];
        if (radius == 1 && w >= 2 && h >= 2) {
            return mean3x3(s, w, h, d, tmp, dst);
        }
        // horizontal pass through a prefix sum per row: the running total is the only serial
        // dependency, and the windows that the border does not clip share one reciprocal instead
        // of a division per pixel (this pass was a third of the video pipeline's Java time)
        double[] prefix = new double[w + 1];
        int full = 2 * radius + 1;
        double invFull = 1.0 / full;
        int midStart = Math.min(radius, w);
        int midEnd = Math.max(midStart, w - radius); // x in [midStart, midEnd): window inside the row
        for (int y = 0; y < h; y++) {
            int row = y * w;
            double acc = 0;
            for (int x = 0; x < w; x++) {
                acc += s[row + x];
                prefix[x + 1] = acc;
            }
            for (int x = 0; x < midStart; x++) {
                int lo = Math.max(0, x - radius);
                int hi = Math.min(w - 1, x + radius);
                tmp[row + x] = (float) ((prefix[hi + 1] - prefix[lo]) / (hi - lo + 1));
            }
            for (int x = midStart; x < midEnd; x++) {
                tmp[row + x] = (float) ((prefix[x + radius + 1] - prefix[x - radius]) * invFull);
            }
            for (int x = midEnd; x < w; x++) {
                int lo = Math.max(0, x - radius);
                int hi = Math.min(w - 1, x + radius);
                tmp[row + x] = (float) ((prefix[hi + 1] - prefix[lo]) / (hi - lo + 1));
            }
        }
        // vertical pass, column sums kept for a whole row at once for cache friendliness
        double[] colSum = new double[w];
        int count = 0;
        for (int y = 0; y <= Math.min(radius, h - 1); y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                colSum[x] += tmp[row + x];
            }
            count++;
        }
        for (int y = 0; y < h; y++) {
            int row = y * w;
            float inv = 1f / count;
            for (int x = 0; x < w; x++) {
                d[row + x] = (float) (colSum[x] * inv);
            }
            int add = y + radius + 1;
            int remove = y - radius;
            if (add < h) {
                int r = add * w;
                for (int x = 0; x < w; x++) {
                    colSum[x] += tmp[r + x];
                }
                count++;
            }
            if (remove >= 0) {
                int r = remove * w;
                for (int x = 0; x < w; x++) {
                    colSum[x] -= tmp[r + x];
                }
                count--;
            }
        }
        return dst;
    }

    /*
     * The 3x3 window of the matting solvers, which run it about 170 times per photo: three-term
     * sums in float, loops simple enough for the JIT to vectorise, the border windows divided by
     * the 2 or 3 pixels they cover.
     */
    private static FloatImage mean3x3(float[] s, int w, int h, float[] d, float[] tmp, FloatImage dst) {
        for (int y = 0; y < h; y++) {
            int row = y * w;
            tmp[row] = (s[row] + s[row + 1]) * 1.5f;
            for (int x = 1; x < w - 1; x++) {
                tmp[row + x] = s[row + x - 1] + s[row + x] + s[row + x + 1];
            }
            tmp[row + w - 1] = (s[row + w - 2] + s[row + w - 1]) * 1.5f;
        }
        // the horizontal sums are scaled to three terms, so every vertical sum divides by 9 but the
        // first and last rows' (two rows scaled to three as well)
        final float ninth = 1f / 9f;
        final float sixth = 1f / 6f;
        for (int x = 0; x < w; x++) {
            d[x] = (tmp[x] + tmp[w + x]) * sixth;
        }
        for (int y = 1; y < h - 1; y++) {
            int row = y * w;
            int up = row - w;
            int down = row + w;
            for (int x = 0; x < w; x++) {
                d[row + x] = (tmp[up + x] + tmp[row + x] + tmp[down + x]) * ninth;
            }
        }
        int last = (h - 1) * w;
        for (int x = 0; x < w; x++) {
            d[last + x] = (tmp[last - w + x] + tmp[last + x]) * sixth;
        }
        return dst;
    }

    /**
     * @param src    source values
     * @param radius window radius
     * @return a new filtered image
     */
    public static FloatImage mean(FloatImage src, int radius) {
        return mean(src, radius, FloatImage.create(src.width(), src.height()));
    }
}
