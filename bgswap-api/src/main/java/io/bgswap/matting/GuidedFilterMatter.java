package io.bgswap.matting;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.Matter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Resize;
import io.bgswap.image.Srgb;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The default {@link Matter}: a fast guided filter driven by the photo. The coefficients are fitted
 * at a working resolution (long side at most {@code workingSize}) and applied at full resolution,
 * so edges follow the photo's own detail instead of a bilinear stretch of the model's output.
 *
 * <p>Scratch buffers are kept in a small pool keyed by image size, so that refining video frames
 * of one size into a caller's buffer ({@link #refine(ArgbImage, FloatImage, FloatImage)}) allocates
 * nothing in steady state. Thread-safe: concurrent callers never share a scratch buffer.
 */
public final class GuidedFilterMatter implements Matter {
    /** Default long side of the working resolution. */
    public static final int DEFAULT_WORKING_SIZE = 1024;
    /** Default regularisation. */
    public static final float DEFAULT_EPS = 1e-4f;
    private static final int POOL_LIMIT = 4;

    private final int workingSize;
    private final int radius;
    private final float eps;
    private final ConcurrentLinkedQueue<Workspace> pool = new ConcurrentLinkedQueue<>();

    /** A matter with the default settings. */
    public GuidedFilterMatter() {
        this(DEFAULT_WORKING_SIZE, 0, DEFAULT_EPS);
    }

    /**
     * @param workingSize long side of the resolution the filter is fitted at
     * @param radius      window radius at the working resolution; 0 derives it from how much the
     *                    probability map must be enlarged (about two of its pixels)
     * @param eps         regularisation; larger is smoother
     */
    public GuidedFilterMatter(int workingSize, int radius, float eps) {
        if (workingSize < 16 || radius < 0 || !(eps > 0f)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "workingSize must be >= 16, radius >= 0 and eps > 0");
        }
        this.workingSize = workingSize;
        this.radius = radius;
        this.eps = eps;
    }

    @Override
    public FloatImage refine(ArgbImage image, FloatImage probability) {
        return refine(image, probability, FloatImage.create(image.width(), image.height()));
    }

    @Override
    public FloatImage refine(ArgbImage image, FloatImage probability, FloatImage out) {
        int w = image.width();
        int h = image.height();
        if (out.width() != w || out.height() != h) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "out is " + out.width() + "x" + out.height()
                    + " but the image is " + w + "x" + h);
        }
        Workspace ws = borrow(w, h);
        try {
            refine(image, probability, out, ws);
        } finally {
            if (pool.size() < POOL_LIMIT) {
                pool.offer(ws);
            }
        }
        return out;
    }

    private void refine(ArgbImage image, FloatImage probability, FloatImage out, Workspace ws) {
        int w = image.width();
        int h = image.height();
        int ww = ws.guideLow.width();
        int wh = ws.guideLow.height();
        int[] px = image.pixels();
        // guide at the working resolution: block means of luma straight from the pixels (no
        // full-resolution luma buffer), then bilinear to the working size when blocks do not fit it
        float[] bl = ws.blocks.data();
        int bw = ws.blocks.width();
        int bh = ws.blocks.height();
        int fx = ws.fx;
        int fy = ws.fy;
        java.util.Arrays.fill(bl, 0f);
        float[] luma = ws.luma;
        for (int i = 0; i < luma.length; i++) {
            luma[i] = Srgb.luma(px[i]);
        }
        for (int y = 0; y < bh * fy; y++) {
            int row = y * w;
            int brow = (y / fy) * bw;
            for (int x = 0; x < bw * fx; x++) {
                bl[brow + ws.blockOfColumn[x]] += luma[row + x];
            }
        }
        float norm = 1f / (fx * fy);
        for (int i = 0; i < bl.length; i++) {
            bl[i] *= norm;
        }
        FloatImage guideLow = ws.blocks;
        if (bw != ww || bh != wh) {
            guideLow = Resize.bilinear(ws.blocks, ws.guideLow);
        }
        Resize.bilinear(probability, ws.probLow);
        int r = radius > 0 ? radius
                : Math.max(1, Math.round(2f * Math.max(ww, wh) / Math.max(probability.width(), probability.height())));
        FloatImage[] ab = GuidedFilter.coefficients(guideLow, ws.probLow, r, eps, ws.filter);
        float[] ad = ab[0].data();
        float[] bd = ab[1].data();
        float[] o = out.data();
        // bilinear upsampling of the coefficients (rows first, then columns) fused with their
        // application to the full-resolution luma
        Resize.Axis ax = ws.ax;
        Resize.Axis ay = ws.ay;
        int[] xlo = ax.lo();
        int[] xhi = ax.hi();
        float[] xw = ax.weight();
        float[] rowA = ws.rowA;
        float[] rowB = ws.rowB;
        for (int y = 0; y < h; y++) {
            int r0 = ay.lo()[y] * ww;
            int r1 = ay.hi()[y] * ww;
            float wy = ay.weight()[y];
            for (int x = 0; x < ww; x++) {
                rowA[x] = ad[r0 + x] + (ad[r1 + x] - ad[r0 + x]) * wy;
                rowB[x] = bd[r0 + x] + (bd[r1 + x] - bd[r0 + x]) * wy;
            }
            int row = y * w;
            for (int x = 0; x < w; x++) {
                int x0 = xlo[x];
                int x1 = xhi[x];
                float wx = xw[x];
                float a = rowA[x0] + (rowA[x1] - rowA[x0]) * wx;
                float b = rowB[x0] + (rowB[x1] - rowB[x0]) * wx;
                o[row + x] = clamp(a * luma[row + x] + b);
            }
        }
    }

    private Workspace borrow(int w, int h) {
        for (int tries = pool.size(); tries > 0; tries--) {
            Workspace ws = pool.poll();
            if (ws == null) {
                break;
            }
            if (ws.width == w && ws.height == h) {
                return ws;
            }
            // a workspace of another size is dropped: the stream changed resolution
        }
        float scale = Math.min(1f, (float) workingSize / Math.max(w, h));
        int ww = Math.max(1, Math.round(w * scale));
        int wh = Math.max(1, Math.round(h * scale));
        return new Workspace(w, h, ww, wh);
    }

    private static float clamp(float q) {
        return q < 0f ? 0f : (q > 1f ? 1f : q);
    }

    /** Scratch buffers for one image size. */
    private static final class Workspace {
        final int width;
        final int height;
        final int fx;
        final int fy;
        final FloatImage blocks;
        final int[] blockOfColumn;
        final FloatImage guideLow;
        final FloatImage probLow;
        final GuidedFilter.Buffers filter;
        final Resize.Axis ax;
        final Resize.Axis ay;
        final float[] rowA;
        final float[] rowB;
        /** Luma of every pixel, computed once per frame for both full-resolution passes. */
        final float[] luma;

        Workspace(int w, int h, int ww, int wh) {
            width = w;
            height = h;
            fx = Math.max(1, w / ww);
            fy = Math.max(1, h / wh);
            blocks = FloatImage.create(w / fx, h / fy);
            blockOfColumn = new int[(w / fx) * fx];
            for (int x = 0; x < blockOfColumn.length; x++) {
                blockOfColumn[x] = x / fx;
            }
            guideLow = FloatImage.create(ww, wh);
            probLow = FloatImage.create(ww, wh);
            filter = new GuidedFilter.Buffers(ww, wh);
            ax = Resize.Axis.of(ww, w);
            ay = Resize.Axis.of(wh, h);
            rowA = new float[ww];
            rowB = new float[ww];
            luma = new float[w * h];
        }
    }
}
