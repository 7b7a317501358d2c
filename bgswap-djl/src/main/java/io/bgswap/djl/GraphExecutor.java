package io.bgswap.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.BilinearTaps;
import io.bgswap.graph.DataType;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an engine-neutral {@link Graph} with DJL NDArray operations on the PyTorch engine.
 *
 * <p>At construction every constant becomes an NDArray on the session's manager (once, on the
 * session's device), and every node is compiled into a step with its attributes and any rewritten
 * weights prepared. {@link #run} evaluates the steps on a caller-supplied per-run manager and frees
 * each intermediate result right after its last reader, which keeps the peak memory of large
 * models (ISNet at 1024x1024) near that of the largest layer.
 *
 * <p>Where DJL's NDArray API lacks an operator, it is expressed with operators it has:
 * <ul>
 *   <li>transposed convolution ({@code conv2dTranspose} is not implemented on this engine): a
 *       kernel equal to its stride without padding becomes a 1x1 convolution to {@code O*kH*kW}
 *       channels plus depth-to-space (reshape and transpose); any other one becomes a convolution
 *       of the zero-interleaved input with the spatially flipped, transposed kernel, cropped by the
 *       pads;</li>
 *   <li>asymmetric convolution and pooling padding (PyTorch pads symmetrically): an explicit
 *       zero (or minus-infinity, for max pooling) pad first;</li>
 *   <li>max pooling with padding and ceil mode, whose window rule differs between engines: an
 *       explicit minus-infinity pad to the exact size the graph defines, then pooling without
 *       padding;</li>
 *   <li>hard-swish (no such activation): {@code x * clip(x + 3, 0, 6) / 6};</li>
 *   <li>global average pooling ({@code mean} reduces one axis per call here): two means;</li>
 *   <li>bilinear resize: PyTorch's interpolation for half-pixel and align-corners mapping, and for
 *       the other mappings two products with interpolation matrices built from the graph's exact
 *       definition.</li>
 * </ul>
 *
 * <p>Thread safety: after construction the executor is immutable; {@link #run} may be called from
 * several threads at once, each with its own manager (PyTorch only reads the shared constants).
 * {@link #close()} must not overlap runs; the owning session guarantees that.
 */
final class GraphExecutor implements AutoCloseable {
    private final Graph graph;
    private final NDManager constantsManager;
    private final Map<String, Integer> slots = new HashMap<>();
    private final NDArray[] constants;
    private final Step[] steps;
    private final int[][] nodeInputs;
    private final int[][] nodeOutputs;
    /** For each node, the slots whose last reader it is (to free afterwards). */
    private final int[][] freeAfter;
    private final int[] inputSlots;
    private final Shape[] inputShapes;
    /** Resizes computed in ONNX Runtime's arithmetic order (see {@link BilinearTaps}). */
    private final boolean onnxOrderResize;
    /** Whether image-like arrays run in channels-last memory layout (see {@link #wantsChannelsLast}). */
    private final boolean channelsLast;
    /** Per slot: whether the value can never be negative (known from the operators that make it). */
    private final boolean[] nonNegative;

    /** One compiled node. */
    @FunctionalInterface
    private interface Step {
        NDArray apply(NDArray[] in);
    }

    /**
     * @param graph   the model
     * @param manager the session's manager: constants live on it (and on its device) until it closes
     */
    GraphExecutor(Graph graph, NDManager manager) {
        this.graph = graph;
        this.constantsManager = manager;
        this.onnxOrderResize = BilinearTaps.neededBy(graph);
        this.channelsLast = wantsChannelsLast(graph);
        for (ValueInfo in : graph.inputs()) {
            slot(in.name());
        }
        for (String c : graph.initializers().keySet()) {
            slot(c);
        }
        for (Node n : graph.nodes()) {
            n.outputs().forEach(this::slot);
        }
        constants = new NDArray[slots.size()];
        for (Map.Entry<String, Tensor> e : graph.initializers().entrySet()) {
            NDArray c = toNd(manager, e.getValue());
            if (channelsLast && isImageLike(c)) {
                try (NDArray plain = c) {
                    c = toChannelsLast(plain);
                }
            }
            constants[slots.get(e.getKey())] = c;
        }
        inputSlots = graph.inputs().stream().mapToInt(v -> slots.get(v.name())).toArray();
        inputShapes = graph.inputs().stream().map(v -> new Shape(Arrays.stream(v.shape()).asLongStream().toArray()))
                .toArray(Shape[]::new);
        List<Node> nodes = graph.nodes();
        steps = new Step[nodes.size()];
        nodeInputs = new int[nodes.size()][];
        nodeOutputs = new int[nodes.size()][];
        nonNegative = new boolean[slots.size()];
        int[] lastReader = new int[slots.size()];
        Arrays.fill(lastReader, -1);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            nodeInputs[i] = n.inputs().stream().mapToInt(s -> s.isEmpty() ? -1 : slots.get(s)).toArray();
            nodeOutputs[i] = n.outputs().stream().mapToInt(slots::get).toArray();
            for (int s : nodeInputs[i]) {
                if (s >= 0) {
                    lastReader[s] = i;
                }
            }
            try {
                steps[i] = compile(n);
                nonNegative[nodeOutputs[i][0]] = producesNonNegative(n);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + graph.name() + ": node " + n.name()
                        + " (" + n.op().opName() + ") cannot run on DJL: " + e.getMessage(), e);
            }
        }
        boolean[] keep = new boolean[slots.size()];
        for (ValueInfo out : graph.outputs()) {
            keep[slots.get(out.name())] = true;
        }
        List<List<Integer>> free = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            free.add(new ArrayList<>());
        }
        for (int s = 0; s < lastReader.length; s++) {
            if (lastReader[s] >= 0 && constants[s] == null && !keep[s]) {
                free.get(lastReader[s]).add(s);
            }
        }
        freeAfter = free.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    private int slot(String name) {
        return slots.computeIfAbsent(name, k -> slots.size());
    }

    /** @return the graph this executor runs */
    Graph graph() {
        return graph;
    }

    private static NDArray toNd(NDManager m, Tensor t) {
        Shape shape = new Shape(Arrays.stream(t.shape()).asLongStream().toArray());
        switch (t.type()) {
            case FLOAT32:
                return m.create(t.floats(), shape);
            case INT32:
                return m.create(t.ints(), shape);
            case INT64:
                return m.create(t.longs(), shape);
            case INT8:
                return m.create(ByteBuffer.wrap(t.bytes()), shape, ai.djl.ndarray.types.DataType.INT8);
            case UINT8:
                return m.create(ByteBuffer.wrap(t.bytes()), shape, ai.djl.ndarray.types.DataType.UINT8);
            default:
                throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Unsupported constant type " + t.type());
        }
    }

    private Tensor constantOf(Node n, int index, String what) {
        if (!n.hasInput(index)) {
            throw new IllegalArgumentException(what + " is missing");
        }
        Tensor t = graph.constant(n.inputs().get(index));
        if (t == null) {
            throw new IllegalArgumentException(what + " must be a constant");
        }
        if (t.type() != DataType.FLOAT32) {
            throw new IllegalArgumentException(what + " must be float32, is " + t.type());
        }
        return t;
    }

    private NDArray session(float[] data, long... shape) {
        return constantsManager.create(data, new Shape(shape));
    }

    // ---------------------------------------------------------------- compilation

    private Step compile(Node n) {
        Op op = n.op();
        if (op instanceof Op.Conv2D c) {
            return conv(n, c);
        }
        if (op instanceof Op.QuantizedConv2D q) {
            return quantizedConv(n, q.conv(), nonNegative[slots.get(n.inputs().get(0))]);
        }
        if (op instanceof Op.ConvTranspose2D c) {
            return convTranspose(n, c);
        }
        if (op instanceof Op.MaxPool2D p) {
            return maxPool(p);
        }
        if (op instanceof Op.GlobalAveragePool) {
            return in -> in[0].mean(new int[] {3}, true).mean(new int[] {2}, true);
        }
        if (op instanceof Op.ResizeBilinear r) {
            return resize(n, r);
        }
        if (op instanceof Op.Concat c) {
            int axis = c.axis();
            return in -> NDArrays.concat(new NDList(in), axis);
        }
        if (op instanceof Op.Add) {
            return in -> in[0].add(in[1]);
        }
        if (op instanceof Op.Mul) {
            return in -> in[0].mul(in[1]);
        }
        if (op instanceof Op.Relu) {
            return in -> Activation.relu(in[0]);
        }
        if (op instanceof Op.HardSwish) {
            // No hard-swish here: x * relu6(x + 3) / 6 with relu6 as a clip.
            // The product and the division work in place on the fresh clip result.
            return in -> {
                try (NDArray shifted = in[0].add(3f)) {
                    return shifted.clip(0f, 6f).muli(in[0]).divi(6f);
                }
            };
        }
        if (op instanceof Op.Sigmoid) {
            return in -> Activation.sigmoid(in[0]);
        }
        if (op instanceof Op.Transpose t) {
            int[] perm = t.perm();
            return in -> {
                NDArray view = in[0].transpose(perm);
                if (!isImageLike(view)) {
                    return view;
                }
                // A transposed view keeps its source's memory order: the NHWC input of the selfie
                // models, transposed to NCHW, would be channels-last to every later convolution.
                try (view) {
                    return channelsLast ? toChannelsLast(view) : toPlain(view);
                }
            };
        }
        throw new IllegalArgumentException("operator not supported by the DJL backend");
    }

    private Step conv(Node n, Op.Conv2D c) {
        Tensor w = constantOf(n, 1, "weight");
        int outChannels = w.dim(0);
        NDArray bias = n.hasInput(2) ? null : session(new float[outChannels], outChannels);
        int[] p = c.pads();
        Shape stride = new Shape(c.strides()[0], c.strides()[1]);
        Shape dilation = new Shape(c.dilations()[0], c.dilations()[1]);
        int group = c.group();
        boolean symmetric = p[0] == p[2] && p[1] == p[3];
        // PyTorch convolution pads symmetrically: asymmetric padding becomes an explicit zero pad.
        Shape nativePad = symmetric ? new Shape(p[0], p[1]) : new Shape(0, 0);
        Shape explicitPad = symmetric ? null : torchPad(p);
        return in -> {
            NDArray b = bias != null ? bias : in[2];
            if (explicitPad == null) {
                return Conv2d.conv2d(in[0], in[1], b, stride, nativePad, dilation, group).singletonOrThrow();
            }
            try (NDArray padded = in[0].pad(explicitPad, 0)) {
                return Conv2d.conv2d(padded, in[1], b, stride, nativePad, dilation, group).singletonOrThrow();
            }
        };
    }

    private Tensor constantOfType(Node n, int index, String what, DataType type) {
        if (!n.hasInput(index)) {
            throw new IllegalArgumentException(what + " is missing");
        }
        Tensor t = graph.constant(n.inputs().get(index));
        if (t == null || t.type() != type) {
            throw new IllegalArgumentException(what + " must be a " + type + " constant");
        }
        return t;
    }

    /** @return whether node {@code n}'s output is never negative, given what is known of its inputs */
    private boolean producesNonNegative(Node n) {
        Op op = n.op();
        if (op instanceof Op.Relu || op instanceof Op.Sigmoid) {
            return true;
        }
        if (op instanceof Op.MaxPool2D || op instanceof Op.ResizeBilinear || op instanceof Op.GlobalAveragePool
                || op instanceof Op.Transpose || op instanceof Op.Concat || op instanceof Op.Add || op instanceof Op.Mul) {
            return n.inputs().stream().allMatch(in -> !in.isEmpty() && nonNegative[slots.get(in)]);
        }
        return false;
    }

    /**
     * Dynamic activation quantisation with the graph's exact arithmetic. The per-call scale and
     * zero point are computed in Java float32 from the tensor's min and max; the quantised input
     * minus its zero point and the weights minus theirs are small integers, and the integer
     * convolution (PyTorch has no int32 convolution) runs in floating point where every partial
     * sum is an exactly representable integer: float32 when the layer's largest possible sum,
     * {@code 255 * max over outputs of sum |w - wzp|}, is at most 2^24, two float32 convolutions
     * of a split of the weights when each part stays within that, float64 otherwise. The division
     * {@code x / s} is done against a one-element tensor because PyTorch turns a division by a
     * scalar into a multiplication by its reciprocal, which can round differently.
     *
     * @param nonNegativeInput whether the input is known never to be negative: the quantisation's
     *                         range then starts at 0, its zero point is 0 and no value needs clipping
     */
    private Step quantizedConv(Node n, Op.Conv2D c, boolean nonNegativeInput) {
        Tensor w = constantOfType(n, 1, "weight", DataType.UINT8);
        Tensor wzp = constantOfType(n, 2, "weight zero point", DataType.UINT8);
        Tensor wscale = constantOfType(n, 3, "weight scale", DataType.FLOAT32);
        int outC = w.dim(0);
        int perOut = w.size() / outC;
        if ((wzp.size() != 1 && wzp.size() != outC) || (wscale.size() != 1 && wscale.size() != outC)) {
            throw new IllegalArgumentException("weight zero point and scale need one value or one per output channel");
        }
        byte[] wq = w.bytes();
        byte[] zq = wzp.bytes();
        double[] centred = new double[w.size()];
        for (int o = 0; o < outC; o++) {
            int zero = zq[zq.length == 1 ? 0 : o] & 0xFF;
            for (int i = 0; i < perOut; i++) {
                centred[o * perOut + i] = (wq[o * perOut + i] & 0xFF) - zero;
            }
        }
        // The integer sums of a convolution stay exact in float32 while they cannot exceed 2^24
        // (|x - zero point| <= 255). Where a layer's weights allow larger sums, they are split as
        // w = 16 * high + low and convolved twice in float32: both partial sums are exact, 16 * high
        // is exact, and the one float32 addition rounds the exact total once, as ONNX Runtime's
        // conversion of its int32 sum does. float64 remains for weights that even the parts overflow.
        double[] high = new double[centred.length];
        double[] low = new double[centred.length];
        for (int i = 0; i < centred.length; i++) {
            int v = (int) centred[i];
            int lo = Math.floorMod(v + SPLIT / 2, SPLIT) - SPLIT / 2;
            low[i] = lo;
            high[i] = (v - lo) / SPLIT;
        }
        boolean exactInFloat = worstSum(centred, outC) <= EXACT_FLOAT;
        boolean split = !exactInFloat && worstSum(high, outC) <= EXACT_FLOAT && worstSum(low, outC) <= EXACT_FLOAT;
        ai.djl.ndarray.types.DataType accType = exactInFloat || split ? ai.djl.ndarray.types.DataType.FLOAT32
                : ai.djl.ndarray.types.DataType.FLOAT64;
        Shape wShape = new Shape(Arrays.stream(w.shape()).asLongStream().toArray());
        NDArray weight;
        NDArray lowWeight = null;
        NDArray zeroBias;
        if (exactInFloat) {
            weight = constantsManager.create(floats(centred), wShape);
            zeroBias = constantsManager.create(new float[outC], new Shape(outC));
        } else if (split) {
            weight = constantsManager.create(floats(high), wShape);
            lowWeight = constantsManager.create(floats(low), wShape);
            zeroBias = constantsManager.create(new float[outC], new Shape(outC));
        } else {
            weight = constantsManager.create(centred, wShape);
            zeroBias = constantsManager.create(new double[outC], new Shape(outC));
        }
        NDArray lowW = lowWeight;
        float[] scales = wscale.floats();
        float[] bias = n.hasInput(4) ? constantOf(n, 4, "bias").floats() : new float[outC];
        NDArray bias4 = session(bias, 1, outC, 1, 1);
        int[] p = c.pads();
        Shape stride = new Shape(c.strides()[0], c.strides()[1]);
        Shape dilation = new Shape(c.dilations()[0], c.dilations()[1]);
        int group = c.group();
        boolean symmetric = p[0] == p[2] && p[1] == p[3];
        Shape nativePad = symmetric ? new Shape(p[0], p[1]) : new Shape(0, 0);
        Shape explicitPad = symmetric ? null : torchPad(p);
        return in -> {
            NDArray x = in[0];
            NDManager m = x.getManager();
            float lo = 0f;
            float hi;
            if (nonNegativeInput) {
                try (NDArray max = x.max()) {
                    hi = Math.max(0f, max.getFloat());
                }
            } else {
                try (NDArray min = x.min(); NDArray max = x.max()) {
                    lo = Math.min(0f, min.getFloat());
                    hi = Math.max(0f, max.getFloat());
                }
            }
            float s = (hi - lo) / 255f;
            NDArray centredX;
            if (s == 0f) {
                centredX = m.zeros(x.getShape(), accType);
            } else {
                // ONNX Runtime's DynamicQuantizeLinear then ConvInteger's zero point:
                // clip(rint(x / s) + zp, 0, 255) - zp = clip(rint(x / s), -zp, 255 - zp), all exact in float.
                float zp = (float) Math.min(255, Math.max(0, Math.rint(-lo / s)));
                NDArray q;
                // A one-element tensor, not a scalar: PyTorch divides by a scalar as a multiplication
                // by its reciprocal, one ulp away from ONNX Runtime's division at times.
                try (NDArray divisor = m.create(new float[] {s}, new Shape(1, 1, 1, 1))) {
                    q = x.div(divisor);
                }
                // Round half to even in place: |q| <= 256, so adding 1.5 * 2^23 leaves no fraction.
                q.addi(ROUNDER).subi(ROUNDER);
                NDArray clipped;
                if (nonNegativeInput) {
                    // x <= hi, so q <= hi / s, which rounds to 255: nothing to clip, zero point 0.
                    clipped = q;
                } else {
                    try (NDArray r = q) {
                        clipped = r.clip(-zp, 255f - zp);
                    }
                }
                if (accType == ai.djl.ndarray.types.DataType.FLOAT32) {
                    centredX = clipped;
                } else {
                    try (NDArray wide = clipped) {
                        centredX = wide.toType(accType, true);
                    }
                }
            }
            float[] rescale = new float[outC];
            for (int o = 0; o < outC; o++) {
                rescale[o] = s * scales[scales.length == 1 ? 0 : o];
            }
            NDArray acc;
            try (NDArray xc = centredX;
                 NDArray padded = explicitPad == null ? null : xc.pad(explicitPad, 0)) {
                NDArray source = padded != null ? padded : xc;
                acc = Conv2d.conv2d(source, weight, zeroBias, stride, nativePad, dilation, group).singletonOrThrow();
                if (lowW != null) {
                    try (NDArray lowAcc = Conv2d.conv2d(source, lowW, zeroBias, stride, nativePad, dilation, group)
                            .singletonOrThrow()) {
                        acc.muli(SPLIT).addi(lowAcc);
                    }
                } else if (acc.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
                    try (NDArray wide = acc) {
                        acc = wide.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                    }
                }
            }
            // acc is this step's own float32 array: scale and shift it in place, as float(sum) * scale + bias.
            try (NDArray r4 = m.create(rescale, new Shape(1, outC, 1, 1))) {
                return acc.muli(r4).addi(bias4);
            }
        };
    }

    /** Adding and subtracting it rounds a float32 of magnitude up to 2^22 to an integer, half to even. */
    private static final float ROUNDER = 12582912f;
    /** Largest integer sum a float32 holds exactly. */
    private static final double EXACT_FLOAT = 1 << 24;
    /** Base of the high/low weight split of quantised convolutions. */
    private static final int SPLIT = 16;

    /** @return the largest sum of |x * w| over one output channel, with |x| <= 255 */
    private static double worstSum(double[] w, int outC) {
        int per = w.length / outC;
        double worst = 0;
        for (int o = 0; o < outC; o++) {
            double sum = 0;
            for (int i = 0; i < per; i++) {
                sum += Math.abs(w[o * per + i]);
            }
            worst = Math.max(worst, sum * 255);
        }
        return worst;
    }

    /** @return the values as float32 (small integers here, so exactly) */
    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** DJL's pad takes (begin, end) pairs starting from the last axis: {left, right, top, bottom}. */
    private static Shape torchPad(int[] p) {
        return new Shape(p[1], p[3], p[0], p[2]);
    }

    private Step convTranspose(Node n, Op.ConvTranspose2D c) {
        // conv2dTranspose is not implemented on DJL's PyTorch engine; see the class comment.
        Tensor w = constantOf(n, 1, "weight");
        if (w.rank() != 4) {
            throw new IllegalArgumentException("weight must be 4-D");
        }
        int group = c.group();
        int inC = w.dim(0);
        int outPerGroup = w.dim(1);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int outC = outPerGroup * group;
        int inPerGroup = inC / group;
        int sh = c.strides()[0];
        int sw = c.strides()[1];
        int[] p = c.pads();
        float[] wv = w.floats();
        NDArray bias = n.hasInput(2) ? null : session(new float[outC], outC);
        boolean pixelShuffle = group == 1 && kh == sh && kw == sw && Arrays.stream(p).allMatch(v -> v == 0);
        if (pixelShuffle) {
            // Each input pixel writes a disjoint kH x kW block: a 1x1 convolution computes all
            // O*kH*kW block values per pixel, and depth-to-space puts them in place.
            int blocks = outC * kh * kw;
            float[] w1 = new float[blocks * inC];
            for (int ci = 0; ci < inC; ci++) {
                for (int o = 0; o < outC; o++) {
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            w1[((o * kh + i) * kw + j) * inC + ci] = wv[((ci * outC + o) * kh + i) * kw + j];
                        }
                    }
                }
            }
            NDArray weight1 = session(w1, blocks, inC, 1, 1);
            NDArray zeros = session(new float[blocks], blocks);
            Shape one = new Shape(1, 1);
            Shape none = new Shape(0, 0);
            return in -> {
                Shape s = in[0].getShape();
                long batch = s.get(0);
                long h = s.get(2);
                long wd = s.get(3);
                try (NDArray y = Conv2d.conv2d(in[0], weight1, zeros, one, none, one, 1).singletonOrThrow();
                     NDArray blocksOut = y.reshape(batch, outC, kh, kw, h, wd);
                     NDArray placed = blocksOut.transpose(0, 1, 4, 2, 5, 3);
                     NDArray image = placed.reshape(batch, outC, h * kh, wd * kw)) {
                    NDArray b = bias != null ? bias : in[2];
                    try (NDArray b4 = b.reshape(1, outC, 1, 1)) {
                        return image.add(b4);
                    }
                }
            };
        }
        // General case: convolution of the zero-interleaved input with the flipped kernel whose
        // in/out axes are swapped per group, padded by k-1 on every side, then cropped by the pads.
        float[] flipped = new float[outC * inPerGroup * kh * kw];
        for (int g = 0; g < group; g++) {
            for (int ci = 0; ci < inPerGroup; ci++) {
                for (int o = 0; o < outPerGroup; o++) {
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int src = (((g * inPerGroup + ci) * outPerGroup + o) * kh + i) * kw + j;
                            int dst = (((g * outPerGroup + o) * inPerGroup + ci) * kh + (kh - 1 - i)) * kw + (kw - 1 - j);
                            flipped[dst] = wv[src];
                        }
                    }
                }
            }
        }
        NDArray weight = session(flipped, outC, inPerGroup, kh, kw);
        Shape one = new Shape(1, 1);
        Shape none = new Shape(0, 0);
        Shape full = new Shape(kw - 1, kw - 1, kh - 1, kh - 1);
        return in -> {
            Shape s = in[0].getShape();
            long batch = s.get(0);
            long ch = s.get(1);
            long h = s.get(2);
            long wd = s.get(3);
            NDArray b = bias != null ? bias : in[2];
            NDArray spread;
            if (sh == 1 && sw == 1) {
                spread = in[0].duplicate();
            } else {
                try (NDArray six = in[0].reshape(batch, ch, h, 1, wd, 1);
                     NDArray gaps = six.pad(new Shape(0, sw - 1, 0, 0, 0, sh - 1), 0);
                     NDArray flat = gaps.reshape(batch, ch, h * sh, wd * sw)) {
                    spread = flat.get(new NDIndex(":, :, :{}, :{}", (h - 1) * sh + 1, (wd - 1) * sw + 1));
                }
            }
            try (NDArray s1 = spread; NDArray padded = s1.pad(full, 0);
                 NDArray y = Conv2d.conv2d(padded, weight, b, one, none, one, group).singletonOrThrow()) {
                long fh = y.getShape().get(2);
                long fw = y.getShape().get(3);
                return y.get(new NDIndex(":, :, {}:{}, {}:{}", p[0], fh - p[2], p[1], fw - p[3]));
            }
        };
    }

    private Step maxPool(Op.MaxPool2D mp) {
        int[] k = mp.kernel();
        int[] s = mp.strides();
        int[] p = mp.pads();
        Shape kernel = new Shape(k[0], k[1]);
        Shape stride = new Shape(s[0], s[1]);
        boolean noPads = Arrays.stream(p).allMatch(v -> v == 0);
        boolean symmetric = p[0] == p[2] && p[1] == p[3] && 2 * p[0] <= k[0] && 2 * p[1] <= k[1];
        if (noPads || (symmetric && !mp.ceilMode())) {
            // Without padding PyTorch's ceil rule matches the graph's; with symmetric padding and
            // floor rounding PyTorch's implicit minus-infinity padding is the same as the graph's.
            Shape pad = new Shape(p[0], p[1]);
            boolean ceil = mp.ceilMode();
            return in -> in[0].getNDArrayInternal().maxPool(kernel, stride, pad, ceil);
        }
        Shape none = new Shape(0, 0);
        return in -> {
            long h = in[0].getShape().get(2);
            long w = in[0].getShape().get(3);
            long outH = pooledSize(h, k[0], s[0], p[0], p[2], mp.ceilMode());
            long outW = pooledSize(w, k[1], s[1], p[1], p[3], mp.ceilMode());
            long bottom = Math.max(p[2], (outH - 1) * s[0] + k[0] - h - p[0]);
            long right = Math.max(p[3], (outW - 1) * s[1] + k[1] - w - p[1]);
            try (NDArray padded = in[0].pad(new Shape(p[1], right, p[0], bottom), Double.NEGATIVE_INFINITY)) {
                return padded.getNDArrayInternal().maxPool(kernel, stride, none, false);
            }
        };
    }

    static long pooledSize(long size, int k, int stride, int before, int after, boolean ceil) {
        long span = size + before + after - k;
        return (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
    }

    private Step resize(Node n, Op.ResizeBilinear r) {
        if (onnxOrderResize) {
            return onnxOrderResize(r);
        }
        int outH = r.outHeight();
        int outW = r.outWidth();
        Op.CoordinateMode mode = r.mode();
        boolean halfPixel = mode == Op.CoordinateMode.HALF_PIXEL
                || (mode == Op.CoordinateMode.PYTORCH_HALF_PIXEL && outH > 1 && outW > 1);
        Map<Integer, NDArray[]> cache = new java.util.concurrent.ConcurrentHashMap<>();
        long[] size = {outH, outW};
        return in -> {
            int inH = (int) in[0].getShape().get(2);
            int inW = (int) in[0].getShape().get(3);
            if (halfPixel && outH >= inH && outW >= inW && inH > 1 && inW > 1) {
                // PyTorch's bilinear upsampling with align_corners=false (DJL's internal op always
                // passes false) is the half-pixel mapping with the source clamped at 0 and the
                // upper neighbour clamped at the border: exactly the graph's definition. The op
                // antialiases when shrinking, so only enlargements take this path.
                return in[0].getNDArrayInternal().interpolation(size, BILINEAR, false);
            }
            // Everything else: out = Rh . x . Rw^T with the interpolation matrices of the definition.
            NDArray[] m = cache.computeIfAbsent(inH * 65536 + inW, key -> new NDArray[] {
                session(interpolationMatrix(inH, outH, mode), outH, inH),
                session(transpose(interpolationMatrix(inW, outW, mode), outW, inW), inW, outW)});
            try (NDArray rows = in[0].matMul(m[1])) {
                return m[0].matMul(rows);
            }
        };
    }

    /**
     * Bilinear resize with ONNX Runtime's float arithmetic: gathers of the four neighbours, weights
     * formed as products of the per-axis weights, and the four weighted terms summed left to
     * right, one rounding per operation (what the quantised isnet-small needs to follow ONNX
     * Runtime; PyTorch's own kernel mixes rows first and rounds differently).
     */
    private Step onnxOrderResize(Op.ResizeBilinear r) {
        Map<Integer, ResizeTaps> cache = new java.util.concurrent.ConcurrentHashMap<>();
        return in -> {
            NDArray x = in[0];
            int inH = (int) x.getShape().get(2);
            int inW = (int) x.getShape().get(3);
            ResizeTaps t = cache.computeIfAbsent(inH * 65536 + inW, key -> resizeTaps(r, inH, inW));
            // (dx2*dy2)*x11 + (dx1*dy2)*x21 + (dx2*dy1)*x12 + (dx1*dy1)*x22, left to right, where x11
            // is the (lower row, lower column) neighbour. The four neighbour arrays are gathered, or,
            // for doublings, read as shifted views of one nearest-neighbour enlargement.
            NDArray sum = null;
            try (NDArray doubled = t.nearest ? doubledWithEdges(x, inH, inW) : null) {
                for (int k = 0; k < 4; k++) {
                    boolean highRow = k >= 2;
                    boolean highCol = k % 2 == 1;
                    NDArray term;
                    if (doubled != null) {
                        int r0 = highRow ? 3 : 1;
                        int c0 = highCol ? 3 : 1;
                        try (NDArray view = doubled.get(new NDIndex(":, :, {}:{}, {}:{}", r0, r0 + 2 * inH, c0, c0 + 2 * inW))) {
                            term = view.mul(t.weights[k]);
                        }
                    } else {
                        // A gather is this step's own array: weigh it in place.
                        term = x.get(new NDIndex(":, :, {}, {}", highRow ? t.rowHi : t.rowLo, highCol ? t.colHi : t.colLo))
                                .muli(t.weights[k]);
                    }
                    if (sum == null) {
                        sum = term;
                    } else {
                        try (NDArray added = term) {
                            sum.addi(added);
                        }
                    }
                }
                return sum;
            }
        };
    }

    /**
     * Index arrays and corner weights of one input size; {@code nearest} when both axes double
     * and every neighbour with a non-zero weight is where a nearest-neighbour doubling of the
     * edge-padded input puts it (rows and columns 1 and 3 places on), checked here per position.
     */
    private record ResizeTaps(NDArray rowLo, NDArray rowHi, NDArray colLo, NDArray colHi, NDArray[] weights, boolean nearest) {
    }

    private ResizeTaps resizeTaps(Op.ResizeBilinear r, int inH, int inW) {
        BilinearTaps ty = BilinearTaps.of(inH, r.outHeight(), r.mode());
        BilinearTaps tx = BilinearTaps.of(inW, r.outWidth(), r.mode());
        int oh = r.outHeight();
        int ow = r.outWidth();
        try (NDArray dy1 = session(ty.d1(), 1, 1, oh, 1); NDArray dy2 = session(ty.d2(), 1, 1, oh, 1);
             NDArray dx1 = session(tx.d1(), 1, 1, 1, ow); NDArray dx2 = session(tx.d2(), 1, 1, 1, ow)) {
            return new ResizeTaps(
                    constantsManager.create(toLongs(ty.lo()), new Shape(oh, 1)),
                    constantsManager.create(toLongs(ty.hi()), new Shape(oh, 1)),
                    constantsManager.create(toLongs(tx.lo()), new Shape(1, ow)),
                    constantsManager.create(toLongs(tx.hi()), new Shape(1, ow)),
                    new NDArray[] {dx2.mul(dy2), dx1.mul(dy2), dx2.mul(dy1), dx1.mul(dy1)},
                    doublesAsNearest(ty, inH) && doublesAsNearest(tx, inW));
        }
    }

    /**
     * @return whether an axis doubles and its weighted neighbours are, at output position o, the
     *         input index {@code ((o + 1) >> 1) - 1} (lower) and {@code ((o + 3) >> 1) - 1} (upper),
     *         clamped to the axis: what positions o + 1 and o + 3 of a nearest-neighbour doubling
     *         (PyTorch's index {@code o >> 1} for exact doublings) of the input padded by one edge
     *         value on each side hold. Positions whose weight is 0 may differ: their term is 0.
     */
    static boolean doublesAsNearest(BilinearTaps t, int inSize) {
        if (t.lo().length != 2 * inSize) {
            return false;
        }
        for (int o = 0; o < t.lo().length; o++) {
            int lo = Math.min(Math.max(((o + 1) >> 1) - 1, 0), inSize - 1);
            int hi = Math.min(Math.max(((o + 3) >> 1) - 1, 0), inSize - 1);
            if ((t.d2()[o] != 0f && t.lo()[o] != lo) || (t.d1()[o] != 0f && t.hi()[o] != hi)) {
                return false;
            }
        }
        return true;
    }

    /** @return the input padded by its edge rows and columns, then doubled by nearest neighbour */
    private static NDArray doubledWithEdges(NDArray x, int inH, int inW) {
        try (NDArray top = x.get(new NDIndex(":, :, 0:1"));
             NDArray bottom = x.get(new NDIndex(":, :, {}:{}", inH - 1, inH));
             NDArray rows = NDArrays.concat(new NDList(top, x, bottom), 2);
             NDArray left = rows.get(new NDIndex(":, :, :, 0:1"));
             NDArray right = rows.get(new NDIndex(":, :, :, {}:{}", inW - 1, inW));
             NDArray padded = NDArrays.concat(new NDList(left, rows, right), 3)) {
            return padded.getNDArrayInternal().interpolation(new long[] {2L * (inH + 2), 2L * (inW + 2)}, NEAREST, false);
        }
    }

    private static long[] toLongs(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }

    /** DJL's code for bilinear interpolation (its Interpolation enum's ordinal) in the internal op. */
    static final int BILINEAR = 1;
    /** DJL's code for nearest-neighbour interpolation (its Interpolation enum's ordinal). */
    static final int NEAREST = 0;

    /**
     * @return row-major {@code [outSize, inSize]} matrix whose row {@code o} mixes the two input
     *     neighbours of output coordinate {@code o} as the graph's ResizeBilinear defines
     */
    static float[] interpolationMatrix(int inSize, int outSize, Op.CoordinateMode mode) {
        float[] m = new float[outSize * inSize];
        for (int o = 0; o < outSize; o++) {
            double src = sourceCoordinate(o, inSize, outSize, mode);
            src = Math.min(Math.max(src, 0), inSize - 1);
            int lo = (int) Math.floor(src);
            int hi = Math.min(lo + 1, inSize - 1);
            double frac = src - lo;
            m[o * inSize + lo] += (float) (1 - frac);
            m[o * inSize + hi] += (float) frac;
        }
        return m;
    }

    static double sourceCoordinate(int out, int inSize, int outSize, Op.CoordinateMode mode) {
        switch (mode) {
            case HALF_PIXEL:
                return (out + 0.5) * inSize / outSize - 0.5;
            case PYTORCH_HALF_PIXEL:
                return outSize == 1 ? 0 : (out + 0.5) * inSize / outSize - 0.5;
            case ALIGN_CORNERS:
                return outSize == 1 ? 0 : (double) out * (inSize - 1) / (outSize - 1);
            default:
                return (double) out * inSize / outSize;
        }
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- execution

    /** @return the shapes the graph's inputs must have, in graph order */
    Shape[] inputShapes() {
        return inputShapes.clone();
    }

    /**
     * Runs the graph.
     *
     * @param runManager manager owning every array this run creates (the caller closes it)
     * @param inputs     arrays for the graph inputs, in graph order, on the session's device
     * @param outputName the graph output to return
     * @return the output, owned by {@code runManager}
     */
    NDArray run(NDManager runManager, NDArray[] inputs, String outputName) {
        return run(runManager, inputs, outputName, null);
    }

    /**
     * As {@link #run(NDManager, NDArray[], String)}, adding each node's time to {@code nodeNanos}
     * (indexed like {@link Graph#nodes()}) when it is not {@code null}; for profiling.
     */
    NDArray run(NDManager runManager, NDArray[] inputs, String outputName, long[] nodeNanos) {
        Integer outSlot = slots.get(outputName);
        if (outSlot == null || graph.outputs().stream().noneMatch(o -> o.name().equals(outputName))) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + graph.name() + " has no output '" + outputName + "'");
        }
        NDArray[] values = new NDArray[slots.size()];
        for (int i = 0; i < inputSlots.length; i++) {
            values[inputSlots[i]] = channelsLast && isImageLike(inputs[i]) ? toChannelsLast(inputs[i]) : inputs[i];
        }
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < steps.length; i++) {
            int[] ins = nodeInputs[i];
            NDArray[] args = new NDArray[ins.length];
            for (int j = 0; j < ins.length; j++) {
                int s = ins[j];
                args[j] = s < 0 ? null : (constants[s] != null ? constants[s] : values[s]);
            }
            NDArray out;
            long started = nodeNanos == null ? 0 : System.nanoTime();
            try {
                out = steps[i].apply(args);
                if (nodeNanos != null) {
                    nodeNanos[i] += System.nanoTime() - started;
                }
            } catch (BgSwapException e) {
                throw e;
            } catch (RuntimeException e) {
                Node n = nodes.get(i);
                throw new BgSwapException(ErrorCode.INFERENCE_FAILED, "DJL failed at node " + n.name() + " ("
                        + n.op().opName() + ") of " + graph.name() + ": " + e.getMessage(), e);
            }
            // Results of operators whose first operand is a constant land on the session's
            // manager; move them to the run's so that they are freed with it.
            if (out.getManager() != runManager) {
                out.attach(runManager);
            }
            values[nodeOutputs[i][0]] = out;
            for (int s : freeAfter[i]) {
                if (values[s] != null && !isInput(s)) {
                    values[s].close();
                }
                values[s] = null;
            }
        }
        return values[outSlot];
    }

    /** Models whose input has at least this many pixels run in channels-last memory layout. */
    static final long CHANNELS_LAST_MIN_PIXELS = 512L * 512;

    /**
     * Channels-last (NHWC in memory, NCHW in shape) lets PyTorch's oneDNN convolutions skip the
     * conversion of every input and output: isnet-medium (1024 x 1024) ran 1.63x ONNX Runtime's time
     * in plain layout and 1.22x in channels-last. Small inputs (selfie, 256 x 256) ran slower in it,
     * and graphs that quantise at run time spend the gain in slower reductions, so both stay plain.
     */
    static boolean wantsChannelsLast(Graph graph) {
        if (BilinearTaps.neededBy(graph) || graph.inputs().size() != 1) {
            return false;
        }
        int[] shape = graph.inputs().get(0).shape();
        return shape.length == 4 && (long) shape[2] * shape[3] >= CHANNELS_LAST_MIN_PIXELS;
    }

    private static boolean isImageLike(NDArray x) {
        return x.getShape().dimension() == 4 && x.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32;
    }

    /**
     * @param x an array in any memory order
     * @return an array of the same shape and values in row-major (for 4-d: NCHW) memory order; a
     *         copy when {@code x} was in another order
     */
    static NDArray toPlain(NDArray x) {
        try (NDArray flat = x.reshape(-1)) {
            return flat.reshape(x.getShape());
        }
    }

    /**
     * @param x a 4-d array in any layout
     * @return a new array of the same shape and values whose memory is in NHWC order (a transposed
     *         view of an NHWC copy); {@code x} is left as it was
     */
    static NDArray toChannelsLast(NDArray x) {
        Shape s = x.getShape();
        try (NDArray nhwc = x.transpose(0, 2, 3, 1);
             NDArray flat = nhwc.reshape(-1);
             NDArray packed = flat.reshape(s.get(0), s.get(2), s.get(3), s.get(1))) {
            return packed.transpose(0, 3, 1, 2);
        }
    }

    private boolean isInput(int slot) {
        for (int s : inputSlots) {
            if (s == slot) {
                return true;
            }
        }
        return false;
    }

    /** Frees the constants (closing the session manager frees them too; this is for clarity). */
    @Override
    public void close() {
        for (NDArray c : constants) {
            if (c != null) {
                c.close();
            }
        }
    }

    static ByteBuffer nativeOrder(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
