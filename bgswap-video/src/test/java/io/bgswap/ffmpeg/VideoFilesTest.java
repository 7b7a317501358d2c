package io.bgswap.ffmpeg;

import io.bgswap.Background;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.video.FramePipeline;
import io.bgswap.testing.TestSegmenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VideoFilesTest {
    @TempDir
    Path dir;

    /** Person = green pixels, found by colour (a real, if simple, segmentation of the test clip). */
    static final class GreenKey extends TestSegmenter {
        GreenKey() {
            super("green-key");
        }

        @Override
        public FloatImage segment(ArgbImage image) {
            FloatImage out = FloatImage.create(image.width(), image.height());
            int[] p = image.pixels();
            for (int i = 0; i < p.length; i++) {
                int r = (p[i] >> 16) & 0xFF;
                int g = (p[i] >> 8) & 0xFF;
                out.data()[i] = g > 150 && r < 100 ? 1f : 0f;
            }
            return out;
        }




    }

    @Test
    void writesAndReadsBackFramesRateAndAudio() {
        Path clip = dir.resolve("clip.mp4");
        Clips.write(clip, 160, 96, 25, 20, true);
        assertThat(dir.toFile().list()).containsExactly("clip.mp4");
        try (VideoReader r = VideoReader.open(clip)) {
            assertThat(r.width()).isEqualTo(160);
            assertThat(r.height()).isEqualTo(96);
            assertThat(r.frameRate()).isCloseTo(25.0, org.assertj.core.data.Offset.offset(0.01));
            assertThat(r.audioChannels()).isEqualTo(1);
            int pictures = 0;
            int audio = 0;
            for (VideoReader.Kind k; (k = r.grab()) != VideoReader.Kind.END; ) {
                if (k == VideoReader.Kind.VIDEO) {
                    pictures++;
                    if (pictures == 1) {
                        // the square at x 0..47, y 24..71 is green after the codec round trip
                        int px = r.image().get(20, 48);
                        assertThat((px >> 8) & 0xFF).isGreaterThan(150);
                        assertThat((px >> 16) & 0xFF).isLessThan(100);
                    }
                } else {
                    audio++;
                }
            }
            assertThat(pictures).isEqualTo(20);
            assertThat(audio).isPositive();
        }
    }

    @Test
    void replacesBackgroundKeepingFrameCountRateAndAudio() {
        Path in = dir.resolve("in.mp4");
        Path out = dir.resolve("out.mov");
        Clips.write(in, 160, 96, 30, 24, true);
        long written;
        try (VideoReader reader = VideoReader.open(in);
             FramePipeline pipeline = FramePipeline.builder(new GreenKey()).background(Background.color(0x0000FF)).build();
             VideoWriter writer = VideoWriter.create(out, VideoWriter.Settings.like(reader))) {
            written = VideoFiles.replaceBackground(reader, writer, pipeline, null);
        }
        assertThat(written).isEqualTo(24);
        try (VideoReader r = VideoReader.open(out)) {
            assertThat(r.frameRate()).isCloseTo(30.0, org.assertj.core.data.Offset.offset(0.01));
            assertThat(r.audioChannels()).isEqualTo(1);
            int pictures = 0;
            boolean audio = false;
            for (VideoReader.Kind k; (k = r.grab()) != VideoReader.Kind.END; ) {
                if (k == VideoReader.Kind.VIDEO) {
                    if (pictures == 0) {
                        int bg = r.image().get(150, 5);
                        assertThat(bg & 0xFF).as("blue background").isGreaterThan(200);
                        assertThat((bg >> 16) & 0xFF).isLessThan(40);
                    }
                    pictures++;
                } else {
                    audio = true;
                }
            }
            assertThat(pictures).isEqualTo(24);
            assertThat(audio).isTrue();
        }
    }

    @Test
    void loopedVideoBackgroundWrapsAround() {
        Path bgClip = dir.resolve("bg.mp4");
        Clips.write(bgClip, 64, 48, 25, 3, false);
        try (LoopedVideoBackground bg = new LoopedVideoBackground(bgClip)) {
            ArgbImage frame = ArgbImage.create(100, 50);
            for (int i = 0; i < 7; i++) {
                Background b = bg.next(frame, i);
                assertThat(b).isInstanceOf(Background.Picture.class);
                assertThat(((Background.Picture) b).image().width()).isEqualTo(100);
            }
        }
    }

    @Test
    void badInputIsAnErrorAndLeavesNoOutput() throws Exception {
        Path notVideo = dir.resolve("broken.mp4");
        Files.write(notVideo, new byte[] {1, 2, 3, 4, 5});
        assertThatThrownBy(() -> VideoReader.open(notVideo)).isInstanceOf(io.bgswap.BgSwapException.class);
        Path out = dir.resolve("never.mp4");
        VideoWriter w = VideoWriter.create(out, new VideoWriter.Settings(64, 48, 25, 0, 0, 0));
        w.writeImage(ArgbImage.create(64, 48));
        w.abort();
        w.close();
        assertThat(dir.toFile().list()).containsExactly("broken.mp4");
    }
}
