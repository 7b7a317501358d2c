package io.bgswap.video;

import io.bgswap.Background;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Images;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Temporal smoothing on clips with a known alpha per frame: every evaluation portrait, moved and
 * scaled over another one's scene, segmented by a flickering segmenter built from the true alpha,
 * run through the whole frame pipeline with and without smoothing. Smoothing must cut dtSSD by at
 * least 30 % while the mean SAD per frame gets worse by at most 5 %.
 */
class TemporalStabilityIT {
    static final int WIDTH = 640;
    static final int HEIGHT = 360;
    static final int FRAMES = 60;

    record Score(double dtSsd, double sad) {
    }

    @Test
    void smoothingCutsFlickerWithoutHurtingAccuracy() throws IOException {
        List<SyntheticClip> clips = clips(WIDTH, HEIGHT, FRAMES);
        double dtOff = 0;
        double dtOn = 0;
        double sadOff = 0;
        double sadOn = 0;
        for (int c = 0; c < clips.size(); c++) {
            SyntheticClip clip = clips.get(c);
            Score off = evaluate(clip, TemporalSmoother.Settings.OFF, 17 + c);
            Score on = evaluate(clip, TemporalSmoother.Settings.DEFAULT, 17 + c);
            System.out.printf(Locale.ROOT, "clip %d: dtSSD %.3f -> %.3f, SAD %.3f -> %.3f%n", c, off.dtSsd, on.dtSsd, off.sad, on.sad);
            dtOff += off.dtSsd / clips.size();
            dtOn += on.dtSsd / clips.size();
            sadOff += off.sad / clips.size();
            sadOn += on.sad / clips.size();
        }
        System.out.printf(Locale.ROOT, "mean over %d clips of %d frames %dx%d: dtSSD %.3f -> %.3f (%.1f %%), SAD %.3f -> %.3f (%+.1f %%)%n",
                clips.size(), FRAMES, WIDTH, HEIGHT, dtOff, dtOn, 100 * (dtOn / dtOff - 1), sadOff, sadOn, 100 * (sadOn / sadOff - 1));
        assertThat(dtOn).as("dtSSD with smoothing").isLessThanOrEqualTo(0.70 * dtOff);
        assertThat(sadOn).as("mean SAD per frame with smoothing").isLessThanOrEqualTo(1.05 * sadOff);
    }

    static Score evaluate(SyntheticClip clip, TemporalSmoother.Settings settings, long seed) {
        int w = clip.width();
        int h = clip.height();
        ArgbImage scratchFrame = ArgbImage.create(w, h);
        FloatImage truthForModel = FloatImage.create(w, h);
        ReferenceSegmenter segmenter = new ReferenceSegmenter(t -> {
            clip.render(t, scratchFrame, truthForModel);
            return truthForModel;
        }, 1.0f, seed);
        ArgbImage frame = ArgbImage.create(w, h);
        Iterator<ArgbImage> source = new Iterator<>() {
            int t;

            @Override
            public boolean hasNext() {
                return t < clip.frames();
            }

            @Override
            public ArgbImage next() {
                clip.render(t++, frame, null);
                return frame;
            }
        };
        ArgbImage evalFrame = ArgbImage.create(w, h);
        FloatImage[] truth = {FloatImage.create(w, h), FloatImage.create(w, h)};
        FloatImage[] predicted = {FloatImage.create(w, h), FloatImage.create(w, h)};
        double[] sums = new double[2];
        try (FramePipeline pipeline = FramePipeline.builder(segmenter).smoothing(settings)
                .background(Background.color(0x00FF00)).build()) {
            pipeline.run(source, f -> {
                int t = (int) f.index();
                int cur = t & 1;
                clip.render(t, evalFrame, truth[cur]);
                System.arraycopy(f.alpha().data(), 0, predicted[cur].data(), 0, w * h);
                sums[1] += MatteMetrics.sad(predicted[cur], truth[cur]);
                if (t > 0) {
                    sums[0] += MatteMetrics.dtSsd(predicted[1 - cur], predicted[cur], truth[1 - cur], truth[cur]);
                }
            });
        }
        return new Score(sums[0] / (clip.frames() - 1), sums[1] / clip.frames());
    }

    /** One clip per evaluation portrait, over the next portrait's scene; empty (skipped) without the directory. */
    static List<SyntheticClip> clips(int width, int height, int frames) throws IOException {
        String dir = System.getProperty("bgswap.eval.dir");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir, "image")),
                "evaluation images not found (system property bgswap.eval.dir=" + dir + "); skipping");
        Path root = Path.of(dir);
        List<Path> images;
        try (Stream<Path> s = Files.list(root.resolve("image"))) {
            images = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        List<SyntheticClip> clips = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Path image = images.get(i);
            String stem = image.getFileName().toString().replace(".jpg", "");
            Path alpha = root.resolve("alpha").resolve(stem + ".png");
            if (!Files.exists(alpha)) {
                continue;
            }
            ArgbImage person = ImageFiles.read(image);
            FloatImage matte = Images.argbToMatte(ImageFiles.read(alpha));
            ArgbImage scene = ImageFiles.read(images.get((i + 1) % images.size()));
            clips.add(new SyntheticClip(person, matte, scene, width, height, frames));
        }
        assumeTrue(!clips.isEmpty(), "no image/alpha pairs in " + root);
        return clips;
    }
}
