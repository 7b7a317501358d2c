package io.bgswap.bench;

import io.bgswap.Background;
import io.bgswap.Compositor;
import io.bgswap.Device;
import io.bgswap.Matter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.model.ModelSource;
import io.bgswap.model.ModelStore;
import io.bgswap.segmentation.TensorPacker;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.Providers;
import io.bgswap.spi.SessionOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Splits the time of one still-image replacement into the engine's session time and everything
 * around it (decode, preprocess, matte, composite, encode), in the same process, so the ratio does
 * not depend on how fast the machine is.
 *
 * <pre>
 * java -cp bgswap-bench/target/bgswap-bench.jar io.bgswap.bench.PipelineBench \
 *     [--model isnet-medium] [--backend onnx] [--matter closed-form|guided] [--rounds 2] [--images ../shared/eval/image]
 * </pre>
 */
public final class PipelineBench {
    private PipelineBench() {
    }

    /**
     * @param args options, see the class comment
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String model = "isnet-medium";
        String backend = null;
        String matterName = null;
        int rounds = 2;
        Path images = Path.of("../shared/eval/image");
        for (int i = 0; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--model": model = args[i + 1]; break;
                case "--backend": backend = args[i + 1]; break;
                case "--matter": matterName = args[i + 1]; break;
                case "--rounds": rounds = Integer.parseInt(args[i + 1]); break;
                case "--images": images = Path.of(args[i + 1]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Path> files = BenchImages.list(images);
        ModelSource source = ModelStore.defaultStore().source(model);
        Matter matter = Providers.matter(matterName).create();
        Compositor compositor = Providers.compositor(null).create();
        Background background = Background.color(0x2A6F97);
        try (InferenceSession session = Providers.backend(backend, source.format())
                .open(source, new SessionOptions(Device.AUTO, 0))) {
            FloatBuffer input = ByteBuffer.allocateDirect(source.descriptor().inputSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            FloatBuffer output = ByteBuffer.allocateDirect(source.descriptor().outputSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            System.out.printf("%s on %s (%s), matter %s, %d images x %d rounds after one warm-up image%n",
                    model, session.backend(), session.device(), matter.getClass().getSimpleName(), files.size(), rounds);
            long[] t = new long[7];
            String[] names = {"decode", "preprocess", "session", "postprocess", "matte", "composite", "encode"};
            for (int round = -1; round < rounds; round++) {
                for (Path f : round < 0 ? files.subList(0, 1) : files) {
                    long[] local = new long[7];
                    long t0 = System.nanoTime();
                    ArgbImage image = ImageFiles.read(f);
                    long t1 = System.nanoTime();
                    TensorPacker.pack(image, source.descriptor(), input);
                    long t2 = System.nanoTime();
                    session.run(input, output);
                    long t3 = System.nanoTime();
                    FloatImage probability = FloatImage.create(source.descriptor().outputWidth(), source.descriptor().outputHeight());
                    output.get(0, probability.data());
                    long t4 = System.nanoTime();
                    FloatImage alpha = matter.refine(image, probability);
                    long t5 = System.nanoTime();
                    ArgbImage result = compositor.composite(image, alpha, background);
                    long t6 = System.nanoTime();
                    byte[] encoded = ImageFiles.encode(result, ImageFormat.JPEG, 0.92f);
                    long t7 = System.nanoTime();
                    if (encoded.length == 0) {
                        throw new IllegalStateException("empty output");
                    }
                    local[0] = t1 - t0;
                    local[1] = t2 - t1;
                    local[2] = t3 - t2;
                    local[3] = t4 - t3;
                    local[4] = t5 - t4;
                    local[5] = t6 - t5;
                    local[6] = t7 - t6;
                    if (round >= 0) {
                        for (int k = 0; k < 7; k++) {
                            t[k] += local[k];
                        }
                    }
                }
            }
            int n = files.size() * rounds;
            long rest = 0;
            for (int k = 0; k < 7; k++) {
                System.out.printf("%-12s %9.1f ms/image%n", names[k], t[k] / 1e6 / n);
                if (k != 2) {
                    rest += t[k];
                }
            }
            System.out.printf("%-12s %9.1f ms/image%n", "rest", rest / 1e6 / n);
            System.out.printf("rest / session = %.3f%n", (double) rest / t[2]);
        }
    }
}
