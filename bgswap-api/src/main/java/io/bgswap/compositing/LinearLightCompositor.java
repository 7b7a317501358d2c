package io.bgswap.compositing;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.Compositor;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.BoxFilter;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Resize;
import io.bgswap.image.Srgb;

/**
 * The default {@link Compositor}: blends {@code alpha * person + (1 - alpha) * background} in
 * linear light (sRGB decoded, mixed, re-encoded), so soft hair edges keep their brightness instead
 * of the dark fringe that blending encoded values gives. Picture backgrounds are scaled to cover
 * and centred; the blur background is a normalised convolution weighted by {@code 1 - alpha}, so
 * the person's colours do not bleed into the blurred scene. Thread-safe: holds no state.
 */
public final class LinearLightCompositor implements Compositor {
    @Override
    public ArgbImage composite(ArgbImage image, FloatImage alpha, Background background) {
        if (alpha.width() != image.width() || alpha.height() != image.height()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "alpha is " + alpha.width() + "x" + alpha.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
        if (background instanceof Background.Transparent) {
            return withAlpha(image, alpha);
        }
        if (background instanceof Background.Color c) {
            return blendColor(image, alpha, c.rgb());
        }
        if (background instanceof Background.Picture p) {
            return blendImage(image, alpha, cover(p.image(), image.width(), image.height()));
        }
        if (background instanceof Background.Blur b) {
            float radius = b.radius() > 0 ? b.radius() : Math.max(4f, Math.max(image.width(), image.height()) / 80f);
            return blendImage(image, alpha, blurBehind(image, alpha, radius));
        }
        throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Unsupported background " + background);
    }

    private static ArgbImage withAlpha(ArgbImage image, FloatImage alpha) {
        int[] p = image.pixels();
        float[] a = alpha.data();
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            int ai = Math.round(clamp(a[i]) * ((p[i] >>> 24) & 0xFF));
            out[i] = (ai << 24) | (p[i] & 0xFFFFFF);
        }
        return new ArgbImage(image.width(), image.height(), out);
    }

    private static ArgbImage blendColor(ArgbImage image, FloatImage alpha, int rgb) {
        float br = Srgb.toLinear(rgb >> 16);
        float bg = Srgb.toLinear(rgb >> 8);
        float bb = Srgb.toLinear(rgb);
        int[] p = image.pixels();
        float[] a = alpha.data();
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            float ai = clamp(a[i]);
            float bi = 1f - ai;
            int px = p[i];
            out[i] = 0xFF000000
                    | Srgb.toSrgb(Srgb.toLinear(px >> 16) * ai + br * bi) << 16
                    | Srgb.toSrgb(Srgb.toLinear(px >> 8) * ai + bg * bi) << 8
                    | Srgb.toSrgb(Srgb.toLinear(px) * ai + bb * bi);
        }
        return new ArgbImage(image.width(), image.height(), out);
    }

    private static ArgbImage blendImage(ArgbImage image, FloatImage alpha, ArgbImage back) {
        int[] p = image.pixels();
        int[] q = back.pixels();
        float[] a = alpha.data();
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            float ai = clamp(a[i]);
            float bi = 1f - ai;
            int px = p[i];
            int bx = q[i];
            out[i] = 0xFF000000
                    | Srgb.toSrgb(Srgb.toLinear(px >> 16) * ai + Srgb.toLinear(bx >> 16) * bi) << 16
                    | Srgb.toSrgb(Srgb.toLinear(px >> 8) * ai + Srgb.toLinear(bx >> 8) * bi) << 8
                    | Srgb.toSrgb(Srgb.toLinear(px) * ai + Srgb.toLinear(bx) * bi);
        }
        return new ArgbImage(image.width(), image.height(), out);
    }

    /**
     * Scales a background to cover {@code width x height} keeping its aspect ratio, centred.
     *
     * @param back   the background
     * @param width  target width
     * @param height target height
     * @return an image of exactly that size
     */
    public static ArgbImage cover(ArgbImage back, int width, int height) {
        double scale = Math.max((double) width / back.width(), (double) height / back.height());
        int sw = Math.max(width, (int) Math.ceil(back.width() * scale));
        int sh = Math.max(height, (int) Math.ceil(back.height() * scale));
        ArgbImage scaled = sw == back.width() && sh == back.height() ? back : Resize.bilinear(back, sw, sh);
        int ox = (sw - width) / 2;
        int oy = (sh - height) / 2;
        int[] out = new int[width * height];
        for (int y = 0; y < height; y++) {
            System.arraycopy(scaled.pixels(), (y + oy) * sw + ox, out, y * width, width);
        }
        return new ArgbImage(width, height, out);
    }

    /**
     * Blurs the photo's background only: each channel and the background weight {@code 1 - alpha}
     * are blurred (three box passes, close to a Gaussian) and divided, in linear light.
     */
    private static ArgbImage blurBehind(ArgbImage image, FloatImage alpha, float radius) {
        int w = image.width();
        int h = image.height();
        int n = w * h;
        int box = Math.max(1, Math.round(radius / 1.5f));
        int[] p = image.pixels();
        float[] a = alpha.data();
        FloatImage weight = FloatImage.create(w, h);
        FloatImage[] channels = {FloatImage.create(w, h), FloatImage.create(w, h), FloatImage.create(w, h)};
        FloatImage[] plain = {FloatImage.create(w, h), FloatImage.create(w, h), FloatImage.create(w, h)};
        for (int i = 0; i < n; i++) {
            float wb = 1f - clamp(a[i]);
            weight.data()[i] = wb;
            for (int c = 0; c < 3; c++) {
                float v = Srgb.toLinear(p[i] >> (16 - 8 * c));
                plain[c].data()[i] = v;
                channels[c].data()[i] = v * wb;
            }
        }
        FloatImage wBlur = blur3(weight, box);
        int[] out = new int[n];
        float[][] blurred = new float[3][];
        float[][] fallback = new float[3][];
        for (int c = 0; c < 3; c++) {
            blurred[c] = blur3(channels[c], box).data();
            fallback[c] = blur3(plain[c], box).data();
        }
        float[] wd = wBlur.data();
        for (int i = 0; i < n; i++) {
            int px = 0xFF000000;
            for (int c = 0; c < 3; c++) {
                float v = wd[i] > 1e-3f ? blurred[c][i] / wd[i] : fallback[c][i];
                px |= Srgb.toSrgb(v) << (16 - 8 * c);
            }
            out[i] = px;
        }
        return new ArgbImage(w, h, out);
    }

    private static FloatImage blur3(FloatImage src, int radius) {
        FloatImage a = BoxFilter.mean(src, radius);
        FloatImage b = BoxFilter.mean(a, radius);
        return BoxFilter.mean(b, radius, a);
    }

    private static float clamp(float v) {
        return v < 0f ? 0f : (v > 1f ? 1f : v);
    }
}
