package io.bgswap.testing;

import io.bgswap.graph.Graph;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Shapes;
import io.bgswap.graph.Tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * A slow, plain-Java evaluation of a {@link Graph} that follows the documented semantics of each
 * {@link Op} literally, loop by loop. It is the oracle that engine backends are checked against
 * on small inputs (the selfie models); it is not meant for production use. Thread-safe.
 */
public final class GraphInterpreter {
    private GraphInterpreter() {
    }

    /**
     * @param graph  the graph
     * @param inputs input values by name, row-major in the declared shapes
     * @return every output by name
     */
    public static Map<String, float[]> run(Graph graph, Map<String, float[]> inputs) {
        Map<String, int[]> shapes = Shapes.infer(graph);
        Map<String, float[]> values = new HashMap<>(inputs);
        graph.initializers().forEach((k, t) -> values.put(k, t.toFloats()));
        for (Node n : graph.nodes()) {
            float[][] in = new float[n.inputs().size()][];
            int[][] s = new int[in.length][];
            for (int i = 0; i < in.length; i++) {
                if (n.hasInput(i)) {
                    in[i] = values.get(n.inputs().get(i));
                    s[i] = shapes.get(n.inputs().get(i));
                }
            }
            values.put(n.output(), eval(n.op(), in, s, shapes.get(n.output()), graph, n));
        }
        Map<String, float[]> out = new HashMap<>();
        graph.outputs().forEach(o -> out.put(o.name(), values.get(o.name())));
        return out;
    }

