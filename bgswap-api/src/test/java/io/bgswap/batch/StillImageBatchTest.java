package io.bgswap.batch;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.segmentation.ModelSegmenter;
import io.bgswap.testing.PureJavaSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StillImageBatchTest {
    private static final Background BACKGROUND = Background.color(0x2A6F97);
    private BackgroundSwapper swapper;

    @BeforeEach
    void open() {
        swapper = BackgroundSwapper.builder().segmenter(new ModelSegmenter("pure", new PureJavaSession(32))).build();
    }

    @AfterEach
    void close() {
        swapper.close();
    }

    private static ArgbImage image(int index) {
        Random r = new Random(index);
        int w = 20 + r.nextInt(40);
        int h = 20 + r.nextInt(40);
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            boolean person = (i % w) > w / 3 && (i % w) < 2 * w / 3;
            px[i] = person ? 0xFF3CB43C + r.nextInt(20) : 0xFFB43C5A + (r.nextInt(20) << 8);
        }
        return new ArgbImage(w, h, px);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void resultsComeInInputOrderAndEqualOneImageAtATime() {
        List<Integer> items = IntStream.range(0, 40).boxed().toList();
        Random delays = new Random(7);
        List<int[]> expected = items.stream().map(i -> swapper.replace(image(i), BACKGROUND).pixels()).toList();
        List<StillImageBatch.Outcome<Integer, int[]>> outcomes = new ArrayList<>();
        try (StillImageBatch<Integer, int[]> batch = StillImageBatch.<Integer, int[]>builder(swapper,
                i -> {
                    sleep(delays.nextInt(3));
                    return image(i);
                },
                (i, photo, alpha) -> {
                    sleep(i % 5 == 0 ? 8 : 0); // some items finish slowly, so later ones could overtake them
                    return swapper.compositor().composite(photo, alpha, BACKGROUND).pixels();
                }).finishThreads(3).maxInFlight(5).build()) {
            batch.process(items.iterator()).forEachRemaining(outcomes::add);
        }
        assertThat(outcomes).extracting(StillImageBatch.Outcome::item).containsExactlyElementsOf(items);
        for (int i = 0; i < items.size(); i++) {
            assertThat(outcomes.get(i).succeeded()).isTrue();
            assertThat(outcomes.get(i).result()).as("image %d", i).isEqualTo(expected.get(i));
        }
    }

    @Test
    void noMoreThanMaxInFlightItemsAreTakenAheadOfTheCaller() {
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        Iterator<Integer> counting = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < 30;
            }

            @Override
            public Integer next() {
                taken.incrementAndGet();
                return next++;
            }
        };
        int handedOut = 0;
        int mostAhead = 0;
        try (StillImageBatch<Integer, Integer> batch = StillImageBatch.<Integer, Integer>builder(swapper,
                i -> {
                    reads.incrementAndGet();
                    return image(i);
                }, (i, photo, alpha) -> i).maxInFlight(3).build()) {
            Iterator<StillImageBatch.Outcome<Integer, Integer>> it = batch.process(counting);
            while (it.hasNext()) {
                it.next();
                handedOut++;
                sleep(5); // a slow caller: the stages must wait for it, not run ahead
                mostAhead = Math.max(mostAhead, taken.get() - handedOut);
                assertThat(reads.get() - handedOut).isLessThanOrEqualTo(3);
            }
        }
        assertThat(handedOut).isEqualTo(30);
        assertThat(mostAhead).isBetween(1, 3);
    }

    @Test
    void theNextImageIsReadWhileThePreviousOneIsFinished() throws Exception {
        CountDownLatch secondRead = new CountDownLatch(1);
        List<Boolean> overlapped = new ArrayList<>();
        try (StillImageBatch<Integer, Integer> batch = StillImageBatch.<Integer, Integer>builder(swapper,
                i -> {
                    if (i == 1) {
                        secondRead.countDown();
                    }
                    return image(i);
                },
                (i, photo, alpha) -> {
                    if (i == 0) {
                        // finishing the first item waits for the second one to be read: a batch
                        // that ran one item after the other would time out here
                        overlapped.add(secondRead.await(20, TimeUnit.SECONDS));
                    }
                    return i;
                }).build()) {
            batch.process(List.of(0, 1, 2).iterator()).forEachRemaining(o -> assertThat(o.succeeded()).isTrue());
        }
        assertThat(overlapped).containsExactly(true);
    }

    @Test
    void aFailingItemIsReportedByNameAndTheRestAreProcessed() {
        List<String> names = IntStream.range(0, 12).mapToObj(i -> "photo-" + i + ".jpg").toList();
        List<StillImageBatch.Outcome<String, String>> outcomes = new ArrayList<>();
        try (StillImageBatch<String, String> batch = StillImageBatch.<String, String>builder(swapper,
                name -> {
                    if (name.equals("photo-3.jpg")) {
                        throw new IOException(name + ": truncated file");
                    }
                    if (name.equals("photo-4.jpg")) {
                        throw new BgSwapException(ErrorCode.UNSUPPORTED_IMAGE, name + ": not an image");
                    }
                    return image(name.length() + name.charAt(6));
                },
                (name, photo, alpha) -> {
                    if (name.equals("photo-8.jpg")) {
                        throw new OutOfMemoryError("too large to composite");
                    }
                    return name.replace(".jpg", ".png");
                }).build()) {
            batch.process(names.iterator()).forEachRemaining(outcomes::add);
        }
        assertThat(outcomes).extracting(StillImageBatch.Outcome::item).containsExactlyElementsOf(names);
        assertThat(outcomes.get(3).failure()).isInstanceOf(IOException.class).hasMessageContaining("photo-3.jpg");
        assertThat(outcomes.get(4).failure()).isInstanceOfSatisfying(BgSwapException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_IMAGE));
        assertThat(outcomes.get(8).failure()).isInstanceOf(OutOfMemoryError.class);
        assertThat(outcomes).filteredOn(StillImageBatch.Outcome::succeeded).hasSize(9)
                .allSatisfy(o -> assertThat(o.result()).isEqualTo(o.item().replace(".jpg", ".png")))
                .allSatisfy(o -> assertThat(List.of(o.times().readMs(), o.times().segmentMs(), o.times().matteMs(),
                        o.times().finishMs())).allSatisfy(ms -> assertThat(ms).isNotNaN().isNotNegative()));
        assertThat(outcomes.get(3).times().readMs()).isNotNaN();
        assertThat(outcomes.get(3).times().segmentMs()).as("a file that was not read is not segmented").isNaN();
        assertThat(outcomes.get(8).times().finishMs()).isNotNaN();
    }

    @Test
    void aClosedBatchRefusesNewItemsAndBadSettingsAreRefused() {
        StillImageBatch<Integer, Integer> batch = StillImageBatch.<Integer, Integer>builder(swapper,
                StillImageBatchTest::image, (i, photo, alpha) -> i).build();
        batch.close();
        batch.close();
        assertThatThrownBy(() -> batch.process(List.of(1).iterator()).next())
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
        assertThatThrownBy(() -> StillImageBatch.<Integer, Integer>builder(swapper, StillImageBatchTest::image, (i, p, a) -> i)
                .maxInFlight(0)).isInstanceOfSatisfying(BgSwapException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> StillImageBatch.<Integer, Integer>builder(swapper, StillImageBatchTest::image, (i, p, a) -> i)
                .finishThreads(0)).isInstanceOf(BgSwapException.class);
    }
}
