package io.bgswap.tf;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.BilinearTaps;
import io.bgswap.graph.DataType;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an engine-neutral {@link Graph} into a TensorFlow graph with the Java Ops API.
 *
 * <p><b>Layout.</b> The engine-neutral graph is NCHW, but TensorFlow's CPU kernels for convolution,
 * pooling and resizing only take NHWC. Every value is therefore held in some physical order of its
 * logical (NCHW) dimensions, recorded as a permutation: convolutions, pools and resizes produce
 * NHWC; {@link Op.Transpose} nodes only change the recorded permutation, so the NHWC↔NCHW
 * transposes that importers put at a TFLite model's edges cost nothing; element-wise operators
 * keep their input's order; a real transpose is inserted only where two orders meet. Weights
 * are rearranged once, in Java, when the graph is built (OIHW → HWIO for convolutions). The
 * graph's outputs are returned in their logical order.
 *
 * <p>Not thread-safe; one builder builds one graph.
 */
final class TfGraphBuilder {
    private static final int[] NHWC = {0, 2, 3, 1};
    /** System property: {@code true} sums quantised convolutions in float64 (exact, several times slower). */
    static final String EXACT_PROPERTY = "bgswap.tf.exactQuantizedSums";

    /** A graph value: a TensorFlow operand holding the logical tensor's dimensions in order {@code perm}. */
    private static final class Value {
        final int[] perm;
        final Operand<TFloat32> physical;
        final boolean constant;
        final Map<String, Operand<TFloat32>> inOrder = new HashMap<>();

        Value(Operand<TFloat32> physical, int[] perm, boolean constant) {
            this.physical = physical;
            this.perm = perm;
            this.constant = constant;
            inOrder.put(Arrays.toString(perm), physical);
        }

        int rank() {
            return perm.length;
        }
    }

    private final Ops tf;
    private final Graph model;
    private final boolean exactIntegerSums;
    /** Resizes computed in ONNX Runtime's arithmetic order (see {@link BilinearTaps}). */
    private final boolean onnxOrderResize;
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, Operand<TFloat32>> inputs = new HashMap<>();
    private final Map<String, Operand<TFloat32>> outputs = new HashMap<>();

    private TfGraphBuilder(org.tensorflow.Graph target, Graph model, DeviceSpec device, boolean exactIntegerSums) {
        this.exactIntegerSums = exactIntegerSums;
        this.onnxOrderResize = BilinearTaps.neededBy(model);
        Ops ops = Ops.create(target);
        this.tf = device == null ? ops : ops.withDevice(device);
        this.model = model;
    }

    /** What {@link #build} made: the placeholders to feed and the operands to fetch, by graph value name. */
    record Built(Map<String, Operand<TFloat32>> inputs, Map<String, Operand<TFloat32>> outputs) {
    }

    /**
     * Adds {@code model} to {@code target}.
     *
     * @param target an empty TensorFlow graph
     * @param model  the model
     * @param device where to pin the operators, or {@code null} to let TensorFlow place them
     * @return the inputs and outputs
     * @throws BgSwapException {@code UNSUPPORTED_MODEL} for an operator or attribute this backend cannot express
     */
    static Built build(org.tensorflow.Graph target, Graph model, DeviceSpec device) {
        return build(target, model, device, Boolean.getBoolean(EXACT_PROPERTY));
    }

