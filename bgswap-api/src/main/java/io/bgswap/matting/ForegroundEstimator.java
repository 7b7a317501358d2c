package io.bgswap.matting;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Resize;
import io.bgswap.image.Srgb;

/**
 * Estimates the person's own colour in semi-transparent pixels (foreground colour estimation,
 * "decontamination"), following the multilevel method of Germer, Uelwer, Conrad and Harmeling,
 * "Fast multi-level foreground estimation" (2020). A photo pixel is {@code I = a F + (1 - a) B};
 * given {@code a}, foreground {@code F} and background {@code B} are found by minimising
 * {@code |a F + (1 - a) B - I|^2} plus a smoothness term whose weights
 * {@code eps + omega |a_i - a_j|} let colours change across alpha edges; the solve runs
 * coarse to fine, each level starting from the previous level's result, with a few Jacobi-Gauss-Seidel
 * sweeps per level. Colours are handled in linear light, where the compositing equation holds.
 *
 * <p>Thread-safe: the class holds no state.
 */
public final class ForegroundEstimator {
    private static final float EPS = 5e-3f;
    private static final float OMEGA = 1e-1f;
    private static final int SMALL_SIZE = 32;
    private static final int SMALL_ITERATIONS = 10;
    private static final int BIG_ITERATIONS = 2;

    /** Alpha within this distance of 0 or 1 counts as opaque or transparent: colours stay the photo's. */
    public static final float SOFT = 1f / 512f;

    private ForegroundEstimator() {
    }

    /**
     * The colours to composite for the person under a predicted matte: the photo's own, and in
     * semi-transparent pixels the photo's moved towards the estimated foreground in proportion to
     * alpha, {@code I + a (F - I)}. An estimate from a predicted matte is off by about
     * {@code (a_true - a) / a} times the foreground-background difference, which is largest where
     * the matte is faint; scaling the correction by {@code a} keeps it where it is reliable. On the
     * evaluation portraits composited over strong colours and matted by the default pipeline this
     * lowers the colour error in the boundary band, where the full correction raised it (see
     * docs/quality.md).
     *
     * @param image the photo
     * @param alpha its matte, same size
     * @return red, green and blue in linear light
     */
    public static FloatImage[] decontaminate(ArgbImage image, FloatImage alpha) {
        FloatImage[] colours = linearChannels(image);
        float[] a = alpha.data();
        boolean anySoft = false;
        for (float v : a) {
            if (v > SOFT && v < 1f - SOFT) {
                anySoft = true;
                break;
            }
        }
        if (!anySoft) {
            return colours;
        }
        FloatImage[] est = estimate(image, alpha);
        for (int c = 0; c < 3; c++) {
            float[] out = colours[c].data();
            float[] e = est[c].data();
            for (int i = 0; i < a.length; i++) {
                if (a[i] > SOFT && a[i] < 1f - SOFT) {
                    out[i] += (e[i] - out[i]) * a[i];
                }
            }
        }
        return colours;
    }

