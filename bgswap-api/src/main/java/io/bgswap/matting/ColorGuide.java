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
    // whole-image scratch of laplacian, made on its first call (the block form never needs it)
    private final FloatImage[] t = new FloatImage[4];
    private final FloatImage[] u = new FloatImage[4];
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
            int cy = windowSpan(y, height);
            for (int x = 0; x < width; x++) {
                int cx = windowSpan(x, width);
                coverage[y * width + x] = cx * cy / full;
            }
        }
    }

    /**
     * @param p    a row or column
     * @param size the image's height or width
     * @return how many rows or columns the window around {@code p} holds, clipped to the image
     */
    private int windowSpan(int p, int size) {
        return Math.min(size - 1, p + radius) - Math.max(0, p - radius) + 1;
    }

    private FloatImage box(FloatImage src, FloatImage dst) {
        return BoxFilter.mean(src, radius, dst, scratch);
    }

    private float[] mean(float[] v) {
        return box(new FloatImage(width, height, v), FloatImage.create(width, height)).data();
    }

    private void fitAndSmooth(float[] p, FloatImage[] out) {
        int n = width * height;
        float[] xr = t[0].data();
        float[] xg = t[1].data();
        float[] xb = t[2].data();
        for (int i = 0; i < n; i++) {
            xr[i] = r[i] * p[i];
            xg[i] = g[i] * p[i];
            xb[i] = b[i] * p[i];
        }
        float[] pm = box(new FloatImage(width, height, p), t[3]).data();
        float[] cr = box(t[0], u[0]).data();
        float[] cg = box(t[1], u[1]).data();
        float[] cb = box(t[2], u[2]).data();
        float[] ar = t[0].data();
        float[] ag = t[1].data();
        float[] ab = t[2].data();
        float[] bb = u[3].data();
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
        box(t[0], out[0]);
        box(t[1], out[1]);
        box(t[2], out[2]);
        box(u[3], out[3]);
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
                t[k] = FloatImage.create(width, height);
                u[k] = FloatImage.create(width, height);
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

    /** Side of the square blocks of {@link #laplacianAt}. */
    static final int BLOCK = 32;

    /**
     * @param wanted pixels where the product will be read
     * @return the indices (row-major, {@link #BLOCK}-pixel blocks) of the blocks holding one of them
     */
    int[] blocksOf(boolean[] wanted) {
        int bw = (width + BLOCK - 1) / BLOCK;
        int bh = (height + BLOCK - 1) / BLOCK;
        boolean[] active = new boolean[bw * bh];
        int count = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int b = (y / BLOCK) * bw + x / BLOCK;
                if (wanted[y * width + x] && !active[b]) {
                    active[b] = true;
                    count++;
                }
            }
        }
        int[] out = new int[count];
        for (int b = 0, k = 0; b < active.length; b++) {
            if (active[b]) {
                out[k++] = b;
            }
        }
        return out;
    }

    // per-block scratch: x and its colour products on the block grown by two window radii, the
    // fitted model on the block grown by one, window means of either (four planes each) and the
    // rows of window sums they are made from
    private float[] bx;
    private float[] bfit;
    private float[] bmean;
    private float[] brows;
    /** Per image column, how many columns its clipped window holds. */
    private int[] columnCount;
    /** {@code 1 / (rows * columns)} of a clipped window, at {@code rows * (2 * radius + 2) + columns}. */
    private float[] windowInverse;

    /**
     * {@link #laplacian} computed only on the given blocks ({@link #blocksOf}): the same values,
     * summed in another order, inside those blocks; {@code out} elsewhere is left as it was. Each
     * output pixel depends on {@code x} within two window radii, so the blocks need no other input. The
     * conjugate-gradient solve reads the product only at unknown pixels, which on a trimap are a
     * band along the person's edge: most blocks are skipped.
     *
     * @param x      the vector
     * @param out    where the product goes (not {@code x})
     * @param blocks the blocks to compute
     */
    void laplacianAt(float[] x, float[] out, int[] blocks) {
        if (bx == null) {
            int grown = BLOCK + 4 * radius;
            bx = new float[grown * grown * 4];
            bfit = new float[(BLOCK + 2 * radius) * (BLOCK + 2 * radius) * 4];
            bmean = new float[bfit.length];
            brows = new float[grown * (BLOCK + 2 * radius) * 4];
            columnCount = new int[width];
            for (int xx = 0; xx < width; xx++) {
                columnCount[xx] = windowSpan(xx, width);
            }
            int side = 2 * radius + 2;
            windowInverse = new float[side * side];
            for (int rows = 1; rows < side; rows++) {
                for (int cols = 1; cols < side; cols++) {
                    windowInverse[rows * side + cols] = 1f / (rows * cols);
                }
            }
        }
        int bw = (width + BLOCK - 1) / BLOCK;
        for (int block : blocks) {
            int x0 = (block % bw) * BLOCK;
            int y0 = (block / bw) * BLOCK;
            int x1 = Math.min(width, x0 + BLOCK);
            int y1 = Math.min(height, y0 + BLOCK);
            // two window radii around the block, clipped to the image: x and its colour products
            int ax0 = Math.max(0, x0 - 2 * radius);
            int ay0 = Math.max(0, y0 - 2 * radius);
            int ax1 = Math.min(width, x1 + 2 * radius);
            int ay1 = Math.min(height, y1 + 2 * radius);
            int aw = ax1 - ax0;
            int an = aw * (ay1 - ay0);
            for (int y = ay0; y < ay1; y++) {
                for (int xx = ax0; xx < ax1; xx++) {
                    int g0 = y * width + xx;
                    int l = (y - ay0) * aw + (xx - ax0);
                    float v = x[g0];
                    bx[l] = v;
                    bx[an + l] = r[g0] * v;
                    bx[2 * an + l] = g[g0] * v;
                    bx[3 * an + l] = b[g0] * v;
                }
            }
            // one window radius around the block: window means of those, then the fitted model A, B
            int fx0 = Math.max(0, x0 - radius);
            int fy0 = Math.max(0, y0 - radius);
            int fx1 = Math.min(width, x1 + radius);
            int fy1 = Math.min(height, y1 + radius);
            int fw = fx1 - fx0;
            int fn = fw * (fy1 - fy0);
            windowMeans(bx, aw, ax0, ay0, ay1, fx0, fx1, fy0, fy1, bmean);
            for (int y = fy0; y < fy1; y++) {
                for (int xx = fx0; xx < fx1; xx++) {
                    int i = y * width + xx;
                    int l = (y - fy0) * fw + (xx - fx0);
                    float pm = bmean[l];
                    float vr = bmean[fn + l] - mr[i] * pm;
                    float vg = bmean[2 * fn + l] - mg[i] * pm;
                    float vb = bmean[3 * fn + l] - mb[i] * pm;
                    float a0 = s00[i] * vr + s01[i] * vg + s02[i] * vb;
                    float a1 = s01[i] * vr + s11[i] * vg + s12[i] * vb;
                    float a2 = s02[i] * vr + s12[i] * vg + s22[i] * vb;
                    bfit[l] = a0;
                    bfit[fn + l] = a1;
                    bfit[2 * fn + l] = a2;
                    bfit[3 * fn + l] = pm - a0 * mr[i] - a1 * mg[i] - a2 * mb[i];
                }
            }
            // the block: window means of A and B, and the product
            int kw = x1 - x0;
            int kn = kw * (y1 - y0);
            windowMeans(bfit, fw, fx0, fy0, fy1, x0, x1, y0, y1, bmean);
            for (int y = y0; y < y1; y++) {
                for (int xx = x0; xx < x1; xx++) {
                    int i = y * width + xx;
                    int l = (y - y0) * kw + (xx - x0);
                    out[i] = coverage[i] * (x[i] - (bmean[l] * r[i] + bmean[kn + l] * g[i] + bmean[2 * kn + l] * b[i]
                            + bmean[3 * kn + l]));
                }
            }
        }
    }

    /**
     * Means over the windows around the pixels of {@code [tx0, tx1) x [ty0, ty1)}, clipped to the
     * image, of the four planes of a block's scratch {@code src} (rows of {@code rowLength} from
     * image position {@code (ox, oy)} down to row {@code oy1}, which must hold every window), into
     * the four planes of {@code dst} (rows of {@code tx1 - tx0}). Separable: sums along rows, then
     * down columns, one window offset at a time so that each pass is a plain loop over a row.
     */
    private void windowMeans(float[] src, int rowLength, int ox, int oy, int oy1, int tx0, int tx1, int ty0, int ty1,
                             float[] dst) {
        int tw = tx1 - tx0;
        int rows = oy1 - oy;
        int srcPlane = rowLength * rows;
        int rowsPlane = tw * rows;
        int dstPlane = tw * (ty1 - ty0);
        for (int k = 0; k < 4; k++) {
            // window sums along each row of the scratch, at the target columns
            int rb = k * rowsPlane;
            java.util.Arrays.fill(brows, rb, rb + rowsPlane, 0f);
            for (int d = -radius; d <= radius; d++) {
                int from = Math.max(tx0, -d);
                int to = Math.min(tx1, width - d);
                for (int y = 0; y < rows; y++) {
                    int s = k * srcPlane + y * rowLength + d - ox;
                    int t = rb + y * tw - tx0;
                    for (int xx = from; xx < to; xx++) {
                        brows[t + xx] += src[s + xx];
                    }
                }
            }
            // down the columns, then divided by the clipped window's size
            int db = k * dstPlane;
            java.util.Arrays.fill(dst, db, db + dstPlane, 0f);
            for (int y = ty0; y < ty1; y++) {
                int wy0 = Math.max(0, y - radius);
                int cy = windowSpan(y, height);
                int t = db + (y - ty0) * tw;
                for (int wy = wy0; wy < wy0 + cy; wy++) {
                    int s = rb + (wy - oy) * tw;
                    for (int i = 0; i < tw; i++) {
                        dst[t + i] += brows[s + i];
                    }
                }
                for (int i = 0; i < tw; i++) {
                    dst[t + i] *= windowInverse[cy * (2 * radius + 2) + columnCount[tx0 + i]];
                }
            }
        }
    }
}
