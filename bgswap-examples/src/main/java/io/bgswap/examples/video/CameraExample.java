package io.bgswap.examples.video;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.ffmpeg.VideoReader;
import io.bgswap.ffmpeg.VideoWriter;
import io.bgswap.image.ArgbImage;
import io.bgswap.video.FramePipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reads a camera through FFmpeg, replaces the background in real time and records the result.
 * A live source must not fall behind: frames the pipeline has no room for are dropped
 * ({@link FramePipeline#offer}) instead of queueing up.
 *
 * <pre>
 * java -cp ... io.bgswap.examples.video.CameraExample [DEVICE] [SECONDS] [OUT.mp4] [BACKGROUND]
 * </pre>
 * DEVICE defaults to {@code /dev/video0} (Linux, FFmpeg format {@code v4l2}); on macOS pass
 * {@code avfoundation:0}, on Windows {@code dshow:video=NAME}. Without a camera the example says so
 * and exits.
 */
public final class CameraExample {
    private CameraExample() {
    }

    /**
     * @param args device, seconds, output file, background
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String device = args.length > 0 ? args[0] : "/dev/video0";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path out = Path.of(args.length > 2 ? args[2] : "camera-bgswap.mp4");
        Background background = Background.parse(args.length > 3 ? args[3] : "blur");
        String format = "v4l2";
        String source = device;
        int colon = device.indexOf(':');
        if (colon > 0 && !device.startsWith("/")) {
            format = device.substring(0, colon);
            source = device.substring(colon + 1);
        } else if (!Files.exists(Path.of(device))) {
            System.out.println("No camera found at " + device + " (no such device); nothing to record. "
                    + "Pass the camera device as the first argument, e.g. /dev/video1, avfoundation:0 or dshow:video=NAME.");
            return;
        }
        VideoReader camera;
        try {
            camera = VideoReader.open(source, format, false);
        } catch (BgSwapException e) {
            System.out.println("Cannot open the camera " + device + ": " + e.getMessage());
            return;
        }
        double fps = camera.frameRate() > 0 ? camera.frameRate() : 30;
        try (camera;
             BackgroundSwapper swapper = BackgroundSwapper.builder().model("selfie").threads(1).build();
             FramePipeline pipeline = FramePipeline.builder(swapper.segmenter()).background(background).capacity(3).build();
             VideoWriter writer = VideoWriter.create(out, new VideoWriter.Settings(camera.width(), camera.height(), fps, 0, 0, 0))) {
            System.out.printf(Locale.ROOT, "Recording %s (%dx%d at %.1f fps) for %d s into %s%n",
                    device, camera.width(), camera.height(), fps, seconds, out);
            Thread writerThread = new Thread(() -> {
                FramePipeline.Frame f;
                while ((f = pipeline.take()) != null) {
                    try (FramePipeline.Frame done = f) {
                        writer.writeImage(done.image());
                    }
                }
            }, "camera-writer");
            writerThread.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long captured = 0;
            long dropped = 0;
            while (System.nanoTime() < end) {
                ArgbImage frame = camera.nextImage();
                if (frame == null) {
                    break;
                }
                captured++;
                if (!pipeline.offer(frame, 0, TimeUnit.MILLISECONDS)) {
                    dropped++;
                }
            }
            pipeline.finish();
            writerThread.join();
            System.out.printf(Locale.ROOT, "Captured %d frames, dropped %d, wrote %d%n", captured, dropped, writer.frames());
        }
    }
}
