package io.bgswap.testing;

import io.bgswap.BackgroundSwapper;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a user of a backend gets through the public API agrees with what a user of ONNX Runtime
 * gets: {@link BackgroundSwapper#matte} of a swapper built at default settings, with one thread and
 * with the machine's processor count, against ONNX Runtime's swapper at default settings, for every
 * built-in model and the default {@code portrait} pipeline, on every evaluation portrait (the
 * bundled sample where {@code ../shared/eval} is absent). Each image's matte may differ by at most
 * {@value #MAX_MEAN_ABS} on average and {@value #MAX_ABS} at any pixel.
 *
 * <p>One exception, bounded: the still-image pipeline decides per pixel (the {@code portrait}
 * segmenter's definite person and background, the matter's trimap), and an engine's last-digit
 * difference at a pixel whose evidence sits on a decision threshold flips that decision, which
 * changes the solved alpha in a small patch around it, by up to a few hundredths and, where the
 * flipped pixel sits on the edge of the unknown band, by more. Pixels differing by more than
 * {@value #MAX_ABS} are therefore accepted on at most {@value #MAX_SHARE_AT_TIE} of the image, and
 * only where the two swappers' segmenter outputs agree to {@value #MAX_MEAN_ABS} on average, so
 * that isolated flipped decisions, not a region computed differently, are the only possible cause
 * (a region computed differently, such as the channels-last convolution that once gave the selfie
 * model errors of up to 0.98, spans thousands of pixels).
 *
 * <p>Each backend module runs it (name the subclass {@code *IT}: it loads the real models); ONNX
 * Runtime runs it too, where it holds its one-thread and all-processor results to its default. The cases of one
 * model run one after another, so the reference mattes are computed once per model. The system
 * property {@code bgswap.parity.models} (comma-separated) narrows the models, for a quick check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractSwapperParityTest {
    /** Largest allowed mean absolute difference of one image's matte. */
    public static final double MAX_MEAN_ABS = 1e-4;
    /** Largest allowed absolute difference at any pixel. */
    public static final double MAX_ABS = 1e-2;
    /** Largest share of an image's pixels that may differ by more than {@link #MAX_ABS} where a decision flipped on a near-tie. */
    public static final double MAX_SHARE_AT_TIE = 1e-3;

    private List<Named> images;
    private String referenceModel;
    private final Map<String, FloatImage> reference = new LinkedHashMap<>();

    /** @return the backend under test, as named to {@link BackgroundSwapper.Builder#backend} */
    protected abstract String backend();

    private record Named(String name, ArgbImage image) {
    }

    @BeforeAll
    void loadImages() {
        images = new ArrayList<>();
        if (EvalSet.directory() != null) {
            for (EvalSet.Sample s : EvalSet.require()) {
                images.add(new Named(s.name(), s.readImage()));
            }
        } else {
            System.out.println("Evaluation images not found (bgswap.eval.dir=" + System.getProperty("bgswap.eval.dir")
                    + "): public-API parity runs on the bundled sample portrait only");
            images.add(new Named("samples/portrait.jpg", TestInputs.testImage()));
        }
    }

    @AfterAll
    void release() {
        reference.clear();
        images = null;
    }

    /**
     * Every backend's default is one intra-op thread per JVM processor, so the default case covers
     * the machine's processor count. The selfie models, whose results once depended on the thread
     * count, are checked at one thread and at the processor count too. The ISNet models and the
     * {@code portrait} pipeline gave identical differences at the default and at one thread on every
     * evaluation portrait (DJL, two cores), and take minutes per setting, so their one-thread case
     * runs with {@code -Dbgswap.parity.allThreads=true}.
     *
     * @return every built-in model and the default pipeline, each with the thread settings to check
     */
    Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        boolean allThreads = Boolean.getBoolean("bgswap.parity.allThreads");
        String only = System.getProperty("bgswap.parity.models", "");
        List<String> models = only.isBlank() ? List.of("selfie", "selfie-landscape", "isnet-small", "isnet-medium", "portrait")
                : List.of(only.split(","));
        for (String model : models) {
            boolean selfie = model.startsWith("selfie");
            cases.add(Arguments.of(model, 0));
            if (selfie || allThreads) {
                cases.add(Arguments.of(model, 1));
            }
            if (cores > 1 && (selfie || allThreads)) {
                cases.add(Arguments.of(model, cores));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, threads {1} (0: default)")
    @MethodSource("cases")
    void matteAgreesWithOnnxRuntime(String model, int threads) {
        assumeTrue(Parity.onnxRuntime().isPresent(), "ONNX Runtime (bgswap-onnx) is not on the test classpath");
        assumeFalse(backend().equals("onnx") && threads == 0, "ONNX Runtime at default settings is the reference itself");
        ensureReference(model);
        List<String> failures = new ArrayList<>();
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().model(model).backend(backend()).threads(threads).build()) {
            for (Named n : images) {
                float[] expected = reference.get(n.name()).data();
                float[] actual = swapper.matte(n.image()).data();
                Parity.Diff d = Parity.compare(expected, actual);
                String line = String.format(Locale.ROOT, "%s vs onnx, %s, threads %d, %s: %s", backend(), model, threads,
                        n.name(), d);
                boolean ok = d.meanAbs() <= MAX_MEAN_ABS && d.maxAbs() <= MAX_ABS;
                if (!ok && d.meanAbs() <= MAX_MEAN_ABS) {
                    int beyond = Parity.countAbove(expected, actual, MAX_ABS);
                    Parity.Diff p = Parity.compare(referenceProbability(model, n.image()),
                            swapper.segmenter().segment(n.image()).data());
                    line += String.format(Locale.ROOT, "; %d pixels beyond %s; segmenter output %s", beyond, MAX_ABS, p);
                    ok = beyond <= MAX_SHARE_AT_TIE * d.count() && p.meanAbs() <= MAX_MEAN_ABS;
                }
                System.out.println(line);
                if (!ok) {
                    failures.add(line);
                }
            }
        }
        assertThat(failures).as("images whose matte differs from ONNX Runtime's beyond mean %s / max %s", MAX_MEAN_ABS,
                MAX_ABS).isEmpty();
    }

    private float[] referenceProbability(String model, ArgbImage image) {
        try (BackgroundSwapper onnx = BackgroundSwapper.builder().model(model).backend("onnx").build()) {
            return onnx.segmenter().segment(image).data();
        }
    }

    private void ensureReference(String model) {
        if (model.equals(referenceModel)) {
            return;
        }
        reference.clear();
        referenceModel = null;
        try (BackgroundSwapper onnx = BackgroundSwapper.builder().model(model).backend("onnx").build()) {
            for (Named n : images) {
                reference.put(n.name(), onnx.matte(n.image()));
            }
        }
        referenceModel = model;
    }
}
