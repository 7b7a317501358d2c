package io.bgswap.testing;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Images;

/** Mask comparisons for tests. */
public final class Masks {
    private Masks() {
    }

    /**
     * @param image a grey (or colour) image
     * @return its green channel as values in [0, 1]
     */
    public static FloatImage grey(ArgbImage image) {
        return Images.argbToMatte(image);
    }

    /**
     * @param a         a mask
     * @param b         a mask of the same size
     * @param threshold values at or above it count as foreground
     * @return intersection over union of the two thresholded masks (1 when both are empty)
     */
    public static double iou(FloatImage a, FloatImage b, float threshold) {
        if (!a.sameSize(b)) {
            throw new IllegalArgumentException("masks differ in size: " + a + " vs " + b);
        }
        float[] x = a.data();
        float[] y = b.data();
        long inter = 0;
        long union = 0;
        for (int i = 0; i < x.length; i++) {
            boolean p = x[i] >= threshold;
            boolean q = y[i] >= threshold;
            inter += p && q ? 1 : 0;
            union += p || q ? 1 : 0;
        }
        return union == 0 ? 1.0 : (double) inter / union;
    }
}
