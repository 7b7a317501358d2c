package io.bgswap.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Conversions between bgswap's image types and {@link BufferedImage}. Kept apart from the
 * algorithms, which never touch AWT. Thread-safe: the class holds no state.
 */
public final class Images {
    private Images() {
    }

    /**
     * Copies any {@link BufferedImage} (grayscale, palette, 16-bit, with or without alpha) into an
     * {@link ArgbImage}, converting through the image's colour model.
     *
     * @param image the source
     * @return a new image
     */
    public static ArgbImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] pixels;
        if (image.getType() == BufferedImage.TYPE_INT_ARGB) {
            pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData().clone();
        } else if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData().clone();
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] |= 0xFF000000;
            }
        } else {
            pixels = image.getRGB(0, 0, w, h, null, 0, w);
        }
        return new ArgbImage(w, h, pixels);
    }

    /**
     * @param image the source
     * @return a {@code TYPE_INT_ARGB} image sharing no memory with the source
     */
    public static BufferedImage toBufferedImage(ArgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_ARGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        System.arraycopy(image.pixels(), 0, dst, 0, dst.length);
        return out;
    }

    /**
     * @param image the source; alpha is dropped
     * @return a {@code TYPE_INT_RGB} image
     */
    public static BufferedImage toOpaqueBufferedImage(ArgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int[] src = image.pixels();
        for (int i = 0; i < dst.length; i++) {
            dst[i] = src[i] & 0x00FFFFFF;
        }
        return out;
    }

    /**
     * @param matte values in [0, 1]
     * @return an opaque grayscale rendering, 0 black and 1 white
     */
    public static ArgbImage matteToArgb(FloatImage matte) {
        float[] a = matte.data();
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            int v = Math.round(Math.max(0f, Math.min(1f, a[i])) * 255f);
            out[i] = 0xFF000000 | (v << 16) | (v << 8) | v;
        }
        return new ArgbImage(matte.width(), matte.height(), out);
    }

    /**
     * @param image a grayscale image such as an alpha matte file; the green channel is read
     * @return values in [0, 1]
     */
    public static FloatImage argbToMatte(ArgbImage image) {
        int[] p = image.pixels();
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = ((p[i] >> 8) & 0xFF) / 255f;
        }
        return new FloatImage(image.width(), image.height(), out);
    }
}
