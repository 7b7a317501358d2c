package io.bgswap.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.bgswap.BackgroundSwapper;
import io.bgswap.Segmenter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Resize;
import io.bgswap.testing.Masks;
import io.bgswap.testing.TestModels;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Holds our MediaPipe selfie path on ONNX Runtime to the model's own runtime: the masks under
 * {@code golden/mediapipe-selfie*} were recorded with MediaPipe's JavaScript solution
 * ({@code tools/mediapipe-golden}) on the evaluation portraits. Our 256x256 (or 256x144)
 * probability, bilinearly upsampled to the image size as MediaPipe does, must reach an IoU of at
 * least 0.97 with MediaPipe's mask on every image (both thresholded at 0.5), and the mean
 * absolute difference of the probabilities must stay at most 0.005.
 */
class SelfieGoldenIT {
    private static final double MIN_IOU = 0.97;
    /** The same model on two runtimes: measured at most 0.0005 on the evaluation set. */
    private static final double MAX_MEAN_ABS_DIFF = 0.005;

    @Test
    void selfieMatchesMediaPipesOwnRuntime() {
        compare("selfie", "golden/mediapipe-selfie/");
    }

    @Test
    void selfieLandscapeMatchesMediaPipesOwnRuntime() {
        compare("selfie-landscape", "golden/mediapipe-selfie-landscape/");
    }

    private static void compare(String model, String goldenDir) {
        Path images = TestModels.evalDir().resolve("image");
        List<String> failures = new ArrayList<>();
        double iouSum = 0;
        int count = 0;
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().model(model).backend("onnx").threads(2).build()) {
            Segmenter segmenter = swapper.segmenter();
            for (Path image : jpegs(images)) {
                String name = image.getFileName().toString().replaceFirst("\\.jpe?g$", "");
                FloatImage golden = goldenMask(goldenDir + name + ".png");
                ArgbImage photo = ImageFiles.read(image);
                assertThat(golden.width()).as(name + " golden width").isEqualTo(photo.width());
                assertThat(golden.height()).as(name + " golden height").isEqualTo(photo.height());

                FloatImage probability = segmenter.segment(photo);
                FloatImage ours = Resize.bilinear(probability, photo.width(), photo.height());
                double iou = Masks.iou(ours, golden, 0.5f);
                double[] diff = absDiff(ours, golden);
                System.out.printf(Locale.ROOT, "%s %s: IoU %.4f, mean abs diff %.4f, max abs diff %.3f%n",
                        model, name, iou, diff[0], diff[1]);
                if (!(iou >= MIN_IOU) || !(diff[0] <= MAX_MEAN_ABS_DIFF)) {
                    failures.add(String.format(Locale.ROOT, "%s IoU %.4f, mean abs diff %.4f", name, iou, diff[0]));
                }
                iouSum += iou;
                count++;
            }
        }
        assertThat(count).as("evaluation images").isGreaterThanOrEqualTo(3);
        System.out.printf(Locale.ROOT, "%s: mean IoU %.4f over %d images%n", model, iouSum / count, count);
        assertThat(failures).as(model + ": images below IoU " + MIN_IOU + " or above mean abs diff "
                + MAX_MEAN_ABS_DIFF + " against MediaPipe").isEmpty();
    }

    /** Mean and largest per-pixel difference of two probability maps of the same size. */
    private static double[] absDiff(FloatImage a, FloatImage b) {
        float[] x = a.data();
        float[] y = b.data();
        double sum = 0;
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs(x[i] - y[i]);
            sum += d;
            max = Math.max(max, d);
        }
        return new double[] {sum / x.length, max};
    }

    /** The 8-bit gray samples as stored (no colour conversion), as values in [0, 1]. */
    private static FloatImage goldenMask(String resource) {
        try (InputStream in = SelfieGoldenIT.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("golden mask " + resource).isNotNull();
            BufferedImage image = ImageIO.read(in);
            assertThat(image.getRaster().getNumBands()).as(resource + " bands").isEqualTo(1);
            Raster raster = image.getRaster();
            int[] samples = raster.getSamples(0, 0, raster.getWidth(), raster.getHeight(), 0, (int[]) null);
            float[] values = new float[samples.length];
            for (int i = 0; i < samples.length; i++) {
                values[i] = samples[i] / 255f;
            }
            return new FloatImage(raster.getWidth(), raster.getHeight(), values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> jpegs(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(".*\\.jpe?g")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
