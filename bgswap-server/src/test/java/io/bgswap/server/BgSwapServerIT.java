package io.bgswap.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service on loopback with the real isnet-small model: every endpoint, every error status,
 * concurrent clients, the timeout and graceful shutdown. One worker and a queue of one keep the
 * 503 case deterministic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BgSwapServerIT {
    private static final int SIZE = 384;
    private static BgSwapServer server;
    private static HttpClient client;
    private static byte[] portrait;

    @BeforeAll
    static void start() {
        server = BgSwapServer.start(ServerConfig.builder().port(0).workers(1).queueCapacity(1).threadsPerInference(2)
                .maxBodyBytes(1_000_000).maxPixels(1_500_000).requestTimeout(Duration.ofSeconds(120))
                .shutdownGrace(Duration.ofSeconds(120)).defaultModel("isnet-small").build());
        server.preload("isnet-small");
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        portrait = TestImages.portraitJpeg(SIZE);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void replacesTheBackgroundOfARawBody() throws Exception {
        HttpResponse<byte[]> r = post("v1/replace?background=%23ff0000&format=jpg&quality=0.9", "image/jpeg", portrait);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(r.headers().firstValue("X-Bgswap-Model")).hasValue("isnet-small");
        BufferedImage out = TestImages.decode(r.body());
        assertThat(out.getWidth()).isEqualTo(SIZE);
        assertThat(out.getHeight()).isEqualTo(SIZE);
        // The top corners are wall in the photo: they must now be red.
        assertThat(isReddish(out.getRGB(2, 2))).as("top-left %06x", out.getRGB(2, 2) & 0xFFFFFF).isTrue();
        assertThat(isReddish(out.getRGB(SIZE - 3, 2))).isTrue();
        BufferedImage in = TestImages.decode(portrait);
        assertThat(isReddish(in.getRGB(2, 2))).isFalse();
    }

    @Test
    @Order(2)
    void takesAMultipartFormWithAnUploadedBackground() throws Exception {
        byte[] green = TestImages.plainPng(200, 100, 0x00C000);
        String boundary = "b" + UUID.randomUUID();
        byte[] body = form(boundary, new String[][] {{"format", "png"}},
                new Object[][] {{"image", "me.jpg", "image/jpeg", portrait}, {"background_image", "bg.png", "image/png", green}});

        HttpResponse<byte[]> r = post("v1/replace", "multipart/form-data; boundary=" + boundary, body);

        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage out = TestImages.decode(r.body());
        assertThat(out.getWidth()).isEqualTo(SIZE);
        int corner = out.getRGB(2, 2);
        assertThat((corner >> 8) & 0xFF).as("green of %06x", corner & 0xFFFFFF).isGreaterThan(150);
        assertThat((corner >> 16) & 0xFF).isLessThan(60);
    }

    @Test
    @Order(3)
    void answersTheMatte() throws Exception {
        HttpResponse<byte[]> r = post("v1/matte", "application/octet-stream", portrait);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage matte = TestImages.decode(r.body());
        assertThat(matte.getWidth()).isEqualTo(SIZE);
        assertThat(matte.getRGB(2, 2) & 0xFF).as("wall in the corner").isLessThan(30);
        int person = 0;
        int wall = 0;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int v = matte.getRGB(x, y) & 0xFF;
                person += v > 230 ? 1 : 0;
                wall += v < 25 ? 1 : 0;
            }
        }
        double total = SIZE * SIZE;
        assertThat(person / total).as("share of person").isBetween(0.05, 0.8);
        assertThat(wall / total).as("share of wall").isGreaterThan(0.15);
    }

    @Test
    @Order(4)
    void listsModelsAndReportsHealthAndMetrics() throws Exception {
        HttpResponse<String> models = get("v1/models");
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(models.body()).startsWith("{\"default\":\"isnet-small\"")
                .contains("{\"name\":\"isnet-small\"").contains("\"loaded\":true").contains("\"selfie\"");

        HttpResponse<String> health = get("health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"ok\"").contains("\"models_loaded\":[\"isnet-small\"]");

        HttpResponse<String> page = get("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"app.js\">");
        assertThat(get("app.js").body()).contains("v1/replace");
        assertThat(get("style.css").statusCode()).isEqualTo(200);

        HttpResponse<String> metrics = get("metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body())
                .contains("bgswap_http_requests_total{endpoint=\"/v1/replace\",status=\"200\"} 2")
                .contains("bgswap_http_requests_total{endpoint=\"/v1/matte\",status=\"200\"} 1")
                .contains("bgswap_http_request_duration_seconds_count{endpoint=\"/v1/replace\"} 2")
                .contains("bgswap_queue_length 0").contains("bgswap_workers 1").contains("bgswap_http_in_flight 1");
    }

    @Test
    @Order(5)
    void answersEveryErrorAsJsonWithTheRightStatus() throws Exception {
        expectError(post("v1/replace?background=/etc/passwd", "image/jpeg", portrait), 400, "INVALID_ARGUMENT");
        expectError(post("v1/replace?format=jpg", "image/jpeg", portrait), 400, "INVALID_ARGUMENT");
        expectError(post("v1/replace", "image/jpeg", Arrays.copyOf(portrait, portrait.length / 2)), 400, "TRUNCATED_IMAGE");
        expectError(post("v1/replace?model=no-such-model", "image/jpeg", portrait), 404, "MODEL_NOT_FOUND");
        expectError(get("v1/nothing-here"), 404, "NOT_FOUND");
        HttpResponse<String> wrongMethod = get("v1/replace");
        expectError(wrongMethod, 405, "METHOD_NOT_ALLOWED");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        expectError(post("v1/replace", "image/jpeg", new byte[1_500_000]), 413, "PAYLOAD_TOO_LARGE");
        expectError(post("v1/matte", "text/plain", "not an image".getBytes(StandardCharsets.UTF_8)), 415, "UNSUPPORTED_IMAGE");
        expectError(post("v1/replace", "image/png", TestImages.plainPng(1300, 1300, 0x808080)), 422, "IMAGE_TOO_LARGE");
        String boundary = "zz";
        expectError(post("v1/replace", "multipart/form-data; boundary=" + boundary,
                form(boundary, new String[][] {{"background", "blur"}}, new Object[0][])), 400, "INVALID_ARGUMENT");
    }

    @Test
    @Order(6)
    void servesConcurrentClientsAndSheds503WhenTheQueueIsFull() throws Exception {
        int clients = 5;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return post("v1/replace?background=blur", "image/jpeg", portrait);
            }));
        }
        go.countDown();
        int ok = 0;
        int busy = 0;
        for (Future<HttpResponse<byte[]>> f : answers) {
            HttpResponse<byte[]> r = f.get();
            if (r.statusCode() == 200) {
                ok++;
                assertThat(TestImages.decode(r.body()).getWidth()).isEqualTo(SIZE);
            } else {
                busy++;
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"error\":\"BUSY\"");
            }
        }
        pool.shutdown();
        // One worker and one queue slot: at least two are served, and the rest are turned away at once.
        assertThat(ok).isGreaterThanOrEqualTo(2);
        assertThat(busy).isGreaterThanOrEqualTo(1);
        assertThat(ok + busy).isEqualTo(clients);
        assertThat(get("metrics").body()).contains("bgswap_http_requests_total{endpoint=\"/v1/replace\",status=\"503\"} " + busy);
    }

    @Test
    @Order(7)
    void answers504WhenARequestOutlivesItsTimeout() throws Exception {
        try (BgSwapServer quick = BgSwapServer.start(ServerConfig.builder().port(0).workers(1).threadsPerInference(1)
                .requestTimeout(Duration.ofMillis(50)).defaultModel("isnet-small").build())) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(quick.uri().resolve("v1/matte"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(portrait)).build(), HttpResponse.BodyHandlers.ofString());
            expectError(r, 504, "TIMEOUT");
        }
    }

    @Test
    @Order(8)
    void finishesRequestsInFlightOnShutdownAndThenRefusesConnections() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(server.uri().resolve("v1/replace?background=%23336699"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(portrait)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!get("metrics").body().contains("bgswap_workers_busy 1") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        URI uri = server.uri();
        server.close();

        HttpResponse<byte[]> r = inFlight.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestImages.decode(r.body()).getWidth()).isEqualTo(SIZE);
        HttpClient fresh = HttpClient.newHttpClient();
        assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(uri.resolve("health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    }

    private static boolean isReddish(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return r > 200 && g < 60 && b < 60;
    }

    private static void expectError(HttpResponse<?> r, int status, String code) {
        String body = r.body() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(r.body());
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(body).startsWith("{\"error\":\"" + code + "\",\"message\":\"").doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static HttpResponse<byte[]> post(String path, String type, byte[] body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @param files rows of field name, file name, content type, bytes */
    static byte[] form(String boundary, String[][] fields, Object[][] files) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String[] f : fields) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n"
                    + f[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        for (Object[] f : files) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"; filename=\""
                    + f[1] + "\"\r\nContent-Type: " + f[2] + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes((byte[]) f[3]);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
