package io.bgswap.onnx;

import io.bgswap.graph.Importers;
import io.bgswap.graph.onnx.OnnxExporter;
import io.bgswap.model.ModelSource;
import io.bgswap.spi.SessionOptions;
import io.bgswap.testing.TestInputs;
import io.bgswap.testing.Parity;
import io.bgswap.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ISNet ONNX files through the engine-neutral graph (import, then export to ONNX) against the
 * original files, both on ONNX Runtime: checks the ONNX importer and exporter together.
 * isnet-small keeps its exact quantised arithmetic, so both paths compute the same numbers; isnet-medium computes in float32 through the graph where the file computes in
 * float16.
 */
class GraphRoundTripIT {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"isnet-small, 1e-4, 1e-6", "isnet-medium, 5e-3, 1e-4"})
    void graphPathMatchesTheOriginalFile(String model, double maxAbs, double meanAbs) {
        ModelSource s = TestModels.source(model);
        float[] input = TestInputs.packed(s.descriptor());
        float[] direct;
        try (OnnxSession native_ = OnnxSession.open(s, SessionOptions.defaults())) {
            direct = Parity.run(native_, input);
        }
        byte[] exported = OnnxExporter.toBytes(Importers.load(s));
        float[] viaGraph;
        try (OnnxSession graph = OnnxSession.open(model, exported, s.descriptor(), SessionOptions.defaults())) {
            viaGraph = Parity.run(graph, input);
        }
        Parity.Diff d = Parity.compare(viaGraph, direct);
        System.out.println(model + " graph path vs original file on ONNX Runtime: " + d);
        assertThat(d.maxAbs()).isLessThanOrEqualTo(maxAbs);
        assertThat(d.meanAbs()).isLessThanOrEqualTo(meanAbs);
    }
}
