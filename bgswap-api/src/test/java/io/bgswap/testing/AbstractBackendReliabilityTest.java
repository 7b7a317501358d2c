package io.bgswap.testing;

import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelFormat;
import io.bgswap.model.ModelSource;
import io.bgswap.model.ModelStore;
import io.bgswap.segmentation.ModelSegmenter;
import io.bgswap.spi.BackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every backend must do when things go wrong: refuse an explicit device it cannot serve
 * (never a silent CPU fallback), refuse a model whose shape does not match its descriptor at load,
 * survive {@code close()} twice and during inference, report use after close, give the same
 * answers from many threads as from one, and keep resident memory flat over many inferences.
 *
 * <p>A backend module extends this class in its tests and names its provider. Backends that cannot
 * open ONNX files override {@link #smallModel}. The memory loop runs
 * {@value #DEFAULT_INFERENCES} inferences by default; the {@code soak} profile raises it with the
 * system property {@code bgswap.soak.inferences} and may point it at a real model with
 * {@code bgswap.soak.model}.
 */
public abstract class AbstractBackendReliabilityTest {
    /** Inferences of the default memory loop (after warm-up). */
    public static final int DEFAULT_INFERENCES = 300;
    /** Resident memory may grow at most this much after warm-up. */
    public static final long MAX_GROWTH_MIB = 50;

    @TempDir
    protected Path dir;

    /** @return the backend under test */
    protected abstract BackendProvider provider();

    /**
     * A small model this backend can open, fed {@code size x size} NCHW RGB by its descriptor,
     * whose output is {@code size x size}. The default writes {@link TinyOnnxModel}.
     *
     * @param dir  a scratch directory
     * @param size input and output side
     * @return the model
     */
    protected ModelSource smallModel(Path dir, int size) throws IOException {
        if (!provider().supports(ModelFormat.ONNX)) {
            throw new UnsupportedOperationException(getClass().getName() + " must override smallModel(): backend "
                    + provider().name() + " cannot open ONNX files");
        }
        return ModelSource.ofFile(TinyOnnxModel.write(dir.resolve("tiny-" + size + ".onnx"), size, size),
                TinyOnnxModel.descriptor(size, size));
    }

    private InferenceSession open(ModelSource model, Device device) {
        return provider().open(model, new SessionOptions(device, 1));
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static FloatBuffer randomInput(ModelDescriptor d, long seed) {
        FloatBuffer in = direct(d.inputSize());
        Random r = new Random(seed);
        for (int i = 0; i < d.inputSize(); i++) {
            in.put(i, r.nextFloat());
        }
        return in;
    }

    private static float[] run(InferenceSession s, FloatBuffer input) {
        FloatBuffer out = direct(s.descriptor().outputSize());
        s.run(input, out);
        float[] values = new float[s.descriptor().outputSize()];
        out.get(0, values);
        return values;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpu", "cuda:1"})
    void explicitGpuThatCannotBeServedFailsWithTheReason(String device) throws IOException {
        Device requested = Device.parse(device);
        ModelSource model = smallModel(dir, 16);
        InferenceSession session;
        try {
            session = open(model, requested);
        } catch (BgSwapException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.DEVICE_UNAVAILABLE);
            assertThat(e.getMessage()).as("the message names the device").contains(requested.toString());
            assertThat(e.getMessage().length()).as("the message gives a reason").isGreaterThan(requested.toString().length() + 20);
            assertThatThrownBy(() -> BackgroundSwapper.builder().model(model).backend(provider().name()).device(requested).build())
                    .isInstanceOfSatisfying(BgSwapException.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.DEVICE_UNAVAILABLE));
            return;
        }
        try (session) {
            assertThat(session.device()).as("an explicit device is served or refused, never replaced").isEqualTo(requested);
        }
        assumeTrue(false, requested + " is usable on this machine: the refusal cannot be tested here");
    }

    @Test
    void explicitCpuIsServed() throws IOException {
        try (InferenceSession s = open(smallModel(dir, 16), Device.CPU)) {
            assertThat(s.device()).isEqualTo(Device.CPU);
            assertThat(s.backend()).isEqualTo(provider().name());
        }
    }

    @Test
    void descriptorThatDoesNotMatchTheModelFailsAtLoad() throws IOException {
        ModelSource model = smallModel(dir, 16);
        ModelDescriptor d = model.descriptor();
        ModelDescriptor wrong = new ModelDescriptor(d.inputName(), d.outputName(), d.layout(), 32, 32, d.mean(), d.std(),
                32, 32, d.outputIsLogit());
        assertThatThrownBy(() -> open(new ModelSource(model.name(), model.path(), model.format(), wrong), Device.CPU))
                .isInstanceOfSatisfying(BgSwapException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL);
                    assertThat(e.getMessage()).contains(model.name());
                });
        ModelDescriptor wrongName = new ModelDescriptor("no_such_input", d.outputName(), d.layout(), d.inputWidth(),
                d.inputHeight(), d.mean(), d.std(), d.outputWidth(), d.outputHeight(), d.outputIsLogit());
        assertThatThrownBy(() -> open(new ModelSource(model.name(), model.path(), model.format(), wrongName), Device.CPU))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL));
    }

    @Test
    void fileThatIsNoModelFailsAtLoad() throws IOException {
        ModelSource model = smallModel(dir, 16);
        Path garbage = dir.resolve("garbage-" + model.path().getFileName());
        Files.write(garbage, "this is not a model at all".getBytes());
        assertThatThrownBy(() -> open(new ModelSource("garbage", garbage, model.format(), model.descriptor()), Device.CPU))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL));
        byte[] whole = Files.readAllBytes(model.path());
        if (Files.isRegularFile(model.path()) && whole.length > 8) {
            Path cut = dir.resolve("cut-" + model.path().getFileName());
            Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
            assertThatThrownBy(() -> open(new ModelSource("cut", cut, model.format(), model.descriptor()), Device.CPU))
                    .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL));
        }
    }

    @Test
    void closeTwiceIsHarmlessAndUseAfterCloseIsClosed() throws IOException {
        ModelSource model = smallModel(dir, 16);
        InferenceSession session = open(model, Device.CPU);
        FloatBuffer in = randomInput(session.descriptor(), 1);
        run(session, in);
        session.close();
        session.close();
        assertThatThrownBy(() -> run(session, in))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));

        ModelSegmenter segmenter = new ModelSegmenter(model.name(), open(model, Device.CPU));
        ArgbImage image = ArgbImage.create(20, 10);
        assertThat(segmenter.segment(image).width()).isEqualTo(16);
        segmenter.close();
        segmenter.close();
        assertThatThrownBy(() -> segmenter.segment(image))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
    }

    @Test
    void closeDuringInferenceEndsCleanly() throws Exception {
        InferenceSession session = open(smallModel(dir, 64), Device.CPU);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch running = new CountDownLatch(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    FloatBuffer in = randomInput(session.descriptor(), seed);
                    FloatBuffer out = direct(session.descriptor().outputSize());
                    running.countDown();
                    while (true) {
                        try {
                            session.run(in, out);
                        } catch (BgSwapException e) {
                            if (e.code() != ErrorCode.CLOSED) {
                                unexpected.add(e);
                            }
                            return;
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                }));
            }
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100);
            session.close();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(unexpected).isEmpty();
    }

    @Test
    void eightThreadsGiveTheSameResultsAsOne() throws Exception {
        try (InferenceSession session = open(smallModel(dir, 32), Device.CPU)) {
            int inputs = 64;
            List<float[]> serial = new ArrayList<>();
            for (int i = 0; i < inputs; i++) {
                serial.add(run(session, randomInput(session.descriptor(), i)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int round = 0; round < 4; round++) {
                    for (int i = 0; i < inputs; i++) {
                        int index = i;
                        results.add(pool.submit(() -> java.util.Arrays.equals(
                                run(session, randomInput(session.descriptor(), index)), serial.get(index))));
                    }
                }
                for (Future<Boolean> r : results) {
                    assertThat(r.get(120, TimeUnit.SECONDS)).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Resident memory after warm-up and after many more inferences, each with a fresh input tensor
     * on the engine side: a leak of one input per call would show as hundreds of MB.
     */
    @Test
    void residentMemoryStaysFlat() throws IOException {
        assumeTrue(Rss.available(), "resident memory is read from /proc, absent on this OS");
        int count = Integer.getInteger("bgswap.soak.inferences", DEFAULT_INFERENCES);
        String soakModel = System.getProperty("bgswap.soak.model", "");
        ModelSource model = soakModel.isBlank() ? smallModel(dir, 256) : ModelStore.defaultStore().source(soakModel);
        assumeTrue(provider().supports(model.format()), provider().name() + " cannot open " + model.name());
        try (ModelSegmenter segmenter = new ModelSegmenter(model.name(), open(model, Device.CPU))) {
            ArgbImage image = new ArgbImage(300, 200, new Random(3).ints(300 * 200).map(v -> v | 0xFF000000).toArray());
            FloatImage out = FloatImage.create(model.descriptor().outputWidth(), model.descriptor().outputHeight());
            int warmUp = Math.max(5, Math.min(50, count / 10));
            for (int i = 0; i < warmUp; i++) {
                segmenter.segment(image, out);
            }
            System.gc();
            double afterWarmUp = Rss.mib();
            double peak = afterWarmUp;
            long start = System.nanoTime();
            for (int i = 1; i <= count; i++) {
                segmenter.segment(image, out);
                if (i % Math.max(1, count / 20) == 0) {
                    peak = Math.max(peak, Rss.mib());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.gc();
            double end = Rss.mib();
            String report = String.format(java.util.Locale.ROOT,
                    "backend=%s model=%s inferences=%d warmup=%d rss_after_warmup_mib=%.1f rss_end_mib=%.1f rss_peak_mib=%.1f "
                            + "growth_mib=%.1f seconds=%.1f%n",
                    provider().name(), model.name(), count, warmUp, afterWarmUp, end, peak, end - afterWarmUp, seconds);
            System.out.print("[rss] " + report);
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                Files.writeString(target.resolve("rss-" + provider().name() + ".txt"), report,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
            assertThat(end - afterWarmUp).as(report).isLessThan(MAX_GROWTH_MIB);
        }
    }
}
