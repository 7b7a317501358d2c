package io.bgswap;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;

/**
 * Finds the person: image in, person probability out. The probability map covers the whole
 * image at the model's own resolution (not the image's, and not necessarily its aspect ratio);
 * a {@link Matter} brings it to full resolution.
 *
 * <p>Segmenters come from the backends found through {@link java.util.ServiceLoader} (see
 * {@link io.bgswap.spi.BackendProvider}); {@link BackgroundSwapper} wires one up. Implementations
 * are thread-safe and hold native resources until {@link #close()}.
 */
public interface Segmenter extends AutoCloseable {
    /**
     * @param image the photo or frame
     * @return person probability in [0, 1]
     */
    FloatImage segment(ArgbImage image);

    /**
     * Segments into a caller's buffer, for per-frame use. {@code out} should have the model's
     * output size (the size {@link #segment(ArgbImage)} returns); another size is filled by
     * bilinear resampling. Implementations that can should override this to allocate nothing in
     * steady state; the default delegates and copies.
     *
     * @param image the photo or frame
     * @param out   receives person probability in [0, 1]
     * @return {@code out}
     */
    default FloatImage segment(ArgbImage image, FloatImage out) {
        FloatImage p = segment(image);
        if (p.sameSize(out)) {
            System.arraycopy(p.data(), 0, out.data(), 0, out.data().length);
            return out;
        }
        return io.bgswap.image.Resize.bilinear(p, out);
    }

    /** @return the model's name */
    String modelName();

    /** @return the backend's name */
    String backend();

    /** @return the device inference runs on */
    Device device();

    /** Frees native resources; idempotent. */
    @Override
    void close();
}
