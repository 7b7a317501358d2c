package io.bgswap.spark;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.internal.AtomicFiles;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Scaling benchmark (a command, not a test): images per second of the Spark job on
 * {@code local[1]} and {@code local[2]}, and of the plain {@link BackgroundSwapper} loop (read,
 * decode, replace, encode, write: what {@code bgswap replace} does) on one and two threads, all in
 * one JVM with the same model instance. The difference per image between the one-thread loop and
 * {@code local[1]} is the cost of the Spark path.
 *
 * <pre>
 * java -cp ... io.bgswap.spark.SparkScalingBench IMAGE_DIR [COPIES [MODEL [ROUNDS]]]
 * </pre>
 *
 * The images of IMAGE_DIR are copied COPIES times (default 6) into a temporary directory. After
 * a warm-up (one pass of the plain loop over all inputs; for Spark, {@value #WARM_JOBS} jobs over
 * one copy in each session), each round times every variant twice, in mirrored order (plain on one
 * thread, {@code local[1]}, {@code local[2]}, plain on two threads, then the same backwards), and
 * compares the sums of each variant's two times, so that a steady change of the machine's speed
 * during the round does not favour the variants timed first. Every timing is printed with the JIT
 * compilation time, collector pauses and busiest Java threads of the JVM while it ran, and the end
 * shows each round's ratios, and those of its first pass alone.
 */
public final class SparkScalingBench {
    /**
     * Warm-up jobs per Spark session before the timed one. Spark's own code runs a few times per
     * job (planning, scheduling, the Parquet commit) and reaches the JIT's thresholds only over
     * several jobs: with one warm-up job, {@code -XX:+PrintCompilation} counted 419-902
     * compilations during the timed 54-image job; with four, 209-579. A driver that runs jobs for
     * a living is past that; the plain loop gets its own full warm-up pass.
     */
    static final int WARM_JOBS = 4;

    private SparkScalingBench() {
    }

    /** @param args IMAGE_DIR [COPIES [MODEL [ROUNDS]]] */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("Usage: SparkScalingBench IMAGE_DIR [COPIES [MODEL [ROUNDS]]]");
            System.exit(2);
        }
        Path images = Path.of(args[0]);
        int copies = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        String model = args.length > 2 ? args[2] : "selfie";
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Path work = Files.createTempDirectory("bgswap-spark-bench");
        try {
            run(images, copies, model, rounds, work);
        } finally {
            deleteTree(work);
        }
    }

    private static void run(Path images, int copies, String model, int rounds, Path work) throws Exception {
        Path in = work.resolve("in");
        Files.createDirectories(in);
        List<Path> sources;
        try (Stream<Path> s = Files.list(images)) {
            sources = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)")).sorted().toList();
        }
        // the Spark warm-up job lists its own directory, so that it plans and runs what the timed job does
        Path warm = work.resolve("warm");
        Files.createDirectories(warm);
        for (Path p : sources) {
            Files.copy(p, warm.resolve(p.getFileName()));
        }
        List<Path> inputs = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
            for (Path p : sources) {
                Path dst = in.resolve("c" + c + "-" + p.getFileName());
                Files.copy(p, dst);
                inputs.add(dst);
            }
        }
        System.out.printf(Locale.ROOT, "bench: %d images (%d x %d), model %s, %d rounds, %d cores, load %s%n",
                inputs.size(), copies, sources.size(), model, rounds, Runtime.getRuntime().availableProcessors(), loadAverage());
        SwapJobOptions options = SwapJobOptions.builder(work.resolve("out-spark").toString()).model(model)
                .background("#2a6f97").format("jpg").build();
        BackgroundSwapper swapper = ExecutorSwappers.get(options.swapperKey());
        Background bg = Background.parse(options.background());

        // warm-up of the image pipeline that every variant runs (model first runs; the JIT compiles
        // its hot loops over a few hundred images, so one pass over all inputs on both threads)
        plain(swapper, bg, inputs, work.resolve("out-warm"), 2);
        System.out.println("round  variant        images  seconds  img/s   ms/img  load");
        List<String> ratios = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            // every variant twice, the second time in reverse order: a steady change of the machine's
            // speed over the round then weighs the same on each variant's sum
            double[] p1 = new double[2];
            double[] l1 = new double[2];
            double[] l2 = new double[2];
            double[] p2 = new double[2];
            p1[0] = report(r, "plain 1 thread", inputs.size(), plain(swapper, bg, inputs, work.resolve("out-plain"), 1));
            l1[0] = report(r, "spark local[1]", inputs.size(), spark(1, in, warm, options));
            l2[0] = report(r, "spark local[2]", inputs.size(), spark(2, in, warm, options));
            p2[0] = report(r, "plain 2 threads", inputs.size(), plain(swapper, bg, inputs, work.resolve("out-plain2"), 2));
            p2[1] = report(r, "plain 2 threads", inputs.size(), plain(swapper, bg, inputs, work.resolve("out-plain2"), 2));
            l2[1] = report(r, "spark local[2]", inputs.size(), spark(2, in, warm, options));
            l1[1] = report(r, "spark local[1]", inputs.size(), spark(1, in, warm, options));
            p1[1] = report(r, "plain 1 thread", inputs.size(), plain(swapper, bg, inputs, work.resolve("out-plain"), 1));
            ratios.add(String.format(Locale.ROOT, "round %d: local[2] / local[1] %.2fx, local[2] / plain 2 threads %.2fx,"
                    + " plain 2 / plain 1 %.2fx (first pass alone: %.2fx, %.2fx, %.2fx)", r, sum(l1) / sum(l2), sum(p2) / sum(l2),
                    sum(p1) / sum(p2), l1[0] / l2[0], p2[0] / l2[0], p1[0] / p2[0]));
        }
        ExecutorSwappers.closeAll();
        ratios.forEach(System.out::println);
    }

    private static double sum(double[] seconds) {
        return seconds[0] + seconds[1];
    }

    /**
     * Prints a variant's line and what the JVM did meanwhile.
     *
     * @return the variant's seconds
     */
    private static double report(int round, String variant, int n, Timed timed) {
        report(round, variant, n, timed.seconds);
        System.out.println("       " + timed.jvm);
        return timed.seconds;
    }

    private static void report(int round, String variant, int n, double seconds) {
        System.out.printf(Locale.ROOT, "%-6d %-15s %6d %8.2f %6.2f %8.1f  %s%n", round, variant, n, seconds, n / seconds,
                seconds * 1000 / n, loadAverage());
    }

    /** @return seconds for the plain read-decode-replace-encode-write loop over {@code threads} threads */
    private static Timed plain(BackgroundSwapper swapper, Background bg, List<Path> inputs, Path out, int threads) throws Exception {
        Files.createDirectories(out);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        JvmTimes jvm = JvmTimes.now();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < inputs.size(); ) {
                        Path p = inputs.get(i);
                        ArgbImage image = ImageFiles.read(p);
                        byte[] bytes = ImageFiles.encode(swapper.replace(image, bg), ImageFormat.JPEG, 0.92f);
                        AtomicFiles.write(out.resolve(OutputFiles.outputName(p.toUri().toString(), ImageFormat.JPEG)), o -> o.write(bytes));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            // before the shutdown: the pool's threads, and so their CPU times, end with it
            return new Timed(seconds, jvm.since());
        } finally {
            pool.shutdown();
        }
    }

    /** @return seconds of the timed Spark run (listing, processing, result table), after warm-up runs over {@code warm} */
    private static Timed spark(int cores, Path in, Path warm, SwapJobOptions options) {
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("bgswap-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.log.level", "WARN")
                .getOrCreate();
        try {
            for (int i = 0; i < WARM_JOBS; i++) {
                BgSwapSparkJob.run(BgSwapSparkJob.listImages(spark, warm.toString()), options);
            }
            JvmTimes jvm = JvmTimes.now();
            long t0 = System.nanoTime();
            BgSwapSparkJob.Summary s = BgSwapSparkJob.run(BgSwapSparkJob.listImages(spark, in.toString()), options);
            double seconds = (System.nanoTime() - t0) / 1e9;
            String jvmTimes = jvm.since();
            if (s.failed() > 0) {
                throw new IllegalStateException("bench inputs failed: " + s.failuresByCode());
            }
            org.apache.spark.sql.Row mean = spark.read().parquet(options.resultTable())
                    .agg(functions.avg("decode_ms"), functions.avg("infer_ms"), functions.avg("encode_ms")).first();
            System.out.printf(Locale.ROOT, "       local[%d] per image in the tasks: decode %.1f ms, infer %.1f ms, encode+write %.1f ms%n",
                    cores, mean.getDouble(0), mean.getDouble(1), mean.getDouble(2));
            return new Timed(seconds, jvmTimes);
        } finally {
            spark.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }

    /** A variant's wall time, and what else the JVM did meanwhile. */
    private record Timed(double seconds, String jvm) {
    }

    /**
     * What else the JVM spent CPU on during a variant: JIT compilation, collector pauses, and the
     * threads that used the most CPU (the compiler threads do not appear among them, they are not
     * Java threads).
     */
    private record JvmTimes(long compileMs, long gcMs, Map<Long, Long> threadCpuNanos, Map<Long, String> names) {
        static JvmTimes now() {
            long gc = 0;
            for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
                gc += Math.max(0, b.getCollectionTime());
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpu = new HashMap<>();
            Map<Long, String> names = new HashMap<>();
            for (ThreadInfo t : threads.dumpAllThreads(false, false)) {
                long ns = threads.getThreadCpuTime(t.getThreadId());
                if (ns >= 0) {
                    cpu.put(t.getThreadId(), ns);
                    names.put(t.getThreadId(), t.getThreadName());
                }
            }
            return new JvmTimes(ManagementFactory.getCompilationMXBean().getTotalCompilationTime(), gc, cpu, names);
        }

        /** @return what happened since this snapshot */
        String since() {
            JvmTimes n = now();
            Map<String, Long> byName = new TreeMap<>();
            n.threadCpuNanos.forEach((id, ns) -> byName.merge(n.names.get(id).replaceAll("[0-9]+", "N"),
                    ns - threadCpuNanos.getOrDefault(id, 0L), Long::sum));
            String busiest = byName.entrySet().stream().filter(e -> e.getValue() >= 50_000_000L)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                    .map(e -> String.format(Locale.ROOT, "%s %d", e.getKey(), e.getValue() / 1_000_000)).collect(Collectors.joining(", "));
            return String.format(Locale.ROOT, "JIT %d ms, GC pauses %d ms; Java threads with most CPU (ms): %s", n.compileMs - compileMs,
                    n.gcMs - gcMs, busiest.isEmpty() ? "none above 50 ms" : busiest);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
