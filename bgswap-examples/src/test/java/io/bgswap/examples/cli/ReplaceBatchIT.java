package io.bgswap.examples.cli;

import io.bgswap.image.ImageFiles;
import io.bgswap.model.BuiltinModel;
import io.bgswap.model.ModelStore;
import io.bgswap.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line's batch loop with the real smallest model: bad files among good ones are
 * reported by name, leave no output, and the batch goes on (exit code 1); several finishing
 * threads write the same pictures as one; an explicit device that cannot be served stops before
 * any work (exit code 3).
 */
class ReplaceBatchIT {
    private static final Path SAMPLE = Path.of("..", "samples", "portrait.jpg");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsModel() {
        assumeTrue(ModelStore.defaultStore().isCached(BuiltinModel.ISNET_SMALL) || !ModelStore.defaultStore().offline(),
                "isnet-small is not in the model cache and offline mode is on");
    }

    private record Run(int exit, String err) {
    }

    private static synchronized Run bgswap(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = BgSwapCommand.run(args);
            return new Run(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void badFilesAreSkippedAndReportedWhileGoodOnesAreWritten() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.write(in.resolve("a-good.jpg"), TestImages.encode(TestImages.quadrants(96, 64), "jpeg"));
        Files.write(in.resolve("b-empty.jpg"), new byte[0]);
        byte[] png = TestImages.encode(TestImages.quadrants(80, 60), "png");
        Files.write(in.resolve("c-cut.png"), Arrays.copyOf(png, png.length / 2));
        Files.writeString(in.resolve("d-text.png"), "not an image");
        Files.write(in.resolve("e-bomb.png"), TestImages.pngDeclaring(100_000, 100_000));
        Files.write(in.resolve("f-good.png"), png);
        Files.write(in.resolve("f-good.jpg"), TestImages.encode(TestImages.quadrants(80, 60), "jpeg"));
        Path out = dir.resolve("out");

        Run run = bgswap("replace", in.toString(), "-o", out.toString(), "-m", "isnet-small", "-b", "#336699",
                "--format", "png", "--threads", "2");

        assertThat(run.exit()).as(run.err()).isEqualTo(BgSwapCommand.EXIT_PARTIAL);
        List<String> written;
        try (Stream<Path> s = Files.list(out)) {
            written = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(written).containsExactly("a-good.png", "f-good.png");
        assertThat(ImageFiles.read(out.resolve("a-good.png")).width()).isEqualTo(96);
        assertThat(run.err())
                .contains("b-empty.jpg").contains("[UNSUPPORTED_IMAGE]")
                .contains("c-cut.png").contains("[TRUNCATED_IMAGE]")
                .contains("d-text.png")
                .contains("e-bomb.png").contains("[IMAGE_TOO_LARGE]")
                .contains("f-good.png").contains("already written")
                .contains("5 of 7 inputs failed");
    }

    @Test
    void severalFinishingThreadsWriteWhatOneWrites() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(SAMPLE, in.resolve("a-portrait.jpg"));
        Files.writeString(in.resolve("b-text.png"), "not an image");
        Files.write(in.resolve("c-quadrants.png"), TestImages.encode(TestImages.quadrants(120, 90), "png"));
        Files.copy(SAMPLE, in.resolve("d-portrait.jpg"));
        Files.write(in.resolve("e-small.jpg"), TestImages.encode(TestImages.quadrants(40, 64), "jpeg"));

        Run one = bgswap("replace", in.toString(), "-o", dir.resolve("one").toString(), "-m", "isnet-small", "-b", "#336699");
        Run three = bgswap("replace", in.toString(), "-o", dir.resolve("three").toString(), "-m", "isnet-small", "-b", "#336699",
                "--finish-threads", "3");

        for (Run run : List.of(one, three)) {
            assertThat(run.exit()).as(run.err()).isEqualTo(BgSwapCommand.EXIT_PARTIAL);
            assertThat(run.err()).contains("b-text.png").contains("1 of 5 inputs failed");
        }
        for (String name : List.of("a-portrait.png", "c-quadrants.png", "d-portrait.png", "e-small.png")) {
            assertThat(ImageFiles.read(dir.resolve("three").resolve(name)).pixels())
                    .as(name).isEqualTo(ImageFiles.read(dir.resolve("one").resolve(name)).pixels());
        }
        try (Stream<Path> s = Files.list(dir.resolve("three"))) {
            assertThat(s.count()).isEqualTo(4);
        }
    }

    @Test
    void finishThreadsBelowOneIsAUsageError() {
        Run run = bgswap("replace", SAMPLE.toString(), "-o", dir.resolve("p.png").toString(), "--finish-threads", "0");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--finish-threads must be at least 1, was 0");
        assertThat(dir.resolve("p.png")).doesNotExist();
    }

    @Test
    void explicitDeviceThatCannotBeServedStopsWithTheReason() throws IOException {
        Path photo = Files.write(dir.resolve("p.jpg"), TestImages.encode(TestImages.quadrants(32, 32), "jpeg"));
        Run run = bgswap("replace", photo.toString(), "-o", dir.resolve("p.png").toString(), "-m", "isnet-small",
                "--device", "cuda:1");
        assumeTrue(run.exit() != 0, "cuda:1 is usable on this machine");
        assertThat(run.exit()).as(run.err()).isEqualTo(BgSwapCommand.EXIT_SETUP);
        assertThat(run.err()).contains("[DEVICE_UNAVAILABLE]").contains("cuda:1");
        assertThat(dir.resolve("p.png")).doesNotExist();
    }
}
