package io.bgswap.examples.cli;

import io.bgswap.BgSwapException;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The watched folder without a model: the transform inverts the colours, so outputs are checkable. */
class FolderWatcherTest {
    @TempDir
    Path dir;

    private final StringWriter log = new StringWriter();
    private final AtomicInteger processed = new AtomicInteger();
    private final UnaryOperator<ArgbImage> invert = image -> {
        processed.incrementAndGet();
        int[] px = image.pixels().clone();
        for (int i = 0; i < px.length; i++) {
            px[i] ^= 0x00FFFFFF;
        }
        return new ArgbImage(image.width(), image.height(), px);
    };

    private FolderWatcher watcher(Path in, Path out) {
        return new FolderWatcher(in, out, ImageFormat.PNG, 0.9f, 10_000_000, Duration.ofMillis(600),
                ReplaceCommand::looksLikeImage, invert, new PrintWriter(log, true));
    }

    @Test
    void takesEachCompleteFileOnceSkipsBadOnesAndStops() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        FolderWatcher.checkFolders(in, out);
        byte[] first = TestImages.encode(TestImages.quadrants(40, 30), "png");
        byte[] growing = TestImages.encode(TestImages.quadrants(64, 48), "jpeg");
        Files.write(in.resolve("a.png"), first);
        Files.writeString(in.resolve("notes.txt"), "not an image, not an image name: left alone");
        Files.write(in.resolve(".hidden.png"), first);
        Files.write(in.resolve("copy.jpg.part"), first);

        FolderWatcher watcher = watcher(in, out);
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(watcher::run);
        await(() -> Files.exists(out.resolve("a.png")));

        writeSlowly(in.resolve("b.jpg"), growing, 4, 150);
        Files.writeString(in.resolve("c-bad.png"), "broken");
        await(() -> Files.exists(out.resolve("b.png")) && log.toString().contains("c-bad.png"));
        Thread.sleep(1300); // two more settle periods: nothing is taken twice
        watcher.stop();
        assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo(BgSwapCommand.EXIT_PARTIAL);

        assertThat(processed.get()).isEqualTo(2);
        List<String> written;
        try (Stream<Path> s = Files.list(out)) {
            written = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(written).containsExactly("a.png", "b.png");
        ArgbImage a = ImageFiles.read(out.resolve("a.png"));
        assertThat(a.get(5, 5)).isEqualTo((0xFF000000 | TestImages.quadrantColor(5, 5, 40, 30)) ^ 0x00FFFFFF);
        assertThat(ImageFiles.read(out.resolve("b.png")).width()).isEqualTo(64);
        assertThat(log.toString()).contains("c-bad.png").contains("[UNSUPPORTED_IMAGE]")
                .doesNotContain("b.jpg:").doesNotContain("notes.txt").doesNotContain(".hidden").doesNotContain(".part")
                .contains("2 written, 1 failed");
    }

    @Test
    void aChangedFileIsTakenAgain() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        FolderWatcher.checkFolders(in, out);
        Files.write(in.resolve("a.png"), TestImages.encode(TestImages.quadrants(40, 30), "png"));
        FolderWatcher watcher = watcher(in, out);
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(watcher::run);
        await(() -> Files.exists(out.resolve("a.png")));
        Files.write(in.resolve("a.png"), TestImages.encode(TestImages.quadrants(50, 20), "png"));
        await(() -> Files.exists(out.resolve("a.png")) && ImageFiles.read(out.resolve("a.png")).width() == 50);
        watcher.stop();
        assertThat(run.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(processed.get()).isEqualTo(2);
    }

    @Test
    void refusesToWatchItsOwnOutputOrAFile() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        assertThatThrownBy(() -> FolderWatcher.checkFolders(in, in.resolve("."))).isInstanceOf(BgSwapException.class)
                .hasMessageContaining("another one");
        Path file = Files.writeString(dir.resolve("file.png"), "x");
        assertThatThrownBy(() -> FolderWatcher.checkFolders(file, dir.resolve("out"))).isInstanceOf(BgSwapException.class)
                .hasMessageContaining("not a directory");
    }

    /** Writes a file as a slow copy does: in chunks, flushed, with a pause after each. */
    static void writeSlowly(Path file, byte[] content, int chunks, long pauseMillis) throws IOException, InterruptedException {
        try (OutputStream s = Files.newOutputStream(file)) {
            int chunk = content.length / chunks + 1;
            for (int off = 0; off < content.length; off += chunk) {
                s.write(content, off, Math.min(chunk, content.length - off));
                s.flush();
                Thread.sleep(pauseMillis);
            }
        }
    }

    private void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited too long; log:%n%s", log).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
