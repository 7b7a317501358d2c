package io.bgswap.video;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.BoxFilter;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Srgb;

/**
 * Steadies a stream of person probabilities: motion-aware exponential smoothing. Each pixel of the
 * new probability is mixed with the previous smoothed one; where the picture is still, the previous
 * value weighs heavily (flicker of the model is damped), where the picture moves the new value takes
 * over (no ghost trails behind a moving person). Motion is the change of luma between consecutive
 * frames, measured on the probability's grid and spread over a small neighbourhood. A scene cut
 * (a large mean luma change) resets the history.
 *
 * <p>Works at the model's resolution, before matting, so its cost does not grow with the frame
 * size beyond one pass that averages luma into the probability grid. Not thread-safe: one instance
 * follows one stream, frame after frame.
 */
public final class TemporalSmoother {
    /**
     * Smoothing settings. Immutable and thread-safe.
     *
     * @param stillWeight       weight of the new probability where nothing moves, in (0, 1];
     *                          1 turns smoothing off
     * @param motionScale       mean luma change (0..1) at which a pixel counts as fully moving
     * @param sceneCutThreshold mean absolute luma change over the whole frame that resets the history
     * @param movingWeight      weight of the new probability where the picture moves by
     *                          {@code motionScale} or more, in [stillWeight, 1]
     * @param motionScale       mean luma change (0..1) at which a pixel counts as fully moving
     * @param sceneCutThreshold mean absolute luma change over the whole frame that resets the history
     * @param motionRadius      radius, in probability pixels, over which motion is spread
     */
    public record Settings(float stillWeight, float movingWeight, float motionScale, float sceneCutThreshold, int motionRadius) {
        /** Settings that work for typical webcam and phone footage. */
        public static final Settings DEFAULT = new Settings(0.2f, 1f, 0.05f, 0.18f, 2);
        /** No smoothing at all (every frame stands alone). */
        public static final Settings OFF = new Settings(1f, 1f, 0.05f, 0.18f, 2);

        /** Validates. */
        public Settings {
            if (!(stillWeight > 0f && stillWeight <= 1f) || !(movingWeight >= stillWeight && movingWeight <= 1f)
                    || !(motionScale > 0f) || !(sceneCutThreshold > 0f) || motionRadius < 0) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "bad smoothing settings: stillWeight in (0, 1],"
                        + " movingWeight in [stillWeight, 1], motionScale > 0, sceneCutThreshold > 0, motionRadius >= 0");
            }
        }
    }

    private final Settings settings;
    private int pw;
    private int ph;
    private int fw;
    private int fh;
    private float[] previous;
    private FloatImage luma;
    private float[] previousLuma;
    private FloatImage motion;
    private FloatImage spread;
    private float[] scratch;
    private float[] counts;
    private int[] cellOfColumn;
    private int[] cellOfRow;
    private boolean primed;
    private boolean lastWasCut;

    /**
     * @param settings the smoothing settings
     */
    public TemporalSmoother(Settings settings) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
    }

    /** @return the settings */
    public Settings settings() {
        return settings;
    }

    /** Forgets the history; the next frame stands alone. */
    public void reset() {
        primed = false;
    }

    /** @return whether the last call to {@link #smooth} started afresh (first frame, scene cut, size change) */
    public boolean lastWasReset() {
        return lastWasCut;
    }

    /**
     * Smooths {@code probability} in place against the history, and records it.
     *
     * @param frame       the frame the probability belongs to
     * @param probability the model's person probability for it, at the model's resolution; overwritten
     * @return {@code probability}
     */
    public FloatImage smooth(ArgbImage frame, FloatImage probability) {
        prepare(frame.width(), frame.height(), probability.width(), probability.height());
        averageLuma(frame);
        float[] p = probability.data();
        float[] l = luma.data();
        if (!primed) {
            lastWasCut = true;
            remember(p, l);
            return probability;
        }
        float[] m = motion.data();
        double total = 0;
        for (int i = 0; i < l.length; i++) {
            float d = Math.abs(l[i] - previousLuma[i]);
            m[i] = d;
            total += d;
        }
        if (total / l.length > settings.sceneCutThreshold()) {
            lastWasCut = true;
            remember(p, l);
            return probability;
        }
        lastWasCut = false;
        float[] s = settings.motionRadius() > 0 ? BoxFilter.mean(motion, settings.motionRadius(), spread, scratch).data() : m;
        float still = settings.stillWeight();
        float moving = settings.movingWeight();
        float inv = 1f / settings.motionScale();
        for (int i = 0; i < p.length; i++) {
            float move = s[i] * inv;
            float w = move >= 1f ? moving : still + (moving - still) * move;
            p[i] = previous[i] + (p[i] - previous[i]) * w;
        }
        remember(p, l);
        return probability;
    }

    private void remember(float[] p, float[] l) {
        System.arraycopy(p, 0, previous, 0, p.length);
        System.arraycopy(l, 0, previousLuma, 0, l.length);
        primed = true;
    }

    private void prepare(int frameWidth, int frameHeight, int probWidth, int probHeight) {
        if (previous != null && pw == probWidth && ph == probHeight && fw == frameWidth && fh == frameHeight) {
            return;
        }
        pw = probWidth;
        ph = probHeight;
        fw = frameWidth;
        fh = frameHeight;
        int n = pw * ph;
        previous = new float[n];
        previousLuma = new float[n];
        luma = FloatImage.create(pw, ph);
        motion = FloatImage.create(pw, ph);
        spread = FloatImage.create(pw, ph);
        scratch = new float[n];
        counts = new float[n];
        cellOfColumn = new int[fw];
        cellOfRow = new int[fh];
        for (int x = 0; x < fw; x++) {
            cellOfColumn[x] = Math.min(pw - 1, (int) ((long) x * pw / fw));
        }
        for (int y = 0; y < fh; y++) {
            cellOfRow[y] = Math.min(ph - 1, (int) ((long) y * ph / fh));
        }
        primed = false;
    }

    /** Averages the frame's luma over the cells of the probability grid (box downsampling). */
    private void averageLuma(ArgbImage frame) {
        float[] l = luma.data();
        java.util.Arrays.fill(l, 0f);
        java.util.Arrays.fill(counts, 0f);
        int[] px = frame.pixels();
        // a sample grid about twice as fine as the cells is enough for a motion measure
        int stepX = Math.max(1, (fw / pw + 1) / 2);
        int stepY = Math.max(1, (fh / ph + 1) / 2);
        for (int y = 0; y < fh; y += stepY) {
            int cellRow = cellOfRow[y] * pw;
            int row = y * fw;
            for (int x = 0; x < fw; x += stepX) {
                int c = cellRow + cellOfColumn[x];
                l[c] += Srgb.luma(px[row + x]);
                counts[c]++;
            }
        }
        for (int i = 0; i < l.length; i++) {
            if (counts[i] > 0) {
                l[i] /= counts[i];
            }
        }
        if (fw < pw || fh < ph) {
            // frame smaller than the grid: fill empty cells from their left/upper neighbour
            for (int i = 0; i < l.length; i++) {
                if (counts[i] == 0) {
                    l[i] = i % pw > 0 ? l[i - 1] : (i >= pw ? l[i - pw] : 0f);
                }
            }
        }
    }
}
