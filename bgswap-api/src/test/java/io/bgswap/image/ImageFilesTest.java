package io.bgswap.image;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageFilesTest {
    @TempDir
    Path dir;

    @Test
    void pngKeepsAlphaExactly() {
        int[] px = {0x00FF0000, 0x8000FF00, 0xFF0000FF, 0x40FFFFFF};
        ArgbImage img = new ArgbImage(2, 2, px);
        Path f = dir.resolve("a.png");
        ImageFiles.write(img, f, 1f);
        assertThat(ImageFiles.read(f).pixels()).containsExactly(px);
    }

    @Test
    void jpegRoundTripIsClose() {
        int[] px = new int[16 * 16];
        Arrays.fill(px, 0xFF3366CC);
        Path f = dir.resolve("a.jpg");
        ImageFiles.write(new ArgbImage(16, 16, px), f, 0.95f);
        int p = ImageFiles.read(f).get(8, 8);
        assertThat((p >> 16) & 0xFF).isBetween(0x33 - 4, 0x33 + 4);
        assertThat(p & 0xFF).isBetween(0xCC - 4, 0xCC + 4);
    }

    @Test
    void transparencyIntoJpegIsRefusedAndLeavesNoFile() throws Exception {
        Path f = dir.resolve("t.jpg");
        assertThatThrownBy(() -> ImageFiles.write(new ArgbImage(1, 1, new int[] {0x10FFFFFF}), f, 0.9f))
                .isInstanceOf(BgSwapException.class)
                .satisfies(e -> assertThat(((BgSwapException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void rejectsNonImagesEmptyFilesAndTooManyPixelsNamingTheFile() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.jpg"), "hello");
        assertCode(() -> ImageFiles.read(text), ErrorCode.UNSUPPORTED_IMAGE, "notes.jpg");
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        assertCode(() -> ImageFiles.read(empty), ErrorCode.UNSUPPORTED_IMAGE, "empty.png");
        Path big = dir.resolve("big.png");
        ImageFiles.write(new ArgbImage(100, 100, new int[10000]), big, 1f);
        assertCode(() -> ImageFiles.read(big, 9_999), ErrorCode.IMAGE_TOO_LARGE, "big.png");
        assertCode(() -> ImageFiles.read(dir.resolve("missing.png")), ErrorCode.IO_ERROR, "missing.png");
    }

    @Test
    void truncatedPngIsReported() throws Exception {
        int[] px = new int[64 * 64];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xFF000000 | (i * 7919);
        }
        byte[] full = ImageFiles.encode(new ArgbImage(64, 64, px), ImageFormat.PNG, 1f);
        Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(full, full.length / 2));
        assertCode(() -> ImageFiles.read(cut), ErrorCode.TRUNCATED_IMAGE, "cut.png");
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code, String name) {
        assertThatThrownBy(call).isInstanceOf(BgSwapException.class)
                .hasMessageContaining(name)
                .satisfies(e -> assertThat(((BgSwapException) e).code()).isEqualTo(code));
    }
}
