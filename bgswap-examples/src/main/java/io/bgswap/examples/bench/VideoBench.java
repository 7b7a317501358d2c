package io.bgswap.examples.bench;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.Device;
import io.bgswap.Segmenter;
import io.bgswap.compositing.LinearLightCompositor;
import io.bgswap.ffmpeg.VideoFiles;
import io.bgswap.ffmpeg.VideoReader;
import io.bgswap.ffmpeg.VideoWriter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Images;
import io.bgswap.matting.GuidedFilterMatter;
import io.bgswap.video.FramePipeline;
import io.bgswap.video.SyntheticClip;
import io.bgswap.video.TemporalSmoother;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Video throughput and memory bench. Modes:
 * <ul>
 *   <li>{@code memory}: the in-memory frame pipeline (no codec) on frames of the given size, with
 *       baselines measured in the same process: the segmenter alone and matting + compositing
 *       alone, one frame after another;</li>
 *   <li>{@code ffmpeg}: decode a clip (written first, with audio), run it through the pipeline,
 *       encode it; with decode-only as baseline;</li>
 *   <li>{@code rss}: many frames through the in-memory pipeline, sampling resident memory.</li>
 * </ul>
 * {@code --inference once} runs the model on the first frame and replays its output for every
 * frame, which measures everything but inference (for models too slow for video).
 */
@Command(name = "video-bench", mixinStandardHelpOptions = true, description = "Frame pipeline throughput and memory.")
public final class VideoBench implements Callable<Integer> {
    @Option(names = "--mode", defaultValue = "memory", description = "memory, ffmpeg or rss; default: ${DEFAULT-VALUE}")
    String mode;
    @Option(names = {"-m", "--model"}, defaultValue = "selfie", description = "model; default: ${DEFAULT-VALUE}")
    String model;
    @Option(names = "--threads", defaultValue = "1", description = "inference threads; default: ${DEFAULT-VALUE}")
    int threads;
    @Option(names = "--width", defaultValue = "1280")
    int width;
    @Option(names = "--height", defaultValue = "720")
    int height;
    @Option(names = "--frames", defaultValue = "300", description = "measured frames; default: ${DEFAULT-VALUE}")
    int frames;
    @Option(names = "--warmup", defaultValue = "30", description = "warm-up frames; default: ${DEFAULT-VALUE}")
    int warmup;
    @Option(names = "--background", defaultValue = "blur", description = "#rrggbb, blur or an image; default: ${DEFAULT-VALUE}")
    String background;
    @Option(names = "--inference", defaultValue = "model", description = "model (every frame) or once (replayed); default: ${DEFAULT-VALUE}")
    String inference;
    @Option(names = "--no-smoothing")
    boolean noSmoothing;
    @Option(names = "--dir", defaultValue = "target/bench", description = "where clips are written; default: ${DEFAULT-VALUE}")
    Path dir;

