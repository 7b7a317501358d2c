package io.bgswap.tf;

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
import io.bgswap.model.ModelSource;
import io.bgswap.model.TensorLayout;
import io.bgswap.spi.BackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.Providers;
import io.bgswap.spi.SessionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Session life cycle, threads, devices and SavedModels on a small hand-built segmentation graph. */
class TfSessionTest {
    private static final int W = 12;
    private static final int H = 10;
    private static final ModelDescriptor DESCRIPTOR = new ModelDescriptor("image", "mask", TensorLayout.NHWC, W, H,
            new float[] {0, 0, 0}, new float[] {255, 255, 255}, W, H, false);
    private static final float[] WEIGHT = {0.7f, -1.3f, 0.4f};
    private static final float BIAS = 0.1f;

    /** image [1,H,W,3] NHWC → NCHW → 1x1 convolution to one channel → sigmoid → mask [1,1,H,W]. */
    static Graph tinyModel() {
        List<Node> nodes = List.of(
                new Node("to_nchw", new Op.Transpose(new int[] {0, 3, 1, 2}), List.of("image"), List.of("x")),
                new Node("conv", new Op.Conv2D(new int[] {1, 1}, new int[4], new int[] {1, 1}, 1), List.of("x", "w", "b"), List.of("logit")),
                new Node("sigmoid", new Op.Sigmoid(), List.of("logit"), List.of("mask")));
        return new Graph("tiny", List.of(new ValueInfo("image", DataType.FLOAT32, new int[] {1, H, W, 3})),
                List.of(new ValueInfo("mask", DataType.FLOAT32, new int[] {1, 1, H, W})),
                Map.of("w", Tensor.ofFloats(new int[] {1, 3, 1, 1}, WEIGHT), "b", Tensor.ofFloats(new int[] {1}, new float[] {BIAS})),
                nodes);
    }

    static float[] expected(float[] nhwc) {
        float[] out = new float[H * W];
        for (int i = 0; i < H * W; i++) {
            double z = BIAS;
            for (int c = 0; c < 3; c++) {
                z += nhwc[i * 3 + c] * WEIGHT[c];
            }
            out[i] = (float) (1 / (1 + Math.exp(-z)));
        }
        return out;
    }

    static FloatBuffer direct(float[] values) {
        FloatBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(values).flip();
        return b;
    }

    static float[] read(FloatBuffer b, int n) {
        float[] f = new float[n];
        b.duplicate().position(0).get(f);
        return f;
    }

    private static InferenceSession open(Device device) {
        return TfSession.fromGraph("tiny", tinyModel(), DESCRIPTOR, new SessionOptions(device, 1));
    }

    @Test
    void providerIsRegisteredAndNamedTf() {
        BackendProvider p = Providers.backends().stream().filter(b -> b.name().equals("tf")).findFirst().orElseThrow();
        assertThat(p).isInstanceOf(TfBackendProvider.class);
        assertThat(p.priority()).isLessThan(100);
        assertThat(p.supports(ModelFormat.ONNX)).isTrue();
        assertThat(p.supports(ModelFormat.TFLITE)).isTrue();
        assertThat(p.supports(ModelFormat.SAVED_MODEL)).isTrue();
        assertThat(p.supports(ModelFormat.TORCHSCRIPT)).isFalse();
    }

