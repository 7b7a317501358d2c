package io.bgswap.djl;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.graph.DataType;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelFormat;
import io.bgswap.model.TensorLayout;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Session life cycle, devices and concurrency on a small hand-built graph. */
class DjlSessionTest {
    private static final int SIZE = 8;
    private final Random random = new Random(7);
    private final float[] weight = randoms(3 * 9);

    private float[] randoms(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** input [1,3,8,8] -> 3x3 conv to one channel, same padding, bias 0.25 -> sigmoid -> y. */
    private Graph graph() {
        return new Graph("tiny", List.of(new ValueInfo("input", DataType.FLOAT32, new int[] {1, 3, SIZE, SIZE})),
                List.of(new ValueInfo("y", DataType.FLOAT32, new int[] {1, 1, SIZE, SIZE})),
                Map.of("w", Tensor.ofFloats(new int[] {1, 3, 3, 3}, weight), "b", Tensor.ofFloats(new int[] {1}, new float[] {0.25f})),
                List.of(new Node("conv", new Op.Conv2D(new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1),
                                List.of("input", "w", "b"), List.of("c")),
                        new Node("sig", new Op.Sigmoid(), List.of("c"), List.of("y"))));
    }

    private static ModelDescriptor descriptor(String output) {
        return new ModelDescriptor("input", output, TensorLayout.NCHW, SIZE, SIZE, new float[] {0, 0, 0},
                new float[] {1, 1, 1}, SIZE, SIZE, false);
    }

    private float[] expected(float[] x) {
        float[] y = new float[SIZE * SIZE];
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                double acc = 0.25;
                for (int ch = 0; ch < 3; ch++) {
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 3; j++) {
                            int rr = r + i - 1;
                            int cc = c + j - 1;
                            if (rr >= 0 && rr < SIZE && cc >= 0 && cc < SIZE) {
                                acc += x[(ch * SIZE + rr) * SIZE + cc] * weight[(ch * 3 + i) * 3 + j];
                            }
                        }
                    }
                }
                y[r * SIZE + c] = (float) (1 / (1 + Math.exp(-acc)));
            }
        }
        return y;
    }

    private static FloatBuffer direct(float[] v) {
        FloatBuffer b = ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(v).flip();
        return b;
    }

    private static float[] run(InferenceSession s, float[] x, boolean directBuffers) {
        FloatBuffer in = directBuffers ? direct(x) : FloatBuffer.wrap(x.clone());
        FloatBuffer out = directBuffers ? direct(new float[SIZE * SIZE]) : FloatBuffer.allocate(SIZE * SIZE);
        s.run(in, out);
        float[] v = new float[SIZE * SIZE];
        out.duplicate().position(0).get(v);
        return v;
    }

    private static void assertClose(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void providerIsCheapAndNamed() {
        DjlBackendProvider p = new DjlBackendProvider();
        assertThat(p.name()).isEqualTo("djl");
        assertThat(p.priority()).isLessThan(100).isPositive();
        assertThat(p.supports(ModelFormat.ONNX)).isTrue();
        assertThat(p.supports(ModelFormat.TFLITE)).isTrue();
        assertThat(p.supports(ModelFormat.TORCHSCRIPT)).isTrue();
        assertThat(p.supports(ModelFormat.SAVED_MODEL)).isFalse();
        assertThat(java.util.ServiceLoader.load(io.bgswap.spi.BackendProvider.class).stream()
                .anyMatch(s -> s.type() == DjlBackendProvider.class)).isTrue();
    }

    @Test
    void runsOnTheCpuWithHeapAndDirectBuffers() {
        try (InferenceSession s = DjlGraphSession.open(graph(), descriptor("y"), SessionOptions.defaults())) {
            assertThat(s.backend()).isEqualTo("djl");
            assertThat(s.device().kind()).isNotEqualTo(Device.Kind.AUTO);
            float[] x = randoms(3 * SIZE * SIZE);
            assertClose(run(s, x, true), expected(x));
            assertClose(run(s, x, false), expected(x));
        }
    }

    @Test
    void severalThreadsRunAtOnce() throws Exception {
        try (InferenceSession s = DjlGraphSession.open(graph(), descriptor("y"), new SessionOptions(Device.CPU, 0))) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long seed = t;
                    results.add(pool.submit(() -> {
                        Random r = new Random(seed);
                        for (int k = 0; k < 25; k++) {
                            float[] x = new float[3 * SIZE * SIZE];
                            for (int i = 0; i < x.length; i++) {
                                x[i] = (float) r.nextGaussian();
                            }
                            float[] want = expected(x);
                            float[] got = run(s, x, k % 2 == 0);
                            for (int i = 0; i < got.length; i++) {
                                if (Math.abs(got[i] - want[i]) > 1e-5f) {
                                    return false;
                                }
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : results) {
                    assertThat(f.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void closeIsIdempotentAndLaterRunsFail() {
        InferenceSession s = DjlGraphSession.open(graph(), descriptor("y"), SessionOptions.defaults());
        s.close();
        s.close();
        assertThatThrownBy(() -> run(s, new float[3 * SIZE * SIZE], true))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
    }

    @Test
    void descriptorMismatchFailsAtLoad() {
        assertThatThrownBy(() -> DjlGraphSession.open(graph(), descriptor("nope"), SessionOptions.defaults()))
                .isInstanceOfSatisfying(BgSwapException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL);
                    assertThat(e.getMessage()).contains("nope").contains("y");
                });
    }

    @Test
    void tooSmallBuffersAreAnError() {
        try (InferenceSession s = DjlGraphSession.open(graph(), descriptor("y"), SessionOptions.defaults())) {
            assertThatThrownBy(() -> s.run(FloatBuffer.allocate(5), FloatBuffer.allocate(SIZE * SIZE)))
                    .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }

    @Test
    void explicitGpuWithoutOneIsAnErrorWithTheReason() {
        String why = DjlRuntime.whyNoGpu(DjlRuntime.engine(0), 0);
        assumeTrue(why != null, "a CUDA device is usable here; see gpuRunMatchesCpu");
        assertThatThrownBy(() -> DjlGraphSession.open(graph(), descriptor("y"), new SessionOptions(Device.gpu(0), 0)))
                .isInstanceOfSatisfying(BgSwapException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DEVICE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("cuda:0").contains(why);
                });
        // AUTO quietly uses the CPU.
        try (InferenceSession s = DjlGraphSession.open(graph(), descriptor("y"), SessionOptions.defaults())) {
            assertThat(s.device()).isEqualTo(Device.CPU);
        }
    }

    @Test
    void gpuRunMatchesCpu() {
        String why = DjlRuntime.whyNoGpu(DjlRuntime.engine(0), 0);
        assumeTrue(why == null, "no usable CUDA device: " + why);
        float[] x = randoms(3 * SIZE * SIZE);
        try (InferenceSession auto = DjlGraphSession.open(graph(), descriptor("y"), SessionOptions.defaults());
             InferenceSession gpu = DjlGraphSession.open(graph(), descriptor("y"), new SessionOptions(Device.gpu(0), 0))) {
            assertThat(auto.device()).isEqualTo(Device.gpu(0));
            assertThat(gpu.device()).isEqualTo(Device.gpu(0));
            assertClose(run(gpu, x, true), expected(x));
        }
    }
}
