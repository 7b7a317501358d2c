package io.bgswap.graph;

import io.bgswap.graph.tflite.TfliteImporter;
import io.bgswap.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class TfliteImporterIT {
    private static Map<String, Integer> histogram(Graph g) {
        Map<String, Integer> h = new TreeMap<>();
        g.nodes().forEach(n -> h.merge(n.op().opName(), 1, Integer::sum));
        return h;
    }

    @Test
    void importsSelfie() throws Exception {
        Path p = TestModels.cached("selfie");
        Graph g = TfliteImporter.read("selfie", Files.readAllBytes(p));
        System.out.println("selfie: " + histogram(g));
        assertThat(g.inputs()).hasSize(1);
        assertThat(g.inputs().get(0).shape()).containsExactly(1, 256, 256, 3);
        assertThat(g.outputs().get(0).name()).isEqualTo("activation_10");
        assertThat(g.outputs().get(0).shape()).containsExactly(1, 256, 256, 1);
        Map<String, Integer> h = histogram(g);
        assertThat(h).containsEntry("Conv2D", 54).containsEntry("ConvTranspose2D", 1)
                .containsEntry("HardSwish", 11).containsEntry("Sigmoid", 11).containsEntry("GlobalAveragePool", 10)
                .containsEntry("ResizeBilinear", 3).containsEntry("Transpose", 2);
        assertThat(g.initializers()).hasSizeGreaterThanOrEqualTo(110);
    }

    @Test
    void importsSelfieLandscape() throws Exception {
        Path p = TestModels.cached("selfie-landscape");
        Graph g = TfliteImporter.read("selfie-landscape", Files.readAllBytes(p));
        System.out.println("selfie-landscape: " + histogram(g));
        assertThat(g.inputs().get(0).shape()).containsExactly(1, 144, 256, 3);
        assertThat(g.outputs().get(0).name()).isEqualTo("segment_back");
        assertThat(histogram(g)).containsEntry("GlobalAveragePool", 10).containsEntry("ConvTranspose2D", 1);
    }
}
