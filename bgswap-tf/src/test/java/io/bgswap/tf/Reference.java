package io.bgswap.tf;

/**
 * Plain-loop NCHW implementations of the graph operators, written straight from the operator
 * definitions in {@link io.bgswap.graph.Op}, to check the TensorFlow translation against.
 */
final class Reference {
    private Reference() {
    }

    /** x [n,c,h,w], w [o,c/g,kh,kw]; pads {top,left,bottom,right}. */
    static float[] conv(float[] x, int n, int c, int h, int wd, float[] w, int o, int kh, int kw, float[] bias,
                        int[] s, int[] pads, int[] d, int g) {
        int oh = (h + pads[0] + pads[2] - d[0] * (kh - 1) - 1) / s[0] + 1;
        int ow = (wd + pads[1] + pads[3] - d[1] * (kw - 1) - 1) / s[1] + 1;
        int cg = c / g;
        int og = o / g;
        float[] y = new float[n * o * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int grp = oc / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = bias == null ? 0 : bias[oc];
                        for (int ci = 0; ci < cg; ci++) {
                            int ic = grp * cg + ci;
                            for (int u = 0; u < kh; u++) {
                                int yy = i * s[0] - pads[0] + u * d[0];
                                if (yy < 0 || yy >= h) {
                                    continue;
                                }
                                for (int v = 0; v < kw; v++) {
                                    int xx = j * s[1] - pads[1] + v * d[1];
                                    if (xx < 0 || xx >= wd) {
                                        continue;
                                    }
                                    acc += x[((b * c + ic) * h + yy) * wd + xx] * w[((oc * cg + ci) * kh + u) * kw + v];
                                }
                            }
                        }
                        y[((b * o + oc) * oh + i) * ow + j] = (float) acc;
                    }
                }
            }
        }
        return y;
    }

    /** x [n,c,h,w], w [c,o/g,kh,kw]: scatter each input pixel, then crop the pads. */
    static float[] convTranspose(float[] x, int n, int c, int h, int wd, float[] w, int og, int kh, int kw,
                                 float[] bias, int[] s, int[] pads, int g) {
        int o = og * g;
        int fh = (h - 1) * s[0] + kh;
        int fw = (wd - 1) * s[1] + kw;
        double[] full = new double[n * o * fh * fw];
        int cg = c / g;
        for (int b = 0; b < n; b++) {
            for (int ic = 0; ic < c; ic++) {
                int grp = ic / cg;
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        float xv = x[((b * c + ic) * h + i) * wd + j];
                        for (int oc = 0; oc < og; oc++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    full[((b * o + grp * og + oc) * fh + i * s[0] + u) * fw + j * s[1] + v] +=
                                            xv * w[((ic * og + oc) * kh + u) * kw + v];
                                }
                            }
                        }
                    }
                }
            }
        }
        int oh = fh - pads[0] - pads[2];
        int ow = fw - pads[1] - pads[3];
        float[] y = new float[n * o * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        y[((b * o + oc) * oh + i) * ow + j] = (float) (full[((b * o + oc) * fh + i + pads[0]) * fw + j + pads[1]]
                                + (bias == null ? 0 : bias[oc]));
                    }
                }
            }
        }
        return y;
    }

    static int poolOut(int size, int k, int s, int before, int after, boolean ceil) {
        int padded = size + before + after;
        int out = ceil ? Math.floorDiv(padded - k + s - 1, s) + 1 : (padded - k) / s + 1;
        if (ceil && (out - 1) * s >= padded) {
            out--;
        }
        return out;
    }

    static float[] maxPool(float[] x, int n, int c, int h, int wd, int[] k, int[] s, int[] pads, boolean ceil) {
        int oh = poolOut(h, k[0], s[0], pads[0], pads[2], ceil);
        int ow = poolOut(wd, k[1], s[1], pads[1], pads[3], ceil);
        float[] y = new float[n * c * oh * ow];
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int u = 0; u < k[0]; u++) {
                        for (int v = 0; v < k[1]; v++) {
                            int yy = i * s[0] - pads[0] + u;
                            int xx = j * s[1] - pads[1] + v;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < wd) {
                                m = Math.max(m, x[(p * h + yy) * wd + xx]);
                            }
                        }
                    }
                    y[(p * oh + i) * ow + j] = m;
                }
            }
        }
        return y;
    }

    static double source(int out, int inSize, int outSize, io.bgswap.graph.Op.CoordinateMode mode) {
        double v = switch (mode) {
            case HALF_PIXEL -> (out + 0.5) * inSize / outSize - 0.5;
            case PYTORCH_HALF_PIXEL -> outSize == 1 ? 0 : (out + 0.5) * inSize / outSize - 0.5;
            case ALIGN_CORNERS -> outSize == 1 ? 0 : out * (inSize - 1.0) / (outSize - 1.0);
            case ASYMMETRIC -> (double) out * inSize / outSize;
        };
        return Math.min(Math.max(v, 0), inSize - 1);
    }

    static float[] resize(float[] x, int nc, int h, int wd, int oh, int ow, io.bgswap.graph.Op.CoordinateMode mode) {
        float[] y = new float[nc * oh * ow];
        for (int p = 0; p < nc; p++) {
            for (int i = 0; i < oh; i++) {
                double sy = source(i, h, oh, mode);
                int y0 = (int) Math.floor(sy);
                int y1 = Math.min(y0 + 1, h - 1);
                double fy = sy - y0;
                for (int j = 0; j < ow; j++) {
                    double sx = source(j, wd, ow, mode);
                    int x0 = (int) Math.floor(sx);
                    int x1 = Math.min(x0 + 1, wd - 1);
                    double fx = sx - x0;
                    double top = x[(p * h + y0) * wd + x0] * (1 - fx) + x[(p * h + y0) * wd + x1] * fx;
                    double bot = x[(p * h + y1) * wd + x0] * (1 - fx) + x[(p * h + y1) * wd + x1] * fx;
                    y[(p * oh + i) * ow + j] = (float) (top * (1 - fy) + bot * fy);
                }
            }
        }
        return y;
    }

    /** General transpose of a row-major tensor. */
    static float[] transpose(float[] x, int[] shape, int[] perm) {
        int r = shape.length;
        int[] outShape = new int[r];
        for (int i = 0; i < r; i++) {
            outShape[i] = shape[perm[i]];
        }
        int[] inStride = strides(shape);
        float[] y = new float[x.length];
        int[] idx = new int[r];
        for (int k = 0; k < y.length; k++) {
            int rem = k;
            for (int i = r - 1; i >= 0; i--) {
                idx[i] = rem % outShape[i];
                rem /= outShape[i];
            }
            int src = 0;
            for (int i = 0; i < r; i++) {
                src += idx[i] * inStride[perm[i]];
            }
            y[k] = x[src];
        }
        return y;
    }

    static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= shape[i];
        }
        return st;
    }

    static float[] random(java.util.Random r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian());
        }
        return f;
    }
}
