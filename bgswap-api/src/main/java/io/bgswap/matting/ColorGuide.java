package io.bgswap.matting;

import io.bgswap.image.BoxFilter;
import io.bgswap.image.FloatImage;

/**
 * A colour image prepared for local linear models over {@code (2r+1)^2} windows: per window the
 * mean colour and the inverse of {@code covariance + eps * identity}. It serves two purposes that
 * share this preparation: the colour guided filter (He et al. 2010), and the matting Laplacian of
 * closed-form matting (Levin, Lischinski and Weiss 2008) applied without forming the matrix, using
 * box filters as in He, Sun and Tang, "Fast matting using large kernel matting Laplacian
 * matrices" (2010). Only the Laplacian is used at present.
 *
 * <p>Not thread-safe: {@link #laplacian} reuses scratch buffers. Create one per solve.
 */
final class ColorGuide {
    final int width;
    final int height;
    final int radius;
    private final float[] r;
    private final float[] g;
    private final float[] b;
    private final float[] mr;
    private final float[] mg;
    private final float[] mb;
    // symmetric inverse: s00 s01 s02 / s11 s12 / s22
    private final float[] s00;
    private final float[] s01;
    private final float[] s02;
    private final float[] s11;
    private final float[] s12;
    private final float[] s22;
    /** Share of a full window that each pixel's clipped window covers. */
    private final float[] coverage;
    // scratch
    private final FloatImage t0;
    private final FloatImage t1;
    private final FloatImage t2;
    private final FloatImage t3;
    private final FloatImage u0;
    private final FloatImage u1;
    private final FloatImage u2;
    private final FloatImage u3;
    /** The box filter's intermediate rows, shared by every filtering of one solve. */
    private final float[] scratch;

    /**
     * @param channels three guide channels (e.g. sRGB values / 255), same size
     * @param radius   window radius
     * @param eps      regularisation of the window covariance
     */
    ColorGuide(FloatImage[] channels, int radius, float eps) {
        this.width = channels[0].width();
        this.height = channels[0].height();
        this.radius = radius;
        int n = width * height;
        scratch = new float[n];
        r = channels[0].data();
        g = channels[1].data();
        b = channels[2].data();
        mr = box(channels[0], FloatImage.create(width, height)).data();
        mg = box(channels[1], FloatImage.create(width, height)).data();
        mb = box(channels[2], FloatImage.create(width, height)).data();
        float[] rr = new float[n];
        float[] rg = new float[n];
        float[] rb = new float[n];
        float[] gg = new float[n];
        float[] gb = new float[n];
        float[] bb = new float[n];
        for (int i = 0; i < n; i++) {
            rr[i] = r[i] * r[i];
            rg[i] = r[i] * g[i];
            rb[i] = r[i] * b[i];
            gg[i] = g[i] * g[i];
            gb[i] = g[i] * b[i];
            bb[i] = b[i] * b[i];
        }
        rr = mean(rr);
        rg = mean(rg);
        rb = mean(rb);
        gg = mean(gg);
        gb = mean(gb);
        bb = mean(bb);
        s00 = rr;
        s01 = rg;
        s02 = rb;
        s11 = gg;
        s12 = gb;
        s22 = bb;
        for (int i = 0; i < n; i++) {
            double a00 = rr[i] - mr[i] * mr[i] + eps;
            double a01 = rg[i] - mr[i] * mg[i];
            double a02 = rb[i] - mr[i] * mb[i];
            double a11 = gg[i] - mg[i] * mg[i] + eps;
            double a12 = gb[i] - mg[i] * mb[i];
            double a22 = bb[i] - mb[i] * mb[i] + eps;
            double c00 = a11 * a22 - a12 * a12;
            double c01 = a02 * a12 - a01 * a22;
            double c02 = a01 * a12 - a02 * a11;
            double c11 = a00 * a22 - a02 * a02;
            double c12 = a01 * a02 - a00 * a12;
            double c22 = a00 * a11 - a01 * a01;
            double det = a00 * c00 + a01 * c01 + a02 * c02;
            double inv = 1.0 / det;
            s00[i] = (float) (c00 * inv);
            s01[i] = (float) (c01 * inv);
            s02[i] = (float) (c02 * inv);
            s11[i] = (float) (c11 * inv);
            s12[i] = (float) (c12 * inv);
            s22[i] = (float) (c22 * inv);
        }
        float full = (2 * radius + 1) * (2 * radius + 1);
        coverage = new float[n];
        for (int y = 0; y < height; y++) {
            int cy = Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1;
            for (int x = 0; x < width; x++) {
                int cx = Math.min(width - 1, x + radius) - Math.max(0, x - radius) + 1;
                coverage[y * width + x] = cx * cy / full;
            }
        }
        t0 = FloatImage.create(width, height);
        t1 = FloatImage.create(width, height);
        t2 = FloatImage.create(width, height);
        t3 = FloatImage.create(width, height);
        u0 = FloatImage.create(width, height);
        u1 = FloatImage.create(width, height);
        u2 = FloatImage.create(width, height);
        u3 = FloatImage.create(width, height);
    }

