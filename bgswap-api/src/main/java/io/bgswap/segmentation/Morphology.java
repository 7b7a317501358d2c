package io.bgswap.segmentation;

/**
 * Binary dilation and erosion by a square (Chebyshev distance), in time independent of the radius
 * through running counts of set pixels, first along rows and then along columns. Windows are
 * clipped at the image border, so erosion does not eat into a region from the border: a person
 * cut by the frame stays whole there. Each call allocates two masks and two rows of counts, no
 * float planes (the masks of a 1024-pixel segmentation are below the JVM's large-object size).
 * Thread-safe: holds no state.
 */
final class Morphology {
    private Morphology() {
    }

    /**
     * @return pixels within Chebyshev distance {@code radius} of a set pixel of {@code mask}
     */
    static boolean[] dilate(boolean[] mask, int w, int h, int radius) {
        if (radius <= 0) {
            return mask.clone();
        }
        // along rows: a set pixel within radius on the same row, from the row's prefix counts
        boolean[] rows = new boolean[mask.length];
        int[] prefix = new int[w + 1];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                prefix[x + 1] = prefix[x] + (mask[row + x] ? 1 : 0);
            }
            for (int x = 0; x < w; x++) {
                rows[row + x] = prefix[Math.min(w, x + radius + 1)] > prefix[Math.max(0, x - radius)];
            }
        }
        // along columns: a sliding count of the row results over rows y - radius .. y + radius
        boolean[] out = new boolean[mask.length];
        int[] count = new int[w];
        for (int y = 0; y < Math.min(radius, h); y++) {
            add(rows, y * w, count, 1);
        }
        for (int y = 0; y < h; y++) {
            if (y + radius < h) {
                add(rows, (y + radius) * w, count, 1);
            }
            if (y - radius - 1 >= 0) {
                add(rows, (y - radius - 1) * w, count, -1);
            }
            int row = y * w;
            for (int x = 0; x < w; x++) {
                out[row + x] = count[x] > 0;
            }
        }
        return out;
    }

    private static void add(boolean[] rows, int row, int[] count, int sign) {
        for (int x = 0; x < count.length; x++) {
            if (rows[row + x]) {
                count[x] += sign;
            }
        }
    }

    /**
     * @return pixels of {@code mask} whose whole square of radius {@code radius} (clipped at the
     *     border) is in {@code mask}
     */
    static boolean[] erode(boolean[] mask, int w, int h, int radius) {
        return not(dilate(not(mask), w, h, radius));
    }

    static boolean[] not(boolean[] mask) {
        boolean[] out = new boolean[mask.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = !mask[i];
        }
        return out;
    }
}
