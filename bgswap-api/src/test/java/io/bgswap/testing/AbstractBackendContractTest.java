package io.bgswap.testing;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.model.ModelSource;
import io.bgswap.spi.BackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour every backend must show, run by each backend module with its own provider (name
 * the subclass {@code *IT}: it loads the real built-in models). Checks, for each model the
 * backend supports: output size and range, determinism, idempotent {@code close()},
 * {@link ErrorCode#CLOSED} after close, and parity with ONNX Runtime when that is on the test
 * classpath; and that an explicit GPU request fails with {@link ErrorCode#DEVICE_UNAVAILABLE} on a
 * machine without one.
 *
 * <p>Set {@code -Dbgswap.contract.isnet=false} to leave out the two ISNet models (about 2 s per
 * run on two cores).
 */
public abstract class AbstractBackendContractTest {
    /** @return the backend under test (a new instance) */
    protected abstract BackendProvider provider();

    /** @return the built-in models to check */
    public static List<String> models() {
        boolean isnet = !"false".equalsIgnoreCase(System.getProperty("bgswap.contract.isnet"));
        return isnet ? List.of("selfie", "selfie-landscape", "isnet-small", "isnet-medium")
                : List.of("selfie", "selfie-landscape");
    }

    /**
     * Largest allowed differences from ONNX Runtime's output for a model: 1e-3 / 1e-4 for
     * isnet-medium (the bound for its maximum), 1e-4 / 1e-5 for the others. isnet-small
     * quantises its activations at run time, so a backend meets these only by following ONNX
     * Runtime's arithmetic in its quantised layers and in the resizes between them.
     *
     * @param model a model name
     * @return {max abs, mean abs}
     */
    protected double[] parityTolerance(String model) {
        return model.equals("isnet-medium") ? new double[] {1e-3, 1e-4} : new double[] {1e-4, 1e-5};
    }

    private ModelSource source(String model) {
        ModelSource s = TestModels.source(model);
        assumeTrue(provider().supports(s.format()), provider().name() + " does not run " + s.format() + " models");
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void outputIsADeterministicProbabilityMapOfTheDescribedSize(String model) {
        ModelSource s = source(model);
        try (InferenceSession session = provider().open(s, new SessionOptions(Device.CPU, 2))) {
            assertThat(session.backend()).isEqualTo(provider().name());
            assertThat(session.device()).isEqualTo(Device.CPU);
            float[] input = TestInputs.packed(s.descriptor());
            float[] out = Parity.run(session, input);
            float[] again = Parity.run(session, input);
            assertThat(Parity.compare(out, again).maxAbs()).as("same input, same output").isLessThanOrEqualTo(1e-6);
            assertThat(out).hasSize(s.descriptor().outputSize());
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (float v : out) {
                assertThat(Float.isFinite(v)).isTrue();
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertThat(min).isGreaterThanOrEqualTo(0.0);
            assertThat(max).isLessThanOrEqualTo(1.0);
            assertThat(max - min).as("a portrait gives both foreground and background").isGreaterThan(0.5);
        }
    }

    @Test
    void closeIsIdempotentAndRunAfterCloseFailsWithClosed() {
        ModelSource s = source("selfie");
        InferenceSession session = provider().open(s, SessionOptions.defaults());
        session.close();
        session.close();
        FloatBuffer in = Parity.direct(s.descriptor().inputSize());
        FloatBuffer out = Parity.direct(s.descriptor().outputSize());
        assertThatThrownBy(() -> session.run(in, out)).isInstanceOfSatisfying(BgSwapException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
    }

    @Test
    void explicitGpuWithoutOneFailsWithDeviceUnavailable() {
        assumeFalse(Files.exists(Path.of("/dev/nvidia0")) || Files.exists(Path.of("/dev/nvidiactl")),
                "an NVIDIA device is present; the CPU-only expectation does not apply");
        ModelSource s = source("selfie");
        assertThatThrownBy(() -> provider().open(s, new SessionOptions(Device.gpu(0), 0)).close())
                .isInstanceOfSatisfying(BgSwapException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DEVICE_UNAVAILABLE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void agreesWithOnnxRuntime(String model) {
        assumeFalse(provider().name().equals("onnx"), "the backend under test is the reference itself");
        ModelSource s = source(model);
        Parity.Diff d = Parity.againstOnnxRuntime(provider(), s, TestInputs.packed(s.descriptor())).orElse(null);
        assumeTrue(d != null, "ONNX Runtime (bgswap-onnx) is not on the test classpath");
        System.out.println(provider().name() + " vs onnx, " + model + ": " + d);
        double[] tol = parityTolerance(model);
        assertThat(d.maxAbs()).isLessThanOrEqualTo(tol[0]);
        assertThat(d.meanAbs()).isLessThanOrEqualTo(tol[1]);
    }
}
