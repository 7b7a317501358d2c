package io.bgswap.image;

import com.twelvemonkeys.imageio.color.ColorProfiles;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Brings decoded pixels into sRGB, the colour space every bgswap image is in. The JPEG, WebP and TIFF
 * readers apply an embedded ICC profile themselves (or hand back an image in the profile's colour
 * space, converted here); the JDK's PNG reader ignores the {@code iCCP} chunk, so its profile is read
 * here and applied. A profile that cannot be parsed is logged and ignored, as browsers do.
 * Thread-safe: no state.
 */
final class IccProfiles {
    private static final Logger LOG = LoggerFactory.getLogger(IccProfiles.class);
    /** Real profiles are a few kilobytes; Display P3 with lookup tables stays far below this. */
    private static final int MAX_PROFILE_BYTES = 4 << 20;

    private IccProfiles() {
    }

    /**
     * @param decoded what the reader returned
     * @param file    the encoded file, searched for a profile the reader did not apply
     * @param name    a name for log messages
     * @return the pixels in sRGB, as stored (not yet turned upright)
     */
    static ArgbImage toSrgb(BufferedImage decoded, byte[] file, String name) {
        ColorSpace space = decoded.getColorModel().getColorSpace();
        if (space.getType() != ColorSpace.TYPE_RGB) {
            return Images.fromBufferedImage(decoded);
        }
        if (!space.isCS_sRGB()) {
            BufferedImage srgb = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_INT_ARGB);
            new ColorConvertOp(null).filter(decoded, srgb);
            return Images.fromBufferedImage(srgb);
        }
        ArgbImage image = Images.fromBufferedImage(decoded);
        byte[] icc = pngProfile(file);
        if (icc == null) {
            return image;
        }
        ICC_Profile profile;
        try {
            profile = ColorProfiles.createProfile(icc);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: embedded colour profile is broken, colours are taken as sRGB ({})", name, e.getMessage());
            return image;
        }
        if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB || ColorProfiles.isCS_sRGB(profile)) {
            return image;
        }
        return convert(image, ColorSpaces.createColorSpace(profile));
    }

    /** Reinterprets the pixels as values in {@code space} and converts them to sRGB; alpha is kept. */
    static ArgbImage convert(ArgbImage image, ICC_ColorSpace space) {
        int w = image.width();
        int h = image.height();
        int[] masks = {0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000};
        DirectColorModel model = new DirectColorModel(space, 32, masks[0], masks[1], masks[2], masks[3], false, DataBuffer.TYPE_INT);
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(image.pixels(), w * h), w, h, w, masks, null);
        BufferedImage source = new BufferedImage(model, raster, false, null);
        BufferedImage srgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        new ColorConvertOp(null).filter(source, srgb);
        return new ArgbImage(w, h, ((DataBufferInt) srgb.getRaster().getDataBuffer()).getData());
    }

    /**
     * @param file an encoded file
     * @return the inflated profile of a PNG's {@code iCCP} chunk; null for other files, PNGs without
     *         one, and chunks that cannot be read
     */
    static byte[] pngProfile(byte[] file) {
        if (file.length < 8 || (file[0] & 0xFF) != 0x89 || file[1] != 'P' || file[2] != 'N' || file[3] != 'G') {
            return null;
        }
        int pos = 8;
        while (pos + 8 <= file.length) {
            long length = u32(file, pos);
            String type = new String(file, pos + 4, 4, StandardCharsets.ISO_8859_1);
            int data = pos + 8;
            if (length > file.length - data || type.equals("IDAT")) {
                return null;
            }
            if (type.equals("iCCP")) {
                return inflateProfile(file, data, data + (int) length);
            }
            pos = data + (int) length + 4;
        }
        return null;
    }

    private static byte[] inflateProfile(byte[] b, int start, int end) {
        int nul = start;
        while (nul < end && b[nul] != 0) {
            nul++;
        }
        if (nul + 2 >= end || b[nul + 1] != 0) {
            return null; // no name terminator, or a compression method other than deflate
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(b, nul + 2, end - nul - 2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null;
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_PROFILE_BYTES) {
                    return null;
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    private static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
