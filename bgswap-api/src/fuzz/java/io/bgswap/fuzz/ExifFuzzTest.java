package io.bgswap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bgswap.image.Orientation;

/** The EXIF orientation reader never throws, whatever the bytes: unknown means upright. */
class ExifFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readOrientation(byte[] data) {
        byte[] jpeg = new byte[data.length + 2];
        jpeg[0] = (byte) 0xFF;
        jpeg[1] = (byte) 0xD8;
        System.arraycopy(data, 0, jpeg, 2, data.length);
        if (Orientation.readJpeg(jpeg) == null || Orientation.readJpeg(data) == null) {
            throw new IllegalStateException("null orientation");
        }
    }
}
