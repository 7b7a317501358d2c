package io.bgswap.onnx;

import io.bgswap.graph.DataType;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;
import io.bgswap.graph.onnx.OnnxExporter;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.TensorLayout;
import io.bgswap.spi.SessionOptions;
import io.bgswap.testing.GraphInterpreter;
import io.bgswap.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each graph operator, exported to ONNX and run on ONNX Runtime, against the plain-Java
 * interpreter that follows the documented semantics: checks that the exporter maps every
 * operator (asymmetric pads, ceil-mode pooling, every resize coordinate mode, transposed
 * convolution, quantised convolution) to ONNX operators with the same meaning.
 */
class GraphSemanticsTest {
    private static final Random RANDOM = new Random(7);

    private static float[] random(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (RANDOM.nextGaussian() * scale);
        }
        return v;
    }

    /** Runs a graph with one NCHW input [1, C, H, W] and one output [1, 1 or more, h, w] through ORT. */
    private static float[] onOrt(Graph g, float[] input) {
        ValueInfo in = g.inputs().get(0);
        ValueInfo out = g.outputs().get(0);
        int[] is = in.shape();
        int[] os = out.shape();
        ModelDescriptor d = new ModelDescriptor(in.name(), out.name(), TensorLayout.NCHW, is[3], is[2],
                new float[3], new float[] {1, 1, 1}, os[3] * os[1], os[2], false);
        try (OnnxSession s = OnnxSession.open(g.name(), OnnxExporter.toBytes(g), d, SessionOptions.defaults())) {
            return Parity.run(s, input);
        }
    }

    private static void check(Graph g, double tolerance) {
        float[] x = random(3 * 12 * 10, 1f);
        float[] ort = onOrt(g, x);
        float[] ref = GraphInterpreter.run(g, Map.of("x", x)).get(g.outputs().get(0).name());
        Parity.Diff d = Parity.compare(ort, ref);
        assertThat(d.maxAbs()).as(g.name() + ": " + d).isLessThanOrEqualTo(tolerance);
    }

    private static Graph chain(String name, int[] outShape, Map<String, Tensor> consts, Node... nodes) {
        return new Graph(name, List.of(new ValueInfo("x", DataType.FLOAT32, new int[] {1, 3, 12, 10})),
                List.of(new ValueInfo(nodes[nodes.length - 1].output(), DataType.FLOAT32, outShape)), consts, List.of(nodes));
    }

    @Test
    void convolutionsPoolingAndActivations() {
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("w", Tensor.ofFloats(new int[] {6, 3, 3, 3}, random(162, 0.3f)));
        c.put("b", Tensor.ofFloats(new int[] {6}, random(6, 0.1f)));
        c.put("dw", Tensor.ofFloats(new int[] {6, 1, 5, 5}, random(150, 0.3f)));
        c.put("tw", Tensor.ofFloats(new int[] {6, 2, 2, 2}, random(48, 0.3f)));
        c.put("tb", Tensor.ofFloats(new int[] {2}, random(2, 0.1f)));
        c.put("k", Tensor.ofFloats(new int[] {1, 6, 1, 1}, random(6, 1f)));
        check(chain("convs", new int[] {1, 2, 12, 10}, c,
                new Node("c1", new Op.Conv2D(new int[] {2, 2}, new int[] {0, 0, 1, 1}, new int[] {1, 1}, 1), List.of("x", "w", "b"), List.of("a")),
                new Node("hs", new Op.HardSwish(), List.of("a"), List.of("h")),
                new Node("dw", new Op.Conv2D(new int[] {1, 1}, new int[] {2, 2, 2, 2}, new int[] {1, 1}, 6), List.of("h", "dw"), List.of("d")),
                new Node("gap", new Op.GlobalAveragePool(), List.of("d"), List.of("g")),
                new Node("sig", new Op.Sigmoid(), List.of("g"), List.of("s")),
                new Node("mul", new Op.Mul(), List.of("d", "s"), List.of("m")),
                new Node("add", new Op.Add(), List.of("m", "k"), List.of("e")),
                new Node("relu", new Op.Relu(), List.of("e"), List.of("r")),
                new Node("up", new Op.ConvTranspose2D(new int[] {2, 2}, new int[4], 1), List.of("r", "tw", "tb"), List.of("t"))), 1e-5);
    }

    @Test
    void maxPoolCeilModeAndConcat() {
        check(chain("pool", new int[] {1, 6, 6, 5}, Map.of(),
                new Node("p", new Op.MaxPool2D(new int[] {2, 2}, new int[] {2, 2}, new int[4], true), List.of("x"), List.of("p")),
                new Node("q", new Op.MaxPool2D(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1, 1, 1}, false), List.of("x"), List.of("q")),
                new Node("cat", new Op.Concat(1), List.of("p", "q"), List.of("y"))), 0);
    }

    @Test
    void everyResizeCoordinateMode() {
        for (Op.CoordinateMode mode : Op.CoordinateMode.values()) {
            check(chain("resize-" + mode, new int[] {1, 3, 29, 7}, Map.of(),
                    new Node("r", new Op.ResizeBilinear(29, 7, mode), List.of("x"), List.of("y"))), 1e-5);
        }
    }

    @Test
    void quantizedConvolutionHasTheArithmeticOfDynamicQuantisation() {
        byte[] w = new byte[6 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) RANDOM.nextInt(256);
        }
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("w", Tensor.ofBytes(DataType.UINT8, new int[] {6, 3, 3, 3}, w));
        c.put("wzp", Tensor.ofBytes(DataType.UINT8, new int[0], new byte[] {(byte) 131}));
        c.put("ws", Tensor.ofFloats(new int[0], new float[] {0.0123f}));
        c.put("b", Tensor.ofFloats(new int[] {6}, random(6, 0.5f)));
        Op.Conv2D conv = new Op.Conv2D(new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1);
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node("relu", new Op.Relu(), List.of("x"), List.of("r")));
        nodes.add(new Node("q1", new Op.QuantizedConv2D(conv), List.of("r", "w", "wzp", "ws", "b"), List.of("y1")));
        nodes.add(new Node("q2", new Op.QuantizedConv2D(conv), List.of("x", "w", "wzp", "ws", "b"), List.of("y2")));
        nodes.add(new Node("cat", new Op.Concat(1), List.of("y1", "y2"), List.of("y")));
        check(chain("quantised", new int[] {1, 12, 12, 10}, c, nodes.toArray(Node[]::new)), 1e-4);
    }
}
