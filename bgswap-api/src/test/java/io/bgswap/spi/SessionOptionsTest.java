package io.bgswap.spi;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionOptionsTest {
    @Test
    void noThreadCountMeansEveryProcessorOfTheJvm() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(SessionOptions.defaultThreads()).isEqualTo(cores);
        assertThat(SessionOptions.defaults().intraOpThreads()).isEqualTo(cores);
        assertThat(new SessionOptions(Device.CPU, 0).intraOpThreads()).isEqualTo(cores);
        assertThat(new SessionOptions(Device.CPU, 3).intraOpThreads()).isEqualTo(3);
        assertThatThrownBy(() -> new SessionOptions(Device.CPU, -1)).isInstanceOf(BgSwapException.class);
    }
}
