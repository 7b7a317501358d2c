package io.bgswap.djl;

import io.bgswap.graph.Op;

/** Plain-loop computations of the graph operators' definitions, NCHW, for checking the executor. */
final class Reference {
    private Reference() {
    }

    static float[] conv(float[] x, int n, int c, int h, int w, float[] wt, int o, int kh, int kw, float[] bias,
                        int[] s, int[] p, int[] d, int group, int[] outDims) {
        int oh = (h + p[0] + p[2] - d[0] * (kh - 1) - 1) / s[0] + 1;
        int ow = (w + p[1] + p[3] - d[1] * (kw - 1) - 1) / s[1] + 1;
        outDims[0] = oh;
        outDims[1] = ow;
        int cg = c / group;
        int og = o / group;
        float[] y = new float[n * o * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double acc = bias == null ? 0 : bias[oc];
                        for (int ci = 0; ci < cg; ci++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int iy = yy * s[0] - p[0] + i * d[0];
                                    int ix = xx * s[1] - p[1] + j * d[1];
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    int cin = g * cg + ci;
                                    acc += x[((b * c + cin) * h + iy) * w + ix] * wt[((oc * cg + ci) * kh + i) * kw + j];
                                }
                            }
                        }
                        y[((b * o + oc) * oh + yy) * ow + xx] = (float) acc;
                    }
                }
            }
        }
        return y;
    }

    /** Transposed convolution by its scatter definition, cropped by the pads. */
    static float[] convTranspose(float[] x, int n, int c, int h, int w, float[] wt, int og, int kh, int kw, float[] bias,
                                 int[] s, int[] p, int group, int[] outDims) {
        int fullH = (h - 1) * s[0] + kh;
        int fullW = (w - 1) * s[1] + kw;
        int o = og * group;
        int cg = c / group;
        double[] full = new double[n * o * fullH * fullW];
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < c; ci++) {
                int g = ci / cg;
                for (int yy = 0; yy < h; yy++) {
                    for (int xx = 0; xx < w; xx++) {
                        float v = x[((b * c + ci) * h + yy) * w + xx];
                        for (int oo = 0; oo < og; oo++) {
                            int oc = g * og + oo;
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    full[((b * o + oc) * fullH + yy * s[0] + i) * fullW + xx * s[1] + j]
                                            += v * wt[((ci * og + oo) * kh + i) * kw + j];
                                }
                            }
                        }
                    }
                }
            }
        }
        int oh = fullH - p[0] - p[2];
        int ow = fullW - p[1] - p[3];
        outDims[0] = oh;
        outDims[1] = ow;
        float[] y = new float[n * o * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        y[((b * o + oc) * oh + yy) * ow + xx] = (float) (full[((b * o + oc) * fullH + yy + p[0]) * fullW + xx + p[1]]
                                + (bias == null ? 0 : bias[oc]));
                    }
                }
            }
        }
        return y;
    }

    static float[] maxPool(float[] x, int nc, int h, int w, int[] k, int[] s, int[] p, boolean ceil, int[] outDims) {
        int oh = pooled(h + p[0] + p[2] - k[0], s[0], ceil);
        int ow = pooled(w + p[1] + p[3] - k[1], s[1], ceil);
        outDims[0] = oh;
        outDims[1] = ow;
        float[] y = new float[nc * oh * ow];
        for (int q = 0; q < nc; q++) {
            for (int yy = 0; yy < oh; yy++) {
                for (int xx = 0; xx < ow; xx++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < k[0]; i++) {
                        for (int j = 0; j < k[1]; j++) {
                            int iy = yy * s[0] - p[0] + i;
                            int ix = xx * s[1] - p[1] + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                m = Math.max(m, x[(q * h + iy) * w + ix]);
                            }
                        }
                    }
                    y[(q * oh + yy) * ow + xx] = m;
                }
            }
        }
        return y;
    }

    private static int pooled(int span, int stride, boolean ceil) {
        double q = (double) span / stride;
        return (int) (ceil ? Math.ceil(q) : Math.floor(q)) + 1;
    }

    static float[] resize(float[] x, int nc, int h, int w, int oh, int ow, Op.CoordinateMode mode) {
        float[] y = new float[nc * oh * ow];
        for (int q = 0; q < nc; q++) {
            for (int yy = 0; yy < oh; yy++) {
                double sy = clamp(coord(yy, h, oh, mode), h);
                int y0 = (int) Math.floor(sy);
                int y1 = Math.min(y0 + 1, h - 1);
                double fy = sy - y0;
                for (int xx = 0; xx < ow; xx++) {
                    double sx = clamp(coord(xx, w, ow, mode), w);
                    int x0 = (int) Math.floor(sx);
                    int x1 = Math.min(x0 + 1, w - 1);
                    double fx = sx - x0;
                    double top = x[(q * h + y0) * w + x0] * (1 - fx) + x[(q * h + y0) * w + x1] * fx;
                    double bottom = x[(q * h + y1) * w + x0] * (1 - fx) + x[(q * h + y1) * w + x1] * fx;
                    y[(q * oh + yy) * ow + xx] = (float) (top * (1 - fy) + bottom * fy);
                }
            }
        }
        return y;
    }

    private static double clamp(double v, int size) {
        return Math.min(Math.max(v, 0), size - 1);
    }

    private static double coord(int o, int in, int out, Op.CoordinateMode mode) {
        switch (mode) {
            case HALF_PIXEL:
                return (o + 0.5) * in / out - 0.5;
            case PYTORCH_HALF_PIXEL:
                return out == 1 ? 0 : (o + 0.5) * in / out - 0.5;
            case ALIGN_CORNERS:
                return out == 1 ? 0 : o * (in - 1.0) / (out - 1);
            default:
                return (double) o * in / out;
        }
    }

    /** Output dim i is input dim perm[i]; general rank. */
    static float[] transpose(float[] x, int[] shape, int[] perm) {
        int rank = shape.length;
        int[] outShape = new int[rank];
        for (int i = 0; i < rank; i++) {
            outShape[i] = shape[perm[i]];
        }
        int[] inStrides = new int[rank];
        int acc = 1;
        for (int i = rank - 1; i >= 0; i--) {
            inStrides[i] = acc;
            acc *= shape[i];
        }
        float[] y = new float[x.length];
        int[] idx = new int[rank];
        for (int flat = 0; flat < y.length; flat++) {
            int rem = flat;
            for (int i = rank - 1; i >= 0; i--) {
                idx[i] = rem % outShape[i];
                rem /= outShape[i];
            }
            int src = 0;
            for (int i = 0; i < rank; i++) {
                src += idx[i] * inStrides[perm[i]];
            }
            y[flat] = x[src];
        }
        return y;
    }
}
