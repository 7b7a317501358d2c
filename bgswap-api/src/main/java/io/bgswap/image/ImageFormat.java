package io.bgswap.image;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.nio.file.Path;
import java.util.Locale;

/** Output formats bgswap writes. */
public enum ImageFormat {
    /** Lossless, keeps alpha. */
    PNG("png", "png"),
    /** Lossy, no alpha. */
    JPEG("jpeg", "jpg");

    private final String imageIoName;
    private final String extension;

    ImageFormat(String imageIoName, String extension) {
        this.imageIoName = imageIoName;
        this.extension = extension;
    }

    /** @return the ImageIO format name */
    public String imageIoName() {
        return imageIoName;
    }

    /** @return the usual file extension, without the dot */
    public String extension() {
        return extension;
    }

    /** @return whether this format stores an alpha channel */
    public boolean supportsAlpha() {
        return this == PNG;
    }

    /**
     * @param name {@code png}, {@code jpg} or {@code jpeg}, any case
     * @return the format
     */
    public static ImageFormat parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "png": return PNG;
            case "jpg": case "jpeg": return JPEG;
            default:
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                        "Unsupported output format '" + name + "': use png or jpg");
        }
    }

    /**
     * @param file an output path
     * @return the format its extension names
     */
    public static ImageFormat fromPath(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                    "Output file '" + file + "' has no extension: name it .png or .jpg");
        }
        return parse(name.substring(dot + 1));
    }
}
