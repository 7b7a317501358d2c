package io.bgswap.bench;

import io.bgswap.Device;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Resize;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import io.bgswap.model.ModelStore;
import io.bgswap.segmentation.TensorPacker;
import io.bgswap.spi.BackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.Providers;
import io.bgswap.spi.SessionOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-frame cost of the segmentation step for video: resize-in (bilinear stretch and
 * normalisation into the model's input tensor), the engine session, and resize-out (the
 * probability map back to frame size), each timed separately on the same frames, with buffers
 * reused as a video loop would. The session time is the baseline the other stages are reported
 * against.
 *
 * <p>Usage: {@code java -cp bgswap-bench/target/bgswap-bench.jar io.bgswap.bench.SelfieBench [model] [frames]
 * [threads] [image]}; defaults {@code selfie 300 2}, frame 1280x720 made from an evaluation
 * image when one is given, else a synthetic frame.
 */
public final class SelfieBench {
    private SelfieBench() {
    }

    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "selfie";
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        ArgbImage frame = args.length > 3 && Files.isRegularFile(Path.of(args[3]))
                ? Resize.bilinear(ImageFiles.read(Path.of(args[3])), 1280, 720) : synthetic(1280, 720);
        ModelSource source = ModelStore.defaultStore().source(model);
        BackendProvider backend = Providers.backend(null, source.format());
        ModelDescriptor d = source.descriptor();
        FloatBuffer in = direct(d.inputSize());
        FloatBuffer out = direct(d.outputSize());
        FloatImage prob = FloatImage.create(d.outputWidth(), d.outputHeight());
        FloatImage full = FloatImage.create(frame.width(), frame.height());
        long t0 = System.nanoTime();
        try (InferenceSession session = backend.open(source, new SessionOptions(Device.CPU, threads))) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            int warmup = Math.max(3, frames / 5);
            long[] tIn = new long[frames];
            long[] tRun = new long[frames];
            long[] tOut = new long[frames];
            long[] cIn = new long[frames];
            long[] cRun = new long[frames];
            long[] cOut = new long[frames];
            java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            for (int i = -warmup; i < frames; i++) {
                long ca = tmx.getCurrentThreadCpuTime();
                long a = System.nanoTime();
                TensorPacker.pack(frame, d, in);
                long b = System.nanoTime();
                long cb = tmx.getCurrentThreadCpuTime();
                long pb = os.getProcessCpuTime();
                session.run(in, out);
                long pc = os.getProcessCpuTime();
                long cc = tmx.getCurrentThreadCpuTime();
                long c = System.nanoTime();
                out.get(0, prob.data());
                Resize.bilinear(prob, full);
                long e = System.nanoTime();
                long ce = tmx.getCurrentThreadCpuTime();
                if (i >= 0) {
                    cIn[i] = cb - ca;
                    cRun[i] = pc - pb;
                    cOut[i] = ce - cc;
                    tIn[i] = b - a;
                    tRun[i] = c - b;
                    tOut[i] = e - c;
                }
            }
            long[] total = new long[frames];
            for (int i = 0; i < frames; i++) {
                total[i] = tIn[i] + tRun[i] + tOut[i];
            }
            double run = median(tRun);
            System.out.printf(Locale.ROOT, "model %s on %s, %d threads, frame %dx%d -> input %dx%d, %d frames after %d warm-up (load %.0f ms)%n",
                    model, backend.name(), threads, frame.width(), frame.height(), d.inputWidth(), d.inputHeight(),
                    frames, warmup, loadMs);
            System.out.printf(Locale.ROOT, "  session     median %8.3f ms  mean %8.3f ms  (baseline 1.00)%n", run, mean(tRun));
            System.out.printf(Locale.ROOT, "  resize-in   median %8.3f ms  mean %8.3f ms  (%.2f x session)%n", median(tIn), mean(tIn), median(tIn) / run);
            System.out.printf(Locale.ROOT, "  resize-out  median %8.3f ms  mean %8.3f ms  (%.2f x session)%n", median(tOut), mean(tOut), median(tOut) / run);
            System.out.printf(Locale.ROOT, "  CPU time (what the stages cost without contention): resize-in %.3f ms, session %.3f ms of CPU"
                    + " over %d threads (>= %.3f ms wall), resize-out %.3f ms; resize-in + resize-out = %.2f x session CPU%n",
                    mean(cIn), mean(cRun), threads, mean(cRun) / threads, mean(cOut), (mean(cIn) + mean(cOut)) / mean(cRun));
            System.out.printf(Locale.ROOT, "  total       median %8.3f ms  mean %8.3f ms  p90 %8.3f ms  (%.2f x session)%n",
                    median(total), mean(total), percentile(total, 0.9), median(total) / run);
        }
    }

    private static double median(long[] v) {
        return percentile(v, 0.5);
    }

    private static double percentile(long[] v, double p) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(p * s.length))] / 1e6;
    }

    private static double mean(long[] v) {
        return Arrays.stream(v).average().orElse(0) / 1e6;
    }

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static ArgbImage synthetic(int w, int h) {
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = (x - w / 2.0) / (w / 8.0);
                double dy = (y - h / 2.5) / (h / 4.0);
                boolean figure = dx * dx + dy * dy < 1 || (y > h * 0.65 && Math.abs(x - w / 2.0) < w / 6.0);
                px[y * w + x] = figure ? 0xFFC8A08C : 0xFF000000 | (40 + x * 150 / w) << 16 | 90 << 8 | (60 + y * 150 / h);
            }
        }
        return new ArgbImage(w, h, px);
    }
}
