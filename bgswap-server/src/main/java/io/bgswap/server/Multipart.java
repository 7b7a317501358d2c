package io.bgswap.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578) split into its named parts. The body is already
 * in memory and bounded by the service's body limit. Thread-safe: no shared state.
 */
final class Multipart {
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    /**
     * One part.
     *
     * @param name        the form field's name
     * @param filename    the file name, {@code null} for a plain field
     * @param contentType the part's content type, {@code null} when not given
     * @param data        the content
     */
    record Part(String name, String filename, String contentType, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private Multipart() {
    }

    /**
     * @param contentType a content type header value
     * @return whether it is {@code multipart/form-data}
     */
    static boolean isMultipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /**
     * @param contentType the request's content type, with its boundary
     * @param body        the request body
     * @return parts by field name (the first part of each name wins)
     * @throws HttpError 400 when the body is not well-formed
     */
    static Map<String, Part> parse(String contentType, byte[] body) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw HttpError.badRequest("multipart/form-data without a boundary");
        }
        String boundary = m.group(1) != null ? m.group(1) : m.group(2);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] separator = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw malformed("no boundary line");
        }
        pos += delimiter.length;
        Map<String, Part> parts = new LinkedHashMap<>();
        while (true) {
            if (startsWith(body, pos, new byte[] {'-', '-'})) {
                return parts;
            }
            if (!startsWith(body, pos, CRLF)) {
                throw malformed("boundary line not ended by CRLF");
            }
            pos += 2;
            int headerEnd = indexOf(body, HEADER_END, pos);
            if (headerEnd < 0) {
                throw malformed("part headers not ended");
            }
            String headers = new String(body, pos, headerEnd - pos, StandardCharsets.UTF_8);
            int start = headerEnd + HEADER_END.length;
            int end = indexOf(body, separator, start);
            if (end < 0) {
                throw malformed("part not closed by a boundary");
            }
            Part part = part(headers, Arrays.copyOfRange(body, start, end));
            if (part != null) {
                parts.putIfAbsent(part.name(), part);
            }
            pos = end + separator.length;
        }
    }

    private static Part part(String headers, byte[] data) {
        String disposition = null;
        String type = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (key.equals("content-disposition")) {
                disposition = value;
            } else if (key.equals("content-type")) {
                type = value;
            }
        }
        if (disposition == null) {
            throw malformed("a part has no Content-Disposition");
        }
        Matcher name = NAME.matcher(disposition);
        if (!name.find()) {
            return null;
        }
        Matcher file = FILENAME.matcher(disposition);
        return new Part(name.group(1), file.find() ? file.group(1) : null, type, data);
    }

    private static HttpError malformed(String what) {
        return HttpError.badRequest("Malformed multipart/form-data body: " + what);
    }

    private static boolean startsWith(byte[] data, int at, byte[] prefix) {
        if (at + prefix.length > data.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] data, byte[] pattern, int from) {
        byte first = pattern[0];
        int last = data.length - pattern.length;
        for (int i = Math.max(0, from); i <= last; i++) {
            if (data[i] == first && startsWith(data, i, pattern)) {
                return i;
            }
        }
        return -1;
    }
}
