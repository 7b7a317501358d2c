package io.bgswap;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;

/**
 * Turns a coarse person probability into a soft alpha matte at the photo's full resolution, using
 * the photo to place edges. Discovered through {@link io.bgswap.spi.MatterProvider}.
 * Implementations are thread-safe.
 */
public interface Matter {
    /**
     * @param image       the photo
     * @param probability person probability covering the whole photo, at any resolution
     * @return alpha in [0, 1] with the photo's width and height
     */
    FloatImage refine(ArgbImage image, FloatImage probability);
}