    @Test
    void runsReusingBuffersAndClosesIdempotently() {
        Random r = new Random(1);
        InferenceSession s = open(Device.CPU);
        assertThat(s.backend()).isEqualTo("tf");
        assertThat(s.device()).isEqualTo(Device.CPU);
        FloatBuffer out = FloatBuffer.allocate(H * W);
        for (int round = 0; round < 3; round++) {
            float[] in = new float[H * W * 3];
            for (int i = 0; i < in.length; i++) {
                in[i] = r.nextFloat();
            }
            // Heap buffers on even rounds, direct ones on odd rounds.
            s.run(round % 2 == 0 ? FloatBuffer.wrap(in) : direct(in), out);
            float[] got = read(out, H * W);
            float[] want = expected(in);
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).isCloseTo(want[i], org.assertj.core.api.Assertions.within(1e-6f));
            }
        }
        s.close();
        s.close();
        assertThatThrownBy(() -> s.run(FloatBuffer.allocate(H * W * 3), FloatBuffer.allocate(H * W)))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
    }

    @Test
    void tooSmallBuffersAreRejected() {
        try (InferenceSession s = open(Device.CPU)) {
            assertThatThrownBy(() -> s.run(FloatBuffer.allocate(5), FloatBuffer.allocate(H * W)))
                    .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }

    @Test
    void severalThreadsRunAtOnceWithTheirOwnBuffers() throws Exception {
        int threads = 4;
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (InferenceSession s = open(Device.CPU)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                Callable<Integer> job = () -> {
                    Random r = new Random(seed);
                    FloatBuffer out = ByteBuffer.allocateDirect(H * W * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                    int checked = 0;
                    for (int k = 0; k < rounds; k++) {
                        float[] in = new float[H * W * 3];
                        for (int i = 0; i < in.length; i++) {
                            in[i] = r.nextFloat() * 2 - 1;
                        }
                        s.run(direct(in), out);
                        float[] got = read(out, H * W);
                        float[] want = expected(in);
                        for (int i = 0; i < want.length; i++) {
                            if (Math.abs(got[i] - want[i]) > 1e-6f) {
                                throw new AssertionError("thread " + seed + " round " + k + " pixel " + i + ": " + got[i] + " != " + want[i]);
                            }
                        }
                        checked++;
                    }
                    return checked;
                };
                results.add(pool.submit(job));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(rounds);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void explicitGpuWithoutOneIsDeviceUnavailableWithTheReason() {
        assumeThat(TfDevices.gpuProblem(0)).as("this machine has a GPU TensorFlow can use").isPresent();
        assertThatThrownBy(() -> open(Device.gpu(0)))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DEVICE_UNAVAILABLE))
                .hasMessageContaining("cuda:0")
                .hasMessageContaining(TfDevices.gpuProblem(0).get())
                .hasMessageContaining("linux-x86_64-gpu");
    }

    @Test
    void autoFallsBackToTheCpuWithoutAGpu() {
        assumeThat(TfDevices.gpuProblem(0)).as("this machine has a GPU TensorFlow can use").isPresent();
        try (InferenceSession s = open(Device.AUTO)) {
            assertThat(s.device()).isEqualTo(Device.CPU);
        }
    }

    @Test
    void runsOnTheGpuWhenTensorFlowSeesOne() {
        assumeThat(TfDevices.gpuProblem(0)).as("TensorFlow sees no usable GPU here: %s",
                TfDevices.gpuProblem(0).orElse("")).isEmpty();
        float[] in = new float[H * W * 3];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i % 17) / 17f;
        }
        try (InferenceSession s = open(Device.gpu(0))) {
            assertThat(s.device()).isEqualTo(Device.gpu(0));
            FloatBuffer out = FloatBuffer.allocate(H * W);
            s.run(FloatBuffer.wrap(in), out);
            float[] want = expected(in);
            for (int i = 0; i < want.length; i++) {
                assertThat(out.get(i)).isCloseTo(want[i], org.assertj.core.api.Assertions.within(1e-5f));
            }
        }
    }

    @Test
    void savedModelDirectoryRunsThroughTheProvider(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("tiny-model");
        try (TfSession built = TfSession.fromGraph("tiny", tinyModel(), DESCRIPTOR, new SessionOptions(Device.CPU, 1))) {
            Signature sig = Signature.builder().key(Signature.DEFAULT_KEY)
                    .input("image", built.feedOperand()).output("mask", built.fetchOperand()).build();
            SavedModelBundle.exporter(saved.toString()).withFunction(built.session().function(sig)).export();
        }
        ModelSource source = ModelSource.ofFile(saved, DESCRIPTOR);
        assertThat(source.format()).isEqualTo(ModelFormat.SAVED_MODEL);
        float[] in = new float[H * W * 3];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i % 13) / 13f - 0.5f;
        }
        try (InferenceSession s = new TfBackendProvider().open(source, new SessionOptions(Device.CPU, 1))) {
            FloatBuffer out = FloatBuffer.allocate(H * W);
            s.run(FloatBuffer.wrap(in), out);
            float[] want = expected(in);
            for (int i = 0; i < want.length; i++) {
                assertThat(out.get(i)).isCloseTo(want[i], org.assertj.core.api.Assertions.within(1e-6f));
            }
            s.close();
            s.close();
        }
        ModelDescriptor wrongOutput = new ModelDescriptor("image", "nothing", TensorLayout.NHWC, W, H,
                new float[] {0, 0, 0}, new float[] {255, 255, 255}, W, H, false);
        assertThatThrownBy(() -> new TfBackendProvider().open(ModelSource.ofFile(saved, wrongOutput), SessionOptions.defaults()))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL))
                .hasMessageContaining("nothing");
    }

    @Test
    void directoryWithoutSavedModelIsRejected(@TempDir Path dir) {
        assertThatThrownBy(() -> new TfBackendProvider().open(ModelSource.ofFile(dir, DESCRIPTOR), SessionOptions.defaults()))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL))
                .hasMessageContaining("saved_model.pb");
    }
}
