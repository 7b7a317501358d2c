package io.bgswap.image;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BoxFilterTest {
    @Test
    void matchesBruteForceWithClippedWindows() {
        for (int[] size : new int[][] {{13, 9}, {1, 5}, {5, 1}, {40, 3}, {2, 2}, {2, 7}, {7, 2}, {67, 33}}) {
            check(size[0], size[1]);
        }
    }

    private static void check(int w, int h) {
        Random rnd = new Random(7);
        float[] d = new float[w * h];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextFloat();
        }
        FloatImage src = new FloatImage(w, h, d);
        for (int r : new int[] {0, 1, 3, 6, 7, 12, 13, 19, 20, 45}) {
            FloatImage out = BoxFilter.mean(src, r);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double sum = 0;
                    int n = 0;
                    for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
                        for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
                            sum += d[yy * w + xx];
                            n++;
                        }
                    }
                    assertThat(out.get(x, y)).as("%dx%d r=%d at %d,%d", w, h, r, x, y).isCloseTo((float) (sum / n), within(1e-5f));
                }
            }
        }
    }
}
