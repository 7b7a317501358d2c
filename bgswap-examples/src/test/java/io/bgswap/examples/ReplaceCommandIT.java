package io.bgswap.examples;

import io.bgswap.examples.cli.BgSwapCommand;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line on the bundled sample, with a real model. */
class ReplaceCommandIT {
    private static final Path SAMPLE = Path.of("..", "samples", "portrait.jpg");

    @TempDir
    Path tmp;

    @Test
    void replacesTheSampleBackground() {
        Path out = tmp.resolve("out.png");
        int code = BgSwapCommand.run("replace", SAMPLE.toString(), "-b", "#2a6f97", "-o", out.toString(), "--model", "isnet-small");
        assertThat(code).isZero();
        assertSampleOnBlue(SAMPLE, out);
    }

    /**
     * @param sample the bundled sample
     * @param out    its result with the background {@code #2a6f97}: the photo's size, a corner
     *               (background) close to that colour, the centre of the person in its own colour
     */
    static void assertSampleOnBlue(Path sample, Path out) {
        ArgbImage in = ImageFiles.read(sample);
        ArgbImage result = ImageFiles.read(out);
        assertThat(result.width()).isEqualTo(in.width());
        assertThat(result.height()).isEqualTo(in.height());
        int corner = result.get(5, 5);
        assertThat((corner >> 16) & 0xFF).isBetween(0x2a - 6, 0x2a + 6);
        assertThat(corner & 0xFF).isBetween(0x97 - 6, 0x97 + 6);
        assertThat(result.get(in.width() / 2, in.height() * 3 / 4)).isEqualTo(in.get(in.width() / 2, in.height() * 3 / 4));
    }

    @Test
    void batchGoesOnPastBadFilesAndLeavesNoOutputForThem() throws Exception {
        Path inputs = Files.createDirectories(tmp.resolve("in"));
        Files.copy(SAMPLE, inputs.resolve("good.jpg"));
        Files.writeString(inputs.resolve("bad.jpg"), "not an image");
        byte[] sample = Files.readAllBytes(SAMPLE);
        Files.write(inputs.resolve("cut.jpg"), Arrays.copyOf(sample, 600));
        Path outDir = tmp.resolve("out");
        int code = BgSwapCommand.run("replace", inputs.toString(), "-b", "transparent", "-o", outDir.toString(), "--model", "isnet-small");
        assertThat(code).isEqualTo(BgSwapCommand.EXIT_PARTIAL);
        try (var files = Files.list(outDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("good.png");
        }
        assertThat(ImageFiles.read(outDir.resolve("good.png")).hasTransparency()).isTrue();
    }

    @Test
    void unknownModelIsASetupError() {
        assertThat(BgSwapCommand.run("replace", SAMPLE.toString(), "-o", tmp.resolve("x.png").toString(), "--model", "no-such"))
                .isEqualTo(BgSwapCommand.EXIT_SETUP);
        assertThat(Files.exists(tmp.resolve("x.png"))).isFalse();
    }
}
