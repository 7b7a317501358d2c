package io.bgswap.segmentation;

import io.bgswap.image.BoxFilter;
import io.bgswap.image.FloatImage;

/**
 * Binary dilation and erosion by a square (Chebyshev distance), in time independent of the radius
 * through running-sum box means. Windows are clipped at the image border, so erosion does not eat
 * into a region from the border: a person cut by the frame stays whole there. Thread-safe: holds
 * no state.
 */
final class Morphology {
    /** A window mean above this holds at least one set pixel (one pixel in a 2001-wide square is 2.5e-7). */
    private static final float ANY = 1e-7f;

    private Morphology() {
    }

    /**
     * @return pixels within Chebyshev distance {@code radius} of a set pixel of {@code mask}
     */
    static boolean[] dilate(boolean[] mask, int w, int h, int radius) {
        if (radius <= 0) {
            return mask.clone();
        }
        float[] mean = BoxFilter.mean(new FloatImage(w, h, toFloat(mask)), radius).data();
        boolean[] out = new boolean[mask.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean[i] > ANY;
        }
        return out;
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

    private static float[] toFloat(boolean[] mask) {
        float[] f = new float[mask.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = mask[i] ? 1f : 0f;
        }
        return f;
    }
}
