package io.bgswap.testing;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Builds image files for tests, good and bad, byte by byte where ImageIO cannot: EXIF orientation,
 * CMYK and YCCK JPEGs, PNGs of every colour type, headers that declare huge dimensions. Nothing
 * here comes from a third-party file. Thread-safe: the class holds no state.
 */
public final class TestImages {
    private TestImages() {
    }

    /** An opaque image with four coloured quadrants (red, green / blue, white) so any turn or flip shows. */
    public static BufferedImage quadrants(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, quadrantColor(x, y, w, h));
            }
        }
        return img;
    }

    /** @return the colour {@link #quadrants} puts at (x, y) */
    public static int quadrantColor(int x, int y, int w, int h) {
        boolean right = x >= w / 2;
        boolean bottom = y >= h / 2;
        if (!bottom) {
            return right ? 0x00C000 : 0xE00000;
        }
        return right ? 0xFFFFFF : 0x0000E0;
    }

    /** @return the image encoded by ImageIO in the given format ("png", "jpeg", "bmp", "gif") */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (format.equals("jpeg")) {
                writeJpeg(new IIOImage(image, null, null), out, 0.95f);
            } else if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeJpeg(IIOImage image, ByteArrayOutputStream out, float quality) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, image, p);
        } finally {
            writer.dispose();
        }
    }

    /**
     * Stores {@code upright} as a JPEG the way a camera with the given EXIF orientation would: the
     * pixels turned or mirrored, plus an APP1 Exif block holding the tag that undoes it.
     *
     * @param upright     how the picture should look
     * @param orientation EXIF value 1..8
     * @param bigEndian   TIFF byte order of the Exif block
     */
    public static byte[] exifJpeg(BufferedImage upright, int orientation, boolean bigEndian) {
        int w = upright.getWidth();
        int h = upright.getHeight();
        boolean swap = orientation >= 5;
        int sw = swap ? h : w;
        int sh = swap ? w : h;
        BufferedImage stored = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        for (int ys = 0; ys < sh; ys++) {
            for (int xs = 0; xs < sw; xs++) {
                int x;
                int y;
                // Where the stored row 0 / column 0 lie in the upright picture, per the EXIF standard.
                switch (orientation) {
                    case 1: x = xs; y = ys; break;
                    case 2: x = w - 1 - xs; y = ys; break;
                    case 3: x = w - 1 - xs; y = h - 1 - ys; break;
                    case 4: x = xs; y = h - 1 - ys; break;
                    case 5: x = ys; y = xs; break;
                    case 6: x = w - 1 - ys; y = xs; break;
                    case 7: x = w - 1 - ys; y = h - 1 - xs; break;
                    case 8: x = ys; y = h - 1 - xs; break;
                    default: throw new IllegalArgumentException("orientation " + orientation);
                }
                stored.setRGB(xs, ys, upright.getRGB(x, y));
            }
        }
        return insertAfterSoi(encode(stored, "jpeg"), exifSegment(orientation, bigEndian));
    }

    /** @return an APP1 segment (marker included) with a one-entry IFD0 holding the orientation */
    public static byte[] exifSegment(int orientation, boolean bigEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4);
        tiff.order(bigEndian ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        tiff.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I');
        tiff.putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
        return segment(0xE1, concat(exif, tiff.array()));
    }

    /**
     * A four-channel (CMYK or YCCK) JPEG: the left half carries no ink, the right half full black.
     * The channel values follow Adobe's convention (inverted, APP14 marker with the transform flag).
     *
     * @param ycck {@code true} for Adobe transform 2 (YCCK), {@code false} for 0 (plain CMYK)
     */
    public static byte[] fourChannelJpeg(int w, int h, boolean ycck) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        // Inverted CMYK: 255 = no ink. In YCCK the first three channels are Y/Cb/Cr of (255 - inverted CMY).
        int[] noInk = ycck ? new int[] {0, 128, 128, 255} : new int[] {255, 255, 255, 255};
        int[] black = ycck ? new int[] {0, 128, 128, 0} : new int[] {255, 255, 255, 0};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, x < w / 2 ? noInk : black);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeJpeg(new IIOImage(raster, null, null), out, 0.98f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] jpeg = stripSegments(out.toByteArray(), 0xEE, 0xE0);
        byte[] adobe = segment(0xEE, concat("Adobe".getBytes(StandardCharsets.ISO_8859_1),
                new byte[] {0, 100, 0, 0, 0, 0, (byte) (ycck ? 2 : 0)}));
        return insertAfterSoi(jpeg, adobe);
    }

    /** @return a PNG of the given type built by ImageIO: gray, gray16, rgb16, palette, gray-alpha */
    public static byte[] png(String kind, int w, int h) {
        BufferedImage img;
        switch (kind) {
            case "gray":
                img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                fill(img.getRaster(), 0, 128);
                break;
            case "gray16":
                img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
                fill(img.getRaster(), 0, 128 * 257);
                break;
            case "rgb16": {
                ImageTypeSpecifier spec = ImageTypeSpecifier.createInterleaved(
                        java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB),
                        new int[] {0, 1, 2}, DataBuffer.TYPE_USHORT, false, false);
                img = spec.createBufferedImage(w, h);
                fill(img.getRaster(), 0, 200 * 257);
                fill(img.getRaster(), 1, 100 * 257);
                fill(img.getRaster(), 2, 50 * 257);
                break;
            }
            case "palette": {
                byte[] r = {(byte) 200, 10};
                byte[] g = {100, 20};
                byte[] b = {50, 30};
                img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
                fill(img.getRaster(), 0, 0);
                break;
            }
            default:
                throw new IllegalArgumentException(kind);
        }
        return encode(img, "png");
    }

    private static void fill(WritableRaster r, int band, int value) {
        for (int y = 0; y < r.getHeight(); y++) {
            for (int x = 0; x < r.getWidth(); x++) {
                r.setSample(x, y, band, value);
            }
        }
    }

    /** A PNG whose header declares {@code w x h} 8-bit RGB pixels, with a tiny (wrong) data stream. */
    public static byte[] pngDeclaring(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater d = new Deflater();
        d.setInput(new byte[1024]);
        d.finish();
        byte[] buf = new byte[2048];
        int n = d.deflate(buf);
        d.end();
        byte[] idat = java.util.Arrays.copyOf(buf, n);
        return concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
                chunk("IHDR", ihdr.array()), chunk("IDAT", idat), chunk("IEND", new byte[0]));
    }

    /** A baseline JPEG whose frame header declares {@code w x h} with no real scan data. */
    public static byte[] jpegDeclaring(int w, int h) {
        byte[] good = encode(quadrants(16, 16), "jpeg");
        // Rewrite the size fields of the SOF0 segment of a real file: all tables stay valid.
        for (int p = 2; p + 9 < good.length; ) {
            int marker = good[p + 1] & 0xFF;
            int len = ((good[p + 2] & 0xFF) << 8) | (good[p + 3] & 0xFF);
            if (marker == 0xC0) {
                good[p + 5] = (byte) (h >> 8);
                good[p + 6] = (byte) h;
                good[p + 7] = (byte) (w >> 8);
                good[p + 8] = (byte) w;
                return good;
            }
            p += 2 + len;
        }
        throw new IllegalStateException("no SOF0");
    }

    /** @return a PNG chunk with its CRC */
    public static byte[] chunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data).putInt((int) crc.getValue()).array();
    }

    /** @return a JPEG marker segment: FF, marker, length, payload */
    public static byte[] segment(int marker, byte[] payload) {
        int len = payload.length + 2;
        return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (len >> 8), (byte) len}, payload);
    }

    /** @return the JPEG with the segment inserted right after its SOI marker */
    public static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        return concat(java.util.Arrays.copyOf(jpeg, 2), segment, java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length));
    }

    /** @return the JPEG without the header segments of the given markers (before the scan) */
    public static byte[] stripSegments(byte[] jpeg, int... markers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int p = 2;
        while (p + 4 <= jpeg.length) {
            int marker = jpeg[p + 1] & 0xFF;
            if (marker == 0xDA) {
                break;
            }
            int len = ((jpeg[p + 2] & 0xFF) << 8) | (jpeg[p + 3] & 0xFF);
            boolean drop = false;
            for (int m : markers) {
                drop |= m == marker;
            }
            if (!drop) {
                out.write(jpeg, p, 2 + len);
            }
            p += 2 + len;
        }
        out.write(jpeg, p, jpeg.length - p);
        return out.toByteArray();
    }

    /** @return the arrays joined */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }
}
