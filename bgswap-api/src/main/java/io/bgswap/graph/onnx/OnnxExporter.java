package io.bgswap.graph.onnx;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.DataType;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Shapes;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Writes a {@link Graph} as an ONNX model (IR version 8, default domain opset 17), in memory. Each
 * graph operator maps to standard ONNX operators with the same semantics: {@code Conv},
 * {@code ConvTranspose}, {@code MaxPool}, {@code GlobalAveragePool}, {@code Resize}
 * (mode linear, with the matching {@code coordinate_transformation_mode}), {@code Concat},
 * {@code Add}, {@code Mul}, {@code Relu}, {@code HardSwish}, {@code Sigmoid}, {@code Transpose};
 * {@link Op.QuantizedConv2D} becomes {@code DynamicQuantizeLinear} + {@code ConvInteger} +
 * {@code Cast} + two {@code Mul} + {@code Add}. Stateless and thread-safe.
 */
public final class OnnxExporter {
    /** ONNX IR version written. */
    public static final int IR_VERSION = 8;
    /** Default-domain opset written. */
    public static final int OPSET = 17;

    static final int ONNX_FLOAT = 1;
    static final int ONNX_UINT8 = 2;
    static final int ONNX_INT8 = 3;
    static final int ONNX_INT32 = 6;
    static final int ONNX_INT64 = 7;

    private OnnxExporter() {
    }

    /**
     * @param graph a graph
     * @return the serialised ONNX {@code ModelProto}
     */
    public static byte[] toBytes(Graph graph) {
        Map<String, int[]> shapes = Shapes.infer(graph);
        ProtoWriter g = new ProtoWriter();
        Emitter e = new Emitter(g);
        for (Node n : graph.nodes()) {
            e.node(n, shapes);
        }
        g.string(2, graph.name());
        graph.initializers().forEach((name, t) -> g.message(5, tensor(name, t)));
        for (Map.Entry<String, Tensor> extra : e.extraConstants.entrySet()) {
            g.message(5, tensor(extra.getKey(), extra.getValue()));
        }
        for (ValueInfo in : graph.inputs()) {
            g.message(11, valueInfo(in));
        }
        for (ValueInfo out : graph.outputs()) {
            g.message(12, valueInfo(new ValueInfo(out.name(), out.type(), shapes.get(out.name()))));
        }
        return new ProtoWriter()
                .int64(1, IR_VERSION)
                .string(2, "bgswap")
                .message(7, g)
                .message(8, new ProtoWriter().string(1, "").int64(2, OPSET))
                .toByteArray();
    }

    static int onnxType(DataType t) {
        return switch (t) {
            case FLOAT32 -> ONNX_FLOAT;
            case UINT8 -> ONNX_UINT8;
            case INT8 -> ONNX_INT8;
            case INT32 -> ONNX_INT32;
            case INT64 -> ONNX_INT64;
        };
    }

    private static ProtoWriter valueInfo(ValueInfo v) {
        ProtoWriter shape = new ProtoWriter();
        for (int d : v.shape()) {
            shape.message(1, new ProtoWriter().int64(1, d));
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, onnxType(v.type())).message(2, shape);
        return new ProtoWriter().string(1, v.name()).message(2, new ProtoWriter().message(1, tensorType));
    }

