package io.bgswap.eval;

import io.bgswap.BgSwapException;
import io.bgswap.image.FloatImage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MatteEvaluatorTest {
    private static FloatImage img(int w, int h, float... v) {
        return new FloatImage(w, h, v);
    }

    @Test
    void identicalMattesHaveNoError() {
        FloatImage r = img(3, 2, 0f, 0.5f, 1f, 1f, 0.2f, 0f);
        MatteMetrics m = MatteEvaluator.measure(r.copy(), r);
        assertThat(m.overall().sad()).isZero();
        assertThat(m.overall().mse()).isZero();
        assertThat(m.overall().gradient()).isZero();
        assertThat(m.overall().connectivity()).isZero();
        assertThat(m.overall().iou()).isEqualTo(1.0);
        assertThat(m.overall().pixels()).isEqualTo(6);
    }

    @Test
    void oneWrongPixelGivesHandCheckedSadMseMadAndIou() {
        FloatImage ref = FloatImage.create(4, 4);
        FloatImage pred = FloatImage.create(4, 4);
        pred.data()[5] = 0.5f;
        ErrorSet e = MatteEvaluator.measure(pred, ref).overall();
        assertThat(e.sad()).isCloseTo(0.5 / 1000, within(1e-12));
        assertThat(e.mse()).isCloseTo(0.25 / 16, within(1e-12));
        assertThat(e.mad()).isCloseTo(0.5 / 16, within(1e-12));
        assertThat(e.iou()).isZero(); // the prediction has one pixel >= 0.5, the reference none
    }

    @Test
    void iouOfOverlappingHalfPlanes() {
        FloatImage ref = FloatImage.create(4, 4);
        FloatImage pred = FloatImage.create(4, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                ref.data()[y * 4 + x] = x < 2 ? 1f : 0f;
                pred.data()[y * 4 + x] = x < 3 ? 0.8f : 0.1f;
            }
        }
        ErrorSet e = MatteEvaluator.measure(pred, ref).overall();
        assertThat(e.iou()).isCloseTo(8.0 / 12.0, within(1e-12));
        // 8 pixels off by 0.2, 4 by 0.8, 4 by 0.1
        assertThat(e.sad()).isCloseTo((8 * 0.2 + 4 * 0.8 + 4 * 0.1) / 1000, within(1e-7));
    }

    @Test
    void boundaryBandIsTheDilatedSoftRegion() {
        FloatImage ref = FloatImage.create(7, 7);
        ref.data()[3 * 7 + 3] = 0.5f;
        ref.data()[0] = 1f; // hard values do not make band
        boolean[] band = MatteEvaluator.boundaryBand(ref, 1);
        int count = 0;
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 7; x++) {
                boolean expected = Math.abs(x - 3) <= 1 && Math.abs(y - 3) <= 1;
                assertThat(band[y * 7 + x]).as("(%d,%d)", x, y).isEqualTo(expected);
                count += band[y * 7 + x] ? 1 : 0;
            }
        }
        assertThat(count).isEqualTo(9);
        assertThat(MatteEvaluator.boundaryBand(ref, 0)).containsOnlyOnce(true);
    }

    @Test
    void bandErrorsCountOnlyBandPixels() {
        FloatImage ref = FloatImage.create(9, 1);
        ref.data()[4] = 0.5f;
        FloatImage pred = ref.copy();
        pred.data()[0] = 1f;   // outside the band (radius 1 covers x = 3..5)
        pred.data()[5] = 0.25f; // inside
        MatteMetrics m = MatteEvaluator.measure(pred, ref, 1);
        assertThat(m.band().pixels()).isEqualTo(3);
        assertThat(m.band().sad()).isCloseTo(0.25 / 1000, within(1e-9));
        assertThat(m.band().mad()).isCloseTo(0.25 / 3, within(1e-7));
        assertThat(m.overall().sad()).isCloseTo(1.25 / 1000, within(1e-9));
    }

    @Test
    void connectivityOfADisconnectedPixel() {
        // Both mattes are 1 except pixel 3 of the prediction, which cuts pixel 4 off the largest
        // component at the first threshold: l = 0 for pixels 3 and 4, 1 elsewhere.
        // phi(pred) = [1,1,1,1,0], phi(ref) = [1,1,1,0,0]  ->  error 1.
        FloatImage ref = img(5, 1, 1f, 1f, 1f, 1f, 1f);
        FloatImage pred = img(5, 1, 1f, 1f, 1f, 0f, 1f);
        assertThat(MatteEvaluator.measure(pred, ref).overall().connectivity()).isCloseTo(1.0 / 1000, within(1e-9));
    }

    @Test
    void connectivityOfASoftCut() {
        // Pixel 3 is 0.5: everything is connected up to t = 0.5, then pixels 3 and 4 leave: l = 0.5.
        // phi(pred) = [1,1,1,1,0.5], phi(ref) = [1,1,1,0.5,0.5]  ->  error 0.5.
        FloatImage ref = img(5, 1, 1f, 1f, 1f, 1f, 1f);
        FloatImage pred = img(5, 1, 1f, 1f, 1f, 0.5f, 1f);
        assertThat(MatteEvaluator.measure(pred, ref).overall().connectivity()).isCloseTo(0.5 / 1000, within(1e-7));
    }

    @Test
    void gradientErrorIsZeroOnFlatMattesAndQuadraticInTheSlope() {
        int w = 40;
        int h = 20;
        FloatImage flat = FloatImage.create(w, h);
        java.util.Arrays.fill(flat.data(), 0.3f);
        FloatImage ramp = FloatImage.create(w, h);
        FloatImage steep = FloatImage.create(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ramp.data()[y * w + x] = 0.3f + 0.005f * x;
                steep.data()[y * w + x] = 0.3f + 0.010f * x;
            }
        }
        FloatImage flat2 = flat.copy();
        flat2.data()[0] = 0.3f;
        assertThat(MatteEvaluator.measure(flat2, flat).overall().gradient()).isZero();
        double g1 = MatteEvaluator.measure(ramp, flat).overall().gradient();
        double g2 = MatteEvaluator.measure(steep, flat).overall().gradient();
        assertThat(g1).isPositive();
        // borders are replicated, so the magnitude is proportional to the slope everywhere
        assertThat(g2 / g1).isCloseTo(4.0, within(1e-3));
        // the measure is symmetric
        assertThat(MatteEvaluator.measure(flat, ramp).overall().gradient()).isCloseTo(g1, within(1e-9));
    }

    @Test
    void gradientMagnitudeOfARampMatchesTheKernelSum() {
        // For a ramp a(x) = s*x far from the borders, gx = s * sum_u u * dg(u) / ||kernel|| * sum g / ...
        // Checked here independently: the derivative kernel applied to x returns -sum_u u*dg(u) scaled.
        double sigma = 1.4;
        int half = (int) Math.ceil(sigma * Math.sqrt(-2 * Math.log(Math.sqrt(2 * Math.PI) * sigma * 1e-2)));
        assertThat(half).isEqualTo(4);
        double sg = 0, sdg = 0, sumG = 0, moment = 0;
        for (int u = -half; u <= half; u++) {
            double g = Math.exp(-u * u / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
            double dg = -u * g / (sigma * sigma);
            sg += g * g;
            sdg += dg * dg;
            sumG += g;
            moment += u * dg;
        }
        double expected = Math.abs(moment) * sumG / Math.sqrt(sg * sdg) * 0.01;
        int w = 30;
        FloatImage ramp = FloatImage.create(w, w);
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                ramp.data()[y * w + x] = 0.01f * x;
            }
        }
        float mid = MatteEvaluator.gradientMagnitude(ramp, sigma).get(15, 15);
        assertThat((double) mid).isCloseTo(expected, within(1e-5));
    }

    @Test
    void rejectsMismatchedSizes() {
        assertThatThrownBy(() -> MatteEvaluator.measure(FloatImage.create(2, 2), FloatImage.create(3, 2)))
                .isInstanceOf(BgSwapException.class);
    }

    /** A 60x40 reference: solid person on the left half, clear background on the right, a soft seam between. */
    private static FloatImage halves() {
        FloatImage ref = FloatImage.create(60, 40);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 60; x++) {
                ref.data()[y * 60 + x] = x < 29 ? 1f : (x == 29 ? 0.5f : 0f);
            }
        }
        return ref;
    }

    @Test
    void seeThroughCountsOnlySolidPixelsFarFromTheEdge() {
        FloatImage ref = halves();
        FloatImage pred = ref.copy();
        // solid pixels farther than 10 px from the seam (x = 29): x in 0..18, 19 columns x 40 rows
        pred.data()[5 * 60 + 3] = 0.85f;    // see-through
        pred.data()[6 * 60 + 3] = 0.95f;    // still solid enough
        pred.data()[7 * 60 + 25] = 0f;      // near the seam: not counted
        VisibleErrors v = MatteEvaluator.measure(pred, ref).visible();
        assertThat(v.solidPixels()).isEqualTo(19 * 40);
        assertThat(v.seeThrough()).isCloseTo(1.0 / (19 * 40), within(1e-12));
        assertThat(v.ghost()).isZero();
        byte[] mask = MatteEvaluator.visibleErrorMask(pred, ref);
        assertThat(mask[5 * 60 + 3]).isEqualTo(MatteEvaluator.SEE_THROUGH);
        assertThat(mask[7 * 60 + 25]).isZero();
    }

    @Test
    void ghostCountsOnlyClearPixelsFarFromTheEdge() {
        FloatImage ref = halves();
        FloatImage pred = ref.copy();
        // clear pixels farther than 10 px from the seam: x in 40..59, 20 columns x 40 rows
        pred.data()[10 * 60 + 50] = 0.2f;   // ghost
        pred.data()[11 * 60 + 50] = 0.1f;   // not above 0.1
        pred.data()[12 * 60 + 35] = 1f;     // near the seam: not counted
        VisibleErrors v = MatteEvaluator.visibleErrors(pred, ref);
        assertThat(v.clearPixels()).isEqualTo(20 * 40);
        assertThat(v.ghost()).isCloseTo(1.0 / (20 * 40), within(1e-12));
        assertThat(v.seeThrough()).isZero();
        assertThat(MatteEvaluator.visibleErrorMask(pred, ref)[10 * 60 + 50]).isEqualTo(MatteEvaluator.GHOST);
    }

    @Test
    void noSolidOrClearPixelsMeansNoShare() {
        FloatImage ref = img(2, 2, 0.5f, 0.5f, 0.5f, 0.5f);
        VisibleErrors v = MatteEvaluator.visibleErrors(FloatImage.create(2, 2), ref);
        assertThat(v.seeThrough()).isZero();
        assertThat(v.ghost()).isZero();
        assertThat(v.solidPixels()).isZero();
    }
}
