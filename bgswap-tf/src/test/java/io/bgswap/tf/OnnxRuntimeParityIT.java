package io.bgswap.tf;

import io.bgswap.Device;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.model.ModelSource;
import io.bgswap.onnx.OnnxBackendProvider;
import io.bgswap.segmentation.ModelSegmenter;
import io.bgswap.spi.SessionOptions;
import io.bgswap.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same built-in model on TensorFlow and on ONNX Runtime, on the first two or three
 * evaluation portraits: the person probabilities must agree within the stated maximum (and mean) absolute
 * difference. Prints every figure.
 */
class OnnxRuntimeParityIT {
    /**
     * isnet-small runs its convolutions on dynamically quantised activations; TensorFlow follows
     * ONNX Runtime's arithmetic there and in the resizes between them (see ResizeParityTest), so
     * it is held to the float models' bounds.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "selfie, 3, 1e-4, 1e-5",
            "selfie-landscape, 3, 1e-4, 1e-5",
            "isnet-medium, 2, 1e-3, 1e-4",
            "isnet-small, 2, 1e-4, 1e-5",
    })
    void probabilitiesAgreeWithOnnxRuntime(String model, int count, double maxAllowed, double meanAllowed) throws IOException {
        Path eval = TestModels.evalDir();
        TestModels.cached(model);
        List<Path> images;
        try (Stream<Path> s = Files.list(eval.resolve("image"))) {
            images = s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(count).toList();
        }
        assertThat(images).isNotEmpty();
        ModelSource source = TestModels.source(model);
        SessionOptions cpu = new SessionOptions(Device.CPU, 0);
        double worst = 0;
        double meanSum = 0;
        try (ModelSegmenter tf = new ModelSegmenter(model, new TfBackendProvider().open(source, cpu));
             ModelSegmenter ort = new ModelSegmenter(model, new OnnxBackendProvider().open(source, cpu))) {
            for (Path img : images) {
                ArgbImage image = ImageFiles.read(img);
                float[] a = tf.segment(image).data();
                float[] b = ort.segment(image).data();
                double max = 0;
                double sum = 0;
                for (int i = 0; i < a.length; i++) {
                    double d = Math.abs(a[i] - b[i]);
                    max = Math.max(max, d);
                    sum += d;
                }
                double mean = sum / a.length;
                System.out.printf(Locale.ROOT, "parity %s %s: max abs diff %.3e, mean abs diff %.3e%n",
                        model, img.getFileName(), max, mean);
                worst = Math.max(worst, max);
                meanSum += mean;
            }
        }
        double mean = meanSum / images.size();
        System.out.printf(Locale.ROOT, "parity %s over %d images: max abs diff %.3e, mean abs diff %.3e%n",
                model, images.size(), worst, mean);
        assertThat(worst).as("max abs difference of %s", model).isLessThanOrEqualTo(maxAllowed);
        assertThat(mean).as("mean abs difference of %s", model).isLessThanOrEqualTo(meanAllowed);
    }
}
