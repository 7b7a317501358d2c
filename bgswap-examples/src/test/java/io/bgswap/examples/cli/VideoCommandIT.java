package io.bgswap.examples.cli;

import io.bgswap.ffmpeg.VideoReader;
import io.bgswap.ffmpeg.VideoWriter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Images;
import io.bgswap.image.Resize;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;

import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code bgswap video} with a real model on a real (small) clip made from an evaluation
 * portrait, with a tone as audio, and reads the result back: same frame count, frame rate and an
 * audio track.
 */
class VideoCommandIT {
    static final int FRAMES = 8;
    static final double FPS = 24;

    @Test
    void keepsFrameCountFrameRateAndAudio() throws Exception {
        String eval = System.getProperty("bgswap.eval.dir");
        Path portrait = eval == null ? null : Path.of(eval, "image", "p_22fc0130.jpg");
        assumeTrue(portrait != null && Files.exists(portrait), "evaluation images not found (bgswap.eval.dir=" + eval + "); skipping");
        Path dir = Path.of("target", "video-it");
        Files.createDirectories(dir);
        Path in = dir.resolve("portrait-clip.mp4");
        Path out = dir.resolve("portrait-clip-blue.mp4");
        Files.deleteIfExists(out);
        writeClip(ImageFiles.read(portrait), in);
        int[] probe = backgroundPixel(Images.argbToMatte(ImageFiles.read(Path.of(eval, "alpha", "p_22fc0130.png"))));

        String model = System.getProperty("bgswap.it.video.model", "selfie");
        int code = BgSwapCommand.run("video", in.toString(), "--background", "#2a6f97", "-o", out.toString(),
                "--model", model, "--no-progress");
        assertThat(code).isZero();

        try (VideoReader r = VideoReader.open(out)) {
            assertThat(r.frameRate()).isCloseTo(FPS, org.assertj.core.data.Offset.offset(0.01));
            assertThat(r.audioChannels()).isEqualTo(1);
            int pictures = 0;
            int audio = 0;
            int blueish = 0;
            for (VideoReader.Kind k; (k = r.grab()) != VideoReader.Kind.END; ) {
                if (k == VideoReader.Kind.VIDEO) {
                    pictures++;
                    int corner = r.image().get(probe[0], probe[1]);
                    if ((corner & 0xFF) > ((corner >> 16) & 0xFF) + 40) {
                        blueish++;
                    }
                } else {
                    audio++;
                }
            }
            assertThat(pictures).isEqualTo(FRAMES);
            assertThat(audio).isPositive();
            assertThat(blueish).as("frames whose corner shows the new background").isEqualTo(FRAMES);
        }
    }

    /** A pixel of the clip that is background (reference alpha 0) in every frame. */
    static int[] backgroundPixel(FloatImage alpha) {
        FloatImage a = Resize.bilinear(alpha, 340, 424);
        for (int y = 8; y < 392; y += 4) {
            for (int x = 8; x < 312; x += 4) {
                boolean clear = true;
                for (int t = 0; t < FRAMES && clear; t++) {
                    for (int dy = -6; dy <= 6 && clear; dy++) {
                        for (int dx = -6; dx <= 6 && clear; dx++) {
                            clear = a.get(x + dx + t * 2, y + dy + t) == 0f;
                        }
                    }
                }
                if (clear) {
                    return new int[] {x, y};
                }
            }
        }
        throw new AssertionError("no background pixel in the test clip");
    }

    /** The portrait panning slowly, 320x400, with a 440 Hz tone. */
    static void writeClip(ArgbImage portrait, Path file) {
        ArgbImage base = Resize.bilinear(portrait, 340, 424);
        int w = 320;
        int h = 400;
        int rate = 44_100;
        int samplesPerFrame = (int) Math.round(rate / FPS);
        try (VideoWriter writer = VideoWriter.create(file, new VideoWriter.Settings(w, h, FPS, 1, rate, 0))) {
            ArgbImage frame = ArgbImage.create(w, h);
            for (int t = 0; t < FRAMES; t++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(base.pixels(), (y + t) * base.width() + t * 2, frame.pixels(), y * w, w);
                }
                writer.writeImage(frame);
                short[] s = new short[samplesPerFrame];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (short) (6000 * Math.sin(2 * Math.PI * 440 * (t * samplesPerFrame + i) / rate));
                }
                Frame a = new Frame();
                a.sampleRate = rate;
                a.audioChannels = 1;
                a.samples = new java.nio.Buffer[] {ShortBuffer.wrap(s)};
                writer.writeAudio(a);
            }
        }
    }
}
