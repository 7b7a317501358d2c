package io.bgswap.testing;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Images;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The evaluation portraits with reference alpha mattes, found through the system property
 * {@code bgswap.eval.dir} (the build points it at {@code ../shared/eval}). Tests that need them
 * call {@link #require()}, which skips the test with a clear message when the directory is absent,
 * as it is in a plain clone of the project.
 */
public final class EvalSet {
    /**
     * One portrait and its reference matte.
     *
     * @param name  file stem
     * @param image the photo path
     * @param alpha the reference matte path
     */
    public record Sample(String name, Path image, Path alpha) {
        /** @return the decoded photo */
        public ArgbImage readImage() {
            return ImageFiles.read(image);
        }

        /** @return the reference matte in [0, 1] */
        public FloatImage readAlpha() {
            return Images.argbToMatte(ImageFiles.read(alpha));
        }
    }

    private EvalSet() {
    }

    /** @return the evaluation directory, or {@code null} when it is not configured or missing */
    public static Path directory() {
        String dir = System.getProperty("bgswap.eval.dir");
        if (dir == null || dir.isBlank()) {
            return null;
        }
        Path p = Path.of(dir);
        return Files.isDirectory(p.resolve("image")) && Files.isDirectory(p.resolve("alpha")) ? p : null;
    }

    /** @return the evaluation directory; skips the calling test when it is absent */
    public static Path requireDirectory() {
        Path dir = directory();
        Assumptions.assumeTrue(dir != null, "Evaluation images not found (system property bgswap.eval.dir="
                + System.getProperty("bgswap.eval.dir") + "): these tests need ../shared/eval beside the project");
        return dir;
    }

    /** @return every sample, sorted by name; skips the calling test when the set is absent */
    public static List<Sample> require() {
        Path dir = requireDirectory();
        List<Sample> samples = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("image"))) {
            for (Path img : s.sorted().toList()) {
                String file = img.getFileName().toString();
                String stem = file.substring(0, file.lastIndexOf('.'));
                Path alpha = dir.resolve("alpha").resolve(stem + ".png");
                if (Files.isRegularFile(alpha)) {
                    samples.add(new Sample(stem, img, alpha));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Assumptions.assumeFalse(samples.isEmpty(), "No image/alpha pairs in " + dir);
        return samples;
    }

    /**
     * @param predicted alpha or probability, same size as {@code reference}
     * @param reference reference alpha
     * @return intersection over union of both thresholded at 0.5
     */
    public static double iou(FloatImage predicted, FloatImage reference) {
        return Masks.iou(predicted, reference, 0.5f);
    }

    /**
     * @param predicted alpha, same size as {@code reference}
     * @param reference reference alpha
     * @return mean absolute difference
     */
    public static double meanAbsoluteError(FloatImage predicted, FloatImage reference) {
        float[] p = predicted.data();
        float[] r = reference.data();
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += Math.abs(p[i] - r[i]);
        }
        return sum / p.length;
    }
}
