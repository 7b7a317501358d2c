package io.bgswap.graph.onnx;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.DataType;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxRoundTripTest {
    private static Graph sample() {
        float[] w = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = i * 0.01f - 0.5f;
        }
        return new Graph("sample", List.of(new ValueInfo("x", DataType.FLOAT32, new int[] {1, 3, 8, 8})),
                List.of(new ValueInfo("y", DataType.FLOAT32, new int[] {1, 8, 16, 16})),
                Map.of("w", Tensor.ofFloats(new int[] {4, 3, 3, 3}, w), "b", Tensor.ofFloats(new int[] {4}, new float[] {1, 2, 3, 4})),
                List.of(new Node("conv", new Op.Conv2D(new int[] {1, 1}, new int[] {0, 0, 1, 1}, new int[] {1, 1}, 1),
                                List.of("x", "w", "b"), List.of("c")),
                        new Node("act", new Op.HardSwish(), List.of("c"), List.of("h")),
                        new Node("pool", new Op.MaxPool2D(new int[] {2, 2}, new int[] {2, 2}, new int[4], true),
                                List.of("h"), List.of("p")),
                        new Node("up", new Op.ResizeBilinear(16, 16, Op.CoordinateMode.HALF_PIXEL), List.of("p"), List.of("r")),
                        new Node("up2", new Op.ResizeBilinear(16, 16, Op.CoordinateMode.ALIGN_CORNERS), List.of("p"), List.of("r2")),
                        new Node("cat", new Op.Concat(1), List.of("r", "r2"), List.of("y"))));
    }

    @Test
    void exportThenImportGivesTheSameGraph() {
        Graph g = sample();
        Graph back = OnnxImporter.read("sample", OnnxExporter.toBytes(g));
        assertThat(back.nodes()).extracting(n -> n.op().opName())
                .containsExactly("Conv2D", "HardSwish", "MaxPool2D", "ResizeBilinear", "ResizeBilinear", "Concat");
        Op.Conv2D conv = (Op.Conv2D) back.nodes().get(0).op();
        assertThat(conv.pads()).containsExactly(0, 0, 1, 1);
        assertThat(((Op.MaxPool2D) back.nodes().get(2).op()).ceilMode()).isTrue();
        assertThat(((Op.ResizeBilinear) back.nodes().get(4).op()).mode()).isEqualTo(Op.CoordinateMode.ALIGN_CORNERS);
        assertThat(back.outputs().get(0).shape()).containsExactly(1, 8, 16, 16);
        assertThat(back.constant("w").floats()).containsExactly(g.constant("w").floats());
        assertThat(back.constant("b").floats()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void unknownOperatorIsNamedWithTheModel() {
        ProtoWriter node = new ProtoWriter().string(1, "x").string(2, "y").string(3, "n0").string(4, "Einsum");
        ProtoWriter shape = new ProtoWriter();
        for (int d : new int[] {1, 3, 4, 4}) {
            shape.message(1, new ProtoWriter().int64(1, d));
        }
        ProtoWriter type = new ProtoWriter().message(1, new ProtoWriter().int64(1, 1).message(2, shape));
        ProtoWriter graph = new ProtoWriter().message(1, node).string(2, "g")
                .message(11, new ProtoWriter().string(1, "x").message(2, type))
                .message(12, new ProtoWriter().string(1, "y").message(2, type));
        byte[] model = new ProtoWriter().int64(1, 8).message(7, graph)
                .message(8, new ProtoWriter().string(1, "").int64(2, 17)).toByteArray();
        assertThatThrownBy(() -> OnnxImporter.read("mymodel", model))
                .isInstanceOfSatisfying(BgSwapException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL);
                    assertThat(e.getMessage()).contains("Einsum").contains("mymodel");
                });
    }

    @Test
    void truncatedFileFailsCleanly() {
        byte[] full = OnnxExporter.toBytes(sample());
        byte[] cut = java.util.Arrays.copyOf(full, full.length / 2);
        assertThatThrownBy(() -> OnnxImporter.read("cut", cut))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL));
    }

    @Test
    void quantizedConvolutionExportsTheDynamicQuantisationPatternAndReadsBack() {
        byte[] wq = new byte[2 * 1 * 1 * 1];
        Graph g = new Graph("q", List.of(new ValueInfo("x", DataType.FLOAT32, new int[] {1, 1, 4, 4})),
                List.of(new ValueInfo("y", DataType.FLOAT32, new int[] {1, 2, 4, 4})),
                Map.of("w", Tensor.ofBytes(DataType.UINT8, new int[] {2, 1, 1, 1}, wq),
                        "wzp", Tensor.ofBytes(DataType.UINT8, new int[0], new byte[] {(byte) 128}),
                        "ws", Tensor.ofFloats(new int[0], new float[] {0.01f}),
                        "b", Tensor.ofFloats(new int[] {2}, new float[] {0.5f, -0.5f})),
                List.of(new Node("qc", new Op.QuantizedConv2D(new Op.Conv2D(new int[] {1, 1}, new int[4], new int[] {1, 1}, 1)),
                        List.of("x", "w", "wzp", "ws", "b"), List.of("y"))));
        Graph back = OnnxImporter.read("q", OnnxExporter.toBytes(g));
        assertThat(back.nodes()).extracting(n -> n.op().opName()).containsExactly("QuantizedConv2D");
        assertThat(back.nodes().get(0).inputs()).hasSize(5);
    }
}
