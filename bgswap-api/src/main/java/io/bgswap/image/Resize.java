package io.bgswap.image;

import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * Bilinear resampling with half-pixel centres: destination pixel {@code x} samples the source at
 * {@code (x + 0.5) * srcWidth / dstWidth - 0.5}, clamped to the edge. This is the convention of
 * TFLite's {@code RESIZE_BILINEAR(half_pixel_centers)} and ONNX {@code Resize(half_pixel)}.
 * No antialiasing filter is applied when shrinking. Thread-safe: the class holds no state.
 */
public final class Resize {
    private Resize() {
    }

    /**
     * Precomputed source indices and weights along one axis.
     *
     * @param lo     lower source index per destination index
     * @param hi     upper source index per destination index
     * @param weight weight of {@code hi} per destination index
     */
    public record Axis(int[] lo, int[] hi, float[] weight) {
        /**
         * @param src source length
         * @param dst destination length
         * @return the sampling table
         */
        public static Axis of(int src, int dst) {
            int[] lo = new int[dst];
            int[] hi = new int[dst];
            float[] w = new float[dst];
            double scale = (double) src / dst;
            for (int i = 0; i < dst; i++) {
                double s = (i + 0.5) * scale - 0.5;
                if (s < 0) {
                    s = 0;
                }
                int l = (int) Math.floor(s);
                if (l > src - 1) {
                    l = src - 1;
                }
                int h = Math.min(l + 1, src - 1);
                lo[i] = l;
                hi[i] = h;
                w[i] = (float) Math.min(1.0, s - l);
            }
            return new Axis(lo, hi, w);
        }
    }

    /**
     * @param src the source
     * @param dst the destination, of any size; written in full
     * @return {@code dst}
     */
    public static FloatImage bilinear(FloatImage src, FloatImage dst) {
        Axis ax = Axis.of(src.width(), dst.width());
        Axis ay = Axis.of(src.height(), dst.height());
        float[] s = src.data();
        float[] d = dst.data();
        int sw = src.width();
        int dw = dst.width();
        // Source rows resampled horizontally once and kept while consecutive destination rows
        // use them (upscaling reuses each several times); same arithmetic as a direct 2x2 mix.
        float[][] rows = {new float[dw], new float[dw]};
        int[] rowOf = {-1, -1};
        for (int y = 0; y < dst.height(); y++) {
            int lo = ay.lo()[y];
            int hi = ay.hi()[y];
            float[] top = horizontalRow(s, sw, lo, ax, rows, rowOf, hi);
            float[] bottom = horizontalRow(s, sw, hi, ax, rows, rowOf, lo);
            float wy = ay.weight()[y];
            int o = y * dw;
            for (int x = 0; x < dw; x++) {
                d[o + x] = top[x] + (bottom[x] - top[x]) * wy;
            }
        }
        return dst;
    }

    /** @return source row {@code row} resampled along x, from the two-slot cache, never evicting {@code keep} */
    private static float[] horizontalRow(float[] s, int sw, int row, Axis ax, float[][] rows, int[] rowOf, int keep) {
        for (int i = 0; i < 2; i++) {
            if (rowOf[i] == row) {
                return rows[i];
            }
        }
        int slot = rowOf[0] == keep ? 1 : 0;
        float[] r = rows[slot];
        int base = row * sw;
        int[] lo = ax.lo();
        int[] hi = ax.hi();
        float[] w = ax.weight();
        for (int x = 0; x < r.length; x++) {
            float a = s[base + lo[x]];
            r[x] = a + (s[base + hi[x]] - a) * w[x];
        }
        rowOf[slot] = row;
        return r;
    }

