package io.bgswap.graph;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShapesTest {
    @Test
    void convolutionOutputFollowsTheDocumentedRuleWithAsymmetricPads() {
        Op.Conv2D conv = new Op.Conv2D(new int[] {2, 2}, new int[] {0, 0, 1, 1}, new int[] {1, 1}, 1);
        assertThat(Shapes.outputShape(conv, new int[] {1, 3, 256, 256}, new int[] {16, 3, 3, 3}))
                .containsExactly(1, 16, 128, 128);
        Op.Conv2D depthwise = new Op.Conv2D(new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 8);
        assertThat(Shapes.outputShape(depthwise, new int[] {1, 8, 10, 12}, new int[] {8, 1, 3, 3}))
                .containsExactly(1, 8, 10, 12);
    }

    @Test
    void transposedConvolutionDoublesWithStrideTwo() {
        Op.ConvTranspose2D up = new Op.ConvTranspose2D(new int[] {2, 2}, new int[4], 1);
        assertThat(Shapes.outputShape(up, new int[] {1, 16, 128, 128}, new int[] {16, 2, 2, 2}))
                .containsExactly(1, 2, 256, 256);
    }

    @Test
    void maxPoolCeilModeRoundsUp() {
        Op.MaxPool2D pool = new Op.MaxPool2D(new int[] {2, 2}, new int[] {2, 2}, new int[4], true);
        assertThat(Shapes.outputShape(pool, new int[] {1, 4, 5, 7})).containsExactly(1, 4, 3, 4);
        Op.MaxPool2D floor = new Op.MaxPool2D(new int[] {2, 2}, new int[] {2, 2}, new int[4], false);
        assertThat(Shapes.outputShape(floor, new int[] {1, 4, 5, 7})).containsExactly(1, 4, 2, 3);
    }

    @Test
    void broadcastAndConcat() {
        assertThat(Shapes.broadcast(new int[] {1, 8, 4, 4}, new int[] {8, 1, 1})).containsExactly(1, 8, 4, 4);
        assertThatThrownBy(() -> Shapes.broadcast(new int[] {1, 8, 4, 4}, new int[] {3, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Shapes.outputShape(new Op.Concat(1), new int[] {1, 2, 4, 4}, new int[] {1, 3, 4, 4}))
                .containsExactly(1, 5, 4, 4);
        assertThat(Shapes.outputShape(new Op.Transpose(new int[] {0, 3, 1, 2}), new int[] {1, 256, 144, 3}))
                .containsExactly(1, 3, 256, 144);
    }

    @Test
    void pruningKeepsOnlyWhatAnOutputNeeds() {
        Graph g = new Graph("t", java.util.List.of(new ValueInfo("x", DataType.FLOAT32, new int[] {1, 1, 2, 2})),
                java.util.List.of(new ValueInfo("a", DataType.FLOAT32, new int[] {1, 1, 2, 2}),
                        new ValueInfo("b", DataType.FLOAT32, new int[] {1, 1, 2, 2})),
                java.util.Map.of(),
                java.util.List.of(new Node("a", new Op.Relu(), java.util.List.of("x"), java.util.List.of("a")),
                        new Node("b", new Op.Sigmoid(), java.util.List.of("x"), java.util.List.of("b"))));
        Graph pruned = g.withOutputs(java.util.List.of("b"));
        assertThat(pruned.nodes()).extracting(Node::name).containsExactly("b");
        assertThat(pruned.outputs()).extracting(ValueInfo::name).containsExactly("b");
    }
}
