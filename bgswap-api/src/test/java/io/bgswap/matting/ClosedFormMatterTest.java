package io.bgswap.matting;

import io.bgswap.eval.MatteEvaluator;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Resize;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClosedFormMatterTest {
    @Test
    void laplacianIsSymmetricAndAnnihilatesConstants() {
        int w = 23;
        int h = 17;
        Random rnd = new Random(1);
        FloatImage[] ch = new FloatImage[3];
        for (int c = 0; c < 3; c++) {
            ch[c] = FloatImage.create(w, h);
            for (int i = 0; i < w * h; i++) {
                ch[c].data()[i] = rnd.nextFloat();
            }
        }
        ColorGuide guide = new ColorGuide(ch, 1, 1e-4f);
        float[] x = new float[w * h];
        float[] y = new float[w * h];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
            y[i] = rnd.nextFloat();
        }
        float[] lx = new float[x.length];
        float[] ly = new float[x.length];
        guide.laplacian(x, lx);
        guide.laplacian(y, ly);
        double ylx = 0;
        double xly = 0;
        double xlx = 0;
        for (int i = 0; i < x.length; i++) {
            ylx += y[i] * lx[i];
            xly += x[i] * ly[i];
            xlx += x[i] * lx[i];
        }
        assertThat(ylx).isCloseTo(xly, within(1e-3 * Math.abs(xly) + 1e-4));
        assertThat(xlx).isPositive();
        float[] ones = new float[x.length];
        java.util.Arrays.fill(ones, 0.7f);
        float[] l1 = new float[x.length];
        guide.laplacian(ones, l1);
        for (float v : l1) {
            assertThat(v).isCloseTo(0f, within(1e-4f));
        }
    }

    @Test
    void laplacianOnBlocksEqualsTheWholeImagesInsideThem() {
        for (int radius : new int[] {1, 2}) {
            int w = 101;
            int h = 70;
            Random rnd = new Random(radius);
            FloatImage[] ch = new FloatImage[3];
            for (int c = 0; c < 3; c++) {
                ch[c] = FloatImage.create(w, h);
                for (int i = 0; i < w * h; i++) {
                    ch[c].data()[i] = rnd.nextFloat();
                }
            }
            ColorGuide guide = new ColorGuide(ch, radius, 1e-4f);
            float[] x = new float[w * h];
            boolean[] wanted = new boolean[w * h];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat();
            }
            // a band across two blocks, a pixel at the last block's corner and one at the image's first
            for (int y = 30; y < 40; y++) {
                for (int xx = 0; xx < w; xx++) {
                    wanted[y * w + xx] = true;
                }
            }
            wanted[w * h - 1] = true;
            wanted[0] = true;
            float[] full = new float[x.length];
            guide.laplacian(x, full);
            float[] blocks = new float[x.length];
            java.util.Arrays.fill(blocks, Float.NaN);
            int[] active = guide.blocksOf(wanted);
            assertThat(active).hasSizeLessThan(((w + 31) / 32) * ((h + 31) / 32));
            guide.laplacianAt(x, blocks, active);
            for (int i = 0; i < x.length; i++) {
                if (wanted[i]) {
                    assertThat(blocks[i]).as("radius %d, pixel %d", radius, i).isCloseTo(full[i], within(1e-4f));
                }
            }
        }
    }

    @Test
    void workingChannelsEqualTheFullChannelsShrunk() {
        Random rnd = new Random(5);
        int w = 101;
        int h = 67;
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xFF000000 | rnd.nextInt(0x1000000);
        }
        ArgbImage image = new ArgbImage(w, h, px);
        FloatImage[] full = ClosedFormMatter.channels(image);
        // whole blocks of 2x2 then bilinear; bilinear alone (under twice the size); blocks only
        int[][] sizes = {{40, 27}, {70, 50}, {50, 33}};
        for (int[] size : sizes) {
            FloatImage[] low = ClosedFormMatter.channels(image, size[0], size[1]);
            for (int c = 0; c < 3; c++) {
                assertThat(low[c].data()).as("channel %d at %dx%d", c, size[0], size[1])
                        .containsExactly(Resize.area(full[c], size[0], size[1]).data());
            }
        }
    }

    @Test
    void trimapMarksABandAroundTheBoundary() {
        FloatImage p = FloatImage.create(20, 1);
        for (int x = 10; x < 20; x++) {
            p.data()[x] = 1f;
        }
        Trimap t = Trimap.fromProbability(p, 2, 0.02f, 0.98f);
        // the 0.5 edge lies between x = 9 and 10: x = 8..11 see both sides within radius 2
        for (int x = 0; x < 20; x++) {
            byte expected = x >= 8 && x <= 11 ? Trimap.UNKNOWN : (x < 10 ? Trimap.BACKGROUND : Trimap.FOREGROUND);
            assertThat(t.labels()[x]).as("x=%d", x).isEqualTo(expected);
        }
        assertThat(t.unknownCount()).isEqualTo(4);
    }

    @Test
    void decidedPixelsStayKnownNearTheBoundary() {
        // a segmenter's trimap: decided background, two unknown pixels, decided person
        FloatImage p = FloatImage.create(20, 1);
        for (int x = 0; x < 20; x++) {
            p.data()[x] = x < 9 ? 0f : (x == 9 ? 0.3f : (x == 10 ? 0.7f : 1f));
        }
        Trimap t = Trimap.fromProbability(p, 3, 0.02f, 0.98f, ClosedFormMatter.decisions(p, 20, 1));
        for (int x = 0; x < 20; x++) {
            byte expected = x == 9 || x == 10 ? Trimap.UNKNOWN : (x < 9 ? Trimap.BACKGROUND : Trimap.FOREGROUND);
            assertThat(t.labels()[x]).as("x=%d", x).isEqualTo(expected);
        }
        // without the decisions the band of radius 3 around the 0.5 boundary is unknown
        assertThat(Trimap.fromProbability(p, 3, 0.02f, 0.98f).unknownCount()).isEqualTo(6);
    }

    /**
     * A dark person on a bright background with a soft edge; the coarse probability is a blurred,
     * low-resolution, slightly shifted version of the truth. The solve must move the edge back where
     * the colours say it is.
     */
    @Test
    void followsTheColourEdgeBetterThanThePlainUpsample() {
        int w = 240;
        int h = 160;
        FloatImage truth = FloatImage.create(w, h);
        int[] px = new int[w * h];
        Random rnd = new Random(7);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double edge = 120 + 25 * Math.sin(y / 9.0);
                float a = (float) Math.max(0, Math.min(1, (edge - x) / 3.0 + 0.5));
                truth.data()[y * w + x] = a;
                int fr = 60 + rnd.nextInt(10);
                int br = 220 + rnd.nextInt(10);
                int r = Math.round(a * fr + (1 - a) * br);
                int g = Math.round(a * 40 + (1 - a) * 200);
                int b = Math.round(a * 30 + (1 - a) * 120);
                px[y * w + x] = 0xFF000000 | r << 16 | g << 8 | b;
            }
        }
        ArgbImage image = new ArgbImage(w, h, px);
        FloatImage coarse = FloatImage.create(w / 8, h / 8);
        for (int y = 0; y < h / 8; y++) {
            for (int x = 0; x < w / 8; x++) {
                float sum = 0;
                for (int dy = 0; dy < 8; dy++) {
                    for (int dx = 0; dx < 8; dx++) {
                        int sx = Math.min(w - 1, x * 8 + dx + 4); // shifted by 4 pixels
                        sum += truth.get(sx, y * 8 + dy);
                    }
                }
                coarse.data()[y * (w / 8) + x] = sum / 64;
            }
        }
        FloatImage plain = Resize.bilinear(coarse, w, h);
        // a weak pull towards the probability lets the colours decide the edge
        ClosedFormMatter.Settings colourLed = new ClosedFormMatter.Settings(640, 6, 1, 1e-5f, 0.02f, 300, 1e-4f);
        FloatImage refined = new ClosedFormMatter(colourLed).refine(image, coarse);
        double sadPlain = MatteEvaluator.measure(plain, truth).overall().sad();
        double sadRefined = MatteEvaluator.measure(refined, truth).overall().sad();
        assertThat(refined.width()).isEqualTo(w);
        assertThat(sadRefined).isLessThan(sadPlain * 0.75);
        // the defaults trust the model more, but still improve on it
        double sadDefault = MatteEvaluator.measure(new ClosedFormMatter().refine(image, coarse), truth).overall().sad();
        assertThat(sadDefault).isLessThan(sadPlain);
        for (float v : refined.data()) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    /**
     * Bringing the solution to the photo's size: a pixel that takes a share of an unknown working
     * pixel keeps the resampled value (clamped), any other pixel the nearer known value; the same
     * as resampling a plane of the unknown pixels and testing it for a value above 0.
     */
    @Test
    void atThePhotoSizeOnlyPixelsReachedByTheBandAreSoft() {
        Random random = new Random(5);
        int[][] sizes = {{8, 6, 29, 17}, {8, 6, 8, 6}, {5, 9, 16, 16}, {16, 12, 33, 25}};
        for (int[] s : sizes) {
            int ww = s[0];
            int wh = s[1];
            byte[] labels = new byte[ww * wh];
            float[] alpha = new float[ww * wh];
            float[] unknown = new float[ww * wh];
            for (int i = 0; i < labels.length; i++) {
                int k = random.nextInt(4);
                labels[i] = k == 0 ? Trimap.UNKNOWN : (k == 1 ? Trimap.BACKGROUND : Trimap.FOREGROUND);
                alpha[i] = k == 0 ? random.nextFloat() * 1.2f - 0.1f : (k == 1 ? 0f : 1f);
                unknown[i] = k == 0 ? 1f : 0f;
            }
            float[] u = Resize.bilinear(new FloatImage(ww, wh, unknown), s[2], s[3]).data();
            float[] a = Resize.bilinear(new FloatImage(ww, wh, alpha.clone()), s[2], s[3]).data();
            float[] out = ClosedFormMatter.toPhotoSize(alpha.clone(), labels, ww, wh, s[2], s[3]);
            for (int i = 0; i < out.length; i++) {
                float expected = u[i] > 0f ? Math.max(0f, Math.min(1f, a[i])) : (a[i] >= 0.5f ? 1f : 0f);
                assertThat(out[i]).as("%dx%d to %dx%d, pixel %d", ww, wh, s[2], s[3], i).isEqualTo(expected);
            }
        }
    }
}
