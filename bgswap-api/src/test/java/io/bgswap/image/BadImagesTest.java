package io.bgswap.image;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind of awkward input file gets a correct image or a specific error naming the file. */
class BadImagesTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private void assertFails(Path file, ErrorCode code) {
        assertThatThrownBy(() -> ImageFiles.read(file))
                .isInstanceOfSatisfying(BgSwapException.class, e -> {
                    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(file.getFileName().toString());
                });
    }

    @Test
    void emptyFile() throws IOException {
        assertFails(file("empty.jpg", new byte[0]), ErrorCode.UNSUPPORTED_IMAGE);
    }

    @Test
    void textFileIsNotAnImage() throws IOException {
        assertFails(file("notes.png", "just some words, no pixels\n".getBytes(StandardCharsets.UTF_8)), ErrorCode.UNSUPPORTED_IMAGE);
    }

    @Test
    void missingFileAndDirectory() throws IOException {
        assertFails(dir.resolve("absent.jpg"), ErrorCode.IO_ERROR);
        assertFails(Files.createDirectory(dir.resolve("folder.jpg")), ErrorCode.IO_ERROR);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.3, 0.6, 0.9})
    void truncatedJpeg(double keep) throws IOException {
        byte[] full = TestImages.encode(noisy(96, 64), "jpeg");
        assertFails(file("cut.jpg", Arrays.copyOf(full, (int) (full.length * keep))), ErrorCode.TRUNCATED_IMAGE);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.3, 0.6, 0.9})
    void truncatedPng(double keep) throws IOException {
        byte[] full = TestImages.encode(noisy(96, 64), "png");
        assertFails(file("cut.png", Arrays.copyOf(full, (int) (full.length * keep))), ErrorCode.TRUNCATED_IMAGE);
    }

    @Test
    void pngWithCorruptData() throws IOException {
        byte[] png = TestImages.encode(noisy(64, 64), "png");
        for (int i = png.length / 2; i < png.length / 2 + 40; i++) {
            png[i] ^= 0x5A;
        }
        assertFails(file("corrupt.png", png), ErrorCode.UNSUPPORTED_IMAGE);
    }

    @Test
    void wrongExtensionIsReadByContent() throws IOException {
        BufferedImage img = TestImages.quadrants(20, 10);
        ArgbImage fromPng = ImageFiles.read(file("really-a-png.jpg", TestImages.encode(img, "png")));
        assertThat(fromPng.width()).isEqualTo(20);
        assertThat(fromPng.get(2, 2) & 0xFFFFFF).isEqualTo(0xE00000);
        ArgbImage fromJpeg = ImageFiles.read(file("really-a-jpeg.png", TestImages.encode(img, "jpeg")));
        assertThat(fromJpeg.height()).isEqualTo(10);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void cmykAndYcckJpeg(boolean ycck) throws IOException {
        ArgbImage img = ImageFiles.read(file(ycck ? "ycck.jpg" : "cmyk.jpg", TestImages.fourChannelJpeg(32, 16, ycck)));
        assertThat(img.width()).isEqualTo(32);
        assertThat(img.height()).isEqualTo(16);
        int paper = img.get(4, 8);
        int ink = img.get(28, 8);
        for (int shift : new int[] {0, 8, 16}) {
            assertThat((paper >> shift) & 0xFF).as("no-ink half, %08x", paper).isGreaterThan(200);
            assertThat((ink >> shift) & 0xFF).as("black half, %08x", ink).isLessThan(80);
        }
    }

    @ParameterizedTest
    @CsvSource({"gray, 808080", "gray16, 808080", "rgb16, C86432", "palette, C86432"})
    void pngColourTypes(String kind, String rgbHex) throws IOException {
        ArgbImage img = ImageFiles.read(file(kind + ".png", TestImages.png(kind, 8, 6)));
        assertThat(img.width()).isEqualTo(8);
        int expected = Integer.parseInt(rgbHex, 16);
        int actual = img.get(3, 3);
        assertThat(actual >>> 24).isEqualTo(0xFF);
        for (int shift : new int[] {0, 8, 16}) {
            assertThat((actual >> shift) & 0xFF).as("%s: %06x", kind, actual & 0xFFFFFF)
                    .isCloseTo((expected >> shift) & 0xFF, org.assertj.core.data.Offset.offset(1));
        }
    }

    @Test
    void grayJpegKeepsItsLevels() throws IOException {
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                gray.getRaster().setSample(x, y, 0, 128);
            }
        }
        int v = ImageFiles.read(file("gray.jpg", TestImages.encode(gray, "jpeg"))).get(8, 8);
        assertThat(v & 0xFF).isCloseTo(128, org.assertj.core.data.Offset.offset(2));
        assertThat((v >> 16) & 0xFF).isEqualTo(v & 0xFF);
    }

    @Test
    void grayWithAlphaPngKeepsAlpha() throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(1, 1, 0x80404040);
        ArgbImage read = ImageFiles.read(file("alpha.png", TestImages.encode(img, "png")));
        assertThat(read.get(1, 1) >>> 24).isEqualTo(0x80);
        assertThat(read.get(0, 0) >>> 24).isZero();
    }

    @Test
    void hugePngIsRejectedBeforeDecoding() throws IOException {
        Path p = file("bomb.png", TestImages.pngDeclaring(100_000, 100_000));
        assertThat(Files.size(p)).isLessThan(200);
        assertFails(p, ErrorCode.IMAGE_TOO_LARGE);
    }

    @Test
    void hugeJpegIsRejectedBeforeDecoding() throws IOException {
        assertFails(file("bomb.jpg", TestImages.jpegDeclaring(65_000, 65_000)), ErrorCode.IMAGE_TOO_LARGE);
    }

    @Test
    void pixelLimitIsConfigurable() throws IOException {
        Path p = file("small.png", TestImages.encode(TestImages.quadrants(20, 10), "png"));
        assertThatThrownBy(() -> ImageFiles.read(p, 199))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE));
        assertThat(ImageFiles.read(p, 200).width()).isEqualTo(20);
    }

    @ParameterizedTest
    @CsvSource({"1,false", "2,false", "3,false", "4,false", "5,false", "6,false", "7,false", "8,false",
            "1,true", "2,true", "3,true", "4,true", "5,true", "6,true", "7,true", "8,true"})
    void exifOrientationLandsUpright(int orientation, boolean bigEndian) throws IOException {
        int w = 64;
        int h = 32;
        BufferedImage upright = TestImages.quadrants(w, h);
        byte[] jpeg = TestImages.exifJpeg(upright, orientation, bigEndian);
        assertThat(Orientation.readJpeg(jpeg)).isEqualTo(Orientation.fromExif(orientation));
        ArgbImage img = ImageFiles.read(file("exif-" + orientation + ".jpg", jpeg));
        assertThat(img.width()).isEqualTo(w);
        assertThat(img.height()).isEqualTo(h);
        for (int[] at : new int[][] {{w / 4, h / 4}, {3 * w / 4, h / 4}, {w / 4, 3 * h / 4}, {3 * w / 4, 3 * h / 4}}) {
            int expected = TestImages.quadrantColor(at[0], at[1], w, h);
            int actual = img.get(at[0], at[1]);
            for (int shift : new int[] {0, 8, 16}) {
                assertThat((actual >> shift) & 0xFF).as("orientation %d at %d,%d: %06x", orientation, at[0], at[1], actual & 0xFFFFFF)
                        .isCloseTo((expected >> shift) & 0xFF, org.assertj.core.data.Offset.offset(40));
            }
        }
    }

    @Test
    void brokenExifBlocksAreIgnored() throws IOException {
        byte[] plain = TestImages.encode(TestImages.quadrants(16, 8), "jpeg");
        byte[][] broken = {
                TestImages.segment(0xE1, "Exif\0\0MM\0*\u007f\u007f\u007f\u007f".getBytes(StandardCharsets.ISO_8859_1)),
                TestImages.segment(0xE1, "Exif\0\0II*\0\u0008\0\0\0\u00ff\u00ff".getBytes(StandardCharsets.ISO_8859_1)),
                TestImages.segment(0xE1, "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1)),
        };
        for (byte[] seg : broken) {
            ArgbImage img = ImageFiles.read(file("broken-exif.jpg", TestImages.insertAfterSoi(plain, seg)));
            assertThat(img.width()).isEqualTo(16);
        }
    }

    @Test
    void failedWritesLeaveNoFile() throws IOException {
        ArgbImage transparent = ArgbImage.create(4, 4);
        Path jpg = dir.resolve("out.jpg");
        assertThatThrownBy(() -> ImageFiles.write(transparent, jpg, 0.9f))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        assertThatThrownBy(() -> ImageFiles.write(transparent, blocker.resolve("out.png"), 0.9f))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR));
        ArgbImage opaque = new ArgbImage(4, 4, filled(16, 0xFF102030));
        assertThatThrownBy(() -> ImageFiles.write(opaque, jpg, 1.5f))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("blocker");
        }
    }

    @Test
    void decodingFromEightThreadsMatchesOneThread() throws Exception {
        List<byte[]> files = new java.util.ArrayList<>();
        for (int o = 1; o <= 8; o++) {
            files.add(TestImages.exifJpeg(TestImages.quadrants(40 + o, 24), o, o % 2 == 0));
            files.add(TestImages.png(o % 2 == 0 ? "gray16" : "palette", 10 + o, 7));
            files.add(TestImages.fourChannelJpeg(16, 8 + o, o % 2 == 0));
        }
        List<int[]> serial = new java.util.ArrayList<>();
        for (byte[] f : files) {
            serial.add(ImageFiles.decode(f, "serial", ImageFiles.DEFAULT_MAX_PIXELS).pixels());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<int[]>> parallel = new java.util.ArrayList<>();
            for (int round = 0; round < 10; round++) {
                for (byte[] f : files) {
                    parallel.add(pool.submit(() -> ImageFiles.decode(f, "parallel", ImageFiles.DEFAULT_MAX_PIXELS).pixels()));
                }
            }
            for (int i = 0; i < parallel.size(); i++) {
                assertThat(parallel.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(serial.get(i % files.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int[] filled(int n, int argb) {
        int[] a = new int[n];
        Arrays.fill(a, argb);
        return a;
    }

    /** Random pixels compress badly, so a cut anywhere lands inside the image data. */
    private static BufferedImage noisy(int w, int h) {
        java.util.Random r = new java.util.Random(7);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        return img;
    }
}
