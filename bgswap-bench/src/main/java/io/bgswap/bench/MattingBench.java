package io.bgswap.bench;

import io.bgswap.BackgroundSwapper;
import io.bgswap.Matter;
import io.bgswap.Segmenter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Resize;
import io.bgswap.matting.ForegroundEstimator;
import io.bgswap.spi.MatterProvider;
import io.bgswap.spi.Providers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Time per 1-2 megapixel photo of each matting mode ({@code none} = bilinear upsampling, and
 * every registered matter), and of foreground colour estimation, next to the segmentation model's
 * time measured in the same process, so the ratios do not depend on the machine.
 *
 * <pre>
 * java -cp bgswap-bench/target/bgswap-bench.jar io.bgswap.bench.MattingBench \
 *     [--model portrait] [--rounds 3] [--images ../shared/eval/image]
 * </pre>
 */
public final class MattingBench {
    private MattingBench() {
    }

    /**
     * @param args options, see the class comment
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String model = BackgroundSwapper.PORTRAIT_MODEL;
        int rounds = 3;
        Path images = Path.of("../shared/eval/image");
        for (int i = 0; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--model": model = args[i + 1]; break;
                case "--rounds": rounds = Integer.parseInt(args[i + 1]); break;
                case "--images": images = Path.of(args[i + 1]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Path> files = BenchImages.list(images);
        List<ArgbImage> photos = new ArrayList<>();
        for (Path f : files) {
            photos.add(ImageFiles.read(f));
        }
        Map<String, Matter> modes = new LinkedHashMap<>();
        modes.put("none", (image, p) -> Resize.bilinear(p, image.width(), image.height()));
        for (MatterProvider p : Providers.matters()) {
            modes.put(p.name(), p.create());
        }
        double megapixels = photos.stream().mapToDouble(p -> p.width() * (double) p.height() / 1e6).sum();
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().model(model).build()) {
            Segmenter seg = swapper.segmenter();
            List<FloatImage> probs = new ArrayList<>();
            for (ArgbImage p : photos) {
                probs.add(seg.segment(p)); // warm-up and the inputs of the matters
            }
            long t0 = System.nanoTime();
            for (ArgbImage p : photos) {
                seg.segment(p);
            }
            double segMs = (System.nanoTime() - t0) / 1e6 / photos.size();
            System.out.printf(Locale.ROOT, "%d photos, %.2f MP on average; model %s: %.0f ms per photo%n", photos.size(),
                    megapixels / photos.size(), seg.modelName(), segMs);
            System.out.printf(Locale.ROOT, "%-22s %10s %10s %12s%n", "step", "ms/photo", "ms/MP", "x model");
            List<FloatImage> alphas = new ArrayList<>();
            for (Map.Entry<String, Matter> e : modes.entrySet()) {
                Matter m = e.getValue();
                for (int i = 0; i < photos.size(); i++) {
                    m.refine(photos.get(i), probs.get(i)); // warm-up
                }
                long s = System.nanoTime();
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < photos.size(); i++) {
                        FloatImage a = m.refine(photos.get(i), probs.get(i));
                        if (r == 0 && e.getKey().equals("closed-form")) {
                            alphas.add(a);
                        }
                    }
                }
                report("matter " + e.getKey(), (System.nanoTime() - s) / 1e6 / rounds, photos.size(), megapixels, segMs);
            }
            if (!alphas.isEmpty()) {
                ForegroundEstimator.estimate(photos.get(0), alphas.get(0));
                long s = System.nanoTime();
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < photos.size(); i++) {
                        ForegroundEstimator.estimate(photos.get(i), alphas.get(i));
                    }
                }
                report("foreground estimation", (System.nanoTime() - s) / 1e6 / rounds, photos.size(), megapixels, segMs);
            }
        }
    }

    private static void report(String name, double totalMs, int photos, double megapixels, double segMs) {
        double per = totalMs / photos;
        System.out.printf(Locale.ROOT, "%-22s %10.0f %10.0f %12.2f%n", name, per, totalMs / megapixels, per / segMs);
    }
}
