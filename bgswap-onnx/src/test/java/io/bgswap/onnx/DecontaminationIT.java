package io.bgswap.onnx;

import io.bgswap.BackgroundSwapper;
import io.bgswap.eval.MatteEvaluator;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Srgb;
import io.bgswap.matting.ForegroundEstimator;
import io.bgswap.testing.EvalSet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Foreground colour estimation measurably removes the old background from semi-transparent pixels.
 * Each evaluation photo is taken as the true foreground and composited, in linear light, with its
 * reference alpha over a strongly coloured background; the result is matted by the default
 * pipeline, and the colour the compositor uses for the person with {@code --decontaminate}
 * ({@link ForegroundEstimator#decontaminate}) is compared with the true one in the boundary band
 * (weighted by the reference alpha, since colour only matters where the person is visible): it
 * must be closer than the photo's own colours. With the reference matte, the plain estimate must
 * remove at least half of the error (a check of the estimator itself).
 */
class DecontaminationIT {
    private static final int[] BACKGROUNDS = {0x00FF00, 0xFF00FF, 0x0000FF};

    @Test
    void estimationLowersTheColourErrorInTheBand() {
        List<EvalSet.Sample> samples = EvalSet.require();
        double withSum = 0;
        double withoutSum = 0;
        double withRefSum = 0;
        StringBuilder report = new StringBuilder(String.format("%n%-12s %8s %12s %14s%n", "image", "bg", "raw colours",
                "decontaminated"));
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().model(BackgroundSwapper.PORTRAIT_MODEL).backend("onnx").build()) {
            for (int k = 0; k < samples.size(); k++) {
                EvalSet.Sample s = samples.get(k);
                ArgbImage truth = s.readImage();
                FloatImage alpha = s.readAlpha();
                int bg = BACKGROUNDS[k % BACKGROUNDS.length];
                ArgbImage synthetic = composite(truth, alpha, bg);
                FloatImage matte = swapper.matte(synthetic);
                boolean[] band = MatteEvaluator.boundaryBand(alpha, MatteEvaluator.DEFAULT_BAND_RADIUS);
                FloatImage[] f = ForegroundEstimator.linearChannels(truth);
                FloatImage[] raw = ForegroundEstimator.linearChannels(synthetic);
                FloatImage[] est = ForegroundEstimator.decontaminate(synthetic, matte);
                FloatImage[] estRef = asCompositorUses(ForegroundEstimator.estimate(synthetic, alpha), raw, alpha);
                double without = error(raw, f, alpha, band);
                double with = error(est, f, alpha, band);
                double withRef = error(estRef, f, alpha, band);
                withoutSum += without;
                withSum += with;
                withRefSum += withRef;
                report.append(String.format("%-12s  #%06X %12.4f %14.4f  (with the reference matte: %.4f)%n", s.name(), bg,
                        without, with, withRef));
            }
        }
        int n = samples.size();
        report.append(String.format("%-12s %8s %12.4f %14.4f  (with the reference matte: %.4f)%n", "mean", "", withoutSum / n,
                withSum / n, withRefSum / n));
        System.out.print(report);
        assertThat(withSum / n).as("colour error with the predicted matte, decontaminated vs raw").isLessThan(withoutSum / n);
        assertThat(withRefSum / n).as("colour error with the reference matte, estimated vs raw").isLessThan(0.5 * withoutSum / n);
    }

    private static ArgbImage composite(ArgbImage fg, FloatImage alpha, int rgb) {
        int[] p = fg.pixels();
        float[] a = alpha.data();
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            int px = 0xFF000000;
            for (int c = 0; c < 3; c++) {
                int shift = 16 - 8 * c;
                float v = a[i] * Srgb.toLinear(p[i] >> shift) + (1 - a[i]) * Srgb.toLinear(rgb >> shift);
                px |= Srgb.toSrgb(v) << shift;
            }
            out[i] = px;
        }
        return new ArgbImage(fg.width(), fg.height(), out);
    }

    /** The plain estimate where the matte is semi-transparent, the photo's colours elsewhere. */
    private static FloatImage[] asCompositorUses(FloatImage[] estimated, FloatImage[] raw, FloatImage matte) {
        float[] a = matte.data();
        FloatImage[] out = new FloatImage[3];
        for (int c = 0; c < 3; c++) {
            out[c] = raw[c].copy();
            for (int i = 0; i < a.length; i++) {
                if (a[i] > ForegroundEstimator.SOFT && a[i] < 1f - ForegroundEstimator.SOFT) {
                    out[c].data()[i] = estimated[c].data()[i];
                }
            }
        }
        return out;
    }

    /** Mean absolute linear-RGB error in the band, weighted by the reference alpha. */
    private static double error(FloatImage[] used, FloatImage[] truth, FloatImage alpha, boolean[] band) {
        double sum = 0;
        double weight = 0;
        float[] a = alpha.data();
        for (int i = 0; i < a.length; i++) {
            if (band[i] && a[i] > 0f) {
                for (int c = 0; c < 3; c++) {
                    sum += a[i] * Math.abs(used[c].data()[i] - truth[c].data()[i]);
                }
                weight += 3 * a[i];
            }
        }
        return sum / weight;
    }
}
