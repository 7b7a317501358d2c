import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes the small images that bgswap-api's format tests read (see make.sh beside this file):
 * a four-colour pattern as PNG, BMP, TIFF and GIF (three frames), the same pattern with alpha,
 * a Display P3 ICC profile computed from the published primaries, and P3-tagged PNG and JPEG.
 * Everything is drawn here; nothing is copied from elsewhere.
 */
public final class MakeFormatSamples {
    static final int W = 64;
    static final int H = 48;
    /** Quadrant colours: top-left, top-right, bottom-left, bottom-right. */
    static final int[] QUADRANTS = {0xDC2828, 0x28B43C, 0x283CC8, 0xF0F0F0};
    /** The patch colour of the P3 images, as P3 values. */
    static final int P3_PATCH = 0xC86432;

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        BufferedImage pattern = pattern(false);
        ImageIO.write(pattern, "png", dir.resolve("pattern.png").toFile());
        ImageIO.write(pattern, "bmp", dir.resolve("pattern.bmp").toFile());
        writeTiff(pattern, dir.resolve("pattern.tiff"));
        writeTiff(pattern, dir.resolve("rotated.tiff"), 6);
        ImageIO.write(pattern(true), "png", dir.resolve("pattern-alpha.png").toFile());
        writeGif(dir.resolve("frames.gif"));

        byte[] icc = displayP3Profile();
        Files.write(dir.resolve("display-p3.icc"), icc);
        BufferedImage patch = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                patch.setRGB(x, y, P3_PATCH);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(patch, "png", png);
        Files.write(dir.resolve("p3.png"), withPngIcc(png.toByteArray(), icc));
        Files.write(dir.resolve("p3.jpg"), withJpegIcc(jpeg(patch), icc));
        writeTiff(inColourSpace(patch, new ICC_ColorSpace(ICC_Profile.getInstance(icc))), dir.resolve("p3.tiff"));