    /**
     * @param image the photo
     * @param alpha its matte, same size
     * @return the foreground colour as three linear-light channels (red, green, blue) in [0, 1]
     */
    public static FloatImage[] estimate(ArgbImage image, FloatImage alpha) {
        int w = image.width();
        int h = image.height();
        if (alpha.width() != w || alpha.height() != h) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "alpha is " + alpha + " but the image is " + image);
        }
        FloatImage[] full = linearChannels(image);
        float[] a0 = alpha.data();
        int levels = (int) Math.ceil(Math.log(Math.max(w, h)) / Math.log(2));
        levels = Math.max(1, levels);
        // level 0: one pixel holding the mean colour
        FloatImage[] fg = new FloatImage[3];
        FloatImage[] bg = new FloatImage[3];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (float v : full[c].data()) {
                sum += v;
            }
            fg[c] = new FloatImage(1, 1, new float[] {(float) (sum / (w * h))});
            bg[c] = fg[c].copy();
        }
        for (int l = 1; l <= levels; l++) {
            int lw = l == levels ? w : Math.max(1, (int) Math.round(Math.pow(w, (double) l / levels)));
            int lh = l == levels ? h : Math.max(1, (int) Math.round(Math.pow(h, (double) l / levels)));
            float[][] img = new float[3][];
            for (int c = 0; c < 3; c++) {
                img[c] = l == levels ? full[c].data() : Resize.bilinear(full[c], lw, lh).data();
                fg[c] = Resize.bilinear(fg[c], lw, lh);
                bg[c] = Resize.bilinear(bg[c], lw, lh);
            }
            float[] a = l == levels ? a0 : Resize.bilinear(alpha, lw, lh).data();
            int iterations = lw <= SMALL_SIZE && lh <= SMALL_SIZE ? SMALL_ITERATIONS : BIG_ITERATIONS;
            for (int it = 0; it < iterations; it++) {
                sweep(lw, lh, a, img, fg, bg);
            }
        }
        return fg;
    }

    private static void sweep(int w, int h, float[] alpha, float[][] img, FloatImage[] fg, FloatImage[] bg) {
        float[] fr = fg[0].data();
        float[] fgg = fg[1].data();
        float[] fb = fg[2].data();
        float[] br = bg[0].data();
        float[] bgg = bg[1].data();
        float[] bb = bg[2].data();
        float[] ir = img[0];
        float[] ig = img[1];
        float[] ib = img[2];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float a = clamp(alpha[i]);
                float wsum = 0;
                float sfr = 0, sfg = 0, sfb = 0, sbr = 0, sbg = 0, sbb = 0;
                for (int k = 0; k < 4; k++) {
                    int nx = x + (k == 0 ? -1 : k == 1 ? 1 : 0);
                    int ny = y + (k == 2 ? -1 : k == 3 ? 1 : 0);
                    if (nx < 0 || nx >= w || ny < 0 || ny >= h) {
                        continue;
                    }
                    int j = ny * w + nx;
                    float wt = EPS + OMEGA * Math.abs(a - clamp(alpha[j]));
                    wsum += wt;
                    sfr += wt * fr[j];
                    sfg += wt * fgg[j];
                    sfb += wt * fb[j];
                    sbr += wt * br[j];
                    sbg += wt * bgg[j];
                    sbb += wt * bb[j];
                }
                // [a^2 + W, a(1-a); a(1-a), (1-a)^2 + W] [F; B] = [a I + sF; (1-a) I + sB]
                float b = 1f - a;
                float m00 = a * a + wsum;
                float m01 = a * b;
                float m11 = b * b + wsum;
                float det = m00 * m11 - m01 * m01;
                float inv = 1f / det;
                fr[i] = solveF(m00, m01, m11, inv, a * ir[i] + sfr, b * ir[i] + sbr);
                br[i] = solveB(m00, m01, m11, inv, a * ir[i] + sfr, b * ir[i] + sbr);
                fgg[i] = solveF(m00, m01, m11, inv, a * ig[i] + sfg, b * ig[i] + sbg);
                bgg[i] = solveB(m00, m01, m11, inv, a * ig[i] + sfg, b * ig[i] + sbg);
                fb[i] = solveF(m00, m01, m11, inv, a * ib[i] + sfb, b * ib[i] + sbb);
                bb[i] = solveB(m00, m01, m11, inv, a * ib[i] + sfb, b * ib[i] + sbb);
            }
        }
    }

    private static float solveF(float m00, float m01, float m11, float inv, float r0, float r1) {
        return clamp((m11 * r0 - m01 * r1) * inv);
    }

    private static float solveB(float m00, float m01, float m11, float inv, float r0, float r1) {
        return clamp((m00 * r1 - m01 * r0) * inv);
    }

    private static float clamp(float v) {
        return v < 0f ? 0f : (v > 1f ? 1f : v);
    }

    /**
     * @param image a photo
     * @return red, green and blue in linear light
     */
    public static FloatImage[] linearChannels(ArgbImage image) {
        int[] px = image.pixels();
        float[][] ch = new float[3][px.length];
        for (int i = 0; i < px.length; i++) {
            int v = px[i];
            ch[0][i] = Srgb.toLinear(v >> 16);
            ch[1][i] = Srgb.toLinear(v >> 8);
            ch[2][i] = Srgb.toLinear(v);
        }
        return new FloatImage[] {new FloatImage(image.width(), image.height(), ch[0]),
            new FloatImage(image.width(), image.height(), ch[1]), new FloatImage(image.width(), image.height(), ch[2])};
    }
}
