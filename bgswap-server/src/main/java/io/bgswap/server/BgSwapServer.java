package io.bgswap.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.image.Images;
import io.bgswap.internal.DaemonThreads;
import io.bgswap.model.BuiltinModel;
import io.bgswap.model.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Background replacement over HTTP, on the JDK's built-in HTTP server.
 *
 * <ul>
 *   <li>{@code POST /v1/replace}: the photo as the body (any image content type) or as the
 *       {@code image} field of a {@code multipart/form-data} form; parameters {@code background}
 *       ({@code transparent}, {@code blur}, {@code blur:RADIUS}, {@code #rrggbb}; or a
 *       {@code background_image} file field), {@code model}, {@code format} ({@code png},
 *       {@code jpg}) and {@code quality} in the query string or as form fields. Answers the image.</li>
 *   <li>{@code POST /v1/matte}: the same input; answers the alpha matte as a grey PNG.</li>
 *   <li>{@code GET /v1/models}, {@code GET /health}, {@code GET /metrics} (Prometheus text).</li>
 *   <li>{@code GET /}: a web page to try it in a browser.</li>
 * </ul>
 *
 * <p>Images are processed by a fixed pool of workers fed by a bounded queue: when the queue is
 * full the service answers 503 with {@code Retry-After}, so load never piles up in memory.
 * Errors are JSON objects {@code {"error": CODE, "message": ...}} whose codes are the library's
 * {@link ErrorCode} names or the service's own ({@code BUSY}, {@code TIMEOUT}, ...; see docs/service.md).
 * Each model is opened once, on first use or by {@link #preload(String)}, and shared.
 *
 * <p>Thread-safe. {@link #close()} stops accepting, lets requests in flight finish (up to the
 * configured grace period) and then frees the models; it is idempotent.
 */
public final class BgSwapServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BgSwapServer.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final Map<String, String[]> WEB = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"web/app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"web/style.css", "text/css; charset=utf-8"});

    private final ServerConfig config;
    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;
    private final SwapperPool swappers;
    private final ModelStore store;
    private final Metrics metrics = new Metrics();
    private final Map<String, byte[]> webFiles;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean draining;

    private BgSwapServer(ServerConfig config) throws IOException {
        this.config = config;
        this.store = config.modelStore() != null ? config.modelStore() : ModelStore.defaultStore();
        this.swappers = new SwapperPool(this::open);
        this.webFiles = loadWebFiles();
        this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 0L, TimeUnit.MILLISECONDS,
                config.queueCapacity() > 0 ? new ArrayBlockingQueue<>(config.queueCapacity())
                        : new java.util.concurrent.SynchronousQueue<>(),
                DaemonThreads.named("bgswap-worker"), new ThreadPoolExecutor.AbortPolicy());
        this.timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("bgswap-timeout"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.httpThreads = Executors.newFixedThreadPool(Math.max(4, config.workers() + 2), DaemonThreads.named("bgswap-http"));
        InetAddress address = InetAddress.getByName(config.bind());
        this.http = HttpServer.create(new InetSocketAddress(address, config.port()), 128);
        http.setExecutor(httpThreads);
        http.createContext("/", this::dispatch);
        metrics.gauge("bgswap_queue_length", "Requests waiting for a worker.", () -> workers.getQueue().size());
        metrics.gauge("bgswap_queue_capacity", "Requests that may wait before the service answers 503.",
                config::queueCapacity);
        metrics.gauge("bgswap_workers", "Inference workers.", config::workers);
        metrics.gauge("bgswap_workers_busy", "Workers processing an image.", workers::getActiveCount);
        metrics.gauge("bgswap_models_loaded", "Models opened and shared.", () -> swappers.loaded().size());
        if (!address.isLoopbackAddress()) {
            LOG.warn("Listening on {}, reachable from other machines; the service has no authentication", address);
        }
    }

    /**
     * Starts a server; it answers at once, and opens models on first use.
     *
     * @param config the settings
     * @return the running server
     * @throws BgSwapException {@link ErrorCode#IO_ERROR} when the address cannot be bound
     */
    public static BgSwapServer start(ServerConfig config) {
        BgSwapServer server;
        try {
            server = new BgSwapServer(config);
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR,
                    "Cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        server.http.start();
        LOG.info("Serving on {} ({} workers, queue {}, default model {})", server.uri(), config.workers(),
                config.queueCapacity(), config.defaultModel());
        return server;
    }

    /**
     * Opens a model now, so that the first request does not wait for it.
     *
     * @param model a built-in model's name
     */
    public void preload(String model) {
        swappers.get(model);
    }

    /** @return the address the server listens on (with the actual port when 0 was asked for) */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** @return the base URI, e.g. {@code http://127.0.0.1:8080/} */
    public URI uri() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort() + "/");
    }

    /** @return the settings */
    public ServerConfig config() {
        return config;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * Graceful shutdown: stops accepting connections, answers 503 to new requests on open
     * connections, waits up to the grace period for requests in flight and queued, then frees
     * the models. Idempotent; a second caller waits for the first to finish.
     *
     * <p>Call it before the JVM begins to exit: ONNX Runtime frees its engine in a shutdown hook
     * of its own, which would run alongside one that calls this method.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            draining = true;
            workers.shutdown();
            long graceMillis = config.shutdownGrace().toMillis();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
            // HttpServer.stop closes the listening socket at once and then waits, but it only notices
            // that it is idle when an exchange ends after the call, so the wait for requests in
            // flight is ours, and a second stop(0) ends its wait.
            Thread stopper = new Thread(() -> http.stop((int) Math.min(Integer.MAX_VALUE, (graceMillis + 999) / 1000)),
                    "bgswap-stop");
            stopper.setDaemon(true);
            stopper.start();
            while ((metrics.inFlight() > 0 || !workers.isTerminated()) && System.nanoTime() < deadline) {
                workers.awaitTermination(10, TimeUnit.MILLISECONDS);
            }
            boolean idle = workers.isTerminated();
            http.stop(0);
            stopper.join();
            timer.shutdownNow();
            httpThreads.shutdown();
            if (idle) {
                swappers.close();
            } else {
                // An engine must not be closed under a running inference; the process is ending anyway.
                workers.shutdownNow();
                LOG.warn("Requests still running after the {} s grace period; models left open", graceMillis / 1000);
            }
            LOG.info("Stopped serving on {}", uri());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed.countDown();
        }
    }

    private BackgroundSwapper open(String model) {
        long t0 = System.nanoTime();
        BackgroundSwapper s = BackgroundSwapper.builder().model(model).modelStore(store)
                .backend(config.backend()).device(config.device()).threads(config.threadsPerInference()).build();
        LOG.info("Opened model {} in {} ms", model, (System.nanoTime() - t0) / 1_000_000);
        return s;
    }

    private void dispatch(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        String endpoint = endpoint(path);
        metrics.requestStarted();
        Call call = new Call(exchange, endpoint);
        try {
            switch (endpoint) {
                case "/v1/replace":
                case "/v1/matte":
                    requireMethod(exchange, "POST");
                    submit(call, exchange, endpoint.equals("/v1/matte"));
                    break;
                case "/v1/models":
                    requireMethod(exchange, "GET");
                    call.answer(200, JSON, models().getBytes(StandardCharsets.UTF_8));
                    break;
                case "/health":
                    requireMethod(exchange, "GET");
                    if (draining) {
                        throw HttpError.shuttingDown();
                    }
                    call.answer(200, JSON, health().getBytes(StandardCharsets.UTF_8));
                    break;
                case "/metrics":
                    requireMethod(exchange, "GET");
                    call.answer(200, "text/plain; version=0.0.4; charset=utf-8",
                            metrics.scrape().getBytes(StandardCharsets.UTF_8));
                    break;
                case "/web":
                    requireMethod(exchange, "GET");
                    String[] file = WEB.get(path);
                    call.answer(200, file[1], webFiles.get(file[0]));
                    break;
                default:
                    throw new HttpError(404, "NOT_FOUND", "No such endpoint: " + path
                            + " (try POST /v1/replace, POST /v1/matte, GET /v1/models, /health, /metrics or /)");
            }
        } catch (HttpError e) {
            call.fail(e);
        } catch (BgSwapException e) {
            call.fail(HttpError.of(e));
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Request on {} failed while reading: {}", path, e.toString());
            call.fail(new HttpError(400, ErrorCode.IO_ERROR.name(), "Could not read the request: " + e.getMessage()));
        } catch (RuntimeException | Error e) {
            LOG.error("Unexpected failure on {}", path, e);
            call.fail(internal());
        }
    }

    private static String endpoint(String path) {
        switch (path) {
            case "/v1/replace":
            case "/v1/matte":
            case "/v1/models":
            case "/health":
            case "/metrics":
                return path;
            default:
                return WEB.containsKey(path) ? "/web" : "other";
        }
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw new HttpError(405, "METHOD_NOT_ALLOWED",
                    exchange.getRequestMethod() + " is not allowed here; use " + method);
        }
    }

    private static HttpError internal() {
        return new HttpError(500, "INTERNAL", "Internal error; the service log has the details");
    }

    private void submit(Call call, HttpExchange exchange, boolean matteOnly) throws IOException {
        if (draining) {
            drain(exchange.getRequestBody(), config.maxBodyBytes());
            throw HttpError.shuttingDown();
        }
        byte[] body = readBody(exchange);
        SwapRequest request = SwapRequest.parse(exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders().getFirst("Content-Type"), body, config.defaultModel(), matteOnly);
        Future<?> task;
        try {
            task = workers.submit(() -> process(call, request, matteOnly));
        } catch (RejectedExecutionException e) {
            throw draining ? HttpError.shuttingDown() : HttpError.busy();
        }
        long left = config.requestTimeout().toNanos() - (System.nanoTime() - call.start);
        call.timeout = timer.schedule(() -> {
            if (call.fail(new HttpError(504, "TIMEOUT",
                    "No answer within " + config.requestTimeout().toMillis() + " ms; try a smaller image or later"))) {
                task.cancel(false);
                workers.purge();
            }
        }, Math.max(0, left), TimeUnit.NANOSECONDS);
    }

    private byte[] readBody(HttpExchange exchange) throws IOException {
        long max = config.maxBodyBytes();
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        InputStream in = exchange.getRequestBody();
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("Bad Content-Length: " + length);
            }
            if (declared > max) {
                drain(in, max);
                throw tooLarge(max);
            }
        }
        byte[] body = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
        if (body.length > max) {
            drain(in, max);
            throw tooLarge(max);
        }
        return body;
    }

    /** Reads and drops what is left of a refused body (within reason) so the client sees the answer. */
    private static void drain(InputStream in, long limit) throws IOException {
        long cap = Math.max(8L << 20, limit);
        byte[] buf = new byte[64 << 10];
        long total = 0;
        int n;
        while (total < cap && (n = in.read(buf)) > 0) {
            total += n;
        }
    }

    private static HttpError tooLarge(long max) {
        return new HttpError(413, "PAYLOAD_TOO_LARGE",
                String.format("The request body is larger than the limit of %.1f MB", max / 1e6));
    }

    private void process(Call call, SwapRequest request, boolean matteOnly) {
        if (call.answered.get()) {
            return;
        }
        try {
            ArgbImage photo = ImageFiles.decode(request.image(), "image", config.maxPixels());
            BackgroundSwapper swapper = swappers.get(request.model());
            if (call.answered.get()) {
                return; // timed out while the image was decoded or the model opened: spare the inference
            }
            byte[] out;
            String type;
            if (matteOnly) {
                out = ImageFiles.encode(Images.matteToArgb(swapper.matte(photo)), ImageFormat.PNG, 1f);
                type = "image/png";
            } else {
                Background background = request.background() != null ? request.background()
                        : Background.image(ImageFiles.decode(request.backgroundImage(), "background_image",
                        config.maxPixels()));
                ArgbImage result = swapper.replace(photo, background);
                out = ImageFiles.encode(result, request.format(), request.quality());
                type = request.format() == ImageFormat.PNG ? "image/png" : "image/jpeg";
            }
            call.answer(200, type, out, Map.of("X-Bgswap-Model", request.model()));
        } catch (BgSwapException e) {
            call.fail(HttpError.of(e));
        } catch (HttpError e) {
            call.fail(e);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("Unexpected failure processing an image", e);
            call.fail(internal());
        } finally {
            ScheduledFuture<?> t = call.timeout;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    private String models() {
        String defaultName = BackgroundSwapper.checkModelName(config.defaultModel());
        String portrait = "{\"name\":" + JsonText.quote(BackgroundSwapper.PORTRAIT_MODEL)
                + ",\"description\":" + JsonText.quote("Person-aware pipeline: a trimap from "
                + BackgroundSwapper.PORTRAIT_DETAIL + " and the " + BackgroundSwapper.PORTRAIT_PRIOR
                + " person prior; only the edge is matted")
                + ",\"format\":\"PIPELINE\""
                + ",\"licence\":" + JsonText.quote(BuiltinModel.named(BackgroundSwapper.PORTRAIT_DETAIL).licence() + " + "
                + BuiltinModel.named(BackgroundSwapper.PORTRAIT_PRIOR).licence())
                + ",\"size\":" + (BuiltinModel.named(BackgroundSwapper.PORTRAIT_DETAIL).size()
                + BuiltinModel.named(BackgroundSwapper.PORTRAIT_PRIOR).size())
                + ",\"cached\":" + (store.isCached(BuiltinModel.named(BackgroundSwapper.PORTRAIT_DETAIL))
                && store.isCached(BuiltinModel.named(BackgroundSwapper.PORTRAIT_PRIOR)))
                + ",\"loaded\":" + swappers.loaded().contains(BackgroundSwapper.PORTRAIT_MODEL)
                + ",\"default\":" + BackgroundSwapper.PORTRAIT_MODEL.equals(defaultName) + "}";
        String list = BuiltinModel.all().stream().map(m -> "{\"name\":" + JsonText.quote(m.name())
                + ",\"description\":" + JsonText.quote(m.description())
                + ",\"format\":" + JsonText.quote(m.format().name())
                + ",\"licence\":" + JsonText.quote(m.licence())
                + ",\"size\":" + m.size()
                + ",\"cached\":" + store.isCached(m)
                + ",\"loaded\":" + swappers.loaded().contains(m.name())
                + ",\"default\":" + m.name().equals(defaultName) + "}")
                .collect(Collectors.joining(","));
        return "{\"default\":" + JsonText.quote(defaultName) + ",\"models\":[" + portrait + "," + list + "]}";
    }

    private String health() {
        List<String> loaded = swappers.loaded();
        return "{\"status\":\"ok\",\"models_loaded\":["
                + loaded.stream().map(JsonText::quote).collect(Collectors.joining(","))
                + "],\"workers\":" + config.workers()
                + ",\"queue_length\":" + workers.getQueue().size()
                + ",\"in_flight\":" + metrics.inFlight() + "}";
    }

    private static Map<String, byte[]> loadWebFiles() throws IOException {
        Map<String, byte[]> files = new java.util.HashMap<>();
        for (String[] f : WEB.values()) {
            if (!files.containsKey(f[0])) {
                try (InputStream in = BgSwapServer.class.getResourceAsStream(f[0])) {
                    if (in == null) {
                        throw new IOException("resource " + f[0] + " is missing from the jar");
                    }
                    files.put(f[0], in.readAllBytes());
                }
            }
        }
        return Map.copyOf(files);
    }

    /** One request: answered exactly once, by whoever comes first (worker, timer or handler). */
    private final class Call {
        final HttpExchange exchange;
        final String endpoint;
        final long start = System.nanoTime();
        final AtomicBoolean answered = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Call(HttpExchange exchange, String endpoint) {
            this.exchange = exchange;
            this.endpoint = endpoint;
        }

        boolean fail(HttpError e) {
            return answer(e.status(), JSON, JsonText.error(e.code(), e.getMessage()).getBytes(StandardCharsets.UTF_8),
                    e.status() == 503 ? Map.of("Retry-After", "1") : Map.of());
        }

        boolean answer(int status, String contentType, byte[] body) {
            return answer(status, contentType, body, Map.of());
        }

        boolean answer(int status, String contentType, byte[] body, Map<String, String> headers) {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            try {
                headers.forEach(exchange.getResponseHeaders()::set);
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            } catch (IOException e) {
                LOG.debug("Client went away before the answer to {} was sent: {}", endpoint, e.toString());
            } finally {
                exchange.close();
                metrics.requestFinished(endpoint, status, System.nanoTime() - start);
            }
            return true;
        }
    }
}
