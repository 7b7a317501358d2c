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
import io.bgswap.matting.ForegroundEstimator;

/**
 * The default {@link Compositor}: blends {@code alpha * person + (1 - alpha) * background} in
 * linear light (sRGB decoded, mixed, re-encoded), so soft hair edges keep their brightness instead
 * of the dark fringe that blending encoded values gives. Picture backgrounds are scaled to cover
 * and centred; the blur background is a normalised convolution weighted by {@code 1 - alpha}, so
 * the person's colours do not bleed into the blurred scene.
 *
 * <p>{@link CompositeOptions} add foreground colour estimation in semi-transparent pixels (on by
 * default), colour/luminance harmonisation in CIE Lab and light wrap (both off by default).
 * Thread-safe: holds only immutable options.
 */
public final class LinearLightCompositor implements Compositor {
    /** Soft pixels are those with alpha strictly inside (SOFT, 1 - SOFT). */
    private static final float SOFT = 1f / 512f;

    private final CompositeOptions options;

    /** A compositor with {@link CompositeOptions#DEFAULT}. */
    public LinearLightCompositor() {
        this(CompositeOptions.DEFAULT);
    }

    /** @param options how to composite */
    public LinearLightCompositor(CompositeOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    /** @return the options in use */
    public CompositeOptions options() {
        return options;
    }

    @Override
    public ArgbImage composite(ArgbImage image, FloatImage alpha, Background background) {
        if (alpha.width() != image.width() || alpha.height() != image.height()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "alpha is " + alpha.width() + "x" + alpha.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
        float[][] fg = foreground(image, alpha);
        if (background instanceof Background.Transparent) {
            return withAlpha(image, alpha, fg);
        }
        int w = image.width();
        int h = image.height();
        float[][] back;
        if (background instanceof Background.Color c) {
            back = solid(c.rgb(), w * h);
        } else if (background instanceof Background.Picture p) {
            back = linear(cover(p.image(), w, h));
        } else if (background instanceof Background.Blur b) {
            float radius = b.radius() > 0 ? b.radius() : Math.max(4f, Math.max(w, h) / 80f);
            back = blurBehind(image, alpha, radius);
        } else {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Unsupported background " + background);
        }
        if (options.harmonize() > 0f) {
            Harmonizer.match(fg, alpha.data(), back, options.harmonize());
        }
        float[][] wrap = null;
        float[] wrapWeight = null;
        if (options.lightWrap() > 0f) {
            float radius = options.lightWrapRadius() > 0 ? options.lightWrapRadius() : Math.max(2f, Math.max(w, h) / 100f);
            int box = Math.max(1, Math.round(radius / 1.5f));
            wrap = new float[3][];
            for (int c = 0; c < 3; c++) {
                wrap[c] = blur3(new FloatImage(w, h, back[c]), box).data();
            }
            float[] outside = new float[w * h];
            float[] a = alpha.data();
            for (int i = 0; i < outside.length; i++) {
                outside[i] = 1f - clamp(a[i]);
            }
            float[] spread = blur3(new FloatImage(w, h, outside), box).data();
            wrapWeight = new float[w * h];
            for (int i = 0; i < outside.length; i++) {
                wrapWeight[i] = options.lightWrap() * clamp(a[i]) * Math.min(1f, 2f * spread[i]);
            }
        }
        float[] a = alpha.data();
        int[] out = new int[w * h];
        for (int i = 0; i < out.length; i++) {
            float ai = clamp(a[i]);
            float bi = 1f - ai;
            int px = 0xFF000000;
            for (int c = 0; c < 3; c++) {
                float v = fg[c][i] * ai + back[c][i] * bi;
                if (wrapWeight != null) {
                    v += (wrap[c][i] - v) * wrapWeight[i];
                }
                px |= Srgb.toSrgb(v) << (16 - 8 * c);
            }
            out[i] = px;
        }
        return new ArgbImage(w, h, out);
    }

    /** The person's linear colours: the photo's, or estimated ones in soft pixels when decontaminating. */
    private float[][] foreground(ArgbImage image, FloatImage alpha) {
        float[][] fg = linear(image);
        if (!options.decontaminate()) {
            return fg;
        }
        float[] a = alpha.data();
        boolean anySoft = false;
        for (float v : a) {
            if (v > SOFT && v < 1f - SOFT) {
                anySoft = true;
                break;
            }
        }
        if (!anySoft) {
            return fg;
        }
        FloatImage[] est = ForegroundEstimator.estimate(image, alpha);
        for (int i = 0; i < a.length; i++) {
            if (a[i] > SOFT && a[i] < 1f - SOFT) {
                for (int c = 0; c < 3; c++) {
                    fg[c][i] = est[c].data()[i];
                }
            }
        }
        return fg;
    }

    private static float[][] linear(ArgbImage image) {
        FloatImage[] ch = ForegroundEstimator.linearChannels(image);
        return new float[][] {ch[0].data(), ch[1].data(), ch[2].data()};
    }

    private static float[][] solid(int rgb, int n) {
        float[][] out = new float[3][n];
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(out[c], Srgb.toLinear(rgb >> (16 - 8 * c)));
        }
        return out;
    }

    private static ArgbImage withAlpha(ArgbImage image, FloatImage alpha, float[][] fg) {
        int[] p = image.pixels();
        float[] a = alpha.data();
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            int ai = Math.round(clamp(a[i]) * ((p[i] >>> 24) & 0xFF));
            out[i] = (ai << 24) | Srgb.toSrgb(fg[0][i]) << 16 | Srgb.toSrgb(fg[1][i]) << 8 | Srgb.toSrgb(fg[2][i]);
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
    private static float[][] blurBehind(ArgbImage image, FloatImage alpha, float radius) {
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
        float[][] blurred = new float[3][];
        float[][] fallback = new float[3][];
        for (int c = 0; c < 3; c++) {
            blurred[c] = blur3(channels[c], box).data();
            fallback[c] = blur3(plain[c], box).data();
        }
        float[] wd = wBlur.data();
        float[][] out = new float[3][n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                out[c][i] = wd[i] > 1e-3f ? blurred[c][i] / wd[i] : fallback[c][i];
            }
        }
        return out;
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
