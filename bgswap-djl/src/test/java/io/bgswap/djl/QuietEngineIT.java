package io.bgswap.djl;

import io.bgswap.testing.EngineStderr;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application using DJL at default settings sees only bgswap's own log lines on stderr: PyTorch's
 * C++ warnings (NNPACK's "Unsupported hardware", printed at every convolution set-up on processors
 * NNPACK does not support) stay below the level bgswap gives PyTorch.
 */
class QuietEngineIT {
    @Test
    void oneMatteOnPyTorchPrintsOnlyBgswapsLines() throws Exception {
        assertThat(EngineStderr.linesOf("djl", "selfie")).allSatisfy(line -> assertThat(line).contains("io.bgswap"));
    }
}
