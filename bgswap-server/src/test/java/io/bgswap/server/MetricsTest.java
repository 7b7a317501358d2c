package io.bgswap.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {
    @Test
    void writesCountersHistogramsAndGaugesInPrometheusText() {
        Metrics m = new Metrics();
        m.gauge("bgswap_queue_length", "Waiting.", () -> 3);
        m.requestStarted();
        m.requestStarted();
        m.requestStarted();
        m.requestFinished("/v1/replace", 200, 300_000_000L);
        m.requestFinished("/v1/replace", 200, 3_000_000_000L);
        m.requestFinished("/v1/replace", 503, 1_000_000L);

        String text = m.scrape();

        assertThat(text).contains("# TYPE bgswap_http_requests_total counter\n")
                .contains("bgswap_http_requests_total{endpoint=\"/v1/replace\",status=\"200\"} 2\n")
                .contains("bgswap_http_requests_total{endpoint=\"/v1/replace\",status=\"503\"} 1\n")
                .contains("bgswap_http_request_duration_seconds_bucket{endpoint=\"/v1/replace\",le=\"0.05\"} 1\n")
                .contains("bgswap_http_request_duration_seconds_bucket{endpoint=\"/v1/replace\",le=\"0.5\"} 2\n")
                .contains("bgswap_http_request_duration_seconds_bucket{endpoint=\"/v1/replace\",le=\"5.0\"} 3\n")
                .contains("bgswap_http_request_duration_seconds_bucket{endpoint=\"/v1/replace\",le=\"+Inf\"} 3\n")
                .contains("bgswap_http_request_duration_seconds_count{endpoint=\"/v1/replace\"} 3\n")
                .contains("bgswap_http_request_duration_seconds_sum{endpoint=\"/v1/replace\"} 3.301000\n")
                .contains("bgswap_http_in_flight 0\n")
                .contains("# TYPE bgswap_queue_length gauge\nbgswap_queue_length 3\n");
    }
}
