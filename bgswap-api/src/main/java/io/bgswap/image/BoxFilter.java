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
        // horizontal pass
        for (int y = 0; y < h; y++) {
            int row = y * w;
            double sum = 0;
            int count = 0;
            for (int x = 0; x <= Math.min(radius, w - 1); x++) {
                sum += s[row + x];
                count++;
            }
            for (int x = 0; x < w; x++) {
                tmp[row + x] = (float) (sum / count);
                int add = x + radius + 1;
                int remove = x - radius;
                if (add < w) {
                    sum += s[row + add];
                    count++;
                }
                if (remove >= 0) {
                    sum -= s[row + remove];
                    count--;
                }
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

    /**
     * @param src    source values
     * @param radius window radius
     * @return a new filtered image
     */
    public static FloatImage mean(FloatImage src, int radius) {
        return mean(src, radius, FloatImage.create(src.width(), src.height()));
    }
}
