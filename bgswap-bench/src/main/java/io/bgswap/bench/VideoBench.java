package io.bgswap.bench;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.Device;
import io.bgswap.Segmenter;
import io.bgswap.compositing.CompositeOptions;
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
    @Option(names = "--replay-size", defaultValue = "256",
            description = "with --inference once: probability size replayed (selfie's output is 256); default: ${DEFAULT-VALUE}")
    int replaySize;
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
            Segmenter segmenter = inference.equals("once") ? new Replaying(swapper.segmenter(), clip.get(0), replaySize) : swapper.segmenter();
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

    /** Wall and CPU time of one step, per frame. */
    private record Cost(double wallMs, double cpuMs) {
    }

    private Cost time(int n, java.util.function.IntConsumer step) {
        for (int i = 0; i < warmup; i++) {
            step.accept(i);
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            step.accept(i);
        }
        return new Cost((System.nanoTime() - t0) / 1e6 / n, (mx.getCurrentThreadCpuTime() - c0) / 1e6 / n);
    }

    private void memory(Segmenter segmenter, List<ArgbImage> clip, Background bg) {
        int n = Math.max(10, frames / 3);
        FloatImage prob = segmenter.segment(clip.get(0));
        // baselines, one thread, same process
        Cost seg = time(n, i -> segmenter.segment(clip.get(i % clip.size()), prob));
        TemporalSmoother smoother = new TemporalSmoother(TemporalSmoother.Settings.DEFAULT);
        Cost smooth = time(n, i -> smoother.smooth(clip.get(i % clip.size()), prob));
        GuidedFilterMatter matter = new GuidedFilterMatter(384, 0, GuidedFilterMatter.DEFAULT_EPS);
        LinearLightCompositor compositor = new LinearLightCompositor(CompositeOptions.PLAIN);
        FloatImage alpha = FloatImage.create(width, height);
        ArgbImage out = ArgbImage.create(width, height);
        Cost matte = time(n, i -> matter.refine(clip.get(i % clip.size()), prob, alpha));
        Cost comp = time(n, i -> compositor.composite(clip.get(i % clip.size()), alpha, bg, out));
        // the pipeline
        double fps;
        double cpuPerFrame;
        try (FramePipeline p = pipeline(segmenter, bg)) {
            p.run(cycle(clip, warmup), f -> { });
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try (FramePipeline p = pipeline(segmenter, bg)) {
            long c0 = os.getProcessCpuTime();
            long s = System.nanoTime();
            long done = p.run(cycle(clip, frames), f -> { });
            fps = done / ((System.nanoTime() - s) / 1e9);
            cpuPerFrame = (os.getProcessCpuTime() - c0) / 1e6 / done;
        }
        double stage1 = seg.cpuMs() + smooth.cpuMs();
        double stage2 = matte.cpuMs() + comp.cpuMs();
        System.out.printf(Locale.ROOT, "segmenter alone:  %7.2f ms/frame wall, %7.2f ms CPU%n", seg.wallMs(), seg.cpuMs());
        System.out.printf(Locale.ROOT, "smoothing alone:  %7.2f ms/frame wall, %7.2f ms CPU%n", smooth.wallMs(), smooth.cpuMs());
        System.out.printf(Locale.ROOT, "matting alone:    %7.2f ms/frame wall, %7.2f ms CPU%n", matte.wallMs(), matte.cpuMs());
        System.out.printf(Locale.ROOT, "compositing alone:%7.2f ms/frame wall, %7.2f ms CPU%n", comp.wallMs(), comp.cpuMs());
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "stage CPU per frame: 1 (segment+smooth, one thread) %.2f ms, 2 (matte+composite, parallel) %.2f ms;"
                + " bound with %d free cores: %.1f fps%n",
                stage1, stage2, cores, Math.min(1000 / stage1, 1000.0 * cores / (stage1 + stage2)));
        System.out.printf(Locale.ROOT, "PIPELINE %dx%d: %.1f fps end to end (wall), %.2f ms process CPU per frame"
                + " (%.1f fps on %d free cores); %.2fx the one-after-the-other wall rate%n",
                width, height, fps, cpuPerFrame, 1000.0 * cores / cpuPerFrame, cores,
                fps * (seg.wallMs() + smooth.wallMs() + matte.wallMs() + comp.wallMs()) / 1000);
    }

    private void ffmpeg(Segmenter segmenter, List<ArgbImage> clip, Background bg) throws IOException {
        Files.createDirectories(dir);
        Path in = dir.resolve("bench-" + width + "x" + height + ".mp4");
        Path out = dir.resolve("bench-" + width + "x" + height + "-out.mp4");
        int total = warmup + frames;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        try (VideoWriter w = VideoWriter.create(in, new VideoWriter.Settings(width, height, 30, 0, 0, 0))) {
            for (int i = 0; i < total; i++) {
                w.writeImage(clip.get(i % clip.size()));
            }
        }
        double encodeFps = total / ((System.nanoTime() - t0) / 1e9);
        double encodeCpu = (os.getProcessCpuTime() - c0) / 1e6 / total;
        c0 = os.getProcessCpuTime();
        t0 = System.nanoTime();
        int decoded = 0;
        try (VideoReader r = VideoReader.open(in)) {
            while (r.nextImage() != null) {
                decoded++;
            }
        }
        double decodeFps = decoded / ((System.nanoTime() - t0) / 1e9);
        double decodeCpu = (os.getProcessCpuTime() - c0) / 1e6 / decoded;
        long written;
        c0 = os.getProcessCpuTime();
        t0 = System.nanoTime();
        try (VideoReader reader = VideoReader.open(in);
             FramePipeline p = pipeline(segmenter, bg);
             VideoWriter writer = VideoWriter.create(out, VideoWriter.Settings.like(reader))) {
            written = VideoFiles.replaceBackground(reader, writer, p, null);
        }
        double fps = written / ((System.nanoTime() - t0) / 1e9);
        double cpu = (os.getProcessCpuTime() - c0) / 1e6 / written;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "encode alone: %.1f fps, %.2f ms process CPU per frame; decode alone: %.1f fps, %.2f ms CPU%n",
                encodeFps, encodeCpu, decodeFps, decodeCpu);
        System.out.printf(Locale.ROOT, "FFMPEG %dx%d: decode + pipeline + encode %.1f fps over %d frames (includes start-up),"
                + " %.2f ms process CPU per frame (%.1f fps on %d free cores)%n",
                width, height, fps, written, cpu, 1000.0 * cores / cpu, cores);
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

        Replaying(Segmenter inner, ArgbImage first, int size) {
            this.inner = inner;
            FloatImage p = inner.segment(first);
            this.cached = size > 0 ? io.bgswap.image.Resize.area(p, size, size) : p;
            System.out.printf(Locale.ROOT, "inference replayed: %s output of frame 0, at %dx%d%n",
                    inner.modelName(), cached.width(), cached.height());
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
