package io.bgswap.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

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
        } else if (isGray(image)) {
            pixels = grayPixels(image);
        } else if (isInterleavedSrgbBytes(image)) {
            pixels = interleavedPixels(image.getRaster(), image.getColorModel().hasAlpha());
        } else {
            pixels = image.getRGB(0, 0, w, h, null, 0, w);
        }
        return new ArgbImage(w, h, pixels);
    }

    /*
     * 8-bit sRGB in interleaved bytes (what the JPEG reader gives: BGR, or ABGR), not premultiplied:
     * getRGB() would convert pixel by pixel through the colour model for the same result.
     */
    private static boolean isInterleavedSrgbBytes(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        Raster r = image.getRaster();
        int bands = r.getNumBands();
        return cm instanceof ComponentColorModel && cm.getColorSpace().isCS_sRGB() && !cm.isAlphaPremultiplied()
                && r.getDataBuffer() instanceof DataBufferByte && r.getDataBuffer().getNumBanks() == 1
                && r.getSampleModel() instanceof PixelInterleavedSampleModel
                && (bands == 3 && !cm.hasAlpha() || bands == 4 && cm.hasAlpha())
                && cm.getComponentSize(0) == 8 && cm.getComponentSize(1) == 8 && cm.getComponentSize(2) == 8
                && (bands == 3 || cm.getComponentSize(3) == 8)
                && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0;
    }

    private static int[] interleavedPixels(Raster raster, boolean alpha) {
        PixelInterleavedSampleModel sm = (PixelInterleavedSampleModel) raster.getSampleModel();
        byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
        int base = raster.getDataBuffer().getOffset();
        int[] off = sm.getBandOffsets();
        int stride = sm.getScanlineStride();
        int step = sm.getPixelStride();
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            int p = base + y * stride;
            int o = y * w;
            for (int x = 0; x < w; x++, p += step) {
                int a = alpha ? data[p + off[3]] & 0xFF : 0xFF;
                out[o + x] = a << 24 | (data[p + off[0]] & 0xFF) << 16 | (data[p + off[1]] & 0xFF) << 8 | data[p + off[2]] & 0xFF;
            }
        }
        return out;
    }

    /*
     * Java's gray colour space is linear, so getRGB() brightens gray files (128 becomes 188). The
     * samples of gray JPEG and PNG files are gamma-encoded like sRGB, so they are copied as they are.
     */
    private static boolean isGray(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        return cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && image.getRaster().getNumBands() <= 2 && !cm.isAlphaPremultiplied() && cm.getTransferType() != DataBuffer.TYPE_FLOAT
                && cm.getTransferType() != DataBuffer.TYPE_DOUBLE;
    }

    private static int[] grayPixels(BufferedImage image) {
        Raster r = image.getRaster();
        int w = r.getWidth();
        int h = r.getHeight();
        ColorModel cm = image.getColorModel();
        boolean alpha = r.getNumBands() == 2 && cm.hasAlpha();
        double grayScale = 255.0 / ((1L << cm.getComponentSize(0)) - 1);
        double alphaScale = alpha ? 255.0 / ((1L << cm.getComponentSize(1)) - 1) : 0;
        int[] gray = new int[w];
        int[] a = alpha ? new int[w] : null;
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, gray);
            if (alpha) {
                r.getSamples(0, y, w, 1, 1, a);
            }
            for (int x = 0; x < w; x++) {
                int v = (int) Math.round(gray[x] * grayScale);
                int av = alpha ? (int) Math.round(a[x] * alphaScale) : 255;
                out[y * w + x] = (av << 24) | (v << 16) | (v << 8) | v;
            }
        }
        return out;
    }

    /**
     * A {@link BufferedImage} over the image's own pixel array, without a copy, for handing the
     * image to an encoder: {@code TYPE_INT_ARGB}, or with {@code alpha} false {@code TYPE_INT_RGB},
     * whose samples ignore the alpha byte. The view writes through to {@code image}; use it only
     * while nobody else changes the pixels.
     *
     * @param image the source
     * @param alpha whether the view has an alpha channel
     * @return the view
     */
    static BufferedImage view(ArgbImage image, boolean alpha) {
        int[] masks = alpha ? new int[] {0xFF0000, 0xFF00, 0xFF, 0xFF000000} : new int[] {0xFF0000, 0xFF00, 0xFF};
        ColorModel model = alpha ? ColorModel.getRGBdefault() : new DirectColorModel(24, masks[0], masks[1], masks[2]);
        int[] pixels = image.pixels();
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(pixels, pixels.length), image.width(),
                image.height(), image.width(), masks, null);
        return new BufferedImage(model, raster, false, null);
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
