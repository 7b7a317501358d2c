package io.bgswap.image;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ResizeRowCacheTest {
    /** The row-caching resize must give exactly the direct 2x2 mix of the documented coordinates. */
    @ParameterizedTest
    @CsvSource({"256,256,1280,720", "1280,720,256,256", "7,5,3,11", "1,1,4,4", "100,1,7,3", "3,9,3,9"})
    void equalsTheDirectTwoByTwoMix(int sw, int sh, int dw, int dh) {
        Random r = new Random(sw * 31 + dh);
        float[] src = new float[sw * sh];
        for (int i = 0; i < src.length; i++) {
            src[i] = r.nextFloat();
        }
        FloatImage d = Resize.bilinear(new FloatImage(sw, sh, src), dw, dh);
        Resize.Axis ax = Resize.Axis.of(sw, dw);
        Resize.Axis ay = Resize.Axis.of(sh, dh);
        for (int y = 0; y < dh; y++) {
            for (int x = 0; x < dw; x++) {
                int r0 = ay.lo()[y] * sw;
                int r1 = ay.hi()[y] * sw;
                int x0 = ax.lo()[x];
                int x1 = ax.hi()[x];
                float wx = ax.weight()[x];
                float top = src[r0 + x0] + (src[r0 + x1] - src[r0 + x0]) * wx;
                float bottom = src[r1 + x0] + (src[r1 + x1] - src[r1 + x0]) * wx;
                assertThat(d.data()[y * dw + x]).isEqualTo(top + (bottom - top) * ay.weight()[y]);
            }
        }
    }
}
