package io.bgswap.image;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.util.Objects;

/**
 * An 8-bit colour image stored as packed, non-premultiplied {@code 0xAARRGGBB} ints in row-major
 * order with no padding ({@code stride == width}). Colour values are sRGB-encoded; bgswap assumes
 * sRGB for every input and writes sRGB.
 *
 * <p>The pixel array is shared, not copied: the type exists so that a video pipeline can reuse one
 * buffer per frame. Instances are not thread-safe while someone writes to {@link #pixels()}.
 */
public final class ArgbImage {
    private final int width;
    private final int height;
    private final int[] pixels;

    /**
     * Wraps an existing pixel array.
     *
     * @param width  width in pixels, &gt; 0
     * @param height height in pixels, &gt; 0
     * @param pixels {@code width * height} packed ARGB values
     */
    public ArgbImage(int width, int height, int[] pixels) {
        checkSize(width, height);
        Objects.requireNonNull(pixels, "pixels");
        if (pixels.length != width * height) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                    "pixel array holds " + pixels.length + " values, expected " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /**
     * @param width  width in pixels
     * @param height height in pixels
     * @return a new, fully transparent black image
     */
    public static ArgbImage create(int width, int height) {
        checkSize(width, height);
        return new ArgbImage(width, height, new int[width * height]);
    }

    static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "image size must be positive, was " + width + "x" + height);
        }
        if ((long) width * height > Integer.MAX_VALUE - 8) {
            throw new BgSwapException(ErrorCode.IMAGE_TOO_LARGE, "image " + width + "x" + height + " is too large for one array");
        }
    }

    /** @return width in pixels */
    public int width() {
        return width;
    }

    /** @return height in pixels */
    public int height() {
        return height;
    }

    /** @return the backing array, row-major, {@code 0xAARRGGBB} */
    public int[] pixels() {
        return pixels;
    }

    /**
     * @param x column
     * @param y row
     * @return the packed pixel
     */
    public int get(int x, int y) {
        return pixels[y * width + x];
    }

    /** @return a deep copy */
    public ArgbImage copy() {
        return new ArgbImage(width, height, pixels.clone());
    }

    /** @return whether any pixel is not fully opaque */
    public boolean hasTransparency() {
        for (int p : pixels) {
            if ((p >>> 24) != 0xFF) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "ArgbImage[" + width + "x" + height + "]";
    }
}
