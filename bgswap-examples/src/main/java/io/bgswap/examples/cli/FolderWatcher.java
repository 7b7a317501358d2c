package io.bgswap.examples.cli;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * {@code bgswap replace --watch IN -o OUT}: processes the images already in a folder, then each new
 * or changed one once it is completely written, until stopped. A file counts as complete when its
 * size and modification time have not changed for the settle time, so a copy that is still growing
 * is left alone. Hidden files and the usual temporary names of copies in progress ({@code .part},
 * {@code .tmp}, {@code .crdownload}, {@code ~}) are skipped. A bad file is reported by name and the
 * watch goes on; it is tried again only if it changes.
 *
 * <p>Stopping ({@link #stop()}, or Ctrl-C / SIGTERM through {@link #runUntilSignalled()}) lets the
 * image in progress finish; an output is either complete or not there, never half-written. Not
 * thread-safe except for {@link #stop()}.
 */
final class FolderWatcher {
    private static final List<String> PARTIAL_SUFFIXES = List.of(".part", ".tmp", ".crdownload", "~");
    /** How long a signal waits for the image in progress before the JVM goes down anyway. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final Path inDir;
    private final Path outDir;
    private final ImageFormat format;
    private final float quality;
    private final long maxPixels;
    private final Duration settle;
    private final Predicate<Path> isImage;
    private final UnaryOperator<ArgbImage> transform;
    private final PrintWriter err;

    private final Map<Path, Seen> seen = new HashMap<>();
    private final Map<Path, Path> writtenFrom = new HashMap<>();
    private final ReentrantLock writing = new ReentrantLock();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile WatchService watchService;
    private int written;
    private int failed;

    /** What a file looked like when last listed, and since when. */
    private record Seen(long size, long modified, long sinceNanos, boolean done) {
    }

    FolderWatcher(Path inDir, Path outDir, ImageFormat format, float quality, long maxPixels, Duration settle,
                  Predicate<Path> isImage, UnaryOperator<ArgbImage> transform, PrintWriter err) {
        this.inDir = inDir;
        this.outDir = outDir;
        this.format = format;
        this.quality = quality;
        this.maxPixels = maxPixels;
        this.settle = settle;
        this.isImage = isImage;
        this.transform = transform;
        this.err = err;
    }

    /** Checks the folders before any model is loaded, and creates the output folder. */
    static void checkFolders(Path inDir, Path outDir) {
        if (!Files.isDirectory(inDir)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "--watch " + inDir + ": not a directory");
        }
        if (inDir.toAbsolutePath().normalize().equals(outDir.toAbsolutePath().normalize())) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                    "--watch " + inDir + ": the output directory must be another one, or outputs would be watched as inputs");
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot create " + outDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Watches until Ctrl-C or SIGTERM: the signal lets the image in progress finish (up to a minute),
     * then holds back any further write while the JVM goes down.
     *
     * @return 0, or {@link BgSwapCommand#EXIT_PARTIAL} if some files failed
     */
    int runUntilSignalled() {
        Thread hook = new Thread(() -> {
            stop();
            try {
                finished.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writing.lock(); // held until the JVM halts: no output is cut off halfway
        }, "bgswap-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the latch counted down in run()
            }
        }
    }

    /**
     * Watches until {@link #stop()}.
     *
     * @return 0, or {@link BgSwapCommand#EXIT_PARTIAL} if some files failed
     */
    int run() {
        try (WatchService ws = inDir.getFileSystem().newWatchService()) {
            watchService = ws;
            inDir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            err.println("Watching " + inDir + " for images, writing " + format.extension() + " files to " + outDir
                    + "; Ctrl-C stops");
            err.flush();
            long pollMillis = Math.max(50, settle.toMillis() / 4);
            while (!stopping) {
                scan();
                WatchKey key = ws.poll(pollMillis, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // stopped
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot watch " + inDir + ": " + e.getMessage(), e);
        } finally {
            err.println("bgswap: stopped watching " + inDir + "; " + written + " written, " + failed + " failed");
            err.flush();
            finished.countDown();
        }
        return failed > 0 ? BgSwapCommand.EXIT_PARTIAL : 0;
    }

    /** Stops the watch; the image in progress is finished first. Safe from any thread. */
    void stop() {
        stopping = true;
        WatchService ws = watchService;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException ignored) {
                // the loop ends on the flag anyway
            }
        }
    }

    private void scan() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(inDir)) {
            files = s.filter(FolderWatcher::isCandidate).filter(isImage).sorted().toList();
        }
        long now = System.nanoTime();
        for (Path file : files) {
            if (stopping) {
                return;
            }
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (IOException gone) {
                seen.remove(file);
                continue;
            }
            if (!attrs.isRegularFile()) {
                continue;
            }
            long modified = attrs.lastModifiedTime().toMillis();
            Seen before = seen.get(file);
            if (before == null || before.size() != attrs.size() || before.modified() != modified) {
                seen.put(file, new Seen(attrs.size(), modified, now, false));
            } else if (!before.done() && now - before.sinceNanos() >= settle.toNanos()) {
                process(file);
                seen.put(file, new Seen(before.size(), before.modified(), before.sinceNanos(), true));
            }
        }
        seen.keySet().retainAll(files);
    }

    private void process(Path in) {
        Path out = outDir.resolve(ReplaceCommand.stem(in) + "." + format.extension());
        try {
            Path earlier = writtenFrom.get(out);
            if (earlier != null && !earlier.equals(in)) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                        in + ": its output " + out + " was already written for " + earlier + "; rename one of them");
            }
            ArgbImage result = transform.apply(ImageFiles.read(in, maxPixels));
            writing.lock();
            try {
                ImageFiles.write(result, out, quality);
            } finally {
                writing.unlock();
            }
            writtenFrom.put(out, in);
            written++;
            err.println("Wrote " + out);
        } catch (BgSwapException e) {
            if (ReplaceCommand.isSetupFailure(e.code())) {
                throw e;
            }
            failed++;
            err.println("bgswap: " + ReplaceCommand.named(in, e.getMessage()) + " [" + e.code() + "]");
        } catch (RuntimeException | OutOfMemoryError e) {
            failed++;
            err.println("bgswap: " + in + ": unexpected failure, please report it: " + e);
        }
        err.flush();
    }

    private static boolean isCandidate(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && PARTIAL_SUFFIXES.stream().noneMatch(name::endsWith);
    }
}