    /**
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new VideoBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf(Locale.ROOT, "video-bench mode=%s model=%s inference=%s threads=%d size=%dx%d cores=%d background=%s%n",
                mode, model, inference, threads, width, height, Runtime.getRuntime().availableProcessors(), background);
        List<ArgbImage> clip = frames(width, height, 30);
        Background bg = Background.parse(background);
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().model(model).threads(threads).build()) {
            Segmenter segmenter = inference.equals("once") ? new Replaying(swapper.segmenter(), clip.get(0)) : swapper.segmenter();
            switch (mode) {
                case "memory" -> memory(segmenter, clip, bg);
                case "ffmpeg" -> ffmpeg(segmenter, clip, bg);
                case "rss" -> rss(segmenter, clip, bg);
                default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown mode " + mode);
            }
        }
        return 0;
    }

    private FramePipeline pipeline(Segmenter segmenter, Background bg) {
        return FramePipeline.builder(segmenter).background(bg)
                .smoothing(noSmoothing ? TemporalSmoother.Settings.OFF : TemporalSmoother.Settings.DEFAULT).build();
    }

    private void memory(Segmenter segmenter, List<ArgbImage> clip, Background bg) {
        // baseline 1: the segmenter alone
        FloatImage prob = segmenter.segment(clip.get(0));
        for (int i = 0; i < warmup; i++) {
            segmenter.segment(clip.get(i % clip.size()), prob);
        }
        long t0 = System.nanoTime();
        int n = Math.max(10, frames / 2);
        for (int i = 0; i < n; i++) {
            segmenter.segment(clip.get(i % clip.size()), prob);
        }
        double segMs = (System.nanoTime() - t0) / 1e6 / n;
        // baseline 2: matting + compositing alone
        GuidedFilterMatter matter = new GuidedFilterMatter(512, GuidedFilterMatter.DEFAULT_EPS);
        LinearLightCompositor compositor = new LinearLightCompositor();
        FloatImage alpha = FloatImage.create(width, height);
        ArgbImage out = ArgbImage.create(width, height);
        for (int i = 0; i < warmup; i++) {
            matter.refine(clip.get(i % clip.size()), prob, alpha);
            compositor.composite(clip.get(i % clip.size()), alpha, bg, out);
        }
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            matter.refine(clip.get(i % clip.size()), prob, alpha);
            compositor.composite(clip.get(i % clip.size()), alpha, bg, out);
        }
        double compMs = (System.nanoTime() - t0) / 1e6 / n;
        // the pipeline
        double fps;
        try (FramePipeline p = pipeline(segmenter, bg)) {
            p.run(cycle(clip, warmup), f -> { });
        }
        try (FramePipeline p = pipeline(segmenter, bg)) {
            long s = System.nanoTime();
            long done = p.run(cycle(clip, frames), f -> { });
            fps = done / ((System.nanoTime() - s) / 1e9);
        }
        double serialFps = 1000.0 / (segMs + compMs);
        System.out.printf(Locale.ROOT, "segmenter alone: %.2f ms/frame (%.1f fps)%n", segMs, 1000 / segMs);
        System.out.printf(Locale.ROOT, "matte+composite alone: %.2f ms/frame (%.1f fps)%n", compMs, 1000 / compMs);
        System.out.printf(Locale.ROOT, "one after the other: %.1f fps%n", serialFps);
        System.out.printf(Locale.ROOT, "PIPELINE %dx%d: %.1f fps end to end (%.2fx the one-after-the-other rate)%n",
                width, height, fps, fps / serialFps);
    }

    private void ffmpeg(Segmenter segmenter, List<ArgbImage> clip, Background bg) throws IOException {
        Files.createDirectories(dir);
        Path in = dir.resolve("bench-" + width + "x" + height + ".mp4");
        Path out = dir.resolve("bench-" + width + "x" + height + "-out.mp4");
        int total = warmup + frames;
        long t0 = System.nanoTime();
        try (VideoWriter w = VideoWriter.create(in, new VideoWriter.Settings(width, height, 30, 0, 0, 0))) {
            for (int i = 0; i < total; i++) {
                w.writeImage(clip.get(i % clip.size()));
            }
        }
        double encodeFps = total / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        int decoded = 0;
        try (VideoReader r = VideoReader.open(in)) {
            while (r.nextImage() != null) {
                decoded++;
            }
        }
        double decodeFps = decoded / ((System.nanoTime() - t0) / 1e9);
        long written;
        t0 = System.nanoTime();
        try (VideoReader reader = VideoReader.open(in);
             FramePipeline p = pipeline(segmenter, bg);
             VideoWriter writer = VideoWriter.create(out, VideoWriter.Settings.like(reader))) {
            written = VideoFiles.replaceBackground(reader, writer, p, null);
        }
        double fps = written / ((System.nanoTime() - t0) / 1e9);
        System.out.printf(Locale.ROOT, "encode alone: %.1f fps; decode alone: %.1f fps%n", encodeFps, decodeFps);
        System.out.printf(Locale.ROOT, "FFMPEG %dx%d: decode + pipeline + encode %.1f fps over %d frames (includes start-up)%n",
                width, height, fps, written);
    }

    private void rss(Segmenter segmenter, List<ArgbImage> clip, Background bg) {
        long settle = Math.max(warmup, frames / 10);
        long[] minMax = {Long.MAX_VALUE, 0};
        long[] first = {0};
        long start = System.nanoTime();
        try (FramePipeline p = pipeline(segmenter, bg)) {
            p.run(cycle(clip, frames), f -> {
                long i = f.index();
                if (i == settle) {
                    first[0] = rssKb();
                }
                if (i >= settle && i % 250 == 0) {
                    long kb = rssKb();
                    minMax[0] = Math.min(minMax[0], kb);
                    minMax[1] = Math.max(minMax[1], kb);
                }
                if (i % 1000 == 0) {
                    System.out.printf(Locale.ROOT, "frame %d: rss %.1f MB%n", i, rssKb() / 1024.0);
                }
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "RSS over %d frames (%.1f fps), after %d settling frames: first %.1f MB, min %.1f MB, max %.1f MB, spread %.1f MB%n",
                frames, frames / seconds, settle, first[0] / 1024.0, minMax[0] / 1024.0, minMax[1] / 1024.0, (minMax[1] - minMax[0]) / 1024.0);
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static Iterator<ArgbImage> cycle(List<ArgbImage> clip, int count) {
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < count;
            }

            @Override
            public ArgbImage next() {
                return clip.get(i++ % clip.size());
            }
        };
    }

    /** Frames of a person moving over a scene, from the evaluation portraits when present. */
    static List<ArgbImage> frames(int w, int h, int count) throws IOException {
        List<ArgbImage> out = new ArrayList<>();
        String eval = System.getProperty("bgswap.eval.dir", "../shared/eval");
        Path img = Path.of(eval, "image", "p_514ca06a.jpg");
        Path alpha = Path.of(eval, "alpha", "p_514ca06a.png");
        Path scene = Path.of(eval, "image", "p_51c916fc.jpg");
        if (Files.exists(img) && Files.exists(alpha) && Files.exists(scene)) {
            SyntheticClip clip = new SyntheticClip(ImageFiles.read(img), Images.argbToMatte(ImageFiles.read(alpha)),
                    ImageFiles.read(scene), w, h, count);
            for (int t = 0; t < count; t++) {
                ArgbImage f = ArgbImage.create(w, h);
                clip.render(t, f, null);
                out.add(f);
            }
            return out;
        }
        System.out.println("(evaluation images not found under " + eval + "; using generated frames)");
        for (int t = 0; t < count; t++) {
            ArgbImage f = ArgbImage.create(w, h);
            int[] p = f.pixels();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean body = Math.hypot(x - w / 2.0 - t * 2, y - h * 0.6) < h * 0.3;
                    p[y * w + x] = body ? 0xFFC08060 : 0xFF000000 | ((x * 255 / w) << 8) | (y * 255 / h);
                }
            }
            out.add(f);
        }
        return out;
    }

    /** Runs the real model once, then replays that output: measures everything but inference. */
    private static final class Replaying implements Segmenter {
        private final Segmenter inner;
        private final FloatImage cached;

        Replaying(Segmenter inner, ArgbImage first) {
            this.inner = inner;
            this.cached = inner.segment(first);
        }

        @Override
        public FloatImage segment(ArgbImage image) {
            return cached.copy();
        }

        @Override
        public FloatImage segment(ArgbImage image, FloatImage out) {
            System.arraycopy(cached.data(), 0, out.data(), 0, out.data().length);
            return out;
        }

        @Override
        public String modelName() {
            return inner.modelName() + " (replayed)";
        }

        @Override
        public String backend() {
            return inner.backend();
        }

        @Override
        public Device device() {
            return inner.device();
        }

        @Override
        public void close() {
        }
    }
}