    private static float[] eval(Op op, float[][] in, int[][] s, int[] os, Graph g, Node n) {
        float[] x = in[0];
        int size = (int) Tensor.elementCount(os);
        float[] y = new float[size];
        if (op instanceof Op.Conv2D c) {
            conv(c, x, s[0], in[1], s[1], in.length > 2 ? in[2] : null, os, y);
        } else if (op instanceof Op.QuantizedConv2D q) {
            quantizedConv(q.conv(), x, s[0], in[1], s[1], in[2], in[3], in.length > 4 ? in[4] : null, os, y);
        } else if (op instanceof Op.ConvTranspose2D c) {
            convTranspose(c, x, s[0], in[1], s[1], in.length > 2 ? in[2] : null, os, y);
        } else if (op instanceof Op.MaxPool2D m) {
            maxPool(m, x, s[0], os, y);
        } else if (op instanceof Op.GlobalAveragePool) {
            int hw = s[0][2] * s[0][3];
            for (int i = 0; i < size; i++) {
                double sum = 0;
                for (int k = 0; k < hw; k++) {
                    sum += x[i * hw + k];
                }
                y[i] = (float) (sum / hw);
            }
        } else if (op instanceof Op.ResizeBilinear r) {
            resize(r, x, s[0], os, y);
        } else if (op instanceof Op.Concat c) {
            int outer = 1;
            for (int a = 0; a < c.axis(); a++) {
                outer *= os[a];
            }
            int o = 0;
            for (int b = 0; b < outer; b++) {
                for (int i = 0; i < in.length; i++) {
                    int chunk = (int) (Tensor.elementCount(s[i]) / outer);
                    System.arraycopy(in[i], b * chunk, y, o, chunk);
                    o += chunk;
                }
            }
        } else if (op instanceof Op.Add || op instanceof Op.Mul) {
            boolean add = op instanceof Op.Add;
            int[] ia = new int[os.length];
            for (int i = 0; i < size; i++) {
                float a = x[broadcastIndex(i, os, s[0])];
                float b = in[1][broadcastIndex(i, os, s[1])];
                y[i] = add ? a + b : a * b;
            }
        } else if (op instanceof Op.Relu) {
            for (int i = 0; i < size; i++) {
                y[i] = Math.max(x[i], 0f);
            }
        } else if (op instanceof Op.HardSwish) {
            for (int i = 0; i < size; i++) {
                y[i] = x[i] * Math.min(Math.max(x[i] + 3f, 0f), 6f) / 6f;
            }
        } else if (op instanceof Op.Sigmoid) {
            for (int i = 0; i < size; i++) {
                y[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
            }
        } else if (op instanceof Op.Transpose t) {
            int[] perm = t.perm();
            int rank = perm.length;
            int[] inStride = strides(s[0]);
            int[] idx = new int[rank];
            for (int o = 0; o < size; o++) {
                int from = 0;
                for (int i = 0; i < rank; i++) {
                    from += idx[i] * inStride[perm[i]];
                }
                y[o] = x[from];
                for (int i = rank - 1; i >= 0; i--) {
                    if (++idx[i] < os[i]) {
                        break;
                    }
                    idx[i] = 0;
                }
            }
        } else {
            throw new UnsupportedOperationException(op.opName() + " in " + g.name() + " node " + n.name());
        }
        return y;
    }

    private static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= shape[i];
        }
        return st;
    }

    private static int broadcastIndex(int flat, int[] out, int[] in) {
        int idx = 0;
        int stride = 1;
        int rem = flat;
        int off = out.length - in.length;
        for (int a = out.length - 1; a >= 0; a--) {
            int coord = rem % out[a];
            rem /= out[a];
            if (a >= off) {
                int d = in[a - off];
                idx += (d == 1 ? 0 : coord) * stride;
                stride *= d;
            }
        }
        return idx;
    }

    private static void conv(Op.Conv2D c, float[] x, int[] xs, float[] w, int[] ws, float[] b, int[] os, float[] y) {
        int[] st = c.strides();
        int[] p = c.pads();
        int[] d = c.dilations();
        int g = c.group();
        int cin = xs[1] / g;
        int opg = os[1] / g;
        for (int nb = 0; nb < os[0]; nb++) {
            for (int o = 0; o < os[1]; o++) {
                int grp = o / opg;
                for (int oy = 0; oy < os[2]; oy++) {
                    for (int ox = 0; ox < os[3]; ox++) {
                        double acc = b == null ? 0 : b[o];
                        for (int ci = 0; ci < cin; ci++) {
                            int cc = grp * cin + ci;
                            for (int ky = 0; ky < ws[2]; ky++) {
                                int iy = oy * st[0] - p[0] + ky * d[0];
                                if (iy < 0 || iy >= xs[2]) {
                                    continue;
                                }
                                for (int kx = 0; kx < ws[3]; kx++) {
                                    int ix = ox * st[1] - p[1] + kx * d[1];
                                    if (ix < 0 || ix >= xs[3]) {
                                        continue;
                                    }
                                    acc += x[((nb * xs[1] + cc) * xs[2] + iy) * xs[3] + ix]
                                            * w[((o * cin + ci) * ws[2] + ky) * ws[3] + kx];
                                }
                            }
                        }
                        y[((nb * os[1] + o) * os[2] + oy) * os[3] + ox] = (float) acc;
                    }
                }
            }
        }
    }

    private static void quantizedConv(Op.Conv2D c, float[] x, int[] xs, float[] w, int[] ws, float[] wzp, float[] wscale,
                                      float[] b, int[] os, float[] y) {
        float lo = 0f;
        float hi = 0f;
        for (float v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float scale = (hi - lo) / 255f;
        int zp = scale == 0f ? 0 : (int) Math.max(0, Math.min(255, Math.rint(-lo / scale)));
        float[] centred = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int q = scale == 0f ? 0 : (int) Math.max(0, Math.min(255, Math.rint(x[i] / scale) + zp));
            centred[i] = q - zp;
        }
        float[] wc = new float[w.length];
        int perO = w.length / ws[0];
        for (int i = 0; i < w.length; i++) {
            wc[i] = w[i] - wzp[wzp.length == 1 ? 0 : i / perO];
        }
        // the integer products are exact in double for these sizes
        conv(c, centred, xs, wc, ws, null, os, y);
        int hw = os[2] * os[3];
        for (int i = 0; i < y.length; i++) {
            int o = (i / hw) % os[1];
            float s = scale * wscale[wscale.length == 1 ? 0 : o];
            y[i] = y[i] * s + (b == null ? 0f : b[o]);
        }
    }

    private static void convTranspose(Op.ConvTranspose2D c, float[] x, int[] xs, float[] w, int[] ws, float[] b,
                                      int[] os, float[] y) {
        int[] st = c.strides();
        int[] p = c.pads();
        int g = c.group();
        int cin = xs[1] / g;
        int opg = ws[1];
        double[] acc = new double[y.length];
        for (int nb = 0; nb < xs[0]; nb++) {
            for (int ci = 0; ci < xs[1]; ci++) {
                int grp = ci / cin;
                for (int iy = 0; iy < xs[2]; iy++) {
                    for (int ix = 0; ix < xs[3]; ix++) {
                        float v = x[((nb * xs[1] + ci) * xs[2] + iy) * xs[3] + ix];
                        for (int o = 0; o < opg; o++) {
                            int oc = grp * opg + o;
                            for (int ky = 0; ky < ws[2]; ky++) {
                                int oy = iy * st[0] - p[0] + ky;
                                if (oy < 0 || oy >= os[2]) {
                                    continue;
                                }
                                for (int kx = 0; kx < ws[3]; kx++) {
                                    int ox = ix * st[1] - p[1] + kx;
                                    if (ox < 0 || ox >= os[3]) {
                                        continue;
                                    }
                                    acc[((nb * os[1] + oc) * os[2] + oy) * os[3] + ox] +=
                                            v * w[((ci * opg + o) * ws[2] + ky) * ws[3] + kx];
                                }
                            }
                        }
                    }
                }
            }
        }
        int hw = os[2] * os[3];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (acc[i] + (b == null ? 0 : b[(i / hw) % os[1]]));
        }
    }

    private static void maxPool(Op.MaxPool2D m, float[] x, int[] xs, int[] os, float[] y) {
        int[] k = m.kernel();
        int[] st = m.strides();
        int[] p = m.pads();
        for (int nc = 0; nc < os[0] * os[1]; nc++) {
            for (int oy = 0; oy < os[2]; oy++) {
                for (int ox = 0; ox < os[3]; ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < k[0]; ky++) {
                        int iy = oy * st[0] - p[0] + ky;
                        for (int kx = 0; kx < k[1]; kx++) {
                            int ix = ox * st[1] - p[1] + kx;
                            if (iy >= 0 && iy < xs[2] && ix >= 0 && ix < xs[3]) {
                                best = Math.max(best, x[(nc * xs[2] + iy) * xs[3] + ix]);
                            }
                        }
                    }
                    y[(nc * os[2] + oy) * os[3] + ox] = best;
                }
            }
        }
    }

    private static float source(Op.CoordinateMode mode, int out, int inSize, int outSize) {
        float in = switch (mode) {
            case HALF_PIXEL -> (out + 0.5f) * inSize / outSize - 0.5f;
            case PYTORCH_HALF_PIXEL -> outSize == 1 ? 0f : (out + 0.5f) * inSize / outSize - 0.5f;
            case ALIGN_CORNERS -> outSize == 1 ? 0f : (float) out * (inSize - 1) / (outSize - 1);
            case ASYMMETRIC -> (float) out * inSize / outSize;
        };
        return Math.max(0f, Math.min(in, inSize - 1));
    }

    private static void resize(Op.ResizeBilinear r, float[] x, int[] xs, int[] os, float[] y) {
        int ih = xs[2];
        int iw = xs[3];
        for (int nc = 0; nc < os[0] * os[1]; nc++) {
            for (int oy = 0; oy < os[2]; oy++) {
                float sy = source(r.mode(), oy, ih, os[2]);
                int y0 = (int) Math.floor(sy);
                int y1 = Math.min(y0 + 1, ih - 1);
                float wy = sy - y0;
                for (int ox = 0; ox < os[3]; ox++) {
                    float sx = source(r.mode(), ox, iw, os[3]);
                    int x0 = (int) Math.floor(sx);
                    int x1 = Math.min(x0 + 1, iw - 1);
                    float wx = sx - x0;
                    int base = nc * ih * iw;
                    float top = x[base + y0 * iw + x0] * (1 - wx) + x[base + y0 * iw + x1] * wx;
                    float bottom = x[base + y1 * iw + x0] * (1 - wx) + x[base + y1 * iw + x1] * wx;
                    y[(nc * os[2] + oy) * os[3] + ox] = top * (1 - wy) + bottom * wy;
                }
            }
        }
    }
}
