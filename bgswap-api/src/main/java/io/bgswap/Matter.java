package io.bgswap;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;

/**
 * Turns a coarse person probability into a soft alpha matte at the photo's full resolution, using
 * the photo to place edges. Discovered through {@link io.bgswap.spi.MatterProvider}.
 *
 * <p>A probability of exactly {@code 0} or {@code 1} is a decision of the segmenter (definite
 * background, definite person; {@link io.bgswap.segmentation.PersonAwareSegmenter} draws a whole
 * trimap that way): a matter that solves for alpha in an unknown region should keep such pixels.
 * Implementations are thread-safe.
 */
public interface Matter {
    /**
     * @param image       the photo
     * @param probability person probability covering the whole photo, at any resolution
     * @return alpha in [0, 1] with the photo's width and height
     */
    FloatImage refine(ArgbImage image, FloatImage probability);

    /**
     * Refines into a caller's buffer, for per-frame use. Implementations that can should override
     * this to allocate nothing in steady state; the default delegates and copies.
     *
     * @param image       the photo
     * @param probability person probability covering the whole photo, at any resolution
     * @param out         receives alpha; the photo's width and height
     * @return {@code out}
     */
    default FloatImage refine(ArgbImage image, FloatImage probability, FloatImage out) {
        if (out.width() != image.width() || out.height() != image.height()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "out is " + out.width() + "x" + out.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
        FloatImage alpha = refine(image, probability);
        System.arraycopy(alpha.data(), 0, out.data(), 0, out.data().length);
        return out;
    }
}
