package io.bgswap.image;

import io.bgswap.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Embedded colour profiles are applied on reading. The test files hold a flat patch of P3 colour
 * (200, 100, 50) and carry a Display P3 profile that tools/format-samples computes from the
 * primaries; the expected sRGB colour is computed here from the published matrices instead.
 */
class IccProfilesTest {
    private static final double[] P3_PATCH = {200, 100, 50};

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"p3.png", "p3.jpg", "p3.webp", "p3.tiff"})
    void displayP3IsConvertedToSrgb(String name) {
        ArgbImage image = ImageFiles.decode(ImageFormatsTest.resource(name), name, 1_000_000);
        int[] expected = p3ToSrgb(P3_PATCH);
        int actual = image.get(32, 24);
        int[] rgb = {(actual >> 16) & 0xFF, (actual >> 8) & 0xFF, actual & 0xFF};
        for (int c = 0; c < 3; c++) {
            assertThat(Math.abs(rgb[c] - expected[c])).as("channel %d of %08x, expected %s", c, actual,
                    Arrays.toString(expected)).isLessThanOrEqualTo(2);
        }
        // and it is not the untagged reading, which shifts the red by some 15 levels
        assertThat(Math.abs(rgb[0] - 200)).isGreaterThanOrEqualTo(10);
    }

    @Test
    void theSamePatchWithoutProfileStaysAsItIs() {
        byte[] tagged = ImageFormatsTest.resource("p3.png");
        byte[] untagged = withoutChunk(tagged, "iCCP");
        assertThat(untagged.length).isLessThan(tagged.length);
        assertThat(ImageFiles.decode(untagged, "untagged", 1_000_000).get(32, 24)).isEqualTo(0xFFC86432);
    }

    @Test
    void alphaIsKeptThroughTheConversion() {
        ICC_ColorSpace p3 = new ICC_ColorSpace(ICC_Profile.getInstance(ImageFormatsTest.resource("display-p3.icc")));
        ArgbImage converted = IccProfiles.convert(new ArgbImage(2, 1, new int[] {0x80C86432, 0x00C86432}), p3);
        assertThat(converted.get(0, 0) >>> 24).isEqualTo(0x80);
        assertThat(converted.get(1, 0) >>> 24).isZero();
        assertThat((converted.get(0, 0) >> 16) & 0xFF).isGreaterThan(205);
    }

    @Test
    void aBrokenProfileIsIgnored() {
        byte[] png = ImageFormatsTest.resource("pattern.png");
        byte[] broken = withChunkAfterHeader(png, "iCCP", "Broken\0\0not zlib at all".getBytes(StandardCharsets.ISO_8859_1));
        ImageFormatsTest.assertQuadrants(ImageFiles.decode(broken, "broken", 1_000_000), 0);
        assertThat(IccProfiles.pngProfile(broken)).isNull();
        assertThat(IccProfiles.pngProfile(ImageFormatsTest.resource("p3.png"))).hasSize(ImageFormatsTest.resource("display-p3.icc").length);
    }

    /**
     * P3 values to sRGB values, both with the sRGB tone curve and a D65 white, through the published
     * matrices: Display P3 to XYZ (SMPTE EG 432-1) and XYZ to sRGB (IEC 61966-2-1).
     */
    static int[] p3ToSrgb(double[] p3) {
        double[][] p3ToXyz = {{0.4865709, 0.2656677, 0.1982173}, {0.2289746, 0.6917385, 0.0792869}, {0, 0.0451134, 1.0439444}};
        double[][] xyzToSrgb = {{3.2406, -1.5372, -0.4986}, {-0.9689, 1.8758, 0.0415}, {0.0557, -0.2040, 1.0570}};
        double[] linear = new double[3];
        for (int c = 0; c < 3; c++) {
            linear[c] = Srgb.toLinear((int) p3[c]);
        }
        double[] srgbLinear = multiply(xyzToSrgb, multiply(p3ToXyz, linear));
        int[] out = new int[3];
        for (int c = 0; c < 3; c++) {
            double v = Math.max(0, Math.min(1, srgbLinear[c]));
            double encoded = v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
            out[c] = (int) Math.round(encoded * 255);
        }
        return out;
    }

    private static double[] multiply(double[][] m, double[] v) {
        return new double[] {m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
                m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
                m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]};
    }

    private static byte[] withoutChunk(byte[] png, String type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 8);
        int pos = 8;
        while (pos < png.length) {
            int length = ByteBuffer.wrap(png, pos, 4).getInt();
            if (!new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) {
                out.write(png, pos, length + 12);
            }
            pos += length + 12;
        }
        return out.toByteArray();
    }

    private static byte[] withChunkAfterHeader(byte[] png, String type, byte[] body) {
        int afterHeader = 8 + 8 + 13 + 4;
        return TestImages.concat(Arrays.copyOf(png, afterHeader), TestImages.chunk(type, body),
                Arrays.copyOfRange(png, afterHeader, png.length));
    }
}
