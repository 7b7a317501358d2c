package io.bgswap.eval;

import io.bgswap.BgSwapException;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EvaluationTest {
    @Test
    void scansPairsRunsAndWritesContactSheets(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("image"));
        Path alphas = Files.createDirectories(dir.resolve("alpha"));
        FloatImage ref = FloatImage.create(20, 10);
        for (int y = 0; y < 10; y++) {
            for (int x = 10; x < 20; x++) {
                ref.data()[y * 20 + x] = 1f;
            }
        }
        ArgbImage photo = ArgbImage.create(20, 10);
        java.util.Arrays.fill(photo.pixels(), 0xFF808080);
        ImageFiles.write(photo, images.resolve("a.png"), 1f);
        ImageFiles.write(Images.matteToArgb(ref), alphas.resolve("a.png"), 1f);
        List<EvalSample> samples = EvalSample.scan(images, alphas);
        assertThat(samples).extracting(EvalSample::name).containsExactly("a");

        Path sheets = dir.resolve("sheets");
        EvalReport report = Evaluation.builder().contactSheets(sheets)
                .run("half", samples, image -> FloatImage.create(image.width(), image.height()));
        // predicting nothing: SAD = 100 pixels of error 1, IoU 0
        assertThat(report.rows()).hasSize(1);
        assertThat(report.mean().overall().sad()).isCloseTo(0.1, within(1e-9));
        assertThat(report.mean().overall().iou()).isZero();
        ArgbImage sheet = ImageFiles.read(sheets.resolve("a-half.png"));
        // panels are at least 16 pixels high: 10x20 becomes 16x32
        assertThat(sheet.width()).isEqualTo(5 * 32 + 4 * 4);
        assertThat(sheet.height()).isEqualTo(16);
    }

    @Test
    void photoWithoutMatteIsAnError(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("image"));
        Path alphas = Files.createDirectories(dir.resolve("alpha"));
        ImageFiles.write(ArgbImage.create(4, 4), images.resolve("b.png"), 1f);
        assertThatThrownBy(() -> EvalSample.scan(images, alphas)).isInstanceOf(BgSwapException.class)
                .hasMessageContaining("b.png");
    }
}
