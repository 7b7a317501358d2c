package io.bgswap.bench;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.Device;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.server.BgSwapServer;
import io.bgswap.server.ServerConfig;
import io.bgswap.spi.SessionOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load test of the HTTP service on loopback, bounded in time: starts the service in this process,
 * measures the library called directly as the baseline, then lets N clients post the same photo
 * to {@code /v1/replace} for the given time. Reports requests per second, latency percentiles,
 * the 503s the service shed on purpose, any other error, and the process's resident memory.
 *
 * <pre>
 * java -Xmx1g -cp bgswap-bench/target/bgswap-bench.jar io.bgswap.bench.ServiceLoadTest \
 *     --model isnet-small --seconds 60 --clients 8 --image ../shared/eval/image/p_07141906.jpg
 * </pre>
 *
 * Not thread-safe; a command-line program.
 */
@Command(name = "service-load-test", mixinStandardHelpOptions = true,
        description = "Load-test the bgswap HTTP service on loopback.")
public final class ServiceLoadTest implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "isnet-small", description = "Model; default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--seconds", defaultValue = "60", description = "Measured run; default: ${DEFAULT-VALUE}")
    int seconds;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients; default: ${DEFAULT-VALUE}")
    int clients;

    @Option(names = "--workers", defaultValue = "0", description = "Service workers; default: the cores")
    int workers;

    @Option(names = "--queue", defaultValue = "-1", description = "Service queue; default: twice the workers")
    int queue;

    @Option(names = "--image", required = true, description = "The photo every client posts")
    Path image;

    @Option(names = "--background", defaultValue = "#2a6f97", description = "Background; default: ${DEFAULT-VALUE}")
    String background;

    @Option(names = "--baseline-runs", defaultValue = "3", description = "Direct library calls timed as the baseline")
    int baselineRuns;

    /** @param args command-line arguments */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ServiceLoadTest()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        byte[] photo = Files.readAllBytes(image);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "machine: %d cores, Java %s; model %s; %d clients for %d s; image %s (%d KB)%n",
                cores, System.getProperty("java.version"), model, clients, seconds, image.getFileName(), photo.length / 1024);

        double baselineMs = baseline(photo);
        System.out.printf(Locale.ROOT, "baseline (library called directly, one caller, %d threads): %.0f ms per image = %.2f images/s%n",
                cores, baselineMs, 1000 / baselineMs);

        ServerConfig.Builder config = ServerConfig.builder().port(0).defaultModel(model).queueCapacity(queue)
                .requestTimeout(Duration.ofSeconds(120));
        if (workers > 0) {
            config.workers(workers);
        }
        try (BgSwapServer server = BgSwapServer.start(config.build())) {
            server.preload(model);
            ServerConfig c = server.config();
            System.out.printf(Locale.ROOT, "service: %d workers, %d threads per inference%s, queue %d%n",
                    c.workers(), new SessionOptions(Device.AUTO, c.threadsPerInference()).intraOpThreads(),
                    c.threadsPerInference() == 0 ? " (default; inferences share the cores)" : "", c.queueCapacity());
            URI target = server.uri().resolve("v1/replace?format=jpg&background="
                    + background.replace("#", "%23"));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            warmUp(http, target, photo, c.workers());
            long rssBefore = rssKb();
            Result r = run(http, target, photo);
            long rssAfter = rssKb();
            report(r, baselineMs, rssBefore, rssAfter);
            return r.errors.sum() == 0 ? 0 : 1;
        }
    }

    /** Every worker processes one image at once, so that heaps and engine arenas reach their working size. */
    private static void warmUp(HttpClient http, URI target, byte[] photo, int workers) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(() -> {
                try {
                    send(http, target, photo);
                } catch (IOException e) {
                    System.out.println("warm-up request failed: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private double baseline(byte[] photo) {
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().model(model).build()) {
            Background bg = Background.parse(background);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < baselineRuns + 1; i++) {
                long t0 = System.nanoTime();
                ArgbImage img = ImageFiles.decode(photo, "photo", ImageFiles.DEFAULT_MAX_PIXELS);
                ImageFiles.encode(swapper.replace(img, bg), ImageFormat.JPEG, 0.92f);
                long t = System.nanoTime() - t0;
                if (i > 0) {
                    best = Math.min(best, t);
                }
            }
            return best / 1e6;
        }
    }

    private static final class Result {
        final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        final LongAdder shed = new LongAdder();
        final LongAdder errors = new LongAdder();
        final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
        final AtomicLong peakRssKb = new AtomicLong();
        final List<String> rssSamples = new ArrayList<>();
        long elapsedNanos;
    }

    private Result run(HttpClient http, URI target, byte[] photo) throws InterruptedException {
        Result result = new Result();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        CountDownLatch done = new CountDownLatch(clients);
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<byte[]> r = send(http, target, photo);
                            long took = System.nanoTime() - t0;
                            if (r.statusCode() == 200) {
                                result.latencies.add(took);
                            } else if (r.statusCode() == 503) {
                                result.shed.increment();
                                Thread.sleep(250); // a polite client backs off
                            } else {
                                result.errors.increment();
                                result.errorKinds.computeIfAbsent("HTTP " + r.statusCode(), k -> new LongAdder()).increment();
                            }
                        } catch (IOException e) {
                            result.errors.increment();
                            result.errorKinds.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "load-client-" + i);
            t.start();
        }
        int tick = 0;
        while (!done.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            long rss = rssKb();
            result.peakRssKb.accumulateAndGet(rss, Math::max);
            if (++tick % 10 == 0) {
                result.rssSamples.add(String.format(Locale.ROOT, "%ds:%.0f", tick, rss / 1024.0));
            }
        }
        result.elapsedNanos = System.nanoTime() - start;
        return result;
    }

    private void report(Result r, double baselineMs, long rssBefore, long rssAfter) {
        List<Long> lat = new ArrayList<>(r.latencies);
        Collections.sort(lat);
        double secs = r.elapsedNanos / 1e9;
        double rps = lat.size() / secs;
        System.out.printf(Locale.ROOT, "served: %d images in %.1f s = %.2f requests/s (%.2fx the baseline's %.2f images/s)%n",
                lat.size(), secs, rps, rps / (1000 / baselineMs), 1000 / baselineMs);
        if (!lat.isEmpty()) {
            System.out.printf(Locale.ROOT, "latency of 200s: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms (p50 = %.1fx the baseline)%n",
                    pct(lat, 50), pct(lat, 90), pct(lat, 99), lat.get(lat.size() - 1) / 1e6, pct(lat, 50) / baselineMs);
        }
        System.out.printf(Locale.ROOT, "deliberate 503s (queue full): %d; other errors: %d %s%n",
                r.shed.sum(), r.errors.sum(), r.errorKinds);
        System.out.printf(Locale.ROOT, "resident memory: %.0f MB after warm-up, %.0f MB peak, %.0f MB at the end%n",
                rssBefore / 1024.0, Math.max(r.peakRssKb.get(), rssAfter) / 1024.0, rssAfter / 1024.0);
        System.out.println("resident memory every 10 s (MB): " + String.join(" ", r.rssSamples));
    }

    private static double pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }

    private static HttpResponse<byte[]> send(HttpClient http, URI target, byte[] photo) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(target).header("Content-Type", "image/jpeg")
                .timeout(Duration.ofSeconds(180))
                .POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** @return this process's resident set size in KB, from /proc (0 where there is none) */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
