package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.Examples;
import engawa.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Static files over TLS (read in chunks and encrypted, where plain HTTP uses sendfile), fetched by curl. */
class HttpsStaticIT {
    static TestServer t;
    static int https;
    static Path root;
    static String bigSha256;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TestServer.newDir();
        root = Files.createDirectories(dir.resolve("site"));
        Files.writeString(root.resolve("index.html"), "<h1>over TLS</h1>\n");
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        bigSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big));
        t = TestServer.start(dir, """
                listen: {http: "127.0.0.1:0", https: "127.0.0.1:0"}
                certificates:
                  example: {cert_file: EX/certs/example.test.crt, key_file: EX/certs/example.test.key}
                sites:
                  www:
                    hosts: [www.example.test]
                    tls: example
                    routes: [{path: /, static: {root: site}}]
                """.replace("EX/", Examples.dir() + "/"));
        https = t.port("https");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void aLargeFileArrivesWholeOverBothTlsVersions() throws Exception {
        for (String version : List.of("1.2", "1.3")) {
            Path got = t.dir().resolve("got-" + version);
            var r = TlsClients.run("", "curl", "-sS", "--max-time", "60", "--cacert", HttpsIT.CA.toString(),
                    "--tlsv" + version, "--tls-max", version, "--resolve", "www.example.test:" + https + ":127.0.0.1",
                    "-o", got.toString(), "-w", "status=%{http_code} size=%{size_download}",
                    "https://www.example.test:" + https + "/big.bin");
            assertThat(r.output()).as(version).contains("status=200 size=" + Files.size(root.resolve("big.bin")));
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(got))))
                    .isEqualTo(bigSha256);
        }
    }

    @Test
    void indexFilesAndRangesWorkOverTls() {
        var index = TlsClients.run("", "curl", "-sS", "--max-time", "30", "--cacert", HttpsIT.CA.toString(),
                "--resolve", "www.example.test:" + https + ":127.0.0.1", "https://www.example.test:" + https + "/");
        assertThat(index.output()).isEqualTo("<h1>over TLS</h1>\n");
        var range = TlsClients.run("", "curl", "-sS", "--max-time", "30", "--cacert", HttpsIT.CA.toString(), "-r", "4-7",
                "-w", " status=%{http_code}", "--resolve", "www.example.test:" + https + ":127.0.0.1",
                "https://www.example.test:" + https + "/index.html");
        assertThat(range.output()).isEqualTo("over status=206");
    }
}
