package io.bgswap.server;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ImageFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwapRequestTest {
    private static final byte[] BODY = {1, 2, 3};

    @Test
    void readsQueryParameters() {
        SwapRequest r = SwapRequest.parse("background=%23FF8000&model=ISNET-SMALL&format=jpg&quality=0.5",
                "image/jpeg", BODY, "isnet-medium", false);
        assertThat(r.background()).isEqualTo(Background.color(0xFF8000));
        assertThat(r.model()).isEqualTo("isnet-small");
        assertThat(r.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(r.quality()).isEqualTo(0.5f);
        assertThat(r.image()).isSameAs(BODY);
    }

    @Test
    void defaultsToTransparentPngAndTheServiceModel() {
        SwapRequest r = SwapRequest.parse(null, null, BODY, "isnet-medium", false);
        assertThat(r.background()).isInstanceOf(Background.Transparent.class);
        assertThat(r.format()).isEqualTo(ImageFormat.PNG);
        assertThat(r.model()).isEqualTo("isnet-medium");
    }

    @Test
    void acceptsColourWithoutHashAndBlur() {
        assertThat(SwapRequest.background("00ff00")).isEqualTo(Background.color(0x00FF00));
        assertThat(SwapRequest.background("blur:12")).isEqualTo(Background.blur(12));
    }

    @Test
    void neverReadsFilesNamedByTheCaller() {
        assertThatThrownBy(() -> SwapRequest.background("/etc/passwd"))
                .isInstanceOfSatisfying(HttpError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("INVALID_ARGUMENT");
                });
    }

    @Test
    void refusesBadParametersBeforeAnyWork() {
        assertThatThrownBy(() -> SwapRequest.parse("format=jpg", null, BODY, "isnet-small", false))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.getMessage()).contains("transparency"));
        assertThatThrownBy(() -> SwapRequest.parse("quality=2", null, BODY, "isnet-small", false))
                .isInstanceOf(HttpError.class);
        assertThatThrownBy(() -> SwapRequest.parse("format=gif", null, BODY, "isnet-small", false))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> SwapRequest.parse("model=nope", null, BODY, "isnet-small", false))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND));
        assertThatThrownBy(() -> SwapRequest.parse(null, null, new byte[0], "isnet-small", false))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_IMAGE));
    }

    @Test
    void mapsLibraryCodesToStatuses() {
        assertThat(HttpError.status(ErrorCode.IMAGE_TOO_LARGE)).isEqualTo(422);
        assertThat(HttpError.status(ErrorCode.UNSUPPORTED_IMAGE)).isEqualTo(415);
        assertThat(HttpError.status(ErrorCode.TRUNCATED_IMAGE)).isEqualTo(400);
        assertThat(HttpError.status(ErrorCode.MODEL_NOT_FOUND)).isEqualTo(404);
        assertThat(HttpError.status(ErrorCode.INFERENCE_FAILED)).isEqualTo(500);
        assertThat(HttpError.status(ErrorCode.CLOSED)).isEqualTo(503);
    }

    @Test
    void writesJsonErrorsSafely() {
        assertThat(JsonText.error("X", "a \"b\"\n<c>")).isEqualTo("{\"error\":\"X\",\"message\":\"a \\\"b\\\"\\n\\u003cc\\u003e\"}");
    }
}
