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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX model (self-contained protobuf, default domain) into an engine-neutral
 * {@link Graph} with static shapes. What the import does beyond a one-to-one mapping:
 * <ul>
 *   <li>nodes are put in topological order (some converters append nodes out of order);</li>
 *   <li>constant sub-graphs are evaluated: {@code Constant}, {@code Shape} of a value whose shape
 *       is known, {@code Slice}, {@code Concat}, {@code Reshape}, {@code Cast} and
 *       {@code Unsqueeze}/{@code Squeeze} of constants (so that a {@code Resize} whose target size
 *       is computed from shapes gets a fixed size);</li>
 *   <li>float16 weights are widened to float32 exactly, and {@code Cast} of activations between
 *       float32 and float16 is dropped: the graph computes in float32 throughout, which is at
 *       least as precise as the model's float16 arithmetic (so results differ slightly from
 *       ONNX Runtime running the original file);</li>
 *   <li>ONNX Runtime's dynamic-quantisation pattern ({@code DynamicQuantizeLinear},
 *       {@code ConvInteger}, {@code Cast}, {@code Mul} of the scales, {@code Mul}, {@code Add}
 *       of the bias) becomes one {@link Op.QuantizedConv2D} with the same arithmetic.</li>
 * </ul>
 * Other supported operators: {@code Conv}, {@code ConvTranspose}, {@code MaxPool},
 * {@code GlobalAveragePool}, {@code Resize} (linear), {@code Concat}, {@code Add}, {@code Mul},
 * {@code Relu}, {@code Sigmoid}, {@code HardSwish}, {@code Transpose}, {@code Identity}. Anything
 * else fails with {@link ErrorCode#UNSUPPORTED_MODEL} naming the operator and the model.
 *
 * <p>Stateless and thread-safe.
 */
public final class OnnxImporter {
    private OnnxImporter() {
    }

    /**
     * @param modelName name for messages and the graph
     * @param data      the {@code .onnx} file
     * @return the graph
     */
    public static Graph read(String modelName, byte[] data) {
        return read(modelName, data, Map.of());
    }

    /**
     * @param modelName   name for messages and the graph
     * @param data        the {@code .onnx} file
     * @param inputShapes fixed shapes for inputs whose declared dimensions are symbolic
     * @return the graph
     */
    public static Graph read(String modelName, byte[] data, Map<String, int[]> inputShapes) {
        OnnxProto.Model model;
        try {
            model = OnnxProto.parseModel(data);
        } catch (BgSwapException e) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + modelName + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Bytes from a user's file: any parse fault means a damaged file, never a crash.
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + modelName + " is not a readable ONNX file: " + e, e);
        }
        try {
            return new Converter(modelName, model.graph(), inputShapes).convert();
        } catch (BgSwapException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + modelName + " cannot be imported: " + e.getMessage(), e);
        }
    }

    /** Parts of a dynamically quantised convolution seen so far. */
    private static final class Quant {
        String x;
        String weight;
        String weightZeroPoint;
        String weightScale;
        Op.Conv2D conv;
        boolean cast;
        boolean scaled;
    }

    private static final class Converter {
        private final String model;
        private final OnnxProto.Graph g;
        private final Map<String, int[]> fixedInputs;
        private final Map<String, Tensor> consts = new HashMap<>();
        private final Map<String, int[]> shapes = new HashMap<>();
        private final Map<String, String> alias = new HashMap<>();
        /** DynamicQuantizeLinear outputs (all three) to the float value they quantise. */
        private final Map<String, String> quantised = new HashMap<>();
        /** Scale products {@code x_scale * w_scale}: value to {x, weight scale constant}. */
        private final Map<String, String[]> scaleProducts = new HashMap<>();
        private final Map<String, Quant> pending = new HashMap<>();
        private final Map<String, Tensor> initializers = new LinkedHashMap<>();
        private final List<Node> nodes = new ArrayList<>();
        private final Set<String> nodeNames = new HashSet<>();

        Converter(String model, OnnxProto.Graph g, Map<String, int[]> fixedInputs) {
            this.model = model;
            this.g = g;
            this.fixedInputs = fixedInputs;
        }

        private BgSwapException fail(String what) {
            return new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "ONNX model " + model + " " + what);
        }

        Graph convert() {
            consts.putAll(g.initializers());
            List<ValueInfo> inputs = new ArrayList<>();
            for (OnnxProto.Value v : g.inputs()) {
                if (consts.containsKey(v.name())) {
                    continue;
                }
                if (v.elemType() != OnnxProto.FLOAT) {
                    throw fail("input " + v.name() + " has element type " + v.elemType() + "; only float inputs are supported");
                }
                int[] shape = new int[v.dims().length];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = (int) v.dims()[i];
                }
                if (Arrays.stream(shape).anyMatch(d -> d <= 0)) {
                    int[] fixed = fixedInputs.get(v.name());
                    if (fixed == null || fixed.length != shape.length) {
                        throw fail("input " + v.name() + " has symbolic dimensions " + Arrays.toString(v.dims())
                                + "; give a fixed input size");
                    }
                    shape = fixed.clone();
                }
                inputs.add(new ValueInfo(v.name(), DataType.FLOAT32, shape));
                shapes.put(v.name(), shape);
            }
            for (OnnxProto.NodeP n : topological()) {
                if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                    throw fail("uses operator " + n.domain() + "." + n.opType() + " (node " + n.name()
                            + "), which bgswap does not support");
                }
                node(n);
            }
            List<ValueInfo> outputs = new ArrayList<>();
            Map<String, String> rename = new HashMap<>();
            for (OnnxProto.Value v : g.outputs()) {
                String resolved = resolve(v.name());
                if (!shapes.containsKey(resolved)) {
                    throw fail("output " + v.name() + " is not computed by supported operators");
                }
                if (!resolved.equals(v.name())) {
                    if (rename.containsKey(resolved) || isInput(resolved, inputs)) {
                        throw fail("output " + v.name() + " repeats another value");
                    }
                    rename.put(resolved, v.name());
                }
                outputs.add(new ValueInfo(v.name(), DataType.FLOAT32, shapes.get(resolved)));
            }
            List<Node> renamed = new ArrayList<>();
            for (Node n : nodes) {
                renamed.add(new Node(n.name(), n.op(),
                        n.inputs().stream().map(s -> rename.getOrDefault(s, s)).toList(),
                        n.outputs().stream().map(s -> rename.getOrDefault(s, s)).toList()));
            }
            return new Graph(model, inputs, outputs, initializers, renamed);
        }

        private static boolean isInput(String name, List<ValueInfo> inputs) {
            return inputs.stream().anyMatch(i -> i.name().equals(name));
        }

        private List<OnnxProto.NodeP> topological() {
            Map<String, OnnxProto.NodeP> producer = new HashMap<>();
            for (OnnxProto.NodeP n : g.nodes()) {
                for (String o : n.outputs()) {
                    if (!o.isEmpty()) {
                        producer.put(o, n);
                    }
                }
            }
            List<OnnxProto.NodeP> order = new ArrayList<>();
            Set<OnnxProto.NodeP> done = new HashSet<>();
            Set<OnnxProto.NodeP> active = new HashSet<>();
            for (OnnxProto.NodeP n : g.nodes()) {
                visit(n, producer, done, active, order);
            }
            return order;
        }

        private void visit(OnnxProto.NodeP n, Map<String, OnnxProto.NodeP> producer, Set<OnnxProto.NodeP> done,
                           Set<OnnxProto.NodeP> active, List<OnnxProto.NodeP> order) {
            if (done.contains(n)) {
                return;
            }
            if (!active.add(n)) {
                throw fail("has a cycle through node " + n.name());
            }
            for (String in : n.inputs()) {
                OnnxProto.NodeP p = producer.get(in);
                if (p != null) {
                    visit(p, producer, done, active, order);
                }
            }
            active.remove(n);
            done.add(n);
            order.add(n);
        }

        private String resolve(String name) {
            String r = name;
            while (alias.containsKey(r)) {
                r = alias.get(r);
            }
            return r;
        }

        private boolean isConst(String name) {
            return consts.containsKey(resolve(name));
        }

        private Tensor constant(OnnxProto.NodeP n, int index) {
            Tensor t = consts.get(resolve(n.inputs().get(index)));
            if (t == null) {
                throw fail("node " + n.name() + " (" + n.opType() + ") needs a constant as input " + index
                        + " ('" + n.inputs().get(index) + "')");
            }
            return t;
        }

        /** @return the graph value for an input: an activation, or a constant registered as initializer */
        private String operand(OnnxProto.NodeP n, int index) {
            String name = resolve(n.inputs().get(index));
            Tensor c = consts.get(name);
            if (c != null) {
                initializers.putIfAbsent(name, c);
                shapes.putIfAbsent(name, c.shape());
                return name;
            }
            if (!shapes.containsKey(name)) {
                throw fail("node " + n.name() + " (" + n.opType() + ") reads '" + name
                        + "', which no supported operator computes");
            }
            return name;
        }

        private void emit(OnnxProto.NodeP n, Op op, List<String> inputs) {
            String out = n.outputs().get(0);
            String name = n.name().isEmpty() || !nodeNames.add(n.name()) ? out : n.name();
            nodeNames.add(name);
            int[][] in = inputs.stream().map(s -> s.isEmpty() ? null : shapes.get(s)).toArray(int[][]::new);
            shapes.put(out, Shapes.outputShape(op, in));
            nodes.add(new Node(name, op, inputs, List.of(out)));
        }

        private void node(OnnxProto.NodeP n) {
            String op = n.opType();
            List<String> ins = n.inputs();
            String out = n.outputs().get(0);
            switch (op) {
                case "Constant" -> {
                    OnnxProto.Attribute v = n.attr("value");
                    if (v == null || v.t == null) {
                        throw fail("has a Constant node " + n.name() + " without a tensor value");
                    }
                    consts.put(out, v.t);
                }
                case "Identity" -> alias.put(out, resolve(ins.get(0)));
                case "Cast" -> cast(n);
                case "Shape" -> {
                    int[] s = shapes.get(resolve(ins.get(0)));
                    if (s == null) {
                        throw fail("takes the Shape of '" + ins.get(0) + "', whose shape is unknown");
                    }
                    long[] v = Arrays.stream(s).asLongStream().toArray();
                    long start = n.i("start", 0);
                    long end = n.i("end", v.length);
                    consts.put(out, slice1d(Tensor.ofLongs(new int[] {v.length}, v), start, end, 1));
                }
                case "Slice" -> {
                    Tensor data = constant(n, 0);
                    long[] starts = longs(constant(n, 1));
                    long[] ends = longs(constant(n, 2));
                    long[] steps = ins.size() > 4 && !ins.get(4).isEmpty() ? longs(constant(n, 4)) : new long[] {1};
                    if (data.rank() != 1 || starts.length != 1) {
                        throw fail("slices a constant of rank " + data.rank() + " (node " + n.name() + "); only 1-D is supported");
                    }
                    consts.put(out, slice1d(data, starts[0], ends[0], steps[0]));
                }
                case "Unsqueeze", "Squeeze", "Reshape", "Flatten" -> reshapeConstant(n);
                case "Concat" -> {
                    long axis = n.i("axis", 0);
                    if (ins.stream().allMatch(this::isConst)) {
                        List<Tensor> parts = new ArrayList<>();
                        for (int i = 0; i < ins.size(); i++) {
                            parts.add(constant(n, i));
                        }
                        consts.put(out, concat1d(n, parts));
                        return;
                    }
                    List<String> operands = new ArrayList<>();
                    for (int i = 0; i < ins.size(); i++) {
                        operands.add(operand(n, i));
                    }
                    int rank = shapes.get(operands.get(0)).length;
                    emit(n, new Op.Concat((int) (axis < 0 ? axis + rank : axis)), operands);
                }
                case "Conv" -> {
                    Op.Conv2D conv = convAttributes(n, constant(n, 1).shape());
                    List<String> operands = new ArrayList<>(List.of(operand(n, 0), operand(n, 1)));
                    if (ins.size() > 2 && !ins.get(2).isEmpty()) {
                        operands.add(operand(n, 2));
                    }
                    emit(n, conv, operands);
                }
                case "ConvTranspose" -> {
                    long[] strides = n.ints("strides", new long[] {1, 1});
                    long[] pads = n.ints("pads", new long[4]);
                    long[] outputPadding = n.ints("output_padding", new long[] {0, 0});
                    long[] dil = n.ints("dilations", new long[] {1, 1});
                    if (!n.s("auto_pad", "NOTSET").equals("NOTSET") || Arrays.stream(outputPadding).anyMatch(p -> p != 0)
                            || Arrays.stream(dil).anyMatch(d -> d != 1) || n.attr("output_shape") != null) {
                        throw fail("uses ConvTranspose with auto_pad, output_padding, output_shape or dilation (node "
                                + n.name() + "), which bgswap does not support");
                    }
                    List<String> operands = new ArrayList<>(List.of(operand(n, 0), operand(n, 1)));
                    if (ins.size() > 2 && !ins.get(2).isEmpty()) {
                        operands.add(operand(n, 2));
                    }
                    emit(n, new Op.ConvTranspose2D(ints(strides), ints(pads), (int) n.i("group", 1)), operands);
                }
                case "MaxPool" -> {
                    long[] dil = n.ints("dilations", new long[] {1, 1});
                    if (!n.s("auto_pad", "NOTSET").equals("NOTSET") || Arrays.stream(dil).anyMatch(d -> d != 1)
                            || n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
                        throw fail("uses MaxPool with auto_pad, dilation or indices (node " + n.name() + ")");
                    }
                    emit(n, new Op.MaxPool2D(ints(n.ints("kernel_shape", null)), ints(n.ints("strides", new long[] {1, 1})),
                            ints(n.ints("pads", new long[4])), n.i("ceil_mode", 0) != 0), List.of(operand(n, 0)));
                }
                case "GlobalAveragePool" -> emit(n, new Op.GlobalAveragePool(), List.of(operand(n, 0)));
                case "Relu" -> emit(n, new Op.Relu(), List.of(operand(n, 0)));
                case "Sigmoid" -> emit(n, new Op.Sigmoid(), List.of(operand(n, 0)));
                case "HardSwish" -> emit(n, new Op.HardSwish(), List.of(operand(n, 0)));
                case "Transpose" -> emit(n, new Op.Transpose(ints(n.ints("perm", null))), List.of(operand(n, 0)));
                case "Resize" -> resize(n);
                case "DynamicQuantizeLinear" -> {
                    String x = operand(n, 0);
                    for (String o : n.outputs()) {
                        quantised.put(o, x);
                    }
                }
                case "ConvInteger" -> convInteger(n);
                case "Mul" -> mul(n);
                case "Add" -> add(n);
                default -> throw fail("uses operator " + op + " (node " + n.name() + "), which bgswap does not support");
            }
        }

        private void cast(OnnxProto.NodeP n) {
            String in = resolve(n.inputs().get(0));
            String out = n.outputs().get(0);
            long to = n.i("to", 0);
            Tensor c = consts.get(in);
            if (c != null) {
                consts.put(out, castConstant(n, c, (int) to));
                return;
            }
            Quant q = pending.get(in);
            if (q != null && to == OnnxProto.FLOAT && !q.cast) {
                q.cast = true;
                pending.put(out, q);
                return;
            }
            if ((to == OnnxProto.FLOAT || to == OnnxProto.FLOAT16) && shapes.containsKey(in)) {
                alias.put(out, in);
                return;
            }
            throw fail("casts '" + in + "' to type " + to + " (node " + n.name() + "), which bgswap does not support");
        }

        private Tensor castConstant(OnnxProto.NodeP n, Tensor c, int to) {
            return switch (to) {
                case OnnxProto.FLOAT, OnnxProto.FLOAT16 -> Tensor.ofFloats(c.shape(), c.toFloats());
                case OnnxProto.INT64 -> Tensor.ofLongs(c.shape(), longs(c));
                case OnnxProto.INT32 -> Tensor.ofInts(c.shape(), Arrays.stream(longs(c)).mapToInt(Math::toIntExact).toArray());
                default -> throw fail("casts a constant to type " + to + " (node " + n.name() + ")");
            };
        }

        private void reshapeConstant(OnnxProto.NodeP n) {
            String in = resolve(n.inputs().get(0));
            Tensor c = consts.get(in);
            if (c == null) {
                throw fail("uses " + n.opType() + " on an activation (node " + n.name() + "), which bgswap does not support");
            }
            int[] shape;
            switch (n.opType()) {
                case "Reshape" -> {
                    long[] target = longs(constant(n, 1));
                    shape = new int[target.length];
                    int unknown = -1;
                    long known = 1;
                    for (int i = 0; i < target.length; i++) {
                        shape[i] = target[i] == 0 ? c.dim(i) : (int) target[i];
                        if (shape[i] == -1) {
                            unknown = i;
                        } else {
                            known *= shape[i];
                        }
                    }
                    if (unknown >= 0) {
                        shape[unknown] = (int) (c.size() / known);
                    }
                }
                case "Flatten" -> {
                    int axis = (int) n.i("axis", 1);
                    int lead = 1;
                    for (int i = 0; i < axis; i++) {
                        lead *= c.dim(i);
                    }
                    shape = new int[] {lead, c.size() / lead};
                }
                default -> {
                    long[] axes = n.attr("axes") != null ? n.ints("axes", null)
                            : n.inputs().size() > 1 ? longs(constant(n, 1)) : new long[0];
                    List<Integer> dims = new ArrayList<>();
                    for (int d : c.shape()) {
                        dims.add(d);
                    }
                    if (n.opType().equals("Unsqueeze")) {
                        int rank = dims.size() + axes.length;
                        long[] sorted = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
                        for (long a : sorted) {
                            dims.add((int) a, 1);
                        }
                    } else {
                        int rank = dims.size();
                        long[] sorted = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
                        if (sorted.length == 0) {
                            dims.removeIf(d -> d == 1);
                        }
                        for (int i = sorted.length - 1; i >= 0; i--) {
                            dims.remove((int) sorted[i]);
                        }
                    }
                    shape = dims.stream().mapToInt(Integer::intValue).toArray();
                }
            }
            consts.put(n.outputs().get(0), withShape(c, shape));
        }

        private Op.Conv2D convAttributes(OnnxProto.NodeP n, int[] weightShape) {
            if (weightShape.length != 4) {
                throw fail("has a " + (weightShape.length - 2) + "-D convolution (node " + n.name() + "); only 2-D is supported");
            }
            if (!n.s("auto_pad", "NOTSET").equals("NOTSET")) {
                throw fail("uses auto_pad " + n.s("auto_pad", "") + " (node " + n.name() + "); only explicit pads are supported");
            }
            return new Op.Conv2D(ints(n.ints("strides", new long[] {1, 1})), ints(n.ints("pads", new long[4])),
                    ints(n.ints("dilations", new long[] {1, 1})), (int) n.i("group", 1));
        }

        private void resize(OnnxProto.NodeP n) {
            List<String> ins = n.inputs();
            String x = operand(n, 0);
            int[] s = shapes.get(x);
            String mode = n.s("mode", "nearest");
            if (!mode.equals("linear") || s.length != 4 || n.i("antialias", 0) != 0) {
                throw fail("uses Resize mode " + mode + " on rank " + s.length + " (node " + n.name()
                        + "); only 2-D linear resize without antialiasing is supported");
            }
            int outH;
            int outW;
            if (ins.size() > 3 && !ins.get(3).isEmpty()) {
                long[] sizes = longs(constant(n, 3));
                if (sizes.length != 4 || sizes[0] != s[0] || sizes[1] != s[1]) {
                    throw fail("resizes batch or channels (node " + n.name() + ", sizes " + Arrays.toString(sizes) + ")");
                }
                outH = (int) sizes[2];
                outW = (int) sizes[3];
            } else if (ins.size() > 2 && !ins.get(2).isEmpty()) {
                float[] scales = constant(n, 2).toFloats();
                if (scales.length != 4 || scales[0] != 1f || scales[1] != 1f) {
                    throw fail("resizes batch or channels (node " + n.name() + ")");
                }
                outH = (int) Math.floor(s[2] * scales[2]);
                outW = (int) Math.floor(s[3] * scales[3]);
            } else {
                throw fail("has a Resize without sizes or scales (node " + n.name() + ")");
            }
            Op.CoordinateMode cm = switch (n.s("coordinate_transformation_mode", "half_pixel")) {
                case "half_pixel" -> Op.CoordinateMode.HALF_PIXEL;
                case "pytorch_half_pixel" -> Op.CoordinateMode.PYTORCH_HALF_PIXEL;
                case "align_corners" -> Op.CoordinateMode.ALIGN_CORNERS;
                case "asymmetric" -> Op.CoordinateMode.ASYMMETRIC;
                default -> throw fail("uses Resize coordinate mode " + n.s("coordinate_transformation_mode", "")
                        + " (node " + n.name() + ")");
            };
            emit(n, new Op.ResizeBilinear(outH, outW, cm), List.of(x));
        }

        private void convInteger(OnnxProto.NodeP n) {
            List<String> ins = n.inputs();
            String x = quantised.get(ins.get(0));
            if (x == null || ins.size() < 4 || !x.equals(quantised.get(ins.get(2)))) {
                throw fail("uses ConvInteger outside the dynamic-quantisation pattern (node " + n.name() + ")");
            }
            Tensor w = constant(n, 1);
            Tensor wzp = constant(n, 3);
            if (w.type() != DataType.UINT8 || wzp.type() != DataType.UINT8) {
                throw fail("uses ConvInteger with non-uint8 weights (node " + n.name() + ")");
            }
            Quant q = new Quant();
            q.x = x;
            q.weight = operand(n, 1);
            q.weightZeroPoint = operand(n, 3);
            q.conv = convAttributes(n, w.shape());
            pending.put(n.outputs().get(0), q);
        }

        private void mul(OnnxProto.NodeP n) {
            String a = resolve(n.inputs().get(0));
            String b = resolve(n.inputs().get(1));
            String out = n.outputs().get(0);
            // x_scale * w_scale
            for (int k = 0; k < 2; k++) {
                String s = k == 0 ? a : b;
                String other = k == 0 ? b : a;
                if (quantised.containsKey(s) && consts.containsKey(other)) {
                    scaleProducts.put(out, new String[] {quantised.get(s), other});
                    return;
                }
            }
            // float(acc) * scale
            for (int k = 0; k < 2; k++) {
                Quant q = pending.get(k == 0 ? a : b);
                String[] scale = scaleProducts.get(k == 0 ? b : a);
                if (q != null && q.cast && !q.scaled && scale != null && scale[0].equals(q.x)) {
                    q.scaled = true;
                    q.weightScale = scale[1];
                    pending.put(out, q);
                    return;
                }
            }
            binary(n, new Op.Mul());
        }

        private void add(OnnxProto.NodeP n) {
            for (int k = 0; k < 2; k++) {
                Quant q = pending.get(resolve(n.inputs().get(k)));
                if (q != null && q.scaled && isConst(n.inputs().get(1 - k))) {
                    Tensor bias = constant(n, 1 - k);
                    String biasName = resolve(n.inputs().get(1 - k)) + "_flat";
                    Tensor flat = withShape(bias, new int[] {bias.size()});
                    consts.put(biasName, flat);
                    initializers.putIfAbsent(biasName, flat);
                    shapes.put(biasName, flat.shape());
                    Tensor ws = consts.get(q.weightScale);
                    initializers.putIfAbsent(q.weightScale, ws);
                    shapes.put(q.weightScale, ws.shape());
                    emit(n, new Op.QuantizedConv2D(q.conv), List.of(q.x, q.weight, q.weightZeroPoint, q.weightScale, biasName));
                    return;
                }
            }
            binary(n, new Op.Add());
        }

        private void binary(OnnxProto.NodeP n, Op op) {
            if (pending.containsKey(resolve(n.inputs().get(0))) || pending.containsKey(resolve(n.inputs().get(1)))) {
                throw fail("uses a quantised convolution in a way bgswap does not recognise (node " + n.name() + ")");
            }
            emit(n, op, List.of(operand(n, 0), operand(n, 1)));
        }
    }

    private static Tensor withShape(Tensor c, int[] shape) {
        return switch (c.type()) {
            case FLOAT32 -> Tensor.ofFloats(shape, c.floats());
            case INT64 -> Tensor.ofLongs(shape, c.longs());
            case INT32 -> Tensor.ofInts(shape, c.ints());
            default -> Tensor.ofBytes(c.type(), shape, c.bytes());
        };
    }

    private static long[] longs(Tensor t) {
        if (t.longs() != null) {
            return t.longs();
        }
        if (t.ints() != null) {
            return Arrays.stream(t.ints()).asLongStream().toArray();
        }
        float[] f = t.toFloats();
        long[] out = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = (long) f[i];
        }
        return out;
    }

    private static int[] ints(long[] v) {
        if (v == null) {
            throw new IllegalArgumentException("a required attribute is missing");
        }
        return Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
    }

    /** ONNX Slice on one axis, with its clamping of out-of-range starts and ends. */
    private static Tensor slice1d(Tensor t, long start, long end, long step) {
        long[] v = longs(t);
        int n = v.length;
        if (step == 0) {
            throw new IllegalArgumentException("slice step 0");
        }
        start = start < 0 ? start + n : start;
        end = end < 0 ? end + n : end;
        List<Long> out = new ArrayList<>();
        if (step > 0) {
            start = Math.max(0, Math.min(start, n));
            end = Math.max(0, Math.min(end, n));
            for (long i = start; i < end; i += step) {
                out.add(v[(int) i]);
            }
        } else {
            start = Math.max(-1, Math.min(start, n - 1));
            end = Math.max(-1, Math.min(end, n - 1));
            for (long i = start; i > end; i += step) {
                out.add(v[(int) i]);
            }
        }
        long[] r = out.stream().mapToLong(Long::longValue).toArray();
        if (t.type() == DataType.FLOAT32) {
            float[] f = new float[r.length];
            for (int i = 0; i < r.length; i++) {
                f[i] = r[i];
            }
            return Tensor.ofFloats(new int[] {r.length}, f);
        }
        return Tensor.ofLongs(new int[] {r.length}, r);
    }

    private static Tensor concat1d(OnnxProto.NodeP n, List<Tensor> parts) {
        List<Long> all = new ArrayList<>();
        for (Tensor p : parts) {
            if (p.rank() > 1) {
                throw new IllegalArgumentException("node " + n.name() + " concatenates constants of rank " + p.rank());
            }
            for (long v : longs(p)) {
                all.add(v);
            }
        }
        return Tensor.ofLongs(new int[] {all.size()}, all.stream().mapToLong(Long::longValue).toArray());
    }
}
