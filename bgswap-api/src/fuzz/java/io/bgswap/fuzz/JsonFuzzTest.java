package io.bgswap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bgswap.internal.Json;

/** The JSON reader (npm metadata, resource indexes) only ever fails with IllegalArgumentException. */
class JsonFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        try {
            Json.parse(new String(data, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException expected) {
            // malformed input, reported as such
        }
    }
}
