package io.bgswap.image;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The formats bgswap reads besides JPEG and PNG, on the small files in
 * {@code src/test/resources/io/bgswap/image/formats} (made by tools/format-samples): a 64x48 pattern of
 * four coloured quadrants in every format.
 */
class ImageFormatsTest {
    /** Quadrant colours of the pattern: top-left, top-right, bottom-left, bottom-right. */
    private static final int[] QUADRANTS = {0xDC2828, 0x28B43C, 0x283CC8, 0xF0F0F0};

    @TempDir
    Path dir;

    static byte[] resource(String name) {
        try (InputStream in = ImageFormatsTest.class.getResourceAsStream("formats/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path copy(String name) throws IOException {
        return Files.write(dir.resolve(name), resource(name));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"pattern.png, 0", "pattern.bmp, 0", "pattern.tiff, 0", "frames.gif, 0", "lossless.webp, 0", "lossy.webp, 12"})
    void everyFormatReadsThePattern(String name, int tolerance) throws IOException {
        ArgbImage image = ImageFiles.read(copy(name));
        assertThat(image.width()).isEqualTo(64);
        assertThat(image.height()).isEqualTo(48);
        assertQuadrants(image, tolerance);
        assertThat(image.hasTransparency()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"frames.gif", "animated.webp"})
    void animationsGiveTheirFirstFrame(String name) throws IOException {
        // the later frames are plain red (and blue): the pattern can only come from the first
        assertQuadrants(ImageFiles.read(copy(name)), 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"alpha-lossless.webp, 0, 0", "alpha-lossy.webp, 12, 2"})
    void webpWithAlphaKeepsIt(String name, int colourTolerance, int alphaTolerance) throws IOException {
        ArgbImage image = ImageFiles.read(copy(name));
        assertThat(image.hasTransparency()).isTrue();
        assertClose(image.get(8, 8), 0xFF000000 | QUADRANTS[0], colourTolerance, alphaTolerance);
        assertClose(image.get(40, 8), 0xFF000000 | QUADRANTS[1], colourTolerance, alphaTolerance);
        assertThat(alpha(image.get(8, 40))).isCloseTo(0x80, org.assertj.core.data.Offset.offset(alphaTolerance));
        assertThat(alpha(image.get(60, 8))).isCloseTo(0, org.assertj.core.data.Offset.offset(alphaTolerance));
        assertThat(alpha(image.get(60, 40))).isCloseTo(0, org.assertj.core.data.Offset.offset(alphaTolerance));
    }

    @Test
    void truncatedWebpIsReportedAsTruncated() throws IOException {
        Path cut = copy("truncated.webp");
        assertThatThrownBy(() -> ImageFiles.read(cut)).isInstanceOfSatisfying(BgSwapException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TRUNCATED_IMAGE);
            assertThat(e.getMessage()).contains("truncated.webp");
        });
        // and at every other length too: a clear error, never another exception
        byte[] whole = resource("lossy.webp");
        for (int n = 1; n < whole.length; n += 7) {
            byte[] part = Arrays.copyOf(whole, n);
            assertThatThrownBy(() -> ImageFiles.decode(part, "part", 1_000_000)).isInstanceOf(BgSwapException.class);
        }
    }

    @Test
    void pixelLimitHoldsForWebpBeforeDecoding() throws IOException {
        Path webp = copy("lossless.webp");
        assertThatThrownBy(() -> ImageFiles.read(webp, 64 * 48 - 1)).isInstanceOfSatisfying(BgSwapException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE));
        assertThat(ImageFiles.read(webp, 64 * 48).width()).isEqualTo(64);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rotated.webp, 12", "rotated.tiff, 0"})
    void orientationTagLandsUpright(String name, int tolerance) throws IOException {
        // the pattern stored with orientation 6 (a quarter turn clockwise): an EXIF chunk in the
        // WebP, tag 274 of the TIFF's directory
        ArgbImage upright = ImageFiles.read(copy(name));
        assertThat(upright.width()).isEqualTo(48);
        assertThat(upright.height()).isEqualTo(64);
        // the stored top-left quadrant is now top-right, the stored bottom-left now top-left
        assertClose(upright.get(40, 8), 0xFF000000 | QUADRANTS[0], tolerance, 0);
        assertClose(upright.get(8, 8), 0xFF000000 | QUADRANTS[2], tolerance, 0);
        assertClose(upright.get(8, 56), 0xFF000000 | QUADRANTS[3], tolerance, 0);
    }

    @Test
    void wrongExtensionIsReadByContent() throws IOException {
        Path misnamed = Files.write(dir.resolve("photo.jpg"), resource("lossless.webp"));
        assertQuadrants(ImageFiles.read(misnamed), 0);
    }

    @Test
    void backgroundPictureCanBeWebp() throws IOException {
        Background bg = Background.parse(copy("lossless.webp").toString());
        assertThat(bg).isInstanceOfSatisfying(Background.Picture.class, p -> assertQuadrants(p.image(), 0));
    }

    @Test
    void unknownFormatsNameTheReadableOnes() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.webp"), "RIFF but not really");
        assertThatThrownBy(() -> ImageFiles.read(text)).isInstanceOfSatisfying(BgSwapException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_IMAGE);
            assertThat(e.getMessage()).contains("notes.webp").contains("WebP");
        });
    }

    static void assertQuadrants(ArgbImage image, int tolerance) {
        assertClose(image.get(8, 8), 0xFF000000 | QUADRANTS[0], tolerance, 0);
        assertClose(image.get(56, 8), 0xFF000000 | QUADRANTS[1], tolerance, 0);
        assertClose(image.get(8, 40), 0xFF000000 | QUADRANTS[2], tolerance, 0);
        assertClose(image.get(56, 40), 0xFF000000 | QUADRANTS[3], tolerance, 0);
    }

    static void assertClose(int actual, int expected, int colourTolerance, int alphaTolerance) {
        String what = String.format("%08x against %08x", actual, expected);
        assertThat(Math.abs(alpha(actual) - alpha(expected))).as(what).isLessThanOrEqualTo(alphaTolerance);
        for (int shift = 0; shift <= 16; shift += 8) {
            int a = (actual >> shift) & 0xFF;
            int e = (expected >> shift) & 0xFF;
            assertThat(Math.abs(a - e)).as(what).isLessThanOrEqualTo(colourTolerance);
        }
    }

    private static int alpha(int argb) {
        return argb >>> 24;
    }
}
