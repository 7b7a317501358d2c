package io.bgswap.onnx;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Resize;
import io.bgswap.segmentation.ModelSegmenter;
import io.bgswap.spi.SessionOptions;
import io.bgswap.testing.Masks;
import io.bgswap.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MediaPipe selfie model, imported from TFLite and run on ONNX Runtime, against the reference
 * mattes of the evaluation set: mean IoU at least 0.80 (MediaPipe's own runtime reaches 0.84).
 */
class SelfieEvalIT {
    @Test
    void selfieReachesMeanIouOnEvalSet() throws IOException {
        Path eval = TestModels.evalDir();
        List<Path> images;
        try (Stream<Path> s = Files.list(eval.resolve("image"))) {
            images = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        assertThat(images).isNotEmpty();
        double sum = 0;
        try (ModelSegmenter seg = new ModelSegmenter("selfie",
                new OnnxBackendProvider().open(TestModels.source("selfie"), SessionOptions.defaults()))) {
            for (Path img : images) {
                ArgbImage image = ImageFiles.read(img);
                String base = img.getFileName().toString().replace(".jpg", "");
                FloatImage reference = Masks.grey(ImageFiles.read(eval.resolve("alpha").resolve(base + ".png")));
                FloatImage prob = Resize.bilinear(seg.segment(image), image.width(), image.height());
                double iou = Masks.iou(prob, reference, 0.5f);
                System.out.printf("selfie %s IoU %.4f%n", base, iou);
                sum += iou;
            }
        }
        double mean = sum / images.size();
        System.out.printf("selfie mean IoU %.4f over %d images%n", mean, images.size());
        assertThat(mean).isGreaterThanOrEqualTo(0.80);
    }
}
