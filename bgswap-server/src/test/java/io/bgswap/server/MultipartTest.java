package io.bgswap.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartTest {
    private static final String TYPE = "multipart/form-data; boundary=XyZ";

    @Test
    void splitsFieldsAndFilesKeepingBinaryBytes() {
        byte[] binary = {0, '\r', '\n', '-', '-', 'X', (byte) 0xFF, 13, 10};
        String head = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"background\"\r\n\r\n#112233\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a b.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n";
        String tail = "\r\n--XyZ--\r\n";
        byte[] body = concat(head.getBytes(StandardCharsets.UTF_8), binary, tail.getBytes(StandardCharsets.UTF_8));

        Map<String, Multipart.Part> parts = Multipart.parse(TYPE, body);

        assertThat(parts).containsOnlyKeys("background", "image");
        assertThat(parts.get("background").text()).isEqualTo("#112233");
        assertThat(parts.get("background").filename()).isNull();
        Multipart.Part image = parts.get("image");
        assertThat(image.filename()).isEqualTo("a b.jpg");
        assertThat(image.contentType()).isEqualTo("image/jpeg");
        assertThat(image.data()).containsExactly(binary);
    }

    @Test
    void acceptsQuotedBoundary() {
        String body = "--a=b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nisnet-small\r\n--a=b--";
        Map<String, Multipart.Part> parts = Multipart.parse("multipart/form-data; boundary=\"a=b\"",
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(parts.get("model").text()).isEqualTo("isnet-small");
    }

    @Test
    void refusesMalformedBodiesWith400() {
        assertThatThrownBy(() -> Multipart.parse("multipart/form-data", new byte[10]))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
        String unclosed = "--XyZ\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nabc";
        assertThatThrownBy(() -> Multipart.parse(TYPE, unclosed.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(HttpError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("not closed");
                });
        String noHeaders = "--XyZ\r\nContent-Disposition: form-data; name=\"image\"";
        assertThatThrownBy(() -> Multipart.parse(TYPE, noHeaders.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(HttpError.class);
    }

    private static byte[] concat(byte[]... arrays) {
        int n = 0;
        for (byte[] a : arrays) {
            n += a.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] a : arrays) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }
}
