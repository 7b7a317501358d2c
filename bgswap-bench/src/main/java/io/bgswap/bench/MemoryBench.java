package io.bgswap.bench;

import io.bgswap.examples.cli.BgSwapCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Peak resident memory of {@code bgswap replace} over one file and over a batch, each in a JVM of
 * its own started the way a user starts the command line (no JVM options unless given), so that
 * what the batch adds over a single photo shows as a ratio of the two peaks (the kernel's
 * {@code VmHWM} of each process, read by the process itself when the command has returned).
 *
 * <pre>
 * java -cp bgswap-bench/target/bgswap-bench.jar io.bgswap.bench.MemoryBench \
 *     [--images ../shared/eval/image] [--count 100] [--jvm OPTION]... [-- more replace options]
 * </pre>
 *
 * <p>The batch has {@code --count} files, the photos of {@code --images} repeated under new names;
 * the single run has the first photo. Linux only (it reads {@code /proc/self/status}).
 */
public final class MemoryBench {
    private static final String PEAK = "bgswap-peak-rss-kb ";

    private MemoryBench() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, "--images", "--count", "--jvm");
        int count = a.count(100);
        List<String> jvm = a.all("--jvm");
        List<String> extra = a.rest();
        List<Path> photos = a.photos();
        Path work = Files.createTempDirectory("bgswap-memory-bench");
        try {
            Path single = BenchImages.copies(photos, work.resolve("single"), 1);
            Path batch = BenchImages.copies(photos, work.resolve("batch"), count);
            System.out.printf(Locale.ROOT, "replace options: %s; JVM options: %s%n", extra.isEmpty() ? "(defaults)" : String.join(" ", extra),
                    jvm.isEmpty() ? "(none)" : String.join(" ", jvm));
            long[] one = peak(single, work.resolve("out-single"), jvm, extra);
            long[] many = peak(batch, work.resolve("out-batch"), jvm, extra);
            System.out.printf(Locale.ROOT, "1 file:    peak resident %7.1f MB (%.1f s)%n", one[0] / 1024.0, one[1] / 1000.0);
            System.out.printf(Locale.ROOT, "%d files: peak resident %7.1f MB (%.1f s)%n", count, many[0] / 1024.0, many[1] / 1000.0);
            System.out.printf(Locale.ROOT, "batch / single = %.2f%n", many[0] / (double) one[0]);
        } finally {
            BenchImages.removeTree(work);
        }
    }

    /** @return the child's peak resident memory in KB and its wall time in ms */
    private static long[] peak(Path in, Path out, List<String> jvm, List<String> extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(), "replace", in.toString(), "-o", out.toString()));
        command.addAll(extra);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long kb = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(PEAK)) {
                    kb = Long.parseLong(line.substring(PEAK.length()).trim());
                }
            }
        }
        int exit = p.waitFor();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (exit != 0 || kb < 0) {
            throw new IllegalStateException("bgswap replace " + in + " exited with " + exit + (kb < 0 ? " and no peak memory" : ""));
        }
        return new long[] {kb, ms};
    }

    /** The measured process: runs the command line, then prints its own peak resident memory. */
    public static final class Child {
        private Child() {
        }

        /** @param args the command line's arguments */
        public static void main(String[] args) throws IOException {
            int exit = BgSwapCommand.run(args);
            long kb = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            System.out.println(PEAK + kb);
            System.exit(exit);
        }
    }
}
