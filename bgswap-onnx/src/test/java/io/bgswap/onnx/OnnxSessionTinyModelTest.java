package io.bgswap.onnx;

import io.bgswap.Device;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.model.ModelSource;
import io.bgswap.segmentation.ModelSegmenter;
import io.bgswap.spi.SessionOptions;
import io.bgswap.testing.TinyOnnxModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The hand-written test model really runs, with fixed and with symbolic dimensions. */
class OnnxSessionTinyModelTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void tinyModelComputesWhatItShould(boolean symbolic) throws IOException {
        int side = 12;
        Path file = TinyOnnxModel.write(dir.resolve("m.onnx"), symbolic ? -1 : side, symbolic ? -1 : side);
        ModelSource source = ModelSource.ofFile(file, TinyOnnxModel.descriptor(side, side));
        int[] px = new int[side * side];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xFF000000 | ((i * 7) % 256) << 16 | ((i * 13) % 256) << 8 | (i * 29) % 256;
        }
        try (ModelSegmenter seg = new ModelSegmenter("tiny", new OnnxBackendProvider().open(source, new SessionOptions(Device.CPU, 1)))) {
            FloatImage out = seg.segment(new ArgbImage(side, side, px));
            for (int i = 0; i < px.length; i++) {
                float expected = TinyOnnxModel.expected((px[i] >> 16) & 0xFF, (px[i] >> 8) & 0xFF, px[i] & 0xFF);
                assertThat(out.data()[i]).isCloseTo(expected, within(1e-4f));
            }
        }
    }
}
