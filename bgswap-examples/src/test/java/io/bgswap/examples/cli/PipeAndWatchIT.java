package io.bgswap.examples.cli;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.model.BuiltinModel;
import io.bgswap.model.ModelStore;
import io.bgswap.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line as a separate process with the real selfie model: an image piped through
 * standard input and output, and a watched folder fed slowly, with a bad file and a SIGTERM.
 */
class PipeAndWatchIT {
    private static final Path SAMPLE = Path.of("..", "samples", "portrait.jpg");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsModel() {
        assumeTrue(ModelStore.defaultStore().isCached(BuiltinModel.SELFIE) || !ModelStore.defaultStore().offline(),
                "selfie is not in the model cache and offline mode is on");
    }

    private ProcessBuilder bgswap(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BgSwapCommand.class.getName()));
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command);
    }

    @Test
    void pipesAnImageFromStdinToStdout() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(160, 120), "jpeg");
        Path err = dir.resolve("err.txt");
        Path out = dir.resolve("out.bin");
        Process p = bgswap("replace", "-", "-o", "-", "-m", "selfie", "-b", "#336699")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(jpeg);
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(err);
        assertThat(p.exitValue()).as(log).isZero();

        byte[] png = Files.readAllBytes(out);
        // exactly one PNG, from its signature to its IEND chunk: nothing else reached stdout
        assertThat(Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
        assertThat(new String(png, png.length - 8, 4, StandardCharsets.ISO_8859_1)).isEqualTo("IEND");
        ArgbImage result = ImageFiles.decode(png, "stdout", 1_000_000);
        assertThat(result.width()).isEqualTo(160);
        assertThat(result.height()).isEqualTo(120);
        assertThat(log).doesNotContain("PNG").doesNotContain("IEND");
    }

    @Test
    void fileToStdoutAsJpegAndBadStdinIsAnError() throws Exception {
        Path out = dir.resolve("out.jpg");
        Process p = bgswap("replace", SAMPLE.toString(), "-o", "-", "--format", "jpg", "-m", "selfie", "-b", "#ffffff")
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        ArgbImage result = ImageFiles.read(out);
        assertThat(result.width()).isEqualTo(1080);
        assertThat(result.height()).isEqualTo(1344);

        Path err = dir.resolve("err.txt");
        Path empty = dir.resolve("empty.bin");
        Process bad = bgswap("replace", "-", "-o", "-", "-m", "selfie")
                .redirectOutput(empty.toFile()).redirectError(err.toFile()).start();
        try (OutputStream stdin = bad.getOutputStream()) {
            stdin.write("not an image".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(bad.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(BgSwapCommand.EXIT_PARTIAL);
        assertThat(Files.readString(err)).contains("stdin").contains("UNSUPPORTED_IMAGE");
        assertThat(Files.size(empty)).isZero();
    }

    @Test
    void watchedFolderTakesCompleteFilesSkipsBadOnesAndStopsCleanlyOnSigterm() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err.txt");
        byte[] first = TestImages.encode(TestImages.quadrants(160, 120), "jpeg");
        byte[] second = TestImages.encode(TestImages.quadrants(200, 150), "jpeg");
        byte[] third = TestImages.encode(TestImages.quadrants(120, 90), "png");
        Files.write(in.resolve("a-before.jpg"), first);

        Process p = bgswap("replace", "--watch", in.toString(), "-o", out.toString(), "-m", "selfie", "-b", "#336699",
                "--settle-ms", "800").redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try {
            awaitTrue(() -> Files.exists(out.resolve("a-before.png")), p, err);

            // a copy that grows in chunks, each pause shorter than the settle time
            FolderWatcherTest.writeSlowly(in.resolve("b-slow.jpg"), second, 5, 300);
            Files.writeString(in.resolve("c-bad.jpg"), "not an image");
            Files.write(in.resolve("d-after.png"), third);
            awaitTrue(() -> Files.exists(out.resolve("b-slow.png")) && Files.exists(out.resolve("d-after.png"))
                    && log(err).contains("c-bad.jpg"), p, err);

            // a large photo arrives, and the stop signal comes while it is being processed
            Files.copy(SAMPLE, in.resolve("e-last.jpg"));
            Thread.sleep(1200);
        } finally {
            p.destroy(); // SIGTERM
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("stops after SIGTERM").isTrue();

        String log = log(err);
        assertThat(log).contains("c-bad.jpg").contains("UNSUPPORTED_IMAGE").contains("stopped watching");
        assertThat(log).as("the growing copy was never taken while incomplete").doesNotContain("b-slow.jpg:");
        List<String> written;
        try (Stream<Path> s = Files.list(out)) {
            written = s.map(q -> q.getFileName().toString()).sorted().toList();
        }
        // nothing half-written: no temporary files; the last photo is either complete or absent
        assertThat(written).allMatch(n -> !n.startsWith(".") && !n.endsWith(".part"), "no temporary files");
        assertThat(written).containsAnyOf("a-before.png").contains("b-slow.png", "d-after.png");
        assertThat(written).isSubsetOf("a-before.png", "b-slow.png", "d-after.png", "e-last.png");
        assertThat(ImageFiles.read(out.resolve("a-before.png")).width()).isEqualTo(160);
        assertThat(ImageFiles.read(out.resolve("b-slow.png")).width()).isEqualTo(200);
        assertThat(ImageFiles.read(out.resolve("d-after.png")).width()).isEqualTo(120);
        if (written.contains("e-last.png")) {
            assertThat(ImageFiles.read(out.resolve("e-last.png")).width()).isEqualTo(1080);
        }
    }

    private static String log(Path err) {
        try {
            return Files.readString(err);
        } catch (IOException e) {
            return "";
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Process p, Path err) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertThat(p.isAlive()).as("watcher still running; log:%n%s", log(err)).isTrue();
            assertThat(System.nanoTime()).as("waited too long; log:%n%s", log(err)).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
