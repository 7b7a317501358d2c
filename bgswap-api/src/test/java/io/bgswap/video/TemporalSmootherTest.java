package io.bgswap.video;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TemporalSmootherTest {
    static ArgbImage scene(int w, int h, int squareX, int base) {
        ArgbImage img = ArgbImage.create(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean sq = x >= squareX && x < squareX + 40 && y >= 20 && y < 80;
                int v = sq ? 230 : base + (x + y) % 20;
                img.pixels()[y * w + x] = 0xFF000000 | v << 16 | v << 8 | v;
            }
        }
        return img;
    }

    static FloatImage truth(int squareX) {
        FloatImage p = FloatImage.create(50, 25);
        for (int y = 0; y < 25; y++) {
            for (int x = 0; x < 50; x++) {
                int fx = x * 4 + 2;
                int fy = y * 4 + 2;
                p.data()[y * 50 + x] = fx >= squareX && fx < squareX + 40 && fy >= 20 && fy < 80 ? 1f : 0f;
            }
        }
        return p;
    }

    @Test
    void dampsFlickerWhereTheImageIsStill() {
        TemporalSmoother s = new TemporalSmoother(TemporalSmoother.Settings.DEFAULT);
        Random r = new Random(1);
        ArgbImage frame = scene(200, 100, 60, 40);
        double rawChange = 0;
        double smoothChange = 0;
        FloatImage prev = null;
        float[] prevRaw = null;
        for (int t = 0; t < 30; t++) {
            FloatImage p = truth(60);
            for (int i = 0; i < p.data().length; i++) {
                p.data()[i] = Math.max(0, Math.min(1, p.data()[i] + (float) (r.nextGaussian() * 0.2)));
            }
            float[] raw = p.data().clone();
            s.smooth(frame, p);
            if (prev != null && t > 5) {
                for (int i = 0; i < raw.length; i++) {
                    rawChange += Math.abs(raw[i] - prevRaw[i]);
                    smoothChange += Math.abs(p.data()[i] - prev.data()[i]);
                }
            }
            prev = p.copy();
            prevRaw = raw;
        }
        assertThat(smoothChange).isLessThan(0.4 * rawChange);
    }

    @Test
    void followsMotionWithoutATrail() {
        TemporalSmoother s = new TemporalSmoother(TemporalSmoother.Settings.DEFAULT);
        for (int t = 0; t < 5; t++) {
            s.smooth(scene(200, 100, 40, 40), truth(40));
        }
        // the square jumps 40 px to the right
        FloatImage p = s.smooth(scene(200, 100, 80, 40), truth(80));
        // where it was (and is no more), the probability drops at once; where it is now, it is high
        assertThat(p.get(12, 12)).as("old place").isLessThan(0.1f);
        assertThat(p.get(27, 12)).as("new place").isGreaterThan(0.9f);
    }

    @Test
    void resetsOnASceneCut() {
        TemporalSmoother s = new TemporalSmoother(TemporalSmoother.Settings.DEFAULT);
        for (int t = 0; t < 5; t++) {
            s.smooth(scene(200, 100, 40, 30), truth(40));
            assertThat(s.lastWasReset()).isEqualTo(t == 0);
        }
        FloatImage fresh = truth(120);
        FloatImage expected = fresh.copy();
        s.smooth(scene(200, 100, 120, 150), fresh); // the whole picture changes brightness
        assertThat(s.lastWasReset()).isTrue();
        assertThat(fresh.data()).containsExactly(expected.data());
    }

    @Test
    void offChangesNothing() {
        TemporalSmoother s = new TemporalSmoother(new TemporalSmoother.Settings(1f, 1f, 0.05f, 0.2f, 2));
        s.smooth(scene(200, 100, 40, 40), truth(40));
        FloatImage p = truth(44);
        FloatImage expected = p.copy();
        s.smooth(scene(200, 100, 40, 40), p);
        assertThat(p.data()).containsExactly(expected.data());
    }
}
