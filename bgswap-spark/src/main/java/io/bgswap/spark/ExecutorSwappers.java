package io.bgswap.spark;

import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.model.ModelStore;
import io.bgswap.spi.SessionOptions;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link BackgroundSwapper} per executor JVM and {@link SwapperKey}: the first task that needs
 * a model loads it, every later task and every concurrent task of the same JVM reuses it. Models
 * are therefore loaded once per JVM, not per row, partition or task. The swappers live until the
 * JVM exits (a shutdown hook closes them).
 *
 * <p>Thread-safe: concurrent first calls for one key load the model once; a failed load is not
 * remembered, so a retried task tries again.
 */
final class ExecutorSwappers {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorSwappers.class);
    private static final Map<SwapperKey, BackgroundSwapper> SWAPPERS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorSwappers::closeAll, "bgswap-swappers-close"));
    }

    private ExecutorSwappers() {
    }

    /**
     * @param key the model settings
     * @return this JVM's swapper for them, loaded on first use
     */
    static BackgroundSwapper get(SwapperKey key) {
        BackgroundSwapper s = SWAPPERS.get(key);
        if (s != null) {
            return s;
        }
        // computeIfAbsent holds the bin lock while loading, so racing tasks wait for one load
        return SWAPPERS.computeIfAbsent(key, ExecutorSwappers::open);
    }

    /** @return how many models this JVM has loaded so far */
    static int loads() {
        return LOADS.get();
    }

    /** Closes and forgets every swapper of this JVM. */
    static void closeAll() {
        for (SwapperKey k : SWAPPERS.keySet()) {
            BackgroundSwapper s = SWAPPERS.remove(k);
            if (s != null) {
                s.close();
            }
        }
    }

    private static BackgroundSwapper open(SwapperKey key) {
        ModelStore.Builder store = ModelStore.builder();
        if (key.modelHome() != null) {
            store.home(resolveLocation(key.modelHome(), "model home"));
        }
        if (key.offline() != null) {
            store.offline(key.offline());
        }
        if (key.tarballs() != null) {
            store.tarballs(resolveLocation(key.tarballs(), "tarball directory"));
        }
        // One inference per task slot: each task runs one image at a time with key.threads()
        // intra-op threads, and the process's core budget keeps the sum within the cores. The
        // library's default bound (half the cores) would leave half the task slots waiting.
        int threads = new SessionOptions(Device.AUTO, key.threads()).intraOpThreads();
        BackgroundSwapper.Builder b = BackgroundSwapper.builder().modelStore(store.build()).threads(key.threads())
                .maxConcurrentInferences(Math.max(1, SessionOptions.defaultThreads() / threads));
        if (key.model() != null) {
            b.model(key.model());
        }
        if (key.backend() != null) {
            b.backend(key.backend());
        }
        if (key.device() != null) {
            b.device(Device.parse(key.device()));
        }
        long t0 = System.nanoTime();
        BackgroundSwapper swapper = b.build();
        LOADS.incrementAndGet();
        LOG.info("Loaded {} for Spark tasks in {} ms", swapper.segmenter().modelName(), (System.nanoTime() - t0) / 1_000_000);
        return swapper;
    }

    /**
     * @param location a local directory, or {@code sparkfiles:[NAME]} for a file or unpacked
     *                 archive shipped with the job
     * @param what     for messages
     * @return the local directory
     */
    static Path resolveLocation(String location, String what) {
        if (!location.startsWith(SwapJobOptions.SPARK_FILES_PREFIX)) {
            return Path.of(location);
        }
        String name = location.substring(SwapJobOptions.SPARK_FILES_PREFIX.length());
        Path p = name.isEmpty() ? Path.of(SparkFiles.getRootDirectory()) : Path.of(SparkFiles.get(name));
        if (!Files.isDirectory(p)) {
            throw new BgSwapException(ErrorCode.MODEL_NOT_FOUND, "The " + what + " " + location + " is not a directory on this executor ("
                    + p + "): ship it with --archives FILE#" + (name.isEmpty() ? "NAME" : name) + " or --files");
        }
        return p;
    }
}
