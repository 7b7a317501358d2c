package io.bgswap.image;

import ar.com.hjg.pngj.FilterType;
import ar.com.hjg.pngj.ImageInfo;
import ar.com.hjg.pngj.ImageLineByte;
import ar.com.hjg.pngj.PngWriter;
import ar.com.hjg.pngj.PngjException;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes PNG files with PNGJ, row by row from the image's packed pixels: 8-bit RGB, or RGBA when
 * the image has transparency, with no ancillary chunks (the pixels are sRGB, which a viewer
 * assumes without a chunk).
 *
 * <p>Every row takes the Up filter (each byte minus the one above it) and the rows are deflated
 * at level 2. In a photograph of a few megapixels the pixel above predicts a pixel about as well
 * as Paeth's choice among left, above and upper left, at one subtraction per byte instead of
 * three differences and two comparisons. On the nine evaluation portraits (composites on a colour,
 * on a blurred photo, and cut-outs with their reference mattes; level 2, one process, CPU of one
 * thread): 41.5-41.9 against 60.4-72.4 ms and 717 against 723 kB on a colour, 47.3-49.4 against
 * 74.6-80.9 ms and 821 against 833 kB for cut-outs, 61.5-68.9 against 91.4-106.2 ms and 1079
 * against 1093 kB on a blurred photo; per photo the files were 4 % smaller to 3 % larger.
 *
 * <p>With the Paeth filter, against ImageIO's writer at the deflate level bgswap used before (its
 * filter chosen per row), on 1920 x 1080 results of the evaluation portrait p_09ba26b4, CPU time
 * of one thread, mean of 8 encodings in one process: on a colour 80.7 ms and 743 kB instead of
 * 187.1 ms and 1036 kB; a transparent cut-out 152.4 ms and 2004 kB instead of 182.7 ms and
 * 2932 kB. The pixels read back are the same. {@code ImageIoBench} compares it with ImageIO's
 * defaults on every evaluation portrait.
 */
final class PngEncoder {
    /**
     * The deflate level. Level 4 made the same two files 4-8 % smaller (710 against 743 kB, 1854
     * against 2005 kB) for 20-40 % more CPU time.
     */
    static final int DEFLATE_LEVEL = 2;

    private PngEncoder() {
    }

    /**
     * @param image the pixels
     * @param alpha whether to keep the alpha channel (RGBA) or drop it (RGB)
     * @param out   where the file goes; left open
     * @throws IOException when writing fails
     */
    static void write(ArgbImage image, boolean alpha, OutputStream out) throws IOException {
        int w = image.width();
        ImageInfo info = new ImageInfo(w, image.height(), 8, alpha);
        PngWriter writer = new PngWriter(out, info);
        try {
            writer.setShouldCloseStream(false);
            writer.setCompLevel(DEFLATE_LEVEL);
            writer.setFilterType(FilterType.FILTER_UP);
            ImageLineByte line = new ImageLineByte(info);
            byte[] row = line.getScanline();
            int[] pixels = image.pixels();
            for (int y = 0; y < image.height(); y++) {
                int j = 0;
                for (int i = y * w, end = i + w; i < end; i++) {
                    int p = pixels[i];
                    row[j++] = (byte) (p >> 16);
                    row[j++] = (byte) (p >> 8);
                    row[j++] = (byte) p;
                    if (alpha) {
                        row[j++] = (byte) (p >>> 24);
                    }
                }
                writer.writeRow(line);
            }
            writer.end();
        } catch (PngjException e) {
            // PNGJ wraps the stream's IOException (disk full, closed stream) in its own unchecked one
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IOException io) {
                    throw io;
                }
            }
            throw new IOException("PNG encoding failed: " + e.getMessage(), e);
        } finally {
            writer.close();
        }
    }
}
