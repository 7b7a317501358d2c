package io.bgswap.graph.tflite;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.DataType;
import io.bgswap.graph.Graph;
import io.bgswap.graph.HalfFloat;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a TensorFlow Lite flatbuffer (the schema subset that float segmentation models use) into
 * an engine-neutral {@link Graph}. TFLite activations are NHWC; the graph keeps the model's NHWC
 * inputs and outputs and works in NCHW inside, with one {@link Op.Transpose} after each input and
 * before each output. Weights are converted: convolution filters from OHWI to OIHW, depthwise
 * filters from {@code [1, kH, kW, C*M]} to {@code [C*M, 1, kH, kW]}, transposed-convolution filters
 * from OHWI to {@code [I, O, kH, kW]}. {@code DEQUANTIZE} of stored float16 weights is folded into
 * float32 constants. SAME padding is made explicit the TFLite way: the odd pixel goes at the
 * bottom/right. Fused activations become separate {@link Op.Relu} nodes.
 *
 * <p>Supported operators: ADD, MUL, CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D (global only),
 * MEAN over height and width with keep_dims, MAX_POOL_2D, RESIZE_BILINEAR, CONCATENATION, RELU,
 * LOGISTIC, HARD_SWISH, DEQUANTIZE (float16 constants), and the MediaPipe custom operator
 * {@code Convolution2DTransposeBias}. Anything else fails with {@link ErrorCode#UNSUPPORTED_MODEL}
 * naming the operator and the model.
 *
 * <p>Stateless and thread-safe.
 */
public final class TfliteImporter {
    private static final int ADD = 0;
    private static final int AVERAGE_POOL_2D = 1;
    private static final int CONCATENATION = 2;
    private static final int CONV_2D = 3;
    private static final int DEPTHWISE_CONV_2D = 4;
    private static final int DEQUANTIZE = 6;
    private static final int LOGISTIC = 14;
    private static final int MAX_POOL_2D = 17;
    private static final int MUL = 18;
    private static final int RELU = 19;
    private static final int RESIZE_BILINEAR = 23;
    private static final int CUSTOM = 32;
    private static final int MEAN = 40;
    private static final int HARD_SWISH = 117;

    private static final int TYPE_FLOAT32 = 0;
    private static final int TYPE_FLOAT16 = 1;
    private static final int TYPE_INT32 = 2;
    private static final int TYPE_UINT8 = 3;
    private static final int TYPE_INT64 = 4;
    private static final int TYPE_INT8 = 9;

    private static final int PADDING_SAME = 0;
    private static final int ACT_NONE = 0;
    private static final int ACT_RELU = 1;

    /** NHWC to NCHW. */
    static final int[] TO_NCHW = {0, 3, 1, 2};
    /** NCHW to NHWC. */
    static final int[] TO_NHWC = {0, 2, 3, 1};

    private TfliteImporter() {
    }

    /**
     * @param modelName name for error messages and the graph
     * @param data      the whole {@code .tflite} file
     * @return the graph
     * @throws BgSwapException {@link ErrorCode#UNSUPPORTED_MODEL} for an unreadable file or an
     *                         operator outside the supported set
     */
    public static Graph read(String modelName, byte[] data) {
        if (!"TFL3".equals(FlatTable.identifier(data))) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + modelName
                    + " is not a TFLite flatbuffer (file identifier TFL3 missing)");
        }
        try {
            return new Reader(modelName, FlatTable.root(data)).read();
        } catch (BgSwapException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bytes from a user's file: any fault while reading them means a damaged file.
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + modelName + " cannot be imported: " + e.getMessage(), e);
        }
    }

    /** Raw TFLite tensor facts. */
    private record TfTensor(String name, int[] shape, int type, int buffer) {
    }

    private static final class Reader {
        private final String model;
        private final FlatTable root;
        private final FlatTable subgraph;
        private final List<TfTensor> tensors = new ArrayList<>();
        /** Constant tensors in their TFLite layout, after folding DEQUANTIZE. */
        private final Map<Integer, Tensor> constants = new HashMap<>();
        private final Map<String, Tensor> initializers = new LinkedHashMap<>();
        private final List<Node> nodes = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private final Map<Integer, String> valueNames = new HashMap<>();
        private final Set<Integer> nhwcOutputs = new HashSet<>();
        private int counter;

        Reader(String model, FlatTable root) {
            this.model = model;
            this.root = root;
            if (root.vectorLength(2) != 1) {
                throw fail("has " + root.vectorLength(2) + " subgraphs; only single-subgraph models are supported");
            }
            this.subgraph = root.getTable(2, 0);
        }

        private BgSwapException fail(String what) {
            return new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "TFLite model " + model + " " + what);
        }

        Graph read() {
            int n = subgraph.vectorLength(0);
            for (int i = 0; i < n; i++) {
                FlatTable t = subgraph.getTable(0, i);
                String name = t.getString(3);
                tensors.add(new TfTensor(name == null || name.isEmpty() ? "t" + i : name, t.getInts(0),
                        t.getByte(1, TYPE_FLOAT32), t.getInt(2, 0)));
            }
            for (int i = 0; i < n; i++) {
                Tensor c = storedConstant(i);
                if (c != null) {
                    constants.put(i, c);
                }
            }
            for (int idx : subgraph.getInts(2)) {
                if (tensors.get(idx).shape.length == 4) {
                    nhwcOutputs.add(idx);
                    if (!names.add(tensors.get(idx).name)) {
                        throw fail("has two outputs named " + tensors.get(idx).name);
                    }
                }
            }
            List<ValueInfo> inputs = new ArrayList<>();
            for (int idx : subgraph.getInts(1)) {
                TfTensor t = tensors.get(idx);
                if (t.type != TYPE_FLOAT32) {
                    throw fail("input " + t.name + " is not float32");
                }
                String name = unique(t.name);
                inputs.add(new ValueInfo(name, DataType.FLOAT32, t.shape));
                if (t.shape.length == 4) {
                    String inner = unique(t.name + "_nchw");
                    nodes.add(new Node(inner, new Op.Transpose(TO_NCHW), List.of(name), List.of(inner)));
                    valueNames.put(idx, inner);
                } else {
                    valueNames.put(idx, name);
                }
            }
            int ops = subgraph.vectorLength(3);
            for (int i = 0; i < ops; i++) {
                convert(subgraph.getTable(3, i), i);
            }
            List<ValueInfo> outputs = new ArrayList<>();
            for (int idx : subgraph.getInts(2)) {
                TfTensor t = tensors.get(idx);
                String inner = value(idx, "graph output");
                String name = t.name;
                if (t.shape.length == 4) {
                    nodes.add(new Node(name, new Op.Transpose(TO_NHWC), List.of(inner), List.of(name)));
                } else {
                    name = inner;
                }
                outputs.add(new ValueInfo(name, DataType.FLOAT32, t.shape));
            }
            return new Graph(model, inputs, outputs, initializers, nodes);
        }

        private String unique(String base) {
            String name = base;
            while (!names.add(name)) {
                name = base + "_" + (++counter);
            }
            return name;
        }

        /** @return the TFLite tensor's stored data as a tensor, or null when it has none */
        private Tensor storedConstant(int index) {
            TfTensor t = tensors.get(index);
            if (t.buffer <= 0 || t.buffer >= root.vectorLength(4)) {
                return null;
            }
            byte[] raw = root.getTable(4, t.buffer).getBytes(0);
            if (raw.length == 0) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            int count = (int) Tensor.elementCount(t.shape);
            switch (t.type) {
                case TYPE_FLOAT32: {
                    float[] f = new float[count];
                    b.asFloatBuffer().get(f);
                    return Tensor.ofFloats(t.shape, f);
                }
                case TYPE_FLOAT16: {
                    float[] f = new float[count];
                    for (int i = 0; i < count; i++) {
                        f[i] = HalfFloat.toFloat(b.getShort(2 * i));
                    }
                    return Tensor.ofFloats(t.shape, f);
                }
                case TYPE_INT32: {
                    int[] v = new int[count];
                    b.asIntBuffer().get(v);
                    return Tensor.ofInts(t.shape, v);
                }
                case TYPE_INT64: {
                    long[] v = new long[count];
                    b.asLongBuffer().get(v);
                    return Tensor.ofLongs(t.shape, v);
                }
                case TYPE_UINT8:
                    return Tensor.ofBytes(DataType.UINT8, t.shape, Arrays.copyOf(raw, count));
                case TYPE_INT8:
                    return Tensor.ofBytes(DataType.INT8, t.shape, Arrays.copyOf(raw, count));
                default:
                    throw fail("tensor " + t.name + " has unsupported element type " + t.type);
            }
        }

        private String value(int index, String usedBy) {
            String v = valueNames.get(index);
            if (v == null) {
                throw fail("uses tensor " + tensors.get(index).name + " (in " + usedBy + ") before it is computed");
            }
            return v;
        }

        private String define(int index) {
            String v = unique(tensors.get(index).name + (nhwcOutputs.contains(index) ? "_nchw" : ""));
            valueNames.put(index, v);
            return v;
        }

        private String addConstant(String base, Tensor t) {
            String name = unique(base);
            initializers.put(name, t);
            return name;
        }

        private Tensor constant(int index, String op) {
            Tensor c = constants.get(index);
            if (c == null) {
                throw fail("operator " + op + " needs a constant for tensor " + tensors.get(index).name);
            }
            return c;
        }

        /** @return the value name of an activation input, or a converted constant broadcastable in NCHW */
        private String operand(int index, String op) {
            Tensor c = constants.get(index);
            if (c == null) {
                return value(index, op);
            }
            return addConstant(tensors.get(index).name, nhwcConstantToNchw(c));
        }

        private void convert(FlatTable op, int position) {
            FlatTable code = root.getTable(1, op.getInt(0, 0));
            int builtin = Math.max(code.getByte(0, 0), code.getInt(3, 0));
            int[] in = op.getInts(1);
            int[] out = op.getInts(2);
            FlatTable opt = op.getTable(4);
            String opName = builtin == CUSTOM ? code.getString(1) : "builtin operator " + builtin;
            switch (builtin) {
                case DEQUANTIZE: {
                    Tensor c = constants.get(in[0]);
                    if (c == null || c.type() != DataType.FLOAT32) {
                        throw fail("uses DEQUANTIZE on a non-constant or quantised tensor "
                                + tensors.get(in[0]).name + "; only stored float16 weights are supported");
                    }
                    constants.put(out[0], c);
                    return;
                }
                case CONV_2D:
                    conv(in, out, opt, false);
                    return;
                case DEPTHWISE_CONV_2D:
                    conv(in, out, opt, true);
                    return;
                case ADD:
                case MUL: {
                    String a = operand(in[0], opName);
                    String b = operand(in[1], opName);
                    int act = opt == null ? ACT_NONE : opt.getByte(0, ACT_NONE);
                    emit(builtin == ADD ? new Op.Add() : new Op.Mul(), List.of(a, b), out[0], act, opName);
                    return;
                }
                case RELU:
                    emit(new Op.Relu(), List.of(value(in[0], "RELU")), out[0], ACT_NONE, opName);
                    return;
                case LOGISTIC:
                    emit(new Op.Sigmoid(), List.of(value(in[0], "LOGISTIC")), out[0], ACT_NONE, opName);
                    return;
                case HARD_SWISH:
                    emit(new Op.HardSwish(), List.of(value(in[0], "HARD_SWISH")), out[0], ACT_NONE, opName);
                    return;
                case AVERAGE_POOL_2D: {
                    int[] s = tensors.get(in[0]).shape;
                    int fw = opt.getInt(3, 0);
                    int fh = opt.getInt(4, 0);
                    if (fh != s[1] || fw != s[2]) {
                        throw fail("uses AVERAGE_POOL_2D with a " + fh + "x" + fw + " window on " + s[1] + "x" + s[2]
                                + "; only global average pooling is supported");
                    }
                    emit(new Op.GlobalAveragePool(), List.of(value(in[0], "AVERAGE_POOL_2D")), out[0],
                            opt.getByte(5, ACT_NONE), "AVERAGE_POOL_2D");
                    return;
                }
                case MEAN: {
                    int[] axes = constant(in[1], "MEAN").ints();
                    boolean keep = opt != null && opt.getBool(0);
                    int[] sorted = axes == null ? new int[0] : axes.clone();
                    Arrays.sort(sorted);
                    if (!keep || !Arrays.equals(sorted, new int[] {1, 2}) || tensors.get(in[0]).shape.length != 4) {
                        throw fail("uses MEAN over axes " + Arrays.toString(axes) + (keep ? "" : " without keep_dims")
                                + "; only the mean over height and width with keep_dims is supported");
                    }
                    emit(new Op.GlobalAveragePool(), List.of(value(in[0], "MEAN")), out[0], ACT_NONE, "MEAN");
                    return;
                }
                case MAX_POOL_2D: {
                    int[] s = tensors.get(in[0]).shape;
                    int sw = opt.getInt(1, 1);
                    int sh = opt.getInt(2, 1);
                    int fw = opt.getInt(3, 1);
                    int fh = opt.getInt(4, 1);
                    int[] pads = pads(opt.getByte(0, PADDING_SAME), s[1], s[2], fh, fw, sh, sw, 1, 1);
                    emit(new Op.MaxPool2D(new int[] {fh, fw}, new int[] {sh, sw}, pads, false),
                            List.of(value(in[0], "MAX_POOL_2D")), out[0], opt.getByte(5, ACT_NONE), "MAX_POOL_2D");
                    return;
                }
                case RESIZE_BILINEAR: {
                    int[] size = constant(in[1], "RESIZE_BILINEAR").ints();
                    boolean align = opt != null && opt.getBool(2);
                    boolean half = opt != null && opt.getBool(3);
                    Op.CoordinateMode mode = align ? Op.CoordinateMode.ALIGN_CORNERS
                            : half ? Op.CoordinateMode.HALF_PIXEL : Op.CoordinateMode.ASYMMETRIC;
                    emit(new Op.ResizeBilinear(size[0], size[1], mode), List.of(value(in[0], "RESIZE_BILINEAR")),
                            out[0], ACT_NONE, opName);
                    return;
                }
                case CONCATENATION: {
                    int rank = tensors.get(out[0]).shape.length;
                    int axis = opt.getInt(0, 0);
                    axis = axis < 0 ? axis + rank : axis;
                    if (rank != 4) {
                        throw fail("uses CONCATENATION on rank " + rank + " tensors; only rank 4 is supported");
                    }
                    List<String> ins = new ArrayList<>();
                    for (int i : in) {
                        ins.add(operand(i, "CONCATENATION"));
                    }
                    emit(new Op.Concat(TO_NHWC[axis]), ins, out[0], opt.getByte(1, ACT_NONE), "CONCATENATION");
                    return;
                }
                case CUSTOM:
                    if ("Convolution2DTransposeBias".equals(code.getString(1))) {
                        transposeConv(in, out, op.getBytes(5));
                        return;
                    }
                    throw fail("uses custom operator '" + code.getString(1) + "' (operator #" + position
                            + "), which bgswap does not support");
                default:
                    throw fail("uses builtin operator code " + builtin + " (operator #" + position
                            + "), which bgswap does not support");
            }
        }

        private void emit(Op op, List<String> inputs, int outIndex, int activation, String what) {
            if (activation == ACT_NONE) {
                String out = define(outIndex);
                nodes.add(new Node(out, op, inputs, List.of(out)));
            } else if (activation == ACT_RELU) {
                String pre = unique(tensors.get(outIndex).name + "_pre_relu");
                nodes.add(new Node(pre, op, inputs, List.of(pre)));
                String out = define(outIndex);
                nodes.add(new Node(out, new Op.Relu(), List.of(pre), List.of(out)));
            } else {
                throw fail("uses fused activation " + activation + " on " + what + "; only NONE and RELU are supported");
            }
        }

        private void conv(int[] in, int[] out, FlatTable opt, boolean depthwise) {
            String what = depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D";
            int[] xs = tensors.get(in[0]).shape;
            Tensor w = constant(in[1], what);
            int[] ws = w.shape();
            int sw = opt.getInt(1, 1);
            int sh = opt.getInt(2, 1);
            int dw = opt.getInt(depthwise ? 5 : 4, 1);
            int dh = opt.getInt(depthwise ? 6 : 5, 1);
            int act = opt.getByte(depthwise ? 4 : 3, ACT_NONE);
            int kh = ws[1];
            int kw = ws[2];
            int[] pads = pads(opt.getByte(0, PADDING_SAME), xs[1], xs[2], kh, kw, sh, sw, dh, dw);
            Tensor weight;
            int group;
            if (depthwise) {
                // [1, kH, kW, C*M] -> [C*M, 1, kH, kW]
                weight = permute(w, new int[] {3, 0, 1, 2});
                group = xs[3];
            } else {
                // OHWI -> OIHW
                weight = permute(w, new int[] {0, 3, 1, 2});
                group = xs[3] / ws[3];
            }
            List<String> inputs = new ArrayList<>();
            inputs.add(value(in[0], what));
            inputs.add(addConstant(tensors.get(in[1]).name, weight));
            if (in.length > 2 && in[2] >= 0) {
                inputs.add(addConstant(tensors.get(in[2]).name, constant(in[2], what)));
            }
            emit(new Op.Conv2D(new int[] {sh, sw}, pads, new int[] {dh, dw}, group), inputs, out[0], act, what);
        }

        /** MediaPipe's custom op; options are the C struct {int padding; int stride_w; int stride_h;}. */
        private void transposeConv(int[] in, int[] out, byte[] options) {
            String what = "Convolution2DTransposeBias";
            if (options.length < 12) {
                throw fail("has a " + what + " operator whose options are " + options.length + " bytes, expected 12");
            }
            ByteBuffer b = ByteBuffer.wrap(options).order(ByteOrder.LITTLE_ENDIAN);
            int padding = b.getInt(0);
            int sw = b.getInt(4);
            int sh = b.getInt(8);
            int[] xs = tensors.get(in[0]).shape;
            int[] ys = tensors.get(out[0]).shape;
            Tensor w = constant(in[1], what);
            int[] ws = w.shape();
            int kh = ws[1];
            int kw = ws[2];
            int fullH = (xs[1] - 1) * sh + kh;
            int fullW = (xs[2] - 1) * sw + kw;
            int outH;
            int outW;
            if (padding == 1) { // SAME
                outH = xs[1] * sh;
                outW = xs[2] * sw;
            } else if (padding == 2) { // VALID
                outH = fullH;
                outW = fullW;
            } else {
                throw fail("has a " + what + " operator with padding " + padding);
            }
            if (ys.length == 4 && (ys[1] != outH || ys[2] != outW)) {
                throw fail("has a " + what + " operator whose output " + Arrays.toString(ys) + " disagrees with its options");
            }
            int padH = Math.max(0, fullH - outH);
            int padW = Math.max(0, fullW - outW);
            int[] pads = {padH / 2, padW / 2, padH - padH / 2, padW - padW / 2};
            List<String> inputs = new ArrayList<>();
            inputs.add(value(in[0], what));
            // OHWI -> [I, O, kH, kW]
            inputs.add(addConstant(tensors.get(in[1]).name, permute(w, new int[] {3, 0, 1, 2})));
            if (in.length > 2 && in[2] >= 0) {
                inputs.add(addConstant(tensors.get(in[2]).name, constant(in[2], what)));
            }
            emit(new Op.ConvTranspose2D(new int[] {sh, sw}, pads, 1), inputs, out[0], ACT_NONE, what);
        }
    }

    /** TFLite padding: SAME puts the odd pixel at the bottom/right; VALID pads nothing. */
    static int[] pads(int padding, int h, int w, int kh, int kw, int sh, int sw, int dh, int dw) {
        if (padding != PADDING_SAME) {
            return new int[4];
        }
        int ph = samePad(h, kh, sh, dh);
        int pw = samePad(w, kw, sw, dw);
        return new int[] {ph / 2, pw / 2, ph - ph / 2, pw - pw / 2};
    }

    private static int samePad(int in, int k, int s, int d) {
        int out = (in + s - 1) / s;
        int effective = (k - 1) * d + 1;
        return Math.max(0, (out - 1) * s + effective - in);
    }

    /** A constant in NHWC (or lower rank, aligned to the channel axis) as an NCHW-broadcastable tensor. */
    static Tensor nhwcConstantToNchw(Tensor c) {
        if (c.rank() > 4) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "constant of rank " + c.rank() + " in an image graph");
        }
        if (c.rank() == 0 || c.size() == 1) {
            return c;
        }
        int[] s4 = new int[4];
        Arrays.fill(s4, 1);
        int[] s = c.shape();
        System.arraycopy(s, 0, s4, 4 - s.length, s.length);
        Tensor t4 = Tensor.ofFloats(s4, c.toFloats());
        return permute(t4, TO_NCHW);
    }

    /**
     * @param t    a float tensor
     * @param perm output dimension i is input dimension perm[i]
     * @return the permuted tensor
     */
    static Tensor permute(Tensor t, int[] perm) {
        int[] s = t.shape();
        int rank = s.length;
        int[] os = new int[rank];
        for (int i = 0; i < rank; i++) {
            os[i] = s[perm[i]];
        }
        int[] inStride = new int[rank];
        int acc = 1;
        for (int i = rank - 1; i >= 0; i--) {
            inStride[i] = acc;
            acc *= s[i];
        }
        float[] src = t.toFloats();
        float[] dst = new float[src.length];
        int[] idx = new int[rank];
        for (int o = 0; o < dst.length; o++) {
            int from = 0;
            for (int i = 0; i < rank; i++) {
                from += idx[i] * inStride[perm[i]];
            }
            dst[o] = src[from];
            for (int i = rank - 1; i >= 0; i--) {
                if (++idx[i] < os[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        return Tensor.ofFloats(os, dst);
    }
}
