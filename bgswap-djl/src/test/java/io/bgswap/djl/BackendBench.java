package io.bgswap.djl;

import io.bgswap.image.ImageFiles;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import io.bgswap.model.ModelStore;
import io.bgswap.onnx.OnnxBackendProvider;
import io.bgswap.segmentation.TensorPacker;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Times one model inference on DJL (PyTorch) and on ONNX Runtime in the same process, on the same
 * input, in alternating blocks of runs so that both see the same machine load; prints the median
 * time per run and the ratio DJL / ONNX Runtime.
 *
 * <p>Arguments: {@code [eval-dir] [model[:warmup:runs]] ...}; default: the eval directory from
 * {@code bgswap.eval.dir}, {@code selfie:10:50 isnet-medium:2:6 isnet-small:2:6}.
 */
public final class BackendBench {
    private BackendBench() {
    }

    public static void main(String[] args) throws Exception {
        Path eval = Path.of(args.length > 0 ? args[0] : System.getProperty("bgswap.eval.dir", "../shared/eval"));
        List<String> models = args.length > 1 ? Arrays.asList(args).subList(1, args.length)
                : List.of("selfie:10:50", "isnet-medium:2:6", "isnet-small:2:6");
        Path image;
        try (Stream<Path> s = Files.list(eval.resolve("image"))) {
            image = s.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow();
        }
        System.out.printf(Locale.ROOT, "image %s, %d cores%n", image.getFileName(), Runtime.getRuntime().availableProcessors());
        for (String spec : models) {
            String[] parts = spec.split(":");
            int warmup = parts.length > 1 ? Integer.parseInt(parts[1]) : 3;
            int runs = parts.length > 2 ? Integer.parseInt(parts[2]) : 10;
            bench(ModelStore.defaultStore().source(parts[0]), image, warmup, runs);
        }
    }

    private static void bench(ModelSource source, Path image, int warmup, int runs) {
        ModelDescriptor d = source.descriptor();
        FloatBuffer in = ByteBuffer.allocateDirect(d.inputSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer out = ByteBuffer.allocateDirect(d.outputSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        TensorPacker.pack(ImageFiles.read(image), d, in);
        try (InferenceSession onnx = new OnnxBackendProvider().open(source, SessionOptions.defaults());
             InferenceSession djl = new DjlBackendProvider().open(source, SessionOptions.defaults())) {
            for (int i = 0; i < warmup; i++) {
                onnx.run(in, out);
                djl.run(in, out);
            }
            // Blocks of runs per engine, alternating: both see the same machine over time, but
            // neither runs while the other's idle worker threads still spin for work (ONNX Runtime's
            // intra-op threads and PyTorch's OpenMP threads busy-wait after each run, which on two
            // cores took the cores from the engine that ran next: selfie on DJL 27 ms interleaved
            // run by run, 8.6 ms alone). The first run of each block is not counted.
            int block = Math.max(1, Math.min(10, runs / 5));
            long[] tOnnx = new long[runs];
            long[] tDjl = new long[runs];
            for (int done = 0; done < runs; done += block) {
                int n = Math.min(block, runs - done);
                time(onnx, in, out, tOnnx, done, n);
                time(djl, in, out, tDjl, done, n);
            }
            double mo = median(tOnnx) / 1e6;
            double md = median(tDjl) / 1e6;
            System.out.printf(Locale.ROOT, "%-14s %dx%d  onnx %8.2f ms  djl(%s) %8.2f ms  djl/onnx %.2fx  (median of %d, %d warm-up)%n",
                    source.name(), d.inputWidth(), d.inputHeight(), mo, djl.device(), md, md / mo, runs, warmup);
        }
    }

    /** Runs {@code n + 1} times and records the last {@code n} durations from {@code times[from]}. */
    private static void time(InferenceSession s, FloatBuffer in, FloatBuffer out, long[] times, int from, int n) {
        s.run(in, out);
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            s.run(in, out);
            times[from + i] = System.nanoTime() - t0;
        }
    }

    /** @return the median of the values */
    static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
