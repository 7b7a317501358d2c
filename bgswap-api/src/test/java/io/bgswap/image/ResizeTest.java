package io.bgswap.image;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ResizeTest {
    @Test
    void upsamplingTwoPixelsUsesHalfPixelCentres() {
        FloatImage src = new FloatImage(2, 1, new float[] {0f, 1f});
        FloatImage dst = Resize.bilinear(src, 4, 1);
        // output x maps to (x + 0.5) / 2 - 0.5: -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
        assertThat(dst.data()).containsExactly(new float[] {0f, 0.25f, 0.75f, 1f}, within(1e-6f));
    }

    @Test
    void sameSizeIsIdentity() {
        FloatImage src = new FloatImage(3, 2, new float[] {1, 2, 3, 4, 5, 6});
        assertThat(Resize.bilinear(src, 3, 2).data()).containsExactly(src.data());
    }

    @Test
    void downsamplingByTwoAveragesPairs() {
        FloatImage src = new FloatImage(4, 1, new float[] {0, 2, 4, 6});
        // x maps to (x + 0.5) * 2 - 0.5 = 0.5, 2.5
        assertThat(Resize.bilinear(src, 2, 1).data()).containsExactly(new float[] {1f, 5f}, within(1e-6f));
    }

    @Test
    void argbResizeKeepsConstantColour() {
        int[] px = new int[6 * 4];
        java.util.Arrays.fill(px, 0x80336699);
        ArgbImage out = Resize.bilinear(new ArgbImage(6, 4, px), 3, 7);
        assertThat(out.pixels()).containsOnly(0x80336699);
    }

    @Test
    void areaAveragesBlocks() {
        FloatImage src = new FloatImage(4, 2, new float[] {1, 3, 5, 7, 1, 3, 5, 7});
        assertThat(Resize.area(src, 2, 1).data()).containsExactly(new float[] {2f, 6f}, within(1e-6f));
    }

    @Test
    void aMaskGivenAsAPredicateResamplesExactlyLikeItsPlane() {
        java.util.Random random = new java.util.Random(3);
        int[][] sizes = {{7, 5, 20, 13}, {20, 13, 7, 5}, {9, 9, 9, 9}, {1, 1, 4, 3}, {31, 17, 12, 40}};
        for (int[] s : sizes) {
            float[] plane = new float[s[0] * s[1]];
            for (int i = 0; i < plane.length; i++) {
                plane[i] = random.nextInt(3) == 0 ? 1f : 0f;
            }
            FloatImage expected = Resize.bilinear(new FloatImage(s[0], s[1], plane), s[2], s[3]);
            FloatImage actual = Resize.bilinear(s[0], s[1], i -> plane[i] == 1f, FloatImage.create(s[2], s[3]));
            assertThat(actual.data()).as("%dx%d to %dx%d", s[0], s[1], s[2], s[3]).containsExactly(expected.data());
        }
    }
}