        // frames of animated.webp (assembled by make.sh, then removed)
        ImageIO.write(pattern, "png", dir.resolve("frame-1.png").toFile());
        ImageIO.write(solid(0xFF0000), "png", dir.resolve("frame-2.png").toFile());
    }

    /** The same sample values, declared to be in {@code space}: the TIFF writer then embeds its profile. */
    static BufferedImage inColourSpace(BufferedImage rgb, ColorSpace space) {
        ComponentColorModel model = new ComponentColorModel(space, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(rgb.getWidth(), rgb.getHeight());
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                raster.setPixel(x, y, new int[] {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF});
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    static BufferedImage solid(int rgb) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    static BufferedImage pattern(boolean alpha) {
        BufferedImage img = new BufferedImage(W, H, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int q = (y < H / 2 ? 0 : 2) + (x < W / 2 ? 0 : 1);
                // with alpha: the top half opaque, the bottom half at 0x80, the last 8 columns clear
                int a = !alpha ? 0xFF : x >= W - 8 ? 0 : y < H / 2 ? 0xFF : 0x80;
                img.setRGB(x, y, (a << 24) | QUADRANTS[q]);
            }
        }
        return img;
    }

    static void writeTiff(BufferedImage img, Path file) throws IOException {
        writeTiff(img, file, 1);
    }

    /** An LZW TIFF with the given orientation tag (274). */
    static void writeTiff(BufferedImage img, Path file, int orientation) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType("LZW");
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
            if (orientation != 1) {
                String format = "javax_imageio_tiff_image_1.0";
                IIOMetadataNode root = new IIOMetadataNode(format);
                IIOMetadataNode ifd = new IIOMetadataNode("TIFFIFD");
                IIOMetadataNode field = new IIOMetadataNode("TIFFField");
                field.setAttribute("number", "274");
                IIOMetadataNode shorts = new IIOMetadataNode("TIFFShorts");
                IIOMetadataNode value = new IIOMetadataNode("TIFFShort");
                value.setAttribute("value", Integer.toString(orientation));
                shorts.appendChild(value);
                field.appendChild(shorts);
                ifd.appendChild(field);
                root.appendChild(ifd);
                meta.mergeTree(format, root);
            }
            writer.write(null, new IIOImage(img, null, meta), param);
        } finally {
            writer.dispose();
        }
    }

    /** Three frames: the pattern, then a red and a blue frame, 0.2 s each, looping. */
    static void writeGif(Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            int[] solid = {-1, 0xFF0000, 0x0000FF};
            for (int f = 0; f < 3; f++) {
                BufferedImage frame = pattern(false);
                if (solid[f] >= 0) {
                    for (int y = 0; y < H; y++) {
                        for (int x = 0; x < W; x++) {
                            frame.setRGB(x, y, solid[f]);
                        }
                    }
                }
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
                String format = meta.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
                IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", "20");
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                meta.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(frame, null, meta), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    static byte[] jpeg(BufferedImage img) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(1f);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Puts an iCCP chunk right after IHDR. */
    static byte[] withPngIcc(byte[] png, byte[] icc) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write("Display P3".getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        data.write(0); // deflate
        try (DeflaterOutputStream z = new DeflaterOutputStream(data, new Deflater(9))) {
            z.write(icc);
        }
        byte[] body = data.toByteArray();
        ByteBuffer chunk = ByteBuffer.allocate(12 + body.length);
        chunk.putInt(body.length).put("iCCP".getBytes(StandardCharsets.US_ASCII)).put(body);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + body.length);
        chunk.putInt((int) crc.getValue());
        int afterIhdr = 8 + 8 + 13 + 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterIhdr);
        out.write(chunk.array());
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    /** Puts an APP2 ICC_PROFILE segment after the JFIF segment. */
    static byte[] withJpegIcc(byte[] jpeg, byte[] icc) {
        int app0End = 2 + 2 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        byte[] name = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer seg = ByteBuffer.allocate(4 + name.length + 2 + icc.length);
        seg.put((byte) 0xFF).put((byte) 0xE2).putShort((short) (2 + name.length + 2 + icc.length))
                .put(name).put((byte) 1).put((byte) 1).put(icc);
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + seg.capacity());
        out.put(jpeg, 0, app0End).put(seg.array()).put(jpeg, app0End, jpeg.length - app0End);
        return out.array();
    }

    /**
     * An ICC v2 display profile for Display P3: the DCI-P3 primaries with a D65 white point, adapted to
     * the D50 connection space with the Bradford transform, and the sRGB tone curve.
     */
    static byte[] displayP3Profile() {
        double[][] rgbToXyzD65 = rgbToXyz(new double[][] {{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}}, 0.3127, 0.3290);
        double[][] adapt = bradford(new double[] {0.95047, 1.0, 1.08883}, new double[] {0.96422, 1.0, 0.82521});
        double[][] m = multiply(adapt, rgbToXyzD65);

        ByteArrayOutputStream desc = new ByteArrayOutputStream();
        byte[] text = "Display P3 (bgswap test profile)\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer d = ByteBuffer.allocate(12 + text.length + 4 + 4 + 2 + 1 + 67);
        d.put("desc".getBytes(StandardCharsets.US_ASCII)).putInt(0).putInt(text.length).put(text);
        desc.writeBytes(d.array());
        byte[] cprtText = "No copyright, use freely\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer cprt = ByteBuffer.allocate(8 + cprtText.length);
        cprt.put("text".getBytes(StandardCharsets.US_ASCII)).putInt(0).put(cprtText);
        ByteBuffer curve = ByteBuffer.allocate(12 + 2 * 1024);
        curve.put("curv".getBytes(StandardCharsets.US_ASCII)).putInt(0).putInt(1024);
        for (int i = 0; i < 1024; i++) {
            double v = i / 1023.0;
            double linear = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
            curve.putShort((short) Math.round(linear * 65535));
        }
        String[] sigs = {"desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC"};
        byte[][] data = {desc.toByteArray(), cprt.array(), xyz(0.96422, 1.0, 0.82521),
                xyz(m[0][0], m[1][0], m[2][0]), xyz(m[0][1], m[1][1], m[2][1]), xyz(m[0][2], m[1][2], m[2][2]),
                curve.array(), null, null};
        int tableEnd = 128 + 4 + 12 * sigs.length;
        int[] offsets = new int[sigs.length];
        int pos = tableEnd;
        for (int i = 0; i < sigs.length; i++) {
            if (data[i] == null) { // gTRC and bTRC share rTRC's curve
                offsets[i] = offsets[6];
                data[i] = data[6];
                continue;
            }
            offsets[i] = pos;
            pos += (data[i].length + 3) & ~3;
        }
        ByteBuffer p = ByteBuffer.allocate(pos);
        p.putInt(pos).putInt(0).putInt(0x02100000).put("mntrRGB XYZ ".getBytes(StandardCharsets.US_ASCII));
        p.putShort((short) 2026).putShort((short) 1).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        p.put("acsp".getBytes(StandardCharsets.US_ASCII));
        p.position(64);
        p.putInt(0); // perceptual
        p.put(xyz(0.9642, 1.0, 0.8249), 8, 12);
        p.position(128);
        p.putInt(sigs.length);
        for (int i = 0; i < sigs.length; i++) {
            p.put(sigs[i].getBytes(StandardCharsets.US_ASCII)).putInt(offsets[i]).putInt(data[i].length);
        }
        for (int i = 0; i < sigs.length; i++) {
            p.position(offsets[i]);
            p.put(data[i]);
        }
        return p.array();
    }

    static byte[] xyz(double x, double y, double z) {
        return ByteBuffer.allocate(20).put("XYZ ".getBytes(StandardCharsets.US_ASCII)).putInt(0)
                .putInt(s15f16(x)).putInt(s15f16(y)).putInt(s15f16(z)).array();
    }

    static int s15f16(double v) {
        return (int) Math.round(v * 65536);
    }

    /** The RGB to XYZ matrix of primaries (x, y) and a white point (x, y) with Y = 1. */
    static double[][] rgbToXyz(double[][] primaries, double wx, double wy) {
        double[][] p = new double[3][3];
        for (int c = 0; c < 3; c++) {
            double x = primaries[c][0];
            double y = primaries[c][1];
            p[0][c] = x / y;
            p[1][c] = 1;
            p[2][c] = (1 - x - y) / y;
        }
        double[] white = {wx / wy, 1, (1 - wx - wy) / wy};
        double[] s = multiply(invert(p), white);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                p[r][c] *= s[c];
            }
        }
        return p;
    }

    static double[][] bradford(double[] from, double[] to) {
        double[][] b = {{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}};
        double[] f = multiply(b, from);
        double[] t = multiply(b, to);
        double[][] scale = {{t[0] / f[0], 0, 0}, {0, t[1] / f[1], 0}, {0, 0, t[2] / f[2]}};
        return multiply(invert(b), multiply(scale, b));
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    r[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return r;
    }

    static double[] multiply(double[][] a, double[] v) {
        double[] r = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                r[i] += a[i][k] * v[k];
            }
        }
        return r;
    }

    static double[][] invert(double[][] m) {
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int i1 = (j + 1) % 3;
                int i2 = (j + 2) % 3;
                int j1 = (i + 1) % 3;
                int j2 = (i + 2) % 3;
                r[i][j] = (m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1]) / det;
            }
        }
        return r;
    }
}
