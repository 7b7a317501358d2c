package io.bgswap.ffmpeg;

import io.bgswap.image.ArgbImage;
import org.bytedeco.javacv.Frame;

import java.nio.ShortBuffer;
import java.nio.file.Path;

/** Writes small test clips: a green square moving over a gradient, with a tone as audio. */
final class Clips {
    private Clips() {
    }

    static void write(Path file, int width, int height, double fps, int frames, boolean audio) {
        int rate = 44_100;
        try (VideoWriter w = VideoWriter.create(file, new VideoWriter.Settings(width, height, fps, audio ? 1 : 0, rate, 0))) {
            ArgbImage img = ArgbImage.create(width, height);
            int samplesPerFrame = (int) Math.round(rate / fps);
            for (int t = 0; t < frames; t++) {
                draw(img, t);
                w.writeImage(img);
                if (audio) {
                    short[] s = new short[samplesPerFrame];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * (t * samplesPerFrame + i) / rate));
                    }
                    Frame f = new Frame();
                    f.sampleRate = rate;
                    f.audioChannels = 1;
                    f.samples = new java.nio.Buffer[] {ShortBuffer.wrap(s)};
                    w.writeAudio(f);
                }
            }
        }
    }

    static void draw(ArgbImage img, int t) {
        int w = img.width();
        int h = img.height();
        int[] p = img.pixels();
        int sx = (t * 3) % Math.max(1, w - h / 2);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean square = x >= sx && x < sx + h / 2 && y >= h / 4 && y < h / 4 + h / 2;
                int g = 40 + 120 * x / w;
                p[y * w + x] = square ? 0xFF20D040 : 0xFF000000 | (g << 16) | (g / 2 << 8) | (200 - g);
            }
        }
    }
}
