package io.bgswap.server;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The service without any model: routing, limits, page, metrics and an idle shutdown. */
class BgSwapServerTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void answersWithoutAModelAndShutsDownPromptlyWhenIdle() throws Exception {
        BgSwapServer server = BgSwapServer.start(ServerConfig.builder().port(0).maxBodyBytes(10_000)
                .shutdownGrace(Duration.ofSeconds(20)).defaultModel("isnet-small").build());
        URI uri = server.uri();
        try {
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            HttpResponse<String> health = get(uri.resolve("health"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"models_loaded\":[]");

            HttpResponse<String> tooLarge = client.send(HttpRequest.newBuilder(uri.resolve("v1/replace"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[50_000])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(tooLarge.body()).startsWith("{\"error\":\"PAYLOAD_TOO_LARGE\"");

            HttpResponse<String> options = client.send(HttpRequest.newBuilder(uri.resolve("metrics"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(options.statusCode()).isEqualTo(405);
            assertThat(get(uri.resolve("../../etc/passwd")).statusCode()).isEqualTo(404);
            assertThat(get(uri.resolve("index.html")).body()).contains("<title>bgswap</title>");
            assertThat(get(uri.resolve("metrics")).body())
                    .contains("bgswap_http_requests_total{endpoint=\"/v1/replace\",status=\"413\"} 1")
                    .contains("bgswap_http_requests_total{endpoint=\"/metrics\",status=\"405\"} 1")
                    .contains("bgswap_http_requests_total{endpoint=\"other\",status=\"404\"} 1")
                    .contains("bgswap_models_loaded 0");
        } finally {
            long t0 = System.nanoTime();
            server.close();
            server.close();
            // Idle: close must not sit out the 20 s grace period.
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
        assertThatThrownBy(() -> get(uri.resolve("health"))).isInstanceOf(ConnectException.class);
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
