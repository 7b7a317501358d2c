package io.bgswap;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/** What goes behind the person. Immutable and thread-safe. */
public sealed interface Background {
    /**
     * A solid colour.
     *
     * @param rgb {@code 0xRRGGBB}, sRGB
     */
    record Color(int rgb) implements Background {
        public Color {
            rgb &= 0xFFFFFF;
        }
    }

    /**
     * An image, scaled to cover the photo and centred.
     *
     * @param image the background
     */
    record Picture(ArgbImage image) implements Background {
        public Picture {
            Objects.requireNonNull(image, "image");
        }
    }

    /**
     * The photo's own background, blurred, without the person smeared into it.
     *
     * @param radius blur radius in pixels; 0 picks one from the image size
     */
    record Blur(float radius) implements Background {
        public Blur {
            if (!(radius >= 0f)) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "blur radius must be >= 0, was " + radius);
            }
        }
    }

    /** Nothing: the result keeps the matte as its alpha channel. */
    record Transparent() implements Background {
    }

    /**
     * @param rgb {@code 0xRRGGBB}
     * @return a solid colour
     */
    static Background color(int rgb) {
        return new Color(rgb);
    }

    /**
     * @param image the background image
     * @return a picture background
     */
    static Background image(ArgbImage image) {
        return new Picture(image);
    }

    /**
     * @param radius blur radius in pixels, 0 for automatic
     * @return a blur background
     */
    static Background blur(float radius) {
        return new Blur(radius);
    }

    /** @return a transparent background */
    static Background transparent() {
        return new Transparent();
    }

    /**
     * Parses the command-line form: {@code #rrggbb}, {@code blur}, {@code blur:RADIUS},
     * {@code transparent}, or the path of an image file.
     *
     * @param spec the text
     * @return the background
     */
    static Background parse(String spec) {
        Objects.requireNonNull(spec, "background");
        String s = spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("transparent") || lower.equals("none")) {
            return transparent();
        }
        if (lower.equals("blur")) {
            return blur(0);
        }
        if (lower.startsWith("blur:")) {
            try {
                return blur(Float.parseFloat(lower.substring(5)));
            } catch (NumberFormatException e) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Bad blur radius in '" + spec + "': use blur:RADIUS");
            }
        }
        if (s.startsWith("#")) {
            if (!s.matches("#[0-9a-fA-F]{6}")) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Bad colour '" + spec + "': use #rrggbb");
            }
            return color(Integer.parseInt(s.substring(1), 16));
        }
        return image(ImageFiles.read(Path.of(s)));
    }
}
