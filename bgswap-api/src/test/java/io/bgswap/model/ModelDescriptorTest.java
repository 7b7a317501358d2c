package io.bgswap.model;

import io.bgswap.BgSwapException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelDescriptorTest {
    @TempDir
    Path tmp;

    @Test
    void loadsAPropertiesDescriptorWithDefaults() throws Exception {
        Path f = Files.writeString(tmp.resolve("m.properties"),
                "input.name=x\ninput.layout=nhwc\ninput.width=320\ninput.height=240\ninput.mean=1,2,3\noutput.name=y\n");
        ModelDescriptor d = ModelDescriptor.load(f);
        assertThat(d.inputName()).isEqualTo("x");
        assertThat(d.layout()).isEqualTo(TensorLayout.NHWC);
        assertThat(d.inputShape()).containsExactly(1, 240, 320, 3);
        assertThat(d.mean()).containsExactly(1f, 2f, 3f);
        assertThat(d.std()).containsExactly(255f, 255f, 255f);
        assertThat(d.outputWidth()).isEqualTo(320);
        assertThat(d.outputIsLogit()).isFalse();
    }

    @Test
    void missingKeysAndBadValuesAreClearErrors() throws Exception {
        Path noName = Files.writeString(tmp.resolve("a.properties"), "input.width=1\ninput.height=1\noutput.name=y\n");
        assertThatThrownBy(() -> ModelDescriptor.load(noName)).isInstanceOf(BgSwapException.class).hasMessageContaining("input.name");
        Path badStd = Files.writeString(tmp.resolve("b.properties"),
                "input.name=x\ninput.width=1\ninput.height=1\noutput.name=y\ninput.std=0\n");
        assertThatThrownBy(() -> ModelDescriptor.load(badStd)).isInstanceOf(BgSwapException.class).hasMessageContaining("std");
    }
}
