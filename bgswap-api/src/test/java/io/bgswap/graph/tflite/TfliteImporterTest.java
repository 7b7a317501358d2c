package io.bgswap.graph.tflite;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TfliteImporterTest {
    @Test
    void samePaddingPutsTheOddPixelAtTheEnd() {
        // 256 input, 3x3 kernel, stride 2: output 128 needs 1 pixel of padding, all at the bottom/right
        assertThat(TfliteImporter.pads(0, 256, 256, 3, 3, 2, 2, 1, 1)).containsExactly(0, 0, 1, 1);
        // stride 1: 2 pixels, one each side
        assertThat(TfliteImporter.pads(0, 64, 64, 3, 3, 1, 1, 1, 1)).containsExactly(1, 1, 1, 1);
        // 144 x 256 with a 5x5 kernel, stride 2: 3 pixels, 1 before and 2 after
        assertThat(TfliteImporter.pads(0, 144, 256, 5, 5, 2, 2, 1, 1)).containsExactly(1, 1, 2, 2);
        // VALID
        assertThat(TfliteImporter.pads(1, 144, 256, 5, 5, 2, 2, 1, 1)).containsExactly(0, 0, 0, 0);
    }

    @Test
    void permuteMovesOhwiToOihw() {
        // O=2, H=1, W=2, I=3: value = o*100 + w*10 + i
        float[] v = new float[12];
        for (int o = 0; o < 2; o++) {
            for (int w = 0; w < 2; w++) {
                for (int i = 0; i < 3; i++) {
                    v[(o * 2 + w) * 3 + i] = o * 100 + w * 10 + i;
                }
            }
        }
        Tensor t = TfliteImporter.permute(Tensor.ofFloats(new int[] {2, 1, 2, 3}, v), new int[] {0, 3, 1, 2});
        assertThat(t.shape()).containsExactly(2, 3, 1, 2);
        // [o=1][i=2][h=0][w=1]
        assertThat(t.floats()[((1 * 3 + 2) * 1 + 0) * 2 + 1]).isEqualTo(112f);
    }

    @Test
    void channelConstantBroadcastsInNchw() {
        Tensor c = TfliteImporter.nhwcConstantToNchw(Tensor.ofFloats(new int[] {3}, new float[] {1, 2, 3}));
        assertThat(c.shape()).containsExactly(1, 3, 1, 1);
        assertThat(c.floats()).containsExactly(1, 2, 3);
    }

    @Test
    void rejectsFilesThatAreNotTflite() {
        assertThatThrownBy(() -> TfliteImporter.read("notes", "hello, this is not a model".getBytes()))
                .isInstanceOfSatisfying(BgSwapException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL);
                    assertThat(e.getMessage()).contains("notes");
                });
    }
}
