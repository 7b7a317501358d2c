package io.bgswap.image;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.internal.AtomicFiles;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads and writes image files without surprises: JPEG, PNG, WebP (lossy, lossless, with alpha),
 * BMP, GIF (its first frame) and TIFF are read; EXIF orientation of JPEG, WebP and TIFF files is
 * applied; the pixel count is checked against a limit before any pixel is decoded (no decompression
 * bombs); alpha is kept in PNG output; files are written atomically. Every failure is a
 * {@link BgSwapException} that names the file. Output is PNG or JPEG ({@link ImageFormat}).
 *
 * <p>Decoded images are in sRGB: an embedded ICC colour profile (Display P3 from phones, Adobe RGB,
 * ...) is applied on reading, so the colours look as they did in the input; files without a profile
 * are taken to be sRGB. Written files carry no profile and are sRGB.
 * Thread-safe: the class holds no state.
 */
public final class ImageFiles {
    /** Default limit on decoded pixels: 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    static {
        ImageIO.setUseCache(false);
    }

    private ImageFiles() {
    }

    /**
     * Reads an image file with the default pixel limit.
     *
     * @param file the file
     * @return the upright image
     */
    public static ArgbImage read(Path file) {
        return read(file, DEFAULT_MAX_PIXELS);
    }

    /**
     * @param file      the file
     * @param maxPixels the largest width × height accepted
     * @return the upright image
     */
    public static ArgbImage read(Path file, long maxPixels) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, file + ": no such file", e);
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString(), maxPixels);
    }

    /**
     * Decodes an encoded image held in memory.
     *
     * @param bytes     the encoded file
     * @param name      a name for error messages (a file name, "request body", ...)
     * @param maxPixels the largest width × height accepted
     * @return the upright image
     */
    public static ArgbImage decode(byte[] bytes, String name, long maxPixels) {
        if (bytes.length == 0) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_IMAGE, name + ": empty file");
        }
        BufferedImage decoded;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BgSwapException(ErrorCode.UNSUPPORTED_IMAGE,
                        name + ": not an image, or a format bgswap cannot read (use JPEG, PNG, WebP, BMP, GIF or TIFF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new BgSwapException(ErrorCode.IMAGE_TOO_LARGE, String.format(
                            "%s: %dx%d is %.1f megapixels, above the limit of %.1f",
                            name, reader.getWidth(0), reader.getHeight(0), pixels / 1e6, maxPixels / 1e6));
                }
                AtomicReference<String> warning = new AtomicReference<>();
                reader.addIIOReadWarningListener((source, message) -> warning.compareAndSet(null, message));
                decoded = reader.read(0);
                if (warning.get() != null && isTruncationWarning(warning.get())) {
                    throw new BgSwapException(ErrorCode.TRUNCATED_IMAGE, name + ": truncated image (" + warning.get() + ")");
                }
            } finally {
                reader.dispose();
            }
        } catch (BgSwapException e) {
            throw e;
        } catch (EOFException e) {
            throw new BgSwapException(ErrorCode.TRUNCATED_IMAGE, name + ": truncated image", e);
        } catch (IOException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            ErrorCode code = isTruncationWarning(message) || hasEofCause(e) || looksCut(bytes)
                    ? ErrorCode.TRUNCATED_IMAGE : ErrorCode.UNSUPPORTED_IMAGE;
            throw new BgSwapException(code, name + (code == ErrorCode.TRUNCATED_IMAGE ? ": truncated image, " : ": ")
                    + "cannot decode image: " + message, e);
        } catch (OutOfMemoryError e) {
            // Only this image's buffers were being allocated: they are garbage now, the JVM goes on.
            throw new BgSwapException(ErrorCode.IMAGE_TOO_LARGE, name + ": not enough memory to decode it; "
                    + "lower the pixel limit or give the JVM more heap (-Xmx)", e);
        }
        ArgbImage stored = IccProfiles.toSrgb(decoded, bytes, name);
        return Orientation.read(bytes).apply(stored);
    }

    /**
     * Tells a file that stops early from one that is damaged inside: a JPEG must end with its EOI
     * marker, a PNG must hold its IEND chunk, a WebP must be as long as its RIFF header says. Used to
     * classify failures only.
     */
    static boolean looksCut(byte[] b) {
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            long riffSize = (b[4] & 0xFFL) | (b[5] & 0xFFL) << 8 | (b[6] & 0xFFL) << 16 | (b[7] & 0xFFL) << 24;
            return riffSize + 8 > b.length;
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            int end = b.length;
            while (end > 2 && b[end - 1] == 0) {
                end--;
            }
            return end < 4 || (b[end - 2] & 0xFF) != 0xFF || (b[end - 1] & 0xFF) != 0xD9;
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            for (int i = b.length - 4; i >= 8; i--) {
                if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean hasEofCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTruncationWarning(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("premature end") || m.contains("truncated") || m.contains("unexpected end")
                || m.contains("end of file") || m.contains("eof");
    }

    /**
     * Writes an image atomically, in the format its extension names.
     *
     * @param image   the image
     * @param file    target path ending in .png, .jpg or .jpeg
     * @param quality JPEG quality in (0, 1]; ignored for PNG
     */
    public static void write(ArgbImage image, Path file, float quality) {
        ImageFormat format = ImageFormat.fromPath(file);
        checkAlpha(image, format, file.toString());
        AtomicFiles.write(file, out -> encode(image, format, quality, out));
    }

    /**
     * @param image   the image
     * @param format  the format
     * @param quality JPEG quality in (0, 1]; ignored for PNG
     * @return the encoded bytes
     */
    public static byte[] encode(ArgbImage image, ImageFormat format, float quality) {
        checkAlpha(image, format, "output");
        ByteArrayOutputStream out = new ByteArrayOutputStream(image.width() * image.height());
        try {
            encode(image, format, quality, out);
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot encode " + format + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void checkAlpha(ArgbImage image, ImageFormat format, String name) {
        if (!format.supportsAlpha() && image.hasTransparency()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                    name + ": " + format + " cannot store transparency; write a .png file or choose an opaque background");
        }
    }

    private static void encode(ArgbImage image, ImageFormat format, float quality, OutputStream out) throws IOException {
        if (format == ImageFormat.PNG) {
            PngEncoder.write(image, image.hasTransparency(), out);
            return;
        }
        // a view, not a copy: the write is over before this method returns
        BufferedImage buffered = Images.view(image, format.supportsAlpha() && image.hasTransparency());
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format.imageIoName());
        if (!writers.hasNext()) {
            throw new IOException("no ImageIO writer for " + format);
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format == ImageFormat.JPEG) {
                if (!(quality > 0f && quality <= 1f)) {
                    throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "JPEG quality must be in (0, 1], was " + quality);
                }
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
            writer.write(null, new IIOImage(buffered, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
