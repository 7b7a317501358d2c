package io.bgswap.segmentation;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class MorphologyTest {
    /** The definition: a set pixel of {@code mask} within Chebyshev distance {@code r}, checked pixel by pixel. */
    private static boolean[] dilateByDefinition(boolean[] mask, int w, int h, int r) {
        boolean[] out = new boolean[mask.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int wy = Math.max(0, y - r); wy <= Math.min(h - 1, y + r) && !out[y * w + x]; wy++) {
                    for (int wx = Math.max(0, x - r); wx <= Math.min(w - 1, x + r); wx++) {
                        if (mask[wy * w + wx]) {
                            out[y * w + x] = true;
                            break;
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean[] random(Random random, int n, double share) {
        boolean[] mask = new boolean[n];
        for (int i = 0; i < n; i++) {
            mask[i] = random.nextDouble() < share;
        }
        return mask;
    }

    @Test
    void dilationMatchesItsDefinitionForSparseAndDenseMasksAndRadiiUpToBeyondTheImage() {
        Random random = new Random(7);
        int[][] sizes = {{1, 1}, {1, 9}, {9, 1}, {13, 7}, {40, 31}};
        for (int[] size : sizes) {
            int w = size[0];
            int h = size[1];
            for (double share : new double[] {0.0, 0.01, 0.2, 0.9}) {
                boolean[] mask = random(random, w * h, share);
                for (int r : new int[] {0, 1, 2, 5, 50}) {
                    assertThat(Morphology.dilate(mask, w, h, r))
                            .as("%dx%d, share %s, radius %d", w, h, share, r)
                            .containsExactly(dilateByDefinition(mask, w, h, r));
                }
            }
        }
    }

    @Test
    void erosionKeepsOnlyPixelsWhoseClippedSquareIsSetSoARegionCutByTheBorderStaysWhole() {
        int w = 10;
        int h = 6;
        boolean[] mask = new boolean[w * h];
        // columns 0..5 set: touches the left, top and bottom borders
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < 6; x++) {
                mask[y * w + x] = true;
            }
        }
        boolean[] eroded = Morphology.erode(mask, w, h, 2);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertThat(eroded[y * w + x]).as("(%d, %d)", x, y).isEqualTo(x <= 3);
            }
        }
    }
}
