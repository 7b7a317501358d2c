package io.bgswap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bgswap.BgSwapException;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;

/**
 * Any bytes given to the image decoder end in an image or a {@link BgSwapException}; anything
 * else (another exception, an error, a hang) is a finding. The pixel limit keeps each input small.
 */
class ImageDecodeFuzzTest {
    @FuzzTest(maxDuration = "120s")
    void decode(byte[] data) {
        try {
            ArgbImage img = ImageFiles.decode(data, "fuzz-input", 1_000_000);
            if (img.width() <= 0 || img.height() <= 0 || (long) img.width() * img.height() > 1_000_000) {
                throw new IllegalStateException("decoded " + img + " beyond the limit");
            }
        } catch (BgSwapException expected) {
            if (!expected.getMessage().contains("fuzz-input")) {
                throw new IllegalStateException("error does not name the input: " + expected.getMessage());
            }
        }
    }
}
