package io.bgswap.bench;

import io.bgswap.BackgroundSwapper;
import io.bgswap.Device;
import io.bgswap.examples.cli.BgSwapCommand;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.model.ModelSource;
import io.bgswap.model.ModelStore;
import io.bgswap.segmentation.TensorPacker;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.Providers;
import io.bgswap.spi.SessionOptions;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The user's path against the engine, in one process: first the raw engine session of the
 * detailed model ({@code isnet-medium} for the {@code portrait} pipeline) with the thread count
 * {@code bgswap replace} would use, one run per image; then {@code bgswap replace} itself over a
 * batch of files, exactly as a user runs it, and over one file; the batch's marginal time per
 * image ((batch - one) / (n - 1), so model loading and start-up cancel out) is divided by the
 * session's time per image, the mean of a measurement before the {@code replace} runs and one
 * after them. The same ratio is printed for the process's CPU time, which a busy machine disturbs
 * far less than the wall time. Because both are timed in the same process, the ratio holds on a busy
 * machine where the absolute times do not.
 *
 * <pre>
 * java -cp bgswap-bench/target/bgswap-bench.jar io.bgswap.bench.ReplaceBench \
 *     [--model isnet-medium|portrait|...] [--images ../shared/eval/image] [--count 15] [--threads N] \
 *     [--backend onnx] [-- more replace options]
 * </pre>
 *
 * <p>The batch has {@code --count} files, the portraits of {@code --images} repeated under new
 * names as needed. {@code --threads} (default: not given, the library's default) goes to both the
 * session and {@code replace}.
 */
public final class ReplaceBench {
    private ReplaceBench() {
    }

    /**
     * @param args options, see the class comment
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, "--model", "--backend", "--images", "--count", "--threads");
        String model = a.get("--model", BackgroundSwapper.DEFAULT_MODEL);
        String backend = a.get("--backend", null);
        int count = a.count(15);
        int threads = a.getInt("--threads", 0);
        List<String> extra = a.rest();
        List<Path> portraits = a.photos();
        Path work = Files.createTempDirectory("bgswap-replace-bench");
        try {
            Path batch = BenchImages.copies(portraits, work.resolve("batch"), count);
            Path single = BenchImages.copies(portraits, work.resolve("single"), 1);

            String detail = model.equalsIgnoreCase(BackgroundSwapper.PORTRAIT_MODEL) ? BackgroundSwapper.PORTRAIT_DETAIL : model;
            SessionOptions options = new SessionOptions(Device.AUTO, threads);
            double[] sessionBefore = sessionMillisPerImage(detail, backend, options, portraits, count);

            List<String> replace = new ArrayList<>(List.of("--model", model));
            if (backend != null) {
                replace.addAll(List.of("--backend", backend));
            }
            if (threads > 0) {
                replace.addAll(List.of("--threads", Integer.toString(threads)));
            }
            replace.addAll(extra);
            replace(single, work.resolve("warm-up"), replace); // JIT and file caches, not counted
            double[] one = replace(single, work.resolve("out-single"), replace);
            double[] all = replace(batch, work.resolve("out-batch"), replace);
            // timed again after the batch: on a busy machine the load drifts, and the mean of a
            // measurement before and one after matches the batch's conditions best
            double[] sessionAfter = sessionMillisPerImage(detail, backend, options, portraits, count);
            double sessionMs = (sessionBefore[0] + sessionAfter[0]) / 2;
            double sessionCpu = (sessionBefore[1] + sessionAfter[1]) / 2;
            double marginal = (all[0] - one[0]) / (count - 1);
            double marginalCpu = (all[1] - one[1]) / (count - 1);

            System.out.printf(Locale.ROOT, "%nprocessors: %d, intra-op threads: %d%s%n", Runtime.getRuntime().availableProcessors(),
                    options.intraOpThreads(), threads > 0 ? " (--threads)" : " (default)");
            System.out.printf(Locale.ROOT, "raw %s session: %8.1f ms/image wall, %8.1f ms CPU (%d runs before the batches: %.1f ms, %d after: %.1f ms)%n",
                    detail, sessionMs, sessionCpu, count, sessionBefore[0], count, sessionAfter[0]);
            System.out.printf(Locale.ROOT, "bgswap replace, 1 file:   %8.1f ms wall, %8.1f ms CPU%n", one[0], one[1]);
            System.out.printf(Locale.ROOT, "bgswap replace, %d files: %8.1f ms wall, %8.1f ms CPU%n", count, all[0], all[1]);
            System.out.printf(Locale.ROOT, "replace --model %s, marginal per image: %8.1f ms wall, %8.1f ms CPU%n", model, marginal, marginalCpu);
            System.out.printf(Locale.ROOT, "replace / session = %.2f (wall), %.2f (CPU)%n", marginal / sessionMs, marginalCpu / sessionCpu);
        } finally {
            BenchImages.removeTree(work);
        }
    }

    /** @return the mean wall and process CPU time of one session run, ms, over {@code count} runs after one warm-up run */
    private static double[] sessionMillisPerImage(String model, String backend, SessionOptions options, List<Path> portraits,
                                                int count) {
        ModelSource source = ModelStore.defaultStore().source(model);
        try (InferenceSession session = Providers.backend(backend, source.format()).open(source, options)) {
            FloatBuffer output = direct(source.descriptor().outputSize());
            List<FloatBuffer> packed = new ArrayList<>();
            for (Path p : portraits) {
                ArgbImage image = ImageFiles.read(p);
                FloatBuffer b = direct(source.descriptor().inputSize());
                TensorPacker.pack(image, source.descriptor(), b);
                packed.add(b);
            }
            session.run(packed.get(0), output);
            long total = 0;
            long cpu0 = processCpuNanos();
            for (int i = 0; i < count; i++) {
                FloatBuffer in = packed.get(i % packed.size());
                long t0 = System.nanoTime();
                session.run(in, output);
                total += System.nanoTime() - t0;
            }
            long cpu = processCpuNanos() - cpu0;
            System.out.printf(Locale.ROOT, "%s on %s (%s)%n", model, session.backend(), session.device());
            return new double[] {total / 1e6 / count, cpu / 1e6 / count};
        }
    }

    /** @return wall and process CPU time of one {@code bgswap replace} run, ms */
    private static double[] replace(Path in, Path out, List<String> options) {
        List<String> args = new ArrayList<>(List.of("replace", in.toString(), "-o", out.toString()));
        args.addAll(options);
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        int exit = BgSwapCommand.run(args.toArray(String[]::new));
        double ms = (System.nanoTime() - t0) / 1e6;
        double cpuMs = (processCpuNanos() - cpu0) / 1e6;
        if (exit != 0) {
            throw new IllegalStateException("bgswap " + String.join(" ", args) + " exited with " + exit);
        }
        return new double[] {ms, cpuMs};
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
