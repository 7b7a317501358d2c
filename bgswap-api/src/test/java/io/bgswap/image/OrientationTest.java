package io.bgswap.image;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class OrientationTest {
    /** 3x2 image with distinct pixels 0..5 in row-major order. */
    private static ArgbImage sample() {
        return new ArgbImage(3, 2, new int[] {0, 1, 2, 3, 4, 5});
    }

    @Test
    void rotations() {
        // stored:  0 1 2      cw:  3 0      ccw: 2 5      180: 5 4 3
        //          3 4 5           4 1           1 4           2 1 0
        //                          5 2           0 3
        assertThat(Orientation.ROTATE_90_CW.apply(sample()).pixels()).containsExactly(3, 0, 4, 1, 5, 2);
        assertThat(Orientation.ROTATE_90_CCW.apply(sample()).pixels()).containsExactly(2, 5, 1, 4, 0, 3);
        assertThat(Orientation.ROTATE_180.apply(sample()).pixels()).containsExactly(5, 4, 3, 2, 1, 0);
        assertThat(Orientation.ROTATE_90_CW.apply(sample()).width()).isEqualTo(2);
    }

    @Test
    void mirrors() {
        assertThat(Orientation.FLIP_HORIZONTAL.apply(sample()).pixels()).containsExactly(2, 1, 0, 5, 4, 3);
        assertThat(Orientation.FLIP_VERTICAL.apply(sample()).pixels()).containsExactly(3, 4, 5, 0, 1, 2);
        assertThat(Orientation.TRANSPOSE.apply(sample()).pixels()).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(Orientation.TRANSVERSE.apply(sample()).pixels()).containsExactly(5, 2, 4, 1, 3, 0);
    }

    @Test
    void readsOrientationFromExifInBothByteOrders() {
        for (int value = 1; value <= 8; value++) {
            assertThat(Orientation.readJpeg(jpegHeader(value, true))).isEqualTo(Orientation.fromExif(value));
            assertThat(Orientation.readJpeg(jpegHeader(value, false))).isEqualTo(Orientation.fromExif(value));
        }
    }

    @Test
    void noExifMeansNormal() {
        assertThat(Orientation.readJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9})).isEqualTo(Orientation.NORMAL);
        assertThat(Orientation.readJpeg(new byte[] {1, 2, 3})).isEqualTo(Orientation.NORMAL);
        assertThat(Orientation.fromExif(0)).isEqualTo(Orientation.NORMAL);
        assertThat(Orientation.fromExif(9)).isEqualTo(Orientation.NORMAL);
    }

    /** SOI + APP1 EXIF block holding one IFD0 entry (orientation), then EOI. */
    static byte[] jpegHeader(int orientation, boolean little) {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        if (little) {
            tiff.writeBytes(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0});
            tiff.writeBytes(new byte[] {1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, 0, 0, 0, 0});
        } else {
            tiff.writeBytes(new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8});
            tiff.writeBytes(new byte[] {0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0});
        }
        byte[] t = tiff.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1});
        int len = 2 + 6 + t.length;
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(t);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        return out.toByteArray();
    }
}
