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
}
