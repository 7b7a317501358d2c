package io.bgswap;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;

/**
 * Puts the person on a new background. Discovered through
 * {@link io.bgswap.spi.CompositorProvider}. Implementations are thread-safe.
 */
public interface Compositor {
    /**
     * @param image      the photo
     * @param alpha      the matte, same size as the photo
     * @param background what goes behind the person
     * @return the result, same size as the photo; with alpha for {@link Background.Transparent}
     */
    ArgbImage composite(ArgbImage image, FloatImage alpha, Background background);

    /**
     * Composites into a caller's buffer, for per-frame use. Implementations that can should
     * override this to allocate nothing in steady state; the default delegates and copies.
     *
     * @param image      the photo
     * @param alpha      the matte, same size as the photo
     * @param background what goes behind the person
     * @param out        receives the result; same size as the photo (may not be {@code image})
     * @return {@code out}
     */
    default ArgbImage composite(ArgbImage image, FloatImage alpha, Background background, ArgbImage out) {
        if (out.width() != image.width() || out.height() != image.height()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "out is " + out.width() + "x" + out.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
        ArgbImage result = composite(image, alpha, background);
        System.arraycopy(result.pixels(), 0, out.pixels(), 0, out.pixels().length);
        return out;
    }
}
