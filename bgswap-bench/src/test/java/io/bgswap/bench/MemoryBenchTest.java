package io.bgswap.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MemoryBenchTest {
    @Test
    void readsTheProcessPeakAndMinusOneOnceTheProcessIsGone() {
        Path self = Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "status");
        assumeTrue(Files.isReadable(self), "no /proc on this system");
        long kb = MemoryBench.peakOf(self);
        // this JVM has at least its heap's first pages and its code resident
        assertThat(kb).isGreaterThan(10_000L);
        assertThat(MemoryBench.peakOf(Path.of("/proc", "0", "status"))).isEqualTo(-1L);
    }
}
