package io.bgswap.matting;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Srgb;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ForegroundEstimatorTest {
    /**
     * Foreground skin-coloured, background saturated green, alpha a horizontal ramp; the photo is
     * the linear-light mix. The estimate must be much closer to the true foreground in the soft
     * pixels than the photo's own colours are.
     */
    @Test
    void recoversTheForegroundColourInSoftPixels() {
        int w = 64;
        int h = 32;
        float[] fg = {Srgb.toLinear(200), Srgb.toLinear(150), Srgb.toLinear(120)};
        float[] bg = {Srgb.toLinear(0), Srgb.toLinear(220), Srgb.toLinear(0)};
        FloatImage alpha = FloatImage.create(w, h);
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float a = Math.max(0f, Math.min(1f, (x - 16) / 32f));
                alpha.data()[y * w + x] = a;
                int p = 0xFF000000;
                for (int c = 0; c < 3; c++) {
                    p |= Srgb.toSrgb(a * fg[c] + (1 - a) * bg[c]) << (16 - 8 * c);
                }
                px[y * w + x] = p;
            }
        }
        ArgbImage image = new ArgbImage(w, h, px);
        FloatImage[] est = ForegroundEstimator.estimate(image, alpha);
        FloatImage[] raw = ForegroundEstimator.linearChannels(image);
        double errEst = 0;
        double errRaw = 0;
        int n = 0;
        for (int i = 0; i < w * h; i++) {
            float a = alpha.data()[i];
            if (a > 0.1f && a < 0.9f) {
                for (int c = 0; c < 3; c++) {
                    errEst += Math.abs(est[c].data()[i] - fg[c]);
                    errRaw += Math.abs(raw[c].data()[i] - fg[c]);
                }
                n++;
            }
        }
        assertThat(n).isPositive();
        assertThat(errEst / n).isLessThan(errRaw / n * 0.25);
    }
}
