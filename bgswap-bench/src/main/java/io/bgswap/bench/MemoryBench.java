package io.bgswap.bench;

import io.bgswap.examples.cli.BgSwapCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Peak resident memory of {@code bgswap replace} over one file and over a batch, each in a JVM of
 * its own started the way a user starts the command line, so that what the batch adds over a
 * single photo shows as a ratio of the two peaks (the kernel's {@code VmHWM} of each process, read
 * from {@code /proc} while it runs; the peak only grows, so the last reading is the peak up to the
 * last few milliseconds).
 *
 * <pre>
 * java -cp bgswap-bench/target/bgswap-bench.jar io.bgswap.bench.MemoryBench \
 *     [--images ../shared/eval/image] [--count 100] [--launcher bgswap-examples/bgswap] \
 *     [--jvm OPTION]... [-- more replace options]
 * </pre>
 *
 * <p>Without {@code --launcher} the command line runs as {@code java -jar} would run it, with no JVM
 * options but those of {@code --jvm}. With it, the launcher script runs it (with its own JVM
 * options, or those of {@code --jvm} passed as {@code BGSWAP_JAVA_OPTS}). The batch has
 * {@code --count} files, the photos of {@code --images} repeated under new names; the single run has
 * the first photo. Linux only (it reads {@code /proc/PID/status}).
 */
public final class MemoryBench {
    private MemoryBench() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, "--images", "--count", "--jvm", "--launcher");
        int count = a.count(100);
        List<String> jvm = a.all("--jvm");
        String launcher = a.get("--launcher", null);
        List<String> extra = a.rest();
        List<Path> photos = a.photos();
        Path work = Files.createTempDirectory("bgswap-memory-bench");
        try {
            Path single = BenchImages.copies(photos, work.resolve("single"), 1);
            Path batch = BenchImages.copies(photos, work.resolve("batch"), count);
            System.out.printf(Locale.ROOT, "replace options: %s; started by: %s; JVM options: %s%n",
                    extra.isEmpty() ? "(defaults)" : String.join(" ", extra), launcher == null ? "java" : launcher,
                    jvm.isEmpty() ? (launcher == null ? "(none)" : "(the launcher's)") : String.join(" ", jvm));
            long[] one = peak(single, work.resolve("out-single"), launcher, jvm, extra);
            long[] many = peak(batch, work.resolve("out-batch"), launcher, jvm, extra);
            System.out.printf(Locale.ROOT, "1 file:    peak resident %7.1f MB (%.1f s)%n", one[0] / 1024.0, one[1] / 1000.0);
            System.out.printf(Locale.ROOT, "%d files: peak resident %7.1f MB (%.1f s)%n", count, many[0] / 1024.0, many[1] / 1000.0);
            System.out.printf(Locale.ROOT, "batch / single = %.2f%n", many[0] / (double) one[0]);
        } finally {
            BenchImages.removeTree(work);
        }
    }

    /** @return the child's peak resident memory in KB and its wall time in ms */
    private static long[] peak(Path in, Path out, String launcher, List<String> jvm, List<String> extra)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (launcher == null) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvm);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), BgSwapCommand.class.getName()));
        } else {
            // the launcher execs java: its process is the JVM whose memory is read
            command.add(launcher);
            if (!jvm.isEmpty()) {
                builder.environment().put("BGSWAP_JAVA_OPTS", String.join(" ", jvm));
            }
        }
        command.addAll(List.of("replace", in.toString(), "-o", out.toString()));
        command.addAll(extra);
        long t0 = System.nanoTime();
        Process p = builder.start();
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        long kb = -1;
        while (p.isAlive()) {
            kb = Math.max(kb, peakOf(status));
            Thread.sleep(20);
        }
        int exit = p.waitFor();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (exit != 0 || kb < 0) {
            throw new IllegalStateException("bgswap replace " + in + " exited with " + exit + (kb < 0 ? " and no peak memory read" : ""));
        }
        return new long[] {kb, ms};
    }

    /** @return the {@code VmHWM} of a process's status file in KB, or -1 when it is gone or has none */
    static long peakOf(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has ended between two readings
        }
        return -1;
    }
}
