package io.bgswap.image;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.util.Objects;

/**
 * A single-channel float image, row-major with no padding. bgswap uses it for person probability
 * and alpha mattes, both in {@code [0, 1]}.
 *
 * <p>The data array is shared, not copied. Instances are not thread-safe while someone writes
 * to {@link #data()}.
 */
public final class FloatImage {
    private final int width;
    private final int height;
    private final float[] data;

    /**
     * @param width  width in pixels
     * @param height height in pixels
     * @param data   {@code width * height} values
     */
    public FloatImage(int width, int height, float[] data) {
        ArgbImage.checkSize(width, height);
        Objects.requireNonNull(data, "data");
        if (data.length != width * height) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                    "data array holds " + data.length + " values, expected " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.data = data;
    }

    /**
     * @param width  width in pixels
     * @param height height in pixels
     * @return a zero-filled image
     */
    public static FloatImage create(int width, int height) {
        ArgbImage.checkSize(width, height);
        return new FloatImage(width, height, new float[width * height]);
    }

    /** @return width in pixels */
    public int width() {
        return width;
    }

    /** @return height in pixels */
    public int height() {
        return height;
    }

    /** @return the backing array */
    public float[] data() {
        return data;
    }

    /**
     * @param x column
     * @param y row
     * @return the value
     */
    public float get(int x, int y) {
        return data[y * width + x];
    }

    /**
     * Bilinear interpolation at a continuous position in pixel units, pixel {@code (i, j)} covering
     * {@code [i, i + 1) x [j, j + 1)} (so its value sits at {@code (i + 0.5, j + 0.5)}); positions
     * outside take the nearest edge's values.
     *
     * @param x horizontal position
     * @param y vertical position
     * @return the interpolated value
     */
    public float sample(double x, double y) {
        double fx = x - 0.5;
        double fy = y - 0.5;
        int x0 = (int) Math.floor(fx);
        int y0 = (int) Math.floor(fy);
        float ax = (float) (fx - x0);
        float ay = (float) (fy - y0);
        int xa = Math.max(0, Math.min(width - 1, x0));
        int xb = Math.max(0, Math.min(width - 1, x0 + 1));
        int ya = Math.max(0, Math.min(height - 1, y0));
        int yb = Math.max(0, Math.min(height - 1, y0 + 1));
        float top = data[ya * width + xa] + ax * (data[ya * width + xb] - data[ya * width + xa]);
        float bottom = data[yb * width + xa] + ax * (data[yb * width + xb] - data[yb * width + xa]);
        return top + ay * (bottom - top);
    }

    /** @return a deep copy */
    public FloatImage copy() {
        return new FloatImage(width, height, data.clone());
    }

    /**
     * @param other another image
     * @return whether both have the same width and height
     */
    public boolean sameSize(FloatImage other) {
        return width == other.width && height == other.height;
    }

    @Override
    public String toString() {
        return "FloatImage[" + width + "x" + height + "]";
    }
}