    /**
     * Resamples a mask without making a plane of it: the same values as
     * {@link #bilinear(FloatImage, FloatImage)} of a plane holding 1 where {@code set} holds and 0
     * elsewhere, read only at the source pixels that the destination samples.
     *
     * @param srcWidth  the mask's width
     * @param srcHeight the mask's height
     * @param set       whether the pixel at a row-major index of the mask is set
     * @param dst       the destination, of any size; written in full
     * @return {@code dst}
     */
    public static FloatImage bilinear(int srcWidth, int srcHeight, IntPredicate set, FloatImage dst) {
        Axis ax = Axis.of(srcWidth, dst.width());
        Axis ay = Axis.of(srcHeight, dst.height());
        int[] lo = ax.lo();
        int[] hi = ax.hi();
        float[] wx = ax.weight();
        float[] d = dst.data();
        int dw = dst.width();
        for (int y = 0; y < dst.height(); y++) {
            int upper = ay.lo()[y] * srcWidth;
            int lower = ay.hi()[y] * srcWidth;
            float wy = ay.weight()[y];
            for (int x = 0; x < dw; x++) {
                float a = set.test(upper + lo[x]) ? 1f : 0f;
                float top = a + ((set.test(upper + hi[x]) ? 1f : 0f) - a) * wx[x];
                float c = set.test(lower + lo[x]) ? 1f : 0f;
                float bottom = c + ((set.test(lower + hi[x]) ? 1f : 0f) - c) * wx[x];
                d[y * dw + x] = top + (bottom - top) * wy;
            }
        }
        return dst;
    }

    /**
     * @param src    the source
     * @param width  destination width
     * @param height destination height
     * @return a new resized image
     */
    public static FloatImage bilinear(FloatImage src, int width, int height) {
        return bilinear(src, FloatImage.create(width, height));
    }

    /**
     * Resizes a colour image; alpha is resampled like the colour channels (non-premultiplied).
     *
     * @param src    the source
     * @param width  destination width
     * @param height destination height
     * @return a new image
     */
    public static ArgbImage bilinear(ArgbImage src, int width, int height) {
        return bilinear(src, ArgbImage.create(width, height));
    }

    /**
     * Resizes a colour image into a caller's buffer; alpha is resampled like the colour channels.
     *
     * @param src the source
     * @param dst the destination, of any size; written in full (may not be {@code src})
     * @return {@code dst}
     */
    public static ArgbImage bilinear(ArgbImage src, ArgbImage dst) {
        return bilinearWindow(src, dst.width(), dst.height(), 0, 0, dst);
    }

    /**
     * Resamples the source as if it were resized to {@code scaledWidth x scaledHeight} and copies
     * the window of {@code dst}'s size starting at {@code (offsetX, offsetY)} of that resized image,
     * without materialising it (used to scale a background to cover a frame and crop it).
     *
     * @param src          the source
     * @param scaledWidth  width of the virtual resized image
     * @param scaledHeight height of the virtual resized image
     * @param offsetX      left edge of the window in the resized image
     * @param offsetY      top edge of the window in the resized image
     * @param dst          receives the window (may not be {@code src})
     * @return {@code dst}
     */
    public static ArgbImage bilinearWindow(ArgbImage src, int scaledWidth, int scaledHeight, int offsetX, int offsetY,
                                           ArgbImage dst) {
        int width = dst.width();
        int height = dst.height();
        if (offsetX < 0 || offsetY < 0 || offsetX + width > scaledWidth || offsetY + height > scaledHeight) {
            throw new IllegalArgumentException("window " + width + "x" + height + "+" + offsetX + "+" + offsetY
                    + " lies outside " + scaledWidth + "x" + scaledHeight);
        }
        Axis ax = Axis.of(src.width(), scaledWidth);
        Axis ay = Axis.of(src.height(), scaledHeight);
        int[] s = src.pixels();
        int[] d = dst.pixels();
        int sw = src.width();
        for (int y = 0; y < height; y++) {
            int r0 = ay.lo()[y + offsetY] * sw;
            int r1 = ay.hi()[y + offsetY] * sw;
            float wy = ay.weight()[y + offsetY];
            for (int x = 0; x < width; x++) {
                int xs = x + offsetX;
                int p00 = s[r0 + ax.lo()[xs]];
                int p01 = s[r0 + ax.hi()[xs]];
                int p10 = s[r1 + ax.lo()[xs]];
                int p11 = s[r1 + ax.hi()[xs]];
                float wx = ax.weight()[xs];
                int out = 0;
                for (int shift = 0; shift <= 24; shift += 8) {
                    float a = (p00 >>> shift) & 0xFF;
                    float b = (p01 >>> shift) & 0xFF;
                    float c = (p10 >>> shift) & 0xFF;
                    float e = (p11 >>> shift) & 0xFF;
                    float top = a + (b - a) * wx;
                    float bottom = c + (e - c) * wx;
                    int v = Math.round(top + (bottom - top) * wy);
                    out |= (v & 0xFF) << shift;
                }
                d[y * width + x] = out;
            }
        }
        return dst;
    }

