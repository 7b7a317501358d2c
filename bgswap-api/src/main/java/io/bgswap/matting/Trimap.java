package io.bgswap.matting;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.BoxFilter;
import io.bgswap.image.FloatImage;

/**
 * A trimap made from a coarse person probability: pixels are known background, known foreground,
 * or unknown. Unknown are the pixels whose probability is between {@code low} and {@code high}, and
 * every pixel within {@code radius} (Chebyshev distance) of the {@code 0.5} boundary, so the band
 * is at least {@code 2 * radius + 1} pixels wide wherever the model drew an edge, hard or soft.
 * Immutable after construction apart from the shared arrays; thread-safe for reading.
 *
 * @param width  width in pixels
 * @param height height in pixels
 * @param labels per pixel {@link #BACKGROUND}, {@link #UNKNOWN} or {@link #FOREGROUND}
 */
public record Trimap(int width, int height, byte[] labels) {
    /** Known background. */
    public static final byte BACKGROUND = 0;
    /** To be solved. */
    public static final byte UNKNOWN = 1;
    /** Known foreground. */
    public static final byte FOREGROUND = 2;

    public Trimap {
        if (labels.length != width * height) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "labels must hold width * height values");
        }
    }

    /**
     * @param probability person probability
     * @param radius      half-width of the band around the 0.5 boundary, in pixels of {@code probability}
     * @param low         probabilities at or below are background unless near the boundary
     * @param high        probabilities at or above are foreground unless near the boundary
     * @return the trimap
     */
    public static Trimap fromProbability(FloatImage probability, int radius, float low, float high) {
        return fromProbability(probability, radius, low, high, null);
    }

    /**
     * Like {@link #fromProbability(FloatImage, int, float, float)}, but pixels the segmenter has
     * already decided stay known even near the {@code 0.5} boundary: only its own unknown pixels
     * (and the model's uncertain ones) are solved.
     *
     * @param probability person probability
     * @param radius      half-width of the band around the 0.5 boundary, in pixels of {@code probability}
     * @param low         probabilities at or below are background unless near the boundary
     * @param high        probabilities at or above are foreground unless near the boundary
     * @param decided     per pixel of {@code probability}, 1 where the segmenter decided it (see
     *                    {@link io.bgswap.Matter}), below 1 elsewhere; {@code null} for none
     * @return the trimap
     */
    public static Trimap fromProbability(FloatImage probability, int radius, float low, float high, FloatImage decided) {
        if (radius < 0 || !(low >= 0f && low < 0.5f && high > 0.5f && high <= 1f)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                    "trimap needs radius >= 0 and 0 <= low < 0.5 < high <= 1, got " + radius + ", " + low + ", " + high);
        }
        float[] p = probability.data();
        float[] inside = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            inside[i] = p[i] >= 0.5f ? 1f : 0f;
        }
        float[] near = radius == 0 ? inside
                : BoxFilter.mean(new FloatImage(probability.width(), probability.height(), inside), radius).data();
        byte[] labels = new byte[p.length];
        for (int i = 0; i < p.length; i++) {
            boolean mixed = near[i] > 1e-4f && near[i] < 1f - 1e-4f
                    && (decided == null || decided.data()[i] < 1f - 1e-4f);
            if (mixed || (p[i] > low && p[i] < high)) {
                labels[i] = UNKNOWN;
            } else {
                labels[i] = p[i] >= 0.5f ? FOREGROUND : BACKGROUND;
            }
        }
        return new Trimap(probability.width(), probability.height(), labels);
    }

    /** @return how many pixels are unknown */
    public int unknownCount() {
        int c = 0;
        for (byte b : labels) {
            if (b == UNKNOWN) {
                c++;
            }
        }
        return c;
    }
}
