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
            constants[slots.get(e.getKey())] = toNd(manager, e.getValue());
        }
        inputSlots = graph.inputs().stream().mapToInt(v -> slots.get(v.name())).toArray();
        inputShapes = graph.inputs().stream().map(v -> new Shape(Arrays.stream(v.shape()).asLongStream().toArray()))
                .toArray(Shape[]::new);
        List<Node> nodes = graph.nodes();
        steps = new Step[nodes.size()];
        nodeInputs = new int[nodes.size()][];
        nodeOutputs = new int[nodes.size()][];
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
            return quantizedConv(n, q.conv());
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
            return in -> in[0].transpose(perm);
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

    /**
     * Dynamic activation quantisation with the graph's exact arithmetic. The per-call scale and
     * zero point are computed in Java float32 from the tensor's min and max; the quantised input
     * minus its zero point and the weights minus theirs are small integers, and the integer
     * convolution (PyTorch has no int32 convolution) runs in floating point where every partial
     * sum is an exactly representable integer: float32 when the layer's largest possible sum,
     * {@code 255 * max over outputs of sum |w - wzp|}, is at most 2^24, float64 otherwise. The division {@code x / s} is done against a full-size tensor
     * because PyTorch turns a division by a scalar into a multiplication by its reciprocal,
     * which can round differently.
     */
    private Step quantizedConv(Node n, Op.Conv2D c) {
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
        double worst = 0;
        for (int o = 0; o < outC; o++) {
            double sum = 0;
            for (int i = 0; i < perOut; i++) {
                sum += Math.abs(centred[o * perOut + i]);
            }
            worst = Math.max(worst, sum * 255);
        }
        boolean exactInFloat = worst <= (1 << 24);
        ai.djl.ndarray.types.DataType accType = exactInFloat ? ai.djl.ndarray.types.DataType.FLOAT32
                : ai.djl.ndarray.types.DataType.FLOAT64;
        Shape wShape = new Shape(Arrays.stream(w.shape()).asLongStream().toArray());
        NDArray weight;
        NDArray zeroBias;
        if (exactInFloat) {
            float[] c32 = new float[centred.length];
            for (int i = 0; i < c32.length; i++) {
                c32[i] = (float) centred[i];
            }
            weight = constantsManager.create(c32, wShape);
            zeroBias = constantsManager.create(new float[outC], new Shape(outC));
        } else {
            weight = constantsManager.create(centred, wShape);
            zeroBias = constantsManager.create(new double[outC], new Shape(outC));
        }
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
            float lo;
            float hi;
            try (NDArray min = x.min(); NDArray max = x.max()) {
                lo = Math.min(0f, min.getFloat());
                hi = Math.max(0f, max.getFloat());
            }
            float s = (hi - lo) / 255f;
            NDArray centredX;
            if (s == 0f) {
                centredX = m.zeros(x.getShape(), accType);
            } else {
                float zp = (float) Math.min(255, Math.max(0, Math.rint(-lo / s)));
                NDArray clipped;
                try (NDArray full = m.full(x.getShape(), s);
                     NDArray q = x.div(full);
                     NDArray r = q.round()) {
                    clipped = r.addi(zp).clip(0f, 255f).subi(zp);
                }
                if (exactInFloat) {
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
            try (NDArray xc = centredX;
                 NDArray padded = explicitPad == null ? null : xc.pad(explicitPad, 0);
                 NDArray acc = Conv2d.conv2d(padded != null ? padded : xc, weight, zeroBias, stride, nativePad, dilation, group)
                         .singletonOrThrow();
                 NDArray acc32 = acc.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                 NDArray r4 = m.create(rescale, new Shape(1, outC, 1, 1));
                 NDArray scaled = acc32.mul(r4)) {
                return scaled.add(bias4);
            }
        };
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
        Map<Integer, NDArray[]> cache = new java.util.concurrent.ConcurrentHashMap<>();
        return in -> {
            NDArray x = in[0];
            int inH = (int) x.getShape().get(2);
            int inW = (int) x.getShape().get(3);
            NDArray[] t = cache.computeIfAbsent(inH * 65536 + inW, key -> {
                BilinearTaps ty = BilinearTaps.of(inH, r.outHeight(), r.mode());
                BilinearTaps tx = BilinearTaps.of(inW, r.outWidth(), r.mode());
                return new NDArray[] {
                    constantsManager.create(toLongs(ty.lo())), constantsManager.create(toLongs(ty.hi())),
                    constantsManager.create(toLongs(tx.lo())), constantsManager.create(toLongs(tx.hi())),
                    session(ty.d1(), 1, 1, r.outHeight(), 1), session(ty.d2(), 1, 1, r.outHeight(), 1),
                    session(tx.d1(), 1, 1, 1, r.outWidth()), session(tx.d2(), 1, 1, 1, r.outWidth())};
            });
            try (NDArray rows1 = x.get(new NDIndex(":, :, {}", t[0]));
                 NDArray rows2 = x.get(new NDIndex(":, :, {}", t[1]));
                 NDArray x11 = rows1.get(new NDIndex(":, :, :, {}", t[2]));
                 NDArray x21 = rows1.get(new NDIndex(":, :, :, {}", t[3]));
                 NDArray x12 = rows2.get(new NDIndex(":, :, :, {}", t[2]));
                 NDArray x22 = rows2.get(new NDIndex(":, :, :, {}", t[3]));
                 NDArray c11 = t[7].mul(t[5]);
                 NDArray c21 = t[6].mul(t[5]);
                 NDArray c12 = t[7].mul(t[4]);
                 NDArray c22 = t[6].mul(t[4])) {
                NDArray sum = x11.mul(c11);
                try (NDArray b = x21.mul(c21)) {
                    sum.addi(b);
                }
                try (NDArray b = x12.mul(c12)) {
                    sum.addi(b);
                }
                try (NDArray b = x22.mul(c22)) {
                    sum.addi(b);
                }
                return sum;
            }
        };
    }

    private static long[] toLongs(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }

    /** DJL's code for bilinear interpolation (its Interpolation enum's ordinal) in the internal op. */
    static final int BILINEAR = 1;

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
            values[inputSlots[i]] = inputs[i];
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