    /**
     * Shrinks by averaging whole blocks of pixels when the factor is large, then finishes with
     * bilinear; used where aliasing would matter (guides for filtering).
     *
     * @param src    source gray values
     * @param width  destination width (at most the source width)
     * @param height destination height (at most the source height)
     * @return a new image
     */
    public static FloatImage area(FloatImage src, int width, int height) {
        return area(src, FloatImage.create(width, height), null);
    }

    /**
     * Like {@link #area(FloatImage, int, int)} into a caller's buffer.
     *
     * @param src     source gray values
     * @param dst     destination, at most the source's size
     * @param scratch room for the block averages (about the source size divided by the integer
     *                shrink factors), or {@code null}; allocated when too small
     * @return {@code dst}
     */
    public static FloatImage area(FloatImage src, FloatImage dst, float[] scratch) {
        float[] s = src.data();
        return area(src.width(), src.height(), i -> s[i], dst, scratch, () -> src);
    }

    /**
     * Like {@link #area(FloatImage, FloatImage, float[])} for one colour channel of a photo, as
     * sRGB values / 255, read from the packed pixels without a plane of the whole channel (one is
     * made only when the photo is less than twice the destination's size, where bilinear alone
     * resamples).
     *
     * @param src     the photo
     * @param channel 0 red, 1 green, 2 blue
     * @param dst     destination, at most the source's size
     * @param scratch room for the block averages, or {@code null}; allocated when too small
     * @return {@code dst}
     */
    public static FloatImage area(ArgbImage src, int channel, FloatImage dst, float[] scratch) {
        int[] px = src.pixels();
        int shift = 16 - 8 * channel;
        IntToFloat value = i -> ((px[i] >> shift) & 0xFF) / 255f;
        return area(src.width(), src.height(), value, dst, scratch, () -> {
            float[] plane = new float[px.length];
            for (int i = 0; i < plane.length; i++) {
                plane[i] = value.at(i);
            }
            return new FloatImage(src.width(), src.height(), plane);
        });
    }

    /** A source value by row-major index. */
    private interface IntToFloat {
        float at(int index);
    }

    private static FloatImage area(int srcWidth, int srcHeight, IntToFloat s, FloatImage dst, float[] scratch,
                                   Supplier<FloatImage> plane) {
        int width = dst.width();
        int height = dst.height();
        int fx = Math.max(1, srcWidth / width);
        int fy = Math.max(1, srcHeight / height);
        if (fx == 1 && fy == 1) {
            return bilinear(plane.get(), dst);
        }
        int bw = srcWidth / fx;
        int bh = srcHeight / fy;
        boolean direct = bw == width && bh == height;
        float[] b = direct ? dst.data() : (scratch != null && scratch.length >= bw * bh ? scratch : new float[bw * bh]);
        float norm = 1f / (fx * fy);
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                float sum = 0;
                for (int dy = 0; dy < fy; dy++) {
                    int row = (y * fy + dy) * srcWidth + x * fx;
                    for (int dx = 0; dx < fx; dx++) {
                        sum += s.at(row + dx);
                    }
                }
                b[y * bw + x] = sum * norm;
            }
        }
        if (direct) {
            return dst;
        }
        FloatImage blocks = new FloatImage(bw, bh, b.length == bw * bh ? b : java.util.Arrays.copyOf(b, bw * bh));
        return bilinear(blocks, dst);
    }
}
