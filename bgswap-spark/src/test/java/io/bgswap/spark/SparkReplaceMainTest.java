package io.bgswap.spark;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Argument checks happen before any Spark session starts. */
class SparkReplaceMainTest {
    @Test
    void needsExactlyOneInputKind() {
        assertThatThrownBy(() -> SparkReplaceMain.run(new String[]{"--output", "/tmp/x"}))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> SparkReplaceMain.run(new String[]{"--output", "/tmp/x", "--input", "a", "--paths", "b"}))
                .isInstanceOf(BgSwapException.class);
    }

    @Test
    void unknownOptionsAndBadValuesAreUsageErrors() {
        assertThatThrownBy(() -> SparkReplaceMain.run(new String[]{"--input", "a", "--output", "b", "--colour", "red"}))
                .isInstanceOf(BgSwapException.class).hasMessageContaining("--colour");
        assertThatThrownBy(() -> SparkReplaceMain.run(new String[]{"--input", "a", "--output", "b", "--threads", "many"}))
                .isInstanceOf(BgSwapException.class).hasMessageContaining("whole number");
        assertThatThrownBy(() -> SparkReplaceMain.run(new String[]{"--input", "a", "--output", "b", "--format", "jpg"}))
                .isInstanceOf(BgSwapException.class).hasMessageContaining("transparent");
    }
}
