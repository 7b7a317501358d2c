package io.bgswap.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CoreBudgetTest {
    @Test
    void aRunWaitsWhileTheCoresAreTaken() throws Exception {
        CoreBudget budget = new CoreBudget(4);
        CoreBudget.Lease first = budget.take(3);
        assertThat(budget.available()).isEqualTo(1);
        CompletableFuture<CoreBudget.Lease> second = CompletableFuture.supplyAsync(() -> {
            try {
                return budget.take(2);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> second.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        first.close();
        first.close();
        try (CoreBudget.Lease lease = second.get(10, TimeUnit.SECONDS)) {
            assertThat(budget.available()).as("a double close gives the cores back once").isEqualTo(2);
        }
        assertThat(budget.available()).isEqualTo(4);
    }

    @Test
    void moreThreadsThanCoresTakeAllCoresAndNoneTakeNothing() throws Exception {
        CoreBudget budget = new CoreBudget(2);
        try (CoreBudget.Lease all = budget.take(16)) {
            assertThat(budget.available()).isZero();
            try (CoreBudget.Lease none = budget.take(0)) {
                assertThat(budget.available()).isZero();
            }
        }
        assertThat(budget.available()).isEqualTo(2);
        assertThat(CoreBudget.process().cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> new CoreBudget(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
