package io.bgswap.djl;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import io.bgswap.onnx.OnnxBackendProvider;
import io.bgswap.segmentation.TensorPacker;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;
import io.bgswap.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DJL backend against ONNX Runtime on the same model inputs from the evaluation portraits:
 * the person probability may differ by at most the stated maximum (and mean) absolute difference.
 * isnet-small's dynamic activation quantisation and the bilinear resizes between its quantised
 * convolutions follow ONNX Runtime's arithmetic (see QuantizedConvAgainstOnnxRuntimeTest and
 * ResizeAgainstOnnxRuntimeTest), so it is held to the float models' bounds. A few images per
 * model keep the run short (ISNet takes seconds per image on a CPU).
 */
class OnnxParityIT {
    static List<Path> evalImages(int count) throws IOException {
        Path eval = TestModels.evalDir();
        try (Stream<Path> s = Files.list(eval.resolve("image"))) {
            return s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(count).toList();
        }
    }

    static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static float probability(float v, boolean logit) {
        return logit ? (float) (1 / (1 + Math.exp(-v))) : v;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"selfie, 4, 1e-4, 1e-5", "selfie-landscape, 2, 1e-4, 1e-5", "isnet-medium, 2, 1e-3, 1e-4",
            "isnet-small, 2, 1e-4, 1e-5"})
    void matchesOnnxRuntime(String model, int images, double maxAllowed, double meanAllowed) throws IOException {
        ModelSource source = TestModels.source(model);
        ModelDescriptor d = source.descriptor();
        List<Path> paths = evalImages(images);
        double worstMax = 0;
        double sumMean = 0;
        try (InferenceSession onnx = new OnnxBackendProvider().open(source, SessionOptions.defaults());
             InferenceSession djl = new DjlBackendProvider().open(source, SessionOptions.defaults())) {
            FloatBuffer in = direct(d.inputSize());
            FloatBuffer a = direct(d.outputSize());
            FloatBuffer b = direct(d.outputSize());
            for (Path p : paths) {
                ArgbImage image = ImageFiles.read(p);
                TensorPacker.pack(image, d, in);
                onnx.run(in, a);
                djl.run(in, b);
                double max = 0;
                double sum = 0;
                for (int i = 0; i < d.outputSize(); i++) {
                    double diff = Math.abs(probability(a.get(i), d.outputIsLogit()) - probability(b.get(i), d.outputIsLogit()));
                    max = Math.max(max, diff);
                    sum += diff;
                }
                double mean = sum / d.outputSize();
                System.out.printf("parity %s %s: max abs diff %.3g, mean abs diff %.3g%n", model, p.getFileName(), max, mean);
                worstMax = Math.max(worstMax, max);
                sumMean += mean;
            }
        }
        double mean = sumMean / paths.size();
        System.out.printf("parity %s over %d images: max abs diff %.3g, mean abs diff %.3g%n", model, paths.size(), worstMax, mean);
        assertThat(worstMax).isLessThanOrEqualTo(maxAllowed);
        assertThat(mean).isLessThanOrEqualTo(meanAllowed);
    }
}
