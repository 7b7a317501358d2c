package io.bgswap.djl;

import io.bgswap.Device;
import io.bgswap.image.ImageFiles;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import io.bgswap.model.ModelStore;
import io.bgswap.segmentation.TensorPacker;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs one model on DJL's CPU device and on {@code cuda:0} in the same process, on the same input:
 * prints the largest and the mean absolute difference of the two outputs and the median time of a
 * whole {@link InferenceSession#run} on each (on the GPU that includes the copies to and from the
 * device). Needs a CUDA build of PyTorch; see docs/djl.md.
 *
 * <p>Arguments: {@code image [model[:warmup:runs]] ...}; default models
 * {@code selfie:10:100 selfie-landscape:10:100}. With {@code -Dbgswap.bench.dump=DIR} the CPU and
 * GPU outputs are written there as little-endian float32 files ({@code MODEL-cpu.f32},
 * {@code MODEL-gpu.f32}) for comparison with another backend.
 */
public final class DeviceBench {
    private DeviceBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: DeviceBench image [model[:warmup:runs]] ...");
            System.exit(2);
        }
        Path image = Path.of(args[0]);
        List<String> models = args.length > 1 ? Arrays.asList(args).subList(1, args.length)
                : List.of("selfie:10:100", "selfie-landscape:10:100");
        String dump = System.getProperty("bgswap.bench.dump");
        System.out.printf(Locale.ROOT, "image %s, %d cores, DJL %s%n", image.getFileName(),
                Runtime.getRuntime().availableProcessors(), DjlRuntime.engine(0).getVersion());
        for (String spec : models) {
            String[] parts = spec.split(":");
            int warmup = parts.length > 1 ? Integer.parseInt(parts[1]) : 3;
            int runs = parts.length > 2 ? Integer.parseInt(parts[2]) : 10;
            bench(ModelStore.defaultStore().source(parts[0]), image, warmup, runs, dump == null ? null : Path.of(dump));
        }
    }

    private static void bench(ModelSource source, Path image, int warmup, int runs, Path dump) throws IOException {
        ModelDescriptor d = source.descriptor();
        FloatBuffer in = direct(d.inputSize());
        FloatBuffer outCpu = direct(d.outputSize());
        FloatBuffer outGpu = direct(d.outputSize());
        TensorPacker.pack(ImageFiles.read(image), d, in);
        DjlBackendProvider provider = new DjlBackendProvider();
        try (InferenceSession cpu = provider.open(source, new SessionOptions(Device.CPU, 0));
             InferenceSession gpu = provider.open(source, new SessionOptions(Device.gpu(0), 0))) {
            for (int i = 0; i < warmup; i++) {
                cpu.run(in, outCpu);
                gpu.run(in, outGpu);
            }
            long[] tCpu = new long[runs];
            long[] tGpu = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                cpu.run(in, outCpu);
                long t1 = System.nanoTime();
                gpu.run(in, outGpu);
                long t2 = System.nanoTime();
                tCpu[i] = t1 - t0;
                tGpu[i] = t2 - t1;
            }
            double max = 0;
            double sum = 0;
            for (int i = 0; i < d.outputSize(); i++) {
                double diff = Math.abs(outCpu.get(i) - outGpu.get(i));
                max = Math.max(max, diff);
                sum += diff;
            }
            double mc = BackendBench.median(tCpu) / 1e6;
            double mg = BackendBench.median(tGpu) / 1e6;
            System.out.printf(Locale.ROOT, "%-16s %dx%d  %s %8.2f ms  %s %8.2f ms  gpu/cpu %.3fx  |cpu-gpu| max %.2e mean %.2e"
                            + "  (median of %d, %d warm-up)%n", source.name(), d.inputWidth(), d.inputHeight(), cpu.device(), mc,
                    gpu.device(), mg, mg / mc, max, sum / d.outputSize(), runs, warmup);
            if (dump != null) {
                Files.createDirectories(dump);
                write(dump.resolve(source.name() + "-cpu.f32"), outCpu);
                write(dump.resolve(source.name() + "-gpu.f32"), outGpu);
            }
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    private static void write(Path file, FloatBuffer values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.capacity() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values.duplicate().clear());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(bytes);
        }
    }
}
