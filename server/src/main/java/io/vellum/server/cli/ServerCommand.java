package io.vellum.server.cli;

import io.vellum.Vellum;
import io.vellum.core.config.StoreConfig;
import io.vellum.replication.ReplicationConfig;
import io.vellum.server.ConfigFile;
import io.vellum.server.RespServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vellum server [config-file] [--directive value ...]}: serves RESP until SHUTDOWN or a signal. */
@Command(name = "server", description = {
        "Starts the server. Arguments are as redis-server takes them: an optional config file",
        "in redis.conf syntax, then any directive as --name value (--port 7000 --appendfsync always).",
        "Defaults: 127.0.0.1:6379, data in ./data."})
public final class ServerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "[config-file] [--name value ...]")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return serve(args, null);
    }

    /** Serves until SHUTDOWN or a signal; with {@code followDir}, as a same-host replica of the store there. */
    static int serve(List<String> args, Path followDir) throws Exception {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty's default leak detection records a stack trace (a Throwable) for a sample of
            // buffers: measurable on the request path (JFR: hundreds a second under
            // redis-benchmark). The tests keep it on; -Dio.netty.leakDetection.level turns it
            // back on in the server.
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        StoreConfig config = new StoreConfig();
        ReplicationConfig.register(config);
        List<String> rest = new ArrayList<>(args);
        List<ConfigFile.Line> lines = new ArrayList<>();
        Path configFile = null;
        try {
            if (!rest.isEmpty() && !rest.get(0).startsWith("--")) {
                Path file = Path.of(rest.remove(0));
                configFile = file.toAbsolutePath();
                if (!Files.isRegularFile(file)) {
                    System.err.println("Fatal error, can't open config file '" + file + "'");
                    return 1;
                }
                lines.addAll(ConfigFile.read(file));
            }
            lines.addAll(ConfigFile.fromArguments(rest));
            ConfigFile.apply(lines, config);
        } catch (ConfigFile.ConfigFileException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        // vellum crashtest's next server loads its classes before the kill it replaces, then waits here
        io.vellum.server.crashtest.Standby.awaitGoIfStandby();
        Path dir = Path.of(config.dir.get());
        Files.createDirectories(dir);
        CountDownLatch stopped = new CountDownLatch(1);
        Vellum store;
        try {
            store = Vellum.builder().dir(dir).configure(c -> copy(config, c)).followDir(followDir).open();
        } catch (java.io.UncheckedIOException e) {
            LOG.error("Cannot open the store: {}", e.getMessage());
            System.err.println("Fatal error: " + e.getMessage());
            return 1;
        }
        List<RespServer> servers = new ArrayList<>();
        for (String host : config.bind.get().trim().split("\\s+")) {
            servers.add(store.serve(host, config.port.intValue()));
        }
        store.engine().setShutdownHandler(stopped::countDown);
        String configFileName = configFile == null ? "" : configFile.toString();
        store.engine().addInfoContributor((section, fields) -> {
            if (section.equals("server")) {
                fields.put("config_file", configFileName);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopped.getCount() > 0) { // not after SHUTDOWN: the JVM is exiting because main returned
                LOG.info("Received a signal, shutting down");
            }
            store.close();
            stopped.countDown();
        }, "vellum-shutdown"));
        LOG.info("Vellum started: port {}, dir {}", servers.get(0).port(), dir.toAbsolutePath());
        stopped.await();
        LOG.info("SHUTDOWN: closing the store");
        store.close();
        return 0;
    }

    private static void copy(StoreConfig from, StoreConfig to) {
        for (var p : from.params()) {
            var target = to.find(p.name());
            try {
                target.setText(p.getText());
            } catch (io.vellum.core.config.ConfigException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
