package io.bgswap.image;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FloatImageTest {
    @Test
    void sampleInterpolatesBetweenPixelCentresAndClampsAtTheEdges() {
        FloatImage f = new FloatImage(2, 2, new float[] {0f, 1f, 2f, 3f});
        assertThat(f.sample(0.5, 0.5)).isEqualTo(0f);
        assertThat(f.sample(1.5, 1.5)).isEqualTo(3f);
        assertThat(f.sample(1.0, 0.5)).isCloseTo(0.5f, within(1e-6f));
        assertThat(f.sample(1.0, 1.0)).isCloseTo(1.5f, within(1e-6f));
        assertThat(f.sample(-3, 0.5)).isEqualTo(0f);
        assertThat(f.sample(9, 9)).isEqualTo(3f);
    }
}
