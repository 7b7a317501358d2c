package io.bgswap.testing;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.segmentation.TensorPacker;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Inputs shared by backend tests. */
public final class TestInputs {
    private TestInputs() {
    }

    /**
     * A real portrait: the project's bundled sample ({@code samples/portrait.jpg}, the same photo as
     * the evaluation set's p_22fc0130), found from the working directory upwards, else the
     * evaluation set's copy, else a synthetic figure on a gradient.
     */
    public static ArgbImage testImage() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path sample = d.resolve("samples").resolve("portrait.jpg");
            if (Files.isRegularFile(sample)) {
                return ImageFiles.read(sample);
            }
        }
        String dir = System.getProperty("bgswap.eval.dir");
        if (dir != null) {
            Path p = Path.of(dir, "image", "p_22fc0130.jpg");
            if (Files.isRegularFile(p)) {
                return ImageFiles.read(p);
            }
        }
        int w = 320;
        int h = 240;
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = (x - w / 2.0) / 50.0;
                double dy = (y - h / 2.0) / 80.0;
                boolean figure = dx * dx + dy * dy < 1 || (y > h * 0.7 && Math.abs(x - w / 2.0) < 90);
                int r = figure ? 200 : 40 + x * 150 / w;
                int g = figure ? 160 : 90;
                int b = figure ? 140 : 60 + y * 150 / h;
                px[y * w + x] = 0xFF000000 | r << 16 | g << 8 | b;
            }
        }
        return new ArgbImage(w, h, px);
    }

    public static float[] packed(ModelDescriptor d) {
        FloatBuffer b = Parity.direct(d.inputSize());
        TensorPacker.pack(testImage(), d, b);
        float[] out = new float[d.inputSize()];
        b.get(0, out);
        return out;
    }

}
