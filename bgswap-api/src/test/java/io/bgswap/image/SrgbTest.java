package io.bgswap.image;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SrgbTest {
    @Test
    void roundTripsEveryByte() {
        for (int v = 0; v < 256; v++) {
            assertThat(Srgb.toSrgb(Srgb.toLinear(v))).isEqualTo(v);
        }
    }

    @Test
    void knownValues() {
        assertThat(Srgb.toLinear(255)).isEqualTo(1f);
        assertThat(Srgb.toLinear(0)).isEqualTo(0f);
        // sRGB 188 is about 50 % linear light, far from the 128 that naive blending assumes
        assertThat(Srgb.toLinear(188)).isCloseTo(0.5029f, within(1e-3f));
        assertThat(Srgb.toSrgb(0.5f)).isEqualTo(188);
        assertThat(Srgb.toSrgb(-1f)).isZero();
        assertThat(Srgb.toSrgb(2f)).isEqualTo(255);
        assertThat(Srgb.toSrgb(Float.NaN)).isZero();
    }
}
