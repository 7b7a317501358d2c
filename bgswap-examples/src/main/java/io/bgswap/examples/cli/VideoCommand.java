package io.bgswap.examples.cli;

import io.bgswap.compositing.CompositeOptions;
import io.bgswap.compositing.LinearLightCompositor;
import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.ffmpeg.LoopedVideoBackground;
import io.bgswap.ffmpeg.VideoFiles;
import io.bgswap.ffmpeg.VideoReader;
import io.bgswap.ffmpeg.VideoWriter;
import io.bgswap.video.FramePipeline;
import io.bgswap.video.TemporalSmoother;
import io.bgswap.video.VideoBackground;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code bgswap video}: one video file to another, keeping frame rate and audio. */
@Command(name = "video", mixinStandardHelpOptions = true,
        description = {"Replace the background of a video file (frame rate and audio are kept).",
                "For video the model defaults to selfie (real time), not the still-image default shown under --model."})
final class VideoCommand implements Callable<Integer> {
    /** The model used for video when none is chosen: the real-time one. */
    static final String VIDEO_MODEL = "selfie";
    private static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "mov", "mkv", "webm", "avi", "m4v");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "The video file")
    Path input;

    @Option(names = {"-b", "--background"}, paramLabel = "BG", defaultValue = "blur",
            description = "#rrggbb, blur[:RADIUS], an image file, or a video file (played in a loop); default: ${DEFAULT-VALUE}")
    String background;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output video file (.mp4, .mov, .mkv)")
    Path output;

    @Option(names = "--no-smoothing", description = "Turn temporal smoothing of the matte off")
    boolean noSmoothing;

    @Option(names = "--no-progress", description = "Do not draw a progress bar")
    boolean noProgress;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!spec.commandLine().getParseResult().hasMatchedOption("--model") && System.getProperty("bgswap.model") == null
                && System.getenv("BGSWAP_MODEL") == null) {
            modelOptions.model = VIDEO_MODEL;
        }
        if (modelOptions.threads == 0) {
            // leave a core to the matting and compositing stage that runs beside inference
            modelOptions.threads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        }
        VideoBackground bg = parseBackground(background);
        long start = System.nanoTime();
        long frames;
        try (VideoReader reader = VideoReader.open(input);
             BackgroundSwapper swapper = modelOptions.open();
             FramePipeline pipeline = FramePipeline.builder(swapper.segmenter())
                     .compositor(new LinearLightCompositor(CompositeOptions.PLAIN))
                     .background(bg)
                     .smoothing(noSmoothing ? TemporalSmoother.Settings.OFF : TemporalSmoother.Settings.DEFAULT)
                     .build();
             VideoWriter writer = VideoWriter.create(output, VideoWriter.Settings.like(reader));
             ProgressBar bar = noProgress ? null : new ProgressBarBuilder().setTaskName("bgswap video")
                     .setInitialMax(reader.lengthInFrames() > 0 ? reader.lengthInFrames() : -1)
                     .setStyle(ProgressBarStyle.ASCII).setUnit(" frames", 1).showSpeed()
                     .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS).build()) {
            frames = VideoFiles.replaceBackground(reader, writer, pipeline, n -> {
                if (bar != null) {
                    bar.stepTo(n);
                }
            });
            if (bar != null) {
                bar.maxHint(frames);
                bar.stepTo(frames);
            }
        } catch (BgSwapException e) {
            bg.close();
            throw e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        err.printf(Locale.ROOT, "Wrote %s: %d frames in %s (%.1f fps)%n", output, frames,
                Duration.ofMillis((long) (seconds * 1000)).toString().substring(2).toLowerCase(Locale.ROOT), frames / seconds);
        err.flush();
        return 0;
    }

    static VideoBackground parseBackground(String spec) {
        String s = spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("transparent") || lower.equals("none")) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                    "H.264 video has no alpha channel: choose a colour (#rrggbb), blur, an image or a video as background");
        }
        int dot = lower.lastIndexOf('.');
        if (dot > 0 && VIDEO_EXTENSIONS.contains(lower.substring(dot + 1))) {
            return new LoopedVideoBackground(Path.of(s));
        }
        return VideoBackground.of(Background.parse(s));
    }
}
