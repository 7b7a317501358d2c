package io.bgswap.server;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ImageFormat;
import io.bgswap.BackgroundSwapper;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@code /v1/replace} or {@code /v1/matte} request asks for, checked before it is
 * queued so that bad parameters are answered at once. Immutable.
 *
 * @param image           the encoded photo
 * @param background      the background, {@code null} when an uploaded image is to be used
 * @param backgroundImage the encoded background image, or {@code null}
 * @param model           built-in model name
 * @param format          output format
 * @param quality         JPEG quality in (0, 1]
 */
record SwapRequest(byte[] image, Background background, byte[] backgroundImage, String model,
                   ImageFormat format, float quality) {

    /** Field name of the photo in a multipart form. */
    static final String IMAGE = "image";
    /** Field name of an uploaded background in a multipart form. */
    static final String BACKGROUND_IMAGE = "background_image";

    /**
     * @param query        the raw query string, may be {@code null}
     * @param contentType  the request's content type, may be {@code null}
     * @param body         the request body
     * @param defaultModel the model used when none is named
     * @param matteOnly    whether the request is for the matte (format and background ignored)
     * @return the checked request
     */
    static SwapRequest parse(String query, String contentType, byte[] body, String defaultModel, boolean matteOnly) {
        Map<String, String> params = query(query);
        byte[] image;
        byte[] backgroundImage = null;
        if (Multipart.isMultipart(contentType)) {
            Map<String, Multipart.Part> parts = Multipart.parse(contentType, body);
            for (Multipart.Part p : parts.values()) {
                if (p.filename() == null && !p.name().equals(IMAGE) && !p.name().equals(BACKGROUND_IMAGE)) {
                    params.put(p.name(), p.text().trim());
                }
            }
            Multipart.Part photo = parts.get(IMAGE);
            if (photo == null) {
                throw HttpError.badRequest("The form has no '" + IMAGE + "' file field");
            }
            image = photo.data();
            Multipart.Part bg = parts.get(BACKGROUND_IMAGE);
            if (bg != null && bg.data().length > 0) {
                backgroundImage = bg.data();
            }
        } else {
            image = body;
        }
        if (image.length == 0) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_IMAGE, "The request carries no image");
        }
        String model = params.getOrDefault("model", defaultModel);
        if (model.isBlank()) {
            model = defaultModel;
        }
        model = BackgroundSwapper.checkModelName(model);
        ImageFormat format = ImageFormat.parse(params.getOrDefault("format", "png"));
        float quality = quality(params.getOrDefault("quality", "0.92"));
        Background background = null;
        if (!matteOnly && backgroundImage == null) {
            background = background(params.getOrDefault("background", "transparent"));
            if (background instanceof Background.Transparent && !format.supportsAlpha()) {
                throw HttpError.badRequest(format + " cannot store transparency: ask for format=png or an opaque background");
            }
        }
        return new SwapRequest(image, background, backgroundImage, model, matteOnly ? ImageFormat.PNG : format, quality);
    }

    /**
     * The service's background forms: {@code transparent}, {@code blur}, {@code blur:RADIUS},
     * {@code #rrggbb} or {@code rrggbb}. File paths are refused: a caller must never make the
     * service read its own files.
     */
    static Background background(String spec) {
        String s = spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.matches("[0-9a-f]{6}")) {
            s = "#" + s;
        } else if (!(lower.equals("transparent") || lower.equals("none") || lower.equals("blur")
                || lower.startsWith("blur:") || lower.startsWith("#"))) {
            throw HttpError.badRequest("Bad background '" + spec
                    + "': use transparent, blur, blur:RADIUS, #rrggbb, or upload a background_image");
        }
        return Background.parse(s);
    }

    private static float quality(String text) {
        try {
            float q = Float.parseFloat(text);
            if (q > 0f && q <= 1f) {
                return q;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpError.badRequest("Bad quality '" + text + "': use a number in (0, 1]");
    }

    /**
     * @param raw a raw query string, may be {@code null}
     * @return decoded parameters, the first value of each name
     */
    static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.putIfAbsent(key, value);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("Malformed query string: " + e.getMessage());
            }
        }
        return params;
    }
}