    private FloatImage box(FloatImage src, FloatImage dst) {
        return BoxFilter.mean(src, radius, dst, scratch);
    }

    private float[] mean(float[] v) {
        return box(new FloatImage(width, height, v), FloatImage.create(width, height)).data();
    }

    private void fitAndSmooth(float[] p, FloatImage[] out) {
        int n = width * height;
        float[] xr = t0.data();
        float[] xg = t1.data();
        float[] xb = t2.data();
        for (int i = 0; i < n; i++) {
            xr[i] = r[i] * p[i];
            xg[i] = g[i] * p[i];
            xb[i] = b[i] * p[i];
        }
        float[] pm = box(new FloatImage(width, height, p), t3).data();
        float[] cr = box(t0, u0).data();
        float[] cg = box(t1, u1).data();
        float[] cb = box(t2, u2).data();
        float[] ar = t0.data();
        float[] ag = t1.data();
        float[] ab = t2.data();
        float[] bb = u3.data();
        for (int i = 0; i < n; i++) {
            float vr = cr[i] - mr[i] * pm[i];
            float vg = cg[i] - mg[i] * pm[i];
            float vb = cb[i] - mb[i] * pm[i];
            float a0 = s00[i] * vr + s01[i] * vg + s02[i] * vb;
            float a1 = s01[i] * vr + s11[i] * vg + s12[i] * vb;
            float a2 = s02[i] * vr + s12[i] * vg + s22[i] * vb;
            ar[i] = a0;
            ag[i] = a1;
            ab[i] = a2;
            bb[i] = pm[i] - a0 * mr[i] - a1 * mg[i] - a2 * mb[i];
        }
        box(t0, out[0]);
        box(t1, out[1]);
        box(t2, out[2]);
        box(u3, out[3]);
    }

    private final FloatImage[] smoothed = new FloatImage[4];

    /**
     * The matting Laplacian (divided by the full window size) times {@code x}:
     * {@code out_i = coverage_i * (x_i - A_i . I_i - B_i)} with {@code A, B} fitted to {@code x}.
     * The matrix is symmetric positive semi-definite, also at the borders.
     *
     * @param x   the vector
     * @param out where the product goes (not {@code x})
     */
    void laplacian(float[] x, float[] out) {
        if (smoothed[0] == null) {
            for (int k = 0; k < 4; k++) {
                smoothed[k] = FloatImage.create(width, height);
            }
        }
        fitAndSmooth(x, smoothed);
        float[] ar = smoothed[0].data();
        float[] ag = smoothed[1].data();
        float[] ab = smoothed[2].data();
        float[] bb = smoothed[3].data();
        for (int i = 0; i < out.length; i++) {
            out[i] = coverage[i] * (x[i] - ar[i] * r[i] - ag[i] * g[i] - ab[i] * b[i] - bb[i]);
        }
    }
}
