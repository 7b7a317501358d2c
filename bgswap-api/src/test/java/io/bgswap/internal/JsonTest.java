package io.bgswap.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {
    @Test
    void parsesNestedDocuments() {
        Object v = Json.parse("{\"dist\": {\"tarball\": \"a\\/b\\u0041\", \"n\": -1.5e2, \"ok\": true, \"x\": null},"
                + " \"list\": [1, \"two\", [], {}]}");
        assertThat(Json.path(v, "dist", "tarball")).isEqualTo("a/bA");
        assertThat(Json.path(v, "dist", "n")).isEqualTo(-150.0);
        assertThat(Json.path(v, "dist", "ok")).isEqualTo(true);
        assertThat(Json.path(v, "dist", "x")).isNull();
        assertThat(Json.path(v, "list")).isEqualTo(List.of(1.0, "two", List.of(), Map.of()));
        assertThat(Json.path(v, "missing", "deeper")).isNull();
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "{\"a\":1} x", "\"open", "tru"}) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
