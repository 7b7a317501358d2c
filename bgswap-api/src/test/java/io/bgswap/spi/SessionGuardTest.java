package io.bgswap.spi;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionGuardTest {
    @Test
    void closeReleasesOnceAndLaterRunsFail() {
        SessionGuard guard = new SessionGuard("test session");
        AtomicInteger releases = new AtomicInteger();
        try (SessionGuard.Use running = guard.enter()) {
            assertThat(guard.isClosed()).isFalse();
        }
        guard.close(releases::incrementAndGet);
        guard.close(releases::incrementAndGet);
        assertThat(releases).hasValue(1);
        assertThat(guard.isClosed()).isTrue();
        assertThatThrownBy(guard::enter).isInstanceOf(BgSwapException.class).hasMessage("test session is closed")
                .satisfies(e -> assertThat(((BgSwapException) e).code()).isEqualTo(ErrorCode.CLOSED));
    }

    @Test
    void closeWaitsForTheRunInFlight() throws Exception {
        SessionGuard guard = new SessionGuard("test session");
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean runEndedBeforeRelease = new AtomicBoolean();
        AtomicBoolean runEnded = new AtomicBoolean();
        Thread run = new Thread(() -> {
            try (SessionGuard.Use running = guard.enter()) {
                inside.countDown();
                finish.await(10, TimeUnit.SECONDS);
                runEnded.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        run.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(() -> guard.close(() -> runEndedBeforeRelease.set(runEnded.get())));
        closer.start();
        Thread.sleep(100);
        assertThat(closer.isAlive()).as("close must wait for the run").isTrue();
        finish.countDown();
        closer.join(10_000);
        run.join(10_000);
        assertThat(runEndedBeforeRelease).isTrue();
    }
}
