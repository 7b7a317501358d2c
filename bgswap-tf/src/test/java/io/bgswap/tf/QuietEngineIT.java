package io.bgswap.tf;

import io.bgswap.testing.EngineStderr;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application using TensorFlow at default settings does not see TensorFlow's own start-up
 * notices (oneDNN and CPU-feature lines) on stderr. Two lines of the Abseil copy inside
 * {@code libtensorflow_cc} remain (Abseil's pre-initialisation note and "MLIR V1 optimization pass
 * is not enabled"): that copy's level cannot be reached from outside the library.
 */
class QuietEngineIT {
    @Test
    void oneMatteOnTensorFlowPrintsNoStartUpNotices() throws Exception {
        assertThat(EngineStderr.linesOf("tf", "selfie"))
                .noneMatch(line -> line.contains("cpu_feature_guard") || line.contains("port.cc"))
                .allSatisfy(line -> assertThat(line.contains("io.bgswap") || line.contains("absl::InitializeLog")
                        || line.contains("mlir_graph_optimization_pass")).as(line).isTrue());
    }
}