    static ProtoWriter tensor(String name, Tensor t) {
        long[] dims = new long[t.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.dim(i);
        }
        ByteBuffer raw;
        switch (t.type()) {
            case FLOAT32 -> {
                raw = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
                raw.asFloatBuffer().put(t.floats());
            }
            case INT32 -> {
                raw = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
                raw.asIntBuffer().put(t.ints());
            }
            case INT64 -> {
                raw = ByteBuffer.allocate(8 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
                raw.asLongBuffer().put(t.longs());
            }
            default -> raw = ByteBuffer.wrap(t.bytes());
        }
        ProtoWriter w = new ProtoWriter();
        if (dims.length > 0) {
            w.packedInt64(1, dims);
        }
        return w.int64(2, onnxType(t.type())).string(8, name).bytes(9, raw.array());
    }

    private static final class Emitter {
        private final ProtoWriter graph;
        private final Map<String, Tensor> extraConstants = new java.util.LinkedHashMap<>();

        Emitter(ProtoWriter graph) {
            this.graph = graph;
        }

        private void emit(String name, String opType, String[] inputs, String[] outputs, ProtoWriter... attributes) {
            ProtoWriter n = new ProtoWriter();
            for (String in : inputs) {
                n.string(1, in);
            }
            for (String out : outputs) {
                n.string(2, out);
            }
            n.string(3, name).string(4, opType);
            for (ProtoWriter a : attributes) {
                n.message(5, a);
            }
            graph.message(1, n);
        }

        private static ProtoWriter ints(String name, int... values) {
            ProtoWriter a = new ProtoWriter().string(1, name);
            long[] v = new long[values.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = values[i];
            }
            return a.packedInt64(8, v).int64(20, 7);
        }

        private static ProtoWriter integer(String name, long value) {
            return new ProtoWriter().string(1, name).int64(3, value).int64(20, 2);
        }

        private static ProtoWriter string(String name, String value) {
            return new ProtoWriter().string(1, name).string(4, value).int64(20, 3);
        }

        void node(Node n, Map<String, int[]> shapes) {
            String[] in = n.inputs().toArray(String[]::new);
            String[] out = n.outputs().toArray(String[]::new);
            Op op = n.op();
            if (op instanceof Op.Conv2D c) {
                int[] w = shapes.get(in[1]);
                emit(n.name(), "Conv", in, out, ints("kernel_shape", w[2], w[3]), ints("strides", c.strides()),
                        ints("pads", c.pads()), ints("dilations", c.dilations()), integer("group", c.group()));
            } else if (op instanceof Op.QuantizedConv2D q) {
                quantizedConv(n, q.conv(), in, out, shapes);
            } else if (op instanceof Op.ConvTranspose2D c) {
                int[] w = shapes.get(in[1]);
                emit(n.name(), "ConvTranspose", in, out, ints("kernel_shape", w[2], w[3]),
                        ints("strides", c.strides()), ints("pads", c.pads()), integer("group", c.group()));
            } else if (op instanceof Op.MaxPool2D m) {
                emit(n.name(), "MaxPool", in, out, ints("kernel_shape", m.kernel()), ints("strides", m.strides()),
                        ints("pads", m.pads()), integer("ceil_mode", m.ceilMode() ? 1 : 0));
            } else if (op instanceof Op.GlobalAveragePool) {
                emit(n.name(), "GlobalAveragePool", in, out);
            } else if (op instanceof Op.ResizeBilinear r) {
                int[] x = shapes.get(in[0]);
                String sizes = n.name() + "__sizes";
                extraConstants.put(sizes, Tensor.ofLongs(new int[] {4}, new long[] {x[0], x[1], r.outHeight(), r.outWidth()}));
                String mode = switch (r.mode()) {
                    case HALF_PIXEL -> "half_pixel";
                    case PYTORCH_HALF_PIXEL -> "pytorch_half_pixel";
                    case ALIGN_CORNERS -> "align_corners";
                    case ASYMMETRIC -> "asymmetric";
                };
                emit(n.name(), "Resize", new String[] {in[0], "", "", sizes}, out, string("mode", "linear"),
                        string("coordinate_transformation_mode", mode));
            } else if (op instanceof Op.Concat c) {
                emit(n.name(), "Concat", in, out, integer("axis", c.axis()));
            } else if (op instanceof Op.Add) {
                emit(n.name(), "Add", in, out);
            } else if (op instanceof Op.Mul) {
                emit(n.name(), "Mul", in, out);
            } else if (op instanceof Op.Relu) {
                emit(n.name(), "Relu", in, out);
            } else if (op instanceof Op.HardSwish) {
                emit(n.name(), "HardSwish", in, out);
            } else if (op instanceof Op.Sigmoid) {
                emit(n.name(), "Sigmoid", in, out);
            } else if (op instanceof Op.Transpose t) {
                emit(n.name(), "Transpose", in, out, ints("perm", t.perm()));
            } else {
                throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "The ONNX exporter cannot write operator " + op.opName());
            }
        }

        private void quantizedConv(Node n, Op.Conv2D c, String[] in, String[] out, Map<String, int[]> shapes) {
            String base = n.name();
            int[] w = shapes.get(in[1]);
            String xq = base + "__xq";
            String xs = base + "__xscale";
            String xzp = base + "__xzp";
            emit(base + "__quantize", "DynamicQuantizeLinear", new String[] {in[0]}, new String[] {xq, xs, xzp});
            String acc = base + "__acc";
            emit(base + "__convinteger", "ConvInteger", new String[] {xq, in[1], xzp, in[2]}, new String[] {acc},
                    ints("kernel_shape", w[2], w[3]), ints("strides", c.strides()), ints("pads", c.pads()),
                    ints("dilations", c.dilations()), integer("group", c.group()));
            String accF = base + "__accf";
            emit(base + "__cast", "Cast", new String[] {acc}, new String[] {accF}, integer("to", ONNX_FLOAT));
            String wScale = in[3];
            int[] ws = shapes.get(wScale);
            if (Tensor.elementCount(ws) > 1) {
                String shape = base + "__scale_shape";
                extraConstants.put(shape, Tensor.ofLongs(new int[] {4}, new long[] {1, -1, 1, 1}));
                String reshaped = base + "__wscale4";
                emit(base + "__reshape", "Reshape", new String[] {wScale, shape}, new String[] {reshaped});
                wScale = reshaped;
            }
            String scale = base + "__scale";
            emit(base + "__scale_mul", "Mul", new String[] {xs, wScale}, new String[] {scale});
            boolean bias = in.length > 4 && !in[4].isEmpty();
            String scaled = bias ? base + "__scaled" : out[0];
            emit(base + "__rescale", "Mul", new String[] {accF, scale}, new String[] {scaled});
            if (bias) {
                String b4 = base + "__bias4";
                String shape = base + "__bias_shape";
                extraConstants.put(shape, Tensor.ofLongs(new int[] {4}, new long[] {1, -1, 1, 1}));
                emit(base + "__bias_reshape", "Reshape", new String[] {in[4], shape}, new String[] {b4});
                emit(base + "__bias_add", "Add", new String[] {scaled, b4}, out);
            }
        }
    }
}
