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

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The default {@link Compositor}: blends {@code alpha * person + (1 - alpha) * background} in
 * linear light (sRGB decoded, mixed, re-encoded), so soft hair edges keep their brightness instead
 * of the dark fringe that blending encoded values gives. Picture backgrounds are scaled to cover
 * and centred; the blur background is a normalised convolution weighted by {@code 1 - alpha}, so
 * the person's colours do not bleed into the blurred scene.
 *
 * <p>{@link CompositeOptions} add foreground colour estimation in semi-transparent pixels (on by
 * default for stills), colour/luminance harmonisation in CIE Lab and light wrap (both off by
 * default). With {@link CompositeOptions#PLAIN} every frame takes the fast path below; the video
 * pipeline uses that by default, since estimating foreground colours costs about as much as the
 * rest of a frame.
 *
 * <p>For video, {@link #composite(ArgbImage, FloatImage, Background, ArgbImage)} writes into a
 * caller's buffer and allocates nothing in steady state: the last scaled picture background is
 * cached (pictures are treated as immutable), and the blur background is computed at a reduced
 * resolution matched to the blur radius, in pooled scratch buffers.
 * Thread-safe: the options are immutable, the cache and the pool are safe for concurrent use.
 */
public final class LinearLightCompositor implements Compositor {
    private static final int POOL_LIMIT = 4;

    private final CompositeOptions options;

    private volatile CoverCache coverCache;
    private final ConcurrentLinkedQueue<BlurWorkspace> blurPool = new ConcurrentLinkedQueue<>();

    private record CoverCache(ArgbImage source, ArgbImage covered) {
    }

    /** A compositor with {@link CompositeOptions#DEFAULT}. */
    public LinearLightCompositor() {
        this(CompositeOptions.DEFAULT);
    }

    /** @param options how to composite */
    public LinearLightCompositor(CompositeOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** @return the options in use */
    public CompositeOptions options() {
        return options;
    }

    private boolean plain() {
        return !options.decontaminate() && options.harmonize() <= 0f && options.lightWrap() <= 0f;
    }

    @Override
    public ArgbImage composite(ArgbImage image, FloatImage alpha, Background background, ArgbImage out) {
        checkSizes(image, alpha);
        if (out.width() != image.width() || out.height() != image.height()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "out is " + out.width() + "x" + out.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
        if (out == image) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "out must not be the input image");
        }
        int[] o = out.pixels();
        if (!plain()) {
            System.arraycopy(refined(image, alpha, background).pixels(), 0, o, 0, o.length);
            return out;
        }
        if (background instanceof Background.Transparent) {
            withAlpha(image, alpha, o);
        } else if (background instanceof Background.Color c) {
            blendColor(image, alpha, c.rgb(), o);
        } else if (background instanceof Background.Picture p) {
            blendImage(image, alpha, coverCached(p.image(), image.width(), image.height()), o);
        } else if (background instanceof Background.Blur b) {
            BlurWorkspace ws = borrowBlur(image.width(), image.height(), blurRadius(b, image));
            try {
                ws.blurBehind(image, alpha);
                ws.blend(image, alpha, o);
            } finally {
                if (blurPool.size() < POOL_LIMIT) {
                    blurPool.offer(ws);
                }
            }
        } else {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Unsupported background " + background);
        }
        return out;
    }

    private ArgbImage coverCached(ArgbImage back, int width, int height) {
        if (back.width() == width && back.height() == height) {
            return back;
        }
        CoverCache c = coverCache;
        if (c != null && c.source() == back && c.covered().width() == width && c.covered().height() == height) {
            return c.covered();
        }
        ArgbImage covered = cover(back, width, height);
        coverCache = new CoverCache(back, covered);
        return covered;
    }

    private BlurWorkspace borrowBlur(int w, int h, float radius) {
        int box = Math.max(1, Math.round(radius / 1.5f));
        for (int tries = blurPool.size(); tries > 0; tries--) {
            BlurWorkspace ws = blurPool.poll();
            if (ws == null) {
                break;
            }
            if (ws.fits(w, h, box)) {
                return ws;
            }
        }
        return new BlurWorkspace(w, h, box);
    }

    private static float blurRadius(Background.Blur b, ArgbImage image) {
        return b.radius() > 0 ? b.radius() : Math.max(4f, Math.max(image.width(), image.height()) / 80f);
    }

    private static void checkSizes(ArgbImage image, FloatImage alpha) {
        if (alpha.width() != image.width() || alpha.height() != image.height()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "alpha is " + alpha.width() + "x" + alpha.height()
                    + " but the image is " + image.width() + "x" + image.height());
        }
    }

    @Override
    public ArgbImage composite(ArgbImage image, FloatImage alpha, Background background) {
        checkSizes(image, alpha);
        if (!plain() || background instanceof Background.Blur) {
            // stills: the blur is computed at full resolution, in linear light
            return refined(image, alpha, background);
        }
        return composite(image, alpha, background, ArgbImage.create(image.width(), image.height()));
    }

    private static void withAlpha(ArgbImage image, FloatImage alpha, int[] out) {
        int[] p = image.pixels();
        float[] a = alpha.data();
        for (int i = 0; i < p.length; i++) {
            int ai = Math.round(clamp(a[i]) * ((p[i] >>> 24) & 0xFF));
            out[i] = (ai << 24) | (p[i] & 0xFFFFFF);
        }
    }

    private static void blendColor(ArgbImage image, FloatImage alpha, int rgb, int[] out) {
        float br = Srgb.toLinear(rgb >> 16);
        float bg = Srgb.toLinear(rgb >> 8);
        float bb = Srgb.toLinear(rgb);
        int back = 0xFF000000 | rgb;
        int[] p = image.pixels();
        float[] a = alpha.data();
        for (int i = 0; i < p.length; i++) {
            float ai = a[i];
            int px = p[i];
            if (ai >= 1f) {
                out[i] = 0xFF000000 | px;
            } else if (!(ai > 0f)) {
                out[i] = back;
            } else {
                float bi = 1f - ai;
                out[i] = 0xFF000000
                        | Srgb.toSrgb(Srgb.toLinear(px >> 16) * ai + br * bi) << 16
                        | Srgb.toSrgb(Srgb.toLinear(px >> 8) * ai + bg * bi) << 8
                        | Srgb.toSrgb(Srgb.toLinear(px) * ai + bb * bi);
            }
        }
    }

    private static void blendImage(ArgbImage image, FloatImage alpha, ArgbImage back, int[] out) {
        int[] p = image.pixels();
        int[] q = back.pixels();
        float[] a = alpha.data();
        for (int i = 0; i < p.length; i++) {
            float ai = a[i];
            int px = p[i];
            int bx = q[i];
            if (ai >= 1f) {
                out[i] = 0xFF000000 | px;
            } else if (!(ai > 0f)) {
                out[i] = 0xFF000000 | bx;
            } else {
                float bi = 1f - ai;
                out[i] = 0xFF000000
                        | Srgb.toSrgb(Srgb.toLinear(px >> 16) * ai + Srgb.toLinear(bx >> 16) * bi) << 16
                        | Srgb.toSrgb(Srgb.toLinear(px >> 8) * ai + Srgb.toLinear(bx >> 8) * bi) << 8
                        | Srgb.toSrgb(Srgb.toLinear(px) * ai + Srgb.toLinear(bx) * bi);
            }
        }
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
        return cover(back, ArgbImage.create(width, height));
    }

    /**
     * Scales a background to cover {@code dst} keeping its aspect ratio, centred, sampling the
     * source directly (bilinear, no intermediate image), for per-frame use.
     *
     * @param back the background
     * @param dst  receives the covering crop (may not be {@code back})
     * @return {@code dst}
     */
    public static ArgbImage cover(ArgbImage back, ArgbImage dst) {
        int width = dst.width();
        int height = dst.height();
        if (back.width() == width && back.height() == height) {
            System.arraycopy(back.pixels(), 0, dst.pixels(), 0, width * height);
            return dst;
        }
        double scale = Math.max((double) width / back.width(), (double) height / back.height());
        int sw = Math.max(width, (int) Math.ceil(back.width() * scale));
        int sh = Math.max(height, (int) Math.ceil(back.height() * scale));
        int ox = (sw - width) / 2;
        int oy = (sh - height) / 2;
        return Resize.bilinearWindow(back, sw, sh, ox, oy, dst);
    }

    /**
     * The full path in linear light: estimated foreground colours in soft pixels, harmonisation and
     * light wrap as the options ask, the blur background at full resolution.
     */
    private ArgbImage refined(ArgbImage image, FloatImage alpha, Background background) {
        float[][] fg = foreground(image, alpha);
        if (background instanceof Background.Transparent) {
            return withEstimatedColours(image, alpha, fg);
        }
        int w = image.width();
        int h = image.height();
        float[][] back;
        if (background instanceof Background.Color c) {
            back = solid(c.rgb(), w * h);
        } else if (background instanceof Background.Picture p) {
            back = linear(cover(p.image(), w, h));
        } else if (background instanceof Background.Blur b) {
            float radius = blurRadius(b, image);
            back = blurBehindLinear(image, alpha, radius);
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

    /** The person's linear colours: the photo's, or decontaminated ones in soft pixels. */
    private float[][] foreground(ArgbImage image, FloatImage alpha) {
        FloatImage[] ch = options.decontaminate() ? ForegroundEstimator.decontaminate(image, alpha)
                : ForegroundEstimator.linearChannels(image);
        return new float[][] {ch[0].data(), ch[1].data(), ch[2].data()};
    }

    private static float[][] linear(ArgbImage image) {
        FloatImage[] ch = ForegroundEstimator.linearChannels(image);
        return new float[][] {ch[0].data(), ch[1].data(), ch[2].data()};
    }

    private static float[][] solid(int rgb, int n) {
        float[][] out = new float[3][n];
        for (int c = 0; c < 3; c++) {
            Arrays.fill(out[c], Srgb.toLinear(rgb >> (16 - 8 * c)));
        }
        return out;
    }

    private static ArgbImage withEstimatedColours(ArgbImage image, FloatImage alpha, float[][] fg) {
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
     * Blurs the photo's background only: each channel and the background weight {@code 1 - alpha}
     * are blurred (three box passes, close to a Gaussian) and divided, in linear light.
     */
    private static float[][] blurBehindLinear(ArgbImage image, FloatImage alpha, float radius) {
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

    /**
     * The blur background for video: the weighted blur of {@link #blurBehindLinear} computed at a
     * resolution reduced in step with the blur radius (a wide blur has no detail to lose), then
     * upsampled. One instance per image size and radius; not thread-safe (pooled).
     */
    private static final class BlurWorkspace {
        final int width;
        final int height;
        final int box;
        final int factor;
        final int lw;
        final int lh;
        final int lowBox;
        final int step;
        final float[] invCount;
        final float[] fallback = {0.2f, 0.2f, 0.2f};
        final FloatImage weight;
        final FloatImage[] weighted = new FloatImage[3];
        final FloatImage t1;
        final FloatImage t2;
        final float[] scratch;
        final float[][] linear;
        final float[][] rows;
        final int[] cellOfColumn;
        final Resize.Axis ax;
        final Resize.Axis ay;

        BlurWorkspace(int w, int h, int box) {
            this.width = w;
            this.height = h;
            this.box = box;
            this.factor = Math.max(1, box / 2);
            this.lw = (w + factor - 1) / factor;
            this.lh = (h + factor - 1) / factor;
            this.lowBox = Math.max(1, Math.round((float) box / factor));
            weight = FloatImage.create(lw, lh);
            for (int c = 0; c < 3; c++) {
                weighted[c] = FloatImage.create(lw, lh);
            }
            this.step = factor >= 2 ? 2 : 1;
            this.invCount = new float[lw * lh];
            for (int y = 0; y < h; y += step) {
                for (int x = 0; x < w; x += step) {
                    invCount[(y / factor) * lw + x / factor]++;
                }
            }
            for (int k = 0; k < invCount.length; k++) {
                invCount[k] = invCount[k] > 0 ? 1f / invCount[k] : 0f;
            }
            t1 = FloatImage.create(lw, lh);
            t2 = FloatImage.create(lw, lh);
            scratch = new float[lw * lh];
            linear = new float[3][lw * lh];
            rows = new float[3][lw];
            cellOfColumn = new int[w];
            for (int x = 0; x < w; x++) {
                cellOfColumn[x] = x / factor;
            }
            ax = Resize.Axis.of(lw, w);
            ay = Resize.Axis.of(lh, h);
        }

        boolean fits(int w, int h, int b) {
            return width == w && height == h && box == b;
        }

        /** Fills {@link #linear} with the low-resolution blurred background, in linear light. */
        void blurBehind(ArgbImage image, FloatImage alpha) {
            int[] p = image.pixels();
            float[] a = alpha.data();
            float[] wd = weight.data();
            java.util.Arrays.fill(wd, 0f);
            for (int c = 0; c < 3; c++) {
                java.util.Arrays.fill(weighted[c].data(), 0f);
            }
            float[] w0 = weighted[0].data();
            float[] w1 = weighted[1].data();
            float[] w2 = weighted[2].data();
            // block means over a sample grid (every other pixel once blocks are 2 pixels or more:
            // the blur that follows removes what that loses)
            int[] cellOfColumn = this.cellOfColumn;
            double sumW = 0;
            double sum0 = 0;
            double sum1 = 0;
            double sum2 = 0;
            for (int y = 0; y < height; y += step) {
                int ly = (y / factor) * lw;
                int row = y * width;
                for (int x = 0; x < width; x += step) {
                    int k = ly + cellOfColumn[x];
                    int px = p[row + x];
                    float wb = 1f - clamp(a[row + x]);
                    if (wb > 0f) {
                        float r = Srgb.toLinear(px >> 16) * wb;
                        float g = Srgb.toLinear(px >> 8) * wb;
                        float b = Srgb.toLinear(px) * wb;
                        wd[k] += wb;
                        w0[k] += r;
                        w1[k] += g;
                        w2[k] += b;
                    }
                }
            }
            for (int k = 0; k < wd.length; k++) {
                sumW += wd[k];
                sum0 += w0[k];
                sum1 += w1[k];
                sum2 += w2[k];
                float inv = invCount[k];
                wd[k] *= inv;
                w0[k] *= inv;
                w1[k] *= inv;
                w2[k] *= inv;
            }
            // deep inside the person, farther than the blur reaches from any background, the mean
            // background colour stands in (it shows only where such pixels are not fully opaque)
            float[] fallback = sumW > 0
                    ? new float[] {(float) (sum0 / sumW), (float) (sum1 / sumW), (float) (sum2 / sumW)}
                    : this.fallback;
            blur3(weight);
            for (int c = 0; c < 3; c++) {
                blur3(weighted[c]);
                float[] bl = weighted[c].data();
                float[] lin = linear[c];
                float fb = fallback[c];
                for (int k = 0; k < lin.length; k++) {
                    lin[k] = wd[k] > 1e-3f ? bl[k] / wd[k] : fb;
                }
            }
        }

        /**
         * Blends the photo over the blurred background, upsampling the background only where it
         * shows (alpha below 1) and mixing in linear light without re-encoding it first.
         */
        void blend(ArgbImage image, FloatImage alpha, int[] out) {
            int[] p = image.pixels();
            float[] a = alpha.data();
            float[] l0 = linear[0];
            float[] l1 = linear[1];
            float[] l2 = linear[2];
            float[] v0 = rows[0];
            float[] v1 = rows[1];
            float[] v2 = rows[2];
            int[] xlo = ax.lo();
            int[] xhi = ax.hi();
            float[] xw = ax.weight();
            for (int y = 0; y < height; y++) {
                int r0 = ay.lo()[y] * lw;
                int r1 = ay.hi()[y] * lw;
                float wy = ay.weight()[y];
                for (int x = 0; x < lw; x++) {
                    v0[x] = l0[r0 + x] + (l0[r1 + x] - l0[r0 + x]) * wy;
                    v1[x] = l1[r0 + x] + (l1[r1 + x] - l1[r0 + x]) * wy;
                    v2[x] = l2[r0 + x] + (l2[r1 + x] - l2[r0 + x]) * wy;
                }
                int row = y * width;
                for (int x = 0; x < width; x++) {
                    int i = row + x;
                    float ai = a[i];
                    int px = p[i];
                    if (ai >= 1f) {
                        out[i] = 0xFF000000 | px;
                        continue;
                    }
                    int x0 = xlo[x];
                    int x1 = xhi[x];
                    float wx = xw[x];
                    float br = v0[x0] + (v0[x1] - v0[x0]) * wx;
                    float bg = v1[x0] + (v1[x1] - v1[x0]) * wx;
                    float bb = v2[x0] + (v2[x1] - v2[x0]) * wx;
                    if (!(ai > 0f)) {
                        out[i] = 0xFF000000 | Srgb.toSrgb(br) << 16 | Srgb.toSrgb(bg) << 8 | Srgb.toSrgb(bb);
                    } else {
                        float bi = 1f - ai;
                        out[i] = 0xFF000000
                                | Srgb.toSrgb(Srgb.toLinear(px >> 16) * ai + br * bi) << 16
                                | Srgb.toSrgb(Srgb.toLinear(px >> 8) * ai + bg * bi) << 8
                                | Srgb.toSrgb(Srgb.toLinear(px) * ai + bb * bi);
                    }
                }
            }
        }

        /** Three box passes in place (through two scratch images). */
        private void blur3(FloatImage img) {
            BoxFilter.mean(img, lowBox, t1, scratch);
            BoxFilter.mean(t1, lowBox, t2, scratch);
            BoxFilter.mean(t2, lowBox, img, scratch);
        }
    }
}
