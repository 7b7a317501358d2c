package io.bgswap.graph;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Static shape inference over a {@link Graph}: the dimensions of every value, computed from the
 * input shapes, the constant shapes and each operator's documented output-size rule. Backends use
 * it where their engine wants sizes spelled out (an ONNX Resize's {@code sizes}, a TensorFlow
 * placeholder). Stateless and thread-safe.
 */
public final class Shapes {
    private Shapes() {
    }

    /**
     * @param graph a graph
     * @return the shape of every input, constant and node output, by value name
     * @throws BgSwapException {@link ErrorCode#UNSUPPORTED_MODEL} when operand shapes do not fit
     */
    public static Map<String, int[]> infer(Graph graph) {
        Map<String, int[]> shapes = new HashMap<>();
        for (ValueInfo in : graph.inputs()) {
            shapes.put(in.name(), in.shape());
        }
        graph.initializers().forEach((k, v) -> shapes.put(k, v.shape()));
        for (Node n : graph.nodes()) {
            int[][] in = new int[n.inputs().size()][];
            for (int i = 0; i < in.length; i++) {
                in[i] = n.hasInput(i) ? shapes.get(n.inputs().get(i)) : null;
            }
            try {
                shapes.put(n.output(), outputShape(n.op(), in));
            } catch (RuntimeException e) {
                throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + graph.name() + ": node " + n.name()
                        + " (" + n.op().opName() + ") cannot take inputs of shapes "
                        + Arrays.deepToString(in) + ": " + e.getMessage(), e);
            }
        }
        return shapes;
    }

    /**
     * @param op     an operator
     * @param inputs its input shapes ({@code null} for absent optional inputs)
     * @return the output shape
     */
    public static int[] outputShape(Op op, int[]... inputs) {
        int[] x = inputs[0];
        if (op instanceof Op.Conv2D c) {
            int[] w = inputs[1];
            int[] p = c.pads();
            int[] s = c.strides();
            int[] d = c.dilations();
            require(x.length == 4 && w.length == 4 && x[1] == w[1] * c.group(), "channels do not match the weight");
            return new int[] {x[0], w[0],
                    (x[2] + p[0] + p[2] - d[0] * (w[2] - 1) - 1) / s[0] + 1,
                    (x[3] + p[1] + p[3] - d[1] * (w[3] - 1) - 1) / s[1] + 1};
        }
        if (op instanceof Op.QuantizedConv2D q) {
            return outputShape(q.conv(), inputs);
        }
        if (op instanceof Op.ConvTranspose2D c) {
            int[] w = inputs[1];
            int[] p = c.pads();
            int[] s = c.strides();
            require(x.length == 4 && w.length == 4 && x[1] == w[0], "channels do not match the weight");
            return new int[] {x[0], w[1] * c.group(),
                    (x[2] - 1) * s[0] + w[2] - p[0] - p[2], (x[3] - 1) * s[1] + w[3] - p[1] - p[3]};
        }
        if (op instanceof Op.MaxPool2D m) {
            int[] k = m.kernel();
            int[] s = m.strides();
            int[] p = m.pads();
            return new int[] {x[0], x[1], pooled(x[2], k[0], s[0], p[0], p[2], m.ceilMode()),
                    pooled(x[3], k[1], s[1], p[1], p[3], m.ceilMode())};
        }
        if (op instanceof Op.GlobalAveragePool) {
            return new int[] {x[0], x[1], 1, 1};
        }
        if (op instanceof Op.ResizeBilinear r) {
            return new int[] {x[0], x[1], r.outHeight(), r.outWidth()};
        }
        if (op instanceof Op.Concat c) {
            int[] out = x.clone();
            for (int i = 1; i < inputs.length; i++) {
                require(inputs[i].length == x.length, "ranks differ");
                for (int a = 0; a < x.length; a++) {
                    require(a == c.axis() || inputs[i][a] == x[a], "dimensions off the axis differ");
                }
                out[c.axis()] += inputs[i][c.axis()];
            }
            return out;
        }
        if (op instanceof Op.Add || op instanceof Op.Mul) {
            return broadcast(x, inputs[1]);
        }
        if (op instanceof Op.Transpose t) {
            int[] perm = t.perm();
            require(perm.length == x.length, "perm rank differs from the input's");
            int[] out = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = x[perm[i]];
            }
            return out;
        }
        // element-wise unary operators
        return x.clone();
    }

    private static int pooled(int in, int k, int s, int before, int after, boolean ceil) {
        int span = in + before + after - k;
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= in + before) {
            out--;
        }
        return out;
    }

    /**
     * @param a a shape
     * @param b another shape
     * @return their NumPy broadcast
     */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            require(da == db || da == 1 || db == 1, "cannot broadcast " + Arrays.toString(a) + " with " + Arrays.toString(b));
            out[i] = Math.max(da, db);
        }
        return out;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }

    /** @return the shapes of a list of value names, from an inference result */
    static int[][] of(Map<String, int[]> shapes, List<String> names) {
        return names.stream().map(shapes::get).toArray(int[][]::new);
    }
}
