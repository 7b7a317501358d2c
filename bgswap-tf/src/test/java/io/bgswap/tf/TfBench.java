package io.bgswap.tf;

import io.bgswap.Device;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import io.bgswap.model.ModelStore;
import io.bgswap.onnx.OnnxBackendProvider;
import io.bgswap.segmentation.TensorPacker;
import io.bgswap.spi.BackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times one inference of each built-in model on TensorFlow and on ONNX Runtime in the same
 * process, on the same packed input, after warm-up; prints the median and the ratio TF / ORT.
 *
 * <p>Arguments: {@code IMAGE [MODEL...]} (default models: selfie, isnet-medium, isnet-small).
 * System properties {@code bench.device} (default {@code cpu}), {@code bench.threads} (0: each
 * engine's default) and {@code bench.runs.selfie} / {@code bench.runs.isnet} (30 / 3).
 */
public final class TfBench {
    private TfBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: TfBench IMAGE [MODEL...]");
            System.exit(2);
        }
        ArgbImage image = ImageFiles.read(Path.of(args[0]));
        String[] models = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length)
                : new String[] {"selfie", "isnet-medium", "isnet-small"};
        Device device = Device.parse(System.getProperty("bench.device", "cpu"));
        int threads = Integer.getInteger("bench.threads", 0);
        SessionOptions options = new SessionOptions(device, threads);
        System.out.printf(Locale.ROOT, "bench: %s, %d cores, device %s, threads %s%n", args[0],
                Runtime.getRuntime().availableProcessors(), device, threads == 0 ? "default" : threads);
        for (String model : models) {
            ModelSource source = ModelStore.defaultStore().source(model);
            boolean selfie = model.startsWith("selfie");
            int runs = Integer.getInteger(selfie ? "bench.runs.selfie" : "bench.runs.isnet", selfie ? 30 : 3);
            int warmup = selfie ? 5 : 1;
            double tf = time(new TfBackendProvider(), source, options, image, warmup, runs);
            double ort = time(new OnnxBackendProvider(), source, options, image, warmup, runs);
            System.out.printf(Locale.ROOT, "%-14s tf %8.1f ms   onnx %8.1f ms   tf/onnx %.2fx   (median of %d runs)%n",
                    model, tf, ort, tf / ort, runs);
        }
    }

    private static double time(BackendProvider provider, ModelSource source, SessionOptions options, ArgbImage image,
                               int warmup, int runs) {
        ModelDescriptor d = source.descriptor();
        FloatBuffer in = ByteBuffer.allocateDirect(d.inputSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer out = ByteBuffer.allocateDirect(d.outputSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        TensorPacker.pack(image, d, in);
        long open = System.nanoTime();
        try (InferenceSession s = provider.open(source, options)) {
            double openMs = (System.nanoTime() - open) / 1e6;
            for (int i = 0; i < warmup; i++) {
                s.run(in, out);
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                s.run(in, out);
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "  %-5s %-14s open %.0f ms, min %.1f ms, max %.1f ms%n", provider.name(),
                    source.name(), openMs, ms[0], ms[runs - 1]);
            return ms[runs / 2];
        }
    }
}
