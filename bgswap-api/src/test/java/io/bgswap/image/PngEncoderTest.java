package io.bgswap.image;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PngEncoderTest {
    private static ArgbImage random(int w, int h, boolean opaque, long seed) {
        Random r = new Random(seed);
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = opaque ? r.nextInt() | 0xFF000000 : r.nextInt();
        }
        return new ArgbImage(w, h, px);
    }

    /** @return the chunk types of a PNG file, in order */
    private static List<String> chunks(byte[] png) {
        List<String> types = new ArrayList<>();
        for (int pos = 8; pos + 8 <= png.length; ) {
            int length = (png[pos] & 0xFF) << 24 | (png[pos + 1] & 0xFF) << 16 | (png[pos + 2] & 0xFF) << 8 | png[pos + 3] & 0xFF;
            types.add(new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1));
            pos += 12 + length;
        }
        return types;
    }

    /** @return the file, after checking its colour type (IHDR byte 25) and that it reads back exactly */
    private static byte[] roundTrip(ArgbImage image, int colourType) {
        byte[] png = ImageFiles.encode(image, ImageFormat.PNG, 1f);
        assertThat(png[25]).as("colour type").isEqualTo((byte) colourType);
        assertThat(ImageFiles.decode(png, "test", Long.MAX_VALUE).pixels()).containsExactly(image.pixels());
        return png;
    }

    @Test
    void transparentImagesKeepEveryChannelExactly() {
        byte[] png = roundTrip(random(97, 61, false, 1), 6);
        assertThat(chunks(png)).first().isEqualTo("IHDR");
        assertThat(chunks(png)).last().isEqualTo("IEND");
        assertThat(chunks(png)).containsOnly("IHDR", "IDAT", "IEND");
    }

    @Test
    void opaqueImagesAreWrittenAsRgb() {
        roundTrip(random(64, 33, true, 2), 2);
    }

    @Test
    void theStreamIsLeftOpenAndItsFailuresAreIoExceptions() throws IOException {
        boolean[] closed = {false};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        PngEncoder.write(random(8, 8, true, 3), false, bytes);
        assertThat(closed[0]).isFalse();
        assertThat(bytes.size()).isPositive();

        IOException full = new IOException("No space left on device");
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw full;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw full;
            }
        };
        assertThatThrownBy(() -> PngEncoder.write(random(300, 300, false, 4), true, failing)).isSameAs(full);
    }
}
