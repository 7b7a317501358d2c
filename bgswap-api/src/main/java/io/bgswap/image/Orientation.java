package io.bgswap.image;

/**
 * EXIF orientation (tag 0x0112) of a JPEG, WebP or TIFF file and how to turn the stored pixels upright.
 * Values outside 1..8 are read as {@link #NORMAL}.
 */
public enum Orientation {
    /** 1: stored upright. */
    NORMAL,
    /** 2: mirrored left to right. */
    FLIP_HORIZONTAL,
    /** 3: upside down. */
    ROTATE_180,
    /** 4: mirrored top to bottom. */
    FLIP_VERTICAL,
    /** 5: mirrored along the main diagonal. */
    TRANSPOSE,
    /** 6: needs a quarter turn clockwise. */
    ROTATE_90_CW,
    /** 7: mirrored along the anti-diagonal. */
    TRANSVERSE,
    /** 8: needs a quarter turn counter-clockwise. */
    ROTATE_90_CCW;

    /**
     * @param exifValue the tag's value
     * @return the orientation, {@link #NORMAL} for unknown values
     */
    public static Orientation fromExif(int exifValue) {
        return exifValue >= 1 && exifValue <= 8 ? values()[exifValue - 1] : NORMAL;
    }

    /** @return whether the upright image swaps width and height */
    public boolean swapsAxes() {
        return ordinal() >= TRANSPOSE.ordinal();
    }

    /**
     * @param stored the pixels as stored in the file
     * @return the upright image ({@code stored} itself for {@link #NORMAL})
     */
    public ArgbImage apply(ArgbImage stored) {
        if (this == NORMAL) {
            return stored;
        }
        int w = stored.width();
        int h = stored.height();
        int[] src = stored.pixels();
        int dw = swapsAxes() ? h : w;
        int dh = swapsAxes() ? w : h;
        int[] dst = new int[dw * dh];
        for (int y = 0; y < dh; y++) {
            for (int x = 0; x < dw; x++) {
                int sx;
                int sy;
                switch (this) {
                    case FLIP_HORIZONTAL: sx = w - 1 - x; sy = y; break;
                    case ROTATE_180: sx = w - 1 - x; sy = h - 1 - y; break;
                    case FLIP_VERTICAL: sx = x; sy = h - 1 - y; break;
                    case TRANSPOSE: sx = y; sy = x; break;
                    case ROTATE_90_CW: sx = y; sy = h - 1 - x; break;
                    case TRANSVERSE: sx = w - 1 - y; sy = h - 1 - x; break;
                    case ROTATE_90_CCW: sx = w - 1 - y; sy = x; break;
                    default: throw new AssertionError(this);
                }
                dst[y * dw + x] = src[sy * w + sx];
            }
        }
        return new ArgbImage(dw, dh, dst);
    }

    /**
     * Finds the orientation of a JPEG (EXIF block), WebP (EXIF chunk) or TIFF (first directory) file.
     *
     * @param file the whole file
     * @return the orientation; {@link #NORMAL} for other formats and files without the tag
     */
    public static Orientation read(byte[] file) {
        if (file.length >= 4 && ((file[0] == 'I' && file[1] == 'I' && file[2] == 42 && file[3] == 0)
                || (file[0] == 'M' && file[1] == 'M' && file[2] == 0 && file[3] == 42))) {
            return fromExif(readTiffOrientation(file, 0, file.length));
        }
        if (file.length >= 12 && file[0] == 'R' && file[1] == 'I' && file[2] == 'F' && file[3] == 'F'
                && file[8] == 'W' && file[9] == 'E' && file[10] == 'B' && file[11] == 'P') {
            return readWebp(file);
        }
        return readJpeg(file);
    }

    private static Orientation readWebp(byte[] file) {
        int pos = 12;
        while (pos + 8 <= file.length) {
            long size = u32(file, pos + 4, true);
            int data = pos + 8;
            if (size > file.length - data) {
                return NORMAL;
            }
            if (file[pos] == 'E' && file[pos + 1] == 'X' && file[pos + 2] == 'I' && file[pos + 3] == 'F') {
                int end = data + (int) size;
                // some writers keep the JPEG-style "Exif\0\0" prefix in the chunk
                if (size >= 6 && file[data] == 'E' && file[data + 1] == 'x' && file[data + 4] == 0 && file[data + 5] == 0) {
                    data += 6;
                }
                return fromExif(readTiffOrientation(file, data, end));
            }
            pos = data + (int) size + (int) (size & 1);
        }
        return NORMAL;
    }

    /**
     * Finds the orientation in a JPEG file's EXIF block.
     *
     * @param file the whole file
     * @return the orientation; {@link #NORMAL} when the file is no JPEG or has no such tag
     */
    public static Orientation readJpeg(byte[] file) {
        if (file.length < 4 || (file[0] & 0xFF) != 0xFF || (file[1] & 0xFF) != 0xD8) {
            return NORMAL;
        }
        int pos = 2;
        while (pos + 4 <= file.length) {
            if ((file[pos] & 0xFF) != 0xFF) {
                return NORMAL;
            }
            int marker = file[pos + 1] & 0xFF;
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                pos += 2;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return NORMAL; // image data starts: no EXIF before it
            }
            int length = ((file[pos + 2] & 0xFF) << 8) | (file[pos + 3] & 0xFF);
            int segment = pos + 4;
            int segmentEnd = pos + 2 + length;
            if (length < 2 || segmentEnd > file.length) {
                return NORMAL;
            }
            if (marker == 0xE1 && length >= 8 && file[segment] == 'E' && file[segment + 1] == 'x'
                    && file[segment + 2] == 'i' && file[segment + 3] == 'f'
                    && file[segment + 4] == 0 && file[segment + 5] == 0) {
                return fromExif(readTiffOrientation(file, segment + 6, segmentEnd));
            }
            pos = segmentEnd;
        }
        return NORMAL;
    }

    private static int readTiffOrientation(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        long ifd = u32(b, tiff + 4, little);
        long ifdPos = tiff + ifd;
        if (ifd < 8 || ifdPos + 2 > end) {
            return 1;
        }
        int count = u16(b, (int) ifdPos, little);
        for (int i = 0; i < count; i++) {
            int entry = (int) ifdPos + 2 + 12 * i;
            if (entry + 12 > end) {
                return 1;
            }
            if (u16(b, entry, little) == 0x0112) {
                int type = u16(b, entry + 2, little);
                return type == 3 ? u16(b, entry + 8, little) : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int p, boolean little) {
        int b0 = b[p] & 0xFF;
        int b1 = b[p + 1] & 0xFF;
        return little ? b0 | (b1 << 8) : (b0 << 8) | b1;
    }

    private static long u32(byte[] b, int p, boolean little) {
        long lo = u16(b, little ? p : p + 2, little);
        long hi = u16(b, little ? p + 2 : p, little);
        return (hi << 16) | lo;
    }
}