    /**
     * As {@link #build(org.tensorflow.Graph, Graph, DeviceSpec)}, choosing how quantised
     * convolutions sum.
     *
     * @param exactIntegerSums sum quantised convolutions in float64 (exact, slow) instead of float32
     */
    static Built build(org.tensorflow.Graph target, Graph model, DeviceSpec device, boolean exactIntegerSums) {
        TfGraphBuilder b = new TfGraphBuilder(target, model, device, exactIntegerSums);
        try {
            b.buildAll();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "TensorFlow cannot build model " + model.name()
                    + ": " + e.getMessage(), e);
        }
        return new Built(Map.copyOf(b.inputs), Map.copyOf(b.outputs));
    }

    private void buildAll() {
        for (ValueInfo in : model.inputs()) {
            if (in.type() != DataType.FLOAT32) {
                throw unsupported("input " + in.name() + " is " + in.type() + "; only float inputs are supported");
            }
            Operand<TFloat32> p = tf.withName("in_" + safeName(in.name())).placeholder(TFloat32.class,
                    org.tensorflow.op.core.Placeholder.shape(shapeOf(in.shape())));
            inputs.put(in.name(), p);
            values.put(in.name(), new Value(p, identity(in.shape().length), false));
        }
        for (Node n : model.nodes()) {
            if (n.outputs().size() != 1) {
                throw unsupported("node " + n.name() + " (" + n.op().opName() + ") has " + n.outputs().size() + " outputs");
            }
            values.put(n.output(), apply(n));
        }
        for (ValueInfo out : model.outputs()) {
            Operand<TFloat32> logical = inOrder(value(out.name()), identity(value(out.name()).rank()));
            outputs.put(out.name(), tf.withName("out_" + safeName(out.name())).identity(logical));
        }
    }

    private Value apply(Node n) {
        Op op = n.op();
        if (op instanceof Op.Conv2D c) {
            return conv(n, c);
        }
        if (op instanceof Op.QuantizedConv2D q) {
            return quantizedConv(n, q);
        }
        if (op instanceof Op.ConvTranspose2D c) {
            return convTranspose(n, c);
        }
        if (op instanceof Op.MaxPool2D p) {
            return maxPool(n, p);
        }
        if (op instanceof Op.GlobalAveragePool) {
            Value x = value(n.inputs().get(0));
            requireRank(n, x, 4);
            List<Integer> axes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                if (x.perm[i] == 2 || x.perm[i] == 3) {
                    axes.add(i);
                }
            }
            Operand<TFloat32> m = tf.math.mean(x.physical, tf.constant(axes.stream().mapToInt(Integer::intValue).toArray()),
                    Mean.keepDims(true));
            return new Value(m, x.perm, false);
        }
        if (op instanceof Op.ResizeBilinear r) {
            return resize(n, r);
        }
        if (op instanceof Op.Concat c) {
            return concat(n, c);
        }
        if (op instanceof Op.Add) {
            return binary(n, true);
        }
        if (op instanceof Op.Mul) {
            return binary(n, false);
        }
        if (op instanceof Op.Relu) {
            Value x = value(n.inputs().get(0));
            return new Value(tf.nn.relu(x.physical), x.perm, false);
        }
        if (op instanceof Op.Sigmoid) {
            Value x = value(n.inputs().get(0));
            return new Value(tf.math.sigmoid(x.physical), x.perm, false);
        }
        if (op instanceof Op.HardSwish) {
            Value x = value(n.inputs().get(0));
            Operand<TFloat32> gate = tf.nn.relu6(tf.math.add(x.physical, tf.constant(3f)));
            return new Value(tf.math.div(tf.math.mul(x.physical, gate), tf.constant(6f)), x.perm, false);
        }
        if (op instanceof Op.Transpose t) {
            Value x = value(n.inputs().get(0));
            int[] q = t.perm();
            if (q.length != x.rank()) {
                throw unsupported("node " + n.name() + " transposes rank " + x.rank() + " with " + Arrays.toString(q));
            }
            int[] qInverse = inverse(q);
            int[] p = new int[q.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = qInverse[x.perm[i]];
            }
            return new Value(x.physical, p, x.constant);
        }
        throw unsupported("operator " + op.opName() + " (node " + n.name() + ") has no TensorFlow translation");
    }

    // ---- convolutions -------------------------------------------------------------------------

    private Value conv(Node n, Op.Conv2D c) {
        Value xv = value(n.inputs().get(0));
        requireRank(n, xv, 4);
        Operand<TFloat32> x = inOrder(xv, NHWC);
        Tensor w = constantInput(n, 1, "weight");
        checkWeight(n, w, (int) x.shape().size(3), c.group());
        Operand<TFloat32> y = convolve(x, w.toFloats(), w.shape(), c, false);
        return new Value(bias(n, y, w.dim(0), 2), NHWC, false);
    }

    /**
     * Dynamic quantisation as ONNX Runtime computes it: the activation is quantised to uint8 with
     * one scale and zero point from its own range, the integer convolution of {@code xq - zp} and
     * {@code w - wzp} runs on those integer values held in floats, and the sum is rescaled in
     * float32. Each product of two 8-bit differences is exact in float32; sums are exact while they
     * stay below 2^24 in magnitude and beyond that are rounded to float32's 24 bits, as ONNX
     * Runtime's own int32-to-float conversion of the sum rounds them. With
     * {@link #exactIntegerSums} the convolution runs in float64 instead, where every sum is exact,
     * at several times the cost (TensorFlow has no fast float64 convolution on the CPU).
     */
    private Value quantizedConv(Node n, Op.QuantizedConv2D q) {
        Op.Conv2D c = q.conv();
        Value xv = value(n.inputs().get(0));
        requireRank(n, xv, 4);
        Operand<TFloat32> x = inOrder(xv, NHWC);
        Tensor w = constantInput(n, 1, "weight");
        Tensor wzp = constantInput(n, 2, "weight zero point");
        Tensor wscale = constantInput(n, 3, "weight scale");
        checkWeight(n, w, (int) x.shape().size(3), c.group());
        int outCh = w.dim(0);
        if ((wzp.size() != 1 && wzp.size() != outCh) || (wscale.size() != 1 && wscale.size() != outCh)) {
            throw unsupported("node " + n.name() + ": weight zero point and scale need 1 or " + outCh + " values");
        }
        float[] raw = w.toFloats();
        float[] zps = wzp.toFloats();
        int perOut = raw.length / outCh;
        float[] centred = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            centred[i] = raw[i] - zps[zps.length == 1 ? 0 : i / perOut];
        }
        Operand<TInt32> all = tf.constant(new int[] {0, 1, 2, 3});
        Operand<TFloat32> zero = tf.constant(0f);
        Operand<TFloat32> lo = tf.math.minimum(tf.min(x, all), zero);
        Operand<TFloat32> hi = tf.math.maximum(tf.max(x, all), zero);
        // (hi - lo) / 255 as ONNX Runtime rounds it. Grappler turns a float32 division by a
        // constant into a multiplication by its reciprocal, which rounds differently in the last
        // bit; done in float64, the rewrite's error stays far below float32's last bit, so the
        // result rounds to the float32 quotient (barring double-rounding ties, about one in 2^29).
        Operand<TFloat32> scale = tf.dtypes.cast(tf.math.div(tf.dtypes.cast(tf.math.sub(hi, lo), TFloat64.class),
                tf.constant(255.0)), TFloat32.class);
        // An all-zero activation has scale 0: divide by 1 instead, which quantises it to 0 with zero point 0.
        Operand<TFloat32> divisor = tf.math.add(scale, tf.dtypes.cast(tf.math.equal(scale, zero), TFloat32.class));
        Operand<TFloat32> zp = clamp(tf.math.rint(tf.math.div(tf.math.neg(lo), divisor)));
        Operand<TFloat32> xq = clamp(tf.math.add(tf.math.rint(tf.math.div(x, divisor)), zp));
        Operand<TFloat32> centredX = tf.math.sub(xq, zp);
        Operand<TFloat32> sum;
        if (exactIntegerSums) {
            Operand<TFloat64> acc = convolve(tf.dtypes.cast(centredX, TFloat64.class), centred, w.shape(), c, true);
            sum = tf.dtypes.cast(acc, TFloat32.class);
        } else {
            sum = convolve(centredX, centred, w.shape(), c, false);
        }
        float[] ws = wscale.toFloats();
        Operand<TFloat32> outScale = tf.math.mul(scale, constant(new long[] {ws.length}, ws));
        Operand<TFloat32> y = tf.math.mul(sum, outScale);
        return new Value(bias(n, y, outCh, 4), NHWC, false);
    }

    private Operand<TFloat32> clamp(Operand<TFloat32> v) {
        return tf.math.minimum(tf.math.maximum(v, tf.constant(0f)), tf.constant(255f));
    }

    private void checkWeight(Node n, Tensor w, int inCh, int g) {
        if (w.rank() != 4) {
            throw unsupported("node " + n.name() + ": convolution weight must be 4-D, is " + Arrays.toString(w.shape()));
        }
        if (inCh != w.dim(1) * g || w.dim(0) % g != 0) {
            throw unsupported("node " + n.name() + ": weight " + Arrays.toString(w.shape()) + " does not fit "
                    + inCh + " input channels in " + g + " groups");
        }
    }

    /** The convolution of NHWC {@code x} with OIHW weights {@code wf}, in float32 or (for exact integer sums) float64. */
    @SuppressWarnings("unchecked")
    private <T extends TNumber> Operand<T> convolve(Operand<T> x, float[] wf, int[] wshape, Op.Conv2D c, boolean dbl) {
        int outCh = wshape[0];
        int groupIn = wshape[1];
        int kh = wshape[2];
        int kw = wshape[3];
        int inCh = (int) x.shape().size(3);
        int g = c.group();
        int[] pads = c.pads();
        List<Long> strides = List.of(1L, (long) c.strides()[0], (long) c.strides()[1], 1L);
        List<Long> dilations = List.of(1L, (long) c.dilations()[0], (long) c.dilations()[1], 1L);
        boolean padded = Arrays.stream(pads).anyMatch(p -> p != 0);
        boolean same = padded && isSame(x.shape(), pads, c.strides(), new int[] {kh, kw}, c.dilations());
        String padding = !padded ? "VALID" : same ? "SAME" : "EXPLICIT";
        List<Long> explicit = List.of(0L, 0L, (long) pads[0], (long) pads[2], (long) pads[1], (long) pads[3], 0L, 0L);
        padded = padded && !same;
        if (g == 1) {
            Operand<T> filter = (Operand<T>) filter(new long[] {kh, kw, inCh, outCh}, hwio(wf, outCh, inCh, kh, kw, 0), dbl);
            return padded ? tf.nn.conv2d(x, filter, strides, padding, Conv2d.dilations(dilations), Conv2d.explicitPaddings(explicit))
                    : tf.nn.conv2d(x, filter, strides, padding, Conv2d.dilations(dilations));
        }
        if (groupIn == 1) {
            // Depthwise with channel multiplier k: output channel c * k + m reads input channel c,
            // which is the same order as TensorFlow's [kH, kW, C, k] filter.
            int k = outCh / inCh;
            float[] f = new float[kh * kw * inCh * k];
            for (int ch = 0; ch < inCh; ch++) {
                for (int m = 0; m < k; m++) {
                    for (int h = 0; h < kh; h++) {
                        for (int ww = 0; ww < kw; ww++) {
                            f[((h * kw + ww) * inCh + ch) * k + m] = wf[((ch * k + m) * kh + h) * kw + ww];
                        }
                    }
                }
            }
            Operand<T> filter = (Operand<T>) filter(new long[] {kh, kw, inCh, k}, f, dbl);
            // DepthwiseConv2dNative aborts the process on EXPLICIT padding (TensorFlow 2.18), so
            // other pads than SAME's become a zero Pad before a VALID convolution.
            Operand<T> in = x;
            String dwPadding = padding;
            if (padded) {
                Operand<T> zero = (Operand<T>) (dbl ? tf.constant(0d) : tf.constant(0f));
                in = tf.pad(x, tf.constant(new int[][] {{0, 0}, {pads[0], pads[2]}, {pads[1], pads[3]}, {0, 0}}), zero);
                dwPadding = "VALID";
            }
            return tf.nn.depthwiseConv2dNative(in, filter, strides, dwPadding, DepthwiseConv2dNative.dilations(dilations));
        }
        int groupOut = outCh / g;
        List<Operand<T>> parts = new ArrayList<>();
        List<Operand<T>> slices = split(x, g);
        for (int gi = 0; gi < g; gi++) {
            Operand<T> filter = (Operand<T>) filter(new long[] {kh, kw, groupIn, groupOut},
                    hwio(wf, groupOut, groupIn, kh, kw, gi * groupOut), dbl);
            parts.add(padded ? tf.nn.conv2d(slices.get(gi), filter, strides, padding, Conv2d.dilations(dilations),
                    Conv2d.explicitPaddings(explicit))
                    : tf.nn.conv2d(slices.get(gi), filter, strides, padding, Conv2d.dilations(dilations)));
        }
        return tf.concat(parts, tf.constant(3));
    }

    private Operand<? extends TNumber> filter(long[] shape, float[] data, boolean dbl) {
        if (!dbl) {
            return constant(shape, data);
        }
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return tf.constant(Shape.of(shape), DataBuffers.of(d, true, false));
    }

    /** Whether {@code pads} are what TensorFlow's SAME padding would choose (extra pixel at the end). */
    static boolean isSame(Shape nhwc, int[] pads, int[] strides, int[] kernel, int[] dilations) {
        for (int axis = 0; axis < 2; axis++) {
            long in = nhwc.size(1 + axis);
            long out = (in + strides[axis] - 1) / strides[axis];
            long effective = (long) dilations[axis] * (kernel[axis] - 1) + 1;
            long total = Math.max((out - 1) * strides[axis] + effective - in, 0);
            long before = total / 2;
            if (pads[axis] != before || pads[axis + 2] != total - before) {
                return false;
            }
        }
        return true;
    }

    /** OIHW rows {@code [first, first + out)} of a weight with {@code in} input channels, as HWIO. */
    private static float[] hwio(float[] w, int out, int in, int kh, int kw, int first) {
        float[] f = new float[kh * kw * in * out];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int h = 0; h < kh; h++) {
                    for (int ww = 0; ww < kw; ww++) {
                        f[((h * kw + ww) * in + c) * out + o] = w[(((first + o) * in + c) * kh + h) * kw + ww];
                    }
                }
            }
        }
        return f;
    }

    private Value convTranspose(Node n, Op.ConvTranspose2D c) {
        Value xv = value(n.inputs().get(0));
        requireRank(n, xv, 4);
        Operand<TFloat32> x = inOrder(xv, NHWC);
        Tensor w = constantInput(n, 1, "weight");
        if (w.rank() != 4) {
            throw unsupported("node " + n.name() + ": transposed convolution weight must be 4-D");
        }
        int inCh = w.dim(0);
        int groupOut = w.dim(1);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int g = c.group();
        Shape xs = x.shape();
        if (xs.size(3) != inCh || inCh % g != 0) {
            throw unsupported("node " + n.name() + ": weight " + Arrays.toString(w.shape()) + " does not fit input "
                    + xs + " in " + g + " groups");
        }
        int groupIn = inCh / g;
        int outCh = groupOut * g;
        int sh = c.strides()[0];
        int sw = c.strides()[1];
        long fullH = (xs.size(1) - 1) * sh + kh;
        long fullW = (xs.size(2) - 1) * sw + kw;
        float[] wf = w.toFloats();
        List<Operand<TFloat32>> slices = g == 1 ? List.of(x) : split(x, g);
        List<Operand<TFloat32>> parts = new ArrayList<>();
        for (int gi = 0; gi < g; gi++) {
            // The forward convolution whose input gradient this is has filter [kH, kW, O, C] with
            // F[h, w, o, c] = W[c, o, h, w]: no spatial flip.
            float[] f = new float[kh * kw * groupOut * groupIn];
            for (int ci = 0; ci < groupIn; ci++) {
                for (int o = 0; o < groupOut; o++) {
                    for (int h = 0; h < kh; h++) {
                        for (int ww = 0; ww < kw; ww++) {
                            f[((h * kw + ww) * groupOut + o) * groupIn + ci] =
                                    wf[(((gi * groupIn + ci) * groupOut + o) * kh + h) * kw + ww];
                        }
                    }
                }
            }
            Operand<TFloat32> filter = constant(new long[] {kh, kw, groupOut, groupIn}, f);
            Operand<TInt32> sizes = tf.constant(new int[] {(int) xs.size(0), (int) fullH, (int) fullW, groupOut});
            parts.add(tf.nn.conv2dBackpropInput(sizes, filter, slices.get(gi), List.of(1L, (long) sh, (long) sw, 1L), "VALID"));
        }
        Operand<TFloat32> y = g == 1 ? parts.get(0) : tf.concat(parts, tf.constant(3));
        int[] pads = c.pads();
        if (Arrays.stream(pads).anyMatch(p -> p != 0)) {
            y = tf.slice(y, tf.constant(new int[] {0, pads[0], pads[1], 0}),
                    tf.constant(new int[] {(int) xs.size(0), (int) (fullH - pads[0] - pads[2]), (int) (fullW - pads[1] - pads[3]), outCh}));
        }
        return new Value(bias(n, y, outCh, 2), NHWC, false);
    }

    private Operand<TFloat32> bias(Node n, Operand<TFloat32> y, int outCh, int index) {
        if (!n.hasInput(index)) {
            return y;
        }
        Tensor b = constantInput(n, index, "bias");
        if (b.size() != outCh) {
            throw unsupported("node " + n.name() + ": bias has " + b.size() + " values for " + outCh + " channels");
        }
        return tf.nn.biasAdd(y, constant(new long[] {outCh}, b.toFloats()));
    }

    private <T extends TNumber> List<Operand<T>> split(Operand<T> x, int parts) {
        List<Operand<T>> out = new ArrayList<>();
        for (org.tensorflow.Output<T> o : tf.split(tf.constant(3), x, (long) parts).output()) {
            out.add(o);
        }
        return out;
    }

    // ---- pooling and resizing -----------------------------------------------------------------

    private Value maxPool(Node n, Op.MaxPool2D p) {
        Value xv = value(n.inputs().get(0));
        requireRank(n, xv, 4);
        Operand<TFloat32> x = inOrder(xv, NHWC);
        Shape s = x.shape();
        int[] k = p.kernel();
        int[] st = p.strides();
        int[] pads = p.pads();
        int extraH = ceilExtra(s.size(1), k[0], st[0], pads[0], pads[2], p.ceilMode());
        int extraW = ceilExtra(s.size(2), k[1], st[1], pads[1], pads[3], p.ceilMode());
        int bottom = pads[2] + extraH;
        int right = pads[3] + extraW;
        if (pads[0] + pads[1] + bottom + right > 0) {
            // Padded positions must never win: pad with -infinity.
            Operand<TInt32> paddings = tf.constant(new int[][] {{0, 0}, {pads[0], bottom}, {pads[1], right}, {0, 0}});
            x = tf.pad(x, paddings, tf.constant(Float.NEGATIVE_INFINITY));
        }
        Operand<TFloat32> y = tf.nn.maxPool(x, tf.constant(new int[] {1, k[0], k[1], 1}),
                tf.constant(new int[] {1, st[0], st[1], 1}), "VALID");
        return new Value(y, NHWC, false);
    }

    /** Extra bottom/right padding so that VALID pooling yields the ceil-mode output size. */
    static int ceilExtra(long size, int kernel, int stride, int before, int after, boolean ceil) {
        long padded = size + before + after;
        if (!ceil) {
            return 0;
        }
        long out = Math.floorDiv(padded - kernel + stride - 1, stride) + 1;
        if ((out - 1) * stride >= padded) {
            out--;
        }
        long needed = (out - 1) * stride + kernel;
        return (int) Math.max(0, needed - padded);
    }

    private Value resize(Node n, Op.ResizeBilinear r) {
        Value xv = value(n.inputs().get(0));
        requireRank(n, xv, 4);
        Operand<TFloat32> x = inOrder(xv, NHWC);
        Op.CoordinateMode mode = r.mode();
        if (onnxOrderResize) {
            return new Value(onnxOrderResize(x, r), NHWC, false);
        }
        if (mode == Op.CoordinateMode.PYTORCH_HALF_PIXEL) {
            // Same as half-pixel except that a size-1 axis samples coordinate 0: take that row or
            // column first, after which half-pixel resizing of a size-1 axis to size 1 copies it.
            Shape s = x.shape();
            int h = r.outHeight() == 1 ? 1 : (int) s.size(1);
            int w = r.outWidth() == 1 ? 1 : (int) s.size(2);
            if (h != s.size(1) || w != s.size(2)) {
                x = tf.slice(x, tf.constant(new int[] {0, 0, 0, 0}), tf.constant(new int[] {(int) s.size(0), h, w, (int) s.size(3)}));
            }
            mode = Op.CoordinateMode.HALF_PIXEL;
        }
        Operand<TInt32> size = tf.constant(new int[] {r.outHeight(), r.outWidth()});
        ResizeBilinear.Options[] options = switch (mode) {
            case HALF_PIXEL -> new ResizeBilinear.Options[] {ResizeBilinear.halfPixelCenters(true)};
            case ALIGN_CORNERS -> new ResizeBilinear.Options[] {ResizeBilinear.alignCorners(true)};
            default -> new ResizeBilinear.Options[0];
        };
        return new Value(tf.image.resizeBilinear(x, size, options), NHWC, false);
    }

    /**
     * Bilinear resize of NHWC {@code x} with ONNX Runtime's float arithmetic: gathers of the four
     * neighbours, weights formed as products of the per-axis weights, the four weighted terms
     * summed left to right (TensorFlow's kernel interpolates rows first and rounds differently).
     */
    private Operand<TFloat32> onnxOrderResize(Operand<TFloat32> x, Op.ResizeBilinear r) {
        int inH = (int) x.shape().size(1);
        int inW = (int) x.shape().size(2);
        BilinearTaps ty = BilinearTaps.of(inH, r.outHeight(), r.mode());
        BilinearTaps tx = BilinearTaps.of(inW, r.outWidth(), r.mode());
        Operand<TInt32> axisH = tf.constant(1);
        Operand<TInt32> axisW = tf.constant(2);
        Operand<TFloat32> rows1 = tf.gather(x, tf.constant(ty.lo()), axisH);
        Operand<TFloat32> rows2 = tf.gather(x, tf.constant(ty.hi()), axisH);
        Operand<TInt32> x1 = tf.constant(tx.lo());
        Operand<TInt32> x2 = tf.constant(tx.hi());
        long[] column = {1, r.outHeight(), 1, 1};
        long[] row = {1, 1, r.outWidth(), 1};
        Operand<TFloat32> dy1 = constant(column, ty.d1());
        Operand<TFloat32> dy2 = constant(column, ty.d2());
        Operand<TFloat32> dx1 = constant(row, tx.d1());
        Operand<TFloat32> dx2 = constant(row, tx.d2());
        Operand<TFloat32> sum = tf.math.mul(tf.gather(rows1, x1, axisW), tf.math.mul(dx2, dy2));
        sum = tf.math.add(sum, tf.math.mul(tf.gather(rows1, x2, axisW), tf.math.mul(dx1, dy2)));
        sum = tf.math.add(sum, tf.math.mul(tf.gather(rows2, x1, axisW), tf.math.mul(dx2, dy1)));
        return tf.math.add(sum, tf.math.mul(tf.gather(rows2, x2, axisW), tf.math.mul(dx1, dy1)));
    }

    // ---- joining and element-wise -------------------------------------------------------------

    private Value concat(Node n, Op.Concat c) {
        List<Value> in = new ArrayList<>();
        for (String name : n.inputs()) {
            in.add(value(name));
        }
        Value lead = in.stream().filter(v -> !v.constant).findFirst().orElse(in.get(0));
        if (c.axis() >= lead.rank()) {
            throw unsupported("node " + n.name() + ": concat axis " + c.axis() + " of rank " + lead.rank());
        }
        List<Operand<TFloat32>> parts = new ArrayList<>();
        for (Value v : in) {
            if (v.rank() != lead.rank()) {
                throw unsupported("node " + n.name() + ": concat of different ranks");
            }
            parts.add(inOrder(v, lead.perm));
        }
        int axis = 0;
        while (lead.perm[axis] != c.axis()) {
            axis++;
        }
        return new Value(tf.concat(parts, tf.constant(axis)), lead.perm, false);
    }

    private Value binary(Node n, boolean add) {
        Value a = value(n.inputs().get(0));
        Value b = value(n.inputs().get(1));
        int rank = Math.max(a.rank(), b.rank());
        a = lift(a, rank);
        b = lift(b, rank);
        // Bring the constant (or else the second operand) into the other's order.
        Value lead = a.constant && !b.constant ? b : a;
        Operand<TFloat32> x = inOrder(a, lead.perm);
        Operand<TFloat32> y = inOrder(b, lead.perm);
        return new Value(add ? tf.math.add(x, y) : tf.math.mul(x, y), lead.perm, a.constant && b.constant);
    }

    /** NumPy broadcasting aligns trailing dimensions: give a lower-rank value leading 1s. */
    private Value lift(Value v, int rank) {
        if (v.rank() == rank) {
            return v;
        }
        Operand<TFloat32> logical = inOrder(v, identity(v.rank()));
        long[] dims = logical.shape().asArray();
        int[] lifted = new int[rank];
        Arrays.fill(lifted, 1);
        for (int i = 0; i < dims.length; i++) {
            lifted[rank - dims.length + i] = (int) dims[i];
        }
        return new Value(tf.reshape(logical, tf.constant(lifted)), identity(rank), v.constant);
    }

    // ---- values -------------------------------------------------------------------------------

    private Value value(String name) {
        Value v = values.get(name);
        if (v != null) {
            return v;
        }
        Tensor t = model.constant(name);
        if (t == null) {
            throw unsupported("value '" + name + "' is not defined");
        }
        long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
        v = new Value(constant(shape, t.toFloats()), identity(t.rank()), true);
        values.put(name, v);
        return v;
    }

    /** The value's tensor with its logical dimensions in order {@code perm} (cached). */
    private Operand<TFloat32> inOrder(Value v, int[] perm) {
        return v.inOrder.computeIfAbsent(Arrays.toString(perm), k -> {
            int[] inv = inverse(v.perm);
            int[] t = new int[perm.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = inv[perm[i]];
            }
            return tf.linalg.transpose(v.physical, tf.constant(t));
        });
    }

    private Tensor constantInput(Node n, int index, String what) {
        if (!n.hasInput(index)) {
            throw unsupported("node " + n.name() + " has no " + what);
        }
        Tensor t = model.constant(n.inputs().get(index));
        if (t == null) {
            throw unsupported("node " + n.name() + ": the " + what + " must be a constant");
        }
        return t;
    }

    private Operand<TFloat32> constant(long[] shape, float[] data) {
        return tf.constant(Shape.of(shape), DataBuffers.of(data, true, false));
    }

    private void requireRank(Node n, Value v, int rank) {
        if (v.rank() != rank) {
            throw unsupported("node " + n.name() + " (" + n.op().opName() + ") needs a rank-" + rank + " input, got rank " + v.rank());
        }
    }

    private BgSwapException unsupported(String why) {
        return new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "TensorFlow cannot build model " + model.name() + ": " + why);
    }

    private static Shape shapeOf(int[] dims) {
        return Shape.of(Arrays.stream(dims).asLongStream().toArray());
    }

    private static int[] identity(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = i;
        }
        return p;
    }

    private static int[] inverse(int[] p) {
        int[] inv = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inv[p[i]] = i;
        }
        return inv;
    }

    /** TensorFlow operation names allow fewer characters than graph value names. */
    static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_.\\-/]", "_");
        return s;
    }
}
