package io.bgswap.onnx;

import io.bgswap.graph.Graph;
import io.bgswap.graph.Importers;
import io.bgswap.model.ModelSource;
import io.bgswap.testing.GraphInterpreter;
import io.bgswap.testing.Parity;
import io.bgswap.testing.TestInputs;
import io.bgswap.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The selfie models as ONNX Runtime runs them (TFLite import, ONNX export) against the plain-Java
 * interpreter of the same graph, on a real portrait.
 */
class SelfieReferenceIT {
    @ParameterizedTest
    @ValueSource(strings = {"selfie", "selfie-landscape"})
    void onnxRuntimeAgreesWithTheReferenceInterpreter(String model) {
        ModelSource s = TestModels.source(model);
        float[] input = TestInputs.packed(s.descriptor());
        float[] ort = Parity.run(new OnnxBackendProvider(), s, input);
        Graph g = Importers.load(s);
        float[] ref = GraphInterpreter.run(g, Map.of(s.descriptor().inputName(), input)).get(s.descriptor().outputName());
        Parity.Diff d = Parity.compare(ort, ref);
        System.out.println(model + " ONNX Runtime vs reference interpreter: " + d);
        assertThat(d.maxAbs()).isLessThanOrEqualTo(1e-4);
        assertThat(d.meanAbs()).isLessThanOrEqualTo(1e-5);
    }
}
