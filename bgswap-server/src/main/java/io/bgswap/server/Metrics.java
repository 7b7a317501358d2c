package io.bgswap.server;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Request counters, latency histograms and gauges, written in the Prometheus text exposition
 * format (version 0.0.4). Thread-safe: counters are lock-free.
 */
final class Metrics {
    /** Upper bounds of the latency buckets, seconds. */
    static final double[] BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Histogram> latencies = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<String, Gauge> gauges = new TreeMap<>();

    private record Gauge(String help, LongSupplier value) {
    }

    /** Registers a gauge read at each scrape. Call before the server starts. */
    void gauge(String name, String help, LongSupplier value) {
        synchronized (gauges) {
            gauges.put(name, new Gauge(help, value));
        }
    }

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    /**
     * @param endpoint route label
     * @param status   HTTP status answered
     * @param nanos    time from receipt to answer
     */
    void requestFinished(String endpoint, int status, long nanos) {
        inFlight.decrementAndGet();
        requests.computeIfAbsent(endpoint + '\u0000' + status, k -> new LongAdder()).increment();
        latencies.computeIfAbsent(endpoint, k -> new Histogram()).observe(nanos / 1e9);
    }

    /** @return requests received and not yet answered */
    long inFlight() {
        return inFlight.get();
    }

    /** @return the exposition text */
    String scrape() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP bgswap_http_requests_total HTTP requests answered, by endpoint and status.\n");
        sb.append("# TYPE bgswap_http_requests_total counter\n");
        new TreeMap<>(requests).forEach((key, count) -> {
            int sep = key.indexOf('\u0000');
            sb.append("bgswap_http_requests_total{endpoint=\"").append(key, 0, sep)
                    .append("\",status=\"").append(key, sep + 1, key.length()).append("\"} ")
                    .append(count.sum()).append('\n');
        });
        sb.append("# HELP bgswap_http_request_duration_seconds Time from receipt of a request to its answer.\n");
        sb.append("# TYPE bgswap_http_request_duration_seconds histogram\n");
        new TreeMap<>(latencies).forEach((endpoint, h) -> h.write(sb, endpoint));
        sb.append("# HELP bgswap_http_in_flight Requests received and not yet answered.\n");
        sb.append("# TYPE bgswap_http_in_flight gauge\n");
        sb.append("bgswap_http_in_flight ").append(inFlight.get()).append('\n');
        synchronized (gauges) {
            gauges.forEach((name, g) -> {
                sb.append("# HELP ").append(name).append(' ').append(g.help()).append('\n');
                sb.append("# TYPE ").append(name).append(" gauge\n");
                sb.append(name).append(' ').append(g.value().getAsLong()).append('\n');
            });
        }
        return sb.toString();
    }

    private static final class Histogram {
        private final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        private final LongAdder sumMicros = new LongAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            int i = 0;
            while (i < BUCKETS.length && seconds > BUCKETS[i]) {
                i++;
            }
            counts[i].increment();
            sumMicros.add(Math.round(seconds * 1e6));
        }

        void write(StringBuilder sb, String endpoint) {
            long cumulative = 0;
            for (int i = 0; i <= BUCKETS.length; i++) {
                cumulative += counts[i].sum();
                String le = i < BUCKETS.length ? trim(BUCKETS[i]) : "+Inf";
                sb.append("bgswap_http_request_duration_seconds_bucket{endpoint=\"").append(endpoint)
                        .append("\",le=\"").append(le).append("\"} ").append(cumulative).append('\n');
            }
            sb.append("bgswap_http_request_duration_seconds_sum{endpoint=\"").append(endpoint).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.6f", sumMicros.sum() / 1e6)).append('\n');
            sb.append("bgswap_http_request_duration_seconds_count{endpoint=\"").append(endpoint).append("\"} ")
                    .append(cumulative).append('\n');
        }

        private static String trim(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) + ".0" : Double.toString(v);
        }
    }
}
