package io.bgswap.compositing;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Srgb;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinearLightCompositorTest {
    private static final CompositeOptions DECONTAMINATE = CompositeOptions.builder().decontaminate(true).build();

    private static final int W = 48;
    private static final int H = 24;

    /** A skin-coloured person (right half, soft 16-pixel edge) photographed in front of green. */
    private static ArgbImage photo(FloatImage alpha) {
        int[] px = new int[W * H];
        for (int i = 0; i < px.length; i++) {
            float a = alpha.data()[i];
            int r = Srgb.toSrgb(a * Srgb.toLinear(200));
            int g = Srgb.toSrgb(a * Srgb.toLinear(150) + (1 - a) * Srgb.toLinear(220));
            int b = Srgb.toSrgb(a * Srgb.toLinear(120));
            px[i] = 0xFF000000 | r << 16 | g << 8 | b;
        }
        return new ArgbImage(W, H, px);
    }

    private static FloatImage alpha() {
        FloatImage a = FloatImage.create(W, H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                a.data()[y * W + x] = Math.max(0f, Math.min(1f, (x - 16) / 16f));
            }
        }
        return a;
    }

    private static int green(int argb) {
        return (argb >> 8) & 0xFF;
    }

    @Test
    void decontaminationRemovesTheOldBackgroundFromSoftPixels() {
        FloatImage a = alpha();
        ArgbImage photo = photo(a);
        ArgbImage plain = new LinearLightCompositor(CompositeOptions.PLAIN).composite(photo, a, Background.color(0x000000));
        ArgbImage clean = new LinearLightCompositor(DECONTAMINATE).composite(photo, a, Background.color(0x000000));
        int y = H / 2;
        // over black, the true result is a * skin: green = toSrgb(a * lin(150)); the correction is
        // scaled by alpha, so it removes most of the old background where the person dominates
        // the pixel and some of it where the matte is faint
        for (int x : new int[] {22, 28}) {
            float alpha = (x - 16) / 16f;
            int expected = Srgb.toSrgb(alpha * Srgb.toLinear(150));
            int before = Math.abs(green(plain.get(x, y)) - expected);
            int after = Math.abs(green(clean.get(x, y)) - expected);
            assertThat(after).as("alpha %.3f", alpha).isLessThan(alpha > 0.5f ? before / 3 : before * 4 / 5);
        }
        // opaque person pixels are untouched
        assertThat(clean.get(40, y)).isEqualTo(plain.get(40, y));
    }

    @Test
    void harmonizeMovesThePersonTowardsTheBackgroundTone() {
        FloatImage a = alpha();
        ArgbImage photo = photo(a);
        Background blue = Background.color(0x2040C0);
        ArgbImage off = new LinearLightCompositor(CompositeOptions.PLAIN).composite(photo, a, blue);
        ArgbImage on = new LinearLightCompositor(CompositeOptions.builder().decontaminate(false).harmonize(0.8f).build())
                .composite(photo, a, blue);
        int px0 = off.get(44, 5);
        int px1 = on.get(44, 5);
        assertThat(px1 & 0xFF).isGreaterThan(px0 & 0xFF); // bluer
        assertThat((px1 >> 16) & 0xFF).isLessThan((px0 >> 16) & 0xFF); // less red
        assertThat(on.get(2, 5)).isEqualTo(off.get(2, 5)); // background untouched
    }

    @Test
    void lightWrapBrightensOnlyTheEdgeOfThePerson() {
        FloatImage a = FloatImage.create(W, H);
        for (int y = 0; y < H; y++) {
            for (int x = 24; x < W; x++) {
                a.data()[y * W + x] = 1f;
            }
        }
        int[] dark = new int[W * H];
        java.util.Arrays.fill(dark, 0xFF101010);
        ArgbImage photo = new ArgbImage(W, H, dark);
        Background white = Background.color(0xFFFFFF);
        CompositeOptions wrap = CompositeOptions.builder().decontaminate(false).lightWrap(0.8f).lightWrapRadius(4).build();
        ArgbImage off = new LinearLightCompositor(CompositeOptions.PLAIN).composite(photo, a, white);
        ArgbImage on = new LinearLightCompositor(wrap).composite(photo, a, white);
        assertThat(green(on.get(24, 10))).isGreaterThan(green(off.get(24, 10)) + 20);
        assertThat(on.get(46, 10)).isEqualTo(off.get(46, 10));
        assertThat(on.get(5, 10)).isEqualTo(off.get(5, 10));
    }

    @Test
    void transparentOutputCarriesEstimatedColours() {
        FloatImage a = alpha();
        ArgbImage photo = photo(a);
        ArgbImage out = new LinearLightCompositor(DECONTAMINATE).composite(photo, a, Background.transparent());
        int p = out.get(22, H / 2);
        assertThat(p >>> 24).isBetween(90, 100);
        assertThat(green(p)).as("less of the old background's green").isLessThan(green(photo.get(22, H / 2)) - 5);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> CompositeOptions.builder().harmonize(2f).build()).isInstanceOf(BgSwapException.class);
        assertThatThrownBy(() -> CompositeOptions.builder().lightWrap(-1f).build()).isInstanceOf(BgSwapException.class);
        assertThat(CompositeOptions.DEFAULT.decontaminate()).isFalse();
    }
}
