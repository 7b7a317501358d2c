package io.bgswap.examples.cli;

import io.bgswap.Device;
import io.bgswap.server.BgSwapServer;
import io.bgswap.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code bgswap serve}: the HTTP service and its web page, until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve background replacement over HTTP, with a web page at /.",
                "Endpoints: POST /v1/replace, POST /v1/matte, GET /v1/models, /health, /metrics."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "TCP port; default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on; default: ${DEFAULT-VALUE} (this machine only)")
    String bind;

    @Option(names = "--workers", paramLabel = "N", description = "Images processed at once; default: the number of cores")
    int workers;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "-1",
            description = "Requests that may wait for a worker before 503; default: twice the workers")
    int queue;

    @Option(names = "--max-body-mb", paramLabel = "MB", defaultValue = "25", description = "Request body limit; default: ${DEFAULT-VALUE}")
    double maxBodyMb;

    @Option(names = "--max-megapixels", paramLabel = "MP", defaultValue = "40",
            description = "Image size limit; default: ${DEFAULT-VALUE}")
    double maxMegapixels;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Per-request timeout; default: ${DEFAULT-VALUE}")
    double timeoutSeconds;

    @Option(names = "--no-preload", description = "Open the default model on the first request instead of at start")
    boolean noPreload;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig.Builder b = ServerConfig.builder().bind(bind).port(port).queueCapacity(queue)
                .maxBodyBytes((long) (maxBodyMb * 1_000_000)).maxPixels((long) (maxMegapixels * 1_000_000))
                .requestTimeout(Duration.ofMillis((long) (timeoutSeconds * 1000)))
                .defaultModel(modelOptions.model).backend(modelOptions.backend);
        if (workers != 0) {
            b.workers(workers);
        }
        if (modelOptions.threads > 0) {
            b.threadsPerInference(modelOptions.threads);
        }
        if (modelOptions.device != null) {
            b.device(Device.parse(modelOptions.device));
        }
        BgSwapServer server = BgSwapServer.start(b.build());
        closeOnSignals(server, err);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bgswap-shutdown"));
        if (!noPreload) {
            server.preload(modelOptions.model);
        }
        err.println("bgswap: serving on " + server.uri() + " (model " + modelOptions.model + "); stop with Ctrl-C");
        err.flush();
        server.awaitClosed();
        return 0;
    }

    /**
     * SIGTERM and SIGINT close the server before the JVM begins to exit. A shutdown hook alone is
     * not enough: ONNX Runtime releases its environment in a shutdown hook of its own, which runs
     * at the same time as ours and would pull the engine from under the requests still in flight.
     */
    @SuppressWarnings("sunapi")
    private static void closeOnSignals(BgSwapServer server, PrintWriter err) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    err.println("bgswap: SIG" + name + ": finishing the requests in flight, then stopping");
                    err.flush();
                    new Thread(server::close, "bgswap-shutdown").start();
                });
            } catch (IllegalArgumentException e) {
                // The platform has no such signal, or the JVM reserves it: the shutdown hook remains.
            }
        }
    }
}
