package io.bgswap.graph;

import io.bgswap.graph.onnx.OnnxImporter;
import io.bgswap.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class OnnxImporterIT {
    private static Map<String, Integer> histogram(Graph g) {
        Map<String, Integer> h = new TreeMap<>();
        g.nodes().forEach(n -> h.merge(n.op().opName(), 1, Integer::sum));
        return h;
    }

    @Test
    void importsIsnetMediumWithFoldedCastsAndResizeSizes() throws Exception {
        Graph g = Importers.load(TestModels.source("isnet-medium"));
        System.out.println("isnet-medium: " + histogram(g));
        assertThat(g.outputs()).hasSize(1);
        assertThat(g.outputs().get(0).shape()).containsExactly(1, 1, 1024, 1024);
        assertThat(histogram(g)).containsEntry("Conv2D", 114).containsEntry("MaxPool2D", 33)
                .containsKey("ResizeBilinear").doesNotContainKey("QuantizedConv2D");
        assertThat(g.initializers().values()).allMatch(t -> t.type() == DataType.FLOAT32);
    }

    @Test
    void importsIsnetSmallAsQuantizedConvolutions() throws Exception {
        Graph all = OnnxImporter.read("isnet-small", Files.readAllBytes(TestModels.cached("isnet-small")));
        assertThat(all.outputs()).hasSize(12);
        assertThat(histogram(all)).containsEntry("QuantizedConv2D", 119).containsEntry("Relu", 112)
                .containsEntry("MaxPool2D", 33).containsEntry("ResizeBilinear", 39).containsEntry("Sigmoid", 6);
        Graph g = all.withOutputs(java.util.List.of("output"));
        System.out.println("isnet-small: " + histogram(g));
        assertThat(g.nodes().size()).isLessThan(all.nodes().size());
    }
}
